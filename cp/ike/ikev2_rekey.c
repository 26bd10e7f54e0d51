/* CREATE_CHILD_SA (RFC 7296 1.3, 2.8): rekeying the CHILD_SA and the IKE
 * SA, in both roles, make-before-break:
 *
 *  - CHILD_SA (1.3.3): {N(REKEY_SA), SA, Ni, TSi, TSr} -> {SA, Nr, TSi,
 *    TSr}; both ends install the new pair, then the exchange's initiator
 *    deletes the old one (INFORMATIONAL). Until that Delete the data plane
 *    accepts both inbound SAs, and the responder still sends on the old
 *    outbound SA (out_held), which the initiator switches from at once.
 *  - IKE SA (1.3.2, 2.18): {SA(new SPIi), Ni, KEi} -> {SA(new SPIr), Nr,
 *    KEr}; the CHILD_SAs move to the new IKE SA, the initiator deletes the
 *    old one.
 *  - Simultaneous rekeys (2.8.1, 2.8.2): both exchanges complete; the SA
 *    made by the exchange holding the lowest of the four nonces is
 *    redundant and deleted by whoever made it.
 *
 * New CHILD_SAs other than a rekey are refused with NO_ADDITIONAL_SAS:
 * one CHILD_SA per MAG-LMA pair carries all PMIPv6 signalling (seed 4.3).
 * PFS (a KE in a CHILD_SA rekey) is not offered, and a proposal that
 * requires it is answered NO_PROPOSAL_CHOSEN. */
#define LOG_MODULE "ike"
#include "ikev2.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "log.h"

#define NS_PER_MS 1000000ull
#define CHAIN_MAX 2048

/* ------------------------------------------------------------- timers -- */

static uint64_t jittered_ms(unsigned lifetime_s)
{
	/* Rekey between 90 % and 100 % of the lifetime: two ends with the
	 * same setting rarely start together (2.8.1 still resolves it). */
	uint16_t r;
	RAND_bytes((uint8_t *)&r, sizeof(r));
	return (uint64_t)lifetime_s * (900 + r % 101);
}

static uint64_t retry_ms(void)
{
	uint16_t r;
	RAND_bytes((uint8_t *)&r, sizeof(r));
	return 1000 + r % 2000;
}

static void on_ike_rekey(struct evloop *loop, struct evloop_timer *t, void *arg)
{
	(void)loop;
	(void)t;
	struct ikev2_sa *sa = arg;
	if (sa->state != IKEV2_ESTABLISHED)
		return;
	sa->ike_rekey_due = true;
	ikev2_run_pending(sa->engine, sa);
}

void ikev2_rekey_arm_ike(struct ikev2 *e, struct ikev2_sa *sa)
{
	evloop_timer_stop(e->loop, &sa->rekey_timer);
	evloop_timer_init(&sa->rekey_timer, on_ike_rekey, sa);
	if (e->cfg->ike.ike_lifetime_s != 0)
		evloop_timer_start(e->loop, &sa->rekey_timer, jittered_ms(e->cfg->ike.ike_lifetime_s));
}

static void on_child_rekey(struct evloop *loop, struct evloop_timer *t, void *arg)
{
	(void)loop;
	(void)t;
	struct ikev2_child *c = arg;
	if (!c->in_use || c->replaced)
		return;
	c->rekey_due = true;
	ikev2_run_pending(c->sa->engine, c->sa);
}

void ikev2_rekey_arm_child(struct ikev2 *e, struct ikev2_child *c)
{
	evloop_timer_stop(e->loop, &c->rekey_timer);
	evloop_timer_init(&c->rekey_timer, on_child_rekey, c);
	if (e->cfg->ike.child_lifetime_s == 0)
		return;
	/* From the child's birth: a child that moved to a new IKE SA keeps
	 * its age. */
	uint64_t due_ns = c->created_ns + jittered_ms(e->cfg->ike.child_lifetime_s) * NS_PER_MS;
	uint64_t now = ikev2_now_ns(e);
	uint64_t ms = due_ns > now ? (due_ns - now) / NS_PER_MS : 0;
	evloop_timer_start(e->loop, &c->rekey_timer, ms > 0 ? ms : 1);
}

