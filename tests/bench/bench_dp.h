/* The data plane that bench_forward and bench_esp drive by hand: dp's
 * globals, an mbuf pool, two net_null ports with link-local and global
 * addresses, the shared-memory segment (its punt ring is where local
 * traffic goes). No cp, no ctl ring traffic: the benchmarks apply table
 * and SA messages themselves. */
#ifndef PMIP_BENCH_DP_H
#define PMIP_BENCH_DP_H

#include <netinet/in.h>

#include "dp.h"

struct bench_dp_conf {
	enum pmip_role role;
	const char *addr[2];            /* each port's global address */
	enum pmip_port_kind kind[2];
	uint16_t mtu;                   /* both ports */
	unsigned n_workers;             /* also the tx queues of each port */
	unsigned burst;
	unsigned shm_ring_size;         /* elements per shared-memory ring */
	const char *shm_tag;            /* segment /pmip-bench-TAG-PID */
};

/* Everything above, or exits with a message. cfg must outlive dp. */
void bench_dp_setup(struct pmip_config *cfg, const struct bench_dp_conf *c);

/* Packets worker w dropped, all reasons. */
uint64_t bench_drops(const struct dp_worker *w);

/* An IPv6 address from text, or exit. */
struct in6_addr bench_ip(const char *s);

#endif
