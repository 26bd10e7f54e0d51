/* ICMPv6 echo responder. See echo.h. */
#define LOG_MODULE "echo"
#include "echo.h"

#include "log.h"
#include "net/pkt.h"

void cp_echo_input(struct dp_link *link, const struct pmip_pkt_msg *pkt, uint32_t reply_sa,
		   struct cp_echo_stats *st)
{
	uint8_t reply[PMIP_PKT_DATA_MAX];
	st->requests++;
	/* dp validated the request before punting; re-validated here because
	 * cp trusts no packet bytes, whoever checked them before. */
	size_t n = pmip_icmp6_echo_reply_build(pkt->data, pkt->len, reply, sizeof(reply));
	if (n == 0) {
		st->invalid++;
		pmip_dbg("port %u: punted echo request does not parse, dropped", pkt->port);
		return;
	}
	if (pkt->sa_id != 0 && reply_sa == 0) {
		st->no_sa++;
		pmip_dbg("echo under sa %u: no outbound SA to answer under, dropped", pkt->sa_id);
		return;
	}
	if (dp_link_send_frame_sa(link, pkt->port, reply, n, reply_sa) != 0) {
		st->not_sent++;
		return;
	}
	st->replies++;
}
