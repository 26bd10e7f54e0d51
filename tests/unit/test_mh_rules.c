/* Unit tests for common/net/mh: every rule with a failing case and its
 * numbers, round trips of every option, builder refusals, name tables,
 * and mutations (every truncation, every bit flip) of the hand vectors of
 * mh_util.c. The vectors themselves and the Wireshark cross-check are in
 * test_mh.c.
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mh_util.h"
#include "net/pkt.h"

static void csum_fix(uint8_t *b, size_t n, const struct in6_addr *s, const struct in6_addr *d)
{
	uint16_t c;

	b[4] = b[5] = 0;
	c = pmip_ipv6_l4_checksum(s, d, PMIP_IPPROTO_MH, b, n);
	b[4] = (uint8_t)(c >> 8);
	b[5] = (uint8_t)c;
}

/* A Mobility Header MAG -> LMA: Payload Proto 59, type, the 6-octet fixed
 * part, Pad1 octets to make the whole a multiple of 8, then the options
 * (hex); Header Len and checksum set. *opt_off: where the options start. */
static size_t mk(uint8_t *b, uint8_t type, const char *fixed, const char *opts, size_t *opt_off)
{
	static uint8_t o[PMIP_MH_MAX_LEN];
	size_t on = mh_hx(opts, o), pad = (8 - (12 + on) % 8) % 8, n = 12 + pad + on;

	memset(b, 0, n);
	b[0] = PMIP_MH_PROTO_NONE;
	b[1] = (uint8_t)(n / 8 - 1);
	b[2] = type;
	cr_assert_eq(mh_hx(fixed, b + 6), 6);
	memcpy(b + 12 + pad, o, on);   /* the pad octets are Pad1: zero */
	csum_fix(b, n, &MH_MAG, &MH_LMA);
	if (opt_off)
		*opt_off = 12 + pad;
	return n;
}

#define BU_FIXED "0001" "8200" "0001"   /* seq 1, A | P, lifetime 1 */

struct rule_case {
	const char *what;
	const char *opts;
	enum pmip_mh_rule rule;
	size_t off;          /* from the start of opts */
	int opt;
	unsigned long long a, b;
};

#define HNP18 "0040" "20010db8000000000000000000000000"   /* reserved, /64, prefix */
#define Z16 "00000000000000000000000000000000"

static const struct rule_case opt_cases[] = {
	{ "option type in the last octet", "17", PMIP_MH_ERR_OPT_TRUNCATED, 0, 23, 1, 2 },
	{ "HI longer than the message", "170300" "01", PMIP_MH_ERR_OPT_OVERRUN, 0, 23, 3, 2 },
	{ "PadN past the end", "0105" "0000", PMIP_MH_ERR_OPT_OVERRUN, 0, 1, 5, 2 },
	{ "unknown option past the end", "17020001" "2109" "00000000",
	  PMIP_MH_ERR_OPT_OVERRUN, 4, 33, 9, 4 },
	{ "HNP of 17", "1611" "0040" "20010db80000000000000000000000", PMIP_MH_ERR_OPT_LENGTH, 0, 22,
	  17, 18 },
	{ "HNP of 0", "1600", PMIP_MH_ERR_OPT_LENGTH, 0, 22, 0, 18 },
	{ "HI of 3", "1703000100", PMIP_MH_ERR_OPT_LENGTH, 0, 23, 3, 2 },
	{ "HI of 0", "1700", PMIP_MH_ERR_OPT_LENGTH, 0, 23, 0, 2 },
	{ "ATT of 1", "180100", PMIP_MH_ERR_OPT_LENGTH, 0, 24, 1, 2 },
	{ "LLA of 0", "1a00", PMIP_MH_ERR_OPT_LENGTH, 0, 26, 0, 16 },
	{ "LLA of 15", "1a0f" "fe8000000000000000000000000001", PMIP_MH_ERR_OPT_LENGTH, 0, 26, 15,
	  16 },
	{ "Timestamp of 0", "1b00", PMIP_MH_ERR_OPT_LENGTH, 0, 27, 0, 8 },
	{ "Timestamp of 9", "1b09" "000065530f10000000", PMIP_MH_ERR_OPT_LENGTH, 0, 27, 9, 8 },
	{ "prefix length 129", "1612" "0081" "20010db8000000000000000000000000",
	  PMIP_MH_ERR_PREFIX_LEN, 0, 22, 129, 128 },
	{ "MN-ID of 0", "0800", PMIP_MH_ERR_MN_ID_EMPTY, 0, 8, 0, 2 },
	{ "MN-ID subtype only", "080101", PMIP_MH_ERR_MN_ID_EMPTY, 0, 8, 1, 2 },
	{ "MN-LLID of 0", "1900", PMIP_MH_ERR_MN_LLID_EMPTY, 0, 25, 0, 3 },
	{ "MN-LLID reserved only", "19020000", PMIP_MH_ERR_MN_LLID_EMPTY, 0, 25, 2, 3 },
	{ "two HI", "17020001" "17020005", PMIP_MH_ERR_DUPLICATE, 4, 23, 2, 1 },
	{ "two ATT", "18020003" "0000" "18020004", PMIP_MH_ERR_DUPLICATE, 6, 24, 2, 1 },
	{ "two MN-ID", "0802016d" "0803026d6e", PMIP_MH_ERR_DUPLICATE, 4, 8, 2, 1 },
	{ "two MN-LLID", "1903000001" "1903000002", PMIP_MH_ERR_DUPLICATE, 5, 25, 2, 1 },
	{ "two LLA", "1a10" Z16 "1a10" Z16, PMIP_MH_ERR_DUPLICATE, 18, 26, 2, 1 },
	{ "two Timestamps", "1b08" "0000000000000001" "1b08" "0000000000000001",
	  PMIP_MH_ERR_DUPLICATE, 10, 27, 2, 1 },
	{ "Restart Counter of 3", "1c03" "000001", PMIP_MH_ERR_OPT_LENGTH, 0, 28, 3, 4 },
	{ "Restart Counter of 5", "1c05" "0000000100", PMIP_MH_ERR_OPT_LENGTH, 0, 28, 5, 4 },
	{ "Restart Counter of 0", "1c00", PMIP_MH_ERR_OPT_LENGTH, 0, 28, 0, 4 },
	{ "Restart Counter past the end", "0000" "1c04" "0000", PMIP_MH_ERR_OPT_OVERRUN, 2, 28, 4,
	  2 },
	{ "two Restart Counters", "1c04" "00000001" "1c04" "00000002", PMIP_MH_ERR_DUPLICATE, 6, 28,
	  2, 1 },
	{ "nine HNPs", "1612" HNP18 "1612" HNP18 "1612" HNP18 "1612" HNP18 "1612" HNP18
		       "1612" HNP18 "1612" HNP18 "1612" HNP18 "1612" HNP18,
	  PMIP_MH_ERR_HNP_TOO_MANY, 160, 22, 9, 8 },
};

