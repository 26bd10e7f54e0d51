/* MAG: the binding update list (RFC 5213 6). An MN attaches, the MAG
 * sends a Proxy Binding Update to the MN's LMA over their ESP SA, waits
 * for the PBA with retransmissions, then refreshes the binding before its
 * lifetime ends and de-registers it when the MN leaves.
 *
 * The PBU (RFC 5213 6.9.1.1): flags A (an acknowledgement is wanted),
 * H (a home registration: RFC 6275 6.1.7, which 6.9.1.1 keeps) and P
 * (proxy registration, 8.1); no L: we send no Link-local Address option.
 * Options: MN-ID (NAI, RFC 4283), the MN's /64 Home Network Prefix
 * (6.9.1.1: the prefix the profile gives), Handoff Indicator (1 for a
 * first registration: the MAG cannot know whether the MN comes from
 * another MAG; 5 "not changed" for a refresh, 6.9.1.1), Access Technology
 * Type, MN Link-layer Identifier (the MAC) and the Timestamp (5.5, 8.8).
 *
 * The home address (shared-prefix model, seed 4.4.3). RFC 5213 has no
 * home-address option: each MN has its own prefix. In the seed's shared-
 * prefix model several MNs share a /64 and each has a home address that
 * IKEv2's configuration payload (or the profile) gave; the LMA runs DAD on
 * it and answers 134 on a conflict (seed 4.3). We carry it as a second
 * Home Network Prefix option of length 128 holding the address: RFC 5213
 * 8.3 allows several HNP options, a /128 inside the MN's /64 names exactly
 * that address, and a standard LMA sees a prefix it did not delegate and
 * refuses it rather than misreading it. This is this project's
 * convention, not RFC 5213's; pmip.h says the same.
 *
 * Retransmission (RFC 5213 6.9.4, RFC 6275 11.8): from pbu_initial_ms
 * (InitialBindackTimeoutFirstReg), doubling up to pbu_max_ms
 * (MAX_BINDACK_TIMEOUT), then the MAG gives up. Each retransmission is a
 * new PBU: a sequence number above the last one's (6.9.4 follows RFC 6275
 * 11.8 there) and a fresh timestamp, because an LMA that checks
 * timestamps (5.5) refuses one older than its window. Rebuilding also
 * means no PBU is kept in memory per binding. */
#define LOG_MODULE "pmip"
#include "pmip_internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static void on_rtx(struct evloop *loop, struct evloop_timer *t, void *arg);
static void on_life(struct evloop *loop, struct evloop_timer *t, void *arg);

void pmip_mag_entry_init(struct pmip_engine *pe, struct pmip_entry *e)
{
	(void)pe;
	evloop_timer_init(&e->rtx, on_rtx, e);
	evloop_timer_init(&e->life, on_life, e);
}

/* Build and send one PBU for e's current transaction: a new sequence
 * number, a fresh timestamp. dereg: lifetime 0 (RFC 5213 6.10). */
static void send_pbu(struct pmip_engine *pe, struct pmip_entry *e)
{
	bool dereg = e->state == PMIP_ST_DEREGISTERING;
	struct pmip_mh_bu bu = {
		.seq = ++e->seq,
		.flags = PMIP_MH_BU_A | PMIP_MH_BU_H | PMIP_MH_BU_P,
		.lifetime = dereg ? 0 : (uint16_t)(e->asked_s / PMIP_MH_LIFETIME_UNIT_S),
	};
	static struct pmip_mh_opts o;
	memset(&o, 0, sizeof(o));
	size_t idl = strlen(e->b.mn_id);
	o.has_mn_id = true;
	o.mn_id_subtype = PMIP_MH_MN_ID_NAI;
	o.mn_id_len = (uint8_t)idl;
	memcpy(o.mn_id, e->b.mn_id, idl);
	o.hnp[o.n_hnp].prefix_len = 64;
	o.hnp[o.n_hnp++].prefix = e->b.hnp;
	if (!pmip_addr_is_zero(&e->b.hoa)) {
		/* The shared-prefix home address: see the file comment. */
		o.hnp[o.n_hnp].prefix_len = 128;
		o.hnp[o.n_hnp++].prefix = e->b.hoa;
	}
	o.has_hi = true;
	o.hi = e->b.hi;
	o.has_att = true;
	o.att = e->b.att;
	o.has_mn_llid = true;
	o.mn_llid_len = 6;
	memcpy(o.mn_llid, e->b.mac, 6);
	o.has_timestamp = true;
	o.timestamp = pmip_now_timestamp(pe);
	e->b.timestamp = o.timestamp;
	static uint8_t buf[1024]; /* MN-ID at most 255 + fixed options ~130 */
	size_t len = pmip_mh_pbu_build(buf, sizeof(buf), &pe->local, &e->b.peer, &bu, &o);
	if (len == 0) {
		pmip_err("PBU for %s: the builder refused it", e->b.mn_id);
		return;
	}
	pe->stats.pbu_sent++;
	if (pe->env.send_mh(pe->env.ctx, &e->b.peer, buf, len) != 0)
		pmip_dbg("PBU %u for %s not sent now (no SA or ring full): retransmission will",
			 bu.seq, e->b.mn_id);
}

