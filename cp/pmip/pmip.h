/* PMIPv6 signalling (RFC 5213) between MAG and LMA: the engine, both roles.
 *
 * Like the IKEv2 engine (cp/ike/ikev2.h), it owns the protocol state and
 * timers and reaches the world only through struct pmip_env: sending a
 * Mobility Header under the ESP SA to a peer, installing and removing the
 * data-plane state of a binding, asking for the IKE SA to a peer, telling
 * the MN (Router Advertisement). So tests run a MAG and an LMA in memory,
 * and pmip-cp plugs in its data plane (cp/pmip_glue.c).
 *
 *   pmip.h         this interface: profiles, bindings, env, engine calls
 *   pmip_mag.c     MAG: the binding update list (RFC 5213 6): attach,
 *                  PBU with retransmission (6.9.4), PBA handling (6.9.1.2),
 *                  refresh before the lifetime ends, de-registration,
 *                  duplicate home address (status 134: seed 4.3, 4.4.3)
 *   pmip_lma.c     LMA: the binding cache (RFC 5213 5): PBU processing
 *                  (5.3), authorisation of the MAG by the SA it used,
 *                  timestamps (5.5), Handoff Indicator (5.4.1), lifetime,
 *                  PBA status codes (8.9), expiry
 *   pmip_hb.c      Heartbeat (RFC 5847) with restart counters, both roles
 *
 * Messages are built and parsed by common/net/mh.h. Times are the event
 * loop's (CLOCK_MONOTONIC) except the Timestamp option (CLOCK_REALTIME,
 * from env.now_realtime so tests can move it).
 *
 * The home address on the wire (this project's convention, not RFC
 * 5213's: the base protocol has no home-address option). In the seed's
 * shared-prefix model (seed 4.4.3) several MNs share a /64 and each has a
 * home address (profile, or IKEv2's configuration payload). When a MAG's
 * binding has a home address, its PBU carries, besides the MN's /64 Home
 * Network Prefix option, a second Home Network Prefix option of length
 * 128 holding that address (RFC 5213 8.3 allows several). The LMA takes a
 * /128 inside the MN's /64 as the home address (else the profile's hoa),
 * refuses it with status 134 when another MN's binding holds it (seed
 * 4.3), and echoes both options in the PBA. pmip_binding.hoa is that
 * address on both sides.
 *
 * Counters are per engine: a MAG counts what it sees (rejected: PBAs with
 * a status >= 128; accepted: PBAs with a status < 128; deregistrations:
 * lifetime-0 PBUs it sent), an LMA what it answers.
 */
#ifndef PMIP_CP_PMIP_PMIP_H
#define PMIP_CP_PMIP_PMIP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "evloop.h"
#include "hmap.h"
#include "net/mh.h"

/* A mobile node's profile (seed 4.2.1, 4.4.1: pre-configuration). Where
 * profiles come from is the env's (pmip_env.profile_by_*): today a table
 * in the gateway's configuration, later AAA; the engine only reads them. */
struct pmip_profile {
	char mn_id[PMIP_MH_NAI_MAX + 1];  /* NAI, NUL-terminated: the MN-ID option */
	uint8_t mac[6];                   /* the MN's link-layer identifier */
	struct in6_addr lma;              /* its LMA (MAG side) */
	struct in6_addr hnp;              /* home network prefix, /64 */
	struct in6_addr hoa;              /* home address (shared prefix model), or :: */
};

/* One registration, as both roles keep it and the data plane needs it. */
struct pmip_binding {
	uint32_t id;                      /* the engine's; the env maps it to dp ids */
	char mn_id[PMIP_MH_NAI_MAX + 1];
	uint8_t mac[6];
	uint16_t access_port;             /* MAG: where the MN is attached */
	struct in6_addr hnp;              /* /64 */
	struct in6_addr hoa;              /* :: unless shared prefix */
	struct in6_addr peer;             /* MAG: the LMA; LMA: the serving MAG (proxy CoA) */
	uint32_t lifetime_s;              /* granted */
	uint64_t timestamp;               /* of the accepted PBU (RFC 5213 5.5) */
	uint8_t att, hi;
};

