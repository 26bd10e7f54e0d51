/* libFuzzer target for common/net/pkt.c.
 *
 * The input is an Ethernet frame; it goes through pmip_eth_parse,
 * pmip_ipv6_parse, every ICMPv6 message parser (echo, NS, RS, NA, RA,
 * error) and pmip_icmp6_echo_reply_build, and the same bytes are also
 * tried as a bare IPv6 packet (as cp sees it from a raw socket). Every
 * parser gets an exact-size copy so that ASan catches a read past the end.
 * Invariants checked with abort():
 *  - eth parses iff len >= 14; ipv6 only with 40 + payload_len <= len;
 *  - a message that parses satisfies what its parser promises, and at most
 *    one message parser accepts a packet;
 *  - a reply is built only for a parsed echo request, is exactly
 *    14 + 40 + payload_len bytes, re-parses as an echo reply with a valid
 *    checksum, the same id, sequence and data, swapped addresses, hop
 *    limit 64; built in place it is the same; one byte less room gives 0;
 *  - built frames re-parse with the same fields and a valid checksum: the
 *    NA for a parsed NS, an NS for its target, an NA from a parsed NA's
 *    fields, an RA from a parsed RA's fields (refused exactly when a field
 *    is one hosts ignore);
 *  - an ICMPv6 error about the packet (and about the packet a parsed error
 *    carries) is refused exactly as RFC 4443 2.4 (e) says, else re-parses,
 *    fits 1280 bytes and carries the start of the invoking packet;
 *  - the input's first bytes also serve as RA parameters and NS / error
 *    arguments for the builders, with the same re-parse checks.
 * Each frame is run a second time with its ICMPv6 checksum made valid, so
 * that the fuzzer reaches the checks behind the checksum.
 * Seeds: tests/fuzz/corpus/pkt (frames captured from Linux and radvd).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c))                                                      \
			abort();                                               \
	} while (0)

#define MAX_FRAME 9216

static void check_echo_reply(const uint8_t *req, size_t req_len,
			     const struct pmip_eth_view *eth, const struct pmip_ipv6_view *ip,
			     const struct pmip_icmp6_echo *echo, bool req_ok)
{
	static uint8_t out[MAX_FRAME + 64];
	static uint8_t inplace[MAX_FRAME + 64];
	struct pmip_eth_view reth;
	struct pmip_ipv6_view rip;
	struct pmip_icmp6_echo rep;
	const uint8_t *icmp = req + PMIP_ETH_HLEN + PMIP_IPV6_HLEN;
	size_t n, n2;

	n = pmip_icmp6_echo_reply_build(req, req_len, out, sizeof(out));
	if (n == 0)
		return;
	/* Only for a request that parsed. */
	CHECK(req_ok);
	CHECK(echo->type == PMIP_ICMP6_ECHO_REQUEST);
	/* Exactly the request's length, padding left out. */
	CHECK(n == PMIP_ETH_HLEN + PMIP_IPV6_HLEN + (size_t)ip->payload_len);
	CHECK(n <= req_len);

	CHECK(pmip_eth_parse(out, n, &reth) == PMIP_PKT_ERR_OK);
	CHECK(memcmp(reth.dst, eth->src, PMIP_ETH_ALEN) == 0);
	CHECK(memcmp(reth.src, eth->dst, PMIP_ETH_ALEN) == 0);
	CHECK(reth.ethertype == PMIP_ETHERTYPE_IPV6);
	CHECK(pmip_ipv6_parse(out + PMIP_ETH_HLEN, n - PMIP_ETH_HLEN, &rip) == PMIP_PKT_ERR_OK);
	CHECK(rip.payload_len == ip->payload_len);
	CHECK(rip.hop_limit == 64);
	CHECK(memcmp(&rip.src, &ip->dst, sizeof(rip.src)) == 0);
	CHECK(memcmp(&rip.dst, &ip->src, sizeof(rip.dst)) == 0);
	CHECK(pmip_icmp6_echo_parse(&rip, out + PMIP_ETH_HLEN + PMIP_IPV6_HLEN, rip.payload_len,
				    &rep) == PMIP_PKT_ERR_OK);
	CHECK(rep.type == PMIP_ICMP6_ECHO_REPLY);
	CHECK(rep.id == echo->id && rep.seq == echo->seq);
	CHECK(rep.data_off == echo->data_off && rep.data_len == echo->data_len);
	CHECK(memcmp(out + PMIP_ETH_HLEN + PMIP_IPV6_HLEN + rep.data_off, icmp + echo->data_off,
		     echo->data_len) == 0);
	CHECK(pmip_ipv6_l4_checksum(&rip.src, &rip.dst, PMIP_IPPROTO_ICMPV6,
				    out + PMIP_ETH_HLEN + PMIP_IPV6_HLEN, rip.payload_len) == 0);

	/* Room: exact fits (heap buffer of n bytes: ASan sees a write past
	 * it), one byte less does not. */
	{
		uint8_t *exact = malloc(n);

		CHECK(exact != NULL);
		CHECK(pmip_icmp6_echo_reply_build(req, req_len, exact, n) == n);
		CHECK(memcmp(exact, out, n) == 0);
		CHECK(pmip_icmp6_echo_reply_build(req, req_len, exact, n - 1) == 0);
		free(exact);
	}

	/* In place gives the same bytes. */
	memcpy(inplace, req, req_len);
	n2 = pmip_icmp6_echo_reply_build(inplace, req_len, inplace, req_len);
	CHECK(n2 == n);
	CHECK(memcmp(inplace, out, n) == 0);
}