/* Start a PBU transaction in state st (REGISTERING, REFRESHING,
 * DEREGISTERING): first transmission now, retransmissions from
 * pbu_initial_ms. */
static void start(struct pmip_engine *pe, struct pmip_entry *e, enum pmip_state st)
{
	e->state = st;
	e->rtx_ms = pe->cfg->pmip.pbu_initial_ms;
	evloop_timer_stop(pe->loop, &e->life);
	send_pbu(pe, e);
	evloop_timer_start(pe->loop, &e->rtx, e->rtx_ms);
}

/* A first registration (HI 1), now if the SA to the LMA is up, else when
 * pmip_sa_ready says it is (seed 4.3: the MAG sets up one SA per LMA and
 * the env starts it when sa_up says false). */
static void register_first(struct pmip_engine *pe, struct pmip_entry *e)
{
	e->b.hi = PMIP_MH_HI_NEW_INTERFACE;
	evloop_timer_stop(pe->loop, &e->rtx);
	evloop_timer_stop(pe->loop, &e->life);
	if (pe->env.sa_up != NULL && !pe->env.sa_up(pe->env.ctx, &e->b.peer)) {
		e->state = PMIP_ST_WAIT_SA;
		return;
	}
	start(pe, e, PMIP_ST_REGISTERING);
}

static void drop_entry(struct pmip_engine *pe, struct pmip_entry *e)
{
	pmip_dp_down(pe, e);
	pmip_entry_free(pe, e);
}

static void on_rtx(struct evloop *loop, struct evloop_timer *t, void *arg)
{
	(void)loop;
	(void)t;
	struct pmip_entry *e = arg;
	struct pmip_engine *pe = e->pe;
	char a[INET6_ADDRSTRLEN];
	if (e->rtx_ms < pe->cfg->pmip.pbu_max_ms) {
		uint64_t next = (uint64_t)e->rtx_ms * 2;
		e->rtx_ms = next > pe->cfg->pmip.pbu_max_ms ? pe->cfg->pmip.pbu_max_ms : (uint32_t)next;
		pe->stats.pbu_retransmit++;
		send_pbu(pe, e);
		evloop_timer_start(pe->loop, &e->rtx, e->rtx_ms);
		return;
	}
	pe->stats.timeouts++;
	pmip_warn("%s: no PBA from LMA %s after retransmissions up to %u ms (RFC 5213 6.9.4): %s",
		  e->b.mn_id, pmip_addr_str(&e->b.peer, a), pe->cfg->pmip.pbu_max_ms,
		  e->state == PMIP_ST_DEREGISTERING ? "binding forgotten" : "will retry");
	if (e->state == PMIP_ST_DEREGISTERING) {
		drop_entry(pe, e);
		return;
	}
	/* The LMA may be gone: the MN loses its data path now, not when a
	 * binding we cannot confirm would have ended; we try again later as
	 * for a new attachment. */
	pmip_dp_down(pe, e);
	e->state = PMIP_ST_RETRY;
	evloop_timer_start(pe->loop, &e->life, pe->cfg->pmip.pbu_max_ms);
}

static void on_life(struct evloop *loop, struct evloop_timer *t, void *arg)
{
	(void)loop;
	(void)t;
	struct pmip_entry *e = arg;
	struct pmip_engine *pe = e->pe;
	if (e->state == PMIP_ST_REGISTERED) {
		/* Refresh before the lifetime ends (RFC 5213 6.9.1.1 "binding
		 * re-registration"): HI 5, the MN did not move. */
		e->b.hi = PMIP_MH_HI_NOT_CHANGED;
		e->ts_retried = false;
		start(pe, e, PMIP_ST_REFRESHING);
	} else if (e->state == PMIP_ST_RETRY) {
		e->ts_retried = false;
		register_first(pe, e);
	}
}

