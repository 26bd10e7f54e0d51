/* Forwarding on mbufs, the LMA (port 0 core, port 1 network, two MAGs):
 * encapsulation to the serving MAG, anti-spoofing decapsulation, route
 * forwarding, handover (suite fwd_lma). Helpers: fwd_util.[ch]. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_hash.h>

#include "fwd_util.h"

TestSuite(fwd_lma, .init = lma_setup, .fini = h_fini);

Test(fwd_lma, downlink_is_encapsulated_to_the_serving_mag)
{
	struct rte_mbuf *m = lma_native(CN, MN1, 30, 64);
	uint8_t inner[40 + 38];
	memcpy(inner, h_bytes(m) + 14, sizeof(inner));
	inner[7] = 63;
	h_rx1(1, m);
	cr_assert_eq(h_tx_count(0), 1);
	assert_encap(h_tx(0, 0), H_MAC_PEER, MAG1, inner, sizeof(inner));
	cr_assert_eq(h_worker()->bctr[1].down_pkts, 1);
	cr_assert_eq(h_worker()->bctr[1].down_bytes, sizeof(inner));

	m = lma_native(CN, "2001:db8:2000::77", 30, 64);
	memcpy(inner, h_bytes(m) + 14, sizeof(inner));
	inner[7] = 63;
	h_rx1(1, m);
	cr_assert_eq(h_tx_count(0), 2);
	assert_encap(h_tx(0, 1), H_MAC_PEER2, MAG2, inner, sizeof(inner));
	cr_assert_eq(h_worker()->bctr[2].down_pkts, 1);
	cr_assert_eq(h_tx_count(1), 0);
	cr_assert_eq(h_drops_total(), 0);
}

Test(fwd_lma, downlink_too_big_for_tunnel_gets_packet_too_big)
{
	h_rx1(1, lma_native(CN, MN1, 1461 - 48, 64));
	cr_assert_eq(h_drops(DP_DROP_TOO_BIG), 1);
	cr_assert_eq(h_tx_count(0), 0);
	cr_assert_eq(h_tx_count(1), 1);
	struct pmip_icmp6_error e = icmp_err(h_tx(1, 0), H_MAC_CN, dp.ports[1].mac, LMA_NET, CN);
	cr_assert_eq(e.type, PMIP_ICMP6_PACKET_TOO_BIG);
	cr_assert_eq(e.param, 1460);
}

Test(fwd_lma, downlink_hop_limit_1_gets_time_exceeded)
{
	h_rx1(1, lma_native(CN, MN1, 10, 1));
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
	h_rx1(1, lma_native(CN, "2001:db8:3000::a", 10, 64));
	h_rx1(1, lma_native(CN, "2001:db8:3000::b", 10, 64));
	cr_assert_eq(h_tx_count(0), 2);
	cr_assert_arr_eq(h_bytes(h_tx(0, 0)), H_MAC_PEER, 6);
	assert_dst(h_tx(0, 0), MAG1);
	cr_assert_arr_eq(h_bytes(h_tx(0, 1)), H_MAC_PEER2, 6);
	assert_dst(h_tx(0, 1), MAG2);
	cr_assert_eq(h_worker()->bctr[3].down_pkts, 1);
	cr_assert_eq(h_worker()->bctr[4].down_pkts, 1);

	/* An unbound address of the shared prefix goes by the route table:
	 * none here. */
	h_rx1(1, lma_native(CN, "2001:db8:3000::c", 10, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_ROUTE), 1);
	cr_assert_eq(h_tx_count(0), 2);

	/* Uplink: each address only from its own MAG. */
	h_tx_clear();
	h_rx1(0, lma_tun(H_MAC_PEER, MAG1, "2001:db8:3000::a", CN, 10, 64));
	h_rx1(0, lma_tun(H_MAC_PEER2, MAG2, "2001:db8:3000::b", CN, 10, 64));
	cr_assert_eq(h_tx_count(1), 2);
	h_rx1(0, lma_tun(H_MAC_PEER, MAG1, "2001:db8:3000::b", CN, 10, 64));
	cr_assert_eq(h_drops(DP_DROP_SPOOFED_SOURCE), 1);
	cr_assert_eq(h_worker()->bctr[3].up_pkts, 1);
	cr_assert_eq(h_worker()->bctr[4].up_pkts, 1);
}

