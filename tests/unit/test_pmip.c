/* PMIPv6 engine, MAGs and an LMA in memory: registration, refresh,
 * de-registration, expiry, handover, the home-address conflict (134),
 * retransmission under loss, duplication and reordering, waiting for the
 * SA, peer restart and loss (RFC 5847 events), the listing. */
#include "pmip_fixture.h"

TestSuite(pmip, .init = quiet, .fini = fini);

Test(pmip, registration_end_to_end)
{
	setup();
	attach(&mag1, 1);
	cr_assert_str_eq(state_of(&mag1, MN1), "registering");
	cr_assert_eq(st(&mag1)->pbu_sent, 1);
	settle();
	assert_registered(&mag1, MN1);
	const struct pmip_binding *m = pp_dp_by_mn(&mag1, MN1), *l = pp_dp_by_mn(&lma, MN1);
	struct in6_addr hoa;
	inet_pton(AF_INET6, "2001:db8:1::10", &hoa);
	cr_assert_eq(memcmp(&l->hoa, &hoa, 16), 0, "the /128 HNP carried the home address");
	cr_assert_eq(m->access_port, 7);
	cr_assert_eq(pmip_binding_by_mn_id(lma.pe, MN1)->lifetime_s, 3600);
	cr_assert_eq(pmip_binding_by_mn_id(lma.pe, MN1)->hi, PMIP_MH_HI_NEW_INTERFACE);
	cr_assert_eq(mag1.registered, 1, "one Router Advertisement");
	cr_assert_eq(memcmp(mag1.last_registered.hnp.s6_addr, profile(MN1)->hnp.s6_addr, 16), 0);
	cr_assert_eq(st(&mag1)->accepted, 1);
	cr_assert_eq(st(&lma)->accepted, 1);
	cr_assert_eq(st(&lma)->pba_sent, 1);
	cr_assert_eq(st(&mag1)->pbu_retransmit, 0);
	cr_assert_eq(lma.ups, 1);
	cr_assert_eq(mag1.ups, 1);
	/* Attaching again while registered does nothing. */
	attach(&mag1, 1);
	settle();
	cr_assert_eq(st(&mag1)->pbu_sent, 1);
	/* An MN without a profile is counted, not registered. */
	attach(&mag1, 9);
	cr_assert_eq(st(&mag1)->unknown_mn, 1);
	cr_assert_eq(pmip_binding_count(mag1.pe), 1);
	/* An MN without a home address registers with its prefix only. */
	attach(&mag1, 2);
	settle();
	assert_registered(&mag1, MN2);
	cr_assert(IN6_IS_ADDR_UNSPECIFIED(&pp_dp_by_mn(&lma, MN2)->hoa));
}

Test(pmip, lifetime_is_the_smaller_of_asked_and_granted)
{
	setup();
	lma.cfg.pmip.lifetime_s = 400;
	attach(&mag1, 1);
	settle();
	assert_registered(&mag1, MN1);
	cr_assert_eq(pmip_binding_by_mn_id(mag1.pe, MN1)->lifetime_s, 400);
	mag1.cfg.pmip.lifetime_s = 100;
	lma.cfg.pmip.lifetime_s = 4000;
	attach(&mag1, 2);
	settle();
	cr_assert_eq(pmip_binding_by_mn_id(lma.pe, MN2)->lifetime_s, 100);
	cr_assert_eq(pmip_binding_by_mn_id(mag1.pe, MN2)->lifetime_s, 100);
}

/* Lifetime 4 s (the smallest the wire carries), refresh at 25 %: the
 * binding outlives its first lifetime only if refreshes reach the LMA. */
Test(pmip, refresh_before_the_lifetime_ends, .timeout = 30)
{
	setup();
	lma.cfg.pmip.lifetime_s = 4;
	mag1.cfg.pmip.refresh_percent = 25;
	attach(&mag1, 1);
	settle();
	assert_registered(&mag1, MN1);
	pp_wait(&net, 5000);
	settle();
	assert_registered(&mag1, MN1);
	cr_assert_eq(st(&lma)->expired, 0);
	cr_assert_geq(st(&lma)->accepted, 4, "refreshes: %lu", st(&lma)->accepted);
	cr_assert_eq(pmip_binding_by_mn_id(lma.pe, MN1)->hi, PMIP_MH_HI_NOT_CHANGED,
		     "a refresh says HI 5");
	cr_assert_eq(lma.ups, 1, "a refresh does not touch the data plane");
	cr_assert_eq(mag1.ups, 1);
	cr_assert_eq(mag1.registered, 1, "no new RA for a refresh");
	cr_assert_eq(lma.downs + mag1.downs, 0);
}

