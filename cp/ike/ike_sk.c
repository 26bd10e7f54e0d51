/* The IKEv2 Encrypted payload (RFC 7296 3.14) with AES-CBC and
 * HMAC-SHA2 (RFC 3602, RFC 4868), and with AES-GCM (RFC 5282). See
 * ike_crypto.h.
 *
 * Body layout (from body_off to the end of the message):
 *   IV | E(inner chain | padding | pad length) | ICV
 * CBC: a 16-byte random IV, the plaintext a multiple of 16 bytes, the ICV
 *   the HMAC of the message from the IKE header to the end of the
 *   ciphertext, truncated (16, 24 or 32 bytes).
 * GCM (RFC 5282 3-5): an 8-byte IV, nonce = the 4-byte salt (the end of
 *   SK_e) || IV, no alignment (block size 1: strongSwan sends no padding,
 *   and RFC 5282 asks for none), AAD = the IKE header to the end of the
 *   SK payload header, a 16-byte tag as ICV.
 */
#define OPENSSL_NO_DEPRECATED
#include "ike_crypto.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#define GCM_SALT_LEN 4
#define GCM_IV_LEN 8
#define GCM_ICV_LEN 16
#define CBC_BLOCK 16

struct sk_layout {
	bool gcm;
	const char *cipher;     /* OpenSSL cipher name */
	size_t key_len;         /* the AES key (without the salt) */
	size_t iv_len, block, icv_len;
	uint16_t mac_prf;       /* CBC: the PRF with the integrity HMAC's hash */
};

/* The layout for key, checking its lengths against its transforms. */
static enum ike_crypto_err sk_layout(const struct ike_sk_key *key, struct sk_layout *l)
{
	static const char *const cbc[] = { "AES-128-CBC", "AES-192-CBC", "AES-256-CBC" };
	static const char *const gcm[] = { "AES-128-GCM", "AES-192-GCM", "AES-256-GCM" };
	size_t ek = ike_encr_key_len(key->encr, key->encr_bits);
	unsigned idx = key->encr_bits == 128 ? 0 : key->encr_bits == 192 ? 1 : 2;

	memset(l, 0, sizeof(*l));
	if (ek == 0 || key->ek == NULL || key->ek_len != ek)
		return IKE_CRYPTO_UNSUPPORTED;
	l->key_len = key->encr_bits / 8;
	if (key->encr == IKE_ENCR_AES_GCM_16) {
		if (key->integ != IKE_INTEG_NONE)
			return IKE_CRYPTO_SUITE;
		l->gcm = true;
		l->cipher = gcm[idx];
		l->iv_len = GCM_IV_LEN;
		l->block = 1;
		l->icv_len = GCM_ICV_LEN;
		return IKE_CRYPTO_OK;
	}
	l->cipher = cbc[idx];
	l->iv_len = CBC_BLOCK;
	l->block = CBC_BLOCK;
	switch (key->integ) {
	case IKE_INTEG_HMAC_SHA2_256_128:  /* RFC 4868 2.1.1: truncated to half */
		l->mac_prf = IKE_PRF_HMAC_SHA2_256;
		l->icv_len = 16;
		break;
	case IKE_INTEG_HMAC_SHA2_384_192:
		l->mac_prf = IKE_PRF_HMAC_SHA2_384;
		l->icv_len = 24;
		break;
	case IKE_INTEG_HMAC_SHA2_512_256:
		l->mac_prf = IKE_PRF_HMAC_SHA2_512;
		l->icv_len = 32;
		break;
	default:
		return IKE_CRYPTO_UNSUPPORTED;
	}
	if (key->ak == NULL || key->ak_len != ike_integ_key_len(key->integ))
		return IKE_CRYPTO_UNSUPPORTED;
	return IKE_CRYPTO_OK;
}