Test(fwd_lma, uplink_from_the_right_mag_is_forwarded_to_the_cn)
{
	struct rte_mbuf *m = lma_tun(H_MAC_PEER, MAG1, MN1, CN, 50, 60);
	uint8_t inner[40 + 58];
	memcpy(inner, h_bytes(m) + 54, sizeof(inner));
	inner[7] = 59;
	h_rx1(0, m);
	cr_assert_eq(h_tx_count(1), 1, "to the network port");
	struct rte_mbuf *o = h_tx(1, 0);
	cr_assert_eq(rte_pktmbuf_pkt_len(o), 14 + sizeof(inner));
	cr_assert_arr_eq(h_bytes(o), H_MAC_CN, 6, "the CN's MAC");
	cr_assert_arr_eq(h_bytes(o) + 6, dp.ports[1].mac, 6);
	cr_assert_eq(h_bytes(o)[12], 0x86);
	cr_assert_eq(h_bytes(o)[13], 0xdd);
	cr_assert_arr_eq(h_bytes(o) + 14, inner, sizeof(inner), "hop limit 60 -> 59, rest unchanged");
	cr_assert_eq(h_worker()->bctr[1].up_pkts, 1);
	cr_assert_eq(h_worker()->bctr[1].up_bytes, sizeof(inner));
	cr_assert_eq(h_worker()->bctr[2].up_pkts, 0);
	cr_assert_eq(h_tx_count(0), 0);
	cr_assert_eq(h_drops_total(), 0);
}

Test(fwd_lma, uplink_with_unknown_inner_source_is_spoofed)
{
	h_rx1(0, lma_tun(H_MAC_PEER, MAG1, "2001:db8:7777::1", CN, 20, 64));
	cr_assert_eq(h_drops(DP_DROP_SPOOFED_SOURCE), 1);
	cr_assert_eq(h_drops_total(), 1);
	cr_assert_eq(h_tx_total(), 0);
	/* Also from a node that is no MAG at all. */
	h_rx1(0, lma_tun(MAC_OTHER, "2001:db8:c::9", MN1, CN, 20, 64));
	cr_assert_eq(h_drops(DP_DROP_SPOOFED_SOURCE), 2);
	cr_assert_eq(h_tx_total(), 0);
	cr_assert_eq(h_worker()->bctr[1].up_pkts, 0);
}

Test(fwd_lma, uplink_with_source_of_the_other_mag_is_spoofed)
{
	/* MN2 is served by MAG2; MAG1 sends with its address. */
	h_rx1(0, lma_tun(H_MAC_PEER, MAG1, MN2, CN, 20, 64));
	cr_assert_eq(h_drops(DP_DROP_SPOOFED_SOURCE), 1);
	cr_assert_eq(h_drops_total(), 1);
	cr_assert_eq(h_tx_total(), 0);
	cr_assert_eq(h_worker()->bctr[1].up_pkts, 0);
	cr_assert_eq(h_worker()->bctr[2].up_pkts, 0);
}

Test(fwd_lma, uplink_with_link_local_or_multicast_source_is_spoofed)
{
	h_rx1(0, lma_tun(H_MAC_PEER, MAG1, "fe80::1", CN, 20, 64));
	cr_assert_eq(h_drops(DP_DROP_SPOOFED_SOURCE), 1);
	h_rx1(0, lma_tun(H_MAC_PEER, MAG1, "ff02::1", CN, 20, 64));
	cr_assert_eq(h_drops(DP_DROP_SPOOFED_SOURCE), 2);
	cr_assert_eq(h_drops_total(), 2);
	cr_assert_eq(h_tx_total(), 0);
}

Test(fwd_lma, native_link_local_is_never_forwarded)
{
	/* Even with a default route that would carry it. */
	cr_assert_eq(h_neigh(3, 1, "2001:db8:e::fe", MAC_RTR, true), PMIP_CTL_OK);
	cr_assert_eq(h_route("::", 0, PMIP_ROUTE_GATEWAY, 1, 3, "2001:db8:e::fe"), PMIP_CTL_OK);
	h_rx1(1, lma_native(CN, "fe80::1", 20, 64));
	h_rx1(1, lma_native("fe80::1", MN1, 20, 64));
	h_rx1(0, h_udp(H_MAC_PEER, dp.ports[0].mac, MAG1, "fe80::2", 20, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_ROUTE), 3);
	cr_assert_eq(h_drops_total(), 3);
	cr_assert_eq(h_tx_total(), 0, "no packet and no error");
	cr_assert_eq(h_worker()->bctr[1].down_pkts, 0);
	/* A global destination does take the default route. */
	h_rx1(1, lma_native(CN, "2001:db8:4444::1", 20, 64));
	cr_assert_eq(h_tx_count(1), 1);
	cr_assert_arr_eq(h_bytes(h_tx(1, 0)), MAC_RTR, 6);
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
	h_rx1(0, lma_tun(H_MAC_PEER, MAG1, MN1, "fe80::1", 20, 64));
	cr_assert_eq(h_tx_total(), 0, "not forwarded");
	cr_assert_eq(h_drops_total(), 1);
	cr_assert_eq(h_drops(DP_DROP_NO_ROUTE), 1);
}

