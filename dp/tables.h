/* Data-plane lookup tables, read lock-free by workers, written only by the
 * main lcore from ctl-ring messages.
 *
 * Concurrency (liburcu QSBR): workers are registered readers that announce a
 * quiescent state once per loop iteration. Hash tables are DPDK rte_hash in
 * lock-free mode (RW_CONCURRENCY_LF): one writer, readers never wait; a
 * deleted key's slot is reused only after a grace period. Everything a
 * reader follows is either a 64-bit word stored atomically (binding values,
 * neighbour MACs, MN link addresses) or an immutable record published by one
 * pointer store (tunnels, the route table) and freed after a grace period.
 * So a handover is one atomic store per binding key, and no reader ever sees
 * a half-written entry.
 *
 *   bind_prefix   /64 home network prefix (8-byte key) -> binding value
 *   bind_addr     home address (16 bytes, shared-prefix model) -> value
 *   bul           MAG: (access port, MN MAC, source /64) -> value
 *   mn_link[id]   MAG: the MN's MAC and access port, by binding id
 *   tunnels[id]   -> struct dp_tunnel (RCU pointer)
 *   neigh         (port, IPv6) -> neighbour id; neigh_mac[id] = MAC|VALID;
 *                    workers cache found ids while neigh_gen stays the same
 *   routes        -> struct dp_routes: an rte_fib6 and its next hops,
 *                    rebuilt and swapped whole on any change (routes are few)
 *   home_filter   bitmap over hashed /48s: "may hold a bind_prefix key"
 *                    (see dp_home_maybe(); words stored atomically)
 *
 * A binding value packs the binding id (counters, mn_link) and the tunnel
 * id, so a lookup yields everything the fast path needs in one word.
 */
#ifndef PMIP_DP_TABLES_H
#define PMIP_DP_TABLES_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <urcu-qsbr.h>

#include "config.h"
#include "msg.h"

struct rte_fib6;

/* binding value: [63:56] flags, [55:32] tunnel id, [31:0] binding id */
#define DP_BV_SHARED 0x0100000000000000ull /* prefix marker: look up by address */
#define DP_BV_TUNNEL_SHIFT 32
#define DP_BV_TUNNEL_MASK 0xffffffu
#define DP_MAX_TUNNELS_LIMIT (1u << 24)

static inline uint64_t dp_bv_make(uint32_t binding, uint32_t tunnel)
{
	return ((uint64_t)tunnel << DP_BV_TUNNEL_SHIFT) | binding;
}
static inline uint32_t dp_bv_binding(uint64_t v) { return (uint32_t)v; }
static inline uint32_t dp_bv_tunnel(uint64_t v)
{
	return (uint32_t)(v >> DP_BV_TUNNEL_SHIFT) & DP_BV_TUNNEL_MASK;
}

/* neighbour word: MAC in the low 48 bits (network order bytes), VALID flag */
#define DP_NEIGH_VALID (1ull << 63)

/* mn_link word: MAC in the low 48 bits, port index in [55:48], VALID */
#define DP_MN_VALID (1ull << 63)

struct dp_tunnel {
	/* Outer Ethernet + IPv6 header, built once when the tunnel is set:
	 * per packet only the next hop's MAC and the payload length change. */
	uint8_t hdr[14 + 40];
	uint16_t port;
	uint16_t mtu;
	uint32_t neigh_id;
	struct in6_addr local;
	struct in6_addr remote;
	uint8_t hop_limit;
};

struct dp_route_nh {
	uint8_t kind;      /* enum pmip_route_kind */
	uint16_t port;
	uint32_t neigh_id;
	struct in6_addr gateway;
};

struct dp_route_entry {
	struct in6_addr prefix;
	uint8_t len;
	struct dp_route_nh nh;
};

#define DP_MAX_ROUTES 1024

/* Home prefix filter: 2^DP_HOME_FILTER_BITS bits, each covering the /48s
 * that hash to it. */
#define DP_HOME_FILTER_BITS 16

/* A route as readers match it without the fib: (dst & mask) == addr.
 * Words hold the address bytes in memory order. */
struct dp_route_match {
	uint64_t addr[2];
	uint64_t mask[2];
	uint32_t nh;              /* as in the fib: index into e[] + 1 */
};

