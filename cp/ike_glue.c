/* pmip-cp's IKEv2: the engine of cp/ike/ikev2*.c plugged into the data
 * plane. IKE datagrams arrive as punts (UDP 500, and 4500 with the non-ESP
 * marker, RFC 3948 2.2) and leave as whole frames through the tx ring;
 * CHILD_SAs become two ESP SAs in cp's SA store (cp/sa.c), which pushes
 * them to dp; home addresses come from cp/home_addr.c; IKE keys go to the
 * key log PREFIX.ikev2_decryption_table (Wireshark's UAT syntax).
 *
 * Peers with initiate = yes (or auto on a MAG) are kept up: an IKE SA is
 * started when dp is ready and again whenever none is up (seed 4.3: one
 * IKE SA per MAG-LMA pair, reused by every MN). */
#define LOG_MODULE "ike"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cp.h"
#include "ikev2.h"
#include "log.h"
#include "net/esp.h"
#include "net/pkt.h"

#define KEEP_UP_MS 5000
#define NON_ESP_MARKER 4

struct cp_ike {
	struct ikev2 e;
	struct evloop_timer keep_up;
	uint64_t rx_bad, tx_no_route, tx_no_neigh, tx_too_big, tx_failed, child_failed;
	/* When each peer's last IKE SA went away: no new one before
	 * KEEP_UP_MS (a peer that refuses is not hammered). */
	uint64_t down_ns[PMIP_CFG_MAX_PEERS];
	/* PMIPv6 asked for a new IKE SA with a home address request (seed
	 * 4.3, duplicate home address): the next connect asks for one. */
	bool renew[PMIP_CFG_MAX_PEERS];
};

/* ---------------------------------------------------------------- send -- */

/* One UDP datagram from local:sport to remote:dport, through the next hop
 * towards remote. payload may be preceded by the non-ESP marker. */
static int send_udp(struct cp_ctx *cp, const struct in6_addr *local, uint16_t sport,
		    const struct in6_addr *remote, uint16_t dport, bool marker, const uint8_t *msg,
		    size_t len)
{
	struct cp_ike *ike = cp->ike;
	static uint8_t seg[PMIP_PKT_DATA_MAX];
	size_t body = (marker ? NON_ESP_MARKER : 0) + len;
	if (PMIP_UDP_HLEN + body > sizeof(seg)) {
		ike->tx_too_big++;
		return -1;
	}
	if (marker)
		memset(seg + PMIP_UDP_HLEN, 0, NON_ESP_MARKER);
	memcpy(seg + PMIP_UDP_HLEN + (marker ? NON_ESP_MARKER : 0), msg, len);
	pmip_udp_hdr_write(seg, body, local, remote, sport, dport);
	switch (cp_ip6_send(cp, local, remote, PMIP_IPPROTO_UDP, seg, PMIP_UDP_HLEN + body, 0)) {
	case CP_SENT:
		return 0;
	case CP_SEND_NO_ROUTE:
		ike->tx_no_route++;
		return -1;
	case CP_SEND_NO_NEIGH:
		/* Resolution has started; the engine retransmits. */
		ike->tx_no_neigh++;
		return -1;
	case CP_SEND_TOO_BIG:
		/* No IKE fragmentation (RFC 7383): the message must fit. */
		ike->tx_too_big++;
		pmip_warn("IKE message of %zu bytes does not fit the MTU towards the peer: not sent",
			  len);
		return -1;
	default:
		ike->tx_failed++;
		return -1;
	}
}

static int env_send(void *ctx, const struct in6_addr *local, uint16_t sport,
		    const struct in6_addr *remote, uint16_t dport, const uint8_t *msg, size_t len)
{
	/* On 4500 IKE carries the non-ESP marker (RFC 3948 2.2). */
	bool marker = sport == IKEV2_NATT_PORT || dport == IKEV2_NATT_PORT;
	return send_udp(ctx, local, sport, remote, dport, marker, msg, len);
}

static void env_keepalive(void *ctx, const struct in6_addr *local, uint16_t sport,
			  const struct in6_addr *remote, uint16_t dport)
{
	static const uint8_t ff = 0xff; /* RFC 3948 2.3 */
	send_udp(ctx, local, sport, remote, dport, false, &ff, 1);
}

/* ------------------------------------------------------------ CHILD_SA -- */

