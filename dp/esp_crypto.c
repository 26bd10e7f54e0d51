/* ESP crypto engine over OpenSSL 3 (see esp_crypto.h).
 *
 * What OpenSSL 3.0 does on the calls made per packet (read in the 3.0.22
 * sources, and checked by tests/unit/test_esp_crypto.c, which counts every
 * allocation libcrypto makes through CRYPTO_set_mem_functions):
 *
 * - EVP_CipherInit_ex2(ctx, NULL, NULL, iv, -1, params) on a keyed context
 *   (crypto/evp/evp_enc.c, evp_cipher_init_internal): with cipher == NULL it
 *   neither resets the context nor asks for an ENGINE, keeps the provider
 *   context (algctx), and calls the provider's einit/dinit with key == NULL.
 *   GCM (ciphercommon_gcm.c, gcm_init) then only copies the IV: the key
 *   schedule and the GHASH table are left as they are ("if (key != NULL)
 *   ... setkey"); the nonce is absorbed at the first update
 *   (CRYPTO_gcm128_setiv: one AES block, which any GCM message needs). CBC
 *   (ciphercommon.c, cipher_generic_init_internal) copies the IV and leaves
 *   the key schedule alone the same way. No allocation, so the key
 *   schedules are built once, in dp_esp_crypto_new. Counted under
 *   callgrind: an IV-only init is ~840 instructions, one with the key
 *   ~2090 (the difference is the AES key expansion and GHASH table).
 *   Most of the 840 is not crypto: 3.0.22 sets ctx->iv_len = -1 at the top
 *   of every init, so the IV length is asked of the provider again
 *   (get_ctx_params, a chain of OSSL_PARAM_locate/strcmp: ~630). CBC
 *   contexts also re-send the padding flag (EVP_CIPHER_CTX_set_padding,
 *   parameters on the stack). That fixed cost is why a GCM packet costs
 *   more than the same bytes in one EVP_EncryptUpdate stream (see
 *   tests/bench/bench_esp_crypto.c).
 *   So the per-packet cipher calls skip EVP as well: like SHA-256 below,
 *   each context holds the provider's own cipher context and calls the
 *   provider's functions (OSSL_FUNC_cipher_*: encrypt_init/decrypt_init
 *   with the IV only, update, final, get/set_ctx_params), found once per
 *   process on the provider EVP_CIPHER_fetch chose and checked against EVP
 *   once (cipher_self_test). Measured on AES-128-GCM at 64 bytes: 177 ns a
 *   packet against 270 ns through EVP (OpenSSL 3.0.22, Zen 3). What is left
 *   that is not crypto is the tag's OSSL_PARAM look-up (strcmp chains in
 *   gcm_get_ctx_params/gcm_set_ctx_params), which has no other way out.
 * - EVP_CipherUpdate/Final, the GCM tag through OSSL_PARAMs on the stack:
 *   no allocation. A GCM tag mismatch returns 0 from Final without putting
 *   anything on the error queue (gcm_cipher_internal), and the comparison is
 *   CRYPTO_memcmp (CRYPTO_gcm128_finish).
 * - EVP_MAC_init(ctx, NULL, 0, NULL) on a keyed HMAC does not re-derive the
 *   key, but it does allocate: hmac_init -> HMAC_Init_ex(NULL key) ->
 *   EVP_MD_CTX_copy_ex(md_ctx, i_ctx), which frees the destination's
 *   provider context and dupctx()s a new one (OPENSSL_malloc), and
 *   EVP_MAC_final does it again (HMAC_Final copies o_ctx). Two malloc/free
 *   pairs per packet. EVP_DigestInit_ex2 on a used EVP_MD_CTX is no way out:
 *   evp_md_init_internal frees and re-creates the provider context on every
 *   init. EVP_MAC_CTX_dup of a keyed template allocates more still.
 *   So the HMAC here calls the SHA-256 implementation's own functions
 *   (init, update, final: OSSL_FUNC_digest_*), found once per process with
 *   OSSL_PROVIDER_query_operation on the provider that EVP_MD_fetch chose;
 *   each context keeps one provider SHA-256 context and the two padded keys
 *   K ^ ipad, K ^ opad. Per packet: init (a reset, no allocation), the ipad
 *   block, the message, final; init, the opad block, the inner hash, final.
 *   That costs two SHA-256 compressions more than resuming from stored
 *   ipad/opad midstates, which 3.0 has no non-deprecated way to copy without
 *   allocating (EVP_MD_CTX_copy_ex dupctx()s; SHA256_CTX is deprecated).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include "esp_crypto.h"

#define SHA256_LEN 32
#define SHA256_BLOCK 64
#define GCM_NONCE_LEN 12
#define IVGEN_KEY_LEN 16


static const char *const cipher_name[DP_ESP_ALG_MAX + 1] = {
	[DP_ESP_AES_GCM_128] = "AES-128-GCM",
	[DP_ESP_AES_GCM_256] = "AES-256-GCM",
	[DP_ESP_AES_CBC_128_HMAC_SHA256] = "AES-128-CBC",
	[DP_ESP_AES_CBC_256_HMAC_SHA256] = "AES-256-CBC",
};

/* Process-wide, set once by lib_setup and read-only afterwards. Fetching is
 * a locked method-store look-up: once per process, never per SA. */
