/* Shared setup and helpers of the ESP data-plane tests (test_esp_dp_*.c),
 * on top of dp_harness.
 *
 * Two gateways share one dp: port 0 owns the MAG's address, port 1 the
 * LMA's. An outbound SA and an inbound SA with the same SPI and algorithm
 * share their keys (h_sa_spec), so what dp_esp_output() makes under the
 * MAG's outbound SA, port 1 accepts under the LMA's inbound one: inbound
 * SAs are found by SPI and outer addresses, and outbound SAs are not in the
 * SPI table. Packets dp never sends (wrong padding, dummies, bad inner
 * packets, other keys' high sequence bits) are sealed here with the crypto
 * engine itself (dp/esp_crypto.h). */
#ifndef PMIP_TEST_ESP_DP_UTIL_H
#define PMIP_TEST_ESP_DP_UTIL_H

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "dp_harness.h"
#include "esp_crypto.h"
#include "msg.h"
#include "net/esp.h"
#include "net/pkt.h"
#include "sa.h"

#define MAG "2001:db8:c::1"
#define LMA "2001:db8:c::2"
#define STRANGER "2001:db8:c::9"   /* on the core link, bound to no SA */
#define NAT_PUBLIC "2001:db8:f::1" /* the MAG as an LMA behind a NAT sees it */
#define P_MAG 0
#define P_LMA 1

#define GCM128 PMIP_ESP_AES_GCM_128
#define GCM256 PMIP_ESP_AES_GCM_256
#define CBC128 PMIP_ESP_AES_CBC_128_HMAC_SHA256
#define CBC256 PMIP_ESP_AES_CBC_256_HMAC_SHA256
extern const uint8_t ALGS[4]; /* the four above */

/* The standard pairs: MAG -> LMA and LMA -> MAG in transport mode, and
 * MAG -> LMA in UDP tunnel mode. */
enum {
	SA_MAG_OUT = 1, SA_LMA_IN = 2, SA_LMA_OUT = 3, SA_MAG_IN = 4, SA_TUN_OUT = 5,
	SA_TUN_IN = 6,
};
#define SPI_M2L 0x1000
#define SPI_L2M 0x2000
#define SPI_TUN 0x5000

extern struct pmip_pkt_msg punted; /* where punt_one() puts the punt; 2 KB, not on the stack */
extern struct pmip_pkt_msg txmsg;  /* what protect() hands to dp_esp_output() */

/* The suites' .init: the MAG on port 0, the LMA on port 1, one lcore. */
void gw_setup(void);

struct rte_mbuf *copy(struct rte_mbuf *m);
/* Packets on the punt ring. */
unsigned punt_count(void);
/* The one punted packet: it must be there, and be the only one. */
const struct pmip_pkt_msg *punt_one(void);
void assert_punt(const struct pmip_pkt_msg *p, uint16_t port, uint16_t reason, uint32_t sa_id,
		 const uint8_t *frame, size_t len);
/* SA id, which must be installed. */
struct dp_sa *sa_rw(uint32_t id);
/* Worker worker's counters of SA id. */
struct dp_sa_ctr ctr(unsigned worker, uint32_t id);
/* n bytes big-endian. */
uint64_t be(const uint8_t *p, unsigned n);
size_t round_up(size_t n, size_t block);

/* An outbound SA on one side and the matching inbound SA on the other.
 * from/to: the outer addresses of the direction (MAG -> LMA or back). */
void pair_ex(uint8_t alg, uint8_t mode, uint32_t spi, uint32_t out_id, uint32_t in_id,
	     const char *from, const char *to, uint8_t flags, struct pmip_ctl_sa *out,
	     struct pmip_ctl_sa *in);
/* A transport pair MAG -> LMA; returns the inbound SA's spec. */
struct pmip_ctl_sa pair(uint8_t alg, uint32_t spi, uint32_t out_id, uint32_t in_id);
uint16_t port_of(const char *addr);
/* The gateways send from their ports' MACs, anyone else from H_MAC_PEER. */
const uint8_t *mac_of(const char *addr);

