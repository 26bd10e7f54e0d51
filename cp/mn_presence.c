/* MAG: is a registered mobile node still on its access link?
 *
 * RFC 5213 6.9.1.3 and 6.10: when the MN detaches, the MAG de-registers
 * it. How a MAG learns of the detachment is left to the access technology;
 * on an Ethernet-like access link (the lab's veths, a switched access
 * network) nothing announces it. So the MAG applies Neighbor Unreachability
 * Detection (RFC 4861 7.3) to the MN itself: every [pmip] mn_probe_s a
 * unicast Neighbor Solicitation to the MN's link-local address (learnt
 * from its Router Solicitations) at its MAC; any Neighbor Advertisement
 * for that address confirms it; MAX_UNICAST_SOLICIT unanswered probes,
 * RETRANS_MS apart, mean the MN left: pmip_mag_detach de-registers it. An
 * MN that moved to another MAG thus loses its old MAG's state within
 * mn_probe_s + 3 s, without the old MAG refreshing a binding the LMA has
 * moved away.
 *
 * Only MNs whose link-local address we saw are watched (an RS from the
 * unspecified address gives none; guessing the EUI-64 address could
 * de-register an MN that uses another interface identifier). */
#define LOG_MODULE "presence"
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp.h"
#include "log.h"
#include "net/pkt.h"

#define RETRANS_MS 1000          /* RFC 4861 10: RETRANS_TIMER */
#define MAX_UNICAST_SOLICIT 3    /* RFC 4861 10 */

struct mn_seen {
	bool in_use;
	bool watching;            /* registered: probed */
	uint8_t probes;           /* unanswered since the last NA */
	uint16_t port;
	uint8_t mac[6];
	struct in6_addr ll;
	struct evloop_timer timer;
	struct cp_ctx *cp;
};

struct cp_presence {
	struct mn_seen *e;
	uint32_t max, next_free;
	struct hmap by_mac;       /* MAC -> index */
	struct hmap by_ll;        /* (port, link-local address) -> index */
	uint64_t probes_sent, confirmed, gone, full;
};

struct ll_key {
	uint32_t port;
	struct in6_addr ll;
};

static void on_timer(struct evloop *loop, struct evloop_timer *t, void *arg);

static struct ll_key ll_key_of(uint16_t port, const struct in6_addr *ll)
{
	struct ll_key k;
	memset(&k, 0, sizeof(k));
	k.port = port;
	k.ll = *ll;
	return k;
}

int cp_presence_init(struct cp_ctx *cp, uint32_t max)
{
	if (cp->cfg->role != PMIP_ROLE_MAG || cp->cfg->pmip.mn_probe_s == 0)
		return 0;
	struct cp_presence *p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -1;
	p->e = calloc(max, sizeof(*p->e));
	if (p->e == NULL || hmap_init(&p->by_mac, 6, 64) != 0 ||
	    hmap_init(&p->by_ll, sizeof(struct ll_key), 64) != 0) {
		hmap_free(&p->by_mac);
		free(p->e);
		free(p);
		return -1;
	}
	p->max = max;
	cp->presence = p;
	return 0;
}

void cp_presence_free(struct cp_ctx *cp)
{
	struct cp_presence *p = cp->presence;
	if (p == NULL)
		return;
	for (uint32_t i = 0; i < p->max; i++)
		if (p->e[i].in_use)
			evloop_timer_stop(cp->loop, &p->e[i].timer);
	hmap_free(&p->by_mac);
	hmap_free(&p->by_ll);
	free(p->e);
	free(p);
	cp->presence = NULL;
}

static struct mn_seen *find(const struct cp_presence *p, const uint8_t mac[6])
{
	uint32_t i;
	return hmap_get(&p->by_mac, mac, &i) ? &p->e[i] : NULL;
}

void cp_presence_learn(struct cp_ctx *cp, uint16_t port, const uint8_t mac[6],
		       const struct in6_addr *src)
{
	struct cp_presence *p = cp->presence;
	if (p == NULL || !IN6_IS_ADDR_LINKLOCAL(src))
		return;
	struct mn_seen *m = find(p, mac);
	if (m == NULL) {
		uint32_t i = p->next_free, k;
		for (k = 0; k < p->max && p->e[i].in_use; k++)
			i = (i + 1) % p->max;
		if (k == p->max) {
			/* Full: take the place of an MN that is not registered. */
			for (k = 0; k < p->max && p->e[i].watching; k++)
				i = (i + 1) % p->max;
			if (k == p->max) {
				p->full++;
				return;
			}
			cp_presence_forget(cp, p->e[i].mac);
		}
		if (hmap_put(&p->by_mac, mac, i) != 0) {
			p->full++;
			return;
		}
		p->next_free = (i + 1) % p->max;
		m = &p->e[i];
		memset(m, 0, sizeof(*m));
		m->in_use = true;
		m->cp = cp;
		memcpy(m->mac, mac, 6);
		evloop_timer_init(&m->timer, on_timer, m);
	} else {
		struct ll_key old = ll_key_of(m->port, &m->ll);
		hmap_del(&p->by_ll, &old);
	}
	m->port = port;
	m->ll = *src;
	struct ll_key k = ll_key_of(port, src);
	hmap_put(&p->by_ll, &k, (uint32_t)(m - p->e));
}

