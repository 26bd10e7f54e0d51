/* IKEv2 engine, two peers in memory: what happens after establishment.
 * CREATE_CHILD_SA rekeys of the CHILD_SA and of the IKE SA by either side,
 * simultaneous rekeys (RFC 7296 2.8.1, 2.8.2), rekeys under loss,
 * INFORMATIONAL deletes and liveness checks, and bad input: tampered,
 * truncated, replayed, misaddressed and unsolicited messages, half-open
 * limits. */
#include "ikev2_fixture.h"

TestSuite(ikev2_life, .init = quiet, .fini = fini);

static struct ikev2_sa *up(void)
{
	setup(NULL, NULL, NULL, NULL);
	struct ikev2_sa *sa = mag_connect("::");
	assert_up();
	return sa;
}

static struct ikev2_sa *est(struct pair_node *n)
{
	struct ikev2_sa *sa = pair_first_sa(n, IKEV2_ESTABLISHED);
	cr_assert_not_null(sa, "%s has an established IKE SA", n->name);
	return sa;
}

/* After the dust settles: one IKE SA and one CHILD_SA on each side,
 * agreeing on SPIs and keys. */
static void assert_settled(void)
{
	cr_assert(pair_run(&net, NULL, NULL, 10000), "exchanges finished");
	cr_assert_eq(pair_sas(&mag, IKEV2_ESTABLISHED), 1);
	cr_assert_eq(pair_sas(&lma, IKEV2_ESTABLISHED), 1);
	cr_assert_eq(pair_sas(&mag, IKEV2_REKEYED) + pair_sas(&mag, IKEV2_DELETING), 0);
	cr_assert_eq(pair_sas(&lma, IKEV2_REKEYED) + pair_sas(&lma, IKEV2_DELETING), 0);
	struct ikev2_sa *a = est(&mag), *b = est(&lma);
	cr_assert_eq(a->spi_i, b->spi_i);
	cr_assert_eq(a->spi_r, b->spi_r);
	cr_assert_neq(a->initiator, b->initiator);
	unsigned pairs;
	cr_assert(pair_esp_match(&mag, &lma, &pairs), "ESP SAs and keys agree");
	cr_assert_eq(pairs, 2, "one CHILD_SA: %u ESP SAs", pairs);
	cr_assert(pair_keylog_has(&mag, a->spi_i, a->spi_r) && pair_keylog_has(&lma, a->spi_i, a->spi_r),
		  "both logged the keys of the IKE SA in use");
}

static void child_rekey_by(struct pair_node *who)
{
	struct ikev2_sa *sa0 = up();
	uint32_t old_in = sa0->children[0].spi_in;
	cr_assert_eq(ikev2_rekey_now(&who->e, est(who), false), 0);
	assert_settled();
	cr_assert_eq(mag.e.stats.child_rekeys, 1);
	cr_assert_eq(lma.e.stats.child_rekeys, 1);
	cr_assert_eq(mag.child_up, 2);
	cr_assert_eq(mag.child_down, 1, "the old CHILD_SA went, after the new one came");
	cr_assert_eq(lma.child_down, 1);
	cr_assert_null(pair_esp_by_spi(&mag, old_in, true));
	cr_assert_eq(mag.e.stats.rekey_collisions + lma.e.stats.rekey_collisions, 0);
	cr_assert_eq(who->out_stops, 1, "the initiator stopped sending on the pair it deleted");
}

Test(ikev2_life, child_rekey_by_the_mag)
{
	child_rekey_by(&mag);
}

Test(ikev2_life, child_rekey_by_the_lma)
{
	child_rekey_by(&lma);
}

static unsigned children(struct pair_node *n)
{
	struct ikev2_sa *sa = pair_first_sa(n, IKEV2_ESTABLISHED);
	unsigned k = 0;
	for (unsigned i = 0; sa != NULL && i < IKEV2_CHILD_MAX; i++)
		k += sa->children[i].in_use;
	return k;
}

static bool has_two_children(void *arg)
{
	return children(arg) == 2;
}

static unsigned held_esp(const struct pair_node *n)
{
	unsigned k = 0;
	for (unsigned i = 0; i < PAIR_MAX_SAS; i++)
		k += n->esp[i].used && n->esp[i].held;
	return k;
}

/* The rekey's responder installs the new pair but keeps sending on the old
 * one until the initiator deletes it: the initiator can key its new
 * inbound SA only once it has the answer (RFC 7296 2.17). */
