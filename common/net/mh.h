/* Mobility Header codec for Proxy Mobile IPv6 signalling: the Mobility
 * Header (RFC 6275 6.1.1), the Binding Update and Acknowledgement as the
 * Proxy Binding Update and Acknowledgement use them (RFC 6275 6.1.7, 6.1.8;
 * RFC 5213 8.1, 8.2), the Heartbeat message (RFC 5847 3.1), and the
 * mobility options PMIPv6 needs: Pad1, PadN (RFC 6275 6.2.2, 6.2.3), Mobile
 * Node Identifier (RFC 4283 3), Home Network Prefix, Handoff Indicator,
 * Access Technology Type, Mobile Node Link-layer Identifier, Link-local
 * Address and Timestamp (RFC 5213 8.3-8.8), Restart Counter (RFC 5847 3.2).
 *
 * Conventions as in net/pkt.h: the parser takes (buf, len), compares every
 * length with the bytes left before it reads, copies fields out (never casts
 * the buffer to a struct) and returns one enum pmip_mh_rule value per broken
 * rule, with a struct pmip_mh_err that locates it and carries the two numbers
 * compared, for counters by reason and log lines that name the rule. The
 * builders write into a caller buffer of given capacity and return the bytes
 * written, or 0. No allocation, logging or global state: the data plane may
 * call these on the packet path.
 *
 * Decisions (the RFC sections that make them):
 *  - Alignment. RFC 6275 6.2.1 states alignment as the convention senders
 *    follow ("options are aligned in a packet so that ..."); neither it nor
 *    RFC 5213 8.3-8.8 nor RFC 4283 3 tells a receiver to reject an option
 *    off its alignment, and RFC 6275 9.2 (the receiver's checks) names none.
 *    So the parser accepts unaligned options and only reports them (bit
 *    1 << type in pmip_mh_opts.unaligned). The builders place each option
 *    where its RFC says (column "align" of PMIP_MH_OPTIONS, xn+y = "option
 *    type byte at an offset from the start of the Mobility Header that is y
 *    modulo x"): HNP 8n+4 (RFC 5213 8.3), LLA 8n+6 (8.7), Timestamp 8n+2
 *    (8.8), HI and ATT none (8.4, 8.5), MN-ID none (RFC 4283 3: "This option
 *    does not have any alignment requirements"), Restart Counter 4n+2
 *    (RFC 5847 3.2: the 32-bit counter on a 4-octet boundary). For the MN Link-layer
 *    Identifier RFC 5213 8.6 gives no number ("Based on the size of the
 *    identifier, the option MUST be aligned appropriately, as per [the
 *    RFC 6275 6.2.1 rule]"): we use 8n+4, which puts the identifier on an
 *    8-octet boundary, natural for an identifier of any width.
 *  - Repeated options. RFC 5213 8.3: "There can be multiple Home Network
 *    Prefix options present in the message": up to PMIP_MH_MAX_HNP are
 *    kept, more is HNP_TOO_MANY. For every other option we decode, the RFCs
 *    speak of "the" option and give no meaning to two (two Timestamps or two
 *    Handoff Indicators would contradict each other, and an LMA reading the
 *    first while a MAG or a monitor reads the last is the kind of ambiguity
 *    that breaks bindings): a second one is DUPLICATE, never first-wins.
 *    Pad1/PadN may repeat. The Restart Counter (RFC 5847 3.2) is one
 *    counter: two in one message (old and new?) are DUPLICATE as well.
 *    Unknown options MUST be skipped (RFC 6275 6.2.1): the first
 *    PMIP_MH_MAX_UNKNOWN are kept as (type, offset, length), the rest
 *    only counted.
 *  - Field values. The codec checks what the wire format fixes (lengths,
 *    prefix length <= 128, identifiers not empty, an NAI no longer than
 *    RADIUS carries); it does not judge values whose meaning is the
 *    protocol's (Handoff Indicator 0, an unassigned Access Technology Type,
 *    which options a PBU must carry, flag combinations, sequence numbers):
 *    those are cp's, which answers them with a PBA status (RFC 5213 8.9).
 *  - Options and message types. Any decoded option is accepted in any of
 *    the three messages (a Restart Counter in a PBU, an HNP in a
 *    Heartbeat): RFC 6275 6.2.1 makes a receiver skip what it does not
 *    use, and which options a message may carry is for cp to judge (the
 *    heartbeat module reads only the Restart Counter).
 *  - Heartbeat (RFC 5847 3.1). After the 6-octet header: one reserved
 *    octet, one octet whose two low bits are U (0x02, unsolicited
 *    response) and R (0x01, response; 0 = request) and whose other bits
 *    are reserved, then the 32-bit Sequence Number: a 12-octet fixed part
 *    like the BU's and BA's, so its smallest message is also 16 octets
 *    (Header Len 1, MSG_SHORT below). The reserved octet and bits are
 *    ignored on receipt and sent as zero (RFC 5847 3.1). The bit
 *    positions are those Wireshark's mip6 dissector uses (mip6.hb.u_flag
 *    0x2, mip6.hb.r_flag 0x1), checked against tshark in test_mh.c.
 */
