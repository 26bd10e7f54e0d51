/* Unit tests for common/net/pkt.c: ICMPv6 errors (RFC 4443) against the
 * kernel's, and every parser over truncations and bit flips of every
 * vector (vectors: pkt_vectors.c). */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "pkt_vectors.h"

/* ------------------------------------------------------- ICMPv6 errors -- */

struct err_vec {
	const uint8_t *b;
	size_t len;
	uint8_t type, code;
	uint32_t param;
	size_t inv_len;      /* the invoking packet's length when it was received */
};

static const struct err_vec err_vecs[] = {
	{ vec_err_time, sizeof(vec_err_time), 3, 0, 0, 64 },
	{ vec_err_ptb, sizeof(vec_err_ptb), 2, 0, 1280, 1400 },
	{ vec_err_noroute, sizeof(vec_err_noroute), 1, 0, 0, 64 },
	{ vec_err_port, sizeof(vec_err_port), 1, 4, 0, 56 },
	{ vec_err_param, sizeof(vec_err_param), 4, 1, 6, 48 },
};
#define NERR (sizeof(err_vecs) / sizeof(err_vecs[0]))

Test(pkt, icmp6_error_parse_vectors)
{
	struct in6_addr b = addr("2001:db8:1::2");
	struct pmip_icmp6_error e;
	size_t i;

	for (i = 0; i < NERR; i++) {
		const struct err_vec *v = &err_vecs[i];
		struct frame f = frame_of(v->b, v->len);
		const uint8_t *inv;

		memset(&e, 0xaa, sizeof(e));
		cr_assert_eq(err_of(&f, &e), PMIP_PKT_ERR_OK, "vector %zu", i);
		cr_assert_eq(e.type, v->type);
		cr_assert_eq(e.code, v->code);
		cr_assert_eq(e.param, v->param);
		cr_assert_eq(e.invoking_off, 8);
		cr_assert_eq(e.invoking_len, v->len - L4 - 8);
		cr_assert_eq(e.invoking_len, v->inv_len < 1232 ? v->inv_len : 1232);
		/* The invoking packet came from b, to whom the error goes. */
		inv = f.b + L4 + e.invoking_off;
		cr_assert_eq(inv[0] >> 4, 6);
		cr_assert_arr_eq(inv + 8, b.s6_addr, 16);
		cr_assert_arr_eq(f.b + ETH + 24, b.s6_addr, 16);
		cr_assert_eq(f.b[ETH + 7], 64, "the kernel's hop limit");
		cr_assert_eq((size_t)(inv[4] << 8 | inv[5]) + 40, v->inv_len);
	}
	/* The PTB is 1280 bytes of IPv6. */
	cr_assert_eq(sizeof(vec_err_ptb) - ETH, 1280);
}

Test(pkt, icmp6_error_parse_rules)
{
	struct frame f;
	struct pmip_ipv6_view ip;
	struct pmip_icmp6_error e;
	static const uint8_t bad_types[] = { 0, 5, 127, 128, 135, 255 };
	size_t i;

	/* Not ICMPv6. */
	f = frame_of(vec_err_time, sizeof(vec_err_time));
	ip_of(&f, &ip);
	ip.next_header = 17;
	cr_assert_eq(pmip_icmp6_error_parse(&ip, f.b + L4, ip.payload_len, &e),
		     PMIP_PKT_ERR_NEXT_HEADER);
	/* No room for type, code and checksum. */
	ip_of(&f, &ip);
	for (i = 0; i < 4; i++)
		cr_assert_eq(pmip_icmp6_error_parse(&ip, f.b + L4, i, &e), PMIP_PKT_ERR_SHORT);
	/* Not an error type (informational ones are >= 128, RFC 4443 2.1). */
	for (i = 0; i < sizeof(bad_types); i++) {
		f = frame_of(vec_err_time, sizeof(vec_err_time));
		f.b[L4] = bad_types[i];
		fix_csum(&f);
		cr_assert_eq(err_of(&f, &e), PMIP_PKT_ERR_TYPE, "type %u", bad_types[i]);
	}
	/* Checksum. */
	f = frame_of(vec_err_ptb, sizeof(vec_err_ptb));
	f.b[f.len - 1] ^= 0x40;
	cr_assert_eq(err_of(&f, &e), PMIP_PKT_ERR_CHECKSUM);
	/* Less than the header and an IPv6 header of the invoking packet. */
	for (i = 4; i < 48; i++) {
		f = frame_of(vec_err_param, sizeof(vec_err_param));
		set_icmp_len(&f, i);
		fix_csum(&f);
		cr_assert_eq(err_of(&f, &e), PMIP_PKT_ERR_SHORT, "len %zu", i);
	}
	f = frame_of(vec_err_param, sizeof(vec_err_param));
	set_icmp_len(&f, 48);
	fix_csum(&f);
	cr_assert_eq(err_of(&f, &e), PMIP_PKT_ERR_OK);
	cr_assert_eq(e.invoking_len, 40);
	/* Any code is reported as it is (receivers ignore unknown ones). */
	f = frame_of(vec_err_time, sizeof(vec_err_time));
	f.b[L4 + 1] = 200;
	fix_csum(&f);
	cr_assert_eq(err_of(&f, &e), PMIP_PKT_ERR_OK);
	cr_assert_eq(e.code, 200);
}

