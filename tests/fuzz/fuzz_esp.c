/* libFuzzer target for common/net/esp.c and common/replay.c.
 *
 * Input: a byte choosing the SA transform (IV length, ICV length, block),
 * a byte choosing the replay window (W, ESN), then bytes that are at once:
 *  - an ESP packet for pmip_esp_parse,
 *  - a decrypted payload for pmip_esp_trailer_check,
 *  - a UDP payload on port 4500 for pmip_udp_encap_classify,
 *  - a program of replay operations, 5 bytes each (below).
 * Every codec call gets an exact-size heap copy, so that ASan catches a
 * read past the end. Invariants checked with abort():
 *  - each codec answers what a plain reading of its rule gives (parse:
 *    SHORT, ESP_SPI, ESP_TRUNCATED, ESP_ALIGN in that order; trailer:
 *    SHORT, ESP_PAD_LENGTH, ESP_PADDING, ESP_DUMMY; classify), and an OK
 *    parse has offsets that add up to the length;
 *  - a trailer built for the input's length parses back;
 *  - replay: an accepted number (update OK) is never accepted again; check
 *    and update agree with a reference that keeps the accepted numbers and
 *    infers ESN high bits as "the number congruent to seq_lo in
 *    [top - W + 1, top - W + 2^32]"; check's number has seq_lo as its low
 *    half; the top never goes back.
 * Replay operation, 5 bytes: op, then 4 bytes x (big-endian). op & 3 picks
 * seq_lo: 0: x; 1: the reference's top low half + (int16)x; 2: that top
 * - W + (x % 4) (the edge); 3: a number accepted before (x indexes them).
 * op & 4: check only (ICV failed). op & 8: check now, update after the next
 * operation (crypto in bursts: a pending number is updated late, so the
 * update's own check is reached). op & 0x30 == 0x30: update an arbitrary
 * full number (top + x), as if from an earlier check (moves the window
 * far, near the 2^32 and 2^64 ends).
 * Seeds: tests/fuzz/corpus/esp (the ESP packets, plaintexts and UDP
 * payloads of test_esp_codec.c, and replay programs).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/esp.h"
#include "net/pkt.h"
#include "replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c))                                                      \
			abort();                                               \
	} while (0)

#define MAX_INPUT 4096
#define MAX_ACCEPTED (MAX_INPUT / 5 + 1)

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint8_t *dup_exact(const uint8_t *b, size_t len)
{
	uint8_t *m = malloc(len ? len : 1);

	CHECK(m != NULL);
	if (len)
		memcpy(m, b, len);
	return m;
}

/* ----------------------------------------------------------- codecs -- */

static void fuzz_parse(const uint8_t *b, size_t len, size_t iv, size_t icv, size_t block)
{
	struct pmip_esp_view v;
	enum pmip_pkt_err want, got;
	uint8_t *m = dup_exact(b, len);

	if (len < 8)
		want = PMIP_PKT_ERR_SHORT;
	else if (be32(b) <= 255)
		want = PMIP_PKT_ERR_ESP_SPI;
	else if (len < 8 + iv + 2 + icv)
		want = PMIP_PKT_ERR_ESP_TRUNCATED;
	else if (block > 1 && (len - 8 - iv - icv) % block != 0)
		want = PMIP_PKT_ERR_ESP_ALIGN;
	else
		want = PMIP_PKT_ERR_OK;
	got = pmip_esp_parse(m, len, iv, icv, block, &v);
	CHECK(got == want);
	if (got == PMIP_PKT_ERR_OK) {
		CHECK(v.spi == be32(b) && v.seq == be32(b + 4));
		CHECK(v.iv_off == 8 && v.iv_len == iv && v.ct_off == 8 + iv);
		CHECK(v.ct_len >= 2 && v.icv_off == v.ct_off + v.ct_len && v.icv_len == icv);
		CHECK(v.icv_off + v.icv_len == len);
		CHECK(block <= 1 || v.ct_len % block == 0);
	}
	free(m);
}

