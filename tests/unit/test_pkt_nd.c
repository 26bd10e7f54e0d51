/* Unit tests for common/net/pkt.c: Neighbor Discovery: NS, NA, RS parse
 * and NS build (RFC 4861; vectors: pkt_vectors.c). */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "pkt_vectors.h"

/* ------------------------------------------------------------------ ND -- */

Test(pkt, ns_parse_vectors)
{
	struct frame f = frame_of(vec_ns, sizeof(vec_ns));
	struct pmip_nd_ns ns;
	struct in6_addr t = addr("2001:db8::2");
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OK);
	cr_assert_arr_eq(ns.target.s6_addr, t.s6_addr, 16);
	cr_assert(ns.has_slla);
	cr_assert_arr_eq(ns.slla, mac, 6);

	/* DAD: from ::, no SLLA, an unknown (Nonce, RFC 7527) option skipped. */
	f = frame_of(vec_dad_ns, sizeof(vec_dad_ns));
	t = addr("2001:db8::3");
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OK);
	cr_assert_arr_eq(ns.target.s6_addr, t.s6_addr, 16);
	cr_assert_not(ns.has_slla);

	f = frame_of(vec_dad_ns_ll, sizeof(vec_dad_ns_ll));
	t = addr("fe80::5054:ff:fe12:3456");
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OK);
	cr_assert_arr_eq(ns.target.s6_addr, t.s6_addr, 16);
	cr_assert_not(ns.has_slla);

	/* Other ND messages are not NS. */
	f = frame_of(vec_rs, sizeof(vec_rs));
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_TYPE);
	f = frame_of(vec_na, sizeof(vec_na));
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_TYPE);
	f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_TYPE);
}

/* One test per rule of RFC 4861 7.1.1, each starting from a real NS that
 * breaks only that rule (checksum recomputed after the change). */
Test(pkt, ns_rule_hop_limit)
{
	struct frame f = frame_of(vec_ns, sizeof(vec_ns));
	struct pmip_nd_ns ns;

	f.b[ETH + 7] = 254;   /* forwarded once: not on-link */
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_HOP_LIMIT);
	f.b[ETH + 7] = 64;
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_HOP_LIMIT);
}

Test(pkt, ns_rule_checksum)
{
	struct frame f = frame_of(vec_ns, sizeof(vec_ns));
	struct pmip_nd_ns ns;

	f.b[L4 + 3] ^= 0x01;
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_CHECKSUM);
	/* The pseudo-header counts: a changed source breaks it too. */
	f = frame_of(vec_ns, sizeof(vec_ns));
	f.b[ETH + 23] = 0x09;
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_CHECKSUM);
}

Test(pkt, ns_rule_code)
{
	struct frame f = frame_of(vec_ns, sizeof(vec_ns));
	struct pmip_nd_ns ns;

	f.b[L4 + 1] = 1;
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_CODE);
}

Test(pkt, ns_rule_length)
{
	struct frame f = frame_of(vec_dad_ns, sizeof(vec_dad_ns));
	struct pmip_ipv6_view ip;
	struct pmip_nd_ns ns;
	size_t l;

	/* ICMPv6 length 4..23, checksum right for that length. */
	for (l = 4; l < 24; l++) {
		f = frame_of(vec_dad_ns, sizeof(vec_dad_ns));
		set_icmp_len(&f, l);
		fix_csum(&f);
		cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_SHORT, "len %zu", l);
	}
	/* Exactly 24: no options, valid (DAD needs none). */
	f = frame_of(vec_dad_ns, sizeof(vec_dad_ns));
	set_icmp_len(&f, 24);
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OK);
	/* Too short for the ICMPv6 header itself. */
	ip_of(&f, &ip);
	for (l = 0; l < 4; l++)
		cr_assert_eq(pmip_nd_ns_parse(&ip, f.b + L4, l, &ns), PMIP_PKT_ERR_SHORT);
}

