/* Unit tests for common/net/pkt.c: Router Advertisements, parsed and
 * built, against radvd's (RFC 4861 4.2, 4.6; vectors: pkt_vectors.c). */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "pkt_vectors.h"

/* ----------------------------------------------------------- RA parse -- */



Test(pkt, ra_parse_vectors)
{
	struct pmip_nd_ra_params want = radvd_params();
	struct pmip_nd_ra ra;
	struct frame f;

	f = frame_of(vec_ra, sizeof(vec_ra));
	memset(&ra, 0xaa, sizeof(ra));
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OK);
	assert_params_eq(&ra.p, &want);
	cr_assert(ra.has_mtu);
	cr_assert(ra.has_slla);
	cr_assert_arr_eq(ra.slla, mac_a, 6);
	cr_assert_eq(ra.prefixes_skipped, 0);

	f = frame_of(vec_ra_mcast, sizeof(vec_ra_mcast));
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OK);
	assert_params_eq(&ra.p, &want);

	f = frame_of(vec_rs, sizeof(vec_rs));
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_TYPE);
}

/* One test per rule of RFC 4861 6.1.2, from radvd's RA. */
Test(pkt, ra_rule_source_link_local)
{
	struct frame f = frame_of(vec_ra, sizeof(vec_ra));
	struct in6_addr g = addr("2001:db8:1::1"), any = addr("::"), site = addr("fec0::1");
	struct pmip_nd_ra ra;

	memcpy(f.b + ETH + 8, g.s6_addr, 16);
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_SOURCE);
	memcpy(f.b + ETH + 8, any.s6_addr, 16);
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_SOURCE);
	memcpy(f.b + ETH + 8, site.s6_addr, 16);   /* fec0::/10 is not fe80::/10 */
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_SOURCE);
	/* Source first of the RFC's list: before the hop limit. */
	f.b[ETH + 7] = 64;
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_SOURCE);
}

Test(pkt, ra_rule_hop_limit)
{
	struct frame f = frame_of(vec_ra, sizeof(vec_ra));
	struct pmip_nd_ra ra;

	f.b[ETH + 7] = 64;
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_HOP_LIMIT);
}

Test(pkt, ra_rule_checksum)
{
	struct frame f = frame_of(vec_ra_mcast, sizeof(vec_ra_mcast));
	struct pmip_nd_ra ra;

	f.b[L4 + 5] ^= 0x80;   /* the M flag */
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_CHECKSUM);
}

Test(pkt, ra_rule_code)
{
	struct frame f = frame_of(vec_ra, sizeof(vec_ra));
	struct pmip_nd_ra ra;

	f.b[L4 + 1] = 1;
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_CODE);
}

Test(pkt, ra_rule_length)
{
	struct frame f;
	struct pmip_nd_ra ra;
	size_t l;

	for (l = 4; l < 16; l++) {
		f = frame_of(vec_ra, sizeof(vec_ra));
		set_icmp_len(&f, l);
		fix_csum(&f);
		cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_SHORT, "len %zu", l);
	}
	/* 16: no options, valid. */
	f = frame_of(vec_ra, sizeof(vec_ra));
	set_icmp_len(&f, 16);
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OK);
	cr_assert_eq(ra.p.n_prefixes, 0);
	cr_assert_not(ra.has_mtu);
	cr_assert_eq(ra.p.mtu, 0);
	cr_assert_not(ra.has_slla);
}

/* Options in vec_ra: PIO at 16, PIO at 48, MTU at 80, SLLA at 88. */
#define RA_PIO0 16
#define RA_PIO1 48
#define RA_MTU 80
#define RA_SLLA 88

Test(pkt, ra_rule_option_length)
{
	struct frame f;
	struct pmip_nd_ra ra;
	static const size_t at[] = { RA_PIO0, RA_PIO1, RA_MTU, RA_SLLA };
	size_t i;

	/* Length 0 anywhere. */
	for (i = 0; i < 4; i++) {
		f = frame_of(vec_ra, sizeof(vec_ra));
		f.b[L4 + at[i] + 1] = 0;
		fix_csum(&f);
		cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OPTION, "option at %zu", at[i]);
	}
	/* Past the end. */
	f = frame_of(vec_ra, sizeof(vec_ra));
	f.b[L4 + RA_SLLA + 1] = 2;
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OPTION);
}

