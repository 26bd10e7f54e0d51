/* Helpers of the Mobility Header tests (test_mh.c, test_mh_rules.c). */
#ifndef PMIP_TESTS_MH_UTIL_H
#define PMIP_TESTS_MH_UTIL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/mh.h"

extern const struct in6_addr MH_MAG;   /* 2001:db8:ffff::1 */
extern const struct in6_addr MH_LMA;   /* 2001:db8:ffff::2 */

/* Written out by hand from the RFC layouts (mh_util.c, field by field). */
extern const char MH_PBU_HEX[];     /* PBU MAG -> LMA, 112 octets, every option */
extern const char MH_PBA_HEX[];     /* PBA LMA -> MAG, its answer */
extern const char MH_PEER_HEX[];    /* PBU packed without alignment, GRE Key, Pad1 */
extern const char MH_HB_REQ_HEX[];  /* Heartbeat Request MAG -> LMA, 16 octets (RFC 5847) */
extern const char MH_HB_RESP_HEX[]; /* its Response LMA -> MAG with a Restart Counter */

/* Hex digits (no separators) to bytes; returns the count. */
size_t mh_hx(const char *s, uint8_t *out);
/* pmip_mh_parse on an exact-size heap copy (ASan sees any overread);
 * asserts that e (if any) holds the rule returned. */
enum pmip_mh_rule mh_parse(const uint8_t *b, size_t n, const struct in6_addr *s,
			   const struct in6_addr *d, struct pmip_mh *m, struct pmip_mh_err *e);

void mh_set_nai(struct pmip_mh_opts *o, const char *nai);
void mh_add_hnp(struct pmip_mh_opts *o, const char *prefix, uint8_t len);
void mh_set_llid(struct pmip_mh_opts *o, const char *hex);
/* The options of MH_PBU_HEX (pba false) or MH_PBA_HEX (pba true). */
void mh_vector_opts(struct pmip_mh_opts *o, bool pba);
/* Options of built vectors: NAI, two prefixes, HI, ATT, Timestamp. */
void mh_built_opts(struct pmip_mh_opts *o);
/* Asserts the decoded options equal (parser-only fields not compared). */
void mh_opts_eq(const struct pmip_mh_opts *a, const struct pmip_mh_opts *b);
/* Rebuild m (parsed OK) with the builder of its type, parse it again and
 * assert the same message, aligned, P set (PBU, PBA). */
void mh_rebuild_same(const struct pmip_mh *m, const struct in6_addr *s, const struct in6_addr *d);

#endif
