/* Forwarding on mbufs: the ctl rules of the tables (suite tables, on the
 * MAG set-up) and malformed input in both roles, truncations and bit flips
 * with every packet accounted for (suite malformed). Helpers:
 * fwd_util.[ch]. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_hash.h>

#include "fwd_util.h"

/* -------------------------------------------------------------- tables -- */

TestSuite(tables, .init = mag_setup, .fini = h_fini);

Test(tables, binding_set_rejects)
{
	struct pmip_ctl_msg m;
	m = h_binding_msg(1024, 0, "2001:db8:2::", NULL, 0, H_MAC_MN);
	cr_assert_eq(h_apply(&m), PMIP_CTL_REJECT_INVALID, "binding id out of range");
	m = h_binding_msg(8, 64, "2001:db8:2::", NULL, 0, H_MAC_MN);
	cr_assert_eq(h_apply(&m), PMIP_CTL_REJECT_INVALID, "tunnel id out of range");
	m = h_binding_msg(8, 5, "2001:db8:2::", NULL, 0, H_MAC_MN);
	cr_assert_eq(h_apply(&m), PMIP_CTL_REJECT_NO_SUCH_ID, "tunnel not set");
	m = h_binding_msg(8, 0, "2001:db8:2::", NULL, 0, H_MAC_MN);
	m.u.binding.hnp_len = 48;
	cr_assert_eq(h_apply(&m), PMIP_CTL_REJECT_INVALID, "hnp_len 48");
	m.u.binding.hnp_len = 128;
	cr_assert_eq(h_apply(&m), PMIP_CTL_REJECT_INVALID, "hnp_len 128");
	m = h_binding_msg(8, 0, "2001:db8:2::", NULL, 0, H_MAC_MN);
	m.u.binding.flags = 0x80;
	cr_assert_eq(h_apply(&m), PMIP_CTL_REJECT_INVALID, "unknown flag");
	m = h_binding_msg(8, 0, "2001:db8:2::", NULL, 0, H_MAC_MN);
	m.u.binding.flags = PMIP_BINDING_F_SHARED_PREFIX;
	cr_assert_eq(h_apply(&m), PMIP_CTL_REJECT_INVALID, "shared without a home address");
	m.u.binding.hoa = h_ip("2001:db8:3::1");
	cr_assert_eq(h_apply(&m), PMIP_CTL_REJECT_INVALID, "home address outside the prefix");
	static const uint8_t mcast[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	m = h_binding_msg(8, 0, "2001:db8:2::", NULL, 0, mcast);
	cr_assert_eq(h_apply(&m), PMIP_CTL_REJECT_INVALID, "multicast MN MAC");
	m = h_binding_msg(8, 0, "2001:db8:2::", NULL, 0, H_MAC_MN);
	m.u.binding.access_port = 2;
	cr_assert_eq(h_apply(&m), PMIP_CTL_REJECT_INVALID, "no port 2");
	m = h_binding_msg(8, 0, HNP, NULL, 0, MAC_OTHER);
	cr_assert_eq(h_apply(&m), PMIP_CTL_REJECT_KEY_IN_USE, "HNP of binding 7");

	cr_assert_eq(dp.tables.n_bindings, 1, "nothing applied");
	cr_assert_eq(h_binding_del(8), PMIP_CTL_REJECT_NO_SUCH_ID);
	/* Binding 7 unaffected. */
	h_rx1(0, mag_up(H_MAC_MN, MN, CN, 10, 64));
	cr_assert_eq(h_tx_count(1), 1);
	cr_assert_eq(h_drops_total(), 0);
	/* And the rejected keys are free. */
	m = h_binding_msg(8, 0, "2001:db8:2::", NULL, 0, H_MAC_MN);
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
	h_rx1(1, mag_down(LMA_CORE, CN, "2001:db8:1000::5", 10, 64));
	cr_assert_eq(h_tx_count(0), 1);
	cr_assert_arr_eq(h_bytes(h_tx(0, 0)), H_MAC_MN, 6, "still binding 7's prefix");
	h_rx1(1, mag_down(LMA_CORE, CN, "2001:db8:5000::a", 10, 64));
	cr_assert_eq(h_tx_count(0), 2);
	cr_assert_arr_eq(h_bytes(h_tx(0, 1)), MAC_MN_A, 6);
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
	h_rx1(1, mag_down(LMA_CORE, CN, "2001:db8:2::1", 10, 64));
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
	h_rx1(1, mag_down(LMA_CORE, CN, "2001:db8:2::1", 10, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_BINDING), 1);
	h_rx1(1, mag_down(LMA_CORE, CN, "2001:db8:3::1", 10, 64));
	cr_assert_eq(h_tx_count(0), 1);
	cr_assert_arr_eq(h_bytes(h_tx(0, 0)), MAC_MN_A, 6);

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
		h_rx1(0, mag_up(H_MAC_MN, MN, CN, 10, 64));
		cr_assert_eq(h_drops(DP_DROP_NO_BINDING), 2 * i + 1);
		h_rx1(1, mag_down(LMA_CORE, CN, MN, 10, 64));
		cr_assert_eq(h_drops(DP_DROP_NO_BINDING), 2 * i + 2);
		cr_assert_eq(h_binding(7, 0, HNP, NULL, 0, H_MAC_MN), PMIP_CTL_OK);
		h_rx1(0, mag_up(H_MAC_MN, MN, CN, 10, 64));
		h_rx1(1, mag_down(LMA_CORE, CN, MN, 10, 64));
		cr_assert_eq(h_tx_count(1), 1);
		cr_assert_eq(h_tx_count(0), 1);
		h_tx_clear();
	}
	/* The same keys under another id. */
	cr_assert_eq(h_binding_del(7), PMIP_CTL_OK);
	cr_assert_eq(h_binding(9, 0, HNP, NULL, 0, H_MAC_MN), PMIP_CTL_OK);
	h_rx1(0, mag_up(H_MAC_MN, MN, CN, 10, 64));
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
	h_rx1(1, mag_down(LMA_CORE, CN, "2001:db8:9:3ff::1", 10, 64));
	cr_assert_eq(h_tx_count(0), 1);
	cr_assert_eq(h_worker()->bctr[1023].down_pkts, 1);
}

