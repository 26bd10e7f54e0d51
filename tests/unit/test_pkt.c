/* Unit tests for common/net/pkt.c: Ethernet, IPv6, ICMPv6 echo and ND codecs.
 *
 * The byte vectors are real frames sent by the Linux kernel (6.18, iproute2 6.1,
 * tcpdump 4.99.3), captured on a veth pair between two network namespaces:
 *   ns "pkt-vec":  v0, MAC 52:54:00:12:34:56, 2001:db8::1/64 (nodad)
 *   ns "pkt-vec2": v1, MAC 52:54:00:65:43:21, 2001:db8::2/64 (nodad)
 * with `tcpdump -i v1` in pkt-vec2 while: v0 came up (DAD for its link-local
 * address), an ICMPv6 raw socket in pkt-vec sent an echo request (id 0x1234,
 * seq 1, 20 data bytes 0x40..0x53) to 2001:db8::2 (address resolution NS,
 * the kernel's NA, the request and the kernel's reply), and 2001:db8::3 was
 * added to v0 without nodad (DAD NS, with an RFC 7527 Nonce option).
 * Bytes from `tcpdump -w`, split below as Ethernet / IPv6 / ICMPv6.
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "net/pkt.h"

#define ETH 14
#define IP6 40
#define L4 (ETH + IP6)   /* offset of the ICMPv6 header in a frame */

/* Frame 6: DAD NS for fe80::5054:ff:fe12:3456, from ::, Nonce option. */
static const uint8_t vec_dad_ns_ll[86] = {
	0x33, 0x33, 0xff, 0x12, 0x34, 0x56, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xff, 0x12, 0x34, 0x56,
	0x87, 0x00, 0x41, 0xd7, 0x00, 0x00, 0x00, 0x00, 0xfe, 0x80, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x50, 0x54, 0x00, 0xff, 0xfe, 0x12, 0x34, 0x56,
	0x0e, 0x01, 0x52, 0x98, 0xee, 0x78, 0x33, 0x11,
};

/* Frame 11: Router Solicitation from fe80::5054:ff:fe12:3456 with SLLA. */
static const uint8_t vec_rs[70] = {
	0x33, 0x33, 0x00, 0x00, 0x00, 0x02, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x10, 0x3a, 0xff, 0xfe, 0x80, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x50, 0x54, 0x00, 0xff, 0xfe, 0x12, 0x34, 0x56,
	0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02,
	0x85, 0x00, 0x71, 0xb5, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x52, 0x54,
	0x00, 0x12, 0x34, 0x56,
};

/* Frame 17: NS 2001:db8::1 -> ff02::1:ff00:2 for 2001:db8::2, SLLA 52:54:00:12:34:56. */
static const uint8_t vec_ns[86] = {
	0x33, 0x33, 0xff, 0x00, 0x00, 0x02, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xff, 0x00, 0x00, 0x02,
	0x87, 0x00, 0x97, 0x6b, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x01, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
};

/* Frame 18: the kernel's NA to it: 2001:db8::2 -> 2001:db8::1, S|O, TLLA 52:54:00:65:43:21. */
static const uint8_t vec_na[86] = {
	0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x52, 0x54, 0x00, 0x65, 0x43, 0x21,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01,
	0x88, 0x00, 0xf6, 0x98, 0x60, 0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x02, 0x01, 0x52, 0x54, 0x00, 0x65, 0x43, 0x21,
};

/* Frame 19: echo request 2001:db8::1 -> 2001:db8::2, hop limit 64, flow label 0x5bb82. */
static const uint8_t vec_echo_req[82] = {
	0x52, 0x54, 0x00, 0x65, 0x43, 0x21, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x86, 0xdd,
	0x60, 0x05, 0xbb, 0x82, 0x00, 0x1c, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02,
	0x80, 0x00, 0x35, 0x18, 0x12, 0x34, 0x00, 0x01, 0x40, 0x41, 0x42, 0x43,
	0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f,
	0x50, 0x51, 0x52, 0x53,
};

/* Frame 20: the kernel's echo reply (hop limit 64, its own flow label 0x76d26). */
static const uint8_t vec_echo_rep[82] = {
	0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x52, 0x54, 0x00, 0x65, 0x43, 0x21,
	0x86, 0xdd,
	0x60, 0x07, 0x6d, 0x26, 0x00, 0x1c, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01,
	0x81, 0x00, 0x34, 0x18, 0x12, 0x34, 0x00, 0x01, 0x40, 0x41, 0x42, 0x43,
	0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f,
	0x50, 0x51, 0x52, 0x53,
};

