/* Home addresses an LMA hands to MAGs (seed 4.4.2, 4.4.3): through the
 * IKEv2 configuration payload today, from the pools of the ini ([ike.peer.X]
 * pool, else [ike] pool). The shared-prefix model: every address of a pool
 * lies in its home network prefix, reported as /64 (or the pool's length
 * if longer). A proposed address is kept when it is in the pool, not the
 * Subnet-Router anycast address (RFC 4291 2.6.1) and free (neither handed
 * out through IKE nor held by a PMIPv6 binding: a profile may name it);
 * otherwise the next free one is handed out.
 *
 * This is the interface the discovery and home-address work extends
 * (DHCPv6, the MN's profile): cp_home_addr_assign / _release. */
#define LOG_MODULE "haddr"
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "cp.h"
#include "log.h"

int cp_home_addr_init(struct cp_ctx *cp)
{
	memset(&cp->haddr, 0, sizeof(cp->haddr));
	return hmap_init(&cp->haddr.taken, sizeof(struct in6_addr), 64);
}

void cp_home_addr_free(struct cp_ctx *cp)
{
	hmap_free(&cp->haddr.taken);
}

static const struct pmip_prefix *pool_of(const struct cp_ctx *cp, const struct pmip_config_peer *p)
{
	if (p != NULL && p->has_pool)
		return &p->pool;
	return cp->cfg->ike.has_pool ? &cp->cfg->ike.pool : NULL;
}

static bool in_prefix(const struct in6_addr *a, const struct pmip_prefix *p)
{
	unsigned full = p->len / 8, rest = p->len % 8;
	if (memcmp(a, &p->addr, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (a->s6_addr[full] & mask) == (p->addr.s6_addr[full] & mask);
}

static bool host_part_zero(const struct in6_addr *a, unsigned plen)
{
	for (unsigned bit = plen; bit < 128; bit++)
		if (a->s6_addr[bit / 8] & (0x80 >> (bit % 8)))
			return false;
	return true;
}

bool cp_home_addr_assign(struct cp_ctx *cp, const struct pmip_config_peer *peer,
			 const struct in6_addr *want, struct in6_addr *out, uint8_t *prefix_len)
{
	struct cp_home_addr *h = &cp->haddr;
	const struct pmip_prefix *pool = pool_of(cp, peer);
	if (pool == NULL) {
		h->refused++;
		pmip_info("no home-address pool for [ike.peer.%s]: INTERNAL_ADDRESS_FAILURE",
			  peer != NULL ? peer->name : "?");
		return false;
	}
	uint8_t plen = pool->len > 64 ? pool->len : 64;
	uint32_t dummy;
	if (want != NULL && !IN6_IS_ADDR_UNSPECIFIED(want) && in_prefix(want, pool) &&
	    !host_part_zero(want, plen) && !hmap_get(&h->taken, want, &dummy) &&
	    !cp_pmip_hoa_in_use(cp, want)) {
		*out = *want;
	} else {
		/* The next free host number in the pool's first /plen. */
		uint64_t hosts = plen >= 128 ? 1 : plen > 64 ? (1ull << (128 - plen)) : UINT64_MAX;
		bool found = false;
		for (uint64_t tries = 0; tries < hosts && tries < 1u << 20 && !found; tries++) {
			uint64_t n = ++h->next_host;
			if (plen > 64)
				n %= hosts;
			if (n == 0)
				continue;
			*out = pool->addr;
			for (int i = 0; i < 8; i++)
				out->s6_addr[15 - i] |= (uint8_t)(n >> (8 * i));
			found = in_prefix(out, pool) && !hmap_get(&h->taken, out, &dummy) &&
				!cp_pmip_hoa_in_use(cp, out);
		}
		if (!found) {
			h->refused++;
			pmip_warn("home-address pool of [ike.peer.%s] exhausted",
				  peer != NULL ? peer->name : "?");
			return false;
		}
	}
	if (hmap_put(&h->taken, out, 1) != 0) {
		h->refused++;
		return false;
	}
	h->assigned++;
	*prefix_len = plen;
	char a[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, out, a, sizeof(a));
	pmip_info("home address %s/%u assigned to [ike.peer.%s]", a, plen,
		  peer != NULL ? peer->name : "?");
	return true;
}

void cp_home_addr_release(struct cp_ctx *cp, const struct in6_addr *addr)
{
	if (hmap_del(&cp->haddr.taken, addr))
		cp->haddr.released++;
}
