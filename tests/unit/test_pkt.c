/* Unit tests for common/net/pkt.c: names, helpers, Ethernet, IPv6,
 * checksum, ICMPv6 echo, the IPv6 header writer (vectors: pkt_vectors.c). */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "pkt_vectors.h"

/* ---------------------------------------------------------------- names -- */

Test(pkt, err_names)
{
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_OK), "ok");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_SHORT), "short");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_VERSION), "bad_version");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_LENGTH), "bad_length");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_NEXT_HEADER), "bad_next_header");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_CHECKSUM), "bad_checksum");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_HOP_LIMIT), "bad_hop_limit");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_CODE), "bad_code");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_TYPE), "bad_type");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_OPTION), "bad_option");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_TARGET), "bad_target");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_DAD_RULE), "bad_dad");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_SOURCE), "bad_source");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_UNSPEC_SLLA), "bad_unspec_slla");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_SOLICITED), "bad_solicited");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_COUNT), "unknown");
	cr_assert_str_eq(pmip_pkt_err_name((enum pmip_pkt_err)-1), "unknown");
}

/* -------------------------------------------------------------- helpers -- */

Test(pkt, link_local_from_mac)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	struct in6_addr ll, want = addr("fe80::5054:ff:fe12:3456");

	pmip_ipv6_link_local_from_mac(mac, &ll);
	cr_assert_arr_eq(ll.s6_addr, want.s6_addr, 16);

	/* The kernel formed its link-local address from v0's MAC: the DAD NS
	 * carries it as target and the MAC as Ethernet source. */
	pmip_ipv6_link_local_from_mac(vec_dad_ns_ll + 6, &ll);
	cr_assert_arr_eq(ll.s6_addr, vec_dad_ns_ll + L4 + 8, 16);

	/* A locally administered MAC: the u/l bit is inverted the other way. */
	static const uint8_t mac2[6] = { 0x00, 0x1b, 0x21, 0xab, 0xcd, 0xef };
	want = addr("fe80::21b:21ff:feab:cdef");
	pmip_ipv6_link_local_from_mac(mac2, &ll);
	cr_assert_arr_eq(ll.s6_addr, want.s6_addr, 16);
}

Test(pkt, solicited_node_and_multicast_mac)
{
	struct in6_addr a = addr("2001:db8::2"), sn, want = addr("ff02::1:ff00:2");
	uint8_t mac[6];

	pmip_ipv6_solicited_node(&a, &sn);
	cr_assert_arr_eq(sn.s6_addr, want.s6_addr, 16);
	/* What the kernel sent for the same target: IPv6 and Ethernet dst. */
	cr_assert_arr_eq(sn.s6_addr, vec_ns + ETH + 24, 16);
	pmip_ipv6_multicast_mac(&sn, mac);
	cr_assert_arr_eq(mac, vec_ns, 6);

	a = addr("fe80::5054:ff:fe12:3456");
	pmip_ipv6_solicited_node(&a, &a);   /* in place */
	want = addr("ff02::1:ff12:3456");
	cr_assert_arr_eq(a.s6_addr, want.s6_addr, 16);
	pmip_ipv6_multicast_mac(&a, mac);
	cr_assert_arr_eq(mac, vec_dad_ns_ll, 6);
}

/* ------------------------------------------------------ Ethernet, IPv6 -- */

Test(pkt, eth_parse)
{
	struct pmip_eth_view eth;
	size_t i;

	for (i = 0; i < NVEC; i++) {
		memset(&eth, 0xaa, sizeof(eth));
		cr_assert_eq(pmip_eth_parse(vectors[i].b, vectors[i].len, &eth), PMIP_PKT_ERR_OK);
		cr_assert_arr_eq(eth.dst, vectors[i].b, 6);
		cr_assert_arr_eq(eth.src, vectors[i].b + 6, 6);
		cr_assert_eq(eth.ethertype, PMIP_ETHERTYPE_IPV6);
	}
	cr_assert_eq(pmip_eth_parse(vec_ns, 13, &eth), PMIP_PKT_ERR_SHORT);
	cr_assert_eq(pmip_eth_parse(vec_ns, 14, &eth), PMIP_PKT_ERR_OK);
}

