/* ESP security associations in cp: the store (cp is the source of truth;
 * dp holds a copy, pushed again after every dp start), the key log, expiry
 * events, and which outbound SA protects what cp sends to a peer.
 *
 * SAs come from IKEv2 or, until then, from the control socket (pmipctl cp sa
 * add ...). The key log ([log] keylog = PREFIX) appends each SA to
 * PREFIX.esp_sa in the syntax of Wireshark's ESP SA table (one UAT record
 * per line), so `tshark -o uat:esp_sa:"<line>"` or a profile with that file
 * decrypts captures. It holds live keys: it is created 0600 and off unless
 * configured. */
#define LOG_MODULE "sa"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cp.h"
#include "log.h"

int cp_sa_init(struct cp_ctx *cp, uint32_t max)
{
	struct cp_sa_table *t = &cp->sas;
	memset(t, 0, sizeof(*t));
	t->e = calloc(max, sizeof(*t->e));
	if (t->e == NULL)
		return -1;
	t->max = max;
	return 0;
}

void cp_sa_free(struct cp_ctx *cp)
{
	if (cp->sas.e != NULL)
		OPENSSL_cleanse(cp->sas.e, sizeof(*cp->sas.e) * cp->sas.max);
	free(cp->sas.e);
	cp->sas.e = NULL;
}

static void hex(char *out, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * n] = '\0';
}

/* One record of Wireshark's esp_sa table: protocol, source, destination,
 * SPI, encryption, key, authentication, key (packets under the SA). */
static void keylog_write(const struct cp_ctx *cp, const struct pmip_ctl_sa *s)
{
	const char *prefix = cp->cfg->log.keylog;
	if (prefix[0] == '\0')
		return;
	const struct pmip_esp_alg_desc *d = pmip_esp_alg_desc(s->alg);
	char path[PATH_MAX + 16], src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	char ekey[2 * 36 + 1], akey[2 * 32 + 1];
	snprintf(path, sizeof(path), "%s.esp_sa", prefix);
	const struct in6_addr *a = s->dir == PMIP_SA_OUT ? &s->local : &s->remote;
	const struct in6_addr *b = s->dir == PMIP_SA_OUT ? &s->remote : &s->local;
	inet_ntop(AF_INET6, a, src, sizeof(src));
	inet_ntop(AF_INET6, b, dst, sizeof(dst));
	hex(ekey, s->enc_key, s->enc_key_len);
	hex(akey, s->auth_key, s->auth_key_len);
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		pmip_warn("key log %s: %s", path, strerror(errno));
		return;
	}
	char line[512];
	int n = snprintf(line, sizeof(line), "\"IPv6\",\"%s\",\"%s\",\"0x%08x\",\"%s\",\"0x%s\",\"%s\",\"%s%s\"\n",
			 src, dst, s->spi, d->tshark_enc, ekey, d->tshark_auth,
			 s->auth_key_len ? "0x" : "", akey);
	if (n > 0 && write(fd, line, (size_t)n) != n)
		pmip_warn("key log %s: short write", path);
	close(fd);
	OPENSSL_cleanse(line, sizeof(line));
	OPENSSL_cleanse(ekey, sizeof(ekey));
	OPENSSL_cleanse(akey, sizeof(akey));
}

static void push(struct cp_ctx *cp, uint32_t id, cp_ack_cb cb, void *arg)
{
	struct pmip_ctl_msg m = { .type = PMIP_CTL_SA_ADD };
	m.u.sa = cp->sas.e[id].spec;
	cp_ctl_send(cp, &m, cb, arg);
	OPENSSL_cleanse(&m, sizeof(m));
}

static bool pow2(unsigned v)
{
	return v && !(v & (v - 1));
}

int cp_sa_add(struct cp_ctx *cp, const struct pmip_ctl_sa *s, cp_ack_cb cb, void *arg,
	      const char **why)
{
	const struct pmip_esp_alg_desc *d = pmip_esp_alg_desc(s->alg);
	if (s->id == 0 || s->id >= cp->sas.max)
		*why = "sa id out of range (1 .. [dp] max_sas - 1)";
	else if (cp->sas.e[s->id].in_use)
		*why = "sa id in use (delete it first)";
	else if (d == NULL)
		*why = "unknown algorithm";
	else if (s->enc_key_len != d->enc_key_len || s->auth_key_len != d->auth_key_len)
		*why = "key length does not match the algorithm";
	else if (s->spi < 256)
		*why = "SPI 0-255 are reserved (RFC 4303 2.1)";
	else if (s->dir != PMIP_SA_IN && s->dir != PMIP_SA_OUT)
		*why = "dir must be in or out";
	else if (s->mode != PMIP_SA_TRANSPORT && s->mode != PMIP_SA_TUNNEL_UDP)
		*why = "mode must be transport or tunnel-udp";
	else if (s->dir == PMIP_SA_IN && (!pow2(s->replay_window) || s->replay_window < 64 ||
					   s->replay_window > 1024))
		*why = "replay window must be a power of two in 64..1024";
	else if (s->port >= cp->cfg->n_ports)
		*why = "no such port";
	else
		*why = NULL;
	if (*why != NULL)
		return -1;
	struct cp_sa *e = &cp->sas.e[s->id];
	e->in_use = true;
	e->spec = *s;
	e->soft_expired = false;
	e->held = false;
	e->gen = ++cp->sas.next_gen;
	cp->sas.count++;
	keylog_write(cp, s);
	char a[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, &s->remote, a, sizeof(a));
	pmip_info("sa %u %s %s spi 0x%08x %s peer %s", s->id, s->dir == PMIP_SA_IN ? "in" : "out",
		  s->mode == PMIP_SA_TRANSPORT ? "transport" : "tunnel-udp", s->spi, d->name, a);
	push(cp, s->id, cb, arg);
	return 0;
}

