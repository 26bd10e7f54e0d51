/* PMIPv6 engine, bad input: every rule of RFC 5213 5.3.1 and 5.5 at the
 * LMA with its status and counter, messages to the wrong role, PBAs that
 * answer nothing, unprotected and malformed messages, truncation and
 * bit-flip loops that must never crash nor touch an existing binding,
 * and the MAG's side of timestamp refusals. PBUs are built here, from a
 * "MAG" at mag1's address, and injected into the LMA. */
#include "pmip_fixture.h"

#include "net/pkt.h"

TestSuite(pmip_input, .init = quiet, .fini = fini);

/* A PBU for mn1 as a MAG would send it, with every option. */
static void good_opts(struct pmip_mh_opts *o, const char *mn)
{
	memset(o, 0, sizeof(*o));
	o->has_mn_id = true;
	o->mn_id_subtype = PMIP_MH_MN_ID_NAI;
	o->mn_id_len = (uint8_t)strlen(mn);
	memcpy(o->mn_id, mn, o->mn_id_len);
	o->n_hnp = 1;
	o->hnp[0].prefix_len = 64;
	o->hnp[0].prefix = profile(mn)->hnp;
	o->has_hi = true;
	o->hi = PMIP_MH_HI_NEW_INTERFACE;
	o->has_att = true;
	o->att = PMIP_MH_ATT_WLAN;
	o->has_mn_llid = true;
	o->mn_llid_len = 6;
	memcpy(o->mn_llid, profile(mn)->mac, 6);
	o->has_timestamp = true;
	o->timestamp = pp_timestamp(&lma);
}

static size_t build(uint8_t *buf, const struct pmip_mh_opts *o, uint16_t seq, uint16_t units)
{
	struct pmip_mh_bu bu = { .seq = seq, .flags = PMIP_MH_BU_A | PMIP_MH_BU_H, .lifetime = units };
	size_t n = pmip_mh_pbu_build(buf, PMIP_MH_MAX_LEN, &mag1_addr, &lma_addr, &bu, o);
	cr_assert_gt(n, 0);
	return n;
}

/* Inject a PBU into the LMA from mag1; return the PBA's status (and the
 * PBA), or -1 if the LMA answered nothing. */
static int to_lma(const uint8_t *buf, size_t n, bool prot, struct pmip_mh *pba)
{
	unsigned tx = lma.tx;
	pp_inject(&lma, &mag1_addr, buf, n, prot);
	net.mn.n = 0; /* the answer is read here, not delivered */
	if (lma.tx == tx)
		return -1;
	static struct pmip_mh m;
	cr_assert_eq(pmip_mh_parse(lma.last_tx, lma.last_tx_len, &lma_addr, &mag1_addr, &m, NULL),
		     PMIP_MH_ERR_OK, "the PBA parses");
	cr_assert_eq(m.type, PMIP_MH_TYPE_BA);
	cr_assert(m.ba.flags & PMIP_MH_BA_P);
	if (pba != NULL)
		*pba = m;
	return m.ba.status;
}

static int send_opts(const struct pmip_mh_opts *o, uint16_t seq, uint16_t units)
{
	static uint8_t buf[PMIP_MH_MAX_LEN];
	size_t n = build(buf, o, seq, units);
	return to_lma(buf, n, true, NULL);
}

