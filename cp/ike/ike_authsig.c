/* IKEv2 authentication (RFC 7296 2.15): the signed octets, shared key
 * AUTH, RFC 7427 Digital Signature AUTH, SIGNATURE_HASH_ALGORITHMS, and
 * the X.509 certificates signatures need. See ike_crypto.h. */
#define OPENSSL_NO_DEPRECATED
#include "ike_crypto.h"

#include <string.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

/* ---------------------------------------------------------- octets -- */

size_t ike_auth_octets_len(const struct ike_keys *k, size_t msg_len, size_t nonce_len)
{
	return msg_len + nonce_len + k->prf_len;
}

enum ike_crypto_err ike_auth_octets(const struct ike_keys *k, bool of_initiator,
				    const uint8_t *real_msg, size_t msg_len,
				    const struct ike_span *nonce, const struct ike_span *id_body,
				    uint8_t *out, size_t cap, size_t *out_len)
{
	const uint8_t *sk_p;

	if (k == NULL || real_msg == NULL || nonce == NULL || nonce->ptr == NULL ||
	    id_body == NULL || id_body->ptr == NULL || out == NULL || out_len == NULL)
		return IKE_CRYPTO_ARG;
	*out_len = 0;
	if (cap < ike_auth_octets_len(k, msg_len, nonce->len))
		return IKE_CRYPTO_SPACE;
	/* RFC 7296 2.15: the initiator's MACedIDForI uses SK_pi, the
	 * responder's MACedIDForR SK_pr. */
	sk_p = of_initiator ? k->sk_pi : k->sk_pr;
	memcpy(out, real_msg, msg_len);
	memcpy(out + msg_len, nonce->ptr, nonce->len);
	*out_len = msg_len + nonce->len + k->prf_len;
	return ike_prf(k->suite.prf, sk_p, k->prf_len, id_body, 1, out + msg_len + nonce->len);
}

/* -------------------------------------------------------- shared key -- */

enum ike_crypto_err ike_auth_psk(uint16_t prf, const uint8_t *secret, size_t secret_len,
				 const uint8_t *octets, size_t octets_len, uint8_t *auth,
				 size_t cap, size_t *auth_len)
{
	/* RFC 7296 2.15: the 17 ASCII characters, no terminator. */
	static const char keypad[] = "Key Pad for IKEv2";
	struct ike_span pad = { (const uint8_t *)keypad, sizeof(keypad) - 1 };
	struct ike_span data = { octets, octets_len };
	uint8_t key[IKE_PRF_MAX];
	size_t n = ike_prf_len(prf);
	enum ike_crypto_err rc;

	if (secret == NULL || octets == NULL || auth == NULL || auth_len == NULL)
		return IKE_CRYPTO_ARG;
	*auth_len = 0;
	if (n == 0)
		return IKE_CRYPTO_UNSUPPORTED;
	if (cap < n)
		return IKE_CRYPTO_SPACE;
	rc = ike_prf(prf, secret, secret_len, &pad, 1, key);
	if (rc == IKE_CRYPTO_OK)
		rc = ike_prf(prf, key, n, &data, 1, auth);
	OPENSSL_cleanse(key, sizeof(key));
	if (rc == IKE_CRYPTO_OK)
		*auth_len = n;
	return rc;
}

enum ike_crypto_err ike_auth_psk_verify(uint16_t prf, const uint8_t *secret,
					size_t secret_len, const uint8_t *octets,
					size_t octets_len, const uint8_t *auth, size_t auth_len)
{
	uint8_t want[IKE_PRF_MAX];
	size_t n = 0;
	enum ike_crypto_err rc;

	if (auth == NULL)
		return IKE_CRYPTO_ARG;
	rc = ike_auth_psk(prf, secret, secret_len, octets, octets_len, want, sizeof(want), &n);
	if (rc == IKE_CRYPTO_OK && (auth_len != n || CRYPTO_memcmp(want, auth, n) != 0))
		rc = IKE_CRYPTO_AUTH_MISMATCH;
	OPENSSL_cleanse(want, sizeof(want));
	return rc;
}