#ifndef PMIP_COMMON_NET_MH_H
#define PMIP_COMMON_NET_MH_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PMIP_MH_UNIT 8              /* Header Len counts 8 octets, the first 8 excluded */
#define PMIP_MH_MIN_LEN 8           /* Header Len 0 */
#define PMIP_MH_MAX_LEN 2048        /* Header Len 255: (255 + 1) * 8 */
#define PMIP_MH_HDR_LEN 6           /* payload proto, header len, type, reserved, checksum */
#define PMIP_MH_MSG_LEN 12          /* + the 6-octet fixed part of a BU, BA or Heartbeat */
#define PMIP_MH_MSG_MIN_LEN 16      /* BU/BA/HB: Header Len >= 1 (RFC 6275 6.1.7, 6.1.8;
				     * RFC 5847 3.1: 12 octets, rounded up to 8n) */
#define PMIP_MH_PROTO_NONE 59       /* Payload Proto, RFC 6275 6.1.1, 9.2 */

#define PMIP_MH_TYPE_BU 5           /* Binding Update: PBU with the P flag (RFC 5213 8.1) */
#define PMIP_MH_TYPE_BA 6           /* Binding Acknowledgement: PBA (RFC 5213 8.2) */
/* Heartbeat (RFC 5847 3.1): MH type 13 as IANA assigned it (RFC 5847 7;
 * Wireshark's mip6 dissector, MIP6_HB = 13). Not 23: that number is not
 * the Heartbeat's. */
#define PMIP_MH_TYPE_HB 13

/* Binding Update flags (RFC 6275 6.1.7, 16 bits after the sequence
 * number, host order). Other bits are reserved: ignored by the parser,
 * cleared by the builder. */
#define PMIP_MH_BU_A 0x8000         /* Acknowledge requested */
#define PMIP_MH_BU_H 0x4000         /* Home Registration */
#define PMIP_MH_BU_L 0x2000         /* Link-Local Address Compatibility */
#define PMIP_MH_BU_K 0x1000         /* Key Management Mobility Capability */
#define PMIP_MH_BU_M 0x0800         /* MAP Registration (RFC 5380, HMIPv6) */
#define PMIP_MH_BU_R 0x0400         /* Mobile Router (RFC 3963 4.1) */
#define PMIP_MH_BU_P 0x0200         /* Proxy Registration (RFC 5213 8.1) */
#define PMIP_MH_BU_DEFINED 0xfe00

/* Binding Acknowledgement flags (RFC 6275 6.1.8, the octet after Status). */
#define PMIP_MH_BA_K 0x80           /* Key Management Mobility Capability */
#define PMIP_MH_BA_R 0x40           /* Mobile Router (RFC 3963 4.2) */
#define PMIP_MH_BA_P 0x20           /* Proxy Registration (RFC 5213 8.2) */
#define PMIP_MH_BA_DEFINED 0xe0

