/* ESP in the data plane (RFC 4303), packets that pass: transport-mode
 * round trips (esp_transport), tunnel mode in UDP 4500 with its selectors,
 * NAT traversal and UDP rules (esp_udp, RFC 3948), and outbound protection
 * (esp_out). Setup and helpers: esp_dp_util.h. */
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

/* ---------------------------------------------------- transport mode ---- */

TestSuite(esp_transport, .init = gw_setup, .fini = h_fini);

/* IPv6 payloads of 0..300 bytes from the MAG to the LMA under alg: the
 * protected frame field by field, then the LMA's view. Payloads of 8 and
 * more are echo requests (even) or replies (odd); shorter ones are ICMPv6
 * stubs that decrypt fine and are then dropped by ICMPv6 input. */
static void round_trip(uint8_t alg)
{
	const struct pmip_ctl_sa spec = pair(alg, SPI_M2L, SA_MAG_OUT, SA_LMA_IN);
	const struct pmip_esp_alg_desc *a = pmip_esp_alg_desc(alg);
	const bool gcm = alg == GCM128 || alg == GCM256;
	cr_assert_eq(a->iv_len, gcm ? 8 : 16);
	cr_assert_eq(a->block, gcm ? 4 : 16);
	cr_assert_eq(a->icv_len, 16);
	uint8_t f[2048], o[2048], plain[2048], last_iv[16] = { 0 };
	uint64_t bytes_sum = 0, punts = 0;
	for (size_t p = 0; p <= 300; p++) {
		size_t n;
		uint16_t reason;
		if (p < 8) {
			n = raw_frame(f, MAG, LMA, PMIP_IPPROTO_ICMPV6, p);
			if (p > 0)
				f[54] = PMIP_ICMP6_ECHO_REQUEST;
			reason = 0;
		} else if (p % 2 == 0) {
			n = echo_req(f, MAG, LMA, (uint16_t)p, p - 8);
			reason = PMIP_PUNT_ECHO_REQUEST;
		} else {
			n = echo_rep(f, MAG, LMA, (uint16_t)p, p - 8);
			reason = PMIP_PUNT_ECHO_REPLY;
		}
		cr_assert_eq(n, 54 + p);
		uint64_t seq = p + 1;
		size_t on = protect_bytes(SA_MAG_OUT, P_MAG, f, n, o);
		size_t ct = round_up(p + 2, a->block);
		size_t esp_len = 8 + a->iv_len + ct + 16;
		cr_assert_eq(on, 14 + 40 + esp_len, "payload %zu: frame %zu bytes", p, on);
		cr_assert_eq(ct % a->block, 0);
		cr_assert_lt(ct - (p + 2), a->block, "minimal padding");
		cr_assert_arr_eq(o, f, 14, "cp's Ethernet header");
		cr_assert_arr_eq(o + 14, f + 14, 4, "version, traffic class, flow label");
		cr_assert_eq(be(o + 18, 2), esp_len, "IPv6 payload length");
		cr_assert_eq(o[20], PMIP_IPPROTO_ESP);
		cr_assert_eq(o[21], 64, "hop limit kept");
		cr_assert_arr_eq(o + 22, f + 22, 32, "addresses kept (transport mode)");
		const uint8_t *esp = o + 54;
		cr_assert_eq(be(esp, 4), SPI_M2L);
		cr_assert_eq(be(esp + 4, 4), seq, "sequence numbers from 1 (RFC 4303 3.3.3)");
		if (gcm) {
			cr_assert_eq(be(esp + 8, 8), seq,
				     "GCM IV = sequence number (RFC 4106 3.1)");
		} else {
			cr_assert_arr_neq(esp + 8, last_iv, 16, "CBC IV never repeats");
			memcpy(last_iv, esp + 8, 16);
		}
		if (p >= 2)
			cr_assert_arr_neq(esp + 8 + a->iv_len, f + 54, p, "payload encrypted");
		cr_assert_eq(unseal(&spec, seq, esp, esp_len, plain), ct);
		cr_assert_arr_eq(plain, f + 54, p, "payload");
		size_t pad = ct - p - 2;
		for (size_t i = 0; i < pad; i++)
			cr_assert_eq(plain[p + i], i + 1, "padding 1, 2, 3... (RFC 4303 2.4)");
		cr_assert_eq(plain[ct - 2], pad);
		cr_assert_eq(plain[ct - 1], PMIP_IPPROTO_ICMPV6, "next header: the original's");
		bytes_sum += p;
		cr_assert_eq(ctr(0, SA_MAG_OUT).packets, seq);
		cr_assert_eq(ctr(0, SA_MAG_OUT).bytes, bytes_sum);

		/* The LMA. */
		h_rx1(P_LMA, h_frame(o, on));
		cr_assert_eq(ctr(0, SA_LMA_IN).packets, seq);
		cr_assert_eq(ctr(0, SA_LMA_IN).bytes, bytes_sum);
		cr_assert_eq(sa_rw(SA_LMA_IN)->replay.top, seq);
		if (p == 0) {
			/* IPv6 payload length 0 means a jumbogram (RFC 2675). */
			cr_assert_eq(h_drops(DP_DROP_IPV6_MALFORMED), 1);
			cr_assert_eq(punt_count(), 0);
		} else if (p < 8) {
			cr_assert_eq(h_drops(DP_DROP_ICMP6_MALFORMED), p);
			cr_assert_eq(punt_count(), 0);
		} else {
			assert_punt(punt_one(), P_LMA, reason, SA_LMA_IN, f, n);
			punts++;
		}
	}
	cr_assert_eq(punts, 293);
	cr_assert_eq(h_punted_total(), 293);
	cr_assert_eq(h_drops_total(), 8);
	cr_assert_eq(bytes_sum, 45150);
	cr_assert_eq(ctr(0, SA_MAG_OUT).packets, 301);
	cr_assert_eq(ctr(0, SA_LMA_IN).bytes, 45150);
	cr_assert_eq(ctr(1, SA_LMA_IN).packets, 0, "worker 1 saw nothing");
	cr_assert_eq(ctr(0, SA_MAG_OUT).packets + ctr(0, SA_LMA_IN).packets, 602);
}