/* The cipher functions of the provider that EVP_CIPHER_fetch chose. */
struct cipher_fns {
	void *provctx;
	OSSL_FUNC_cipher_newctx_fn *newctx;
	OSSL_FUNC_cipher_freectx_fn *freectx;
	OSSL_FUNC_cipher_encrypt_init_fn *einit;
	OSSL_FUNC_cipher_decrypt_init_fn *dinit;
	OSSL_FUNC_cipher_update_fn *update;
	OSSL_FUNC_cipher_final_fn *final;
	OSSL_FUNC_cipher_get_ctx_params_fn *get_ctx_params;
	OSSL_FUNC_cipher_set_ctx_params_fn *set_ctx_params;
};

static struct {
	EVP_CIPHER *cipher[DP_ESP_ALG_MAX + 1];
	struct cipher_fns cfn[DP_ESP_ALG_MAX + 1];
	EVP_CIPHER *ivgen;                 /* AES-128-ECB */
	EVP_MD *sha256;                    /* holds the provider whose functions we call */
	void *provctx;
	OSSL_FUNC_digest_newctx_fn *newctx;
	OSSL_FUNC_digest_init_fn *init;
	OSSL_FUNC_digest_update_fn *update;
	OSSL_FUNC_digest_final_fn *final;
	OSSL_FUNC_digest_freectx_fn *freectx;
	int rc;
} lib;
static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

/* HMAC-SHA-256 state of one context: a provider SHA-256 context reused for
 * every packet, and the padded key blocks (RFC 2104 2). */
struct hmac {
	void *sha;
	uint8_t ipad[SHA256_BLOCK];
	uint8_t opad[SHA256_BLOCK];
};

struct dp_esp_crypto {
	const struct cipher_fns *fn;
	OSSL_FUNC_cipher_encrypt_init_fn *init; /* fn->einit or fn->dinit: this context's direction */
	void *cctx;                        /* provider context, keyed once; per packet only the IV */
	const struct pmip_esp_alg_desc *info;
	bool encrypt;
	bool gcm;
	uint8_t salt[DP_ESP_GCM_SALT_LEN];
	EVP_CIPHER_CTX *ivgen;             /* CBC encrypt: AES-ECB under a random key */
	struct hmac hmac;                  /* CBC only */
};

struct span {
	const uint8_t *p;
	size_t len;
};

const char *dp_esp_result_name(int rc)
{
	switch (rc) {
#define DP_ESP_RESULT_NAME(code, value, name) \
	case value:                           \
		return name;
		DP_ESP_RESULTS(DP_ESP_RESULT_NAME)
#undef DP_ESP_RESULT_NAME
	}
	return "unknown";
}

