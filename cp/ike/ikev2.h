/* IKEv2 (RFC 7296) between MAG and LMA: the exchanges on top of the codec
 * (ike_msg.h) and the crypto (ike_crypto.h).
 *
 * One struct ikev2_sa per IKE SA. The role is fixed when the SA is made
 * (strongSwan's rule): an initiator SA runs ikev2_init.c's and
 * ikev2_auth.c's initiator steps, a responder SA their responder steps;
 * nothing branches on "am I the initiator" inside a step.
 *
 *   ikev2_sa.c     the SA table, message IDs (window of one), sending,
 *                  retransmission with backoff, the cached response for a
 *                  retransmitted request, dispatch of received messages
 *   ikev2_init.c   IKE_SA_INIT: proposals, KE, nonces, NAT detection,
 *                  INVALID_KE_PAYLOAD, cookies (2.6), half-open limits
 *   ikev2_auth.c   IKE_AUTH: identities, AUTH by PSK or signature
 *                  (RFC 7427), the configuration payload
 *   ikev2_child.c  CHILD_SA proposals, traffic selectors, keys (2.17) and
 *                  their installation as ESP SAs in the data plane
 *   ikev2_info.c   INFORMATIONAL: delete, liveness; the queue of requests
 *                  that wait for the window
 *   ikev2_rekey.c  CREATE_CHILD_SA: rekeying the CHILD_SA and the IKE SA
 *
 * The engine reaches the world through struct ikev2_env (send a datagram,
 * install or remove a CHILD_SA, assign a home address), so tests run two
 * engines in memory and pmip-cp plugs in the data plane.
 */
#ifndef PMIP_CP_IKE_IKEV2_H
#define PMIP_CP_IKE_IKEV2_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "config.h"
#include "evloop.h"
#include "hmap.h"
#include "ike_crypto.h"
#include "ike_msg.h"
#include "net/pkt.h"

#define IKEV2_PORT 500

#define IKEV2_NATT_PORT 4500
#define IKEV2_NONCE_LEN 32
#define IKEV2_MSG_MAX 4096

struct ikev2;
struct ikev2_sa;

/* A CHILD_SA as the data plane needs it (RFC 7296 2.17): two ESP SAs.
 * Up to IKEV2_CHILD_MAX per IKE SA: the MAG-LMA pair's one (seed 4.3),
 * and during a rekey its replacement (make-before-break, 2.8). */
#define IKEV2_CHILD_MAX 4

struct ikev2_child {
	bool in_use;                /* installed in the data plane */
	bool replaced;              /* rekeyed: its Delete is due or out */
	bool rekey_due;             /* lifetime reached: rekey when the window is free */
	bool delete_due;            /* send a Delete for it when the window is free */
	bool made_by_us;            /* we initiated the exchange that made it */
	bool out_held;              /* rekey responder: not sent on until the old
				     * pair is gone (ikev2_rekey.c) */
	uint32_t spi_in;            /* ours: the peer sends with it */
	uint32_t spi_out;           /* the peer's: we send with it */
	struct ike_suite suite;     /* encr, encr_bits, integ */
	uint8_t mode;               /* PMIP_ESP_MODE_* */
	struct in6_addr ts_local, ts_remote;
	uint8_t ts_local_len, ts_remote_len;
	uint8_t ts_proto;           /* 0 (any) or 135 (the Mobility Header) */
	uint32_t dp_in, dp_out;     /* ids the environment gave them */
	uint64_t created_ns;
	/* The lowest nonce of the exchange that made it: simultaneous rekeys
	 * keep the SA whose exchange did not have the lowest (2.8.1). */
	uint8_t low_nonce[IKE_NONCE_MAX];
	size_t low_nonce_len;
	struct evloop_timer rekey_timer;
	struct ikev2_sa *sa;        /* the IKE SA it belongs to (moves on IKE rekey) */
};