/* The invoking packet as a received it: for the PTB, the 1232 bytes that the
 * error carries and a made-up tail to the 1400 bytes it had (the tail is
 * cut again, so it does not matter what it is). */
static size_t invoking_of(const struct err_vec *v, uint8_t *inv, size_t cap, uint8_t tail)
{
	size_t carried = v->len - L4 - 8;

	cr_assert_leq(v->inv_len, cap);
	memcpy(inv, v->b + L4 + 8, carried);
	memset(inv + carried, tail, v->inv_len - carried);
	return v->inv_len;
}

/* Our errors for the same invoking packets against the kernel's. */
Test(pkt, icmp6_error_build_equals_kernel)
{
	struct in6_addr a = addr("2001:db8:1::1");
	static uint8_t inv[1536], out[1536];
	size_t i, n, inv_len;

	for (i = 0; i < NERR; i++) {
		const struct err_vec *v = &err_vecs[i];

		inv_len = invoking_of(v, inv, sizeof(inv), 0x5a);
		memset(out, 0xee, sizeof(out));
		n = pmip_icmp6_error_build(out, sizeof(out), mac_a, mac_b, &a, v->type, v->code,
					   v->param, inv, inv_len);
		cr_assert_eq(n, v->len, "vector %zu: %zu bytes", i, n);
		cr_assert_eq(out[n], 0xee);
		assert_equal_but_flow_label(out, v->b, n);
	}
}

Test(pkt, icmp6_error_build_cut_to_min_mtu)
{
	struct in6_addr a = addr("2001:db8:1::1");
	static uint8_t inv[2000], out[2000];
	struct pmip_icmp6_error e;
	struct frame f;
	size_t l, n;

	/* Invoking packets of 41 to 2000 bytes, headed by the echo request
	 * (40 bytes would be refused: its ICMPv6 type would be missing). */
	memcpy(inv, vec_err_ptb + L4 + 8, 1232);
	for (l = 1232; l < sizeof(inv); l++)
		inv[l] = (uint8_t)l;
	for (l = 41; l <= sizeof(inv); l += (l < 1300 ? 1 : 97)) {
		n = pmip_icmp6_error_build(out, sizeof(out), mac_a, mac_b, &a, 2, 0, 1280, inv, l);
		cr_assert_eq(n, L4 + 8 + (l < 1232 ? l : 1232), "invoking %zu", l);
		cr_assert_leq(n - ETH, 1280);
		cr_assert_arr_eq(out + L4 + 8, inv, n - L4 - 8);
		f = frame_of(out, n);
		cr_assert_eq(err_of(&f, &e), PMIP_PKT_ERR_OK);
		cr_assert_eq(e.param, 1280);
	}
}

