/* PMIPv6 engine core (RFC 5213), both roles: engine life, the binding
 * table and its indexes, the dispatch of received Mobility Headers after
 * pmip_mh_parse, the peer events of the Heartbeat, listing and lookups.
 * The role-specific steps are in pmip_mag.c (binding update list) and
 * pmip_lma.c (binding cache). */
#define LOG_MODULE "pmip"
#include "pmip_internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "log.h"

static const char *const state_names[] = {
#define PMIP_STATE_NAME(code, name) name,
	PMIP_STATES(PMIP_STATE_NAME)
#undef PMIP_STATE_NAME
};

const char *pmip_state_name(enum pmip_state s)
{
	return (unsigned)s < sizeof(state_names) / sizeof(state_names[0]) ? state_names[s] : "?";
}

const char *pmip_addr_str(const struct in6_addr *a, char *buf)
{
	if (inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN) == NULL)
		snprintf(buf, INET6_ADDRSTRLEN, "?");
	return buf;
}

bool pmip_addr_is_zero(const struct in6_addr *a)
{
	return IN6_IS_ADDR_UNSPECIFIED(a);
}

const char *pmip_nai_print(const struct pmip_mh_opts *o, char *out)
{
	size_t n = 0;
	if (!o->has_mn_id) {
		snprintf(out, PMIP_MH_NAI_MAX + 1, "(no MN-ID)");
		return out;
	}
	for (; n < o->mn_id_len && n < PMIP_MH_NAI_MAX; n++)
		out[n] = o->mn_id[n] >= 0x20 && o->mn_id[n] < 0x7f ? (char)o->mn_id[n] : '?';
	out[n] = '\0';
	return out;
}

uint64_t pmip_now_timestamp(const struct pmip_engine *pe)
{
	uint64_t ns;
	if (pe->env.now_realtime_ns != NULL) {
		ns = pe->env.now_realtime_ns(pe->env.ctx);
	} else {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	}
	return pmip_mh_timestamp_make(ns / 1000000000ull, (uint32_t)(ns % 1000000000ull));
}

/* ------------------------------------------------------------ indexes -- */

static int index_init(struct pmip_index *ix, uint32_t max)
{
	uint32_t n = 16;
	while (n < max && n < (1u << 30))
		n <<= 1;
	ix->heads = malloc((size_t)n * sizeof(*ix->heads));
	if (ix->heads == NULL)
		return -1;
	for (uint32_t i = 0; i < n; i++)
		ix->heads[i] = PMIP_NIL;
	ix->mask = n - 1;
	return 0;
}

static uint32_t mac_bucket(const struct pmip_engine *pe, const uint8_t mac[6])
{
	return (uint32_t)hmap_hash_bytes(pe->hash_seed, mac, 6) & pe->by_mac.mask;
}

static uint32_t mn_bucket(const struct pmip_engine *pe, const char *mn, size_t len)
{
	return (uint32_t)hmap_hash_bytes(pe->hash_seed, mn, len) & pe->by_mn.mask;
}

static uint32_t hoa_bucket(const struct pmip_engine *pe, const struct in6_addr *a)
{
	return (uint32_t)hmap_hash_bytes(pe->hash_seed, a, 16) & pe->by_hoa.mask;
}

/* Unlink e from a chain whose link field is at offset off in each entry. */
static void chain_remove(struct pmip_engine *pe, uint32_t *head, struct pmip_entry *e, size_t off)
{
	uint32_t *link = head;
	while (*link != PMIP_NIL) {
		struct pmip_entry *x = &pe->entries[*link];
		uint32_t *next = (uint32_t *)((uint8_t *)x + off);
		if (x == e) {
			*link = *next;
			*next = PMIP_NIL;
			return;
		}
		link = next;
	}
}

void pmip_index_mac(struct pmip_engine *pe, struct pmip_entry *e)
{
	uint32_t *h = &pe->by_mac.heads[mac_bucket(pe, e->b.mac)];
	e->next_mac = *h;
	*h = e->idx;
}

void pmip_index_mn(struct pmip_engine *pe, struct pmip_entry *e)
{
	uint32_t *h = &pe->by_mn.heads[mn_bucket(pe, e->b.mn_id, strlen(e->b.mn_id))];
	e->next_mn = *h;
	*h = e->idx;
}

void pmip_index_hoa(struct pmip_engine *pe, struct pmip_entry *e)
{
	if (e->hoa_indexed || pmip_addr_is_zero(&e->b.hoa))
		return;
	uint32_t *h = &pe->by_hoa.heads[hoa_bucket(pe, &e->b.hoa)];
	e->next_hoa = *h;
	*h = e->idx;
	e->hoa_indexed = true;
}

