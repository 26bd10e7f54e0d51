/* Unit tests for cp/evloop: timer order and timing, stop and re-arm rules,
 * fd dispatch and deletion within a batch, signals, errors. */
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "evloop.h"

#define NS_PER_MS 1000000ull

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Run iterations until *count reaches target or budget_ms has passed. */
static void run_until(struct evloop *loop, const int *count, int target, int budget_ms)
{
	uint64_t end = mono_ns() + (uint64_t)budget_ms * NS_PER_MS;

	while (*count < target) {
		uint64_t now = mono_ns();

		if (now >= end)
			break;
		cr_assert_geq(evloop_run_once(loop, (int)((end - now) / NS_PER_MS) + 1), 0);
	}
}

static struct evloop *loop_new(void)
{
	struct evloop *loop = evloop_create();

	cr_assert_not_null(loop, "evloop_create: %s", strerror(errno));
	return loop;
}

/* ---- timers ---- */

struct rec_timer {
	struct evloop_timer t;
	int id;
	int *order;
	int *n;
};

/* Records the firing order; checks the timer is not early by the loop's
 * clock nor by a fresh one. */
static void rec_cb(struct evloop *loop, struct evloop_timer *t, void *arg)
{
	struct rec_timer *r = arg;

	cr_assert_eq(&r->t, t);
	cr_assert_geq(evloop_now_ns(loop), t->when_ns, "fired before its deadline (loop clock)");
	cr_assert_geq(mono_ns(), t->when_ns, "fired before its deadline (fresh clock)");
	cr_assert_not(evloop_timer_pending(t), "pending inside its own callback");
	r->order[(*r->n)++] = r->id;
}

Test(evloop, timers_deadline_order_fifo_for_equal)
{
	struct evloop *loop = loop_new();
	struct rec_timer r[7];
	int order[7], n = 0;
	uint64_t shared = evloop_now_ns(loop) + 2 * NS_PER_MS;
	static const int expect[7] = { 1, 3, 4, 5, 6, 2, 0 };

	for (int i = 0; i < 7; i++) {
		r[i] = (struct rec_timer){ .id = i, .order = order, .n = &n };
		evloop_timer_init(&r[i].t, rec_cb, &r[i]);
	}
	/* Equal deadlines (3, 4, 5) armed interleaved with others, so that
	 * FIFO order has to come from the sequence number, not heap luck. */
	cr_assert_eq(evloop_timer_start_at(loop, &r[3].t, shared), 0);
	cr_assert_eq(evloop_timer_start(loop, &r[0].t, 4), 0);
	cr_assert_eq(evloop_timer_start_at(loop, &r[4].t, shared), 0);
	cr_assert_eq(evloop_timer_start(loop, &r[1].t, 1), 0);
	cr_assert_eq(evloop_timer_start_ns(loop, &r[2].t, 3 * NS_PER_MS), 0);
	cr_assert_eq(evloop_timer_start_at(loop, &r[5].t, shared), 0);
	cr_assert_eq(evloop_timer_start_ns(loop, &r[6].t, 2 * NS_PER_MS), 0);
	cr_assert_eq(r[3].t.when_ns, r[5].t.when_ns);
	for (int i = 0; i < 7; i++)
		cr_assert(evloop_timer_pending(&r[i].t));

	run_until(loop, &n, 7, 500);
	cr_assert_eq(n, 7);
	for (int i = 0; i < 7; i++)
		cr_assert_eq(order[i], expect[i], "order[%d] = %d, expected %d", i, order[i], expect[i]);
	evloop_destroy(loop);
}

static void count_cb(struct evloop *loop, struct evloop_timer *t, void *arg)
{
	cr_assert_geq(evloop_now_ns(loop), t->when_ns);
	(*(int *)arg)++;
}

/* The epoll wait is rounded up to whole ms: a 1.5 ms timer is run by the
 * first iteration that waits for it, not after an early wake-up. */
