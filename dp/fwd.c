/* Forwarding: the per-burst fast path of a worker.
 *
 * A burst is classified once, then each class runs as a sub-burst with bulk
 * table lookups (DPDK l3fwd style):
 *   local     to one of our addresses or groups (not a tunnel): local.c
 *   uplink    MAG, from an access port: MN -> IPv6-in-IPv6 to its LMA
 *   network   LMA, from a network port (and LMA decapsulated packets):
 *             to an MN's home prefix/address -> tunnel to its serving MAG,
 *             anything else -> route table
 *   decap     to our address with next header 41, from a core port:
 *             MAG: -> the MN on its access port; LMA: anti-spoofing, then
 *             as network traffic
 *   route     everything else: route table, neighbour, hop limit, MTU
 * Tunnelling follows RFC 2473: the entry point forwards the inner packet
 * (hop limit decremented, Time Exceeded at 1), the outer hop limit is the
 * tunnel's, the outer flow label a hash of the inner flow (RFC 6438), and a
 * packet that does not fit the tunnel MTU gets an ICMPv6
 * Packet Too Big with the tunnel MTU minus 40 (7.1). ICMPv6 errors are
 * rate-limited per worker. Every drop increments its named counter.
 * No locks, no allocation beyond mbufs, no syscalls, no logging.
 *
 * Cost model (one core, 1M bindings): the tables do not fit the caches, so
 * each lookup is a few cache misses. Every stage therefore runs over the
 * whole sub-burst: keys are hashed here and looked up in one bulk call
 * (rte_hash prefetches all buckets before touching any), the per-binding
 * counters are prefetched a few packets ahead of the loop that decides the
 * packets and written at the end of the stage, and packet headers are
 * prefetched a few packets ahead. Lookups that cannot find anything are
 * skipped (the home filter, tables.h), on-link neighbours come from a
 * per-worker cache and small route tables are matched without the trie.
 * Error paths (ICMPv6, resolution requests) are out of line.
 */
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_fib6.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dp.h"
#include "net/pkt.h"
#include "tables.h"

#define CHUNK 64 /* RTE_HASH_LOOKUP_BULK_MAX */
#define PREFETCH_AHEAD 4 /* packets whose headers are prefetched ahead */
#define IPPROTO_IPV6_TUNNEL 41
#define L2 PMIP_ETH_HLEN
#define L3 PMIP_IPV6_HLEN

/* ------------------------------------------------------------- helpers -- */

static inline uint8_t *ip6(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, uint8_t *, L2);
}

static inline uint16_t ip6_plen(const uint8_t *ip)
{
	return (uint16_t)((ip[4] << 8) | ip[5]);
}

static inline bool addr_eq16(const void *a, const void *b)
{
	uint64_t x[2], y[2];
	memcpy(x, a, 16);
	memcpy(y, b, 16);
	return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
}

static inline bool is_mcast(const uint8_t *addr)
{
	return addr[0] == 0xff;
}

static inline bool is_link_local(const uint8_t *addr)
{
	return addr[0] == 0xfe && (addr[1] & 0xc0) == 0x80;
}

/* Destination MAC from a neighbour/MN-link word, source MAC, EtherType. */
static inline void write_eth(uint8_t *eth, uint64_t dst_word, const uint8_t src[6])
{
	dp_word_mac(dst_word, eth);
	memcpy(eth + 6, src, 6);
	eth[12] = 0x86;
	eth[13] = 0xdd;
}

static inline void prefetch_hdr(struct rte_mbuf *m)
{
	rte_prefetch0(rte_pktmbuf_mtod(m, void *));
}

static inline void drop(struct dp_worker *w, uint16_t port, struct rte_mbuf *m,
			enum dp_drop_reason r)
{
	dp_worker_drop(w, port, m, r);
}

/* rte_hash bulk lookup of n keys of key_len bytes laid out in an array,
 * hashed here (dp_key_hash()). Inlined, so key_len is a constant. Results
 * go to data[] as rte_hash returns them; callers whose values are 64-bit
 * words pass a uint64_t array (-fno-strict-aliasing, same size). */
_Static_assert(sizeof(void *) == sizeof(uint64_t), "table values are 64-bit words");
static __rte_always_inline uint64_t hash_lookup(const struct rte_hash *h, const void *keys,
							uint32_t key_len, unsigned n, void *data[])
{
	const void *kp[CHUNK];
	hash_sig_t sig[CHUNK];
	uint64_t hits = 0;
	for (unsigned i = 0; i < n; i++) {
		kp[i] = (const uint8_t *)keys + (size_t)i * key_len;
		sig[i] = dp_key_hash(kp[i], key_len);
	}
	if (n > 0)
		rte_hash_lookup_with_hash_bulk_data(h, kp, sig, n, &hits, data);
	return hits;
}