static void fuzz_trailer(const uint8_t *b, size_t len)
{
	enum pmip_pkt_err want = PMIP_PKT_ERR_OK, got;
	uint8_t pl = 0, nh = 0;
	uint8_t *m = dup_exact(b, len);
	size_t i;

	if (len < 2) {
		want = PMIP_PKT_ERR_SHORT;
	} else if ((size_t)b[len - 2] + 2 > len) {
		want = PMIP_PKT_ERR_ESP_PAD_LENGTH;
	} else {
		for (i = 0; i < b[len - 2]; i++)
			if (b[len - 2 - b[len - 2] + i] != i + 1)
				want = PMIP_PKT_ERR_ESP_PADDING;
		if (want == PMIP_PKT_ERR_OK && b[len - 1] == 59)
			want = PMIP_PKT_ERR_ESP_DUMMY;
	}
	got = pmip_esp_trailer_check(m, len, &pl, &nh);
	CHECK(got == want);
	if (got == PMIP_PKT_ERR_OK || got == PMIP_PKT_ERR_ESP_DUMMY)
		CHECK(pl == b[len - 2] && nh == b[len - 1]);
	free(m);
}

static void fuzz_classify(const uint8_t *b, size_t len)
{
	enum pmip_udp_encap_kind want;
	uint8_t *m = dup_exact(b, len);

	if (len == 1 && b[0] == 0xff)
		want = PMIP_UDP_ENCAP_KEEPALIVE;
	else if (len < 4)
		want = PMIP_UDP_ENCAP_INVALID;
	else if (be32(b) != 0)
		want = PMIP_UDP_ENCAP_ESP;
	else if (len < 4 + 28)
		want = PMIP_UDP_ENCAP_INVALID;
	else
		want = PMIP_UDP_ENCAP_IKE;
	CHECK(pmip_udp_encap_classify(m, len) == want);
	free(m);
}

/* A packet laid out for a payload of the input's length parses back. */
static void fuzz_build(size_t payload, size_t iv, size_t icv, size_t block)
{
	static uint8_t pkt[8 + 16 + MAX_INPUT + 256 + 2 + 16];
	struct pmip_esp_view v;
	size_t pad = pmip_esp_pad_len(payload, block), n;
	uint8_t pl, nh;

	CHECK(pad < (block > 1 ? block : 1));
	pmip_esp_hdr_write(pkt, 0x100 + (uint32_t)payload, (uint32_t)payload);
	n = 8 + iv;
	memset(pkt + n, 0x5a, payload);
	n += payload;
	CHECK(pmip_esp_trailer_write(pkt + n, pad, 41) == pad + 2);
	n += pad + 2;
	memset(pkt + n, 0xa5, icv);
	n += icv;
	CHECK(pmip_esp_parse(pkt, n, iv, icv, block, &v) == PMIP_PKT_ERR_OK);
	CHECK(v.ct_len == payload + pad + 2);
	CHECK(pmip_esp_trailer_check(pkt + v.ct_off, v.ct_len, &pl, &nh) == PMIP_PKT_ERR_OK);
	CHECK(pl == pad && nh == 41);
}

/* ----------------------------------------------------------- replay -- */

struct ref {
	uint64_t top, w;
	bool esn;
	uint64_t accepted[MAX_ACCEPTED + 1];
	size_t n;
};

static bool ref_has(const struct ref *m, uint64_t x)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->accepted[i] == x)
			return true;
	return false;
}

static enum pmip_replay_result ref_judge(const struct ref *m, uint64_t x)
{
	if (x == 0)
		return PMIP_REPLAY_ZERO;
	if (x > m->top)
		return PMIP_REPLAY_OK;
	if (m->top - x >= m->w)
		return PMIP_REPLAY_TOO_OLD;
	return ref_has(m, x) ? PMIP_REPLAY_REPLAYED : PMIP_REPLAY_OK;
}

static enum pmip_replay_result ref_check(const struct ref *m, uint32_t lo, uint64_t *full)
{
	__int128 x = lo;
	enum pmip_replay_result res;

	if (m->esn) {
		__int128 bottom = (__int128)m->top - (__int128)m->w + 1;

		x = bottom + (((__int128)lo - bottom) & 0xffffffff);
		if (x < 0 || x > (__int128)UINT64_MAX)
			return PMIP_REPLAY_TOO_OLD;
	}
	res = ref_judge(m, (uint64_t)x);
	if (res == PMIP_REPLAY_OK)
		*full = (uint64_t)x;
	return res;
}

