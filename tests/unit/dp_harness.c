/* See dp_harness.h. */
#include "dp_harness.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "net/pkt.h"

const uint8_t H_MAC_MN[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
const uint8_t H_MAC_PEER[6] = { 0x02, 0x00, 0x00, 0x00, 0x01, 0x01 };
const uint8_t H_MAC_PEER2[6] = { 0x02, 0x00, 0x00, 0x00, 0x01, 0x02 };
const uint8_t H_MAC_CN[6] = { 0x02, 0x00, 0x00, 0x00, 0x02, 0x01 };

static struct pmip_config cfg;
static char runtime_dir[PATH_MAX];
static char shm_name[64];

struct in6_addr h_ip(const char *s)
{
	struct in6_addr a;
	cr_assert_eq(inet_pton(AF_INET6, s, &a), 1, "bad address %s", s);
	return a;
}

void h_init(enum pmip_role role, const struct h_port_spec *ports, unsigned n_ports,
	    const char *lcores, uint32_t max_bindings)
{
	char prefix[64], vdevs[H_MAX_PORTS][32];
	snprintf(prefix, sizeof(prefix), "pmiptest%d", (int)getpid());
	char *argv[32];
	int argc = 0;
	argv[argc++] = "test";
	argv[argc++] = "-l";
	argv[argc++] = (char *)lcores;
	argv[argc++] = "--no-huge";
	argv[argc++] = "-m";
	argv[argc++] = "256";
	argv[argc++] = "--no-pci";
	argv[argc++] = "--no-shconf";
	argv[argc++] = "--file-prefix";
	argv[argc++] = prefix;
	argv[argc++] = "--log-level=2";
	for (unsigned i = 0; i < n_ports; i++) {
		snprintf(vdevs[i], sizeof(vdevs[i]), "--vdev=net_null%u", i);
		argv[argc++] = vdevs[i];
	}
	cr_assert_geq(rte_eal_init(argc, argv), 0, "EAL init");
	snprintf(runtime_dir, sizeof(runtime_dir), "%s", rte_eal_get_runtime_dir());

	memset(&cfg, 0, sizeof(cfg));
	cfg.role = role;
	snprintf(cfg.name, sizeof(cfg.name), "test");
	cfg.n_ports = n_ports;
	memset(&dp, 0, sizeof(dp));
	dp.cfg = &cfg;
	dp.burst = 32;
	dp.n_workers = 1;
	dp.n_ports = n_ports;
	dp.tsc_hz = rte_get_tsc_hz();
	dp.icmp_rate = 1000;
	dp.pool = rte_pktmbuf_pool_create("h_pool", 8191, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					  (int)rte_socket_id());
	cr_assert_not_null(dp.pool);
	for (unsigned i = 0; i < n_ports; i++) {
		struct dp_port *p = &dp.ports[i];
		struct rte_eth_conf conf = { 0 };
		p->index = (uint16_t)i;
		p->port_id = (uint16_t)i;
		p->kind = ports[i].kind;
		p->mtu = ports[i].mtu ? ports[i].mtu : 1500;
		snprintf(p->name, sizeof(p->name), "p%u", i);
		uint8_t mac[6] = { 0x02, 0xaa, 0, 0, 0, (uint8_t)(i + 1) };
		memcpy(p->mac, mac, 6);
		pmip_ipv6_link_local_from_mac(p->mac, &p->addrs[0]);
		p->n_addrs = 1;
		if (ports[i].addr != NULL)
			p->addrs[p->n_addrs++] = h_ip(ports[i].addr);
		for (unsigned a = 0; a < p->n_addrs; a++)
			pmip_ipv6_solicited_node(&p->addrs[a], &p->snm[a]);
		/* net_null so that a flush has somewhere to go. */
		/* A tx queue per worker struct (the harness has two). */
		cr_assert_eq(rte_eth_dev_configure(p->port_id, 1, 2, &conf), 0);
		cr_assert_eq(rte_eth_rx_queue_setup(p->port_id, 0, 64, 0, NULL, dp.pool), 0);
		cr_assert_eq(rte_eth_tx_queue_setup(p->port_id, 0, 64, 0, NULL), 0);
		cr_assert_eq(rte_eth_tx_queue_setup(p->port_id, 1, 64, 0, NULL), 0);
		cr_assert_eq(rte_eth_dev_start(p->port_id), 0);
		p->n_rxq = 1;
		p->n_txq = 2;
	}
	snprintf(shm_name, sizeof(shm_name), "/pmip-test-fwd-%d", (int)getpid());
	char msg[256];
	cr_assert_eq(pmip_shm_create(&dp.shm, shm_name, 1024, msg, sizeof(msg)), 0, "%s", msg);
	dp.generation = dp.shm.hdr->generation;
	struct dp_tables_conf tc = {
		.mag = role == PMIP_ROLE_MAG, .n_ports = n_ports, .max_bindings = max_bindings,
		.max_tunnels = 64, .max_neighbours = 256, .socket = (int)rte_socket_id(),
		.name = "test",
	};
	dp_conf_port_macs(&tc);
	cr_assert_eq(dp_tables_create(&dp.tables, &tc), 0);
	dp.workers = rte_zmalloc("workers", sizeof(struct dp_worker) * 2, 64);
	cr_assert_not_null(dp.workers);
	for (unsigned w = 0; w < 2; w++) {
		dp.workers[w].index = (uint16_t)w;
		dp.workers[w].bctr = rte_zmalloc("bctr", sizeof(struct dp_binding_ctr) * max_bindings, 64);
		cr_assert_not_null(dp.workers[w].bctr);
		dp.workers[w].icmp_tokens = DP_ICMP_BURST;
		dp.workers[w].icmp_tsc = rte_rdtsc();
	}
	/* ESP: SAs keyed for both worker structs, and their handoff rings
	 * (multi-producer, single consumer: the owner). */
	cr_assert_eq(dp_sa_table_create(&dp.sas, H_MAX_SAS, 2, (int)rte_socket_id()), 0);
	for (unsigned w = 0; w < 2; w++) {
		char name[32];
		snprintf(name, sizeof(name), "h_handoff%u", w);
		dp.handoff[w] = rte_ring_create(name, H_HANDOFF_RING, (int)rte_socket_id(),
						RING_F_SC_DEQ);
		cr_assert_not_null(dp.handoff[w]);
	}
}

void h_fini(void)
{
	h_tx_clear();
	for (unsigned w = 0; w < 2; w++) {
		struct rte_mbuf *m;
		while (dp.handoff[w] != NULL && rte_ring_sc_dequeue(dp.handoff[w], (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(dp.handoff[w]);
		dp.handoff[w] = NULL;
	}
	dp_sa_table_destroy(&dp.sas);
	dp_tables_destroy(&dp.tables);
	for (unsigned w = 0; w < 2; w++)
		rte_free(dp.workers[w].bctr);
	rte_free(dp.workers);
	for (unsigned i = 0; i < dp.n_ports; i++) {
		rte_eth_dev_stop(dp.ports[i].port_id);
		rte_eth_dev_close(dp.ports[i].port_id);
	}
	pmip_shm_destroy(&dp.shm);
	rte_mempool_free(dp.pool);
	rte_eal_cleanup();
	dp_remove_runtime_dir(runtime_dir);
}

struct dp_worker *h_worker(void)
{
	return &dp.workers[0];
}

int h_apply(struct pmip_ctl_msg *m)
{
	m->generation = dp.generation;
	int rc = dp_tables_apply(&dp.tables, m);
	dp_tables_synchronize(&dp.tables);
	return rc;
}

struct pmip_ctl_sa h_sa_spec(uint32_t id, uint8_t dir, uint8_t mode, uint8_t alg, uint32_t spi,
			     const char *local, const char *remote)
{
	struct pmip_ctl_sa s = { .id = id, .spi = spi, .dir = dir, .mode = mode, .alg = alg };
	const struct pmip_esp_alg_desc *d = pmip_esp_alg_desc(alg);
	s.enc_key_len = d != NULL ? d->enc_key_len : 16;
	s.auth_key_len = d != NULL ? d->auth_key_len : 0;
	for (unsigned i = 0; i < sizeof(s.enc_key); i++)
		s.enc_key[i] = (uint8_t)(spi * 31u + alg * 7u + i);
	for (unsigned i = 0; i < sizeof(s.auth_key); i++)
		s.auth_key[i] = (uint8_t)(spi * 17u + alg * 5u + 0x80u + i);
	s.replay_window = 128;
	s.udp_sport = 4500;
	s.udp_dport = 4500;
	s.local = h_ip(local);
	s.remote = h_ip(remote);
	s.ts_local = s.local;
	s.ts_remote = s.remote;
	s.ts_local_len = 128;
	s.ts_remote_len = 128;
	return s;
}

int h_sa(const struct pmip_ctl_sa *sa)
{
	struct pmip_ctl_msg m = { .type = PMIP_CTL_SA_ADD, .generation = dp.generation };
	m.u.sa = *sa;
	int rc = dp_sa_apply(&dp.sas, &m);
	dp_sa_synchronize(&dp.sas);
	return rc;
}

int h_sa_del(uint32_t id)
{
	struct pmip_ctl_msg m = { .type = PMIP_CTL_SA_DEL, .generation = dp.generation };
	m.u.sa.id = id;
	int rc = dp_sa_apply(&dp.sas, &m);
	dp_sa_synchronize(&dp.sas);
	return rc;
}

int h_neigh(uint32_t id, uint16_t port, const char *ip, const uint8_t mac[6], bool valid)
{
	struct pmip_ctl_msg m = { .type = PMIP_CTL_NEIGH_SET };
	m.u.neigh.id = id;
	m.u.neigh.port = port;
	m.u.neigh.ip = h_ip(ip);
	memcpy(m.u.neigh.mac, mac, 6);
	m.u.neigh.valid = valid;
	return h_apply(&m);
}

int h_tunnel(uint32_t id, uint16_t port, const char *local, const char *remote, uint32_t neigh,
	     uint16_t mtu)
{
	struct pmip_ctl_msg m = { .type = PMIP_CTL_TUNNEL_SET };
	m.u.tunnel.id = id;
	m.u.tunnel.port = port;
	m.u.tunnel.local = h_ip(local);
	m.u.tunnel.remote = h_ip(remote);
	m.u.tunnel.neigh_id = neigh;
	m.u.tunnel.mtu = mtu;
	m.u.tunnel.hop_limit = 64;
	return h_apply(&m);
}

int h_route(const char *prefix, uint8_t len, uint8_t kind, uint16_t port, uint32_t neigh,
	    const char *gw)
{
	struct pmip_ctl_msg m = { .type = PMIP_CTL_ROUTE_ADD };
	m.u.route.prefix = h_ip(prefix);
	m.u.route.len = len;
	m.u.route.kind = kind;
	m.u.route.port = port;
	m.u.route.neigh_id = neigh;
	if (gw != NULL)
		m.u.route.gateway = h_ip(gw);
	return h_apply(&m);
}

struct pmip_ctl_msg h_binding_msg(uint32_t id, uint32_t tunnel, const char *hnp, const char *hoa,
				  uint16_t port, const uint8_t mac[6])
{
	struct pmip_ctl_msg m = { .type = PMIP_CTL_BINDING_SET };
	m.u.binding.id = id;
	m.u.binding.tunnel_id = tunnel;
	m.u.binding.hnp = h_ip(hnp);
	m.u.binding.hnp_len = 64;
	if (hoa != NULL) {
		m.u.binding.hoa = h_ip(hoa);
		m.u.binding.flags = PMIP_BINDING_F_SHARED_PREFIX;
	}
	m.u.binding.access_port = port;
	if (mac != NULL)
		memcpy(m.u.binding.mn_mac, mac, 6);
	return m;
}

int h_binding(uint32_t id, uint32_t tunnel, const char *hnp, const char *hoa, uint16_t port,
	      const uint8_t mac[6])
{
	struct pmip_ctl_msg m = h_binding_msg(id, tunnel, hnp, hoa, port, mac);
	return h_apply(&m);
}

int h_binding_del(uint32_t id)
{
	struct pmip_ctl_msg m = { .type = PMIP_CTL_BINDING_DEL };
	m.u.binding.id = id;
	return h_apply(&m);
}

struct rte_mbuf *h_udp(const uint8_t src_mac[6], const uint8_t dst_mac[6], const char *src,
		       const char *dst, uint16_t payload_len, uint8_t hop_limit)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp.pool);
	cr_assert_not_null(m);
	uint16_t udp_len = (uint16_t)(8 + payload_len);
	uint16_t total = (uint16_t)(PMIP_ETH_HLEN + PMIP_IPV6_HLEN + udp_len);
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, total);
	cr_assert_not_null(p);
	memcpy(p, dst_mac, 6);
	memcpy(p + 6, src_mac, 6);
	p[12] = 0x86;
	p[13] = 0xdd;
	struct in6_addr s = h_ip(src), d = h_ip(dst);
	pmip_ipv6_hdr_write(p + 14, &s, &d, 17, udp_len, hop_limit, 0, 0);
	uint8_t *u = p + 54;
	u[0] = 0x27;
	u[1] = 0x10; /* 10000 */
	u[2] = 0x00;
	u[3] = 0x09; /* discard */
	u[4] = (uint8_t)(udp_len >> 8);
	u[5] = (uint8_t)udp_len;
	u[6] = u[7] = 0;
	for (uint16_t i = 0; i < payload_len; i++)
		u[8 + i] = (uint8_t)i;
	uint16_t csum = pmip_ipv6_l4_checksum(&s, &d, 17, u, udp_len);
	if (csum == 0)
		csum = 0xffff;
	u[6] = (uint8_t)(csum >> 8);
	u[7] = (uint8_t)csum;
	return m;
}

struct rte_mbuf *h_tunnelled(const uint8_t src_mac[6], const uint8_t dst_mac[6],
			     const char *outer_src, const char *outer_dst, struct rte_mbuf *inner)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp.pool);
	cr_assert_not_null(m);
	uint16_t ilen = (uint16_t)(rte_pktmbuf_pkt_len(inner) - PMIP_ETH_HLEN);
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(PMIP_ETH_HLEN + PMIP_IPV6_HLEN + ilen));
	cr_assert_not_null(p);
	memcpy(p, dst_mac, 6);
	memcpy(p + 6, src_mac, 6);
	p[12] = 0x86;
	p[13] = 0xdd;
	struct in6_addr s = h_ip(outer_src), d = h_ip(outer_dst);
	pmip_ipv6_hdr_write(p + 14, &s, &d, 41, ilen, 64, 0, 0);
	memcpy(p + 54, rte_pktmbuf_mtod_offset(inner, uint8_t *, PMIP_ETH_HLEN), ilen);
	rte_pktmbuf_free(inner);
	return m;
}

