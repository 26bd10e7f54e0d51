/* IKE_AUTH (RFC 7296 1.2, 2.15): identities, authentication by pre-shared
 * key (seed 4.3 Figure 1) or by signature with certificates (RFC 7427),
 * the configuration payload that assigns the home address (seed 4.4.2,
 * 4.4.3), and the first CHILD_SA. Either side that fails authentication
 * keeps no state (2.21.2). */
#define LOG_MODULE "ike"
#include "ikev2.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "log.h"

#define CHAIN_MAX 3072

/* Our identity or the one we expect: from the ini, else the address. */
struct id_spec {
	uint8_t type;
	uint8_t data[128];
	size_t len;
};

static void id_from_config(const char *s, const struct in6_addr *addr, struct id_spec *out)
{
	struct in6_addr a;
	if (s == NULL || s[0] == '\0') {
		out->type = IKE_ID_IPV6_ADDR;
		memcpy(out->data, addr, 16);
		out->len = 16;
	} else if (inet_pton(AF_INET6, s, &a) == 1) {
		out->type = IKE_ID_IPV6_ADDR;
		memcpy(out->data, &a, 16);
		out->len = 16;
	} else {
		out->type = strchr(s, '@') != NULL ? IKE_ID_RFC822_ADDR : IKE_ID_FQDN;
		out->len = strlen(s) < sizeof(out->data) ? strlen(s) : sizeof(out->data);
		memcpy(out->data, s, out->len);
	}
}

/* The ID payload body AUTH covers (2.15): type, 3 reserved bytes, data. */
static size_t id_body(const struct id_spec *id, uint8_t *out)
{
	out[0] = id->type;
	out[1] = out[2] = out[3] = 0;
	memcpy(out + 4, id->data, id->len);
	return 4 + id->len;
}

static bool id_matches(const struct ike_id *got, const struct id_spec *want)
{
	return got->type == want->type && got->data.len == want->len &&
	       memcmp(got->data.ptr, want->data, want->len) == 0;
}

static const struct ikev2_creds *creds_of(struct ikev2 *e, const struct pmip_config_peer *peer)
{
	unsigned i = (unsigned)(peer - e->cfg->ike.peers);
	struct ikev2_creds *c = &e->creds[i];
	if (c->loaded)
		return c;
	c->loaded = true;
	if (ike_key_load_pem(peer->key, &c->key) != IKE_CRYPTO_OK ||
	    ike_cert_load_pem(peer->cert, &c->cert) != IKE_CRYPTO_OK ||
	    ike_cert_load_pem(peer->ca, &c->ca_cert) != IKE_CRYPTO_OK ||
	    ike_ca_load(peer->ca, &c->ca) != IKE_CRYPTO_OK)
		pmip_err("[ike.peer.%s]: cannot load cert %s, key %s or ca %s", peer->name, peer->cert,
			 peer->key, peer->ca);
	return c;
}

static size_t psk_bytes(const struct pmip_config_peer *peer, uint8_t *out, size_t cap)
{
	const char *s = peer->psk;
	if (strncmp(s, "0x", 2) != 0) {
		size_t n = strlen(s) < cap ? strlen(s) : cap;
		memcpy(out, s, n);
		return n;
	}
	size_t n = 0;
	for (s += 2; s[0] && s[1] && n < cap; s += 2) {
		unsigned v;
		sscanf(s, "%2x", &v);
		out[n++] = (uint8_t)v;
	}
	return n;
}

/* AUTH for our side (2.15): over our IKE_SA_INIT message, the peer's
 * nonce and prf(SK_p, our ID body). */