void cp_presence_start(struct cp_ctx *cp, const uint8_t mac[6])
{
	struct cp_presence *p = cp->presence;
	struct mn_seen *m = p != NULL ? find(p, mac) : NULL;
	if (m == NULL || m->watching)
		return;
	m->watching = true;
	m->probes = 0;
	evloop_timer_start(cp->loop, &m->timer, (uint64_t)cp->cfg->pmip.mn_probe_s * 1000);
}

void cp_presence_stop(struct cp_ctx *cp, const uint8_t mac[6])
{
	struct cp_presence *p = cp->presence;
	struct mn_seen *m = p != NULL ? find(p, mac) : NULL;
	if (m == NULL)
		return;
	/* Its link-local address stays known: a registration after an LMA
	 * restart or loss needs no new RS to be watched again. */
	evloop_timer_stop(cp->loop, &m->timer);
	m->watching = false;
}

void cp_presence_forget(struct cp_ctx *cp, const uint8_t mac[6])
{
	struct cp_presence *p = cp->presence;
	struct mn_seen *m = p != NULL ? find(p, mac) : NULL;
	if (m == NULL)
		return;
	evloop_timer_stop(cp->loop, &m->timer);
	struct ll_key k = ll_key_of(m->port, &m->ll);
	hmap_del(&p->by_ll, &k);
	hmap_del(&p->by_mac, mac);
	m->in_use = false;
}

static void on_timer(struct evloop *loop, struct evloop_timer *t, void *arg)
{
	(void)t;
	struct mn_seen *m = arg;
	struct cp_ctx *cp = m->cp;
	struct cp_presence *p = cp->presence;
	if (m->probes >= MAX_UNICAST_SOLICIT) {
		char a[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, &m->ll, a, sizeof(a));
		pmip_info("MN %02x:%02x:%02x:%02x:%02x:%02x (%s) answers no Neighbor Solicitation: it left",
			  m->mac[0], m->mac[1], m->mac[2], m->mac[3], m->mac[4], m->mac[5], a);
		p->gone++;
		uint8_t mac[6];
		memcpy(mac, m->mac, 6);
		cp_presence_forget(cp, mac);
		cp_pmip_mn_gone(cp, mac);
		return;
	}
	const struct dp_link_port *lp = &cp->link.ports[m->port];
	struct in6_addr src;
	uint8_t frame[128];
	if (lp->known && cp_port_link_local(cp, m->port, &src)) {
		size_t n = pmip_nd_ns_build(frame, sizeof(frame), lp->mac, &src, &m->ll, m->mac);
		if (n != 0 && dp_link_send_frame(&cp->link, m->port, frame, n) == 0)
			p->probes_sent++;
	}
	/* Counted whether or not it left: a probe we could not send is not an
	 * answer either, and dp not being there is not the MN's presence. */
	m->probes++;
	evloop_timer_start(loop, &m->timer, RETRANS_MS);
}

void cp_presence_on_na(struct cp_ctx *cp, uint16_t port, const struct in6_addr *target)
{
	struct cp_presence *p = cp->presence;
	if (p == NULL || !IN6_IS_ADDR_LINKLOCAL(target))
		return;
	struct ll_key k = ll_key_of(port, target);
	uint32_t i;
	if (!hmap_get(&p->by_ll, &k, &i))
		return;
	struct mn_seen *m = &p->e[i];
	if (m->watching && m->probes > 0) {
		p->confirmed++;
		m->probes = 0;
		evloop_timer_start(cp->loop, &m->timer, (uint64_t)cp->cfg->pmip.mn_probe_s * 1000);
	}
}

size_t cp_presence_stats(const struct cp_ctx *cp, char *out, size_t cap)
{
	const struct cp_presence *p = cp->presence;
	if (p == NULL)
		return (size_t)snprintf(out, cap, "null");
	unsigned watched = 0;
	for (uint32_t i = 0; i < p->max; i++)
		watched += p->e[i].in_use && p->e[i].watching;
	return (size_t)snprintf(out, cap,
				"{\"known\":%zu,\"watched\":%u,\"probes_sent\":%lu,\"confirmed\":%lu,\"gone\":%lu,\"table_full\":%lu}",
				p->by_mac.used, watched, (unsigned long)p->probes_sent,
				(unsigned long)p->confirmed, (unsigned long)p->gone,
				(unsigned long)p->full);
}
