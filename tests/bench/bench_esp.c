/* Benchmark: the data plane's whole ESP path per packet on one core, with
 * raw OpenSSL AES-GCM in the same process as a baseline.
 *
 *   bench_esp run SECONDS ROUNDS [LCORE [all|gcm128]]
 *                                          every case ROUNDS times, rounds
 *                                          of SECONDS, alternating; the
 *                                          best round of each is reported
 *                                          (gcm128: AES-GCM-128 and the
 *                                          EVP baselines only)
 *   bench_esp pcap DIR                     the AES-GCM-128 packet pools as
 *                                          pcap files, for ipsec-secgw
 *
 * The data plane is built by hand as in bench_forward.c: one worker, two
 * net_null ports, port 1 a MAG core port (2001:db8:c::1, MTU 1600 so that
 * IMIX's 1514-byte payloads fit after ESP), the shm segment for the punt
 * ring. Per algorithm an outbound transport SA (local c::1, remote c::2)
 * and the inbound SA of the other direction (local c::1, remote c::2,
 * window 128), same SPI and keys, installed through dp_sa_apply().
 *
 * Size: the bytes ESP protects, i.e. the IPv6 payload of the clear packet
 * (a Mobility-Header-shaped payload, next header 135): 64, IMIX (64, 570
 * and 1514 in the proportion 7:4:1, interleaved in cycles of 12, as
 * bench_esp_crypto.c) and 1400. `openssl speed -bytes N` encrypts N such
 * bytes. Gbit/s count these payload bytes. The clear frame is N + 54 bytes,
 * the ESP frame N + 54 + 8 (ESP header) + 8 (IV) + padding + 2 + 16 (ICV)
 * for GCM, + 16 more IV and up to 15 of padding for CBC.
 *
 * What one packet costs, each direction:
 *   encrypt  from a struct pmip_pkt_msg in memory (a pool of POOL frames,
 *            as cp would put them on the tx ring; the ring copy itself is
 *            not included): exactly what the worker's tx_ring_drain() does
 *            for a message with sa_id: dp_esp_output() (SA fetch, mbuf
 *            alloc, copy, ESP header, IV, trailer, AES, ICV), counters,
 *            dp_worker_tx(); then bursts of BURST flushed to net_null.
 *   decrypt  a pool of POOL ESP frames made by dp_esp_output() under the
 *            outbound SA (addresses and MACs swapped: they come from c::2),
 *            copied into fresh mbufs BURST at a time as a NIC would fill
 *            them (as bench_forward.c's generator), then dp_rx_burst():
 *            classification, dp_local_input(), dp_esp_input() (SPI hash
 *            lookup, SA checks, ESP parse, anti-replay check, ICV + AES,
 *            window update, trailer), dp_local_input() of the inner packet
 *            (the Mobility Header policy check) and the punt, i.e. the copy
 *            of the frame onto the shared-memory ring to cp. The ring is
 *            emptied with the zero-copy dequeue (cp's reading is not ours).
 *            Anti-replay: the pool's sequence numbers increase, and the
 *            inbound SA's window is reset (pmip_replay_init, ~150 bytes of
 *            memset) after each pass over the pool, once per POOL packets,
 *            inside the timed loop; every packet is checked and accepted.
 *
 * Baselines in the same rounds (AES-GCM-128 only, same payload sizes,
 * BATCH buffers hot in cache, payload bytes only):
 *   evp_stream  EVP_EncryptUpdate over each buffer on one context keyed and
 *               given an IV once (the raw streaming rate of the library);
 *   evp_aead    per buffer what an ESP packet needs of EVP: set IV, AAD,
 *               update, final, get tag (the key schedule kept).
 * `openssl speed` itself runs from scripts/bench.sh.
 *
 * Output: "result KEY VALUE" lines, read by scripts/bench.sh.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>
#include <urcu-qsbr.h>

#include "bench_dp.h"
#include "dp.h"
#include "net/pkt.h"

#define BURST 32
#define IMIX_CYCLE 12
#define POOL (96 * IMIX_CYCLE) /* distinct frames per case: a multiple of BURST */
#define MTU 1600
#define BATCH 64               /* EVP baseline buffers */
#define FRAME_MAX 2048
#define CORE_PORT 1
#define WINDOW 128

