/* ICMPv6 codecs: echo (RFC 4443 4) and error messages (RFC 4443 2-3).
 * See pkt.h for the contract, pkt.c for the conventions. */
#include "net/pkt_internal.h"

/* -------------------------------------------------------------- ICMPv6 -- */

enum pmip_pkt_err pmip_icmp6_echo_parse(const struct pmip_ipv6_view *ip, const uint8_t *icmp,
					size_t len, struct pmip_icmp6_echo *out)
{
	uint8_t type;

	if (ip->next_header != PMIP_IPPROTO_ICMPV6)
		return PMIP_PKT_ERR_NEXT_HEADER;
	if (len < ECHO_HLEN)   /* RFC 4443 4.1: type, code, checksum, id, seq */
		return PMIP_PKT_ERR_SHORT;
	type = icmp[0];
	if (type != PMIP_ICMP6_ECHO_REQUEST && type != PMIP_ICMP6_ECHO_REPLY)
		return PMIP_PKT_ERR_TYPE;
	if (!pkt_icmp6_checksum_ok(ip, icmp, len))
		return PMIP_PKT_ERR_CHECKSUM;
	if (icmp[1] != 0)
		return PMIP_PKT_ERR_CODE;

	out->type = type;
	out->id = get_be16(icmp + 4);
	out->seq = get_be16(icmp + 6);
	out->data_off = ECHO_HLEN;
	out->data_len = len - ECHO_HLEN;
	return PMIP_PKT_ERR_OK;
}

size_t pmip_icmp6_echo_reply_build(const uint8_t *req, size_t req_len, uint8_t *out, size_t cap)
{
	struct pmip_eth_view eth;
	struct pmip_ipv6_view ip;
	struct pmip_icmp6_echo echo;
	const uint8_t *icmp;
	uint8_t *o_ip, *o_icmp;
	size_t reply_len;
	uint16_t csum;

	/* Validate. */
	if (pmip_eth_parse(req, req_len, &eth) != PMIP_PKT_ERR_OK ||
	    eth.ethertype != PMIP_ETHERTYPE_IPV6)
		return 0;
	if (pmip_ipv6_parse(req + PMIP_ETH_HLEN, req_len - PMIP_ETH_HLEN, &ip) != PMIP_PKT_ERR_OK)
		return 0;
	icmp = req + PMIP_ETH_HLEN + PMIP_IPV6_HLEN;
	if (pmip_icmp6_echo_parse(&ip, icmp, ip.payload_len, &echo) != PMIP_PKT_ERR_OK ||
	    echo.type != PMIP_ICMP6_ECHO_REQUEST)
		return 0;
	/* The reply's addresses are the request's, swapped: they must be usable
	 * as such. A multicast destination would become a multicast source
	 * (RFC 4443 4.2 wants a unicast one, and answering multicast echo is an
	 * amplifier); a multicast or unspecified source cannot be a destination. */
	if (ipv6_is_multicast(&ip.dst) || ipv6_is_unspecified(&ip.dst) ||
	    ipv6_is_multicast(&ip.src) || ipv6_is_unspecified(&ip.src))
		return 0;
	if (mac_is_group(eth.dst) || mac_is_group(eth.src))
		return 0;
	/* Ethernet padding after the IPv6 payload is not copied. */
	reply_len = PMIP_ETH_HLEN + PMIP_IPV6_HLEN + (size_t)ip.payload_len;
	if (cap < reply_len)
		return 0;

	/* Handle. Everything needed from the headers is in eth/ip/echo now, so
	 * out may overlap req: move the echo data first, then write headers. */
	o_ip = out + PMIP_ETH_HLEN;
	o_icmp = o_ip + PMIP_IPV6_HLEN;
	if (echo.data_len && o_icmp != icmp)
		memmove(o_icmp + echo.data_off, icmp + echo.data_off, echo.data_len);

	pkt_eth_hdr_write(out, eth.src, eth.dst);
	/* Traffic class and flow label 0: the reply is a flow of its own
	 * (RFC 6437 allows a source to leave the label 0). */
	pmip_ipv6_hdr_write(o_ip, &ip.dst, &ip.src, PMIP_IPPROTO_ICMPV6, ip.payload_len,
			    PMIP_IPV6_DEFAULT_HOP_LIMIT, 0, 0);

	o_icmp[0] = PMIP_ICMP6_ECHO_REPLY;
	o_icmp[1] = 0;
	put_be16(o_icmp + ICMP6_OFF_CSUM, 0);
	put_be16(o_icmp + 4, echo.id);
	put_be16(o_icmp + 6, echo.seq);
	csum = pmip_ipv6_l4_checksum(&ip.dst, &ip.src, PMIP_IPPROTO_ICMPV6, o_icmp, ip.payload_len);
	put_be16(o_icmp + ICMP6_OFF_CSUM, csum);
	return reply_len;
}

