/* libFuzzer: profile table text -> pmip_profiles_parse. Invariant: either
 * a table whose every entry is found again by MAC and by NAI, or at least
 * one error; nothing read out of bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pmip_profiles.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pmip_profiles t;
	struct pmip_config_errors errs;
	memset(&errs, 0, sizeof(errs));
	if (pmip_profiles_parse((const char *)data, size, "fuzz.profiles", &t, &errs) != 0) {
		if (errs.n == 0 || t.n != 0)
			abort(); /* rejected without saying why, or half a table */
		return 0;
	}
	for (unsigned i = 0; i < t.n; i++)
		if (pmip_profiles_by_mac(&t, t.e[i].p.mac) != &t.e[i] ||
		    pmip_profiles_by_nai(&t, t.e[i].p.mn_id) != &t.e[i])
			abort();
	pmip_profiles_free(&t);
	return 0;
}
