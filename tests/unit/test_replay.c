/* Unit tests for common/replay.c: the anti-replay window of RFC 4303
 * 3.4.3 with extended sequence numbers (Appendix A2), ring of RFC 6479.
 *
 * Hand-picked cases at the edges (W - 1 and W behind the top, far ahead,
 * the 2^32 wrap with ESN, both cases of A2.2 and their ends at 0 and
 * 2^64), then 1e6 random operations compared with a reference that keeps
 * the set of numbers seen and infers the high bits its own way (the one
 * number congruent to seq_lo in [top - W + 1, top - W + 2^32], A2.2 stated
 * as an interval).
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "replay.h"

#define OK PMIP_REPLAY_OK
#define REPLAYED PMIP_REPLAY_REPLAYED
#define TOO_OLD PMIP_REPLAY_TOO_OLD
#define ZERO PMIP_REPLAY_ZERO

static const unsigned windows[] = { 64, 128, 256, 512, 1024 };
#define NWIN (sizeof(windows) / sizeof(windows[0]))

/* check, and if OK the full number it gave. */
static enum pmip_replay_result chk(const struct pmip_replay *r, uint32_t lo, uint64_t *full)
{
	uint64_t f = 0x5a5a5a5a5a5a5a5aull;
	enum pmip_replay_result res = pmip_replay_check(r, lo, &f);

	if (res != OK)
		cr_assert_eq(f, 0x5a5a5a5a5a5a5a5aull, "seq_full written on %d", res);
	if (full)
		*full = f;
	return res;
}

/* check then update, as for a packet whose ICV verified. */
static enum pmip_replay_result accept(struct pmip_replay *r, uint32_t lo)
{
	uint64_t f;
	enum pmip_replay_result res = chk(r, lo, &f);

	if (res != OK)
		return res;
	cr_assert_eq((uint32_t)f, lo);
	return pmip_replay_update(r, f);
}

/* ---------------------------------------------------------- basics -- */

Test(replay, names)
{
	cr_assert_str_eq(pmip_replay_result_name(OK), "ok");
	cr_assert_str_eq(pmip_replay_result_name(REPLAYED), "replayed");
	cr_assert_str_eq(pmip_replay_result_name(TOO_OLD), "too_old");
	cr_assert_str_eq(pmip_replay_result_name(ZERO), "zero_seq");
	cr_assert_str_eq(pmip_replay_result_name(PMIP_REPLAY_RESULT_COUNT), "unknown");
	cr_assert_str_eq(pmip_replay_result_name((enum pmip_replay_result)-1), "unknown");
}

Test(replay, init_window)
{
	static const struct {
		unsigned ask, get;
	} t[] = {
		{ 0, 64 }, { 1, 64 }, { 32, 64 }, { 64, 64 }, { 65, 128 }, { 100, 128 },
		{ 128, 128 }, { 500, 512 }, { 1000, 1024 }, { 1024, 1024 }, { 1025, 1024 },
		{ 1u << 31, 1024 }, { ~0u, 1024 },
	};
	struct pmip_replay r;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&r, 0xa5, sizeof(r));
		pmip_replay_init(&r, t[i].ask, i & 1);
		cr_assert_eq(r.window, t[i].get, "asked %u", t[i].ask);
		cr_assert_eq(r.top, 0);
		cr_assert_eq(r.esn, (bool)(i & 1));
		for (size_t w = 0; w < PMIP_REPLAY_RING_WORDS; w++)
			cr_assert_eq(r.ring[w], 0);
	}
}

/* RFC 4303 3.3.3: the first packet carries 1; 0 is never sent. */
Test(replay, zero)
{
	struct pmip_replay r;

	pmip_replay_init(&r, 64, false);
	cr_assert_eq(chk(&r, 0, NULL), ZERO);
	cr_assert_eq(pmip_replay_update(&r, 0), ZERO);
	cr_assert_eq(accept(&r, 1), OK);
	cr_assert_eq(chk(&r, 0, NULL), ZERO);
	cr_assert_eq(r.top, 1);
	/* With ESN: the 64-bit number 0, on a fresh window. */
	pmip_replay_init(&r, 64, true);
	cr_assert_eq(chk(&r, 0, NULL), ZERO);
	cr_assert_eq(pmip_replay_update(&r, 0), ZERO);
	cr_assert_eq(r.top, 0);
}