Test(pmip, expiry_at_the_lma, .timeout = 30)
{
	setup();
	lma.cfg.pmip.lifetime_s = 4;
	attach(&mag1, 1);
	settle();
	assert_registered(&mag1, MN1);
	uint32_t id = pp_dp_by_mn(&lma, MN1)->id;
	net.blackhole = 0; /* mag1: its refreshes are lost */
	pp_wait(&net, 3500);
	cr_assert_not_null(pp_dp_by_mn(&lma, MN1), "not before the lifetime ends");
	pp_wait(&net, 1000);
	cr_assert_eq(st(&lma)->expired, 1);
	cr_assert_null(pp_dp_by_mn(&lma, MN1));
	cr_assert_eq(lma.last_down.id, id);
	cr_assert_eq(pmip_binding_count(lma.pe), 0);
	cr_assert_eq(lma.down_unknown, 0);
	/* The MAG gave up its refresh and took the MN's path down. */
	cr_assert_geq(st(&mag1)->timeouts, 1);
	cr_assert_null(pp_dp_by_mn(&mag1, MN1));
}

Test(pmip, deregistration)
{
	setup();
	attach(&mag1, 1);
	settle();
	assert_registered(&mag1, MN1);
	detach(&mag1, 1);
	cr_assert_eq(mag1.downs, 1, "the MAG's data path goes at once");
	cr_assert_null(pp_dp_by_mn(&mag1, MN1));
	cr_assert_str_eq(state_of(&mag1, MN1), "deregistering");
	settle();
	cr_assert_str_eq(state_of(&mag1, MN1), "none", "freed after the PBA");
	cr_assert_eq(st(&lma)->deregistrations, 1);
	cr_assert_null(pp_dp_by_mn(&lma, MN1));
	cr_assert_str_eq(state_of(&lma, MN1), "deleting", "kept for MinDelayBeforeBCEDelete");
	pp_wait(&net, 200);
	cr_assert_eq(pmip_binding_count(lma.pe), 0);
	cr_assert_eq(lma.down_unknown + mag1.down_unknown, 0);
	cr_assert_eq(st(&lma)->expired, 0);
	/* And the MN can come back. */
	attach(&mag1, 1);
	settle();
	assert_registered(&mag1, MN1);
}

Test(pmip, deregistration_gives_up_without_an_lma)
{
	setup();
	attach(&mag1, 1);
	settle();
	net.blackhole = 1;
	detach(&mag1, 1);
	pp_wait(&net, 500);
	cr_assert_eq(pmip_binding_count(mag1.pe), 0, "freed after the retransmissions");
	cr_assert_eq(st(&mag1)->timeouts, 1);
	cr_assert_eq(st(&mag1)->pbu_retransmit, 3, "20, 40, 80 then 160 ms: 3 retransmissions");
}

Test(pmip, handover_between_mags)
{
	setup();
	attach(&mag1, 1);
	settle();
	assert_registered(&mag1, MN1);
	uint32_t id = pp_dp_by_mn(&lma, MN1)->id;
	attach(&mag2, 1);
	settle();
	assert_registered(&mag2, MN1);
	cr_assert_eq(st(&lma)->handovers, 1);
	cr_assert_eq(lma.ups, 2, "one data-plane update for the move");
	cr_assert_eq(lma.downs, 0, "moved, not removed and added");
	cr_assert_eq(lma.last_up.id, id, "same binding id");
	cr_assert_eq(memcmp(&lma.last_up.peer, &mag2_addr, 16), 0);
	cr_assert_eq(pmip_binding_count(lma.pe), 1);
	/* The old MAG learns the MN left and de-registers: the LMA
	 * acknowledges and keeps the binding with mag2 (RFC 5213 5.3.5). */
	detach(&mag1, 1);
	settle();
	cr_assert_eq(pmip_binding_count(mag1.pe), 0);
	cr_assert_eq(st(&lma)->deregistrations, 0);
	assert_registered(&mag2, MN1);
	cr_assert_eq(lma.downs, 0);
	cr_assert_eq(st(&lma)->rejected, 0);
	/* Later the binding is still refreshed from mag2 only. */
	pp_wait(&net, 150);
	cr_assert_not_null(pp_dp_by_mn(&lma, MN1));
}

