/* IKEv2 key exchange (RFC 7296 1.2, 3.4): MODP-2048 (RFC 3526 group 14),
 * ECP-256 (RFC 5903, group 19) and Curve25519 (RFC 8031, group 31) over
 * OpenSSL 3 EVP_PKEY. See ike_crypto.h.
 *
 * Peer values (RFC 6989): a MODP y must be in 2..p-2 (the range check of
 * 2.1, the only small subgroup of a safe prime being {1, p-1}) and in the
 * order-q subgroup (2.2: y^q = 1, which EVP_PKEY_public_check does for a
 * named safe-prime group; every honest g^x is there since g = 2 is a
 * quadratic residue mod these primes); an ECP point must be on the curve
 * (2.3: decoding the point checks it, EVP_PKEY_public_check again); X25519
 * takes any 32 bytes (RFC 7748 5) but the result must not be all zeros
 * (RFC 8031 2.3, small-order points). Errors OpenSSL queues while it
 * refuses a peer value are removed (ERR_set_mark / ERR_pop_to_mark): the
 * caller gets our code, and the queue keeps only real failures.
 */
#define OPENSSL_NO_DEPRECATED
#include "ike_crypto.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

struct dh_group {
	uint16_t id;
	const char *type;       /* EVP_PKEY type name */
	const char *name;       /* OSSL_PKEY_PARAM_GROUP_NAME, NULL for X25519 */
	size_t pub_len, secret_len;
};

static const struct dh_group groups[] = {
	{ IKE_DH_MODP2048, "DH", "modp_2048", 256, 256 },
	{ IKE_DH_ECP256, "EC", "P-256", 64, 32 },
	{ IKE_DH_CURVE25519, "X25519", NULL, 32, 32 },
};

struct ike_dh {
	const struct dh_group *g;
	EVP_PKEY *key;
	uint8_t pub[IKE_DH_MAX];
};

static const struct dh_group *group_find(uint16_t id)
{
	size_t i;

	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (groups[i].id == id)
			return &groups[i];
	return NULL;
}

size_t ike_dh_public_len(uint16_t group)
{
	const struct dh_group *g = group_find(group);

	return g ? g->pub_len : 0;
}

size_t ike_dh_secret_len(uint16_t group)
{
	const struct dh_group *g = group_find(group);

	return g ? g->secret_len : 0;
}

uint16_t ike_dh_group(const struct ike_dh *dh)
{
	return dh->g->id;
}

const uint8_t *ike_dh_public(const struct ike_dh *dh, size_t *len)
{
	*len = dh->g->pub_len;
	return dh->pub;
}

void ike_dh_free(struct ike_dh *dh)
{
	if (dh == NULL)
		return;
	EVP_PKEY_free(dh->key);
	OPENSSL_cleanse(dh, sizeof(*dh));
	free(dh);
}

/* Our KE data from dh->key, in the group's format. */
static enum ike_crypto_err fill_public(struct ike_dh *dh)
{
	uint8_t pt[1 + 64];
	BIGNUM *y = NULL;
	size_t len = 0;

	switch (dh->g->id) {
	case IKE_DH_MODP2048:
		if (EVP_PKEY_get_bn_param(dh->key, OSSL_PKEY_PARAM_PUB_KEY, &y) != 1)
			return IKE_CRYPTO_OPENSSL;
		len = (size_t)BN_bn2binpad(y, dh->pub, (int)dh->g->pub_len);
		BN_free(y);
		return len == dh->g->pub_len ? IKE_CRYPTO_OK : IKE_CRYPTO_OPENSSL;
	case IKE_DH_ECP256:
		/* Uncompressed point 0x04 || x || y (SEC 1 2.3.3); RFC 5903 7
		 * sends x || y. */
		if (EVP_PKEY_get_octet_string_param(dh->key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
						    pt, sizeof(pt), &len) != 1 ||
		    len != sizeof(pt) || pt[0] != 0x04)
			return IKE_CRYPTO_OPENSSL;
		memcpy(dh->pub, pt + 1, 64);
		return IKE_CRYPTO_OK;
	default:
		len = dh->g->pub_len;
		if (EVP_PKEY_get_raw_public_key(dh->key, dh->pub, &len) != 1 ||
		    len != dh->g->pub_len)
			return IKE_CRYPTO_OPENSSL;
		return IKE_CRYPTO_OK;
	}
}

