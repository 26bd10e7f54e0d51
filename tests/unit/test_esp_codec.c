/* Unit tests for common/net/esp.c: ESP framing (RFC 4303), UDP
 * encapsulation (RFC 3948), GCM nonce and AAD (RFC 4106).
 *
 * Nonce and AAD: the published vectors of draft-mcgrew-gcm-test-01 ("Test
 * Cases for the use of GCM and GMAC in IPsec ESP", section 4), whose
 * nonce and AAD columns are exact bytes; each of the seven used here was
 * also decrypted with OpenSSL 3.0 (EVP aes-*-gcm) from its key, the nonce
 * salt || IV and the AAD SPI || seq (|| for ESN: SPI || seq_hi || seq_lo),
 * and its tag verified, so the layouts are the ones a real cipher accepts.
 *
 * Packets: built by a throwaway C program with OpenSSL 3.0.22 (EVP; not
 * kept in the tree), written to a pcap and checked with tshark 4.0.17:
 *   tshark -r esp6.pcap -V -o esp.enable_encryption_decode:TRUE
 *     -o esp.enable_authentication_check:TRUE -o udp.check_checksum:TRUE
 *     -o 'uat:esp_sa:"IPv6","*","*","0x0000c001",
 *         "AES-GCM with 16 octet ICV [RFC4106]","0x<gcm key><salt>","NULL",""'
 *     -o 'uat:esp_sa:(the same for 0x0000c002)'
 *     -o 'uat:esp_sa:"IPv6","*","*","0x0000c003","AES-CBC [RFC3602]",
 *         "0x<cbc key>","HMAC-SHA-256-128 [RFC4868]","0x<auth key>"'
 * (each uat value on one line). For every ESP packet tshark showed "ICV
 * [correct]", and its "ESP Decrypted Data" equals the pt_* array byte for
 * byte; the inner ICMPv6 and the outer UDP checksums were "Good"; `-z
 * expert` and the filter "_ws.malformed || _ws.expert" found nothing.
 * Keys (ASCII, so that they can be retyped):
 *   AES-128-GCM key "pmip-esp-gcm-key" (706d69702d6573702d67636d2d6b6579),
 *       salt 5a17c0de, 16-byte ICV;
 *   AES-128-CBC key "pmip-esp-cbc-key" (706d69702d6573702d6362632d6b6579),
 *       HMAC-SHA-256-128 key a0 a1 a2 ... bf (32 bytes).
 * Outer addresses 2001:db8:1::1 -> 2001:db8:2::1; tunnel mode (next header
 * 41), the inner packet an ICMPv6 echo request 2001:db8:aa::10 ->
 * 2001:db8:bb::20, id 0x1234, with a valid checksum. Frames, split as
 * Ethernet / IPv6 / [UDP] / ESP header / IV / ciphertext / ICV:
 *   vec_gcm_tun   SPI 0xc001 seq 1, IV 0..01, echo seq 1 "pmip-esp",
 *                 2 bytes of padding (tshark: Pad 0102, pad length 2, IPv6);
 *   vec_gcm_udp   the same inside UDP 4500 -> 4500 (RFC 3948), SPI 0xc002
 *                 seq 7, echo seq 2 "udp-encap-esp", 1 byte of padding;
 *   vec_gcm_dummy SPI 0xc001 seq 2: a dummy packet (RFC 4303 2.6): 6
 *                 random bytes, no padding, next header 59 (tshark: ICV
 *                 correct, 6 bytes of contained data, the rest as data);
 *   vec_cbc_tun   AES-CBC + HMAC-SHA-256-128, SPI 0xc003 seq 5, 16-byte IV,
 *                 echo seq 3 "aes-cbc-hmac-sha256!", 10 bytes of padding
 *                 to the 16-byte block (tshark: Pad 0102...0a);
 *   vec_keepalive the NAT-keepalive of RFC 3948 2.3, one byte 0xff on port
 *                 4500 (tshark: "NAT-keepalive packet");
 *   vec_ike       an IKEv2 INFORMATIONAL request behind the non-ESP marker
 *                 (RFC 3948 2.2; tshark: "Non-ESP Marker", ISAKMP, next
 *                 payload SK), its SK payload filler bytes.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "net/esp.h"
#include "net/pkt.h"

#define ETH 14
#define IP6 40
#define L4 (ETH + IP6)
#define GCM_IV PMIP_ESP_GCM_IV_LEN
#define GCM_ICV PMIP_ESP_GCM_ICV_LEN
#define CBC_IV PMIP_ESP_AES_CBC_IV_LEN
#define CBC_ICV 16   /* HMAC-SHA-256-128 (RFC 4868) */

static const uint8_t vec_gcm_tun[146] = {
	0x52, 0x54, 0x00, 0xbb, 0x00, 0x01, 0x52, 0x54, 0x00, 0xaa, 0x00, 0x01,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x5c, 0x32, 0x40, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0xc0, 0x01, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xd5, 0x3c, 0x8f, 0x61, 0x47, 0x46, 0x19, 0x60, 0x83, 0xb1, 0x80, 0xb5,
	0x85, 0x2a, 0x12, 0x7b, 0x84, 0x57, 0x6c, 0x49, 0xf5, 0x27, 0x3a, 0xb4,
	0x3c, 0xeb, 0xa2, 0xa5, 0x71, 0x3a, 0xfb, 0xa9, 0xd9, 0x42, 0x37, 0x67,
	0x72, 0x03, 0x57, 0xd8, 0x44, 0x75, 0xcf, 0x23, 0x9a, 0x6a, 0x0d, 0x8f,
	0x99, 0xf5, 0x4c, 0x7e, 0x89, 0xc2, 0x08, 0x0a, 0xb2, 0xf7, 0xe1, 0xf9,
	0xb8, 0xa0, 0xb6, 0xb2, 0x4e, 0x9e, 0xcb, 0xaa, 0x85, 0x95, 0x8b, 0xeb,
	0x9b, 0x83, 0xeb, 0x64,
};

/* Its decrypted ciphertext: inner packet, padding, pad length, next header. */
static const uint8_t pt_gcm_tun[60] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x10, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0xaa, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0xbb, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x20, 0x80, 0x00, 0x95, 0xc5, 0x12, 0x34, 0x00, 0x01,
	0x70, 0x6d, 0x69, 0x70, 0x2d, 0x65, 0x73, 0x70, 0x01, 0x02, 0x02, 0x29,
};

static const uint8_t vec_gcm_udp[158] = {
	0x52, 0x54, 0x00, 0xbb, 0x00, 0x01, 0x52, 0x54, 0x00, 0xaa, 0x00, 0x01,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x68, 0x11, 0x40, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01,
	0x11, 0x94, 0x11, 0x94, 0x00, 0x68, 0xa3, 0xf2,
	0x00, 0x00, 0xc0, 0x02, 0x00, 0x00, 0x00, 0x07,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07,
	0x56, 0x32, 0x6a, 0x42, 0xef, 0x40, 0x05, 0xa8, 0xc3, 0xaf, 0x28, 0xfd,
	0xf8, 0x1d, 0xeb, 0xc8, 0x99, 0x41, 0x7f, 0x81, 0xa6, 0x62, 0x74, 0xbd,
	0xbd, 0x01, 0xf3, 0x8a, 0x5c, 0x87, 0xac, 0xd3, 0x05, 0x93, 0x14, 0x4c,
	0x98, 0x09, 0x40, 0xda, 0x06, 0x44, 0x17, 0xd8, 0xf0, 0x89, 0x9a, 0x16,
	0x52, 0x51, 0x64, 0xd5, 0x2f, 0xf9, 0x01, 0x10, 0xf4, 0xc8, 0x47, 0xb5,
	0x34, 0x18, 0x86, 0x6f,
	0x01, 0xdb, 0x34, 0xa5, 0x66, 0xf2, 0xec, 0xf3, 0x57, 0xc7, 0xa3, 0xe4,
	0x3f, 0x6c, 0x68, 0x8b,
};