/* Heartbeat flags (RFC 5847 3.1, the octet after the reserved one). */
#define PMIP_MH_HB_U 0x02           /* Unsolicited Heartbeat Response */
#define PMIP_MH_HB_R 0x01           /* Response (0: Request) */
#define PMIP_MH_HB_DEFINED 0x03

/* Lifetime fields count units of 4 seconds (RFC 6275 6.1.7, 6.1.8). */
#define PMIP_MH_LIFETIME_UNIT_S 4

/* Binding Acknowledgement status (RFC 6275 6.1.8, RFC 5213 8.9): code,
 * value. Below 128 accepted, from 128 rejected. */
#define PMIP_MH_BA_STATUSES(X)                                                 \
	X(ACCEPTED, 0)                                                         \
	X(PREFIX_DISCOVERY_NECESSARY, 1)                                       \
	X(REASON_UNSPECIFIED, 128)                                             \
	X(ADMINISTRATIVELY_PROHIBITED, 129)                                    \
	X(INSUFFICIENT_RESOURCES, 130)                                         \
	X(HOME_REGISTRATION_NOT_SUPPORTED, 131)                                \
	X(NOT_HOME_SUBNET, 132)                                                \
	X(NOT_HOME_AGENT_FOR_THIS_MOBILE_NODE, 133)                            \
	X(DUPLICATE_ADDRESS_DETECTION_FAILED, 134)                             \
	X(SEQUENCE_NUMBER_OUT_OF_WINDOW, 135)                                  \
	X(EXPIRED_HOME_NONCE_INDEX, 136)                                       \
	X(EXPIRED_CARE_OF_NONCE_INDEX, 137)                                    \
	X(EXPIRED_NONCES, 138)                                                 \
	X(REGISTRATION_TYPE_CHANGE_DISALLOWED, 139)                            \
	X(PROXY_REG_NOT_ENABLED, 152)                                          \
	X(NOT_LMA_FOR_THIS_MOBILE_NODE, 153)                                   \
	X(MAG_NOT_AUTHORIZED_FOR_PROXY_REG, 154)                               \
	X(NOT_AUTHORIZED_FOR_HOME_NETWORK_PREFIX, 155)                         \
	X(TIMESTAMP_MISMATCH, 156)                                             \
	X(TIMESTAMP_LOWER_THAN_PREV_ACCEPTED, 157)                             \
	X(MISSING_HOME_NETWORK_PREFIX_OPTION, 158)                             \
	X(BCE_PBU_PREFIX_SET_DO_NOT_MATCH, 159)                                \
	X(MISSING_MN_IDENTIFIER_OPTION, 160)                                   \
	X(MISSING_HANDOFF_INDICATOR_OPTION, 161)                               \
	X(MISSING_ACCESS_TECH_TYPE_OPTION, 162)                                \
	X(INVALID_CARE_OF_ADDRESS, 174)

enum pmip_mh_ba_status {
#define PMIP_MH_BA_STATUS_ENUM(code, val) PMIP_MH_BA_##code = val,
	PMIP_MH_BA_STATUSES(PMIP_MH_BA_STATUS_ENUM)
#undef PMIP_MH_BA_STATUS_ENUM
};

/* "TIMESTAMP_MISMATCH"; NULL if unknown. */
const char *pmip_mh_ba_status_name(uint8_t status);

/* Mobility options (RFC 6275 6.2): code, type, name, option length (octets
 * after type and length) min and max, and the alignment the builders use,
 * x and y of xn+y (1, 0: none). Pad1 is one octet, no length field. */
