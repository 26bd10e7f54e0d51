/* Traffic Selector (RFC 7296 3.13) and Configuration (3.15) payloads, and
 * the table of CP attribute types with the value lengths they allow.
 */
#include <string.h>

#include "ike_internal.h"
#include "ike_msg.h"

#define TS_PLD_HDR 4    /* Number of TSs, RESERVED */
#define TS_HDR 4        /* TS Type, IP Protocol ID, Selector Length */
#define TS_V4_LEN 16
#define TS_V6_LEN 40
#define CP_HDR 4        /* CFG Type, RESERVED */
#define CP_ATTR_HDR 4

/* ------------------------------------------------------------------- TS -- */

enum ike_rule ike_ts_decode(const uint8_t *b, size_t len, struct ike_ts_list *out, struct ike_err *e)
{
	size_t off = TS_PLD_HDR;
	unsigned n, i;

	out->n = 0;
	if (ike_body_short(e, len, 4))
		return e->rule;
	n = b[0];
	if (n == 0)
		return ike_fail(e, IKE_ERR_TS_EMPTY, 0, 0, 1);
	if (n > IKE_TS_MAX)
		return ike_fail(e, IKE_ERR_TS_TOO_MANY, 0, n, IKE_TS_MAX);
	for (i = 0; i < n; i++) {
		size_t left = len - off, want = 0, alen;
		uint8_t hdr[TS_HDR];
		uint16_t slen;
		struct ike_ts *ts = &out->ts[i];

		if (left < TS_HDR)
			return ike_fail(e, IKE_ERR_TS_SHORT, off, left, TS_HDR);
		memcpy(hdr, b + off, sizeof(hdr));
		slen = ike_be16(hdr + 2);
		if (hdr[0] == IKE_TS_IPV4_ADDR_RANGE)
			want = TS_V4_LEN;
		else if (hdr[0] == IKE_TS_IPV6_ADDR_RANGE)
			want = TS_V6_LEN;
		if (want && slen != want)
			return ike_fail(e, IKE_ERR_TS_LENGTH, off, slen, want);
		if (!want && slen < TS_HDR)
			return ike_fail(e, IKE_ERR_TS_LENGTH, off, slen, TS_HDR);
		if (slen > left)
			return ike_fail(e, IKE_ERR_TS_OVERRUN, off, slen, left);
		memset(ts, 0, sizeof(*ts));
		ts->type = hdr[0];
		ts->proto = hdr[1];
		ts->raw = ike_span_of(b + off, slen);
		if (want) {
			/* Start port > end port is legal: OPAQUE (RFC 4301). */
			alen = (want - 8) / 2;
			ts->start_port = ike_be16(b + off + 4);
			ts->end_port = ike_be16(b + off + 6);
			memcpy(ts->start.b, b + off + 8, alen);
			memcpy(ts->end.b, b + off + 8 + alen, alen);
		}
		out->n++;
		off += slen;
	}
	if (off != len)
		return ike_fail(e, IKE_ERR_TS_TRAILING, off, len - off, 0);
	return IKE_ERR_OK;
}

bool ike_ts_encode(const struct ike_ts_list *l, uint8_t *out, size_t cap, size_t *len)
{
	size_t off = TS_PLD_HDR;
	unsigned i;

	if (l->n == 0 || l->n > IKE_TS_MAX || cap < TS_PLD_HDR)
		return false;
	out[0] = (uint8_t)l->n;
	out[1] = out[2] = out[3] = 0;
	for (i = 0; i < l->n; i++) {
		const struct ike_ts *ts = &l->ts[i];
		size_t slen, alen;

		if (ts->type == IKE_TS_IPV4_ADDR_RANGE || ts->type == IKE_TS_IPV6_ADDR_RANGE) {
			slen = ts->type == IKE_TS_IPV4_ADDR_RANGE ? TS_V4_LEN : TS_V6_LEN;
			alen = (slen - 8) / 2;
			if (cap - off < slen)
				return false;
			out[off] = ts->type;
			out[off + 1] = ts->proto;
			ike_put16(out + off + 2, (uint16_t)slen);
			ike_put16(out + off + 4, ts->start_port);
			ike_put16(out + off + 6, ts->end_port);
			memcpy(out + off + 8, ts->start.b, alen);
			memcpy(out + off + 8 + alen, ts->end.b, alen);
		} else {
			/* Unknown types: as received. */
			slen = ts->raw.len;
			if (slen < TS_HDR || cap - off < slen)
				return false;
			memcpy(out + off, ts->raw.ptr, slen);
		}
		off += slen;
	}
	*len = off;
	return true;
}

/* ------------------------------------------------------------------- CP -- */

/* Value lengths (RFC 7296 3.15.1, RFC 5026 4.2.1, RFC 5739 4, RFC 8598
 * 3.1): allowed if (len == 0 && zero) or (min <= len <= max and len a
 * multiple of step). */
