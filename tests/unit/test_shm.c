/* Shared-memory segment: create/attach across two processes, validation of
 * every header rule, generation change detection, ring end repair. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "msg.h"
#include "shm.h"

static char name[64];

static void setup(void)
{
	snprintf(name, sizeof(name), "/pmip-test-shm-%d", (int)getpid());
	shm_unlink(name);
}

static void teardown(void)
{
	shm_unlink(name);
}

TestSuite(shm, .init = setup, .fini = teardown);

Test(shm, create_attach_validate)
{
	struct pmip_shm dp, cp;
	char msg[256];
	cr_assert_eq(pmip_shm_create(&dp, name, 256, msg, sizeof(msg)), 0, "%s", msg);
	/* Not READY yet: cp must refuse. */
	cr_assert_eq(pmip_shm_attach(&cp, name, msg, sizeof(msg)), -1);
	cr_assert(strstr(msg, "not READY") != NULL, "%s", msg);
	pmip_shm_publish(&dp);
	cr_assert_eq(pmip_shm_attach(&cp, name, msg, sizeof(msg)), 0, "%s", msg);
	cr_assert_eq(cp.hdr->generation, dp.hdr->generation);
	cr_assert_eq(dp.hdr->cp_pid, getpid());
	cr_assert_eq(dp.hdr->cp_attach_count, 1);
	cr_assert_eq(pmip_shm_status(&cp), PMIP_SHM_SAME);
	cr_assert_eq(rte_ring_get_capacity(cp.ring[PMIP_RING_CTL]), 255);
	pmip_shm_detach(&cp);
	cr_assert_eq(dp.hdr->cp_pid, 0, "clean detach clears cp_pid");
	pmip_shm_destroy(&dp);
	cr_assert_eq(access("/dev/shm/pmip-test-shm", F_OK), -1);
}

Test(shm, sizes)
{
	cr_assert_eq(pmip_shm_segment_size(100), 0, "not a power of two");
	cr_assert_eq(pmip_shm_segment_size(32), 0, "too small");
	cr_assert_eq(pmip_shm_segment_size(131072), 0, "too large");
	size_t s = pmip_shm_segment_size(1024);
	cr_assert_gt(s, 1024u * (PMIP_CTL_MSG_SIZE + PMIP_EVT_MSG_SIZE + 2 * PMIP_PKT_MSG_SIZE));
	cr_assert_eq(s % PMIP_SHM_ALIGN, 0);
}

/* The point of the design: two processes, neither with an EAL, exchanging
 * fixed-size elements through rings inside the segment. */
Test(shm, two_processes_exchange_messages)
{
	struct pmip_shm dp;
	char msg[256];
	cr_assert_eq(pmip_shm_create(&dp, name, 64, msg, sizeof(msg)), 0, "%s", msg);
	pmip_shm_publish(&dp);
	pid_t child = fork();
	cr_assert_neq(child, -1);
	if (child == 0) {
		/* The "cp": attach, send 100 ctl messages, wait for 100 events. */
		struct pmip_shm cp;
		if (pmip_shm_attach(&cp, name, msg, sizeof(msg)) != 0)
			_exit(10);
		for (uint32_t i = 1; i <= 100;) {
			struct pmip_ctl_msg m = { .type = PMIP_CTL_HELLO, .seq = i };
			if (rte_ring_sp_enqueue_elem(cp.ring[PMIP_RING_CTL], &m, sizeof(m)) == 0)
				i++;
		}
		for (uint32_t got = 0; got < 100;) {
			struct pmip_evt_msg e;
			if (rte_ring_sc_dequeue_elem(cp.ring[PMIP_RING_EVT], &e, sizeof(e)) != 0)
				continue;
			if (e.type != PMIP_EVT_HELLO_ACK || e.seq != got + 1)
				_exit(11);
			got++;
		}
		pmip_shm_detach(&cp);
		_exit(0);
	}
	/* The "dp": echo each ctl as an event with the same seq. */
	for (uint32_t n = 0; n < 100;) {
		struct pmip_ctl_msg m;
		if (rte_ring_sc_dequeue_elem(dp.ring[PMIP_RING_CTL], &m, sizeof(m)) != 0)
			continue;
		cr_assert_eq(m.seq, n + 1, "in order");
		struct pmip_evt_msg e = { .type = PMIP_EVT_HELLO_ACK, .seq = m.seq };
		while (rte_ring_mp_enqueue_elem(dp.ring[PMIP_RING_EVT], &e, sizeof(e)) != 0)
			;
		n++;
	}
	int status;
	cr_assert_eq(waitpid(child, &status, 0), child);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
	pmip_shm_destroy(&dp);
}