/* Frame 22: DAD NS for 2001:db8::3 from :: to ff02::1:ff00:3, Nonce option. */
static const uint8_t vec_dad_ns[86] = {
	0x33, 0x33, 0xff, 0x00, 0x00, 0x03, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xff, 0x00, 0x00, 0x03,
	0x87, 0x00, 0x66, 0x09, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
	0x0e, 0x01, 0xff, 0x06, 0x00, 0x15, 0xd9, 0xba,
};


enum vec_kind { K_ECHO_REQ, K_ECHO_REP, K_NS, K_OTHER };

struct vec {
	const char *name;
	const uint8_t *b;
	size_t len;
	enum vec_kind kind;
};

#define VEC(v, k) { #v, v, sizeof(v), k }
static const struct vec vectors[] = {
	VEC(vec_dad_ns_ll, K_NS),
	VEC(vec_rs, K_OTHER),
	VEC(vec_ns, K_NS),
	VEC(vec_na, K_OTHER),
	VEC(vec_echo_req, K_ECHO_REQ),
	VEC(vec_echo_rep, K_ECHO_REP),
	VEC(vec_dad_ns, K_NS),
};
#define NVEC (sizeof(vectors) / sizeof(vectors[0]))

/* A frame to mutate, with room to grow. */
struct frame {
	uint8_t b[256];
	size_t len;
};

static struct frame frame_of(const uint8_t *v, size_t len)
{
	struct frame f;

	cr_assert(len <= sizeof(f.b));
	memset(&f, 0, sizeof(f));
	memcpy(f.b, v, len);
	f.len = len;
	return f;
}

static struct in6_addr addr(const char *s)
{
	struct in6_addr a;

	cr_assert_eq(inet_pton(AF_INET6, s, &a), 1, "bad test address %s", s);
	return a;
}

static void ip_of(const struct frame *f, struct pmip_ipv6_view *ip)
{
	struct pmip_eth_view eth;

	cr_assert_eq(pmip_eth_parse(f->b, f->len, &eth), PMIP_PKT_ERR_OK);
	cr_assert_eq(eth.ethertype, PMIP_ETHERTYPE_IPV6);
	cr_assert_eq(pmip_ipv6_parse(f->b + ETH, f->len - ETH, ip), PMIP_PKT_ERR_OK);
}

/* Set the IPv6 payload length and the frame length to match. */
static void set_icmp_len(struct frame *f, size_t icmp_len)
{
	f->len = L4 + icmp_len;
	f->b[ETH + 4] = (uint8_t)(icmp_len >> 8);
	f->b[ETH + 5] = (uint8_t)icmp_len;
}

/* Recompute the ICMPv6 checksum after a mutation. */
static void fix_csum(struct frame *f)
{
	struct pmip_ipv6_view ip;
	uint16_t c;

	ip_of(f, &ip);
	f->b[L4 + 2] = f->b[L4 + 3] = 0;
	c = pmip_ipv6_l4_checksum(&ip.src, &ip.dst, PMIP_IPPROTO_ICMPV6, f->b + L4, ip.payload_len);
	f->b[L4 + 2] = (uint8_t)(c >> 8);
	f->b[L4 + 3] = (uint8_t)c;
}

/* The message parsers get an exact-size heap copy of the ICMPv6 message,
 * so that AddressSanitizer sees any read past its end. */
static uint8_t *icmp_copy(const struct frame *f, struct pmip_ipv6_view *ip)
{
	uint8_t *m;

	ip_of(f, ip);
	m = malloc(ip->payload_len);
	cr_assert_not_null(m);
	memcpy(m, f->b + L4, ip->payload_len);
	return m;
}

static enum pmip_pkt_err ns_of(const struct frame *f, struct pmip_nd_ns *ns)
{
	struct pmip_ipv6_view ip;
	uint8_t *m = icmp_copy(f, &ip);
	enum pmip_pkt_err err = pmip_nd_ns_parse(&ip, m, ip.payload_len, ns);

	free(m);
	return err;
}

