/* IKEv2 message codec (RFC 7296 section 3): header, payload chain, typed
 * payloads, and a builder. No crypto, no state, no logging, no allocation.
 *
 * Parsing follows OpenBSD iked: every wire element is validated (enough
 * bytes for its header? the header copied out, never cast; its declared
 * length between the minimum and what is left?) before it is handled.
 * Payload types are described once, in a table (ike_chain.c) that the
 * chain walker and the builder both use, as in strongSwan's encoding rules.
 *
 * Errors: every parser returns enum ike_rule (one value per broken rule)
 * and fills a struct ike_err with the payload type, its position and the
 * two numbers compared, so that the caller can log the rule with both
 * numbers (ike_err_format) and choose its answer (ike_rule_notify).
 *
 * Spans: decoded payloads point into the buffer that was parsed (struct
 * ike_span); keep that buffer alive while using the result. Offsets in
 * struct ike_err, struct ike_pld_ref, struct ike_sk and struct ike_skf are
 * from the start of that buffer (the IKE header for ike_msg_parse, the
 * first inner payload for ike_chain_parse on a decrypted chain).
 *
 * What the codec does not judge (the exchange tasks do): which payloads may
 * appear in which exchange or direction, payload order (COOKIE first, ...),
 * the I and R flags, message IDs, SPIs, whether a proposal is acceptable.
 * What it does judge: lengths and counts inside every payload, duplicate
 * limits per payload type, unknown critical payloads, SK/SKF last, and the
 * value constraints RFC 7296 (and the RFCs named below) put on single
 * fields (nonce size, notify data sizes, CP attribute sizes ...).
 *
 * Non-ESP marker: on UDP 4500 the caller strips the 4 zero bytes (RFC 3948
 * 2.2) before calling ike_msg_parse, and prepends them when sending.
 */
#ifndef PMIP_CP_IKE_MSG_H
#define PMIP_CP_IKE_MSG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------ numbers -- */

#define IKE_HDR_LEN 28          /* RFC 7296 3.1 */
#define IKE_PLD_HDR_LEN 4       /* generic payload header, RFC 7296 3.2 */
#define IKE_MAJOR_VERSION 2

/* Header flags (RFC 7296 3.1); the other bits are reserved: ignored on
 * receipt, cleared by the builder. */
#define IKE_FLAG_I 0x08         /* sent by the original initiator */
#define IKE_FLAG_V 0x10         /* can speak a higher major version */
#define IKE_FLAG_R 0x20         /* response */
#define IKE_FLAGS_DEFINED (IKE_FLAG_I | IKE_FLAG_V | IKE_FLAG_R)

/* Exchange types (RFC 7296 3.1). Others are EXCHANGE errors. */
#define IKE_EXCHANGES(X)                                                       \
	X(IKE_SA_INIT, 34)                                                     \
	X(IKE_AUTH, 35)                                                        \
	X(CREATE_CHILD_SA, 36)                                                 \
	X(INFORMATIONAL, 37)

enum ike_exchange {
#define IKE_EXCH_ENUM(name, val) IKE_EXCH_##name = val,
	IKE_EXCHANGES(IKE_EXCH_ENUM)
#undef IKE_EXCH_ENUM
};

#define IKE_MAX_CERT 8          /* CERT (a chain), also CERTREQ */
#define IKE_MAX_NOTIFY 32
#define IKE_MAX_DELETE 8
#define IKE_MAX_VID 16

/* Payload types (RFC 7296 3.2; SKF RFC 7383 2.5): code, value, max count
 * per message (or per decrypted chain), minimum body length. */
#define IKE_PAYLOADS(X)                                                        \
	X(SA, 33, 1, 0)        /* 3.3; empty is SA_EMPTY, checked in decode */ \
	X(KE, 34, 1, 4)        /* 3.4: group, reserved */                       \
	X(IDI, 35, 1, 4)       /* 3.5: type, reserved */                        \
	X(IDR, 36, 1, 4)                                                       \
	X(CERT, 37, IKE_MAX_CERT, 1)    /* 3.6: encoding */                     \
	X(CERTREQ, 38, IKE_MAX_CERT, 1) /* 3.7: encoding */                     \
	X(AUTH, 39, 1, 4)      /* 3.8: method, reserved */                      \
	X(NONCE, 40, 1, 0)     /* 3.9: 16..256 checked in decode */             \
	X(NOTIFY, 41, IKE_MAX_NOTIFY, 4) /* 3.10: protocol, SPI size, type */   \
	X(DELETE, 42, IKE_MAX_DELETE, 4) /* 3.11: protocol, SPI size, count */  \
	X(VID, 43, IKE_MAX_VID, 0)       /* 3.12 */                             \
	X(TSI, 44, 1, 4)       /* 3.13: count, reserved */                      \
	X(TSR, 45, 1, 4)                                                       \
	X(SK, 46, 1, 0)        /* 3.14: opaque to the codec */                  \
	X(CP, 47, 1, 4)        /* 3.15: CFG type, reserved */                   \
	X(EAP, 48, 1, 4)       /* 3.16: EAP header */                           \
	X(SKF, 53, 1, 4)       /* RFC 7383 2.5: fragment number, total */

enum ike_pld_type {
	IKE_PLD_NONE = 0,
#define IKE_PLD_ENUM(name, val, max, min) IKE_PLD_##name = val,
	IKE_PAYLOADS(IKE_PLD_ENUM)
#undef IKE_PLD_ENUM
};

