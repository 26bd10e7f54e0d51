/* ESP in the data plane (RFC 4303), packets that do not pass: every
 * inbound drop reason, truncations and bit flips with every packet
 * accounted for (esp_drops), and the Mobility Header policy (esp_mh,
 * RFC 5213 4). Setup and helpers: esp_dp_util.h. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_hash.h>
#include <rte_launch.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "esp_dp_util.h"

/* ------------------------------------------------------------- drops ---- */

TestSuite(esp_drops, .init = gw_setup, .fini = h_fini);

Test(esp_drops, replayed_packet_is_esp_replay)
{
	pair(GCM128, SPI_M2L, SA_MAG_OUT, SA_LMA_IN);
	uint8_t f[256];
	size_t n = echo_req(f, MAG, LMA, 1, 20);
	struct rte_mbuf *m = protect(SA_MAG_OUT, P_MAG, f, n), *again = copy(m);
	h_rx1(P_LMA, m);
	assert_punt(punt_one(), P_LMA, PMIP_PUNT_ECHO_REQUEST, SA_LMA_IN, f, n);
	h_rx1(P_LMA, again);
	cr_assert_eq(h_drops(DP_DROP_ESP_REPLAY), 1);
	cr_assert_eq(h_drops_total(), 1);
	cr_assert_eq(punt_count(), 0);
	cr_assert_eq(ctr(0, SA_LMA_IN).packets, 1);
	cr_assert_eq(h_worker()->stats.port[P_LMA].drops, 1);
}

Test(esp_drops, left_of_the_window_is_esp_replay)
{
	pair(CBC128, SPI_M2L, SA_MAG_OUT, SA_LMA_IN);
	cr_assert_eq(sa_rw(SA_LMA_IN)->replay.window, 128);
	uint8_t f[256];
	size_t n = echo_req(f, MAG, LMA, 1, 20);
	struct rte_mbuf *s1 = protect(SA_MAG_OUT, P_MAG, f, n);
	struct rte_mbuf *s2 = protect(SA_MAG_OUT, P_MAG, f, n);
	sa_rw(SA_MAG_OUT)->seq = 171;
	struct rte_mbuf *s172 = protect(SA_MAG_OUT, P_MAG, f, n);
	struct rte_mbuf *s173 = protect(SA_MAG_OUT, P_MAG, f, n);
	sa_rw(SA_MAG_OUT)->seq = 299;
	struct rte_mbuf *s300 = protect(SA_MAG_OUT, P_MAG, f, n);
	cr_assert_eq(be(h_bytes(s172) + 58, 4), 172);
	cr_assert_eq(be(h_bytes(s300) + 58, 4), 300);
	h_rx1(P_LMA, s1);
	h_rx1(P_LMA, s300);
	cr_assert_eq(sa_rw(SA_LMA_IN)->replay.top, 300);
	h_rx1(P_LMA, s2);   /* 298 below the top */
	h_rx1(P_LMA, s172); /* 128 below: just left of a 128-wide window */
	cr_assert_eq(h_drops(DP_DROP_ESP_REPLAY), 2);
	h_rx1(P_LMA, s173); /* 127 below: the window's last slot */
	cr_assert_eq(h_drops(DP_DROP_ESP_REPLAY), 2);
	cr_assert_eq(h_drops_total(), 2);
	cr_assert_eq(punt_count(), 3);
	cr_assert_eq(ctr(0, SA_LMA_IN).packets, 3);
}

