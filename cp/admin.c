/* The control socket (unix stream, [cp] admin_socket) that pmipctl talks to.
 * One request per line, one JSON object per reply line:
 *
 *   binding set id=N hnp=PREFIX peer=ADDR [hoa=ADDR shared] [port=NAME mac=MAC]
 *   binding del id=N
 *   binding list
 *   neigh list
 *   sa add|del|list|ping ...
 *   ike list | ike stats | ike initiate|rekey|delete peer=NAME [...]
 *   stats
 *
 * "binding set/del" answer only once dp has applied the change and a grace
 * period has passed (the ack), so a caller that got {"ok":true} knows no
 * packet is forwarded by the old state any more. */
#define LOG_MODULE "admin"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cp.h"
#include "log.h"
#include "net/pkt.h"

#include <openssl/crypto.h>
#include <stddef.h>

#define MAX_CONN 16
#define LINE_MAX_LEN 512
#define OUT_MAX (256 * 1024)

struct conn {
	int fd;
	uint32_t gen;           /* bumped on close: stale ack callbacks see it */
	bool waiting;           /* a request waits for dp's ack */
	size_t in_len;
	char in[LINE_MAX_LEN];
};

static struct conn conns[MAX_CONN];
static uint32_t conn_gen;

static void conn_close(struct cp_ctx *cp, struct conn *c)
{
	if (c->fd < 0)
		return;
	evloop_fd_del(cp->loop, c->fd);
	close(c->fd);
	c->fd = -1;
	c->gen = ++conn_gen;
	c->waiting = false;
	c->in_len = 0;
}

static void reply(struct cp_ctx *cp, struct conn *c, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void reply(struct cp_ctx *cp, struct conn *c, const char *fmt, ...)
{
	static char out[OUT_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(out, sizeof(out) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(out) - 2)
		n = sizeof(out) - 2;
	out[n++] = '\n';
	/* Replies are small and the socket buffer large; a client that does
	 * not read is dropped rather than blocking cp. */
	if (write(c->fd, out, (size_t)n) != n)
		conn_close(cp, c);
}

/* ack callback arg: connection index and generation packed. */
static void *ack_arg(struct conn *c)
{
	return (void *)(uintptr_t)(((uint64_t)c->gen << 8) | (uint64_t)(c - conns));
}

static const char *status_text(uint16_t s)
{
	switch (s) {
	case PMIP_CTL_OK:
		return "ok";
	case PMIP_CTL_REJECT_INVALID:
		return "dp: invalid field";
	case PMIP_CTL_REJECT_NO_SUCH_ID:
		return "dp: unknown id";
	case PMIP_CTL_REJECT_TABLE_FULL:
		return "dp: table full";
	case PMIP_CTL_REJECT_KEY_IN_USE:
		return "dp: prefix or address belongs to another binding";
	case CP_CTL_LOST:
		return "dp not attached or did not answer";
	default:
		return "dp: rejected";
	}
}

static void on_ack(struct cp_ctx *cp, void *arg, uint16_t status)
{
	uint64_t v = (uint64_t)(uintptr_t)arg;
	struct conn *c = &conns[v & 0xff];
	if (c->fd < 0 || c->gen != (uint32_t)(v >> 8))
		return; /* the client went away */
	c->waiting = false;
	if (status == PMIP_CTL_OK)
		reply(cp, c, "{\"ok\":true}");
	else
		reply(cp, c, "{\"ok\":false,\"error\":\"%s\"}", status_text(status));
}

/* key=value lookup in a tokenised request. */
static const char *arg_get(char **argv, int argc, const char *key)
{
	size_t kl = strlen(key);
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], key, kl) == 0 && argv[i][kl] == '=')
			return argv[i] + kl + 1;
		if (strcmp(argv[i], key) == 0)
			return "";
	}
	return NULL;
}

static bool parse_u32(const char *s, uint32_t *out)
{
	char *end;
	if (s == NULL || *s == '\0')
		return false;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool parse_addr(const char *s, struct in6_addr *a, bool allow_prefix64)
{
	char buf[INET6_ADDRSTRLEN + 4];
	if (s == NULL || strlen(s) >= sizeof(buf))
		return false;
	snprintf(buf, sizeof(buf), "%s", s);
	char *slash = strchr(buf, '/');
	if (slash != NULL) {
		if (!allow_prefix64 || strcmp(slash + 1, "64") != 0)
			return false;
		*slash = '\0';
	}
	return inet_pton(AF_INET6, buf, a) == 1;
}

static bool parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	if (s == NULL || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x", &v[0], &v[1], &v[2], &v[3], &v[4],
				&v[5]) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return true;
}

