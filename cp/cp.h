/* pmip-cp: the daemon's context and the interfaces between its modules.
 *
 *   dp_link.c   the shared-memory link to pmip-dp
 *   ctl_queue.c ctl messages to dp: queued when the ring is full, acks
 *               matched back to who asked
 *   neigh.c     neighbour resolution (RFC 4861 7.2) for dp's next hops
 *   routing.c   connected and static routes; egress choice for tunnels
 *   tunnels.c   IPv6-in-IPv6 tunnels to peer gateways, shared by bindings
 *   bindings.c  the binding store (cp is the source of truth; dp a copy)
 *   ra.c        MAG: Router Advertisements with each MN's home prefix
 *   admin.c     the control socket that pmipctl talks to
 *   echo.c      ICMPv6 echo for our own addresses
 *   sa.c        ESP SAs: store, key log, expiry
 *   ike_glue.c  the IKEv2 engine (cp/ike/) wired to dp, SAs and addresses
 *   home_addr.c home addresses an LMA assigns (seed 4.4.2, 4.4.3)
 */
#ifndef PMIP_CP_CP_H
#define PMIP_CP_CP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "dp_link.h"
#include "echo.h"
#include "evloop.h"
#include "hmap.h"

struct cp_ctx;

/* ---------------------------------------------------------- ctl_queue -- */

/* Called once per message: status is PMIP_CTL_OK, a reject reason, or
 * CP_CTL_LOST if dp went away before answering. */
#define CP_CTL_LOST 0xffff
typedef void (*cp_ack_cb)(struct cp_ctx *cp, void *arg, uint16_t status);

struct cp_ctl_pending;

struct cp_ctl_queue {
	struct cp_ctl_pending *q;   /* waiting for ring space */
	size_t q_head, q_len, q_cap;
	struct cp_ctl_pending *fly; /* sent, waiting for their ack (in order) */
	size_t f_head, f_len, f_cap;
	uint64_t sent, acked, rejected, lost;
};

int cp_ctl_init(struct cp_ctl_queue *q);
void cp_ctl_free(struct cp_ctl_queue *q);
/* Queue m (type and body set) for dp; cb may be NULL. Messages go in order. */
void cp_ctl_send(struct cp_ctx *cp, const struct pmip_ctl_msg *m, cp_ack_cb cb, void *arg);
void cp_ctl_flush(struct cp_ctx *cp);
void cp_ctl_on_ack(struct cp_ctx *cp, const struct pmip_evt_msg *e);
/* dp went away: everything queued or in flight is answered CP_CTL_LOST. */
void cp_ctl_reset(struct cp_ctx *cp);

/* -------------------------------------------------------------- neigh -- */

enum cp_neigh_state { NEIGH_INCOMPLETE, NEIGH_REACHABLE, NEIGH_PROBE, NEIGH_FAILED };

struct cp_neigh {
	bool in_use;
	uint16_t port;
	enum cp_neigh_state state;
	uint8_t mac[6];
	uint8_t probes;        /* unanswered NS in this state */
	uint32_t users;        /* tunnels and routes that pin it */
	struct in6_addr ip;
	struct evloop_timer timer;
};

struct cp_neigh_table {
	struct cp_neigh *e;    /* [max] by id */
	uint32_t max;
	uint32_t next_free_hint;
	struct hmap by_key;    /* (port, ip) -> id */
	uint64_t ns_sent, na_received, na_ignored, resolved, failed;
};

int cp_neigh_init(struct cp_ctx *cp, uint32_t max);
/* The id for (port, ip), created (and resolution started) if new; pinned
 * entries stay until unpinned. UINT32_MAX if the table is full. */
uint32_t cp_neigh_get(struct cp_ctx *cp, uint16_t port, const struct in6_addr *ip, bool pin);
void cp_neigh_unpin(struct cp_ctx *cp, uint32_t id);
void cp_neigh_on_miss(struct cp_ctx *cp, const struct pmip_evt_neigh_miss *m);
void cp_neigh_on_na(struct cp_ctx *cp, const struct pmip_pkt_msg *pkt);
void cp_neigh_push_all(struct cp_ctx *cp);

/* ------------------------------------------------------------ routing -- */

