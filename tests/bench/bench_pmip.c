/* Benchmark: PBU/PBA registrations per second at the LMA on one core, ESP
 * included, and the cp memory a binding costs when the binding cache holds
 * N of them.
 *
 *   bench_pmip [N [BASELINE_SECONDS]]      N MNs (default 1000000), the
 *                                          ESP-only baseline runs about
 *                                          BASELINE_SECONDS (default 2)
 *
 * The LMA is the PMIPv6 engine (cp/pmip/, role lma, max = N) with an env
 * that does what pmip-cp's does (cp/pmip_glue.c), minus the rings:
 *   profile_by_mn_id  a binary search in a real profile table of N MNs,
 *                     generated as text and parsed by pmip_profiles_parse
 *                     (cp/pmip/pmip_profiles.h), as pmip-cp loads it;
 *   mag_authorised    as the glue: the profile's entry, its mags=
 *                     (every profile names the one MAG), and the MAG an
 *                     [ike.peer] of the configuration;
 *   send_mh           the PBA framed as cp_ip6_send puts it on the tx ring
 *                     (IPv6 header + Mobility Header copied into a 2 KiB
 *                     element), then ESP-encrypted as dp's tx does for cp's
 *                     packets: transport mode, AES-GCM-128, our framing
 *                     (common/net/esp.h) and crypto (dp/esp_crypto.c);
 *   binding_up/down   cp's real binding store, cp/bindings.c linked in:
 *                     cp_binding_set / cp_binding_del into struct
 *                     cp_binding_table, the glue's spec. What bindings.c
 *                     calls beyond its table is stubbed here: the ctl
 *                     message to dp is copied into a 1024-slot array (the
 *                     ring copy; no ack comes back, nothing is queued),
 *                     the tunnel to the MAG is one shared id, no RAs (LMA).
 *
 * The MAG side, before anything is timed: N PBUs built by
 * pmip_mh_pbu_build as pmip_mag.c builds them (A|H|P, lifetime 3600 s;
 * MN-ID, HNP /64, HI 1, ATT 3, MN-LLID, Timestamp), each ESP-encrypted
 * under the MAG->LMA SA. The LMA's timestamp window is 600 s (the
 * schema's maximum) so that every PBU is in it for the whole run.
 *
 * Timed, on one thread, per MN: what the LMA's dp does to the ESP packet
 * (ESP parse, anti-replay check, AES-GCM ICV + decrypt, window update,
 * trailer check: next header must be the Mobility Header), then
 * pmip_input(..., protected true) -> PBA -> send_mh (copy + encrypt).
 *
 * Phases:
 *   esp       the N registrations with ESP, into an empty engine: the
 *             rate over all N, the first 100k and the last 100k; then the
 *             memory, RSS (/proc/self/statm) after the fill minus RSS
 *             before the profile table was parsed and the engine and the
 *             store created (the PBU pool is allocated before), over N.
 *   noesp     a fresh engine and store, the same N PBUs in the clear, the
 *             PBA not encrypted: the engine and its env alone.
 *   esp_only  baseline: our ESP alone on the same packets: decrypt a PBU
 *             of the pool and encrypt a PBA of the engine's size, as
 *             pairs, for BASELINE_SECONDS (batches of 1024 PBUs
 *             re-encrypted outside the timed part).
 *
 * Output: a table, then "ratio" and "metric" lines (scripts/bench.sh
 * pmip). Exits non-zero if any PBU was refused or the cache holds fewer
 * than N bindings at the end.
 */
#define LOG_MODULE "bench"
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cp.h"
#include "esp_crypto.h"
#include "evloop.h"
#include "log.h"
#include "net/esp.h"
#include "net/mh.h"
#include "net/pkt.h"
#include "pmip.h"
#include "pmip_dp.h"
#include "pmip_internal.h"
#include "pmip_profiles.h"
#include "replay.h"

#define N_DEFAULT 1000000u
#define EDGE 100000u              /* first / last registrations timed apart */
#define SLOT 192                  /* pool stride: an ESP PBU is ~140 octets */
#define BASE_BATCH 1024u
#define SPI_MAG_LMA 0x1001u
#define SPI_LMA_MAG 0x1002u
#define REPLAY_WINDOW 128
#define TX_RING 1024u
#define TX_ELEM 2048u             /* struct pmip_pkt_msg's size */
#define IP6_HLEN 40

