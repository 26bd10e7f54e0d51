/* Wire codecs for the frames dp and cp handle themselves: Ethernet, IPv6,
 * ICMPv6 echo and errors (RFC 4443) and Neighbor Discovery (RFC 4861).
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
#define PMIP_IPPROTO_MH 135     /* Mobility Header (RFC 6275 6.1) */
#define PMIP_IKE_PORT 500       /* IKEv2 (RFC 7296 2) */
#define PMIP_IPPROTO_IPV6 41      /* IPv6-in-IPv6 (RFC 2473) */
#define PMIP_IPV6_MIN_MTU 1280    /* every IPv6 link carries this (RFC 8200 5) */

#define PMIP_ICMP6_DST_UNREACH 1     /* RFC 4443 3.1 */
#define PMIP_ICMP6_PACKET_TOO_BIG 2  /* RFC 4443 3.2 */
#define PMIP_ICMP6_TIME_EXCEEDED 3   /* RFC 4443 3.3 */
#define PMIP_ICMP6_PARAM_PROB 4      /* RFC 4443 3.4 */

#define PMIP_ICMP6_ECHO_REQUEST 128
#define PMIP_ICMP6_ECHO_REPLY 129
#define PMIP_ND_ROUTER_SOLICIT 133
#define PMIP_ND_ROUTER_ADVERT 134
#define PMIP_ND_NEIGHBOR_SOLICIT 135
#define PMIP_ND_NEIGHBOR_ADVERT 136
#define PMIP_ND_REDIRECT 137

#define PMIP_ND_OPT_SLLA 1 /* Source Link-Layer Address */
#define PMIP_ND_OPT_TLLA 2 /* Target Link-Layer Address */
#define PMIP_ND_OPT_PREFIX_INFO 3 /* RFC 4861 4.6.2 */
#define PMIP_ND_OPT_MTU 5  /* RFC 4861 4.6.4 */

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
	X(OPTION, "bad_option")             /* ND option length 0, past the end, or malformed */ \
	X(TARGET, "bad_target")             /* NS or NA target is multicast */ \
	X(DAD_RULE, "bad_dad")              /* NS from :: not to solicited-node, or with SLLA */ \
	X(SOURCE, "bad_source")             /* RA source not link-local (RFC 4861 6.1.2) */ \
	X(UNSPEC_SLLA, "bad_unspec_slla")   /* RS from :: with SLLA (RFC 4861 6.1.1) */ \
	X(SOLICITED, "bad_solicited")       /* NA to multicast with S set (RFC 4861 7.1.2) */ \
	X(ESP_SPI, "esp_reserved_spi")      /* SPI 0-255 (RFC 4303 2.1) */    \
	X(ESP_TRUNCATED, "esp_truncated")   /* < header + IV + 2-byte trailer + ICV */ \
	X(ESP_ALIGN, "esp_misaligned")      /* ciphertext not a multiple of the block (RFC 4303 2.4) */ \
	X(ESP_PAD_LENGTH, "esp_bad_pad_length") /* pad length + 2 > decrypted length */ \
	X(ESP_PADDING, "esp_bad_padding")   /* padding not 1, 2, 3, ... (RFC 4303 2.4) */ \
	X(ESP_DUMMY, "esp_dummy")           /* next header 59: dummy packet (RFC 4303 2.6) */

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

/* Write the fixed IPv6 header (RFC 8200 3): version 6, traffic_class,
 * flow_label (low 20 bits kept), payload_len, next_header, hop_limit, src,
 * dst. For IPv6-in-IPv6 encapsulation (RFC 2473 3.1, 5) the caller passes
 * next_header PMIP_IPPROTO_IPV6 and payload_len = the inner packet's whole
 * length (40 + its payload length); the tunnel entry point's hop limit is
 * its own default, not the inner one's (RFC 2473 3.1). */
void pmip_ipv6_hdr_write(uint8_t out[PMIP_IPV6_HLEN], const struct in6_addr *src,
			 const struct in6_addr *dst, uint8_t next_header, uint16_t payload_len,
			 uint8_t hop_limit, uint8_t traffic_class, uint32_t flow_label);

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