Test(pkt, icmp6_error_build_in_place)
{
	struct in6_addr a = addr("2001:db8:1::1");
	static uint8_t ref[1536], buf[1600];
	const struct err_vec *v = &err_vecs[0];
	uint8_t inv[128];
	size_t n, inv_len;

	inv_len = invoking_of(v, inv, sizeof(inv), 0);
	n = pmip_icmp6_error_build(ref, sizeof(ref), mac_a, mac_b, &a, 3, 0, 0, inv, inv_len);
	cr_assert_eq(n, v->len);

	/* In the received frame's buffer: invoking at 14, error at 0. The
	 * destination MAC is the frame's own source, read from the buffer. */
	memset(buf, 0, sizeof(buf));
	memcpy(buf, mac_a, 6);
	memcpy(buf + 6, mac_b, 6);
	memcpy(buf + ETH, inv, inv_len);
	cr_assert_eq(pmip_icmp6_error_build(buf, sizeof(buf), buf, buf + 6, &a, 3, 0, 0, buf + ETH,
					    inv_len), n);
	cr_assert_arr_eq(buf, ref, n);

	/* Prepended in front of it (headroom), invoking already in place. */
	memset(buf, 0, sizeof(buf));
	memcpy(buf + L4 + 8, inv, inv_len);
	cr_assert_eq(pmip_icmp6_error_build(buf, sizeof(buf), mac_a, mac_b, &a, 3, 0, 0,
					    buf + L4 + 8, inv_len), n);
	cr_assert_arr_eq(buf, ref, n);

	/* Invoking a little after its final place, overlapping it. */
	memset(buf, 0, sizeof(buf));
	memcpy(buf + 70, inv, inv_len);
	cr_assert_eq(pmip_icmp6_error_build(buf, sizeof(buf), mac_a, mac_b, &a, 3, 0, 0, buf + 70,
					    inv_len), n);
	cr_assert_arr_eq(buf, ref, n);
}

Test(pkt, icmp6_error_build_padding)
{
	uint8_t inv[128];
	static uint8_t ref[256], out[256];
	size_t len = invoking_of(&err_vecs[2], inv, sizeof(inv), 0);
	struct in6_addr a = addr("2001:db8:1::1");
	size_t n;

	n = pmip_icmp6_error_build(ref, sizeof(ref), mac_a, mac_b, &a, 1, 0, 0, inv, len);
	cr_assert_eq(n, sizeof(vec_err_noroute));
	/* Ethernet padding after the packet (as in a 60-byte minimum frame)
	 * is not part of it: the same error. */
	memset(inv + len, 0xa5, 20);
	cr_assert_eq(pmip_icmp6_error_build(out, sizeof(out), mac_a, mac_b, &a, 1, 0, 0, inv,
					    len + 20), n);
	cr_assert_arr_eq(out, ref, n);
	/* A payload length beyond the bytes given: the bytes given. */
	inv[5] = 200;
	n = pmip_icmp6_error_build(out, sizeof(out), mac_a, mac_b, &a, 1, 0, 0, inv, len + 20);
	cr_assert_eq(n, L4 + 8 + len + 20);
	/* Payload length 0 (jumbogram): the bytes given. */
	inv[4] = inv[5] = 0;
	n = pmip_icmp6_error_build(out, sizeof(out), mac_a, mac_b, &a, 1, 0, 0, inv, len + 20);
	cr_assert_eq(n, L4 + 8 + len + 20);
}

/* Build a Destination Unreachable (or type/code) about inv. */
static size_t err_build(uint8_t type, uint8_t code, uint32_t param, const uint8_t *inv,
			size_t inv_len)
{
	static uint8_t out[1536];
	struct in6_addr a = addr("2001:db8:1::1");

	return pmip_icmp6_error_build(out, sizeof(out), mac_a, mac_b, &a, type, code, param, inv,
				      inv_len);
}

