/* Concurrency: bindings are moved between two MAGs, deleted and re-added at
 * a high rate by the main lcore while a worker lcore forwards downlink
 * traffic to them. Checked on every transmitted packet, at the moment it
 * is transmitted (a tx callback on the worker): once a move is
 * acknowledged (applied + grace period, as dp acks cp), no packet of that
 * binding goes to the old MAG, and none goes anywhere once a delete is
 * acknowledged. Under AddressSanitizer the same run checks for leaks and
 * use-after-free of retired table memory. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <urcu-qsbr.h>

#include "dp_harness.h"
#include "net/pkt.h"

#define N_BINDINGS 256
#define RUN_SECONDS 3
#define MAG_A "2001:db8:c::1"
#define MAG_B "2001:db8:c::3"
#define LMA "2001:db8:c::2"

enum { ST_A = 0, ST_B = 1, ST_CHANGING = 2, ST_REMOVED = 3 };

static uint32_t acked[N_BINDINGS]; /* what the last acknowledged update said */
static volatile int stop;
static uint64_t sent_to[2], violations, forwarded;
static struct in6_addr mag_a, mag_b;

/* Runs inside rte_eth_tx_burst() on the worker: the packet leaves now. */
static uint16_t check_tx(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n,
			 void *arg)
{
	(void)port;
	(void)queue;
	(void)arg;
	for (uint16_t i = 0; i < n; i++) {
		const uint8_t *p = rte_pktmbuf_mtod(pkts[i], const uint8_t *);
		if (rte_pktmbuf_pkt_len(pkts[i]) < 14 + 80 || p[14 + 6] != 41)
			continue;
		int to = memcmp(p + 14 + 24, &mag_a, 16) == 0 ? ST_A
			 : memcmp(p + 14 + 24, &mag_b, 16) == 0 ? ST_B : -1;
		/* Binding index from the inner destination 2001:db8:1000:IDX::1. */
		unsigned b = ((unsigned)p[54 + 24 + 6] << 8 | p[54 + 24 + 7]) % N_BINDINGS;
		uint32_t st = __atomic_load_n(&acked[b], __ATOMIC_ACQUIRE);
		if (to < 0 || (st != ST_CHANGING && (uint32_t)to != st))
			__atomic_fetch_add(&violations, 1, __ATOMIC_RELAXED);
		if (to >= 0)
			__atomic_fetch_add(&sent_to[to], 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&forwarded, 1, __ATOMIC_RELAXED);
	}
	return n;
}

static int worker_main(void *arg)
{
	(void)arg;
	struct dp_worker *w = &dp.workers[1];
	struct rte_mbuf *tmpl[N_BINDINGS];
	for (unsigned b = 0; b < N_BINDINGS; b++) {
		char dst[64];
		snprintf(dst, sizeof(dst), "2001:db8:1000:%x::1", b);
		tmpl[b] = h_udp(H_MAC_CN, dp.ports[1].mac, "2001:db8:e::100", dst, 32, 64);
	}
	rcu_register_thread();
	unsigned next = 0;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		struct rte_mbuf *pkts[32];
		for (unsigned i = 0; i < 32; i++) {
			pkts[i] = rte_pktmbuf_copy(tmpl[next++ % N_BINDINGS], dp.pool, 0, UINT32_MAX);
			if (pkts[i] == NULL)
				rte_panic("out of mbufs");
		}
		dp_rx_burst(w, &dp.ports[1], pkts, 32);
		dp_worker_flush(w);
		rcu_quiescent_state();
	}
	rcu_unregister_thread();
	for (unsigned b = 0; b < N_BINDINGS; b++)
		rte_pktmbuf_free(tmpl[b]);
	return 0;
}

static int set_binding(unsigned b, uint32_t tunnel)
{
	char hnp[64];
	snprintf(hnp, sizeof(hnp), "2001:db8:1000:%x::", b);
	return h_binding(b, tunnel, hnp, NULL, 0, NULL);
}