#define PMIP_MH_OPTIONS(X)                                                     \
	X(PAD1, 0, "Pad1", 0, 0, 1, 0)                  /* RFC 6275 6.2.2 */   \
	X(PADN, 1, "PadN", 0, 255, 1, 0)                /* RFC 6275 6.2.3 */   \
	X(MN_ID, 8, "Mobile Node Identifier", 2, 255, 1, 0)   /* RFC 4283 3 */  \
	X(HNP, 22, "Home Network Prefix", 18, 18, 8, 4) /* RFC 5213 8.3 */     \
	X(HI, 23, "Handoff Indicator", 2, 2, 1, 0)      /* RFC 5213 8.4 */     \
	X(ATT, 24, "Access Technology Type", 2, 2, 1, 0) /* RFC 5213 8.5 */    \
	X(MN_LLID, 25, "Mobile Node Link-layer Identifier", 3, 255, 8, 4) /* 8.6 */ \
	X(LLA, 26, "Link-local Address", 16, 16, 8, 6)  /* RFC 5213 8.7 */     \
	X(TIMESTAMP, 27, "Timestamp", 8, 8, 8, 2)       /* RFC 5213 8.8 */     \
	X(RESTART_COUNTER, 28, "Restart Counter", 4, 4, 4, 2) /* RFC 5847 3.2 */

enum pmip_mh_opt_type {
#define PMIP_MH_OPT_ENUM(code, type, name, min, max, ax, ay) PMIP_MH_OPT_##code = type,
	PMIP_MH_OPTIONS(PMIP_MH_OPT_ENUM)
#undef PMIP_MH_OPT_ENUM
};

/* "Home Network Prefix"; NULL for an option type we do not decode. */
const char *pmip_mh_opt_name(uint8_t type);

#define PMIP_MH_MAX_HNP 8           /* Home Network Prefix options kept */
#define PMIP_MH_MAX_UNKNOWN 8       /* unknown options kept (the rest counted) */
#define PMIP_MH_MN_ID_NAI 1         /* MN-ID subtype: NAI (RFC 4283 4) */
#define PMIP_MH_MN_ID_MAX 254       /* identifier: option length 255 - subtype */
/* An NAI as RADIUS carries it (User-Name, RFC 2865 5.1; RFC 7542 2.2):
 * where a MAG gets the NAI from AAA, nothing longer can be genuine. */
#define PMIP_MH_NAI_MAX 253
#define PMIP_MH_MN_LLID_MAX 253     /* option length 255 - 2 reserved octets */
#define PMIP_MH_PREFIX_LEN_MAX 128

/* Handoff Indicator values (RFC 5213 8.4). */
#define PMIP_MH_HI_NEW_INTERFACE 1
#define PMIP_MH_HI_HANDOFF_INTERFACES 2
#define PMIP_MH_HI_HANDOFF_MAGS 3
#define PMIP_MH_HI_UNKNOWN 4
#define PMIP_MH_HI_NOT_CHANGED 5    /* re-registration */

/* Access Technology Type values (RFC 5213 8.5). */
#define PMIP_MH_ATT_VIRTUAL 1
#define PMIP_MH_ATT_PPP 2
#define PMIP_MH_ATT_ETHERNET 3      /* IEEE 802.3 */
#define PMIP_MH_ATT_WLAN 4          /* IEEE 802.11a/b/g */
#define PMIP_MH_ATT_WIMAX 5         /* IEEE 802.16e */

/* ------------------------------------------------------------- errors -- */

/* One value per broken rule: X(code, counter name, text with the two
 * numbers a and b of struct pmip_mh_err, in that order; a text may use
 * fewer). The first broken rule is returned, in the order that
 * pmip_mh_parse gives. */