const struct pmip_esp_alg_desc *dp_esp_alg_info(enum dp_esp_alg alg)
{
	if (alg < DP_ESP_ALG_MIN || alg > DP_ESP_ALG_MAX)
		return NULL;
	return pmip_esp_alg_desc(alg);
}

/* ---------------------------------------------------------- SHA-256 -- */

static bool name_listed(const char *names, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = names; p != NULL && *p != '\0';) {
		const char *end = strchr(p, ':');
		size_t l = end != NULL ? (size_t)(end - p) : strlen(p);

		if (l == n && strncasecmp(p, name, n) == 0)
			return true;
		p = end != NULL ? end + 1 : NULL;
	}
	return false;
}

/* Calls take(f, arg) for each function of the algorithm `name` of operation
 * `op` (OSSL_OP_DIGEST, OSSL_OP_CIPHER) that prov implements. */
static int provider_functions(const OSSL_PROVIDER *prov, int op, const char *name,
			      void (*take)(const OSSL_DISPATCH *f, void *arg), void *arg)
{
	const OSSL_ALGORITHM *algs, *a;
	int no_store = 0, found = -1;

	if (prov == NULL)
		return -1;
	algs = OSSL_PROVIDER_query_operation(prov, op, &no_store);
	for (a = algs; a != NULL && a->algorithm_names != NULL; a++) {
		if (!name_listed(a->algorithm_names, name))
			continue;
		for (const OSSL_DISPATCH *f = a->implementation; f->function_id != 0; f++)
			take(f, arg);
		found = 0;
		break;
	}
	if (algs != NULL)
		OSSL_PROVIDER_unquery_operation(prov, op, algs);
	return found;
}

static void sha256_take(const OSSL_DISPATCH *f, void *arg)
{
	(void)arg;
	switch (f->function_id) {
	case OSSL_FUNC_DIGEST_NEWCTX:
		lib.newctx = OSSL_FUNC_digest_newctx(f);
		break;
	case OSSL_FUNC_DIGEST_INIT:
		lib.init = OSSL_FUNC_digest_init(f);
		break;
	case OSSL_FUNC_DIGEST_UPDATE:
		lib.update = OSSL_FUNC_digest_update(f);
		break;
	case OSSL_FUNC_DIGEST_FINAL:
		lib.final = OSSL_FUNC_digest_final(f);
		break;
	case OSSL_FUNC_DIGEST_FREECTX:
		lib.freectx = OSSL_FUNC_digest_freectx(f);
		break;
	}
}

/* The SHA-256 functions of the provider EVP_MD_fetch picked. */
static int sha256_functions_find(void)
{
	const OSSL_PROVIDER *prov = EVP_MD_get0_provider(lib.sha256);

	if (provider_functions(prov, OSSL_OP_DIGEST, "SHA2-256", sha256_take, NULL) != 0)
		return -1;
	lib.provctx = OSSL_PROVIDER_get0_provider_ctx(prov);
	if (lib.newctx == NULL || lib.init == NULL || lib.update == NULL || lib.final == NULL ||
	    lib.freectx == NULL)
		return -1;
	return 0;
}

static int sha256_run(void *sha, const struct span *v, size_t n, uint8_t out[SHA256_LEN])
{
	size_t outl = 0;

	if (!lib.init(sha, NULL))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (v[i].len > 0 && !lib.update(sha, v[i].p, v[i].len))
			return -1;
	if (!lib.final(sha, out, &outl, SHA256_LEN) || outl != SHA256_LEN)
		return -1;
	return 0;
}

/* The provider's functions must hash as EVP does: checked once, on two
 * messages, one longer than a block. */
