/* Forwarding on mbufs without a NIC: MAG uplink encapsulation, MAG downlink
 * decapsulation, LMA encapsulation and anti-spoofing decapsulation, route
 * forwarding, ICMPv6 errors, local ND, handover, table rules, and malformed
 * input (truncations and bit flips) with every packet accounted for.
 *
 * Suites here: fwd_mag (MAG, port 0 access, port 1 core), fwd_mag_mtu (MAG
 * with a small access MTU); fwd_lma in test_fwd_lma.c; tables and
 * malformed in test_fwd_tables.c. Helpers: fwd_util.[ch]. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_hash.h>

#include "fwd_util.h"

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

/* Outer flow label of one uplink packet to dst with the given inner flow
 * label (RFC 6438: the tunnel's flows told apart by ECMP, LAG and RSS). */
static uint32_t uplink_label(const char *dst, uint32_t inner_label)
{
	struct rte_mbuf *m = mag_up(H_MAC_MN, MN, dst, 20, 64);
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, 14);
	ip[1] = (uint8_t)((ip[1] & 0xf0) | (inner_label >> 16));
	ip[2] = (uint8_t)(inner_label >> 8);
	ip[3] = (uint8_t)inner_label;
	h_rx(0, &m, 1);
	cr_assert_eq(h_tx_count(1), 1);
	struct rte_mbuf *o = h_tx(1, 0);
	const uint8_t *p = rte_pktmbuf_mtod(o, const uint8_t *);
	cr_assert_eq(p[14] >> 4, 6);
	cr_assert_eq(((p[14] & 0x0f) << 4) | (p[15] >> 4), 0, "outer traffic class stays 0");
	uint32_t label = ((uint32_t)(p[15] & 0x0f) << 16) | ((uint32_t)p[16] << 8) | p[17];
	/* The inner header is carried as it was, label included. */
	cr_assert_eq(((uint32_t)(p[55] & 0x0f) << 16 | (uint32_t)p[56] << 8 | p[57]), inner_label);
	h_tx_clear();
	return label;
}

Test(fwd_mag, uplink_outer_flow_label_follows_the_inner_flow)
{
	char dst[64];
	uint32_t labels[64];
	unsigned distinct = 0, odd = 0;
	for (unsigned i = 0; i < 64; i++) {
		snprintf(dst, sizeof(dst), "2001:db8:e::%x", 0x100 + i);
		labels[i] = uplink_label(dst, 0);
		cr_assert_neq(labels[i], 0, "a tunnelled packet is labelled (RFC 6437: 0 is none)");
		cr_assert_eq(uplink_label(dst, 0), labels[i], "one flow, one label: no reordering");
		bool seen = false;
		for (unsigned j = 0; j < i; j++)
			seen |= labels[j] == labels[i];
		distinct += !seen;
		odd += labels[i] & 1;
	}
	/* 64 flows in 2^20 labels: a collision or two at most, and a receiver
	 * hashing the label onto two queues gets both. */
	cr_assert_geq(distinct, 62, "%u distinct labels of 64 flows", distinct);
	cr_assert(odd > 8 && odd < 56, "%u of 64 labels odd", odd);
	/* The same label as scripts/gen-traffic.py's own CRC32C computes for
	 * its lma-from-mag packets (MN 0 -> CN, UDP, inner label 0). */
	cr_assert_eq(uplink_label(CN, 0), 0x492a0, "label %#x", uplink_label(CN, 0));
	/* Flows the MN tells apart by its own label stay apart outside. */
	cr_assert_neq(uplink_label(CN, 0x12345), uplink_label(CN, 0x54321));
	cr_assert_eq(uplink_label(CN, 0x12345), uplink_label(CN, 0x12345));
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
	memcpy(want, h_bytes(in) + 14, sizeof(want));
	want[7] = 59;
	h_rx1(1, h_tunnelled(H_MAC_PEER, dp.ports[1].mac, LMA_CORE, MAG_CORE, in));
	cr_assert_eq(h_tx_count(0), 1);
	cr_assert_eq(rte_pktmbuf_pkt_len(h_tx(0, 0)), 14 + sizeof(want));
	cr_assert_arr_eq(h_bytes(h_tx(0, 0)) + 14, want, sizeof(want));
	cr_assert_eq(h_bytes(h_tx(0, 0))[12], 0x86);
	cr_assert_eq(h_bytes(h_tx(0, 0))[13], 0xdd);
	cr_assert_eq(h_worker()->bctr[7].down_bytes, sizeof(want));
	cr_assert_eq(h_tx_count(1), 0);
	cr_assert_eq(h_drops_total(), 0);
}

