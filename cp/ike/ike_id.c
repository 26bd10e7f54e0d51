/* The payloads that carry identities and key material: KE (RFC 7296 3.4),
 * IDi/IDr (3.5), CERT (3.6), CERTREQ (3.7), AUTH (3.8, RFC 7427 3),
 * Nonce (3.9) and EAP (3.16). The generic walker has already checked each
 * body's minimum length (IKE_PAYLOADS); these check the rest.
 */
#include <string.h>

#include "ike_internal.h"
#include "ike_msg.h"

/* ------------------------------------------------------------------ KE -- */

/* Public value lengths of the groups we know (IANA "Transform Type 4"):
 * MODP the prime's length (3.4: zero-padded to it), ECP x || y (RFC
 * 5903 7), Curve25519/448 (RFC 8031 3). Others are not checked. */
static const struct {
	uint16_t group;
	uint16_t len;
} ke_lengths[] = {
	{ 1, 96 }, { 2, 128 }, { 5, 192 }, { 14, 256 }, { 15, 384 }, { 16, 512 },
	{ 17, 768 }, { 18, 1024 }, { 19, 64 }, { 20, 96 }, { 21, 132 }, { 22, 128 },
	{ 23, 256 }, { 24, 256 }, { 25, 48 }, { 26, 56 }, { 27, 56 }, { 28, 64 },
	{ 29, 96 }, { 30, 128 }, { 31, 32 }, { 32, 56 },
};

static int ke_len_of(uint16_t group)
{
	size_t i;

	for (i = 0; i < sizeof(ke_lengths) / sizeof(ke_lengths[0]); i++)
		if (ke_lengths[i].group == group)
			return ke_lengths[i].len;
	return -1;
}

enum ike_rule ike_ke_decode(const uint8_t *b, size_t len, struct ike_ke *out, struct ike_err *e)
{
	int want;

	if (ike_body_short(e, len, 4))
		return e->rule;
	out->group = ike_be16(b);
	out->data = ike_span_of(b + 4, len - 4);
	want = ke_len_of(out->group);
	if (want >= 0 && len - 4 != (size_t)want)
		return ike_fail(e, IKE_ERR_KE_LENGTH, 4, len - 4, (unsigned)want);
	return IKE_ERR_OK;
}

bool ike_ke_encode(uint16_t group, const uint8_t *data, size_t dlen, uint8_t *out, size_t cap,
		   size_t *len)
{
	if (cap < 4 || cap - 4 < dlen)
		return false;
	ike_put16(out, group);
	ike_put16(out + 2, 0);
	if (dlen)
		memcpy(out + 4, data, dlen);
	*len = 4 + dlen;
	return true;
}

/* ------------------------------------------------------------------ ID -- */

enum ike_rule ike_id_decode(const uint8_t *b, size_t len, struct ike_id *out, struct ike_err *e)
{
	size_t dlen, i;

	if (ike_body_short(e, len, 4))
		return e->rule;
	dlen = len - 4;
	memset(out, 0, sizeof(*out));
	out->type = b[0];
	out->data = ike_span_of(b + 4, dlen);
	out->body = ike_span_of(b, len);
	if (dlen == 0)
		return ike_fail(e, IKE_ERR_ID_EMPTY, 4, 0, 1);
	switch (out->type) {
	case IKE_ID_IPV4_ADDR:
		if (dlen != 4)
			return ike_fail(e, IKE_ERR_ID_LENGTH, 4, dlen, 4);
		memcpy(&out->addr.v4, b + 4, 4);
		break;
	case IKE_ID_IPV6_ADDR:
		if (dlen != 16)
			return ike_fail(e, IKE_ERR_ID_LENGTH, 4, dlen, 16);
		memcpy(&out->addr.v6, b + 4, 16);
		break;
	case IKE_ID_FQDN:
	case IKE_ID_RFC822_ADDR:
		/* 3.5: "MUST NOT contain any terminators (e.g., NULL, CR,
		 * etc.)": no control characters. */
		for (i = 0; i < dlen; i++)
			if (b[4 + i] < 0x20 || b[4 + i] == 0x7f)
				return ike_fail(e, IKE_ERR_ID_TERMINATOR, 4 + i, i, b[4 + i]);
		break;
	default:
		break;          /* DN, GN, KEY_ID and unknown types: raw */
	}
	return IKE_ERR_OK;
}