/* Move every CHILD_SA of from to to (IKE rekey, 2.8): same data-plane
 * SAs, new owner; timers re-armed in their new place. */
static void move_children(struct ikev2 *e, struct ikev2_sa *from, struct ikev2_sa *to)
{
	for (unsigned i = 0; i < IKEV2_CHILD_MAX; i++) {
		struct ikev2_child *c = &from->children[i];
		if (!c->in_use)
			continue;
		evloop_timer_stop(e->loop, &c->rekey_timer);
		struct ikev2_child *n = ikev2_child_slot(to);
		if (n == NULL) {
			ikev2_child_drop(e, c, "no room in the new IKE SA");
			continue;
		}
		*n = *c;
		n->sa = to;
		memset(c, 0, sizeof(*c));
		if (n->replaced)
			evloop_timer_init(&n->rekey_timer, on_child_rekey, n);
		else
			ikev2_rekey_arm_child(e, n);
	}
}

/* ------------------------------------------------------- CHILD_SA rekey -- */

static void add_transport(struct ike_builder *b, const struct ikev2_child *c)
{
	if (c->mode == PMIP_ESP_MODE_TRANSPORT) {
		struct ike_notify tm = { .type = IKE_N_USE_TRANSPORT_MODE };
		ike_build_notify(b, &tm);
	}
}

/* The end of both CHILD_SA rekey messages (1.3.3): TSi, TSr and, in
 * transport mode, USE_TRANSPORT_MODE; then the chain is closed. */
static bool finish_child_chain(struct ikev2_sa *sa, struct ikev2_child *c, struct ike_builder *b,
			       uint8_t *first, size_t *len)
{
	static struct ike_ts_list tsi, tsr;
	ikev2_child_ts(sa, c, &tsi, &tsr);
	ike_build_ts(b, IKE_PLD_TSI, &tsi);
	ike_build_ts(b, IKE_PLD_TSR, &tsr);
	add_transport(b, c);
	return ike_build_chain_finish(b, first, len);
}

int ikev2_rekey_child_start(struct ikev2 *e, struct ikev2_sa *sa, struct ikev2_child *old)
{
	struct ikev2_rekey *rk = &sa->rk;
	struct ikev2_child *c = &rk->next;
	memset(c, 0, sizeof(*c));
	c->sa = sa;
	c->mode = old->mode;
	c->ts_local = old->ts_local;
	c->ts_remote = old->ts_remote;
	c->ts_local_len = old->ts_local_len;
	c->ts_remote_len = old->ts_remote_len;
	c->ts_proto = old->ts_proto;
	rk->old_child = (int)(old - sa->children);
	rk->ni_len = IKEV2_NONCE_LEN;
	if (RAND_bytes(rk->ni, (int)rk->ni_len) != 1)
		return -1;
	static uint8_t inner[CHAIN_MAX];
	struct ike_builder b;
	ike_build_chain_init(&b, inner, sizeof(inner));
	/* 1.3.3: the SPI we receive the old SA on names it. */
	struct ike_notify n = { .type = IKE_N_REKEY_SA, .protocol = IKE_PROTO_ESP, .spi_size = 4,
				.spi = old->spi_in };
	ike_build_notify(&b, &n);
	static struct ike_sa offer;
	ikev2_child_offer(e, c, &offer);
	ike_build_sa(&b, &offer);
	ike_build_nonce(&b, rk->ni, rk->ni_len);
	uint8_t first;
	size_t ilen;
	if (!finish_child_chain(sa, c, &b, &first, &ilen) ||
	    ikev2_send_sk_request(e, sa, IKE_EXCH_CREATE_CHILD_SA, inner, ilen, first) != 0)
		return -1;
	sa->req_kind = REQ_REKEY_CHILD;
	pmip_info("rekeying CHILD_SA in 0x%08x (new in 0x%08x)", old->spi_in, c->spi_in);
	return 0;
}