Test(concurrency, moves_and_deletes_while_forwarding, .timeout = 60)
{
	static const struct h_port_spec ports[] = {
		{ PMIP_PORT_CORE, LMA, 1500 },
		{ PMIP_PORT_NETWORK, "2001:db8:e::1", 1500 },
	};
	h_init(PMIP_ROLE_LMA, ports, 2, "0,1", 1024);
	mag_a = h_ip(MAG_A);
	mag_b = h_ip(MAG_B);
	cr_assert_eq(h_neigh(0, 0, MAG_A, H_MAC_PEER, true), PMIP_CTL_OK);
	cr_assert_eq(h_neigh(1, 0, MAG_B, H_MAC_PEER2, true), PMIP_CTL_OK);
	cr_assert_eq(h_tunnel(0, 0, LMA, MAG_A, 0, 1500), PMIP_CTL_OK);
	cr_assert_eq(h_tunnel(1, 0, LMA, MAG_B, 1, 1500), PMIP_CTL_OK);
	for (unsigned b = 0; b < N_BINDINGS; b++) {
		cr_assert_eq(set_binding(b, 0), PMIP_CTL_OK);
		acked[b] = ST_A;
	}
	/* The worker is dp.workers[1]: it sends on tx queue 1. */
	cr_assert_not_null(rte_eth_add_tx_callback(0, 1, check_tx, NULL));
	unsigned lcore = rte_get_next_lcore(-1, 1, 0);
	cr_assert_eq(rte_eal_remote_launch(worker_main, NULL, lcore), 0);

	uint64_t moves = 0, deletes = 0, t_end = rte_get_tsc_cycles() + RUN_SECONDS * rte_get_tsc_hz();
	uint64_t t0 = rte_get_tsc_cycles();
	unsigned seed = 12345;
	while (rte_get_tsc_cycles() < t_end) {
		seed = seed * 1103515245 + 12345;
		unsigned b = (seed >> 8) % N_BINDINGS;
		uint32_t st = acked[b];
		__atomic_store_n(&acked[b], ST_CHANGING, __ATOMIC_RELEASE);
		/* h_*() applies and waits for the grace period: the ack point. */
		if (st == ST_REMOVED) {
			cr_assert_eq(set_binding(b, 0), PMIP_CTL_OK);
			st = ST_A;
		} else if ((seed >> 20) % 10 == 0) {
			cr_assert_eq(h_binding_del(b), PMIP_CTL_OK);
			st = ST_REMOVED;
			deletes++;
		} else {
			st = st == ST_A ? ST_B : ST_A;
			cr_assert_eq(set_binding(b, st), PMIP_CTL_OK);
			moves++;
		}
		__atomic_store_n(&acked[b], st, __ATOMIC_RELEASE);
	}
	double secs = (double)(rte_get_tsc_cycles() - t0) / (double)rte_get_tsc_hz();
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	rte_eal_wait_lcore(lcore);
	cr_log_info("worker drops: neigh %lu no_route %lu tx_full %lu",
		    dp.workers[1].stats.drop[DP_DROP_NEIGH_UNRESOLVED],
		    dp.workers[1].stats.drop[DP_DROP_NO_ROUTE],
		    dp.workers[1].stats.drop[DP_DROP_TX_QUEUE_FULL]);
	cr_log_info("%lu moves, %lu deletes in %.1f s (%.0f updates/s acked one by one); %lu packets forwarded (%lu to A, %lu to B)",
		    moves, deletes, secs, (double)(moves + deletes) / secs, forwarded, sent_to[0],
		    sent_to[1]);
	cr_expect_eq(violations, 0, "%lu packets went where an acknowledged update said they must not",
		     violations);
	cr_expect_gt(moves, 1000, "updates applied while forwarding");
	cr_expect_gt(sent_to[0], 1000);
	cr_expect_gt(sent_to[1], 1000);
	h_fini();
}
