/* In-memory PMIPv6 network for tests: see pmip_pair.h. */
#include "pmip_pair.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pmip_internal.h"

/* ------------------------------------------------------------ the env -- */

static int node_index(const struct pp_net *net, const struct in6_addr *a)
{
	for (unsigned i = 0; i < net->n_nodes; i++)
		if (memcmp(&net->nodes[i]->addr, a, 16) == 0)
			return (int)i;
	return -1;
}

static int env_send(void *ctx, const struct in6_addr *peer, const uint8_t *mh, size_t len)
{
	struct pp_node *n = ctx;
	struct pp_net *net = n->net;
	static struct pp_msg m;
	if (len > sizeof(m.data))
		return -1;
	memcpy(n->last_tx, mh, len);
	n->last_tx_len = len;
	n->last_tx_dst = *peer;
	n->tx++;
	m.src = n->addr;
	m.dst = *peer;
	m.len = len;
	memcpy(m.data, mh, len);
	m.to = node_index(net, peer);
	int from = node_index(net, &n->addr);
	memnet_send(&net->mn, &m, m.to >= 0 && m.to != net->blackhole && from != net->blackhole);
	return 0;
}

static const struct pmip_profile *env_by_mac(void *ctx, const uint8_t mac[6])
{
	struct pp_node *n = ctx;
	for (unsigned i = 0; i < n->net->n_profiles; i++)
		if (memcmp(n->net->profiles[i].mac, mac, 6) == 0)
			return &n->net->profiles[i];
	return NULL;
}

static const struct pmip_profile *env_by_mn_id(void *ctx, const char *mn_id)
{
	struct pp_node *n = ctx;
	for (unsigned i = 0; i < n->net->n_profiles; i++)
		if (strcmp(n->net->profiles[i].mn_id, mn_id) == 0)
			return &n->net->profiles[i];
	return NULL;
}

static bool env_authorised(void *ctx, const struct pmip_profile *p, const struct in6_addr *mag)
{
	(void)p;
	(void)mag;
	struct pp_node *n = ctx;
	return !n->deny_mags;
}

static bool env_sa_up(void *ctx, const struct in6_addr *peer)
{
	(void)peer;
	struct pp_node *n = ctx;
	n->sa_asked++;
	return !n->sa_down;
}

static int env_up(void *ctx, const struct pmip_binding *b)
{
	struct pp_node *n = ctx;
	n->ups++;
	n->last_up = *b;
	if (b->id == 0 || b->id >= PP_MAX_DP)
		return -1;
	n->dp_used[b->id] = true;
	n->dp[b->id] = *b;
	return 0;
}

static void env_down(void *ctx, const struct pmip_binding *b)
{
	struct pp_node *n = ctx;
	n->downs++;
	n->last_down = *b;
	if (b->id == 0 || b->id >= PP_MAX_DP || !n->dp_used[b->id]) {
		n->down_unknown++;
		return;
	}
	n->dp_used[b->id] = false;
}

static void env_registered(void *ctx, const struct pmip_binding *b)
{
	struct pp_node *n = ctx;
	n->registered++;
	n->last_registered = *b;
}

static void env_conflict(void *ctx, const struct pmip_binding *b)
{
	struct pp_node *n = ctx;
	n->conflicts++;
	n->last_conflict = *b;
}

static uint64_t env_now(void *ctx)
{
	const struct pp_node *n = ctx;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)((int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec + n->clock_skew_ns);
}

uint64_t pp_timestamp(const struct pp_node *n)
{
	uint64_t ns = env_now((void *)n);
	return pmip_mh_timestamp_make(ns / 1000000000ull, (uint32_t)(ns % 1000000000ull));
}

/* ------------------------------------------------------------ set up -- */

static bool deliver(void *ctx, void *msg);
static bool pbus_out(void *ctx);

void pp_net_init(struct pp_net *net)
{
	memset(net, 0, sizeof(*net));
	memnet_init(&net->mn, net->slots, PP_QUEUE, sizeof(net->slots[0]), deliver, pbus_out,
		    net);
	net->blackhole = -1;
}

void pp_net_fini(struct pp_net *net)
{
	for (unsigned i = 0; i < net->n_nodes; i++) {
		pmip_engine_free(net->nodes[i]->pe);
		net->nodes[i]->pe = NULL;
	}
	memnet_fini(&net->mn);
	memset(net, 0, sizeof(*net));
}