struct ike_sk_key ike_keys_sk(const struct ike_keys *k, bool from_initiator)
{
	struct ike_sk_key key = {
		.encr = k->suite.encr,
		.encr_bits = k->suite.encr_bits,
		.integ = k->suite.integ,
		.ek = from_initiator ? k->sk_ei : k->sk_er,
		.ek_len = k->encr_len,
		.ak = k->integ_len ? (from_initiator ? k->sk_ai : k->sk_ar) : NULL,
		.ak_len = k->integ_len,
	};

	return key;
}

size_t ike_sk_iv_len(const struct ike_sk_key *key)
{
	struct sk_layout l;

	return sk_layout(key, &l) == IKE_CRYPTO_OK ? l.iv_len : 0;
}

size_t ike_sk_icv_len(const struct ike_sk_key *key)
{
	struct sk_layout l;

	return sk_layout(key, &l) == IKE_CRYPTO_OK ? l.icv_len : 0;
}

size_t ike_sk_body_len(const struct ike_sk_key *key, size_t inner_len)
{
	struct sk_layout l;
	size_t plain = inner_len + 1;   /* the pad length byte */

	if (sk_layout(key, &l) != IKE_CRYPTO_OK)
		return 0;
	plain += (l.block - plain % l.block) % l.block;
	return l.iv_len + plain + l.icv_len;
}

/* The truncated HMAC of data (CBC's ICV). */
static enum ike_crypto_err sk_mac(const struct ike_sk_key *key, const struct sk_layout *l,
				  const uint8_t *data, size_t len, uint8_t *icv)
{
	uint8_t full[IKE_PRF_MAX];
	struct ike_span s = { data, len };
	enum ike_crypto_err rc;

	rc = ike_prf(l->mac_prf, key->ak, key->ak_len, &s, 1, full);
	if (rc == IKE_CRYPTO_OK)
		memcpy(icv, full, l->icv_len);
	OPENSSL_cleanse(full, sizeof(full));
	return rc;
}

/* A cipher context set up for key: CBC with the IV and no padding; GCM
 * with nonce salt || iv. */
static enum ike_crypto_err sk_ctx(const struct ike_sk_key *key, const struct sk_layout *l,
				  const uint8_t *iv, int enc, EVP_CIPHER_CTX **out)
{
	uint8_t nonce[GCM_SALT_LEN + GCM_IV_LEN];
	EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, l->cipher, NULL);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	const uint8_t *civ = iv;
	enum ike_crypto_err rc = IKE_CRYPTO_OPENSSL;

	*out = NULL;
	if (cipher == NULL || ctx == NULL)
		goto out;
	if (l->gcm) {
		memcpy(nonce, key->ek + l->key_len, GCM_SALT_LEN);
		memcpy(nonce + GCM_SALT_LEN, iv, GCM_IV_LEN);
		civ = nonce;    /* 12 bytes: GCM's default IV length */
	}
	if (EVP_CipherInit_ex2(ctx, cipher, key->ek, civ, enc, NULL) != 1)
		goto out;
	if (!l->gcm && EVP_CIPHER_CTX_set_padding(ctx, 0) != 1)
		goto out;
	*out = ctx;
	ctx = NULL;
	rc = IKE_CRYPTO_OK;
out:
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(cipher);
	OPENSSL_cleanse(nonce, sizeof(nonce));
	return rc;
}