/* The frame builders write into an array and are told its size: the
 * macros after them pass sizeof(out), so out must be an array. */

/* Echo request frame from src to dst, between the gateways' ports. */
size_t echo_req_(uint8_t *out, size_t cap, const char *src, const char *dst, uint16_t seq,
		 size_t data_len);
#define echo_req(out, ...) echo_req_(out, sizeof(out), __VA_ARGS__)
/* Echo reply frame from src to dst (the answer to dst's request). */
size_t echo_rep_(uint8_t *out, size_t cap, const char *src, const char *dst, uint16_t seq,
		 size_t data_len);
#define echo_rep(out, ...) echo_rep_(out, sizeof(out), __VA_ARGS__)
/* A frame src -> dst with IPv6 next header nh and len payload bytes
 * 0xa0, 0xa1, ... (for what only the output side looks at). */
size_t raw_frame_(uint8_t *out, size_t cap, const char *src, const char *dst, uint8_t nh,
		  size_t len);
#define raw_frame(out, ...) raw_frame_(out, sizeof(out), __VA_ARGS__)
/* A Mobility Header frame (RFC 6275 6.1.7: a 16-byte PBU, contents are
 * cp's to judge). */
size_t mh_frame_(uint8_t *out, size_t cap, const char *src, const char *dst);
#define mh_frame(out, ...) mh_frame_(out, sizeof(out), __VA_ARGS__)

/* cp's frame, protected under sa_id from port (NULL: dropped). */
struct rte_mbuf *protect(uint32_t sa_id, uint16_t port, const uint8_t *frame, size_t len);
/* Protect and copy the bytes out. */
size_t protect_bytes_(uint32_t sa_id, uint16_t port, const uint8_t *frame, size_t len,
		      uint8_t *out, size_t cap);
#define protect_bytes(id, port, frame, len, out) \
	protect_bytes_(id, port, frame, len, out, sizeof(out))

/* The ciphertext region (payload, padding 1, 2, ..., pad length, next
 * header) of payload for a cipher of block bytes. */
size_t plain_build(uint8_t *out, const uint8_t *payload, size_t len, uint8_t nh, size_t block);
/* An ESP packet under spec's keys, SPI, algorithm and ESN flag with
 * sequence number seq, whose ciphertext region (plain, plain_len bytes, as
 * the caller built it) is encrypted here: header, IV, ciphertext, ICV into
 * out. Returns the ESP length. */
size_t seal(const struct pmip_ctl_sa *spec, uint64_t seq, const uint8_t *plain,
	    size_t plain_len, uint8_t *out);
/* Verify and decrypt an ESP packet (esp, len bytes) under spec with the
 * 64-bit sequence number seq: the ciphertext region into plain, its
 * length returned. */
size_t unseal(const struct pmip_ctl_sa *spec, uint64_t seq, const uint8_t *esp, size_t len,
	      uint8_t *plain);

/* Ethernet + IPv6 (next header nh) + payload, to port to's MAC. */
struct rte_mbuf *ip_frame(const char *src, const char *dst, uint8_t nh, const uint8_t *pl,
			  size_t len);
/* UDP sport -> dport carrying payload; ulen >= 0 overrides the length field. */
struct rte_mbuf *udp_frame(const char *src, const char *dst, uint16_t sport, uint16_t dport,
			   const uint8_t *payload, size_t len, int ulen);
/* ESP over IP protocol 50 or in UDP 4500. */
struct rte_mbuf *esp_frame(const char *src, const char *dst, bool udp, const uint8_t *esp,
			   size_t len);

/* Exactly one SA_EXPIRE event on the evt ring, with these fields. */
void assert_one_expire(uint32_t sa_id, bool hard, uint8_t reason, uint64_t bytes_,
		       uint64_t packets);
void assert_no_event(void);

#endif
