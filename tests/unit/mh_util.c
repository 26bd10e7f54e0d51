/* Shared by the Mobility Header tests (test_mh.c, test_mh_rules.c): the
 * hand-written vectors and the helpers that parse, compare and rebuild.
 * See mh_util.h. */
#include "mh_util.h"

#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct in6_addr MH_MAG = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0, 0, 0, 0,
					     0, 0, 0, 0, 0, 1 } };
const struct in6_addr MH_LMA = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0, 0, 0, 0,
					     0, 0, 0, 0, 0, 2 } };

/* ------------------------------------------------------ hand vectors -- */

/* PBU, MAG 2001:db8:ffff::1 -> LMA 2001:db8:ffff::2: initial attachment. */
const char MH_PBU_HEX[] =
	/* Mobility Header, RFC 6275 6.1.1 */
	"3b"        /* Payload Proto 59 (IPPROTO_NONE) */
	"0d"        /* Header Len 13: (13 + 1) * 8 = 112 octets */
	"05"        /* MH Type 5: Binding Update */
	"00"        /* Reserved */
	"3cf2"      /* Checksum: pseudo-header ::1 -> ::2, length 112, next header 135 */
	/* Binding Update, RFC 6275 6.1.7; P flag, RFC 5213 8.1 */
	"0007"      /* Sequence # 7 */
	"8200"      /* A (0x8000) | P (0x0200); H L K M R and reserved 0 */
	"0384"      /* Lifetime 900 units of 4 s = 3600 s */
	/* 12: Mobile Node Identifier, RFC 4283 3: no alignment */
	"08" "10"   /* type 8, length 16 */
	"01"        /* subtype 1: NAI */
	"6d6e31406578616d706c652e6e6574"   /* "mn1@example.net" */
	/* 30: PadN, RFC 6275 6.2.3: 6 octets, to 36 = 8n+4 */
	"01" "04" "00000000"
	/* 36: Home Network Prefix, RFC 5213 8.3: 8n+4 */
	"16" "12"   /* type 22, length 18 */
	"00"        /* reserved */
	"00"        /* prefix length 0 */
	"00000000000000000000000000000000" /* ALL_ZERO: asks for a prefix (RFC 5213 6.9.1.1) */
	/* 56: Handoff Indicator, RFC 5213 8.4: no alignment */
	"17" "02" "00" "01"                /* HI 1: attachment over a new interface */
	/* 60: Access Technology Type, RFC 5213 8.5: no alignment */
	"18" "02" "00" "03"                /* ATT 3: IEEE 802.3 */
	/* 64: PadN to 68 = 8n+4 */
	"01" "02" "0000"
	/* 68: Mobile Node Link-layer Identifier, RFC 5213 8.6 (8n+4: ours) */
	"19" "08"   /* type 25, length 8 */
	"0000"      /* reserved */
	"020000000110"                     /* MAC 02:00:00:00:01:10 */
	/* 78 = 8n+6: Link-local Address, RFC 5213 8.7 */
	"1a" "10"   /* type 26, length 16 */
	"00000000000000000000000000000000" /* ALL_ZERO (RFC 5213 6.9.1.1) */
	/* 96: PadN of 2 octets (length 0) to 98 = 8n+2 */
	"01" "00"
	/* 98: Timestamp, RFC 5213 8.8: 8n+2 */
	"1b" "08"   /* type 27, length 8 */
	"00006553f100"                     /* 1700000000 s: 2023-11-14 22:13:20 UTC */
	"1234"      /* 0x1234 / 65536 s = 0.071105957 s */
	/* 108: PadN to 112, a multiple of 8 (RFC 6275 6.1.1) */
	"01" "02" "0000";

