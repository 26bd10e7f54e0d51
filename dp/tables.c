/* Data-plane tables: creation and the writer side (main lcore). See tables.h. */
#define LOG_MODULE "tables"
#include "tables.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_fib6.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "hmap.h"
#include "log.h"
#include "net/pkt.h"

/* What an update retired, freed after the next grace period. */
enum retire_kind { RETIRE_HASH_POS, RETIRE_TUNNEL, RETIRE_ROUTES };
struct retired {
	enum retire_kind kind;
	const struct rte_hash *h;
	int32_t pos;
	void *ptr;
};
#define RETIRE_MAX 65536

/* Main-lcore state that readers never see. */
struct dp_tables_writer {
	struct retired list[RETIRE_MAX];
	unsigned n;
	/* routes being edited; rebuilt into t->routes at synchronize time */
	struct dp_route_entry routes[DP_MAX_ROUTES];
	unsigned n_routes;
	bool routes_dirty;
	/* shared-prefix model: how many bindings use each shared prefix
	 * (grows with use: nothing preallocated per binding) */
	struct hmap shared_ref;
	/* something changed since the last grace period: even an update that
	 * frees nothing (a handover) needs one before it is acknowledged */
	bool changed;
	/* bind_prefix keys under each bit of the home filter */
	uint32_t home_count[1u << DP_HOME_FILTER_BITS];
};

static void retire(struct dp_tables *t, enum retire_kind kind, const struct rte_hash *h, int32_t pos,
		   void *ptr)
{
	if (t->wr->n == RETIRE_MAX)
		dp_tables_synchronize(t);
	t->wr->list[t->wr->n++] = (struct retired){ .kind = kind, .h = h, .pos = pos, .ptr = ptr };
}

/* rte_hash compares 16-byte keys with SSE but hands other sizes to
 * memcmp(): a library call per lookup. Ours are whole 8-byte words. */
static int cmp_key8(const void *a, const void *b, size_t len)
{
	(void)len;
	uint64_t x, y;
	memcpy(&x, a, 8);
	memcpy(&y, b, 8);
	return x != y;
}

static int cmp_key24(const void *a, const void *b, size_t len)
{
	(void)len;
	uint64_t x[3], y[3];
	memcpy(x, a, 24);
	memcpy(y, b, 24);
	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2])) != 0;
}

