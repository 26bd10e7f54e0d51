#!/usr/bin/env bash
# Lab: ESP interop with strongSwan (charon 5.9.8 with kernel-libipsec) in
# tunnel mode over UDP 4500, traffic both ways, SAs installed by hand on our
# side: this tests our ESP alone against charon's, without our IKEv2 (which
# test_ike_strongswan.sh tests; charon installs only SAs it negotiated).
#
# Per algorithm (AES-GCM-16-128; AES-CBC-128 + HMAC-SHA-256-128):
#   1. charon A: namespace pl-swa on the core bridge, 2001:db8:c::a (kernel).
#      charon B: namespace pl-swb with the LMA's address 2001:db8:c::2, on a
#      veth of its own to A (not on br0: the LMA's pmip-dp answers ND for
#      2001:db8:c::2 there). A reaches B through a /128 route on that veth.
#   2. A initiates IKEv2 (PSK, encap = yes: tunnel mode in UDP 4500, host-to-
#      host selectors 2001:db8:c::a/128 === 2001:db8:c::2/128).
#   3. From B: SPIs, ports and selectors (swanctl --list-sas) and the CHILD_SA
#      keys (its log at chd = 4). The veth goes, then B: B never says DELETE
#      and A keeps its SAs; A's route to 2001:db8:c::2 is the core link again.
#   4. The same SAs into the LMA's pmip-dp (pmipctl cp sa add mode=tunnel-udp):
#      our inbound = B's inbound, our outbound = B's outbound.
#   5. A pings the LMA (A's kernel -> table 220 -> libipsec's TUN -> ESP in
#      UDP; the LMA's cp answers under the outbound SA to the requester), and
#      the LMA pings A under its outbound SA (A's kernel answers through
#      libipsec). Counters must agree on both sides, packet for packet.
# Then tshark decrypts the capture of the LMA's bridge port with charon's
# keys, both directions, and finds every ICV good and nothing malformed.
set -u
. "$(dirname "$0")/../../scripts/lab-lib.sh"
. "$(dirname "$0")/../../scripts/strongswan-lib.sh"
. "$(dirname "$0")/lab-test-lib.sh"

command -v swanctl >/dev/null && [ -x "$SW_CHARON" ] || { echo "[$T_NAME] SKIP: strongSwan not installed"; exit 77; }

NS_A=pl-swa
NS_B=pl-swb
A=2001:db8:c::a      # A's address: outer and, host-to-host, inner as well
A_MAC=02:00:00:00:0c:0a
L=$LAB_LMA1_CORE     # the LMA; B has it during the negotiation
N=5                  # echo requests each way and run

tmp=
cap_pid=

ns_del() { # ns... (with whatever still runs inside)
	local ns
	for ns in "$@"; do
		ip netns list | grep -qw "$ns" || continue
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$ns"
	done
}

