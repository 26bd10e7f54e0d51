/* CHILD_SAs (RFC 7296 1.3, 2.9, 2.17): ESP proposals, traffic selectors,
 * keying material, and their installation in the data plane through the
 * environment. One CHILD_SA per IKE SA: the MAG-LMA pair's (seed 4.3). */
#define LOG_MODULE "ike"
#include "ikev2.h"

#include <arpa/inet.h>
#include <string.h>

#include <openssl/rand.h>

#include "log.h"

static uint32_t new_spi(void)
{
	uint32_t spi;
	do {
		RAND_bytes((uint8_t *)&spi, sizeof(spi));
	} while (spi < 256); /* 0-255 are reserved (RFC 4303 2.1) */
	return spi;
}

static void esp_prop(const struct pmip_ike_proposal *p, uint8_t num, uint32_t spi,
		     struct ike_sa *sa)
{
	struct ike_proposal *pr = &sa->prop[sa->n_prop++];
	*pr = (struct ike_proposal){ .num = num, .protocol = IKE_PROTO_ESP, .spi_size = 4,
				     .spi = spi, .first_xf = (uint16_t)sa->n_xf };
	sa->xf[sa->n_xf++] = (struct ike_transform){ .type = IKE_XF_ENCR, .id = p->encr,
						     .key_len = p->key_bits, .has_key_len = true };
	if (p->integ)
		sa->xf[sa->n_xf++] = (struct ike_transform){ .type = IKE_XF_INTEG, .id = p->integ };
	/* Our data plane does 32-bit sequence numbers with or without ESN;
	 * offer none, which every peer must accept (3.3.2). */
	sa->xf[sa->n_xf++] = (struct ike_transform){ .type = IKE_XF_ESN, .id = IKE_ESN_NO };
	pr->n_xf = (uint8_t)(sa->n_xf - pr->first_xf);
}

void ikev2_child_offer(struct ikev2 *e, struct ikev2_child *c, struct ike_sa *out)
{
	memset(out, 0, sizeof(*out));
	c->spi_in = new_spi();
	const struct pmip_config_ike *cfg = &e->cfg->ike;
	for (unsigned p = 0; p < cfg->n_esp_props && p < IKE_SA_MAX_PROPOSALS; p++)
		esp_prop(&cfg->esp_props[p], (uint8_t)(p + 1), c->spi_in, out);
}

static bool has(const struct ike_sa *sa, unsigned p, uint8_t type, uint16_t id, uint16_t bits)
{
	const struct ike_transform *x = ike_sa_xf(sa, p);
	for (unsigned i = 0; i < sa->prop[p].n_xf; i++)
		if (x[i].type == type && x[i].id == id && !x[i].unknown_attr &&
		    (type != IKE_XF_ENCR || (x[i].has_key_len && x[i].key_len == bits)))
			return true;
	return false;
}

static bool has_type(const struct ike_sa *sa, unsigned p, uint8_t type)
{
	const struct ike_transform *x = ike_sa_xf(sa, p);
	for (unsigned i = 0; i < sa->prop[p].n_xf; i++)
		if (x[i].type == type)
			return true;
	return false;
}

/* Does the peer's ESP proposal p contain ours whole? ESN: "no" offered,
 * or no ESN transform at all. No DH (we do not negotiate PFS here). */
static bool fits(const struct pmip_ike_proposal *o, const struct ike_sa *sa, unsigned p)
{
	if (sa->prop[p].protocol != IKE_PROTO_ESP || sa->prop[p].spi_size != 4 ||
	    sa->prop[p].spi < 256)
		return false;
	bool integ_ok = o->integ ? has(sa, p, IKE_XF_INTEG, o->integ, 0)
				 : (!has_type(sa, p, IKE_XF_INTEG) ||
				    has(sa, p, IKE_XF_INTEG, IKE_INTEG_NONE, 0));
	bool esn_ok = !has_type(sa, p, IKE_XF_ESN) || has(sa, p, IKE_XF_ESN, IKE_ESN_NO, 0);
	bool dh_ok = !has_type(sa, p, IKE_XF_DH) || has(sa, p, IKE_XF_DH, 0, 0);
	return has(sa, p, IKE_XF_ENCR, o->encr, o->key_bits) && integ_ok && esn_ok && dh_ok;
}