Test(pkt, ra_rule_option_forms)
{
	struct frame f;
	struct pmip_nd_ra ra;

	/* A PIO that is not 32 bytes: 5 units (the first is refused before
	 * the walk reaches the misplaced rest). */
	f = frame_of(vec_ra, sizeof(vec_ra));
	f.b[L4 + RA_PIO0 + 1] = 5;
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OPTION);
	/* Prefix length 129. */
	f = frame_of(vec_ra, sizeof(vec_ra));
	f.b[L4 + RA_PIO0 + 2] = 129;
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OPTION);
	/* 128 is fine. */
	f.b[L4 + RA_PIO0 + 2] = 128;
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OK);
	cr_assert_eq(ra.p.prefixes[0].len, 128);
	/* An MTU option of 16 bytes (eats the SLLA, which fits). */
	f = frame_of(vec_ra, sizeof(vec_ra));
	f.b[L4 + RA_MTU + 1] = 2;
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OPTION);
	/* Two MTU options: the SLLA turned into one. */
	f = frame_of(vec_ra, sizeof(vec_ra));
	memcpy(f.b + L4 + RA_SLLA, f.b + L4 + RA_MTU, 8);
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OPTION);
	/* Two SLLA options: the MTU turned into one. */
	f = frame_of(vec_ra, sizeof(vec_ra));
	memcpy(f.b + L4 + RA_MTU, f.b + L4 + RA_SLLA, 8);
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OPTION);
	/* A TLLA in an RA is unknown here: skipped. */
	f = frame_of(vec_ra, sizeof(vec_ra));
	f.b[L4 + RA_SLLA] = PMIP_ND_OPT_TLLA;
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OK);
	cr_assert_not(ra.has_slla);
	cr_assert_eq(ra.p.mtu, 1400);
}

Test(pkt, ra_parse_prefix_details)
{
	struct frame f;
	struct pmip_nd_ra ra;
	struct in6_addr want = addr("2001:db8:f0::");
	size_t i;

	/* Bits past the length are ignored by the receiver (RFC 4861 4.6.2). */
	f = frame_of(vec_ra, sizeof(vec_ra));
	memset(f.b + L4 + RA_PIO1 + 16 + 6, 0xff, 10);
	f.b[L4 + RA_PIO1 + 3] |= 0x3f;   /* reserved flag bits, ignored too */
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OK);
	cr_assert_arr_eq(ra.p.prefixes[1].prefix.s6_addr, want.s6_addr, 16);
	cr_assert(ra.p.prefixes[1].onlink);
	cr_assert_not(ra.p.prefixes[1].autonomous);

	/* Six prefixes: four kept, two counted. */
	f = frame_of(vec_ra, sizeof(vec_ra));
	set_icmp_len(&f, 96 + 4 * 32);
	for (i = 0; i < 4; i++)
		memcpy(f.b + L4 + 96 + 32 * i, f.b + L4 + RA_PIO0, 32);
	f.b[L4 + 96 + 3 * 32 + 16 + 15] = 0x99;   /* the last one differs */
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OK);
	cr_assert_eq(ra.p.n_prefixes, 4);
	cr_assert_eq(ra.prefixes_skipped, 2);
	cr_assert_eq(ra.p.prefixes[1].len, 48);
	cr_assert_eq(ra.p.prefixes[3].len, 64);

	/* An MTU option with 0: present, value 0. */
	f = frame_of(vec_ra, sizeof(vec_ra));
	memset(f.b + L4 + RA_MTU + 4, 0, 4);
	fix_csum(&f);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OK);
	cr_assert(ra.has_mtu);
	cr_assert_eq(ra.p.mtu, 0);
}

/* ----------------------------------------------------------- RA build -- */


Test(pkt, ra_build_equals_radvd)
{
	struct pmip_nd_ra_params p = radvd_params();
	struct in6_addr ll_a = addr("fe80::5054:ff:feaa:1"), ll_b = addr("fe80::5054:ff:febb:1");
	struct in6_addr all = addr("ff02::1");
	static const uint8_t all_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	uint8_t out[256];
	size_t n;

	memset(out, 0xee, sizeof(out));
	n = pmip_nd_ra_build(out, sizeof(out), mac_a, mac_b, &ll_a, &ll_b, &p);
	cr_assert_eq(n, sizeof(vec_ra));
	cr_assert_eq(out[n], 0xee);
	assert_equal_but_flow_label(out, vec_ra, n);

	n = pmip_nd_ra_build(out, sizeof(out), mac_a, all_mac, &ll_a, &all, &p);
	cr_assert_eq(n, sizeof(vec_ra_mcast));
	assert_equal_but_flow_label(out, vec_ra_mcast, n);

	/* Capacity. */
	cr_assert_eq(pmip_nd_ra_build(out, 150, mac_a, all_mac, &ll_a, &all, &p), 150);
	cr_assert_eq(pmip_nd_ra_build(out, 149, mac_a, all_mac, &ll_a, &all, &p), 0);
}