Test(shm, full_ring_fails_without_blocking)
{
	struct pmip_shm dp;
	char msg[256];
	cr_assert_eq(pmip_shm_create(&dp, name, 64, msg, sizeof(msg)), 0);
	struct pmip_pkt_msg p = { .port = 1, .len = 60 };
	unsigned ok = 0;
	for (int i = 0; i < 100; i++)
		if (rte_ring_enqueue_elem(dp.ring[PMIP_RING_PUNT], &p, sizeof(p)) == 0)
			ok++;
	cr_assert_eq(ok, 63, "capacity is count - 1");
	pmip_shm_destroy(&dp);
}

Test(shm, restart_is_detected)
{
	struct pmip_shm dp1, dp2, cp;
	char msg[256];
	cr_assert_eq(pmip_shm_create(&dp1, name, 64, msg, sizeof(msg)), 0);
	pmip_shm_publish(&dp1);
	cr_assert_eq(pmip_shm_attach(&cp, name, msg, sizeof(msg)), 0);
	uint64_t gen1 = cp.hdr->generation;

	/* A second dp while the first is alive (same pid here, so simulate a
	 * foreign owner): refused. */
	dp1.hdr->dp_pid = (int32_t)getppid();
	cr_assert_eq(pmip_shm_create(&dp2, name, 64, msg, sizeof(msg)), -1);
	cr_assert(strstr(msg, "in use by pmip-dp pid") != NULL, "%s", msg);

	/* dp killed (segment left behind, owner dead): the next dp replaces it. */
	dp1.hdr->dp_pid = 0;
	munmap(dp1.base, dp1.size);
	cr_assert_eq(pmip_shm_create(&dp2, name, 64, msg, sizeof(msg)), 0, "%s", msg);
	pmip_shm_publish(&dp2);
	cr_assert_eq(pmip_shm_status(&cp), PMIP_SHM_REPLACED);
	cr_assert_neq(dp2.hdr->generation, gen1);
	pmip_shm_detach(&cp);
	cr_assert_eq(pmip_shm_attach(&cp, name, msg, sizeof(msg)), 0);
	cr_assert_eq(cp.hdr->generation, dp2.hdr->generation);

	/* Clean shutdown: CLOSED, then the name is gone. */
	struct pmip_shm cp2;
	cr_assert_eq(pmip_shm_attach(&cp2, name, msg, sizeof(msg)), 0);
	pmip_shm_destroy(&dp2);
	cr_assert_eq(pmip_shm_status(&cp), PMIP_SHM_CLOSED);
	pmip_shm_detach(&cp);
	pmip_shm_detach(&cp2);
	cr_assert_eq(pmip_shm_attach(&cp, name, msg, sizeof(msg)), -1);
}

Test(shm, gone_when_unlinked)
{
	struct pmip_shm dp, cp;
	char msg[256];
	cr_assert_eq(pmip_shm_create(&dp, name, 64, msg, sizeof(msg)), 0);
	pmip_shm_publish(&dp);
	cr_assert_eq(pmip_shm_attach(&cp, name, msg, sizeof(msg)), 0);
	shm_unlink(name);
	cr_assert_eq(pmip_shm_status(&cp), PMIP_SHM_GONE);
	pmip_shm_detach(&cp);
	munmap(dp.base, dp.size);
}

/* A producer killed between moving head and tail leaves the ring stuck;
 * recovery rolls head back so the next producer works. */
Test(shm, ring_end_recovery)
{
	struct pmip_shm dp;
	char msg[256];
	cr_assert_eq(pmip_shm_create(&dp, name, 64, msg, sizeof(msg)), 0);
	struct rte_ring *r = dp.ring[PMIP_RING_CTL];
	struct pmip_ctl_msg m = { .type = PMIP_CTL_HELLO, .seq = 1 };
	cr_assert_eq(rte_ring_sp_enqueue_elem(r, &m, sizeof(m)), 0);
	cr_assert_eq(pmip_shm_ring_recover_producer(r), false, "nothing to repair");
	r->prod.head += 1; /* the dead producer's reservation */
	cr_assert_eq(pmip_shm_ring_recover_producer(r), true);
	cr_assert_eq(r->prod.head, r->prod.tail);
	m.seq = 2;
	cr_assert_eq(rte_ring_sp_enqueue_elem(r, &m, sizeof(m)), 0);
	struct pmip_ctl_msg out;
	cr_assert_eq(rte_ring_sc_dequeue_elem(r, &out, sizeof(out)), 0);
	cr_assert_eq(out.seq, 1);
	cr_assert_eq(rte_ring_sc_dequeue_elem(r, &out, sizeof(out)), 0);
	cr_assert_eq(out.seq, 2);

	/* Consumer side: a dead consumer's reservation is returned. */
	cr_assert_eq(rte_ring_sp_enqueue_elem(r, &m, sizeof(m)), 0);
	r->cons.head += 1;
	cr_assert_eq(pmip_shm_ring_recover_consumer(r), true);
	cr_assert_eq(rte_ring_sc_dequeue_elem(r, &out, sizeof(out)), 0, "element readable again");
	pmip_shm_destroy(&dp);
}