static void set_suite(struct ikev2_child *c, const struct pmip_ike_proposal *o)
{
	c->suite = (struct ike_suite){ .encr = o->encr, .encr_bits = o->key_bits, .integ = o->integ };
}

bool ikev2_child_choose(struct ikev2 *e, struct ikev2_child *c, const struct ike_sa *peer_sa,
			struct ike_sa *answer)
{
	const struct pmip_config_ike *cfg = &e->cfg->ike;
	for (unsigned o = 0; o < cfg->n_esp_props; o++) {
		for (unsigned p = 0; p < peer_sa->n_prop; p++) {
			if (!fits(&cfg->esp_props[o], peer_sa, p))
				continue;
			set_suite(c, &cfg->esp_props[o]);
			c->spi_out = (uint32_t)peer_sa->prop[p].spi;
			c->spi_in = new_spi();
			memset(answer, 0, sizeof(*answer));
			esp_prop(&cfg->esp_props[o], peer_sa->prop[p].num, c->spi_in, answer);
			return true;
		}
	}
	return false;
}

bool ikev2_child_accept(struct ikev2 *e, struct ikev2_child *c, const struct ike_sa *answer)
{
	if (answer->n_prop != 1)
		return false;
	const struct pmip_config_ike *cfg = &e->cfg->ike;
	for (unsigned o = 0; o < cfg->n_esp_props; o++) {
		if (fits(&cfg->esp_props[o], answer, 0)) {
			set_suite(c, &cfg->esp_props[o]);
			c->spi_out = (uint32_t)answer->prop[0].spi;
			return true;
		}
	}
	return false;
}

