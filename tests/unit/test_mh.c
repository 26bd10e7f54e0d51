/* Unit tests for common/net/mh: the Mobility Header codec (RFC 6275 6.1,
 * RFC 5213 8, RFC 4283, RFC 5847) for PMIPv6 signalling; its vectors and
 * Wireshark.
 *
 * Vectors:
 *  - five messages written out by hand from the RFC field layouts in
 *    mh_util.c (a PBU and a PBA as our builders lay them out, a PBU as
 *    a peer that packs its options without alignment padding might send
 *    it, with a GRE Key option, RFC 5845, that we do not decode, and a
 *    Heartbeat Request and Response, RFC 5847): they parse to the fields
 *    they were written with, and the builders give all but the packed PBU
 *    byte for byte;
 *  - tests/data/mh/mh.pcap: those five and four built ones inside IPv6
 *    (next header 135) in Ethernet, and mh.fields / mh.txt: Wireshark's
 *    (tshark 4.0) dissection of it, made by tests/data/mh/make_vectors.py
 *    (README.md there). The test rebuilds the pcap byte for byte, and
 *    prints the fields tshark printed from its own parse of every frame.
 *    With tshark installed it also runs it on the pcap: no malformed
 *    packet, no expert warning, the same fields.
 * The rules, round trips and mutations are in test_mh_rules.c.
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mh_util.h"
#include "net/pkt.h"

#define DATA PMIP_SOURCE_ROOT "/tests/data/mh/"

Test(mh_vectors, pbu_by_hand)
{
	uint8_t b[256], out[256];
	struct pmip_mh_opts o;
	struct pmip_mh m;
	struct pmip_mh_err e;
	struct pmip_mh_bu bu = { .seq = 7, .flags = PMIP_MH_BU_A, .lifetime = 900 };
	size_t n = mh_hx(MH_PBU_HEX, b);

	cr_assert_eq(n, 112);
	cr_assert_eq(mh_parse(b, n, &MH_MAG, &MH_LMA, &m, &e), PMIP_MH_ERR_OK);
	cr_assert_eq(m.payload_proto, 59);
	cr_assert_eq(m.hdr_len, 13);
	cr_assert_eq(m.type, PMIP_MH_TYPE_BU);
	cr_assert_eq(m.checksum, 0x3cf2);
	cr_assert_eq(m.len, 112);
	cr_assert_eq(m.bu.seq, 7);
	cr_assert_eq(m.bu.flags, PMIP_MH_BU_A | PMIP_MH_BU_P);
	cr_assert_eq(m.bu.lifetime * PMIP_MH_LIFETIME_UNIT_S, 3600);
	mh_vector_opts(&o, false);
	mh_opts_eq(&m.opt, &o);
	cr_assert_eq(m.opt.unaligned, 0);
	cr_assert_eq(m.opt.n_unknown, 0);
	/* The builder lays it out byte for byte (P added by itself). */
	cr_assert_eq(pmip_mh_pbu_build(out, sizeof(out), &MH_MAG, &MH_LMA, &bu, &o), n);
	cr_assert_arr_eq(out, b, n);
	/* The checksum depends on the addresses (RFC 6275 6.1.1). */
	cr_assert_eq(mh_parse(b, n, &MH_LMA, &MH_MAG, &m, &e), PMIP_MH_ERR_OK,
		     "swapped: the pseudo-header sum is symmetric");
	cr_assert_eq(mh_parse(b, n, &MH_MAG, &MH_MAG, &m, &e), PMIP_MH_ERR_CHECKSUM);
}

Test(mh_vectors, pba_by_hand)
{
	uint8_t b[256], out[256];
	struct pmip_mh_opts o;
	struct pmip_mh m;
	struct pmip_mh_ba ba = { .status = PMIP_MH_BA_ACCEPTED, .seq = 7, .lifetime = 900 };
	size_t n = mh_hx(MH_PBA_HEX, b);

	cr_assert_eq(mh_parse(b, n, &MH_LMA, &MH_MAG, &m, NULL), PMIP_MH_ERR_OK);
	cr_assert_eq(m.type, PMIP_MH_TYPE_BA);
	cr_assert_eq(m.ba.status, 0);
	cr_assert_eq(m.ba.flags, PMIP_MH_BA_P);
	cr_assert_eq(m.ba.seq, 7);
	cr_assert_eq(m.ba.lifetime, 900);
	cr_assert_eq(m.bu.seq + m.bu.flags + m.bu.lifetime, 0);
	mh_vector_opts(&o, true);
	mh_opts_eq(&m.opt, &o);
	cr_assert_eq(pmip_mh_pba_build(out, sizeof(out), &MH_LMA, &MH_MAG, &ba, &o), n);
	cr_assert_arr_eq(out, b, n);
}

