/* Wire codecs for the frames dp and cp handle themselves: Ethernet, IPv6,
 * ICMPv6 echo and Neighbor Discovery (RFC 4861).
 *
 * Every parser takes (buf, len), checks before it reads, copies fields out
 * (never casts the buffer to a struct), and returns enum pmip_pkt_err: one
 * value per broken rule, so that callers count drops by reason. Builders
 * write into a caller buffer of given capacity and return the bytes written,
 * or 0 if it does not fit. No allocation, no logging, no global state: the
 * data plane calls these on the packet path.
 */
#ifndef PMIP_COMMON_NET_PKT_H
#define PMIP_COMMON_NET_PKT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PMIP_ETH_ALEN 6
#define PMIP_ETH_HLEN 14
#define PMIP_ETHERTYPE_IPV6 0x86dd
#define PMIP_IPV6_HLEN 40
#define PMIP_IPPROTO_ICMPV6 58

#define PMIP_ICMP6_ECHO_REQUEST 128
#define PMIP_ICMP6_ECHO_REPLY 129
#define PMIP_ND_ROUTER_SOLICIT 133
#define PMIP_ND_ROUTER_ADVERT 134
#define PMIP_ND_NEIGHBOR_SOLICIT 135
#define PMIP_ND_NEIGHBOR_ADVERT 136

#define PMIP_ND_OPT_SLLA 1 /* Source Link-Layer Address */
#define PMIP_ND_OPT_TLLA 2 /* Target Link-Layer Address */

/* NA flags (RFC 4861 4.4), as they sit in the first 32-bit word after the
 * ICMPv6 checksum, host order. */
#define PMIP_NA_FLAG_ROUTER 0x80000000u
#define PMIP_NA_FLAG_SOLICITED 0x40000000u
#define PMIP_NA_FLAG_OVERRIDE 0x20000000u

/* One value per broken rule. X-macro: code, name (for counters). */
#define PMIP_PKT_ERRORS(X)                                                     \
	X(OK, "ok")                                                            \
	X(SHORT, "short")                   /* fewer bytes than the header */ \
	X(VERSION, "bad_version")           /* IPv6 version field != 6 */     \
	X(LENGTH, "bad_length")             /* payload length beyond the buffer */ \
	X(NEXT_HEADER, "bad_next_header")   /* not the protocol expected */   \
	X(CHECKSUM, "bad_checksum")                                            \
	X(HOP_LIMIT, "bad_hop_limit")       /* ND needs 255 (RFC 4861 7.1.1) */ \
	X(CODE, "bad_code")                 /* ICMPv6 code must be 0 */       \
	X(TYPE, "bad_type")                 /* not the ICMPv6 type expected */ \
	X(OPTION, "bad_option")             /* ND option length 0 or past the end */ \
	X(TARGET, "bad_target")             /* NS target is multicast */      \
	X(DAD_RULE, "bad_dad")              /* NS from :: not to solicited-node, or with SLLA */

enum pmip_pkt_err {
#define PMIP_PKT_ERR_ENUM(code, name) PMIP_PKT_ERR_##code,
	PMIP_PKT_ERRORS(PMIP_PKT_ERR_ENUM)
#undef PMIP_PKT_ERR_ENUM
	PMIP_PKT_ERR_COUNT
};

const char *pmip_pkt_err_name(enum pmip_pkt_err err);

/* ------------------------------------------------------------ Ethernet -- */

struct pmip_eth_view {
	uint8_t dst[PMIP_ETH_ALEN];
	uint8_t src[PMIP_ETH_ALEN];
	uint16_t ethertype;   /* host order; VLAN tags are not stripped */
};

/* SHORT if len < 14. */
enum pmip_pkt_err pmip_eth_parse(const uint8_t *buf, size_t len, struct pmip_eth_view *out);

/* ---------------------------------------------------------------- IPv6 -- */

struct pmip_ipv6_view {
	struct in6_addr src;
	struct in6_addr dst;
	uint8_t next_header;   /* of the fixed header; extension headers not walked */
	uint8_t hop_limit;
	uint8_t traffic_class;
	uint32_t flow_label;
	uint16_t payload_len;  /* from the header, checked: 40 + payload_len <= len */
};

/* buf points at the IPv6 header. Bytes after 40 + payload_len (Ethernet
 * padding) are allowed and ignored. Payload length 0 (jumbogram) is LENGTH. */
enum pmip_pkt_err pmip_ipv6_parse(const uint8_t *buf, size_t len, struct pmip_ipv6_view *out);

