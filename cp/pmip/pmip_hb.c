/* Heartbeat between MAG and LMA (RFC 5847): probing, answering, loss and
 * restart detection. See pmip_hb.h for the behaviour and its reasons.
 *
 * Peers live in an array of max_peers slots, found by a linear scan: a MAG
 * has a few LMAs, an LMA its MAGs (hundreds at most), and a scan costs one
 * comparison per peer per Heartbeat message, once per interval. Slots are
 * never moved, and each add gives its slot a new generation, so a callback
 * that deletes (or deletes and re-adds) a peer while the tick walks the
 * array is seen and the walk goes on safely.
 */
#include "pmip_hb.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "net/mh.h"

#define LOG_MODULE "hb"

#define NS_PER_S 1000000000ull

struct hb_peer {
	bool in_use;
	uint32_t gen;              /* of the add that filled this slot */
	struct in6_addr addr;
	uint32_t seq;              /* of the last Request sent; 0 before the first */
	bool outstanding;          /* that Request is unanswered */
	unsigned misses;           /* consecutive unanswered Requests */
	bool lost;                 /* peer_lost called, no match since */
	bool rc_known;
	uint32_t rc;               /* the peer's last Restart Counter */
	uint64_t requests_sent, responses_received;
};

struct pmip_hb {
	struct evloop *loop;       /* NULL: ticks come from pmip_hb_tick() only */
	struct pmip_hb_env env;
	struct in6_addr local;
	uint32_t restart_counter;  /* ours */
	unsigned interval_s, misses_allowed, max_peers, n_peers;
	uint32_t next_gen;
	struct evloop_timer timer;
	uint64_t next_ns;          /* the timer's next deadline */
	struct pmip_hb_stats stats;
	struct hb_peer *peers;
};