/* Hop limit of the messages we originate that are not ND: the default that
 * RFC 1700 / IANA give and Linux uses for its own ICMPv6 errors and echo
 * replies (captured: every kernel error in test_pkt.c carries 64). RFC 4443
 * sets none; 255 is ND's proof of being on-link (RFC 4861 7.1.1), not
 * something an error routed back over several hops can prove. */
#define PMIP_IPV6_DEFAULT_HOP_LIMIT 64

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

/* Build an echo request frame (RFC 4443 4.1) with data_len bytes of data
 * 0, 1, 2, ... and hop limit 64. Returns the frame length or 0. */
size_t pmip_icmp6_echo_request_build(uint8_t *out, size_t cap, const uint8_t src_mac[PMIP_ETH_ALEN],
				     const uint8_t dst_mac[PMIP_ETH_ALEN], const struct in6_addr *src,
				     const struct in6_addr *dst, uint16_t id, uint16_t seq,
				     size_t data_len);

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

/* Router Solicitation (RFC 4861 4.1). */
struct pmip_nd_rs {
	bool has_slla;
	uint8_t slla[PMIP_ETH_ALEN];   /* the Source Link-Layer Address; zero without */
};

/* Router Solicitation validity checks of RFC 4861 6.1.1: hop limit 255,
 * checksum, code 0, ICMPv6 length >= 8, every option length > 0 and within
 * the packet, and no SLLA option if the source is unspecified. Options as in
 * pmip_nd_ns_parse (an SLLA not 8 bytes, or two, is OPTION).
 * Checks in order: NEXT_HEADER, SHORT (len < 4), TYPE (not 133), HOP_LIMIT,
 * CHECKSUM, CODE, SHORT (len < 8), OPTION, UNSPEC_SLLA. out written only on OK. */
enum pmip_pkt_err pmip_nd_rs_parse(const struct pmip_ipv6_view *ip, const uint8_t *icmp,
				   size_t len, struct pmip_nd_rs *out);

/* Neighbor Advertisement (RFC 4861 4.4). */
struct pmip_nd_na {
	struct in6_addr target;
	uint32_t flags;                /* PMIP_NA_FLAG_* bits, host order; reserved bits cleared */
	bool has_tlla;
	uint8_t tlla[PMIP_ETH_ALEN];   /* the Target Link-Layer Address; zero without */
};

/* Neighbor Advertisement validity checks of RFC 4861 7.1.2: hop limit 255,
 * checksum, code 0, ICMPv6 length >= 24, target not multicast, Solicited
 * flag 0 if the destination is multicast, every option length > 0 and
 * within the packet. A TLLA option that is not 8 bytes, or a second one,
 * is OPTION; other options are skipped. Reserved flag bits are ignored
 * (RFC 4861 4.4). Checks in order: NEXT_HEADER, SHORT (len < 4), TYPE (not
 * 136), HOP_LIMIT, CHECKSUM, CODE, SHORT (len < 24), TARGET, SOLICITED,
 * OPTION. out written only on OK. */
enum pmip_pkt_err pmip_nd_na_parse(const struct pmip_ipv6_view *ip, const uint8_t *icmp,
				   size_t len, struct pmip_nd_na *out);

/* Build a whole Neighbor Solicitation frame for address resolution or
 * unreachability detection (RFC 4861 7.2.2, 7.3.1), from src (ours, not ::,
 * not multicast) for target (not ::, not multicast), hop limit 255, with a
 * Source Link-Layer Address option carrying src_mac:
 *  - dst_mac_or_null NULL: to the target's solicited-node group
 *    (RFC 4291 2.7.1) at its 33:33 MAC (RFC 2464 7): address resolution;
 *  - else: unicast to target at that MAC: a NUD probe.
 * DAD probes (source ::, RFC 4862 5.4.2) are not built here: they must not
 * carry the SLLA option (RFC 4861 4.3). Returns 86 or 0. */
