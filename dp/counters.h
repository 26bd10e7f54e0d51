/* Data-plane counters.
 *
 * Every packet dp drops increments exactly one reason below (STYLE.md 5,
 * VPP's error lists). The X-macro yields the enum, the counter names shown by
 * telemetry (/pmip/drops) and a one-line explanation for operators.
 *
 * Counters are per lcore, written only by their lcore with relaxed atomic
 * stores (plain adds on x86) and summed by the telemetry thread with relaxed
 * loads: no locks, no shared cache lines on the packet path.
 */
#ifndef PMIP_DP_COUNTERS_H
#define PMIP_DP_COUNTERS_H

#include <stdint.h>

#include <rte_common.h>

#include "config.h"

#define DP_DROP_REASONS(X)                                                                     \
	X(ETH_SHORT, "eth_short", "frame shorter than an Ethernet header")                      \
	X(ETHERTYPE, "ethertype_unsupported", "not an IPv6 frame (IPv4, ARP, VLAN-tagged...)") \
	X(MULTI_SEGMENT, "multi_segment", "frame spread over chained mbufs")                   \
	X(IPV6_MALFORMED, "ipv6_malformed", "bad IPv6 version or payload length")              \
	X(ICMP6_MALFORMED, "icmp6_malformed", "ICMPv6 to us: short, bad checksum or code")     \
	X(ND_INVALID, "nd_invalid", "Neighbor Solicitation failing RFC 4861 7.1.1")            \
	X(NS_TARGET_NOT_OURS, "ns_target_not_ours", "Neighbor Solicitation for another address") \
	X(LOCAL_UNHANDLED, "local_unhandled", "addressed to us, but nothing handles that protocol") \
	X(MCAST_IGNORED, "mcast_ignored", "multicast group dp does not listen to")             \
	X(NO_ROUTE, "no_route", "no route to the destination (or link-local, never forwarded)") \
	X(BLACKHOLE, "blackhole", "matched a blackhole route")                                 \
	X(NO_BINDING, "no_binding", "MAG: from an MN, or to one, with no binding")              \
	X(NO_TUNNEL, "no_tunnel", "the binding's tunnel is not (yet) installed")               \
	X(NEIGH_UNRESOLVED, "neigh_unresolved", "next hop's link-layer address unknown (resolution asked)") \
	X(HOP_LIMIT, "hop_limit_exceeded", "hop limit would reach 0 (Time Exceeded sent)")     \
	X(TOO_BIG, "too_big", "larger than the link or tunnel MTU (Packet Too Big sent)")      \
	X(TUNNEL_MALFORMED, "tunnel_malformed", "IPv6-in-IPv6 packet whose inner header is bad") \
	X(SPOOFED_SOURCE, "spoofed_source", "LMA: inner source not a binding served by that MAG") \
	X(TUNNEL_MISMATCH, "tunnel_mismatch", "MAG: tunnelled packet not from the MN's LMA")  \
	X(NO_HEADROOM, "no_headroom", "no room in the mbuf for the tunnel header")             \
	X(ESP_UNKNOWN_SPI, "esp_unknown_spi", "ESP with an SPI (or outer addresses) of no inbound SA") \
	X(ESP_MALFORMED, "esp_malformed", "ESP too short, reserved SPI or misaligned ciphertext")  \
	X(ESP_REPLAY, "esp_replay", "ESP sequence number replayed or left of the window")      \
	X(ESP_ICV, "esp_icv_failed", "ESP integrity check failed")                               \
	X(ESP_PADDING, "esp_bad_padding", "ESP pad length or padding bytes wrong")               \
	X(ESP_DUMMY, "esp_dummy", "ESP dummy packet (next header 59)")                          \
	X(ESP_NEXT_HEADER, "esp_bad_next_header", "what ESP carried is not allowed under its SA") \
	X(ESP_SELECTOR, "esp_selector_mismatch", "tunnel-mode inner packet outside the SA's selectors") \
	X(ESP_INNER_NOT_LOCAL, "esp_inner_not_local", "tunnel-mode inner packet not to this gateway (RFC 4301 5.2)") \
	X(ESP_SA_EXPIRED, "esp_sa_expired", "SA removed, hard-expired or out of sequence numbers") \
	X(ESP_HANDOFF_FULL, "esp_handoff_full", "ESP for another worker's SA: its ring is full") \
	X(ESP_CRYPTO, "esp_crypto_error", "the crypto library failed")                         \
	X(ESP_OUT_NO_SA, "esp_out_no_sa", "packet from cp for an outbound SA that does not exist") \
	X(ESP_OUT_TOO_BIG, "esp_out_too_big", "packet from cp too large once protected")       \
	X(MH_PLAINTEXT, "mh_plaintext", "Mobility Header without ESP (RFC 5213 4)")             \
	X(MH_WRONG_SA, "mh_wrong_sa", "Mobility Header under an SA not bound to its sender")    \
	X(NAT_KEEPALIVE, "nat_keepalive", "NAT keepalive (RFC 3948 2.3): nothing to do")        \
	X(UDP_MALFORMED, "udp_malformed", "UDP to us with a bad length, or bad UDP-encapsulated data") \
	X(PUNT_RING_FULL, "punt_ring_full", "control packet for cp, but the punt ring is full") \
	X(PUNT_TOO_BIG, "punt_too_big", "control packet larger than a punt ring element")      \
	X(TX_QUEUE_FULL, "tx_queue_full", "the port's tx queue did not take the packet")       \
	X(TX_NO_MBUF, "tx_no_mbuf", "packet from cp, but the mbuf pool is empty")              \
	X(TX_BAD_MESSAGE, "tx_bad_message", "packet from cp with a bad port or length")

enum dp_drop_reason {
#define DP_DROP_ENUM(code, name, help) DP_DROP_##code,
	DP_DROP_REASONS(DP_DROP_ENUM)
#undef DP_DROP_ENUM
	DP_DROP_COUNT
};

extern const char *const dp_drop_names[DP_DROP_COUNT];
extern const char *const dp_drop_help[DP_DROP_COUNT];

struct dp_port_stats {
	uint64_t rx_pkts;
	uint64_t rx_bytes;
	uint64_t tx_pkts;
	uint64_t tx_bytes;
	uint64_t punted;     /* handed to cp on the punt ring */
	uint64_t from_cp;    /* taken from the tx ring for this port */
	uint64_t nd_replies; /* Neighbor Advertisements dp sent itself */
	uint64_t drops;      /* all reasons, for this port */
};

/* One per lcore (workers and main), cache aligned. */
struct dp_lcore_stats {
	struct dp_port_stats port[PMIP_CFG_MAX_PORTS];
	uint64_t drop[DP_DROP_COUNT];
	uint64_t loops;           /* loop iterations */
	uint64_t sleeps;          /* idle sleeps taken */
	uint64_t icmp_sent;       /* ICMPv6 errors generated */
	uint64_t icmp_suppressed; /* ICMPv6 errors not sent: rate limit or RFC 4443 2.4(e) */
	uint64_t neigh_misses;    /* resolution requests sent to cp */
	uint64_t evt_full;        /* events lost: evt ring full */
	uint64_t esp_handoffs;    /* ESP handed to the SA's owner worker */
} __rte_cache_aligned;

/* Single-writer increment: an atomic store so concurrent readers see whole
 * values, without a locked read-modify-write. */
#define DP_STAT_ADD(field, n) __atomic_store_n(&(field), (field) + (n), __ATOMIC_RELAXED)
#define DP_STAT_READ(field) __atomic_load_n(&(field), __ATOMIC_RELAXED)

#endif