Test(mh_rules, options)
{
	uint8_t b[PMIP_MH_MAX_LEN];
	struct pmip_mh m;
	struct pmip_mh_err e;
	size_t i, n, oo;

	for (i = 0; i < sizeof(opt_cases) / sizeof(opt_cases[0]); i++) {
		const struct rule_case *c = &opt_cases[i];

		n = mk(b, PMIP_MH_TYPE_BU, BU_FIXED, c->opts, &oo);
		cr_assert_eq(mh_parse(b, n, &MH_MAG, &MH_LMA, &m, &e), c->rule, "%s: %s", c->what,
			     pmip_mh_rule_name(e.rule));
		cr_assert_eq(e.off, oo + c->off, "%s", c->what);
		cr_assert_eq(e.opt, c->opt, "%s", c->what);
		cr_assert_eq(e.a, c->a, "%s: a %llu", c->what, e.a);
		cr_assert_eq(e.b, c->b, "%s: b %llu", c->what, e.b);
		/* Header fields kept, the rest cleared. */
		cr_assert_eq(m.type, PMIP_MH_TYPE_BU);
		cr_assert_eq(m.len, n);
		cr_assert_eq(m.bu.seq, 0);
		cr_assert_eq(m.opt.n_hnp + m.opt.has_hi, 0);
		/* In a BA the same. */
		n = mk(b, PMIP_MH_TYPE_BA, "00200001" "0001", c->opts, &oo);
		cr_assert_eq(mh_parse(b, n, &MH_MAG, &MH_LMA, &m, &e), c->rule, "BA %s", c->what);
		/* And in a Heartbeat (RFC 5847 3.1: options as in RFC 6275 6.2). */
		n = mk(b, PMIP_MH_TYPE_HB, "0001" "00000009", c->opts, &oo);
		cr_assert_eq(mh_parse(b, n, &MH_MAG, &MH_LMA, &m, &e), c->rule, "HB %s", c->what);
		cr_assert_eq(e.off, oo + c->off, "HB %s", c->what);
		cr_assert_eq(m.type, PMIP_MH_TYPE_HB);
		cr_assert_eq(m.hb.seq + m.hb.flags, 0, "HB %s: fields cleared", c->what);
	}
}

