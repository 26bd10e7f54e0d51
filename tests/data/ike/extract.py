#!/usr/bin/env python3
"""Turn a capture made by capture.sh into test vectors.

usage: extract.py WORKDIR RUN OUTDIR
  WORKDIR: capture.sh's (ike.pcap, a/charon.log); RUN: a name prefix
  (psk, cert). Writes OUTDIR/RUN_NN_EXCH_req|resp.bin: the IKE message of
  frame NN (the UDP payload, the 4-byte non-ESP marker of port 4500
  stripped), and for messages with an SK payload RUN_NN_..._inner.bin: the
  decrypted inner payload chain (tshark's "Contained Data": the plaintext
  without padding and pad length). Decryption uses the keys charon logged
  with `ike = 4` (Sk_ei, Sk_er, Sk_ai, Sk_ar for each IKE SA in the order
  they were made) and the SPIs of the first IKE_AUTH and of each IKE_SA
  rekey, passed to tshark as uat:ikev2_decryption_table entries.
  Also prints the tshark options used.
"""
import os
import re
import struct
import subprocess
import sys

W, RUN, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
EXCH = {34: "init", 35: "auth", 36: "child", 37: "info"}


def frames(path):
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    assert magic == 0xa1b2c3d4, "pcap (usec, little-endian) expected"
    assert struct.unpack("<I", data[20:24])[0] == 1, "Ethernet expected"
    off, n = 24, 0
    while off < len(data):
        _, _, incl, _ = struct.unpack("<IIII", data[off:off + 16])
        off += 16
        f = data[off:off + incl]
        off += incl
        n += 1
        assert f[12:14] == b"\x86\xdd" and f[20] == 17, "IPv6/UDP expected"
        sport, dport = struct.unpack("!HH", f[54:58])
        p = f[62:]
        if 4500 in (sport, dport):
            assert p[:4] == bytes(4), "non-ESP marker expected"
            p = p[4:]
        yield n, p


def keys(log):
    sas, cur, name = [], None, None
    for line in open(log, encoding="utf-8", errors="replace"):
        m = re.search(r"\[IKE\] (Sk_\w+) secret => \d+ bytes", line)
        if m:
            name = m.group(1).lower()
            if name == "sk_d":
                cur = {}
                sas.append(cur)
            cur[name] = ""
            continue
        m = re.search(r"\[IKE\]\s+\d+: ((?:[0-9A-F]{2} )+)", line)
        if m and name and cur is not None:
            cur[name] += m.group(1).replace(" ", "").lower()
            continue
        name = None
    return sas


def tshark(opts, fields, pcap):
    cmd = ["tshark", "-r", pcap, "-T", "fields", "-E", "occurrence=a",
           "-E", "separator=/t", "-E", "aggregator=,"] + opts
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [l.split("\t") for l in out.splitlines()]


def decrypted(opts, pcap):
    """Frame number -> the inner payload chain: tshark's "Decrypted Data"
    tab (-x) without the padding and pad length byte at its end (RFC 7296
    3.14), checked against the length of its "Contained Data" (-V)."""
    out = subprocess.run(["tshark", "-r", pcap, "-P", "-x"] + opts, check=True,
                         capture_output=True, text=True).stdout
    res, n, cur = {}, 0, None  # -P: each frame starts with its summary line
    for line in out.splitlines():
        m = re.match(r"^\s*(\d+)\s+\d+\.\d+ ", line)
        if m:
            n = int(m.group(1))
            cur = None
        elif line.startswith("Decrypted Data ("):
            cur = res.setdefault(n, bytearray())
        elif cur is not None and re.match(r"^[0-9a-f]{4}  ", line):
            cur += bytes.fromhex(line[6:54].replace(" ", ""))
        else:
            cur = None
    out = subprocess.run(["tshark", "-r", pcap, "-V"] + opts, check=True,
                         capture_output=True, text=True).stdout
    n, want = 0, {}
    for line in out.splitlines():
        if line.startswith("Frame "):
            n += 1
        m = re.search(r"Contained Data \((\d+) bytes\)", line)
        if m:
            want[n] = int(m.group(1))
    for n, d in res.items():
        res[n] = bytes(d[:len(d) - d[-1] - 1])
        assert len(res[n]) == want.get(n, 0), "frame %d: %d != %d" % (n, len(res[n]), want.get(n, 0))
    return res


def main():
    pcap = os.path.join(W, "ike.pcap")
    msgs = dict(frames(pcap))
    sas = keys(os.path.join(W, "a", "charon.log"))
    gcm = len(sas[0]["sk_ei"]) == 40 and not sas[0].get("sk_ai")
    enc = ("AES-GCM-128 with 16 octet ICV [RFC5282]" if gcm else "AES-CBC-256 [RFC3602]")
    integ = "NONE [RFC4306]" if gcm else "HMAC_SHA2_256_128 [RFC4868]"
    rows = tshark([], ["frame.number", "isakmp.exchangetype", "isakmp.ispi", "isakmp.rspi"], pcap)
    spis = [next((r[2], r[3]) for r in rows if r[1] == "35")]
    opts = []
    for i, sa in enumerate(sas):
        opts += ["-o", "uat:ikev2_decryption_table:%s,%s,%s,%s,\"%s\",%s,%s,\"%s\"" % (
            spis[i][0], spis[i][1], sa["sk_ei"], sa["sk_er"], enc,
            sa.get("sk_ai", ""), sa.get("sk_ar", ""), integ)]
        if i + 1 < len(sas):
            # The next IKE SA's SPIs: the SA payloads of the IKE_SA rekey
            # (a CREATE_CHILD_SA whose proposal's protocol is IKE, 1).
            r = tshark(opts, ["frame.number", "isakmp.exchangetype", "isakmp.flags",
                              "isakmp.prop.protoid", "isakmp.spi"], pcap)
            ike = [x for x in r if x[1] == "36" and x[3].split(",")[0] == "1"]
            spis.append((ike[0][4].split(",")[0], ike[1][4].split(",")[0]))
    print(" ".join("'%s'" % o for o in opts))
    inner = decrypted(opts, pcap)
    os.makedirs(OUT, exist_ok=True)
    for n, p in msgs.items():
        exch, flags = p[18], p[19]
        name = "%s_%02d_%s_%s" % (RUN, n, EXCH.get(exch, str(exch)),
                                  "resp" if flags & 0x20 else "req")
        open(os.path.join(OUT, name + ".bin"), "wb").write(p)
        if p[16] == 46:
            assert n in inner, "frame %d not decrypted" % n
            open(os.path.join(OUT, name + "_inner.bin"), "wb").write(inner[n])
        print(name, len(p), ("inner %d" % len(inner[n])) if p[16] == 46 else "")


main()