size_t pmip_nd_ns_build(uint8_t *out, size_t cap, const uint8_t src_mac[PMIP_ETH_ALEN],
			const struct in6_addr *src, const struct in6_addr *target,
			const uint8_t *dst_mac_or_null);

#define PMIP_ND_RA_MAX_PREFIXES 4

/* One Prefix Information option (RFC 4861 4.6.2). */
struct pmip_nd_ra_prefix {
	struct in6_addr prefix;   /* bits past len are zero (cleared by build and parse) */
	uint8_t len;              /* prefix length, 0..128 */
	bool onlink;              /* L: the prefix is on-link */
	bool autonomous;          /* A: usable for SLAAC (RFC 4862 5.5.3) */
	uint32_t valid_s;         /* 0xffffffff = infinity */
	uint32_t preferred_s;     /* <= valid_s */
};

/* What a Router Advertisement carries (RFC 4861 4.2), as the caller gives it
 * to pmip_nd_ra_build and as pmip_nd_ra_parse returns it. */
struct pmip_nd_ra_params {
	uint8_t cur_hop_limit;        /* for hosts' packets; 0 = unspecified */
	bool managed;                 /* M: addresses from DHCPv6 */
	bool other;                   /* O: other configuration from DHCPv6 */
	uint16_t router_lifetime_s;   /* as default router; 0 = not one */
	uint32_t reachable_ms;        /* 0 = unspecified */
	uint32_t retrans_ms;          /* 0 = unspecified */
	uint32_t mtu;                 /* MTU option (RFC 4861 4.6.4); 0 = none */
	struct pmip_nd_ra_prefix prefixes[PMIP_ND_RA_MAX_PREFIXES];
	unsigned n_prefixes;          /* 0..PMIP_ND_RA_MAX_PREFIXES */
};

/* Build a whole Router Advertisement frame: Ethernet dst_mac <- src_mac,
 * IPv6 src (link-local, RFC 4861 4.2) -> dst (ff02::1, or the soliciting
 * host), hop limit 255, the header fields of p, and the options in the
 * order radvd sends them: the n_prefixes Prefix Information options (bits
 * past each length zeroed), an MTU option if p->mtu != 0, and a Source
 * Link-Layer Address option with src_mac. Other flags (H, Prf, P) are 0.
 * Refused (0): src not link-local, dst unspecified, n_prefixes > 4, a prefix
 * length > 128, preferred > valid lifetime (hosts ignore such an option,
 * RFC 4862 5.5.3 c), 0 < mtu < 1280 (RFC 8200 5), or cap too small.
 * Returns 14 + 40 + 16 + 32 * n_prefixes (+ 8 with MTU) + 8, or 0. */
size_t pmip_nd_ra_build(uint8_t *out, size_t cap, const uint8_t src_mac[PMIP_ETH_ALEN],
			const uint8_t dst_mac[PMIP_ETH_ALEN], const struct in6_addr *src,
			const struct in6_addr *dst, const struct pmip_nd_ra_params *p);

struct pmip_nd_ra {
	struct pmip_nd_ra_params p;   /* mtu 0 without an MTU option */
	bool has_mtu;                 /* an MTU option was present (its value may be 0) */
	bool has_slla;
	uint8_t slla[PMIP_ETH_ALEN];  /* the Source Link-Layer Address; zero without */
	unsigned prefixes_skipped;    /* Prefix Information options past the 4th */
};

/* Router Advertisement validity checks of RFC 4861 6.1.2: source
 * link-local, hop limit 255, checksum, code 0, ICMPv6 length >= 16, every
 * option length > 0 and within the packet. Known options of the wrong size
 * are OPTION: SLLA (8 bytes), MTU (8), Prefix Information (32, prefix length
 * <= 128); so is a second SLLA or MTU option. The first 4 prefixes are kept,
 * further ones counted. Whether a host may use a prefix (RFC 4862 5.5.3:
 * not link-local, preferred <= valid) is left to the caller.
 * Checks in order: NEXT_HEADER, SHORT (len < 4), TYPE (not 134), SOURCE,
 * HOP_LIMIT, CHECKSUM, CODE, SHORT (len < 16), OPTION. out written only on OK. */