static void check_na(const struct pmip_eth_view *eth, const struct pmip_ipv6_view *ip,
		     const struct pmip_nd_ns *ns)
{
	static const uint8_t our_mac[PMIP_ETH_ALEN] = { 0x02, 0, 0, 0, 0, 1 };
	uint8_t na[86];
	struct pmip_ipv6_view nip;
	const uint8_t *dst_mac = ns->has_slla ? ns->slla : eth->src;

	CHECK(pmip_nd_na_build(na, sizeof(na) - 1, our_mac, dst_mac, &ns->target, &ip->src,
			       &ns->target, PMIP_NA_FLAG_SOLICITED) == 0);
	CHECK(pmip_nd_na_build(na, sizeof(na), our_mac, dst_mac, &ns->target, &ip->src,
			       &ns->target, PMIP_NA_FLAG_SOLICITED | PMIP_NA_FLAG_OVERRIDE) == 86);
	CHECK(pmip_ipv6_parse(na + PMIP_ETH_HLEN, sizeof(na) - PMIP_ETH_HLEN, &nip) ==
	      PMIP_PKT_ERR_OK);
	CHECK(nip.hop_limit == 255 && nip.payload_len == 32);
	CHECK(na[PMIP_ETH_HLEN + PMIP_IPV6_HLEN] == PMIP_ND_NEIGHBOR_ADVERT);
	CHECK(pmip_ipv6_l4_checksum(&nip.src, &nip.dst, PMIP_IPPROTO_ICMPV6,
				    na + PMIP_ETH_HLEN + PMIP_IPV6_HLEN, 32) == 0);
}

static const uint8_t mac_us[PMIP_ETH_ALEN] = { 0x02, 0, 0, 0, 0, 1 };
static const uint8_t mac_peer[PMIP_ETH_ALEN] = { 0x02, 0, 0, 0, 0, 2 };

static bool is_unspec(const struct in6_addr *a)
{
	static const uint8_t zero[16];

	return memcmp(a->s6_addr, zero, 16) == 0;
}

static bool is_mcast(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xff;
}

static bool is_link_local(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80;
}

/* A built frame: its IPv6 header parses, its length is the header's, it is
 * ICMPv6 with a valid checksum. Returns the ICMPv6 message. */