/* Per-binding counters of the packets a stage forwarded, written at its
 * end: by then the prefetches of their cache lines have landed. */
struct ctr_batch {
	unsigned n;
	uint32_t binding[CHUNK];
	uint32_t bytes[CHUNK];
};

/* The counters of packet i (if it has a binding). Stages prefetch them
 * CTR_AHEAD packets ahead of the loop that handles the packets: issued all
 * at once, with a million bindings (a cache and TLB miss each) the
 * prefetches would stall on one another instead of overlapping the loop. */
#define CTR_AHEAD 8
static inline void ctr_prefetch(const struct dp_worker *w, uint64_t hits, const uint64_t *val,
				unsigned i)
{
	if (i < CHUNK && (hits & (1ull << i)))
		rte_prefetch0(&w->bctr[dp_bv_binding(val[i])]);
}

static inline void ctr_prefetch_first(const struct dp_worker *w, uint64_t hits,
				      const uint64_t *val)
{
	for (unsigned i = 0; i < CTR_AHEAD; i++)
		ctr_prefetch(w, hits, val, i);
}

static inline void ctr_note(struct ctr_batch *b, uint64_t bv, uint32_t bytes)
{
	b->binding[b->n] = dp_bv_binding(bv);
	b->bytes[b->n++] = bytes;
}

/* Runs of packets of one binding (a flow's burst) are summed first: one
 * counter update per run, not a chain of dependent read-modify-writes of
 * the same line. down: MN-bound packets, else MN-sent. */
static __rte_always_inline void ctr_add(struct dp_worker *w, const struct ctr_batch *b, bool down)
{
	for (unsigned i = 0; i < b->n;) {
		uint32_t id = b->binding[i];
		uint64_t pkts = 0, bytes = 0;
		do {
			pkts++;
			bytes += b->bytes[i++];
		} while (i < b->n && b->binding[i] == id);
		struct dp_binding_ctr *c = &w->bctr[id];
		if (down) {
			DP_STAT_ADD(c->down_pkts, pkts);
			DP_STAT_ADD(c->down_bytes, bytes);
		} else {
			DP_STAT_ADD(c->up_pkts, pkts);
			DP_STAT_ADD(c->up_bytes, bytes);
		}
	}
}

/* Ask cp to resolve a next hop, at most every 100 ms per address and worker. */
static __rte_noinline void neigh_miss(struct dp_worker *w, uint16_t port, const uint8_t *ip,
				      uint32_t neigh_id)
{
	uint64_t now = rte_rdtsc();
	uint32_t h = (uint32_t)(ip[15] ^ (ip[14] << 8) ^ (ip[13] << 16) ^ (port << 24));
	struct dp_miss_slot *s = &w->miss[h % DP_MISS_SLOTS];
	if (s->hash == h && now - s->tsc < dp.tsc_hz / 10)
		return;
	s->hash = h;
	s->tsc = now;
	struct pmip_evt_msg e = { .type = PMIP_EVT_NEIGH_MISS, .generation = dp.generation };
	e.u.neigh_miss.port = port;
	e.u.neigh_miss.neigh_id = neigh_id;
	memcpy(&e.u.neigh_miss.ip, ip, 16);
	if (rte_ring_mp_enqueue_elem(dp.shm.ring[PMIP_RING_EVT], &e, sizeof(e)) != 0)
		DP_STAT_ADD(w->stats.evt_full, 1);
	else
		DP_STAT_ADD(w->stats.neigh_misses, 1);
}

/* Token bucket for ICMPv6 errors (RFC 4443 2.4(f)). */
static bool icmp_allowed(struct dp_worker *w)
{
	uint64_t now = rte_rdtsc();
	uint64_t per_token = dp.tsc_hz / (dp.icmp_rate ? dp.icmp_rate : 1);
	uint64_t earned = (now - w->icmp_tsc) / per_token;
	if (earned > 0) {
		w->icmp_tokens = RTE_MIN(w->icmp_tokens + earned, (uint64_t)DP_ICMP_BURST);
		w->icmp_tsc += earned * per_token;
	}
	if (w->icmp_tokens == 0) {
		DP_STAT_ADD(w->stats.icmp_suppressed, 1);
		return false;
	}
	w->icmp_tokens--;
	return true;
}

static const struct in6_addr *port_source(const struct dp_port *p)
{
	/* A global address if the port has one, else its link-local. */
	return p->n_addrs > 1 ? &p->addrs[1] : &p->addrs[0];
}

/* ICMPv6 error about packet m (whose IPv6 header starts at ip), answered on
 * the link it came from, to its Ethernet source. */