Test(esp_transport, round_trip_aes_gcm_128)
{
	round_trip(GCM128);
}

Test(esp_transport, round_trip_aes_gcm_256)
{
	round_trip(GCM256);
}

Test(esp_transport, round_trip_aes_cbc_128_hmac_sha256)
{
	round_trip(CBC128);
}

Test(esp_transport, round_trip_aes_cbc_256_hmac_sha256)
{
	round_trip(CBC256);
}

Test(esp_transport, echo_both_ways_between_two_gateways)
{
	pair(GCM256, SPI_M2L, SA_MAG_OUT, SA_LMA_IN);
	struct pmip_ctl_sa o, i;
	pair_ex(CBC128, PMIP_SA_TRANSPORT, SPI_L2M, SA_LMA_OUT, SA_MAG_IN, LMA, MAG, 0, &o, &i);
	uint8_t req[256], rep[256], w[512];
	size_t n = echo_req(req, MAG, LMA, 1, 56);
	size_t wn = protect_bytes(SA_MAG_OUT, P_MAG, req, n, w);
	h_rx1(P_LMA, h_frame(w, wn));
	const struct pmip_pkt_msg *p = punt_one();
	assert_punt(p, P_LMA, PMIP_PUNT_ECHO_REQUEST, SA_LMA_IN, req, n);
	/* cp answers under the SA towards the MAG: the reply of the punted
	 * request, as cp builds it. */
	size_t rn = pmip_icmp6_echo_reply_build(p->data, p->len, rep, sizeof(rep));
	cr_assert_eq(rn, n);
	wn = protect_bytes(SA_LMA_OUT, P_LMA, rep, rn, w);
	cr_assert_eq(wn, 14 + 40 + 8 + 16 + 80 + 16, "CBC: 64 + 2 padded to 80");
	cr_assert_eq(be(w + 54, 4), SPI_L2M);
	cr_assert_eq(be(w + 58, 4), 1);
	h_rx1(P_MAG, h_frame(w, wn));
	assert_punt(punt_one(), P_MAG, PMIP_PUNT_ECHO_REPLY, SA_MAG_IN, rep, rn);
	cr_assert_eq(h_drops_total(), 0);
	cr_assert_eq(ctr(0, SA_MAG_IN).packets, 1);
	cr_assert_eq(ctr(0, SA_MAG_IN).bytes, 64);
	cr_assert_eq(ctr(0, SA_LMA_OUT).bytes, 64);
	cr_assert_eq(h_worker()->stats.port[P_MAG].punted, 1);
	cr_assert_eq(h_worker()->stats.port[P_LMA].punted, 1);
}

Test(esp_transport, burst_of_mixed_sas_and_plain_traffic)
{
	pair(GCM128, SPI_M2L, SA_MAG_OUT, SA_LMA_IN);
	struct pmip_ctl_sa o, i;
	pair_ex(CBC256, PMIP_SA_TRANSPORT, 0x1001, 11, 12, MAG, LMA, 0, &o, &i);
	uint8_t f[256], w[512];
	struct rte_mbuf *burst[8];
	for (unsigned k = 0; k < 8; k++) {
		size_t n = echo_req(f, MAG, LMA, (uint16_t)k, 10 + k);
		if (k % 3 == 2) {
			burst[k] = h_frame(f, n); /* plain echo: punted with sa_id 0 */
			continue;
		}
		size_t wn = protect_bytes(k % 3 ? 11 : SA_MAG_OUT, P_MAG, f, n, w);
		burst[k] = h_frame(w, wn);
	}
	h_rx(P_LMA, burst, 8);
	for (unsigned k = 0; k < 8; k++) {
		cr_assert(h_punt(&punted));
		size_t n = echo_req(f, MAG, LMA, (uint16_t)k, 10 + k);
		assert_punt(&punted, P_LMA, PMIP_PUNT_ECHO_REQUEST,
			    k % 3 == 2 ? 0 : k % 3 ? 12 : SA_LMA_IN, f, n);
	}
	cr_assert_eq(punt_count(), 0);
	cr_assert_eq(ctr(0, SA_LMA_IN).packets, 3);
	cr_assert_eq(ctr(0, 12).packets, 3);
	cr_assert_eq(ctr(0, SA_LMA_IN).bytes, 18 + 21 + 24);
	cr_assert_eq(ctr(0, 12).bytes, 19 + 22 + 25);
	cr_assert_eq(h_worker()->cur_sa, 0, "no SA left in hand");
}

