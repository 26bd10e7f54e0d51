# shellcheck shell=bash
# Helpers for lab tests: steps, assertions, failure reports with logs.
T_NAME=$(basename "$0" .sh)

step() { printf '[%s] %s\n' "$T_NAME" "$*"; }

fail() {
	printf '[%s] FAIL: %s\n' "$T_NAME" "$*" >&2
	local f
	for f in "$LAB_DIR"/*.log; do
		[ -f "$f" ] || continue
		printf -- '--- %s (last 15 lines)\n' "$f" >&2
		tail -n 15 "$f" >&2
	done
	exit 1
}

pass() { printf '[%s] PASS\n' "$T_NAME"; exit 0; }

expect_ge() { # value min what
	[ -n "$1" ] && [ "$1" -ge "$2" ] 2>/dev/null || fail "$3: got '${1}', want >= $2"
}

expect_eq() { # value want what
	[ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"
}

# The link-local address dp derived for a port (from its MAC, EUI-64).
lab_ll_of_dp_port() { # gw port-ifname
	local mac
	mac=$(ip -n "pl-$1" link show "$2" | awk '/link\/ether/ {print $2}')
	python3 -c '
import sys, ipaddress
m = [int(x, 16) for x in sys.argv[1].split(":")]
iid = bytes([m[0] ^ 2, m[1], m[2], 0xff, 0xfe, m[3], m[4], m[5]])
print(ipaddress.IPv6Address(bytes([0xfe, 0x80] + [0] * 6) + iid))' "$mac"
}

# A scratch directory $tmp and an EXIT trap that stops the capture whose
# pid is in $cap_pid (if any), tears the lab down and removes $tmp.
lab_test_scratch() {
	tmp=$(mktemp -d)
	cap_pid=
	trap lab_test_cleanup EXIT
}
# The lab's ini of each gateway in $1 ("mag1 lma1"), edited by the sed
# script $2, into $tmp as LAB_CONFIG_DIR, with the profile tables. Every
# further argument is a pattern (grep) each edited file must contain, so a
# change to config/lab that leaves the edit nothing to change fails here.
lab_test_configs() { # gateways sed-script pattern...
	local gw p
	export LAB_CONFIG_DIR=$tmp
	for gw in $1; do
		sed -e "$2" "$LAB_REPO/config/lab/$gw.ini" >"$tmp/$gw.ini"
		for p in "${@:3}"; do
			grep -q -- "$p" "$tmp/$gw.ini" ||
				fail "config/lab/$gw.ini has nothing the test could adapt to '$p'"
		done
	done
	lab_copy_tables "$tmp"
}
lab_test_cleanup() {
	[ -n "$cap_pid" ] && kill "$cap_pid" 2>/dev/null
	lab_down_quiet
	rm -rf "$tmp"
}

# tshark options that decrypt with the lab's key logs: fills the array
# opts with ESP decryption (ICVs checked) and one UAT entry per line of
# each gateway's PREFIX.esp_sa and, if present, .ikev2_decryption_table.
tshark_key_opts() { # gw...
	local gw l
	opts=(-o esp.enable_encryption_decode:TRUE -o esp.enable_authentication_check:TRUE)
	for gw in "$@"; do
		while IFS= read -r l; do opts+=(-o "uat:esp_sa:$l"); done <"$LAB_DIR/$gw-keys.esp_sa"
		[ -f "$LAB_DIR/$gw-keys.ikev2_decryption_table" ] || continue
		while IFS= read -r l; do opts+=(-o "uat:ikev2_decryption_table:$l"); done \
			<"$LAB_DIR/$gw-keys.ikev2_decryption_table"
	done
}

# Run a command every 0.1 s until it succeeds (0) or secs pass (1).
wait_for() { # secs command...
	local i secs=$1
	shift
	for ((i = 0; i < secs * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
