/* Unit tests for dp/esp_crypto.c: the ESP ciphers over OpenSSL 3.
 *
 * Vectors, all published:
 *   - draft-mcgrew-gcm-test-01 section 4 (McGrew, "Test Cases for the use of
 *     GCM and GMAC in IPsec ESP", 2009): real ESP packets with SPI, sequence
 *     number (ESN in some), salt and explicit IV, AES-GCM-16 with 128- and
 *     256-bit keys: 13 of its 14 cases, all but case 7 (a 192-bit key).
 *   - RFC 3602 section 4: AES-CBC-128 cases 1-4 (raw CBC) and 5-8 (ESP
 *     packets, transport and tunnel mode, with the RFC 4303 trailer).
 *   - NIST SP 800-38A F.2.5: CBC-AES256 (RFC 3602 has no 256-bit case).
 *   - RFC 4231 test cases 1-7: HMAC-SHA-256, case 5 truncated to 128 bits.
 *   - RFC 4868 2.7.2.1 AUTH256-1..4: HMAC-SHA-256 with 32-byte keys and
 *     the HMAC-SHA-256-128 truncation ESP uses.
 * RFC 3602 has no ICV, so the ICV of those packets is checked against
 * OpenSSL's EVP_MAC HMAC (another implementation) over the bytes RFC 4303
 * 3.3.2.1 names. And tshark (Wireshark 4.0's ESP dissector over libgcrypt,
 * with the SA table names of dp_esp_alg_info) decrypts packets built here
 * and finds their ICVs good, when tshark is installed.
 *
 * Then: round trips of every payload size 0..1500 for each algorithm;
 * every byte of ciphertext, ICV, AAD and IV flipped, each rejected as an
 * ICV failure; wrong keys; argument checks; and the requirement that
 * nothing is allocated per packet: libcrypto's allocator is replaced, before
 * any OpenSSL call, by one that counts (CRYPTO_set_mem_functions from a
 * constructor), and the per-packet calls run between two readings.
 */
#include <criterion/criterion.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "esp_crypto.h"
#include "esp_crypto_fixture.h"
#include "test_hex.h"

/* ------------------------------------------------ counting allocator -- */

static atomic_ulong n_malloc, n_realloc, n_free;
static int mem_hooks;

static void *count_malloc(size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	atomic_fetch_add(&n_malloc, 1);
	return malloc(n);
}

static void *count_realloc(void *p, size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	atomic_fetch_add(&n_realloc, 1);
	return realloc(p, n);
}

static void count_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	if (p != NULL)
		atomic_fetch_add(&n_free, 1);
	free(p);
}

/* Before main, and so before Criterion or anything else calls OpenSSL:
 * CRYPTO_set_mem_functions refuses once libcrypto has allocated. */
__attribute__((constructor)) static void mem_hooks_install(void)
{
	mem_hooks = CRYPTO_set_mem_functions(count_malloc, count_realloc, count_free);
}

static unsigned long allocs(void)
{
	return atomic_load(&n_malloc) + atomic_load(&n_realloc) + atomic_load(&n_free);
}

/* ------------------------------------------------------- round trips -- */

Test(esp_crypto, round_trip_every_size)
{
	static uint8_t pt[1600], buf[1600];

	for (size_t a = 0; a < N_ALGS; a++) {
		struct pair p = pair_new(all_algs[a], (uint8_t)(a * 17));

		for (size_t n = 0; n <= 1500; n++) {
			uint8_t aad[12], iv[16], icv[16];
			uint64_t seq = 1000 + n;
			size_t aad_len = esp_aad(aad, 0x100 + a, seq, n % 2);
			size_t len;

			fill_random(pt, n);
			len = esp_trailer(pt, n, p.info->block, 41);
			memcpy(buf, pt, len);
			cr_assert_eq(dp_esp_iv_gen(p.enc, seq, iv), DP_ESP_OK);
			cr_assert_eq(dp_esp_encrypt(p.enc, aad, aad_len, iv, buf, len, icv), DP_ESP_OK,
				     "%s size %zu", p.info->name, n);
			if (len >= 16)
				cr_assert(memcmp(buf, pt, len) != 0, "%s size %zu: not encrypted",
					  p.info->name, n);
			cr_assert_eq(dp_esp_decrypt(p.dec, aad, aad_len, iv, buf, len, icv), DP_ESP_OK,
				     "%s size %zu", p.info->name, n);
			cr_assert_arr_eq(buf, pt, len, "%s size %zu", p.info->name, n);
		}
		pair_free(&p);
	}
}

