/* Benchmark: the data plane's forwarding, on one worker core, packets
 * generated from memory into the real fast path (dp_rx_burst) and sent to
 * net_null. Baseline in the same process: the same generator sending
 * straight to net_null with no processing (the I/O ceiling).
 *
 *   bench_forward lma N SECONDS   io, io + binding lookup only, LMA
 *                                 downlink encapsulation, LMA
 *                                 decapsulation (anti-spoofing + route),
 *                                 lookup vs rte_hash, updates while
 *                                 forwarding, bytes per binding
 *   bench_forward mag N SECONDS   io, MAG uplink encapsulation, bytes
 *
 * N bindings, each packet to/from a binding drawn uniformly at random, so a
 * table of 1M entries is exercised as a whole (cache misses included).
 * Output: "result KEY VALUE" lines, read by scripts/bench.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_launch.h>
#include <rte_malloc.h>
#include <urcu-qsbr.h>

#include "bench_dp.h"
#include "dp.h"
#include "net/pkt.h"

#define BURST 32
#define KEYSEQ (1u << 20)
#define FRAME 64

static struct pmip_config cfg;
static uint32_t nb;            /* bindings */
static uint32_t *keyseq;       /* random binding indices */
static double seconds;
static const uint8_t mac_mn_base[6] = { 0x02, 0x00, 0, 0, 0, 0 };
static const uint8_t mac_peer[6] = { 0x02, 0x00, 0x00, 0x00, 0x01, 0x01 };
static const uint8_t mac_cn[6] = { 0x02, 0x00, 0x00, 0x00, 0x02, 0x01 };

/* Binding i: prefix 2001:db8:(0x1000 + i/65536):(i%65536)::/64. */
static void hnp_of(uint32_t i, uint8_t out[16])
{
	struct in6_addr a = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8 } };
	a.s6_addr[4] = (uint8_t)((0x1000 + (i >> 16)) >> 8);
	a.s6_addr[5] = (uint8_t)(0x1000 + (i >> 16));
	a.s6_addr[6] = (uint8_t)(i >> 8);
	a.s6_addr[7] = (uint8_t)i;
	memcpy(out, &a, 16);
}

