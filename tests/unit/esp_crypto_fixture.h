/* Helpers shared by the ESP crypto tests: test_esp_crypto.c (the engine's
 * behaviour) and test_esp_crypto_vectors.c (published vectors). */
#ifndef PMIP_TEST_ESP_CRYPTO_FIXTURE_H
#define PMIP_TEST_ESP_CRYPTO_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_crypto.h"
#include "esp_trailer.h"

/* xorshift64: the same sequence in every run. */
uint64_t rng(void);
void fill_random(uint8_t *p, size_t n);


/* AAD in the RFC 4106 5 layout. */
size_t esp_aad(uint8_t aad[12], uint32_t spi, uint64_t seq, bool esn);

#define N_ALGS 4
extern const enum dp_esp_alg all_algs[N_ALGS];

/* An encrypt and a decrypt context with the same keys (derived from seed). */
struct pair {
	struct dp_esp_crypto *enc, *dec;
	const struct pmip_esp_alg_desc *info;
};
struct pair pair_new(enum dp_esp_alg alg, uint8_t seed);
void pair_free(struct pair *p);

/* HMAC-SHA-256-128 by EVP_MAC, over the concatenation of up to 4 parts. */
void evp_hmac128(const uint8_t *key, size_t key_len, const uint8_t *const part[4],
		 const size_t part_len[4], uint8_t out[16]);

#endif