struct cp_route_choice {
	uint16_t port;
	struct in6_addr next_hop; /* the destination itself when on-link */
};

/* Push connected and static routes to dp (on every dp start). */
void cp_routing_push_all(struct cp_ctx *cp);
/* Egress for a destination: longest match over connected prefixes and
 * static routes. false if unreachable. */
bool cp_routing_lookup(const struct cp_ctx *cp, const struct in6_addr *dst,
		       struct cp_route_choice *out);
/* Our source address on a port: its first configured address. */
const struct in6_addr *cp_port_address(const struct cp_ctx *cp, uint16_t port);
/* The port's link-local address (from its MAC, once dp told us). */
bool cp_port_link_local(const struct cp_ctx *cp, uint16_t port, struct in6_addr *out);

/* The address of our first core port: IKE's and PMIPv6's source; NULL
 * if no core port has one. */
const struct in6_addr *cp_core_address(const struct cp_ctx *cp);

/* Sending an IPv6 packet that cp originates (IKE, Mobility Header). */
enum cp_send_result {
	CP_SENT = 0,
	CP_SEND_NO_ROUTE,
	CP_SEND_NO_NEIGH,     /* next hop not resolved yet; resolution started */
	CP_SEND_TOO_BIG,      /* over the egress link's MTU */
	CP_SEND_RING_FULL,    /* tx ring full, or dp not attached */
};
const char *cp_send_result_name(enum cp_send_result r);
/* The IPv6 header from src to dst (next header proto, hop limit 64) and
 * payload, framed to the next hop towards dst and handed to dp through
 * the tx ring, protected by ESP SA sa_id (0: sent as is). */
enum cp_send_result cp_ip6_send(struct cp_ctx *cp, const struct in6_addr *src,
				const struct in6_addr *dst, uint8_t proto, const uint8_t *payload,
				size_t len, uint32_t sa_id);

/* ------------------------------------------------------------ tunnels -- */

struct cp_tunnel {
	bool in_use;
	uint16_t port;
	uint16_t mtu;
	uint32_t users;
	uint32_t neigh_id;
	struct in6_addr local, remote;
};

struct cp_tunnel_table {
	struct cp_tunnel *e;
	uint32_t max;
	struct hmap by_remote;  /* remote address -> id */
};

int cp_tunnels_init(struct cp_ctx *cp, uint32_t max);
/* A tunnel to remote (created and pushed if new), with one more user.
 * UINT32_MAX with *why set if there is no route or no room. */
uint32_t cp_tunnel_acquire(struct cp_ctx *cp, const struct in6_addr *remote, const char **why);
void cp_tunnel_release(struct cp_ctx *cp, uint32_t id);
void cp_tunnels_push_all(struct cp_ctx *cp);

/* ----------------------------------------------------------- bindings -- */

struct cp_binding {
	bool in_use;
	uint8_t flags;            /* PMIP_BINDING_F_* */
	uint16_t access_port;     /* MAG */
	uint32_t tunnel_id;
	uint8_t mn_mac[6];        /* MAG */
	struct in6_addr hnp;      /* /64 */
	struct in6_addr hoa;      /* shared-prefix model */
	struct in6_addr peer;     /* LMA (on a MAG) or serving MAG (on an LMA) */
	uint8_t ra_initial;       /* MAG: initial RAs still to send */
	struct evloop_timer ra_timer; /* MAG */
};

struct cp_binding_table {
	struct cp_binding *e;
	uint32_t max;
	uint32_t count;
	struct hmap by_mn;        /* MAG: (port, mac) -> id, for RS */
	uint64_t moves;
};

struct cp_binding_spec {
	uint32_t id;
	struct in6_addr hnp;
	struct in6_addr hoa;
	uint8_t flags;
	struct in6_addr peer;
	uint16_t access_port;
	uint8_t mn_mac[6];
};

int cp_bindings_init(struct cp_ctx *cp, uint32_t max);
/* Add, or update (a new peer is a handover). cb gets dp's answer. Returns 0,
 * or -1 with *why if the spec is refused before reaching dp. */
int cp_binding_set(struct cp_ctx *cp, const struct cp_binding_spec *s, cp_ack_cb cb, void *arg,
		   const char **why);
