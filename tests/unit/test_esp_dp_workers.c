/* ESP in the data plane (RFC 4303), more than one worker: the handoff of
 * inbound packets to the SA's owner worker (esp_handoff), and the real
 * worker loop on a second lcore (esp_worker). Setup and helpers:
 * esp_dp_util.h. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_hash.h>
#include <rte_launch.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "esp_dp_util.h"

/* ------------------------------------------------------------ handoff ---- */

TestSuite(esp_handoff, .init = gw_setup, .fini = h_fini);

/* In SA 3 is owned by worker 1 (3 % 2), in SA 4 by worker 0. */
static void handoff_setup(void)
{
	dp.n_workers = 2;
	struct pmip_ctl_sa o, i;
	pair_ex(CBC128, PMIP_SA_TRANSPORT, SPI_M2L, 1, 3, MAG, LMA, 0, &o, &i);
	pair_ex(GCM128, PMIP_SA_TRANSPORT, 0x1001, 2, 4, MAG, LMA, 0, &o, &i);
	cr_assert_eq(sa_rw(3)->owner, 1);
	cr_assert_eq(sa_rw(4)->owner, 0);
}

Test(esp_handoff, packet_for_the_other_workers_sa_is_handed_over)
{
	handoff_setup();
	struct dp_worker *w0 = &dp.workers[0], *w1 = &dp.workers[1];
	uint8_t f[128], w[256];
	size_t n = echo_req(f, MAG, LMA, 1, 8);
	size_t wn = protect_bytes(1, P_MAG, f, n, w);
	h_rx(P_LMA, (struct rte_mbuf *[]){ h_frame(w, wn) }, 1);
	cr_assert_eq(w0->stats.esp_handoffs, 1);
	cr_assert_eq(rte_ring_count(dp.handoff[1]), 1);
	cr_assert_eq(rte_ring_count(dp.handoff[0]), 0);
	cr_assert_eq(punt_count(), 0);
	cr_assert_eq(h_drops_total(), 0);
	cr_assert_eq(sa_rw(3)->replay.top, 0, "the window is the owner's to move");
	cr_assert_eq(ctr(0, 3).packets, 0);
	struct rte_mbuf *m;
	cr_assert_eq(rte_ring_sc_dequeue(dp.handoff[1], (void **)&m), 0);
	cr_assert_eq(m->port, P_LMA);
	cr_assert_eq(rte_pktmbuf_pkt_len(m), wn);
	cr_assert_arr_eq(h_bytes(m), w, wn, "handed over untouched");
	dp_local_input(w1, &dp.ports[m->port], m);
	assert_punt(punt_one(), P_LMA, PMIP_PUNT_ECHO_REQUEST, 3, f, n);
	cr_assert_eq(ctr(1, 3).packets, 1);
	cr_assert_eq(ctr(1, 3).bytes, 16);
	cr_assert_eq(ctr(0, 3).packets, 0);
	cr_assert_eq(sa_rw(3)->replay.top, 1);
	cr_assert_eq(w1->stats.esp_handoffs, 0);
	cr_assert_eq(w1->stats.port[P_LMA].punted, 1);
	cr_assert_eq(w1->cur_sa, 0);
	/* Worker 0's own SA stays on worker 0. */
	wn = protect_bytes(2, P_MAG, f, n, w);
	h_rx1(P_LMA, h_frame(w, wn));
	assert_punt(punt_one(), P_LMA, PMIP_PUNT_ECHO_REQUEST, 4, f, n);
	cr_assert_eq(w0->stats.esp_handoffs, 1);
	cr_assert_eq(ctr(0, 4).packets, 1);
	/* With one worker there is nobody to hand over to. */
	dp.n_workers = 1;
	wn = protect_bytes(1, P_MAG, f, n, w);
	h_rx1(P_LMA, h_frame(w, wn));
	assert_punt(punt_one(), P_LMA, PMIP_PUNT_ECHO_REQUEST, 3, f, n);
	cr_assert_eq(w0->stats.esp_handoffs, 1);
}