static void cmd_binding_set(struct cp_ctx *cp, struct conn *c, char **argv, int argc)
{
	struct cp_binding_spec s = { 0 };
	const char *why = NULL;
	if (!parse_u32(arg_get(argv, argc, "id"), &s.id))
		why = "id=N required";
	else if (!parse_addr(arg_get(argv, argc, "hnp"), &s.hnp, true))
		why = "hnp=PREFIX/64 required";
	else if (!parse_addr(arg_get(argv, argc, "peer"), &s.peer, false))
		why = "peer=ADDRESS (the LMA, or the serving MAG) required";
	if (why == NULL && arg_get(argv, argc, "shared") != NULL) {
		s.flags |= PMIP_BINDING_F_SHARED_PREFIX;
		if (!parse_addr(arg_get(argv, argc, "hoa"), &s.hoa, false))
			why = "shared needs hoa=ADDRESS";
	}
	if (why == NULL && cp->cfg->role == PMIP_ROLE_MAG) {
		const char *port = arg_get(argv, argc, "port");
		int idx = port != NULL ? pmip_config_port_index(cp->cfg, port) : -1;
		if (idx < 0)
			why = "port=NAME (an access port) required on a MAG";
		else if (!parse_mac(arg_get(argv, argc, "mac"), s.mn_mac))
			why = "mac=xx:xx:xx:xx:xx:xx required on a MAG";
		s.access_port = (uint16_t)(idx < 0 ? 0 : idx);
	}
	memset(s.hnp.s6_addr + 8, 0, 8);
	if (why == NULL) {
		/* The ack may come at once (dp away): mark first. */
		c->waiting = true;
		if (cp_binding_set(cp, &s, on_ack, ack_arg(c), &why) == 0)
			return;
		c->waiting = false;
	}
	reply(cp, c, "{\"ok\":false,\"error\":\"%s\"}", why);
}

/* "binding del id=N", "sa del id=N": the reply waits for dp's ack. */
typedef int (*del_by_id_fn)(struct cp_ctx *cp, uint32_t id, cp_ack_cb cb, void *arg,
			    const char **why);

static void cmd_del_by_id(struct cp_ctx *cp, struct conn *c, char **argv, int argc,
			  del_by_id_fn del)
{
	uint32_t id;
	const char *why = NULL;
	if (!parse_u32(arg_get(argv, argc, "id"), &id)) {
		why = "id=N required";
	} else {
		c->waiting = true;
		if (del(cp, id, on_ack, ack_arg(c), &why) == 0)
			return;
		c->waiting = false;
	}
	reply(cp, c, "{\"ok\":false,\"error\":\"%s\"}", why);
}

static bool parse_u64(const char *s, uint64_t *out)
{
	char *end;
	if (s == NULL || *s == '\0')
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0')
		return false;
	*out = v;
	return true;
}

