/* pmip-cp's PMIPv6 signalling: the engine of cp/pmip/ (RFC 5213) plugged
 * into the data plane and the rest of cp.
 *
 *   in   Mobility Headers arrive as punts (PMIP_PUNT_MOBILITY): dp has
 *        decrypted them and checked that the ESP SA they came under is
 *        bound to their source (RFC 5213 4), and says which SA (sa_id).
 *        Router Solicitations from MNs without a binding are attachments
 *        (RFC 5213 6.9.1.1: the MAG detects the MN on its access link).
 *   out  Mobility Headers leave through the tx ring marked with the
 *        outbound ESP SA to the peer (cp_sa_out_for): dp encrypts them.
 *        Registrations become data-plane bindings (cp_binding_set: on a
 *        MAG the MN's uplink and downlink and its Router Advertisements,
 *        on an LMA the binding cache entry; a handover is the same id
 *        with a new peer, one atomic dp update).
 *   ike  the MAG's PBUs wait for the CHILD_SA to their LMA (seed 4.3, one
 *        IKE SA per MAG-LMA pair); a duplicate home address (status 134,
 *        seed 4.3 and 4.4.3) tears the IKE SA down and sets up a new one
 *        asking for a home address, which the MN is registered with.
 *
 * Heartbeats (RFC 5847, cp/pmip/pmip_hb.c) go to every peer whose SA has
 * come up; a peer that restarted (new Restart Counter) or stopped
 * answering is reported to the engine (pmip_peer_restarted / _lost).
 *
 * Profiles come from the table [pmip] profiles names (cp/pmip/
 * pmip_profiles.h); the engine sees them only through its env, which is
 * where AAA takes over later. */
#define LOG_MODULE "pmip"
#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "cp.h"
#include "log.h"
#include "net/pkt.h"
#include "pmip.h"
#include "pmip_dp.h"
#include "pmip_hb.h"
#include "pmip_profiles.h"

#define MAX_CONFLICTS 64

struct cp_pmip {
	struct pmip_engine *pe;
	struct pmip_hb *hb;            /* NULL: [pmip] heartbeat_s = 0 */
	struct pmip_profiles profiles;
	struct pmip_profile scratch;   /* what profile_by_* return points at */
	/* MNs whose home address was another's (status 134): they wait for
	 * the new IKE SA with their LMA to bring an address (seed 4.3). */
	struct {
		bool used;
		uint8_t mac[6];
		struct in6_addr lma;
	} conflicts[MAX_CONFLICTS];
	uint64_t rx_bad, rx_hb_unprotected, tx_no_sa, tx_failed, dp_failed, conflicts_dropped;
};

/* ---------------------------------------------------------------- env -- */

static const struct pmip_profile *env_profile_by_mac(void *ctx, const uint8_t mac[6])
{
	struct cp_pmip *g = ((struct cp_ctx *)ctx)->pmip;
	const struct pmip_profile_entry *e = pmip_profiles_by_mac(&g->profiles, mac);
	return e != NULL ? &e->p : NULL;
}

static const struct pmip_profile *env_profile_by_mn_id(void *ctx, const char *mn_id)
{
	struct cp_pmip *g = ((struct cp_ctx *)ctx)->pmip;
	const struct pmip_profile_entry *e = pmip_profiles_by_nai(&g->profiles, mn_id);
	return e != NULL ? &e->p : NULL;
}

static bool env_mag_authorised(void *ctx, const struct pmip_profile *p, const struct in6_addr *mag)
{
	struct cp_ctx *cp = ctx;
	/* p is what env_profile_by_mn_id returned: the p of a table entry. */
	const struct pmip_profile_entry *e = pmip_profile_entry_of(p);
	/* RFC 5213 5.3.1: the MAG must be authorised for the MN: one of the
	 * profile's mags=, and an IKE peer of ours (whose SA carried the PBU). */
	return pmip_profiles_mag_allowed(e, mag) &&
	       pmip_config_peer_by_addr(cp->cfg, mag) != NULL;
}

