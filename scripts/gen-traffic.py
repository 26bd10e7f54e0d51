#!/usr/bin/env python3
"""Write pcap files with the gateway's load-test traffic (docs/LOADGEN.md).

    gen-traffic.py --kind mag-uplink|lma-downlink|lma-from-mag|mag-from-lma
                   --mns N --packets P --size S|imix --dst-mac MAC
                   --out FILE.pcap [--seed X] [--first-mn I] [--src-mac MAC]
                   [--pps R]

Packet k (0-based) belongs to mobile node first_mn + (k % N). Sizes are
Ethernet frames without FCS; for the tunnelled kinds S is the size of the
frame that was tunnelled (the MAG uplink or LMA downlink frame), so the
frame on the wire is S + 40 bytes (the outer IPv6 header). "imix" is
64/570/1514 in the proportion 7:4:1, in blocks of 12 frames whose order is
shuffled with --seed. Classic pcap (microsecond timestamps, linktype 1
Ethernet), timestamps spaced 1/R s apart (--pps, default 1e6; testpmd
ignores them, tcpreplay honours them). UDP payloads are zero bytes.

Traffic definitions (one place: docs/LOADGEN.md "Traffic definitions"):
  MN i home prefix  2001:db8:(0x1000 + (i >> 16)):(i & 0xffff)::/64
                    (2001:db8:1000::/36 carved into /64s; i < 2**28)
  MN i address      <home prefix>::100
  MN i MAC          02:00:ii:ii:ii:ii (i in the low 32 bits)
  CN                2001:db8:e::100
  MAG core          2001:db8:c::1, LMA core 2001:db8:c::2
  mag-uplink        MN i -> CN, UDP 10000 + (i % 50000) -> 9, src MAC = MN i
  lma-downlink      CN -> MN i, UDP 9 -> 10000 + (i % 50000)
  lma-from-mag      IPv6 MAG -> LMA, next header 41, hop limit 64, inner =
                    the mag-uplink packet as the MAG forwards it (hop limit
                    63: the entry point decrements it before encapsulating)
  mag-from-lma      IPv6 LMA -> MAG, next header 41, inner = lma-downlink
                    packet with hop limit 63
  (tunnelled kinds: outer flow label as pmip-dp sets it, RFC 6438)

Standard library only. Fast enough for million-packet files: the header
pieces of each mobile node and the payload of each size are built once,
the UDP checksum of each packet is the sum of precomputed partial sums.
"""

import argparse
import ipaddress
import random
import struct
import sys

KINDS = ("mag-uplink", "lma-downlink", "lma-from-mag", "mag-from-lma")
CN = ipaddress.IPv6Address("2001:db8:e::100").packed
MAG_CORE = ipaddress.IPv6Address("2001:db8:c::1").packed
LMA_CORE = ipaddress.IPv6Address("2001:db8:c::2").packed
MN_HOST_IID = 0x100              # MN address = home prefix :: 0x100
UDP_PORT_CN = 9                  # discard
UDP_PORT_MN_BASE = 10000
UDP_PORT_MN_SPAN = 50000
HOP_LIMIT = 64
IMIX = (64, 570, 1514)           # 7:4:1, no VLAN
IMIX_WEIGHTS = (7, 4, 1)
MIN_FRAME = 14 + 40 + 8          # Ethernet + IPv6 + UDP, empty payload
MAX_FRAME = 9014
MAX_MNS = 1 << 28                # 2001:db8:1000::/36 holds 2**28 /64s
# Default source MACs of the non-MN senders (locally administered, outside
# the 02:00:xx:xx:xx:xx MN space).
DEFAULT_SRC_MAC = {
    "lma-downlink": "02:fe:00:00:0e:01",   # router/tester on the LMA's network side
    "lma-from-mag": "02:fe:00:00:0c:01",   # MAG core port
    "mag-from-lma": "02:fe:00:00:0c:02",   # LMA core port
}
# Templates are cached per MN when MNs repeat in the file and there are
# not too many of them; otherwise each packet's header is built directly.
TEMPLATE_CACHE_MAX = 1 << 18


def mn_home_prefix(i):
    """The MN's /64 home prefix as a 128-bit integer."""
    return (0x20010db8 << 96) | ((0x1000 + (i >> 16)) << 80) | ((i & 0xffff) << 64)


def mn_address(i):
    return (mn_home_prefix(i) | MN_HOST_IID).to_bytes(16, "big")


def mn_mac(i):
    return b"\x02\x00" + i.to_bytes(4, "big")