static int sha256_self_test(void)
{
	static const uint8_t msg[] = "The ESP engine calls the SHA-256 provider functions itself, "
				     "so they are checked against EVP_Digest once.";
	uint8_t a[SHA256_LEN], b[SHA256_LEN];
	unsigned int blen = 0;
	void *sha = lib.newctx(lib.provctx);
	int rc = -1;

	if (sha == NULL)
		return -1;
	for (size_t len = 3; len <= sizeof(msg) - 1; len += sizeof(msg) - 4) {
		struct span v[2] = { { msg, 1 }, { msg + 1, len - 1 } };

		if (sha256_run(sha, v, 2, a) != 0 ||
		    !EVP_Digest(msg, len, b, &blen, lib.sha256, NULL) || blen != SHA256_LEN ||
		    memcmp(a, b, SHA256_LEN) != 0)
			goto out;
	}
	rc = 0;
out:
	lib.freectx(sha);
	return rc;
}

/* RFC 2104 2: keys longer than the block are hashed first, shorter ones
 * padded with zeros. */
static int hmac_key(struct hmac *h, const uint8_t *key, size_t len)
{
	uint8_t k[SHA256_BLOCK] = { 0 };

	if (len > SHA256_BLOCK) {
		struct span v = { key, len };

		if (sha256_run(h->sha, &v, 1, k) != 0)
			return -1;
	} else if (len > 0) {
		memcpy(k, key, len);
	}
	for (size_t i = 0; i < SHA256_BLOCK; i++) {
		h->ipad[i] = k[i] ^ 0x36;
		h->opad[i] = k[i] ^ 0x5c;
	}
	OPENSSL_cleanse(k, sizeof(k));
	return 0;
}

/* H(K ^ opad || H(K ^ ipad || v[0] || ... || v[n-1])) */
static int hmac_run(struct hmac *h, const struct span *v, size_t n, uint8_t out[SHA256_LEN])
{
	uint8_t inner[SHA256_LEN];
	size_t outl = 0;

	if (!lib.init(h->sha, NULL) || !lib.update(h->sha, h->ipad, SHA256_BLOCK))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (v[i].len > 0 && !lib.update(h->sha, v[i].p, v[i].len))
			return -1;
	if (!lib.final(h->sha, inner, &outl, SHA256_LEN) || outl != SHA256_LEN)
		return -1;
	if (!lib.init(h->sha, NULL) || !lib.update(h->sha, h->opad, SHA256_BLOCK) ||
	    !lib.update(h->sha, inner, SHA256_LEN) ||
	    !lib.final(h->sha, out, &outl, SHA256_LEN) || outl != SHA256_LEN)
		return -1;
	return 0;
}

static void hmac_wipe(struct hmac *h)
{
	if (h->sha != NULL)
		lib.freectx(h->sha); /* OPENSSL_clear_free in the default provider */
	OPENSSL_cleanse(h, sizeof(*h));
}

int dp_esp_hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t len,
		       uint8_t out[32])
{
	struct hmac h = { 0 };
	struct span v = { msg, len };
	int rc = -1;

	if (dp_esp_crypto_init() != 0)
		return -1;
	h.sha = lib.newctx(lib.provctx);
	if (h.sha != NULL && hmac_key(&h, key, key_len) == 0 && hmac_run(&h, &v, 1, out) == 0)
		rc = 0;
	hmac_wipe(&h);
	return rc;
}

/* ----------------------------------------------------------- ciphers -- */

static void cipher_take(const OSSL_DISPATCH *f, void *arg)
{
	struct cipher_fns *fn = arg;

	switch (f->function_id) {
	case OSSL_FUNC_CIPHER_NEWCTX:
		fn->newctx = OSSL_FUNC_cipher_newctx(f);
		break;
	case OSSL_FUNC_CIPHER_FREECTX:
		fn->freectx = OSSL_FUNC_cipher_freectx(f);
		break;
	case OSSL_FUNC_CIPHER_ENCRYPT_INIT:
		fn->einit = OSSL_FUNC_cipher_encrypt_init(f);
		break;
	case OSSL_FUNC_CIPHER_DECRYPT_INIT:
		fn->dinit = OSSL_FUNC_cipher_decrypt_init(f);
		break;
	case OSSL_FUNC_CIPHER_UPDATE:
		fn->update = OSSL_FUNC_cipher_update(f);
		break;
	case OSSL_FUNC_CIPHER_FINAL:
		fn->final = OSSL_FUNC_cipher_final(f);
		break;
	case OSSL_FUNC_CIPHER_GET_CTX_PARAMS:
		fn->get_ctx_params = OSSL_FUNC_cipher_get_ctx_params(f);
		break;
	case OSSL_FUNC_CIPHER_SET_CTX_PARAMS:
		fn->set_ctx_params = OSSL_FUNC_cipher_set_ctx_params(f);
		break;
	}
}