/* The replacement of old made by the peer's exchange, if any. */
static struct ikev2_child *peer_replacement(struct ikev2_sa *sa, const struct ikev2_child *mine)
{
	for (unsigned i = 0; i < IKEV2_CHILD_MAX; i++) {
		struct ikev2_child *c = &sa->children[i];
		if (c->in_use && c != mine && !c->made_by_us && !c->replaced)
			return c;
	}
	return NULL;
}

static void child_rekey_response(struct ikev2 *e, struct ikev2_sa *sa, const struct ike_payloads *pl)
{
	struct ikev2_rekey *rk = &sa->rk;
	struct ikev2_child *old = rk->old_child >= 0 && rk->old_child < IKEV2_CHILD_MAX
					  ? &sa->children[rk->old_child]
					  : NULL;
	if (old != NULL && !old->in_use)
		old = NULL;
	if (ike_payloads_notify(pl, IKE_N_TEMPORARY_FAILURE) != NULL) {
		e->stats.temporary_failures++;
		pmip_info("CHILD_SA rekey: TEMPORARY_FAILURE, retrying");
		if (old != NULL && !old->replaced)
			evloop_timer_start(e->loop, &old->rekey_timer, retry_ms());
		return;
	}
	if (ike_payloads_notify(pl, IKE_N_CHILD_SA_NOT_FOUND) != NULL) {
		e->stats.child_not_found++;
		if (old != NULL)
			ikev2_child_drop(e, old, "the peer does not know it (CHILD_SA_NOT_FOUND)");
		return;
	}
	struct ikev2_child *c = &rk->next;
	if (pl->n_sa != 1 || pl->n_nonce != 1 || pl->n_tsi != 1 || pl->n_tsr != 1 ||
	    !ikev2_child_accept(e, c, &pl->sa) || !ikev2_child_narrow(sa, c, &pl->tsi, &pl->tsr, true)) {
		e->stats.no_proposal++;
		pmip_warn("CHILD_SA rekey refused or unacceptable answer: the old SA runs until "
			  "its hard lifetime");
		return;
	}
	if (old == NULL) {
		/* Deleted meanwhile: what we just made is not wanted. */
		pmip_info("CHILD_SA rekeyed after its deletion: the new one is deleted too");
	}
	struct ikev2_child *n = ikev2_child_slot(sa);
	if (n == NULL) {
		pmip_warn("CHILD_SA rekey: no free slot");
		return;
	}
	*n = *c;
	n->sa = sa;
	n->made_by_us = true;
	struct ike_span ni = { rk->ni, rk->ni_len }, nr = { pl->nonce.ptr, pl->nonce.len };
	if (ikev2_child_install_one(e, sa, n, &ni, &nr) != 0) {
		memset(n, 0, sizeof(*n));
		pmip_warn("rekeyed CHILD_SA could not be installed in the data plane");
		return;
	}
	e->stats.child_rekeys++;
	if (old == NULL) {
		n->replaced = n->delete_due = true;
		return;
	}
	struct ikev2_child *theirs = old->replaced ? peer_replacement(sa, n) : NULL;
	if (theirs != NULL) {
		/* 2.8.1: both rekeyed. The exchange with the lowest nonce made
		 * the redundant SA; its initiator deletes it. */
		e->stats.rekey_collisions++;
		if (ikev2_nonce_cmp(n->low_nonce, n->low_nonce_len, theirs->low_nonce,
				    theirs->low_nonce_len) < 0) {
			pmip_info("simultaneous CHILD_SA rekey: ours lost, deleting it");
			n->replaced = n->delete_due = true;
		} else {
			pmip_info("simultaneous CHILD_SA rekey: ours won, deleting the old one");
			old->delete_due = true;
		}
		return;
	}
	old->replaced = true;
	old->delete_due = true;
	evloop_timer_stop(e->loop, &old->rekey_timer);
}