static __rte_noinline void icmp_error_native(struct dp_worker *w, const struct dp_port *in,
					     struct rte_mbuf *m, uint8_t type, uint8_t code,
					     uint32_t param)
{
	if (!icmp_allowed(w))
		return;
	struct rte_mbuf *e = rte_pktmbuf_alloc(dp.pool);
	if (e == NULL) {
		DP_STAT_ADD(w->stats.drop[DP_DROP_TX_NO_MBUF], 1);
		return;
	}
	const uint8_t *eth = rte_pktmbuf_mtod(m, const uint8_t *);
	uint8_t *out = rte_pktmbuf_mtod(e, uint8_t *);
	size_t n = pmip_icmp6_error_build(out, rte_pktmbuf_tailroom(e), in->mac, eth + 6,
					  port_source(in), type, code, param, eth + L2,
					  rte_pktmbuf_data_len(m) - L2);
	if (n == 0) {
		rte_pktmbuf_free(e);
		DP_STAT_ADD(w->stats.icmp_suppressed, 1);
		return;
	}
	e->data_len = (uint16_t)n;
	e->pkt_len = (uint32_t)n;
	DP_STAT_ADD(w->stats.icmp_sent, 1);
	dp_worker_tx(w, in->index, e);
}

/* ---------------------------------------------------------- encapsulate -- */

/* Flow label of a tunnel's outer header (RFC 6438 3): a hash of the inner
 * packet's addresses, next header and flow label. Routers doing ECMP or LAG
 * and receivers doing RSS see a tunnel as one (src, dst) pair; with the
 * label among their hash inputs, as RFC 6438 intends, the MNs' flows
 * spread over their links and queues instead of all taking one.
 * Stateless, so one flow keeps one label and is not reordered; never 0,
 * which means unlabelled (RFC 6437 2). Ports are not hashed: they may sit
 * behind extension headers, and an MN-set inner label already tells flows
 * apart. */
static __rte_always_inline uint32_t tunnel_flow_label(const uint8_t *inner)
{
	uint64_t a[4];
	uint32_t first;
	memcpy(a, inner + 8, sizeof(a)); /* source, destination */
	memcpy(&first, inner, 4);        /* version, traffic class, flow label */
	uint32_t h = (rte_be_to_cpu_32(first) & 0xfffff) | ((uint32_t)inner[6] << 20);
	h = rte_hash_crc_8byte(a[0], h);
	h = rte_hash_crc_8byte(a[1], h);
	h = rte_hash_crc_8byte(a[2], h);
	h = rte_hash_crc_8byte(a[3], h);
	h = (h ^ (h >> 20)) & 0xfffff;
	return h != 0 ? h : 1;
}

/* Prepend the outer header (RFC 2473 3.1, 6.3) and queue on the tunnel's
 * port. m holds Ethernet + inner IPv6; the inner hop limit is already
 * decremented. Returns false (m consumed) on a drop. */
static __rte_always_inline bool encap_send(struct dp_worker *w, uint16_t in_port,
						  struct rte_mbuf *m, const struct dp_tunnel *tun)
{
	uint64_t nw = dp_neigh_word(&dp.tables, tun->neigh_id);
	if (unlikely(!(nw & DP_NEIGH_VALID))) {
		neigh_miss(w, tun->port, tun->remote.s6_addr, tun->neigh_id);
		drop(w, in_port, m, DP_DROP_NEIGH_UNRESOLVED);
		return false;
	}
	uint16_t inner_len = (uint16_t)(rte_pktmbuf_pkt_len(m) - L2);
	uint8_t *p = (uint8_t *)rte_pktmbuf_prepend(m, L3);
	if (unlikely(p == NULL)) {
		drop(w, in_port, m, DP_DROP_NO_HEADROOM);
		return false;
	}
	rte_memcpy(p, tun->hdr, sizeof(tun->hdr));
	dp_word_mac(nw, p);
	uint32_t label = tunnel_flow_label(p + L2 + L3);
	p[L2 + 1] = (uint8_t)((p[L2 + 1] & 0xf0) | (label >> 16));
	p[L2 + 2] = (uint8_t)(label >> 8);
	p[L2 + 3] = (uint8_t)label;
	p[L2 + 4] = (uint8_t)(inner_len >> 8);
	p[L2 + 5] = (uint8_t)inner_len;
	dp_worker_tx(w, tun->port, m);
	return true;
}

/* Forwarding checks on the inner packet before it enters a tunnel:
 * hop limit (RFC 2473 3.1: the entry point forwards the packet) and size
 * (7.1). On failure the packet is dropped and answered natively. */