static const uint8_t *check_built(const uint8_t *f, size_t n, struct pmip_ipv6_view *ip)
{
	CHECK(n >= PMIP_ETH_HLEN + PMIP_IPV6_HLEN);
	CHECK(f[12] == 0x86 && f[13] == 0xdd);
	CHECK(pmip_ipv6_parse(f + PMIP_ETH_HLEN, n - PMIP_ETH_HLEN, ip) == PMIP_PKT_ERR_OK);
	CHECK((size_t)ip->payload_len == n - PMIP_ETH_HLEN - PMIP_IPV6_HLEN);
	CHECK(ip->next_header == PMIP_IPPROTO_ICMPV6);
	CHECK(pmip_ipv6_l4_checksum(&ip->src, &ip->dst, PMIP_IPPROTO_ICMPV6,
				    f + PMIP_ETH_HLEN + PMIP_IPV6_HLEN, ip->payload_len) == 0);
	return f + PMIP_ETH_HLEN + PMIP_IPV6_HLEN;
}

/* Highest ICMPv6 error code per type, as the builder's contract says. */
static const uint8_t err_code_max[5] = { 0, 8, 0, 1, 10 };

/* An error about inv: refused exactly as the contract (RFC 4443 2.4 e and
 * the argument checks) says; else it re-parses with the same fields, fits
 * 1280 bytes, goes back to the invoking source and carries inv's start. */
static void check_error_about(const uint8_t *inv, size_t inv_len, uint8_t type, uint8_t code,
			      uint32_t param)
{
	static uint8_t out[1400];
	static const struct in6_addr us = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
	struct in6_addr isrc, idst;
	struct pmip_ipv6_view ip;
	struct pmip_icmp6_error e;
	const uint8_t *icmp;
	size_t n, carried, taken = inv_len;   /* the bytes the error is about */
	bool refuse;

	refuse = type < 1 || type > 4 || code > err_code_max[type] ||
		 (type == PMIP_ICMP6_PACKET_TOO_BIG && param < 1280) || inv_len < 40 ||
		 inv[0] >> 4 != 6;
	if (!refuse) {
		size_t plen = (size_t)(inv[4] << 8 | inv[5]);

		if (plen && 40 + plen < inv_len)   /* padding is not copied */
			taken = 40 + plen;
		memcpy(isrc.s6_addr, inv + 8, 16);
		memcpy(idst.s6_addr, inv + 24, 16);
		refuse = is_unspec(&isrc) || is_mcast(&isrc) ||
			 (is_mcast(&idst) && type != 2 && !(type == 4 && code == 2)) ||
			 (inv[6] == 58 && (taken < 41 || inv[40] < 128 || inv[40] == 137));
	}
	n = pmip_icmp6_error_build(out, sizeof(out), mac_us, mac_peer, &us, type, code, param, inv,
				   inv_len);
	CHECK((n == 0) == refuse);
	if (!n)
		return;
	carried = taken < 1232 ? taken : 1232;
	CHECK(n == PMIP_ETH_HLEN + PMIP_IPV6_HLEN + 8 + carried);
	icmp = check_built(out, n, &ip);
	CHECK(ip.payload_len + PMIP_IPV6_HLEN <= PMIP_IPV6_MIN_MTU);
	CHECK(ip.hop_limit == PMIP_IPV6_DEFAULT_HOP_LIMIT);
	CHECK(memcmp(&ip.dst, &isrc, 16) == 0 && memcmp(&ip.src, &us, 16) == 0);
	CHECK(pmip_icmp6_error_parse(&ip, icmp, ip.payload_len, &e) == PMIP_PKT_ERR_OK);
	CHECK(e.type == type && e.code == code);
	CHECK(e.param == (type == 2 || type == 4 ? param : 0));
	CHECK(e.invoking_len == carried);
	CHECK(memcmp(icmp + e.invoking_off, inv, carried) == 0);
	/* Room: exact fits, one byte less does not. */
	{
		uint8_t *exact = malloc(n);

		CHECK(exact != NULL);
		CHECK(pmip_icmp6_error_build(exact, n, mac_us, mac_peer, &us, type, code, param,
					     inv, inv_len) == n);
		CHECK(memcmp(exact, out, n) == 0);
		CHECK(pmip_icmp6_error_build(exact, n - 1, mac_us, mac_peer, &us, type, code,
					     param, inv, inv_len) == 0);
		free(exact);
	}
}

