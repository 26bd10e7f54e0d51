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
 * tunnel's, and a packet that does not fit the tunnel MTU gets an ICMPv6
 * Packet Too Big with the tunnel MTU minus 40 (7.1). ICMPv6 errors are
 * rate-limited per worker. Every drop increments its named counter.
 * No locks, no allocation beyond mbufs, no syscalls, no logging.
 */
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_fib6.h>
#include <rte_hash.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dp.h"
#include "net/pkt.h"
#include "tables.h"

#define CHUNK 64 /* RTE_HASH_LOOKUP_BULK_MAX */
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

static inline void write_eth(uint8_t *eth, const uint8_t dst[6], const uint8_t src[6])
{
	memcpy(eth, dst, 6);
	memcpy(eth + 6, src, 6);
	eth[12] = 0x86;
	eth[13] = 0xdd;
}

static inline void drop(struct dp_worker *w, uint16_t port, struct rte_mbuf *m,
			enum dp_drop_reason r)
{
	dp_worker_drop(w, port, m, r);
}

/* Ask cp to resolve a next hop, at most every 100 ms per address and worker. */
static void neigh_miss(struct dp_worker *w, uint16_t port, const uint8_t *ip, uint32_t neigh_id)
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
static void icmp_error_native(struct dp_worker *w, const struct dp_port *in, struct rte_mbuf *m,
			      uint8_t type, uint8_t code, uint32_t param)
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

/* Prepend the outer header (RFC 2473 3.1, 6.3) and queue on the tunnel's
 * port. m holds Ethernet + inner IPv6; the inner hop limit is already
 * decremented. Returns false (m consumed) on a drop. */
static bool encap_send(struct dp_worker *w, uint16_t in_port, struct rte_mbuf *m,
		       const struct dp_tunnel *tun)
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
	p[L2 + 4] = (uint8_t)(inner_len >> 8);
	p[L2 + 5] = (uint8_t)inner_len;
	dp_worker_tx(w, tun->port, m);
	return true;
}

/* Forwarding checks on the inner packet before it enters a tunnel:
 * hop limit (RFC 2473 3.1: the entry point forwards the packet) and size
 * (7.1). On failure the packet is dropped and answered natively. */
static bool tunnel_entry_checks(struct dp_worker *w, const struct dp_port *in, struct rte_mbuf *m,
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

/* Per-binding counters are spread over max_bindings entries: with a million
 * bindings each update is a cache miss. Start them all before using any. */
static inline void prefetch_counters(struct dp_worker *w, uint64_t hits, void *const *data,
				     unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (hits & (1ull << i))
			rte_prefetch0(&w->bctr[dp_bv_binding((uint64_t)(uintptr_t)data[i])]);
}

static inline void prefetch_counters_v(struct dp_worker *w, uint64_t hits, const uint64_t *val,
				       unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (hits & (1ull << i))
			rte_prefetch0(&w->bctr[dp_bv_binding(val[i])]);
}

/* -------------------------------------------------------- MAG: uplink -- */

static void mag_uplink(struct dp_worker *w, const struct dp_port *in, struct rte_mbuf **pkts,
		       unsigned n)
{
	struct dp_bul_key keys[CHUNK];
	const void *kp[CHUNK];
	void *data[CHUNK];
	uint64_t hits = 0;
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *eth = rte_pktmbuf_mtod(pkts[i], const uint8_t *);
		keys[i].port = in->index;
		memcpy(keys[i].mac, eth + 6, 6);
		memcpy(keys[i].prefix, eth + L2 + 8, 8);
		kp[i] = &keys[i];
	}
	if (n > 0)
		rte_hash_lookup_bulk_data(dp.tables.bul, kp, n, &hits, data);
	prefetch_counters(w, hits, data, n);
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
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
		struct dp_binding_ctr *c = &w->bctr[dp_bv_binding(bv)];
		uint32_t bytes = rte_pktmbuf_pkt_len(m) - L2;
		if (encap_send(w, in->index, m, tun)) {
			DP_STAT_ADD(c->up_pkts, 1);
			DP_STAT_ADD(c->up_bytes, bytes);
		}
	}
}

/* ------------------------------------------ binding lookup by address -- */

/* Find the bindings of n addresses (dst for downlink, src for anti-spoof):
 * by /64 prefix, then by full address where the prefix is shared. hits bit i
 * and val[i] give the binding value. Keys are copied out of the packets into
 * aligned arrays (rte_hash_crc reads 8 bytes at a time). */