static __rte_always_inline bool tunnel_entry_checks(struct dp_worker *w,
							   const struct dp_port *in,
							   struct rte_mbuf *m,
							   const struct dp_tunnel *tun, bool native)
{
	uint8_t *ip = ip6(m);
	if (unlikely(ip[7] <= 1)) {
		if (native)
			icmp_error_native(w, in, m, 3, 0, 0); /* Time Exceeded, hop limit */
		drop(w, in->index, m, DP_DROP_HOP_LIMIT);
		return false;
	}
	uint32_t inner = rte_pktmbuf_pkt_len(m) - L2;
	if (unlikely(inner + L3 > tun->mtu)) {
		if (native)
			icmp_error_native(w, in, m, 2, 0, tun->mtu - L3); /* Packet Too Big */
		drop(w, in->index, m, DP_DROP_TOO_BIG);
		return false;
	}
	ip[7]--;
	return true;
}

/* -------------------------------------------------------- MAG: uplink -- */

static void mag_uplink(struct dp_worker *w, const struct dp_port *in, struct rte_mbuf **pkts,
		       unsigned n)
{
	struct dp_bul_key keys[CHUNK];
	void *data[CHUNK];
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *eth = rte_pktmbuf_mtod(pkts[i], const uint8_t *);
		keys[i].port = in->index;
		memcpy(keys[i].mac, eth + 6, 6);
		memcpy(keys[i].prefix, eth + L2 + 8, 8);
	}
	uint64_t hits = hash_lookup(dp.tables.bul, keys, sizeof(keys[0]), n, data);
	ctr_prefetch_first(w, hits, (const uint64_t *)data);
	struct ctr_batch up;
	up.n = 0;
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		ctr_prefetch(w, hits, (const uint64_t *)data, i + CTR_AHEAD);
		if (!(hits & (1ull << i))) {
			drop(w, in->index, m, DP_DROP_NO_BINDING);
			continue;
		}
		uint64_t bv = (uint64_t)(uintptr_t)data[i];
		const struct dp_tunnel *tun = dp_tunnel_get(&dp.tables, dp_bv_tunnel(bv));
		if (unlikely(tun == NULL)) {
			drop(w, in->index, m, DP_DROP_NO_TUNNEL);
			continue;
		}
		if (!tunnel_entry_checks(w, in, m, tun, true))
			continue;
		uint32_t bytes = rte_pktmbuf_pkt_len(m) - L2;
		if (encap_send(w, in->index, m, tun))
			ctr_note(&up, bv, bytes);
	}
	ctr_add(w, &up, false);
}

/* ------------------------------------------ binding lookup by address -- */

/* Find the bindings of n addresses (dst for downlink, src for anti-spoof):
 * by /64 prefix, then by full address where the prefix is shared. Bit i of
 * the result and val[i] give the binding value. Keys are copied out of the
 * packets into aligned arrays (rte_hash_crc reads 8 bytes at a time). */
static __rte_always_inline uint64_t binding_lookup(const uint8_t *const *addrs, unsigned n,
							   uint64_t val[])
{
	uint64_t pfx[CHUNK];
	for (unsigned i = 0; i < n; i++)
		memcpy(&pfx[i], addrs[i], 8);
	uint64_t hits = hash_lookup(dp.tables.bind_prefix, pfx, 8, n, (void **)val);
	uint64_t shared = 0;
	for (unsigned i = 0; i < n; i++)
		if ((hits & (1ull << i)) && (val[i] & DP_BV_SHARED))
			shared |= 1ull << i;
	if (likely(shared == 0))
		return hits;
	/* Shared prefixes (rare): look those up again by whole address. */
	hits &= ~shared;
	uint64_t full[CHUNK][2];
	uint64_t val2[CHUNK];
	unsigned idx2[CHUNK], n2 = 0;
	for (uint64_t s = shared; s != 0; s &= s - 1) {
		unsigned i = (unsigned)__builtin_ctzll(s);
		idx2[n2] = i;
		memcpy(full[n2++], addrs[i], 16);
	}
	uint64_t hits2 = hash_lookup(dp.tables.bind_addr, full, 16, n2, (void **)val2);
	for (unsigned j = 0; j < n2; j++) {
		if (hits2 & (1ull << j)) {
			hits |= 1ull << idx2[j];
			val[idx2[j]] = val2[j];
		}
	}
	return hits;
}

void dp_binding_lookup(const uint8_t **addrs, unsigned n, uint64_t *hits, uint64_t val[])
{
	*hits = binding_lookup(addrs, n, val);
}

/* --------------------------------------------------------------- route -- */

/* Next hop of a route lookup: the route, or why there is none. */
static inline const struct dp_route_nh *route_nh(const struct dp_routes *rt, uint64_t nh)
{
	if (rt == NULL || nh == 0 || nh > rt->n)
		return NULL;
	return &rt->e[nh - 1].nh;
}

/* Slot of an on-link destination in the worker's neighbour cache. */
static inline unsigned ncache_slot(uint32_t port, const uint8_t *ip)
{
	uint64_t iid;
	memcpy(&iid, ip + 8, 8);
	return (unsigned)(((iid ^ port) * 0x9e3779b97f4a7c15ull) >> 32) % DP_NEIGH_CACHE;
}

