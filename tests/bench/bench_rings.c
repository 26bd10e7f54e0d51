/* Benchmark: the dp<->cp shared-memory rings.
 *
 * Moves N elements of each ring's element size from a producer to a
 * consumer pinned to two different CPUs and reports elements per second:
 *   - shm:   two processes through a segment made by pmip_shm_create()
 *            (what pmip-cp and pmip-dp do);
 *   - local: two threads of one process through an rte_ring initialised in
 *            ordinary memory (the same ring code without shared memory);
 *   - memcpy: one CPU copying the element twice (in and out), the copy
 *            ceiling of a ring that carries packets by value.
 * Prints a table, then "metric"/"ratio" lines for scripts/bench.sh.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "msg.h"
#include "shm.h"

#define BURST 8
#define SLOTS 1024

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu % (int)sysconf(_SC_NPROCESSORS_ONLN), &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void produce(struct rte_ring *r, unsigned esize, unsigned long n)
{
	uint8_t *buf = calloc(BURST, esize);
	for (unsigned long sent = 0; sent < n;) {
		unsigned want = n - sent < BURST ? (unsigned)(n - sent) : BURST;
		sent += rte_ring_enqueue_burst_elem(r, buf, esize, want, NULL);
	}
	free(buf);
}

static void consume(struct rte_ring *r, unsigned esize, unsigned long n)
{
	uint8_t *buf = calloc(BURST, esize);
	for (unsigned long got = 0; got < n;)
		got += rte_ring_dequeue_burst_elem(r, buf, esize, BURST, NULL);
	free(buf);
}

struct thr_arg {
	struct rte_ring *r;
	unsigned esize;
	unsigned long n;
};

static void *consumer_thread(void *p)
{
	struct thr_arg *a = p;
	pin(1);
	consume(a->r, a->esize, a->n);
	return NULL;
}

static double bench_local(unsigned esize, unsigned long n)
{
	ssize_t sz = rte_ring_get_memsize_elem(esize, SLOTS);
	struct rte_ring *r = aligned_alloc(64, (size_t)sz);
	rte_ring_init(r, "bench", SLOTS, RING_F_SP_ENQ | RING_F_SC_DEQ);
	struct thr_arg a = { r, esize, n };
	pthread_t t;
	pin(0);
	double t0 = now_s();
	pthread_create(&t, NULL, consumer_thread, &a);
	produce(r, esize, n);
	pthread_join(t, NULL);
	double dt = now_s() - t0;
	free(r);
	return (double)n / dt;
}

static double bench_shm(enum pmip_ring_id id, unsigned esize, unsigned long n)
{
	struct pmip_shm shm;
	char name[64], msg[256];
	snprintf(name, sizeof(name), "/pmip-bench-%d", (int)getpid());
	if (pmip_shm_create(&shm, name, SLOTS, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "bench_rings: %s\n", msg);
		exit(1);
	}
	pmip_shm_publish(&shm);
	pin(0);
	double t0 = now_s();
	pid_t child = fork();
	if (child == 0) {
		struct pmip_shm cp;
		pin(1);
		if (pmip_shm_attach(&cp, name, msg, sizeof(msg)) != 0)
			_exit(1);
		consume(cp.ring[id], esize, n);
		_exit(0);
	}
	produce(shm.ring[id], esize, n);
	int status;
	waitpid(child, &status, 0);
	double dt = now_s() - t0;
	pmip_shm_destroy(&shm);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench_rings: consumer failed\n");
		exit(1);
	}
	return (double)n / dt;
}

static double bench_memcpy(unsigned esize, unsigned long n)
{
	/* In and out, through a ring-sized buffer, as a by-value ring does. */
	uint8_t *ring = calloc(SLOTS, esize), *src = calloc(1, esize), *dst = calloc(1, esize);
	pin(0);
	double t0 = now_s();
	for (unsigned long i = 0; i < n; i++) {
		uint8_t *slot = ring + (i % SLOTS) * esize;
		memcpy(slot, src, esize);
		__asm__ volatile("" ::: "memory");
		memcpy(dst, slot, esize);
		__asm__ volatile("" ::: "memory");
	}
	double dt = now_s() - t0;
	free(ring);
	free(src);
	free(dst);
	return (double)n / dt;
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 4000000;
	struct {
		const char *name;
		enum pmip_ring_id id;
		unsigned esize;
	} rings[] = {
		{ "ctl", PMIP_RING_CTL, PMIP_CTL_MSG_SIZE },
		{ "pkt", PMIP_RING_PUNT, PMIP_PKT_MSG_SIZE },
	};
	double shm_rate[2], local_rate[2], copy_rate[2];
	printf("%-6s %8s %14s %14s %14s %10s %10s\n", "ring", "elem B", "shm 2-proc/s",
	       "local 2-thr/s", "memcpy x2/s", "shm/local", "shm/memcpy");
	for (int i = 0; i < 2; i++) {
		unsigned long count = rings[i].esize > 1024 ? n / 4 : n;
		shm_rate[i] = bench_shm(rings[i].id, rings[i].esize, count);
		local_rate[i] = bench_local(rings[i].esize, count);
		copy_rate[i] = bench_memcpy(rings[i].esize, count);
		printf("%-6s %8u %14.0f %14.0f %14.0f %10.2f %10.2f\n", rings[i].name,
		       rings[i].esize, shm_rate[i], local_rate[i], copy_rate[i],
		       shm_rate[i] / local_rate[i], shm_rate[i] / copy_rate[i]);
	}
	printf("metric ring_ctl_msgs_per_s %.0f 1/s\n", shm_rate[0]);
	printf("metric ring_pkt_msgs_per_s %.0f 1/s\n", shm_rate[1]);
	printf("ratio ring_shm_vs_local_ctl %.2f\n", shm_rate[0] / local_rate[0]);
	printf("ratio ring_pkt_vs_memcpy %.2f\n", shm_rate[1] / copy_rate[1]);
	return 0;
}