Test(mh_rules, options_allowed)
{
	uint8_t b[PMIP_MH_MAX_LEN];
	char opts[2200] = "", nai[600] = "";
	struct pmip_mh m;
	struct pmip_mh_err e;
	size_t n, i;

	/* Eight HNPs, unknown options past the eight kept, PadN of 0 and
	 * 255, several Pad1. */
	for (i = 0; i < 8; i++)
		strcat(opts, "1612" HNP18);
	for (i = 0; i < 10; i++)
		strcat(opts, "c800");                      /* type 200, empty */
	strcat(opts, "0100" "000000");
	strcat(opts, "01ff");
	for (i = 0; i < 255; i++)
		strcat(opts, "ff");                        /* PadN data is ignored (6.2.3) */
	n = mk(b, PMIP_MH_TYPE_BU, BU_FIXED, opts, NULL);
	cr_assert_eq(mh_parse(b, n, &MH_MAG, &MH_LMA, &m, &e), PMIP_MH_ERR_OK,
		     "%s", pmip_mh_rule_name(e.rule));
	cr_assert_eq(m.opt.n_hnp, 8);
	cr_assert_eq(m.opt.n_unknown, PMIP_MH_MAX_UNKNOWN);
	cr_assert_eq(m.opt.unknown_dropped, 2);
	cr_assert_eq(m.opt.unknown[7].type, 200);
	cr_assert_eq(m.opt.unknown[7].len, 0);

	/* NAI of 253 accepted, 254 is NAI_LONG; another subtype may have 254. */
	for (i = 0; i < 254; i++)
		strcat(nai, "61");
	snprintf(opts, sizeof(opts), "08ff01%s", nai);
	n = mk(b, PMIP_MH_TYPE_BU, BU_FIXED, opts, NULL);
	cr_assert_eq(mh_parse(b, n, &MH_MAG, &MH_LMA, &m, &e), PMIP_MH_ERR_NAI_LONG);
	cr_assert(e.a == 254 && e.b == 253 && e.opt == 8);
	opts[5] = '2';
	n = mk(b, PMIP_MH_TYPE_BU, BU_FIXED, opts, NULL);
	cr_assert_eq(mh_parse(b, n, &MH_MAG, &MH_LMA, &m, &e), PMIP_MH_ERR_OK);
	cr_assert(m.opt.mn_id_subtype == 2 && m.opt.mn_id_len == 254);
	nai[2 * 253] = 0;
	snprintf(opts, sizeof(opts), "08fe01%s", nai);
	n = mk(b, PMIP_MH_TYPE_BU, BU_FIXED, opts, NULL);
	cr_assert_eq(mh_parse(b, n, &MH_MAG, &MH_LMA, &m, &e), PMIP_MH_ERR_OK);
	cr_assert(m.opt.mn_id_len == 253 && m.opt.mn_id[252] == 'a');
	/* An MN-LLID of 253 octets; of 1. */
	snprintf(opts, sizeof(opts), "19ff0000%s", nai);
	n = mk(b, PMIP_MH_TYPE_BU, BU_FIXED, opts, NULL);
	cr_assert_eq(mh_parse(b, n, &MH_MAG, &MH_LMA, &m, &e), PMIP_MH_ERR_OK);
	cr_assert_eq(m.opt.mn_llid_len, 253);
	n = mk(b, PMIP_MH_TYPE_BU, BU_FIXED, "190300007f", NULL);
	cr_assert_eq(mh_parse(b, n, &MH_MAG, &MH_LMA, &m, &e), PMIP_MH_ERR_OK);
	cr_assert(m.opt.mn_llid_len == 1 && m.opt.mn_llid[0] == 0x7f);
	/* Reserved flag bits ignored (RFC 6275 6.1.7, 6.1.8). */
	n = mk(b, PMIP_MH_TYPE_BU, "0001" "83ff" "0001", "", NULL);
	cr_assert_eq(mh_parse(b, n, &MH_MAG, &MH_LMA, &m, &e), PMIP_MH_ERR_OK);
	cr_assert_eq(m.bu.flags, PMIP_MH_BU_A | PMIP_MH_BU_P);
	n = mk(b, PMIP_MH_TYPE_BA, "80ff" "0001" "0001", "", NULL);
	cr_assert_eq(mh_parse(b, n, &MH_MAG, &MH_LMA, &m, &e), PMIP_MH_ERR_OK);
	cr_assert_eq(m.ba.flags, PMIP_MH_BA_DEFINED);
	cr_assert_eq(m.ba.status, 128);

	/* Heartbeat: reserved bits ignored; any option, each decoded;
	 * the Restart Counter off 4n+2 accepted and reported (RFC 6275 6.2.1
	 * is a sender's convention, see mh.h). */
	n = mk(b, PMIP_MH_TYPE_HB, "ff" "fe" "ffffffff", "1c04" "fffffffe" "17020005" "0000", NULL);
	cr_assert_eq(mh_parse(b, n, &MH_MAG, &MH_LMA, &m, &e), PMIP_MH_ERR_OK, "%s",
		     pmip_mh_rule_name(e.rule));
	cr_assert_eq(m.hb.flags, PMIP_MH_HB_U);
	cr_assert_eq(m.hb.seq, 0xffffffffu);
	cr_assert(m.opt.has_restart_counter && m.opt.restart_counter == 0xfffffffeu);
	cr_assert(m.opt.has_hi && m.opt.hi == 5);
	cr_assert_eq(m.opt.unaligned, 1u << PMIP_MH_OPT_RESTART_COUNTER, "RC at 12 is not 4n+2");
	mh_rebuild_same(&m, &MH_MAG, &MH_LMA);
	/* A Restart Counter in a PBU: decoded too (cp judges). */
	n = mk(b, PMIP_MH_TYPE_BU, BU_FIXED, "0000" "1c04" "00000007", NULL);
	cr_assert_eq(mh_parse(b, n, &MH_MAG, &MH_LMA, &m, &e), PMIP_MH_ERR_OK);
	cr_assert(m.opt.has_restart_counter && m.opt.restart_counter == 7);
	cr_assert_eq(m.opt.unaligned, 0);
	cr_assert_str_eq(pmip_mh_opt_name(PMIP_MH_OPT_RESTART_COUNTER), "Restart Counter");
}

