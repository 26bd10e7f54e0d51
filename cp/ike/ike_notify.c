/* Notify (RFC 7296 3.10) and Delete (3.11) payloads, and the table of
 * Notify message types with the data lengths their RFCs give.
 */
#include <string.h>

#include "ike_internal.h"
#include "ike_msg.h"

#define NOTIFY_HDR 4
#define DELETE_HDR 4

static const struct {
	uint16_t type;
	const char *name;
	uint16_t min, max, step;
} notify_types[] = {
#define N_ROW(name, val, min, max, step) { val, #name, min, max, step },
	IKE_NOTIFIES(N_ROW)
#undef N_ROW
};

#define N_TYPES (sizeof(notify_types) / sizeof(notify_types[0]))

static int notify_index(uint16_t type)
{
	size_t i;

	for (i = 0; i < N_TYPES; i++)
		if (notify_types[i].type == type)
			return (int)i;
	return -1;
}

const char *ike_notify_name(uint16_t type)
{
	int i = notify_index(type);

	return i < 0 ? NULL : notify_types[i].name;
}

enum ike_rule ike_notify_decode(const uint8_t *b, size_t len, struct ike_notify *out,
				struct ike_err *e)
{
	uint8_t hdr[NOTIFY_HDR];
	size_t dlen;
	int i;

	if (ike_body_short(e, len, 4))
		return e->rule;
	memcpy(hdr, b, sizeof(hdr));
	memset(out, 0, sizeof(*out));
	out->protocol = hdr[0];
	out->spi_size = hdr[1];
	out->type = ike_be16(hdr + 2);
	/* 3.10: no SPI for the IKE SA, 4 bytes for AH/ESP; 8 tolerated
	 * (an IKE SPI, as some send with INVALID_IKE_SPI). */
	if (hdr[1] != 0 && hdr[1] != 4 && hdr[1] != 8)
		return ike_fail(e, IKE_ERR_NOTIFY_SPI_SIZE, 1, hdr[1], 0);
	if ((size_t)NOTIFY_HDR + hdr[1] > len)
		return ike_fail(e, IKE_ERR_NOTIFY_SPI_OVERRUN, 1, NOTIFY_HDR + hdr[1], len);
	out->spi = ike_ben(b + NOTIFY_HDR, hdr[1]);
	dlen = len - NOTIFY_HDR - hdr[1];
	out->data = ike_span_of(b + NOTIFY_HDR + hdr[1], dlen);
	i = notify_index(out->type);
	if (i >= 0) {
		size_t off = NOTIFY_HDR + hdr[1];

		if (dlen < notify_types[i].min)
			return ike_fail(e, IKE_ERR_NOTIFY_DATA_LENGTH, off, dlen, notify_types[i].min);
		if (dlen > notify_types[i].max)
			return ike_fail(e, IKE_ERR_NOTIFY_DATA_LENGTH, off, dlen, notify_types[i].max);
		if (dlen % notify_types[i].step != 0)
			return ike_fail(e, IKE_ERR_NOTIFY_DATA_LENGTH, off, dlen, notify_types[i].step);
	}
	return IKE_ERR_OK;
}

bool ike_notify_encode(const struct ike_notify *n, uint8_t *out, size_t cap, size_t *len)
{
	size_t need;

	if (n->spi_size > 8)
		return false;
	need = NOTIFY_HDR + n->spi_size + n->data.len;
	if (cap < need)
		return false;
	out[0] = n->protocol;
	out[1] = n->spi_size;
	ike_put16(out + 2, n->type);
	ike_putn(out + NOTIFY_HDR, n->spi, n->spi_size);
	if (n->data.len)
		memcpy(out + NOTIFY_HDR + n->spi_size, n->data.ptr, n->data.len);
	*len = need;
	return true;
}

const struct ike_notify *ike_payloads_notify(const struct ike_payloads *pl, uint16_t type)
{
	unsigned i;

	for (i = 0; i < pl->n_notify; i++)
		if (pl->notify[i].type == type)
			return &pl->notify[i];
	return NULL;
}

/* -------------------------------------------------------------- Delete -- */

enum ike_rule ike_delete_decode(const uint8_t *b, size_t len, struct ike_delete *out,
				struct ike_err *e)
{
	uint8_t hdr[DELETE_HDR], want;
	size_t expect;

	if (ike_body_short(e, len, 4))
		return e->rule;
	memcpy(hdr, b, sizeof(hdr));
	out->protocol = hdr[0];
	out->spi_size = hdr[1];
	out->n_spi = ike_be16(hdr + 2);
	out->spis = ike_span_of(b + DELETE_HDR, len - DELETE_HDR);
	if (hdr[0] != IKE_PROTO_IKE && hdr[0] != IKE_PROTO_AH && hdr[0] != IKE_PROTO_ESP)
		return ike_fail(e, IKE_ERR_DELETE_PROTOCOL, 0, hdr[0], IKE_PROTO_ESP);
	/* 3.11: the IKE SA is named by the header's SPIs: SPI size 0 and no
	 * SPIs; AH and ESP: 4-byte SPIs, at least one. */
	want = hdr[0] == IKE_PROTO_IKE ? 0 : 4;
	if (hdr[1] != want)
		return ike_fail(e, IKE_ERR_DELETE_SPI_SIZE, 1, hdr[1], want);
	if (hdr[0] == IKE_PROTO_IKE && out->n_spi != 0)
		return ike_fail(e, IKE_ERR_DELETE_COUNT, 2, out->n_spi, 0);
	if (hdr[0] != IKE_PROTO_IKE && out->n_spi == 0)
		return ike_fail(e, IKE_ERR_DELETE_COUNT, 2, 0, 1);
	expect = DELETE_HDR + (size_t)hdr[1] * out->n_spi;
	if (len != expect)
		return ike_fail(e, IKE_ERR_DELETE_LENGTH, 0, len, expect);
	return IKE_ERR_OK;
}

uint32_t ike_delete_spi(const struct ike_delete *d, unsigned i)
{
	if (d->spi_size != 4 || i >= d->n_spi || (size_t)(i + 1) * 4 > d->spis.len)
		return 0;
	return ike_be32(d->spis.ptr + (size_t)i * 4);
}

bool ike_delete_encode(const struct ike_delete *d, uint8_t *out, size_t cap, size_t *len)
{
	size_t need = DELETE_HDR + d->spis.len;

	if ((size_t)d->spi_size * d->n_spi != d->spis.len || cap < need)
		return false;
	out[0] = d->protocol;
	out[1] = d->spi_size;
	ike_put16(out + 2, d->n_spi);
	if (d->spis.len)
		memcpy(out + DELETE_HDR, d->spis.ptr, d->spis.len);
	*len = need;
	return true;
}
