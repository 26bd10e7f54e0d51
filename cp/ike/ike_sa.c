/* Security Association payload (RFC 7296 3.3): proposals (3.3.1),
 * transforms (3.3.2) and transform attributes (3.3.5). Every substructure
 * is validated (header there? length between its minimum and what is
 * left? Last Substruc consistent with the bytes after it?) before it is
 * read; counts are checked against what was actually found.
 */
#include <string.h>

#include "ike_internal.h"
#include "ike_msg.h"

#define PROP_HDR 8
#define XF_HDR 8
#define ATTR_HDR 4
#define PROP_MORE 2     /* Last Substruc of a proposal followed by another */
#define XF_MORE 3       /* ... of a transform followed by another */
#define ATTR_TV 0x8000  /* AF bit: Type/Value, no length */

/* RFC 7296 3.3.1: SPI size 0 (IKE_SA_INIT) or 8 (rekey) for IKE, 4 for
 * AH and ESP. Unknown protocols: up to 8, so that the SPI fits. */
static bool spi_size_ok(uint8_t protocol, uint8_t size, uint8_t *want)
{
	switch (protocol) {
	case IKE_PROTO_IKE:
		*want = 8;
		return size == 0 || size == 8;
	case IKE_PROTO_AH:
	case IKE_PROTO_ESP:
		*want = 4;
		return size == 4;
	default:
		*want = 8;
		return size <= 8;
	}
}

/* Attributes of one transform (3.3.5): only Key Length (14, TV) is
 * defined; any other marks the transform unrecognised (3.3.6). */
static enum ike_rule attrs_decode(const uint8_t *b, size_t off, size_t end,
				  struct ike_transform *xf, struct ike_err *e)
{
	while (off < end) {
		size_t left = end - off;
		uint16_t at, val;

		if (left < ATTR_HDR)
			return ike_fail(e, IKE_ERR_ATTR_SHORT, off, left, ATTR_HDR);
		at = ike_be16(b + off);
		val = ike_be16(b + off + 2);
		if (at & ATTR_TV) {
			if ((at & 0x7fff) == IKE_ATTR_KEY_LENGTH) {
				if (xf->has_key_len)
					return ike_fail(e, IKE_ERR_ATTR_DUPLICATE, off, 2, 1);
				xf->has_key_len = true;
				xf->key_len = val;
			} else {
				xf->unknown_attr = true;
			}
			off += ATTR_HDR;
			continue;
		}
		if ((size_t)ATTR_HDR + val > left)
			return ike_fail(e, IKE_ERR_ATTR_OVERRUN, off, (size_t)ATTR_HDR + val, left);
		if (at == IKE_ATTR_KEY_LENGTH)
			return ike_fail(e, IKE_ERR_ATTR_FORMAT, off, IKE_ATTR_KEY_LENGTH, 0);
		xf->unknown_attr = true;
		off += (size_t)ATTR_HDR + val;
	}
	return IKE_ERR_OK;
}

/* The transforms of one proposal, in b[off .. end). */
static enum ike_rule xforms_decode(const uint8_t *b, size_t off, size_t end, struct ike_sa *sa,
				   unsigned *found, struct ike_err *e)
{
	*found = 0;
	while (off < end) {
		size_t left = end - off, after;
		uint8_t hdr[XF_HDR];
		uint16_t xlen;
		struct ike_transform *xf;
		enum ike_rule r;

		if (left < XF_HDR)
			return ike_fail(e, IKE_ERR_XF_SHORT, off, left, XF_HDR);
		memcpy(hdr, b + off, sizeof(hdr));
		xlen = ike_be16(hdr + 2);
		if (xlen < XF_HDR)
			return ike_fail(e, IKE_ERR_XF_LENGTH, off, xlen, XF_HDR);
		if (xlen > left)
			return ike_fail(e, IKE_ERR_XF_OVERRUN, off, xlen, left);
		after = left - xlen;
		if (!((hdr[0] == 0 && after == 0) || (hdr[0] == XF_MORE && after > 0)))
			return ike_fail(e, IKE_ERR_XF_LAST, off, hdr[0], after);
		if (sa->n_xf >= IKE_SA_MAX_TRANSFORMS)
			return ike_fail(e, IKE_ERR_XF_TOO_MANY, off, sa->n_xf + 1, IKE_SA_MAX_TRANSFORMS);
		xf = &sa->xf[sa->n_xf];
		memset(xf, 0, sizeof(*xf));
		xf->type = hdr[4];
		xf->id = ike_be16(hdr + 6);
		r = attrs_decode(b, off + XF_HDR, off + xlen, xf, e);
		if (r != IKE_ERR_OK)
			return r;
		sa->n_xf++;
		(*found)++;
		off += xlen;
	}
	return IKE_ERR_OK;
}

enum ike_rule ike_sa_decode(const uint8_t *b, size_t len, struct ike_sa *sa, struct ike_err *e)
{
	size_t off = 0;