/* What the engine asks of its environment. */
struct ikev2_env {
	void *ctx;
	/* One datagram; port 4500 payloads get the non-ESP marker added by
	 * the environment (RFC 3948 2.2). 0 or -1. */
	int (*send)(void *ctx, const struct in6_addr *local, uint16_t sport,
		    const struct in6_addr *remote, uint16_t dport, const uint8_t *msg, size_t len);
	/* Install the CHILD_SA's two ESP SAs (keys per RFC 7296 2.17); set
	 * c->dp_in and c->dp_out. 0 or -1. */
	int (*child_up)(void *ctx, const struct ikev2_sa *sa, struct ikev2_child *c,
			const struct ike_child_keys *keys, bool initiator);
	void (*child_down)(void *ctx, const struct ikev2_sa *sa, struct ikev2_child *c);
	/* c came up with c->out_held: its outbound SA was installed but
	 * must not carry traffic yet. Now it may (may be NULL). */
	void (*child_out_release)(void *ctx, const struct ikev2_sa *sa, struct ikev2_child *c);
	/* We are deleting c, or its IKE SA: send nothing more on its
	 * outbound SA (the peer may remove its inbound one as soon as our
	 * Delete arrives) and set c->dp_out to 0; the inbound SA stays until
	 * the Delete is answered (RFC 7296 1.4.1). May be NULL. */
	void (*child_out_stop)(void *ctx, const struct ikev2_sa *sa, struct ikev2_child *c);
	/* LMA: a home address for the peer's request (RFC 7296 3.15.1,
	 * seed 4.4.2-4.4.3): want may be empty (:: = any) or the MAG's
	 * proposal. false: none (answer INTERNAL_ADDRESS_FAILURE). */
	bool (*assign_address)(void *ctx, const struct ikev2_sa *sa, const struct in6_addr *want,
			       struct in6_addr *out, uint8_t *prefix_len);
	void (*release_address)(void *ctx, const struct ikev2_sa *sa, const struct in6_addr *addr);
	/* The SA is up (or failed / went away): cp's signalling waits on it. */
	void (*state_changed)(void *ctx, const struct ikev2_sa *sa);
	/* Key log line for Wireshark's ikev2_decryption_table (may be NULL). */
	void (*keylog)(void *ctx, const char *line);
	/* NAT keepalive (RFC 3948 2.3): one 0xFF byte in UDP, no marker. */
	void (*keepalive)(void *ctx, const struct in6_addr *local, uint16_t sport,
			  const struct in6_addr *remote, uint16_t dport);
};

enum ikev2_state {
	IKEV2_INIT_SENT,     /* initiator: IKE_SA_INIT request out */
	IKEV2_INIT_DONE,     /* responder: answered IKE_SA_INIT (half-open) */
	IKEV2_AUTH_SENT,     /* initiator: IKE_AUTH request out */
	IKEV2_ESTABLISHED,
	IKEV2_REKEYED,       /* replaced by a rekey: only its Delete is left */
	IKEV2_DELETING,      /* our Delete is out */
	IKEV2_DEAD,          /* freed at the next opportunity */
};

/* Counters, one per broken rule and event (the engine logs the rule once
 * per message with its numbers; these count them). */
#define IKEV2_COUNTERS(X)                                                      \
	X(rx, "messages received")                                             \
	X(rx_malformed, "could not be parsed (rule logged)")                   \
	X(rx_unknown_sa, "for an SA we do not have")                           \
	X(rx_unexpected, "exchange or payloads not allowed in this state")     \
	X(rx_bad_msgid, "message ID outside the window")                       \
	X(rx_retransmit, "retransmitted requests answered from the cache")     \
	X(rx_icv, "SK payload failed its integrity check")                     \
	X(tx, "messages sent")                                                 \
	X(tx_retransmit, "requests retransmitted")                             \
	X(timeouts, "SAs given up after the last retransmission")              \
	X(half_open_refused, "IKE_SA_INIT refused: too many half-open SAs")    \
	X(cookies_sent, "COOKIE challenges sent (RFC 7296 2.6)")               \
	X(cookies_bad, "IKE_SA_INIT with a wrong cookie")                      \
	X(invalid_ke, "INVALID_KE_PAYLOAD sent or followed")                   \
	X(no_proposal, "no acceptable proposal")                               \
	X(auth_failed, "AUTHENTICATION_FAILED (sent or received)")             \
	X(unknown_peer, "IKE_SA_INIT from an address with no [ike.peer]")      \
	X(ts_unacceptable, "traffic selectors refused")                        \
	X(sas_per_peer_refused, "a peer already has its maximum of SAs")       \
	X(established, "IKE SAs established")                                  \
	X(children, "CHILD_SAs installed")                                     \
	X(child_rekeys, "CHILD_SAs rekeyed (either side initiating)")          \
	X(ike_rekeys, "IKE SAs rekeyed (either side initiating)")              \
	X(rekey_collisions, "simultaneous rekeys resolved by nonce (2.8.1)")   \
	X(temporary_failures, "TEMPORARY_FAILURE sent or received (2.25)")     \
	X(child_not_found, "CHILD_SA_NOT_FOUND sent or received")              \
	X(dpd_sent, "liveness checks sent (2.4)")                              \
	X(keepalives, "NAT keepalives sent (RFC 3948 4)")                      \
	X(deletes_rx, "Delete payloads received")                              \
	X(deleted, "IKE SAs deleted")

