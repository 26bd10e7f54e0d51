#!/usr/bin/env bash
# Lab: an MN reaches a correspondent node through MAG -> IPv6-in-IPv6 ->
# LMA, with bindings installed through the control sockets (pmipctl cp
# binding set, the ini without PMIPv6 profiles: the data plane is tested
# apart from the signalling, tests/lab/test_pmip.sh). The MN gets
# its home prefix from the MAG's Router Advertisement; ping and UDP both
# ways; the tunnel's outer flow labels (tshark); per-binding counters; a
# binding removed stops the traffic.
set -u
. "$(dirname "$0")/../../scripts/lab-lib.sh"
. "$(dirname "$0")/lab-test-lib.sh"

lab_test_scratch
lab_configs_static_bindings "$tmp"
lab_up || fail "lab did not come up"

step "bindings for mn1 ($LAB_MN1_HNP) on the MAG and the LMA"
mn_mac=$(ip -n pl-mn1 link show eth0 | awk '/link\/ether/ {print $2}')
lab_bind_mn1 "$mn_mac" || fail "binding set refused"

step "mn1 autoconfigures its home address from the MAG's RA"
hoa=$(lab_wait_hoa pl-mn1 2001:db8:1000:) || fail "no home address on mn1"
lab_in pl-mn1 ip -6 route show default | grep -q "via fe80::" || fail "no default route from the RA"

step "ping mn1 ($hoa) -> cn1 through the tunnel"
# The first packet may be dropped while the LMA resolves cn1 (counted).
lab_in pl-mn1 ping -6 -n -c 1 -W 1 -I "$hoa" $LAB_CN1 >/dev/null 2>&1
lab_in pl-mn1 ping -6 -n -c 5 -i 0.2 -W 2 -I "$hoa" $LAB_CN1 >"$LAB_DIR/fwd-ping.log" ||
	fail "mn1 cannot ping cn1: $(cat "$LAB_DIR/fwd-ping.log")"
grep -q "ttl=62" "$LAB_DIR/fwd-ping.log" || fail "expected hop limit 62 (two routers): $(cat "$LAB_DIR/fwd-ping.log")"

step "ping cn1 -> mn1 (network side first)"
lab_in pl-cn1 ping -6 -n -c 3 -i 0.2 -W 2 "$hoa" >/dev/null || fail "cn1 cannot ping mn1"

step "UDP both ways (the MAG-LMA link captured)"
ip netns exec pl-core tcpdump -i mag1 -w "$tmp/core.pcap" -U ip6 >/dev/null 2>&1 &
cap_pid=$!
sleep 1
out=$(udp_echo_roundtrips pl-mn1 "$hoa" pl-cn1 "$LAB_CN1" 7000 1 20 50)
expect_ge "$out" 19 "UDP datagrams echoed (of 20)"
lab_in pl-mn1 ping -6 -n -c 3 -i 0.2 -W 2 -I "$hoa" $LAB_CN1 >/dev/null || fail "ping during capture"
sleep 0.5
kill "$cap_pid"
wait "$cap_pid" 2>/dev/null
cap_pid=

step "tshark: the tunnel's outer flow label follows the inner flow (RFC 6438)"
bad=$(tshark -r "$tmp/core.pcap" -Y '_ws.malformed || _ws.expert.severity >= "warning"' 2>/dev/null | head -5)
[ -z "$bad" ] || fail "tshark finds fault with the tunnel traffic: $bad"
# Outer and inner header fields, comma-joined by layer: one line per
# tunnelled packet. Every packet labelled, one label per inner flow (the
# UDP flow and the echo, each way), different flows apart.
tshark -r "$tmp/core.pcap" -Y 'ipv6.nxt == 41' -T fields -E separator=' ' \
	-e ipv6.flow -e ipv6.src -e ipv6.dst -e ipv6.nxt >"$tmp/tun.txt" 2>/dev/null
python3 - "$tmp/tun.txt" <<'PY' || fail "outer flow labels do not follow the inner flows"
import sys
flows = {}
n = 0
for line in open(sys.argv[1]):
    label, src, dst, nxt = (f.split(",") for f in line.split())
    n += 1
    if int(label[0], 16) == 0:
        sys.exit(f"unlabelled tunnel packet: {line.strip()}")
    flows.setdefault((src[1], dst[1], nxt[1]), set()).add(label[0])
print(f"{n} tunnelled packets, {len(flows)} inner flows:", {k: sorted(v) for k, v in flows.items()}, file=sys.stderr)
if n < 40 or len(flows) < 4:
    sys.exit("expected the UDP flow and the echo, both ways")
if any(len(v) != 1 for v in flows.values()):
    sys.exit("one inner flow carried several outer labels")
if len({next(iter(v)) for v in flows.values()}) < len(flows) - 1:
    sys.exit("different inner flows share labels")
PY

step "per-binding counters in both data planes"
expect_ge "$(lab_binding_counter mag1 1 up_pkts)" 25 "MAG binding 1 up_pkts"
expect_ge "$(lab_binding_counter mag1 1 down_pkts)" 25 "MAG binding 1 down_pkts"
expect_ge "$(lab_binding_counter lma1 1 up_pkts)" 25 "LMA binding 1 up_pkts"
expect_ge "$(lab_binding_counter lma1 1 down_pkts)" 25 "LMA binding 1 down_pkts"
expect_ge "$(lab_counter mag1 ports core0 tx_pkts)" 25 "MAG core0 tx_pkts"

step "a removed binding stops the traffic (and is counted)"
lab_ctl lma1 cp binding del id=1 >/dev/null || fail "binding del"
before=$(lab_counter lma1 drops no_route)
if lab_in pl-cn1 ping -6 -n -c 2 -i 0.2 -W 1 "$hoa" >/dev/null 2>&1; then
	fail "cn1 still reaches mn1 after the LMA binding was removed"
fi
expect_ge "$(lab_counter lma1 drops no_route)" $((before + 2)) "LMA no_route after binding removal"
pass
