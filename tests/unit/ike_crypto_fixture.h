/* Shared by the tests of cp/ike's cryptography: test_ike_crypto.c (RFC
 * vectors, SK round trips, suites and signatures) and
 * test_ike_crypto_runs.c (two captured strongSwan runs). */
#ifndef PMIP_TESTS_IKE_CRYPTO_FIXTURE_H
#define PMIP_TESTS_IKE_CRYPTO_FIXTURE_H

#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ike_captures.h"
#include "ike_crypto.h"
#include "ike_msg.h"
#include "test_hex.h"

#define DATA PMIP_SOURCE_ROOT "/tests/data/ike/"
#define MAXV 4096
#define NFRAMES IKE_CAPTURE_FRAMES

#define assert_bytes(got, glen, want, wlen, ...)                                       \
	do {                                                                           \
		cr_assert_eq((size_t)(glen), (size_t)(wlen), __VA_ARGS__);             \
		cr_assert(memcmp(got, want, wlen) == 0, "%s\n  got  %s\n  want %s",   \
			  #got, test_tohex(got, glen), test_tohex(want, wlen));                  \
	} while (0)

static inline size_t load_file(const char *path, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	cr_assert_not_null(f, "%s", path);
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

#define OK(expr)                                                                       \
	do {                                                                           \
		enum ike_crypto_err rc_ = (expr);                                      \
		cr_assert_eq(rc_, IKE_CRYPTO_OK, "%s: %s", #expr, ike_crypto_err_name(rc_)); \
	} while (0)
#define FAILS(expr, code)                                                              \
	do {                                                                           \
		enum ike_crypto_err rc_ = (expr);                                      \
		cr_assert_eq(rc_, code, "%s: %s, want %s", #expr, ike_crypto_err_name(rc_), \
			     ike_crypto_err_name(code));                                \
	} while (0)

#endif
