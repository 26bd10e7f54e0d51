/* ESP on the packet path (RFC 4303): inbound decryption with anti-replay
 * and policy, outbound protection of what cp sends.
 *
 * Modes: transport over IP protocol 50 between MAG and LMA (RFC 5213 4
 * protects the Mobility Header this way), and tunnel mode inside UDP port
 * 4500 (RFC 3948) for a MAG behind a NAT. Policy (RFC 4301 5.2, RFC 5213
 * 4): a Mobility Header is accepted only under an SA bound to its sender;
 * cp learns which SA protected each packet it gets (pmip_pkt_msg.sa_id) and
 * names the SA for each packet it sends.
 *
 * Inbound processing order, each failure with its own counter: SPI lookup,
 * owner worker (handoff), ESP format, anti-replay check, ICV and decrypt,
 * window update (only after the ICV verified, RFC 4303 3.4.3), trailer,
 * then the inner packet. Nothing is allocated per packet: crypto contexts
 * are per SA and worker (esp_crypto.c).
 */
#include <string.h>

#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dp.h"
#include "net/esp.h"
#include "net/pkt.h"
#include "sa.h"

#define L2 PMIP_ETH_HLEN
#define L3 PMIP_IPV6_HLEN

static inline void count_sa(struct dp_worker *w, uint32_t id, uint32_t bytes)
{
	struct dp_sa_ctr *c = dp_sa_ctr(&dp.sas, w->index, id);
	DP_STAT_ADD(c->packets, 1);
	DP_STAT_ADD(c->bytes, bytes);
}

static bool prefix_match(const struct in6_addr *a, const uint8_t *addr, unsigned len)
{
	unsigned bytes = len / 8, bits = len % 8;
	if (memcmp(a->s6_addr, addr, bytes) != 0)
		return false;
	if (bits == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - bits));
	return (a->s6_addr[bytes] & mask) == (addr[bytes] & mask);
}

/* Hand a packet to the worker owning its SA's replay window. */
static void handoff(struct dp_worker *w, const struct dp_port *port, struct rte_mbuf *m,
		    uint16_t owner)
{
	m->port = port->index; /* the owner classifies it again from here */
	if (rte_ring_mp_enqueue(dp.handoff[owner], m) != 0)
		dp_worker_drop(w, port->index, m, DP_DROP_ESP_HANDOFF_FULL);
	else
		DP_STAT_ADD(w->stats.esp_handoffs, 1);
}