static void rekey_responder_holds(struct pair_node *who, struct pair_node *other)
{
	up();
	cr_assert_eq(ikev2_rekey_now(&who->e, est(who), false), 0);
	cr_assert(pair_run(&net, has_two_children, other, 10000), "%s answered the rekey",
		  other->name);
	struct ikev2_sa *sa = est(other);
	unsigned held = 0, free_ = 0;
	for (unsigned i = 0; i < IKEV2_CHILD_MAX; i++) {
		if (!sa->children[i].in_use)
			continue;
		held += sa->children[i].out_held;
		free_ += !sa->children[i].out_held;
	}
	cr_assert_eq(held, 1, "the new CHILD_SA's outbound SA is held");
	cr_assert_eq(free_, 1, "the old one still carries traffic");
	cr_assert_eq(held_esp(other), 1);
	cr_assert_eq(other->out_releases, 0);
	assert_settled();
	cr_assert_eq(other->out_releases, 1, "released when the old pair was deleted");
	cr_assert_eq(held_esp(other), 0);
	cr_assert_eq(est(other)->children[0].out_held + est(other)->children[1].out_held, 0);
	cr_assert_eq(who->out_releases, 0, "the initiator switches at once: nothing held");
	cr_assert_eq(held_esp(who), 0);
}

Test(ikev2_life, child_rekey_responder_mag_sends_on_the_old_pair_until_its_delete)
{
	rekey_responder_holds(&lma, &mag);
}

Test(ikev2_life, child_rekey_responder_lma_sends_on_the_old_pair_until_its_delete)
{
	rekey_responder_holds(&mag, &lma);
}

static void ike_rekey_by(struct pair_node *who)
{
	up();
	uint64_t spi_i = est(&mag)->spi_i;
	char keys[512];
	snprintf(keys, sizeof(keys), "%s", mag.last_keylog);
	cr_assert_eq(ikev2_rekey_now(&who->e, est(who), true), 0);
	assert_settled();
	cr_assert_neq(est(&mag)->spi_i, spi_i);
	cr_assert_str_neq(mag.last_keylog, keys, "the new IKE SA's keys were logged");
	cr_assert_eq(est(who)->initiator, true, "the rekey's initiator initiates the new SA");
	cr_assert_eq(mag.child_down + lma.child_down, 0, "the CHILD_SA moved, untouched");
	cr_assert_eq(mag.e.stats.ike_rekeys, 1);
	cr_assert_eq(lma.e.stats.ike_rekeys, 1);
	/* The new IKE SA carries further exchanges. */
	struct pair_node *other = who == &mag ? &lma : &mag;
	cr_assert_eq(ikev2_rekey_now(&other->e, est(other), false), 0);
	assert_settled();
	cr_assert_eq(mag.e.stats.child_rekeys, 1);
	cr_assert_eq(ikev2_rekey_now(&other->e, est(other), true), 0);
	assert_settled();
	cr_assert_eq(mag.e.stats.ike_rekeys, 2);
	cr_assert_eq(lma.n_taken, 1, "the home address stays with the pair");
}

Test(ikev2_life, ike_rekey_by_the_mag)
{
	ike_rekey_by(&mag);
}

Test(ikev2_life, ike_rekey_by_the_lma)
{
	ike_rekey_by(&lma);
}

Test(ikev2_life, simultaneous_child_rekeys)
{
	up();
	cr_assert_eq(ikev2_rekey_now(&mag.e, est(&mag), false), 0);
	cr_assert_eq(ikev2_rekey_now(&lma.e, est(&lma), false), 0);
	assert_settled();
	cr_assert_eq(mag.e.stats.rekey_collisions, 1);
	cr_assert_eq(lma.e.stats.rekey_collisions, 1);
}

Test(ikev2_life, simultaneous_ike_rekeys)
{
	up();
	cr_assert_eq(ikev2_rekey_now(&mag.e, est(&mag), true), 0);
	cr_assert_eq(ikev2_rekey_now(&lma.e, est(&lma), true), 0);
	assert_settled();
	cr_assert_eq(mag.e.stats.rekey_collisions, 1);
	cr_assert_eq(lma.e.stats.rekey_collisions, 1);
	cr_assert_eq(mag.child_down + lma.child_down, 0);
	/* And the survivor works. */
	cr_assert_eq(ikev2_rekey_now(&mag.e, est(&mag), false), 0);
	assert_settled();
}