#define IKE_MAX_PAYLOADS 64     /* in one chain */
#define IKE_MAX_UNKNOWN 8       /* unknown non-critical payloads kept */

/* Security protocol identifiers (RFC 7296 3.3.1). */
#define IKE_PROTO_IKE 1
#define IKE_PROTO_AH 2
#define IKE_PROTO_ESP 3

/* Transform types (RFC 7296 3.3.2) and the ids we use. */
#define IKE_XF_ENCR 1
#define IKE_XF_PRF 2
#define IKE_XF_INTEG 3
#define IKE_XF_DH 4
#define IKE_XF_ESN 5
#define IKE_ENCR_AES_CBC 12
#define IKE_ENCR_AES_GCM_16 20
#define IKE_PRF_HMAC_SHA2_256 5
#define IKE_INTEG_HMAC_SHA2_256_128 12
#define IKE_DH_MODP2048 14
#define IKE_DH_ECP256 19
#define IKE_ESN_NO 0
#define IKE_ESN_YES 1
#define IKE_ATTR_KEY_LENGTH 14  /* RFC 7296 3.3.5, TV format only */

/* ID types (RFC 7296 3.5). */
#define IKE_ID_IPV4_ADDR 1
#define IKE_ID_FQDN 2
#define IKE_ID_RFC822_ADDR 3
#define IKE_ID_IPV6_ADDR 5
#define IKE_ID_DER_ASN1_DN 9
#define IKE_ID_DER_ASN1_GN 10
#define IKE_ID_KEY_ID 11

/* Certificate encodings (RFC 7296 3.6). */
#define IKE_CERT_X509_SIG 4
#define IKE_CERT_HASH_URL_X509 12
#define IKE_CERT_HASH_URL_BUNDLE 13
#define IKE_CERTREQ_HASH_LEN 20 /* SHA-1 of a CA's SubjectPublicKeyInfo */

/* Authentication methods (RFC 7296 3.8, RFC 7427 3, RFC 7619). */
#define IKE_AUTH_RSA_SIG 1
#define IKE_AUTH_PSK 2
#define IKE_AUTH_DSS 3
#define IKE_AUTH_ECDSA_256 9
#define IKE_AUTH_ECDSA_384 10
#define IKE_AUTH_ECDSA_521 11
#define IKE_AUTH_NULL 13
#define IKE_AUTH_DIGITAL_SIG 14

#define IKE_NONCE_MIN 16        /* RFC 7296 3.9 */
#define IKE_NONCE_MAX 256

/* Notify message types (RFC 7296 3.10.1 and the RFCs named), with the
 * notification data lengths the codec enforces: min, max (0xffff: no
 * limit), step (data length a multiple of it). */
#define IKE_NOTIFIES(X)                                                        \
	X(UNSUPPORTED_CRITICAL_PAYLOAD, 1, 1, 1, 1)  /* the payload type */    \
	X(INVALID_IKE_SPI, 4, 0, 0xffff, 1)                                    \
	X(INVALID_MAJOR_VERSION, 5, 0, 0xffff, 1)                              \
	X(INVALID_SYNTAX, 7, 0, 0xffff, 1)                                     \
	X(INVALID_MESSAGE_ID, 9, 0, 0xffff, 1)                                 \
	X(INVALID_SPI, 11, 0, 0xffff, 1)                                       \
	X(NO_PROPOSAL_CHOSEN, 14, 0, 0xffff, 1)                                \
	X(INVALID_KE_PAYLOAD, 17, 2, 2, 1)           /* the group wanted */    \
	X(AUTHENTICATION_FAILED, 24, 0, 0xffff, 1)                             \
	X(SINGLE_PAIR_REQUIRED, 34, 0, 0xffff, 1)                              \
	X(NO_ADDITIONAL_SAS, 35, 0, 0xffff, 1)                                 \
	X(INTERNAL_ADDRESS_FAILURE, 36, 0, 0xffff, 1)                          \
	X(FAILED_CP_REQUIRED, 37, 0, 0xffff, 1)                                \
	X(TS_UNACCEPTABLE, 38, 0, 0xffff, 1)                                   \
	X(INVALID_SELECTORS, 39, 0, 0xffff, 1)                                 \
	X(TEMPORARY_FAILURE, 43, 0, 0xffff, 1)                                 \
	X(CHILD_SA_NOT_FOUND, 44, 0, 0xffff, 1)                                \
	X(INITIAL_CONTACT, 16384, 0, 0xffff, 1)                                \
	X(SET_WINDOW_SIZE, 16385, 4, 4, 1)                                     \
	X(ADDITIONAL_TS_POSSIBLE, 16386, 0, 0xffff, 1)                         \
	X(IPCOMP_SUPPORTED, 16387, 3, 0xffff, 1)     /* CPI, transform id */  \
	X(NAT_DETECTION_SOURCE_IP, 16388, 20, 20, 1) /* SHA-1, 2.23 */        \
	X(NAT_DETECTION_DESTINATION_IP, 16389, 20, 20, 1)                      \
	X(COOKIE, 16390, 1, 64, 1)                   /* 2.6 */                 \
	X(USE_TRANSPORT_MODE, 16391, 0, 0xffff, 1)                             \
	X(HTTP_CERT_LOOKUP_SUPPORTED, 16392, 0, 0xffff, 1)                     \
	X(REKEY_SA, 16393, 0, 0xffff, 1)                                       \
	X(ESP_TFC_PADDING_NOT_SUPPORTED, 16394, 0, 0xffff, 1)                  \
	X(NON_FIRST_FRAGMENTS_ALSO, 16395, 0, 0xffff, 1)                       \
	X(MOBIKE_SUPPORTED, 16396, 0, 0xffff, 1)     /* RFC 4555 */            \
	X(ADDITIONAL_IP4_ADDRESS, 16397, 4, 4, 1)                              \
	X(ADDITIONAL_IP6_ADDRESS, 16398, 16, 16, 1)                            \
	X(NO_ADDITIONAL_ADDRESSES, 16399, 0, 0xffff, 1)                        \
	X(UPDATE_SA_ADDRESSES, 16400, 0, 0xffff, 1)                            \
	X(COOKIE2, 16401, 8, 64, 1)                                            \
	X(NO_NATS_ALLOWED, 16402, 0, 0xffff, 1)                                \
	X(AUTH_LIFETIME, 16403, 4, 4, 1)             /* RFC 4478 */            \
	X(MULTIPLE_AUTH_SUPPORTED, 16404, 0, 0xffff, 1) /* RFC 4739 */         \
	X(ANOTHER_AUTH_FOLLOWS, 16405, 0, 0xffff, 1)                           \
	X(REDIRECT_SUPPORTED, 16406, 0, 0xffff, 1)   /* RFC 5685 */            \
	X(REDIRECT, 16407, 0, 0xffff, 1)                                       \
	X(REDIRECTED_FROM, 16408, 0, 0xffff, 1)                                \
	X(EAP_ONLY_AUTHENTICATION, 16417, 0, 0xffff, 1) /* RFC 5998 */         \
	X(CHILDLESS_IKEV2_SUPPORTED, 16418, 0, 0xffff, 1) /* RFC 6023 */       \
	X(IKEV2_MESSAGE_ID_SYNC_SUPPORTED, 16420, 0, 0xffff, 1) /* RFC 6311 */ \
	X(IKEV2_FRAGMENTATION_SUPPORTED, 16430, 0, 0xffff, 1) /* RFC 7383 */   \
	X(SIGNATURE_HASH_ALGORITHMS, 16431, 2, 0xffff, 2) /* RFC 7427 4 */

