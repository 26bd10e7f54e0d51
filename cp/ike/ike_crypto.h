/* IKEv2 cryptography (RFC 7296) for the exchange tasks: Diffie-Hellman,
 * PRFs and prf+, the IKE SA and CHILD_SA keys, SK payload protection, and
 * AUTH (shared key and RFC 7427 signatures, with the certificates they
 * need). OpenSSL 3 without deprecated APIs. No state beyond what the
 * caller holds, no logging.
 *
 * Files: ike_crypto.c (transform table, SKEYSEED, SK_*, KEYMAT, error
 * names), ike_prf.c (PRF, prf+), ike_dh.c (key exchange), ike_sk.c (SK
 * payload), ike_authsig.c (AUTH, signatures, certificates).
 *
 * Errors: every function that can fail returns enum ike_crypto_err, one
 * value per broken rule (ike_crypto_err_str says it in words). On
 * IKE_CRYPTO_OPENSSL the reason is left on OpenSSL's error queue for the
 * caller to log (ERR_print_errors_cb) or clear.
 *
 * Secrets: every buffer here that held a key, a shared secret or a
 * plaintext is wiped (OPENSSL_cleanse) before it is freed or goes out of
 * scope; structs that hold keys have a wipe function the caller must call
 * (ike_keys_wipe, ike_child_keys_wipe), and ike_dh_free wipes the private
 * key (EVP_PKEY_free clears private key material).
 *
 * Roles: "i" and "r" are the initiator and responder of the exchange that
 * created the SA: for the IKE SA made by IKE_SA_INIT the original
 * initiator; for a rekeyed IKE SA or a CHILD_SA made by CREATE_CHILD_SA,
 * whoever sent that request (RFC 7296 2.18: the new IKE SA's original
 * initiator is the rekey's initiator). Ni and Nr are that exchange's
 * nonces, SPIi and SPIr the SPIs in its SA payloads.
 */
#ifndef PMIP_CP_IKE_CRYPTO_H
#define PMIP_CP_IKE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/types.h>
#include <openssl/x509.h>

#include "ike_msg.h"

/* ----------------------------------------------------------- numbers -- */

/* Transform IDs beyond those ike_msg.h names (IANA IKEv2 registry). */
#define IKE_PRF_HMAC_SHA2_384 6         /* RFC 4868 */
#define IKE_PRF_HMAC_SHA2_512 7
#define IKE_INTEG_NONE 0                /* with an AEAD cipher (RFC 5282 8) */
#define IKE_INTEG_HMAC_SHA2_384_192 13  /* RFC 4868 */
#define IKE_INTEG_HMAC_SHA2_512_256 14
#define IKE_DH_CURVE25519 31            /* RFC 8031 */

/* Hash algorithm numbers of SIGNATURE_HASH_ALGORITHMS (RFC 7427 4). */
#define IKE_HASH_SHA1 1
#define IKE_HASH_SHA2_256 2
#define IKE_HASH_SHA2_384 3
#define IKE_HASH_SHA2_512 4

#define IKE_PRF_MAX 64          /* longest PRF output (HMAC-SHA2-512) */
#define IKE_ENCR_KEY_MAX 36     /* AES-256 key + 4-byte GCM salt */
#define IKE_INTEG_KEY_MAX 64    /* HMAC-SHA2-512-256 key */
#define IKE_DH_MAX 256          /* longest KE data and shared secret */
#define IKE_SK_IV_MAX 16
#define IKE_SK_ICV_MAX 32

/* ------------------------------------------------------------ errors -- */