Test(tables, tunnel_delete_drops_no_tunnel)
{
	cr_assert_eq(ctl_del(PMIP_CTL_TUNNEL_DEL, 0), PMIP_CTL_OK);
	cr_assert_eq(dp.tables.n_tunnels, 0);
	h_rx1(0, mag_up(H_MAC_MN, MN, CN, 10, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_TUNNEL), 1);
	cr_assert_eq(h_tx_total(), 0);
	h_rx1(1, mag_down(LMA_CORE, CN, MN, 10, 64));
	cr_assert_eq(h_tx_count(0), 0, "no downlink without the tunnel");
	cr_assert_eq(h_drops_total(), 2);
	/* No new binding on a missing tunnel; the tunnel back: traffic flows. */
	cr_assert_eq(h_binding(8, 0, "2001:db8:2::", NULL, 0, MAC_MN_A), PMIP_CTL_REJECT_NO_SUCH_ID);
	cr_assert_eq(h_tunnel(0, 1, MAG_CORE, LMA_CORE, 0, 1500), PMIP_CTL_OK);
	h_rx1(0, mag_up(H_MAC_MN, MN, CN, 10, 64));
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
	h_rx1(1, mag_down(LMA_CORE, CN, "2001:db8:5000::b", 10, 64));
	cr_assert_eq(h_tx_count(0), 1, "the other MN still reached");
	cr_assert_arr_eq(h_bytes(h_tx(0, 0)), MAC_MN_B, 6);
	h_rx1(1, mag_down(LMA_CORE, CN, "2001:db8:5000::a", 10, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_BINDING), 1);
	h_rx1(0, mag_up(MAC_MN_B, "2001:db8:5000::b", CN, 10, 64));
	cr_assert_eq(h_tx_count(1), 1);
	h_rx1(0, mag_up(MAC_MN_A, "2001:db8:5000::a", CN, 10, 64));
	cr_assert_eq(h_drops(DP_DROP_NO_BINDING), 2);

	cr_assert_eq(h_binding_del(21), PMIP_CTL_OK);
	cr_assert_lt(rte_hash_lookup(dp.tables.bind_prefix, key), 0, "marker removed");
	cr_assert_eq(dp.tables.n_bindings, 1);
	/* The prefix can now be a dedicated HNP. */
	cr_assert_eq(h_binding(22, 0, S, NULL, 0, MAC_MN_A), PMIP_CTL_OK);
	h_tx_clear();
	h_rx1(1, mag_down(LMA_CORE, CN, "2001:db8:5000::b", 10, 64));
	cr_assert_eq(h_tx_count(0), 1);
	cr_assert_arr_eq(h_bytes(h_tx(0, 0)), MAC_MN_A, 6);
}