Test(esp_drops, any_changed_byte_is_esp_icv_failed_and_moves_nothing)
{
	unsigned total = 0;
	for (unsigned k = 0; k < 4; k++) {
		uint32_t out_id = 10 + k, in_id = 20 + k, spi = 0x1100 + k;
		struct pmip_ctl_sa o, i;
		pair_ex(ALGS[k], PMIP_SA_TRANSPORT, spi, out_id, in_id, MAG, LMA, 0, &o, &i);
		uint8_t f[256], w[512];
		size_t n = echo_req(f, MAG, LMA, 1, 33);
		size_t wn = protect_bytes(out_id, P_MAG, f, n, w);
		/* Every byte after the SPI: sequence number (in the ICV),
		 * IV, ciphertext, ICV. 0x80 keeps the sequence number non-zero. */
		for (size_t off = 54 + 4; off < wn; off++) {
			w[off] ^= 0x80;
			h_rx1(P_LMA, h_frame(w, wn));
			w[off] ^= 0x80;
			total++;
			cr_assert_eq(h_drops(DP_DROP_ESP_ICV), total, "alg %u byte %zu", ALGS[k],
				     off - 54);
		}
		cr_assert_eq(sa_rw(in_id)->replay.top, 0, "the window never moved");
		cr_assert_eq(ctr(0, in_id).packets, 0);
		h_rx1(P_LMA, h_frame(w, wn));
		assert_punt(punt_one(), P_LMA, PMIP_PUNT_ECHO_REQUEST, in_id, f, n);
		cr_assert_eq(sa_rw(in_id)->replay.top, 1);
	}
	cr_assert_eq(total, (4 + 8 + 44 + 16) * 2 + (4 + 16 + 48 + 16) * 2);
	cr_assert_eq(h_drops_total(), total);
}

Test(esp_drops, fresh_number_with_bad_icv_does_not_move_the_window)
{
	pair(GCM256, SPI_M2L, SA_MAG_OUT, SA_LMA_IN);
	uint8_t f[256], w1[512], w2[512], w1000[512];
	size_t n = echo_req(f, MAG, LMA, 1, 16);
	size_t l1 = protect_bytes(SA_MAG_OUT, P_MAG, f, n, w1);
	size_t l2 = protect_bytes(SA_MAG_OUT, P_MAG, f, n, w2);
	sa_rw(SA_MAG_OUT)->seq = 999;
	size_t l1000 = protect_bytes(SA_MAG_OUT, P_MAG, f, n, w1000);
	h_rx1(P_LMA, h_frame(w1, l1));
	w1000[l1000 - 1] ^= 1; /* last ICV byte */
	h_rx1(P_LMA, h_frame(w1000, l1000));
	cr_assert_eq(h_drops(DP_DROP_ESP_ICV), 1);
	cr_assert_eq(sa_rw(SA_LMA_IN)->replay.top, 1, "RFC 4303 3.4.3: only after the ICV");
	/* Had 1000 moved the window, 2 would now be 998 left of its top. */
	h_rx1(P_LMA, h_frame(w2, l2));
	cr_assert_eq(sa_rw(SA_LMA_IN)->replay.top, 2);
	w1000[l1000 - 1] ^= 1;
	h_rx1(P_LMA, h_frame(w1000, l1000));
	cr_assert_eq(sa_rw(SA_LMA_IN)->replay.top, 1000);
	cr_assert_eq(punt_count(), 3);
	cr_assert_eq(h_drops(DP_DROP_ESP_REPLAY), 0);
	cr_assert_eq(h_drops_total(), 1);
}

Test(esp_drops, unknown_spi)
{
	struct pmip_ctl_sa spec = pair(GCM128, SPI_M2L, SA_MAG_OUT, SA_LMA_IN);
	uint8_t f[256], plain[256], esp[512];
	size_t n = echo_req(f, MAG, LMA, 1, 16);
	size_t pl = plain_build(plain, f + 54, n - 54, PMIP_IPPROTO_ICMPV6, 4);
	spec.spi = 0x9999;
	size_t el = seal(&spec, 1, plain, pl, esp);
	h_rx1(P_LMA, esp_frame(MAG, LMA, false, esp, el));
	cr_assert_eq(h_drops(DP_DROP_ESP_UNKNOWN_SPI), 1);
	/* Reserved SPIs can belong to no SA (RFC 4303 2.1). */
	spec.spi = 1;
	el = seal(&spec, 1, plain, pl, esp);
	h_rx1(P_LMA, esp_frame(MAG, LMA, false, esp, el));
	cr_assert_eq(h_drops(DP_DROP_ESP_UNKNOWN_SPI), 2);
	/* The right SPI sealed here is accepted: the crafting is sound. */
	spec.spi = SPI_M2L;
	el = seal(&spec, 1, plain, pl, esp);
	h_rx1(P_LMA, esp_frame(MAG, LMA, false, esp, el));
	assert_punt(punt_one(), P_LMA, PMIP_PUNT_ECHO_REQUEST, SA_LMA_IN, f, n);
	cr_assert_eq(h_drops_total(), 2);
}