static bool auth_build(struct ikev2 *e, struct ikev2_sa *sa, const uint8_t *idb, size_t idb_len,
		       struct ike_builder *b)
{
	const uint8_t *msg = sa->initiator ? sa->init_i : sa->init_r;
	size_t msg_len = sa->initiator ? sa->init_i_len : sa->init_r_len;
	struct ike_span nonce = sa->initiator ? (struct ike_span){ sa->nr, sa->nr_len }
					      : (struct ike_span){ sa->ni, sa->ni_len };
	struct ike_span body = { idb, idb_len };
	size_t cap = ike_auth_octets_len(&sa->keys, msg_len, nonce.len);
	uint8_t *oct = malloc(cap);
	size_t oct_len;
	bool ok = oct != NULL && ike_auth_octets(&sa->keys, sa->initiator, msg, msg_len, &nonce,
						  &body, oct, cap, &oct_len) == IKE_CRYPTO_OK;
	uint8_t data[1024];
	size_t dlen = 0;
	struct ike_auth auth = { 0 };
	if (ok && sa->peer->auth == PMIP_IKE_AUTH_PSK) {
		uint8_t psk[256];
		size_t pl = psk_bytes(sa->peer, psk, sizeof(psk));
		ok = ike_auth_psk(sa->suite.prf, psk, pl, oct, oct_len, data, sizeof(data), &dlen) ==
		     IKE_CRYPTO_OK;
		OPENSSL_cleanse(psk, sizeof(psk));
		auth.method = IKE_AUTH_PSK;
		auth.data = (struct ike_span){ data, dlen };
	} else if (ok) {
		const struct ikev2_creds *c = creds_of(e, sa->peer);
		enum ike_sig_alg alg = c->key ? ike_sig_alg_for_key(c->key, false) : 0;
		ok = c->key != NULL &&
		     ike_auth_sign(c->key, alg, oct, oct_len, data, sizeof(data), &dlen) == IKE_CRYPTO_OK;
		auth.method = IKE_AUTH_DIGITAL_SIG;
		auth.sig_alg = ike_sig_alg_der(alg);
		auth.sig = (struct ike_span){ data, dlen };
	}
	if (oct != NULL)
		OPENSSL_cleanse(oct, cap);
	free(oct);
	return ok && ike_build_auth(b, &auth) != 0;
}

/* Verify the peer's AUTH (and certificate). NULL if good, else the rule. */
static const char *auth_check(struct ikev2 *e, struct ikev2_sa *sa, const struct ike_payloads *pl,
			      const struct ike_id *peer_id)
{
	const uint8_t *msg = sa->initiator ? sa->init_r : sa->init_i;
	size_t msg_len = sa->initiator ? sa->init_r_len : sa->init_i_len;
	struct ike_span nonce = sa->initiator ? (struct ike_span){ sa->ni, sa->ni_len }
					      : (struct ike_span){ sa->nr, sa->nr_len };
	size_t cap = ike_auth_octets_len(&sa->keys, msg_len, nonce.len);
	uint8_t *oct = malloc(cap);
	size_t oct_len;
	const char *why = NULL;
	if (oct == NULL || ike_auth_octets(&sa->keys, !sa->initiator, msg, msg_len, &nonce,
					   &peer_id->body, oct, cap, &oct_len) != IKE_CRYPTO_OK) {
		why = "cannot compute the AUTH octets";
	} else if (sa->peer->auth == PMIP_IKE_AUTH_PSK) {
		uint8_t psk[256];
		size_t l = psk_bytes(sa->peer, psk, sizeof(psk));
		if (pl->auth.method != IKE_AUTH_PSK)
			why = "peer did not use the shared key method (2)";
		else if (ike_auth_psk_verify(sa->suite.prf, psk, l, oct, oct_len, pl->auth.data.ptr,
					     pl->auth.data.len) != IKE_CRYPTO_OK)
			why = "shared key AUTH does not verify (wrong key?)";
		OPENSSL_cleanse(psk, sizeof(psk));
	} else {
		const struct ikev2_creds *c = creds_of(e, sa->peer);
		X509 *cert = NULL;
		int x509_err = 0;
		if (pl->auth.method != IKE_AUTH_DIGITAL_SIG)
			why = "peer did not use the digital signature method (14)";
		else if (pl->n_cert == 0 || ike_cert_from_der(pl->cert[0].data.ptr, pl->cert[0].data.len,
							     &cert) != IKE_CRYPTO_OK)
			why = "no usable CERT payload";
		else if (c->ca == NULL || ike_cert_verify(c->ca, cert, NULL, 0, &x509_err) != IKE_CRYPTO_OK)
			why = "certificate does not verify against the configured CA";
		else if (ike_cert_match_id(cert, peer_id) != IKE_CRYPTO_OK)
			why = "identity not in the certificate";
		else if (ike_auth_verify(cert, &pl->auth, oct, oct_len) != IKE_CRYPTO_OK)
			why = "signature does not verify";
		X509_free(cert);
	}
	if (oct != NULL)
		OPENSSL_cleanse(oct, cap);
	free(oct);
	return why;
}

