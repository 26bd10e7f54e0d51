/* IPv6-in-IPv6 tunnels (RFC 2473) to peer gateways: one per peer address,
 * shared by all the bindings that use that peer, removed with the last. */
#define LOG_MODULE "tunnels"
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "cp.h"
#include "log.h"

#define TUNNEL_HOP_LIMIT 64 /* RFC 2473 6.3: the default tunnel hop limit */

static void push(struct cp_ctx *cp, uint32_t id)
{
	const struct cp_tunnel *t = &cp->tunnels.e[id];
	struct pmip_ctl_msg m = { .type = PMIP_CTL_TUNNEL_SET };
	m.u.tunnel.id = id;
	m.u.tunnel.port = t->port;
	m.u.tunnel.mtu = t->mtu;
	m.u.tunnel.local = t->local;
	m.u.tunnel.remote = t->remote;
	m.u.tunnel.neigh_id = t->neigh_id;
	m.u.tunnel.hop_limit = TUNNEL_HOP_LIMIT;
	cp_ctl_send(cp, &m, NULL, NULL);
}

int cp_tunnels_init(struct cp_ctx *cp, uint32_t max)
{
	struct cp_tunnel_table *t = &cp->tunnels;
	memset(t, 0, sizeof(*t));
	t->e = calloc(max, sizeof(*t->e));
	if (t->e == NULL || hmap_init(&t->by_remote, sizeof(struct in6_addr), 16) != 0)
		return -1;
	t->max = max;
	return 0;
}

uint32_t cp_tunnel_acquire(struct cp_ctx *cp, const struct in6_addr *remote, const char **why)
{
	struct cp_tunnel_table *tt = &cp->tunnels;
	uint32_t id;
	if (hmap_get(&tt->by_remote, remote, &id)) {
		tt->e[id].users++;
		return id;
	}
	struct cp_route_choice rc;
	if (!cp_routing_lookup(cp, remote, &rc)) {
		*why = "no route to the peer gateway";
		return UINT32_MAX;
	}
	const struct in6_addr *local = cp_port_address(cp, rc.port);
	if (local == NULL) {
		*why = "the egress port towards the peer has no address";
		return UINT32_MAX;
	}
	for (id = 0; id < tt->max && tt->e[id].in_use; id++)
		;
	if (id == tt->max || hmap_put(&tt->by_remote, remote, id) != 0) {
		*why = "tunnel table full";
		return UINT32_MAX;
	}
	uint32_t nid = cp_neigh_get(cp, rc.port, &rc.next_hop, true);
	if (nid == UINT32_MAX) {
		hmap_del(&tt->by_remote, remote);
		*why = "neighbour table full";
		return UINT32_MAX;
	}
	struct cp_tunnel *t = &tt->e[id];
	*t = (struct cp_tunnel){
		.in_use = true, .port = rc.port, .mtu = (uint16_t)cp->cfg->ports[rc.port].mtu,
		.users = 1, .neigh_id = nid, .local = *local, .remote = *remote,
	};
	char txt[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, remote, txt, sizeof(txt));
	pmip_info("tunnel %u to %s via port %s (mtu %u)", id, txt, cp->cfg->ports[rc.port].name,
		  t->mtu);
	push(cp, id);
	return id;
}

void cp_tunnel_release(struct cp_ctx *cp, uint32_t id)
{
	struct cp_tunnel_table *tt = &cp->tunnels;
	if (id >= tt->max || !tt->e[id].in_use || --tt->e[id].users > 0)
		return;
	struct cp_tunnel *t = &tt->e[id];
	hmap_del(&tt->by_remote, &t->remote);
	cp_neigh_unpin(cp, t->neigh_id);
	t->in_use = false;
	struct pmip_ctl_msg m = { .type = PMIP_CTL_TUNNEL_DEL };
	m.u.tunnel.id = id;
	cp_ctl_send(cp, &m, NULL, NULL);
}

void cp_tunnels_push_all(struct cp_ctx *cp)
{
	for (uint32_t id = 0; id < cp->tunnels.max; id++)
		if (cp->tunnels.e[id].in_use)
			push(cp, id);
}