static int cipher_functions_find(enum dp_esp_alg alg)
{
	const OSSL_PROVIDER *prov = EVP_CIPHER_get0_provider(lib.cipher[alg]);
	struct cipher_fns *fn = &lib.cfn[alg];

	if (provider_functions(prov, OSSL_OP_CIPHER, cipher_name[alg], cipher_take, fn) != 0)
		return -1;
	fn->provctx = OSSL_PROVIDER_get0_provider_ctx(prov);
	if (fn->newctx == NULL || fn->freectx == NULL || fn->einit == NULL || fn->dinit == NULL ||
	    fn->update == NULL || fn->final == NULL || fn->get_ctx_params == NULL ||
	    fn->set_ctx_params == NULL)
		return -1;
	return 0;
}

/* A provider cipher context keyed for one direction; CBC without padding
 * (ESP pads itself, RFC 4303 2.4: the cipher sees whole blocks only). */
static void *cipher_ctx_new(const struct cipher_fns *fn, bool gcm, const uint8_t *key,
			    size_t key_len, bool encrypt)
{
	void *cctx = fn->newctx(fn->provctx);
	unsigned int pad = 0;
	OSSL_PARAM nopad[2] = {
		OSSL_PARAM_construct_uint(OSSL_CIPHER_PARAM_PADDING, &pad),
		OSSL_PARAM_construct_end(),
	};

	if (cctx == NULL)
		return NULL;
	if (!(encrypt ? fn->einit : fn->dinit)(cctx, key, key_len, NULL, 0, NULL) ||
	    (!gcm && !fn->set_ctx_params(cctx, nopad))) {
		fn->freectx(cctx);
		return NULL;
	}
	return cctx;
}

static int cipher_crypt(const struct cipher_fns *fn, void *cctx, uint8_t *out, const uint8_t *in,
			size_t len)
{
	size_t outl = 0;

	return len == 0 || (fn->update(cctx, out, &outl, len, in, len) && outl == len);
}

/* The provider's functions must encrypt as EVP does: each algorithm once,
 * on a fixed key, IV and three blocks of text (GCM: with AAD and tag). */
static int cipher_self_test(enum dp_esp_alg alg)
{
	static const uint8_t key[32] = "provider functions against EVP";
	static const uint8_t iv[16] = "and an IV to go";
	static const uint8_t aad[8] = "spi+seq";
	const struct cipher_fns *fn = &lib.cfn[alg];
	bool gcm = dp_esp_alg_info(alg)->auth_key_len == 0;
	size_t key_len = (size_t)EVP_CIPHER_get_key_length(lib.cipher[alg]);
	size_t iv_len = (size_t)EVP_CIPHER_get_iv_length(lib.cipher[alg]);
	uint8_t a[48 + 16], b[48 + 16], tail[16];
	size_t outl = 0;
	int l = 0, rc = -1;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	void *cctx = cipher_ctx_new(fn, gcm, key, key_len, true);
	OSSL_PARAM tag[2] = {
		OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, a + 48, 16),
		OSSL_PARAM_construct_end(),
	};

	memset(a, 0x5a, 48);
	memset(b, 0x5a, 48);
	if (ctx == NULL || cctx == NULL || key_len > sizeof(key) || iv_len > sizeof(iv))
		goto out;
	if (!fn->einit(cctx, NULL, 0, iv, iv_len, NULL) ||
	    (gcm && !fn->update(cctx, NULL, &outl, sizeof(aad), aad, sizeof(aad))) ||
	    !cipher_crypt(fn, cctx, a, a, 48) ||
	    (gcm && (!fn->final(cctx, tail, &outl, sizeof(tail)) || !fn->get_ctx_params(cctx, tag))))
		goto out;
	if (!EVP_CipherInit_ex2(ctx, lib.cipher[alg], key, iv, 1, NULL) ||
	    !EVP_CIPHER_CTX_set_padding(ctx, 0) ||
	    (gcm && !EVP_EncryptUpdate(ctx, NULL, &l, aad, sizeof(aad))) ||
	    !EVP_EncryptUpdate(ctx, b, &l, b, 48) || l != 48)
		goto out;
	if (gcm && (!EVP_EncryptFinal_ex(ctx, tail, &l) ||
		    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, b + 48)))
		goto out;
	if (memcmp(a, b, gcm ? 64 : 48) == 0)
		rc = 0;