/* Up to this many routes (a gateway's usual table: its connected subnets
 * and a default) are matched in a loop, longest prefix first: a few
 * compares instead of the trie's dependent loads, one per byte of the
 * prefix (six for a /64). */
#define DP_ROUTES_LINEAR 8

/* Immutable once published. */
struct dp_routes {
	struct rte_fib6 *fib;     /* next hop = index into e[] + 1; 0 = no route */
	unsigned n;
	bool linear;              /* n <= DP_ROUTES_LINEAR: match[] has them all */
	struct dp_route_match match[DP_ROUTES_LINEAR]; /* by prefix length, longest first */
	struct dp_route_entry e[]; /* the entries it was built from */
};

/* Longest-prefix match over rt->match[] (rt->linear): the fib's answer. */
static inline uint64_t dp_route_match(const struct dp_routes *rt, const uint8_t *dst)
{
	uint64_t a[2];
	memcpy(a, dst, 16);
	for (unsigned i = 0; i < rt->n; i++) {
		const struct dp_route_match *r = &rt->match[i];
		if ((((a[0] & r->mask[0]) ^ r->addr[0]) | ((a[1] & r->mask[1]) ^ r->addr[1])) == 0)
			return r->nh;
	}
	return 0;
}

/* Hash keys are 8-byte aligned with no implicit padding: rte_hash_crc
 * reads them 8 bytes at a time and compares them whole. */
struct dp_bul_key {
	uint16_t port;
	uint8_t mac[6];
	uint8_t prefix[8];
} __attribute__((aligned(8)));

struct dp_neigh_key {
	uint32_t port;
	uint32_t reserved;       /* zero */
	struct in6_addr ip;
} __attribute__((aligned(8)));
_Static_assert(sizeof(struct dp_neigh_key) == 24, "neighbour key is three words");
_Static_assert(sizeof(struct dp_bul_key) == 16, "BUL key is two words");

/* Main-lcore bookkeeping of a binding: what to delete, what to show.
 * hnp and hoa are hash keys used in place: 8-byte aligned. */
struct dp_binding_rec {
	uint8_t in_use;
	uint8_t flags;
	uint16_t access_port;
	uint32_t tunnel_id;
	uint8_t hnp[8];
	uint8_t mn_mac[6];
	uint8_t reserved[2];
	struct in6_addr hoa;
} __attribute__((aligned(8)));
_Static_assert(offsetof(struct dp_binding_rec, hnp) % 8 == 0, "hnp key alignment");
_Static_assert(offsetof(struct dp_binding_rec, hoa) % 8 == 0, "hoa key alignment");

struct dp_neigh_rec {
	uint8_t in_use;
	struct dp_neigh_key key;
};

/* Per-binding counters, one array per lcore. */
struct dp_binding_ctr {
	uint64_t up_pkts;    /* MN -> network (MAG uplink, LMA decap) */
	uint64_t up_bytes;
	uint64_t down_pkts;  /* network -> MN */
	uint64_t down_bytes;
};

struct dp_tables_writer;

struct dp_tables {
	bool mag;                           /* bindings carry MN link state */
	unsigned n_ports;
	uint8_t port_macs[PMIP_CFG_MAX_PORTS][6]; /* source MACs of tunnel headers */
	uint32_t max_bindings;
	uint32_t max_tunnels;
	uint32_t max_neighbours;
	struct rte_hash *bind_prefix;
	struct rte_hash *bind_addr;
	struct rte_hash *bul;
	struct rte_hash *neigh;
	uint64_t *mn_link;                  /* [max_bindings] */
	uint64_t *neigh_mac;                /* [max_neighbours] */
	struct dp_tunnel **tunnels;         /* [max_tunnels], RCU pointers */
	struct dp_routes *routes;           /* RCU pointer */
	uint64_t *home_filter;              /* [2^DP_HOME_FILTER_BITS / 64] */
	uint64_t neigh_gen;                 /* bumped after a neighbour key is deleted */
	/* main lcore only */
	struct dp_binding_rec *bindings;    /* [max_bindings] */
	struct dp_neigh_rec *neigh_recs;    /* [max_neighbours] */
	uint32_t n_bindings;
	uint32_t n_tunnels;
	uint32_t n_neighbours;
	uint32_t fib_generation;
	unsigned instance;                  /* distinguishes DPDK object names */
	int socket;
	struct dp_tables_writer *wr;
};