static int env_send_mh(void *ctx, const struct in6_addr *peer, const uint8_t *mh, size_t len)
{
	struct cp_ctx *cp = ctx;
	struct cp_pmip *g = cp->pmip;
	uint32_t sa = cp_sa_out_for(cp, peer);
	if (sa == 0) {
		/* RFC 5213 4: never in the clear. The engine retransmits. */
		g->tx_no_sa++;
		return -1;
	}
	enum cp_send_result r = cp_ip6_send(cp, cp_core_address(cp), peer, PMIP_IPPROTO_MH, mh, len, sa);
	if (r != CP_SENT) {
		g->tx_failed++;
		pmip_dbg("Mobility Header not sent: %s", cp_send_result_name(r));
		return -1;
	}
	return 0;
}

static bool env_sa_up(void *ctx, const struct in6_addr *peer)
{
	struct cp_ctx *cp = ctx;
	if (cp_sa_out_for(cp, peer) != 0)
		return true;
	/* The IKE keep-up timer brings up the SA to every configured LMA
	 * (cp/ike_glue.c); an LMA we have no [ike.peer] for never comes. */
	if (pmip_config_peer_by_addr(cp->cfg, peer) == NULL) {
		char a[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, peer, a, sizeof(a));
		pmip_warn("LMA %s of a profile is not an [ike.peer]: no SA, its MNs cannot register", a);
	}
	return false;
}

static int env_binding_up(void *ctx, const struct pmip_binding *b)
{
	struct cp_ctx *cp = ctx;
	struct cp_binding_spec s = cp_binding_spec_of(b);
	const char *why = NULL;
	if (cp_binding_set(cp, &s, NULL, NULL, &why) != 0) {
		cp->pmip->dp_failed++;
		pmip_warn("binding of %s not installed in the data plane: %s", b->mn_id, why);
		return -1;
	}
	return 0;
}

static void env_binding_down(void *ctx, const struct pmip_binding *b)
{
	struct cp_ctx *cp = ctx;
	cp_presence_stop(cp, b->mac);
	const char *why = NULL;
	if (cp_binding_del(cp, b->id, NULL, NULL, &why) != 0)
		pmip_dbg("binding of %s: %s", b->mn_id, why);
}

static void env_mn_registered(void *ctx, const struct pmip_binding *b)
{
	/* cp_binding_set started the MN's Router Advertisements (cp/ra.c:
	 * the initial burst, then periodic; RFC 5213 6.7); from now on its
	 * presence on the link is checked (cp/mn_presence.c). */
	cp_presence_start(ctx, b->mac);
	char hnp[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, &b->hnp, hnp, sizeof(hnp));
	pmip_info("%s registered: prefix %s/64, lifetime %u s", b->mn_id, hnp, b->lifetime_s);
}

static void env_hoa_conflict(void *ctx, const struct pmip_binding *b)
{
	struct cp_ctx *cp = ctx;
	struct cp_pmip *g = cp->pmip;
	unsigned free_slot = MAX_CONFLICTS;
	for (unsigned i = 0; i < MAX_CONFLICTS; i++) {
		if (g->conflicts[i].used && memcmp(g->conflicts[i].mac, b->mac, 6) == 0) {
			free_slot = i;
			break;
		}
		if (!g->conflicts[i].used && free_slot == MAX_CONFLICTS)
			free_slot = i;
	}
	if (free_slot == MAX_CONFLICTS) {
		g->conflicts_dropped++;
		pmip_warn("%s: too many home-address conflicts pending; it waits for the next attach",
			  b->mn_id);
		return;
	}
	g->conflicts[free_slot].used = true;
	memcpy(g->conflicts[free_slot].mac, b->mac, 6);
	g->conflicts[free_slot].lma = b->peer;
	/* Seed 4.3: "the MAG tears down the IKE SA ... and runs IKE_SA_INIT
	 * and IKE_AUTH again" to get a home address from the LMA. */
	if (cp_ike_renew_for_address(cp, &b->peer) != 0)
		pmip_warn("%s: cannot renew the IKE SA for a new home address", b->mn_id);
}