Test(evloop, timer_wait_rounds_up)
{
	struct evloop *loop = loop_new();
	struct evloop_timer t;
	int fired = 0;

	evloop_timer_init(&t, count_cb, &fired);
	for (int i = 0; i < 5; i++) {
		cr_assert_eq(evloop_timer_start_ns(loop, &t, 1500000 + (uint64_t)i * 300000), 0);
		cr_assert_eq(evloop_run_once(loop, -1), 1, "iteration %d woke before the deadline", i);
		cr_assert_eq(fired, i + 1);
		cr_assert_geq(mono_ns(), t.when_ns);
	}
	/* max_wait_ms shorter than the timer: returns without running it. */
	cr_assert_eq(evloop_timer_start(loop, &t, 1000), 0);
	cr_assert_eq(evloop_run_once(loop, 2), 0);
	cr_assert_eq(fired, 5);
	evloop_destroy(loop);
}

Test(evloop, timer_stop_prevents_firing_and_is_idempotent)
{
	struct evloop *loop = loop_new();
	struct evloop_timer t, driver;
	int fired = 0, driven = 0;

	evloop_timer_init(&t, count_cb, &fired);
	evloop_timer_init(&driver, count_cb, &driven);
	cr_assert_not(evloop_timer_pending(&t));
	evloop_timer_stop(loop, &t); /* never armed */
	cr_assert_not(evloop_timer_pending(&t));

	cr_assert_eq(evloop_timer_start(loop, &t, 1), 0);
	cr_assert_eq(evloop_timer_start(loop, &driver, 5), 0);
	cr_assert(evloop_timer_pending(&t));
	evloop_timer_stop(loop, &t);
	cr_assert_not(evloop_timer_pending(&t));
	evloop_timer_stop(loop, &t);
	cr_assert_not(evloop_timer_pending(&t));
	cr_assert(evloop_timer_pending(&driver), "stopping t twice disturbed another timer");

	run_until(loop, &driven, 1, 500);
	cr_assert_eq(driven, 1);
	cr_assert_eq(fired, 0, "stopped timer fired");

	/* Usable again after a stop, and fires once. */
	cr_assert_eq(evloop_timer_start_ns(loop, &t, 0), 0);
	cr_assert_eq(evloop_run_once(loop, 0), 1);
	cr_assert_eq(fired, 1);
	cr_assert_eq(evloop_run_once(loop, 0), 0);
	cr_assert_eq(fired, 1);
	evloop_destroy(loop);
}

Test(evloop, timer_rearm_moves_pending_timer)
{
	struct evloop *loop = loop_new();
	struct evloop_timer t;
	int fired = 0;
	uint64_t first;

	evloop_timer_init(&t, count_cb, &fired);
	cr_assert_eq(evloop_timer_start(loop, &t, 1), 0);
	first = t.when_ns;
	cr_assert_eq(evloop_timer_start(loop, &t, 10000), 0);
	cr_assert_geq(t.when_ns, first + 9999 * NS_PER_MS);
	for (int i = 0; i < 5; i++)
		cr_assert_eq(evloop_run_once(loop, 2), 0);
	cr_assert_eq(fired, 0, "re-armed timer fired at its old deadline");
	cr_assert(evloop_timer_pending(&t));

	/* Moving it earlier works too. */
	cr_assert_eq(evloop_timer_start(loop, &t, 1), 0);
	run_until(loop, &fired, 1, 500);
	cr_assert_eq(fired, 1);

	/* destroy leaves a pending timer idle, not pointing into freed memory */
	cr_assert_eq(evloop_timer_start(loop, &t, 10000), 0);
	evloop_destroy(loop);
	cr_assert_not(evloop_timer_pending(&t));
}

struct periodic {
	struct evloop_timer t;
	int count;
	int limit;
	uint64_t delay_ms;
	bool at_past;       /* re-arm with a deadline already passed */
	uint64_t fired_at[8];
};

