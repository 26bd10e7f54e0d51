/* pmip-dp: shared definitions of the data-plane process.
 *
 * Threads: the EAL main lcore runs dp_main_loop() (control ring, heartbeat;
 * the only writer of tables), each worker lcore runs dp_worker_loop() (rx ->
 * classify -> tx). Telemetry callbacks run on DPDK's telemetry thread and only
 * read counters.
 */
#ifndef PMIP_DP_DP_H
#define PMIP_DP_DP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_mbuf.h>

#include "config.h"
#include "counters.h"
#include "msg.h"
#include "shm.h"
#include "sa.h"
#include "tables.h"

#define DP_MAX_WORKERS 64
#define DP_MAX_BURST 256
/* packets from cp taken per loop iteration */
#define DP_TX_RING_BURST 8
/* our link-local + the configured global addresses */
#define DP_PORT_MAX_ADDRS (PMIP_CFG_MAX_ADDRS + 1)

struct dp_port {
	uint16_t index;          /* position in the ini: the port number cp uses */
	uint16_t port_id;        /* DPDK ethdev id */
	enum pmip_port_kind kind;
	uint8_t mac[6];
	uint16_t mtu;
	uint16_t n_rxq;          /* rx queues (RSS) polled by workers 0..n_rxq-1 */
	uint16_t n_txq;          /* one tx queue per worker */
	/* Addresses dp answers Neighbor Solicitations for, and their
	 * solicited-node groups. [0] is the link-local address. */
	struct in6_addr addrs[DP_PORT_MAX_ADDRS];
	struct in6_addr snm[DP_PORT_MAX_ADDRS];
	unsigned n_addrs;
	bool link_up;
	char name[PMIP_CFG_NAME_MAX];
};

struct dp_rxq {
	uint16_t port;           /* index into dp_ctx.ports */
	uint16_t queue;
};

struct dp_txbuf {
	uint16_t n;
	struct rte_mbuf *pkts[DP_MAX_BURST * 2];
};

/* ICMPv6 errors a worker may send in a burst (then [dp] icmp_rate per second). */
#define DP_ICMP_BURST 16
#define DP_MISS_SLOTS 64

struct dp_miss_slot {
	uint32_t hash;
	uint64_t tsc;
};

/* Neighbours of on-link destinations found in the neighbour hash, kept per
 * worker: a connected route would otherwise cost an rte_hash lookup per
 * packet. Direct-mapped; an entry counts only while dp.tables.neigh_gen is
 * still gen (tables.c neigh_key_del()), and is refilled on a miss. */
#define DP_NEIGH_CACHE 256
struct dp_neigh_cache_entry {
	uint64_t gen;
	uint32_t port;
	uint32_t id;
	uint8_t ip[16];
};

/* Per-worker state, set up before the loop starts and touched only by its
 * lcore (except stats, read by telemetry). */
struct dp_worker {
	unsigned lcore_id;
	uint16_t index;          /* 0..n_workers-1: also its tx queue on every port */
	uint16_t n_rxq;
	struct dp_rxq rxq[PMIP_CFG_MAX_PORTS];
	struct dp_txbuf txbuf[PMIP_CFG_MAX_PORTS];
	struct pmip_pkt_msg tx_msgs[DP_TX_RING_BURST]; /* taken off the tx ring */
	struct dp_binding_ctr *bctr;   /* [max_bindings] per-binding counters */
	uint64_t icmp_tokens;          /* ICMPv6 error token bucket */
	uint64_t icmp_tsc;
	struct dp_miss_slot miss[DP_MISS_SLOTS]; /* recent resolution requests */
	struct dp_neigh_cache_entry ncache[DP_NEIGH_CACHE];
	uint32_t cur_sa;               /* SA that protected the packet in hand */
	struct dp_lcore_stats stats;
} __rte_cache_aligned;

