/* INFORMATIONAL exchanges (RFC 7296 1.4, 2.4): Delete of CHILD_SAs and of
 * the IKE SA, liveness checks when the peer has been quiet, NAT keepalives
 * (RFC 3948 2.3), and the queue of our requests that wait for the window
 * of one (2.3): deletes first, then rekeys, then liveness. */
#define LOG_MODULE "ike"
#include "ikev2.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

#define NS_PER_S 1000000000ull

/* ------------------------------------------------------------- requests -- */

static int send_delete(struct ikev2 *e, struct ikev2_sa *sa, uint8_t protocol, uint32_t spi)
{
	uint8_t inner[64], spi_be[4] = { (uint8_t)(spi >> 24), (uint8_t)(spi >> 16),
					 (uint8_t)(spi >> 8), (uint8_t)spi };
	struct ike_builder b;
	ike_build_chain_init(&b, inner, sizeof(inner));
	struct ike_delete d = { .protocol = protocol };
	if (protocol == IKE_PROTO_ESP)
		d = (struct ike_delete){ .protocol = protocol, .spi_size = 4, .n_spi = 1,
					 .spis = { spi_be, 4 } };
	ike_build_delete(&b, &d);
	uint8_t first;
	size_t ilen;
	if (!ike_build_chain_finish(&b, &first, &ilen))
		return -1;
	return ikev2_send_sk_request(e, sa, IKE_EXCH_INFORMATIONAL, inner, ilen, first);
}

static int send_empty(struct ikev2 *e, struct ikev2_sa *sa)
{
	return ikev2_send_sk_request(e, sa, IKE_EXCH_INFORMATIONAL, NULL, 0, 0);
}

void ikev2_run_pending(struct ikev2 *e, struct ikev2_sa *sa)
{
	if (sa->req != NULL || !sa->in_use)
		return;
	if (sa->ike_delete_due) {
		sa->ike_delete_due = false;
		if (send_delete(e, sa, IKE_PROTO_IKE, 0) == 0) {
			sa->state = IKEV2_DELETING;
			sa->req_kind = REQ_DELETE_IKE;
			/* Its CHILD_SAs go with it (1.4.1): from now on the
			 * peer may drop what we send on them. */
			for (unsigned i = 0; i < IKEV2_CHILD_MAX; i++)
				ikev2_child_stop_out(e, &sa->children[i]);
		} else {
			ikev2_sa_free(e, sa, "Delete could not be sent");
		}
		return;
	}
	if (sa->state != IKEV2_ESTABLISHED)
		return;
	for (unsigned i = 0; i < IKEV2_CHILD_MAX; i++) {
		struct ikev2_child *c = &sa->children[i];
		if (!c->in_use || !c->delete_due)
			continue;
		c->delete_due = false;
		if (send_delete(e, sa, IKE_PROTO_ESP, c->spi_in) == 0) {
			sa->req_kind = REQ_DELETE_CHILD;
			sa->rk.delete_spi = c->spi_in;
			ikev2_child_stop_out(e, c);
		} else {
			ikev2_child_drop(e, c, "Delete could not be sent");
		}
		return;
	}
	if (sa->ike_rekey_due) {
		sa->ike_rekey_due = false;
		if (ikev2_rekey_ike_start(e, sa) == 0)
			return;
	}
	for (unsigned i = 0; i < IKEV2_CHILD_MAX; i++) {
		struct ikev2_child *c = &sa->children[i];
		if (!c->in_use || !c->rekey_due)
			continue;
		c->rekey_due = false;
		if (c->replaced)
			continue; /* the peer rekeyed it meanwhile */
		if (ikev2_rekey_child_start(e, sa, c) == 0)
			return;
	}
}

void ikev2_delete(struct ikev2 *e, struct ikev2_sa *sa)
{
	if (sa->state != IKEV2_ESTABLISHED && sa->state != IKEV2_REKEYED) {
		/* Nothing authenticated to tell: just forget it. */
		ikev2_sa_free(e, sa, "deleted before it was established");
		return;
	}
	if (sa->state == IKEV2_DELETING)
		return;
	sa->ike_delete_due = true;
	ikev2_run_pending(e, sa);
}

void ikev2_shutdown(struct ikev2 *e)
{
	/* One Delete per established IKE SA, not retransmitted: the peers
	 * clean up now instead of after their liveness checks (1.4.1). */
	for (uint32_t i = 0; i < e->max_sas; i++) {
		struct ikev2_sa *sa = &e->sas[i];
		if (!sa->in_use || sa->state != IKEV2_ESTABLISHED || sa->req != NULL)
			continue;
		if (send_delete(e, sa, IKE_PROTO_IKE, 0) == 0)
			evloop_timer_stop(e->loop, &sa->rtx_timer);
	}
}