bool ike_id_encode(const struct ike_id *id, uint8_t *out, size_t cap, size_t *len)
{
	const uint8_t *data = id->data.ptr;
	size_t dlen = id->data.len;

	/* Address IDs may be given by addr alone. */
	if (dlen == 0 && id->type == IKE_ID_IPV4_ADDR) {
		data = id->addr.b;
		dlen = 4;
	} else if (dlen == 0 && id->type == IKE_ID_IPV6_ADDR) {
		data = id->addr.b;
		dlen = 16;
	}
	if (cap < 4 || cap - 4 < dlen)
		return false;
	out[0] = id->type;
	out[1] = out[2] = out[3] = 0;
	if (dlen)
		memcpy(out + 4, data, dlen);
	*len = 4 + dlen;
	return true;
}

/* ------------------------------------------------------- CERT, CERTREQ -- */

enum ike_rule ike_cert_decode(const uint8_t *b, size_t len, struct ike_cert *out, struct ike_err *e)
{
	if (ike_body_short(e, len, 1))
		return e->rule;
	out->encoding = b[0];
	out->data = ike_span_of(b + 1, len - 1);
	if (len == 1)
		return ike_fail(e, IKE_ERR_CERT_EMPTY, 1, 0, 1);
	/* 3.6: Hash and URL = 20-byte SHA-1 hash, then the URL. */
	if ((out->encoding == IKE_CERT_HASH_URL_X509 || out->encoding == IKE_CERT_HASH_URL_BUNDLE) &&
	    len - 1 < 21)
		return ike_fail(e, IKE_ERR_CERT_HASH_URL, 1, len - 1, 21);
	return IKE_ERR_OK;
}

enum ike_rule ike_certreq_decode(const uint8_t *b, size_t len, struct ike_certreq *out,
				 struct ike_err *e)
{
	if (ike_body_short(e, len, 1))
		return e->rule;
	out->encoding = b[0];
	out->data = ike_span_of(b + 1, len - 1);
	out->n_hashes = 0;
	/* 3.7: for X.509, a list of SHA-1 hashes of CA public keys; an
	 * empty list is tolerated (any CA). */
	if (out->encoding == IKE_CERT_X509_SIG) {
		if ((len - 1) % IKE_CERTREQ_HASH_LEN != 0)
			return ike_fail(e, IKE_ERR_CERTREQ_HASHES, 1, len - 1, IKE_CERTREQ_HASH_LEN);
		out->n_hashes = (unsigned)((len - 1) / IKE_CERTREQ_HASH_LEN);
	}
	return IKE_ERR_OK;
}

bool ike_cert_encode(uint8_t encoding, const struct ike_span *data, uint8_t *out, size_t cap,
		     size_t *len)
{
	if (cap < 1 || cap - 1 < data->len)
		return false;
	out[0] = encoding;
	if (data->len)
		memcpy(out + 1, data->ptr, data->len);
	*len = 1 + data->len;
	return true;
}

/* ---------------------------------------------------------------- AUTH -- */

/* Length of the DER element at p (tag, length, value), or 0 if its
 * length octets are malformed or run past n. */
static size_t der_len(const uint8_t *p, size_t n)
{
	size_t hl, vl, i;

	if (n < 2)
		return 0;
	if (p[1] < 0x80) {
		hl = 2;
		vl = p[1];
	} else {
		size_t k = p[1] & 0x7f;

		if (k == 0 || k > 2 || n < 2 + k)
			return 0;
		for (vl = 0, i = 0; i < k; i++)
			vl = vl << 8 | p[2 + i];
		hl = 2 + k;
	}
	return hl + vl;
}

