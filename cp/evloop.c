/* Control-plane event loop: epoll, a timer min-heap and a signalfd. See
 * evloop.h for the design. */
#include "evloop.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

/* Ready events taken per epoll_wait(). Not a limit on fds: with more ready,
 * the rest are reported by the next iteration (level-triggered). */
#define EVLOOP_BATCH 64

/* Generation 0 is never given to a user fd: it tags the loop's signalfd. */
#define EVLOOP_GEN_SIGNAL 0u

#define NS_PER_MS 1000000ull

struct evloop_fd {
	evloop_fd_cb cb; /* NULL: slot free */
	void *arg;
	uint32_t events;
	uint32_t gen;    /* registration generation, also in epoll data */
};

struct evloop_signal {
	evloop_signal_cb cb; /* NULL: not handled by this loop */
	void *arg;
};

struct evloop {
	int epfd;
	int sigfd;                 /* -1 until the first evloop_signal_add() */
	bool stop;
	uint64_t now_ns;

	struct evloop_fd *fds;     /* indexed by fd */
	unsigned n_fds;            /* slots allocated */
	uint32_t next_gen;

	struct evloop_timer **heap; /* min-heap on (when_ns, seq) */
	unsigned heap_len;
	unsigned heap_cap;
	uint64_t next_seq;

	sigset_t sigmask;          /* signals read from sigfd */
	struct evloop_signal sigs[_NSIG];

	struct epoll_event batch[EVLOOP_BATCH];
};

static uint64_t clock_now_ns(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC cannot fail with a valid pointer. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t epoll_data_pack(int fd, uint32_t gen)
{
	return (uint64_t)gen << 32 | (uint32_t)fd;
}

struct evloop *evloop_create(void)
{
	struct evloop *loop;

	loop = calloc(1, sizeof(*loop));
	if (loop == NULL)
		return NULL;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		int err = errno;

		free(loop);
		errno = err;
		return NULL;
	}
	loop->sigfd = -1;
	loop->next_gen = EVLOOP_GEN_SIGNAL + 1;
	sigemptyset(&loop->sigmask);
	loop->now_ns = clock_now_ns();
	return loop;
}

void evloop_destroy(struct evloop *loop)
{
	if (loop == NULL)
		return;
	/* Leave no timer pointing into the freed heap, so that
	 * evloop_timer_pending() stays truthful and a later stop is a no-op. */
	for (unsigned i = 0; i < loop->heap_len; i++)
		loop->heap[i]->heap_index = EVLOOP_TIMER_IDLE;
	if (loop->sigfd >= 0)
		close(loop->sigfd);
	close(loop->epfd);
	free(loop->heap);
	free(loop->fds);
	free(loop);
}

/* ---- fds ---- */

static struct evloop_fd *fd_lookup(struct evloop *loop, int fd)
{
	if (fd < 0 || (unsigned)fd >= loop->n_fds || loop->fds[fd].cb == NULL)
		return NULL;
	return &loop->fds[fd];
}

/* Make loop->fds[fd] exist; doubles, so n adds cost O(n) copies. */
static int fd_table_grow(struct evloop *loop, int fd)
{
	unsigned need = (unsigned)fd + 1, cap = loop->n_fds ? loop->n_fds : 16;
	struct evloop_fd *fds;

	if (need <= loop->n_fds)
		return 0;
	while (cap < need)
		cap = cap > UINT_MAX / 2 ? need : cap * 2;
	fds = realloc(loop->fds, (size_t)cap * sizeof(*fds));
	if (fds == NULL) {
		errno = ENOMEM;
		return -1;
	}
	memset(fds + loop->n_fds, 0, (size_t)(cap - loop->n_fds) * sizeof(*fds));
	loop->fds = fds;
	loop->n_fds = cap;
	return 0;
}

