/* Unit tests for cp/pmip/pmip_hb: the Heartbeat module (RFC 5847).
 *
 * Two instances, a MAG and an LMA, wired in memory: send_mh queues the
 * Mobility Header, deliver() hands the queue to the addressee's
 * pmip_hb_input(), dropping what a test wants lost. Time moves one
 * heartbeat interval per pmip_hb_tick() (the instances get no event loop:
 * the evloop reads CLOCK_MONOTONIC and cannot be moved); one test runs the
 * real timer on a real loop to check the wiring. What goes on the wire is
 * parsed back with pmip_mh_parse and checked field by field.
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "evloop.h"
#include "log.h"
#include "net/mh.h"
#include "net/pkt.h"
#include "pmip_hb.h"

#define MAG 0
#define LMA 1
#define OTHER 2   /* an address no instance has */

static struct in6_addr addrs[3];

struct node {
	struct pmip_hb *hb;
	unsigned restarted, lost, back;
	bool send_fails;
	bool del_on_lost;        /* peer_lost deletes the peer (as a glue may) */
};
static struct node nodes[2];

struct msg {
	int from;
	struct in6_addr src, dst;
	uint8_t b[PMIP_MH_MAX_LEN];
	size_t len;
};
#define QMAX 64
static struct msg q[QMAX];
static unsigned qn;
static struct msg last[2];   /* the last message each node sent */

static int node_of(const struct in6_addr *a)
{
	return memcmp(a, &addrs[MAG], 16) == 0 ? MAG : memcmp(a, &addrs[LMA], 16) == 0 ? LMA : -1;
}

static int send_mh(void *ctx, const struct in6_addr *peer, const uint8_t *mh, size_t len)
{
	struct node *n = ctx;
	int from = (int)(n - nodes);

	if (n->send_fails)
		return -1;
	cr_assert_lt(qn, QMAX);
	cr_assert_leq(len, PMIP_MH_MAX_LEN);
	q[qn].from = from;
	q[qn].src = addrs[from];
	q[qn].dst = *peer;
	memcpy(q[qn].b, mh, len);
	q[qn].len = len;
	last[from] = q[qn];
	qn++;
	return 0;
}

static void peer_restarted(void *ctx, const struct in6_addr *peer)
{
	struct node *n = ctx;

	cr_assert_geq(node_of(peer), 0);
	n->restarted++;
}

static void peer_lost(void *ctx, const struct in6_addr *peer)
{
	struct node *n = ctx;

	n->lost++;
	if (n->del_on_lost)
		cr_assert_eq(pmip_hb_peer_del(n->hb, peer), 0);
}

static void peer_back(void *ctx, const struct in6_addr *peer)
{
	struct node *n = ctx;

	(void)peer;
	n->back++;
}

/* drop: bit 1 << from: lose what that node sends. Returns delivered. */
static unsigned deliver(unsigned drop)
{
	unsigned i, count = 0;
	static struct msg batch[QMAX];
	unsigned bn = qn;

	/* Answers queued while delivering go in the next call. */
	memcpy(batch, q, bn * sizeof(q[0]));
	qn = 0;
	for (i = 0; i < bn; i++) {
		int to = node_of(&batch[i].dst);

		if (to < 0 || (drop & (1u << batch[i].from)) || nodes[to].hb == NULL)
			continue;
		pmip_hb_input(nodes[to].hb, &batch[i].src, &batch[i].dst, batch[i].b, batch[i].len);
		count++;
	}
	return count;
}

static const struct pmip_hb_env env_of[2] = {
	{ &nodes[MAG], send_mh, peer_restarted, peer_lost, peer_back },
	{ &nodes[LMA], send_mh, peer_restarted, peer_lost, peer_back },
};

static void node_new(int i, uint32_t rc, unsigned misses)
{
	nodes[i].hb = pmip_hb_new(NULL, &env_of[i], &addrs[i], rc, 1, misses, 4);
	cr_assert_not_null(nodes[i].hb);
	cr_assert_eq(pmip_hb_peer_add(nodes[i].hb, &addrs[1 - i]), 0);
}

