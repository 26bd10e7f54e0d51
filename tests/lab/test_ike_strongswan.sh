#!/usr/bin/env bash
# Lab: IKEv2 interop with strongSwan's charon (5.9.8, kernel-libipsec), four
# ways (RFC 7296; seed 4.3, 4.4):
#   psk-lma   our MAG initiates to charon as the LMA, pre-shared key, and
#             asks for a home address: INTERNAL_IP6_ADDRESS from charon's pool
#   psk-mag   charon as a MAG initiates to our LMA, asking for an address:
#             it gets one from our pool
#   cert-lma, cert-mag  the same with ECDSA certificates (RFC 7427) from one CA
# Each ends in a CHILD_SA in tunnel mode over UDP 4500 (what charon's
# userspace ESP does), with ESP both ways through our data plane: our cp
# pings charon's host under our SA and charon's host pings our gateway
# through libipsec. Then tshark decrypts our IKE exchanges with our key log
# and finds nothing malformed.
set -u
. "$(dirname "$0")/../../scripts/lab-lib.sh"
. "$(dirname "$0")/../../scripts/strongswan-lib.sh"
. "$(dirname "$0")/lab-test-lib.sh"

command -v swanctl >/dev/null && [ -x "$SW_CHARON" ] || { echo "[$T_NAME] SKIP: strongSwan not installed"; exit 77; }
SW_TEMPLATES=$LAB_REPO/tests/lab/strongswan-ike
PKI=$LAB_REPO/tests/data/ike/crypto/pki
NS=pl-swa
A=2001:db8:c::a            # charon's address on the core bridge
A_MAC=02:00:00:00:0c:0a
M=$LAB_MAG1_CORE L=$LAB_LMA1_CORE
MAG_ID=mag1.example.net    # the SubjectAltNames of the test certificates
LMA_ID=lma@example.net