void pmip_unindex_hoa(struct pmip_engine *pe, struct pmip_entry *e)
{
	if (!e->hoa_indexed)
		return;
	chain_remove(pe, &pe->by_hoa.heads[hoa_bucket(pe, &e->b.hoa)], e,
		     offsetof(struct pmip_entry, next_hoa));
	e->hoa_indexed = false;
}

struct pmip_entry *pmip_entry_by_mac(const struct pmip_engine *pe, const uint8_t mac[6])
{
	if (pe->by_mac.heads == NULL)
		return NULL;
	for (uint32_t i = pe->by_mac.heads[mac_bucket(pe, mac)]; i != PMIP_NIL;
	     i = pe->entries[i].next_mac)
		if (memcmp(pe->entries[i].b.mac, mac, 6) == 0)
			return &pe->entries[i];
	return NULL;
}

struct pmip_entry *pmip_entry_by_mn(const struct pmip_engine *pe, const char *mn_id, size_t len)
{
	if (len == 0 || len > PMIP_MH_NAI_MAX)
		return NULL;
	for (uint32_t i = pe->by_mn.heads[mn_bucket(pe, mn_id, len)]; i != PMIP_NIL;
	     i = pe->entries[i].next_mn) {
		const char *id = pe->entries[i].b.mn_id;
		if (strncmp(id, mn_id, len) == 0 && id[len] == '\0')
			return &pe->entries[i];
	}
	return NULL;
}

struct pmip_entry *pmip_entry_by_hoa(const struct pmip_engine *pe, const struct in6_addr *hoa)
{
	if (pe->by_hoa.heads == NULL || pmip_addr_is_zero(hoa))
		return NULL;
	for (uint32_t i = pe->by_hoa.heads[hoa_bucket(pe, hoa)]; i != PMIP_NIL;
	     i = pe->entries[i].next_hoa)
		if (memcmp(&pe->entries[i].b.hoa, hoa, 16) == 0)
			return &pe->entries[i];
	return NULL;
}

/* -------------------------------------------------------------- table -- */

struct pmip_entry *pmip_entry_new(struct pmip_engine *pe)
{
	if (pe->free_head == PMIP_NIL)
		return NULL;
	struct pmip_entry *e = &pe->entries[pe->free_head];
	pe->free_head = e->next_mac;
	uint32_t idx = e->idx;
	memset(e, 0, sizeof(*e));
	e->idx = idx;
	e->pe = pe;
	e->next_mac = e->next_mn = e->next_hoa = PMIP_NIL;
	e->b.id = idx + 1;
	pe->count++;
	if (pe->role == PMIP_ROLE_MAG)
		pmip_mag_entry_init(pe, e);
	else
		pmip_lma_entry_init(pe, e);
	return e;
}

/* Unindexes and stops the timers; the caller did binding_down if due. */
void pmip_entry_free(struct pmip_engine *pe, struct pmip_entry *e)
{
	if (e->state == PMIP_ST_FREE)
		return;
	evloop_timer_stop(pe->loop, &e->rtx);
	evloop_timer_stop(pe->loop, &e->life);
	if (pe->role == PMIP_ROLE_MAG)
		chain_remove(pe, &pe->by_mac.heads[mac_bucket(pe, e->b.mac)], e,
			     offsetof(struct pmip_entry, next_mac));
	chain_remove(pe, &pe->by_mn.heads[mn_bucket(pe, e->b.mn_id, strlen(e->b.mn_id))], e,
		     offsetof(struct pmip_entry, next_mn));
	pmip_unindex_hoa(pe, e);
	uint32_t idx = e->idx;
	memset(e, 0, sizeof(*e));
	e->idx = idx;
	e->state = PMIP_ST_FREE;
	e->next_mn = e->next_hoa = PMIP_NIL;
	e->next_mac = pe->free_head;
	pe->free_head = idx;
	pe->count--;
}

void pmip_dp_up(struct pmip_engine *pe, struct pmip_entry *e)
{
	if (pe->env.binding_up != NULL && pe->env.binding_up(pe->env.ctx, &e->b) != 0)
		pmip_warn("binding %u of %s: the data plane refused it", e->b.id, e->b.mn_id);
	e->dp_up = true;
}

void pmip_dp_down(struct pmip_engine *pe, struct pmip_entry *e)
{
	if (!e->dp_up)
		return;
	e->dp_up = false;
	if (pe->env.binding_down != NULL)
		pe->env.binding_down(pe->env.ctx, &e->b);
}

/* -------------------------------------------------------- engine life -- */

