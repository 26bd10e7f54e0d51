-- pktgen-dpdk script: MAG uplink load (mobile nodes -> correspondent node)
-- into the MAG's access port. Traffic definitions: docs/LOADGEN.md.
-- Written for pktgen-dpdk 22.x/23.x (IPv6 range support needs >= 21.05).
--
--   pktgen -l 0-2 -n 4 -a <tester PCI> -- -P -m "[1:2].0" \
--          -f scripts/pktgen/mag-uplink.lua
--   (pcap mode: add  -s 0:/tmp/mag-uplink-imix.pcap  before -f)
--
-- Packets: Ethernet to the MAG access port, IPv6 UDP from MN i's address
-- 2001:db8:(0x1000 + (i >> 16)):(i & 0xffff)::100 (one host in each MN's
-- /64 home prefix, carved from 2001:db8:1000::/36) to the CN 2001:db8:e::100,
-- UDP 10000 + (i % 50000) -> 9, source MAC 02:00 + i (low 32 bits).
--
-- Two modes:
--  "range"  pktgen builds the packets itself from counters (below). Covers
--           many MNs without a pcap; the tuples are approximate (see notes).
--  "pcap"   pktgen sends a file written by scripts/gen-traffic.py, loaded
--           with -s PORT:FILE on the pktgen command line: exact per-MN
--           tuples, IMIX, and the tunnelled kinds (lma-from-mag, ...).
--
-- What pktgen's range mode can and cannot vary (pktgen 22.x/23.x):
--  * Each range field is an independent counter: start, min, max, inc.
--    Every generated packet adds inc to the field and wraps to min past
--    max. IPv6 addresses add a 128-bit inc, so inc 0:0:0:1:: steps the
--    fourth group and carries into the third: MN i's prefix is exactly
--    2001:db8:1000:: + i * 2^64, so counting MNs is one 128-bit increment.
--  * Fields that can be varied: src/dst MAC (48-bit counter), src/dst IPv6,
--    UDP/TCP ports, packet size (linear steps), VLAN id, hop limit, traffic
--    class. Source MAC variation per MN therefore IS possible: the MAC
--    counter runs from 02:00:<first MN> to 02:00:<last MN> in steps of 1,
--    and wraps after MN_COUNT packets like the prefix counter.
--  * It cannot derive one field from another: MAC, prefix and port are
--    separate counters that only stay in step. That matters: the MAG finds
--    an uplink packet's binding by (access port, source MAC, source /64),
--    so MAC i must come with prefix i. pktgen (23.x) steps the MAC counter
--    once before the first packet and clamps a fresh IPv6 counter to min,
--    so the script starts the MAC one below MN_FIRST's: on a freshly
--    started pktgen, packet k then carries MAC and prefix of MN
--    MN_FIRST + k % MN_COUNT. pktgen keeps the IPv6 counter across runs
--    while re-running this script resets the MAC, so restart pktgen before
--    re-running it; check the MAG's no_binding drop counter (pmipctl drops)
--    and the range page. If the pairing cannot be trusted, set
--    VARY_SRC_MAC = false: every MN then sends from the tester port's MAC,
--    the MAG still sees MN_COUNT distinct MNs (its key includes the /64),
--    and the MAG's test bindings use that one MAC (docs/LOADGEN.md).
--    The UDP source port counter (at most 50000 values) is not aligned and
--    drifts once it wraps: it spreads flows, nothing looks it up. pcap
--    mode gives every packet the exact tuple.
--  * No weighted size mixes (IMIX): sizes only step linearly. Use pcap mode.
--  * No IPv6-in-IPv6 encapsulation. Use pcap mode.
--  * pktgen builds range packets into its mbuf pool ahead of sending, so
--    at most one distinct packet per range mbuf exists: keep MN_COUNT at
--    or below the pool size (printed below as maxMbufsPerPort when pktgen
--    reports it), or the last MNs never appear.
--  * Sizes here are frames without FCS; pktgen counts the 4-byte FCS, so
--    the script adds 4. pktgen enforces its own minimum for IPv6 frames
--    and may raise 64-byte frames to it; pcap mode sends exactly 64.

