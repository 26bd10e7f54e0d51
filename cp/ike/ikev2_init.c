/* IKE_SA_INIT (RFC 7296 1.2): proposals, Diffie-Hellman, nonces, NAT
 * detection (2.23), the INVALID_KE_PAYLOAD retry (1.2), and the stateless
 * defences of a responder: half-open limits and cookies (2.6). */
#define LOG_MODULE "ike"
#include "ikev2.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "log.h"

#define NATD_LEN 20
#define COOKIE_LEN 33 /* version byte + SHA-256 */

void ikev2_natd_hash(uint64_t spi_i, uint64_t spi_r, const struct in6_addr *ip, uint16_t port,
		     uint8_t out[20])
{
	uint8_t buf[8 + 8 + 16 + 2];
	for (int i = 0; i < 8; i++) {
		buf[i] = (uint8_t)(spi_i >> (56 - 8 * i));
		buf[8 + i] = (uint8_t)(spi_r >> (56 - 8 * i));
	}
	memcpy(buf + 16, ip, 16);
	buf[32] = (uint8_t)(port >> 8);
	buf[33] = (uint8_t)port;
	unsigned n = 20;
	EVP_Digest(buf, sizeof(buf), out, &n, EVP_sha1(), NULL);
}

/* Cookie = <VersionIDofSecret> | Hash(Ni | IPi | SPIi | <secret>) (2.6). */
static void cookie_make(const struct ikev2 *e, const struct ike_span *ni, const struct in6_addr *ip,
			uint64_t spi_i, uint8_t version, uint8_t out[COOKIE_LEN])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	uint8_t spi[8];
	for (int i = 0; i < 8; i++)
		spi[i] = (uint8_t)(spi_i >> (56 - 8 * i));
	unsigned n = 32;
	out[0] = version;
	if (c == NULL || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(c, ni->ptr, ni->len) != 1 || EVP_DigestUpdate(c, ip, 16) != 1 ||
	    EVP_DigestUpdate(c, spi, 8) != 1 ||
	    EVP_DigestUpdate(c, e->cookie_secret, sizeof(e->cookie_secret)) != 1 ||
	    EVP_DigestFinal_ex(c, out + 1, &n) != 1)
		memset(out + 1, 0, 32); /* never matches a real one */
	EVP_MD_CTX_free(c);
}

/* Our IKE proposals from the ini, as an SA payload (3.3); spi: 0 in
 * IKE_SA_INIT, the new SA's SPI in an IKE rekey (3.3.1: 8 bytes). */
void ikev2_ike_offer(const struct ikev2 *e, struct ike_sa *out, uint64_t spi)
{
	memset(out, 0, sizeof(*out));
	const struct pmip_config_ike *c = &e->cfg->ike;
	for (unsigned p = 0; p < c->n_ike_props && p < IKE_SA_MAX_PROPOSALS; p++) {
		const struct pmip_ike_proposal *pp = &c->ike_props[p];
		struct ike_proposal *pr = &out->prop[out->n_prop++];
		pr->num = (uint8_t)(p + 1);
		pr->protocol = IKE_PROTO_IKE;
		pr->spi_size = spi != 0 ? 8 : 0;
		pr->spi = spi;
		pr->first_xf = (uint16_t)out->n_xf;
		out->xf[out->n_xf++] = (struct ike_transform){ .type = IKE_XF_ENCR, .id = pp->encr,
							       .key_len = pp->key_bits,
							       .has_key_len = true };
		out->xf[out->n_xf++] = (struct ike_transform){ .type = IKE_XF_PRF, .id = pp->prf };
		if (pp->integ)
			out->xf[out->n_xf++] = (struct ike_transform){ .type = IKE_XF_INTEG,
								       .id = pp->integ };
		out->xf[out->n_xf++] = (struct ike_transform){ .type = IKE_XF_DH, .id = pp->dh };
		pr->n_xf = (uint8_t)(out->n_xf - pr->first_xf);
	}
}

