/* PMIPv6 engines (MAGs and LMAs) in one process, joined by an in-memory
 * network that can lose, duplicate and reorder Mobility Headers, with a
 * fake environment that records what the data plane and the access link
 * would get (binding_up/down, Router Advertisements, home-address
 * conflicts), answers sa_up from a switch per node, and gives each node a
 * realtime clock the test can skew. Used by tests/unit/test_pmip*.c. */
#ifndef PMIP_TESTS_PMIP_PAIR_H
#define PMIP_TESTS_PMIP_PAIR_H

#include <stdbool.h>
#include <stdint.h>

#include "evloop.h"
#include "memnet.h"
#include "pmip.h"

#define PP_MAX_NODES 4
#define PP_MAX_PROFILES 8
#define PP_MAX_DP 32
#define PP_QUEUE 256

struct pp_net;

struct pp_node {
	const char *name;
	struct pmip_config cfg;       /* [pmip] filled by pp_node_init; tests may change it */
	struct pmip_engine *pe;
	struct pmip_env env;
	struct in6_addr addr;
	struct pp_net *net;
	/* The data plane as binding_up/down left it: by binding id. */
	bool dp_used[PP_MAX_DP];
	struct pmip_binding dp[PP_MAX_DP];
	unsigned ups, downs, down_unknown, registered, conflicts, sa_asked;
	struct pmip_binding last_up, last_down, last_registered, last_conflict;
	/* env.sa_up answers !sa_down; env.mag_authorised answers !deny_mags. */
	bool sa_down;
	bool deny_mags;
	int64_t clock_skew_ns;        /* added to CLOCK_REALTIME */
	/* The last Mobility Header this node sent (also when dropped). */
	uint8_t last_tx[PMIP_MH_MAX_LEN];
	size_t last_tx_len;
	struct in6_addr last_tx_dst;
	unsigned tx;
};

struct pp_msg {
	int to;
	struct in6_addr src, dst;
	size_t len;
	uint8_t data[PMIP_MH_MAX_LEN];
};

struct pp_net {
	struct memnet mn; /* loop, faults, seed, counters, n: see memnet.h */
	struct pp_msg slots[PP_QUEUE + 1];
	struct pp_node *nodes[PP_MAX_NODES];
	unsigned n_nodes;
	struct pmip_profile profiles[PP_MAX_PROFILES];
	unsigned n_profiles;
	int blackhole;                /* node index whose traffic is dropped, or -1 */
	bool unprotected;             /* deliver with protected_by_peer false */
	/* Inspect or change a message before delivery; false drops it. */
	bool (*tap)(struct pp_net *net, struct pp_msg *m);
};

void pp_net_init(struct pp_net *net);
void pp_net_fini(struct pp_net *net);
/* role "mag" or "lma". Timers for tests: PBU retransmission 20 ms
 * doubling to 160 ms, lifetime 3600 s, refresh at 75 %, timestamp window
 * 300 ms, BCE delete delay 100 ms. 0 or -1. */
int pp_node_init(struct pp_node *n, struct pp_net *net, const char *name, const char *role,
		 const char *addr);
/* The node restarts: a new engine (empty table, zero counters), the
 * data plane forgotten. 0 or -1. */
int pp_node_restart(struct pp_node *n);
/* A profile both roles see: mac is 02:00:00:00:00:<k>, hoa may be NULL. */
const struct pmip_profile *pp_profile_add(struct pp_net *net, const char *mn_id, uint8_t k,
					  const char *lma, const char *hnp, const char *hoa);
void pp_mac(uint8_t k, uint8_t mac[6]);

/* Deliver queued messages and run due timers until cond(arg) holds, or
 * (cond NULL) nothing is queued and no PBU waits for its PBA, or max_ms
 * pass. Returns whether it got there. */
bool pp_run(struct pp_net *net, bool (*cond)(void *arg), void *arg, unsigned max_ms);
/* Run timers and deliver for ms of real time. */
void pp_wait(struct pp_net *net, unsigned ms);
/* Deliver a message to node as if it came from src, protected or not. */
void pp_inject(struct pp_node *to, const struct in6_addr *src, const uint8_t *mh, size_t len,
	       bool protected_by_peer);

/* The dp binding a node has for this MN-ID, or NULL. */
const struct pmip_binding *pp_dp_by_mn(const struct pp_node *n, const char *mn_id);
unsigned pp_dp_count(const struct pp_node *n);
/* The realtime clock of node n, as the engine reads it, as a Timestamp. */
uint64_t pp_timestamp(const struct pp_node *n);

#endif