#define PMIP_MH_RULES(X)                                                       \
	X(OK, "ok", "ok")                                                      \
	/* the header, RFC 6275 6.1.1 */                                       \
	X(SHORT, "short", "fewer bytes than the smallest Mobility Header (%llu < %llu)") \
	X(NOT_UNITS, "length_not_8n", "length not a multiple of 8 octets (%llu, remainder %llu)") \
	X(LENGTH, "bad_header_len", "Header Len gives a length other than the bytes given (%llu != %llu)") \
	X(CHECKSUM, "bad_checksum", "checksum does not verify (field 0x%04llx, should be 0x%04llx)") \
	/* RFC 6275 9.2, in its order after the checksum */                    \
	X(TYPE, "unsupported_type", "MH type %llu is not a Binding Update (5), Acknowledgement (6) or Heartbeat (13)") \
	X(PROTO, "bad_payload_proto", "Payload Proto not IPPROTO_NONE (%llu != %llu)") \
	X(MSG_SHORT, "short_message", "Header Len too small for the message type (%llu < %llu octets)") \
	/* options, RFC 6275 6.2 */                                            \
	X(OPT_TRUNCATED, "option_truncated", "option without its length octet (%llu octet left, need %llu)") \
	X(OPT_OVERRUN, "option_overrun", "option data past the end of the message (%llu > %llu octets left)") \
	X(OPT_LENGTH, "bad_option_length", "option length not the one its type has (%llu != %llu)") \
	X(DUPLICATE, "duplicate_option", "option allowed once appears again (occurrence %llu > %llu)") \
	X(HNP_TOO_MANY, "too_many_prefixes", "more Home Network Prefix options than kept (%llu > %llu)") \
	X(PREFIX_LEN, "bad_prefix_length", "Home Network Prefix length above 128 (%llu > %llu)") \
	X(MN_ID_EMPTY, "empty_mn_id", "Mobile Node Identifier without an identifier (option length %llu < %llu)") \
	X(NAI_LONG, "nai_too_long", "NAI longer than RADIUS can carry (%llu > %llu octets)") \
	X(MN_LLID_EMPTY, "empty_link_layer_id", "Link-layer Identifier option without an identifier (option length %llu < %llu)")

enum pmip_mh_rule {
#define PMIP_MH_RULE_ENUM(code, name, text) PMIP_MH_ERR_##code,
	PMIP_MH_RULES(PMIP_MH_RULE_ENUM)
#undef PMIP_MH_RULE_ENUM
	PMIP_MH_ERR_COUNT
};

/* Where and why a parse failed. off: the octet where the broken field or
 * option starts, from the start of the Mobility Header. For PROTO it is 0
 * and for MSG_SHORT 1: the fields that RFC 6275 9.2 says the ICMP Parameter
 * Problem pointer should point at (add the Mobility Header's offset in the
 * packet). opt: the option type for the option rules (from OPT_TRUNCATED
 * on), -1 otherwise. a, b: the numbers compared, as in the rule's text. */
struct pmip_mh_err {
	enum pmip_mh_rule rule;
	size_t off;
	int opt;
	unsigned long long a, b;
};

const char *pmip_mh_rule_name(enum pmip_mh_rule rule);  /* "bad_checksum": counters */
const char *pmip_mh_rule_text(enum pmip_mh_rule rule);  /* the text with its %llu */
/* "Home Network Prefix option (22) at 36: Home Network Prefix length above
 * 128 (129 > 128)". Returns the snprintf result. */
int pmip_mh_err_format(const struct pmip_mh_err *err, char *buf, size_t cap);

/* ------------------------------------------------------------ message -- */

struct pmip_mh_hnp {
	uint8_t prefix_len;          /* 0..128 */
	struct in6_addr prefix;      /* the 16 octets as sent: bits past prefix_len not cleared */
};

/* An option kept raw: an unknown type, for cp to log and skip. */
struct pmip_mh_raw_opt {
	uint8_t type;
	uint8_t len;                 /* option length: data octets after type and length */
	uint16_t off;                /* of the type octet, from the start of the Mobility Header */
};

/* The mobility options of a PBU, PBA or Heartbeat, as the parser returns them and as
 * the builders take them. Each has_* says whether the option is present. */