static void add_cert_payloads(struct ikev2 *e, struct ikev2_sa *sa, struct ike_builder *b,
			      bool certreq)
{
	if (sa->peer->auth != PMIP_IKE_AUTH_CERT)
		return;
	const struct ikev2_creds *c = creds_of(e, sa->peer);
	uint8_t *der = NULL;
	size_t der_len;
	if (c->cert != NULL && ike_cert_to_der(c->cert, &der, &der_len) == IKE_CRYPTO_OK) {
		struct ike_cert ct = { .encoding = IKE_CERT_X509_SIG, .data = { der, der_len } };
		ike_build_cert(b, &ct);
	}
	OPENSSL_free(der);
	if (certreq)
		ikev2_certreq_build(e, sa, b);
}

void ikev2_certreq_build(struct ikev2 *e, struct ikev2_sa *sa, struct ike_builder *b)
{
	/* 3.7: the SHA-1 of our CA's public key; peers such as strongSwan
	 * send their certificate only when asked. */
	if (sa->peer == NULL || sa->peer->auth != PMIP_IKE_AUTH_CERT)
		return;
	const struct ikev2_creds *c = creds_of(e, sa->peer);
	uint8_t h[IKE_CERTREQ_HASH_LEN];
	if (c->ca_cert != NULL && ike_cert_spki_sha1(c->ca_cert, h) == IKE_CRYPTO_OK) {
		struct ike_certreq cr = { .encoding = IKE_CERT_X509_SIG, .data = { h, sizeof(h) } };
		ike_build_certreq(b, &cr);
	}
}

static void add_id(struct ike_builder *b, uint8_t pld, const struct id_spec *id)
{
	struct ike_id p = { .type = id->type, .data = { id->data, id->len } };
	ike_build_id(b, pld, &p);
}

/* IDi or IDr (pld), our certificate (and CERTREQ) and AUTH (2.15). */
static bool add_id_auth(struct ikev2 *e, struct ikev2_sa *sa, struct ike_builder *b, uint8_t pld,
			bool certreq)
{
	struct id_spec me;
	id_from_config(e->cfg->ike.local_id, &sa->local, &me);
	uint8_t idb[4 + 128];
	size_t idb_len = id_body(&me, idb);
	add_id(b, pld, &me);
	add_cert_payloads(e, sa, b, certreq);
	return auth_build(e, sa, idb, idb_len, b);
}

/* ------------------------------------------------------------- initiator -- */

int ikev2_auth_start(struct ikev2 *e, struct ikev2_sa *sa)
{
	static uint8_t inner[CHAIN_MAX];
	struct ike_builder b;
	ike_build_chain_init(&b, inner, sizeof(inner));
	if (!add_id_auth(e, sa, &b, IKE_PLD_IDI, true))
		return -1;
	if (sa->cp_request) {
		/* Seed 4.4.2: empty asks for one; an address proposes it. */
		struct ike_cp cp = { .cfg_type = IKE_CFG_REQUEST, .n = 1 };
		cp.attr[0].type = IKE_CP_INTERNAL_IP6_ADDRESS;
		if (!IN6_IS_ADDR_UNSPECIFIED(&sa->want_addr)) {
			memcpy(cp.attr[0].addr.b, &sa->want_addr, 16);
			cp.attr[0].prefix_len = 64;
			cp.attr[0].from_addr = true;
		}
		ike_build_cp(&b, &cp);
	}
	struct ikev2_child *c = &sa->children[0];
	memset(c, 0, sizeof(*c));
	c->sa = sa;
	static struct ike_sa offer;
	ikev2_child_offer(e, c, &offer);
	ike_build_sa(&b, &offer);
	static struct ike_ts_list tsi, tsr;
	ikev2_child_ts(sa, c, &tsi, &tsr);
	ike_build_ts(&b, IKE_PLD_TSI, &tsi);
	ike_build_ts(&b, IKE_PLD_TSR, &tsr);
	bool transport = sa->peer->mode == PMIP_ESP_MODE_TRANSPORT && !sa->nat_local && !sa->nat_remote;
	if (transport) {
		struct ike_notify tm = { .type = IKE_N_USE_TRANSPORT_MODE };
		ike_build_notify(&b, &tm);
	}
	uint8_t first;
	size_t inner_len;
	if (!ike_build_chain_finish(&b, &first, &inner_len))
		return -1;
	uint8_t msg[IKEV2_MSG_MAX];
	size_t len = ikev2_build_sk(sa, IKE_EXCH_IKE_AUTH, false, 1, inner, inner_len, first, msg,
				    sizeof(msg));
	OPENSSL_cleanse(inner, inner_len);
	if (len == 0)
		return -1;
	sa->state = IKEV2_AUTH_SENT;
	sa->next_req_id = 2;
	return ikev2_send_request(e, sa, msg, len, 1, IKE_EXCH_IKE_AUTH);
}