Test(pkt, ipv6_parse_fields)
{
	struct pmip_ipv6_view ip;
	struct in6_addr a1 = addr("2001:db8::1"), a2 = addr("2001:db8::2");

	cr_assert_eq(pmip_ipv6_parse(vec_echo_req + ETH, sizeof(vec_echo_req) - ETH, &ip),
		     PMIP_PKT_ERR_OK);
	cr_assert_arr_eq(ip.src.s6_addr, a1.s6_addr, 16);
	cr_assert_arr_eq(ip.dst.s6_addr, a2.s6_addr, 16);
	cr_assert_eq(ip.next_header, PMIP_IPPROTO_ICMPV6);
	cr_assert_eq(ip.hop_limit, 64);
	cr_assert_eq(ip.traffic_class, 0);
	cr_assert_eq(ip.flow_label, 0x5bb82);
	cr_assert_eq(ip.payload_len, 28);

	cr_assert_eq(pmip_ipv6_parse(vec_ns + ETH, sizeof(vec_ns) - ETH, &ip), PMIP_PKT_ERR_OK);
	cr_assert_eq(ip.hop_limit, 255);
	cr_assert_eq(ip.payload_len, 32);
	cr_assert_eq(ip.flow_label, 0);
}

Test(pkt, ipv6_parse_errors)
{
	struct frame f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	struct pmip_ipv6_view ip;

	cr_assert_eq(pmip_ipv6_parse(f.b + ETH, 39, &ip), PMIP_PKT_ERR_SHORT);
	cr_assert_eq(pmip_ipv6_parse(f.b + ETH, 40 + 27, &ip), PMIP_PKT_ERR_LENGTH);
	/* Ethernet padding after the payload is allowed. */
	cr_assert_eq(pmip_ipv6_parse(f.b + ETH, 40 + 28 + 10, &ip), PMIP_PKT_ERR_OK);
	cr_assert_eq(ip.payload_len, 28);

	f.b[ETH] = 0x40;   /* version 4 */
	cr_assert_eq(pmip_ipv6_parse(f.b + ETH, f.len - ETH, &ip), PMIP_PKT_ERR_VERSION);
	f.b[ETH] = 0x60;
	/* Traffic class all ones: parsed, not mistaken for the version. */
	f.b[ETH] = 0x6f;
	f.b[ETH + 1] = 0xf5;
	cr_assert_eq(pmip_ipv6_parse(f.b + ETH, f.len - ETH, &ip), PMIP_PKT_ERR_OK);
	cr_assert_eq(ip.traffic_class, 0xff);
	cr_assert_eq(ip.flow_label, 0x5bb82);

	f.b[ETH + 4] = 0;
	f.b[ETH + 5] = 0;   /* jumbogram */
	cr_assert_eq(pmip_ipv6_parse(f.b + ETH, f.len - ETH, &ip), PMIP_PKT_ERR_LENGTH);
	f.b[ETH + 4] = 0xff;
	cr_assert_eq(pmip_ipv6_parse(f.b + ETH, f.len - ETH, &ip), PMIP_PKT_ERR_LENGTH);
}

/* ------------------------------------------------------------- checksum -- */

Test(pkt, checksum_matches_kernel)
{
	size_t i;

	for (i = 0; i < NVEC; i++) {
		struct frame f = frame_of(vectors[i].b, vectors[i].len);
		struct pmip_ipv6_view ip;
		uint16_t kernel, ours;

		ip_of(&f, &ip);
		cr_assert_eq(pmip_ipv6_l4_checksum(&ip.src, &ip.dst, PMIP_IPPROTO_ICMPV6, f.b + L4,
						   ip.payload_len), 0,
			     "%s: kernel checksum not valid", vectors[i].name);
		kernel = (uint16_t)(f.b[L4 + 2] << 8 | f.b[L4 + 3]);
		f.b[L4 + 2] = f.b[L4 + 3] = 0;
		ours = pmip_ipv6_l4_checksum(&ip.src, &ip.dst, PMIP_IPPROTO_ICMPV6, f.b + L4,
					     ip.payload_len);
		cr_assert_eq(ours, kernel, "%s: ours %#x, kernel %#x", vectors[i].name, ours, kernel);
	}
}