static uint64_t env_now_realtime_ns(void *ctx)
{
	(void)ctx;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void hb_peer_restarted(void *ctx, const struct in6_addr *peer)
{
	struct cp_ctx *cp = ctx;
	char a[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, peer, a, sizeof(a));
	pmip_notice("peer %s restarted (new Heartbeat Restart Counter): its bindings are gone", a);
	pmip_peer_restarted(cp->pmip->pe, peer);
}

static void hb_peer_lost(void *ctx, const struct in6_addr *peer)
{
	struct cp_ctx *cp = ctx;
	char a[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, peer, a, sizeof(a));
	pmip_warn("peer %s does not answer Heartbeats: its bindings are removed", a);
	pmip_peer_lost(cp->pmip->pe, peer);
}

/* Our Restart Counter (RFC 5847 3.2): from the file, incremented, or the
 * start time, which also differs at every restart. */
static uint32_t restart_counter(const struct pmip_config *cfg)
{
	if (cfg->pmip.restart_counter_file[0] != '\0') {
		int64_t v = pmip_hb_restart_counter_load_bump(cfg->pmip.restart_counter_file);
		if (v >= 0)
			return (uint32_t)v;
		pmip_warn("restart counter file %s unusable: the start time is the counter",
			  cfg->pmip.restart_counter_file);
	}
	return (uint32_t)time(NULL);
}

/* ------------------------------------------------------------- public -- */

int cp_pmip_init(struct cp_ctx *cp)
{
	const struct pmip_config *cfg = cp->cfg;
	const struct in6_addr *local = cp_core_address(cp);
	if (local == NULL || cfg->ike.n_peers == 0) {
		/* RFC 5213 4: signalling only under IPsec with a peer. */
		pmip_info("PMIPv6 signalling off: %s",
			  local == NULL ? "no address on a core port" : "no [ike.peer]");
		return 0;
	}
	struct cp_pmip *g = calloc(1, sizeof(*g));
	if (g == NULL)
		return -1;
	cp->pmip = g;
	if (cfg->pmip.profiles[0] != '\0') {
		struct pmip_config_errors errs = { 0 };
		if (pmip_profiles_load(cfg->pmip.profiles, cfg->path, &g->profiles, &errs) != 0) {
			for (unsigned i = 0; i < errs.n && i < PMIP_CFG_MAX_ERRORS; i++)
				pmip_err("%s", errs.msg[i]);
			return -1;
		}
		pmip_info("%u MN profiles from %s", g->profiles.n, g->profiles.path);
	}
	struct pmip_env env = {
		.ctx = cp,
		.profile_by_mac = env_profile_by_mac,
		.profile_by_mn_id = env_profile_by_mn_id,
		.mag_authorised = env_mag_authorised,
		.send_mh = env_send_mh,
		.sa_up = env_sa_up,
		.binding_up = env_binding_up,
		.binding_down = env_binding_down,
		.mn_registered = env_mn_registered,
		.hoa_conflict = env_hoa_conflict,
		.now_realtime_ns = env_now_realtime_ns,
	};
	/* dp ids are the engine's, 1..max: below [dp] max_bindings. */
	uint32_t max = cfg->pmip.max_bindings;
	if (max > cfg->dp.max_bindings - 1)
		max = cfg->dp.max_bindings - 1;
	g->pe = pmip_engine_new(cfg, cp->loop, &env, local, max);
	if (g->pe == NULL) {
		pmip_err("cannot create the PMIPv6 engine (%u bindings)", max);
		return -1;
	}
	if (cfg->pmip.heartbeat_s > 0) {
		struct pmip_hb_env hb_env = {
			.ctx = cp,
			.send_mh = env_send_mh,
			.peer_restarted = hb_peer_restarted,
			.peer_lost = hb_peer_lost,
		};
		uint32_t rc = restart_counter(cfg);
		g->hb = pmip_hb_new(cp->loop, &hb_env, local, rc, cfg->pmip.heartbeat_s,
				    cfg->pmip.heartbeat_misses, PMIP_CFG_MAX_PEERS);
		if (g->hb == NULL) {
			pmip_err("cannot create the Heartbeat module");
			return -1;
		}
		pmip_info("Heartbeat every %u s, restart counter %u", cfg->pmip.heartbeat_s, rc);
	}
	return 0;
}

void cp_pmip_free(struct cp_ctx *cp)
{
	struct cp_pmip *g = cp->pmip;
	if (g == NULL)
		return;
	pmip_hb_free(g->hb);
	pmip_engine_free(g->pe);
	pmip_profiles_free(&g->profiles);
	free(g);
	cp->pmip = NULL;
}

void cp_pmip_on_punt(struct cp_ctx *cp, const struct pmip_pkt_msg *pkt)
{
	struct cp_pmip *g = cp->pmip;
	if (g == NULL) {
		cp->punt_unhandled++;
		return;
	}
	struct pmip_eth_view eth;
	struct pmip_ipv6_view ip;
	if (pmip_eth_parse(pkt->data, pkt->len, &eth) != PMIP_PKT_ERR_OK ||
	    pmip_ipv6_parse(pkt->data + PMIP_ETH_HLEN, pkt->len - PMIP_ETH_HLEN, &ip) !=
		    PMIP_PKT_ERR_OK ||
	    ip.next_header != PMIP_IPPROTO_MH) {
		g->rx_bad++;
		return;
	}
	/* dp punts a Mobility Header only when the SA it came under is bound
	 * to its source (dp/local.c); sa_id 0 would be a dp bug, and the
	 * engine then drops it as unprotected. */
	const uint8_t *mh = pkt->data + PMIP_ETH_HLEN + PMIP_IPV6_HLEN;
	if (ip.payload_len >= 3 && mh[2] == PMIP_MH_TYPE_HB) {
		if (pkt->sa_id == 0) {
			g->rx_hb_unprotected++;   /* RFC 5847 6: protected as PBUs are */
			return;
		}
		if (g->hb != NULL)
			pmip_hb_input(g->hb, &ip.src, &ip.dst, mh, ip.payload_len);
		return;
	}
	pmip_input(g->pe, &ip.src, &ip.dst, pkt->data + PMIP_ETH_HLEN + PMIP_IPV6_HLEN,
		   ip.payload_len, pkt->sa_id != 0);
}

int cp_pmip_reload_profiles(struct cp_ctx *cp)
{
	struct cp_pmip *g = cp->pmip;
	const char *path = cp->cfg->pmip.profiles;
	if (g == NULL || path[0] == '\0') {
		pmip_notice("SIGHUP: no profile table to reload");
		return -1;
	}
	struct pmip_profiles fresh;
	struct pmip_config_errors errs = { 0 };
	if (pmip_profiles_load(path, cp->cfg->path, &fresh, &errs) != 0) {
		for (unsigned i = 0; i < errs.n && i < PMIP_CFG_MAX_ERRORS; i++)
			pmip_err("%s", errs.msg[i]);
		pmip_err("profile table not reloaded: the %u profiles in use stay", g->profiles.n);
		return -1;
	}
	struct pmip_profiles old = g->profiles;
	g->profiles = fresh;
	unsigned withdrawn = 0;
	for (unsigned i = 0; i < old.n; i++) {
		const struct pmip_profile *p = &old.e[i].p;
		if (pmip_profiles_by_mac(&fresh, p->mac) != NULL)
			continue;
		cp_presence_forget(cp, p->mac);
		if (cp->cfg->role == PMIP_ROLE_MAG && pmip_binding_by_mac(g->pe, p->mac) != NULL) {
			pmip_info("%s: profile withdrawn: de-registering", p->mn_id);
			pmip_mag_detach(g->pe, p->mac);
			withdrawn++;
		}
	}
	pmip_notice("%u MN profiles from %s (were %u); %u MNs de-registered", fresh.n, fresh.path,
		    old.n, withdrawn);
	pmip_profiles_free(&old);
	return 0;
}

bool cp_pmip_hoa_in_use(const struct cp_ctx *cp, const struct in6_addr *hoa)
{
	return cp->pmip != NULL && pmip_binding_by_hoa(cp->pmip->pe, hoa) != NULL;
}

void cp_pmip_on_unknown_mn(struct cp_ctx *cp, uint16_t port, const uint8_t mac[6],
			   const struct in6_addr *src)
{
	if (cp->pmip == NULL || cp->cfg->role != PMIP_ROLE_MAG)
		return;
	/* Only MNs with a profile are remembered: anyone can send an RS. */
	if (pmip_profiles_by_mac(&cp->pmip->profiles, mac) != NULL)
		cp_presence_learn(cp, port, mac, src);
	pmip_mag_attach(cp->pmip->pe, mac, port, PMIP_MH_ATT_ETHERNET);
}

void cp_pmip_mn_gone(struct cp_ctx *cp, const uint8_t mac[6])
{
	if (cp->pmip != NULL)
		pmip_mag_detach(cp->pmip->pe, mac);
}

void cp_pmip_on_sa(struct cp_ctx *cp, const struct in6_addr *peer)
{
	if (cp->pmip == NULL)
		return;
	bool up = cp_sa_out_for(cp, peer) != 0;
	/* A peer is probed from its first SA on, and stays probed: when its
	 * SA is gone the unanswered Heartbeats are what tells us it is lost
	 * (RFC 5847 5.2). */
	if (up && cp->pmip->hb != NULL && pmip_hb_peer_add(cp->pmip->hb, peer) < 0)
		pmip_warn("no room to probe another peer with Heartbeats");
	pmip_sa_ready(cp->pmip->pe, peer, up);
}

void cp_pmip_on_home_address(struct cp_ctx *cp, const struct in6_addr *lma,
			     const struct in6_addr *hoa)
{
	struct cp_pmip *g = cp->pmip;
	if (g == NULL)
		return;
	bool given = false;
	for (unsigned i = 0; i < MAX_CONFLICTS && !given; i++) {
		if (!g->conflicts[i].used || memcmp(&g->conflicts[i].lma, lma, 16) != 0)
			continue;
		g->conflicts[i].used = false;
		given = true;
		struct in6_addr a = *hoa;
		const struct pmip_binding *b = pmip_binding_by_mac(g->pe, g->conflicts[i].mac);
		if (IN6_IS_ADDR_UNSPECIFIED(&a) && b != NULL) {
			/* The LMA gave none (INTERNAL_ADDRESS_FAILURE): the MAG
			 * generates one in the MN's prefix (seed 4.4.2), a
			 * random interface identifier, never 0 (RFC 4291
			 * 2.6.1); the LMA's DAD (status 134) still judges it. */
			a = b->hnp;
			do
				RAND_bytes(a.s6_addr + 8, 8);
			while (memcmp(a.s6_addr + 8, "\0\0\0\0\0\0\0\0", 8) == 0);
		}
		if (IN6_IS_ADDR_UNSPECIFIED(&a))
			continue;   /* the MN went meanwhile */
		char txt[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, &a, txt, sizeof(txt));
		pmip_info("home address %s (%s) for an MN whose address was taken (seed 4.3)", txt,
			  IN6_IS_ADDR_UNSPECIFIED(hoa) ? "generated: the LMA gave none" : "from the LMA");
		pmip_mag_new_hoa(g->pe, g->conflicts[i].mac, &a);
	}
	/* One address per IKE SA: another conflicting MN needs another. */
	for (unsigned i = 0; given && i < MAX_CONFLICTS; i++)
		if (g->conflicts[i].used && memcmp(&g->conflicts[i].lma, lma, 16) == 0) {
			cp_ike_renew_for_address(cp, lma);
			return;
		}
}

/* The engine's list (one JSON object per line) as one JSON document. */
static size_t list_json(const struct cp_pmip *g, char *out, size_t cap)
{
	static char lines[60000];
	pmip_engine_list(g->pe, lines, sizeof(lines));
	size_t n = (size_t)snprintf(out, cap, "{\"count\":%u,\"bindings\":[", pmip_binding_count(g->pe));
	bool first = true;
	for (char *save = NULL, *l = strtok_r(lines, "\n", &save); l != NULL && n < cap;
	     l = strtok_r(NULL, "\n", &save)) {
		size_t ll = strlen(l);
		if (n + ll + 4 >= cap)
			break;
		n += (size_t)snprintf(out + n, cap - n, "%s%s", first ? "" : ",", l);
		first = false;
	}
	if (n < cap)
		n += (size_t)snprintf(out + n, cap - n, "]}");
	return n < cap ? n : cap - 1;
}

/* "pmip list|stats|attach mac= port=|detach mac=" from the control socket. */
size_t cp_pmip_admin(struct cp_ctx *cp, char **argv, int argc, char *out, size_t cap)
{
	struct cp_pmip *g = cp->pmip;
	if (g == NULL)
		return (size_t)snprintf(out, cap, "{\"ok\":false,\"error\":\"PMIPv6 signalling is off\"}");
	const char *cmd = argc > 0 ? argv[0] : "";
	if (strcmp(cmd, "list") == 0)
		return list_json(g, out, cap);
	if (strcmp(cmd, "heartbeat") == 0) {
		if (g->hb == NULL)
			return (size_t)snprintf(out, cap, "{\"ok\":false,\"error\":\"heartbeat_s = 0\"}");
		size_t n = pmip_hb_list(g->hb, out, cap);
		return n < cap ? n : cap - 1;
	}
	if (strcmp(cmd, "stats") == 0) {
		const struct pmip_sig_stats *s = pmip_engine_stats(g->pe);
		size_t n = (size_t)snprintf(out, cap, "{\"bindings\":%u,\"profiles\":%u",
					    pmip_binding_count(g->pe), g->profiles.n);
#define PMIP_SIG_CTR_JSON(name, help)                                                       \
	if (n < cap)                                                                        \
		n += (size_t)snprintf(out + n, cap - n, ",\"" #name "\":%lu", (unsigned long)s->name);
		PMIP_SIG_COUNTERS(PMIP_SIG_CTR_JSON)
#undef PMIP_SIG_CTR_JSON
		if (g->hb != NULL && n < cap) {
			const struct pmip_hb_stats *h = pmip_hb_stats(g->hb);
			const char *sep = "";
			n += (size_t)snprintf(out + n, cap - n, ",\"heartbeat\":{");
#define PMIP_HB_CTR_JSON(name, help)                                                        \
	if (n < cap)                                                                        \
		n += (size_t)snprintf(out + n, cap - n, "%s\"" #name "\":%lu", sep,              \
				      (unsigned long)h->name);                              \
	sep = ",";
			PMIP_HB_COUNTERS(PMIP_HB_CTR_JSON)
#undef PMIP_HB_CTR_JSON
			if (n < cap)
				n += (size_t)snprintf(out + n, cap - n, "}");
		}
		if (n + 20 < cap) {
			n += (size_t)snprintf(out + n, cap - n, ",\"presence\":");
			n += cp_presence_stats(cp, out + n, cap - n);
		}
		if (n < cap)
			n += (size_t)snprintf(out + n, cap - n,
					      ",\"glue\":{\"rx_bad\":%lu,\"rx_hb_unprotected\":%lu,\"tx_no_sa\":%lu,\"tx_failed\":%lu,\"dp_failed\":%lu,\"conflicts_dropped\":%lu}}",
					      (unsigned long)g->rx_bad, (unsigned long)g->rx_hb_unprotected,
					      (unsigned long)g->tx_no_sa,
					      (unsigned long)g->tx_failed, (unsigned long)g->dp_failed,
					      (unsigned long)g->conflicts_dropped);
		return n < cap ? n : cap - 1;
	}
	uint8_t mac[6];
	const char *m = NULL;
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], "mac=", 4) == 0)
			m = argv[i] + 4;
	unsigned v[6];
	bool mac_ok = m != NULL && sscanf(m, "%2x:%2x:%2x:%2x:%2x:%2x", &v[0], &v[1], &v[2], &v[3],
					  &v[4], &v[5]) == 6;
	for (int i = 0; mac_ok && i < 6; i++)
		mac[i] = (uint8_t)v[i];
	if (strcmp(cmd, "detach") == 0 && mac_ok && cp->cfg->role == PMIP_ROLE_MAG) {
		/* The MN left (RFC 5213 6.9.1.3 / 6.10): de-register it. */
		pmip_mag_detach(g->pe, mac);
		return (size_t)snprintf(out, cap, "{\"ok\":true}");
	}
	if (strcmp(cmd, "attach") == 0 && mac_ok && cp->cfg->role == PMIP_ROLE_MAG) {
		int port = -1;
		for (int i = 1; i < argc; i++)
			if (strncmp(argv[i], "port=", 5) == 0)
				port = pmip_config_port_index(cp->cfg, argv[i] + 5);
		if (port < 0 || cp->cfg->ports[port].kind != PMIP_PORT_ACCESS)
			return (size_t)snprintf(out, cap,
						"{\"ok\":false,\"error\":\"port=NAME of an access port required\"}");
		pmip_mag_attach(g->pe, mac, (uint16_t)port, PMIP_MH_ATT_ETHERNET);
		return (size_t)snprintf(out, cap, "{\"ok\":true}");
	}
	return (size_t)snprintf(out, cap,
				"{\"ok\":false,\"error\":\"pmip list|stats|heartbeat|attach mac=MAC port=NAME|detach mac=MAC (attach and detach on a MAG)\"}");
}