static const uint8_t pt_gcm_udp[64] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x15, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0xaa, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0xbb, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x20, 0x80, 0x00, 0x1c, 0x70, 0x12, 0x34, 0x00, 0x02,
	0x75, 0x64, 0x70, 0x2d, 0x65, 0x6e, 0x63, 0x61, 0x70, 0x2d, 0x65, 0x73,
	0x70, 0x01, 0x01, 0x29,
};

static const uint8_t vec_gcm_dummy[94] = {
	0x52, 0x54, 0x00, 0xbb, 0x00, 0x01, 0x52, 0x54, 0x00, 0xaa, 0x00, 0x01,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x28, 0x32, 0x40, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0xc0, 0x01, 0x00, 0x00, 0x00, 0x02,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x78, 0xe3, 0x61, 0x52, 0x02, 0x66, 0x54, 0x2a,
	0x08, 0x55, 0x11, 0x23, 0x73, 0xa9, 0x5e, 0xee, 0xbc, 0xba, 0xa3, 0x15,
	0xe5, 0xaf, 0x4c, 0x0e,
};

static const uint8_t pt_gcm_dummy[8] = {
	0x9e, 0x31, 0x07, 0xd4, 0x5c, 0xa2, 0x00, 0x3b,
};

static const uint8_t vec_cbc_tun[174] = {
	0x52, 0x54, 0x00, 0xbb, 0x00, 0x01, 0x52, 0x54, 0x00, 0xaa, 0x00, 0x01,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x78, 0x32, 0x40, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0xc0, 0x03, 0x00, 0x00, 0x00, 0x05,
	0x3c, 0x1f, 0x88, 0x02, 0x6d, 0xe4, 0x57, 0x90, 0xb1, 0x2a, 0xce, 0x45,
	0x73, 0x0f, 0x99, 0xd6,
	0x62, 0x99, 0x01, 0xfa, 0x5e, 0xd7, 0xde, 0xf3, 0xde, 0x10, 0xda, 0xdb,
	0x5c, 0xe9, 0x9e, 0xc6, 0x30, 0x2b, 0xe1, 0x4d, 0xd8, 0xcd, 0x78, 0x8d,
	0x63, 0x3e, 0xf1, 0x6e, 0xb9, 0x97, 0x47, 0x7a, 0x86, 0xa0, 0x07, 0x85,
	0x2f, 0x34, 0x12, 0x15, 0x54, 0xf5, 0xb2, 0x85, 0x1a, 0x1d, 0xee, 0xc4,
	0x21, 0x84, 0x32, 0xb8, 0x77, 0xf9, 0x5d, 0x34, 0x44, 0xd2, 0xcd, 0x99,
	0xc1, 0x45, 0xf6, 0x33, 0x46, 0xc3, 0x21, 0xcf, 0x88, 0xd6, 0x8e, 0xa6,
	0xd4, 0x8f, 0x72, 0xe9, 0x85, 0xf9, 0x67, 0x62,
	0x15, 0xd0, 0xf3, 0x98, 0x83, 0x78, 0xdb, 0x9f, 0x50, 0xbc, 0x4f, 0x8d,
	0xe4, 0x32, 0x69, 0xc9,
};

static const uint8_t pt_cbc_tun[80] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x1c, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0xaa, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0xbb, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x20, 0x80, 0x00, 0xad, 0x4c, 0x12, 0x34, 0x00, 0x03,
	0x61, 0x65, 0x73, 0x2d, 0x63, 0x62, 0x63, 0x2d, 0x68, 0x6d, 0x61, 0x63,
	0x2d, 0x73, 0x68, 0x61, 0x32, 0x35, 0x36, 0x21, 0x01, 0x02, 0x03, 0x04,
	0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0a, 0x29,
};

static const uint8_t vec_keepalive[63] = {
	0x52, 0x54, 0x00, 0xbb, 0x00, 0x01, 0x52, 0x54, 0x00, 0xaa, 0x00, 0x01,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x09, 0x11, 0x40, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01,
	0x11, 0x94, 0x11, 0x94, 0x00, 0x09, 0x82, 0x3c,
	0xff,
};

static const uint8_t vec_ike[146] = {
	0x52, 0x54, 0x00, 0xbb, 0x00, 0x01, 0x52, 0x54, 0x00, 0xaa, 0x00, 0x01,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x5c, 0x11, 0x40, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01,
	0x11, 0x94, 0x11, 0x94, 0x00, 0x5c, 0x39, 0xd6,
	0x00, 0x00, 0x00, 0x00, 0x8a, 0x3f, 0x12, 0x6b, 0xd0, 0x44, 0x9e, 0x21,
	0x1c, 0x77, 0xe5, 0x08, 0xa9, 0x3b, 0x60, 0xf2, 0x2e, 0x20, 0x25, 0x08,
	0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x50, 0x00, 0x00, 0x00, 0x34,
	0x0b, 0x30, 0x55, 0x7a, 0x9f, 0xc4, 0xe9, 0x0e, 0x33, 0x58, 0x7d, 0xa2,
	0xc7, 0xec, 0x11, 0x36, 0x5b, 0x80, 0xa5, 0xca, 0xef, 0x14, 0x39, 0x5e,
	0x83, 0xa8, 0xcd, 0xf2, 0x17, 0x3c, 0x61, 0x86, 0xab, 0xd0, 0xf5, 0x1a,
	0x3f, 0x64, 0x89, 0xae, 0xd3, 0xf8, 0x1d, 0x42, 0x67, 0x8c, 0xb1, 0xd6,
};

static const uint8_t gcm_salt[4] = { 0x5a, 0x17, 0xc0, 0xde };

/* One ESP vector: where its ESP packet starts, the SA's transform, and
 * what it holds. */
struct esp_vec {
	const char *name;
	const uint8_t *frame;
	size_t frame_len;
	size_t esp_off;
	size_t iv_len, icv_len, block;
	uint32_t spi, seq;
	const uint8_t *plain;
	size_t plain_len;
	uint8_t pad_len, next_header;
	enum pmip_pkt_err trailer_err;
};