Test(esp_drops, right_spi_wrong_outer_address_is_unknown_spi)
{
	pair(GCM128, SPI_M2L, SA_MAG_OUT, SA_LMA_IN);
	uint8_t f[256], w[512];
	size_t n = echo_req(f, MAG, LMA, 1, 16);
	size_t wn = protect_bytes(SA_MAG_OUT, P_MAG, f, n, w);
	struct in6_addr stranger = h_ip(STRANGER);
	uint8_t bad[512];
	memcpy(bad, w, wn);
	memcpy(bad + 22, &stranger, 16);
	h_rx1(P_LMA, h_frame(bad, wn));
	cr_assert_eq(h_drops(DP_DROP_ESP_UNKNOWN_SPI), 1, "from another source");
	memcpy(bad, w, wn);
	memcpy(bad + 38, &dp.ports[P_LMA].addrs[0], 16); /* our link-local address */
	h_rx1(P_LMA, h_frame(bad, wn));
	cr_assert_eq(h_drops(DP_DROP_ESP_UNKNOWN_SPI), 2, "to another of our addresses");
	cr_assert_eq(sa_rw(SA_LMA_IN)->replay.top, 0);
	h_rx1(P_LMA, h_frame(w, wn));
	assert_punt(punt_one(), P_LMA, PMIP_PUNT_ECHO_REQUEST, SA_LMA_IN, f, n);
	cr_assert_eq(h_drops_total(), 2);
}

/* The reason dp must give an ESP packet cut to IPv6 payload length l. */
static enum dp_drop_reason truncated_reason(size_t l, size_t hdr, const struct pmip_esp_alg_desc *a)
{
	if (l == 0)
		return DP_DROP_IPV6_MALFORMED;
	size_t e = l - hdr; /* ESP bytes */
	if (e < 8u + a->iv_len + 2u + a->icv_len)
		return DP_DROP_ESP_MALFORMED;
	if ((e - 8u - a->iv_len - a->icv_len) % a->block != 0)
		return DP_DROP_ESP_MALFORMED;
	return DP_DROP_ESP_ICV;
}

static void truncations(uint8_t alg)
{
	pair(alg, SPI_M2L, SA_MAG_OUT, SA_LMA_IN);
	const struct pmip_esp_alg_desc *a = pmip_esp_alg_desc(alg);
	uint8_t f[256], w[512];
	size_t n = echo_req(f, MAG, LMA, 1, 40);
	size_t wn = protect_bytes(SA_MAG_OUT, P_MAG, f, n, w);
	uint64_t want[DP_DROP_COUNT] = { 0 };
	for (size_t l = 0; l < wn - 54; l++) {
		uint8_t t[512];
		memcpy(t, w, 54 + l);
		t[18] = (uint8_t)(l >> 8);
		t[19] = (uint8_t)l;
		h_rx1(P_LMA, h_frame(t, 54 + l));
		want[truncated_reason(l, 0, a)]++;
		for (unsigned r = 0; r < DP_DROP_COUNT; r++)
			cr_assert_eq(h_drops((enum dp_drop_reason)r), want[r],
				     "ESP cut to %zu bytes: %s %lu, want %lu", l, dp_drop_names[r],
				     h_drops((enum dp_drop_reason)r), want[r]);
	}
	/* The frame shorter than its IPv6 payload length says. */
	for (size_t l = 0; l < wn - 54; l++)
		h_rx1(P_LMA, h_frame(w, 54 + l));
	cr_assert_eq(h_drops(DP_DROP_IPV6_MALFORMED), 1 + (wn - 54));
	cr_assert_eq(punt_count(), 0);
	cr_assert_eq(sa_rw(SA_LMA_IN)->replay.top, 0);
	cr_assert_eq(h_drops_total(), 2 * (wn - 54));
	/* Still intact. */
	h_rx1(P_LMA, h_frame(w, wn));
	assert_punt(punt_one(), P_LMA, PMIP_PUNT_ECHO_REQUEST, SA_LMA_IN, f, n);
}