enum ike_notify_type {
#define IKE_N_ENUM(name, val, min, max, step) IKE_N_##name = val,
	IKE_NOTIFIES(IKE_N_ENUM)
#undef IKE_N_ENUM
};

/* Configuration payload (RFC 7296 3.15): CFG types and attribute types
 * (their allowed value lengths are in ike_ts_cp.c). */
#define IKE_CFG_REQUEST 1
#define IKE_CFG_REPLY 2
#define IKE_CFG_SET 3
#define IKE_CFG_ACK 4

#define IKE_CP_ATTRS(X)                                                        \
	X(INTERNAL_IP4_ADDRESS, 1)                                             \
	X(INTERNAL_IP4_NETMASK, 2)                                             \
	X(INTERNAL_IP4_DNS, 3)                                                 \
	X(INTERNAL_IP4_NBNS, 4)                                                \
	X(INTERNAL_IP4_DHCP, 6)                                                \
	X(APPLICATION_VERSION, 7)                                              \
	X(INTERNAL_IP6_ADDRESS, 8)                                             \
	X(INTERNAL_IP6_DNS, 10)                                                \
	X(INTERNAL_IP6_DHCP, 12)                                               \
	X(INTERNAL_IP4_SUBNET, 13)                                             \
	X(SUPPORTED_ATTRIBUTES, 14)                                            \
	X(INTERNAL_IP6_SUBNET, 15)                                             \
	X(MIP6_HOME_PREFIX, 16)           /* RFC 5026 4.2.1 */                 \
	X(INTERNAL_IP6_LINK, 17)          /* RFC 5739 */                       \
	X(INTERNAL_IP6_PREFIX, 18)        /* RFC 5739 */                       \
	X(INTERNAL_DNS_DOMAIN, 25)        /* RFC 8598 */

enum ike_cp_attr_type {
#define IKE_CP_ENUM(name, val) IKE_CP_##name = val,
	IKE_CP_ATTRS(IKE_CP_ENUM)
#undef IKE_CP_ENUM
};

/* Traffic selector types (RFC 7296 3.13.1). */
#define IKE_TS_IPV4_ADDR_RANGE 7
#define IKE_TS_IPV6_ADDR_RANGE 8

/* ------------------------------------------------------------- errors -- */

/* One value per broken rule. X(code, printf format of the two numbers a
 * and b (in that order), Notify the caller answers with (0: drop or
 * caller's choice; INVALID_SYNTAX only inside a protected exchange,
 * RFC 7296 2.21)). */
