/* pmip-dp: the DPDK primary process of a PMIPv6 gateway (MAG or LMA).
 *
 *   pmip-dp --config FILE         run
 *   pmip-dp --check-config FILE   validate FILE, print the EAL line, exit
 *
 * Start-up order: config (nothing started if it is bad) -> EAL from the ini
 * -> mbuf pool -> shared-memory segment (refused if a live dp owns it) ->
 * ports -> telemetry -> segment READY -> workers. Shutdown on SIGINT/SIGTERM
 * runs the same steps backwards and leaves no runtime or shm files behind.
 */
#define LOG_MODULE "main"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_cycles.h>

#include "dp.h"
#include "eal_args.h"
#include "log.h"

static void on_signal(int signo)
{
	(void)signo;
	__atomic_store_n(&dp.quit, 1, __ATOMIC_RELAXED);
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: pmip-dp --config FILE\n"
		"       pmip-dp --check-config FILE\n"
		"The EAL arguments are built from FILE ([dp], [port.*]); see docs/CONFIG.md.\n");
}

static void log_counters(void)
{
	for (unsigned i = 0; i < dp.n_ports; i++) {
		struct dp_port_stats s = { 0 };
		for (unsigned w = 0; w < dp.n_workers; w++) {
			const struct dp_port_stats *p = &dp.workers[w].stats.port[i];
			s.rx_pkts += p->rx_pkts;
			s.tx_pkts += p->tx_pkts;
			s.punted += p->punted;
			s.from_cp += p->from_cp;
			s.nd_replies += p->nd_replies;
			s.drops += p->drops;
		}
		pmip_info("[port.%s] rx %lu tx %lu punted %lu from_cp %lu nd_replies %lu drops %lu",
			  dp.ports[i].name, s.rx_pkts, s.tx_pkts, s.punted, s.from_cp,
			  s.nd_replies, s.drops);
	}
	for (unsigned r = 0; r < DP_DROP_COUNT; r++) {
		uint64_t v = dp_stats_sum_drop(r);
		if (v != 0)
			pmip_info("drop %s %lu (%s)", dp_drop_names[r], v, dp_drop_help[r]);
	}
}

