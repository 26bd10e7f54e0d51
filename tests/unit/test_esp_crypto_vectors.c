/* Unit tests for dp/esp_crypto.c against published vectors (see the list
 * at the top of test_esp_crypto.c, whose counting allocator and tshark
 * check run in the same binary). */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "esp_crypto.h"
#include "esp_crypto_fixture.h"
#include "test_hex.h"

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

