/* Wire codecs for Ethernet, IPv6, ICMPv6 echo and Neighbor Discovery.
 * See pkt.h for the contract.
 *
 * Every parser validates before it handles: it compares each length with
 * the bytes left before reading, and copies fields out of the buffer with
 * byte loads or memcpy (never a cast of the buffer to a struct: frames in an
 * mbuf need not be aligned). No allocation, logging or mutable global: this
 * runs on the data-plane packet path.
 */
#include "net/pkt.h"

#include <arpa/inet.h>
#include <string.h>

/* Offsets inside the fixed headers. */
#define ETH_OFF_DST 0
#define ETH_OFF_SRC 6
#define ETH_OFF_TYPE 12

#define IP6_OFF_VTCFL 0
#define IP6_OFF_PLEN 4
#define IP6_OFF_NH 6
#define IP6_OFF_HLIM 7
#define IP6_OFF_SRC 8
#define IP6_OFF_DST 24

#define ICMP6_HLEN 4          /* type, code, checksum */
#define ICMP6_OFF_CSUM 2
#define ECHO_HLEN 8           /* + identifier, sequence */
#define ND_NS_LEN 24          /* + reserved, target (RFC 4861 4.3) */
#define ND_NA_LEN 24          /* + flags/reserved, target (RFC 4861 4.4) */
#define ND_OPT_UNIT 8         /* option length field counts 8-octet units */
#define ND_OPT_LLA_ETH_LEN 8  /* type, length, 6-byte MAC (RFC 2464 6) */

#define ECHO_REPLY_HOP_LIMIT 64
#define ND_HOP_LIMIT 255

#define NA_FLAGS_DEFINED (PMIP_NA_FLAG_ROUTER | PMIP_NA_FLAG_SOLICITED | PMIP_NA_FLAG_OVERRIDE)
#define NA_FRAME_LEN (PMIP_ETH_HLEN + PMIP_IPV6_HLEN + ND_NA_LEN + ND_OPT_LLA_ETH_LEN)

static const char *const pkt_err_names[PMIP_PKT_ERR_COUNT] = {
#define PMIP_PKT_ERR_NAME(code, name) [PMIP_PKT_ERR_##code] = name,
	PMIP_PKT_ERRORS(PMIP_PKT_ERR_NAME)
#undef PMIP_PKT_ERR_NAME
};

const char *pmip_pkt_err_name(enum pmip_pkt_err err)
{
	if ((unsigned)err >= PMIP_PKT_ERR_COUNT)
		return "unknown";
	return pkt_err_names[err];
}

/* ------------------------------------------------------ byte helpers -- */

static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline bool ipv6_is_multicast(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xff;
}

static inline bool ipv6_is_unspecified(const struct in6_addr *a)
{
	static const uint8_t zero[16];

	return memcmp(a->s6_addr, zero, sizeof(zero)) == 0;
}

/* ff02::1:ff00:0/104 (RFC 4291 2.7.1). */
static inline bool ipv6_is_solicited_node(const struct in6_addr *a)
{
	static const uint8_t prefix[13] = {
		0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff,
	};

	return memcmp(a->s6_addr, prefix, sizeof(prefix)) == 0;
}

/* IEEE 802 group bit: set on multicast and broadcast MACs. */
static inline bool mac_is_group(const uint8_t *mac)
{
	return (mac[0] & 0x01) != 0;
}

/* ------------------------------------------------------------ Ethernet -- */

enum pmip_pkt_err pmip_eth_parse(const uint8_t *buf, size_t len, struct pmip_eth_view *out)
{
	if (len < PMIP_ETH_HLEN)
		return PMIP_PKT_ERR_SHORT;
	memcpy(out->dst, buf + ETH_OFF_DST, PMIP_ETH_ALEN);
	memcpy(out->src, buf + ETH_OFF_SRC, PMIP_ETH_ALEN);
	out->ethertype = get_be16(buf + ETH_OFF_TYPE);
	return PMIP_PKT_ERR_OK;
}

/* ---------------------------------------------------------------- IPv6 -- */