static int esp_alg(const struct ike_suite *s)
{
	if (s->encr == IKE_ENCR_AES_GCM_16)
		return s->encr_bits == 128 ? PMIP_ESP_AES_GCM_128
		       : s->encr_bits == 256 ? PMIP_ESP_AES_GCM_256 : -1;
	if (s->encr == IKE_ENCR_AES_CBC && s->integ == IKE_INTEG_HMAC_SHA2_256_128)
		return s->encr_bits == 128 ? PMIP_ESP_AES_CBC_128_HMAC_SHA256
		       : s->encr_bits == 256 ? PMIP_ESP_AES_CBC_256_HMAC_SHA256 : -1;
	return -1;
}

static int env_child_up(void *ctx, const struct ikev2_sa *sa, struct ikev2_child *c,
			const struct ike_child_keys *keys, bool initiator)
{
	struct cp_ctx *cp = ctx;
	struct cp_route_choice rc;
	int alg = esp_alg(&keys->suite);
	if (alg < 0 || !cp_routing_lookup(cp, &sa->remote, &rc)) {
		cp->ike->child_failed++;
		pmip_warn("CHILD_SA: %s", alg < 0 ? "suite not in the data plane" : "no route to the peer");
		return -1;
	}
	const struct pmip_config_ike *ic = &cp->cfg->ike;
	struct pmip_ctl_sa s[2];
	for (int k = 0; k < 2; k++) {
		bool in = k == 0;
		/* The exchange initiator sends with the i-keys (RFC 7296 2.17). */
		bool i_keys = in != initiator;
		struct pmip_ctl_sa *x = &s[k];
		memset(x, 0, sizeof(*x));
		x->id = cp_sa_free_id(cp, k == 1 ? s[0].id : 0);
		x->spi = in ? c->spi_in : c->spi_out;
		x->dir = in ? PMIP_SA_IN : PMIP_SA_OUT;
		x->mode = c->mode == PMIP_ESP_MODE_TRANSPORT ? PMIP_SA_TRANSPORT : PMIP_SA_TUNNEL_UDP;
		x->alg = (uint8_t)alg;
		x->flags = in ? 0 : PMIP_SA_F_CURRENT;
		x->replay_window = in ? 128 : 0;
		x->port = rc.port;
		/* ESP in UDP is on 4500 (RFC 3948 2.1), also when no NAT made
		 * IKE float there; behind a NAT, the peer's mapped port. */
		x->udp_sport = IKEV2_NATT_PORT;
		x->udp_dport = sa->remote_port == IKEV2_PORT ? IKEV2_NATT_PORT : sa->remote_port;
		x->enc_key_len = (uint8_t)keys->encr_len;
		x->auth_key_len = (uint8_t)keys->integ_len;
		memcpy(x->enc_key, i_keys ? keys->encr_i : keys->encr_r, keys->encr_len);
		memcpy(x->auth_key, i_keys ? keys->integ_i : keys->integ_r, keys->integ_len);
		x->local = sa->local;
		x->remote = sa->remote;
		x->ts_local = c->ts_local;
		x->ts_remote = c->ts_remote;
		x->ts_local_len = c->ts_local_len;
		x->ts_remote_len = c->ts_remote_len;
		/* The IKE engine rekeys at child_lifetime_s; the data plane
		 * stops the SA a little later if that failed. */
		x->hard_seconds = ic->child_lifetime_s + ic->child_lifetime_s / 10 + 60;
	}
	const char *why = NULL;
	uint32_t id_in = s[0].id, id_out = s[1].id;
	int rc_in = id_in != 0 ? cp_sa_add(cp, &s[0], NULL, NULL, &why) : -1;
	int rc_out = rc_in == 0 && id_out != 0 ? cp_sa_add(cp, &s[1], NULL, NULL, &why) : -1;
	OPENSSL_cleanse(s, sizeof(s));
	if (rc_out != 0) {
		if (rc_in == 0)
			cp_sa_del(cp, id_in, NULL, NULL, &why);
		cp->ike->child_failed++;
		pmip_warn("CHILD_SA not installed: %s", why != NULL ? why : "SA table full");
		return -1;
	}
	c->dp_in = id_in;
	c->dp_out = id_out;
	cp->sas.e[id_out].held = c->out_held;
	cp_pmip_on_sa(cp, &sa->remote);   /* waiting PBUs go now */
	return 0;
}

