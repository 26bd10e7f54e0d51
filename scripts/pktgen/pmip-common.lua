-- Shared by mag-uplink.lua and lma-downlink.lua, which load it from their
-- own directory: the traffic definitions of docs/LOADGEN.md and the
-- pktgen calls both scripts make alike. Not a script to run by itself.
local M = {}

M.MN_PORT_BASE, M.MN_PORT_SPAN, M.CN_PORT = 10000, 50000, 9
M.MN_MAX = 268435456                 -- the 2^28 /64s of 2001:db8:1000::/36
M.MN_MAC_BASE = 0x020000000000       -- MN i's MAC: 02:00 followed by i as 32 bits

-- MN i's home address: 2001:db8:(0x1000 + (i >> 16)):(i & 0xffff)::100
function M.mn_addr(i)
	return string.format("2001:db8:%x:%x::100", 0x1000 + math.floor(i / 65536), i % 65536)
end

function M.mn_port(i)
	return M.MN_PORT_BASE + i % M.MN_PORT_SPAN
end

-- A MAC address from a 48-bit number.
function M.mac_str(v)
	local b = {}
	for k = 6, 1, -1 do
		b[k] = string.format("%02x", v % 256)
		v = math.floor(v / 256)
	end
	return table.concat(b, ":")
end

function M.mn_mac(i)
	return M.mac_str(M.MN_MAC_BASE + i)
end

-- The UDP port range of MNs first..first+count-1: their own ports, or all
-- 50000 when the range crosses a port wrap.
function M.port_range(first, count)
	local lo = M.mn_port(first)
	local hi = math.min(lo + count - 1, M.MN_PORT_BASE + M.MN_PORT_SPAN - 1)
	if hi - lo + 1 < math.min(count, M.MN_PORT_SPAN) then
		return M.MN_PORT_BASE, M.MN_PORT_BASE + M.MN_PORT_SPAN - 1
	end
	return lo, hi
end

-- The calls of one script on one pktgen port; name is the script's file
-- name (for messages), kind its gen-traffic.py kind, dst_what what DST_MAC
-- must be set to.
function M.script(name, port, kind, dst_what)
	local s = {}

	function s.fail(msg)
		error(name .. ": " .. msg, 0)
	end

	-- Set start/min/max/inc of one range field.
	function s.range4(fn, start, min, max, inc)
		fn(port, "start", start)
		fn(port, "min", min)
		fn(port, "max", max)
		fn(port, "inc", inc)
	end

	-- The range packet must be IPv6 before IPv6 range addresses are set:
	-- pktgen stores them as IPv4 otherwise. The CLI command is
	-- "range <port> type ipv6"; use a Lua binding for it when this pktgen
	-- has one. field: the address field that must show IPv6 addresses.
	function s.range_type_ipv6(field)
		local r = pktgen.range
		for _, f in ipairs({ "type", "pkt_type" }) do
			if type(r[f]) == "function" then
				r[f](port, "ipv6")
				return true
			end
		end
		print(name .. ": NOTE: this pktgen has no Lua call for the range packet type;")
		print("  unless you typed 'range " .. port .. " type ipv6' before loading this script,")
		print("  type it now and run 'load scripts/pktgen/" .. name .. "' again.")
		print("  Check the result on 'page range' (" .. field .. " must show IPv6 addresses).")
		return false
	end

	function s.show_stats(label)
		local all = pktgen.portStats(port, "port")
		local st = all and all[tonumber(port)]
		if st then
			print(string.format("%s: port %s sent %d packets, received %d, tx errors %d",
				label, port, st.opackets or 0, st.ipackets or 0, st.oerrors or 0))
		end
	end

	-- Checks and set-up common to both modes; returns the last MN.
	function s.begin(mn_first, mn_count, rate_pct)
		if mn_count < 1 or mn_first < 0 or mn_first + mn_count > M.MN_MAX then
			s.fail("MN_FIRST/MN_COUNT must stay within the 2^28 /64s of 2001:db8:1000::/36")
		end
		pktgen.stop(port)
		pktgen.set(port, "count", 0)             -- 0 = send until stopped
		pktgen.set(port, "rate", rate_pct)
		return mn_first + mn_count - 1
	end

	function s.pcap_mode()
		-- The file comes from: scripts/gen-traffic.py --kind KIND ...
		-- and is loaded with -s PORT:FILE when pktgen starts.
		pktgen.set_range(port, "off")
		pktgen.pcap(port, "on")
		print(name .. ": pcap mode on port " .. port .. " (file given with -s " .. port .. ":FILE, from gen-traffic.py --kind " .. kind .. ")")
	end

	-- Range mode's preconditions, and pcap off.
	function s.range_begin(dst_mac, frame_size, mn_count)
		if dst_mac == "00:00:00:00:00:00" then
			s.fail("set DST_MAC to " .. dst_what .. " at the top of the script")
		end
		if type(frame_size) ~= "number" then
			s.fail("range mode sends one size; use MODE = \"pcap\" with a gen-traffic.py imix file")
		end
		local info = pktgen.info or {}
		if info.maxMbufsPerPort and mn_count > info.maxMbufsPerPort then
			print(string.format("%s: WARNING: %d MNs but about %d range mbufs: not every MN will be sent",
				name, mn_count, info.maxMbufsPerPort))
		end
		pktgen.pcap(port, "off")
	end

	-- Send for duration_s seconds (0: leave it set up).
	function s.run(duration_s)
		if duration_s > 0 then
			pktgen.clear(port)
			pktgen.start(port)
			for t = 1, duration_s do
				pktgen.delay(1000)
				if t % 10 == 0 then s.show_stats(string.format("%3d s", t)) end
			end
			pktgen.stop(port)
			pktgen.delay(500)
			s.show_stats("done")
		else
			print(name .. ": set up; type 'start " .. port .. "' to send, 'stop " .. port .. "' to stop")
		end
	end

	return s
end

return M