struct pmip_mh_opts {
	bool has_mn_id;
	uint8_t mn_id_subtype;       /* PMIP_MH_MN_ID_NAI, or as received */
	uint8_t mn_id_len;           /* 1..254 (1..253 for an NAI) */
	uint8_t mn_id[PMIP_MH_MN_ID_MAX];   /* not NUL-terminated */

	unsigned n_hnp;              /* 0..PMIP_MH_MAX_HNP, in message order */
	struct pmip_mh_hnp hnp[PMIP_MH_MAX_HNP];

	bool has_hi;
	uint8_t hi;                  /* PMIP_MH_HI_*, or as received */
	bool has_att;
	uint8_t att;                 /* PMIP_MH_ATT_*, or as received */

	bool has_mn_llid;
	uint8_t mn_llid_len;         /* 1..253 */
	uint8_t mn_llid[PMIP_MH_MN_LLID_MAX];   /* e.g. a 6-octet MAC (RFC 4861 4.6.1 form) */

	bool has_lla;
	struct in6_addr lla;         /* the MAG's link-local address, or :: (ALL_ZERO) */

	bool has_timestamp;
	uint64_t timestamp;          /* RFC 5213 8.8: seconds since 1970 in the top 48 bits,
				      * 1/65536 s in the low 16 */

	bool has_restart_counter;
	uint32_t restart_counter;    /* RFC 5847 3.2: the sender's; changes when it restarts */

	/* Filled by the parser, ignored by the builders. */
	unsigned n_unknown;          /* 0..PMIP_MH_MAX_UNKNOWN */
	struct pmip_mh_raw_opt unknown[PMIP_MH_MAX_UNKNOWN];
	unsigned unknown_dropped;    /* unknown options past PMIP_MH_MAX_UNKNOWN */
	uint32_t unaligned;          /* bit 1 << type: a decoded option off its alignment */
};

/* Binding Update fixed part (RFC 6275 6.1.7; RFC 5213 8.1). */
struct pmip_mh_bu {
	uint16_t seq;
	uint16_t flags;              /* PMIP_MH_BU_* bits only */
	uint16_t lifetime;           /* units of 4 s; 0 = de-registration */
};

/* Binding Acknowledgement fixed part (RFC 6275 6.1.8; RFC 5213 8.2). */
struct pmip_mh_ba {
	uint8_t status;              /* enum pmip_mh_ba_status */
	uint8_t flags;               /* PMIP_MH_BA_* bits only */
	uint16_t seq;
	uint16_t lifetime;           /* units of 4 s */
};

/* Heartbeat fixed part (RFC 5847 3.1). */
struct pmip_mh_hb {
	uint8_t flags;               /* PMIP_MH_HB_* bits only */
	uint32_t seq;                /* matches a response to its request */
};

struct pmip_mh {
	/* Header (RFC 6275 6.1.1). */
	uint8_t payload_proto;
	uint8_t hdr_len;             /* (hdr_len + 1) * 8 == len */
	uint8_t type;                /* PMIP_MH_TYPE_BU, _BA or _HB on OK */
	uint16_t checksum;           /* as received */
	size_t len;
	/* Message: bu for type 5, ba for type 6, hb for type 13 (the others
	 * stay zero). */
	struct pmip_mh_bu bu;
	struct pmip_mh_ba ba;
	struct pmip_mh_hb hb;
	struct pmip_mh_opts opt;
};