/* What the engine asks of its environment. Every callback may be NULL in
 * tests that do not need it, except send_mh and the profile lookups. */
struct pmip_env {
	void *ctx;
	/* Profiles: MAG by the attaching MN's MAC, LMA by the PBU's MN-ID.
	 * NULL: unknown MN. The pointer stays valid until the next call. */
	const struct pmip_profile *(*profile_by_mac)(void *ctx, const uint8_t mac[6]);
	const struct pmip_profile *(*profile_by_mn_id)(void *ctx, const char *mn_id);
	/* LMA: may the MAG at this address register this MN (RFC 5213
	 * 5.3.1: the PBU must come from a MAG authorised for the MN)? */
	bool (*mag_authorised)(void *ctx, const struct pmip_profile *p, const struct in6_addr *mag);
	/* Send a Mobility Header (whole, checksummed, from local to peer)
	 * under the ESP SA with peer (RFC 5213 4). 0 or -1 (no SA yet, ring
	 * full: counted by the env; the engine retransmits or waits). */
	int (*send_mh)(void *ctx, const struct in6_addr *peer, const uint8_t *mh, size_t len);
	/* MAG: is the IKE/ESP SA with this LMA up? If not, start it (seed
	 * 4.3: one per MAG-LMA pair) and say false; the env calls
	 * pmip_sa_ready() when it comes up. */
	bool (*sa_up)(void *ctx, const struct in6_addr *peer);
	/* Install (or move: same id, new peer) and remove a binding's
	 * data-plane state. 0 or -1. */
	int (*binding_up)(void *ctx, const struct pmip_binding *b);
	void (*binding_down)(void *ctx, const struct pmip_binding *b);
	/* MAG: the MN is registered: send it a Router Advertisement with
	 * its home network prefix (RFC 5213 6.7). */
	void (*mn_registered)(void *ctx, const struct pmip_binding *b);
	/* MAG: the LMA said the home address is another MN's (status 134,
	 * seed 4.3): tear down the IKE SA to that LMA and set it up again to
	 * get a new address; the env then calls pmip_mag_new_hoa(). */
	void (*hoa_conflict)(void *ctx, const struct pmip_binding *b);
	/* Wall-clock time for the Timestamp option (RFC 5213 5.5). */
	uint64_t (*now_realtime_ns)(void *ctx);
};

/* Counters: one per broken rule and event. */
#define PMIP_SIG_COUNTERS(X)                                                   \
	X(rx, "Mobility Headers received")                                     \
	X(rx_malformed, "did not parse (rule logged)")                         \
	X(rx_unprotected, "not under ESP, or under another peer's SA")         \
	X(rx_unexpected, "a PBA for no outstanding PBU, a PBU at a MAG, ...")  \
	X(pbu_sent, "PBUs sent (retransmissions included)")                    \
	X(pbu_retransmit, "PBUs retransmitted")                                \
	X(pba_sent, "PBAs sent")                                               \
	X(accepted, "registrations accepted (PBA status 0)")                   \
	X(rejected, "PBUs answered with an error status")                      \
	X(stale_timestamp, "PBUs with a timestamp older than the binding's")   \
	X(unknown_mn, "PBUs or attachments for an MN without a profile")       \
	X(unauthorised_mag, "PBUs from a MAG not allowed for that MN")         \
	X(hoa_conflicts, "home addresses already another MN's (status 134)")   \
	X(handovers, "bindings moved to another MAG")                          \
	X(deregistrations, "bindings removed by a lifetime-0 PBU")             \
	X(expired, "bindings whose lifetime ended")                            \
	X(timeouts, "PBUs given up after the last retransmission")             \
	X(peer_restarts, "peers whose restart counter changed (RFC 5847)")    \
	X(peers_lost, "peers that stopped answering Heartbeats")

struct pmip_sig_stats {
#define PMIP_SIG_CTR_FIELD(name, help) uint64_t name;
	PMIP_SIG_COUNTERS(PMIP_SIG_CTR_FIELD)
#undef PMIP_SIG_CTR_FIELD
};

struct pmip_engine;