/* -------------------------------------------------------- signatures -- */

/* RFC 7427 Appendix A: the AlgorithmIdentifiers, DER. */
static const uint8_t der_rsa_sha256[] = {       /* sha256WithRSAEncryption */
	0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01,
	0x0b, 0x05, 0x00,
};
static const uint8_t der_ecdsa_sha256[] = {     /* ecdsa-with-SHA256 */
	0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02,
};
/* A.4.3: id-RSASSA-PSS { hashAlgorithm [0] sha256 NULL, maskGenAlgorithm
 * [1] mgf1 { sha256 NULL }, saltLength [2] 32, trailerField [3] 1 }. */
static const uint8_t der_pss_sha256[] = {
	0x30, 0x46, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01,
	0x0a, 0x30, 0x39, 0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48,
	0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0xa1, 0x1c, 0x30, 0x1a,
	0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30,
	0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
	0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x20, 0xa3, 0x03, 0x02, 0x01, 0x01,
};
/* The same without trailerField: DER omits a DEFAULT value (X.690
 * 11.5), so strict encoders send this. */
static const uint8_t der_pss_sha256_nt[] = {
	0x30, 0x41, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01,
	0x0a, 0x30, 0x34, 0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48,
	0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0xa1, 0x1c, 0x30, 0x1a,
	0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30,
	0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
	0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x20,
};

static const struct {
	enum ike_sig_alg alg;
	const uint8_t *der;
	size_t len;
} sig_ders[] = {
	{ IKE_SIG_RSA_PKCS1_SHA256, der_rsa_sha256, sizeof(der_rsa_sha256) },
	{ IKE_SIG_ECDSA_SHA256, der_ecdsa_sha256, sizeof(der_ecdsa_sha256) },
	{ IKE_SIG_RSA_PSS_SHA256, der_pss_sha256, sizeof(der_pss_sha256) },
	{ IKE_SIG_RSA_PSS_SHA256, der_pss_sha256_nt, sizeof(der_pss_sha256_nt) },
};
#define N_SIG_DERS (sizeof(sig_ders) / sizeof(sig_ders[0]))

struct ike_span ike_sig_alg_der(enum ike_sig_alg alg)
{
	struct ike_span s = { NULL, 0 };
	size_t i;

	/* The first entry of an algorithm is the one we send. */
	for (i = 0; i < N_SIG_DERS; i++) {
		if (sig_ders[i].alg == alg) {
			s.ptr = sig_ders[i].der;
			s.len = sig_ders[i].len;
			break;
		}
	}
	return s;
}

enum ike_sig_alg ike_sig_alg_from_der(const struct ike_span *der)
{
	size_t i;

	if (der == NULL || der->ptr == NULL)
		return IKE_SIG_NONE;
	for (i = 0; i < N_SIG_DERS; i++)
		if (der->len == sig_ders[i].len && memcmp(der->ptr, sig_ders[i].der, der->len) == 0)
			return sig_ders[i].alg;
	return IKE_SIG_NONE;
}

enum ike_sig_alg ike_sig_alg_for_key(const EVP_PKEY *key, bool pss)
{
	if (key == NULL)
		return IKE_SIG_NONE;
	if (EVP_PKEY_is_a(key, "EC"))
		return IKE_SIG_ECDSA_SHA256;
	if (EVP_PKEY_is_a(key, "RSA"))
		return pss ? IKE_SIG_RSA_PSS_SHA256 : IKE_SIG_RSA_PKCS1_SHA256;
	if (EVP_PKEY_is_a(key, "RSA-PSS"))
		return IKE_SIG_RSA_PSS_SHA256;
	return IKE_SIG_NONE;
}

