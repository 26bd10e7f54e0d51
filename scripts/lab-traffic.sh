#!/usr/bin/env bash
# Replay a pcap into an interface of a network namespace with DPDK's packaged
# testpmd (package dpdk-dev): the lab's stand-in for pktgen-dpdk. The pcaps
# come from scripts/gen-traffic.py; docs/LOADGEN.md describes the traffic.
#
#   scripts/lab-traffic.sh NAMESPACE IFACE PCAP            each packet once
#   scripts/lab-traffic.sh NAMESPACE IFACE PCAP SECONDS    loop the pcap for SECONDS
#
# testpmd runs with two ports: a pcap vdev reading PCAP (port 0) and an
# af_packet vdev on IFACE (port 1), in io forwarding, so every packet read
# from the file leaves on IFACE. Whatever arrives on IFACE goes to the pcap
# port, which has no Tx file and drops it.
#
# Rate: testpmd cannot pace an af_packet port (no rate option; the per-queue
# "set port ... rate" command needs NIC support), so it sends as fast as the
# kernel takes frames. The load is bounded instead: without SECONDS every
# packet of the file is sent exactly once and the script stops when they are
# all out; with SECONDS the file is preloaded into memory (pcap vdev
# infinite_rx) and looped for that long. For a paced replay, use tcpreplay
# (not installed by setup.sh) with the pcap's timestamps or --pps.
#
# Runs as root. Cleans up on every exit (also Ctrl-C): stops testpmd (SIGINT,
# then SIGKILL), removes the EAL runtime directory /var/run/dpdk/pmip-trafficgen
# and its own temporary files. One replay at a time (the EAL file prefix is
# fixed); a second one refuses to start.
#
# Environment: TG_LCORES (EAL core list, default 0,1), TG_BURST (packets per
# burst, default 32), TG_MAX_LOOP_PKTS (largest pcap to loop, default
# 1000000: looping keeps every packet in an mbuf, ~4.5 KB each without
# hugepages), TG_VERBOSE=1 (print testpmd's output).
set -u

PREFIX=pmip-trafficgen
RUNDIR=/var/run/dpdk/$PREFIX
LCORES=${TG_LCORES:-0,1}
BURST=${TG_BURST:-32}
MAX_LOOP=${TG_MAX_LOOP_PKTS:-1000000}

tg_log() { printf '[lab-traffic] %s\n' "$*" >&2; }
tg_die() { printf '[lab-traffic] error: %s\n' "$*" >&2; exit 1; }