out:
	if (cctx != NULL)
		fn->freectx(cctx);
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

/* ------------------------------------------------------ process setup -- */

static void lib_release(void)
{
	for (int a = DP_ESP_ALG_MIN; a <= DP_ESP_ALG_MAX; a++) {
		EVP_CIPHER_free(lib.cipher[a]);
		lib.cipher[a] = NULL;
	}
	EVP_CIPHER_free(lib.ivgen);
	lib.ivgen = NULL;
	EVP_MD_free(lib.sha256);
	lib.sha256 = NULL;
}

static void lib_setup(void)
{
	lib.rc = -1;
	for (int a = DP_ESP_ALG_MIN; a <= DP_ESP_ALG_MAX; a++) {
		lib.cipher[a] = EVP_CIPHER_fetch(NULL, cipher_name[a], NULL);
		if (lib.cipher[a] == NULL || cipher_functions_find((enum dp_esp_alg)a) != 0 ||
		    cipher_self_test((enum dp_esp_alg)a) != 0)
			goto fail;
	}
	lib.ivgen = EVP_CIPHER_fetch(NULL, "AES-128-ECB", NULL);
	lib.sha256 = EVP_MD_fetch(NULL, "SHA2-256", NULL);
	if (lib.ivgen == NULL || lib.sha256 == NULL)
		goto fail;
	if (sha256_functions_find() != 0 || sha256_self_test() != 0)
		goto fail;
	lib.rc = 0;
	return;
fail:
	lib_release();
}

int dp_esp_crypto_init(void)
{
	if (pthread_once(&lib_once, lib_setup) != 0)
		return -1;
	return lib.rc;
}

/* ------------------------------------------------------- per SA setup -- */

