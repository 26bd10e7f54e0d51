/* Routes: the connected prefix of every port address and the static routes
 * of the ini ([port.NAME] route = PREFIX/LEN via ADDRESS), pushed to dp on
 * every dp start; and the same longest-prefix choice in cp, to pick the
 * egress of tunnels. */
#define LOG_MODULE "routing"
#include <string.h>

#include "cp.h"
#include "log.h"
#include "net/pkt.h"

static bool prefix_match(const struct in6_addr *a, const struct in6_addr *p, unsigned len)
{
	unsigned bytes = len / 8, bits = len % 8;
	if (memcmp(a, p, bytes) != 0)
		return false;
	if (bits == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - bits));
	return (a->s6_addr[bytes] & mask) == (p->s6_addr[bytes] & mask);
}

const struct in6_addr *cp_port_address(const struct cp_ctx *cp, uint16_t port)
{
	if (port >= cp->cfg->n_ports || cp->cfg->ports[port].n_addrs == 0)
		return NULL;
	return &cp->cfg->ports[port].addrs[0].addr;
}

bool cp_port_link_local(const struct cp_ctx *cp, uint16_t port, struct in6_addr *out)
{
	if (port >= PMIP_CFG_MAX_PORTS || !cp->link.ports[port].known)
		return false;
	pmip_ipv6_link_local_from_mac(cp->link.ports[port].mac, out);
	return true;
}

bool cp_routing_lookup(const struct cp_ctx *cp, const struct in6_addr *dst,
		       struct cp_route_choice *out)
{
	int best = -1;
	const struct pmip_config *cfg = cp->cfg;
	for (unsigned p = 0; p < cfg->n_ports; p++) {
		const struct pmip_config_port *pc = &cfg->ports[p];
		for (unsigned a = 0; a < pc->n_addrs; a++) {
			if ((int)pc->addrs[a].len > best &&
			    prefix_match(dst, &pc->addrs[a].addr, pc->addrs[a].len)) {
				best = pc->addrs[a].len;
				out->port = (uint16_t)p;
				out->next_hop = *dst;
			}
		}
		for (unsigned r = 0; r < pc->n_routes; r++) {
			if ((int)pc->routes[r].dst.len > best &&
			    prefix_match(dst, &pc->routes[r].dst.addr, pc->routes[r].dst.len)) {
				best = pc->routes[r].dst.len;
				out->port = (uint16_t)p;
				out->next_hop = pc->routes[r].via;
			}
		}
	}
	return best >= 0;
}

void cp_routing_push_all(struct cp_ctx *cp)
{
	const struct pmip_config *cfg = cp->cfg;
	for (unsigned p = 0; p < cfg->n_ports; p++) {
		const struct pmip_config_port *pc = &cfg->ports[p];
		for (unsigned a = 0; a < pc->n_addrs; a++) {
			struct pmip_ctl_msg m = { .type = PMIP_CTL_ROUTE_ADD };
			m.u.route.prefix = pc->addrs[a].addr;
			m.u.route.len = pc->addrs[a].len;
			m.u.route.kind = PMIP_ROUTE_CONNECTED;
			m.u.route.port = (uint16_t)p;
			cp_ctl_send(cp, &m, NULL, NULL);
		}
		for (unsigned r = 0; r < pc->n_routes; r++) {
			const struct pmip_config_route *rt = &pc->routes[r];
			/* The gateway stays resolved while the route exists. */
			uint32_t nid = cp_neigh_get(cp, (uint16_t)p, &rt->via, true);
			if (nid == UINT32_MAX)
				continue;
			struct pmip_ctl_msg m = { .type = PMIP_CTL_ROUTE_ADD };
			m.u.route.prefix = rt->dst.addr;
			m.u.route.len = rt->dst.len;
			m.u.route.kind = PMIP_ROUTE_GATEWAY;
			m.u.route.port = (uint16_t)p;
			m.u.route.neigh_id = nid;
			m.u.route.gateway = rt->via;
			cp_ctl_send(cp, &m, NULL, NULL);
		}
	}
}

const struct in6_addr *cp_core_address(const struct cp_ctx *cp)
{
	for (unsigned i = 0; i < cp->cfg->n_ports; i++)
		if (cp->cfg->ports[i].kind == PMIP_PORT_CORE && cp->cfg->ports[i].n_addrs > 0)
			return &cp->cfg->ports[i].addrs[0].addr;
	return NULL;
}

const char *cp_send_result_name(enum cp_send_result r)
{
	static const char *const names[] = {
		[CP_SENT] = "sent", [CP_SEND_NO_ROUTE] = "no route",
		[CP_SEND_NO_NEIGH] = "next hop not resolved yet",
		[CP_SEND_TOO_BIG] = "larger than the link MTU", [CP_SEND_RING_FULL] = "tx ring full",
	};
	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

enum cp_send_result cp_ip6_send(struct cp_ctx *cp, const struct in6_addr *src,
				const struct in6_addr *dst, uint8_t proto, const uint8_t *payload,
				size_t len, uint32_t sa_id)
{
	struct cp_route_choice rc;
	if (!cp_routing_lookup(cp, dst, &rc))
		return CP_SEND_NO_ROUTE;
	uint32_t nid = cp_neigh_get(cp, rc.port, &rc.next_hop, false);
	if (nid == UINT32_MAX || (cp->neigh.e[nid].state != NEIGH_REACHABLE &&
				  cp->neigh.e[nid].state != NEIGH_PROBE))
		return CP_SEND_NO_NEIGH;  /* resolution has started: the caller retries */
	static uint8_t frame[PMIP_PKT_DATA_MAX];
	size_t hdr = PMIP_ETH_HLEN + PMIP_IPV6_HLEN;
	uint16_t mtu = cp->link.ports[rc.port].mtu;
	/* No fragmentation of what cp originates: it must fit (dp adds the
	 * ESP overhead and refuses, counted, what then does not). */
	if (hdr + len > sizeof(frame) || len > UINT16_MAX ||
	    (mtu != 0 && PMIP_IPV6_HLEN + len > mtu))
		return CP_SEND_TOO_BIG;
	memcpy(frame, cp->neigh.e[nid].mac, 6);
	memcpy(frame + 6, cp->link.ports[rc.port].mac, 6);
	frame[12] = 0x86;
	frame[13] = 0xdd;
	pmip_ipv6_hdr_write(frame + PMIP_ETH_HLEN, src, dst, proto, (uint16_t)len, 64, 0, 0);
	memcpy(frame + hdr, payload, len);
	if (dp_link_send_frame_sa(&cp->link, rc.port, frame, hdr + len, sa_id) != 0)
		return CP_SEND_RING_FULL;
	return CP_SENT;
}