/* Parse the Mobility Header of len octets at buf (the whole IPv6 payload
 * from the Mobility Header on: it must be the last header, RFC 6275 6.1.1)
 * carried from src to dst, which enter the checksum's pseudo-header with
 * upper-layer protocol 135 (RFC 6275 6.1.1, RFC 8200 8.1).
 * Checks in order: SHORT (len < 8), NOT_UNITS (len not a multiple of 8),
 * LENGTH ((Header Len + 1) * 8 != len), CHECKSUM, then RFC 6275 9.2's:
 * TYPE (not 5, 6 or 13: the caller answers with a Binding Error, status
 * 2), PROTO (Payload Proto not 59: ICMP Parameter Problem), MSG_SHORT
 * (len < 16 for a BU, BA or Heartbeat: ICMP Parameter Problem), then each
 * option in message
 * order: OPT_TRUNCATED (no room for its length octet), OPT_OVERRUN (data
 * past the end), its length (MN_ID_EMPTY: option length < 2; MN_LLID_EMPTY:
 * < 3; OPT_LENGTH: a fixed-size option of another length), DUPLICATE, then
 * its contents (HNP_TOO_MANY, PREFIX_LEN, NAI_LONG: an NAI over 253
 * octets). *out is zeroed first; the header fields (payload_proto to len)
 * are set for every result from TYPE on, the rest only on OK.
 * err may be NULL; otherwise it is always written (rule OK on success). */
enum pmip_mh_rule pmip_mh_parse(const uint8_t *buf, size_t len, const struct in6_addr *src,
				const struct in6_addr *dst, struct pmip_mh *out,
				struct pmip_mh_err *err);

/* Build a Proxy Binding Update from src (the MAG) to dst (the LMA): the
 * header (Payload Proto 59, type 5), bu's fields with the P flag set
 * whatever bu->flags says (RFC 5213 8.1) and reserved bits cleared, then
 * the options present in opt in this order: MN-ID, the n_hnp HNPs, HI,
 * ATT, MN-LLID, LLA, Timestamp, Restart Counter, each at its alignment
 * (PMIP_MH_OPTIONS)
 * with Pad1 or PadN before it, and Pad1/PadN to a multiple of 8 octets;
 * Header Len and the checksum (over src, dst) set. opt's parser-only
 * fields are ignored (unknown options are not re-emitted).
 * Refused (0): cap too small, n_hnp > PMIP_MH_MAX_HNP, a prefix length
 * > 128, an MN-ID of length 0 or > 254 (> 253 for an NAI), an MN-LLID of
 * length 0 or > 253. Returns the length (a multiple of 8) or 0. */
size_t pmip_mh_pbu_build(uint8_t *out, size_t cap, const struct in6_addr *src,
			 const struct in6_addr *dst, const struct pmip_mh_bu *bu,
			 const struct pmip_mh_opts *opt);

/* Build a Proxy Binding Acknowledgement from src (the LMA) to dst (the
 * MAG): as pmip_mh_pbu_build, with type 6, ba's fields, the P flag set
 * (RFC 5213 8.2: the PBA answers a PBU) and reserved bits cleared. */
size_t pmip_mh_pba_build(uint8_t *out, size_t cap, const struct in6_addr *src,
			 const struct in6_addr *dst, const struct pmip_mh_ba *ba,
			 const struct pmip_mh_opts *opt);

/* Build a Heartbeat (RFC 5847 3.1) from src to dst: as pmip_mh_pbu_build,
 * with type 13, the reserved octet 0, hb->flags with reserved bits cleared
 * (nothing added: U and R are the caller's, a request has neither, a
 * response R, an unsolicited response U and R) and hb->seq. A response
 * carries the sender's Restart Counter (opt->has_restart_counter, RFC 5847
 * 3.2); a request needs no option: 16 octets with PadN. */
size_t pmip_mh_heartbeat_build(uint8_t *out, size_t cap, const struct in6_addr *src,
			       const struct in6_addr *dst, const struct pmip_mh_hb *hb,
			       const struct pmip_mh_opts *opt);

/* The Timestamp option's value for a time in seconds and nanoseconds
 * since 1970 (RFC 5213 8.8), and back. nsec < 10^9; seconds past 2^48
 * wrap. */
uint64_t pmip_mh_timestamp_make(uint64_t sec, uint32_t nsec);
void pmip_mh_timestamp_split(uint64_t ts, uint64_t *sec, uint32_t *nsec);

#endif