void dp_binding_lookup(const uint8_t **addrs, unsigned n, uint64_t *hits_out, uint64_t val[])
{
	uint64_t pfx[CHUNK];
	const void *kp[CHUNK];
	void *data[CHUNK];
	uint64_t hits = 0;
	for (unsigned i = 0; i < n; i++) {
		memcpy(&pfx[i], addrs[i], 8);
		kp[i] = &pfx[i];
	}
	if (n > 0)
		rte_hash_lookup_bulk_data(dp.tables.bind_prefix, kp, n, &hits, data);
	uint64_t full[CHUNK][2];
	const void *kp2[CHUNK];
	unsigned idx2[CHUNK], n2 = 0;
	for (unsigned i = 0; i < n; i++) {
		if (!(hits & (1ull << i)))
			continue;
		val[i] = (uint64_t)(uintptr_t)data[i];
		if (val[i] & DP_BV_SHARED) {
			hits &= ~(1ull << i);
			idx2[n2] = i;
			memcpy(full[n2], addrs[i], 16);
			kp2[n2] = full[n2];
			n2++;
		}
	}
	if (n2 > 0) {
		void *data2[CHUNK];
		uint64_t hits2 = 0;
		rte_hash_lookup_bulk_data(dp.tables.bind_addr, kp2, n2, &hits2, data2);
		for (unsigned j = 0; j < n2; j++) {
			if (hits2 & (1ull << j)) {
				hits |= 1ull << idx2[j];
				val[idx2[j]] = (uint64_t)(uintptr_t)data2[j];
			}
		}
	}
	*hits_out = hits;
}

/* --------------------------------------------------------------- route -- */

/* native: the packets arrived on in as they are (not decapsulated), so
 * ICMPv6 errors go back on that link. */
static void route_fwd(struct dp_worker *w, const struct dp_port *in, struct rte_mbuf **pkts,
		      unsigned n, bool native)
{
	const struct dp_routes *rt = dp_rcu_load(dp.tables.routes);
	uint8_t dst[CHUNK][16];
	uint64_t nh[CHUNK];
	for (unsigned i = 0; i < n; i++)
		memcpy(dst[i], ip6(pkts[i]) + 24, 16);
	if (rt != NULL && n > 0)
		rte_fib6_lookup_bulk(rt->fib, dst, nh, n);
	/* On-link destinations: their neighbours, in one bulk lookup. */
	struct dp_neigh_key nk[CHUNK];
	const void *nkp[CHUNK];
	void *nd[CHUNK];
	unsigned nidx[CHUNK], nn = 0;
	uint32_t neigh_of[CHUNK];
	for (unsigned i = 0; i < n; i++) {
		neigh_of[i] = UINT32_MAX;
		if (rt == NULL || nh[i] == 0 || nh[i] > rt->n ||
		    rt->e[nh[i] - 1].nh.kind != PMIP_ROUTE_CONNECTED)
			continue;
		nk[nn].port = rt->e[nh[i] - 1].nh.port;
		nk[nn].reserved = 0;
		memcpy(&nk[nn].ip, dst[i], 16);
		nkp[nn] = &nk[nn];
		nidx[nn++] = i;
	}
	if (nn > 0) {
		uint64_t nhits = 0;
		rte_hash_lookup_bulk_data(dp.tables.neigh, nkp, nn, &nhits, nd);
		for (unsigned j = 0; j < nn; j++)
			if (nhits & (1ull << j))
				neigh_of[nidx[j]] = (uint32_t)(uintptr_t)nd[j];
	}
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		if (rt == NULL || nh[i] == 0 || nh[i] > rt->n) {
			if (native && !is_mcast(dst[i]))
				icmp_error_native(w, in, m, 1, 0, 0); /* no route to destination */
			drop(w, in->index, m, DP_DROP_NO_ROUTE);
			continue;
		}
		const struct dp_route_nh *r = &rt->e[nh[i] - 1].nh;
		uint64_t nw;
		uint32_t neigh_id;
		if (r->kind == PMIP_ROUTE_BLACKHOLE) {
			drop(w, in->index, m, DP_DROP_BLACKHOLE);
			continue;
		} else if (r->kind == PMIP_ROUTE_GATEWAY) {
			neigh_id = r->neigh_id;
		} else {
			neigh_id = neigh_of[i];
		}
		nw = neigh_id == UINT32_MAX ? 0 : dp_neigh_word(&dp.tables, neigh_id);
		if (!(nw & DP_NEIGH_VALID)) {
			neigh_miss(w, r->port,
				   r->kind == PMIP_ROUTE_GATEWAY ? r->gateway.s6_addr : dst[i],
				   neigh_id);
			drop(w, in->index, m, DP_DROP_NEIGH_UNRESOLVED);
			continue;
		}
		uint8_t *ip = ip6(m);
		if (ip[7] <= 1) {
			if (native)
				icmp_error_native(w, in, m, 3, 0, 0);
			drop(w, in->index, m, DP_DROP_HOP_LIMIT);
			continue;
		}
		const struct dp_port *out = &dp.ports[r->port];
		if (rte_pktmbuf_pkt_len(m) - L2 > out->mtu) {
			if (native)
				icmp_error_native(w, in, m, 2, 0, out->mtu);
			drop(w, in->index, m, DP_DROP_TOO_BIG);
			continue;
		}
		ip[7]--;
		uint8_t mac[6];
		dp_word_mac(nw, mac);
		write_eth(rte_pktmbuf_mtod(m, uint8_t *), mac, out->mac);
		dp_worker_tx(w, r->port, m);
	}
}

