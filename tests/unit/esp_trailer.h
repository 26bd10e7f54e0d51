/* The tests' own RFC 4303 trailer writer, for the ESP crypto tests and the
 * dp ESP tests: a reference independent of common/net/esp.c, which they
 * check. */
#ifndef PMIP_TEST_ESP_TRAILER_H
#define PMIP_TEST_ESP_TRAILER_H

#include <stddef.h>
#include <stdint.h>

/* RFC 4303 2.4: after payload bytes at buf, padding 1, 2, 3 ..., pad
 * length, next header, the whole a multiple of block. Returns the
 * ciphertext length. */
static inline size_t esp_trailer(uint8_t *buf, size_t payload, size_t block, uint8_t next_header)
{
	size_t pad = (block - (payload + 2) % block) % block;

	for (size_t i = 0; i < pad; i++)
		buf[payload + i] = (uint8_t)(i + 1);
	buf[payload + pad] = (uint8_t)pad;
	buf[payload + pad + 1] = next_header;
	return payload + pad + 2;
}

#endif
