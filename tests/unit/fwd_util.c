/* Helpers shared by the forwarding tests on mbufs (tests/unit/test_fwd*.c):
 * frames in and out of the harness, ctl messages, and the MAG and LMA
 * set-ups; fwd_util.h declares them. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_hash.h>

#include "fwd_util.h"
/* MAG: port 0 access, port 1 core (to the LMA 2001:db8:c::2). */

/* LMA: port 0 core, port 1 network; MAG1 and MAG2 on the core link. */

const uint8_t MAC_MN_A[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a };
const uint8_t MAC_MN_B[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b };
const uint8_t MAC_OTHER[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x99 };
const uint8_t MAC_RTR[6] = { 0x02, 0x00, 0x00, 0x00, 0x03, 0x01 };

/* ------------------------------------------------------------- helpers -- */

/* Parse the IPv6 header of a queued frame. */
struct pmip_ipv6_view ipv(struct rte_mbuf *m)
{
	struct pmip_ipv6_view ip;
	cr_assert_geq(rte_pktmbuf_pkt_len(m), 14 + 40);
	cr_assert_eq(pmip_ipv6_parse(h_bytes(m) + 14, rte_pktmbuf_pkt_len(m) - 14, &ip),
		     PMIP_PKT_ERR_OK);
	return ip;
}

void assert_addr(const struct in6_addr *a, const char *want)
{
	struct in6_addr w = h_ip(want);
	char got[64];
	snprintf(got, sizeof(got), "%02x%02x:%02x%02x...%02x%02x", a->s6_addr[0], a->s6_addr[1],
		 a->s6_addr[2], a->s6_addr[3], a->s6_addr[14], a->s6_addr[15]);
	cr_assert_arr_eq(a, &w, 16, "address %s, want %s", got, want);
}

void assert_dst(struct rte_mbuf *m, const char *want)
{
	struct pmip_ipv6_view ip = ipv(m);
	assert_addr(&ip.dst, want);
}

/* Copy a frame out (and free it). */
size_t take(struct rte_mbuf *m, uint8_t *out, size_t cap)
{
	size_t n = rte_pktmbuf_pkt_len(m);
	cr_assert_leq(n, cap);
	memcpy(out, h_bytes(m), n);
	rte_pktmbuf_free(m);
	return n;
}

void pad(struct rte_mbuf *m, uint16_t n, uint8_t v)
{
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, n);
	cr_assert_not_null(p);
	memset(p, v, n);
}

unsigned evt_drain(void)
{
	struct pmip_evt_msg e;
	unsigned n = 0;
	while (h_evt(&e))
		n++;
	return n;
}

unsigned punt_drain(void)
{
	struct pmip_pkt_msg *p = malloc(sizeof(*p));
	cr_assert_not_null(p);
	unsigned n = 0;
	while (h_punt(p))
		n++;
	free(p);
	return n;
}

/* Parse a queued ICMPv6 error and check its framing. */
struct pmip_icmp6_error icmp_err(struct rte_mbuf *o, const uint8_t dst_mac[6],
					const uint8_t src_mac[6], const char *src,
					const char *dst)
{
	const uint8_t *p = h_bytes(o);
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

int ctl_route_del(const char *prefix, uint8_t len)
{
	struct pmip_ctl_msg m = { .type = PMIP_CTL_ROUTE_DEL };
	m.u.route.prefix = h_ip(prefix);
	m.u.route.len = len;
	return h_apply(&m);
}

int ctl_del(uint16_t type, uint32_t id)
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

/* ------------------------------------------------------------- MAG ---- */

void mag_setup(void)
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
struct rte_mbuf *mag_down(const char *outer_src, const char *src, const char *dst,
				 uint16_t payload, uint8_t hop)
{
	struct rte_mbuf *in = h_udp(H_MAC_CN, H_MAC_CN, src, dst, payload, hop);
	return h_tunnelled(H_MAC_PEER, dp.ports[1].mac, outer_src, MAG_CORE, in);
}

struct rte_mbuf *mag_up(const uint8_t mac[6], const char *src, const char *dst,
			       uint16_t payload, uint8_t hop)
{
	return h_udp(mac, dp.ports[0].mac, src, dst, payload, hop);
}

/* ------------------------------------------------------------- LMA ---- */

void lma_setup(void)
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
struct rte_mbuf *lma_native(const char *src, const char *dst, uint16_t payload,
				   uint8_t hop)
{
	return h_udp(H_MAC_CN, dp.ports[1].mac, src, dst, payload, hop);
}

/* From a MAG's tunnel (port 0). */
struct rte_mbuf *lma_tun(const uint8_t mac[6], const char *mag, const char *src,
				const char *dst, uint16_t payload, uint8_t hop)
{
	struct rte_mbuf *in = h_udp(H_MAC_MN, H_MAC_MN, src, dst, payload, hop);
	return h_tunnelled(mac, dp.ports[0].mac, mag, LMA_CORE, in);
}

/* A queued outer packet: to mag at mac, carrying inner (40 + n bytes). */
void assert_encap(struct rte_mbuf *o, const uint8_t mac[6], const char *mag,
			 const uint8_t *inner, size_t n)
{
	const uint8_t *p = h_bytes(o);
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
