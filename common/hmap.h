/* A small hash map for control paths (cp's event loop, dp's main lcore):
 * fixed-size byte keys (<= 32 bytes) -> uint32_t. Open addressing with
 * linear probing and tombstones; grows at 70% load. Not thread-safe, and
 * not for the packet path (it allocates). */
#ifndef PMIP_COMMON_HMAP_H
#define PMIP_COMMON_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HMAP_KEY_MAX 32

struct hmap_slot;

struct hmap {
	struct hmap_slot *slots;
	size_t cap;        /* power of two */
	size_t used;       /* live entries */
	size_t tombs;      /* deleted slots */
	size_t key_len;
};

int hmap_init(struct hmap *m, size_t key_len, size_t initial);
void hmap_free(struct hmap *m);
/* Insert or replace. -1 on allocation failure. */
int hmap_put(struct hmap *m, const void *key, uint32_t value);
bool hmap_get(const struct hmap *m, const void *key, uint32_t *value);
bool hmap_del(struct hmap *m, const void *key);
/* The map's hash: FNV-1a over len octets (the seed folded into its
 * offset basis), then a 64-bit finaliser: keys are addresses and MACs,
 * often differing only in their last bytes. For indexes of their own. */
uint64_t hmap_hash_bytes(uint64_t seed, const void *key, size_t len);
/* Bytes the map uses (for memory accounting). */
size_t hmap_bytes(const struct hmap *m);

#endif
