/* libFuzzer target for common/net/pkt.c.
 *
 * The input is an Ethernet frame; it goes through pmip_eth_parse,
 * pmip_ipv6_parse, pmip_icmp6_echo_parse, pmip_nd_ns_parse and
 * pmip_icmp6_echo_reply_build, and the same bytes are also tried as a bare
 * IPv6 packet (as cp sees it from a raw socket). Every parser gets an
 * exact-size copy so that ASan catches a read past the end. Invariants
 * checked with abort():
 *  - eth parses iff len >= 14; ipv6 only with 40 + payload_len <= len;
 *  - an echo or NS that parses satisfies what its parser promises;
 *  - a reply is built only for a parsed echo request, is exactly
 *    14 + 40 + payload_len bytes, re-parses as an echo reply with a valid
 *    checksum, the same id, sequence and data, swapped addresses, hop
 *    limit 64; built in place it is the same; one byte less room gives 0;
 *  - the NA built for a parsed NS re-parses with a valid checksum.
 * Each frame is run a second time with its ICMPv6 checksum made valid, so
 * that the fuzzer reaches the checks behind the checksum.
 * Seeds: tests/fuzz/corpus/pkt (frames captured from the Linux kernel).
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

/* buf is exactly len bytes of IPv6 packet (fixed header first). */
static void check_ipv6(const uint8_t *buf, size_t len, const struct pmip_eth_view *eth,
		       bool *echo_req_ok, struct pmip_ipv6_view *ip_out,
		       struct pmip_icmp6_echo *echo_out)
{
	struct pmip_ipv6_view ip;
	struct pmip_icmp6_echo echo;
	struct pmip_nd_ns ns;
	enum pmip_pkt_err e_echo, e_ns;
	const uint8_t *icmp;
	uint8_t *copy;

	*echo_req_ok = false;
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
	}
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

	/* The same bytes as a bare IPv6 packet. */
	{
		bool dummy;

		check_ipv6(frame, size, NULL, &dummy, &ip, &echo);
	}
	free(frame);
	return 0;
}