Test(fwd_mag, uplink_from_unknown_mac_is_no_binding)
{
	h_rx1(0, mag_up(MAC_OTHER, MN, CN, 40, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_BINDING), 1);
	cr_assert_eq(h_drops_total(), 1);
	cr_assert_eq(h_tx_total(), 0);
	cr_assert_eq(h_worker()->bctr[7].up_pkts, 0);
	cr_assert_eq(h_worker()->stats.port[0].drops, 1, "counted on the access port");
}

Test(fwd_mag, uplink_from_unknown_prefix_is_no_binding)
{
	/* Right MAC, source outside the MN's home network prefix. */
	h_rx1(0, mag_up(H_MAC_MN, "2001:db8:1001::100", CN, 40, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_BINDING), 1);
	cr_assert_eq(h_drops_total(), 1);
	cr_assert_eq(h_tx_total(), 0);
	cr_assert_eq(h_worker()->bctr[7].up_pkts, 0);
}

Test(fwd_mag, uplink_to_unresolved_lma_asks_once_per_100ms)
{
	cr_assert_eq(h_neigh(0, 1, LMA_CORE, H_MAC_PEER, false), PMIP_CTL_OK);
	h_rx1(0, mag_up(H_MAC_MN, MN, CN, 40, 64));
	cr_assert_eq(h_drops(DP_DROP_NEIGH_UNRESOLVED), 1);
	cr_assert_eq(h_tx_total(), 0);
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
	h_rx1(0, mag_up(H_MAC_MN, MN, CN, 40, 64));
	cr_assert_eq(h_drops(DP_DROP_NEIGH_UNRESOLVED), 2);
	cr_assert_not(h_evt(&e), "no second event within 100 ms");
	cr_assert_eq(h_worker()->stats.neigh_misses, 1);
	cr_assert_eq(h_worker()->bctr[7].up_pkts, 0, "not counted as sent");

	/* After 100 ms: asked again. */
	usleep(110 * 1000);
	h_rx1(0, mag_up(H_MAC_MN, MN, CN, 40, 64));
	cr_assert(h_evt(&e), "asked again after 100 ms");
	cr_assert_eq(e.type, PMIP_EVT_NEIGH_MISS);
	cr_assert_eq(h_worker()->stats.neigh_misses, 2);

	/* Resolved: forwarded. */
	cr_assert_eq(h_neigh(0, 1, LMA_CORE, H_MAC_PEER2, true), PMIP_CTL_OK);
	h_rx1(0, mag_up(H_MAC_MN, MN, CN, 40, 64));
	cr_assert_eq(h_tx_count(1), 1);
	cr_assert_arr_eq(h_bytes(h_tx(1, 0)), H_MAC_PEER2, 6, "the new MAC");
}