struct ikev2_stats {
#define IKEV2_CTR_FIELD(name, help) uint64_t name;
	IKEV2_COUNTERS(IKEV2_CTR_FIELD)
#undef IKEV2_CTR_FIELD
};

struct ikev2_sa {
	bool in_use;
	bool initiator;              /* role, fixed at creation */
	enum ikev2_state state;
	uint32_t index;
	uint64_t spi_i, spi_r;
	const struct pmip_config_peer *peer;
	struct in6_addr local, remote;
	uint16_t local_port, remote_port;   /* 500, or 4500 once NAT-T floats */
	bool nat_local, nat_remote;  /* NAT in front of us / of the peer (2.23) */
	struct ike_suite suite;
	uint16_t dh_group;
	struct ike_dh *dh;
	uint8_t ni[IKE_NONCE_MAX], nr[IKE_NONCE_MAX];
	size_t ni_len, nr_len;
	struct ike_keys keys;
	bool keys_set;
	/* The IKE_SA_INIT messages, for AUTH (2.15). */
	uint8_t *init_i, *init_r;
	size_t init_i_len, init_r_len;
	uint8_t cookie[64];
	size_t cookie_len;
	/* Message IDs (2.3): ours for requests we send, the peer's for theirs. */
	uint32_t next_req_id;
	uint32_t peer_next_id;
	/* Our outstanding request, retransmitted until answered. */
	uint8_t *req;
	size_t req_len;
	uint32_t req_id;
	uint8_t req_exchange;
	unsigned req_tries;
	struct evloop_timer rtx_timer;
	/* The last response we sent, for a retransmitted request. */
	uint8_t *resp;
	size_t resp_len;
	uint32_t resp_id;
	bool have_resp;
	struct ikev2_child children[IKEV2_CHILD_MAX];
	/* What our outstanding request is about, beyond its exchange. */
	enum ikev2_req_kind { REQ_NONE, REQ_DPD, REQ_DELETE_CHILD, REQ_DELETE_IKE, REQ_REKEY_CHILD,
			      REQ_REKEY_IKE } req_kind;
	/* Our CREATE_CHILD_SA in flight (2.8): the child it rekeys (or -1
	 * for the IKE SA), the new child or SA's pieces, our nonce, DH. */
	struct ikev2_rekey {
		int old_child;
		struct ikev2_child next;
		uint8_t ni[IKE_NONCE_MAX];
		size_t ni_len;
		struct ike_dh *dh;
		uint64_t new_spi;        /* IKE rekey: our SPI of the new SA */
		uint32_t delete_spi;     /* REQ_DELETE_CHILD: our inbound SPI */
	} rk;
	bool ike_rekey_due;
	bool ike_delete_due;
	/* IKE rekey (2.8): the SA that replaced this one, and which side
	 * made it; the nonces of that exchange (2.8.2 collisions). */
	struct ikev2_sa *successor, *predecessor;
	bool successor_by_us;
	uint8_t rekey_low_nonce[IKE_NONCE_MAX];
	size_t rekey_low_nonce_len;
	struct evloop_timer rekey_timer;
	/* Configuration payload (seed 4.4): what the MAG asked / got. */
	struct in6_addr want_addr, got_addr;
	uint8_t got_prefix_len;
	bool cp_request, cp_got, cp_failed;
	uint64_t last_rx_ns;
	uint64_t created_ns;
	struct evloop_timer dpd_timer;
	struct evloop_timer keepalive_timer;
	struct ikev2 *engine;
};

