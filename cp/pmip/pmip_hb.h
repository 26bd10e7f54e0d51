/* Heartbeat between MAG and LMA (RFC 5847), both roles in one module.
 *
 * Every interval_s the module sends a Heartbeat Request to each peer it
 * was given (pmip_hb_peer_add: the glue adds a peer while it has bindings
 * with it, or while the SA to it is up) and answers every Heartbeat
 * Request it receives with a Response that carries our Restart Counter
 * (RFC 5847 5.1, 5.2, 3.2). The roles are symmetric: MAG and LMA both
 * probe and both answer, so there is no role parameter.
 *
 * What it tells the glue (struct pmip_hb_env), which feeds pmip_peer_lost()
 * and pmip_peer_restarted() of the PMIPv6 engine (cp/pmip/pmip.h):
 *  - peer_lost: misses_allowed consecutive Requests to a peer went
 *    unanswered (RFC 5847 5.2: MISSING_HEARTBEATS_ALLOWED). Called once
 *    per outage. The module keeps probing a lost peer at the same
 *    interval; the first Response that matches again marks it back (the
 *    optional peer_back callback, the "back" counter, a log line), and a
 *    later outage calls peer_lost again. A Request from a lost peer does
 *    not mark it back: only an answer to our own probe shows that the path
 *    works both ways.
 *  - peer_restarted: the Restart Counter a peer sent (in a Response, or in
 *    a Request if it puts one there) differs from the last one seen from
 *    it (RFC 5847 5.3: the peer restarted and lost its state). The first
 *    counter seen from a peer only records it: we cannot know whether it
 *    restarted before we met it. A lost peer that comes back with another
 *    counter gets peer_back, then peer_restarted.
 *
 * Matching (RFC 5847 3.1: the Sequence Number "used for matching the
 * request to the reply"): each peer has one outstanding Request, the last
 * sent. A Response from that peer with its Sequence Number answers it; any
 * other Response (an older number, a peer we do not probe) is counted as
 * unmatched and ignored, its Restart Counter included (it may be a copy
 * delayed from before a restart). An unsolicited Response (U flag) has no
 * number to match: its Restart Counter is checked, and it counts as a
 * Response received, but it does not answer the outstanding Request.
 *
 * Input is the Mobility Header as received (pmip_hb_input parses it with
 * pmip_mh_parse): anything that does not parse, or is not a Heartbeat, is
 * counted and dropped; nothing in it can make the module misbehave. The
 * glue passes only Mobility Headers that arrived under the peer's ESP SA
 * (RFC 5847 6: the Heartbeat is protected as the PBU/PBA are).
 *
 * Our own Restart Counter must change at every restart of pmip-cp and
 * never repeat: pmip_hb_restart_counter_load_bump() keeps it in a file.
 *
 * Time: one evloop timer, drift-free (deadline + interval), probes every
 * peer at once; pmip_hb_tick() is that timer's work, public so that tests
 * step time one interval at a time (the evloop reads CLOCK_MONOTONIC and
 * cannot be moved), and so that a glue may probe on demand.
 *
 * Callbacks run from pmip_hb_tick() and pmip_hb_input(); they may call
 * pmip_hb_peer_add() and pmip_hb_peer_del() (peer_lost typically ends in
 * the glue deleting the peer when its bindings are gone), but not
 * pmip_hb_free(). send_mh must not call pmip_hb_input() before it returns.
 */
#ifndef PMIP_CP_PMIP_PMIP_HB_H
#define PMIP_CP_PMIP_PMIP_HB_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evloop.h"

struct pmip_hb;

struct pmip_hb_env {
	void *ctx;
	/* Send a Mobility Header (whole, checksummed, from our address to
	 * peer) under the ESP SA with peer. 0, or -1 (no SA, ring full): the
	 * module counts it and goes on; an unsent Request counts as a miss
	 * when unanswered, as it should (the peer is unreachable). */
	int (*send_mh)(void *ctx, const struct in6_addr *peer, const uint8_t *mh, size_t len);
	/* The peer's Restart Counter changed (RFC 5847 5.3). */
	void (*peer_restarted)(void *ctx, const struct in6_addr *peer);
	/* misses_allowed Requests in a row unanswered (RFC 5847 5.2). */
	void (*peer_lost)(void *ctx, const struct in6_addr *peer);
	/* Optional (NULL: not called): a lost peer answered again. */
	void (*peer_back)(void *ctx, const struct in6_addr *peer);
};

/* Counters: name, help. */
#define PMIP_HB_COUNTERS(X)                                                    \
	X(requests_sent, "Heartbeat Requests sent")                            \
	X(requests_received, "Heartbeat Requests received")                    \
	X(responses_sent, "Heartbeat Responses sent (answers to Requests)")    \
	X(responses_received, "Heartbeat Responses that matched, or unsolicited") \
	X(unmatched, "Responses for no outstanding Request of that peer")      \
	X(malformed, "did not parse (pmip_mh_parse rule at debug level)")      \
	X(not_heartbeat, "parsed, but another Mobility Header type")           \
	X(misaddressed, "Requests not to our address (not answered)")          \
	X(send_failed, "send_mh refused a Request or Response")                \
	X(restarts, "peers whose Restart Counter changed")                     \
	X(lost, "peers declared lost (misses_allowed Requests unanswered)")    \
	X(back, "lost peers that answered again")