void dp_esp_input(struct dp_worker *w, const struct dp_port *port, struct rte_mbuf *m,
		  uint16_t esp_off, bool udp_encap)
{
	uint8_t *frame = rte_pktmbuf_mtod(m, uint8_t *);
	uint8_t *ip = frame + L2;
	size_t ip_end = L2 + L3 + (size_t)((ip[4] << 8) | ip[5]);
	if (udp_encap) {
		/* ESP in UDP ends with the UDP datagram (RFC 3948 2.1, RFC 768);
		 * local_udp() dropped any whose length is not the IPv6 payload's. */
		const uint8_t *udp = frame + esp_off - PMIP_UDP_HLEN;
		ip_end = esp_off - PMIP_UDP_HLEN + (size_t)((udp[4] << 8) | udp[5]);
	}
	if ((size_t)esp_off + PMIP_ESP_HLEN > ip_end) {
		dp_worker_drop(w, port->index, m, DP_DROP_ESP_MALFORMED);
		return;
	}
	uint8_t *esp = frame + esp_off;
	uint64_t spi_key = ((uint32_t)esp[0] << 24) | ((uint32_t)esp[1] << 16) |
			   ((uint32_t)esp[2] << 8) | esp[3];
	void *data;
	if (rte_hash_lookup_data(dp.sas.in_by_spi, &spi_key, &data) < 0) {
		dp_worker_drop(w, port->index, m, DP_DROP_ESP_UNKNOWN_SPI);
		return;
	}
	uint32_t id = (uint32_t)(uintptr_t)data;
	struct dp_sa *sa = (struct dp_sa *)dp_sa_get(&dp.sas, id);
	if (sa == NULL || __atomic_load_n(&sa->dead, __ATOMIC_ACQUIRE)) {
		dp_worker_drop(w, port->index, m, DP_DROP_ESP_SA_EXPIRED);
		return;
	}
	/* The SA must be ours for these outer addresses and encapsulation. */
	if (memcmp(ip + 8, &sa->remote, 16) != 0 || memcmp(ip + 24, &sa->local, 16) != 0 ||
	    udp_encap != (sa->mode == PMIP_SA_TUNNEL_UDP)) {
		dp_worker_drop(w, port->index, m, DP_DROP_ESP_UNKNOWN_SPI);
		return;
	}
	if (sa->owner != w->index && dp.n_workers > 1) {
		handoff(w, port, m, sa->owner);
		return;
	}
	const struct pmip_esp_alg_desc *alg = sa->alg;
	struct pmip_esp_view v;
	if (pmip_esp_parse(esp, ip_end - esp_off, alg->iv_len, alg->icv_len, alg->block, &v) !=
	    PMIP_PKT_ERR_OK) {
		dp_worker_drop(w, port->index, m, DP_DROP_ESP_MALFORMED);
		return;
	}
	uint64_t seq;
	if (pmip_replay_check(&sa->replay, v.seq, &seq) != PMIP_REPLAY_OK) {
		dp_worker_drop(w, port->index, m, DP_DROP_ESP_REPLAY);
		return;
	}
	uint8_t aad[12];
	size_t aad_len = pmip_esp_aad(aad, v.spi, v.seq, (uint32_t)(seq >> 32),
				      sa->flags & PMIP_SA_F_ESN);
	int rc = dp_esp_decrypt(sa->crypto[w->index], aad, aad_len, esp + v.iv_off,
				esp + v.ct_off, v.ct_len, esp + v.icv_off);
	if (rc != 0) {
		dp_worker_drop(w, port->index, m,
			       rc == DP_ESP_ERR_ICV ? DP_DROP_ESP_ICV : DP_DROP_ESP_CRYPTO);
		return;
	}
	/* Authenticated: now, and only now, the window moves (3.4.3). */
	pmip_replay_update(&sa->replay, seq);
	uint8_t pad_len, nh;
	enum pmip_pkt_err te = pmip_esp_trailer_check(esp + v.ct_off, v.ct_len, &pad_len, &nh);
	if (te != PMIP_PKT_ERR_OK) {
		dp_worker_drop(w, port->index, m,
			       te == PMIP_PKT_ERR_ESP_DUMMY ? DP_DROP_ESP_DUMMY : DP_DROP_ESP_PADDING);
		return;
	}
	size_t payload_len = v.ct_len - pad_len - 2;
	count_sa(w, id, (uint32_t)payload_len);
	uint8_t *payload = esp + v.ct_off;

	if (sa->mode == PMIP_SA_TRANSPORT) {
		/* Transport (RFC 4303 3.1.1): the IPv6 header, then the payload
		 * that followed ESP. Move the Ethernet + IPv6 headers up to
		 * the payload and drop what followed it. */
		if (payload_len > 0xffff) {
			dp_worker_drop(w, port->index, m, DP_DROP_ESP_MALFORMED);
			return;
		}
		uint8_t hdr[L2 + L3];
		memcpy(hdr, frame, L2 + L3);
		hdr[L2 + 6] = nh;
		hdr[L2 + 4] = (uint8_t)(payload_len >> 8);
		hdr[L2 + 5] = (uint8_t)payload_len;
		uint16_t cut = (uint16_t)(payload - frame - (L2 + L3));
		rte_pktmbuf_adj(m, cut);
		memcpy(rte_pktmbuf_mtod(m, uint8_t *), hdr, L2 + L3);
	} else {
		/* Tunnel (RFC 4303 3.1.2): the payload is an IPv6 packet, and
		 * it must match the SA's traffic selectors (RFC 4301 5.2). */
		if (nh != 41 || payload_len < L3 || (payload[0] >> 4) != 6 ||
		    L3 + (size_t)((payload[4] << 8) | payload[5]) > payload_len) {
			dp_worker_drop(w, port->index, m, DP_DROP_ESP_NEXT_HEADER);
			return;
		}
		if (!prefix_match(&sa->ts_remote, payload + 8, sa->ts_remote_len) ||
		    !prefix_match(&sa->ts_local, payload + 24, sa->ts_local_len)) {
			dp_worker_drop(w, port->index, m, DP_DROP_ESP_SELECTOR);
			return;
		}
		/* The selectors allow a prefix (ts_local): after the inbound
		 * checks the inner packet goes by its own destination (RFC 4301
		 * 5.2), and dp takes only what classify() would take as local
		 * for the outer one. It forwards nothing out of a tunnel SA. */
		const uint8_t *inner_dst = payload + 24;
		if (inner_dst[0] != 0xff && !dp_port_owns(port, inner_dst)) {
			dp_worker_drop(w, port->index, m, DP_DROP_ESP_INNER_NOT_LOCAL);
			return;
		}
		payload_len = L3 + (size_t)((payload[4] << 8) | payload[5]);
		uint8_t eth[L2];
		memcpy(eth, frame, L2);
		rte_pktmbuf_adj(m, (uint16_t)(payload - frame - L2));
		memcpy(rte_pktmbuf_mtod(m, uint8_t *), eth, L2);
		payload_len -= L3; /* as the inner header says */
	}
	uint32_t len = (uint32_t)(L2 + L3 + payload_len);
	rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_pkt_len(m) - len));
	/* The inner packet is for this gateway (transport: the outer
	 * destination; tunnel: checked above): local handling, which now
	 * knows the SA that protected it. */
	w->cur_sa = id;
	dp_local_input(w, port, m);
	w->cur_sa = 0;
}

/* Protect a frame from cp (Ethernet + IPv6 + payload) with SA sa_id and
 * return the mbuf to send, or NULL (dropped and counted). */
