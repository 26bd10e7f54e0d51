# shellcheck shell=bash
# The network-namespace lab: topology, gateway processes, teardown.
# Sourced by scripts/lab.sh and the lab tests (tests/lab/*.sh).
#
#   pl-mn1 eth0 ---- acc0 [pl-mag1] core0 --+               +-- core0 [pl-lma1] net0 ---- eth0 pl-cn1
#                          mgmt0             |  [pl-core]    |         mgmt0
#                            |               +--- br0 -------+           |
#                          mag1 ------------- [pl-aaa] ----------------- lma1
#
# With LAB_MAG2=1 a second MAG joins (handover, seed 5):
#
#   pl-mn1 eth1 ---- acc0 [pl-mag2] core0 --- br0
#
# mn1's eth1 has eth0's MAC and stays down until the MN moves: taking eth0
# down and eth1 up is the MN leaving MAG1's link for MAG2's.
#
# The core link is a bridge (br0 in pl-core), so that more peers (another
# MAG, strongSwan) can join the MAG-LMA segment.
# acc0/core0/net0 belong to pmip-dp (af_packet, IPv6 off so the kernel stays
# quiet on them); everything else is a plain kernel interface. pl-aaa is the
# AAA/DNS host (FreeRADIUS, dnsmasq) reached over the management links.
#
# Environment: PMIP_BUILD (build dir, default <repo>/build),
#              PMIP_LAB_DIR (logs and pid files, default /tmp/pmip-lab).

LAB_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LAB_BUILD=${PMIP_BUILD:-$LAB_REPO/build}
LAB_DIR=${PMIP_LAB_DIR:-/tmp/pmip-lab}
LAB_NS=(pl-mn1 pl-mag1 pl-lma1 pl-cn1 pl-aaa pl-core)
LAB_GATEWAYS=(mag1 lma1)
if [ "${LAB_MAG2:-0}" = 1 ]; then
	LAB_NS+=(pl-mag2)
	LAB_GATEWAYS+=(mag2)
fi

# Addresses (documentation prefix 2001:db8::/32 only).
LAB_MAG1_ACC=2001:db8:a1::1
LAB_MN1=2001:db8:a1::100
LAB_MAG1_CORE=2001:db8:c::1
LAB_MAG2_ACC=2001:db8:a2::1
LAB_MAG2_CORE=2001:db8:c::3
LAB_LMA1_CORE=2001:db8:c::2
LAB_LMA1_NET=2001:db8:e::1
LAB_CN1=2001:db8:e::100
# Mobile nodes' home network prefixes come from 2001:db8:1000::/36 (one /64
# each); the correspondent node reaches them through the LMA.
LAB_HNP_RANGE=2001:db8:1000::/36
LAB_MN1_HNP=2001:db8:1000::/64
# mn1's MAC: its profile (config/lab/*-profiles.tab) names it.
LAB_MN1_MAC=02:00:00:00:01:01

lab_log() { printf '[lab] %s\n' "$*" >&2; }
lab_die() { printf '[lab] error: %s\n' "$*" >&2; exit 1; }

# veth pair between two namespaces; optional "dp" marks ends dp owns.
lab_link() { # ns1 if1 ns2 if2 owner1 owner2
	ip -n "$1" link add "$2" type veth peer name "$4" netns "$3"
	lab_if_up "$1" "$2" "$5"
	lab_if_up "$3" "$4" "$6"
}

lab_if_up() { # ns if owner
	if [ "$3" = dp ]; then
		ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"
	else
		# A veth leaves transport checksums to be finished by the
		# receiving kernel; pmip-dp reads frames with af_packet and
		# forwards them as they are, so hosts must send them complete.
		ip netns exec "$1" ethtool -K "$2" tx off >/dev/null
	fi
	ip -n "$1" link set "$2" up
}

