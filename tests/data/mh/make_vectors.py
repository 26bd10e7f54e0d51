#!/usr/bin/env python3
"""Make the Wireshark vectors of tests/unit/test_mh.c (see README.md).

Usage: make_vectors.py [BUILD_DIR]   (default: build; run from the repository)

1. Runs BUILD_DIR/tests/test_mh with PMIP_MH_PCAP_OUT set, so that the test
   writes mh.pcap here: its hand-written PBU, PBA, peer PBU, Heartbeat
   Request and Response and four messages from our builders, in IPv6 (next
   header 135) in Ethernet.
2. Checks every Mobility Header in it with code of its own (not ours):
   next header 135, (Header Len + 1) * 8 == IPv6 payload length, and the
   checksum over the IPv6 pseudo-header (RFC 6275 6.1.1, RFC 8200 8.1,
   RFC 1071 arithmetic).
3. Has tshark dissect it: mh.txt (-V), mh.fields (the FIELDS below, one line
   per frame, then the mobility option names from the PDML dissection), and
   fails if tshark finds a malformed packet or an expert warning.
"""
import ipaddress
import os
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
FIELDS = """mip6.proto mip6.hlen mip6.mhtype mip6.csum mip6.bu.seqnr
mip6.bu.a_flag mip6.bu.h_flag mip6.bu.l_flag mip6.bu.k_flag mip6.bu.m_flag
mip6.nemo.bu.r_flag mip6.bu.p_flag mip6.bu.lifetime mip6.ba.status
mip6.ba.k_flag mip6.nemo.ba.r_flag mip6.ba.p_flag mip6.ba.seqnr
mip6.ba.lifetime mip6.mobility_opt.len mip6.mnid.subtype mip6.mnid.identifier
mip6.nemo.mnp.pfl mip6.nemo.mnp.mnp mip6.hi mip6.att mip6.mnlli.lli
mip6.lila_lla mip6.timestamp_tmp mip6.hb.u_flag mip6.hb.r_flag mip6.hb.seqnr
mip6.rc""".split()


def checksum(src, dst, mh):
    data = src + dst + struct.pack('>I3xB', len(mh), 135) + mh
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('>%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s   # 0xffff when the checksum field is right


def frames(path):
    with open(path, 'rb') as f:
        raw = f.read()
    magic, _, _, _, _, _, linktype = struct.unpack('<IHHiIII', raw[:24])
    assert magic == 0xa1b2c3d4 and linktype == 1, 'little-endian Ethernet pcap expected'
    off = 24
    while off < len(raw):
        _, _, incl, _ = struct.unpack('<IIII', raw[off:off + 16])
        yield raw[off + 16:off + 16 + incl]
        off += 16 + incl


def check_pcap(path):
    n = 0
    for fr in frames(path):
        n += 1
        assert fr[12:14] == b'\x86\xdd', 'frame %d: not IPv6' % n
        ip = fr[14:]
        plen, nh = struct.unpack('>HB', ip[4:7])
        src, dst, mh = ip[8:24], ip[24:40], ip[40:40 + plen]
        assert nh == 135, 'frame %d: next header %d' % (n, nh)
        assert (mh[1] + 1) * 8 == len(mh) == plen, 'frame %d: Header Len' % n
        assert checksum(src, dst, mh) == 0xffff, 'frame %d: bad checksum' % n
        print('frame %d: %s -> %s, MH type %d, %d octets, checksum 0x%04x good' % (
            n, ipaddress.IPv6Address(src), ipaddress.IPv6Address(dst), mh[2], len(mh),
            struct.unpack('>H', mh[4:6])[0]))
    return n


def tshark(*args):
    env = dict(os.environ, TZ='UTC')
    return subprocess.run(['tshark', '-r', os.path.join(HERE, 'mh.pcap')] + list(args),
                          env=env, check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True).stdout


def option_names(pdml):
    lines = []
    for packet in ET.fromstring(pdml).iter('packet'):
        names = [f.get('name')[len('mip6.options.'):] for f in packet.iter('field')
                 if (f.get('name') or '').startswith('mip6.options.')]
        lines.append(','.join(names))
    return lines


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else 'build'
    pcap = os.path.join(HERE, 'mh.pcap')
    env = dict(os.environ, PMIP_MH_PCAP_OUT=pcap)
    subprocess.run([os.path.join(build, 'tests', 'test_mh'), '--filter',
                    'mh_tshark/pcap_is_the_vectors'], env=env, check=True)
    count = check_pcap(pcap)

    bad = tshark('-Y', '_ws.malformed || _ws.expert.severity >= "warning"',
                 '-T', 'fields', '-e', 'frame.number')
    if bad.strip():
        sys.exit('tshark flags frames: ' + bad.replace('\n', ' '))
    args = ['-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,']
    for f in FIELDS:
        args += ['-e', f]
    fields = tshark(*args).splitlines()
    names = option_names(tshark('-T', 'pdml'))
    assert len(fields) == len(names) == count
    with open(os.path.join(HERE, 'mh.fields'), 'w') as f:
        for a, b in zip(fields, names):
            f.write(a + '\t' + b + '\n')
    with open(os.path.join(HERE, 'mh.txt'), 'w') as f:
        f.write(tshark('-V'))
    print('%d frames: no malformed packet or expert warning; mh.fields, mh.txt written' % count)


if __name__ == '__main__':
    main()