static bool xf_has(const struct ike_sa *sa, unsigned p, uint8_t type, uint16_t id, uint16_t bits)
{
	const struct ike_transform *x = ike_sa_xf(sa, p);
	for (unsigned i = 0; i < sa->prop[p].n_xf; i++) {
		if (x[i].type != type || x[i].id != id || x[i].unknown_attr)
			continue;
		if (type == IKE_XF_ENCR && (!x[i].has_key_len || x[i].key_len != bits))
			continue;
		return true;
	}
	return false;
}

static bool xf_type_present(const struct ike_sa *sa, unsigned p, uint8_t type)
{
	const struct ike_transform *x = ike_sa_xf(sa, p);
	for (unsigned i = 0; i < sa->prop[p].n_xf; i++)
		if (x[i].type == type)
			return true;
	return false;
}

/* The first of our proposals (our preference) the peer's proposal p
 * contains whole: every transform type we use offered with our value, and
 * no integrity offered alongside GCM if we use none. */
static bool proposal_fits(const struct pmip_ike_proposal *ours, const struct ike_sa *sa, unsigned p)
{
	if (sa->prop[p].protocol != IKE_PROTO_IKE)
		return false;
	return xf_has(sa, p, IKE_XF_ENCR, ours->encr, ours->key_bits) &&
	       xf_has(sa, p, IKE_XF_PRF, ours->prf, 0) && xf_has(sa, p, IKE_XF_DH, ours->dh, 0) &&
	       (ours->integ ? xf_has(sa, p, IKE_XF_INTEG, ours->integ, 0)
			    : (!xf_type_present(sa, p, IKE_XF_INTEG) ||
			       xf_has(sa, p, IKE_XF_INTEG, IKE_INTEG_NONE, 0)));
}

static void suite_of(const struct pmip_ike_proposal *p, struct ike_suite *s)
{
	*s = (struct ike_suite){ .encr = p->encr, .encr_bits = p->key_bits, .integ = p->integ,
				 .prf = p->prf, .dh = p->dh };
}

/* Our preference order, the first the peer offers whole (2.7). */
bool ikev2_ike_choose(const struct ikev2 *e, const struct ike_sa *peer, struct ike_suite *suite,
		      uint8_t *peer_prop_num)
{
	const struct pmip_config_ike *c = &e->cfg->ike;
	for (unsigned o = 0; o < c->n_ike_props; o++)
		for (unsigned p = 0; p < peer->n_prop; p++)
			if (proposal_fits(&c->ike_props[o], peer, p)) {
				suite_of(&c->ike_props[o], suite);
				*peer_prop_num = peer->prop[p].num;
				return true;
			}
	return false;
}

/* The responder's answer: one proposal, one of ours exactly, with the
 * group we sent a KE for (3.3.6). */
bool ikev2_ike_accept(const struct ikev2 *e, const struct ike_sa *answer, uint16_t dh_group,
		      struct ike_suite *suite)
{
	const struct pmip_config_ike *c = &e->cfg->ike;
	if (answer->n_prop != 1 || answer->prop[0].n_xf > 4)
		return false;
	for (unsigned p = 0; p < c->n_ike_props; p++)
		if (c->ike_props[p].dh == dh_group && proposal_fits(&c->ike_props[p], answer, 0)) {
			suite_of(&c->ike_props[p], suite);
			return true;
		}
	return false;
}

/* A one-proposal SA payload naming exactly suite s (the answer, 3.3). */
void ikev2_ike_answer(const struct ike_suite *s, uint8_t num, uint64_t spi, struct ike_sa *out)
{
	memset(out, 0, sizeof(*out));
	out->n_prop = 1;
	out->prop[0] = (struct ike_proposal){ .num = num, .protocol = IKE_PROTO_IKE,
					      .spi_size = spi != 0 ? 8 : 0, .spi = spi };
	out->xf[out->n_xf++] = (struct ike_transform){ .type = IKE_XF_ENCR, .id = s->encr,
						       .key_len = s->encr_bits, .has_key_len = true };
	out->xf[out->n_xf++] = (struct ike_transform){ .type = IKE_XF_PRF, .id = s->prf };
	if (s->integ)
		out->xf[out->n_xf++] = (struct ike_transform){ .type = IKE_XF_INTEG, .id = s->integ };
	out->xf[out->n_xf++] = (struct ike_transform){ .type = IKE_XF_DH, .id = s->dh };
	out->prop[0].n_xf = (uint8_t)out->n_xf;
}

