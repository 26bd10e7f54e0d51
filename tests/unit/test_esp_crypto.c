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

/* ------------------------------------------------------------ helpers -- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void fill_random(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rng();
}

/* RFC 4303 2.4: payload, padding 1, 2, 3 ..., pad length, next header, the
 * whole a multiple of block. Returns the ciphertext length. */
static size_t esp_trailer(uint8_t *buf, size_t payload, size_t block, uint8_t next_header)
{
	size_t pad = (block - (payload + 2) % block) % block;

	for (size_t i = 0; i < pad; i++)
		buf[payload + i] = (uint8_t)(i + 1);
	buf[payload + pad] = (uint8_t)pad;
	buf[payload + pad + 1] = next_header;
	return payload + pad + 2;
}

/* AAD in the RFC 4106 5 layout. */
static size_t esp_aad(uint8_t aad[12], uint32_t spi, uint64_t seq, bool esn)
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

static const enum dp_esp_alg all_algs[] = {
	DP_ESP_AES_GCM_128,
	DP_ESP_AES_GCM_256,
	DP_ESP_AES_CBC_128_HMAC_SHA256,
	DP_ESP_AES_CBC_256_HMAC_SHA256,
};
#define N_ALGS (sizeof(all_algs) / sizeof(all_algs[0]))

struct pair {
	struct dp_esp_crypto *enc, *dec;
	const struct pmip_esp_alg_desc *info;
};

static struct pair pair_new(enum dp_esp_alg alg, uint8_t seed)
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

static void pair_free(struct pair *p)
{
	dp_esp_crypto_free(p->enc);
	dp_esp_crypto_free(p->dec);
}

