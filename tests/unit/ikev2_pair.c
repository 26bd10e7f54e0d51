/* In-memory IKEv2 network for tests and benchmarks: see ikev2_pair.h. */
#include "ikev2_pair.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

/* ------------------------------------------------------------ the env -- */

static int node_index(const struct pair_net *net, const struct in6_addr *a)
{
	for (unsigned i = 0; i < net->n_nodes; i++)
		if (memcmp(&net->nodes[i]->addr, a, 16) == 0)
			return (int)i;
	if (net->nat_node >= 0 && memcmp(&net->nat_addr, a, 16) == 0)
		return net->nat_node;
	return -1;
}

static int env_send(void *ctx, const struct in6_addr *local, uint16_t sport,
		    const struct in6_addr *remote, uint16_t dport, const uint8_t *msg, size_t len)
{
	struct pair_node *n = ctx;
	struct pair_net *net = n->net;
	static struct pair_dgram d;
	if (len > sizeof(d.data))
		return -1;
	d.src = *local;
	d.dst = *remote;
	d.sport = sport;
	d.dport = dport;
	d.len = len;
	memcpy(d.data, msg, len);
	int from = node_index(net, local);
	if (from >= 0 && from == net->nat_node) {
		/* The NAT: source address and port rewritten. */
		d.src = net->nat_addr;
		d.sport = (uint16_t)(net->nat_port_base + sport % 10000);
	}
	d.to = node_index(net, &d.dst);
	memnet_send(&net->mn, &d, d.to >= 0 && d.to != net->blackhole);
	return 0;
}

static void env_keepalive(void *ctx, const struct in6_addr *local, uint16_t sport,
			  const struct in6_addr *remote, uint16_t dport)
{
	(void)local;
	(void)sport;
	(void)remote;
	(void)dport;
	struct pair_node *n = ctx;
	n->keepalives++;
}

static int env_child_up(void *ctx, const struct ikev2_sa *sa, struct ikev2_child *c,
			const struct ike_child_keys *keys, bool initiator)
{
	(void)sa;
	struct pair_node *n = ctx;
	struct pair_esp *slot[2] = { NULL, NULL };
	for (unsigned i = 0, k = 0; i < PAIR_MAX_SAS && k < 2; i++)
		if (!n->esp[i].used)
			slot[k++] = &n->esp[i];
	if (slot[1] == NULL)
		return -1;
	/* The exchange initiator sends with the i-keys (RFC 7296 2.17). */
	for (unsigned k = 0; k < 2; k++) {
		struct pair_esp *s = slot[k];
		bool inbound = k == 0;
		bool i_keys = inbound != initiator;
		memset(s, 0, sizeof(*s));
		s->used = true;
		s->inbound = inbound;
		s->id = ++n->next_id;
		s->spi = inbound ? c->spi_in : c->spi_out;
		s->mode = c->mode;
		s->suite = keys->suite;
		s->encr_len = keys->encr_len;
		s->integ_len = keys->integ_len;
		memcpy(s->encr, i_keys ? keys->encr_i : keys->encr_r, keys->encr_len);
		memcpy(s->integ, i_keys ? keys->integ_i : keys->integ_r, keys->integ_len);
	}
	slot[1]->held = c->out_held;
	c->dp_in = slot[0]->id;
	c->dp_out = slot[1]->id;
	n->child_up++;
	return 0;
}

static void env_child_out_stop(void *ctx, const struct ikev2_sa *sa, struct ikev2_child *c)
{
	(void)sa;
	struct pair_node *n = ctx;
	for (unsigned i = 0; i < PAIR_MAX_SAS; i++)
		if (n->esp[i].used && n->esp[i].id == c->dp_out)
			memset(&n->esp[i], 0, sizeof(n->esp[i]));
	c->dp_out = 0;
	n->out_stops++;
}

static void env_child_out_release(void *ctx, const struct ikev2_sa *sa, struct ikev2_child *c)
{
	(void)sa;
	struct pair_node *n = ctx;
	for (unsigned i = 0; i < PAIR_MAX_SAS; i++)
		if (n->esp[i].used && n->esp[i].id == c->dp_out)
			n->esp[i].held = false;
	n->out_releases++;
}

static void env_child_down(void *ctx, const struct ikev2_sa *sa, struct ikev2_child *c)
{
	(void)sa;
	struct pair_node *n = ctx;
	for (unsigned i = 0; i < PAIR_MAX_SAS; i++)
		if (n->esp[i].used && (n->esp[i].id == c->dp_in || n->esp[i].id == c->dp_out))
			memset(&n->esp[i], 0, sizeof(n->esp[i]));
	n->child_down++;
}