static bool ra_params_eq(const struct pmip_nd_ra_params *a, const struct pmip_nd_ra_params *b)
{
	unsigned i;

	if (a->cur_hop_limit != b->cur_hop_limit || a->managed != b->managed ||
	    a->other != b->other || a->router_lifetime_s != b->router_lifetime_s ||
	    a->reachable_ms != b->reachable_ms || a->retrans_ms != b->retrans_ms ||
	    a->mtu != b->mtu || a->n_prefixes != b->n_prefixes)
		return false;
	for (i = 0; i < a->n_prefixes; i++) {
		const struct pmip_nd_ra_prefix *x = &a->prefixes[i], *y = &b->prefixes[i];

		if (memcmp(&x->prefix, &y->prefix, 16) != 0 || x->len != y->len ||
		    x->onlink != y->onlink || x->autonomous != y->autonomous ||
		    x->valid_s != y->valid_s || x->preferred_s != y->preferred_s)
			return false;
	}
	return true;
}

/* The prefix with bits past len cleared, bit by bit (not as pkt.c does). */
static struct in6_addr masked(const struct in6_addr *p, unsigned len)
{
	struct in6_addr m = *p;
	unsigned bit;

	for (bit = len; bit < 128; bit++)
		m.s6_addr[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
	return m;
}

/* Build an RA from p: refused exactly when the contract says, else it
 * re-parses to p (prefixes masked) with our SLLA. */
static void check_ra_build(const struct in6_addr *src, const struct in6_addr *dst,
			   const struct pmip_nd_ra_params *p)
{
	static uint8_t out[512];
	struct pmip_nd_ra_params want = *p;
	struct pmip_ipv6_view ip;
	struct pmip_nd_ra ra;
	const uint8_t *icmp;
	bool refuse;
	unsigned i;
	size_t n;

	refuse = !is_link_local(src) || is_unspec(dst) || p->n_prefixes > 4 ||
		 (p->mtu != 0 && p->mtu < 1280);
	for (i = 0; !refuse && i < p->n_prefixes; i++)
		refuse = p->prefixes[i].len > 128 ||
			 p->prefixes[i].preferred_s > p->prefixes[i].valid_s;
	n = pmip_nd_ra_build(out, sizeof(out), mac_us, mac_peer, src, dst, p);
	CHECK((n == 0) == refuse);
	if (!n)
		return;
	CHECK(n == 14 + 40 + 16 + 32 * (size_t)p->n_prefixes + (p->mtu ? 8 : 0) + 8);
	icmp = check_built(out, n, &ip);
	CHECK(ip.hop_limit == 255);
	CHECK(memcmp(out, mac_peer, 6) == 0 && memcmp(out + 6, mac_us, 6) == 0);
	CHECK(pmip_nd_ra_parse(&ip, icmp, ip.payload_len, &ra) == PMIP_PKT_ERR_OK);
	for (i = 0; i < want.n_prefixes; i++)
		want.prefixes[i].prefix = masked(&p->prefixes[i].prefix, p->prefixes[i].len);
	CHECK(ra_params_eq(&ra.p, &want));
	CHECK(ra.has_mtu == (p->mtu != 0));
	CHECK(ra.has_slla && memcmp(ra.slla, mac_us, 6) == 0);
	CHECK(ra.prefixes_skipped == 0);
	CHECK(pmip_nd_ra_build(out, n - 1, mac_us, mac_peer, src, dst, p) == 0);
}

/* Build an NS: refused exactly when the contract says, else it re-parses
 * to the same target with our SLLA, to the right addresses. */
static void check_ns_build(const struct in6_addr *src, const struct in6_addr *target,
			   const uint8_t *dst_mac)
{
	uint8_t out[86];
	struct pmip_ipv6_view ip;
	struct pmip_nd_ns ns;
	const uint8_t *icmp;
	bool refuse;
	size_t n;

	refuse = is_unspec(src) || is_mcast(src) || is_unspec(target) || is_mcast(target) ||
		 (dst_mac && (dst_mac[0] & 1));
	n = pmip_nd_ns_build(out, sizeof(out), mac_us, src, target, dst_mac);
	CHECK((n == 0) == refuse);
	if (!n)
		return;
	CHECK(n == 86);
	icmp = check_built(out, n, &ip);
	CHECK(ip.hop_limit == 255);
	CHECK(memcmp(&ip.src, src, 16) == 0);
	if (dst_mac) {
		CHECK(memcmp(&ip.dst, target, 16) == 0);
		CHECK(memcmp(out, dst_mac, 6) == 0);
	} else {
		struct in6_addr sn;
		uint8_t mac[6];

		pmip_ipv6_solicited_node(target, &sn);
		pmip_ipv6_multicast_mac(&sn, mac);
		CHECK(memcmp(&ip.dst, &sn, 16) == 0);
		CHECK(memcmp(out, mac, 6) == 0);
	}
	CHECK(pmip_nd_ns_parse(&ip, icmp, ip.payload_len, &ns) == PMIP_PKT_ERR_OK);
	CHECK(memcmp(&ns.target, target, 16) == 0);
	CHECK(ns.has_slla && memcmp(ns.slla, mac_us, 6) == 0);
	CHECK(pmip_nd_ns_build(out, n - 1, mac_us, src, target, dst_mac) == 0);
}

/* Bytes of the input as builder arguments; zeros once they run out. */
struct reader {
	const uint8_t *p;
	size_t left;
};

static uint8_t get8(struct reader *r)
{
	if (!r->left)
		return 0;
	r->left--;
	return *r->p++;
}

static uint32_t get32(struct reader *r)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 4; i++)
		v = v << 8 | get8(r);
	return v;
}