static void established(struct ikev2 *e, struct ikev2_sa *sa)
{
	sa->state = IKEV2_ESTABLISHED;
	e->stats.established++;
	char a[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, &sa->remote, a, sizeof(a));
	pmip_notice("IKE SA %016lx_%016lx with %s established (%s, %s)", sa->spi_i, sa->spi_r, a,
		    sa->initiator ? "initiator" : "responder",
		    sa->peer->auth == PMIP_IKE_AUTH_PSK ? "shared key" : "certificates");
	ikev2_keylog_sa(e, sa);
	free(sa->req);
	sa->req = NULL;
	evloop_timer_stop(e->loop, &sa->rtx_timer);
	ikev2_dpd_arm(e, sa);
	ikev2_keepalive_arm(e, sa);
	ikev2_rekey_arm_ike(e, sa);
	if (e->env.state_changed != NULL)
		e->env.state_changed(e->env.ctx, sa);
}

void ikev2_auth_response(struct ikev2 *e, struct ikev2_sa *sa, const struct ike_msg *m,
			 const struct ike_payloads *pl)
{
	(void)m;
	if (ike_payloads_notify(pl, IKE_N_AUTHENTICATION_FAILED) != NULL) {
		e->stats.auth_failed++;
		pmip_warn("the peer refused our authentication (AUTHENTICATION_FAILED)");
		ikev2_sa_free(e, sa, "authentication refused by the peer");
		return;
	}
	if (pl->n_idr != 1 || pl->n_auth != 1) {
		e->stats.rx_unexpected++;
		ikev2_sa_free(e, sa, "IKE_AUTH response without IDr and AUTH");
		return;
	}
	struct id_spec want;
	id_from_config(sa->peer->id, &sa->peer->address, &want);
	const char *why = !id_matches(&pl->idr, &want) ? "IDr is not the configured identity of the peer"
						      : auth_check(e, sa, pl, &pl->idr);
	if (why != NULL) {
		e->stats.auth_failed++;
		pmip_warn("IKE_AUTH response: %s", why);
		ikev2_sa_free(e, sa, "peer authentication failed");
		return;
	}
	/* The configuration payload (seed 4.4.2, 4.4.3). */
	if (sa->cp_request) {
		if (pl->n_cp == 1 && pl->cp.cfg_type == IKE_CFG_REPLY) {
			for (unsigned i = 0; i < pl->cp.n; i++) {
				if (pl->cp.attr[i].type == IKE_CP_INTERNAL_IP6_ADDRESS &&
				    pl->cp.attr[i].value.len == 17) {
					memcpy(&sa->got_addr, pl->cp.attr[i].addr.b, 16);
					sa->got_prefix_len = pl->cp.attr[i].prefix_len;
					sa->cp_got = true;
				}
			}
		}
		if (!sa->cp_got) {
			/* INTERNAL_ADDRESS_FAILURE or nothing: cp_failed tells
			 * the MAG's PMIPv6 side to generate the address itself
			 * (seed 4.4.3). */
			sa->cp_failed = true;
			pmip_info("no home address from the peer%s",
				  ike_payloads_notify(pl, IKE_N_INTERNAL_ADDRESS_FAILURE)
					  ? " (INTERNAL_ADDRESS_FAILURE)" : "");
		}
	}
	struct ikev2_child *c = &sa->children[0];
	if (pl->n_sa == 1 && pl->n_tsi == 1 && pl->n_tsr == 1 && ikev2_child_accept(e, c, &pl->sa) &&
	    ikev2_child_narrow(sa, c, &pl->tsi, &pl->tsr, true)) {
		bool transport = ike_payloads_notify(pl, IKE_N_USE_TRANSPORT_MODE) != NULL;
		c->mode = transport ? PMIP_ESP_MODE_TRANSPORT : PMIP_ESP_MODE_TUNNEL_UDP;
		established(e, sa);
		if (ikev2_child_install(e, sa) != 0)
			pmip_warn("CHILD_SA could not be installed in the data plane");
	} else {
		/* 2.21.3: the IKE SA stands even if the CHILD_SA failed. */
		e->stats.no_proposal++;
		pmip_warn("IKE_AUTH response: no acceptable CHILD_SA (proposal or selectors)");
		established(e, sa);
	}
}