/* The old MAG has not seen the MN leave and refreshes after the handover
 * (HI 5 from a MAG that does not serve the MN): the LMA keeps the binding
 * at the new MAG and refuses; the old MAG drops its stale entry. */
Test(pmip, stale_refresh_from_the_old_mag_after_a_handover, .timeout = 30)
{
	setup();
	lma.cfg.pmip.lifetime_s = 4;
	mag1.cfg.pmip.refresh_percent = 50;
	mag2.cfg.pmip.refresh_percent = 50;
	attach(&mag1, 1);
	settle();
	assert_registered(&mag1, MN1);
	attach(&mag2, 1);
	settle();
	assert_registered(&mag2, MN1);
	cr_assert_eq(st(&lma)->rejected, 0);
	pp_wait(&net, 2600);   /* mag1's refresh at 2 s */
	settle();
	cr_assert_geq(st(&lma)->rejected, 1, "mag1's stale refresh refused");
	cr_assert_eq(st(&lma)->handovers, 1, "not moved back");
	cr_assert_eq(memcmp(&pp_dp_by_mn(&lma, MN1)->peer, &mag2_addr, 16), 0);
	cr_assert_null(pmip_binding_by_mac(mag1.pe, pmip_binding_by_mn_id(mag2.pe, MN1)->mac),
		       "mag1 dropped its entry");
	cr_assert_eq(mag1.downs, 1, "mag1's data-plane state went");
	assert_registered(&mag2, MN1);
}

/* The old MAG's de-registration reaches the LMA before the new MAG's
 * PBU: the entry waits MinDelayBeforeBCEDelete, and the new MAG's PBU
 * within it is a handover of the same binding. */
Test(pmip, handover_after_deregistration_within_the_delete_delay)
{
	setup();
	lma.cfg.pmip.bce_delete_delay_ms = 5000;
	attach(&mag1, 1);
	settle();
	uint32_t id = pp_dp_by_mn(&lma, MN1)->id;
	detach(&mag1, 1);
	settle();
	cr_assert_str_eq(state_of(&lma, MN1), "deleting");
	attach(&mag2, 1);
	settle();
	assert_registered(&mag2, MN1);
	cr_assert_eq(pp_dp_by_mn(&lma, MN1)->id, id, "the same binding came back");
	cr_assert_eq(st(&lma)->handovers, 1);
}

Test(pmip, home_address_conflict_134)
{
	setup();
	attach(&mag1, 3);
	settle();
	assert_registered(&mag1, MN3);
	attach(&mag1, 4);
	settle();
	cr_assert_eq(st(&lma)->hoa_conflicts, 1);
	cr_assert_eq(st(&mag1)->hoa_conflicts, 1);
	cr_assert_eq(mag1.conflicts, 1, "env.hoa_conflict: the SA is to be set up again");
	cr_assert_str_eq(mag1.last_conflict.mn_id, MN4);
	cr_assert_str_eq(state_of(&mag1, MN4), "wait-hoa");
	cr_assert_null(pp_dp_by_mn(&mag1, MN4));
	cr_assert_null(pp_dp_by_mn(&lma, MN4));
	/* The SA came back with a new address. */
	struct in6_addr fresh;
	inet_pton(AF_INET6, "2001:db8:5::2", &fresh);
	uint8_t mac[6];
	pp_mac(4, mac);
	pmip_mag_new_hoa(mag1.pe, mac, &fresh);
	settle();
	assert_registered(&mag1, MN4);
	cr_assert_eq(memcmp(&pp_dp_by_mn(&lma, MN4)->hoa, &fresh, 16), 0);
	cr_assert_eq(memcmp(&pp_dp_by_mn(&mag1, MN4)->hoa, &fresh, 16), 0);
	assert_registered(&mag1, MN3);
	cr_assert_eq(pmip_binding_count(lma.pe), 2);
	/* mn3 leaves: its address is free again for anyone. */
	detach(&mag1, 3);
	settle();
	cr_assert_null(pmip_entry_by_hoa(lma.pe, &profile(MN3)->hoa));
}

