#!/usr/bin/env bash
# --check-config on both programs: good files pass; a bad file gives
# "FILE:LINE: key: problem", a non-zero exit, and nothing is started
# (no shared memory, no EAL runtime directory). Usage: test_check_config.sh BUILD_DIR
set -u
BUILD=${1:?build dir}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

for f in "$SRC"/config/*.ini "$SRC"/config/lab/*.ini; do
	for prog in dp/pmip-dp cp/pmip-cp; do
		"$BUILD/$prog" --check-config "$f" >/dev/null || fail "$prog rejects $f"
	done
done

cat >"$tmp/bad.ini" <<'INI'
[gateway]
role = mag
name = cli-test
[dp]
lcores = 0,1
burst = 1000
[port.acc0]
device = net_null0
kind = access
[port.core0]
device = net_null1
kind = core
address = 2001:db8::1
INI
for prog in dp/pmip-dp cp/pmip-cp; do
	for mode in --check-config --config; do
		out=$("$BUILD/$prog" $mode "$tmp/bad.ini" 2>&1)
		rc=$?
		[ $rc -ne 0 ] || fail "$prog $mode accepted a bad file"
		echo "$out" | grep -q "bad.ini:6: dp.burst: '1000' is not a whole number in \[1, 256\]" ||
			fail "$prog $mode: burst error missing: $out"
		echo "$out" | grep -q "bad.ini:13: port.core0.address: '2001:db8::1' missing /prefix-length" ||
			fail "$prog $mode: address error missing: $out"
		echo "$out" | grep -q "nothing started" || [ $mode = --check-config ] ||
			fail "$prog $mode: no 'nothing started'"
	done
done
[ ! -e /dev/shm/pmip-cli-test ] || fail "shared memory created for a bad config"
[ ! -e /var/run/dpdk/pmip-cli-test ] || fail "EAL runtime dir created for a bad config"

"$BUILD/dp/pmip-dp" --check-config /nonexistent.ini 2>&1 | grep -q "/nonexistent.ini: cannot open" ||
	fail "missing file not reported"
"$BUILD/dp/pmip-dp" >/dev/null 2>&1
[ $? -eq 2 ] || fail "no arguments must exit 2 (usage)"

[ $fails -eq 0 ] && echo "PASS" || exit 1
