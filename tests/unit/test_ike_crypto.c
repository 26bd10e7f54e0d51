/* Unit tests for cp/ike's cryptography (ike_crypto.h).
 *
 * Vectors:
 *  - RFC 4231 (HMAC-SHA2), RFC 5903 8.1 (ECP-256), RFC 7748 6.1 (X25519);
 *  - tests/data/ike/crypto (test_ike_crypto_runs.c): two strongSwan 5.9.8 runs of
 *    tests/data/ike/capture.sh (psk: AES-GCM-128/ECP-256; cert: AES-CBC-256,
 *    HMAC-SHA2-256, MODP-2048, ECDSA certificates) with what both charons
 *    logged at ike = 4 / chd = 4 (RUN_keys.txt: g^ir, SKEYSEED, SK_*, the
 *    AUTH octets and values, the CHILD_SA keys), and the pki of the cert
 *    run. From the captured messages and the logged g^ir alone we derive
 *    every key and compare with charon's; decrypt every SK payload (equal
 *    to tshark's decryption, and it parses); re-encrypt with the captured
 *    IV and padding to the captured bytes; recompute the PSK AUTH both
 *    ways; verify the RFC 7427 signatures and certificates; and reproduce
 *    the CHILD_SA keys, the rekeyed ones included;
 *  - tests/data/ike (README.md there): the codec's 36 encrypted vectors,
 *    decrypted with the keys that README lists, equal its inner chains.
 */
#include "ike_crypto_fixture.h"

/* ------------------------------------------------------- RFC vectors -- */

struct hmac_vec {
	const char *key, *data;     /* hex */
	const char *s256, *s384, *s512;
};

/* RFC 4231 test cases 1, 2, 3, 4, 6, 7. */
static const struct hmac_vec rfc4231[] = {
	{ "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
	  "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
	  "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854" },
	{ "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
	  "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
	  "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
	  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
	  "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27",
	  "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb" },
	{ "0102030405060708090a0b0c0d0e0f10111213141516171819",
	  "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
	  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
	  "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e6801dd23c4a7d679ccf8a386c674cffb",
	  "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd" },
	{ NULL, "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
	  "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952",
	  "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598" },
	{ NULL, "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f726974686d2e",
	  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
	  "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c46523e",
	  "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58" },
};

Test(ike_prf, rfc4231_hmac_sha2)
{
	static const uint16_t prfs[] = { IKE_PRF_HMAC_SHA2_256, IKE_PRF_HMAC_SHA2_384,
					 IKE_PRF_HMAC_SHA2_512 };
	uint8_t key[256], data[256], want[64], out[64];
	size_t kl, dl, wl, i, j;

	for (i = 0; i < sizeof(rfc4231) / sizeof(rfc4231[0]); i++) {
		const struct hmac_vec *v = &rfc4231[i];
		const char *w[3] = { v->s256, v->s384, v->s512 };

		if (v->key) {
			kl = test_unhex(v->key, key, sizeof(key));
		} else {                /* cases 6, 7: 131 bytes of 0xaa */
			kl = 131;
			memset(key, 0xaa, kl);
		}
		dl = test_unhex(v->data, data, sizeof(data));
		for (j = 0; j < 3; j++) {
			/* The data in two spans: the gather list is one string. */
			struct ike_span d[2] = { { data, dl / 2 }, { data + dl / 2, dl - dl / 2 } };

			wl = test_unhex(w[j], want, sizeof(want));
			cr_assert_eq(ike_prf_len(prfs[j]), wl);
			OK(ike_prf(prfs[j], key, kl, d, 2, out));
			assert_bytes(out, wl, want, wl, "case %zu prf %u", i, prfs[j]);
		}
	}
	/* An empty key and message (HMAC pads the key, RFC 2104). */
	wl = test_unhex("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad", want,
		sizeof(want));
	OK(ike_prf(IKE_PRF_HMAC_SHA2_256, NULL, 0, NULL, 0, out));
	assert_bytes(out, wl, want, wl, "empty");
	cr_assert_eq(ike_prf_len(2), 0);  /* HMAC-SHA1: not ours */
	FAILS(ike_prf(2, key, 1, NULL, 0, out), IKE_CRYPTO_UNSUPPORTED);
}

