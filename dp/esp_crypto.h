/* ESP crypto engine: the ciphers of an ESP SA, through OpenSSL 3.
 *
 *   AES-GCM-16 with 128- and 256-bit keys        RFC 4106
 *   AES-CBC-128/256 with HMAC-SHA-256-128        RFC 3602, RFC 4868
 *
 * One struct dp_esp_crypto per (SA, direction, worker), built on the main
 * lcore when the SA is installed: that is where everything is allocated,
 * the AES key schedules expanded and the HMAC pads computed. Per packet a
 * worker only sets the IV and runs the cipher: no allocation, no syscall,
 * no lock, no key expansion (see esp_crypto.c for what OpenSSL 3.0 does on
 * each call and why the HMAC does not go through EVP_MAC). A context is
 * used by one thread at a time; two workers never share one.
 *
 * Framing stays with the caller (common/net/esp.h): this file is fed the
 * AAD, the IV and the ciphertext region (payload, padding, pad length, next
 * header: RFC 4303 2), and writes or checks the ICV.
 *
 * AAD: always in the layout of RFC 4106 5, whatever the algorithm:
 *   8 bytes   SPI || seq              without extended sequence numbers
 *   12 bytes  SPI || seq_hi || seq_lo with them (RFC 4303 2.2.1)
 * GCM authenticates it as it is. CBC+HMAC authenticates what RFC 4303
 * 3.3.2.1 says: SPI || seq_lo || IV || ciphertext, then seq_hi (never sent)
 * with ESN, and keeps the first 16 bytes of the HMAC (RFC 4868 2.6).
 */
#ifndef PMIP_DP_ESP_CRYPTO_H
#define PMIP_DP_ESP_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "msg.h"

/* The algorithm numbers of the ctl schema (common/msg.h). */
enum dp_esp_alg {
	DP_ESP_AES_GCM_128 = PMIP_ESP_AES_GCM_128,
	DP_ESP_AES_GCM_256 = PMIP_ESP_AES_GCM_256,
	DP_ESP_AES_CBC_128_HMAC_SHA256 = PMIP_ESP_AES_CBC_128_HMAC_SHA256,
	DP_ESP_AES_CBC_256_HMAC_SHA256 = PMIP_ESP_AES_CBC_256_HMAC_SHA256,
};
#define DP_ESP_ALG_MIN DP_ESP_AES_GCM_128
#define DP_ESP_ALG_MAX DP_ESP_AES_CBC_256_HMAC_SHA256

#define DP_ESP_IV_MAX 16
#define DP_ESP_ICV_MAX 16
#define DP_ESP_AAD_LEN 8           /* SPI || seq */
#define DP_ESP_AAD_LEN_ESN 12      /* SPI || seq_hi || seq_lo */
#define DP_ESP_GCM_SALT_LEN 4      /* last 4 bytes of the GCM key material (RFC 4106 8.1) */
#define DP_ESP_DATA_MAX 65535      /* ciphertext bytes one call takes */

/* What an algorithm needs from the SA and the framing: the description
 * cp and dp share (common/msg.h), lengths and Wireshark's names included. */

/* Results. Every failure is a distinct code so that decapsulation counts
 * each drop under its own reason. */
#define DP_ESP_RESULTS(X)                                                              \
	X(OK, 0, "ok")                                                                  \
	X(ERR_CRYPTO, -1, "crypto_error")   /* library failure or context misuse */     \
	X(ERR_ICV, -2, "icv_mismatch")      /* integrity check failed (RFC 4303 3.4.4) */ \
	X(ERR_LEN, -3, "bad_length")        /* AAD not 8/12, data not a block multiple */

enum dp_esp_result {
#define DP_ESP_RESULT_ENUM(code, value, name) DP_ESP_##code = value,
	DP_ESP_RESULTS(DP_ESP_RESULT_ENUM)
#undef DP_ESP_RESULT_ENUM
};

const char *dp_esp_result_name(int rc);