/* Every length 0..300 (all 16/4/2/1-byte tails) and every start alignment
 * against the obvious implementation. */
Test(pkt, checksum_matches_reference)
{
	static uint8_t data[300 + 8];
	struct in6_addr s = addr("2001:db8::1"), d = addr("ff02::1:ff00:2");
	size_t len, align, i;
	uint32_t x = 12345;

	for (i = 0; i < sizeof(data); i++) {
		x = x * 1103515245u + 12345u;
		data[i] = (uint8_t)(x >> 16);
	}
	for (align = 0; align < 8; align++)
		for (len = 0; len <= 300; len++)
			cr_assert_eq(pmip_ipv6_l4_checksum(&s, &d, 58, data + align, len),
				     ref_checksum(&s, &d, 58, data + align, len),
				     "len %zu align %zu", len, align);
	/* All 0xff data: the sums carry a lot. */
	memset(data, 0xff, sizeof(data));
	for (len = 0; len <= 300; len++)
		cr_assert_eq(pmip_ipv6_l4_checksum(&s, &d, 58, data, len),
			     ref_checksum(&s, &d, 58, data, len), "ff len %zu", len);
}

/* ------------------------------------------------------------ ICMP echo -- */

Test(pkt, echo_parse_vectors)
{
	struct frame f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	struct pmip_icmp6_echo e;

	cr_assert_eq(echo_of(&f, &e), PMIP_PKT_ERR_OK);
	cr_assert_eq(e.type, PMIP_ICMP6_ECHO_REQUEST);
	cr_assert_eq(e.id, 0x1234);
	cr_assert_eq(e.seq, 1);
	cr_assert_eq(e.data_off, 8);
	cr_assert_eq(e.data_len, 20);
	cr_assert_eq(f.b[L4 + e.data_off], 0x40);
	cr_assert_eq(f.b[L4 + e.data_off + e.data_len - 1], 0x53);

	f = frame_of(vec_echo_rep, sizeof(vec_echo_rep));
	cr_assert_eq(echo_of(&f, &e), PMIP_PKT_ERR_OK);
	cr_assert_eq(e.type, PMIP_ICMP6_ECHO_REPLY);
	cr_assert_eq(e.id, 0x1234);
	cr_assert_eq(e.seq, 1);
	cr_assert_eq(e.data_len, 20);
}

Test(pkt, echo_parse_errors)
{
	struct frame f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	struct pmip_ipv6_view ip;
	struct pmip_icmp6_echo e;

	ip_of(&f, &ip);
	cr_assert_eq(pmip_icmp6_echo_parse(&ip, f.b + L4, 7, &e), PMIP_PKT_ERR_SHORT);
	ip.next_header = 17;
	cr_assert_eq(pmip_icmp6_echo_parse(&ip, f.b + L4, 28, &e), PMIP_PKT_ERR_NEXT_HEADER);

	f.b[L4 + 30 - 8] ^= 1;   /* a data byte */
	cr_assert_eq(echo_of(&f, &e), PMIP_PKT_ERR_CHECKSUM);

	f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	f.b[L4 + 1] = 1;
	fix_csum(&f);
	cr_assert_eq(echo_of(&f, &e), PMIP_PKT_ERR_CODE);

	f = frame_of(vec_ns, sizeof(vec_ns));
	cr_assert_eq(echo_of(&f, &e), PMIP_PKT_ERR_TYPE);
	/* Type is checked before the checksum: a non-echo message is counted
	 * as such whatever its checksum. */
	f.b[L4 + 2] ^= 0xff;
	cr_assert_eq(echo_of(&f, &e), PMIP_PKT_ERR_TYPE);

	/* Empty echo data is fine. */
	f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	set_icmp_len(&f, 8);
	fix_csum(&f);
	cr_assert_eq(echo_of(&f, &e), PMIP_PKT_ERR_OK);
	cr_assert_eq(e.data_len, 0);
}