Test(pkt, ns_rule_target_multicast)
{
	struct frame f = frame_of(vec_ns, sizeof(vec_ns));
	struct in6_addr m = addr("ff02::1:ff00:2");
	struct pmip_nd_ns ns;

	memcpy(f.b + L4 + 8, m.s6_addr, 16);
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_TARGET);
}

Test(pkt, ns_rule_option_length)
{
	struct frame f;
	struct pmip_nd_ns ns;

	/* Length 0: would loop forever in a naive parser. */
	f = frame_of(vec_ns, sizeof(vec_ns));
	f.b[L4 + 25] = 0;
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OPTION);
	f = frame_of(vec_dad_ns, sizeof(vec_dad_ns));
	f.b[L4 + 25] = 0;   /* the Nonce option */
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OPTION);

	/* Past the end of the message. */
	f = frame_of(vec_ns, sizeof(vec_ns));
	f.b[L4 + 25] = 2;
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OPTION);
	f = frame_of(vec_dad_ns, sizeof(vec_dad_ns));
	f.b[L4 + 25] = 0xff;
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OPTION);

	/* A stray byte after the last option: no room for a type and length. */
	f = frame_of(vec_ns, sizeof(vec_ns));
	set_icmp_len(&f, 33);
	f.b[f.len - 1] = 1;
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OPTION);
	/* Two: room for type and length, but length 0. */
	f = frame_of(vec_ns, sizeof(vec_ns));
	set_icmp_len(&f, 34);
	f.b[f.len - 2] = 14;
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OPTION);
}

Test(pkt, ns_slla_option_forms)
{
	struct frame f;
	struct pmip_nd_ns ns;
	static const uint8_t nonce[8] = { 0x0e, 0x01, 1, 2, 3, 4, 5, 6 };
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

	/* SLLA of 16 bytes: not an Ethernet address (RFC 2464 6). */
	f = frame_of(vec_ns, sizeof(vec_ns));
	set_icmp_len(&f, 40);
	f.b[L4 + 25] = 2;
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OPTION);

	/* Two SLLA options. */
	f = frame_of(vec_ns, sizeof(vec_ns));
	set_icmp_len(&f, 40);
	memcpy(f.b + L4 + 32, f.b + L4 + 24, 8);
	f.b[L4 + 39] ^= 1;
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OPTION);

	/* Unknown option before the SLLA: skipped, SLLA still found. */
	f = frame_of(vec_ns, sizeof(vec_ns));
	set_icmp_len(&f, 40);
	memcpy(f.b + L4 + 32, f.b + L4 + 24, 8);
	memcpy(f.b + L4 + 24, nonce, 8);
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OK);
	cr_assert(ns.has_slla);
	cr_assert_arr_eq(ns.slla, mac, 6);

	/* A TLLA in an NS is unknown here: skipped, no SLLA. */
	f = frame_of(vec_ns, sizeof(vec_ns));
	f.b[L4 + 24] = PMIP_ND_OPT_TLLA;
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OK);
	cr_assert_not(ns.has_slla);
}

Test(pkt, ns_rule_dad)
{
	struct frame f;
	struct pmip_nd_ns ns;
	struct in6_addr all_nodes = addr("ff02::1"), other_sn = addr("ff02::1:ff99:8877");
	struct in6_addr uni = addr("2001:db8::2");

	/* From :: to a non-solicited-node multicast address. */
	f = frame_of(vec_dad_ns, sizeof(vec_dad_ns));
	memcpy(f.b + ETH + 24, all_nodes.s6_addr, 16);
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_DAD_RULE);
	/* ... or to a unicast address. */
	f = frame_of(vec_dad_ns, sizeof(vec_dad_ns));
	memcpy(f.b + ETH + 24, uni.s6_addr, 16);
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_DAD_RULE);
	/* The RFC asks for "a solicited-node multicast address", not the
	 * target's: another one passes. */
	f = frame_of(vec_dad_ns, sizeof(vec_dad_ns));
	memcpy(f.b + ETH + 24, other_sn.s6_addr, 16);
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OK);

	/* From :: with an SLLA option (the real NS, its source cleared). */
	f = frame_of(vec_ns, sizeof(vec_ns));
	memset(f.b + ETH + 8, 0, 16);
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_DAD_RULE);

	/* A unicast NS (NUD) with a unicast destination and no SLLA is fine. */
	f = frame_of(vec_ns, sizeof(vec_ns));
	memcpy(f.b + ETH + 24, uni.s6_addr, 16);
	set_icmp_len(&f, 24);
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OK);
	cr_assert_not(ns.has_slla);
}

