/* Internal to cp/pmip/pmip*.c (and to the tests, which look inside like
 * the IKEv2 tests do): the engine, its binding table and its indexes.
 *
 * Memory. One struct pmip_entry per binding, in one array allocated at
 * pmip_engine_new (max entries); nothing is allocated per message or per
 * binding afterwards. The indexes (MAC, MN-ID, home address) are chained
 * hash tables whose links live in the entries (uint32_t next_*) and whose
 * bucket heads are one array each, also allocated once: about 12 octets
 * per binding per index set, no tombstones, no rehash. The hmap of
 * common/ takes keys of at most 32 octets, and an MN-ID is up to 253.
 * No PBU is kept for retransmission: the MAG rebuilds it (a retransmission
 * takes a new sequence number and a fresh timestamp anyway, see
 * pmip_mag.c), so an entry is ~0.5 KiB whatever its state.
 */
#ifndef PMIP_CP_PMIP_PMIP_INTERNAL_H
#define PMIP_CP_PMIP_PMIP_INTERNAL_H

#include "pmip.h"

#define PMIP_NIL UINT32_MAX

/* Entry states. The MAG's are the binding update list's (RFC 5213 6),
 * the LMA's the binding cache's (RFC 5213 5). */
#define PMIP_STATES(X)                                                         \
	X(FREE, "free")                                                        \
	X(WAIT_SA, "wait-sa")             /* MAG: no SA with the LMA yet */    \
	X(WAIT_HOA, "wait-hoa")           /* MAG: status 134, new HoA due */   \
	X(REGISTERING, "registering")     /* MAG: first PBU outstanding */     \
	X(REGISTERED, "registered")       /* MAG: accepted, refresh armed */   \
	X(REFRESHING, "refreshing")       /* MAG: refresh PBU outstanding */   \
	X(DEREGISTERING, "deregistering") /* MAG: lifetime-0 PBU outstanding */ \
	X(RETRY, "retry")                 /* MAG: gave up, retry timer armed */ \
	X(ACTIVE, "active")               /* LMA: binding in force */          \
	X(DELETING, "deleting")           /* LMA: de-registered, kept for 5.3.5 */

enum pmip_state {
#define PMIP_STATE_ENUM(code, name) PMIP_ST_##code,
	PMIP_STATES(PMIP_STATE_ENUM)
#undef PMIP_STATE_ENUM
};

const char *pmip_state_name(enum pmip_state s);

struct pmip_engine;

struct pmip_entry {
	struct pmip_binding b;        /* what the env and the lookups see */
	struct pmip_engine *pe;       /* for the timer callbacks */
	uint8_t state;                /* enum pmip_state */
	bool dp_up;                   /* env.binding_up done: binding_down due */
	bool ts_retried;              /* MAG: one fresh-timestamp retry used (5.5) */
	bool registered_once;         /* MAG: the LMA has (had) this binding */
	bool hoa_indexed;             /* LMA: in by_hoa */
	bool dp_dirty;                /* MAG: the home address changed since binding_up */
	uint8_t next_hi;              /* MAG: HI of the next registration PBU */
	uint16_t seq;                 /* MAG: of the last PBU sent; LMA: last accepted */
	uint32_t rtx_ms;              /* MAG: current retransmission interval */
	uint32_t asked_s;             /* MAG: lifetime asked for in the PBU */
	uint32_t next_mac;            /* index chains; next_mac links the free list */
	uint32_t next_mn;
	uint32_t next_hoa;
	uint32_t idx;                 /* position in pe->entries */
	struct evloop_timer rtx;      /* MAG: PBU retransmission (RFC 5213 6.9.4) */
	struct evloop_timer life;     /* MAG: refresh or retry; LMA: expiry or
				       * the MinDelayBeforeBCEDelete wait (5.3.5) */
};

/* A chained hash index over entries: heads[hash & mask] -> entry index,
 * continued through one of the entries' next_* fields. */
struct pmip_index {
	uint32_t *heads;
	uint32_t mask;
};

struct pmip_engine {
	const struct pmip_config *cfg;
	enum pmip_role role;
	struct evloop *loop;
	struct pmip_env env;
	struct in6_addr local;
	struct pmip_entry *entries;
	uint32_t max;
	uint32_t count;               /* entries not FREE */
	uint32_t free_head;
	uint64_t hash_seed;
	struct pmip_index by_mac;     /* MAG */
	struct pmip_index by_mn;      /* both */
	struct pmip_index by_hoa;     /* LMA: ACTIVE entries with a home address */
	struct pmip_sig_stats stats;
};

/* pmip.c: the table and its indexes. */
struct pmip_entry *pmip_entry_new(struct pmip_engine *pe);
void pmip_entry_free(struct pmip_engine *pe, struct pmip_entry *e);
struct pmip_entry *pmip_entry_by_mac(const struct pmip_engine *pe, const uint8_t mac[6]);
struct pmip_entry *pmip_entry_by_mn(const struct pmip_engine *pe, const char *mn_id, size_t len);
struct pmip_entry *pmip_entry_by_hoa(const struct pmip_engine *pe, const struct in6_addr *hoa);
void pmip_index_mac(struct pmip_engine *pe, struct pmip_entry *e);
void pmip_index_mn(struct pmip_engine *pe, struct pmip_entry *e);
void pmip_index_hoa(struct pmip_engine *pe, struct pmip_entry *e);
void pmip_unindex_hoa(struct pmip_engine *pe, struct pmip_entry *e);
/* env.binding_up / binding_down, keeping dp_up. */
void pmip_dp_up(struct pmip_engine *pe, struct pmip_entry *e);
void pmip_dp_down(struct pmip_engine *pe, struct pmip_entry *e);
uint64_t pmip_now_timestamp(const struct pmip_engine *pe);
/* "2001:db8::1" into buf (INET6_ADDRSTRLEN). */
const char *pmip_addr_str(const struct in6_addr *a, char *buf);
bool pmip_addr_is_zero(const struct in6_addr *a);
/* The MN-ID option's NAI, NUL-terminated into out (PMIP_MH_NAI_MAX + 1),
 * non-printable octets as '?', for logs. */
const char *pmip_nai_print(const struct pmip_mh_opts *o, char *out);

/* pmip_mag.c */
void pmip_mag_input_pba(struct pmip_engine *pe, const struct in6_addr *src, const struct pmip_mh *m);
void pmip_mag_sa_ready(struct pmip_engine *pe, const struct in6_addr *peer, bool up);
void pmip_mag_peer_restarted(struct pmip_engine *pe, const struct in6_addr *peer);
void pmip_mag_peer_lost(struct pmip_engine *pe, const struct in6_addr *peer);
void pmip_mag_entry_init(struct pmip_engine *pe, struct pmip_entry *e);

/* pmip_lma.c */
void pmip_lma_input_pbu(struct pmip_engine *pe, const struct in6_addr *src,
			const struct in6_addr *dst, const struct pmip_mh *m);
/* Remove every binding served by this MAG (it restarted or was lost). */
void pmip_lma_peer_gone(struct pmip_engine *pe, const struct in6_addr *mag, const char *why);
void pmip_lma_entry_init(struct pmip_engine *pe, struct pmip_entry *e);

#endif