struct dp_tables_conf {
	bool mag;
	unsigned n_ports;
	uint8_t port_macs[PMIP_CFG_MAX_PORTS][6]; /* see dp_conf_port_macs() */
	uint32_t max_bindings;
	uint32_t max_tunnels;
	uint32_t max_neighbours;
	int socket;
	const char *name;   /* distinguishes instances' hash names (tests) */
};

int dp_tables_create(struct dp_tables *t, const struct dp_tables_conf *conf);
void dp_tables_destroy(struct dp_tables *t);

/* Apply one ctl message (main lcore). Returns PMIP_CTL_OK or a reason. Memory
 * freed by the update is queued until dp_tables_synchronize(). */
int dp_tables_apply(struct dp_tables *t, const struct pmip_ctl_msg *m);
/* Wait for a grace period, then free what updates retired. Call after a
 * burst of dp_tables_apply() and before acknowledging it. */
void dp_tables_synchronize(struct dp_tables *t);

/* ---- reader side (workers), inline for the fast path ---- */

/* Load an RCU-published pointer. Same ordering as liburcu's
 * rcu_dereference(), whose non-LGPL build is a function call per packet;
 * the writer publishes with rcu_assign_pointer() (a release store). */
#define dp_rcu_load(p) __atomic_load_n(&(p), __ATOMIC_ACQUIRE)

static inline const struct dp_tunnel *dp_tunnel_get(const struct dp_tables *t, uint32_t id)
{
	if (id >= t->max_tunnels)
		return NULL;
	return dp_rcu_load(t->tunnels[id]);
}

static inline uint64_t dp_neigh_word(const struct dp_tables *t, uint32_t id)
{
	if (id >= t->max_neighbours)
		return 0;
	return __atomic_load_n(&t->neigh_mac[id], __ATOMIC_RELAXED);
}

/* The hash rte_hash computes for a key of our tables (hash_create(): CRC32C
 * over the key, seed 0), inline: the fast path hashes its keys itself and
 * calls rte_hash_lookup_with_hash_bulk_data(), instead of rte_hash calling
 * the hash function through a pointer once per key. key_len is a constant
 * at every call, so this is one to three crc32 instructions. */
static __rte_always_inline uint32_t dp_key_hash(const void *key, uint32_t key_len)
{
	return rte_hash_crc(key, key_len, 0);
}

/* Could addr (16 bytes, any alignment) be in a home network prefix, i.e.
 * is a bind_prefix lookup of it worth doing? false is exact: no key of
 * bind_prefix (a binding's HNP or a shared prefix's marker) lies in addr's
 * /48. true may be a collision. HNPs are delegated from a few pools (RFC
 * 5213 6.2 leaves the choice to the LMA), so traffic to correspondents
 * mostly gets false and skips the lookup; if HNPs are spread over many
 * /48s the filter only fills up, it never answers wrong.
 *
 * The writer sets a bit before adding the first key under it (with the
 * release store of rte_hash's insert after it) and clears it after deleting
 * the last one: a reader that reads a clear bit acts as a lookup at that
 * moment would, and one that has found a key under a bit sees it set. */
static inline uint32_t dp_home_filter_slot(const uint8_t *addr)
{
	uint64_t a;
	memcpy(&a, addr, 8);
	a = rte_be_to_cpu_64(a) >> 16; /* the /48 */
	return (uint32_t)((a * 0x9e3779b97f4a7c15ull) >> (64 - DP_HOME_FILTER_BITS));
}

static inline bool dp_home_maybe(const struct dp_tables *t, const uint8_t *addr)
{
	uint32_t s = dp_home_filter_slot(addr);
	return (__atomic_load_n(&t->home_filter[s / 64], __ATOMIC_ACQUIRE) >> (s % 64)) & 1;
}

static inline void dp_word_mac(uint64_t w, uint8_t mac[6])
{
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	/* Byte i is bits 8i..8i+7: memory order already. */
	uint32_t lo = (uint32_t)w;
	uint16_t hi = (uint16_t)(w >> 32);
	memcpy(mac, &lo, 4);
	memcpy(mac + 4, &hi, 2);
#else
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)(w >> (8 * i));
#endif
}

static inline uint64_t dp_mac_word(const uint8_t mac[6])
{
	uint64_t w = 0;
	for (int i = 0; i < 6; i++)
		w |= (uint64_t)mac[i] << (8 * i);
	return w;
}

#endif