Test(replay, first_packets_and_duplicates)
{
	struct pmip_replay r;
	uint32_t n;
	size_t w;

	for (w = 0; w < NWIN; w++) {
		pmip_replay_init(&r, windows[w], false);
		/* Before the top reaches W, every number from 1 is in the window. */
		for (n = 1; n <= windows[w] / 2; n++)
			cr_assert_eq(accept(&r, 2 * n), OK);
		for (n = 1; n <= windows[w]; n++)
			cr_assert_eq(chk(&r, n, NULL), n % 2 ? OK : REPLAYED, "W %u n %u",
				     windows[w], n);
		for (n = 1; n <= windows[w]; n += 2)
			cr_assert_eq(accept(&r, n), OK);
		for (n = 1; n <= windows[w]; n++) {
			cr_assert_eq(chk(&r, n, NULL), REPLAYED);
			cr_assert_eq(pmip_replay_update(&r, n), REPLAYED);
		}
		cr_assert_eq(r.top, windows[w]);
	}
}

/* -------------------------------------------------------- window edges -- */

Test(replay, edges)
{
	struct pmip_replay r;
	size_t w;
	int esn;

	for (esn = 0; esn < 2; esn++)
		for (w = 0; w < NWIN; w++) {
			uint32_t W = windows[w], t = 100000;

			pmip_replay_init(&r, W, esn);
			cr_assert_eq(accept(&r, t), OK);
			cr_assert_eq(chk(&r, t, NULL), REPLAYED);
			cr_assert_eq(chk(&r, t + 1, NULL), OK);
			/* W - 1 behind: the window's last slot. W behind: out. */
			cr_assert_eq(chk(&r, t - (W - 1), NULL), OK, "W %u", W);
			if (!esn) {
				cr_assert_eq(chk(&r, t - W, NULL), TOO_OLD, "W %u", W);
				cr_assert_eq(chk(&r, t - W - 1, NULL), TOO_OLD);
				cr_assert_eq(chk(&r, 1, NULL), TOO_OLD);
			} else {
				uint64_t f;

				/* A2.2 case A: below the window is the next cycle. */
				cr_assert_eq(chk(&r, t - W, &f), OK);
				cr_assert_eq(f, (1ull << 32) | (t - W));
				cr_assert_eq(chk(&r, 1, &f), OK);
				cr_assert_eq(f, (1ull << 32) | 1);
			}
			cr_assert_eq(accept(&r, t - (W - 1)), OK);
			cr_assert_eq(chk(&r, t - (W - 1), NULL), REPLAYED);
			/* The top moves by one: the old last slot falls out. */
			cr_assert_eq(accept(&r, t + 1), OK);
			if (!esn)
				cr_assert_eq(chk(&r, t - (W - 1), NULL), TOO_OLD);
			cr_assert_eq(pmip_replay_update(&r, t - (W - 1)), TOO_OLD);
			cr_assert_eq(chk(&r, t - (W - 2), NULL), OK);
			cr_assert_eq(chk(&r, t, NULL), REPLAYED);

			/* Far ahead: everything before is out, the new window
			 * empty but for the top. */
			cr_assert_eq(accept(&r, t + 0x7fffffffu), OK);
			cr_assert_eq(r.top, (uint64_t)t + 0x7fffffffu);
			cr_assert_eq(chk(&r, t + 0x7fffffffu, NULL), REPLAYED);
			for (uint32_t d = 1; d < W; d++)
				cr_assert_eq(chk(&r, t + 0x7fffffffu - d, NULL), OK, "d %u", d);
			if (!esn) {
				cr_assert_eq(chk(&r, t + 0x7fffffffu - W, NULL), TOO_OLD);
				cr_assert_eq(chk(&r, t, NULL), TOO_OLD);
				cr_assert_eq(chk(&r, t + 1, NULL), TOO_OLD);
			}
		}
}