Test(mh_rules, header)
{
	uint8_t b[64], v[256];
	struct pmip_mh m;
	struct pmip_mh_err e;
	size_t n, len;

	memset(b, 0, sizeof(b));
	for (len = 0; len < 8; len++) {
		cr_assert_eq(mh_parse(b, len, &MH_MAG, &MH_LMA, &m, &e), PMIP_MH_ERR_SHORT);
		cr_assert(e.a == len && e.b == 8 && e.opt == -1);
	}
	n = mk(b, PMIP_MH_TYPE_BU, BU_FIXED, "", NULL);
	cr_assert_eq(n, 16);
	cr_assert_eq(mh_parse(b, 12, &MH_MAG, &MH_LMA, &m, &e), PMIP_MH_ERR_NOT_UNITS);
	cr_assert(e.a == 12 && e.b == 4);
	cr_assert_eq(mh_parse(b, 24, &MH_MAG, &MH_LMA, &m, &e), PMIP_MH_ERR_LENGTH);
	cr_assert(e.a == 16 && e.b == 24 && e.off == 1);
	cr_assert_eq(mh_parse(b, 8, &MH_MAG, &MH_LMA, &m, &e), PMIP_MH_ERR_LENGTH);
	cr_assert_eq(m.len, 0, "nothing set before the checksum");

	/* Checksum: the numbers are the field and the value it should have. */
	n = mh_hx(MH_PBU_HEX, v);
	v[5] ^= 0x10;
	cr_assert_eq(mh_parse(v, n, &MH_MAG, &MH_LMA, &m, &e), PMIP_MH_ERR_CHECKSUM);
	cr_assert(e.a == 0x3ce2 && e.b == 0x3cf2 && e.off == 4, "%llx %llx", e.a, e.b);
	v[5] ^= 0x10;
	v[20] ^= 0x01;   /* a data octet: same expected-field arithmetic */
	cr_assert_eq(mh_parse(v, n, &MH_MAG, &MH_LMA, &m, &e), PMIP_MH_ERR_CHECKSUM);
	v[4] = (uint8_t)(e.b >> 8);
	v[5] = (uint8_t)e.b;
	cr_assert_eq(mh_parse(v, n, &MH_MAG, &MH_LMA, &m, &e), PMIP_MH_ERR_OK,
		     "the field the error named verifies");

	/* TYPE: parsed as generic (header fields) so that cp can answer with
	 * a Binding Error, status 2 (RFC 6275 9.2); even if Payload Proto is
	 * wrong too, TYPE comes first there. */
	n = mk(b, 7, "020000000000", "", NULL);   /* Binding Error */
	b[0] = 6;
	csum_fix(b, n, &MH_MAG, &MH_LMA);
	cr_assert_eq(mh_parse(b, n, &MH_MAG, &MH_LMA, &m, &e), PMIP_MH_ERR_TYPE);
	cr_assert(e.a == 7 && e.off == 2);
	cr_assert(m.type == 7 && m.payload_proto == 6 && m.len == 16 && m.hdr_len == 1);
	/* PROTO: ICMP Parameter Problem pointing at octet 0 (9.2). */
	n = mk(b, PMIP_MH_TYPE_BU, BU_FIXED, "", NULL);
	b[0] = 6;
	csum_fix(b, n, &MH_MAG, &MH_LMA);
	cr_assert_eq(mh_parse(b, n, &MH_MAG, &MH_LMA, &m, &e), PMIP_MH_ERR_PROTO);
	cr_assert(e.a == 6 && e.b == 59 && e.off == 0);
	/* MSG_SHORT: a BU of 8 octets; the pointer at Header Len (9.2). */
	memset(b, 0, 8);
	b[0] = 59;
	b[2] = PMIP_MH_TYPE_BU;
	csum_fix(b, 8, &MH_MAG, &MH_LMA);
	cr_assert_eq(mh_parse(b, 8, &MH_MAG, &MH_LMA, &m, &e), PMIP_MH_ERR_MSG_SHORT);
	cr_assert(e.a == 8 && e.b == 16 && e.off == 1);
	b[2] = PMIP_MH_TYPE_BA;
	csum_fix(b, 8, &MH_MAG, &MH_LMA);
	cr_assert_eq(mh_parse(b, 8, &MH_MAG, &MH_LMA, &m, &e), PMIP_MH_ERR_MSG_SHORT);
	cr_assert_eq(mh_parse(b, 8, &MH_MAG, &MH_LMA, &m, NULL), PMIP_MH_ERR_MSG_SHORT);
	/* A Heartbeat of 8 octets: no room for its Sequence Number
	 * (RFC 5847 3.1). */
	b[2] = PMIP_MH_TYPE_HB;
	csum_fix(b, 8, &MH_MAG, &MH_LMA);
	cr_assert_eq(mh_parse(b, 8, &MH_MAG, &MH_LMA, &m, &e), PMIP_MH_ERR_MSG_SHORT);
	cr_assert(e.a == 8 && e.b == 16 && e.off == 1);
	/* The types next to 13 are still TYPE (12: Home Agent Switch,
	 * RFC 5142; 14: Handover Initiate, RFC 5568), and so is 23. */
	n = mk(b, 12, "000000000000", "", NULL);
	cr_assert_eq(mh_parse(b, n, &MH_MAG, &MH_LMA, &m, &e), PMIP_MH_ERR_TYPE);
	n = mk(b, 14, "000000000000", "", NULL);
	cr_assert_eq(mh_parse(b, n, &MH_MAG, &MH_LMA, &m, &e), PMIP_MH_ERR_TYPE);
	n = mk(b, 23, "000000000000", "", NULL);
	cr_assert_eq(mh_parse(b, n, &MH_MAG, &MH_LMA, &m, &e), PMIP_MH_ERR_TYPE);
	cr_assert_eq(e.a, 23);
}