static void get_addr(struct reader *r, struct in6_addr *a)
{
	int i;

	for (i = 0; i < 16; i++)
		a->s6_addr[i] = get8(r);
}

/* The input as arguments of the builders. */
static void fuzz_builders(const uint8_t *data, size_t size)
{
	struct reader r = { data, size };
	struct pmip_nd_ra_params p;
	struct in6_addr src, dst, target;
	uint8_t mac[6], sel, hdr[PMIP_IPV6_HLEN];
	unsigned i;

	/* RA. A link-local source most of the time, so that the rest gets
	 * built; lengths and lifetimes as they come. */
	memset(&p, 0, sizeof(p));
	sel = get8(&r);
	p.cur_hop_limit = get8(&r);
	p.managed = sel & 1;
	p.other = (sel >> 1) & 1;
	p.router_lifetime_s = (uint16_t)get32(&r);
	p.reachable_ms = get32(&r);
	p.retrans_ms = get32(&r);
	p.mtu = (sel & 4) ? 0 : (sel & 8) ? get8(&r) * 16u : get32(&r);
	p.n_prefixes = (sel >> 4) % 6;
	for (i = 0; i < p.n_prefixes && i < PMIP_ND_RA_MAX_PREFIXES; i++) {
		uint8_t f;

		get_addr(&r, &p.prefixes[i].prefix);
		p.prefixes[i].len = get8(&r);
		f = get8(&r);
		p.prefixes[i].onlink = f & 1;
		p.prefixes[i].autonomous = (f >> 1) & 1;
		p.prefixes[i].valid_s = get32(&r);
		p.prefixes[i].preferred_s = (f & 4) ? get32(&r) : p.prefixes[i].valid_s >> (f >> 3 & 7);
	}
	get_addr(&r, &src);
	if (!(sel & 0x80)) {
		src.s6_addr[0] = 0xfe;
		src.s6_addr[1] = 0x80 | (src.s6_addr[1] & 0x3f);
	}
	get_addr(&r, &dst);
	check_ra_build(&src, &dst, &p);

	/* NS, multicast and unicast. */
	get_addr(&r, &src);
	get_addr(&r, &target);
	for (i = 0; i < 6; i++)
		mac[i] = get8(&r);
	check_ns_build(&src, &target, NULL);
	check_ns_build(&src, &target, mac);

	/* The fixed IPv6 header, read back. */
	{
		uint8_t nh = get8(&r), hl = get8(&r), tc = get8(&r);
		uint16_t pl = (uint16_t)get32(&r);
		uint32_t fl = get32(&r);

		pmip_ipv6_hdr_write(hdr, &src, &target, nh, pl, hl, tc, fl);
		CHECK(get32(&(struct reader){ hdr, 4 }) ==
		      (6u << 28 | (uint32_t)tc << 20 | (fl & 0xfffff)));
		CHECK(hdr[4] == pl >> 8 && hdr[5] == (pl & 0xff) && hdr[6] == nh && hdr[7] == hl);
		CHECK(memcmp(hdr + 8, &src, 16) == 0 && memcmp(hdr + 24, &target, 16) == 0);
	}

	/* An error of any type, code and parameter about what is left. */
	{
		uint8_t type = get8(&r) % 6, code = get8(&r) % 12;
		uint32_t param = get32(&r);

		check_error_about(r.p, r.left, type, code, param);
	}
}