_Static_assert(POOL % BURST == 0, "a pass over the pool ends on a burst boundary");

static struct pmip_config cfg;
static const uint8_t mac_peer[6] = { 0x02, 0xfe, 0x00, 0x00, 0x0c, 0x02 }; /* LMA core */

/* Key material shared with scripts/secgw/transport-gcm128.cfg: byte i of
 * the encryption key (with the GCM salt last) is 0x10 + i. */
static uint8_t enc_key[36], auth_key[32];

struct size_case {
	const char *name;
	uint16_t payload[IMIX_CYCLE]; /* frame k gets payload[k % IMIX_CYCLE] */
};

static const struct size_case sizes[] = {
	{ "64", { 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64 } },
	{ "imix", { 64, 570, 64, 64, 570, 64, 1514, 64, 570, 64, 64, 570 } },
	{ "1400", { 1400, 1400, 1400, 1400, 1400, 1400, 1400, 1400, 1400, 1400, 1400, 1400 } },
};
#define N_SIZES RTE_DIM(sizes)

struct alg_case {
	enum pmip_esp_alg alg;
	const char *name;
};

static const struct alg_case algs[] = {
	{ PMIP_ESP_AES_GCM_128, "gcm128" },
	{ PMIP_ESP_AES_GCM_256, "gcm256" },
	{ PMIP_ESP_AES_CBC_128_HMAC_SHA256, "cbc128_sha256" },
	{ PMIP_ESP_AES_CBC_256_HMAC_SHA256, "cbc256_sha256" },
};
#define N_ALGS RTE_DIM(algs)

/* SA ids: outbound 1 + a, inbound 11 + a; SPI 0x1001 + a for both. */
static uint32_t sa_out_id(size_t a) { return (uint32_t)(1 + a); }
static uint32_t sa_in_id(size_t a) { return (uint32_t)(11 + a); }
static uint32_t sa_spi(size_t a) { return (uint32_t)(0x1001 + a); }

struct frame {
	uint16_t len;
	uint8_t data[FRAME_MAX];
};

static struct pmip_pkt_msg *msgs[N_SIZES];     /* [POOL] clear frames, as from cp */
static struct frame *esp_pool[N_ALGS][N_SIZES]; /* [POOL] ESP frames from c::2 */

static __rte_noreturn void die(const char *what)
{
	rte_exit(1, "bench_esp: %s\n", what);
}


static double payload_mean(const struct size_case *sc)
{
	double b = 0;
	for (unsigned i = 0; i < IMIX_CYCLE; i++)
		b += sc->payload[i];
	return b / IMIX_CYCLE;
}

/* ---------------------------------------------------------------- state -- */