	sa->n_prop = 0;
	sa->n_xf = 0;
	if (len == 0)
		return ike_fail(e, IKE_ERR_SA_EMPTY, 0, 0, 1);
	while (off < len) {
		size_t left = len - off, after;
		uint8_t hdr[PROP_HDR], want;
		uint16_t plen;
		unsigned found;
		struct ike_proposal *p;
		enum ike_rule r;

		if (left < PROP_HDR)
			return ike_fail(e, IKE_ERR_PROP_SHORT, off, left, PROP_HDR);
		memcpy(hdr, b + off, sizeof(hdr));
		plen = ike_be16(hdr + 2);
		if (plen < PROP_HDR + hdr[6])
			return ike_fail(e, IKE_ERR_PROP_LENGTH, off, plen, PROP_HDR + hdr[6]);
		if (plen > left)
			return ike_fail(e, IKE_ERR_PROP_OVERRUN, off, plen, left);
		after = left - plen;
		if (!((hdr[0] == 0 && after == 0) || (hdr[0] == PROP_MORE && after > 0)))
			return ike_fail(e, IKE_ERR_PROP_LAST, off, hdr[0], after);
		if (sa->n_prop >= IKE_SA_MAX_PROPOSALS)
			return ike_fail(e, IKE_ERR_PROP_TOO_MANY, off, sa->n_prop + 1,
					IKE_SA_MAX_PROPOSALS);
		/* 3.3.1: the first proposal is number 1, each next one more.
		 * A lone proposal may carry any number but 0: it is the one
		 * the responder accepted, numbered as it was offered. */
		if (sa->n_prop > 0 && hdr[4] != sa->prop[sa->n_prop - 1].num + 1)
			return ike_fail(e, IKE_ERR_PROP_NUM, off + 4, hdr[4],
					sa->prop[sa->n_prop - 1].num + 1);
		if (sa->n_prop == 0 && hdr[4] != 1 && (after > 0 || hdr[4] == 0))
			return ike_fail(e, IKE_ERR_PROP_NUM, off + 4, hdr[4], 1);
		if (!spi_size_ok(hdr[5], hdr[6], &want))
			return ike_fail(e, IKE_ERR_PROP_SPI_SIZE, off + 6, hdr[6], want);
		p = &sa->prop[sa->n_prop];
		p->num = hdr[4];
		p->protocol = hdr[5];
		p->spi_size = hdr[6];
		p->spi = ike_ben(b + off + PROP_HDR, hdr[6]);
		p->first_xf = (uint16_t)sa->n_xf;
		r = xforms_decode(b, off + PROP_HDR + hdr[6], off + plen, sa, &found, e);
		if (r != IKE_ERR_OK)
			return r;
		if (found != hdr[7])
			return ike_fail(e, IKE_ERR_XF_COUNT, off + 7, found, hdr[7]);
		p->n_xf = hdr[7];
		sa->n_prop++;
		off += plen;
	}
	return IKE_ERR_OK;
}

bool ike_sa_encode(const struct ike_sa *sa, uint8_t *out, size_t cap, size_t *len)
{
	size_t off = 0;
	unsigned i, j;

	if (sa->n_prop == 0 || sa->n_prop > IKE_SA_MAX_PROPOSALS || sa->n_xf > IKE_SA_MAX_TRANSFORMS)
		return false;
	for (i = 0; i < sa->n_prop; i++) {
		const struct ike_proposal *p = &sa->prop[i];
		size_t start = off;

		if (p->spi_size > 8 || (size_t)p->first_xf + p->n_xf > sa->n_xf)
			return false;
		if (cap - off < (size_t)PROP_HDR + p->spi_size)
			return false;
		out[off] = i + 1 < sa->n_prop ? PROP_MORE : 0;
		out[off + 1] = 0;
		out[off + 4] = p->num;
		out[off + 5] = p->protocol;
		out[off + 6] = p->spi_size;
		out[off + 7] = p->n_xf;
		ike_putn(out + off + PROP_HDR, p->spi, p->spi_size);
		off += PROP_HDR + p->spi_size;
		for (j = 0; j < p->n_xf; j++) {
			const struct ike_transform *xf = &sa->xf[p->first_xf + j];
			size_t xlen = XF_HDR + (xf->has_key_len ? ATTR_HDR : 0);

			if (cap - off < xlen)
				return false;
			out[off] = j + 1 < p->n_xf ? XF_MORE : 0;
			out[off + 1] = 0;
			ike_put16(out + off + 2, (uint16_t)xlen);
			out[off + 4] = xf->type;
			out[off + 5] = 0;
			ike_put16(out + off + 6, xf->id);
			if (xf->has_key_len) {
				ike_put16(out + off + 8, ATTR_TV | IKE_ATTR_KEY_LENGTH);
				ike_put16(out + off + 10, xf->key_len);
			}
			off += xlen;
		}
		if (off - start > 0xffff)
			return false;
		ike_put16(out + start + 2, (uint16_t)(off - start));
	}
	*len = off;
	return true;
}
