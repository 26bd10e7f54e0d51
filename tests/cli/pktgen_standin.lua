-- A stand-in for pktgen-dpdk's Lua API (the calls scripts/pktgen/*.lua
-- make, with pktgen 22.x/23.x's argument shapes): records every call, one
-- line each, so tests/cli/test_pktgen_scripts.sh can check what a script
-- asks pktgen to do. pktgen itself is not packaged in Debian.
--
--   lua5.4 pktgen_standin.lua SCRIPT [NAME=VALUE ...]
--
-- NAME=VALUE replaces the script's own setting `local NAME = ...` (its
-- "Edit these" block) before it runs; VALUE is Lua source. The script is
-- loaded under its own path, as pktgen's -f and load do, so it finds the
-- files next to it. Prints the calls, then "error: MSG" if it failed.
local path = assert(arg[1], "usage: pktgen_standin.lua SCRIPT [NAME=VALUE ...]")
local src = assert(io.open(path)):read("a")
for i = 2, #arg do
	local name, value = arg[i]:match("^([%w_]+)=(.*)$")
	assert(name, "bad setting " .. arg[i])
	local n
	src, n = src:gsub("\nlocal " .. name .. "(%s*)= [^\n]*", "\nlocal " .. name .. "%1= " .. value, 1)
	assert(n == 1, "the script has no setting " .. name)
end

local function show(v)
	if type(v) == "string" then
		return string.format("%q", v)
	end
	return tostring(v)
end

local function recorder(name)
	return function(...)
		local a = table.pack(...)
		local s = {}
		for i = 1, a.n do
			s[i] = show(a[i])
		end
		print(name .. "(" .. table.concat(s, ", ") .. ")")
	end
end

local range = {}
for _, f in ipairs({ "type", "ip_proto", "dst_mac", "src_mac", "dst_ip", "src_ip", "dst_port",
	"src_port", "pkt_size" }) do
	range[f] = recorder("range." .. f)
end

pktgen = {
	range = range,
	info = { maxMbufsPerPort = 16384 },
	portStats = function(port, kind)
		print("portStats(" .. show(port) .. ", " .. show(kind) .. ")")
		return { [tonumber(port)] = { opackets = 1000, ipackets = 0, oerrors = 0 } }
	end,
}
for _, f in ipairs({ "stop", "start", "clear", "set", "set_range", "pcap", "set_type", "set_proto",
	"set_mac", "set_ipaddr", "delay" }) do
	pktgen[f] = recorder(f)
end

local chunk = assert(load(src, "@" .. path))
local ok, err = pcall(chunk)
if not ok then
	print("error: " .. tostring(err))
end