/* The ring is 2048 bits: a number seen once must not come back as seen
 * when the top has moved on by a multiple of the ring (the words entered
 * are cleared), by steps of every size around the word and ring sizes. */
Test(replay, ring_reuse)
{
	static const uint32_t steps[] = { 1, 2, 63, 64, 65, 127, 128, 129, 1023, 1024, 1025,
					  2047, 2048, 2049, 4096, 4097, 100000 };
	struct pmip_replay r;
	size_t w, s;

	for (w = 0; w < NWIN; w++)
		for (s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
			uint32_t W = windows[w], n = 1, k;

			pmip_replay_init(&r, W, false);
			for (k = 0; k < 40; k++, n += steps[s]) {
				cr_assert_eq(accept(&r, n), OK, "W %u step %u n %u", W, steps[s],
					     n);
				/* Every number in the window that was not sent: not seen. */
				for (uint32_t d = 1; d < W && d < n; d++) {
					bool sent = d % steps[s] == 0 && d / steps[s] <= k;

					cr_assert_eq(chk(&r, n - d, NULL), sent ? REPLAYED : OK,
						     "W %u step %u n %u d %u", W, steps[s], n, d);
				}
			}
		}
}

Test(replay, every_number_in_order)
{
	struct pmip_replay r;
	uint32_t n;

	pmip_replay_init(&r, 1024, false);
	for (n = 1; n < 10000; n++) {
		cr_assert_eq(accept(&r, n), OK);
		cr_assert_eq(chk(&r, n, NULL), REPLAYED);
		cr_assert_eq(chk(&r, n + 1, NULL), OK);
		if (n > 1023)
			cr_assert_eq(chk(&r, n - 1023, NULL), REPLAYED);
		if (n > 1024)
			cr_assert_eq(chk(&r, n - 1024, NULL), TOO_OLD);
	}
}

/* RFC 4303 3.4.3: only an authenticated packet moves the window, and an
 * old one never moves it back. */
Test(replay, update_only_forward)
{
	struct pmip_replay r;
	uint64_t f;

	pmip_replay_init(&r, 64, false);
	cr_assert_eq(chk(&r, 500, &f), OK);
	/* ICV failed: no update, nothing recorded. */
	cr_assert_eq(r.top, 0);
	cr_assert_eq(chk(&r, 500, &f), OK);
	cr_assert_eq(pmip_replay_update(&r, 500), OK);
	cr_assert_eq(r.top, 500);
	cr_assert_eq(pmip_replay_update(&r, 480), OK);
	cr_assert_eq(r.top, 500);
	cr_assert_eq(pmip_replay_update(&r, 437), OK);   /* 500 - 63 */
	cr_assert_eq(r.top, 500);
	cr_assert_eq(pmip_replay_update(&r, 436), TOO_OLD);
	cr_assert_eq(r.top, 500);
	cr_assert_eq(chk(&r, 436, NULL), TOO_OLD);
	cr_assert_eq(pmip_replay_update(&r, 501), OK);
	cr_assert_eq(r.top, 501);
	cr_assert_eq(chk(&r, 437, NULL), TOO_OLD);
}

/* Several packets checked before any is updated (crypto in bursts): the
 * update checks again, so a duplicate in the same burst is accepted once,
 * and one the window left behind meanwhile is refused. */
Test(replay, deferred_updates)
{
	struct pmip_replay r;
	uint64_t a, b, c;

	pmip_replay_init(&r, 64, false);
	cr_assert_eq(chk(&r, 10, &a), OK);
	cr_assert_eq(chk(&r, 10, &b), OK);
	cr_assert_eq(chk(&r, 200, &c), OK);
	cr_assert_eq(pmip_replay_update(&r, a), OK);
	cr_assert_eq(pmip_replay_update(&r, b), REPLAYED);
	cr_assert_eq(pmip_replay_update(&r, c), OK);
	cr_assert_eq(r.top, 200);
	cr_assert_eq(chk(&r, 11, &a), TOO_OLD);
	cr_assert_eq(chk(&r, 150, &a), OK);
	cr_assert_eq(chk(&r, 300, &b), OK);
	cr_assert_eq(pmip_replay_update(&r, b), OK);
	cr_assert_eq(pmip_replay_update(&r, a), TOO_OLD);
	cr_assert_eq(r.top, 300);
}

