/* The shared-memory segment between pmip-dp and pmip-cp.
 *
 * pmip-dp creates it (POSIX shm, named in the ini: [gateway] shm_name) and
 * pmip-cp maps it. It holds a header and four DPDK rings initialised in place
 * with rte_ring_init(): no EAL and no hugepages are needed on either side for
 * the rings themselves, only shared atomics.
 *
 *   offset 0      struct pmip_shm_header (one page)
 *   ring_off[i]   struct rte_ring + its element array, page aligned
 *
 * Life cycle. dp unlinks any stale segment of the same name (refusing if a
 * live dp owns it), creates a fresh one with a new generation number, marks
 * it READY, and on clean shutdown marks it CLOSED and unlinks it. cp polls:
 * a new inode or generation means dp restarted (cp reattaches and re-pushes
 * its state); CLOSED, a missing name or a heartbeat that stopped moving
 * means dp is gone. Each side owns fixed ends of the rings (msg.h), so a
 * process that dies can leave at most a half-finished single-producer or
 * single-consumer operation on its own end; the next instance repairs that
 * end before using the ring (pmip_shm_ring_recover_*).
 */
#ifndef PMIP_COMMON_SHM_H
#define PMIP_COMMON_SHM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct rte_ring;

#define PMIP_SHM_MAGIC 0x314d485350494d50ULL /* "PMIPSHM1" in memory order on little-endian */
/* Bump on any change to this header, the ring set or msg.h. */
#define PMIP_SHM_ABI_VERSION 4u
#define PMIP_SHM_HEADER_SIZE 4096u
#define PMIP_SHM_ALIGN 4096u

enum pmip_ring_id {
	PMIP_RING_CTL = 0, /* cp -> dp, struct pmip_ctl_msg, single producer/consumer */
	PMIP_RING_EVT,     /* dp -> cp, struct pmip_evt_msg, multi-producer, single consumer */
	PMIP_RING_PUNT,    /* dp -> cp, struct pmip_pkt_msg, multi-producer (HTS, zero-copy), single consumer */
	PMIP_RING_TX,      /* cp -> dp, struct pmip_pkt_msg, single producer, multi-consumer */
	PMIP_RING_COUNT,
};

enum pmip_shm_state {
	PMIP_SHM_STATE_INIT = 1,   /* dp is still building the segment */
	PMIP_SHM_STATE_READY = 2,  /* rings usable */
	PMIP_SHM_STATE_CLOSED = 3, /* dp shut down cleanly; about to unlink */
};

struct pmip_shm_ring_desc {
	uint64_t offset;    /* from the segment start; PMIP_SHM_ALIGN aligned */
	uint64_t size;      /* bytes reserved: rte_ring_get_memsize_elem() */
	uint32_t elem_size; /* bytes per element, fixed by msg.h */
	uint32_t count;     /* ring slots, a power of two (capacity count - 1) */
	uint32_t flags;     /* RING_F_* given to rte_ring_init() */
	uint32_t reserved;
};

struct pmip_shm_header {
	uint64_t magic;             /* PMIP_SHM_MAGIC */
	uint32_t abi_version;       /* PMIP_SHM_ABI_VERSION */
	uint32_t header_size;       /* PMIP_SHM_HEADER_SIZE */
	uint64_t segment_size;      /* total bytes, equals the shm object size */
	uint64_t generation;        /* dp instance: CLOCK_REALTIME ns at creation */
	uint32_t state;             /* enum pmip_shm_state, stored with release */
	int32_t dp_pid;             /* pid of the dp that created the segment */
	uint64_t dp_heartbeat;      /* incremented by dp's main lcore every loop
				     * (at least every few ms): progress = alive */
	int32_t cp_pid;             /* pid of the attached cp, 0 if none */
	uint32_t cp_attach_count;   /* attaches seen since creation, for logs */
	uint32_t n_rings;           /* PMIP_RING_COUNT */
	uint32_t reserved;
	struct pmip_shm_ring_desc rings[PMIP_RING_COUNT];
};

/* A process's view of one mapped segment. */
struct pmip_shm {
	void *base;
	size_t size;
	char name[64];
	dev_t dev;           /* identity of the shm object we mapped: a new */
	ino_t ino;           /* inode under the same name means a new dp   */
	struct pmip_shm_header *hdr;
	struct rte_ring *ring[PMIP_RING_COUNT];
};

/* Errors of the validation step (what a cp finds in a segment). */
enum pmip_shm_err {
	PMIP_SHM_OK = 0,
	PMIP_SHM_ERR_SHORT,        /* smaller than the header */
	PMIP_SHM_ERR_MAGIC,
	PMIP_SHM_ERR_ABI,
	PMIP_SHM_ERR_HEADER_SIZE,
	PMIP_SHM_ERR_SEGMENT_SIZE, /* header size differs from the object */
	PMIP_SHM_ERR_NOT_READY,    /* INIT or CLOSED */
	PMIP_SHM_ERR_RING_COUNT,
	PMIP_SHM_ERR_RING_BOUNDS,  /* ring outside the segment or misaligned */
	PMIP_SHM_ERR_RING_ELEM,    /* element size differs from msg.h */
	PMIP_SHM_ERR_RING_SHAPE,   /* count/flags, or the ring's own fields, inconsistent */
};

const char *pmip_shm_err_str(enum pmip_shm_err err);

/* Validate a mapped segment of len bytes: header fields, ring placement and
 * the rte_ring headers inside. Reads nothing outside [buf, buf+len). On error
 * writes the broken rule with its numbers into msg. */
enum pmip_shm_err pmip_shm_validate(const void *buf, size_t len, char *msg, size_t msglen);

/* Bytes a segment with rings of ring_count slots needs; 0 if ring_count is
 * not a power of two in [64, 65536]. */
size_t pmip_shm_segment_size(unsigned ring_count);

/* dp: create the segment. Fails if a live dp holds the name. */
int pmip_shm_create(struct pmip_shm *shm, const char *name, unsigned ring_count,
		    char *msg, size_t msglen);
/* dp: publish the segment (state READY) once everything is set up. */
void pmip_shm_publish(struct pmip_shm *shm);
/* dp: mark CLOSED, unmap and unlink. */
void pmip_shm_destroy(struct pmip_shm *shm);
/* dp main lcore: one heartbeat tick. */
void pmip_shm_heartbeat(struct pmip_shm *shm);

/* cp: map and validate an existing segment. Returns 0 or -1 with msg set. */
int pmip_shm_attach(struct pmip_shm *shm, const char *name, char *msg, size_t msglen);
void pmip_shm_detach(struct pmip_shm *shm);

enum pmip_shm_status {
	PMIP_SHM_SAME = 0,    /* still the segment we mapped, not closed */
	PMIP_SHM_GONE,        /* name no longer exists */
	PMIP_SHM_REPLACED,    /* name now refers to another segment */
	PMIP_SHM_CLOSED,      /* dp marked it closed */
};
/* cp: is the segment we mapped still the live one? */
enum pmip_shm_status pmip_shm_status(const struct pmip_shm *shm);

/* Repair the end of a ring that a dead process of our side left half done.
 * Only for ends with a single producer (resp. consumer), called before this
 * process uses that end. Returns true if something was repaired. */
bool pmip_shm_ring_recover_producer(struct rte_ring *r);
bool pmip_shm_ring_recover_consumer(struct rte_ring *r);

#endif
