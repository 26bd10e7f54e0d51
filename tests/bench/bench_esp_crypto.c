/* Benchmark: the ESP crypto engine (dp/esp_crypto.c) on one core.
 *
 *   bench_esp_crypto [SECONDS]     seconds per case, default 0.5
 *
 * For each algorithm, ESP-shaped packets: a payload of 64 bytes, IMIX
 * (64/570/1514 bytes in the proportions 7:4:1) or 1400 bytes, given the
 * RFC 4303 trailer and padding, an 8-byte AAD, an IV from dp_esp_iv_gen and
 * a 16-byte ICV, encrypted or checked and decrypted in place. Gbit/s count
 * payload bytes. Packets are processed in batches of BATCH buffers (about
 * 100 KB at 1514 bytes: the working set of a burst, in L2); a decrypt batch
 * is re-encrypted outside the timed part.
 *
 * Baselines in the same run, same sizes, same batches:
 *   openssl_gcm128   EVP_EncryptUpdate alone over each buffer on one context
 *                    keyed and given an IV once: what `openssl speed -evp
 *                    aes-128-gcm` measures (no per-packet IV, AAD or tag);
 *   openssl_gcm128_aead  the same EVP calls per packet as `openssl speed
 *                    -aead -evp aes-128-gcm`: IV, AAD, update, final, tag;
 * and `openssl speed` itself at 1400 bytes (popen), if it runs.
 *
 * Also measured: allocations made by libcrypto during the ESP cases (counted
 * through CRYPTO_set_mem_functions: the requirement is none), what
 * EVP_MAC_init(ctx, NULL, 0, NULL) + update + final allocates per call (why
 * the engine does not use it), and the cost of setting a GCM IV alone versus
 * with the key (key schedule not redone per packet).
 *
 * Output: a table, then "result KEY VALUE" lines.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "esp_crypto.h"

#define BATCH 64
#define BUF_MAX 1600
#define IMIX_CYCLE 12

static atomic_ulong n_alloc;

static void *count_malloc(size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	atomic_fetch_add_explicit(&n_alloc, 1, memory_order_relaxed);
	return malloc(n);
}

static void *count_realloc(void *p, size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	atomic_fetch_add_explicit(&n_alloc, 1, memory_order_relaxed);
	return realloc(p, n);
}

static void count_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	if (p != NULL)
		atomic_fetch_add_explicit(&n_alloc, 1, memory_order_relaxed);
	free(p);
}

static int mem_hooks;

__attribute__((constructor)) static void mem_hooks_install(void)
{
	mem_hooks = CRYPTO_set_mem_functions(count_malloc, count_realloc, count_free);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_esp_crypto: %s\n", what);
	exit(1);
}

/* ------------------------------------------------------------ packets -- */

struct size_case {
	const char *name;
	size_t payload[IMIX_CYCLE]; /* buffer i gets payload[i % IMIX_CYCLE] */
};

static const struct size_case sizes[] = {
	{ "64", { 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64 } },
	/* 7:4:1, interleaved as traffic would be */
	{ "imix", { 64, 570, 64, 64, 570, 64, 1514, 64, 570, 64, 64, 570 } },
	{ "1400", { 1400, 1400, 1400, 1400, 1400, 1400, 1400, 1400, 1400, 1400, 1400, 1400 } },
};
#define N_SIZES (sizeof(sizes) / sizeof(sizes[0]))

struct pkt {
	uint8_t aad[8];
	uint8_t iv[16];
	uint8_t icv[16];
	size_t payload;
	size_t len; /* payload + padding + 2 */
	uint8_t data[BUF_MAX];
};

static struct pkt pkts[BATCH];

static void pkts_fill(const struct size_case *sc, size_t block)
{
	for (size_t i = 0; i < BATCH; i++) {
		struct pkt *p = &pkts[i];
		size_t pad;

		p->payload = sc->payload[i % IMIX_CYCLE];
		pad = (block - (p->payload + 2) % block) % block;
		for (size_t j = 0; j < p->payload; j++)
			p->data[j] = (uint8_t)(j * 31 + i);
		for (size_t j = 0; j < pad; j++)
			p->data[p->payload + j] = (uint8_t)(j + 1);
		p->data[p->payload + pad] = (uint8_t)pad;
		p->data[p->payload + pad + 1] = 41;
		p->len = p->payload + pad + 2;
		/* SPI 0x1000, seq filled per packet */
		memcpy(p->aad, "\x00\x00\x10\x00\x00\x00\x00\x00", 8);
	}
}