/* ------------------------------------------------------- ICMPv6 errors -- */

/* Highest code assigned per error type (IANA ICMPv6 "Code" registries:
 * RFC 4443 3, RFC 6554, RFC 7112, RFC 8754, RFC 8883). */
static const uint8_t icmp6_error_code_max[PMIP_ICMP6_PARAM_PROB + 1] = {
	[PMIP_ICMP6_DST_UNREACH] = 8,
	[PMIP_ICMP6_PACKET_TOO_BIG] = 0,
	[PMIP_ICMP6_TIME_EXCEEDED] = 1,
	[PMIP_ICMP6_PARAM_PROB] = 10,
};

#define PARAM_PROB_UNRECOGNIZED_OPTION 2   /* RFC 4443 3.4 code 2 */

static bool icmp6_is_error_type(uint8_t type)
{
	return type >= PMIP_ICMP6_DST_UNREACH && type <= PMIP_ICMP6_PARAM_PROB;
}

size_t pmip_icmp6_error_build(uint8_t *out, size_t cap, const uint8_t src_mac[PMIP_ETH_ALEN],
			      const uint8_t dst_mac[PMIP_ETH_ALEN], const struct in6_addr *src,
			      uint8_t type, uint8_t code, uint32_t param, const uint8_t *invoking,
			      size_t invoking_len)
{
	uint8_t *icmp = out + PMIP_ETH_HLEN + PMIP_IPV6_HLEN;
	uint8_t smac[PMIP_ETH_ALEN], dmac[PMIP_ETH_ALEN];
	struct in6_addr s, inv_src, inv_dst;
	size_t copy, icmp_len;
	uint16_t plen;

	/* Validate what we are asked to send. */
	if (!icmp6_is_error_type(type) || code > icmp6_error_code_max[type])
		return 0;
	if (type == PMIP_ICMP6_PACKET_TOO_BIG && param < PMIP_IPV6_MIN_MTU)
		return 0;
	if (ipv6_is_unspecified(src) || ipv6_is_multicast(src))
		return 0;

	/* Validate the invoking packet: RFC 4443 2.4 (e). */
	if (invoking_len < PMIP_IPV6_HLEN || invoking[IP6_OFF_VTCFL] >> 4 != 6)
		return 0;
	/* Bytes past the payload length are Ethernet padding, not part of
	 * the packet. A length beyond the bytes given (a cut or malformed
	 * packet) or 0 (jumbogram) leaves the bytes as given. */
	plen = get_be16(invoking + IP6_OFF_PLEN);
	if (plen != 0 && PMIP_IPV6_HLEN + (size_t)plen < invoking_len)
		invoking_len = PMIP_IPV6_HLEN + (size_t)plen;
	memcpy(inv_src.s6_addr, invoking + IP6_OFF_SRC, 16);
	memcpy(inv_dst.s6_addr, invoking + IP6_OFF_DST, 16);
	/* (e.6): the error goes back to the source, which must be one node. */
	if (ipv6_is_unspecified(&inv_src) || ipv6_is_multicast(&inv_src))
		return 0;
	/* (e.3): no error about a packet to a group, but for the two that
	 * path MTU discovery and option handling need. */
	if (ipv6_is_multicast(&inv_dst) && type != PMIP_ICMP6_PACKET_TOO_BIG &&
	    !(type == PMIP_ICMP6_PARAM_PROB && code == PARAM_PROB_UNRECOGNIZED_OPTION))
		return 0;
	/* (e.1, e.2): never an error about an error or a Redirect, lest two
	 * nodes answer each other forever. Only the fixed header's next header
	 * is looked at. Without the type byte it cannot be told apart. */
	if (invoking[IP6_OFF_NH] == PMIP_IPPROTO_ICMPV6) {
		uint8_t inv_type;

		if (invoking_len < PMIP_IPV6_HLEN + 1)
			return 0;
		inv_type = invoking[PMIP_IPV6_HLEN];
		if (inv_type < PMIP_ICMP6_ECHO_REQUEST || inv_type == PMIP_ND_REDIRECT)
			return 0;
	}
	/* (c): as much of the invoking packet as keeps the error within the
	 * minimum MTU, so that it reaches the source whatever the path. */
	copy = invoking_len < PMIP_ICMP6_ERROR_MAX_INVOKING ? invoking_len
							    : PMIP_ICMP6_ERROR_MAX_INVOKING;
	icmp_len = ICMP6_ERR_HLEN + copy;
	if (cap < PMIP_ETH_HLEN + PMIP_IPV6_HLEN + icmp_len)
		return 0;

	/* Handle. out may overlap invoking (and the caller's src or MACs may
	 * point into it): copy the inputs, move the invoking bytes to their
	 * place, and only then write the headers over what they were. */
	s = *src;
	memcpy(smac, src_mac, PMIP_ETH_ALEN);
	memcpy(dmac, dst_mac, PMIP_ETH_ALEN);
	memmove(icmp + ICMP6_ERR_HLEN, invoking, copy);

	pkt_eth_hdr_write(out, dmac, smac);
	pmip_ipv6_hdr_write(out + PMIP_ETH_HLEN, &s, &inv_src, PMIP_IPPROTO_ICMPV6,
			    (uint16_t)icmp_len, PMIP_IPV6_DEFAULT_HOP_LIMIT, 0, 0);
	icmp[0] = type;
	icmp[1] = code;
	put_be16(icmp + ICMP6_OFF_CSUM, 0);
	/* MTU (3.2) or pointer (3.4); "unused", zero, for 3.1 and 3.3. */
	put_be32(icmp + 4, type == PMIP_ICMP6_PACKET_TOO_BIG || type == PMIP_ICMP6_PARAM_PROB
				   ? param : 0);
	pkt_icmp6_checksum_fill(&s, &inv_src, icmp, icmp_len);
	return PMIP_ETH_HLEN + PMIP_IPV6_HLEN + icmp_len;
}