Test(mh_vectors, peer_packed_unaligned_unknown)
{
	uint8_t b[256];
	struct pmip_mh m;
	char p[INET6_ADDRSTRLEN];
	size_t n = mh_hx(MH_PEER_HEX, b);

	cr_assert_eq(n, 104);
	cr_assert_eq(mh_parse(b, n, &MH_MAG, &MH_LMA, &m, NULL), PMIP_MH_ERR_OK);
	cr_assert_eq(m.bu.seq, 9);
	cr_assert_eq(m.bu.lifetime, 60);
	cr_assert(m.opt.has_hi && m.opt.hi == PMIP_MH_HI_HANDOFF_INTERFACES);
	cr_assert_eq(m.opt.n_hnp, 1);
	cr_assert_eq(m.opt.hnp[0].prefix_len, 56);
	cr_assert_str_eq(inet_ntop(AF_INET6, &m.opt.hnp[0].prefix, p, sizeof(p)), "2001:db8:bbbb::");
	cr_assert_eq(m.opt.timestamp, (uint64_t)1700000000 << 16 | 0x8000);
	cr_assert(m.opt.has_mn_id && m.opt.mn_id_len == 9 && !memcmp(m.opt.mn_id, "mn2@a.org", 9));
	cr_assert(m.opt.has_att && m.opt.att == PMIP_MH_ATT_WLAN);
	cr_assert(m.opt.has_mn_llid && m.opt.mn_llid_len == 6 && m.opt.mn_llid[5] == 0x20);
	cr_assert_str_eq(inet_ntop(AF_INET6, &m.opt.lla, p, sizeof(p)), "fe80::2");
	/* Accepted, and reported: HNP, Timestamp, LLA and MN-LLID off their
	 * alignment; HI, ATT and MN-ID have none. */
	cr_assert_eq(m.opt.unaligned, 1u << PMIP_MH_OPT_HNP | 1u << PMIP_MH_OPT_TIMESTAMP |
					      1u << PMIP_MH_OPT_LLA | 1u << PMIP_MH_OPT_MN_LLID);
	/* The GRE Key kept raw for cp to log, and skipped. */
	cr_assert_eq(m.opt.n_unknown, 1);
	cr_assert_eq(m.opt.unknown[0].type, 33);
	cr_assert_eq(m.opt.unknown[0].off, 59);
	cr_assert_eq(m.opt.unknown[0].len, 6);
	cr_assert_null(pmip_mh_opt_name(33));
	mh_rebuild_same(&m, &MH_MAG, &MH_LMA);
}