/* ------------------------------------------------------ ESN (A2.2) -- */

Test(replay, esn_case_a)
{
	struct pmip_replay r;
	uint64_t f, top = (5ull << 32) | 1000;

	pmip_replay_init(&r, 64, true);
	cr_assert_eq(pmip_replay_update(&r, top), OK);
	/* Tl = 1000 >= W - 1: bottom 937. */
	cr_assert_eq(chk(&r, 1000, NULL), REPLAYED);
	cr_assert_eq(chk(&r, 937, &f), OK);
	cr_assert_eq(f, (5ull << 32) | 937);
	cr_assert_eq(chk(&r, 936, &f), OK);
	cr_assert_eq(f, (6ull << 32) | 936, "below the window: the next cycle");
	cr_assert_eq(chk(&r, 0, &f), OK);
	cr_assert_eq(f, 6ull << 32, "low half 0 is a valid number with ESN");
	cr_assert_eq(chk(&r, 2000, &f), OK);
	cr_assert_eq(f, (5ull << 32) | 2000);
	cr_assert_eq(chk(&r, 0xffffffffu, &f), OK);
	cr_assert_eq(f, (5ull << 32) | 0xffffffffu);

	/* The edge of case A: Tl = W - 1, bottom 0. */
	pmip_replay_init(&r, 64, true);
	cr_assert_eq(pmip_replay_update(&r, (7ull << 32) | 63), OK);
	cr_assert_eq(chk(&r, 0, &f), OK);
	cr_assert_eq(f, 7ull << 32);
	cr_assert_eq(chk(&r, 0xffffffffu, &f), OK);
	cr_assert_eq(f, (7ull << 32) | 0xffffffffu);
}

Test(replay, esn_case_b)
{
	struct pmip_replay r;
	uint64_t f, top = (5ull << 32) | 10;

	pmip_replay_init(&r, 64, true);
	cr_assert_eq(pmip_replay_update(&r, top), OK);
	/* Tl = 10 < W - 1: bottom is 10 - 63 = 2^32 - 53 in the previous cycle. */
	cr_assert_eq(chk(&r, 0xffffffffu - 52, &f), OK);
	cr_assert_eq(f, (4ull << 32) | (0xffffffffu - 52));
	cr_assert_eq(chk(&r, 0xffffffffu, &f), OK);
	cr_assert_eq(f, (4ull << 32) | 0xffffffffu);
	cr_assert_eq(chk(&r, 0xffffffffu - 53, &f), OK);
	cr_assert_eq(f, (5ull << 32) | (0xffffffffu - 53), "just below the bottom: ahead");
	cr_assert_eq(chk(&r, 0, &f), OK);
	cr_assert_eq(f, 5ull << 32);
	cr_assert_eq(chk(&r, 10, NULL), REPLAYED);
	cr_assert_eq(chk(&r, 11, &f), OK);
	cr_assert_eq(f, (5ull << 32) | 11);

	/* The previous cycle's numbers are tracked. */
	cr_assert_eq(pmip_replay_update(&r, (4ull << 32) | 0xfffffff0u), OK);
	cr_assert_eq(chk(&r, 0xfffffff0u, NULL), REPLAYED);
	cr_assert_eq(r.top, top);

	/* The edge of case B: Tl = W - 2, bottom 2^32 - 1. */
	pmip_replay_init(&r, 64, true);
	cr_assert_eq(pmip_replay_update(&r, (7ull << 32) | 62), OK);
	cr_assert_eq(chk(&r, 0xffffffffu, &f), OK);
	cr_assert_eq(f, (6ull << 32) | 0xffffffffu);
	cr_assert_eq(chk(&r, 0xfffffffeu, &f), OK);
	cr_assert_eq(f, (7ull << 32) | 0xfffffffeu);
}