#define IKE_CRYPTO_ERRORS(X)                                                   \
	X(OK, "ok")                                                            \
	X(NOMEM, "out of memory")                                              \
	X(OPENSSL, "an OpenSSL call failed (reason on its error queue)")       \
	X(ARG, "invalid argument (a length or a NULL pointer)")                \
	X(SPACE, "output buffer too small")                                    \
	X(UNSUPPORTED, "transform, key length, group or algorithm not supported") \
	X(SUITE, "proposal lacks a transform of a required type, or has an integrity transform with AEAD") \
	X(DH_LENGTH, "peer's KE data length differs from the group's (RFC 7296 3.4)") \
	X(DH_RANGE, "MODP public value outside 2..p-2 (RFC 6989 2.1)")        \
	X(DH_SUBGROUP, "MODP public value outside the prime-order subgroup (RFC 6989 2.2)") \
	X(DH_POINT, "ECP public value not a point on the curve (RFC 6989 2.3)") \
	X(DH_ZERO, "all-zero Curve25519 shared secret (RFC 8031 2.3)")       \
	X(PRF_PLUS_LIMIT, "prf+ asked for more than 255 PRF outputs (RFC 7296 2.13)") \
	X(SK_LENGTH, "SK body shorter than IV, pad length byte and ICV, or length differs from the layout") \
	X(SK_ALIGN, "SK ciphertext not a whole number of cipher blocks (RFC 7296 3.14)") \
	X(SK_ICV, "SK integrity check value does not verify")                 \
	X(SK_PAD, "SK pad length longer than the plaintext (RFC 7296 3.14)")   \
	X(AUTH_MISMATCH, "AUTH data does not match (wrong shared secret, keys or octets)") \
	X(SIG_ALG, "signature AlgorithmIdentifier unknown, or not for the certificate's key (RFC 7427 3)") \
	X(SIG_INVALID, "signature does not verify")                           \
	X(KEY_LOAD, "cannot read or parse the private key")                    \
	X(CERT_LOAD, "cannot read or parse the certificate or CA file")        \
	X(CERT_UNTRUSTED, "certificate does not verify against the CAs")       \
	X(CERT_ID, "identity not in the certificate (RFC 7296 3.5)")

enum ike_crypto_err {
#define IKE_CRYPTO_ERR_ENUM(code, str) IKE_CRYPTO_##code,
	IKE_CRYPTO_ERRORS(IKE_CRYPTO_ERR_ENUM)
#undef IKE_CRYPTO_ERR_ENUM
	IKE_CRYPTO_ERR_COUNT
};

const char *ike_crypto_err_name(enum ike_crypto_err e);    /* "DH_RANGE" */
const char *ike_crypto_err_str(enum ike_crypto_err e);     /* the words */

/* ------------------------------------------------------------- suites -- */

/* Negotiated transforms (RFC 7296 3.3.2). An IKE SA uses all of them; a
 * CHILD_SA (ESP) uses encr, encr_bits and integ (its keys come from the
 * IKE SA's PRF) and dh only for PFS. */
struct ike_suite {
	uint16_t encr;          /* IKE_ENCR_AES_CBC, IKE_ENCR_AES_GCM_16 */
	uint16_t encr_bits;     /* Key Length attribute: 128, 192 or 256 */
	uint16_t integ;         /* IKE_INTEG_HMAC_SHA2_*, NONE with GCM */
	uint16_t prf;           /* IKE_PRF_HMAC_SHA2_256/384/512 */
	uint16_t dh;            /* IKE_DH_*, 0 for none (CHILD_SA without PFS) */
};

/* The suite of proposal p of sa (the one chosen: one transform of each
 * type). IKE proposals need ENCR, PRF and (but with AEAD) INTEG; ESP
 * proposals ENCR and (but with AEAD) INTEG; both may have DH. Transform
 * types other than these four and ESN are ignored. UNSUPPORTED: an ID or
 * key length this module does not implement; SUITE: a type missing, or
 * INTEG other than NONE with GCM. */
enum ike_crypto_err ike_suite_from_proposal(const struct ike_sa *sa, unsigned p,
					    struct ike_suite *out);

size_t ike_prf_len(uint16_t prf);                       /* 0: unknown */
size_t ike_encr_key_len(uint16_t encr, uint16_t bits);  /* with salt; 0: unknown */
size_t ike_integ_key_len(uint16_t integ);               /* 0: NONE or unknown */

/* ---------------------------------------------------- Diffie-Hellman -- */

