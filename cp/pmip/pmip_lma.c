/* LMA: the binding cache (RFC 5213 5). A PBU that arrived under the ESP
 * SA of its MAG (checked in pmip.c, RFC 5213 4) and parsed is checked in
 * the order of RFC 5213 5.3.1, then creates, refreshes, moves (handover)
 * or removes the MN's binding, and is answered with a PBA (5.3.6).
 *
 * One binding per MN-ID: in this gateway an MN has one interface (one
 * MAC, one profile), so a PBU for an MN-ID with a binding is about that
 * mobility session whatever its Handoff Indicator says (RFC 5213 5.4.1
 * keys the lookup on the MN-ID and the MN's link-layer identity): from
 * the serving MAG it is a re-registration, from another MAG a handover
 * (5.3.2's "handoff": the HI is logged, not required to be 2, 3 or 4,
 * since a MAG that sees an MN arrive cannot know where it comes from and
 * sends 1 or 4) -- except a re-registration (HI 5) from a MAG that is not
 * the serving one, which is a stale refresh and refused.
 *
 * Home addresses (shared-prefix model, seed 4.4.3; pmip_mag.c's file
 * comment): a Home Network Prefix option of length 128 inside the MN's /64
 * is its home address. Without one, the profile's home address (if any)
 * is used. A home address that another MN's binding holds is refused with
 * status 134 (seed 4.3: the LMA's DAD failed). */
#define LOG_MODULE "pmip"
#include "pmip_internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static void on_life(struct evloop *loop, struct evloop_timer *t, void *arg);

void pmip_lma_entry_init(struct pmip_engine *pe, struct pmip_entry *e)
{
	(void)pe;
	evloop_timer_init(&e->rtx, NULL, e); /* unused at the LMA */
	evloop_timer_init(&e->life, on_life, e);
}

/* The PBA (RFC 5213 5.3.6): the PBU's sequence number; MN-ID, HI, ATT,
 * MN-LLID and LLA copied from the PBU; the prefixes of the binding (e)
 * or, on a refusal, the PBU's; the PBU's Timestamp, or on
 * TIMESTAMP_MISMATCH the LMA's current time (5.5) so the MAG can see the
 * difference. */
static void send_pba(struct pmip_engine *pe, const struct in6_addr *mag, const struct pmip_mh *m,
		     uint8_t status, uint16_t lifetime, const struct pmip_entry *e)
{
	static struct pmip_mh_opts o;
	o = m->opt;
	if (e != NULL && status < 128) {
		o.n_hnp = 0;
		o.hnp[o.n_hnp].prefix_len = 64;
		o.hnp[o.n_hnp++].prefix = e->b.hnp;
		if (!pmip_addr_is_zero(&e->b.hoa)) {
			o.hnp[o.n_hnp].prefix_len = 128;
			o.hnp[o.n_hnp++].prefix = e->b.hoa;
		}
	}
	if (status == PMIP_MH_BA_TIMESTAMP_MISMATCH) {
		o.has_timestamp = true;
		o.timestamp = pmip_now_timestamp(pe);
	}
	struct pmip_mh_ba ba = { .status = status, .seq = m->bu.seq, .lifetime = lifetime };
	static uint8_t buf[PMIP_MH_MAX_LEN];
	size_t len = pmip_mh_pba_build(buf, sizeof(buf), &pe->local, mag, &ba, &o);
	if (len == 0) {
		pmip_err("PBA status %u: the builder refused it", status);
		return;
	}
	pe->stats.pba_sent++;
	pe->env.send_mh(pe->env.ctx, mag, buf, len);
}

static void refuse(struct pmip_engine *pe, const struct in6_addr *mag, const struct pmip_mh *m,
		   uint8_t status, const char *nai, const char *why)
{
	char a[INET6_ADDRSTRLEN];
	const char *name = pmip_mh_ba_status_name(status);
	pe->stats.rejected++;
	pmip_info("PBU seq %u for %s from MAG %s refused with %u %s: %s", m->bu.seq, nai,
		  pmip_addr_str(mag, a), status, name != NULL ? name : "?", why);
	send_pba(pe, mag, m, status, 0, NULL);
}

static void arm_expiry(struct pmip_engine *pe, struct pmip_entry *e)
{
	evloop_timer_start(pe->loop, &e->life, (uint64_t)e->b.lifetime_s * 1000);
}