Test(mh_vectors, heartbeat_by_hand)
{
	uint8_t b[64], out[64];
	struct pmip_mh_opts o = { 0 };
	struct pmip_mh m;
	struct pmip_mh_err e;
	struct pmip_mh_hb hb = { .flags = 0, .seq = 1 };
	size_t n = mh_hx(MH_HB_REQ_HEX, b);

	/* The request: no option, PadN to 16. */
	cr_assert_eq(n, 16);
	cr_assert_eq(mh_parse(b, n, &MH_MAG, &MH_LMA, &m, &e), PMIP_MH_ERR_OK, "%s",
		     pmip_mh_rule_name(e.rule));
	cr_assert_eq(m.type, PMIP_MH_TYPE_HB);
	cr_assert_eq(m.hdr_len, 1);
	cr_assert_eq(m.checksum, 0x5aef);
	cr_assert_eq(m.hb.flags, 0);
	cr_assert_eq(m.hb.seq, 1);
	cr_assert_eq(m.bu.seq + m.bu.flags + m.ba.seq + m.ba.status, 0);
	cr_assert(!m.opt.has_restart_counter);
	cr_assert_eq(pmip_mh_heartbeat_build(out, sizeof(out), &MH_MAG, &MH_LMA, &hb, &o), n);
	cr_assert_arr_eq(out, b, n);

	/* The response: R, the request's number, Restart Counter at 4n+2. */
	n = mh_hx(MH_HB_RESP_HEX, b);
	cr_assert_eq(n, 24);
	cr_assert_eq(mh_parse(b, n, &MH_LMA, &MH_MAG, &m, &e), PMIP_MH_ERR_OK);
	cr_assert_eq(m.hb.flags, PMIP_MH_HB_R);
	cr_assert_eq(m.hb.seq, 1);
	cr_assert(m.opt.has_restart_counter);
	cr_assert_eq(m.opt.restart_counter, 3);
	cr_assert_eq(m.opt.unaligned, 0);
	hb.flags = PMIP_MH_HB_R;
	o.has_restart_counter = true;
	o.restart_counter = 3;
	cr_assert_eq(pmip_mh_heartbeat_build(out, sizeof(out), &MH_LMA, &MH_MAG, &hb, &o), n);
	cr_assert_arr_eq(out, b, n);
	mh_rebuild_same(&m, &MH_LMA, &MH_MAG);

	/* Reserved octet and bits ignored on receipt, cleared by the builder
	 * (RFC 5847 3.1). */
	b[6] = 0xff;
	b[7] = 0xff;   /* every reserved bit, U, R */
	b[4] = b[5] = 0;
	{
		uint16_t c = pmip_ipv6_l4_checksum(&MH_LMA, &MH_MAG, PMIP_IPPROTO_MH, b, n);

		b[4] = (uint8_t)(c >> 8);
		b[5] = (uint8_t)c;
	}
	cr_assert_eq(mh_parse(b, n, &MH_LMA, &MH_MAG, &m, &e), PMIP_MH_ERR_OK);
	cr_assert_eq(m.hb.flags, PMIP_MH_HB_U | PMIP_MH_HB_R);
	hb.flags = 0xff;
	cr_assert_eq(pmip_mh_heartbeat_build(out, sizeof(out), &MH_LMA, &MH_MAG, &hb, &o), n);
	cr_assert_eq(out[6], 0);
	cr_assert_eq(out[7], PMIP_MH_HB_DEFINED);
	/* Too small a buffer: refused. */
	cr_assert_eq(pmip_mh_heartbeat_build(out, n - 1, &MH_LMA, &MH_MAG, &hb, &o), 0);
	cr_assert_eq(pmip_mh_heartbeat_build(out, 15, &MH_LMA, &MH_MAG, &hb, &o), 0);
}

/* ------------------------------------------------- tshark (Wireshark) -- */

struct frame {
	uint8_t mh[PMIP_MH_MAX_LEN];
	size_t len;
	bool from_lma;
};

#define NFRAMES 9
static struct frame frames[NFRAMES];

/* The nine messages of mh.pcap: the hand vectors, and built ones. */
static void make_frames(void)
{
	struct pmip_mh_opts o;
	struct pmip_mh_bu bu3 = { .seq = 8, .lifetime = 0xffff,
				  .flags = PMIP_MH_BU_A | PMIP_MH_BU_H | PMIP_MH_BU_L |
					   PMIP_MH_BU_K | PMIP_MH_BU_M | PMIP_MH_BU_R };
	struct pmip_mh_ba ba4 = { .status = PMIP_MH_BA_NOT_AUTHORIZED_FOR_HOME_NETWORK_PREFIX,
				  .flags = PMIP_MH_BA_K | PMIP_MH_BA_R, .seq = 8, .lifetime = 0 };
	struct pmip_mh_bu bu5 = { .seq = 0xffff, .flags = PMIP_MH_BU_A, .lifetime = 0 };
	struct pmip_mh_hb hb9 = { .flags = PMIP_MH_HB_U | PMIP_MH_HB_R, .seq = 0xfffffffe };

	memset(frames, 0, sizeof(frames));
	frames[0].len = mh_hx(MH_PBU_HEX, frames[0].mh);
	frames[1].len = mh_hx(MH_PBA_HEX, frames[1].mh);
	frames[1].from_lma = true;
	mh_built_opts(&o);
	frames[2].len = pmip_mh_pbu_build(frames[2].mh, PMIP_MH_MAX_LEN, &MH_MAG, &MH_LMA, &bu3, &o);
	frames[3].len = pmip_mh_pba_build(frames[3].mh, PMIP_MH_MAX_LEN, &MH_LMA, &MH_MAG, &ba4, &o);
	frames[3].from_lma = true;
	memset(&o, 0, sizeof(o));
	frames[4].len = pmip_mh_pbu_build(frames[4].mh, PMIP_MH_MAX_LEN, &MH_MAG, &MH_LMA, &bu5, &o);
	cr_assert_eq(frames[4].len, 16, "no options: PadN to 16 (RFC 6275 6.1.7)");
	frames[5].len = mh_hx(MH_PEER_HEX, frames[5].mh);
	frames[6].len = mh_hx(MH_HB_REQ_HEX, frames[6].mh);
	frames[7].len = mh_hx(MH_HB_RESP_HEX, frames[7].mh);
	frames[7].from_lma = true;
	/* An unsolicited response (U, R) with a counter past 2^31, MAG -> LMA. */
	memset(&o, 0, sizeof(o));
	o.has_restart_counter = true;
	o.restart_counter = 0x80000001u;
	frames[8].len = pmip_mh_heartbeat_build(frames[8].mh, PMIP_MH_MAX_LEN, &MH_MAG, &MH_LMA,
						&hb9, &o);
	cr_assert_eq(frames[8].len, 24);
}