static int parse_hex(const char *s, uint8_t *out, size_t cap)
{
	if (s == NULL)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	size_t n = strlen(s);
	if (n % 2 != 0 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return (int)(n / 2);
}

static bool parse_prefix(const char *s, struct in6_addr *a, uint8_t *len)
{
	char buf[INET6_ADDRSTRLEN + 5];
	if (s == NULL || strlen(s) >= sizeof(buf))
		return false;
	snprintf(buf, sizeof(buf), "%s", s);
	char *slash = strchr(buf, '/');
	uint32_t l = 128;
	if (slash != NULL) {
		*slash = '\0';
		if (!parse_u32(slash + 1, &l) || l > 128)
			return false;
	}
	*len = (uint8_t)l;
	return inet_pton(AF_INET6, buf, a) == 1;
}

/* sa add id=N dir=in|out mode=transport|tunnel-udp alg=NAME spi=X key=HEX
 *        [auth=HEX] local=ADDR remote=ADDR [port=NAME] [window=N] [esn]
 *        [sport=N dport=N] [ts-local=P/L ts-remote=P/L] [current]
 *        [soft-seconds=N hard-seconds=N soft-bytes=N ...] */
static void cmd_sa_add(struct cp_ctx *cp, struct conn *c, char **argv, int argc)
{
	struct pmip_ctl_sa s;
	memset(&s, 0, sizeof(s));
	const char *why = NULL, *v;
	uint64_t u;
	int alg = -1, n;
	v = arg_get(argv, argc, "dir");
	s.dir = v && strcmp(v, "in") == 0 ? PMIP_SA_IN : v && strcmp(v, "out") == 0 ? PMIP_SA_OUT : 0;
	v = arg_get(argv, argc, "mode");
	s.mode = v && strcmp(v, "transport") == 0 ? PMIP_SA_TRANSPORT
		 : v && strcmp(v, "tunnel-udp") == 0 ? PMIP_SA_TUNNEL_UDP : 0;
	if ((v = arg_get(argv, argc, "alg")) != NULL)
		alg = pmip_esp_alg_by_name(v);
	if (!parse_u32(arg_get(argv, argc, "id"), &s.id))
		why = "id=N required";
	else if (s.dir == 0)
		why = "dir=in|out required";
	else if (s.mode == 0)
		why = "mode=transport|tunnel-udp required";
	else if (alg < 0)
		why = "alg=aes-gcm-128|aes-gcm-256|aes-cbc-128-hmac-sha256|aes-cbc-256-hmac-sha256 required";
	else if (!parse_u64(arg_get(argv, argc, "spi"), &u) || u > UINT32_MAX)
		why = "spi=N required";
	else if ((n = parse_hex(arg_get(argv, argc, "key"), s.enc_key, sizeof(s.enc_key))) < 0)
		why = "key=HEX required (GCM: key followed by the 4-byte salt)";
	else if (!parse_addr(arg_get(argv, argc, "local"), &s.local, false) ||
		 !parse_addr(arg_get(argv, argc, "remote"), &s.remote, false))
		why = "local=ADDR and remote=ADDR required";
	if (why == NULL) {
		s.alg = (uint8_t)alg;
		s.spi = (uint32_t)u;
		s.enc_key_len = (uint8_t)n;
		if ((v = arg_get(argv, argc, "auth")) != NULL) {
			n = parse_hex(v, s.auth_key, sizeof(s.auth_key));
			if (n < 0)
				why = "auth=HEX malformed";
			else
				s.auth_key_len = (uint8_t)n;
		}
	}
	if (why == NULL) {
		uint32_t w32 = 128;
		if ((v = arg_get(argv, argc, "window")) != NULL && !parse_u32(v, &w32))
			why = "window=N malformed";
		s.replay_window = (uint16_t)(s.dir == PMIP_SA_IN ? w32 : 0);
		if (arg_get(argv, argc, "esn") != NULL)
			s.flags |= PMIP_SA_F_ESN;
		if (arg_get(argv, argc, "current") != NULL || s.dir == PMIP_SA_OUT)
			s.flags |= s.dir == PMIP_SA_OUT ? PMIP_SA_F_CURRENT : 0;
		uint32_t p16 = 4500, q16 = 4500;
		if (((v = arg_get(argv, argc, "sport")) != NULL && (!parse_u32(v, &p16) || p16 > 65535)) ||
		    ((v = arg_get(argv, argc, "dport")) != NULL && (!parse_u32(v, &q16) || q16 > 65535)))
			why = "sport/dport malformed";
		if (s.mode == PMIP_SA_TUNNEL_UDP) {
			s.udp_sport = (uint16_t)p16;
			s.udp_dport = (uint16_t)q16;
		}
		/* Traffic selectors default to the two outer addresses. */
		s.ts_local = s.local;
		s.ts_remote = s.remote;
		s.ts_local_len = s.ts_remote_len = 128;
		if ((v = arg_get(argv, argc, "ts-local")) != NULL && !parse_prefix(v, &s.ts_local, &s.ts_local_len))
			why = "ts-local=PREFIX/LEN malformed";
		if ((v = arg_get(argv, argc, "ts-remote")) != NULL &&
		    !parse_prefix(v, &s.ts_remote, &s.ts_remote_len))
			why = "ts-remote=PREFIX/LEN malformed";
		static const struct {
			const char *key;
			size_t off;
			bool u32;
		} lifetimes[] = {
			{ "soft-seconds", offsetof(struct pmip_ctl_sa, soft_seconds), true },
			{ "hard-seconds", offsetof(struct pmip_ctl_sa, hard_seconds), true },
			{ "soft-bytes", offsetof(struct pmip_ctl_sa, soft_bytes), false },
			{ "hard-bytes", offsetof(struct pmip_ctl_sa, hard_bytes), false },
			{ "soft-packets", offsetof(struct pmip_ctl_sa, soft_packets), false },
			{ "hard-packets", offsetof(struct pmip_ctl_sa, hard_packets), false },
		};
		for (size_t i = 0; i < sizeof(lifetimes) / sizeof(lifetimes[0]) && why == NULL; i++) {
			if ((v = arg_get(argv, argc, lifetimes[i].key)) == NULL)
				continue;
			if (!parse_u64(v, &u) || (lifetimes[i].u32 && u > UINT32_MAX)) {
				why = "lifetime malformed";
				break;
			}
			if (lifetimes[i].u32)
				*(uint32_t *)((uint8_t *)&s + lifetimes[i].off) = (uint32_t)u;
			else
				*(uint64_t *)((uint8_t *)&s + lifetimes[i].off) = u;
		}
		const char *port = arg_get(argv, argc, "port");
		struct cp_route_choice rc;
		if (port != NULL) {
			int idx = pmip_config_port_index(cp->cfg, port);
			if (idx < 0)
				why = "no such port";
			s.port = (uint16_t)(idx < 0 ? 0 : idx);
		} else if (cp_routing_lookup(cp, &s.remote, &rc)) {
			s.port = rc.port;
		} else if (why == NULL) {
			why = "no route to remote (give port=NAME)";
		}
	}
	if (why == NULL) {
		c->waiting = true;
		if (cp_sa_add(cp, &s, on_ack, ack_arg(c), &why) == 0) {
			OPENSSL_cleanse(&s, sizeof(s));
			return;
		}
		c->waiting = false;
	}
	OPENSSL_cleanse(&s, sizeof(s));
	reply(cp, c, "{\"ok\":false,\"error\":\"%s\"}", why);
}


static void cmd_sa_list(struct cp_ctx *cp, struct conn *c)
{
	static char out[OUT_MAX - 64];
	size_t n = (size_t)snprintf(out, sizeof(out), "{\"count\":%u,\"soft_expiries\":%lu,\"hard_expiries\":%lu,\"sas\":[",
				    cp->sas.count, cp->sas.soft_expiries, cp->sas.hard_expiries);
	bool first = true;
	for (uint32_t id = 1; id < cp->sas.max && n < sizeof(out) - 512; id++) {
		const struct cp_sa *e = &cp->sas.e[id];
		if (!e->in_use)
			continue;
		char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, &e->spec.local, l, sizeof(l));
		inet_ntop(AF_INET6, &e->spec.remote, r, sizeof(r));
		n += (size_t)snprintf(out + n, sizeof(out) - n,
				      "%s{\"id\":%u,\"dir\":\"%s\",\"mode\":\"%s\",\"alg\":\"%s\",\"spi\":\"0x%08x\",\"local\":\"%s\",\"remote\":\"%s\",\"soft_expired\":%s}",
				      first ? "" : ",", id, e->spec.dir == PMIP_SA_IN ? "in" : "out",
				      e->spec.mode == PMIP_SA_TRANSPORT ? "transport" : "tunnel-udp",
				      pmip_esp_alg_desc(e->spec.alg)->name, e->spec.spi, l, r,
				      e->soft_expired ? "true" : "false");
		first = false;
	}
	reply(cp, c, "%s]}", out);
}