Test(pmip_input, a_good_pbu_is_accepted_and_echoed)
{
	setup();
	struct pmip_mh_opts o;
	good_opts(&o, MN1);
	static uint8_t buf[PMIP_MH_MAX_LEN];
	size_t n = build(buf, &o, 77, 100);
	static struct pmip_mh pba;
	cr_assert_eq(to_lma(buf, n, true, &pba), PMIP_MH_BA_ACCEPTED);
	/* RFC 5213 5.3.6: sequence number, MN-ID, HNP, HI, ATT, MN-LLID,
	 * Timestamp echoed; lifetime granted. */
	cr_assert_eq(pba.ba.seq, 77);
	cr_assert_eq(pba.ba.lifetime, 100);
	cr_assert_eq(pba.opt.mn_id_len, strlen(MN1));
	cr_assert_eq(memcmp(pba.opt.mn_id, MN1, strlen(MN1)), 0);
	cr_assert_geq(pba.opt.n_hnp, 1);
	cr_assert_eq(pba.opt.hnp[0].prefix_len, 64);
	cr_assert_eq(memcmp(&pba.opt.hnp[0].prefix, &profile(MN1)->hnp, 16), 0);
	cr_assert(pba.opt.has_hi && pba.opt.hi == PMIP_MH_HI_NEW_INTERFACE);
	cr_assert(pba.opt.has_att && pba.opt.att == PMIP_MH_ATT_WLAN);
	cr_assert(pba.opt.has_mn_llid && pba.opt.mn_llid_len == 6);
	cr_assert(pba.opt.has_timestamp && pba.opt.timestamp == o.timestamp);
	/* No /128 sent: the profile's home address, echoed as a /128. */
	cr_assert_eq(pba.opt.n_hnp, 2);
	cr_assert_eq(pba.opt.hnp[1].prefix_len, 128);
	cr_assert_eq(memcmp(&pba.opt.hnp[1].prefix, &profile(MN1)->hoa, 16), 0);
	cr_assert_eq(st(&lma)->accepted, 1);
	cr_assert_not_null(pp_dp_by_mn(&lma, MN1));
	/* A /64 sent as ::/0 (the MAG asks for the MN's prefix) is fine too. */
	good_opts(&o, MN2);
	o.hnp[0].prefix_len = 0;
	memset(&o.hnp[0].prefix, 0, 16);
	cr_assert_eq(send_opts(&o, 1, 10), PMIP_MH_BA_ACCEPTED);
	cr_assert_eq(memcmp(&pp_dp_by_mn(&lma, MN2)->hnp, &profile(MN2)->hnp, 16), 0);
}

/* Each rule: (what to break, status, counter that must move). */
Test(pmip_input, every_rule_of_5_3_1_with_its_status)
{
	setup();
	struct pmip_mh_opts o;
	uint64_t rejected = 0;
#define EXPECT(status, what)                                                            \
	do {                                                                            \
		cr_assert_eq(send_opts(&o, 5, 100), status, "%s", what);                \
		cr_assert_eq(st(&lma)->rejected, ++rejected, "%s counted", what);       \
		cr_assert_eq(pmip_binding_count(lma.pe), 0, "%s: no binding", what);    \
		cr_assert_eq(lma.ups, 0);                                               \
	} while (0)

	good_opts(&o, MN1);
	o.has_mn_id = false;
	EXPECT(PMIP_MH_BA_MISSING_MN_IDENTIFIER_OPTION, "no MN-ID");

	good_opts(&o, MN1);
	o.mn_id_len = 4;
	memcpy(o.mn_id, "nobo", 4);
	EXPECT(PMIP_MH_BA_NOT_LMA_FOR_THIS_MOBILE_NODE, "unknown MN");
	cr_assert_eq(st(&lma)->unknown_mn, 1);

	good_opts(&o, MN1);
	o.mn_id_subtype = 2; /* not an NAI: no profile can match */
	EXPECT(PMIP_MH_BA_NOT_LMA_FOR_THIS_MOBILE_NODE, "MN-ID not an NAI");

	lma.deny_mags = true;
	good_opts(&o, MN1);
	EXPECT(PMIP_MH_BA_MAG_NOT_AUTHORIZED_FOR_PROXY_REG, "MAG not authorised");
	cr_assert_eq(st(&lma)->unauthorised_mag, 1);
	lma.deny_mags = false;

	good_opts(&o, MN1);
	o.n_hnp = 0;
	EXPECT(PMIP_MH_BA_MISSING_HOME_NETWORK_PREFIX_OPTION, "no HNP");

	good_opts(&o, MN1);
	o.has_hi = false;
	EXPECT(PMIP_MH_BA_MISSING_HANDOFF_INDICATOR_OPTION, "no HI");

	good_opts(&o, MN1);
	o.has_att = false;
	EXPECT(PMIP_MH_BA_MISSING_ACCESS_TECH_TYPE_OPTION, "no ATT");

	good_opts(&o, MN1);
	o.hnp[0].prefix = profile(MN2)->hnp;
	EXPECT(PMIP_MH_BA_NOT_AUTHORIZED_FOR_HOME_NETWORK_PREFIX, "another MN's prefix");

	good_opts(&o, MN1);
	o.hnp[0].prefix_len = 48;
	EXPECT(PMIP_MH_BA_NOT_AUTHORIZED_FOR_HOME_NETWORK_PREFIX, "a /48");

	good_opts(&o, MN1);
	o.n_hnp = 2;
	o.hnp[1].prefix_len = 128;
	o.hnp[1].prefix = profile(MN2)->hnp;
	o.hnp[1].prefix.s6_addr[15] = 1;
	EXPECT(PMIP_MH_BA_NOT_AUTHORIZED_FOR_HOME_NETWORK_PREFIX, "a home address outside the /64");

	good_opts(&o, MN1);
	o.has_timestamp = false;
	EXPECT(PMIP_MH_BA_TIMESTAMP_MISMATCH, "no timestamp");

	/* Order (RFC 5213 5.3.1): the first missing option wins. */
	good_opts(&o, MN1);
	o.has_mn_id = false;
	o.n_hnp = 0;
	o.has_hi = false;
	EXPECT(PMIP_MH_BA_MISSING_MN_IDENTIFIER_OPTION, "no MN-ID nor HNP nor HI");
	good_opts(&o, MN1);
	o.n_hnp = 0;
	o.has_att = false;
	EXPECT(PMIP_MH_BA_MISSING_HOME_NETWORK_PREFIX_OPTION, "no HNP nor ATT");
	good_opts(&o, MN1);
	o.has_hi = false;
	o.has_att = false;
	EXPECT(PMIP_MH_BA_MISSING_HANDOFF_INDICATOR_OPTION, "no HI nor ATT");
#undef EXPECT
	cr_assert_eq(st(&lma)->accepted, 0);
	cr_assert_eq(st(&lma)->pba_sent, rejected);
}