/* RFC 4443 2.4 (e), one rule at a time, from the kernel's invoking packets. */
Test(pkt, icmp6_error_build_refused_rfc4443_2_4_e)
{
	uint8_t inv[128], bad[128];
	struct in6_addr m = addr("ff02::1"), any = addr("::");
	size_t len = invoking_of(&err_vecs[0], inv, sizeof(inv), 0);   /* an echo request */

	cr_assert_neq(err_build(1, 0, 0, inv, len), 0);

	/* (e.1) an ICMPv6 error: the kernel's Time Exceeded itself. */
	cr_assert_eq(err_build(1, 0, 0, vec_err_time + ETH, sizeof(vec_err_time) - ETH), 0);
	cr_assert_eq(err_build(2, 0, 1280, vec_err_ptb + ETH, sizeof(vec_err_ptb) - ETH), 0);
	memcpy(bad, inv, len);
	bad[40] = 127;   /* the highest error type */
	cr_assert_eq(err_build(1, 0, 0, bad, len), 0);
	bad[40] = 128;   /* the lowest informational one */
	cr_assert_neq(err_build(1, 0, 0, bad, len), 0);
	/* (e.2) a Redirect. */
	bad[40] = PMIP_ND_REDIRECT;
	cr_assert_eq(err_build(1, 0, 0, bad, len), 0);
	bad[40] = PMIP_ND_NEIGHBOR_ADVERT;   /* other ND messages may get one */
	cr_assert_neq(err_build(1, 0, 0, bad, len), 0);
	/* ICMPv6 without its type byte: cannot tell. */
	cr_assert_eq(err_build(1, 0, 0, inv, 40), 0);
	/* Behind an extension header the error is not seen (documented). */
	memcpy(bad, vec_err_time + ETH, 48);
	bad[6] = 0;   /* hop-by-hop */
	cr_assert_neq(err_build(1, 0, 0, bad, 48), 0);

	/* (e.3) destination multicast: refused but for PTB and Parameter
	 * Problem code 2. */
	memcpy(bad, inv, len);
	memcpy(bad + 24, m.s6_addr, 16);
	cr_assert_eq(err_build(1, 0, 0, bad, len), 0);
	cr_assert_eq(err_build(3, 0, 0, bad, len), 0);
	cr_assert_eq(err_build(4, 0, 0, bad, len), 0);
	cr_assert_eq(err_build(4, 1, 0, bad, len), 0);
	cr_assert_neq(err_build(4, 2, 40, bad, len), 0);
	cr_assert_neq(err_build(2, 0, 1280, bad, len), 0);

	/* (e.6) source not one node. */
	memcpy(bad, inv, len);
	memcpy(bad + 8, any.s6_addr, 16);
	cr_assert_eq(err_build(1, 0, 0, bad, len), 0);
	cr_assert_eq(err_build(2, 0, 1280, bad, len), 0);
	memcpy(bad + 8, m.s6_addr, 16);
	cr_assert_eq(err_build(1, 0, 0, bad, len), 0);
	cr_assert_eq(err_build(2, 0, 1280, bad, len), 0);

	/* Not an IPv6 packet at all. */
	cr_assert_eq(err_build(1, 0, 0, inv, 39), 0);
	memcpy(bad, inv, len);
	bad[0] = 0x45;
	cr_assert_eq(err_build(1, 0, 0, bad, len), 0);
}

Test(pkt, icmp6_error_build_refused_args)
{
	uint8_t inv[128], out[1536];
	size_t len = invoking_of(&err_vecs[0], inv, sizeof(inv), 0);
	struct in6_addr a = addr("2001:db8:1::1"), m = addr("ff02::2"), any = addr("::");
	static const struct { uint8_t type, code; bool ok; } tc[] = {
		{ 0, 0, false }, { 1, 0, true }, { 1, 8, true }, { 1, 9, false },
		{ 2, 0, true }, { 2, 1, false }, { 3, 1, true }, { 3, 2, false },
		{ 4, 10, true }, { 4, 11, false }, { 5, 0, false }, { 128, 0, false },
	};
	size_t i;

	for (i = 0; i < sizeof(tc) / sizeof(tc[0]); i++)
		cr_assert_eq(err_build(tc[i].type, tc[i].code, 1280, inv, len) != 0, tc[i].ok,
			     "type %u code %u", tc[i].type, tc[i].code);
	cr_assert_eq(err_build(2, 0, 1279, inv, len), 0);
	cr_assert_neq(err_build(2, 0, 9000, inv, len), 0);
	cr_assert_eq(pmip_icmp6_error_build(out, sizeof(out), mac_a, mac_b, &m, 1, 0, 0, inv, len),
		     0);
	cr_assert_eq(pmip_icmp6_error_build(out, sizeof(out), mac_a, mac_b, &any, 1, 0, 0, inv,
					    len), 0);
	cr_assert_eq(pmip_icmp6_error_build(out, L4 + 8 + len, mac_a, mac_b, &a, 1, 0, 0, inv, len),
		     L4 + 8 + len);
	cr_assert_eq(pmip_icmp6_error_build(out, L4 + 8 + len - 1, mac_a, mac_b, &a, 1, 0, 0, inv,
					    len), 0);
}

