/* Unit tests for cp/ike's cryptography against two strongSwan 5.9.8 runs of
 * tests/data/ike/capture.sh (tests/data/ike/crypto, README.md there): every
 * key derived from the captured messages and the logged g^ir equals
 * charon's; every SK payload decrypts (as tshark does) and re-encrypts to
 * the captured bytes; the PSK AUTH both ways; the RFC 7427 signatures and
 * certificates; the CHILD_SA keys, the rekeyed ones included. */
#include "ike_crypto_fixture.h"

/* What capture.sh did in each run, by frame number (1..22). */
struct run_desc {
	const char *name;
	const char *const *frames;          /* file names, frame n at [n - 1] */
	unsigned init_req, init_resp;       /* the IKE_SA_INIT that made SA 1 */
	unsigned auth_req, auth_resp;
	unsigned child_req, child_resp;     /* CHILD_SA rekey (PFS) */
	unsigned rekey_req, rekey_resp;     /* IKE SA rekey */
};

/* psk: frames 1-2 are halfopen.py's, 3-4 the COOKIE round trip. cert:
 * 1-2 the INVALID_KE_PAYLOAD round trip. */
static const struct run_desc psk_desc = { "psk", ike_capture_psk, 5, 6, 7, 8, 11, 12, 15, 16 };
static const struct run_desc cert_desc = { "cert", ike_capture_cert, 3, 4, 5, 6, 9, 10, 15, 16 };

static void frame_name(const struct run_desc *d, unsigned n, char *out, size_t cap)
{
	snprintf(out, cap, "%s", d->frames[n - 1]);
}

struct run {
	const struct run_desc *d;
	char *keys;                          /* RUN_keys.txt */
	uint8_t msg[NFRAMES + 1][MAXV];
	size_t len[NFRAMES + 1];
	struct ike_msg m[NFRAMES + 1];
	/* decrypted, for messages with SK: */
	bool enc[NFRAMES + 1];
	unsigned sa[NFRAMES + 1];            /* 0 or 1: the IKE SA */
	uint8_t plain[NFRAMES + 1][MAXV];    /* plaintext, padding included */
	size_t inner_len[NFRAMES + 1];
	struct ike_payloads in[NFRAMES + 1];
	/* derived: */
	struct ike_suite suite[2];
	struct ike_keys k[2];
	uint64_t ispi[2], rspi[2];
	uint8_t skeyseed[2][IKE_PRF_MAX];
};

static struct run R;

/* The value of label in the run's key file (what charon logged). */
static size_t logged(const struct run *r, const char *label, uint8_t *out, size_t cap)
{
	char pat[64];
	const char *p;
	char *hex, *end;
	size_t n;

	snprintf(pat, sizeof(pat), "\n%s ", label);
	p = strstr(r->keys, pat);
	cr_assert_not_null(p, "%s not in %s_keys.txt", label, r->d->name);
	p += strlen(pat);
	end = strchr(p, '\n');
	hex = strndup(p, end ? (size_t)(end - p) : strlen(p));
	n = test_unhex(hex, out, cap);
	free(hex);
	return n;
}

static void expect_logged(const struct run *r, const char *label, const uint8_t *got, size_t len)
{
	uint8_t want[MAXV];
	size_t n = logged(r, label, want, sizeof(want));

	assert_bytes(got, len, want, n, "%s %s length", r->d->name, label);
}

static const struct ike_payloads *inner(const struct run *r, unsigned n)
{
	cr_assert(r->enc[n], "frame %u not decrypted", n);
	return &r->in[n];
}

/* The SA that protects frame n, by its initiator SPI. */
static unsigned sa_of(const struct run *r, unsigned n, unsigned have)
{
	unsigned s;

	for (s = 0; s < have; s++)
		if (r->m[n].hdr.ispi == r->ispi[s] && r->m[n].hdr.rspi == r->rspi[s])
			return s;
	cr_assert_fail("frame %u: no IKE SA with SPIs %016llx %016llx", n,
		       (unsigned long long)r->m[n].hdr.ispi, (unsigned long long)r->m[n].hdr.rspi);
	return 0;
}

