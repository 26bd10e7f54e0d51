/* Open-addressing hash map. See hmap.h. */
#include "hmap.h"

#include <stdlib.h>
#include <string.h>

enum { SLOT_EMPTY = 0, SLOT_FULL = 1, SLOT_TOMB = 2 };

struct hmap_slot {
	uint8_t state;
	uint32_t value;
	uint8_t key[HMAP_KEY_MAX];
};

uint64_t hmap_hash_bytes(uint64_t seed, const void *key, size_t len)
{
	const uint8_t *p = key;
	uint64_t h = 1469598103934665603ull ^ seed;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

static uint64_t hash_key(const void *key, size_t len)
{
	return hmap_hash_bytes(0, key, len);
}

int hmap_init(struct hmap *m, size_t key_len, size_t initial)
{
	memset(m, 0, sizeof(*m));
	if (key_len == 0 || key_len > HMAP_KEY_MAX)
		return -1;
	size_t cap = 16;
	while (cap < initial * 2)
		cap *= 2;
	m->slots = calloc(cap, sizeof(*m->slots));
	if (m->slots == NULL)
		return -1;
	m->cap = cap;
	m->key_len = key_len;
	return 0;
}

void hmap_free(struct hmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static struct hmap_slot *find(const struct hmap *m, const void *key)
{
	size_t i = hash_key(key, m->key_len) & (m->cap - 1);
	for (size_t n = 0; n < m->cap; n++, i = (i + 1) & (m->cap - 1)) {
		struct hmap_slot *s = &m->slots[i];
		if (s->state == SLOT_EMPTY)
			return NULL;
		if (s->state == SLOT_FULL && memcmp(s->key, key, m->key_len) == 0)
			return s;
	}
	return NULL;
}

static int grow(struct hmap *m, size_t cap)
{
	struct hmap_slot *old = m->slots;
	size_t old_cap = m->cap;
	struct hmap_slot *slots = calloc(cap, sizeof(*slots));
	if (slots == NULL)
		return -1;
	m->slots = slots;
	m->cap = cap;
	m->used = 0;
	m->tombs = 0;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].state == SLOT_FULL)
			hmap_put(m, old[i].key, old[i].value);
	free(old);
	return 0;
}

int hmap_put(struct hmap *m, const void *key, uint32_t value)
{
	struct hmap_slot *s = find(m, key);
	if (s != NULL) {
		s->value = value;
		return 0;
	}
	if ((m->used + m->tombs + 1) * 10 > m->cap * 7) {
		size_t cap = (m->used + 1) * 10 > m->cap * 5 ? m->cap * 2 : m->cap;
		if (grow(m, cap) != 0)
			return -1;
	}
	size_t i = hash_key(key, m->key_len) & (m->cap - 1);
	while (m->slots[i].state == SLOT_FULL)
		i = (i + 1) & (m->cap - 1);
	s = &m->slots[i];
	if (s->state == SLOT_TOMB)
		m->tombs--;
	s->state = SLOT_FULL;
	s->value = value;
	memcpy(s->key, key, m->key_len);
	m->used++;
	return 0;
}

bool hmap_get(const struct hmap *m, const void *key, uint32_t *value)
{
	const struct hmap_slot *s = find(m, key);
	if (s == NULL)
		return false;
	if (value != NULL)
		*value = s->value;
	return true;
}

bool hmap_del(struct hmap *m, const void *key)
{
	struct hmap_slot *s = find(m, key);
	if (s == NULL)
		return false;
	s->state = SLOT_TOMB;
	m->used--;
	m->tombs++;
	return true;
}

size_t hmap_bytes(const struct hmap *m)
{
	return m->cap * sizeof(struct hmap_slot);
}
