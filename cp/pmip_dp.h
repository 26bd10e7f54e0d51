/* A PMIPv6 registration (cp/pmip/pmip.h) as the data-plane binding cp's
 * store pushes (cp/bindings.c): one translation for pmip-cp's glue and the
 * pmip benchmark, which stores bindings the same way. */
#ifndef PMIP_CP_PMIP_DP_H
#define PMIP_CP_PMIP_DP_H

#include <string.h>

#include "cp.h"
#include "pmip.h"

/* dp binding ids are the engine's (1..max, below [dp] max_bindings). A
 * home address makes it a shared-prefix binding (seed 4.4.3): dp keys it
 * by that address as well as by the prefix. */
static inline struct cp_binding_spec cp_binding_spec_of(const struct pmip_binding *b)
{
	struct cp_binding_spec s = {
		.id = b->id,
		.hnp = b->hnp,
		.hoa = b->hoa,
		.flags = IN6_IS_ADDR_UNSPECIFIED(&b->hoa) ? 0 : PMIP_BINDING_F_SHARED_PREFIX,
		.peer = b->peer,
		.access_port = b->access_port,
	};
	memcpy(s.mn_mac, b->mac, 6);
	return s;
}

#endif