Test(pmip_input, timestamps)
{
	setup();
	struct pmip_mh_opts o;
	/* Outside the window (300 ms): 156 (TIMESTAMP_MISMATCH) with the LMA's time. */
	good_opts(&o, MN1);
	o.timestamp = pmip_mh_timestamp_make(1000000000, 0);
	static uint8_t buf[PMIP_MH_MAX_LEN];
	static struct pmip_mh pba;
	size_t n = build(buf, &o, 1, 100);
	cr_assert_eq(to_lma(buf, n, true, &pba), PMIP_MH_BA_TIMESTAMP_MISMATCH);
	cr_assert(pba.opt.has_timestamp);
	uint64_t now = pp_timestamp(&lma);
	uint64_t d = now > pba.opt.timestamp ? now - pba.opt.timestamp : pba.opt.timestamp - now;
	cr_assert_lt(d, 65536 / 10, "the PBA carries the LMA's current time");
	good_opts(&o, MN1);
	o.timestamp += 65536; /* one second ahead */
	cr_assert_eq(send_opts(&o, 2, 100), PMIP_MH_BA_TIMESTAMP_MISMATCH);
	cr_assert_eq(pmip_binding_count(lma.pe), 0);

	/* Accepted at T; T - 1 is older than the binding's: 157 (lower). */
	good_opts(&o, MN1);
	uint64_t t = o.timestamp;
	cr_assert_eq(send_opts(&o, 3, 100), PMIP_MH_BA_ACCEPTED);
	struct pmip_binding before = *pmip_binding_by_mn_id(lma.pe, MN1);
	o.timestamp = t - 1;
	o.att = PMIP_MH_ATT_PPP;
	cr_assert_eq(send_opts(&o, 4, 50), PMIP_MH_BA_TIMESTAMP_LOWER_THAN_PREV_ACCEPTED);
	cr_assert_eq(st(&lma)->stale_timestamp, 1);
	cr_assert_eq(memcmp(pmip_binding_by_mn_id(lma.pe, MN1), &before, sizeof(before)), 0,
		     "the binding is untouched");
	/* Even a de-registration that old from the serving MAG is refused. */
	o.timestamp = t - 1;
	cr_assert_eq(send_opts(&o, 5, 0), PMIP_MH_BA_TIMESTAMP_LOWER_THAN_PREV_ACCEPTED);
	cr_assert_not_null(pp_dp_by_mn(&lma, MN1));
	cr_assert_eq(st(&lma)->stale_timestamp, 2);
	/* Newer: accepted, updated. */
	o.timestamp = t + 1;
	cr_assert_eq(send_opts(&o, 6, 50), PMIP_MH_BA_ACCEPTED);
	cr_assert_eq(pmip_binding_by_mn_id(lma.pe, MN1)->lifetime_s, 200);
	cr_assert_eq(pmip_binding_by_mn_id(lma.pe, MN1)->att, PMIP_MH_ATT_PPP);
}

