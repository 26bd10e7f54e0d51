-- pktgen-dpdk script: LMA downlink load (correspondent node -> mobile
-- nodes) into the LMA's network-side port. Traffic definitions:
-- docs/LOADGEN.md. Written for pktgen-dpdk 22.x/23.x (IPv6 range support
-- needs >= 21.05).
--
--   pktgen -l 0-2 -n 4 -a <tester PCI> -- -P -m "[1:2].0" \
--          -f scripts/pktgen/lma-downlink.lua
--   (pcap mode: add  -s 0:/tmp/lma-downlink-imix.pcap  before -f)
--
-- Packets: Ethernet to the LMA network port, IPv6 UDP from the CN
-- 2001:db8:e::100 to MN i's home address
-- 2001:db8:(0x1000 + (i >> 16)):(i & 0xffff)::100 (one host in each MN's
-- /64 home prefix, carved from 2001:db8:1000::/36), UDP 9 ->
-- 10000 + (i % 50000); source MAC: the tester port's own.
--
-- Two modes:
--  "range"  pktgen builds the packets itself from counters (below). Covers
--           many MNs without a pcap; the tuples are approximate (see notes).
--  "pcap"   pktgen sends a file written by scripts/gen-traffic.py, loaded
--           with -s PORT:FILE on the pktgen command line: exact per-MN
--           tuples, IMIX, and the tunnelled kinds (mag-from-lma, ...).
--
-- What pktgen's range mode can and cannot vary (pktgen 22.x/23.x):
--  * Each range field is an independent counter: start, min, max, inc.
--    Every generated packet adds inc to the field and wraps to min past
--    max. IPv6 addresses add a 128-bit inc, so inc 0:0:0:1:: steps the
--    fourth group and carries into the third: MN i's prefix is exactly
--    2001:db8:1000:: + i * 2^64, so counting MNs is one 128-bit increment.
--  * Fields that can be varied: src/dst MAC (48-bit counter), src/dst IPv6,
--    UDP/TCP ports, packet size (linear steps), VLAN id, hop limit, traffic
--    class. Here only the destination address and port vary.
--  * It cannot derive one field from another: the address and port
--    counters start and wrap on their own (pktgen steps some counters
--    before the first packet and clamps others to min), so which port goes
--    with which home address may be shifted by a constant, and the port
--    counter (at most 50000 values) drifts from the address counter once
--    it wraps unless MN_COUNT <= 50000. The LMA still sees MN_COUNT
--    distinct home addresses. Use pcap mode when exact tuples matter.
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
local PORT        = "0"                  -- pktgen port cabled to the LMA network port
local DST_MAC     = "00:00:00:00:00:00"  -- the LMA network port's MAC (range mode; MUST be set)
local MODE        = "range"              -- "range" or "pcap"
local MN_FIRST    = 0                    -- index of the first MN
local MN_COUNT    = 4096                 -- number of MNs (destination home addresses)
local FRAME_SIZE  = 64                   -- bytes without FCS: 64, 512, 1400 (range mode)
local RATE_PCT    = 100                  -- percent of line rate
local DURATION_S  = 60                   -- seconds to send; 0 = set up only, then "start 0" by hand
local CN_ADDR     = "2001:db8:e::100"    -- correspondent node
------------------------------------------------------------------------

-- The shared part lies next to this file (pktgen loads scripts by path).
local C = dofile((debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") or "") .. "pmip-common.lua")
local S = C.script("lma-downlink.lua", PORT, "lma-downlink", "the LMA network port's MAC")
local mn_addr, mn_port = C.mn_addr, C.mn_port

local mn_last = S.begin(MN_FIRST, MN_COUNT, RATE_PCT)
if MODE == "pcap" then
	S.pcap_mode()
elseif MODE == "range" then
	S.range_begin(DST_MAC, FRAME_SIZE, MN_COUNT)

	-- The single packet too, so the main page shows the same traffic.
	pktgen.set_type(PORT, "ipv6")
	pktgen.set_proto(PORT, "udp")
	pktgen.set_mac(PORT, "dst", DST_MAC)
	pktgen.set_ipaddr(PORT, "src", CN_ADDR .. "/64")
	pktgen.set_ipaddr(PORT, "dst", mn_addr(MN_FIRST))
	pktgen.set(PORT, "sport", C.CN_PORT)
	pktgen.set(PORT, "dport", mn_port(MN_FIRST))
	pktgen.set(PORT, "size", FRAME_SIZE + 4)

	S.range_type_ipv6("dst.ip")
	pktgen.range.ip_proto(PORT, "udp")
	-- Destination: the LMA network port (fixed) and one home address per
	-- MN /64, stepping the 4th group (carry into the 3rd):
	-- 2001:db8:1000:0::100, 2001:db8:1000:1::100, ...
	S.range4(pktgen.range.dst_mac, DST_MAC, DST_MAC, DST_MAC, "00:00:00:00:00:00")
	S.range4(pktgen.range.dst_ip, mn_addr(MN_FIRST), mn_addr(MN_FIRST), mn_addr(mn_last), "0:0:0:1::")
	-- Source: the CN, fixed; the source MAC stays the tester port's own
	-- (pktgen's range default, increment 0).
	S.range4(pktgen.range.src_ip, CN_ADDR, CN_ADDR, CN_ADDR, "::")
	-- UDP 9 -> 10000 + (i % 50000)
	local dport_first, dport_last = C.port_range(MN_FIRST, MN_COUNT)
	S.range4(pktgen.range.src_port, C.CN_PORT, C.CN_PORT, C.CN_PORT, 0)
	S.range4(pktgen.range.dst_port, mn_port(MN_FIRST), dport_first, dport_last, 1)
	S.range4(pktgen.range.pkt_size, FRAME_SIZE + 4, FRAME_SIZE + 4, FRAME_SIZE + 4, 0)
	pktgen.set_range(PORT, "on")
	print(string.format("lma-downlink.lua: range mode on port %s: to MNs %d..%d (%s .. %s), %d-byte frames, to %s",
		PORT, MN_FIRST, mn_last, mn_addr(MN_FIRST), mn_addr(mn_last), FRAME_SIZE, DST_MAC))
else
	S.fail("MODE must be \"range\" or \"pcap\"")
end

S.run(DURATION_S)