#define IKE_RULES(X)                                                           \
	X(OK, "ok (%llu %llu)", 0)                                             \
	/* header, RFC 7296 3.1 */                                             \
	X(HDR_SHORT, "datagram shorter than the IKE header (%llu < %llu)", 0)  \
	X(MAJOR_HIGH, "major version above ours (%llu > %llu)", IKE_N_INVALID_MAJOR_VERSION) \
	X(MAJOR_LOW, "major version below 2, IKEv1? (%llu < %llu)", 0)         \
	X(HDR_LENGTH, "header length differs from the datagram (%llu != %llu)", 0) \
	X(EXCHANGE, "unknown exchange type %llu (known %llu..37)", 0)          \
	/* chain, RFC 7296 3.2 */                                              \
	X(PLD_SHORT, "fewer bytes left than a payload header (%llu < %llu)", IKE_N_INVALID_SYNTAX) \
	X(PLD_LENGTH, "payload length below the type's minimum (%llu < %llu)", IKE_N_INVALID_SYNTAX) \
	X(PLD_OVERRUN, "payload length past the end (%llu > %llu left)", IKE_N_INVALID_SYNTAX) \
	X(TRAILING, "bytes after the last payload (%llu > %llu)", IKE_N_INVALID_SYNTAX) \
	X(CRITICAL, "unknown payload type %llu marked critical (flag %llu)", IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD) \
	X(TOO_MANY, "too many payloads in the chain (%llu > %llu)", IKE_N_INVALID_SYNTAX) \
	X(DUPLICATE, "too many payloads of this type (%llu > %llu)", IKE_N_INVALID_SYNTAX) \
	X(ENC_NOT_LAST, "SK/SKF not the last payload: bytes after it (%llu > %llu)", IKE_N_INVALID_SYNTAX) \
	X(ENC_NESTED, "SK/SKF inside a decrypted chain (type %llu, depth %llu)", IKE_N_INVALID_SYNTAX) \
	/* SA, RFC 7296 3.3 */                                                 \
	X(SA_EMPTY, "SA payload without proposals (%llu < %llu)", IKE_N_INVALID_SYNTAX) \
	X(PROP_SHORT, "fewer bytes left than a proposal header (%llu < %llu)", IKE_N_INVALID_SYNTAX) \
	X(PROP_LENGTH, "proposal length below its header and SPI (%llu < %llu)", IKE_N_INVALID_SYNTAX) \
	X(PROP_OVERRUN, "proposal length past the SA payload (%llu > %llu left)", IKE_N_INVALID_SYNTAX) \
	X(PROP_LAST, "proposal Last Substruc %llu with %llu bytes after it", IKE_N_INVALID_SYNTAX) \
	X(PROP_NUM, "proposal number not one more than the previous (%llu != %llu)", IKE_N_INVALID_SYNTAX) \
	X(PROP_SPI_SIZE, "proposal SPI size wrong for its protocol (%llu != %llu)", IKE_N_INVALID_SYNTAX) \
	X(PROP_TOO_MANY, "too many proposals (%llu > %llu)", IKE_N_INVALID_SYNTAX) \
	X(XF_SHORT, "fewer bytes left than a transform header (%llu < %llu)", IKE_N_INVALID_SYNTAX) \
	X(XF_LENGTH, "transform length below its header (%llu < %llu)", IKE_N_INVALID_SYNTAX) \
	X(XF_OVERRUN, "transform length past the proposal (%llu > %llu left)", IKE_N_INVALID_SYNTAX) \
	X(XF_LAST, "transform Last Substruc %llu with %llu bytes after it", IKE_N_INVALID_SYNTAX) \
	X(XF_COUNT, "transforms found differ from the proposal's count (%llu != %llu)", IKE_N_INVALID_SYNTAX) \
	X(XF_TOO_MANY, "too many transforms in the SA (%llu > %llu)", IKE_N_INVALID_SYNTAX) \
	X(ATTR_SHORT, "fewer bytes left than an attribute header (%llu < %llu)", IKE_N_INVALID_SYNTAX) \
	X(ATTR_OVERRUN, "TLV attribute past the transform (%llu > %llu left)", IKE_N_INVALID_SYNTAX) \
	X(ATTR_FORMAT, "attribute %llu must be TV (AF %llu)", IKE_N_INVALID_SYNTAX) \
	X(ATTR_DUPLICATE, "Key Length attribute repeated (%llu > %llu)", IKE_N_INVALID_SYNTAX) \
	/* KE, ID, CERT, CERTREQ, AUTH, Nonce: RFC 7296 3.4-3.9 */             \
	X(KE_LENGTH, "KE data length differs from the group's (%llu != %llu)", IKE_N_INVALID_SYNTAX) \
	X(ID_EMPTY, "ID without data (%llu < %llu)", IKE_N_INVALID_SYNTAX)     \
	X(ID_LENGTH, "address ID of the wrong length (%llu != %llu)", IKE_N_INVALID_SYNTAX) \
	X(ID_TERMINATOR, "FQDN/RFC 822 ID with a terminator at %llu (byte %llu)", IKE_N_INVALID_SYNTAX) \
	X(CERT_EMPTY, "CERT without data (%llu < %llu)", IKE_N_INVALID_SYNTAX) \
	X(CERT_HASH_URL, "Hash and URL shorter than hash and URL (%llu < %llu)", IKE_N_INVALID_SYNTAX) \
	X(CERTREQ_HASHES, "CERTREQ CA list not whole SHA-1 hashes (%llu %% %llu)", IKE_N_INVALID_SYNTAX) \
	X(AUTH_EMPTY, "AUTH without data (%llu < %llu)", IKE_N_INVALID_SYNTAX) \
	X(AUTH_SIG_LENGTH, "RFC 7427 AlgorithmIdentifier past the data (%llu > %llu)", IKE_N_INVALID_SYNTAX) \
	X(AUTH_SIG_DER, "RFC 7427 AlgorithmIdentifier not a DER SEQUENCE of its length (%llu != %llu)", IKE_N_INVALID_SYNTAX) \
	X(AUTH_SIG_EMPTY, "RFC 7427 signature empty (%llu < %llu)", IKE_N_INVALID_SYNTAX) \
	X(NONCE_LENGTH, "nonce length outside 16..256 (%llu vs %llu)", IKE_N_INVALID_SYNTAX) \
	/* Notify, Delete: RFC 7296 3.10-3.11 */                               \
	X(NOTIFY_SPI_SIZE, "Notify SPI size not 0, 4 or 8 (%llu, %llu)", IKE_N_INVALID_SYNTAX) \
	X(NOTIFY_SPI_OVERRUN, "Notify SPI past the payload (%llu > %llu)", IKE_N_INVALID_SYNTAX) \
	X(NOTIFY_DATA_LENGTH, "Notify data length outside its type's (%llu vs %llu)", IKE_N_INVALID_SYNTAX) \
	X(DELETE_PROTOCOL, "Delete protocol not IKE, AH or ESP (%llu, %llu)", IKE_N_INVALID_SYNTAX) \
	X(DELETE_SPI_SIZE, "Delete SPI size wrong for its protocol (%llu != %llu)", IKE_N_INVALID_SYNTAX) \
	X(DELETE_COUNT, "Delete SPI count wrong for its protocol (%llu vs %llu)", IKE_N_INVALID_SYNTAX) \
	X(DELETE_LENGTH, "Delete length differs from SPI size x count (%llu != %llu)", IKE_N_INVALID_SYNTAX) \
	/* TS, CP, EAP, SKF: RFC 7296 3.13, 3.15, 3.16; RFC 7383 2.5 */        \
	X(TS_EMPTY, "TS payload without selectors (%llu < %llu)", IKE_N_INVALID_SYNTAX) \
	X(TS_SHORT, "fewer bytes left than a selector header (%llu < %llu)", IKE_N_INVALID_SYNTAX) \
	X(TS_LENGTH, "selector length wrong for its type (%llu != %llu)", IKE_N_INVALID_SYNTAX) \
	X(TS_OVERRUN, "selector length past the payload (%llu > %llu left)", IKE_N_INVALID_SYNTAX) \
	X(TS_TRAILING, "bytes after the declared selectors (%llu > %llu)", IKE_N_INVALID_SYNTAX) \
	X(TS_TOO_MANY, "too many selectors (%llu > %llu)", IKE_N_INVALID_SYNTAX) \
	X(CP_TYPE, "CFG type not REQUEST/REPLY/SET/ACK (%llu, max %llu)", IKE_N_INVALID_SYNTAX) \
	X(CP_ATTR_SHORT, "fewer bytes left than an attribute header (%llu < %llu)", IKE_N_INVALID_SYNTAX) \
	X(CP_ATTR_OVERRUN, "CP attribute past the payload (%llu > %llu left)", IKE_N_INVALID_SYNTAX) \
	X(CP_ATTR_LENGTH, "CP attribute length not allowed for its type (%llu vs %llu)", IKE_N_INVALID_SYNTAX) \
	X(CP_PREFIX, "CP prefix length too long (%llu > %llu)", IKE_N_INVALID_SYNTAX) \
	X(CP_TOO_MANY, "too many CP attributes (%llu > %llu)", IKE_N_INVALID_SYNTAX) \
	X(EAP_LENGTH, "EAP length field differs from the payload (%llu != %llu)", IKE_N_INVALID_SYNTAX) \
	X(SKF_NUMBER, "fragment number 0 or above the total (%llu, %llu)", IKE_N_INVALID_SYNTAX)