void pmip_mag_attach(struct pmip_engine *pe, const uint8_t mac[6], uint16_t access_port,
		     uint8_t att)
{
	if (pe->role != PMIP_ROLE_MAG)
		return;
	struct pmip_entry *e = pmip_entry_by_mac(pe, mac);
	if (e != NULL && e->state != PMIP_ST_DEREGISTERING)
		return; /* registered or registering already */
	const struct pmip_profile *p = pe->env.profile_by_mac(pe->env.ctx, mac);
	if (p == NULL) {
		pe->stats.unknown_mn++;
		pmip_info("MN %02x:%02x:%02x:%02x:%02x:%02x on port %u has no profile: not registered",
			  mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], access_port);
		return;
	}
	if (p->mn_id[0] == '\0' || strlen(p->mn_id) > PMIP_MH_NAI_MAX) {
		pmip_warn("MN %02x:%02x:%02x:%02x:%02x:%02x: profile without a usable NAI", mac[0],
			  mac[1], mac[2], mac[3], mac[4], mac[5]);
		return;
	}
	if (e != NULL) {
		/* Back before its de-registration was answered: register again
		 * (the later timestamp orders the two at the LMA, 5.5). */
		e->ts_retried = false;
		register_first(pe, e);
		return;
	}
	e = pmip_entry_new(pe);
	if (e == NULL) {
		pmip_warn("MN %s not registered: binding update list full (%u)", p->mn_id, pe->max);
		return;
	}
	snprintf(e->b.mn_id, sizeof(e->b.mn_id), "%s", p->mn_id);
	memcpy(e->b.mac, mac, 6);
	e->b.access_port = access_port;
	e->b.hnp = p->hnp;
	e->b.hoa = p->hoa;
	e->b.peer = p->lma;
	e->b.att = att;
	e->asked_s = pe->cfg->pmip.lifetime_s;
	if (e->asked_s < PMIP_MH_LIFETIME_UNIT_S)
		e->asked_s = PMIP_MH_LIFETIME_UNIT_S;
	if (e->asked_s > 0xffffu * PMIP_MH_LIFETIME_UNIT_S)
		e->asked_s = 0xffffu * PMIP_MH_LIFETIME_UNIT_S;
	pmip_index_mac(pe, e);
	pmip_index_mn(pe, e);
	register_first(pe, e);
}

void pmip_mag_detach(struct pmip_engine *pe, const uint8_t mac[6])
{
	if (pe->role != PMIP_ROLE_MAG)
		return;
	struct pmip_entry *e = pmip_entry_by_mac(pe, mac);
	if (e == NULL || e->state == PMIP_ST_DEREGISTERING)
		return;
	/* The MN's data path goes now: it left (RFC 5213 6.10). */
	pmip_dp_down(pe, e);
	bool lma_has_it = e->state == PMIP_ST_REGISTERING || e->state == PMIP_ST_REGISTERED ||
			  e->state == PMIP_ST_REFRESHING || e->state == PMIP_ST_RETRY;
	if (!lma_has_it || (pe->env.sa_up != NULL && !pe->env.sa_up(pe->env.ctx, &e->b.peer))) {
		pmip_entry_free(pe, e);
		return;
	}
	/* De-registration (RFC 5213 6.10, 6.9.1.3): lifetime 0, so the LMA
	 * releases the binding now rather than at its expiry. */
	pe->stats.deregistrations++;
	e->b.hi = PMIP_MH_HI_NOT_CHANGED;
	e->ts_retried = false;
	start(pe, e, PMIP_ST_DEREGISTERING);
}

void pmip_mag_new_hoa(struct pmip_engine *pe, const uint8_t mac[6], const struct in6_addr *hoa)
{
	if (pe->role != PMIP_ROLE_MAG)
		return;
	struct pmip_entry *e = pmip_entry_by_mac(pe, mac);
	if (e == NULL || e->state == PMIP_ST_DEREGISTERING)
		return;
	e->b.hoa = *hoa;
	e->dp_dirty = e->dp_up;
	if (e->state == PMIP_ST_WAIT_HOA) {
		e->ts_retried = false;
		register_first(pe, e);
	} else if (e->state == PMIP_ST_REGISTERED) {
		/* Tell the LMA now rather than at the next refresh. */
		e->b.hi = PMIP_MH_HI_NOT_CHANGED;
		start(pe, e, PMIP_ST_REFRESHING);
	}
	/* Otherwise the next PBU carries it. */
}