/* NULL for a value outside the enum. */
const struct pmip_esp_alg_desc *dp_esp_alg_info(enum dp_esp_alg alg);

/* Process-wide set-up, on the main lcore before any worker runs: fetches the
 * EVP_CIPHERs once per process and finds the SHA-256 implementation.
 * Idempotent and thread-safe; dp_esp_crypto_new calls it too. 0 or -1. */
int dp_esp_crypto_init(void);

struct dp_esp_crypto; /* one per (SA, direction, worker) */

/* Keys as IKEv2 derives them (RFC 7296 2.17): enc_key is the AES key,
 * followed for GCM by the 4-byte salt (RFC 4106 8.1); auth_key is the HMAC
 * key (NULL/0 for GCM). encrypt fixes the direction for the context's
 * lifetime (the AES decryption key schedule differs from the encryption
 * one). A CBC encrypt context also draws a random IV key (dp_esp_iv_gen).
 * NULL on a bad algorithm or key length, or on failure. Main lcore only:
 * allocates. */
struct dp_esp_crypto *dp_esp_crypto_new(enum dp_esp_alg alg, const uint8_t *enc_key,
					size_t enc_key_len, const uint8_t *auth_key,
					size_t auth_key_len, bool encrypt);

/* Wipes the keys, pads and key schedules, then frees. NULL is a no-op. */
void dp_esp_crypto_free(struct dp_esp_crypto *c);

const struct pmip_esp_alg_desc *dp_esp_crypto_info(const struct dp_esp_crypto *c);

/* The explicit IV for the packet with (64-bit) sequence number seq, in
 * info->iv_len bytes, on an encrypt context.
 *   GCM: seq big-endian. RFC 4106 3.1: the IV must never repeat under a
 *        key, and the sequence number, unique per SA, is the suggested
 *        choice. Workers sharing an SA must share its sequence counter.
 *   CBC: AES-ECB, under a random per-context key, of the block
 *        0^64 || seq: unpredictable to anyone without that key, as
 *        RFC 3602 2.4 requires, and distinct for distinct seq. This is the
 *        "encrypt a nonce" IV of NIST SP 800-38A Appendix C, with a key of
 *        its own; no syscall or RNG call per packet.
 * DP_ESP_OK or DP_ESP_ERR_CRYPTO (a decrypt context). */
int dp_esp_iv_gen(struct dp_esp_crypto *c, uint64_t seq, uint8_t *iv);

/* Protect one packet: data (len bytes, payload with its trailer, a multiple
 * of info->block) is encrypted in place and the info->icv_len-byte ICV
 * written to icv. aad: 8 or 12 bytes as above; iv: info->iv_len bytes,
 * as sent. GCM nonce = salt || iv (RFC 4106 4). */
int dp_esp_encrypt(struct dp_esp_crypto *c, const uint8_t *aad, size_t aad_len,
		   const uint8_t *iv, uint8_t *data, size_t len, uint8_t *icv);

/* Check and decrypt one packet in place; same arguments, icv as received.
 * DP_ESP_ERR_ICV when the ICV does not match (wrong key, or any byte of
 * AAD, IV, ciphertext or ICV changed). CBC compares the ICV, in constant
 * time (CRYPTO_memcmp), before decrypting, and leaves data untouched on a
 * mismatch; GCM checks its tag (OpenSSL, also with CRYPTO_memcmp) while
 * decrypting, so on a mismatch data holds garbage: drop the packet. */
int dp_esp_decrypt(struct dp_esp_crypto *c, const uint8_t *aad, size_t aad_len,
		   const uint8_t *iv, uint8_t *data, size_t len, const uint8_t *icv);

/* HMAC-SHA-256 (RFC 2104) with any key length, through the same code the
 * CBC suites use per packet. For the RFC 4231 / RFC 4868 test vectors;
 * allocates, so not for the packet path. 0 or -1. */
int dp_esp_hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t len,
		       uint8_t out[32]);

#endif
