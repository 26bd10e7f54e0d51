/* IKEv2 keys (RFC 7296 2.14, 2.17, 2.18): the transforms this module
 * implements, SKEYSEED, the IKE SA's SK_* and a CHILD_SA's KEYMAT; and the
 * error names. See ike_crypto.h. */
#define OPENSSL_NO_DEPRECATED
#include "ike_crypto.h"

#include <string.h>

#include <openssl/crypto.h>

static const char *const err_names[] = {
#define IKE_CRYPTO_ERR_NAME(code, str) #code,
	IKE_CRYPTO_ERRORS(IKE_CRYPTO_ERR_NAME)
#undef IKE_CRYPTO_ERR_NAME
};
static const char *const err_strs[] = {
#define IKE_CRYPTO_ERR_STR(code, str) str,
	IKE_CRYPTO_ERRORS(IKE_CRYPTO_ERR_STR)
#undef IKE_CRYPTO_ERR_STR
};

const char *ike_crypto_err_name(enum ike_crypto_err e)
{
	return (unsigned)e < IKE_CRYPTO_ERR_COUNT ? err_names[e] : "?";
}

const char *ike_crypto_err_str(enum ike_crypto_err e)
{
	return (unsigned)e < IKE_CRYPTO_ERR_COUNT ? err_strs[e] : "unknown error";
}

/* ------------------------------------------------------------- suites -- */

size_t ike_encr_key_len(uint16_t encr, uint16_t bits)
{
	if (bits != 128 && bits != 192 && bits != 256)
		return 0;
	switch (encr) {
	case IKE_ENCR_AES_CBC:
		return bits / 8;
	case IKE_ENCR_AES_GCM_16:
		return bits / 8 + 4;    /* salt, RFC 5282 7.1 / RFC 4106 8.1 */
	default:
		return 0;
	}
}

size_t ike_integ_key_len(uint16_t integ)
{
	switch (integ) {
	case IKE_INTEG_HMAC_SHA2_256_128:
		return 32;              /* RFC 4868 2.1.1: the hash's output */
	case IKE_INTEG_HMAC_SHA2_384_192:
		return 48;
	case IKE_INTEG_HMAC_SHA2_512_256:
		return 64;
	default:
		return 0;
	}
}

/* The key lengths of suite's encryption and integrity transforms: an
 * AEAD cipher needs integ NONE, any other a known integ. */
static enum ike_crypto_err suite_lens(const struct ike_suite *s, size_t *encr, size_t *integ)
{
	*encr = ike_encr_key_len(s->encr, s->encr_bits);
	if (*encr == 0)
		return IKE_CRYPTO_UNSUPPORTED;
	if (s->encr == IKE_ENCR_AES_GCM_16) {
		if (s->integ != IKE_INTEG_NONE)
			return IKE_CRYPTO_SUITE;
		*integ = 0;
		return IKE_CRYPTO_OK;
	}
	*integ = ike_integ_key_len(s->integ);
	return *integ ? IKE_CRYPTO_OK : IKE_CRYPTO_UNSUPPORTED;
}

enum ike_crypto_err ike_suite_from_proposal(const struct ike_sa *sa, unsigned p,
					    struct ike_suite *out)
{
	const struct ike_transform *xf;
	bool seen[IKE_XF_ESN + 1] = { false };
	size_t el, il;
	unsigned i;

	memset(out, 0, sizeof(*out));
	if (sa == NULL || p >= sa->n_prop)
		return IKE_CRYPTO_ARG;
	xf = ike_sa_xf(sa, p);
	for (i = 0; i < sa->prop[p].n_xf; i++) {
		if (xf[i].type < IKE_XF_ENCR || xf[i].type > IKE_XF_ESN)
			continue;
		/* A chosen proposal has one transform of each type (RFC
		 * 7296 3.3.6). */
		if (seen[xf[i].type])
			return IKE_CRYPTO_SUITE;
		seen[xf[i].type] = true;
		if (xf[i].unknown_attr)
			return IKE_CRYPTO_UNSUPPORTED;
		switch (xf[i].type) {
		case IKE_XF_ENCR:
			/* AES needs its Key Length attribute (RFC 7296 3.3.5). */
			if (!xf[i].has_key_len)
				return IKE_CRYPTO_SUITE;
			out->encr = xf[i].id;
			out->encr_bits = xf[i].key_len;
			break;
		case IKE_XF_PRF:
			out->prf = xf[i].id;
			break;
		case IKE_XF_INTEG:
			out->integ = xf[i].id;
			break;
		case IKE_XF_DH:
			out->dh = xf[i].id;
			break;
		default:
			break;
		}
	}
	if (!seen[IKE_XF_ENCR])
		return IKE_CRYPTO_SUITE;
	if (sa->prop[p].protocol == IKE_PROTO_IKE) {
		if (!seen[IKE_XF_PRF])
			return IKE_CRYPTO_SUITE;
		if (ike_prf_len(out->prf) == 0)
			return IKE_CRYPTO_UNSUPPORTED;
	}
	if (out->dh != 0 && ike_dh_public_len(out->dh) == 0)
		return IKE_CRYPTO_UNSUPPORTED;
	return suite_lens(out, &el, &il);
}