/* Update both; an accepted number must be new. */
static void both_update(struct pmip_replay *r, struct ref *m, uint64_t x)
{
	enum pmip_replay_result got = pmip_replay_update(r, x), want = ref_judge(m, x);
	uint64_t old_top = r->top;

	CHECK(got == want);
	if (got == PMIP_REPLAY_OK) {
		CHECK(!ref_has(m, x));
		CHECK(m->n < MAX_ACCEPTED + 1);
		m->accepted[m->n++] = x;
		if (x > m->top)
			m->top = x;
	}
	CHECK(r->top == m->top && r->top >= old_top);
}

static void fuzz_replay(const uint8_t *b, size_t len, unsigned window, bool esn)
{
	static struct ref m;
	struct pmip_replay r;
	uint64_t pending = 0;
	bool has_pending = false;
	size_t i;

	pmip_replay_init(&r, window, esn);
	memset(&m, 0, sizeof(m));
	m.w = r.window;
	m.esn = esn;
	CHECK(r.window >= 64 && r.window <= 1024 && (r.window & (r.window - 1)) == 0);

	for (i = 0; i + 5 <= len; i += 5) {
		uint8_t op = b[i];
		uint32_t x = be32(b + i + 1), lo;
		uint64_t got = 0, want = 0;
		enum pmip_replay_result rg, rw;
		bool was_pending = has_pending;

		if ((op & 0x30) == 0x30) {
			/* Without ESN, numbers stay in 32 bits as check gives them. */
			both_update(&r, &m, esn ? m.top + x : (uint32_t)(m.top + x));
			goto flush;
		}
		switch (op & 3) {
		case 0:
			lo = x;
			break;
		case 1:
			lo = (uint32_t)m.top + (uint32_t)(int32_t)(int16_t)x;
			break;
		case 2:
			lo = (uint32_t)(m.top - m.w + (x % 4));
			break;
		default:
			lo = m.n ? (uint32_t)m.accepted[x % m.n] : x;
			break;
		}
		rg = pmip_replay_check(&r, lo, &got);
		rw = ref_check(&m, lo, &want);
		CHECK(rg == rw);
		if (rg == PMIP_REPLAY_OK) {
			CHECK(got == want && (uint32_t)got == lo);
			if (op & 8) {
				if (has_pending)
					both_update(&r, &m, pending);
				pending = got;
				has_pending = true;
				continue;
			}
			if (!(op & 4))
				both_update(&r, &m, got);
		}
flush:
		if (was_pending && has_pending) {
			both_update(&r, &m, pending);
			has_pending = false;
		}
	}
	if (has_pending)
		both_update(&r, &m, pending);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Byte 0: bits 0-1 IV, 2-3 ICV, 4-5 block: 0x00 is AES-GCM (RFC
	 * 4106), 0x11 AES-CBC with HMAC-SHA-256-128 (RFC 3602, 4868). */
	static const size_t ivs[4] = { 8, 16, 0, 4 };
	static const size_t icvs[4] = { 16, 12, 8, 0 };
	static const size_t blocks[4] = { 4, 16, 1, 8 };
	/* Byte 1: bits 0-2 the window asked for (init rounds and clamps the
	 * last three), bit 3 ESN. */
	static const unsigned windows[8] = { 64, 128, 256, 512, 1024, 0, 100, 5000 };
	const uint8_t *b;
	size_t len, iv, icv, block;

	if (size < 2 || size > MAX_INPUT)
		return 0;
	iv = ivs[data[0] & 3];
	icv = icvs[(data[0] >> 2) & 3];
	block = blocks[(data[0] >> 4) & 3];
	b = data + 2;
	len = size - 2;

	fuzz_parse(b, len, iv, icv, block);
	/* The same bytes under the two transforms we run. */
	fuzz_parse(b, len, PMIP_ESP_GCM_IV_LEN, PMIP_ESP_GCM_ICV_LEN, PMIP_ESP_GCM_BLOCK);
	fuzz_parse(b, len, PMIP_ESP_AES_CBC_IV_LEN, 16, PMIP_ESP_AES_CBC_BLOCK);
	fuzz_trailer(b, len);
	fuzz_classify(b, len);
	fuzz_build(len, iv, icv, block);
	fuzz_replay(b, len, windows[data[1] & 7], (data[1] & 8) != 0);
	return 0;
}