static const struct {
	uint16_t type;
	const char *name;
	bool zero;
	uint16_t min, max, step;
} cp_attrs[] = {
	{ IKE_CP_INTERNAL_IP4_ADDRESS, "INTERNAL_IP4_ADDRESS", true, 4, 4, 1 },
	{ IKE_CP_INTERNAL_IP4_NETMASK, "INTERNAL_IP4_NETMASK", true, 4, 4, 1 },
	{ IKE_CP_INTERNAL_IP4_DNS, "INTERNAL_IP4_DNS", true, 4, 4, 1 },
	{ IKE_CP_INTERNAL_IP4_NBNS, "INTERNAL_IP4_NBNS", true, 4, 4, 1 },
	{ IKE_CP_INTERNAL_IP4_DHCP, "INTERNAL_IP4_DHCP", true, 4, 4, 1 },
	{ IKE_CP_APPLICATION_VERSION, "APPLICATION_VERSION", true, 0, 0xffff, 1 },
	{ IKE_CP_INTERNAL_IP6_ADDRESS, "INTERNAL_IP6_ADDRESS", true, 17, 17, 1 },
	{ IKE_CP_INTERNAL_IP6_DNS, "INTERNAL_IP6_DNS", true, 16, 16, 1 },
	{ IKE_CP_INTERNAL_IP6_DHCP, "INTERNAL_IP6_DHCP", true, 16, 16, 1 },
	{ IKE_CP_INTERNAL_IP4_SUBNET, "INTERNAL_IP4_SUBNET", true, 8, 8, 1 },
	{ IKE_CP_SUPPORTED_ATTRIBUTES, "SUPPORTED_ATTRIBUTES", true, 0, 0xffff, 2 },
	{ IKE_CP_INTERNAL_IP6_SUBNET, "INTERNAL_IP6_SUBNET", false, 17, 17, 1 },
	{ IKE_CP_MIP6_HOME_PREFIX, "MIP6_HOME_PREFIX", true, 21, 21, 1 },
	{ IKE_CP_INTERNAL_IP6_LINK, "INTERNAL_IP6_LINK", true, 8, 0xffff, 1 },
	{ IKE_CP_INTERNAL_IP6_PREFIX, "INTERNAL_IP6_PREFIX", true, 17, 17, 1 },
	{ IKE_CP_INTERNAL_DNS_DOMAIN, "INTERNAL_DNS_DOMAIN", true, 0, 0xffff, 1 },
};

#define CP_TYPES (sizeof(cp_attrs) / sizeof(cp_attrs[0]))

/* Every row of the table is a type of IKE_CP_ATTRS and the other way round. */
#define CP_COUNT(name, val) +1
_Static_assert(CP_TYPES == 0 IKE_CP_ATTRS(CP_COUNT), "cp_attrs and IKE_CP_ATTRS differ");
#undef CP_COUNT

static int cp_index(uint16_t type)
{
	size_t i;

	for (i = 0; i < CP_TYPES; i++)
		if (cp_attrs[i].type == type)
			return (int)i;
	return -1;
}

const char *ike_cp_attr_name(uint16_t type)
{
	int i = cp_index(type);

	return i < 0 ? NULL : cp_attrs[i].name;
}

/* Check a known attribute's value and decode its address and prefix. */
static enum ike_rule cp_value(struct ike_cp_attr *a, size_t off, struct ike_err *e)
{
	const uint8_t *v = a->value.ptr;
	size_t len = a->value.len;
	int i = cp_index(a->type);
	uint8_t plen_at = 0;

	if (i < 0)
		return IKE_ERR_OK;
	if (len == 0 && cp_attrs[i].zero)
		return IKE_ERR_OK;
	if (len < cp_attrs[i].min)
		return ike_fail(e, IKE_ERR_CP_ATTR_LENGTH, off, len, cp_attrs[i].min);
	if (len > cp_attrs[i].max)
		return ike_fail(e, IKE_ERR_CP_ATTR_LENGTH, off, len, cp_attrs[i].max);
	if (len % cp_attrs[i].step != 0)
		return ike_fail(e, IKE_ERR_CP_ATTR_LENGTH, off, len, cp_attrs[i].step);
	switch (a->type) {
	case IKE_CP_INTERNAL_IP4_ADDRESS:
	case IKE_CP_INTERNAL_IP4_NETMASK:
	case IKE_CP_INTERNAL_IP4_DNS:
	case IKE_CP_INTERNAL_IP4_NBNS:
	case IKE_CP_INTERNAL_IP4_DHCP:
	case IKE_CP_INTERNAL_IP4_SUBNET:    /* address, then netmask */
		memcpy(a->addr.b, v, 4);
		break;
	case IKE_CP_INTERNAL_IP6_DNS:
	case IKE_CP_INTERNAL_IP6_DHCP:
		memcpy(a->addr.b, v, 16);
		break;
	case IKE_CP_INTERNAL_IP6_ADDRESS:   /* address, prefix length */
	case IKE_CP_INTERNAL_IP6_SUBNET:
	case IKE_CP_INTERNAL_IP6_PREFIX:
		memcpy(a->addr.b, v, 16);
		plen_at = 16;
		break;
	case IKE_CP_MIP6_HOME_PREFIX:       /* lifetime, prefix, length */
		memcpy(a->addr.b, v + 4, 16);
		plen_at = 20;
		break;
	default:
		break;
	}
	if (plen_at) {
		a->prefix_len = v[plen_at];
		if (a->prefix_len > 128)
			return ike_fail(e, IKE_ERR_CP_PREFIX, off + CP_ATTR_HDR + plen_at, a->prefix_len,
					128);
	}
	return IKE_ERR_OK;
}