/* ------------------------------------------------------- tampering -- */

Test(esp_crypto, every_tampered_byte_is_an_icv_failure)
{
	for (size_t a = 0; a < N_ALGS; a++) {
		struct pair p = pair_new(all_algs[a], (uint8_t)(0x40 + a));
		uint8_t pt[128], ct[128], buf[128], aad[12], iv[16], icv[16], t_aad[12], t_iv[16],
			t_icv[16];
		size_t len;
		size_t aad_len = esp_aad(aad, 0xc0ffee, 0x0000000100000002ull, a % 2);
		size_t iv_len = p.info->iv_len;

		fill_random(pt, 77);
		len = esp_trailer(pt, 77, p.info->block, 4);
		cr_assert_eq(dp_esp_iv_gen(p.enc, 2, iv), DP_ESP_OK);
		memcpy(ct, pt, len);
		cr_assert_eq(dp_esp_encrypt(p.enc, aad, aad_len, iv, ct, len, icv), DP_ESP_OK);

		for (size_t i = 0; i < len; i++) {
			memcpy(buf, ct, len);
			buf[i] ^= (uint8_t)(1u << (i % 8));
			cr_assert_eq(dp_esp_decrypt(p.dec, aad, aad_len, iv, buf, len, icv),
				     DP_ESP_ERR_ICV, "%s: ciphertext byte %zu", p.info->name, i);
			if (p.info->auth_key_len > 0)
				cr_assert_eq(buf[i], (uint8_t)(ct[i] ^ (1u << (i % 8))),
					     "CBC must not decrypt a forged packet");
		}
		for (size_t i = 0; i < p.info->icv_len; i++) {
			memcpy(t_icv, icv, sizeof(t_icv));
			t_icv[i] ^= 0x80;
			memcpy(buf, ct, len);
			cr_assert_eq(dp_esp_decrypt(p.dec, aad, aad_len, iv, buf, len, t_icv),
				     DP_ESP_ERR_ICV, "%s: ICV byte %zu", p.info->name, i);
		}
		for (size_t i = 0; i < aad_len; i++) {
			memcpy(t_aad, aad, sizeof(t_aad));
			t_aad[i] ^= 0x01;
			memcpy(buf, ct, len);
			cr_assert_eq(dp_esp_decrypt(p.dec, t_aad, aad_len, iv, buf, len, icv),
				     DP_ESP_ERR_ICV, "%s: AAD byte %zu", p.info->name, i);
		}
		for (size_t i = 0; i < iv_len; i++) {
			memcpy(t_iv, iv, sizeof(t_iv));
			t_iv[i] ^= 0x10;
			memcpy(buf, ct, len);
			cr_assert_eq(dp_esp_decrypt(p.dec, aad, aad_len, t_iv, buf, len, icv),
				     DP_ESP_ERR_ICV, "%s: IV byte %zu", p.info->name, i);
		}
		/* truncated by a block */
		memcpy(buf, ct, len);
		cr_assert_eq(dp_esp_decrypt(p.dec, aad, aad_len, iv, buf, len - p.info->block, icv),
			     DP_ESP_ERR_ICV, "%s: truncated", p.info->name);
		/* the other ESN setting: seq_hi dropped, or a zero seq_hi added */
		if (aad_len == 12) {
			uint8_t lo[8];

			memcpy(lo, aad, 4);
			memcpy(lo + 4, aad + 8, 4);
			memcpy(buf, ct, len);
			cr_assert_eq(dp_esp_decrypt(p.dec, lo, 8, iv, buf, len, icv), DP_ESP_ERR_ICV);
		} else {
			uint8_t hi[12];

			esp_aad(hi, 0xc0ffee, 2, true);
			memcpy(buf, ct, len);
			cr_assert_eq(dp_esp_decrypt(p.dec, hi, 12, iv, buf, len, icv), DP_ESP_ERR_ICV);
		}
		/* and the untouched packet still passes after all those failures */
		memcpy(buf, ct, len);
		cr_assert_eq(dp_esp_decrypt(p.dec, aad, aad_len, iv, buf, len, icv), DP_ESP_OK);
		cr_assert_arr_eq(buf, pt, len);
		cr_assert_eq(ERR_peek_error(), 0ul, "ICV failures leave OpenSSL's error queue empty");
		pair_free(&p);
	}
}