/* ------------------------------------------------- UDP encapsulation ---- */

TestSuite(esp_udp, .init = gw_setup, .fini = h_fini);

static void tunnel_pair(uint8_t alg)
{
	struct pmip_ctl_sa o, i;
	pair_ex(alg, PMIP_SA_TUNNEL_UDP, SPI_TUN, SA_TUN_OUT, SA_TUN_IN, MAG, LMA, 0, &o, &i);
}

Test(esp_udp, tunnel_round_trip_every_algorithm)
{
	for (unsigned k = 0; k < 4; k++) {
		uint32_t out_id = 10 + k, in_id = 20 + k;
		struct pmip_ctl_sa o, i;
		pair_ex(ALGS[k], PMIP_SA_TUNNEL_UDP, 0x5100 + k, out_id, in_id, MAG, LMA, 0, &o,
			&i);
		for (size_t d = 0; d < 64; d += 7) {
			uint8_t f[256], w[512];
			size_t n = echo_req(f, MAG, LMA, (uint16_t)d, d);
			size_t wn = protect_bytes(out_id, P_MAG, f, n, w);
			cr_assert_eq(w[20], PMIP_IPPROTO_UDP);
			h_rx1(P_LMA, h_frame(w, wn));
			assert_punt(punt_one(), P_LMA, PMIP_PUNT_ECHO_REQUEST, in_id, f, n);
		}
		/* Tunnel mode counts the inner packet, header and all. */
		cr_assert_eq(ctr(0, in_id).packets, 10);
		cr_assert_eq(ctr(0, in_id).bytes, 10 * 48 + 315);
		cr_assert_eq(ctr(0, out_id).bytes, 10 * 48 + 315);
	}
	cr_assert_eq(h_drops_total(), 0);
}

Test(esp_udp, inner_packet_outside_the_selectors_is_esp_selector_mismatch)
{
	tunnel_pair(GCM128);
	uint8_t f[256], w[512];
	/* From outside ts_remote (MAG/128). */
	size_t n = echo_req(f, STRANGER, LMA, 1, 8);
	size_t wn = protect_bytes(SA_TUN_OUT, P_MAG, f, n, w);
	h_rx1(P_LMA, h_frame(w, wn));
	cr_assert_eq(h_drops(DP_DROP_ESP_SELECTOR), 1);
	/* To outside ts_local (LMA/128). */
	n = raw_frame(f, MAG, LMA, PMIP_IPPROTO_ICMPV6, 8);
	struct in6_addr other = h_ip("2001:db8:d::1");
	memcpy(f + 38, &other, 16);
	wn = protect_bytes(SA_TUN_OUT, P_MAG, f, n, w);
	h_rx1(P_LMA, h_frame(w, wn));
	cr_assert_eq(h_drops(DP_DROP_ESP_SELECTOR), 2);
	cr_assert_eq(h_drops_total(), 2);
	cr_assert_eq(punt_count(), 0);
}

Test(esp_udp, from_behind_a_nat)
{
	/* The MAG sends from MAG:4500; its NAT rewrites that to
	 * NAT_PUBLIC:61000. The LMA's SA has the NAT's address as its peer
	 * and the MAG's own address as the remote selector. */
	struct pmip_ctl_sa o = h_sa_spec(SA_TUN_OUT, PMIP_SA_OUT, PMIP_SA_TUNNEL_UDP, CBC128,
					 SPI_TUN, MAG, LMA);
	struct pmip_ctl_sa i = h_sa_spec(SA_TUN_IN, PMIP_SA_IN, PMIP_SA_TUNNEL_UDP, CBC128,
					 SPI_TUN, LMA, NAT_PUBLIC);
	i.ts_remote = h_ip(MAG);
	i.udp_dport = 61000;
	cr_assert_eq(h_sa(&o), PMIP_CTL_OK);
	cr_assert_eq(h_sa(&i), PMIP_CTL_OK);
	uint8_t f[256], w[512];
	size_t n = echo_req(f, MAG, LMA, 3, 30);
	size_t wn = protect_bytes(SA_TUN_OUT, P_MAG, f, n, w);
	struct in6_addr nat = h_ip(NAT_PUBLIC), lma = h_ip(LMA);
	memcpy(w + 22, &nat, 16);
	w[54] = 61000 >> 8;
	w[55] = 61000 & 0xff;
	w[60] = w[61] = 0;
	uint16_t c = pmip_ipv6_l4_checksum(&nat, &lma, PMIP_IPPROTO_UDP, w + 54, wn - 54);
	w[60] = (uint8_t)(c >> 8);
	w[61] = (uint8_t)c;
	h_rx1(P_LMA, h_frame(w, wn));
	assert_punt(punt_one(), P_LMA, PMIP_PUNT_ECHO_REQUEST, SA_TUN_IN, f, n);
	/* Without the NAT's rewrite the outer source is not the SA's peer. */
	wn = protect_bytes(SA_TUN_OUT, P_MAG, f, n, w);
	h_rx1(P_LMA, h_frame(w, wn));
	cr_assert_eq(h_drops(DP_DROP_ESP_UNKNOWN_SPI), 1);
	cr_assert_eq(h_drops_total(), 1);
}