# Join a namespace to the core bridge: core0 there (dp's), NAME on br0.
lab_core_attach() { # ns name [owner of core0: dp|host]
	ip -n pl-core link add "$2" type veth peer name core0 netns "$1"
	ip netns exec pl-core sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"
	ip -n pl-core link set "$2" master br0 up
	lab_if_up "$1" core0 "${3:-dp}"
}

lab_addr() { # ns if addr/len
	ip -n "$1" -6 addr add "$3" dev "$2" nodad
}

lab_topology_up() {
	[ "$(id -u)" = 0 ] || lab_die "the lab needs root (network namespaces)"
	mkdir -p "$LAB_DIR"
	for ns in "${LAB_NS[@]}"; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
		# Hosts: no DAD delay and no router solicitation storms in tests.
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	done
	lab_link pl-mn1 eth0 pl-mag1 acc0 host dp
	ip -n pl-mn1 link set eth0 address $LAB_MN1_MAC
	# The core segment: a bridge that forwards frames and says nothing.
	ip -n pl-core link add br0 type bridge
	ip netns exec pl-core sysctl -qw net.ipv6.conf.br0.disable_ipv6=1
	ip -n pl-core link set br0 up
	lab_core_attach pl-mag1 mag1
	lab_core_attach pl-lma1 lma1
	if [ "${LAB_MAG2:-0}" = 1 ]; then
		lab_core_attach pl-mag2 mag2
		ip -n pl-mn1 link add eth1 type veth peer name acc0 netns pl-mag2
		ip -n pl-mn1 link set eth1 address $LAB_MN1_MAC
		ip netns exec pl-mn1 ethtool -K eth1 tx off >/dev/null
		lab_if_up pl-mag2 acc0 dp
	fi
	lab_link pl-lma1 net0 pl-cn1 eth0 dp host
	lab_link pl-mag1 mgmt0 pl-aaa mag1 host host
	lab_link pl-lma1 mgmt0 pl-aaa lma1 host host
	lab_addr pl-mn1 eth0 $LAB_MN1/64
	lab_addr pl-cn1 eth0 $LAB_CN1/64
	ip -n pl-cn1 -6 route add $LAB_HNP_RANGE via $LAB_LMA1_NET
	lab_addr pl-aaa mag1 2001:db8:f1::1/64
	lab_addr pl-mag1 mgmt0 2001:db8:f1::2/64
	lab_addr pl-aaa lma1 2001:db8:f2::1/64
	lab_addr pl-lma1 mgmt0 2001:db8:f2::2/64
}

# The ini of a gateway; a test may point LAB_CONFIG_DIR at its own copies.
lab_gw_config() { echo "${LAB_CONFIG_DIR:-$LAB_REPO/config/lab}/$1.ini"; }

