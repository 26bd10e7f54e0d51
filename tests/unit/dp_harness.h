/* Test harness for the data plane without NICs: an EAL with --no-huge and
 * net_null ports, the global dp state of one MAG or LMA, one worker, a real
 * shared-memory segment (punt and evt rings), and packet builders. Tests
 * call dp_rx_burst() directly and read what the worker queued in its tx
 * buffers (txbuf[port]) before any flush.
 *
 * ESP: dp.sas holds H_MAX_SAS SAs with crypto contexts for both worker
 * structs, and dp.handoff[0..1] exist; dp.n_workers stays 1 (no handoff)
 * unless a test sets it to 2. */
#ifndef PMIP_TEST_DP_HARNESS_H
#define PMIP_TEST_DP_HARNESS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "dp.h"

#define H_MAX_PORTS 4
#define H_MAX_SAS 64           /* dp.sas: ids 1 .. H_MAX_SAS - 1 */
#define H_HANDOFF_RING 256     /* entries of each dp.handoff ring */

struct h_port_spec {
	enum pmip_port_kind kind;
	const char *addr;       /* global address, NULL for none */
	uint16_t mtu;
};

/* EAL with lcores (e.g. "0" or "0,1") and one net_null port per spec. */
void h_init(enum pmip_role role, const struct h_port_spec *ports, unsigned n_ports,
	    const char *lcores, uint32_t max_bindings);
void h_fini(void);

struct dp_worker *h_worker(void);

/* Apply one ctl message as the main lcore does (with its grace period). */
int h_apply(struct pmip_ctl_msg *m);
int h_neigh(uint32_t id, uint16_t port, const char *ip, const uint8_t mac[6], bool valid);
int h_tunnel(uint32_t id, uint16_t port, const char *local, const char *remote, uint32_t neigh,
	     uint16_t mtu);
int h_route(const char *prefix, uint8_t len, uint8_t kind, uint16_t port, uint32_t neigh,
	    const char *gw);
/* hnp is a /64 prefix; hoa != NULL: shared-prefix binding. h_binding_msg
 * builds the message, h_binding applies it. */
struct pmip_ctl_msg h_binding_msg(uint32_t id, uint32_t tunnel, const char *hnp, const char *hoa,
				  uint16_t port, const uint8_t mac[6]);
int h_binding(uint32_t id, uint32_t tunnel, const char *hnp, const char *hoa, uint16_t port,
	      const uint8_t mac[6]);
int h_binding_del(uint32_t id);

struct in6_addr h_ip(const char *s);

/* ESP SAs. h_sa_spec() fills an SA_ADD body: replay window 128, ports
 * 4500/4500, traffic selectors the two outer addresses /128, no lifetimes,
 * and keys derived from the SPI and the algorithm, so that an outbound SA
 * and an inbound SA with the same SPI and algorithm share their keys (one
 * gateway's outbound SA is the other's inbound one). */
struct pmip_ctl_sa h_sa_spec(uint32_t id, uint8_t dir, uint8_t mode, uint8_t alg, uint32_t spi,
			     const char *local, const char *remote);
/* SA_ADD / SA_DEL applied as the main lcore does (with the grace period). */
int h_sa(const struct pmip_ctl_sa *sa);
int h_sa_del(uint32_t id);

/* An Ethernet + IPv6 + UDP frame with payload_len bytes of payload. */
struct rte_mbuf *h_udp(const uint8_t src_mac[6], const uint8_t dst_mac[6], const char *src,
		       const char *dst, uint16_t payload_len, uint8_t hop_limit);
/* Wrap an IPv6 packet (the frame in inner, Ethernet stripped) into an
 * IPv6-in-IPv6 frame from outer_src to outer_dst. Frees inner. */
struct rte_mbuf *h_tunnelled(const uint8_t src_mac[6], const uint8_t dst_mac[6],
			     const char *outer_src, const char *outer_dst, struct rte_mbuf *inner);

/* Run one burst through the worker's fast path. */
void h_rx(uint16_t port, struct rte_mbuf **pkts, unsigned n);
/* An mbuf holding a copy of len bytes of b (a frame from raw bytes). */
struct rte_mbuf *h_frame(const uint8_t *b, size_t len);
/* The frame's first byte. */
const uint8_t *h_bytes(struct rte_mbuf *m);
/* One frame received on port. */
void h_rx1(uint16_t port, struct rte_mbuf *m);
/* Packets queued for a port (not flushed), and clearing them. */
unsigned h_tx_count(uint16_t port);
struct rte_mbuf *h_tx(uint16_t port, unsigned i);
void h_tx_clear(void);
uint64_t h_drops(enum dp_drop_reason r);
/* Sums over reasons or ports of the worker's counters. */
uint64_t h_drops_total(void);
unsigned h_tx_total(void);
uint64_t h_punted_total(void);
/* Take one event from the evt ring; false if empty. */
bool h_evt(struct pmip_evt_msg *out);
/* Take one punted packet; false if empty. */
bool h_punt(struct pmip_pkt_msg *out);

extern const uint8_t H_MAC_MN[6], H_MAC_PEER[6], H_MAC_PEER2[6], H_MAC_CN[6];

#endif
