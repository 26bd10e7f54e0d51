#!/usr/bin/env bash
# All tests, from a fresh Debian 12 machine (as root): install what is
# needed, then
#   1. normal build + unit and CLI tests
#   2. AddressSanitizer + UndefinedBehaviorSanitizer build + unit tests
#   3. libFuzzer targets (clang), each run over a bounded number of inputs
#   4. network-namespace lab tests (real kernel hosts, pmip-dp on af_packet)
# Exit status is non-zero if any part failed; a summary comes last.
#
# Environment: FUZZ_RUNS (inputs per fuzz target, default 200000),
#              PMIP_TEST_PARTS (default "unit asan fuzz lab").
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
FUZZ_RUNS=${FUZZ_RUNS:-200000}
PARTS=${PMIP_TEST_PARTS:-unit asan fuzz lab}
declare -A result
failed=0

run_part() { # name command...
	local name=$1
	shift
	echo "=== $name"
	if "$@"; then
		result[$name]=pass
	else
		result[$name]=FAIL
		failed=1
	fi
}

setup_dir() { # dir meson-args...
	local dir=$1
	shift
	[ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >/dev/null || return 1
	ninja -C "$dir" >/dev/null || ninja -C "$dir"
}

part_unit() {
	meson test -C build --suite unit --suite cli --print-errorlogs
}

part_asan() {
	setup_dir build-asan -Db_sanitize=address,undefined || return 1
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C build-asan --suite unit --print-errorlogs
}

part_fuzz() {
	CC=clang CFLAGS=-fsanitize=fuzzer-no-link \
		setup_dir build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
		-Dtests=disabled || return 1
	local rc=0 t name work
	for t in build-fuzz/tests/fuzz/fuzz_*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		name=${t##*/fuzz_}
		work=$(mktemp -d)
		cp -r "tests/fuzz/corpus/$name/." "$work/" 2>/dev/null
		echo "fuzz $name: $FUZZ_RUNS inputs"
		if ! "$t" -runs="$FUZZ_RUNS" -print_final_stats=0 "$work" >"$work.log" 2>&1; then
			echo "fuzz $name FAILED:" >&2
			tail -n 40 "$work.log" >&2
			rc=1
		fi
		rm -rf "$work" "$work.log"
	done
	return $rc
}

part_lab() {
	meson test -C build --suite lab --print-errorlogs --num-processes 1
}

"$REPO/scripts/setup.sh" || { echo "setup failed" >&2; exit 1; }
for p in $PARTS; do
	run_part "$p" "part_$p"
done
echo "=== summary"
for p in $PARTS; do
	printf '%-6s %s\n' "$p" "${result[$p]}"
done
exit $failed