struct pmip_hb_stats {
#define PMIP_HB_CTR_FIELD(name, help) uint64_t name;
	PMIP_HB_COUNTERS(PMIP_HB_CTR_FIELD)
#undef PMIP_HB_CTR_FIELD
};

/* A peer as the admin and the tests see it. */
struct pmip_hb_peer_info {
	struct in6_addr addr;
	bool lost;                 /* declared lost, not answered since */
	bool outstanding;          /* the last Request is unanswered */
	unsigned misses;           /* consecutive unanswered Requests */
	uint32_t seq;              /* Sequence Number of the last Request (0: none yet) */
	bool rc_known;             /* a Restart Counter was seen from it */
	uint32_t restart_counter;  /* the last one seen */
	uint64_t requests_sent, responses_received;
};

/* Create the module. loop: where its timer runs (NULL: no timer, only
 * pmip_hb_tick() moves it, for tests). env: send_mh required, the
 * callbacks may be NULL; copied. local: our address (the source of what
 * we send, and the address Requests must be sent to). restart_counter:
 * ours (pmip_hb_restart_counter_load_bump). interval_s: RFC 5847
 * HEARTBEAT_INTERVAL, >= 1. misses_allowed: MISSING_HEARTBEATS_ALLOWED,
 * >= 1. max_peers: >= 1. Returns NULL with errno (EINVAL, ENOMEM). */
struct pmip_hb *pmip_hb_new(struct evloop *loop, const struct pmip_hb_env *env,
			    const struct in6_addr *local, uint32_t restart_counter,
			    unsigned interval_s, unsigned misses_allowed, unsigned max_peers);
/* Stops the timer and frees. NULL is a no-op. Not from a callback. */
void pmip_hb_free(struct pmip_hb *hb);

/* Probe peer from the next interval on. 0 added, 1 already there
 * (unchanged), -1 with errno ENOSPC (max_peers reached). */
int pmip_hb_peer_add(struct pmip_hb *hb, const struct in6_addr *peer);
/* Stop probing peer and forget its state (its Restart Counter too: if it
 * is added again, its first counter is recorded, not compared). 0, or -1
 * with errno ENOENT. */
int pmip_hb_peer_del(struct pmip_hb *hb, const struct in6_addr *peer);

/* A Mobility Header of len octets from src to dst (the IPv6 addresses:
 * the checksum covers them), as it arrived under src's SA. Requests get a
 * Response (also from peers we do not probe: answering is the responder
 * role, RFC 5847 5.1); Responses are matched. See the file comment. */
void pmip_hb_input(struct pmip_hb *hb, const struct in6_addr *src, const struct in6_addr *dst,
		   const uint8_t *mh, size_t len);

/* One heartbeat interval passed: count the misses of unanswered Requests
 * (peer_lost at misses_allowed), then send each peer a new Request with
 * the next Sequence Number. The timer calls it every interval_s. */
void pmip_hb_tick(struct pmip_hb *hb);

const struct pmip_hb_stats *pmip_hb_stats(const struct pmip_hb *hb);
/* false if peer is not probed. */
bool pmip_hb_peer_get(const struct pmip_hb *hb, const struct in6_addr *peer,
		      struct pmip_hb_peer_info *out);
unsigned pmip_hb_peer_count(const struct pmip_hb *hb);

/* For the admin (pmipctl): {"restart_counter":N,"interval_s":N,
 * "misses_allowed":N,"stats":{...},"peers":[{"peer":"...","state":
 * "up"|"probing"|"lost","misses":N,"seq":N,"restart_counter":N|null,
 * "requests_sent":N,"responses_received":N},...]} ("up": it answered
 * since it was added; "probing": not yet). As snprintf: NUL-terminated
 * when cap > 0, returns the length the whole text needs (>= cap: cut). */
size_t pmip_hb_list(const struct pmip_hb *hb, char *out, size_t cap);

/* Our Restart Counter across restarts (RFC 5847 3.2: it changes every
 * time the node restarts and loses its state): read the decimal counter
 * in path (missing file: 0), add one (2^32 - 1 wraps to 0), write it back
 * atomically (a temporary file in the same directory, fsync, rename,
 * fsync of the directory: after a crash the file holds the old value or
 * the new one, never a torn one) and return the new value. -1 with errno
 * on failure: a file that holds anything but one decimal number below
 * 2^32 (optionally followed by a newline) is EINVAL and left as it is;
 * reusing a counter the peers already saw would hide our restart from
 * them, so a start-up that cannot bump it must stop. */
int64_t pmip_hb_restart_counter_load_bump(const char *path);

#endif