static void periodic_cb(struct evloop *loop, struct evloop_timer *t, void *arg)
{
	struct periodic *p = arg;

	cr_assert_geq(evloop_now_ns(loop), t->when_ns);
	if ((size_t)p->count < sizeof(p->fired_at) / sizeof(p->fired_at[0]))
		p->fired_at[p->count] = evloop_now_ns(loop);
	p->count++;
	if (p->count < p->limit && p->at_past)
		cr_assert_eq(evloop_timer_start_at(loop, t, 0), 0);
	else if (p->count < p->limit)
		cr_assert_eq(evloop_timer_start(loop, t, p->delay_ms), 0);
}

Test(evloop, timer_periodic_rearm_from_own_callback)
{
	struct evloop *loop = loop_new();
	struct periodic p = { .limit = 5, .delay_ms = 2 };

	evloop_timer_init(&p.t, periodic_cb, &p);
	cr_assert_eq(evloop_timer_start(loop, &p.t, p.delay_ms), 0);
	run_until(loop, &p.count, p.limit, 1000);
	cr_assert_eq(p.count, 5);
	cr_assert_not(evloop_timer_pending(&p.t));
	for (int i = 1; i < p.limit; i++)
		cr_assert_geq(p.fired_at[i] - p.fired_at[i - 1], p.delay_ms * NS_PER_MS,
			      "period %d too short", i);
	cr_assert_eq(evloop_run_once(loop, 5), 0);
	cr_assert_eq(p.count, 5);
	evloop_destroy(loop);
}

/* A timer that re-arms itself with delay 0, or with a deadline already
 * passed (due at the very now of the timer phase), runs once per iteration:
 * it does not spin inside one. */
Test(evloop, timer_rearm_zero_runs_next_iteration, .timeout = 5)
{
	struct evloop *loop = loop_new();
	struct periodic zero = { .limit = 1000, .delay_ms = 0 };
	struct periodic past = { .limit = 1000, .at_past = true };

	evloop_timer_init(&zero.t, periodic_cb, &zero);
	evloop_timer_init(&past.t, periodic_cb, &past);
	cr_assert_eq(evloop_timer_start(loop, &zero.t, 0), 0);
	cr_assert_eq(evloop_timer_start_at(loop, &past.t, 0), 0);
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(evloop_run_once(loop, 0), 2);
		cr_assert_eq(zero.count, i + 1);
		cr_assert_eq(past.count, i + 1);
		cr_assert(evloop_timer_pending(&zero.t));
		cr_assert(evloop_timer_pending(&past.t));
	}
	evloop_timer_stop(loop, &zero.t);
	evloop_timer_stop(loop, &past.t);
	cr_assert_eq(evloop_run_once(loop, 0), 0);
	evloop_destroy(loop);
}

struct killer {
	struct evloop_timer t;
	struct evloop_timer *victim;
	int fired;
};

static void killer_cb(struct evloop *loop, struct evloop_timer *t, void *arg)
{
	struct killer *k = arg;

	(void)t;
	k->fired++;
	if (k->victim != NULL)
		evloop_timer_stop(loop, k->victim);
}

Test(evloop, timer_stopped_by_earlier_callback_of_same_batch)
{
	struct evloop *loop = loop_new();
	struct killer a = { 0 }, b = { 0 }, c = { 0 };
	uint64_t due = evloop_now_ns(loop);

	evloop_timer_init(&a.t, killer_cb, &a);
	evloop_timer_init(&b.t, killer_cb, &b);
	evloop_timer_init(&c.t, killer_cb, &c);
	a.victim = &b.t;
	/* All three due now, in order a, b, c: a's callback stops b. */
	cr_assert_eq(evloop_timer_start_at(loop, &a.t, due), 0);
	cr_assert_eq(evloop_timer_start_at(loop, &b.t, due), 0);
	cr_assert_eq(evloop_timer_start_at(loop, &c.t, due), 0);
	cr_assert_eq(evloop_run_once(loop, 0), 2);
	cr_assert_eq(a.fired, 1);
	cr_assert_eq(b.fired, 0, "timer stopped by an earlier callback of the batch fired");
	cr_assert_eq(c.fired, 1);
	cr_assert_not(evloop_timer_pending(&b.t));
	cr_assert_eq(evloop_run_once(loop, 0), 0);
	cr_assert_eq(b.fired, 0);
	evloop_destroy(loop);
}