/* When several rules are broken, the first in RFC order is reported. */
Test(pkt, ns_rule_order)
{
	struct frame f;
	struct pmip_ipv6_view ip;
	struct pmip_nd_ns ns;

	f = frame_of(vec_ns, sizeof(vec_ns));   /* hop limit and checksum */
	f.b[ETH + 7] = 1;
	f.b[L4 + 2] ^= 0x10;
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_HOP_LIMIT);

	f = frame_of(vec_ns, sizeof(vec_ns));   /* checksum and code */
	f.b[L4 + 1] = 3;
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_CHECKSUM);

	f = frame_of(vec_ns, sizeof(vec_ns));   /* code and length */
	f.b[L4 + 1] = 3;
	set_icmp_len(&f, 20);
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_CODE);

	f = frame_of(vec_ns, sizeof(vec_ns));   /* target and option */
	f.b[L4 + 8] = 0xff;
	f.b[L4 + 25] = 0;
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_TARGET);

	f = frame_of(vec_ns, sizeof(vec_ns));   /* option and DAD (from :: with SLLA) */
	memset(f.b + ETH + 8, 0, 16);
	set_icmp_len(&f, 33);
	fix_csum(&f);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OPTION);

	f = frame_of(vec_rs, sizeof(vec_rs));   /* type before hop limit */
	f.b[ETH + 7] = 1;
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_TYPE);

	f = frame_of(vec_ns, sizeof(vec_ns));   /* next header first of all */
	ip_of(&f, &ip);
	ip.next_header = 0;
	cr_assert_eq(pmip_nd_ns_parse(&ip, f.b + L4, ip.payload_len, &ns), PMIP_PKT_ERR_NEXT_HEADER);
}

/* Our NA answering the kernel's NS against the kernel's NA to it. */
Test(pkt, na_build_equals_kernel)
{
	struct frame f = frame_of(vec_ns, sizeof(vec_ns));
	static const uint8_t mac_v1[6] = { 0x52, 0x54, 0x00, 0x65, 0x43, 0x21 };
	struct pmip_ipv6_view ip;
	struct pmip_nd_ns ns;
	uint8_t out[128];
	size_t n;

	ip_of(&f, &ip);
	cr_assert_eq(pmip_nd_ns_parse(&ip, f.b + L4, ip.payload_len, &ns), PMIP_PKT_ERR_OK);
	memset(out, 0xee, sizeof(out));
	/* RFC 4861 7.2.4: to the NS source, target = NS target, S and O. */
	n = pmip_nd_na_build(out, sizeof(out), mac_v1, ns.slla, &ns.target, &ip.src, &ns.target,
			     PMIP_NA_FLAG_SOLICITED | PMIP_NA_FLAG_OVERRIDE);
	cr_assert_eq(n, 86);
	cr_assert_eq(n, sizeof(vec_na));
	cr_assert_eq(out[86], 0xee, "wrote past the NA");
	cr_assert_arr_eq(out, vec_na, 14, "Ethernet header");
	cr_assert_arr_eq(out + ETH, vec_na + ETH, 40, "IPv6 header");
	cr_assert_arr_eq(out + L4, vec_na + L4, 4, "type, code, checksum");
	cr_assert_arr_eq(out + L4 + 4, vec_na + L4 + 4, 4, "flags");
	cr_assert_arr_eq(out + L4 + 8, vec_na + L4 + 8, 16, "target");
	cr_assert_arr_eq(out + L4 + 24, vec_na + L4 + 24, 8, "TLLA option");

	/* Capacity. */
	cr_assert_eq(pmip_nd_na_build(out, 85, mac_v1, ns.slla, &ns.target, &ip.src, &ns.target, 0),
		     0);
	cr_assert_eq(pmip_nd_na_build(out, 86, mac_v1, ns.slla, &ns.target, &ip.src, &ns.target, 0),
		     86);
}

