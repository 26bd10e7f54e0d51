#!/usr/bin/env bash
# Lab: the duplicate home address path (seed 4.3) when the LMA has no
# address to give: mn2 (MAG1) and mn3 (MAG2) are configured with one home
# address; the LMA refuses mn3 with status 134; MAG2 renews its IKE SA
# asking for an address, the LMA answers INTERNAL_ADDRESS_FAILURE (no pool
# in its ini), and MAG2 generates an address in mn3's prefix (seed 4.4.2)
# with which mn3 registers.
set -u
export LAB_MAG2=1
. "$(dirname "$0")/../../scripts/lab-lib.sh"
. "$(dirname "$0")/lab-test-lib.sh"

lab_test_scratch
export LAB_CONFIG_DIR=$tmp
for gw in mag1 mag2; do
	cp "$LAB_REPO/config/lab/$gw.ini" "$tmp/$gw.ini"
done
# The LMA's ini without any home-address pool.
grep -v '^pool = ' "$LAB_REPO/config/lab/lma1.ini" >"$tmp/lma1.ini"
grep -q '^pool' "$tmp/lma1.ini" && fail "a pool is left in the LMA's ini"
lab_copy_tables "$tmp"

j() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
hoa_of() { # gw mac
	lab_ctl "$1" cp binding list | python3 -c '
import json, sys
for b in json.load(sys.stdin)["bindings"]:
    if b["mac"] == sys.argv[1]:
        print(b["hoa"])' "$2"
}
registered() { [ -n "$(hoa_of "$1" "$2")" ]; }

lab_up || fail "lab did not come up"
lab_wait_ike mag1 20 >/dev/null || fail "no IKE SA MAG1-LMA"
lab_wait_ike mag2 20 >/dev/null || fail "no IKE SA MAG2-LMA"

step "mn2 on MAG1 takes 2001:db8:1001::5"
lab_ctl mag1 cp pmip attach mac=02:00:00:00:01:02 port=acc0 >/dev/null || fail "attach mn2"
wait_for 10 registered mag1 02:00:00:00:01:02 || fail "mn2 not registered"
expect_eq "$(hoa_of mag1 02:00:00:00:01:02)" 2001:db8:1001::5 "mn2's home address"

step "mn3 on MAG2 with the same address: 134, a new IKE SA without an address, a generated one"
lab_ctl mag2 cp pmip attach mac=02:00:00:00:01:03 port=acc0 >/dev/null || fail "attach mn3"
wait_for 30 registered mag2 02:00:00:00:01:03 || fail "mn3 never registered: $(lab_ctl mag2 cp pmip stats)"
expect_ge "$(lab_ctl lma1 cp pmip stats | j "d['hoa_conflicts']")" 1 "PBUs refused with status 134"
expect_ge "$(lab_ctl lma1 cp ike stats | j "d.get('home_addresses', {}).get('refused', 0)")" 1 \
	"address requests the LMA refused (no pool)"
hoa3=$(hoa_of mag2 02:00:00:00:01:03)
[ "$hoa3" != 2001:db8:1001::5 ] && [ "${hoa3#2001:db8:1001:}" != "$hoa3" ] ||
	fail "mn3's generated address $hoa3 is not another one in 2001:db8:1001::/64"
grep -q "generated: the LMA gave none" "$LAB_DIR/mag2-cp.log" || fail "MAG2 did not log a generated address"
step "mn3 registered with the generated address $hoa3"
pass
