/* IKEv2 message builder: payloads appended into a caller buffer, each
 * fixing up the previous payload's next-payload field; the header last.
 * Every typed append encodes, then runs the parser's decoder over the
 * bytes it wrote: what the parser would refuse is not built.
 */
#include <string.h>

#include "ike_internal.h"
#include "ike_msg.h"

#define NO_NP ((size_t)-1)
#define MAX_BODY (0xffff - IKE_PLD_HDR_LEN)

static void init(struct ike_builder *b, uint8_t *buf, size_t cap, size_t base)
{
	memset(b, 0, sizeof(*b));
	b->buf = buf;
	b->cap = cap;
	b->base = base;
	b->len = base;
	b->np_off = base ? 16 : NO_NP;      /* header byte 16: next payload */
	b->failed = cap < base;
}

void ike_build_msg_init(struct ike_builder *b, uint8_t *buf, size_t cap)
{
	init(b, buf, cap, IKE_HDR_LEN);
}

void ike_build_chain_init(struct ike_builder *b, uint8_t *buf, size_t cap)
{
	init(b, buf, cap, 0);
}

static size_t fail(struct ike_builder *b)
{
	b->failed = true;
	return 0;
}

/* Room for a payload of this type: the body goes at the returned
 * pointer, at most *room bytes; NULL (and failed) if none. */
static uint8_t *begin(struct ike_builder *b, uint8_t type, size_t *room)
{
	unsigned max = ike_pld_max(type);

	if (b->failed || b->closed || type == IKE_PLD_NONE || b->n >= IKE_MAX_PAYLOADS ||
	    b->cap - b->len < IKE_PLD_HDR_LEN) {
		fail(b);
		return NULL;
	}
	if ((max && b->counts[type] >= max) || (!max && b->counts[type] >= IKE_MAX_UNKNOWN)) {
		fail(b);
		return NULL;
	}
	*room = b->cap - b->len - IKE_PLD_HDR_LEN;
	if (*room > MAX_BODY)
		*room = MAX_BODY;
	return b->buf + b->len + IKE_PLD_HDR_LEN;
}

/* Write the generic header of the payload begun, link it into the chain. */
static size_t commit(struct ike_builder *b, uint8_t type, bool critical, size_t body_len)
{
	uint8_t *p = b->buf + b->len;
	size_t plen = IKE_PLD_HDR_LEN + body_len;

	p[0] = IKE_PLD_NONE;
	p[1] = critical ? 0x80 : 0;
	ike_put16(p + 2, (uint16_t)plen);
	if (b->n == 0)
		b->first = type;
	if (b->np_off != NO_NP)
		b->buf[b->np_off] = type;
	b->np_off = b->len;
	b->len += plen;
	b->counts[type]++;
	b->n++;
	return plen;
}

/* Copy a body given by the caller: false if it does not fit. */
static bool copy_body(uint8_t *p, size_t room, const uint8_t *src, size_t len, size_t *blen)
{
	if (len > room)
		return false;
	if (len)
		memcpy(p, src, len);
	*blen = len;
	return true;
}

/* Would the parser accept this body for this type? The same dispatcher
 * (ike_pld_decode: minimum length, then the type's decoder) as a received
 * payload goes through. */
static bool body_decodes(uint8_t type, const uint8_t *p, size_t blen)
{
	struct ike_payloads scratch;
	struct ike_err e;

	return ike_pld_decode(type, p, blen, &scratch, 0, &e) == IKE_ERR_OK;
}

size_t ike_build_raw(struct ike_builder *b, uint8_t type, bool critical, const uint8_t *body,
		     size_t len)
{
	size_t room, blen;
	uint8_t *p;

	if (type == IKE_PLD_SK || type == IKE_PLD_SKF)
		return fail(b);
	p = begin(b, type, &room);
	if (!p)
		return 0;
	if (!copy_body(p, room, body, len, &blen))
		return fail(b);
	/* A known type must decode like any other. */
	if (ike_payload_name(type) && !body_decodes(type, p, blen))
		return fail(b);
	return commit(b, type, critical, blen);
}

/* Each typed append: begin, encode into the room begun, then this: what
 * was written must decode (else nothing is built), and is committed.
 * *blen is read here, after the encoder that sets it has run. */
static size_t commit_checked(struct ike_builder *b, uint8_t type, const uint8_t *p, bool encoded,
			     const size_t *blen)
{
	if (!encoded || !body_decodes(type, p, *blen))
		return fail(b);
	return commit(b, type, false, *blen);
}

size_t ike_build_sa(struct ike_builder *b, const struct ike_sa *sa)
{
	size_t room, blen = 0;
	uint8_t *p = begin(b, IKE_PLD_SA, &room);

	return p ? commit_checked(b, IKE_PLD_SA, p, ike_sa_encode(sa, p, room, &blen), &blen) : 0;
}

size_t ike_build_ke(struct ike_builder *b, uint16_t group, const uint8_t *data, size_t len)
{
	size_t room, blen = 0;
	uint8_t *p = begin(b, IKE_PLD_KE, &room);

	return p ? commit_checked(b, IKE_PLD_KE, p, ike_ke_encode(group, data, len, p, room, &blen),
				  &blen)
		 : 0;
}