/* One side of a key exchange (RFC 7296 1.2, 3.4). KE data formats:
 *  14 MODP-2048 (RFC 3526): g^x big-endian, left-padded to 256 bytes;
 *     shared secret g^xy the same way (RFC 7296 3.4);
 *  19 ECP-256 (RFC 5903 7): x || y, 32 bytes each; shared secret: the x
 *     coordinate of the product, 32 bytes;
 *  31 Curve25519 (RFC 8031 2): the 32-byte u coordinate, both ways.
 * Peer values are checked before use: exact length, 2 <= y <= p-2 and
 * y^q = 1 for MODP, a point on the curve for ECP, and an all-zero X25519
 * result is refused (RFC 8031 2.3). */
struct ike_dh;

size_t ike_dh_public_len(uint16_t group);   /* 256, 64, 32; 0: unknown */
size_t ike_dh_secret_len(uint16_t group);   /* 256, 32, 32; 0: unknown */

/* A fresh private key for group. */
enum ike_crypto_err ike_dh_new(uint16_t group, struct ike_dh **out);
/* A given private key (known-answer tests only): MODP and ECP a
 * big-endian integer, X25519 the 32-byte scalar (RFC 7748 5). */
enum ike_crypto_err ike_dh_new_private(uint16_t group, const uint8_t *priv, size_t len,
				       struct ike_dh **out);
uint16_t ike_dh_group(const struct ike_dh *dh);
/* Our KE data, ike_dh_public_len(group) bytes, valid until ike_dh_free. */
const uint8_t *ike_dh_public(const struct ike_dh *dh, size_t *len);
/* Check a peer's KE data without computing anything from it. */
enum ike_crypto_err ike_dh_check_peer(uint16_t group, const uint8_t *pub, size_t len);
/* g^ir from the peer's KE data (checked as above) into secret
 * (ike_dh_secret_len(group) bytes, cap at least that). */
enum ike_crypto_err ike_dh_compute(struct ike_dh *dh, const uint8_t *peer, size_t peer_len,
				   uint8_t *secret, size_t cap, size_t *secret_len);
void ike_dh_free(struct ike_dh *dh);   /* NULL is a no-op */

/* -------------------------------------------------------- PRF, prf+ -- */

/* prf(key, data[0] | data[1] | ... | data[n-1]) (RFC 7296 2.13): HMAC
 * with the PRF's hash (RFC 4868), any key length. out: ike_prf_len(prf)
 * bytes. Spans with len 0 may have ptr NULL. */
enum ike_crypto_err ike_prf(uint16_t prf, const uint8_t *key, size_t key_len,
			    const struct ike_span *data, unsigned n, uint8_t *out);

/* prf+ (RFC 7296 2.13): T1 | T2 | ... where T1 = prf(K, S | 0x01) and
 * Tk = prf(K, Tk-1 | S | k), S the concatenated seed spans; out_len bytes.
 * PRF_PLUS_LIMIT beyond 255 outputs (255 * ike_prf_len(prf) bytes). */
enum ike_crypto_err ike_prf_plus(uint16_t prf, const uint8_t *key, size_t key_len,
				 const struct ike_span *seed, unsigned n, uint8_t *out,
				 size_t out_len);

/* ------------------------------------------------------ IKE SA keys -- */

/* The keys of an IKE SA (RFC 7296 2.14). SK_e* of GCM (RFC 5282 7.1) is
 * the AES key followed by the 4-byte salt, and GCM has no SK_a*. Only
 * the first *_len bytes of each array are used. Wipe with ike_keys_wipe. */
struct ike_keys {
	struct ike_suite suite;
	size_t prf_len;                 /* SK_d, SK_pi, SK_pr */
	size_t encr_len;                /* SK_ei, SK_er (salt included) */
	size_t integ_len;               /* SK_ai, SK_ar; 0 with GCM */
	uint8_t sk_d[IKE_PRF_MAX];      /* CHILD_SA and rekey keying */
	uint8_t sk_ai[IKE_INTEG_KEY_MAX], sk_ar[IKE_INTEG_KEY_MAX];
	uint8_t sk_ei[IKE_ENCR_KEY_MAX], sk_er[IKE_ENCR_KEY_MAX];
	uint8_t sk_pi[IKE_PRF_MAX], sk_pr[IKE_PRF_MAX];  /* AUTH (2.15) */
};