void pmip_mag_sa_ready(struct pmip_engine *pe, const struct in6_addr *peer, bool up)
{
	if (!up)
		return; /* retransmissions carry on; give-up handles a dead LMA */
	for (uint32_t i = 0; i < pe->max; i++) {
		struct pmip_entry *e = &pe->entries[i];
		if (e->state == PMIP_ST_WAIT_SA && memcmp(&e->b.peer, peer, 16) == 0)
			start(pe, e, PMIP_ST_REGISTERING);
	}
}

void pmip_mag_peer_restarted(struct pmip_engine *pe, const struct in6_addr *peer)
{
	char a[INET6_ADDRSTRLEN];
	unsigned n = 0;
	for (uint32_t i = 0; i < pe->max; i++) {
		struct pmip_entry *e = &pe->entries[i];
		if (e->state == PMIP_ST_FREE || memcmp(&e->b.peer, peer, 16) != 0)
			continue;
		switch (e->state) {
		case PMIP_ST_REGISTERING:
		case PMIP_ST_REGISTERED:
		case PMIP_ST_REFRESHING:
		case PMIP_ST_RETRY:
			/* RFC 5847 5.2: the LMA lost its binding cache; what we
			 * send is a first registration, not a refresh. The data
			 * path stays: the tunnel to the LMA is unchanged. */
			e->ts_retried = false;
			register_first(pe, e);
			n++;
			break;
		case PMIP_ST_DEREGISTERING:
			pmip_entry_free(pe, e); /* nothing left to remove there */
			break;
		default:
			break;
		}
	}
	pmip_notice("LMA %s restarted: %u MNs registered again", pmip_addr_str(peer, a), n);
}

void pmip_mag_peer_lost(struct pmip_engine *pe, const struct in6_addr *peer)
{
	char a[INET6_ADDRSTRLEN];
	unsigned n = 0;
	for (uint32_t i = 0; i < pe->max; i++) {
		struct pmip_entry *e = &pe->entries[i];
		if (e->state == PMIP_ST_FREE || e->state == PMIP_ST_WAIT_HOA ||
		    memcmp(&e->b.peer, peer, 16) != 0)
			continue;
		if (e->state == PMIP_ST_DEREGISTERING) {
			drop_entry(pe, e);
			continue;
		}
		/* RFC 5847 5.3: the LMA stopped answering; its tunnel carries
		 * nothing. The MN waits for the SA to come back. */
		pmip_dp_down(pe, e);
		evloop_timer_stop(pe->loop, &e->rtx);
		evloop_timer_stop(pe->loop, &e->life);
		e->state = PMIP_ST_WAIT_SA;
		e->b.hi = PMIP_MH_HI_NEW_INTERFACE;
		e->ts_retried = false;
		n++;
	}
	pmip_notice("LMA %s lost: %u bindings down until the SA is back", pmip_addr_str(peer, a), n);
}

/* ---------------------------------------------------------------- PBA -- */

static bool outstanding(const struct pmip_entry *e)
{
	return e->state == PMIP_ST_REGISTERING || e->state == PMIP_ST_REFRESHING ||
	       e->state == PMIP_ST_DEREGISTERING;
}

static void rejected(struct pmip_engine *pe, struct pmip_entry *e, uint8_t status)
{
	const char *name = pmip_mh_ba_status_name(status);
	pe->stats.rejected++;
	pmip_warn("%s: LMA refused the %s: status %u %s", e->b.mn_id,
		  e->state == PMIP_ST_REFRESHING ? "refresh" : "registration", status,
		  name != NULL ? name : "(unknown)");
	/* Freed: the MN's next attachment event (Router Solicitation) tries
	 * again, at the pace the MN sets, not ours. */
	drop_entry(pe, e);
}