static void child_rekey_request(struct ikev2 *e, struct ikev2_sa *sa, uint32_t msg_id,
				const struct ike_payloads *pl)
{
	const struct ike_notify *rn = ike_payloads_notify(pl, IKE_N_REKEY_SA);
	if (rn == NULL) {
		/* One CHILD_SA per MAG-LMA pair (seed 4.3). */
		pmip_info("CREATE_CHILD_SA for an additional CHILD_SA: NO_ADDITIONAL_SAS");
		ikev2_answer_notify(e, sa, IKE_EXCH_CREATE_CHILD_SA, msg_id, IKE_N_NO_ADDITIONAL_SAS,
				    NULL, 0);
		return;
	}
	struct ikev2_child *old = rn->protocol == IKE_PROTO_ESP && rn->spi_size == 4
					  ? ikev2_child_by_spi_out(sa, (uint32_t)rn->spi)
					  : NULL;
	if (old == NULL) {
		e->stats.child_not_found++;
		pmip_info("REKEY_SA for unknown ESP SPI 0x%08x: CHILD_SA_NOT_FOUND", (uint32_t)rn->spi);
		ikev2_answer_notify(e, sa, IKE_EXCH_CREATE_CHILD_SA, msg_id, IKE_N_CHILD_SA_NOT_FOUND,
				    NULL, 0);
		return;
	}
	bool closing = old->delete_due ||
		       (sa->req != NULL && sa->req_kind == REQ_DELETE_CHILD && sa->rk.delete_spi == old->spi_in);
	if (closing || old->replaced) {
		/* 2.25.1: rekeying what is being closed (or already replaced). */
		e->stats.temporary_failures++;
		ikev2_answer_notify(e, sa, IKE_EXCH_CREATE_CHILD_SA, msg_id, IKE_N_TEMPORARY_FAILURE,
				    NULL, 0);
		return;
	}
	struct ikev2_child *c = ikev2_child_slot(sa);
	static struct ike_sa answer;
	if (c == NULL) {
		ikev2_answer_notify(e, sa, IKE_EXCH_CREATE_CHILD_SA, msg_id, IKE_N_NO_ADDITIONAL_SAS,
				    NULL, 0);
		return;
	}
	c->mode = old->mode;
	if (pl->n_nonce != 1 || !ikev2_child_choose(e, c, &pl->sa, &answer)) {
		e->stats.no_proposal++;
		pmip_info("CHILD_SA rekey: no acceptable proposal (PFS is not offered): "
			  "NO_PROPOSAL_CHOSEN");
		memset(c, 0, sizeof(*c));
		ikev2_answer_notify(e, sa, IKE_EXCH_CREATE_CHILD_SA, msg_id, IKE_N_NO_PROPOSAL_CHOSEN,
				    NULL, 0);
		return;
	}
	if (pl->n_tsi != 1 || pl->n_tsr != 1 || !ikev2_child_narrow(sa, c, &pl->tsi, &pl->tsr, false)) {
		e->stats.ts_unacceptable++;
		memset(c, 0, sizeof(*c));
		ikev2_answer_notify(e, sa, IKE_EXCH_CREATE_CHILD_SA, msg_id, IKE_N_TS_UNACCEPTABLE,
				    NULL, 0);
		return;
	}
	uint8_t nr[IKEV2_NONCE_LEN];
	RAND_bytes(nr, sizeof(nr));
	struct ike_span ni = { pl->nonce.ptr, pl->nonce.len }, nrs = { nr, sizeof(nr) };
	c->made_by_us = false;
	/* Make before break: our new inbound SA exists before the peer
	 * learns its SPI from our answer. Our new outbound SA waits: the
	 * peer can key its new inbound SA only once it has our answer's
	 * nonce (2.17) and installs it after that, so ESP we sent on the new
	 * SA right away could reach it first and be dropped as an unknown
	 * SPI. We go on sending on the old pair until the peer deletes it
	 * (2.8: the exchange's initiator does), then switch. */
	c->out_held = true;
	if (ikev2_child_install_one(e, sa, c, &ni, &nrs) != 0) {
		memset(c, 0, sizeof(*c));
		ikev2_answer_notify(e, sa, IKE_EXCH_CREATE_CHILD_SA, msg_id, IKE_N_TEMPORARY_FAILURE,
				    NULL, 0);
		return;
	}
	static uint8_t inner[CHAIN_MAX];
	struct ike_builder b;
	ike_build_chain_init(&b, inner, sizeof(inner));
	ike_build_sa(&b, &answer);
	ike_build_nonce(&b, nr, sizeof(nr));
	uint8_t first;
	size_t ilen;
	if (!finish_child_chain(sa, c, &b, &first, &ilen) ||
	    ikev2_send_sk_response(e, sa, IKE_EXCH_CREATE_CHILD_SA, msg_id, inner, ilen, first) != 0) {
		ikev2_child_drop(e, c, "rekey answer could not be sent");
		return;
	}
	e->stats.child_rekeys++;
	/* The initiator of this exchange deletes the old SA (1.3.3); if we
	 * are rekeying it too, our answer decides (2.8.1). */
	old->replaced = true;
	evloop_timer_stop(e->loop, &old->rekey_timer);
	pmip_info("CHILD_SA in 0x%08x rekeyed by the peer (new in 0x%08x)", old->spi_in, c->spi_in);
}