void ike_keys_wipe(struct ike_keys *k);

/* SKEYSEED = prf(Ni | Nr, g^ir) (RFC 7296 2.14) with the new SA's PRF;
 * out: ike_prf_len(prf) bytes. */
enum ike_crypto_err ike_skeyseed(uint16_t prf, const struct ike_span *ni,
				 const struct ike_span *nr, const uint8_t *g_ir,
				 size_t g_ir_len, uint8_t *out);

/* SKEYSEED for a rekeyed IKE SA (RFC 7296 2.18): prf(SK_d (old),
 * g^ir (new) | Ni | Nr), with the OLD SA's PRF (the rekey belongs to the
 * old SA); Ni, Nr and g^ir are those of the CREATE_CHILD_SA exchange.
 * out: ike_prf_len(old->suite.prf) bytes. */
enum ike_crypto_err ike_skeyseed_rekey(const struct ike_keys *old, const uint8_t *g_ir,
				       size_t g_ir_len, const struct ike_span *ni,
				       const struct ike_span *nr, uint8_t *out);

/* {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} =
 * prf+(SKEYSEED, Ni | Nr | SPIi | SPIr) (RFC 7296 2.14) with suite->prf
 * and the lengths of suite's transforms. SPIs as in struct ike_hdr (the
 * 8 bytes read big-endian). */
enum ike_crypto_err ike_keys_derive(const struct ike_suite *suite, const uint8_t *skeyseed,
				    size_t skeyseed_len, const struct ike_span *ni,
				    const struct ike_span *nr, uint64_t spi_i, uint64_t spi_r,
				    struct ike_keys *out);

/* Both steps for IKE_SA_INIT. */
enum ike_crypto_err ike_keys_sa_init(const struct ike_suite *suite, const uint8_t *g_ir,
				     size_t g_ir_len, const struct ike_span *ni,
				     const struct ike_span *nr, uint64_t spi_i, uint64_t spi_r,
				     struct ike_keys *out);

/* Both steps for an IKE SA rekey (RFC 7296 2.18): old is the SA the
 * CREATE_CHILD_SA ran in; suite the new SA's; SPIi is the SPI the
 * rekey's initiator put in its SA payload, SPIr the responder's. */
enum ike_crypto_err ike_keys_rekey(const struct ike_keys *old, const struct ike_suite *suite,
				   const uint8_t *g_ir, size_t g_ir_len,
				   const struct ike_span *ni, const struct ike_span *nr,
				   uint64_t spi_i, uint64_t spi_r, struct ike_keys *out);

/* ------------------------------------------------------ CHILD_SA keys -- */

/* KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr) (RFC 7296 2.17), taken as
 * encr_i | integ_i | encr_r | integ_r: first the keys of the SA carrying
 * data from the initiator to the responder, then those of the reverse SA,
 * each encryption key before its integrity key (RFC 7296 2.17, and the
 * order ESP needs them in).
 *
 * Which ESP SA gets which: the i-to-r SA is the one whose SPI the
 * RESPONDER chose (in its SA payload: its inbound SA); the r-to-i SA has
 * the SPI the INITIATOR chose. So the initiator installs encr_i/integ_i
 * outbound with the responder's SPI and encr_r/integ_r inbound with its
 * own; the responder the other way round.
 *
 * ESP AES-GCM (RFC 4106 8.1): each encr key is the AES key followed by
 * the 4-byte salt (20 or 36 bytes), which is what struct pmip_ctl_sa's
 * enc_key and dp_esp_crypto_new want; integ_len is then 0. */