struct pmip_engine *pmip_engine_new(const struct pmip_config *cfg, struct evloop *loop,
				    const struct pmip_env *env, const struct in6_addr *local,
				    uint32_t max)
{
	if (cfg == NULL || loop == NULL || env == NULL || env->send_mh == NULL ||
	    (cfg->role != PMIP_ROLE_MAG && cfg->role != PMIP_ROLE_LMA) || max == 0 ||
	    max >= PMIP_NIL)
		return NULL;
	if ((cfg->role == PMIP_ROLE_MAG && env->profile_by_mac == NULL) ||
	    (cfg->role == PMIP_ROLE_LMA && env->profile_by_mn_id == NULL))
		return NULL;
	struct pmip_engine *pe = calloc(1, sizeof(*pe));
	if (pe == NULL)
		return NULL;
	pe->cfg = cfg;
	pe->role = cfg->role;
	pe->loop = loop;
	pe->env = *env;
	pe->local = *local;
	pe->max = max;
	if (getrandom(&pe->hash_seed, sizeof(pe->hash_seed), 0) != sizeof(pe->hash_seed))
		pe->hash_seed = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)pe;
	pe->entries = calloc(max, sizeof(*pe->entries));
	if (pe->entries == NULL || index_init(&pe->by_mn, max) != 0 ||
	    (pe->role == PMIP_ROLE_MAG && index_init(&pe->by_mac, max) != 0) ||
	    (pe->role == PMIP_ROLE_LMA && index_init(&pe->by_hoa, max) != 0)) {
		pmip_engine_free(pe);
		return NULL;
	}
	for (uint32_t i = 0; i < max; i++) {
		pe->entries[i].idx = i;
		pe->entries[i].state = PMIP_ST_FREE;
		pe->entries[i].next_mac = i + 1 < max ? i + 1 : PMIP_NIL;
		pe->entries[i].next_mn = pe->entries[i].next_hoa = PMIP_NIL;
	}
	pe->free_head = 0;
	return pe;
}

void pmip_engine_free(struct pmip_engine *pe)
{
	if (pe == NULL)
		return;
	/* Timers only: the data plane keeps forwarding while cp restarts
	 * (ARCHITECTURE.md), so shutting the engine down is not a reason to
	 * remove bindings from it. */
	for (uint32_t i = 0; pe->entries != NULL && i < pe->max; i++)
		if (pe->entries[i].state != PMIP_ST_FREE) {
			evloop_timer_stop(pe->loop, &pe->entries[i].rtx);
			evloop_timer_stop(pe->loop, &pe->entries[i].life);
		}
	free(pe->entries);
	free(pe->by_mac.heads);
	free(pe->by_mn.heads);
	free(pe->by_hoa.heads);
	free(pe);
}

const struct pmip_sig_stats *pmip_engine_stats(const struct pmip_engine *pe)
{
	return &pe->stats;
}

/* -------------------------------------------------------------- input -- */

void pmip_input(struct pmip_engine *pe, const struct in6_addr *src, const struct in6_addr *dst,
		const uint8_t *mh, size_t len, bool protected_by_peer)
{
	char a[INET6_ADDRSTRLEN];
	pe->stats.rx++;
	/* RFC 5213 4: the signalling MUST be protected by the IPsec SA of
	 * the two gateways; 5.3.1 (1) and 6.9.1.2 make that the first check
	 * of a PBU and a PBA. Anything else is dropped before it is even
	 * parsed: it can only have come from someone without our keys. */
	if (!protected_by_peer) {
		pe->stats.rx_unprotected++;
		pmip_info("Mobility Header from %s dropped: not under an ESP SA bound to that peer "
			  "(RFC 5213 4)", pmip_addr_str(src, a));
		return;
	}
	static struct pmip_mh m; /* ~700 octets; the engine is single-threaded */
	struct pmip_mh_err err;
	if (pmip_mh_parse(mh, len, src, dst, &m, &err) != PMIP_MH_ERR_OK) {
		char why[256];
		pmip_mh_err_format(&err, why, sizeof(why));
		pe->stats.rx_malformed++;
		pmip_info("Mobility Header from %s (%zu octets) dropped: %s", pmip_addr_str(src, a),
			  len, why);
		return;
	}
	/* Which message each role may receive is visible here (iked's
	 * dispatcher): a MAG takes PBAs, an LMA PBUs. */
	if (m.type == PMIP_MH_TYPE_BU && pe->role == PMIP_ROLE_LMA) {
		pmip_lma_input_pbu(pe, src, dst, &m);
	} else if (m.type == PMIP_MH_TYPE_BA && pe->role == PMIP_ROLE_MAG) {
		pmip_mag_input_pba(pe, src, &m);
	} else {
		pe->stats.rx_unexpected++;
		pmip_info("%s from %s dropped: a %s does not take it",
			  m.type == PMIP_MH_TYPE_BU ? "PBU" : "PBA", pmip_addr_str(src, a),
			  pmip_role_name(pe->role));
	}
}

