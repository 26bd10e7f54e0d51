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
#   scripts/bench.sh ike          IKE_SA + CHILD_SA set-ups per second: our responder vs charon
#   scripts/bench.sh pmip         PBU/PBA registrations per second at the LMA, cp bytes per binding
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${PMIP_BUILD:-$REPO/build}
"$REPO/scripts/setup.sh" >/dev/null || { echo "bench: setup failed" >&2; exit 1; }

AREAS=(rings forwarding esp ike pmip)
area_rings() {
	echo "== rings: elements moved producer -> consumer on two CPUs"
	"$BUILD/tests/bench/bench_rings" "${BENCH_RING_N:-4000000}"
}

# One worker core, packets from memory into net_null (tests/bench/bench_forward.c):
# (a) I/O ceiling, (b) MAG uplink, (c) LMA downlink, (d) LMA decapsulation.
# Hugepages for bench_forward, as a deployed pmip-dp runs (config/mag.ini):
# 2 MB pages reserved and a hugetlbfs mounted in $1, both undone by
# huge_down. BENCH_FWD_HUGE=0 runs on 4 KB pages instead (a TLB miss per
# binding lookup at 1M bindings on top of the cache miss).
HUGE_PAGES_BEFORE=
huge_up() { # dir pages
	[ "${BENCH_FWD_HUGE:-1}" = 1 ] || return 1
	HUGE_PAGES_BEFORE=$(cat /proc/sys/vm/nr_hugepages 2>/dev/null) || return 1
	local free
	free=$(awk '/^HugePages_Free:/ {print $2}' /proc/meminfo)
	[ "$free" -ge "$2" ] || echo $((HUGE_PAGES_BEFORE + $2 - free)) >/proc/sys/vm/nr_hugepages 2>/dev/null
	free=$(awk '/^HugePages_Free:/ {print $2}' /proc/meminfo)
	if [ "$free" -lt "$2" ] || ! mount -t hugetlbfs -o pagesize=2M nodev "$1" 2>/dev/null; then
		huge_down "$1"
		return 1
	fi
}
huge_down() { # dir
	mountpoint -q "$1" 2>/dev/null && umount "$1"
	[ -n "$HUGE_PAGES_BEFORE" ] && echo "$HUGE_PAGES_BEFORE" >/proc/sys/vm/nr_hugepages 2>/dev/null
	HUGE_PAGES_BEFORE=
	return 0
}

