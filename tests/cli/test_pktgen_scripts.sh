#!/usr/bin/env bash
# The pktgen-dpdk scripts (scripts/pktgen/*.lua) against a stand-in of
# pktgen's Lua API (pktgen_standin.lua; pktgen is not packaged in Debian):
# what each mode asks pktgen to send, per docs/LOADGEN.md's definitions,
# and the errors for settings that cannot work. The scripts run as pktgen
# loads them, by path, so they must find pmip-common.lua next to them.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
STANDIN=$HERE/pktgen_standin.lua
LUA=$(command -v lua5.4 || command -v lua) || { echo "FAIL: no lua5.4 (scripts/setup.sh installs it)"; exit 1; }
fails=0
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

run() { # script settings... -> the call log
	"$LUA" "$STANDIN" "$REPO/scripts/pktgen/$1" "${@:2}"
}
has() { # log line what
	grep -qxF "$2" <<<"$1" || bad "$3: no line: $2"
}
hasnt() { # log pattern what
	! grep -q "$2" <<<"$1" || bad "$3: unexpected: $(grep -m1 "$2" <<<"$1")"
}

for f in mag-uplink.lua lma-downlink.lua pmip-common.lua; do
	luac5.4 -p "$REPO/scripts/pktgen/$f" 2>/dev/null || "$LUA" -e "assert(loadfile('$REPO/scripts/pktgen/$f'))" ||
		bad "$f does not compile"
done

MAC='DST_MAC="02:aa:00:00:00:01"'

# MAG uplink, range mode: MNs 0..4095 from their own prefixes, MACs and ports.
log=$(run mag-uplink.lua "$MAC" DURATION_S=2)
hasnt "$log" '^error' "mag-uplink range"
has "$log" 'range.type("0", "ipv6")' "mag-uplink range"
has "$log" 'range.src_ip("0", "min", "2001:db8:1000:0::100")' "mag-uplink source prefixes"
has "$log" 'range.src_ip("0", "max", "2001:db8:1000:fff::100")' "mag-uplink source prefixes"
has "$log" 'range.src_ip("0", "inc", "0:0:0:1::")' "mag-uplink one /64 per MN"
has "$log" 'range.src_mac("0", "min", "02:00:00:00:00:00")' "mag-uplink MN MACs"
has "$log" 'range.src_mac("0", "max", "02:00:00:00:0f:ff")' "mag-uplink MN MACs"
has "$log" 'range.src_port("0", "max", 14095)' "mag-uplink MN ports"
has "$log" 'range.dst_ip("0", "start", "2001:db8:e::100")' "mag-uplink to the CN"
has "$log" 'range.dst_mac("0", "start", "02:aa:00:00:00:01")' "mag-uplink to the MAG"
has "$log" 'range.pkt_size("0", "start", 68)' "mag-uplink 64-byte frames + FCS"
has "$log" 'set_range("0", "on")' "mag-uplink range"
has "$log" 'start("0")' "mag-uplink sends"
[ "$(grep -c '^delay(1000)$' <<<"$log")" = 2 ] || bad "mag-uplink: not 2 s of sending"
has "$log" 'done: port 0 sent 1000 packets, received 0, tx errors 0' "mag-uplink statistics"

log=$(run mag-uplink.lua "$MAC" VARY_SRC_MAC=false DURATION_S=0)
has "$log" 'range.src_mac("0", "inc", "00:00:00:00:00:00")' "mag-uplink one MAC"
hasnt "$log" 'range.src_mac("0", "max"' "mag-uplink one MAC"
hasnt "$log" '^start' "DURATION_S=0 leaves it set up"

# LMA downlink, range mode, MNs crossing the 65536 carry and a port wrap.
log=$(run lma-downlink.lua "$MAC" MN_FIRST=65530 MN_COUNT=60000 DURATION_S=0)
hasnt "$log" '^error' "lma-downlink range"
has "$log" 'range.dst_ip("0", "min", "2001:db8:1000:fffa::100")' "lma-downlink first MN"
has "$log" 'range.dst_ip("0", "max", "2001:db8:1001:ea59::100")' "lma-downlink last MN (65530 + 59999)"
has "$log" 'range.dst_port("0", "min", 10000)' "lma-downlink ports over the wrap: all of them"
has "$log" 'range.dst_port("0", "max", 59999)' "lma-downlink ports over the wrap: all of them"
has "$log" 'range.src_ip("0", "start", "2001:db8:e::100")' "lma-downlink from the CN"
has "$log" 'range.src_port("0", "start", 9)' "lma-downlink from port 9"

# pcap mode: the file is pktgen's; no range.
for s in mag-uplink lma-downlink; do
	log=$(run $s.lua 'MODE="pcap"' DURATION_S=0)
	has "$log" 'pcap("0", "on")' "$s pcap"
	has "$log" 'set_range("0", "off")' "$s pcap"
	hasnt "$log" '^range\.' "$s pcap"
	hasnt "$log" '^error' "$s pcap"
done

# Settings that cannot work stop the script with a message.
for s in mag-uplink lma-downlink; do
	grep -q '^error: .*set DST_MAC' <<<"$(run $s.lua)" || bad "$s: DST_MAC unset is not refused"
	grep -q '^error: .*MN_FIRST/MN_COUNT' <<<"$(run $s.lua MN_COUNT=0)" || bad "$s: MN_COUNT 0 is not refused"
	grep -q '^error: .*MN_FIRST/MN_COUNT' <<<"$(run $s.lua MN_FIRST=268435455 MN_COUNT=2)" ||
		bad "$s: MNs past 2^28 are not refused"
	grep -q '^error: .*MODE must be' <<<"$(run $s.lua 'MODE="x"')" || bad "$s: MODE x is not refused"
	grep -q '^error: .*one size' <<<"$(run $s.lua "$MAC" 'FRAME_SIZE="imix"')" || bad "$s: range imix is not refused"
done

# Loaded from its own directory by a relative name, as after cd scripts/pktgen.
log=$(cd "$REPO/scripts/pktgen" && "$LUA" "$STANDIN" mag-uplink.lua "$MAC" DURATION_S=0)
hasnt "$log" '^error' "run from scripts/pktgen"
has "$log" 'set_range("0", "on")' "run from scripts/pktgen"

[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "pktgen scripts: ok"