Test(mh_rules, messages)
{
	struct pmip_mh_err e = { .rule = PMIP_MH_ERR_PREFIX_LEN, .off = 16, .opt = 22,
				 .a = 129, .b = 128 };
	char s[256];
	unsigned i, j;

	pmip_mh_err_format(&e, s, sizeof(s));
	cr_assert_str_eq(s, "Home Network Prefix option (22) at 16: "
			    "Home Network Prefix length above 128 (129 > 128)");
	e = (struct pmip_mh_err){ PMIP_MH_ERR_OPT_OVERRUN, 20, 33, 9, 4 };
	pmip_mh_err_format(&e, s, sizeof(s));
	cr_assert_str_eq(s, "option type 33 at 20: option data past the end of the message "
			    "(9 > 4 octets left)");
	e = (struct pmip_mh_err){ PMIP_MH_ERR_CHECKSUM, 4, -1, 0x3ce2, 0x3cf2 };
	pmip_mh_err_format(&e, s, sizeof(s));
	cr_assert_str_eq(s, "Mobility Header at 4: checksum does not verify "
			    "(field 0x3ce2, should be 0x3cf2)");
	e = (struct pmip_mh_err){ PMIP_MH_ERR_TYPE, 2, -1, 7, 0 };
	pmip_mh_err_format(&e, s, sizeof(s));
	cr_assert_str_eq(s, "Mobility Header at 2: MH type 7 is not a Binding Update (5), "
			    "Acknowledgement (6) or Heartbeat (13)");
	cr_assert_eq(pmip_mh_err_format(&e, s, 8), (int)strlen("Mobility Header at 2: MH type 7 "
							       "is not a Binding Update (5), "
							       "Acknowledgement (6) or Heartbeat (13)"));
	cr_assert_str_eq(s, "Mobilit");
	e.rule = PMIP_MH_ERR_COUNT;
	pmip_mh_err_format(&e, s, sizeof(s));
	cr_assert_eq(strncmp(s, "unknown rule ", 13), 0);
	/* Names: one per rule, distinct, for counters. */
	for (i = 0; i < PMIP_MH_ERR_COUNT; i++) {
		cr_assert(strlen(pmip_mh_rule_name(i)) > 1);
		cr_assert_not_null(strstr(pmip_mh_rule_text(i), i ? "(" : "ok"));
		for (j = 0; j < i; j++)
			cr_assert_str_neq(pmip_mh_rule_name(i), pmip_mh_rule_name(j));
	}
	cr_assert_str_eq(pmip_mh_rule_name(PMIP_MH_ERR_CHECKSUM), "bad_checksum");
	cr_assert_str_eq(pmip_mh_rule_name(PMIP_MH_ERR_COUNT), "unknown");
	cr_assert_str_eq(pmip_mh_ba_status_name(155), "NOT_AUTHORIZED_FOR_HOME_NETWORK_PREFIX");
	cr_assert_str_eq(pmip_mh_ba_status_name(0), "ACCEPTED");
	cr_assert_null(pmip_mh_ba_status_name(200));
	cr_assert_str_eq(pmip_mh_opt_name(PMIP_MH_OPT_TIMESTAMP), "Timestamp");
	cr_assert_str_eq(pmip_mh_opt_name(8), "Mobile Node Identifier");
	cr_assert_null(pmip_mh_opt_name(2));
}