Test(esp_drops, truncated_gcm_packets_are_malformed_never_a_crash)
{
	truncations(GCM128);
	/* 84 bytes of ESP; under 34 there is no room for the trailer, and
	 * of the 50 cuts from 34 on, those whose ciphertext is not a
	 * multiple of 4 are misaligned; 12 (ciphertext 4 .. 48) fail the ICV. */
	cr_assert_eq(h_drops(DP_DROP_ESP_MALFORMED), 33 + 38);
	cr_assert_eq(h_drops(DP_DROP_ESP_ICV), 12);
}

Test(esp_drops, truncated_cbc_packets_are_malformed_never_a_crash)
{
	truncations(CBC256);
	cr_assert_eq(h_drops(DP_DROP_ESP_ICV), 3, "ciphertext of 16, 32 or 48 bytes");
	cr_assert_eq(h_drops(DP_DROP_ESP_MALFORMED), 8 + 16 + 64 + 16 - 1 - 3);
}

Test(esp_drops, truncated_udp_encapsulation_never_crashes)
{
	struct pmip_ctl_sa o, i;
	pair_ex(GCM128, PMIP_SA_TUNNEL_UDP, SPI_TUN, SA_TUN_OUT, SA_TUN_IN, MAG, LMA, 0, &o, &i);
	const struct pmip_esp_alg_desc *a = pmip_esp_alg_desc(GCM128);
	uint8_t f[256], w[512];
	size_t n = echo_req(f, MAG, LMA, 1, 40);
	size_t wn = protect_bytes(SA_TUN_OUT, P_MAG, f, n, w);
	cr_assert_eq(wn, 54 + 8 + 8 + 8 + 92 + 16);
	uint64_t want[DP_DROP_COUNT] = { 0 };
	for (size_t l = 0; l < wn - 54; l++) {
		uint8_t t[512];
		memcpy(t, w, 54 + l);
		t[18] = (uint8_t)(l >> 8);
		t[19] = (uint8_t)l;
		if (l >= 6) {
			t[58] = (uint8_t)(l >> 8);
			t[59] = (uint8_t)l;
		}
		h_rx1(P_LMA, h_frame(t, 54 + l));
		enum dp_drop_reason r;
		if (l == 0)
			r = DP_DROP_IPV6_MALFORMED;
		else if (l < 8 + 4)
			r = DP_DROP_UDP_MALFORMED; /* no UDP header, or < 4 bytes of payload */
		else
			r = truncated_reason(l, 8, a);
		want[r]++;
		for (unsigned k = 0; k < DP_DROP_COUNT; k++)
			cr_assert_eq(h_drops((enum dp_drop_reason)k), want[k],
				     "UDP cut to %zu bytes: %s %lu, want %lu", l, dp_drop_names[k],
				     h_drops((enum dp_drop_reason)k), want[k]);
	}
	cr_assert_eq(want[DP_DROP_UDP_MALFORMED], 11);
	cr_assert_eq(want[DP_DROP_ESP_ICV], 22, "ciphertext of 4 .. 88 bytes");
	cr_assert_eq(punt_count(), 0);
	h_rx1(P_LMA, h_frame(w, wn));
	assert_punt(punt_one(), P_LMA, PMIP_PUNT_ECHO_REQUEST, SA_TUN_IN, f, n);
}

