#!/usr/bin/env bash
# Lab: ESP between MAG and LMA in transport mode (RFC 4303, RFC 5213 4),
# SAs installed by hand through the control sockets (IKEv2 installs them
# later). cp pings the peer under each SA and gets the answer under the
# peer's SA; tshark decrypts the capture with the MAG's key log and finds
# every ICV good and nothing malformed; replayed, tampered, unknown-SPI and
# plaintext Mobility Header packets are dropped and counted.
set -u
. "$(dirname "$0")/../../scripts/lab-lib.sh"
. "$(dirname "$0")/lab-test-lib.sh"

lab_test_scratch
lab_up || fail "lab did not come up"
rm -f "$LAB_DIR"/*-keys.esp_sa

K1=00112233445566778899aabbccddeeff01020304          # AES-GCM-128 key || salt
K2=ffeeddccbbaa99887766554433221100a1a2a3a4
C1=000102030405060708090a0b0c0d0e0f                  # AES-CBC-128
A1=101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f  # HMAC-SHA-256
C2=0f0e0d0c0b0a09080706050403020100
A2=2f2e2d2c2b2a292827262524232221201f1e1d1c1b1a19181716151413121110

step "capture the core segment"
ip netns exec pl-core tcpdump -i mag1 -w "$tmp/core.pcap" -U ip6 >/dev/null 2>&1 &
cap_pid=$!
sleep 1

step "SAs by hand: AES-GCM-128 (ids 1-2) and AES-CBC-128 + HMAC-SHA-256-128 (ids 3-4)"
sa() { lab_ctl "$1" cp sa add "${@:2}" >/dev/null || fail "sa add on $1: ${*:2}"; }
M=$LAB_MAG1_CORE L=$LAB_LMA1_CORE
sa mag1 id=1 dir=out mode=transport alg=aes-gcm-128 spi=0x1001 key=$K1 local=$M remote=$L
sa mag1 id=2 dir=in mode=transport alg=aes-gcm-128 spi=0x2001 key=$K2 local=$M remote=$L
sa lma1 id=1 dir=in mode=transport alg=aes-gcm-128 spi=0x1001 key=$K1 local=$L remote=$M
sa lma1 id=2 dir=out mode=transport alg=aes-gcm-128 spi=0x2001 key=$K2 local=$L remote=$M
sa mag1 id=3 dir=out mode=transport alg=aes-cbc-128-hmac-sha256 spi=0x1003 key=$C1 auth=$A1 local=$M remote=$L
sa mag1 id=4 dir=in mode=transport alg=aes-cbc-128-hmac-sha256 spi=0x2003 key=$C2 auth=$A2 local=$M remote=$L
sa lma1 id=3 dir=in mode=transport alg=aes-cbc-128-hmac-sha256 spi=0x1003 key=$C1 auth=$A1 local=$L remote=$M
sa lma1 id=4 dir=out mode=transport alg=aes-cbc-128-hmac-sha256 spi=0x2003 key=$C2 auth=$A2 local=$L remote=$M

step "echo under ESP, both algorithms, answered under the peer's SA"
for i in $(seq 1 50); do
	lab_ctl mag1 cp sa ping id=1 count=1 >/dev/null 2>&1 && break
	sleep 0.1 # until the MAG has resolved the LMA
done
lab_ctl mag1 cp sa ping id=1 count=4 >/dev/null || fail "sa ping 1"
lab_ctl mag1 cp sa ping id=3 count=5 >/dev/null || fail "sa ping 3"
sleep 1
stats=$(lab_ctl mag1 cp stats)
got=$(echo "$stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["echo"]["replies_received"])')
expect_ge "$got" 10 "MAG echo replies received under ESP"
lstats=$(lab_ctl lma1 cp stats)
expect_ge "$(echo "$lstats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["echo"]["replies"])')" 10 "LMA echo replies sent"

step "bad input is dropped and counted"
core_mac=$(ip -n pl-lma1 link show core0 | awk '/link\/ether/ {print $2}')
ip netns exec pl-core python3 "$(dirname "$0")/esp_inject.py" lma1 "$core_mac" "$tmp/core.pcap" "$M" "$L" ||
	fail "injection failed"
sleep 0.5
expect_ge "$(lab_counter lma1 drops esp_replay)" 1 "replayed ESP"
expect_ge "$(lab_counter lma1 drops esp_icv_failed)" 1 "tampered ESP"
expect_ge "$(lab_counter lma1 drops esp_unknown_spi)" 1 "unknown SPI"
expect_ge "$(lab_counter lma1 drops mh_plaintext)" 1 "plaintext Mobility Header"

step "tshark decrypts the capture with the MAG's key log"
kill "$cap_pid"
wait "$cap_pid" 2>/dev/null
cap_pid=
[ -s "$LAB_DIR/mag1-keys.esp_sa" ] || fail "no key log written"
# The MAG logged its own SAs: both directions of both pairs.
tshark_key_opts mag1
n_esp=$(tshark -r "$tmp/core.pcap" -Y esp 2>/dev/null | wc -l)
n_dec=$(tshark -r "$tmp/core.pcap" "${opts[@]}" -Y 'esp && icmpv6.type == 128 || esp && icmpv6.type == 129' 2>/dev/null | wc -l)
n_good=$(tshark -r "$tmp/core.pcap" "${opts[@]}" -Y 'esp.icv_good == 1' 2>/dev/null | wc -l)
bad=$(tshark -r "$tmp/core.pcap" "${opts[@]}" -Y '_ws.malformed || _ws.expert.severity >= "warning"' 2>/dev/null | head -5)
echo "  ESP packets $n_esp, decrypted to echo $n_dec, ICV good $n_good"
expect_ge "$n_dec" 20 "ESP packets tshark decrypted to ICMPv6 echo"
expect_ge "$n_good" 20 "ESP packets with an ICV tshark checked good"
[ -z "$bad" ] || fail "tshark found malformed or warning fields: $bad"
pass