Test(pkt, icmp6_error_build_param_word)
{
	uint8_t inv[128];
	size_t len = invoking_of(&err_vecs[0], inv, sizeof(inv), 0);
	struct in6_addr a = addr("2001:db8:1::1");
	struct pmip_icmp6_error e;
	struct frame f;

	/* "Unused" for types 1 and 3: zero whatever the caller passed. */
	f.len = pmip_icmp6_error_build(f.b, sizeof(f.b), mac_a, mac_b, &a, 1, 3, 0xdeadbeef, inv,
				       len);
	cr_assert_eq(err_of(&f, &e), PMIP_PKT_ERR_OK);
	cr_assert_eq(e.param, 0);
	cr_assert_eq(e.code, 3);
	f.len = pmip_icmp6_error_build(f.b, sizeof(f.b), mac_a, mac_b, &a, 3, 1, 7, inv, len);
	cr_assert_eq(err_of(&f, &e), PMIP_PKT_ERR_OK);
	cr_assert_eq(e.param, 0);
	/* The pointer for type 4, even past the carried bytes (RFC 4443 3.4). */
	f.len = pmip_icmp6_error_build(f.b, sizeof(f.b), mac_a, mac_b, &a, 4, 0, 0x12345678, inv,
				       len);
	cr_assert_eq(err_of(&f, &e), PMIP_PKT_ERR_OK);
	cr_assert_eq(e.param, 0x12345678);
	cr_assert_eq(f.b[ETH + 7], PMIP_IPV6_DEFAULT_HOP_LIMIT);
}


/* ---------------------------------------------- truncations, bit flips -- */

struct outcome {
	enum pmip_pkt_err eth, ip, echo, ns, rs, na, ra, err;
	size_t reply;
};

/* The result of the parser that accepts vectors of kind k. */
static enum pmip_pkt_err own_parser(const struct outcome *o, enum vec_kind k)
{
	switch (k) {
	case K_ECHO_REQ:
	case K_ECHO_REP:
		return o->echo;
	case K_NS:
		return o->ns;
	case K_RS:
		return o->rs;
	case K_NA:
		return o->na;
	case K_RA:
		return o->ra;
	case K_ERR:
		return o->err;
	}
	return PMIP_PKT_ERR_COUNT;
}

static unsigned n_messages_ok(const struct outcome *o)
{
	return (o->echo == PMIP_PKT_ERR_OK) + (o->ns == PMIP_PKT_ERR_OK) +
	       (o->rs == PMIP_PKT_ERR_OK) + (o->na == PMIP_PKT_ERR_OK) +
	       (o->ra == PMIP_PKT_ERR_OK) + (o->err == PMIP_PKT_ERR_OK);
}

static bool is_unspecified(const struct in6_addr *a)
{
	static const uint8_t zero[16];

	return memcmp(a->s6_addr, zero, 16) == 0;
}

/* Ask for an error (Destination Unreachable, and Packet Too Big, which
 * multicast destinations may get) about inv: refused exactly when RFC 4443
 * 2.4 (e) says so; else it re-parses with the same fields and carries the
 * start of inv. */
