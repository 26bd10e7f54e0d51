/* libFuzzer target for cp/ike, the IKEv2 message codec.
 *
 * Each input is tried three ways, always from an exact-size heap copy so
 * that ASan sees any read past the end:
 *  - as a whole message (ike_msg_parse), and if it has an SK payload, its
 *    body as if it were the decrypted chain (ike_inner_parse with the SK's
 *    first inner type);
 *  - as a decrypted chain: byte 0 the first payload type, the rest the
 *    chain;
 *  - byte 0 picks a payload decoder, the rest is its body.
 * Invariants (abort()):
 *  - the error struct agrees with the result; offsets lie in the buffer;
 *    every payload of an OK parse lies in the buffer, in order, and an SK
 *    body ends the message;
 *  - what parses builds back (ike_msg_build / ike_build_payloads), the
 *    build parses, and parses to the same typed content (header with the
 *    reserved flags cleared, payload order, every typed field and span;
 *    attributes other than Key Length are not re-encoded, so a transform's
 *    unknown_attr may only go from true to false); building that again
 *    gives the same bytes (a fixed point).
 * Seeds: tests/fuzz/corpus/ike: the captured messages of tests/data/ike
 * as they are, and their decrypted chains behind their first type byte.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ike_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c))                                                      \
			abort();                                               \
	} while (0)

#define MAX_INPUT 16384

static struct ike_msg m1, m2;
static struct ike_payloads p1, p2;
static uint8_t out1[MAX_INPUT + 64], out2[MAX_INPUT + 64];

static uint8_t *dup_exact(const uint8_t *b, size_t len)
{
	uint8_t *m = malloc(len ? len : 1);

	CHECK(m != NULL);
	if (len)
		memcpy(m, b, len);
	return m;
}

static bool span_eq(struct ike_span a, struct ike_span b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static bool id_eq(const struct ike_id *a, const struct ike_id *b)
{
	return a->type == b->type && span_eq(a->data, b->data) &&
	       memcmp(&a->addr, &b->addr, sizeof(a->addr)) == 0;
}

static bool ts_eq(const struct ike_ts_list *a, const struct ike_ts_list *b)
{
	unsigned i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++) {
		const struct ike_ts *x = &a->ts[i], *y = &b->ts[i];

		if (x->type != y->type || x->proto != y->proto || x->start_port != y->start_port ||
		    x->end_port != y->end_port || memcmp(&x->start, &y->start, sizeof(x->start)) ||
		    memcmp(&x->end, &y->end, sizeof(x->end)) || x->raw.len != y->raw.len)
			return false;
		if (x->type != IKE_TS_IPV4_ADDR_RANGE && x->type != IKE_TS_IPV6_ADDR_RANGE &&
		    !span_eq(x->raw, y->raw))
			return false;
	}
	return true;
}

static bool sa_eq(const struct ike_sa *a, const struct ike_sa *b)
{
	unsigned i;

	if (a->n_prop != b->n_prop || a->n_xf != b->n_xf)
		return false;
	for (i = 0; i < a->n_prop; i++) {
		const struct ike_proposal *x = &a->prop[i], *y = &b->prop[i];

		if (x->num != y->num || x->protocol != y->protocol || x->spi_size != y->spi_size ||
		    x->spi != y->spi || x->n_xf != y->n_xf || x->first_xf != y->first_xf)
			return false;
	}
	for (i = 0; i < a->n_xf; i++) {
		const struct ike_transform *x = &a->xf[i], *y = &b->xf[i];

		if (x->type != y->type || x->id != y->id || x->has_key_len != y->has_key_len ||
		    x->key_len != y->key_len || (y->unknown_attr && !x->unknown_attr))
			return false;
	}
	return true;
}

static bool cp_eq(const struct ike_cp *a, const struct ike_cp *b)
{
	unsigned i;

	if (a->cfg_type != b->cfg_type || a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (a->attr[i].type != b->attr[i].type || !span_eq(a->attr[i].value, b->attr[i].value) ||
		    memcmp(&a->attr[i].addr, &b->attr[i].addr, sizeof(a->attr[i].addr)) ||
		    a->attr[i].prefix_len != b->attr[i].prefix_len)
			return false;
	return true;
}

/* Same typed content, payload by payload. */
static bool payloads_eq(const struct ike_payloads *a, const struct ike_payloads *b)
{
	unsigned i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++) {
		const struct ike_pld_ref *x = &a->order[i], *y = &b->order[i];
		unsigned s = x->slot;

		/* Lengths equal but for SA (unknown attributes dropped). */
		if (x->type != y->type || x->known != y->known || x->slot != y->slot ||
		    (x->len != y->len && x->type != IKE_PLD_SA))
			return false;
		if (!x->known) {
			if (!span_eq(a->unknown[s].body, b->unknown[s].body))
				return false;
			continue;
		}
		switch (x->type) {
		case IKE_PLD_SA:
			if (!sa_eq(&a->sa, &b->sa))
				return false;
			break;
		case IKE_PLD_KE:
			if (a->ke.group != b->ke.group || !span_eq(a->ke.data, b->ke.data))
				return false;
			break;
		case IKE_PLD_IDI:
			if (!id_eq(&a->idi, &b->idi))
				return false;
			break;
		case IKE_PLD_IDR:
			if (!id_eq(&a->idr, &b->idr))
				return false;
			break;
		case IKE_PLD_CERT:
			if (a->cert[s].encoding != b->cert[s].encoding || !span_eq(a->cert[s].data, b->cert[s].data))
				return false;
			break;
		case IKE_PLD_CERTREQ:
			if (a->certreq[s].encoding != b->certreq[s].encoding ||
			    a->certreq[s].n_hashes != b->certreq[s].n_hashes ||
			    !span_eq(a->certreq[s].data, b->certreq[s].data))
				return false;
			break;
		case IKE_PLD_AUTH:
			if (a->auth.method != b->auth.method || !span_eq(a->auth.data, b->auth.data) ||
			    !span_eq(a->auth.sig_alg, b->auth.sig_alg) || !span_eq(a->auth.sig, b->auth.sig))
				return false;
			break;
		case IKE_PLD_NONCE:
			if (!span_eq(a->nonce, b->nonce))
				return false;
			break;
		case IKE_PLD_NOTIFY:
			if (a->notify[s].type != b->notify[s].type ||
			    a->notify[s].protocol != b->notify[s].protocol ||
			    a->notify[s].spi_size != b->notify[s].spi_size ||
			    a->notify[s].spi != b->notify[s].spi || !span_eq(a->notify[s].data, b->notify[s].data))
				return false;
			break;
		case IKE_PLD_DELETE:
			if (a->del[s].protocol != b->del[s].protocol || a->del[s].n_spi != b->del[s].n_spi ||
			    a->del[s].spi_size != b->del[s].spi_size || !span_eq(a->del[s].spis, b->del[s].spis))
				return false;
			break;
		case IKE_PLD_VID:
			if (!span_eq(a->vid[s], b->vid[s]))
				return false;
			break;
		case IKE_PLD_TSI:
			if (!ts_eq(&a->tsi, &b->tsi))
				return false;
			break;
		case IKE_PLD_TSR:
			if (!ts_eq(&a->tsr, &b->tsr))
				return false;
			break;
		case IKE_PLD_CP:
			if (!cp_eq(&a->cp, &b->cp))
				return false;
			break;
		case IKE_PLD_EAP:
			if (!span_eq(a->eap.msg, b->eap.msg))
				return false;
			break;
		case IKE_PLD_SK:
		case IKE_PLD_SKF:
			/* Not body_off: an SA before the SK shrinks when
			 * its unknown attributes are dropped; check_layout
			 * checks that each body ends its own message. */
			if (a->sk.first != b->sk.first ||
			    a->sk.frag_num != b->sk.frag_num || a->sk.frag_total != b->sk.frag_total ||
			    !span_eq(a->sk.body, b->sk.body))
				return false;
			break;
		default:
			return false;
		}
	}
	return true;
}