int cp_binding_del(struct cp_ctx *cp, uint32_t id, cp_ack_cb cb, void *arg, const char **why);
void cp_bindings_push_all(struct cp_ctx *cp);

/* ----------------------------------------------------------------- ra -- */

void cp_ra_binding_added(struct cp_ctx *cp, uint32_t id);
void cp_ra_binding_removed(struct cp_ctx *cp, uint32_t id);
void cp_ra_on_rs(struct cp_ctx *cp, const struct pmip_pkt_msg *pkt);

struct cp_ra_stats {
	uint64_t sent_unsolicited, sent_solicited, rs_received, rs_unknown_mn, not_sent;
};

/* ----------------------------------------------------------------- sa -- */

struct cp_sa {
	bool in_use;
	bool soft_expired;
	uint64_t gen;             /* install order: the newest outbound SA wins */
	bool held;                /* outbound, from a rekey we answered: used only
				   * when no other SA to its peer is left */
	struct pmip_ctl_sa spec;  /* keys included; wiped when removed */
};

struct cp_sa_table {
	struct cp_sa *e;          /* [max] by id; id 0 unused */
	uint32_t max;
	uint32_t count;
	uint64_t next_gen;
	uint64_t soft_expiries, hard_expiries;
};

int cp_sa_init(struct cp_ctx *cp, uint32_t max);
void cp_sa_free(struct cp_ctx *cp);
int cp_sa_add(struct cp_ctx *cp, const struct pmip_ctl_sa *s, cp_ack_cb cb, void *arg,
	      const char **why);
int cp_sa_del(struct cp_ctx *cp, uint32_t id, cp_ack_cb cb, void *arg, const char **why);
/* The outbound SA to protect packets to dst with; 0 if none: the newest
 * whose remote is dst, or (tunnel mode) whose ts_remote covers it. */
uint32_t cp_sa_out_for(const struct cp_ctx *cp, const struct in6_addr *dst);
/* A free SA id other than except, the highest first (IKE's; SAs added by
 * hand usually take small ids); 0 if the table is full. */
uint32_t cp_sa_free_id(const struct cp_ctx *cp, uint32_t except);
void cp_sa_on_expire(struct cp_ctx *cp, const struct pmip_evt_sa_expire *x);
void cp_sa_push_all(struct cp_ctx *cp);

/* ---------------------------------------------------------- home_addr -- */

struct cp_home_addr {
	struct hmap taken;        /* address -> 1 */
	uint64_t next_host;
	uint64_t assigned, released, refused;
};

int cp_home_addr_init(struct cp_ctx *cp);
void cp_home_addr_free(struct cp_ctx *cp);
/* An address for a MAG's request: want if valid and free (may be :: or
 * NULL: any). false if there is no pool or it is exhausted. */
bool cp_home_addr_assign(struct cp_ctx *cp, const struct pmip_config_peer *peer,
			 const struct in6_addr *want, struct in6_addr *out, uint8_t *prefix_len);
void cp_home_addr_release(struct cp_ctx *cp, const struct in6_addr *addr);

/* ---------------------------------------------------------------- ike -- */

struct cp_ike;
/* IKE is on when the ini has [ike.peer] sections. */
int cp_ike_init(struct cp_ctx *cp);
void cp_ike_free(struct cp_ctx *cp);
void cp_ike_on_ready(struct cp_ctx *cp);
void cp_ike_on_punt(struct cp_ctx *cp, const struct pmip_pkt_msg *pkt);
void cp_ike_on_sa_expire(struct cp_ctx *cp, const struct pmip_evt_sa_expire *x);
/* "ike list|stats|initiate|rekey|delete ..." from the control socket:
 * the JSON answer in out; returns its length. */
size_t cp_ike_admin(struct cp_ctx *cp, char **argv, int argc, char *out, size_t cap);

/* PMIPv6's duplicate home address (seed 4.3): delete the IKE SA with the
 * LMA at peer and set up a new one whose CFG_REQUEST asks for a home
 * address; cp_pmip_on_home_address() gets it. 0, or -1 (not a peer). */
int cp_ike_renew_for_address(struct cp_ctx *cp, const struct in6_addr *peer);