static const char *const lma_str = "2001:db8:c::1";
static const char *const mag_str = "2001:db8:c::2";
static struct in6_addr lma_addr, mag_addr;

static void die(const char *fmt, const char *what)
{
	fprintf(stderr, "bench_pmip: ");
	fprintf(stderr, fmt, what);
	fprintf(stderr, "\n");
	exit(1);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static size_t rss_bytes(void)
{
	unsigned long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f == NULL || fscanf(f, "%lu %lu", &size, &resident) != 2)
		die("%s", "cannot read /proc/self/statm");
	fclose(f);
	return (size_t)resident * (size_t)sysconf(_SC_PAGESIZE);
}

/* ---------------------------------------------------------------- ESP -- */

/* One direction of the MAG-LMA SA pair: AES-GCM-128, transport mode. */
struct esp_sa {
	struct dp_esp_crypto *c;
	uint32_t spi;
	uint64_t seq;                 /* outbound: last sent */
	struct pmip_replay replay;    /* inbound */
};

static void esp_sa_init(struct esp_sa *sa, uint32_t spi, bool encrypt)
{
	uint8_t key[20];              /* AES-128 key + 4-octet salt (RFC 4106 8.1) */
	for (unsigned i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(0x10 + i + spi);
	memset(sa, 0, sizeof(*sa));
	sa->spi = spi;
	sa->c = dp_esp_crypto_new(DP_ESP_AES_GCM_128, key, sizeof(key), NULL, 0, encrypt);
	if (sa->c == NULL)
		die("%s", "dp_esp_crypto_new");
	pmip_replay_init(&sa->replay, REPLAY_WINDOW, false);
}

/* ESP header, IV, payload, RFC 4303 padding and trailer, ICV into out
 * (room for len + 16 + 3 + 2 + 16). Returns the ESP packet's length. */
static size_t esp_encap(struct esp_sa *sa, const uint8_t *payload, size_t len, uint8_t *out)
{
	uint32_t seq = (uint32_t)++sa->seq;
	pmip_esp_hdr_write(out, sa->spi, seq);
	uint8_t *iv = out + PMIP_ESP_HLEN;
	uint8_t *ct = iv + PMIP_ESP_GCM_IV_LEN;
	if (dp_esp_iv_gen(sa->c, sa->seq, iv) != DP_ESP_OK)
		die("%s", "dp_esp_iv_gen");
	memcpy(ct, payload, len);
	size_t ct_len = len + pmip_esp_trailer_write(ct + len, pmip_esp_pad_len(len, PMIP_ESP_GCM_BLOCK),
						     PMIP_IPPROTO_MH);
	uint8_t aad[12];
	size_t aad_len = pmip_esp_aad(aad, sa->spi, seq, 0, false);
	if (dp_esp_encrypt(sa->c, aad, aad_len, iv, ct, ct_len, ct + ct_len) != DP_ESP_OK)
		die("%s", "dp_esp_encrypt");
	return PMIP_ESP_HLEN + PMIP_ESP_GCM_IV_LEN + ct_len + PMIP_ESP_GCM_ICV_LEN;
}

/* What the LMA's dp does with an inbound ESP packet for cp: decrypted in
 * place; *mh, *mh_len: the Mobility Header. false on any drop. */
static bool esp_decap(struct esp_sa *sa, uint8_t *pkt, size_t len, const uint8_t **mh,
		      size_t *mh_len)
{
	struct pmip_esp_view v;
	uint64_t full;
	uint8_t aad[12], pad, nh;
	if (pmip_esp_parse(pkt, len, PMIP_ESP_GCM_IV_LEN, PMIP_ESP_GCM_ICV_LEN, PMIP_ESP_GCM_BLOCK,
			   &v) != PMIP_PKT_ERR_OK ||
	    v.spi != sa->spi || pmip_replay_check(&sa->replay, v.seq, &full) != PMIP_REPLAY_OK)
		return false;
	size_t aad_len = pmip_esp_aad(aad, v.spi, v.seq, 0, false);
	if (dp_esp_decrypt(sa->c, aad, aad_len, pkt + v.iv_off, pkt + v.ct_off, v.ct_len,
			   pkt + v.icv_off) != DP_ESP_OK ||
	    pmip_replay_update(&sa->replay, full) != PMIP_REPLAY_OK ||
	    pmip_esp_trailer_check(pkt + v.ct_off, v.ct_len, &pad, &nh) != PMIP_PKT_ERR_OK ||
	    nh != PMIP_IPPROTO_MH)
		return false;
	*mh = pkt + v.ct_off;
	*mh_len = v.ct_len - pad - 2;
	return true;
}

/* ---------------------------------------------------------------- MNs -- */

static void mn_nai(unsigned i, char *out, size_t cap)
{
	snprintf(out, cap, "mn%07u@bench.example.net", i);
}

static void mn_mac(unsigned i, uint8_t mac[6])
{
	const uint8_t m[6] = { 0x02, 0x00, 0x00, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };
	memcpy(mac, m, 6);
}

/* 2001:db8:HHHH:LLLL::/64, one per MN (RFC 5213's per-MN prefix). */
static void mn_hnp(unsigned i, struct in6_addr *p)
{
	memset(p, 0, sizeof(*p));
	p->s6_addr[0] = 0x20;
	p->s6_addr[1] = 0x01;
	p->s6_addr[2] = 0x0d;
	p->s6_addr[3] = 0xb8;
	p->s6_addr[4] = (uint8_t)(i >> 24);
	p->s6_addr[5] = (uint8_t)(i >> 16);
	p->s6_addr[6] = (uint8_t)(i >> 8);
	p->s6_addr[7] = (uint8_t)i;
}

/* The profile table as an operator's file would hold it:
 *   NAI MAC LMA HNP/64 mags=MAG */
static char *profiles_text(unsigned n, size_t *len)
{
	size_t cap = (size_t)n * 128 + 1;
	char *t = malloc(cap);
	size_t k = 0;
	if (t == NULL)
		die("%s", "out of memory for the profile text");
	for (unsigned i = 0; i < n; i++) {
		char nai[64], hnp[INET6_ADDRSTRLEN];
		uint8_t mac[6];
		struct in6_addr p;
		mn_nai(i, nai, sizeof(nai));
		mn_mac(i, mac);
		mn_hnp(i, &p);
		inet_ntop(AF_INET6, &p, hnp, sizeof(hnp));
		int w = snprintf(t + k, cap - k, "%s %02x:%02x:%02x:%02x:%02x:%02x %s %s/64 mags=%s\n", nai,
				 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], lma_str, hnp, mag_str);
		if (w < 0 || (size_t)w >= cap - k)
			die("%s", "profile text buffer too small");
		k += (size_t)w;
	}
	*len = k;
	return t;
}

