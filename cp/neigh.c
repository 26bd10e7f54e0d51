/* Neighbour resolution for dp's next hops (RFC 4861 7.2, 7.3).
 *
 * dp forwards only to next hops whose MAC it has; when it lacks one it
 * drops, counts and sends an EVT_NEIGH_MISS. cp then solicits (multicast
 * NS, retransmitted every RETRANS_MS up to MAX_MULTICAST_SOLICIT times),
 * learns the MAC from the validated NA dp punts, and pushes NEIGH_SET.
 * Reachable entries are confirmed every REFRESH_MS with a unicast NS
 * (MAX_UNICAST_SOLICIT tries); if that fails they go back to multicast
 * solicitation and dp is told the MAC is no longer valid. Entries pinned by
 * tunnels and routes are resolved proactively and kept; unpinned ones
 * (on-link destinations) are dropped after they fail.
 */
#define LOG_MODULE "neigh"
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "cp.h"
#include "log.h"
#include "net/pkt.h"

#define RETRANS_MS 1000           /* RFC 4861 10: RETRANS_TIMER */
#define MAX_MULTICAST_SOLICIT 3
#define MAX_UNICAST_SOLICIT 3
#define REFRESH_MS 30000          /* confirm reachability this often */
#define FAILED_RETRY_MS 5000      /* pinned entries: try again after failing */

struct neigh_key {
	uint32_t port;
	struct in6_addr ip;
};

static void push(struct cp_ctx *cp, uint32_t id)
{
	const struct cp_neigh *n = &cp->neigh.e[id];
	struct pmip_ctl_msg m = { .type = PMIP_CTL_NEIGH_SET };
	m.u.neigh.id = id;
	m.u.neigh.port = n->port;
	m.u.neigh.ip = n->ip;
	memcpy(m.u.neigh.mac, n->mac, 6);
	m.u.neigh.valid = n->state == NEIGH_REACHABLE || n->state == NEIGH_PROBE;
	cp_ctl_send(cp, &m, NULL, NULL);
}

static void send_ns(struct cp_ctx *cp, struct cp_neigh *n, bool unicast)
{
	const struct dp_link_port *lp = &cp->link.ports[n->port];
	uint8_t frame[128];
	if (!lp->known) {
		cp->neigh.failed++;
		return;
	}
	const struct in6_addr *src = cp_port_address(cp, n->port);
	struct in6_addr ll;
	if (src == NULL && cp_port_link_local(cp, n->port, &ll))
		src = &ll;
	if (src == NULL)
		return;
	size_t len = pmip_nd_ns_build(frame, sizeof(frame), lp->mac, src, &n->ip,
				      unicast ? n->mac : NULL);
	if (len == 0 || dp_link_send_frame(&cp->link, n->port, frame, len) != 0)
		return;
	cp->neigh.ns_sent++;
}

static void on_timer(struct evloop *loop, struct evloop_timer *t, void *arg)
{
	struct cp_ctx *cp = arg;
	struct cp_neigh *n = (struct cp_neigh *)((char *)t - offsetof(struct cp_neigh, timer));
	uint32_t id = (uint32_t)(n - cp->neigh.e);
	char txt[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, &n->ip, txt, sizeof(txt));
	switch (n->state) {
	case NEIGH_INCOMPLETE:
		if (n->probes < MAX_MULTICAST_SOLICIT) {
			n->probes++;
			send_ns(cp, n, false);
			evloop_timer_start(loop, t, RETRANS_MS);
			return;
		}
		n->state = NEIGH_FAILED;
		cp->neigh.failed++;
		pmip_info("%s on port %u: no answer to %d solicitations", txt, n->port,
			  MAX_MULTICAST_SOLICIT);
		if (n->users == 0) {
			/* On-link destination nobody pins: forget it; dp asks
			 * again if traffic continues. */
			struct neigh_key k = { .port = n->port, .ip = n->ip };
			hmap_del(&cp->neigh.by_key, &k);
			struct pmip_ctl_msg m = { .type = PMIP_CTL_NEIGH_DEL };
			m.u.neigh.id = id;
			cp_ctl_send(cp, &m, NULL, NULL);
			n->in_use = false;
			return;
		}
		evloop_timer_start(loop, t, FAILED_RETRY_MS);
		return;
	case NEIGH_FAILED:
		n->state = NEIGH_INCOMPLETE;
		n->probes = 1;
		send_ns(cp, n, false);
		evloop_timer_start(loop, t, RETRANS_MS);
		return;
	case NEIGH_REACHABLE:
		n->state = NEIGH_PROBE;
		n->probes = 1;
		send_ns(cp, n, true);
		evloop_timer_start(loop, t, RETRANS_MS);
		return;
	case NEIGH_PROBE:
		if (n->probes < MAX_UNICAST_SOLICIT) {
			n->probes++;
			send_ns(cp, n, true);
			evloop_timer_start(loop, t, RETRANS_MS);
			return;
		}
		/* Unreachable: dp must stop using the old MAC (RFC 4861 7.3.3). */
		pmip_info("%s on port %u: no longer reachable", txt, n->port);
		n->state = NEIGH_INCOMPLETE;
		n->probes = 1;
		push(cp, id);
		send_ns(cp, n, false);
		evloop_timer_start(loop, t, RETRANS_MS);
		return;
	}
}