Test(pkt, na_build_flags)
{
	static const uint8_t m1[6] = { 2, 0, 0, 0, 0, 1 }, m2[6] = { 2, 0, 0, 0, 0, 2 };
	struct in6_addr s = addr("fe80::1"), d = addr("ff02::1");
	struct frame f;
	struct pmip_ipv6_view ip;

	f.len = pmip_nd_na_build(f.b, sizeof(f.b), m1, m2, &s, &d, &s,
				 PMIP_NA_FLAG_ROUTER | PMIP_NA_FLAG_OVERRIDE | 0x1fffffffu);
	cr_assert_eq(f.len, 86);
	/* Reserved bits are zero (RFC 4861 4.4) whatever the caller passed. */
	cr_assert_eq(f.b[L4 + 4], 0xa0);
	cr_assert_eq(f.b[L4 + 5] | f.b[L4 + 6] | f.b[L4 + 7], 0);
	ip_of(&f, &ip);
	cr_assert_eq(ip.hop_limit, 255);
	cr_assert_eq(ip.payload_len, 32);
	cr_assert_eq(ip.traffic_class, 0);
	cr_assert_eq(ip.flow_label, 0);
	cr_assert_eq(pmip_ipv6_l4_checksum(&ip.src, &ip.dst, 58, f.b + L4, 32), 0);
}

/* ----------------------------------------------------------- RS parse -- */


Test(pkt, rs_parse_vectors)
{
	struct frame f = frame_of(vec_rs, sizeof(vec_rs));
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	struct pmip_nd_rs rs;

	memset(&rs, 0xaa, sizeof(rs));
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_OK);
	cr_assert(rs.has_slla);
	cr_assert_arr_eq(rs.slla, mac, 6);

	/* Without options (a host that has no address yet, from ::). */
	set_icmp_len(&f, 8);
	memset(f.b + ETH + 8, 0, 16);
	fix_csum(&f);
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_OK);
	cr_assert_not(rs.has_slla);
	cr_assert_eq(rs.slla[0] | rs.slla[5], 0);

	/* Not an RS. */
	f = frame_of(vec_ns, sizeof(vec_ns));
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_TYPE);
	f = frame_of(vec_ra, sizeof(vec_ra));
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_TYPE);
}

/* One test per rule of RFC 4861 6.1.1, from the kernel's RS. */
Test(pkt, rs_rule_hop_limit)
{
	struct frame f = frame_of(vec_rs, sizeof(vec_rs));
	struct pmip_nd_rs rs;

	f.b[ETH + 7] = 254;
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_HOP_LIMIT);
}

Test(pkt, rs_rule_checksum)
{
	struct frame f = frame_of(vec_rs, sizeof(vec_rs));
	struct pmip_nd_rs rs;

	f.b[f.len - 1] ^= 0x80;   /* the SLLA's last byte */
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_CHECKSUM);
}

Test(pkt, rs_rule_code)
{
	struct frame f = frame_of(vec_rs, sizeof(vec_rs));
	struct pmip_nd_rs rs;

	f.b[L4 + 1] = 0x80;
	fix_csum(&f);
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_CODE);
}