static size_t batch_payload_bytes(void)
{
	size_t b = 0;

	for (size_t i = 0; i < BATCH; i++)
		b += pkts[i].payload;
	return b;
}

static uint64_t seq_next;
static double esp_calls; /* dp_esp_encrypt + dp_esp_decrypt calls made */

static void seq_set(struct pkt *p, struct dp_esp_crypto *enc)
{
	uint64_t s = ++seq_next;

	p->aad[4] = (uint8_t)(s >> 24);
	p->aad[5] = (uint8_t)(s >> 16);
	p->aad[6] = (uint8_t)(s >> 8);
	p->aad[7] = (uint8_t)s;
	if (dp_esp_iv_gen(enc, s, p->iv) != DP_ESP_OK)
		die("iv");
}

static void batch_encrypt(struct dp_esp_crypto *enc)
{
	for (size_t i = 0; i < BATCH; i++) {
		struct pkt *p = &pkts[i];

		seq_set(p, enc);
		if (dp_esp_encrypt(enc, p->aad, 8, p->iv, p->data, p->len, p->icv) != DP_ESP_OK)
			die("encrypt");
	}
	esp_calls += BATCH;
}

static void batch_decrypt(struct dp_esp_crypto *dec)
{
	for (size_t i = 0; i < BATCH; i++) {
		struct pkt *p = &pkts[i];

		if (dp_esp_decrypt(dec, p->aad, 8, p->iv, p->data, p->len, p->icv) != DP_ESP_OK)
			die("decrypt");
	}
	esp_calls += BATCH;
}

/* Rates from the fastest batch (the machine is shared: other processes
 * preempt us or load the sibling thread; the fastest of thousands of
 * ~10-100 us batches is the uncontended rate) and from the mean. */
struct rate {
	double mpps, gbps;           /* fastest batch */
	double mean_mpps, mean_gbps; /* whole run */
};

struct timing {
	double total, best, n;
};

static void timing_add(struct timing *t, double dt)
{
	t->total += dt;
	t->n += 1;
	if (t->best == 0 || dt < t->best)
		t->best = dt;
}

static struct rate timing_rate(const struct timing *t, double batch_bytes)
{
	return (struct rate){
		.mpps = BATCH / t->best / 1e6,
		.gbps = batch_bytes * 8 / t->best / 1e9,
		.mean_mpps = t->n * BATCH / t->total / 1e6,
		.mean_gbps = t->n * batch_bytes * 8 / t->total / 1e9,
	};
}

/* ------------------------------------------------------------ cases -- */

static struct rate run_esp(struct dp_esp_crypto *enc, struct dp_esp_crypto *dec, bool decrypt,
			   double seconds)
{
	struct timing t = { 0 };

	batch_encrypt(enc);
	while (t.total < seconds) {
		double t0 = now();

		if (decrypt)
			batch_decrypt(dec);
		else
			batch_encrypt(enc);
		timing_add(&t, now() - t0);
		if (decrypt)
			batch_encrypt(enc); /* untimed: valid packets again */
	}
	return timing_rate(&t, (double)batch_payload_bytes());
}

/* One GCM stream: EVP_EncryptUpdate alone, no per-packet IV, AAD or tag
 * (what `openssl speed -evp` times for a non-AEAD mode). */
static struct rate run_raw_gcm(EVP_CIPHER *gcm, const uint8_t key[16], const uint8_t iv[12],
			       double seconds)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	struct timing t = { 0 };
	int outl;

	if (ctx == NULL || !EVP_EncryptInit_ex2(ctx, gcm, key, iv, NULL))
		die("raw gcm init");
	while (t.total < seconds) {
		double t0 = now();

		for (size_t i = 0; i < BATCH; i++)
			if (!EVP_EncryptUpdate(ctx, pkts[i].data, &outl, pkts[i].data,
					       (int)pkts[i].payload))
				die("raw gcm update");
		timing_add(&t, now() - t0);
	}
	EVP_CIPHER_CTX_free(ctx);
	return timing_rate(&t, (double)batch_payload_bytes());
}

/* The EVP calls the engine makes per GCM packet, without ESP framing: IV
 * (key kept), AAD, update, final, tag. `openssl speed -evp aes-128-gcm` in
 * 3.0.22 times nearly this per message (EVP_Update_loop_aead_enc), but
 * re-keys every message and fetches no tag. */