/* sa ping id=N [src=ADDR] [dst=ADDR] [count=N]: echo requests under an
 * outbound SA (what tests and operators use to check an SA end to end). */
static void cmd_sa_ping(struct cp_ctx *cp, struct conn *c, char **argv, int argc)
{
	uint32_t id, count = 1;
	const char *v;
	if (!parse_u32(arg_get(argv, argc, "id"), &id) || id == 0 || id >= cp->sas.max ||
	    !cp->sas.e[id].in_use || cp->sas.e[id].spec.dir != PMIP_SA_OUT) {
		reply(cp, c, "{\"ok\":false,\"error\":\"id=N of an outbound sa required\"}");
		return;
	}
	const struct pmip_ctl_sa *s = &cp->sas.e[id].spec;
	struct in6_addr src = s->mode == PMIP_SA_TRANSPORT ? s->local : s->ts_local;
	struct in6_addr dst = s->mode == PMIP_SA_TRANSPORT ? s->remote : s->ts_remote;
	if (((v = arg_get(argv, argc, "src")) != NULL && !parse_addr(v, &src, false)) ||
	    ((v = arg_get(argv, argc, "dst")) != NULL && !parse_addr(v, &dst, false)) ||
	    ((v = arg_get(argv, argc, "count")) != NULL && (!parse_u32(v, &count) || count > 1000))) {
		reply(cp, c, "{\"ok\":false,\"error\":\"src/dst/count malformed\"}");
		return;
	}
	/* The frame goes to the next hop towards the SA's remote. */
	struct cp_route_choice rc;
	if (!cp_routing_lookup(cp, &s->remote, &rc)) {
		reply(cp, c, "{\"ok\":false,\"error\":\"no route to the sa's remote\"}");
		return;
	}
	uint32_t nid = cp_neigh_get(cp, rc.port, &rc.next_hop, false);
	if (nid == UINT32_MAX || (cp->neigh.e[nid].state != NEIGH_REACHABLE &&
				  cp->neigh.e[nid].state != NEIGH_PROBE)) {
		reply(cp, c, "{\"ok\":false,\"error\":\"next hop not resolved yet; try again\"}");
		return;
	}
	uint8_t frame[256];
	uint32_t sent = 0;
	for (uint32_t i = 0; i < count; i++) {
		size_t n = pmip_icmp6_echo_request_build(frame, sizeof(frame), cp->link.ports[rc.port].mac,
							 cp->neigh.e[nid].mac, &src, &dst, 0x5041,
							 (uint16_t)(cp->sa_ping_seq++), 32);
		if (n != 0 && dp_link_send_frame_sa(&cp->link, rc.port, frame, n, id) == 0)
			sent++;
	}
	reply(cp, c, "{\"ok\":%s,\"sent\":%u}", sent == count ? "true" : "false", sent);
}