static void check_error_about(const uint8_t *inv, size_t inv_len)
{
	static uint8_t out[1536];
	static const uint8_t types[2] = { PMIP_ICMP6_DST_UNREACH, PMIP_ICMP6_PACKET_TOO_BIG };
	struct in6_addr a = addr("2001:db8:1::1");
	size_t t;

	for (t = 0; t < 2; t++) {
		struct in6_addr isrc, idst;
		size_t n, taken = inv_len;   /* the bytes the error is about */
		bool refuse;

		if (inv_len < 40 || inv[0] >> 4 != 6) {
			refuse = true;
		} else {
			size_t plen = (size_t)(inv[4] << 8 | inv[5]);

			if (plen && 40 + plen < inv_len)   /* padding is not copied */
				taken = 40 + plen;
			memcpy(isrc.s6_addr, inv + 8, 16);
			memcpy(idst.s6_addr, inv + 24, 16);
			refuse = is_unspecified(&isrc) || isrc.s6_addr[0] == 0xff ||
				 (idst.s6_addr[0] == 0xff && types[t] != 2) ||
				 (inv[6] == 58 && (taken < 41 || inv[40] < 128 || inv[40] == 137));
		}
		n = pmip_icmp6_error_build(out, sizeof(out), mac_a, mac_b, &a, types[t], 0, 1500,
					   inv, inv_len);
		cr_assert_eq(n == 0, refuse, "type %u: %zu", types[t], n);
		if (n) {
			struct pmip_ipv6_view ip;
			struct pmip_icmp6_error e;
			size_t carried = taken < 1232 ? taken : 1232;

			cr_assert_eq(n, L4 + 8 + carried);
			cr_assert_eq(pmip_ipv6_parse(out + ETH, n - ETH, &ip), PMIP_PKT_ERR_OK);
			cr_assert_leq((size_t)ip.payload_len + 40, 1280);
			cr_assert_arr_eq(ip.dst.s6_addr, isrc.s6_addr, 16);
			cr_assert_eq(pmip_icmp6_error_parse(&ip, out + L4, ip.payload_len, &e),
				     PMIP_PKT_ERR_OK);
			cr_assert_eq(e.type, types[t]);
			cr_assert_eq(e.param, types[t] == 2 ? 1500u : 0u);
			cr_assert_eq(e.invoking_len, carried);
			cr_assert_arr_eq(out + L4 + e.invoking_off, inv, carried);
		}
	}
}

/* A parsed RA rebuilt from its fields re-parses to the same fields, unless
 * the builder refuses them (what hosts would ignore). */
static void check_ra_rebuild(const struct pmip_ipv6_view *ip, const struct pmip_nd_ra *ra)
{
	static uint8_t out[512];
	struct pmip_nd_ra again;
	struct frame f;
	bool refuse = is_unspecified(&ip->dst) ||
		      (ra->p.mtu != 0 && ra->p.mtu < 1280);
	unsigned i;

	for (i = 0; i < ra->p.n_prefixes; i++)
		refuse |= ra->p.prefixes[i].preferred_s > ra->p.prefixes[i].valid_s;
	f.len = pmip_nd_ra_build(out, sizeof(out), mac_a, mac_b, &ip->src, &ip->dst, &ra->p);
	cr_assert_eq(f.len == 0, refuse);
	if (!f.len)
		return;
	memcpy(f.b, out, f.len);
	cr_assert_eq(ra_of(&f, &again), PMIP_PKT_ERR_OK);
	assert_params_eq(&again.p, &ra->p);
	cr_assert(again.has_slla);
	cr_assert_arr_eq(again.slla, mac_a, 6);
}

/* Run every parser and builder over a frame of exactly len bytes (heap
 * copy, so that ASan sees any read past it) and check what holds whatever
 * the input. */
static struct outcome run_all(const uint8_t *frame, size_t len)
{
	struct outcome o = { PMIP_PKT_ERR_COUNT, PMIP_PKT_ERR_COUNT, PMIP_PKT_ERR_COUNT,
			     PMIP_PKT_ERR_COUNT, PMIP_PKT_ERR_COUNT, PMIP_PKT_ERR_COUNT,
			     PMIP_PKT_ERR_COUNT, PMIP_PKT_ERR_COUNT, 0 };
	uint8_t *buf = malloc(len ? len : 1);
	static uint8_t out[1536];
	struct pmip_eth_view eth;
	struct pmip_ipv6_view ip;
	struct pmip_icmp6_echo echo;
	struct pmip_nd_ns ns;
	struct pmip_nd_rs rs;
	struct pmip_nd_na na;
	struct pmip_nd_ra ra;
	struct pmip_icmp6_error err;
	const uint8_t *icmp;

