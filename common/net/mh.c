/* Mobility Header codec: PBU, PBA and Heartbeat with the PMIPv6 mobility
 * options. See
 * mh.h for the rules, their order, and the alignment and duplicate-option
 * decisions.
 *
 * The parser validates before it handles: the message length against the
 * Header Len field and the checksum before any field is believed, then
 * every option's length against the octets left before its data is read.
 * Fields are copied out with byte loads; nothing is cast.
 */
#include "net/mh.h"

#include <stdio.h>
#include <string.h>

#include "net/pkt_internal.h"

/* Offsets in the Mobility Header (RFC 6275 6.1.1) and in the fixed parts
 * of the BU (6.1.7), the BA (6.1.8) and the Heartbeat (RFC 5847 3.1). */
#define MH_OFF_PROTO 0
#define MH_OFF_HLEN 1
#define MH_OFF_TYPE 2
#define MH_OFF_RESERVED 3
#define MH_OFF_CSUM 4
#define BU_OFF_SEQ 6
#define BU_OFF_FLAGS 8
#define BU_OFF_LIFETIME 10
#define BA_OFF_STATUS 6
#define BA_OFF_FLAGS 7
#define BA_OFF_SEQ 8
#define BA_OFF_LIFETIME 10
#define HB_OFF_RESERVED 6
#define HB_OFF_FLAGS 7
#define HB_OFF_SEQ 8
#define MH_OFF_OPTIONS PMIP_MH_MSG_LEN

#define OPT_HDR 2           /* type, length */
#define HNP_LEN 18          /* reserved, prefix length, prefix (RFC 5213 8.3) */
#define LLID_RESERVED 2     /* RFC 5213 8.6 */

/* ------------------------------------------------------------- tables -- */

static const char *const rule_names[PMIP_MH_ERR_COUNT] = {
#define RULE_NAME(code, name, text) [PMIP_MH_ERR_##code] = name,
	PMIP_MH_RULES(RULE_NAME)
#undef RULE_NAME
};

static const char *const rule_texts[PMIP_MH_ERR_COUNT] = {
#define RULE_TEXT(code, name, text) [PMIP_MH_ERR_##code] = text,
	PMIP_MH_RULES(RULE_TEXT)
#undef RULE_TEXT
};

struct opt_desc {
	const char *name;
	uint8_t min, max;   /* option length */
	uint8_t ax, ay;     /* alignment xn+y */
};

/* Indexed by option type; name NULL for types we do not decode. */
static const struct opt_desc opt_descs[256] = {
#define OPT_DESC(code, type, nm, mn, mx, x, y) [type] = { nm, mn, mx, x, y },
	PMIP_MH_OPTIONS(OPT_DESC)
#undef OPT_DESC
};

const char *pmip_mh_rule_name(enum pmip_mh_rule rule)
{
	if ((unsigned)rule >= PMIP_MH_ERR_COUNT)
		return "unknown";
	return rule_names[rule];
}

const char *pmip_mh_rule_text(enum pmip_mh_rule rule)
{
	if ((unsigned)rule >= PMIP_MH_ERR_COUNT)
		return "unknown rule";
	return rule_texts[rule];
}

const char *pmip_mh_opt_name(uint8_t type)
{
	return opt_descs[type].name;
}

const char *pmip_mh_ba_status_name(uint8_t status)
{
	switch (status) {
#define STATUS_CASE(code, val)                                                 \
	case val:                                                              \
		return #code;
		PMIP_MH_BA_STATUSES(STATUS_CASE)
#undef STATUS_CASE
	default:
		return NULL;
	}
}

int pmip_mh_err_format(const struct pmip_mh_err *err, char *buf, size_t cap)
{
	char what[64];
	int n;

	if ((unsigned)err->rule >= PMIP_MH_ERR_COUNT)
		return snprintf(buf, cap, "unknown rule %d", (int)err->rule);
	if (err->opt < 0)
		snprintf(what, sizeof(what), "Mobility Header");
	else if (opt_descs[err->opt & 0xff].name)
		snprintf(what, sizeof(what), "%s option (%d)", opt_descs[err->opt & 0xff].name,
			 err->opt);
	else
		snprintf(what, sizeof(what), "option type %d", err->opt);
	n = snprintf(buf, cap, "%s at %zu: ", what, err->off);
	if (n < 0)
		return n;
	/* One of ours (PMIP_MH_RULES): at most two %llu, a then b. Cut
	 * short, the length it would have had, as snprintf. */
	if ((size_t)n >= cap)
		return n + snprintf(NULL, 0, rule_texts[err->rule], err->a, err->b);
	return n + snprintf(buf + n, cap - (size_t)n, rule_texts[err->rule], err->a, err->b);
}

