/* libFuzzer: arbitrary bytes as a shared-memory segment -> validate.
 * Inputs shorter than a header are padded onto a real segment image so the
 * fuzzer reaches the ring checks, not only the magic. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char msg[256];
	/* Raw: the input as the whole segment. */
	(void)pmip_shm_validate(data, size, msg, sizeof(msg));
	/* Overlay: the input over the start of a plausible header. */
	size_t len = pmip_shm_segment_size(64);
	uint8_t *seg = calloc(1, len);
	if (seg == NULL)
		return 0;
	struct pmip_shm_header h = {
		.magic = PMIP_SHM_MAGIC, .abi_version = PMIP_SHM_ABI_VERSION,
		.header_size = PMIP_SHM_HEADER_SIZE, .segment_size = len,
		.state = PMIP_SHM_STATE_READY, .n_rings = PMIP_RING_COUNT,
	};
	memcpy(seg, &h, sizeof(h));
	memcpy(seg, data, size < len ? size : len);
	(void)pmip_shm_validate(seg, len, msg, sizeof(msg));
	free(seg);
	return 0;
}
