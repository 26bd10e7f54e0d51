#!/usr/bin/env bash
# Lab: pmip-cp survives pmip-dp restarts, clean (SIGTERM) and crash
# (SIGKILL, stale segment left behind): it sees the new generation,
# reattaches, and the gateway answers again.
set -u
. "$(dirname "$0")/../../scripts/lab-lib.sh"
. "$(dirname "$0")/lab-test-lib.sh"

trap 'lab_down_quiet' EXIT
lab_up || fail "lab did not come up"
CP_LOG="$LAB_DIR/mag1-cp.log"
ready_count() { grep -c "data plane ready" "$CP_LOG"; }
wait_ready() { # count
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(ready_count)" -ge "$1" ] && return 0
		sleep 0.1
	done
	fail "cp did not report the data plane ready a ${1}th time"
}
ping_ok() { lab_in pl-mn1 ping -6 -n -c 2 -i 0.2 -W 2 $LAB_MAG1_ACC >/dev/null; }
cp_pid=$(lab_pid mag1-cp)

ping_ok || fail "initial ping"
gen1=$(lab_counter mag1 info generation)

step "clean dp restart"
lab_stop mag1-dp || fail "dp exit status $?"
sleep 0.5
grep -Eq "detaching .*(dp closed the segment|segment was removed)" "$CP_LOG" ||
	fail "cp did not notice the clean shutdown"
lab_start_dp mag1 || fail "dp restart"
wait_ready 2
ping_ok || fail "ping after clean dp restart"
gen2=$(lab_counter mag1 info generation)
[ "$gen1" != "$gen2" ] || fail "generation did not change"

step "dp crash (SIGKILL) and restart over the stale segment"
dp_pid=$(lab_pid mag1-dp)
kill -KILL "$dp_pid"
wait "$dp_pid" 2>/dev/null
rm -f "$LAB_DIR/mag1-dp.pid"
[ -e /dev/shm/pmip-lab-mag1 ] || fail "expected the killed dp's segment to remain"
sleep 3.5
grep -q "heartbeat has not moved" "$CP_LOG" || fail "cp did not notice the dead dp"
rm -rf /var/run/dpdk/pmip-lab-mag1 # a killed EAL leaves its runtime dir
lab_start_dp mag1 || fail "dp start over a stale segment"
wait_ready 3
grep -q "a new dp replaced the segment (dp restarted)" "$CP_LOG" || fail "cp did not see the new generation"
ping_ok || fail "ping after dp crash and restart"
kill -0 "$cp_pid" 2>/dev/null || fail "cp died during the dp restarts"
pass