Test(fwd_lma, mn_to_mn_is_reencapsulated_to_the_destination_mag)
{
	struct rte_mbuf *m = lma_tun(H_MAC_PEER, MAG1, MN1, MN2, 40, 60);
	uint8_t inner[40 + 48];
	memcpy(inner, h_bytes(m) + 54, sizeof(inner));
	inner[7] = 59;
	h_rx1(0, m);
	cr_assert_eq(h_tx_count(0), 1, "back into the core, to MAG2");
	cr_assert_eq(h_tx_count(1), 0);
	assert_encap(h_tx(0, 0), H_MAC_PEER2, MAG2, inner, sizeof(inner));
	cr_assert_eq(h_worker()->bctr[1].up_pkts, 1);
	cr_assert_eq(h_worker()->bctr[2].down_pkts, 1);
	cr_assert_eq(h_drops_total(), 0);
}

Test(fwd_lma, no_route_native_gets_destination_unreachable)
{
	struct rte_mbuf *m = lma_native(CN, "2001:db8:9999::1", 30, 64);
	uint8_t inv[40 + 38];
	memcpy(inv, h_bytes(m) + 14, sizeof(inv));
	h_rx1(1, m);
	cr_assert_eq(h_drops(DP_DROP_NO_ROUTE), 1);
	cr_assert_eq(h_drops_total(), 1);
	cr_assert_eq(h_tx_count(0), 0);
	cr_assert_eq(h_tx_count(1), 1);
	struct rte_mbuf *o = h_tx(1, 0);
	struct pmip_icmp6_error e = icmp_err(o, H_MAC_CN, dp.ports[1].mac, LMA_NET, CN);
	cr_assert_eq(e.type, PMIP_ICMP6_DST_UNREACH);
	cr_assert_eq(e.code, 0, "no route to destination");
	cr_assert_eq(e.invoking_len, sizeof(inv));
	cr_assert_arr_eq(h_bytes(o) + 54 + e.invoking_off, inv, sizeof(inv));
	cr_assert_eq(h_worker()->stats.icmp_sent, 1);
}

Test(fwd_lma, no_route_decapsulated_gets_no_error)
{
	h_rx1(0, lma_tun(H_MAC_PEER, MAG1, MN1, "2001:db8:9999::1", 30, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_ROUTE), 1);
	cr_assert_eq(h_drops_total(), 1);
	cr_assert_eq(h_tx_total(), 0, "no error into the core or the network");
	cr_assert_eq(h_worker()->stats.icmp_sent, 0);
	cr_assert_eq(h_worker()->bctr[1].up_pkts, 1, "it did come from the MN's MAG");
}

Test(fwd_lma, unresolved_on_link_destination_asks_cp)
{
	h_rx1(1, lma_native(CN, "2001:db8:e::200", 10, 64)); /* no neighbour entry */
	h_rx1(0, lma_tun(H_MAC_PEER, MAG1, MN1, "2001:db8:e::200", 10, 64));
	cr_assert_eq(h_drops(DP_DROP_NEIGH_UNRESOLVED), 2);
	cr_assert_eq(h_tx_total(), 0);
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
	h_rx1(0, lma_tun(H_MAC_PEER, MAG1, MN1, "2001:db8:9000::1", 30, 64));
	cr_assert_eq(h_tx_count(1), 1);
	struct rte_mbuf *o = h_tx(1, 0);
	cr_assert_arr_eq(h_bytes(o), MAC_RTR, 6, "the gateway's MAC");
	cr_assert_arr_eq(h_bytes(o) + 6, dp.ports[1].mac, 6);
	struct pmip_ipv6_view ip = ipv(o);
	assert_addr(&ip.dst, "2001:db8:9000::1");
	assert_addr(&ip.src, MN1);
	cr_assert_eq(ip.hop_limit, 63);
	/* More specific connected route still wins for the CN. */
	h_rx1(0, lma_tun(H_MAC_PEER, MAG1, MN1, CN, 30, 64));
	cr_assert_eq(h_tx_count(1), 2);
	cr_assert_arr_eq(h_bytes(h_tx(1, 1)), H_MAC_CN, 6);

	/* Gateway unresolved: cp is asked for the gateway's address. */
	cr_assert_eq(h_neigh(3, 1, "2001:db8:e::fe", MAC_RTR, false), PMIP_CTL_OK);
	h_rx1(1, lma_native(CN, "2001:db8:9000::2", 30, 64));
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
		h_rx1(1, lma_native(CN, "2001:db8:9000:3::1", 30, 64));
		cr_assert_eq(h_drops(DP_DROP_BLACKHOLE), bh + 1, "round %d: the /64 wins", round);
		h_rx1(1, lma_native(CN, "2001:db8:9000:ff::1", 30, 64));
		cr_assert_eq(h_tx_count(1), 1, "round %d: the /36 takes the rest", round);
		cr_assert_arr_eq(h_bytes(h_tx(1, 0)), MAC_RTR, 6);
		h_rx1(0, lma_tun(H_MAC_PEER, MAG1, MN1, CN, 30, 64));
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
	h_rx1(1, lma_native(CN, "2001:db8:dead::1", 30, 64));
	h_rx1(0, lma_tun(H_MAC_PEER, MAG1, MN1, "2001:db8:dead:1::1", 30, 64));
	cr_assert_eq(h_drops(DP_DROP_BLACKHOLE), 2);
	cr_assert_eq(h_drops_total(), 2);
	cr_assert_eq(h_tx_total(), 0, "no error either");
}

