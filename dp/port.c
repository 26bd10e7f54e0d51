/* Port set-up: map each [port.NAME] to its ethdev, configure one rx queue
 * per worker where the device has them (RSS spreads flows) and one tx queue
 * per worker, and derive the addresses dp answers for. */
#define LOG_MODULE "port"
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>

#include "dp.h"
#include "eal_args.h"
#include "log.h"
#include "net/pkt.h"

#define RX_DESC 1024
#define TX_DESC 1024

static int port_setup(struct dp_ctx *ctx, unsigned idx)
{
	const struct pmip_config_port *pc = &ctx->cfg->ports[idx];
	struct dp_port *p = &ctx->ports[idx];
	char ethname[RTE_ETH_NAME_MAX_LEN];
	uint16_t pid;
	int rc;

	dp_device_ethdev_name(pc->device, ethname, sizeof(ethname));
	if (rte_eth_dev_get_port_by_name(ethname, &pid) != 0) {
		pmip_err("[port.%s]: device %s (ethdev %s) was not probed: check the device string and, for PCI, its driver binding",
			 pc->name, pc->device, ethname);
		return -1;
	}
	struct rte_eth_dev_info info;
	rc = rte_eth_dev_info_get(pid, &info);
	if (rc != 0) {
		pmip_err("[port.%s]: rte_eth_dev_info_get: %s", pc->name, rte_strerror(-rc));
		return -1;
	}
	p->index = (uint16_t)idx;
	p->port_id = pid;
	p->kind = pc->kind;
	p->mtu = (uint16_t)pc->mtu;
	snprintf(p->name, sizeof(p->name), "%s", pc->name);

	unsigned n_workers = ctx->n_workers;
	if (info.max_tx_queues < n_workers) {
		pmip_err("[port.%s]: device has %u tx queues but %u workers need one each (for af_packet add qpairs=%u to the device string)",
			 pc->name, info.max_tx_queues, n_workers, n_workers);
		return -1;
	}
	p->n_rxq = (uint16_t)RTE_MIN(n_workers, info.max_rx_queues);
	p->n_txq = (uint16_t)n_workers;

	struct rte_eth_conf conf;
	memset(&conf, 0, sizeof(conf));
	if (p->n_rxq > 1) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf =
			info.flow_type_rss_offloads &
			(RTE_ETH_RSS_IPV6 | RTE_ETH_RSS_NONFRAG_IPV6_UDP | RTE_ETH_RSS_NONFRAG_IPV6_TCP);
		/* A core port carries IPv6-in-IPv6 tunnels: hashed on the outer
		 * header, all of a peer's traffic would reach one worker. Hash
		 * the inner header where the device can; otherwise the outer
		 * flow label we and RFC 6438 peers set is what can spread it. */
		if (pc->kind == PMIP_PORT_CORE &&
		    (info.flow_type_rss_offloads & RTE_ETH_RSS_LEVEL_INNERMOST) != 0)
			conf.rx_adv_conf.rss_conf.rss_hf |= RTE_ETH_RSS_LEVEL_INNERMOST;
		else if (pc->kind == PMIP_PORT_CORE)
			pmip_notice("[port.%s]: device cannot hash inner headers (RSS level innermost): tunnelled traffic spreads over the %u rx queues only as far as the device hashes outer flow labels",
				    pc->name, p->n_rxq);
	}
	rc = rte_eth_dev_configure(pid, p->n_rxq, p->n_txq, &conf);
	if (rc != 0) {
		pmip_err("[port.%s]: configure %u rx / %u tx queues: %s", pc->name, p->n_rxq,
			 p->n_txq, rte_strerror(-rc));
		return -1;
	}
	uint16_t nb_rxd = RX_DESC, nb_txd = TX_DESC;
	rte_eth_dev_adjust_nb_rx_tx_desc(pid, &nb_rxd, &nb_txd);
	int socket = rte_eth_dev_socket_id(pid);
	if (socket < 0)
		socket = 0;
	for (uint16_t q = 0; q < p->n_rxq; q++) {
		rc = rte_eth_rx_queue_setup(pid, q, nb_rxd, (unsigned)socket, NULL, ctx->pool);
		if (rc != 0) {
			pmip_err("[port.%s]: rx queue %u: %s", pc->name, q, rte_strerror(-rc));
			return -1;
		}
	}
	for (uint16_t q = 0; q < p->n_txq; q++) {
		rc = rte_eth_tx_queue_setup(pid, q, nb_txd, (unsigned)socket, NULL);
		if (rc != 0) {
			pmip_err("[port.%s]: tx queue %u: %s", pc->name, q, rte_strerror(-rc));
			return -1;
		}
	}
	rc = rte_eth_dev_start(pid);
	if (rc != 0) {
		pmip_err("[port.%s]: start: %s", pc->name, rte_strerror(-rc));
		return -1;
	}
	/* Access links carry RS/NS to multicast groups (solicited-node
	 * groups we do not program one by one); the lab's veths see only
	 * our traffic anyway. */
	rc = rte_eth_promiscuous_enable(pid);
	if (rc != 0)
		pmip_warn("[port.%s]: promiscuous mode: %s (multicast may be missed)", pc->name,
			  rte_strerror(-rc));
	rte_eth_allmulticast_enable(pid);

	struct rte_ether_addr mac;
	rte_eth_macaddr_get(pid, &mac);
	memcpy(p->mac, mac.addr_bytes, 6);
	pmip_ipv6_link_local_from_mac(p->mac, &p->addrs[0]);
	p->n_addrs = 1;
	for (unsigned i = 0; i < pc->n_addrs; i++)
		p->addrs[p->n_addrs++] = pc->addrs[i].addr;
	for (unsigned i = 0; i < p->n_addrs; i++)
		pmip_ipv6_solicited_node(&p->addrs[i], &p->snm[i]);

	struct rte_eth_link link;
	if (rte_eth_link_get_nowait(pid, &link) == 0)
		p->link_up = link.link_status == RTE_ETH_LINK_UP;
	pmip_info("[port.%s]: %s ethdev %u mac %02x:%02x:%02x:%02x:%02x:%02x kind %s rxq %u txq %u link %s",
		  pc->name, pc->device, pid, p->mac[0], p->mac[1], p->mac[2], p->mac[3], p->mac[4],
		  p->mac[5], pmip_port_kind_name(p->kind), p->n_rxq, p->n_txq,
		  p->link_up ? "up" : "down");
	return 0;
}