/* Our reply to the kernel's request against the kernel's own reply. */
Test(pkt, echo_reply_equals_kernel)
{
	uint8_t out[256];
	size_t n, i;

	memset(out, 0xee, sizeof(out));
	n = pmip_icmp6_echo_reply_build(vec_echo_req, sizeof(vec_echo_req), out, sizeof(out));
	cr_assert_eq(n, sizeof(vec_echo_rep));
	cr_assert_eq(out[n], 0xee, "wrote past the reply");
	for (i = 0; i < n; i++) {
		/* The kernel labels its reply with a flow label of its own
		 * (0x76d26); we leave it 0. */
		if (i == ETH + 1) {
			cr_assert_eq(out[i] & 0xf0, vec_echo_rep[i] & 0xf0);
			cr_assert_eq(out[i] & 0x0f, 0);
			continue;
		}
		if (i == ETH + 2 || i == ETH + 3) {
			cr_assert_eq(out[i], 0);
			continue;
		}
		cr_assert_eq(out[i], vec_echo_rep[i], "byte %zu: ours %#x, kernel %#x", i, out[i],
			     vec_echo_rep[i]);
	}
}

Test(pkt, echo_reply_padding_in_place_and_cap)
{
	struct frame f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	uint8_t ref[256], out[256];
	size_t n;

	n = pmip_icmp6_echo_reply_build(f.b, f.len, ref, sizeof(ref));
	cr_assert_eq(n, sizeof(vec_echo_req));

	/* Ethernet padding (frame longer than the IPv6 payload) is dropped. */
	memset(f.b + f.len, 0, 16);
	cr_assert_eq(pmip_icmp6_echo_reply_build(f.b, f.len + 16, out, sizeof(out)), n);
	cr_assert_arr_eq(out, ref, n);

	/* Capacity: exact fits, one less does not. */
	cr_assert_eq(pmip_icmp6_echo_reply_build(f.b, f.len, out, n), n);
	cr_assert_eq(pmip_icmp6_echo_reply_build(f.b, f.len, out, n - 1), 0);
	cr_assert_eq(pmip_icmp6_echo_reply_build(f.b, f.len, out, 0), 0);

	/* In place, as the data plane does it in the request's mbuf. */
	cr_assert_eq(pmip_icmp6_echo_reply_build(f.b, f.len, f.b, sizeof(f.b)), n);
	cr_assert_arr_eq(f.b, ref, n);

	/* Overlapping, shifted both ways. */
	f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	memmove(f.b + 7, f.b, f.len);
	cr_assert_eq(pmip_icmp6_echo_reply_build(f.b + 7, f.len, f.b, sizeof(f.b)), n);
	cr_assert_arr_eq(f.b, ref, n);
	f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	cr_assert_eq(pmip_icmp6_echo_reply_build(f.b, f.len, f.b + 5, sizeof(f.b) - 5), n);
	cr_assert_arr_eq(f.b + 5, ref, n);
}

Test(pkt, echo_reply_refused)
{
	uint8_t out[256];
	struct frame f;
	size_t i;

	/* Only to echo requests that parse. */
	for (i = 0; i < NVEC; i++)
		if (vectors[i].kind != K_ECHO_REQ)
			cr_assert_eq(pmip_icmp6_echo_reply_build(vectors[i].b, vectors[i].len, out,
								 sizeof(out)),
				     0, "%s", vectors[i].name);
	for (i = 0; i < sizeof(vec_echo_req); i++)
		cr_assert_eq(pmip_icmp6_echo_reply_build(vec_echo_req, i, out, sizeof(out)), 0);

	f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	f.b[12] = 0x08;   /* IPv4 ethertype */
	f.b[13] = 0x00;
	cr_assert_eq(pmip_icmp6_echo_reply_build(f.b, f.len, out, sizeof(out)), 0);

	f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	f.b[L4 - 1] ^= 1;   /* destination: checksum no longer valid */
	cr_assert_eq(pmip_icmp6_echo_reply_build(f.b, f.len, out, sizeof(out)), 0);

	/* Multicast destination: the reply's source would be multicast. */
	f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	{
		struct in6_addr m = addr("ff02::1");

		memcpy(f.b + ETH + 24, m.s6_addr, 16);
	}
	fix_csum(&f);
	cr_assert_eq(pmip_icmp6_echo_reply_build(f.b, f.len, out, sizeof(out)), 0);

	/* Unspecified source: nowhere to reply to. */
	f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	memset(f.b + ETH + 8, 0, 16);
	fix_csum(&f);
	cr_assert_eq(pmip_icmp6_echo_reply_build(f.b, f.len, out, sizeof(out)), 0);

	/* Group MAC as source or destination. */
	f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	f.b[0] = 0x33;
	cr_assert_eq(pmip_icmp6_echo_reply_build(f.b, f.len, out, sizeof(out)), 0);
	f = frame_of(vec_echo_req, sizeof(vec_echo_req));
	f.b[6] |= 1;
	cr_assert_eq(pmip_icmp6_echo_reply_build(f.b, f.len, out, sizeof(out)), 0);
}


