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

#include <netinet/in.h>
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
	/* Forwarding state. Every message below is answered by one EVT_ACK
	 * (status 0 or an enum pmip_ctl_reject_reason), sent only after a
	 * grace period: once cp holds the ack, no worker is still using what
	 * the message replaced (e.g. no packet goes to a binding's old MAG). */
	PMIP_CTL_NEIGH_SET = 10,   /* u.neigh: add or update a neighbour */
	PMIP_CTL_NEIGH_DEL = 11,   /* u.neigh: only id used */
	PMIP_CTL_TUNNEL_SET = 12,  /* u.tunnel: add or replace a tunnel */
	PMIP_CTL_TUNNEL_DEL = 13,  /* u.tunnel: only id used */
	PMIP_CTL_ROUTE_ADD = 14,   /* u.route */
	PMIP_CTL_ROUTE_DEL = 15,   /* u.route: prefix and len used */
	PMIP_CTL_BINDING_SET = 16, /* u.binding: add, or move to another tunnel */
	PMIP_CTL_BINDING_DEL = 17, /* u.binding: only id used */
	PMIP_CTL_SA_ADD = 20,      /* u.sa: install an ESP SA (RFC 4303) */
	PMIP_CTL_SA_DEL = 21,      /* u.sa: only id used */
	PMIP_CTL_TYPE_MAX,
};

/* A neighbour: the link-layer address of an on-link IPv6 node, resolved by
 * cp with NS/NA (RFC 4861 7.2). ids are chosen by cp, < [dp] max_neighbours. */
struct pmip_ctl_neigh {
	uint32_t id;
	uint16_t port;           /* port index the neighbour is on */
	uint8_t mac[6];
	struct in6_addr ip;
	uint8_t valid;           /* 0: known but unresolved (dp drops and asks again) */
	uint8_t reserved[7];
};

/* An IPv6-in-IPv6 tunnel (RFC 2473) to a peer gateway: to the LMA on a MAG,
 * to a MAG on an LMA. ids are chosen by cp, < [dp] max_tunnels. */
struct pmip_ctl_tunnel {
	uint32_t id;
	uint16_t port;           /* port index the tunnel leaves from */
	uint16_t mtu;            /* path MTU of the tunnel link (outer packets) */
	struct in6_addr local;   /* our address: outer source */
	struct in6_addr remote;  /* the peer gateway: outer destination */
	uint32_t neigh_id;       /* next hop towards remote */
	uint8_t hop_limit;       /* outer hop limit (RFC 2473 6.3: default 64) */
	uint8_t reserved[3];
};

enum pmip_route_kind {
	PMIP_ROUTE_CONNECTED = 1, /* on-link: the destination itself is the next hop */
	PMIP_ROUTE_GATEWAY = 2,   /* via neigh_id */
	PMIP_ROUTE_BLACKHOLE = 3, /* drop (counted) */
};

struct pmip_ctl_route {
	struct in6_addr prefix;
	uint8_t len;             /* 0..128 */
	uint8_t kind;            /* enum pmip_route_kind */
	uint16_t port;           /* CONNECTED and GATEWAY */
	uint32_t neigh_id;       /* GATEWAY: the gateway's neighbour entry */
	struct in6_addr gateway; /* GATEWAY: its address (for resolution requests) */
};

/* A mobile node's binding: on an LMA its binding cache entry, on a MAG its
 * binding update list entry. Traffic matches it by home network prefix
 * (a /64), or, in the shared-prefix model (flag SHARED_PREFIX), by the
 * home address. Setting an existing id with another tunnel is a handover:
 * one atomic update per key. ids are chosen by cp, < [dp] max_bindings. */
#define PMIP_BINDING_F_SHARED_PREFIX 0x01 /* match by hoa; hnp is shared */

struct pmip_ctl_binding {
	uint32_t id;
	uint32_t tunnel_id;      /* LMA: the serving MAG; MAG: the MN's LMA */
	struct in6_addr hnp;     /* home network prefix, /64 */
	struct in6_addr hoa;     /* home address (required with SHARED_PREFIX) */
	uint8_t hnp_len;         /* must be 64 */
	uint8_t flags;           /* PMIP_BINDING_F_* */
	uint16_t access_port;    /* MAG: port index the MN is attached to */
	uint8_t mn_mac[6];       /* MAG: the MN's link-layer address */
	uint8_t reserved[2];
};

struct pmip_ctl_hello {
	int32_t cp_pid;          /* pid of the pmip-cp that sent it, for logs */
	uint32_t reserved;       /* zero */
	uint64_t cp_start_ns;    /* cp's CLOCK_REALTIME start time, for logs */
};