#define MANY 10000

struct many {
	struct evloop_timer t;
	int fired;
	bool stopped;
};

static struct {
	struct many m[MANY];
	uint64_t rng;
	int pending;
	int fired;
	uint64_t last_when;
	uint64_t last_seq;
} many_state;

static uint32_t many_rand(void)
{
	/* xorshift64: deterministic, no libc state */
	uint64_t x = many_state.rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	many_state.rng = x;
	return (uint32_t)(x >> 32);
}

static void many_stop(struct evloop *loop, struct many *v)
{
	if (evloop_timer_pending(&v->t)) {
		v->stopped = true;
		many_state.pending--;
	}
	evloop_timer_stop(loop, &v->t);
}

static void many_cb(struct evloop *loop, struct evloop_timer *t, void *arg)
{
	struct many *m = arg;

	cr_assert_eq(m->fired, 0, "timer %td fired twice", m - many_state.m);
	cr_assert_not(m->stopped, "stopped timer %td fired", m - many_state.m);
	cr_assert_geq(evloop_now_ns(loop), t->when_ns, "timer fired early");
	cr_assert(t->when_ns > many_state.last_when ||
		  (t->when_ns == many_state.last_when && t->seq > many_state.last_seq),
		  "out of order: (%llu, %llu) after (%llu, %llu)",
		  (unsigned long long)t->when_ns, (unsigned long long)t->seq,
		  (unsigned long long)many_state.last_when,
		  (unsigned long long)many_state.last_seq);
	many_state.last_when = t->when_ns;
	many_state.last_seq = t->seq;
	m->fired++;
	many_state.fired++;
	many_state.pending--;
	/* Now and then stop another timer, pending or not, from inside the
	 * batch: it may be due in this very batch. */
	if (many_rand() % 8 == 0)
		many_stop(loop, &many_state.m[many_rand() % MANY]);
}

Test(evloop, many_timers_fire_in_order_exactly_once, .timeout = 10)
{
	struct evloop *loop = loop_new();
	int stopped_before = 0, fired = 0, stopped = 0;
	uint64_t end;

	many_state.rng = 0x9e3779b97f4a7c15ull;
	many_state.pending = MANY;
	for (int i = 0; i < MANY; i++) {
		evloop_timer_init(&many_state.m[i].t, many_cb, &many_state.m[i]);
		cr_assert_eq(evloop_timer_start_ns(loop, &many_state.m[i].t,
						   many_rand() % (50 * NS_PER_MS)), 0);
	}
	for (int i = 0; i < MANY / 5; i++) {
		struct many *v = &many_state.m[many_rand() % MANY];

		if (evloop_timer_pending(&v->t))
			stopped_before++;
		many_stop(loop, v);
		many_stop(loop, v); /* idempotent, also mid-heap */
	}
	cr_assert_gt(stopped_before, MANY / 8);
	cr_assert_eq(many_state.pending, MANY - stopped_before);

	end = mono_ns() + 1000 * NS_PER_MS;
	while (many_state.pending > 0 && mono_ns() < end)
		cr_assert_geq(evloop_run_once(loop, 100), 0);
	cr_assert_eq(many_state.pending, 0, "%d timers never fired", many_state.pending);

	for (int i = 0; i < MANY; i++) {
		struct many *m = &many_state.m[i];

		cr_assert_not(evloop_timer_pending(&m->t));
		cr_assert_eq(m->fired + (int)m->stopped, 1, "timer %d: fired %d, stopped %d", i,
			     m->fired, m->stopped);
		fired += m->fired;
		stopped += m->stopped;
	}
	cr_assert_eq(fired, many_state.fired);
	cr_assert_gt(stopped, stopped_before, "no timer was stopped from a callback");
	evloop_destroy(loop);
}

static void stop_cb(struct evloop *loop, struct evloop_timer *t, void *arg)
{
	(void)t;
	(*(int *)arg)++;
	evloop_stop(loop);
}