static void setup_dp(void)
{
	/* [dp] ring_size's default: the punt ring cycles through 2 MiB. */
	struct bench_dp_conf c = {
		.role = PMIP_ROLE_MAG,
		.addr = { "2001:db8:a1::1", "2001:db8:c::1" },
		.kind = { PMIP_PORT_ACCESS, PMIP_PORT_CORE },
		.mtu = MTU, .n_workers = 1, .burst = BURST, .shm_ring_size = 1024, .shm_tag = "esp",
	};
	bench_dp_setup(&cfg, &c);
	if (dp_sa_table_create(&dp.sas, 32, 1, (int)rte_socket_id()) != 0)
		die("SA table");
	dp.workers = rte_zmalloc("workers", sizeof(struct dp_worker), 64);
	if (dp.workers == NULL)
		die("worker");

	for (size_t i = 0; i < sizeof(enc_key); i++)
		enc_key[i] = (uint8_t)(0x10 + i);
	for (size_t i = 0; i < sizeof(auth_key); i++)
		auth_key[i] = (uint8_t)(0x40 + i);
	for (size_t a = 0; a < N_ALGS; a++) {
		const struct pmip_esp_alg_desc *d = pmip_esp_alg_desc(algs[a].alg);
		for (int dir = 0; dir < 2; dir++) {
			struct pmip_ctl_msg m = { .type = PMIP_CTL_SA_ADD, .generation = dp.generation };
			struct pmip_ctl_sa *s = &m.u.sa;
			s->id = dir ? sa_in_id(a) : sa_out_id(a);
			s->spi = sa_spi(a);
			s->dir = dir ? PMIP_SA_IN : PMIP_SA_OUT;
			s->mode = PMIP_SA_TRANSPORT;
			s->alg = (uint8_t)algs[a].alg;
			s->replay_window = dir ? WINDOW : 0;
			s->port = CORE_PORT;
			s->enc_key_len = d->enc_key_len;
			s->auth_key_len = d->auth_key_len;
			memcpy(s->enc_key, enc_key, d->enc_key_len);
			memcpy(s->auth_key, auth_key, d->auth_key_len);
			s->local = bench_ip("2001:db8:c::1");
			s->remote = bench_ip("2001:db8:c::2");
			s->ts_local = s->local;
			s->ts_remote = s->remote;
			s->ts_local_len = s->ts_remote_len = 128;
			int rc = dp_sa_apply(&dp.sas, &m);
			if (rc != PMIP_CTL_OK)
				die("SA_ADD rejected");
		}
	}
}

/* Clear frame k of a case: what cp hands dp to send under an SA, a
 * Mobility-Header-shaped payload (dp does not parse it). */
static void msg_build(struct pmip_pkt_msg *m, uint16_t payload, unsigned k)
{
	memset(m, 0, offsetof(struct pmip_pkt_msg, data));
	m->port = CORE_PORT;
	m->len = (uint16_t)(PMIP_ETH_HLEN + PMIP_IPV6_HLEN + payload);
	uint8_t *p = m->data;
	memcpy(p, mac_peer, 6);
	memcpy(p + 6, dp.ports[CORE_PORT].mac, 6);
	p[12] = 0x86;
	p[13] = 0xdd;
	struct in6_addr s = bench_ip("2001:db8:c::1"), d = bench_ip("2001:db8:c::2");
	pmip_ipv6_hdr_write(p + 14, &s, &d, PMIP_IPPROTO_MH, payload, 64, 0, 0);
	uint8_t *mh = p + 54;
	for (unsigned i = 0; i < payload; i++)
		mh[i] = (uint8_t)(i * 31 + k);
	mh[0] = 59;                                  /* payload proto: none */
	mh[1] = (uint8_t)(payload >= 16 ? RTE_MIN(payload / 8u - 1u, 255u) : 0u);
	mh[2] = 5;                                   /* PBU */
	mh[3] = 0;
}

static void pools_build(void)
{
	for (size_t s = 0; s < N_SIZES; s++) {
		msgs[s] = rte_malloc("msgs", sizeof(struct pmip_pkt_msg) * POOL, 64);
		if (msgs[s] == NULL)
			die("message pool");
		for (unsigned k = 0; k < POOL; k++)
			msg_build(&msgs[s][k], sizes[s].payload[k % IMIX_CYCLE], k);
	}
	struct dp_worker *w = &dp.workers[0];
	for (size_t a = 0; a < N_ALGS; a++)
		for (size_t s = 0; s < N_SIZES; s++) {
			struct frame *f = rte_malloc("esp", sizeof(*f) * POOL, 64);
			if (f == NULL)
				die("ESP pool");
			for (unsigned k = 0; k < POOL; k++) {
				struct pmip_pkt_msg m = msgs[s][k];
				m.sa_id = sa_out_id(a);
				struct rte_mbuf *e = dp_esp_output(w, &m);
				if (e == NULL)
					die("dp_esp_output refused a pool frame");
				f[k].len = (uint16_t)rte_pktmbuf_pkt_len(e);
				uint8_t *d = f[k].data;
				memcpy(d, rte_pktmbuf_mtod(e, uint8_t *), f[k].len);
				rte_pktmbuf_free(e);
				/* As the peer sent it: c::2 -> c::1. ESP's ICV does
				 * not cover the outer IPv6 header (RFC 4303 2). */
				memcpy(d, dp.ports[CORE_PORT].mac, 6);
				memcpy(d + 6, mac_peer, 6);
				uint8_t tmp[16];
				memcpy(tmp, d + 14 + 8, 16);
				memmove(d + 14 + 8, d + 14 + 24, 16);
				memcpy(d + 14 + 24, tmp, 16);
			}
			esp_pool[a][s] = f;
		}
}