/* Checksum over the IPv6 pseudo-header (RFC 8200 8.1) and len bytes of
 * upper-layer data, with the data's checksum field taken as it is.
 * To fill a checksum: zero the field, compute, store the result (network
 * order). To verify: compute over the data as received; valid if 0. */
uint16_t pmip_ipv6_l4_checksum(const struct in6_addr *src, const struct in6_addr *dst,
			       uint8_t next_header, const uint8_t *data, size_t len);

/* ff02::1:ffXX:XXXX for addr (RFC 4291 2.7.1). */
void pmip_ipv6_solicited_node(const struct in6_addr *addr, struct in6_addr *out);
/* 33:33:xx:xx:xx:xx for a multicast address (RFC 2464 7). */
void pmip_ipv6_multicast_mac(const struct in6_addr *mcast, uint8_t mac[PMIP_ETH_ALEN]);
/* fe80::/64 with the modified EUI-64 interface id of mac (RFC 4291 2.5.1, RFC 2464 4). */
void pmip_ipv6_link_local_from_mac(const uint8_t mac[PMIP_ETH_ALEN], struct in6_addr *out);

/* -------------------------------------------------------------- ICMPv6 -- */

struct pmip_icmp6_echo {
	uint8_t type;          /* 128 or 129 */
	uint16_t id;
	uint16_t seq;
	size_t data_off;       /* offset of the echo data from the ICMPv6 header */
	size_t data_len;
};

/* icmp points at the ICMPv6 header, len = IPv6 payload_len. Verifies the
 * checksum with ip's addresses and that the type is an echo request or reply
 * with code 0. Checks in order: NEXT_HEADER (ip's is not 58), SHORT (len < 8),
 * TYPE, CHECKSUM, CODE. */
enum pmip_pkt_err pmip_icmp6_echo_parse(const struct pmip_ipv6_view *ip, const uint8_t *icmp,
					size_t len, struct pmip_icmp6_echo *out);

/* Build the echo reply to a request frame (Ethernet + IPv6 + ICMPv6 echo
 * request, len bytes) into out: MACs swapped, IPv6 source = the request's
 * destination, destination = its source, hop limit 64, traffic class and
 * flow label 0, type 129, same id, sequence and data, checksum set. The
 * request must parse, and its addresses must be usable swapped: IPv6 source
 * and destination unicast (not multicast, not ::; RFC 4443 4.2) and neither
 * MAC a group address; else 0 is returned. Ethernet padding after the IPv6
 * payload is not copied. out may be req (reply in place). Returns the reply
 * length (14 + 40 + payload length) or 0. */
size_t pmip_icmp6_echo_reply_build(const uint8_t *req, size_t req_len, uint8_t *out, size_t cap);

/* ------------------------------------------------------------------ ND -- */

struct pmip_nd_ns {
	struct in6_addr target;
	bool has_slla;
	uint8_t slla[PMIP_ETH_ALEN];
};

/* Neighbor Solicitation validity checks of RFC 4861 7.1.1: hop limit 255,
 * checksum, code 0, ICMPv6 length >= 24, target not multicast, every option
 * length > 0 and within the packet, and if the source is unspecified the
 * destination is a solicited-node address and there is no SLLA option.
 * An SLLA option that is not exactly 8 bytes (RFC 2464 6), or a second SLLA
 * option, is OPTION; unknown options are skipped.
 * Checks in order, first failure returned: NEXT_HEADER (ip's is not 58),
 * SHORT (len < 4), TYPE (not 135), then the RFC's order: HOP_LIMIT, CHECKSUM,
 * CODE, SHORT (len < 24), TARGET, OPTION, DAD_RULE. out is written only on OK. */
enum pmip_pkt_err pmip_nd_ns_parse(const struct pmip_ipv6_view *ip, const uint8_t *icmp,
				   size_t len, struct pmip_nd_ns *out);

/* Build a whole Neighbor Advertisement frame: Ethernet dst_mac <- src_mac,
 * IPv6 src -> dst with hop limit 255, target, flags (PMIP_NA_FLAG_*), and a
 * Target Link-Layer Address option carrying src_mac. Returns 86 or 0. */
size_t pmip_nd_na_build(uint8_t *out, size_t cap, const uint8_t src_mac[PMIP_ETH_ALEN],
			const uint8_t dst_mac[PMIP_ETH_ALEN], const struct in6_addr *src,
			const struct in6_addr *dst, const struct in6_addr *target, uint32_t flags);

#endif