static void setup(void)
{
	pmip_log_set_level(PMIP_LOG_ERR);   /* quiet */
	inet_pton(AF_INET6, "2001:db8:ffff::1", &addrs[MAG]);
	inet_pton(AF_INET6, "2001:db8:ffff::2", &addrs[LMA]);
	inet_pton(AF_INET6, "2001:db8:ffff::99", &addrs[OTHER]);
	memset(nodes, 0, sizeof(nodes));
	qn = 0;
}

static void teardown(void)
{
	pmip_hb_free(nodes[MAG].hb);
	pmip_hb_free(nodes[LMA].hb);
	nodes[MAG].hb = nodes[LMA].hb = NULL;
}

TestSuite(pmip_hb, .init = setup, .fini = teardown);

static const struct pmip_hb_stats *st(int i)
{
	return pmip_hb_stats(nodes[i].hb);
}

static struct pmip_hb_peer_info info(int i)
{
	struct pmip_hb_peer_info pi;

	cr_assert(pmip_hb_peer_get(nodes[i].hb, &addrs[1 - i], &pi));
	return pi;
}

/* One interval on both sides, every message delivered. */
static void round_trip(void)
{
	pmip_hb_tick(nodes[MAG].hb);
	pmip_hb_tick(nodes[LMA].hb);
	cr_assert_eq(deliver(0), 2, "two Requests");
	cr_assert_eq(deliver(0), 2, "two Responses");
	cr_assert_eq(qn, 0);
}

/* A Heartbeat as from src to dst, with a Restart Counter if rc >= 0. */
static size_t hb_msg(uint8_t *b, int src, int dst, uint8_t flags, uint32_t seq, int64_t rc)
{
	struct pmip_mh_opts o = { 0 };
	struct pmip_mh_hb m = { .flags = flags, .seq = seq };

	if (rc >= 0) {
		o.has_restart_counter = true;
		o.restart_counter = (uint32_t)rc;
	}
	return pmip_mh_heartbeat_build(b, PMIP_MH_MAX_LEN, &addrs[src], &addrs[dst], &m, &o);
}

Test(pmip_hb, request_response_exchange)
{
	struct pmip_mh m;
	unsigned r;

	node_new(MAG, 5, 3);
	node_new(LMA, 9, 3);
	for (r = 1; r <= 5; r++) {
		pmip_hb_tick(nodes[MAG].hb);
		/* The Request on the wire: Heartbeat, no flag, seq r, from
		 * the MAG's address, no Restart Counter (RFC 5847 3.1). */
		cr_assert_eq(qn, 1);
		cr_assert_eq(pmip_mh_parse(q[0].b, q[0].len, &addrs[MAG], &addrs[LMA], &m, NULL),
			     PMIP_MH_ERR_OK);
		cr_assert_eq(m.type, PMIP_MH_TYPE_HB);
		cr_assert_eq(m.hb.flags, 0);
		cr_assert_eq(m.hb.seq, r, "sequence numbers count up");
		cr_assert(!m.opt.has_restart_counter);
		cr_assert(info(MAG).outstanding);
		cr_assert_eq(deliver(0), 1);
		/* The Response: R, the same number, the LMA's counter. */
		cr_assert_eq(qn, 1);
		cr_assert_eq(pmip_mh_parse(q[0].b, q[0].len, &addrs[LMA], &addrs[MAG], &m, NULL),
			     PMIP_MH_ERR_OK);
		cr_assert_eq(m.hb.flags, PMIP_MH_HB_R);
		cr_assert_eq(m.hb.seq, r);
		cr_assert(m.opt.has_restart_counter && m.opt.restart_counter == 9);
		cr_assert_eq(m.opt.unaligned, 0);
		cr_assert_eq(deliver(0), 1);
		cr_assert(!info(MAG).outstanding);
	}
	cr_assert_eq(st(MAG)->requests_sent, 5);
	cr_assert_eq(st(MAG)->responses_received, 5);
	cr_assert_eq(st(LMA)->requests_received, 5);
	cr_assert_eq(st(LMA)->responses_sent, 5);
	cr_assert(info(MAG).rc_known && info(MAG).restart_counter == 9);
	cr_assert_eq(info(MAG).misses, 0);
	cr_assert_eq(info(MAG).seq, 5);
	/* Both ways at once, several rounds: the LMA learns the MAG's 5. */
	for (r = 0; r < 3; r++)
		round_trip();
	cr_assert(info(LMA).rc_known && info(LMA).restart_counter == 5);
	cr_assert_eq(st(LMA)->responses_received, 3);
	cr_assert_eq(st(MAG)->requests_received, 3);
	cr_assert_eq(nodes[MAG].restarted + nodes[LMA].restarted, 0, "first counters only record");
	cr_assert_eq(nodes[MAG].lost + nodes[LMA].lost, 0);
	cr_assert_eq(st(MAG)->unmatched + st(MAG)->malformed + st(MAG)->send_failed, 0);
	cr_assert_eq(st(LMA)->unmatched + st(LMA)->malformed + st(LMA)->send_failed, 0);
}

