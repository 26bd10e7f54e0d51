/* Frames addressed to the gateway itself or to a multicast group.
 *
 * dp answers Neighbor Solicitations for its own addresses here, on the
 * worker, so that kernel hosts can reach the gateway even while cp is down
 * (RFC 4861 7.2.4). Control packets for cp (echo requests, Neighbor
 * Advertisements that resolve next hops, Router Solicitations from mobile
 * nodes) are validated and copied onto the punt ring; the rest is dropped
 * with a named reason. Runs on the packet path: no locks, allocation,
 * syscalls or logging.
 */
#include <string.h>

#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dp.h"
#include "msg.h"
#include "net/esp.h"
#include "net/pkt.h"
#include "sa.h"

static const struct in6_addr all_nodes = { .s6_addr = { 0xff, 0x02, [15] = 0x01 } };
static const struct in6_addr all_routers = { .s6_addr = { 0xff, 0x02, [15] = 0x02 } };

static inline bool addr_eq(const struct in6_addr *a, const struct in6_addr *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

static bool port_listens(const struct dp_port *port, const struct in6_addr *group)
{
	if (addr_eq(group, &all_nodes) || addr_eq(group, &all_routers))
		return true;
	for (unsigned i = 0; i < port->n_addrs; i++)
		if (addr_eq(&port->snm[i], group))
			return true;
	return false;
}

static void punt(struct dp_worker *w, const struct dp_port *port, struct rte_mbuf *m,
		 size_t frame_len, enum pmip_punt_reason reason)
{
	if (frame_len > PMIP_PKT_DATA_MAX) {
		dp_worker_drop(w, port->index, m, DP_DROP_PUNT_TOO_BIG);
		return;
	}
	/* Written in its ring slot: the frame's bytes only, not the whole
	 * 2 KiB element a copying enqueue would move. Between start and
	 * finish other workers' punts wait (HTS), so nothing else goes here. */
	struct rte_ring *r = dp.shm.ring[PMIP_RING_PUNT];
	struct rte_ring_zc_data zcd;
	if (rte_ring_enqueue_zc_bulk_elem_start(r, sizeof(struct pmip_pkt_msg), 1, &zcd, NULL) != 1) {
		dp_worker_drop(w, port->index, m, DP_DROP_PUNT_RING_FULL);
		return;
	}
	struct pmip_pkt_msg *msg = zcd.ptr1;
	msg->port = port->index;
	msg->len = (uint16_t)frame_len;
	msg->reason = (uint16_t)reason;
	msg->reserved0 = 0;
	msg->sa_id = w->cur_sa; /* the SA that protected it, if any */
	msg->reserved1 = 0;
	memcpy(msg->data, rte_pktmbuf_mtod(m, const void *), frame_len);
	rte_ring_enqueue_zc_elem_finish(r, 1);
	DP_STAT_ADD(w->stats.port[port->index].punted, 1);
	rte_pktmbuf_free(m);
}

/* Answer a valid NS for one of our addresses with an NA built in the same
 * mbuf (RFC 4861 7.2.4): solicited, to the sender; or, for DAD (source ::),
 * unsolicited to all-nodes so the prober sees the address is taken. */
static void answer_ns(struct dp_worker *w, const struct dp_port *port, struct rte_mbuf *m,
		      const struct pmip_eth_view *eth, const struct pmip_ipv6_view *ip,
		      const uint8_t *icmp)
{
	struct pmip_nd_ns ns;
	if (pmip_nd_ns_parse(ip, icmp, ip->payload_len, &ns) != PMIP_PKT_ERR_OK) {
		dp_worker_drop(w, port->index, m, DP_DROP_ND_INVALID);
		return;
	}
	if (!dp_port_owns(port, ns.target.s6_addr)) {
		dp_worker_drop(w, port->index, m, DP_DROP_NS_TARGET_NOT_OURS);
		return;
	}
	struct in6_addr dst;
	uint8_t dst_mac[PMIP_ETH_ALEN];
	uint32_t flags = PMIP_NA_FLAG_ROUTER | PMIP_NA_FLAG_OVERRIDE;
	if (IN6_IS_ADDR_UNSPECIFIED(&ip->src)) {
		dst = all_nodes;
		pmip_ipv6_multicast_mac(&all_nodes, dst_mac);
	} else {
		dst = ip->src;
		memcpy(dst_mac, ns.has_slla ? ns.slla : eth->src, PMIP_ETH_ALEN);
		flags |= PMIP_NA_FLAG_SOLICITED;
	}
	/* Everything needed was copied out by the parsers: build in place. */
	uint8_t *out = rte_pktmbuf_mtod(m, uint8_t *);
	size_t room = rte_pktmbuf_data_len(m) + rte_pktmbuf_tailroom(m);
	size_t n = pmip_nd_na_build(out, room, port->mac, dst_mac, &ns.target, &dst, &ns.target,
				    flags);
	if (n == 0) {
		dp_worker_drop(w, port->index, m, DP_DROP_ND_INVALID);
		return;
	}
	m->data_len = (uint16_t)n;
	m->pkt_len = (uint32_t)n;
	DP_STAT_ADD(w->stats.port[port->index].nd_replies, 1);
	dp_worker_tx(w, port->index, m);
}

static void local_icmp6(struct dp_worker *w, const struct dp_port *port, struct rte_mbuf *m,
			const struct pmip_eth_view *eth, const struct pmip_ipv6_view *ip,
			const uint8_t *icmp, bool unicast)
{
	if (ip->payload_len < 4) {
		dp_worker_drop(w, port->index, m, DP_DROP_ICMP6_MALFORMED);
		return;
	}
	size_t frame_len = PMIP_ETH_HLEN + PMIP_IPV6_HLEN + ip->payload_len;
	switch (icmp[0]) {
	case PMIP_ND_NEIGHBOR_SOLICIT:
		answer_ns(w, port, m, eth, ip, icmp);
		return;
	case PMIP_ND_NEIGHBOR_ADVERT: {
		/* cp resolves next hops; it gets only valid advertisements. */
		struct pmip_nd_na na;
		if (pmip_nd_na_parse(ip, icmp, ip->payload_len, &na) != PMIP_PKT_ERR_OK) {
			dp_worker_drop(w, port->index, m, DP_DROP_ND_INVALID);
			return;
		}
		punt(w, port, m, frame_len, PMIP_PUNT_NEIGH_ADVERT);
		return;
	}
	case PMIP_ND_ROUTER_SOLICIT: {
		/* A MAG is its mobile nodes' default router (RFC 5213 6.9.1). */
		struct pmip_nd_rs rs;
		if (dp.cfg->role != PMIP_ROLE_MAG || port->kind != PMIP_PORT_ACCESS) {
			dp_worker_drop(w, port->index, m, DP_DROP_LOCAL_UNHANDLED);
			return;
		}
		if (pmip_nd_rs_parse(ip, icmp, ip->payload_len, &rs) != PMIP_PKT_ERR_OK) {
			dp_worker_drop(w, port->index, m, DP_DROP_ND_INVALID);
			return;
		}
		punt(w, port, m, frame_len, PMIP_PUNT_ROUTER_SOLICIT);
		return;
	}
	case PMIP_ICMP6_ECHO_REPLY:
		/* Answers to cp's own requests (pmipctl cp sa ping). */
		if (!unicast) {
			dp_worker_drop(w, port->index, m, DP_DROP_LOCAL_UNHANDLED);
			return;
		}
		punt(w, port, m, frame_len, PMIP_PUNT_ECHO_REPLY);
		return;
	case PMIP_ICMP6_ECHO_REQUEST: {
		struct pmip_icmp6_echo echo;
		if (!unicast) {
			dp_worker_drop(w, port->index, m, DP_DROP_LOCAL_UNHANDLED);
			return;
		}
		if (pmip_icmp6_echo_parse(ip, icmp, ip->payload_len, &echo) != PMIP_PKT_ERR_OK) {
			dp_worker_drop(w, port->index, m, DP_DROP_ICMP6_MALFORMED);
			return;
		}
		punt(w, port, m, frame_len, PMIP_PUNT_ECHO_REQUEST);
		return;
	}
	default:
		dp_worker_drop(w, port->index, m, DP_DROP_LOCAL_UNHANDLED);
		return;
	}
}

/* UDP to one of our addresses: IKE (500; 4500 with the non-ESP marker) goes
 * to cp, ESP in UDP (RFC 3948) to ESP input, NAT keepalives stop here. */
static void local_udp(struct dp_worker *w, const struct dp_port *port, struct rte_mbuf *m,
		      const struct pmip_ipv6_view *ip, const uint8_t *udp, size_t frame_len)
{
	if (ip->payload_len < PMIP_UDP_HLEN) {
		dp_worker_drop(w, port->index, m, DP_DROP_UDP_MALFORMED);
		return;
	}
	uint16_t dport = (uint16_t)((udp[2] << 8) | udp[3]);
	uint16_t ulen = (uint16_t)((udp[4] << 8) | udp[5]);
	/* The datagram is ulen bytes (RFC 768) and fills the IPv6 payload:
	 * no room for bytes after it (RFC 8200 8.1, RFC 3948 2.1), which ESP
	 * input would otherwise take for the end of the ESP packet. */
	if (ulen < PMIP_UDP_HLEN || ulen != ip->payload_len) {
		dp_worker_drop(w, port->index, m, DP_DROP_UDP_MALFORMED);
		return;
	}
	if (dport == PMIP_IKE_PORT) {
		punt(w, port, m, frame_len, PMIP_PUNT_IKE);
		return;
	}
	if (dport != PMIP_UDP_ENCAP_PORT) {
		dp_worker_drop(w, port->index, m, DP_DROP_LOCAL_UNHANDLED);
		return;
	}
	switch (pmip_udp_encap_classify(udp + PMIP_UDP_HLEN, ulen - PMIP_UDP_HLEN)) {
	case PMIP_UDP_ENCAP_ESP:
		if (w->cur_sa != 0) {
			dp_worker_drop(w, port->index, m, DP_DROP_LOCAL_UNHANDLED);
			return;
		}
		dp_esp_input(w, port, m, PMIP_ETH_HLEN + PMIP_IPV6_HLEN + PMIP_UDP_HLEN, true);
		return;
	case PMIP_UDP_ENCAP_IKE:
		punt(w, port, m, frame_len, PMIP_PUNT_IKE);
		return;
	case PMIP_UDP_ENCAP_KEEPALIVE:
		/* RFC 3948 2.3: keeps the NAT mapping; nothing to do. */
		dp_worker_drop(w, port->index, m, DP_DROP_NAT_KEEPALIVE);
		return;
	default:
		dp_worker_drop(w, port->index, m, DP_DROP_UDP_MALFORMED);
		return;
	}
}

/* The Mobility Header (RFC 6275 6.1) is accepted only under ESP, from the
 * peer its SA is bound to (RFC 5213 4: PBU/PBA MUST be protected; RFC 4301
 * 5.2 for the selector check). Its content is cp's to parse. */
static void local_mobility(struct dp_worker *w, const struct dp_port *port, struct rte_mbuf *m,
			   const struct pmip_ipv6_view *ip, size_t frame_len)
{
	if (w->cur_sa == 0) {
		dp_worker_drop(w, port->index, m, DP_DROP_MH_PLAINTEXT);
		return;
	}
	const struct dp_sa *sa = dp_sa_get(&dp.sas, w->cur_sa);
	bool bound = sa != NULL &&
		     (sa->mode == PMIP_SA_TRANSPORT ? memcmp(&ip->src, &sa->remote, 16) == 0
						    : dp_sa_ts_remote_match(sa, ip->src.s6_addr));
	if (!bound) {
		dp_worker_drop(w, port->index, m, DP_DROP_MH_WRONG_SA);
		return;
	}
	punt(w, port, m, frame_len, PMIP_PUNT_MOBILITY);
}

/* Called by the classifier (fwd.c) for a contiguous frame whose destination
 * is one of the port's addresses or a multicast group. Parsed again with
 * the full codecs: local traffic is control traffic, not the fast path. */
void dp_local_input(struct dp_worker *w, const struct dp_port *port, struct rte_mbuf *m)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	size_t len = rte_pktmbuf_data_len(m);
	struct pmip_eth_view eth;
	if (pmip_eth_parse(d, len, &eth) != PMIP_PKT_ERR_OK) {
		dp_worker_drop(w, port->index, m, DP_DROP_ETH_SHORT);
		return;
	}
	if (eth.ethertype != PMIP_ETHERTYPE_IPV6) {
		dp_worker_drop(w, port->index, m, DP_DROP_ETHERTYPE);
		return;
	}
	struct pmip_ipv6_view ip;
	if (pmip_ipv6_parse(d + PMIP_ETH_HLEN, len - PMIP_ETH_HLEN, &ip) != PMIP_PKT_ERR_OK) {
		dp_worker_drop(w, port->index, m, DP_DROP_IPV6_MALFORMED);
		return;
	}
	bool unicast = ip.dst.s6_addr[0] != 0xff;
	if (!unicast && !port_listens(port, &ip.dst)) {
		dp_worker_drop(w, port->index, m, DP_DROP_MCAST_IGNORED);
		return;
	}
	size_t frame_len = PMIP_ETH_HLEN + PMIP_IPV6_HLEN + ip.payload_len;
	switch (ip.next_header) {
	case PMIP_IPPROTO_ICMPV6:
		local_icmp6(w, port, m, &eth, &ip, d + PMIP_ETH_HLEN + PMIP_IPV6_HLEN, unicast);
		return;
	case PMIP_IPPROTO_ESP:
		if (!unicast || w->cur_sa != 0) {
			/* ESP in ESP is not something we negotiate. */
			dp_worker_drop(w, port->index, m, DP_DROP_LOCAL_UNHANDLED);
			return;
		}
		dp_esp_input(w, port, m, PMIP_ETH_HLEN + PMIP_IPV6_HLEN, false);
		return;
	case PMIP_IPPROTO_UDP:
		if (!unicast) {
			dp_worker_drop(w, port->index, m, DP_DROP_LOCAL_UNHANDLED);
			return;
		}
		local_udp(w, port, m, &ip, d + PMIP_ETH_HLEN + PMIP_IPV6_HLEN, frame_len);
		return;
	case PMIP_IPPROTO_MH:
		local_mobility(w, port, m, &ip, frame_len);
		return;
	default:
		dp_worker_drop(w, port->index, m, DP_DROP_LOCAL_UNHANDLED);
		return;
	}
}
