/* In-memory network for engine tests: see memnet.h. */
#include "memnet.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int memnet_init(struct memnet *mn, void *slots, unsigned cap, size_t size,
		bool (*deliver)(void *ctx, void *msg), bool (*busy)(void *ctx), void *ctx)
{
	memset(mn, 0, sizeof(*mn));
	mn->seed = 1;
	mn->mn_slots = slots;
	mn->mn_cap = cap;
	mn->mn_size = size;
	mn->mn_deliver = deliver;
	mn->mn_busy = busy;
	mn->mn_ctx = ctx;
	mn->loop = evloop_create();
	return mn->loop != NULL ? 0 : -1;
}

void memnet_fini(struct memnet *mn)
{
	if (mn->loop != NULL)
		evloop_destroy(mn->loop);
	mn->loop = NULL;
	mn->n = 0;
}

/* rand_r on the test's seed: a failing seed replays the same faults. */
static unsigned rnd(struct memnet *mn)
{
	return (unsigned)rand_r(&mn->seed);
}

static unsigned char *slot(const struct memnet *mn, unsigned i)
{
	return mn->mn_slots + (size_t)i * mn->mn_size;
}

static void enqueue(struct memnet *mn, const void *msg)
{
	if (mn->n == mn->mn_cap) {
		mn->dropped++;
		return;
	}
	memcpy(slot(mn, mn->n++), msg, mn->mn_size);
}

void memnet_send(struct memnet *mn, const void *msg, bool reachable)
{
	mn->sent++;
	/* No RNG draw for an unreachable message: seeds keep their meaning. */
	if (!reachable || (mn->loss_pct && rnd(mn) % 100 < mn->loss_pct)) {
		mn->dropped++;
		return;
	}
	enqueue(mn, msg);
	if (mn->dup_pct && rnd(mn) % 100 < mn->dup_pct) {
		mn->duplicated++;
		enqueue(mn, msg);
	}
}

static void deliver_one(struct memnet *mn)
{
	unsigned i = mn->reorder ? rnd(mn) % mn->n : 0;
	/* Out of the queue before delivery: the receiver's answers are queued
	 * while it runs, and need the room. */
	unsigned char *m = slot(mn, mn->mn_cap);
	memcpy(m, slot(mn, i), mn->mn_size);
	memmove(slot(mn, i), slot(mn, i + 1), (size_t)(mn->n - i - 1) * mn->mn_size);
	mn->n--;
	if (mn->mn_deliver(mn->mn_ctx, m))
		mn->delivered++;
	else
		mn->dropped++;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void memnet_wait(struct memnet *mn, unsigned ms)
{
	uint64_t end = now_ms() + ms;
	while (now_ms() < end) {
		evloop_run_once(mn->loop, 1);
		while (mn->n > 0)
			deliver_one(mn);
	}
}

bool memnet_run(struct memnet *mn, bool (*cond)(void *arg), void *arg, unsigned max_ms)
{
	uint64_t end = now_ms() + max_ms;
	for (;;) {
		evloop_run_once(mn->loop, 0);
		while (mn->n > 0) {
			deliver_one(mn);
			if (cond != NULL && cond(arg))
				return true;
		}
		if (cond != NULL && cond(arg))
			return true;
		if (cond == NULL && (mn->mn_busy == NULL || !mn->mn_busy(mn->mn_ctx)))
			return true; /* quiet: nothing queued, nothing to retransmit */
		if (now_ms() >= end)
			return false;
		evloop_run_once(mn->loop, 1);
	}
}