struct rte_mbuf *dp_esp_output(struct dp_worker *w, const struct pmip_pkt_msg *msg)
{
	uint16_t port = msg->port;
	struct dp_sa *sa = (struct dp_sa *)dp_sa_get(&dp.sas, msg->sa_id);
	if (sa == NULL || sa->dir != PMIP_SA_OUT || __atomic_load_n(&sa->dead, __ATOMIC_ACQUIRE)) {
		DP_STAT_ADD(w->stats.drop[DP_DROP_ESP_OUT_NO_SA], 1);
		DP_STAT_ADD(w->stats.port[port].drops, 1);
		return NULL;
	}
	const uint8_t *in = msg->data;
	if (msg->len < L2 + L3 || in[12] != 0x86 || in[13] != 0xdd || (in[L2] >> 4) != 6) {
		DP_STAT_ADD(w->stats.drop[DP_DROP_TX_BAD_MESSAGE], 1);
		DP_STAT_ADD(w->stats.port[port].drops, 1);
		return NULL;
	}
	const struct pmip_esp_alg_desc *alg = sa->alg;
	bool tunnel = sa->mode == PMIP_SA_TUNNEL_UDP;
	/* What ESP carries: transport, the IPv6 payload; tunnel, the whole
	 * IPv6 packet (RFC 4303 3.1). */
	const uint8_t *inner = tunnel ? in + L2 : in + L2 + L3;
	size_t inner_len = msg->len - (tunnel ? L2 : L2 + L3);
	uint8_t inner_nh = tunnel ? 41 : in[L2 + 6];
	size_t pad = pmip_esp_pad_len(inner_len, alg->block);
	size_t ct_len = inner_len + pad + 2;
	size_t udp_len = tunnel ? PMIP_UDP_HLEN : 0;
	size_t esp_len = PMIP_ESP_HLEN + alg->iv_len + ct_len + alg->icv_len;
	size_t total = L2 + L3 + udp_len + esp_len;
	if (total > (size_t)L2 + dp.ports[port].mtu || total > RTE_MBUF_DEFAULT_DATAROOM) {
		DP_STAT_ADD(w->stats.drop[DP_DROP_ESP_OUT_TOO_BIG], 1);
		DP_STAT_ADD(w->stats.port[port].drops, 1);
		return NULL;
	}
	uint64_t seq = __atomic_add_fetch(&sa->seq, 1, __ATOMIC_RELAXED);
	if (!(sa->flags & PMIP_SA_F_ESN) && seq > UINT32_MAX) {
		/* Never cycle the counter (RFC 4303 3.3.3); the lifetime scan
		 * expires the SA and tells cp to rekey. */
		DP_STAT_ADD(w->stats.drop[DP_DROP_ESP_SA_EXPIRED], 1);
		DP_STAT_ADD(w->stats.port[port].drops, 1);
		return NULL;
	}
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp.pool);
	if (m == NULL) {
		DP_STAT_ADD(w->stats.drop[DP_DROP_TX_NO_MBUF], 1);
		DP_STAT_ADD(w->stats.port[port].drops, 1);
		return NULL;
	}
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)total);
	memcpy(p, in, L2); /* cp chose the next hop's MAC */
	uint8_t *ip = p + L2;
	if (tunnel)
		pmip_ipv6_hdr_write(ip, &sa->local, &sa->remote, PMIP_IPPROTO_UDP,
				    (uint16_t)(udp_len + esp_len), 64, 0, 0);
	else {
		memcpy(ip, in + L2, L3);
		ip[6] = PMIP_IPPROTO_ESP;
		ip[4] = (uint8_t)((esp_len) >> 8);
		ip[5] = (uint8_t)esp_len;
	}
	uint8_t *esp = ip + L3 + udp_len;
	uint32_t spi = sa->spi;
	pmip_esp_hdr_write(esp, spi, (uint32_t)seq);
	uint8_t *iv = esp + PMIP_ESP_HLEN;
	if (dp_esp_iv_gen(sa->crypto[w->index], seq, iv) != 0) {
		/* Never send under a predictable IV. */
		rte_pktmbuf_free(m);
		DP_STAT_ADD(w->stats.drop[DP_DROP_ESP_CRYPTO], 1);
		DP_STAT_ADD(w->stats.port[port].drops, 1);
		return NULL;
	}
	uint8_t *ct = iv + alg->iv_len;
	memcpy(ct, inner, inner_len);
	pmip_esp_trailer_write(ct + inner_len, pad, inner_nh);
	uint8_t aad[12];
	size_t aad_len = pmip_esp_aad(aad, spi, (uint32_t)seq, (uint32_t)(seq >> 32),
				      sa->flags & PMIP_SA_F_ESN);
	if (dp_esp_encrypt(sa->crypto[w->index], aad, aad_len, iv, ct, ct_len, ct + ct_len) != 0) {
		rte_pktmbuf_free(m);
		DP_STAT_ADD(w->stats.drop[DP_DROP_ESP_CRYPTO], 1);
		DP_STAT_ADD(w->stats.port[port].drops, 1);
		return NULL;
	}
	if (tunnel)
		pmip_udp_hdr_write(ip + L3, esp_len, &sa->local, &sa->remote, sa->udp_sport,
				   sa->udp_dport);
	count_sa(w, sa->id, (uint32_t)inner_len);
	return m;
}
