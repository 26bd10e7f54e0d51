/* Forwarding on mbufs without a NIC: MAG uplink encapsulation, MAG downlink
 * decapsulation, LMA encapsulation and anti-spoofing decapsulation, route
 * forwarding, ICMPv6 errors, local ND, handover, table rules, and malformed
 * input (truncations and bit flips) with every packet accounted for.
 *
 * Suites: fwd_mag (MAG, port 0 access, port 1 core), fwd_mag_mtu (MAG with a
 * small access MTU), fwd_lma (LMA, port 0 core, port 1 network, two MAGs),
 * tables (ctl rules, on the MAG setup), malformed (both roles). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_hash.h>

#include "dp_harness.h"
#include "net/pkt.h"

/* MAG: port 0 access, port 1 core (to the LMA 2001:db8:c::2). */
#define MAG_CORE "2001:db8:c::1"
#define LMA_CORE "2001:db8:c::2"
#define MAG_ACCESS "2001:db8:a1::1"
#define HNP "2001:db8:1000::"
#define MN "2001:db8:1000::100"
#define CN "2001:db8:e::100"

/* LMA: port 0 core, port 1 network; MAG1 and MAG2 on the core link. */
#define MAG1 "2001:db8:c::1"
#define MAG2 "2001:db8:c::3"
#define LMA_NET "2001:db8:e::1"
#define HNP1 "2001:db8:1000::"
#define HNP2 "2001:db8:2000::"
#define MN1 "2001:db8:1000::100"
#define MN2 "2001:db8:2000::200"

static const uint8_t MAC_MN_A[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a };
static const uint8_t MAC_MN_B[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b };
static const uint8_t MAC_OTHER[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x99 };
static const uint8_t MAC_RTR[6] = { 0x02, 0x00, 0x00, 0x00, 0x03, 0x01 };

/* ------------------------------------------------------------- helpers -- */

static const uint8_t *bytes(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod(m, const uint8_t *);
}

/* Parse the IPv6 header of a queued frame. */
static struct pmip_ipv6_view ipv(struct rte_mbuf *m)
{
	struct pmip_ipv6_view ip;
	cr_assert_geq(rte_pktmbuf_pkt_len(m), 14 + 40);
	cr_assert_eq(pmip_ipv6_parse(bytes(m) + 14, rte_pktmbuf_pkt_len(m) - 14, &ip),
		     PMIP_PKT_ERR_OK);
	return ip;
}

static void assert_addr(const struct in6_addr *a, const char *want)
{
	struct in6_addr w = h_ip(want);
	char got[64];
	snprintf(got, sizeof(got), "%02x%02x:%02x%02x...%02x%02x", a->s6_addr[0], a->s6_addr[1],
		 a->s6_addr[2], a->s6_addr[3], a->s6_addr[14], a->s6_addr[15]);
	cr_assert_arr_eq(a, &w, 16, "address %s, want %s", got, want);
}

static void assert_dst(struct rte_mbuf *m, const char *want)
{
	struct pmip_ipv6_view ip = ipv(m);
	assert_addr(&ip.dst, want);
}

/* A frame from raw bytes. */
static struct rte_mbuf *mk(const uint8_t *b, size_t len)
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

/* Copy a frame out (and free it). */
static size_t take(struct rte_mbuf *m, uint8_t *out, size_t cap)
{
	size_t n = rte_pktmbuf_pkt_len(m);
	cr_assert_leq(n, cap);
	memcpy(out, bytes(m), n);
	rte_pktmbuf_free(m);
	return n;
}

static void pad(struct rte_mbuf *m, uint16_t n, uint8_t v)
{
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, n);
	cr_assert_not_null(p);
	memset(p, v, n);
}

static uint64_t drops_total(void)
{
	uint64_t s = 0;
	for (unsigned r = 0; r < DP_DROP_COUNT; r++)
		s += h_drops((enum dp_drop_reason)r);
	return s;
}

static unsigned tx_total(void)
{
	unsigned s = 0;
	for (unsigned p = 0; p < dp.n_ports; p++)
		s += h_tx_count((uint16_t)p);
	return s;
}

static uint64_t punted_total(void)
{
	uint64_t s = 0;
	for (unsigned p = 0; p < dp.n_ports; p++)
		s += h_worker()->stats.port[p].punted;
	return s;
}

static unsigned evt_drain(void)
{
	struct pmip_evt_msg e;
	unsigned n = 0;
	while (h_evt(&e))
		n++;
	return n;
}

static unsigned punt_drain(void)
{
	struct pmip_pkt_msg *p = malloc(sizeof(*p));
	cr_assert_not_null(p);
	unsigned n = 0;
	while (h_punt(p))
		n++;
	free(p);
	return n;
}

static void rx1(uint16_t port, struct rte_mbuf *m)
{
	h_rx(port, &m, 1);
}

/* Parse a queued ICMPv6 error and check its framing. */
static struct pmip_icmp6_error icmp_err(struct rte_mbuf *o, const uint8_t dst_mac[6],
					const uint8_t src_mac[6], const char *src,
					const char *dst)
{
	const uint8_t *p = bytes(o);
	cr_assert_arr_eq(p, dst_mac, 6, "error to the invoking frame's Ethernet source");
	cr_assert_arr_eq(p + 6, src_mac, 6);
	struct pmip_ipv6_view ip = ipv(o);
	cr_assert_eq(ip.next_header, PMIP_IPPROTO_ICMPV6);
	cr_assert_eq(ip.hop_limit, PMIP_IPV6_DEFAULT_HOP_LIMIT);
	assert_addr(&ip.src, src);
	assert_addr(&ip.dst, dst);
	cr_assert_eq(rte_pktmbuf_pkt_len(o), 14u + 40 + ip.payload_len);
	struct pmip_icmp6_error e;
	cr_assert_eq(pmip_icmp6_error_parse(&ip, p + 54, ip.payload_len, &e), PMIP_PKT_ERR_OK);
	return e;
}

static int ctl_route_del(const char *prefix, uint8_t len)
{
	struct pmip_ctl_msg m = { .type = PMIP_CTL_ROUTE_DEL };
	m.u.route.prefix = h_ip(prefix);
	m.u.route.len = len;
	return h_apply(&m);
}

static int ctl_del(uint16_t type, uint32_t id)
{
	struct pmip_ctl_msg m = { .type = type };
	switch (type) {
	case PMIP_CTL_NEIGH_DEL:
		m.u.neigh.id = id;
		break;
	case PMIP_CTL_TUNNEL_DEL:
		m.u.tunnel.id = id;
		break;
	default:
		m.u.binding.id = id;
		break;
	}
	return h_apply(&m);
}

static struct pmip_ctl_msg binding_msg(uint32_t id, uint32_t tunnel, const char *hnp,
				       const uint8_t mac[6])
{
	struct pmip_ctl_msg m = { .type = PMIP_CTL_BINDING_SET };
	m.u.binding.id = id;
	m.u.binding.tunnel_id = tunnel;
	m.u.binding.hnp = h_ip(hnp);
	m.u.binding.hnp_len = 64;
	m.u.binding.access_port = 0;
	memcpy(m.u.binding.mn_mac, mac, 6);
	return m;
}

/* ------------------------------------------------------------- MAG ---- */

static void mag_setup(void)
{
	static const struct h_port_spec ports[] = {
		{ PMIP_PORT_ACCESS, MAG_ACCESS, 1500 },
		{ PMIP_PORT_CORE, MAG_CORE, 1500 },
	};
	h_init(PMIP_ROLE_MAG, ports, 2, "0", 1024);
	cr_assert_eq(h_neigh(0, 1, LMA_CORE, H_MAC_PEER, true), PMIP_CTL_OK);
	cr_assert_eq(h_tunnel(0, 1, MAG_CORE, LMA_CORE, 0, 1500), PMIP_CTL_OK);
	cr_assert_eq(h_binding(7, 0, HNP, NULL, 0, H_MAC_MN), PMIP_CTL_OK);
}

/* A downlink frame from the LMA to dst (inner payload of udp_len bytes). */
static struct rte_mbuf *mag_down(const char *outer_src, const char *src, const char *dst,
				 uint16_t payload, uint8_t hop)
{
	struct rte_mbuf *in = h_udp(H_MAC_CN, H_MAC_CN, src, dst, payload, hop);
	return h_tunnelled(H_MAC_PEER, dp.ports[1].mac, outer_src, MAG_CORE, in);
}

static struct rte_mbuf *mag_up(const uint8_t mac[6], const char *src, const char *dst,
			       uint16_t payload, uint8_t hop)
{
	return h_udp(mac, dp.ports[0].mac, src, dst, payload, hop);
}

TestSuite(fwd_mag, .init = mag_setup, .fini = h_fini);

Test(fwd_mag, uplink_is_encapsulated_to_the_lma)
{
	struct rte_mbuf *m = h_udp(H_MAC_MN, dp.ports[0].mac, MN, CN, 100, 64);
	uint8_t inner[PMIP_IPV6_HLEN + 108];
	memcpy(inner, rte_pktmbuf_mtod_offset(m, uint8_t *, 14), sizeof(inner));
	h_rx(0, &m, 1);
	cr_assert_eq(h_tx_count(1), 1, "one packet towards the LMA");
	struct rte_mbuf *o = h_tx(1, 0);
	const uint8_t *p = rte_pktmbuf_mtod(o, const uint8_t *);
	cr_assert_eq(rte_pktmbuf_pkt_len(o), 14 + 40 + 40 + 108);
	cr_assert_arr_eq(p, H_MAC_PEER, 6, "to the LMA's MAC");
	cr_assert_arr_eq(p + 6, dp.ports[1].mac, 6, "from the core port");
	struct pmip_ipv6_view ip;
	cr_assert_eq(pmip_ipv6_parse(p + 14, rte_pktmbuf_pkt_len(o) - 14, &ip), PMIP_PKT_ERR_OK);
	struct in6_addr lma = h_ip(LMA_CORE), mag = h_ip(MAG_CORE);
	cr_assert_arr_eq(&ip.src, &mag, 16);
	cr_assert_arr_eq(&ip.dst, &lma, 16);
	cr_assert_eq(ip.next_header, 41);
	cr_assert_eq(ip.hop_limit, 64, "tunnel hop limit (RFC 2473 6.3)");
	cr_assert_eq(ip.payload_len, 40 + 108);
	/* Inner packet unchanged but for the hop limit, decremented once. */
	inner[7]--;
	cr_assert_arr_eq(p + 54, inner, sizeof(inner));
	cr_assert_eq(h_worker()->bctr[7].up_pkts, 1);
	cr_assert_eq(h_worker()->bctr[7].up_bytes, 148);
}

Test(fwd_mag, downlink_is_decapsulated_to_the_mn)
{
	struct rte_mbuf *in = h_udp(H_MAC_CN, H_MAC_CN, CN, MN, 50, 60);
	struct rte_mbuf *m = h_tunnelled(H_MAC_PEER, dp.ports[1].mac, LMA_CORE, MAG_CORE, in);
	h_rx(1, &m, 1);
	cr_assert_eq(h_tx_count(0), 1, "one packet to the MN");
	struct rte_mbuf *o = h_tx(0, 0);
	const uint8_t *p = rte_pktmbuf_mtod(o, const uint8_t *);
	cr_assert_eq(rte_pktmbuf_pkt_len(o), 14 + 40 + 58);
	cr_assert_arr_eq(p, H_MAC_MN, 6);
	cr_assert_arr_eq(p + 6, dp.ports[0].mac, 6);
	cr_assert_eq(p[14 + 7], 59, "inner hop limit decremented");
	cr_assert_eq(h_worker()->bctr[7].down_pkts, 1);
}

