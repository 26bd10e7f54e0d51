/* libFuzzer target for common/net/mh, the Mobility Header codec (PBU, PBA,
 * Heartbeat).
 *
 * Each input is parsed from an exact-size heap copy (so that ASan sees any
 * read past the end) as a Mobility Header from 2001:db8:ffff::1 to ::2,
 * twice: as it is, and with Header Len and the checksum mended (random
 * bytes almost never carry a right checksum, which would leave everything
 * after it to the seeds). Invariants (abort()):
 *  - the error struct agrees with the result, names a rule with a name and
 *    a text, and its offset lies in the message; option rules name an
 *    option, header rules none; an error message formats;
 *  - on OK: the length is a multiple of 8 from 16 to 2048, the type BU,
 *    BA or Heartbeat, Payload Proto 59, the checksum verifies, flags hold defined bits
 *    only, every count and length is within its limit;
 *  - what parses builds back (PBU, PBA or Heartbeat by its type), the
 *    build parses OK to the same fields (P set in a PBU/PBA, unknown options dropped, every option
 *    aligned), and building that again gives the same bytes.
 * Seeds: tests/fuzz/corpus/mh: the frames of tests/data/mh/mh.pcap, the
 * Mobility Header alone (hb_*.bin: the Heartbeats).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/mh.h"
#include "net/pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c))                                                      \
			abort();                                               \
	} while (0)

static const struct in6_addr src = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0, 0, 0, 0,
						  0, 0, 0, 0, 0, 1 } };
static const struct in6_addr dst = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0, 0, 0, 0,
						  0, 0, 0, 0, 0, 2 } };

static uint8_t out1[PMIP_MH_MAX_LEN], out2[PMIP_MH_MAX_LEN];

static bool opts_eq(const struct pmip_mh_opts *a, const struct pmip_mh_opts *b)
{
	unsigned i;

	if (a->has_mn_id != b->has_mn_id || a->n_hnp != b->n_hnp || a->has_hi != b->has_hi ||
	    a->has_att != b->has_att || a->has_mn_llid != b->has_mn_llid ||
	    a->has_lla != b->has_lla || a->has_timestamp != b->has_timestamp)
		return false;
	if (a->has_mn_id && (a->mn_id_subtype != b->mn_id_subtype || a->mn_id_len != b->mn_id_len ||
			     memcmp(a->mn_id, b->mn_id, a->mn_id_len)))
		return false;
	for (i = 0; i < a->n_hnp; i++)
		if (a->hnp[i].prefix_len != b->hnp[i].prefix_len ||
		    memcmp(&a->hnp[i].prefix, &b->hnp[i].prefix, 16))
			return false;
	if ((a->has_hi && a->hi != b->hi) || (a->has_att && a->att != b->att))
		return false;
	if (a->has_mn_llid &&
	    (a->mn_llid_len != b->mn_llid_len || memcmp(a->mn_llid, b->mn_llid, a->mn_llid_len)))
		return false;
	if (a->has_lla && memcmp(&a->lla, &b->lla, 16))
		return false;
	if (a->has_restart_counter != b->has_restart_counter ||
	    (a->has_restart_counter && a->restart_counter != b->restart_counter))
		return false;
	return !a->has_timestamp || a->timestamp == b->timestamp;
}

static size_t build(const struct pmip_mh *m, uint8_t *out, size_t cap)
{
	if (m->type == PMIP_MH_TYPE_BU)
		return pmip_mh_pbu_build(out, cap, &src, &dst, &m->bu, &m->opt);
	if (m->type == PMIP_MH_TYPE_BA)
		return pmip_mh_pba_build(out, cap, &src, &dst, &m->ba, &m->opt);
	return pmip_mh_heartbeat_build(out, cap, &src, &dst, &m->hb, &m->opt);
}

static void check_ok(const uint8_t *buf, size_t len, const struct pmip_mh *m)
{
	static struct pmip_mh m2;
	const struct pmip_mh_opts *o = &m->opt;
	unsigned i;
	size_t n1, n2;

	CHECK(len >= PMIP_MH_MSG_MIN_LEN && len <= PMIP_MH_MAX_LEN && len % 8 == 0);
	CHECK(m->len == len && (m->hdr_len + 1u) * 8 == len);
	CHECK(m->type == PMIP_MH_TYPE_BU || m->type == PMIP_MH_TYPE_BA ||
	      m->type == PMIP_MH_TYPE_HB);
	CHECK(m->payload_proto == PMIP_MH_PROTO_NONE);
	CHECK(pmip_ipv6_l4_checksum(&src, &dst, PMIP_IPPROTO_MH, buf, len) == 0);
	CHECK((m->bu.flags & ~PMIP_MH_BU_DEFINED) == 0 && (m->ba.flags & ~PMIP_MH_BA_DEFINED) == 0);
	CHECK((m->hb.flags & ~PMIP_MH_HB_DEFINED) == 0);
	/* Only the message of its type is filled. */
	CHECK(m->type == PMIP_MH_TYPE_HB || (m->hb.flags == 0 && m->hb.seq == 0));
	CHECK(m->type == PMIP_MH_TYPE_BU || (m->bu.flags == 0 && m->bu.seq == 0));
	CHECK(o->n_hnp <= PMIP_MH_MAX_HNP && o->n_unknown <= PMIP_MH_MAX_UNKNOWN);
	for (i = 0; i < o->n_hnp; i++)
		CHECK(o->hnp[i].prefix_len <= 128);
	CHECK(!o->has_mn_id || (o->mn_id_len >= 1 && o->mn_id_len <= PMIP_MH_MN_ID_MAX));
	CHECK(!o->has_mn_id || o->mn_id_subtype != PMIP_MH_MN_ID_NAI ||
	      o->mn_id_len <= PMIP_MH_NAI_MAX);
	CHECK(!o->has_mn_llid || (o->mn_llid_len >= 1 && o->mn_llid_len <= PMIP_MH_MN_LLID_MAX));
	for (i = 0; i < o->n_unknown; i++) {
		CHECK(pmip_mh_opt_name(o->unknown[i].type) == NULL);
		CHECK(o->unknown[i].off >= PMIP_MH_MSG_LEN &&
		      o->unknown[i].off + 2u + o->unknown[i].len <= len);
		CHECK(buf[o->unknown[i].off] == o->unknown[i].type);
	}
	CHECK(o->unknown_dropped == 0 || o->n_unknown == PMIP_MH_MAX_UNKNOWN);

	/* Rebuilt from its fields, it parses to them, aligned. */
	n1 = build(m, out1, sizeof(out1));
	CHECK(n1 >= PMIP_MH_MSG_MIN_LEN && n1 % 8 == 0);
	CHECK(pmip_mh_parse(out1, n1, &src, &dst, &m2, NULL) == PMIP_MH_ERR_OK);
	CHECK(m2.type == m->type && m2.len == n1);
	if (m->type == PMIP_MH_TYPE_BU)
		CHECK(m2.bu.seq == m->bu.seq && m2.bu.lifetime == m->bu.lifetime &&
		      m2.bu.flags == (m->bu.flags | PMIP_MH_BU_P));
	else if (m->type == PMIP_MH_TYPE_BA)
		CHECK(m2.ba.status == m->ba.status && m2.ba.seq == m->ba.seq &&
		      m2.ba.lifetime == m->ba.lifetime &&
		      m2.ba.flags == (m->ba.flags | PMIP_MH_BA_P));
	else
		CHECK(m2.hb.flags == m->hb.flags && m2.hb.seq == m->hb.seq);
	CHECK(opts_eq(&m2.opt, o));
	CHECK(m2.opt.n_unknown == 0 && m2.opt.unaligned == 0);
	/* A fixed point. */
	n2 = build(&m2, out2, sizeof(out2));
	CHECK(n2 == n1 && memcmp(out1, out2, n1) == 0);
	/* A buffer one octet short: refused (ASan: nothing written past it). */
	CHECK(build(&m2, out2 + sizeof(out2) - (n1 - 1), n1 - 1) == 0);
}