Test(pmip_hb, restart_detected)
{
	node_new(MAG, 5, 3);
	node_new(LMA, 9, 3);
	round_trip();
	round_trip();
	cr_assert_eq(info(MAG).restart_counter, 9);
	/* The LMA restarts: a new instance with the next counter, as
	 * pmip_hb_restart_counter_load_bump gives. */
	pmip_hb_free(nodes[LMA].hb);
	node_new(LMA, 10, 3);
	round_trip();
	cr_assert_eq(nodes[MAG].restarted, 1, "the MAG sees the LMA's new counter");
	cr_assert_eq(st(MAG)->restarts, 1);
	cr_assert_eq(info(MAG).restart_counter, 10);
	cr_assert_eq(nodes[LMA].restarted, 0, "the new LMA only records the MAG's");
	round_trip();
	round_trip();
	cr_assert_eq(nodes[MAG].restarted, 1, "once per change");
	/* The MAG restarts too. */
	pmip_hb_free(nodes[MAG].hb);
	node_new(MAG, 6, 3);
	round_trip();
	cr_assert_eq(nodes[LMA].restarted, 1);
	cr_assert_eq(nodes[MAG].restarted, 1, "(the count of the old instance)");

	/* A counter in a Request counts too (RFC 5847 5.3: wherever the
	 * peer's counter shows); the same one does nothing. */
	{
		uint8_t b[PMIP_MH_MAX_LEN];
		size_t n = hb_msg(b, LMA, MAG, 0, 77, 11);

		pmip_hb_input(nodes[MAG].hb, &addrs[LMA], &addrs[MAG], b, n);
		cr_assert_eq(nodes[MAG].restarted, 2);
		cr_assert_eq(qn, 1, "and it is answered");
		pmip_hb_input(nodes[MAG].hb, &addrs[LMA], &addrs[MAG], b, n);
		cr_assert_eq(nodes[MAG].restarted, 2);
		/* An unsolicited Response (U, R) with a new counter. */
		n = hb_msg(b, LMA, MAG, PMIP_MH_HB_U | PMIP_MH_HB_R, 0, 12);
		pmip_hb_input(nodes[MAG].hb, &addrs[LMA], &addrs[MAG], b, n);
		cr_assert_eq(nodes[MAG].restarted, 3);
		cr_assert_eq(info(MAG).restart_counter, 12);
		cr_assert_eq(st(MAG)->unmatched, 0);
	}
}