struct ikev2 {
	const struct pmip_config *cfg;
	struct evloop *loop;
	struct ikev2_env env;
	struct in6_addr local;       /* our IKE address (the core port's) */
	struct ikev2_sa *sas;
	uint32_t max_sas;
	struct hmap by_spi_i;        /* (SPIi, remote) -> index */
	uint32_t free_hint;          /* where the search for a free slot starts */
	unsigned peer_sas[PMIP_CFG_MAX_PEERS]; /* live (not DEAD) SAs per [ike.peer] */
	unsigned half_open;
	uint8_t cookie_secret[32];
	uint8_t cookie_version;
	struct ikev2_stats stats;
	/* Certificate credentials per [ike.peer], loaded on first use. */
	struct ikev2_creds {
		bool loaded;
		EVP_PKEY *key;
		X509 *cert;
		X509 *ca_cert;
		X509_STORE *ca;
	} creds[PMIP_CFG_MAX_PEERS];
};

/* Engine life. local: our address for IKE (and ESP). */
int ikev2_init(struct ikev2 *e, const struct pmip_config *cfg, struct evloop *loop,
	       const struct ikev2_env *env, const struct in6_addr *local, uint32_t max_sas);
void ikev2_free(struct ikev2 *e);

/* A datagram received (marker already stripped on 4500). */
void ikev2_input(struct ikev2 *e, const struct in6_addr *src, uint16_t sport,
		 const struct in6_addr *dst, uint16_t dport, const uint8_t *msg, size_t len);

/* Bring up an IKE SA (and its CHILD_SA) to a peer, unless one exists or
 * is being set up (seed 4.3: one IKE SA per MAG-LMA pair, new MNs ride on
 * it). want: a home address to ask for in the CP request (:: for any,
 * NULL for no request). Returns the SA, or NULL with *why. */
struct ikev2_sa *ikev2_connect(struct ikev2 *e, const struct pmip_config_peer *peer,
			       const struct in6_addr *want, const char **why);
/* The established (or establishing) SA to a peer address, or NULL. */
struct ikev2_sa *ikev2_find_peer(struct ikev2 *e, const struct in6_addr *remote);
/* Shutting down: tell every peer with an established IKE SA (Delete, sent
 * once). ikev2_free() then frees everything. */
void ikev2_shutdown(struct ikev2 *e);
/* Delete an SA: INFORMATIONAL Delete to the peer, then local removal. */
void ikev2_delete(struct ikev2 *e, struct ikev2_sa *sa);
const char *ikev2_state_name(enum ikev2_state s);
/* The data plane says an ESP SA reached a lifetime (SA_EXPIRE): soft
 * starts a rekey of its CHILD_SA, hard removes it. */
void ikev2_child_expired(struct ikev2 *e, uint32_t dp_id, bool hard);
/* Ask for a rekey now (operator, tests): of the CHILD_SA or the IKE SA. */
int ikev2_rekey_now(struct ikev2 *e, struct ikev2_sa *sa, bool ike);
/* Counters as "name value" lines, for pmipctl. */
size_t ikev2_stats_format(const struct ikev2 *e, char *buf, size_t cap);

/* ---- internal to cp/ike/ikev2_*.c ---- */

struct ikev2_sa *ikev2_sa_new(struct ikev2 *e, bool initiator, const struct pmip_config_peer *peer,
			      const struct in6_addr *remote, uint16_t remote_port);
void ikev2_sa_free(struct ikev2 *e, struct ikev2_sa *sa, const char *why);
/* Free all but the cached answer to the peer's last request, which stays
 * (state DEAD) while the peer may still retransmit that request. */
void ikev2_sa_linger(struct ikev2 *e, struct ikev2_sa *sa, const char *why);
/* How long a peer with our settings keeps retransmitting one request. */
uint64_t ikev2_patience_ms(const struct ikev2 *e);
/* Index a responder SA once its SPIi is known (initiators index at birth). */
void ikev2_sa_index(struct ikev2 *e, struct ikev2_sa *sa);
void ikev2_sa_unindex(struct ikev2 *e, struct ikev2_sa *sa);
struct ikev2_sa *ikev2_sa_by_spi(struct ikev2 *e, uint64_t spi_i, uint64_t spi_r,
				 const struct in6_addr *remote);
/* Send a request (kept for retransmission) or a response (kept for a
 * retransmitted request). */