int main(int argc, char **argv)
{
	static struct pmip_config cfg;
	static struct dp_eal_args eal;
	const char *config_path = NULL;
	bool check_only = false;
	char err[256];
	int rc = 1;

	int exit_code = pmip_config_from_args(argc, argv, "pmip-dp", usage, &cfg, &config_path,
						&check_only);
	if (exit_code >= 0)
		return exit_code;
	if (dp_eal_args_build(&cfg, "pmip-dp", &eal, err, sizeof(err)) != 0) {
		fprintf(stderr, "pmip-dp: %s: %s\n", config_path, err);
		return 1;
	}
	if (check_only) {
		printf("%s: configuration OK: %s %s, %u ports, %u worker lcores\nEAL:", config_path,
		       pmip_role_name(cfg.role), cfg.name, cfg.n_ports, cfg.dp.n_lcores - 1);
		for (int i = 1; i < eal.argc; i++)
			printf(" %s", eal.argv[i]);
		printf("\n");
		return 0;
	}
	if (pmip_log_open("pmip-dp", cfg.log.level, cfg.log.target) != 0) {
		fprintf(stderr, "pmip-dp: cannot open log target %s\n", cfg.log.target);
		return 1;
	}

	dp.cfg = &cfg;
	dp.burst = cfg.dp.burst;
	dp.idle_sleep_us = cfg.dp.idle_sleep_us;
	char runtime_dir[PATH_MAX] = "";

	if (rte_eal_init(eal.argc, eal.argv) < 0) {
		pmip_err("EAL initialisation failed: %s (arguments built from %s)",
			 rte_strerror(rte_errno), config_path);
		return 1;
	}
	snprintf(runtime_dir, sizeof(runtime_dir), "%s", rte_eal_get_runtime_dir());

	dp.n_workers = rte_lcore_count() - 1;
	if (dp.n_workers == 0 || dp.n_workers > DP_MAX_WORKERS) {
		pmip_err("need 1..%d worker lcores, have %u", DP_MAX_WORKERS, dp.n_workers);
		goto out_eal;
	}
	dp.workers = aligned_alloc(RTE_CACHE_LINE_SIZE,
				   RTE_ALIGN(sizeof(*dp.workers) * dp.n_workers, RTE_CACHE_LINE_SIZE));
	if (dp.workers == NULL) {
		pmip_err("out of memory for %u workers", dp.n_workers);
		goto out_eal;
	}
	memset(dp.workers, 0, sizeof(*dp.workers) * dp.n_workers);

	dp.pool = rte_pktmbuf_pool_create("pmip_mbufs", cfg.dp.mbufs, 256, 0,
					  RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (dp.pool == NULL) {
		pmip_err("mbuf pool of %u: %s (raise [dp] memory_mb or lower [dp] mbufs)",
			 cfg.dp.mbufs, rte_strerror(rte_errno));
		goto out_workers;
	}
	if (pmip_shm_create(&dp.shm, cfg.shm_name, cfg.dp.ring_size, err, sizeof(err)) != 0) {
		pmip_err("shared memory: %s", err);
		goto out_pool;
	}
	dp.generation = dp.shm.hdr->generation;
	if (dp_ports_init(&dp) != 0)
		goto out_ports;
	struct dp_tables_conf tconf = {
		.mag = cfg.role == PMIP_ROLE_MAG,
		.n_ports = dp.n_ports,
		.max_bindings = cfg.dp.max_bindings,
		.max_tunnels = cfg.dp.max_tunnels,
		.max_neighbours = cfg.dp.max_neighbours,
		.socket = (int)rte_socket_id(),
		.name = cfg.name,
	};
	dp_conf_port_macs(&tconf);
	if (dp_tables_create(&dp.tables, &tconf) != 0)
		goto out_ports;
	if (dp_esp_crypto_init() != 0) {
		pmip_err("OpenSSL: the ESP ciphers are not available");
		goto out_tables;
	}
	if (dp_sa_table_create(&dp.sas, cfg.dp.max_sas, dp.n_workers, (int)rte_socket_id()) != 0)
		goto out_tables;
	for (unsigned i = 0; i < dp.n_workers && dp.n_workers > 1; i++) {
		char name[32];
		snprintf(name, sizeof(name), "handoff_%u", i);
		dp.handoff[i] = rte_ring_create(name, 1024, (int)rte_socket_id(), RING_F_SC_DEQ);
		if (dp.handoff[i] == NULL) {
			pmip_err("handoff ring for worker %u: %s", i, rte_strerror(rte_errno));
			goto out_tables;
		}
	}
	for (unsigned i = 0; i < dp.n_workers; i++) {
		dp.workers[i].bctr = rte_zmalloc("binding counters",
						 sizeof(struct dp_binding_ctr) * cfg.dp.max_bindings,
						 RTE_CACHE_LINE_SIZE);
		if (dp.workers[i].bctr == NULL) {
			pmip_err("out of memory for %u binding counters (raise [dp] memory_mb)",
				 cfg.dp.max_bindings);
			goto out_tables;
		}
		dp.workers[i].icmp_tokens = DP_ICMP_BURST;
		dp.workers[i].icmp_tsc = rte_rdtsc();
	}
	dp.tsc_hz = rte_get_tsc_hz();
	dp.icmp_rate = cfg.dp.icmp_rate;
	dp_telemetry_register();

	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	pmip_shm_publish(&dp.shm);
	unsigned w = 0, lcore;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		dp.workers[w].lcore_id = lcore;
		dp.workers[w].index = (uint16_t)w;
		rte_eal_remote_launch(dp_worker_loop, &dp.workers[w], lcore);
		w++;
	}
	pmip_notice("%s %s running: %u ports, %u workers, shm %s generation %lu, idle sleep %u us",
		    pmip_role_name(cfg.role), cfg.name, dp.n_ports, dp.n_workers, cfg.shm_name,
		    dp.shm.hdr->generation, dp.idle_sleep_us);

	dp_main_loop();

	pmip_notice("shutting down");
	rte_eal_mp_wait_lcore();
	log_counters();
	rc = 0;
out_tables:
	for (unsigned i = 0; i < dp.n_workers; i++) {
		rte_free(dp.workers[i].bctr);
		rte_ring_free(dp.handoff[i]);
	}
	if (dp.sas.sa != NULL)
		dp_sa_table_destroy(&dp.sas);
	dp_tables_destroy(&dp.tables);
out_ports:
	dp_ports_close(&dp);
	pmip_shm_destroy(&dp.shm);
out_pool:
	rte_mempool_free(dp.pool);
out_workers:
	free(dp.workers);
out_eal:
	rte_eal_cleanup();
	dp_remove_runtime_dir(runtime_dir);
	pmip_log_close();
	return rc;
}