------------------------------------------------------------------------
-- Edit these.
------------------------------------------------------------------------
local PORT        = "0"                  -- pktgen port cabled to the MAG access port
local DST_MAC     = "00:00:00:00:00:00"  -- the MAG access port's MAC (range mode; MUST be set)
local MODE        = "range"              -- "range" or "pcap"
local MN_FIRST    = 0                    -- index of the first MN
local MN_COUNT    = 4096                 -- number of MNs (source prefixes)
local FRAME_SIZE  = 64                   -- bytes without FCS: 64, 512, 1400 (range mode)
local RATE_PCT    = 100                  -- percent of line rate
local DURATION_S  = 60                   -- seconds to send; 0 = set up only, then "start 0" by hand
local VARY_SRC_MAC = true                -- range mode: MAC 02:00:<i> per MN; false: the port's own MAC
local CN_ADDR     = "2001:db8:e::100"    -- correspondent node
------------------------------------------------------------------------

-- The shared part lies next to this file (pktgen loads scripts by path).
local C = dofile((debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") or "") .. "pmip-common.lua")
local S = C.script("mag-uplink.lua", PORT, "mag-uplink", "the MAG access port's MAC")
local mn_addr, mn_port, mn_mac = C.mn_addr, C.mn_port, C.mn_mac

local mn_last = S.begin(MN_FIRST, MN_COUNT, RATE_PCT)
if MODE == "pcap" then
	S.pcap_mode()
elseif MODE == "range" then
	S.range_begin(DST_MAC, FRAME_SIZE, MN_COUNT)

	-- The single packet too, so the main page shows the same traffic.
	pktgen.set_type(PORT, "ipv6")
	pktgen.set_proto(PORT, "udp")
	pktgen.set_mac(PORT, "dst", DST_MAC)
	pktgen.set_ipaddr(PORT, "src", mn_addr(MN_FIRST) .. "/64")
	pktgen.set_ipaddr(PORT, "dst", CN_ADDR)
	pktgen.set(PORT, "sport", mn_port(MN_FIRST))
	pktgen.set(PORT, "dport", C.CN_PORT)
	pktgen.set(PORT, "size", FRAME_SIZE + 4)

	S.range_type_ipv6("src.ip")
	pktgen.range.ip_proto(PORT, "udp")
	-- Destination: the MAG access port and the CN, fixed.
	S.range4(pktgen.range.dst_mac, DST_MAC, DST_MAC, DST_MAC, "00:00:00:00:00:00")
	S.range4(pktgen.range.dst_ip, CN_ADDR, CN_ADDR, CN_ADDR, "::")
	-- Source: one address per MN /64, stepping the 4th group (carry into
	-- the 3rd): 2001:db8:1000:0::100, 2001:db8:1000:1::100, ...
	S.range4(pktgen.range.src_ip, mn_addr(MN_FIRST), mn_addr(MN_FIRST), mn_addr(mn_last), "0:0:0:1::")
	if VARY_SRC_MAC then
		-- start one below the first MN's MAC: pktgen steps before the first
		-- packet (see the notes at the top)
		S.range4(pktgen.range.src_mac, C.mac_str(C.MN_MAC_BASE + MN_FIRST - 1), mn_mac(MN_FIRST),
			mn_mac(mn_last), "00:00:00:00:00:01")
	else
		pktgen.range.src_mac(PORT, "inc", "00:00:00:00:00:00")
	end
	-- UDP 10000 + (i % 50000) -> 9
	local sport_first, sport_last = C.port_range(MN_FIRST, MN_COUNT)
	S.range4(pktgen.range.src_port, mn_port(MN_FIRST), sport_first, sport_last, 1)
	S.range4(pktgen.range.dst_port, C.CN_PORT, C.CN_PORT, C.CN_PORT, 0)
	S.range4(pktgen.range.pkt_size, FRAME_SIZE + 4, FRAME_SIZE + 4, FRAME_SIZE + 4, 0)
	pktgen.set_range(PORT, "on")
	print(string.format("mag-uplink.lua: range mode on port %s: MNs %d..%d (%s .. %s), %d-byte frames, to %s",
		PORT, MN_FIRST, mn_last, mn_addr(MN_FIRST), mn_addr(mn_last), FRAME_SIZE, DST_MAC))
else
	S.fail("MODE must be \"range\" or \"pcap\"")
end

S.run(DURATION_S)
