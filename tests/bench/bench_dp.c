/* See bench_dp.h. */
#include "bench_dp.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_debug.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "net/pkt.h"

struct in6_addr bench_ip(const char *s)
{
	struct in6_addr a;
	if (inet_pton(AF_INET6, s, &a) != 1)
		rte_exit(1, "bad address %s\n", s);
	return a;
}

uint64_t bench_drops(const struct dp_worker *w)
{
	uint64_t d = 0;
	for (unsigned r = 0; r < DP_DROP_COUNT; r++)
		d += w->stats.drop[r];
	return d;
}

void bench_dp_setup(struct pmip_config *cfg, const struct bench_dp_conf *c)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->role = c->role;
	snprintf(cfg->name, sizeof(cfg->name), "bench");
	dp.cfg = cfg;
	dp.n_ports = 2;
	dp.n_workers = c->n_workers;
	dp.burst = c->burst;
	dp.tsc_hz = rte_get_tsc_hz();
	dp.icmp_rate = 100;
	dp.pool = rte_pktmbuf_pool_create("bench_pool", 16383, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					  (int)rte_socket_id());
	if (dp.pool == NULL)
		rte_exit(1, "mbuf pool\n");
	for (uint16_t i = 0; i < 2; i++) {
		struct dp_port *p = &dp.ports[i];
		struct rte_eth_conf conf = { 0 };
		p->index = i;
		p->port_id = i;
		p->kind = c->kind[i];
		p->mtu = c->mtu;
		uint8_t mac[6] = { 0x02, 0xaa, 0, 0, 0, (uint8_t)(i + 1) };
		memcpy(p->mac, mac, 6);
		pmip_ipv6_link_local_from_mac(mac, &p->addrs[0]);
		p->addrs[1] = bench_ip(c->addr[i]);
		p->n_addrs = 2;
		for (unsigned a = 0; a < 2; a++)
			pmip_ipv6_solicited_node(&p->addrs[a], &p->snm[a]);
		int rc = rte_eth_dev_configure(i, 1, (uint16_t)c->n_workers, &conf);
		if (rc == 0)
			rc = rte_eth_rx_queue_setup(i, 0, 256, 0, NULL, dp.pool);
		for (uint16_t q = 0; rc == 0 && q < c->n_workers; q++)
			rc = rte_eth_tx_queue_setup(i, q, 1024, 0, NULL);
		if (rc == 0)
			rc = rte_eth_dev_start(i);
		if (rc != 0)
			rte_exit(1, "net_null port %u: %s\n", i, rte_strerror(-rc));
	}
	char msg[256], name[64];
	snprintf(name, sizeof(name), "/pmip-bench-%s-%d", c->shm_tag, (int)getpid());
	if (pmip_shm_create(&dp.shm, name, c->shm_ring_size, msg, sizeof(msg)) != 0)
		rte_exit(1, "%s\n", msg);
	dp.generation = dp.shm.hdr->generation;
}