tmp=
cap_pid=
cleanup() {
	local rc=$? d
	trap - EXIT
	[ -n "$cap_pid" ] && kill "$cap_pid" 2>/dev/null && wait "$cap_pid" 2>/dev/null
	if [ "$rc" != 0 ] && [ -n "$tmp" ]; then
		for d in "$tmp"/*/; do
			[ -f "$d/charon.log" ] || continue
			cat "$d/load.out" >&2 2>/dev/null
			printf -- '--- %s (IKE and CFG lines, last 40)\n' "${d}charon.log" >&2
			grep -E '\[(IKE|CFG|ENC)\]' "$d/charon.log" | grep -vE '^\S+ \S+\s+[0-9]+: ' | tail -n 40 >&2
		done
	fi
	sw_stop_all
	if ip netns list | grep -qw "$NS"; then
		ip netns pids "$NS" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$NS"
	fi
	lab_down_quiet
	[ -n "$tmp" ] && rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
tmp=$(mktemp -d /tmp/pmip-ike-sw.XXXXXX)
chmod 700 "$tmp"
export LAB_CONFIG_DIR=$tmp/conf
mkdir -p "$LAB_CONFIG_DIR"
lab_copy_tables "$LAB_CONFIG_DIR"

# Our gateways' ini: the lab's, plus IKE towards charon with auth $1.
write_configs() { # psk|cert
	local auth_lines
	local gw
	# The lab's ini without its own IKE sections (MAG1-LMA1).
	for gw in mag1 lma1; do
		awk '/^\[ike/ { skip = 1; next } /^\[/ { skip = 0 } !skip' \
			"$LAB_REPO/config/lab/$gw.ini" >"$LAB_CONFIG_DIR/$gw.ini"
	done
	if [ "$1" = psk ]; then
		auth_lines="auth = psk
psk = $PSK"
	fi
	for gw in mag1 lma1; do
		local me=$MAG_ID them=$LMA_ID cert=mag extra=""
		[ "$gw" = lma1 ] && me=$LMA_ID them=$MAG_ID cert=lma extra="pool = 2001:db8:1000::/64"
		[ "$1" = cert ] && auth_lines="auth = cert
cert = $PKI/$cert.pem
key = $PKI/$cert.key
ca = $PKI/ca.pem"
		cat >>"$LAB_CONFIG_DIR/$gw.ini" <<EOT

[ike]
local_id = $me
retransmit_ms = 500
$extra

[ike.peer.sw]
address = $A
id = $them
mode = tunnel-udp
initiate = no
$auth_lines
EOT
	done
}

restart_cps() {
	lab_stop mag1-cp && lab_stop lma1-cp || fail "cp did not stop"
	lab_start_cp mag1 && lab_start_cp lma1 || fail "cp did not start"
}

j() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
our_sa() { lab_ctl "$1" cp ike list | j "$2"; }
echo_count() { lab_ctl "$1" cp stats | j "d['echo']['$2']"; }
wait_established() { # gw secs
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		[ "$(our_sa "$1" "' '.join(s['state'] for s in d['sas'])")" = established ] && return 0
		sleep 0.1
	done
	return 1
}

# charon's swanctl.conf pieces for one case.
charon_start() { # dir role(lma|mag) auth(psk|cert) remote-gw-address
	local dir=$1 role=$2 auth=$3 remote=$4 me them cert role_lines la ra secrets
	if [ "$role" = lma ]; then
		me=$LMA_ID them=$MAG_ID cert=lma role_lines="pools = p6"
	else
		me=$MAG_ID them=$LMA_ID cert=mag role_lines="vips = ::"
	fi
	if [ "$auth" = psk ]; then
		la="auth = psk" ra="auth = psk"
		secrets="ike-lab {
		id-a = $me
		id-b = $them
		secret = \"$PSK\"
	}"
	else
		# swanctl loads credentials from folders beside its swanctl.conf.
		mkdir -p "$dir/x509" "$dir/x509ca" "$dir/ecdsa"
		cp "$PKI/$cert.pem" "$dir/x509/"
		cp "$PKI/ca.pem" "$dir/x509ca/"
		cp "$PKI/$cert.key" "$dir/ecdsa/"
		la="auth = pubkey
			certs = $cert.pem" ra="auth = pubkey
			cacerts = ca.pem"
		secrets=""
	fi
	sw_start "$dir" "$NS" LOCAL="$A" REMOTE="$remote" LOCAL_ID="$me" REMOTE_ID="$them" \
		IKE=aes128gcm16-prfsha256-ecp256 ESP=aes128gcm16 ROLE_LINES="$role_lines" \
		LOCAL_AUTH="$la" REMOTE_AUTH="$ra" SECRETS="$secrets" || fail "charon did not start"
}

# ESP both ways over the CHILD_SA between our gateway $1 and charon.
traffic() { # gw what
	local gw=$1 what=$2 out before got addr
	addr=$([ "$gw" = mag1 ] && echo "$M" || echo "$L")
	out=$(our_sa "$gw" "d['sas'][0]['children'][0]['sa_out']")
	before=$(echo_count "$gw" replies_received)
	lab_ctl "$gw" cp sa ping id="$out" count=5 >/dev/null || fail "$what: sa ping"
	sleep 1
	got=$(($(echo_count "$gw" replies_received) - before))
	expect_ge "$got" 5 "$what: charon's host answered our echo through its libipsec"
	before=$(echo_count "$gw" replies)
	ip netns exec "$NS" ping -n -q -c 5 -i 0.2 -W 2 -I "$A" "$addr" >"$tmp/ping.out" 2>&1 ||
		{ cat "$tmp/ping.out" >&2; fail "$what: charon's host got no answer from our $gw"; }
	expect_ge "$(($(echo_count "$gw" replies) - before))" 5 "$what: our echo replies under ESP"
}

PSK=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
write_configs psk
lab_up || fail "lab did not come up"
rm -f "$LAB_DIR"/*-keys.*

step "charon's namespace on the core bridge"
ip netns add "$NS"
ip -n "$NS" link set lo up
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
lab_core_attach "$NS" swa host
ip -n "$NS" link set core0 address "$A_MAC"
lab_addr "$NS" core0 "$A/64"

ip netns exec pl-core tcpdump -i swa -w "$tmp/core.pcap" -U ip6 >/dev/null 2>&1 &
cap_pid=$!
sleep 1

for auth in psk cert; do
	if [ "$auth" = cert ]; then
		write_configs cert
		restart_cps
	fi

	step "$auth-lma: our MAG initiates to charon (the LMA), asking for a home address"
	charon_start "$tmp/$auth-lma" lma "$auth" "$M"
	r=$(lab_ctl mag1 cp ike initiate peer=sw address=::) || fail "ike initiate: $r"
	wait_established mag1 20 || fail "$auth-lma: not established: $(lab_ctl mag1 cp ike list)"
	home=$(our_sa mag1 "d['sas'][0]['home_address']")
	case $home in 2001:db8:2000::*) ;; *) fail "$auth-lma: home address '$home' is not from charon's pool" ;; esac
	expect_eq "$(our_sa mag1 "d['sas'][0]['children'][0]['mode']")" tunnel-udp "$auth-lma: CHILD_SA mode"
	sw_child_sa "$tmp/$auth-lma" >/dev/null || fail "$auth-lma: charon has no CHILD_SA"
	traffic mag1 "$auth-lma"
	lab_ctl mag1 cp ike delete peer=sw >/dev/null || fail "ike delete"
	sleep 1
	[ -z "$(sw_ctl "$tmp/$auth-lma" --list-sas 2>/dev/null | grep -w lab)" ] ||
		fail "$auth-lma: charon kept the IKE SA after our Delete"
	sw_stop "$tmp/$auth-lma"

	step "$auth-mag: charon (a MAG) initiates to our LMA, asking for a home address"
	charon_start "$tmp/$auth-mag" mag "$auth" "$L"
	sw_ctl "$tmp/$auth-mag" --initiate --child lab --timeout 20 >"$tmp/init.out" 2>&1 ||
		{ cat "$tmp/init.out" >&2; fail "$auth-mag: charon could not establish"; }
	wait_established lma1 5 || fail "$auth-mag: our LMA has no established SA"
	home=$(our_sa lma1 "d['sas'][0]['home_address']")
	case $home in 2001:db8:1000::*) ;; *) fail "$auth-mag: we assigned '$home', not from our pool" ;; esac
	grep -q "installing new virtual IP $home" "$tmp/$auth-mag/charon.log" ||
		fail "$auth-mag: charon did not take the address $home"
	traffic lma1 "$auth-mag"
	sw_ctl "$tmp/$auth-mag" --terminate --ike lab --timeout 10 >/dev/null 2>&1 ||
		fail "$auth-mag: charon's Delete failed"
	sleep 0.5
	expect_eq "$(our_sa lma1 "len(d['sas'])")" 0 "$auth-mag: our LMA's SAs after charon's Delete"
	expect_eq "$(lab_ctl lma1 cp ike stats | j "d['home_addresses']['released'] >= 1")" True \
		"$auth-mag: home address back in the pool"
	sw_stop "$tmp/$auth-mag"
done

step "tshark decrypts our IKE exchanges with our key logs"
sleep 0.5
kill "$cap_pid"
wait "$cap_pid" 2>/dev/null
cap_pid=
opts=()
for f in "$LAB_DIR"/*-keys.ikev2_decryption_table; do
	while IFS= read -r l; do opts+=(-o "uat:ikev2_decryption_table:$l"); done <"$f"
done
n_auth=$(tshark -r "$tmp/core.pcap" "${opts[@]}" -Y 'isakmp.exchangetype == 35 && isakmp.auth.method' 2>/dev/null | wc -l)
bad=$(tshark -r "$tmp/core.pcap" "${opts[@]}" -Y 'isakmp && (_ws.malformed || _ws.expert.severity >= "warning")' 2>/dev/null | head -5)
echo "  IKE_AUTH messages decrypted: $n_auth"
expect_ge "$n_auth" 8 "IKE_AUTH messages tshark decrypted (4 exchanges, both directions)"
[ -z "$bad" ] || fail "tshark found malformed or warning fields: $bad"
st=$(lab_ctl lma1 cp ike stats)
expect_eq "$(echo "$st" | j "d['rx_malformed'] + d['rx_icv']")" 0 "LMA IKE errors"
pass