struct dp_ctx {
	const struct pmip_config *cfg;
	struct dp_port ports[PMIP_CFG_MAX_PORTS];
	unsigned n_ports;
	struct rte_mempool *pool;
	struct pmip_shm shm;
	uint64_t generation;     /* of the segment, for events */
	struct dp_tables tables;
	struct dp_sa_table sas;
	struct rte_ring *handoff[DP_MAX_WORKERS]; /* ESP for the SA's owner worker */
	uint64_t tsc_hz;
	unsigned icmp_rate;      /* ICMPv6 errors per second per worker */
	struct dp_worker *workers;
	unsigned n_workers;
	unsigned burst;
	unsigned idle_sleep_us;
	struct dp_lcore_stats main_stats; /* main lcore: ctl/evt side */
	uint64_t ctl_msgs;       /* ctl messages applied */
	uint64_t ctl_rejected;   /* ctl messages rejected (reason sent on evt) */
	uint64_t evt_ring_full;  /* events lost because evt was full */
	int32_t last_cp_pid;     /* cp seen attached, for logging changes */
	volatile int quit;
};

extern struct dp_ctx dp;

/* worker.c */
int dp_worker_loop(void *arg);
void dp_worker_drop(struct dp_worker *w, uint16_t port, struct rte_mbuf *m,
		    enum dp_drop_reason reason);
/* Send everything queued on one port / on every port (the loop does the
 * latter each iteration). */
void dp_worker_flush_port(struct dp_worker *w, uint16_t port);
void dp_worker_flush(struct dp_worker *w);

/* Queue one mbuf for sending on port from worker w (flushed by the loop).
 * Inline: every forwarded packet goes through here, and it is two stores
 * and a compare unless the buffer is full. */
static inline void dp_worker_tx(struct dp_worker *w, uint16_t port, struct rte_mbuf *m)
{
	struct dp_txbuf *b = &w->txbuf[port];
	b->pkts[b->n++] = m;
	if (unlikely(b->n == RTE_DIM(b->pkts)))
		dp_worker_flush_port(w, port);
}

/* fwd.c: classify a burst and forward it (the fast path). */
void dp_rx_burst(struct dp_worker *w, const struct dp_port *port, struct rte_mbuf **pkts,
		 unsigned n);

/* fwd.c: bindings of up to 64 addresses (by /64 prefix, then by address
 * where the prefix is shared): bit i of *hits set if val[i] holds one. */
void dp_binding_lookup(const uint8_t **addrs, unsigned n, uint64_t *hits, uint64_t val[]);

/* esp.c: ESP to one of our addresses (at esp_off in the frame; udp_encap:
 * inside UDP 4500), and the protection of a frame cp sends under an SA. */
void dp_esp_input(struct dp_worker *w, const struct dp_port *port, struct rte_mbuf *m,
		  uint16_t esp_off, bool udp_encap);
struct rte_mbuf *dp_esp_output(struct dp_worker *w, const struct pmip_pkt_msg *msg);

/* local.c: a frame to one of our addresses or a multicast group. */
void dp_local_input(struct dp_worker *w, const struct dp_port *port, struct rte_mbuf *m);

/* Is addr (16 bytes, any alignment) one of the port's own unicast
 * addresses? Two 8-byte compares per address: this runs for every packet. */
static inline bool dp_port_owns(const struct dp_port *port, const uint8_t *addr)
{
	uint64_t a[2];
	memcpy(a, addr, 16);
	for (unsigned i = 0; i < port->n_addrs; i++) {
		uint64_t b[2];
		memcpy(b, &port->addrs[i], 16);
		if (((a[0] ^ b[0]) | (a[1] ^ b[1])) == 0)
			return true;
	}
	return false;
}

/* control.c: main lcore */
void dp_main_loop(void);

/* port.c */
int dp_ports_init(struct dp_ctx *ctx);
void dp_ports_close(struct dp_ctx *ctx);

/* telemetry.c */
int dp_telemetry_register(void);

/* state.c: sum one counter over all lcores (relaxed reads; telemetry). */
uint64_t dp_stats_sum_at(size_t offset_in_lcore_stats);
uint64_t dp_stats_sum_drop(enum dp_drop_reason r);
/* state.c: the ports' MACs into a tables configuration (tunnel headers). */
void dp_conf_port_macs(struct dp_tables_conf *c);
/* state.c: remove EAL's runtime directory after rte_eal_cleanup(). */
void dp_remove_runtime_dir(const char *dir);

#endif