static void env_child_out_stop(void *ctx, const struct ikev2_sa *sa, struct ikev2_child *c)
{
	struct cp_ctx *cp = ctx;
	const char *why;
	if (c->dp_out != 0)
		cp_sa_del(cp, c->dp_out, NULL, NULL, &why);
	c->dp_out = 0;
	cp_pmip_on_sa(cp, &sa->remote);   /* signalling waits for another SA */
}

static void env_child_out_release(void *ctx, const struct ikev2_sa *sa, struct ikev2_child *c)
{
	(void)sa;
	struct cp_ctx *cp = ctx;
	if (c->dp_out != 0 && c->dp_out < cp->sas.max)
		cp->sas.e[c->dp_out].held = false;
}

static void env_child_down(void *ctx, const struct ikev2_sa *sa, struct ikev2_child *c)
{
	(void)sa;
	struct cp_ctx *cp = ctx;
	const char *why;
	if (c->dp_in != 0)
		cp_sa_del(cp, c->dp_in, NULL, NULL, &why);
	if (c->dp_out != 0)
		cp_sa_del(cp, c->dp_out, NULL, NULL, &why);
	c->dp_in = c->dp_out = 0;
	cp_pmip_on_sa(cp, &sa->remote);
}

/* ------------------------------------------------------ the rest of env -- */

static bool env_assign(void *ctx, const struct ikev2_sa *sa, const struct in6_addr *want,
		       struct in6_addr *out, uint8_t *prefix_len)
{
	return cp_home_addr_assign(ctx, sa->peer, want, out, prefix_len);
}

static void env_release(void *ctx, const struct ikev2_sa *sa, const struct in6_addr *addr)
{
	(void)sa;
	cp_home_addr_release(ctx, addr);
}

static void env_state(void *ctx, const struct ikev2_sa *sa)
{
	struct cp_ctx *cp = ctx;
	unsigned pi = sa->peer != NULL ? (unsigned)(sa->peer - cp->cfg->ike.peers) : 0;
	if (sa->state == IKEV2_DEAD && sa->peer != NULL) {
		cp->ike->down_ns[pi] = evloop_now_ns(cp->loop);
		/* A renewal for a home address starts at once. */
		if (cp->ike->renew[pi]) {
			cp->ike->down_ns[pi] = 0;
			evloop_timer_start(cp->loop, &cp->ike->keep_up, 0);
		}
	}
	if (sa->state == IKEV2_ESTABLISHED && sa->peer != NULL && sa->initiator &&
	    cp->ike->renew[pi]) {
		cp->ike->renew[pi] = false;
		cp_pmip_on_home_address(cp, &sa->remote, &sa->got_addr);
	}
	pmip_dbg("IKE SA with [ike.peer.%s] now %s", sa->peer != NULL ? sa->peer->name : "?",
		 ikev2_state_name(sa->state));
}

static void env_keylog(void *ctx, const char *line)
{
	struct cp_ctx *cp = ctx;
	const char *prefix = cp->cfg->log.keylog;
	if (prefix[0] == '\0')
		return;
	char path[PATH_MAX + 32];
	snprintf(path, sizeof(path), "%s.ikev2_decryption_table", prefix);
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		pmip_warn("key log %s: %s", path, strerror(errno));
		return;
	}
	size_t n = strlen(line);
	if (write(fd, line, n) != (ssize_t)n || write(fd, "\n", 1) != 1)
		pmip_warn("key log %s: short write", path);
	close(fd);
}

/* ------------------------------------------------------------- keep up -- */

static bool wants_up(const struct cp_ctx *cp, const struct pmip_config_peer *p)
{
	return p->initiate == PMIP_IKE_INITIATE_YES ||
	       (p->initiate == PMIP_IKE_INITIATE_AUTO && cp->cfg->role == PMIP_ROLE_MAG);
}

static void keep_up(struct cp_ctx *cp)
{
	if (!cp->link.ready)
		return;
	for (unsigned i = 0; i < cp->cfg->ike.n_peers; i++) {
		const struct pmip_config_peer *p = &cp->cfg->ike.peers[i];
		uint64_t down = cp->ike->down_ns[i];
		if ((!wants_up(cp, p) && !cp->ike->renew[i]) || ikev2_find_peer(&cp->ike->e, &p->address) != NULL ||
		    (down != 0 && evloop_now_ns(cp->loop) - down < KEEP_UP_MS * 1000000ull))
			continue;
		const char *why = NULL;
		if (ikev2_connect(&cp->ike->e, p, cp->ike->renew[i] ? &in6addr_any : NULL, &why) == NULL)
			pmip_warn("[ike.peer.%s]: cannot initiate: %s", p->name, why);
		else
			pmip_info("[ike.peer.%s]: initiating IKEv2", p->name);
	}
}