/* The MAG's clock is 5 s ahead: 156, one retry with a fresh timestamp,
 * 156 again, given up (RFC 5213 5.5). */
Test(pmip_input, mag_with_a_wrong_clock)
{
	setup();
	mag1.clock_skew_ns = 5000000000ll;
	attach(&mag1, 1);
	settle();
	cr_assert_eq(st(&lma)->rejected, 2, "the PBU and its one retry");
	cr_assert_eq(st(&mag1)->pbu_sent, 2);
	cr_assert_eq(st(&mag1)->rejected, 1);
	cr_assert_eq(pmip_binding_count(mag1.pe), 0);
	cr_assert_eq(pmip_binding_count(lma.pe), 0);
	cr_assert_eq(mag1.ups + lma.ups, 0);
	/* Clock fixed: the next attachment registers. */
	mag1.clock_skew_ns = 0;
	attach(&mag1, 1);
	settle();
	assert_registered(&mag1, MN1);
}

Test(pmip_input, unprotected_is_dropped_silently)
{
	setup();
	struct pmip_mh_opts o;
	good_opts(&o, MN1);
	static uint8_t buf[PMIP_MH_MAX_LEN];
	size_t n = build(buf, &o, 1, 100);
	cr_assert_eq(to_lma(buf, n, false, NULL), -1, "no answer");
	cr_assert_eq(st(&lma)->rx_unprotected, 1);
	cr_assert_eq(pmip_binding_count(lma.pe), 0);
	/* Through the network, unprotected: the MAG never registers. */
	net.unprotected = true;
	attach(&mag1, 1);
	pp_wait(&net, 100);
	cr_assert_geq(st(&lma)->rx_unprotected, 2);
	cr_assert_eq(pmip_binding_count(lma.pe), 0);
	cr_assert_eq(lma.tx, 0);
}

Test(pmip_input, wrong_role_and_unanswered)
{
	setup();
	attach(&mag1, 1);
	settle();
	struct pmip_binding before = *pmip_binding_by_mn_id(mag1.pe, MN1);
	struct pmip_mh_opts o;
	good_opts(&o, MN1);
	static uint8_t buf[PMIP_MH_MAX_LEN];
	/* A PBU at a MAG. */
	struct pmip_mh_bu bu = { .seq = 1, .lifetime = 10 };
	size_t n = pmip_mh_pbu_build(buf, sizeof(buf), &lma_addr, &mag1_addr, &bu, &o);
	pp_inject(&mag1, &lma_addr, buf, n, true);
	cr_assert_eq(st(&mag1)->rx_unexpected, 1);
	/* A PBA at an LMA. */
	struct pmip_mh_ba ba = { .seq = 1, .lifetime = 10 };
	n = pmip_mh_pba_build(buf, sizeof(buf), &mag1_addr, &lma_addr, &ba, &o);
	pp_inject(&lma, &mag1_addr, buf, n, true);
	cr_assert_eq(st(&lma)->rx_unexpected, 1);
	/* A PBA at the MAG for no outstanding PBU (registered, none out),
	 * and one with a wrong sequence number during a refresh. */
	ba.seq = mag1.pe->entries[0].seq;
	ba.status = PMIP_MH_BA_REASON_UNSPECIFIED;
	n = pmip_mh_pba_build(buf, sizeof(buf), &lma_addr, &mag1_addr, &ba, &o);
	pp_inject(&mag1, &lma_addr, buf, n, true);
	cr_assert_eq(st(&mag1)->rx_unexpected, 2);
	cr_assert_eq(memcmp(pmip_binding_by_mn_id(mag1.pe, MN1), &before, sizeof(before)), 0);
	cr_assert_str_eq(state_of(&mag1, MN1), "registered");
	uint8_t mac[6];
	pp_mac(1, mac);
	struct in6_addr other;
	inet_pton(AF_INET6, "2001:db8:1::11", &other);
	pmip_mag_new_hoa(mag1.pe, mac, &other); /* starts a refresh */
	cr_assert_str_eq(state_of(&mag1, MN1), "refreshing");
	ba.seq = (uint16_t)(entry(&mag1, MN1)->seq - 1);
	n = pmip_mh_pba_build(buf, sizeof(buf), &lma_addr, &mag1_addr, &ba, &o);
	pp_inject(&mag1, &lma_addr, buf, n, true);
	cr_assert_eq(st(&mag1)->rx_unexpected, 3);
	/* The right one, from another address: still not an answer. */
	ba.seq = entry(&mag1, MN1)->seq;
	n = pmip_mh_pba_build(buf, sizeof(buf), &mag2_addr, &mag1_addr, &ba, &o);
	pp_inject(&mag1, &mag2_addr, buf, n, true);
	cr_assert_eq(st(&mag1)->rx_unexpected, 4);
	cr_assert_not_null(pp_dp_by_mn(&mag1, MN1));
	settle();
	assert_registered(&mag1, MN1);
	cr_assert_eq(memcmp(&pp_dp_by_mn(&lma, MN1)->hoa, &other, 16), 0,
		     "the new home address reached the LMA");
}