/* Sending straight through the 2^32 wrap: the low half goes 0xffffffff,
 * 0, 1 ... and the window follows into the next cycle. */
Test(replay, esn_wrap)
{
	struct pmip_replay r;
	uint64_t n, f;
	size_t w;

	for (w = 0; w < NWIN; w++) {
		uint64_t start = 0xffffffffull - 2 * windows[w];

		pmip_replay_init(&r, windows[w], true);
		for (n = start; n < start + 4 * windows[w]; n++) {
			cr_assert_eq(chk(&r, (uint32_t)n, &f), OK, "n %llx", (unsigned long long)n);
			cr_assert_eq(f, n, "inferred %llx for %llx", (unsigned long long)f,
				     (unsigned long long)n);
			cr_assert_eq(pmip_replay_update(&r, f), OK);
			cr_assert_eq(chk(&r, (uint32_t)n, NULL), REPLAYED);
			/* Out of order inside the window, across the wrap. */
			if (n - start >= windows[w])
				cr_assert_eq(chk(&r, (uint32_t)(n - windows[w] + 1), NULL),
					     REPLAYED);
		}
		cr_assert_eq(r.top >> 32, 1);
	}
	/* Without ESN the counter ends at 2^32 - 1 (the SA must be rekeyed,
	 * RFC 4303 3.3.3): 0 is ZERO and 1 is too old. */
	pmip_replay_init(&r, 64, false);
	cr_assert_eq(accept(&r, 0xffffffffu), OK);
	cr_assert_eq(chk(&r, 0, NULL), ZERO);
	cr_assert_eq(chk(&r, 1, NULL), TOO_OLD);
	cr_assert_eq(chk(&r, 0xffffffffu - 63, NULL), OK);
}

/* A2.2 at the ends of the 64-bit space. */
Test(replay, esn_ends)
{
	struct pmip_replay r;
	uint64_t f;

	/* Th = 0, case B: "Th - 1" does not exist: the numbers that would be
	 * in it cannot have been sent. */
	pmip_replay_init(&r, 64, true);
	cr_assert_eq(chk(&r, 0xffffffffu, NULL), TOO_OLD);
	cr_assert_eq(chk(&r, 0xffffffffu - 62, NULL), TOO_OLD);
	cr_assert_eq(chk(&r, 0xffffffffu - 63, &f), OK);
	cr_assert_eq(f, 0xffffffffu - 63);
	cr_assert_eq(accept(&r, 10), OK);
	cr_assert_eq(chk(&r, 0xfffffff0u, NULL), TOO_OLD);
	cr_assert_eq(chk(&r, 5, &f), OK);
	cr_assert_eq(f, 5);

	/* Th = 2^32 - 1, case A: "Th + 1" would be past 2^64 - 1 (a sender
	 * cycling its counter, RFC 4303 3.3.3). */
	pmip_replay_init(&r, 64, true);
	cr_assert_eq(pmip_replay_update(&r, 0xffffffff00001000ull), OK);
	cr_assert_eq(chk(&r, 5, NULL), TOO_OLD);
	cr_assert_eq(chk(&r, 0x1000 - 64, NULL), TOO_OLD);
	cr_assert_eq(chk(&r, 0x1000 - 63, &f), OK);
	cr_assert_eq(f, 0xffffffff00000fc1ull);
	cr_assert_eq(chk(&r, 0xffffffffu, &f), OK);
	cr_assert_eq(f, UINT64_MAX);
	cr_assert_eq(pmip_replay_update(&r, UINT64_MAX), OK);
	cr_assert_eq(chk(&r, 0xffffffffu, NULL), REPLAYED);
	cr_assert_eq(chk(&r, 0, NULL), TOO_OLD);
	cr_assert_eq(chk(&r, 0xffffffffu - 63, &f), OK);
	cr_assert_eq(f, UINT64_MAX - 63);
	cr_assert_eq(chk(&r, 0xffffffffu - 64, NULL), TOO_OLD);
}

/* ------------------------------------------------- random vs reference -- */

/* xorshift64*: fixed seeds, reproducible runs. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/* The set of numbers seen: open addressing, 0 = empty (0 is never seen). */
#define SET_BITS 21
#define SET_SIZE (1u << SET_BITS)