Test(esp_drops, every_bit_flip_is_accounted_for)
{
	pair(CBC128, SPI_M2L, SA_MAG_OUT, SA_LMA_IN);
	uint8_t f[256], w[512];
	size_t n = echo_req(f, MAG, LMA, 1, 24);
	size_t wn = protect_bytes(SA_MAG_OUT, P_MAG, f, n, w);
	cr_assert_eq(wn, 14 + 40 + 8 + 16 + 48 + 16);
	struct dp_sa *in = sa_rw(SA_LMA_IN);
	unsigned sent = 0;
	for (size_t off = 0; off < wn; off++)
		for (unsigned bit = 0; bit < 8; bit++) {
			/* Each flip judged on its own: an empty window. */
			pmip_replay_init(&in->replay, 128, false);
			w[off] ^= (uint8_t)(1u << bit);
			h_rx1(P_LMA, h_frame(w, wn));
			w[off] ^= (uint8_t)(1u << bit);
			sent++;
		}
	cr_assert_eq(sent, 1136);
	/* Nothing dp checks: MACs, traffic class and flow label, hop limit. */
	cr_assert_eq(h_punted_total(), 48 + 48 + 28 + 8);
	cr_assert_eq(h_punted_total() + h_drops_total(), sent, "every packet accounted for");
	cr_assert_eq(h_drops(DP_DROP_ETHERTYPE), 16);
	/* Version (4) and payload lengths beyond the frame (13 set bits). */
	cr_assert_eq(h_drops(DP_DROP_IPV6_MALFORMED), 4 + 13);
	cr_assert_eq(h_drops(DP_DROP_LOCAL_UNHANDLED), 8, "next header");
	cr_assert_eq(h_drops(DP_DROP_NO_ROUTE), 128, "not our address: not local");
	cr_assert_eq(h_drops(DP_DROP_ESP_UNKNOWN_SPI), 128 + 32, "outer source, SPI");
	/* Payload length 88 (0x58) cut to 24 or 80: malformed; to 72 the
	 * ciphertext is 32 bytes, aligned, and fails the ICV. */
	cr_assert_eq(h_drops(DP_DROP_ESP_MALFORMED), 2);
	cr_assert_eq(h_drops(DP_DROP_ESP_REPLAY), 1, "sequence number 1 flipped to 0");
	cr_assert_eq(h_drops(DP_DROP_ESP_ICV), 31 + (16 + 48 + 16) * 8 + 1);
	cr_assert_eq(ctr(0, SA_LMA_IN).packets, 132);
}

Test(esp_drops, bad_padding_is_esp_bad_padding)
{
	for (unsigned k = 0; k < 4; k++) {
		uint32_t out_id = 10 + k, in_id = 20 + k, spi = 0x1100 + k;
		struct pmip_ctl_sa o, i;
		pair_ex(ALGS[k], PMIP_SA_TRANSPORT, spi, out_id, in_id, MAG, LMA, 0, &o, &i);
		const struct pmip_esp_alg_desc *a = pmip_esp_alg_desc(ALGS[k]);
		uint8_t f[256], plain[256], esp[512];
		size_t n = echo_req(f, MAG, LMA, 1, 3); /* 11 bytes: padding 3 (GCM) or 3 (CBC) */
		size_t pl = plain_build(plain, f + 54, n - 54, PMIP_IPPROTO_ICMPV6, a->block);
		cr_assert_eq(pl, a->block == 4 ? 16 : 16);
		cr_assert_eq(plain[pl - 2], 3);
		/* Padding 1, 2, 4 instead of 1, 2, 3. */
		plain[11 + 2] = 4;
		size_t el = seal(&i, 1, plain, pl, esp);
		h_rx1(P_LMA, esp_frame(MAG, LMA, false, esp, el));
		cr_assert_eq(h_drops(DP_DROP_ESP_PADDING), 3 * k + 1);
		/* Authenticated, so its number is used up (RFC 4303 3.4.3). */
		cr_assert_eq(sa_rw(in_id)->replay.top, 1);
		h_rx1(P_LMA, esp_frame(MAG, LMA, false, esp, el));
		cr_assert_eq(h_drops(DP_DROP_ESP_REPLAY), k + 1);
		/* A pad length longer than the ciphertext. */
		plain[11 + 2] = 3;
		plain[pl - 2] = (uint8_t)(pl - 1);
		el = seal(&i, 2, plain, pl, esp);
		h_rx1(P_LMA, esp_frame(MAG, LMA, false, esp, el));
		cr_assert_eq(h_drops(DP_DROP_ESP_PADDING), 3 * k + 2);
		/* Zero padding bytes where 1, 2, 3 belong. */
		plain[pl - 2] = 3;
		memset(plain + 11, 0, 3);
		el = seal(&i, 3, plain, pl, esp);
		h_rx1(P_LMA, esp_frame(MAG, LMA, false, esp, el));
		cr_assert_eq(h_drops(DP_DROP_ESP_PADDING), 3 * k + 3);
		/* Right padding under the same key: accepted. */
		pl = plain_build(plain, f + 54, n - 54, PMIP_IPPROTO_ICMPV6, a->block);
		el = seal(&i, 4, plain, pl, esp);
		h_rx1(P_LMA, esp_frame(MAG, LMA, false, esp, el));
		assert_punt(punt_one(), P_LMA, PMIP_PUNT_ECHO_REQUEST, in_id, f, n);
	}
	cr_assert_eq(h_drops_total(), 16);
}