static enum ike_crypto_err sk_seal(const struct ike_sk_key *key, uint8_t *msg, size_t msg_len,
				   size_t body_off, const uint8_t *iv, const uint8_t *pad,
				   const uint8_t *inner, size_t inner_len)
{
	uint8_t tail[256];
	uint8_t tag[GCM_ICV_LEN];
	struct sk_layout l;
	OSSL_PARAM params[2];
	EVP_CIPHER_CTX *ctx = NULL;
	size_t body_len, ct_len, pad_len;
	uint8_t *ct;
	int n1 = 0, n2 = 0, n3 = 0, aad = 0;
	enum ike_crypto_err rc;

	if (msg == NULL || (inner == NULL && inner_len != 0) || body_off > msg_len)
		return IKE_CRYPTO_ARG;
	rc = sk_layout(key, &l);
	if (rc != IKE_CRYPTO_OK)
		return rc;
	body_len = msg_len - body_off;
	if (body_len < l.iv_len + inner_len + 1 + l.icv_len)
		return IKE_CRYPTO_SK_LENGTH;
	ct_len = body_len - l.iv_len - l.icv_len;
	if (ct_len % l.block != 0)
		return IKE_CRYPTO_SK_ALIGN;
	pad_len = ct_len - inner_len - 1;
	if (pad_len > 255)
		return IKE_CRYPTO_SK_LENGTH;
	/* RFC 7296 3.14: the padding may hold anything; zeros unless given. */
	if (pad != NULL)
		memcpy(tail, pad, pad_len);
	else
		memset(tail, 0, pad_len);
	tail[pad_len] = (uint8_t)pad_len;
	memmove(msg + body_off, iv, l.iv_len);
	ct = msg + body_off + l.iv_len;
	rc = sk_ctx(key, &l, msg + body_off, 1, &ctx);
	if (rc != IKE_CRYPTO_OK)
		goto out;
	rc = IKE_CRYPTO_OPENSSL;
	/* GCM: the AAD is everything before the IV (RFC 5282 5.1). */
	if (l.gcm && EVP_EncryptUpdate(ctx, NULL, &aad, msg, (int)body_off) != 1)
		goto out;
	/* In place (inner == ct) is fine: EVP allows identical buffers. */
	if (inner_len && EVP_EncryptUpdate(ctx, ct, &n1, inner, (int)inner_len) != 1)
		goto out;
	if (EVP_EncryptUpdate(ctx, ct + n1, &n2, tail, (int)pad_len + 1) != 1)
		goto out;
	if (EVP_EncryptFinal_ex(ctx, ct + n1 + n2, &n3) != 1)
		goto out;
	if ((size_t)n1 + (size_t)n2 + (size_t)n3 != ct_len)
		goto out;
	if (l.gcm) {
		params[0] = OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag,
							      sizeof(tag));
		params[1] = OSSL_PARAM_construct_end();
		if (EVP_CIPHER_CTX_get_params(ctx, params) != 1)
			goto out;
		memcpy(ct + ct_len, tag, sizeof(tag));
		rc = IKE_CRYPTO_OK;
	} else {
		rc = sk_mac(key, &l, msg, msg_len - l.icv_len, ct + ct_len);
	}
out:
	EVP_CIPHER_CTX_free(ctx);
	OPENSSL_cleanse(tail, sizeof(tail));
	return rc;
}

enum ike_crypto_err ike_sk_encrypt_iv(const struct ike_sk_key *key, uint8_t *msg,
				      size_t msg_len, size_t body_off, const uint8_t *iv,
				      const uint8_t *pad, const uint8_t *inner, size_t inner_len)
{
	if (iv == NULL)
		return IKE_CRYPTO_ARG;
	return sk_seal(key, msg, msg_len, body_off, iv, pad, inner, inner_len);
}

enum ike_crypto_err ike_sk_encrypt(const struct ike_sk_key *key, uint8_t *msg, size_t msg_len,
				   size_t body_off, const uint8_t *inner, size_t inner_len)
{
	uint8_t iv[IKE_SK_IV_MAX];
	struct sk_layout l;
	enum ike_crypto_err rc;

	rc = sk_layout(key, &l);
	if (rc != IKE_CRYPTO_OK)
		return rc;
	/* CBC: an unpredictable IV (RFC 7296 3.14); GCM: a unique one
	 * (RFC 5282 3.1; 2^-64 per pair of messages to collide). */
	if (RAND_bytes(iv, (int)l.iv_len) != 1)
		return IKE_CRYPTO_OPENSSL;
	return sk_seal(key, msg, msg_len, body_off, iv, NULL, inner, inner_len);
}