Test(pkt, rs_rule_length)
{
	struct frame f;
	struct pmip_nd_rs rs;
	size_t l;

	for (l = 4; l < 8; l++) {
		f = frame_of(vec_rs, sizeof(vec_rs));
		set_icmp_len(&f, l);
		fix_csum(&f);
		cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_SHORT, "len %zu", l);
	}
}

Test(pkt, rs_rule_option_length)
{
	struct frame f;
	struct pmip_nd_rs rs;

	f = frame_of(vec_rs, sizeof(vec_rs));
	f.b[L4 + 9] = 0;
	fix_csum(&f);
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_OPTION);
	f = frame_of(vec_rs, sizeof(vec_rs));
	f.b[L4 + 9] = 2;   /* 16 bytes, 8 left */
	fix_csum(&f);
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_OPTION);
	f = frame_of(vec_rs, sizeof(vec_rs));
	set_icmp_len(&f, 17);   /* one stray byte */
	fix_csum(&f);
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_OPTION);
	/* Two SLLA options. */
	f = frame_of(vec_rs, sizeof(vec_rs));
	set_icmp_len(&f, 24);
	memcpy(f.b + L4 + 16, f.b + L4 + 8, 8);
	fix_csum(&f);
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_OPTION);
}

Test(pkt, rs_rule_unspecified_source_slla)
{
	struct frame f = frame_of(vec_rs, sizeof(vec_rs));
	struct pmip_nd_rs rs;

	memset(f.b + ETH + 8, 0, 16);
	fix_csum(&f);
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_UNSPEC_SLLA);
	/* An unknown option from :: is fine. */
	f.b[L4 + 8] = 14;
	fix_csum(&f);
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_OK);
	cr_assert_not(rs.has_slla);
	/* Option rule before the :: rule. */
	f.b[L4 + 8] = PMIP_ND_OPT_SLLA;
	set_icmp_len(&f, 17);
	fix_csum(&f);
	cr_assert_eq(rs_of(&f, &rs), PMIP_PKT_ERR_OPTION);
}

/* ----------------------------------------------------------- NA parse -- */

Test(pkt, na_parse_vectors)
{
	struct frame f = frame_of(vec_na, sizeof(vec_na));
	static const uint8_t mac_v1[6] = { 0x52, 0x54, 0x00, 0x65, 0x43, 0x21 };
	struct in6_addr t = addr("2001:db8::2");
	struct pmip_nd_na na;

	memset(&na, 0xaa, sizeof(na));
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_OK);
	cr_assert_arr_eq(na.target.s6_addr, t.s6_addr, 16);
	cr_assert_eq(na.flags, PMIP_NA_FLAG_SOLICITED | PMIP_NA_FLAG_OVERRIDE);
	cr_assert(na.has_tlla);
	cr_assert_arr_eq(na.tlla, mac_v1, 6);

	/* The router's answer to a NUD probe: R|S, no option. */
	f = frame_of(vec_na_router, sizeof(vec_na_router));
	t = addr("fe80::5054:ff:feaa:1");
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_OK);
	cr_assert_arr_eq(na.target.s6_addr, t.s6_addr, 16);
	cr_assert_eq(na.flags, PMIP_NA_FLAG_ROUTER | PMIP_NA_FLAG_SOLICITED);
	cr_assert_not(na.has_tlla);

	f = frame_of(vec_ns, sizeof(vec_ns));
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_TYPE);
}

/* One test per rule of RFC 4861 7.1.2, from the kernels' NAs. */
Test(pkt, na_rule_hop_limit)
{
	struct frame f = frame_of(vec_na, sizeof(vec_na));
	struct pmip_nd_na na;

	f.b[ETH + 7] = 1;
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_HOP_LIMIT);
}

Test(pkt, na_rule_checksum)
{
	struct frame f = frame_of(vec_na_router, sizeof(vec_na_router));
	struct pmip_nd_na na;

	f.b[L4 + 23] ^= 1;   /* target */
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_CHECKSUM);
}