/* An ESP security association (RFC 4301 4.4.2 SAD entry), negotiated by
 * cp (IKEv2) or configured by hand. ids are chosen by cp, 1 .. [dp]
 * max_sas - 1 (0 means "no SA" in packet messages). Rekeying is
 * make-before-break: cp adds the new inbound SA (new SPI) before deleting
 * the old one, so both are accepted meanwhile; a new outbound SA with
 * PMIP_SA_F_CURRENT becomes the one used for its peer. */
enum pmip_sa_dir { PMIP_SA_IN = 1, PMIP_SA_OUT = 2 };
enum pmip_sa_mode {
	PMIP_SA_TRANSPORT = 1,  /* IP protocol 50 between the two gateways */
	PMIP_SA_TUNNEL_UDP = 2, /* tunnel mode in UDP port 4500 (RFC 3948) */
};
enum pmip_esp_alg {
	PMIP_ESP_AES_GCM_128 = 1, /* RFC 4106, 16-byte ICV */
	PMIP_ESP_AES_GCM_256 = 2,
	PMIP_ESP_AES_CBC_128_HMAC_SHA256 = 3, /* RFC 3602 + RFC 4868 */
	PMIP_ESP_AES_CBC_256_HMAC_SHA256 = 4,
};
#define PMIP_SA_F_ESN 0x01     /* extended sequence numbers (RFC 4303 2.2.1) */
#define PMIP_SA_F_CURRENT 0x02 /* outbound: from now on the SA for its peer */

struct pmip_ctl_sa {
	uint32_t id;
	uint32_t spi;              /* host order; inbound: ours, outbound: the peer's */
	uint8_t dir;               /* enum pmip_sa_dir */
	uint8_t mode;              /* enum pmip_sa_mode */
	uint8_t alg;               /* enum pmip_esp_alg */
	uint8_t flags;             /* PMIP_SA_F_* */
	uint16_t replay_window;    /* inbound: bits, 64..1024, power of two */
	uint16_t port;             /* port index towards the peer */
	uint16_t udp_sport;        /* TUNNEL_UDP: our port (4500) */
	uint16_t udp_dport;        /* TUNNEL_UDP: the peer's (after NAT) */
	uint8_t enc_key_len;       /* GCM: 16 or 32 + 4 salt; CBC: 16 or 32 */
	uint8_t auth_key_len;      /* CBC: 32; GCM: 0 */
	uint8_t enc_key[36];
	uint8_t auth_key[32];
	struct in6_addr local;     /* outer source of outbound / destination of inbound */
	struct in6_addr remote;    /* the peer's outer address */
	/* Tunnel mode: inner packets must come from ts_remote/len and go to
	 * ts_local/len (RFC 4301 5.2, traffic selectors). */
	struct in6_addr ts_remote;
	struct in6_addr ts_local;
	uint8_t ts_remote_len;
	uint8_t ts_local_len;
	uint8_t reserved[2];
	uint32_t soft_seconds, hard_seconds;       /* 0: no limit */
	uint64_t soft_bytes, hard_bytes;
	uint64_t soft_packets, hard_packets;
};