/* native: the packets arrived on in as they are (not decapsulated), so
 * ICMPv6 errors go back on that link. */
static void route_fwd(struct dp_worker *w, const struct dp_port *in, struct rte_mbuf **pkts,
		      unsigned n, bool native)
{
	if (n == 0)
		return;
	const struct dp_routes *rt = dp_rcu_load(dp.tables.routes);
	/* Destinations in place: nothing below writes them. */
	const uint8_t *dst[CHUNK];
	uint64_t nh[CHUNK];
	for (unsigned i = 0; i < n; i++)
		dst[i] = ip6(pkts[i]) + 24;
	if (rt != NULL && rt->linear) {
		for (unsigned i = 0; i < n; i++)
			nh[i] = dp_route_match(rt, dst[i]);
	} else if (rt != NULL) {
		uint8_t ips[CHUNK][16]; /* the layout rte_fib6 takes */
		for (unsigned i = 0; i < n; i++)
			memcpy(ips[i], dst[i], 16);
		rte_fib6_lookup_bulk(rt->fib, ips, nh, (int)n);
	}
	/* On-link destinations: their neighbours, from the worker's cache or
	 * else in one bulk lookup that refills it. gen is read before the
	 * lookup, so an entry filled from it is stale as soon as a key is
	 * deleted after that (tables.c neigh_key_del()). */
	const uint64_t gen = __atomic_load_n(&dp.tables.neigh_gen, __ATOMIC_ACQUIRE);
	uint32_t neigh_of[CHUNK];
	struct dp_neigh_key nk[CHUNK];
	void *nd[CHUNK];
	unsigned nidx[CHUNK], nn = 0;
	for (unsigned i = 0; i < n; i++) {
		neigh_of[i] = UINT32_MAX;
		const struct dp_route_nh *r = route_nh(rt, rt != NULL ? nh[i] : 0);
		if (r == NULL || r->kind != PMIP_ROUTE_CONNECTED)
			continue;
		const struct dp_neigh_cache_entry *e = &w->ncache[ncache_slot(r->port, dst[i])];
		if (e->gen == gen && e->port == r->port && addr_eq16(e->ip, dst[i])) {
			neigh_of[i] = e->id;
			continue;
		}
		nk[nn].port = r->port;
		nk[nn].reserved = 0;
		memcpy(&nk[nn].ip, dst[i], 16);
		nidx[nn++] = i;
	}
	uint64_t nhits = hash_lookup(dp.tables.neigh, nk, sizeof(nk[0]), nn, nd);
	for (unsigned j = 0; j < nn; j++) {
		if (!(nhits & (1ull << j)))
			continue;
		uint32_t id = (uint32_t)(uintptr_t)nd[j];
		struct dp_neigh_cache_entry *e = &w->ncache[ncache_slot(nk[j].port, nk[j].ip.s6_addr)];
		e->gen = gen;
		e->port = nk[j].port;
		e->id = id;
		memcpy(e->ip, &nk[j].ip, 16);
		neigh_of[nidx[j]] = id;
	}
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct dp_route_nh *r = route_nh(rt, rt != NULL ? nh[i] : 0);
		if (r == NULL) {
			if (native && !is_mcast(dst[i]))
				icmp_error_native(w, in, m, 1, 0, 0); /* no route to destination */
			drop(w, in->index, m, DP_DROP_NO_ROUTE);
			continue;
		}
		uint32_t neigh_id;
		if (r->kind == PMIP_ROUTE_BLACKHOLE) {
			drop(w, in->index, m, DP_DROP_BLACKHOLE);
			continue;
		} else if (r->kind == PMIP_ROUTE_GATEWAY) {
			neigh_id = r->neigh_id;
		} else {
			neigh_id = neigh_of[i];
		}
		uint64_t nw = neigh_id == UINT32_MAX ? 0 : dp_neigh_word(&dp.tables, neigh_id);
		if (unlikely(!(nw & DP_NEIGH_VALID))) {
			neigh_miss(w, r->port,
				   r->kind == PMIP_ROUTE_GATEWAY ? r->gateway.s6_addr : dst[i],
				   neigh_id);
			drop(w, in->index, m, DP_DROP_NEIGH_UNRESOLVED);
			continue;
		}
		uint8_t *ip = ip6(m);
		if (unlikely(ip[7] <= 1)) {
			if (native)
				icmp_error_native(w, in, m, 3, 0, 0);
			drop(w, in->index, m, DP_DROP_HOP_LIMIT);
			continue;
		}
		const struct dp_port *out = &dp.ports[r->port];
		if (unlikely(rte_pktmbuf_pkt_len(m) - L2 > out->mtu)) {
			if (native)
				icmp_error_native(w, in, m, 2, 0, out->mtu);
			drop(w, in->index, m, DP_DROP_TOO_BIG);
			continue;
		}
		ip[7]--;
		write_eth(rte_pktmbuf_mtod(m, uint8_t *), nw, out->mac);
		dp_worker_tx(w, r->port, m);
	}
}