enum pmip_pkt_err pmip_ipv6_parse(const uint8_t *buf, size_t len, struct pmip_ipv6_view *out)
{
	uint32_t vtcfl;
	uint16_t plen;

	if (len < PMIP_IPV6_HLEN)
		return PMIP_PKT_ERR_SHORT;
	vtcfl = get_be32(buf + IP6_OFF_VTCFL);
	if (vtcfl >> 28 != 6)
		return PMIP_PKT_ERR_VERSION;
	plen = get_be16(buf + IP6_OFF_PLEN);
	/* 0 announces a Jumbo Payload option (RFC 2675): never on Ethernet. */
	if (plen == 0 || plen > len - PMIP_IPV6_HLEN)
		return PMIP_PKT_ERR_LENGTH;

	out->traffic_class = (uint8_t)(vtcfl >> 20);
	out->flow_label = vtcfl & 0xfffffu;
	out->payload_len = plen;
	out->next_header = buf[IP6_OFF_NH];
	out->hop_limit = buf[IP6_OFF_HLIM];
	memcpy(out->src.s6_addr, buf + IP6_OFF_SRC, 16);
	memcpy(out->dst.s6_addr, buf + IP6_OFF_DST, 16);
	return PMIP_PKT_ERR_OK;
}

/* One's complement sum (RFC 1071) of n bytes added to acc, with words loaded
 * in host order: the sum is byte-order independent (RFC 1071 2.(B)), so the
 * caller folds and converts once at the end. 32-bit loads into a 64-bit
 * accumulator cannot overflow for any IPv6 payload (< 2^32 words). */
static uint64_t csum_add(uint64_t acc, const uint8_t *p, size_t n)
{
	uint32_t w32;
	uint16_t w16;

	while (n >= 16) {
		uint32_t w[4];

		memcpy(w, p, sizeof(w));
		acc += (uint64_t)w[0] + w[1] + w[2] + w[3];
		p += 16;
		n -= 16;
	}
	while (n >= 4) {
		memcpy(&w32, p, 4);
		acc += w32;
		p += 4;
		n -= 4;
	}
	if (n >= 2) {
		memcpy(&w16, p, 2);
		acc += w16;
		p += 2;
		n -= 2;
	}
	if (n) {
		/* Odd byte: the high half of a word padded with zero. */
		const uint8_t last[2] = { p[0], 0 };

		memcpy(&w16, last, 2);
		acc += w16;
	}
	return acc;
}

static uint16_t csum_fold(uint64_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

uint16_t pmip_ipv6_l4_checksum(const struct in6_addr *src, const struct in6_addr *dst,
			       uint8_t next_header, const uint8_t *data, size_t len)
{
	uint8_t tail[8];   /* pseudo-header: upper-layer length (32), zero (24), next header (8) */
	uint64_t acc = 0;

	put_be32(tail, (uint32_t)len);
	tail[4] = tail[5] = tail[6] = 0;
	tail[7] = next_header;
	acc = csum_add(acc, src->s6_addr, 16);
	acc = csum_add(acc, dst->s6_addr, 16);
	acc = csum_add(acc, tail, sizeof(tail));
	acc = csum_add(acc, data, len);
	/* Summed in host order: ntohs turns it into the value whose network
	 * order bytes are the checksum field. */
	return ntohs((uint16_t)~csum_fold(acc));
}

void pmip_ipv6_solicited_node(const struct in6_addr *addr, struct in6_addr *out)
{
	struct in6_addr a = *addr;   /* out may alias addr */

	memset(out, 0, sizeof(*out));
	out->s6_addr[0] = 0xff;
	out->s6_addr[1] = 0x02;
	out->s6_addr[11] = 0x01;
	out->s6_addr[12] = 0xff;
	memcpy(out->s6_addr + 13, a.s6_addr + 13, 3);
}

void pmip_ipv6_multicast_mac(const struct in6_addr *mcast, uint8_t mac[PMIP_ETH_ALEN])
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, mcast->s6_addr + 12, 4);
}