int cp_sa_del(struct cp_ctx *cp, uint32_t id, cp_ack_cb cb, void *arg, const char **why)
{
	if (id == 0 || id >= cp->sas.max || !cp->sas.e[id].in_use) {
		*why = "no such sa";
		return -1;
	}
	OPENSSL_cleanse(&cp->sas.e[id], sizeof(cp->sas.e[id]));
	cp->sas.count--;
	struct pmip_ctl_msg m = { .type = PMIP_CTL_SA_DEL };
	m.u.sa.id = id;
	cp_ctl_send(cp, &m, cb, arg);
	return 0;
}

static bool covers(const struct in6_addr *net, uint8_t len, const struct in6_addr *a)
{
	for (unsigned bit = 0; bit < len && bit < 128; bit++) {
		uint8_t m = (uint8_t)(0x80 >> (bit % 8));
		if ((net->s6_addr[bit / 8] & m) != (a->s6_addr[bit / 8] & m))
			return false;
	}
	return true;
}

uint32_t cp_sa_out_for(const struct cp_ctx *cp, const struct in6_addr *dst)
{
	/* The newest outbound SA (install order): a rekey we start adds the
	 * new SA before the old one is deleted, and we switch at once. One
	 * we answered is held (ikev2_rekey.c): the newest held SA only when
	 * nothing else is left. A tunnel-mode SA protects what its remote
	 * selector covers (RFC 4301 4.4.1), not only the peer. */
	uint32_t best[2] = { 0, 0 }; /* [held] */
	uint64_t best_gen[2] = { 0, 0 };
	for (uint32_t id = 1; id < cp->sas.max; id++) {
		const struct cp_sa *e = &cp->sas.e[id];
		if (!e->in_use || e->spec.dir != PMIP_SA_OUT || e->gen < best_gen[e->held])
			continue;
		bool match = e->spec.mode == PMIP_SA_TUNNEL_UDP
				     ? covers(&e->spec.ts_remote, e->spec.ts_remote_len, dst)
				     : memcmp(&e->spec.remote, dst, 16) == 0;
		if (match) {
			best[e->held] = id;
			best_gen[e->held] = e->gen;
		}
	}
	return best[0] != 0 ? best[0] : best[1];
}

uint32_t cp_sa_free_id(const struct cp_ctx *cp, uint32_t except)
{
	/* From the top: ids chosen by hand (pmipctl cp sa add) are small. */
	for (uint32_t id = cp->sas.max - 1; id >= 1; id--)
		if (!cp->sas.e[id].in_use && id != except)
			return id;
	return 0;
}

void cp_sa_on_expire(struct cp_ctx *cp, const struct pmip_evt_sa_expire *x)
{
	static const char *const reasons[] = { "?", "time", "bytes", "packets", "sequence numbers" };
	const char *why = x->reason < 5 ? reasons[x->reason] : "?";
	if (x->sa_id == 0 || x->sa_id >= cp->sas.max || !cp->sas.e[x->sa_id].in_use)
		return;
	struct cp_sa *e = &cp->sas.e[x->sa_id];
	if (!x->hard) {
		e->soft_expired = true;
		cp->sas.soft_expiries++;
		pmip_notice("sa %u soft lifetime reached (%s: %lu bytes, %lu packets): rekey due",
			    x->sa_id, why, x->bytes, x->packets);
		return;
	}
	cp->sas.hard_expiries++;
	pmip_warn("sa %u hard lifetime reached (%s: %lu bytes, %lu packets): removed by dp",
		  x->sa_id, why, x->bytes, x->packets);
	OPENSSL_cleanse(e, sizeof(*e));
	cp->sas.count--;
}

void cp_sa_push_all(struct cp_ctx *cp)
{
	for (uint32_t id = 1; id < cp->sas.max; id++)
		if (cp->sas.e[id].in_use)
			push(cp, id, NULL, NULL);
}