void pmip_mag_input_pba(struct pmip_engine *pe, const struct in6_addr *src, const struct pmip_mh *m)
{
	char a[INET6_ADDRSTRLEN], nai[PMIP_MH_NAI_MAX + 1];
	const struct pmip_mh_opts *o = &m->opt;
	/* RFC 5213 6.9.1.2 (and RFC 6275 11.7.3): a PBA answers our PBU for
	 * that MN with its sequence number, from the LMA we sent it to.
	 * Anything else is a late answer to an earlier transmission, a
	 * duplicate, or not for us. */
	struct pmip_entry *e = NULL;
	if (o->has_mn_id && o->mn_id_subtype == PMIP_MH_MN_ID_NAI)
		e = pmip_entry_by_mn(pe, (const char *)o->mn_id, o->mn_id_len);
	if (e == NULL || !outstanding(e) || m->ba.seq != e->seq ||
	    memcmp(&e->b.peer, src, 16) != 0) {
		pe->stats.rx_unexpected++;
		pmip_info("PBA seq %u status %u for %s from %s ignored: no PBU outstanding with "
			  "that sequence number to that LMA (RFC 5213 6.9.1.2)",
			  m->ba.seq, m->ba.status, pmip_nai_print(o, nai), pmip_addr_str(src, a));
		return;
	}
	evloop_timer_stop(pe->loop, &e->rtx);
	uint8_t st = m->ba.status;

	if (e->state == PMIP_ST_DEREGISTERING) {
		/* Whatever the status, the binding is gone for us. */
		pmip_entry_free(pe, e);
		return;
	}
	if (st < 128 && m->ba.lifetime != 0) {
		uint32_t granted = (uint32_t)m->ba.lifetime * PMIP_MH_LIFETIME_UNIT_S;
		e->b.lifetime_s = granted < e->asked_s ? granted : e->asked_s;
		e->state = PMIP_ST_REGISTERED;
		e->registered_once = true;
		e->ts_retried = false;
		pe->stats.accepted++;
		if (e->dp_up && e->dp_dirty) {
			/* A new home address (pmip_mag_new_hoa) is now the
			 * LMA's too: the same binding id, updated. */
			e->dp_dirty = false;
			pmip_dp_up(pe, e);
		} else if (!e->dp_up) {
			e->dp_dirty = false;
			pmip_dp_up(pe, e);
			/* RFC 5213 6.7: the MN gets its prefix in an RA now. */
			if (pe->env.mn_registered != NULL)
				pe->env.mn_registered(pe->env.ctx, &e->b);
			pmip_info("%s registered with LMA %s for %u s", e->b.mn_id,
				  pmip_addr_str(src, a), e->b.lifetime_s);
		}
		uint64_t ms = (uint64_t)e->b.lifetime_s * 1000 * pe->cfg->pmip.refresh_percent / 100;
		evloop_timer_start(pe->loop, &e->life, ms);
		return;
	}
	if (st < 128) {
		/* Accepted with lifetime 0: the LMA ended the binding. */
		pmip_warn("%s: LMA accepted with lifetime 0: binding ended", e->b.mn_id);
		drop_entry(pe, e);
		return;
	}
	if (st == PMIP_MH_BA_DUPLICATE_ADDRESS_DETECTION_FAILED) {
		/* Seed 4.3, 4.4.3: the home address is another MN's. The env
		 * sets the IKE SA up again to get a new one and gives it to us
		 * with pmip_mag_new_hoa(). */
		pe->stats.hoa_conflicts++;
		pe->stats.rejected++;
		pmip_warn("%s: LMA %s says its home address %s is another MN's (status 134): "
			  "waiting for a new one", e->b.mn_id, pmip_addr_str(src, a),
			  pmip_addr_str(&e->b.hoa, nai));
		pmip_dp_down(pe, e);
		e->state = PMIP_ST_WAIT_HOA;
		if (pe->env.hoa_conflict != NULL)
			pe->env.hoa_conflict(pe->env.ctx, &e->b);
		return;
	}
	if ((st == PMIP_MH_BA_TIMESTAMP_MISMATCH || st == PMIP_MH_BA_TIMESTAMP_LOWER_THAN_PREV_ACCEPTED) &&
	    !e->ts_retried) {
		/* RFC 5213 5.5: our clock and the LMA's disagree, or an older
		 * PBU of ours overtook this one. One more try with a fresh
		 * timestamp; a second refusal is a clock problem for the
		 * operator (the PBA carries the LMA's time). */
		e->ts_retried = true;
		pmip_info("%s: status %u %s: one retry with a fresh timestamp", e->b.mn_id, st,
			  pmip_mh_ba_status_name(st));
		start(pe, e, e->state);
		return;
	}
	rejected(pe, e, st);
}