Test(ike_prf, prf_plus_definition_and_limit)
{
	static uint8_t big[255 * 64 + 64];
	uint8_t key[20], seed[40], t[64], in[64 + 40 + 1];
	struct ike_span s = { seed, sizeof(seed) }, one;
	size_t i;

	memset(key, 0x11, sizeof(key));
	for (i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)i;
	/* T1 = prf(K, S | 0x01), T2 = prf(K, T1 | S | 0x02), ... (RFC 7296 2.13) */
	OK(ike_prf_plus(IKE_PRF_HMAC_SHA2_256, key, sizeof(key), &s, 1, big, 255 * 32));
	memcpy(in, seed, sizeof(seed));
	in[sizeof(seed)] = 1;
	one = (struct ike_span){ in, sizeof(seed) + 1 };
	OK(ike_prf(IKE_PRF_HMAC_SHA2_256, key, sizeof(key), &one, 1, t));
	assert_bytes(big, 32, t, 32, "T1");
	for (i = 2; i <= 255; i++) {
		memcpy(in, big + (i - 2) * 32, 32);
		memcpy(in + 32, seed, sizeof(seed));
		in[32 + sizeof(seed)] = (uint8_t)i;
		one = (struct ike_span){ in, 32 + sizeof(seed) + 1 };
		OK(ike_prf(IKE_PRF_HMAC_SHA2_256, key, sizeof(key), &one, 1, t));
		assert_bytes(big + (i - 1) * 32, 32, t, 32, "T%zu", i);
	}
	/* A partial last block is the prefix of the full one. */
	OK(ike_prf_plus(IKE_PRF_HMAC_SHA2_512, key, sizeof(key), &s, 1, big, 255 * 64));
	OK(ike_prf_plus(IKE_PRF_HMAC_SHA2_512, key, sizeof(key), &s, 1, t, 50));
	assert_bytes(t, 50, big, 50, "prefix");
	/* 255 outputs at most: the counter is one octet. */
	FAILS(ike_prf_plus(IKE_PRF_HMAC_SHA2_256, key, sizeof(key), &s, 1, big, 255 * 32 + 1),
	      IKE_CRYPTO_PRF_PLUS_LIMIT);
	FAILS(ike_prf_plus(IKE_PRF_HMAC_SHA2_512, key, sizeof(key), &s, 1, big, 255 * 64 + 1),
	      IKE_CRYPTO_PRF_PLUS_LIMIT);
}

/* RFC 5903 8.1 (group 19) */
static const char *const p256_i = "C88F01F5 10D9AC3F 70A292DA A2316DE5 44E9AAB8 AFE84049 C62A9C57 862D1433";
static const char *const p256_gi = "DAD0B653 94221CF9 B051E1FE CA5787D0 98DFE637 FC90B9EF 945D0C37 72581180"
				   "5271A046 1CDB8252 D61F1C45 6FA3E59A B1F45B33 ACCF5F58 389E0577 B8990BB3";
static const char *const p256_r = "C6EF9C5D 78AE012A 011164AC B397CE20 88685D8F 06BF9BE0 B283AB46 476BEE53";
static const char *const p256_gr = "D12DFB52 89C8D4F8 1208B702 70398C34 2296970A 0BCCB74C 736FC755 4494BF63"
				   "56FBF3CA 366CC23E 8157854C 13C58D6A AC23F046 ADA30F83 53E74F33 039872AB";
static const char *const p256_gir = "D6840F6B 42F6EDAF D13116E0 E1256520 2FEF8E9E CE7DCE03 812464D0 4B9442DE";
/* RFC 7748 6.1 (group 31) */
static const char *const x25519_a = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
static const char *const x25519_ga = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
static const char *const x25519_b = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
static const char *const x25519_gb = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
static const char *const x25519_k = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
/* RFC 3526 3: the 2048-bit MODP prime. */
static const char *const modp2048_p =
	"FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1 29024E08 8A67CC74 020BBEA6 3B139B22"
	"514A0879 8E3404DD EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245 E485B576 625E7EC6"
	"F44C42E9 A637ED6B 0BFF5CB6 F406B7ED EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D"
	"C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F 83655D23 DCA3AD96 1C62F356 208552BB"
	"9ED52907 7096966D 670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B E39E772C 180E8603"
	"9B2783A2 EC07A28F B5C55DF0 6F4C52C9 DE2BCBF6 95581718 3995497C EA956AE5 15D22618 98FA0510"
	"15728E5A 8AACAA68 FFFFFFFF FFFFFFFF";

static void dh_kat(uint16_t group, const char *priv_a, const char *pub_a, const char *priv_b,
		   const char *pub_b, const char *shared)
{
	uint8_t pa[64], pb[64], ga[64], gb[64], k[64], out[IKE_DH_MAX];
	size_t la = test_unhex(priv_a, pa, sizeof(pa)), lb = test_unhex(priv_b, pb, sizeof(pb));
	size_t lga = test_unhex(pub_a, ga, sizeof(ga)), lgb = test_unhex(pub_b, gb, sizeof(gb));
	size_t lk = test_unhex(shared, k, sizeof(k)), n, outn;
	struct ike_dh *a, *b;
	const uint8_t *pub;

	OK(ike_dh_new_private(group, pa, la, &a));
	OK(ike_dh_new_private(group, pb, lb, &b));
	cr_assert_eq(ike_dh_group(a), group);
	pub = ike_dh_public(a, &n);
	assert_bytes(pub, n, ga, lga, "g^i");
	pub = ike_dh_public(b, &n);
	assert_bytes(pub, n, gb, lgb, "g^r");
	OK(ike_dh_compute(a, gb, lgb, out, sizeof(out), &outn));
	assert_bytes(out, outn, k, lk, "g^ir from i");
	OK(ike_dh_compute(b, ga, lga, out, sizeof(out), &outn));
	assert_bytes(out, outn, k, lk, "g^ir from r");
	cr_assert_eq(outn, ike_dh_secret_len(group));
	ike_dh_free(a);
	ike_dh_free(b);
}

Test(ike_dh, rfc5903_ecp256)
{
	dh_kat(IKE_DH_ECP256, p256_i, p256_gi, p256_r, p256_gr, p256_gir);
}

Test(ike_dh, rfc7748_x25519)
{
	dh_kat(IKE_DH_CURVE25519, x25519_a, x25519_ga, x25519_b, x25519_gb, x25519_k);
}