static void decrypt_frame(struct run *r, unsigned n, unsigned have)
{
	const struct ike_msg *m = &r->m[n];
	struct ike_sk_key key;
	struct ike_err err;
	enum ike_rule rule;

	r->sa[n] = sa_of(r, n, have);
	key = ike_keys_sk(&r->k[r->sa[n]], m->hdr.flags & IKE_FLAG_I);
	cr_assert_eq(m->pl.sk.body_off + m->pl.sk.body_len, r->len[n]);
	OK(ike_sk_decrypt(&key, r->msg[n], r->len[n], m->pl.sk.body_off, r->plain[n],
			  sizeof(r->plain[n]), &r->inner_len[n]));
	rule = ike_inner_parse(r->plain[n], r->inner_len[n], m->pl.sk.first, &r->in[n], &err);
	cr_assert_eq(rule, IKE_ERR_OK, "%s frame %u inner: %s", r->d->name, n, ike_rule_name(rule));
	r->enc[n] = true;
}

/* Load a run: every frame parsed; SA 1 derived from the IKE_SA_INIT and
 * the logged g^ir; every SK payload decrypted in order, SA 2 derived
 * from the IKE SA rekey when it has been decrypted. */
static void run_load(struct run *r, const struct run_desc *d)
{
	char name[64], path[256];
	uint8_t g_ir[IKE_DH_MAX];
	const struct ike_payloads *rq, *rs;
	struct ike_err err;
	enum ike_rule rule;
	size_t gl;
	unsigned n, have = 1;
	FILE *f;
	long fl;

	memset(r, 0, sizeof(*r));
	r->d = d;
	snprintf(path, sizeof(path), DATA "crypto/%s_keys.txt", d->name);
	f = fopen(path, "rb");
	cr_assert_not_null(f, "%s", path);
	fseek(f, 0, SEEK_END);
	fl = ftell(f);
	rewind(f);
	r->keys = calloc(1, (size_t)fl + 2);
	r->keys[0] = '\n';              /* so every label follows a newline */
	cr_assert_eq(fread(r->keys + 1, 1, (size_t)fl, f), (size_t)fl);
	fclose(f);

	for (n = 1; n <= NFRAMES; n++) {
		frame_name(d, n, name, sizeof(name));
		snprintf(path, sizeof(path), DATA "crypto/%s.bin", name);
		r->len[n] = load_file(path, r->msg[n], MAXV);
		rule = ike_msg_parse(r->msg[n], r->len[n], &r->m[n], &err);
		cr_assert_eq(rule, IKE_ERR_OK, "%s: %s", name, ike_rule_name(rule));
	}
	rq = &r->m[d->init_req].pl;
	rs = &r->m[d->init_resp].pl;
	OK(ike_suite_from_proposal(&rs->sa, 0, &r->suite[0]));
	r->ispi[0] = r->m[d->init_resp].hdr.ispi;
	r->rspi[0] = r->m[d->init_resp].hdr.rspi;
	gl = logged(r, "ike1.g_ir", g_ir, sizeof(g_ir));
	cr_assert_eq(gl, ike_dh_secret_len(r->suite[0].dh));
	OK(ike_skeyseed(r->suite[0].prf, &rq->nonce, &rs->nonce, g_ir, gl, r->skeyseed[0]));
	OK(ike_keys_sa_init(&r->suite[0], g_ir, gl, &rq->nonce, &rs->nonce, r->ispi[0],
			    r->rspi[0], &r->k[0]));

	for (n = 1; n <= NFRAMES; n++) {
		if (r->m[n].pl.n_sk == 0)
			continue;
		decrypt_frame(r, n, have);
		if (n != d->rekey_resp)
			continue;
		/* RFC 7296 2.18: the rekey's request and response carry the new
		 * SA's SPIs in their proposals, its nonces and its KE. */
		rq = inner(r, d->rekey_req);
		rs = inner(r, d->rekey_resp);
		cr_assert_eq(rs->sa.prop[0].protocol, IKE_PROTO_IKE);
		OK(ike_suite_from_proposal(&rs->sa, 0, &r->suite[1]));
		r->ispi[1] = rq->sa.prop[0].spi;
		r->rspi[1] = rs->sa.prop[0].spi;
		gl = logged(r, "ike2.g_ir", g_ir, sizeof(g_ir));
		OK(ike_skeyseed_rekey(&r->k[0], g_ir, gl, &rq->nonce, &rs->nonce, r->skeyseed[1]));
		OK(ike_keys_rekey(&r->k[0], &r->suite[1], g_ir, gl, &rq->nonce, &rs->nonce,
				  r->ispi[1], r->rspi[1], &r->k[1]));
		have = 2;
	}
	cr_assert_eq(have, 2, "no IKE SA rekey found");
}

