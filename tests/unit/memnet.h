/* An in-memory network for engine tests: a fixed-capacity queue of
 * caller-defined messages (one element size, addressing metadata and all,
 * chosen by the harness), with loss, duplication and reordering drawn from
 * a seeded RNG, and the loops that drive an evloop and deliver what is
 * queued. It knows nothing of IKE or PMIPv6: the harness decides whether a
 * message can reach anyone, and delivers it through a callback (where it
 * may rewrite it, e.g. a NAT, or drop it, e.g. a test's tap).
 * Used by tests/unit/ikev2_pair.c and tests/unit/pmip_pair.c. */
#ifndef PMIP_TESTS_MEMNET_H
#define PMIP_TESTS_MEMNET_H

#include <stdbool.h>
#include <stddef.h>

#include "evloop.h"

struct memnet {
	struct evloop *loop;    /* created by memnet_init */
	/* Faults, in percent per message; reorder delivers a random queued
	 * message instead of the oldest. */
	unsigned loss_pct, dup_pct;
	bool reorder;
	unsigned seed;          /* rand_r state, 1 after init */
	unsigned sent, dropped, duplicated, delivered;
	unsigned n;             /* messages queued; a test may set it to 0 */
	/* The queue: mn_cap messages of mn_size bytes, plus one slot that
	 * holds the message being delivered (so its answers can be queued). */
	unsigned char *mn_slots;
	unsigned mn_cap;
	size_t mn_size;
	/* Hand msg to its receiver; false if dropped instead (counted). */
	bool (*mn_deliver)(void *ctx, void *msg);
	/* Does anyone wait for an answer (memnet_run without cond)? May be NULL. */
	bool (*mn_busy)(void *ctx);
	void *mn_ctx;
};

/* Set up mn (all counters and faults zero, seed 1) with a new evloop.
 * slots: room for cap + 1 messages of size bytes, owned by the caller.
 * deliver(ctx, msg) is called for every message taken from the queue;
 * busy(ctx) (or NULL) says whether the network is not yet quiet.
 * 0, or -1 if the evloop could not be created. */
int memnet_init(struct memnet *mn, void *slots, unsigned cap, size_t size,
		bool (*deliver)(void *ctx, void *msg), bool (*busy)(void *ctx), void *ctx);
/* Destroy the evloop (after the engines that use it are freed). */
void memnet_fini(struct memnet *mn);

/* A message leaves a node: counted as sent, and queued (maybe twice),
 * unless reachable is false or the loss fault takes it (counted as
 * dropped). msg is copied. A full queue drops it too. */
void memnet_send(struct memnet *mn, const void *msg, bool reachable);

/* Run timers and deliver for ms of real time. */
void memnet_wait(struct memnet *mn, unsigned ms);

/* Run timers and deliver until cond(arg) holds (checked after every
 * delivery), or, without cond, until nothing is queued and busy() is false;
 * true then. false once max_ms have passed. */
bool memnet_run(struct memnet *mn, bool (*cond)(void *arg), void *arg, unsigned max_ms);

#endif