/* Two fresh keys agree, for every group; lengths as RFC 7296 3.4 wants. */
Test(ike_dh, fresh_keys_agree)
{
	static const uint16_t g[] = { IKE_DH_MODP2048, IKE_DH_ECP256, IKE_DH_CURVE25519 };
	static const size_t pl[] = { 256, 64, 32 }, sl[] = { 256, 32, 32 };
	uint8_t s1[IKE_DH_MAX], s2[IKE_DH_MAX];
	size_t i, n1, n2, la, lb;
	const uint8_t *pa, *pb;
	struct ike_dh *a, *b;

	for (i = 0; i < 3; i++) {
		cr_assert_eq(ike_dh_public_len(g[i]), pl[i]);
		cr_assert_eq(ike_dh_secret_len(g[i]), sl[i]);
		OK(ike_dh_new(g[i], &a));
		OK(ike_dh_new(g[i], &b));
		pa = ike_dh_public(a, &la);
		pb = ike_dh_public(b, &lb);
		cr_assert_eq(la, pl[i]);
		cr_assert(memcmp(pa, pb, la) != 0);
		OK(ike_dh_check_peer(g[i], pa, la));
		OK(ike_dh_compute(a, pb, lb, s1, sizeof(s1), &n1));
		OK(ike_dh_compute(b, pa, la, s2, sizeof(s2), &n2));
		assert_bytes(s1, n1, s2, n2, "group %u", g[i]);
		cr_assert_eq(n1, sl[i]);
		FAILS(ike_dh_compute(a, pb, lb, s1, sl[i] - 1, &n1), IKE_CRYPTO_SPACE);
		ike_dh_free(a);
		ike_dh_free(b);
	}
	FAILS(ike_dh_new(20, &a), IKE_CRYPTO_UNSUPPORTED);
	cr_assert_null(a);
	cr_assert_eq(ike_dh_public_len(2), 0);
}

/* MODP known answer: x = 1 gives y = g = 2, and g^xy = the peer's y. */
Test(ike_dh, modp2048_known_answer)
{
	static const uint8_t one = 1;
	uint8_t two[256] = { 0 }, peer[256], out[256];
	struct ike_dh *dh, *other;
	const uint8_t *pub;
	size_t n;

	two[255] = 2;
	OK(ike_dh_new_private(IKE_DH_MODP2048, &one, 1, &dh));
	pub = ike_dh_public(dh, &n);
	assert_bytes(pub, n, two, sizeof(two), "g^1");
	OK(ike_dh_new(IKE_DH_MODP2048, &other));
	pub = ike_dh_public(other, &n);
	memcpy(peer, pub, n);
	OK(ike_dh_compute(dh, peer, n, out, sizeof(out), &n));
	assert_bytes(out, n, peer, sizeof(peer), "y^1");
	/* Left-padded to 256 bytes: y = 4 = g^2 (in the subgroup), so
	 * g^xy = 4, 255 zero bytes then 4. */
	memset(peer, 0, sizeof(peer));
	peer[255] = 4;
	OK(ike_dh_compute(dh, peer, sizeof(peer), out, sizeof(out), &n));
	assert_bytes(out, n, peer, sizeof(peer), "4^1");
	ike_dh_free(dh);
	ike_dh_free(other);
}