Test(pmip, pbu_waits_for_the_sa)
{
	setup();
	mag1.sa_down = true;
	attach(&mag1, 1);
	settle();
	cr_assert_eq(mag1.tx, 0, "nothing sent without the SA");
	cr_assert_geq(mag1.sa_asked, 1);
	cr_assert_str_eq(state_of(&mag1, MN1), "wait-sa");
	pmip_sa_ready(mag1.pe, &lma_addr, false);
	cr_assert_eq(mag1.tx, 0);
	/* Another LMA's SA does not release it. */
	pmip_sa_ready(mag1.pe, &mag2_addr, true);
	cr_assert_eq(mag1.tx, 0);
	mag1.sa_down = false;
	pmip_sa_ready(mag1.pe, &lma_addr, true);
	settle();
	assert_registered(&mag1, MN1);
	/* Detaching while waiting for the SA sends nothing. */
	mag1.sa_down = true;
	attach(&mag1, 2);
	unsigned tx = mag1.tx;
	detach(&mag1, 2);
	cr_assert_eq(mag1.tx, tx);
	cr_assert_str_eq(state_of(&mag1, MN2), "none");
}

Test(pmip, loss_duplication_and_reordering, .timeout = 60)
{
	uint64_t retransmits = 0;
	for (unsigned seed = 1; seed <= 6; seed++) {
		setup();
		mag1.cfg.pmip.pbu_max_ms = 5000;
		net.mn.loss_pct = 30;
		net.mn.dup_pct = 30;
		net.mn.reorder = true;
		net.mn.seed = seed;
		attach(&mag1, 1);
		attach(&mag1, 2);
		settle();
		detach(&mag1, 2);
		settle();
		net.mn.loss_pct = net.mn.dup_pct = 0;
		pp_wait(&net, 150); /* past the delete delay */
		assert_registered(&mag1, MN1);
		cr_assert_eq(pmip_binding_count(lma.pe), 1, "seed %u: exactly one binding", seed);
		cr_assert_eq(pp_dp_count(&lma), 1, "seed %u", seed);
		cr_assert_eq(pp_dp_count(&mag1), 1, "seed %u", seed);
		cr_assert_eq(lma.down_unknown + mag1.down_unknown, 0);
		cr_assert_eq(st(&mag1)->accepted, 2, "seed %u: one accepted PBA per MN (%lu)", seed,
			     st(&mag1)->accepted);
		cr_assert_eq(st(&mag1)->timeouts, 0);
		cr_assert_eq(mag1.registered, 2, "one RA per MN");
		cr_assert_eq(st(&mag1)->pbu_sent, 3 + st(&mag1)->pbu_retransmit);
		cr_assert_eq(st(&lma)->rx_malformed + st(&mag1)->rx_malformed, 0);
		cr_assert_geq(st(&lma)->accepted + st(&lma)->rejected, 3);
		retransmits += st(&mag1)->pbu_retransmit;
		pp_net_fini(&net);
	}
	cr_assert_gt(retransmits, 0, "the faults did cause retransmissions");
}

Test(pmip, registration_retried_after_giving_up)
{
	setup();
	net.blackhole = 1; /* the LMA */
	attach(&mag1, 1);
	pp_wait(&net, 350);
	cr_assert_eq(st(&mag1)->timeouts, 1);
	cr_assert_str_eq(state_of(&mag1, MN1), "retry");
	net.blackhole = -1;
	pp_wait(&net, 200);
	settle();
	assert_registered(&mag1, MN1);
}

Test(pmip, lma_restart_registers_everything_again)
{
	setup();
	attach(&mag1, 1);
	attach(&mag1, 2);
	settle();
	cr_assert_eq(pp_node_restart(&lma), 0); /* empty binding cache */
	pmip_peer_restarted(mag1.pe, &lma_addr);
	cr_assert_eq(st(&mag1)->peer_restarts, 1);
	settle();
	assert_registered(&mag1, MN1);
	assert_registered(&mag1, MN2);
	cr_assert_eq(pmip_binding_by_mn_id(lma.pe, MN1)->hi, PMIP_MH_HI_NEW_INTERFACE,
		     "a first registration, not a refresh");
	cr_assert_eq(mag1.downs, 0, "the MAG's data path stayed");
	cr_assert_eq(mag1.ups, 2);
	cr_assert_eq(mag1.registered, 2);
	/* Another LMA's restart changes nothing here. */
	uint64_t sent = st(&mag1)->pbu_sent;
	pmip_peer_restarted(mag1.pe, &mag2_addr);
	settle();
	cr_assert_eq(st(&mag1)->pbu_sent, sent);
}

