/* IKEv2 PRFs (RFC 7296 2.13, RFC 4868 2.1.2): HMAC-SHA2-256/384/512 over a
 * gather list, and prf+. See ike_crypto.h. */
#define OPENSSL_NO_DEPRECATED
#include "ike_crypto.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

static const char *prf_digest(uint16_t prf)
{
	switch (prf) {
	case IKE_PRF_HMAC_SHA2_256:
		return "SHA2-256";
	case IKE_PRF_HMAC_SHA2_384:
		return "SHA2-384";
	case IKE_PRF_HMAC_SHA2_512:
		return "SHA2-512";
	default:
		return NULL;
	}
}

size_t ike_prf_len(uint16_t prf)
{
	switch (prf) {
	case IKE_PRF_HMAC_SHA2_256:
		return 32;
	case IKE_PRF_HMAC_SHA2_384:
		return 48;
	case IKE_PRF_HMAC_SHA2_512:
		return 64;
	default:
		return 0;
	}
}

/* An HMAC context keyed with key for prf's hash. */
static enum ike_crypto_err hmac_new(uint16_t prf, const uint8_t *key, size_t key_len,
				    EVP_MAC_CTX **out)
{
	static const uint8_t empty[1];
	const char *md = prf_digest(prf);
	OSSL_PARAM params[2];
	EVP_MAC *mac = NULL;
	EVP_MAC_CTX *ctx = NULL;
	enum ike_crypto_err rc = IKE_CRYPTO_OPENSSL;

	*out = NULL;
	if (md == NULL)
		return IKE_CRYPTO_UNSUPPORTED;
	if (key == NULL && key_len != 0)
		return IKE_CRYPTO_ARG;
	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (mac == NULL)
		goto out;
	ctx = EVP_MAC_CTX_new(mac);
	if (ctx == NULL)
		goto out;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)md, 0);
	params[1] = OSSL_PARAM_construct_end();
	/* A zero-length key is legal HMAC (RFC 2104 pads it); give OpenSSL a
	 * non-NULL pointer so that it sets the key rather than reuse one. */
	if (EVP_MAC_init(ctx, key_len ? key : empty, key_len, params) != 1)
		goto out;
	*out = ctx;
	ctx = NULL;
	rc = IKE_CRYPTO_OK;
out:
	EVP_MAC_CTX_free(ctx);     /* cleanses the key schedule */
	EVP_MAC_free(mac);
	return rc;
}

static enum ike_crypto_err hmac_spans(EVP_MAC_CTX *ctx, const struct ike_span *data, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (data[i].len == 0)
			continue;
		if (data[i].ptr == NULL)
			return IKE_CRYPTO_ARG;
		if (EVP_MAC_update(ctx, data[i].ptr, data[i].len) != 1)
			return IKE_CRYPTO_OPENSSL;
	}
	return IKE_CRYPTO_OK;
}

static enum ike_crypto_err hmac_final(EVP_MAC_CTX *ctx, uint8_t *out, size_t want)
{
	size_t got = 0;

	if (EVP_MAC_final(ctx, out, &got, want) != 1 || got != want)
		return IKE_CRYPTO_OPENSSL;
	return IKE_CRYPTO_OK;
}

enum ike_crypto_err ike_prf(uint16_t prf, const uint8_t *key, size_t key_len,
			    const struct ike_span *data, unsigned n, uint8_t *out)
{
	EVP_MAC_CTX *ctx;
	enum ike_crypto_err rc;

	if (out == NULL || (data == NULL && n != 0))
		return IKE_CRYPTO_ARG;
	rc = hmac_new(prf, key, key_len, &ctx);
	if (rc != IKE_CRYPTO_OK)
		return rc;
	rc = hmac_spans(ctx, data, n);
	if (rc == IKE_CRYPTO_OK)
		rc = hmac_final(ctx, out, ike_prf_len(prf));
	EVP_MAC_CTX_free(ctx);
	return rc;
}

enum ike_crypto_err ike_prf_plus(uint16_t prf, const uint8_t *key, size_t key_len,
				 const struct ike_span *seed, unsigned n, uint8_t *out,
				 size_t out_len)
{
	uint8_t t[IKE_PRF_MAX];
	size_t hlen = ike_prf_len(prf), done = 0, take;
	EVP_MAC_CTX *ctx = NULL;
	enum ike_crypto_err rc;
	unsigned iter;
	uint8_t ctr;

	if (hlen == 0)
		return IKE_CRYPTO_UNSUPPORTED;
	if ((out == NULL && out_len != 0) || (seed == NULL && n != 0))
		return IKE_CRYPTO_ARG;
	/* RFC 7296 2.13: the counter is one octet, so at most 255 outputs. */
	if (out_len > 255 * hlen)
		return IKE_CRYPTO_PRF_PLUS_LIMIT;
	if (out_len == 0)
		return IKE_CRYPTO_OK;
	rc = hmac_new(prf, key, key_len, &ctx);
	if (rc != IKE_CRYPTO_OK)
		return rc;
	for (iter = 1; done < out_len; iter++) {
		ctr = (uint8_t)iter;
		/* Re-initialise with the same key: NULL key keeps the one set. */
		if (iter > 1 && EVP_MAC_init(ctx, NULL, 0, NULL) != 1) {
			rc = IKE_CRYPTO_OPENSSL;
			break;
		}
		if (iter > 1 && EVP_MAC_update(ctx, t, hlen) != 1) {
			rc = IKE_CRYPTO_OPENSSL;
			break;
		}
		rc = hmac_spans(ctx, seed, n);
		if (rc != IKE_CRYPTO_OK)
			break;
		if (EVP_MAC_update(ctx, &ctr, 1) != 1) {
			rc = IKE_CRYPTO_OPENSSL;
			break;
		}
		rc = hmac_final(ctx, t, hlen);
		if (rc != IKE_CRYPTO_OK)
			break;
		take = out_len - done < hlen ? out_len - done : hlen;
		memcpy(out + done, t, take);
		done += take;
	}
	EVP_MAC_CTX_free(ctx);
	OPENSSL_cleanse(t, sizeof(t));
	if (rc != IKE_CRYPTO_OK)
		OPENSSL_cleanse(out, out_len);
	return rc;
}
