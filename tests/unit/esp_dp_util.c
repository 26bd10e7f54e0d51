/* See esp_dp_util.h. */
#include "esp_dp_util.h"
#include "esp_trailer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ring.h>
#include <rte_ring_elem.h>

const uint8_t ALGS[4] = { GCM128, GCM256, CBC128, CBC256 };

struct pmip_pkt_msg punted;
struct pmip_pkt_msg txmsg;

void gw_setup(void)
{
	static const struct h_port_spec ports[] = {
		{ PMIP_PORT_CORE, MAG, 1500 },
		{ PMIP_PORT_CORE, LMA, 1500 },
	};
	h_init(PMIP_ROLE_MAG, ports, 2, "0", 64);
}

struct rte_mbuf *copy(struct rte_mbuf *m)
{
	struct rte_mbuf *c = rte_pktmbuf_copy(m, dp.pool, 0, UINT32_MAX);
	cr_assert_not_null(c);
	return c;
}

unsigned punt_count(void)
{
	return rte_ring_count(dp.shm.ring[PMIP_RING_PUNT]);
}

/* The one punted packet: it must be there, and be the only one. */
const struct pmip_pkt_msg *punt_one(void)
{
	cr_assert(h_punt(&punted), "a packet was punted");
	cr_assert_eq(punt_count(), 0, "exactly one packet punted");
	return &punted;
}

void assert_punt(const struct pmip_pkt_msg *p, uint16_t port, uint16_t reason,
		 uint32_t sa_id, const uint8_t *frame, size_t len)
{
	cr_assert_eq(p->port, port);
	cr_assert_eq(p->reason, reason, "punt reason %u, want %u", p->reason, reason);
	cr_assert_eq(p->sa_id, sa_id, "punt sa_id %u, want %u", p->sa_id, sa_id);
	cr_assert_eq(p->len, len, "punted %u bytes, want %zu", p->len, len);
	cr_assert_arr_eq(p->data, frame, len, "the punted frame is the original");
}

struct dp_sa *sa_rw(uint32_t id)
{
	struct dp_sa *sa = (struct dp_sa *)dp_sa_get(&dp.sas, id);
	cr_assert_not_null(sa, "SA %u installed", id);
	return sa;
}

struct dp_sa_ctr ctr(unsigned worker, uint32_t id)
{
	return *dp_sa_ctr(&dp.sas, worker, id);
}