Test(fwd_mag, uplink_hop_limit_1_gets_time_exceeded)
{
	struct rte_mbuf *m = mag_up(H_MAC_MN, MN, CN, 60, 1);
	uint8_t inv[40 + 68];
	memcpy(inv, h_bytes(m) + 14, sizeof(inv));
	h_rx1(0, m);
	cr_assert_eq(h_drops(DP_DROP_HOP_LIMIT), 1);
	cr_assert_eq(h_drops_total(), 1);
	cr_assert_eq(h_tx_count(1), 0, "nothing into the tunnel");
	cr_assert_eq(h_tx_count(0), 1, "an error back on the access port");
	struct rte_mbuf *o = h_tx(0, 0);
	struct pmip_icmp6_error e = icmp_err(o, H_MAC_MN, dp.ports[0].mac, MAG_ACCESS, MN);
	cr_assert_eq(e.type, PMIP_ICMP6_TIME_EXCEEDED);
	cr_assert_eq(e.code, 0, "hop limit exceeded in transit");
	cr_assert_eq(e.param, 0);
	cr_assert_eq(e.invoking_len, sizeof(inv), "the whole invoking packet");
	cr_assert_arr_eq(h_bytes(o) + 54 + e.invoking_off, inv, sizeof(inv));
	cr_assert_eq(h_worker()->stats.icmp_sent, 1);
	cr_assert_eq(h_worker()->bctr[7].up_pkts, 0);
}

Test(fwd_mag, uplink_hop_limit_2_is_forwarded_with_1)
{
	h_rx1(0, mag_up(H_MAC_MN, MN, CN, 60, 2));
	cr_assert_eq(h_tx_count(1), 1);
	cr_assert_eq(h_bytes(h_tx(1, 0))[54 + 7], 1);
	cr_assert_eq(h_drops_total(), 0);
}

Test(fwd_mag, uplink_too_big_for_tunnel_gets_packet_too_big)
{
	/* Tunnel MTU 1500: inner packets up to 1460 bytes fit (RFC 2473 7.1). */
	h_rx1(0, mag_up(H_MAC_MN, MN, CN, 1460 - 48, 64));
	cr_assert_eq(h_tx_count(1), 1, "1460 bytes fit");
	cr_assert_eq(rte_pktmbuf_pkt_len(h_tx(1, 0)), 14 + 1500);
	h_tx_clear();

	struct rte_mbuf *m = mag_up(H_MAC_MN, MN, CN, 1461 - 48, 64);
	uint8_t inv[1461];
	memcpy(inv, h_bytes(m) + 14, sizeof(inv));
	h_rx1(0, m);
	cr_assert_eq(h_drops(DP_DROP_TOO_BIG), 1);
	cr_assert_eq(h_drops_total(), 1);
	cr_assert_eq(h_tx_count(1), 0);
	cr_assert_eq(h_tx_count(0), 1);
	struct rte_mbuf *o = h_tx(0, 0);
	struct pmip_icmp6_error e = icmp_err(o, H_MAC_MN, dp.ports[0].mac, MAG_ACCESS, MN);
	cr_assert_eq(e.type, PMIP_ICMP6_PACKET_TOO_BIG);
	cr_assert_eq(e.code, 0);
	cr_assert_eq(e.param, 1460, "tunnel MTU 1500 - 40");
	cr_assert_eq(e.invoking_len, PMIP_ICMP6_ERROR_MAX_INVOKING, "cut to fit 1280");
	cr_assert_eq(rte_pktmbuf_pkt_len(o), 14 + 1280);
	cr_assert_arr_eq(h_bytes(o) + 54 + e.invoking_off, inv, PMIP_ICMP6_ERROR_MAX_INVOKING);
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
	h_rx1(1, mag_down("2001:db8:c::9", CN, MN, 40, 64));
	cr_assert_eq(h_drops(DP_DROP_TUNNEL_MISMATCH), 1);
	cr_assert_eq(h_drops_total(), 1);
	cr_assert_eq(h_tx_total(), 0);
	cr_assert_eq(h_worker()->bctr[7].down_pkts, 0);
}

Test(fwd_mag, downlink_without_binding_is_no_binding)
{
	h_rx1(1, mag_down(LMA_CORE, CN, "2001:db8:2000::1", 40, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_BINDING), 1);
	cr_assert_eq(h_drops_total(), 1);
	cr_assert_eq(h_tx_total(), 0);
}

