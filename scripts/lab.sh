#!/usr/bin/env bash
# The network-namespace lab (see scripts/lab-lib.sh for the topology).
#
#   scripts/lab.sh demo     build the lab, run the demonstration, tear down
#   scripts/lab.sh up       build the lab and leave it running
#   scripts/lab.sh down     tear everything down (also after a crash)
#   scripts/lab.sh status   processes and counters of a running lab
set -u
# shellcheck source=scripts/lab-lib.sh
. "$(dirname "$0")/lab-lib.sh"

demo() {
	trap 'lab_log "tearing down"; lab_down_quiet' EXIT
	trap 'exit 130' INT TERM
	lab_up || lab_die "lab did not come up; logs in $LAB_DIR"
	local rc=0
	lab_log "mn1 pings the MAG's access address $LAB_MAG1_ACC (ND answered by pmip-dp, echo by pmip-cp)"
	lab_in pl-mn1 ping -6 -c 3 -i 0.2 -W 2 $LAB_MAG1_ACC || rc=1
	lab_log "cn1 pings the LMA's network address $LAB_LMA1_NET"
	lab_in pl-cn1 ping -6 -c 3 -i 0.2 -W 2 $LAB_LMA1_NET || rc=1
	lab_log "IKEv2 between the MAG and the LMA (pre-shared key; the MAG initiates)"
	local ike
	if ike=$(lab_wait_ike mag1 20); then
		lab_log "MAG: $ike"
		lab_log "LMA: $(lab_wait_ike lma1 5)"
		local out before after
		out=$(lab_ctl mag1 cp ike list | python3 -c 'import json,sys; print(json.load(sys.stdin)["sas"][0]["children"][0]["sa_out"])')
		before=$(lab_ctl mag1 cp stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["echo"]["replies_received"])')
		lab_ctl mag1 cp sa ping id="$out" count=3 >/dev/null || rc=1
		sleep 1
		after=$(lab_ctl mag1 cp stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["echo"]["replies_received"])')
		lab_log "ESP: the MAG's echo requests to the LMA under the CHILD_SA: $((after - before)) of 3 answered under the LMA's SA"
		[ $((after - before)) -ge 3 ] || rc=1
	else
		lab_log "no IKE SA between the MAG and the LMA"
		rc=1
	fi
	lab_log "PMIPv6: mn1 attaches to the MAG (its Router Solicitation); the MAG sends a"
	lab_log "Proxy Binding Update under the CHILD_SA, the LMA answers with a PBA"
	ip -n pl-mn1 link set eth0 down
	ip -n pl-mn1 link set eth0 up
	local hoa i
	for ((i = 0; i < 150; i++)); do
		lab_ctl lma1 cp binding list 2>/dev/null | grep -q "$LAB_MN1_HNP" && break
		sleep 0.1
	done
	lab_log "LMA binding cache: $(lab_ctl lma1 cp pmip list)"
	lab_log "MAG binding update list: $(lab_ctl mag1 cp pmip list)"
	hoa=$(lab_wait_hoa pl-mn1 2001:db8:1000:) || { lab_log "mn1 got no home address"; rc=1; }
	lab_log "mn1 got home address $hoa from the MAG's Router Advertisement"
	lab_log "mn1 pings cn1 $LAB_CN1 through MAG -> IPv6-in-IPv6 -> LMA"
	lab_in pl-mn1 ping -6 -c 1 -W 1 -I "$hoa" $LAB_CN1 >/dev/null 2>&1 # resolves cn1 at the LMA
	lab_in pl-mn1 ping -6 -c 3 -i 0.2 -W 2 -I "$hoa" $LAB_CN1 || rc=1
	lab_log "the binding in the MAG's data plane:"
	lab_ctl mag1 binding 1
	lab_log "MAG counters:"
	lab_ctl mag1 ports
	lab_ctl mag1 drops
	[ $rc = 0 ] && lab_log "demo passed" || lab_log "demo FAILED; logs in $LAB_DIR"
	return $rc
}

status() {
	local gw
	for gw in "${LAB_GATEWAYS[@]}"; do
		echo "$gw: dp pid $(lab_pid "$gw-dp" || echo -) cp pid $(lab_pid "$gw-cp" || echo -)"
		lab_ctl "$gw" info 2>/dev/null
		lab_ctl "$gw" ports 2>/dev/null
	done
}

case "${1:-}" in
demo) demo ;;
up)
	trap 'lab_down_quiet; exit 130' INT TERM
	lab_up || { lab_down_quiet; lab_die "lab did not come up"; }
	lab_log "lab is up; logs in $LAB_DIR; 'scripts/lab.sh down' removes it"
	;;
down) lab_down ;;
status) status ;;
*)
	echo "usage: $0 demo|up|down|status" >&2
	exit 2
	;;
esac
