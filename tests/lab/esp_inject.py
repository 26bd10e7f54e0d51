#!/usr/bin/env python3
"""Inject bad ESP and a plaintext Mobility Header towards the LMA's data plane.

usage: ip netns exec NAMESPACE esp_inject.py IFACE LMA_MAC PCAP MAG_ADDR LMA_ADDR

Takes the first ESP packet MAG -> LMA from PCAP (classic pcap, as tcpdump
writes it) and sends, from IFACE (a raw AF_PACKET socket; run inside the namespace):
  1. the packet again, unchanged          -> the LMA counts esp_replay
  2. with a new sequence number           -> esp_icv_failed (seq is authenticated)
  3. with an SPI nobody installed         -> esp_unknown_spi
  4. a Binding Update-shaped Mobility Header in the clear -> mh_plaintext
Standard library only."""
import ipaddress
import socket
import struct
import sys


def read_pcap(path):
    with open(path, "rb") as f:
        hdr = f.read(24)
        magic = struct.unpack("<I", hdr[:4])[0]
        endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            _, _, incl, _ = struct.unpack(endian + "IIII", rec)
            yield f.read(incl)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def main():
    iface, lma_mac, pcap, mag, lma = sys.argv[1:6]
    mag_b = ipaddress.IPv6Address(mag).packed
    lma_b = ipaddress.IPv6Address(lma).packed
    esp = None
    for frame in read_pcap(pcap):
        if len(frame) > 54 + 24 and frame[12:14] == b"\x86\xdd" and frame[20] == 50 \
                and frame[22:38] == mag_b and frame[38:54] == lma_b:
            esp = bytearray(frame)
            break
    if esp is None:
        print("no ESP packet MAG -> LMA in the capture", file=sys.stderr)
        return 1
    dst = bytes.fromhex(lma_mac.replace(":", ""))
    esp[0:6] = dst

    frames = [bytes(esp)]                       # 1. replay
    t = bytearray(esp)
    seq = struct.unpack("!I", t[58:62])[0]
    t[58:62] = struct.pack("!I", seq + 100000)  # 2. fresh seq, ICV no longer matches
    frames.append(bytes(t))
    u = bytearray(esp)
    u[54:58] = struct.pack("!I", 0x0BADBEEF)    # 3. unknown SPI
    frames.append(bytes(u))
    # 4. Mobility Header (RFC 6275 6.1.1), 8 bytes + Binding Update body
    #    padded to 16 bytes: payload proto 59, header length 1 (16 bytes),
    #    MH type 5 (BU), checksum over the pseudo-header.
    mh = bytearray(struct.pack("!BBBBH", 59, 1, 5, 0, 0) + b"\0" * 10)
    pseudo = mag_b + lma_b + struct.pack("!I", len(mh)) + b"\0\0\0\x87"
    struct.pack_into("!H", mh, 4, csum(pseudo + bytes(mh)))
    ip6 = struct.pack("!IHBB", 0x60000000, len(mh), 135, 64) + mag_b + lma_b
    frames.append(dst + esp[6:12] + b"\x86\xdd" + ip6 + bytes(mh))

    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    for f in frames:
        s.send(f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