usage() {
	sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

[ $# -ge 3 ] && [ $# -le 4 ] || usage
NS=$1 IFACE=$2 PCAP=$3 SECS=${4:-}
if [ -n "$SECS" ]; then
	[[ $SECS =~ ^[0-9]+$ ]] && [ "$SECS" -gt 0 ] || tg_die "SECONDS must be a positive integer, not '$SECS'"
fi
[ "$(id -u)" = 0 ] || tg_die "needs root (network namespaces, DPDK)"
command -v dpdk-testpmd >/dev/null || tg_die "dpdk-testpmd not found (Debian package dpdk-dev)"
[ -r "$PCAP" ] || tg_die "cannot read $PCAP"
PCAP=$(realpath "$PCAP")
case $PCAP in *,*) tg_die "the pcap path must not contain a comma (it goes into a vdev argument)" ;; esac
ip netns exec "$NS" true 2>/dev/null || tg_die "no network namespace '$NS'"
ip -n "$NS" link show dev "$IFACE" >/dev/null 2>&1 || tg_die "no interface '$IFACE' in namespace '$NS'"

# One replay at a time: hold a lock on this script for our lifetime.
exec 9<"$0"
flock -n 9 || tg_die "another lab-traffic.sh is running"

# The runtime directory must not belong to a live DPDK process (e.g. a
# testpmd someone started by hand with the same prefix); a leftover one
# from a killed run is removed.
if [ -e "$RUNDIR" ]; then
	users=$(find /proc/[0-9]*/fd -lname "*/dpdk/$PREFIX/*" 2>/dev/null | cut -d/ -f3 | sort -u | tr '\n' ' ')
	[ -z "$users" ] || tg_die "$RUNDIR is in use by pid(s) $users"
	rm -rf "$RUNDIR"
fi

# Packet count, largest frame and link type of the pcap (classic pcap, as
# gen-traffic.py writes; other formats through capinfos if installed).
read -r COUNT MAXLEN LINKTYPE < <(python3 - "$PCAP" <<'EOF'
import struct, sys
with open(sys.argv[1], "rb") as f:
    h = f.read(24)
    if len(h) < 24:
        sys.exit(1)
    m = struct.unpack("<I", h[:4])[0]
    if m in (0xa1b2c3d4, 0xa1b23c4d):
        e = "<"
    elif m in (0xd4c3b2a1, 0x4d3cb2a1):
        e = ">"
    else:
        sys.exit(1)
    linktype = struct.unpack(e + "I", h[20:24])[0] & 0x0fffffff
    n = biggest = 0
    while True:
        r = f.read(16)
        if len(r) < 16:
            break
        incl = struct.unpack(e + "I", r[8:12])[0]
        biggest = max(biggest, incl)
        f.seek(incl, 1)
        n += 1
print(n, biggest, linktype)
EOF
)
if [ -z "${COUNT:-}" ]; then
	command -v capinfos >/dev/null || tg_die "$PCAP is not a classic pcap file (and capinfos is not installed)"
	COUNT=$(capinfos -M -c -T "$PCAP" 2>/dev/null | awk -F'\t' 'NR==2{print $2}')
	MAXLEN=0 LINKTYPE=1
	[[ ${COUNT:-} =~ ^[0-9]+$ ]] || tg_die "$PCAP is not a pcap file"
fi
[ "$COUNT" -gt 0 ] || tg_die "$PCAP holds no packets"
[ "$LINKTYPE" = 1 ] || tg_die "$PCAP has link type $LINKTYPE; Ethernet (1) is needed"
MTU=$(ip -n "$NS" -o link show dev "$IFACE" | sed -n 's/.* mtu \([0-9]*\).*/\1/p')
if [ -n "$MTU" ] && [ "$MAXLEN" -gt $((MTU + 14)) ]; then
	tg_die "$PCAP has frames of $MAXLEN bytes but $IFACE has MTU $MTU; raise the MTU on both ends of the link to at least $((MAXLEN - 14))"
fi
ip -n "$NS" -o link show dev "$IFACE" | grep -q 'state DOWN' && tg_log "warning: $IFACE is down in $NS"

# Memory: without hugepages every mbuf takes about a 4 KB page. Looping
# preloads the whole file into mbufs.
if [ -n "$SECS" ]; then
	[ "$COUNT" -le "$MAX_LOOP" ] || tg_die "$PCAP has $COUNT packets; looping more than TG_MAX_LOOP_PKTS=$MAX_LOOP would need $((COUNT * 9 / 2 / 1024)) MB; write a smaller file for looped runs"
	MBUFS=$((COUNT + 8192))
	RXARG=",infinite_rx=1"
else
	MBUFS=8192
	RXARG=""
fi
MEM=$((128 + MBUFS * 9 / 2 / 1024))

TMP=$(mktemp -d /tmp/lab-traffic.XXXXXX)
LOG=$TMP/testpmd.log
: >"$LOG"
PID="" TAILPID=""

# Stop testpmd: SIGINT (it prints its totals and closes the ports), after
# 10 s SIGKILL.
stop_testpmd() {
	local i
	[ -n "$PID" ] || return 0
	if kill -0 "$PID" 2>/dev/null; then
		kill -INT "$PID" 2>/dev/null
		for ((i = 0; i < 100; i++)); do
			kill -0 "$PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$PID" 2>/dev/null && { tg_log "testpmd did not stop; killing it"; kill -KILL "$PID" 2>/dev/null; }
	fi
	wait "$PID" 2>/dev/null
	PID=""
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_testpmd
	if [ -n "$TAILPID" ]; then
		kill "$TAILPID" 2>/dev/null
		wait "$TAILPID" 2>/dev/null
	fi
	if [ "$rc" = 1 ] && [ -s "$LOG" ] && [ "${TG_VERBOSE:-0}" != 1 ]; then
		tg_log "last testpmd output:"
		grep -v -E '^\s*$' "$LOG" | tr -d '\033' | tail -15 >&2
	fi
	rm -rf "$RUNDIR" "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Last value of FIELD (e.g. TX-packets) in the periodic statistics of port P.
nic_stat() { # port field
	tr -d '\033' <"$LOG" | awk -v p="NIC statistics for port $1 " -v f="$2:" '
		index($0, p) { inblk = 1; next }
		/####################+$/ { inblk = 0 }
		inblk { for (i = 1; i < NF; i++) if ($i == f) v = $(i + 1) }
		END { print v + 0 }'
}

# Totals testpmd prints when it stops ("Forward statistics for port P").
fwd_stat() { # port field
	tr -d '\033' <"$LOG" | awk -v p="Forward statistics for port $1 " -v f="$2:" '
		index($0, p) { inblk = 1; next }
		/^ *-+$/ { inblk = 0 }
		inblk { for (i = 1; i < NF; i++) if ($i == f) v = $(i + 1) }
		END { print v + 0 }'
}

# Highest per-second Tx rate of port P in the periodic statistics.
peak_pps() { # port
	tr -d '\033' <"$LOG" | awk -v p="NIC statistics for port $1 " '
		index($0, p) { inblk = 1; next }
		/####################+$/ { inblk = 0 }
		inblk && $1 == "Tx-pps:" && $2 > v { v = $2 }
		END { print v + 0 }'
}

if [ -n "$SECS" ]; then
	tg_log "looping $PCAP ($COUNT packets) out of $NS/$IFACE for $SECS s, unpaced"
else
	tg_log "sending the $COUNT packets of $PCAP once out of $NS/$IFACE, unpaced"
fi

ip netns exec "$NS" dpdk-testpmd -l "$LCORES" --no-huge -m "$MEM" --no-pci \
	--file-prefix "$PREFIX" --log-level=lib.eal:warning \
	--vdev "net_pcap0,rx_pcap=$PCAP$RXARG" \
	--vdev "net_af_packet0,iface=$IFACE" \
	-- --forward-mode=io --port-topology=paired --nb-cores=1 \
	--no-flush-rx --burst="$BURST" --total-num-mbufs="$MBUFS" \
	--stats-period 1 </dev/null >"$LOG" 2>&1 &
PID=$!
if [ "${TG_VERBOSE:-0}" = 1 ]; then
	tail -n +1 -f --pid="$PID" "$LOG" &
	TAILPID=$!
fi

# Wait for EAL and port start-up; the clock starts with forwarding.
for ((i = 0; i < 300; i++)); do
	grep -q 'start packet forwarding' "$LOG" 2>/dev/null && break
	kill -0 "$PID" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$PID" 2>/dev/null || { wait "$PID"; tg_die "testpmd failed to start (status $?)"; }
grep -q 'start packet forwarding' "$LOG" || tg_die "testpmd did not start forwarding within 30 s"
start=$(date +%s.%N)
elapsed() { awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", n - s }'; }
if [ -n "$SECS" ]; then
	end=$(($(date +%s%N) + SECS * 1000000000))
	while kill -0 "$PID" 2>/dev/null && [ "$(date +%s%N)" -lt "$end" ]; do sleep 0.1; done
else
	# Done when the whole file has been read and port 1's Tx count stands
	# still; give up if nothing moves for 10 s.
	last_rx=-1 last_tx=-1 idle=0
	while kill -0 "$PID" 2>/dev/null; do
		sleep 1
		rx=$(nic_stat 0 RX-packets) tx=$(nic_stat 1 TX-packets)
		if [ "$rx" -ge "$COUNT" ] && [ "$tx" = "$last_tx" ]; then break; fi
		if [ "$rx" = "$last_rx" ] && [ "$tx" = "$last_tx" ]; then
			idle=$((idle + 1))
			[ "$idle" -lt 10 ] || { tg_log "no progress for 10 s (read $rx of $COUNT)"; break; }
		else
			idle=0
		fi
		last_rx=$rx last_tx=$tx
	done
fi
kill -0 "$PID" 2>/dev/null || { wait "$PID"; tg_die "testpmd exited early (status $?)"; }
secs=$(elapsed)
stop_testpmd
sent=$(fwd_stat 1 TX-packets) dropped=$(fwd_stat 1 TX-dropped) peak=$(peak_pps 1)
tg_log "sent $sent packets out of $IFACE in about $secs s; peak rate $peak pps (1 s samples)"
[ "$dropped" = 0 ] || tg_log "testpmd dropped $dropped packets (af_packet Tx ring full)"
if [ -z "$SECS" ] && [ "$sent" -ne "$COUNT" ]; then
	tg_log "warning: sent $sent of $COUNT packets"
	exit 1
fi
exit 0