# The files the lab's ini name relative to themselves (profile tables), for
# a test that puts its own copies of the ini in DIR.
lab_copy_tables() { cp "$LAB_REPO"/config/lab/*.tab "$1"/; }

# The lab's ini in DIR without PMIPv6 profiles, for tests that install
# bindings by hand (pmipctl cp binding set) and must not race signalling;
# LAB_CONFIG_DIR points there.
lab_configs_static_bindings() { # dir
	local f
	for f in "$LAB_REPO"/config/lab/*.ini; do
		grep -v '^profiles = ' "$f" >"$1/$(basename "$f")"
	done
	export LAB_CONFIG_DIR=$1
}

# Wait until file $1 contains pattern $2 (grep -E), process $3 alive, $4 s.
lab_wait_log() {
	local file=$1 pattern=$2 pid=$3 secs=${4:-20} i
	for ((i = 0; i < secs * 10; i++)); do
		grep -Eq "$pattern" "$file" 2>/dev/null && return 0
		if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
			lab_log "process $pid exited; last lines of $file:"
			tail -n 20 "$file" >&2
			return 1
		fi
		sleep 0.1
	done
	lab_log "timed out after ${secs}s waiting for /$pattern/ in $file"
	tail -n 20 "$file" >&2
	return 1
}

lab_start_dp() { # gw
	local gw=$1 log="$LAB_DIR/$1-dp.log"
	: >"$log"
	ip netns exec "pl-$gw" "$LAB_BUILD/dp/pmip-dp" --config "$(lab_gw_config "$gw")" >>"$log" 2>&1 &
	echo $! >"$LAB_DIR/$gw-dp.pid"
	lab_wait_log "$log" " running: " $! 30 || return 1
	lab_log "$gw: pmip-dp pid $(cat "$LAB_DIR/$gw-dp.pid") running"
}

lab_start_cp() { # gw
	local gw=$1 log="$LAB_DIR/$1-cp.log"
	# Append: a restarted cp keeps the earlier cp's lines for the post-mortem;
	# the readiness check counts "ready" lines instead of grepping once.
	local before
	before=$(grep -c "data plane ready" "$log" 2>/dev/null || true)
	before=${before:-0}
	ip netns exec "pl-$gw" "$LAB_BUILD/cp/pmip-cp" --config "$(lab_gw_config "$gw")" >>"$log" 2>&1 &
	local pid=$!
	echo $pid >"$LAB_DIR/$gw-cp.pid"
	local i
	for ((i = 0; i < 200; i++)); do
		local now
		now=$(grep -c "data plane ready" "$log" 2>/dev/null || true)
		[ "${now:-0}" -gt "$before" ] && {
			lab_log "$gw: pmip-cp pid $pid attached"
			return 0
		}
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	lab_log "$gw: pmip-cp did not attach; last lines of $log:"
	tail -n 20 "$log" >&2
	return 1
}

lab_pid() { cat "$LAB_DIR/$1.pid" 2>/dev/null; } # gw-dp | gw-cp

# Stop a lab process: SIGTERM, wait, SIGKILL. Returns the exit status.
lab_stop() { # gw-dp|gw-cp
	local pid
	pid=$(lab_pid "$1") || return 0
	[ -n "$pid" ] || return 0
	rm -f "$LAB_DIR/$1.pid"
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null
	local i
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return $?; }
		sleep 0.1
	done
	lab_log "$1 (pid $pid) ignored SIGTERM for 10 s: killing"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 1
}

lab_gateways_up() {
	local gw
	for gw in "${LAB_GATEWAYS[@]}"; do
		lab_start_dp "$gw" || return 1
		lab_start_cp "$gw" || return 1
	done
}

lab_up() {
	lab_down_quiet
	rm -f "$LAB_DIR"/*.log
	lab_topology_up
	lab_gateways_up
}

# Remove everything the lab made, whatever state it is in. Safe to repeat.
lab_down() {
	local gw ns
	for gw in "${LAB_GATEWAYS[@]}"; do
		lab_stop "$gw-cp"
		lab_stop "$gw-dp"
	done
	for ns in "${LAB_NS[@]}"; do
		if ip netns list | grep -qw "$ns"; then
			# Anything still inside (peers a test started): kill it.
			ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
			ip netns del "$ns"
		fi
	done
	rm -f /dev/shm/pmip-lab-*
	rm -rf /var/run/dpdk/pmip-lab-*
	rmdir /var/run/dpdk 2>/dev/null || true
	rm -f "$LAB_DIR"/*.pid
}

lab_down_quiet() { lab_down >/dev/null 2>&1 || true; }

# Run a command in a namespace.
lab_in() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# One telemetry command of a gateway's dp, as JSON.
lab_ctl() { "$LAB_BUILD/cp/pmipctl" -c "$(lab_gw_config "$1")" "${@:2}"; }

# One binding's dp counter: lab_binding_counter GW ID up_pkts
lab_binding_counter() {
	lab_ctl "$1" binding "$2" | python3 -c '
import json, sys
print(next(iter(json.load(sys.stdin).values()))[sys.argv[1]])' "$3"
}

# A counter from pmipctl JSON: lab_counter GW ports acc0 rx_pkts
lab_counter() {
	lab_ctl "$1" "$2" | python3 -c '
import json, sys
d = json.load(sys.stdin)
v = next(iter(d.values()))
for k in sys.argv[1:]:
    v = v[k]
print(v)' "${@:3}"
}

# Bindings for mn1 on both gateways (until PMIPv6 signalling does it):
# MAG: mn1's MAC on acc0 -> LMA; LMA: mn1's prefix -> MAG.
lab_bind_mn1() { # mn-mac
	lab_ctl mag1 cp binding set id=1 hnp=$LAB_MN1_HNP peer=$LAB_LMA1_CORE port=acc0 mac="$1" >/dev/null &&
		lab_ctl lma1 cp binding set id=1 hnp=$LAB_MN1_HNP peer=$LAB_MAG1_CORE >/dev/null
}

# Wait for a namespace to autoconfigure an address starting with $2.
lab_wait_hoa() { # ns prefix-start
	local i a
	for ((i = 0; i < 100; i++)); do
		a=$(ip -n "$1" -6 addr show scope global | awk -v p="$2" '$1 == "inet6" && index($2, p) == 1 {split($2, x, "/"); print x[1]; exit}')
		[ -n "$a" ] && { echo "$a"; return 0; }
		sleep 0.1
	done
	return 1
}

# A UDP echo server in a namespace (python3, foreground: run it with &).
# Run in the background (&): the echo server replaces the subshell, so $!
# is the server itself and killing it leaves nothing behind.
udp_echo_server() { # ns addr port
	exec ip netns exec "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
while True:
    data, peer = s.recvfrom(65535)
    s.sendto(data, peer)' "$2" "$3"
}

# UDP round trips from SRC in CLIENT_NS to an echo server this starts at
# DST:PORT in SERVER_NS (and stops): FLOWS sockets (each a new source port,
# a new flow for RSS or af_packet fanout), PER_FLOW datagrams each, datagram
# k of a flow carrying k * GROW filler bytes. Prints how many came back
# intact (each waited for 2 s).
udp_echo_roundtrips() { # client-ns src server-ns dst port flows per_flow grow
	local srv
	udp_echo_server "$3" "$4" "$5" >/dev/null 2>&1 &
	srv=$!
	sleep 0.5
	ip netns exec "$1" python3 -c '
import socket, sys
src, dst, port, flows, per_flow, grow = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
ok = 0
for f in range(flows):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.bind((src, 0))
    s.settimeout(2)
    for k in range(per_flow):
        msg = b"pmip-%d-%d-" % (f, k) + b"x" * (k * grow)
        s.sendto(msg, (dst, port))
        try:
            data, _ = s.recvfrom(65535)
            ok += data == msg
        except socket.timeout:
            pass
    s.close()
print(ok)' "$2" "$4" "${@:5}"
	kill "$srv" 2>/dev/null
	wait "$srv" 2>/dev/null
	return 0
}

# Wait until gateway $1 has exactly one established IKE SA ($2 s); print it.
lab_wait_ike() { # gw secs
	local i out
	for ((i = 0; i < ${2:-20} * 10; i++)); do
		out=$(lab_ctl "$1" cp ike list 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
s = [x for x in d.get("sas", []) if x["state"] == "established"]
if len(s) == 1 and s[0]["children"]:
    s, c = s[0], s[0]["children"][0]
    print("IKE SA %s_%s with %s (%s), CHILD_SA %s in %s out %s, sa ids in %d out %d" % (
        s["spi_i"], s["spi_r"], s["remote"], s["role"], c["mode"], c["spi_in"], c["spi_out"],
        c["sa_in"], c["sa_out"]))' 2>/dev/null) && [ -n "$out" ] && { echo "$out"; return 0; }
		sleep 0.1
	done
	return 1
}
