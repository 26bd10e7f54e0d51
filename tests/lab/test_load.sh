#!/usr/bin/env bash
# Lab load test with a packaged traffic source (issue: forwarding, point 8):
# 200 mobile nodes bound on both gateways, their uplink traffic (generated
# by scripts/gen-traffic.py, the same traffic as the pktgen scripts) replayed
# into the MAG's access port by dpdk-testpmd, and downlink traffic replayed
# into the LMA's network port. Every packet must be forwarded through the
# tunnel: counted per binding, none dropped for want of a binding.
set -u
. "$(dirname "$0")/../../scripts/lab-lib.sh"
. "$(dirname "$0")/lab-test-lib.sh"

N=200        # mobile nodes 1..N (MN 0's prefix is mn1's)
P=4000       # packets per direction
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; lab_down_quiet' EXIT
lab_configs_static_bindings "$tmp"
lab_up || fail "lab did not come up"
GEN="$LAB_REPO/scripts/gen-traffic.py"
TRAFFIC="$LAB_REPO/scripts/lab-traffic.sh"

step "bindings for $N mobile nodes on both gateways"
# The LMA must know cn1's MAC before the load: mn1's ping resolves it.
mn_mac=$(ip -n pl-mn1 link show eth0 | awk '/link\/ether/ {print $2}')
lab_bind_mn1 "$mn_mac" || fail "mn1 binding"
hoa=$(lab_wait_hoa pl-mn1 2001:db8:1000:) || fail "no home address on mn1"
lab_in pl-mn1 ping -6 -n -c 2 -i 0.2 -W 1 -I "$hoa" $LAB_CN1 >/dev/null 2>&1
python3 - "$N" >"$tmp/bind-mag" <<'PY'
import sys
for i in range(1, int(sys.argv[1]) + 1):
    hnp = "2001:db8:%x:%x::/64" % (0x1000 + (i >> 16), i & 0xffff)
    mac = "02:00:%02x:%02x:%02x:%02x" % (i >> 24 & 255, i >> 16 & 255, i >> 8 & 255, i & 255)
    print(f"{100 + i} {hnp} {mac}")
PY
while read -r id hnp mac; do
	lab_ctl mag1 cp binding set id=$id hnp=$hnp peer=$LAB_LMA1_CORE port=acc0 mac=$mac >/dev/null ||
		fail "MAG binding $id"
	lab_ctl lma1 cp binding set id=$id hnp=$hnp peer=$LAB_MAG1_CORE >/dev/null || fail "LMA binding $id"
done <"$tmp/bind-mag"
expect_ge "$(lab_counter mag1 info bindings)" $((N + 1)) "MAG dp bindings"
expect_ge "$(lab_counter lma1 info bindings)" $((N + 1)) "LMA dp bindings"

mag_acc_mac=$(ip -n pl-mag1 link show acc0 | awk '/link\/ether/ {print $2}')
lma_net_mac=$(ip -n pl-lma1 link show net0 | awk '/link\/ether/ {print $2}')

step "uplink: $P packets from $N MNs into the MAG (testpmd pcap replay)"
python3 "$GEN" --kind mag-uplink --mns $N --first-mn 1 --packets $P --size 128 \
	--dst-mac "$mag_acc_mac" --out "$tmp/up.pcap" >/dev/null || fail "gen-traffic"
# testpmd cannot pace an af_packet port: frames the kernel ring could not
# hold before pmip-dp read them are lost before dp (ethdev imissed). What
# dp received it must forward, all of it.
# What a port sent that dp forwarded: its transmissions less the frames cp
# sent through it (IKE, ND, RAs) and dp's own Neighbor Advertisements.
forwarded() { # gw port
	echo $(( $(lab_counter "$1" ports "$2" tx_pkts) - $(lab_counter "$1" ports "$2" from_cp) -
		$(lab_counter "$1" ports "$2" nd_replies) ))
}
up_before=$(forwarded mag1 core0)
rx_before=$(lab_counter mag1 ports acc0 rx_pkts)
"$TRAFFIC" pl-mn1 eth0 "$tmp/up.pcap" >"$tmp/up.log" 2>&1 || fail "replay: $(tail -5 "$tmp/up.log")"
sleep 1
sent=$(( $(forwarded mag1 core0) - up_before ))
rcvd=$(( $(lab_counter mag1 ports acc0 rx_pkts) - rx_before ))
echo "  MAG received $rcvd of $P, encapsulated $sent"
expect_ge "$rcvd" $((P / 2)) "uplink packets reaching the MAG's data plane"
expect_eq "$sent" "$rcvd" "uplink packets tunnelled (all that dp received)"
expect_eq "$(lab_counter mag1 drops no_binding)" 0 "MAG no_binding"
expect_ge "$(lab_binding_counter mag1 101 up_pkts)" 1 "MN 1's binding counted"
expect_ge "$(lab_binding_counter lma1 101 up_pkts)" 1 "MN 1 at the LMA"

step "downlink: $P packets to $N MNs into the LMA"
python3 "$GEN" --kind lma-downlink --mns $N --first-mn 1 --packets $P --size 128 \
	--dst-mac "$lma_net_mac" --out "$tmp/down.pcap" >/dev/null || fail "gen-traffic"
down_before=$(forwarded mag1 acc0)
lrx_before=$(lab_counter lma1 ports net0 rx_pkts)
"$TRAFFIC" pl-cn1 eth0 "$tmp/down.pcap" >"$tmp/down.log" 2>&1 || fail "replay: $(tail -5 "$tmp/down.log")"
sleep 1
got=$(( $(forwarded mag1 acc0) - down_before ))
lrx=$(( $(lab_counter lma1 ports net0 rx_pkts) - lrx_before ))
echo "  LMA received $lrx of $P, MAG delivered $got to MNs"
expect_ge "$lrx" $((P / 2)) "downlink packets reaching the LMA's data plane"
# The MAG may in turn miss some of the LMA's burst in its af_packet ring.
expect_ge "$got" $((lrx * 9 / 10)) "downlink packets delivered to MN MACs"
expect_eq "$(lab_counter lma1 drops no_route)" 0 "LMA no_route"
expect_ge "$(lab_binding_counter mag1 150 down_pkts)" 1 "MN 50's binding counted"
pass