Test(pmip_hb, loss_detected_once_per_outage)
{
	unsigned t;

	node_new(MAG, 5, 3);
	node_new(LMA, 9, 3);
	round_trip();
	/* The LMA goes silent: its Responses are lost. Request 2 goes out;
	 * each later tick finds the last one unanswered: a miss. */
	for (t = 1; t <= 3; t++) {
		pmip_hb_tick(nodes[MAG].hb);
		deliver(1u << LMA);
		deliver(1u << LMA);
		cr_assert_eq(nodes[MAG].lost, 0, "tick %u", t);
		cr_assert_eq(info(MAG).misses, t - 1);
	}
	pmip_hb_tick(nodes[MAG].hb);   /* the third unanswered in a row */
	cr_assert_eq(nodes[MAG].lost, 1, "MISSING_HEARTBEATS_ALLOWED = 3 reached");
	cr_assert(info(MAG).lost);
	cr_assert_eq(qn, 1, "and it goes on probing");
	deliver(1u << LMA);
	deliver(1u << LMA);
	for (t = 0; t < 10; t++) {
		pmip_hb_tick(nodes[MAG].hb);
		deliver(1u << LMA);
		deliver(1u << LMA);
	}
	cr_assert_eq(nodes[MAG].lost, 1, "once per outage");
	cr_assert_eq(st(MAG)->lost, 1);
	cr_assert_eq(info(MAG).misses, 13);
	cr_assert_eq(st(MAG)->requests_sent, 1 + 3 + 1 + 10);

	/* It answers again: back, misses cleared; no restart (same counter). */
	pmip_hb_tick(nodes[MAG].hb);
	deliver(0);
	deliver(0);
	cr_assert_eq(nodes[MAG].back, 1);
	cr_assert_eq(st(MAG)->back, 1);
	cr_assert(!info(MAG).lost);
	cr_assert_eq(info(MAG).misses, 0);
	cr_assert_eq(nodes[MAG].restarted, 0);

	/* A second outage: lost again, once. */
	for (t = 0; t < 8; t++) {
		pmip_hb_tick(nodes[MAG].hb);
		deliver(1u << LMA);
		deliver(1u << LMA);
	}
	cr_assert_eq(nodes[MAG].lost, 2);
	/* It comes back restarted: back, then restarted. */
	pmip_hb_free(nodes[LMA].hb);
	node_new(LMA, 10, 3);
	pmip_hb_tick(nodes[MAG].hb);
	deliver(0);
	deliver(0);
	cr_assert_eq(nodes[MAG].back, 2);
	cr_assert_eq(nodes[MAG].restarted, 1);
	/* Requests from a lost peer do not make it back: only answers. */
	for (t = 0; t < 4; t++) {
		pmip_hb_tick(nodes[MAG].hb);
		pmip_hb_tick(nodes[LMA].hb);
		deliver(1u << LMA);   /* the LMA's Request is lost too */
		deliver(1u << LMA);
	}
	cr_assert_eq(nodes[MAG].lost, 3);
	pmip_hb_tick(nodes[LMA].hb);
	deliver(0);               /* its Request reaches the MAG, answered */
	deliver(0);
	cr_assert(info(MAG).lost, "still lost until it answers us");
	cr_assert_eq(nodes[MAG].back, 2);
}

Test(pmip_hb, send_failure_is_a_miss)
{
	unsigned t;

	node_new(MAG, 5, 2);
	node_new(LMA, 9, 2);
	nodes[MAG].send_fails = true;   /* no SA to the LMA */
	for (t = 0; t < 3; t++) {
		pmip_hb_tick(nodes[MAG].hb);
		deliver(0);
	}
	cr_assert_eq(st(MAG)->send_failed, 3);
	cr_assert_eq(st(MAG)->requests_sent, 0);
	cr_assert_eq(nodes[MAG].lost, 1, "two unsent, hence unanswered, Requests");
	/* A Request the MAG cannot answer: counted too. */
	pmip_hb_tick(nodes[LMA].hb);
	deliver(0);
	cr_assert_eq(st(MAG)->requests_received, 1);
	cr_assert_eq(st(MAG)->responses_sent, 0);
	cr_assert_eq(st(MAG)->send_failed, 4);
}

Test(pmip_hb, lost_callback_may_delete_the_peer)
{
	unsigned t;

	node_new(MAG, 5, 1);
	cr_assert_eq(pmip_hb_peer_add(nodes[MAG].hb, &addrs[OTHER]), 0);
	nodes[MAG].del_on_lost = true;
	for (t = 0; t < 4; t++) {
		pmip_hb_tick(nodes[MAG].hb);
		qn = 0;   /* nothing answers */
	}
	cr_assert_eq(nodes[MAG].lost, 2, "both peers, each once, then deleted");
	cr_assert_eq(pmip_hb_peer_count(nodes[MAG].hb), 0);
	cr_assert_eq(st(MAG)->requests_sent, 2, "one Request each before the loss");
}