Test(ikev2_life, rekeys_under_loss_and_reordering)
{
	for (unsigned seed = 1; seed <= 4; seed++) {
		up();
		mag.cfg.ike.retransmit_tries = lma.cfg.ike.retransmit_tries = 12;
		net.mn.loss_pct = 20;
		net.mn.dup_pct = 20;
		net.mn.reorder = true;
		net.mn.seed = seed;
		for (unsigned round = 0; round < 4; round++) {
			struct pair_node *who = round % 2 ? &lma : &mag;
			cr_assert(pair_run(&net, NULL, NULL, 20000));
			cr_assert_eq(ikev2_rekey_now(&who->e, est(who), round >= 2), 0);
		}
		cr_assert(pair_run(&net, NULL, NULL, 20000));
		net.mn.loss_pct = net.mn.dup_pct = 0;
		assert_settled();
		pair_net_fini(&net);
	}
}

Test(ikev2_life, delete_by_the_mag_removes_everything)
{
	up();
	ikev2_delete(&mag.e, est(&mag));
	/* Delete sent, not yet answered: the MAG sends nothing more on the
	 * CHILD_SA (the LMA may already have removed its inbound SA) but
	 * still accepts on it (RFC 7296 1.4.1). */
	cr_assert_eq(mag.out_stops, 1);
	cr_assert_eq(pair_esp_count(&mag), 1);
	cr_assert(pair_esp_by_spi(&mag, pair_first_sa(&mag, IKEV2_DELETING)->children[0].spi_in, true));
	cr_assert(pair_run(&net, NULL, NULL, 2000));
	for (uint32_t i = 0; i < 64; i++) {
		cr_assert(!mag.e.sas[i].in_use);
		/* The LMA keeps only its answer, for a retransmitted Delete. */
		cr_assert(!lma.e.sas[i].in_use || (lma.e.sas[i].state == IKEV2_DEAD &&
						    !lma.e.sas[i].keys_set && lma.e.sas[i].have_resp));
	}
	cr_assert_eq(pair_esp_count(&mag) + pair_esp_count(&lma), 0);
	cr_assert_eq(lma.released, 1, "the home address went back to the pool");
	cr_assert_eq(lma.e.stats.deleted, 1);
}

Test(ikev2_life, delete_by_the_lma_removes_everything)
{
	up();
	ikev2_delete(&lma.e, est(&lma));
	cr_assert(pair_run(&net, NULL, NULL, 2000));
	cr_assert_eq(pair_sas(&mag, IKEV2_ESTABLISHED) + pair_sas(&lma, IKEV2_ESTABLISHED), 0);
	cr_assert_eq(pair_esp_count(&mag) + pair_esp_count(&lma), 0);
}

Test(ikev2_life, shutdown_tells_the_peer)
{
	up();
	ikev2_shutdown(&mag.e);
	ikev2_free(&mag.e);
	pair_run(&net, NULL, NULL, 200);
	cr_assert_eq(pair_sas(&lma, IKEV2_ESTABLISHED), 0, "the LMA heard the Delete");
	cr_assert_eq(pair_esp_count(&lma), 0);
	cr_assert_eq(lma.released, 1);
}

Test(ikev2_life, liveness_check_of_a_quiet_peer)
{
	setup("dpd_s = 1", NULL, NULL, NULL);
	mag_connect(NULL);
	assert_up();
	pair_wait(&net, 2300);
	cr_assert_geq(mag.e.stats.dpd_sent, 1);
	cr_assert_eq(pair_sas(&mag, IKEV2_ESTABLISHED), 1, "an answering peer stays");
	/* The peer dies: the liveness check times out, everything goes. */
	net.blackhole = 1;
	pair_wait(&net, 2500);
	cr_assert_eq(pair_sas(&mag, IKEV2_ESTABLISHED), 0);
	cr_assert_eq(mag.e.stats.timeouts, 1);
	cr_assert_eq(pair_esp_count(&mag), 0);
}

/* ------------------------------------------------------------ bad input -- */

static struct pair_dgram captured[8];
static unsigned n_captured;
static bool flip_once;

static bool capture_tap(struct pair_net *n, struct pair_dgram *d)
{
	(void)n;
	if (n_captured < 8)
		captured[n_captured++] = *d;
	if (flip_once && d->to == 0 && d->len > 60 && d->data[18] == IKE_EXCH_IKE_AUTH) {
		/* One bit of the LMA's IKE_AUTH answer, inside the SK payload. */
		flip_once = false;
		d->data[d->len - 20] ^= 0x01;
	}
	return true;
}

Test(ikev2_life, tampered_answer_is_dropped_and_the_retransmission_recovers)
{
	setup(NULL, NULL, NULL, NULL);
	net.tap = capture_tap;
	n_captured = 0;
	flip_once = true;
	mag_connect(NULL);
	cr_assert(pair_run(&net, both_up, NULL, 5000));
	unsigned pairs;
	cr_assert(pair_esp_match(&mag, &lma, &pairs));
	cr_assert_eq(mag.e.stats.rx_icv, 1, "2.21: an ICV failure is as if nothing arrived");
	cr_assert_geq(mag.e.stats.tx_retransmit, 1);
	cr_assert_geq(lma.e.stats.rx_retransmit, 1, "the LMA answered from its cache");
	cr_assert_eq(lma.e.stats.established, 1);
}

