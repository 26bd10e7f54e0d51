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
local MN_PORT_BASE, MN_PORT_SPAN, CN_PORT = 10000, 50000, 9
------------------------------------------------------------------------

local function fail(msg)
	error("lma-downlink.lua: " .. msg, 0)
end

-- MN i's home address: 2001:db8:(0x1000 + (i >> 16)):(i & 0xffff)::100
local function mn_addr(i)
	return string.format("2001:db8:%x:%x::100", 0x1000 + math.floor(i / 65536), i % 65536)
end

local function mn_port(i)
	return MN_PORT_BASE + i % MN_PORT_SPAN
end

-- Set start/min/max/inc of one range field.
local function range4(fn, start, min, max, inc)
	fn(PORT, "start", start)
	fn(PORT, "min", min)
	fn(PORT, "max", max)
	fn(PORT, "inc", inc)
end

-- The range packet must be IPv6 before IPv6 range addresses are set:
-- pktgen stores them as IPv4 otherwise. The CLI command is
-- "range <port> type ipv6"; use a Lua binding for it when this pktgen
-- has one.
local function range_type_ipv6()
	local r = pktgen.range
	for _, name in ipairs({ "type", "pkt_type" }) do
		if type(r[name]) == "function" then
			r[name](PORT, "ipv6")
			return true
		end
	end
	print("lma-downlink.lua: NOTE: this pktgen has no Lua call for the range packet type;")
	print("  unless you typed 'range " .. PORT .. " type ipv6' before loading this script,")
	print("  type it now and run 'load scripts/pktgen/lma-downlink.lua' again.")
	print("  Check the result on 'page range' (dst.ip must show IPv6 addresses).")
	return false
end

local function show_stats(label)
	local all = pktgen.portStats(PORT, "port")
	local s = all and all[tonumber(PORT)]
	if s then
		print(string.format("%s: port %s sent %d packets, received %d, tx errors %d",
			label, PORT, s.opackets or 0, s.ipackets or 0, s.oerrors or 0))
	end
end

if MN_COUNT < 1 or MN_FIRST < 0 or MN_FIRST + MN_COUNT > 268435456 then
	fail("MN_FIRST/MN_COUNT must stay within the 2^28 /64s of 2001:db8:1000::/36")
end

local mn_last = MN_FIRST + MN_COUNT - 1
pktgen.stop(PORT)
pktgen.set(PORT, "count", 0)                 -- 0 = send until stopped
pktgen.set(PORT, "rate", RATE_PCT)

if MODE == "pcap" then
	-- The file comes from: scripts/gen-traffic.py --kind lma-downlink ...
	-- and is loaded with -s PORT:FILE when pktgen starts.
	pktgen.set_range(PORT, "off")
	pktgen.pcap(PORT, "on")
	print("lma-downlink.lua: pcap mode on port " .. PORT .. " (file given with -s " .. PORT .. ":FILE)")
elseif MODE == "range" then
	if DST_MAC == "00:00:00:00:00:00" then
		fail("set DST_MAC to the LMA network port's MAC at the top of the script")
	end
	if type(FRAME_SIZE) ~= "number" then
		fail("range mode sends one size; use MODE = \"pcap\" with a gen-traffic.py imix file")
	end
	local info = pktgen.info or {}
	if info.maxMbufsPerPort and MN_COUNT > info.maxMbufsPerPort then
		print(string.format("lma-downlink.lua: WARNING: %d MNs but about %d range mbufs: not every MN will be sent",
			MN_COUNT, info.maxMbufsPerPort))
	end
	pktgen.pcap(PORT, "off")

	-- The single packet too, so the main page shows the same traffic.
	pktgen.set_type(PORT, "ipv6")
	pktgen.set_proto(PORT, "udp")
	pktgen.set_mac(PORT, "dst", DST_MAC)
	pktgen.set_ipaddr(PORT, "src", CN_ADDR .. "/64")
	pktgen.set_ipaddr(PORT, "dst", mn_addr(MN_FIRST))
	pktgen.set(PORT, "sport", CN_PORT)
	pktgen.set(PORT, "dport", mn_port(MN_FIRST))
	pktgen.set(PORT, "size", FRAME_SIZE + 4)

	range_type_ipv6()
	pktgen.range.ip_proto(PORT, "udp")
	-- Destination: the LMA network port (fixed) and one home address per
	-- MN /64, stepping the 4th group (carry into the 3rd):
	-- 2001:db8:1000:0::100, 2001:db8:1000:1::100, ...
	range4(pktgen.range.dst_mac, DST_MAC, DST_MAC, DST_MAC, "00:00:00:00:00:00")
	range4(pktgen.range.dst_ip, mn_addr(MN_FIRST), mn_addr(MN_FIRST), mn_addr(mn_last), "0:0:0:1::")
	-- Source: the CN, fixed; the source MAC stays the tester port's own
	-- (pktgen's range default, increment 0).
	range4(pktgen.range.src_ip, CN_ADDR, CN_ADDR, CN_ADDR, "::")
	-- UDP 9 -> 10000 + (i % 50000)
	local dport_first = mn_port(MN_FIRST)
	local dport_last = math.min(dport_first + MN_COUNT - 1, MN_PORT_BASE + MN_PORT_SPAN - 1)
	if dport_last - dport_first + 1 < math.min(MN_COUNT, MN_PORT_SPAN) then
		dport_first = MN_PORT_BASE            -- the MN range crosses a port wrap: use all 50000
		dport_last = MN_PORT_BASE + MN_PORT_SPAN - 1
	end
	range4(pktgen.range.src_port, CN_PORT, CN_PORT, CN_PORT, 0)
	range4(pktgen.range.dst_port, mn_port(MN_FIRST), dport_first, dport_last, 1)
	range4(pktgen.range.pkt_size, FRAME_SIZE + 4, FRAME_SIZE + 4, FRAME_SIZE + 4, 0)
	pktgen.set_range(PORT, "on")
	print(string.format("lma-downlink.lua: range mode on port %s: to MNs %d..%d (%s .. %s), %d-byte frames, to %s",
		PORT, MN_FIRST, mn_last, mn_addr(MN_FIRST), mn_addr(mn_last), FRAME_SIZE, DST_MAC))
else
	fail("MODE must be \"range\" or \"pcap\"")
end

if DURATION_S > 0 then
	pktgen.clear(PORT)
	pktgen.start(PORT)
	for t = 1, DURATION_S do
		pktgen.delay(1000)
		if t % 10 == 0 then show_stats(string.format("%3d s", t)) end
	end
	pktgen.stop(PORT)
	pktgen.delay(500)
	show_stats("done")
else
	print("lma-downlink.lua: set up; type 'start " .. PORT .. "' to send, 'stop " .. PORT .. "' to stop")
end