#define EV(v, off, iv, icv, blk, spi, seq, pt, pl, nh, e)                           \
	{ #v, v, sizeof(v), off, iv, icv, blk, spi, seq, pt, sizeof(pt), pl, nh, e }
static const struct esp_vec esp_vecs[] = {
	EV(vec_gcm_tun, L4, GCM_IV, GCM_ICV, PMIP_ESP_GCM_BLOCK, 0xc001, 1, pt_gcm_tun, 2, 41,
	   PMIP_PKT_ERR_OK),
	EV(vec_gcm_udp, L4 + 8, GCM_IV, GCM_ICV, PMIP_ESP_GCM_BLOCK, 0xc002, 7, pt_gcm_udp, 1, 41,
	   PMIP_PKT_ERR_OK),
	EV(vec_gcm_dummy, L4, GCM_IV, GCM_ICV, PMIP_ESP_GCM_BLOCK, 0xc001, 2, pt_gcm_dummy, 0, 59,
	   PMIP_PKT_ERR_ESP_DUMMY),
	EV(vec_cbc_tun, L4, CBC_IV, CBC_ICV, PMIP_ESP_AES_CBC_BLOCK, 0xc003, 5, pt_cbc_tun, 10, 41,
	   PMIP_PKT_ERR_OK),
};
#define NVEC (sizeof(esp_vecs) / sizeof(esp_vecs[0]))

/* An exact-size heap copy, so that AddressSanitizer sees a read past len. */
static uint8_t *dup_exact(const uint8_t *b, size_t len)
{
	uint8_t *m = malloc(len ? len : 1);

	cr_assert_not_null(m);
	if (len)
		memcpy(m, b, len);
	return m;
}

static enum pmip_pkt_err parse_copy(const uint8_t *b, size_t len, size_t iv, size_t icv,
				    size_t block, struct pmip_esp_view *v)
{
	uint8_t *m = dup_exact(b, len);
	enum pmip_pkt_err e = pmip_esp_parse(m, len, iv, icv, block, v);

	free(m);
	return e;
}

static enum pmip_pkt_err trailer_copy(const uint8_t *b, size_t len, uint8_t *pl, uint8_t *nh)
{
	uint8_t *m = dup_exact(b, len);
	enum pmip_pkt_err e = pmip_esp_trailer_check(m, len, pl, nh);

	free(m);
	return e;
}

static enum pmip_udp_encap_kind classify_copy(const uint8_t *b, size_t len)
{
	uint8_t *m = dup_exact(b, len);
	enum pmip_udp_encap_kind k = pmip_udp_encap_classify(m, len);

	free(m);
	return k;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The ESP packet of a frame, cut to the IPv6 (and UDP) payload length. */
static const uint8_t *esp_of(const struct esp_vec *v, size_t *len)
{
	struct pmip_ipv6_view ip;

	cr_assert_eq(pmip_ipv6_parse(v->frame + ETH, v->frame_len - ETH, &ip), PMIP_PKT_ERR_OK);
	cr_assert_eq(ETH + IP6 + (size_t)ip.payload_len, v->frame_len, "%s", v->name);
	if (v->esp_off == L4) {
		cr_assert_eq(ip.next_header, PMIP_IPPROTO_ESP);
	} else {
		cr_assert_eq(ip.next_header, PMIP_IPPROTO_UDP);
		cr_assert_eq(be32(v->frame + L4) >> 16, PMIP_UDP_ENCAP_PORT);
		cr_assert_eq(be32(v->frame + L4) & 0xffff, PMIP_UDP_ENCAP_PORT);
	}
	*len = v->frame_len - v->esp_off;
	return v->frame + v->esp_off;
}

/* ---------------------------------------------------------------- names -- */

Test(esp, err_names)
{
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_ESP_SPI), "esp_reserved_spi");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_ESP_TRUNCATED), "esp_truncated");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_ESP_ALIGN), "esp_misaligned");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_ESP_PAD_LENGTH), "esp_bad_pad_length");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_ESP_PADDING), "esp_bad_padding");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_ESP_DUMMY), "esp_dummy");
	cr_assert_str_eq(pmip_pkt_err_name(PMIP_PKT_ERR_COUNT), "unknown");

	cr_assert_str_eq(pmip_udp_encap_kind_name(PMIP_UDP_ENCAP_ESP), "esp");
	cr_assert_str_eq(pmip_udp_encap_kind_name(PMIP_UDP_ENCAP_IKE), "ike");
	cr_assert_str_eq(pmip_udp_encap_kind_name(PMIP_UDP_ENCAP_KEEPALIVE), "keepalive");
	cr_assert_str_eq(pmip_udp_encap_kind_name(PMIP_UDP_ENCAP_INVALID), "invalid");
	cr_assert_str_eq(pmip_udp_encap_kind_name(PMIP_UDP_ENCAP_COUNT), "unknown");
	cr_assert_str_eq(pmip_udp_encap_kind_name((enum pmip_udp_encap_kind)-1), "unknown");
}

/* ------------------------------------------------------------- vectors -- */

Test(esp, parse_vectors)
{
	size_t i;

	for (i = 0; i < NVEC; i++) {
		const struct esp_vec *v = &esp_vecs[i];
		struct pmip_esp_view ev;
		size_t len, ct_len;
		const uint8_t *esp = esp_of(v, &len);

		memset(&ev, 0xaa, sizeof(ev));
		cr_assert_eq(parse_copy(esp, len, v->iv_len, v->icv_len, v->block, &ev),
			     PMIP_PKT_ERR_OK, "%s", v->name);
		ct_len = len - 8 - v->iv_len - v->icv_len;
		cr_assert_eq(ev.spi, v->spi, "%s", v->name);
		cr_assert_eq(ev.seq, v->seq, "%s", v->name);
		cr_assert_eq(ev.iv_off, 8);
		cr_assert_eq(ev.iv_len, v->iv_len);
		cr_assert_eq(ev.ct_off, 8 + v->iv_len);
		cr_assert_eq(ev.ct_len, ct_len);
		cr_assert_eq(ev.ct_len, v->plain_len, "%s: as long as tshark's plaintext", v->name);
		cr_assert_eq(ev.icv_off, 8 + v->iv_len + ct_len);
		cr_assert_eq(ev.icv_len, v->icv_len);
		cr_assert_eq(ev.icv_off + ev.icv_len, len);
	}
}

Test(esp, trailer_vectors)
{
	size_t i;

	for (i = 0; i < NVEC; i++) {
		const struct esp_vec *v = &esp_vecs[i];
		uint8_t pl = 0xee, nh = 0xee;

		cr_assert_eq(trailer_copy(v->plain, v->plain_len, &pl, &nh), v->trailer_err, "%s",
			     v->name);
		cr_assert_eq(pl, v->pad_len, "%s", v->name);
		cr_assert_eq(nh, v->next_header, "%s", v->name);
	}
}

/* The payload of the tunnel vectors is the inner IPv6 echo request. */
Test(esp, trailer_leaves_inner_packet)
{
	size_t i;

	for (i = 0; i < NVEC; i++) {
		const struct esp_vec *v = &esp_vecs[i];
		struct pmip_ipv6_view ip;
		struct pmip_icmp6_echo echo;
		uint8_t pl, nh;
		size_t inner;
		uint8_t *m;

		if (v->trailer_err != PMIP_PKT_ERR_OK)
			continue;
		cr_assert_eq(pmip_esp_trailer_check(v->plain, v->plain_len, &pl, &nh),
			     PMIP_PKT_ERR_OK);
		cr_assert_eq(nh, PMIP_IPPROTO_IPV6);
		inner = v->plain_len - pl - 2;
		m = dup_exact(v->plain, inner);
		cr_assert_eq(pmip_ipv6_parse(m, inner, &ip), PMIP_PKT_ERR_OK, "%s", v->name);
		cr_assert_eq(IP6 + (size_t)ip.payload_len, inner, "%s: no byte left over", v->name);
		cr_assert_eq(pmip_icmp6_echo_parse(&ip, m + IP6, ip.payload_len, &echo),
			     PMIP_PKT_ERR_OK, "%s", v->name);
		cr_assert_eq(echo.id, 0x1234);
		free(m);
	}
}

