/* IKEv2 header (RFC 7296 3.1) and payload chain (3.2): the generic walker
 * that validates every generic payload header before it hands the body to
 * the payload type's decoder, the payload type table, and the rule names.
 */
#include <stdio.h>
#include <string.h>

#include "ike_internal.h"
#include "ike_msg.h"

/* ---------------------------------------------------------------- names -- */

static const char *const rule_names[IKE_ERR_COUNT] = {
#define RULE_NAME(code, fmt, notify) [IKE_ERR_##code] = #code,
	IKE_RULES(RULE_NAME)
#undef RULE_NAME
};

static const char *const rule_fmts[IKE_ERR_COUNT] = {
#define RULE_FMT(code, fmt, notify) [IKE_ERR_##code] = fmt,
	IKE_RULES(RULE_FMT)
#undef RULE_FMT
};

static const uint16_t rule_notifies[IKE_ERR_COUNT] = {
#define RULE_NOTIFY(code, fmt, notify) [IKE_ERR_##code] = notify,
	IKE_RULES(RULE_NOTIFY)
#undef RULE_NOTIFY
};

const char *ike_rule_name(enum ike_rule rule)
{
	return (unsigned)rule < IKE_ERR_COUNT ? rule_names[rule] : "?";
}

uint16_t ike_rule_notify(enum ike_rule rule)
{
	return (unsigned)rule < IKE_ERR_COUNT ? rule_notifies[rule] : 0;
}