/* The traffic selectors may be prefixes (pmipctl ts-local=P/L): inside
 * ts_local is not the same as addressed to the gateway. After the inbound
 * checks the inner packet goes by its own destination (RFC 4301 5.2);
 * dp takes as local only what classify() would take for an outer packet
 * (one of the port's addresses, or multicast), and drops the rest as
 * esp_inner_not_local, never punting it to cp. */
Test(esp_udp, inner_packet_to_another_address_in_ts_local_is_not_punted)
{
	struct pmip_ctl_sa o, i;
	o = h_sa_spec(SA_TUN_OUT, PMIP_SA_OUT, PMIP_SA_TUNNEL_UDP, GCM128, SPI_TUN, MAG, LMA);
	i = h_sa_spec(SA_TUN_IN, PMIP_SA_IN, PMIP_SA_TUNNEL_UDP, GCM128, SPI_TUN, LMA, MAG);
	i.ts_local = h_ip("2001:db8:c::");
	i.ts_local_len = 64;
	cr_assert_eq(h_sa(&o), PMIP_CTL_OK);
	cr_assert_eq(h_sa(&i), PMIP_CTL_OK);
	uint8_t f[256], w[512];
	size_t n = echo_req(f, MAG, LMA, 1, 8);
	struct in6_addr other = h_ip("2001:db8:c::99");
	memcpy(f + 38, &other, 16); /* checksum now wrong too: fix it */
	f[56] = f[57] = 0;
	struct in6_addr mag = h_ip(MAG);
	uint16_t c = pmip_ipv6_l4_checksum(&mag, &other, PMIP_IPPROTO_ICMPV6, f + 54, n - 54);
	f[56] = (uint8_t)(c >> 8);
	f[57] = (uint8_t)c;
	size_t wn = protect_bytes(SA_TUN_OUT, P_MAG, f, n, w);
	h_rx1(P_LMA, h_frame(w, wn));
	cr_assert_eq(punt_count(), 0, "echo request for 2001:db8:c::99 punted to cp");
	cr_assert_eq(h_drops(DP_DROP_ESP_INNER_NOT_LOCAL), 1);
	cr_assert_eq(h_drops_total(), 1);
	cr_assert_eq(sa_rw(SA_TUN_IN)->replay.top, 1, "authenticated: the window moved");
	/* To our own address inside the same selector: punted. */
	n = echo_req(f, MAG, LMA, 2, 8);
	wn = protect_bytes(SA_TUN_OUT, P_MAG, f, n, w);
	while (h_punt(&punted))
		;
	h_rx1(P_LMA, h_frame(w, wn));
	assert_punt(punt_one(), P_LMA, PMIP_PUNT_ECHO_REQUEST, SA_TUN_IN, f, n);
}

Test(esp_udp, inner_not_ipv6_is_esp_bad_next_header)
{
	tunnel_pair(GCM256);
	struct pmip_ctl_sa spec = h_sa_spec(SA_TUN_IN, PMIP_SA_IN, PMIP_SA_TUNNEL_UDP, GCM256,
					    SPI_TUN, LMA, MAG);
	uint8_t f[256], plain[512], esp[512];
	size_t n = echo_req(f, MAG, LMA, 1, 8);
	uint64_t seq = 1;
	/* An IPv6 packet, but next header 4 (IPv4), 58 (ICMPv6), 59. */
	static const uint8_t nhs[] = { 4, 58, 6 };
	for (unsigned k = 0; k < 3; k++) {
		size_t pl = plain_build(plain, f + 14, n - 14, nhs[k], 4);
		size_t el = seal(&spec, seq++, plain, pl, esp);
		h_rx1(P_LMA, esp_frame(MAG, LMA, true, esp, el));
		cr_assert_eq(h_drops(DP_DROP_ESP_NEXT_HEADER), k + 1, "next header %u", nhs[k]);
	}
	/* Next header 41, but version 4. */
	uint8_t bad[256];
	memcpy(bad, f + 14, n - 14);
	bad[0] = 0x45;
	size_t pl = plain_build(plain, bad, n - 14, 41, 4);
	size_t el = seal(&spec, seq++, plain, pl, esp);
	h_rx1(P_LMA, esp_frame(MAG, LMA, true, esp, el));
	cr_assert_eq(h_drops(DP_DROP_ESP_NEXT_HEADER), 4);
	/* Next header 41, inner payload length beyond what ESP carried. */
	memcpy(bad, f + 14, n - 14);
	bad[5]++;
	pl = plain_build(plain, bad, n - 14, 41, 4);
	el = seal(&spec, seq++, plain, pl, esp);
	h_rx1(P_LMA, esp_frame(MAG, LMA, true, esp, el));
	cr_assert_eq(h_drops(DP_DROP_ESP_NEXT_HEADER), 5);
	/* Next header 41, shorter than an IPv6 header. */
	pl = plain_build(plain, f + 14, 39, 41, 4);
	el = seal(&spec, seq++, plain, pl, esp);
	h_rx1(P_LMA, esp_frame(MAG, LMA, true, esp, el));
	cr_assert_eq(h_drops(DP_DROP_ESP_NEXT_HEADER), 6);
	/* The right one under the same key, with extra bytes after the
	 * inner packet (TFC padding, RFC 4303 2.7): accepted, cut to the
	 * inner length. */
	memcpy(bad, f + 14, n - 14);
	memset(bad + n - 14, 0xee, 5);
	pl = plain_build(plain, bad, n - 14 + 5, 41, 4);
	el = seal(&spec, seq++, plain, pl, esp);
	h_rx1(P_LMA, esp_frame(MAG, LMA, true, esp, el));
	const struct pmip_pkt_msg *p = punt_one();
	cr_assert_eq(p->reason, PMIP_PUNT_ECHO_REQUEST);
	cr_assert_eq(p->sa_id, SA_TUN_IN);
	cr_assert_eq(p->len, n);
	cr_assert_arr_eq(p->data + 14, f + 14, n - 14);
	cr_assert_eq(h_drops_total(), 6);
}

