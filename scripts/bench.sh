#!/usr/bin/env bash
# The one entry point for benchmarks. Each area prints a readable table and,
# last, one line per result: "ratio NAME VALUE" or "metric NAME VALUE UNIT".
# Every area runs its baseline in the same run (the machines are noisy:
# compare within one run). Results are recorded in docs/BENCHMARKS.md.
#
#   scripts/bench.sh              all areas
#   scripts/bench.sh rings        the dp<->cp shared-memory rings
#   scripts/bench.sh forwarding   the data plane's fast path, 1 / 10k / 1M bindings
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${PMIP_BUILD:-$REPO/build}
"$REPO/scripts/setup.sh" >/dev/null || { echo "bench: setup failed" >&2; exit 1; }

AREAS=(rings forwarding)
area_rings() {
	echo "== rings: elements moved producer -> consumer on two CPUs"
	"$BUILD/tests/bench/bench_rings" "${BENCH_RING_N:-4000000}"
}

# One worker core, packets from memory into net_null (tests/bench/bench_forward.c):
# (a) I/O ceiling, (b) MAG uplink, (c) LMA downlink, (d) LMA decapsulation.
area_forwarding() {
	local secs=${BENCH_FWD_SECONDS:-2} n role out
	local sizes=${BENCH_FWD_SIZES:-"1 10000 1000000"}
	local tmp
	tmp=$(mktemp -d)
	for n in $sizes; do
		for role in mag lma; do
			"$BUILD/tests/bench/bench_forward" $role "$n" "$secs" >"$tmp/$role-$n" 2>"$tmp/$role-$n.err" ||
				{ cat "$tmp/$role-$n.err" >&2; rm -rf "$tmp"; return 1; }
		done
	done
	python3 - "$tmp" $sizes <<'PY'
import sys, os
tmp, sizes = sys.argv[1], [int(x) for x in sys.argv[2:]]
def load(role, n):
    r = {}
    for line in open(os.path.join(tmp, f"{role}-{n}")):
        p = line.split()
        if len(p) == 3 and p[0] == "result":
            r[p[1]] = float(p[2])
    return r
print("== forwarding: one worker core, 64-byte frames from memory into net_null")
print(f"{'bindings':>9} {'path':<22} {'Mpps':>7} {'cyc/pkt':>8} {'vs I/O':>7}")
worst = None
for n in sizes:
    mag, lma = load("mag", n), load("lma", n)
    rows = [("(a) I/O ceiling", mag["io_mpps"], mag["io_cycles"], mag["io_mpps"]),
            ("(b) MAG uplink encap", mag["mag_uplink_mpps"], mag["mag_uplink_cycles"], mag["io_mpps"]),
            ("(c) LMA downlink encap", lma["lma_downlink_mpps"], lma["lma_downlink_cycles"], lma["io_mpps"]),
            ("(d) LMA decap+route", lma["lma_decap_mpps"], lma["lma_decap_cycles"], lma["io_mpps"])]
    for name, mpps, cyc, io in rows:
        print(f"{n:>9} {name:<22} {mpps:>7.2f} {cyc:>8.1f} {mpps / io:>7.2f}")
    if n == max(sizes):
        worst = min(r[1] / r[3] for r in rows[1:])
        big = (mag, lma)
mag, lma = big
print(f"lookup at {max(sizes)} bindings: ours {lma['lookup_cycles']:.1f} cycles, rte_hash_lookup_bulk {lma['rte_hash_cycles']:.1f} cycles")
print(f"updates while a worker forwards: {lma['updates_per_s']:.0f}/s; worker {lma['fwd_mpps_alone']:.2f} Mpps alone, {lma['fwd_mpps_during_updates']:.2f} Mpps during updates")
print(f"dp bytes per binding: MAG {mag['bytes_per_binding']:.0f}, LMA {lma['bytes_per_binding']:.0f} (tables + one worker's counters)")
print(f"ratio forwarding_1m_vs_io {worst:.2f}")
print(f"ratio lookup_1m_vs_rte_hash {lma['lookup_cycles'] / lma['rte_hash_cycles']:.2f}")
print(f"metric binding_updates_per_s {lma['updates_per_s']:.0f} 1/s")
print(f"metric dp_bytes_per_binding {max(mag['bytes_per_binding'], lma['bytes_per_binding']):.0f} B")
PY
	local rc=$?
	rm -rf "$tmp"
	return $rc
}

want=("$@")
[ ${#want[@]} -gt 0 ] || want=("${AREAS[@]}")
results=()
for a in "${want[@]}"; do
	declare -F "area_$a" >/dev/null || { echo "bench: unknown area '$a' (have: ${AREAS[*]})" >&2; exit 2; }
	out=$("area_$a") || { echo "$out"; echo "bench: area $a failed" >&2; exit 1; }
	echo "$out" | grep -Ev '^(ratio|metric) '
	while IFS= read -r l; do results+=("$l"); done < <(echo "$out" | grep -E '^(ratio|metric) ')
done
echo "== results"
printf '%s\n' "${results[@]}"