/* ---------------------------------------------- LMA: network side in -- */

/* To a binding: tunnel to the serving MAG; else the route table. native:
 * the packets arrived on a network port (ICMP errors go back there);
 * otherwise they come decapsulated from MNs. */
static void lma_network(struct dp_worker *w, const struct dp_port *in, struct rte_mbuf **pkts,
			unsigned n, bool native)
{
	/* From MNs, most destinations are correspondents: only those the
	 * home filter lets through are looked up, the others cannot have a
	 * binding. From the network nearly all are MNs, so all are looked
	 * up at once rather than filtered for nothing. */
	const uint8_t *dsts[CHUNK];
	unsigned qidx[CHUNK], nq = 0;
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *dst = ip6(pkts[i]) + 24;
		if (native || dp_home_maybe(&dp.tables, dst)) {
			dsts[nq] = dst;
			qidx[nq++] = i;
		}
	}
	uint64_t val[CHUNK], hits = 0;
	if (nq == n) {
		/* No need to spread the results. */
		hits = binding_lookup(dsts, n, val);
	} else if (nq > 0) {
		uint64_t qval[CHUNK];
		uint64_t qhits = binding_lookup(dsts, nq, qval);
		for (unsigned j = 0; j < nq; j++) {
			if (qhits & (1ull << j)) {
				hits |= 1ull << qidx[j];
				val[qidx[j]] = qval[j];
			}
		}
	}
	ctr_prefetch_first(w, hits, val);
	struct rte_mbuf *rest[CHUNK];
	unsigned nr = 0;
	struct ctr_batch down;
	down.n = 0;
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		ctr_prefetch(w, hits, val, i + CTR_AHEAD);
		if (!(hits & (1ull << i))) {
			rest[nr++] = m;
			continue;
		}
		const struct dp_tunnel *tun = dp_tunnel_get(&dp.tables, dp_bv_tunnel(val[i]));
		if (unlikely(tun == NULL)) {
			drop(w, in->index, m, DP_DROP_NO_TUNNEL);
			continue;
		}
		if (!tunnel_entry_checks(w, in, m, tun, native))
			continue;
		uint32_t bytes = rte_pktmbuf_pkt_len(m) - L2;
		if (encap_send(w, in->index, m, tun))
			ctr_note(&down, val[i], bytes);
	}
	route_fwd(w, in, rest, nr, native);
	ctr_add(w, &down, true);
}

/* -------------------------------------------------------------- decap -- */

/* Keep the tunnelled packets whose inner header may be forwarded (into
 * ok[], in order; the others are dropped) and return how many. bad_src is
 * the reason for a link-local or multicast inner source. */
static unsigned decap_validate(struct dp_worker *w, const struct dp_port *in,
			       struct rte_mbuf **pkts, unsigned n, struct rte_mbuf **ok,
			       enum dp_drop_reason bad_src)
{
	unsigned k = 0;
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		/* The inner header is on the frame's second cache line, which
		 * classify() did not prefetch. */
		if (i + PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod_offset(pkts[i + PREFETCH_AHEAD], void *, 64));
		const uint8_t *ip = ip6(m);
		uint16_t plen = ip6_plen(ip);
		/* The inner header must be whole and consistent (RFC 2473 3.2). */
		if (unlikely(plen < L3 || (ip[L3] >> 4) != 6 || ip6_plen(ip + L3) + L3 > plen)) {
			drop(w, in->index, m, DP_DROP_TUNNEL_MALFORMED);
			continue;
		}
		const uint8_t *inner = ip + L3;
		/* Link-local and multicast sources, and link-local
		 * destinations, never cross links (RFC 4291 2.5.6): not from
		 * inside a tunnel either. On an LMA a bad source is spoofing. */
		if (unlikely(is_mcast(inner + 8) || is_link_local(inner + 8))) {
			drop(w, in->index, m, bad_src);
			continue;
		}
		if (unlikely(is_link_local(inner + 24))) {
			drop(w, in->index, m, DP_DROP_NO_ROUTE);
			continue;
		}
		ok[k++] = m;
	}
	return k;
}

/* Was the packet (outer header still in place) sent through tun, i.e. from
 * its remote end to its local one? */
static inline bool from_tunnel_peer(struct rte_mbuf *m, const struct dp_tunnel *tun)
{
	const uint8_t *ip = ip6(m);
	return tun != NULL && addr_eq16(&tun->remote, ip + 8) && addr_eq16(&tun->local, ip + 24);
}

