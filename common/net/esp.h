/* ESP wire format without the crypto (RFC 4303), its UDP encapsulation for
 * NAT traversal (RFC 3948), and the AES-GCM nonce and AAD layouts of
 * RFC 4106. The cipher runs elsewhere (cryptodev or libcrypto): this file
 * says where the IV, ciphertext and ICV are, what the cipher is fed, and
 * whether the decrypted trailer is well formed.
 *
 * Conventions as in net/pkt.h: parsers take (buf, len), check before they
 * read, copy fields out, and return enum pmip_pkt_err with one value per
 * broken rule (the PMIP_PKT_ERR_ESP_* codes). No allocation, logging or
 * global state: the data plane calls these on the packet path.
 */
#ifndef PMIP_COMMON_NET_ESP_H
#define PMIP_COMMON_NET_ESP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/pkt.h"

#define PMIP_IPPROTO_ESP 50
#define PMIP_IPPROTO_UDP 17
#define PMIP_IPPROTO_NONE 59          /* "no next header": an ESP dummy packet (RFC 4303 2.6) */

#define PMIP_ESP_HLEN 8               /* SPI, sequence number (RFC 4303 2) */
#define PMIP_ESP_TRAILER_MIN 2        /* pad length, next header (RFC 4303 2.4, 2.6) */
#define PMIP_ESP_PAD_MAX 255
#define PMIP_ESP_SPI_RESERVED_MAX 255 /* SPIs 1-255 reserved by IANA, 0 local use (RFC 4303 2.1) */
/* Pad length and next header end a 4-byte word (RFC 4303 2.4). */
#define PMIP_ESP_ALIGN 4

/* AES-GCM in ESP (RFC 4106): 8-byte explicit IV carried in each packet
 * (3.1), 4-byte salt from the key material (8.1), ICV 8, 12 or 16 bytes
 * (we use 16), and no block constraint beyond ESP's 4-byte alignment (3.2). */
#define PMIP_ESP_GCM_IV_LEN 8
#define PMIP_ESP_GCM_SALT_LEN 4
#define PMIP_ESP_GCM_NONCE_LEN 12
#define PMIP_ESP_GCM_ICV_LEN 16
#define PMIP_ESP_GCM_BLOCK PMIP_ESP_ALIGN
/* AES-CBC (RFC 3602): 16-byte IV, ciphertext a multiple of 16. */
#define PMIP_ESP_AES_CBC_IV_LEN 16
#define PMIP_ESP_AES_CBC_BLOCK 16

#define PMIP_UDP_HLEN 8
#define PMIP_UDP_ENCAP_PORT 4500      /* RFC 3948 */
#define PMIP_IKE_HLEN 28              /* IKEv2 fixed header (RFC 7296 3.1) */

/* Where the parts of an ESP packet are. Offsets are from the ESP header;
 * the ciphertext is what the cipher decrypts (payload, padding, pad length,
 * next header: RFC 4303 2), the ICV what the integrity check compares. */
struct pmip_esp_view {
	uint32_t spi;       /* host order, > 255 */
	uint32_t seq;       /* the 32 bits on the wire (the low half with ESN), host order */
	size_t iv_off;      /* always 8 */
	size_t iv_len;
	size_t ct_off;      /* 8 + iv_len */
	size_t ct_len;      /* >= 2, a multiple of block */
	size_t icv_off;     /* ct_off + ct_len */
	size_t icv_len;     /* icv_off + icv_len == len */
};

/* An ESP packet of len bytes at esp (the ESP header first, nothing after
 * the ICV: the caller cuts the packet to the IP payload length) for an SA
 * whose transform has an explicit IV of iv_len bytes, an ICV of icv_len
 * bytes, and ciphertext that must be a multiple of block bytes: the
 * cipher's block size, at least 4 (RFC 4303 2.4: the trailer ends a 4-byte
 * word), e.g. PMIP_ESP_GCM_BLOCK, PMIP_ESP_AES_CBC_BLOCK. block 0 is taken
 * as 1 (no check). These three come from the SA, never from the packet.
 * Checks in order: SHORT (len < 8), ESP_SPI (SPI 0-255, RFC 4303 2.1),
 * ESP_TRUNCATED (fewer than 8 + iv_len + 2 + icv_len bytes: no room for
 * the 2-byte trailer), ESP_ALIGN (ciphertext not a multiple of block).
 * The sequence number is not judged here: see common/replay.h. out is
 * written only on OK. */
enum pmip_pkt_err pmip_esp_parse(const uint8_t *esp, size_t len, size_t iv_len, size_t icv_len,
				 size_t block, struct pmip_esp_view *out);