Test(fwd_mag, downlink_inner_packet_is_unchanged_but_hop_limit)
{
	struct rte_mbuf *in = h_udp(H_MAC_CN, H_MAC_CN, CN, MN, 77, 60);
	uint8_t want[40 + 85];
	memcpy(want, bytes(in) + 14, sizeof(want));
	want[7] = 59;
	rx1(1, h_tunnelled(H_MAC_PEER, dp.ports[1].mac, LMA_CORE, MAG_CORE, in));
	cr_assert_eq(h_tx_count(0), 1);
	cr_assert_eq(rte_pktmbuf_pkt_len(h_tx(0, 0)), 14 + sizeof(want));
	cr_assert_arr_eq(bytes(h_tx(0, 0)) + 14, want, sizeof(want));
	cr_assert_eq(bytes(h_tx(0, 0))[12], 0x86);
	cr_assert_eq(bytes(h_tx(0, 0))[13], 0xdd);
	cr_assert_eq(h_worker()->bctr[7].down_bytes, sizeof(want));
	cr_assert_eq(h_tx_count(1), 0);
	cr_assert_eq(drops_total(), 0);
}

Test(fwd_mag, uplink_from_unknown_mac_is_no_binding)
{
	rx1(0, mag_up(MAC_OTHER, MN, CN, 40, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_BINDING), 1);
	cr_assert_eq(drops_total(), 1);
	cr_assert_eq(tx_total(), 0);
	cr_assert_eq(h_worker()->bctr[7].up_pkts, 0);
	cr_assert_eq(h_worker()->stats.port[0].drops, 1, "counted on the access port");
}

Test(fwd_mag, uplink_from_unknown_prefix_is_no_binding)
{
	/* Right MAC, source outside the MN's home network prefix. */
	rx1(0, mag_up(H_MAC_MN, "2001:db8:1001::100", CN, 40, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_BINDING), 1);
	cr_assert_eq(drops_total(), 1);
	cr_assert_eq(tx_total(), 0);
	cr_assert_eq(h_worker()->bctr[7].up_pkts, 0);
}

Test(fwd_mag, uplink_to_unresolved_lma_asks_once_per_100ms)
{
	cr_assert_eq(h_neigh(0, 1, LMA_CORE, H_MAC_PEER, false), PMIP_CTL_OK);
	rx1(0, mag_up(H_MAC_MN, MN, CN, 40, 64));
	cr_assert_eq(h_drops(DP_DROP_NEIGH_UNRESOLVED), 1);
	cr_assert_eq(tx_total(), 0);
	struct pmip_evt_msg e;
	cr_assert(h_evt(&e), "one NEIGH_MISS event");
	cr_assert_eq(e.type, PMIP_EVT_NEIGH_MISS);
	cr_assert_eq(e.seq, 0, "unsolicited");
	cr_assert_eq(e.generation, dp.generation);
	cr_assert_eq(e.u.neigh_miss.port, 1, "the tunnel's port");
	cr_assert_eq(e.u.neigh_miss.neigh_id, 0, "the tunnel's neighbour id");
	assert_addr(&e.u.neigh_miss.ip, LMA_CORE);
	cr_assert_not(h_evt(&e), "exactly one event");

	/* Within 100 ms: dropped again, no second event. */
	rx1(0, mag_up(H_MAC_MN, MN, CN, 40, 64));
	cr_assert_eq(h_drops(DP_DROP_NEIGH_UNRESOLVED), 2);
	cr_assert_not(h_evt(&e), "no second event within 100 ms");
	cr_assert_eq(h_worker()->stats.neigh_misses, 1);
	cr_assert_eq(h_worker()->bctr[7].up_pkts, 0, "not counted as sent");

	/* After 100 ms: asked again. */
	usleep(110 * 1000);
	rx1(0, mag_up(H_MAC_MN, MN, CN, 40, 64));
	cr_assert(h_evt(&e), "asked again after 100 ms");
	cr_assert_eq(e.type, PMIP_EVT_NEIGH_MISS);
	cr_assert_eq(h_worker()->stats.neigh_misses, 2);

	/* Resolved: forwarded. */
	cr_assert_eq(h_neigh(0, 1, LMA_CORE, H_MAC_PEER2, true), PMIP_CTL_OK);
	rx1(0, mag_up(H_MAC_MN, MN, CN, 40, 64));
	cr_assert_eq(h_tx_count(1), 1);
	cr_assert_arr_eq(bytes(h_tx(1, 0)), H_MAC_PEER2, 6, "the new MAC");
}

Test(fwd_mag, uplink_hop_limit_1_gets_time_exceeded)
{
	struct rte_mbuf *m = mag_up(H_MAC_MN, MN, CN, 60, 1);
	uint8_t inv[40 + 68];
	memcpy(inv, bytes(m) + 14, sizeof(inv));
	rx1(0, m);
	cr_assert_eq(h_drops(DP_DROP_HOP_LIMIT), 1);
	cr_assert_eq(drops_total(), 1);
	cr_assert_eq(h_tx_count(1), 0, "nothing into the tunnel");
	cr_assert_eq(h_tx_count(0), 1, "an error back on the access port");
	struct rte_mbuf *o = h_tx(0, 0);
	struct pmip_icmp6_error e = icmp_err(o, H_MAC_MN, dp.ports[0].mac, MAG_ACCESS, MN);
	cr_assert_eq(e.type, PMIP_ICMP6_TIME_EXCEEDED);
	cr_assert_eq(e.code, 0, "hop limit exceeded in transit");
	cr_assert_eq(e.param, 0);
	cr_assert_eq(e.invoking_len, sizeof(inv), "the whole invoking packet");
	cr_assert_arr_eq(bytes(o) + 54 + e.invoking_off, inv, sizeof(inv));
	cr_assert_eq(h_worker()->stats.icmp_sent, 1);
	cr_assert_eq(h_worker()->bctr[7].up_pkts, 0);
}

Test(fwd_mag, uplink_hop_limit_2_is_forwarded_with_1)
{
	rx1(0, mag_up(H_MAC_MN, MN, CN, 60, 2));
	cr_assert_eq(h_tx_count(1), 1);
	cr_assert_eq(bytes(h_tx(1, 0))[54 + 7], 1);
	cr_assert_eq(drops_total(), 0);
}

Test(fwd_mag, uplink_too_big_for_tunnel_gets_packet_too_big)
{
	/* Tunnel MTU 1500: inner packets up to 1460 bytes fit (RFC 2473 7.1). */
	rx1(0, mag_up(H_MAC_MN, MN, CN, 1460 - 48, 64));
	cr_assert_eq(h_tx_count(1), 1, "1460 bytes fit");
	cr_assert_eq(rte_pktmbuf_pkt_len(h_tx(1, 0)), 14 + 1500);
	h_tx_clear();

	struct rte_mbuf *m = mag_up(H_MAC_MN, MN, CN, 1461 - 48, 64);
	uint8_t inv[1461];
	memcpy(inv, bytes(m) + 14, sizeof(inv));
	rx1(0, m);
	cr_assert_eq(h_drops(DP_DROP_TOO_BIG), 1);
	cr_assert_eq(drops_total(), 1);
	cr_assert_eq(h_tx_count(1), 0);
	cr_assert_eq(h_tx_count(0), 1);
	struct rte_mbuf *o = h_tx(0, 0);
	struct pmip_icmp6_error e = icmp_err(o, H_MAC_MN, dp.ports[0].mac, MAG_ACCESS, MN);
	cr_assert_eq(e.type, PMIP_ICMP6_PACKET_TOO_BIG);
	cr_assert_eq(e.code, 0);
	cr_assert_eq(e.param, 1460, "tunnel MTU 1500 - 40");
	cr_assert_eq(e.invoking_len, PMIP_ICMP6_ERROR_MAX_INVOKING, "cut to fit 1280");
	cr_assert_eq(rte_pktmbuf_pkt_len(o), 14 + 1280);
	cr_assert_arr_eq(bytes(o) + 54 + e.invoking_off, inv, PMIP_ICMP6_ERROR_MAX_INVOKING);
	cr_assert_eq(h_worker()->bctr[7].up_pkts, 1, "only the first");
}

Test(fwd_mag, icmp_errors_are_rate_limited)
{
	struct rte_mbuf *m[24];
	for (unsigned i = 0; i < 24; i++)
		m[i] = mag_up(H_MAC_MN, MN, CN, 10, 1);
	h_rx(0, m, 24);
	cr_assert_eq(h_drops(DP_DROP_HOP_LIMIT), 24);
	cr_assert_eq(h_tx_count(0), DP_ICMP_BURST, "a burst of %u errors", DP_ICMP_BURST);
	cr_assert_eq(h_worker()->stats.icmp_sent, DP_ICMP_BURST);
	cr_assert_eq(h_worker()->stats.icmp_suppressed, 24 - DP_ICMP_BURST);
}

Test(fwd_mag, downlink_from_wrong_outer_source_is_tunnel_mismatch)
{
	rx1(1, mag_down("2001:db8:c::9", CN, MN, 40, 64));
	cr_assert_eq(h_drops(DP_DROP_TUNNEL_MISMATCH), 1);
	cr_assert_eq(drops_total(), 1);
	cr_assert_eq(tx_total(), 0);
	cr_assert_eq(h_worker()->bctr[7].down_pkts, 0);
}

Test(fwd_mag, downlink_without_binding_is_no_binding)
{
	rx1(1, mag_down(LMA_CORE, CN, "2001:db8:2000::1", 40, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_BINDING), 1);
	cr_assert_eq(drops_total(), 1);
	cr_assert_eq(tx_total(), 0);
}

Test(fwd_mag, downlink_hop_limit_1_is_dropped)
{
	rx1(1, mag_down(LMA_CORE, CN, MN, 40, 1));
	cr_assert_eq(h_drops(DP_DROP_HOP_LIMIT), 1);
	cr_assert_eq(drops_total(), 1);
	cr_assert_eq(tx_total(), 0, "no error: the packet was not received natively");
}

Test(fwd_mag, downlink_malformed_inner_is_tunnel_malformed)
{
	uint8_t f[14 + 40 + 40 + 48];
	size_t n = take(mag_down(LMA_CORE, CN, MN, 40, 64), f, sizeof(f));
	cr_assert_eq(n, sizeof(f));

	uint8_t g[sizeof(f)];
	/* Inner version 4. */
	memcpy(g, f, n);
	g[54] = 0x45;
	rx1(1, mk(g, n));
	cr_assert_eq(h_drops(DP_DROP_TUNNEL_MALFORMED), 1);
	/* Inner payload length beyond the outer packet: 48 -> 49. */
	memcpy(g, f, n);
	g[54 + 5] = 49;
	rx1(1, mk(g, n));
	cr_assert_eq(h_drops(DP_DROP_TUNNEL_MALFORMED), 2);
	/* ... and far beyond. */
	memcpy(g, f, n);
	g[54 + 4] = 0xff;
	rx1(1, mk(g, n));
	cr_assert_eq(h_drops(DP_DROP_TUNNEL_MALFORMED), 3);
	/* Outer payload shorter than an IPv6 header (the rest is padding). */
	memcpy(g, f, n);
	g[14 + 4] = 0;
	g[14 + 5] = 39;
	rx1(1, mk(g, n));
	cr_assert_eq(h_drops(DP_DROP_TUNNEL_MALFORMED), 4);
	/* The unmodified frame still goes through. */
	rx1(1, mk(f, n));
	cr_assert_eq(drops_total(), 4);
	cr_assert_eq(h_tx_count(0), 1);
}