static enum ike_crypto_err dh_alloc(uint16_t group, struct ike_dh **out)
{
	const struct dh_group *g = group_find(group);

	*out = NULL;
	if (g == NULL)
		return IKE_CRYPTO_UNSUPPORTED;
	*out = calloc(1, sizeof(**out));
	if (*out == NULL)
		return IKE_CRYPTO_NOMEM;
	(*out)->g = g;
	return IKE_CRYPTO_OK;
}

static enum ike_crypto_err dh_finish(struct ike_dh *dh, enum ike_crypto_err rc,
				     struct ike_dh **out)
{
	if (rc == IKE_CRYPTO_OK)
		rc = fill_public(dh);
	if (rc != IKE_CRYPTO_OK) {
		ike_dh_free(dh);
		dh = NULL;
	}
	*out = dh;
	return rc;
}

enum ike_crypto_err ike_dh_new(uint16_t group, struct ike_dh **out)
{
	OSSL_PARAM params[2];
	EVP_PKEY_CTX *ctx = NULL;
	struct ike_dh *dh;
	enum ike_crypto_err rc;

	if (out == NULL)
		return IKE_CRYPTO_ARG;
	*out = NULL;
	rc = dh_alloc(group, &dh);
	if (rc != IKE_CRYPTO_OK)
		return rc;
	rc = IKE_CRYPTO_OPENSSL;
	ctx = EVP_PKEY_CTX_new_from_name(NULL, dh->g->type, NULL);
	if (ctx == NULL || EVP_PKEY_keygen_init(ctx) != 1)
		goto out;
	if (dh->g->name != NULL) {
		params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
							     (char *)dh->g->name, 0);
		params[1] = OSSL_PARAM_construct_end();
		if (EVP_PKEY_CTX_set_params(ctx, params) != 1)
			goto out;
	}
	if (EVP_PKEY_generate(ctx, &dh->key) != 1)
		goto out;
	rc = IKE_CRYPTO_OK;
out:
	EVP_PKEY_CTX_free(ctx);
	return dh_finish(dh, rc, out);
}

/* An EVP_PKEY of type/group from an OSSL_PARAM list built by bld. */
static enum ike_crypto_err fromdata(const struct dh_group *g, OSSL_PARAM_BLD *bld, int selection,
				    EVP_PKEY **out)
{
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	enum ike_crypto_err rc = IKE_CRYPTO_OPENSSL;

	*out = NULL;
	if (g->name != NULL &&
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, g->name, 0) != 1)
		goto out;
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, g->type, NULL);
	if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1)
		goto out;
	if (EVP_PKEY_fromdata(ctx, out, selection, params) != 1)
		goto out;
	rc = IKE_CRYPTO_OK;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);   /* clear_free: it may hold a private key */
	return rc;
}

/* The prime and generator of a MODP group. */
static enum ike_crypto_err modp_params(const struct dh_group *g, BIGNUM **p, BIGNUM **gen)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY *params = NULL;
	enum ike_crypto_err rc = IKE_CRYPTO_OPENSSL;

	*p = NULL;
	if (gen != NULL)
		*gen = NULL;
	if (bld == NULL)
		return IKE_CRYPTO_NOMEM;
	rc = fromdata(g, bld, EVP_PKEY_KEY_PARAMETERS, &params);
	if (rc != IKE_CRYPTO_OK)
		goto out;
	rc = IKE_CRYPTO_OPENSSL;
	if (EVP_PKEY_get_bn_param(params, OSSL_PKEY_PARAM_FFC_P, p) != 1)
		goto out;
	if (gen != NULL && EVP_PKEY_get_bn_param(params, OSSL_PKEY_PARAM_FFC_G, gen) != 1)
		goto out;
	rc = IKE_CRYPTO_OK;