Test(esp_handoff, udp_encapsulated_packets_are_handed_over_too)
{
	dp.n_workers = 2;
	struct pmip_ctl_sa o, i;
	pair_ex(GCM256, PMIP_SA_TUNNEL_UDP, SPI_TUN, 2, 5, MAG, LMA, 0, &o, &i);
	uint8_t f[128], w[256];
	size_t n = echo_req(f, MAG, LMA, 1, 8);
	size_t wn = protect_bytes(2, P_MAG, f, n, w);
	h_rx1(P_LMA, h_frame(w, wn));
	cr_assert_eq(dp.workers[0].stats.esp_handoffs, 1);
	struct rte_mbuf *m;
	cr_assert_eq(rte_ring_sc_dequeue(dp.handoff[1], (void **)&m), 0);
	dp_local_input(&dp.workers[1], &dp.ports[m->port], m);
	assert_punt(punt_one(), P_LMA, PMIP_PUNT_ECHO_REQUEST, 5, f, n);
	cr_assert_eq(ctr(1, 5).packets, 1);
}

Test(esp_handoff, replays_are_caught_by_the_owner)
{
	handoff_setup();
	uint8_t f[128], w[256];
	size_t n = echo_req(f, MAG, LMA, 1, 8);
	size_t wn = protect_bytes(1, P_MAG, f, n, w);
	struct rte_mbuf *in[2] = { h_frame(w, wn), h_frame(w, wn) };
	h_rx(P_LMA, in, 2);
	cr_assert_eq(dp.workers[0].stats.esp_handoffs, 2);
	cr_assert_eq(rte_ring_count(dp.handoff[1]), 2);
	struct rte_mbuf *m[2];
	cr_assert_eq(rte_ring_sc_dequeue_bulk(dp.handoff[1], (void **)m, 2, NULL), 2);
	dp_local_input(&dp.workers[1], &dp.ports[P_LMA], m[0]);
	dp_local_input(&dp.workers[1], &dp.ports[P_LMA], m[1]);
	assert_punt(punt_one(), P_LMA, PMIP_PUNT_ECHO_REQUEST, 3, f, n);
	cr_assert_eq(dp.workers[1].stats.drop[DP_DROP_ESP_REPLAY], 1);
	cr_assert_eq(h_drops_total(), 0, "nothing dropped on worker 0");
}

Test(esp_handoff, full_ring_is_esp_handoff_full)
{
	handoff_setup();
	uint8_t f[128], w[256];
	size_t n = echo_req(f, MAG, LMA, 1, 8);
	size_t wn = protect_bytes(1, P_MAG, f, n, w);
	unsigned cap = rte_ring_get_capacity(dp.handoff[1]);
	cr_assert_eq(cap, H_HANDOFF_RING - 1);
	for (unsigned k = 0; k < cap; k++)
		h_rx1(P_LMA, h_frame(w, wn));
	cr_assert_eq(dp.workers[0].stats.esp_handoffs, cap);
	cr_assert_eq(h_drops(DP_DROP_ESP_HANDOFF_FULL), 0);
	h_rx1(P_LMA, h_frame(w, wn));
	cr_assert_eq(h_drops(DP_DROP_ESP_HANDOFF_FULL), 1);
	cr_assert_eq(dp.workers[0].stats.esp_handoffs, cap);
	cr_assert_eq(rte_ring_count(dp.handoff[1]), cap);
	cr_assert_eq(h_drops_total(), 1);
}

/* ------------------------------------------------- the worker loop ---- */

/* Frames worker 1 sends on port 0 (its tx queue 1), as they leave. */
static uint8_t sent[4][256];
static uint32_t sent_len[4];
static unsigned n_sent;

static uint16_t capture_tx(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n,
			   void *arg)
{
	(void)port;
	(void)queue;
	(void)arg;
	for (uint16_t k = 0; k < n; k++) {
		unsigned i = __atomic_load_n(&n_sent, __ATOMIC_RELAXED);
		if (i < 4 && rte_pktmbuf_pkt_len(pkts[k]) <= sizeof(sent[0])) {
			memcpy(sent[i], h_bytes(pkts[k]), rte_pktmbuf_pkt_len(pkts[k]));
			sent_len[i] = rte_pktmbuf_pkt_len(pkts[k]);
		}
		__atomic_store_n(&n_sent, i + 1, __ATOMIC_RELEASE);
	}
	return n;
}