/* ------------------------------------------------------ IPv6 header write -- */

Test(pkt, ipv6_hdr_write)
{
	struct pmip_ipv6_view ip;
	_Alignas(struct in6_addr) uint8_t h[64];
	struct in6_addr s, d, t1 = addr("2001:db8::a"), t2 = addr("2001:db8::b");

	/* The kernel's echo request header, field by field. */
	cr_assert_eq(pmip_ipv6_parse(vec_echo_req + ETH, sizeof(vec_echo_req) - ETH, &ip),
		     PMIP_PKT_ERR_OK);
	memset(h, 0xee, sizeof(h));
	pmip_ipv6_hdr_write(h, &ip.src, &ip.dst, ip.next_header, ip.payload_len, ip.hop_limit,
			    ip.traffic_class, ip.flow_label);
	cr_assert_arr_eq(h, vec_echo_req + ETH, 40);
	cr_assert_eq(h[40], 0xee);

	/* Traffic class all ones, flow label beyond 20 bits cut. */
	s = addr("2001:db8::1");
	d = addr("2001:db8::2");
	pmip_ipv6_hdr_write(h, &s, &d, 17, 0xffff, 1, 0xff, 0xfff12345);
	memset(h + 40, 0, 24);
	cr_assert_eq(h[0], 0x6f);
	cr_assert_eq(h[1], 0xf1);
	cr_assert_eq(h[2], 0x23);
	cr_assert_eq(h[3], 0x45);

	/* Addresses that alias the output. */
	pmip_ipv6_hdr_write(h, &t1, &t2, 58, 8, 64, 0, 0);
	pmip_ipv6_hdr_write(h, (const struct in6_addr *)(const void *)(h + 24),
			    (const struct in6_addr *)(const void *)(h + 8), 58, 8, 64, 0, 0);
	cr_assert_arr_eq(h + 8, t2.s6_addr, 16);
	cr_assert_arr_eq(h + 24, t1.s6_addr, 16);
}

/* IPv6-in-IPv6 (RFC 2473): an outer header in front of the kernel's echo
 * request makes a packet whose payload is that request. */
Test(pkt, ipv6_hdr_write_tunnel)
{
	struct in6_addr mag = addr("2001:db8:ff::1"), lma = addr("2001:db8:ff::2");
	const size_t inner = sizeof(vec_echo_req) - ETH;
	uint8_t pkt[256];
	struct pmip_ipv6_view outer, in;
	struct pmip_icmp6_echo echo;

	pmip_ipv6_hdr_write(pkt, &mag, &lma, PMIP_IPPROTO_IPV6, (uint16_t)inner, 64, 0, 0);
	memcpy(pkt + 40, vec_echo_req + ETH, inner);
	cr_assert_eq(pmip_ipv6_parse(pkt, 40 + inner, &outer), PMIP_PKT_ERR_OK);
	cr_assert_eq(outer.next_header, 41);
	cr_assert_eq(outer.payload_len, inner);
	cr_assert_eq(outer.hop_limit, 64);
	cr_assert_arr_eq(outer.src.s6_addr, mag.s6_addr, 16);
	cr_assert_arr_eq(outer.dst.s6_addr, lma.s6_addr, 16);
	cr_assert_eq(pmip_ipv6_parse(pkt + 40, outer.payload_len, &in), PMIP_PKT_ERR_OK);
	cr_assert_eq(pmip_icmp6_echo_parse(&in, pkt + 80, in.payload_len, &echo), PMIP_PKT_ERR_OK);
	cr_assert_eq(echo.id, 0x1234);
}