Test(tables, mag_handover_to_another_lma_tunnel)
{
	cr_assert_eq(h_neigh(1, 1, "2001:db8:c::5", H_MAC_PEER2, true), PMIP_CTL_OK);
	cr_assert_eq(h_tunnel(1, 1, MAG_CORE, "2001:db8:c::5", 1, 1500), PMIP_CTL_OK);
	cr_assert_eq(h_binding(7, 1, HNP, NULL, 0, H_MAC_MN), PMIP_CTL_OK);
	h_rx1(0, mag_up(H_MAC_MN, MN, CN, 10, 64));
	cr_assert_eq(h_tx_count(1), 1);
	cr_assert_arr_eq(h_bytes(h_tx(1, 0)), H_MAC_PEER2, 6);
	assert_dst(h_tx(1, 0), "2001:db8:c::5");
	/* Downlink only from the new LMA. */
	h_rx1(1, mag_down(LMA_CORE, CN, MN, 10, 64));
	cr_assert_eq(h_drops(DP_DROP_TUNNEL_MISMATCH), 1);
	struct rte_mbuf *in = h_udp(H_MAC_CN, H_MAC_CN, CN, MN, 10, 64);
	h_rx1(1, h_tunnelled(H_MAC_PEER2, dp.ports[1].mac, "2001:db8:c::5", MAG_CORE, in));
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
	return (struct acct){ h_drops_total(), h_tx_total(), h_worker()->stats.icmp_sent,
			      h_punted_total() };
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
	h_rx1(port, h_frame(f, len));
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
	h_rx1(0, h_frame(g, sizeof(g)));
	cr_assert_eq(h_drops(DP_DROP_ETHERTYPE), 1);
	memcpy(g, f, sizeof(f));
	g[14] = 0x40; /* version 4 */
	h_rx1(0, h_frame(g, sizeof(g)));
	memcpy(g, f, sizeof(f));
	g[18] = g[19] = 0; /* payload length 0 (jumbogram) */
	h_rx1(0, h_frame(g, sizeof(g)));
	cr_assert_eq(h_drops(DP_DROP_IPV6_MALFORMED), 2);
	/* Two segments. */
	struct rte_mbuf *a = h_frame(f, 40), *b = h_frame(f + 40, sizeof(f) - 40);
	cr_assert_eq(rte_pktmbuf_chain(a, b), 0);
	h_rx1(0, a);
	cr_assert_eq(h_drops(DP_DROP_MULTI_SEGMENT), 1);
	cr_assert_eq(h_drops_total(), 4);
	cr_assert_eq(h_tx_total(), 0);
	cr_assert_eq(h_worker()->stats.port[0].drops, 4);
}
