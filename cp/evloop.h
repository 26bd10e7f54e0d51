/* Control-plane event loop: file descriptors, timers and signals in one
 * thread (modelled on Redis ae.c; STYLE.md "The models").
 *
 * pmip-cp has a handful of sockets (IKE, RADIUS, Mobility Header, the dp
 * link eventfd) and many timers (retransmissions, binding lifetimes, DPD),
 * all handled by one thread. That needs no framework, only this:
 *
 *   fds      epoll, level-triggered unless the caller passes EPOLLET. The
 *            callback of each fd lives in an array indexed by the fd, grown
 *            on demand (fds are small dense integers, so a lookup is one
 *            index and there is no fixed limit). Each registration gets a
 *            generation number that travels in epoll_event.data with the fd:
 *            an event for an fd that a callback deleted (and maybe closed and
 *            re-added, getting the same number back from the kernel) earlier
 *            in the same epoll batch is recognised as stale and dropped, so
 *            evloop_fd_del() is safe from any callback.
 *   timers   a binary min-heap of caller-owned struct evloop_timer, ordered
 *            by (deadline, insertion sequence): O(log n) start, stop and
 *            re-arm, no malloc per timer, equal deadlines fire first-in
 *            first-out. Each timer remembers its heap index, so stopping is
 *            a direct removal, not a search.
 *   signals  blocked with sigprocmask() and read from one signalfd that sits
 *            in the same epoll set, so a signal callback runs in loop
 *            context like any other and may touch any state (unlike a
 *            signal handler).
 *
 * One iteration (evloop_run_once()):
 *   1. wait in epoll_wait() until an fd is ready or the earliest timer is
 *      due. The wait is in whole ms, rounded UP, and the deadline check is
 *      in ns, so a timer never runs before its deadline (at worst ~1 ms
 *      late);
 *   2. dispatch the ready fds (and signals);
 *   3. run every timer whose deadline is <= now, now being read once at the
 *      start of this phase, in (deadline, sequence) order. Timers armed
 *      during this phase are left for the next iteration even when already
 *      due, so a timer that re-arms itself with delay 0 runs once per
 *      iteration instead of spinning inside one.
 *
 * Time is CLOCK_MONOTONIC in ns. A timer's deadline is computed from a fresh
 * clock reading when it is armed, so a timer armed at the end of a slow
 * callback is still not early; evloop_now_ns() is the cached reading of the
 * current iteration (cheap, and the same for all callbacks of one phase).
 *
 * Single-threaded: no function here may be called from another thread or
 * from a signal handler, and evloop_run_once() must not be called from
 * inside one of its own callbacks.
 */
#ifndef PMIP_CP_EVLOOP_H
#define PMIP_CP_EVLOOP_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h> /* EPOLLIN, EPOLLOUT, ... for evloop_fd_add() */

struct evloop;
struct evloop_timer;

/* fd became ready. events: what epoll reported (EPOLLIN, EPOLLOUT, EPOLLERR,
 * EPOLLHUP, ...). */
typedef void (*evloop_fd_cb)(struct evloop *loop, int fd, uint32_t events, void *arg);
/* t expired. t is no longer pending when this runs; it may be re-armed,
 * stopped (no-op) or freed from here. */
typedef void (*evloop_timer_cb)(struct evloop *loop, struct evloop_timer *t, void *arg);
/* signo was delivered (once per read siginfo; standard signals that arrive
 * again before being read are merged by the kernel). */
typedef void (*evloop_signal_cb)(struct evloop *loop, int signo, void *arg);

/* heap_index of a timer that is not armed. */
#define EVLOOP_TIMER_IDLE UINT_MAX

/* A timer is intrusive: the caller embeds it in its own object (an SA, a
 * binding) and owns its memory; the loop only links it into its heap while
 * it is armed. Initialise with evloop_timer_init() before first use; the
 * fields are the loop's to change, read them only. A pending timer must be
 * stopped before its memory is freed. */
struct evloop_timer {
	uint64_t when_ns;    /* CLOCK_MONOTONIC deadline */
	evloop_timer_cb cb;
	void *arg;
	unsigned heap_index; /* position in the loop's min-heap, or EVLOOP_TIMER_IDLE */
	uint64_t seq;        /* insertion order: equal deadlines fire FIFO */
};

/* Create a loop (epoll instance, empty fd table and timer heap). Returns NULL
 * with errno set on failure. */
struct evloop *evloop_create(void);

/* Free the loop: closes the epoll fd and the signalfd, marks still-pending
 * timers idle. Does not close user fds (they are the caller's), and leaves
 * the signals blocked: unblocking one that is pending would run its default
 * action, for SIGTERM or SIGUSR1 the end of the process. NULL is a no-op.
 * Not from inside a callback of this loop. */