Test(evloop, stop_from_timer_ends_run)
{
	struct evloop *loop = loop_new();
	struct evloop_timer stopper, later;
	int stops = 0, late = 0;
	uint64_t start = mono_ns();

	evloop_timer_init(&stopper, stop_cb, &stops);
	evloop_timer_init(&later, count_cb, &late);
	cr_assert_eq(evloop_timer_start(loop, &stopper, 2), 0);
	cr_assert_eq(evloop_timer_start(loop, &later, 5000), 0);
	cr_assert_eq(evloop_run(loop), 0);
	cr_assert_eq(stops, 1);
	cr_assert_eq(late, 0);
	cr_assert_lt(mono_ns() - start, 1000 * NS_PER_MS, "evloop_run did not stop");
	cr_assert(evloop_timer_pending(&later));

	/* run can be entered again after a stop */
	cr_assert_eq(evloop_timer_start(loop, &stopper, 1), 0);
	cr_assert_eq(evloop_run(loop), 0);
	cr_assert_eq(stops, 2);
	evloop_destroy(loop);
}

/* ---- fds ---- */

struct fd_rec {
	int calls;
	int fd;
	uint32_t events;
	bool drain;
};

static void fd_rec_cb(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct fd_rec *r = arg;
	char buf[16];

	(void)loop;
	r->calls++;
	r->fd = fd;
	r->events = events;
	if (r->drain)
		while (read(fd, buf, sizeof(buf)) > 0)
			;
}

static void pipe_new(int p[2])
{
	cr_assert_eq(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0, "pipe2: %s", strerror(errno));
}

Test(evloop, fd_readable_pipe)
{
	struct evloop *loop = loop_new();
	struct fd_rec r = { .drain = true };
	int p[2];

	pipe_new(p);
	cr_assert_eq(evloop_fd_add(loop, p[0], EPOLLIN, fd_rec_cb, &r), 0);
	cr_assert_eq(evloop_run_once(loop, 0), 0);
	cr_assert_eq(r.calls, 0, "callback ran for an empty pipe");

	cr_assert_eq(write(p[1], "x", 1), 1);
	cr_assert_eq(evloop_run_once(loop, 1000), 1);
	cr_assert_eq(r.calls, 1);
	cr_assert_eq(r.fd, p[0]);
	cr_assert(r.events & EPOLLIN, "events 0x%x without EPOLLIN", r.events);
	cr_assert_eq(evloop_run_once(loop, 0), 0, "drained pipe still reported");

	/* mod to 0 pauses the fd, mod back resumes it */
	cr_assert_eq(evloop_fd_mod(loop, p[0], 0), 0);
	cr_assert_eq(write(p[1], "y", 1), 1);
	cr_assert_eq(evloop_run_once(loop, 0), 0);
	cr_assert_eq(evloop_fd_mod(loop, p[0], EPOLLIN), 0);
	cr_assert_eq(evloop_run_once(loop, 0), 1);
	cr_assert_eq(r.calls, 2);

	/* after del, no more callbacks; the fd is still open (not ours) */
	cr_assert_eq(evloop_fd_del(loop, p[0]), 0);
	cr_assert_eq(write(p[1], "z", 1), 1);
	cr_assert_eq(evloop_run_once(loop, 0), 0);
	cr_assert_eq(r.calls, 2);
	cr_assert_eq(fcntl(p[0], F_GETFD), FD_CLOEXEC, "fd_del closed the fd");

	/* writable end: EPOLLOUT */
	cr_assert_eq(evloop_fd_add(loop, p[1], EPOLLOUT, fd_rec_cb, &r), 0);
	cr_assert_eq(evloop_run_once(loop, 0), 1);
	cr_assert_eq(r.fd, p[1]);
	cr_assert(r.events & EPOLLOUT);

	evloop_destroy(loop);
	cr_assert_eq(write(p[1], "w", 1), 1, "destroy closed a user fd");
	close(p[0]);
	close(p[1]);
}

/* Two readable pipes in one epoll batch: whichever callback runs first
 * deletes the other fd, then puts a fresh, idle pipe under the same fd
 * number and watches it. Neither the deleted registration nor the new one
 * may receive the stale event. */