/* The PBU pool: N ESP packets from the MAG, SLOT octets apart. */
struct pool {
	uint8_t *buf;
	uint16_t *len;                /* the ESP packet's */
	unsigned n;
};

static void pool_build(struct pool *pl, unsigned n, struct esp_sa *mag_out)
{
	pl->n = n;
	pl->buf = malloc((size_t)n * SLOT);
	pl->len = malloc((size_t)n * sizeof(*pl->len));
	if (pl->buf == NULL || pl->len == NULL)
		die("%s", "out of memory for the PBU pool");
	static struct pmip_mh_opts o;
	uint8_t mh[512];
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	for (unsigned i = 0; i < n; i++) {
		/* As pmip_mag.c's PBU for a first registration. */
		struct pmip_mh_bu bu = {
			.seq = (uint16_t)(i + 1),
			.flags = PMIP_MH_BU_A | PMIP_MH_BU_H | PMIP_MH_BU_P,
			.lifetime = 3600 / PMIP_MH_LIFETIME_UNIT_S,
		};
		memset(&o, 0, sizeof(o));
		char nai[64];
		mn_nai(i, nai, sizeof(nai));
		o.has_mn_id = true;
		o.mn_id_subtype = PMIP_MH_MN_ID_NAI;
		o.mn_id_len = (uint8_t)strlen(nai);
		memcpy(o.mn_id, nai, o.mn_id_len);
		o.n_hnp = 1;
		o.hnp[0].prefix_len = 64;
		mn_hnp(i, &o.hnp[0].prefix);
		o.has_hi = true;
		o.hi = PMIP_MH_HI_NEW_INTERFACE;
		o.has_att = true;
		o.att = PMIP_MH_ATT_ETHERNET;
		o.has_mn_llid = true;
		o.mn_llid_len = 6;
		mn_mac(i, o.mn_llid);
		o.has_timestamp = true;
		o.timestamp = pmip_mh_timestamp_make((uint64_t)ts.tv_sec, (uint32_t)ts.tv_nsec);
		size_t len = pmip_mh_pbu_build(mh, sizeof(mh), &mag_addr, &lma_addr, &bu, &o);
		if (len == 0 || len + 64 > SLOT)
			die("%s", "PBU does not fit a pool slot");
		pl->len[i] = (uint16_t)esp_encap(mag_out, mh, len, pl->buf + (size_t)i * SLOT);
	}
}