static void mac_of(uint32_t i, uint8_t mac[6])
{
	memcpy(mac, mac_mn_base, 6);
	mac[2] = (uint8_t)(i >> 24);
	mac[3] = (uint8_t)(i >> 16);
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

static void apply(struct pmip_ctl_msg *m)
{
	m->generation = dp.generation;
	int rc = dp_tables_apply(&dp.tables, m);
	if (rc != PMIP_CTL_OK)
		rte_exit(1, "ctl %s rejected: %d\n", pmip_ctl_type_name(m->type), rc);
}

/* ------------------------------------------------------- packet sources -- */

/* K_IO_LOOKUP: the I/O ceiling plus only the binding lookup of each packet
 * (LMA downlink keys), nothing else: a bound on what any forwarding path
 * that looks up a binding per packet can reach.
 * K_IO_COUNT: the I/O ceiling plus only the per-binding counters of point 4
 * (packets and bytes of the packet's binding, its id known without a
 * lookup), prefetched a burst ahead as fwd.c does: a bound on any path that
 * counts per binding, whatever its table. */
enum kind { K_IO, K_IO_LOOKUP, K_IO_COUNT, K_MAG_UP, K_LMA_DOWN, K_LMA_DECAP };

struct gen {
	enum kind kind;
	uint8_t tmpl[256];
	uint16_t len;
	uint16_t key_off;     /* where the per-packet address goes */
	uint32_t next;
};

static void udp_frame(uint8_t *p, const uint8_t *dmac, const uint8_t *smac, const char *src,
		      const char *dst, uint16_t frame_len)
{
	uint16_t plen = (uint16_t)(frame_len - 54);
	memcpy(p, dmac, 6);
	memcpy(p + 6, smac, 6);
	p[12] = 0x86;
	p[13] = 0xdd;
	struct in6_addr s = bench_ip(src), d = bench_ip(dst);
	pmip_ipv6_hdr_write(p + 14, &s, &d, 17, plen, 64, 0, 0);
	uint8_t *u = p + 54;
	memset(u, 0, plen);
	u[0] = 0x27, u[1] = 0x10, u[3] = 9;
	u[4] = (uint8_t)(plen >> 8), u[5] = (uint8_t)plen;
}

static void gen_init(struct gen *g, enum kind k)
{
	memset(g, 0, sizeof(*g));
	g->kind = k;
	switch (k) {
	case K_IO:
	case K_IO_LOOKUP:
	case K_IO_COUNT:
	case K_LMA_DOWN: /* CN -> MN */
		udp_frame(g->tmpl, dp.ports[1].mac, mac_cn, "2001:db8:e::100", "2001:db8:1000::100",
			  FRAME);
		g->len = FRAME;
		g->key_off = 14 + 24;
		break;
	case K_MAG_UP: /* MN -> CN */
		udp_frame(g->tmpl, dp.ports[0].mac, mac_mn_base, "2001:db8:1000::100",
			  "2001:db8:e::100", FRAME);
		g->len = FRAME;
		g->key_off = 14 + 8;
		break;
	case K_LMA_DECAP: { /* MAG tunnel: MN -> CN inside */
		uint8_t inner[FRAME];
		udp_frame(inner, mac_cn, mac_cn, "2001:db8:1000::100", "2001:db8:e::100", FRAME);
		memcpy(g->tmpl, dp.ports[0].mac, 6);
		memcpy(g->tmpl + 6, mac_peer, 6);
		g->tmpl[12] = 0x86;
		g->tmpl[13] = 0xdd;
		struct in6_addr s = bench_ip("2001:db8:c::1"), d = bench_ip("2001:db8:c::2");
		pmip_ipv6_hdr_write(g->tmpl + 14, &s, &d, 41, FRAME - 14, 64, 0, 0);
		memcpy(g->tmpl + 54, inner + 14, FRAME - 14);
		g->len = FRAME + 40;
		g->key_off = 54 + 8;
		break;
	}
	}
}

static unsigned gen_burst(struct gen *g, struct rte_mbuf **pkts)
{
	if (rte_pktmbuf_alloc_bulk(dp.pool, pkts, BURST) != 0)
		return 0;
	for (unsigned i = 0; i < BURST; i++) {
		uint8_t *p = (uint8_t *)rte_pktmbuf_append(pkts[i], g->len);
		rte_memcpy(p, g->tmpl, g->len);
		uint32_t b = keyseq[g->next++ & (KEYSEQ - 1)];
		uint8_t a[16];
		hnp_of(b, a);
		memcpy(p + g->key_off, a, 8);
		if (g->kind == K_MAG_UP)
			mac_of(b, p + 6);
	}
	return BURST;
}

/* --------------------------------------------------------------- state -- */

static void setup_dp(bool mag)
{
	struct bench_dp_conf c = {
		.role = mag ? PMIP_ROLE_MAG : PMIP_ROLE_LMA,
		.addr = { mag ? "2001:db8:a1::1" : "2001:db8:c::2",
			  mag ? "2001:db8:c::1" : "2001:db8:e::1" },
		.kind = { mag ? PMIP_PORT_ACCESS : PMIP_PORT_CORE,
			  mag ? PMIP_PORT_CORE : PMIP_PORT_NETWORK },
		.mtu = 1500, .n_workers = 2, .burst = BURST, .shm_ring_size = 4096, .shm_tag = "fwd",
	};
	bench_dp_setup(&cfg, &c);

	struct rte_malloc_socket_stats before, after;
	rte_malloc_get_socket_stats((int)rte_socket_id(), &before);
	struct dp_tables_conf tc = {
		.mag = mag, .n_ports = 2, .max_bindings = nb, .max_tunnels = 16,
		.max_neighbours = 64, .socket = (int)rte_socket_id(), .name = "bench",
	};
	dp_conf_port_macs(&tc);
	if (dp_tables_create(&dp.tables, &tc) != 0)
		rte_exit(1, "tables for %u bindings (raise -m)\n", nb);
	dp.workers = rte_zmalloc("workers", sizeof(struct dp_worker) * 2, 64);
	for (unsigned w = 0; w < 2; w++) {
		dp.workers[w].index = (uint16_t)w;
		dp.workers[w].bctr = rte_zmalloc("bctr", sizeof(struct dp_binding_ctr) * nb, 64);
		if (dp.workers[w].bctr == NULL)
			rte_exit(1, "binding counters\n");
	}
	rte_malloc_get_socket_stats((int)rte_socket_id(), &after);
	/* Tables plus one worker's counters: what a 1-worker dp spends. */
	double per = (double)(after.heap_allocsz_bytes - before.heap_allocsz_bytes -
			      sizeof(struct dp_binding_ctr) * nb) / nb;
	printf("result bytes_per_binding %.0f\n", per);

	/* Peers, tunnels, a route to the CN side, then the bindings. */
	struct pmip_ctl_msg m = { .type = PMIP_CTL_NEIGH_SET };
	m.u.neigh.id = 0;
	m.u.neigh.port = mag ? 1 : 0;
	m.u.neigh.ip = bench_ip(mag ? "2001:db8:c::2" : "2001:db8:c::1");
	memcpy(m.u.neigh.mac, mac_peer, 6);
	m.u.neigh.valid = 1;
	apply(&m);
	m.u.neigh.id = 1;
	m.u.neigh.ip = bench_ip("2001:db8:c::3");
	apply(&m);
	if (!mag) {
		m.u.neigh.id = 2;
		m.u.neigh.port = 1;
		m.u.neigh.ip = bench_ip("2001:db8:e::100");
		memcpy(m.u.neigh.mac, mac_cn, 6);
		apply(&m);
		struct pmip_ctl_msg r = { .type = PMIP_CTL_ROUTE_ADD };
		r.u.route.prefix = bench_ip("2001:db8:e::");
		r.u.route.len = 64;
		r.u.route.kind = PMIP_ROUTE_CONNECTED;
		r.u.route.port = 1;
		apply(&r);
	}
	for (uint32_t t = 0; t < 2; t++) {
		struct pmip_ctl_msg tm = { .type = PMIP_CTL_TUNNEL_SET };
		tm.u.tunnel.id = t;
		tm.u.tunnel.port = mag ? 1 : 0;
		tm.u.tunnel.mtu = 1500;
		tm.u.tunnel.local = bench_ip(mag ? "2001:db8:c::1" : "2001:db8:c::2");
		tm.u.tunnel.remote = bench_ip(t == 0 ? (mag ? "2001:db8:c::2" : "2001:db8:c::1")
					       : "2001:db8:c::3");
		tm.u.tunnel.neigh_id = t;
		tm.u.tunnel.hop_limit = 64;
		apply(&tm);
	}
	uint64_t t0 = rte_rdtsc();
	for (uint32_t i = 0; i < nb; i++) {
		struct pmip_ctl_msg b = { .type = PMIP_CTL_BINDING_SET };
		b.u.binding.id = i;
		b.u.binding.tunnel_id = 0;
		uint8_t a[16];
		hnp_of(i, a);
		memcpy(&b.u.binding.hnp, a, 16);
		b.u.binding.hnp_len = 64;
		if (mag) {
			b.u.binding.access_port = 0;
			mac_of(i, b.u.binding.mn_mac);
		}
		apply(&b);
	}
	dp_tables_synchronize(&dp.tables);
	printf("result install_per_s %.0f\n",
	       nb / ((double)(rte_rdtsc() - t0) / (double)rte_get_tsc_hz()));
}

/* -------------------------------------------------------------- measure -- */

/* K_IO_LOOKUP's results go here, so that the lookups are not optimised away. */
static volatile uint64_t lookup_sink;

/* Run one packet source through the fast path (or straight to net_null for
 * K_IO) on worker w for `secs`; returns packets per second. */
static double run(struct dp_worker *w, enum kind k, double secs, double *cycles_per_pkt,
		  volatile int *stop)
{
	struct gen g;
	gen_init(&g, k);
	struct rte_mbuf *pkts[BURST];
	uint16_t in_port = (k == K_LMA_DECAP) ? 0 : (k == K_MAG_UP ? 0 : 1);
	uint64_t n = 0, d0 = bench_drops(w);
	uint64_t hz = rte_get_tsc_hz(), t0 = rte_rdtsc(), end = t0 + (uint64_t)(secs * hz);
	uint64_t now = t0;
	while ((stop == NULL && now < end) || (stop != NULL && !*stop)) {
		for (int it = 0; it < 64; it++) {
			unsigned c = gen_burst(&g, pkts);
			if (k == K_IO_LOOKUP) {
				const uint8_t *dst[BURST];
				uint64_t hits, val[BURST];
				for (unsigned i = 0; i < c; i++)
					dst[i] = rte_pktmbuf_mtod_offset(pkts[i], const uint8_t *, 14 + 24);
				dp_binding_lookup(dst, c, &hits, val);
				lookup_sink += hits + val[0];
			} else if (k == K_IO_COUNT) {
				uint32_t id[BURST];
				for (unsigned i = 0; i < c; i++) {
					id[i] = keyseq[(g.next - c + i) & (KEYSEQ - 1)];
					rte_prefetch0(&w->bctr[id[i]]);
				}
				for (unsigned i = 0; i < c; i++) {
					w->bctr[id[i]].down_pkts++;
					w->bctr[id[i]].down_bytes += rte_pktmbuf_pkt_len(pkts[i]);
				}
			}
			if (k == K_IO || k == K_IO_LOOKUP || k == K_IO_COUNT) {
				unsigned sent = rte_eth_tx_burst(1, w->index, pkts, (uint16_t)c);
				for (unsigned i = sent; i < c; i++)
					rte_pktmbuf_free(pkts[i]);
			} else {
				dp_rx_burst(w, &dp.ports[in_port], pkts, c);
				dp_worker_flush(w);
			}
			rcu_quiescent_state();
			n += c;
		}
		now = rte_rdtsc();
	}
	double dt = (double)(now - t0) / (double)hz;
	if (cycles_per_pkt != NULL)
		*cycles_per_pkt = (double)(now - t0) / (double)n;
	uint64_t dropped = bench_drops(w) - d0;
	if (k != K_IO && k != K_IO_LOOKUP && k != K_IO_COUNT && dropped * 100 > n)
		fprintf(stderr, "bench_forward: %lu of %lu packets dropped in mode %d\n", dropped, n,
			k);
	return (double)n / dt;
}

static void report(const char *name, struct dp_worker *w, enum kind k)
{
	/* BENCH_FWD_ONLY=NAME runs only that case (to profile one path). */
	const char *only = getenv("BENCH_FWD_ONLY");
	if (only != NULL && only[0] != '\0' && strcmp(only, name) != 0)
		return;
	double cpp;
	double pps = run(w, k, seconds, &cpp, NULL);
	printf("result %s_mpps %.3f\nresult %s_cycles %.1f\n", name, pps / 1e6, name, cpp);
}

/* Lookup cost: ours (dp_binding_lookup over the live LF table) against a
 * plain rte_hash with the same keys, bulk lookups of 32, same key order. */
static void bench_lookup(void)
{
	struct rte_hash_parameters p = {
		.name = "bench_ref", .entries = nb < 8 ? 8 : nb, .key_len = 8,
		.hash_func = rte_hash_crc, .socket_id = (int)rte_socket_id(),
	};
	struct rte_hash *ref = rte_hash_create(&p);
	if (ref == NULL)
		rte_exit(1, "reference hash\n");
	for (uint32_t i = 0; i < nb; i++) {
		uint8_t a[16];
		hnp_of(i, a);
		if (rte_hash_add_key(ref, a) < 0)
			rte_exit(1, "reference hash full at %u\n", i);
	}
	enum { LOOKUPS = 1 << 23 };
	uint64_t (*keys)[2] = malloc(sizeof(*keys) * KEYSEQ);
	for (uint32_t i = 0; i < KEYSEQ; i++) {
		uint8_t a[16];
		hnp_of(keyseq[i], a);
		memcpy(keys[i], a, 16);
	}
	double best_ours = 1e9, best_ref = 1e9;
	uint64_t sink = 0;
	for (int round = 0; round < 3; round++) {
		uint64_t t0 = rte_rdtsc();
		for (uint32_t i = 0; i < LOOKUPS; i += BURST) {
			const uint8_t *addrs[BURST];
			uint64_t hits, val[BURST];
			for (unsigned j = 0; j < BURST; j++)
				addrs[j] = (const uint8_t *)keys[(i + j) & (KEYSEQ - 1)];
			dp_binding_lookup(addrs, BURST, &hits, val);
			sink += hits + val[0];
		}
		uint64_t t1 = rte_rdtsc();
		for (uint32_t i = 0; i < LOOKUPS; i += BURST) {
			const void *kp[BURST];
			int32_t pos[BURST];
			for (unsigned j = 0; j < BURST; j++)
				kp[j] = keys[(i + j) & (KEYSEQ - 1)];
			rte_hash_lookup_bulk(ref, kp, BURST, pos);
			sink += (uint64_t)pos[0];
		}
		uint64_t t2 = rte_rdtsc();
		best_ours = RTE_MIN(best_ours, (double)(t1 - t0) / LOOKUPS);
		best_ref = RTE_MIN(best_ref, (double)(t2 - t1) / LOOKUPS);
	}
	printf("result lookup_cycles %.1f\nresult rte_hash_cycles %.1f\nresult lookup_sink %lu\n",
	       best_ours, best_ref, sink & 1);
	free(keys);
	rte_hash_free(ref);
}

/* Binding updates applied by the main lcore, in bursts with one grace
 * period each (as dp's control loop does), while lcore 1 forwards. */
static volatile int fwd_stop;
static double fwd_pps;

static int forward_lcore(void *arg)
{
	(void)arg;
	rcu_register_thread();
	fwd_pps = run(&dp.workers[1], K_LMA_DOWN, 0, NULL, &fwd_stop);
	rcu_unregister_thread();
	return 0;
}

static void bench_updates(void)
{
	unsigned lcore = rte_get_next_lcore(-1, 1, 0);
	if (lcore >= RTE_MAX_LCORE) {
		printf("result updates_per_s 0\n");
		return;
	}
	/* Forwarding alone first, then with updates. */
	double base, with;
	fwd_stop = 0;
	rte_eal_remote_launch(forward_lcore, NULL, lcore);
	rte_delay_ms((unsigned)(seconds * 1000));
	fwd_stop = 1;
	rte_eal_wait_lcore(lcore);
	base = fwd_pps;

	fwd_stop = 0;
	rte_eal_remote_launch(forward_lcore, NULL, lcore);
	uint64_t hz = rte_get_tsc_hz(), t0 = rte_rdtsc(), end = t0 + (uint64_t)(seconds * hz);
	uint64_t updates = 0, now = t0;
	uint32_t i = 0;
	while (now < end) {
		for (unsigned j = 0; j < 256; j++, i++) {
			struct pmip_ctl_msg b = { .type = PMIP_CTL_BINDING_SET };
			uint32_t id = keyseq[i & (KEYSEQ - 1)];
			b.u.binding.id = id;
			b.u.binding.tunnel_id = (i / KEYSEQ + 1) & 1 ? 1 : 0;
			uint8_t a[16];
			hnp_of(id, a);
			memcpy(&b.u.binding.hnp, a, 16);
			b.u.binding.hnp_len = 64;
			b.u.binding.tunnel_id = dp.tables.bindings[id].tunnel_id ^ 1;
			apply(&b);
		}
		dp_tables_synchronize(&dp.tables);
		updates += 256;
		now = rte_rdtsc();
	}
	double dt = (double)(now - t0) / (double)hz;
	fwd_stop = 1;
	rte_eal_wait_lcore(lcore);
	with = fwd_pps;
	printf("result updates_per_s %.0f\nresult fwd_mpps_alone %.3f\nresult fwd_mpps_during_updates %.3f\n",
	       updates / dt, base / 1e6, with / 1e6);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: bench_forward lma|mag N SECONDS\n");
		return 2;
	}
	bool mag = strcmp(argv[1], "mag") == 0;
	nb = (uint32_t)strtoul(argv[2], NULL, 10);
	seconds = atof(argv[3]);
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "pmip-bench-%d", (int)getpid());
	/* BENCH_HUGE_DIR: a hugetlbfs mount (scripts/bench.sh makes one), as
	 * a deployed dp runs; without it, 4 KB pages (a TLB miss per lookup
	 * at 1M bindings on top of the cache miss). */
	const char *huge = getenv("BENCH_HUGE_DIR");
	char *eal[] = { "bench_forward", "-l", "0,1", "-m", "2048", "--no-pci", "--no-shconf",
			"--file-prefix", prefix, "--log-level=3", "--vdev=net_null0,no-rx=1",
			"--vdev=net_null1,no-rx=1", "--no-huge", NULL, NULL };
	int neal = (int)RTE_DIM(eal) - 2;
	if (huge != NULL && huge[0] != '\0') {
		eal[neal - 1] = "--huge-unlink";
		eal[neal++] = "--huge-dir";
		eal[neal++] = (char *)huge;
	}
	if (rte_eal_init(neal, eal) < 0)
		rte_exit(1, "EAL\n");
	char runtime[PATH_MAX];
	snprintf(runtime, sizeof(runtime), "%s", rte_eal_get_runtime_dir());
	keyseq = malloc(sizeof(*keyseq) * KEYSEQ);
	uint64_t x = 88172645463325252ull;
	for (uint32_t i = 0; i < KEYSEQ; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		keyseq[i] = (uint32_t)(x % nb);
	}
	setup_dp(mag);
	rcu_register_thread();
	struct dp_worker *w = &dp.workers[0];
	report("io", w, K_IO);
	if (mag) {
		report("mag_uplink", w, K_MAG_UP);
	} else {
		report("io_lookup", w, K_IO_LOOKUP);
		report("io_count", w, K_IO_COUNT);
		report("lma_downlink", w, K_LMA_DOWN);
		report("lma_decap", w, K_LMA_DECAP);
		if (getenv("BENCH_FWD_ONLY") == NULL)
			bench_lookup();
	}
	rcu_unregister_thread();
	if (!mag && getenv("BENCH_FWD_ONLY") == NULL)
		bench_updates();
	dp_tables_destroy(&dp.tables);
	pmip_shm_destroy(&dp.shm);
	rte_eal_cleanup();
	dp_remove_runtime_dir(runtime);
	return 0;
}
