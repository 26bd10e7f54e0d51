#!/usr/bin/env bash
# Lab: both gateways with two worker lcores (issue "scale-out in one box").
# The lab's af_packet ports get two queue pairs each (qpairs=2): the kernel
# spreads the frames of each port over two sockets by flow hash
# (PACKET_FANOUT_HASH), as RSS spreads them over a NIC's queues, and worker
# w polls queue w of every port. Three lcores (main + two workers) share
# the machine's two CPUs as one EAL lcore group ([dp] cpus = 0-1).
#
#   registration  mn1 registers by PMIPv6 signalling under ESP (the MH of
#                 an SA may arrive on the worker that does not own the SA:
#                 it is handed over, esp_handoffs)
#   traffic       mn1 <-> cn1: ping, and UDP over 64 source ports both
#                 ways, every datagram echoed
#   spreading     on each gateway both workers received packets
#                 (/pmip/workers), and the per-binding counters, summed over
#                 the workers, count every packet
#   clean         nothing dropped for a reason that means a worker bug
set -u
. "$(dirname "$0")/../../scripts/lab-lib.sh"
. "$(dirname "$0")/lab-test-lib.sh"

lab_test_scratch
lab_test_configs "mag1 lma1" 's/^lcores = 0,1$/lcores = 0-2\ncpus = 0-1/
s/^\(device = net_af_packet[0-9]*,iface=[^,]*\)\(.*\)$/\1,qpairs=2\2/' '^cpus = 0-1$'
for gw in mag1 lma1; do
	[ "$(grep -c '^device = .*,qpairs=2' "$tmp/$gw.ini")" -ge 2 ] ||
		fail "config/lab/$gw.ini: af_packet devices not adapted"
done

j() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
worker_rx() { lab_ctl "$1" workers | j "d['/pmip/workers']['worker$2']['rx_pkts']"; }

lab_up || fail "lab did not come up"
expect_eq "$(lab_ctl mag1 info | j "d['/pmip/info']['workers']")" 2 "MAG1 dp workers"
expect_eq "$(lab_ctl lma1 info | j "d['/pmip/info']['workers']")" 2 "LMA dp workers"

step "registration: mn1 attaches to MAG1; PBU/PBA under ESP"
lab_wait_ike mag1 20 >/dev/null || fail "no IKE SA MAG1-LMA"
ip -n pl-mn1 link set eth0 down
ip -n pl-mn1 link set eth0 up
hoa=$(lab_wait_hoa pl-mn1 2001:db8:1000:) || fail "mn1 got no home address (no registration?)"

step "mn1 ($hoa) pings cn1 through MAG1 -> LMA"
lab_in pl-mn1 ping -6 -n -c 1 -W 1 -I "$hoa" $LAB_CN1 >/dev/null 2>&1
lab_in pl-mn1 ping -6 -n -c 5 -i 0.2 -W 2 -I "$hoa" $LAB_CN1 >"$tmp/ping.log" ||
	fail "mn1 cannot ping cn1: $(cat "$tmp/ping.log")"

step "UDP from 64 source ports, each datagram echoed by cn1"
out=$(udp_echo_roundtrips pl-mn1 "$hoa" pl-cn1 "$LAB_CN1" 7000 64 4 0)
expect_ge "$out" 250 "UDP datagrams echoed (of 256)"

step "both workers of each gateway received traffic"
lab_ctl mag1 workers >"$tmp/mag1-workers.json"
lab_ctl lma1 workers >"$tmp/lma1-workers.json"
for gw in mag1 lma1; do
	python3 -c '
import json, sys
ws = json.load(open(sys.argv[2]))["/pmip/workers"]
print("%s: " % sys.argv[1] + ", ".join("%s rx %d tx %d esp_handoffs %d" %
      (k, v["rx_pkts"], v["tx_pkts"], v["esp_handoffs"]) for k, v in sorted(ws.items())))
' $gw "$tmp/$gw-workers.json" >&2
	for w in 0 1; do
		n=$(worker_rx $gw $w)
		expect_ge "$n" 20 "$gw worker$w rx_pkts"
	done
done

step "per-binding counters, summed over both workers"
mag_bid=$(lab_ctl mag1 cp binding list | python3 -c '
import json, sys
for b in json.load(sys.stdin)["bindings"]:
    if b["mac"] == sys.argv[1]:
        print(b["id"])' "$LAB_MN1_MAC")
[ -n "$mag_bid" ] || fail "no binding of mn1 on MAG1"
expect_ge "$(lab_binding_counter mag1 "$mag_bid" up_pkts)" 256 "MAG1 binding up_pkts"
expect_ge "$(lab_binding_counter mag1 "$mag_bid" down_pkts)" 250 "MAG1 binding down_pkts"

step "no drop that would mean the workers got in each other's way"
# ESP of one SA is decrypted by its owner worker only (the other hands it
# over), so a replay drop would mean two workers shared a window.
for gw in mag1 lma1; do
	for r in esp_replay esp_handoff_full mh_wrong_sa tunnel_mismatch spoofed_source tx_queue_full; do
		expect_eq "$(lab_counter $gw drops "$r")" 0 "$gw drops $r"
	done
done
pass
