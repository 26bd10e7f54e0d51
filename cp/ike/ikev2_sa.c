/* IKEv2 engine core: the SA table, message IDs and the window of one
 * (RFC 7296 2.3), retransmission with exponential backoff (2.1), answers
 * to retransmitted requests from the cached response (2.1), the SK payload
 * wrapping, and the dispatch of received messages by exchange and role. */
#define LOG_MODULE "ike"
#include "ikev2.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "log.h"

struct spi_key {
	uint64_t spi_i;
	struct in6_addr remote;
};

uint64_t ikev2_now_ns(const struct ikev2 *e)
{
	return evloop_now_ns(e->loop);
}

void ikev2_log_rule(const char *what, const struct ike_err *err)
{
	char buf[256];
	ike_err_format(err, buf, sizeof(buf));
	pmip_info("%s: %s", what, buf);
}

const char *ikev2_state_name(enum ikev2_state s)
{
	static const char *const names[] = { "init-sent", "init-done", "auth-sent",
					     "established", "rekeyed", "deleting", "dead" };
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static void on_rtx(struct evloop *loop, struct evloop_timer *t, void *arg);
static void dispatch(struct ikev2 *e, struct ikev2_sa *sa, const struct ike_msg *m,
		     const uint8_t *msg, size_t len, const struct ike_payloads *pl, bool response);

void ikev2_keylog_sa(struct ikev2 *e, const struct ikev2_sa *sa)
{
	if (e->env.keylog == NULL)
		return;
	/* Wireshark's ikev2_decryption_table: SPIs, SK_ei, SK_er, encr,
	 * SK_ai, SK_ar, integ (hex). */
	char line[1024], ei[80], er[80], ai[140], ar[140];
	for (size_t i = 0; i < sa->keys.encr_len; i++) {
		sprintf(ei + 2 * i, "%02x", sa->keys.sk_ei[i]);
		sprintf(er + 2 * i, "%02x", sa->keys.sk_er[i]);
	}
	ai[0] = ar[0] = '\0';
	for (size_t i = 0; i < sa->keys.integ_len; i++) {
		sprintf(ai + 2 * i, "%02x", sa->keys.sk_ai[i]);
		sprintf(ar + 2 * i, "%02x", sa->keys.sk_ar[i]);
	}
	const char *encr = sa->suite.encr == IKE_ENCR_AES_GCM_16
				   ? (sa->suite.encr_bits == 128 ? "AES-GCM-128 with 16 octet ICV [RFC5282]"
								 : "AES-GCM-256 with 16 octet ICV [RFC5282]")
				   : (sa->suite.encr_bits == 128 ? "AES-CBC-128 [RFC3602]"
								 : "AES-CBC-256 [RFC3602]");
	const char *integ = sa->suite.integ == IKE_INTEG_HMAC_SHA2_256_128
				    ? "HMAC_SHA2_256_128 [RFC4868]"
				    : sa->suite.integ == IKE_INTEG_HMAC_SHA2_384_192
					      ? "HMAC_SHA2_384_192 [RFC4868]"
					      : "NONE [RFC4306]";
	snprintf(line, sizeof(line), "%016lx,%016lx,%s,%s,\"%s\",%s,%s,\"%s\"", sa->spi_i,
		 sa->spi_r, ei, er, encr, ai, ar, integ);
	e->env.keylog(e->env.ctx, line);
	OPENSSL_cleanse(line, sizeof(line));
	OPENSSL_cleanse(ei, sizeof(ei));
	OPENSSL_cleanse(er, sizeof(er));
	OPENSSL_cleanse(ai, sizeof(ai));
	OPENSSL_cleanse(ar, sizeof(ar));
}

int ikev2_init(struct ikev2 *e, const struct pmip_config *cfg, struct evloop *loop,
	       const struct ikev2_env *env, const struct in6_addr *local, uint32_t max_sas)
{
	memset(e, 0, sizeof(*e));
	e->cfg = cfg;
	e->loop = loop;
	e->env = *env;
	e->local = *local;
	e->max_sas = max_sas;
	e->sas = calloc(max_sas, sizeof(*e->sas));
	if (e->sas == NULL || hmap_init(&e->by_spi_i, sizeof(struct spi_key), 64) != 0)
		return -1;
	if (RAND_bytes(e->cookie_secret, sizeof(e->cookie_secret)) != 1)
		return -1;
	return 0;
}

void ikev2_free(struct ikev2 *e)
{
	for (uint32_t i = 0; e->sas != NULL && i < e->max_sas; i++)
		if (e->sas[i].in_use)
			ikev2_sa_free(e, &e->sas[i], "shutting down");
	free(e->sas);
	hmap_free(&e->by_spi_i);
	for (unsigned i = 0; i < PMIP_CFG_MAX_PEERS; i++) {
		EVP_PKEY_free(e->creds[i].key);
		X509_free(e->creds[i].cert);
		X509_free(e->creds[i].ca_cert);
		X509_STORE_free(e->creds[i].ca);
	}
	OPENSSL_cleanse(e->cookie_secret, sizeof(e->cookie_secret));
	memset(e, 0, sizeof(*e));
}

struct ikev2_sa *ikev2_sa_new(struct ikev2 *e, bool initiator, const struct pmip_config_peer *peer,
			      const struct in6_addr *remote, uint16_t remote_port)
{
	uint32_t i = e->free_hint, n;
	for (n = 0; n < e->max_sas && e->sas[i].in_use; n++)
		i = i + 1 < e->max_sas ? i + 1 : 0;
	if (n == e->max_sas)
		return NULL;
	e->free_hint = i + 1 < e->max_sas ? i + 1 : 0;
	struct ikev2_sa *sa = &e->sas[i];
	memset(sa, 0, sizeof(*sa));
	sa->in_use = true;
	sa->index = i;
	sa->engine = e;
	sa->initiator = initiator;
	sa->peer = peer;
	sa->local = e->local;
	sa->remote = *remote;
	sa->local_port = IKEV2_PORT;
	sa->remote_port = remote_port;
	sa->created_ns = ikev2_now_ns(e);
	sa->last_rx_ns = sa->created_ns;
	if (peer != NULL)
		e->peer_sas[peer - e->cfg->ike.peers]++;
	do {
		RAND_bytes((uint8_t *)(initiator ? &sa->spi_i : &sa->spi_r), 8);
	} while ((initiator ? sa->spi_i : sa->spi_r) == 0);
	evloop_timer_init(&sa->rtx_timer, on_rtx, sa);
	evloop_timer_init(&sa->dpd_timer, NULL, sa);
	evloop_timer_init(&sa->keepalive_timer, NULL, sa);
	evloop_timer_init(&sa->rekey_timer, NULL, sa);
	if (initiator)
		ikev2_sa_index(e, sa);
	return sa;
}

void ikev2_sa_index(struct ikev2 *e, struct ikev2_sa *sa)
{
	struct spi_key k = { .spi_i = sa->spi_i, .remote = sa->remote };
	hmap_put(&e->by_spi_i, &k, sa->index);
}

void ikev2_sa_unindex(struct ikev2 *e, struct ikev2_sa *sa)
{
	struct spi_key k = { .spi_i = sa->spi_i, .remote = sa->remote };
	uint32_t idx;
	if (hmap_get(&e->by_spi_i, &k, &idx) && idx == sa->index)
		hmap_del(&e->by_spi_i, &k);
}

static void sa_forget(struct ikev2 *e, struct ikev2_sa *sa)
{
	evloop_timer_stop(e->loop, &sa->rtx_timer);
	ikev2_sa_unindex(e, sa);
	free(sa->resp);
	e->free_hint = sa->index;
	OPENSSL_cleanse(sa, sizeof(*sa));
}

static void on_linger_end(struct evloop *loop, struct evloop_timer *t, void *arg)
{
	(void)loop;
	(void)t;
	struct ikev2_sa *sa = arg;
	sa_forget(sa->engine, sa);
}

/* Everything but the index entry and the cached response: children,
 * address, timers, keys. */
static void sa_release(struct ikev2 *e, struct ikev2_sa *sa, const char *why)
{
	char a[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, &sa->remote, a, sizeof(a));
	pmip_info("IKE SA %016lx_%016lx with %s (%s) removed: %s", sa->spi_i, sa->spi_r, a,
		  ikev2_state_name(sa->state), why);
	if (sa->state == IKEV2_INIT_DONE && e->half_open > 0)
		e->half_open--;
	/* Children that moved to a successor (IKE rekey) are not ours. */
	ikev2_child_remove(e, sa);
	if (sa->successor != NULL)
		sa->successor->predecessor = NULL;
	if (sa->predecessor != NULL)
		sa->predecessor->successor = NULL;
	sa->successor = sa->predecessor = NULL;
	if (sa->cp_got && !sa->initiator && e->env.release_address != NULL)
		e->env.release_address(e->env.ctx, sa, &sa->got_addr);
	sa->cp_got = false;
	evloop_timer_stop(e->loop, &sa->rtx_timer);
	evloop_timer_stop(e->loop, &sa->dpd_timer);
	evloop_timer_stop(e->loop, &sa->keepalive_timer);
	evloop_timer_stop(e->loop, &sa->rekey_timer);
	ike_dh_free(sa->rk.dh);
	ike_dh_free(sa->dh);
	sa->rk.dh = sa->dh = NULL;
	ike_keys_wipe(&sa->keys);
	sa->keys_set = false;
	free(sa->init_i);
	free(sa->init_r);
	free(sa->req);
	sa->init_i = sa->init_r = sa->req = NULL;
	bool was = sa->state == IKEV2_ESTABLISHED;
	if (sa->peer != NULL && e->peer_sas[sa->peer - e->cfg->ike.peers] > 0)
		e->peer_sas[sa->peer - e->cfg->ike.peers]--;
	sa->state = IKEV2_DEAD;
	if (was || sa->initiator)
		if (e->env.state_changed != NULL)
			e->env.state_changed(e->env.ctx, sa);
}

void ikev2_sa_free(struct ikev2 *e, struct ikev2_sa *sa, const char *why)
{
	if (sa->state != IKEV2_DEAD)
		sa_release(e, sa, why);
	sa_forget(e, sa);
}

uint64_t ikev2_patience_ms(const struct ikev2 *e)
{
	/* As long as a peer with our settings keeps retransmitting. */
	uint64_t ms = (uint64_t)e->cfg->ike.retransmit_ms << (e->cfg->ike.retransmit_tries + 1);
	return ms < 300000 ? ms : 300000;
}

void ikev2_sa_linger(struct ikev2 *e, struct ikev2_sa *sa, const char *why)
{
	sa_release(e, sa, why);
	if (!sa->have_resp) {
		sa_forget(e, sa);
		return;
	}
	/* Keep answering retransmissions of the request we just answered
	 * (2.1) for as long as the peer retransmits it, then forget. */
	evloop_timer_init(&sa->rtx_timer, on_linger_end, sa);
	evloop_timer_start(e->loop, &sa->rtx_timer, ikev2_patience_ms(e));
}

struct ikev2_sa *ikev2_sa_by_spi(struct ikev2 *e, uint64_t spi_i, uint64_t spi_r,
				 const struct in6_addr *remote)
{
	/* Every SA is indexed by (SPIi, peer address): SPIi alone is chosen
	 * by the initiator, which may be someone else, and could collide
	 * across peers. SPIr must then match once it is known. */
	struct spi_key k = { .spi_i = spi_i, .remote = *remote };
	uint32_t idx;
	if (!hmap_get(&e->by_spi_i, &k, &idx))
		return NULL;
	struct ikev2_sa *sa = &e->sas[idx];
	if (!sa->in_use || (spi_r != 0 && sa->spi_r != 0 && sa->spi_r != spi_r))
		return NULL;
	return sa;
}

struct ikev2_sa *ikev2_find_peer(struct ikev2 *e, const struct in6_addr *remote)
{
	struct ikev2_sa *best = NULL;
	for (uint32_t i = 0; i < e->max_sas; i++) {
		struct ikev2_sa *sa = &e->sas[i];
		if (!sa->in_use || sa->state == IKEV2_DEAD || sa->state == IKEV2_DELETING ||
		    memcmp(&sa->remote, remote, 16) != 0)
			continue;
		if (best == NULL || sa->state == IKEV2_ESTABLISHED)
			best = sa;
	}
	return best;
}

static int send_raw(struct ikev2 *e, struct ikev2_sa *sa, const uint8_t *msg, size_t len)
{
	e->stats.tx++;
	return e->env.send(e->env.ctx, &sa->local, sa->local_port, &sa->remote, sa->remote_port,
			   msg, len);
}

static void on_rtx(struct evloop *loop, struct evloop_timer *t, void *arg)
{
	(void)t;
	struct ikev2_sa *sa = arg;
	struct ikev2 *e = sa->engine;
	if (sa->req == NULL) {
		if (sa->state == IKEV2_INIT_DONE)
			ikev2_sa_free(e, sa, "half-open: no IKE_AUTH came");
		return;
	}
	if (sa->req_tries >= e->cfg->ike.retransmit_tries) {
		e->stats.timeouts++;
		char a[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, &sa->remote, a, sizeof(a));
		pmip_warn("IKE peer %s did not answer %s (message %u) after %u tries", a,
			  ike_exchange_name(sa->req_exchange), sa->req_id, sa->req_tries);
		ikev2_sa_free(e, sa, "peer not answering");
		return;
	}
	sa->req_tries++;
	e->stats.tx_retransmit++;
	send_raw(e, sa, sa->req, sa->req_len);
	/* Exponential backoff (RFC 7296 2.1). */
	uint64_t delay = (uint64_t)e->cfg->ike.retransmit_ms << (sa->req_tries < 10 ? sa->req_tries : 10);
	evloop_timer_start(loop, &sa->rtx_timer, delay);
}

int ikev2_send_request(struct ikev2 *e, struct ikev2_sa *sa, const uint8_t *msg, size_t len,
		       uint32_t msg_id, uint8_t exchange)
{
	uint8_t *copy = malloc(len);
	if (copy == NULL)
		return -1;
	memcpy(copy, msg, len);
	free(sa->req);
	sa->req = copy;
	sa->req_len = len;
	sa->req_id = msg_id;
	sa->req_exchange = exchange;
	sa->req_kind = REQ_NONE;
	sa->req_tries = 0;
	evloop_timer_start(e->loop, &sa->rtx_timer, e->cfg->ike.retransmit_ms);
	/* A datagram the environment could not send (next hop still being
	 * resolved, ring full) is as lost as one dropped on the wire: the
	 * retransmission takes care of it (2.1). */
	send_raw(e, sa, msg, len);
	return 0;
}

int ikev2_send_response(struct ikev2 *e, struct ikev2_sa *sa, const uint8_t *msg, size_t len,
			uint32_t msg_id)
{
	uint8_t *copy = malloc(len);
	if (copy != NULL) {
		memcpy(copy, msg, len);
		free(sa->resp);
		sa->resp = copy;
		sa->resp_len = len;
		sa->resp_id = msg_id;
		sa->have_resp = true;
	}
	send_raw(e, sa, msg, len); /* lost: the peer retransmits its request */
	return copy != NULL ? 0 : -1;
}

size_t ikev2_build_sk(struct ikev2_sa *sa, uint8_t exchange, bool response, uint32_t msg_id,
		      const uint8_t *inner, size_t inner_len, uint8_t inner_first, uint8_t *out,
		      size_t cap)
{
	struct ike_sk_key key = ike_keys_sk(&sa->keys, sa->initiator);
	size_t body = ike_sk_body_len(&key, inner_len);
	struct ike_builder b;
	ike_build_msg_init(&b, out, cap);
	size_t off = ike_build_sk_reserve(&b, inner_len ? inner_first : 0, body);
	struct ike_hdr h = {
		.ispi = sa->spi_i, .rspi = sa->spi_r, .exchange = exchange, .msg_id = msg_id,
		.flags = (uint8_t)((sa->initiator ? IKE_FLAG_I : 0) | (response ? IKE_FLAG_R : 0)),
	};
	size_t len = off ? ike_build_msg_finish(&b, &h) : 0;
	if (len == 0 || ike_sk_encrypt(&key, out, len, off, inner, inner_len) != IKE_CRYPTO_OK)
		return 0;
	return len;
}

bool ikev2_open_sk(struct ikev2 *e, struct ikev2_sa *sa, const uint8_t *msg, size_t len,
		   const struct ike_msg *m, uint8_t *plain, size_t cap, struct ike_payloads *inner)
{
	if (m->pl.n_sk != 1 || !sa->keys_set) {
		e->stats.rx_unexpected++;
		pmip_info("%s without an SK payload or before keys exist: dropped",
			  ike_exchange_name(m->hdr.exchange));
		return false;
	}
	struct ike_sk_key key = ike_keys_sk(&sa->keys, !sa->initiator);
	size_t n;
	enum ike_crypto_err ce = ike_sk_decrypt(&key, msg, len, m->pl.sk.body_off, plain, cap, &n);
	if (ce != IKE_CRYPTO_OK) {
		/* RFC 7296 2.21: an integrity failure is dropped, not answered. */
		e->stats.rx_icv++;
		pmip_info("%s message %u: SK payload rejected: %s", ike_exchange_name(m->hdr.exchange),
			  m->hdr.msg_id, ike_crypto_err_str(ce));
		return false;
	}
	struct ike_err err;
	if (ike_inner_parse(plain, n, m->pl.sk.first, inner, &err) != IKE_ERR_OK) {
		e->stats.rx_malformed++;
		ikev2_log_rule("encrypted payloads", &err);
		return false;
	}
	return true;
}

/* ---------------------------------------------------------------- input -- */

void ikev2_input(struct ikev2 *e, const struct in6_addr *src, uint16_t sport,
		 const struct in6_addr *dst, uint16_t dport, const uint8_t *msg, size_t len)
{
	static struct ike_msg m;
	struct ike_err err;
	e->stats.rx++;
	if (ike_msg_parse(msg, len, &m, &err) != IKE_ERR_OK) {
		e->stats.rx_malformed++;
		ikev2_log_rule("IKE message", &err);
		return;
	}
	bool response = m.hdr.flags & IKE_FLAG_R;
	bool from_initiator = m.hdr.flags & IKE_FLAG_I;
	if (m.hdr.exchange == IKE_EXCH_IKE_SA_INIT && !response) {
		ikev2_init_request(e, &m, msg, len, src, sport, dst, dport);
		return;
	}
	struct ikev2_sa *sa = ikev2_sa_by_spi(e, m.hdr.ispi, m.hdr.rspi, src);
	if (sa != NULL && sa->state == IKEV2_DEAD && !response && sa->have_resp &&
	    m.hdr.msg_id == sa->resp_id) {
		/* Our answer to its last request was lost (2.1). */
		e->stats.rx_retransmit++;
		send_raw(e, sa, sa->resp, sa->resp_len);
		return;
	}
	if (sa == NULL || sa->state == IKEV2_DEAD) {
		e->stats.rx_unknown_sa++;
		pmip_dbg("%s for unknown IKE SA %016lx_%016lx: dropped",
			 ike_exchange_name(m.hdr.exchange), m.hdr.ispi, m.hdr.rspi);
		return;
	}
	/* The I flag says who sent it: it must be the other role. */
	if (from_initiator == sa->initiator) {
		e->stats.rx_unexpected++;
		pmip_info("message with the I flag of our own role: dropped");
		return;
	}
	if (response) {
		/* Window of one (2.3): only the answer to our outstanding request. */
		if (sa->req == NULL || m.hdr.msg_id != sa->req_id || m.hdr.exchange != sa->req_exchange) {
			e->stats.rx_bad_msgid++;
			pmip_dbg("response %u to no outstanding request: dropped", m.hdr.msg_id);
			return;
		}
	} else {
		if (sa->have_resp && m.hdr.msg_id == sa->resp_id) {
			/* A retransmitted request: the same answer again (2.1). */
			e->stats.rx_retransmit++;
			send_raw(e, sa, sa->resp, sa->resp_len);
			return;
		}
		if (m.hdr.msg_id != sa->peer_next_id) {
			e->stats.rx_bad_msgid++;
			pmip_info("request with message ID %u, expected %u: dropped", m.hdr.msg_id,
				  sa->peer_next_id);
			return;
		}
	}
	/* Everything after IKE_SA_INIT is encrypted: nothing of it counts
	 * (not even as an answer) until its integrity is proven (2.21). */
	static uint8_t plain[IKEV2_MSG_MAX];
	static struct ike_payloads inner;
	if (m.hdr.exchange != IKE_EXCH_IKE_SA_INIT &&
	    !ikev2_open_sk(e, sa, msg, len, &m, plain, sizeof(plain), &inner))
		return;
	/* NAT-T: the peer may have floated to 4500, or its NAT may have
	 * changed the mapping: follow an authenticated message (2.23). */
	if (sport != sa->remote_port && sa->nat_remote) {
		sa->remote_port = sport;
		sa->local_port = dport;
	}
	sa->last_rx_ns = ikev2_now_ns(e);
	if (response) {
		/* The window is free again; the handler may fill it. */
		evloop_timer_stop(e->loop, &sa->rtx_timer);
		free(sa->req);
		sa->req = NULL;
	}
	dispatch(e, sa, &m, msg, len, &inner, response);
	/* Requests that waited for the window (2.3). */
	if (sa->in_use && sa->req == NULL && sa->state != IKEV2_DEAD)
		ikev2_run_pending(e, sa);
}

static void dispatch(struct ikev2 *e, struct ikev2_sa *sa, const struct ike_msg *m,
		     const uint8_t *msg, size_t len, const struct ike_payloads *pl, bool response)
{
	switch (m->hdr.exchange) {
	case IKE_EXCH_IKE_SA_INIT:
		if (sa->initiator && sa->state == IKEV2_INIT_SENT)
			ikev2_init_response(e, sa, m, msg, len);
		else
			e->stats.rx_unexpected++;
		return;
	case IKE_EXCH_IKE_AUTH:
		if (!response && !sa->initiator && sa->state == IKEV2_INIT_DONE)
			ikev2_auth_request(e, sa, m, pl);
		else if (response && sa->initiator && sa->state == IKEV2_AUTH_SENT)
			ikev2_auth_response(e, sa, m, pl);
		else
			e->stats.rx_unexpected++;
		return;
	case IKE_EXCH_INFORMATIONAL:
		if (sa->state != IKEV2_ESTABLISHED && sa->state != IKEV2_REKEYED &&
		    sa->state != IKEV2_DELETING) {
			e->stats.rx_unexpected++;
			pmip_info("INFORMATIONAL in state %s: dropped", ikev2_state_name(sa->state));
			return;
		}
		if (response)
			ikev2_info_response(e, sa, m, pl);
		else
			ikev2_info_request(e, sa, m, pl);
		return;
	case IKE_EXCH_CREATE_CHILD_SA:
		if (response) {
			ikev2_create_child_response(e, sa, m, pl);
		} else if (sa->state == IKEV2_ESTABLISHED) {
			ikev2_create_child_request(e, sa, m, pl);
		} else if (sa->state == IKEV2_REKEYED || sa->state == IKEV2_DELETING) {
			/* 2.25: an SA being rekeyed or closed creates nothing. */
			sa->peer_next_id = m->hdr.msg_id + 1;
			e->stats.temporary_failures++;
			ikev2_answer_notify(e, sa, IKE_EXCH_CREATE_CHILD_SA, m->hdr.msg_id,
					    IKE_N_TEMPORARY_FAILURE, NULL, 0);
		} else {
			e->stats.rx_unexpected++;
		}
		return;
	default:
		e->stats.rx_unexpected++;
		pmip_info("exchange type %u: not ours: dropped", m->hdr.exchange);
		return;
	}
}

int ikev2_send_sk_request(struct ikev2 *e, struct ikev2_sa *sa, uint8_t exchange,
			  const uint8_t *inner, size_t inner_len, uint8_t first)
{
	uint8_t out[IKEV2_MSG_MAX];
	uint32_t id = sa->next_req_id;
	size_t olen = ikev2_build_sk(sa, exchange, false, id, inner, inner_len, first, out,
				     sizeof(out));
	if (olen == 0)
		return -1;
	sa->next_req_id++;
	return ikev2_send_request(e, sa, out, olen, id, exchange);
}

int ikev2_send_sk_response(struct ikev2 *e, struct ikev2_sa *sa, uint8_t exchange, uint32_t msg_id,
			   const uint8_t *inner, size_t inner_len, uint8_t first)
{
	uint8_t out[IKEV2_MSG_MAX];
	size_t olen = ikev2_build_sk(sa, exchange, true, msg_id, inner, inner_len, first, out,
				     sizeof(out));
	if (olen == 0)
		return -1;
	return ikev2_send_response(e, sa, out, olen, msg_id);
}

void ikev2_answer_notify(struct ikev2 *e, struct ikev2_sa *sa, uint8_t exchange, uint32_t msg_id,
			 uint16_t type, const uint8_t *data, size_t data_len)
{
	uint8_t inner[128];
	struct ike_builder b;
	ike_build_chain_init(&b, inner, sizeof(inner));
	struct ike_notify n = { .type = type, .data = { data, data_len } };
	ike_build_notify(&b, &n);
	uint8_t first;
	size_t ilen;
	if (ike_build_chain_finish(&b, &first, &ilen))
		ikev2_send_sk_response(e, sa, exchange, msg_id, inner, ilen, first);
}

/* --------------------------------------------------------------- connect -- */

struct ikev2_sa *ikev2_connect(struct ikev2 *e, const struct pmip_config_peer *peer,
			       const struct in6_addr *want, const char **why)
{
	/* Seed 4.3: an IKE SA protecting PMIPv6 signalling to that LMA is
	 * reused, never established again. */
	struct ikev2_sa *sa = ikev2_find_peer(e, &peer->address);
	if (sa != NULL)
		return sa;
	sa = ikev2_sa_new(e, true, peer, &peer->address, IKEV2_PORT);
	if (sa == NULL) {
		*why = "IKE SA table full";
		return NULL;
	}
	if (want != NULL) {
		sa->cp_request = true;
		sa->want_addr = *want;
	}
	if (ikev2_init_start(e, sa) != 0) {
		*why = "IKE_SA_INIT could not be built";
		ikev2_sa_free(e, sa, "IKE_SA_INIT could not be built");
		return NULL;
	}
	return sa;
}