Test(esp_udp, nat_keepalive_is_counted_and_dropped)
{
	tunnel_pair(GCM128);
	uint8_t ka = 0xff;
	h_rx1(P_LMA, udp_frame(MAG, LMA, 4500, 4500, &ka, 1, -1));
	h_rx1(P_LMA, udp_frame(NAT_PUBLIC, LMA, 61000, 4500, &ka, 1, -1));
	cr_assert_eq(h_drops(DP_DROP_NAT_KEEPALIVE), 2);
	/* 0xfe or two bytes: not a keepalive, not ESP (< 4 bytes). */
	uint8_t two[2] = { 0xff, 0xff };
	ka = 0xfe;
	h_rx1(P_LMA, udp_frame(MAG, LMA, 4500, 4500, &ka, 1, -1));
	h_rx1(P_LMA, udp_frame(MAG, LMA, 4500, 4500, two, 2, -1));
	h_rx1(P_LMA, udp_frame(MAG, LMA, 4500, 4500, two, 0, -1));
	cr_assert_eq(h_drops(DP_DROP_UDP_MALFORMED), 3);
	cr_assert_eq(h_drops_total(), 5);
	cr_assert_eq(punt_count(), 0);
}

Test(esp_udp, ike_behind_the_non_esp_marker_and_on_500_is_punted)
{
	tunnel_pair(GCM128);
	uint8_t ike[4 + 28 + 8] = { 0 };
	for (unsigned i = 4; i < sizeof(ike); i++)
		ike[i] = (uint8_t)(i + 1); /* IKE SPIs etc.: cp's to judge */
	struct rte_mbuf *m = udp_frame(NAT_PUBLIC, LMA, 61000, 4500, ike, sizeof(ike), -1);
	uint8_t want[256];
	size_t wl = rte_pktmbuf_pkt_len(m);
	memcpy(want, h_bytes(m), wl);
	h_rx1(P_LMA, m);
	assert_punt(punt_one(), P_LMA, PMIP_PUNT_IKE, 0, want, wl);
	/* The marker and a whole IKE header, nothing more. */
	m = udp_frame(NAT_PUBLIC, LMA, 61000, 4500, ike, 32, -1);
	wl = rte_pktmbuf_pkt_len(m);
	memcpy(want, h_bytes(m), wl);
	h_rx1(P_LMA, m);
	assert_punt(punt_one(), P_LMA, PMIP_PUNT_IKE, 0, want, wl);
	/* Marker plus less than an IKE header. */
	h_rx1(P_LMA, udp_frame(NAT_PUBLIC, LMA, 61000, 4500, ike, 31, -1));
	h_rx1(P_LMA, udp_frame(NAT_PUBLIC, LMA, 61000, 4500, ike, 4, -1));
	cr_assert_eq(h_drops(DP_DROP_UDP_MALFORMED), 2);
	/* Port 500: no marker (RFC 7296 2.23). */
	m = udp_frame(MAG, LMA, 500, 500, ike + 4, 28, -1);
	wl = rte_pktmbuf_pkt_len(m);
	memcpy(want, h_bytes(m), wl);
	h_rx1(P_LMA, m);
	assert_punt(punt_one(), P_LMA, PMIP_PUNT_IKE, 0, want, wl);
	/* Another port: nothing listens. */
	h_rx1(P_LMA, udp_frame(MAG, LMA, 500, 501, ike + 4, 28, -1));
	cr_assert_eq(h_drops(DP_DROP_LOCAL_UNHANDLED), 1);
	cr_assert_eq(h_drops_total(), 3);
}