/* ------------------------------------------------------------ IKE rekey -- */

int ikev2_rekey_ike_start(struct ikev2 *e, struct ikev2_sa *sa)
{
	struct ikev2_rekey *rk = &sa->rk;
	ike_dh_free(rk->dh);
	rk->dh = NULL;
	if (ike_dh_new(sa->dh_group, &rk->dh) != IKE_CRYPTO_OK)
		return -1;
	do {
		RAND_bytes((uint8_t *)&rk->new_spi, sizeof(rk->new_spi));
	} while (rk->new_spi == 0);
	rk->ni_len = IKEV2_NONCE_LEN;
	if (RAND_bytes(rk->ni, (int)rk->ni_len) != 1)
		return -1;
	static uint8_t inner[CHAIN_MAX];
	struct ike_builder b;
	ike_build_chain_init(&b, inner, sizeof(inner));
	static struct ike_sa offer;
	ikev2_ike_offer(e, &offer, rk->new_spi);
	ike_build_sa(&b, &offer);
	ike_build_nonce(&b, rk->ni, rk->ni_len);
	size_t pub_len;
	const uint8_t *pub = ike_dh_public(rk->dh, &pub_len);
	ike_build_ke(&b, sa->dh_group, pub, pub_len);
	uint8_t first;
	size_t ilen;
	if (!ike_build_chain_finish(&b, &first, &ilen) ||
	    ikev2_send_sk_request(e, sa, IKE_EXCH_CREATE_CHILD_SA, inner, ilen, first) != 0)
		return -1;
	sa->req_kind = REQ_REKEY_IKE;
	pmip_info("rekeying IKE SA %016lx_%016lx (new SPIi %016lx)", sa->spi_i, sa->spi_r,
		  rk->new_spi);
	return 0;
}

/* The new IKE SA of a rekey: established, with the old one's peer,
 * addresses, NAT state and home address; keys from the rekey (2.18). */
static struct ikev2_sa *successor_new(struct ikev2 *e, struct ikev2_sa *old, bool initiator,
				      uint64_t spi_i, uint64_t spi_r, const struct ike_suite *suite,
				      uint16_t group, const uint8_t *g_ir, size_t g_len,
				      const struct ike_span *ni, const struct ike_span *nr)
{
	struct ikev2_sa *n = ikev2_sa_new(e, initiator, old->peer, &old->remote, old->remote_port);
	if (n == NULL)
		return NULL;
	if (initiator)
		ikev2_sa_unindex(e, n);
	n->spi_i = spi_i;
	n->spi_r = spi_r;
	ikev2_sa_index(e, n);
	n->local = old->local;
	n->local_port = old->local_port;
	n->nat_local = old->nat_local;
	n->nat_remote = old->nat_remote;
	n->suite = *suite;
	n->dh_group = group;
	if (ike_keys_rekey(&old->keys, suite, g_ir, g_len, ni, nr, spi_i, spi_r, &n->keys) !=
	    IKE_CRYPTO_OK) {
		ikev2_sa_free(e, n, "rekeyed keys could not be derived");
		return NULL;
	}
	n->keys_set = true;
	n->state = IKEV2_ESTABLISHED;
	n->next_req_id = 0;
	n->peer_next_id = 0;
	/* The home address belongs to the pair, not to one IKE SA. */
	n->cp_request = old->cp_request;
	n->want_addr = old->want_addr;
	n->got_addr = old->got_addr;
	n->got_prefix_len = old->got_prefix_len;
	n->cp_got = old->cp_got;
	n->cp_failed = old->cp_failed;
	old->cp_got = false;
	ikev2_keylog_sa(e, n);
	ikev2_dpd_arm(e, n);
	ikev2_keepalive_arm(e, n);
	ikev2_rekey_arm_ike(e, n);
	e->stats.ike_rekeys++;
	return n;
}