Test(ike_dh, invalid_peer_values)
{
	uint8_t p[256], v[256], x[64], out[IKE_DH_MAX] = { 0 };
	struct ike_dh *modp, *ecp, *xdh;
	const uint8_t *pub;
	size_t n, i;

	cr_assert_eq(test_unhex(modp2048_p, p, sizeof(p)), 256);
	OK(ike_dh_new(IKE_DH_MODP2048, &modp));
	OK(ike_dh_new(IKE_DH_ECP256, &ecp));
	OK(ike_dh_new(IKE_DH_CURVE25519, &xdh));

	/* Length exact (RFC 7296 3.4). */
	pub = ike_dh_public(modp, &n);
	FAILS(ike_dh_compute(modp, pub, 255, out, sizeof(out), &n), IKE_CRYPTO_DH_LENGTH);
	memcpy(v, pub, 256);
	FAILS(ike_dh_check_peer(IKE_DH_MODP2048, v, 257 - 2), IKE_CRYPTO_DH_LENGTH);
	test_unhex(p256_gi, x, sizeof(x));
	FAILS(ike_dh_compute(ecp, x, 63, out, sizeof(out), &n), IKE_CRYPTO_DH_LENGTH);
	FAILS(ike_dh_compute(ecp, x, 65, out, sizeof(out), &n), IKE_CRYPTO_DH_LENGTH);
	FAILS(ike_dh_compute(xdh, x, 31, out, sizeof(out), &n), IKE_CRYPTO_DH_LENGTH);
	FAILS(ike_dh_compute(xdh, x, 33, out, sizeof(out), &n), IKE_CRYPTO_DH_LENGTH);
	FAILS(ike_dh_check_peer(IKE_DH_ECP256, NULL, 64), IKE_CRYPTO_DH_LENGTH);

	/* MODP: 0, 1, p-1, p, p+1.. outside 2..p-2 (RFC 6989 2.1). */
	memset(v, 0, sizeof(v));
	FAILS(ike_dh_compute(modp, v, 256, out, sizeof(out), &n), IKE_CRYPTO_DH_RANGE);
	v[255] = 1;
	FAILS(ike_dh_compute(modp, v, 256, out, sizeof(out), &n), IKE_CRYPTO_DH_RANGE);
	memcpy(v, p, 256);
	v[255] -= 1;                               /* p - 1 */
	FAILS(ike_dh_compute(modp, v, 256, out, sizeof(out), &n), IKE_CRYPTO_DH_RANGE);
	FAILS(ike_dh_compute(modp, p, 256, out, sizeof(out), &n), IKE_CRYPTO_DH_RANGE);
	memset(v, 0xff, sizeof(v));
	FAILS(ike_dh_check_peer(IKE_DH_MODP2048, v, 256), IKE_CRYPTO_DH_RANGE);
	/* 2 and p - 2 are in range; 2 = g is in the subgroup, p - 2 = -2 is
	 * not (2 is a square mod p, -1 is not: p = 7 mod 8). */
	memset(v, 0, sizeof(v));
	v[255] = 2;
	OK(ike_dh_check_peer(IKE_DH_MODP2048, v, 256));
	memcpy(v, p, 256);
	v[255] -= 2;
	FAILS(ike_dh_check_peer(IKE_DH_MODP2048, v, 256), IKE_CRYPTO_DH_SUBGROUP);

	/* ECP: off the curve (RFC 6989 2.3). */
	test_unhex(p256_gi, x, sizeof(x));
	OK(ike_dh_check_peer(IKE_DH_ECP256, x, 64));
	x[63] ^= 1;
	FAILS(ike_dh_compute(ecp, x, 64, out, sizeof(out), &n), IKE_CRYPTO_DH_POINT);
	memset(x, 0, sizeof(x));                   /* (0, 0) */
	FAILS(ike_dh_check_peer(IKE_DH_ECP256, x, 64), IKE_CRYPTO_DH_POINT);
	memset(x, 0xff, sizeof(x));                /* coordinates >= p */
	FAILS(ike_dh_check_peer(IKE_DH_ECP256, x, 64), IKE_CRYPTO_DH_POINT);

	/* X25519: small-order points give an all-zero secret (RFC 8031 2.3,
	 * RFC 7748 6.1): 0, 1, and the order-8 point below. */
	memset(x, 0, 32);
	OK(ike_dh_check_peer(IKE_DH_CURVE25519, x, 32));
	FAILS(ike_dh_compute(xdh, x, 32, out, sizeof(out), &n), IKE_CRYPTO_DH_ZERO);
	x[0] = 1;
	FAILS(ike_dh_compute(xdh, x, 32, out, sizeof(out), &n), IKE_CRYPTO_DH_ZERO);
	test_unhex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", x, 32);
	FAILS(ike_dh_compute(xdh, x, 32, out, sizeof(out), &n), IKE_CRYPTO_DH_ZERO);
	cr_assert_eq(n, 0);
	for (i = 0; i < 32; i++)
		cr_assert_eq(out[i], 0, "secret left behind");
	/* After all these refusals the keys still work. */
	pub = ike_dh_public(xdh, &n);
	memcpy(x, pub, 32);
	OK(ike_dh_compute(xdh, x, 32, out, sizeof(out), &n));
	ike_dh_free(modp);
	ike_dh_free(ecp);
	ike_dh_free(xdh);
}

/* ------------------------------------------------- SK round trips -- */

struct suite_case {
	uint16_t encr, bits, integ;
};

static const struct suite_case sk_cases[] = {
	{ IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA2_256_128 },
	{ IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_256_128 },
	{ IKE_ENCR_AES_CBC, 128, IKE_INTEG_HMAC_SHA2_384_192 },
	{ IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_384_192 },
	{ IKE_ENCR_AES_CBC, 256, IKE_INTEG_HMAC_SHA2_512_256 },
	{ IKE_ENCR_AES_GCM_16, 128, IKE_INTEG_NONE },
	{ IKE_ENCR_AES_GCM_16, 256, IKE_INTEG_NONE },
};

/* Keys for a suite from made-up SKEYSEED and nonces. */
static void make_keys(const struct suite_case *c, struct ike_keys *k)
{
	struct ike_suite s = { c->encr, c->bits, c->integ, IKE_PRF_HMAC_SHA2_256, IKE_DH_ECP256 };
	uint8_t seed[32], ni[32], nr[32];
	struct ike_span sni = { ni, 32 }, snr = { nr, 32 };

	memset(seed, 1, sizeof(seed));
	memset(ni, 2, sizeof(ni));
	memset(nr, 3, sizeof(nr));
	OK(ike_keys_derive(&s, seed, sizeof(seed), &sni, &snr, 0x1122334455667788ULL,
			   0x99aabbccddeeff00ULL, k));
}

/* An INFORMATIONAL request whose SK holds a chain with one Notify of
 * data_len bytes; returns the message length, *body_off the SK body. */