static const char *addr_str(const struct in6_addr *a, char *buf)
{
	return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

static struct hb_peer *peer_find(const struct pmip_hb *hb, const struct in6_addr *a)
{
	unsigned i;

	for (i = 0; i < hb->max_peers; i++)
		if (hb->peers[i].in_use && memcmp(&hb->peers[i].addr, a, sizeof(*a)) == 0)
			return &hb->peers[i];
	return NULL;
}

/* Is the slot still the peer it was when gen was read (a callback may
 * have deleted or replaced it)? */
static bool peer_same(const struct hb_peer *p, uint32_t gen)
{
	return p->in_use && p->gen == gen;
}

/* --------------------------------------------------------------- send -- */

static void send_request(struct pmip_hb *hb, struct hb_peer *p)
{
	uint8_t buf[PMIP_MH_MSG_MIN_LEN];
	struct pmip_mh_opts opt = { 0 };
	struct pmip_mh_hb m = { .flags = 0 };
	size_t n;

	/* RFC 5847 3.1: the Sequence Number matches the reply to the
	 * request; 0 is kept for "none sent yet" (pmip_hb_peer_info.seq). */
	if (++p->seq == 0)
		p->seq = 1;
	m.seq = p->seq;
	/* A Request carries no option: the Restart Counter goes in our
	 * Responses (RFC 5847 3.2, 5.3), which the peer asks for. */
	n = pmip_mh_heartbeat_build(buf, sizeof(buf), &hb->local, &p->addr, &m, &opt);
	p->outstanding = true;   /* sent or not: unanswered until answered */
	p->requests_sent++;
	if (n == 0 || hb->env.send_mh(hb->env.ctx, &p->addr, buf, n) != 0) {
		hb->stats.send_failed++;
		return;
	}
	hb->stats.requests_sent++;
}

static void send_response(struct pmip_hb *hb, const struct in6_addr *to, uint32_t seq)
{
	uint8_t buf[32];
	struct pmip_mh_opts opt = { 0 };
	struct pmip_mh_hb m = { .flags = PMIP_MH_HB_R, .seq = seq };
	size_t n;

	/* RFC 5847 5.1: answer with the Request's Sequence Number; 3.2: with
	 * our Restart Counter, for the peer's restart detection. */
	opt.has_restart_counter = true;
	opt.restart_counter = hb->restart_counter;
	n = pmip_mh_heartbeat_build(buf, sizeof(buf), &hb->local, to, &m, &opt);
	if (n == 0 || hb->env.send_mh(hb->env.ctx, to, buf, n) != 0) {
		hb->stats.send_failed++;
		return;
	}
	hb->stats.responses_sent++;
}

/* -------------------------------------------------------------- input -- */

/* A Restart Counter from p (RFC 5847 5.3). The first one only records:
 * nothing to compare it with. */
static void restart_check(struct pmip_hb *hb, struct hb_peer *p, uint32_t rc)
{
	struct in6_addr a = p->addr;   /* the callback may free the slot */
	char s[INET6_ADDRSTRLEN];

	if (!p->rc_known) {
		p->rc_known = true;
		p->rc = rc;
		return;
	}
	if (rc == p->rc)
		return;
	pmip_notice("peer %s restarted: Restart Counter %u, was %u", addr_str(&a, s), rc, p->rc);
	p->rc = rc;
	hb->stats.restarts++;
	if (hb->env.peer_restarted)
		hb->env.peer_restarted(hb->env.ctx, &a);
}

static void input_request(struct pmip_hb *hb, const struct in6_addr *src,
			  const struct in6_addr *dst, const struct pmip_mh *m)
{
	struct hb_peer *p;

	hb->stats.requests_received++;
	/* Our Response goes from local: a Request sent elsewhere would get
	 * an answer from an address the peer did not probe, which it could
	 * not match. */
	if (memcmp(dst, &hb->local, sizeof(*dst)) != 0) {
		hb->stats.misaddressed++;
		return;
	}
	send_response(hb, src, m->hb.seq);
	/* A peer may put its counter in Requests too: a change is a restart
	 * wherever it shows. Only for peers we probe: for others we keep no
	 * state, and their restarts are not ours to act on. */
	p = peer_find(hb, src);
	if (p && m->opt.has_restart_counter)
		restart_check(hb, p, m->opt.restart_counter);
}

static void input_response(struct pmip_hb *hb, const struct in6_addr *src,
			   const struct pmip_mh *m)
{
	struct hb_peer *p = peer_find(hb, src);
	struct in6_addr a;
	char s[INET6_ADDRSTRLEN];
	uint32_t gen;

	if (p == NULL) {
		hb->stats.unmatched++;
		return;
	}
	if (m->hb.flags & PMIP_MH_HB_U) {
		/* Unsolicited: no number to match; it only brings a counter. */
		hb->stats.responses_received++;
		p->responses_received++;
		if (m->opt.has_restart_counter)
			restart_check(hb, p, m->opt.restart_counter);
		return;
	}
	if (!p->outstanding || m->hb.seq != p->seq) {
		/* Late (an older Request's) or never asked: ignored whole,
		 * counter too, as it may predate a restart. */
		hb->stats.unmatched++;
		return;
	}
	p->outstanding = false;
	p->misses = 0;
	p->responses_received++;
	hb->stats.responses_received++;
	gen = p->gen;
	a = p->addr;
	if (p->lost) {
		p->lost = false;
		hb->stats.back++;
		pmip_notice("peer %s answers Heartbeats again", addr_str(&a, s));
		if (hb->env.peer_back)
			hb->env.peer_back(hb->env.ctx, &a);
		if (!peer_same(p, gen))
			return;
	}
	if (m->opt.has_restart_counter)
		restart_check(hb, p, m->opt.restart_counter);
}

void pmip_hb_input(struct pmip_hb *hb, const struct in6_addr *src, const struct in6_addr *dst,
		   const uint8_t *mh, size_t len)
{
	struct pmip_mh m;
	struct pmip_mh_err err;
	char s[INET6_ADDRSTRLEN], e[160];

	if (pmip_mh_parse(mh, len, src, dst, &m, &err) != PMIP_MH_ERR_OK) {
		/* Counted; logged at debug only: the sender decides how often. */
		hb->stats.malformed++;
		if (pmip_log_enabled(PMIP_LOG_DEBUG)) {
			pmip_mh_err_format(&err, e, sizeof(e));
			pmip_dbg("from %s: %s", addr_str(src, s), e);
		}
		return;
	}
	if (m.type != PMIP_MH_TYPE_HB) {
		hb->stats.not_heartbeat++;
		return;
	}
	/* RFC 5847 3.1: R tells a Response from a Request; U marks an
	 * unsolicited Response. U without R is no Response: a Request. */
	if (m.hb.flags & PMIP_MH_HB_R)
		input_response(hb, src, &m);
	else
		input_request(hb, src, dst, &m);
}

/* --------------------------------------------------------------- time -- */

void pmip_hb_tick(struct pmip_hb *hb)
{
	char s[INET6_ADDRSTRLEN];
	unsigned i;

	for (i = 0; i < hb->max_peers; i++) {
		struct hb_peer *p = &hb->peers[i];
		struct in6_addr a;
		uint32_t gen;

		if (!p->in_use)
			continue;
		gen = p->gen;
		a = p->addr;
		/* The Request of the last interval is still unanswered: a
		 * miss. MISSING_HEARTBEATS_ALLOWED of them in a row: the peer
		 * is down (RFC 5847 5.2). Once per outage; probing goes on. */
		if (p->outstanding) {
			if (p->misses < UINT_MAX)
				p->misses++;
			if (p->misses >= hb->misses_allowed && !p->lost) {
				p->lost = true;
				hb->stats.lost++;
				pmip_notice("peer %s lost: %u Heartbeat Requests unanswered",
					    addr_str(&a, s), p->misses);
				if (hb->env.peer_lost)
					hb->env.peer_lost(hb->env.ctx, &a);
				if (!peer_same(p, gen))
					continue;
			}
		}
		send_request(hb, p);
	}
}

static void timer_cb(struct evloop *loop, struct evloop_timer *t, void *arg)
{
	struct pmip_hb *hb = arg;
	uint64_t now = evloop_now_ns(loop), period = (uint64_t)hb->interval_s * NS_PER_S;

	pmip_hb_tick(hb);
	/* Drift-free: the next deadline from this one, not from now. But a
	 * loop that stalled past whole intervals (a stopped process, a long
	 * callback) must not catch up with a burst of ticks: each would count
	 * a miss without giving the peers time to answer, and a short stall
	 * would look like a lost peer. */
	hb->next_ns += period;
	if (hb->next_ns <= now)
		hb->next_ns = now + period;
	if (evloop_timer_start_at(loop, t, hb->next_ns) != 0)
		pmip_err("cannot re-arm the Heartbeat timer: %s", strerror(errno));
}

/* -------------------------------------------------------------- life -- */

struct pmip_hb *pmip_hb_new(struct evloop *loop, const struct pmip_hb_env *env,
			    const struct in6_addr *local, uint32_t restart_counter,
			    unsigned interval_s, unsigned misses_allowed, unsigned max_peers)
{
	struct pmip_hb *hb;

	if (env == NULL || env->send_mh == NULL || local == NULL || interval_s == 0 ||
	    misses_allowed == 0 || max_peers == 0) {
		errno = EINVAL;
		return NULL;
	}
	hb = calloc(1, sizeof(*hb));
	if (hb == NULL)
		return NULL;
	hb->peers = calloc(max_peers, sizeof(*hb->peers));
	if (hb->peers == NULL) {
		free(hb);
		return NULL;
	}
	hb->loop = loop;
	hb->env = *env;
	hb->local = *local;
	hb->restart_counter = restart_counter;
	hb->interval_s = interval_s;
	hb->misses_allowed = misses_allowed;
	hb->max_peers = max_peers;
	evloop_timer_init(&hb->timer, timer_cb, hb);
	if (loop != NULL) {
		/* From a fresh clock reading: the loop's cached one may be old
		 * when this runs at start-up, before the first iteration. */
		if (evloop_timer_start_ns(loop, &hb->timer, (uint64_t)interval_s * NS_PER_S) != 0) {
			free(hb->peers);
			free(hb);
			return NULL;
		}
		hb->next_ns = hb->timer.when_ns;
	}
	return hb;
}

void pmip_hb_free(struct pmip_hb *hb)
{
	if (hb == NULL)
		return;
	if (hb->loop != NULL)
		evloop_timer_stop(hb->loop, &hb->timer);
	free(hb->peers);
	free(hb);
}

int pmip_hb_peer_add(struct pmip_hb *hb, const struct in6_addr *peer)
{
	unsigned i;

	if (peer_find(hb, peer) != NULL)
		return 1;
	for (i = 0; i < hb->max_peers; i++) {
		struct hb_peer *p = &hb->peers[i];

		if (p->in_use)
			continue;
		memset(p, 0, sizeof(*p));
		p->in_use = true;
		p->gen = ++hb->next_gen;
		p->addr = *peer;
		hb->n_peers++;
		return 0;
	}
	errno = ENOSPC;
	return -1;
}

int pmip_hb_peer_del(struct pmip_hb *hb, const struct in6_addr *peer)
{
	struct hb_peer *p = peer_find(hb, peer);

	if (p == NULL) {
		errno = ENOENT;
		return -1;
	}
	p->in_use = false;
	hb->n_peers--;
	return 0;
}

/* ------------------------------------------------------------ queries -- */

const struct pmip_hb_stats *pmip_hb_stats(const struct pmip_hb *hb)
{
	return &hb->stats;
}

unsigned pmip_hb_peer_count(const struct pmip_hb *hb)
{
	return hb->n_peers;
}

bool pmip_hb_peer_get(const struct pmip_hb *hb, const struct in6_addr *peer,
		      struct pmip_hb_peer_info *out)
{
	const struct hb_peer *p = peer_find(hb, peer);

	if (p == NULL)
		return false;
	memset(out, 0, sizeof(*out));
	out->addr = p->addr;
	out->lost = p->lost;
	out->outstanding = p->outstanding;
	out->misses = p->misses;
	out->seq = p->seq;
	out->rc_known = p->rc_known;
	out->restart_counter = p->rc;
	out->requests_sent = p->requests_sent;
	out->responses_received = p->responses_received;
	return true;
}

/* snprintf into out at *n, keeping *n the length the whole text needs. */
static void put(char *out, size_t cap, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void put(char *out, size_t cap, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(*n < cap ? out + *n : NULL, *n < cap ? cap - *n : 0, fmt, ap);
	va_end(ap);
	if (r > 0)
		*n += (size_t)r;
}

size_t pmip_hb_list(const struct pmip_hb *hb, char *out, size_t cap)
{
	char s[INET6_ADDRSTRLEN], rc[16];
	const char *sep = "";
	size_t n = 0;
	unsigned i;

	if (cap > 0)
		out[0] = 0;
	put(out, cap, &n, "{\"restart_counter\":%u,\"interval_s\":%u,\"misses_allowed\":%u,"
			  "\"stats\":{", hb->restart_counter, hb->interval_s, hb->misses_allowed);
#define PMIP_HB_CTR_JSON(name, help)                                           \
	put(out, cap, &n, "%s\"" #name "\":%llu", sep, (unsigned long long)hb->stats.name); \
	sep = ",";
	PMIP_HB_COUNTERS(PMIP_HB_CTR_JSON)
#undef PMIP_HB_CTR_JSON
	put(out, cap, &n, "},\"peers\":[");
	sep = "";
	for (i = 0; i < hb->max_peers; i++) {
		const struct hb_peer *p = &hb->peers[i];

		if (!p->in_use)
			continue;
		if (p->rc_known)
			snprintf(rc, sizeof(rc), "%u", p->rc);
		else
			snprintf(rc, sizeof(rc), "null");
		put(out, cap, &n,
		    "%s{\"peer\":\"%s\",\"state\":\"%s\",\"misses\":%u,\"seq\":%u,"
		    "\"restart_counter\":%s,\"requests_sent\":%llu,\"responses_received\":%llu}",
		    sep, addr_str(&p->addr, s),
		    p->lost ? "lost" : p->responses_received ? "up" : "probing", p->misses, p->seq,
		    rc, (unsigned long long)p->requests_sent,
		    (unsigned long long)p->responses_received);
		sep = ",";
	}
	put(out, cap, &n, "]}");
	return n;
}

/* ---------------------------------------------------- restart counter -- */

/* The counter in path: 0 if the file does not exist, -1 with errno. */
static int64_t counter_read(const char *path)
{
	char buf[16];   /* "4294967295\n" and room to see more */
	unsigned long long v = 0;
	ssize_t r;
	size_t n = 0, i;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	while (n < sizeof(buf)) {
		r = read(fd, buf + n, sizeof(buf) - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			close(fd);
			errno = e;
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	/* One decimal number below 2^32, nothing else. */
	if (n == 0 || n > 10) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (buf[i] < '0' || buf[i] > '9') {
			errno = EINVAL;
			return -1;
		}
		v = v * 10 + (unsigned)(buf[i] - '0');
	}
	if (v > UINT32_MAX) {
		errno = EINVAL;
		return -1;
	}
	return (int64_t)v;
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t r = write(fd, s, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		s += r;
		n -= (size_t)r;
	}
	return 0;
}

/* fsync the directory holding path, so that the rename is on disk. */
static int dir_sync(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd, r;

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

int64_t pmip_hb_restart_counter_load_bump(const char *path)
{
	char tmp[PATH_MAX], text[16];
	int64_t old;
	uint32_t v;
	int fd, e, len;

	old = counter_read(path);
	if (old < 0)
		return -1;
	v = (uint32_t)((uint64_t)old + 1);   /* 2^32 - 1 wraps to 0: still a change */
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* In the same directory, so that rename() replaces path atomically. */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = snprintf(text, sizeof(text), "%u\n", v);
	if (write_all(fd, text, (size_t)len) != 0 || fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	if (dir_sync(path) != 0)
		return -1;   /* renamed: the temporary is gone */
	return v;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = e;
	return -1;
}