/* Every validation rule, by breaking one field of a good segment copy. */
Test(shm, validation_rules)
{
	struct pmip_shm dp;
	char msg[256];
	cr_assert_eq(pmip_shm_create(&dp, name, 64, msg, sizeof(msg)), 0);
	pmip_shm_publish(&dp);
	size_t len = dp.size;
	uint8_t *copy = malloc(len);
	struct pmip_shm_header *h = (struct pmip_shm_header *)copy;
#define RESET() memcpy(copy, dp.base, len)
	RESET();
	cr_assert_eq(pmip_shm_validate(copy, len, msg, sizeof(msg)), PMIP_SHM_OK, "%s", msg);
	cr_assert_eq(pmip_shm_validate(copy, 100, msg, sizeof(msg)), PMIP_SHM_ERR_SHORT);
	h->magic ^= 1;
	cr_assert_eq(pmip_shm_validate(copy, len, msg, sizeof(msg)), PMIP_SHM_ERR_MAGIC);
	RESET();
	h->abi_version++;
	cr_assert_eq(pmip_shm_validate(copy, len, msg, sizeof(msg)), PMIP_SHM_ERR_ABI);
	char want[64];
	snprintf(want, sizeof(want), "ABI version %u, this program speaks %u",
		 PMIP_SHM_ABI_VERSION + 1, PMIP_SHM_ABI_VERSION);
	cr_assert(strstr(msg, want) != NULL, "%s", msg);
	RESET();
	h->header_size = 64;
	cr_assert_eq(pmip_shm_validate(copy, len, msg, sizeof(msg)), PMIP_SHM_ERR_HEADER_SIZE);
	RESET();
	cr_assert_eq(pmip_shm_validate(copy, len - 4096, msg, sizeof(msg)), PMIP_SHM_ERR_SEGMENT_SIZE);
	h->state = PMIP_SHM_STATE_CLOSED;
	cr_assert_eq(pmip_shm_validate(copy, len, msg, sizeof(msg)), PMIP_SHM_ERR_NOT_READY);
	RESET();
	h->n_rings = 3;
	cr_assert_eq(pmip_shm_validate(copy, len, msg, sizeof(msg)), PMIP_SHM_ERR_RING_COUNT);
	RESET();
	h->rings[PMIP_RING_TX].elem_size = 1024;
	cr_assert_eq(pmip_shm_validate(copy, len, msg, sizeof(msg)), PMIP_SHM_ERR_RING_ELEM);
	RESET();
	h->rings[PMIP_RING_EVT].count = 100;
	cr_assert_eq(pmip_shm_validate(copy, len, msg, sizeof(msg)), PMIP_SHM_ERR_RING_SHAPE);
	RESET();
	h->rings[PMIP_RING_EVT].flags = 0;
	cr_assert_eq(pmip_shm_validate(copy, len, msg, sizeof(msg)), PMIP_SHM_ERR_RING_SHAPE);
	RESET();
	h->rings[PMIP_RING_PUNT].offset = len - 4096;
	cr_assert_eq(pmip_shm_validate(copy, len, msg, sizeof(msg)), PMIP_SHM_ERR_RING_BOUNDS);
	RESET();
	h->rings[PMIP_RING_PUNT].offset += 8;
	cr_assert_eq(pmip_shm_validate(copy, len, msg, sizeof(msg)), PMIP_SHM_ERR_RING_BOUNDS);
	RESET();
	h->rings[PMIP_RING_CTL].offset = UINT64_MAX - 4095;
	cr_assert_eq(pmip_shm_validate(copy, len, msg, sizeof(msg)), PMIP_SHM_ERR_RING_BOUNDS);
	RESET();
	/* The rte_ring header inside disagrees with the descriptor. */
	struct rte_ring *r = (struct rte_ring *)(copy + h->rings[PMIP_RING_CTL].offset);
	r->mask = 7;
	cr_assert_eq(pmip_shm_validate(copy, len, msg, sizeof(msg)), PMIP_SHM_ERR_RING_SHAPE);
	cr_assert_str_neq(pmip_shm_err_str(PMIP_SHM_ERR_RING_SHAPE), "?");

	/* Truncations and header bit flips: never crash, never OK when the
	 * flip hits a checked field. */
	for (size_t cut = 0; cut < len; cut += 61) {
		RESET();
		cr_assert_neq(pmip_shm_validate(copy, cut, msg, sizeof(msg)), PMIP_SHM_OK);
	}
	for (size_t i = 0; i < sizeof(struct pmip_shm_header); i++) {
		for (int bit = 0; bit < 8; bit++) {
			RESET();
			copy[i] ^= (uint8_t)(1 << bit);
			(void)pmip_shm_validate(copy, len, msg, sizeof(msg));
		}
	}
#undef RESET
	free(copy);
	pmip_shm_destroy(&dp);
}