static enum pmip_pkt_err echo_of(const struct frame *f, struct pmip_icmp6_echo *e)
{
	struct pmip_ipv6_view ip;
	uint8_t *m = icmp_copy(f, &ip);
	enum pmip_pkt_err err = pmip_icmp6_echo_parse(&ip, m, ip.payload_len, e);

	free(m);
	return err;
}

/* Reference checksum, the slow obvious way (RFC 1071 on big-endian words). */
static uint16_t ref_checksum(const struct in6_addr *src, const struct in6_addr *dst, uint8_t nh,
			     const uint8_t *d, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < 16; i += 2)
		sum += (uint32_t)(src->s6_addr[i] << 8 | src->s6_addr[i + 1]) +
		       (uint32_t)(dst->s6_addr[i] << 8 | dst->s6_addr[i + 1]);
	sum += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff) + nh;
	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(d[i] << 8 | d[i + 1]);
	if (len & 1)
		sum += (uint32_t)d[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

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

/* ---------------------------------------------- truncations, bit flips -- */

struct outcome {
	enum pmip_pkt_err eth, ip, echo, ns;
	size_t reply;
};

/* Run every parser and builder over a frame of exactly len bytes (heap
 * copy, so that ASan sees any read past it) and check what holds whatever
 * the input. */
static struct outcome run_all(const uint8_t *frame, size_t len)
{
	struct outcome o = { PMIP_PKT_ERR_COUNT, PMIP_PKT_ERR_COUNT, PMIP_PKT_ERR_COUNT,
			     PMIP_PKT_ERR_COUNT, 0 };
	uint8_t *buf = malloc(len ? len : 1);
	uint8_t out[300];
	struct pmip_eth_view eth;
	struct pmip_ipv6_view ip;
	struct pmip_icmp6_echo echo;
	struct pmip_nd_ns ns;

	cr_assert_not_null(buf);
	memcpy(buf, frame, len);
	o.eth = pmip_eth_parse(buf, len, &eth);
	cr_assert_eq(o.eth == PMIP_PKT_ERR_OK, len >= 14);
	o.reply = pmip_icmp6_echo_reply_build(buf, len, out, sizeof(out));
	if (o.eth != PMIP_PKT_ERR_OK)
		goto out;
	o.ip = pmip_ipv6_parse(buf + ETH, len - ETH, &ip);
	if (o.ip != PMIP_PKT_ERR_OK)
		goto out;
	cr_assert_leq((size_t)ip.payload_len, len - L4);
	o.echo = pmip_icmp6_echo_parse(&ip, buf + L4, ip.payload_len, &echo);
	if (o.echo == PMIP_PKT_ERR_OK) {
		cr_assert_eq(echo.data_off + echo.data_len, ip.payload_len);
		cr_assert(echo.type == 128 || echo.type == 129);
	}
	o.ns = pmip_nd_ns_parse(&ip, buf + L4, ip.payload_len, &ns);
	if (o.ns == PMIP_PKT_ERR_OK) {
		cr_assert_eq(ip.hop_limit, 255);
		cr_assert_neq(ns.target.s6_addr[0], 0xff);
	}
	cr_assert_not(o.echo == PMIP_PKT_ERR_OK && o.ns == PMIP_PKT_ERR_OK);
out:
	if (o.reply) {
		struct pmip_ipv6_view rip;
		struct pmip_icmp6_echo rep;

		cr_assert_eq(o.echo, PMIP_PKT_ERR_OK);
		cr_assert_eq(echo.type, PMIP_ICMP6_ECHO_REQUEST);
		cr_assert_eq(o.reply, L4 + (size_t)ip.payload_len);
		cr_assert_eq(pmip_ipv6_parse(out + ETH, o.reply - ETH, &rip), PMIP_PKT_ERR_OK);
		cr_assert_eq(pmip_icmp6_echo_parse(&rip, out + L4, rip.payload_len, &rep),
			     PMIP_PKT_ERR_OK);
		cr_assert_eq(rep.type, PMIP_ICMP6_ECHO_REPLY);
		cr_assert_eq(rep.id, echo.id);
		cr_assert_eq(rep.seq, echo.seq);
		cr_assert_arr_eq(out + L4 + 8, buf + L4 + 8, echo.data_len);
	}
	free(buf);
	return o;
}

Test(pkt, truncation_loop)
{
	size_t i, l;

	for (i = 0; i < NVEC; i++) {
		const struct vec *v = &vectors[i];
		struct pmip_ipv6_view ip;
		struct pmip_icmp6_echo echo;
		struct pmip_nd_ns ns;
		size_t icmp_len = v->len - L4;

		/* Every prefix of the frame. */
		for (l = 0; l <= v->len; l++) {
			struct outcome o = run_all(v->b, l);

			if (l < ETH)
				cr_assert_eq(o.eth, PMIP_PKT_ERR_SHORT);
			else if (l < L4)
				cr_assert_eq(o.ip, PMIP_PKT_ERR_SHORT, "%s len %zu", v->name, l);
			else if (l < v->len)
				cr_assert_eq(o.ip, PMIP_PKT_ERR_LENGTH, "%s len %zu", v->name, l);
			else
				cr_assert_eq(o.ip, PMIP_PKT_ERR_OK);
			if (l < v->len)
				cr_assert_eq(o.reply, 0);
		}
		/* Every ICMPv6 length below the real one, with the real IPv6
		 * header: the message parsers alone must refuse it. */
		cr_assert_eq(pmip_ipv6_parse(v->b + ETH, v->len - ETH, &ip), PMIP_PKT_ERR_OK);
		for (l = 0; l < icmp_len; l++) {
			uint8_t *buf = malloc(l ? l : 1);

			memcpy(buf, v->b + L4, l);
			cr_assert_neq(pmip_icmp6_echo_parse(&ip, buf, l, &echo), PMIP_PKT_ERR_OK,
				      "%s icmp len %zu", v->name, l);
			cr_assert_neq(pmip_nd_ns_parse(&ip, buf, l, &ns), PMIP_PKT_ERR_OK,
				      "%s icmp len %zu", v->name, l);
			free(buf);
		}
	}
}

Test(pkt, bit_flip_loop)
{
	size_t i, bit;

	for (i = 0; i < NVEC; i++) {
		const struct vec *v = &vectors[i];
		struct frame f0 = frame_of(v->b, v->len);
		struct outcome ref = run_all(v->b, v->len);

		cr_assert_eq(ref.echo == PMIP_PKT_ERR_OK,
			     v->kind == K_ECHO_REQ || v->kind == K_ECHO_REP, "%s", v->name);
		cr_assert_eq(ref.ns == PMIP_PKT_ERR_OK, v->kind == K_NS, "%s", v->name);
		cr_assert_eq(ref.reply != 0, v->kind == K_ECHO_REQ, "%s", v->name);

		for (bit = 0; bit < v->len * 8; bit++) {
			struct frame f = f0;
			size_t byte = bit / 8;
			struct outcome o;

			f.b[byte] ^= (uint8_t)(1u << (bit % 8));
			o = run_all(f.b, f.len);
			/* ICMPv6 bytes and the addresses of the pseudo-header
			 * are covered by the checksum: no message survives. */
			if (byte >= ETH + 8) {
				cr_assert_neq(o.echo, PMIP_PKT_ERR_OK, "%s bit %zu", v->name, bit);
				cr_assert_neq(o.ns, PMIP_PKT_ERR_OK, "%s bit %zu", v->name, bit);
				cr_assert_eq(o.reply, 0, "%s bit %zu", v->name, bit);
			}
			if (byte >= L4 && v->kind != K_OTHER) {
				cr_assert_eq(o.ip, PMIP_PKT_ERR_OK);
				if (v->kind == K_NS)
					cr_assert(o.ns == PMIP_PKT_ERR_CHECKSUM ||
						  o.ns == PMIP_PKT_ERR_TYPE,
						  "%s bit %zu: %s", v->name, bit,
						  pmip_pkt_err_name(o.ns));
				else
					cr_assert(o.echo == PMIP_PKT_ERR_CHECKSUM ||
						  o.echo == PMIP_PKT_ERR_TYPE,
						  "%s bit %zu: %s", v->name, bit,
						  pmip_pkt_err_name(o.echo));
			}
			/* The version nibble. */
			if (byte == ETH && bit % 8 >= 4)
				cr_assert_eq(o.ip, PMIP_PKT_ERR_VERSION);
			/* The hop limit of ND. */
			if (byte == ETH + 7 && v->kind == K_NS)
				cr_assert_eq(o.ns, PMIP_PKT_ERR_HOP_LIMIT);
		}
	}
}