/* Engine life. cfg: role and [pmip] (struct pmip_config_pmip: lifetimes,
 * timers, max_bindings). local: our address (the core port's). max:
 * bindings (cfg->pmip.max_bindings unless a test wants fewer). */
struct pmip_engine *pmip_engine_new(const struct pmip_config *cfg, struct evloop *loop,
				    const struct pmip_env *env, const struct in6_addr *local,
				    uint32_t max);
void pmip_engine_free(struct pmip_engine *pe);
const struct pmip_sig_stats *pmip_engine_stats(const struct pmip_engine *pe);

/* A Mobility Header from peer (src) to us, len octets, that arrived under
 * ESP SA sa_protected_by_peer (true: the SA is bound to src, as dp checked
 * for the Mobility Header; false: it did not arrive under such an SA). */
void pmip_input(struct pmip_engine *pe, const struct in6_addr *src, const struct in6_addr *dst,
		const uint8_t *mh, size_t len, bool protected_by_peer);

/* The IKE/ESP SA with peer came up (MAG: waiting PBUs go now) or went
 * away. */
void pmip_sa_ready(struct pmip_engine *pe, const struct in6_addr *peer, bool up);

/* Heartbeat (RFC 5847, cp/pmip/pmip_hb.c) says: peer restarted (its
 * Restart Counter changed, RFC 5847 5.2: it lost its bindings) or
 * stopped answering (5.3). MAG: a restarted LMA gets every MN registered
 * with it registered again (PBUs as for a first registration: the LMA
 * has no binding to refresh); a lost LMA's bindings go down in dp and the MNs
 * wait for the SA to come back (pmip_sa_ready) to register again.
 * LMA: every binding served by that MAG is removed. */
void pmip_peer_restarted(struct pmip_engine *pe, const struct in6_addr *peer);
void pmip_peer_lost(struct pmip_engine *pe, const struct in6_addr *peer);

/* MAG: an MN appeared on an access port (its first Router Solicitation
 * or packet): register it if it has a profile (env.profile_by_mac);
 * nothing if it is registered or registering already. */
void pmip_mag_attach(struct pmip_engine *pe, const uint8_t mac[6], uint16_t access_port,
		     uint8_t att);
/* MAG: the MN left (or its profile was withdrawn): de-register. */
void pmip_mag_detach(struct pmip_engine *pe, const uint8_t mac[6]);
/* MAG: after a home-address conflict, the new address to register with. */
void pmip_mag_new_hoa(struct pmip_engine *pe, const uint8_t mac[6], const struct in6_addr *hoa);

/* Bindings for pmipctl, and lookups for tests. pmip_engine_list writes
 * one JSON object per binding and line into out (NUL-terminated, whole
 * lines only: those that do not fit are left out), e.g.
 *   {"id":1,"mn_id":"mn1@example.net","state":"registered",
 *    "mac":"02:00:00:00:00:01","port":1,"hnp":"2001:db8:1::/64",
 *    "hoa":"2001:db8:1::10","peer":"2001:db8:c::2","lifetime_s":3600,
 *    "att":3,"hi":5,"dp":true}
 * state: MAG wait-sa, wait-hoa, registering, registered, refreshing,
 * deregistering, retry; LMA active, deleting (de-registered, kept for
 * MinDelayBeforeBCEDelete, RFC 5213 5.3.5). dp: binding_up was called and
 * binding_down not yet. Returns the octets written (without the NUL).
 * The lookups also return bindings that are not (or no longer) up:
 * registering at a MAG, deleting at an LMA. */
size_t pmip_engine_list(const struct pmip_engine *pe, char *out, size_t cap);
const struct pmip_binding *pmip_binding_by_mac(const struct pmip_engine *pe, const uint8_t mac[6]);
const struct pmip_binding *pmip_binding_by_mn_id(const struct pmip_engine *pe, const char *mn_id);
unsigned pmip_binding_count(const struct pmip_engine *pe);
/* The binding holding home address hoa (shared-prefix model), or NULL:
 * the LMA's address pool must not hand it out again (seed 4.4.3). */
const struct pmip_binding *pmip_binding_by_hoa(const struct pmip_engine *pe,
					       const struct in6_addr *hoa);

#endif