/* The decrypted ciphertext, len bytes: payload, padding, pad length, next
 * header (RFC 4303 2.4-2.6). The payload is the first len - *pad_len - 2
 * bytes. Checks in order: SHORT (len < 2), ESP_PAD_LENGTH (pad length + 2
 * > len), ESP_PADDING (padding bytes not 1, 2, 3, ...: the default scheme
 * of RFC 4303 2.4, which the receiver SHOULD check; every transform we
 * use, CBC and GCM, leaves padding to it), ESP_DUMMY (next header 59: a
 * dummy packet, RFC 4303 2.6, to be dropped silently but counted).
 * *pad_len and *next_header are written on OK and on ESP_DUMMY. */
enum pmip_pkt_err pmip_esp_trailer_check(const uint8_t *plain, size_t len, uint8_t *pad_len,
					 uint8_t *next_header);

/* Padding for payload_len bytes so that payload + padding + 2 is a
 * multiple of block (RFC 4303 2.4): 0 .. block - 1. block 0 is taken as 1.
 * For block > 256 the result may exceed 255, which no trailer can carry
 * (pmip_esp_trailer_write refuses it). */
size_t pmip_esp_pad_len(size_t payload_len, size_t block);

/* Write the trailer at out (which must hold pad_len + 2 bytes): padding
 * 1, 2, ..., pad_len, then pad_len, then next_header. Returns pad_len + 2,
 * or 0 if pad_len > 255. */
size_t pmip_esp_trailer_write(uint8_t *out, size_t pad_len, uint8_t next_header);

/* ESP header: SPI, then the low 32 bits of the sequence number, both in
 * network order (RFC 4303 2.1, 2.2). */
void pmip_esp_hdr_write(uint8_t out[PMIP_ESP_HLEN], uint32_t spi, uint32_t seq);

/* GCM nonce (RFC 4106 4): salt || explicit IV. */
void pmip_esp_gcm_nonce(uint8_t nonce[PMIP_ESP_GCM_NONCE_LEN],
			const uint8_t salt[PMIP_ESP_GCM_SALT_LEN],
			const uint8_t iv[PMIP_ESP_GCM_IV_LEN]);

/* GCM additional authenticated data (RFC 4106 5): SPI || seq_lo (8 bytes)
 * without extended sequence numbers, SPI || seq_hi || seq_lo (12 bytes)
 * with them (seq_hi is never sent, RFC 4303 2.2.1, but authenticated).
 * seq_hi is ignored without ESN. Returns 8 or 12. */
size_t pmip_esp_aad(uint8_t aad[12], uint32_t spi, uint32_t seq_lo, uint32_t seq_hi, bool esn);

/* --------------------------------------------- UDP encapsulation (3948) -- */

/* What a UDP payload received on port 4500 is (RFC 3948 2.2, 2.3). */
#define PMIP_UDP_ENCAP_KINDS(X)                                                \
	X(ESP, "esp")              /* first 4 bytes non-zero: an SPI (2.1) */  \
	X(IKE, "ike")              /* non-ESP marker 0x00000000 + IKE header (2.2) */ \
	X(KEEPALIVE, "keepalive")  /* exactly one byte 0xff (2.3) */           \
	X(INVALID, "invalid")      /* anything else */

enum pmip_udp_encap_kind {
#define PMIP_UDP_ENCAP_ENUM(code, name) PMIP_UDP_ENCAP_##code,
	PMIP_UDP_ENCAP_KINDS(PMIP_UDP_ENCAP_ENUM)
#undef PMIP_UDP_ENCAP_ENUM
	PMIP_UDP_ENCAP_COUNT
};

const char *pmip_udp_encap_kind_name(enum pmip_udp_encap_kind kind);

/* Classify the len bytes after the UDP header. ESP needs only the 4-byte
 * SPI to be told apart (its length is pmip_esp_parse's to judge); IKE needs
 * the marker and a whole 28-byte IKE header (RFC 7296 3.1), whose contents
 * are left to the IKE parser; a keepalive is the single byte 0xff. Shorter
 * than 4 bytes and not a keepalive, or a marker followed by less than an
 * IKE header, is INVALID. */
enum pmip_udp_encap_kind pmip_udp_encap_classify(const uint8_t *udp_payload, size_t len);

/* Fill the 8-byte UDP header at udp (RFC 768) of a datagram over IPv6
 * whose payload_len bytes of payload already follow it: ports, length
 * 8 + payload_len, and the checksum over the IPv6 pseudo-header of src and
 * dst, the header and the payload, which IPv6 makes mandatory (RFC 8200
 * 8.1): a computed 0 is sent as 0xffff. Returns 8, or 0 (nothing written)
 * if 8 + payload_len does not fit the 16-bit length field. */
size_t pmip_udp_hdr_write(uint8_t *udp, size_t payload_len, const struct in6_addr *src,
			  const struct in6_addr *dst, uint16_t sport, uint16_t dport);

#endif