enum pmip_pkt_err pmip_icmp6_error_parse(const struct pmip_ipv6_view *ip, const uint8_t *icmp,
					 size_t len, struct pmip_icmp6_error *out)
{
	if (ip->next_header != PMIP_IPPROTO_ICMPV6)
		return PMIP_PKT_ERR_NEXT_HEADER;
	if (len < ICMP6_HLEN)
		return PMIP_PKT_ERR_SHORT;
	if (!icmp6_is_error_type(icmp[0]))
		return PMIP_PKT_ERR_TYPE;
	if (!pkt_icmp6_checksum_ok(ip, icmp, len))
		return PMIP_PKT_ERR_CHECKSUM;
	if (len < ICMP6_ERR_HLEN + PMIP_IPV6_HLEN)
		return PMIP_PKT_ERR_SHORT;

	out->type = icmp[0];
	out->code = icmp[1];
	out->param = get_be32(icmp + 4);
	out->invoking_off = ICMP6_ERR_HLEN;
	out->invoking_len = len - ICMP6_ERR_HLEN;
	return PMIP_PKT_ERR_OK;
}

size_t pmip_icmp6_echo_request_build(uint8_t *out, size_t cap, const uint8_t src_mac[PMIP_ETH_ALEN],
				     const uint8_t dst_mac[PMIP_ETH_ALEN], const struct in6_addr *src,
				     const struct in6_addr *dst, uint16_t id, uint16_t seq,
				     size_t data_len)
{
	size_t icmp_len = ECHO_HLEN + data_len;
	size_t len = PMIP_ETH_HLEN + PMIP_IPV6_HLEN + icmp_len;
	if (cap < len || icmp_len > 0xffff || ipv6_is_multicast(src) || ipv6_is_unspecified(src) ||
	    ipv6_is_unspecified(dst))
		return 0;
	uint8_t *icmp = out + PMIP_ETH_HLEN + PMIP_IPV6_HLEN;
	pkt_eth_hdr_write(out, dst_mac, src_mac);
	pmip_ipv6_hdr_write(out + PMIP_ETH_HLEN, src, dst, PMIP_IPPROTO_ICMPV6, (uint16_t)icmp_len,
			    PMIP_IPV6_DEFAULT_HOP_LIMIT, 0, 0);
	icmp[0] = PMIP_ICMP6_ECHO_REQUEST;
	icmp[1] = 0;
	put_be16(icmp + ICMP6_OFF_CSUM, 0);
	put_be16(icmp + 4, id);
	put_be16(icmp + 6, seq);
	for (size_t i = 0; i < data_len; i++)
		icmp[ECHO_HLEN + i] = (uint8_t)i;
	pkt_icmp6_checksum_fill(src, dst, icmp, icmp_len);
	return len;
}