Test(esp_udp, wrong_udp_length_is_udp_malformed)
{
	tunnel_pair(GCM128);
	uint8_t f[256], w[512];
	size_t n = echo_req(f, MAG, LMA, 1, 8);
	size_t wn = protect_bytes(SA_TUN_OUT, P_MAG, f, n, w);
	size_t ulen = wn - 54;
	cr_assert_eq(be(w + 58, 2), ulen);
	static const int bad[] = { 0, 7, -1 /* ulen + 1 */, 0xffff };
	for (unsigned k = 0; k < 4; k++) {
		uint8_t t[512];
		memcpy(t, w, wn);
		int v = bad[k] < 0 ? (int)ulen + 1 : bad[k];
		t[58] = (uint8_t)(v >> 8);
		t[59] = (uint8_t)v;
		h_rx1(P_LMA, h_frame(t, wn));
		cr_assert_eq(h_drops(DP_DROP_UDP_MALFORMED), k + 1, "UDP length %d", v);
	}
	cr_assert_eq(sa_rw(SA_TUN_IN)->replay.top, 0);
	cr_assert_eq(h_drops_total(), 4);
	h_rx1(P_LMA, h_frame(w, wn));
	assert_punt(punt_one(), P_LMA, PMIP_PUNT_ECHO_REQUEST, SA_TUN_IN, f, n);
}

/* A UDP datagram is ulen bytes (RFC 768) and must fill the IPv6 payload
 * (RFC 8200 8.1, RFC 3948 2.1: no room for trailing bytes). With a UDP
 * length shorter than the IPv6 payload the packet is udp_malformed, and
 * never reaches decryption (no false esp_icv_failed). */
Test(esp_udp, udp_length_shorter_than_the_ipv6_payload_is_udp_malformed)
{
	tunnel_pair(GCM128);
	uint8_t f[256], w[512];
	size_t n = echo_req(f, MAG, LMA, 1, 8);
	size_t wn = protect_bytes(SA_TUN_OUT, P_MAG, f, n, w);
	memset(w + wn, 0xee, 4); /* four bytes after the datagram */
	w[18] = (uint8_t)((wn + 4 - 54) >> 8);
	w[19] = (uint8_t)(wn + 4 - 54);
	h_rx1(P_LMA, h_frame(w, wn + 4));
	cr_assert_eq(h_drops(DP_DROP_ESP_ICV), 0, "no integrity failure happened");
	cr_assert_eq(h_drops(DP_DROP_UDP_MALFORMED), 1);
	cr_assert_eq(sa_rw(SA_TUN_IN)->replay.top, 0);
	cr_assert_eq(h_drops_total(), 1);
	cr_assert_eq(punt_count(), 0);
}

Test(esp_udp, sa_of_the_other_encapsulation_is_esp_unknown_spi)
{
	struct pmip_ctl_sa tspec = pair(GCM128, SPI_M2L, SA_MAG_OUT, SA_LMA_IN);
	tunnel_pair(GCM128);
	struct pmip_ctl_sa uspec = h_sa_spec(SA_TUN_IN, PMIP_SA_IN, PMIP_SA_TUNNEL_UDP, GCM128,
					     SPI_TUN, LMA, MAG);
	uint8_t f[256], plain[256], esp[512];
	size_t n = echo_req(f, MAG, LMA, 1, 8);
	/* The transport SA's SPI in UDP 4500. */
	size_t pl = plain_build(plain, f + 54, n - 54, PMIP_IPPROTO_ICMPV6, 4);
	size_t el = seal(&tspec, 1, plain, pl, esp);
	h_rx1(P_LMA, esp_frame(MAG, LMA, true, esp, el));
	cr_assert_eq(h_drops(DP_DROP_ESP_UNKNOWN_SPI), 1);
	/* The tunnel SA's SPI as IP protocol 50. */
	pl = plain_build(plain, f + 14, n - 14, 41, 4);
	el = seal(&uspec, 1, plain, pl, esp);
	h_rx1(P_LMA, esp_frame(MAG, LMA, false, esp, el));
	cr_assert_eq(h_drops(DP_DROP_ESP_UNKNOWN_SPI), 2);
	cr_assert_eq(sa_rw(SA_LMA_IN)->replay.top, 0);
	cr_assert_eq(sa_rw(SA_TUN_IN)->replay.top, 0);
	/* Each in its own encapsulation: accepted. */
	h_rx1(P_LMA, esp_frame(MAG, LMA, true, esp, el));
	assert_punt(punt_one(), P_LMA, PMIP_PUNT_ECHO_REQUEST, SA_TUN_IN, f, n);
	pl = plain_build(plain, f + 54, n - 54, PMIP_IPPROTO_ICMPV6, 4);
	el = seal(&tspec, 1, plain, pl, esp);
	h_rx1(P_LMA, esp_frame(MAG, LMA, false, esp, el));
	assert_punt(punt_one(), P_LMA, PMIP_PUNT_ECHO_REQUEST, SA_LMA_IN, f, n);
	cr_assert_eq(h_drops_total(), 2);
}