enum pmip_pkt_err pmip_nd_ra_parse(const struct pmip_ipv6_view *ip, const uint8_t *icmp,
				   size_t len, struct pmip_nd_ra *out);

/* ------------------------------------------------------- ICMPv6 errors -- */

/* The invoking packet is cut so that the error fits the minimum MTU
 * (RFC 4443 2.4 c): 1280 - 40 (IPv6) - 8 (ICMPv6 header). */
#define PMIP_ICMP6_ERROR_MAX_INVOKING (PMIP_IPV6_MIN_MTU - PMIP_IPV6_HLEN - 8)

/* Build a whole ICMPv6 error frame (RFC 4443 2.4, 3): Ethernet dst_mac <-
 * src_mac, IPv6 src -> the invoking packet's source, hop limit
 * PMIP_IPV6_DEFAULT_HOP_LIMIT, traffic class and flow label 0; type, code,
 * the 32-bit word after the checksum (param: the MTU for Packet Too Big, the
 * pointer for Parameter Problem, 0 for the other types whatever is passed),
 * then as much of the invoking IPv6 packet (invoking, invoking_len bytes,
 * fixed header first) as fits in 1280 bytes of IPv6 packet. Bytes past its
 * 40 + payload length (Ethernet padding) are not copied; with a payload
 * length beyond invoking_len, or 0, invoking_len bytes are taken.
 * Refused (0), RFC 4443 2.4 (e): the invoking packet is an ICMPv6 error
 * (type < 128) or a Redirect, judged on the fixed header's next header only
 * (behind an extension header it is taken as not an error), or its next
 * header is ICMPv6 and the type byte is missing; its source is :: or
 * multicast; its destination is multicast, except for Packet Too Big and
 * Parameter Problem code 2 (RFC 4443 2.4 e.3). Also refused: invoking_len
 * < 40 or version not 6, src :: or multicast, a type other than 1-4 or a
 * code not assigned for it (IANA ICMPv6 codes: 1: 0-8, 2: 0, 3: 0-1,
 * 4: 0-10), a Packet Too Big MTU < 1280 (RFC 8200 5), cap too small.
 * Not checked here, the caller's job: 2.4 (e.4, e.5), an invoking packet
 * that came as a link-layer multicast or broadcast, and the rate limit
 * of 2.4 (f). out may overlap invoking (the error can be built in the
 * invoking frame's own buffer). Returns 14 + 40 + 8 + min(length taken,
 * PMIP_ICMP6_ERROR_MAX_INVOKING), or 0. */
size_t pmip_icmp6_error_build(uint8_t *out, size_t cap, const uint8_t src_mac[PMIP_ETH_ALEN],
			      const uint8_t dst_mac[PMIP_ETH_ALEN], const struct in6_addr *src,
			      uint8_t type, uint8_t code, uint32_t param, const uint8_t *invoking,
			      size_t invoking_len);

struct pmip_icmp6_error {
	uint8_t type;          /* 1..4 */
	uint8_t code;          /* as received: receivers ignore unknown codes */
	uint32_t param;        /* MTU (type 2), pointer (type 4), unused word otherwise */
	size_t invoking_off;   /* offset of the invoking packet from the ICMPv6 header */
	size_t invoking_len;   /* its bytes here, >= 40 (possibly cut, RFC 4443 2.4 c) */
};

/* An ICMPv6 error message (RFC 4443 3.1-3.4). Checks in order: NEXT_HEADER,
 * SHORT (len < 4), TYPE (not 1-4), CHECKSUM, SHORT (less than the 8-byte
 * header and a 40-byte IPv6 header of the invoking packet, without which
 * the error cannot be matched to a flow, RFC 4443 2.4 d). The invoking
 * packet itself is not validated. out written only on OK. */
enum pmip_pkt_err pmip_icmp6_error_parse(const struct pmip_ipv6_view *ip, const uint8_t *icmp,
					 size_t len, struct pmip_icmp6_error *out);

#endif
