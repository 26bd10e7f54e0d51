/* The binding store: cp's copy is the source of truth, dp holds what it was
 * pushed (and gets all of it again after a restart). On a MAG a binding is
 * a binding update list entry (MN on an access port -> its LMA), on an LMA
 * a binding cache entry (MN -> its serving MAG). Changing the peer of an
 * existing binding is a handover: dp moves it in one atomic update. */
#define LOG_MODULE "bindings"
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "cp.h"
#include "log.h"

struct mn_key {
	uint16_t port;
	uint8_t mac[6];
};

static void push(struct cp_ctx *cp, uint32_t id, cp_ack_cb cb, void *arg)
{
	const struct cp_binding *b = &cp->bindings.e[id];
	struct pmip_ctl_msg m = { .type = PMIP_CTL_BINDING_SET };
	m.u.binding.id = id;
	m.u.binding.tunnel_id = b->tunnel_id;
	m.u.binding.hnp = b->hnp;
	m.u.binding.hnp_len = 64;
	m.u.binding.hoa = b->hoa;
	m.u.binding.flags = b->flags;
	m.u.binding.access_port = b->access_port;
	memcpy(m.u.binding.mn_mac, b->mn_mac, 6);
	cp_ctl_send(cp, &m, cb, arg);
}

int cp_bindings_init(struct cp_ctx *cp, uint32_t max)
{
	struct cp_binding_table *t = &cp->bindings;
	memset(t, 0, sizeof(*t));
	t->e = calloc(max, sizeof(*t->e));
	if (t->e == NULL || hmap_init(&t->by_mn, sizeof(struct mn_key), 64) != 0)
		return -1;
	t->max = max;
	return 0;
}

static bool mag(const struct cp_ctx *cp)
{
	return cp->cfg->role == PMIP_ROLE_MAG;
}

int cp_binding_set(struct cp_ctx *cp, const struct cp_binding_spec *s, cp_ack_cb cb, void *arg,
		   const char **why)
{
	struct cp_binding_table *t = &cp->bindings;
	bool shared = s->flags & PMIP_BINDING_F_SHARED_PREFIX;
	if (s->id >= t->max) {
		*why = "binding id out of range ([dp] max_bindings)";
		return -1;
	}
	if (shared && memcmp(&s->hoa, &s->hnp, 8) != 0) {
		*why = "the home address is not inside the home network prefix";
		return -1;
	}
	if (mag(cp) && (s->access_port >= cp->cfg->n_ports ||
			cp->cfg->ports[s->access_port].kind != PMIP_PORT_ACCESS)) {
		*why = "not an access port";
		return -1;
	}
	struct mn_key mk = { .port = s->access_port };
	memcpy(mk.mac, s->mn_mac, 6);
	uint32_t other;
	if (mag(cp) && hmap_get(&t->by_mn, &mk, &other) && other != s->id) {
		*why = "that MN (port, MAC) already has another binding";
		return -1;
	}
	struct cp_binding *b = &t->e[s->id];
	bool existed = b->in_use;
	uint32_t old_tunnel = b->tunnel_id;
	bool new_peer = !existed || memcmp(&b->peer, &s->peer, 16) != 0;
	uint32_t tunnel = old_tunnel;
	if (new_peer) {
		tunnel = cp_tunnel_acquire(cp, &s->peer, why);
		if (tunnel == UINT32_MAX)
			return -1;
	}
	if (existed && mag(cp)) {
		struct mn_key old = { .port = b->access_port };
		memcpy(old.mac, b->mn_mac, 6);
		hmap_del(&t->by_mn, &old);
	}
	if (existed && new_peer)
		t->moves++;
	b->in_use = true;
	b->flags = s->flags;
	b->hnp = s->hnp;
	b->hoa = shared ? s->hoa : (struct in6_addr){ 0 };
	b->peer = s->peer;
	b->tunnel_id = tunnel;
	b->access_port = mag(cp) ? s->access_port : 0;
	memcpy(b->mn_mac, mag(cp) ? s->mn_mac : (const uint8_t[6]){ 0 }, 6);
	if (mag(cp))
		hmap_put(&t->by_mn, &mk, s->id);
	if (!existed)
		t->count++;
	push(cp, s->id, cb, arg);
	/* The old tunnel goes (if unused) after the binding left it. */
	if (existed && new_peer)
		cp_tunnel_release(cp, old_tunnel);
	if (mag(cp) && !existed)
		cp_ra_binding_added(cp, s->id);
	return 0;
}

int cp_binding_del(struct cp_ctx *cp, uint32_t id, cp_ack_cb cb, void *arg, const char **why)
{
	struct cp_binding_table *t = &cp->bindings;
	if (id >= t->max || !t->e[id].in_use) {
		*why = "no such binding";
		return -1;
	}
	struct cp_binding *b = &t->e[id];
	if (mag(cp)) {
		cp_ra_binding_removed(cp, id);
		struct mn_key k = { .port = b->access_port };
		memcpy(k.mac, b->mn_mac, 6);
		hmap_del(&t->by_mn, &k);
	}
	struct pmip_ctl_msg m = { .type = PMIP_CTL_BINDING_DEL };
	m.u.binding.id = id;
	cp_ctl_send(cp, &m, cb, arg);
	cp_tunnel_release(cp, b->tunnel_id);
	b->in_use = false;
	t->count--;
	return 0;
}

void cp_bindings_push_all(struct cp_ctx *cp)
{
	for (uint32_t id = 0; id < cp->bindings.max; id++)
		if (cp->bindings.e[id].in_use)
			push(cp, id, NULL, NULL);
}