static size_t build_info(const struct ike_sk_key *key, size_t data_len, uint8_t *msg, size_t cap,
			 uint8_t *chain, size_t *chain_len, size_t *body_off)
{
	struct ike_builder b;
	struct ike_notify nt = { 0 };
	struct ike_hdr h = { 0 };
	uint8_t data[300], first = 0;
	size_t i;

	for (i = 0; i < data_len; i++)
		data[i] = (uint8_t)(i * 7);
	nt.type = 40000;        /* status type, any data length */
	nt.data = (struct ike_span){ data, data_len };
	ike_build_chain_init(&b, chain, MAXV);
	cr_assert(ike_build_notify(&b, &nt));
	cr_assert(ike_build_chain_finish(&b, &first, chain_len));
	ike_build_msg_init(&b, msg, cap);
	*body_off = ike_build_sk_reserve(&b, first, ike_sk_body_len(key, *chain_len));
	cr_assert(*body_off);
	h.ispi = 1;
	h.rspi = 2;
	h.exchange = IKE_EXCH_INFORMATIONAL;
	h.flags = IKE_FLAG_I;
	h.msg_id = 2;
	return ike_build_msg_finish(&b, &h);
}

Test(ike_sk, round_trip_every_suite_and_length)
{
	static uint8_t msg[MAXV], chain[MAXV], plain[MAXV];
	static struct ike_msg m;
	struct ike_keys k;
	struct ike_sk_key tx, rx, wrong;
	struct ike_err err;
	size_t c, dl, len, cl, off, il;

	for (c = 0; c < sizeof(sk_cases) / sizeof(sk_cases[0]); c++) {
		make_keys(&sk_cases[c], &k);
		tx = ike_keys_sk(&k, true);
		rx = ike_keys_sk(&k, true);
		wrong = ike_keys_sk(&k, false);
		for (dl = 0; dl < 40; dl++) {
			len = build_info(&tx, dl, msg, sizeof(msg), chain, &cl, &off);
			cr_assert(len);
			OK(ike_sk_encrypt(&tx, msg, len, off, chain, cl));
			cr_assert_eq(ike_msg_parse(msg, len, &m, &err), IKE_ERR_OK);
			cr_assert_eq(m.pl.sk.body_off, off);
			OK(ike_sk_decrypt(&rx, msg, len, off, plain, sizeof(plain), &il));
			assert_bytes(plain, il, chain, cl, "case %zu len %zu", c, dl);
			FAILS(ike_sk_decrypt(&wrong, msg, len, off, plain, sizeof(plain), &il),
			      IKE_CRYPTO_SK_ICV);
			/* In place: the plaintext over the ciphertext. */
			OK(ike_sk_decrypt(&rx, msg, len, off, msg + off + ike_sk_iv_len(&rx),
					  len - off, &il));
			assert_bytes(msg + off + ike_sk_iv_len(&rx), il, chain, cl, "in place");
			/* And encrypt in place from there. */
			OK(ike_sk_encrypt(&tx, msg, len, off, msg + off + ike_sk_iv_len(&tx), il));
			OK(ike_sk_decrypt(&rx, msg, len, off, plain, sizeof(plain), &il));
			assert_bytes(plain, il, chain, cl, "in place again");
		}
		ike_keys_wipe(&k);
	}
}

Test(ike_sk, tampering_and_bad_lengths_rejected)
{
	static uint8_t msg[MAXV], chain[MAXV], plain[MAXV], copy[MAXV];
	struct ike_keys k;
	struct ike_sk_key key;
	size_t c, len, cl, off, il, i, ivl, icvl;

	for (c = 0; c < sizeof(sk_cases) / sizeof(sk_cases[0]); c++) {
		make_keys(&sk_cases[c], &k);
		key = ike_keys_sk(&k, false);
		ivl = ike_sk_iv_len(&key);
		icvl = ike_sk_icv_len(&key);
		len = build_info(&key, 20, msg, sizeof(msg), chain, &cl, &off);
		OK(ike_sk_encrypt(&key, msg, len, off, chain, cl));
		/* Any bit of header, SK header, IV, ciphertext or ICV. */
		for (i = 0; i < len; i++) {
			memcpy(copy, msg, len);
			copy[i] ^= (uint8_t)(1u << (i % 8));
			FAILS(ike_sk_decrypt(&key, copy, len, off, plain, sizeof(plain), &il),
			      IKE_CRYPTO_SK_ICV);
			cr_assert_eq(il, 0);
		}
		/* Truncated body: too short, or (CBC) not whole blocks. */
		FAILS(ike_sk_decrypt(&key, msg, off + ivl + icvl, off, plain, sizeof(plain), &il),
		      IKE_CRYPTO_SK_LENGTH);
		if (sk_cases[c].encr == IKE_ENCR_AES_CBC)
			FAILS(ike_sk_decrypt(&key, msg, len - 1, off, plain, sizeof(plain), &il),
			      IKE_CRYPTO_SK_ALIGN);
		else
			FAILS(ike_sk_decrypt(&key, msg, len - 1, off, plain, sizeof(plain), &il),
			      IKE_CRYPTO_SK_ICV);
		FAILS(ike_sk_decrypt(&key, msg, len, off, plain, 4, &il), IKE_CRYPTO_SPACE);
		/* Encrypting into a body of the wrong size. */
		FAILS(ike_sk_encrypt(&key, msg, off + ivl + icvl, off, chain, cl), IKE_CRYPTO_SK_LENGTH);
		if (sk_cases[c].encr == IKE_ENCR_AES_CBC)
			FAILS(ike_sk_encrypt(&key, msg, len + 1, off, chain, cl), IKE_CRYPTO_SK_ALIGN);
		ike_keys_wipe(&k);
	}
}