/* ------------------------------------------------------ IKE SA keys -- */

void ike_keys_wipe(struct ike_keys *k)
{
	if (k != NULL)
		OPENSSL_cleanse(k, sizeof(*k));
}

void ike_child_keys_wipe(struct ike_child_keys *k)
{
	if (k != NULL)
		OPENSSL_cleanse(k, sizeof(*k));
}

static bool span_ok(const struct ike_span *s)
{
	return s != NULL && (s->ptr != NULL || s->len == 0);
}

enum ike_crypto_err ike_skeyseed(uint16_t prf, const struct ike_span *ni,
				 const struct ike_span *nr, const uint8_t *g_ir,
				 size_t g_ir_len, uint8_t *out)
{
	uint8_t key[2 * IKE_NONCE_MAX];
	struct ike_span data = { g_ir, g_ir_len };
	enum ike_crypto_err rc;

	if (!span_ok(ni) || !span_ok(nr) || g_ir == NULL || out == NULL)
		return IKE_CRYPTO_ARG;
	if (ni->len > IKE_NONCE_MAX || nr->len > IKE_NONCE_MAX)
		return IKE_CRYPTO_ARG;
	/* HMAC takes the whole Ni | Nr as its key (RFC 7296 2.14: only
	 * fixed-key PRFs such as AES-XCBC use half of each). */
	if (ni->len)
		memcpy(key, ni->ptr, ni->len);
	if (nr->len)
		memcpy(key + ni->len, nr->ptr, nr->len);
	rc = ike_prf(prf, key, ni->len + nr->len, &data, 1, out);
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

enum ike_crypto_err ike_skeyseed_rekey(const struct ike_keys *old, const uint8_t *g_ir,
				       size_t g_ir_len, const struct ike_span *ni,
				       const struct ike_span *nr, uint8_t *out)
{
	struct ike_span data[3];

	if (old == NULL || g_ir == NULL || !span_ok(ni) || !span_ok(nr) || out == NULL)
		return IKE_CRYPTO_ARG;
	data[0] = (struct ike_span){ g_ir, g_ir_len };
	data[1] = *ni;
	data[2] = *nr;
	return ike_prf(old->suite.prf, old->sk_d, old->prf_len, data, 3, out);
}

/* Copy the next n bytes of keying material km to dst. */
static void take(uint8_t *dst, const uint8_t *km, size_t *off, size_t n)
{
	memcpy(dst, km + *off, n);
	*off += n;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

enum ike_crypto_err ike_keys_derive(const struct ike_suite *suite, const uint8_t *skeyseed,
				    size_t skeyseed_len, const struct ike_span *ni,
				    const struct ike_span *nr, uint64_t spi_i, uint64_t spi_r,
				    struct ike_keys *out)
{
	uint8_t km[3 * IKE_PRF_MAX + 2 * IKE_INTEG_KEY_MAX + 2 * IKE_ENCR_KEY_MAX];
	uint8_t spis[16];
	struct ike_span seed[3];
	size_t pl, el, il, off = 0;
	enum ike_crypto_err rc;

	if (suite == NULL || skeyseed == NULL || !span_ok(ni) || !span_ok(nr) || out == NULL)
		return IKE_CRYPTO_ARG;
	memset(out, 0, sizeof(*out));
	pl = ike_prf_len(suite->prf);
	if (pl == 0)
		return IKE_CRYPTO_UNSUPPORTED;
	rc = suite_lens(suite, &el, &il);
	if (rc != IKE_CRYPTO_OK)
		return rc;
	put_be64(spis, spi_i);
	put_be64(spis + 8, spi_r);
	seed[0] = *ni;
	seed[1] = *nr;
	seed[2] = (struct ike_span){ spis, sizeof(spis) };
	rc = ike_prf_plus(suite->prf, skeyseed, skeyseed_len, seed, 3, km,
			  3 * pl + 2 * il + 2 * el);
	if (rc != IKE_CRYPTO_OK)
		return rc;
	out->suite = *suite;
	out->prf_len = pl;
	out->encr_len = el;
	out->integ_len = il;
	/* RFC 7296 2.14: SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr */
	take(out->sk_d, km, &off, pl);
	take(out->sk_ai, km, &off, il);
	take(out->sk_ar, km, &off, il);
	take(out->sk_ei, km, &off, el);
	take(out->sk_er, km, &off, el);
	take(out->sk_pi, km, &off, pl);
	take(out->sk_pr, km, &off, pl);
	OPENSSL_cleanse(km, sizeof(km));
	return IKE_CRYPTO_OK;
}

enum ike_crypto_err ike_keys_sa_init(const struct ike_suite *suite, const uint8_t *g_ir,
				     size_t g_ir_len, const struct ike_span *ni,
				     const struct ike_span *nr, uint64_t spi_i, uint64_t spi_r,
				     struct ike_keys *out)
{
	uint8_t skeyseed[IKE_PRF_MAX];
	enum ike_crypto_err rc;

	if (suite == NULL || out == NULL)
		return IKE_CRYPTO_ARG;
	rc = ike_skeyseed(suite->prf, ni, nr, g_ir, g_ir_len, skeyseed);
	if (rc == IKE_CRYPTO_OK)
		rc = ike_keys_derive(suite, skeyseed, ike_prf_len(suite->prf), ni, nr, spi_i,
				     spi_r, out);
	OPENSSL_cleanse(skeyseed, sizeof(skeyseed));
	return rc;
}

enum ike_crypto_err ike_keys_rekey(const struct ike_keys *old, const struct ike_suite *suite,
				   const uint8_t *g_ir, size_t g_ir_len,
				   const struct ike_span *ni, const struct ike_span *nr,
				   uint64_t spi_i, uint64_t spi_r, struct ike_keys *out)
{
	uint8_t skeyseed[IKE_PRF_MAX];
	enum ike_crypto_err rc;

	if (old == NULL || out == NULL)
		return IKE_CRYPTO_ARG;
	rc = ike_skeyseed_rekey(old, g_ir, g_ir_len, ni, nr, skeyseed);
	if (rc == IKE_CRYPTO_OK)
		rc = ike_keys_derive(suite, skeyseed, old->prf_len, ni, nr, spi_i, spi_r, out);
	OPENSSL_cleanse(skeyseed, sizeof(skeyseed));
	return rc;
}

/* ------------------------------------------------------ CHILD_SA keys -- */

enum ike_crypto_err ike_keys_child(const struct ike_keys *ike, const struct ike_suite *esp,
				   const uint8_t *g_ir, size_t g_ir_len,
				   const struct ike_span *ni, const struct ike_span *nr,
				   struct ike_child_keys *out)
{
	uint8_t km[2 * IKE_ENCR_KEY_MAX + 2 * IKE_INTEG_KEY_MAX];
	struct ike_span seed[3];
	size_t el, il, off = 0;
	unsigned n = 0;
	enum ike_crypto_err rc;

	if (ike == NULL || esp == NULL || !span_ok(ni) || !span_ok(nr) || out == NULL ||
	    (g_ir == NULL && g_ir_len != 0))
		return IKE_CRYPTO_ARG;
	memset(out, 0, sizeof(*out));
	rc = suite_lens(esp, &el, &il);
	if (rc != IKE_CRYPTO_OK)
		return rc;
	if (g_ir_len != 0)
		seed[n++] = (struct ike_span){ g_ir, g_ir_len };
	seed[n++] = *ni;
	seed[n++] = *nr;
	rc = ike_prf_plus(ike->suite.prf, ike->sk_d, ike->prf_len, seed, n, km, 2 * (el + il));
	if (rc != IKE_CRYPTO_OK)
		return rc;
	out->suite = *esp;
	out->encr_len = el;
	out->integ_len = il;
	/* RFC 7296 2.17: i-to-r keys first; within an SA, ESP's encryption
	 * key before its integrity key. */
	take(out->encr_i, km, &off, el);
	take(out->integ_i, km, &off, il);
	take(out->encr_r, km, &off, el);
	take(out->integ_r, km, &off, il);
	OPENSSL_cleanse(km, sizeof(km));
	return IKE_CRYPTO_OK;
}