Test(mh_rules, timestamp)
{
	uint64_t s;
	uint32_t ns;

	cr_assert_eq(pmip_mh_timestamp_make(1700000000, 500000000),
		     (uint64_t)1700000000 << 16 | 0x8000);
	cr_assert_eq(pmip_mh_timestamp_make(1, 999999999), (uint64_t)1 << 16 | 0xffff);
	cr_assert_eq(pmip_mh_timestamp_make((uint64_t)1 << 48, 0), 0, "48 bits of seconds");
	pmip_mh_timestamp_split((uint64_t)1700000000 << 16 | 0x1234, &s, &ns);
	cr_assert(s == 1700000000 && ns == 71105957);   /* as tshark shows it */
}

/* ------------------------------------------------------- round trips -- */

Test(mh_build, every_option_combination)
{
	struct pmip_mh_opts all, o;
	struct pmip_mh m;
	uint8_t b[PMIP_MH_MAX_LEN];
	struct pmip_mh_bu bu = { .seq = 0xfffe, .flags = PMIP_MH_BU_A, .lifetime = 1 };
	struct pmip_mh_ba ba = { .status = 155, .seq = 3, .lifetime = 0xffff };
	unsigned mask, cap;
	size_t n;

	mh_vector_opts(&all, false);
	mh_add_hnp(&all, "2001:db8:1:2::", 63);
	for (mask = 0; mask < 128; mask++) {
		o = all;
		o.has_mn_id = mask & 1;
		o.n_hnp = (mask & 2) ? 2 : 0;
		o.has_hi = mask & 4;
		o.has_att = mask & 8;
		o.has_mn_llid = mask & 16;
		o.has_lla = mask & 32;
		o.has_timestamp = mask & 64;
		n = pmip_mh_pbu_build(b, sizeof(b), &MH_MAG, &MH_LMA, &bu, &o);
		cr_assert(n >= 16 && n % 8 == 0);
		cr_assert_eq(mh_parse(b, n, &MH_MAG, &MH_LMA, &m, NULL), PMIP_MH_ERR_OK);
		mh_opts_eq(&m.opt, &o);
		mh_rebuild_same(&m, &MH_MAG, &MH_LMA);
		for (cap = 0; cap < n; cap++)
			cr_assert_eq(pmip_mh_pbu_build(b, cap, &MH_MAG, &MH_LMA, &bu, &o), 0);
		n = pmip_mh_pba_build(b, sizeof(b), &MH_LMA, &MH_MAG, &ba, &o);
		cr_assert_eq(mh_parse(b, n, &MH_LMA, &MH_MAG, &m, NULL), PMIP_MH_ERR_OK);
		cr_assert(m.ba.status == 155 && m.ba.seq == 3 && m.ba.lifetime == 0xffff);
		mh_opts_eq(&m.opt, &o);
		mh_rebuild_same(&m, &MH_LMA, &MH_MAG);
	}
}