Test(pmip, mag_restart_removes_its_bindings_at_the_lma)
{
	setup();
	attach(&mag1, 1);
	attach(&mag2, 2);
	settle();
	assert_registered(&mag2, MN2);
	pmip_peer_restarted(lma.pe, &mag1_addr);
	cr_assert_eq(st(&lma)->peer_restarts, 1);
	cr_assert_null(pp_dp_by_mn(&lma, MN1));
	cr_assert_eq(pmip_binding_count(lma.pe), 1);
	assert_registered(&mag2, MN2);
	cr_assert_eq(lma.down_unknown, 0);
}

Test(pmip, lma_lost_then_back)
{
	setup();
	attach(&mag1, 1);
	settle();
	mag1.sa_down = true;
	pmip_peer_lost(mag1.pe, &lma_addr);
	cr_assert_eq(st(&mag1)->peers_lost, 1);
	cr_assert_null(pp_dp_by_mn(&mag1, MN1), "the MN's path is down");
	cr_assert_str_eq(state_of(&mag1, MN1), "wait-sa");
	pp_wait(&net, 100);
	cr_assert_eq(st(&mag1)->pbu_sent, 1, "nothing sent while the LMA is lost");
	mag1.sa_down = false;
	pmip_sa_ready(mag1.pe, &lma_addr, true);
	settle();
	assert_registered(&mag1, MN1);
	cr_assert_eq(mag1.ups, 2);
	cr_assert_eq(mag1.registered, 2, "the MN gets its prefix again");
}

Test(pmip, mag_lost_at_the_lma)
{
	setup();
	attach(&mag1, 1);
	attach(&mag1, 2);
	attach(&mag2, 3);
	settle();
	pmip_peer_lost(lma.pe, &mag1_addr);
	cr_assert_eq(st(&lma)->peers_lost, 1);
	cr_assert_eq(pmip_binding_count(lma.pe), 1);
	cr_assert_eq(pp_dp_count(&lma), 1);
	cr_assert_not_null(pp_dp_by_mn(&lma, MN3));
	cr_assert_eq(lma.downs, 2);
}

Test(pmip, listing)
{
	setup();
	attach(&mag1, 1);
	settle();
	char out[4096];
	size_t n = pmip_engine_list(mag1.pe, out, sizeof(out));
	cr_assert_eq(n, strlen(out));
	cr_assert_not_null(strstr(out, "\"mn_id\":\"" MN1 "\""), "%s", out);
	cr_assert_not_null(strstr(out, "\"state\":\"registered\""), "%s", out);
	cr_assert_not_null(strstr(out, "\"hnp\":\"2001:db8:1::/64\""), "%s", out);
	cr_assert_not_null(strstr(out, "\"hoa\":\"2001:db8:1::10\""), "%s", out);
	cr_assert_not_null(strstr(out, "\"peer\":\"" LMA_ADDR "\""), "%s", out);
	cr_assert_not_null(strstr(out, "\"mac\":\"02:00:00:00:00:01\""), "%s", out);
	cr_assert_eq(out[n - 1], '\n');
	n = pmip_engine_list(lma.pe, out, sizeof(out));
	cr_assert_not_null(strstr(out, "\"state\":\"active\""), "%s", out);
	cr_assert_not_null(strstr(out, "\"peer\":\"" MAG1_ADDR "\""), "%s", out);
	/* Whole lines only. */
	cr_assert_eq(pmip_engine_list(lma.pe, out, 40), 0);
	cr_assert_eq(out[0], '\0');
}

/* The later benchmark aims at 1 000 000 bindings at <= 1 KiB each: an
 * entry plus its share of the three index head arrays (at most two heads
 * per entry each, powers of two) must stay well under that. */
Test(pmip, binding_memory_under_1k)
{
	size_t per = sizeof(struct pmip_entry) + 3 * 2 * sizeof(uint32_t);
	cr_assert_lt(per, 768, "%zu octets per binding", per);
}
