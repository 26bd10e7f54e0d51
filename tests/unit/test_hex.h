/* Hex for test vectors, one implementation for every unit test. */
#ifndef PMIP_TESTS_TEST_HEX_H
#define PMIP_TESTS_TEST_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Decode hex digits into out (at most cap octets); spaces and newlines
 * between octets are skipped. A bad digit, an odd length or more than cap
 * octets fails the test. Returns the octets written. */
size_t test_unhex(const char *s, uint8_t *out, size_t cap);
/* Lower-case hex of the first n (at most 4096) octets, in one of four
 * rotating static buffers: up to four in one message. */
const char *test_tohex(const uint8_t *p, size_t n);

#endif
