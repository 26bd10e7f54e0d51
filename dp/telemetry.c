/* Counters through DPDK telemetry, under /pmip/. Read with
 * `dpdk-telemetry.py -f pmip-NAME` or `pmipctl -c FILE stats`.
 * Callbacks run on the telemetry thread and only read per-lcore counters. */
#define LOG_MODULE "telemetry"
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ring.h>
#include <rte_telemetry.h>

#include "dp.h"
#include "log.h"

static uint64_t sum_at(size_t offset)
{
	return dp_stats_sum_at(offset);
}

#define PORT_FIELD(i, f) \
	(offsetof(struct dp_lcore_stats, port) + (i) * sizeof(struct dp_port_stats) + \
	 offsetof(struct dp_port_stats, f))

static int tel_ports(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	for (unsigned i = 0; i < dp.n_ports; i++) {
		struct rte_tel_data *c = rte_tel_data_alloc();
		if (c == NULL)
			return -1;
		rte_tel_data_start_dict(c);
		rte_tel_data_add_dict_string(c, "kind", pmip_port_kind_name(dp.ports[i].kind));
		rte_tel_data_add_dict_int(c, "ethdev", dp.ports[i].port_id);
#define ADD(f) rte_tel_data_add_dict_u64(c, #f, sum_at(PORT_FIELD(i, f)))
		ADD(rx_pkts);
		ADD(rx_bytes);
		ADD(tx_pkts);
		ADD(tx_bytes);
		ADD(punted);
		ADD(from_cp);
		ADD(nd_replies);
		ADD(drops);
#undef ADD
		rte_tel_data_add_dict_container(d, dp.ports[i].name, c, 0);
	}
	return 0;
}

/* /pmip/workers: what each worker lcore did, to see how RSS (or af_packet's
 * fanout) spreads the traffic and whether a worker sleeps or is saturated. */
static int tel_workers(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	for (unsigned w = 0; w < dp.n_workers; w++) {
		const struct dp_worker *wk = &dp.workers[w];
		const struct dp_lcore_stats *s = &wk->stats;
		struct rte_tel_data *c = rte_tel_data_alloc();
		if (c == NULL)
			return -1;
		uint64_t rx = 0, tx = 0, drops = 0;
		for (unsigned i = 0; i < dp.n_ports; i++) {
			rx += DP_STAT_READ(s->port[i].rx_pkts);
			tx += DP_STAT_READ(s->port[i].tx_pkts);
			drops += DP_STAT_READ(s->port[i].drops);
		}
		rte_tel_data_start_dict(c);
		rte_tel_data_add_dict_int(c, "lcore", (int)wk->lcore_id);
		rte_tel_data_add_dict_int(c, "rx_queues", wk->n_rxq);
		rte_tel_data_add_dict_u64(c, "rx_pkts", rx);
		rte_tel_data_add_dict_u64(c, "tx_pkts", tx);
		rte_tel_data_add_dict_u64(c, "drops", drops);
		rte_tel_data_add_dict_u64(c, "loops", DP_STAT_READ(s->loops));
		rte_tel_data_add_dict_u64(c, "sleeps", DP_STAT_READ(s->sleeps));
		rte_tel_data_add_dict_u64(c, "esp_handoffs", DP_STAT_READ(s->esp_handoffs));
		char name[24];
		snprintf(name, sizeof(name), "worker%u", w);
		rte_tel_data_add_dict_container(d, name, c, 0);
	}
	return 0;
}

static int tel_drops(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	for (unsigned r = 0; r < DP_DROP_COUNT; r++)
		rte_tel_data_add_dict_u64(d, dp_drop_names[r], dp_stats_sum_drop(r));
	return 0;
}

