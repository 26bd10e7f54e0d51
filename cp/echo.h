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
};

void cp_echo_input(struct dp_link *link, const struct pmip_pkt_msg *pkt, struct cp_echo_stats *st);

#endif