struct ref {
	uint64_t top;
	uint64_t w;
	bool esn;
	uint64_t *set;
	size_t count;
};

static size_t set_slot(const struct ref *m, uint64_t n)
{
	size_t i = (size_t)((n * 0x9e3779b97f4a7c15ull) >> (64 - SET_BITS));

	while (m->set[i] != 0 && m->set[i] != n)
		i = (i + 1) & (SET_SIZE - 1);
	return i;
}

static bool ref_seen(const struct ref *m, uint64_t n)
{
	return m->set[set_slot(m, n)] == n;
}

static void ref_add(struct ref *m, uint64_t n)
{
	size_t i = set_slot(m, n);

	cr_assert_lt(m->count, SET_SIZE / 2, "reference set full");
	if (m->set[i] == 0) {
		m->set[i] = n;
		m->count++;
	}
}

static enum pmip_replay_result ref_judge(const struct ref *m, uint64_t n)
{
	if (n == 0)
		return ZERO;
	if (n > m->top)
		return OK;
	if (m->top - n >= m->w)
		return TOO_OLD;
	return ref_seen(m, n) ? REPLAYED : OK;
}

static enum pmip_replay_result ref_check(const struct ref *m, uint32_t lo, uint64_t *full)
{
	__int128 n;
	enum pmip_replay_result res;

	if (!m->esn) {
		n = lo;
	} else {
		/* The number congruent to lo in [bottom, bottom + 2^32). */
		__int128 bottom = (__int128)m->top - (__int128)m->w + 1;

		n = bottom + (((__int128)lo - bottom) & 0xffffffff);
		if (n < 0 || n > (__int128)UINT64_MAX)
			return TOO_OLD;
	}
	res = ref_judge(m, (uint64_t)n);
	if (res == OK)
		*full = (uint64_t)n;
	return res;
}

static enum pmip_replay_result ref_update(struct ref *m, uint64_t n)
{
	enum pmip_replay_result res = ref_judge(m, n);

	if (res != OK)
		return res;
	if (n > m->top)
		m->top = n;
	ref_add(m, n);
	return OK;
}

/* A low half worth trying: mostly near the top, often right on an edge. */
static uint32_t pick(uint64_t *s, const struct ref *m, uint64_t *recent, size_t nrecent)
{
	uint64_t x = rnd(s), w = m->w;
	int64_t d;

	switch (x % 16) {
	case 0:
	case 1:
	case 2:
	case 3:
		d = (int64_t)(rnd(s) % (3 * w)) - (int64_t)(2 * w);
		return (uint32_t)(m->top + (uint64_t)d);
	case 4:
	case 5:
		return (uint32_t)(m->top + 1 + rnd(s) % 8);
	case 6: {
		static const int64_t e[] = { 0, 1, -1 };
		uint64_t k = rnd(s) % 5;

		if (k < 3)
			return (uint32_t)(m->top + (uint64_t)e[k]);
		return (uint32_t)(m->top - w + (k - 3));   /* W behind, W - 1 behind */
	}
	case 7:
	case 8:
		return nrecent ? (uint32_t)recent[rnd(s) % nrecent] : 1;
	case 9:
		return (uint32_t)(m->top + 1 + rnd(s) % 100000);
	case 10:
		/* A big jump: up to 2^31 ahead (with ESN the wrap comes soon). */
		return (uint32_t)(m->top + 1 + rnd(s) % 0x80000000u);
	case 11:
		return (uint32_t)rnd(s);
	case 12:
		return (uint32_t)(rnd(s) % 4);
	default:
		return (uint32_t)(m->top - rnd(s) % w);
	}
}

/* How often each result came, from check and from update: the run must
 * reach every one of them to mean anything. */
static unsigned long seen_check[PMIP_REPLAY_RESULT_COUNT], seen_update[PMIP_REPLAY_RESULT_COUNT];

