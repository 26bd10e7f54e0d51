/* ESP SA database of the data plane: the writer side (main lcore) and the
 * lifetime scan. See sa.h. */
#define LOG_MODULE "sa"
#include "sa.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>
#include <urcu-qsbr.h>

#include "dp.h"
#include "log.h"

static int cmp_spi(const void *a, const void *b, size_t len)
{
	(void)len;
	uint64_t x, y;
	memcpy(&x, a, 8);
	memcpy(&y, b, 8);
	return x != y;
}

int dp_sa_table_create(struct dp_sa_table *t, uint32_t max, unsigned n_workers, int socket)
{
	memset(t, 0, sizeof(*t));
	if (n_workers == 0 || n_workers > DP_SA_MAX_WORKERS)
		return -1;
	t->max = max;
	t->n_workers = n_workers;
	char name[RTE_HASH_NAMESIZE];
	static unsigned instances;
	snprintf(name, sizeof(name), "sa_spi_%u", instances++);
	/* A deleted SA's SPI slot is freed only after the grace period that
	 * follows its ctl burst (lock-free rte_hash). A rekey burst deletes
	 * SAs and adds their successors (RFC 4301 4.4.2 SAD, RFC 7296 2.8),
	 * so the hash has room for max SAs plus one burst of deletions; the
	 * id table keeps the limit of max. */
	struct rte_hash_parameters p = {
		.name = name,
		.entries = (max < 8 ? 8 : max) + DP_SA_CTL_BURST,
		.key_len = 8, /* the SPI, zero-extended: one aligned word */
		.hash_func = rte_hash_crc,
		.socket_id = socket,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	t->in_by_spi = rte_hash_create(&p);
	if (t->in_by_spi != NULL)
		rte_hash_set_cmp_func(t->in_by_spi, cmp_spi);
	t->sa = rte_zmalloc_socket("sas", sizeof(*t->sa) * max, 64, socket);
	t->ctr = rte_zmalloc_socket("sa_ctr", sizeof(*t->ctr) * max * n_workers, 64, socket);
	t->soft_sent = calloc(max, 1);
	t->retired = calloc(max, sizeof(*t->retired));
	if (t->in_by_spi == NULL || t->sa == NULL || t->ctr == NULL || t->soft_sent == NULL ||
	    t->retired == NULL) {
		pmip_err("out of memory for %u SAs", max);
		dp_sa_table_destroy(t);
		return -1;
	}
	return 0;
}

static void sa_free(struct dp_sa *sa)
{
	for (unsigned w = 0; w < DP_SA_MAX_WORKERS; w++)
		if (sa->crypto[w] != NULL)
			dp_esp_crypto_free(sa->crypto[w]);
	OPENSSL_cleanse(sa, sizeof(*sa));
	rte_free(sa);
}

void dp_sa_table_destroy(struct dp_sa_table *t)
{
	if (t->sa != NULL) {
		dp_sa_synchronize(t);
		for (uint32_t i = 0; i < t->max; i++)
			if (t->sa[i] != NULL)
				sa_free(t->sa[i]);
	}
	rte_hash_free(t->in_by_spi);
	rte_free(t->sa);
	rte_free(t->ctr);
	free(t->soft_sent);
	free(t->retired);
	memset(t, 0, sizeof(*t));
}

/* pos: the SA's SPI slot in in_by_spi, freed with it (lock-free rte_hash
 * leaves freeing deleted slots to the caller, after readers are done). */
static void retire(struct dp_sa_table *t, struct dp_sa *sa, int32_t pos)
{
	if (t->n_retired == t->max)
		dp_sa_synchronize(t);
	t->retired[t->n_retired].sa = sa;
	t->retired[t->n_retired].spi_pos = pos;
	t->n_retired++;
}

void dp_sa_synchronize(struct dp_sa_table *t)
{
	if (t->n_retired == 0)
		return;
	synchronize_rcu();
	for (unsigned i = 0; i < t->n_retired; i++) {
		if (t->retired[i].spi_pos >= 0)
			rte_hash_free_key_with_position(t->in_by_spi, t->retired[i].spi_pos);
		sa_free(t->retired[i].sa);
	}
	t->n_retired = 0;
}

/* Unpublish an SA: readers that still hold it finish with it before the
 * next grace period ends. */
static void sa_remove(struct dp_sa_table *t, uint32_t id)
{
	struct dp_sa *sa = t->sa[id];
	int32_t pos = -1;
	if (sa->dir == PMIP_SA_IN) {
		uint64_t key = sa->spi;
		pos = rte_hash_del_key(t->in_by_spi, &key);
	}
	__atomic_store_n(&sa->dead, 1, __ATOMIC_RELEASE);
	rcu_assign_pointer(t->sa[id], NULL);
	retire(t, sa, pos);
	t->soft_sent[id] = 0;
	t->count--;
}

static uint64_t tsc_after(uint32_t seconds)
{
	return seconds ? rte_get_tsc_cycles() + (uint64_t)seconds * rte_get_tsc_hz() : 0;
}

static int sa_add(struct dp_sa_table *t, const struct pmip_ctl_sa *m)
{
	const struct pmip_esp_alg_desc *alg = pmip_esp_alg_desc(m->alg);
	if (m->id == 0 || m->id >= t->max || alg == NULL || m->enc_key_len != alg->enc_key_len ||
	    m->auth_key_len != alg->auth_key_len || m->spi <= 255 ||
	    (m->dir != PMIP_SA_IN && m->dir != PMIP_SA_OUT) ||
	    (m->mode != PMIP_SA_TRANSPORT && m->mode != PMIP_SA_TUNNEL_UDP) ||
	    m->port >= dp.n_ports || m->ts_local_len > 128 || m->ts_remote_len > 128)
		return PMIP_CTL_REJECT_INVALID;
	if (m->dir == PMIP_SA_IN &&
	    (m->replay_window < PMIP_REPLAY_WINDOW_MIN || m->replay_window > PMIP_REPLAY_WINDOW_MAX ||
	     (m->replay_window & (m->replay_window - 1)) != 0))
		return PMIP_CTL_REJECT_INVALID;
	if (t->sa[m->id] != NULL)
		return PMIP_CTL_REJECT_KEY_IN_USE;
	uint64_t key = m->spi;
	if (m->dir == PMIP_SA_IN && rte_hash_lookup(t->in_by_spi, &key) >= 0)
		return PMIP_CTL_REJECT_KEY_IN_USE;

	struct dp_sa *sa = rte_zmalloc("sa", sizeof(*sa), RTE_CACHE_LINE_SIZE);
	if (sa == NULL)
		return PMIP_CTL_REJECT_TABLE_FULL;
	sa->id = m->id;
	sa->spi = m->spi;
	sa->dir = m->dir;
	sa->mode = m->mode;
	sa->flags = m->flags;
	sa->alg = alg;
	sa->port = m->port;
	sa->udp_sport = m->udp_sport;
	sa->udp_dport = m->udp_dport;
	sa->local = m->local;
	sa->remote = m->remote;
	sa->ts_local = m->ts_local;
	sa->ts_remote = m->ts_remote;
	sa->ts_local_len = m->ts_local_len;
	sa->ts_remote_len = m->ts_remote_len;
	sa->soft_bytes = m->soft_bytes;
	sa->hard_bytes = m->hard_bytes;
	sa->soft_packets = m->soft_packets;
	sa->hard_packets = m->hard_packets;
	sa->soft_tsc = tsc_after(m->soft_seconds);
	sa->hard_tsc = tsc_after(m->hard_seconds);
	sa->owner = (uint16_t)(m->id % t->n_workers);
	if (m->dir == PMIP_SA_IN)
		pmip_replay_init(&sa->replay, m->replay_window, m->flags & PMIP_SA_F_ESN);
	/* Key schedules now, once per worker: nothing is set up per packet. */
	for (unsigned w = 0; w < t->n_workers; w++) {
		sa->crypto[w] = dp_esp_crypto_new((enum dp_esp_alg)m->alg, m->enc_key,
						  m->enc_key_len, m->auth_key, m->auth_key_len,
						  m->dir == PMIP_SA_OUT);
		if (sa->crypto[w] == NULL) {
			pmip_err("sa %u: crypto context for worker %u failed", m->id, w);
			sa_free(sa);
			return PMIP_CTL_REJECT_INVALID;
		}
	}
	for (unsigned w = 0; w < t->n_workers; w++)
		*dp_sa_ctr(t, w, m->id) = (struct dp_sa_ctr){ 0 };
	rcu_assign_pointer(t->sa[m->id], sa);
	int hrc = 0;
	if (m->dir == PMIP_SA_IN) {
		hrc = rte_hash_add_key_data(t->in_by_spi, &key, (void *)(uintptr_t)m->id);
		/* More deletions pending than the headroom holds (a burst
		 * larger than DP_SA_CTL_BURST): free their slots, then retry. */
		if (hrc == -ENOSPC && t->n_retired > 0) {
			dp_sa_synchronize(t);
			hrc = rte_hash_add_key_data(t->in_by_spi, &key, (void *)(uintptr_t)m->id);
		}
	}
	if (hrc != 0) {
		rcu_assign_pointer(t->sa[m->id], NULL);
		retire(t, sa, -1);
		return PMIP_CTL_REJECT_TABLE_FULL;
	}
	t->soft_sent[m->id] = 0;
	t->count++;
	return PMIP_CTL_OK;
}

int dp_sa_apply(struct dp_sa_table *t, const struct pmip_ctl_msg *m)
{
	switch (m->type) {
	case PMIP_CTL_SA_ADD:
		return sa_add(t, &m->u.sa);
	case PMIP_CTL_SA_DEL:
		if (m->u.sa.id == 0 || m->u.sa.id >= t->max || t->sa[m->u.sa.id] == NULL)
			return PMIP_CTL_REJECT_NO_SUCH_ID;
		sa_remove(t, m->u.sa.id);
		return PMIP_CTL_OK;
	default:
		return PMIP_CTL_REJECT_UNKNOWN_TYPE;
	}
}

static void expire_event(const struct dp_sa *sa, bool hard, uint8_t reason, uint64_t bytes,
			 uint64_t packets)
{
	struct pmip_evt_msg e = { .type = PMIP_EVT_SA_EXPIRE, .generation = dp.generation };
	e.u.sa_expire.sa_id = sa->id;
	e.u.sa_expire.hard = hard;
	e.u.sa_expire.reason = reason;
	e.u.sa_expire.bytes = bytes;
	e.u.sa_expire.packets = packets;
	if (rte_ring_mp_enqueue_elem(dp.shm.ring[PMIP_RING_EVT], &e, sizeof(e)) != 0)
		__atomic_fetch_add(&dp.evt_ring_full, 1, __ATOMIC_RELAXED);
	pmip_info("sa %u %s lifetime reached (reason %u, %lu bytes, %lu packets)", sa->id,
		  hard ? "hard" : "soft", reason, bytes, packets);
}

void dp_sa_scan(struct dp_sa_table *t, uint64_t now)
{
	if (now - t->last_scan_tsc < rte_get_tsc_hz() / 1000 * DP_SA_SCAN_MS)
		return;
	t->last_scan_tsc = now;
	for (uint32_t id = 1; id < t->max; id++) {
		struct dp_sa *sa = t->sa[id];
		if (sa == NULL)
			continue;
		uint64_t bytes = 0, packets = 0;
		for (unsigned w = 0; w < t->n_workers; w++) {
			const struct dp_sa_ctr *c = dp_sa_ctr(t, w, id);
			bytes += __atomic_load_n(&c->bytes, __ATOMIC_RELAXED);
			packets += __atomic_load_n(&c->packets, __ATOMIC_RELAXED);
		}
		uint8_t hard = 0, soft = 0;
		if (sa->hard_tsc && now >= sa->hard_tsc)
			hard = PMIP_SA_EXPIRE_TIME;
		else if (sa->hard_bytes && bytes >= sa->hard_bytes)
			hard = PMIP_SA_EXPIRE_BYTES;
		else if (sa->hard_packets && packets >= sa->hard_packets)
			hard = PMIP_SA_EXPIRE_PACKETS;
		else if (sa->dir == PMIP_SA_OUT && !(sa->flags & PMIP_SA_F_ESN) &&
			 __atomic_load_n(&sa->seq, __ATOMIC_RELAXED) >= UINT32_MAX)
			hard = PMIP_SA_EXPIRE_SEQUENCE;
		if (hard) {
			expire_event(sa, true, hard, bytes, packets);
			sa_remove(t, id);
			continue;
		}
		if (t->soft_sent[id])
			continue;
		if (sa->soft_tsc && now >= sa->soft_tsc)
			soft = PMIP_SA_EXPIRE_TIME;
		else if (sa->soft_bytes && bytes >= sa->soft_bytes)
			soft = PMIP_SA_EXPIRE_BYTES;
		else if (sa->soft_packets && packets >= sa->soft_packets)
			soft = PMIP_SA_EXPIRE_PACKETS;
		if (soft) {
			expire_event(sa, false, soft, bytes, packets);
			t->soft_sent[id] = 1;
		}
	}
	dp_sa_synchronize(t);
}