Test(fwd_mag, link_local_is_never_forwarded)
{
	/* To a link-local address that is not ours. */
	rx1(0, mag_up(H_MAC_MN, MN, "fe80::1234", 40, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_ROUTE), 1);
	/* From the MN's link-local address to a global one. */
	rx1(0, mag_up(H_MAC_MN, "fe80::200:ff:fe00:1", CN, 40, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_ROUTE), 2);
	/* Arriving on the core port, not a tunnel. */
	rx1(1, h_udp(H_MAC_PEER, dp.ports[1].mac, LMA_CORE, "fe80::1", 40, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_ROUTE), 3);
	cr_assert_eq(drops_total(), 3);
	cr_assert_eq(tx_total(), 0, "no packet and no error");
	cr_assert_eq(h_worker()->bctr[7].up_pkts, 0);
}

Test(fwd_mag, downlink_link_local_inner_source_is_not_forwarded)
{
	/* Regression test (was a bug): dp/fwd.c decap() checks link-local inner sources on the LMA
	 * only; the MAG forwards a decapsulated packet with a link-local
	 * source from the tunnel onto the access link. RFC 4291 2.5.6:
	 * routers must not forward packets with link-local source or
	 * destination addresses to other links. */
	rx1(1, mag_down(LMA_CORE, "fe80::1", MN, 40, 64));
	cr_assert_eq(h_tx_count(0), 0, "not forwarded to the MN");
	cr_assert_eq(drops_total(), 1, "dropped and counted");
}

Test(fwd_mag, ethernet_padding_is_not_forwarded)
{
	/* Uplink: 30 bytes of padding after the IPv6 payload. */
	struct rte_mbuf *m = mag_up(H_MAC_MN, MN, CN, 20, 64);
	uint8_t inner[40 + 28];
	memcpy(inner, bytes(m) + 14, sizeof(inner));
	inner[7]--;
	pad(m, 30, 0xee);
	rx1(0, m);
	cr_assert_eq(h_tx_count(1), 1);
	struct rte_mbuf *o = h_tx(1, 0);
	cr_assert_eq(rte_pktmbuf_pkt_len(o), 14 + 40 + sizeof(inner), "padding not carried");
	cr_assert_eq(rte_pktmbuf_data_len(o), 14 + 40 + sizeof(inner));
	cr_assert_eq(ipv(o).payload_len, sizeof(inner));
	cr_assert_arr_eq(bytes(o) + 54, inner, sizeof(inner));
	cr_assert_eq(h_worker()->bctr[7].up_bytes, sizeof(inner));

	/* Downlink: padding after the outer packet. */
	m = mag_down(LMA_CORE, CN, MN, 6, 64);
	pad(m, 16, 0xee);
	rx1(1, m);
	cr_assert_eq(h_tx_count(0), 1);
	o = h_tx(0, 0);
	cr_assert_eq(rte_pktmbuf_pkt_len(o), 14 + 40 + 14);
	cr_assert_eq(ipv(o).payload_len, 14);
	cr_assert_eq(drops_total(), 0);
}

Test(fwd_mag, burst_of_100_mixed_packets_is_all_accounted)
{
	enum { N = 100 };
	struct rte_mbuf *m[N];
	unsigned want_good = 0, want_unknown = 0, want_ll = 0, want_hop = 0, want_mismatch = 0;
	unsigned want_down = 0;
	for (unsigned i = 0; i < N; i++) {
		switch (i % 6) {
		case 0:
			m[i] = mag_up(MAC_OTHER, MN, CN, 30, 64);
			want_unknown++;
			break;
		case 1:
			m[i] = mag_up(H_MAC_MN, MN, "fe80::1", 30, 64);
			want_ll++;
			break;
		case 2:
			if (i < 40) {
				m[i] = mag_up(H_MAC_MN, MN, CN, 30, 1);
				want_hop++;
			} else {
				m[i] = mag_up(H_MAC_MN, MN, CN, (uint16_t)i, 64);
				want_good++;
			}
			break;
		default:
			m[i] = mag_up(H_MAC_MN, MN, CN, (uint16_t)i, 64);
			want_good++;
			break;
		}
	}
	h_rx(0, m, N);
	cr_assert_eq(want_hop, 7);
	cr_assert_eq(h_tx_count(1), want_good, "every good packet tunnelled");
	cr_assert_eq(h_tx_count(0), want_hop, "one Time Exceeded each");
	cr_assert_eq(h_drops(DP_DROP_NO_BINDING), want_unknown);
	cr_assert_eq(h_drops(DP_DROP_NO_ROUTE), want_ll);
	cr_assert_eq(h_drops(DP_DROP_HOP_LIMIT), want_hop);
	cr_assert_eq(drops_total() + h_tx_count(1), N);
	cr_assert_eq(h_worker()->bctr[7].up_pkts, want_good);
	for (unsigned i = 0; i < h_tx_count(1); i++) {
		const uint8_t *p = bytes(h_tx(1, i));
		cr_assert_arr_eq(p, H_MAC_PEER, 6);
		cr_assert_eq(p[14 + 6], 41);
	}
	h_tx_clear();

	/* And the other direction, mixed, on the core port. */
	for (unsigned i = 0; i < N; i++) {
		if (i % 4 == 0) {
			m[i] = mag_down("2001:db8:c::9", CN, MN, 20, 64);
			want_mismatch++;
		} else {
			m[i] = mag_down(LMA_CORE, CN, MN, (uint16_t)i, 64);
			want_down++;
		}
	}
	h_rx(1, m, N);
	cr_assert_eq(h_tx_count(0), want_down);
	cr_assert_eq(h_drops(DP_DROP_TUNNEL_MISMATCH), want_mismatch);
	cr_assert_eq(h_worker()->bctr[7].down_pkts, want_down);
}