enum ike_rule {
#define IKE_RULE_ENUM(code, fmt, notify) IKE_ERR_##code,
	IKE_RULES(IKE_RULE_ENUM)
#undef IKE_RULE_ENUM
	IKE_ERR_COUNT
};

/* Where and why a parse failed. pld: the payload type being decoded (0 in
 * the header); index: its position in the chain (0-based); off: the byte
 * where the broken element starts, from the start of the parsed buffer;
 * a, b: the two numbers compared, as in the rule's format. */
struct ike_err {
	enum ike_rule rule;
	uint8_t pld;
	uint16_t index;
	size_t off;
	unsigned long long a, b;
};

const char *ike_rule_name(enum ike_rule rule);      /* "PLD_OVERRUN" */
/* The Notify type to answer with (0: none; see IKE_RULES). */
uint16_t ike_rule_notify(enum ike_rule rule);
/* "NOTIFY payload #3 at 120: Notify data length outside its type's
 * (19 vs 20)". Returns the snprintf result. */
int ike_err_format(const struct ike_err *err, char *buf, size_t cap);

const char *ike_exchange_name(uint8_t exchange);    /* NULL if unknown */
const char *ike_payload_name(uint8_t type);         /* NULL if unknown */
const char *ike_notify_name(uint16_t type);         /* NULL if unknown */
const char *ike_cp_attr_name(uint16_t type);        /* NULL if unknown */
/* Error types are below 16384 (RFC 7296 3.10.1). */
static inline bool ike_notify_is_error(uint16_t type)
{
	return type < 16384;
}

/* ------------------------------------------------------------- header -- */

struct ike_hdr {
	uint64_t ispi;          /* the 8 bytes read big-endian */
	uint64_t rspi;
	uint8_t next;           /* type of the first payload */
	uint8_t major;
	uint8_t minor;          /* ignored on receipt (RFC 7296 3.1) */
	uint8_t exchange;
	uint8_t flags;          /* as received, reserved bits included */
	uint32_t msg_id;
	uint32_t length;        /* == the datagram length when parsed OK */
};

/* Checks in order: HDR_SHORT (len < 28), MAJOR_HIGH (answer
 * INVALID_MAJOR_VERSION, RFC 7296 2.5), MAJOR_LOW, HDR_LENGTH (length
 * field != len), EXCHANGE (not 34..37). out is filled whenever len >= 28,
 * also on error, so that the caller can answer with the SPIs and the
 * message ID. */