/* Whether alg can be used with key's type. */
static bool sig_alg_fits(const EVP_PKEY *key, enum ike_sig_alg alg)
{
	switch (alg) {
	case IKE_SIG_ECDSA_SHA256:
		return EVP_PKEY_is_a(key, "EC");
	case IKE_SIG_RSA_PKCS1_SHA256:
		return EVP_PKEY_is_a(key, "RSA");
	case IKE_SIG_RSA_PSS_SHA256:
		return EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS");
	default:
		return false;
	}
}

/* The digest context for signing or verifying with alg: SHA-256, and
 * for PSS the parameters of RFC 7427 A.4.3. */
static enum ike_crypto_err sig_ctx(EVP_PKEY *key, enum ike_sig_alg alg, bool sign,
				   EVP_MD_CTX **out)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int ok;

	*out = NULL;
	if (md == NULL)
		return IKE_CRYPTO_NOMEM;
	if (sign)
		ok = EVP_DigestSignInit_ex(md, &pctx, "SHA2-256", NULL, NULL, key, NULL);
	else
		ok = EVP_DigestVerifyInit_ex(md, &pctx, "SHA2-256", NULL, NULL, key, NULL);
	if (ok == 1 && alg == IKE_SIG_RSA_PSS_SHA256)
		ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
		     EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, "SHA2-256", NULL) == 1 &&
		     EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) == 1;
	else if (ok == 1 && alg == IKE_SIG_RSA_PKCS1_SHA256)
		ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1;
	if (ok != 1) {
		EVP_MD_CTX_free(md);
		return IKE_CRYPTO_OPENSSL;
	}
	*out = md;
	return IKE_CRYPTO_OK;
}

enum ike_crypto_err ike_auth_sign(EVP_PKEY *key, enum ike_sig_alg alg, const uint8_t *octets,
				  size_t octets_len, uint8_t *sig, size_t cap, size_t *sig_len)
{
	EVP_MD_CTX *md = NULL;
	size_t n = 0;
	enum ike_crypto_err rc;

	if (key == NULL || octets == NULL || sig == NULL || sig_len == NULL)
		return IKE_CRYPTO_ARG;
	*sig_len = 0;
	if (!sig_alg_fits(key, alg))
		return IKE_CRYPTO_SIG_ALG;
	rc = sig_ctx(key, alg, true, &md);
	if (rc != IKE_CRYPTO_OK)
		return rc;
	rc = IKE_CRYPTO_OPENSSL;
	/* The first call gives the largest signature length. */
	if (EVP_DigestSign(md, NULL, &n, octets, octets_len) != 1)
		goto out;
	rc = IKE_CRYPTO_SPACE;
	if (cap < n)
		goto out;
	rc = IKE_CRYPTO_OPENSSL;
	n = cap;
	if (EVP_DigestSign(md, sig, &n, octets, octets_len) != 1)
		goto out;
	*sig_len = n;
	rc = IKE_CRYPTO_OK;
out:
	EVP_MD_CTX_free(md);
	return rc;
}

enum ike_crypto_err ike_auth_verify(X509 *cert, const struct ike_auth *auth,
				    const uint8_t *octets, size_t octets_len)
{
	EVP_PKEY *pub;
	EVP_MD_CTX *md = NULL;
	enum ike_sig_alg alg;
	enum ike_crypto_err rc;
	int ok;

	if (cert == NULL || auth == NULL || octets == NULL)
		return IKE_CRYPTO_ARG;
	if (auth->method != IKE_AUTH_DIGITAL_SIG || auth->sig.ptr == NULL)
		return IKE_CRYPTO_SIG_ALG;
	alg = ike_sig_alg_from_der(&auth->sig_alg);
	pub = X509_get0_pubkey(cert);
	if (pub == NULL)
		return IKE_CRYPTO_CERT_LOAD;
	if (alg == IKE_SIG_NONE || !sig_alg_fits(pub, alg))
		return IKE_CRYPTO_SIG_ALG;
	rc = sig_ctx(pub, alg, false, &md);
	if (rc != IKE_CRYPTO_OK)
		return rc;
	/* 0: a bad signature; < 0: one that does not even decode (a broken
	 * ECDSA DER). Both are the peer's fault: drop what OpenSSL queued. */
	ERR_set_mark();
	ok = EVP_DigestVerify(md, auth->sig.ptr, auth->sig.len, octets, octets_len);
	ERR_pop_to_mark();
	EVP_MD_CTX_free(md);
	return ok == 1 ? IKE_CRYPTO_OK : IKE_CRYPTO_SIG_INVALID;
}

