/* Hex for test vectors (test_hex.h). */
#include "test_hex.h"

#include <stdio.h>

#include <criterion/criterion.h>

#define TOHEX_MAX 4096

size_t test_unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned v;

	while (*s) {
		if (*s == ' ' || *s == '\n') {
			s++;
			continue;
		}
		cr_assert(s[1] != '\0' && s[1] != ' ' && s[1] != '\n', "odd hex length at %.8s", s);
		cr_assert_eq(sscanf(s, "%2x", &v), 1, "bad hex at %.8s", s);
		cr_assert(n < cap, "hex longer than %zu octets", cap);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

const char *test_tohex(const uint8_t *p, size_t n)
{
	static char buf[4][2 * TOHEX_MAX + 1];
	static int k;
	char *s = buf[k++ & 3];
	size_t i;

	for (i = 0; i < n && i < TOHEX_MAX; i++)
		sprintf(s + 2 * i, "%02x", p[i]);
	s[2 * i] = 0;
	return s;
}