static void on_life(struct evloop *loop, struct evloop_timer *t, void *arg)
{
	(void)loop;
	(void)t;
	struct pmip_entry *e = arg;
	struct pmip_engine *pe = e->pe;
	char a[INET6_ADDRSTRLEN];
	if (e->state == PMIP_ST_ACTIVE) {
		/* RFC 5213 5.3.4 / RFC 6275 10.3.1: no refresh in time. */
		pe->stats.expired++;
		pmip_info("binding of %s via MAG %s expired after %u s", e->b.mn_id,
			  pmip_addr_str(&e->b.peer, a), e->b.lifetime_s);
		pmip_dp_down(pe, e);
	}
	pmip_entry_free(pe, e);
}

/* A timestamp's distance from ours in ms (RFC 5213 8.8: 1/65536 s). */
static uint64_t ts_diff_ms(uint64_t a, uint64_t b)
{
	uint64_t d = a > b ? a - b : b - a;
	return d / 65536 * 1000 + (d % 65536) * 1000 / 65536;
}

/* The HNP options against the profile (RFC 5213 5.3.1: the prefixes must
 * be the MN's): each one must be the MN's /64, the all-zero ::/0 (the
 * MAG asks for the MN's prefix, 6.9.1.1) or a /128 inside that /64 (our
 * home-address carriage). *hoa: the /128, or :: if none. */
static bool prefixes_ok(const struct pmip_mh_opts *o, const struct pmip_profile *p,
			struct in6_addr *hoa, const char **why)
{
	memset(hoa, 0, sizeof(*hoa));
	for (unsigned i = 0; i < o->n_hnp; i++) {
		const struct pmip_mh_hnp *h = &o->hnp[i];
		if (h->prefix_len == 0 && pmip_addr_is_zero(&h->prefix))
			continue;
		if (memcmp(&h->prefix, &p->hnp, 8) != 0) {
			*why = "a prefix outside the MN's /64";
			return false;
		}
		if (h->prefix_len == 64)
			continue;
		if (h->prefix_len == 128 && pmip_addr_is_zero(hoa)) {
			*hoa = h->prefix;
			continue;
		}
		*why = h->prefix_len == 128 ? "two home addresses" : "a prefix length other than 64 or 128";
		return false;
	}
	return true;
}

void pmip_lma_peer_gone(struct pmip_engine *pe, const struct in6_addr *mag, const char *why)
{
	char a[INET6_ADDRSTRLEN];
	unsigned n = 0;
	for (uint32_t i = 0; i < pe->max; i++) {
		struct pmip_entry *e = &pe->entries[i];
		if (e->state == PMIP_ST_FREE || memcmp(&e->b.peer, mag, 16) != 0)
			continue;
		pmip_dp_down(pe, e);
		pmip_entry_free(pe, e);
		n++;
	}
	pmip_notice("%u bindings via MAG %s removed: %s", n, pmip_addr_str(mag, a), why);
}

/* Lifetime 0 (RFC 5213 5.3.5). */
static void deregister(struct pmip_engine *pe, const struct in6_addr *mag, const struct pmip_mh *m,
		       struct pmip_entry *e, const char *nai)
{
	char a[INET6_ADDRSTRLEN];
	if (e != NULL && e->state == PMIP_ST_ACTIVE) {
		pe->stats.deregistrations++;
		pmip_info("%s de-registered by MAG %s", nai, pmip_addr_str(mag, a));
		pmip_dp_down(pe, e);
		pmip_unindex_hoa(pe, e);
		e->b.timestamp = m->opt.timestamp;
		e->seq = m->bu.seq;
		e->b.lifetime_s = 0;
		/* 5.3.5 MinDelayBeforeBCEDelete: the entry stays (no data
		 * path) so that the new MAG's PBU of a handover racing this
		 * de-registration still finds it, and an older PBU is still
		 * ordered by its timestamp. */
		if (pe->cfg->pmip.bce_delete_delay_ms == 0) {
			pmip_entry_free(pe, e);
		} else {
			e->state = PMIP_ST_DELETING;
			evloop_timer_start(pe->loop, &e->life, pe->cfg->pmip.bce_delete_delay_ms);
		}
	}
	pe->stats.accepted++;
	send_pba(pe, mag, m, PMIP_MH_BA_ACCEPTED, 0, NULL);
}