/* ---------------------------------------------- cp's env for the LMA -- */

static struct pmip_config cfg;
static struct cp_ctx cp;
static struct pmip_profiles profiles;

static struct {
	bool esp;                     /* encrypt PBAs (phase esp) or not */
	struct esp_sa lma_out;
	uint8_t tx[TX_RING][TX_ELEM]; /* the tx ring's elements, cp -> dp */
	unsigned tx_next;
	uint8_t esp_out[TX_ELEM];     /* dp's encrypted frame (sent by the NIC) */
	uint64_t pba, pba_refused, pba_bytes, esp_bytes;
	struct pmip_ctl_msg ctl[TX_RING]; /* the ctl ring's elements */
	uint64_t ctl_sent, tunnel_users;
} env_state;

static const struct pmip_profile *env_profile_by_mn_id(void *ctx, const char *mn_id)
{
	(void)ctx;
	const struct pmip_profile_entry *e = pmip_profiles_by_nai(&profiles, mn_id);
	return e != NULL ? &e->p : NULL;
}

static bool env_mag_authorised(void *ctx, const struct pmip_profile *p, const struct in6_addr *mag)
{
	(void)ctx;
	/* As cp/pmip_glue.c: mags= of the profile, and an IKE peer of ours. */
	return pmip_profiles_mag_allowed(pmip_profile_entry_of(p), mag) &&
	       pmip_config_peer_by_addr(&cfg, mag) != NULL;
}

static int env_send_mh(void *ctx, const struct in6_addr *peer, const uint8_t *mh, size_t len)
{
	(void)ctx;
	/* cp_ip6_send: IPv6 header + payload into a tx ring element. */
	uint8_t *el = env_state.tx[env_state.tx_next++ % TX_RING];
	if (len + IP6_HLEN > TX_ELEM)
		return -1;
	memset(el, 0, IP6_HLEN);
	el[0] = 0x60;
	el[4] = (uint8_t)(len >> 8);
	el[5] = (uint8_t)len;
	el[6] = PMIP_IPPROTO_MH;
	el[7] = 64;
	memcpy(el + 8, &lma_addr, 16);
	memcpy(el + 24, peer, 16);
	memcpy(el + IP6_HLEN, mh, len);
	/* PBA status: the octet after the 6-octet Mobility Header. */
	if (len < 7 || mh[6] >= 128)
		env_state.pba_refused++;
	env_state.pba++;
	env_state.pba_bytes += len;
	/* dp's tx: ESP transport mode for the SA to the MAG. */
	if (env_state.esp)
		env_state.esp_bytes += esp_encap(&env_state.lma_out, el + IP6_HLEN, len, env_state.esp_out);
	return 0;
}

static int env_binding_up(void *ctx, const struct pmip_binding *b)
{
	(void)ctx;
	/* As cp/pmip_glue.c's env_binding_up. */
	struct cp_binding_spec s = cp_binding_spec_of(b);
	const char *why = NULL;
	if (cp_binding_set(&cp, &s, NULL, NULL, &why) != 0)
		die("binding not stored: %s", why);
	return 0;
}