/* HMAC-SHA-256-128 by EVP_MAC, over the concatenation of up to 4 parts. */
static void evp_hmac128(const uint8_t *key, size_t key_len, const uint8_t *const part[4],
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

/* ------------------------------------------------------ algorithm info -- */

Test(esp_crypto, alg_info)
{
	const struct pmip_esp_alg_desc *g = dp_esp_alg_info(DP_ESP_AES_GCM_128);
	const struct pmip_esp_alg_desc *c = dp_esp_alg_info(DP_ESP_AES_CBC_256_HMAC_SHA256);

	cr_assert_null(dp_esp_alg_info(0));
	cr_assert_null(dp_esp_alg_info(DP_ESP_ALG_MAX + 1));
	cr_assert_eq(g->iv_len, 8);
	cr_assert_eq(g->icv_len, 16);
	cr_assert_eq(g->block, 4);
	cr_assert_eq(g->enc_key_len, 20);
	cr_assert_eq(g->auth_key_len, 0);
	cr_assert_eq(dp_esp_alg_info(DP_ESP_AES_GCM_256)->enc_key_len, 36);
	cr_assert_eq(c->iv_len, 16);
	cr_assert_eq(c->icv_len, 16);
	cr_assert_eq(c->block, 16);
	cr_assert_eq(c->enc_key_len, 32);
	cr_assert_eq(c->auth_key_len, 32);
	cr_assert_eq(dp_esp_alg_info(DP_ESP_AES_CBC_128_HMAC_SHA256)->enc_key_len, 16);
	/* Wireshark's esp_sa table names (packet-ipsec.c) */
	cr_assert_str_eq(g->tshark_enc, "AES-GCM with 16 octet ICV [RFC4106]");
	cr_assert_str_eq(g->tshark_auth, "NULL");
	cr_assert_str_eq(c->tshark_enc, "AES-CBC [RFC3602]");
	cr_assert_str_eq(c->tshark_auth, "HMAC-SHA-256-128 [RFC4868]");
	cr_assert_str_eq(dp_esp_result_name(DP_ESP_ERR_ICV), "icv_mismatch");
	cr_assert_str_eq(dp_esp_result_name(7), "unknown");
}

/* ----------------------------------------- draft-mcgrew-gcm-test-01 4 -- */

struct gcm_vec {
	int tc;                 /* test case number in the draft */
	enum dp_esp_alg alg;
	const char *key;        /* AES key || salt (the nonce's first 4 bytes) */
	const char *iv;         /* the nonce's last 8 bytes: the ESP IV */
	const char *aad;        /* SPI || [seq_hi ||] seq_lo */
	const char *pt;
	const char *ct;
	const char *tag;
};

static const struct gcm_vec gcm_vecs[] = {
	{ 1, DP_ESP_AES_GCM_128, "4c80cdefbb5d10da906ac73c3613a634" "2e443b68", "4956ed7e3b244cfe",
	  "000043218765432100000000",
	  "45000048699a000080114db7c0a80102c0a801010a9bf15638d3010000010000"
	  "00000000045f736970045f756470037369700963796265726369747902646b00"
	  "0021000101020201",
	  "fecf537e729d5b07dc30df528dd22b768d1b98736696a6fd348509fa13ceac34"
	  "cfa2436f14a3f3cf65925bf1f4a13c5d15b21e1884f5ff6247aeabb786b93bce"
	  "61bc17d768fd9732",
	  "459018148f6cbe722fd04796562dfdb4" },
	{ 2, DP_ESP_AES_GCM_128, "feffe9928665731c6d6a8f9467308308" "cafebabe", "facedbaddecaf888",
	  "0000a5f80000000a",
	  "4500003e698f000080114dccc0a80102c0a801010a980035002a2343b2d00100"
	  "0001000000000000037369700963796265726369747902646b00000100010001",
	  "deb22cd9b07c72c16e3a65beeb8df304a5a5897d33ae530f1ba76d5d114d2a5c"
	  "3de81827c10e9a4f51330d0eec416642cfbb85a5b47e48a4ec3b9ba95d918bd1",
	  "83b70d3aa8bc6ee4c309e9d85a41ad4a" },
	{ 3, DP_ESP_AES_GCM_256,
	  "abbccddef00112233445566778899aababbccddef00112233445566778899aab" "11223344",
	  "0102030405060708", "4a2cbfe300000002",
	  "4500003069a6400080062690c0a801029389155e0a9e008b2dc57ee000000000"
	  "7002400020bf0000020405b40101040201020201",
	  "ff425c9b724599df7a3bcd510194e00d6a78107f1b0b1cbf06efae9d65a5d763"
	  "748a637985771d347f0545659f14e99def842d8e",
	  "b335f4eecfdbf831824b4c4915956c96" },
	{ 4, DP_ESP_AES_GCM_128, "00000000000000000000000000000000" "00000000", "0000000000000000",
	  "0000000000000001",
	  "4500003c99c500008001cb7a40679318010101010800075c0200440061626364"
	  "65666768696a6b6c6d6e6f707172737475767761626364656667686901020201",
	  "4688daf2f973a392732909c331d56d60f694abaa414b5e7ff5fdcdfff5e9a284"
	  "456476492719ffb64de7d9dca1e1d894bc3bd57873ed4d181d19d4d5c8c18af3",
	  "f821d496eeb096e98ad2b69e4799c71d" },
	{ 5, DP_ESP_AES_GCM_128, "3de09874b388e6491988d0c3607eae1f" "57690e43", "4e280000a2fca1a3",
	  "42f67e3f1010101010101010",
	  "4500003c99c300008001cb7c40679318010101010800085c0200430061626364"
	  "65666768696a6b6c6d6e6f707172737475767761626364656667686901020201",
	  "fba2caa4853cf9f0f22cb10d86dd83b0fec75691cf1a04b00d1138ec9c357917"
	  "65acbd8701ad79845bf9fe3fba487bc91755e6662b4c8d0d1f5e22739530320a",
	  "e0d731cc978ecafaeae88f00e80d6e48" },
	{ 6, DP_ESP_AES_GCM_128, "3de09874b388e6491988d0c3607eae1f" "57690e43", "4e280000a2fca1a3",
	  "42f67e3f1010101010101010",
	  "4500001c42a200008001441f406793b6e00000020a00f5ff01020201",
	  "fba2ca845e5df9f0f22c3e6e86dd831e1fc65792cd1af9130e1379ed",
	  "369f071f35e034be95f112e4e7d05d35" },
	{ 8, DP_ESP_AES_GCM_128, "abbccddef00112233445566778899aab" "decaf888", "cafedebaceface74",
	  "000001000000000000000001",
	  "4500004933ba00007f119106c3fb1d10c2b1d326c02831ce0035dd7b800302d5"
	  "00004e20001e8c18d75b81dc91baa0476b91b924b280389d92c963bac046ec95"
	  "9b6266c04722b14923010101",
	  "18a6fd42f72cbf4ab2a2ea901f73d814e3e7f243d95412e1c349c1d2fbec168f"
	  "9190feebaf2cb01984e65863965d7472b79da345e0e780191f0d2f0e0f496c22"
	  "6f2127b27db35724e7845d68",
	  "651f57e65f354f75ff17015769623436" },
	{ 9, DP_ESP_AES_GCM_256,
	  "abbccddef00112233445566778899aababbccddef00112233445566778899aab" "73616c74",
	  "616e640169766563", "17405e67156f3126dd0db99b",
	  "45080028732c00004006e9f90a0106120a01038f06b88023dd6bafbecb712602"
	  "50101f646d540001",
	  "f2d69ecdbd5a0d5b8d5ef38bad4da58d1f278fde98ef67549d524a3018d9a57f"
	  "f4d3a31ce673119e",
	  "451626c2415771e3b7eebca614c89b35" },
	{ 10, DP_ESP_AES_GCM_128, "3de09874b388e6491988d0c3607eae1f" "57690e43", "4e280000a2fca1a3",
	  "42f67e3f1010101010101010",
	  "45000049333e00007f119182c3fb1d10c2b1d326c02831ce0035cb458003025b"
	  "000001e0001e8c18d65759d52284a0352c71475c8880391c764d6e5ee0496b32"
	  "5ae270c03899493915010101",
	  "fba2cad12fc1f9f00d3cebf305410db83d7784b607323d220f24b0a97d541828"
	  "00cadb0f68d99ef0e0c0c89ae9bea8884e52d65bc1afd0740f742444747b5b39"
	  "ab533163aad4550ee5160975",
	  "cdb608c5769189609763b8e18caa81e2" },
	{ 11, DP_ESP_AES_GCM_256,
	  "abbccddef00112233445566778899aababbccddef00112233445566778899aab" "73616c74",
	  "616e640169766563", "17405e67156f3126dd0db99b",
	  "636973636f0172756c657301746865016e6574776501646566696e6501746865"
	  "746563686e6f6c6f67696573017468617477696c6c01646566696e65746f6d6f"
	  "72726f7701020201",
	  "d4b7ed86a1777f2ea13d6973d324c69e7b43f826fb56831226508bebd2dceb18"
	  "d0a6df10e5487df074113e14c641024e3e6773d91a62ee429b043a10e3efe6b0"
	  "12a49363412364f8",
	  "c0cac587f249e56b11e24f30e44ccc76" },
	{ 12, DP_ESP_AES_GCM_128, "7d773d00c144c525ac619d18c84a3f47" "d9664267", "43457e9182443bc6",
	  "335467aeffffffff", "01020201", "437f866b", "cb3f699fe9b0822bac961c4504bef270" },
	{ 13, DP_ESP_AES_GCM_128, "abbccddef00112233445566778899aab" "decaf888", "cafedebaceface74",
	  "000001000000000000000001", "746f016265016f72016e6f7401746f0162650001",
	  "29c9fc69a197d038ccdd14e2ddfcaa0543332164", "412503524303ed3c6c5f283843af8c3e" },
	{ 14, DP_ESP_AES_GCM_256,
	  "6c6567616c697a656d6172696a75616e61616e64646f69746265666f72656961" "7475726e",
	  "333021696765746d", "796b6963ffffffffffffffff",
	  "45000030da3a00008001df3bc0a80005c0a800010800c6cd0200070061626364"
	  "65666768696a6b6c6d6e6f707172737401020201",
	  "f97ab2aa356d8edce17644ac8c78e25dd24dedbb29ebf1b64a274b39b49c3a86"
	  "4cd3d78ca4ae68a32b42458fb57dbe821dcc63b9",
	  "d0937ba2945f669368661a329fb4c053" },
};

Test(esp_crypto, gcm_draft_mcgrew_vectors)
{
	for (size_t i = 0; i < sizeof(gcm_vecs) / sizeof(gcm_vecs[0]); i++) {
		const struct gcm_vec *v = &gcm_vecs[i];
		uint8_t key[64], iv[8], aad[12], pt[256], ct[256], tag[16], buf[256], icv[16];
		size_t key_len = test_unhex(v->key, key, sizeof(key));
		size_t aad_len = test_unhex(v->aad, aad, sizeof(aad));
		size_t len = test_unhex(v->pt, pt, sizeof(pt));
		struct dp_esp_crypto *enc = dp_esp_crypto_new(v->alg, key, key_len, NULL, 0, true);
		struct dp_esp_crypto *dec = dp_esp_crypto_new(v->alg, key, key_len, NULL, 0, false);

		cr_assert_eq(test_unhex(v->iv, iv, sizeof(iv)), 8);
		cr_assert_eq(test_unhex(v->ct, ct, sizeof(ct)), len, "test case %d", v->tc);
		cr_assert_eq(test_unhex(v->tag, tag, sizeof(tag)), 16);
		cr_assert(enc != NULL && dec != NULL, "test case %d: contexts", v->tc);

		memcpy(buf, pt, len);
		cr_assert_eq(dp_esp_encrypt(enc, aad, aad_len, iv, buf, len, icv), DP_ESP_OK,
			     "test case %d", v->tc);
		cr_assert_arr_eq(buf, ct, len, "test case %d: ciphertext", v->tc);
		cr_assert_arr_eq(icv, tag, 16, "test case %d: ICV", v->tc);

		cr_assert_eq(dp_esp_decrypt(dec, aad, aad_len, iv, buf, len, tag), DP_ESP_OK,
			     "test case %d", v->tc);
		cr_assert_arr_eq(buf, pt, len, "test case %d: plaintext", v->tc);

		dp_esp_crypto_free(enc);
		dp_esp_crypto_free(dec);
	}
}

/* ------------------------------------------------------------ AES-CBC -- */

/* RFC 3602 4 cases 1-4 and SP 800-38A F.2.5: plain CBC, the data already
 * whole blocks. The ICV is checked against EVP_MAC. */
struct cbc_vec {
	const char *ref;
	enum dp_esp_alg alg;
	const char *key, *iv, *pt, *ct;
};

static const struct cbc_vec cbc_vecs[] = {
	{ "RFC 3602 case 1", DP_ESP_AES_CBC_128_HMAC_SHA256, "06a9214036b8a15b512e03d534120006",
	  "3dafba429d9eb430b422da802c9fac41",
	  "53696e676c6520626c6f636b206d7367", /* "Single block msg" */
	  "e353779c1079aeb82708942dbe77181a" },
	{ "RFC 3602 case 2", DP_ESP_AES_CBC_128_HMAC_SHA256, "c286696d887c9aa0611bbb3e2025a45a",
	  "562e17996d093d28ddb3ba695a2e6f58",
	  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	  "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1" },
	{ "RFC 3602 case 3", DP_ESP_AES_CBC_128_HMAC_SHA256, "6c3ea0477630ce21a2ce334aa746c2cd",
	  "c782dc4c098c66cbd9cd27d825682c81",
	  /* "This is a 48-byte message (exactly 3 AES blocks)" */
	  "5468697320697320612034382d62797465206d657373616765202865786163746c7920"
	  "332041455320626c6f636b7329",
	  "d0a02b3836451753d493665d33f0e8862dea54cdb293abc7506939276772f8d5"
	  "021c19216bad525c8579695d83ba2684" },
	{ "RFC 3602 case 4", DP_ESP_AES_CBC_128_HMAC_SHA256, "56e47a38c5598974bc46903dba290349",
	  "8ce82eefbea0da3c44699ed7db51b7d9",
	  "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
	  "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf",
	  "c30e32ffedc0774e6aff6af0869f71aa0f3af07a9a31a9c684db207eb0ef8e4e"
	  "35907aa632c3ffdf868bb7b29d3d46ad83ce9f9a102ee99d49a53e87f4c3da55" },
	{ "SP 800-38A F.2.5", DP_ESP_AES_CBC_256_HMAC_SHA256,
	  "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
	  "000102030405060708090a0b0c0d0e0f",
	  "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	  "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
	  "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
	  "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b" },
};

/* RFC 3602 4 cases 5-8: ESP packets (no authentication in the RFC). */
struct cbc_esp_vec {
	int tc;
	const char *key;
	uint32_t spi, seq;
	const char *iv;
	const char *payload;
	uint8_t next_header;
	const char *ct;
};

static const struct cbc_esp_vec cbc_esp_vecs[] = {
	{ 5, "90d382b410eeba7ad938c46cec1a82bf", 0x4321, 1, "e96e8c08ab465763fd098d45dd3ff893",
	  "08000ebda70a00008e9c083db95b070008090a0b0c0d0e0f1011121314151617"
	  "18191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637",
	  1,
	  "f663c25d325c18c6a9453e194e120849a4870b66cc6b9965330013b4898dc856"
	  "a4699e523a55db080b59ec3a8e4b7e52775b07d1db34ed9c538ab50c551b874a"
	  "a269add047ad2d5913ac19b7cfbad4a6" },
	{ 6, "90d382b410eeba7ad938c46cec1a82bf", 0x4321, 8, "69d08df7d203329db093fc4924e5bd80",
	  "0800b5e8a80a0500a69c083d0b660e00777777777777777777777777", 1,
	  "f51995881ec4e0c4488987ce742e8109689bb379d2d750c0d915dca346a89f75" },
	{ 7, "0123456789abcdef0123456789abcdef", 0x8765, 2, "f4e765244f6407adf13dc1380f673f37",
	  "45000054090400004001f988c0a87b03c0a87bc808009f76a90a0100b49c083d"
	  "02a2040008090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223"
	  "2425262728292a2b2c2d2e2f3031323334353637",
	  4,
	  "773b5241a4c449225e4f3ce5ed611b0c237ca96cf74a93013c1b0ea1a0cf70f8"
	  "e4ecaec78ac53aad7a0f022b859243c647752e94a859352b8a4d4d2decd136e5"
	  "c177f132ad3fbfb2201ac9904c74ee0a109e0ca1e4dfe9d5a100b842f1c22f0d" },
	{ 8, "0123456789abcdef0123456789abcdef", 0x8765, 5, "85d47224b5f3dd5d2101d4ea8dffab22",
	  "45000044090c00004001f990c0a87b03c0a87bc80800d63caa0a0200c69c083d"
	  "a3de0300ffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	  "ffffffff",
	  4,
	  "15b92683819596a8047232cc00f7048fe45318e11f8a0f62ede3c3fc61203bb5"
	  "0f980a08c9843fd3a1b06d5c07ff9639b7eb7dfb3512e5de435e7207ed971ef3"
	  "d2726d9b5ef6affc6d17a0decbb13892" },
};

static const uint8_t cbc_auth_key[32] = {
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10,
	0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78, 0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0,
};

/* Encrypt pt under (key, iv), expect ct; ICV against EVP_MAC over
 * SPI || seq_lo || IV || ct [|| seq_hi]; decrypt back. */
static void cbc_check(const char *ref, enum dp_esp_alg alg, const uint8_t *key, size_t key_len,
		      const uint8_t *aad, size_t aad_len, const uint8_t iv[16], const uint8_t *pt,
		      const uint8_t *ct, size_t len)
{
	struct dp_esp_crypto *enc =
		dp_esp_crypto_new(alg, key, key_len, cbc_auth_key, sizeof(cbc_auth_key), true);
	struct dp_esp_crypto *dec =
		dp_esp_crypto_new(alg, key, key_len, cbc_auth_key, sizeof(cbc_auth_key), false);
	uint8_t buf[256], icv[16], want[16], hdr[8];
	const uint8_t *part[4] = { hdr, iv, ct, aad + 4 };
	size_t part_len[4] = { 8, 16, len, aad_len == 12 ? 4 : 0 };

	cr_assert(enc != NULL && dec != NULL, "%s: contexts", ref);
	memcpy(hdr, aad, 4);
	memcpy(hdr + 4, aad + aad_len - 4, 4);
	evp_hmac128(cbc_auth_key, sizeof(cbc_auth_key), part, part_len, want);

	memcpy(buf, pt, len);
	cr_assert_eq(dp_esp_encrypt(enc, aad, aad_len, iv, buf, len, icv), DP_ESP_OK, "%s", ref);
	cr_assert_arr_eq(buf, ct, len, "%s: ciphertext", ref);
	cr_assert_arr_eq(icv, want, 16, "%s: ICV", ref);
	cr_assert_eq(dp_esp_decrypt(dec, aad, aad_len, iv, buf, len, icv), DP_ESP_OK, "%s", ref);
	cr_assert_arr_eq(buf, pt, len, "%s: plaintext", ref);
	dp_esp_crypto_free(enc);
	dp_esp_crypto_free(dec);
}

Test(esp_crypto, cbc_rfc3602_and_sp800_38a)
{
	for (size_t i = 0; i < sizeof(cbc_vecs) / sizeof(cbc_vecs[0]); i++) {
		const struct cbc_vec *v = &cbc_vecs[i];
		uint8_t key[32], iv[16], pt[128], ct[128], aad[12];
		size_t key_len = test_unhex(v->key, key, sizeof(key));
		size_t len = test_unhex(v->pt, pt, sizeof(pt));

		cr_assert_eq(test_unhex(v->iv, iv, sizeof(iv)), 16);
		cr_assert_eq(test_unhex(v->ct, ct, sizeof(ct)), len, "%s", v->ref);
		/* without and with ESN */
		cbc_check(v->ref, v->alg, key, key_len, aad, esp_aad(aad, 0x1000 + i, 7, false), iv,
			  pt, ct, len);
		cbc_check(v->ref, v->alg, key, key_len, aad,
			  esp_aad(aad, 0x1000 + i, 0x0000000500000007ull, true), iv, pt, ct, len);
	}
}

Test(esp_crypto, cbc_rfc3602_esp_packets)
{
	for (size_t i = 0; i < sizeof(cbc_esp_vecs) / sizeof(cbc_esp_vecs[0]); i++) {
		const struct cbc_esp_vec *v = &cbc_esp_vecs[i];
		uint8_t key[16], iv[16], pt[128], ct[128], aad[12];
		char ref[32];
		size_t payload, len;

		snprintf(ref, sizeof(ref), "RFC 3602 case %d", v->tc);
		cr_assert_eq(test_unhex(v->key, key, sizeof(key)), 16);
		cr_assert_eq(test_unhex(v->iv, iv, sizeof(iv)), 16);
		payload = test_unhex(v->payload, pt, sizeof(pt));
		len = esp_trailer(pt, payload, 16, v->next_header);
		cr_assert_eq(test_unhex(v->ct, ct, sizeof(ct)), len, "%s", ref);
		cbc_check(ref, DP_ESP_AES_CBC_128_HMAC_SHA256, key, 16, aad,
			  esp_aad(aad, v->spi, v->seq, false), iv, pt, ct, len);
	}
}

/* --------------------------------------------------------------- HMAC -- */

struct hmac_vec {
	const char *ref;
	const char *key;
	const char *data;       /* hex */
	const char *mac;        /* hex; shorter than 32 bytes: truncated */
};

#define HEX_HI_THERE "4869205468657265"
#define HEX_JEFE_MSG "7768617420646f2079612077616e7420666f72206e6f7468696e673f"
#define HEX_DD50                                                                             \
	"dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd" \
	"dddddddddddddddd"
#define HEX_CD50                                                                             \
	"cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd" \
	"cdcdcdcdcdcdcdcd"
#define HEX_AA131                                                                    \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
	"aaaaaaaaaa"

static const struct hmac_vec hmac_vecs[] = {
	{ "RFC 4231 case 1", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", HEX_HI_THERE,
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
	{ "RFC 4231 case 2", "4a656665", HEX_JEFE_MSG,
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
	{ "RFC 4231 case 3", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", HEX_DD50,
	  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
	{ "RFC 4231 case 4", "0102030405060708090a0b0c0d0e0f10111213141516171819", HEX_CD50,
	  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
	{ "RFC 4231 case 5 (truncated to 128)", "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c",
	  "546573742057697468205472756e636174696f6e", /* "Test With Truncation" */
	  "a3b6167473100ee06e0c796c2955552b" },
	{ "RFC 4231 case 6", HEX_AA131,
	  /* "Test Using Larger Than Block-Size Key - Hash Key First" */
	  "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a"
	  "65204b6579202d2048617368204b6579204669727374",
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
	{ "RFC 4231 case 7", HEX_AA131,
	  /* "This is a test using a larger than block-size key and a larger than
	   * block-size data. The key needs to be hashed before being used by the
	   * HMAC algorithm." */
	  "5468697320697320612074657374207573696e672061206c6172676572207468"
	  "616e20626c6f636b2d73697a65206b657920616e642061206c61726765722074"
	  "68616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565"
	  "647320746f20626520686173686564206265666f7265206265696e6720757365"
	  "642062792074686520484d414320616c676f726974686d2e",
	  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
	/* RFC 4868 2.7.2.1: PRF-HMAC-SHA-256; AUTH-HMAC-SHA-256-128 is the first
	 * 16 bytes, checked below. */
	{ "RFC 4868 AUTH256-1", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	  HEX_HI_THERE, "198a607eb44bfbc69903a0f1cf2bbdc5ba0aa3f3d9ae3c1c7a3b1696a0b68cf7" },
	{ "RFC 4868 AUTH256-2", "4a6566654a6566654a6566654a6566654a6566654a6566654a6566654a656665",
	  HEX_JEFE_MSG, "167f928588c5cc2eef8e3093caa0e87c9ff566a14794aa61648d81621a2a40c6" },
	{ "RFC 4868 AUTH256-3", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  HEX_DD50, "cdcb1220d1ecccea91e53aba3092f962e549fe6ce9ed7fdc43191fbde45c30b0" },
	{ "RFC 4868 AUTH256-4", "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20",
	  HEX_CD50, "372efcf9b40b35c2115b1346903d2ef42fced46f0846e7257bb156d3d7b30d3f" },
};

Test(esp_crypto, hmac_sha256_rfc4231_rfc4868)
{
	for (size_t i = 0; i < sizeof(hmac_vecs) / sizeof(hmac_vecs[0]); i++) {
		const struct hmac_vec *v = &hmac_vecs[i];
		uint8_t key[160], data[160], want[32], out[32];
		size_t key_len = test_unhex(v->key, key, sizeof(key));
		size_t len = test_unhex(v->data, data, sizeof(data));
		size_t mac_len = test_unhex(v->mac, want, sizeof(want));

		cr_assert_eq(dp_esp_hmac_sha256(key, key_len, data, len, out), 0, "%s", v->ref);
		cr_assert_arr_eq(out, want, mac_len, "%s", v->ref);
	}
}

/* The CBC ICV is HMAC-SHA-256-128 (RFC 4868 2.6: the first 16 bytes) over
 * SPI || seq_lo || IV || ciphertext || seq_hi (RFC 4303 2.2.1, 3.3.2.1),
 * here with ESN and the AUTH256-4 key of RFC 4868. */
Test(esp_crypto, cbc_icv_is_hmac_sha256_128)
{
	uint8_t ak[32], ek[16] = { 0 }, aad[12], iv[16], data[16] = { 0 }, icv[16], full[32], msg[48];
	struct dp_esp_crypto *enc;
	size_t aad_len;

	test_unhex("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20", ak, sizeof(ak));
	enc = dp_esp_crypto_new(DP_ESP_AES_CBC_128_HMAC_SHA256, ek, 16, ak, 32, true);
	cr_assert_not_null(enc);
	aad_len = esp_aad(aad, 0x11223344, 0xaabbccdd55667788ull, true);
	memset(iv, 0x5a, sizeof(iv));
	cr_assert_eq(dp_esp_encrypt(enc, aad, aad_len, iv, data, sizeof(data), icv), DP_ESP_OK);
	/* SPI || seq_lo || IV || ct || seq_hi (RFC 4303 2.2.1) */
	memcpy(msg, aad, 4);
	memcpy(msg + 4, aad + 8, 4);
	memcpy(msg + 8, iv, 16);
	memcpy(msg + 24, data, 16);
	memcpy(msg + 40, aad + 4, 4);
	cr_assert_eq(dp_esp_hmac_sha256(ak, 32, msg, 44, full), 0);
	cr_assert_arr_eq(icv, full, 16);
	dp_esp_crypto_free(enc);
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