/* -------------------------------------------------------------- measure -- */

struct rate {
	double pps, gbps;
};

static struct rate rate_best(struct rate a, struct rate b)
{
	return a.pps >= b.pps ? a : b;
}

static uint64_t bad_rounds;

static void check_round(const char *what, uint64_t sent, uint64_t ok, uint64_t dropped)
{
	if (ok != sent || dropped != 0) {
		fprintf(stderr, "bench_esp: %s: %lu of %lu packets through, %lu dropped\n", what, ok,
			sent, dropped);
		bad_rounds++;
	}
}

/* Encrypt: what tx_ring_drain() does for messages with an SA, BURST at a
 * time, then the flush to net_null. */
static struct rate run_encrypt(size_t a, size_t s, double secs)
{
	struct dp_worker *w = &dp.workers[0];
	struct pmip_pkt_msg *pool = msgs[s];
	uint32_t id = sa_out_id(a);
	for (unsigned k = 0; k < POOL; k++)
		pool[k].sa_id = id;
	uint64_t n = 0, tx0 = w->stats.port[CORE_PORT].tx_pkts, d0 = bench_drops(w);
	unsigned next = 0;
	uint64_t hz = rte_get_tsc_hz(), t0 = rte_rdtsc(), end = t0 + (uint64_t)(secs * hz), now = t0;
	while (now < end) {
		for (int it = 0; it < 16; it++) {
			for (unsigned j = 0; j < BURST; j++) {
				const struct pmip_pkt_msg *msg = &pool[next];
				next = next + 1 == POOL ? 0 : next + 1;
				struct rte_mbuf *e = dp_esp_output(w, msg);
				if (e != NULL) {
					DP_STAT_ADD(w->stats.port[msg->port].from_cp, 1);
					dp_worker_tx(w, msg->port, e);
				}
			}
			dp_worker_flush(w);
			rcu_quiescent_state();
			n += BURST;
		}
		now = rte_rdtsc();
	}
	double dt = (double)(now - t0) / (double)hz;
	check_round("encrypt", n, w->stats.port[CORE_PORT].tx_pkts - tx0, bench_drops(w) - d0);
	double pps = (double)n / dt;
	return (struct rate){ pps, pps * payload_mean(&sizes[s]) * 8 / 1e9 };
}

static void punt_ring_empty(void)
{
	struct rte_ring *r = dp.shm.ring[PMIP_RING_PUNT];
	struct rte_ring_zc_data zcd;
	unsigned n;
	while ((n = rte_ring_dequeue_zc_burst_elem_start(r, sizeof(struct pmip_pkt_msg), 256, &zcd,
							 NULL)) != 0)
		rte_ring_dequeue_zc_elem_finish(r, n);
}