/* ------------------------------------------------------- the peer's own -- */

/* Remove what the peer deleted; answer with our inbound SPIs of the same
 * CHILD_SAs (1.4.1), except those whose Delete we have out ourselves. */
void ikev2_info_request(struct ikev2 *e, struct ikev2_sa *sa, const struct ike_msg *m,
			const struct ike_payloads *pl)
{
	uint32_t msg_id = m->hdr.msg_id;
	sa->peer_next_id = msg_id + 1;
	char a[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, &sa->remote, a, sizeof(a));
	for (unsigned i = 0; i < pl->n_delete; i++) {
		if (pl->del[i].protocol != IKE_PROTO_IKE)
			continue;
		/* 1.4.1: the IKE SA and all its CHILD_SAs go; the answer is
		 * empty. */
		e->stats.deletes_rx++;
		e->stats.deleted++;
		ikev2_send_sk_response(e, sa, IKE_EXCH_INFORMATIONAL, msg_id, NULL, 0, 0);
		pmip_info("IKE SA %016lx_%016lx: deleted by %s", sa->spi_i, sa->spi_r, a);
		ikev2_sa_linger(e, sa, "deleted by the peer");
		return;
	}
	uint8_t ours[4 * 8];
	unsigned n_ours = 0;
	bool lost_child = false;
	for (unsigned i = 0; i < pl->n_delete; i++) {
		const struct ike_delete *d = &pl->del[i];
		if (d->protocol != IKE_PROTO_ESP || d->spi_size != 4)
			continue;
		e->stats.deletes_rx++;
		for (unsigned j = 0; j < d->n_spi; j++) {
			uint32_t spi = ike_delete_spi(d, j);
			struct ikev2_child *c = ikev2_child_by_spi_out(sa, spi);
			if (c == NULL) {
				pmip_dbg("Delete of unknown ESP SPI 0x%08x from %s: ignored", spi, a);
				continue;
			}
			bool our_delete_out = sa->req_kind == REQ_DELETE_CHILD && sa->req != NULL &&
					      sa->rk.delete_spi == c->spi_in;
			if (!our_delete_out && n_ours < 8) {
				uint32_t in = c->spi_in;
				ours[4 * n_ours] = (uint8_t)(in >> 24);
				ours[4 * n_ours + 1] = (uint8_t)(in >> 16);
				ours[4 * n_ours + 2] = (uint8_t)(in >> 8);
				ours[4 * n_ours + 3] = (uint8_t)in;
				n_ours++;
			}
			lost_child |= !c->replaced;
			ikev2_child_drop(e, c, "deleted by the peer");
		}
	}
	uint8_t inner[128];
	struct ike_builder b;
	ike_build_chain_init(&b, inner, sizeof(inner));
	if (n_ours > 0) {
		struct ike_delete d = { .protocol = IKE_PROTO_ESP, .spi_size = 4,
					.n_spi = (uint16_t)n_ours, .spis = { ours, 4 * n_ours } };
		ike_build_delete(&b, &d);
	}
	uint8_t first = 0;
	size_t ilen = 0;
	if (n_ours == 0 || ike_build_chain_finish(&b, &first, &ilen))
		ikev2_send_sk_response(e, sa, IKE_EXCH_INFORMATIONAL, msg_id, inner, ilen, first);
	if (lost_child && e->env.state_changed != NULL)
		e->env.state_changed(e->env.ctx, sa);
}

void ikev2_info_response(struct ikev2 *e, struct ikev2_sa *sa, const struct ike_msg *m,
			 const struct ike_payloads *pl)
{
	(void)m;
	(void)pl;
	switch (sa->req_kind) {
	case REQ_DELETE_IKE:
		e->stats.deleted++;
		ikev2_sa_free(e, sa, sa->successor != NULL ? "rekeyed" : "deleted");
		return;
	case REQ_DELETE_CHILD: {
		struct ikev2_child *c = ikev2_child_by_spi_in(sa, sa->rk.delete_spi);
		if (c != NULL)
			ikev2_child_drop(e, c, c->replaced ? "rekeyed" : "deleted");
		return;
	}
	case REQ_DPD:
	default:
		return; /* the peer is alive: last_rx_ns moved */
	}
}

/* ------------------------------------------------------------- liveness -- */