/* Strip the outer header: the inner packet follows a fresh Ethernet header
 * (rewritten by whoever sends it on). The old Ethernet header moves 40
 * bytes up, which does not overlap it; a validated frame is at least
 * L2 + 2 * L3 long, so the adjustment cannot fail. */
static inline void strip_outer(struct rte_mbuf *m)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	memcpy(p + L3, p, L2);
	rte_pktmbuf_adj(m, L3);
}

/* LMA: only an MN's own MAG may send its traffic (RFC 5213 6.10.5 / 5.6.2:
 * the tunnel must match the binding of the inner source); what passes is
 * forwarded as network traffic, without ICMPv6 errors (the sender is
 * behind a tunnel). */
static void lma_decap(struct dp_worker *w, const struct dp_port *in, struct rte_mbuf **pkts,
		      unsigned n)
{
	struct rte_mbuf *ok[CHUNK];
	unsigned k = decap_validate(w, in, pkts, n, ok, DP_DROP_SPOOFED_SOURCE);
	/* Inner sources, read in place (the outer header is checked first). */
	const uint8_t *src[CHUNK];
	for (unsigned i = 0; i < k; i++)
		src[i] = ip6(ok[i]) + L3 + 8;
	uint64_t val[CHUNK];
	uint64_t hits = binding_lookup(src, k, val);
	ctr_prefetch_first(w, hits, val);
	struct rte_mbuf *fwd[CHUNK];
	unsigned nf = 0;
	struct ctr_batch up;
	up.n = 0;
	for (unsigned i = 0; i < k; i++) {
		struct rte_mbuf *m = ok[i];
		ctr_prefetch(w, hits, val, i + CTR_AHEAD);
		const struct dp_tunnel *tun =
			(hits & (1ull << i)) ? dp_tunnel_get(&dp.tables, dp_bv_tunnel(val[i])) : NULL;
		if (!from_tunnel_peer(m, tun)) {
			drop(w, in->index, m, DP_DROP_SPOOFED_SOURCE);
			continue;
		}
		strip_outer(m);
		ctr_note(&up, val[i], rte_pktmbuf_pkt_len(m) - L2);
		fwd[nf++] = m;
	}
	lma_network(w, in, fwd, nf, false);
	ctr_add(w, &up, false);
}

/* MAG: the MN by inner destination, if the packet came from its LMA. */
static void mag_decap(struct dp_worker *w, const struct dp_port *in, struct rte_mbuf **pkts,
		      unsigned n)
{
	struct rte_mbuf *ok[CHUNK];
	unsigned k = decap_validate(w, in, pkts, n, ok, DP_DROP_NO_ROUTE);
	const uint8_t *dst[CHUNK];
	for (unsigned i = 0; i < k; i++)
		dst[i] = ip6(ok[i]) + L3 + 24;
	uint64_t val[CHUNK];
	uint64_t hits = binding_lookup(dst, k, val);
	ctr_prefetch_first(w, hits, val);
	for (unsigned i = 0; i < k; i++)
		if (hits & (1ull << i))
			rte_prefetch0(&dp.tables.mn_link[dp_bv_binding(val[i])]);
	struct ctr_batch down;
	down.n = 0;
	for (unsigned i = 0; i < k; i++) {
		struct rte_mbuf *m = ok[i];
		ctr_prefetch(w, hits, val, i + CTR_AHEAD);
		if (!(hits & (1ull << i))) {
			drop(w, in->index, m, DP_DROP_NO_BINDING);
			continue;
		}
		if (!from_tunnel_peer(m, dp_tunnel_get(&dp.tables, dp_bv_tunnel(val[i])))) {
			drop(w, in->index, m, DP_DROP_TUNNEL_MISMATCH);
			continue;
		}
		strip_outer(m);
		uint32_t bid = dp_bv_binding(val[i]);
		uint64_t link = __atomic_load_n(&dp.tables.mn_link[bid], __ATOMIC_RELAXED);
		if (unlikely(!(link & DP_MN_VALID))) {
			drop(w, in->index, m, DP_DROP_NO_BINDING);
			continue;
		}
		uint8_t *ip = ip6(m);
		if (unlikely(ip[7] <= 1)) {
			drop(w, in->index, m, DP_DROP_HOP_LIMIT);
			continue;
		}
		uint16_t port = (uint16_t)((link >> 48) & 0xff);
		uint32_t bytes = rte_pktmbuf_pkt_len(m) - L2;
		if (unlikely(bytes > dp.ports[port].mtu)) {
			/* The access link is narrower than the tunnel; the
			 * sender is behind the LMA, so no error is sent here. */
			drop(w, in->index, m, DP_DROP_TOO_BIG);
			continue;
		}
		ip[7]--;
		write_eth(rte_pktmbuf_mtod(m, uint8_t *), link, dp.ports[port].mac);
		ctr_note(&down, val[i], bytes);
		dp_worker_tx(w, port, m);
	}
	ctr_add(w, &down, true);
}