/* Decrypt: ESP frames copied into fresh mbufs, then the fast path's rx. */
static struct rate run_decrypt(size_t a, size_t s, double secs)
{
	struct dp_worker *w = &dp.workers[0];
	const struct frame *pool = esp_pool[a][s];
	struct dp_sa *sa = dp.sas.sa[sa_in_id(a)];
	struct rte_mbuf *pkts[BURST];
	uint64_t n = 0, punted0 = w->stats.port[CORE_PORT].punted, d0 = bench_drops(w);
	unsigned next = 0;
	pmip_replay_init(&sa->replay, WINDOW, false);
	uint64_t hz = rte_get_tsc_hz(), t0 = rte_rdtsc(), end = t0 + (uint64_t)(secs * hz), now = t0;
	while (now < end) {
		for (int it = 0; it < 16; it++) {
			if (rte_pktmbuf_alloc_bulk(dp.pool, pkts, BURST) != 0)
				die("mbufs");
			for (unsigned j = 0; j < BURST; j++) {
				const struct frame *f = &pool[next++];
				uint8_t *p = (uint8_t *)rte_pktmbuf_append(pkts[j], f->len);
				rte_memcpy(p, f->data, f->len);
			}
			dp_rx_burst(w, &dp.ports[CORE_PORT], pkts, BURST);
			dp_worker_flush(w);
			punt_ring_empty();
			rcu_quiescent_state();
			n += BURST;
			if (next == POOL) {
				/* The pool's sequence numbers start again. */
				next = 0;
				pmip_replay_init(&sa->replay, WINDOW, false);
			}
		}
		now = rte_rdtsc();
	}
	double dt = (double)(now - t0) / (double)hz;
	check_round("decrypt", n, w->stats.port[CORE_PORT].punted - punted0, bench_drops(w) - d0);
	double pps = (double)n / dt;
	return (struct rate){ pps, pps * payload_mean(&sizes[s]) * 8 / 1e9 };
}

/* ------------------------------------------------- OpenSSL EVP baseline -- */

static uint8_t evp_buf[BATCH][FRAME_MAX];

static struct rate evp_rate(uint64_t n, uint64_t bytes, uint64_t cycles)
{
	double dt = (double)cycles / (double)rte_get_tsc_hz();
	return (struct rate){ (double)n / dt, (double)bytes * 8 / dt / 1e9 };
}

/* One stream: EVP_EncryptUpdate only, keyed and given an IV once. */
static struct rate run_evp_stream(EVP_CIPHER *gcm, size_t s, double secs)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	const uint8_t *iv = enc_key + 16;
	int outl;
	if (ctx == NULL || !EVP_EncryptInit_ex2(ctx, gcm, enc_key, iv, NULL))
		die("EVP stream init");
	uint64_t n = 0, bytes = 0, hz = rte_get_tsc_hz(), t0 = rte_rdtsc();
	uint64_t end = t0 + (uint64_t)(secs * hz), now = t0;
	while (now < end) {
		for (unsigned i = 0; i < BATCH; i++) {
			int len = sizes[s].payload[i % IMIX_CYCLE];
			if (!EVP_EncryptUpdate(ctx, evp_buf[i], &outl, evp_buf[i], len))
				die("EVP stream update");
			bytes += (uint64_t)len;
		}
		n += BATCH;
		now = rte_rdtsc();
	}
	EVP_CIPHER_CTX_free(ctx);
	return evp_rate(n, bytes, now - t0);
}

/* Per buffer: IV (key kept), 8-byte AAD, update, final, 16-byte tag. */
static struct rate run_evp_aead(EVP_CIPHER *gcm, size_t s, double secs)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t iv[12], aad[8] = { 0, 0, 0x10, 0x01 }, tag[16], tail[16];
	int outl;
	memcpy(iv, enc_key + 16, 4);
	memset(iv + 4, 0, 8);
	if (ctx == NULL || !EVP_EncryptInit_ex2(ctx, gcm, enc_key, iv, NULL))
		die("EVP aead init");
	uint64_t n = 0, bytes = 0, seq = 0, hz = rte_get_tsc_hz(), t0 = rte_rdtsc();
	uint64_t end = t0 + (uint64_t)(secs * hz), now = t0;
	while (now < end) {
		for (unsigned i = 0; i < BATCH; i++) {
			int len = sizes[s].payload[i % IMIX_CYCLE];
			OSSL_PARAM params[2] = {
				OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag, 16),
				OSSL_PARAM_construct_end(),
			};
			seq++;
			memcpy(iv + 4, &seq, 8);
			memcpy(aad + 4, &seq, 4);
			if (!EVP_EncryptInit_ex2(ctx, NULL, NULL, iv, NULL) ||
			    !EVP_EncryptUpdate(ctx, NULL, &outl, aad, 8) ||
			    !EVP_EncryptUpdate(ctx, evp_buf[i], &outl, evp_buf[i], len) ||
			    !EVP_EncryptFinal_ex(ctx, tail, &outl) ||
			    !EVP_CIPHER_CTX_get_params(ctx, params))
				die("EVP aead");
			bytes += (uint64_t)len;
		}
		n += BATCH;
		now = rte_rdtsc();
	}
	EVP_CIPHER_CTX_free(ctx);
	return evp_rate(n, bytes, now - t0);
}