void dp_esp_crypto_free(struct dp_esp_crypto *c)
{
	if (c == NULL)
		return;
	/* The providers' freectx wipe the key schedules (OPENSSL_clear_free). */
	if (c->cctx != NULL)
		c->fn->freectx(c->cctx);
	EVP_CIPHER_CTX_free(c->ivgen);
	hmac_wipe(&c->hmac);
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

static int ivgen_setup(struct dp_esp_crypto *c)
{
	uint8_t key[IVGEN_KEY_LEN];
	int rc = -1;

	c->ivgen = EVP_CIPHER_CTX_new();
	if (c->ivgen != NULL && RAND_priv_bytes(key, sizeof(key)) == 1 &&
	    EVP_CipherInit_ex2(c->ivgen, lib.ivgen, key, NULL, 1, NULL) &&
	    EVP_CIPHER_CTX_set_padding(c->ivgen, 0))
		rc = 0;
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

struct dp_esp_crypto *dp_esp_crypto_new(enum dp_esp_alg alg, const uint8_t *enc_key,
					size_t enc_key_len, const uint8_t *auth_key,
					size_t auth_key_len, bool encrypt)
{
	const struct pmip_esp_alg_desc *info = dp_esp_alg_info(alg);
	struct dp_esp_crypto *c;
	size_t aes_len;

	if (info == NULL || dp_esp_crypto_init() != 0)
		return NULL;
	if (enc_key == NULL || enc_key_len != info->enc_key_len ||
	    auth_key_len != info->auth_key_len || (auth_key_len > 0 && auth_key == NULL))
		return NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->info = info;
	c->encrypt = encrypt;
	c->gcm = info->auth_key_len == 0;
	aes_len = c->gcm ? enc_key_len - DP_ESP_GCM_SALT_LEN : enc_key_len;
	if (EVP_CIPHER_get_key_length(lib.cipher[alg]) != (int)aes_len)
		goto fail;

	/* The key schedule (and GCM's GHASH key) is expanded here, once. */
	c->fn = &lib.cfn[alg];
	c->init = encrypt ? c->fn->einit : c->fn->dinit;
	if (EVP_CIPHER_get_iv_length(lib.cipher[alg]) != (int)(c->gcm ? GCM_NONCE_LEN : info->iv_len))
		goto fail;
	c->cctx = cipher_ctx_new(c->fn, c->gcm, enc_key, aes_len, encrypt);
	if (c->cctx == NULL)
		goto fail;
	if (c->gcm) {
		/* salt || 8-byte IV: the 96-bit nonce, GCM's default IV length */
		memcpy(c->salt, enc_key + aes_len, DP_ESP_GCM_SALT_LEN);
		return c;
	}
	c->hmac.sha = lib.newctx(lib.provctx);
	if (c->hmac.sha == NULL || hmac_key(&c->hmac, auth_key, auth_key_len) != 0)
		goto fail;
	if (encrypt && ivgen_setup(c) != 0)
		goto fail;
	return c;
fail:
	dp_esp_crypto_free(c);
	return NULL;
}

const struct pmip_esp_alg_desc *dp_esp_crypto_info(const struct dp_esp_crypto *c)
{
	return c->info;
}

/* ------------------------------------------------------- per packet -- */

static void be64_write(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

int dp_esp_iv_gen(struct dp_esp_crypto *c, uint64_t seq, uint8_t *iv)
{
	uint8_t block[16] = { 0 };
	int outl = 0;

	if (!c->encrypt)
		return DP_ESP_ERR_CRYPTO;
	if (c->gcm) {
		be64_write(iv, seq);
		return DP_ESP_OK;
	}
	be64_write(block + 8, seq);
	if (!EVP_EncryptUpdate(c->ivgen, iv, &outl, block, sizeof(block)) || outl != sizeof(block))
		return DP_ESP_ERR_CRYPTO;
	return DP_ESP_OK;
}

static int args_check(const struct dp_esp_crypto *c, size_t aad_len, size_t len)
{
	if (aad_len != DP_ESP_AAD_LEN && aad_len != DP_ESP_AAD_LEN_ESN)
		return DP_ESP_ERR_LEN;
	if (len > DP_ESP_DATA_MAX || len % c->info->block != 0)
		return DP_ESP_ERR_LEN;
	return DP_ESP_OK;
}

/* GCM: the nonce (and, to decrypt, the expected tag, which the provider
 * copies), then the AAD. No key: only the IV changes (see the top). */
static int gcm_start(struct dp_esp_crypto *c, const uint8_t *iv, const uint8_t *aad,
		     size_t aad_len, const OSSL_PARAM *params)
{
	uint8_t nonce[GCM_NONCE_LEN];
	size_t outl = 0;

	memcpy(nonce, c->salt, DP_ESP_GCM_SALT_LEN);
	memcpy(nonce + DP_ESP_GCM_SALT_LEN, iv, GCM_NONCE_LEN - DP_ESP_GCM_SALT_LEN);
	return c->init(c->cctx, NULL, 0, nonce, sizeof(nonce), params) &&
	       c->fn->update(c->cctx, NULL, &outl, aad_len, aad, aad_len);
}

/* CBC: only the IV changes. */
static int cbc_crypt(struct dp_esp_crypto *c, const uint8_t *iv, uint8_t *data, size_t len)
{
	return c->init(c->cctx, NULL, 0, iv, c->info->iv_len, NULL) &&
	       cipher_crypt(c->fn, c->cctx, data, data, len);
}

/* CBC: HMAC over SPI || seq_lo || IV || ciphertext [|| seq_hi]
 * (RFC 4303 2.2.1, 3.3.2.1), aad in the RFC 4106 layout. */
static int cbc_icv(struct dp_esp_crypto *c, const uint8_t *aad, size_t aad_len, const uint8_t *iv,
		   const uint8_t *ct, size_t len, uint8_t mac[SHA256_LEN])
{
	uint8_t head[8 + 16];
	struct span v[3] = {
		{ head, sizeof(head) },
		{ ct, len },
		{ aad + 4, aad_len == DP_ESP_AAD_LEN_ESN ? 4 : 0 },
	};

	memcpy(head, aad, 4);
	memcpy(head + 4, aad + aad_len - 4, 4);
	memcpy(head + 8, iv, 16);
	return hmac_run(&c->hmac, v, 3, mac);
}

int dp_esp_encrypt(struct dp_esp_crypto *c, const uint8_t *aad, size_t aad_len,
		   const uint8_t *iv, uint8_t *data, size_t len, uint8_t *icv)
{
	uint8_t tail[16];
	size_t outl = 0;
	int rc = args_check(c, aad_len, len);

	if (rc != DP_ESP_OK)
		return rc;
	if (!c->encrypt)
		return DP_ESP_ERR_CRYPTO;
	if (c->gcm) {
		OSSL_PARAM tag[2] = {
			OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, icv,
							  c->info->icv_len),
			OSSL_PARAM_construct_end(),
		};

		if (!gcm_start(c, iv, aad, aad_len, NULL) ||
		    !cipher_crypt(c->fn, c->cctx, data, data, len) ||
		    !c->fn->final(c->cctx, tail, &outl, sizeof(tail)) ||
		    !c->fn->get_ctx_params(c->cctx, tag))
			return DP_ESP_ERR_CRYPTO;
		return DP_ESP_OK;
	}

	uint8_t mac[SHA256_LEN];

	if (!cbc_crypt(c, iv, data, len))
		return DP_ESP_ERR_CRYPTO;
	if (cbc_icv(c, aad, aad_len, iv, data, len, mac) != 0)
		return DP_ESP_ERR_CRYPTO;
	memcpy(icv, mac, c->info->icv_len); /* HMAC-SHA-256-128: the first 16 bytes (RFC 4868 2.6) */
	return DP_ESP_OK;
}

int dp_esp_decrypt(struct dp_esp_crypto *c, const uint8_t *aad, size_t aad_len,
		   const uint8_t *iv, uint8_t *data, size_t len, const uint8_t *icv)
{
	uint8_t tail[16];
	size_t outl = 0;
	int rc = args_check(c, aad_len, len);

	if (rc != DP_ESP_OK)
		return rc;
	if (c->encrypt)
		return DP_ESP_ERR_CRYPTO;
	if (c->gcm) {
		/* The expected tag goes in with the nonce; OpenSSL copies it. */
		OSSL_PARAM tag[2] = {
			OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, (void *)icv,
							  c->info->icv_len),
			OSSL_PARAM_construct_end(),
		};

		if (!gcm_start(c, iv, aad, aad_len, tag) ||
		    !cipher_crypt(c->fn, c->cctx, data, data, len))
			return DP_ESP_ERR_CRYPTO;
		/* Everything before could only fail on a broken context; final
		 * fails on a tag mismatch. */
		if (!c->fn->final(c->cctx, tail, &outl, sizeof(tail)))
			return DP_ESP_ERR_ICV;
		return DP_ESP_OK;
	}

	uint8_t mac[SHA256_LEN];

	/* Check first (RFC 4303 3.4.4.1): a forged packet is never decrypted. */
	if (cbc_icv(c, aad, aad_len, iv, data, len, mac) != 0)
		return DP_ESP_ERR_CRYPTO;
	if (CRYPTO_memcmp(mac, icv, c->info->icv_len) != 0)
		return DP_ESP_ERR_ICV;
	if (!cbc_crypt(c, iv, data, len))
		return DP_ESP_ERR_CRYPTO;
	return DP_ESP_OK;
}
