/* Helpers for the forwarding tests on mbufs: test_fwd.c (MAG), test_fwd_lma.c
 * (LMA) and test_fwd_tables.c (ctl rules, malformed input). */
#ifndef PMIP_TESTS_FWD_UTIL_H
#define PMIP_TESTS_FWD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp_harness.h"
#include "net/pkt.h"

/* MAG: port 0 access, port 1 core (to the LMA 2001:db8:c::2); LMA: port 0
 * core (two MAGs), port 1 network. */
#define MAG_CORE "2001:db8:c::1"
#define LMA_CORE "2001:db8:c::2"
#define MAG_ACCESS "2001:db8:a1::1"
#define HNP "2001:db8:1000::"
#define MN "2001:db8:1000::100"
#define CN "2001:db8:e::100"
#define MAG1 "2001:db8:c::1"
#define MAG2 "2001:db8:c::3"
#define LMA_NET "2001:db8:e::1"
#define HNP1 "2001:db8:1000::"
#define HNP2 "2001:db8:2000::"
#define MN1 "2001:db8:1000::100"
#define MN2 "2001:db8:2000::200"

extern const uint8_t MAC_MN_A[6];
extern const uint8_t MAC_MN_B[6];
extern const uint8_t MAC_OTHER[6];
extern const uint8_t MAC_RTR[6];
struct pmip_ipv6_view ipv(struct rte_mbuf *m);
void assert_addr(const struct in6_addr *a, const char *want);
void assert_dst(struct rte_mbuf *m, const char *want);
size_t take(struct rte_mbuf *m, uint8_t *out, size_t cap);
void pad(struct rte_mbuf *m, uint16_t n, uint8_t v);
unsigned evt_drain(void);
unsigned punt_drain(void);
struct pmip_icmp6_error icmp_err(struct rte_mbuf *o, const uint8_t dst_mac[6],
					const uint8_t src_mac[6], const char *src,
					const char *dst);
int ctl_route_del(const char *prefix, uint8_t len);
int ctl_del(uint16_t type, uint32_t id);
void mag_setup(void);
struct rte_mbuf *mag_down(const char *outer_src, const char *src, const char *dst,
				 uint16_t payload, uint8_t hop);
struct rte_mbuf *mag_up(const uint8_t mac[6], const char *src, const char *dst,
			       uint16_t payload, uint8_t hop);
void lma_setup(void);
struct rte_mbuf *lma_native(const char *src, const char *dst, uint16_t payload,
				   uint8_t hop);
struct rte_mbuf *lma_tun(const uint8_t mac[6], const char *mag, const char *src,
				const char *dst, uint16_t payload, uint8_t hop);
void assert_encap(struct rte_mbuf *o, const uint8_t mac[6], const char *mag,
			 const uint8_t *inner, size_t n);

#endif