/* A binding registered through the network, and a PBU for the same MN
 * with other values, to mutate: whatever the mutation, the LMA must not
 * crash, and unless the mutated message is a valid PBU the binding must
 * stay byte for byte. */
static struct pmip_binding reg_binding;

static size_t mutable_pbu(uint8_t *buf)
{
	attach(&mag1, 1);
	settle();
	assert_registered(&mag1, MN1);
	reg_binding = *pmip_binding_by_mn_id(lma.pe, MN1);
	struct pmip_mh_opts o;
	good_opts(&o, MN1);
	o.att = PMIP_MH_ATT_WIMAX;
	return build(buf, &o, 9, 20);
}

static void assert_binding_intact(const char *what, size_t i)
{
	const struct pmip_binding *b = pmip_binding_by_mn_id(lma.pe, MN1);
	cr_assert_not_null(b, "%s %zu: binding gone", what, i);
	cr_assert_eq(memcmp(b, &reg_binding, sizeof(*b)), 0, "%s %zu: binding changed", what, i);
	cr_assert_eq(pmip_binding_count(lma.pe), 1);
}

Test(pmip_input, truncated_at_every_length)
{
	setup();
	static uint8_t buf[PMIP_MH_MAX_LEN];
	size_t n = mutable_pbu(buf);
	uint64_t mal = st(&lma)->rx_malformed;
	for (size_t len = 0; len < n; len++) {
		cr_assert_eq(to_lma(buf, len, true, NULL), -1, "length %zu answered", len);
		cr_assert_eq(st(&lma)->rx_malformed, ++mal, "length %zu counted", len);
		assert_binding_intact("length", len);
	}
	/* The whole message still works (the loop did not test nothing). */
	cr_assert_eq(to_lma(buf, n, true, NULL), PMIP_MH_BA_ACCEPTED);
	cr_assert_eq(pmip_binding_by_mn_id(lma.pe, MN1)->att, PMIP_MH_ATT_WIMAX);
}

Test(pmip_input, bad_checksum_and_bit_flips)
{
	setup();
	static uint8_t buf[PMIP_MH_MAX_LEN], m[PMIP_MH_MAX_LEN];
	size_t n = mutable_pbu(buf);
	memcpy(m, buf, n);
	m[4] ^= 0x01; /* the checksum itself */
	cr_assert_eq(to_lma(m, n, true, NULL), -1);
	cr_assert_eq(st(&lma)->rx_malformed, 1);
	assert_binding_intact("checksum", 0);
	/* Every single-bit flip: the checksum catches all of them. */
	for (size_t bit = 0; bit < n * 8; bit++) {
		memcpy(m, buf, n);
		m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		cr_assert_eq(to_lma(m, n, true, NULL), -1, "bit %zu answered", bit);
		assert_binding_intact("bit", bit);
	}
	cr_assert_eq(st(&lma)->rx_malformed, 1 + n * 8);
}

