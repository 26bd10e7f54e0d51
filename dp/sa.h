/* ESP security associations in the data plane (RFC 4301 4.4.2 SAD).
 *
 * Installed, rekeyed and removed by ctl messages from cp (SA_ADD / SA_DEL),
 * applied on the main lcore; read lock-free by workers:
 *
 *   sa[id]        RCU pointer to an immutable struct dp_sa (plus its atomic
 *                 outbound sequence number and the owner's replay window)
 *   in_by_spi     inbound SAs: SPI -> id (rte_hash, lock-free mode)
 *
 * Crypto state is per SA and per worker (dp_esp_crypto: key schedule done
 * at install, on the main lcore). Inbound anti-replay state is one window
 * per SA, so each inbound SA has an owner worker; another worker that
 * receives its packets hands them to the owner over a ring (all packets of
 * an SA share their outer addresses, so with RSS on addresses that never
 * happens in practice; the handoff keeps it correct when it does).
 * Rekeying is make-before-break: the new inbound SA has a new SPI and both
 * are accepted until cp deletes the old one.
 *
 * Lifetimes (RFC 4301 4.4.2.1): the main lcore sums the workers' counters
 * every DP_SA_SCAN_MS; soft limits send EVT_SA_EXPIRE once, hard limits
 * send it and remove the SA. An outbound SA whose 32-bit sequence numbers
 * would cycle (no ESN) also expires hard (RFC 4303 3.3.3).
 */
#ifndef PMIP_DP_SA_H
#define PMIP_DP_SA_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_hash.h>

#include "esp_crypto.h"
#include "msg.h"
#include "replay.h"

#define DP_SA_MAX_WORKERS 64
#define DP_SA_SCAN_MS 100
/* At most this many ctl messages (so SA deletions) are applied between two
 * grace periods: control.c's CTL_BURST. */
#define DP_SA_CTL_BURST 32

struct dp_sa {
	uint32_t id;
	uint32_t spi;
	uint8_t dir;                /* enum pmip_sa_dir */
	uint8_t mode;               /* enum pmip_sa_mode */
	uint8_t flags;              /* PMIP_SA_F_* */
	uint8_t ts_local_len, ts_remote_len;
	uint16_t port;
	uint16_t udp_sport, udp_dport;
	uint16_t owner;             /* inbound: the worker holding the replay window */
	const struct pmip_esp_alg_desc *alg;
	struct in6_addr local, remote, ts_local, ts_remote;
	uint64_t soft_bytes, hard_bytes, soft_packets, hard_packets;
	uint64_t soft_tsc, hard_tsc;  /* absolute TSC deadlines, 0: none */
	struct dp_esp_crypto *crypto[DP_SA_MAX_WORKERS];
	uint8_t dead;               /* hard-expired: set by main, then unpublished */
	/* outbound: the last sequence number used (atomic fetch-add) */
	uint64_t seq __rte_cache_aligned;
	/* inbound: the owner's anti-replay window (RFC 4303 3.4.3) */
	struct pmip_replay replay __rte_cache_aligned;
};

/* Per worker, per SA: what it protected or accepted. */
struct dp_sa_ctr {
	uint64_t packets;
	uint64_t bytes;
};

struct dp_sa_table {
	uint32_t max;
	unsigned n_workers;
	struct dp_sa **sa;                  /* [max] RCU pointers */
	struct rte_hash *in_by_spi;         /* inbound SPI (8-byte key) -> id */
	struct dp_sa_ctr *ctr;              /* [n_workers][max] */
	uint32_t count;
	/* main lcore only */
	uint8_t *soft_sent;                 /* [max] */
	struct dp_sa_retired {
		struct dp_sa *sa;
		int32_t spi_pos;            /* its in_by_spi slot, -1: none */
	} *retired;                         /* freed after the next grace period */
	unsigned n_retired;
	uint64_t last_scan_tsc;
};

int dp_sa_table_create(struct dp_sa_table *t, uint32_t max, unsigned n_workers, int socket);
void dp_sa_table_destroy(struct dp_sa_table *t);
/* SA_ADD / SA_DEL (main lcore). Returns PMIP_CTL_OK or a reject reason. */
int dp_sa_apply(struct dp_sa_table *t, const struct pmip_ctl_msg *m);
/* Free what SA_DEL and expiry retired (after a grace period). */
void dp_sa_synchronize(struct dp_sa_table *t);
/* Lifetime scan, every DP_SA_SCAN_MS (main lcore). */
void dp_sa_scan(struct dp_sa_table *t, uint64_t now_tsc);

static inline const struct dp_sa *dp_sa_get(const struct dp_sa_table *t, uint32_t id)
{
	if (id == 0 || id >= t->max)
		return NULL;
	return __atomic_load_n(&t->sa[id], __ATOMIC_ACQUIRE);
}

/* Is addr (16 bytes) inside the SA's remote traffic selector? */
static inline bool dp_sa_ts_remote_match(const struct dp_sa *sa, const uint8_t *addr)
{
	unsigned len = sa->ts_remote_len, bytes = len / 8, bits = len % 8;
	if (memcmp(sa->ts_remote.s6_addr, addr, bytes) != 0)
		return false;
	if (bits == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - bits));
	return (sa->ts_remote.s6_addr[bytes] & mask) == (addr[bytes] & mask);
}

static inline struct dp_sa_ctr *dp_sa_ctr(const struct dp_sa_table *t, unsigned worker, uint32_t id)
{
	return &t->ctr[(size_t)worker * t->max + id];
}

#endif