uint64_t be(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

size_t round_up(size_t n, size_t block)
{
	return (n + block - 1) / block * block;
}

/* An outbound SA on one side and the matching inbound SA on the other.
 * from/to: the outer addresses of the direction (MAG -> LMA or back). */
void pair_ex(uint8_t alg, uint8_t mode, uint32_t spi, uint32_t out_id, uint32_t in_id,
	     const char *from, const char *to, uint8_t flags, struct pmip_ctl_sa *out,
	     struct pmip_ctl_sa *in)
{
	*out = h_sa_spec(out_id, PMIP_SA_OUT, mode, alg, spi, from, to);
	*in = h_sa_spec(in_id, PMIP_SA_IN, mode, alg, spi, to, from);
	out->port = strcmp(from, MAG) == 0 ? P_MAG : P_LMA;
	in->port = out->port == P_MAG ? P_LMA : P_MAG;
	out->flags = in->flags = flags;
	cr_assert_eq(h_sa(out), PMIP_CTL_OK, "outbound SA %u", out_id);
	cr_assert_eq(h_sa(in), PMIP_CTL_OK, "inbound SA %u", in_id);
}

struct pmip_ctl_sa pair(uint8_t alg, uint32_t spi, uint32_t out_id, uint32_t in_id)
{
	struct pmip_ctl_sa o, i;
	pair_ex(alg, PMIP_SA_TRANSPORT, spi, out_id, in_id, MAG, LMA, 0, &o, &i);
	return i;
}

uint16_t port_of(const char *addr)
{
	return strcmp(addr, MAG) == 0 ? P_MAG : P_LMA;
}

/* The gateways send from their ports' MACs, anyone else from H_MAC_PEER. */
const uint8_t *mac_of(const char *addr)
{
	return strcmp(addr, MAG) == 0 || strcmp(addr, LMA) == 0 ? dp.ports[port_of(addr)].mac
								: H_MAC_PEER;
}

/* Echo request frame from src to dst, between the gateways' ports. */
size_t echo_req_(uint8_t *out, size_t cap, const char *src, const char *dst, uint16_t seq,
		 size_t data_len)
{
	struct in6_addr s = h_ip(src), d = h_ip(dst);
	size_t n = pmip_icmp6_echo_request_build(out, cap, mac_of(src), dp.ports[port_of(dst)].mac,
						 &s, &d, 0x77, seq, data_len);
	cr_assert_eq(n, 14 + 40 + 8 + data_len);
	return n;
}

/* Echo reply frame from src to dst (the answer to dst's request). */
size_t echo_rep_(uint8_t *out, size_t cap, const char *src, const char *dst, uint16_t seq,
		 size_t data_len)
{
	uint8_t req[2048];
	size_t n = echo_req(req, dst, src, seq, data_len);
	size_t r = pmip_icmp6_echo_reply_build(req, n, out, cap);
	cr_assert_eq(r, n);
	return r;
}

/* A frame src -> dst with IPv6 next header nh and len payload bytes
 * 0xa0, 0xa1, ... (for what only the output side looks at). */
size_t raw_frame_(uint8_t *out, size_t cap, const char *src, const char *dst, uint8_t nh,
		  size_t len)
{
	cr_assert_leq(54 + len, cap);
	struct in6_addr s = h_ip(src), d = h_ip(dst);
	memcpy(out, dp.ports[port_of(dst)].mac, 6);
	memcpy(out + 6, mac_of(src), 6);
	out[12] = 0x86;
	out[13] = 0xdd;
	pmip_ipv6_hdr_write(out + 14, &s, &d, nh, (uint16_t)len, 64, 0, 0);
	for (size_t i = 0; i < len; i++)
		out[54 + i] = (uint8_t)(0xa0 + i);
	return 54 + len;
}

/* A Mobility Header frame (RFC 6275 6.1.7: a 16-byte PBU, contents are
 * cp's to judge). */
size_t mh_frame_(uint8_t *out, size_t cap, const char *src, const char *dst)
{
	size_t n = raw_frame_(out, cap, src, dst, PMIP_IPPROTO_MH, 16);
	static const uint8_t pbu[16] = { 59, 1, 5, 0, 0, 0, 0x12, 0x34, 0xf0, 0, 0, 10 };
	memcpy(out + 54, pbu, sizeof(pbu));
	return n;
}

/* cp's frame, protected under sa_id from port (NULL: dropped). */
struct rte_mbuf *protect(uint32_t sa_id, uint16_t port, const uint8_t *frame, size_t len)
{
	memset(&txmsg, 0, PMIP_PKT_HDR_SIZE);
	txmsg.port = port;
	txmsg.len = (uint16_t)len;
	txmsg.sa_id = sa_id;
	memcpy(txmsg.data, frame, len);
	return dp_esp_output(h_worker(), &txmsg);
}

/* Protect and copy the bytes out. */
size_t protect_bytes_(uint32_t sa_id, uint16_t port, const uint8_t *frame, size_t len,
		      uint8_t *out, size_t cap)
{
	struct rte_mbuf *m = protect(sa_id, port, frame, len);
	cr_assert_not_null(m, "protected under SA %u", sa_id);
	size_t n = rte_pktmbuf_pkt_len(m);
	cr_assert_leq(n, cap);
	memcpy(out, h_bytes(m), n);
	rte_pktmbuf_free(m);
	return n;
}

/* The ciphertext region (payload, padding 1, 2, ..., pad length, next
 * header) of payload for a cipher of block bytes. */
size_t plain_build(uint8_t *out, const uint8_t *payload, size_t len, uint8_t nh,
		   size_t block)
{
	memcpy(out, payload, len);
	return esp_trailer(out, len, block, nh);
}

/* An ESP packet under spec's keys, SPI, algorithm and ESN flag with
 * sequence number seq, whose ciphertext region (plain, plain_len bytes, as
 * the caller built it) is encrypted here: header, IV, ciphertext, ICV into
 * out. Returns the ESP length. */
size_t seal(const struct pmip_ctl_sa *spec, uint64_t seq, const uint8_t *plain,
	    size_t plain_len, uint8_t *out)
{
	const struct pmip_esp_alg_desc *a = pmip_esp_alg_desc(spec->alg);
	struct dp_esp_crypto *c = dp_esp_crypto_new((enum dp_esp_alg)spec->alg, spec->enc_key,
						    spec->enc_key_len, spec->auth_key,
						    spec->auth_key_len, true);
	cr_assert_not_null(c);
	pmip_esp_hdr_write(out, spec->spi, (uint32_t)seq);
	uint8_t *iv = out + PMIP_ESP_HLEN, *ct = iv + a->iv_len;
	cr_assert_eq(dp_esp_iv_gen(c, seq, iv), DP_ESP_OK);
	memcpy(ct, plain, plain_len);
	uint8_t aad[12];
	size_t aad_len = pmip_esp_aad(aad, spec->spi, (uint32_t)seq, (uint32_t)(seq >> 32),
				      spec->flags & PMIP_SA_F_ESN);
	cr_assert_eq(dp_esp_encrypt(c, aad, aad_len, iv, ct, plain_len, ct + plain_len), DP_ESP_OK);
	dp_esp_crypto_free(c);
	return PMIP_ESP_HLEN + a->iv_len + plain_len + a->icv_len;
}

/* Verify and decrypt an ESP packet (esp, len bytes) under spec with the
 * 64-bit sequence number seq: the ciphertext region into plain, its
 * length returned. */
size_t unseal(const struct pmip_ctl_sa *spec, uint64_t seq, const uint8_t *esp, size_t len,
	      uint8_t *plain)
{
	const struct pmip_esp_alg_desc *a = pmip_esp_alg_desc(spec->alg);
	struct dp_esp_crypto *c = dp_esp_crypto_new((enum dp_esp_alg)spec->alg, spec->enc_key,
						    spec->enc_key_len, spec->auth_key,
						    spec->auth_key_len, false);
	cr_assert_not_null(c);
	size_t ct_len = len - PMIP_ESP_HLEN - a->iv_len - a->icv_len;
	memcpy(plain, esp + PMIP_ESP_HLEN + a->iv_len, ct_len);
	uint8_t aad[12];
	size_t aad_len = pmip_esp_aad(aad, spec->spi, (uint32_t)seq, (uint32_t)(seq >> 32),
				      spec->flags & PMIP_SA_F_ESN);
	cr_assert_eq(dp_esp_decrypt(c, aad, aad_len, esp + PMIP_ESP_HLEN, plain, ct_len,
				    esp + len - a->icv_len),
		     DP_ESP_OK, "the ICV verifies");
	dp_esp_crypto_free(c);
	return ct_len;
}

/* Ethernet + IPv6 (next header nh) + payload, to port to's MAC. */
struct rte_mbuf *ip_frame(const char *src, const char *dst, uint8_t nh, const uint8_t *pl,
			  size_t len)
{
	uint8_t f[2048];
	struct in6_addr s = h_ip(src), d = h_ip(dst);
	memcpy(f, dp.ports[port_of(dst)].mac, 6);
	memcpy(f + 6, mac_of(src), 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	pmip_ipv6_hdr_write(f + 14, &s, &d, nh, (uint16_t)len, 64, 0, 0);
	memcpy(f + 54, pl, len);
	return h_frame(f, 54 + len);
}

/* UDP sport -> dport carrying payload; ulen >= 0 overrides the length field. */
struct rte_mbuf *udp_frame(const char *src, const char *dst, uint16_t sport,
			   uint16_t dport, const uint8_t *payload, size_t len, int ulen)
{
	uint8_t u[2048];
	struct in6_addr s = h_ip(src), d = h_ip(dst);
	memcpy(u + 8, payload, len);
	cr_assert_eq(pmip_udp_hdr_write(u, len, &s, &d, sport, dport), 8);
	if (ulen >= 0) {
		u[4] = (uint8_t)(ulen >> 8);
		u[5] = (uint8_t)ulen;
	}
	return ip_frame(src, dst, PMIP_IPPROTO_UDP, u, 8 + len);
}

/* ESP over IP protocol 50 or in UDP 4500. */
struct rte_mbuf *esp_frame(const char *src, const char *dst, bool udp, const uint8_t *esp,
			   size_t len)
{
	if (udp)
		return udp_frame(src, dst, 4500, 4500, esp, len, -1);
	return ip_frame(src, dst, PMIP_IPPROTO_ESP, esp, len);
}

void assert_one_expire(uint32_t sa_id, bool hard, uint8_t reason, uint64_t bytes_,
		       uint64_t packets)
{
	struct pmip_evt_msg e;
	cr_assert(h_evt(&e), "an SA_EXPIRE event");
	cr_assert_eq(e.type, PMIP_EVT_SA_EXPIRE);
	cr_assert_eq(e.seq, 0);
	cr_assert_eq(e.generation, dp.generation);
	cr_assert_eq(e.u.sa_expire.sa_id, sa_id);
	cr_assert_eq(e.u.sa_expire.hard, hard, "hard %u, want %u", e.u.sa_expire.hard, hard);
	cr_assert_eq(e.u.sa_expire.reason, reason, "reason %u, want %u", e.u.sa_expire.reason,
		     reason);
	cr_assert_eq(e.u.sa_expire.bytes, bytes_, "bytes %lu, want %lu", e.u.sa_expire.bytes,
		     bytes_);
	cr_assert_eq(e.u.sa_expire.packets, packets, "packets %lu, want %lu",
		     e.u.sa_expire.packets, packets);
	cr_assert_not(h_evt(&e), "exactly one event");
}

void assert_no_event(void)
{
	struct pmip_evt_msg e;
	cr_assert_not(h_evt(&e), "no event (got type %u)", e.type);
}