void pmip_ipv6_link_local_from_mac(const uint8_t mac[PMIP_ETH_ALEN], struct in6_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->s6_addr[0] = 0xfe;
	out->s6_addr[1] = 0x80;
	/* Modified EUI-64: invert the universal/local bit, insert ff:fe. */
	out->s6_addr[8] = mac[0] ^ 0x02;
	out->s6_addr[9] = mac[1];
	out->s6_addr[10] = mac[2];
	out->s6_addr[11] = 0xff;
	out->s6_addr[12] = 0xfe;
	out->s6_addr[13] = mac[3];
	out->s6_addr[14] = mac[4];
	out->s6_addr[15] = mac[5];
}

/* -------------------------------------------------------------- ICMPv6 -- */

static bool icmp6_checksum_ok(const struct pmip_ipv6_view *ip, const uint8_t *icmp, size_t len)
{
	return pmip_ipv6_l4_checksum(&ip->src, &ip->dst, PMIP_IPPROTO_ICMPV6, icmp, len) == 0;
}

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
	if (!icmp6_checksum_ok(ip, icmp, len))
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

	memcpy(out + ETH_OFF_DST, eth.src, PMIP_ETH_ALEN);
	memcpy(out + ETH_OFF_SRC, eth.dst, PMIP_ETH_ALEN);
	put_be16(out + ETH_OFF_TYPE, PMIP_ETHERTYPE_IPV6);

	/* Traffic class and flow label 0: the reply is a flow of its own
	 * (RFC 6437 allows a source to leave the label 0). */
	put_be32(o_ip + IP6_OFF_VTCFL, 6u << 28);
	put_be16(o_ip + IP6_OFF_PLEN, ip.payload_len);
	o_ip[IP6_OFF_NH] = PMIP_IPPROTO_ICMPV6;
	o_ip[IP6_OFF_HLIM] = ECHO_REPLY_HOP_LIMIT;
	memcpy(o_ip + IP6_OFF_SRC, ip.dst.s6_addr, 16);
	memcpy(o_ip + IP6_OFF_DST, ip.src.s6_addr, 16);

	o_icmp[0] = PMIP_ICMP6_ECHO_REPLY;
	o_icmp[1] = 0;
	put_be16(o_icmp + ICMP6_OFF_CSUM, 0);
	put_be16(o_icmp + 4, echo.id);
	put_be16(o_icmp + 6, echo.seq);
	csum = pmip_ipv6_l4_checksum(&ip.dst, &ip.src, PMIP_IPPROTO_ICMPV6, o_icmp, ip.payload_len);
	put_be16(o_icmp + ICMP6_OFF_CSUM, csum);
	return reply_len;
}

/* ------------------------------------------------------------------ ND -- */