Test(pmip_hb, unmatched_responses_ignored)
{
	uint8_t b[PMIP_MH_MAX_LEN];
	size_t n;
	uint32_t seq;

	node_new(MAG, 5, 3);
	node_new(LMA, 9, 3);
	round_trip();
	pmip_hb_tick(nodes[MAG].hb);   /* Request 2 outstanding */
	qn = 0;
	seq = info(MAG).seq;
	cr_assert_eq(seq, 2);
	/* An older number, a newer one, a number when none is outstanding,
	 * a Response from a peer never probed: ignored, their counters too. */
	n = hb_msg(b, LMA, MAG, PMIP_MH_HB_R, seq - 1, 1000);
	pmip_hb_input(nodes[MAG].hb, &addrs[LMA], &addrs[MAG], b, n);
	n = hb_msg(b, LMA, MAG, PMIP_MH_HB_R, seq + 1, 1001);
	pmip_hb_input(nodes[MAG].hb, &addrs[LMA], &addrs[MAG], b, n);
	n = hb_msg(b, OTHER, MAG, PMIP_MH_HB_R, seq, 1002);
	pmip_hb_input(nodes[MAG].hb, &addrs[OTHER], &addrs[MAG], b, n);
	cr_assert_eq(st(MAG)->unmatched, 3);
	cr_assert(info(MAG).outstanding);
	cr_assert_eq(info(MAG).restart_counter, 9);
	cr_assert_eq(nodes[MAG].restarted, 0);
	/* The right one matches. */
	n = hb_msg(b, LMA, MAG, PMIP_MH_HB_R, seq, 9);
	pmip_hb_input(nodes[MAG].hb, &addrs[LMA], &addrs[MAG], b, n);
	cr_assert(!info(MAG).outstanding);
	cr_assert_eq(st(MAG)->responses_received, 2);
	/* Twice: the second has nothing outstanding. */
	pmip_hb_input(nodes[MAG].hb, &addrs[LMA], &addrs[MAG], b, n);
	cr_assert_eq(st(MAG)->unmatched, 4);
	cr_assert_eq(st(MAG)->responses_received, 2);
	/* An unsolicited Response from a peer we do not probe. */
	n = hb_msg(b, OTHER, MAG, PMIP_MH_HB_U | PMIP_MH_HB_R, 0, 3);
	pmip_hb_input(nodes[MAG].hb, &addrs[OTHER], &addrs[MAG], b, n);
	cr_assert_eq(st(MAG)->unmatched, 5);
	cr_assert_eq(qn, 0, "no Response is answered");
}

Test(pmip_hb, requests_answered_from_anyone_to_us)
{
	uint8_t b[PMIP_MH_MAX_LEN];
	struct pmip_mh m;
	size_t n;

	node_new(LMA, 9, 3);
	/* A MAG the LMA does not probe (yet): answered (RFC 5847 5.1). */
	n = hb_msg(b, OTHER, LMA, 0, 0xfffffffe, -1);
	pmip_hb_input(nodes[LMA].hb, &addrs[OTHER], &addrs[LMA], b, n);
	cr_assert_eq(qn, 1);
	cr_assert(memcmp(&q[0].dst, &addrs[OTHER], 16) == 0);
	cr_assert_eq(pmip_mh_parse(q[0].b, q[0].len, &addrs[LMA], &addrs[OTHER], &m, NULL),
		     PMIP_MH_ERR_OK);
	cr_assert(m.hb.flags == PMIP_MH_HB_R && m.hb.seq == 0xfffffffe);
	cr_assert(m.opt.has_restart_counter && m.opt.restart_counter == 9);
	/* Sent to another address of ours: not answered. */
	qn = 0;
	n = hb_msg(b, MAG, OTHER, 0, 1, -1);
	pmip_hb_input(nodes[LMA].hb, &addrs[MAG], &addrs[OTHER], b, n);
	cr_assert_eq(qn, 0);
	cr_assert_eq(st(LMA)->misaddressed, 1);
	cr_assert_eq(st(LMA)->requests_received, 2);
	cr_assert_eq(st(LMA)->responses_sent, 1);
}

/* A small PRNG, the same sequence on every run. */
static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

static void feed(int to, int from, const uint8_t *b, size_t n)
{
	uint8_t *c = malloc(n ? n : 1);   /* exact size: ASan sees an overread */

	cr_assert_not_null(c);
	memcpy(c, b, n);
	pmip_hb_input(nodes[to].hb, &addrs[from], &addrs[to], c, n);
	free(c);
}