static void retire(struct ikev2 *e, struct ikev2_sa *old, struct ikev2_sa *n, bool by_us,
		   const struct ike_span *ni, const struct ike_span *nr)
{
	old->state = IKEV2_REKEYED;
	old->successor = n;
	old->successor_by_us = by_us;
	n->predecessor = old;
	ikev2_low_nonce(ni, nr, old->rekey_low_nonce, &old->rekey_low_nonce_len);
	evloop_timer_stop(e->loop, &old->dpd_timer);
	evloop_timer_stop(e->loop, &old->keepalive_timer);
	evloop_timer_stop(e->loop, &old->rekey_timer);
	char a[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, &old->remote, a, sizeof(a));
	pmip_notice("IKE SA %016lx_%016lx with %s rekeyed to %016lx_%016lx (%s)", old->spi_i,
		    old->spi_r, a, n->spi_i, n->spi_r, by_us ? "by us" : "by the peer");
	if (e->env.state_changed != NULL)
		e->env.state_changed(e->env.ctx, n);
}

static void ike_rekey_response(struct ikev2 *e, struct ikev2_sa *sa, const struct ike_payloads *pl)
{
	struct ikev2_rekey *rk = &sa->rk;
	const struct ike_notify *n;
	if (ike_payloads_notify(pl, IKE_N_TEMPORARY_FAILURE) != NULL) {
		e->stats.temporary_failures++;
		pmip_info("IKE SA rekey: TEMPORARY_FAILURE, retrying");
		if (sa->state == IKEV2_ESTABLISHED)
			evloop_timer_start(e->loop, &sa->rekey_timer, retry_ms());
		return;
	}
	if ((n = ike_payloads_notify(pl, IKE_N_INVALID_KE_PAYLOAD)) != NULL) {
		uint16_t g = n->data.len == 2 ? (uint16_t)(n->data.ptr[0] << 8 | n->data.ptr[1]) : 0;
		e->stats.invalid_ke++;
		bool ours = false;
		for (unsigned p = 0; p < e->cfg->ike.n_ike_props; p++)
			ours |= e->cfg->ike.ike_props[p].dh == g;
		if (ours && g != sa->dh_group && sa->state == IKEV2_ESTABLISHED) {
			sa->dh_group = g;
			sa->ike_rekey_due = true;
		}
		return;
	}
	struct ike_suite suite;
	if (pl->n_sa != 1 || pl->n_nonce != 1 || pl->n_ke != 1 || pl->sa.prop[0].spi_size != 8 ||
	    pl->sa.prop[0].spi == 0 || !ikev2_ike_accept(e, &pl->sa, sa->dh_group, &suite) ||
	    pl->ke.group != sa->dh_group) {
		e->stats.no_proposal++;
		pmip_warn("IKE SA rekey refused or unacceptable answer");
		return;
	}
	uint8_t g_ir[IKE_DH_MAX];
	size_t g_len;
	if (ike_dh_compute(rk->dh, pl->ke.data.ptr, pl->ke.data.len, g_ir, sizeof(g_ir), &g_len) !=
	    IKE_CRYPTO_OK) {
		e->stats.rx_malformed++;
		pmip_warn("IKE SA rekey: the peer's KE is not valid for group %u", sa->dh_group);
		return;
	}
	struct ike_span ni = { rk->ni, rk->ni_len }, nr = { pl->nonce.ptr, pl->nonce.len };
	struct ikev2_sa *ns = successor_new(e, sa, true, rk->new_spi, pl->sa.prop[0].spi, &suite,
					    sa->dh_group, g_ir, g_len, &ni, &nr);
	OPENSSL_cleanse(g_ir, sizeof(g_ir));
	ike_dh_free(rk->dh);
	rk->dh = NULL;
	if (ns == NULL)
		return;
	struct ikev2_sa *theirs = sa->state == IKEV2_REKEYED ? sa->successor : NULL;
	if (theirs != NULL && !sa->successor_by_us) {
		/* 2.8.2: both rekeyed the IKE SA. */
		e->stats.rekey_collisions++;
		uint8_t low[IKE_NONCE_MAX];
		size_t low_len;
		ikev2_low_nonce(&ni, &nr, low, &low_len);
		if (ikev2_nonce_cmp(low, low_len, sa->rekey_low_nonce, sa->rekey_low_nonce_len) < 0) {
			pmip_info("simultaneous IKE SA rekey: ours lost, deleting it");
			ns->ike_delete_due = true;
			ikev2_run_pending(e, ns);
			return;
		}
		pmip_info("simultaneous IKE SA rekey: ours won");
		move_children(e, theirs, ns);
		theirs->predecessor = NULL;
		sa->successor = NULL;
	} else {
		move_children(e, sa, ns);
	}
	retire(e, sa, ns, true, &ni, &nr);
	sa->ike_delete_due = true; /* the rekey's initiator deletes the old SA */
}

