/* Internal to the codecs in common/net/: header offsets, sizes, byte
 * helpers, and the few routines the protocol files share. Not for callers. */
#ifndef PMIP_COMMON_NET_PKT_INTERNAL_H
#define PMIP_COMMON_NET_PKT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "net/pkt.h"

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
#define ND_RS_LEN 8           /* + reserved (RFC 4861 4.1) */
#define ND_RA_LEN 16          /* + hop limit, flags, lifetime, reachable, retrans (4.2) */
#define ICMP6_ERR_HLEN 8      /* + unused / MTU / pointer (RFC 4443 3) */
#define ND_OPT_UNIT 8         /* option length field counts 8-octet units */
#define ND_OPT_LLA_ETH_LEN 8  /* type, length, 6-byte MAC (RFC 2464 6) */
#define ND_OPT_MTU_LEN 8      /* type, length, reserved, MTU (RFC 4861 4.6.4) */
#define ND_OPT_PI_LEN 32      /* RFC 4861 4.6.2 */

#define RA_FLAG_MANAGED 0x80  /* RFC 4861 4.2 */
#define RA_FLAG_OTHER 0x40
#define PI_FLAG_ONLINK 0x80   /* RFC 4861 4.6.2 */
#define PI_FLAG_AUTONOMOUS 0x40

#define ND_HOP_LIMIT 255

#define NA_FLAGS_DEFINED (PMIP_NA_FLAG_ROUTER | PMIP_NA_FLAG_SOLICITED | PMIP_NA_FLAG_OVERRIDE)
#define NA_FRAME_LEN (PMIP_ETH_HLEN + PMIP_IPV6_HLEN + ND_NA_LEN + ND_OPT_LLA_ETH_LEN)
#define NS_FRAME_LEN (PMIP_ETH_HLEN + PMIP_IPV6_HLEN + ND_NS_LEN + ND_OPT_LLA_ETH_LEN)

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

/* fe80::/10 (RFC 4291 2.5.6). */
static inline bool ipv6_is_link_local(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80;
}

/* IEEE 802 group bit: set on multicast and broadcast MACs. */
static inline bool mac_is_group(const uint8_t *mac)
{
	return (mac[0] & 0x01) != 0;
}

/* Ethernet header with ethertype IPv6; dst and src may point into out. */
void pkt_eth_hdr_write(uint8_t *out, const uint8_t dst[PMIP_ETH_ALEN],
		       const uint8_t src[PMIP_ETH_ALEN]);
/* Is the ICMPv6 checksum of len bytes at icmp right for ip's addresses? */
bool pkt_icmp6_checksum_ok(const struct pmip_ipv6_view *ip, const uint8_t *icmp, size_t len);
/* Fill the ICMPv6 checksum of a message whose field is zero. */
void pkt_icmp6_checksum_fill(const struct in6_addr *src, const struct in6_addr *dst,
			     uint8_t *icmp, size_t len);

#endif