static void two_lcores_setup(void)
{
	static const struct h_port_spec ports[] = {
		{ PMIP_PORT_CORE, MAG, 1500 },
		{ PMIP_PORT_CORE, LMA, 1500 },
	};
	h_init(PMIP_ROLE_MAG, ports, 2, "0,1", 64);
}

static bool wait_for(const uint64_t *v, uint64_t want)
{
	uint64_t end = rte_get_tsc_cycles() + 5 * rte_get_tsc_hz();
	while (__atomic_load_n(v, __ATOMIC_ACQUIRE) < want && rte_get_tsc_cycles() < end)
		rte_delay_us_sleep(100);
	return __atomic_load_n(v, __ATOMIC_ACQUIRE) >= want;
}

Test(esp_worker, tx_ring_sa_id_and_handoff_drain_in_the_real_loop, .init = two_lcores_setup,
     .fini = h_fini, .timeout = 30)
{
	dp.n_workers = 2;
	struct pmip_ctl_sa o, i;
	pair_ex(GCM128, PMIP_SA_TRANSPORT, SPI_M2L, 1, 3, MAG, LMA, 0, &o, &i);
	cr_assert_not_null(rte_eth_add_tx_callback(0, 1, capture_tx, NULL));
	unsigned lcore = rte_get_next_lcore(-1, 1, 0);
	cr_assert_eq(rte_eal_remote_launch(dp_worker_loop, &dp.workers[1], lcore), 0);
	struct dp_worker *w1 = &dp.workers[1];

	/* cp: an echo under SA 1, one naming an inbound SA, one plain. */
	uint8_t f[128];
	size_t n = echo_req(f, MAG, LMA, 1, 8);
	static const uint32_t ids[3] = { 1, 3, 0 };
	for (unsigned k = 0; k < 3; k++) {
		memset(&txmsg, 0, PMIP_PKT_HDR_SIZE);
		txmsg.port = P_MAG;
		txmsg.len = (uint16_t)n;
		txmsg.sa_id = ids[k];
		memcpy(txmsg.data, f, n);
		cr_assert_eq(rte_ring_mp_enqueue_elem(dp.shm.ring[PMIP_RING_TX], &txmsg,
						      sizeof(txmsg)),
			     0);
	}
	cr_assert(wait_for(&w1->stats.port[P_MAG].tx_pkts, 2), "two frames sent");
	cr_assert_eq(w1->stats.port[P_MAG].from_cp, 2);
	cr_assert_eq(w1->stats.drop[DP_DROP_ESP_OUT_NO_SA], 1);
	cr_assert_eq(__atomic_load_n(&n_sent, __ATOMIC_ACQUIRE), 2);
	cr_assert_eq(sent_len[0], 14 + 40 + 8 + 8 + 20 + 16);
	cr_assert_eq(sent[0][20], PMIP_IPPROTO_ESP);
	cr_assert_eq(be(sent[0] + 54, 4), SPI_M2L);
	cr_assert_eq(be(sent[0] + 58, 4), 1);
	cr_assert_eq(sent_len[1], n);
	cr_assert_arr_eq(sent[1], f, n, "sa_id 0: sent as it is");
	cr_assert_eq(ctr(1, 1).packets, 1);

	/* The LMA receives it on worker 0; SA 3 is worker 1's. */
	h_rx1(P_LMA, h_frame(sent[0], sent_len[0]));
	cr_assert_eq(dp.workers[0].stats.esp_handoffs, 1);
	cr_assert(wait_for(&w1->stats.port[P_LMA].punted, 1), "worker 1 drained its ring");
	assert_punt(punt_one(), P_LMA, PMIP_PUNT_ECHO_REQUEST, 3, f, n);
	__atomic_store_n(&dp.quit, 1, __ATOMIC_RELAXED);
	cr_assert_eq(rte_eal_wait_lcore(lcore), 0);
	cr_assert_eq(ctr(1, 3).packets, 1);
	cr_assert_eq(ctr(0, 3).packets, 0);
	cr_assert_eq(h_drops_total(), 0);
}