Test(fwd_lma, route_delete_gives_no_route_again)
{
	cr_assert_eq(h_neigh(3, 1, "2001:db8:e::fe", MAC_RTR, true), PMIP_CTL_OK);
	cr_assert_eq(h_route("::", 0, PMIP_ROUTE_GATEWAY, 1, 3, "2001:db8:e::fe"), PMIP_CTL_OK);
	h_rx1(0, lma_tun(H_MAC_PEER, MAG1, MN1, "2001:db8:4444::1", 30, 64));
	cr_assert_eq(h_tx_count(1), 1);
	cr_assert_arr_eq(h_bytes(h_tx(1, 0)), MAC_RTR, 6);
	h_tx_clear();
	cr_assert_eq(ctl_route_del("::", 0), PMIP_CTL_OK);
	cr_assert_eq(ctl_route_del("::", 0), PMIP_CTL_REJECT_NO_SUCH_ID);
	h_rx1(0, lma_tun(H_MAC_PEER, MAG1, MN1, "2001:db8:4444::1", 30, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_ROUTE), 1);
	cr_assert_eq(h_tx_total(), 0);
	/* The connected route is still there. */
	h_rx1(0, lma_tun(H_MAC_PEER, MAG1, MN1, CN, 30, 64));
	cr_assert_eq(h_tx_count(1), 1);
	/* Delete that too: nothing is routed. */
	cr_assert_eq(ctl_route_del("2001:db8:e::", 64), PMIP_CTL_OK);
	h_rx1(0, lma_tun(H_MAC_PEER, MAG1, MN1, CN, 30, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_ROUTE), 2);
	cr_assert_eq(h_tx_count(1), 1);
}

Test(fwd_lma, handover_moves_traffic_and_keeps_counters)
{
	h_rx1(1, lma_native(CN, MN1, 10, 64));
	h_rx1(0, lma_tun(H_MAC_PEER, MAG1, MN1, CN, 10, 64));
	cr_assert_eq(h_tx_count(0), 1);
	assert_dst(h_tx(0, 0), MAG1);
	h_tx_clear();
	uint32_t nb = dp.tables.n_bindings;

	/* Handover to MAG2: same id, same keys, another tunnel. */
	cr_assert_eq(h_binding(1, 1, HNP1, NULL, 0, NULL), PMIP_CTL_OK);
	cr_assert_eq(dp.tables.n_bindings, nb, "still one binding");
	h_rx1(1, lma_native(CN, MN1, 10, 64));
	cr_assert_eq(h_tx_count(0), 1);
	cr_assert_arr_eq(h_bytes(h_tx(0, 0)), H_MAC_PEER2, 6);
	assert_dst(h_tx(0, 0), MAG2);
	h_tx_clear();
	/* Uplink now only from MAG2. */
	h_rx1(0, lma_tun(H_MAC_PEER, MAG1, MN1, CN, 10, 64));
	cr_assert_eq(h_drops(DP_DROP_SPOOFED_SOURCE), 1);
	h_rx1(0, lma_tun(H_MAC_PEER2, MAG2, MN1, CN, 10, 64));
	cr_assert_eq(h_tx_count(1), 1);
	cr_assert_eq(h_worker()->bctr[1].down_pkts, 2, "counters kept over the handover");
	cr_assert_eq(h_worker()->bctr[1].up_pkts, 2);
	cr_assert_eq(h_worker()->bctr[2].down_pkts, 0);
}
