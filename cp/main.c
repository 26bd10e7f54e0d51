/* pmip-cp: the control-plane daemon of a PMIPv6 gateway (MAG or LMA).
 *
 *   pmip-cp --config FILE         run
 *   pmip-cp --check-config FILE   validate FILE and exit
 *
 * An ordinary Linux process (no EAL): one epoll loop with timers. It finds
 * the shared-memory segment of the pmip-dp of the same ini file, answers
 * what dp punts and sends through the tx ring. It survives dp restarts
 * (reattaches and re-pushes state) and dp keeps forwarding when cp dies.
 * SIGUSR1 logs the counters; SIGHUP reloads the MN profile table ([pmip]
 * profiles; a MAG de-registers MNs whose profile went); SIGINT/SIGTERM
 * stop it.
 */
#define LOG_MODULE "main"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "cp.h"
#include "log.h"
#include "pmip_profiles.h"

static void on_ready(struct dp_link *link, void *arg)
{
	(void)link;
	struct cp_ctx *cp = arg;
	/* dp holds nothing of ours after a (re)start: push it all, in
	 * dependency order (what a message names must already exist). */
	cp_neigh_push_all(cp);
	cp_tunnels_push_all(cp);
	cp_routing_push_all(cp);
	cp_sa_push_all(cp);
	cp_bindings_push_all(cp);
	cp_ike_on_ready(cp);
	pmip_info("data plane ready: pushed %u bindings, %u neighbours", cp->bindings.count,
		  (unsigned)cp->neigh.by_key.used);
}

static void on_lost(struct dp_link *link, void *arg)
{
	(void)link;
	struct cp_ctx *cp = arg;
	cp_ctl_reset(cp);
	pmip_warn("data plane lost; waiting for pmip-dp to come back");
}

static void on_punt(struct dp_link *link, const struct pmip_pkt_msg *pkt, void *arg)
{
	struct cp_ctx *cp = arg;
	switch (pkt->reason) {
	case PMIP_PUNT_ECHO_REQUEST: {
		/* Protected requests are answered under the SA to their sender. */
		uint32_t reply_sa = 0;
		if (pkt->sa_id != 0 && pkt->len >= 14 + 40) {
			struct in6_addr src;
			memcpy(&src, pkt->data + 14 + 8, 16);
			reply_sa = cp_sa_out_for(cp, &src);
		}
		cp_echo_input(link, pkt, reply_sa, &cp->echo);
		return;
	}
	case PMIP_PUNT_ECHO_REPLY:
		cp->echo.replies_received++;
		return;
	case PMIP_PUNT_NEIGH_ADVERT:
		cp_neigh_on_na(cp, pkt);
		return;
	case PMIP_PUNT_ROUTER_SOLICIT:
		cp_ra_on_rs(cp, pkt);
		return;
	case PMIP_PUNT_IKE:
		cp_ike_on_punt(cp, pkt);
		return;
	case PMIP_PUNT_MOBILITY:
		cp_pmip_on_punt(cp, pkt);
		return;
	default:
		cp->punt_unhandled++;
		pmip_dbg("no handler for punt reason %u (%s)", pkt->reason,
			 pmip_punt_reason_name(pkt->reason));
		return;
	}
}

static void on_event(struct dp_link *link, const struct pmip_evt_msg *e, void *arg)
{
	(void)link;
	struct cp_ctx *cp = arg;
	if (e->type == PMIP_EVT_ACK)
		cp_ctl_on_ack(cp, e);
	else if (e->type == PMIP_EVT_NEIGH_MISS)
		cp_neigh_on_miss(cp, &e->u.neigh_miss);
	else if (e->type == PMIP_EVT_SA_EXPIRE) {
		cp_sa_on_expire(cp, &e->u.sa_expire);
		cp_ike_on_sa_expire(cp, &e->u.sa_expire);
	}
}

static void on_poll(struct dp_link *link, void *arg)
{
	(void)link;
	cp_ctl_flush(arg);
}

static void log_stats(const struct cp_ctx *cp)
{
	dp_link_log_stats(&cp->link);
	pmip_info("ctl sent %lu acked %lu rejected %lu lost %lu queued %zu; bindings %u moves %lu",
		  cp->ctl.sent, cp->ctl.acked, cp->ctl.rejected, cp->ctl.lost, cp->ctl.q_len,
		  cp->bindings.count, cp->bindings.moves);
	pmip_info("neigh ns_sent %lu na %lu resolved %lu failed %lu; ra unsolicited %lu solicited %lu rs %lu rs_unknown_mn %lu",
		  cp->neigh.ns_sent, cp->neigh.na_received, cp->neigh.resolved, cp->neigh.failed,
		  cp->ra.sent_unsolicited, cp->ra.sent_solicited, cp->ra.rs_received,
		  cp->ra.rs_unknown_mn);
	pmip_info("echo requests %lu replies %lu invalid %lu not_sent %lu; punt_unhandled %lu",
		  cp->echo.requests, cp->echo.replies, cp->echo.invalid, cp->echo.not_sent,
		  cp->punt_unhandled);
}