static bool taken(const struct pair_node *n, const struct in6_addr *a)
{
	for (unsigned i = 0; i < n->n_taken; i++)
		if (memcmp(&n->taken[i], a, 16) == 0)
			return true;
	return false;
}

/* A pool of 2001:db8:1000::/64 host addresses, ::1 upwards. */
static bool env_assign(void *ctx, const struct ikev2_sa *sa, const struct in6_addr *want,
		       struct in6_addr *out, uint8_t *prefix_len)
{
	(void)sa;
	struct pair_node *n = ctx;
	if (n->pool_refuses || n->n_taken == 16)
		return false;
	struct in6_addr pool;
	inet_pton(AF_INET6, "2001:db8:1000::", &pool);
	if (!IN6_IS_ADDR_UNSPECIFIED(want) && memcmp(want, &pool, 8) == 0 && !taken(n, want)) {
		*out = *want;
	} else {
		do {
			*out = pool;
			unsigned h = ++n->next_host;
			out->s6_addr[14] = (uint8_t)(h >> 8);
			out->s6_addr[15] = (uint8_t)h;
		} while (taken(n, out));
	}
	n->taken[n->n_taken++] = *out;
	*prefix_len = 64;
	return true;
}

static void env_release(void *ctx, const struct ikev2_sa *sa, const struct in6_addr *addr)
{
	(void)sa;
	struct pair_node *n = ctx;
	for (unsigned i = 0; i < n->n_taken; i++)
		if (memcmp(&n->taken[i], addr, 16) == 0) {
			n->taken[i] = n->taken[--n->n_taken];
			n->released++;
			return;
		}
}

static void env_state(void *ctx, const struct ikev2_sa *sa)
{
	(void)sa;
	struct pair_node *n = ctx;
	n->state_changes++;
}

static void env_keylog(void *ctx, const char *line)
{
	struct pair_node *n = ctx;
	snprintf(n->keylog[n->keylogs % 16], sizeof(n->keylog[0]), "%s", line);
	n->keylogs++;
	snprintf(n->last_keylog, sizeof(n->last_keylog), "%s", line);
}

/* ------------------------------------------------------------ set up -- */

static bool deliver(void *ctx, void *msg);
static bool requests_out(void *ctx);

void pair_net_init(struct pair_net *net)
{
	memset(net, 0, sizeof(*net));
	memnet_init(&net->mn, net->slots, PAIR_QUEUE, sizeof(net->slots[0]), deliver,
		    requests_out, net);
	net->blackhole = -1;
	net->nat_node = -1;
}

void pair_net_fini(struct pair_net *net)
{
	for (unsigned i = 0; i < net->n_nodes; i++)
		pair_node_fini(net->nodes[i]);
	memnet_fini(&net->mn);
	memset(net, 0, sizeof(*net));
}

int pair_node_init(struct pair_node *n, struct pair_net *net, const char *name, const char *role,
		   const char *addr, const char *ini)
{
	memset(n, 0, sizeof(*n));
	n->name = name;
	n->net = net;
	if (inet_pton(AF_INET6, addr, &n->addr) != 1 || net->n_nodes == PAIR_MAX_NODES)
		return -1;
	bool mag = strcmp(role, "mag") == 0;
	size_t cap = strlen(ini) + 1024;
	char *text = malloc(cap);
	if (text == NULL)
		return -1;
	snprintf(text, cap,
		 "[gateway]\nrole = %s\nname = %s\n"
		 "[port.core0]\ndevice = net_null0\nkind = core\naddress = %s/64\n"
		 "[port.other0]\ndevice = net_null1\nkind = %s\naddress = 2001:db8:ff%02x::1/64\n"
		 "%s\n",
		 role, name, addr, mag ? "access" : "network", net->n_nodes, ini);
	struct pmip_config_raw raw;
	static struct pmip_config_errors errs;
	int rc = pmip_config_parse_string(text, name, &raw, &errs);
	if (rc == 0) {
		rc = pmip_config_validate(&raw, &n->cfg, &errs);
		pmip_config_raw_free(&raw);
	}
	free(text);
	if (rc != 0) {
		pmip_config_errors_print(&errs);
		return -1;
	}
	n->cfg.ike.retransmit_ms = 10;
	struct ikev2_env env = {
		.ctx = n,
		.send = env_send,
		.child_up = env_child_up,
		.child_down = env_child_down,
		.child_out_release = env_child_out_release,
		.child_out_stop = env_child_out_stop,
		.assign_address = env_assign,
		.release_address = env_release,
		.state_changed = env_state,
		.keylog = env_keylog,
		.keepalive = env_keepalive,
	};
	if (ikev2_init(&n->e, &n->cfg, net->mn.loop, &env, &n->addr, 64) != 0)
		return -1;
	net->nodes[net->n_nodes++] = n;
	return 0;
}