static void cmd_binding_list(struct cp_ctx *cp, struct conn *c)
{
	static char out[OUT_MAX - 64];
	size_t n = 0;
	n += (size_t)snprintf(out + n, sizeof(out) - n, "{\"count\":%u,\"bindings\":[",
			      cp->bindings.count);
	bool first = true;
	for (uint32_t id = 0; id < cp->bindings.max && n < sizeof(out) - 512; id++) {
		const struct cp_binding *b = &cp->bindings.e[id];
		if (!b->in_use)
			continue;
		char hnp[INET6_ADDRSTRLEN], hoa[INET6_ADDRSTRLEN], peer[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, &b->hnp, hnp, sizeof(hnp));
		inet_ntop(AF_INET6, &b->hoa, hoa, sizeof(hoa));
		inet_ntop(AF_INET6, &b->peer, peer, sizeof(peer));
		n += (size_t)snprintf(out + n, sizeof(out) - n,
				      "%s{\"id\":%u,\"hnp\":\"%s/64\",\"hoa\":\"%s\",\"shared\":%s,\"peer\":\"%s\",\"tunnel\":%u,\"port\":%u,\"mac\":\"%02x:%02x:%02x:%02x:%02x:%02x\"}",
				      first ? "" : ",", id, hnp, hoa,
				      (b->flags & PMIP_BINDING_F_SHARED_PREFIX) ? "true" : "false",
				      peer, b->tunnel_id, b->access_port, b->mn_mac[0], b->mn_mac[1],
				      b->mn_mac[2], b->mn_mac[3], b->mn_mac[4], b->mn_mac[5]);
		first = false;
	}
	reply(cp, c, "%s]}", out);
}

