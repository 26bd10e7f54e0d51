/* ESP framing (RFC 4303), UDP encapsulation (RFC 3948), GCM nonce and AAD
 * (RFC 4106). See esp.h. Validate, then handle: every length is compared
 * with what is left before anything is read, and lengths given by the SA
 * are subtracted from what is left one at a time, so that no sum of
 * caller values can wrap. No allocation, logging or mutable global.
 */
#include "net/esp.h"

#include "net/pkt_internal.h"

#define ESP_OFF_SPI 0
#define ESP_OFF_SEQ 4

#define UDP_OFF_SPORT 0
#define UDP_OFF_DPORT 2
#define UDP_OFF_LEN 4
#define UDP_OFF_CSUM 6

#define UDP_ENCAP_MARKER_LEN 4      /* non-ESP marker (RFC 3948 2.2) */
#define UDP_ENCAP_KEEPALIVE 0xff    /* RFC 3948 2.3 */

enum pmip_pkt_err pmip_esp_parse(const uint8_t *esp, size_t len, size_t iv_len, size_t icv_len,
				 size_t block, struct pmip_esp_view *out)
{
	size_t left, ct_len;
	uint32_t spi;

	if (len < PMIP_ESP_HLEN)
		return PMIP_PKT_ERR_SHORT;
	spi = get_be32(esp + ESP_OFF_SPI);
	if (spi <= PMIP_ESP_SPI_RESERVED_MAX)
		return PMIP_PKT_ERR_ESP_SPI;

	left = len - PMIP_ESP_HLEN;
	if (iv_len > left)
		return PMIP_PKT_ERR_ESP_TRUNCATED;
	left -= iv_len;
	if (icv_len > left)
		return PMIP_PKT_ERR_ESP_TRUNCATED;
	ct_len = left - icv_len;
	if (ct_len < PMIP_ESP_TRAILER_MIN)
		return PMIP_PKT_ERR_ESP_TRUNCATED;
	if (block > 1 && ct_len % block != 0)
		return PMIP_PKT_ERR_ESP_ALIGN;

	out->spi = spi;
	out->seq = get_be32(esp + ESP_OFF_SEQ);
	out->iv_off = PMIP_ESP_HLEN;
	out->iv_len = iv_len;
	out->ct_off = PMIP_ESP_HLEN + iv_len;
	out->ct_len = ct_len;
	out->icv_off = out->ct_off + ct_len;
	out->icv_len = icv_len;
	return PMIP_PKT_ERR_OK;
}

enum pmip_pkt_err pmip_esp_trailer_check(const uint8_t *plain, size_t len, uint8_t *pad_len,
					 uint8_t *next_header)
{
	const uint8_t *pad;
	uint8_t pl, nh;
	size_t i;

	if (len < PMIP_ESP_TRAILER_MIN)
		return PMIP_PKT_ERR_SHORT;
	pl = plain[len - 2];
	nh = plain[len - 1];
	if ((size_t)pl + PMIP_ESP_TRAILER_MIN > len)
		return PMIP_PKT_ERR_ESP_PAD_LENGTH;
	/* Default padding, RFC 4303 2.4: 1, 2, 3, ... A sender using another
	 * scheme would fail here; none of the transforms we run defines one. */
	pad = plain + len - PMIP_ESP_TRAILER_MIN - pl;
	for (i = 0; i < pl; i++)
		if (pad[i] != (uint8_t)(i + 1))
			return PMIP_PKT_ERR_ESP_PADDING;
	*pad_len = pl;
	*next_header = nh;
	/* Checked last: a dummy packet is still a well-formed one (RFC 4303
	 * 2.6), so that a broken trailer is counted as broken whatever its
	 * next header says. */
	if (nh == PMIP_IPPROTO_NONE)
		return PMIP_PKT_ERR_ESP_DUMMY;
	return PMIP_PKT_ERR_OK;
}

size_t pmip_esp_pad_len(size_t payload_len, size_t block)
{
	size_t rem;

	if (block <= 1)
		return 0;
	rem = (payload_len % block + PMIP_ESP_TRAILER_MIN % block) % block;
	return rem == 0 ? 0 : block - rem;
}

