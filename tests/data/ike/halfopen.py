#!/usr/bin/env python3
"""Send one IKE_SA_INIT request (SA aes128gcm16-prfsha256-ecp256, KE with a
fresh P-256 point from the openssl CLI, Nonce) to DST port 500 from port
5000 and never finish it: the responder keeps a half-open IKE_SA (used by
capture.sh to make strongSwan ask the real initiator for a COOKIE)."""
import os
import socket
import struct
import subprocess
import sys

der = subprocess.run(
    "openssl ecparam -name prime256v1 -genkey -noout | openssl ec -pubout -outform DER",
    shell=True, check=True, capture_output=True).stdout
point = der[-64:]  # SubjectPublicKeyInfo ends with 04 || X || Y


def pl(nxt, body):
    return struct.pack("!BBH", nxt, 0, 4 + len(body)) + body


def tr(nxt, ttype, tid, attrs=b""):
    return struct.pack("!BBHBBH", nxt, 0, 8 + len(attrs), ttype, 0, tid) + attrs


trs = (tr(3, 1, 20, struct.pack("!HH", 0x800e, 128)) + tr(3, 2, 5) + tr(0, 4, 19))
prop = struct.pack("!BBHBBBB", 0, 0, 8 + len(trs), 1, 1, 0, 3) + trs
sa = pl(34, prop)
ke = pl(40, struct.pack("!HH", 19, 0) + point)
nonce = pl(0, os.urandom(32))
body = sa + ke + nonce
hdr = os.urandom(8) + bytes(8) + struct.pack("!BBBBII", 33, 0x20, 34, 0x08, 0, 28 + len(body))
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("::", 5000))
s.settimeout(2)
s.sendto(hdr + body, (sys.argv[1], 500))
try:
    s.recvfrom(2048)
except socket.timeout:
    pass