cleanup() {
	local rc=$? d
	trap - EXIT INT TERM
	if [ -n "$cap_pid" ]; then
		kill "$cap_pid" 2>/dev/null
		wait "$cap_pid" 2>/dev/null
	fi
	if [ "$rc" != 0 ] && [ -n "$tmp" ]; then
		for d in "$tmp"/*/; do
			[ -f "$d/charon.log" ] || continue
			printf -- '--- %s (last 15 lines)\n' "${d}charon.log" >&2
			tail -n 15 "$d/charon.log" >&2
		done
	fi
	sw_stop_all
	ns_del "$NS_A" "$NS_B"
	[ -n "$tmp" ] && rm -rf "$tmp"
	rm -f "$LAB_DIR/lma1-keys.esp_sa"
	lab_down_quiet
	exit "$rc"
}
trap cleanup EXIT

ns_del "$NS_A" "$NS_B" # left over from a killed run
tmp=$(mktemp -d /tmp/pmip-sw.XXXXXX)
lab_up || fail "lab did not come up"
rm -f "$LAB_DIR/lma1-keys.esp_sa"

json() { python3 -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1:]:
    v = next(iter(v.values())) if k == "*" else v[k]
print(v)' "$@"; }
cp_echo() { lab_ctl lma1 cp stats | json echo "$1"; }
dp_sa() { lab_ctl lma1 sa "$1" | json '*' "$2"; }
esp_drops() { # sum of the LMA's ESP and UDP drop counters
	lab_ctl lma1 drops | python3 -c 'import json, sys
d = next(iter(json.load(sys.stdin).values()))
print(sum(v for k, v in d.items() if k.startswith(("esp_", "udp_", "mh_"))))'
}
kv() { # "k=v k=v" key -> v
	local w
	for w in $1; do [ "${w%%=*}" = "$2" ] && { echo "${w#*=}"; return; }; done
}
mac_of() { ip -n "$1" link show "$2" | awk '/link\/ether/ {print $2}'; }

step "capture the LMA's port on the core bridge"
ip netns exec pl-core tcpdump -i lma1 -w "$tmp/core.pcap" -U ip6 >/dev/null 2>&1 &
cap_pid=$!
sleep 1

uat=()      # tshark esp_sa records, from charon's keys
drops0=$(esp_drops)

# One negotiation and its traffic: run NAME ESP-PROPOSAL OUR-ALG ENCR INTEG IN-ID OUT-ID
run() {
	local name=$1 prop=$2 alg=$3 want_encr=$4 want_integ=$5 in_id=$6 out_id=$7
	local da=$tmp/$name-a db=$tmp/$name-b psk sab saa keys tun

	step "$name: A on the core bridge, B with the LMA's address on a veth to A"
	for ns in "$NS_A" "$NS_B"; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	done
	lab_core_attach "$NS_A" swa host
	# The same MAC in every run: the LMA's cp keeps what it resolved for A.
	ip -n "$NS_A" link set core0 address "$A_MAC"
	lab_addr "$NS_A" core0 "$A/64"
	ip -n "$NS_A" link add swtmp type veth peer name eth0 netns "$NS_B"
	lab_if_up "$NS_A" swtmp host
	lab_if_up "$NS_B" eth0 host
	lab_addr "$NS_B" eth0 "$L/64"
	# A's address is on core0, not on the veth: no ND for it there.
	ip -n "$NS_A" -6 neigh replace "$L" lladdr "$(mac_of "$NS_B" eth0)" dev swtmp nud permanent
	ip -n "$NS_B" -6 neigh replace "$A" lladdr "$(mac_of "$NS_A" swtmp)" dev eth0 nud permanent
	ip -n "$NS_A" -6 route add "$L/128" dev swtmp

	psk=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
	sw_start "$da" "$NS_A" LOCAL="$A" REMOTE="$L" LOCAL_TS="$A/128" REMOTE_TS="$L/128" ESP="$prop" PSK="$psk" ||
		fail "charon A did not start"
	sw_start "$db" "$NS_B" LOCAL="$L" REMOTE="$A" LOCAL_TS="$L/128" REMOTE_TS="$A/128" ESP="$prop" PSK="$psk" ||
		fail "charon B did not start"

	step "$name: IKEv2 A -> B, CHILD_SA $prop in UDP 4500"
	sw_ctl "$da" --initiate --child lab --timeout 20 >"$da/initiate.out" 2>&1 ||
		{ cat "$da/initiate.out" >&2; fail "$name: IKE_SA/CHILD_SA not established"; }
	sab=$(sw_child_sa "$db") || fail "$name: no CHILD_SA on B"
	saa=$(sw_child_sa "$da") || fail "$name: no CHILD_SA on A"
	keys=$(sw_child_keys "$db") || fail "$name: no keys in B's log"
	echo "  B: $sab"
	expect_eq "$(kv "$sab" encap)" yes "$name: UDP encapsulation"
	expect_eq "$(kv "$sab" encr_alg)/$(kv "$sab" integ_alg)" "$want_encr/$want_integ" "$name: negotiated algorithms"
	expect_eq "$(kv "$sab" local_ts) $(kv "$sab" remote_ts)" "$L/128 $A/128" "$name: B's traffic selectors"
	expect_eq "$(kv "$saa" spi_in) $(kv "$saa" spi_out)" "$(kv "$sab" spi_out) $(kv "$sab" spi_in)" \
		"$name: A's SPIs mirror B's"
	local spi_in spi_out sport dport encr_i integ_i encr_r integ_r
	spi_in=$(kv "$sab" spi_in)   # A -> LMA: B's (now the LMA's) inbound
	spi_out=$(kv "$sab" spi_out) # LMA -> A
	sport=$(kv "$sab" local_port)
	dport=$(kv "$sab" remote_port)
	encr_i=$(kv "$keys" encr_i) integ_i=$(kv "$keys" integ_i)
	encr_r=$(kv "$keys" encr_r) integ_r=$(kv "$keys" integ_r)
	[ -n "$spi_in" ] && [ -n "$spi_out" ] && [ -n "$sport" ] && [ -n "$dport" ] ||
		fail "$name: SPIs or ports missing: $sab"
	# A initiated: initiator keys protect A -> B (RFC 7296 2.17).

	step "$name: B leaves (its link first, so that it cannot send DELETE); A keeps its SAs"
	ip -n "$NS_A" link del swtmp
	sw_stop "$db"
	ns_del "$NS_B"
	expect_eq "$(sw_ctl "$da" --list-sas --raw | grep -c 'state=INSTALLED')" 1 "$name: A's CHILD_SA after B left"
	ip -n "$NS_A" rule | grep -q 'not from all fwmark 0x42 lookup 220' ||
		fail "$name: no fwmark rule to table 220 in A: $(ip -n "$NS_A" rule)"
	tun=$(ip -n "$NS_A" -6 route get "$L" from "$A" | grep -o 'dev [^ ]*' | cut -d' ' -f2)
	[ "$tun" != core0 ] && [ -n "$tun" ] || fail "$name: A routes $L to '$tun', not to libipsec's TUN"
	expect_eq "$(ip -n "$NS_A" -6 route get "$L" mark 0x42 | grep -o 'dev [^ ]*')" "dev core0" \
		"$name: A's route for charon's own packets (mark 0x42)"
	echo "  A: inner traffic to $L via $tun (table 220), charon's ESP-in-UDP via core0"

	step "$name: the negotiated SAs into the LMA's pmip-dp by hand"
	local common=(mode=tunnel-udp alg="$alg" local="$L" remote="$A" sport="$sport" dport="$dport"
		      ts-local="$(kv "$sab" local_ts)" ts-remote="$(kv "$sab" remote_ts)")
	lab_ctl lma1 cp sa add id="$in_id" dir=in spi="0x$spi_in" key="$encr_i" ${integ_i:+auth=$integ_i} \
		"${common[@]}" >/dev/null || fail "$name: sa add in"
	lab_ctl lma1 cp sa add id="$out_id" dir=out spi="0x$spi_out" key="$encr_r" ${integ_r:+auth=$integ_r} \
		"${common[@]}" >/dev/null || fail "$name: sa add out"
	local enc auth_alg ai ar
	if [ -n "$integ_i" ]; then
		enc="AES-CBC [RFC3602]" auth_alg="HMAC-SHA-256-128 [RFC4868]" ai=0x$integ_i ar=0x$integ_r
	else
		enc="AES-GCM with 16 octet ICV [RFC4106]" auth_alg=NULL ai='' ar=''
	fi
	uat+=("\"IPv6\",\"$A\",\"$L\",\"0x$spi_in\",\"$enc\",\"0x$encr_i\",\"$auth_alg\",\"$ai\"")
	uat+=("\"IPv6\",\"$L\",\"$A\",\"0x$spi_out\",\"$enc\",\"0x$encr_r\",\"$auth_alg\",\"$ar\"")

	step "$name: A -> LMA: ping from $A, answered under ESP by the LMA"
	local req0 rep0 nosa0 rr0 out
	req0=$(cp_echo requests) rep0=$(cp_echo replies) nosa0=$(cp_echo no_sa)
	out=$(ip netns exec "$NS_A" ping -6 -n -c "$N" -i 0.2 -w 10 -I "$A" "$L" 2>&1) ||
		{ echo "$out" >&2; fail "$name: ping from A under ESP"; }
	echo "  $(echo "$out" | grep 'packets transmitted')"
	expect_ge "$(($(cp_echo requests) - req0))" "$N" "$name: echo requests the LMA's cp got under ESP"
	expect_eq "$(($(cp_echo no_sa) - nosa0))" 0 "$name: LMA echo requests without an SA to answer under"
	expect_ge "$(($(cp_echo replies) - rep0))" "$N" "$name: LMA echo replies under ESP"

	step "$name: LMA -> A: cp sa ping under SA $out_id, A's kernel answers through libipsec"
	rr0=$(cp_echo replies_received)
	local i
	for ((i = 0; i < 50; i++)); do
		lab_ctl lma1 cp sa ping id="$out_id" dst="$A" src="$L" count=1 >/dev/null 2>&1 && break
		sleep 0.1 # until cp has resolved A on core0
	done
	((i < 50)) || fail "$name: sa ping: A not resolved"
	lab_ctl lma1 cp sa ping id="$out_id" dst="$A" src="$L" count=$((N - 1)) >/dev/null || fail "$name: sa ping"
	for ((i = 0; i < 30; i++)); do
		(($(cp_echo replies_received) - rr0 >= N)) && break
		sleep 0.1
	done
	expect_eq "$(($(cp_echo replies_received) - rr0))" "$N" "$name: echo replies from A received under ESP"

	step "$name: counters, charon A against the LMA's pmip-dp"
	sleep 0.3 # dp sums the workers' counters every 100 ms
	saa=$(sw_child_sa "$da") || fail "$name: A's CHILD_SA gone"
	local a_pi a_bi a_po a_bo l_pi l_bi l_po l_bo
	a_pi=$(kv "$saa" packets_in) a_bi=$(kv "$saa" bytes_in)
	a_po=$(kv "$saa" packets_out) a_bo=$(kv "$saa" bytes_out)
	l_pi=$(dp_sa "$in_id" packets) l_bi=$(dp_sa "$in_id" bytes)
	l_po=$(dp_sa "$out_id" packets) l_bo=$(dp_sa "$out_id" bytes)
	echo "  charon A: in $a_pi packets/$a_bi bytes, out $a_po packets/$a_bo bytes"
	echo "  LMA dp:   in $l_pi packets/$l_bi bytes (sa $in_id), out $l_po packets/$l_bo bytes (sa $out_id)"
	echo "  LMA cp:   echo $(lab_ctl lma1 cp stats | json echo)"
	expect_eq "$a_po" $((2 * N)) "$name: A's packets out (requests and replies)"
	expect_eq "$a_pi" $((2 * N)) "$name: A's packets in"
	expect_eq "$l_pi/$l_bi" "$a_po/$a_bo" "$name: LMA in (packets/bytes) = A out"
	expect_eq "$l_po/$l_bo" "$a_pi/$a_bi" "$name: LMA out (packets/bytes) = A in"
	expect_eq "$(esp_drops)" "$drops0" "$name: LMA ESP/UDP/MH drop counters"

	step "$name: A leaves (link down first: no DELETE to the LMA); the LMA's SAs go"
	ip -n "$NS_A" link set core0 down
	sw_stop "$da"
	ns_del "$NS_A"
	lab_ctl lma1 cp sa del id="$in_id" >/dev/null || fail "$name: sa del in"
	lab_ctl lma1 cp sa del id="$out_id" >/dev/null || fail "$name: sa del out"
}

run gcm aes128gcm16-noesn aes-gcm-128 AES_GCM_16 "" 1 2
run cbc aes128-sha256-noesn aes-cbc-128-hmac-sha256 AES_CBC HMAC_SHA2_256_128 3 4

step "tshark decrypts the capture with charon's keys, both directions"
sleep 0.5
kill "$cap_pid"
wait "$cap_pid" 2>/dev/null
cap_pid=
opts=(-o esp.enable_encryption_decode:TRUE -o esp.enable_authentication_check:TRUE)
for l in "${uat[@]}"; do opts+=(-o "uat:esp_sa:$l"); done
ts() { tshark -r "$tmp/core.pcap" "${opts[@]}" -Y "$1" 2>/dev/null | wc -l; }
n_esp=$(ts 'udp.port == 4500 && esp')
n_good=$(ts 'esp.icv_good == 1')
n_a=$(ts "esp && ipv6.src == $A && ipv6.dst == $L && (icmpv6.type == 128 || icmpv6.type == 129)")
n_l=$(ts "esp && ipv6.src == $L && ipv6.dst == $A && (icmpv6.type == 128 || icmpv6.type == 129)")
bad=$(tshark -r "$tmp/core.pcap" "${opts[@]}" -Y '_ws.malformed || _ws.expert.severity >= "warning"' 2>/dev/null | head -5)
echo "  ESP-in-UDP $n_esp, ICV good $n_good; decrypted to echo: A->LMA $n_a, LMA->A $n_l"
expect_eq "$n_esp" $((8 * N)) "ESP-in-UDP packets on the LMA's port (2 runs x 2 directions x 2N)"
expect_eq "$n_good" "$n_esp" "ESP packets tshark checked the ICV of, good"
expect_eq "$n_a" $((4 * N)) "A -> LMA packets decrypted to ICMPv6 echo"
expect_eq "$n_l" $((4 * N)) "LMA -> A packets decrypted to ICMPv6 echo"
[ -z "$bad" ] || fail "tshark found malformed or warning fields: $bad"
pass