out:
	if (rc != IKE_CRYPTO_OK) {
		BN_free(*p);
		*p = NULL;
	}
	EVP_PKEY_free(params);
	OSSL_PARAM_BLD_free(bld);
	return rc;
}

/* The public value for a given private key: MODP g^x mod p, ECP the
 * point x*G as 0x04 || x || y. */
static enum ike_crypto_err public_of(const struct dh_group *g, const BIGNUM *x, uint8_t *pub,
				     size_t *pub_len)
{
	BIGNUM *p = NULL, *gen = NULL, *y = NULL;
	EC_GROUP *grp = NULL;
	EC_POINT *pt = NULL;
	BN_CTX *bnctx = BN_CTX_secure_new();
	enum ike_crypto_err rc = IKE_CRYPTO_OPENSSL;

	if (bnctx == NULL)
		return IKE_CRYPTO_NOMEM;
	if (g->id == IKE_DH_MODP2048) {
		rc = modp_params(g, &p, &gen);
		if (rc != IKE_CRYPTO_OK)
			goto out;
		rc = IKE_CRYPTO_OPENSSL;
		y = BN_new();
		if (y == NULL || BN_mod_exp(y, gen, x, p, bnctx) != 1)
			goto out;
		if (BN_bn2binpad(y, pub, (int)g->pub_len) != (int)g->pub_len)
			goto out;
		*pub_len = g->pub_len;
	} else {
		grp = EC_GROUP_new_by_curve_name_ex(NULL, NULL, NID_X9_62_prime256v1);
		pt = grp ? EC_POINT_new(grp) : NULL;
		if (pt == NULL || EC_POINT_mul(grp, pt, x, NULL, NULL, bnctx) != 1)
			goto out;
		*pub_len = EC_POINT_point2oct(grp, pt, POINT_CONVERSION_UNCOMPRESSED, pub, 65, bnctx);
		if (*pub_len != 65)
			goto out;
	}
	rc = IKE_CRYPTO_OK;
out:
	BN_free(p);
	BN_free(gen);
	BN_free(y);
	EC_POINT_free(pt);
	EC_GROUP_free(grp);
	BN_CTX_free(bnctx);
	return rc;
}

enum ike_crypto_err ike_dh_new_private(uint16_t group, const uint8_t *priv, size_t len,
				       struct ike_dh **out)
{
	uint8_t pub[IKE_DH_MAX + 1];
	size_t pub_len = 0;
	OSSL_PARAM_BLD *bld = NULL;
	BIGNUM *x = NULL, *y = NULL;
	struct ike_dh *dh;
	enum ike_crypto_err rc;

	if (out == NULL)
		return IKE_CRYPTO_ARG;
	*out = NULL;
	if (priv == NULL || len == 0 || len > IKE_DH_MAX)
		return IKE_CRYPTO_ARG;
	rc = dh_alloc(group, &dh);
	if (rc != IKE_CRYPTO_OK)
		return rc;
	if (group == IKE_DH_CURVE25519) {
		if (len != 32) {
			rc = IKE_CRYPTO_ARG;
			goto out;
		}
		dh->key = EVP_PKEY_new_raw_private_key_ex(NULL, "X25519", NULL, priv, len);
		rc = dh->key ? IKE_CRYPTO_OK : IKE_CRYPTO_OPENSSL;
		goto out;
	}
	rc = IKE_CRYPTO_NOMEM;
	x = BN_secure_new();
	bld = OSSL_PARAM_BLD_new();
	if (x == NULL || bld == NULL)
		goto out;
	rc = IKE_CRYPTO_OPENSSL;
	if (BN_bin2bn(priv, (int)len, x) == NULL)
		goto out;
	BN_set_flags(x, BN_FLG_CONSTTIME);
	rc = public_of(dh->g, x, pub, &pub_len);
	if (rc != IKE_CRYPTO_OK)
		goto out;
	rc = IKE_CRYPTO_OPENSSL;
	if (OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, x) != 1)
		goto out;
	if (group == IKE_DH_MODP2048) {
		/* The builder keeps the pointer until OSSL_PARAM_BLD_to_param:
		 * y lives until fromdata is done. */
		y = BN_bin2bn(pub, (int)pub_len, NULL);
		if (y == NULL || OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, y) != 1)
			goto out;
	} else if (OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub,
						    pub_len) != 1) {
		goto out;
	}
	rc = fromdata(dh->g, bld, EVP_PKEY_KEYPAIR, &dh->key);