/* --------------------------------------------------------------- pmip -- */

struct cp_pmip;
/* PMIPv6 signalling (cp/pmip_glue.c) is on when there is a core address
 * and an [ike.peer]; [pmip] profiles loads the MN profile table. */
int cp_pmip_init(struct cp_ctx *cp);
void cp_pmip_free(struct cp_ctx *cp);
void cp_pmip_on_punt(struct cp_ctx *cp, const struct pmip_pkt_msg *pkt);
/* SIGHUP: read the profile table again. A table with errors is refused
 * (each logged) and the old one stays; otherwise a MAG de-registers the
 * MNs whose profile is gone (RFC 5213 6.10: the MN is no longer
 * entitled). 0 or -1. */
int cp_pmip_reload_profiles(struct cp_ctx *cp);
/* LMA: does a binding hold this home address? (The IKE address pool
 * skips it.) */
bool cp_pmip_hoa_in_use(const struct cp_ctx *cp, const struct in6_addr *hoa);
/* MAG: a Router Solicitation from src of an MN without a binding
 * (attachment). */
void cp_pmip_on_unknown_mn(struct cp_ctx *cp, uint16_t port, const uint8_t mac[6],
			   const struct in6_addr *src);
/* The outbound ESP SA to peer came or went (cp/ike_glue.c). */
void cp_pmip_on_sa(struct cp_ctx *cp, const struct in6_addr *peer);
/* A renewed IKE SA with lma brought home address hoa. */
void cp_pmip_on_home_address(struct cp_ctx *cp, const struct in6_addr *lma,
			     const struct in6_addr *hoa);
size_t cp_pmip_admin(struct cp_ctx *cp, char **argv, int argc, char *out, size_t cap);

/* --------------------------------------------------------- presence -- */

/* MAG: Neighbor Unreachability Detection of registered MNs on their access
 * link (cp/mn_presence.c); off unless role mag and [pmip] mn_probe_s. */
struct cp_presence;
int cp_presence_init(struct cp_ctx *cp, uint32_t max);
void cp_presence_free(struct cp_ctx *cp);
/* An MN's Router Solicitation came from src (its link-local address). */
void cp_presence_learn(struct cp_ctx *cp, uint16_t port, const uint8_t mac[6],
		       const struct in6_addr *src);
/* Registered: probe it from now on. Its binding down: stop probing (its
 * address is kept). Forget: its entry goes (gone, profile withdrawn). */
void cp_presence_start(struct cp_ctx *cp, const uint8_t mac[6]);
void cp_presence_stop(struct cp_ctx *cp, const uint8_t mac[6]);
void cp_presence_forget(struct cp_ctx *cp, const uint8_t mac[6]);
/* A valid Neighbor Advertisement for target arrived on port. */
void cp_presence_on_na(struct cp_ctx *cp, uint16_t port, const struct in6_addr *target);
size_t cp_presence_stats(const struct cp_ctx *cp, char *out, size_t cap);
/* The MN stopped answering: de-register it (cp/pmip_glue.c). */
void cp_pmip_mn_gone(struct cp_ctx *cp, const uint8_t mac[6]);

/* -------------------------------------------------------------- admin -- */

int cp_admin_init(struct cp_ctx *cp, const char *path);
void cp_admin_close(struct cp_ctx *cp);

/* ---------------------------------------------------------------- ctx -- */

struct cp_ctx {
	const struct pmip_config *cfg;
	struct evloop *loop;
	struct dp_link link;
	struct cp_ctl_queue ctl;
	struct cp_neigh_table neigh;
	struct cp_tunnel_table tunnels;
	struct cp_binding_table bindings;
	struct cp_sa_table sas;
	struct cp_echo_stats echo;
	struct cp_ra_stats ra;
	struct cp_home_addr haddr;
	struct cp_ike *ike;           /* NULL: IKE off */
	struct cp_pmip *pmip;         /* NULL: PMIPv6 signalling off */
	struct cp_presence *presence; /* NULL: no MN presence checks */
	uint64_t punt_unhandled;
	uint32_t sa_ping_seq;
	int admin_fd;
	char admin_path[108];
};

#endif