/* A pad length byte past the plaintext (RFC 7296 3.14): made with the
 * keys, so that only the pad length is wrong. CBC: flipping an IV bit
 * flips that bit of the first plaintext block; then a fresh ICV. */
Test(ike_sk, pad_length_past_plaintext)
{
	static uint8_t msg[MAXV], chain[MAXV], plain[MAXV];
	struct ike_span s;
	uint8_t mac[32];
	struct ike_keys k;
	struct ike_sk_key key;
	size_t len, cl, off, il;

	make_keys(&sk_cases[0], &k);
	key = ike_keys_sk(&k, true);
	/* A 4-byte Notify header + 11 bytes of data: one block, pad 0. */
	len = build_info(&key, 7, msg, sizeof(msg), chain, &cl, &off);
	cr_assert_eq(cl, 15);
	cr_assert_eq(len - off, 16 + 16 + 16);
	OK(ike_sk_encrypt(&key, msg, len, off, chain, cl));
	OK(ike_sk_decrypt(&key, msg, len, off, plain, sizeof(plain), &il));
	cr_assert_eq(il, 15);
	msg[off + 15] ^= 0x10;          /* pad length 0 -> 16 > 15 */
	s = (struct ike_span){ msg, len - 16 };
	OK(ike_prf(IKE_PRF_HMAC_SHA2_256, key.ak, key.ak_len, &s, 1, mac));
	memcpy(msg + len - 16, mac, 16);
	FAILS(ike_sk_decrypt(&key, msg, len, off, plain, sizeof(plain), &il), IKE_CRYPTO_SK_PAD);
	for (il = 0; il < 16; il++)
		cr_assert_eq(plain[il], 0, "plaintext left behind");
	msg[off + 15] ^= 0x10 ^ 0x0f;   /* pad length 15: an empty chain */
	s = (struct ike_span){ msg, len - 16 };
	OK(ike_prf(IKE_PRF_HMAC_SHA2_256, key.ak, key.ak_len, &s, 1, mac));
	memcpy(msg + len - 16, mac, 16);
	OK(ike_sk_decrypt(&key, msg, len, off, plain, sizeof(plain), &il));
	cr_assert_eq(il, 0);
	ike_keys_wipe(&k);
}

Test(ike_sk, layout_sizes)
{
	struct ike_keys k;
	struct ike_sk_key key;

	make_keys(&sk_cases[1], &k);    /* CBC-256, SHA2-256-128 */
	key = ike_keys_sk(&k, true);
	cr_assert_eq(ike_sk_iv_len(&key), 16);
	cr_assert_eq(ike_sk_icv_len(&key), 16);
	cr_assert_eq(ike_sk_body_len(&key, 0), 16 + 16 + 16);
	cr_assert_eq(ike_sk_body_len(&key, 15), 16 + 16 + 16);
	cr_assert_eq(ike_sk_body_len(&key, 16), 16 + 32 + 16);
	make_keys(&sk_cases[4], &k);    /* SHA2-512-256: 32-byte ICV */
	key = ike_keys_sk(&k, true);
	cr_assert_eq(ike_sk_icv_len(&key), 32);
	cr_assert_eq(k.integ_len, 64);
	make_keys(&sk_cases[6], &k);    /* GCM-256: key + salt, 8-byte IV */
	key = ike_keys_sk(&k, false);
	cr_assert_eq(k.encr_len, 36);
	cr_assert_eq(ike_sk_iv_len(&key), 8);
	cr_assert_eq(ike_sk_icv_len(&key), 16);
	cr_assert_eq(ike_sk_body_len(&key, 21), 8 + 22 + 16);
	key.ek_len = 32;                /* the salt missing */
	cr_assert_eq(ike_sk_body_len(&key, 21), 0);
	ike_keys_wipe(&k);
}

/* --------------------------------------------- suites, signatures -- */

