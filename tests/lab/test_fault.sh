#!/usr/bin/env bash
# Lab fault test (issue: skeleton, point 8): SIGKILL pmip-cp while an MN
# pings the MAG. dp keeps running and counting, the pings go unanswered;
# a restarted cp reattaches, drops the stale punts and answers again.
set -u
. "$(dirname "$0")/../../scripts/lab-lib.sh"
. "$(dirname "$0")/lab-test-lib.sh"

PING_LOG="$LAB_DIR/fault-ping.log"
ping_pid=
cleanup() {
	[ -n "$ping_pid" ] && kill "$ping_pid" 2>/dev/null
	lab_down_quiet
}
trap cleanup EXIT
lab_up || fail "lab did not come up"

now() { date +%s.%N; }

step "steady ping from mn1 to the MAG"
lab_in pl-mn1 ping -6 -n -D -i 0.2 -W 1 $LAB_MAG1_ACC >"$PING_LOG" 2>&1 &
ping_pid=$!
sleep 2
dp_pid=$(lab_pid mag1-dp)
cp_pid=$(lab_pid mag1-cp)
rx_before=$(lab_counter mag1 ports acc0 rx_pkts)
punted_before=$(lab_counter mag1 ports acc0 punted)

step "SIGKILL pmip-cp (pid $cp_pid)"
# The time of the kill itself: the counter reads above take a while on a
# loaded machine, and replies until the kill are legitimate.
t_kill=$(now)
kill -KILL "$cp_pid"
wait "$cp_pid" 2>/dev/null
rm -f "$LAB_DIR/mag1-cp.pid"
sleep 3
kill -0 "$dp_pid" 2>/dev/null || fail "pmip-dp died with cp"
rx_dead=$(lab_counter mag1 ports acc0 rx_pkts)
punted_dead=$(lab_counter mag1 ports acc0 punted)
expect_ge "$rx_dead" $((rx_before + 10)) "dp rx_pkts while cp is dead"
expect_ge "$punted_dead" $((punted_before + 10)) "dp punted while cp is dead"
grep -q "pmip-cp pid $cp_pid is gone" "$LAB_DIR/mag1-dp.log" || fail "dp did not notice cp died"
t_restart=$(now)

step "restart pmip-cp"
lab_start_cp mag1 || fail "cp did not reattach"
t_ready=$(now)
sleep 2
kill "$ping_pid"
wait "$ping_pid" 2>/dev/null
ping_pid=
grep -Eq "discarded [0-9]+ punted packets queued before this cp attached" "$LAB_DIR/mag1-cp.log" ||
	fail "restarted cp did not discard the stale punts"

step "ping replies: before the kill, none while cp is dead, again after restart"
python3 - "$PING_LOG" "$t_kill" "$t_restart" "$t_ready" <<'PY' || fail "ping timeline wrong (see $PING_LOG)"
import re, sys
log, t_kill, t_restart, t_ready = sys.argv[1], *map(float, sys.argv[2:])
replies = [float(m.group(1)) for m in
           re.finditer(r"^\[(\d+\.\d+)\] \d+ bytes from", open(log).read(), re.M)]
before = [t for t in replies if t < t_kill]
dead = [t for t in replies if t_kill + 0.3 < t < t_restart]
after = [t for t in replies if t > t_ready]
print(f"replies: {len(before)} before kill, {len(dead)} while cp dead, {len(after)} after restart")
ok = len(before) >= 5 and len(dead) == 0 and len(after) >= 5
sys.exit(0 if ok else 1)
PY
pass
