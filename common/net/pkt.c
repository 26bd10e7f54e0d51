/* Wire codecs: Ethernet, IPv6, checksums and address helpers; the ICMPv6
 * (icmp6.c) and Neighbor Discovery (nd.c) codecs build on them. See pkt.h.
 *
 * Every parser validates before it handles: it compares each length with
 * the bytes left before reading, and copies fields out of the buffer with
 * byte loads or memcpy (never a cast of the buffer to a struct: frames in an
 * mbuf need not be aligned). No allocation, logging or mutable global: this
 * runs on the data-plane packet path.
 */
#include "net/pkt_internal.h"

#include <arpa/inet.h>

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

void pmip_ipv6_hdr_write(uint8_t out[PMIP_IPV6_HLEN], const struct in6_addr *src,
			 const struct in6_addr *dst, uint8_t next_header, uint16_t payload_len,
			 uint8_t hop_limit, uint8_t traffic_class, uint32_t flow_label)
{
	struct in6_addr s = *src, d = *dst;   /* either may point into out */

	put_be32(out + IP6_OFF_VTCFL,
		 6u << 28 | (uint32_t)traffic_class << 20 | (flow_label & 0xfffffu));
	put_be16(out + IP6_OFF_PLEN, payload_len);
	out[IP6_OFF_NH] = next_header;
	out[IP6_OFF_HLIM] = hop_limit;
	memcpy(out + IP6_OFF_SRC, s.s6_addr, 16);
	memcpy(out + IP6_OFF_DST, d.s6_addr, 16);
}

void pkt_eth_hdr_write(uint8_t *out, const uint8_t dst[PMIP_ETH_ALEN],
		       const uint8_t src[PMIP_ETH_ALEN])
{
	uint8_t d[PMIP_ETH_ALEN], sm[PMIP_ETH_ALEN];   /* either may point into out */

	memcpy(d, dst, PMIP_ETH_ALEN);
	memcpy(sm, src, PMIP_ETH_ALEN);
	memcpy(out + ETH_OFF_DST, d, PMIP_ETH_ALEN);
	memcpy(out + ETH_OFF_SRC, sm, PMIP_ETH_ALEN);
	put_be16(out + ETH_OFF_TYPE, PMIP_ETHERTYPE_IPV6);
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

bool pkt_icmp6_checksum_ok(const struct pmip_ipv6_view *ip, const uint8_t *icmp, size_t len)
{
	return pmip_ipv6_l4_checksum(&ip->src, &ip->dst, PMIP_IPPROTO_ICMPV6, icmp, len) == 0;
}

void pkt_icmp6_checksum_fill(const struct in6_addr *src, const struct in6_addr *dst,
			     uint8_t *icmp, size_t len)
{
	put_be16(icmp + ICMP6_OFF_CSUM,
		 pmip_ipv6_l4_checksum(src, dst, PMIP_IPPROTO_ICMPV6, icmp, len));
}