/* ------------------------------------------------------------- responder -- */

static void auth_refuse(struct ikev2 *e, struct ikev2_sa *sa, uint32_t msg_id, uint16_t type,
			const char *why)
{
	uint8_t inner[64], out[512];
	struct ike_builder b;
	ike_build_chain_init(&b, inner, sizeof(inner));
	struct ike_notify n = { .type = type };
	ike_build_notify(&b, &n);
	uint8_t first;
	size_t ilen;
	if (ike_build_chain_finish(&b, &first, &ilen)) {
		size_t olen = ikev2_build_sk(sa, IKE_EXCH_IKE_AUTH, true, msg_id, inner, ilen, first,
					     out, sizeof(out));
		if (olen) {
			e->stats.tx++;
			e->env.send(e->env.ctx, &sa->local, sa->local_port, &sa->remote,
				    sa->remote_port, out, olen);
		}
	}
	/* 2.21.2: no state stays behind a failed authentication. */
	ikev2_sa_free(e, sa, why);
}

void ikev2_auth_request(struct ikev2 *e, struct ikev2_sa *sa, const struct ike_msg *m,
			const struct ike_payloads *pl)
{
	if (pl->n_idi != 1 || pl->n_auth != 1 || pl->n_sa != 1 || pl->n_tsi != 1 || pl->n_tsr != 1) {
		e->stats.rx_unexpected++;
		auth_refuse(e, sa, m->hdr.msg_id, IKE_N_INVALID_SYNTAX,
			    "IKE_AUTH request without IDi, AUTH, SA and selectors");
		return;
	}
	struct id_spec want;
	id_from_config(sa->peer->id, &sa->peer->address, &want);
	const char *why = !id_matches(&pl->idi, &want) ? "IDi is not the configured identity of the peer"
						      : auth_check(e, sa, pl, &pl->idi);
	if (why != NULL) {
		e->stats.auth_failed++;
		char a[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, &sa->remote, a, sizeof(a));
		pmip_warn("IKE_AUTH from %s: %s: AUTHENTICATION_FAILED", a, why);
		auth_refuse(e, sa, m->hdr.msg_id, IKE_N_AUTHENTICATION_FAILED, why);
		return;
	}
	static uint8_t inner[CHAIN_MAX];
	struct ike_builder b;
	ike_build_chain_init(&b, inner, sizeof(inner));
	if (!add_id_auth(e, sa, &b, IKE_PLD_IDR, false)) {
		auth_refuse(e, sa, m->hdr.msg_id, IKE_N_AUTHENTICATION_FAILED,
			    "our AUTH could not be computed");
		return;
	}
	/* Home address (seed 4.4.2, 4.4.3): the proposed one if valid and
	 * free, another otherwise, or INTERNAL_ADDRESS_FAILURE. */
	bool addr_fail = false;
	if (pl->n_cp == 1 && pl->cp.cfg_type == IKE_CFG_REQUEST) {
		for (unsigned i = 0; i < pl->cp.n; i++) {
			if (pl->cp.attr[i].type != IKE_CP_INTERNAL_IP6_ADDRESS)
				continue;
			struct in6_addr want_a = { 0 }, got;
			uint8_t plen = 64;
			if (pl->cp.attr[i].value.len == 17)
				memcpy(&want_a, pl->cp.attr[i].addr.b, 16);
			if (e->env.assign_address != NULL &&
			    e->env.assign_address(e->env.ctx, sa, &want_a, &got, &plen)) {
				struct ike_cp cp = { .cfg_type = IKE_CFG_REPLY, .n = 1 };
				cp.attr[0].type = IKE_CP_INTERNAL_IP6_ADDRESS;
				memcpy(cp.attr[0].addr.b, &got, 16);
				cp.attr[0].prefix_len = plen;
				cp.attr[0].from_addr = true;
				ike_build_cp(&b, &cp);
				sa->got_addr = got;
				sa->got_prefix_len = plen;
				sa->cp_got = true;
			} else {
				addr_fail = true;
			}
			break;
		}
	}
	if (addr_fail) {
		struct ike_notify n = { .type = IKE_N_INTERNAL_ADDRESS_FAILURE };
		ike_build_notify(&b, &n);
	}
	struct ikev2_child *c = &sa->children[0];
	memset(c, 0, sizeof(*c));
	c->sa = sa;
	static struct ike_sa answer;
	bool want_transport = ike_payloads_notify(pl, IKE_N_USE_TRANSPORT_MODE) != NULL;
	/* Transport only without NAT: behind one, tunnel mode in UDP is what
	 * our data plane speaks (RFC 3948). */
	c->mode = want_transport && !sa->nat_local && !sa->nat_remote ? PMIP_ESP_MODE_TRANSPORT
								       : PMIP_ESP_MODE_TUNNEL_UDP;
	bool child_ok = ikev2_child_choose(e, c, &pl->sa, &answer) &&
			ikev2_child_narrow(sa, c, &pl->tsi, &pl->tsr, false);
	if (child_ok) {
		ike_build_sa(&b, &answer);
		static struct ike_ts_list tsi, tsr;
		ikev2_child_ts(sa, c, &tsi, &tsr);
		ike_build_ts(&b, IKE_PLD_TSI, &tsi);
		ike_build_ts(&b, IKE_PLD_TSR, &tsr);
		if (c->mode == PMIP_ESP_MODE_TRANSPORT) {
			struct ike_notify tm = { .type = IKE_N_USE_TRANSPORT_MODE };
			ike_build_notify(&b, &tm);
		}
	} else {
		struct ike_notify n = { .type = ikev2_child_narrow(sa, c, &pl->tsi, &pl->tsr, false)
						       ? IKE_N_NO_PROPOSAL_CHOSEN
						       : IKE_N_TS_UNACCEPTABLE };
		if (n.type == IKE_N_TS_UNACCEPTABLE)
			e->stats.ts_unacceptable++;
		else
			e->stats.no_proposal++;
		ike_build_notify(&b, &n);
	}
	uint8_t first;
	size_t inner_len;
	uint8_t msg[IKEV2_MSG_MAX];
	size_t out_len = 0;
	if (ike_build_chain_finish(&b, &first, &inner_len))
		out_len = ikev2_build_sk(sa, IKE_EXCH_IKE_AUTH, true, m->hdr.msg_id, inner, inner_len,
					 first, msg, sizeof(msg));
	OPENSSL_cleanse(inner, sizeof(inner));
	if (out_len == 0) {
		ikev2_sa_free(e, sa, "IKE_AUTH response could not be built");
		return;
	}
	if (e->half_open > 0)
		e->half_open--;
	sa->peer_next_id = m->hdr.msg_id + 1;
	established(e, sa);
	ikev2_send_response(e, sa, msg, out_len, m->hdr.msg_id);
	if (child_ok && ikev2_child_install(e, sa) != 0)
		pmip_warn("CHILD_SA could not be installed in the data plane");
}