int ikev2_send_request(struct ikev2 *e, struct ikev2_sa *sa, const uint8_t *msg, size_t len,
		       uint32_t msg_id, uint8_t exchange);
int ikev2_send_response(struct ikev2 *e, struct ikev2_sa *sa, const uint8_t *msg, size_t len,
			uint32_t msg_id);
/* Build an encrypted message: header fields, the inner chain. */
size_t ikev2_build_sk(struct ikev2_sa *sa, uint8_t exchange, bool response, uint32_t msg_id,
		      const uint8_t *inner, size_t inner_len, uint8_t inner_first, uint8_t *out,
		      size_t cap);
/* Decrypt a parsed message's SK payload and parse the inner chain. */
bool ikev2_open_sk(struct ikev2 *e, struct ikev2_sa *sa, const uint8_t *msg, size_t len,
		   const struct ike_msg *m, uint8_t *plain, size_t cap, struct ike_payloads *inner);
void ikev2_log_rule(const char *what, const struct ike_err *err);
uint64_t ikev2_now_ns(const struct ikev2 *e);

/* ikev2_init.c */
int ikev2_init_start(struct ikev2 *e, struct ikev2_sa *sa);
void ikev2_init_request(struct ikev2 *e, const struct ike_msg *m, const uint8_t *raw, size_t len,
			const struct in6_addr *src, uint16_t sport, const struct in6_addr *dst,
			uint16_t dport);
void ikev2_init_response(struct ikev2 *e, struct ikev2_sa *sa, const struct ike_msg *m,
			 const uint8_t *raw, size_t len);
/* NAT detection hash (RFC 7296 2.23): SHA-1(SPIi | SPIr | IP | port). */
void ikev2_natd_hash(uint64_t spi_i, uint64_t spi_r, const struct in6_addr *ip, uint16_t port,
		     uint8_t out[20]);

/* ikev2_auth.c */
/* A CERTREQ for the CA of sa's peer, if it authenticates by certificate. */
void ikev2_certreq_build(struct ikev2 *e, struct ikev2_sa *sa, struct ike_builder *b);
int ikev2_auth_start(struct ikev2 *e, struct ikev2_sa *sa);
void ikev2_auth_request(struct ikev2 *e, struct ikev2_sa *sa, const struct ike_msg *m,
		const struct ike_payloads *pl);
void ikev2_auth_response(struct ikev2 *e, struct ikev2_sa *sa, const struct ike_msg *m,
		const struct ike_payloads *pl);

/* ikev2_child.c */
/* Our ESP proposals with our SPI (SAi2/SAr2). */
void ikev2_child_offer(struct ikev2 *e, struct ikev2_child *c, struct ike_sa *out);
/* Pick from the peer's ESP proposals; fills c->suite and c->spi_out. */
bool ikev2_child_choose(struct ikev2 *e, struct ikev2_child *c, const struct ike_sa *peer_sa,
			struct ike_sa *answer);
/* Check the peer's answer to our offer. */
bool ikev2_child_accept(struct ikev2 *e, struct ikev2_child *c, const struct ike_sa *answer);
/* Traffic selectors: our proposal, the responder's narrowing, the check. */
void ikev2_child_ts(struct ikev2_sa *sa, struct ikev2_child *c, struct ike_ts_list *tsi,
		    struct ike_ts_list *tsr);
/* The selectors' protocol we want for c: 135 (Mobility Header) or 0. */
uint8_t ikev2_ts_proto_wanted(const struct ikev2_sa *sa, const struct ikev2_child *c);
/* answer: the selectors are the peer's answer to ours (we must have
 * proposed them); else its proposal, which we narrow. */
bool ikev2_child_narrow(struct ikev2_sa *sa, struct ikev2_child *c, const struct ike_ts_list *tsi,
			const struct ike_ts_list *tsr, bool answer);
int ikev2_child_install(struct ikev2 *e, struct ikev2_sa *sa);
void ikev2_child_remove(struct ikev2 *e, struct ikev2_sa *sa);