static void cmd_neigh_list(struct cp_ctx *cp, struct conn *c)
{
	static char out[OUT_MAX - 64];
	static const char *const states[] = { "incomplete", "reachable", "probe", "failed" };
	size_t n = 0;
	n += (size_t)snprintf(out + n, sizeof(out) - n, "{\"neighbours\":[");
	bool first = true;
	for (uint32_t id = 0; id < cp->neigh.max && n < sizeof(out) - 256; id++) {
		const struct cp_neigh *e = &cp->neigh.e[id];
		if (!e->in_use)
			continue;
		char ip[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, &e->ip, ip, sizeof(ip));
		n += (size_t)snprintf(out + n, sizeof(out) - n,
				      "%s{\"id\":%u,\"port\":%u,\"ip\":\"%s\",\"state\":\"%s\",\"mac\":\"%02x:%02x:%02x:%02x:%02x:%02x\",\"users\":%u}",
				      first ? "" : ",", id, e->port, ip, states[e->state], e->mac[0],
				      e->mac[1], e->mac[2], e->mac[3], e->mac[4], e->mac[5], e->users);
		first = false;
	}
	reply(cp, c, "%s]}", out);
}

static void cmd_stats(struct cp_ctx *cp, struct conn *c)
{
	const struct dp_link_stats *l = &cp->link.stats;
	reply(cp, c,
	      "{\"dp_ready\":%s,\"bindings\":%u,\"moves\":%lu,"
	      "\"ctl\":{\"sent\":%lu,\"acked\":%lu,\"rejected\":%lu,\"lost\":%lu,\"queued\":%zu},"
	      "\"link\":{\"attaches\":%lu,\"punt\":%lu,\"punt_stale\":%lu,\"tx\":%lu,\"tx_ring_full\":%lu},"
	      "\"neigh\":{\"ns_sent\":%lu,\"na_received\":%lu,\"na_ignored\":%lu,\"resolved\":%lu,\"failed\":%lu},"
	      "\"ra\":{\"unsolicited\":%lu,\"solicited\":%lu,\"rs\":%lu,\"rs_unknown_mn\":%lu,\"not_sent\":%lu},"
	      "\"echo\":{\"requests\":%lu,\"replies\":%lu,\"no_sa\":%lu,\"replies_received\":%lu}}",
	      cp->link.ready ? "true" : "false", cp->bindings.count, cp->bindings.moves,
	      cp->ctl.sent, cp->ctl.acked, cp->ctl.rejected, cp->ctl.lost, cp->ctl.q_len,
	      l->attaches, l->punt_received, l->punt_stale, l->tx_sent, l->tx_ring_full,
	      cp->neigh.ns_sent, cp->neigh.na_received, cp->neigh.na_ignored, cp->neigh.resolved,
	      cp->neigh.failed, cp->ra.sent_unsolicited, cp->ra.sent_solicited,
	      cp->ra.rs_received, cp->ra.rs_unknown_mn, cp->ra.not_sent, cp->echo.requests,
	      cp->echo.replies, cp->echo.no_sa, cp->echo.replies_received);
}