/* An OK result lies in the buffer: payloads in order, SK at the end. */
static void check_layout(const struct ike_payloads *pl, size_t base, size_t len)
{
	size_t end = base;
	unsigned i;

	for (i = 0; i < pl->n; i++) {
		CHECK(pl->order[i].off == end && pl->order[i].len >= IKE_PLD_HDR_LEN);
		end += pl->order[i].len;
	}
	CHECK(end == len);
	if (pl->n_sk || pl->n_skf) {
		CHECK(pl->n_sk + pl->n_skf == 1);
		CHECK(pl->order[pl->n - 1].type == (pl->n_sk ? IKE_PLD_SK : IKE_PLD_SKF));
		CHECK(pl->sk.body_off + pl->sk.body_len == len);
	}
}

static void fuzz_chain(const uint8_t *b, size_t len, uint8_t first)
{
	struct ike_builder bd;
	struct ike_err e;
	enum ike_rule r;
	uint8_t *m = dup_exact(b, len), f1, f2;
	size_t n1, n2;

	r = ike_inner_parse(m, len, first, &p1, &e);
	CHECK(e.rule == r && r < IKE_ERR_COUNT && e.off <= len);
	if (r == IKE_ERR_OK) {
		check_layout(&p1, 0, len);
		CHECK(p1.n_sk == 0 && p1.n_skf == 0);
		ike_build_chain_init(&bd, out1, sizeof(out1));
		CHECK(ike_build_payloads(&bd, &p1) && ike_build_chain_finish(&bd, &f1, &n1));
		CHECK(f1 == (p1.n ? first : 0) && n1 <= len);
		CHECK(ike_inner_parse(out1, n1, f1, &p2, &e) == IKE_ERR_OK);
		check_layout(&p2, 0, n1);
		CHECK(payloads_eq(&p1, &p2));
		ike_build_chain_init(&bd, out2, sizeof(out2));
		CHECK(ike_build_payloads(&bd, &p2) && ike_build_chain_finish(&bd, &f2, &n2));
		CHECK(f2 == f1 && n2 == n1 && memcmp(out1, out2, n1) == 0);
	}
	free(m);
}