int evloop_fd_add(struct evloop *loop, int fd, uint32_t events, evloop_fd_cb cb, void *arg)
{
	struct epoll_event ev = { .events = events };
	uint32_t gen;

	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
	if (cb == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (fd_lookup(loop, fd) != NULL) {
		errno = EEXIST;
		return -1;
	}
	if (fd_table_grow(loop, fd) < 0)
		return -1;
	gen = loop->next_gen++;
	if (loop->next_gen == EVLOOP_GEN_SIGNAL)
		loop->next_gen++;
	ev.data.u64 = epoll_data_pack(fd, gen);
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -1;
	loop->fds[fd] = (struct evloop_fd){ .cb = cb, .arg = arg, .events = events, .gen = gen };
	return 0;
}

int evloop_fd_mod(struct evloop *loop, int fd, uint32_t events)
{
	struct evloop_fd *f = fd_lookup(loop, fd);
	struct epoll_event ev = { .events = events };

	if (f == NULL) {
		errno = ENOENT;
		return -1;
	}
	ev.data.u64 = epoll_data_pack(fd, f->gen);
	if (epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev) < 0)
		return -1;
	f->events = events;
	return 0;
}

int evloop_fd_del(struct evloop *loop, int fd)
{
	struct evloop_fd *f = fd_lookup(loop, fd);

	if (f == NULL) {
		errno = ENOENT;
		return -1;
	}
	/* Clearing the slot is what stops a pending event of this batch from
	 * being dispatched; the epoll removal only stops future ones. If the
	 * caller closed fd first, the kernel may already have dropped it
	 * (EBADF, ENOENT): the slot is still cleared and that is success. */
	*f = (struct evloop_fd){ 0 };
	(void)epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
	return 0;
}

/* ---- timers: binary min-heap of (when_ns, seq) ---- */

static bool timer_before(const struct evloop_timer *a, const struct evloop_timer *b)
{
	return a->when_ns < b->when_ns || (a->when_ns == b->when_ns && a->seq < b->seq);
}

static void heap_set(struct evloop *loop, unsigned i, struct evloop_timer *t)
{
	loop->heap[i] = t;
	t->heap_index = i;
}

static void heap_sift_up(struct evloop *loop, unsigned i)
{
	struct evloop_timer *t = loop->heap[i];

	while (i > 0) {
		unsigned parent = (i - 1) / 2;

		if (!timer_before(t, loop->heap[parent]))
			break;
		heap_set(loop, i, loop->heap[parent]);
		i = parent;
	}
	heap_set(loop, i, t);
}

static void heap_sift_down(struct evloop *loop, unsigned i)
{
	struct evloop_timer *t = loop->heap[i];

	for (;;) {
		unsigned child = 2 * i + 1;

		if (child >= loop->heap_len)
			break;
		if (child + 1 < loop->heap_len &&
		    timer_before(loop->heap[child + 1], loop->heap[child]))
			child++;
		if (!timer_before(loop->heap[child], t))
			break;
		heap_set(loop, i, loop->heap[child]);
		i = child;
	}
	heap_set(loop, i, t);
}

/* Put the entry at i where it belongs after its key changed either way. */
static void heap_fix(struct evloop *loop, unsigned i)
{
	if (i > 0 && timer_before(loop->heap[i], loop->heap[(i - 1) / 2]))
		heap_sift_up(loop, i);
	else
		heap_sift_down(loop, i);
}

static void heap_remove(struct evloop *loop, struct evloop_timer *t)
{
	unsigned i = t->heap_index;
	struct evloop_timer *last = loop->heap[--loop->heap_len];

	t->heap_index = EVLOOP_TIMER_IDLE;
	if (last == t)
		return;
	heap_set(loop, i, last);
	heap_fix(loop, i);
}