/* What the sender wrote, rebuilt: header, padding length, trailer, and the
 * GCM nonce and AAD (RFC 4106 5: without ESN the AAD is the ESP header). */
Test(esp, build_matches_vectors)
{
	size_t i;

	for (i = 0; i < NVEC; i++) {
		const struct esp_vec *v = &esp_vecs[i];
		size_t len, payload = v->plain_len - v->pad_len - 2;
		const uint8_t *esp = esp_of(v, &len);
		uint8_t hdr[8], trailer[300], aad[12], nonce[12];

		pmip_esp_hdr_write(hdr, v->spi, v->seq);
		cr_assert_arr_eq(hdr, esp, 8, "%s", v->name);
		cr_assert_eq(pmip_esp_pad_len(payload, v->block), v->pad_len, "%s", v->name);
		cr_assert_eq(pmip_esp_trailer_write(trailer, v->pad_len, v->next_header),
			     (size_t)v->pad_len + 2);
		cr_assert_arr_eq(trailer, v->plain + payload, (size_t)v->pad_len + 2, "%s",
				 v->name);
		if (v->iv_len != GCM_IV)
			continue;
		cr_assert_eq(pmip_esp_aad(aad, v->spi, v->seq, 0xdeadbeef, false), 8);
		cr_assert_arr_eq(aad, esp, 8, "%s", v->name);
		pmip_esp_gcm_nonce(nonce, gcm_salt, esp + 8);
		cr_assert_arr_eq(nonce, gcm_salt, 4);
		cr_assert_arr_eq(nonce + 4, esp + 8, 8);
	}
}

/* ----------------------------------------------- nonce and AAD (4106) -- */

/* draft-mcgrew-gcm-test-01 section 4: SPI, 64-bit sequence number (ESN
 * when the AAD is 12 bytes), salt, IV, and the nonce and AAD it lists. */
struct gcm_vec {
	uint32_t spi;
	uint64_t seq;
	bool esn;
	uint8_t salt[4], iv[8], nonce[12], aad[12];
	size_t aad_len;
};