static struct rate run_raw_gcm_aead(EVP_CIPHER *gcm, const uint8_t key[16], const uint8_t iv[12],
				    double seconds)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	struct timing t = { 0 };
	uint8_t tail[16];
	int outl;

	if (ctx == NULL || !EVP_EncryptInit_ex2(ctx, gcm, key, iv, NULL))
		die("aead gcm init");
	while (t.total < seconds) {
		double t0 = now();

		for (size_t i = 0; i < BATCH; i++) {
			struct pkt *p = &pkts[i];
			OSSL_PARAM tag[2] = {
				OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, p->icv, 16),
				OSSL_PARAM_construct_end(),
			};

			if (!EVP_EncryptInit_ex2(ctx, NULL, NULL, iv, NULL) ||
			    !EVP_EncryptUpdate(ctx, NULL, &outl, p->aad, 8) ||
			    !EVP_EncryptUpdate(ctx, p->data, &outl, p->data, (int)p->payload) ||
			    !EVP_EncryptFinal_ex(ctx, tail, &outl) ||
			    !EVP_CIPHER_CTX_get_params(ctx, tag))
				die("aead gcm");
		}
		timing_add(&t, now() - t0);
	}
	EVP_CIPHER_CTX_free(ctx);
	return timing_rate(&t, (double)batch_payload_bytes());
}

/* `openssl speed` at 1400 bytes, machine-readable: "+F:n:name:bytes/s". */
static double openssl_speed(const char *extra)
{
	char cmd[256], line[512];
	double bps = -1;
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "openssl speed %s -evp aes-128-gcm -bytes 1400 -seconds 2 -mr 2>/dev/null", extra);
	f = popen(cmd, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *last = strrchr(line, ':');

		if (strncmp(line, "+F:", 3) == 0 && last != NULL)
			bps = strtod(last + 1, NULL);
	}
	if (pclose(f) != 0)
		return -1;
	return bps * 8 / 1e9;
}

/* EVP_MAC_init(ctx, NULL, 0, NULL) + update + final on a keyed HMAC:
 * libcrypto allocations per call. */
static double evp_mac_reinit_allocs(void)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
	OSSL_PARAM params[2] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA2-256", 0),
		OSSL_PARAM_construct_end(),
	};
	uint8_t key[32] = { 1 }, msg[100] = { 2 }, out[32];
	unsigned long before;
	size_t outl;
	const int n = 1000;

	if (ctx == NULL || !EVP_MAC_init(ctx, key, sizeof(key), params))
		die("EVP_MAC");
	before = atomic_load(&n_alloc);
	for (int i = 0; i < n; i++)
		if (!EVP_MAC_init(ctx, NULL, 0, NULL) || !EVP_MAC_update(ctx, msg, sizeof(msg)) ||
		    !EVP_MAC_final(ctx, out, &outl, sizeof(out)))
			die("EVP_MAC loop");
	before = atomic_load(&n_alloc) - before;
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return (double)before / n;
}

/* ns per EVP_CipherInit_ex2 on a keyed AES-128-GCM context: IV only (what
 * the engine does per packet) versus IV and key (a key schedule and GHASH
 * table each time). */
static void gcm_init_cost(EVP_CIPHER *gcm, double *iv_only, double *rekey)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t key[16] = { 3 }, iv[12] = { 4 };
	struct timing ti = { 0 }, tk = { 0 };
	const int chunk = 256;

	if (ctx == NULL || !EVP_EncryptInit_ex2(ctx, gcm, key, iv, NULL))
		die("gcm init");
	while (ti.total + tk.total < 0.4) {
		double t0 = now();

		for (int i = 0; i < chunk; i++) {
			iv[0] = (uint8_t)i;
			if (!EVP_CipherInit_ex2(ctx, NULL, NULL, iv, -1, NULL))
				die("gcm iv");
		}
		timing_add(&ti, now() - t0);
		t0 = now();
		for (int i = 0; i < chunk; i++) {
			iv[0] = (uint8_t)i;
			if (!EVP_CipherInit_ex2(ctx, NULL, key, iv, -1, NULL))
				die("gcm rekey");
		}
		timing_add(&tk, now() - t0);
	}
	*iv_only = ti.best / chunk * 1e9;
	*rekey = tk.best / chunk * 1e9;
	EVP_CIPHER_CTX_free(ctx);
}

/* ------------------------------------------------------------- main -- */

struct alg_case {
	enum dp_esp_alg alg;
	const char *key;
};

static const struct alg_case algs[] = {
	{ DP_ESP_AES_GCM_128, "gcm128" },
	{ DP_ESP_AES_GCM_256, "gcm256" },
	{ DP_ESP_AES_CBC_128_HMAC_SHA256, "cbc128_sha256" },
	{ DP_ESP_AES_CBC_256_HMAC_SHA256, "cbc256_sha256" },
};
#define N_ALGS (sizeof(algs) / sizeof(algs[0]))