void pair_node_fini(struct pair_node *n)
{
	if (n->e.sas != NULL)
		ikev2_free(&n->e);
}

/* ------------------------------------------------------------ running -- */

/* memnet's deliver: back through the NAT, past the tap, into the engine. */
static bool deliver(void *ctx, void *msg)
{
	struct pair_net *net = ctx;
	struct pair_dgram *d = msg;
	if (d->to == net->nat_node && memcmp(&d->dst, &net->nat_addr, 16) == 0) {
		d->dst = net->nodes[d->to]->addr;
		if (d->dport >= net->nat_port_base)
			d->dport = (uint16_t)(d->dport - net->nat_port_base);
	}
	if (net->tap != NULL && !net->tap(net, d))
		return false;
	struct pair_node *to = net->nodes[d->to];
	ikev2_input(&to->e, &d->src, d->sport, &d->dst, d->dport, d->data, d->len);
	return true;
}

/* memnet's busy: a request still waits for its answer (and will be
 * retransmitted), so the network is not quiet yet. */
static bool requests_out(void *ctx)
{
	const struct pair_net *net = ctx;
	for (unsigned i = 0; i < net->n_nodes; i++) {
		const struct ikev2 *e = &net->nodes[i]->e;
		for (uint32_t k = 0; k < e->max_sas; k++)
			if (e->sas[k].in_use && e->sas[k].req != NULL)
				return true;
	}
	return false;
}

void pair_wait(struct pair_net *net, unsigned ms)
{
	memnet_wait(&net->mn, ms);
}

bool pair_run(struct pair_net *net, bool (*cond)(void *arg), void *arg, unsigned max_ms)
{
	return memnet_run(&net->mn, cond, arg, max_ms);
}

/* ------------------------------------------------------------ queries -- */

unsigned pair_sas(const struct pair_node *n, enum ikev2_state state)
{
	unsigned k = 0;
	for (uint32_t i = 0; i < n->e.max_sas; i++)
		if (n->e.sas[i].in_use && n->e.sas[i].state == state)
			k++;
	return k;
}

struct ikev2_sa *pair_first_sa(struct pair_node *n, enum ikev2_state state)
{
	for (uint32_t i = 0; i < n->e.max_sas; i++)
		if (n->e.sas[i].in_use && n->e.sas[i].state == state)
			return &n->e.sas[i];
	return NULL;
}

unsigned pair_esp_count(const struct pair_node *n)
{
	unsigned k = 0;
	for (unsigned i = 0; i < PAIR_MAX_SAS; i++)
		k += n->esp[i].used;
	return k;
}

const struct pair_esp *pair_esp_by_spi(const struct pair_node *n, uint32_t spi, bool inbound)
{
	for (unsigned i = 0; i < PAIR_MAX_SAS; i++)
		if (n->esp[i].used && n->esp[i].spi == spi && n->esp[i].inbound == inbound)
			return &n->esp[i];
	return NULL;
}

bool pair_keylog_has(const struct pair_node *n, uint64_t spi_i, uint64_t spi_r)
{
	char want[40];
	snprintf(want, sizeof(want), "%016lx,%016lx,", (unsigned long)spi_i, (unsigned long)spi_r);
	for (unsigned i = 0; i < 16 && i < n->keylogs; i++)
		if (strncmp(n->keylog[i], want, strlen(want)) == 0)
			return true;
	return false;
}

static bool one_way(const struct pair_node *a, const struct pair_node *b, unsigned *pairs)
{
	for (unsigned i = 0; i < PAIR_MAX_SAS; i++) {
		const struct pair_esp *s = &a->esp[i];
		if (!s->used || s->inbound)
			continue;
		const struct pair_esp *t = pair_esp_by_spi(b, s->spi, true);
		if (t == NULL || t->encr_len != s->encr_len || t->integ_len != s->integ_len ||
		    memcmp(t->encr, s->encr, s->encr_len) != 0 ||
		    memcmp(t->integ, s->integ, s->integ_len) != 0 || t->mode != s->mode ||
		    t->suite.encr != s->suite.encr)
			return false;
		(*pairs)++;
	}
	return true;
}

bool pair_esp_match(const struct pair_node *a, const struct pair_node *b, unsigned *pairs)
{
	*pairs = 0;
	return one_way(a, b, pairs) && one_way(b, a, pairs) &&
	       *pairs == pair_esp_count(a) && *pairs == pair_esp_count(b);
}