/* Bit flips with the checksum fixed up, so they reach the options and
 * the engine: no crash, and whatever the LMA accepted is consistent
 * with its data plane and the profile. */
Test(pmip_input, bit_flips_past_the_checksum)
{
	setup();
	static uint8_t buf[PMIP_MH_MAX_LEN], m[PMIP_MH_MAX_LEN];
	size_t n = mutable_pbu(buf);
	unsigned parsed = 0;
	for (size_t bit = 0; bit < n * 8; bit++) {
		if (bit / 8 == 4 || bit / 8 == 5)
			continue; /* the checksum field */
		memcpy(m, buf, n);
		m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		m[4] = m[5] = 0;
		uint16_t c = pmip_ipv6_l4_checksum(&mag1_addr, &lma_addr, 135, m, n);
		m[4] = (uint8_t)(c >> 8);
		m[5] = (uint8_t)c;
		uint64_t mal = st(&lma)->rx_malformed;
		int s = to_lma(m, n, true, NULL);
		if (st(&lma)->rx_malformed == mal)
			parsed++;
		const struct pmip_binding *b = pmip_binding_by_mn_id(lma.pe, MN1);
		if (s != PMIP_MH_BA_ACCEPTED) {
			cr_assert_not_null(b, "bit %zu: refused (%d) yet the binding went", bit, s);
			cr_assert_eq(memcmp(b, &reg_binding, sizeof(*b)), 0, "bit %zu: refused (%d) "
				     "yet the binding changed", bit, s);
		}
		if (b != NULL && lma.pe->entries[b->id - 1].state == PMIP_ST_ACTIVE) {
			const struct pmip_binding *d = pp_dp_by_mn(&lma, MN1);
			cr_assert_not_null(d, "bit %zu: active binding not in dp", bit);
			cr_assert_eq(memcmp(&d->hnp, &profile(MN1)->hnp, 16), 0);
			cr_assert_eq(memcmp(&b->peer, &mag1_addr, 16), 0);
		}
		if (s == PMIP_MH_BA_ACCEPTED && b != NULL)
			reg_binding = *b; /* a valid PBU after all: the new reference */
		cr_assert_leq(pmip_binding_count(lma.pe), 1, "bit %zu", bit);
		cr_assert_eq(lma.down_unknown, 0);
	}
	cr_assert_gt(parsed, n, "many mutations reached the engine (%u)", parsed);
}

Test(pmip_input, malformed_at_the_mag_is_counted)
{
	setup();
	static uint8_t buf[64];
	memset(buf, 0, sizeof(buf));
	pp_inject(&mag1, &lma_addr, buf, 13, true);
	pp_inject(&mag1, &lma_addr, buf, 0, true);
	cr_assert_eq(st(&mag1)->rx_malformed, 2);
	cr_assert_eq(st(&mag1)->rx, 2);
}

Test(pmip_input, binding_cache_full)
{
	setup();
	struct pmip_mh_opts o;
	good_opts(&o, MN1);
	cr_assert_eq(send_opts(&o, 1, 10), PMIP_MH_BA_ACCEPTED);
	/* Shrink the table: a new engine with room for one binding. */
	pmip_engine_free(lma.pe);
	memset(lma.dp_used, 0, sizeof(lma.dp_used));
	lma.pe = pmip_engine_new(&lma.cfg, net.mn.loop, &lma.env, &lma.addr, 1);
	cr_assert_not_null(lma.pe);
	good_opts(&o, MN1);
	cr_assert_eq(send_opts(&o, 1, 10), PMIP_MH_BA_ACCEPTED);
	good_opts(&o, MN2);
	cr_assert_eq(send_opts(&o, 1, 10), PMIP_MH_BA_INSUFFICIENT_RESOURCES);
	cr_assert_eq(pmip_binding_count(lma.pe), 1);
}
