#!/usr/bin/env python3
"""Run DPDK's ipsec-secgw on one core over a pcap and measure its packet rate.

    run.py --secgw BIN --cfg CFG --pcap FILE --dir enc|dec --crypto VDEV
           [--lcore N] [--seconds S] [--window W] [--name NAME] [--extra ARG]...

Ports (scripts/secgw/transport-gcm128.cfg): 0 protected, 1 unprotected.
enc: port 0 is net_pcap replaying FILE forever (infinite_rx: each packet
copied into a fresh mbuf, as bench_esp's generator does), port 1 a net_null
sink; dec: the other way round. One lcore (EAL main lcore = the worker; the
example asks each port for one tx queue per lcore and net_pcap has one).
--no-huge, so nothing is set up on the machine; the EAL runtime directory
is removed afterwards.

The rate comes from DPDK telemetry (the example's socket): the sink port's
transmitted packets (/ethdev/stats), read every W seconds for S seconds once
packets flow; the best window is reported (the machine is shared), with the
mean. At least 99 % of what the pcap port received in the measured span
must have left by the sink port, else the run fails; the difference is
printed (the example's own /examples/ipsec-secgw/stats answers null in
22.11).

Output: "result KEY VALUE" lines: secgw_mpps (best window), secgw_mean_mpps,
secgw_rx, secgw_dropped (received less sent: in flight or dropped).
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

RUNTIME = "/var/run/dpdk"


def telemetry(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    json.loads(s.recv(16384))  # the greeting: version, pid, max_output_len
    return s


def query(s, cmd):
    s.send(cmd.encode())
    return json.loads(s.recv(65536))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--secgw", required=True)
    ap.add_argument("--cfg", required=True)
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--dir", choices=("enc", "dec"), required=True)
    ap.add_argument("--crypto", required=True, help="crypto vdev, e.g. crypto_openssl0")
    ap.add_argument("--lcore", default="1")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--window", type=float, default=0.5)
    ap.add_argument("--name", default="secgw")
    ap.add_argument("--extra", action="append", default=[],
                    help="one more argument for the application (after --)")
    ap.add_argument("--log", help="keep the application's output here")
    a = ap.parse_args()

    prefix = f"pmip-bench-{a.name}-{os.getpid()}"
    rundir = os.path.join(RUNTIME, prefix)
    pcap_dev = f"rx_pcap={a.pcap},infinite_rx=1"
    if a.dir == "enc":
        ports = [f"net_pcap0,{pcap_dev}", "net_null1,no-rx=1"]
        sink = 1
    else:
        ports = ["net_null0,no-rx=1", f"net_pcap1,{pcap_dev}"]
        sink = 0
    cmd = [a.secgw, "-l", a.lcore, "--no-huge", "-m", "1024", "--no-pci",
           "--file-prefix", prefix, "--log-level=4"]
    for p in ports:
        cmd += ["--vdev", p]
    cmd += ["--vdev", a.crypto, "--",
            "-p", "0x3", "-u", "0x2",
            "--config", f"(0,0,{a.lcore}),(1,0,{a.lcore})",
            "-f", a.cfg, "--mtu", "1600"] + a.extra
    log = open(a.log or os.devnull, "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    rc = 1
    try:
        sock_path = os.path.join(rundir, "dpdk_telemetry.v2")
        deadline = time.monotonic() + 30
        s = None
        while s is None:
            if proc.poll() is not None:
                raise RuntimeError(f"ipsec-secgw exited with {proc.returncode} at start-up")
            if time.monotonic() > deadline:
                raise RuntimeError("no telemetry socket after 30 s")
            try:
                s = telemetry(sock_path)
            except OSError:
                time.sleep(0.1)

        def sample():
            rx = query(s, f"/ethdev/stats,{1 - sink}")["/ethdev/stats"]["ipackets"]
            t = time.monotonic()
            tx = query(s, f"/ethdev/stats,{sink}")["/ethdev/stats"]["opackets"]
            return t, tx, rx

        # Wait for packets to flow, and let them run a moment (warm-up).
        while sample()[1] == 0:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("no packet forwarded")
            time.sleep(0.05)
        time.sleep(0.3)
        first = prev = sample()
        best = 0.0
        end = first[0] + a.seconds
        while prev[0] < end:
            time.sleep(a.window)
            cur = sample()
            best = max(best, (cur[1] - prev[1]) / (cur[0] - prev[0]))
            prev = cur
        mean = (prev[1] - first[1]) / (prev[0] - first[0])
        rx = prev[2] - first[2]
        # What came in and did not go out: packets in flight (crypto queue
        # pair, tx buffers) and drops, which count against the example
        # (only what it sent is its rate). A systematic drop, such as a
        # failed ICV, shows as all packets: more than 1 % fails the run.
        dropped = max(0, rx - (prev[1] - first[1]))
        print(f"result secgw_mpps {best / 1e6:.4f}")
        print(f"result secgw_mean_mpps {mean / 1e6:.4f}")
        print(f"result secgw_rx {rx}")
        print(f"result secgw_dropped {dropped}")
        if dropped * 100 > rx or mean == 0:
            raise RuntimeError(f"{dropped} packets dropped by ipsec-secgw of {rx}")
        rc = 0
    except (RuntimeError, OSError, KeyError, ValueError) as e:
        print(f"secgw run.py: {e} (command: {' '.join(cmd)})", file=sys.stderr)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(rundir, ignore_errors=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