area_forwarding() {
	local secs=${BENCH_FWD_SECONDS:-2} n role out
	local sizes=${BENCH_FWD_SIZES:-"1 10000 1000000"}
	local tmp pages="4 KB pages (no hugepages)"
	tmp=$(mktemp -d)
	mkdir "$tmp/huge"
	# Interrupted: no mount, reservation or files left behind.
	trap 'huge_down "$tmp/huge"; rm -rf "$tmp"; exit 130' INT TERM
	# bench_forward asks EAL for 2048 MB (-m 2048).
	if huge_up "$tmp/huge" 1100; then
		export BENCH_HUGE_DIR=$tmp/huge
		pages="2 MB hugepages"
	else
		unset BENCH_HUGE_DIR
	fi
	for n in $sizes; do
		for role in mag lma; do
			"$BUILD/tests/bench/bench_forward" $role "$n" "$secs" >"$tmp/$role-$n" 2>"$tmp/$role-$n.err" ||
				{ cat "$tmp/$role-$n.err" >&2; huge_down "$tmp/huge"; trap - INT TERM; rm -rf "$tmp"; return 1; }
		done
	done
	huge_down "$tmp/huge"
	trap - INT TERM
	unset BENCH_HUGE_DIR
	python3 - "$tmp" "$pages" $sizes <<'PY'
import sys, os
tmp, pages, sizes = sys.argv[1], sys.argv[2], [int(x) for x in sys.argv[3:]]
def load(role, n):
    r = {}
    for line in open(os.path.join(tmp, f"{role}-{n}")):
        p = line.split()
        if len(p) == 3 and p[0] == "result":
            r[p[1]] = float(p[2])
    return r
print(f"== forwarding: one worker core, 64-byte frames from memory into net_null, {pages}")
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
    # Not paths: the ceiling plus only the lookup, or only the per-binding
    # counters (no table at all): bounds on (b)-(d).
    for name, key in (("(a)+lookup only", "io_lookup"), ("(a)+counters only", "io_count")):
        print(f"{n:>9} {name:<22} {lma[key + '_mpps']:>7.2f} {lma[key + '_cycles']:>8.1f} "
              f"{lma[key + '_mpps'] / lma['io_mpps']:>7.2f}")
    if n == max(sizes):
        worst = min(r[1] / r[3] for r in rows[1:])
        big = (mag, lma)
mag, lma = big
print(f"lookup at {max(sizes)} bindings: ours {lma['lookup_cycles']:.1f} cycles, rte_hash_lookup_bulk {lma['rte_hash_cycles']:.1f} cycles")
print(f"updates while a worker forwards: {lma['updates_per_s']:.0f}/s; worker {lma['fwd_mpps_alone']:.2f} Mpps alone, {lma['fwd_mpps_during_updates']:.2f} Mpps during updates")
print(f"dp bytes per binding: MAG {mag['bytes_per_binding']:.0f}, LMA {lma['bytes_per_binding']:.0f} (tables + one worker's counters)")
print(f"ratio forwarding_1m_vs_io {worst:.2f}")
print(f"ratio lookup_1m_vs_rte_hash {lma['lookup_cycles'] / lma['rte_hash_cycles']:.2f}")
print(f"ratio io_plus_lookup_1m_vs_io {lma['io_lookup_mpps'] / lma['io_mpps']:.2f}")
print(f"ratio io_plus_counters_1m_vs_io {lma['io_count_mpps'] / lma['io_mpps']:.2f}")
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

# IKE_SA + CHILD_SA establishments per second (tests/bench/bench_ike.c): our
# IKEv2 engine as initiator against our engine as responder and against
# strongSwan's charon as responder, same proposals (IKE
# aes128gcm16-prfsha256-ecp256, ESP aes128gcm16), PSK, same run. One set-up
# is IKE_SA_INIT + IKE_AUTH with its CHILD_SA, then an INFORMATIONAL Delete
# (so neither responder's table fills); the initiator keeps a window of SAs
# in set-up. Three network namespaces on a bridge: pl-ikebench-i
# (initiator, fd00:1::1, holds the bridge), pl-ikebench-o (our responder,
# fd00:1::2) and pl-ikebench-s (charon, fd00:1::3): charon binds [::]:500
# and [::]:4500 without SO_REUSEADDR, so nothing else can share its
# namespace on those ports. The initiator runs on one CPU, both responders
# on the other; rounds alternate between the two responders, best round
# counts.
#   BENCH_IKE_ROUNDS (3), BENCH_IKE_SECONDS (5 s per round, after 0.5 s of
#   warm-up), BENCH_IKE_WINDOW (64 SAs in set-up), BENCH_IKE_CPU_INITIATOR
#   (0), BENCH_IKE_CPU_RESPONDER (the last CPU), BENCH_IKE_CHARON_LOG (-1:
#   charon's log level; 1 or more to debug, slows it down)
area_ike() {
	local rounds=${BENCH_IKE_ROUNDS:-3} secs=${BENCH_IKE_SECONDS:-5} window=${BENCH_IKE_WINDOW:-64}
	local cpu_i=${BENCH_IKE_CPU_INITIATOR:-0} cpu_r=${BENCH_IKE_CPU_RESPONDER:-$(($(nproc) - 1))}
	local charon_log=${BENCH_IKE_CHARON_LOG:--1}
	local bench=$BUILD/tests/bench/bench_ike
	local ns_i=pl-ikebench-i ns_o=pl-ikebench-o ns_s=pl-ikebench-s
	local a_i=fd00:1::1 a_o=fd00:1::2 a_s=fd00:1::3
	local ike=aes128gcm16-prfsha256-ecp256 esp=aes128gcm16
	local tmp psk ns a r target pid peer t0 t1 c0 c1 resp_pid="" i made_ns=()
	# shellcheck source=scripts/strongswan-lib.sh
	. "$REPO/scripts/strongswan-lib.sh"
	tmp=$(mktemp -d /tmp/pmip-bench-ike.XXXXXX)
	ike_cleanup() {
		trap - EXIT INT TERM
		if [ -n "$resp_pid" ] && kill -0 "$resp_pid" 2>/dev/null; then
			kill -TERM "$resp_pid" 2>/dev/null
			for ((i = 0; i < 50; i++)); do kill -0 "$resp_pid" 2>/dev/null || break; sleep 0.1; done
			kill -KILL "$resp_pid" 2>/dev/null
			wait "$resp_pid" 2>/dev/null
		fi
		resp_pid=""
		sw_stop_all
		for ns in "${made_ns[@]}"; do
			ip netns del "$ns" 2>/dev/null
		done
		made_ns=()
		rm -rf "$tmp"
	}
	trap ike_cleanup EXIT
	trap 'ike_cleanup; exit 130' INT TERM
	fail() { echo "bench ike: $*" >&2; ike_cleanup; return 1; }
	if ! command -v swanctl >/dev/null || [ ! -x "$SW_CHARON" ]; then
		fail "strongSwan (charon, swanctl) not installed"
		return 1
	fi
	ninja -C "$BUILD" tests/bench/bench_ike >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; fail "build failed"; return 1; }

	# The network: a bridge in the initiator's namespace, one veth to each
	# responder's namespace. A namespace left by a killed run is removed if
	# nothing runs in it.
	for ns in "$ns_i" "$ns_o" "$ns_s"; do
		if [ -e "/run/netns/$ns" ]; then
			[ -z "$(ip netns pids "$ns" 2>/dev/null)" ] || { fail "namespace $ns is in use"; return 1; }
			ip netns del "$ns"
		fi
		ip netns add "$ns" || { fail "cannot create namespace $ns"; return 1; }
		made_ns+=("$ns")
		ip -n "$ns" link set lo up
	done
	{
		ip -n "$ns_i" link add br0 type bridge &&
			ip -n "$ns_i" link set br0 up &&
			ip -n "$ns_i" addr add "$a_i/64" dev br0 nodad &&
			ip -n "$ns_i" link add to-ours type veth peer name eth0 netns "$ns_o" &&
			ip -n "$ns_i" link add to-charon type veth peer name eth0 netns "$ns_s" &&
			ip -n "$ns_i" link set to-ours master br0 up &&
			ip -n "$ns_i" link set to-charon master br0 up &&
			ip -n "$ns_o" addr add "$a_o/64" dev eth0 nodad &&
			ip -n "$ns_o" link set eth0 up &&
			ip -n "$ns_s" addr add "$a_s/64" dev eth0 nodad &&
			ip -n "$ns_s" link set eth0 up
	} >"$tmp/net.log" 2>&1 || { cat "$tmp/net.log" >&2; fail "network set-up failed"; return 1; }
	for a in "$a_o" "$a_s"; do
		for ((i = 0; i < 50; i++)); do
			ip netns exec "$ns_i" ping -6 -c 1 -W 1 "$a" >/dev/null 2>&1 && break
			sleep 0.1
		done
	done

	# Configurations: the same proposals everywhere; tunnel mode (with UDP
	# encapsulation: kernel-libipsec knows nothing else) toward both.
	psk="bench-$(openssl rand -hex 16)"
	(
		umask 077
		cat >"$tmp/responder.ini" <<-EOF
			[ike]
			proposals = $ike
			esp_proposals = $esp
			[ike.peer.initiator]
			address = $a_i
			psk = $psk
			mode = tunnel-udp
		EOF
		cat >"$tmp/initiator.ini" <<-EOF
			[ike]
			proposals = $ike
			esp_proposals = $esp
			[ike.peer.ours]
			address = $a_o
			psk = $psk
			mode = tunnel-udp
			[ike.peer.charon]
			address = $a_s
			psk = $psk
			mode = tunnel-udp
		EOF
	)
	# charon: strongswan-lib.sh renders these templates (@DIR@ and the
	# connection's keys). Limits that would refuse or challenge a busy
	# initiator are off; no rekeying, no DPD; log level charon_log.
	mkdir -p "$tmp/sw-templates"
	cat >"$tmp/sw-templates/strongswan.conf.in" <<EOF
# charon as the IKEv2 responder of scripts/bench.sh ike.
# One "key = value" per line: several on one line silently merge.
charon {
	load_modular = no
	load = random nonce openssl aes sha1 sha2 hmac gcm gmp kdf pem pkcs1 pubkey x509 kernel-libipsec kernel-netlink socket-default vici
	port = 500
	port_nat_t = 4500
	# No half-open cap, no cookies, no per-address block, a large SA table.
	init_limit_half_open = 0
	init_limit_job_load = 0
	block_threshold = 1000000
	cookie_threshold = 1000000
	dos_protection = no
	ikesa_limit = 0
	ikesa_table_size = 4096
	ikesa_table_segments = 16
	keep_alive = 0s
	send_vendor_id = no
	plugins {
		kernel-libipsec {
			allow_peer_ts = yes
		}
		kernel-netlink {
			# Routes into the TUN device live in table 220 for
			# packets without mark 0x42: charon's own sockets carry
			# that mark, so its IKE packets never enter the tunnel.
			fwmark = !0x42
			roam_events = no
		}
		socket-default {
			fwmark = 0x42
			use_ipv4 = no
		}
		vici {
			socket = unix://@DIR@/run/charon.vici
		}
	}
	filelog {
		charon {
			path = @DIR@/charon.log
			time_format = %H:%M:%S
			default = $charon_log
		}
	}
}
EOF
	cat >"$tmp/sw-templates/swanctl.conf.in" <<'EOF'
# charon as the IKEv2 responder of scripts/bench.sh ike: accepts the
# initiator @REMOTE@ with a PSK, one host-to-host CHILD_SA in tunnel mode
# (kernel-libipsec does ESP in UDP only: charon fakes a NAT, IKE_AUTH and
# the Delete move to port 4500), unique = no (every set-up is a new IKE SA
# between the same identities); nothing started, rekeyed or checked by
# charon itself.
connections {
	bench {
		version = 2
		local_addrs = @LOCAL@
		remote_addrs = @REMOTE@
		encap = yes
		mobike = no
		fragmentation = no
		unique = no
		dpd_delay = 0s
		rekey_time = 0s
		reauth_time = 0s
		proposals = @IKE@
		local {
			auth = psk
			id = @LOCAL@
		}
		remote {
			auth = psk
			id = @REMOTE@
		}
		children {
			bench {
				mode = tunnel
				local_ts = @LOCAL@/128
				remote_ts = @REMOTE@/128
				esp_proposals = @ESP@
				rekey_time = 0s
				life_time = 24h
				start_action = none
				dpd_action = none
				close_action = none
			}
		}
	}
}
secrets {
	ike-bench {
		id-a = @LOCAL@
		id-b = @REMOTE@
		secret = "@PSK@"
	}
}
EOF
	SW_TEMPLATES=$tmp/sw-templates
	sw_start "$tmp/charon" "$ns_s" LOCAL="$a_s" REMOTE="$a_i" IKE="$ike" ESP="$esp" PSK="$psk" 2>"$tmp/sw.log" ||
		{ cat "$tmp/sw.log" >&2; fail "charon did not start"; return 1; }
	# All of charon's threads exist by now (workers are spawned at start):
	# pin them all to the responders' CPU.
	taskset -a -p -c "$cpu_r" "$(sw_pid "$tmp/charon")" >/dev/null || { fail "taskset charon"; return 1; }

	taskset -c "$cpu_r" ip netns exec "$ns_o" "$bench" responder --addr "$a_o" \
		--config "$tmp/responder.ini" --max-sas 8192 >"$tmp/ours.out" 2>"$tmp/ours.err" &
	resp_pid=$!
	for ((i = 0; i < 50; i++)); do
		grep -q '^ready' "$tmp/ours.out" 2>/dev/null && break
		kill -0 "$resp_pid" 2>/dev/null || break
		sleep 0.1
	done
	grep -q '^ready' "$tmp/ours.out" || { cat "$tmp/ours.err" >&2; fail "our responder did not start"; return 1; }

	# Rounds: ours, charon, ours, charon, ... The responder's CPU time
	# (utime + stime of all its threads, /proc/PID/stat) is read around
	# each initiator run.
	ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
	for ((r = 1; r <= rounds; r++)); do
		for target in ours charon; do
			if [ "$target" = ours ]; then pid=$resp_pid peer=$a_o; else pid=$(sw_pid "$tmp/charon") peer=$a_s; fi
			kill -0 "$pid" 2>/dev/null || { fail "the $target responder died"; return 1; }
			t0=$(ticks "$pid")
			c0=$(date +%s.%N)
			taskset -c "$cpu_i" ip netns exec "$ns_i" "$bench" initiator --addr "$a_i" --peer "$peer" \
				--config "$tmp/initiator.ini" --window "$window" --seconds "$secs" --warmup 0.5 \
				>"$tmp/$target-$r" 2>"$tmp/$target-$r.err" ||
				{ cat "$tmp/$target-$r.err" >&2; fail "initiator against $target failed"; return 1; }
			c1=$(date +%s.%N)
			t1=$(ticks "$pid")
			echo "result resp_cpu_s $(echo "$t0 $t1" | awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($2 - $1) / hz }')" >>"$tmp/$target-$r"
			echo "result wall_s $(echo "$c0 $c1" | awk '{ printf "%.3f", $2 - $1 }')" >>"$tmp/$target-$r"
		done
	done
	# Our responder prints its counters when it stops.
	kill -TERM "$resp_pid" 2>/dev/null
	wait "$resp_pid" 2>/dev/null
	resp_pid=""
	python3 - "$tmp" "$rounds" "$secs" "$window" "$cpu_i" "$cpu_r" "$ike" "$esp" <<'PY'
import os, sys
tmp, rounds, secs, window, cpu_i, cpu_r, ike, esp = sys.argv[1:9]
rounds = int(rounds)

def load(path):
    r = {}
    for line in open(path):
        p = line.split()
        if len(p) == 3 and p[0] == "result":
            r[p[1]] = float(p[2])
    return r

runs = {t: [load(os.path.join(tmp, f"{t}-{r}")) for r in range(1, rounds + 1)] for t in ("ours", "charon")}
best = {t: max(runs[t], key=lambda x: x["ike_setups_per_s"]) for t in runs}
names = {"ours": "ours (bench_ike)", "charon": "charon 5.9.8"}
print(f"== ike: IKE_SA + CHILD_SA set-ups per second; our initiator (CPU {cpu_i}) against each responder"
      f" (CPU {cpu_r}), {window} SAs in set-up, best of {rounds} rounds of {secs} s")
print(f"one set-up: IKE_SA_INIT + IKE_AUTH (PSK, CHILD_SA tunnel mode) + INFORMATIONAL Delete;"
      f" IKE {ike}, ESP {esp}")
hdr = "".join(f" {'round ' + str(r):>8}" for r in range(1, rounds + 1))
print(f"{'responder':<17}{hdr} {'best/s':>8} {'set-up ms':>9} {'resp us/set-up':>14} {'resp CPU':>8}"
      f" {'init CPU':>8} {'failed':>6} {'rtx':>5}")
for t in ("ours", "charon"):
    b = best[t]
    # Responder CPU per set-up: its CPU time during the initiator runs
    # (warm-up and drain included) over every set-up of those runs, all
    # rounds: less noisy than the rate when other work shares the CPU.
    n = sum(x["ike_setups_all"] for x in runs[t])
    us = sum(x["resp_cpu_s"] for x in runs[t]) / n * 1e6 if n else float("nan")
    rate = "".join(f" {x['ike_setups_per_s']:>8.0f}" for x in runs[t])
    failed = sum(x["ike_failed"] for x in runs[t])
    rtx = sum(x["ike_retransmits"] for x in runs[t])
    print(f"{names[t]:<17}{rate} {b['ike_setups_per_s']:>8.0f} {b['ike_setup_ms_avg']:>9.1f} {us:>14.0f}"
          f" {b['resp_cpu_s'] / b['wall_s'] * 100:>7.0f}% {b['initiator_cpu_s'] / b['ike_seconds'] * 100:>7.0f}%"
          f" {failed:>6.0f} {rtx:>5.0f}")
    best[t]["resp_us"] = us
print("best/s, set-up ms (mean, IKE_SA_INIT out to CHILD_SA up), resp/init CPU (% of one CPU): best round")
print("resp us/set-up: the responder's CPU time (all threads) per set-up, all rounds;"
      " failed, rtx (retransmissions): all rounds")
resp = load(os.path.join(tmp, "ours.out"))
if resp.get("responder_refused", 0):
    print(f"our responder refused {resp['responder_refused']:.0f} IKE_SA_INIT (SA table full or a limit):"
          " the initiator retransmitted them")
o, c = best["ours"], best["charon"]
print(f"ratio ike_responder_vs_charon {o['ike_setups_per_s'] / c['ike_setups_per_s']:.2f}")
print(f"ratio ike_responder_cpu_charon_vs_ours {c['resp_us'] / o['resp_us']:.2f}")
print(f"metric ike_setups_vs_charon_per_s {c['ike_setups_per_s']:.0f} 1/s")
print(f"metric ike_setups_per_s {o['ike_setups_per_s']:.0f} 1/s")
PY
	local rc=$?
	ike_cleanup
	return $rc
}

# PBU/PBA registrations per second at the LMA on one core, ESP included
# (tests/bench/bench_pmip.c): the PMIPv6 engine with a real profile table of
# N MNs and cp's binding store (cp/bindings.c), each PBU ESP-decrypted and
# each PBA ESP-encrypted with our ESP code; N registrations into an empty
# binding cache, then the same without ESP, and in the same run the
# baseline: our ESP alone (decrypt a PBU + encrypt a PBA) on the same
# packets. Memory: RSS growth over N, profile table included.
#   BENCH_PMIP_N (1000000 MNs), BENCH_PMIP_CPU (the last CPU),
#   BENCH_PMIP_BASE_SECONDS (2: the ESP-only baseline)
area_pmip() {
	local n=${BENCH_PMIP_N:-1000000} cpu=${BENCH_PMIP_CPU:-$(($(nproc) - 1))}
	local base=${BENCH_PMIP_BASE_SECONDS:-2}
	local log
	log=$(ninja -C "$BUILD" tests/bench/bench_pmip 2>&1) || { echo "$log" >&2; return 1; }
	taskset -c "$cpu" "$BUILD/tests/bench/bench_pmip" "$n" "$base"
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