enum pmip_pkt_err pmip_nd_ns_parse(const struct pmip_ipv6_view *ip, const uint8_t *icmp,
				   size_t len, struct pmip_nd_ns *out)
{
	struct in6_addr target;
	uint8_t slla[PMIP_ETH_ALEN];
	bool has_slla = false;
	size_t off;

	/* Dispatch: is this an NS at all? */
	if (ip->next_header != PMIP_IPPROTO_ICMPV6)
		return PMIP_PKT_ERR_NEXT_HEADER;
	if (len < ICMP6_HLEN)
		return PMIP_PKT_ERR_SHORT;
	if (icmp[0] != PMIP_ND_NEIGHBOR_SOLICIT)
		return PMIP_PKT_ERR_TYPE;

	/* RFC 4861 7.1.1, in the RFC's order. */
	if (ip->hop_limit != ND_HOP_LIMIT)   /* i.e. not forwarded by a router */
		return PMIP_PKT_ERR_HOP_LIMIT;
	if (!icmp6_checksum_ok(ip, icmp, len))
		return PMIP_PKT_ERR_CHECKSUM;
	if (icmp[1] != 0)
		return PMIP_PKT_ERR_CODE;
	if (len < ND_NS_LEN)
		return PMIP_PKT_ERR_SHORT;
	memcpy(target.s6_addr, icmp + 8, 16);
	if (ipv6_is_multicast(&target))
		return PMIP_PKT_ERR_TARGET;

	for (off = ND_NS_LEN; off < len;) {
		size_t left = len - off;
		size_t opt_len;
		uint8_t opt_type;

		if (left < 2)   /* no room for type and length */
			return PMIP_PKT_ERR_OPTION;
		opt_type = icmp[off];
		opt_len = (size_t)icmp[off + 1] * ND_OPT_UNIT;
		if (opt_len == 0 || opt_len > left)
			return PMIP_PKT_ERR_OPTION;
		if (opt_type == PMIP_ND_OPT_SLLA) {
			/* Ethernet link-layer address options are exactly 8
			 * bytes (RFC 2464 6). A second SLLA leaves the address
			 * to cache ambiguous: Linux drops it too. */
			if (opt_len != ND_OPT_LLA_ETH_LEN || has_slla)
				return PMIP_PKT_ERR_OPTION;
			memcpy(slla, icmp + off + 2, PMIP_ETH_ALEN);
			has_slla = true;
		}
		/* Unknown options are skipped (RFC 4861 7.1.1, last paragraph). */
		off += opt_len;
	}

	/* Duplicate Address Detection (RFC 4861 7.1.1, RFC 4862 5.4.3). */
	if (ipv6_is_unspecified(&ip->src) &&
	    (!ipv6_is_solicited_node(&ip->dst) || has_slla))
		return PMIP_PKT_ERR_DAD_RULE;

	out->target = target;
	out->has_slla = has_slla;
	if (has_slla)
		memcpy(out->slla, slla, PMIP_ETH_ALEN);
	else
		memset(out->slla, 0, PMIP_ETH_ALEN);
	return PMIP_PKT_ERR_OK;
}

size_t pmip_nd_na_build(uint8_t *out, size_t cap, const uint8_t src_mac[PMIP_ETH_ALEN],
			const uint8_t dst_mac[PMIP_ETH_ALEN], const struct in6_addr *src,
			const struct in6_addr *dst, const struct in6_addr *target, uint32_t flags)
{
	uint8_t *ip = out + PMIP_ETH_HLEN;
	uint8_t *icmp = ip + PMIP_IPV6_HLEN;
	uint16_t csum;

	if (cap < NA_FRAME_LEN)
		return 0;

	memcpy(out + ETH_OFF_DST, dst_mac, PMIP_ETH_ALEN);
	memcpy(out + ETH_OFF_SRC, src_mac, PMIP_ETH_ALEN);
	put_be16(out + ETH_OFF_TYPE, PMIP_ETHERTYPE_IPV6);

	put_be32(ip + IP6_OFF_VTCFL, 6u << 28);
	put_be16(ip + IP6_OFF_PLEN, ND_NA_LEN + ND_OPT_LLA_ETH_LEN);
	ip[IP6_OFF_NH] = PMIP_IPPROTO_ICMPV6;
	ip[IP6_OFF_HLIM] = ND_HOP_LIMIT;
	memcpy(ip + IP6_OFF_SRC, src->s6_addr, 16);
	memcpy(ip + IP6_OFF_DST, dst->s6_addr, 16);

	icmp[0] = PMIP_ND_NEIGHBOR_ADVERT;
	icmp[1] = 0;
	put_be16(icmp + ICMP6_OFF_CSUM, 0);
	/* RFC 4861 4.4: the reserved bits MUST be zero. */
	put_be32(icmp + 4, flags & NA_FLAGS_DEFINED);
	memcpy(icmp + 8, target->s6_addr, 16);
	icmp[ND_NA_LEN] = PMIP_ND_OPT_TLLA;
	icmp[ND_NA_LEN + 1] = ND_OPT_LLA_ETH_LEN / ND_OPT_UNIT;
	memcpy(icmp + ND_NA_LEN + 2, src_mac, PMIP_ETH_ALEN);

	csum = pmip_ipv6_l4_checksum(src, dst, PMIP_IPPROTO_ICMPV6, icmp,
				     ND_NA_LEN + ND_OPT_LLA_ETH_LEN);
	put_be16(icmp + ICMP6_OFF_CSUM, csum);
	return NA_FRAME_LEN;
}