enum ike_rule ike_hdr_parse(const uint8_t *buf, size_t len, struct ike_hdr *out,
			    struct ike_err *err);

/* ----------------------------------------------------------- payloads -- */

/* A span of the parsed buffer. */
struct ike_span {
	const uint8_t *ptr;
	size_t len;
};

union ike_addr {
	struct in_addr v4;
	struct in6_addr v6;
	uint8_t b[16];
};

#define IKE_SA_MAX_PROPOSALS 16
#define IKE_SA_MAX_TRANSFORMS 128   /* over all proposals of one SA */

struct ike_transform {
	uint8_t type;           /* IKE_XF_* */
	uint16_t id;
	uint16_t key_len;       /* Key Length attribute in bits; 0 without */
	bool has_key_len;
	bool unknown_attr;      /* an attribute other than Key Length: the
				 * transform is unrecognised (RFC 7296 3.3.6) */
};

struct ike_proposal {
	uint8_t num;            /* Proposal Num */
	uint8_t protocol;       /* IKE_PROTO_* (others kept as received) */
	uint8_t spi_size;       /* 0, 4 or 8 */
	uint64_t spi;           /* big-endian value of the spi_size bytes */
	uint8_t n_xf;           /* transforms, == Num Transforms */
	uint16_t first_xf;      /* index of the first in ike_sa.xf */
};

struct ike_sa {
	unsigned n_prop;
	struct ike_proposal prop[IKE_SA_MAX_PROPOSALS];
	unsigned n_xf;
	struct ike_transform xf[IKE_SA_MAX_TRANSFORMS];
};

struct ike_ke {
	uint16_t group;         /* Diffie-Hellman group (transform type 4 id) */
	struct ike_span data;   /* length checked for the groups we know */
};

struct ike_id {
	uint8_t type;           /* IKE_ID_*; unknown types kept raw */
	struct ike_span data;
	union ike_addr addr;    /* for IPV4_ADDR / IPV6_ADDR */
	struct ike_span body;   /* type, RESERVED, data: what AUTH signs
				 * (RFC 7296 2.15) */
};

struct ike_cert {
	uint8_t encoding;       /* IKE_CERT_* */
	struct ike_span data;
};

struct ike_certreq {
	uint8_t encoding;
	struct ike_span data;   /* for X.509: concatenated SHA-1 hashes */
	unsigned n_hashes;      /* data.len / 20 for X.509 signature */
};

struct ike_auth {
	uint8_t method;         /* IKE_AUTH_* */
	struct ike_span data;   /* the whole Authentication Data */
	/* Method 14 (RFC 7427 3): data = length || AlgorithmIdentifier ||
	 * signature. The DER AlgorithmIdentifier is kept raw (its framing
	 * checked) for the crypto layer to match. Empty for other methods. */
	struct ike_span sig_alg;
	struct ike_span sig;
};

struct ike_notify {
	uint8_t protocol;       /* meaningful only with an SPI */
	uint8_t spi_size;
	uint16_t type;          /* IKE_N_* */
	uint64_t spi;
	struct ike_span data;
};

struct ike_delete {
	uint8_t protocol;       /* IKE_PROTO_IKE (no SPIs), AH or ESP */
	uint8_t spi_size;       /* 0 or 4 */
	uint16_t n_spi;
	struct ike_span spis;   /* n_spi x spi_size bytes */
};

/* The i-th SPI of an AH/ESP Delete (i < n_spi). */
uint32_t ike_delete_spi(const struct ike_delete *d, unsigned i);

#define IKE_TS_MAX 16

struct ike_ts {
	uint8_t type;           /* IKE_TS_IPV4/6_ADDR_RANGE; others raw */
	uint8_t proto;          /* IP protocol, 0 = any */
	uint16_t start_port, end_port;
	union ike_addr start, end;  /* v4 for type 7, v6 for type 8 */
	struct ike_span raw;    /* the whole selector */
};

struct ike_ts_list {
	unsigned n;
	struct ike_ts ts[IKE_TS_MAX];
};

/* Encrypted payload (RFC 7296 3.14) or Encrypted Fragment (RFC 7383
 * 2.5): the body (IV, ciphertext, ICV) is the crypto layer's. body_off
 * is also the length of what AEAD authenticates as associated data (the
 * header and everything up to the SK payload's own header, inclusive). */
struct ike_sk {
	uint8_t first;          /* type of the first inner payload */
	size_t pld_off;         /* offset of the SK generic header */
	size_t body_off;        /* offset of the IV */
	size_t body_len;        /* IV + ciphertext + ICV */
	struct ike_span body;
	/* SKF only: */
	uint16_t frag_num, frag_total;
};

#define IKE_CP_MAX_ATTRS 32

struct ike_cp_attr {
	uint16_t type;          /* IKE_CP_*, reserved bit cleared */
	struct ike_span value;  /* may be empty (a request) */
	union ike_addr addr;    /* decoded for the address types, if present */
	uint8_t prefix_len;     /* INTERNAL_IP6_ADDRESS/SUBNET/PREFIX,
				 * MIP6_HOME_PREFIX */
	/* Builder only: write the value from addr (4 bytes for the IP4
	 * types but SUBNET, 16 for IP6_DNS/DHCP, 16 + prefix_len for
	 * IP6_ADDRESS/SUBNET/PREFIX) instead of value. false when parsed. */
	bool from_addr;
};