enum ike_crypto_err ike_sk_decrypt(const struct ike_sk_key *key, const uint8_t *msg,
				   size_t msg_len, size_t body_off, uint8_t *out, size_t cap,
				   size_t *inner_len)
{
	uint8_t icv[IKE_SK_ICV_MAX];
	struct sk_layout l;
	OSSL_PARAM params[2];
	EVP_CIPHER_CTX *ctx = NULL;
	const uint8_t *ct;
	size_t body_len, ct_len;
	int n1 = 0, n2 = 0, aad = 0;
	enum ike_crypto_err rc;
	bool written = false;
	uint8_t pad_len;

	if (msg == NULL || out == NULL || inner_len == NULL || body_off > msg_len)
		return IKE_CRYPTO_ARG;
	*inner_len = 0;
	rc = sk_layout(key, &l);
	if (rc != IKE_CRYPTO_OK)
		return rc;
	body_len = msg_len - body_off;
	if (body_len < l.iv_len + 1 + l.icv_len)
		return IKE_CRYPTO_SK_LENGTH;
	ct_len = body_len - l.iv_len - l.icv_len;
	if (ct_len % l.block != 0)
		return IKE_CRYPTO_SK_ALIGN;
	if (cap < ct_len)
		return IKE_CRYPTO_SPACE;
	ct = msg + body_off + l.iv_len;
	memcpy(icv, ct + ct_len, l.icv_len);
	if (!l.gcm) {
		/* Authenticate before decrypting (RFC 7296 3.14). */
		uint8_t mac[IKE_SK_ICV_MAX];

		rc = sk_mac(key, &l, msg, msg_len - l.icv_len, mac);
		if (rc == IKE_CRYPTO_OK && CRYPTO_memcmp(mac, icv, l.icv_len) != 0)
			rc = IKE_CRYPTO_SK_ICV;
		OPENSSL_cleanse(mac, sizeof(mac));
		if (rc != IKE_CRYPTO_OK)
			return rc;
	}
	rc = sk_ctx(key, &l, msg + body_off, 0, &ctx);
	if (rc != IKE_CRYPTO_OK)
		goto out;
	rc = IKE_CRYPTO_OPENSSL;
	if (l.gcm) {
		params[0] = OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, icv,
							      l.icv_len);
		params[1] = OSSL_PARAM_construct_end();
		if (EVP_CIPHER_CTX_set_params(ctx, params) != 1)
			goto out;
		if (EVP_DecryptUpdate(ctx, NULL, &aad, msg, (int)body_off) != 1)
			goto out;
	}
	written = true;
	if (EVP_DecryptUpdate(ctx, out, &n1, ct, (int)ct_len) != 1)
		goto out;
	/* GCM: the tag is checked here (CRYPTO_memcmp in OpenSSL). */
	if (EVP_DecryptFinal_ex(ctx, out + n1, &n2) != 1) {
		rc = l.gcm ? IKE_CRYPTO_SK_ICV : IKE_CRYPTO_OPENSSL;
		goto out;
	}
	if ((size_t)n1 + (size_t)n2 != ct_len)
		goto out;
	/* RFC 7296 3.14: the pad length byte ends the plaintext; the padding's
	 * content is not checked. */
	pad_len = out[ct_len - 1];
	if ((size_t)pad_len + 1 > ct_len) {
		rc = IKE_CRYPTO_SK_PAD;
		goto out;
	}
	*inner_len = ct_len - 1 - pad_len;
	rc = IKE_CRYPTO_OK;
out:
	if (rc != IKE_CRYPTO_OK && written)
		OPENSSL_cleanse(out, ct_len);
	EVP_CIPHER_CTX_free(ctx);
	OPENSSL_cleanse(icv, sizeof(icv));
	return rc;
}