static void le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* pcap (little-endian, LINKTYPE_ETHERNET): frame i at i+1 seconds. */
static size_t make_pcap(uint8_t *out)
{
	static const uint8_t mac_mag[6] = { 2, 0, 0, 0, 0, 1 }, mac_lma[6] = { 2, 0, 0, 0, 0, 2 };
	size_t off = 24;
	unsigned i;

	le32(out, 0xa1b2c3d4);
	le32(out + 4, 0x00040002);   /* version 2.4 */
	le32(out + 8, 0);
	le32(out + 12, 0);
	le32(out + 16, 65535);
	le32(out + 20, 1);
	for (i = 0; i < NFRAMES; i++) {
		const struct frame *f = &frames[i];
		uint32_t n = (uint32_t)(14 + 40 + f->len);

		le32(out + off, i + 1);
		le32(out + off + 4, 0);
		le32(out + off + 8, n);
		le32(out + off + 12, n);
		off += 16;
		memcpy(out + off, f->from_lma ? mac_mag : mac_lma, 6);
		memcpy(out + off + 6, f->from_lma ? mac_lma : mac_mag, 6);
		out[off + 12] = 0x86;
		out[off + 13] = 0xdd;
		pmip_ipv6_hdr_write(out + off + 14, f->from_lma ? &MH_LMA : &MH_MAG, f->from_lma ? &MH_MAG : &MH_LMA,
				    PMIP_IPPROTO_MH, (uint16_t)f->len, 64, 0, 0);
		memcpy(out + off + 54, f->mh, f->len);
		off += n;
	}
	return off;
}

Test(mh_tshark, pcap_is_the_vectors)
{
	static uint8_t pcap[NFRAMES * (PMIP_MH_MAX_LEN + 80)], file[sizeof(pcap)];
	const char *regen = getenv("PMIP_MH_PCAP_OUT");
	size_t n, fn;
	FILE *f;

	make_frames();
	n = make_pcap(pcap);
	if (regen) {   /* tests/data/mh/make_vectors.py */
		f = fopen(regen, "wb");
		cr_assert_not_null(f, "%s", regen);
		cr_assert_eq(fwrite(pcap, 1, n, f), n);
		fclose(f);
	}
	f = fopen(DATA "mh.pcap", "rb");
	cr_assert_not_null(f);
	fn = fread(file, 1, sizeof(file), f);
	fclose(f);
	cr_assert_eq(fn, n);
	cr_assert_arr_eq(file, pcap, n, "mh.pcap is what the vectors and builders give");
}

static void cat(char *line, size_t cap, const char *s)
{
	strncat(line, s, cap - strlen(line) - 1);
}

