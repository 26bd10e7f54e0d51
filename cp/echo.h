/* ICMPv6 echo responder for the gateway's own addresses (RFC 4443 4.2).
 * dp punts echo requests; cp answers through the tx ring. */
#ifndef PMIP_CP_ECHO_H
#define PMIP_CP_ECHO_H

#include <stdint.h>

#include "dp_link.h"

struct cp_echo_stats {
	uint64_t requests;
	uint64_t replies;
	uint64_t invalid;     /* punted as echo but did not parse */
	uint64_t not_sent;    /* tx ring full or dp gone */
	uint64_t no_sa;       /* request came under ESP, no SA to answer under */
	uint64_t replies_received; /* answers to our own requests (sa ping) */
};

/* Answer an echo request; reply_sa: the SA to protect the reply with (0:
 * in the clear). A request that came under ESP is answered under ESP only. */
void cp_echo_input(struct dp_link *link, const struct pmip_pkt_msg *pkt, uint32_t reply_sa,
		   struct cp_echo_stats *st);

#endif