/* buf is exactly len bytes of IPv6 packet (fixed header first). */
static void check_ipv6(const uint8_t *buf, size_t len, const struct pmip_eth_view *eth,
		       bool *echo_req_ok, struct pmip_ipv6_view *ip_out,
		       struct pmip_icmp6_echo *echo_out)
{
	struct pmip_ipv6_view ip;
	struct pmip_icmp6_echo echo;
	struct pmip_nd_ns ns;
	struct pmip_nd_rs rs;
	struct pmip_nd_na na;
	struct pmip_nd_ra ra;
	struct pmip_icmp6_error err;
	enum pmip_pkt_err e_echo, e_ns, e_rs, e_na, e_ra, e_err;
	const uint8_t *icmp;
	uint8_t *copy;

	*echo_req_ok = false;
	/* Whatever it is, as the invoking packet of an error, and of a PTB
	 * (which multicast destinations may get). */
	check_error_about(buf, len, PMIP_ICMP6_DST_UNREACH, 3, 0);
	check_error_about(buf, len, PMIP_ICMP6_PACKET_TOO_BIG, 0, 1280);
	if (pmip_ipv6_parse(buf, len, &ip) != PMIP_PKT_ERR_OK) {
		CHECK(len < PMIP_IPV6_HLEN || (buf[0] >> 4) != 6 ||
		      (size_t)((buf[4] << 8) | buf[5]) + PMIP_IPV6_HLEN > len ||
		      ((buf[4] | buf[5]) == 0));
		return;
	}
	CHECK(len >= PMIP_IPV6_HLEN);
	CHECK(ip.payload_len > 0 && (size_t)ip.payload_len <= len - PMIP_IPV6_HLEN);
	CHECK(ip.flow_label <= 0xfffff);
	*ip_out = ip;

	/* The message alone, exact size. */
	copy = malloc(ip.payload_len);
	CHECK(copy != NULL);
	memcpy(copy, buf + PMIP_IPV6_HLEN, ip.payload_len);
	icmp = copy;

	e_echo = pmip_icmp6_echo_parse(&ip, icmp, ip.payload_len, &echo);
	if (e_echo == PMIP_PKT_ERR_OK) {
		CHECK(ip.next_header == PMIP_IPPROTO_ICMPV6);
		CHECK(echo.type == PMIP_ICMP6_ECHO_REQUEST || echo.type == PMIP_ICMP6_ECHO_REPLY);
		CHECK(echo.type == icmp[0] && icmp[1] == 0);
		CHECK(echo.data_off == 8 && echo.data_off + echo.data_len == ip.payload_len);
		CHECK(pmip_ipv6_l4_checksum(&ip.src, &ip.dst, PMIP_IPPROTO_ICMPV6, icmp,
					    ip.payload_len) == 0);
		*echo_req_ok = echo.type == PMIP_ICMP6_ECHO_REQUEST;
		*echo_out = echo;
	}