Test(pkt, na_rule_code)
{
	struct frame f = frame_of(vec_na, sizeof(vec_na));
	struct pmip_nd_na na;

	f.b[L4 + 1] = 1;
	fix_csum(&f);
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_CODE);
}

Test(pkt, na_rule_length)
{
	struct frame f;
	struct pmip_nd_na na;
	size_t l;

	for (l = 4; l < 24; l++) {
		f = frame_of(vec_na_router, sizeof(vec_na_router));
		set_icmp_len(&f, l);
		fix_csum(&f);
		cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_SHORT, "len %zu", l);
	}
}

Test(pkt, na_rule_target_multicast)
{
	struct frame f = frame_of(vec_na, sizeof(vec_na));
	struct in6_addr m = addr("ff02::1");
	struct pmip_nd_na na;

	memcpy(f.b + L4 + 8, m.s6_addr, 16);
	fix_csum(&f);
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_TARGET);
}

Test(pkt, na_rule_solicited_multicast)
{
	struct frame f = frame_of(vec_na, sizeof(vec_na));
	struct in6_addr all = addr("ff02::1");
	struct pmip_nd_na na;

	memcpy(f.b + ETH + 24, all.s6_addr, 16);
	fix_csum(&f);
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_SOLICITED);
	/* Unsolicited to all nodes (RFC 4861 7.2.6) is fine. */
	f.b[L4 + 4] &= (uint8_t)~0x40;
	fix_csum(&f);
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_OK);
	cr_assert_eq(na.flags, PMIP_NA_FLAG_OVERRIDE);
}

Test(pkt, na_rule_option_length)
{
	struct frame f;
	struct pmip_nd_na na;

	f = frame_of(vec_na, sizeof(vec_na));
	f.b[L4 + 25] = 0;
	fix_csum(&f);
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_OPTION);
	f = frame_of(vec_na, sizeof(vec_na));
	f.b[L4 + 25] = 2;
	fix_csum(&f);
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_OPTION);
	/* TLLA of 16 bytes; two TLLAs. */
	f = frame_of(vec_na, sizeof(vec_na));
	set_icmp_len(&f, 40);
	f.b[L4 + 25] = 2;
	fix_csum(&f);
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_OPTION);
	f = frame_of(vec_na, sizeof(vec_na));
	set_icmp_len(&f, 40);
	memcpy(f.b + L4 + 32, f.b + L4 + 24, 8);
	fix_csum(&f);
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_OPTION);
	/* An SLLA in an NA is unknown here: skipped. */
	f = frame_of(vec_na, sizeof(vec_na));
	f.b[L4 + 24] = PMIP_ND_OPT_SLLA;
	fix_csum(&f);
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_OK);
	cr_assert_not(na.has_tlla);
}

Test(pkt, na_reserved_bits_ignored_and_order)
{
	struct frame f = frame_of(vec_na, sizeof(vec_na));
	struct in6_addr all = addr("ff02::1");
	struct pmip_nd_na na;

	f.b[L4 + 4] |= 0x1f;
	f.b[L4 + 7] = 0xff;
	fix_csum(&f);
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_OK);
	cr_assert_eq(na.flags, PMIP_NA_FLAG_SOLICITED | PMIP_NA_FLAG_OVERRIDE);

	/* Target before Solicited, Solicited before options. */
	f = frame_of(vec_na, sizeof(vec_na));
	memcpy(f.b + ETH + 24, all.s6_addr, 16);
	f.b[L4 + 8] = 0xff;
	fix_csum(&f);
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_TARGET);
	f = frame_of(vec_na, sizeof(vec_na));
	memcpy(f.b + ETH + 24, all.s6_addr, 16);
	f.b[L4 + 25] = 0;
	fix_csum(&f);
	cr_assert_eq(na_of(&f, &na), PMIP_PKT_ERR_SOLICITED);
}