/* PBA, LMA -> MAG: the answer to it. */
const char MH_PBA_HEX[] =
	"3b" "0d" "06" "00"  /* Payload Proto 59, Header Len 13, MH Type 6 (BA), reserved */
	"e6ab"      /* Checksum: pseudo-header ::2 -> ::1 */
	/* Binding Acknowledgement, RFC 6275 6.1.8; P flag, RFC 5213 8.2 */
	"00"        /* Status 0: accepted */
	"20"        /* K 0, R 0, P 1 (0x20), reserved 0 */
	"0007"      /* Sequence # 7, the PBU's */
	"0384"      /* Lifetime 900 x 4 s */
	"08" "10" "01" "6d6e31406578616d706c652e6e6574"  /* 12: MN-ID, NAI "mn1@example.net" */
	"01" "04" "00000000"                             /* 30: PadN */
	"16" "12" "00" "40" "20010db8aaaa00010000000000000000" /* 36: HNP 2001:db8:aaaa:1::/64 */
	"17" "02" "00" "01"                              /* 56: HI 1 */
	"18" "02" "00" "03"                              /* 60: ATT 3 */
	"01" "02" "0000"                                 /* 64: PadN */
	"19" "08" "0000" "020000000110"                  /* 68: MN-LLID */
	"1a" "10" "fe800000000000000000000000000001"     /* 78: LLA fe80::1 */
	"01" "00"                                        /* 96: PadN */
	"1b" "08" "00006553f100" "1234"                  /* 98: Timestamp, the PBU's */
	"01" "02" "0000";                                /* 108: PadN */

/* A PBU as a peer may pack it: no alignment padding (RFC 6275 6.2.1 is a
 * sender's convention), a Pad1, and a GRE Key option we do not decode. */
const char MH_PEER_HEX[] =
	"3b" "0c" "05" "00"  /* Payload Proto 59, Header Len 12: 104 octets, BU */
	"97cc"      /* Checksum */
	"0009" "8200" "003c" /* Sequence # 9, A | P, lifetime 60 x 4 s */
	"17" "02" "00" "02"  /* 12: HI 2: handoff between interfaces */
	"16" "12" "00" "38" "20010db8bbbb00000000000000000000" /* 16 (not 8n+4): HNP 2001:db8:bbbb::/56 */
	"00"                 /* 36: Pad1 */
	"1b" "08" "00006553f100" "8000"  /* 37 (not 8n+2): Timestamp 1700000000.5 */
	"08" "0a" "01" "6d6e3240612e6f7267" /* 47: MN-ID, NAI "mn2@a.org" */
	"21" "06" "0000" "0000002a"      /* 59: GRE Key (type 33, RFC 5845): unknown to us */
	"18" "02" "00" "04"              /* 67: ATT 4: IEEE 802.11a/b/g */
	"19" "08" "0000" "020000000220"  /* 71: MN-LLID */
	"1a" "10" "fe800000000000000000000000000002" /* 81 (not 8n+6): LLA fe80::2 */
	"01" "03" "000000";              /* 99: PadN to 104 */

/* Heartbeat Request, MAG -> LMA (RFC 5847 3.1): no option. */
const char MH_HB_REQ_HEX[] =
	"3b"        /* Payload Proto 59 */
	"01"        /* Header Len 1: 16 octets */
	"0d"        /* MH Type 13: Heartbeat (RFC 5847 3.1, 7) */
	"00"        /* Reserved */
	"5aef"      /* Checksum: pseudo-header ::1 -> ::2, length 16, next header 135 */
	"00"        /* Reserved (RFC 5847 3.1) */
	"00"        /* flags: U 0, R 0: a request */
	"00000001"  /* Sequence Number 1 */
	"01" "02" "0000";   /* 12: PadN to 16 (RFC 6275 6.1.1) */