void evloop_destroy(struct evloop *loop);

/* Watch fd for events (EPOLLIN, EPOLLOUT, optionally EPOLLET, ...) and call
 * cb(loop, fd, ready_events, arg) when it is ready. Returns 0, or -1 with
 * errno: EEXIST fd is already watched, EBADF fd is negative or not open,
 * EPERM fd does not support epoll (a regular file), ENOMEM. */
int evloop_fd_add(struct evloop *loop, int fd, uint32_t events, evloop_fd_cb cb, void *arg);

/* Change the events watched on fd (0 pauses it without removing it).
 * Returns 0, or -1 with errno (ENOENT fd is not watched). */
int evloop_fd_mod(struct evloop *loop, int fd, uint32_t events);

/* Stop watching fd. Safe from inside any callback, also for the fd being
 * dispatched and for fds already reported ready in the same epoll batch:
 * their callbacks will not run. Call it before close(fd): epoll forgets a
 * closed fd only when no dup of it is left open. Returns 0, or -1 with
 * errno ENOENT if fd is not watched (the fd is forgotten even when the
 * kernel already had, because it was closed first). */
int evloop_fd_del(struct evloop *loop, int fd);

/* Initialise t as idle with its callback. Does not touch any loop; calling
 * it on a pending timer corrupts the heap (stop it first). */
void evloop_timer_init(struct evloop_timer *t, evloop_timer_cb cb, void *arg);

/* Arm t to expire delay_ms after now (a fresh CLOCK_MONOTONIC reading).
 * Re-arming a pending timer moves it (and gives it a new sequence number).
 * Callable from any callback, including t's own: a timer armed from the
 * timer phase runs at the earliest in the next iteration, even with delay
 * 0. Returns 0, or -1 with errno ENOMEM (t then stays idle). A delay too
 * large for the clock saturates (the timer never fires). */
int evloop_timer_start(struct evloop *loop, struct evloop_timer *t, uint64_t delay_ms);

/* evloop_timer_start() with the delay in ns. */
int evloop_timer_start_ns(struct evloop *loop, struct evloop_timer *t, uint64_t delay_ns);

/* Arm t for the absolute CLOCK_MONOTONIC deadline when_ns. A deadline before
 * evloop_now_ns() is set to evloop_now_ns() (due at once, after the timers
 * already due). For drift-free periodic timers (t->when_ns + period from the
 * callback) and for deadlines shared by several timers. Same rules and
 * result as evloop_timer_start(). */
int evloop_timer_start_at(struct evloop *loop, struct evloop_timer *t, uint64_t when_ns);

/* Disarm t if pending; stopping an idle timer does nothing (idempotent). A
 * timer stopped by a callback of the same timer phase does not fire. */
void evloop_timer_stop(struct evloop *loop, struct evloop_timer *t);

/* True while t is armed and has not fired yet. */
bool evloop_timer_pending(const struct evloop_timer *t);

/* The loop's CLOCK_MONOTONIC time in ns, refreshed at the start of each
 * iteration, after the wait and at the start of the timer phase. Inside a
 * timer callback it is >= the timer's when_ns. */
uint64_t evloop_now_ns(struct evloop *loop);

/* Deliver signo to cb through the loop: blocks signo with sigprocmask()
 * (threads created afterwards inherit the mask; threads created before must
 * block it themselves, or the kernel may deliver it to them) and adds it to
 * the loop's signalfd. Returns 0, or -1 with errno: EINVAL signo is not a
 * catchable signal, EEXIST signo already has a callback in this loop. */
int evloop_signal_add(struct evloop *loop, int signo, evloop_signal_cb cb, void *arg);

/* Run one iteration: wait for fds up to min(max_wait_ms, time to the next
 * timer) (max_wait_ms -1: until the next timer, or forever if there is
 * none; 0: poll), dispatch the ready fds and signals, then run the expired
 * timers. Returns the number of callbacks run (0 on timeout or when
 * interrupted by a signal: EINTR is not an error), or -1 with errno if
 * epoll_wait() failed. */
int evloop_run_once(struct evloop *loop, int max_wait_ms);

/* Run iterations until evloop_stop() is called. Clears an earlier stop
 * request on entry. Returns 0 after evloop_stop(), or -1 with errno on an
 * epoll error. With no fds, signals nor timers it waits forever. */
int evloop_run(struct evloop *loop);

/* Make evloop_run() return after the current iteration (the rest of the
 * iteration's callbacks still run). Callable from callbacks. */
void evloop_stop(struct evloop *loop);

#endif