static bool natd_listed(const struct ike_payloads *pl, uint16_t type, const uint8_t want[20])
{
	for (unsigned i = 0; i < pl->n_notify; i++)
		if (pl->notify[i].type == type && pl->notify[i].data.len == NATD_LEN &&
		    memcmp(pl->notify[i].data.ptr, want, NATD_LEN) == 0)
			return true;
	return false;
}

static bool natd_present(const struct ike_payloads *pl)
{
	return ike_payloads_notify(pl, IKE_N_NAT_DETECTION_SOURCE_IP) != NULL;
}

static bool cert_auth(const struct ikev2_sa *sa)
{
	return sa->peer != NULL && sa->peer->auth == PMIP_IKE_AUTH_CERT;
}

/* NAT_DETECTION_SOURCE_IP / _DESTINATION_IP (2.23) as we send them: the
 * hashes of our address and port and of the peer's, as we see them. */
static void add_natd(struct ike_builder *b, uint64_t spi_i, uint64_t spi_r,
		     const struct in6_addr *ours, uint16_t our_port, const struct in6_addr *theirs,
		     uint16_t their_port)
{
	uint8_t h_src[NATD_LEN], h_dst[NATD_LEN];
	ikev2_natd_hash(spi_i, spi_r, ours, our_port, h_src);
	ikev2_natd_hash(spi_i, spi_r, theirs, their_port, h_dst);
	struct ike_notify ns = { .type = IKE_N_NAT_DETECTION_SOURCE_IP, .data = { h_src, NATD_LEN } };
	struct ike_notify nd = { .type = IKE_N_NAT_DETECTION_DESTINATION_IP,
				 .data = { h_dst, NATD_LEN } };
	ike_build_notify(b, &ns);
	ike_build_notify(b, &nd);
}

/* SIGNATURE_HASH_ALGORITHMS (RFC 7427 4) when certificates are used. */
static void add_sig_hashes(struct ike_builder *b)
{
	uint8_t hashes[8];
	size_t hl = ike_sig_hash_notify_data(hashes, sizeof(hashes));
	struct ike_notify sh = { .type = IKE_N_SIGNATURE_HASH_ALGORITHMS, .data = { hashes, hl } };
	ike_build_notify(b, &sh);
}

/* An unprotected answer that keeps no state (2.6, 1.2): one Notify. */
static void stateless_notify(struct ikev2 *e, const struct ike_hdr *req, const struct in6_addr *src,
			     uint16_t sport, const struct in6_addr *dst, uint16_t dport, uint16_t type,
			     const uint8_t *data, size_t data_len)
{
	uint8_t out[256];
	struct ike_builder b;
	ike_build_msg_init(&b, out, sizeof(out));
	struct ike_notify n = { .type = type, .data = { data, data_len } };
	ike_build_notify(&b, &n);
	struct ike_hdr h = { .ispi = req->ispi, .rspi = 0, .exchange = IKE_EXCH_IKE_SA_INIT,
			     .flags = IKE_FLAG_R, .msg_id = 0 };
	size_t len = ike_build_msg_finish(&b, &h);
	if (len) {
		e->stats.tx++;
		e->env.send(e->env.ctx, dst, dport, src, sport, out, len);
	}
}

/* ------------------------------------------------------------- initiator -- */