static struct rate rate_best(struct rate a, struct rate b)
{
	return a.gbps >= b.gbps ? a : b;
}

int main(int argc, char **argv)
{
	static struct rate esp[N_ALGS][N_SIZES][2], stream[N_SIZES], aead[N_SIZES];
	struct rate r_esp = { 0 }, r_aead = { 0 }, r_stream = { 0 };
	uint8_t ek[36], ak[32], gcm_key[16], gcm_iv[12];
	unsigned long alloc_before, alloc_esp, alloc_total = 0;
	double seconds = 0.5, mac_allocs, init_iv, init_key, speed, speed_aead;
	EVP_CIPHER *gcm;

	if (argc > 1)
		seconds = atof(argv[1]);
	if (seconds <= 0)
		die("usage: bench_esp_crypto [SECONDS]");
	if (dp_esp_crypto_init() != 0)
		die("dp_esp_crypto_init");
	for (size_t i = 0; i < sizeof(ek); i++)
		ek[i] = (uint8_t)(0xa5 ^ (i * 13));
	for (size_t i = 0; i < sizeof(ak); i++)
		ak[i] = (uint8_t)(0x3c ^ (i * 7));
	memcpy(gcm_key, ek, sizeof(gcm_key));
	memcpy(gcm_iv, ek + 16, sizeof(gcm_iv));
	gcm = EVP_CIPHER_fetch(NULL, "AES-128-GCM", NULL);
	if (gcm == NULL)
		die("fetch AES-128-GCM");

	/* warm-up: clocks up, pages in */
	pkts_fill(&sizes[N_SIZES - 1], 4);
	run_raw_gcm(gcm, gcm_key, gcm_iv, 0.3);

	for (size_t a = 0; a < N_ALGS; a++) {
		const struct pmip_esp_alg_desc *info = dp_esp_alg_info(algs[a].alg);
		struct dp_esp_crypto *enc =
			dp_esp_crypto_new(algs[a].alg, ek, info->enc_key_len, ak, info->auth_key_len, true);
		struct dp_esp_crypto *dec =
			dp_esp_crypto_new(algs[a].alg, ek, info->enc_key_len, ak, info->auth_key_len, false);

		if (enc == NULL || dec == NULL)
			die("dp_esp_crypto_new");
		for (size_t s = 0; s < N_SIZES; s++) {
			pkts_fill(&sizes[s], info->block);
			alloc_before = atomic_load(&n_alloc);
			for (int d = 0; d < 2; d++)
				esp[a][s][d] = run_esp(enc, dec, d, seconds);
			alloc_esp = atomic_load(&n_alloc) - alloc_before;
			alloc_total += alloc_esp;
			if (alloc_esp != 0)
				fprintf(stderr, "bench_esp_crypto: %lu allocations in %s/%s\n", alloc_esp,
					algs[a].key, sizes[s].name);
		}
		if (a == 0) {
			/* The ratio that matters, ESP AES-GCM-128 encryption of 1400-byte
			 * payloads against OpenSSL alone: measured in alternation so
			 * that a slow phase of the machine hits both. */
			for (int round = 0; round < 8; round++) {
				pkts_fill(&sizes[N_SIZES - 1], info->block);
				r_esp = rate_best(r_esp, run_esp(enc, dec, false, seconds / 4));
				pkts_fill(&sizes[N_SIZES - 1], info->block);
				r_aead = rate_best(r_aead, run_raw_gcm_aead(gcm, gcm_key, gcm_iv, seconds / 4));
				pkts_fill(&sizes[N_SIZES - 1], info->block);
				r_stream = rate_best(r_stream, run_raw_gcm(gcm, gcm_key, gcm_iv, seconds / 4));
			}
		}
		dp_esp_crypto_free(enc);
		dp_esp_crypto_free(dec);
	}
	for (size_t s = 0; s < N_SIZES; s++) {
		pkts_fill(&sizes[s], 4);
		aead[s] = run_raw_gcm_aead(gcm, gcm_key, gcm_iv, seconds);
		pkts_fill(&sizes[s], 4);
		stream[s] = run_raw_gcm(gcm, gcm_key, gcm_iv, seconds);
	}
	mac_allocs = evp_mac_reinit_allocs();
	gcm_init_cost(gcm, &init_iv, &init_key);
	speed = openssl_speed("");
	speed_aead = openssl_speed("-aead");

	printf("ESP crypto on one core, %.2f s per case, batches of %d packets, Gbit/s of payload:\n"
	       "fastest batch [mean over the run]\n",
	       seconds, BATCH);
	printf("%-16s %-5s %16s %16s %16s %16s\n", "algorithm", "size", "enc Mpps", "enc Gb/s",
	       "dec Mpps", "dec Gb/s");
	for (size_t a = 0; a < N_ALGS; a++)
		for (size_t s = 0; s < N_SIZES; s++) {
			const struct rate *e = &esp[a][s][0], *d = &esp[a][s][1];

			printf("%-16s %-5s %7.3f [%6.3f] %7.2f [%6.2f] %7.3f [%6.3f] %7.2f [%6.2f]\n",
			       algs[a].key, sizes[s].name, e->mpps, e->mean_mpps, e->gbps, e->mean_gbps,
			       d->mpps, d->mean_mpps, d->gbps, d->mean_gbps);
		}
	for (size_t s = 0; s < N_SIZES; s++)
		printf("%-16s %-5s %7.3f [%6.3f] %7.2f [%6.2f]  per packet: IV, AAD, update, final, tag\n",
		       "openssl gcm128", sizes[s].name, aead[s].mpps, aead[s].mean_mpps, aead[s].gbps,
		       aead[s].mean_gbps);
	for (size_t s = 0; s < N_SIZES; s++)
		printf("%-16s %-5s %7.3f [%6.3f] %7.2f [%6.2f]  one stream: EVP_EncryptUpdate only\n",
		       "openssl stream", sizes[s].name, stream[s].mpps, stream[s].mean_mpps,
		       stream[s].gbps, stream[s].mean_gbps);
	printf("openssl speed -evp aes-128-gcm -bytes 1400 -seconds 2: %.2f Gb/s; with -aead: %.2f Gb/s\n",
	       speed, speed_aead);
	printf("gcm128 1400 encrypt, alternating runs: ESP %.2f Gb/s, OpenSSL per packet %.2f (ratio %.3f),"
	       " OpenSSL stream %.2f (ratio %.3f), openssl speed %.2f (ratio %.3f)\n",
	       r_esp.gbps, r_aead.gbps, r_esp.gbps / r_aead.gbps, r_stream.gbps,
	       r_esp.gbps / r_stream.gbps, speed, speed > 0 ? r_esp.gbps / speed : 0);
	if (mem_hooks)
		printf("libcrypto allocations during %.0f ESP encrypt/decrypt calls: %lu; "
		       "EVP_MAC reinit+update+final: %.2f per call\n",
		       esp_calls, alloc_total, mac_allocs);
	else
		printf("libcrypto allocations not counted (CRYPTO_set_mem_functions refused)\n");
	printf("GCM EVP_CipherInit_ex2 on a keyed context: IV only %.1f ns, IV and key %.1f ns\n",
	       init_iv, init_key);

	for (size_t a = 0; a < N_ALGS; a++)
		for (size_t s = 0; s < N_SIZES; s++)
			for (int d = 0; d < 2; d++) {
				const char *dir = d ? "dec" : "enc";

				printf("result esp_%s_%s_%s_mpps %.4f\n", algs[a].key, sizes[s].name, dir,
				       esp[a][s][d].mpps);
				printf("result esp_%s_%s_%s_gbps %.3f\n", algs[a].key, sizes[s].name, dir,
				       esp[a][s][d].gbps);
			}
	for (size_t s = 0; s < N_SIZES; s++) {
		printf("result openssl_gcm128_%s_gbps %.3f\n", sizes[s].name, aead[s].gbps);
		printf("result openssl_gcm128_stream_%s_gbps %.3f\n", sizes[s].name, stream[s].gbps);
	}
	printf("result openssl_speed_gcm128_1400_gbps %.3f\n", speed);
	printf("result openssl_speed_aead_gcm128_1400_gbps %.3f\n", speed_aead);
	printf("result esp_gcm128_1400_enc_vs_openssl %.3f\n", r_esp.gbps / r_aead.gbps);
	printf("result esp_gcm128_1400_enc_vs_openssl_stream %.3f\n", r_esp.gbps / r_stream.gbps);
	if (speed > 0)
		printf("result esp_gcm128_1400_enc_vs_openssl_speed %.3f\n", r_esp.gbps / speed);
	if (mem_hooks) {
		printf("result esp_allocs_per_packet %.6f\n", (double)alloc_total / esp_calls);
		printf("result evp_mac_reinit_allocs_per_call %.2f\n", mac_allocs);
	}
	printf("result gcm_init_iv_only_ns %.1f\nresult gcm_init_rekey_ns %.1f\n", init_iv, init_key);
	EVP_CIPHER_free(gcm);
	return 0;
}