static int tel_info(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "name", dp.cfg->name);
	rte_tel_data_add_dict_string(d, "role", pmip_role_name(dp.cfg->role));
	rte_tel_data_add_dict_u64(d, "generation", dp.shm.hdr->generation);
	rte_tel_data_add_dict_int(d, "workers", (int)dp.n_workers);
	rte_tel_data_add_dict_int(d, "ports", (int)dp.n_ports);
	rte_tel_data_add_dict_int(d, "cp_pid", __atomic_load_n(&dp.shm.hdr->cp_pid, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(d, "ctl_msgs", __atomic_load_n(&dp.ctl_msgs, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(d, "ctl_rejected",
				  __atomic_load_n(&dp.ctl_rejected, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(d, "evt_ring_full",
				  __atomic_load_n(&dp.evt_ring_full, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_u64(d, "worker_loops", sum_at(offsetof(struct dp_lcore_stats, loops)));
	rte_tel_data_add_dict_u64(d, "worker_sleeps", sum_at(offsetof(struct dp_lcore_stats, sleeps)));
	rte_tel_data_add_dict_u64(d, "bindings", dp.tables.n_bindings);
	rte_tel_data_add_dict_u64(d, "tunnels", dp.tables.n_tunnels);
	rte_tel_data_add_dict_u64(d, "neighbours", dp.tables.n_neighbours);
	rte_tel_data_add_dict_u64(d, "sas", dp.sas.count);
	rte_tel_data_add_dict_u64(d, "esp_handoffs",
				  sum_at(offsetof(struct dp_lcore_stats, esp_handoffs)));
	rte_tel_data_add_dict_u64(d, "icmp_sent", sum_at(offsetof(struct dp_lcore_stats, icmp_sent)));
	rte_tel_data_add_dict_u64(d, "icmp_suppressed",
				  sum_at(offsetof(struct dp_lcore_stats, icmp_suppressed)));
	rte_tel_data_add_dict_u64(d, "neigh_misses",
				  sum_at(offsetof(struct dp_lcore_stats, neigh_misses)));
	rte_tel_data_add_dict_u64(d, "evt_full", sum_at(offsetof(struct dp_lcore_stats, evt_full)));
	return 0;
}

/* /pmip/binding,ID: one binding's counters (summed over workers) and keys.
 * The keys are main-lcore bookkeeping read without a lock: a display may
 * show a binding mid-update, never a packet. */
static int tel_binding(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	char *end;
	if (params == NULL || *params == '\0')
		return -1;
	unsigned long id = strtoul(params, &end, 10);
	if (*end != '\0' || id >= dp.tables.max_bindings)
		return -1;
	struct dp_binding_ctr sum = { 0 };
	for (unsigned w = 0; w < dp.n_workers; w++) {
		const struct dp_binding_ctr *c = &dp.workers[w].bctr[id];
		sum.up_pkts += __atomic_load_n(&c->up_pkts, __ATOMIC_RELAXED);
		sum.up_bytes += __atomic_load_n(&c->up_bytes, __ATOMIC_RELAXED);
		sum.down_pkts += __atomic_load_n(&c->down_pkts, __ATOMIC_RELAXED);
		sum.down_bytes += __atomic_load_n(&c->down_bytes, __ATOMIC_RELAXED);
	}
	const struct dp_binding_rec *r = &dp.tables.bindings[id];
	char hnp[INET6_ADDRSTRLEN] = "", hoa[INET6_ADDRSTRLEN] = "";
	struct in6_addr p = { 0 };
	memcpy(p.s6_addr, r->hnp, 8);
	inet_ntop(AF_INET6, &p, hnp, sizeof(hnp));
	inet_ntop(AF_INET6, &r->hoa, hoa, sizeof(hoa));
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "installed", r->in_use);
	rte_tel_data_add_dict_string(d, "hnp", hnp);
	rte_tel_data_add_dict_string(d, "hoa", hoa);
	rte_tel_data_add_dict_u64(d, "tunnel", r->tunnel_id);
	rte_tel_data_add_dict_u64(d, "up_pkts", sum.up_pkts);
	rte_tel_data_add_dict_u64(d, "up_bytes", sum.up_bytes);
	rte_tel_data_add_dict_u64(d, "down_pkts", sum.down_pkts);
	rte_tel_data_add_dict_u64(d, "down_bytes", sum.down_bytes);
	return 0;
}

/* /pmip/sa,ID: one SA's counters (summed over workers) and state. */
static int tel_sa(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	char *end;
	if (params == NULL || *params == '\0')
		return -1;
	unsigned long id = strtoul(params, &end, 0);
	if (*end != '\0' || id == 0 || id >= dp.sas.max)
		return -1;
	const struct dp_sa *sa = dp_sa_get(&dp.sas, (uint32_t)id);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "installed", sa != NULL);
	if (sa == NULL)
		return 0;
	uint64_t packets = 0, bytes = 0;
	for (unsigned w = 0; w < dp.sas.n_workers; w++) {
		const struct dp_sa_ctr *c = dp_sa_ctr(&dp.sas, w, (uint32_t)id);
		packets += __atomic_load_n(&c->packets, __ATOMIC_RELAXED);
		bytes += __atomic_load_n(&c->bytes, __ATOMIC_RELAXED);
	}
	char spi[16];
	snprintf(spi, sizeof(spi), "0x%08x", sa->spi);
	rte_tel_data_add_dict_string(d, "spi", spi);
	rte_tel_data_add_dict_string(d, "dir", sa->dir == PMIP_SA_IN ? "in" : "out");
	rte_tel_data_add_dict_string(d, "mode", sa->mode == PMIP_SA_TRANSPORT ? "transport" : "tunnel-udp");
	rte_tel_data_add_dict_string(d, "alg", sa->alg->name);
	rte_tel_data_add_dict_u64(d, "packets", packets);
	rte_tel_data_add_dict_u64(d, "bytes", bytes);
	if (sa->dir == PMIP_SA_OUT)
		rte_tel_data_add_dict_u64(d, "seq", __atomic_load_n(&sa->seq, __ATOMIC_RELAXED));
	else
		rte_tel_data_add_dict_u64(d, "replay_top", sa->replay.top);
	return 0;
}

static int tel_rings(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	static const char *const names[PMIP_RING_COUNT] = { "ctl", "evt", "punt", "tx" };
	rte_tel_data_start_dict(d);
	for (int i = 0; i < PMIP_RING_COUNT; i++) {
		struct rte_tel_data *c = rte_tel_data_alloc();
		if (c == NULL)
			return -1;
		rte_tel_data_start_dict(c);
		rte_tel_data_add_dict_u64(c, "used", rte_ring_count(dp.shm.ring[i]));
		rte_tel_data_add_dict_u64(c, "capacity", rte_ring_get_capacity(dp.shm.ring[i]));
		rte_tel_data_add_dict_container(d, names[i], c, 0);
	}
	return 0;
}

int dp_telemetry_register(void)
{
	int rc = 0;
	rc |= rte_telemetry_register_cmd("/pmip/info", tel_info,
					 "Gateway name, role, dp generation, workers, control ring counters");
	rc |= rte_telemetry_register_cmd("/pmip/ports", tel_ports,
					 "Per-port packet counters, summed over lcores");
	rc |= rte_telemetry_register_cmd("/pmip/workers", tel_workers,
					 "Per-worker lcore: rx queues, packets in and out, drops, loops, sleeps");
	rc |= rte_telemetry_register_cmd("/pmip/drops", tel_drops,
					 "Dropped packets by reason, summed over lcores and ports");
	rc |= rte_telemetry_register_cmd("/pmip/binding", tel_binding,
					 "One binding's counters and keys. Parameter: binding id");
	rc |= rte_telemetry_register_cmd("/pmip/sa", tel_sa,
					 "One ESP SA's counters and state. Parameter: SA id");
	rc |= rte_telemetry_register_cmd("/pmip/rings", tel_rings,
					 "Fill level of the shared-memory rings");
	if (rc != 0)
		pmip_warn("registering telemetry commands failed");
	return rc;
}