/* n operations from a window of w starting at start (0 = fresh). */
static void random_run(unsigned w, bool esn, uint64_t start, uint64_t seed, unsigned n)
{
	struct pmip_replay r;
	struct ref m = { 0 };
	uint64_t recent[64] = { 0 }, s = seed;
	size_t nrecent = 0, ri = 0;
	unsigned op;

	pmip_replay_init(&r, w, esn);
	m.w = r.window;
	m.esn = esn;
	m.set = calloc(SET_SIZE, sizeof(*m.set));
	cr_assert_not_null(m.set);
	if (start) {
		cr_assert_eq(pmip_replay_update(&r, start), ref_update(&m, start));
		cr_assert_eq(r.top, start);
	}

	for (op = 0; op < n;) {
		/* A burst of 1-8 packets checked, then the ones whose ICV
		 * "verified" (7 in 8) updated, in a random order. */
		uint64_t got[8], want[8];
		enum pmip_replay_result rg, rw;
		unsigned k = 1 + (unsigned)(rnd(&s) % 8), i, nb = 0;
		uint32_t lo;

		if (rnd(&s) % 2)
			k = 1;   /* half the time, one at a time */
		for (i = 0; i < k; i++, op++) {
			lo = pick(&s, &m, recent, nrecent);
			got[nb] = want[nb] = 0;
			rg = pmip_replay_check(&r, lo, &got[nb]);
			rw = ref_check(&m, lo, &want[nb]);
			cr_assert_eq(rg, rw, "op %u lo %x top %llx W %u esn %d: %s, want %s", op,
				     lo, (unsigned long long)m.top, w, esn,
				     pmip_replay_result_name(rg), pmip_replay_result_name(rw));
			seen_check[rg]++;
			if (rg != OK)
				continue;
			cr_assert_eq(got[nb], want[nb], "op %u lo %x", op, lo);
			cr_assert_eq((uint32_t)got[nb], lo);
			if (rnd(&s) % 8 != 0)
				nb++;
		}
		while (nb) {
			uint64_t x;

			i = (unsigned)(rnd(&s) % nb);
			x = got[i];
			rg = pmip_replay_update(&r, x);
			rw = ref_update(&m, x);
			cr_assert_eq(rg, rw, "update %llx top %llx", (unsigned long long)x,
				     (unsigned long long)m.top);
			cr_assert_eq(r.top, m.top);
			seen_update[rg]++;
			if (rg == OK) {
				recent[ri] = x;
				ri = (ri + 1) % 64;
				if (nrecent < 64)
					nrecent++;
			}
			got[i] = got[--nb];
		}
	}
	free(m.set);
}

/* 1e6 operations in all: every window, with and without ESN, fresh, near
 * a 2^32 boundary and near the end of the 64-bit space. */
Test(replay, random_vs_reference, .timeout = 120)
{
	static const uint64_t starts[] = { 0, 0xfffff000ull, 0x00000007fffff800ull,
					   0xffffffff7ffff000ull };
	size_t w, e, st;
	unsigned total = 0;
	uint64_t seed = 0x9d2c5680u;

	for (w = 0; w < NWIN; w++)
		for (e = 0; e < 2; e++)
			for (st = 0; st < 4; st++) {
				uint64_t start = starts[st];

				if (!e && start > 0xffffffffull)
					start = 0xffff0000u;   /* no ESN: 32-bit numbers */
				random_run(windows[w], e, start, seed++, 25000);
				total += 25000;
			}
	cr_assert_eq(total, 1000000);
	for (size_t i = 0; i < PMIP_REPLAY_RESULT_COUNT; i++)
		cr_log_info("check %s: %lu, update %s: %lu", pmip_replay_result_name(i),
			    seen_check[i], pmip_replay_result_name(i), seen_update[i]);
	cr_assert_gt(seen_check[OK], 100000);
	cr_assert_gt(seen_check[REPLAYED], 10000);
	cr_assert_gt(seen_check[TOO_OLD], 10000);
	cr_assert_gt(seen_check[ZERO], 1000);
	cr_assert_gt(seen_update[REPLAYED], 100, "duplicates within a burst");
	cr_assert_gt(seen_update[TOO_OLD], 100, "the window moved past a burst's number");
}
