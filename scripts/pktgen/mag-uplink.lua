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
local MN_PORT_BASE, MN_PORT_SPAN, CN_PORT = 10000, 50000, 9
------------------------------------------------------------------------

local function fail(msg)
	error("mag-uplink.lua: " .. msg, 0)
end

-- MN i's home address: 2001:db8:(0x1000 + (i >> 16)):(i & 0xffff)::100
local function mn_addr(i)
	return string.format("2001:db8:%x:%x::100", 0x1000 + math.floor(i / 65536), i % 65536)
end

-- A MAC address from a 48-bit number.
local function mac_str(v)
	local b = {}
	for k = 6, 1, -1 do
		b[k] = string.format("%02x", v % 256)
		v = math.floor(v / 256)
	end
	return table.concat(b, ":")
end

-- MN i's MAC: 02:00 followed by i as 32 bits
local MN_MAC_BASE = 0x020000000000
local function mn_mac(i)
	return mac_str(MN_MAC_BASE + i)
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
	print("mag-uplink.lua: NOTE: this pktgen has no Lua call for the range packet type;")
	print("  unless you typed 'range " .. PORT .. " type ipv6' before loading this script,")
	print("  type it now and run 'load scripts/pktgen/mag-uplink.lua' again.")
	print("  Check the result on 'page range' (src.ip must show IPv6 addresses).")
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
	-- The file comes from: scripts/gen-traffic.py --kind mag-uplink ...
	-- and is loaded with -s PORT:FILE when pktgen starts.
	pktgen.set_range(PORT, "off")
	pktgen.pcap(PORT, "on")
	print("mag-uplink.lua: pcap mode on port " .. PORT .. " (file given with -s " .. PORT .. ":FILE)")
elseif MODE == "range" then
	if DST_MAC == "00:00:00:00:00:00" then
		fail("set DST_MAC to the MAG access port's MAC at the top of the script")
	end
	if type(FRAME_SIZE) ~= "number" then
		fail("range mode sends one size; use MODE = \"pcap\" with a gen-traffic.py imix file")
	end
	local info = pktgen.info or {}
	if info.maxMbufsPerPort and MN_COUNT > info.maxMbufsPerPort then
		print(string.format("mag-uplink.lua: WARNING: %d MNs but about %d range mbufs: not every MN will be sent",
			MN_COUNT, info.maxMbufsPerPort))
	end
	pktgen.pcap(PORT, "off")

	-- The single packet too, so the main page shows the same traffic.
	pktgen.set_type(PORT, "ipv6")
	pktgen.set_proto(PORT, "udp")
	pktgen.set_mac(PORT, "dst", DST_MAC)
	pktgen.set_ipaddr(PORT, "src", mn_addr(MN_FIRST) .. "/64")
	pktgen.set_ipaddr(PORT, "dst", CN_ADDR)
	pktgen.set(PORT, "sport", mn_port(MN_FIRST))
	pktgen.set(PORT, "dport", CN_PORT)
	pktgen.set(PORT, "size", FRAME_SIZE + 4)

	range_type_ipv6()
	pktgen.range.ip_proto(PORT, "udp")
	-- Destination: the MAG access port and the CN, fixed.
	range4(pktgen.range.dst_mac, DST_MAC, DST_MAC, DST_MAC, "00:00:00:00:00:00")
	range4(pktgen.range.dst_ip, CN_ADDR, CN_ADDR, CN_ADDR, "::")
	-- Source: one address per MN /64, stepping the 4th group (carry into
	-- the 3rd): 2001:db8:1000:0::100, 2001:db8:1000:1::100, ...
	range4(pktgen.range.src_ip, mn_addr(MN_FIRST), mn_addr(MN_FIRST), mn_addr(mn_last), "0:0:0:1::")
	if VARY_SRC_MAC then
		-- start one below the first MN's MAC: pktgen steps before the first
		-- packet (see the notes at the top)
		range4(pktgen.range.src_mac, mac_str(MN_MAC_BASE + MN_FIRST - 1), mn_mac(MN_FIRST),
			mn_mac(mn_last), "00:00:00:00:00:01")
	else
		pktgen.range.src_mac(PORT, "inc", "00:00:00:00:00:00")
	end
	-- UDP 10000 + (i % 50000) -> 9
	local sport_first = mn_port(MN_FIRST)
	local sport_last = math.min(sport_first + MN_COUNT - 1, MN_PORT_BASE + MN_PORT_SPAN - 1)
	if sport_last - sport_first + 1 < math.min(MN_COUNT, MN_PORT_SPAN) then
		sport_first = MN_PORT_BASE            -- the MN range crosses a port wrap: use all 50000
		sport_last = MN_PORT_BASE + MN_PORT_SPAN - 1
	end
	range4(pktgen.range.src_port, mn_port(MN_FIRST), sport_first, sport_last, 1)
	range4(pktgen.range.dst_port, CN_PORT, CN_PORT, CN_PORT, 0)
	range4(pktgen.range.pkt_size, FRAME_SIZE + 4, FRAME_SIZE + 4, FRAME_SIZE + 4, 0)
	pktgen.set_range(PORT, "on")
	print(string.format("mag-uplink.lua: range mode on port %s: MNs %d..%d (%s .. %s), %d-byte frames, to %s",
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
	print("mag-uplink.lua: set up; type 'start " .. PORT .. "' to send, 'stop " .. PORT .. "' to stop")
end
