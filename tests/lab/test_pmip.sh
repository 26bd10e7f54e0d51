#!/usr/bin/env bash
# Lab: PMIPv6 signalling (RFC 5213) between two MAGs and the LMA, carried
# under the CHILD_SAs that IKEv2 set up (seed 4.3), with the lab's own
# configuration and profile tables (config/lab/*-profiles.tab):
#
#   registration     mn1's Router Solicitation makes MAG1 send a PBU; the
#                    PBA installs the binding on both gateways; mn1 gets its
#                    prefix by RA and reaches cn1 through the tunnel
#   refresh          the binding outlives its lifetime: MAG1 refreshes it
#   DAD failure      mn2 (MAG1) and mn3 (MAG2) are configured with one home
#                    address: the LMA refuses mn3 with status 134, MAG2
#                    renews its IKE SA for a new address, mn3 registers
#                    with it (seed 4.3, 4.4.3)
#   handover         mn1 moves from MAG1 to MAG2 under a steady ping stream:
#                    same prefix and address, the LMA moves the binding,
#                    MAG1 finds mn1 gone (NUD on its access link) and drops
#                    its state; loss and the longest gap are printed
#   LMA restart      the LMA's cp restarts with an empty binding cache: the
#                    MAGs notice through Heartbeats (RFC 5847: a new
#                    Restart Counter, or no answers) and register their MNs
#                    again
#   de-registration  a detached MN's binding goes on both sides; so does one
#                    whose profile is withdrawn (table reloaded on SIGHUP),
#                    and one that left its MAG's link (NUD finds it gone)
#   tshark           decrypts the ESP with the key logs and decodes every
#                    PBU and PBA with nothing malformed
set -u
export LAB_MAG2=1
. "$(dirname "$0")/../../scripts/lab-lib.sh"
. "$(dirname "$0")/lab-test-lib.sh"

lab_test_scratch
# The lab's ini with short lifetimes, so that refreshes happen in the test,
# Heartbeats every second, quick IKE liveness checks, and the LMA's restart
# counter in a file.
export LAB_CONFIG_DIR=$tmp
for gw in mag1 mag2 lma1; do
	sed -e "s#^\[pmip\]\$#[pmip]\nlifetime_s = 12\nrefresh_percent = 50\npbu_initial_ms = 300\nheartbeat_s = 1\nmn_probe_s = 1\nrestart_counter_file = $tmp/$gw.restarts#" \
		-e 's/^dpd_s = 10$/dpd_s = 2\nretransmit_ms = 200\nretransmit_tries = 3/' \
		"$LAB_REPO/config/lab/$gw.ini" >"$tmp/$gw.ini"
	grep -q '^lifetime_s = 12$' "$tmp/$gw.ini" || fail "config/lab/$gw.ini has no [pmip] section"
	grep -q '^dpd_s = 2$' "$tmp/$gw.ini" || fail "config/lab/$gw.ini has no 'dpd_s = 10' to adapt"
done
lab_copy_tables "$tmp"

j() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
pstat() { lab_ctl "$1" cp pmip stats | j "d['$2']"; }
# The dp-facing binding of an MN on a gateway: "hnp hoa peer" or nothing.
binding_of() { # gw mac|hnp
	lab_ctl "$1" cp binding list | python3 -c '
import json, sys
for b in json.load(sys.stdin)["bindings"]:
    if sys.argv[1] in (b["mac"], b["hnp"]):
        print(b["hnp"], b["hoa"], b["peer"])' "$2"
}
# LMA bindings are keyed by prefix and, in the shared prefix, home address.
lma_binding_hoa() { # hoa
	lab_ctl lma1 cp binding list | python3 -c '
import json, sys
for b in json.load(sys.stdin)["bindings"]:
    if b["hoa"] == sys.argv[1]:
        print(b["hnp"], b["hoa"], b["peer"])' "$1"
}
has_binding() { [ -n "$(binding_of "$1" "$2")" ]; }
lma_has_hoa() { [ -n "$(lma_binding_hoa "$1")" ]; }
lma_lacks_hoa() { [ -z "$(lma_binding_hoa "$1")" ]; }
no_binding() { [ -z "$(binding_of "$1" "$2")" ]; }
lma_peer_is() { [ "$(binding_of lma1 $LAB_MN1_HNP | awk '{print $3}')" = "$1" ]; }