struct pmip_ctl_msg {
	uint16_t type;           /* enum pmip_ctl_type */
	uint16_t reserved;       /* zero */
	uint32_t seq;            /* chosen by cp, echoed in EVT_ACK/HELLO_ACK */
	uint64_t generation;     /* dp generation cp addressed; dp ignores (and
				  * counts) messages for another generation */
	union {
		struct pmip_ctl_hello hello;
		struct pmip_ctl_neigh neigh;
		struct pmip_ctl_tunnel tunnel;
		struct pmip_ctl_route route;
		struct pmip_ctl_binding binding;
		struct pmip_ctl_sa sa;
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
	PMIP_EVT_ACK = 4,        /* a forwarding-state message is applied */
	PMIP_EVT_NEIGH_MISS = 5, /* a worker needs a next hop resolved */
	PMIP_EVT_SA_EXPIRE = 6,  /* an SA reached a soft or hard lifetime */
	PMIP_EVT_TYPE_MAX,
};

/* Why dp rejected a ctl message (EVT_CTL_REJECT.reason, EVT_ACK.status). */
enum pmip_ctl_reject_reason {
	PMIP_CTL_OK = 0,
	PMIP_CTL_REJECT_UNKNOWN_TYPE = 1,
	PMIP_CTL_REJECT_STALE_GENERATION = 2,
	PMIP_CTL_REJECT_INVALID = 3,     /* a field out of range */
	PMIP_CTL_REJECT_NO_SUCH_ID = 4,  /* del/reference to an id not set */
	PMIP_CTL_REJECT_TABLE_FULL = 5,
	PMIP_CTL_REJECT_KEY_IN_USE = 6,  /* the key belongs to another binding */
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

struct pmip_evt_ack {
	uint16_t ctl_type;       /* type of the acknowledged message */
	uint16_t status;         /* PMIP_CTL_OK or enum pmip_ctl_reject_reason */
	uint32_t id;             /* the id the message named */
};

enum pmip_sa_expire_reason {
	PMIP_SA_EXPIRE_TIME = 1,
	PMIP_SA_EXPIRE_BYTES = 2,
	PMIP_SA_EXPIRE_PACKETS = 3,
	PMIP_SA_EXPIRE_SEQUENCE = 4, /* outbound: sequence numbers would cycle (RFC 4303 3.3.3) */
};

/* Soft: once per SA, cp should rekey. Hard: dp removed the SA. */
struct pmip_evt_sa_expire {
	uint32_t sa_id;
	uint8_t hard;
	uint8_t reason;          /* enum pmip_sa_expire_reason */
	uint16_t reserved;
	uint64_t bytes;          /* processed so far */
	uint64_t packets;
};

/* Rate-limited per worker: the same address is reported at most every
 * 100 ms by one worker. */
struct pmip_evt_neigh_miss {
	uint16_t port;           /* port index the next hop is on */
	uint16_t reserved;
	uint32_t neigh_id;       /* the id if known (tunnel/gateway next hop), else UINT32_MAX */
	struct in6_addr ip;      /* the address to resolve */
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
		struct pmip_evt_ack ack;
		struct pmip_evt_neigh_miss neigh_miss;
		struct pmip_evt_sa_expire sa_expire;
		uint8_t raw[PMIP_EVT_MSG_SIZE - 16];
	} u;
};
_Static_assert(sizeof(struct pmip_evt_msg) == PMIP_EVT_MSG_SIZE, "evt element size");

/* ---------------------------------------------------------- punt / tx ---- */

/* Why dp handed a packet to cp (pmip_pkt_msg.reason on the punt ring). */
enum pmip_punt_reason {
	PMIP_PUNT_NONE = 0,
	PMIP_PUNT_ECHO_REQUEST = 1, /* ICMPv6 echo request to one of our addresses */
	PMIP_PUNT_NEIGH_ADVERT = 2, /* Neighbor Advertisement to us or all-nodes (valid per RFC 4861 7.1.2) */
	PMIP_PUNT_ROUTER_SOLICIT = 3, /* Router Solicitation on an access port (valid per RFC 4861 6.1.1) */
	PMIP_PUNT_MOBILITY = 4,     /* Mobility Header (RFC 6275 6.1) that arrived under sa_id from its peer */
	PMIP_PUNT_IKE = 5,          /* IKE: UDP 500, or 4500 with the non-ESP marker (RFC 3948 2.2) */
	PMIP_PUNT_ECHO_REPLY = 6,   /* ICMPv6 echo reply to one of our addresses */
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
	uint32_t sa_id;          /* punt: the SA that protected it (0: none);
				  * tx: the SA to protect it with (0: send as is) */
	uint32_t reserved1;      /* zero */
	uint8_t data[PMIP_PKT_DATA_MAX];
};
_Static_assert(sizeof(struct pmip_pkt_msg) == PMIP_PKT_MSG_SIZE, "packet element size");

/* What cp and dp both need to know of an ESP algorithm. */
struct pmip_esp_alg_desc {
	const char *name;        /* as written in pmipctl and logs: "aes-gcm-128" */
	uint8_t enc_key_len;     /* bytes, with the 4-byte salt for GCM (RFC 4106 8.1) */
	uint8_t auth_key_len;    /* 0 for combined-mode ciphers */
	uint8_t iv_len;          /* 8 for GCM (RFC 4106 3.1), 16 for CBC (RFC 3602 3) */
	uint8_t icv_len;         /* 16 */
	uint8_t block;           /* padding alignment: 4 for GCM, 16 for CBC */
	const char *tshark_enc;  /* Wireshark's ESP SA table (esp_sa UAT) names: */
				 /* one AES-CBC entry, key size from the key */
	const char *tshark_auth;
};
const struct pmip_esp_alg_desc *pmip_esp_alg_desc(unsigned alg); /* NULL if unknown */
int pmip_esp_alg_by_name(const char *name);                       /* -1 if unknown */

const char *pmip_ctl_type_name(unsigned type);
const char *pmip_evt_type_name(unsigned type);
const char *pmip_punt_reason_name(unsigned reason);

#endif