int cp_neigh_init(struct cp_ctx *cp, uint32_t max)
{
	struct cp_neigh_table *t = &cp->neigh;
	memset(t, 0, sizeof(*t));
	t->e = calloc(max, sizeof(*t->e));
	if (t->e == NULL || hmap_init(&t->by_key, sizeof(struct neigh_key), 64) != 0)
		return -1;
	t->max = max;
	for (uint32_t i = 0; i < max; i++)
		evloop_timer_init(&t->e[i].timer, on_timer, cp);
	return 0;
}

uint32_t cp_neigh_get(struct cp_ctx *cp, uint16_t port, const struct in6_addr *ip, bool pin)
{
	struct cp_neigh_table *t = &cp->neigh;
	struct neigh_key k = { .port = port, .ip = *ip };
	uint32_t id;
	if (hmap_get(&t->by_key, &k, &id)) {
		if (pin)
			t->e[id].users++;
		return id;
	}
	for (uint32_t n = 0; n < t->max; n++) {
		id = (t->next_free_hint + n) % t->max;
		if (!t->e[id].in_use)
			break;
	}
	if (t->e[id].in_use || hmap_put(&t->by_key, &k, id) != 0) {
		pmip_warn("neighbour table full (%u entries)", t->max);
		return UINT32_MAX;
	}
	t->next_free_hint = (id + 1) % t->max;
	struct cp_neigh *n = &t->e[id];
	n->in_use = true;
	n->port = port;
	n->ip = *ip;
	memset(n->mac, 0, 6);
	n->users = pin ? 1 : 0;
	n->state = NEIGH_INCOMPLETE;
	n->probes = 1;
	/* dp learns the id now (unresolved) so tunnels and routes can name it. */
	push(cp, id);
	send_ns(cp, n, false);
	evloop_timer_start(cp->loop, &n->timer, RETRANS_MS);
	return id;
}

void cp_neigh_unpin(struct cp_ctx *cp, uint32_t id)
{
	if (id < cp->neigh.max && cp->neigh.e[id].users > 0)
		cp->neigh.e[id].users--;
}

void cp_neigh_on_miss(struct cp_ctx *cp, const struct pmip_evt_neigh_miss *m)
{
	if (m->port >= PMIP_CFG_MAX_PORTS)
		return;
	uint32_t id = cp_neigh_get(cp, m->port, &m->ip, false);
	if (id == UINT32_MAX)
		return;
	struct cp_neigh *n = &cp->neigh.e[id];
	/* A failed pinned entry retries on demand rather than on its timer. */
	if (n->state == NEIGH_FAILED) {
		n->state = NEIGH_INCOMPLETE;
		n->probes = 1;
		send_ns(cp, n, false);
		evloop_timer_start(cp->loop, &n->timer, RETRANS_MS);
	}
}

void cp_neigh_on_na(struct cp_ctx *cp, const struct pmip_pkt_msg *pkt)
{
	struct pmip_eth_view eth;
	struct pmip_ipv6_view ip;
	struct pmip_nd_na na;
	if (pmip_eth_parse(pkt->data, pkt->len, &eth) != PMIP_PKT_ERR_OK ||
	    pmip_ipv6_parse(pkt->data + PMIP_ETH_HLEN, pkt->len - PMIP_ETH_HLEN, &ip) !=
		    PMIP_PKT_ERR_OK ||
	    pmip_nd_na_parse(&ip, pkt->data + PMIP_ETH_HLEN + PMIP_IPV6_HLEN, ip.payload_len,
			     &na) != PMIP_PKT_ERR_OK) {
		cp->neigh.na_ignored++;
		return;
	}
	cp->neigh.na_received++;
	cp_presence_on_na(cp, pkt->port, &na.target);
	struct neigh_key k = { .port = pkt->port, .ip = na.target };
	uint32_t id;
	if (!hmap_get(&cp->neigh.by_key, &k, &id)) {
		cp->neigh.na_ignored++; /* unsolicited, for nothing we track */
		return;
	}
	struct cp_neigh *n = &cp->neigh.e[id];
	/* RFC 4861 7.2.5: without a TLLA an NA can only confirm a known MAC. */
	const uint8_t *mac = na.has_tlla ? na.tlla : (n->state == NEIGH_INCOMPLETE ? NULL : n->mac);
	if (mac == NULL) {
		cp->neigh.na_ignored++;
		return;
	}
	bool changed = memcmp(n->mac, mac, 6) != 0 || (n->state != NEIGH_REACHABLE &&
							n->state != NEIGH_PROBE);
	if (n->state != NEIGH_REACHABLE && n->state != NEIGH_PROBE)
		cp->neigh.resolved++;
	memcpy(n->mac, mac, 6);
	n->state = NEIGH_REACHABLE;
	n->probes = 0;
	evloop_timer_start(cp->loop, &n->timer, REFRESH_MS);
	if (changed) {
		char txt[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, &n->ip, txt, sizeof(txt));
		pmip_info("%s on port %u is %02x:%02x:%02x:%02x:%02x:%02x", txt, n->port, mac[0],
			  mac[1], mac[2], mac[3], mac[4], mac[5]);
		push(cp, id);
	}
}

void cp_neigh_push_all(struct cp_ctx *cp)
{
	for (uint32_t id = 0; id < cp->neigh.max; id++) {
		struct cp_neigh *n = &cp->neigh.e[id];
		if (!n->in_use)
			continue;
		push(cp, id);
		if (n->state != NEIGH_REACHABLE) {
			/* Our NS may have gone to a dp that is gone. */
			n->state = NEIGH_INCOMPLETE;
			n->probes = 1;
			send_ns(cp, n, false);
			evloop_timer_start(cp->loop, &n->timer, RETRANS_MS);
		}
	}
}