struct del_other {
	int calls;
	int *total;
	int other_fd;
	int fresh_fd;
	struct fd_rec *fresh_rec;
};

static void del_other_cb(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct del_other *d = arg;
	char c;

	(void)events;
	d->calls++;
	(*d->total)++;
	cr_assert_eq(read(fd, &c, 1), 1);
	cr_assert_eq(evloop_fd_del(loop, d->other_fd), 0);
	cr_assert_eq(dup2(d->fresh_fd, d->other_fd), d->other_fd);
	cr_assert_eq(evloop_fd_add(loop, d->other_fd, EPOLLIN, fd_rec_cb, d->fresh_rec), 0);
}

Test(evloop, fd_del_of_other_fd_in_same_batch)
{
	struct evloop *loop = loop_new();
	struct fd_rec fresh_rec = { 0 };
	struct del_other a = { 0 }, b = { 0 };
	int pa[2], pb[2], pf[2], total = 0;

	pipe_new(pa);
	pipe_new(pb);
	pipe_new(pf);
	a = (struct del_other){ .total = &total, .other_fd = pb[0], .fresh_fd = pf[0],
				.fresh_rec = &fresh_rec };
	b = (struct del_other){ .total = &total, .other_fd = pa[0], .fresh_fd = pf[0],
				.fresh_rec = &fresh_rec };
	cr_assert_eq(evloop_fd_add(loop, pa[0], EPOLLIN, del_other_cb, &a), 0);
	cr_assert_eq(evloop_fd_add(loop, pb[0], EPOLLIN, del_other_cb, &b), 0);
	cr_assert_eq(write(pa[1], "a", 1), 1);
	cr_assert_eq(write(pb[1], "b", 1), 1);

	cr_assert_eq(evloop_run_once(loop, 1000), 1);
	cr_assert_eq(total, 1, "callback of a deleted fd ran (a %d, b %d)", a.calls, b.calls);
	cr_assert_eq(fresh_rec.calls, 0, "stale event went to the fd's new registration");
	/* The survivor is drained and the re-added fd is idle: nothing more
	 * to run. */
	cr_assert_eq(evloop_run_once(loop, 0), 0);
	cr_assert_eq(fresh_rec.calls, 0);

	evloop_destroy(loop);
	for (int i = 0; i < 2; i++) {
		close(pa[i]);
		close(pb[i]);
		close(pf[i]);
	}
}

static void del_self_cb(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	(void)events;
	(*(int *)arg)++;
	cr_assert_eq(evloop_fd_del(loop, fd), 0);
	cr_assert_eq(close(fd), 0);
}

Test(evloop, fd_del_self_from_callback)
{
	struct evloop *loop = loop_new();
	int p[2], calls = 0;

	pipe_new(p);
	cr_assert_eq(evloop_fd_add(loop, p[0], EPOLLIN, del_self_cb, &calls), 0);
	cr_assert_eq(write(p[1], "x", 1), 1);
	cr_assert_eq(evloop_run_once(loop, 1000), 1);
	cr_assert_eq(calls, 1);
	cr_assert_eq(evloop_run_once(loop, 0), 0);
	cr_assert_eq(evloop_fd_del(loop, p[0]), -1);
	cr_assert_eq(errno, ENOENT);
	evloop_destroy(loop);
	close(p[1]);
}