struct ike_child_keys {
	struct ike_suite suite;
	size_t encr_len;                /* salt included for GCM */
	size_t integ_len;               /* 0 with GCM */
	uint8_t encr_i[IKE_ENCR_KEY_MAX], integ_i[IKE_INTEG_KEY_MAX];
	uint8_t encr_r[IKE_ENCR_KEY_MAX], integ_r[IKE_INTEG_KEY_MAX];
};

void ike_child_keys_wipe(struct ike_child_keys *k);

/* ike: the IKE SA the exchange ran in (its SK_d and PRF). esp: the
 * CHILD_SA's suite. g_ir: the CREATE_CHILD_SA's shared secret with PFS,
 * NULL/0 without (and for the CHILD_SA of IKE_AUTH, whose Ni and Nr are
 * the IKE_SA_INIT nonces). */
enum ike_crypto_err ike_keys_child(const struct ike_keys *ike, const struct ike_suite *esp,
				   const uint8_t *g_ir, size_t g_ir_len,
				   const struct ike_span *ni, const struct ike_span *nr,
				   struct ike_child_keys *out);

/* --------------------------------------------------------- SK payload -- */

/* One direction's keys for the Encrypted payload (RFC 7296 3.14, RFC 5282
 * for GCM). Points into a struct ike_keys: valid while it is. */
struct ike_sk_key {
	uint16_t encr, encr_bits, integ;
	const uint8_t *ek;              /* SK_e (GCM: key || salt) */
	size_t ek_len;
	const uint8_t *ak;              /* SK_a; NULL with GCM */
	size_t ak_len;
};

/* The key messages sent by the initiator (SK_ei, SK_ai) or by the
 * responder (SK_er, SK_ar) are protected with. The initiator encrypts
 * with from_initiator = true and decrypts with false. */
struct ike_sk_key ike_keys_sk(const struct ike_keys *k, bool from_initiator);

size_t ike_sk_iv_len(const struct ike_sk_key *key);     /* 16 CBC, 8 GCM */
size_t ike_sk_icv_len(const struct ike_sk_key *key);    /* 16/24/32, GCM 16 */
/* IV + the plaintext (inner, padding, pad length) + ICV for an inner
 * chain of inner_len bytes: the body_len to give ike_build_sk_reserve.
 * Padding is the least that fills the cipher block (CBC: 16; GCM: none).
 * 0 for an unsupported key. */
size_t ike_sk_body_len(const struct ike_sk_key *key, size_t inner_len);

/* Protect a message built up to its SK (or SKF) body: msg[0..msg_len)
 * with the IKE header and the SK payload header written (that is, after
 * ike_build_sk_reserve(b, first, ike_sk_body_len(key, inner_len)) and
 * ike_build_msg_finish), body_off the offset reserve returned. Writes at
 * body_off: a random IV (RAND_bytes), the encrypted inner | zero padding
 * | pad length, the ICV. msg_len - body_off must be the body length;
 * padding longer than the least is written if the body is longer.
 * GCM: nonce = salt || IV, AAD = msg[0..body_off) (the IKE header to the
 * end of the SK payload header, RFC 5282 5.1). CBC + HMAC: the ICV is the
 * truncated HMAC of msg[0..msg_len - icv_len) (header to the end of the
 * ciphertext, RFC 7296 3.14). inner may be msg + body_off + iv_len (in
 * place), else it must not overlap msg. */
enum ike_crypto_err ike_sk_encrypt(const struct ike_sk_key *key, uint8_t *msg, size_t msg_len,
				   size_t body_off, const uint8_t *inner, size_t inner_len);

/* The same with a given IV and padding bytes (pad: the padding's bytes,
 * msg_len - body_off - iv - icv - inner_len - 1 of them; NULL: zeros).
 * For known-answer tests only: an IV must never repeat under a key. */
enum ike_crypto_err ike_sk_encrypt_iv(const struct ike_sk_key *key, uint8_t *msg,
				      size_t msg_len, size_t body_off, const uint8_t *iv,
				      const uint8_t *pad, const uint8_t *inner, size_t inner_len);