Test(esp_crypto, wrong_keys)
{
	for (size_t a = 0; a < N_ALGS; a++) {
		const struct pmip_esp_alg_desc *info = dp_esp_alg_info(all_algs[a]);
		uint8_t ek[36], ak[32], ek2[36], ak2[32], pt[64], buf[64], aad[12], iv[16], icv[16];
		struct dp_esp_crypto *enc, *dec;
		size_t len;

		fill_random(ek, sizeof(ek));
		fill_random(ak, sizeof(ak));
		fill_random(pt, sizeof(pt));
		len = esp_trailer(pt, 30, info->block, 4);
		esp_aad(aad, 0x4242, 9, false);
		enc = dp_esp_crypto_new(all_algs[a], ek, info->enc_key_len, ak, info->auth_key_len,
					true);
		cr_assert_not_null(enc);
		cr_assert_eq(dp_esp_iv_gen(enc, 9, iv), DP_ESP_OK);
		memcpy(buf, pt, len);
		cr_assert_eq(dp_esp_encrypt(enc, aad, 8, iv, buf, len, icv), DP_ESP_OK);

		/* GCM: any bit of the key or the salt; CBC: the HMAC key */
		for (size_t bit = 0; bit < (size_t)(info->auth_key_len ? info->auth_key_len : info->enc_key_len) * 8;
		     bit += 37) {
			uint8_t tmp[64];

			memcpy(ek2, ek, sizeof(ek2));
			memcpy(ak2, ak, sizeof(ak2));
			if (info->auth_key_len)
				ak2[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			else
				ek2[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			dec = dp_esp_crypto_new(all_algs[a], ek2, info->enc_key_len, ak2,
						info->auth_key_len, false);
			cr_assert_not_null(dec);
			memcpy(tmp, buf, len);
			cr_assert_eq(dp_esp_decrypt(dec, aad, 8, iv, tmp, len, icv), DP_ESP_ERR_ICV,
				     "%s: key bit %zu", info->name, bit);
			dp_esp_crypto_free(dec);
		}
		if (info->auth_key_len) {
			/* CBC: the ICV covers the ciphertext only; a wrong cipher key
			 * with the right HMAC key decrypts to garbage, which the
			 * trailer check after decryption catches. */
			uint8_t tmp[64];

			memcpy(ek2, ek, sizeof(ek2));
			ek2[0] ^= 1;
			dec = dp_esp_crypto_new(all_algs[a], ek2, info->enc_key_len, ak,
						info->auth_key_len, false);
			memcpy(tmp, buf, len);
			cr_assert_eq(dp_esp_decrypt(dec, aad, 8, iv, tmp, len, icv), DP_ESP_OK);
			cr_assert(memcmp(tmp, pt, len) != 0);
			dp_esp_crypto_free(dec);
		}
		dp_esp_crypto_free(enc);
	}
}

/* ------------------------------------------------------ misuse, IVs -- */

Test(esp_crypto, arguments)
{
	uint8_t k[64] = { 1 }, data[64] = { 0 }, aad[12] = { 0 }, iv[16] = { 0 }, icv[16];
	struct pair p = pair_new(DP_ESP_AES_CBC_128_HMAC_SHA256, 3);
	struct pair g = pair_new(DP_ESP_AES_GCM_128, 4);

	cr_assert_null(dp_esp_crypto_new(0, k, 20, NULL, 0, true));
	cr_assert_null(dp_esp_crypto_new(DP_ESP_ALG_MAX + 1, k, 20, NULL, 0, true));
	cr_assert_null(dp_esp_crypto_new(DP_ESP_AES_GCM_128, k, 16, NULL, 0, true), "no salt");
	cr_assert_null(dp_esp_crypto_new(DP_ESP_AES_GCM_256, k, 20, NULL, 0, true));
	cr_assert_null(dp_esp_crypto_new(DP_ESP_AES_GCM_128, k, 20, k, 32, true), "GCM has no auth key");
	cr_assert_null(dp_esp_crypto_new(DP_ESP_AES_CBC_128_HMAC_SHA256, k, 16, NULL, 0, true));
	cr_assert_null(dp_esp_crypto_new(DP_ESP_AES_CBC_128_HMAC_SHA256, k, 16, k, 20, true));
	cr_assert_null(dp_esp_crypto_new(DP_ESP_AES_CBC_256_HMAC_SHA256, k, 16, k, 32, true));
	cr_assert_null(dp_esp_crypto_new(DP_ESP_AES_CBC_128_HMAC_SHA256, NULL, 16, k, 32, true));
	dp_esp_crypto_free(NULL);

	cr_assert_eq(dp_esp_crypto_info(p.enc), dp_esp_alg_info(DP_ESP_AES_CBC_128_HMAC_SHA256));
	cr_assert_eq(dp_esp_encrypt(p.enc, aad, 10, iv, data, 16, icv), DP_ESP_ERR_LEN);
	cr_assert_eq(dp_esp_encrypt(p.enc, aad, 8, iv, data, 20, icv), DP_ESP_ERR_LEN, "not 16-aligned");
	cr_assert_eq(dp_esp_decrypt(p.dec, aad, 8, iv, data, 8, icv), DP_ESP_ERR_LEN);
	cr_assert_eq(dp_esp_encrypt(g.enc, aad, 8, iv, data, 6, icv), DP_ESP_ERR_LEN, "not 4-aligned");
	cr_assert_eq(dp_esp_decrypt(g.dec, aad, 0, iv, data, 8, icv), DP_ESP_ERR_LEN);
	cr_assert_eq(dp_esp_encrypt(g.enc, aad, 8, iv, data, DP_ESP_DATA_MAX + 1, icv), DP_ESP_ERR_LEN);
	/* direction fixed at creation */
	cr_assert_eq(dp_esp_encrypt(p.dec, aad, 8, iv, data, 16, icv), DP_ESP_ERR_CRYPTO);
	cr_assert_eq(dp_esp_decrypt(p.enc, aad, 8, iv, data, 16, icv), DP_ESP_ERR_CRYPTO);
	cr_assert_eq(dp_esp_encrypt(g.dec, aad, 8, iv, data, 16, icv), DP_ESP_ERR_CRYPTO);
	cr_assert_eq(dp_esp_decrypt(g.enc, aad, 8, iv, data, 16, icv), DP_ESP_ERR_CRYPTO);
	cr_assert_eq(dp_esp_iv_gen(p.dec, 1, iv), DP_ESP_ERR_CRYPTO);
	cr_assert_eq(dp_esp_iv_gen(g.dec, 1, iv), DP_ESP_ERR_CRYPTO);
	/* an empty ciphertext is still authenticated */
	cr_assert_eq(dp_esp_encrypt(p.enc, aad, 8, iv, data, 0, icv), DP_ESP_OK);
	cr_assert_eq(dp_esp_decrypt(p.dec, aad, 8, iv, data, 0, icv), DP_ESP_OK);
	icv[0] ^= 1;
	cr_assert_eq(dp_esp_decrypt(p.dec, aad, 8, iv, data, 0, icv), DP_ESP_ERR_ICV);
	cr_assert_eq(dp_esp_encrypt(g.enc, aad, 8, iv, data, 0, icv), DP_ESP_OK);
	cr_assert_eq(dp_esp_decrypt(g.dec, aad, 8, iv, data, 0, icv), DP_ESP_OK);
	icv[15] ^= 1;
	cr_assert_eq(dp_esp_decrypt(g.dec, aad, 8, iv, data, 0, icv), DP_ESP_ERR_ICV);
	pair_free(&p);
	pair_free(&g);
}

static int iv_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

Test(esp_crypto, ivs)
{
	enum { N = 20000 };
	struct pair g = pair_new(DP_ESP_AES_GCM_256, 5);
	struct pair c1 = pair_new(DP_ESP_AES_CBC_256_HMAC_SHA256, 6);
	struct pair c2 = pair_new(DP_ESP_AES_CBC_256_HMAC_SHA256, 6);
	static uint8_t ivs[N][16];
	uint8_t iv[16], a[16], b[16];
	const uint8_t gcm_want[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };

	/* GCM: the sequence number, big-endian (RFC 4106 3.1) */
	cr_assert_eq(dp_esp_iv_gen(g.enc, 0x0123456789abcdefull, iv), DP_ESP_OK);
	cr_assert_arr_eq(iv, gcm_want, 8);

	/* CBC: distinct for distinct sequence numbers, including across the
	 * 32-bit boundary of ESN, and far from the counter itself */
	for (uint64_t s = 0; s < N; s++) {
		uint64_t seq = s < N / 2 ? s : 0xffffffffull - N / 2 + s;

		cr_assert_eq(dp_esp_iv_gen(c1.enc, seq, ivs[s]), DP_ESP_OK);
	}
	qsort(ivs, N, 16, iv_cmp);
	for (size_t s = 1; s < N; s++)
		cr_assert(memcmp(ivs[s - 1], ivs[s], 16) != 0, "IV repeated");
	/* the same key material twice still gives each context its own IV key */
	cr_assert_eq(dp_esp_iv_gen(c1.enc, 77, a), DP_ESP_OK);
	cr_assert_eq(dp_esp_iv_gen(c2.enc, 77, b), DP_ESP_OK);
	cr_assert(memcmp(a, b, 16) != 0);
	cr_assert_eq(dp_esp_iv_gen(c1.enc, 77, b), DP_ESP_OK);
	cr_assert_arr_eq(a, b, 16, "a function of (context, seq)");
	pair_free(&g);
	pair_free(&c1);
	pair_free(&c2);
}

/* --------------------------------------------------- no per-packet heap -- */

Test(esp_crypto, no_allocation_per_packet)
{
	static uint8_t buf[1600], pt[1600];
	struct pair p[N_ALGS];
	unsigned long before, setup;

	cr_assert(mem_hooks, "CRYPTO_set_mem_functions refused: libcrypto allocated before main");
	before = allocs();
	for (size_t a = 0; a < N_ALGS; a++)
		p[a] = pair_new(all_algs[a], (uint8_t)(9 * a));
	setup = allocs() - before;
	cr_assert_gt(setup, 0, "the counter sees libcrypto's allocations");
	fill_random(pt, sizeof(pt));

	/* From the first packet after set-up: every call a worker makes, on
	 * success and on ICV failure, over many sizes. */
	before = allocs();
	for (size_t a = 0; a < N_ALGS; a++) {
		for (size_t n = 0; n <= 1500; n += 7) {
			uint8_t aad[12], iv[16], icv[16];
			size_t aad_len = esp_aad(aad, 0x777, n, n % 3 == 0);
			size_t len = esp_trailer(pt, n, p[a].info->block, 4);

			memcpy(buf, pt, len);
			cr_assert_eq(dp_esp_iv_gen(p[a].enc, n, iv), DP_ESP_OK);
			cr_assert_eq(dp_esp_encrypt(p[a].enc, aad, aad_len, iv, buf, len, icv), DP_ESP_OK);
			cr_assert_eq(dp_esp_decrypt(p[a].dec, aad, aad_len, iv, buf, len, icv), DP_ESP_OK);
			memcpy(buf, pt, len);
			cr_assert_eq(dp_esp_encrypt(p[a].enc, aad, aad_len, iv, buf, len, icv), DP_ESP_OK);
			icv[n % 16] ^= 4;
			cr_assert_eq(dp_esp_decrypt(p[a].dec, aad, aad_len, iv, buf, len, icv),
				     DP_ESP_ERR_ICV);
		}
	}
	cr_assert_eq(allocs() - before, 0ul,
		     "%lu mallocs, %lu reallocs, %lu frees in total; per-packet calls made some",
		     atomic_load(&n_malloc), atomic_load(&n_realloc), atomic_load(&n_free));
	for (size_t a = 0; a < N_ALGS; a++)
		pair_free(&p[a]);
}

/* ------------------------------------------------------------ tshark -- */

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* One Ethernet/IPv6/ESP frame 2001:db8::1 -> 2001:db8::2 with SPI spi,
 * sequence number 5 and a 33-byte payload 00 01 .. 20 (next header 59),
 * appended to the pcap f. bad_icv flips an ICV bit. */
static void tshark_frame(FILE *f, struct dp_esp_crypto *c, uint32_t spi, bool bad_icv)
{
	const struct pmip_esp_alg_desc *info = dp_esp_crypto_info(c);
	uint8_t fr[256] = { 0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x86, 0xdd };
	uint8_t *ip = fr + 14, *esp = ip + 40, *iv = esp + 8, *ct = iv + info->iv_len;
	size_t len, esp_len;
	uint32_t rec[4];

	ip[0] = 0x60;
	ip[6] = 50; /* ESP */
	ip[7] = 64;
	ip[8] = 0x20, ip[9] = 0x01, ip[10] = 0x0d, ip[11] = 0xb8, ip[23] = 1;
	ip[24] = 0x20, ip[25] = 0x01, ip[26] = 0x0d, ip[27] = 0xb8, ip[39] = 2;
	put32(esp, spi);
	put32(esp + 4, 5);
	cr_assert_eq(dp_esp_iv_gen(c, 5, iv), DP_ESP_OK);
	for (size_t i = 0; i < 33; i++)
		ct[i] = (uint8_t)i;
	len = esp_trailer(ct, 33, info->block, 59);
	cr_assert_eq(dp_esp_encrypt(c, esp, 8, iv, ct, len, ct + len), DP_ESP_OK);
	if (bad_icv)
		ct[len + 3] ^= 0x20;
	esp_len = 8 + info->iv_len + len + info->icv_len;
	ip[4] = (uint8_t)(esp_len >> 8);
	ip[5] = (uint8_t)esp_len;
	rec[0] = spi; /* timestamp: one second per frame */
	rec[1] = 0;
	rec[2] = rec[3] = (uint32_t)(14 + 40 + esp_len);
	cr_assert_eq(fwrite(rec, sizeof(rec), 1, f), 1);
	cr_assert_eq(fwrite(fr, 14 + 40 + esp_len, 1, f), 1);
}

static void hex_append(char *out, size_t max, const uint8_t *p, size_t n)
{
	size_t at = strlen(out);

	for (size_t i = 0; i < n && at + 3 < max; i++, at += 2)
		snprintf(out + at, max - at, "%02x", p[i]);
}

Test(esp_crypto, tshark_decrypts_and_verifies)
{
	char dir[] = "/tmp/esp_crypto_tshark.XXXXXX", pcap[64], cmd[4096], line[512];
	const uint32_t pcap_hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 /* Ethernet */ };
	struct dp_esp_crypto *c[N_ALGS];
	unsigned good = 0, bad = 0;
	FILE *f;

	if (system("tshark -v >/dev/null 2>&1") != 0)
		cr_skip_test("tshark not installed");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(pcap, sizeof(pcap), "%s/esp.pcap", dir);
	f = fopen(pcap, "wb");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(pcap_hdr, sizeof(pcap_hdr), 1, f), 1);
	snprintf(cmd, sizeof(cmd),
		 "tshark -r %s -o esp.enable_encryption_decode:TRUE "
		 "-o esp.enable_authentication_check:TRUE",
		 pcap);
	for (size_t a = 0; a < N_ALGS; a++) {
		const struct pmip_esp_alg_desc *info = dp_esp_alg_info(all_algs[a]);
		uint8_t ek[36], ak[32];

		for (size_t i = 0; i < sizeof(ek); i++)
			ek[i] = (uint8_t)(0x10 * a + i);
		for (size_t i = 0; i < sizeof(ak); i++)
			ak[i] = (uint8_t)(0x80 + a + i);
		c[a] = dp_esp_crypto_new(all_algs[a], ek, info->enc_key_len, ak, info->auth_key_len,
					 true);
		cr_assert_not_null(c[a]);
		/* the SA, as a key log line would give it to tshark */
		snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd),
			 " -o 'uat:esp_sa:\"IPv6\",\"2001:db8::1\",\"2001:db8::2\",\"0x%08zx\","
			 "\"%s\",\"0x",
			 0x1000 + a, info->tshark_enc);
		hex_append(cmd, sizeof(cmd), ek, info->enc_key_len);
		snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), "\",\"%s\",\"%s",
			 info->tshark_auth, info->auth_key_len ? "0x" : "");
		hex_append(cmd, sizeof(cmd), ak, info->auth_key_len);
		snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), "\"'");
		tshark_frame(f, c[a], (uint32_t)(0x1000 + a), false);
		tshark_frame(f, c[a], (uint32_t)(0x1000 + a), true);
	}
	cr_assert_eq(fclose(f), 0);
	snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd),
		 " -T fields -E separator=, -e esp.spi -e esp.icv_good -e esp.contained_data 2>/dev/null");

	f = popen(cmd, "r");
	cr_assert_not_null(f);
	for (int frame = 0; fgets(line, sizeof(line), f) != NULL; frame++) {
		bool want_good = frame % 2 == 0;

		line[strcspn(line, "\n")] = '\0';
		if (want_good) {
			cr_expect_str_eq(strchr(line, ','),
					 ",1,000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20",
					 "frame %d (%s): tshark says %s", frame + 1,
					 dp_esp_alg_info(all_algs[frame / 2])->name, line);
			good++;
		} else {
			cr_expect(strstr(line, ",0,") != NULL, "frame %d: tampered ICV taken as good: %s",
				  frame + 1, line);
			bad++;
		}
	}
	cr_assert_eq(pclose(f), 0, "tshark failed: %s", cmd);
	cr_assert_eq(good, N_ALGS);
	cr_assert_eq(bad, N_ALGS);
	for (size_t a = 0; a < N_ALGS; a++)
		dp_esp_crypto_free(c[a]);
	unlink(pcap);
	rmdir(dir);
}