Test(ike_suite, from_proposal_and_key_lengths)
{
	struct ike_sa sa = { 0 };
	struct ike_suite s;
	struct ike_keys k;
	uint8_t seed[32] = { 0 };
	struct ike_span n = { seed, 16 };

	sa.n_prop = 1;
	sa.prop[0] = (struct ike_proposal){ .num = 1, .protocol = IKE_PROTO_IKE, .n_xf = 4 };
	sa.xf[0] = (struct ike_transform){ IKE_XF_ENCR, IKE_ENCR_AES_CBC, 128, true, false };
	sa.xf[1] = (struct ike_transform){ IKE_XF_PRF, IKE_PRF_HMAC_SHA2_512, 0, false, false };
	sa.xf[2] = (struct ike_transform){ IKE_XF_INTEG, IKE_INTEG_HMAC_SHA2_384_192, 0, false, false };
	sa.xf[3] = (struct ike_transform){ IKE_XF_DH, IKE_DH_CURVE25519, 0, false, false };
	sa.n_xf = 4;
	OK(ike_suite_from_proposal(&sa, 0, &s));
	cr_assert_eq(s.prf, IKE_PRF_HMAC_SHA2_512);
	cr_assert_eq(s.dh, IKE_DH_CURVE25519);
	OK(ike_keys_derive(&s, seed, 32, &n, &n, 1, 2, &k));
	cr_assert_eq(k.prf_len, 64);
	cr_assert_eq(k.integ_len, 48);
	cr_assert_eq(k.encr_len, 16);
	/* GCM with an integrity transform: not a valid suite (RFC 5282 8). */
	sa.xf[0].id = IKE_ENCR_AES_GCM_16;
	FAILS(ike_suite_from_proposal(&sa, 0, &s), IKE_CRYPTO_SUITE);
	sa.xf[2].id = IKE_INTEG_NONE;
	OK(ike_suite_from_proposal(&sa, 0, &s));
	sa.xf[0].has_key_len = false;   /* AES without Key Length */
	FAILS(ike_suite_from_proposal(&sa, 0, &s), IKE_CRYPTO_SUITE);
	sa.xf[0].has_key_len = true;
	sa.xf[0].key_len = 64;
	FAILS(ike_suite_from_proposal(&sa, 0, &s), IKE_CRYPTO_UNSUPPORTED);
	sa.xf[0].key_len = 256;
	sa.xf[1].id = 2;                /* HMAC-SHA1 PRF */
	FAILS(ike_suite_from_proposal(&sa, 0, &s), IKE_CRYPTO_UNSUPPORTED);
	sa.xf[1].type = IKE_XF_ENCR;    /* two ENCR, no PRF */
	FAILS(ike_suite_from_proposal(&sa, 0, &s), IKE_CRYPTO_SUITE);
	FAILS(ike_suite_from_proposal(&sa, 1, &s), IKE_CRYPTO_ARG);
	ike_keys_wipe(&k);
	cr_assert_str_eq(ike_crypto_err_name(IKE_CRYPTO_DH_RANGE), "DH_RANGE");
	cr_assert_not_null(strstr(ike_crypto_err_str(IKE_CRYPTO_PRF_PLUS_LIMIT), "255"));
}

/* RFC 7427 Appendix A byte strings, and what we accept. */
Test(ike_sig, algorithm_identifiers)
{
	static const char *const want[] = {
		[IKE_SIG_RSA_PKCS1_SHA256] = "300d06092a864886f70d01010b0500",
		[IKE_SIG_ECDSA_SHA256] = "300a06082a8648ce3d040302",
		[IKE_SIG_RSA_PSS_SHA256] =
			"304606092a864886f70d01010a3039a00f300d06096086480165030402010500"
			"a11c301a06092a864886f70d010108300d06096086480165030402010500"
			"a203020120a303020101",
	};
	uint8_t der[128], nt[] = {
		0x30, 0x41, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a, 0x30,
		0x34, 0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04,
		0x02, 0x01, 0x05, 0x00, 0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
		0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65,
		0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x20,
	};
	struct ike_span s;
	uint8_t nd[4];
	int a;

	for (a = IKE_SIG_RSA_PKCS1_SHA256; a <= IKE_SIG_RSA_PSS_SHA256; a++) {
		size_t n = test_unhex(want[a], der, sizeof(der));

		s = ike_sig_alg_der(a);
		assert_bytes(s.ptr, s.len, der, n, "alg %d", a);
		cr_assert_eq(ike_sig_alg_from_der(&s), a);
		s.len--;
		cr_assert_eq(ike_sig_alg_from_der(&s), IKE_SIG_NONE);
	}
	s = (struct ike_span){ nt, sizeof(nt) };
	cr_assert_eq(ike_sig_alg_from_der(&s), IKE_SIG_RSA_PSS_SHA256);
	cr_assert_eq(ike_sig_alg_der(IKE_SIG_NONE).len, 0);
	/* SIGNATURE_HASH_ALGORITHMS: SHA2-256 = 2 (RFC 7427 4). */
	cr_assert_eq(ike_sig_hash_notify_data(nd, sizeof(nd)), 2);
	cr_assert(nd[0] == 0 && nd[1] == 2);
	cr_assert_eq(ike_sig_hash_notify_data(nd, 1), 0);
}

/* A self-signed certificate for key (RSA tests). */
static X509 *self_signed(EVP_PKEY *key)
{
	X509 *x = X509_new();
	X509_NAME *n;

	cr_assert_not_null(x);
	cr_assert(X509_set_version(x, 2));
	cr_assert(ASN1_INTEGER_set(X509_get_serialNumber(x), 7));
	cr_assert(X509_gmtime_adj(X509_getm_notBefore(x), -3600));
	cr_assert(X509_gmtime_adj(X509_getm_notAfter(x), 3600));
	cr_assert(X509_set_pubkey(x, key));
	n = X509_get_subject_name(x);
	cr_assert(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"rsa",
					     -1, -1, 0));
	cr_assert(X509_set_issuer_name(x, n));
	cr_assert(X509_sign(x, key, EVP_sha256()));
	return x;
}