	cr_assert_not_null(buf);
	memcpy(buf, frame, len);
	o.eth = pmip_eth_parse(buf, len, &eth);
	cr_assert_eq(o.eth == PMIP_PKT_ERR_OK, len >= 14);
	o.reply = pmip_icmp6_echo_reply_build(buf, len, out, sizeof(out));
	if (o.eth != PMIP_PKT_ERR_OK)
		goto out;
	o.ip = pmip_ipv6_parse(buf + ETH, len - ETH, &ip);
	/* Whatever the frame, as the invoking packet of an error. */
	check_error_about(buf + ETH, len - ETH);
	if (o.ip != PMIP_PKT_ERR_OK)
		goto out;
	cr_assert_leq((size_t)ip.payload_len, len - L4);
	icmp = buf + L4;
	o.echo = pmip_icmp6_echo_parse(&ip, icmp, ip.payload_len, &echo);
	if (o.echo == PMIP_PKT_ERR_OK) {
		cr_assert_eq(echo.data_off + echo.data_len, ip.payload_len);
		cr_assert(echo.type == 128 || echo.type == 129);
	}
	o.ns = pmip_nd_ns_parse(&ip, icmp, ip.payload_len, &ns);
	if (o.ns == PMIP_PKT_ERR_OK) {
		cr_assert_eq(ip.hop_limit, 255);
		cr_assert_neq(ns.target.s6_addr[0], 0xff);
		if (!is_unspecified(&ip.src) && ip.src.s6_addr[0] != 0xff) {
			struct pmip_nd_ns again;
			struct frame f;

			f.len = pmip_nd_ns_build(f.b, sizeof(f.b), mac_a, &ip.src, &ns.target, NULL);
			cr_assert_eq(f.len, 86);
			cr_assert_eq(ns_of(&f, &again), PMIP_PKT_ERR_OK);
			cr_assert_arr_eq(again.target.s6_addr, ns.target.s6_addr, 16);
			cr_assert_arr_eq(again.slla, mac_a, 6);
		}
	}
	o.rs = pmip_nd_rs_parse(&ip, icmp, ip.payload_len, &rs);
	if (o.rs == PMIP_PKT_ERR_OK) {
		cr_assert_eq(ip.hop_limit, 255);
		cr_assert_eq(icmp[0], 133);
		if (is_unspecified(&ip.src))
			cr_assert_not(rs.has_slla);
	}
	o.na = pmip_nd_na_parse(&ip, icmp, ip.payload_len, &na);
	if (o.na == PMIP_PKT_ERR_OK) {
		struct pmip_nd_na again;
		struct frame f;

		cr_assert_eq(ip.hop_limit, 255);
		cr_assert_neq(na.target.s6_addr[0], 0xff);
		cr_assert_eq(na.flags & 0x1fffffffu, 0);
		if (ip.dst.s6_addr[0] == 0xff)
			cr_assert_eq(na.flags & PMIP_NA_FLAG_SOLICITED, 0);
		f.len = pmip_nd_na_build(f.b, sizeof(f.b), mac_a, mac_b, &ip.src, &ip.dst,
					 &na.target, na.flags);
		cr_assert_eq(na_of(&f, &again), PMIP_PKT_ERR_OK);
		cr_assert_arr_eq(again.target.s6_addr, na.target.s6_addr, 16);
		cr_assert_eq(again.flags, na.flags);
		cr_assert(again.has_tlla);
	}
	o.ra = pmip_nd_ra_parse(&ip, icmp, ip.payload_len, &ra);
	if (o.ra == PMIP_PKT_ERR_OK) {
		cr_assert_eq(ip.hop_limit, 255);
		cr_assert_eq(ip.src.s6_addr[0], 0xfe);
		cr_assert_leq(ra.p.n_prefixes, 4);
		check_ra_rebuild(&ip, &ra);
	}
	o.err = pmip_icmp6_error_parse(&ip, icmp, ip.payload_len, &err);
	if (o.err == PMIP_PKT_ERR_OK) {
		cr_assert(err.type >= 1 && err.type <= 4);
		cr_assert_geq(err.invoking_len, 40);
		cr_assert_eq(err.invoking_off + err.invoking_len, ip.payload_len);
		/* An error about the packet an error carries. */
		check_error_about(icmp + err.invoking_off, err.invoking_len);
	}
	cr_assert_leq(n_messages_ok(&o), 1);
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
		struct pmip_nd_rs rs;
		struct pmip_nd_na na;
		struct pmip_nd_ra ra;
		struct pmip_icmp6_error err;
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
			cr_assert_neq(pmip_nd_rs_parse(&ip, buf, l, &rs), PMIP_PKT_ERR_OK,
				      "%s icmp len %zu", v->name, l);
			cr_assert_neq(pmip_nd_na_parse(&ip, buf, l, &na), PMIP_PKT_ERR_OK,
				      "%s icmp len %zu", v->name, l);
			cr_assert_neq(pmip_nd_ra_parse(&ip, buf, l, &ra), PMIP_PKT_ERR_OK,
				      "%s icmp len %zu", v->name, l);
			cr_assert_neq(pmip_icmp6_error_parse(&ip, buf, l, &err), PMIP_PKT_ERR_OK,
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
		bool nd = v->kind == K_NS || v->kind == K_RS || v->kind == K_NA || v->kind == K_RA;

		/* Each vector is accepted by its parser and by no other. */
		cr_assert_eq(own_parser(&ref, v->kind), PMIP_PKT_ERR_OK, "%s", v->name);
		cr_assert_eq(n_messages_ok(&ref), 1, "%s", v->name);
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
				cr_assert_eq(n_messages_ok(&o), 0, "%s bit %zu", v->name, bit);
				cr_assert_eq(o.reply, 0, "%s bit %zu", v->name, bit);
			}
			if (byte >= L4) {
				enum pmip_pkt_err e = own_parser(&o, v->kind);

				cr_assert_eq(o.ip, PMIP_PKT_ERR_OK);
				cr_assert(e == PMIP_PKT_ERR_CHECKSUM || e == PMIP_PKT_ERR_TYPE,
					  "%s bit %zu: %s", v->name, bit, pmip_pkt_err_name(e));
			}
			/* The version nibble. */
			if (byte == ETH && bit % 8 >= 4)
				cr_assert_eq(o.ip, PMIP_PKT_ERR_VERSION);
			/* The hop limit of ND. */
			if (byte == ETH + 7 && nd)
				cr_assert_eq(own_parser(&o, v->kind), PMIP_PKT_ERR_HOP_LIMIT);
		}
	}
}