Test(pmip_hb, malformed_input_counted, .timeout = 60)
{
	uint8_t b[PMIP_MH_MAX_LEN], c[PMIP_MH_MAX_LEN];
	struct pmip_mh_bu bu = { .seq = 1, .lifetime = 1 };
	struct pmip_mh_opts o = { 0 };
	uint64_t bad = 0, before;
	size_t n, len, bit, i;
	uint16_t cs;

	node_new(MAG, 5, 3);
	node_new(LMA, 9, 3);
	round_trip();
	pmip_hb_tick(nodes[MAG].hb);
	qn = 0;
	/* Every truncation of a Response. */
	n = hb_msg(b, LMA, MAG, PMIP_MH_HB_R, info(MAG).seq, 9);
	for (len = 0; len < n; len++, bad++)
		feed(MAG, LMA, b, len);
	/* Every bit flip, checksum not mended: it fails. */
	for (bit = 0; bit < 8 * n; bit++, bad++) {
		memcpy(c, b, n);
		c[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		feed(MAG, LMA, c, n);
	}
	/* Random bytes of every length up to 64, some with an MH header. */
	for (i = 0; i < 2000; i++, bad++) {
		len = rnd() % 65;
		for (bit = 0; bit < len; bit++)
			c[bit] = (uint8_t)rnd();
		feed(MAG, LMA, c, len);
	}
	cr_assert_eq(st(MAG)->malformed, bad);
	cr_assert(info(MAG).outstanding, "nothing of it answered the Request");
	cr_assert_eq(nodes[MAG].restarted + nodes[MAG].lost + nodes[MAG].back, 0);
	cr_assert_eq(qn, 0, "nothing answered");

	/* A PBU is a Mobility Header but no Heartbeat. */
	n = pmip_mh_pbu_build(b, sizeof(b), &addrs[LMA], &addrs[MAG], &bu, &o);
	feed(MAG, LMA, b, n);
	cr_assert_eq(st(MAG)->not_heartbeat, 1);

	/* Bit flips with the checksum mended: whatever parses is handled,
	 * the rest counted; nothing crashes (ASan, UBSan in the sanitizer
	 * build). */
	before = st(MAG)->malformed + st(MAG)->not_heartbeat + st(MAG)->unmatched +
		 st(MAG)->responses_received + st(MAG)->requests_received;
	n = hb_msg(b, LMA, MAG, PMIP_MH_HB_R, info(MAG).seq + 7, 9);
	for (bit = 0; bit < 8 * n; bit++) {
		memcpy(c, b, n);
		c[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		c[4] = c[5] = 0;
		cs = pmip_ipv6_l4_checksum(&addrs[LMA], &addrs[MAG], PMIP_IPPROTO_MH, c, n);
		c[4] = (uint8_t)(cs >> 8);
		c[5] = (uint8_t)cs;
		feed(MAG, LMA, c, n);
		qn = 0;
	}
	cr_assert_eq(st(MAG)->malformed + st(MAG)->not_heartbeat + st(MAG)->unmatched +
			     st(MAG)->responses_received + st(MAG)->requests_received,
		     before + 8 * n, "every input lands in one counter");
}

Test(pmip_hb, peers_add_del)
{
	struct pmip_hb_peer_info pi;
	struct in6_addr a;
	uint8_t b[PMIP_MH_MAX_LEN];
	size_t n;
	unsigned i;

	node_new(MAG, 5, 3);   /* max 4 peers; the LMA is one */
	cr_assert_eq(pmip_hb_peer_add(nodes[MAG].hb, &addrs[LMA]), 1, "already there");
	for (i = 0; i < 3; i++) {
		a = addrs[OTHER];
		a.s6_addr[14] = (uint8_t)(0x10 + i);
		cr_assert_eq(pmip_hb_peer_add(nodes[MAG].hb, &a), 0);
	}
	a.s6_addr[14] = 0xc8;
	errno = 0;
	cr_assert_eq(pmip_hb_peer_add(nodes[MAG].hb, &a), -1);
	cr_assert_eq(errno, ENOSPC);
	cr_assert_eq(pmip_hb_peer_count(nodes[MAG].hb), 4);
	cr_assert_eq(pmip_hb_peer_del(nodes[MAG].hb, &a), -1);
	cr_assert_eq(errno, ENOENT);
	pmip_hb_tick(nodes[MAG].hb);
	cr_assert_eq(qn, 4, "one Request per peer");
	qn = 0;

	/* Deleted, then added again: its counter is forgotten, so a new
	 * one only records. */
	n = hb_msg(b, LMA, MAG, PMIP_MH_HB_R, info(MAG).seq, 9);
	pmip_hb_input(nodes[MAG].hb, &addrs[LMA], &addrs[MAG], b, n);
	cr_assert_eq(info(MAG).restart_counter, 9);
	cr_assert_eq(pmip_hb_peer_del(nodes[MAG].hb, &addrs[LMA]), 0);
	cr_assert(!pmip_hb_peer_get(nodes[MAG].hb, &addrs[LMA], &pi));
	cr_assert_eq(pmip_hb_peer_count(nodes[MAG].hb), 3);
	cr_assert_eq(pmip_hb_peer_add(nodes[MAG].hb, &addrs[LMA]), 0);
	pi = info(MAG);
	cr_assert(!pi.rc_known && pi.seq == 0 && !pi.outstanding && pi.requests_sent == 0);
	pmip_hb_tick(nodes[MAG].hb);
	qn = 0;
	n = hb_msg(b, LMA, MAG, PMIP_MH_HB_R, info(MAG).seq, 44);
	pmip_hb_input(nodes[MAG].hb, &addrs[LMA], &addrs[MAG], b, n);
	cr_assert_eq(info(MAG).restart_counter, 44);
	cr_assert_eq(nodes[MAG].restarted, 0);
}

Test(pmip_hb, new_refuses_bad_arguments)
{
	struct pmip_hb_env no_send = { .ctx = NULL };

	cr_assert_null(pmip_hb_new(NULL, &env_of[MAG], &addrs[MAG], 1, 0, 3, 4));
	cr_assert_eq(errno, EINVAL);
	cr_assert_null(pmip_hb_new(NULL, &env_of[MAG], &addrs[MAG], 1, 1, 0, 4));
	cr_assert_null(pmip_hb_new(NULL, &env_of[MAG], &addrs[MAG], 1, 1, 3, 0));
	cr_assert_null(pmip_hb_new(NULL, &no_send, &addrs[MAG], 1, 1, 3, 4));
	cr_assert_null(pmip_hb_new(NULL, NULL, &addrs[MAG], 1, 1, 3, 4));
	pmip_hb_free(NULL);
}

Test(pmip_hb, list_json)
{
	char out[2048], small[40];
	size_t n;

	node_new(MAG, 5, 3);
	node_new(LMA, 9, 3);
	round_trip();
	n = pmip_hb_list(nodes[MAG].hb, out, sizeof(out));
	cr_assert_eq(n, strlen(out));
	cr_assert_not_null(strstr(out, "\"restart_counter\":5,\"interval_s\":1,\"misses_allowed\":3"));
	cr_assert_not_null(strstr(out, "\"requests_sent\":1,"), "%s", out);
	cr_assert_not_null(strstr(out, "{\"peer\":\"2001:db8:ffff::2\",\"state\":\"up\",\"misses\":0,"
				       "\"seq\":1,\"restart_counter\":9,"), "%s", out);
	cr_assert_eq(out[n - 1], '}');
	/* Cut: NUL-terminated, the whole length returned. */
	cr_assert_eq(pmip_hb_list(nodes[MAG].hb, small, sizeof(small)), n);
	cr_assert_eq(strlen(small), sizeof(small) - 1);
	cr_assert_eq(strncmp(small, out, sizeof(small) - 1), 0);
	cr_assert_eq(pmip_hb_list(nodes[MAG].hb, NULL, 0), n);
	/* A peer never heard from: probing, counter null. */
	pmip_hb_peer_add(nodes[MAG].hb, &addrs[OTHER]);
	pmip_hb_list(nodes[MAG].hb, out, sizeof(out));
	cr_assert_not_null(strstr(out, "\"state\":\"probing\",\"misses\":0,\"seq\":0,"
				       "\"restart_counter\":null"), "%s", out);
}

/* The real timer on a real loop: one Request per interval. */
static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

Test(pmip_hb, timer_on_the_event_loop, .timeout = 30)
{
	struct evloop *loop = evloop_create();
	uint64_t start, end;

	cr_assert_not_null(loop);
	nodes[MAG].hb = pmip_hb_new(loop, &env_of[MAG], &addrs[MAG], 5, 1, 3, 4);
	cr_assert_not_null(nodes[MAG].hb);
	cr_assert_eq(pmip_hb_peer_add(nodes[MAG].hb, &addrs[LMA]), 0);
	start = mono_ms();
	while (qn == 0 && mono_ms() - start < 5000)
		evloop_run_once(loop, 100);
	end = mono_ms();
	cr_assert_eq(qn, 1);
	cr_assert_geq(end - start, 950, "not before the interval (%llu ms)",
		      (unsigned long long)(end - start));
	while (qn == 1 && mono_ms() - start < 5000)
		evloop_run_once(loop, 100);
	cr_assert_eq(qn, 2, "and again one interval later");
	cr_assert_geq(mono_ms() - start, 1950);
	pmip_hb_free(nodes[MAG].hb);   /* stops its timer: the loop holds nothing of it */
	nodes[MAG].hb = NULL;
	cr_assert_eq(evloop_run_once(loop, 0), 0);
	evloop_destroy(loop);
}

/* ---------------------------------------------------- restart counter -- */

static char tdir[64];

static void tdir_make(void)
{
	snprintf(tdir, sizeof(tdir), "/tmp/pmip_hb_test.XXXXXX");
	cr_assert_not_null(mkdtemp(tdir));
}

static void file_put(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs(s, f);
	fclose(f);
}

static void file_get(const char *path, char *s, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n;

	cr_assert_not_null(f);
	n = fread(s, 1, cap - 1, f);
	s[n] = 0;
	fclose(f);
}

static unsigned dir_entries(void)
{
	DIR *d = opendir(tdir);
	struct dirent *e;
	unsigned n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

Test(pmip_hb_rc, load_bump)
{
	char path[128], s[64];
	static const char *const bad[] = { "", "\n", "abc", "12x", "-1", " 7", "7 ", "7\n\n",
					   "4294967296", "99999999999", "0x10" };
	unsigned i;

	tdir_make();
	snprintf(path, sizeof(path), "%s/restart_counter", tdir);
	/* No file: first start, counter 1. */
	cr_assert_eq(pmip_hb_restart_counter_load_bump(path), 1);
	cr_assert_eq(pmip_hb_restart_counter_load_bump(path), 2);
	cr_assert_eq(pmip_hb_restart_counter_load_bump(path), 3);
	file_get(path, s, sizeof(s));
	cr_assert_str_eq(s, "3\n");
	cr_assert_eq(dir_entries(), 1, "no temporary left");
	/* Without the newline; the largest value wraps to 0. */
	file_put(path, "41");
	cr_assert_eq(pmip_hb_restart_counter_load_bump(path), 42);
	file_put(path, "4294967295\n");
	cr_assert_eq(pmip_hb_restart_counter_load_bump(path), 0);
	file_get(path, s, sizeof(s));
	cr_assert_str_eq(s, "0\n");
	/* Anything else: EINVAL, the file left as it was. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		file_put(path, bad[i]);
		errno = 0;
		cr_assert_eq(pmip_hb_restart_counter_load_bump(path), -1, "\"%s\"", bad[i]);
		cr_assert_eq(errno, EINVAL, "\"%s\"", bad[i]);
		file_get(path, s, sizeof(s));
		cr_assert_str_eq(s, bad[i]);
	}
	cr_assert_eq(dir_entries(), 1);
	/* A directory that does not exist; a path that is a directory. */
	snprintf(path, sizeof(path), "%s/no/such/dir/rc", tdir);
	cr_assert_eq(pmip_hb_restart_counter_load_bump(path), -1);
	cr_assert_eq(errno, ENOENT);
	cr_assert_eq(pmip_hb_restart_counter_load_bump(tdir), -1);
	cr_assert_eq(errno, EISDIR);
	/* A relative path (the directory to sync is "."). */
	cr_assert_eq(chdir(tdir), 0);
	cr_assert_eq(pmip_hb_restart_counter_load_bump("rel"), 1);
	cr_assert_eq(pmip_hb_restart_counter_load_bump("rel"), 2);
	snprintf(path, sizeof(path), "rm -rf %s", tdir);
	cr_assert_eq(system(path), 0);
}