/* ------------------------------------------------------------------ pcap -- */

static void pcap_write(const char *path, const uint8_t *const *frames, const uint16_t *lens,
		       unsigned n)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL) {
		fprintf(stderr, "bench_esp: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	/* Classic pcap: magic, 2.4, zone 0, sigfigs 0, snaplen, Ethernet. */
	uint32_t gh[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };
	fwrite(gh, sizeof(gh), 1, f);
	for (unsigned k = 0; k < n; k++) {
		uint32_t rh[4] = { 0, k, lens[k], lens[k] };
		fwrite(rh, sizeof(rh), 1, f);
		fwrite(frames[k], lens[k], 1, f);
	}
	if (fclose(f) != 0)
		die("pcap write");
}

/* The AES-GCM-128 pools: clear frames (encrypt input) and ESP frames
 * (decrypt input), per size. */
static void pcaps_write(const char *dir)
{
	static const uint8_t *frames[POOL];
	static uint16_t lens[POOL];
	char path[PATH_MAX];
	for (size_t s = 0; s < N_SIZES; s++) {
		for (unsigned k = 0; k < POOL; k++) {
			frames[k] = msgs[s][k].data;
			lens[k] = msgs[s][k].len;
		}
		snprintf(path, sizeof(path), "%s/plain-%s.pcap", dir, sizes[s].name);
		pcap_write(path, frames, lens, POOL);
		for (unsigned k = 0; k < POOL; k++) {
			frames[k] = esp_pool[0][s][k].data;
			lens[k] = esp_pool[0][s][k].len;
		}
		snprintf(path, sizeof(path), "%s/esp-%s.pcap", dir, sizes[s].name);
		pcap_write(path, frames, lens, POOL);
	}
}

/* ------------------------------------------------------------------ main -- */

int main(int argc, char **argv)
{
	bool pcap = argc == 3 && strcmp(argv[1], "pcap") == 0;
	if (!pcap && !(argc >= 4 && strcmp(argv[1], "run") == 0)) {
		fprintf(stderr, "usage: bench_esp run SECONDS ROUNDS [LCORE [all|gcm128]] | "
				"bench_esp pcap DIR\n");
		return 2;
	}
	double secs = pcap ? 0 : atof(argv[2]);
	int rounds = pcap ? 0 : atoi(argv[3]);
	const char *lcore = argc > 4 ? argv[4] : "0";
	size_t n_algs = argc > 5 && strcmp(argv[5], "gcm128") == 0 ? 1 : N_ALGS;
	if (!pcap && (secs <= 0 || rounds <= 0)) {
		fprintf(stderr, "bench_esp: SECONDS and ROUNDS must be positive\n");
		return 2;
	}
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "pmip-bench-esp-%d", (int)getpid());
	char *eal[] = { "bench_esp", "-l", (char *)lcore, "--no-huge", "-m", "512", "--no-pci",
			"--no-shconf", "--file-prefix", prefix, "--log-level=3",
			"--vdev=net_null0,no-rx=1", "--vdev=net_null1,no-rx=1" };
	if (rte_eal_init((int)RTE_DIM(eal), eal) < 0)
		die("EAL");
	char runtime[PATH_MAX];
	snprintf(runtime, sizeof(runtime), "%s", rte_eal_get_runtime_dir());
	if (dp_esp_crypto_init() != 0)
		die("dp_esp_crypto_init");
	rcu_register_thread();
	setup_dp();
	pools_build();

	if (pcap) {
		pcaps_write(argv[2]);
	} else {
		EVP_CIPHER *gcm = EVP_CIPHER_fetch(NULL, "AES-128-GCM", NULL);
		if (gcm == NULL)
			die("AES-128-GCM");
		for (unsigned i = 0; i < BATCH; i++)
			memset(evp_buf[i], (int)i, sizeof(evp_buf[i]));
		static struct rate enc[N_ALGS][N_SIZES], dec[N_ALGS][N_SIZES];
		static struct rate stream[N_SIZES], aead[N_SIZES];
		run_encrypt(0, N_SIZES - 1, 0.2); /* warm-up: clocks, caches */
		/* Round-robin, so that a slow phase of a shared machine hits
		 * every case, not one. */
		/* BENCH_ESP_ONLY=enc|dec|evp runs only those cases (to profile
		 * one path); the others report 0 (as do sizes left out). */
		const char *only = getenv("BENCH_ESP_ONLY");
		bool all = only == NULL || only[0] == '\0';
		bool do_enc = all || strcmp(only, "enc") == 0, do_dec = all || strcmp(only, "dec") == 0;
		bool do_evp = all || strcmp(only, "evp") == 0;
		/* BENCH_ESP_SIZE=64|imix|1400: that size only. */
		const char *only_size = getenv("BENCH_ESP_SIZE");
		for (int r = 0; r < rounds; r++)
			for (size_t s = 0; s < N_SIZES; s++) {
				if (only_size != NULL && only_size[0] != '\0' &&
				    strcmp(only_size, sizes[s].name) != 0)
					continue;
				for (size_t a = 0; a < n_algs; a++) {
					if (do_enc)
						enc[a][s] = rate_best(enc[a][s], run_encrypt(a, s, secs));
					if (do_dec)
						dec[a][s] = rate_best(dec[a][s], run_decrypt(a, s, secs));
				}
				if (!do_evp)
					continue;
				stream[s] = rate_best(stream[s], run_evp_stream(gcm, s, secs));
				aead[s] = rate_best(aead[s], run_evp_aead(gcm, s, secs));
			}
		EVP_CIPHER_free(gcm);
		printf("result lcore %s\nresult rounds %d\nresult round_seconds %.3f\n", lcore, rounds,
		       secs);
		for (size_t s = 0; s < N_SIZES; s++)
			printf("result payload_mean_%s %.1f\n", sizes[s].name, payload_mean(&sizes[s]));
		for (size_t a = 0; a < n_algs; a++)
			for (size_t s = 0; s < N_SIZES; s++) {
				const char *an = algs[a].name, *sn = sizes[s].name;
				printf("result esp_%s_%s_enc_mpps %.4f\n", an, sn, enc[a][s].pps / 1e6);
				printf("result esp_%s_%s_enc_gbps %.3f\n", an, sn, enc[a][s].gbps);
				printf("result esp_%s_%s_dec_mpps %.4f\n", an, sn, dec[a][s].pps / 1e6);
				printf("result esp_%s_%s_dec_gbps %.3f\n", an, sn, dec[a][s].gbps);
			}
		for (size_t s = 0; s < N_SIZES; s++) {
			const char *sn = sizes[s].name;
			printf("result evp_stream_%s_mpps %.4f\n", sn, stream[s].pps / 1e6);
			printf("result evp_stream_%s_gbps %.3f\n", sn, stream[s].gbps);
			printf("result evp_aead_%s_mpps %.4f\n", sn, aead[s].pps / 1e6);
			printf("result evp_aead_%s_gbps %.3f\n", sn, aead[s].gbps);
		}
		printf("result bad_rounds %lu\n", bad_rounds);
	}
	rcu_unregister_thread();
	dp_sa_table_destroy(&dp.sas);
	pmip_shm_destroy(&dp.shm);
	rte_eal_cleanup();
	dp_remove_runtime_dir(runtime);
	return bad_rounds != 0;
}