Test(mh_build, every_length)
{
	struct pmip_mh_opts o;
	struct pmip_mh m;
	uint8_t b[PMIP_MH_MAX_LEN];
	struct pmip_mh_bu bu = { 0 };
	unsigned len, i;
	size_t n;

	for (len = 1; len <= PMIP_MH_MN_ID_MAX; len++) {
		memset(&o, 0, sizeof(o));
		o.has_mn_id = true;
		o.mn_id_subtype = len <= PMIP_MH_NAI_MAX ? PMIP_MH_MN_ID_NAI : 2;
		o.mn_id_len = (uint8_t)len;
		for (i = 0; i < len; i++)
			o.mn_id[i] = (uint8_t)(i * 7 + len);
		if (len <= PMIP_MH_MN_LLID_MAX) {
			o.has_mn_llid = true;
			o.mn_llid_len = (uint8_t)len;
			memcpy(o.mn_llid, o.mn_id, len);
		}
		n = pmip_mh_pbu_build(b, sizeof(b), &MH_MAG, &MH_LMA, &bu, &o);
		cr_assert_eq(mh_parse(b, n, &MH_MAG, &MH_LMA, &m, NULL), PMIP_MH_ERR_OK, "%u", len);
		mh_opts_eq(&m.opt, &o);
		cr_assert_eq(m.opt.unaligned, 0);
	}
	for (len = 0; len <= PMIP_MH_MAX_HNP; len++) {
		memset(&o, 0, sizeof(o));
		for (i = 0; i < len; i++) {
			o.hnp[i].prefix_len = (uint8_t)(i * 16 + len);
			memset(o.hnp[i].prefix.s6_addr, (int)(i + 1), 16);
		}
		o.n_hnp = len;
		o.has_hi = true;   /* shifts every HNP off 8n+4 unless padded */
		n = pmip_mh_pbu_build(b, sizeof(b), &MH_MAG, &MH_LMA, &bu, &o);
		cr_assert_eq(mh_parse(b, n, &MH_MAG, &MH_LMA, &m, NULL), PMIP_MH_ERR_OK);
		mh_opts_eq(&m.opt, &o);
		cr_assert_eq(m.opt.unaligned, 0);
	}
}