size_t pmip_esp_trailer_write(uint8_t *out, size_t pad_len, uint8_t next_header)
{
	size_t i;

	if (pad_len > PMIP_ESP_PAD_MAX)
		return 0;
	for (i = 0; i < pad_len; i++)
		out[i] = (uint8_t)(i + 1);
	out[pad_len] = (uint8_t)pad_len;
	out[pad_len + 1] = next_header;
	return pad_len + PMIP_ESP_TRAILER_MIN;
}

void pmip_esp_hdr_write(uint8_t out[PMIP_ESP_HLEN], uint32_t spi, uint32_t seq)
{
	put_be32(out + ESP_OFF_SPI, spi);
	put_be32(out + ESP_OFF_SEQ, seq);
}

void pmip_esp_gcm_nonce(uint8_t nonce[PMIP_ESP_GCM_NONCE_LEN],
			const uint8_t salt[PMIP_ESP_GCM_SALT_LEN],
			const uint8_t iv[PMIP_ESP_GCM_IV_LEN])
{
	/* memmove: iv may point into the packet right after where a caller
	 * builds the nonce in place. */
	memmove(nonce + PMIP_ESP_GCM_SALT_LEN, iv, PMIP_ESP_GCM_IV_LEN);
	memmove(nonce, salt, PMIP_ESP_GCM_SALT_LEN);
}

size_t pmip_esp_aad(uint8_t aad[12], uint32_t spi, uint32_t seq_lo, uint32_t seq_hi, bool esn)
{
	put_be32(aad, spi);
	if (!esn) {
		put_be32(aad + 4, seq_lo);
		return 8;
	}
	/* RFC 4106 5, figure 4: the high half first, as a 64-bit number. */
	put_be32(aad + 4, seq_hi);
	put_be32(aad + 8, seq_lo);
	return 12;
}

/* ------------------------------------------------- UDP encapsulation -- */

static const char *const udp_encap_names[PMIP_UDP_ENCAP_COUNT] = {
#define PMIP_UDP_ENCAP_NAME(code, name) [PMIP_UDP_ENCAP_##code] = name,
	PMIP_UDP_ENCAP_KINDS(PMIP_UDP_ENCAP_NAME)
#undef PMIP_UDP_ENCAP_NAME
};

const char *pmip_udp_encap_kind_name(enum pmip_udp_encap_kind kind)
{
	if ((unsigned)kind >= PMIP_UDP_ENCAP_COUNT)
		return "unknown";
	return udp_encap_names[kind];
}

enum pmip_udp_encap_kind pmip_udp_encap_classify(const uint8_t *udp_payload, size_t len)
{
	if (len == 1 && udp_payload[0] == UDP_ENCAP_KEEPALIVE)
		return PMIP_UDP_ENCAP_KEEPALIVE;
	if (len < UDP_ENCAP_MARKER_LEN)
		return PMIP_UDP_ENCAP_INVALID;
	if (get_be32(udp_payload) != 0)
		return PMIP_UDP_ENCAP_ESP;
	if (len - UDP_ENCAP_MARKER_LEN < PMIP_IKE_HLEN)
		return PMIP_UDP_ENCAP_INVALID;
	return PMIP_UDP_ENCAP_IKE;
}

size_t pmip_udp_hdr_write(uint8_t *udp, size_t payload_len, const struct in6_addr *src,
			  const struct in6_addr *dst, uint16_t sport, uint16_t dport)
{
	uint16_t c;

	if (payload_len > UINT16_MAX - PMIP_UDP_HLEN)
		return 0;
	put_be16(udp + UDP_OFF_SPORT, sport);
	put_be16(udp + UDP_OFF_DPORT, dport);
	put_be16(udp + UDP_OFF_LEN, (uint16_t)(PMIP_UDP_HLEN + payload_len));
	put_be16(udp + UDP_OFF_CSUM, 0);
	c = pmip_ipv6_l4_checksum(src, dst, PMIP_IPPROTO_UDP, udp, PMIP_UDP_HLEN + payload_len);
	/* 0 means "no checksum", which IPv6 forbids (RFC 8200 8.1). */
	put_be16(udp + UDP_OFF_CSUM, c == 0 ? 0xffff : c);
	return PMIP_UDP_HLEN;
}
