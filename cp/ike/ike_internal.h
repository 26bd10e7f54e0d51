/* Shared by the cp/ike codec files only: byte order helpers, the error
 * helper, and the payload encoders the builder calls. */
#ifndef PMIP_CP_IKE_INTERNAL_H
#define PMIP_CP_IKE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ike_msg.h"

static inline uint16_t ike_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t ike_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* n <= 8 bytes, big-endian. */
static inline uint64_t ike_ben(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static inline void ike_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void ike_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void ike_putn(uint8_t *p, uint64_t v, size_t n)
{
	while (n--) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

static inline struct ike_span ike_span_of(const uint8_t *p, size_t len)
{
	struct ike_span s = { p, len };

	return s;
}

/* Record a broken rule: off from the start of the element's buffer. */
static inline enum ike_rule ike_fail(struct ike_err *e, enum ike_rule r, size_t off,
				     unsigned long long a, unsigned long long b)
{
	e->rule = r;
	e->off = off;
	e->a = a;
	e->b = b;
	return r;
}

/* The decoders are public: each checks its own minimum body length too
 * (the walker has checked it already), reported as the walker does. */
static inline bool ike_body_short(struct ike_err *e, size_t len, size_t min)
{
	if (len >= min)
		return false;
	ike_fail(e, IKE_ERR_PLD_LENGTH, 0, IKE_PLD_HDR_LEN + len, IKE_PLD_HDR_LEN + min);
	return true;
}

/* Max count per chain and minimum body length of a known payload type
 * (IKE_PAYLOADS); max 0 for unknown types. */
unsigned ike_pld_max(uint8_t type);

/* Encoders: write a payload body (no generic header) into out, at most
 * cap bytes; false if it does not fit or the struct is inconsistent. */
bool ike_sa_encode(const struct ike_sa *sa, uint8_t *out, size_t cap, size_t *len);
bool ike_ke_encode(uint16_t group, const uint8_t *data, size_t dlen, uint8_t *out, size_t cap,
		   size_t *len);
bool ike_id_encode(const struct ike_id *id, uint8_t *out, size_t cap, size_t *len);
bool ike_cert_encode(uint8_t encoding, const struct ike_span *data, uint8_t *out, size_t cap,
		     size_t *len);
bool ike_auth_encode(const struct ike_auth *a, uint8_t *out, size_t cap, size_t *len);
bool ike_notify_encode(const struct ike_notify *n, uint8_t *out, size_t cap, size_t *len);
bool ike_delete_encode(const struct ike_delete *d, uint8_t *out, size_t cap, size_t *len);
bool ike_ts_encode(const struct ike_ts_list *ts, uint8_t *out, size_t cap, size_t *len);
bool ike_cp_encode(const struct ike_cp *cp, uint8_t *out, size_t cap, size_t *len);

/* Decode one payload body of a known type into pl (slot: its index among
 * its type), as the chain walker does; used by ike_build_raw. */
enum ike_rule ike_pld_decode(uint8_t type, const uint8_t *body, size_t len, struct ike_payloads *pl,
			     unsigned slot, struct ike_err *err);

#endif