struct ike_cp {
	uint8_t cfg_type;       /* IKE_CFG_* */
	unsigned n;
	struct ike_cp_attr attr[IKE_CP_MAX_ATTRS];
};

struct ike_eap {
	uint8_t code, id;
	struct ike_span msg;    /* the whole EAP message (RFC 3748 4) */
};

struct ike_unknown {
	uint8_t type;
	bool critical;          /* always false here: critical ones fail */
	struct ike_span body;
};

/* One payload of the chain, in order. slot: its index among the payloads
 * of its type (notify[slot], ...); for unknown payloads, in unknown[]. */
struct ike_pld_ref {
	uint8_t type;
	bool critical;          /* as received; ignored for known types */
	uint8_t slot;
	bool known;
	size_t off;             /* of the generic payload header */
	uint16_t len;           /* payload length, header included */
};

/* Every payload of a chain, typed. Counts are bounded by IKE_PAYLOADS. */
struct ike_payloads {
	unsigned n;
	struct ike_pld_ref order[IKE_MAX_PAYLOADS];
	unsigned n_sa, n_ke, n_idi, n_idr, n_cert, n_certreq, n_auth, n_nonce;
	unsigned n_notify, n_delete, n_vid, n_tsi, n_tsr, n_sk, n_cp, n_eap, n_skf;
	unsigned n_unknown;
	struct ike_sa sa;
	struct ike_ke ke;
	struct ike_id idi, idr;
	struct ike_cert cert[IKE_MAX_CERT];
	struct ike_certreq certreq[IKE_MAX_CERT];
	struct ike_auth auth;
	struct ike_span nonce;
	struct ike_notify notify[IKE_MAX_NOTIFY];
	struct ike_delete del[IKE_MAX_DELETE];
	struct ike_span vid[IKE_MAX_VID];
	struct ike_ts_list tsi, tsr;
	struct ike_sk sk;       /* SK (n_sk) or SKF (n_skf) */
	struct ike_cp cp;
	struct ike_eap eap;
	struct ike_unknown unknown[IKE_MAX_UNKNOWN];
};

struct ike_msg {
	struct ike_hdr hdr;
	struct ike_payloads pl;
};

/* Parse a whole message: ike_hdr_parse, then the chain from byte 28
 * (ike_chain_parse with encrypted payloads allowed, last). */
enum ike_rule ike_msg_parse(const uint8_t *buf, size_t len, struct ike_msg *out,
			    struct ike_err *err);

/* Walk a payload chain of exactly len bytes starting with a payload of
 * type first (0: the chain must be empty), and decode every payload:
 *  - each generic header: PLD_SHORT, PLD_LENGTH (below the type's
 *    minimum), PLD_OVERRUN; then the type's own rules;
 *  - unknown types: CRITICAL if the critical bit is set (answer
 *    UNSUPPORTED_CRITICAL_PAYLOAD with err.pld as data, RFC 7296 3.2),
 *    else kept in unknown[] and skipped (DUPLICATE past IKE_MAX_UNKNOWN);
 *  - TOO_MANY past IKE_MAX_PAYLOADS, DUPLICATE past a type's count;
 *  - SK or SKF must be the last payload (ENC_NOT_LAST) and ends the walk:
 *    its next-payload field names the first inner payload;
 *  - TRAILING if bytes follow a payload whose next payload is 0.
 * base: offset of buf within the buffer the caller reports offsets from
 * (28 inside a message, 0 for a decrypted chain). outer: SK/SKF allowed
 * (else ENC_NESTED: a decrypted chain must not hold another one). */
enum ike_rule ike_chain_parse(const uint8_t *buf, size_t len, size_t base, uint8_t first,
			      bool outer, struct ike_payloads *out, struct ike_err *err);

/* Decode a decrypted SK (or reassembled SKF) chain: ike_chain_parse(plain,
 * len, 0, sk_first, false, ...). */
enum ike_rule ike_inner_parse(const uint8_t *plain, size_t len, uint8_t sk_first,
			      struct ike_payloads *out, struct ike_err *err);

/* Per-payload decoders: body = the payload after its generic header. They
 * report offsets from body; the chain walker rebases them. */
enum ike_rule ike_sa_decode(const uint8_t *body, size_t len, struct ike_sa *out, struct ike_err *err);
enum ike_rule ike_ke_decode(const uint8_t *body, size_t len, struct ike_ke *out, struct ike_err *err);
enum ike_rule ike_id_decode(const uint8_t *body, size_t len, struct ike_id *out, struct ike_err *err);
enum ike_rule ike_cert_decode(const uint8_t *body, size_t len, struct ike_cert *out, struct ike_err *err);
enum ike_rule ike_certreq_decode(const uint8_t *body, size_t len, struct ike_certreq *out,
				 struct ike_err *err);
enum ike_rule ike_auth_decode(const uint8_t *body, size_t len, struct ike_auth *out, struct ike_err *err);
enum ike_rule ike_nonce_decode(const uint8_t *body, size_t len, struct ike_span *out, struct ike_err *err);
enum ike_rule ike_notify_decode(const uint8_t *body, size_t len, struct ike_notify *out,
				struct ike_err *err);
enum ike_rule ike_delete_decode(const uint8_t *body, size_t len, struct ike_delete *out,
				struct ike_err *err);