/* Check and open a received message's SK (or reassembled SKF) body,
 * msg[body_off..msg_len) (struct ike_sk's body_off; SK is the last
 * payload). The ICV is checked first, in constant time (CRYPTO_memcmp for
 * HMAC, OpenSSL's GCM tag check); then the plaintext is decrypted into
 * out (cap bytes, at least the ciphertext length; out may be
 * msg + body_off + iv_len, in place), the pad length checked against it,
 * and *inner_len set to the inner chain's length (padding and pad length
 * byte stripped), ready for ike_inner_parse(out, *inner_len, sk.first).
 * On any error out holds nothing of the plaintext (wiped). */
enum ike_crypto_err ike_sk_decrypt(const struct ike_sk_key *key, const uint8_t *msg,
				   size_t msg_len, size_t body_off, uint8_t *out, size_t cap,
				   size_t *inner_len);

/* --------------------------------------------------------------- AUTH -- */

/* The octets an AUTH payload covers (RFC 7296 2.15):
 *   RealMessage | NonceData | prf(SK_px, RestOfIDPayload)
 * for the peer of_initiator says: the initiator's are its IKE_SA_INIT
 * request exactly as sent, the one the responder answered with SA/KE
 * (after a COOKIE or INVALID_KE_PAYLOAD round trip the resent one: psk
 * frame 5 and cert frame 3 of the test vectors), the responder's nonce,
 * and prf(SK_pi, IDi body); the responder's its IKE_SA_INIT response,
 * the initiator's nonce, prf(SK_pr, IDr body). On UDP 4500 the non-ESP
 * marker is not part of the message.
 * id_body: the ID payload after its generic header (struct ike_id.body:
 * ID type, 3 reserved bytes, data). out: ike_auth_octets_len bytes. */
size_t ike_auth_octets_len(const struct ike_keys *k, size_t msg_len, size_t nonce_len);
enum ike_crypto_err ike_auth_octets(const struct ike_keys *k, bool of_initiator,
				    const uint8_t *real_msg, size_t msg_len,
				    const struct ike_span *nonce, const struct ike_span *id_body,
				    uint8_t *out, size_t cap, size_t *out_len);

/* Shared key AUTH (method 2): prf(prf(secret, "Key Pad for IKEv2"),
 * octets), ike_prf_len(prf) bytes into auth (cap at least that). The same
 * with an EAP MSK as the secret (RFC 7296 2.16). */
enum ike_crypto_err ike_auth_psk(uint16_t prf, const uint8_t *secret, size_t secret_len,
				 const uint8_t *octets, size_t octets_len, uint8_t *auth,
				 size_t cap, size_t *auth_len);
/* AUTH_MISMATCH unless auth equals it (length, then CRYPTO_memcmp). */
enum ike_crypto_err ike_auth_psk_verify(uint16_t prf, const uint8_t *secret,
					size_t secret_len, const uint8_t *octets,
					size_t octets_len, const uint8_t *auth, size_t auth_len);

/* Digital Signature AUTH (method 14, RFC 7427 3): Authentication Data =
 * AlgorithmIdentifier length (1 byte) | AlgorithmIdentifier (DER) |
 * signature; the codec splits and joins it (struct ike_auth sig_alg/sig).
 * ECDSA signatures are DER Ecdsa-Sig-Value (RFC 7427 3), not the r || s
 * of methods 9-11. */
enum ike_sig_alg {
	IKE_SIG_NONE = 0,
	IKE_SIG_RSA_PKCS1_SHA256,       /* sha256WithRSAEncryption, A.1 */
	IKE_SIG_ECDSA_SHA256,           /* ecdsa-with-SHA256, A.3 (any EC key) */
	IKE_SIG_RSA_PSS_SHA256,         /* RSASSA-PSS, SHA-256, MGF1 SHA-256,
					 * salt 32, A.4.3 */
};

/* The exact DER of RFC 7427 Appendix A for alg (what we send); empty
 * span for NONE. */