static void on_keep_up(struct evloop *loop, struct evloop_timer *t, void *arg)
{
	keep_up(arg);
	evloop_timer_start(loop, t, KEEP_UP_MS);
}

/* ------------------------------------------------------------- public -- */

int cp_ike_init(struct cp_ctx *cp)
{
	if (cp->cfg->ike.n_peers == 0)
		return 0; /* no [ike.peer]: IKE off, punts counted unhandled */
	const struct in6_addr *local = cp_core_address(cp);
	if (local == NULL) {
		pmip_err("IKE needs an address on a core port");
		return -1;
	}
	cp->ike = calloc(1, sizeof(*cp->ike));
	if (cp->ike == NULL)
		return -1;
	struct ikev2_env env = {
		.ctx = cp,
		.send = env_send,
		.child_up = env_child_up,
		.child_out_release = env_child_out_release,
		.child_out_stop = env_child_out_stop,
		.child_down = env_child_down,
		.assign_address = env_assign,
		.release_address = env_release,
		.state_changed = env_state,
		.keylog = env_keylog,
		.keepalive = env_keepalive,
	};
	/* Room for every peer's SAs, their rekeys and lingering answers. */
	uint32_t max = cp->cfg->ike.n_peers * (cp->cfg->ike.sas_per_peer_max + 2) +
		       cp->cfg->ike.half_open_max;
	if (ikev2_init(&cp->ike->e, cp->cfg, cp->loop, &env, local, max) != 0) {
		pmip_err("cannot set up the IKEv2 engine");
		return -1;
	}
	evloop_timer_init(&cp->ike->keep_up, on_keep_up, cp);
	evloop_timer_start(cp->loop, &cp->ike->keep_up, KEEP_UP_MS);
	return 0;
}

void cp_ike_free(struct cp_ctx *cp)
{
	if (cp->ike == NULL)
		return;
	evloop_timer_stop(cp->loop, &cp->ike->keep_up);
	if (cp->link.ready)
		ikev2_shutdown(&cp->ike->e);
	ikev2_free(&cp->ike->e);
	free(cp->ike);
	cp->ike = NULL;
}

void cp_ike_on_ready(struct cp_ctx *cp)
{
	if (cp->ike == NULL)
		return;
	/* Resolve the peers' next hops now, so the first message goes out. */
	for (unsigned i = 0; i < cp->cfg->ike.n_peers; i++) {
		struct cp_route_choice rc;
		if (cp_routing_lookup(cp, &cp->cfg->ike.peers[i].address, &rc))
			cp_neigh_get(cp, rc.port, &rc.next_hop, false);
	}
	keep_up(cp);
}

void cp_ike_on_punt(struct cp_ctx *cp, const struct pmip_pkt_msg *pkt)
{
	if (cp->ike == NULL) {
		cp->punt_unhandled++;
		return;
	}
	struct cp_ike *ike = cp->ike;
	struct pmip_ipv6_view ip;
	/* dp checked the headers before punting; cp trusts no packet bytes. */
	if (pkt->len < PMIP_ETH_HLEN + PMIP_IPV6_HLEN + PMIP_UDP_HLEN ||
	    pmip_ipv6_parse(pkt->data + PMIP_ETH_HLEN, pkt->len - PMIP_ETH_HLEN, &ip) != PMIP_PKT_ERR_OK ||
	    ip.next_header != PMIP_IPPROTO_UDP || ip.payload_len < PMIP_UDP_HLEN) {
		ike->rx_bad++;
		return;
	}
	const uint8_t *udp = pkt->data + PMIP_ETH_HLEN + PMIP_IPV6_HLEN;
	uint16_t sport = (uint16_t)(udp[0] << 8 | udp[1]), dport = (uint16_t)(udp[2] << 8 | udp[3]);
	uint16_t ulen = (uint16_t)(udp[4] << 8 | udp[5]);
	if (ulen != ip.payload_len ||
	    pmip_ipv6_l4_checksum(&ip.src, &ip.dst, PMIP_IPPROTO_UDP, udp, ulen) != 0) {
		ike->rx_bad++;
		pmip_dbg("IKE datagram with a bad UDP length or checksum: dropped");
		return;
	}
	size_t off = PMIP_UDP_HLEN;
	if (dport == IKEV2_NATT_PORT) {
		if (ulen < PMIP_UDP_HLEN + NON_ESP_MARKER) {
			ike->rx_bad++;
			return;
		}
		off += NON_ESP_MARKER;
	}
	ikev2_input(&ike->e, &ip.src, sport, &ip.dst, dport, udp + off, ulen - off);
}

