/* Byte vectors (real frames, see pkt_vectors.c for how they were captured)
 * and helpers for the tests of common/net/pkt.c: test_pkt.c (Ethernet,
 * IPv6, checksum, echo), test_pkt_nd.c (NS, NA, RS), test_pkt_ra.c (RA)
 * and test_pkt_err.c (ICMPv6 errors, truncations and bit flips). */
#ifndef PMIP_TESTS_PKT_VECTORS_H
#define PMIP_TESTS_PKT_VECTORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/pkt.h"

#define ETH 14
#define IP6 40
#define L4 (ETH + IP6)   /* offset of the ICMPv6 header in a frame */

/* Which parser accepts the vector. */
enum vec_kind { K_ECHO_REQ, K_ECHO_REP, K_NS, K_RS, K_NA, K_RA, K_ERR };

struct vec {
	const char *name;
	const uint8_t *b;
	size_t len;
	enum vec_kind kind;
};

/* A frame to mutate, with room to grow. */
struct frame {
	uint8_t b[1536];
	size_t len;
};

extern const size_t n_vectors;
#define NVEC n_vectors

extern const uint8_t vec_dad_ns_ll[86];
extern const uint8_t vec_rs[70];
extern const uint8_t vec_ns[86];
extern const uint8_t vec_na[86];
extern const uint8_t vec_echo_req[82];
extern const uint8_t vec_echo_rep[82];
extern const uint8_t vec_dad_ns[86];
extern const uint8_t vec_ra[150];
extern const uint8_t vec_ra_mcast[150];
extern const uint8_t vec_ns_nud[86];
extern const uint8_t vec_na_router[78];
extern const uint8_t vec_err_time[126];
extern const uint8_t vec_err_ptb[1294];
extern const uint8_t vec_err_noroute[126];
extern const uint8_t vec_err_port[118];
extern const uint8_t vec_err_param[110];
extern const struct vec vectors[];
struct frame frame_of(const uint8_t *v, size_t len);
struct in6_addr addr(const char *s);
void ip_of(const struct frame *f, struct pmip_ipv6_view *ip);
void set_icmp_len(struct frame *f, size_t icmp_len);
void fix_csum(struct frame *f);
uint8_t *icmp_copy(const struct frame *f, struct pmip_ipv6_view *ip);
enum pmip_pkt_err ns_of(const struct frame *f, struct pmip_nd_ns *ns);
enum pmip_pkt_err rs_of(const struct frame *f, struct pmip_nd_rs *rs);
enum pmip_pkt_err na_of(const struct frame *f, struct pmip_nd_na *na);
enum pmip_pkt_err ra_of(const struct frame *f, struct pmip_nd_ra *ra);
enum pmip_pkt_err err_of(const struct frame *f, struct pmip_icmp6_error *e);
enum pmip_pkt_err echo_of(const struct frame *f, struct pmip_icmp6_echo *e);
uint16_t ref_checksum(const struct in6_addr *src, const struct in6_addr *dst, uint8_t nh,
		      const uint8_t *d, size_t len);
extern const uint8_t mac_a[6];
extern const uint8_t mac_b[6];
struct pmip_nd_ra_params radvd_params(void);
void assert_params_eq(const struct pmip_nd_ra_params *a, const struct pmip_nd_ra_params *b);
void assert_equal_but_flow_label(const uint8_t *ours, const uint8_t *theirs, size_t n);

#endif
