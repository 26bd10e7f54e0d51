/* libFuzzer: ini text -> parse -> validate. Invariant: either a config or at
 * least one error, and nothing read out of bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pmip_config cfg;
	struct pmip_config_raw raw;
	struct pmip_config_errors errs;
	char *text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&errs, 0, sizeof(errs));
	int rc = pmip_config_parse_string(text, "fuzz.ini", &raw, &errs);
	if (rc == 0)
		rc = pmip_config_validate(&raw, &cfg, &errs);
	if (rc != 0 && errs.n == 0)
		abort(); /* rejected without saying why */
	pmip_config_raw_free(&raw);
	free(text);
	return 0;
}
