#!/usr/bin/env bash
# Lab: an MN reaches a correspondent node through MAG -> IPv6-in-IPv6 ->
# LMA, with bindings installed through the control sockets (pmipctl cp
# binding set, the ini without PMIPv6 profiles: the data plane is tested
# apart from the signalling, tests/lab/test_pmip.sh). The MN gets
# its home prefix from the MAG's Router Advertisement; ping and UDP both
# ways; per-binding counters; a binding removed stops the traffic.
set -u
. "$(dirname "$0")/../../scripts/lab-lib.sh"
. "$(dirname "$0")/lab-test-lib.sh"

tmp=$(mktemp -d)
trap 'lab_down_quiet; rm -rf "$tmp"' EXIT
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

step "UDP both ways"
out=$(udp_echo_roundtrips pl-mn1 "$hoa" pl-cn1 "$LAB_CN1" 7000 1 20 50)
expect_ge "$out" 19 "UDP datagrams echoed (of 20)"

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