static struct rte_hash *hash_create(const char *what, const char *inst, uint32_t entries,
				    uint32_t key_len, int socket)
{
	char name[RTE_HASH_NAMESIZE];
	snprintf(name, sizeof(name), "%s_%s", what, inst);
	struct rte_hash_parameters p = {
		.name = name,
		.entries = entries < 8 ? 8 : entries,
		.key_len = key_len,
		.hash_func = rte_hash_crc, /* and seed 0: see dp_key_hash() */
		.socket_id = socket,
		/* LF: one writer, lock-free readers, deleted slots freed by us
		 * after a grace period. EXT_TABLE: the configured number of
		 * entries always fits, whatever the cuckoo displacement. */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	struct rte_hash *h = rte_hash_create(&p);
	if (h == NULL) {
		pmip_err("hash %s (%u entries of %u bytes): %s", name, entries, key_len,
			 rte_strerror(rte_errno));
		return NULL;
	}
	if (key_len == 8)
		rte_hash_set_cmp_func(h, cmp_key8);
	else if (key_len == 24)
		rte_hash_set_cmp_func(h, cmp_key24);
	return h;
}

int dp_tables_create(struct dp_tables *t, const struct dp_tables_conf *c)
{
	memset(t, 0, sizeof(*t));
	t->max_bindings = c->max_bindings;
	t->max_tunnels = c->max_tunnels;
	t->max_neighbours = c->max_neighbours;
	t->socket = c->socket;
	t->mag = c->mag;
	t->n_ports = c->n_ports;
	if (c->n_ports > PMIP_CFG_MAX_PORTS)
		return -1;
	memcpy(t->port_macs, c->port_macs, sizeof(t->port_macs));
	static unsigned instances;
	t->instance = instances++;
	/* Neither 0 (a zeroed worker cache entry) nor a value an earlier
	 * instance's workers may have cached. */
	t->neigh_gen = ((uint64_t)t->instance << 40) + 1;
	if (c->max_tunnels == 0 || c->max_tunnels > DP_MAX_TUNNELS_LIMIT || c->max_bindings == 0 ||
	    c->max_neighbours == 0) {
		pmip_err("table sizes out of range");
		return -1;
	}
	const char *inst = c->name != NULL ? c->name : "dp";
	t->bind_prefix = hash_create("bpfx", inst, c->max_bindings, 8, c->socket);
	t->bind_addr = hash_create("baddr", inst, c->max_bindings, 16, c->socket);
	/* The binding update list exists on a MAG only. */
	if (c->mag)
		t->bul = hash_create("bul", inst, c->max_bindings, sizeof(struct dp_bul_key),
				     c->socket);
	t->neigh = hash_create("neigh", inst, c->max_neighbours, sizeof(struct dp_neigh_key),
			       c->socket);
	t->wr = calloc(1, sizeof(*t->wr));
	if (t->wr != NULL && hmap_init(&t->wr->shared_ref, 8, 16) != 0) {
		free(t->wr);
		t->wr = NULL;
	}
	if (c->mag)
		t->mn_link = rte_zmalloc_socket("mn_link", sizeof(uint64_t) * c->max_bindings, 64,
						c->socket);
	t->neigh_mac = rte_zmalloc_socket("neigh_mac", sizeof(uint64_t) * c->max_neighbours, 64,
					  c->socket);
	t->tunnels = rte_zmalloc_socket("tunnels", sizeof(void *) * c->max_tunnels, 64, c->socket);
	t->home_filter = rte_zmalloc_socket("home_filter", (1u << DP_HOME_FILTER_BITS) / 8, 64,
					    c->socket);
	t->bindings = rte_zmalloc_socket("bindings", sizeof(*t->bindings) * c->max_bindings, 64,
					 c->socket);
	t->neigh_recs = rte_zmalloc_socket("neigh_recs", sizeof(*t->neigh_recs) * c->max_neighbours,
					   64, c->socket);
	if (t->bind_prefix == NULL || t->bind_addr == NULL || (c->mag && t->bul == NULL) ||
	    t->neigh == NULL || t->wr == NULL || (c->mag && t->mn_link == NULL) ||
	    t->neigh_mac == NULL || t->tunnels == NULL || t->home_filter == NULL ||
	    t->bindings == NULL || t->neigh_recs == NULL) {
		pmip_err("out of memory for tables (%u bindings, %u tunnels, %u neighbours): raise [dp] memory_mb",
			 c->max_bindings, c->max_tunnels, c->max_neighbours);
		dp_tables_destroy(t);
		return -1;
	}
	return 0;
}

static void routes_free(struct dp_routes *r)
{
	if (r == NULL)
		return;
	if (r->fib != NULL)
		rte_fib6_free(r->fib);
	free(r);
}

void dp_tables_destroy(struct dp_tables *t)
{
	if (t->wr != NULL)
		dp_tables_synchronize(t);
	if (t->tunnels != NULL)
		for (uint32_t i = 0; i < t->max_tunnels; i++)
			free(t->tunnels[i]);
	routes_free(t->routes);
	rte_hash_free(t->bind_prefix);
	rte_hash_free(t->bind_addr);
	rte_hash_free(t->bul);
	rte_hash_free(t->neigh);
	if (t->wr != NULL)
		hmap_free(&t->wr->shared_ref);
	rte_free(t->mn_link);
	rte_free(t->neigh_mac);
	rte_free(t->tunnels);
	rte_free(t->home_filter);
	rte_free(t->bindings);
	rte_free(t->neigh_recs);
	free(t->wr);
	memset(t, 0, sizeof(*t));
}

/* ------------------------------------------------------------ neighbours */

static int hash_del(struct dp_tables *t, struct rte_hash *h, const void *key)
{
	int32_t pos = rte_hash_del_key(h, key);
	if (pos < 0)
		return pos;
	/* The hash is lock-free (NO_FREE_ON_DEL): the slot may still be read. */
	retire(t, RETIRE_HASH_POS, h, pos, NULL);
	return 0;
}

/* Every neighbour key leaves the hash through here: workers cache key ->
 * id (dp_worker.ncache) and trust an entry only while neigh_gen is the
 * value they read before the lookup that filled it. The bump comes after
 * the delete, so a worker that reads the new value no longer finds the key
 * either. Adding a key needs no bump: only found keys are cached. */
static void neigh_key_del(struct dp_tables *t, const struct dp_neigh_key *key)
{
	hash_del(t, t->neigh, key);
	__atomic_store_n(&t->neigh_gen, t->neigh_gen + 1, __ATOMIC_RELEASE);
}

static int neigh_set(struct dp_tables *t, const struct pmip_ctl_neigh *n)
{
	if (n->id >= t->max_neighbours || n->port >= 256)
		return PMIP_CTL_REJECT_INVALID;
	struct dp_neigh_rec *rec = &t->neigh_recs[n->id];
	struct dp_neigh_key key;
	memset(&key, 0, sizeof(key));
	key.port = n->port;
	key.ip = n->ip;
	/* Refuse before changing anything: a rejected update keeps the entry. */
	void *other;
	if (rte_hash_lookup_data(t->neigh, &key, &other) >= 0 && (uintptr_t)other != n->id)
		return PMIP_CTL_REJECT_KEY_IN_USE;
	if (rec->in_use && memcmp(&rec->key, &key, sizeof(key)) != 0) {
		neigh_key_del(t, &rec->key);
		rec->in_use = 0;
		t->n_neighbours--;
	}
	/* MAC first, then the key: a reader that finds the key sees the MAC. */
	uint64_t word = dp_mac_word(n->mac) | (n->valid ? DP_NEIGH_VALID : 0);
	__atomic_store_n(&t->neigh_mac[n->id], word, __ATOMIC_RELEASE);
	if (!rec->in_use) {
		if (rte_hash_add_key_data(t->neigh, &key, (void *)(uintptr_t)n->id) != 0)
			return PMIP_CTL_REJECT_TABLE_FULL;
		rec->in_use = 1;
		rec->key = key;
		t->n_neighbours++;
	}
	return PMIP_CTL_OK;
}

static int neigh_del(struct dp_tables *t, uint32_t id)
{
	if (id >= t->max_neighbours || !t->neigh_recs[id].in_use)
		return PMIP_CTL_REJECT_NO_SUCH_ID;
	__atomic_store_n(&t->neigh_mac[id], 0, __ATOMIC_RELEASE);
	neigh_key_del(t, &t->neigh_recs[id].key);
	t->neigh_recs[id].in_use = 0;
	t->n_neighbours--;
	return PMIP_CTL_OK;
}

/* --------------------------------------------------------------- tunnels */

static int tunnel_set(struct dp_tables *t, const struct pmip_ctl_tunnel *m)
{
	if (m->id >= t->max_tunnels || m->mtu < 1280 || m->hop_limit == 0 ||
	    m->neigh_id >= t->max_neighbours)
		return PMIP_CTL_REJECT_INVALID;
	struct dp_tunnel *nt = calloc(1, sizeof(*nt));
	if (nt == NULL)
		return PMIP_CTL_REJECT_TABLE_FULL;
	nt->local = m->local;
	nt->remote = m->remote;
	nt->neigh_id = m->neigh_id;
	nt->port = m->port;
	nt->mtu = m->mtu;
	nt->hop_limit = m->hop_limit;
	/* Destination MAC (bytes 0-5) and payload length (18-19) are filled
	 * per packet; the source MAC is the port's. */
	memcpy(nt->hdr + 6, t->port_macs[m->port], 6);
	nt->hdr[12] = 0x86;
	nt->hdr[13] = 0xdd;
	pmip_ipv6_hdr_write(nt->hdr + 14, &m->local, &m->remote, 41 /* IPv6-in-IPv6 */, 0,
			    m->hop_limit, 0, 0);
	struct dp_tunnel *old = t->tunnels[m->id];
	rcu_assign_pointer(t->tunnels[m->id], nt);
	if (old != NULL)
		retire(t, RETIRE_TUNNEL, NULL, 0, old);
	else
		t->n_tunnels++;
	return PMIP_CTL_OK;
}

static int tunnel_del(struct dp_tables *t, uint32_t id)
{
	if (id >= t->max_tunnels || t->tunnels[id] == NULL)
		return PMIP_CTL_REJECT_NO_SUCH_ID;
	struct dp_tunnel *old = t->tunnels[id];
	rcu_assign_pointer(t->tunnels[id], NULL);
	retire(t, RETIRE_TUNNEL, NULL, 0, old);
	t->n_tunnels--;
	return PMIP_CTL_OK;
}

/* ---------------------------------------------------------------- routes */

static void prefix_mask(struct in6_addr *a, uint8_t len)
{
	for (int i = 0; i < 16; i++) {
		int bits = len - 8 * i;
		a->s6_addr[i] &= bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
	}
}

static int route_find(const struct dp_tables_writer *w, const struct in6_addr *p, uint8_t len)
{
	for (unsigned i = 0; i < w->n_routes; i++)
		if (w->routes[i].len == len && memcmp(&w->routes[i].prefix, p, 16) == 0)
			return (int)i;
	return -1;
}

static int route_add(struct dp_tables *t, const struct pmip_ctl_route *m)
{
	if (m->len > 128 || m->kind < PMIP_ROUTE_CONNECTED || m->kind > PMIP_ROUTE_BLACKHOLE ||
	    (m->kind == PMIP_ROUTE_GATEWAY && m->neigh_id >= t->max_neighbours))
		return PMIP_CTL_REJECT_INVALID;
	struct dp_tables_writer *w = t->wr;
	struct in6_addr p = m->prefix;
	prefix_mask(&p, m->len);
	int i = route_find(w, &p, m->len);
	if (i < 0) {
		if (w->n_routes == DP_MAX_ROUTES)
			return PMIP_CTL_REJECT_TABLE_FULL;
		i = (int)w->n_routes++;
	}
	w->routes[i] = (struct dp_route_entry){
		.prefix = p, .len = m->len,
		.nh = { .kind = m->kind, .port = m->port, .neigh_id = m->neigh_id,
			.gateway = m->gateway },
	};
	w->routes_dirty = true;
	return PMIP_CTL_OK;
}

static int route_del(struct dp_tables *t, const struct pmip_ctl_route *m)
{
	struct dp_tables_writer *w = t->wr;
	if (m->len > 128)
		return PMIP_CTL_REJECT_INVALID;
	struct in6_addr p = m->prefix;
	prefix_mask(&p, m->len);
	int i = route_find(w, &p, m->len);
	if (i < 0)
		return PMIP_CTL_REJECT_NO_SUCH_ID;
	w->routes[i] = w->routes[--w->n_routes];
	w->routes_dirty = true;
	return PMIP_CTL_OK;
}

/* Few routes: also as match[], longest prefix first (insertion sort). Two
 * prefixes of one length that both match an address are the same prefix,
 * which route_find() keeps unique, so the first match is the fib's. */
static void routes_linear(struct dp_routes *r)
{
	r->linear = r->n <= DP_ROUTES_LINEAR;
	if (!r->linear)
		return;
	for (unsigned i = 0; i < r->n; i++) {
		struct dp_route_match m = { .nh = i + 1 };
		struct in6_addr mask;
		memset(&mask, 0xff, sizeof(mask));
		prefix_mask(&mask, r->e[i].len);
		memcpy(m.mask, &mask, 16);
		memcpy(m.addr, &r->e[i].prefix, 16); /* masked by route_add() */
		unsigned j = i;
		for (; j > 0 && r->e[r->match[j - 1].nh - 1].len < r->e[i].len; j--)
			r->match[j] = r->match[j - 1];
		r->match[j] = m;
	}
}

static void routes_publish(struct dp_tables *t, struct dp_routes *r)
{
	struct dp_routes *old = t->routes;
	rcu_assign_pointer(t->routes, r);
	if (old != NULL)
		retire(t, RETIRE_ROUTES, NULL, 0, old);
	t->wr->routes_dirty = false;
}

/* Build a new route table from the edited list and publish it. */
static void routes_rebuild(struct dp_tables *t)
{
	struct dp_tables_writer *w = t->wr;
	struct dp_routes *r = malloc(sizeof(*r) + w->n_routes * sizeof(r->e[0]));
	if (r == NULL) {
		pmip_err("out of memory rebuilding %u routes; keeping the old table", w->n_routes);
		return;
	}
	r->n = w->n_routes;
	memcpy(r->e, w->routes, w->n_routes * sizeof(r->e[0]));
	routes_linear(r);
	r->fib = NULL;
	if (r->linear) {
		/* A few routes are matched from match[] alone: no fib, whose
		 * 2^24-entry first level (64 MiB) would otherwise be allocated
		 * again on every change, next to the old one until its grace
		 * period ends. */
		routes_publish(t, r);
		return;
	}
	/* DPDK derives memzone and mempool names from this: keep it short. */
	char name[16];
	snprintf(name, sizeof(name), "f%u_%u", t->instance, t->fib_generation++);
	struct rte_fib6_conf conf = {
		.type = RTE_FIB6_TRIE,
		.default_nh = 0,
		.max_routes = DP_MAX_ROUTES,
		.trie = { .nh_sz = RTE_FIB6_TRIE_4B, .num_tbl8 = 2048 },
	};
	r->fib = rte_fib6_create(name, t->socket, &conf);
	if (r->fib == NULL) {
		pmip_err("rte_fib6_create: %s; keeping the old route table", rte_strerror(rte_errno));
		free(r);
		return;
	}
	for (unsigned i = 0; i < r->n; i++) {
		if (rte_fib6_add(r->fib, r->e[i].prefix.s6_addr, r->e[i].len, i + 1) != 0) {
			pmip_err("route %u/%u does not fit the fib; keeping the old route table", i,
				 r->e[i].len);
			routes_free(r);
			return;
		}
	}
	routes_publish(t, r);
}

/* -------------------------------------------------------------- bindings */

static void hnp_key(const struct in6_addr *hnp, uint8_t key[8])
{
	memcpy(key, hnp->s6_addr, 8);
}

/* Is hoa inside the /64 hnp? */
static bool in_prefix64(const struct in6_addr *hoa, const struct in6_addr *hnp)
{
	return memcmp(hoa->s6_addr, hnp->s6_addr, 8) == 0;
}

/* Keys of bind_prefix come and go only through these two, which keep the
 * home filter (tables.h, dp_home_maybe()) covering every key: its bit is
 * set before the key is added and cleared after the last key under it is
 * deleted. Adding a key that is already there (a value update) would only
 * count it twice, keeping a bit set for longer: never a missed binding. */
static void home_filter_ref(struct dp_tables *t, const uint8_t prefix[8], int delta)
{
	uint32_t s = dp_home_filter_slot(prefix);
	uint32_t *count = &t->wr->home_count[s];
	uint64_t bit = 1ull << (s % 64), word = t->home_filter[s / 64];
	if (delta > 0 && (*count)++ == 0)
		__atomic_store_n(&t->home_filter[s / 64], word | bit, __ATOMIC_RELEASE);
	else if (delta < 0 && --*count == 0)
		__atomic_store_n(&t->home_filter[s / 64], word & ~bit, __ATOMIC_RELEASE);
}

static int prefix_key_add(struct dp_tables *t, const uint8_t prefix[8], uint64_t value)
{
	home_filter_ref(t, prefix, +1);
	if (rte_hash_add_key_data(t->bind_prefix, prefix, (void *)(uintptr_t)value) != 0) {
		home_filter_ref(t, prefix, -1);
		return -1;
	}
	return 0;
}

static void prefix_key_del(struct dp_tables *t, const uint8_t prefix[8])
{
	if (hash_del(t, t->bind_prefix, prefix) == 0)
		home_filter_ref(t, prefix, -1);
}

/* Count the bindings of a shared prefix; the first one installs the
 * prefix's marker (look up by address), the last one removes it. */
static int shared_ref(struct dp_tables *t, const uint8_t prefix[8], int delta)
{
	struct hmap *ref = &t->wr->shared_ref;
	uint32_t count = 0;
	hmap_get(ref, prefix, &count);
	if (delta > 0) {
		void *cur;
		if (count == 0) {
			/* The prefix must not be a dedicated HNP of a binding. */
			if (rte_hash_lookup_data(t->bind_prefix, prefix, &cur) >= 0 &&
			    !((uint64_t)(uintptr_t)cur & DP_BV_SHARED))
				return PMIP_CTL_REJECT_KEY_IN_USE;
			if (prefix_key_add(t, prefix, DP_BV_SHARED) != 0)
				return PMIP_CTL_REJECT_TABLE_FULL;
		}
		if (hmap_put(ref, prefix, count + 1) != 0)
			return PMIP_CTL_REJECT_TABLE_FULL;
	} else {
		if (count <= 1) {
			hmap_del(ref, prefix);
			prefix_key_del(t, prefix);
		} else {
			hmap_put(ref, prefix, count - 1);
		}
	}
	return PMIP_CTL_OK;
}

static struct dp_bul_key bul_key(const struct dp_binding_rec *r)
{
	struct dp_bul_key k = { .port = r->access_port };
	memcpy(k.mac, r->mn_mac, 6);
	memcpy(k.prefix, r->hnp, 8);
	return k;
}

static void binding_remove_keys(struct dp_tables *t, const struct dp_binding_rec *rec, uint32_t id)
{
	if (t->mag) {
		struct dp_bul_key k = bul_key(rec);
		hash_del(t, t->bul, &k);
		__atomic_store_n(&t->mn_link[id], 0, __ATOMIC_RELEASE);
	}
	if (rec->flags & PMIP_BINDING_F_SHARED_PREFIX) {
		hash_del(t, t->bind_addr, &rec->hoa);
		shared_ref(t, rec->hnp, -1);
	} else {
		prefix_key_del(t, rec->hnp);
	}
}

/* Does another binding own key in h? (A shared-prefix marker in the prefix
 * table counts as owned by others.) */
static bool key_taken(struct rte_hash *h, const void *key, uint32_t id)
{
	void *cur;
	if (rte_hash_lookup_data(h, key, &cur) < 0)
		return false;
	uint64_t v = (uint64_t)(uintptr_t)cur;
	return (v & DP_BV_SHARED) || dp_bv_binding(v) != id;
}

/* Can binding id take want's keys? Checked before anything changes, so a
 * rejected update leaves the old binding as it was. */
static int binding_keys_check(struct dp_tables *t, const struct dp_binding_rec *want, uint32_t id)
{
	if (want->flags & PMIP_BINDING_F_SHARED_PREFIX) {
		void *cur;
		if (key_taken(t->bind_addr, &want->hoa, id))
			return PMIP_CTL_REJECT_KEY_IN_USE;
		/* The shared prefix must not be another binding's own HNP. */
		if (rte_hash_lookup_data(t->bind_prefix, want->hnp, &cur) >= 0) {
			uint64_t v = (uint64_t)(uintptr_t)cur;
			if (!(v & DP_BV_SHARED) && dp_bv_binding(v) != id)
				return PMIP_CTL_REJECT_KEY_IN_USE;
		}
	} else if (key_taken(t->bind_prefix, want->hnp, id)) {
		return PMIP_CTL_REJECT_KEY_IN_USE;
	}
	if (t->mag) {
		struct dp_bul_key k = bul_key(want);
		if (key_taken(t->bul, &k, id))
			return PMIP_CTL_REJECT_KEY_IN_USE;
	}
	return PMIP_CTL_OK;
}

/* Install rec's keys for binding id; all or nothing. */
static int binding_add_keys(struct dp_tables *t, const struct dp_binding_rec *rec, uint32_t id)
{
	uint64_t value = dp_bv_make(id, rec->tunnel_id);
	bool shared = rec->flags & PMIP_BINDING_F_SHARED_PREFIX;
	int rc = PMIP_CTL_OK;
	if (t->mag) {
		/* Link word first: a reader that finds a key finds the MN. */
		uint64_t link = dp_mac_word(rec->mn_mac) | ((uint64_t)rec->access_port << 48) |
				DP_MN_VALID;
		__atomic_store_n(&t->mn_link[id], link, __ATOMIC_RELEASE);
	}
	if (shared) {
		if (rte_hash_add_key_data(t->bind_addr, &rec->hoa, (void *)(uintptr_t)value) != 0)
			rc = PMIP_CTL_REJECT_TABLE_FULL;
		else if ((rc = shared_ref(t, rec->hnp, +1)) != PMIP_CTL_OK)
			hash_del(t, t->bind_addr, &rec->hoa);
	} else if (prefix_key_add(t, rec->hnp, value) != 0) {
		rc = PMIP_CTL_REJECT_TABLE_FULL;
	}
	if (rc == PMIP_CTL_OK && t->mag) {
		struct dp_bul_key k = bul_key(rec);
		if (rte_hash_add_key_data(t->bul, &k, (void *)(uintptr_t)value) != 0) {
			rc = PMIP_CTL_REJECT_TABLE_FULL;
			if (shared) {
				hash_del(t, t->bind_addr, &rec->hoa);
				shared_ref(t, rec->hnp, -1);
			} else {
				prefix_key_del(t, rec->hnp);
			}
		}
	}
	if (rc != PMIP_CTL_OK && t->mag)
		__atomic_store_n(&t->mn_link[id], 0, __ATOMIC_RELEASE);
	return rc;
}

static int binding_set(struct dp_tables *t, const struct pmip_ctl_binding *m)
{
	bool mag = t->mag;
	if (m->id >= t->max_bindings || m->tunnel_id >= t->max_tunnels || m->hnp_len != 64 ||
	    (m->flags & ~PMIP_BINDING_F_SHARED_PREFIX) != 0)
		return PMIP_CTL_REJECT_INVALID;
	bool shared = m->flags & PMIP_BINDING_F_SHARED_PREFIX;
	if (shared && (IN6_IS_ADDR_UNSPECIFIED(&m->hoa) || !in_prefix64(&m->hoa, &m->hnp)))
		return PMIP_CTL_REJECT_INVALID;
	if (mag && (m->access_port >= t->n_ports || (m->mn_mac[0] & 1) != 0))
		return PMIP_CTL_REJECT_INVALID;
	if (t->tunnels[m->tunnel_id] == NULL)
		return PMIP_CTL_REJECT_NO_SUCH_ID;

	struct dp_binding_rec *rec = &t->bindings[m->id];
	struct dp_binding_rec want = {
		.in_use = 1, .flags = m->flags, .access_port = mag ? m->access_port : 0,
		.tunnel_id = m->tunnel_id, .hoa = shared ? m->hoa : in6addr_any,
	};
	hnp_key(&m->hnp, want.hnp);
	if (mag)
		memcpy(want.mn_mac, m->mn_mac, 6);

	bool same_keys = rec->in_use && rec->flags == want.flags &&
			 rec->access_port == want.access_port &&
			 memcmp(rec->hnp, want.hnp, 8) == 0 &&
			 memcmp(rec->mn_mac, want.mn_mac, 6) == 0 &&
			 memcmp(&rec->hoa, &want.hoa, 16) == 0;
	if (same_keys) {
		/* Handover (or refresh): one atomic value store per key. The
		 * keys stay, so the home filter is unchanged. */
		void *value = (void *)(uintptr_t)dp_bv_make(m->id, m->tunnel_id);
		if (shared)
			rte_hash_add_key_data(t->bind_addr, &want.hoa, value);
		else
			rte_hash_add_key_data(t->bind_prefix, want.hnp, value);
		if (mag) {
			struct dp_bul_key k = bul_key(&want);
			rte_hash_add_key_data(t->bul, &k, value);
		}
		rec->tunnel_id = m->tunnel_id;
		return PMIP_CTL_OK;
	}
	int rc = binding_keys_check(t, &want, m->id);
	if (rc != PMIP_CTL_OK)
		return rc;
	struct dp_binding_rec old = *rec;
	if (old.in_use)
		binding_remove_keys(t, &old, m->id);
	rc = binding_add_keys(t, &want, m->id);
	if (rc != PMIP_CTL_OK) {
		/* Out of room: put the old binding back as it was. */
		if (old.in_use && binding_add_keys(t, &old, m->id) != PMIP_CTL_OK) {
			pmip_err("binding %u lost: no room to restore its keys", m->id);
			rec->in_use = 0;
			t->n_bindings--;
		}
		return rc;
	}
	if (!old.in_use)
		t->n_bindings++;
	*rec = want;
	return PMIP_CTL_OK;
}

static int binding_del(struct dp_tables *t, uint32_t id)
{
	if (id >= t->max_bindings || !t->bindings[id].in_use)
		return PMIP_CTL_REJECT_NO_SUCH_ID;
	binding_remove_keys(t, &t->bindings[id], id);
	t->bindings[id].in_use = 0;
	t->n_bindings--;
	return PMIP_CTL_OK;
}

/* ------------------------------------------------------------- dispatch */

static int apply(struct dp_tables *t, const struct pmip_ctl_msg *m)
{
	switch (m->type) {
	case PMIP_CTL_NEIGH_SET:
		if (m->u.neigh.port >= t->n_ports)
			return PMIP_CTL_REJECT_INVALID;
		return neigh_set(t, &m->u.neigh);
	case PMIP_CTL_NEIGH_DEL:
		return neigh_del(t, m->u.neigh.id);
	case PMIP_CTL_TUNNEL_SET:
		if (m->u.tunnel.port >= t->n_ports)
			return PMIP_CTL_REJECT_INVALID;
		return tunnel_set(t, &m->u.tunnel);
	case PMIP_CTL_TUNNEL_DEL:
		return tunnel_del(t, m->u.tunnel.id);
	case PMIP_CTL_ROUTE_ADD:
		if (m->u.route.kind != PMIP_ROUTE_BLACKHOLE && m->u.route.port >= t->n_ports)
			return PMIP_CTL_REJECT_INVALID;
		return route_add(t, &m->u.route);
	case PMIP_CTL_ROUTE_DEL:
		return route_del(t, &m->u.route);
	case PMIP_CTL_BINDING_SET:
		return binding_set(t, &m->u.binding);
	case PMIP_CTL_BINDING_DEL:
		return binding_del(t, m->u.binding.id);
	default:
		return PMIP_CTL_REJECT_UNKNOWN_TYPE;
	}
}

int dp_tables_apply(struct dp_tables *t, const struct pmip_ctl_msg *m)
{
	int rc = apply(t, m);
	if (rc == PMIP_CTL_OK)
		t->wr->changed = true;
	return rc;
}

void dp_tables_synchronize(struct dp_tables *t)
{
	struct dp_tables_writer *w = t->wr;
	if (w->routes_dirty)
		routes_rebuild(t);
	if (w->n == 0 && !w->changed)
		return;
	/* After this no worker holds anything read before the updates. */
	synchronize_rcu();
	w->changed = false;
	for (unsigned i = 0; i < w->n; i++) {
		struct retired *r = &w->list[i];
		switch (r->kind) {
		case RETIRE_HASH_POS:
			rte_hash_free_key_with_position(r->h, r->pos);
			break;
		case RETIRE_TUNNEL:
			free(r->ptr);
			break;
		case RETIRE_ROUTES:
			routes_free(r->ptr);
			break;
		}
	}
	w->n = 0;
}