/* A free child slot of sa (memset, back pointer set), or NULL. */
struct ikev2_child *ikev2_child_slot(struct ikev2_sa *sa);
struct ikev2_child *ikev2_child_by_spi_out(struct ikev2_sa *sa, uint32_t spi_out);
struct ikev2_child *ikev2_child_by_spi_in(struct ikev2_sa *sa, uint32_t spi_in);
/* Remove one child from the data plane and free its slot. */
void ikev2_child_drop(struct ikev2 *e, struct ikev2_child *c, const char *why);
/* Our Delete for c (or its IKE SA) is out: stop sending on it. */
void ikev2_child_stop_out(struct ikev2 *e, struct ikev2_child *c);
/* Install c (keys from this exchange's nonces, 2.17) and start its
 * rekey timer. */
int ikev2_child_install_one(struct ikev2 *e, struct ikev2_sa *sa, struct ikev2_child *c,
			    const struct ike_span *ni, const struct ike_span *nr);
/* Record the lowest of two nonces (2.8.1). */
void ikev2_low_nonce(const struct ike_span *a, const struct ike_span *b, uint8_t *out,
		     size_t *out_len);
int ikev2_nonce_cmp(const uint8_t *a, size_t al, const uint8_t *b, size_t bl);

/* ikev2_info.c: INFORMATIONAL (1.4, 2.4) and the queue of requests that
 * wait for the window (2.3). */
void ikev2_info_request(struct ikev2 *e, struct ikev2_sa *sa, const struct ike_msg *m,
		const struct ike_payloads *pl);
void ikev2_info_response(struct ikev2 *e, struct ikev2_sa *sa, const struct ike_msg *m,
		const struct ike_payloads *pl);
void ikev2_dpd_arm(struct ikev2 *e, struct ikev2_sa *sa);
void ikev2_keepalive_arm(struct ikev2 *e, struct ikev2_sa *sa);
/* The window is free: send the most urgent pending request, if any. */
void ikev2_run_pending(struct ikev2 *e, struct ikev2_sa *sa);
/* An encrypted request or response with an inner chain built by fn. */
int ikev2_send_sk_request(struct ikev2 *e, struct ikev2_sa *sa, uint8_t exchange,
			  const uint8_t *inner, size_t inner_len, uint8_t first);
int ikev2_send_sk_response(struct ikev2 *e, struct ikev2_sa *sa, uint8_t exchange, uint32_t msg_id,
			   const uint8_t *inner, size_t inner_len, uint8_t first);
/* A response holding one Notify (errors of 2.21, 2.25). */
void ikev2_answer_notify(struct ikev2 *e, struct ikev2_sa *sa, uint8_t exchange, uint32_t msg_id,
			 uint16_t type, const uint8_t *data, size_t data_len);

/* ikev2_rekey.c: CREATE_CHILD_SA (1.3, 2.8) for the CHILD_SA and the IKE SA. */
void ikev2_create_child_request(struct ikev2 *e, struct ikev2_sa *sa, const struct ike_msg *m,
		const struct ike_payloads *pl);
void ikev2_create_child_response(struct ikev2 *e, struct ikev2_sa *sa, const struct ike_msg *m,
		const struct ike_payloads *pl);
int ikev2_rekey_child_start(struct ikev2 *e, struct ikev2_sa *sa, struct ikev2_child *old);
int ikev2_rekey_ike_start(struct ikev2 *e, struct ikev2_sa *sa);
/* Arm the lifetime timers (jittered, so both ends rarely collide). */
void ikev2_rekey_arm_ike(struct ikev2 *e, struct ikev2_sa *sa);
void ikev2_rekey_arm_child(struct ikev2 *e, struct ikev2_child *c);
/* Log the SA's keys for tshark (ikev2_decryption_table). */
void ikev2_keylog_sa(struct ikev2 *e, const struct ikev2_sa *sa);

/* ikev2_init.c, shared with the IKE rekey: our IKE proposals, the choice
 * among the peer's, and the check of the peer's answer. */
void ikev2_ike_offer(const struct ikev2 *e, struct ike_sa *out, uint64_t spi);
bool ikev2_ike_choose(const struct ikev2 *e, const struct ike_sa *peer, struct ike_suite *suite,
		      uint8_t *peer_prop_num);
bool ikev2_ike_accept(const struct ikev2 *e, const struct ike_sa *answer, uint16_t dh_group,
		      struct ike_suite *suite);
void ikev2_ike_answer(const struct ike_suite *s, uint8_t num, uint64_t spi, struct ike_sa *out);

#endif