/* Its Heartbeat Response, LMA -> MAG, with the LMA's Restart Counter. */
const char MH_HB_RESP_HEX[] =
	"3b" "02" "0d" "00"  /* Payload Proto 59, Header Len 2: 24 octets, Heartbeat, reserved */
	"3dde"      /* Checksum: pseudo-header ::2 -> ::1 */
	"00"        /* Reserved */
	"01"        /* flags: U 0, R 1 (0x01): a response */
	"00000001"  /* Sequence Number 1, the request's */
	"01" "00"   /* 12: PadN of 2 octets to 14 = 4n+2 */
	"1c" "04"   /* 14: Restart Counter, RFC 5847 3.2: type 28, length 4, 4n+2 */
	"00000003"  /* counter 3 */
	"01" "02" "0000";   /* 20: PadN to 24 */

size_t mh_hx(const char *s, uint8_t *out)
{
	size_t n = 0;
	unsigned v;

	for (; s[0] && s[1]; s += 2) {
		cr_assert_eq(sscanf(s, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
	}
	return n;
}

/* Parse from an exact-size heap copy, so that ASan sees any overread. */
enum pmip_mh_rule mh_parse(const uint8_t *b, size_t n, const struct in6_addr *s,
			   const struct in6_addr *d, struct pmip_mh *m, struct pmip_mh_err *e)
{
	uint8_t *c = malloc(n ? n : 1);
	enum pmip_mh_rule r;

	cr_assert_not_null(c);
	memcpy(c, b, n);
	r = pmip_mh_parse(c, n, s, d, m, e);
	free(c);
	cr_assert(e == NULL || e->rule == r);
	return r;
}

void mh_set_nai(struct pmip_mh_opts *o, const char *nai)
{
	o->has_mn_id = true;
	o->mn_id_subtype = PMIP_MH_MN_ID_NAI;
	o->mn_id_len = (uint8_t)strlen(nai);
	memcpy(o->mn_id, nai, strlen(nai));
}

void mh_add_hnp(struct pmip_mh_opts *o, const char *p, uint8_t len)
{
	cr_assert_eq(inet_pton(AF_INET6, p, &o->hnp[o->n_hnp].prefix), 1);
	o->hnp[o->n_hnp++].prefix_len = len;
}

void mh_set_llid(struct pmip_mh_opts *o, const char *hex)
{
	o->has_mn_llid = true;
	o->mn_llid_len = (uint8_t)mh_hx(hex, o->mn_llid);
}

/* The options of MH_PBU_HEX (pba: of MH_PBA_HEX). */
void mh_vector_opts(struct pmip_mh_opts *o, bool pba)
{
	memset(o, 0, sizeof(*o));
	mh_set_nai(o, "mn1@example.net");
	mh_add_hnp(o, pba ? "2001:db8:aaaa:1::" : "::", pba ? 64 : 0);
	o->has_hi = true;
	o->hi = PMIP_MH_HI_NEW_INTERFACE;
	o->has_att = true;
	o->att = PMIP_MH_ATT_ETHERNET;
	mh_set_llid(o, "020000000110");
	o->has_lla = true;
	inet_pton(AF_INET6, pba ? "fe80::1" : "::", &o->lla);
	o->has_timestamp = true;
	o->timestamp = (uint64_t)1700000000 << 16 | 0x1234;
}

/* Frames 3 and 4 of the pcap: every BU flag, two prefixes; a rejection. */
void mh_built_opts(struct pmip_mh_opts *o)
{
	memset(o, 0, sizeof(*o));
	mh_set_nai(o, "subscriber-0042.with.a.longer.name@access.example.org");
	mh_add_hnp(o, "2001:db8:aaaa:1::", 64);
	mh_add_hnp(o, "2001:db8:aaaa:100::", 56);
	o->has_hi = true;
	o->hi = PMIP_MH_HI_NOT_CHANGED;
	o->has_att = true;
	o->att = PMIP_MH_ATT_WLAN;
	o->has_timestamp = true;
	o->timestamp = pmip_mh_timestamp_make(1700000001, 250000000);
}

void mh_opts_eq(const struct pmip_mh_opts *a, const struct pmip_mh_opts *b)
{
	unsigned i;

	cr_assert_eq(a->has_mn_id, b->has_mn_id);
	if (a->has_mn_id) {
		cr_assert_eq(a->mn_id_subtype, b->mn_id_subtype);
		cr_assert_eq(a->mn_id_len, b->mn_id_len);
		cr_assert_arr_eq(a->mn_id, b->mn_id, a->mn_id_len);
	}
	cr_assert_eq(a->n_hnp, b->n_hnp);
	for (i = 0; i < a->n_hnp; i++) {
		cr_assert_eq(a->hnp[i].prefix_len, b->hnp[i].prefix_len);
		cr_assert_arr_eq(a->hnp[i].prefix.s6_addr, b->hnp[i].prefix.s6_addr, 16);
	}
	cr_assert_eq(a->has_hi, b->has_hi);
	cr_assert(!a->has_hi || a->hi == b->hi);
	cr_assert_eq(a->has_att, b->has_att);
	cr_assert(!a->has_att || a->att == b->att);
	cr_assert_eq(a->has_mn_llid, b->has_mn_llid);
	if (a->has_mn_llid) {
		cr_assert_eq(a->mn_llid_len, b->mn_llid_len);
		cr_assert_arr_eq(a->mn_llid, b->mn_llid, a->mn_llid_len);
	}
	cr_assert_eq(a->has_lla, b->has_lla);
	cr_assert(!a->has_lla || memcmp(&a->lla, &b->lla, 16) == 0);
	cr_assert_eq(a->has_timestamp, b->has_timestamp);
	cr_assert(!a->has_timestamp || a->timestamp == b->timestamp);
	cr_assert_eq(a->has_restart_counter, b->has_restart_counter);
	cr_assert(!a->has_restart_counter || a->restart_counter == b->restart_counter);
}

/* Parse, rebuild from the fields, compare: the round trip the fuzz
 * target makes too. */
void mh_rebuild_same(const struct pmip_mh *m, const struct in6_addr *s, const struct in6_addr *d)
{
	uint8_t out[PMIP_MH_MAX_LEN];
	struct pmip_mh m2;
	size_t n;

	if (m->type == PMIP_MH_TYPE_BU)
		n = pmip_mh_pbu_build(out, sizeof(out), s, d, &m->bu, &m->opt);
	else if (m->type == PMIP_MH_TYPE_BA)
		n = pmip_mh_pba_build(out, sizeof(out), s, d, &m->ba, &m->opt);
	else
		n = pmip_mh_heartbeat_build(out, sizeof(out), s, d, &m->hb, &m->opt);
	cr_assert(n >= PMIP_MH_MSG_MIN_LEN && n % 8 == 0);
	cr_assert_eq(mh_parse(out, n, s, d, &m2, NULL), PMIP_MH_ERR_OK);
	cr_assert_eq(m2.type, m->type);
	cr_assert_eq(m2.bu.seq, m->bu.seq);
	cr_assert_eq(m2.bu.flags, m->type == PMIP_MH_TYPE_BU ? m->bu.flags | PMIP_MH_BU_P : 0);
	cr_assert_eq(m2.bu.lifetime, m->bu.lifetime);
	cr_assert_eq(m2.ba.status, m->ba.status);
	cr_assert_eq(m2.ba.flags, m->type == PMIP_MH_TYPE_BA ? m->ba.flags | PMIP_MH_BA_P : 0);
	cr_assert_eq(m2.ba.seq, m->ba.seq);
	cr_assert_eq(m2.ba.lifetime, m->ba.lifetime);
	cr_assert_eq(m2.hb.flags, m->hb.flags);
	cr_assert_eq(m2.hb.seq, m->hb.seq);
	mh_opts_eq(&m2.opt, &m->opt);
	cr_assert_eq(m2.opt.n_unknown, 0);
	cr_assert_eq(m2.opt.unaligned, 0, "the builder aligns every option");
}