Test(esp_drops, next_header_59_is_esp_dummy)
{
	struct pmip_ctl_sa spec = pair(CBC256, SPI_M2L, SA_MAG_OUT, SA_LMA_IN);
	uint8_t junk[37], plain[128], esp[256];
	for (unsigned i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 13);
	size_t pl = plain_build(plain, junk, sizeof(junk), PMIP_IPPROTO_NONE, 16);
	cr_assert_eq(pl, 48);
	size_t el = seal(&spec, 1, plain, pl, esp);
	h_rx1(P_LMA, esp_frame(MAG, LMA, false, esp, el));
	cr_assert_eq(h_drops(DP_DROP_ESP_DUMMY), 1);
	/* Empty dummy (RFC 4303 2.6: traffic flow confidentiality). */
	pl = plain_build(plain, junk, 0, PMIP_IPPROTO_NONE, 16);
	cr_assert_eq(pl, 16);
	el = seal(&spec, 2, plain, pl, esp);
	h_rx1(P_LMA, esp_frame(MAG, LMA, false, esp, el));
	cr_assert_eq(h_drops(DP_DROP_ESP_DUMMY), 2);
	/* cp sending a "no next header" packet under the SA makes a dummy. */
	sa_rw(SA_MAG_OUT)->seq = 2; /* 1 and 2 were sealed above */
	uint8_t f[128], w[256];
	size_t n = raw_frame(f, MAG, LMA, PMIP_IPPROTO_NONE, 5);
	size_t wn = protect_bytes(SA_MAG_OUT, P_MAG, f, n, w);
	h_rx1(P_LMA, h_frame(w, wn));
	cr_assert_eq(h_drops(DP_DROP_ESP_DUMMY), 3);
	cr_assert_eq(h_drops_total(), 3);
	cr_assert_eq(punt_count(), 0);
}

