#!/usr/bin/env bash
# The one entry point for benchmarks. Each area prints a readable table and,
# last, one line per result: "ratio NAME VALUE" or "metric NAME VALUE UNIT".
# Every area runs its baseline in the same run (the machines are noisy:
# compare within one run). Results are recorded in docs/BENCHMARKS.md.
#
#   scripts/bench.sh            all areas
#   scripts/bench.sh rings      the dp<->cp shared-memory rings
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${PMIP_BUILD:-$REPO/build}
"$REPO/scripts/setup.sh" >/dev/null || { echo "bench: setup failed" >&2; exit 1; }

AREAS=(rings)
area_rings() {
	echo "== rings: elements moved producer -> consumer on two CPUs"
	"$BUILD/tests/bench/bench_rings" "${BENCH_RING_N:-4000000}"
}

want=("$@")
[ ${#want[@]} -gt 0 ] || want=("${AREAS[@]}")
results=()
for a in "${want[@]}"; do
	declare -F "area_$a" >/dev/null || { echo "bench: unknown area '$a' (have: ${AREAS[*]})" >&2; exit 2; }
	out=$("area_$a") || { echo "$out"; echo "bench: area $a failed" >&2; exit 1; }
	echo "$out" | grep -Ev '^(ratio|metric) '
	while IFS= read -r l; do results+=("$l"); done < <(echo "$out" | grep -E '^(ratio|metric) ')
done
echo "== results"
printf '%s\n' "${results[@]}"