void cp_ike_on_sa_expire(struct cp_ctx *cp, const struct pmip_evt_sa_expire *x)
{
	if (cp->ike != NULL)
		ikev2_child_expired(&cp->ike->e, x->sa_id, x->hard);
}

int cp_ike_renew_for_address(struct cp_ctx *cp, const struct in6_addr *peer)
{
	const struct pmip_config_peer *p = pmip_config_peer_by_addr(cp->cfg, peer);
	if (cp->ike == NULL || p == NULL)
		return -1;
	unsigned pi = (unsigned)(p - cp->cfg->ike.peers);
	if (cp->ike->renew[pi])
		return 0;   /* under way */
	cp->ike->renew[pi] = true;
	struct ikev2_sa *sa = ikev2_find_peer(&cp->ike->e, peer);
	pmip_info("[ike.peer.%s]: new IKE SA for a home address (seed 4.3)", p->name);
	if (sa != NULL)
		ikev2_delete(&cp->ike->e, sa);  /* keep-up reconnects when it is gone */
	else
		evloop_timer_start(cp->loop, &cp->ike->keep_up, 0);
	return 0;
}

/* -------------------------------------------------------------- admin -- */

static const char *arg(char **argv, int argc, const char *key)
{
	size_t kl = strlen(key);
	for (int i = 0; i < argc; i++)
		if (strncmp(argv[i], key, kl) == 0 && argv[i][kl] == '=')
			return argv[i] + kl + 1;
	return NULL;
}

static const struct pmip_config_peer *peer_arg(const struct cp_ctx *cp, char **argv, int argc)
{
	const char *name = arg(argv, argc, "peer");
	for (unsigned i = 0; name != NULL && i < cp->cfg->ike.n_peers; i++)
		if (strcmp(cp->cfg->ike.peers[i].name, name) == 0)
			return &cp->cfg->ike.peers[i];
	return NULL;
}

static size_t list_sas(const struct cp_ctx *cp, char *out, size_t cap)
{
	const struct ikev2 *e = &cp->ike->e;
	size_t n = (size_t)snprintf(out, cap, "{\"ok\":true,\"sas\":[");
	bool first = true;
	for (uint32_t i = 0; i < e->max_sas && n + 1024 < cap; i++) {
		const struct ikev2_sa *sa = &e->sas[i];
		if (!sa->in_use || sa->state == IKEV2_DEAD)
			continue;
		char r[INET6_ADDRSTRLEN], h[INET6_ADDRSTRLEN] = "";
		inet_ntop(AF_INET6, &sa->remote, r, sizeof(r));
		if (sa->cp_got)
			inet_ntop(AF_INET6, &sa->got_addr, h, sizeof(h));
		n += (size_t)snprintf(out + n, cap - n,
				      "%s{\"peer\":\"%s\",\"remote\":\"%s\",\"state\":\"%s\","
				      "\"role\":\"%s\",\"spi_i\":\"%016lx\",\"spi_r\":\"%016lx\","
				      "\"encr\":%u,\"encr_bits\":%u,\"prf\":%u,\"dh\":%u,"
				      "\"nat_local\":%s,\"nat_remote\":%s,\"port\":%u,"
				      "\"home_address\":\"%s\",\"children\":[",
				      first ? "" : ",", sa->peer != NULL ? sa->peer->name : "?", r,
				      ikev2_state_name(sa->state), sa->initiator ? "initiator" : "responder",
				      (unsigned long)sa->spi_i, (unsigned long)sa->spi_r, sa->suite.encr,
				      sa->suite.encr_bits, sa->suite.prf, sa->dh_group,
				      sa->nat_local ? "true" : "false", sa->nat_remote ? "true" : "false",
				      sa->remote_port, h);
		first = false;
		bool cf = true;
		for (unsigned k = 0; k < IKEV2_CHILD_MAX; k++) {
			const struct ikev2_child *c = &sa->children[k];
			if (!c->in_use)
				continue;
			n += (size_t)snprintf(out + n, cap - n,
					      "%s{\"spi_in\":\"%08x\",\"spi_out\":\"%08x\",\"mode\":\"%s\","
					      "\"ts_protocol\":%u,\"sa_in\":%u,\"sa_out\":%u,\"replaced\":%s,"
					      "\"out_held\":%s}",
					      cf ? "" : ",", c->spi_in, c->spi_out,
					      c->mode == PMIP_ESP_MODE_TRANSPORT ? "transport" : "tunnel-udp",
					      c->ts_proto, c->dp_in, c->dp_out, c->replaced ? "true" : "false",
					      c->out_held ? "true" : "false");
			cf = false;
		}
		n += (size_t)snprintf(out + n, cap - n, "]}");
	}
	n += (size_t)snprintf(out + n, cap - n, "]}");
	return n;
}