static void fuzz_msg(const uint8_t *b, size_t len)
{
	struct ike_err e;
	enum ike_rule r;
	uint8_t *m = dup_exact(b, len);
	size_t n1, n2;

	r = ike_msg_parse(m, len, &m1, &e);
	CHECK(e.rule == r && r < IKE_ERR_COUNT && e.off <= len);
	if (r == IKE_ERR_MAJOR_HIGH)
		CHECK(m1.hdr.major > IKE_MAJOR_VERSION && ike_rule_notify(r) == IKE_N_INVALID_MAJOR_VERSION);
	if (r == IKE_ERR_CRITICAL)
		CHECK(ike_payload_name(e.pld) == NULL);
	if (r == IKE_ERR_OK) {
		check_layout(&m1.pl, IKE_HDR_LEN, len);
		n1 = ike_msg_build(&m1, out1, sizeof(out1));
		CHECK(n1 >= IKE_HDR_LEN && n1 <= len);
		CHECK(ike_msg_parse(out1, n1, &m2, &e) == IKE_ERR_OK);
		check_layout(&m2.pl, IKE_HDR_LEN, n1);
		CHECK(m2.hdr.ispi == m1.hdr.ispi && m2.hdr.rspi == m1.hdr.rspi);
		CHECK(m2.hdr.next == m1.hdr.next && m2.hdr.exchange == m1.hdr.exchange);
		CHECK(m2.hdr.msg_id == m1.hdr.msg_id && m2.hdr.flags == (m1.hdr.flags & IKE_FLAGS_DEFINED));
		CHECK(payloads_eq(&m1.pl, &m2.pl));
		n2 = ike_msg_build(&m2, out2, sizeof(out2));
		CHECK(n2 == n1 && memcmp(out1, out2, n1) == 0);
		if (m1.pl.n_sk)
			fuzz_chain(m + m1.pl.sk.body_off, m1.pl.sk.body_len, m1.pl.sk.first);
	}
	free(m);
}

/* The decoders on their own, on an exact-size body. */
static void fuzz_decoder(uint8_t which, const uint8_t *b, size_t len)
{
	static union {
		struct ike_sa sa;
		struct ike_ke ke;
		struct ike_id id;
		struct ike_cert cert;
		struct ike_certreq certreq;
		struct ike_auth auth;
		struct ike_span nonce;
		struct ike_notify notify;
		struct ike_delete del;
		struct ike_ts_list ts;
		struct ike_cp cp;
		struct ike_eap eap;
	} u;
	struct ike_err e;
	enum ike_rule r;
	uint8_t *m = dup_exact(b, len);

	memset(&e, 0, sizeof(e));
	switch (which % 12) {
	case 0: r = ike_sa_decode(m, len, &u.sa, &e); break;
	case 1: r = ike_ke_decode(m, len, &u.ke, &e); break;
	case 2: r = ike_id_decode(m, len, &u.id, &e); break;
	case 3: r = ike_cert_decode(m, len, &u.cert, &e); break;
	case 4: r = ike_certreq_decode(m, len, &u.certreq, &e); break;
	case 5: r = ike_auth_decode(m, len, &u.auth, &e); break;
	case 6: r = ike_nonce_decode(m, len, &u.nonce, &e); break;
	case 7: r = ike_notify_decode(m, len, &u.notify, &e); break;
	case 8: r = ike_delete_decode(m, len, &u.del, &e); break;
	case 9: r = ike_ts_decode(m, len, &u.ts, &e); break;
	case 10: r = ike_cp_decode(m, len, &u.cp, &e); break;
	default: r = ike_eap_decode(m, len, &u.eap, &e); break;
	}
	CHECK(r < IKE_ERR_COUNT && (r == IKE_ERR_OK || (e.rule == r && e.off <= len)));
	free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_INPUT)
		return 0;
	fuzz_msg(data, size);
	if (size >= 1) {
		fuzz_chain(data + 1, size - 1, data[0]);
		fuzz_decoder(data[0], data + 1, size - 1);
	}
	return 0;
}