static const struct gcm_vec gcm_vecs[] = {
	/* Test case 1 (AES-128, ESN, low half 0). */
	{ 0x00004321, 0x8765432100000000ull, true,
	  { 0x2e, 0x44, 0x3b, 0x68 }, { 0x49, 0x56, 0xed, 0x7e, 0x3b, 0x24, 0x4c, 0xfe },
	  { 0x2e, 0x44, 0x3b, 0x68, 0x49, 0x56, 0xed, 0x7e, 0x3b, 0x24, 0x4c, 0xfe },
	  { 0x00, 0x00, 0x43, 0x21, 0x87, 0x65, 0x43, 0x21, 0x00, 0x00, 0x00, 0x00 }, 12 },
	/* Test case 2 (AES-192). */
	{ 0x0000a5f8, 0x0000000a, false,
	  { 0xca, 0xfe, 0xba, 0xbe }, { 0xfa, 0xce, 0xdb, 0xad, 0xde, 0xca, 0xf8, 0x88 },
	  { 0xca, 0xfe, 0xba, 0xbe, 0xfa, 0xce, 0xdb, 0xad, 0xde, 0xca, 0xf8, 0x88 },
	  { 0x00, 0x00, 0xa5, 0xf8, 0x00, 0x00, 0x00, 0x0a }, 8 },
	/* Test case 3 (AES-256). */
	{ 0x4a2cbfe3, 0x00000002, false,
	  { 0x11, 0x22, 0x33, 0x44 }, { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 },
	  { 0x11, 0x22, 0x33, 0x44, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 },
	  { 0x4a, 0x2c, 0xbf, 0xe3, 0x00, 0x00, 0x00, 0x02 }, 8 },
	/* Test case 4 (all-zero key; SPI 0, which the draft uses though RFC
	 * 4303 2.1 reserves it: the AAD helper does not judge). */
	{ 0x00000000, 0x00000001, false,
	  { 0, 0, 0, 0 }, { 0, 0, 0, 0, 0, 0, 0, 0 },
	  { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	  { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01 }, 8 },
	/* Test case 5 (sequence number 0xffffffff, no ESN). */
	{ 0x335467ae, 0xffffffff, false,
	  { 0xd9, 0x66, 0x42, 0x67 }, { 0x43, 0x45, 0x7e, 0x91, 0x82, 0x44, 0x3b, 0xc6 },
	  { 0xd9, 0x66, 0x42, 0x67, 0x43, 0x45, 0x7e, 0x91, 0x82, 0x44, 0x3b, 0xc6 },
	  { 0x33, 0x54, 0x67, 0xae, 0xff, 0xff, 0xff, 0xff }, 8 },
	/* Test case 6 (ESN 0x1010101010101010). */
	{ 0x42f67e3f, 0x1010101010101010ull, true,
	  { 0x57, 0x69, 0x0e, 0x43 }, { 0x4e, 0x28, 0x00, 0x00, 0xa2, 0xfc, 0xa1, 0xa3 },
	  { 0x57, 0x69, 0x0e, 0x43, 0x4e, 0x28, 0x00, 0x00, 0xa2, 0xfc, 0xa1, 0xa3 },
	  { 0x42, 0xf6, 0x7e, 0x3f, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10 }, 12 },
	/* Test case 13 (AES-256, ESN 0xffffffffffffffff). */
	{ 0x796b6963, 0xffffffffffffffffull, true,
	  { 0x74, 0x75, 0x72, 0x6e }, { 0x33, 0x30, 0x21, 0x69, 0x67, 0x65, 0x74, 0x6d },
	  { 0x74, 0x75, 0x72, 0x6e, 0x33, 0x30, 0x21, 0x69, 0x67, 0x65, 0x74, 0x6d },
	  { 0x79, 0x6b, 0x69, 0x63, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 12 },
};

Test(esp, gcm_nonce_and_aad)
{
	size_t i;

	for (i = 0; i < sizeof(gcm_vecs) / sizeof(gcm_vecs[0]); i++) {
		const struct gcm_vec *g = &gcm_vecs[i];
		uint8_t nonce[12], aad[13];

		memset(aad, 0xee, sizeof(aad));
		pmip_esp_gcm_nonce(nonce, g->salt, g->iv);
		cr_assert_arr_eq(nonce, g->nonce, 12, "vector %zu", i);
		cr_assert_eq(pmip_esp_aad(aad, g->spi, (uint32_t)g->seq, (uint32_t)(g->seq >> 32),
					  g->esn),
			     g->aad_len, "vector %zu", i);
		cr_assert_arr_eq(aad, g->aad, g->aad_len, "vector %zu", i);
		cr_assert_eq(aad[g->aad_len], 0xee, "nothing written past the AAD");
		if (g->aad_len == 8)
			cr_assert_eq(aad[8], 0xee, "8-byte AAD: bytes 8-11 untouched");
	}
}

/* The nonce built where the IV sits in front of it in the same buffer. */
Test(esp, gcm_nonce_overlap)
{
	uint8_t buf[16] = { 0 };
	static const uint8_t salt[4] = { 1, 2, 3, 4 };
	static const uint8_t iv[8] = { 9, 8, 7, 6, 5, 4, 3, 2 };

	memcpy(buf + 4, iv, 8);
	pmip_esp_gcm_nonce(buf, salt, buf + 4);
	cr_assert_arr_eq(buf, salt, 4);
	cr_assert_arr_eq(buf + 4, iv, 8);
}

/* ------------------------------------------------------- parse errors -- */

Test(esp, parse_short_and_spi)
{
	const struct esp_vec *v = &esp_vecs[0];
	struct pmip_esp_view ev;
	size_t len, l;
	const uint8_t *esp = esp_of(v, &len);
	uint8_t *m;

	for (l = 0; l < 8; l++)
		cr_assert_eq(parse_copy(esp, l, 0, 0, 1, &ev), PMIP_PKT_ERR_SHORT);
	/* A bare header is no packet: no trailer. */
	cr_assert_eq(parse_copy(esp, 8, 0, 0, 1, &ev), PMIP_PKT_ERR_ESP_TRUNCATED);

	/* SPI 0 (local use) and 1-255 (IANA) never appear on the wire. */
	m = dup_exact(esp, len);
	for (l = 0; l <= 256; l++) {
		m[0] = m[1] = 0;
		m[2] = (uint8_t)(l >> 8);
		m[3] = (uint8_t)l;
		cr_assert_eq(pmip_esp_parse(m, len, GCM_IV, GCM_ICV, 4, &ev),
			     l <= 255 ? PMIP_PKT_ERR_ESP_SPI : PMIP_PKT_ERR_OK, "SPI %zu", l);
	}
	cr_assert_eq(ev.spi, 256);
	memset(m, 0xff, 4);
	cr_assert_eq(pmip_esp_parse(m, len, GCM_IV, GCM_ICV, 4, &ev), PMIP_PKT_ERR_OK);
	cr_assert_eq(ev.spi, 0xffffffffu);
	/* The SPI is judged before the length. */
	m[0] = m[1] = m[2] = 0;
	m[3] = 1;
	cr_assert_eq(pmip_esp_parse(m, 8, GCM_IV, GCM_ICV, 4, &ev), PMIP_PKT_ERR_ESP_SPI);
	free(m);
}

Test(esp, parse_truncated)
{
	const struct esp_vec *v = &esp_vecs[0];
	struct pmip_esp_view ev;
	size_t len;
	const uint8_t *esp = esp_of(v, &len);

	/* 8 + 8 + 2 + 16 = 34 is the least with room for the trailer. */
	cr_assert_eq(parse_copy(esp, 33, GCM_IV, GCM_ICV, 1, &ev), PMIP_PKT_ERR_ESP_TRUNCATED);
	cr_assert_eq(parse_copy(esp, 34, GCM_IV, GCM_ICV, 1, &ev), PMIP_PKT_ERR_OK);
	cr_assert_eq(ev.ct_len, 2);
	/* IV or ICV longer than the packet, or both together, and lengths
	 * whose sum would wrap. */
	cr_assert_eq(parse_copy(esp, len, len, 0, 1, &ev), PMIP_PKT_ERR_ESP_TRUNCATED);
	cr_assert_eq(parse_copy(esp, len, 0, len, 1, &ev), PMIP_PKT_ERR_ESP_TRUNCATED);
	cr_assert_eq(parse_copy(esp, len, SIZE_MAX, 0, 1, &ev), PMIP_PKT_ERR_ESP_TRUNCATED);
	cr_assert_eq(parse_copy(esp, len, 0, SIZE_MAX, 1, &ev), PMIP_PKT_ERR_ESP_TRUNCATED);
	cr_assert_eq(parse_copy(esp, len, SIZE_MAX - 7, 16, 1, &ev), PMIP_PKT_ERR_ESP_TRUNCATED);
	cr_assert_eq(parse_copy(esp, len, 16, SIZE_MAX - 15, 1, &ev), PMIP_PKT_ERR_ESP_TRUNCATED);
	cr_assert_eq(parse_copy(esp, len, len - 8 - 1, 0, 1, &ev), PMIP_PKT_ERR_ESP_TRUNCATED);
	cr_assert_eq(parse_copy(esp, len, len - 8 - 2, 0, 1, &ev), PMIP_PKT_ERR_OK);
	cr_assert_eq(parse_copy(esp, len, 0, len - 8 - 2, 1, &ev), PMIP_PKT_ERR_OK);
	cr_assert_eq(ev.ct_len, 2);
}

Test(esp, parse_align)
{
	struct pmip_esp_view ev;
	size_t len;
	const uint8_t *gcm = esp_of(&esp_vecs[0], &len);   /* 60 bytes of ciphertext */
	size_t cbc_len;
	const uint8_t *cbc = esp_of(&esp_vecs[3], &cbc_len);   /* 80 */

	cr_assert_eq(parse_copy(gcm, len, GCM_IV, GCM_ICV, 4, &ev), PMIP_PKT_ERR_OK);
	cr_assert_eq(parse_copy(gcm, len, GCM_IV, GCM_ICV, 8, &ev), PMIP_PKT_ERR_ESP_ALIGN);
	cr_assert_eq(parse_copy(gcm, len, GCM_IV, GCM_ICV, 16, &ev), PMIP_PKT_ERR_ESP_ALIGN);
	cr_assert_eq(parse_copy(gcm, len, GCM_IV, GCM_ICV, 3, &ev), PMIP_PKT_ERR_OK);
	cr_assert_eq(parse_copy(gcm, len, GCM_IV, GCM_ICV, 7, &ev), PMIP_PKT_ERR_ESP_ALIGN);
	/* 0 and 1: no constraint. */
	cr_assert_eq(parse_copy(gcm, len, GCM_IV, GCM_ICV, 0, &ev), PMIP_PKT_ERR_OK);
	cr_assert_eq(parse_copy(gcm, len - 1, GCM_IV, GCM_ICV, 1, &ev), PMIP_PKT_ERR_OK);
	cr_assert_eq(ev.ct_len, 59);
	/* A byte short, or an extra one (the ICV then ends one later). */
	cr_assert_eq(parse_copy(gcm, len - 1, GCM_IV, GCM_ICV, 4, &ev), PMIP_PKT_ERR_ESP_ALIGN);
	cr_assert_eq(parse_copy(gcm, len - 4, GCM_IV, GCM_ICV, 4, &ev), PMIP_PKT_ERR_OK);
	/* A CBC packet misread as GCM (IV 8): 88 bytes of "ciphertext",
	 * fine for 4 and 8, not for the AES block. */
	cr_assert_eq(parse_copy(cbc, cbc_len, CBC_IV, CBC_ICV, 16, &ev), PMIP_PKT_ERR_OK);
	cr_assert_eq(parse_copy(cbc, cbc_len, CBC_IV, CBC_ICV, 32, &ev), PMIP_PKT_ERR_ESP_ALIGN);
	cr_assert_eq(parse_copy(cbc, cbc_len, GCM_IV, CBC_ICV, 16, &ev), PMIP_PKT_ERR_ESP_ALIGN);
	cr_assert_eq(parse_copy(cbc, cbc_len, GCM_IV, CBC_ICV, 4, &ev), PMIP_PKT_ERR_OK);
	cr_assert_eq(ev.ct_len, 88);
	/* The ciphertext length is judged before its alignment: 1 byte with
	 * block 1 is still too short. */
	cr_assert_eq(parse_copy(gcm, 8 + GCM_IV + 1 + GCM_ICV, GCM_IV, GCM_ICV, 1, &ev),
		     PMIP_PKT_ERR_ESP_TRUNCATED);
	cr_assert_eq(parse_copy(gcm, 8 + GCM_IV + 0 + GCM_ICV, GCM_IV, GCM_ICV, 4, &ev),
		     PMIP_PKT_ERR_ESP_TRUNCATED);
}

/* ----------------------------------------------------- trailer errors -- */

Test(esp, trailer_errors)
{
	uint8_t b[300] = { 0 };
	uint8_t pl = 0xee, nh = 0xee;
	size_t i;

	cr_assert_eq(trailer_copy(b, 0, &pl, &nh), PMIP_PKT_ERR_SHORT);
	b[0] = 0;
	cr_assert_eq(trailer_copy(b, 1, &pl, &nh), PMIP_PKT_ERR_SHORT);
	cr_assert_eq(pl, 0xee, "nothing written on an error");
	cr_assert_eq(nh, 0xee);

	/* The smallest: no payload, no padding. */
	b[0] = 0;
	b[1] = 4;
	cr_assert_eq(trailer_copy(b, 2, &pl, &nh), PMIP_PKT_ERR_OK);
	cr_assert_eq(pl, 0);
	cr_assert_eq(nh, 4);

	/* Pad length up to len - 2 and no further. */
	for (i = 0; i < 10; i++)
		b[i] = (uint8_t)(i + 1);
	b[10] = 10;
	b[11] = 41;
	cr_assert_eq(trailer_copy(b, 12, &pl, &nh), PMIP_PKT_ERR_OK);
	cr_assert_eq(pl, 10);
	b[10] = 11;
	pl = nh = 0xee;
	cr_assert_eq(trailer_copy(b, 12, &pl, &nh), PMIP_PKT_ERR_ESP_PAD_LENGTH);
	cr_assert_eq(pl, 0xee);
	b[10] = 255;
	cr_assert_eq(trailer_copy(b, 12, &pl, &nh), PMIP_PKT_ERR_ESP_PAD_LENGTH);

	/* Each padding byte is checked. */
	b[10] = 10;
	for (i = 0; i < 10; i++) {
		b[i] ^= 0x80;
		cr_assert_eq(trailer_copy(b, 12, &pl, &nh), PMIP_PKT_ERR_ESP_PADDING, "byte %zu",
			     i);
		b[i] ^= 0x80;
	}
	/* Padding 0, 1, 2 ... (off by one) and all zeros are not the default. */
	for (i = 0; i < 10; i++)
		b[i] = (uint8_t)i;
	cr_assert_eq(trailer_copy(b, 12, &pl, &nh), PMIP_PKT_ERR_ESP_PADDING);
	memset(b, 0, 10);
	cr_assert_eq(trailer_copy(b, 12, &pl, &nh), PMIP_PKT_ERR_ESP_PADDING);

	/* A dummy packet: reported with its fields, after the padding check. */
	for (i = 0; i < 10; i++)
		b[i] = (uint8_t)(i + 1);
	b[11] = PMIP_IPPROTO_NONE;
	pl = nh = 0xee;
	cr_assert_eq(trailer_copy(b, 12, &pl, &nh), PMIP_PKT_ERR_ESP_DUMMY);
	cr_assert_eq(pl, 10);
	cr_assert_eq(nh, 59);
	b[3] = 0;
	cr_assert_eq(trailer_copy(b, 12, &pl, &nh), PMIP_PKT_ERR_ESP_PADDING);
	b[10] = 200;
	cr_assert_eq(trailer_copy(b, 12, &pl, &nh), PMIP_PKT_ERR_ESP_PAD_LENGTH);

	/* The longest padding there is. */
	for (i = 0; i < 255; i++)
		b[i] = (uint8_t)(i + 1);
	b[255] = 255;
	b[256] = 6;
	cr_assert_eq(trailer_copy(b, 257, &pl, &nh), PMIP_PKT_ERR_OK);
	cr_assert_eq(pl, 255);
	cr_assert_eq(trailer_copy(b + 1, 256, &pl, &nh), PMIP_PKT_ERR_ESP_PAD_LENGTH);
}

/* --------------------------------------------------- padding, trailer -- */

Test(esp, pad_len)
{
	static const size_t blocks[] = { 2, 3, 4, 8, 16, 32, 256 };
	size_t b, p;

	for (b = 0; b < sizeof(blocks) / sizeof(blocks[0]); b++)
		for (p = 0; p < 1000; p++) {
			size_t pad = pmip_esp_pad_len(p, blocks[b]);

			cr_assert_lt(pad, blocks[b]);
			cr_assert_eq((p + pad + 2) % blocks[b], 0, "payload %zu block %zu", p,
				     blocks[b]);
		}
	/* The vectors' own cases and the edges. */
	cr_assert_eq(pmip_esp_pad_len(56, 4), 2);
	cr_assert_eq(pmip_esp_pad_len(61, 4), 1);
	cr_assert_eq(pmip_esp_pad_len(6, 4), 0);
	cr_assert_eq(pmip_esp_pad_len(68, 16), 10);
	cr_assert_eq(pmip_esp_pad_len(0, 4), 2);
	cr_assert_eq(pmip_esp_pad_len(0, 16), 14);
	cr_assert_eq(pmip_esp_pad_len(14, 16), 0);
	cr_assert_eq(pmip_esp_pad_len(15, 16), 15);
	cr_assert_eq(pmip_esp_pad_len(SIZE_MAX, 4), 3);   /* (2^64 - 1 + 3 + 2) % 4 == 0 */
	cr_assert_eq(pmip_esp_pad_len(123, 0), 0);
	cr_assert_eq(pmip_esp_pad_len(123, 1), 0);
	cr_assert_eq(pmip_esp_pad_len(0, 512), 510);   /* more than a trailer holds */
}

Test(esp, trailer_write_round_trip)
{
	uint8_t b[260], pl, nh;
	size_t pad, n;

	for (pad = 0; pad <= 255; pad++) {
		memset(b, 0xcc, sizeof(b));
		n = pmip_esp_trailer_write(b, pad, 41);
		cr_assert_eq(n, pad + 2);
		cr_assert_eq(b[pad + 2], 0xcc, "nothing past the trailer");
		cr_assert_eq(trailer_copy(b, n, &pl, &nh), PMIP_PKT_ERR_OK, "pad %zu", pad);
		cr_assert_eq(pl, pad);
		cr_assert_eq(nh, 41);
	}
	memset(b, 0xcc, sizeof(b));
	cr_assert_eq(pmip_esp_trailer_write(b, 256, 41), 0);
	cr_assert_eq(pmip_esp_trailer_write(b, SIZE_MAX, 41), 0);
	cr_assert_eq(b[0], 0xcc, "nothing written when refused");
	/* A dummy trailer round-trips as a dummy. */
	n = pmip_esp_trailer_write(b, 3, PMIP_IPPROTO_NONE);
	cr_assert_eq(trailer_copy(b, n, &pl, &nh), PMIP_PKT_ERR_ESP_DUMMY);
}

/* A whole packet laid out with the helpers parses back to its parts. */
Test(esp, build_then_parse)
{
	static const size_t blocks[] = { 4, 16 };
	uint8_t pkt[512], pl, nh;
	struct pmip_esp_view ev;
	size_t b, payload, i;

	for (b = 0; b < 2; b++)
		for (payload = 0; payload < 100; payload++) {
			size_t iv = blocks[b] == 4 ? GCM_IV : CBC_IV;
			size_t pad = pmip_esp_pad_len(payload, blocks[b]);
			size_t n = 8 + iv;

			pmip_esp_hdr_write(pkt, 0x01020304, (uint32_t)payload);
			memset(pkt + 8, 0x11, iv);
			for (i = 0; i < payload; i++)
				pkt[n++] = (uint8_t)(0x80 | i);
			n += pmip_esp_trailer_write(pkt + n, pad, 4);
			memset(pkt + n, 0x22, 16);
			n += 16;
			cr_assert_eq(parse_copy(pkt, n, iv, 16, blocks[b], &ev), PMIP_PKT_ERR_OK);
			cr_assert_eq(ev.spi, 0x01020304);
			cr_assert_eq(ev.seq, payload);
			cr_assert_eq(ev.ct_len, payload + pad + 2);
			cr_assert_eq(trailer_copy(pkt + ev.ct_off, ev.ct_len, &pl, &nh),
				     PMIP_PKT_ERR_OK);
			cr_assert_eq(pl, pad);
			cr_assert_eq(nh, 4);
		}
}

/* ------------------------------------------------ UDP encapsulation -- */

Test(esp, udp_classify_vectors)
{
	size_t len;
	const uint8_t *esp = esp_of(&esp_vecs[1], &len);

	cr_assert_eq(classify_copy(esp, len), PMIP_UDP_ENCAP_ESP);
	cr_assert_eq(classify_copy(vec_keepalive + L4 + 8, sizeof(vec_keepalive) - L4 - 8),
		     PMIP_UDP_ENCAP_KEEPALIVE);
	cr_assert_eq(classify_copy(vec_ike + L4 + 8, sizeof(vec_ike) - L4 - 8), PMIP_UDP_ENCAP_IKE);
}

Test(esp, udp_classify_edges)
{
	static const uint8_t ff[4] = { 0xff, 0xff, 0xff, 0xff };
	static const uint8_t zero[40];
	uint8_t b[40];
	size_t l;

	cr_assert_eq(classify_copy(ff, 0), PMIP_UDP_ENCAP_INVALID);
	cr_assert_eq(classify_copy(ff, 1), PMIP_UDP_ENCAP_KEEPALIVE);
	cr_assert_eq(classify_copy(ff, 2), PMIP_UDP_ENCAP_INVALID);
	cr_assert_eq(classify_copy(ff, 3), PMIP_UDP_ENCAP_INVALID);
	cr_assert_eq(classify_copy(ff, 4), PMIP_UDP_ENCAP_ESP);   /* SPI 0xffffffff */
	cr_assert_eq(classify_copy(zero, 1), PMIP_UDP_ENCAP_INVALID);
	b[0] = 0xfe;
	cr_assert_eq(classify_copy(b, 1), PMIP_UDP_ENCAP_INVALID);
	/* Any non-zero byte in the first four makes an SPI (whose range
	 * pmip_esp_parse judges). */
	for (l = 0; l < 4; l++) {
		memset(b, 0, sizeof(b));
		b[l] = 1;
		cr_assert_eq(classify_copy(b, 4), PMIP_UDP_ENCAP_ESP, "byte %zu", l);
	}
	/* The marker needs a whole IKE header behind it. */
	for (l = 4; l < 4 + PMIP_IKE_HLEN; l++)
		cr_assert_eq(classify_copy(zero, l), PMIP_UDP_ENCAP_INVALID, "len %zu", l);
	cr_assert_eq(classify_copy(zero, 4 + PMIP_IKE_HLEN), PMIP_UDP_ENCAP_IKE);
	cr_assert_eq(classify_copy(vec_ike + L4 + 8, 4 + PMIP_IKE_HLEN - 1),
		     PMIP_UDP_ENCAP_INVALID);
}

/* The UDP headers tshark found correct, rewritten from their payload. */
Test(esp, udp_hdr_write_vectors)
{
	static const struct {
		const uint8_t *f;
		size_t len;
	} v[] = {
		{ vec_gcm_udp, sizeof(vec_gcm_udp) },
		{ vec_keepalive, sizeof(vec_keepalive) },
		{ vec_ike, sizeof(vec_ike) },
	};
	size_t i;

	for (i = 0; i < 3; i++) {
		struct pmip_ipv6_view ip;
		uint8_t *m = dup_exact(v[i].f + L4, v[i].len - L4);

		cr_assert_eq(pmip_ipv6_parse(v[i].f + ETH, v[i].len - ETH, &ip), PMIP_PKT_ERR_OK);
		memset(m, 0xee, 8);
		cr_assert_eq(pmip_udp_hdr_write(m, v[i].len - L4 - 8, &ip.src, &ip.dst,
						PMIP_UDP_ENCAP_PORT, PMIP_UDP_ENCAP_PORT),
			     8);
		cr_assert_arr_eq(m, v[i].f + L4, 8, "vector %zu", i);
		cr_assert_eq(pmip_ipv6_l4_checksum(&ip.src, &ip.dst, PMIP_IPPROTO_UDP, m,
						   v[i].len - L4),
			     0);
		free(m);
	}
}

Test(esp, udp_hdr_write_zero_and_length)
{
	struct pmip_ipv6_view ip;
	static uint8_t big[65536];
	uint8_t d[16] = { 0 };
	uint16_t c;

	cr_assert_eq(pmip_ipv6_parse(vec_keepalive + ETH, sizeof(vec_keepalive) - ETH, &ip),
		     PMIP_PKT_ERR_OK);
	/* A payload word chosen so that the sum comes to 0xffff: the
	 * computed checksum is 0, sent as 0xffff (RFC 8200 8.1). */
	cr_assert_eq(pmip_udp_hdr_write(d, 8, &ip.src, &ip.dst, 1, 2), 8);
	c = (uint16_t)(d[6] << 8 | d[7]);
	d[8] = (uint8_t)(c >> 8);
	d[9] = (uint8_t)c;
	cr_assert_eq(pmip_udp_hdr_write(d, 8, &ip.src, &ip.dst, 1, 2), 8);
	cr_assert_eq(d[6], 0xff);
	cr_assert_eq(d[7], 0xff);
	cr_assert_eq(pmip_ipv6_l4_checksum(&ip.src, &ip.dst, PMIP_IPPROTO_UDP, d, 16), 0);

	/* The length field is 16 bits. */
	cr_assert_eq(pmip_udp_hdr_write(big, 65535 - 8, &ip.src, &ip.dst, 1, 2), 8);
	cr_assert_eq(big[4], 0xff);
	cr_assert_eq(big[5], 0xff);
	memset(big, 0xee, 8);
	cr_assert_eq(pmip_udp_hdr_write(big, 65535 - 7, &ip.src, &ip.dst, 1, 2), 0);
	cr_assert_eq(pmip_udp_hdr_write(big, SIZE_MAX, &ip.src, &ip.dst, 1, 2), 0);
	cr_assert_eq(big[0], 0xee, "nothing written when refused");
	/* The smallest datagram: no payload. */
	cr_assert_eq(pmip_udp_hdr_write(big, 0, &ip.src, &ip.dst, 4500, 4500), 8);
	cr_assert_eq(big[4], 0);
	cr_assert_eq(big[5], 8);
	cr_assert_eq(pmip_ipv6_l4_checksum(&ip.src, &ip.dst, PMIP_IPPROTO_UDP, big, 8), 0);
}

/* ------------------------------------------------ truncation, bit flips -- */

/* What pmip_esp_parse must answer, the obvious way. */
static enum pmip_pkt_err ref_parse(const uint8_t *b, size_t len, size_t iv, size_t icv,
				   size_t block)
{
	if (len < 8)
		return PMIP_PKT_ERR_SHORT;
	if (be32(b) < 256)
		return PMIP_PKT_ERR_ESP_SPI;
	if (len < 8 + iv + 2 + icv)
		return PMIP_PKT_ERR_ESP_TRUNCATED;
	if (block > 1 && (len - 8 - iv - icv) % block)
		return PMIP_PKT_ERR_ESP_ALIGN;
	return PMIP_PKT_ERR_OK;
}

/* What pmip_esp_trailer_check must answer. */
static enum pmip_pkt_err ref_trailer(const uint8_t *b, size_t len)
{
	size_t pl, i;

	if (len < 2)
		return PMIP_PKT_ERR_SHORT;
	pl = b[len - 2];
	if (pl + 2 > len)
		return PMIP_PKT_ERR_ESP_PAD_LENGTH;
	for (i = 1; i <= pl; i++)
		if (b[len - 2 - pl + i - 1] != i)
			return PMIP_PKT_ERR_ESP_PADDING;
	return b[len - 1] == 59 ? PMIP_PKT_ERR_ESP_DUMMY : PMIP_PKT_ERR_OK;
}

static void check_parse(const uint8_t *b, size_t len, const struct esp_vec *v)
{
	struct pmip_esp_view ev;
	enum pmip_pkt_err e = parse_copy(b, len, v->iv_len, v->icv_len, v->block, &ev);

	cr_assert_eq(e, ref_parse(b, len, v->iv_len, v->icv_len, v->block), "%s len %zu",
		     v->name, len);
	if (e != PMIP_PKT_ERR_OK)
		return;
	cr_assert_eq(ev.spi, be32(b));
	cr_assert_eq(ev.seq, be32(b + 4));
	cr_assert_eq(ev.icv_off + ev.icv_len, len);
	cr_assert_geq(ev.ct_len, 2);
}

Test(esp, truncation_loop)
{
	size_t i, l;

	for (i = 0; i < NVEC; i++) {
		const struct esp_vec *v = &esp_vecs[i];
		size_t len;
		const uint8_t *esp = esp_of(v, &len);
		uint8_t pl, nh;
		enum pmip_pkt_err e;

		for (l = 0; l <= len; l++)
			check_parse(esp, l, v);
		/* Trailer: cut at the end (what a wrong length does), and from
		 * the front (payload lost). */
		for (l = 0; l <= v->plain_len; l++) {
			e = trailer_copy(v->plain, l, &pl, &nh);
			cr_assert_eq(e, ref_trailer(v->plain, l), "%s cut to %zu", v->name, l);
			e = trailer_copy(v->plain + l, v->plain_len - l, &pl, &nh);
			cr_assert_eq(e, ref_trailer(v->plain + l, v->plain_len - l), "%s from %zu",
				     v->name, l);
			if (v->plain_len - l >= (size_t)v->pad_len + 2)
				cr_assert_eq(e, v->trailer_err);
		}
		/* The UDP payloads too. */
		for (l = 0; l <= sizeof(vec_ike) - L4 - 8; l++) {
			enum pmip_udp_encap_kind k = classify_copy(vec_ike + L4 + 8, l);

			cr_assert_eq(k, l < 32 ? PMIP_UDP_ENCAP_INVALID : PMIP_UDP_ENCAP_IKE);
		}
		for (l = 0; l <= len; l++)
			cr_assert_eq(classify_copy(esp, l),
				     l < 4 ? PMIP_UDP_ENCAP_INVALID : PMIP_UDP_ENCAP_ESP);
	}
}

Test(esp, bit_flip_loop)
{
	size_t i, bit;

	for (i = 0; i < NVEC; i++) {
		const struct esp_vec *v = &esp_vecs[i];
		size_t len;
		const uint8_t *esp = esp_of(v, &len);
		uint8_t *m = dup_exact(esp, len);
		uint8_t *p = dup_exact(v->plain, v->plain_len);
		uint8_t pl, nh;

		for (bit = 0; bit < len * 8; bit++) {
			m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			check_parse(m, len, v);
			m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
		for (bit = 0; bit < v->plain_len * 8; bit++) {
			enum pmip_pkt_err e;

			p[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			e = pmip_esp_trailer_check(p, v->plain_len, &pl, &nh);
			cr_assert_eq(e, ref_trailer(p, v->plain_len), "%s bit %zu", v->name, bit);
			/* A flip in the payload is not the trailer's business; one
			 * in the padding always breaks it. */
			if (bit / 8 < v->plain_len - v->pad_len - 2)
				cr_assert_eq(e, v->trailer_err);
			else if (bit / 8 < v->plain_len - 2)
				cr_assert_eq(e, PMIP_PKT_ERR_ESP_PADDING);
			p[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
		free(m);
		free(p);
	}
}

Test(esp, bit_flip_classify)
{
	const uint8_t *ike = vec_ike + L4 + 8;
	size_t ike_len = sizeof(vec_ike) - L4 - 8, bit;
	uint8_t *m = dup_exact(ike, ike_len);
	uint8_t k;

	/* A flip in the marker makes an SPI; anywhere else it stays IKE. */
	for (bit = 0; bit < ike_len * 8; bit++) {
		m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		cr_assert_eq(pmip_udp_encap_classify(m, ike_len),
			     bit < 32 ? PMIP_UDP_ENCAP_ESP : PMIP_UDP_ENCAP_IKE, "bit %zu", bit);
		m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	free(m);
	/* Any flip of the keepalive byte makes it nothing. */
	for (bit = 0; bit < 8; bit++) {
		k = (uint8_t)(0xff ^ (1u << bit));
		cr_assert_eq(classify_copy(&k, 1), PMIP_UDP_ENCAP_INVALID);
	}
}
