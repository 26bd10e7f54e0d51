/* Anti-replay window (RFC 4303 3.4.3, Appendix A; ring bitmap of RFC 6479).
 * See replay.h. No allocation, logging or mutable global: packet path.
 */
#include "replay.h"

#include <string.h>

#define WORD_BITS 64
#define WORD_SHIFT 6
#define RING_MASK (PMIP_REPLAY_RING_WORDS - 1)

_Static_assert((PMIP_REPLAY_RING_WORDS & RING_MASK) == 0, "ring words: a power of two");
_Static_assert(PMIP_REPLAY_WINDOW_MAX / WORD_BITS + 1 < PMIP_REPLAY_RING_WORDS,
	       "the ring holds the largest window and the word the top enters");

static const char *const replay_names[PMIP_REPLAY_RESULT_COUNT] = {
#define PMIP_REPLAY_NAME(code, name) [PMIP_REPLAY_##code] = name,
	PMIP_REPLAY_RESULTS(PMIP_REPLAY_NAME)
#undef PMIP_REPLAY_NAME
};

const char *pmip_replay_result_name(enum pmip_replay_result res)
{
	if ((unsigned)res >= PMIP_REPLAY_RESULT_COUNT)
		return "unknown";
	return replay_names[res];
}

void pmip_replay_init(struct pmip_replay *r, unsigned window, bool esn)
{
	uint32_t w = PMIP_REPLAY_WINDOW_MIN;

	while (w < window && w < PMIP_REPLAY_WINDOW_MAX)
		w <<= 1;
	memset(r, 0, sizeof(*r));
	r->window = w;
	r->esn = esn;
}

static uint64_t *ring_word(struct pmip_replay *r, uint64_t n)
{
	return &r->ring[(n >> WORD_SHIFT) & RING_MASK];
}

static bool ring_test(const struct pmip_replay *r, uint64_t n)
{
	return (r->ring[(n >> WORD_SHIFT) & RING_MASK] >> (n & (WORD_BITS - 1))) & 1;
}

/* Where n stands against the window: above it (OK), in it (OK or
 * REPLAYED), or left of it (TOO_OLD). n != 0. */
static enum pmip_replay_result window_judge(const struct pmip_replay *r, uint64_t n)
{
	if (n > r->top)
		return PMIP_REPLAY_OK;
	if (r->top - n >= r->window)
		return PMIP_REPLAY_TOO_OLD;
	return ring_test(r, n) ? PMIP_REPLAY_REPLAYED : PMIP_REPLAY_OK;
}

/* RFC 4303 A2.2: the high half of the number whose low half is seq_lo,
 * taken in the 2^32 numbers from the window's bottom (top - W + 1) up.
 * false if that number would be below 0 or above 2^64 - 1. */
static bool esn_infer_hi(const struct pmip_replay *r, uint32_t seq_lo, uint32_t *hi)
{
	uint32_t tl = (uint32_t)r->top, th = (uint32_t)(r->top >> 32);
	uint32_t bottom_lo = tl - r->window + 1;   /* mod 2^32 */

	if (tl >= r->window - 1) {
		/* Case A: the window lies within subspace th. */
		if (seq_lo >= bottom_lo) {
			*hi = th;
			return true;
		}
		if (th == UINT32_MAX)
			return false;
		*hi = th + 1;
		return true;
	}
	/* Case B: the window straddles subspaces th - 1 and th. */
	if (seq_lo >= bottom_lo) {
		if (th == 0)
			return false;
		*hi = th - 1;
		return true;
	}
	*hi = th;
	return true;
}

enum pmip_replay_result pmip_replay_check(const struct pmip_replay *r, uint32_t seq_lo,
					  uint64_t *seq_full)
{
	enum pmip_replay_result res;
	uint64_t n;
	uint32_t hi;

	if (!r->esn) {
		n = seq_lo;
	} else {
		if (!esn_infer_hi(r, seq_lo, &hi))
			return PMIP_REPLAY_TOO_OLD;
		n = (uint64_t)hi << 32 | seq_lo;
	}
	if (n == 0)
		return PMIP_REPLAY_ZERO;
	res = window_judge(r, n);
	if (res == PMIP_REPLAY_OK)
		*seq_full = n;
	return res;
}

enum pmip_replay_result pmip_replay_update(struct pmip_replay *r, uint64_t seq_full)
{
	enum pmip_replay_result res;
	uint64_t w, from, to;

	if (seq_full == 0)
		return PMIP_REPLAY_ZERO;
	res = window_judge(r, seq_full);
	if (res != PMIP_REPLAY_OK)
		return res;
	if (seq_full > r->top) {
		/* Clear the words the top enters (RFC 6479 3.2); the top's own
		 * word keeps its bits, the ones the window still covers. */
		from = (r->top >> WORD_SHIFT) + 1;
		to = seq_full >> WORD_SHIFT;
		if (to >= from) {
			if (to - from >= PMIP_REPLAY_RING_WORDS)
				memset(r->ring, 0, sizeof(r->ring));
			else
				for (w = from; w <= to; w++)
					r->ring[w & RING_MASK] = 0;
		}
		r->top = seq_full;
	}
	*ring_word(r, seq_full) |= (uint64_t)1 << (seq_full & (WORD_BITS - 1));
	return PMIP_REPLAY_OK;
}
