/* Ring message schema between pmip-cp and pmip-dp.
 *
 * The four rings live in the shared-memory segment (common/shm.h). Every ring
 * carries fixed-size elements of one struct below (rte_ring _elem API), so a
 * message is copied in one enqueue and nothing points across processes.
 *
 *   ctl   cp -> dp   struct pmip_ctl_msg   state changes; dp acks on evt
 *   evt   dp -> cp   struct pmip_evt_msg   acks, port info, events
 *   punt  dp -> cp   struct pmip_pkt_msg   control packets for cp
 *   tx    cp -> dp   struct pmip_pkt_msg   packets cp wants sent
 *
 * Any change to a struct, a type number or a field's meaning bumps
 * PMIP_SHM_ABI_VERSION; cp refuses a segment of another version.
 * All fields are in host byte order unless named *_be; addresses are in
 * network byte order as in struct in6_addr.
 */
#ifndef PMIP_COMMON_MSG_H
#define PMIP_COMMON_MSG_H

#include <stdint.h>

#define PMIP_CTL_MSG_SIZE 256
#define PMIP_EVT_MSG_SIZE 128
#define PMIP_PKT_MSG_SIZE 2048

/* ---------------------------------------------------------------- ctl ---- */

enum pmip_ctl_type {
	PMIP_CTL_NONE = 0,
	/* cp announces itself after attaching (and after every dp restart it
	 * sees). dp answers EVT_HELLO_ACK followed by one EVT_PORT_INFO per
	 * port. This is also cp's cue that dp holds none of cp's state: cp
	 * re-pushes everything after the ack. */
	PMIP_CTL_HELLO = 1,
	PMIP_CTL_TYPE_MAX,
};

struct pmip_ctl_hello {
	int32_t cp_pid;          /* pid of the pmip-cp that sent it, for logs */
	uint32_t reserved;       /* zero */
	uint64_t cp_start_ns;    /* cp's CLOCK_REALTIME start time, for logs */
};

struct pmip_ctl_msg {
	uint16_t type;           /* enum pmip_ctl_type */
	uint16_t reserved;       /* zero */
	uint32_t seq;            /* chosen by cp, echoed in EVT_ACK/HELLO_ACK */
	uint64_t generation;     /* dp generation cp addressed; dp ignores (and
				  * counts) messages for another generation */
	union {
		struct pmip_ctl_hello hello;
		uint8_t raw[PMIP_CTL_MSG_SIZE - 16];
	} u;
};
_Static_assert(sizeof(struct pmip_ctl_msg) == PMIP_CTL_MSG_SIZE, "ctl element size");

/* ---------------------------------------------------------------- evt ---- */

enum pmip_evt_type {
	PMIP_EVT_NONE = 0,
	PMIP_EVT_HELLO_ACK = 1,  /* answer to CTL_HELLO */
	PMIP_EVT_PORT_INFO = 2,  /* one per port, after HELLO_ACK */
	PMIP_EVT_CTL_REJECT = 3, /* a ctl message dp could not apply */
	PMIP_EVT_TYPE_MAX,
};

/* Why dp rejected a ctl message (EVT_CTL_REJECT.reason). */
enum pmip_ctl_reject_reason {
	PMIP_CTL_REJECT_UNKNOWN_TYPE = 1,
	PMIP_CTL_REJECT_STALE_GENERATION = 2,
	PMIP_CTL_REJECT_INVALID = 3,
};

struct pmip_evt_hello_ack {
	uint64_t generation;     /* dp generation (same as the segment header) */
	int32_t dp_pid;
	uint16_t n_ports;        /* EVT_PORT_INFO messages that follow */
	uint16_t n_workers;      /* worker lcores forwarding */
};

struct pmip_evt_port_info {
	uint16_t port;           /* port index: order of [port.*] in the ini */
	uint16_t dpdk_port_id;   /* ethdev port id inside dp, for logs */
	uint8_t kind;            /* enum pmip_port_kind (common/config.h) */
	uint8_t link_up;         /* 1 if the link was up when dp started */
	uint8_t mac[6];          /* the port's Ethernet address */
	uint16_t mtu;            /* IPv6 MTU of the link */
	uint16_t reserved;
	char name[32];           /* the NAME of [port.NAME], NUL-terminated */
};

struct pmip_evt_ctl_reject {
	uint16_t ctl_type;       /* type of the rejected message */
	uint16_t reason;         /* enum pmip_ctl_reject_reason */
};

struct pmip_evt_msg {
	uint16_t type;           /* enum pmip_evt_type */
	uint16_t reserved;       /* zero */
	uint32_t seq;            /* the ctl seq this answers; 0 if unsolicited */
	uint64_t generation;     /* dp generation that produced it */
	union {
		struct pmip_evt_hello_ack hello_ack;
		struct pmip_evt_port_info port_info;
		struct pmip_evt_ctl_reject reject;
		uint8_t raw[PMIP_EVT_MSG_SIZE - 16];
	} u;
};
_Static_assert(sizeof(struct pmip_evt_msg) == PMIP_EVT_MSG_SIZE, "evt element size");

/* ---------------------------------------------------------- punt / tx ---- */

/* Why dp handed a packet to cp (pmip_pkt_msg.reason on the punt ring). */
enum pmip_punt_reason {
	PMIP_PUNT_NONE = 0,
	PMIP_PUNT_ECHO_REQUEST = 1, /* ICMPv6 echo request to one of our addresses */
	PMIP_PUNT_REASON_MAX,
};

#define PMIP_PKT_HDR_SIZE 16
#define PMIP_PKT_DATA_MAX (PMIP_PKT_MSG_SIZE - PMIP_PKT_HDR_SIZE)

struct pmip_pkt_msg {
	uint16_t port;           /* punt: port index it arrived on;
				  * tx: port index to send it from */
	uint16_t len;            /* bytes of data[] in use: a whole Ethernet
				  * frame, without FCS */
	uint16_t reason;         /* punt: enum pmip_punt_reason; tx: zero */
	uint16_t reserved0;      /* zero */
	uint64_t reserved1;      /* zero */
	uint8_t data[PMIP_PKT_DATA_MAX];
};
_Static_assert(sizeof(struct pmip_pkt_msg) == PMIP_PKT_MSG_SIZE, "packet element size");

const char *pmip_ctl_type_name(unsigned type);
const char *pmip_evt_type_name(unsigned type);
const char *pmip_punt_reason_name(unsigned reason);

#endif
