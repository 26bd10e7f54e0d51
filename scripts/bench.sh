#!/usr/bin/env bash
# The one entry point for benchmarks. Each area prints a readable table and,
# last, one line per result: "ratio NAME VALUE" or "metric NAME VALUE UNIT".
# Every area runs its baseline in the same run (the machines are noisy:
# compare within one run). Results are recorded in docs/BENCHMARKS.md.
#
#   scripts/bench.sh              all areas
#   scripts/bench.sh rings        the dp<->cp shared-memory rings
#   scripts/bench.sh forwarding   the data plane's fast path, 1 / 10k / 1M bindings
#   scripts/bench.sh esp          ESP on one core vs `openssl speed` and DPDK's ipsec-secgw
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${PMIP_BUILD:-$REPO/build}
"$REPO/scripts/setup.sh" >/dev/null || { echo "bench: setup failed" >&2; exit 1; }

AREAS=(rings forwarding esp)
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

# ESP on one core: pmip-dp's whole ESP path (tests/bench/bench_esp.c), all
# algorithms, against `openssl speed -evp aes-128-gcm` and DPDK's ipsec-secgw
# example (built by scripts/secgw/Makefile, run by scripts/secgw/run.py with
# crypto_openssl, crypto_aesni_mb and crypto_aesni_gcm) on the same SA and the
# same packets (bench_esp writes them as pcaps). Rounds alternate between the
# three so that the machine's slow phases hit each; the best round counts.
#   BENCH_ESP_ROUNDS (3), BENCH_ESP_SECONDS (0.25 s per case and round),
#   BENCH_ESP_LCORE (the last CPU), BENCH_ESP_SPEED_SECONDS (2)
area_esp() {
	local secs=${BENCH_ESP_SECONDS:-0.25} rounds=${BENCH_ESP_ROUNDS:-3}
	local lcore=${BENCH_ESP_LCORE:-$(($(nproc) - 1))} speed_secs=${BENCH_ESP_SPEED_SECONDS:-2}
	local bench=$BUILD/tests/bench/bench_esp secgw=$BUILD/secgw/ipsec-secgw
	local tmp r n pmd size dir pcap
	tmp=$(mktemp -d)
	fail() { cat "$@" >&2; rm -rf "$tmp"; return 1; }
	make -s -f "$REPO/scripts/secgw/Makefile" O="$BUILD/secgw" >"$tmp/make.log" 2>&1 ||
		{ fail "$tmp/make.log"; return 1; }
	"$bench" pcap "$tmp" >"$tmp/pcap.log" 2>&1 || { fail "$tmp/pcap.log"; return 1; }
	"$bench" run "$secs" "$rounds" "$lcore" all >"$tmp/ours-all" 2>"$tmp/ours-all.err" ||
		{ fail "$tmp/ours-all.err"; return 1; }
	for ((r = 1; r <= rounds; r++)); do
		"$bench" run "$secs" 1 "$lcore" gcm128 >"$tmp/ours-$r" 2>"$tmp/ours-$r.err" ||
			{ fail "$tmp/ours-$r.err"; return 1; }
		for n in 64 570 1400 1514; do
			taskset -c "$lcore" openssl speed -evp aes-128-gcm -bytes "$n" -seconds "$speed_secs" \
				-mr >"$tmp/speed-$n-$r" 2>/dev/null || { fail "$tmp/speed-$n-$r"; return 1; }
		done
		for pmd in openssl aesni_mb aesni_gcm; do
			for size in 64 imix 1400; do
				for dir in enc dec; do
					pcap=$tmp/plain-$size.pcap
					[ "$dir" = dec ] && pcap=$tmp/esp-$size.pcap
					python3 "$REPO/scripts/secgw/run.py" --secgw "$secgw" \
						--cfg "$REPO/scripts/secgw/transport-gcm128.cfg" --pcap "$pcap" \
						--dir "$dir" --crypto "crypto_${pmd}0" --lcore "$lcore" \
						--seconds 1 --window "$secs" --name "esp-$pmd" \
						>"$tmp/secgw-$pmd-$size-$dir-$r" 2>"$tmp/secgw.err" ||
						{ fail "$tmp/secgw.err"; return 1; }
				done
			done
		done
	done
	python3 - "$tmp" "$rounds" "$secs" "$lcore" "$speed_secs" <<'PY'
import glob, os, sys
tmp, rounds, secs, lcore, speed_secs = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
SIZES = ("64", "imix", "1400")
ALGS = ("gcm128", "gcm256", "cbc128_sha256", "cbc256_sha256")
PMDS = ("openssl", "aesni_mb", "aesni_gcm")
IMIX = ((64, 7), (570, 4), (1514, 1))

def results(path):
    r = {}
    for line in open(path):
        p = line.split()
        if len(p) == 3 and p[0] == "result":
            try:
                r[p[1]] = float(p[2])
            except ValueError:
                pass
    return r

# Ours: best of every round (the all-algorithm run and the alternating ones).
ours = results(os.path.join(tmp, "ours-all"))
for r in range(1, rounds + 1):
    for k, v in results(os.path.join(tmp, f"ours-{r}")).items():
        if k.startswith(("esp_", "evp_")):
            ours[k] = max(ours.get(k, 0), v)
mean = {s: ours[f"payload_mean_{s}"] for s in SIZES}

# openssl speed -mr: "+F:n:AES-128-GCM:bytes_per_second"; best round per size.
speed = {}
for n in (64, 570, 1400, 1514):
    best = 0
    for r in range(1, rounds + 1):
        for line in open(os.path.join(tmp, f"speed-{n}-{r}")):
            if line.startswith("+F:"):
                best = max(best, float(line.rsplit(":", 1)[1]))
    speed[n] = best / n  # messages per second
speed_pps = {"64": speed[64], "1400": speed[1400],
             "imix": 12 / sum(w / speed[n] for n, w in IMIX)}
speed_gbps = {s: speed_pps[s] * mean[s] * 8 / 1e9 for s in SIZES}

secgw, unsent = {}, 0.0
for pmd in PMDS:
    for s in SIZES:
        for d in ("enc", "dec"):
            runs = [results(os.path.join(tmp, f"secgw-{pmd}-{s}-{d}-{r}")) for r in range(1, rounds + 1)]
            secgw[pmd, s, d] = max(x["secgw_mpps"] for x in runs)
            unsent = max([unsent] + [x["secgw_dropped"] / x["secgw_rx"] for x in runs])

print(f"== esp: one core (CPU {lcore}), best of {rounds} rounds of {secs} s; size = bytes ESP protects"
      f" (IMIX 64/570/1514 7:4:1, mean {mean['imix']:.1f} B); Gbit/s of those bytes")
print("pmip-dp ESP path, transport mode (bench_esp):")
print(f"{'algorithm':<15} {'size':<5} {'enc Mpps':>9} {'enc Gb/s':>9} {'dec Mpps':>9} {'dec Gb/s':>9}")
for a in ALGS:
    for s in SIZES:
        k = f"esp_{a}_{s}"
        print(f"{a:<15} {s:<5} {ours[k + '_enc_mpps']:>9.3f} {ours[k + '_enc_gbps']:>9.2f}"
              f" {ours[k + '_dec_mpps']:>9.3f} {ours[k + '_dec_gbps']:>9.2f}")
print(f"AES-128-GCM encryption, raw OpenSSL on the same payloads (openssl speed -evp aes-128-gcm"
      f" -bytes N -seconds {speed_secs}; IMIX from its 64/570/1514 runs):")
print(f"{'size':<5} {'ours Gb/s':>9} {'speed Gb/s':>10} {'EVP aead':>9} {'EVP strm':>9}"
      f" {'ours/speed':>10} {'ours/aead':>9} {'ours/strm':>9}")
for s in SIZES:
    o = ours[f"esp_gcm128_{s}_enc_gbps"]
    aead, strm = ours[f"evp_aead_{s}_gbps"], ours[f"evp_stream_{s}_gbps"]
    print(f"{s:<5} {o:>9.2f} {speed_gbps[s]:>10.2f} {aead:>9.2f} {strm:>9.2f}"
          f" {o / speed_gbps[s]:>10.2f} {o / aead:>9.2f} {o / strm:>9.2f}")
print("ipsec-secgw (DPDK 22.11 example, 1 lcore, same SA and packets), Mpps:")
print(f"{'size':<5} {'dir':<4} {'ours':>7} {'openssl':>8} {'aesni_mb':>9} {'aesni_gcm':>9}"
      f" {'ours/openssl':>12} {'ours/ipsec_mb':>13}")
worst_ossl = worst_mb = None
for s in SIZES:
    for d in ("enc", "dec"):
        o = ours[f"esp_gcm128_{s}_{d}_mpps"]
        so, smb, sgcm = (secgw[p, s, d] for p in PMDS)
        r_ossl, r_mb = o / so, o / max(smb, sgcm)
        worst_ossl = r_ossl if worst_ossl is None else min(worst_ossl, r_ossl)
        worst_mb = r_mb if worst_mb is None else min(worst_mb, r_mb)
        print(f"{s:<5} {d:<4} {o:>7.3f} {so:>8.3f} {smb:>9.3f} {sgcm:>9.3f} {r_ossl:>12.2f} {r_mb:>13.2f}")
print(f"ipsec-secgw received but had not sent: at most {unsent * 100:.2f} % of a run (in flight or dropped)")
print("ratios vs ipsec-secgw: the worst of the six cases; ipsec_mb: the faster of its two PMDs per case")
print(f"ratio esp_gcm128_1400_vs_openssl {ours['esp_gcm128_1400_enc_gbps'] / speed_gbps['1400']:.2f}")
print(f"ratio esp_gcm128_1400_vs_evp_stream {ours['esp_gcm128_1400_enc_gbps'] / ours['evp_stream_1400_gbps']:.2f}")
print(f"ratio esp_vs_secgw_openssl {worst_ossl:.2f}")
print(f"ratio esp_vs_secgw_ipsecmb {worst_mb:.2f}")
for s in SIZES:
    for d in ("enc", "dec"):
        print(f"metric esp_gcm128_{s}_{d}_mpps {ours[f'esp_gcm128_{s}_{d}_mpps']:.3f} Mpps")
print(f"metric esp_gcm128_1400_enc_gbps {ours['esp_gcm128_1400_enc_gbps']:.2f} Gbit/s")
print(f"metric esp_gcm128_1400_dec_gbps {ours['esp_gcm128_1400_dec_gbps']:.2f} Gbit/s")
print(f"metric openssl_speed_gcm128_1400_gbps {speed_gbps['1400']:.2f} Gbit/s")
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