int ikev2_init_start(struct ikev2 *e, struct ikev2_sa *sa)
{
	if (sa->dh_group == 0)
		sa->dh_group = e->cfg->ike.ike_props[0].dh;
	/* A retry after COOKIE keeps every other payload unchanged (2.6: the
	 * cookie covers Ni); after INVALID_KE_PAYLOAD only the KE changes. */
	if (sa->dh == NULL || ike_dh_group(sa->dh) != sa->dh_group) {
		ike_dh_free(sa->dh);
		sa->dh = NULL;
		if (ike_dh_new(sa->dh_group, &sa->dh) != IKE_CRYPTO_OK)
			return -1;
	}
	if (sa->ni_len == 0) {
		sa->ni_len = IKEV2_NONCE_LEN;
		if (RAND_bytes(sa->ni, (int)sa->ni_len) != 1)
			return -1;
	}
	uint8_t msg[IKEV2_MSG_MAX];
	struct ike_builder b;
	ike_build_msg_init(&b, msg, sizeof(msg));
	if (sa->cookie_len) {
		/* The COOKIE goes first (2.6). */
		struct ike_notify ck = { .type = IKE_N_COOKIE, .data = { sa->cookie, sa->cookie_len } };
		ike_build_notify(&b, &ck);
	}
	static struct ike_sa offer;
	ikev2_ike_offer(e, &offer, 0);
	ike_build_sa(&b, &offer);
	size_t pub_len;
	const uint8_t *pub = ike_dh_public(sa->dh, &pub_len);
	ike_build_ke(&b, sa->dh_group, pub, pub_len);
	ike_build_nonce(&b, sa->ni, sa->ni_len);
	add_natd(&b, sa->spi_i, 0, &sa->local, sa->local_port, &sa->remote, sa->remote_port);
	if (cert_auth(sa))
		add_sig_hashes(&b);
	struct ike_hdr h = { .ispi = sa->spi_i, .exchange = IKE_EXCH_IKE_SA_INIT,
			     .flags = IKE_FLAG_I, .msg_id = 0 };
	size_t len = ike_build_msg_finish(&b, &h);
	if (len == 0)
		return -1;
	/* AUTH covers this message as sent (2.15). */
	free(sa->init_i);
	sa->init_i = malloc(len);
	if (sa->init_i == NULL)
		return -1;
	memcpy(sa->init_i, msg, len);
	sa->init_i_len = len;
	sa->state = IKEV2_INIT_SENT;
	sa->next_req_id = 1;
	return ikev2_send_request(e, sa, msg, len, 0, IKE_EXCH_IKE_SA_INIT);
}

static bool group_offered(const struct ikev2 *e, uint16_t group)
{
	for (unsigned p = 0; p < e->cfg->ike.n_ike_props; p++)
		if (e->cfg->ike.ike_props[p].dh == group)
			return true;
	return false;
}