enum ike_rule ike_auth_decode(const uint8_t *b, size_t len, struct ike_auth *out, struct ike_err *e)
{
	const uint8_t *d;
	size_t dlen, alen, der;

	if (ike_body_short(e, len, 4))
		return e->rule;
	d = b + 4;
	dlen = len - 4;
	memset(out, 0, sizeof(*out));
	out->method = b[0];
	out->data = ike_span_of(d, dlen);
	/* RFC 7619 2.3: NULL authentication may carry no data. */
	if (dlen == 0 && out->method != IKE_AUTH_NULL)
		return ike_fail(e, IKE_ERR_AUTH_EMPTY, 4, 0, 1);
	if (out->method != IKE_AUTH_DIGITAL_SIG)
		return IKE_ERR_OK;
	/* RFC 7427 3: ASN.1 Length (1 octet), AlgorithmIdentifier (DER
	 * SEQUENCE of that length), Signature Value. */
	alen = d[0];
	if (1 + alen > dlen)
		return ike_fail(e, IKE_ERR_AUTH_SIG_LENGTH, 4, 1 + alen, dlen);
	der = alen >= 2 && d[1] == 0x30 ? der_len(d + 1, alen) : 0;
	if (der != alen)
		return ike_fail(e, IKE_ERR_AUTH_SIG_DER, 5, der, alen);
	if (1 + alen == dlen)
		return ike_fail(e, IKE_ERR_AUTH_SIG_EMPTY, 4 + 1 + alen, 0, 1);
	out->sig_alg = ike_span_of(d + 1, alen);
	out->sig = ike_span_of(d + 1 + alen, dlen - 1 - alen);
	return IKE_ERR_OK;
}

bool ike_auth_encode(const struct ike_auth *a, uint8_t *out, size_t cap, size_t *len)
{
	size_t dlen;

	if (cap < 4)
		return false;
	out[0] = a->method;
	out[1] = out[2] = out[3] = 0;
	if (a->method == IKE_AUTH_DIGITAL_SIG && a->sig_alg.len) {
		if (a->sig_alg.len > 0xff || cap - 4 < 1 + a->sig_alg.len ||
		    cap - 4 - 1 - a->sig_alg.len < a->sig.len)
			return false;
		out[4] = (uint8_t)a->sig_alg.len;
		memcpy(out + 5, a->sig_alg.ptr, a->sig_alg.len);
		if (a->sig.len)
			memcpy(out + 5 + a->sig_alg.len, a->sig.ptr, a->sig.len);
		dlen = 1 + a->sig_alg.len + a->sig.len;
	} else {
		if (cap - 4 < a->data.len)
			return false;
		if (a->data.len)
			memcpy(out + 4, a->data.ptr, a->data.len);
		dlen = a->data.len;
	}
	*len = 4 + dlen;
	return true;
}

/* --------------------------------------------------------- Nonce, EAP -- */

enum ike_rule ike_nonce_decode(const uint8_t *b, size_t len, struct ike_span *out, struct ike_err *e)
{
	*out = ike_span_of(b, len);
	if (len < IKE_NONCE_MIN)
		return ike_fail(e, IKE_ERR_NONCE_LENGTH, 0, len, IKE_NONCE_MIN);
	if (len > IKE_NONCE_MAX)
		return ike_fail(e, IKE_ERR_NONCE_LENGTH, 0, len, IKE_NONCE_MAX);
	return IKE_ERR_OK;
}

/* 3.16: one EAP message (RFC 3748 4) whose Length covers the payload. */
enum ike_rule ike_eap_decode(const uint8_t *b, size_t len, struct ike_eap *out, struct ike_err *e)
{
	uint16_t elen;

	if (ike_body_short(e, len, 4))
		return e->rule;
	elen = ike_be16(b + 2);
	out->code = b[0];
	out->id = b[1];
	out->msg = ike_span_of(b, len);
	if (elen != len)
		return ike_fail(e, IKE_ERR_EAP_LENGTH, 2, elen, len);
	return IKE_ERR_OK;
}