/* ------------------------------------------------------------ classify -- */

enum cls { CLS_LOCAL, CLS_UPLINK, CLS_NETWORK, CLS_DECAP, CLS_ROUTE, CLS_DROPPED };

/* What a port's traffic that is not for us becomes: fixed per port and
 * role, so worked out once per burst. */
static inline enum cls transit_class(const struct dp_port *port)
{
	if (dp.cfg->role == PMIP_ROLE_MAG && port->kind == PMIP_PORT_ACCESS)
		return CLS_UPLINK;
	if (dp.cfg->role == PMIP_ROLE_LMA && port->kind == PMIP_PORT_NETWORK)
		return CLS_NETWORK;
	return CLS_ROUTE;
}

static __rte_always_inline enum cls classify(struct dp_worker *w,
						    const struct dp_port *port,
						    struct rte_mbuf *m, enum cls transit)
{
	if (unlikely(!rte_pktmbuf_is_contiguous(m))) {
		drop(w, port->index, m, DP_DROP_MULTI_SEGMENT);
		return CLS_DROPPED;
	}
	uint32_t len = rte_pktmbuf_data_len(m);
	const uint8_t *eth = rte_pktmbuf_mtod(m, const uint8_t *);
	if (unlikely(len < L2)) {
		drop(w, port->index, m, DP_DROP_ETH_SHORT);
		return CLS_DROPPED;
	}
	if (unlikely(eth[12] != 0x86 || eth[13] != 0xdd)) {
		drop(w, port->index, m, DP_DROP_ETHERTYPE);
		return CLS_DROPPED;
	}
	const uint8_t *ip = eth + L2;
	if (unlikely(len < L2 + L3 || (ip[0] >> 4) != 6 || ip6_plen(ip) == 0 ||
		     L2 + L3 + (uint32_t)ip6_plen(ip) > len)) {
		drop(w, port->index, m, DP_DROP_IPV6_MALFORMED);
		return CLS_DROPPED;
	}
	/* Ethernet padding past the IPv6 payload is not forwarded. */
	uint32_t want = L2 + L3 + ip6_plen(ip);
	if (len > want) {
		m->data_len = (uint16_t)want;
		m->pkt_len = want;
	}
	const uint8_t *dst = ip + 24;
	if (is_mcast(dst) || dp_port_owns(port, dst)) {
		if (ip[6] == IPPROTO_IPV6_TUNNEL && !is_mcast(dst) && port->kind == PMIP_PORT_CORE)
			return CLS_DECAP;
		return CLS_LOCAL;
	}
	if (unlikely(is_link_local(dst) || is_link_local(ip + 8))) {
		/* Link-local traffic is never forwarded (RFC 4291 2.5.6). */
		drop(w, port->index, m, DP_DROP_NO_ROUTE);
		return CLS_DROPPED;
	}
	return transit;
}

static void rx_chunk(struct dp_worker *w, const struct dp_port *port, struct rte_mbuf **pkts,
		     unsigned n)
{
	struct rte_mbuf *up[CHUNK], *net[CHUNK], *dec[CHUNK], *rt[CHUNK];
	unsigned nu = 0, nn = 0, nd = 0, nr = 0;
	const enum cls transit = transit_class(port);
	for (unsigned i = 0; i < RTE_MIN(n, (unsigned)PREFETCH_AHEAD); i++)
		prefetch_hdr(pkts[i]);
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		if (i + PREFETCH_AHEAD < n)
			prefetch_hdr(pkts[i + PREFETCH_AHEAD]);
		switch (classify(w, port, m, transit)) {
		case CLS_LOCAL:
			dp_local_input(w, port, m);
			break;
		case CLS_UPLINK:
			up[nu++] = m;
			break;
		case CLS_NETWORK:
			net[nn++] = m;
			break;
		case CLS_DECAP:
			dec[nd++] = m;
			break;
		case CLS_ROUTE:
			rt[nr++] = m;
			break;
		case CLS_DROPPED:
			break;
		}
	}
	if (nu)
		mag_uplink(w, port, up, nu);
	if (nn)
		lma_network(w, port, net, nn, true);
	if (nd) {
		if (dp.cfg->role == PMIP_ROLE_MAG)
			mag_decap(w, port, dec, nd);
		else
			lma_decap(w, port, dec, nd);
	}
	if (nr)
		route_fwd(w, port, rt, nr, true);
}

void dp_rx_burst(struct dp_worker *w, const struct dp_port *port, struct rte_mbuf **pkts,
		 unsigned n)
{
	for (unsigned off = 0; off < n; off += CHUNK)
		rx_chunk(w, port, pkts + off, RTE_MIN(n - off, (unsigned)CHUNK));
}