static void handle_line(struct cp_ctx *cp, struct conn *c, char *line)
{
	char *argv[24];
	int argc = 0;
	for (char *tok = strtok(line, " \t\r"); tok != NULL && argc < 24; tok = strtok(NULL, " \t\r"))
		argv[argc++] = tok;
	if (argc == 0)
		return;
	if (argc >= 2 && strcmp(argv[0], "binding") == 0 && strcmp(argv[1], "set") == 0)
		cmd_binding_set(cp, c, argv + 2, argc - 2);
	else if (argc >= 2 && strcmp(argv[0], "binding") == 0 && strcmp(argv[1], "del") == 0)
		cmd_del_by_id(cp, c, argv + 2, argc - 2, cp_binding_del);
	else if (argc == 2 && strcmp(argv[0], "binding") == 0 && strcmp(argv[1], "list") == 0)
		cmd_binding_list(cp, c);
	else if (argc == 2 && strcmp(argv[0], "neigh") == 0 && strcmp(argv[1], "list") == 0)
		cmd_neigh_list(cp, c);
	else if (argc >= 2 && strcmp(argv[0], "sa") == 0 && strcmp(argv[1], "add") == 0)
		cmd_sa_add(cp, c, argv + 2, argc - 2);
	else if (argc >= 2 && strcmp(argv[0], "sa") == 0 && strcmp(argv[1], "del") == 0)
		cmd_del_by_id(cp, c, argv + 2, argc - 2, cp_sa_del);
	else if (argc == 2 && strcmp(argv[0], "sa") == 0 && strcmp(argv[1], "list") == 0)
		cmd_sa_list(cp, c);
	else if (argc >= 2 && strcmp(argv[0], "sa") == 0 && strcmp(argv[1], "ping") == 0)
		cmd_sa_ping(cp, c, argv + 2, argc - 2);
	else if (argc == 1 && strcmp(argv[0], "stats") == 0)
		cmd_stats(cp, c);
	else if (argc >= 2 && strcmp(argv[0], "ike") == 0) {
		static char out[OUT_MAX - 64];
		cp_ike_admin(cp, argv + 1, argc - 1, out, sizeof(out));
		reply(cp, c, "%s", out);
	} else if (argc >= 2 && strcmp(argv[0], "pmip") == 0) {
		static char out[OUT_MAX - 64];
		cp_pmip_admin(cp, argv + 1, argc - 1, out, sizeof(out));
		reply(cp, c, "%s", out);
	} else
		reply(cp, c, "{\"ok\":false,\"error\":\"unknown command (binding set|del|list, sa add|del|list|ping, ike list|stats|initiate|rekey|delete, pmip list|stats|heartbeat|attach|detach, neigh list, stats)\"}");
}

static void on_conn(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	(void)loop;
	(void)events;
	struct cp_ctx *cp = arg;
	struct conn *c = NULL;
	for (int i = 0; i < MAX_CONN; i++)
		if (conns[i].fd == fd)
			c = &conns[i];
	if (c == NULL)
		return;
	ssize_t n = read(fd, c->in + c->in_len, sizeof(c->in) - c->in_len);
	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		conn_close(cp, c);
		return;
	}
	c->in_len += (size_t)n;
	char *nl;
	while (c->fd >= 0 && !c->waiting && (nl = memchr(c->in, '\n', c->in_len)) != NULL) {
		*nl = '\0';
		size_t used = (size_t)(nl - c->in) + 1;
		char line[LINE_MAX_LEN];
		memcpy(line, c->in, used);
		memmove(c->in, c->in + used, c->in_len - used);
		c->in_len -= used;
		handle_line(cp, c, line);
	}
	if (c->fd >= 0 && c->in_len == sizeof(c->in)) {
		reply(cp, c, "{\"ok\":false,\"error\":\"request line longer than %d bytes\"}",
		      LINE_MAX_LEN - 1);
		conn_close(cp, c);
	}
}

static void on_accept(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	(void)events;
	struct cp_ctx *cp = arg;
	int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0)
		return;
	for (int i = 0; i < MAX_CONN; i++) {
		if (conns[i].fd < 0) {
			conns[i].fd = cfd;
			conns[i].in_len = 0;
			conns[i].waiting = false;
			if (evloop_fd_add(loop, cfd, EPOLLIN, on_conn, cp) != 0) {
				close(cfd);
				conns[i].fd = -1;
			}
			return;
		}
	}
	pmip_warn("too many control connections (%d); refusing one", MAX_CONN);
	close(cfd);
}

int cp_admin_init(struct cp_ctx *cp, const char *path)
{
	for (int i = 0; i < MAX_CONN; i++)
		conns[i].fd = -1;
	cp->admin_fd = -1;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sun.sun_path)) {
		pmip_err("admin socket path too long: %s", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	unlink(path); /* a stale socket of a killed cp */
	mode_t old = umask(0077);
	int rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (rc != 0 || listen(fd, 8) != 0 || evloop_fd_add(cp->loop, fd, EPOLLIN, on_accept, cp) != 0) {
		pmip_err("admin socket %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	cp->admin_fd = fd;
	snprintf(cp->admin_path, sizeof(cp->admin_path), "%s", path);
	return 0;
}

void cp_admin_close(struct cp_ctx *cp)
{
	for (int i = 0; i < MAX_CONN; i++)
		conn_close(cp, &conns[i]);
	if (cp->admin_fd >= 0) {
		evloop_fd_del(cp->loop, cp->admin_fd);
		close(cp->admin_fd);
		unlink(cp->admin_path);
		cp->admin_fd = -1;
	}
}
