/* Anti-replay window of an inbound ESP SA (RFC 4303 3.4.3), with extended
 * sequence numbers as in RFC 4303 Appendix A (A2: a window of W bits, the
 * high 32 bits inferred from the low 32 on the wire).
 *
 * The bitmap is a ring of 64-bit words in the style of RFC 6479: moving
 * the window forward clears the words it enters and never shifts the
 * others, so a packet costs one word access and a jump costs at most one
 * clear of the ring. Fixed size, no allocation: the struct lives in the SA.
 *
 * Use, per inbound packet, on the one lcore that owns the SA:
 *   1. pmip_replay_check() on the header's sequence number, before any
 *      crypto: drop unless OK; with ESN it gives the full 64-bit number,
 *      whose high half goes into the ICV computation (RFC 4303 2.2.1);
 *   2. verify the ICV;
 *   3. only if it verified, pmip_replay_update() with that full number
 *      (RFC 4303 3.4.3: the window moves for authenticated packets only).
 * No locking: one owner per SA (the caller's guarantee).
 */
#ifndef PMIP_COMMON_REPLAY_H
#define PMIP_COMMON_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#define PMIP_REPLAY_WINDOW_MIN 64     /* RFC 4303 3.4.3: 32 MUST, 64 SHOULD */
#define PMIP_REPLAY_WINDOW_MAX 1024
/* 2048 bits: a window of up to 1024 spans at most 17 words, so a word
 * entered by the top is never one the window still reads (RFC 6479 3). */
#define PMIP_REPLAY_RING_WORDS 32

#define PMIP_REPLAY_RESULTS(X)                                                 \
	X(OK, "ok")                                                            \
	X(REPLAYED, "replayed")   /* already received (bit set) */            \
	X(TOO_OLD, "too_old")     /* left of the window, or outside 1..2^64-1 */ \
	X(ZERO, "zero_seq")       /* 0: never sent (RFC 4303 3.3.3) */

enum pmip_replay_result {
#define PMIP_REPLAY_ENUM(code, name) PMIP_REPLAY_##code,
	PMIP_REPLAY_RESULTS(PMIP_REPLAY_ENUM)
#undef PMIP_REPLAY_ENUM
	PMIP_REPLAY_RESULT_COUNT
};

struct pmip_replay {
	uint64_t top;        /* highest number authenticated (64 bits with ESN); 0: none yet */
	uint32_t window;     /* W: a power of two, PMIP_REPLAY_WINDOW_MIN..MAX */
	bool esn;            /* extended sequence numbers negotiated (RFC 7296 3.3.2) */
	/* Bit n % 64 of word (n / 64) % PMIP_REPLAY_RING_WORDS: n was
	 * authenticated. Only numbers in top - W + 1 .. top are read. */
	uint64_t ring[PMIP_REPLAY_RING_WORDS];
};

/* An empty window of window bits: rounded up to a power of two and
 * clamped to PMIP_REPLAY_WINDOW_MIN..PMIP_REPLAY_WINDOW_MAX. */
void pmip_replay_init(struct pmip_replay *r, unsigned window, bool esn);

/* May a packet carrying seq_lo be processed? Without ESN the number is
 * seq_lo: 0 is ZERO; above the top, OK; W or more below it, TOO_OLD; in
 * the window, REPLAYED if seen, else OK. With ESN the high 32 bits are
 * inferred as in RFC 4303 A2.2 (the number is taken to be the one that
 * lies in top - W + 1 .. top - W + 2^32), so a number is never "too old"
 * by its low bits: one left of the window is taken as the next 2^32 cycle
 * and the ICV check, which covers the inferred high bits, rejects it. ESN
 * gives TOO_OLD only when the inferred number would fall before 1 or past
 * 2^64 - 1 (a sender cycling its counter, RFC 4303 3.3.3), and ZERO for
 * the 64-bit number 0. On OK, *seq_full is the 64-bit number (seq_lo
 * without ESN); otherwise it is not written. Does not change r. */
enum pmip_replay_result pmip_replay_check(const struct pmip_replay *r, uint32_t seq_lo,
					  uint64_t *seq_full);

/* Record seq_full (from an OK pmip_replay_check) once its ICV verified:
 * the window moves forward if it is above the top, never backward, and its
 * bit is set. It is checked again, so that a caller that checks several
 * packets before it updates any (crypto done in bursts) still accepts a
 * number once: OK if recorded now, REPLAYED if it was recorded since the
 * check, TOO_OLD if the window has since moved past it, ZERO for 0; on
 * anything but OK the packet must be dropped and r is unchanged. */
enum pmip_replay_result pmip_replay_update(struct pmip_replay *r, uint64_t seq_full);

const char *pmip_replay_result_name(enum pmip_replay_result res);

#endif