def mn_port(i):
    return UDP_PORT_MN_BASE + (i % UDP_PORT_MN_SPAN)


def parse_mac(s):
    parts = s.replace("-", ":").split(":")
    if len(parts) != 6 or not all(1 <= len(p) <= 2 for p in parts):
        raise argparse.ArgumentTypeError(f"bad MAC address '{s}'")
    try:
        return bytes(int(p, 16) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad MAC address '{s}'") from None


def words_sum(b):
    """Sum of the big-endian 16-bit words of b (odd length padded with 0)."""
    if len(b) % 2:
        b += b"\0"
    return sum(struct.unpack(f"!{len(b) // 2}H", b))


def fold(s):
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def _crc32c_table():
    t = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        t.append(c)
    return t


CRC32C = _crc32c_table()


def tunnel_flow_label(inner_label, next_header, src, dst):
    """The outer flow label pmip-dp puts on a packet it tunnels (dp/fwd.c
    tunnel_flow_label(), RFC 6438): CRC32C (the crc32 instruction, no
    inversion) of the inner source and destination, seeded with the inner
    label and next header, folded to 20 bits, never 0."""
    h = (inner_label & 0xFFFFF) | (next_header << 20)
    for b in src + dst:
        h = CRC32C[(h ^ b) & 0xFF] ^ (h >> 8)
    h = (h ^ (h >> 20)) & 0xFFFFF
    return h or 1


def payload_for(size):
    """UDP payload for a frame of `size` bytes (no FCS): zero bytes."""
    return bytes(size - MIN_FRAME)


class Generator:
    def __init__(self, kind, dst_mac, src_mac):
        self.kind = kind
        self.dst_mac = dst_mac
        self.src_mac = src_mac                 # None for mag-uplink (per MN)
        self.tunnel = kind in ("lma-from-mag", "mag-from-lma")
        self.uplink = kind in ("mag-uplink", "lma-from-mag")
        self.inner_hl = HOP_LIMIT - 1 if self.tunnel else HOP_LIMIT
        if kind == "lma-from-mag":
            self.outer = (MAG_CORE, LMA_CORE)
        elif kind == "mag-from-lma":
            self.outer = (LMA_CORE, MAG_CORE)
        self.sizes = {}

    def size_parts(self, size):
        """(ipv6 payload length bytes, udp length bytes, payload, checksum
        partial sum, outer payload length bytes) for one frame size."""
        p = self.sizes.get(size)
        if p is None:
            payload = payload_for(size)
            ulen = 8 + len(payload)
            # Pseudo-header length + UDP header length field + next header 17
            # + payload words; addresses and ports are added per MN.
            partial = ulen + ulen + 17 + words_sum(payload)
            p = (struct.pack("!H", ulen), struct.pack("!H", ulen), payload,
                 partial, struct.pack("!H", 40 + ulen))
            self.sizes[size] = p
        return p

    def mn_parts(self, i):
        """Per-MN pieces: (bytes before the payload length, bytes between the
        payload length and the UDP length, checksum partial sum)."""
        addr = mn_address(i)
        if self.uplink:
            src, dst, sport, dport = addr, CN, mn_port(i), UDP_PORT_CN
        else:
            src, dst, sport, dport = CN, addr, UDP_PORT_CN, mn_port(i)
        ip6_first = b"\x60\x00\x00\x00"       # version 6, class 0, flow 0
        mid = bytes((17, self.inner_hl)) + src + dst + struct.pack("!HH", sport, dport)
        partial = words_sum(src) + words_sum(dst) + sport + dport
        if self.tunnel:
            eth = self.dst_mac + self.src_mac + b"\x86\xdd"
            # Outer header: its payload length goes where the inner one
            # would; the inner header follows the outer addresses.
            label = tunnel_flow_label(0, 17, src, dst)
            head = eth + struct.pack("!I", 0x60000000 | label)  # + outer plen
            outer_rest = bytes((41, HOP_LIMIT)) + self.outer[0] + self.outer[1]
            return head, outer_rest + ip6_first, mid, partial
        src_mac = mn_mac(i) if self.kind == "mag-uplink" else self.src_mac
        head = self.dst_mac + src_mac + b"\x86\xdd" + ip6_first
        return head, None, mid, partial

    def packet(self, parts, size):
        head, outer_rest, mid, mn_partial = parts
        plen, ulen, payload, size_partial, outer_plen = self.size_parts(size)
        csum = (~fold(mn_partial + size_partial)) & 0xffff or 0xffff
        tail = mid + ulen + struct.pack("!H", csum) + payload
        if outer_rest is None:
            return head + plen + tail
        return head + outer_plen + outer_rest + plen + tail


def size_sequence(spec, count, seed):
    """Frame sizes for `count` packets."""
    if spec != "imix":
        return None
    rng = random.Random(seed)
    block = [s for s, w in zip(IMIX, IMIX_WEIGHTS) for _ in range(w)]
    out = []
    while len(out) < count:
        b = block[:]
        rng.shuffle(b)
        out.extend(b)
    return out[:count]


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Write a pcap of PMIPv6 gateway load-test traffic "
                    "(definitions in docs/LOADGEN.md).")
    ap.add_argument("--kind", required=True, choices=KINDS)
    ap.add_argument("--mns", required=True, type=int, help="number of mobile nodes N")
    ap.add_argument("--packets", required=True, type=int, help="number of packets P")
    ap.add_argument("--size", required=True,
                    help=f"frame size without FCS ({MIN_FRAME}..{MAX_FRAME}) or 'imix'")
    ap.add_argument("--dst-mac", required=True, type=parse_mac,
                    help="destination MAC: the port of the gateway under test")
    ap.add_argument("--src-mac", type=parse_mac,
                    help="source MAC for the kinds whose sender is not an MN "
                         "(defaults: " + ", ".join(f"{k} {v}" for k, v in DEFAULT_SRC_MAC.items()) + ")")
    ap.add_argument("--out", required=True, help="output pcap file")
    ap.add_argument("--seed", type=int, default=1, help="IMIX order seed (default 1)")
    ap.add_argument("--first-mn", type=int, default=0,
                    help="index of the first MN (default 0)")
    ap.add_argument("--pps", type=float, default=1e6,
                    help="timestamp spacing in packets per second (default 1e6)")
    a = ap.parse_args(argv)

    if a.mns < 1 or a.packets < 1:
        ap.error("--mns and --packets must be at least 1")
    if a.first_mn < 0 or a.first_mn + a.mns > MAX_MNS:
        ap.error(f"MN indices must lie in 0..{MAX_MNS - 1} (2001:db8:1000::/36 has 2**28 /64s)")
    if a.pps <= 0:
        ap.error("--pps must be positive")
    if a.size == "imix":
        sizes = size_sequence("imix", a.packets, a.seed)
        fixed = None
    else:
        try:
            fixed = int(a.size)
        except ValueError:
            ap.error("--size must be a number or 'imix'")
        if not MIN_FRAME <= fixed <= MAX_FRAME:
            ap.error(f"--size must be {MIN_FRAME}..{MAX_FRAME} (IPv6 + UDP needs {MIN_FRAME} bytes)")
        sizes = None
    if a.kind == "mag-uplink":
        if a.src_mac is not None:
            ap.error("--src-mac does not apply to mag-uplink (each MN has its own MAC)")
        src_mac = None
    else:
        src_mac = a.src_mac or parse_mac(DEFAULT_SRC_MAC[a.kind])

    gen = Generator(a.kind, a.dst_mac, src_mac)
    largest = max(IMIX) if fixed is None else fixed
    wire = largest + (40 if gen.tunnel else 0)
    if wire > 1514:
        print(f"gen-traffic: note: frames up to {wire} bytes exceed a 1500-byte MTU; "
              f"the link that carries them needs MTU >= {wire - 14}", file=sys.stderr)

    used = min(a.mns, a.packets)
    cache = None
    if a.packets > used and used <= TEMPLATE_CACHE_MAX:
        cache = [gen.mn_parts(a.first_mn + j) for j in range(used)]

    step_us = 1e6 / a.pps
    t0 = 1700000000                  # fixed epoch: identical input -> identical file
    rec = struct.Struct("<IIII")
    with open(a.out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        chunk = []
        mn = a.mns
        first = a.first_mn
        for k in range(a.packets):
            j = k % mn
            parts = cache[j] if cache is not None else gen.mn_parts(first + j)
            size = fixed if sizes is None else sizes[k]
            pkt = gen.packet(parts, size)
            us = int(k * step_us)
            n = len(pkt)
            chunk.append(rec.pack(t0 + us // 1000000, us % 1000000, n, n))
            chunk.append(pkt)
            if len(chunk) >= 16384:
                f.write(b"".join(chunk))
                chunk.clear()
        f.write(b"".join(chunk))
    return 0


if __name__ == "__main__":
    sys.exit(main())