void ikev2_init_response(struct ikev2 *e, struct ikev2_sa *sa, const struct ike_msg *m,
			 const uint8_t *raw, size_t len)
{
	const struct ike_payloads *pl = &m->pl;
	const struct ike_notify *n;
	if ((n = ike_payloads_notify(pl, IKE_N_COOKIE)) != NULL) {
		/* 2.6: send the request again with the cookie first. */
		if (n->data.len > sizeof(sa->cookie) || sa->cookie_len != 0) {
			ikev2_sa_free(e, sa, "second cookie challenge");
			return;
		}
		memcpy(sa->cookie, n->data.ptr, n->data.len);
		sa->cookie_len = n->data.len;
		if (ikev2_init_start(e, sa) != 0)
			ikev2_sa_free(e, sa, "IKE_SA_INIT with cookie could not be built");
		return;
	}
	if ((n = ike_payloads_notify(pl, IKE_N_INVALID_KE_PAYLOAD)) != NULL) {
		/* 1.2: retry with the group the responder wants, if ours. */
		uint16_t g = n->data.len == 2 ? (uint16_t)(n->data.ptr[0] << 8 | n->data.ptr[1]) : 0;
		e->stats.invalid_ke++;
		if (g == sa->dh_group || !group_offered(e, g)) {
			pmip_warn("peer wants DH group %u, which we do not offer", g);
			ikev2_sa_free(e, sa, "no common Diffie-Hellman group");
			return;
		}
		pmip_info("peer wants DH group %u: retrying IKE_SA_INIT", g);
		sa->dh_group = g;
		if (ikev2_init_start(e, sa) != 0)
			ikev2_sa_free(e, sa, "IKE_SA_INIT retry could not be built");
		return;
	}
	for (unsigned i = 0; i < pl->n_notify; i++) {
		if (ike_notify_is_error(pl->notify[i].type)) {
			const char *name = ike_notify_name(pl->notify[i].type);
			if (pl->notify[i].type == IKE_N_NO_PROPOSAL_CHOSEN)
				e->stats.no_proposal++;
			pmip_warn("IKE_SA_INIT refused by the peer: %s (%u)", name ? name : "?",
				  pl->notify[i].type);
			ikev2_sa_free(e, sa, "IKE_SA_INIT refused");
			return;
		}
	}
	if (pl->n_sa != 1 || pl->n_ke != 1 || pl->n_nonce != 1 || m->hdr.rspi == 0 ||
	    pl->sa.n_prop != 1) {
		e->stats.rx_unexpected++;
		pmip_info("IKE_SA_INIT response without one SA proposal, KE, nonce and SPIr: dropped");
		return;
	}
	/* The answer must be one of our offers, exactly (3.3.6). */
	if (!ikev2_ike_accept(e, &pl->sa, sa->dh_group, &sa->suite) || pl->ke.group != sa->dh_group) {
		e->stats.no_proposal++;
		ikev2_sa_free(e, sa, "the responder chose something we did not offer");
		return;
	}
	sa->spi_r = m->hdr.rspi;
	sa->nr_len = pl->nonce.len;
	memcpy(sa->nr, pl->nonce.ptr, pl->nonce.len);
	uint8_t g_ir[IKE_DH_MAX];
	size_t g_len;
	enum ike_crypto_err ce = ike_dh_compute(sa->dh, pl->ke.data.ptr, pl->ke.data.len, g_ir,
						sizeof(g_ir), &g_len);
	struct ike_span ni = { sa->ni, sa->ni_len }, nr = { sa->nr, sa->nr_len };
	if (ce == IKE_CRYPTO_OK)
		ce = ike_keys_sa_init(&sa->suite, g_ir, g_len, &ni, &nr, sa->spi_i, sa->spi_r, &sa->keys);
	OPENSSL_cleanse(g_ir, sizeof(g_ir));
	if (ce != IKE_CRYPTO_OK) {
		pmip_warn("IKE_SA_INIT: %s", ike_crypto_err_str(ce));
		ikev2_sa_free(e, sa, "key exchange failed");
		return;
	}
	sa->keys_set = true;
	/* NAT detection (2.23): the peer hashed what it saw. */
	if (natd_present(pl)) {
		uint8_t h[NATD_LEN];
		ikev2_natd_hash(sa->spi_i, sa->spi_r, &sa->local, sa->local_port, h);
		sa->nat_local = !natd_listed(pl, IKE_N_NAT_DETECTION_DESTINATION_IP, h);
		ikev2_natd_hash(sa->spi_i, sa->spi_r, &sa->remote, sa->remote_port, h);
		sa->nat_remote = !natd_listed(pl, IKE_N_NAT_DETECTION_SOURCE_IP, h);
		if (sa->nat_local || sa->nat_remote) {
			/* Float to 4500 for everything that follows. */
			sa->local_port = sa->remote_port = IKEV2_NATT_PORT;
			pmip_info("NAT detected (%s): IKE and ESP move to UDP 4500",
				  sa->nat_local ? "in front of us" : "in front of the peer");
		}
	}
	free(sa->init_r);
	sa->init_r = malloc(len);
	if (sa->init_r == NULL) {
		ikev2_sa_free(e, sa, "out of memory");
		return;
	}
	memcpy(sa->init_r, raw, len);
	sa->init_r_len = len;
	evloop_timer_stop(e->loop, &sa->rtx_timer);
	free(sa->req);
	sa->req = NULL;
	if (ikev2_auth_start(e, sa) != 0)
		ikev2_sa_free(e, sa, "IKE_AUTH could not be built");
}

/* ------------------------------------------------------------- responder -- */