size_t ike_build_id(struct ike_builder *b, uint8_t type, const struct ike_id *id)
{
	size_t room, blen = 0;
	uint8_t *p;

	if (type != IKE_PLD_IDI && type != IKE_PLD_IDR)
		return fail(b);
	p = begin(b, type, &room);
	return p ? commit_checked(b, type, p, ike_id_encode(id, p, room, &blen), &blen) : 0;
}

size_t ike_build_cert(struct ike_builder *b, const struct ike_cert *c)
{
	size_t room, blen = 0;
	uint8_t *p = begin(b, IKE_PLD_CERT, &room);

	return p ? commit_checked(b, IKE_PLD_CERT, p,
				  ike_cert_encode(c->encoding, &c->data, p, room, &blen), &blen)
		 : 0;
}

/* Same layout as CERT (RFC 7296 3.7): encoding, then the CA hashes. */
size_t ike_build_certreq(struct ike_builder *b, const struct ike_certreq *c)
{
	size_t room, blen = 0;
	uint8_t *p = begin(b, IKE_PLD_CERTREQ, &room);

	return p ? commit_checked(b, IKE_PLD_CERTREQ, p,
				  ike_cert_encode(c->encoding, &c->data, p, room, &blen), &blen)
		 : 0;
}

size_t ike_build_auth(struct ike_builder *b, const struct ike_auth *auth)
{
	size_t room, blen = 0;
	uint8_t *p = begin(b, IKE_PLD_AUTH, &room);

	return p ? commit_checked(b, IKE_PLD_AUTH, p, ike_auth_encode(auth, p, room, &blen), &blen)
		 : 0;
}

size_t ike_build_nonce(struct ike_builder *b, const uint8_t *nonce, size_t len)
{
	size_t room, blen = 0;
	uint8_t *p = begin(b, IKE_PLD_NONCE, &room);

	return p ? commit_checked(b, IKE_PLD_NONCE, p, copy_body(p, room, nonce, len, &blen), &blen)
		 : 0;
}

size_t ike_build_notify(struct ike_builder *b, const struct ike_notify *n)
{
	size_t room, blen = 0;
	uint8_t *p = begin(b, IKE_PLD_NOTIFY, &room);

	return p ? commit_checked(b, IKE_PLD_NOTIFY, p, ike_notify_encode(n, p, room, &blen), &blen)
		 : 0;
}

size_t ike_build_delete(struct ike_builder *b, const struct ike_delete *d)
{
	size_t room, blen = 0;
	uint8_t *p = begin(b, IKE_PLD_DELETE, &room);

	return p ? commit_checked(b, IKE_PLD_DELETE, p, ike_delete_encode(d, p, room, &blen), &blen)
		 : 0;
}

size_t ike_build_vid(struct ike_builder *b, const uint8_t *vid, size_t len)
{
	return ike_build_raw(b, IKE_PLD_VID, false, vid, len);
}

size_t ike_build_ts(struct ike_builder *b, uint8_t type, const struct ike_ts_list *ts)
{
	size_t room, blen = 0;
	uint8_t *p;

	if (type != IKE_PLD_TSI && type != IKE_PLD_TSR)
		return fail(b);
	p = begin(b, type, &room);
	return p ? commit_checked(b, type, p, ike_ts_encode(ts, p, room, &blen), &blen) : 0;
}

size_t ike_build_cp(struct ike_builder *b, const struct ike_cp *cp)
{
	size_t room, blen = 0;
	uint8_t *p = begin(b, IKE_PLD_CP, &room);

	return p ? commit_checked(b, IKE_PLD_CP, p, ike_cp_encode(cp, p, room, &blen), &blen) : 0;
}

size_t ike_build_eap(struct ike_builder *b, const uint8_t *msg, size_t len)
{
	size_t room, blen = 0;
	uint8_t *p = begin(b, IKE_PLD_EAP, &room);

	return p ? commit_checked(b, IKE_PLD_EAP, p, copy_body(p, room, msg, len, &blen), &blen)
		 : 0;
}

/* ----------------------------------------------------------- SK, SKF -- */

/* Reserve an encrypted payload of hlen header bytes (SKF: 4) and body_len
 * body bytes; returns the body's offset in the buffer, or 0. */
static size_t enc_reserve(struct ike_builder *b, uint8_t type, uint8_t inner_first, size_t hlen,
			  size_t body_len)
{
	size_t room, pld_off = b->len;
	uint8_t *p = begin(b, type, &room);

	if (!p)
		return 0;
	if (body_len > room || hlen > room - body_len)
		return fail(b);
	commit(b, type, false, hlen + body_len);
	/* RFC 7296 3.14: SK's next-payload field names the first inner
	 * payload; it is the last payload of the message. */
	b->buf[pld_off] = inner_first;
	b->np_off = NO_NP;
	b->closed = true;
	return pld_off + IKE_PLD_HDR_LEN + hlen;
}

size_t ike_build_sk_reserve(struct ike_builder *b, uint8_t inner_first, size_t body_len)
{
	return enc_reserve(b, IKE_PLD_SK, inner_first, 0, body_len);
}

