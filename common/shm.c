/* Shared-memory segment: creation (dp), attach and validation (cp). See shm.h. */
#include "shm.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "msg.h"

#define RING_MIN_COUNT 64u
#define RING_MAX_COUNT 65536u

/* Element size and ring flags per ring: who produces and who consumes
 * (see the table in shm.h) decides single or multi on each end. */
static const struct {
	const char *name;
	uint32_t elem_size;
	uint32_t flags;
} ring_spec[PMIP_RING_COUNT] = {
	[PMIP_RING_CTL] = { "pmip_ctl", PMIP_CTL_MSG_SIZE, RING_F_SP_ENQ | RING_F_SC_DEQ },
	[PMIP_RING_EVT] = { "pmip_evt", PMIP_EVT_MSG_SIZE, RING_F_SC_DEQ },
	/* Head/tail sync on the producer side: the workers write each punted
	 * frame straight into its slot (zero-copy enqueue), only its length. */
	[PMIP_RING_PUNT] = { "pmip_punt", PMIP_PKT_MSG_SIZE, RING_F_MP_HTS_ENQ | RING_F_SC_DEQ },
	[PMIP_RING_TX] = { "pmip_tx", PMIP_PKT_MSG_SIZE, RING_F_SP_ENQ },
};

static const char *const err_str[] = {
	[PMIP_SHM_OK] = "ok",
	[PMIP_SHM_ERR_SHORT] = "segment shorter than its header",
	[PMIP_SHM_ERR_MAGIC] = "bad magic",
	[PMIP_SHM_ERR_ABI] = "ABI version mismatch",
	[PMIP_SHM_ERR_HEADER_SIZE] = "bad header size",
	[PMIP_SHM_ERR_SEGMENT_SIZE] = "segment size mismatch",
	[PMIP_SHM_ERR_NOT_READY] = "segment not ready",
	[PMIP_SHM_ERR_RING_COUNT] = "bad number of rings",
	[PMIP_SHM_ERR_RING_BOUNDS] = "ring outside the segment",
	[PMIP_SHM_ERR_RING_ELEM] = "ring element size mismatch",
	[PMIP_SHM_ERR_RING_SHAPE] = "ring shape inconsistent",
};

const char *pmip_shm_err_str(enum pmip_shm_err err)
{
	if ((unsigned)err >= sizeof(err_str) / sizeof(err_str[0]))
		return "?";
	return err_str[err];
}