static void ts_one(struct ike_ts_list *l, const struct in6_addr *a, uint8_t len, uint8_t proto)
{
	memset(l, 0, sizeof(*l));
	struct ike_ts *t = &l->ts[l->n++];
	t->type = IKE_TS_IPV6_ADDR_RANGE;
	t->proto = proto;
	t->start_port = 0;
	t->end_port = 65535;
	memcpy(t->start.b, a, 16);
	memcpy(t->end.b, a, 16);
	/* A prefix shorter than 128 covers a range. */
	for (int i = len; i < 128; i++) {
		t->start.b[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
		t->end.b[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	}
}

void ikev2_child_ts(struct ikev2_sa *sa, struct ikev2_child *c, struct ike_ts_list *tsi,
		    struct ike_ts_list *tsr)
{
	/* Before narrowing: the two gateway addresses (transport mode
	 * protects traffic between them, 1.3.1). */
	if (c->ts_local_len == 0) {
		c->ts_local = sa->local;
		c->ts_remote = sa->remote;
		c->ts_local_len = c->ts_remote_len = 128;
		c->ts_proto = ikev2_ts_proto_wanted(sa, c);
	}
	ts_one(sa->initiator ? tsi : tsr, &c->ts_local, c->ts_local_len, c->ts_proto);
	ts_one(sa->initiator ? tsr : tsi, &c->ts_remote, c->ts_remote_len, c->ts_proto);
}

static bool ts_covers(const struct ike_ts *t, const struct in6_addr *a)
{
	return t->type == IKE_TS_IPV6_ADDR_RANGE &&
	       (t->proto == 0 || t->proto == PMIP_IPPROTO_MH) && memcmp(t->start.b, a, 16) <= 0 &&
	       memcmp(a, t->end.b, 16) <= 0 && t->start_port == 0 && t->end_port == 65535;
}

/* The first selector of l covering a, or NULL. */
static const struct ike_ts *list_covers(const struct ike_ts_list *l, const struct in6_addr *a)
{
	for (unsigned i = 0; i < l->n; i++)
		if (ts_covers(&l->ts[i], a))
			return &l->ts[i];
	return NULL;
}

uint8_t ikev2_ts_proto_wanted(const struct ikev2_sa *sa, const struct ikev2_child *c)
{
	enum pmip_ts_protocol p = sa->peer != NULL ? sa->peer->ts_protocol : PMIP_TS_PROTO_AUTO;
	if (p == PMIP_TS_PROTO_AUTO)
		p = c->mode == PMIP_ESP_MODE_TUNNEL_UDP || sa->nat_local || sa->nat_remote ||
				    (sa->peer != NULL && sa->peer->mode == PMIP_ESP_MODE_TUNNEL_UDP)
			    ? PMIP_TS_PROTO_ANY
			    : PMIP_TS_PROTO_MH;
	return p == PMIP_TS_PROTO_MH ? PMIP_IPPROTO_MH : 0;
}

bool ikev2_child_narrow(struct ikev2_sa *sa, struct ikev2_child *c, const struct ike_ts_list *tsi,
			const struct ike_ts_list *tsr, bool answer)
{
	const struct ike_ts_list *mine = sa->initiator ? tsi : tsr;
	const struct ike_ts_list *theirs = sa->initiator ? tsr : tsi;
	/* Our side: our own address, always. */
	const struct ike_ts *m = list_covers(mine, &sa->local);
	if (m == NULL)
		return false;
	/* Their side: their address; behind a NAT (2.23) the inner address
	 * is theirs to say: the first address they name. */
	struct in6_addr peer = sa->remote;
	const struct ike_ts *t = list_covers(theirs, &peer);
	if (t == NULL) {
		if (!(sa->nat_remote || sa->nat_local) || theirs->n == 0 ||
		    theirs->ts[0].type != IKE_TS_IPV6_ADDR_RANGE ||
		    !ts_covers(&theirs->ts[0], (const struct in6_addr *)theirs->ts[0].start.b))
			return false;
		t = &theirs->ts[0];
		memcpy(&peer, t->start.b, 16);
	}
	/* The protocol (2.9): an answer is what we proposed or narrower; a
	 * proposal is narrowed to the Mobility Header if we want that. */
	uint8_t proto = m->proto != 0 ? m->proto : t->proto;
	if (answer) {
		if (m->proto != t->proto || (c->ts_proto != 0 && proto != c->ts_proto))
			return false;
	} else if (proto == 0) {
		proto = ikev2_ts_proto_wanted(sa, c);
	} else if (m->proto != t->proto && m->proto != 0 && t->proto != 0) {
		return false;
	}
	c->ts_local = sa->local;
	c->ts_remote = peer;
	c->ts_local_len = c->ts_remote_len = 128;
	c->ts_proto = proto;
	return true;
}

struct ikev2_child *ikev2_child_slot(struct ikev2_sa *sa)
{
	for (unsigned i = 0; i < IKEV2_CHILD_MAX; i++) {
		struct ikev2_child *c = &sa->children[i];
		if (!c->in_use) {
			memset(c, 0, sizeof(*c));
			c->sa = sa;
			evloop_timer_init(&c->rekey_timer, NULL, c);
			return c;
		}
	}
	return NULL;
}

struct ikev2_child *ikev2_child_by_spi_out(struct ikev2_sa *sa, uint32_t spi_out)
{
	for (unsigned i = 0; i < IKEV2_CHILD_MAX; i++)
		if (sa->children[i].in_use && sa->children[i].spi_out == spi_out)
			return &sa->children[i];
	return NULL;
}

struct ikev2_child *ikev2_child_by_spi_in(struct ikev2_sa *sa, uint32_t spi_in)
{
	for (unsigned i = 0; i < IKEV2_CHILD_MAX; i++)
		if (sa->children[i].in_use && sa->children[i].spi_in == spi_in)
			return &sa->children[i];
	return NULL;
}

int ikev2_nonce_cmp(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
	/* Nonces compare as octet strings, the shorter first on a tie. */
	int r = memcmp(a, b, al < bl ? al : bl);
	return r != 0 ? r : (al > bl) - (al < bl);
}

void ikev2_low_nonce(const struct ike_span *a, const struct ike_span *b, uint8_t *out,
		     size_t *out_len)
{
	const struct ike_span *low = ikev2_nonce_cmp(a->ptr, a->len, b->ptr, b->len) <= 0 ? a : b;
	memcpy(out, low->ptr, low->len);
	*out_len = low->len;
}

int ikev2_child_install_one(struct ikev2 *e, struct ikev2_sa *sa, struct ikev2_child *c,
			    const struct ike_span *ni, const struct ike_span *nr)
{
	struct ike_child_keys keys;
	c->sa = sa;
	if (ike_keys_child(&sa->keys, &c->suite, NULL, 0, ni, nr, &keys) != IKE_CRYPTO_OK)
		return -1;
	/* The keys are the exchange initiator's first (2.17): whoever
	 * started this exchange, which for a rekey may be either side. */
	bool exch_initiator = c->made_by_us;
	int rc = e->env.child_up != NULL ? e->env.child_up(e->env.ctx, sa, c, &keys, exch_initiator)
					 : 0;
	ike_child_keys_wipe(&keys);
	if (rc != 0)
		return -1;
	c->in_use = true;
	c->created_ns = ikev2_now_ns(e);
	ikev2_low_nonce(ni, nr, c->low_nonce, &c->low_nonce_len);
	e->stats.children++;
	pmip_info("CHILD_SA %s mode: in 0x%08x, out 0x%08x",
		  c->mode == PMIP_ESP_MODE_TRANSPORT ? "transport" : "tunnel-udp", c->spi_in,
		  c->spi_out);
	ikev2_rekey_arm_child(e, c);
	return 0;
}

int ikev2_child_install(struct ikev2 *e, struct ikev2_sa *sa)
{
	/* The first CHILD_SA, made by IKE_AUTH: keyed with the IKE SA's
	 * own nonces (2.17); the IKE initiator started that exchange. */
	struct ikev2_child *c = &sa->children[0];
	struct ike_span ni = { sa->ni, sa->ni_len }, nr = { sa->nr, sa->nr_len };
	c->made_by_us = sa->initiator;
	return ikev2_child_install_one(e, sa, c, &ni, &nr);
}

/* Held outbound SAs (a rekey we answered) go into use once no CHILD_SA
 * that is not held is left to send on: the old pair was deleted. */
static void release_held(struct ikev2 *e, struct ikev2_sa *sa)
{
	for (unsigned i = 0; i < IKEV2_CHILD_MAX; i++)
		if (sa->children[i].in_use && !sa->children[i].out_held)
			return;
	for (unsigned i = 0; i < IKEV2_CHILD_MAX; i++) {
		struct ikev2_child *c = &sa->children[i];
		if (!c->in_use || !c->out_held)
			continue;
		c->out_held = false;
		pmip_info("CHILD_SA out 0x%08x now carries traffic (the pair it replaced is gone)",
			  c->spi_out);
		if (e->env.child_out_release != NULL)
			e->env.child_out_release(e->env.ctx, sa, c);
	}
}

void ikev2_child_drop(struct ikev2 *e, struct ikev2_child *c, const char *why)
{
	if (!c->in_use)
		return;
	struct ikev2_sa *sa = c->sa;
	pmip_info("CHILD_SA in 0x%08x, out 0x%08x removed: %s", c->spi_in, c->spi_out, why);
	evloop_timer_stop(e->loop, &c->rekey_timer);
	if (e->env.child_down != NULL)
		e->env.child_down(e->env.ctx, c->sa, c);
	c->in_use = false;
	memset(c, 0, sizeof(*c));
	if (sa != NULL)
		release_held(e, sa);
}

void ikev2_child_stop_out(struct ikev2 *e, struct ikev2_child *c)
{
	if (!c->in_use || c->dp_out == 0)
		return;
	if (e->env.child_out_stop != NULL)
		e->env.child_out_stop(e->env.ctx, c->sa, c);
}

void ikev2_child_remove(struct ikev2 *e, struct ikev2_sa *sa)
{
	/* All go: none is released into use on the way. */
	for (unsigned i = 0; i < IKEV2_CHILD_MAX; i++)
		sa->children[i].out_held = false;
	for (unsigned i = 0; i < IKEV2_CHILD_MAX; i++)
		ikev2_child_drop(e, &sa->children[i], "its IKE SA went away");
}