/* ------------------------------------------------------------ parsing -- */

static enum pmip_mh_rule fail(struct pmip_mh_err *err, enum pmip_mh_rule rule, size_t off,
			      int opt, unsigned long long a, unsigned long long b)
{
	if (err) {
		err->rule = rule;
		err->off = off;
		err->opt = opt;
		err->a = a;
		err->b = b;
	}
	return rule;
}

/* One's complement addition of 16-bit values (RFC 1071). */
static uint16_t ones_add(uint16_t x, uint16_t y)
{
	uint32_t s = (uint32_t)x + y;

	return (uint16_t)((s & 0xffff) + (s >> 16));
}

/* The field value that would have verified, from the field as received
 * and the checksum computed over the message with it (0 when right):
 * residual = ~(S + field) where S is the sum without the field, and the
 * right field is ~S. For the log line only. */
static uint16_t checksum_expected(uint16_t field, uint16_t residual)
{
	return (uint16_t)~ones_add((uint16_t)~residual, (uint16_t)~field);
}

static uint64_t get_be64(const uint8_t *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

static void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

/* Is the option of this type allowed only once, and already seen? */
static bool seen_once(const struct pmip_mh_opts *o, uint8_t type)
{
	switch (type) {
	case PMIP_MH_OPT_MN_ID:
		return o->has_mn_id;
	case PMIP_MH_OPT_HI:
		return o->has_hi;
	case PMIP_MH_OPT_ATT:
		return o->has_att;
	case PMIP_MH_OPT_MN_LLID:
		return o->has_mn_llid;
	case PMIP_MH_OPT_LLA:
		return o->has_lla;
	case PMIP_MH_OPT_TIMESTAMP:
		return o->has_timestamp;
	case PMIP_MH_OPT_RESTART_COUNTER:
		return o->has_restart_counter;
	default:
		return false;
	}
}

/* Decode one known option whose olen data octets at d are in the buffer
 * and whose length is within its type's min..max. off: of its type octet. */
static enum pmip_mh_rule opt_decode(struct pmip_mh_opts *o, uint8_t type, const uint8_t *d,
				    uint8_t olen, size_t off, struct pmip_mh_err *err)
{
	if (seen_once(o, type))
		return fail(err, PMIP_MH_ERR_DUPLICATE, off, type, 2, 1);

	switch (type) {
	case PMIP_MH_OPT_MN_ID:
		/* RFC 4283 3: subtype, then the identifier. */
		if (d[0] == PMIP_MH_MN_ID_NAI && olen - 1u > PMIP_MH_NAI_MAX)
			return fail(err, PMIP_MH_ERR_NAI_LONG, off, type, olen - 1u,
				    PMIP_MH_NAI_MAX);
		o->has_mn_id = true;
		o->mn_id_subtype = d[0];
		o->mn_id_len = (uint8_t)(olen - 1);
		memcpy(o->mn_id, d + 1, o->mn_id_len);
		break;
	case PMIP_MH_OPT_HNP:
		/* RFC 5213 8.3: reserved, prefix length, prefix. */
		if (o->n_hnp == PMIP_MH_MAX_HNP)
			return fail(err, PMIP_MH_ERR_HNP_TOO_MANY, off, type, PMIP_MH_MAX_HNP + 1,
				    PMIP_MH_MAX_HNP);
		if (d[1] > PMIP_MH_PREFIX_LEN_MAX)
			return fail(err, PMIP_MH_ERR_PREFIX_LEN, off, type, d[1],
				    PMIP_MH_PREFIX_LEN_MAX);
		o->hnp[o->n_hnp].prefix_len = d[1];
		memcpy(o->hnp[o->n_hnp].prefix.s6_addr, d + 2, 16);
		o->n_hnp++;
		break;
	case PMIP_MH_OPT_HI:
		o->has_hi = true;   /* RFC 5213 8.4: reserved, HI */
		o->hi = d[1];
		break;
	case PMIP_MH_OPT_ATT:
		o->has_att = true;  /* RFC 5213 8.5: reserved, ATT */
		o->att = d[1];
		break;
	case PMIP_MH_OPT_MN_LLID:
		/* RFC 5213 8.6: 2 reserved octets, the identifier. */
		o->has_mn_llid = true;
		o->mn_llid_len = (uint8_t)(olen - LLID_RESERVED);
		memcpy(o->mn_llid, d + LLID_RESERVED, o->mn_llid_len);
		break;
	case PMIP_MH_OPT_LLA:
		o->has_lla = true;
		memcpy(o->lla.s6_addr, d, 16);
		break;
	case PMIP_MH_OPT_TIMESTAMP:
		o->has_timestamp = true;
		o->timestamp = get_be64(d);
		break;
	case PMIP_MH_OPT_RESTART_COUNTER:
		o->has_restart_counter = true;   /* RFC 5847 3.2: the 32-bit counter */
		o->restart_counter = get_be32(d);
		break;
	default:
		break;
	}
	return PMIP_MH_ERR_OK;
}

/* The options from off to len (RFC 6275 6.2.1). */
static enum pmip_mh_rule opts_parse(const uint8_t *buf, size_t len, size_t off,
				    struct pmip_mh_opts *o, struct pmip_mh_err *err)
{
	while (off < len) {
		const struct opt_desc *desc;
		uint8_t type = buf[off], olen;
		size_t left = len - off;
		enum pmip_mh_rule r;

		if (type == PMIP_MH_OPT_PAD1) {   /* one octet, no length (6.2.2) */
			off++;
			continue;
		}
		if (left < OPT_HDR)
			return fail(err, PMIP_MH_ERR_OPT_TRUNCATED, off, type, left, OPT_HDR);
		olen = buf[off + 1];
		if (olen > left - OPT_HDR)
			return fail(err, PMIP_MH_ERR_OPT_OVERRUN, off, type, olen, left - OPT_HDR);

		desc = &opt_descs[type];
		if (type == PMIP_MH_OPT_PADN) {
			/* Its data MUST be ignored by the receiver (6.2.3). */
		} else if (!desc->name) {
			/* Unknown: skipped, and kept for cp to log (6.2.1). */
			if (o->n_unknown < PMIP_MH_MAX_UNKNOWN) {
				o->unknown[o->n_unknown].type = type;
				o->unknown[o->n_unknown].len = olen;
				o->unknown[o->n_unknown].off = (uint16_t)off;
				o->n_unknown++;
			} else {
				o->unknown_dropped++;
			}
		} else {
			if (olen < desc->min) {
				if (type == PMIP_MH_OPT_MN_ID)
					return fail(err, PMIP_MH_ERR_MN_ID_EMPTY, off, type, olen,
						    desc->min);
				if (type == PMIP_MH_OPT_MN_LLID)
					return fail(err, PMIP_MH_ERR_MN_LLID_EMPTY, off, type, olen,
						    desc->min);
			}
			if (olen < desc->min || olen > desc->max)
				return fail(err, PMIP_MH_ERR_OPT_LENGTH, off, type, olen, desc->min);
			r = opt_decode(o, type, buf + off + OPT_HDR, olen, off, err);
			if (r != PMIP_MH_ERR_OK)
				return r;
			if (off % desc->ax != desc->ay)
				o->unaligned |= 1u << type;
		}
		off += OPT_HDR + (size_t)olen;
	}
	return PMIP_MH_ERR_OK;
}

enum pmip_mh_rule pmip_mh_parse(const uint8_t *buf, size_t len, const struct in6_addr *src,
				const struct in6_addr *dst, struct pmip_mh *out,
				struct pmip_mh_err *err)
{
	uint16_t residual;
	enum pmip_mh_rule r;

	memset(out, 0, sizeof(*out));
	if (len < PMIP_MH_MIN_LEN)
		return fail(err, PMIP_MH_ERR_SHORT, 0, -1, len, PMIP_MH_MIN_LEN);
	if (len % PMIP_MH_UNIT)
		return fail(err, PMIP_MH_ERR_NOT_UNITS, 0, -1, len, len % PMIP_MH_UNIT);
	if (((size_t)buf[MH_OFF_HLEN] + 1) * PMIP_MH_UNIT != len)
		return fail(err, PMIP_MH_ERR_LENGTH, MH_OFF_HLEN, -1,
			    ((unsigned long long)buf[MH_OFF_HLEN] + 1) * PMIP_MH_UNIT, len);
	/* The upper-layer length of the pseudo-header is the whole Mobility
	 * Header (RFC 6275 6.1.1); at most 2048 octets here. */
	residual = pmip_ipv6_l4_checksum(src, dst, PMIP_IPPROTO_MH, buf, len);
	if (residual != 0)
		return fail(err, PMIP_MH_ERR_CHECKSUM, MH_OFF_CSUM, -1, get_be16(buf + MH_OFF_CSUM),
			    checksum_expected(get_be16(buf + MH_OFF_CSUM), residual));

	out->payload_proto = buf[MH_OFF_PROTO];
	out->hdr_len = buf[MH_OFF_HLEN];
	out->type = buf[MH_OFF_TYPE];
	out->checksum = get_be16(buf + MH_OFF_CSUM);
	out->len = len;
	/* RFC 6275 9.2, in its order. */
	if (out->type != PMIP_MH_TYPE_BU && out->type != PMIP_MH_TYPE_BA &&
	    out->type != PMIP_MH_TYPE_HB)
		return fail(err, PMIP_MH_ERR_TYPE, MH_OFF_TYPE, -1, out->type, 0);
	if (out->payload_proto != PMIP_MH_PROTO_NONE)
		return fail(err, PMIP_MH_ERR_PROTO, MH_OFF_PROTO, -1, out->payload_proto,
			    PMIP_MH_PROTO_NONE);
	if (len < PMIP_MH_MSG_MIN_LEN)
		return fail(err, PMIP_MH_ERR_MSG_SHORT, MH_OFF_HLEN, -1, len, PMIP_MH_MSG_MIN_LEN);

	if (out->type == PMIP_MH_TYPE_BU) {
		out->bu.seq = get_be16(buf + BU_OFF_SEQ);
		out->bu.flags = get_be16(buf + BU_OFF_FLAGS) & PMIP_MH_BU_DEFINED;
		out->bu.lifetime = get_be16(buf + BU_OFF_LIFETIME);
	} else if (out->type == PMIP_MH_TYPE_BA) {
		out->ba.status = buf[BA_OFF_STATUS];
		out->ba.flags = buf[BA_OFF_FLAGS] & PMIP_MH_BA_DEFINED;
		out->ba.seq = get_be16(buf + BA_OFF_SEQ);
		out->ba.lifetime = get_be16(buf + BA_OFF_LIFETIME);
	} else {
		/* RFC 5847 3.1: the reserved octet and bits are ignored. */
		out->hb.flags = buf[HB_OFF_FLAGS] & PMIP_MH_HB_DEFINED;
		out->hb.seq = get_be32(buf + HB_OFF_SEQ);
	}
	r = opts_parse(buf, len, MH_OFF_OPTIONS, &out->opt, err);
	if (r != PMIP_MH_ERR_OK) {
		/* Header fields stay, the rest is not to be used. */
		memset(&out->bu, 0, sizeof(out->bu));
		memset(&out->ba, 0, sizeof(out->ba));
		memset(&out->hb, 0, sizeof(out->hb));
		memset(&out->opt, 0, sizeof(out->opt));
		return r;
	}
	return fail(err, PMIP_MH_ERR_OK, 0, -1, 0, 0);
}

/* ----------------------------------------------------------- building -- */

struct writer {
	uint8_t *p;
	size_t cap;
	size_t off;
	bool full;
};

/* Room for n more octets? Marks the writer full if not. */
static bool room(struct writer *w, size_t n)
{
	if (w->full || n > w->cap - w->off) {
		w->full = true;
		return false;
	}
	return true;
}

/* Pad1 or PadN so that off becomes y modulo x (RFC 6275 6.2.2, 6.2.3). */
static void pad_to(struct writer *w, unsigned x, unsigned y)
{
	size_t gap = (y + x - w->off % x) % x;

	if (gap == 0 || !room(w, gap))
		return;
	if (gap == 1) {
		w->p[w->off] = PMIP_MH_OPT_PAD1;
	} else {
		w->p[w->off] = PMIP_MH_OPT_PADN;
		w->p[w->off + 1] = (uint8_t)(gap - OPT_HDR);
		memset(w->p + w->off + OPT_HDR, 0, gap - OPT_HDR);
	}
	w->off += gap;
}

/* Start an option of type and option length olen at its alignment;
 * returns where its data goes, or NULL when full. */
static uint8_t *opt_start(struct writer *w, uint8_t type, size_t olen)
{
	uint8_t *d;

	pad_to(w, opt_descs[type].ax, opt_descs[type].ay);
	if (!room(w, OPT_HDR + olen))
		return NULL;
	w->p[w->off] = type;
	w->p[w->off + 1] = (uint8_t)olen;
	d = w->p + w->off + OPT_HDR;
	memset(d, 0, olen);   /* reserved fields */
	w->off += OPT_HDR + olen;
	return d;
}

static bool opts_valid(const struct pmip_mh_opts *o)
{
	unsigned i;

	if (o->n_hnp > PMIP_MH_MAX_HNP)
		return false;
	for (i = 0; i < o->n_hnp; i++)
		if (o->hnp[i].prefix_len > PMIP_MH_PREFIX_LEN_MAX)
			return false;
	if (o->has_mn_id &&
	    (o->mn_id_len == 0 || o->mn_id_len > PMIP_MH_MN_ID_MAX ||
	     (o->mn_id_subtype == PMIP_MH_MN_ID_NAI && o->mn_id_len > PMIP_MH_NAI_MAX)))
		return false;
	if (o->has_mn_llid && (o->mn_llid_len == 0 || o->mn_llid_len > PMIP_MH_MN_LLID_MAX))
		return false;
	return true;
}

static void opts_write(struct writer *w, const struct pmip_mh_opts *o)
{
	uint8_t *d;
	unsigned i;

	if (o->has_mn_id && (d = opt_start(w, PMIP_MH_OPT_MN_ID, 1u + o->mn_id_len))) {
		d[0] = o->mn_id_subtype;
		memcpy(d + 1, o->mn_id, o->mn_id_len);
	}
	for (i = 0; i < o->n_hnp; i++) {
		if ((d = opt_start(w, PMIP_MH_OPT_HNP, HNP_LEN))) {
			d[1] = o->hnp[i].prefix_len;
			memcpy(d + 2, o->hnp[i].prefix.s6_addr, 16);
		}
	}
	if (o->has_hi && (d = opt_start(w, PMIP_MH_OPT_HI, 2)))
		d[1] = o->hi;
	if (o->has_att && (d = opt_start(w, PMIP_MH_OPT_ATT, 2)))
		d[1] = o->att;
	if (o->has_mn_llid &&
	    (d = opt_start(w, PMIP_MH_OPT_MN_LLID, LLID_RESERVED + (size_t)o->mn_llid_len)))
		memcpy(d + LLID_RESERVED, o->mn_llid, o->mn_llid_len);
	if (o->has_lla && (d = opt_start(w, PMIP_MH_OPT_LLA, 16)))
		memcpy(d, o->lla.s6_addr, 16);
	if (o->has_timestamp && (d = opt_start(w, PMIP_MH_OPT_TIMESTAMP, 8)))
		put_be64(d, o->timestamp);
	if (o->has_restart_counter && (d = opt_start(w, PMIP_MH_OPT_RESTART_COUNTER, 4)))
		put_be32(d, o->restart_counter);
	/* The whole header a multiple of 8 octets (RFC 6275 6.1.1). */
	pad_to(w, PMIP_MH_UNIT, 0);
}

/* The header and fixed part are in out[0..12); add the options, Header
 * Len and checksum. */
static size_t mh_finish(uint8_t *out, size_t cap, const struct in6_addr *src,
			const struct in6_addr *dst, const struct pmip_mh_opts *opt)
{
	struct writer w = { out, cap, MH_OFF_OPTIONS, false };

	opts_write(&w, opt);
	/* Cannot pass 2048 with the limits opts_valid enforces (8 HNPs and
	 * two identifiers of < 256 octets); checked all the same. */
	if (w.full || w.off > PMIP_MH_MAX_LEN)
		return 0;
	out[MH_OFF_HLEN] = (uint8_t)(w.off / PMIP_MH_UNIT - 1);
	put_be16(out + MH_OFF_CSUM, 0);
	put_be16(out + MH_OFF_CSUM, pmip_ipv6_l4_checksum(src, dst, PMIP_IPPROTO_MH, out, w.off));
	return w.off;
}

static void hdr_write(uint8_t *out, uint8_t type)
{
	out[MH_OFF_PROTO] = PMIP_MH_PROTO_NONE;
	out[MH_OFF_HLEN] = 0;
	out[MH_OFF_TYPE] = type;
	out[MH_OFF_RESERVED] = 0;
	put_be16(out + MH_OFF_CSUM, 0);
}

size_t pmip_mh_pbu_build(uint8_t *out, size_t cap, const struct in6_addr *src,
			 const struct in6_addr *dst, const struct pmip_mh_bu *bu,
			 const struct pmip_mh_opts *opt)
{
	if (cap < PMIP_MH_MSG_MIN_LEN || !opts_valid(opt))
		return 0;
	hdr_write(out, PMIP_MH_TYPE_BU);
	put_be16(out + BU_OFF_SEQ, bu->seq);
	put_be16(out + BU_OFF_FLAGS, (uint16_t)((bu->flags & PMIP_MH_BU_DEFINED) | PMIP_MH_BU_P));
	put_be16(out + BU_OFF_LIFETIME, bu->lifetime);
	return mh_finish(out, cap, src, dst, opt);
}

size_t pmip_mh_pba_build(uint8_t *out, size_t cap, const struct in6_addr *src,
			 const struct in6_addr *dst, const struct pmip_mh_ba *ba,
			 const struct pmip_mh_opts *opt)
{
	if (cap < PMIP_MH_MSG_MIN_LEN || !opts_valid(opt))
		return 0;
	hdr_write(out, PMIP_MH_TYPE_BA);
	out[BA_OFF_STATUS] = ba->status;
	out[BA_OFF_FLAGS] = (uint8_t)((ba->flags & PMIP_MH_BA_DEFINED) | PMIP_MH_BA_P);
	put_be16(out + BA_OFF_SEQ, ba->seq);
	put_be16(out + BA_OFF_LIFETIME, ba->lifetime);
	return mh_finish(out, cap, src, dst, opt);
}

size_t pmip_mh_heartbeat_build(uint8_t *out, size_t cap, const struct in6_addr *src,
			       const struct in6_addr *dst, const struct pmip_mh_hb *hb,
			       const struct pmip_mh_opts *opt)
{
	if (cap < PMIP_MH_MSG_MIN_LEN || !opts_valid(opt))
		return 0;
	hdr_write(out, PMIP_MH_TYPE_HB);
	out[HB_OFF_RESERVED] = 0;
	/* No flag forced (unlike P in a PBU/PBA): whether this is a request,
	 * a response or an unsolicited response is the caller's to say. */
	out[HB_OFF_FLAGS] = hb->flags & PMIP_MH_HB_DEFINED;
	put_be32(out + HB_OFF_SEQ, hb->seq);
	return mh_finish(out, cap, src, dst, opt);
}

/* ---------------------------------------------------------- timestamp -- */

uint64_t pmip_mh_timestamp_make(uint64_t sec, uint32_t nsec)
{
	/* 1/65536 s units, rounded down: nsec * 65536 < 2^46. */
	uint64_t frac = (uint64_t)nsec * 65536u / 1000000000u;

	return sec << 16 | (frac & 0xffff);
}

void pmip_mh_timestamp_split(uint64_t ts, uint64_t *sec, uint32_t *nsec)
{
	*sec = ts >> 16;
	*nsec = (uint32_t)((ts & 0xffff) * 1000000000u / 65536u);
}