out:
	BN_clear_free(x);
	BN_free(y);
	OSSL_PARAM_BLD_free(bld);
	return dh_finish(dh, rc, out);
}

/* The peer's KE data as an EVP_PKEY, checked (see the top of the file). */
static enum ike_crypto_err peer_key(const struct dh_group *g, const uint8_t *pub, size_t len,
				    EVP_PKEY **out)
{
	uint8_t pt[1 + 64];
	OSSL_PARAM_BLD *bld = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	BIGNUM *y = NULL, *p = NULL;
	enum ike_crypto_err rc;
	int ok;

	*out = NULL;
	if (pub == NULL || len != g->pub_len)
		return IKE_CRYPTO_DH_LENGTH;
	if (g->id == IKE_DH_CURVE25519) {
		*out = EVP_PKEY_new_raw_public_key_ex(NULL, "X25519", NULL, pub, len);
		return *out ? IKE_CRYPTO_OK : IKE_CRYPTO_OPENSSL;
	}
	bld = OSSL_PARAM_BLD_new();
	if (bld == NULL)
		return IKE_CRYPTO_NOMEM;
	if (g->id == IKE_DH_MODP2048) {
		rc = modp_params(g, &p, NULL);
		if (rc != IKE_CRYPTO_OK)
			goto out;
		rc = IKE_CRYPTO_OPENSSL;
		y = BN_bin2bn(pub, (int)len, NULL);
		if (y == NULL || BN_sub_word(p, 2) != 1)
			goto out;
		/* RFC 6989 2.1: 1 < y < p - 1. */
		rc = IKE_CRYPTO_DH_RANGE;
		if (BN_cmp(y, BN_value_one()) <= 0 || BN_cmp(y, p) > 0)
			goto out;
		rc = IKE_CRYPTO_OPENSSL;
		if (OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, y) != 1)
			goto out;
	} else {
		pt[0] = 0x04;
		memcpy(pt + 1, pub, 64);
		rc = IKE_CRYPTO_OPENSSL;
		if (OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt,
						     sizeof(pt)) != 1)
			goto out;
	}
	/* Decoding an EC point off the curve fails here: the peer's fault,
	 * so its errors leave the queue; MODP's would be ours, they stay. */
	ERR_set_mark();
	rc = fromdata(g, bld, EVP_PKEY_PUBLIC_KEY, out);
	if (rc != IKE_CRYPTO_OK && g->id == IKE_DH_ECP256) {
		ERR_pop_to_mark();
		rc = IKE_CRYPTO_DH_POINT;
		goto out;
	}
	ERR_clear_last_mark();
	if (rc != IKE_CRYPTO_OK)
		goto out;
	/* MODP: the full check, y^q = 1 (RFC 6989 2.2). ECP-256: the quick
	 * check, on the curve and not the point at infinity, is the whole
	 * check (RFC 6989 2.3: the curve's order is prime, cofactor 1);
	 * OpenSSL's full one would add a multiplication by the order. */
	rc = IKE_CRYPTO_OPENSSL;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, *out, NULL);
	if (ctx == NULL)
		goto out;
	ERR_set_mark();
	ok = g->id == IKE_DH_ECP256 ? EVP_PKEY_public_check_quick(ctx) : EVP_PKEY_public_check(ctx);
	ERR_pop_to_mark();
	rc = ok == 1 ? IKE_CRYPTO_OK
		     : g->id == IKE_DH_ECP256 ? IKE_CRYPTO_DH_POINT : IKE_CRYPTO_DH_SUBGROUP;