struct ike_span ike_sig_alg_der(enum ike_sig_alg alg);
/* Which algorithm a received AlgorithmIdentifier is; NONE if unknown.
 * Besides the Appendix A strings, the RSASSA-PSS parameters without the
 * trailerField (its DEFAULT, so strict DER omits it) are accepted. */
enum ike_sig_alg ike_sig_alg_from_der(const struct ike_span *der);
/* What to sign with key: ECDSA_SHA256 for an EC key, RSA_PKCS1_SHA256
 * (or RSA_PSS_SHA256 if pss) for RSA; NONE for other keys. */
enum ike_sig_alg ike_sig_alg_for_key(const EVP_PKEY *key, bool pss);

/* Sign octets with key (EVP_DigestSign); the signature into sig (cap
 * bytes; EVP_PKEY_get_size(key) is enough). */
enum ike_crypto_err ike_auth_sign(EVP_PKEY *key, enum ike_sig_alg alg, const uint8_t *octets,
				  size_t octets_len, uint8_t *sig, size_t cap, size_t *sig_len);
/* Verify a method 14 AUTH (auth as the codec decoded it) over octets with
 * the public key of cert: SIG_ALG if the AlgorithmIdentifier is not one
 * of ours or does not fit the key type; SIG_INVALID if it does not
 * verify. The certificate itself is checked by ike_cert_verify. */
enum ike_crypto_err ike_auth_verify(X509 *cert, const struct ike_auth *auth,
				    const uint8_t *octets, size_t octets_len);

/* SIGNATURE_HASH_ALGORITHMS (RFC 7427 4) Notify data: 2-byte hash
 * numbers. Ours (SHA2-256, the one our algorithms use) into out; returns
 * its length, 0 if cap is too small. */
size_t ike_sig_hash_notify_data(uint8_t *out, size_t cap);
/* Whether the peer's notify data lists hash. */
bool ike_sig_hash_listed(const struct ike_span *data, uint16_t hash);

/* ------------------------------------------------------- certificates -- */

/* A PEM private key (PKCS#8 or traditional) or certificate from a file.
 * Free with EVP_PKEY_free / X509_free. */
enum ike_crypto_err ike_key_load_pem(const char *path, EVP_PKEY **out);
enum ike_crypto_err ike_cert_load_pem(const char *path, X509 **out);
/* A CERT payload's X.509 Certificate - Signature data (encoding 4, DER),
 * all of it; and back (*der: OPENSSL_free). */
enum ike_crypto_err ike_cert_from_der(const uint8_t *der, size_t len, X509 **out);
enum ike_crypto_err ike_cert_to_der(X509 *cert, uint8_t **der, size_t *len);

/* The CAs of a PEM file, for ike_cert_verify. Free with X509_STORE_free. */
enum ike_crypto_err ike_ca_load(const char *cafile, X509_STORE **out);
/* Verify cert up to a CA of store (X509_verify_cert), with untrusted
 * intermediates (further CERT payloads; NULL: none), at time at (0: now).
 * CERT_UNTRUSTED with *x509_err (if not NULL) set to the X509_V_ERR_*
 * reason (X509_verify_cert_error_string names it). */
enum ike_crypto_err ike_cert_verify(X509_STORE *store, X509 *cert, STACK_OF(X509) *untrusted,
				    time_t at, int *x509_err);
/* Whether the ID payload names the certificate's subject (RFC 7296 3.5,
 * 4): DER_ASN1_DN equal to the subject DN; FQDN, RFC822_ADDR, IPV4_ADDR,
 * IPV6_ADDR among its subjectAltNames (X509_check_host/_email/_ip, FQDN
 * exact, no wildcards). CERT_ID otherwise, UNSUPPORTED for other types. */
enum ike_crypto_err ike_cert_match_id(X509 *cert, const struct ike_id *id);
/* SHA-1 of the certificate's SubjectPublicKeyInfo: how a CERTREQ names a
 * CA (RFC 7296 3.7). */
enum ike_crypto_err ike_cert_spki_sha1(X509 *cert, uint8_t out[IKE_CERTREQ_HASH_LEN]);

#endif