void h_rx(uint16_t port, struct rte_mbuf **pkts, unsigned n)
{
	dp_rx_burst(h_worker(), &dp.ports[port], pkts, n);
}

unsigned h_tx_count(uint16_t port)
{
	return h_worker()->txbuf[port].n;
}

struct rte_mbuf *h_tx(uint16_t port, unsigned i)
{
	cr_assert_lt(i, h_worker()->txbuf[port].n);
	return h_worker()->txbuf[port].pkts[i];
}

void h_tx_clear(void)
{
	for (unsigned p = 0; p < dp.n_ports; p++) {
		struct dp_txbuf *b = &h_worker()->txbuf[p];
		for (unsigned i = 0; i < b->n; i++)
			rte_pktmbuf_free(b->pkts[i]);
		b->n = 0;
	}
}

struct rte_mbuf *h_frame(const uint8_t *b, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp.pool);
	cr_assert_not_null(m);
	if (len > 0) {
		uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len);
		cr_assert_not_null(p);
		memcpy(p, b, len);
	}
	return m;
}

const uint8_t *h_bytes(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod(m, const uint8_t *);
}

void h_rx1(uint16_t port, struct rte_mbuf *m)
{
	h_rx(port, &m, 1);
}

uint64_t h_drops(enum dp_drop_reason r)
{
	return h_worker()->stats.drop[r];
}

uint64_t h_drops_total(void)
{
	uint64_t s = 0;
	for (unsigned r = 0; r < DP_DROP_COUNT; r++)
		s += h_drops((enum dp_drop_reason)r);
	return s;
}

unsigned h_tx_total(void)
{
	unsigned s = 0;
	for (unsigned p = 0; p < dp.n_ports; p++)
		s += h_tx_count((uint16_t)p);
	return s;
}

uint64_t h_punted_total(void)
{
	uint64_t s = 0;
	for (unsigned p = 0; p < dp.n_ports; p++)
		s += h_worker()->stats.port[p].punted;
	return s;
}

bool h_evt(struct pmip_evt_msg *out)
{
	return rte_ring_sc_dequeue_elem(dp.shm.ring[PMIP_RING_EVT], out, sizeof(*out)) == 0;
}

bool h_punt(struct pmip_pkt_msg *out)
{
	return rte_ring_sc_dequeue_elem(dp.shm.ring[PMIP_RING_PUNT], out, sizeof(*out)) == 0;
}
