#!/usr/bin/env bash
# Lab: kernel hosts reach both gateways. ND is answered by pmip-dp, echo by
# pmip-cp through the punt and tx rings; a clean shutdown leaves nothing.
set -u
. "$(dirname "$0")/../../scripts/lab-lib.sh"
. "$(dirname "$0")/lab-test-lib.sh"

trap 'lab_down_quiet' EXIT
lab_up || fail "lab did not come up"

step "mn1 -> MAG access address"
lab_in pl-mn1 ping -6 -n -c 3 -i 0.2 -W 2 $LAB_MAG1_ACC >/dev/null || fail "mn1 cannot ping $LAB_MAG1_ACC"
step "cn1 -> LMA network address"
lab_in pl-cn1 ping -6 -n -c 3 -i 0.2 -W 2 $LAB_LMA1_NET >/dev/null || fail "cn1 cannot ping $LAB_LMA1_NET"
step "mn1 -> MAG link-local address (derived from the port MAC)"
ll=$(lab_ll_of_dp_port mag1 acc0)
lab_in pl-mn1 ping -6 -n -c 2 -i 0.2 -w 10 "$ll%eth0" >/dev/null || fail "mn1 cannot ping $ll"

step "counters: ND answered in dp, echo through cp"
expect_ge "$(lab_counter mag1 ports acc0 nd_replies)" 1 "mag1 acc0 nd_replies"
expect_ge "$(lab_counter mag1 ports acc0 punted)" 5 "mag1 acc0 punted"
expect_ge "$(lab_counter mag1 ports acc0 from_cp)" 5 "mag1 acc0 from_cp"
expect_ge "$(lab_counter lma1 ports net0 from_cp)" 3 "lma1 net0 from_cp"

step "an address nobody owns stays silent and is counted"
# The NS goes to the solicited-node group of ::99, which dp does not join.
before=$(lab_counter mag1 drops mcast_ignored)
if lab_in pl-mn1 ping -6 -n -c 1 -W 2 2001:db8:a1::99 >/dev/null 2>&1; then
	fail "2001:db8:a1::99 answered"
fi
expect_ge "$(lab_counter mag1 drops mcast_ignored)" $((before + 1)) "mcast_ignored"

step "clean shutdown: exit 0, no shared memory or runtime files left"
for gw in mag1 lma1; do
	lab_stop "$gw-cp" || fail "$gw cp exit status $?"
	lab_stop "$gw-dp" || fail "$gw dp exit status $?"
	grep -q "shutting down" "$LAB_DIR/$gw-dp.log" || fail "$gw dp did not log its shutdown"
done
leftover=$(ls -d /dev/shm/pmip-lab-* /var/run/dpdk/pmip-lab-* 2>/dev/null)
[ -z "$leftover" ] || fail "left behind: $leftover"
pass