Test(evloop, fd_errors)
{
	struct evloop *loop = loop_new();
	struct fd_rec r = { 0 };
	int p[2], closed_fd;
	FILE *f;

	errno = 0;
	cr_assert_eq(evloop_fd_add(loop, -1, EPOLLIN, fd_rec_cb, &r), -1);
	cr_assert_eq(errno, EBADF);

	pipe_new(p);
	closed_fd = p[1];
	close(closed_fd);
	errno = 0;
	cr_assert_eq(evloop_fd_add(loop, closed_fd, EPOLLIN, fd_rec_cb, &r), -1);
	cr_assert_eq(errno, EBADF);

	cr_assert_eq(evloop_fd_add(loop, p[0], EPOLLIN, fd_rec_cb, &r), 0);
	errno = 0;
	cr_assert_eq(evloop_fd_add(loop, p[0], EPOLLIN, fd_rec_cb, &r), -1);
	cr_assert_eq(errno, EEXIST);

	/* a regular file cannot be polled */
	f = tmpfile();
	cr_assert_not_null(f);
	errno = 0;
	cr_assert_eq(evloop_fd_add(loop, fileno(f), EPOLLIN, fd_rec_cb, &r), -1);
	cr_assert_eq(errno, EPERM);
	/* the failed add left no registration behind */
	errno = 0;
	cr_assert_eq(evloop_fd_del(loop, fileno(f)), -1);
	cr_assert_eq(errno, ENOENT);
	fclose(f);

	errno = 0;
	cr_assert_eq(evloop_fd_mod(loop, closed_fd, EPOLLIN), -1);
	cr_assert_eq(errno, ENOENT);
	errno = 0;
	cr_assert_eq(evloop_fd_del(loop, 100000), -1);
	cr_assert_eq(errno, ENOENT);

	evloop_destroy(loop);
	close(p[0]);
}

/* A high fd number grows the table; no fixed limit. */
Test(evloop, fd_high_number)
{
	struct evloop *loop = loop_new();
	struct fd_rec r = { .drain = true };
	int p[2], high;

	pipe_new(p);
	high = fcntl(p[0], F_DUPFD_CLOEXEC, 900);
	cr_assert_geq(high, 900);
	cr_assert_eq(evloop_fd_add(loop, high, EPOLLIN, fd_rec_cb, &r), 0);
	cr_assert_eq(write(p[1], "x", 1), 1);
	cr_assert_eq(evloop_run_once(loop, 1000), 1);
	cr_assert_eq(r.fd, high);
	cr_assert_eq(evloop_fd_del(loop, high), 0);
	evloop_destroy(loop);
	close(high);
	close(p[0]);
	close(p[1]);
}

/* ---- signals ---- */

struct sig_rec {
	int calls;
	int signo;
};

static void sig_cb(struct evloop *loop, int signo, void *arg)
{
	struct sig_rec *s = arg;

	(void)loop;
	s->calls++;
	s->signo = signo;
}

Test(evloop, signal_delivery)
{
	struct evloop *loop = loop_new();
	struct sig_rec usr1 = { 0 }, usr2 = { 0 };

	cr_assert_eq(evloop_signal_add(loop, SIGUSR1, sig_cb, &usr1), 0);
	cr_assert_eq(raise(SIGUSR1), 0);
	cr_assert_eq(evloop_run_once(loop, 1000), 1);
	cr_assert_eq(usr1.calls, 1);
	cr_assert_eq(usr1.signo, SIGUSR1);
	cr_assert_eq(evloop_run_once(loop, 0), 0, "signal delivered twice");

	/* a second signal joins the same signalfd */
	cr_assert_eq(evloop_signal_add(loop, SIGUSR2, sig_cb, &usr2), 0);
	cr_assert_eq(raise(SIGUSR2), 0);
	cr_assert_eq(raise(SIGUSR1), 0);
	cr_assert_eq(evloop_run_once(loop, 1000), 2);
	cr_assert_eq(usr1.calls, 2);
	cr_assert_eq(usr2.calls, 1);
	cr_assert_eq(usr2.signo, SIGUSR2);

	errno = 0;
	cr_assert_eq(evloop_signal_add(loop, SIGUSR1, sig_cb, &usr1), -1);
	cr_assert_eq(errno, EEXIST);
	errno = 0;
	cr_assert_eq(evloop_signal_add(loop, SIGKILL, sig_cb, &usr1), -1);
	cr_assert_eq(errno, EINVAL);
	errno = 0;
	cr_assert_eq(evloop_signal_add(loop, 0, sig_cb, &usr1), -1);
	cr_assert_eq(errno, EINVAL);
	evloop_destroy(loop);
}
