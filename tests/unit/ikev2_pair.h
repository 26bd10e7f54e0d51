/* Two (or more) IKEv2 engines in one process, joined by an in-memory
 * network that can lose, duplicate, reorder and rewrite datagrams (a NAT).
 * The environment records what the data plane would get: each ESP SA with
 * its SPI, direction and keys, so tests check that both ends agree.
 * Used by tests/unit/test_ikev2*.c and tests/bench/bench_ike.c. */
#ifndef PMIP_TESTS_IKEV2_PAIR_H
#define PMIP_TESTS_IKEV2_PAIR_H

#include <stdbool.h>
#include <stdint.h>

#include "evloop.h"
#include "ikev2.h"
#include "memnet.h"

#define PAIR_MAX_NODES 3
#define PAIR_MAX_SAS 64
#define PAIR_QUEUE 256

/* One ESP SA as installed through env.child_up. */
struct pair_esp {
	bool used;
	bool inbound;
	bool held;           /* outbound, c->out_held at child_up, until released */
	uint32_t id;
	uint32_t spi;
	uint8_t mode;
	struct ike_suite suite;
	uint8_t encr[IKE_ENCR_KEY_MAX], integ[IKE_INTEG_KEY_MAX];
	size_t encr_len, integ_len;
};

struct pair_net;

struct pair_node {
	const char *name;
	struct pmip_config cfg;
	struct ikev2 e;
	struct in6_addr addr;
	struct pair_net *net;
	struct pair_esp esp[PAIR_MAX_SAS];
	uint32_t next_id;
	unsigned child_up, child_down, state_changes, keylogs, keepalives;
	unsigned out_releases;       /* env.child_out_release calls */
	unsigned out_stops;          /* env.child_out_stop calls */
	char last_keylog[512];
	char keylog[16][512];        /* the last 16 lines, oldest overwritten */
	/* Home-address pool of the LMA (env.assign_address). */
	bool pool_refuses;
	struct in6_addr taken[16];
	unsigned n_taken;
	unsigned next_host;
	unsigned released;
};

struct pair_dgram {
	int to;
	struct in6_addr src, dst;
	uint16_t sport, dport;
	size_t len;
	uint8_t data[IKEV2_MSG_MAX];
};

struct pair_net {
	struct memnet mn; /* loop, faults, seed, counters, n: see memnet.h */
	struct pair_dgram slots[PAIR_QUEUE + 1];
	struct pair_node *nodes[PAIR_MAX_NODES];
	unsigned n_nodes;
	/* Everything addressed to this node is dropped (a dead peer). */
	int blackhole;
	/* A NAT in front of node nat_node (-1: none): its source address
	 * and ports are rewritten to nat_addr:nat_port_base+port%10000 on the
	 * way out, and back on the way in. */
	int nat_node;
	struct in6_addr nat_addr;
	uint16_t nat_port_base;
	/* Inspect or change a datagram before delivery; false drops it. */
	bool (*tap)(struct pair_net *net, struct pair_dgram *d);
	void *tap_ctx;
};

/* A node: role "mag" or "lma", its IKE address, and the caller's [ike]
 * and [ike.peer.*] sections; gateway, ports and log are filled in. The
 * engine's retransmission starts at 10 ms (below what the ini allows).
 * Returns 0 or -1 (errors printed). */
int pair_node_init(struct pair_node *n, struct pair_net *net, const char *name, const char *role,
		   const char *addr, const char *ini);
void pair_node_fini(struct pair_node *n);
void pair_net_init(struct pair_net *net);
void pair_net_fini(struct pair_net *net);

/* Deliver queued datagrams and run due timers until cond(arg) holds or,
 * without cond, until nothing is queued and no request waits for an
 * answer: true then; false once max_ms have passed. */
bool pair_run(struct pair_net *net, bool (*cond)(void *arg), void *arg, unsigned max_ms);

/* Run timers and deliver for ms of real time. */
void pair_wait(struct pair_net *net, unsigned ms);

/* Helpers for assertions. */
unsigned pair_sas(const struct pair_node *n, enum ikev2_state state);
struct ikev2_sa *pair_first_sa(struct pair_node *n, enum ikev2_state state);
unsigned pair_esp_count(const struct pair_node *n);
/* Was a key log line written for the IKE SA with these SPIs? */
bool pair_keylog_has(const struct pair_node *n, uint64_t spi_i, uint64_t spi_r);
const struct pair_esp *pair_esp_by_spi(const struct pair_node *n, uint32_t spi, bool inbound);
/* Every outbound ESP SA of a has a matching inbound SA at b with the same
 * SPI, suite and keys, and the other way round; *pairs counts them. */
bool pair_esp_match(const struct pair_node *a, const struct pair_node *b, unsigned *pairs);

#endif