int evloop_timer_start_at(struct evloop *loop, struct evloop_timer *t, uint64_t when_ns)
{
	/* A past deadline becomes "now": due all the same, and it keeps every
	 * timer armed during a timer phase at or after that phase's now, which
	 * timers_run() relies on. */
	t->when_ns = when_ns < loop->now_ns ? loop->now_ns : when_ns;
	t->seq = loop->next_seq++;
	if (t->heap_index != EVLOOP_TIMER_IDLE) {
		/* Already in the heap: move it, no allocation needed. */
		heap_fix(loop, t->heap_index);
		return 0;
	}
	if (loop->heap_len == loop->heap_cap) {
		unsigned cap = loop->heap_cap ? loop->heap_cap * 2 : 64;
		struct evloop_timer **heap;

		if (cap <= loop->heap_cap || cap >= EVLOOP_TIMER_IDLE) {
			errno = ENOMEM;
			return -1;
		}
		heap = realloc(loop->heap, (size_t)cap * sizeof(*heap));
		if (heap == NULL) {
			errno = ENOMEM;
			return -1;
		}
		loop->heap = heap;
		loop->heap_cap = cap;
	}
	heap_set(loop, loop->heap_len++, t);
	heap_sift_up(loop, t->heap_index);
	return 0;
}

int evloop_timer_start_ns(struct evloop *loop, struct evloop_timer *t, uint64_t delay_ns)
{
	return evloop_timer_start_at(loop, t, add_sat(clock_now_ns(), delay_ns));
}

int evloop_timer_start(struct evloop *loop, struct evloop_timer *t, uint64_t delay_ms)
{
	uint64_t delay_ns = delay_ms > UINT64_MAX / NS_PER_MS ? UINT64_MAX : delay_ms * NS_PER_MS;

	return evloop_timer_start_ns(loop, t, delay_ns);
}

void evloop_timer_init(struct evloop_timer *t, evloop_timer_cb cb, void *arg)
{
	*t = (struct evloop_timer){
		.cb = cb,
		.arg = arg,
		.heap_index = EVLOOP_TIMER_IDLE,
	};
}

void evloop_timer_stop(struct evloop *loop, struct evloop_timer *t)
{
	/* The heap slot must hold t: a zeroed, never-initialised timer
	 * (heap_index 0) is then a no-op instead of removing someone else's. */
	if (t->heap_index == EVLOOP_TIMER_IDLE || t->heap_index >= loop->heap_len ||
	    loop->heap[t->heap_index] != t)
		return;
	heap_remove(loop, t);
}

bool evloop_timer_pending(const struct evloop_timer *t)
{
	return t->heap_index != EVLOOP_TIMER_IDLE;
}

uint64_t evloop_now_ns(struct evloop *loop)
{
	return loop->now_ns;
}

/* epoll_wait() timeout for the earliest timer: whole ms rounded up, so that
 * the wake-up is never before the deadline. */