rm -f "$LAB_DIR"/*-keys.*
lab_up || fail "lab did not come up"

step "capture the core segment (MAG1 and MAG2 ports)"
ip netns exec pl-core tcpdump -i br0 -w "$tmp/core.pcap" -U ip6 >/dev/null 2>&1 &
cap_pid=$!
lab_wait_ike mag1 20 >/dev/null || fail "no IKE SA MAG1-LMA"
lab_wait_ike mag2 20 >/dev/null || fail "no IKE SA MAG2-LMA"

step "registration: mn1 attaches to MAG1 (its Router Solicitation)"
ip -n pl-mn1 link set eth0 down
ip -n pl-mn1 link set eth0 up
wait_for 15 has_binding mag1 $LAB_MN1_MAC || fail "no binding for mn1 on MAG1"
read -r hnp hoa peer < <(binding_of mag1 $LAB_MN1_MAC)
expect_eq "$hnp $peer" "$LAB_MN1_HNP $LAB_LMA1_CORE" "MAG1's binding of mn1"
wait_for 5 lma_peer_is $LAB_MAG1_CORE || fail "the LMA's binding of mn1 does not point at MAG1"
expect_ge "$(pstat lma1 accepted)" 1 "PBUs the LMA accepted"
hoa=$(lab_wait_hoa pl-mn1 2001:db8:1000:) || fail "mn1 got no home address from the RA"
step "mn1 ($hoa) reaches cn1 through MAG1 -> LMA"
lab_in pl-mn1 ping -6 -n -c 1 -W 1 -I "$hoa" $LAB_CN1 >/dev/null 2>&1
lab_in pl-mn1 ping -6 -n -c 3 -i 0.2 -W 2 -I "$hoa" $LAB_CN1 >"$LAB_DIR/pmip-ping.log" ||
	fail "mn1 cannot ping cn1: $(cat "$LAB_DIR/pmip-ping.log")"

step "refresh: the binding outlives its 12 s lifetime"
acc=$(pstat lma1 accepted)
sleep 14
has_binding lma1 $LAB_MN1_HNP || fail "the LMA's binding of mn1 expired: no refresh"
expect_ge "$(pstat lma1 accepted)" $((acc + 2)) "refreshes the LMA accepted in 14 s (every 6 s)"
expect_eq "$(pstat lma1 expired)" 0 "bindings expired at the LMA"
lab_in pl-mn1 ping -6 -n -c 2 -i 0.2 -W 2 -I "$hoa" $LAB_CN1 >/dev/null || fail "mn1 lost cn1 after refreshes"

step "DAD: mn2 on MAG1 takes 2001:db8:1001::5"
lab_ctl mag1 cp pmip attach mac=02:00:00:00:01:02 port=acc0 >/dev/null || fail "attach mn2"
wait_for 10 has_binding mag1 02:00:00:00:01:02 || fail "no binding for mn2"
[ -n "$(lma_binding_hoa 2001:db8:1001::5)" ] || fail "the LMA has no binding for 2001:db8:1001::5"
step "DAD: mn3 on MAG2 is configured with the same address: status 134, new IKE SA, new address"
lab_ctl mag2 cp pmip attach mac=02:00:00:00:01:03 port=acc0 >/dev/null || fail "attach mn3"
wait_for 20 has_binding mag2 02:00:00:00:01:03 || fail "mn3 never registered: $(lab_ctl mag2 cp pmip stats)"
expect_ge "$(pstat lma1 hoa_conflicts)" 1 "PBUs the LMA refused for a duplicate home address"
read -r hnp3 hoa3 peer3 < <(binding_of mag2 02:00:00:00:01:03)
[ "$hoa3" != 2001:db8:1001::5 ] && [ "${hoa3#2001:db8:1001:}" != "$hoa3" ] ||
	fail "mn3's new home address $hoa3 is not another one in 2001:db8:1001::/64"
[ "$(lma_binding_hoa "$hoa3" | awk '{print $3}')" = $LAB_MAG2_CORE ] ||
	fail "the LMA has no binding of $hoa3 at MAG2"
[ "$(lma_binding_hoa 2001:db8:1001::5 | awk '{print $3}')" = $LAB_MAG1_CORE ] ||
	fail "mn2's binding was disturbed"

step "handover: mn1 moves from MAG1 to MAG2 under a ping stream (every 20 ms)"
lab_in pl-mn1 ping -6 -n -D -i 0.02 -c 400 -W 1 -I "$hoa" $LAB_CN1 >"$tmp/handover.log" 2>&1 &
ping_pid=$!
sleep 2
moves=$(pstat lma1 handovers)
ip -n pl-mn1 link set eth0 down
ip -n pl-mn1 link set eth1 up
wait_for 15 lma_peer_is $LAB_MAG2_CORE || fail "the LMA did not move mn1's binding to MAG2"
expect_ge "$(pstat lma1 handovers)" $((moves + 1)) "handovers at the LMA"
# MAG1 drops its state: it finds mn1 gone from its access link (no answer
# to its Neighbor Solicitations) or, if its refresh comes first, the LMA
# refuses that stale refresh; either way the LMA keeps the binding at MAG2.
wait "$ping_pid"
wait_for 15 no_binding mag1 $LAB_MN1_MAC || fail "MAG1 kept mn1's binding after it left"
pres() { lab_ctl "$1" cp pmip stats | j "d['presence']['$2']"; }
step "MAG1 dropped mn1: found gone $(pres mag1 gone) time(s), refusals of its refreshes $(pstat mag1 rejected)"
lma_peer_is $LAB_MAG2_CORE || fail "MAG1's de-registration removed the LMA's binding at MAG2"
read -r hnp2 hoa2 peer2 < <(binding_of mag2 $LAB_MN1_MAC)
expect_eq "$hnp2" "$LAB_MN1_HNP" "mn1's prefix at MAG2"
gap=$(python3 - "$tmp/handover.log" <<'PY'
import re, sys
seqs = sorted({int(m.group(1)) for m in re.finditer(r"icmp_seq=(\d+)", open(sys.argv[1]).read())})
lost = 400 - len(seqs)
gap = max((b - a for a, b in zip(seqs, seqs[1:])), default=400) - 1
print(f"{lost} {gap * 20}")
PY
)
read -r lost gap_ms <<<"$gap"
step "handover interruption: $lost of 400 echoes lost, longest gap $gap_ms ms"
[ "$lost" -lt 400 ] && [ "$lost" -ge 0 ] || fail "no echo answered during the handover"
lab_in pl-mn1 ping -6 -n -c 3 -i 0.2 -W 2 -I "$hoa" $LAB_CN1 >/dev/null || fail "mn1 cannot reach cn1 through MAG2"
echo "handover_lost $lost" >"$LAB_DIR/handover.result"
echo "handover_gap_ms $gap_ms" >>"$LAB_DIR/handover.result"

step "LMA restart: MAG2 notices (Heartbeat) and registers mn1 again"
hbstat() { lab_ctl "$1" cp pmip stats | j "d['heartbeat']['$2']"; }
expect_ge "$(hbstat mag2 responses_received)" 3 "Heartbeat Responses MAG2 got from the LMA"
before=$(( $(pstat mag2 peer_restarts) + $(pstat mag2 peers_lost) ))
lab_stop lma1-cp
lab_start_cp lma1 || fail "the LMA's cp did not restart"
wait_for 60 lma_peer_is $LAB_MAG2_CORE || fail "mn1 is not registered again at the restarted LMA"
after=$(( $(pstat mag2 peer_restarts) + $(pstat mag2 peers_lost) ))
expect_ge "$after" $((before + 1)) "LMA restarts or losses MAG2 noticed"
lab_in pl-mn1 ping -6 -n -c 3 -i 0.2 -W 2 -I "$hoa" $LAB_CN1 >/dev/null ||
	fail "mn1 cannot reach cn1 after the LMA restart"
wait_for 30 lma_has_hoa 2001:db8:1001::5 || fail "mn2 is not registered again at the restarted LMA"

step "de-registration: mn2 detaches from MAG1"
dereg=$(pstat lma1 deregistrations)
lab_ctl mag1 cp pmip detach mac=02:00:00:00:01:02 >/dev/null || fail "detach mn2"
wait_for 10 no_binding mag1 02:00:00:00:01:02 || fail "MAG1 kept mn2's binding"
wait_for 10 lma_lacks_hoa 2001:db8:1001::5 || fail "the LMA kept mn2's binding"
expect_ge "$(pstat lma1 deregistrations)" $((dereg + 1)) "de-registrations at the LMA"

step "profile withdrawn: MAG2's table without mn3, reloaded (SIGHUP): mn3 de-registered"
hoa3_now=$(binding_of mag2 02:00:00:00:01:03 | awk '{print $2}')
grep -v '^mn3@' "$tmp/mag2-profiles.tab" >"$tmp/mag2-profiles.new" && mv "$tmp/mag2-profiles.new" "$tmp/mag2-profiles.tab"
kill -HUP "$(lab_pid mag2-cp)"
wait_for 10 no_binding mag2 02:00:00:00:01:03 || fail "MAG2 kept mn3 after its profile went"
wait_for 10 lma_lacks_hoa "$hoa3_now" || fail "the LMA kept mn3's binding after MAG2 de-registered it"
has_binding mag2 $LAB_MN1_MAC || fail "mn1 (still in the table) lost its binding"

step "departure: mn1 leaves MAG2's link; MAG2 finds it gone (Neighbor Unreachability Detection)"
gone=$(pres mag2 gone)
ip -n pl-mn1 link set eth1 down
wait_for 15 no_binding mag2 $LAB_MN1_MAC || fail "MAG2 kept mn1 after it left: $(lab_ctl mag2 cp pmip stats)"
expect_ge "$(pres mag2 gone)" $((gone + 1)) "MNs MAG2 found gone"
lma_gone() { no_binding lma1 $LAB_MN1_HNP; }
wait_for 10 lma_gone || fail "the LMA kept mn1's binding after MAG2 de-registered it"

step "tshark decrypts the ESP and decodes every PBU and PBA"
sleep 1
kill "$cap_pid"
wait "$cap_pid" 2>/dev/null
cap_pid=
[ -n "${PMIP_TEST_KEEP:-}" ] && mkdir -p "$PMIP_TEST_KEEP" &&
	cp "$tmp/core.pcap" "$LAB_DIR"/*-keys.* "$PMIP_TEST_KEEP/"
tshark_key_opts mag1 mag2
n_pbu=$(tshark -r "$tmp/core.pcap" "${opts[@]}" -Y 'mip6.mhtype == 5 && mip6.bu.p_flag == 1' 2>/dev/null | wc -l)
n_pba=$(tshark -r "$tmp/core.pcap" "${opts[@]}" -Y 'mip6.mhtype == 6 && mip6.ba.p_flag == 1' 2>/dev/null | wc -l)
n_134=$(tshark -r "$tmp/core.pcap" "${opts[@]}" -Y 'mip6.ba.status == 134' 2>/dev/null | wc -l)
bad=$(tshark -r "$tmp/core.pcap" "${opts[@]}" -Y '_ws.malformed || _ws.expert.severity >= "warning"' 2>/dev/null | head -5)
# Every ESP packet decrypted with a good ICV: nothing of the signalling
# escaped the decoding.
n_esp=$(tshark -r "$tmp/core.pcap" -Y esp 2>/dev/null | wc -l)
n_good=$(tshark -r "$tmp/core.pcap" "${opts[@]}" -Y 'esp.icv_good == 1' 2>/dev/null | wc -l)
n_mh=$(tshark -r "$tmp/core.pcap" "${opts[@]}" -Y 'esp && mipv6' 2>/dev/null | wc -l)
step "tshark: $n_esp ESP packets, $n_good with a good ICV, $n_mh Mobility Headers; $n_pbu PBUs, $n_pba PBAs ($n_134 with status 134)"
expect_eq "$n_good" "$n_esp" "ESP packets tshark decrypted with a good ICV"
expect_eq "$n_mh" "$n_esp" "ESP packets that carry a Mobility Header tshark decodes"
expect_ge "$n_pbu" 6 "PBUs tshark decrypted and decoded"
expect_ge "$n_pba" 6 "PBAs tshark decrypted and decoded"
expect_ge "$n_134" 1 "PBAs with status 134"
[ -z "$bad" ] || fail "tshark found malformed or warning fields: $bad"
pass