Test(esp_udp, esp_inside_esp_is_not_processed)
{
	tunnel_pair(GCM128);
	struct pmip_ctl_sa spec = pair(GCM128, SPI_M2L, SA_MAG_OUT, SA_LMA_IN);
	uint8_t plain[256], esp[512], f[1024], w[1024];
	uint8_t inner[128];
	size_t n = echo_req(inner, MAG, LMA, 1, 8);
	size_t pl = plain_build(plain, inner + 54, n - 54, PMIP_IPPROTO_ICMPV6, 4);
	size_t el = seal(&spec, 1, plain, pl, esp);
	/* Tunnel-mode inner packet: UDP 4500 carrying ESP of the transport SA. */
	struct rte_mbuf *m = esp_frame(MAG, LMA, true, esp, el);
	size_t fl = rte_pktmbuf_pkt_len(m);
	memcpy(f, h_bytes(m), fl);
	rte_pktmbuf_free(m);
	size_t wn = protect_bytes(SA_TUN_OUT, P_MAG, f, fl, w);
	h_rx1(P_LMA, h_frame(w, wn));
	cr_assert_eq(h_drops(DP_DROP_LOCAL_UNHANDLED), 1);
	/* And as IP protocol 50 inside the tunnel. */
	m = esp_frame(MAG, LMA, false, esp, el);
	fl = rte_pktmbuf_pkt_len(m);
	memcpy(f, h_bytes(m), fl);
	rte_pktmbuf_free(m);
	wn = protect_bytes(SA_TUN_OUT, P_MAG, f, fl, w);
	h_rx1(P_LMA, h_frame(w, wn));
	cr_assert_eq(h_drops(DP_DROP_LOCAL_UNHANDLED), 2);
	cr_assert_eq(sa_rw(SA_LMA_IN)->replay.top, 0, "the inner ESP was never processed");
	cr_assert_eq(h_drops_total(), 2);
}

/* ----------------------------------------------------------- outbound ---- */

TestSuite(esp_out, .init = gw_setup, .fini = h_fini);

Test(esp_out, no_such_outbound_sa_is_esp_out_no_sa)
{
	pair(GCM128, SPI_M2L, SA_MAG_OUT, SA_LMA_IN);
	uint8_t f[256];
	size_t n = echo_req(f, MAG, LMA, 1, 8);
	cr_assert_null(protect(SA_LMA_IN, P_MAG, f, n), "an inbound SA");
	cr_assert_null(protect(33, P_MAG, f, n), "an id never used");
	cr_assert_null(protect(H_MAX_SAS, P_MAG, f, n), "out of range");
	cr_assert_null(protect(UINT32_MAX, P_MAG, f, n), "far out of range");
	cr_assert_eq(h_drops(DP_DROP_ESP_OUT_NO_SA), 4);
	cr_assert_eq(h_worker()->stats.port[P_MAG].drops, 4);
	cr_assert_eq(h_sa_del(SA_MAG_OUT), PMIP_CTL_OK);
	cr_assert_null(protect(SA_MAG_OUT, P_MAG, f, n), "deleted");
	cr_assert_eq(h_drops(DP_DROP_ESP_OUT_NO_SA), 5);
	cr_assert_eq(h_drops_total(), 5);
	/* Not an IPv6 frame. */
	pair(GCM128, 0x1001, 11, 12);
	f[12] = 0x08;
	f[13] = 0x00;
	cr_assert_null(protect(11, P_MAG, f, n));
	cr_assert_eq(h_drops(DP_DROP_TX_BAD_MESSAGE), 1);
	cr_assert_eq(sa_rw(11)->seq, 0, "no sequence number used");
}

/* The largest IPv6 payload that fits a 1500-byte MTU once protected, and
 * one more byte. */
static void too_big(uint8_t alg, uint8_t mode, size_t fits, size_t fits_1280)
{
	struct pmip_ctl_sa o, i;
	pair_ex(alg, mode, SPI_M2L, SA_MAG_OUT, SA_LMA_IN, MAG, LMA, 0, &o, &i);
	uint8_t f[2048];
	size_t n = raw_frame(f, MAG, LMA, 17, fits);
	struct rte_mbuf *m = protect(SA_MAG_OUT, P_MAG, f, n);
	cr_assert_not_null(m);
	cr_assert_leq(rte_pktmbuf_pkt_len(m), 14 + 1500);
	cr_assert_gt(rte_pktmbuf_pkt_len(m), 14 + 1500 - pmip_esp_alg_desc(alg)->block);
	cr_assert_eq(be(h_bytes(m) + 18, 2), rte_pktmbuf_pkt_len(m) - 54);
	rte_pktmbuf_free(m);
	n = raw_frame(f, MAG, LMA, 17, fits + 1);
	cr_assert_null(protect(SA_MAG_OUT, P_MAG, f, n));
	cr_assert_eq(h_drops(DP_DROP_ESP_OUT_TOO_BIG), 1);
	cr_assert_eq(h_worker()->stats.port[P_MAG].drops, 1);
	cr_assert_eq(sa_rw(SA_MAG_OUT)->seq, 1, "the refused packet used no number");
	n = raw_frame(f, MAG, LMA, 17, 10);
	m = protect(SA_MAG_OUT, P_MAG, f, n);
	cr_assert_eq(be(h_bytes(m) + 54 + (mode == PMIP_SA_TUNNEL_UDP ? 8 : 0) + 4, 4), 2);
	rte_pktmbuf_free(m);
	/* A smaller MTU on the port cp names. */
	dp.ports[P_MAG].mtu = 1280;
	n = raw_frame(f, MAG, LMA, 17, fits_1280);
	m = protect(SA_MAG_OUT, P_MAG, f, n);
	cr_assert_not_null(m);
	cr_assert_leq(rte_pktmbuf_pkt_len(m), 14 + 1280);
	rte_pktmbuf_free(m);
	n = raw_frame(f, MAG, LMA, 17, fits_1280 + 1);
	cr_assert_null(protect(SA_MAG_OUT, P_MAG, f, n));
	cr_assert_eq(h_drops(DP_DROP_ESP_OUT_TOO_BIG), 2);
	cr_assert_eq(h_drops_total(), 2);
}

