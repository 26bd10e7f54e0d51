/* Ring message schema: sizes and layout are ABI; names for logs. */
#include <criterion/criterion.h>
#include <stddef.h>

#include "msg.h"

Test(msg, element_sizes_are_abi)
{
	cr_assert_eq(sizeof(struct pmip_ctl_msg), 256);
	cr_assert_eq(sizeof(struct pmip_evt_msg), 128);
	cr_assert_eq(sizeof(struct pmip_pkt_msg), 2048);
	cr_assert_eq(sizeof(struct pmip_ctl_msg) % 4, 0, "rte_ring _elem needs multiples of 4");
	cr_assert_eq(offsetof(struct pmip_pkt_msg, data), PMIP_PKT_HDR_SIZE);
	cr_assert_geq(PMIP_PKT_DATA_MAX, 1514, "a full Ethernet frame fits");
	cr_assert_eq(offsetof(struct pmip_ctl_msg, u), 16);
	cr_assert_eq(offsetof(struct pmip_evt_msg, u), 16);
	cr_assert_leq(sizeof(struct pmip_evt_port_info), sizeof(((struct pmip_evt_msg *)0)->u));
}

Test(msg, names)
{
	cr_assert_str_eq(pmip_ctl_type_name(PMIP_CTL_HELLO), "hello");
	cr_assert_str_eq(pmip_evt_type_name(PMIP_EVT_HELLO_ACK), "hello_ack");
	cr_assert_str_eq(pmip_evt_type_name(PMIP_EVT_PORT_INFO), "port_info");
	cr_assert_str_eq(pmip_evt_type_name(PMIP_EVT_CTL_REJECT), "ctl_reject");
	cr_assert_str_eq(pmip_punt_reason_name(PMIP_PUNT_ECHO_REQUEST), "echo_request");
	cr_assert_str_eq(pmip_ctl_type_name(0), "unknown");
	cr_assert_str_eq(pmip_ctl_type_name(9999), "unknown");
	cr_assert_str_eq(pmip_punt_reason_name(65535), "unknown");
}