size_t ike_sig_hash_notify_data(uint8_t *out, size_t cap)
{
	/* Only SHA2-256: the hash of every algorithm we sign and verify. */
	if (out == NULL || cap < 2)
		return 0;
	out[0] = 0;
	out[1] = IKE_HASH_SHA2_256;
	return 2;
}

bool ike_sig_hash_listed(const struct ike_span *data, uint16_t hash)
{
	size_t i;

	if (data == NULL || data->ptr == NULL)
		return false;
	for (i = 0; i + 1 < data->len; i += 2)
		if ((uint16_t)(data->ptr[i] << 8 | data->ptr[i + 1]) == hash)
			return true;
	return false;
}

/* ------------------------------------------------------ certificates -- */

enum ike_crypto_err ike_key_load_pem(const char *path, EVP_PKEY **out)
{
	BIO *bio;

	if (path == NULL || out == NULL)
		return IKE_CRYPTO_ARG;
	bio = BIO_new_file(path, "r");
	*out = bio ? PEM_read_bio_PrivateKey_ex(bio, NULL, NULL, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	return *out ? IKE_CRYPTO_OK : IKE_CRYPTO_KEY_LOAD;
}

enum ike_crypto_err ike_cert_load_pem(const char *path, X509 **out)
{
	BIO *bio;

	if (path == NULL || out == NULL)
		return IKE_CRYPTO_ARG;
	bio = BIO_new_file(path, "r");
	*out = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	return *out ? IKE_CRYPTO_OK : IKE_CRYPTO_CERT_LOAD;
}

enum ike_crypto_err ike_cert_from_der(const uint8_t *der, size_t len, X509 **out)
{
	const unsigned char *p = der;

	if (der == NULL || out == NULL || len > 0x7fffffff)
		return IKE_CRYPTO_ARG;
	*out = d2i_X509(NULL, &p, (long)len);
	if (*out == NULL)
		return IKE_CRYPTO_CERT_LOAD;
	/* The payload holds exactly one certificate (RFC 7296 3.6). */
	if (p != der + len) {
		X509_free(*out);
		*out = NULL;
		return IKE_CRYPTO_CERT_LOAD;
	}
	return IKE_CRYPTO_OK;
}

enum ike_crypto_err ike_cert_to_der(X509 *cert, uint8_t **der, size_t *len)
{
	unsigned char *buf = NULL;
	int n;

	if (cert == NULL || der == NULL || len == NULL)
		return IKE_CRYPTO_ARG;
	n = i2d_X509(cert, &buf);
	if (n <= 0)
		return IKE_CRYPTO_OPENSSL;
	*der = buf;
	*len = (size_t)n;
	return IKE_CRYPTO_OK;
}

enum ike_crypto_err ike_ca_load(const char *cafile, X509_STORE **out)
{
	X509_STORE *store;