static int timer_wait_ms(struct evloop *loop)
{
	uint64_t when, ms;

	if (loop->heap_len == 0)
		return -1;
	when = loop->heap[0]->when_ns;
	if (when <= loop->now_ns)
		return 0;
	ms = (when - loop->now_ns + NS_PER_MS - 1) / NS_PER_MS;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

/* Run the timers due at the start of the phase. A timer armed during the
 * phase has a sequence number >= seq_end and a deadline >= now (fresh clock,
 * or clamped by evloop_timer_start_at()), so it sorts after every timer that
 * was due: meeting one at the top means the due ones are done, and a timer
 * re-armed with delay 0 waits for the next iteration instead of looping
 * here. */
static int timers_run(struct evloop *loop)
{
	uint64_t seq_end = loop->next_seq;
	int n = 0;

	loop->now_ns = clock_now_ns();
	while (loop->heap_len > 0) {
		struct evloop_timer *t = loop->heap[0];

		if (t->when_ns > loop->now_ns || t->seq >= seq_end)
			break;
		heap_remove(loop, t);
		t->cb(loop, t, t->arg);
		n++;
	}
	return n;
}

/* ---- signals ---- */

int evloop_signal_add(struct evloop *loop, int signo, evloop_signal_cb cb, void *arg)
{
	sigset_t one;
	int fd, err;

	if (signo <= 0 || signo >= _NSIG || signo == SIGKILL || signo == SIGSTOP || cb == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (loop->sigs[signo].cb != NULL) {
		errno = EEXIST;
		return -1;
	}
	sigemptyset(&one);
	sigaddset(&one, signo);
	sigaddset(&loop->sigmask, signo);
	/* Block first: a signal arriving before the signalfd exists then waits
	 * as pending and is read from it, instead of its default action
	 * running. */
	if (sigprocmask(SIG_BLOCK, &one, NULL) < 0)
		goto fail;
	fd = signalfd(loop->sigfd, &loop->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		goto fail;
	if (loop->sigfd < 0) {
		struct epoll_event ev = {
			.events = EPOLLIN,
			.data.u64 = epoll_data_pack(fd, EVLOOP_GEN_SIGNAL),
		};

		if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			err = errno;
			close(fd);
			errno = err;
			goto fail;
		}
		loop->sigfd = fd;
	}
	loop->sigs[signo] = (struct evloop_signal){ .cb = cb, .arg = arg };
	return 0;

fail:
	/* signo stays blocked if that step succeeded: unblocking it while
	 * pending would run its default action. */
	err = errno;
	sigdelset(&loop->sigmask, signo);
	errno = err;
	return -1;
}

/* Read every queued signal and run its callback. */
static int signals_dispatch(struct evloop *loop)
{
	struct signalfd_siginfo si[8];
	int n = 0;

	for (;;) {
		ssize_t len = read(loop->sigfd, si, sizeof(si));

		if (len < 0 && errno == EINTR)
			continue;
		if (len <= 0)
			break; /* EAGAIN: drained */
		for (size_t i = 0; i < (size_t)len / sizeof(si[0]); i++) {
			int signo = (int)si[i].ssi_signo;

			if (signo > 0 && signo < _NSIG && loop->sigs[signo].cb != NULL) {
				loop->sigs[signo].cb(loop, signo, loop->sigs[signo].arg);
				n++;
			}
		}
		if ((size_t)len < sizeof(si))
			break;
	}
	return n;
}

/* ---- the loop ---- */

static int fds_dispatch(struct evloop *loop, int n_ready)
{
	int n = 0;

	for (int i = 0; i < n_ready; i++) {
		const struct epoll_event *ev = &loop->batch[i];
		int fd = (int)(uint32_t)ev->data.u64;
		uint32_t gen = (uint32_t)(ev->data.u64 >> 32);
		struct evloop_fd *f;

		if (gen == EVLOOP_GEN_SIGNAL) {
			n += signals_dispatch(loop);
			continue;
		}
		/* Deleted (or deleted and re-added) by an earlier callback of
		 * this batch: the event belongs to a registration that is gone. */
		f = fd_lookup(loop, fd);
		if (f == NULL || f->gen != gen)
			continue;
		f->cb(loop, fd, ev->events, f->arg);
		n++;
	}
	return n;
}

int evloop_run_once(struct evloop *loop, int max_wait_ms)
{
	int wait_ms, n_ready, n;

	loop->now_ns = clock_now_ns();
	wait_ms = timer_wait_ms(loop);
	if (max_wait_ms >= 0 && (wait_ms < 0 || max_wait_ms < wait_ms))
		wait_ms = max_wait_ms;

	n_ready = epoll_wait(loop->epfd, loop->batch, EVLOOP_BATCH, wait_ms);
	if (n_ready < 0) {
		if (errno != EINTR)
			return -1;
		n_ready = 0;
	}
	loop->now_ns = clock_now_ns();

	n = fds_dispatch(loop, n_ready);
	n += timers_run(loop);
	return n;
}

int evloop_run(struct evloop *loop)
{
	loop->stop = false;
	while (!loop->stop) {
		if (evloop_run_once(loop, -1) < 0)
			return -1;
	}
	return 0;
}

void evloop_stop(struct evloop *loop)
{
	loop->stop = true;
}