Test(pkt, echo_request_build_parses_and_is_answered)
{
	uint8_t f[256], r[256];
	const uint8_t a[6] = { 2, 0, 0, 0, 0, 1 }, b[6] = { 2, 0, 0, 0, 0, 2 };
	struct in6_addr s, d;
	inet_pton(AF_INET6, "2001:db8::1", &s);
	inet_pton(AF_INET6, "2001:db8::2", &d);
	size_t n = pmip_icmp6_echo_request_build(f, sizeof(f), a, b, &s, &d, 0x1234, 7, 20);
	cr_assert_eq(n, 14 + 40 + 8 + 20);
	struct pmip_ipv6_view ip;
	cr_assert_eq(pmip_ipv6_parse(f + 14, n - 14, &ip), PMIP_PKT_ERR_OK);
	struct pmip_icmp6_echo e;
	cr_assert_eq(pmip_icmp6_echo_parse(&ip, f + 54, ip.payload_len, &e), PMIP_PKT_ERR_OK);
	cr_assert_eq(e.type, PMIP_ICMP6_ECHO_REQUEST);
	cr_assert_eq(e.id, 0x1234);
	cr_assert_eq(e.seq, 7);
	cr_assert_eq(e.data_len, 20);
	cr_assert_eq(pmip_icmp6_echo_reply_build(f, n, r, sizeof(r)), n, "answerable");
	cr_assert_eq(pmip_icmp6_echo_request_build(f, n - 1, a, b, &s, &d, 1, 1, 20), 0, "too small");
	struct in6_addr mc;
	inet_pton(AF_INET6, "ff02::1", &mc);
	cr_assert_eq(pmip_icmp6_echo_request_build(f, sizeof(f), a, b, &mc, &d, 1, 1, 0), 0,
		     "multicast source");
}