Test(mh_build, refusals_and_flags)
{
	struct pmip_mh_opts o;
	struct pmip_mh m;
	uint8_t b[PMIP_MH_MAX_LEN];
	struct pmip_mh_bu bu = { .flags = 0xffff };
	struct pmip_mh_ba ba = { .flags = 0x1f };
	size_t n;

#define REFUSED(setup)                                                         \
	do {                                                                   \
		mh_vector_opts(&o, false);                                     \
		setup;                                                         \
		cr_assert_eq(pmip_mh_pbu_build(b, sizeof(b), &MH_MAG, &MH_LMA, &bu, &o), 0, #setup); \
		cr_assert_eq(pmip_mh_pba_build(b, sizeof(b), &MH_LMA, &MH_MAG, &ba, &o), 0, #setup); \
	} while (0)
	REFUSED(o.n_hnp = PMIP_MH_MAX_HNP + 1);
	REFUSED(o.hnp[0].prefix_len = 129);
	REFUSED(o.mn_id_len = 0);
	REFUSED((o.mn_id_subtype = 2, o.mn_id_len = 255));
	REFUSED(o.mn_id_len = 254);                  /* an NAI over 253 */
	REFUSED(o.mn_llid_len = 0);
	REFUSED(o.mn_llid_len = 254);
	{
		struct pmip_mh_hb hb = { 0 };

		mh_vector_opts(&o, false);
		o.hnp[0].prefix_len = 129;
		cr_assert_eq(pmip_mh_heartbeat_build(b, sizeof(b), &MH_MAG, &MH_LMA, &hb, &o), 0);
	}
#undef REFUSED
	mh_vector_opts(&o, false);
	o.mn_id_len = 0;
	o.has_mn_id = false;   /* absent: the length does not matter */
	cr_assert_neq(pmip_mh_pbu_build(b, sizeof(b), &MH_MAG, &MH_LMA, &bu, &o), 0);
	cr_assert_eq(pmip_mh_pbu_build(b, 15, &MH_MAG, &MH_LMA, &bu, &o), 0);

	/* Reserved flag bits cleared, P always set (RFC 5213 8.1, 8.2). */
	memset(&o, 0, sizeof(o));
	n = pmip_mh_pbu_build(b, sizeof(b), &MH_MAG, &MH_LMA, &bu, &o);
	cr_assert(n == 16 && b[8] == 0xfe && b[9] == 0);
	bu.flags = 0;
	pmip_mh_pbu_build(b, sizeof(b), &MH_MAG, &MH_LMA, &bu, &o);
	cr_assert(b[8] == 0x02 && b[9] == 0);
	n = pmip_mh_pba_build(b, sizeof(b), &MH_LMA, &MH_MAG, &ba, &o);
	cr_assert_eq(b[7], 0x20);
	cr_assert_eq(mh_parse(b, n, &MH_LMA, &MH_MAG, &m, NULL), PMIP_MH_ERR_OK);
	cr_assert_eq(m.ba.flags, PMIP_MH_BA_P);
}

/* --------------------------------------------------------- mutations -- */

static void mutate(const char *hex, const struct in6_addr *s, const struct in6_addr *d)
{
	uint8_t v[PMIP_MH_MAX_LEN], c[PMIP_MH_MAX_LEN];
	struct pmip_mh m;
	struct pmip_mh_err e;
	char msg[256];
	size_t n = mh_hx(hex, v), len, bit;
	unsigned ok = 0;

	/* Every truncation fails; cut at a multiple of 8 with Header Len and
	 * checksum mended, it ends in an option or between two. */
	for (len = 0; len < n; len++) {
		enum pmip_mh_rule r = mh_parse(v, len, s, d, &m, &e);

		cr_assert_neq(r, PMIP_MH_ERR_OK, "cut to %zu", len);
		if (len >= 16 && len % 8 == 0) {
			memcpy(c, v, len);
			c[1] = (uint8_t)(len / 8 - 1);
			csum_fix(c, len, s, d);
			r = mh_parse(c, len, s, d, &m, &e);
			cr_assert(r == PMIP_MH_ERR_OK || r == PMIP_MH_ERR_OPT_OVERRUN ||
				  r == PMIP_MH_ERR_OPT_TRUNCATED, "cut to %zu: %s", len,
				  pmip_mh_rule_name(r));
			if (r == PMIP_MH_ERR_OK)
				mh_rebuild_same(&m, s, d);
		}
	}
	/* Every bit flip fails: Header Len by LENGTH, the rest by CHECKSUM
	 * (one's complement catches every single-bit error). With the
	 * checksum mended, it parses (and rebuilds) or breaks a named rule. */
	for (bit = 0; bit < 8 * n; bit++) {
		enum pmip_mh_rule r;

		memcpy(c, v, n);
		c[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		r = mh_parse(c, n, s, d, &m, &e);
		cr_assert_eq(r, bit / 8 == 1 ? PMIP_MH_ERR_LENGTH : PMIP_MH_ERR_CHECKSUM, "bit %zu",
			     bit);
		if (bit / 8 == 1 || bit / 8 == 4 || bit / 8 == 5)
			continue;
		csum_fix(c, n, s, d);
		r = mh_parse(c, n, s, d, &m, &e);
		cr_assert_lt((unsigned)r, PMIP_MH_ERR_COUNT);
		cr_assert_gt(pmip_mh_err_format(&e, msg, sizeof(msg)), 0);
		if (r == PMIP_MH_ERR_OK) {
			ok++;
			mh_rebuild_same(&m, s, d);
		} else {
			cr_assert(r >= PMIP_MH_ERR_TYPE, "bit %zu: %s", bit, msg);
			cr_assert_lt(e.off, n);
		}
	}
	cr_assert_gt(ok, n, "most flips in the data still parse (%u)", ok);
}

Test(mh_mutations, pbu, .timeout = 120)
{
	mutate(MH_PBU_HEX, &MH_MAG, &MH_LMA);
}

Test(mh_mutations, pba, .timeout = 120)
{
	mutate(MH_PBA_HEX, &MH_LMA, &MH_MAG);
}

Test(mh_mutations, peer, .timeout = 120)
{
	mutate(MH_PEER_HEX, &MH_MAG, &MH_LMA);
}

/* The Heartbeats (RFC 5847): the same truncation and bit-flip loop. */
Test(mh_mutations, heartbeat_request, .timeout = 120)
{
	mutate(MH_HB_REQ_HEX, &MH_MAG, &MH_LMA);
}

Test(mh_mutations, heartbeat_response, .timeout = 120)
{
	mutate(MH_HB_RESP_HEX, &MH_LMA, &MH_MAG);
}

/* Every rejection status (>= 128) has the number Wireshark's dissector
 * gives its name (RFC 6275 6.1.8, RFC 5213 8.9 via the IANA registry):
 * "Duplicate Address Detection failed" is DUPLICATE_ADDRESS_DETECTION_FAILED.
 * A table off by one sends another status than the one meant. */
Test(mh_rules, status_numbers_match_wireshark, .timeout = 60)
{
	static const struct {
		const char *name;
		unsigned val;
	} ours[] = {
#define STATUS_ROW(code, v) { #code, v },
		PMIP_MH_BA_STATUSES(STATUS_ROW)
#undef STATUS_ROW
	};
	char line[512];
	unsigned checked = 0;
	if (system("command -v tshark >/dev/null 2>&1") != 0)
		cr_skip_test("tshark not installed");
	FILE *p = popen("tshark -G values 2>/dev/null", "r");
	cr_assert_not_null(p);
	while (fgets(line, sizeof(line), p)) {
		unsigned v;
		char name[256];
		if (sscanf(line, "V\tmip6.ba.status\t%u\t%255[^\n]", &v, name) != 2 || v < 128)
			continue;
		for (char *c = name; *c; c++)
			*c = (*c == ' ' || *c == '-') ? '_' : (char)toupper((unsigned char)*c);
		for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++) {
			if (strcmp(ours[i].name, name) != 0)
				continue;
			cr_expect_eq(ours[i].val, v, "%s: ours %u, Wireshark %u", name, ours[i].val, v);
			checked++;
		}
	}
	pclose(p);
	unsigned rejections = 0;
	for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		rejections += ours[i].val >= 128;
	cr_assert_eq(checked, rejections, "every rejection status found in Wireshark's table");
}