static void check(const uint8_t *data, size_t size)
{
	static struct pmip_mh m;
	struct pmip_mh_err err;
	enum pmip_mh_rule r;
	uint8_t *buf = malloc(size ? size : 1);
	char msg[160];

	CHECK(buf != NULL);
	if (size)
		memcpy(buf, data, size);
	memset(&err, 0xa5, sizeof(err));
	r = pmip_mh_parse(buf, size, &src, &dst, &m, &err);
	CHECK((unsigned)r < PMIP_MH_ERR_COUNT && err.rule == r);
	CHECK(pmip_mh_rule_name(r) != NULL && pmip_mh_rule_text(r) != NULL);
	CHECK(pmip_mh_err_format(&err, msg, sizeof(msg)) > 0);
	CHECK(pmip_mh_parse(buf, size, &src, &dst, &m, NULL) == r);
	if (r == PMIP_MH_ERR_OK) {
		check_ok(buf, size, &m);
	} else {
		CHECK(err.off < (size ? size : 1));
		CHECK((err.opt >= 0) == (r >= PMIP_MH_ERR_OPT_TRUNCATED));
		CHECK(err.opt < 256);
		if (r >= PMIP_MH_ERR_TYPE)
			CHECK(m.len == size && m.type == buf[2]);
		else
			CHECK(m.len == 0);
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *fixed;
	uint16_t c;
	size_t n;

	if (size > PMIP_MH_MAX_LEN + 64)
		return 0;
	check(data, size);

	/* Again with a consistent Header Len and checksum, cut to 8n. */
	n = size - size % 8;
	if (n < 8 || n > PMIP_MH_MAX_LEN)
		return 0;
	fixed = malloc(n);
	CHECK(fixed != NULL);
	memcpy(fixed, data, n);
	fixed[1] = (uint8_t)(n / 8 - 1);
	fixed[4] = fixed[5] = 0;
	c = pmip_ipv6_l4_checksum(&src, &dst, PMIP_IPPROTO_MH, fixed, n);
	fixed[4] = (uint8_t)(c >> 8);
	fixed[5] = (uint8_t)c;
	check(fixed, n);
	free(fixed);
	return 0;
}