void ikev2_init_request(struct ikev2 *e, const struct ike_msg *m, const uint8_t *raw, size_t len,
			const struct in6_addr *src, uint16_t sport, const struct in6_addr *dst,
			uint16_t dport)
{
	const struct ike_payloads *pl = &m->pl;
	if (m->hdr.msg_id != 0 || m->hdr.rspi != 0 || !(m->hdr.flags & IKE_FLAG_I)) {
		e->stats.rx_unexpected++;
		pmip_info("IKE_SA_INIT request with message ID %u, SPIr %016lx: dropped",
			  m->hdr.msg_id, m->hdr.rspi);
		return;
	}
	/* A retransmission of a request we answered: the same answer. */
	struct ikev2_sa *old = ikev2_sa_by_spi(e, m->hdr.ispi, 0, src);
	if (old != NULL) {
		if (old->have_resp && old->resp_id == 0) {
			e->stats.rx_retransmit++;
			e->stats.tx++;
			e->env.send(e->env.ctx, &old->local, old->local_port, &old->remote,
				    old->remote_port, old->resp, old->resp_len);
		}
		return;
	}
	char a[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, src, a, sizeof(a));
	const struct pmip_config_peer *peer = pmip_config_peer_by_addr(e->cfg, src);
	if (peer == NULL) {
		e->stats.unknown_peer++;
		pmip_info("IKE_SA_INIT from %s, which is no [ike.peer]: dropped", a);
		return;
	}
	if (pl->n_sa != 1 || pl->n_ke != 1 || pl->n_nonce != 1) {
		e->stats.rx_unexpected++;
		pmip_info("IKE_SA_INIT from %s without SA, KE and nonce: dropped", a);
		return;
	}
	if (e->half_open >= e->cfg->ike.half_open_max) {
		e->stats.half_open_refused++;
		pmip_warn("IKE_SA_INIT from %s refused: %u half-open SAs (half_open_max)", a,
			  e->half_open);
		return;
	}
	if (e->half_open >= e->cfg->ike.cookie_threshold) {
		/* 2.6: under load, only initiators that can receive at their
		 * address get state: prove it with a cookie first. */
		uint8_t want[COOKIE_LEN];
		cookie_make(e, &pl->nonce, src, m->hdr.ispi, e->cookie_version, want);
		const struct ike_notify *ck = ike_payloads_notify(pl, IKE_N_COOKIE);
		if (ck == NULL) {
			e->stats.cookies_sent++;
			stateless_notify(e, &m->hdr, src, sport, dst, dport, IKE_N_COOKIE, want,
					 sizeof(want));
			return;
		}
		if (ck->data.len != COOKIE_LEN || CRYPTO_memcmp(ck->data.ptr, want, COOKIE_LEN) != 0) {
			e->stats.cookies_bad++;
			pmip_info("IKE_SA_INIT from %s with a wrong cookie: dropped", a);
			return;
		}
	}
	if (e->peer_sas[peer - e->cfg->ike.peers] >= e->cfg->ike.sas_per_peer_max) {
		e->stats.sas_per_peer_refused++;
		pmip_warn("IKE_SA_INIT from %s refused: it has %u IKE SAs (sas_per_peer_max)", a,
			  e->cfg->ike.sas_per_peer_max);
		return;
	}
	const struct pmip_config_ike *c = &e->cfg->ike;
	struct ike_suite suite;
	uint8_t peer_num;
	if (!ikev2_ike_choose(e, &pl->sa, &suite, &peer_num)) {
		e->stats.no_proposal++;
		pmip_warn("IKE_SA_INIT from %s: no proposal in common (ours: %s)", a, c->proposals);
		stateless_notify(e, &m->hdr, src, sport, dst, dport, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return;
	}
	uint16_t group = suite.dh;
	if (pl->ke.group != group) {
		/* 1.2: tell the initiator which group to use. */
		e->stats.invalid_ke++;
		uint8_t g[2] = { (uint8_t)(group >> 8), (uint8_t)group };
		stateless_notify(e, &m->hdr, src, sport, dst, dport, IKE_N_INVALID_KE_PAYLOAD, g, 2);
		return;
	}
	/* Our half and the shared secret before any state: computing it
	 * validates the peer's KE value (RFC 6989), once. */
	struct ike_dh *dh = NULL;
	uint8_t g_ir[IKE_DH_MAX];
	size_t g_len = 0;
	enum ike_crypto_err ce = ike_dh_new(group, &dh);
	if (ce == IKE_CRYPTO_OK)
		ce = ike_dh_compute(dh, pl->ke.data.ptr, pl->ke.data.len, g_ir, sizeof(g_ir), &g_len);
	if (ce != IKE_CRYPTO_OK) {
		ike_dh_free(dh);
		OPENSSL_cleanse(g_ir, sizeof(g_ir));
		e->stats.rx_malformed++;
		pmip_info("IKE_SA_INIT from %s: KE value for group %u: %s: dropped", a, group,
			  ike_crypto_err_str(ce));
		return;
	}
	struct ikev2_sa *sa = ikev2_sa_new(e, false, peer, src, sport);
	if (sa == NULL) {
		ike_dh_free(dh);
		OPENSSL_cleanse(g_ir, sizeof(g_ir));
		e->stats.half_open_refused++;
		pmip_warn("IKE_SA_INIT from %s refused: IKE SA table full", a);
		return;
	}
	sa->dh = dh;
	sa->spi_i = m->hdr.ispi;
	sa->local = *dst;
	sa->local_port = dport;
	ikev2_sa_index(e, sa);
	sa->suite = suite;
	sa->dh_group = group;
	sa->ni_len = pl->nonce.len;
	memcpy(sa->ni, pl->nonce.ptr, pl->nonce.len);
	sa->nr_len = IKEV2_NONCE_LEN;
	if (RAND_bytes(sa->nr, (int)sa->nr_len) != 1)
		ce = IKE_CRYPTO_OPENSSL;
	struct ike_span ni = { sa->ni, sa->ni_len }, nr = { sa->nr, sa->nr_len };
	if (ce == IKE_CRYPTO_OK)
		ce = ike_keys_sa_init(&sa->suite, g_ir, g_len, &ni, &nr, sa->spi_i, sa->spi_r, &sa->keys);
	OPENSSL_cleanse(g_ir, sizeof(g_ir));
	if (ce != IKE_CRYPTO_OK) {
		pmip_warn("IKE_SA_INIT from %s: %s", a, ike_crypto_err_str(ce));
		ikev2_sa_free(e, sa, "key exchange failed");
		return;
	}
	sa->keys_set = true;
	if (natd_present(pl)) {
		uint8_t h[NATD_LEN];
		ikev2_natd_hash(sa->spi_i, 0, src, sport, h);
		sa->nat_remote = !natd_listed(pl, IKE_N_NAT_DETECTION_SOURCE_IP, h);
		ikev2_natd_hash(sa->spi_i, 0, dst, dport, h);
		sa->nat_local = !natd_listed(pl, IKE_N_NAT_DETECTION_DESTINATION_IP, h);
	}
	/* The answer. */
	uint8_t msg[IKEV2_MSG_MAX];
	struct ike_builder b;
	ike_build_msg_init(&b, msg, sizeof(msg));
	static struct ike_sa ans;
	ikev2_ike_answer(&sa->suite, (uint8_t)peer_num, 0, &ans);
	ike_build_sa(&b, &ans);
	size_t pub_len;
	const uint8_t *pub = ike_dh_public(sa->dh, &pub_len);
	ike_build_ke(&b, group, pub, pub_len);
	ike_build_nonce(&b, sa->nr, sa->nr_len);
	add_natd(&b, sa->spi_i, sa->spi_r, dst, dport, src, sport);
	if (cert_auth(sa)) {
		/* 1.2: the responder's CERTREQ goes in its IKE_SA_INIT answer. */
		ikev2_certreq_build(e, sa, &b);
		add_sig_hashes(&b);
	}
	struct ike_hdr h = { .ispi = sa->spi_i, .rspi = sa->spi_r, .exchange = IKE_EXCH_IKE_SA_INIT,
			     .flags = IKE_FLAG_R, .msg_id = 0 };
	size_t out_len = ike_build_msg_finish(&b, &h);
	sa->init_i = malloc(len);
	sa->init_r = malloc(out_len ? out_len : 1);
	if (out_len == 0 || sa->init_i == NULL || sa->init_r == NULL) {
		ikev2_sa_free(e, sa, "IKE_SA_INIT response could not be built");
		return;
	}
	memcpy(sa->init_i, raw, len);
	sa->init_i_len = len;
	memcpy(sa->init_r, msg, out_len);
	sa->init_r_len = out_len;
	sa->state = IKEV2_INIT_DONE;
	sa->peer_next_id = 1;
	e->half_open++;
	/* A half-open SA lives as long as its initiator may retransmit. */
	evloop_timer_start(e->loop, &sa->rtx_timer, ikev2_patience_ms(e));
	ikev2_send_response(e, sa, msg, out_len, 0);
}