int dp_ports_init(struct dp_ctx *ctx)
{
	unsigned avail = rte_eth_dev_count_avail();
	if (avail < ctx->cfg->n_ports) {
		pmip_err("%u ports configured but only %u ethdevs probed", ctx->cfg->n_ports,
			 avail);
		return -1;
	}
	for (unsigned i = 0; i < ctx->cfg->n_ports; i++) {
		if (port_setup(ctx, i) != 0)
			return -1;
		ctx->n_ports = i + 1;
	}
	/* Workers poll queue w of every port that has one. */
	for (unsigned w = 0; w < ctx->n_workers; w++) {
		struct dp_worker *wk = &ctx->workers[w];
		wk->n_rxq = 0;
		for (unsigned i = 0; i < ctx->n_ports; i++) {
			if (w < ctx->ports[i].n_rxq)
				wk->rxq[wk->n_rxq++] = (struct dp_rxq){ .port = (uint16_t)i,
									 .queue = (uint16_t)w };
		}
	}
	return 0;
}

void dp_ports_close(struct dp_ctx *ctx)
{
	for (unsigned i = 0; i < ctx->n_ports; i++) {
		uint16_t pid = ctx->ports[i].port_id;
		int rc = rte_eth_dev_stop(pid);
		if (rc != 0)
			pmip_warn("[port.%s]: stop: %s", ctx->ports[i].name, rte_strerror(-rc));
		rte_eth_dev_close(pid);
	}
	ctx->n_ports = 0;
}
