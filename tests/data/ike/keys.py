#!/usr/bin/env python3
"""Take the secrets charon logged during a capture.sh run (filelog with
`ike = 4` and `chd = 4`) and write them as text for test_ike_crypto.c.

usage: keys.py WORKDIR RUN OUT.txt
  WORKDIR: capture.sh's (a/charon.log: the initiator, b/charon.log: the
  responder); RUN: a name for the header comment.

Output: one `label hex` per line ('#' lines are comments), labels:
  ikeN.g_ir ikeN.skeyseed ikeN.sk_d ikeN.sk_ai ikeN.sk_ar ikeN.sk_ei
  ikeN.sk_er ikeN.sk_pi ikeN.sk_pr      (IKE SA N, N = 1, 2 (the rekeyed))
  ikeN.auth_i.idx ikeN.auth_i.octets [ikeN.auth_i.auth]  (the initiator's
  ikeN.auth_r.idx ikeN.auth_r.octets [ikeN.auth_r.auth]   and responder's
      AUTH: RestOfIDPayload, the signed octets, and for PSK the AUTH value)
  ikeN.psk ikeN.psk_keypad               (PSK runs: secret, prf(secret, pad))
  childN.g_ir childN.seed childN.encr_i childN.encr_r [childN.integ_i
  childN.integ_r]                         (CHILD_SA N, in the order made)

charon 5.9.8 prints these at level 4 (keymat_v2.c): IKE "shared Diffie
Hellman secret", "SKEYSEED", "Sk_d secret" ... "Sk_pr secret", "IDx'",
"SK_p", "octets = message + nonce + prf(Sk_px, IDx')", "secret",
"prf(secret, keypad)", "AUTH = prf(prf(secret, keypad), octets)"; CHD
"DH secret" (PFS only), "seed", "encryption initiator key", "encryption
responder key", "integrity initiator key", "integrity responder key".
Every value is taken from the initiator's log and must appear identical
in the responder's (the AUTH blocks swap: a builds AUTH_i and verifies
AUTH_r, b the other way round).
"""
import re
import sys

W, RUN, OUT = sys.argv[1], sys.argv[2], sys.argv[3]

HDR = re.compile(r"^\d+ (\d+)\[(IKE|CHD)\] (.+?) => (\d+) bytes @ 0x[0-9a-f]+$")
DUMP = re.compile(r"^\d+ (\d+)\[(IKE|CHD)\]\s+(\d+): ((?:[0-9A-F]{2} )+)")


def dumps(path):
    """(group, name, bytes) for every hex dump of the log, in order."""
    out, cur = [], None
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.rstrip("\n")
        m = HDR.match(line)
        if m:
            cur = [m.group(1), m.group(2), m.group(3), int(m.group(4)), bytearray()]
            out.append(cur)
            continue
        m = DUMP.match(line)
        if m and cur is not None and m.group(1) == cur[0] and int(m.group(3)) == len(cur[4]):
            cur[4] += bytes.fromhex(m.group(4).replace(" ", ""))
            continue
        cur = None
    for d in out:
        assert len(d[4]) == d[3], "%s: %d != %d bytes" % (d[2], len(d[4]), d[3])
    return [(d[1], d[2], bytes(d[4])) for d in out]


IKE_KEYS = {"SKEYSEED": "skeyseed", "Sk_d secret": "sk_d", "Sk_ai secret": "sk_ai",
            "Sk_ar secret": "sk_ar", "Sk_ei secret": "sk_ei", "Sk_er secret": "sk_er",
            "Sk_pi secret": "sk_pi", "Sk_pr secret": "sk_pr"}
CHD_KEYS = {"DH secret": "g_ir", "seed": "seed", "encryption initiator key": "encr_i",
            "encryption responder key": "encr_r", "integrity initiator key": "integ_i",
            "integrity responder key": "integ_r"}


def labels(path):
    """label -> value, in order, from one charon log."""
    res, ike, child, auth = {}, 0, 0, None
    pending_dh = None
    for grp, name, val in dumps(path):
        if grp == "IKE" and name == "shared Diffie Hellman secret":
            ike += 1
            res["ike%d.g_ir" % ike] = val
        elif grp == "IKE" and name in IKE_KEYS:
            res["ike%d.%s" % (ike, IKE_KEYS[name])] = val
        elif grp == "IKE" and name == "IDx'":
            auth = {"idx": val}
        elif grp == "IKE" and name == "SK_p" and auth is not None:
            auth["dir"] = "i" if val == res["ike%d.sk_pi" % ike] else "r"
            assert val == res["ike%d.sk_%s" % (ike, "p" + auth["dir"])]
            res["ike%d.auth_%s.idx" % (ike, auth["dir"])] = auth["idx"]
        elif grp == "IKE" and name.startswith("octets = ") and auth is not None:
            res["ike%d.auth_%s.octets" % (ike, auth["dir"])] = val
        elif grp == "IKE" and name == "secret" and auth is not None:
            res["ike%d.psk" % ike] = val
        elif grp == "IKE" and name == "prf(secret, keypad)" and auth is not None:
            res["ike%d.psk_keypad" % ike] = val
        elif grp == "IKE" and name.startswith("AUTH = ") and auth is not None:
            res["ike%d.auth_%s.auth" % (ike, auth["dir"])] = val
        elif grp == "CHD" and name == "DH secret":
            pending_dh = val
        elif grp == "CHD" and name == "seed":
            child += 1
            if pending_dh is not None:
                res["child%d.g_ir" % child] = pending_dh
                pending_dh = None
            res["child%d.seed" % child] = val
        elif grp == "CHD" and name in CHD_KEYS:
            res["child%d.%s" % (child, CHD_KEYS[name])] = val
    return res


def main():
    a = labels(W + "/a/charon.log")
    b = labels(W + "/b/charon.log")
    assert a.keys() == b.keys(), sorted(set(a.keys()) ^ set(b.keys()))
    for k in a:
        assert a[k] == b[k], "%s differs between the two logs" % k
    with open(OUT, "w") as f:
        f.write("# %s: secrets charon logged (ike = 4, chd = 4), written by keys.py\n" % RUN)
        for k, v in a.items():
            f.write("%s %s\n" % (k, v.hex()))
    print(OUT, len(a), "values")


main()