Test(pkt, ra_build_forms_and_reparse)
{
	struct pmip_nd_ra_params p;
	struct in6_addr ll = addr("fe80::1"), all = addr("ff02::1");
	static const uint8_t all_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	struct pmip_nd_ra ra;
	struct frame f;
	unsigned i;

	/* No prefix, no MTU: header and SLLA only. */
	memset(&p, 0, sizeof(p));
	p.managed = true;
	p.router_lifetime_s = 0xffff;
	p.reachable_ms = 0xffffffffu;
	p.retrans_ms = 1;
	f.len = pmip_nd_ra_build(f.b, sizeof(f.b), mac_a, all_mac, &ll, &all, &p);
	cr_assert_eq(f.len, L4 + 16 + 8);
	cr_assert_eq(f.b[L4 + 5], 0x80);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OK);
	assert_params_eq(&ra.p, &p);
	cr_assert_not(ra.has_mtu);
	cr_assert(ra.has_slla);

	/* Four prefixes, odd lengths, host bits set by the caller: zeroed. */
	p = radvd_params();
	p.n_prefixes = 4;
	p.prefixes[0].prefix = addr("2001:db8:1:2:3:4:5:6");
	p.prefixes[0].len = 64;
	p.prefixes[2].prefix = addr("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff");
	p.prefixes[2].len = 57;
	p.prefixes[2].valid_s = p.prefixes[2].preferred_s = 0xffffffffu;   /* infinity */
	p.prefixes[3].prefix = addr("2001:db8::1");
	p.prefixes[3].len = 128;
	p.prefixes[3].valid_s = 0;   /* withdraw */
	f.len = pmip_nd_ra_build(f.b, sizeof(f.b), mac_a, all_mac, &ll, &all, &p);
	cr_assert_eq(f.len, L4 + 16 + 4 * 32 + 8 + 8);
	cr_assert_eq(ra_of(&f, &ra), PMIP_PKT_ERR_OK);
	p.prefixes[0].prefix = addr("2001:db8:1:2::");
	p.prefixes[2].prefix = addr("2001:db8:ffff:ff80::");
	assert_params_eq(&ra.p, &p);
	for (i = 0; i < 4; i++)   /* Reserved2 */
		cr_assert_eq(f.b[L4 + 16 + 32 * i + 12] | f.b[L4 + 16 + 32 * i + 15], 0);
}

Test(pkt, ra_build_refused)
{
	struct pmip_nd_ra_params p = radvd_params();
	struct in6_addr ll = addr("fe80::1"), all = addr("ff02::1"), g = addr("2001:db8::1");
	struct in6_addr any = addr("::");
	uint8_t out[256];

	cr_assert_neq(pmip_nd_ra_build(out, sizeof(out), mac_a, mac_b, &ll, &all, &p), 0);
	cr_assert_eq(pmip_nd_ra_build(out, sizeof(out), mac_a, mac_b, &g, &all, &p), 0);
	cr_assert_eq(pmip_nd_ra_build(out, sizeof(out), mac_a, mac_b, &any, &all, &p), 0);
	cr_assert_eq(pmip_nd_ra_build(out, sizeof(out), mac_a, mac_b, &ll, &any, &p), 0);
	p.n_prefixes = 5;
	cr_assert_eq(pmip_nd_ra_build(out, sizeof(out), mac_a, mac_b, &ll, &all, &p), 0);
	p = radvd_params();
	p.prefixes[1].len = 129;
	cr_assert_eq(pmip_nd_ra_build(out, sizeof(out), mac_a, mac_b, &ll, &all, &p), 0);
	p = radvd_params();
	p.prefixes[1].preferred_s = p.prefixes[1].valid_s + 1;
	cr_assert_eq(pmip_nd_ra_build(out, sizeof(out), mac_a, mac_b, &ll, &all, &p), 0);
	p = radvd_params();
	p.mtu = 1279;
	cr_assert_eq(pmip_nd_ra_build(out, sizeof(out), mac_a, mac_b, &ll, &all, &p), 0);
	p.mtu = 1280;
	cr_assert_neq(pmip_nd_ra_build(out, sizeof(out), mac_a, mac_b, &ll, &all, &p), 0);
}