enum ike_rule ike_cp_decode(const uint8_t *b, size_t len, struct ike_cp *out, struct ike_err *e)
{
	size_t off = CP_HDR;

	out->n = 0;
	if (ike_body_short(e, len, 4))
		return e->rule;
	out->cfg_type = b[0];
	if (b[0] < IKE_CFG_REQUEST || b[0] > IKE_CFG_ACK)
		return ike_fail(e, IKE_ERR_CP_TYPE, 0, b[0], IKE_CFG_ACK);
	while (off < len) {
		size_t left = len - off;
		uint8_t hdr[CP_ATTR_HDR];
		uint16_t alen;
		struct ike_cp_attr *a;
		enum ike_rule r;

		if (left < CP_ATTR_HDR)
			return ike_fail(e, IKE_ERR_CP_ATTR_SHORT, off, left, CP_ATTR_HDR);
		memcpy(hdr, b + off, sizeof(hdr));
		alen = ike_be16(hdr + 2);
		if ((size_t)CP_ATTR_HDR + alen > left)
			return ike_fail(e, IKE_ERR_CP_ATTR_OVERRUN, off, (size_t)CP_ATTR_HDR + alen, left);
		if (out->n >= IKE_CP_MAX_ATTRS)
			return ike_fail(e, IKE_ERR_CP_TOO_MANY, off, out->n + 1, IKE_CP_MAX_ATTRS);
		a = &out->attr[out->n];
		memset(a, 0, sizeof(*a));
		a->type = ike_be16(hdr) & 0x7fff;   /* the R bit: ignored */
		a->value = ike_span_of(b + off + CP_ATTR_HDR, alen);
		r = cp_value(a, off, e);
		if (r != IKE_ERR_OK)
			return r;
		out->n++;
		off += CP_ATTR_HDR + alen;
	}
	return IKE_ERR_OK;
}

bool ike_cp_encode(const struct ike_cp *cp, uint8_t *out, size_t cap, size_t *len)
{
	size_t off = CP_HDR;
	unsigned i;

	if (cp->n > IKE_CP_MAX_ATTRS || cap < CP_HDR)
		return false;
	out[0] = cp->cfg_type;
	out[1] = out[2] = out[3] = 0;
	for (i = 0; i < cp->n; i++) {
		const struct ike_cp_attr *a = &cp->attr[i];
		const uint8_t *v = a->value.ptr;
		size_t vlen = a->value.len;
		uint8_t tmp[17];

		if (a->from_addr) {
			/* The value from addr (and prefix_len). */
			switch (a->type) {
			case IKE_CP_INTERNAL_IP4_ADDRESS:
			case IKE_CP_INTERNAL_IP4_NETMASK:
			case IKE_CP_INTERNAL_IP4_DNS:
			case IKE_CP_INTERNAL_IP4_NBNS:
			case IKE_CP_INTERNAL_IP4_DHCP:
				vlen = 4;
				break;
			case IKE_CP_INTERNAL_IP6_DNS:
			case IKE_CP_INTERNAL_IP6_DHCP:
				vlen = 16;
				break;
			case IKE_CP_INTERNAL_IP6_ADDRESS:
			case IKE_CP_INTERNAL_IP6_SUBNET:
			case IKE_CP_INTERNAL_IP6_PREFIX:
				vlen = 17;
				break;
			default:
				return false;
			}
			memcpy(tmp, a->addr.b, 16);
			tmp[16] = a->prefix_len;
			v = tmp;
		}
		if (vlen > 0xffff || cap - off < CP_ATTR_HDR || cap - off - CP_ATTR_HDR < vlen)
			return false;
		ike_put16(out + off, a->type & 0x7fff);
		ike_put16(out + off + 2, (uint16_t)vlen);
		if (vlen)
			memcpy(out + off + CP_ATTR_HDR, v, vlen);
		off += CP_ATTR_HDR + vlen;
	}
	*len = off;
	return true;
}