int pp_node_init(struct pp_node *n, struct pp_net *net, const char *name, const char *role,
		 const char *addr)
{
	memset(n, 0, sizeof(*n));
	n->name = name;
	n->net = net;
	if (inet_pton(AF_INET6, addr, &n->addr) != 1 || net->n_nodes == PP_MAX_NODES)
		return -1;
	n->cfg.role = strcmp(role, "mag") == 0 ? PMIP_ROLE_MAG : PMIP_ROLE_LMA;
	snprintf(n->cfg.name, sizeof(n->cfg.name), "%s", name);
	struct pmip_config_pmip *c = &n->cfg.pmip;
	c->lifetime_s = 3600;
	c->refresh_percent = 75;
	c->pbu_initial_ms = 20;
	c->pbu_max_ms = 160;
	c->timestamp_window_ms = 300;
	c->bce_delete_delay_ms = 100;
	c->max_bindings = 16;
	struct pmip_env env = {
		.ctx = n,
		.profile_by_mac = env_by_mac,
		.profile_by_mn_id = env_by_mn_id,
		.mag_authorised = env_authorised,
		.send_mh = env_send,
		.sa_up = env_sa_up,
		.binding_up = env_up,
		.binding_down = env_down,
		.mn_registered = env_registered,
		.hoa_conflict = env_conflict,
		.now_realtime_ns = env_now,
	};
	n->env = env;
	n->pe = pmip_engine_new(&n->cfg, net->mn.loop, &env, &n->addr, c->max_bindings);
	if (n->pe == NULL)
		return -1;
	net->nodes[net->n_nodes++] = n;
	return 0;
}

int pp_node_restart(struct pp_node *n)
{
	pmip_engine_free(n->pe);
	memset(n->dp_used, 0, sizeof(n->dp_used));
	n->pe = pmip_engine_new(&n->cfg, n->net->mn.loop, &n->env, &n->addr, n->cfg.pmip.max_bindings);
	return n->pe != NULL ? 0 : -1;
}

void pp_mac(uint8_t k, uint8_t mac[6])
{
	const uint8_t m[6] = { 0x02, 0, 0, 0, 0, k };
	memcpy(mac, m, 6);
}

const struct pmip_profile *pp_profile_add(struct pp_net *net, const char *mn_id, uint8_t k,
					  const char *lma, const char *hnp, const char *hoa)
{
	if (net->n_profiles == PP_MAX_PROFILES)
		return NULL;
	struct pmip_profile *p = &net->profiles[net->n_profiles++];
	memset(p, 0, sizeof(*p));
	snprintf(p->mn_id, sizeof(p->mn_id), "%s", mn_id);
	pp_mac(k, p->mac);
	inet_pton(AF_INET6, lma, &p->lma);
	inet_pton(AF_INET6, hnp, &p->hnp);
	if (hoa != NULL)
		inet_pton(AF_INET6, hoa, &p->hoa);
	return p;
}

/* ------------------------------------------------------------ running -- */

void pp_inject(struct pp_node *to, const struct in6_addr *src, const uint8_t *mh, size_t len,
	       bool protected_by_peer)
{
	/* An exact-size heap copy, so ASan sees any read past len. */
	uint8_t *copy = malloc(len > 0 ? len : 1);
	if (len > 0)
		memcpy(copy, mh, len);
	pmip_input(to->pe, src, &to->addr, copy, len, protected_by_peer);
	free(copy);
}

/* memnet's deliver: past the tap, into the engine. */
static bool deliver(void *ctx, void *msg)
{
	struct pp_net *net = ctx;
	struct pp_msg *m = msg;
	if (net->tap != NULL && !net->tap(net, m))
		return false;
	pp_inject(net->nodes[m->to], &m->src, m->data, m->len, !net->unprotected);
	return true;
}

/* memnet's busy: a PBU still waits for its PBA (and will be retransmitted). */
static bool pbus_out(void *ctx)
{
	const struct pp_net *net = ctx;
	for (unsigned i = 0; i < net->n_nodes; i++) {
		const struct pmip_engine *pe = net->nodes[i]->pe;
		for (uint32_t k = 0; k < pe->max; k++) {
			uint8_t st = pe->entries[k].state;
			if (st == PMIP_ST_REGISTERING || st == PMIP_ST_REFRESHING ||
			    st == PMIP_ST_DEREGISTERING)
				return true;
		}
	}
	return false;
}

void pp_wait(struct pp_net *net, unsigned ms)
{
	memnet_wait(&net->mn, ms);
}

bool pp_run(struct pp_net *net, bool (*cond)(void *arg), void *arg, unsigned max_ms)
{
	return memnet_run(&net->mn, cond, arg, max_ms);
}

/* ------------------------------------------------------------ queries -- */

const struct pmip_binding *pp_dp_by_mn(const struct pp_node *n, const char *mn_id)
{
	for (unsigned i = 0; i < PP_MAX_DP; i++)
		if (n->dp_used[i] && strcmp(n->dp[i].mn_id, mn_id) == 0)
			return &n->dp[i];
	return NULL;
}

unsigned pp_dp_count(const struct pp_node *n)
{
	unsigned k = 0;
	for (unsigned i = 0; i < PP_MAX_DP; i++)
		k += n->dp_used[i];
	return k;
}