static void ike_rekey_request(struct ikev2 *e, struct ikev2_sa *sa, uint32_t msg_id,
			      const struct ike_payloads *pl)
{
	bool child_busy = sa->req != NULL && sa->req_kind == REQ_REKEY_CHILD;
	if (child_busy || sa->successor != NULL) {
		/* 2.25.2: not while we create a CHILD_SA on it, nor twice. */
		e->stats.temporary_failures++;
		ikev2_answer_notify(e, sa, IKE_EXCH_CREATE_CHILD_SA, msg_id, IKE_N_TEMPORARY_FAILURE,
				    NULL, 0);
		return;
	}
	struct ike_suite suite;
	uint8_t num;
	if (!ikev2_ike_choose(e, &pl->sa, &suite, &num)) {
		e->stats.no_proposal++;
		ikev2_answer_notify(e, sa, IKE_EXCH_CREATE_CHILD_SA, msg_id, IKE_N_NO_PROPOSAL_CHOSEN,
				    NULL, 0);
		return;
	}
	const struct ike_proposal *pp = NULL;
	for (unsigned p = 0; p < pl->sa.n_prop; p++)
		if (pl->sa.prop[p].num == num)
			pp = &pl->sa.prop[p];
	if (pp == NULL || pp->spi_size != 8 || pp->spi == 0 || pl->n_nonce != 1 || pl->n_ke != 1) {
		e->stats.rx_malformed++;
		ikev2_answer_notify(e, sa, IKE_EXCH_CREATE_CHILD_SA, msg_id, IKE_N_INVALID_SYNTAX,
				    NULL, 0);
		return;
	}
	if (pl->ke.group != suite.dh) {
		e->stats.invalid_ke++;
		uint8_t g[2] = { (uint8_t)(suite.dh >> 8), (uint8_t)suite.dh };
		ikev2_answer_notify(e, sa, IKE_EXCH_CREATE_CHILD_SA, msg_id, IKE_N_INVALID_KE_PAYLOAD, g,
				    2);
		return;
	}
	struct ike_dh *dh = NULL;
	uint8_t g_ir[IKE_DH_MAX], nr[IKEV2_NONCE_LEN];
	size_t g_len = 0;
	enum ike_crypto_err ce = ike_dh_new(suite.dh, &dh);
	if (ce == IKE_CRYPTO_OK)
		ce = ike_dh_compute(dh, pl->ke.data.ptr, pl->ke.data.len, g_ir, sizeof(g_ir), &g_len);
	if (ce != IKE_CRYPTO_OK || RAND_bytes(nr, sizeof(nr)) != 1) {
		ike_dh_free(dh);
		e->stats.rx_malformed++;
		pmip_info("IKE SA rekey: %s", ike_crypto_err_str(ce));
		ikev2_answer_notify(e, sa, IKE_EXCH_CREATE_CHILD_SA, msg_id, IKE_N_INVALID_SYNTAX,
				    NULL, 0);
		return;
	}
	uint64_t spi_r;
	do {
		RAND_bytes((uint8_t *)&spi_r, sizeof(spi_r));
	} while (spi_r == 0);
	struct ike_span ni = { pl->nonce.ptr, pl->nonce.len }, nrs = { nr, sizeof(nr) };
	struct ikev2_sa *ns = successor_new(e, sa, false, pp->spi, spi_r, &suite, suite.dh, g_ir,
					    g_len, &ni, &nrs);
	OPENSSL_cleanse(g_ir, sizeof(g_ir));
	if (ns == NULL) {
		ike_dh_free(dh);
		ikev2_answer_notify(e, sa, IKE_EXCH_CREATE_CHILD_SA, msg_id,
				    IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	static uint8_t inner[CHAIN_MAX];
	struct ike_builder b;
	ike_build_chain_init(&b, inner, sizeof(inner));
	static struct ike_sa answer;
	ikev2_ike_answer(&suite, num, ns->spi_r, &answer);
	ike_build_sa(&b, &answer);
	ike_build_nonce(&b, nr, sizeof(nr));
	size_t pub_len;
	const uint8_t *pub = ike_dh_public(dh, &pub_len);
	ike_build_ke(&b, suite.dh, pub, pub_len);
	uint8_t first;
	size_t ilen;
	bool ok = ike_build_chain_finish(&b, &first, &ilen) &&
		  ikev2_send_sk_response(e, sa, IKE_EXCH_CREATE_CHILD_SA, msg_id, inner, ilen, first) ==
			  0;
	ike_dh_free(dh);
	if (!ok) {
		ikev2_sa_free(e, ns, "rekey answer could not be sent");
		return;
	}
	/* Our own IKE rekey in flight: its answer settles the collision
	 * (2.8.2); the children follow the winner then. */
	move_children(e, sa, ns);
	retire(e, sa, ns, false, &ni, &nrs);
}

/* ------------------------------------------------------------- dispatch -- */

void ikev2_create_child_request(struct ikev2 *e, struct ikev2_sa *sa, const struct ike_msg *m,
				const struct ike_payloads *pl)
{
	uint32_t msg_id = m->hdr.msg_id;
	sa->peer_next_id = msg_id + 1;
	if (pl->n_sa != 1 || pl->sa.n_prop == 0) {
		e->stats.rx_unexpected++;
		pmip_info("CREATE_CHILD_SA request without an SA payload: INVALID_SYNTAX");
		ikev2_answer_notify(e, sa, IKE_EXCH_CREATE_CHILD_SA, msg_id, IKE_N_INVALID_SYNTAX,
				    NULL, 0);
		return;
	}
	if (pl->sa.prop[0].protocol == IKE_PROTO_IKE)
		ike_rekey_request(e, sa, msg_id, pl);
	else
		child_rekey_request(e, sa, msg_id, pl);
}

void ikev2_create_child_response(struct ikev2 *e, struct ikev2_sa *sa, const struct ike_msg *m,
				 const struct ike_payloads *pl)
{
	(void)m;
	if (sa->req_kind == REQ_REKEY_IKE)
		ike_rekey_response(e, sa, pl);
	else if (sa->req_kind == REQ_REKEY_CHILD)
		child_rekey_response(e, sa, pl);
	else
		e->stats.rx_unexpected++;
}