/* ---------------------------------------------- LMA: network side in -- */

/* To a binding: tunnel to the serving MAG; else the route table. native:
 * the packets arrived on a network port (ICMP errors go back there). */
static void lma_network(struct dp_worker *w, const struct dp_port *in, struct rte_mbuf **pkts,
			unsigned n, bool native)
{
	const uint8_t *dsts[CHUNK];
	uint64_t val[CHUNK], hits;
	struct rte_mbuf *rest[CHUNK];
	unsigned nr = 0;
	for (unsigned i = 0; i < n; i++)
		dsts[i] = ip6(pkts[i]) + 24;
	dp_binding_lookup(dsts, n, &hits, val);
	prefetch_counters_v(w, hits, val, n);
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
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
		struct dp_binding_ctr *c = &w->bctr[dp_bv_binding(val[i])];
		uint32_t bytes = rte_pktmbuf_pkt_len(m) - L2;
		if (encap_send(w, in->index, m, tun)) {
			DP_STAT_ADD(c->down_pkts, 1);
			DP_STAT_ADD(c->down_bytes, bytes);
		}
	}
	route_fwd(w, in, rest, nr, native);
}

/* -------------------------------------------------------------- decap -- */

/* Strip the outer header: the inner packet follows a fresh Ethernet header
 * (rewritten by whoever sends it on). */
static void strip_outer(struct rte_mbuf *m)
{
	uint8_t eth[L2];
	memcpy(eth, rte_pktmbuf_mtod(m, uint8_t *), L2);
	rte_pktmbuf_adj(m, L3);
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), eth, L2);
}

