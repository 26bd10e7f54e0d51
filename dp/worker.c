/* Worker lcore loop: rx burst -> classify -> tx, plus packets cp asked us to
 * send. Registered liburcu QSBR reader: one quiescent state per iteration;
 * offline while sleeping so writers never wait for an idle worker.
 *
 * Idle sleep ([dp] idle_sleep_us > 0): after IDLE_SPINS empty iterations the
 * worker sleeps, doubling from 1 us up to idle_sleep_us while it stays idle,
 * so that two gateways and their peers share a 2-core lab machine. A packet
 * waits at most idle_sleep_us (plus timer slack) in the rx ring.
 */
#include <sys/prctl.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>
#include <urcu-qsbr.h>

#include "dp.h"

#define IDLE_SPINS 64

void dp_worker_drop(struct dp_worker *w, uint16_t port, struct rte_mbuf *m,
		    enum dp_drop_reason reason)
{
	DP_STAT_ADD(w->stats.drop[reason], 1);
	DP_STAT_ADD(w->stats.port[port].drops, 1);
	rte_pktmbuf_free(m);
}

void dp_worker_flush_port(struct dp_worker *w, uint16_t port)
{
	struct dp_txbuf *b = &w->txbuf[port];
	if (b->n == 0)
		return;
	/* Bytes are summed before the burst: once rte_eth_tx_burst() took a
	 * packet it belongs to the driver (net_null frees it at once). The
	 * ones it did not take are still ours and are taken off again. */
	uint64_t bytes = 0;
	for (uint16_t i = 0; i < b->n; i++)
		bytes += rte_pktmbuf_pkt_len(b->pkts[i]);
	uint16_t sent = rte_eth_tx_burst(dp.ports[port].port_id, w->index, b->pkts, b->n);
	struct dp_port_stats *ps = &w->stats.port[port];
	for (uint16_t i = sent; i < b->n; i++) {
		bytes -= rte_pktmbuf_pkt_len(b->pkts[i]);
		dp_worker_drop(w, port, b->pkts[i], DP_DROP_TX_QUEUE_FULL);
	}
	DP_STAT_ADD(ps->tx_pkts, sent);
	DP_STAT_ADD(ps->tx_bytes, bytes);
	b->n = 0;
}

void dp_worker_flush(struct dp_worker *w)
{
	for (uint16_t p = 0; p < dp.n_ports; p++)
		dp_worker_flush_port(w, p);
}

/* Packets cp built (echo replies, later RAs and IKE): copy into mbufs. */
static unsigned tx_ring_drain(struct dp_worker *w)
{
	unsigned n = rte_ring_mc_dequeue_burst_elem(dp.shm.ring[PMIP_RING_TX], w->tx_msgs,
						    sizeof(w->tx_msgs[0]), DP_TX_RING_BURST, NULL);
	for (unsigned i = 0; i < n; i++) {
		const struct pmip_pkt_msg *msg = &w->tx_msgs[i];
		if (msg->port >= dp.n_ports || msg->len < 14 || msg->len > PMIP_PKT_DATA_MAX ||
		    msg->len > 14u + dp.ports[msg->port].mtu) {
			uint16_t p = msg->port < dp.n_ports ? msg->port : 0;
			DP_STAT_ADD(w->stats.drop[DP_DROP_TX_BAD_MESSAGE], 1);
			DP_STAT_ADD(w->stats.port[p].drops, 1);
			continue;
		}
		if (msg->sa_id != 0) {
			/* cp named the SA to protect it with. */
			struct rte_mbuf *e = dp_esp_output(w, msg);
			if (e != NULL) {
				DP_STAT_ADD(w->stats.port[msg->port].from_cp, 1);
				dp_worker_tx(w, msg->port, e);
			}
			continue;
		}
		struct rte_mbuf *m = rte_pktmbuf_alloc(dp.pool);
		if (m == NULL) {
			DP_STAT_ADD(w->stats.drop[DP_DROP_TX_NO_MBUF], 1);
			DP_STAT_ADD(w->stats.port[msg->port].drops, 1);
			continue;
		}
		char *dst = rte_pktmbuf_append(m, msg->len);
		if (dst == NULL) {
			dp_worker_drop(w, msg->port, m, DP_DROP_TX_BAD_MESSAGE);
			continue;
		}
		rte_memcpy(dst, msg->data, msg->len);
		DP_STAT_ADD(w->stats.port[msg->port].from_cp, 1);
		dp_worker_tx(w, msg->port, m);
	}
	return n;
}

/* ESP other workers handed to us (we own its SA's replay window): it is
 * classified again from the start, as if received here. */
static unsigned handoff_drain(struct dp_worker *w)
{
	struct rte_ring *r = dp.handoff[w->index];
	if (r == NULL)
		return 0;
	struct rte_mbuf *pkts[DP_TX_RING_BURST];
	unsigned n = rte_ring_sc_dequeue_burst(r, (void **)pkts, RTE_DIM(pkts), NULL);
	for (unsigned i = 0; i < n; i++)
		dp_local_input(w, &dp.ports[pkts[i]->port], pkts[i]);
	return n;
}

static void idle_sleep(unsigned us)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)us * 1000 };
	rcu_thread_offline();
	nanosleep(&ts, NULL);
	rcu_thread_online();
}

int dp_worker_loop(void *arg)
{
	struct dp_worker *w = arg;
	const unsigned burst = dp.burst;
	const unsigned max_sleep = dp.idle_sleep_us;
	unsigned idle = 0, sleep_us = 1;
	struct rte_mbuf *pkts[DP_MAX_BURST];

	/* Short sleeps must not be stretched by the default 50 us slack. */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	rcu_register_thread();
	while (!__atomic_load_n(&dp.quit, __ATOMIC_RELAXED)) {
		unsigned work = 0;
		for (uint16_t i = 0; i < w->n_rxq; i++) {
			const struct dp_rxq *q = &w->rxq[i];
			const struct dp_port *port = &dp.ports[q->port];
			uint16_t n = rte_eth_rx_burst(port->port_id, q->queue, pkts, (uint16_t)burst);
			if (n == 0)
				continue;
			work += n;
			uint64_t bytes = 0;
			for (uint16_t j = 0; j < n; j++)
				bytes += rte_pktmbuf_pkt_len(pkts[j]);
			DP_STAT_ADD(w->stats.port[q->port].rx_pkts, n);
			DP_STAT_ADD(w->stats.port[q->port].rx_bytes, bytes);
			dp_rx_burst(w, port, pkts, n);
		}
		work += tx_ring_drain(w);
		work += handoff_drain(w);
		dp_worker_flush(w);
		DP_STAT_ADD(w->stats.loops, 1);
		rcu_quiescent_state();

		if (work != 0 || max_sleep == 0) {
			idle = 0;
			sleep_us = 1;
			continue;
		}
		if (++idle < IDLE_SPINS)
			continue;
		DP_STAT_ADD(w->stats.sleeps, 1);
		idle_sleep(sleep_us);
		sleep_us = RTE_MIN(sleep_us * 2, max_sleep);
	}
	rcu_unregister_thread();
	return 0;
}