static struct rte_mbuf *rs_frame(const uint8_t mac[6], bool slla)
{
	uint8_t f[14 + 40 + 16];
	struct in6_addr s, d = h_ip("ff02::2");
	pmip_ipv6_link_local_from_mac(mac, &s);
	const uint8_t dmac[6] = { 0x33, 0x33, 0, 0, 0, 2 };
	memcpy(f, dmac, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	uint16_t len = slla ? 16 : 8;
	pmip_ipv6_hdr_write(f + 14, &s, &d, PMIP_IPPROTO_ICMPV6, len, 255, 0, 0);
	uint8_t *icmp = f + 54;
	memset(icmp, 0, 16);
	icmp[0] = PMIP_ND_ROUTER_SOLICIT;
	icmp[8] = PMIP_ND_OPT_SLLA;
	icmp[9] = 1;
	memcpy(icmp + 10, mac, 6);
	uint16_t c = pmip_ipv6_l4_checksum(&s, &d, PMIP_IPPROTO_ICMPV6, icmp, len);
	icmp[2] = (uint8_t)(c >> 8);
	icmp[3] = (uint8_t)c;
	return mk(f, 14 + 40 + len);
}

Test(fwd_mag, router_solicitation_is_punted)
{
	struct rte_mbuf *m = rs_frame(H_MAC_MN, true);
	uint8_t f[70];
	memcpy(f, bytes(m), sizeof(f));
	rx1(0, m);
	struct pmip_pkt_msg *p = malloc(sizeof(*p));
	cr_assert_not_null(p);
	cr_assert(h_punt(p), "punted to cp");
	cr_assert_eq(p->reason, PMIP_PUNT_ROUTER_SOLICIT);
	cr_assert_eq(p->port, 0);
	cr_assert_eq(p->len, sizeof(f));
	cr_assert_arr_eq(p->data, f, sizeof(f), "the frame as received");
	cr_assert_not(h_punt(p), "once");
	free(p);
	cr_assert_eq(h_worker()->stats.port[0].punted, 1);
	cr_assert_eq(drops_total(), 0);
	cr_assert_eq(tx_total(), 0);

	/* The same RS with a bad checksum is not punted. */
	f[54 + 2] ^= 0x01;
	rx1(0, mk(f, sizeof(f)));
	cr_assert_eq(h_drops(DP_DROP_ND_INVALID), 1);
	/* Nor an RS on the core port: the MAG is no router there. */
	rx1(1, rs_frame(H_MAC_PEER, true));
	cr_assert_eq(h_drops(DP_DROP_LOCAL_UNHANDLED), 1);
	cr_assert_eq(punt_drain(), 0);
}

Test(fwd_mag, neighbor_solicitation_for_our_address_is_answered)
{
	uint8_t f[86];
	struct in6_addr mn_ll, target = h_ip(MAG_ACCESS);
	pmip_ipv6_link_local_from_mac(H_MAC_MN, &mn_ll);
	cr_assert_eq(pmip_nd_ns_build(f, sizeof(f), H_MAC_MN, &mn_ll, &target, NULL), 86);
	rx1(0, mk(f, sizeof(f)));
	cr_assert_eq(h_tx_count(0), 1, "an NA on the access port");
	struct rte_mbuf *o = h_tx(0, 0);
	cr_assert_eq(rte_pktmbuf_pkt_len(o), 86);
	cr_assert_arr_eq(bytes(o), H_MAC_MN, 6, "to the solicitor's link-layer address");
	cr_assert_arr_eq(bytes(o) + 6, dp.ports[0].mac, 6);
	struct pmip_ipv6_view ip = ipv(o);
	cr_assert_eq(ip.hop_limit, 255);
	cr_assert_arr_eq(&ip.src, &target, 16);
	cr_assert_arr_eq(&ip.dst, &mn_ll, 16);
	struct pmip_nd_na na;
	cr_assert_eq(pmip_nd_na_parse(&ip, bytes(o) + 54, ip.payload_len, &na), PMIP_PKT_ERR_OK);
	cr_assert_arr_eq(&na.target, &target, 16);
	cr_assert_eq(na.flags, PMIP_NA_FLAG_ROUTER | PMIP_NA_FLAG_SOLICITED | PMIP_NA_FLAG_OVERRIDE);
	cr_assert(na.has_tlla);
	cr_assert_arr_eq(na.tlla, dp.ports[0].mac, 6);
	cr_assert_eq(h_worker()->stats.port[0].nd_replies, 1);
	cr_assert_eq(punt_drain(), 0);
	cr_assert_eq(drops_total(), 0);

	/* The link-local address is ours too. */
	h_tx_clear();
	cr_assert_eq(pmip_nd_ns_build(f, sizeof(f), H_MAC_MN, &mn_ll, &dp.ports[0].addrs[0], NULL),
		     86);
	rx1(0, mk(f, sizeof(f)));
	cr_assert_eq(h_tx_count(0), 1);
	ip = ipv(h_tx(0, 0));
	cr_assert_eq(pmip_nd_na_parse(&ip, bytes(h_tx(0, 0)) + 54, ip.payload_len, &na),
		     PMIP_PKT_ERR_OK);
	cr_assert_arr_eq(&na.target, &dp.ports[0].addrs[0], 16);
}

Test(fwd_mag, shared_prefix_mns_get_their_own_downlink)
{
	cr_assert_eq(h_binding(10, 0, "2001:db8:5000::", "2001:db8:5000::a", 0, MAC_MN_A),
		     PMIP_CTL_OK);
	cr_assert_eq(h_binding(11, 0, "2001:db8:5000::", "2001:db8:5000::b", 0, MAC_MN_B),
		     PMIP_CTL_OK);
	rx1(1, mag_down(LMA_CORE, CN, "2001:db8:5000::a", 20, 64));
	rx1(1, mag_down(LMA_CORE, CN, "2001:db8:5000::b", 21, 64));
	rx1(1, mag_down(LMA_CORE, CN, "2001:db8:5000::b", 22, 64));
	cr_assert_eq(h_tx_count(0), 3);
	cr_assert_arr_eq(bytes(h_tx(0, 0)), MAC_MN_A, 6);
	cr_assert_arr_eq(bytes(h_tx(0, 1)), MAC_MN_B, 6);
	cr_assert_arr_eq(bytes(h_tx(0, 2)), MAC_MN_B, 6);
	cr_assert_eq(h_worker()->bctr[10].down_pkts, 1);
	cr_assert_eq(h_worker()->bctr[11].down_pkts, 2);
	/* An address of the shared prefix that no MN holds. */
	rx1(1, mag_down(LMA_CORE, CN, "2001:db8:5000::c", 20, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_BINDING), 1);
	h_tx_clear();

	/* Uplink: each MN counted on its own binding. */
	rx1(0, mag_up(MAC_MN_A, "2001:db8:5000::a", CN, 20, 64));
	rx1(0, mag_up(MAC_MN_B, "2001:db8:5000::b", CN, 20, 64));
	cr_assert_eq(h_tx_count(1), 2);
	cr_assert_eq(h_worker()->bctr[10].up_pkts, 1);
	cr_assert_eq(h_worker()->bctr[11].up_pkts, 1);
	/* The dedicated-prefix MN is unaffected. */
	rx1(1, mag_down(LMA_CORE, CN, MN, 20, 64));
	cr_assert_eq(h_tx_count(0), 1);
	cr_assert_arr_eq(bytes(h_tx(0, 0)), H_MAC_MN, 6);
}

Test(fwd_mag, native_packet_on_core_port_without_route_is_no_route)
{
	struct rte_mbuf *m = h_udp(H_MAC_PEER, dp.ports[1].mac, CN, "2001:db8:9::1", 40, 64);
	rx1(1, m);
	cr_assert_eq(h_drops(DP_DROP_NO_ROUTE), 1);
	cr_assert_eq(h_tx_count(1), 1, "Destination Unreachable back on the core port");
	struct pmip_icmp6_error e = icmp_err(h_tx(1, 0), H_MAC_PEER, dp.ports[1].mac, MAG_CORE, CN);
	cr_assert_eq(e.type, PMIP_ICMP6_DST_UNREACH);
	cr_assert_eq(e.code, 0);
}

/* MAG whose access link has a smaller MTU than the tunnel carries. */
static void mag_small_access_setup(void)
{
	static const struct h_port_spec ports[] = {
		{ PMIP_PORT_ACCESS, MAG_ACCESS, 1280 },
		{ PMIP_PORT_CORE, MAG_CORE, 1500 },
	};
	h_init(PMIP_ROLE_MAG, ports, 2, "0", 64);
	cr_assert_eq(h_neigh(0, 1, LMA_CORE, H_MAC_PEER, true), PMIP_CTL_OK);
	cr_assert_eq(h_tunnel(0, 1, MAG_CORE, LMA_CORE, 0, 1500), PMIP_CTL_OK);
	cr_assert_eq(h_binding(7, 0, HNP, NULL, 0, H_MAC_MN), PMIP_CTL_OK);
}

TestSuite(fwd_mag_mtu, .init = mag_small_access_setup, .fini = h_fini);

Test(fwd_mag_mtu, downlink_larger_than_access_mtu_is_not_sent)
{
	/* Regression test (was a bug): dp/fwd.c decap() (MAG branch) sends the decapsulated packet on
	 * the access port without comparing it with that port's MTU: a
	 * 1460-byte packet goes out on a 1280-byte link. The tunnel exit
	 * forwards the inner packet (RFC 2473 3.2), and a router must not
	 * send a packet larger than the outgoing link's MTU (RFC 8200 5;
	 * RFC 4443 3.2: drop it, Packet Too Big to the source). */
	rx1(1, mag_down(LMA_CORE, CN, MN, 1280 - 48, 64));
	cr_assert_eq(h_tx_count(0), 1, "1280 bytes fit");
	h_tx_clear();
	rx1(1, mag_down(LMA_CORE, CN, MN, 1460 - 48, 64));
	cr_assert_eq(h_tx_count(0), 0, "1460 bytes do not fit a 1280 link");
	cr_assert_eq(h_drops(DP_DROP_TOO_BIG), 1);
}

/* ------------------------------------------------------------- LMA ---- */

static void lma_setup(void)
{
	static const struct h_port_spec ports[] = {
		{ PMIP_PORT_CORE, LMA_CORE, 1500 },
		{ PMIP_PORT_NETWORK, LMA_NET, 1500 },
	};
	h_init(PMIP_ROLE_LMA, ports, 2, "0", 1024);
	cr_assert_eq(h_neigh(0, 0, MAG1, H_MAC_PEER, true), PMIP_CTL_OK);
	cr_assert_eq(h_neigh(1, 0, MAG2, H_MAC_PEER2, true), PMIP_CTL_OK);
	cr_assert_eq(h_neigh(2, 1, CN, H_MAC_CN, true), PMIP_CTL_OK);
	cr_assert_eq(h_tunnel(0, 0, LMA_CORE, MAG1, 0, 1500), PMIP_CTL_OK);
	cr_assert_eq(h_tunnel(1, 0, LMA_CORE, MAG2, 1, 1500), PMIP_CTL_OK);
	cr_assert_eq(h_route("2001:db8:e::", 64, PMIP_ROUTE_CONNECTED, 1, 0, NULL), PMIP_CTL_OK);
	cr_assert_eq(h_binding(1, 0, HNP1, NULL, 0, NULL), PMIP_CTL_OK);
	cr_assert_eq(h_binding(2, 1, HNP2, NULL, 0, NULL), PMIP_CTL_OK);
}

/* From the network (port 1). */
static struct rte_mbuf *lma_native(const char *src, const char *dst, uint16_t payload,
				   uint8_t hop)
{
	return h_udp(H_MAC_CN, dp.ports[1].mac, src, dst, payload, hop);
}

/* From a MAG's tunnel (port 0). */
static struct rte_mbuf *lma_tun(const uint8_t mac[6], const char *mag, const char *src,
				const char *dst, uint16_t payload, uint8_t hop)
{
	struct rte_mbuf *in = h_udp(H_MAC_MN, H_MAC_MN, src, dst, payload, hop);
	return h_tunnelled(mac, dp.ports[0].mac, mag, LMA_CORE, in);
}

/* A queued outer packet: to mag at mac, carrying inner (40 + n bytes). */
static void assert_encap(struct rte_mbuf *o, const uint8_t mac[6], const char *mag,
			 const uint8_t *inner, size_t n)
{
	const uint8_t *p = bytes(o);
	cr_assert_eq(rte_pktmbuf_pkt_len(o), 14 + 40 + n);
	cr_assert_arr_eq(p, mac, 6, "to the MAG's MAC");
	cr_assert_arr_eq(p + 6, dp.ports[0].mac, 6, "from the core port");
	struct pmip_ipv6_view ip = ipv(o);
	assert_addr(&ip.src, LMA_CORE);
	assert_addr(&ip.dst, mag);
	cr_assert_eq(ip.next_header, 41);
	cr_assert_eq(ip.hop_limit, 64);
	cr_assert_eq(ip.payload_len, n);
	cr_assert_arr_eq(p + 54, inner, n);
}

TestSuite(fwd_lma, .init = lma_setup, .fini = h_fini);

Test(fwd_lma, downlink_is_encapsulated_to_the_serving_mag)
{
	struct rte_mbuf *m = lma_native(CN, MN1, 30, 64);
	uint8_t inner[40 + 38];
	memcpy(inner, bytes(m) + 14, sizeof(inner));
	inner[7] = 63;
	rx1(1, m);
	cr_assert_eq(h_tx_count(0), 1);
	assert_encap(h_tx(0, 0), H_MAC_PEER, MAG1, inner, sizeof(inner));
	cr_assert_eq(h_worker()->bctr[1].down_pkts, 1);
	cr_assert_eq(h_worker()->bctr[1].down_bytes, sizeof(inner));

	m = lma_native(CN, "2001:db8:2000::77", 30, 64);
	memcpy(inner, bytes(m) + 14, sizeof(inner));
	inner[7] = 63;
	rx1(1, m);
	cr_assert_eq(h_tx_count(0), 2);
	assert_encap(h_tx(0, 1), H_MAC_PEER2, MAG2, inner, sizeof(inner));
	cr_assert_eq(h_worker()->bctr[2].down_pkts, 1);
	cr_assert_eq(h_tx_count(1), 0);
	cr_assert_eq(drops_total(), 0);
}

Test(fwd_lma, downlink_too_big_for_tunnel_gets_packet_too_big)
{
	rx1(1, lma_native(CN, MN1, 1461 - 48, 64));
	cr_assert_eq(h_drops(DP_DROP_TOO_BIG), 1);
	cr_assert_eq(h_tx_count(0), 0);
	cr_assert_eq(h_tx_count(1), 1);
	struct pmip_icmp6_error e = icmp_err(h_tx(1, 0), H_MAC_CN, dp.ports[1].mac, LMA_NET, CN);
	cr_assert_eq(e.type, PMIP_ICMP6_PACKET_TOO_BIG);
	cr_assert_eq(e.param, 1460);
}

Test(fwd_lma, downlink_hop_limit_1_gets_time_exceeded)
{
	rx1(1, lma_native(CN, MN1, 10, 1));
	cr_assert_eq(h_drops(DP_DROP_HOP_LIMIT), 1);
	cr_assert_eq(h_tx_count(0), 0);
	cr_assert_eq(h_tx_count(1), 1);
	struct pmip_icmp6_error e = icmp_err(h_tx(1, 0), H_MAC_CN, dp.ports[1].mac, LMA_NET, CN);
	cr_assert_eq(e.type, PMIP_ICMP6_TIME_EXCEEDED);
}

Test(fwd_lma, shared_prefix_bindings_route_by_address)
{
	cr_assert_eq(h_binding(3, 0, "2001:db8:3000::", "2001:db8:3000::a", 0, NULL), PMIP_CTL_OK);
	cr_assert_eq(h_binding(4, 1, "2001:db8:3000::", "2001:db8:3000::b", 0, NULL), PMIP_CTL_OK);
	rx1(1, lma_native(CN, "2001:db8:3000::a", 10, 64));
	rx1(1, lma_native(CN, "2001:db8:3000::b", 10, 64));
	cr_assert_eq(h_tx_count(0), 2);
	cr_assert_arr_eq(bytes(h_tx(0, 0)), H_MAC_PEER, 6);
	assert_dst(h_tx(0, 0), MAG1);
	cr_assert_arr_eq(bytes(h_tx(0, 1)), H_MAC_PEER2, 6);
	assert_dst(h_tx(0, 1), MAG2);
	cr_assert_eq(h_worker()->bctr[3].down_pkts, 1);
	cr_assert_eq(h_worker()->bctr[4].down_pkts, 1);

	/* An unbound address of the shared prefix goes by the route table:
	 * none here. */
	rx1(1, lma_native(CN, "2001:db8:3000::c", 10, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_ROUTE), 1);
	cr_assert_eq(h_tx_count(0), 2);

	/* Uplink: each address only from its own MAG. */
	h_tx_clear();
	rx1(0, lma_tun(H_MAC_PEER, MAG1, "2001:db8:3000::a", CN, 10, 64));
	rx1(0, lma_tun(H_MAC_PEER2, MAG2, "2001:db8:3000::b", CN, 10, 64));
	cr_assert_eq(h_tx_count(1), 2);
	rx1(0, lma_tun(H_MAC_PEER, MAG1, "2001:db8:3000::b", CN, 10, 64));
	cr_assert_eq(h_drops(DP_DROP_SPOOFED_SOURCE), 1);
	cr_assert_eq(h_worker()->bctr[3].up_pkts, 1);
	cr_assert_eq(h_worker()->bctr[4].up_pkts, 1);
}

Test(fwd_lma, uplink_from_the_right_mag_is_forwarded_to_the_cn)
{
	struct rte_mbuf *m = lma_tun(H_MAC_PEER, MAG1, MN1, CN, 50, 60);
	uint8_t inner[40 + 58];
	memcpy(inner, bytes(m) + 54, sizeof(inner));
	inner[7] = 59;
	rx1(0, m);
	cr_assert_eq(h_tx_count(1), 1, "to the network port");
	struct rte_mbuf *o = h_tx(1, 0);
	cr_assert_eq(rte_pktmbuf_pkt_len(o), 14 + sizeof(inner));
	cr_assert_arr_eq(bytes(o), H_MAC_CN, 6, "the CN's MAC");
	cr_assert_arr_eq(bytes(o) + 6, dp.ports[1].mac, 6);
	cr_assert_eq(bytes(o)[12], 0x86);
	cr_assert_eq(bytes(o)[13], 0xdd);
	cr_assert_arr_eq(bytes(o) + 14, inner, sizeof(inner), "hop limit 60 -> 59, rest unchanged");
	cr_assert_eq(h_worker()->bctr[1].up_pkts, 1);
	cr_assert_eq(h_worker()->bctr[1].up_bytes, sizeof(inner));
	cr_assert_eq(h_worker()->bctr[2].up_pkts, 0);
	cr_assert_eq(h_tx_count(0), 0);
	cr_assert_eq(drops_total(), 0);
}

Test(fwd_lma, uplink_with_unknown_inner_source_is_spoofed)
{
	rx1(0, lma_tun(H_MAC_PEER, MAG1, "2001:db8:7777::1", CN, 20, 64));
	cr_assert_eq(h_drops(DP_DROP_SPOOFED_SOURCE), 1);
	cr_assert_eq(drops_total(), 1);
	cr_assert_eq(tx_total(), 0);
	/* Also from a node that is no MAG at all. */
	rx1(0, lma_tun(MAC_OTHER, "2001:db8:c::9", MN1, CN, 20, 64));
	cr_assert_eq(h_drops(DP_DROP_SPOOFED_SOURCE), 2);
	cr_assert_eq(tx_total(), 0);
	cr_assert_eq(h_worker()->bctr[1].up_pkts, 0);
}

Test(fwd_lma, uplink_with_source_of_the_other_mag_is_spoofed)
{
	/* MN2 is served by MAG2; MAG1 sends with its address. */
	rx1(0, lma_tun(H_MAC_PEER, MAG1, MN2, CN, 20, 64));
	cr_assert_eq(h_drops(DP_DROP_SPOOFED_SOURCE), 1);
	cr_assert_eq(drops_total(), 1);
	cr_assert_eq(tx_total(), 0);
	cr_assert_eq(h_worker()->bctr[1].up_pkts, 0);
	cr_assert_eq(h_worker()->bctr[2].up_pkts, 0);
}

Test(fwd_lma, uplink_with_link_local_or_multicast_source_is_spoofed)
{
	rx1(0, lma_tun(H_MAC_PEER, MAG1, "fe80::1", CN, 20, 64));
	cr_assert_eq(h_drops(DP_DROP_SPOOFED_SOURCE), 1);
	rx1(0, lma_tun(H_MAC_PEER, MAG1, "ff02::1", CN, 20, 64));
	cr_assert_eq(h_drops(DP_DROP_SPOOFED_SOURCE), 2);
	cr_assert_eq(drops_total(), 2);
	cr_assert_eq(tx_total(), 0);
}

Test(fwd_lma, native_link_local_is_never_forwarded)
{
	/* Even with a default route that would carry it. */
	cr_assert_eq(h_neigh(3, 1, "2001:db8:e::fe", MAC_RTR, true), PMIP_CTL_OK);
	cr_assert_eq(h_route("::", 0, PMIP_ROUTE_GATEWAY, 1, 3, "2001:db8:e::fe"), PMIP_CTL_OK);
	rx1(1, lma_native(CN, "fe80::1", 20, 64));
	rx1(1, lma_native("fe80::1", MN1, 20, 64));
	rx1(0, h_udp(H_MAC_PEER, dp.ports[0].mac, MAG1, "fe80::2", 20, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_ROUTE), 3);
	cr_assert_eq(drops_total(), 3);
	cr_assert_eq(tx_total(), 0, "no packet and no error");
	cr_assert_eq(h_worker()->bctr[1].down_pkts, 0);
	/* A global destination does take the default route. */
	rx1(1, lma_native(CN, "2001:db8:4444::1", 20, 64));
	cr_assert_eq(h_tx_count(1), 1);
	cr_assert_arr_eq(bytes(h_tx(1, 0)), MAC_RTR, 6);
}

Test(fwd_lma, decapsulated_link_local_destination_is_not_forwarded)
{
	/* Regression test (was a bug): dp/fwd.c decap() (LMA branch) rejects link-local inner
	 * sources but not link-local inner destinations; with a default
	 * route the decapsulated packet to fe80::1 is sent on the network
	 * link. RFC 4291 2.5.6: routers must not forward packets with
	 * link-local destination addresses to other links (classify() does
	 * this for native packets, counted as no_route). */
	cr_assert_eq(h_neigh(3, 1, "2001:db8:e::fe", MAC_RTR, true), PMIP_CTL_OK);
	cr_assert_eq(h_route("::", 0, PMIP_ROUTE_GATEWAY, 1, 3, "2001:db8:e::fe"), PMIP_CTL_OK);
	rx1(0, lma_tun(H_MAC_PEER, MAG1, MN1, "fe80::1", 20, 64));
	cr_assert_eq(tx_total(), 0, "not forwarded");
	cr_assert_eq(drops_total(), 1);
	cr_assert_eq(h_drops(DP_DROP_NO_ROUTE), 1);
}

Test(fwd_lma, mn_to_mn_is_reencapsulated_to_the_destination_mag)
{
	struct rte_mbuf *m = lma_tun(H_MAC_PEER, MAG1, MN1, MN2, 40, 60);
	uint8_t inner[40 + 48];
	memcpy(inner, bytes(m) + 54, sizeof(inner));
	inner[7] = 59;
	rx1(0, m);
	cr_assert_eq(h_tx_count(0), 1, "back into the core, to MAG2");
	cr_assert_eq(h_tx_count(1), 0);
	assert_encap(h_tx(0, 0), H_MAC_PEER2, MAG2, inner, sizeof(inner));
	cr_assert_eq(h_worker()->bctr[1].up_pkts, 1);
	cr_assert_eq(h_worker()->bctr[2].down_pkts, 1);
	cr_assert_eq(drops_total(), 0);
}

Test(fwd_lma, no_route_native_gets_destination_unreachable)
{
	struct rte_mbuf *m = lma_native(CN, "2001:db8:9999::1", 30, 64);
	uint8_t inv[40 + 38];
	memcpy(inv, bytes(m) + 14, sizeof(inv));
	rx1(1, m);
	cr_assert_eq(h_drops(DP_DROP_NO_ROUTE), 1);
	cr_assert_eq(drops_total(), 1);
	cr_assert_eq(h_tx_count(0), 0);
	cr_assert_eq(h_tx_count(1), 1);
	struct rte_mbuf *o = h_tx(1, 0);
	struct pmip_icmp6_error e = icmp_err(o, H_MAC_CN, dp.ports[1].mac, LMA_NET, CN);
	cr_assert_eq(e.type, PMIP_ICMP6_DST_UNREACH);
	cr_assert_eq(e.code, 0, "no route to destination");
	cr_assert_eq(e.invoking_len, sizeof(inv));
	cr_assert_arr_eq(bytes(o) + 54 + e.invoking_off, inv, sizeof(inv));
	cr_assert_eq(h_worker()->stats.icmp_sent, 1);
}

Test(fwd_lma, no_route_decapsulated_gets_no_error)
{
	rx1(0, lma_tun(H_MAC_PEER, MAG1, MN1, "2001:db8:9999::1", 30, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_ROUTE), 1);
	cr_assert_eq(drops_total(), 1);
	cr_assert_eq(tx_total(), 0, "no error into the core or the network");
	cr_assert_eq(h_worker()->stats.icmp_sent, 0);
	cr_assert_eq(h_worker()->bctr[1].up_pkts, 1, "it did come from the MN's MAG");
}

Test(fwd_lma, unresolved_on_link_destination_asks_cp)
{
	rx1(1, lma_native(CN, "2001:db8:e::200", 10, 64)); /* no neighbour entry */
	rx1(0, lma_tun(H_MAC_PEER, MAG1, MN1, "2001:db8:e::200", 10, 64));
	cr_assert_eq(h_drops(DP_DROP_NEIGH_UNRESOLVED), 2);
	cr_assert_eq(tx_total(), 0);
	struct pmip_evt_msg e;
	cr_assert(h_evt(&e));
	cr_assert_eq(e.type, PMIP_EVT_NEIGH_MISS);
	cr_assert_eq(e.u.neigh_miss.port, 1);
	cr_assert_eq(e.u.neigh_miss.neigh_id, UINT32_MAX, "no id yet");
	assert_addr(&e.u.neigh_miss.ip, "2001:db8:e::200");
	cr_assert_not(h_evt(&e), "asked once");
}

Test(fwd_lma, gateway_route_via_neighbour)
{
	cr_assert_eq(h_neigh(3, 1, "2001:db8:e::fe", MAC_RTR, true), PMIP_CTL_OK);
	cr_assert_eq(h_route("2001:db8:9000::", 36, PMIP_ROUTE_GATEWAY, 1, 3, "2001:db8:e::fe"),
		     PMIP_CTL_OK);
	rx1(0, lma_tun(H_MAC_PEER, MAG1, MN1, "2001:db8:9000::1", 30, 64));
	cr_assert_eq(h_tx_count(1), 1);
	struct rte_mbuf *o = h_tx(1, 0);
	cr_assert_arr_eq(bytes(o), MAC_RTR, 6, "the gateway's MAC");
	cr_assert_arr_eq(bytes(o) + 6, dp.ports[1].mac, 6);
	struct pmip_ipv6_view ip = ipv(o);
	assert_addr(&ip.dst, "2001:db8:9000::1");
	assert_addr(&ip.src, MN1);
	cr_assert_eq(ip.hop_limit, 63);
	/* More specific connected route still wins for the CN. */
	rx1(0, lma_tun(H_MAC_PEER, MAG1, MN1, CN, 30, 64));
	cr_assert_eq(h_tx_count(1), 2);
	cr_assert_arr_eq(bytes(h_tx(1, 1)), H_MAC_CN, 6);

	/* Gateway unresolved: cp is asked for the gateway's address. */
	cr_assert_eq(h_neigh(3, 1, "2001:db8:e::fe", MAC_RTR, false), PMIP_CTL_OK);
	rx1(1, lma_native(CN, "2001:db8:9000::2", 30, 64));
	cr_assert_eq(h_drops(DP_DROP_NEIGH_UNRESOLVED), 1);
	struct pmip_evt_msg e;
	cr_assert(h_evt(&e));
	cr_assert_eq(e.u.neigh_miss.neigh_id, 3);
	cr_assert_eq(e.u.neigh_miss.port, 1);
	assert_addr(&e.u.neigh_miss.ip, "2001:db8:e::fe");
}

/* More routes than the linear table holds (DP_ROUTES_LINEAR): matched by
 * the fib, longest prefix first; fewer again: by the linear table. */
Test(fwd_lma, many_routes_go_through_the_fib)
{
	cr_assert_eq(h_neigh(3, 1, "2001:db8:e::fe", MAC_RTR, true), PMIP_CTL_OK);
	cr_assert_eq(h_route("2001:db8:9000::", 36, PMIP_ROUTE_GATEWAY, 1, 3, "2001:db8:e::fe"),
		     PMIP_CTL_OK);
	char p[64];
	for (unsigned i = 1; i <= DP_ROUTES_LINEAR + 4; i++) {
		snprintf(p, sizeof(p), "2001:db8:9000:%x::", i);
		cr_assert_eq(h_route(p, 64, PMIP_ROUTE_BLACKHOLE, 0, 0, NULL), PMIP_CTL_OK);
	}
	cr_assert(!dp.tables.routes->linear, "the fib is in use");
	for (int round = 0; round < 2; round++) {
		h_tx_clear();
		uint64_t bh = h_drops(DP_DROP_BLACKHOLE);
		rx1(1, lma_native(CN, "2001:db8:9000:3::1", 30, 64));
		cr_assert_eq(h_drops(DP_DROP_BLACKHOLE), bh + 1, "round %d: the /64 wins", round);
		rx1(1, lma_native(CN, "2001:db8:9000:ff::1", 30, 64));
		cr_assert_eq(h_tx_count(1), 1, "round %d: the /36 takes the rest", round);
		cr_assert_arr_eq(bytes(h_tx(1, 0)), MAC_RTR, 6);
		rx1(0, lma_tun(H_MAC_PEER, MAG1, MN1, CN, 30, 64));
		cr_assert_eq(h_tx_count(1), 2, "round %d: the connected /64", round);
		/* Down to the linear table: the same answers. */
		for (unsigned i = 4; i <= DP_ROUTES_LINEAR + 4 && round == 0; i++) {
			snprintf(p, sizeof(p), "2001:db8:9000:%x::", i);
			cr_assert_eq(ctl_route_del(p, 64), PMIP_CTL_OK);
		}
		if (round == 0)
			cr_assert(dp.tables.routes->linear);
	}
}

Test(fwd_lma, blackhole_route_drops)
{
	cr_assert_eq(h_route("2001:db8:dead::", 48, PMIP_ROUTE_BLACKHOLE, 0, 0, NULL), PMIP_CTL_OK);
	rx1(1, lma_native(CN, "2001:db8:dead::1", 30, 64));
	rx1(0, lma_tun(H_MAC_PEER, MAG1, MN1, "2001:db8:dead:1::1", 30, 64));
	cr_assert_eq(h_drops(DP_DROP_BLACKHOLE), 2);
	cr_assert_eq(drops_total(), 2);
	cr_assert_eq(tx_total(), 0, "no error either");
}

Test(fwd_lma, route_delete_gives_no_route_again)
{
	cr_assert_eq(h_neigh(3, 1, "2001:db8:e::fe", MAC_RTR, true), PMIP_CTL_OK);
	cr_assert_eq(h_route("::", 0, PMIP_ROUTE_GATEWAY, 1, 3, "2001:db8:e::fe"), PMIP_CTL_OK);
	rx1(0, lma_tun(H_MAC_PEER, MAG1, MN1, "2001:db8:4444::1", 30, 64));
	cr_assert_eq(h_tx_count(1), 1);
	cr_assert_arr_eq(bytes(h_tx(1, 0)), MAC_RTR, 6);
	h_tx_clear();
	cr_assert_eq(ctl_route_del("::", 0), PMIP_CTL_OK);
	cr_assert_eq(ctl_route_del("::", 0), PMIP_CTL_REJECT_NO_SUCH_ID);
	rx1(0, lma_tun(H_MAC_PEER, MAG1, MN1, "2001:db8:4444::1", 30, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_ROUTE), 1);
	cr_assert_eq(tx_total(), 0);
	/* The connected route is still there. */
	rx1(0, lma_tun(H_MAC_PEER, MAG1, MN1, CN, 30, 64));
	cr_assert_eq(h_tx_count(1), 1);
	/* Delete that too: nothing is routed. */
	cr_assert_eq(ctl_route_del("2001:db8:e::", 64), PMIP_CTL_OK);
	rx1(0, lma_tun(H_MAC_PEER, MAG1, MN1, CN, 30, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_ROUTE), 2);
	cr_assert_eq(h_tx_count(1), 1);
}

Test(fwd_lma, handover_moves_traffic_and_keeps_counters)
{
	rx1(1, lma_native(CN, MN1, 10, 64));
	rx1(0, lma_tun(H_MAC_PEER, MAG1, MN1, CN, 10, 64));
	cr_assert_eq(h_tx_count(0), 1);
	assert_dst(h_tx(0, 0), MAG1);
	h_tx_clear();
	uint32_t nb = dp.tables.n_bindings;

	/* Handover to MAG2: same id, same keys, another tunnel. */
	cr_assert_eq(h_binding(1, 1, HNP1, NULL, 0, NULL), PMIP_CTL_OK);
	cr_assert_eq(dp.tables.n_bindings, nb, "still one binding");
	rx1(1, lma_native(CN, MN1, 10, 64));
	cr_assert_eq(h_tx_count(0), 1);
	cr_assert_arr_eq(bytes(h_tx(0, 0)), H_MAC_PEER2, 6);
	assert_dst(h_tx(0, 0), MAG2);
	h_tx_clear();
	/* Uplink now only from MAG2. */
	rx1(0, lma_tun(H_MAC_PEER, MAG1, MN1, CN, 10, 64));
	cr_assert_eq(h_drops(DP_DROP_SPOOFED_SOURCE), 1);
	rx1(0, lma_tun(H_MAC_PEER2, MAG2, MN1, CN, 10, 64));
	cr_assert_eq(h_tx_count(1), 1);
	cr_assert_eq(h_worker()->bctr[1].down_pkts, 2, "counters kept over the handover");
	cr_assert_eq(h_worker()->bctr[1].up_pkts, 2);
	cr_assert_eq(h_worker()->bctr[2].down_pkts, 0);
}

/* -------------------------------------------------------------- tables -- */

TestSuite(tables, .init = mag_setup, .fini = h_fini);

Test(tables, binding_set_rejects)
{
	struct pmip_ctl_msg m;
	m = binding_msg(1024, 0, "2001:db8:2::", H_MAC_MN);
	cr_assert_eq(h_apply(&m), PMIP_CTL_REJECT_INVALID, "binding id out of range");
	m = binding_msg(8, 64, "2001:db8:2::", H_MAC_MN);
	cr_assert_eq(h_apply(&m), PMIP_CTL_REJECT_INVALID, "tunnel id out of range");
	m = binding_msg(8, 5, "2001:db8:2::", H_MAC_MN);
	cr_assert_eq(h_apply(&m), PMIP_CTL_REJECT_NO_SUCH_ID, "tunnel not set");
	m = binding_msg(8, 0, "2001:db8:2::", H_MAC_MN);
	m.u.binding.hnp_len = 48;
	cr_assert_eq(h_apply(&m), PMIP_CTL_REJECT_INVALID, "hnp_len 48");
	m.u.binding.hnp_len = 128;
	cr_assert_eq(h_apply(&m), PMIP_CTL_REJECT_INVALID, "hnp_len 128");
	m = binding_msg(8, 0, "2001:db8:2::", H_MAC_MN);
	m.u.binding.flags = 0x80;
	cr_assert_eq(h_apply(&m), PMIP_CTL_REJECT_INVALID, "unknown flag");
	m = binding_msg(8, 0, "2001:db8:2::", H_MAC_MN);
	m.u.binding.flags = PMIP_BINDING_F_SHARED_PREFIX;
	cr_assert_eq(h_apply(&m), PMIP_CTL_REJECT_INVALID, "shared without a home address");
	m.u.binding.hoa = h_ip("2001:db8:3::1");
	cr_assert_eq(h_apply(&m), PMIP_CTL_REJECT_INVALID, "home address outside the prefix");
	static const uint8_t mcast[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	m = binding_msg(8, 0, "2001:db8:2::", mcast);
	cr_assert_eq(h_apply(&m), PMIP_CTL_REJECT_INVALID, "multicast MN MAC");
	m = binding_msg(8, 0, "2001:db8:2::", H_MAC_MN);
	m.u.binding.access_port = 2;
	cr_assert_eq(h_apply(&m), PMIP_CTL_REJECT_INVALID, "no port 2");
	m = binding_msg(8, 0, HNP, MAC_OTHER);
	cr_assert_eq(h_apply(&m), PMIP_CTL_REJECT_KEY_IN_USE, "HNP of binding 7");

	cr_assert_eq(dp.tables.n_bindings, 1, "nothing applied");
	cr_assert_eq(h_binding_del(8), PMIP_CTL_REJECT_NO_SUCH_ID);
	/* Binding 7 unaffected. */
	rx1(0, mag_up(H_MAC_MN, MN, CN, 10, 64));
	cr_assert_eq(h_tx_count(1), 1);
	cr_assert_eq(drops_total(), 0);
	/* And the rejected keys are free. */
	m = binding_msg(8, 0, "2001:db8:2::", H_MAC_MN);
	cr_assert_eq(h_apply(&m), PMIP_CTL_OK);
	cr_assert_eq(dp.tables.n_bindings, 2);
}

Test(tables, shared_and_dedicated_prefixes_exclude_each_other)
{
	cr_assert_eq(h_binding(20, 0, "2001:db8:5000::", "2001:db8:5000::a", 0, MAC_MN_A),
		     PMIP_CTL_OK);
	/* A dedicated HNP that is already a shared prefix. */
	cr_assert_eq(h_binding(21, 0, "2001:db8:5000::", NULL, 0, MAC_MN_B),
		     PMIP_CTL_REJECT_KEY_IN_USE);
	/* A shared prefix that is already someone's dedicated HNP. */
	cr_assert_eq(h_binding(22, 0, HNP, "2001:db8:1000::5", 0, MAC_MN_B),
		     PMIP_CTL_REJECT_KEY_IN_USE);
	/* The same home address claimed twice. */
	cr_assert_eq(h_binding(23, 0, "2001:db8:5000::", "2001:db8:5000::a", 0, MAC_MN_B),
		     PMIP_CTL_REJECT_KEY_IN_USE);
	cr_assert_eq(dp.tables.n_bindings, 2);
	/* Nothing left behind by the rejects: 2001:db8:1000::5 is free. */
	rx1(1, mag_down(LMA_CORE, CN, "2001:db8:1000::5", 10, 64));
	cr_assert_eq(h_tx_count(0), 1);
	cr_assert_arr_eq(bytes(h_tx(0, 0)), H_MAC_MN, 6, "still binding 7's prefix");
	rx1(1, mag_down(LMA_CORE, CN, "2001:db8:5000::a", 10, 64));
	cr_assert_eq(h_tx_count(0), 2);
	cr_assert_arr_eq(bytes(h_tx(0, 1)), MAC_MN_A, 6);
	cr_assert_eq(h_binding(23, 0, "2001:db8:5000::", "2001:db8:5000::b", 0, MAC_MN_B),
		     PMIP_CTL_OK);
}

Test(tables, rejected_binding_update_keeps_the_old_binding)
{
	/* Regression test (was a bug): dp/tables.c binding_set() removes the existing binding's keys
	 * (and decrements n_bindings) before claiming the new ones; when the
	 * claim fails (KEY_IN_USE) the message is rejected but the old
	 * binding is gone. A rejected ctl message must leave the state as it
	 * was (msg.h: EVT_ACK carries the reject reason; cp keeps its view). */
	cr_assert_eq(h_binding(8, 0, "2001:db8:2::", NULL, 0, MAC_MN_A), PMIP_CTL_OK);
	cr_assert_eq(h_binding(8, 0, HNP, NULL, 0, MAC_MN_A), PMIP_CTL_REJECT_KEY_IN_USE);
	cr_assert_eq(dp.tables.n_bindings, 2, "binding 8 still counted");
	rx1(1, mag_down(LMA_CORE, CN, "2001:db8:2::1", 10, 64));
	cr_assert_eq(h_tx_count(0), 1, "binding 8 still forwards");
}

Test(tables, rejected_neighbour_update_keeps_the_old_entry)
{
	/* Regression test (was a bug): dp/tables.c neigh_set() deletes the entry's old key (and
	 * decrements n_neighbours) before finding that the new key belongs to
	 * another id; the message is rejected (KEY_IN_USE) but neighbour 1 is
	 * gone from the hash, so a connected route no longer finds it. A
	 * rejected ctl message must leave the state as it was. */
	cr_assert_eq(h_neigh(1, 1, "2001:db8:c::5", H_MAC_PEER2, true), PMIP_CTL_OK);
	cr_assert_eq(h_neigh(1, 1, LMA_CORE, H_MAC_PEER2, true), PMIP_CTL_REJECT_KEY_IN_USE);
	struct dp_neigh_key k = { .port = 1, .ip = h_ip("2001:db8:c::5") };
	cr_assert_geq(rte_hash_lookup(dp.tables.neigh, &k), 0, "old key kept");
	cr_assert_eq(dp.tables.n_neighbours, 2, "neighbour 1 still counted");
}

Test(tables, neighbour_and_tunnel_rejects)
{
	cr_assert_eq(h_neigh(256, 1, "2001:db8:c::9", H_MAC_PEER, true), PMIP_CTL_REJECT_INVALID,
		     "neighbour id out of range");
	cr_assert_eq(h_neigh(1, 2, "2001:db8:c::9", H_MAC_PEER, true), PMIP_CTL_REJECT_INVALID,
		     "no port 2");
	cr_assert_eq(h_neigh(1, 1, LMA_CORE, H_MAC_PEER, true), PMIP_CTL_REJECT_KEY_IN_USE,
		     "the LMA is neighbour 0");
	cr_assert_eq(ctl_del(PMIP_CTL_NEIGH_DEL, 1), PMIP_CTL_REJECT_NO_SUCH_ID);
	cr_assert_eq(ctl_del(PMIP_CTL_NEIGH_DEL, 256), PMIP_CTL_REJECT_NO_SUCH_ID);
	cr_assert_eq(h_tunnel(64, 1, MAG_CORE, LMA_CORE, 0, 1500), PMIP_CTL_REJECT_INVALID,
		     "tunnel id out of range");
	cr_assert_eq(h_tunnel(1, 1, MAG_CORE, LMA_CORE, 0, 1279), PMIP_CTL_REJECT_INVALID,
		     "MTU below 1280");
	cr_assert_eq(h_tunnel(1, 1, MAG_CORE, LMA_CORE, 256, 1500), PMIP_CTL_REJECT_INVALID,
		     "neighbour id out of range");
	cr_assert_eq(h_tunnel(1, 3, MAG_CORE, LMA_CORE, 0, 1500), PMIP_CTL_REJECT_INVALID,
		     "no port 3");
	struct pmip_ctl_msg m = { .type = PMIP_CTL_TUNNEL_SET };
	m.u.tunnel.id = 1;
	m.u.tunnel.port = 1;
	m.u.tunnel.mtu = 1500;
	cr_assert_eq(h_apply(&m), PMIP_CTL_REJECT_INVALID, "hop limit 0");
	cr_assert_eq(ctl_del(PMIP_CTL_TUNNEL_DEL, 1), PMIP_CTL_REJECT_NO_SUCH_ID);
	cr_assert_eq(ctl_del(PMIP_CTL_TUNNEL_DEL, 64), PMIP_CTL_REJECT_NO_SUCH_ID);
	cr_assert_eq(ctl_del(PMIP_CTL_BINDING_DEL, 1), PMIP_CTL_REJECT_NO_SUCH_ID);
	cr_assert_eq(ctl_del(PMIP_CTL_BINDING_DEL, 5000), PMIP_CTL_REJECT_NO_SUCH_ID);
	cr_assert_eq(h_route("2001:db8::", 129, PMIP_ROUTE_CONNECTED, 1, 0, NULL),
		     PMIP_CTL_REJECT_INVALID, "prefix length 129");
	cr_assert_eq(h_route("2001:db8::", 32, 9, 1, 0, NULL), PMIP_CTL_REJECT_INVALID, "kind 9");
	cr_assert_eq(h_route("2001:db8::", 32, PMIP_ROUTE_GATEWAY, 1, 256, "2001:db8:c::9"),
		     PMIP_CTL_REJECT_INVALID, "gateway neighbour out of range");
	cr_assert_eq(ctl_route_del("2001:db8::", 32), PMIP_CTL_REJECT_NO_SUCH_ID);
	struct pmip_ctl_msg u = { .type = 99 };
	cr_assert_eq(h_apply(&u), PMIP_CTL_REJECT_UNKNOWN_TYPE);
	cr_assert_eq(dp.tables.n_neighbours, 1);
	cr_assert_eq(dp.tables.n_tunnels, 1);
	cr_assert_eq(dp.tables.n_bindings, 1);
}

Test(tables, counts_follow_sets_and_deletes)
{
	cr_assert_eq(dp.tables.n_neighbours, 1);
	cr_assert_eq(dp.tables.n_tunnels, 1);
	cr_assert_eq(dp.tables.n_bindings, 1);
	cr_assert_eq(h_neigh(1, 1, "2001:db8:c::5", H_MAC_PEER2, true), PMIP_CTL_OK);
	cr_assert_eq(h_tunnel(1, 1, MAG_CORE, "2001:db8:c::5", 1, 1500), PMIP_CTL_OK);
	cr_assert_eq(h_binding(8, 1, "2001:db8:2::", NULL, 0, MAC_MN_A), PMIP_CTL_OK);
	cr_assert_eq(dp.tables.n_neighbours, 2);
	cr_assert_eq(dp.tables.n_tunnels, 2);
	cr_assert_eq(dp.tables.n_bindings, 2);
	/* Updates are no additions. */
	cr_assert_eq(h_neigh(1, 1, "2001:db8:c::5", H_MAC_PEER, true), PMIP_CTL_OK);
	cr_assert_eq(h_neigh(1, 1, "2001:db8:c::6", H_MAC_PEER, true), PMIP_CTL_OK, "new address");
	cr_assert_eq(h_tunnel(1, 1, MAG_CORE, "2001:db8:c::6", 1, 1400), PMIP_CTL_OK);
	cr_assert_eq(h_binding(8, 0, "2001:db8:2::", NULL, 0, MAC_MN_A), PMIP_CTL_OK);
	cr_assert_eq(h_binding(8, 0, "2001:db8:3::", NULL, 0, MAC_MN_A), PMIP_CTL_OK, "new HNP");
	cr_assert_eq(dp.tables.n_neighbours, 2);
	cr_assert_eq(dp.tables.n_tunnels, 2);
	cr_assert_eq(dp.tables.n_bindings, 2);
	/* The old neighbour key is gone, the new one found. */
	struct dp_neigh_key k = { .port = 1, .ip = h_ip("2001:db8:c::5") };
	cr_assert_lt(rte_hash_lookup(dp.tables.neigh, &k), 0);
	k.ip = h_ip("2001:db8:c::6");
	cr_assert_geq(rte_hash_lookup(dp.tables.neigh, &k), 0);
	/* The old HNP is gone. */
	rx1(1, mag_down(LMA_CORE, CN, "2001:db8:2::1", 10, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_BINDING), 1);
	rx1(1, mag_down(LMA_CORE, CN, "2001:db8:3::1", 10, 64));
	cr_assert_eq(h_tx_count(0), 1);
	cr_assert_arr_eq(bytes(h_tx(0, 0)), MAC_MN_A, 6);

	cr_assert_eq(h_binding_del(8), PMIP_CTL_OK);
	cr_assert_eq(ctl_del(PMIP_CTL_TUNNEL_DEL, 1), PMIP_CTL_OK);
	cr_assert_eq(ctl_del(PMIP_CTL_NEIGH_DEL, 1), PMIP_CTL_OK);
	cr_assert_eq(dp.tables.n_neighbours, 1);
	cr_assert_eq(dp.tables.n_tunnels, 1);
	cr_assert_eq(dp.tables.n_bindings, 1);
	cr_assert_eq(h_binding_del(8), PMIP_CTL_REJECT_NO_SUCH_ID);
	cr_assert_lt(rte_hash_lookup(dp.tables.neigh, &k), 0);
}

Test(tables, delete_then_readd_same_keys)
{
	for (unsigned i = 0; i < 3; i++) {
		cr_assert_eq(h_binding_del(7), PMIP_CTL_OK);
		rx1(0, mag_up(H_MAC_MN, MN, CN, 10, 64));
		cr_assert_eq(h_drops(DP_DROP_NO_BINDING), 2 * i + 1);
		rx1(1, mag_down(LMA_CORE, CN, MN, 10, 64));
		cr_assert_eq(h_drops(DP_DROP_NO_BINDING), 2 * i + 2);
		cr_assert_eq(h_binding(7, 0, HNP, NULL, 0, H_MAC_MN), PMIP_CTL_OK);
		rx1(0, mag_up(H_MAC_MN, MN, CN, 10, 64));
		rx1(1, mag_down(LMA_CORE, CN, MN, 10, 64));
		cr_assert_eq(h_tx_count(1), 1);
		cr_assert_eq(h_tx_count(0), 1);
		h_tx_clear();
	}
	/* The same keys under another id. */
	cr_assert_eq(h_binding_del(7), PMIP_CTL_OK);
	cr_assert_eq(h_binding(9, 0, HNP, NULL, 0, H_MAC_MN), PMIP_CTL_OK);
	rx1(0, mag_up(H_MAC_MN, MN, CN, 10, 64));
	cr_assert_eq(h_worker()->bctr[9].up_pkts, 1);
}

Test(tables, add_delete_10000_times_never_fills)
{
	/* Table of 1024: key slots must come back after the grace period. */
	for (unsigned i = 0; i < 10000; i++) {
		char hnp[64];
		snprintf(hnp, sizeof(hnp), "2001:db8:%x:%x::", 0x100 + i / 0x1000, i % 0x1000);
		uint32_t id = 100 + i % 500;
		/* Every other one in the shared-prefix model (HoA key too). */
		char hoa[80];
		snprintf(hoa, sizeof(hoa), "%s1", hnp);
		int rc = h_binding(id, 0, hnp, i % 2 ? hoa : NULL, 0, MAC_MN_A);
		cr_assert_eq(rc, PMIP_CTL_OK, "add %u: %d", i, rc);
		cr_assert_eq(h_binding_del(id), PMIP_CTL_OK, "del %u", i);
	}
	cr_assert_eq(dp.tables.n_bindings, 1);
	/* And the whole table still fits. */
	for (unsigned id = 0; id < 1024; id++) {
		if (id == 7)
			continue;
		char hnp[64];
		snprintf(hnp, sizeof(hnp), "2001:db8:9:%x::", id);
		cr_assert_eq(h_binding(id, 0, hnp, NULL, 0, MAC_MN_A), PMIP_CTL_OK, "id %u", id);
	}
	cr_assert_eq(dp.tables.n_bindings, 1024);
	rx1(1, mag_down(LMA_CORE, CN, "2001:db8:9:3ff::1", 10, 64));
	cr_assert_eq(h_tx_count(0), 1);
	cr_assert_eq(h_worker()->bctr[1023].down_pkts, 1);
}

Test(tables, tunnel_delete_drops_no_tunnel)
{
	cr_assert_eq(ctl_del(PMIP_CTL_TUNNEL_DEL, 0), PMIP_CTL_OK);
	cr_assert_eq(dp.tables.n_tunnels, 0);
	rx1(0, mag_up(H_MAC_MN, MN, CN, 10, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_TUNNEL), 1);
	cr_assert_eq(tx_total(), 0);
	rx1(1, mag_down(LMA_CORE, CN, MN, 10, 64));
	cr_assert_eq(h_tx_count(0), 0, "no downlink without the tunnel");
	cr_assert_eq(drops_total(), 2);
	/* No new binding on a missing tunnel; the tunnel back: traffic flows. */
	cr_assert_eq(h_binding(8, 0, "2001:db8:2::", NULL, 0, MAC_MN_A), PMIP_CTL_REJECT_NO_SUCH_ID);
	cr_assert_eq(h_tunnel(0, 1, MAG_CORE, LMA_CORE, 0, 1500), PMIP_CTL_OK);
	rx1(0, mag_up(H_MAC_MN, MN, CN, 10, 64));
	cr_assert_eq(h_tx_count(1), 1);
}

Test(tables, shared_prefix_refcount)
{
	const char *S = "2001:db8:5000::";
	uint8_t key[8];
	memcpy(key, h_ip(S).s6_addr, 8);
	cr_assert_eq(h_binding(20, 0, S, "2001:db8:5000::a", 0, MAC_MN_A), PMIP_CTL_OK);
	cr_assert_eq(h_binding(21, 0, S, "2001:db8:5000::b", 0, MAC_MN_B), PMIP_CTL_OK);
	cr_assert_geq(rte_hash_lookup(dp.tables.bind_prefix, key), 0, "prefix marker");

	cr_assert_eq(h_binding_del(20), PMIP_CTL_OK);
	cr_assert_geq(rte_hash_lookup(dp.tables.bind_prefix, key), 0, "still shared by 21");
	rx1(1, mag_down(LMA_CORE, CN, "2001:db8:5000::b", 10, 64));
	cr_assert_eq(h_tx_count(0), 1, "the other MN still reached");
	cr_assert_arr_eq(bytes(h_tx(0, 0)), MAC_MN_B, 6);
	rx1(1, mag_down(LMA_CORE, CN, "2001:db8:5000::a", 10, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_BINDING), 1);
	rx1(0, mag_up(MAC_MN_B, "2001:db8:5000::b", CN, 10, 64));
	cr_assert_eq(h_tx_count(1), 1);
	rx1(0, mag_up(MAC_MN_A, "2001:db8:5000::a", CN, 10, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_BINDING), 2);

	cr_assert_eq(h_binding_del(21), PMIP_CTL_OK);
	cr_assert_lt(rte_hash_lookup(dp.tables.bind_prefix, key), 0, "marker removed");
	cr_assert_eq(dp.tables.n_bindings, 1);
	/* The prefix can now be a dedicated HNP. */
	cr_assert_eq(h_binding(22, 0, S, NULL, 0, MAC_MN_A), PMIP_CTL_OK);
	h_tx_clear();
	rx1(1, mag_down(LMA_CORE, CN, "2001:db8:5000::b", 10, 64));
	cr_assert_eq(h_tx_count(0), 1);
	cr_assert_arr_eq(bytes(h_tx(0, 0)), MAC_MN_A, 6);
}

Test(tables, mag_handover_to_another_lma_tunnel)
{
	cr_assert_eq(h_neigh(1, 1, "2001:db8:c::5", H_MAC_PEER2, true), PMIP_CTL_OK);
	cr_assert_eq(h_tunnel(1, 1, MAG_CORE, "2001:db8:c::5", 1, 1500), PMIP_CTL_OK);
	cr_assert_eq(h_binding(7, 1, HNP, NULL, 0, H_MAC_MN), PMIP_CTL_OK);
	rx1(0, mag_up(H_MAC_MN, MN, CN, 10, 64));
	cr_assert_eq(h_tx_count(1), 1);
	cr_assert_arr_eq(bytes(h_tx(1, 0)), H_MAC_PEER2, 6);
	assert_dst(h_tx(1, 0), "2001:db8:c::5");
	/* Downlink only from the new LMA. */
	rx1(1, mag_down(LMA_CORE, CN, MN, 10, 64));
	cr_assert_eq(h_drops(DP_DROP_TUNNEL_MISMATCH), 1);
	struct rte_mbuf *in = h_udp(H_MAC_CN, H_MAC_CN, CN, MN, 10, 64);
	rx1(1, h_tunnelled(H_MAC_PEER2, dp.ports[1].mac, "2001:db8:c::5", MAG_CORE, in));
	cr_assert_eq(h_tx_count(0), 1);
	cr_assert_eq(h_worker()->bctr[7].up_pkts, 1);
	cr_assert_eq(h_worker()->bctr[7].down_pkts, 1);
	cr_assert_eq(dp.tables.n_bindings, 1);
}

/* ----------------------------------------------------------- malformed -- */

struct acct {
	uint64_t drops, tx, icmp, punts;
};

static struct acct acct_now(void)
{
	return (struct acct){ drops_total(), tx_total(), h_worker()->stats.icmp_sent,
			      punted_total() };
}

/* Feed one frame; it must be transmitted, punted or dropped under exactly
 * one reason (ICMPv6 errors it causes are extra transmissions). Returns
 * what happened: 'd', 't' or 'p'. */
static char feed_one(uint16_t port, const uint8_t *f, size_t len, const char *what, size_t at)
{
	struct acct a = acct_now();
	uint64_t before[DP_DROP_COUNT];
	for (unsigned r = 0; r < DP_DROP_COUNT; r++)
		before[r] = h_drops((enum dp_drop_reason)r);
	rx1(port, mk(f, len));
	struct acct b = acct_now();
	unsigned reasons = 0;
	for (unsigned r = 0; r < DP_DROP_COUNT; r++)
		reasons += h_drops((enum dp_drop_reason)r) != before[r];
	uint64_t d = b.drops - a.drops, t = b.tx - a.tx - (b.icmp - a.icmp), p = b.punts - a.punts;
	cr_assert_eq(d + t + p, 1, "%s %zu: drops %lu tx %lu punts %lu", what, at,
		     (unsigned long)d, (unsigned long)t, (unsigned long)p);
	cr_assert_leq(reasons, 1, "%s %zu: one drop reason", what, at);
	h_tx_clear();
	punt_drain();
	evt_drain();
	return d ? 'd' : t ? 't' : 'p';
}

static void truncations(uint16_t port, const uint8_t *f, size_t n, const char *what)
{
	uint64_t fed = 0;
	struct acct a = acct_now();
	uint64_t tx_pkts = 0;
	for (size_t len = 0; len <= n; len++) {
		char r = feed_one(port, f, len, what, len);
		fed++;
		if (len < n)
			cr_assert_eq(r, 'd', "%s cut to %zu is dropped", what, len);
		else
			cr_assert_eq(r, 't', "%s whole is forwarded", what);
		tx_pkts += r == 't';
	}
	struct acct b = acct_now();
	cr_assert_eq(b.drops - a.drops + tx_pkts + (b.punts - a.punts), fed);
	cr_assert_eq(tx_pkts, 1);
}

static void bit_flips(uint16_t port, const uint8_t *f, size_t n, const char *what)
{
	uint8_t g[256];
	cr_assert_leq(n, sizeof(g));
	cr_assert_geq(n, 120);
	uint64_t fed = 0, tx = 0, punts = 0;
	struct acct a = acct_now();
	for (size_t bit = 0; bit < 120 * 8; bit++) {
		memcpy(g, f, n);
		g[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		char r = feed_one(port, g, n, what, bit);
		fed++;
		tx += r == 't';
		punts += r == 'p';
	}
	struct acct b = acct_now();
	cr_assert_eq(b.drops - a.drops + tx + punts, fed, "%s: every flip accounted", what);
	cr_assert_eq(b.punts - a.punts, punts);
	/* Some flips are harmless (payload, MAC bits dp does not check) and
	 * many are not: both outcomes must occur. */
	cr_assert_gt(tx, 0, "%s: some flipped frames still forwarded", what);
	cr_assert_gt(b.drops - a.drops, 0, "%s: some flipped frames dropped", what);
}

TestSuite(malformed);

Test(malformed, mag_truncations, .init = mag_setup, .fini = h_fini)
{
	uint8_t down[14 + 40 + 40 + 8 + 60], up[14 + 40 + 8 + 100];
	cr_assert_eq(take(mag_down(LMA_CORE, CN, MN, 60, 64), down, sizeof(down)), sizeof(down));
	cr_assert_eq(take(mag_up(H_MAC_MN, MN, CN, 100, 64), up, sizeof(up)), sizeof(up));
	truncations(1, down, sizeof(down), "tunnelled");
	truncations(0, up, sizeof(up), "uplink");
	cr_assert_eq(h_worker()->bctr[7].down_pkts, 1);
	cr_assert_eq(h_worker()->bctr[7].up_pkts, 1);
}

Test(malformed, mag_bit_flips, .init = mag_setup, .fini = h_fini)
{
	uint8_t down[14 + 40 + 40 + 8 + 60], up[14 + 40 + 8 + 100];
	cr_assert_eq(take(mag_down(LMA_CORE, CN, MN, 60, 64), down, sizeof(down)), sizeof(down));
	cr_assert_eq(take(mag_up(H_MAC_MN, MN, CN, 100, 64), up, sizeof(up)), sizeof(up));
	bit_flips(1, down, sizeof(down), "tunnelled");
	bit_flips(0, up, sizeof(up), "uplink");
}

Test(malformed, lma_truncations_and_bit_flips, .init = lma_setup, .fini = h_fini)
{
	uint8_t tun[14 + 40 + 40 + 8 + 60], down[14 + 40 + 8 + 100];
	cr_assert_eq(take(lma_tun(H_MAC_PEER, MAG1, MN1, CN, 60, 64), tun, sizeof(tun)),
		     sizeof(tun));
	cr_assert_eq(take(lma_native(CN, MN1, 100, 64), down, sizeof(down)), sizeof(down));
	truncations(0, tun, sizeof(tun), "tunnelled");
	truncations(1, down, sizeof(down), "downlink");
	bit_flips(0, tun, sizeof(tun), "tunnelled");
	bit_flips(1, down, sizeof(down), "downlink");
}

Test(malformed, not_ipv6_and_chained_mbufs, .init = mag_setup, .fini = h_fini)
{
	uint8_t f[14 + 40 + 8 + 20];
	cr_assert_eq(take(mag_up(H_MAC_MN, MN, CN, 20, 64), f, sizeof(f)), sizeof(f));
	uint8_t g[sizeof(f)];
	memcpy(g, f, sizeof(f));
	g[12] = 0x08;
	g[13] = 0x00; /* IPv4 */
	rx1(0, mk(g, sizeof(g)));
	cr_assert_eq(h_drops(DP_DROP_ETHERTYPE), 1);
	memcpy(g, f, sizeof(f));
	g[14] = 0x40; /* version 4 */
	rx1(0, mk(g, sizeof(g)));
	memcpy(g, f, sizeof(f));
	g[18] = g[19] = 0; /* payload length 0 (jumbogram) */
	rx1(0, mk(g, sizeof(g)));
	cr_assert_eq(h_drops(DP_DROP_IPV6_MALFORMED), 2);
	/* Two segments. */
	struct rte_mbuf *a = mk(f, 40), *b = mk(f + 40, sizeof(f) - 40);
	cr_assert_eq(rte_pktmbuf_chain(a, b), 0);
	rx1(0, a);
	cr_assert_eq(h_drops(DP_DROP_MULTI_SEGMENT), 1);
	cr_assert_eq(drops_total(), 4);
	cr_assert_eq(tx_total(), 0);
	cr_assert_eq(h_worker()->stats.port[0].drops, 4);
}