Test(esp_drops, per_sa_counters_are_per_sa_and_per_worker)
{
	pair(GCM128, SPI_M2L, SA_MAG_OUT, SA_LMA_IN);
	struct pmip_ctl_sa o, i;
	pair_ex(CBC128, PMIP_SA_TRANSPORT, 0x1001, 11, 12, MAG, LMA, 0, &o, &i);
	uint8_t f[1024], w[1024];
	for (unsigned k = 0; k < 10; k++) {
		size_t n = echo_req(f, MAG, LMA, (uint16_t)k, 100 * k);
		size_t wn = protect_bytes(k < 7 ? SA_MAG_OUT : 11, P_MAG, f, n, w);
		h_rx1(P_LMA, h_frame(w, wn));
	}
	/* SA 1/2: 7 packets of 8 + 0, 100, ..., 600; SA 11/12: 700, 800, 900. */
	cr_assert_eq(ctr(0, SA_MAG_OUT).packets, 7);
	cr_assert_eq(ctr(0, SA_MAG_OUT).bytes, 7 * 8 + 2100);
	cr_assert_eq(ctr(0, SA_LMA_IN).packets, 7);
	cr_assert_eq(ctr(0, SA_LMA_IN).bytes, 7 * 8 + 2100);
	cr_assert_eq(ctr(0, 11).packets, 3);
	cr_assert_eq(ctr(0, 11).bytes, 3 * 8 + 2400);
	cr_assert_eq(ctr(0, 12).packets, 3);
	cr_assert_eq(ctr(0, 12).bytes, 3 * 8 + 2400);
	cr_assert_eq(ctr(1, SA_LMA_IN).packets, 0);
	cr_assert_eq(ctr(0, SA_LMA_OUT).packets, 0);
	/* Counters start at zero for an SA that reuses an id. */
	cr_assert_eq(h_sa_del(12), PMIP_CTL_OK);
	cr_assert_eq(h_sa(&i), PMIP_CTL_OK);
	cr_assert_eq(ctr(0, 12).packets, 0);
	cr_assert_eq(ctr(0, 12).bytes, 0);
	cr_assert_eq(punt_count(), 10);
}

/* ---------------------------------------------------- Mobility Header ---- */

TestSuite(esp_mh, .init = gw_setup, .fini = h_fini);

Test(esp_mh, in_the_clear_is_mh_plaintext)
{
	pair(GCM128, SPI_M2L, SA_MAG_OUT, SA_LMA_IN);
	uint8_t f[128];
	size_t n = mh_frame(f, MAG, LMA);
	h_rx1(P_LMA, h_frame(f, n));
	cr_assert_eq(h_drops(DP_DROP_MH_PLAINTEXT), 1, "RFC 5213 4: PBU/PBA must be protected");
	cr_assert_eq(h_drops_total(), 1);
	cr_assert_eq(punt_count(), 0);
}

Test(esp_mh, under_its_senders_sa_is_punted_with_the_sa)
{
	for (unsigned k = 0; k < 4; k++) {
		uint32_t out_id = 10 + k, in_id = 20 + k;
		struct pmip_ctl_sa o, i;
		pair_ex(ALGS[k], PMIP_SA_TRANSPORT, 0x1100 + k, out_id, in_id, MAG, LMA, 0, &o, &i);
		uint8_t f[128], w[256];
		size_t n = mh_frame(f, MAG, LMA);
		size_t wn = protect_bytes(out_id, P_MAG, f, n, w);
		cr_assert_eq(w[20], PMIP_IPPROTO_ESP);
		h_rx1(P_LMA, h_frame(w, wn));
		assert_punt(punt_one(), P_LMA, PMIP_PUNT_MOBILITY, in_id, f, n);
	}
	cr_assert_eq(h_drops_total(), 0);
}

Test(esp_mh, under_an_sa_from_another_source_is_refused)
{
	/* In transport mode the outer source is the MH's source, and ESP
	 * input already demands it be the SA's peer: the SPI is not valid
	 * for that sender (RFC 4301 4.1, 5.2). */
	pair(GCM128, SPI_M2L, SA_MAG_OUT, SA_LMA_IN);
	uint8_t f[128], w[256];
	size_t n = mh_frame(f, STRANGER, LMA);
	size_t wn = protect_bytes(SA_MAG_OUT, P_MAG, f, n, w);
	h_rx1(P_LMA, h_frame(w, wn));
	cr_assert_eq(h_drops(DP_DROP_ESP_UNKNOWN_SPI), 1);
	cr_assert_eq(punt_count(), 0);
}

/* mh_wrong_sa cannot be reached through ESP input: dp_esp_input() checks
 * the outer source against sa->remote (transport: that is the MH's
 * source, checked again by local_mobility()) and, in tunnel mode, the
 * inner source against ts_remote with the same prefix rule that
 * local_mobility() applies; what fails there is esp_unknown_spi or
 * esp_selector_mismatch. It is local_mobility()'s own defence; exercised
 * here by handing dp_local_input() a frame with w->cur_sa set, as
 * dp_esp_input() does after decryption. */