static void env_binding_down(void *ctx, const struct pmip_binding *b)
{
	(void)ctx;
	const char *why = NULL;
	cp_binding_del(&cp, b->id, NULL, NULL, &why);
}

static uint64_t env_now_realtime_ns(void *ctx)
{
	(void)ctx;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* What cp/bindings.c needs from the rest of cp. */
void cp_ctl_send(struct cp_ctx *c, const struct pmip_ctl_msg *m, cp_ack_cb cb, void *arg)
{
	(void)c;
	(void)cb;
	(void)arg;
	env_state.ctl[env_state.ctl_sent++ % TX_RING] = *m;
}

uint32_t cp_tunnel_acquire(struct cp_ctx *c, const struct in6_addr *remote, const char **why)
{
	(void)c;
	(void)remote;
	(void)why;
	env_state.tunnel_users++;
	return 1;
}

void cp_tunnel_release(struct cp_ctx *c, uint32_t id)
{
	(void)c;
	(void)id;
	env_state.tunnel_users--;
}

void cp_ra_binding_added(struct cp_ctx *c, uint32_t id)
{
	(void)c;
	(void)id;
}

void cp_ra_binding_removed(struct cp_ctx *c, uint32_t id)
{
	(void)c;
	(void)id;
}

/* ------------------------------------------------------------- phases -- */

struct lma {
	struct evloop *loop;
	struct pmip_engine *pe;
};

static void lma_start(struct lma *l, unsigned n)
{
	static const struct pmip_env env = {
		.profile_by_mn_id = env_profile_by_mn_id,
		.mag_authorised = env_mag_authorised,
		.send_mh = env_send_mh,
		.binding_up = env_binding_up,
		.binding_down = env_binding_down,
		.now_realtime_ns = env_now_realtime_ns,
	};
	l->loop = evloop_create();
	if (l->loop == NULL)
		die("%s", "evloop_create");
	if (cp_bindings_init(&cp, n + 1) != 0)
		die("%s", "cp_bindings_init");
	l->pe = pmip_engine_new(&cfg, l->loop, &env, &lma_addr, n);
	if (l->pe == NULL)
		die("%s", "pmip_engine_new");
}

static void lma_stop(struct lma *l)
{
	pmip_engine_free(l->pe);
	evloop_destroy(l->loop);
	free(cp.bindings.e);
	hmap_free(&cp.bindings.by_mn);
	memset(&cp.bindings, 0, sizeof(cp.bindings));
}

struct timing {
	double wall, cpu, wall_first, wall_last;
};

/* Registrations i in [0, n): ESP-decrypted from the pool (esp) or taken
 * as the clear Mobility Headers a previous decryption left there. */
static struct timing register_all(struct lma *l, struct pool *pl, struct esp_sa *lma_in, bool esp)
{
	struct timing t = { 0 };
	unsigned n = pl->n, edge = n / 10 < EDGE ? n / 10 : EDGE;
	double t0 = now_s(), c0 = cpu_s(), t_first = 0, t_last0 = 0;
	for (unsigned i = 0; i < n; i++) {
		if (i == edge)
			t_first = now_s();
		if (i == n - edge)
			t_last0 = now_s();
		uint8_t *pkt = pl->buf + (size_t)i * SLOT;
		const uint8_t *mh;
		size_t mh_len;
		if (esp) {
			if (!esp_decap(lma_in, pkt, pl->len[i], &mh, &mh_len))
				die("%s", "the LMA's ESP dropped a PBU");
		} else {
			mh = pkt + PMIP_ESP_HLEN + PMIP_ESP_GCM_IV_LEN;
			mh_len = ((size_t)mh[1] + 1) * PMIP_MH_UNIT;
		}
		pmip_input(l->pe, &mag_addr, &lma_addr, mh, mh_len, true);
	}
	double t1 = now_s();
	t.wall = t1 - t0;
	t.cpu = cpu_s() - c0;
	t.wall_first = t_first - t0;
	t.wall_last = t1 - t_last0;
	return t;
}

/* Baseline: decrypt a PBU + encrypt a PBA of the engine's size, pairs. */
static double esp_only(struct pool *pl, double seconds, unsigned *pairs_out, size_t pba_len)
{
	static uint8_t pkt[BASE_BATCH][SLOT];
	static uint16_t len[BASE_BATCH];
	uint8_t pba[512], out[TX_ELEM];
	struct esp_sa in, out_mag, out_lma;
	esp_sa_init(&out_mag, SPI_MAG_LMA, true);
	esp_sa_init(&in, SPI_MAG_LMA, false);
	esp_sa_init(&out_lma, SPI_LMA_MAG, true);
	memset(pba, 0x5a, sizeof(pba));
	double timed = 0;
	unsigned pairs = 0, at = 0;
	while (timed < seconds) {
		for (unsigned k = 0; k < BASE_BATCH; k++, at = (at + 1) % pl->n) {
			const uint8_t *mh = pl->buf + (size_t)at * SLOT + PMIP_ESP_HLEN + PMIP_ESP_GCM_IV_LEN;
			len[k] = (uint16_t)esp_encap(&out_mag, mh, ((size_t)mh[1] + 1) * PMIP_MH_UNIT, pkt[k]);
		}
		double t0 = now_s();
		for (unsigned k = 0; k < BASE_BATCH; k++) {
			const uint8_t *mh;
			size_t mh_len;
			if (!esp_decap(&in, pkt[k], len[k], &mh, &mh_len))
				die("%s", "baseline: ESP dropped a PBU");
			esp_encap(&out_lma, pba, pba_len, out);
		}
		timed += now_s() - t0;
		pairs += BASE_BATCH;
	}
	dp_esp_crypto_free(in.c);
	dp_esp_crypto_free(out_mag.c);
	dp_esp_crypto_free(out_lma.c);
	*pairs_out = pairs;
	return pairs / timed;
}

static size_t index_heads_bytes(unsigned n)
{
	size_t h = 16;
	while (h < n)
		h <<= 1;
	return h * sizeof(uint32_t);
}

static size_t pow2_at_least(size_t n, size_t from)
{
	while (from < n)
		from <<= 1;
	return from;
}

int main(int argc, char **argv)
{
	unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : N_DEFAULT;
	double base_s = argc > 2 ? strtod(argv[2], NULL) : 2.0;
	if (n < 10 || n > PMIP_PROFILES_MAX)
		die("%s", "N must be 10 .. 1000000 (the profile table's limit)");
	pmip_log_set_level(PMIP_LOG_WARNING); /* nothing per binding */
	if (inet_pton(AF_INET6, lma_str, &lma_addr) != 1 || inet_pton(AF_INET6, mag_str, &mag_addr) != 1)
		die("%s", "addresses");
	if (dp_esp_crypto_init() != 0)
		die("%s", "dp_esp_crypto_init");

	/* The LMA's configuration: [pmip] defaults but the timestamp window,
	 * the MAG as its one [ike.peer]. */
	cfg.role = PMIP_ROLE_LMA;
	snprintf(cfg.name, sizeof(cfg.name), "bench");
	cfg.pmip.lifetime_s = 3600;
	cfg.pmip.refresh_percent = 75;
	cfg.pmip.pbu_initial_ms = 1000;
	cfg.pmip.pbu_max_ms = 32000;
	cfg.pmip.timestamp_window_ms = 600000;
	cfg.pmip.bce_delete_delay_ms = 10000;
	cfg.pmip.max_bindings = n;
	cfg.ike.n_peers = 1;
	snprintf(cfg.ike.peers[0].name, sizeof(cfg.ike.peers[0].name), "mag");
	cfg.ike.peers[0].address = mag_addr;
	cp.cfg = &cfg;

	/* The MAG's side, untimed and outside the memory measured. */
	struct esp_sa mag_out, lma_in;
	esp_sa_init(&mag_out, SPI_MAG_LMA, true);
	esp_sa_init(&lma_in, SPI_MAG_LMA, false);
	esp_sa_init(&env_state.lma_out, SPI_LMA_MAG, true);
	static struct pool pl;
	double tb = now_s();
	pool_build(&pl, n, &mag_out);
	double build_s = now_s() - tb;

	/* ---- esp: profiles, engine, store; N registrations with ESP. */
	size_t rss0 = rss_bytes();
	size_t text_len;
	char *text = profiles_text(n, &text_len);
	static struct pmip_config_errors errs;
	if (pmip_profiles_parse(text, text_len, "bench-profiles", &profiles, &errs) != 0)
		die("profile table refused: %s", errs.n > 0 ? errs.msg[0] : "?");
	free(text);
	size_t rss_prof = rss_bytes();
	struct lma l;
	lma_start(&l, n);
	size_t rss_empty = rss_bytes();
	env_state.esp = true;
	struct timing te = register_all(&l, &pl, &lma_in, true);
	size_t rss1 = rss_bytes();
	unsigned held = pmip_binding_count(l.pe);
	const struct pmip_sig_stats *st = pmip_engine_stats(l.pe);
	uint64_t accepted = st->accepted, rejected = st->rejected;
	uint64_t pba_esp = env_state.pba, refused = env_state.pba_refused;
	double pba_mean = (double)env_state.pba_bytes / (double)env_state.pba;
	double esp_pba_mean = (double)env_state.esp_bytes / (double)env_state.pba;
	double esp_pbu_mean = 0;
	for (unsigned i = 0; i < n; i++)
		esp_pbu_mean += pl.len[i];
	esp_pbu_mean /= n;
	unsigned store_count = cp.bindings.count;
	size_t store_hmap = hmap_bytes(&cp.bindings.by_mn);
	lma_stop(&l);

	/* ---- noesp: the same PBUs in the clear into a fresh engine. */
	env_state.esp = false;
	env_state.pba = env_state.pba_refused = 0;
	lma_start(&l, n);
	struct timing tn = register_all(&l, &pl, NULL, false);
	unsigned held_noesp = pmip_binding_count(l.pe);
	uint64_t refused_noesp = env_state.pba_refused;
	lma_stop(&l);

	/* ---- esp_only: the baseline. */
	unsigned pairs = 0;
	double esp_pairs_s = esp_only(&pl, base_s, &pairs, (size_t)(pba_mean + 0.5));

	/* ---- results. */
	double rate = n / te.wall, rate_cpu = n / te.cpu;
	unsigned edge = n / 10 < EDGE ? n / 10 : EDGE;
	size_t entry = sizeof(struct pmip_entry);
	size_t eng_bytes = (size_t)n * entry + 2 * index_heads_bytes(n) +
			   pow2_at_least(n, 64) * sizeof(struct evloop_timer *);
	/* The parser's array grows by doubling (to at most 1M entries): the
	 * pages past the n-th entry are never touched, so n entries count. */
	size_t prof_bytes = (size_t)n * (sizeof(struct pmip_profile_entry) + 2 * sizeof(uint32_t));
	size_t store_bytes = ((size_t)n + 1) * sizeof(struct cp_binding) + store_hmap;
	double per = (double)(rss1 - rss0) / n;

	printf("== pmip: LMA registrations (ESP PBU in -> engine -> ESP PBA out), one thread, %u MNs\n", n);
	printf("PBU %.0f B in ESP (MH %zu B), PBA %.0f B in ESP (MH %.0f B); AES-GCM-128 transport; "
	       "pool built in %.1f s\n",
	       esp_pbu_mean, (size_t)((pl.buf[PMIP_ESP_HLEN + PMIP_ESP_GCM_IV_LEN + 1] + 1) * PMIP_MH_UNIT),
	       esp_pba_mean, pba_mean, build_s);
	printf("%-40s %9s %8s %10s %8s\n", "case", "regs", "wall s", "per s", "us each");
	printf("%-40s %9u %8.2f %10.0f %8.2f\n", "with ESP, all (empty -> full cache)", n, te.wall, rate,
	       te.wall / n * 1e6);
	printf("%-40s %9u %8.2f %10.0f %8.2f\n", "with ESP, first registrations", edge, te.wall_first,
	       edge / te.wall_first, te.wall_first / edge * 1e6);
	printf("%-40s %9u %8.2f %10.0f %8.2f\n", "with ESP, last registrations", edge, te.wall_last,
	       edge / te.wall_last, te.wall_last / edge * 1e6);
	printf("%-40s %9u %8.2f %10.0f %8.2f\n", "with ESP, all, per CPU second", n, te.cpu, rate_cpu,
	       te.cpu / n * 1e6);
	printf("%-40s %9u %8.2f %10.0f %8.2f\n", "without ESP (engine + env), all", n, tn.wall,
	       n / tn.wall, tn.wall / n * 1e6);
	printf("%-40s %9u %8.2f %10.0f %8.2f\n", "baseline: ESP only (dec PBU + enc PBA)", pairs,
	       pairs / esp_pairs_s, esp_pairs_s, 1e6 / esp_pairs_s);
	printf("ESP share of a registration: %.2f us of %.2f us (with - without ESP); "
	       "CPU/wall in the ESP run %.0f %%\n",
	       (te.wall - tn.wall) / n * 1e6, te.wall / n * 1e6, te.cpu / te.wall * 100);
	printf("memory: RSS +%.1f MiB for %u bindings = %.0f B per binding (profile table +%.1f MiB, "
	       "empty engine + store +%.1f MiB, fill +%.1f MiB)\n",
	       (double)(rss1 - rss0) / 1048576, n, per, (double)(rss_prof - rss0) / 1048576,
	       (double)(rss_empty - rss_prof) / 1048576, (double)(rss1 - rss_empty) / 1048576);
	printf("%-40s %12s %8s\n", "part (from sizeof)", "MiB", "B/binding");
	printf("%-40s %12.1f %8.0f\n", "engine entries (struct pmip_entry)", (double)n * entry / 1048576,
	       (double)entry);
	printf("%-40s %12.1f %8.1f\n", "engine index heads (by_mn, by_hoa)",
	       2.0 * index_heads_bytes(n) / 1048576, 2.0 * index_heads_bytes(n) / n);
	printf("%-40s %12.1f %8.1f\n", "evloop timer heap (expiry timer each)",
	       (double)pow2_at_least(n, 64) * sizeof(void *) / 1048576,
	       (double)pow2_at_least(n, 64) * sizeof(void *) / n);
	printf("%-40s %12.1f %8.1f\n", "profile table (entries + by_mac, by_nai)", (double)prof_bytes / 1048576,
	       (double)prof_bytes / n);
	printf("%-40s %12.1f %8.1f\n", "cp binding store (struct cp_binding)",
	       (double)store_bytes / 1048576, (double)store_bytes / n);
	printf("%-40s %12.1f %8.1f\n", "sum", (double)(eng_bytes + prof_bytes + store_bytes) / 1048576,
	       (double)(eng_bytes + prof_bytes + store_bytes) / n);
	printf("sizeof: pmip_entry %zu, pmip_profile_entry %zu, cp_binding %zu\n", entry,
	       sizeof(struct pmip_profile_entry), sizeof(struct cp_binding));
	printf("engine: accepted %llu, rejected %llu, PBAs %llu (refused %llu); cp store %u bindings; "
	       "without ESP: %u bindings, refused %llu\n",
	       (unsigned long long)accepted, (unsigned long long)rejected, (unsigned long long)pba_esp,
	       (unsigned long long)refused, store_count, held_noesp, (unsigned long long)refused_noesp);
	if (held != n || store_count != n || refused != 0 || held_noesp != n || refused_noesp != 0) {
		fprintf(stderr, "bench_pmip: FAILED: the LMA holds %u of %u bindings (store %u), %llu PBUs refused\n",
			held, n, store_count, (unsigned long long)(refused + refused_noesp));
		return 1;
	}
	printf("ratio pmip_vs_esp_only %.2f\n", rate / esp_pairs_s);
	printf("ratio pmip_esp_vs_noesp %.2f\n", te.wall > 0 ? tn.wall / te.wall : 0);
	printf("metric pbu_noesp_per_s %.0f 1/s\n", n / tn.wall);
	printf("metric pbu_per_s %.0f 1/s\n", rate);
	printf("metric bindings_max %u\n", held);
	printf("metric cp_bytes_per_binding %.0f B\n", per);
	pmip_profiles_free(&profiles);
	free(pl.buf);
	free(pl.len);
	return 0;
}