int ike_err_format(const struct ike_err *err, char *buf, size_t cap)
{
	char what[48];
	const char *name = ike_payload_name(err->pld);
	int n;

	if (err->rule >= IKE_ERR_COUNT)
		return snprintf(buf, cap, "unknown rule %d", (int)err->rule);
	if (err->rule <= IKE_ERR_EXCHANGE)
		snprintf(what, sizeof(what), "IKE header");
	else if (name)
		snprintf(what, sizeof(what), "%s payload #%u", name, err->index);
	else if (err->pld)
		snprintf(what, sizeof(what), "payload type %u #%u", err->pld, err->index);
	else
		snprintf(what, sizeof(what), "payload chain");
	n = snprintf(buf, cap, "%s at %zu: ", what, err->off);
	if (n < 0 || (size_t)n >= cap)
		return n;
	/* The format is one of ours (IKE_RULES), with two %llu. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	return n + snprintf(buf + n, cap - (size_t)n, rule_fmts[err->rule], err->a, err->b);
#pragma GCC diagnostic pop
}

const char *ike_exchange_name(uint8_t exchange)
{
	switch (exchange) {
#define EXCH_CASE(name, val)                                                   \
	case val:                                                              \
		return #name;
		IKE_EXCHANGES(EXCH_CASE)
#undef EXCH_CASE
	}
	return NULL;
}

/* ------------------------------------------------------- payload table -- */

/* What the walker knows of each payload type: name, count limit and
 * minimum body length (IKE_PAYLOADS); below, where its count lives in
 * struct ike_payloads, and its decoder. */
typedef enum ike_rule (*pld_decode_fn)(const uint8_t *body, size_t len, struct ike_payloads *pl,
				       unsigned slot, struct ike_err *err);

struct pld_desc {
	const char *name;
	unsigned max;
	size_t min;
};

static enum ike_rule dec_sa(const uint8_t *b, size_t l, struct ike_payloads *pl, unsigned s,
			    struct ike_err *e)
{
	(void)s;
	return ike_sa_decode(b, l, &pl->sa, e);
}

static enum ike_rule dec_ke(const uint8_t *b, size_t l, struct ike_payloads *pl, unsigned s,
			    struct ike_err *e)
{
	(void)s;
	return ike_ke_decode(b, l, &pl->ke, e);
}

static enum ike_rule dec_idi(const uint8_t *b, size_t l, struct ike_payloads *pl, unsigned s,
			     struct ike_err *e)
{
	(void)s;
	return ike_id_decode(b, l, &pl->idi, e);
}

static enum ike_rule dec_idr(const uint8_t *b, size_t l, struct ike_payloads *pl, unsigned s,
			     struct ike_err *e)
{
	(void)s;
	return ike_id_decode(b, l, &pl->idr, e);
}

static enum ike_rule dec_cert(const uint8_t *b, size_t l, struct ike_payloads *pl, unsigned s,
			      struct ike_err *e)
{
	return ike_cert_decode(b, l, &pl->cert[s], e);
}

static enum ike_rule dec_certreq(const uint8_t *b, size_t l, struct ike_payloads *pl, unsigned s,
				 struct ike_err *e)
{
	return ike_certreq_decode(b, l, &pl->certreq[s], e);
}

static enum ike_rule dec_auth(const uint8_t *b, size_t l, struct ike_payloads *pl, unsigned s,
			      struct ike_err *e)
{
	(void)s;
	return ike_auth_decode(b, l, &pl->auth, e);
}

static enum ike_rule dec_nonce(const uint8_t *b, size_t l, struct ike_payloads *pl, unsigned s,
			       struct ike_err *e)
{
	(void)s;
	return ike_nonce_decode(b, l, &pl->nonce, e);
}

static enum ike_rule dec_notify(const uint8_t *b, size_t l, struct ike_payloads *pl, unsigned s,
				struct ike_err *e)
{
	return ike_notify_decode(b, l, &pl->notify[s], e);
}

static enum ike_rule dec_delete(const uint8_t *b, size_t l, struct ike_payloads *pl, unsigned s,
				struct ike_err *e)
{
	return ike_delete_decode(b, l, &pl->del[s], e);
}

static enum ike_rule dec_vid(const uint8_t *b, size_t l, struct ike_payloads *pl, unsigned s,
			     struct ike_err *e)
{
	(void)e;
	pl->vid[s] = ike_span_of(b, l);
	return IKE_ERR_OK;
}

static enum ike_rule dec_tsi(const uint8_t *b, size_t l, struct ike_payloads *pl, unsigned s,
			     struct ike_err *e)
{
	(void)s;
	return ike_ts_decode(b, l, &pl->tsi, e);
}

static enum ike_rule dec_tsr(const uint8_t *b, size_t l, struct ike_payloads *pl, unsigned s,
			     struct ike_err *e)
{
	(void)s;
	return ike_ts_decode(b, l, &pl->tsr, e);
}

/* SK: opaque here; the walker fills the offsets. */
static enum ike_rule dec_sk(const uint8_t *b, size_t l, struct ike_payloads *pl, unsigned s,
			    struct ike_err *e)
{
	(void)s;
	(void)e;
	memset(&pl->sk, 0, sizeof(pl->sk));
	pl->sk.body = ike_span_of(b, l);
	pl->sk.body_len = l;
	return IKE_ERR_OK;
}

/* SKF (RFC 7383 2.5): Fragment Number 1..Total Fragments. */
static enum ike_rule dec_skf(const uint8_t *b, size_t l, struct ike_payloads *pl, unsigned s,
			     struct ike_err *e)
{
	uint16_t num = ike_be16(b), total = ike_be16(b + 2);

	(void)s;
	if (num == 0 || num > total)
		return ike_fail(e, IKE_ERR_SKF_NUMBER, 0, num, total);
	memset(&pl->sk, 0, sizeof(pl->sk));
	pl->sk.frag_num = num;
	pl->sk.frag_total = total;
	pl->sk.body = ike_span_of(b + 4, l - 4);
	pl->sk.body_len = l - 4;
	return IKE_ERR_OK;
}

static enum ike_rule dec_cp(const uint8_t *b, size_t l, struct ike_payloads *pl, unsigned s,
			    struct ike_err *e)
{
	(void)s;
	return ike_cp_decode(b, l, &pl->cp, e);
}

static enum ike_rule dec_eap(const uint8_t *b, size_t l, struct ike_payloads *pl, unsigned s,
			     struct ike_err *e)
{
	(void)s;
	return ike_eap_decode(b, l, &pl->eap, e);
}

#define CNT(field) offsetof(struct ike_payloads, field)

static const struct pld_desc pld_table[256] = {
#define PLD_ROW(name, val, max, min) [val] = { #name, max, min },
	IKE_PAYLOADS(PLD_ROW)
#undef PLD_ROW
};

/* Counters and decoders, by type; names, limits and minimums above. */
static const struct {
	uint8_t type;
	size_t count_off;
	pld_decode_fn decode;
} pld_codecs[] = {
	{ IKE_PLD_SA, CNT(n_sa), dec_sa },
	{ IKE_PLD_KE, CNT(n_ke), dec_ke },
	{ IKE_PLD_IDI, CNT(n_idi), dec_idi },
	{ IKE_PLD_IDR, CNT(n_idr), dec_idr },
	{ IKE_PLD_CERT, CNT(n_cert), dec_cert },
	{ IKE_PLD_CERTREQ, CNT(n_certreq), dec_certreq },
	{ IKE_PLD_AUTH, CNT(n_auth), dec_auth },
	{ IKE_PLD_NONCE, CNT(n_nonce), dec_nonce },
	{ IKE_PLD_NOTIFY, CNT(n_notify), dec_notify },
	{ IKE_PLD_DELETE, CNT(n_delete), dec_delete },
	{ IKE_PLD_VID, CNT(n_vid), dec_vid },
	{ IKE_PLD_TSI, CNT(n_tsi), dec_tsi },
	{ IKE_PLD_TSR, CNT(n_tsr), dec_tsr },
	{ IKE_PLD_SK, CNT(n_sk), dec_sk },
	{ IKE_PLD_CP, CNT(n_cp), dec_cp },
	{ IKE_PLD_EAP, CNT(n_eap), dec_eap },
	{ IKE_PLD_SKF, CNT(n_skf), dec_skf },
};

static bool pld_lookup(uint8_t type, const struct pld_desc **desc, size_t *count_off,
		       pld_decode_fn *decode)
{
	size_t i;

	if (!pld_table[type].name)
		return false;
	for (i = 0; i < sizeof(pld_codecs) / sizeof(pld_codecs[0]); i++) {
		if (pld_codecs[i].type == type) {
			*desc = &pld_table[type];
			*count_off = pld_codecs[i].count_off;
			*decode = pld_codecs[i].decode;
			return true;
		}
	}
	return false;
}

const char *ike_payload_name(uint8_t type)
{
	return pld_table[type].name;
}

unsigned ike_pld_max(uint8_t type)
{
	return pld_table[type].max;
}

enum ike_rule ike_pld_decode(uint8_t type, const uint8_t *body, size_t len, struct ike_payloads *pl,
			     unsigned slot, struct ike_err *err)
{
	const struct pld_desc *d;
	size_t count_off;
	pld_decode_fn decode;

	if (!pld_lookup(type, &d, &count_off, &decode) || slot >= d->max)
		return ike_fail(err, IKE_ERR_CRITICAL, 0, type, 1);
	if (len < d->min)
		return ike_fail(err, IKE_ERR_PLD_LENGTH, 0, IKE_PLD_HDR_LEN + len,
				IKE_PLD_HDR_LEN + d->min);
	return decode(body, len, pl, slot, err);
}

/* --------------------------------------------------------------- header -- */

enum ike_rule ike_hdr_parse(const uint8_t *buf, size_t len, struct ike_hdr *out,
			    struct ike_err *err)
{
	memset(err, 0, sizeof(*err));
	if (len < IKE_HDR_LEN)
		return ike_fail(err, IKE_ERR_HDR_SHORT, 0, len, IKE_HDR_LEN);
	out->ispi = ike_ben(buf, 8);
	out->rspi = ike_ben(buf + 8, 8);
	out->next = buf[16];
	out->major = buf[17] >> 4;
	out->minor = buf[17] & 0x0f;
	out->exchange = buf[18];
	out->flags = buf[19];
	out->msg_id = ike_be32(buf + 20);
	out->length = ike_be32(buf + 24);
	/* RFC 7296 2.5: a higher major version is answered (INVALID_MAJOR_
	 * VERSION); the minor version is ignored. */
	if (out->major > IKE_MAJOR_VERSION)
		return ike_fail(err, IKE_ERR_MAJOR_HIGH, 17, out->major, IKE_MAJOR_VERSION);
	if (out->major < IKE_MAJOR_VERSION)
		return ike_fail(err, IKE_ERR_MAJOR_LOW, 17, out->major, IKE_MAJOR_VERSION);
	if (out->length != len)
		return ike_fail(err, IKE_ERR_HDR_LENGTH, 24, out->length, len);
	if (!ike_exchange_name(out->exchange))
		return ike_fail(err, IKE_ERR_EXCHANGE, 18, out->exchange, IKE_EXCH_IKE_SA_INIT);
	return IKE_ERR_OK;
}

/* ---------------------------------------------------------------- chain -- */

static enum ike_rule at(struct ike_err *err, uint8_t type, unsigned index, enum ike_rule r,
			size_t off, unsigned long long a, unsigned long long b)
{
	err->pld = type;
	err->index = (uint16_t)index;
	return ike_fail(err, r, off, a, b);
}

enum ike_rule ike_chain_parse(const uint8_t *buf, size_t len, size_t base, uint8_t first,
			      bool outer, struct ike_payloads *out, struct ike_err *err)
{
	size_t off = 0;
	uint8_t type = first;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	while (type != IKE_PLD_NONE) {
		size_t left = len - off, count_off = 0;
		const struct pld_desc *d = NULL;
		pld_decode_fn decode = NULL;
		struct ike_pld_ref *ref;
		uint8_t hdr[IKE_PLD_HDR_LEN], next;
		uint16_t plen;
		bool crit, known;
		unsigned n = out->n;

		/* Validate: the generic header is there, copy it out, and
		 * its length lies between the type's minimum and what is
		 * left (RFC 7296 3.2). */
		if (left < IKE_PLD_HDR_LEN)
			return at(err, type, n, IKE_ERR_PLD_SHORT, base + off, left, IKE_PLD_HDR_LEN);
		memcpy(hdr, buf + off, sizeof(hdr));
		next = hdr[0];
		crit = (hdr[1] & 0x80) != 0;    /* the 7 other bits: ignored */
		plen = ike_be16(hdr + 2);
		known = pld_lookup(type, &d, &count_off, &decode);
		if (plen < IKE_PLD_HDR_LEN + (known ? d->min : 0))
			return at(err, type, n, IKE_ERR_PLD_LENGTH, base + off, plen,
				  IKE_PLD_HDR_LEN + (known ? d->min : 0));
		if (plen > left)
			return at(err, type, n, IKE_ERR_PLD_OVERRUN, base + off, plen, left);
		if (n >= IKE_MAX_PAYLOADS)
			return at(err, type, n, IKE_ERR_TOO_MANY, base + off, n + 1, IKE_MAX_PAYLOADS);

		ref = &out->order[n];
		ref->type = type;
		ref->critical = crit;
		ref->known = known;
		ref->off = base + off;
		ref->len = plen;
		if (!known) {
			/* RFC 7296 3.2: an unknown payload is skipped unless
			 * critical; then the message is rejected and the answer
			 * is UNSUPPORTED_CRITICAL_PAYLOAD naming the type. */
			if (crit)
				return at(err, type, n, IKE_ERR_CRITICAL, base + off, type, 1);
			if (out->n_unknown >= IKE_MAX_UNKNOWN)
				return at(err, type, n, IKE_ERR_DUPLICATE, base + off,
					  out->n_unknown + 1, IKE_MAX_UNKNOWN);
			ref->slot = (uint8_t)out->n_unknown;
			out->unknown[out->n_unknown].type = type;
			out->unknown[out->n_unknown].critical = crit;
			out->unknown[out->n_unknown].body =
				ike_span_of(buf + off + IKE_PLD_HDR_LEN, plen - IKE_PLD_HDR_LEN);
			out->n_unknown++;
		} else {
			unsigned *count = (unsigned *)(void *)((char *)out + count_off);
			bool enc = type == IKE_PLD_SK || type == IKE_PLD_SKF;
			enum ike_rule r;

			if (enc && !outer)
				return at(err, type, n, IKE_ERR_ENC_NESTED, base + off, type, 1);
			if (*count >= d->max)
				return at(err, type, n, IKE_ERR_DUPLICATE, base + off, *count + 1, d->max);
			/* Handle: the type's decoder checks the body. */
			r = decode(buf + off + IKE_PLD_HDR_LEN, plen - IKE_PLD_HDR_LEN, out, *count, err);
			if (r != IKE_ERR_OK) {
				err->pld = type;
				err->index = (uint16_t)n;
				err->off += base + off + IKE_PLD_HDR_LEN;
				return r;
			}
			ref->slot = (uint8_t)*count;
			(*count)++;
			if (enc) {
				/* RFC 7296 3.14: SK is the last payload; its
				 * next-payload field names the first inner one. */
				out->sk.first = next;
				out->sk.pld_off = base + off;
				out->sk.body_off = base + off + IKE_PLD_HDR_LEN + (type == IKE_PLD_SKF ? 4 : 0);
				out->n++;
				if (plen != left)
					return at(err, type, n, IKE_ERR_ENC_NOT_LAST, base + off,
						  left - plen, 0);
				return IKE_ERR_OK;
			}
		}
		out->n++;
		off += plen;
		type = next;
	}
	if (off != len)
		return at(err, IKE_PLD_NONE, out->n, IKE_ERR_TRAILING, base + off, len - off, 0);
	return IKE_ERR_OK;
}

enum ike_rule ike_inner_parse(const uint8_t *plain, size_t len, uint8_t sk_first,
			      struct ike_payloads *out, struct ike_err *err)
{
	return ike_chain_parse(plain, len, 0, sk_first, false, out, err);
}

enum ike_rule ike_msg_parse(const uint8_t *buf, size_t len, struct ike_msg *out,
			    struct ike_err *err)
{
	enum ike_rule r = ike_hdr_parse(buf, len, &out->hdr, err);

	if (r != IKE_ERR_OK) {
		memset(&out->pl, 0, sizeof(out->pl));
		return r;
	}
	return ike_chain_parse(buf + IKE_HDR_LEN, len - IKE_HDR_LEN, IKE_HDR_LEN, out->hdr.next,
			       true, &out->pl, err);
}