void pmip_lma_input_pbu(struct pmip_engine *pe, const struct in6_addr *src,
			const struct in6_addr *dst, const struct pmip_mh *m)
{
	(void)dst;
	char a[INET6_ADDRSTRLEN], nai[PMIP_MH_NAI_MAX + 1];
	const struct pmip_mh_opts *o = &m->opt;
	pmip_nai_print(o, nai);

	/* RFC 5213 5.3.1, in its order. (1) protection: pmip.c. (2) RFC
	 * 6275 9.2's rules: the parser. (4) the MN-ID option. */
	if (!o->has_mn_id) {
		refuse(pe, src, m, PMIP_MH_BA_MISSING_MN_IDENTIFIER_OPTION, nai,
		       "no Mobile Node Identifier option (RFC 5213 5.3.1)");
		return;
	}
	char id[PMIP_MH_NAI_MAX + 1];
	const struct pmip_profile *p = NULL;
	if (o->mn_id_subtype == PMIP_MH_MN_ID_NAI && o->mn_id_len <= PMIP_MH_NAI_MAX &&
	    memchr(o->mn_id, 0, o->mn_id_len) == NULL) {
		memcpy(id, o->mn_id, o->mn_id_len);
		id[o->mn_id_len] = '\0';
		p = pe->env.profile_by_mn_id(pe->env.ctx, id);
	}
	if (p == NULL) {
		/* No profile: this LMA does not serve the MN (RFC 5213 8.9
		 * NOT_LMA_FOR_THIS_MOBILE_NODE; 5.3.1 leaves the policy check
		 * to the LMA). */
		pe->stats.unknown_mn++;
		refuse(pe, src, m, PMIP_MH_BA_NOT_LMA_FOR_THIS_MOBILE_NODE, nai,
		       "no profile for this MN-ID");
		return;
	}
	/* (5) the MAG must be one allowed to register this MN. */
	if (pe->env.mag_authorised != NULL && !pe->env.mag_authorised(pe->env.ctx, p, src)) {
		pe->stats.unauthorised_mag++;
		refuse(pe, src, m, PMIP_MH_BA_MAG_NOT_AUTHORIZED_FOR_PROXY_REG, nai,
		       "MAG not authorised for this MN (RFC 5213 5.3.1)");
		return;
	}
	/* (7)-(9) the options a PBU must carry. */
	if (o->n_hnp == 0) {
		refuse(pe, src, m, PMIP_MH_BA_MISSING_HOME_NETWORK_PREFIX_OPTION, nai,
		       "no Home Network Prefix option (RFC 5213 5.3.1)");
		return;
	}
	if (!o->has_hi) {
		refuse(pe, src, m, PMIP_MH_BA_MISSING_HANDOFF_INDICATOR_OPTION, nai,
		       "no Handoff Indicator option (RFC 5213 5.3.1)");
		return;
	}
	if (!o->has_att) {
		refuse(pe, src, m, PMIP_MH_BA_MISSING_ACCESS_TECH_TYPE_OPTION, nai,
		       "no Access Technology Type option (RFC 5213 5.3.1)");
		return;
	}
	struct in6_addr hoa;
	const char *why = "";
	if (!prefixes_ok(o, p, &hoa, &why)) {
		refuse(pe, src, m, PMIP_MH_BA_NOT_AUTHORIZED_FOR_HOME_NETWORK_PREFIX, nai, why);
		return;
	}
	/* Timestamps (RFC 5213 5.5): this LMA orders PBUs by timestamp, so
	 * one is required, it must be within TimestampValidityWindow of our
	 * clock, and not older than the one of the PBU the binding was last
	 * updated by (a delayed or replayed PBU would undo a newer one). The
	 * sequence number is then only echoed (5.5). */
	if (!o->has_timestamp) {
		refuse(pe, src, m, PMIP_MH_BA_TIMESTAMP_MISMATCH, nai,
		       "no Timestamp option (RFC 5213 5.5)");
		return;
	}
	uint64_t skew = ts_diff_ms(o->timestamp, pmip_now_timestamp(pe));
	if (skew > pe->cfg->pmip.timestamp_window_ms) {
		char w[96];
		snprintf(w, sizeof(w), "timestamp %llu ms from our clock, window %u ms (RFC 5213 5.5)",
			 (unsigned long long)skew, pe->cfg->pmip.timestamp_window_ms);
		refuse(pe, src, m, PMIP_MH_BA_TIMESTAMP_MISMATCH, nai, w);
		return;
	}
	struct pmip_entry *e = pmip_entry_by_mn(pe, id, o->mn_id_len);
	/* 5.3.5: a de-registration from a MAG that does not serve the MN
	 * (the old MAG after a handover) is acknowledged and changes
	 * nothing; whether it is older or newer than the new MAG's PBU
	 * does not matter. */
	if (m->bu.lifetime == 0 && e != NULL && memcmp(&e->b.peer, src, 16) != 0) {
		pmip_info("%s: de-registration from MAG %s, not the serving one: binding kept "
			  "(RFC 5213 5.3.5)", nai, pmip_addr_str(src, a));
		pe->stats.accepted++;
		send_pba(pe, src, m, PMIP_MH_BA_ACCEPTED, 0, NULL);
		return;
	}
	/* A re-registration (HI 5, "handoff state not changed", RFC 5213
	 * 8.4) from a MAG that does not serve the MN: that MAG has not seen
	 * the MN leave, its refresh timer ran after the handover. Taking
	 * the binding back would send the MN's traffic where the MN no
	 * longer is; the stale MAG is refused and drops its entry (a MAG
	 * that sees the MN arrive again says HI 1 or 4, a handover). */
	if (e != NULL && e->state == PMIP_ST_ACTIVE && o->hi == PMIP_MH_HI_NOT_CHANGED &&
	    memcmp(&e->b.peer, src, 16) != 0) {
		char w[INET6_ADDRSTRLEN + 64];
		snprintf(w, sizeof(w), "re-registration (HI 5), but MAG %s serves it",
			 pmip_addr_str(&e->b.peer, a));
		refuse(pe, src, m, PMIP_MH_BA_REASON_UNSPECIFIED, nai, w);
		return;
	}
	if (e != NULL && o->timestamp < e->b.timestamp) {
		pe->stats.stale_timestamp++;
		refuse(pe, src, m, PMIP_MH_BA_TIMESTAMP_LOWER_THAN_PREV_ACCEPTED, nai,
		       "timestamp older than the binding's (RFC 5213 5.5)");
		return;
	}
	if (m->bu.lifetime == 0) {
		deregister(pe, src, m, e, nai);
		return;
	}
	if (pmip_addr_is_zero(&hoa))
		hoa = p->hoa;
	struct pmip_entry *holder = pmip_entry_by_hoa(pe, &hoa);
	if (holder != NULL && holder != e) {
		/* Seed 4.3, 4.4.3: DAD for the home address failed. */
		pe->stats.hoa_conflicts++;
		char h[INET6_ADDRSTRLEN];
		char w[INET6_ADDRSTRLEN + PMIP_MH_NAI_MAX + 40];
		snprintf(w, sizeof(w), "home address %s is %s's", pmip_addr_str(&hoa, h),
			 holder->b.mn_id);
		refuse(pe, src, m, PMIP_MH_BA_DUPLICATE_ADDRESS_DETECTION_FAILED, nai, w);
		return;
	}
	bool created = false;
	if (e == NULL) {
		e = pmip_entry_new(pe);
		if (e == NULL) {
			refuse(pe, src, m, PMIP_MH_BA_INSUFFICIENT_RESOURCES, nai, "binding cache full");
			return;
		}
		snprintf(e->b.mn_id, sizeof(e->b.mn_id), "%s", id);
		e->b.peer = *src;
		pmip_index_mn(pe, e);
		created = true;
	}
	bool moved = memcmp(&e->b.peer, src, 16) != 0;
	bool new_hoa = memcmp(&e->b.hoa, &hoa, 16) != 0;
	bool revived = e->state == PMIP_ST_DELETING;
	if (new_hoa)
		pmip_unindex_hoa(pe, e);
	e->state = PMIP_ST_ACTIVE;
	e->b.peer = *src;
	e->b.hnp = p->hnp;
	e->b.hoa = hoa;
	pmip_index_hoa(pe, e);
	if (o->has_mn_llid && o->mn_llid_len == 6)
		memcpy(e->b.mac, o->mn_llid, 6);
	e->b.att = o->att;
	e->b.hi = o->hi;
	e->b.timestamp = o->timestamp;
	e->seq = m->bu.seq;
	/* Lifetime: what the MAG asked for, at most ours (RFC 5213 5.3.1,
	 * RFC 6275 10.3.1). */
	uint32_t units = m->bu.lifetime, most = pe->cfg->pmip.lifetime_s / PMIP_MH_LIFETIME_UNIT_S;
	if (most == 0)
		most = 1;
	if (units > most)
		units = most;
	e->b.lifetime_s = units * PMIP_MH_LIFETIME_UNIT_S;
	if (moved && !created) {
		/* Handover (RFC 5213 5.3.2): the same binding id, the new
		 * MAG: one update of the data plane's pointer. */
		pe->stats.handovers++;
		pmip_info("%s moved to MAG %s (HI %u)", nai, pmip_addr_str(src, a), o->hi);
	}
	if (created || moved || new_hoa || revived || !e->dp_up)
		pmip_dp_up(pe, e);
	if (created)
		pmip_info("%s registered via MAG %s for %u s", nai, pmip_addr_str(src, a),
			  e->b.lifetime_s);
	arm_expiry(pe, e);
	pe->stats.accepted++;
	send_pba(pe, src, m, PMIP_MH_BA_ACCEPTED, (uint16_t)units, e);
}