static void catf(char *line, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void catf(char *line, size_t cap, const char *fmt, ...)
{
	va_list ap;
	size_t l = strlen(line);

	va_start(ap, fmt);
	vsnprintf(line + l, cap - l, fmt, ap);
	va_end(ap);
}

/* The option layout as tshark names it (mip6.options.NAME), walked here. */
static void opt_walk(const uint8_t *mh, size_t len, char *names, char *lens, size_t cap)
{
	size_t off = PMIP_MH_MSG_LEN;

	while (off < len) {
		uint8_t t = mh[off];
		const char *nm = t == 0 ? "pad1" : t == 1 ? "padn" : t == 8 ? "mnid" : t == 22 ? "hnp"
			       : t == 23 ? "hi" : t == 24 ? "att" : t == 25 ? "mnlli" : t == 26 ? "lla"
			       : t == 27 ? "ts" : t == 28 ? "rc" : t == 33 ? "grek" : "?";

		catf(names, cap, "%s%s", *names ? "," : "", nm);
		if (t == 0) {
			off++;
			continue;
		}
		catf(lens, cap, "%s%u", *lens ? "," : "", mh[off + 1]);
		off += 2u + mh[off + 1];
	}
}

/* One line as make_vectors.py has tshark print it (README.md there): its
 * 33 fields from our parse, then the option names. */
static void tshark_line(const struct frame *f, char *line, size_t cap)
{
	const struct in6_addr *s = f->from_lma ? &MH_LMA : &MH_MAG, *d = f->from_lma ? &MH_MAG : &MH_LMA;
	char p[INET6_ADDRSTRLEN], names[512] = "", lens[512] = "", tm[64];
	struct pmip_mh m;
	const struct pmip_mh_opts *o = &m.opt;
	unsigned i;

	cr_assert_eq(mh_parse(f->mh, f->len, s, d, &m, NULL), PMIP_MH_ERR_OK);
	line[0] = 0;
	catf(line, cap, "%u\t%u\t%u\t0x%04x\t", m.payload_proto, m.hdr_len, m.type, m.checksum);
	if (m.type == PMIP_MH_TYPE_HB) {
		cat(line, cap, "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t");
	} else if (m.type == PMIP_MH_TYPE_BU) {
		static const uint16_t bits[] = { PMIP_MH_BU_A, PMIP_MH_BU_H, PMIP_MH_BU_L, PMIP_MH_BU_K,
						 PMIP_MH_BU_M, PMIP_MH_BU_R, PMIP_MH_BU_P };

		catf(line, cap, "%u\t", m.bu.seq);
		for (i = 0; i < 7; i++)
			catf(line, cap, "%d\t", (m.bu.flags & bits[i]) != 0);
		catf(line, cap, "%u\t\t\t\t\t\t\t", m.bu.lifetime);
	} else {
		catf(line, cap, "\t\t\t\t\t\t\t\t\t%u\t%d\t%d\t%d\t%u\t%u\t", m.ba.status,
		     (m.ba.flags & PMIP_MH_BA_K) != 0, (m.ba.flags & PMIP_MH_BA_R) != 0,
		     (m.ba.flags & PMIP_MH_BA_P) != 0, m.ba.seq, m.ba.lifetime);
	}
	opt_walk(f->mh, f->len, names, lens, sizeof(names));
	catf(line, cap, "%s\t", lens);
	if (o->has_mn_id)
		catf(line, cap, "%u\t%.*s", o->mn_id_subtype, o->mn_id_len, (const char *)o->mn_id);
	else
		cat(line, cap, "\t");
	cat(line, cap, "\t");
	for (i = 0; i < o->n_hnp; i++)
		catf(line, cap, "%s%u", i ? "," : "", o->hnp[i].prefix_len);
	cat(line, cap, "\t");
	for (i = 0; i < o->n_hnp; i++)
		catf(line, cap, "%s%s", i ? "," : "",
		     inet_ntop(AF_INET6, &o->hnp[i].prefix, p, sizeof(p)));
	cat(line, cap, "\t");
	if (o->has_hi)
		catf(line, cap, "%u", o->hi);
	cat(line, cap, "\t");
	if (o->has_att)
		catf(line, cap, "%u", o->att);
	cat(line, cap, "\t");
	for (i = 0; o->has_mn_llid && i < o->mn_llid_len; i++)
		catf(line, cap, "%02x", o->mn_llid[i]);
	cat(line, cap, "\t");
	if (o->has_lla)
		cat(line, cap, inet_ntop(AF_INET6, &o->lla, p, sizeof(p)));
	cat(line, cap, "\t");
	if (o->has_timestamp) {
		uint64_t sec;
		uint32_t ns;
		time_t t;
		struct tm g;

		pmip_mh_timestamp_split(o->timestamp, &sec, &ns);
		t = (time_t)sec;
		gmtime_r(&t, &g);
		strftime(tm, sizeof(tm), "%b %e, %Y %H:%M:%S", &g);
		catf(line, cap, "%s.%09u UTC", tm, ns);
	}
	/* RFC 5847 3.1, 3.2 */
	if (m.type == PMIP_MH_TYPE_HB)
		catf(line, cap, "\t%d\t%d\t%u", (m.hb.flags & PMIP_MH_HB_U) != 0,
		     (m.hb.flags & PMIP_MH_HB_R) != 0, m.hb.seq);
	else
		cat(line, cap, "\t\t\t");
	cat(line, cap, "\t");
	if (o->has_restart_counter)
		catf(line, cap, "%u", o->restart_counter);
	catf(line, cap, "\t%s", names);
}

/* The 33 tshark fields make_vectors.py prints (README.md). */
#define TSHARK_FIELDS                                                          \
	"-e mip6.proto -e mip6.hlen -e mip6.mhtype -e mip6.csum -e mip6.bu.seqnr "             \
	"-e mip6.bu.a_flag -e mip6.bu.h_flag -e mip6.bu.l_flag -e mip6.bu.k_flag "             \
	"-e mip6.bu.m_flag -e mip6.nemo.bu.r_flag -e mip6.bu.p_flag -e mip6.bu.lifetime "      \
	"-e mip6.ba.status -e mip6.ba.k_flag -e mip6.nemo.ba.r_flag -e mip6.ba.p_flag "        \
	"-e mip6.ba.seqnr -e mip6.ba.lifetime -e mip6.mobility_opt.len -e mip6.mnid.subtype "  \
	"-e mip6.mnid.identifier -e mip6.nemo.mnp.pfl -e mip6.nemo.mnp.mnp -e mip6.hi "        \
	"-e mip6.att -e mip6.mnlli.lli -e mip6.lila_lla -e mip6.timestamp_tmp "                \
	"-e mip6.hb.u_flag -e mip6.hb.r_flag -e mip6.hb.seqnr -e mip6.rc"

Test(mh_tshark, fields_equal_tshark)
{
	char want[2048], got[2048];
	FILE *f;
	unsigned i;

	make_frames();
	f = fopen(DATA "mh.fields", "r");
	cr_assert_not_null(f);
	for (i = 0; i < NFRAMES; i++) {
		cr_assert_not_null(fgets(want, sizeof(want), f), "line %u", i + 1);
		want[strcspn(want, "\n")] = 0;
		tshark_line(&frames[i], got, sizeof(got));
		cr_assert_str_eq(got, want, "frame %u:\n ours:   %s\n tshark: %s", i + 1, got, want);
	}
	cr_assert_null(fgets(want, sizeof(want), f));
	fclose(f);
}

/* With tshark installed: it still dissects mh.pcap so, with no malformed
 * packet and no expert warning. */
Test(mh_tshark, live_tshark, .timeout = 60)
{
	char cmd[2048], line[2048], got[2048];
	FILE *p;
	unsigned i = 0;

	if (system("command -v tshark >/dev/null 2>&1") != 0)
		cr_skip_test("tshark not installed");
	make_frames();
	snprintf(cmd, sizeof(cmd),
		 "TZ=UTC tshark -r " DATA "mh.pcap -T fields -E occurrence=a -E aggregator=, "
		 TSHARK_FIELDS " 2>/dev/null");
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	while (fgets(line, sizeof(line), p)) {
		line[strcspn(line, "\n")] = 0;
		cr_assert_lt(i, NFRAMES);
		tshark_line(&frames[i], got, sizeof(got));
		*strrchr(got, '\t') = 0;   /* the option names come from PDML */
		cr_assert_str_eq(got, line, "frame %u", i + 1);
		i++;
	}
	cr_assert_eq(pclose(p), 0);
	cr_assert_eq(i, NFRAMES);
	p = popen("tshark -r " DATA "mh.pcap -Y '_ws.malformed || _ws.expert.severity >= \"warning\"'"
		  " -T fields -e frame.number 2>/dev/null", "r");
	cr_assert_not_null(p);
	cr_assert_null(fgets(line, sizeof(line), p), "tshark flags frame %s", line);
	cr_assert_eq(pclose(p), 0);
}
