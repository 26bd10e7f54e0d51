/* Mobile node profiles from a table file: the seed's pre-configuration
 * method (draft-wan-netlmm-pmip-bootstrapping 4.2.1, 4.4.1), where a MAG
 * learns each MN's identifier, LMA and home network prefix (and, in the
 * shared-prefix model, its home address) from its own configuration.
 *
 * The PMIPv6 engine never reads this module: it asks its environment
 * (pmip_env.profile_by_mac / profile_by_mn_id / mag_authorised), which
 * pmip-cp answers from this table today and AAA answers later.
 *
 * File format ([pmip] profiles = FILE), one MN per line, '#' comments:
 *
 *   NAI  MAC  LMA  HNP/64  [hoa=ADDRESS]  [mags=ADDRESS,ADDRESS,...]
 *
 *   NAI     the MN identifier sent in the Mobile Node Identifier option
 *           (RFC 4283, at most 253 octets, no white space)
 *   MAC     the MN's link-layer address (xx:xx:xx:xx:xx:xx, unicast)
 *   LMA     its LMA's address (the MAG sends the PBU there)
 *   HNP     its home network prefix, a /64 (RFC 5213 2: one or more
 *           prefixes per MN; this project's data plane keys by /64)
 *   hoa=    its home address inside HNP (shared-prefix model, seed 4.4.3)
 *   mags=   LMA: the MAGs allowed to register it (RFC 5213 5.3.1: "the
 *           mobile access gateway ... is authorized"); absent: any MAG
 *           with which we have an IKE SA.
 *
 * The table is parsed from (buf, len) with every field checked; each
 * broken rule is one "FILE:LINE: field: what is wrong" error in the
 * configuration's error list, and a table with any error is refused
 * whole. Lookups are binary searches over sorted indexes: the table is
 * read-only once loaded. */
#ifndef PMIP_CP_PMIP_PROFILES_H
#define PMIP_CP_PMIP_PROFILES_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "pmip.h"

#define PMIP_PROFILE_MAX_MAGS 4
#define PMIP_PROFILES_MAX 1000000

struct pmip_profile_entry {
	struct pmip_profile p;
	struct in6_addr mags[PMIP_PROFILE_MAX_MAGS];
	unsigned n_mags;                 /* 0: any MAG we have an SA with */
	int line;
};

struct pmip_profiles {
	char path[PATH_MAX];
	struct pmip_profile_entry *e;
	unsigned n;
	uint32_t *by_mac;                /* indexes into e, sorted by MAC */
	uint32_t *by_nai;                /* sorted by NAI */
};

/* Parse len octets of text (need not be NUL-terminated). path names the
 * file in errors. Returns 0, or -1 with errs filled and *out empty. */
int pmip_profiles_parse(const char *text, size_t len, const char *path,
			struct pmip_profiles *out, struct pmip_config_errors *errs);
/* Read and parse a file; a relative path is taken from the directory of
 * cfg_path (the ini that names it). */
int pmip_profiles_load(const char *path, const char *cfg_path, struct pmip_profiles *out,
		       struct pmip_config_errors *errs);
void pmip_profiles_free(struct pmip_profiles *t);

const struct pmip_profile_entry *pmip_profiles_by_mac(const struct pmip_profiles *t,
						       const uint8_t mac[6]);
const struct pmip_profile_entry *pmip_profiles_by_nai(const struct pmip_profiles *t,
						       const char *nai);
/* The entry whose p is profile: profile must be &e->p of an entry of a
 * table (what the lookups above return), e.g. one the engine was given by
 * env.profile_by_mn_id and hands back to env.mag_authorised. */
static inline const struct pmip_profile_entry *pmip_profile_entry_of(
	const struct pmip_profile *profile)
{
	return (const struct pmip_profile_entry *)((const char *)profile -
						   offsetof(struct pmip_profile_entry, p));
}
/* May the MAG at mag register the MN of entry e (mags= or, without it,
 * any)? */
bool pmip_profiles_mag_allowed(const struct pmip_profile_entry *e, const struct in6_addr *mag);

#endif