void pmip_sa_ready(struct pmip_engine *pe, const struct in6_addr *peer, bool up)
{
	if (pe->role == PMIP_ROLE_MAG)
		pmip_mag_sa_ready(pe, peer, up);
}

void pmip_peer_restarted(struct pmip_engine *pe, const struct in6_addr *peer)
{
	pe->stats.peer_restarts++;
	if (pe->role == PMIP_ROLE_MAG)
		pmip_mag_peer_restarted(pe, peer);
	else
		pmip_lma_peer_gone(pe, peer, "the MAG restarted (RFC 5847 5.2)");
}

void pmip_peer_lost(struct pmip_engine *pe, const struct in6_addr *peer)
{
	pe->stats.peers_lost++;
	if (pe->role == PMIP_ROLE_MAG)
		pmip_mag_peer_lost(pe, peer);
	else
		pmip_lma_peer_gone(pe, peer, "the MAG stopped answering Heartbeats (RFC 5847 5.3)");
}

/* ------------------------------------------------------------ queries -- */

const struct pmip_binding *pmip_binding_by_mac(const struct pmip_engine *pe, const uint8_t mac[6])
{
	if (pe->role == PMIP_ROLE_MAG) {
		const struct pmip_entry *e = pmip_entry_by_mac(pe, mac);
		return e != NULL ? &e->b : NULL;
	}
	for (uint32_t i = 0; i < pe->max; i++)
		if (pe->entries[i].state != PMIP_ST_FREE && memcmp(pe->entries[i].b.mac, mac, 6) == 0)
			return &pe->entries[i].b;
	return NULL;
}

const struct pmip_binding *pmip_binding_by_mn_id(const struct pmip_engine *pe, const char *mn_id)
{
	const struct pmip_entry *e = pmip_entry_by_mn(pe, mn_id, strlen(mn_id));
	return e != NULL ? &e->b : NULL;
}

const struct pmip_binding *pmip_binding_by_hoa(const struct pmip_engine *pe,
					       const struct in6_addr *hoa)
{
	const struct pmip_entry *e = pmip_entry_by_hoa(pe, hoa);
	return e != NULL ? &e->b : NULL;
}

unsigned pmip_binding_count(const struct pmip_engine *pe)
{
	return pe->count;
}

/* A JSON string body: quote, backslash and control octets escaped. */
static void json_str(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	for (; *s != '\0' && n + 7 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			out[n++] = '\\';
			out[n++] = (char)c;
		} else if (c < 0x20 || c >= 0x7f) {
			n += (size_t)snprintf(out + n, cap - n, "\\u%04x", c);
		} else {
			out[n++] = (char)c;
		}
	}
	out[n] = '\0';
}

size_t pmip_engine_list(const struct pmip_engine *pe, char *out, size_t cap)
{
	size_t n = 0;
	if (cap == 0)
		return 0;
	out[0] = '\0';
	for (uint32_t i = 0; i < pe->max; i++) {
		const struct pmip_entry *e = &pe->entries[i];
		if (e->state == PMIP_ST_FREE)
			continue;
		char id[PMIP_MH_NAI_MAX * 6 + 1], hnp[INET6_ADDRSTRLEN], hoa[INET6_ADDRSTRLEN],
			peer[INET6_ADDRSTRLEN], line[2048];
		json_str(e->b.mn_id, id, sizeof(id));
		const uint8_t *m = e->b.mac;
		int k = snprintf(line, sizeof(line),
				 "{\"id\":%u,\"mn_id\":\"%s\",\"state\":\"%s\",\"mac\":\"%02x:%02x:%02x:%02x:%02x:%02x\","
				 "\"port\":%u,\"hnp\":\"%s/64\",\"hoa\":\"%s\",\"peer\":\"%s\",\"lifetime_s\":%u,"
				 "\"att\":%u,\"hi\":%u,\"dp\":%s}\n",
				 e->b.id, id, pmip_state_name(e->state), m[0], m[1], m[2], m[3], m[4], m[5],
				 e->b.access_port, pmip_addr_str(&e->b.hnp, hnp),
				 pmip_addr_str(&e->b.hoa, hoa), pmip_addr_str(&e->b.peer, peer),
				 e->b.lifetime_s, e->b.att, e->b.hi, e->dp_up ? "true" : "false");
		if (k < 0 || (size_t)k >= cap - n)
			break; /* whole lines only */
		memcpy(out + n, line, (size_t)k + 1);
		n += (size_t)k;
	}
	return n;
}