	if (cafile == NULL || out == NULL)
		return IKE_CRYPTO_ARG;
	*out = NULL;
	store = X509_STORE_new();
	if (store == NULL)
		return IKE_CRYPTO_NOMEM;
	if (X509_STORE_load_file(store, cafile) != 1) {
		X509_STORE_free(store);
		return IKE_CRYPTO_CERT_LOAD;
	}
	*out = store;
	return IKE_CRYPTO_OK;
}

enum ike_crypto_err ike_cert_verify(X509_STORE *store, X509 *cert, STACK_OF(X509) *untrusted,
				    time_t at, int *x509_err)
{
	X509_STORE_CTX *ctx;
	enum ike_crypto_err rc = IKE_CRYPTO_OPENSSL;
	int ok;

	if (x509_err != NULL)
		*x509_err = X509_V_OK;
	if (store == NULL || cert == NULL)
		return IKE_CRYPTO_ARG;
	ctx = X509_STORE_CTX_new();
	if (ctx == NULL)
		return IKE_CRYPTO_NOMEM;
	if (X509_STORE_CTX_init(ctx, store, cert, untrusted) != 1)
		goto out;
	if (at != 0)
		X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), at);
	ERR_set_mark();
	ok = X509_verify_cert(ctx);
	ERR_pop_to_mark();
	if (ok == 1) {
		rc = IKE_CRYPTO_OK;
	} else {
		rc = IKE_CRYPTO_CERT_UNTRUSTED;
		if (x509_err != NULL)
			*x509_err = X509_STORE_CTX_get_error(ctx);
	}
out:
	X509_STORE_CTX_free(ctx);
	return rc;
}

enum ike_crypto_err ike_cert_match_id(X509 *cert, const struct ike_id *id)
{
	const unsigned char *p;
	X509_NAME *name;
	int ok;

	if (cert == NULL || id == NULL || (id->data.ptr == NULL && id->data.len != 0))
		return IKE_CRYPTO_ARG;
	/* Failed matches may queue parse errors: they are the peer's. */
	ERR_set_mark();
	switch (id->type) {
	case IKE_ID_DER_ASN1_DN:
		p = id->data.ptr;
		name = d2i_X509_NAME(NULL, &p, (long)id->data.len);
		ok = name != NULL && p == id->data.ptr + id->data.len &&
		     X509_NAME_cmp(name, X509_get_subject_name(cert)) == 0;
		X509_NAME_free(name);
		break;
	case IKE_ID_FQDN:
		/* RFC 4945 3.1.2: an FQDN ID matches a dNSName subjectAltName. */
		ok = X509_check_host(cert, (const char *)id->data.ptr, id->data.len,
				     X509_CHECK_FLAG_NO_WILDCARDS | X509_CHECK_FLAG_NEVER_CHECK_SUBJECT,
				     NULL) == 1;
		break;
	case IKE_ID_RFC822_ADDR:
		ok = X509_check_email(cert, (const char *)id->data.ptr, id->data.len, 0) == 1;
		break;
	case IKE_ID_IPV4_ADDR:
	case IKE_ID_IPV6_ADDR:
		ok = X509_check_ip(cert, id->data.ptr, id->data.len, 0) == 1;
		break;
	default:
		ERR_pop_to_mark();
		return IKE_CRYPTO_UNSUPPORTED;
	}
	ERR_pop_to_mark();
	return ok ? IKE_CRYPTO_OK : IKE_CRYPTO_CERT_ID;
}

enum ike_crypto_err ike_cert_spki_sha1(X509 *cert, uint8_t out[IKE_CERTREQ_HASH_LEN])
{
	unsigned char *der = NULL;
	size_t n = 0;
	int len;
	enum ike_crypto_err rc = IKE_CRYPTO_OPENSSL;

	if (cert == NULL || out == NULL)
		return IKE_CRYPTO_ARG;
	len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
	if (len <= 0)
		return IKE_CRYPTO_OPENSSL;
	if (EVP_Q_digest(NULL, "SHA1", NULL, der, (size_t)len, out, &n) == 1 &&
	    n == IKE_CERTREQ_HASH_LEN)
		rc = IKE_CRYPTO_OK;
	OPENSSL_free(der);
	return rc;
}
