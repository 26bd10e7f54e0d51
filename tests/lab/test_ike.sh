#!/usr/bin/env bash
# Lab: IKEv2 between our MAG and our LMA through both data planes (RFC
# 7296; seed 4.3, 4.4), with the lab's own configuration. The MAG brings the
# IKE SA up by itself (initiate = auto on a MAG); a new one asking for a
# home address with the configuration payload gets one from the LMA's pool; the
# CHILD_SA (transport mode, selectors narrowed to the Mobility Header)
# carries ESP both ways; CHILD_SA and IKE SA rekeys by either side keep it
# working; Delete removes everything on both sides; after a restart of the
# LMA's pmip-cp, dp drops the orphaned SAs and the MAG's liveness check
# brings a new IKE SA up. tshark decrypts the IKE exchanges and the ESP with
# the key logs and finds nothing malformed.
set -u
. "$(dirname "$0")/../../scripts/lab-lib.sh"
. "$(dirname "$0")/lab-test-lib.sh"

lab_test_scratch
# The lab's own ini (IKEv2 with a PSK, the LMA's pool), with faster
# retransmissions and liveness checks for the LMA restart below.
lab_test_configs "mag1 lma1" 's/^dpd_s = 10$/dpd_s = 2\nretransmit_ms = 200\nretransmit_tries = 3/' \
	'^dpd_s = 2$'

j() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
ike_state() { lab_ctl "$1" cp ike list | j "' '.join(s['state'] for s in d['sas'])"; }
wait_state() { # gw want secs
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		[ "$(ike_state "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
echo_count() { lab_ctl "$1" cp stats | j "d['echo']['$2']"; }
# Echo under the MAG's outbound SA; the LMA answers under its own.
ping_under_esp() { # count
	local out before
	before=$(echo_count mag1 replies_received)
	out=$(lab_ctl mag1 cp ike list | j "d['sas'][0]['children'][-1]['sa_out']")
	lab_ctl mag1 cp sa ping id="$out" count="$1" >/dev/null || fail "sa ping id=$out"
	sleep 1
	expect_ge "$(($(echo_count mag1 replies_received) - before))" "$1" "echo replies under ESP"
}

lab_up || fail "lab did not come up"
rm -f "$LAB_DIR"/*-keys.*

step "capture the core segment"
ip netns exec pl-core tcpdump -i mag1 -w "$tmp/core.pcap" -U ip6 >/dev/null 2>&1 &
cap_pid=$!
sleep 1

step "the MAG brings up the IKE SA by itself"
wait_state mag1 established 20 || fail "MAG: IKE SA not established: $(lab_ctl mag1 cp ike list)"
wait_state lma1 established 5 || fail "LMA: IKE SA not established"
list=$(lab_ctl mag1 cp ike list)
expect_eq "$(echo "$list" | j "d['sas'][0]['children'][0]['mode']")" transport "CHILD_SA mode"
expect_eq "$(echo "$list" | j "d['sas'][0]['role']")" initiator "MAG's role"
ping_under_esp 5

step "seed 4.4.2: a fresh IKE SA asking for a home address gets one from the pool"
lab_ctl mag1 cp ike delete peer=lma1 >/dev/null || fail "ike delete"
for ((i = 0; i < 50; i++)); do [ -z "$(ike_state mag1)" ] && break; sleep 0.1; done
lab_ctl mag1 cp ike initiate peer=lma1 address=:: >/dev/null || fail "ike initiate"
wait_state mag1 established 20 || fail "second IKE SA not established"
home=$(lab_ctl mag1 cp ike list | j "d['sas'][0]['home_address']")
expect_eq "$home" 2001:db8:1000::1 "home address from the LMA's pool"
wait_state lma1 established 5 || fail "LMA kept a stale SA: $(ike_state lma1)"
ping_under_esp 3

step "rekeys: CHILD_SA by the MAG, by the LMA; IKE SA by the MAG, by the LMA"
for r in "mag1 child" "lma1 child" "mag1 ike" "lma1 ike"; do
	set -- $r
	lab_ctl "$1" cp ike rekey peer=$([ "$1" = mag1 ] && echo lma1 || echo mag1) what="$2" >/dev/null ||
		fail "rekey $r"
	sleep 1
	wait_state mag1 established 10 || fail "after rekey $r: MAG has $(ike_state mag1)"
	wait_state lma1 established 10 || fail "after rekey $r: LMA has $(ike_state lma1)"
	n=$(lab_ctl mag1 cp ike list | j "len(d['sas'][0]['children'])")
	expect_eq "$n" 1 "CHILD_SAs after rekey $r"
	ping_under_esp 2
done
st=$(lab_ctl mag1 cp ike stats)
expect_eq "$(echo "$st" | j "d['child_rekeys']")" 2 "MAG child rekeys"
expect_eq "$(echo "$st" | j "d['ike_rekeys']")" 2 "MAG IKE rekeys"
expect_eq "$(echo "$st" | j "d['rx_icv'] + d['rx_malformed']")" 0 "MAG IKE errors"
expect_eq "$(lab_counter lma1 drops esp_unknown_spi)" 0 "ESP under an unknown SPI at the LMA"
expect_eq "$(lab_counter mag1 drops esp_unknown_spi)" 0 "ESP under an unknown SPI at the MAG"

step "Delete removes the SAs on both sides, in dp too"
lab_ctl lma1 cp ike delete peer=mag1 >/dev/null || fail "ike delete"
sleep 1
expect_eq "$(lab_ctl lma1 cp sa list | j "len(d['sas'])")" 0 "LMA ESP SAs"
# The MAG is told and starts a new one (initiate = auto) a little later.
wait_state mag1 established 20 || fail "MAG did not bring the IKE SA back"

step "the LMA's pmip-cp is killed and restarted: dp drops the SAs it cannot renew, the MAG's liveness check notices, a new IKE SA comes up"
pid=$(lab_pid lma1-cp)
kill -KILL "$pid"
while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
lab_start_cp lma1 || fail "LMA cp did not start"
grep -Eq "ESP SAs and [0-9]+ bindings of its predecessor removed" "$LAB_DIR/lma1-dp.log" || fail "dp kept the old cp's SAs"
for ((i = 0; i < 200; i++)); do
	[ "$(ike_state lma1)" = established ] && [ "$(ike_state mag1)" = established ] && break
	sleep 0.1
done
[ "$(ike_state lma1)" = established ] || fail "no new IKE SA after the LMA's cp restart: MAG $(ike_state mag1)"
ping_under_esp 2

step "tshark decrypts IKE and ESP with the key logs"
sleep 1
kill "$cap_pid"
wait "$cap_pid" 2>/dev/null
cap_pid=
[ -s "$LAB_DIR/mag1-keys.ikev2_decryption_table" ] || fail "no IKE key log"
# PMIP_TEST_KEEP=DIR keeps the capture and the key logs for a look.
[ -n "${PMIP_TEST_KEEP:-}" ] && mkdir -p "$PMIP_TEST_KEEP" &&
	cp "$tmp/core.pcap" "$LAB_DIR"/*-keys.* "$PMIP_TEST_KEEP/"
tshark_key_opts mag1
n_ike=$(tshark -r "$tmp/core.pcap" -Y isakmp 2>/dev/null | wc -l)
n_auth=$(tshark -r "$tmp/core.pcap" "${opts[@]}" -Y 'isakmp.exchangetype == 35 && isakmp.auth.method' 2>/dev/null | wc -l)
n_child=$(tshark -r "$tmp/core.pcap" "${opts[@]}" -Y 'isakmp.exchangetype == 36 && isakmp.nonce' 2>/dev/null | wc -l)
n_esp=$(tshark -r "$tmp/core.pcap" "${opts[@]}" -Y 'esp.icv_good == 1' 2>/dev/null | wc -l)
bad=$(tshark -r "$tmp/core.pcap" "${opts[@]}" -Y '_ws.malformed || _ws.expert.severity >= "warning"' 2>/dev/null | head -5)
echo "  IKE messages $n_ike, IKE_AUTH decrypted $n_auth, CREATE_CHILD_SA decrypted $n_child, ESP ICV good $n_esp"
expect_ge "$n_auth" 6 "IKE_AUTH messages tshark decrypted (3 SAs, both directions)"
expect_ge "$n_child" 8 "CREATE_CHILD_SA messages tshark decrypted"
expect_ge "$n_esp" 20 "ESP packets with a good ICV"
[ -z "$bad" ] || fail "tshark found malformed or warning fields: $bad"
pass