Test(fwd_mag, downlink_hop_limit_1_is_dropped)
{
	h_rx1(1, mag_down(LMA_CORE, CN, MN, 40, 1));
	cr_assert_eq(h_drops(DP_DROP_HOP_LIMIT), 1);
	cr_assert_eq(h_drops_total(), 1);
	cr_assert_eq(h_tx_total(), 0, "no error: the packet was not received natively");
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
	h_rx1(1, h_frame(g, n));
	cr_assert_eq(h_drops(DP_DROP_TUNNEL_MALFORMED), 1);
	/* Inner payload length beyond the outer packet: 48 -> 49. */
	memcpy(g, f, n);
	g[54 + 5] = 49;
	h_rx1(1, h_frame(g, n));
	cr_assert_eq(h_drops(DP_DROP_TUNNEL_MALFORMED), 2);
	/* ... and far beyond. */
	memcpy(g, f, n);
	g[54 + 4] = 0xff;
	h_rx1(1, h_frame(g, n));
	cr_assert_eq(h_drops(DP_DROP_TUNNEL_MALFORMED), 3);
	/* Outer payload shorter than an IPv6 header (the rest is padding). */
	memcpy(g, f, n);
	g[14 + 4] = 0;
	g[14 + 5] = 39;
	h_rx1(1, h_frame(g, n));
	cr_assert_eq(h_drops(DP_DROP_TUNNEL_MALFORMED), 4);
	/* The unmodified frame still goes through. */
	h_rx1(1, h_frame(f, n));
	cr_assert_eq(h_drops_total(), 4);
	cr_assert_eq(h_tx_count(0), 1);
}

Test(fwd_mag, link_local_is_never_forwarded)
{
	/* To a link-local address that is not ours. */
	h_rx1(0, mag_up(H_MAC_MN, MN, "fe80::1234", 40, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_ROUTE), 1);
	/* From the MN's link-local address to a global one. */
	h_rx1(0, mag_up(H_MAC_MN, "fe80::200:ff:fe00:1", CN, 40, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_ROUTE), 2);
	/* Arriving on the core port, not a tunnel. */
	h_rx1(1, h_udp(H_MAC_PEER, dp.ports[1].mac, LMA_CORE, "fe80::1", 40, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_ROUTE), 3);
	cr_assert_eq(h_drops_total(), 3);
	cr_assert_eq(h_tx_total(), 0, "no packet and no error");
	cr_assert_eq(h_worker()->bctr[7].up_pkts, 0);
}

Test(fwd_mag, downlink_link_local_inner_source_is_not_forwarded)
{
	/* Regression test (was a bug): dp/fwd.c decap() checks link-local inner sources on the LMA
	 * only; the MAG forwards a decapsulated packet with a link-local
	 * source from the tunnel onto the access link. RFC 4291 2.5.6:
	 * routers must not forward packets with link-local source or
	 * destination addresses to other links. */
	h_rx1(1, mag_down(LMA_CORE, "fe80::1", MN, 40, 64));
	cr_assert_eq(h_tx_count(0), 0, "not forwarded to the MN");
	cr_assert_eq(h_drops_total(), 1, "dropped and counted");
}