static void set_msg(char *msg, size_t msglen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_msg(char *msg, size_t msglen, const char *fmt, ...)
{
	if (msg == NULL || msglen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, msglen, fmt, ap);
	va_end(ap);
}

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

static bool is_pow2(uint64_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

size_t pmip_shm_segment_size(unsigned ring_count)
{
	if (!is_pow2(ring_count) || ring_count < RING_MIN_COUNT || ring_count > RING_MAX_COUNT)
		return 0;
	size_t total = PMIP_SHM_HEADER_SIZE;
	for (int i = 0; i < PMIP_RING_COUNT; i++) {
		ssize_t sz = rte_ring_get_memsize_elem(ring_spec[i].elem_size, ring_count);
		if (sz < 0)
			return 0;
		total += align_up((size_t)sz, PMIP_SHM_ALIGN);
	}
	return total;
}

enum pmip_shm_err pmip_shm_validate(const void *buf, size_t len, char *msg, size_t msglen)
{
	struct pmip_shm_header h;

	if (len < sizeof(h) || len < PMIP_SHM_HEADER_SIZE) {
		set_msg(msg, msglen, "segment too short for its header (%zu < %u)", len,
			PMIP_SHM_HEADER_SIZE);
		return PMIP_SHM_ERR_SHORT;
	}
	/* Copy the header out: dp may still be writing state/heartbeat. */
	memcpy(&h, buf, sizeof(h));
	if (h.magic != PMIP_SHM_MAGIC) {
		set_msg(msg, msglen, "bad magic 0x%016llx (want 0x%016llx)",
			(unsigned long long)h.magic, (unsigned long long)PMIP_SHM_MAGIC);
		return PMIP_SHM_ERR_MAGIC;
	}
	if (h.abi_version != PMIP_SHM_ABI_VERSION) {
		set_msg(msg, msglen, "segment ABI version %u, this program speaks %u",
			h.abi_version, PMIP_SHM_ABI_VERSION);
		return PMIP_SHM_ERR_ABI;
	}
	if (h.header_size != PMIP_SHM_HEADER_SIZE) {
		set_msg(msg, msglen, "header size %u (want %u)", h.header_size,
			PMIP_SHM_HEADER_SIZE);
		return PMIP_SHM_ERR_HEADER_SIZE;
	}
	if (h.segment_size != len) {
		set_msg(msg, msglen, "header says %llu bytes, segment has %zu",
			(unsigned long long)h.segment_size, len);
		return PMIP_SHM_ERR_SEGMENT_SIZE;
	}
	if (h.state != PMIP_SHM_STATE_READY) {
		set_msg(msg, msglen, "segment state %u is not READY (%u)", h.state,
			PMIP_SHM_STATE_READY);
		return PMIP_SHM_ERR_NOT_READY;
	}
	if (h.n_rings != PMIP_RING_COUNT) {
		set_msg(msg, msglen, "%u rings (want %u)", h.n_rings, PMIP_RING_COUNT);
		return PMIP_SHM_ERR_RING_COUNT;
	}
	for (int i = 0; i < PMIP_RING_COUNT; i++) {
		const struct pmip_shm_ring_desc *d = &h.rings[i];
		if (d->elem_size != ring_spec[i].elem_size) {
			set_msg(msg, msglen, "ring %s: element size %u (want %u)",
				ring_spec[i].name, d->elem_size, ring_spec[i].elem_size);
			return PMIP_SHM_ERR_RING_ELEM;
		}
		if (!is_pow2(d->count) || d->count < RING_MIN_COUNT ||
		    d->count > RING_MAX_COUNT || d->flags != ring_spec[i].flags) {
			set_msg(msg, msglen,
				"ring %s: count %u / flags 0x%x (want a power of two in [%u, %u] / 0x%x)",
				ring_spec[i].name, d->count, d->flags, RING_MIN_COUNT,
				RING_MAX_COUNT, ring_spec[i].flags);
			return PMIP_SHM_ERR_RING_SHAPE;
		}
		ssize_t need = rte_ring_get_memsize_elem(d->elem_size, d->count);
		if (need < 0 || d->size < (uint64_t)need || d->offset % PMIP_SHM_ALIGN != 0 ||
		    d->offset < PMIP_SHM_HEADER_SIZE || d->offset > len || d->size > len - d->offset) {
			set_msg(msg, msglen,
				"ring %s: [%llu, +%llu) does not fit a %zu-byte segment or is misaligned",
				ring_spec[i].name, (unsigned long long)d->offset,
				(unsigned long long)d->size, len);
			return PMIP_SHM_ERR_RING_BOUNDS;
		}
		struct rte_ring r;
		memcpy(&r, (const uint8_t *)buf + d->offset, sizeof(r));
		if (r.size != d->count || r.mask != d->count - 1 || r.capacity != d->count - 1 ||
		    (uint32_t)r.flags != d->flags) {
			set_msg(msg, msglen,
				"ring %s: ring header size %u mask 0x%x capacity %u flags 0x%x disagree with the descriptor (count %u flags 0x%x)",
				ring_spec[i].name, r.size, r.mask, r.capacity, (unsigned)r.flags,
				d->count, d->flags);
			return PMIP_SHM_ERR_RING_SHAPE;
		}
	}
	return PMIP_SHM_OK;
}

static void shm_map_rings(struct pmip_shm *shm)
{
	for (int i = 0; i < PMIP_RING_COUNT; i++)
		shm->ring[i] = (struct rte_ring *)((uint8_t *)shm->base + shm->hdr->rings[i].offset);
}

/* Is another live dp the owner of an existing segment of this name? */
static bool segment_owned_by_live_dp(const char *name, pid_t *owner)
{
	int fd = shm_open(name, O_RDONLY, 0);
	if (fd < 0)
		return false;
	struct stat st;
	bool live = false;
	if (fstat(fd, &st) == 0 && (size_t)st.st_size >= sizeof(struct pmip_shm_header)) {
		struct pmip_shm_header h;
		if (pread(fd, &h, sizeof(h), 0) == (ssize_t)sizeof(h) && h.magic == PMIP_SHM_MAGIC &&
		    h.state != PMIP_SHM_STATE_CLOSED && h.dp_pid > 0 && h.dp_pid != getpid() &&
		    (kill(h.dp_pid, 0) == 0 || errno == EPERM)) {
			*owner = h.dp_pid;
			live = true;
		}
	}
	close(fd);
	return live;
}

int pmip_shm_create(struct pmip_shm *shm, const char *name, unsigned ring_count, char *msg,
		    size_t msglen)
{
	memset(shm, 0, sizeof(*shm));
	size_t size = pmip_shm_segment_size(ring_count);
	if (size == 0) {
		set_msg(msg, msglen, "ring size %u is not a power of two in [%u, %u]", ring_count,
			RING_MIN_COUNT, RING_MAX_COUNT);
		return -1;
	}
	pid_t owner;
	if (segment_owned_by_live_dp(name, &owner)) {
		set_msg(msg, msglen, "shared memory %s is in use by pmip-dp pid %d", name,
			(int)owner);
		return -1;
	}
	/* A stale segment (dp killed) is replaced, never reused: a new inode
	 * is how an attached cp learns that dp restarted. */
	shm_unlink(name);
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		set_msg(msg, msglen, "shm_open(%s): %s", name, strerror(errno));
		return -1;
	}
	struct stat st;
	if (ftruncate(fd, (off_t)size) != 0 || fstat(fd, &st) != 0) {
		set_msg(msg, msglen, "sizing %s to %zu bytes: %s", name, size, strerror(errno));
		close(fd);
		shm_unlink(name);
		return -1;
	}
	void *base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (base == MAP_FAILED) {
		set_msg(msg, msglen, "mmap(%s): %s", name, strerror(errno));
		shm_unlink(name);
		return -1;
	}
	shm->base = base;
	shm->size = size;
	shm->dev = st.st_dev;
	shm->ino = st.st_ino;
	snprintf(shm->name, sizeof(shm->name), "%s", name);
	shm->hdr = base;

	struct pmip_shm_header *h = shm->hdr;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	h->magic = PMIP_SHM_MAGIC;
	h->abi_version = PMIP_SHM_ABI_VERSION;
	h->header_size = PMIP_SHM_HEADER_SIZE;
	h->segment_size = size;
	h->generation = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
	h->state = PMIP_SHM_STATE_INIT;
	h->dp_pid = getpid();
	h->n_rings = PMIP_RING_COUNT;
	size_t off = PMIP_SHM_HEADER_SIZE;
	for (int i = 0; i < PMIP_RING_COUNT; i++) {
		struct pmip_shm_ring_desc *d = &h->rings[i];
		d->offset = off;
		d->size = (uint64_t)rte_ring_get_memsize_elem(ring_spec[i].elem_size, ring_count);
		d->elem_size = ring_spec[i].elem_size;
		d->count = ring_count;
		d->flags = ring_spec[i].flags;
		off += align_up(d->size, PMIP_SHM_ALIGN);
		struct rte_ring *r = (struct rte_ring *)((uint8_t *)base + d->offset);
		if (rte_ring_init(r, ring_spec[i].name, ring_count, ring_spec[i].flags) != 0) {
			set_msg(msg, msglen, "rte_ring_init(%s, %u)", ring_spec[i].name,
				ring_count);
			munmap(base, size);
			shm_unlink(name);
			memset(shm, 0, sizeof(*shm));
			return -1;
		}
	}
	shm_map_rings(shm);
	return 0;
}

void pmip_shm_publish(struct pmip_shm *shm)
{
	__atomic_store_n(&shm->hdr->state, PMIP_SHM_STATE_READY, __ATOMIC_RELEASE);
}

void pmip_shm_heartbeat(struct pmip_shm *shm)
{
	__atomic_fetch_add(&shm->hdr->dp_heartbeat, 1, __ATOMIC_RELAXED);
}

void pmip_shm_destroy(struct pmip_shm *shm)
{
	if (shm->base == NULL)
		return;
	__atomic_store_n(&shm->hdr->state, PMIP_SHM_STATE_CLOSED, __ATOMIC_RELEASE);
	munmap(shm->base, shm->size);
	/* Unlink only if the name is still ours (never remove a successor's). */
	int fd = shm_open(shm->name, O_RDONLY, 0);
	if (fd >= 0) {
		struct stat st;
		if (fstat(fd, &st) == 0 && st.st_dev == shm->dev && st.st_ino == shm->ino)
			shm_unlink(shm->name);
		close(fd);
	}
	memset(shm, 0, sizeof(*shm));
}

int pmip_shm_attach(struct pmip_shm *shm, const char *name, char *msg, size_t msglen)
{
	memset(shm, 0, sizeof(*shm));
	int fd = shm_open(name, O_RDWR, 0);
	if (fd < 0) {
		set_msg(msg, msglen, "shm_open(%s): %s", name, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		set_msg(msg, msglen, "fstat(%s): %s", name, strerror(errno));
		close(fd);
		return -1;
	}
	if (st.st_size <= 0) {
		set_msg(msg, msglen, "%s is empty", name);
		close(fd);
		return -1;
	}
	void *base = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (base == MAP_FAILED) {
		set_msg(msg, msglen, "mmap(%s): %s", name, strerror(errno));
		return -1;
	}
	/* Acquire pairs with the release in pmip_shm_publish(): once READY is
	 * seen, the rings dp initialised are visible too. */
	(void)__atomic_load_n(&((struct pmip_shm_header *)base)->state, __ATOMIC_ACQUIRE);
	enum pmip_shm_err err = pmip_shm_validate(base, (size_t)st.st_size, msg, msglen);
	if (err != PMIP_SHM_OK) {
		munmap(base, (size_t)st.st_size);
		return -1;
	}
	shm->base = base;
	shm->size = (size_t)st.st_size;
	shm->dev = st.st_dev;
	shm->ino = st.st_ino;
	snprintf(shm->name, sizeof(shm->name), "%s", name);
	shm->hdr = base;
	shm_map_rings(shm);
	__atomic_store_n(&shm->hdr->cp_pid, (int32_t)getpid(), __ATOMIC_RELEASE);
	__atomic_fetch_add(&shm->hdr->cp_attach_count, 1, __ATOMIC_RELAXED);
	return 0;
}

void pmip_shm_detach(struct pmip_shm *shm)
{
	if (shm->base == NULL)
		return;
	int32_t me = (int32_t)getpid();
	__atomic_compare_exchange_n(&shm->hdr->cp_pid, &me, 0, false, __ATOMIC_RELEASE,
				    __ATOMIC_RELAXED);
	munmap(shm->base, shm->size);
	memset(shm, 0, sizeof(*shm));
}

enum pmip_shm_status pmip_shm_status(const struct pmip_shm *shm)
{
	if (__atomic_load_n(&shm->hdr->state, __ATOMIC_ACQUIRE) == PMIP_SHM_STATE_CLOSED)
		return PMIP_SHM_CLOSED;
	int fd = shm_open(shm->name, O_RDONLY, 0);
	if (fd < 0)
		return PMIP_SHM_GONE;
	struct stat st;
	int rc = fstat(fd, &st);
	close(fd);
	if (rc != 0)
		return PMIP_SHM_GONE;
	if (st.st_dev != shm->dev || st.st_ino != shm->ino)
		return PMIP_SHM_REPLACED;
	return PMIP_SHM_SAME;
}

/* The single-producer path of rte_ring moves prod.head, copies, then moves
 * prod.tail. A producer killed between the two leaves head ahead of tail and
 * every later enqueue would start from head while consumers stop at tail:
 * the ring would be stuck. With the dead producer gone and no other
 * producer, rolling head back to tail drops the half-written elements. */
bool pmip_shm_ring_recover_producer(struct rte_ring *r)
{
	uint32_t tail = __atomic_load_n(&r->prod.tail, __ATOMIC_ACQUIRE);
	if (r->prod.head == tail)
		return false;
	__atomic_store_n(&r->prod.head, tail, __ATOMIC_RELEASE);
	return true;
}

bool pmip_shm_ring_recover_consumer(struct rte_ring *r)
{
	uint32_t tail = __atomic_load_n(&r->cons.tail, __ATOMIC_ACQUIRE);
	if (r->cons.head == tail)
		return false;
	__atomic_store_n(&r->cons.head, tail, __ATOMIC_RELEASE);
	return true;
}