enum ike_rule ike_ts_decode(const uint8_t *body, size_t len, struct ike_ts_list *out, struct ike_err *err);
enum ike_rule ike_cp_decode(const uint8_t *body, size_t len, struct ike_cp *out, struct ike_err *err);
enum ike_rule ike_eap_decode(const uint8_t *body, size_t len, struct ike_eap *out, struct ike_err *err);

/* The first Notify of that type, or NULL. */
const struct ike_notify *ike_payloads_notify(const struct ike_payloads *pl, uint16_t type);
/* The transforms of proposal p of sa. */
static inline const struct ike_transform *ike_sa_xf(const struct ike_sa *sa, unsigned p)
{
	return &sa->xf[sa->prop[p].first_xf];
}

/* ------------------------------------------------------------ builder -- */

/* Payloads are appended in order; each append fixes up the previous
 * payload's next-payload field and writes this payload's length. Every
 * typed append encodes the struct and then decodes the bytes it wrote
 * with the parser above, refusing what the parser would refuse, so that
 * whatever is built parses. Appends return the payload's bytes (header
 * included) or 0: no room, invalid content, count limit reached, or a
 * payload after SK/SKF. A failure is sticky: finish then returns 0. */
struct ike_builder {
	uint8_t *buf;
	size_t cap;
	size_t len;             /* bytes written, the header reserved included */
	size_t base;            /* IKE_HDR_LEN for a message, 0 for a chain */
	size_t np_off;          /* where the next payload type goes */
	uint8_t first;          /* type of the first payload, 0 so far */
	bool failed;
	bool closed;            /* SK/SKF appended: nothing may follow */
	uint8_t counts[256];
	unsigned n;
};

/* A message: the 28-byte header is reserved, written by msg_finish. */
void ike_build_msg_init(struct ike_builder *b, uint8_t *buf, size_t cap);
/* A chain without header: the plaintext of an SK payload. */
void ike_build_chain_init(struct ike_builder *b, uint8_t *buf, size_t cap);

/* Any payload from its raw body (unknown types; critical bit as given). */
size_t ike_build_raw(struct ike_builder *b, uint8_t type, bool critical, const uint8_t *body,
		     size_t len);
/* Proposals numbered and ordered as given; a transform's attributes are
 * written as its Key Length alone (others are not re-encoded: a transform
 * that had them was unrecognised anyway, RFC 7296 3.3.6). */
size_t ike_build_sa(struct ike_builder *b, const struct ike_sa *sa);
size_t ike_build_ke(struct ike_builder *b, uint16_t group, const uint8_t *data, size_t len);
/* type: IKE_PLD_IDI or IKE_PLD_IDR; id->type and id->data are used (for
 * IPV4/IPV6_ADDR with empty data, id->addr). */
size_t ike_build_id(struct ike_builder *b, uint8_t type, const struct ike_id *id);
size_t ike_build_cert(struct ike_builder *b, const struct ike_cert *c);
size_t ike_build_certreq(struct ike_builder *b, const struct ike_certreq *c);
/* Method 14 with sig_alg set: data is written as RFC 7427 length ||
 * sig_alg || sig; otherwise auth->data as is. */
size_t ike_build_auth(struct ike_builder *b, const struct ike_auth *auth);
size_t ike_build_nonce(struct ike_builder *b, const uint8_t *nonce, size_t len);
size_t ike_build_notify(struct ike_builder *b, const struct ike_notify *n);
size_t ike_build_delete(struct ike_builder *b, const struct ike_delete *d);
size_t ike_build_vid(struct ike_builder *b, const uint8_t *vid, size_t len);
/* type: IKE_PLD_TSI or IKE_PLD_TSR. Known selector types from the fields,
 * others from raw. */
size_t ike_build_ts(struct ike_builder *b, uint8_t type, const struct ike_ts_list *ts);
size_t ike_build_cp(struct ike_builder *b, const struct ike_cp *cp);
size_t ike_build_eap(struct ike_builder *b, const uint8_t *msg, size_t len);

/* SK, two steps (RFC 7296 3.14): reserve body_len bytes (IV, ciphertext,
 * ICV, sized by the crypto layer for the inner chain) after an SK header
 * whose next payload is inner_first; returns the body's offset in the
 * buffer (0 on failure). Then msg_finish writes the header (the AAD and
 * ICV cover it), and the crypto layer fills buf[body_off .. +body_len). */
size_t ike_build_sk_reserve(struct ike_builder *b, uint8_t inner_first, size_t body_len);
/* One step, the body given (already encrypted). Returns payload bytes. */
size_t ike_build_sk(struct ike_builder *b, uint8_t inner_first, const uint8_t *body, size_t len);
/* SKF (RFC 7383 2.5): fragment num of total, reserve as for SK. */
size_t ike_build_skf_reserve(struct ike_builder *b, uint8_t inner_first, uint16_t num,
			     uint16_t total, size_t body_len);

/* Write the header (SPIs, version 2.0, exchange, flags & IKE_FLAGS_DEFINED,
 * message ID from h; next payload and length from the builder). Returns
 * the message length, or 0 if any step failed. */
size_t ike_build_msg_finish(struct ike_builder *b, const struct ike_hdr *h);
/* A chain: its first payload type and length. false if any step failed. */
bool ike_build_chain_finish(struct ike_builder *b, uint8_t *first, size_t *len);

/* Append every payload of pl in its order (SK/SKF bodies copied). */
bool ike_build_payloads(struct ike_builder *b, const struct ike_payloads *pl);
/* Re-encode a parsed message. Returns its length or 0. */
size_t ike_msg_build(const struct ike_msg *m, uint8_t *out, size_t cap);

#endif