Test(fwd_mag, ethernet_padding_is_not_forwarded)
{
	/* Uplink: 30 bytes of padding after the IPv6 payload. */
	struct rte_mbuf *m = mag_up(H_MAC_MN, MN, CN, 20, 64);
	uint8_t inner[40 + 28];
	memcpy(inner, h_bytes(m) + 14, sizeof(inner));
	inner[7]--;
	pad(m, 30, 0xee);
	h_rx1(0, m);
	cr_assert_eq(h_tx_count(1), 1);
	struct rte_mbuf *o = h_tx(1, 0);
	cr_assert_eq(rte_pktmbuf_pkt_len(o), 14 + 40 + sizeof(inner), "padding not carried");
	cr_assert_eq(rte_pktmbuf_data_len(o), 14 + 40 + sizeof(inner));
	cr_assert_eq(ipv(o).payload_len, sizeof(inner));
	cr_assert_arr_eq(h_bytes(o) + 54, inner, sizeof(inner));
	cr_assert_eq(h_worker()->bctr[7].up_bytes, sizeof(inner));

	/* Downlink: padding after the outer packet. */
	m = mag_down(LMA_CORE, CN, MN, 6, 64);
	pad(m, 16, 0xee);
	h_rx1(1, m);
	cr_assert_eq(h_tx_count(0), 1);
	o = h_tx(0, 0);
	cr_assert_eq(rte_pktmbuf_pkt_len(o), 14 + 40 + 14);
	cr_assert_eq(ipv(o).payload_len, 14);
	cr_assert_eq(h_drops_total(), 0);
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
	cr_assert_eq(h_drops_total() + h_tx_count(1), N);
	cr_assert_eq(h_worker()->bctr[7].up_pkts, want_good);
	for (unsigned i = 0; i < h_tx_count(1); i++) {
		const uint8_t *p = h_bytes(h_tx(1, i));
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
	return h_frame(f, 14 + 40 + len);
}

Test(fwd_mag, router_solicitation_is_punted)
{
	struct rte_mbuf *m = rs_frame(H_MAC_MN, true);
	uint8_t f[70];
	memcpy(f, h_bytes(m), sizeof(f));
	h_rx1(0, m);
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
	cr_assert_eq(h_drops_total(), 0);
	cr_assert_eq(h_tx_total(), 0);

	/* The same RS with a bad checksum is not punted. */
	f[54 + 2] ^= 0x01;
	h_rx1(0, h_frame(f, sizeof(f)));
	cr_assert_eq(h_drops(DP_DROP_ND_INVALID), 1);
	/* Nor an RS on the core port: the MAG is no router there. */
	h_rx1(1, rs_frame(H_MAC_PEER, true));
	cr_assert_eq(h_drops(DP_DROP_LOCAL_UNHANDLED), 1);
	cr_assert_eq(punt_drain(), 0);
}

Test(fwd_mag, neighbor_solicitation_for_our_address_is_answered)
{
	uint8_t f[86];
	struct in6_addr mn_ll, target = h_ip(MAG_ACCESS);
	pmip_ipv6_link_local_from_mac(H_MAC_MN, &mn_ll);
	cr_assert_eq(pmip_nd_ns_build(f, sizeof(f), H_MAC_MN, &mn_ll, &target, NULL), 86);
	h_rx1(0, h_frame(f, sizeof(f)));
	cr_assert_eq(h_tx_count(0), 1, "an NA on the access port");
	struct rte_mbuf *o = h_tx(0, 0);
	cr_assert_eq(rte_pktmbuf_pkt_len(o), 86);
	cr_assert_arr_eq(h_bytes(o), H_MAC_MN, 6, "to the solicitor's link-layer address");
	cr_assert_arr_eq(h_bytes(o) + 6, dp.ports[0].mac, 6);
	struct pmip_ipv6_view ip = ipv(o);
	cr_assert_eq(ip.hop_limit, 255);
	cr_assert_arr_eq(&ip.src, &target, 16);
	cr_assert_arr_eq(&ip.dst, &mn_ll, 16);
	struct pmip_nd_na na;
	cr_assert_eq(pmip_nd_na_parse(&ip, h_bytes(o) + 54, ip.payload_len, &na), PMIP_PKT_ERR_OK);
	cr_assert_arr_eq(&na.target, &target, 16);
	cr_assert_eq(na.flags, PMIP_NA_FLAG_ROUTER | PMIP_NA_FLAG_SOLICITED | PMIP_NA_FLAG_OVERRIDE);
	cr_assert(na.has_tlla);
	cr_assert_arr_eq(na.tlla, dp.ports[0].mac, 6);
	cr_assert_eq(h_worker()->stats.port[0].nd_replies, 1);
	cr_assert_eq(punt_drain(), 0);
	cr_assert_eq(h_drops_total(), 0);

	/* The link-local address is ours too. */
	h_tx_clear();
	cr_assert_eq(pmip_nd_ns_build(f, sizeof(f), H_MAC_MN, &mn_ll, &dp.ports[0].addrs[0], NULL),
		     86);
	h_rx1(0, h_frame(f, sizeof(f)));
	cr_assert_eq(h_tx_count(0), 1);
	ip = ipv(h_tx(0, 0));
	cr_assert_eq(pmip_nd_na_parse(&ip, h_bytes(h_tx(0, 0)) + 54, ip.payload_len, &na),
		     PMIP_PKT_ERR_OK);
	cr_assert_arr_eq(&na.target, &dp.ports[0].addrs[0], 16);
}

Test(fwd_mag, shared_prefix_mns_get_their_own_downlink)
{
	cr_assert_eq(h_binding(10, 0, "2001:db8:5000::", "2001:db8:5000::a", 0, MAC_MN_A),
		     PMIP_CTL_OK);
	cr_assert_eq(h_binding(11, 0, "2001:db8:5000::", "2001:db8:5000::b", 0, MAC_MN_B),
		     PMIP_CTL_OK);
	h_rx1(1, mag_down(LMA_CORE, CN, "2001:db8:5000::a", 20, 64));
	h_rx1(1, mag_down(LMA_CORE, CN, "2001:db8:5000::b", 21, 64));
	h_rx1(1, mag_down(LMA_CORE, CN, "2001:db8:5000::b", 22, 64));
	cr_assert_eq(h_tx_count(0), 3);
	cr_assert_arr_eq(h_bytes(h_tx(0, 0)), MAC_MN_A, 6);
	cr_assert_arr_eq(h_bytes(h_tx(0, 1)), MAC_MN_B, 6);
	cr_assert_arr_eq(h_bytes(h_tx(0, 2)), MAC_MN_B, 6);
	cr_assert_eq(h_worker()->bctr[10].down_pkts, 1);
	cr_assert_eq(h_worker()->bctr[11].down_pkts, 2);
	/* An address of the shared prefix that no MN holds. */
	h_rx1(1, mag_down(LMA_CORE, CN, "2001:db8:5000::c", 20, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_BINDING), 1);
	h_tx_clear();

	/* Uplink: each MN counted on its own binding. */
	h_rx1(0, mag_up(MAC_MN_A, "2001:db8:5000::a", CN, 20, 64));
	h_rx1(0, mag_up(MAC_MN_B, "2001:db8:5000::b", CN, 20, 64));
	cr_assert_eq(h_tx_count(1), 2);
	cr_assert_eq(h_worker()->bctr[10].up_pkts, 1);
	cr_assert_eq(h_worker()->bctr[11].up_pkts, 1);
	/* The dedicated-prefix MN is unaffected. */
	h_rx1(1, mag_down(LMA_CORE, CN, MN, 20, 64));
	cr_assert_eq(h_tx_count(0), 1);
	cr_assert_arr_eq(h_bytes(h_tx(0, 0)), H_MAC_MN, 6);
}

Test(fwd_mag, native_packet_on_core_port_without_route_is_no_route)
{
	struct rte_mbuf *m = h_udp(H_MAC_PEER, dp.ports[1].mac, CN, "2001:db8:9::1", 40, 64);
	h_rx1(1, m);
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
	h_rx1(1, mag_down(LMA_CORE, CN, MN, 1280 - 48, 64));
	cr_assert_eq(h_tx_count(0), 1, "1280 bytes fit");
	h_tx_clear();
	h_rx1(1, mag_down(LMA_CORE, CN, MN, 1460 - 48, 64));
	cr_assert_eq(h_tx_count(0), 0, "1460 bytes do not fit a 1280 link");
	cr_assert_eq(h_drops(DP_DROP_TOO_BIG), 1);
}