Test(ikev2_life, replays_truncations_and_strangers)
{
	setup(NULL, NULL, NULL, NULL);
	net.tap = capture_tap;
	n_captured = 0;
	mag_connect("::");
	assert_up();
	cr_assert_geq(n_captured, 4);
	const struct pair_dgram *init = &captured[0], *auth = &captured[2];
	cr_assert_eq(init->to, 1);
	cr_assert_eq(auth->to, 1);
	struct ikev2_stats before = lma.e.stats;
	/* The old IKE_SA_INIT again: nothing new is made. */
	ikev2_input(&lma.e, &init->src, init->sport, &init->dst, init->dport, init->data, init->len);
	cr_assert_eq(pair_sas(&lma, IKEV2_ESTABLISHED), 1);
	cr_assert_eq(lma.e.half_open, 0);
	/* The IKE_AUTH request again: answered from the cache (2.1). */
	ikev2_input(&lma.e, &auth->src, auth->sport, &auth->dst, auth->dport, auth->data, auth->len);
	cr_assert_eq(lma.e.stats.rx_retransmit, before.rx_retransmit + 1);
	cr_assert_eq(lma.n_taken, 1);
	/* Every truncation: malformed or failing its ICV, never a change. */
	for (size_t len = 0; len < auth->len; len++)
		ikev2_input(&lma.e, &auth->src, auth->sport, &auth->dst, auth->dport, auth->data, len);
	cr_assert_eq(lma.e.stats.rx_malformed + lma.e.stats.rx_icv + lma.e.stats.rx_unknown_sa,
		     before.rx_malformed + before.rx_icv + before.rx_unknown_sa + auth->len);
	/* Every single bit flip of the request. */
	static struct pair_dgram d;
	for (size_t bit = 0; bit < auth->len * 8; bit++) {
		d = *auth;
		d.data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		ikev2_input(&lma.e, &d.src, d.sport, &d.dst, d.dport, d.data, d.len);
	}
	cr_assert_eq(pair_sas(&lma, IKEV2_ESTABLISHED), 1);
	cr_assert_eq(lma.n_taken, 1);
	cr_assert_eq(lma.e.stats.established, 1);
	/* A stranger's IKE_SA_INIT. */
	d = *init;
	inet_pton(AF_INET6, "2001:db8:c::66", &d.src);
	ikev2_input(&lma.e, &d.src, d.sport, &d.dst, d.dport, d.data, d.len);
	cr_assert_eq(lma.e.stats.unknown_peer, before.unknown_peer + 1);
	/* Nothing leaked into the data plane; the SA still works. */
	unsigned pairs;
	cr_assert(pair_esp_match(&mag, &lma, &pairs));
	net.tap = NULL;
	cr_assert_eq(ikev2_rekey_now(&mag.e, est(&mag), false), 0);
	assert_settled();
}

static bool drop_to_mag(struct pair_net *n, struct pair_dgram *d)
{
	(void)n;
	return d->to != 0;
}

Test(ikev2_life, half_open_limit)
{
	setup(NULL, "half_open_max = 1\nsas_per_peer_max = 8\ncookie_threshold = 100", NULL, NULL);
	net.tap = drop_to_mag;
	mag_connect(NULL);
	pair_run(&net, NULL, NULL, 1);
	cr_assert_eq(lma.e.half_open, 1);
	/* A second initiator at the same address (another SPIi). */
	cr_assert_eq(lma.e.stats.half_open_refused, 0);
	static struct pair_node mag2;
	cr_assert_eq(pair_node_init(&mag2, &net, "mag1b", "mag", MAG_ADDR,
				    "[ike]\n[ike.peer.lma1]\naddress = " LMA_ADDR "\npsk = " PSK),
		     0);
	const char *why;
	cr_assert_not_null(ikev2_connect(&mag2.e, &mag2.cfg.ike.peers[0], NULL, &why));
	pair_run(&net, NULL, NULL, 1);
	cr_assert_eq(lma.e.stats.half_open_refused, 1);
	cr_assert_eq(lma.e.half_open, 1);
	/* A half-open SA expires once its initiator would have given up. */
	pair_wait(&net, (unsigned)ikev2_patience_ms(&lma.e) + 200);
	cr_assert_eq(lma.e.half_open, 0);
	cr_assert_eq(pair_sas(&lma, IKEV2_INIT_DONE), 0);
}