Test(esp_out, too_big_transport_gcm)
{
	/* 40 + 8 + 8 + (1426 + 2) + 16 = 1500; 1280: 1206 */
	too_big(GCM128, PMIP_SA_TRANSPORT, 1426, 1206);
}

Test(esp_out, too_big_transport_cbc)
{
	/* 40 + 8 + 16 + round16(1406 + 2) + 16 = 1488: 1407 needs 1504;
	 * 1280: 40 + 8 + 16 + 1200 + 16 */
	too_big(CBC256, PMIP_SA_TRANSPORT, 1406, 1198);
}

Test(esp_out, too_big_tunnel_gcm)
{
	/* 40 + 8 + 8 + 8 + (40 + 1378 + 2) + 16 = 1500; 1280: 1158 */
	too_big(GCM256, PMIP_SA_TUNNEL_UDP, 1378, 1158);
}

Test(esp_out, too_big_tunnel_cbc)
{
	/* 40 + 8 + 8 + 16 + round16(40 + 1366 + 2) + 16 = 1496: 1367 needs
	 * 1512; 1280: 40 + 8 + 8 + 16 + round16(40 + 1142 + 2) + 16 = 1272 */
	too_big(CBC128, PMIP_SA_TUNNEL_UDP, 1366, 1142);
}

Test(esp_out, tunnel_output_fields)
{
	for (unsigned k = 0; k < 4; k++) {
		uint32_t id = 10 + k;
		struct pmip_ctl_sa s = h_sa_spec(id, PMIP_SA_OUT, PMIP_SA_TUNNEL_UDP, ALGS[k],
						 0x5100 + k, LMA, NAT_PUBLIC);
		s.udp_sport = 4500;
		s.udp_dport = 62000; /* the MAG's port as the NAT maps it */
		s.port = P_LMA;
		cr_assert_eq(h_sa(&s), PMIP_CTL_OK);
		const struct pmip_esp_alg_desc *a = pmip_esp_alg_desc(ALGS[k]);
		uint8_t f[256], o[512], plain[512];
		/* The inner packet as cp builds it: LMA -> MAG with its own
		 * hop limit, traffic class and flow label. */
		size_t n = echo_rep(f, LMA, MAG, 9, 100);
		f[14] = 0x6b;
		f[15] = 0xa1;
		f[16] = 0x23;
		f[17] = 0x45;
		f[21] = 17;
		size_t on = protect_bytes(id, P_LMA, f, n, o);
		size_t inner = n - 14, ct = round_up(inner + 2, a->block);
		size_t esp_len = 8 + a->iv_len + ct + 16;
		cr_assert_eq(on, 14 + 40 + 8 + esp_len);
		cr_assert_arr_eq(o, f, 14, "cp's Ethernet header");
		struct pmip_ipv6_view ip;
		cr_assert_eq(pmip_ipv6_parse(o + 14, on - 14, &ip), PMIP_PKT_ERR_OK);
		struct in6_addr lma = h_ip(LMA), nat = h_ip(NAT_PUBLIC);
		cr_assert_arr_eq(&ip.src, &lma, 16, "outer source: the SA's local");
		cr_assert_arr_eq(&ip.dst, &nat, 16, "outer destination: the SA's remote");
		cr_assert_eq(ip.next_header, PMIP_IPPROTO_UDP);
		cr_assert_eq(ip.payload_len, 8 + esp_len);
		cr_assert_eq(ip.hop_limit, 64);
		cr_assert_eq(ip.traffic_class, 0);
		cr_assert_eq(ip.flow_label, 0);
		const uint8_t *u = o + 54;
		cr_assert_eq(be(u, 2), 4500);
		cr_assert_eq(be(u + 2, 2), 62000);
		cr_assert_eq(be(u + 4, 2), 8 + esp_len);
		cr_assert_neq(be(u + 6, 2), 0, "IPv6 UDP checksum is mandatory (RFC 8200 8.1)");
		cr_assert_eq(pmip_ipv6_l4_checksum(&lma, &nat, PMIP_IPPROTO_UDP, u, 8 + esp_len), 0,
			     "the UDP checksum verifies");
		cr_assert_eq(be(u + 8, 4), 0x5100 + k);
		cr_assert_eq(be(u + 12, 4), 1);
		cr_assert_eq(unseal(&s, 1, u + 8, esp_len, plain), ct);
		cr_assert_arr_eq(plain, f + 14, inner, "the inner packet intact (RFC 4303 3.1.2)");
		for (size_t i = 0; i < ct - inner - 2; i++)
			cr_assert_eq(plain[inner + i], i + 1);
		cr_assert_eq(plain[ct - 2], ct - inner - 2);
		cr_assert_eq(plain[ct - 1], 41, "next header IPv6");
		cr_assert_eq(ctr(0, id).packets, 1);
		cr_assert_eq(ctr(0, id).bytes, inner);
	}
	cr_assert_eq(h_drops_total(), 0);
}