out:
	if (rc != IKE_CRYPTO_OK) {
		EVP_PKEY_free(*out);
		*out = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_BLD_free(bld);
	BN_free(y);
	BN_free(p);
	return rc;
}

enum ike_crypto_err ike_dh_check_peer(uint16_t group, const uint8_t *pub, size_t len)
{
	const struct dh_group *g = group_find(group);
	EVP_PKEY *peer;
	enum ike_crypto_err rc;

	if (g == NULL)
		return IKE_CRYPTO_UNSUPPORTED;
	rc = peer_key(g, pub, len, &peer);
	EVP_PKEY_free(peer);
	return rc;
}

enum ike_crypto_err ike_dh_compute(struct ike_dh *dh, const uint8_t *peer_pub, size_t peer_len,
				   uint8_t *secret, size_t cap, size_t *secret_len)
{
	uint8_t tmp[IKE_DH_MAX];
	size_t n = sizeof(tmp), want;
	unsigned pad = 1;
	OSSL_PARAM params[2];
	EVP_PKEY *peer = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	enum ike_crypto_err rc;
	unsigned char acc = 0;
	size_t i;
	int ok;

	if (dh == NULL || secret == NULL || secret_len == NULL)
		return IKE_CRYPTO_ARG;
	*secret_len = 0;
	want = dh->g->secret_len;
	if (cap < want)
		return IKE_CRYPTO_SPACE;
	rc = peer_key(dh->g, peer_pub, peer_len, &peer);
	if (rc != IKE_CRYPTO_OK)
		return rc;
	rc = IKE_CRYPTO_OPENSSL;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dh->key, NULL);
	if (ctx == NULL || EVP_PKEY_derive_init(ctx) != 1)
		goto out;
	if (dh->g->id == IKE_DH_MODP2048) {
		/* g^xy left-padded to the length of p (RFC 7296 3.4). */
		params[0] = OSSL_PARAM_construct_uint(OSSL_EXCHANGE_PARAM_PAD, &pad);
		params[1] = OSSL_PARAM_construct_end();
		if (EVP_PKEY_CTX_set_params(ctx, params) != 1)
			goto out;
	}
	/* peer_key checked the value already. */
	if (EVP_PKEY_derive_set_peer_ex(ctx, peer, 0) != 1)
		goto out;
	/* X25519: OpenSSL's derive fails exactly when the result is all
	 * zeros (ossl_x25519 returns 0 then); RFC 8031 2.3 wants that
	 * refused. */
	if (dh->g->id == IKE_DH_CURVE25519)
		ERR_set_mark();
	ok = EVP_PKEY_derive(ctx, tmp, &n);
	if (dh->g->id == IKE_DH_CURVE25519) {
		if (ok != 1) {
			ERR_pop_to_mark();
			rc = IKE_CRYPTO_DH_ZERO;
			goto out;
		}
		ERR_clear_last_mark();
	}
	if (ok != 1 || n > want)
		goto out;
	memset(secret, 0, want - n);
	memcpy(secret + (want - n), tmp, n);
	if (dh->g->id == IKE_DH_CURVE25519) {
		for (i = 0; i < want; i++)
			acc |= secret[i];
		if (acc == 0) {
			OPENSSL_cleanse(secret, want);
			rc = IKE_CRYPTO_DH_ZERO;
			goto out;
		}
	}
	*secret_len = want;
	rc = IKE_CRYPTO_OK;
out:
	OPENSSL_cleanse(tmp, sizeof(tmp));
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(peer);
	return rc;
}