static void run_free(struct run *r)
{
	ike_keys_wipe(&r->k[0]);
	ike_keys_wipe(&r->k[1]);
	free(r->keys);
	r->keys = NULL;
}

static void check_ike_keys(const struct run *r)
{
	char label[32];
	unsigned s;

	for (s = 0; s < 2; s++) {
		const struct ike_keys *k = &r->k[s];

#define KEY(field, len)                                                                \
	do {                                                                           \
		snprintf(label, sizeof(label), "ike%u.%s", s + 1, #field);             \
		expect_logged(r, label, k->field, len);                                \
	} while (0)
		snprintf(label, sizeof(label), "ike%u.skeyseed", s + 1);
		/* SKEYSEED has the length of the PRF that made it: SA 1's
		 * for both (RFC 7296 2.18: the old SA's PRF). */
		expect_logged(r, label, r->skeyseed[s], r->k[0].prf_len);
		KEY(sk_d, k->prf_len);
		if (k->integ_len) {
			KEY(sk_ai, k->integ_len);
			KEY(sk_ar, k->integ_len);
		}
		KEY(sk_ei, k->encr_len);
		KEY(sk_er, k->encr_len);
		KEY(sk_pi, k->prf_len);
		KEY(sk_pr, k->prf_len);
#undef KEY
	}
}

Test(ike_capture, psk_ike_keys_equal_charons)
{
	run_load(&R, &psk_desc);
	/* aes128gcm16-prfsha256-ecp256: 20-byte SK_e (key + salt), no SK_a */
	cr_assert_eq(R.suite[0].encr, IKE_ENCR_AES_GCM_16);
	cr_assert_eq(R.suite[0].dh, IKE_DH_ECP256);
	cr_assert_eq(R.k[0].encr_len, 20);
	cr_assert_eq(R.k[0].integ_len, 0);
	check_ike_keys(&R);
	run_free(&R);
}

Test(ike_capture, cert_ike_keys_equal_charons)
{
	run_load(&R, &cert_desc);
	/* aes256-sha256-modp2048 */
	cr_assert_eq(R.suite[0].encr, IKE_ENCR_AES_CBC);
	cr_assert_eq(R.suite[0].encr_bits, 256);
	cr_assert_eq(R.suite[0].integ, IKE_INTEG_HMAC_SHA2_256_128);
	cr_assert_eq(R.suite[0].dh, IKE_DH_MODP2048);
	cr_assert_eq(R.k[0].integ_len, 32);
	check_ike_keys(&R);
	run_free(&R);
}

/* Every SK payload: decrypted (run_load), equal to tshark's decryption
 * with charon's keys (extract.py), parsed; and sealed again with the
 * captured IV and padding, byte-identical to the capture. */
static void check_decrypt_reencrypt(const struct run_desc *d)
{
	static uint8_t buf[MAXV], want[MAXV];
	char name[64], path[256];
	unsigned n, count = 0;
	size_t wl, iv_len;
	struct ike_sk_key key;

	run_load(&R, d);
	for (n = 1; n <= NFRAMES; n++) {
		if (!R.enc[n])
			continue;
		count++;
		frame_name(d, n, name, sizeof(name));
		snprintf(path, sizeof(path), DATA "crypto/%s_inner.bin", name);
		wl = load_file(path, want, sizeof(want));
		assert_bytes(R.plain[n], R.inner_len[n], want, wl, "%s inner", name);

		key = ike_keys_sk(&R.k[R.sa[n]], R.m[n].hdr.flags & IKE_FLAG_I);
		iv_len = ike_sk_iv_len(&key);
		memcpy(buf, R.msg[n], R.len[n]);
		memset(buf + R.m[n].pl.sk.body_off + iv_len, 0xee,
		       R.len[n] - R.m[n].pl.sk.body_off - iv_len);
		OK(ike_sk_encrypt_iv(&key, buf, R.len[n], R.m[n].pl.sk.body_off,
				     R.msg[n] + R.m[n].pl.sk.body_off, R.plain[n] + R.inner_len[n],
				     R.plain[n], R.inner_len[n]));
		assert_bytes(buf, R.len[n], R.msg[n], R.len[n], "%s re-encrypted", name);
		/* The least padding is what charon sent. */
		cr_assert_eq(ike_sk_body_len(&key, R.inner_len[n]), R.m[n].pl.sk.body_len, "%s", name);
	}
	/* Every frame from IKE_AUTH on. */
	cr_assert_eq(count, NFRAMES + 1 - d->auth_req);
	run_free(&R);
}

Test(ike_capture, psk_decrypt_and_reencrypt_gcm)
{
	check_decrypt_reencrypt(&psk_desc);
}

Test(ike_capture, cert_decrypt_and_reencrypt_cbc)
{
	check_decrypt_reencrypt(&cert_desc);
}

/* The AUTH octets of both peers equal charon's (ike1.auth_i/r.octets). */
static void auth_octets(const struct run *r, bool of_i, uint8_t *out, size_t *len)
{
	const struct run_desc *d = r->d;
	const struct ike_payloads *a = inner(r, of_i ? d->auth_req : d->auth_resp);
	const struct ike_id *id = of_i ? &a->idi : &a->idr;
	unsigned real = of_i ? d->init_req : d->init_resp;
	unsigned other = of_i ? d->init_resp : d->init_req;
	char label[32];

	cr_assert_eq(of_i ? a->n_idi : a->n_idr, 1);
	OK(ike_auth_octets(&r->k[0], of_i, r->msg[real], r->len[real], &r->m[other].pl.nonce,
			   &id->body, out, MAXV, len));
	cr_assert_eq(*len, ike_auth_octets_len(&r->k[0], r->len[real], r->m[other].pl.nonce.len));
	snprintf(label, sizeof(label), "ike1.auth_%c.idx", of_i ? 'i' : 'r');
	expect_logged(r, label, id->body.ptr, id->body.len);
	snprintf(label, sizeof(label), "ike1.auth_%c.octets", of_i ? 'i' : 'r');
	expect_logged(r, label, out, *len);
}

Test(ike_capture, psk_auth_both_directions)
{
	static const char psk[] = "pmip-ike-psk-test-vectors";   /* capture.sh */
	static uint8_t octets[MAXV];
	uint8_t auth[IKE_PRF_MAX];
	size_t ol, al;
	int dir;

	run_load(&R, &psk_desc);
	for (dir = 0; dir < 2; dir++) {
		bool of_i = dir == 0;
		const struct ike_auth *a =
			&inner(&R, of_i ? psk_desc.auth_req : psk_desc.auth_resp)->auth;

		auth_octets(&R, of_i, octets, &ol);
		cr_assert_eq(a->method, IKE_AUTH_PSK);
		OK(ike_auth_psk(R.k[0].suite.prf, (const uint8_t *)psk, strlen(psk), octets, ol,
				auth, sizeof(auth), &al));
		/* What charon sent, and what it logged. */
		assert_bytes(auth, al, a->data.ptr, a->data.len, "AUTH %s", of_i ? "i" : "r");
		expect_logged(&R, of_i ? "ike1.auth_i.auth" : "ike1.auth_r.auth", auth, al);
		OK(ike_auth_psk_verify(R.k[0].suite.prf, (const uint8_t *)psk, strlen(psk), octets,
				       ol, a->data.ptr, a->data.len));
		/* A wrong secret, octets, or AUTH fails. */
		FAILS(ike_auth_psk_verify(R.k[0].suite.prf, (const uint8_t *)"pmip-ike-psk-test-vectorz",
					  strlen(psk), octets, ol, a->data.ptr, a->data.len),
		      IKE_CRYPTO_AUTH_MISMATCH);
		octets[5] ^= 1;
		FAILS(ike_auth_psk_verify(R.k[0].suite.prf, (const uint8_t *)psk, strlen(psk),
					  octets, ol, a->data.ptr, a->data.len),
		      IKE_CRYPTO_AUTH_MISMATCH);
		octets[5] ^= 1;
		FAILS(ike_auth_psk_verify(R.k[0].suite.prf, (const uint8_t *)psk, strlen(psk),
					  octets, ol, a->data.ptr, a->data.len - 1),
		      IKE_CRYPTO_AUTH_MISMATCH);
	}
	/* The initiator's octets with the responder's key (SK_pr for IDi): no. */
	{
		const struct ike_payloads *a = inner(&R, psk_desc.auth_req);
		unsigned rq = psk_desc.init_req, rs = psk_desc.init_resp;

		OK(ike_auth_octets(&R.k[0], false, R.msg[rq], R.len[rq], &R.m[rs].pl.nonce,
				   &a->idi.body, octets, sizeof(octets), &ol));
		FAILS(ike_auth_psk_verify(R.k[0].suite.prf, (const uint8_t *)psk, strlen(psk), octets,
					  ol, a->auth.data.ptr, a->auth.data.len),
		      IKE_CRYPTO_AUTH_MISMATCH);
	}
	run_free(&R);
}

/* The time the cert run's certificates were made, plus a day. */
static time_t cert_time(X509 *cert)
{
	struct tm tm;

	cr_assert_eq(ASN1_TIME_to_tm(X509_get0_notBefore(cert), &tm), 1);
	return timegm(&tm) + 86400;
}

Test(ike_capture, cert_rfc7427_signatures_and_certificates)
{
	static uint8_t octets[MAXV];
	X509_STORE *store;
	X509 *ca, *peer[2];
	uint8_t hash[20];
	int dir, xerr;

	run_load(&R, &cert_desc);
	OK(ike_ca_load(DATA "crypto/pki/ca.pem", &store));
	OK(ike_cert_load_pem(DATA "crypto/pki/ca.pem", &ca));
	for (dir = 0; dir < 2; dir++) {
		bool of_i = dir == 0;
		const struct ike_payloads *a = inner(&R, of_i ? cert_desc.auth_req : cert_desc.auth_resp);
		struct ike_auth bad;
		size_t ol;

		auth_octets(&R, of_i, octets, &ol);
		/* RFC 7427: method 14, ecdsa-with-SHA256, the certificate in
		 * the first CERT payload. */
		cr_assert_eq(a->auth.method, IKE_AUTH_DIGITAL_SIG);
		cr_assert_eq(ike_sig_alg_from_der(&a->auth.sig_alg), IKE_SIG_ECDSA_SHA256);
		cr_assert_geq(a->n_cert, 1);
		cr_assert_eq(a->cert[0].encoding, IKE_CERT_X509_SIG);
		OK(ike_cert_from_der(a->cert[0].data.ptr, a->cert[0].data.len, &peer[dir]));
		OK(ike_auth_verify(peer[dir], &a->auth, octets, ol));
		OK(ike_cert_verify(store, peer[dir], NULL, cert_time(ca), &xerr));
		OK(ike_cert_match_id(peer[dir], of_i ? &a->idi : &a->idr));
		/* Tampered octets, signature; the other peer's certificate. */
		octets[30] ^= 0x80;
		FAILS(ike_auth_verify(peer[dir], &a->auth, octets, ol), IKE_CRYPTO_SIG_INVALID);
		octets[30] ^= 0x80;
		bad = a->auth;
		{
			uint8_t sig[256];

			memcpy(sig, a->auth.sig.ptr, a->auth.sig.len);
			sig[a->auth.sig.len - 1] ^= 1;
			bad.sig.ptr = sig;
			FAILS(ike_auth_verify(peer[dir], &bad, octets, ol), IKE_CRYPTO_SIG_INVALID);
			sig[a->auth.sig.len - 1] ^= 1;
			sig[1] ^= 0x40;      /* the DER no longer decodes */
			FAILS(ike_auth_verify(peer[dir], &bad, octets, ol), IKE_CRYPTO_SIG_INVALID);
		}
		/* An RSA AlgorithmIdentifier for an EC key. */
		bad = a->auth;
		bad.sig_alg = ike_sig_alg_der(IKE_SIG_RSA_PKCS1_SHA256);
		FAILS(ike_auth_verify(peer[dir], &bad, octets, ol), IKE_CRYPTO_SIG_ALG);
		bad.sig_alg.len--;
		FAILS(ike_auth_verify(peer[dir], &bad, octets, ol), IKE_CRYPTO_SIG_ALG);
	}
	FAILS(ike_auth_verify(peer[1], &inner(&R, cert_desc.auth_req)->auth, octets, 1),
	      IKE_CRYPTO_SIG_INVALID);
	FAILS(ike_cert_match_id(peer[1], &inner(&R, cert_desc.auth_req)->idi), IKE_CRYPTO_CERT_ID);
	FAILS(ike_cert_match_id(peer[0], &inner(&R, cert_desc.auth_req)->idr), IKE_CRYPTO_CERT_ID);
	/* Before the certificates were made: not yet valid. */
	FAILS(ike_cert_verify(store, peer[0], NULL, cert_time(ca) - 10 * 86400, &xerr),
	      IKE_CRYPTO_CERT_UNTRUSTED);
	cr_assert_eq(xerr, X509_V_ERR_CERT_NOT_YET_VALID);
	/* The responder's CERTREQ names our CA by its key's SHA-1 (RFC 7296
	 * 3.7); both sides listed SHA2-256 in SIGNATURE_HASH_ALGORITHMS. */
	OK(ike_cert_spki_sha1(ca, hash));
	cr_assert_eq(R.m[cert_desc.init_resp].pl.n_certreq, 1);
	assert_bytes(R.m[cert_desc.init_resp].pl.certreq[0].data.ptr,
		     R.m[cert_desc.init_resp].pl.certreq[0].data.len, hash, 20, "CERTREQ");
	for (dir = 0; dir < 2; dir++) {
		const struct ike_notify *nt = ike_payloads_notify(
			&R.m[dir ? cert_desc.init_resp : cert_desc.init_req].pl,
			IKE_N_SIGNATURE_HASH_ALGORITHMS);

		cr_assert_not_null(nt);
		cr_assert(ike_sig_hash_listed(&nt->data, IKE_HASH_SHA2_256));
		cr_assert_not(ike_sig_hash_listed(&nt->data, 99));
	}
	X509_free(peer[0]);
	X509_free(peer[1]);
	X509_free(ca);
	X509_STORE_free(store);
	run_free(&R);
}

/* Our own ECDSA signature with the MAG's key over the captured octets
 * verifies with its certificate, as charon's did. */
Test(ike_capture, cert_own_ecdsa_signature)
{
	static uint8_t octets[MAXV];
	uint8_t sig[256];
	struct ike_auth a = { 0 };
	EVP_PKEY *key;
	X509 *mag, *lma;
	size_t ol, sl;

	run_load(&R, &cert_desc);
	auth_octets(&R, true, octets, &ol);
	OK(ike_key_load_pem(DATA "crypto/pki/mag.key", &key));
	OK(ike_cert_load_pem(DATA "crypto/pki/mag.pem", &mag));
	OK(ike_cert_load_pem(DATA "crypto/pki/lma.pem", &lma));
	cr_assert_eq(ike_sig_alg_for_key(key, false), IKE_SIG_ECDSA_SHA256);
	OK(ike_auth_sign(key, IKE_SIG_ECDSA_SHA256, octets, ol, sig, sizeof(sig), &sl));
	a.method = IKE_AUTH_DIGITAL_SIG;
	a.sig_alg = ike_sig_alg_der(IKE_SIG_ECDSA_SHA256);
	a.sig = (struct ike_span){ sig, sl };
	OK(ike_auth_verify(mag, &a, octets, ol));
	FAILS(ike_auth_verify(lma, &a, octets, ol), IKE_CRYPTO_SIG_INVALID);
	FAILS(ike_auth_sign(key, IKE_SIG_RSA_PKCS1_SHA256, octets, ol, sig, sizeof(sig), &sl),
	      IKE_CRYPTO_SIG_ALG);
	FAILS(ike_auth_sign(key, IKE_SIG_ECDSA_SHA256, octets, ol, sig, 8, &sl), IKE_CRYPTO_SPACE);
	a.method = IKE_AUTH_PSK;
	FAILS(ike_auth_verify(mag, &a, octets, ol), IKE_CRYPTO_SIG_ALG);
	EVP_PKEY_free(key);
	X509_free(lma);
	X509_free(mag);
	FAILS(ike_key_load_pem(DATA "crypto/pki/none.key", &key), IKE_CRYPTO_KEY_LOAD);
	cr_assert_null(key);
	FAILS(ike_cert_load_pem(DATA "crypto/pki/mag.key", &mag), IKE_CRYPTO_CERT_LOAD);
	cr_assert_null(mag);
	run_free(&R);
}

/* CHILD_SA keys (RFC 7296 2.17) equal charon's: the one IKE_AUTH made
 * (Ni, Nr of IKE_SA_INIT, no g^ir) and the PFS rekey's. */
static void check_child_keys(const struct run_desc *d)
{
	uint8_t g_ir[IKE_DH_MAX], seed[MAXV];
	const struct ike_payloads *rq, *rs;
	struct ike_child_keys ck;
	struct ike_suite esp;
	char label[32];
	size_t gl, sl;
	int c;

	run_load(&R, d);
	for (c = 1; c <= 2; c++) {
		if (c == 1) {
			rq = &R.m[d->init_req].pl;
			rs = &R.m[d->init_resp].pl;
			OK(ike_suite_from_proposal(&inner(&R, d->auth_resp)->sa, 0, &esp));
			gl = 0;
		} else {
			rq = inner(&R, d->child_req);
			rs = inner(&R, d->child_resp);
			OK(ike_suite_from_proposal(&rs->sa, 0, &esp));
			gl = logged(&R, "child2.g_ir", g_ir, sizeof(g_ir));
			cr_assert_eq(gl, ike_dh_secret_len(esp.dh));
		}
		/* charon's seed is [g^ir |] Ni | Nr: our nonces are its. */
		memcpy(seed, g_ir, gl);
		memcpy(seed + gl, rq->nonce.ptr, rq->nonce.len);
		memcpy(seed + gl + rq->nonce.len, rs->nonce.ptr, rs->nonce.len);
		sl = gl + rq->nonce.len + rs->nonce.len;
		snprintf(label, sizeof(label), "child%d.seed", c);
		expect_logged(&R, label, seed, sl);
		OK(ike_keys_child(&R.k[0], &esp, gl ? g_ir : NULL, gl, &rq->nonce, &rs->nonce, &ck));
		snprintf(label, sizeof(label), "child%d.encr_i", c);
		expect_logged(&R, label, ck.encr_i, ck.encr_len);
		snprintf(label, sizeof(label), "child%d.encr_r", c);
		expect_logged(&R, label, ck.encr_r, ck.encr_len);
		if (ck.integ_len) {
			snprintf(label, sizeof(label), "child%d.integ_i", c);
			expect_logged(&R, label, ck.integ_i, ck.integ_len);
			snprintf(label, sizeof(label), "child%d.integ_r", c);
			expect_logged(&R, label, ck.integ_r, ck.integ_len);
		}
		ike_child_keys_wipe(&ck);
		cr_assert_eq(ck.encr_len, 0);
	}
	run_free(&R);
}

Test(ike_capture, psk_child_keys_gcm_with_salt)
{
	check_child_keys(&psk_desc);
}

Test(ike_capture, cert_child_keys_cbc_hmac)
{
	check_child_keys(&cert_desc);
}

/* Captured KE data passes our peer checks; a bit flip in an ECP point
 * does not. */
Test(ike_capture, captured_ke_data_valid)
{
	static const struct run_desc *const runs[] = { &psk_desc, &cert_desc };
	uint8_t pt[64];
	unsigned i, n;

	for (i = 0; i < 2; i++) {
		run_load(&R, runs[i]);
		for (n = 1; n <= NFRAMES; n++) {
			const struct ike_payloads *pl = R.enc[n] ? &R.in[n] : &R.m[n].pl;

			if (pl->n_ke == 0)
				continue;
			OK(ike_dh_check_peer(pl->ke.group, pl->ke.data.ptr, pl->ke.data.len));
			if (pl->ke.group == IKE_DH_ECP256) {
				memcpy(pt, pl->ke.data.ptr, 64);
				pt[10] ^= 4;
				FAILS(ike_dh_check_peer(IKE_DH_ECP256, pt, 64), IKE_CRYPTO_DH_POINT);
			}
		}
		run_free(&R);
	}
}

/* The codec's vectors (tests/data/ike, README.md: the keys tshark used). */
struct old_sa {
	const char *ispi, *rspi, *ei, *er, *ai, *ar;
};

static const struct old_sa old_psk[2] = {
	{ "a848fb7fca83acb4", "1f92097bb610f0ba", "c092eb99a7a01f2240fc698919cf13de46381887",
	  "e4562466ea581cd743c986a50c44cda984c5985a", NULL, NULL },
	{ "8027385d4f019eaf", "c7cd1f9492761984", "9dbf8763fd2a1ff00c9ba336a17e1b88d413a078",
	  "64f379f116ff0ae257dfefb10da39e8be85af303", NULL, NULL },
};
static const struct old_sa old_cert[2] = {
	{ "0f79deda888c8a7f", "bf8127036c208a4b",
	  "6d59ab84bce8983ce45e1591bbea9a7409feef04b5ce814de0103817c89d96ca",
	  "82a5b4313210814d40c5504301643b019cdf6916b293a7e508a98678661cdd19",
	  "97fd548a97f92e2595d69d4111c74925a69ab6309f39310f4140939c3a992b7d",
	  "12a184add4831e88d63c51559755ed7197d0bcc6253bdbe999b427c67c8c1fc7" },
	{ "556ecffa16860c4e", "5ad8ceb7e81c71fd",
	  "b8a9722eece3bc64828351c229bc72ba0a5bae0a5e61be6deda51ea0b3bbc55d",
	  "48fee4ad031524496c236833973ef5f9d56bcc6b1f77a0fa7acc3cfb72284d1c",
	  "03e914b898a95df05210d0843de27fa5aefbdeba7abbe93f22e1fc4b9e11a425",
	  "604e920b7b4671dd882ca5a366a8c172738906f7a8bd8aca963146bb19b2aeb8" },
};

static void check_old_run(const struct run_desc *d, const struct old_sa *sas)
{
	static uint8_t msg[MAXV], plain[MAXV], want[MAXV];
	static struct ike_msg m;
	static struct ike_payloads pl;
	char name[64], path[256];
	uint8_t ek[2][2][IKE_ENCR_KEY_MAX], ak[2][2][IKE_INTEG_KEY_MAX], spi[8];
	size_t ekl = 0, akl = 0, len, il, wl;
	unsigned n, s, count = 0;
	struct ike_sk_key key;
	struct ike_err err;
	uint64_t ispi[2];
	int i;

	for (s = 0; s < 2; s++) {
		test_unhex(sas[s].ispi, spi, 8);
		ispi[s] = 0;
		for (i = 0; i < 8; i++)
			ispi[s] = ispi[s] << 8 | spi[i];
		ekl = test_unhex(sas[s].ei, ek[s][0], IKE_ENCR_KEY_MAX);
		test_unhex(sas[s].er, ek[s][1], IKE_ENCR_KEY_MAX);
		if (sas[s].ai) {
			akl = test_unhex(sas[s].ai, ak[s][0], IKE_INTEG_KEY_MAX);
			test_unhex(sas[s].ar, ak[s][1], IKE_INTEG_KEY_MAX);
		}
	}
	for (n = 1; n <= NFRAMES; n++) {
		frame_name(d, n, name, sizeof(name));
		snprintf(path, sizeof(path), DATA "%s.bin", name);
		len = load_file(path, msg, sizeof(msg));
		cr_assert_eq(ike_msg_parse(msg, len, &m, &err), IKE_ERR_OK, "%s", name);
		if (m.pl.n_sk == 0)
			continue;
		s = m.hdr.ispi == ispi[0] ? 0 : 1;
		cr_assert_eq(m.hdr.ispi, ispi[s], "%s: SPI", name);
		i = (m.hdr.flags & IKE_FLAG_I) ? 0 : 1;
		key = (struct ike_sk_key){
			.encr = akl ? IKE_ENCR_AES_CBC : IKE_ENCR_AES_GCM_16,
			.encr_bits = akl ? 256 : 128,
			.integ = akl ? IKE_INTEG_HMAC_SHA2_256_128 : IKE_INTEG_NONE,
			.ek = ek[s][i], .ek_len = ekl,
			.ak = akl ? ak[s][i] : NULL, .ak_len = akl,
		};
		OK(ike_sk_decrypt(&key, msg, len, m.pl.sk.body_off, plain, sizeof(plain), &il));
		snprintf(path, sizeof(path), DATA "%s_inner.bin", name);
		wl = load_file(path, want, sizeof(want));
		assert_bytes(plain, il, want, wl, "%s", name);
		cr_assert_eq(ike_inner_parse(plain, il, m.pl.sk.first, &pl, &err), IKE_ERR_OK);
		count++;
	}
	cr_assert_eq(count, NFRAMES + 1 - d->auth_req);
}

Test(ike_capture, codec_vectors_decrypt_with_readme_keys)
{
	check_old_run(&psk_desc, old_psk);
	check_old_run(&cert_desc, old_cert);
}