static void on_dpd(struct evloop *loop, struct evloop_timer *t, void *arg)
{
	(void)t;
	struct ikev2_sa *sa = arg;
	struct ikev2 *e = sa->engine;
	uint64_t period = (uint64_t)e->cfg->ike.dpd_s * NS_PER_S;
	uint64_t idle = ikev2_now_ns(e) - sa->last_rx_ns;
	/* 2.4: only a quiet peer is asked; an outstanding request is a
	 * liveness check of its own (its retransmissions give up). */
	if (sa->state == IKEV2_ESTABLISHED && idle >= period && sa->req == NULL) {
		if (send_empty(e, sa) == 0) {
			sa->req_kind = REQ_DPD;
			e->stats.dpd_sent++;
		}
	}
	evloop_timer_start(loop, &sa->dpd_timer, (uint64_t)e->cfg->ike.dpd_s * 1000);
}

void ikev2_dpd_arm(struct ikev2 *e, struct ikev2_sa *sa)
{
	evloop_timer_stop(e->loop, &sa->dpd_timer); /* re-arming: leave no stale heap entry */
	if (e->cfg->ike.dpd_s == 0)
		return;
	evloop_timer_init(&sa->dpd_timer, on_dpd, sa);
	evloop_timer_start(e->loop, &sa->dpd_timer, (uint64_t)e->cfg->ike.dpd_s * 1000);
}

static void on_keepalive(struct evloop *loop, struct evloop_timer *t, void *arg)
{
	(void)t;
	struct ikev2_sa *sa = arg;
	struct ikev2 *e = sa->engine;
	if (e->env.keepalive != NULL) {
		e->env.keepalive(e->env.ctx, &sa->local, sa->local_port, &sa->remote,
				 sa->remote_port);
		e->stats.keepalives++;
	}
	evloop_timer_start(loop, &sa->keepalive_timer, (uint64_t)e->cfg->ike.nat_keepalive_s * 1000);
}

void ikev2_keepalive_arm(struct ikev2 *e, struct ikev2_sa *sa)
{
	/* RFC 3948 4: the side behind the NAT keeps its mapping open. */
	evloop_timer_stop(e->loop, &sa->keepalive_timer);
	if (!sa->nat_local || e->cfg->ike.nat_keepalive_s == 0)
		return;
	evloop_timer_init(&sa->keepalive_timer, on_keepalive, sa);
	evloop_timer_start(e->loop, &sa->keepalive_timer,
			   (uint64_t)e->cfg->ike.nat_keepalive_s * 1000);
}

/* -------------------------------------------------------------- outside -- */

void ikev2_child_expired(struct ikev2 *e, uint32_t dp_id, bool hard)
{
	for (uint32_t i = 0; i < e->max_sas; i++) {
		struct ikev2_sa *sa = &e->sas[i];
		if (!sa->in_use)
			continue;
		for (unsigned j = 0; j < IKEV2_CHILD_MAX; j++) {
			struct ikev2_child *c = &sa->children[j];
			if (!c->in_use || (c->dp_in != dp_id && c->dp_out != dp_id))
				continue;
			if (hard) {
				/* The data plane no longer uses it: tell the peer. */
				pmip_warn("CHILD_SA in 0x%08x: hard lifetime reached before a rekey",
					  c->spi_in);
				c->delete_due = true;
			} else if (!c->replaced) {
				c->rekey_due = true;
			}
			ikev2_run_pending(e, sa);
			return;
		}
	}
}

int ikev2_rekey_now(struct ikev2 *e, struct ikev2_sa *sa, bool ike)
{
	if (sa->state != IKEV2_ESTABLISHED)
		return -1;
	if (ike) {
		sa->ike_rekey_due = true;
	} else {
		bool any = false;
		for (unsigned j = 0; j < IKEV2_CHILD_MAX; j++)
			if (sa->children[j].in_use && !sa->children[j].replaced)
				any = sa->children[j].rekey_due = true;
		if (!any)
			return -1;
	}
	ikev2_run_pending(e, sa);
	return 0;
}

size_t ikev2_stats_format(const struct ikev2 *e, char *buf, size_t cap)
{
	size_t n = 0;
#define IKEV2_CTR_LINE(name, help)                                                              \
	if (n < cap)                                                                             \
		n += (size_t)snprintf(buf + n, cap - n, "%-22s %lu\n", #name,                    \
				      (unsigned long)e->stats.name);
	IKEV2_COUNTERS(IKEV2_CTR_LINE)
#undef IKEV2_CTR_LINE
	return n < cap ? n : cap;
}