/* ----------------------------------------------------------- NS build -- */

/* Our NS for the same resolution as the kernel's: byte for byte. */
Test(pkt, ns_build_equals_kernel)
{
	static const uint8_t mac_v0[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	struct in6_addr s = addr("2001:db8::1"), t = addr("2001:db8::2");
	struct in6_addr ll_a = addr("fe80::5054:ff:feaa:1"), ll_b = addr("fe80::5054:ff:febb:1");
	uint8_t out[128];

	memset(out, 0xee, sizeof(out));
	cr_assert_eq(pmip_nd_ns_build(out, sizeof(out), mac_v0, &s, &t, NULL), sizeof(vec_ns));
	cr_assert_arr_eq(out, vec_ns, sizeof(vec_ns));
	cr_assert_eq(out[sizeof(vec_ns)], 0xee);

	/* Unicast, as NUD probes: the kernel's probe of its router. */
	memset(out, 0xee, sizeof(out));
	cr_assert_eq(pmip_nd_ns_build(out, sizeof(out), mac_b, &ll_b, &ll_a, mac_a),
		     sizeof(vec_ns_nud));
	cr_assert_arr_eq(out, vec_ns_nud, sizeof(vec_ns_nud));
	cr_assert_eq(out[sizeof(vec_ns_nud)], 0xee);
}

Test(pkt, ns_build_refused)
{
	struct in6_addr s = addr("2001:db8::1"), t = addr("2001:db8::2");
	struct in6_addr any = addr("::"), m = addr("ff02::1");
	static const uint8_t group[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	uint8_t out[128];

	cr_assert_eq(pmip_nd_ns_build(out, 86, mac_a, &s, &t, NULL), 86);
	cr_assert_eq(pmip_nd_ns_build(out, 85, mac_a, &s, &t, NULL), 0);
	cr_assert_eq(pmip_nd_ns_build(out, sizeof(out), mac_a, &any, &t, NULL), 0);
	cr_assert_eq(pmip_nd_ns_build(out, sizeof(out), mac_a, &m, &t, NULL), 0);
	cr_assert_eq(pmip_nd_ns_build(out, sizeof(out), mac_a, &s, &m, NULL), 0);
	cr_assert_eq(pmip_nd_ns_build(out, sizeof(out), mac_a, &s, &any, NULL), 0);
	cr_assert_eq(pmip_nd_ns_build(out, sizeof(out), mac_a, &s, &t, group), 0);
}

Test(pkt, ns_build_reparses)
{
	struct in6_addr s = addr("fe80::1"), t = addr("2001:db8:1::77");
	struct in6_addr sn = addr("ff02::1:ff00:77");
	struct frame f;
	struct pmip_ipv6_view ip;
	struct pmip_nd_ns ns;

	f.len = pmip_nd_ns_build(f.b, sizeof(f.b), mac_a, &s, &t, NULL);
	cr_assert_eq(f.len, 86);
	ip_of(&f, &ip);
	cr_assert_eq(ip.hop_limit, 255);
	cr_assert_arr_eq(ip.dst.s6_addr, sn.s6_addr, 16);
	cr_assert_eq(f.b[0], 0x33);
	cr_assert_eq(f.b[5], 0x77);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OK);
	cr_assert_arr_eq(ns.target.s6_addr, t.s6_addr, 16);
	cr_assert(ns.has_slla);
	cr_assert_arr_eq(ns.slla, mac_a, 6);

	f.len = pmip_nd_ns_build(f.b, sizeof(f.b), mac_a, &s, &t, mac_b);
	ip_of(&f, &ip);
	cr_assert_arr_eq(ip.dst.s6_addr, t.s6_addr, 16);
	cr_assert_arr_eq(f.b, mac_b, 6);
	cr_assert_eq(ns_of(&f, &ns), PMIP_PKT_ERR_OK);
}
