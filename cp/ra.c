/* MAG: Router Advertisements to mobile nodes (RFC 5213 6.7, 6.9.1.1;
 * RFC 4861 6.2). The MAG is each MN's default router and advertises only
 * that MN's home network prefix, so every RA is per MN: to all-nodes at the
 * IP layer but to the MN's own MAC (RFC 6085), which keeps one MN's prefix
 * away from another MN on a shared access link. Solicited RAs answer an
 * MN's RS at once (unicast to its link-local address); unsolicited ones are
 * sent when the binding appears (MAX_INITIAL_RTR_ADVERTISEMENTS, every
 * INITIAL_INTERVAL_MS) and then every RA_INTERVAL_MS. */
#define LOG_MODULE "ra"
#include <stddef.h>
#include <string.h>

#include "cp.h"
#include "log.h"
#include "net/pkt.h"

#define MAX_INITIAL_RTR_ADVERTISEMENTS 3  /* RFC 4861 10 */
#define INITIAL_INTERVAL_MS 2000          /* <= MAX_INITIAL_RTR_ADVERT_INTERVAL (16 s) */
#define RA_INTERVAL_MS 30000              /* within RFC 4861 6.2.1's 4..1800 s */
#define ROUTER_LIFETIME_S 1800
#define PREFIX_VALID_S 3600
#define PREFIX_PREFERRED_S 1800

static const struct in6_addr all_nodes = { .s6_addr = { 0xff, 0x02, [15] = 0x01 } };

static bool send_ra(struct cp_ctx *cp, uint32_t id, const struct in6_addr *dst)
{
	const struct cp_binding *b = &cp->bindings.e[id];
	const struct dp_link_port *lp = &cp->link.ports[b->access_port];
	struct in6_addr ll;
	if (!lp->known || !cp_port_link_local(cp, b->access_port, &ll)) {
		cp->ra.not_sent++;
		return false;
	}
	struct pmip_nd_ra_params p = {
		.cur_hop_limit = 64,
		.router_lifetime_s = ROUTER_LIFETIME_S,
		.mtu = cp->cfg->ports[b->access_port].mtu,
		.n_prefixes = 1,
	};
	p.prefixes[0] = (struct pmip_nd_ra_prefix){
		.prefix = b->hnp, .len = 64, .onlink = true,
		/* Shared-prefix model: the home address is assigned, not
		 * autoconfigured from the prefix. */
		.autonomous = !(b->flags & PMIP_BINDING_F_SHARED_PREFIX),
		.valid_s = PREFIX_VALID_S, .preferred_s = PREFIX_PREFERRED_S,
	};
	uint8_t frame[256];
	size_t n = pmip_nd_ra_build(frame, sizeof(frame), lp->mac, b->mn_mac, &ll, dst, &p);
	if (n == 0 || dp_link_send_frame(&cp->link, b->access_port, frame, n) != 0) {
		cp->ra.not_sent++;
		return false;
	}
	return true;
}

static void on_ra_timer(struct evloop *loop, struct evloop_timer *t, void *arg)
{
	struct cp_ctx *cp = arg;
	struct cp_binding *b = (struct cp_binding *)((char *)t - offsetof(struct cp_binding, ra_timer));
	uint32_t id = (uint32_t)(b - cp->bindings.e);
	if (!b->in_use)
		return;
	if (send_ra(cp, id, &all_nodes))
		cp->ra.sent_unsolicited++;
	if (b->ra_initial > 0)
		b->ra_initial--;
	evloop_timer_start(loop, t, b->ra_initial > 0 ? INITIAL_INTERVAL_MS : RA_INTERVAL_MS);
}

void cp_ra_binding_added(struct cp_ctx *cp, uint32_t id)
{
	struct cp_binding *b = &cp->bindings.e[id];
	evloop_timer_init(&b->ra_timer, on_ra_timer, cp);
	b->ra_initial = MAX_INITIAL_RTR_ADVERTISEMENTS;
	evloop_timer_start(cp->loop, &b->ra_timer, 0);
}

void cp_ra_binding_removed(struct cp_ctx *cp, uint32_t id)
{
	evloop_timer_stop(cp->loop, &cp->bindings.e[id].ra_timer);
}

void cp_ra_on_rs(struct cp_ctx *cp, const struct pmip_pkt_msg *pkt)
{
	struct pmip_eth_view eth;
	struct pmip_ipv6_view ip;
	struct pmip_nd_rs rs;
	cp->ra.rs_received++;
	if (pmip_eth_parse(pkt->data, pkt->len, &eth) != PMIP_PKT_ERR_OK ||
	    pmip_ipv6_parse(pkt->data + PMIP_ETH_HLEN, pkt->len - PMIP_ETH_HLEN, &ip) !=
		    PMIP_PKT_ERR_OK ||
	    pmip_nd_rs_parse(&ip, pkt->data + PMIP_ETH_HLEN + PMIP_IPV6_HLEN, ip.payload_len, &rs) !=
		    PMIP_PKT_ERR_OK)
		return;
	struct {
		uint16_t port;
		uint8_t mac[6];
	} k = { .port = pkt->port };
	memcpy(k.mac, rs.has_slla ? rs.slla : eth.src, 6);
	uint32_t id;
	if (!hmap_get(&cp->bindings.by_mn, &k, &id)) {
		/* No binding yet: the MN is attaching (RFC 5213 6.9.1.1);
		 * its RAs start when the LMA has accepted the registration. */
		cp->ra.rs_unknown_mn++;
		cp_pmip_on_unknown_mn(cp, pkt->port, k.mac, &ip.src);
		return;
	}
	/* A registered MN: its (maybe new) link-local address for the
	 * presence checks, which start now if its first RS had none. */
	cp_presence_learn(cp, pkt->port, k.mac, &ip.src);
	cp_presence_start(cp, k.mac);
	/* RFC 4861 6.2.6: unicast the answer when the source is known. */
	const struct in6_addr *dst = IN6_IS_ADDR_UNSPECIFIED(&ip.src) ? &all_nodes : &ip.src;
	if (send_ra(cp, id, dst))
		cp->ra.sent_solicited++;
}