static void decap(struct dp_worker *w, const struct dp_port *in, struct rte_mbuf **pkts,
		  unsigned n)
{
	struct rte_mbuf *ok[CHUNK];
	struct in6_addr outer_src[CHUNK], outer_dst[CHUNK];
	const uint8_t *keyaddr[CHUNK];
	unsigned k = 0;
	const bool mag = dp.cfg->role == PMIP_ROLE_MAG;
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const uint8_t *ip = ip6(m);
		uint16_t plen = ip6_plen(ip);
		/* The inner header must be whole and consistent (RFC 2473 3.2). */
		if (plen < L3 || (ip[L3] >> 4) != 6 || ip6_plen(ip + L3) + L3 > plen) {
			drop(w, in->index, m, DP_DROP_TUNNEL_MALFORMED);
			continue;
		}
		const uint8_t *inner = ip + L3;
		/* Link-local and multicast sources, and link-local
		 * destinations, never cross links (RFC 4291 2.5.6): not from
		 * inside a tunnel either. On an LMA a bad source is spoofing. */
		if (is_mcast(inner + 8) || is_link_local(inner + 8)) {
			drop(w, in->index, m, mag ? DP_DROP_NO_ROUTE : DP_DROP_SPOOFED_SOURCE);
			continue;
		}
		if (is_link_local(inner + 24)) {
			drop(w, in->index, m, DP_DROP_NO_ROUTE);
			continue;
		}
		memcpy(&outer_src[k], ip + 8, 16);
		memcpy(&outer_dst[k], ip + 24, 16);
		strip_outer(m);
		/* MAG: find the MN by inner destination; LMA: the binding of
		 * the inner source, for anti-spoofing (RFC 5213 5.6.2). */
		keyaddr[k] = ip6(m) + (mag ? 24 : 8);
		ok[k++] = m;
	}
	uint64_t val[CHUNK], hits;
	dp_binding_lookup(keyaddr, k, &hits, val);
	prefetch_counters_v(w, hits, val, k);
	if (mag)
		for (unsigned i = 0; i < k; i++)
			if (hits & (1ull << i))
				rte_prefetch0(&dp.tables.mn_link[dp_bv_binding(val[i])]);
	struct rte_mbuf *fwd[CHUNK];
	unsigned nf = 0;
	for (unsigned i = 0; i < k; i++) {
		struct rte_mbuf *m = ok[i];
		const struct dp_tunnel *tun =
			(hits & (1ull << i)) ? dp_tunnel_get(&dp.tables, dp_bv_tunnel(val[i])) : NULL;
		bool from_peer = tun != NULL && addr_eq16(&tun->remote, &outer_src[i]) &&
				 addr_eq16(&tun->local, &outer_dst[i]);
		if (!mag) {
			/* Only an MN's own MAG may send its traffic (RFC 5213
			 * 6.10.5 / 5.6.2: the tunnel must match the binding). */
			if (!from_peer) {
				drop(w, in->index, m, DP_DROP_SPOOFED_SOURCE);
				continue;
			}
			struct dp_binding_ctr *c = &w->bctr[dp_bv_binding(val[i])];
			DP_STAT_ADD(c->up_pkts, 1);
			DP_STAT_ADD(c->up_bytes, rte_pktmbuf_pkt_len(m) - L2);
			fwd[nf++] = m;
			continue;
		}
		if (!(hits & (1ull << i))) {
			drop(w, in->index, m, DP_DROP_NO_BINDING);
			continue;
		}
		if (!from_peer) {
			drop(w, in->index, m, DP_DROP_TUNNEL_MISMATCH);
			continue;
		}
		uint32_t bid = dp_bv_binding(val[i]);
		uint64_t link = __atomic_load_n(&dp.tables.mn_link[bid], __ATOMIC_RELAXED);
		if (unlikely(!(link & DP_MN_VALID))) {
			drop(w, in->index, m, DP_DROP_NO_BINDING);
			continue;
		}
		uint8_t *ip = ip6(m);
		if (ip[7] <= 1) {
			drop(w, in->index, m, DP_DROP_HOP_LIMIT);
			continue;
		}
		uint16_t port = (uint16_t)((link >> 48) & 0xff);
		if (rte_pktmbuf_pkt_len(m) - L2 > dp.ports[port].mtu) {
			/* The access link is narrower than the tunnel; the
			 * sender is behind the LMA, so no error is sent here. */
			drop(w, in->index, m, DP_DROP_TOO_BIG);
			continue;
		}
		ip[7]--;
		uint8_t mac[6];
		dp_word_mac(link, mac);
		write_eth(rte_pktmbuf_mtod(m, uint8_t *), mac, dp.ports[port].mac);
		struct dp_binding_ctr *c = &w->bctr[bid];
		DP_STAT_ADD(c->down_pkts, 1);
		DP_STAT_ADD(c->down_bytes, rte_pktmbuf_pkt_len(m) - L2);
		dp_worker_tx(w, port, m);
	}
	if (nf > 0)
		lma_network(w, in, fwd, nf, false);
}

/* ------------------------------------------------------------ classify -- */

enum cls { CLS_LOCAL, CLS_UPLINK, CLS_NETWORK, CLS_DECAP, CLS_ROUTE, CLS_DROPPED };

static enum cls classify(struct dp_worker *w, const struct dp_port *port, struct rte_mbuf *m)
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
	if (is_link_local(dst) || is_link_local(ip + 8)) {
		/* Link-local traffic is never forwarded (RFC 4291 2.5.6). */
		drop(w, port->index, m, DP_DROP_NO_ROUTE);
		return CLS_DROPPED;
	}
	if (dp.cfg->role == PMIP_ROLE_MAG && port->kind == PMIP_PORT_ACCESS)
		return CLS_UPLINK;
	if (dp.cfg->role == PMIP_ROLE_LMA && port->kind == PMIP_PORT_NETWORK)
		return CLS_NETWORK;
	return CLS_ROUTE;
}

static void rx_chunk(struct dp_worker *w, const struct dp_port *port, struct rte_mbuf **pkts,
		     unsigned n)
{
	struct rte_mbuf *up[CHUNK], *net[CHUNK], *dec[CHUNK], *rt[CHUNK];
	unsigned nu = 0, nn = 0, nd = 0, nr = 0;
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		switch (classify(w, port, m)) {
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
	if (nd)
		decap(w, port, dec, nd);
	if (nr)
		route_fwd(w, port, rt, nr, true);
}

void dp_rx_burst(struct dp_worker *w, const struct dp_port *port, struct rte_mbuf **pkts,
		 unsigned n)
{
	for (unsigned off = 0; off < n; off += CHUNK)
		rx_chunk(w, port, pkts + off, RTE_MIN(n - off, (unsigned)CHUNK));
}