size_t ike_build_sk(struct ike_builder *b, uint8_t inner_first, const uint8_t *body, size_t len)
{
	size_t off = enc_reserve(b, IKE_PLD_SK, inner_first, 0, len);

	if (!off)
		return 0;
	if (len)
		memcpy(b->buf + off, body, len);
	return IKE_PLD_HDR_LEN + len;
}

size_t ike_build_skf_reserve(struct ike_builder *b, uint8_t inner_first, uint16_t num,
			     uint16_t total, size_t body_len)
{
	size_t off;

	/* RFC 7383 2.5: numbered 1..total. */
	if (num == 0 || num > total)
		return fail(b);
	off = enc_reserve(b, IKE_PLD_SKF, inner_first, 4, body_len);
	if (!off)
		return 0;
	ike_put16(b->buf + off - 4, num);
	ike_put16(b->buf + off - 2, total);
	return off;
}

/* -------------------------------------------------------------- finish -- */

size_t ike_build_msg_finish(struct ike_builder *b, const struct ike_hdr *h)
{
	uint8_t *p = b->buf;

	if (b->failed || b->base != IKE_HDR_LEN || b->len > UINT32_MAX)
		return 0;
	ike_putn(p, h->ispi, 8);
	ike_putn(p + 8, h->rspi, 8);
	p[16] = b->first;
	p[17] = IKE_MAJOR_VERSION << 4;
	p[18] = h->exchange;
	p[19] = h->flags & IKE_FLAGS_DEFINED;
	ike_put32(p + 20, h->msg_id);
	ike_put32(p + 24, (uint32_t)b->len);
	return b->len;
}

bool ike_build_chain_finish(struct ike_builder *b, uint8_t *first, size_t *len)
{
	if (b->failed || b->base != 0)
		return false;
	*first = b->first;
	*len = b->len;
	return true;
}

/* --------------------------------------------------------- re-encoding -- */

static size_t build_one(struct ike_builder *b, const struct ike_payloads *pl,
			const struct ike_pld_ref *r)
{
	const struct ike_sk *sk = &pl->sk;
	size_t off;

	if (!r->known)
		return ike_build_raw(b, r->type, r->critical, pl->unknown[r->slot].body.ptr,
				     pl->unknown[r->slot].body.len);
	switch (r->type) {
	case IKE_PLD_SA:
		return ike_build_sa(b, &pl->sa);
	case IKE_PLD_KE:
		return ike_build_ke(b, pl->ke.group, pl->ke.data.ptr, pl->ke.data.len);
	case IKE_PLD_IDI:
		return ike_build_id(b, IKE_PLD_IDI, &pl->idi);
	case IKE_PLD_IDR:
		return ike_build_id(b, IKE_PLD_IDR, &pl->idr);
	case IKE_PLD_CERT:
		return ike_build_cert(b, &pl->cert[r->slot]);
	case IKE_PLD_CERTREQ:
		return ike_build_certreq(b, &pl->certreq[r->slot]);
	case IKE_PLD_AUTH:
		return ike_build_auth(b, &pl->auth);
	case IKE_PLD_NONCE:
		return ike_build_nonce(b, pl->nonce.ptr, pl->nonce.len);
	case IKE_PLD_NOTIFY:
		return ike_build_notify(b, &pl->notify[r->slot]);
	case IKE_PLD_DELETE:
		return ike_build_delete(b, &pl->del[r->slot]);
	case IKE_PLD_VID:
		return ike_build_vid(b, pl->vid[r->slot].ptr, pl->vid[r->slot].len);
	case IKE_PLD_TSI:
		return ike_build_ts(b, IKE_PLD_TSI, &pl->tsi);
	case IKE_PLD_TSR:
		return ike_build_ts(b, IKE_PLD_TSR, &pl->tsr);
	case IKE_PLD_CP:
		return ike_build_cp(b, &pl->cp);
	case IKE_PLD_EAP:
		return ike_build_eap(b, pl->eap.msg.ptr, pl->eap.msg.len);
	case IKE_PLD_SK:
		return ike_build_sk(b, sk->first, sk->body.ptr, sk->body.len);
	case IKE_PLD_SKF:
		off = ike_build_skf_reserve(b, sk->first, sk->frag_num, sk->frag_total, sk->body.len);
		if (!off)
			return 0;
		if (sk->body.len)
			memcpy(b->buf + off, sk->body.ptr, sk->body.len);
		return IKE_PLD_HDR_LEN + 4 + sk->body.len;
	default:
		return fail(b);
	}
}

bool ike_build_payloads(struct ike_builder *b, const struct ike_payloads *pl)
{
	unsigned i;

	for (i = 0; i < pl->n; i++)
		if (!build_one(b, pl, &pl->order[i]))
			return false;
	return !b->failed;
}

size_t ike_msg_build(const struct ike_msg *m, uint8_t *out, size_t cap)
{
	struct ike_builder b;

	ike_build_msg_init(&b, out, cap);
	if (!ike_build_payloads(&b, &m->pl))
		return 0;
	return ike_build_msg_finish(&b, &m->hdr);
}
