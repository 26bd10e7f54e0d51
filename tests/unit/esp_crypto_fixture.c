/* Helpers shared by the ESP crypto tests (esp_crypto_fixture.h). */
#include "esp_crypto_fixture.h"

#include <criterion/criterion.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

void fill_random(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rng();
}

/* AAD in the RFC 4106 5 layout. */
size_t esp_aad(uint8_t aad[12], uint32_t spi, uint64_t seq, bool esn)
{
	size_t n = 0;
	uint32_t words[3] = { spi, (uint32_t)(seq >> 32), (uint32_t)seq };

	for (int w = 0; w < 3; w++) {
		if (w == 1 && !esn)
			continue;
		for (int b = 3; b >= 0; b--)
			aad[n++] = (uint8_t)(words[w] >> (8 * b));
	}
	return n;
}

const enum dp_esp_alg all_algs[N_ALGS] = {
	DP_ESP_AES_GCM_128,
	DP_ESP_AES_GCM_256,
	DP_ESP_AES_CBC_128_HMAC_SHA256,
	DP_ESP_AES_CBC_256_HMAC_SHA256,
};

struct pair pair_new(enum dp_esp_alg alg, uint8_t seed)
{
	const struct pmip_esp_alg_desc *info = dp_esp_alg_info(alg);
	uint8_t ek[64], ak[64];
	struct pair p;

	cr_assert_not_null(info);
	for (size_t i = 0; i < sizeof(ek); i++) {
		ek[i] = (uint8_t)(seed + 3 * i);
		ak[i] = (uint8_t)(seed ^ (7 * i));
	}
	p.info = info;
	p.enc = dp_esp_crypto_new(alg, ek, info->enc_key_len, info->auth_key_len ? ak : NULL,
				  info->auth_key_len, true);
	p.dec = dp_esp_crypto_new(alg, ek, info->enc_key_len, info->auth_key_len ? ak : NULL,
				  info->auth_key_len, false);
	cr_assert_not_null(p.enc, "%s encrypt context", info->name);
	cr_assert_not_null(p.dec, "%s decrypt context", info->name);
	return p;
}

void pair_free(struct pair *p)
{
	dp_esp_crypto_free(p->enc);
	dp_esp_crypto_free(p->dec);
}

/* HMAC-SHA-256-128 by EVP_MAC, over the concatenation of up to 4 parts. */
void evp_hmac128(const uint8_t *key, size_t key_len, const uint8_t *const part[4],
			const size_t part_len[4], uint8_t out[16])
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
	OSSL_PARAM params[2] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA2-256", 0),
		OSSL_PARAM_construct_end(),
	};
	uint8_t full[32];
	size_t outl = 0;

	cr_assert(ctx != NULL && EVP_MAC_init(ctx, key, key_len, params));
	for (int i = 0; i < 4; i++)
		if (part_len[i] > 0)
			cr_assert(EVP_MAC_update(ctx, part[i], part_len[i]));
	cr_assert(EVP_MAC_final(ctx, full, &outl, sizeof(full)) && outl == 32);
	memcpy(out, full, 16);
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
}