	e_ns = pmip_nd_ns_parse(&ip, icmp, ip.payload_len, &ns);
	if (e_ns == PMIP_PKT_ERR_OK) {
		static const uint8_t zero[16];

		CHECK(e_echo == PMIP_PKT_ERR_TYPE);
		CHECK(icmp[0] == PMIP_ND_NEIGHBOR_SOLICIT && icmp[1] == 0);
		CHECK(ip.hop_limit == 255 && ip.payload_len >= 24);
		CHECK(ns.target.s6_addr[0] != 0xff);
		CHECK(memcmp(ns.target.s6_addr, icmp + 8, 16) == 0);
		if (memcmp(ip.src.s6_addr, zero, 16) == 0)
			CHECK(!ns.has_slla && ip.dst.s6_addr[0] == 0xff &&
			      ip.dst.s6_addr[11] == 0x01 && ip.dst.s6_addr[12] == 0xff);
		if (eth)
			check_na(eth, &ip, &ns);
		if (!is_unspec(&ip.src) && !is_mcast(&ip.src))
			check_ns_build(&ip.src, &ns.target, NULL);
	}

	e_rs = pmip_nd_rs_parse(&ip, icmp, ip.payload_len, &rs);
	if (e_rs == PMIP_PKT_ERR_OK) {
		CHECK(icmp[0] == PMIP_ND_ROUTER_SOLICIT && icmp[1] == 0);
		CHECK(ip.hop_limit == 255 && ip.payload_len >= 8);
		CHECK(!(is_unspec(&ip.src) && rs.has_slla));
	}

	e_na = pmip_nd_na_parse(&ip, icmp, ip.payload_len, &na);
	if (e_na == PMIP_PKT_ERR_OK) {
		struct pmip_nd_na again;
		struct pmip_ipv6_view nip;
		uint8_t out[86];
		const uint8_t *nicmp;

		CHECK(icmp[0] == PMIP_ND_NEIGHBOR_ADVERT && icmp[1] == 0);
		CHECK(ip.hop_limit == 255 && ip.payload_len >= 24);
		CHECK(!is_mcast(&na.target) && memcmp(&na.target, icmp + 8, 16) == 0);
		CHECK((na.flags & ~(PMIP_NA_FLAG_ROUTER | PMIP_NA_FLAG_SOLICITED |
				    PMIP_NA_FLAG_OVERRIDE)) == 0);
		CHECK(!(is_mcast(&ip.dst) && (na.flags & PMIP_NA_FLAG_SOLICITED)));
		/* Rebuilt from its fields, it parses to them. */
		CHECK(pmip_nd_na_build(out, sizeof(out), mac_us, mac_peer, &ip.src, &ip.dst,
				       &na.target, na.flags) == 86);
		nicmp = check_built(out, sizeof(out), &nip);
		CHECK(pmip_nd_na_parse(&nip, nicmp, nip.payload_len, &again) == PMIP_PKT_ERR_OK);
		CHECK(memcmp(&again.target, &na.target, 16) == 0 && again.flags == na.flags);
		CHECK(again.has_tlla && memcmp(again.tlla, mac_us, 6) == 0);
	}

	e_ra = pmip_nd_ra_parse(&ip, icmp, ip.payload_len, &ra);
	if (e_ra == PMIP_PKT_ERR_OK) {
		unsigned i;

		CHECK(icmp[0] == PMIP_ND_ROUTER_ADVERT && icmp[1] == 0);
		CHECK(ip.hop_limit == 255 && ip.payload_len >= 16 && is_link_local(&ip.src));
		CHECK(ra.p.n_prefixes <= PMIP_ND_RA_MAX_PREFIXES);
		CHECK(ra.has_mtu || ra.p.mtu == 0);
		CHECK(16 + 32 * (ra.p.n_prefixes + ra.prefixes_skipped) + 8 * ra.has_mtu +
		      8 * ra.has_slla <= ip.payload_len);
		for (i = 0; i < ra.p.n_prefixes; i++) {
			struct in6_addr m = masked(&ra.p.prefixes[i].prefix, ra.p.prefixes[i].len);

			CHECK(ra.p.prefixes[i].len <= 128);
			CHECK(memcmp(&m, &ra.p.prefixes[i].prefix, 16) == 0);
		}
		/* Rebuilt from its fields (the MTU option with 0 is dropped). */
		check_ra_build(&ip.src, &ip.dst, &ra.p);
	}