Test(ike_sig, rsa_pkcs1_and_pss_sign_verify)
{
	static const uint8_t octets[] = "RealMessage | NonceData | MACedID";
	uint8_t sig[512], *der = NULL;
	size_t sl, dl;
	struct ike_auth a = { .method = IKE_AUTH_DIGITAL_SIG };
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048), *ec;
	X509 *cert, *back;
	X509_STORE *store;
	int alg, xerr;

	cr_assert_not_null(key);
	cert = self_signed(key);
	cr_assert_eq(ike_sig_alg_for_key(key, false), IKE_SIG_RSA_PKCS1_SHA256);
	cr_assert_eq(ike_sig_alg_for_key(key, true), IKE_SIG_RSA_PSS_SHA256);
	for (alg = IKE_SIG_RSA_PKCS1_SHA256; alg <= IKE_SIG_RSA_PSS_SHA256; alg++) {
		if (alg == IKE_SIG_ECDSA_SHA256)
			continue;
		OK(ike_auth_sign(key, alg, octets, sizeof(octets), sig, sizeof(sig), &sl));
		cr_assert_eq(sl, 256);
		a.sig_alg = ike_sig_alg_der(alg);
		a.sig = (struct ike_span){ sig, sl };
		OK(ike_auth_verify(cert, &a, octets, sizeof(octets)));
		sig[100] ^= 1;
		FAILS(ike_auth_verify(cert, &a, octets, sizeof(octets)), IKE_CRYPTO_SIG_INVALID);
		sig[100] ^= 1;
		/* PKCS#1 v1.5 and PSS are not interchangeable. */
		a.sig_alg = ike_sig_alg_der(alg == IKE_SIG_RSA_PSS_SHA256 ? IKE_SIG_RSA_PKCS1_SHA256
									  : IKE_SIG_RSA_PSS_SHA256);
		FAILS(ike_auth_verify(cert, &a, octets, sizeof(octets)), IKE_CRYPTO_SIG_INVALID);
		a.sig_alg = ike_sig_alg_der(IKE_SIG_ECDSA_SHA256);
		FAILS(ike_auth_verify(cert, &a, octets, sizeof(octets)), IKE_CRYPTO_SIG_ALG);
	}
	/* PSS is randomised: two signatures differ, both verify. */
	OK(ike_auth_sign(key, IKE_SIG_RSA_PSS_SHA256, octets, sizeof(octets), sig, sizeof(sig), &sl));
	OK(ike_auth_sign(key, IKE_SIG_RSA_PSS_SHA256, octets, sizeof(octets), sig + 256,
			 sizeof(sig) - 256, &sl));
	cr_assert(memcmp(sig, sig + 256, 256) != 0);
	/* Certificates: DER round trip; self-signed is not under our CA. */
	OK(ike_cert_to_der(cert, &der, &dl));
	OK(ike_cert_from_der(der, dl, &back));
	cr_assert_eq(X509_cmp(cert, back), 0);
	X509_free(back);
	FAILS(ike_cert_from_der(der, dl - 1, &back), IKE_CRYPTO_CERT_LOAD);
	cr_assert_null(back);
	OPENSSL_free(der);
	OK(ike_ca_load(DATA "crypto/pki/ca.pem", &store));
	FAILS(ike_cert_verify(store, cert, NULL, 0, &xerr), IKE_CRYPTO_CERT_UNTRUSTED);
	cr_assert_eq(xerr, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
	X509_STORE_free(store);
	FAILS(ike_ca_load(DATA "crypto/pki/none.pem", &store), IKE_CRYPTO_CERT_LOAD);
	cr_assert_null(store);
	/* An ECDSA key cannot make RSA signatures, and the reverse. */
	ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	FAILS(ike_auth_sign(ec, IKE_SIG_RSA_PSS_SHA256, octets, 4, sig, sizeof(sig), &sl),
	      IKE_CRYPTO_SIG_ALG);
	FAILS(ike_auth_sign(key, IKE_SIG_ECDSA_SHA256, octets, 4, sig, sizeof(sig), &sl),
	      IKE_CRYPTO_SIG_ALG);
	EVP_PKEY_free(ec);
	X509_free(cert);
	EVP_PKEY_free(key);
}

Test(ike_sig, cert_match_id_types)
{
	X509 *mag, *lma;
	struct ike_id id = { 0 };
	static const char fqdn[] = "mag1.example.net", mail[] = "lma@example.net";

	OK(ike_cert_load_pem(DATA "crypto/pki/mag.pem", &mag));
	OK(ike_cert_load_pem(DATA "crypto/pki/lma.pem", &lma));
	id.type = IKE_ID_FQDN;
	id.data = (struct ike_span){ (const uint8_t *)fqdn, strlen(fqdn) };
	OK(ike_cert_match_id(mag, &id));
	FAILS(ike_cert_match_id(lma, &id), IKE_CRYPTO_CERT_ID);
	id.data.len--;                  /* "mag1.example.ne" */
	FAILS(ike_cert_match_id(mag, &id), IKE_CRYPTO_CERT_ID);
	id.type = IKE_ID_RFC822_ADDR;
	id.data = (struct ike_span){ (const uint8_t *)mail, strlen(mail) };
	OK(ike_cert_match_id(lma, &id));
	FAILS(ike_cert_match_id(mag, &id), IKE_CRYPTO_CERT_ID);
	id.type = IKE_ID_IPV6_ADDR;
	id.data = (struct ike_span){ id.addr.b, 16 };
	FAILS(ike_cert_match_id(lma, &id), IKE_CRYPTO_CERT_ID);
	id.type = IKE_ID_KEY_ID;
	FAILS(ike_cert_match_id(lma, &id), IKE_CRYPTO_UNSUPPORTED);
	X509_free(mag);
	X509_free(lma);
}