Test(esp_mh, mh_wrong_sa_when_the_sa_in_hand_is_not_its_senders)
{
	pair(GCM128, SPI_M2L, SA_MAG_OUT, SA_LMA_IN);
	struct pmip_ctl_sa o, i;
	pair_ex(GCM128, PMIP_SA_TUNNEL_UDP, SPI_TUN, SA_TUN_OUT, SA_TUN_IN, MAG, LMA, 0, &o, &i);
	struct dp_worker *w = h_worker();
	uint8_t f[128];
	size_t n = mh_frame(f, STRANGER, LMA);
	w->cur_sa = SA_LMA_IN; /* transport SA of MAG */
	dp_local_input(w, &dp.ports[P_LMA], h_frame(f, n));
	cr_assert_eq(h_drops(DP_DROP_MH_WRONG_SA), 1);
	w->cur_sa = SA_TUN_IN; /* ts_remote MAG/128 */
	dp_local_input(w, &dp.ports[P_LMA], h_frame(f, n));
	cr_assert_eq(h_drops(DP_DROP_MH_WRONG_SA), 2);
	w->cur_sa = 40; /* no such SA (deleted meanwhile) */
	dp_local_input(w, &dp.ports[P_LMA], h_frame(f, n));
	cr_assert_eq(h_drops(DP_DROP_MH_WRONG_SA), 3);
	/* From the SA's peer: accepted. */
	n = mh_frame(f, MAG, LMA);
	w->cur_sa = SA_LMA_IN;
	dp_local_input(w, &dp.ports[P_LMA], h_frame(f, n));
	assert_punt(punt_one(), P_LMA, PMIP_PUNT_MOBILITY, SA_LMA_IN, f, n);
	w->cur_sa = SA_TUN_IN;
	dp_local_input(w, &dp.ports[P_LMA], h_frame(f, n));
	assert_punt(punt_one(), P_LMA, PMIP_PUNT_MOBILITY, SA_TUN_IN, f, n);
	w->cur_sa = 0;
	cr_assert_eq(h_drops_total(), 3);
}

Test(esp_mh, tunnel_mode_mh_inside_and_outside_the_remote_selector)
{
	struct pmip_ctl_sa o = h_sa_spec(SA_TUN_OUT, PMIP_SA_OUT, PMIP_SA_TUNNEL_UDP, CBC256,
					 SPI_TUN, MAG, LMA);
	struct pmip_ctl_sa i = h_sa_spec(SA_TUN_IN, PMIP_SA_IN, PMIP_SA_TUNNEL_UDP, CBC256,
					 SPI_TUN, LMA, MAG);
	i.ts_remote = h_ip("2001:db8:c::");
	i.ts_remote_len = 125; /* c::0 .. c::7 */
	cr_assert_eq(h_sa(&o), PMIP_CTL_OK);
	cr_assert_eq(h_sa(&i), PMIP_CTL_OK);
	uint8_t f[128], w[512];
	size_t n = mh_frame(f, "2001:db8:c::7", LMA);
	size_t wn = protect_bytes(SA_TUN_OUT, P_MAG, f, n, w);
	h_rx1(P_LMA, h_frame(w, wn));
	assert_punt(punt_one(), P_LMA, PMIP_PUNT_MOBILITY, SA_TUN_IN, f, n);
	n = mh_frame(f, "2001:db8:c::8", LMA); /* just outside */
	wn = protect_bytes(SA_TUN_OUT, P_MAG, f, n, w);
	h_rx1(P_LMA, h_frame(w, wn));
	cr_assert_eq(h_drops(DP_DROP_ESP_SELECTOR), 1);
	cr_assert_eq(h_drops(DP_DROP_MH_WRONG_SA), 0);
	cr_assert_eq(h_drops_total(), 1);
}