	e_err = pmip_icmp6_error_parse(&ip, icmp, ip.payload_len, &err);
	if (e_err == PMIP_PKT_ERR_OK) {
		CHECK(err.type >= 1 && err.type <= 4 && err.type == icmp[0]);
		CHECK(err.invoking_len >= 40 && err.invoking_off + err.invoking_len == ip.payload_len);
		/* An error about the packet this error carries (which may
		 * be cut, or an error itself). */
		check_error_about(icmp + err.invoking_off, err.invoking_len, 1, 0, 0);
	}

	CHECK((e_echo == PMIP_PKT_ERR_OK) + (e_ns == PMIP_PKT_ERR_OK) + (e_rs == PMIP_PKT_ERR_OK) +
		      (e_na == PMIP_PKT_ERR_OK) + (e_ra == PMIP_PKT_ERR_OK) +
		      (e_err == PMIP_PKT_ERR_OK) <=
	      1);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pmip_eth_view eth = { 0 };
	struct pmip_ipv6_view ip = { 0 };
	struct pmip_icmp6_echo echo = { 0 };
	uint8_t *frame;
	bool echo_req_ok = false;
	enum pmip_pkt_err err;

	if (size > MAX_FRAME)
		return 0;
	frame = malloc(size ? size : 1);
	CHECK(frame != NULL);
	memcpy(frame, data, size);

	err = pmip_eth_parse(frame, size, &eth);
	CHECK((err == PMIP_PKT_ERR_OK) == (size >= PMIP_ETH_HLEN));
	if (err == PMIP_PKT_ERR_OK) {
		CHECK(memcmp(eth.dst, frame, 6) == 0 && memcmp(eth.src, frame + 6, 6) == 0);
		if (eth.ethertype == PMIP_ETHERTYPE_IPV6) {
			/* The IPv6 part as its own exact-size buffer. */
			size_t l3 = size - PMIP_ETH_HLEN;
			uint8_t *pkt = malloc(l3 ? l3 : 1);

			CHECK(pkt != NULL);
			memcpy(pkt, frame + PMIP_ETH_HLEN, l3);
			check_ipv6(pkt, l3, &eth, &echo_req_ok, &ip, &echo);
			free(pkt);
		}
	}
	/* Whatever the frame, the reply builder: built only when it should. */
	check_echo_reply(frame, size, &eth, &ip, &echo, echo_req_ok);

	/* Random bytes almost never carry a valid checksum, which would leave
	 * everything after the checksum check to the seeds: run the frame
	 * again with its ICMPv6 checksum set. */
	if (err == PMIP_PKT_ERR_OK && eth.ethertype == PMIP_ETHERTYPE_IPV6 &&
	    pmip_ipv6_parse(frame + PMIP_ETH_HLEN, size - PMIP_ETH_HLEN, &ip) == PMIP_PKT_ERR_OK &&
	    ip.next_header == PMIP_IPPROTO_ICMPV6 && ip.payload_len >= 4) {
		uint8_t *icmp = frame + PMIP_ETH_HLEN + PMIP_IPV6_HLEN;
		uint16_t c;

		icmp[2] = icmp[3] = 0;
		c = pmip_ipv6_l4_checksum(&ip.src, &ip.dst, PMIP_IPPROTO_ICMPV6, icmp,
					  ip.payload_len);
		icmp[2] = (uint8_t)(c >> 8);
		icmp[3] = (uint8_t)c;
		{
			size_t l3 = size - PMIP_ETH_HLEN;
			uint8_t *pkt = malloc(l3);

			CHECK(pkt != NULL);
			memcpy(pkt, frame + PMIP_ETH_HLEN, l3);
			check_ipv6(pkt, l3, &eth, &echo_req_ok, &ip, &echo);
			free(pkt);
		}
		check_echo_reply(frame, size, &eth, &ip, &echo, echo_req_ok);
	}

	/* The same bytes as builder arguments. */
	fuzz_builders(data, size);

	/* The same bytes as a bare IPv6 packet. */
	{
		bool dummy;

		check_ipv6(frame, size, NULL, &dummy, &ip, &echo);
	}
	free(frame);
	return 0;
}