static void on_signal(struct evloop *loop, int signo, void *arg)
{
	struct cp_ctx *cp = arg;
	if (signo == SIGUSR1) {
		log_stats(cp);
		return;
	}
	if (signo == SIGHUP) {
		cp_pmip_reload_profiles(cp);
		return;
	}
	pmip_notice("signal %d: stopping", signo);
	evloop_stop(loop);
}

static void usage(FILE *out)
{
	fprintf(out, "usage: pmip-cp --config FILE\n"
		     "       pmip-cp --check-config FILE\n");
}

int main(int argc, char **argv)
{
	static struct pmip_config cfg;
	static struct cp_ctx cp;
	struct pmip_config_errors errs;
	const char *config_path = NULL;
	bool check_only = false;
	int exit_code = pmip_config_from_args(argc, argv, "pmip-cp", usage, &cfg, &config_path,
						&check_only);
	if (exit_code >= 0)
		return exit_code;
	if (check_only) {
		/* The files the ini names are part of the configuration. */
		struct pmip_profiles profiles = { 0 };
		memset(&errs, 0, sizeof(errs));
		if (cfg.pmip.profiles[0] != '\0' &&
		    pmip_profiles_load(cfg.pmip.profiles, config_path, &profiles, &errs) != 0) {
			pmip_config_errors_print(&errs);
			fprintf(stderr, "pmip-cp: %s: configuration rejected, nothing started\n",
				config_path);
			return 1;
		}
		printf("%s: configuration OK: %s %s, shm %s, %u MN profiles\n", config_path,
		       pmip_role_name(cfg.role), cfg.name, cfg.shm_name, profiles.n);
		pmip_profiles_free(&profiles);
		return 0;
	}
	if (pmip_log_open("pmip-cp", cfg.log.level, cfg.log.target) != 0) {
		fprintf(stderr, "pmip-cp: cannot open log target %s\n", cfg.log.target);
		return 1;
	}
	cp.cfg = &cfg;
	cp.loop = evloop_create();
	if (cp.loop == NULL) {
		pmip_err("cannot create the event loop");
		return 1;
	}
	if (cp_ctl_init(&cp.ctl) != 0 || cp_neigh_init(&cp, cfg.dp.max_neighbours) != 0 ||
	    cp_tunnels_init(&cp, cfg.dp.max_tunnels) != 0 ||
	    cp_bindings_init(&cp, cfg.dp.max_bindings) != 0 || cp_sa_init(&cp, cfg.dp.max_sas) != 0 ||
	    cp_home_addr_init(&cp) != 0 || cp_presence_init(&cp, cfg.pmip.max_bindings) != 0) {
		pmip_err("out of memory for cp tables");
		return 1;
	}
	if (cp_admin_init(&cp, cfg.cp.admin_socket) != 0 || cp_ike_init(&cp) != 0 ||
	    cp_pmip_init(&cp) != 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	if (evloop_signal_add(cp.loop, SIGINT, on_signal, &cp) != 0 ||
	    evloop_signal_add(cp.loop, SIGTERM, on_signal, &cp) != 0 ||
	    evloop_signal_add(cp.loop, SIGUSR1, on_signal, &cp) != 0 ||
	    evloop_signal_add(cp.loop, SIGHUP, on_signal, &cp) != 0) {
		pmip_err("cannot set up signal handling");
		return 1;
	}
	struct dp_link_handlers h = {
		.on_ready = on_ready, .on_lost = on_lost, .on_punt = on_punt,
		.on_event = on_event, .on_poll = on_poll, .arg = &cp,
	};
	if (dp_link_init(&cp.link, cp.loop, cfg.shm_name, &h) != 0) {
		pmip_err("cannot start the dp link");
		return 1;
	}
	pmip_notice("%s %s control plane running (shm %s)", pmip_role_name(cfg.role), cfg.name,
		    cfg.shm_name);
	int rc = evloop_run(cp.loop);
	log_stats(&cp);
	cp_admin_close(&cp);
	cp_pmip_free(&cp);
	cp_presence_free(&cp);
	cp_ike_free(&cp);
	dp_link_close(&cp.link);
	cp_sa_free(&cp);
	cp_home_addr_free(&cp);
	evloop_destroy(cp.loop);
	pmip_log_close();
	return rc == 0 ? 0 : 1;
}