static size_t stats(const struct cp_ctx *cp, char *out, size_t cap)
{
	const struct cp_ike *ike = cp->ike;
	size_t n = (size_t)snprintf(out, cap, "{\"ok\":true");
#define IKE_STAT_JSON(name, help) \
	n += (size_t)snprintf(out + n, cap - n, ",\"%s\":%lu", #name, (unsigned long)ike->e.stats.name);
	IKEV2_COUNTERS(IKE_STAT_JSON)
#undef IKE_STAT_JSON
	n += (size_t)snprintf(out + n, cap - n,
			      ",\"rx_bad_udp\":%lu,\"tx_no_route\":%lu,\"tx_no_neigh\":%lu,"
			      "\"tx_too_big\":%lu,\"tx_failed\":%lu,\"child_install_failed\":%lu,\"half_open\":%u,"
			      "\"home_addresses\":{\"assigned\":%lu,\"released\":%lu,\"refused\":%lu}}",
			      (unsigned long)ike->rx_bad, (unsigned long)ike->tx_no_route,
			      (unsigned long)ike->tx_no_neigh, (unsigned long)ike->tx_too_big,
			      (unsigned long)ike->tx_failed,
			      (unsigned long)ike->child_failed, ike->e.half_open,
			      (unsigned long)cp->haddr.assigned, (unsigned long)cp->haddr.released,
			      (unsigned long)cp->haddr.refused);
	return n;
}

size_t cp_ike_admin(struct cp_ctx *cp, char **argv, int argc, char *out, size_t cap)
{
	if (cp->ike == NULL)
		return (size_t)snprintf(out, cap, "{\"ok\":false,\"error\":\"IKE is off (no [ike.peer])\"}");
	if (argc == 1 && strcmp(argv[0], "list") == 0)
		return list_sas(cp, out, cap);
	if (argc == 1 && strcmp(argv[0], "stats") == 0)
		return stats(cp, out, cap);
	const struct pmip_config_peer *p = argc >= 1 ? peer_arg(cp, argv + 1, argc - 1) : NULL;
	if (p == NULL)
		return (size_t)snprintf(out, cap, "{\"ok\":false,\"error\":\"ike list|stats, or "
						  "ike initiate|rekey|delete peer=NAME (an [ike.peer.NAME])\"}");
	struct ikev2_sa *sa = ikev2_find_peer(&cp->ike->e, &p->address);
	const char *err = NULL;
	if (strcmp(argv[0], "initiate") == 0) {
		/* address=:: asks the peer for a home address (seed 4.4.2). */
		const char *a = arg(argv + 1, argc - 1, "address");
		struct in6_addr want;
		if (a != NULL && inet_pton(AF_INET6, a, &want) != 1)
			err = "address= is not an IPv6 address";
		else if (sa != NULL)
			err = "an IKE SA with that peer exists (seed 4.3: it is reused)";
		else
			ikev2_connect(&cp->ike->e, p, a != NULL ? &want : NULL, &err);
	} else if (strcmp(argv[0], "rekey") == 0) {
		const char *what = arg(argv + 1, argc - 1, "what");
		bool whole = what != NULL && strcmp(what, "ike") == 0;
		if (sa == NULL || ikev2_rekey_now(&cp->ike->e, sa, whole) != 0)
			err = "no established IKE SA with that peer";
	} else if (strcmp(argv[0], "delete") == 0) {
		if (sa == NULL)
			err = "no IKE SA with that peer";
		else
			ikev2_delete(&cp->ike->e, sa);
	} else {
		err = "unknown ike command";
	}
	if (err != NULL)
		return (size_t)snprintf(out, cap, "{\"ok\":false,\"error\":\"%s\"}", err);
	return (size_t)snprintf(out, cap, "{\"ok\":true}");
}
