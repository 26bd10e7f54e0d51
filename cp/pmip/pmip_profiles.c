/* Mobile node profiles from a table file (see pmip_profiles.h for the
 * format and why it exists). */
#include "pmip_profiles.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_FIELDS 8
#define TOKEN_MAX 300
#define FILE_MAX (256u << 20)   /* 1M profiles of ~200 octets, with room */

struct field {
	const char *s;
	size_t len;
};

/* Copy a field into a NUL-terminated buffer; false if it does not fit. */
static bool field_str(const struct field *f, char *out, size_t cap)
{
	if (f->len >= cap)
		return false;
	memcpy(out, f->s, f->len);
	out[f->len] = 0;
	return true;
}

static bool parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	char end;
	if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3],
				       &v[4], &v[5], &end) != 6)
		return false;
	for (int i = 0; i < 6; i++) {
		if (s[i * 3 + 2] != (i == 5 ? 0 : ':'))
			return false;
		mac[i] = (uint8_t)v[i];
	}
	return true;
}

static bool unicast_addr(const struct in6_addr *a)
{
	return !IN6_IS_ADDR_UNSPECIFIED(a) && !IN6_IS_ADDR_MULTICAST(a) && !IN6_IS_ADDR_LOOPBACK(a);
}

static bool in_64(const struct in6_addr *a, const struct in6_addr *prefix)
{
	return memcmp(a, prefix, 8) == 0;
}

/* The entry of one line, or false with an error added. */
static bool parse_line(const struct field *f, unsigned nf, int line, const char *path,
		       struct pmip_profile_entry *e, struct pmip_config_errors *errs)
{
	char tok[TOKEN_MAX];
	memset(e, 0, sizeof(*e));
	e->line = line;
	if (nf < 4) {
		cfg_add_error(errs, path, line, NULL, NULL,
			      "a profile needs NAI MAC LMA HNP/64 (%u field%s given)", nf,
			      nf == 1 ? "" : "s");
		return false;
	}
	/* NAI: RFC 4283 3 carries it; RFC 7542 2.2 as RADIUS's User-Name. */
	if (f[0].len > PMIP_MH_NAI_MAX || !field_str(&f[0], e->p.mn_id, sizeof(e->p.mn_id))) {
		cfg_add_error(errs, path, line, NULL, NULL, "NAI: longer than %u octets",
			      PMIP_MH_NAI_MAX);
		return false;
	}
	for (size_t i = 0; i < f[0].len; i++)
		if ((unsigned char)f[0].s[i] < 0x21 || (unsigned char)f[0].s[i] == 0x7f) {
			cfg_add_error(errs, path, line, NULL, NULL,
				      "NAI: control character at octet %zu", i + 1);
			return false;
		}
	if (!field_str(&f[1], tok, sizeof(tok)) || !parse_mac(tok, e->p.mac)) {
		cfg_add_error(errs, path, line, NULL, NULL,
			      "MAC: not a link-layer address xx:xx:xx:xx:xx:xx");
		return false;
	}
	if (e->p.mac[0] & 1) {
		cfg_add_error(errs, path, line, NULL, NULL, "MAC: a multicast address");
		return false;
	}
	if (!field_str(&f[2], tok, sizeof(tok)) || inet_pton(AF_INET6, tok, &e->p.lma) != 1 ||
	    !unicast_addr(&e->p.lma)) {
		cfg_add_error(errs, path, line, NULL, NULL, "LMA: not a unicast IPv6 address");
		return false;
	}
	char *slash = field_str(&f[3], tok, sizeof(tok)) ? strchr(tok, '/') : NULL;
	if (slash == NULL || strcmp(slash, "/64") != 0) {
		cfg_add_error(errs, path, line, NULL, NULL, "HNP: not a prefix of length 64 (PREFIX/64)");
		return false;
	}
	*slash = 0;
	if (inet_pton(AF_INET6, tok, &e->p.hnp) != 1 || !unicast_addr(&e->p.hnp) ||
	    IN6_IS_ADDR_LINKLOCAL(&e->p.hnp)) {
		cfg_add_error(errs, path, line, NULL, NULL, "HNP: not a global IPv6 prefix");
		return false;
	}
	if (memcmp(e->p.hnp.s6_addr + 8, "\0\0\0\0\0\0\0\0", 8) != 0) {
		cfg_add_error(errs, path, line, NULL, NULL, "HNP: bits set past the prefix length 64");
		return false;
	}
	bool seen_hoa = false, seen_mags = false;
	for (unsigned i = 4; i < nf; i++) {
		if (!field_str(&f[i], tok, sizeof(tok))) {
			cfg_add_error(errs, path, line, NULL, NULL, "field %u: too long", i + 1);
			return false;
		}
		if (strncmp(tok, "hoa=", 4) == 0 && !seen_hoa) {
			seen_hoa = true;
			if (inet_pton(AF_INET6, tok + 4, &e->p.hoa) != 1 || !in_64(&e->p.hoa, &e->p.hnp) ||
			    memcmp(e->p.hoa.s6_addr + 8, "\0\0\0\0\0\0\0\0", 8) == 0) {
				/* RFC 4291 2.6.1: host part 0 is the subnet-router anycast */
				cfg_add_error(errs, path, line, NULL, NULL,
					      "hoa: not a unicast address inside the HNP");
				return false;
			}
		} else if (strncmp(tok, "mags=", 5) == 0 && !seen_mags) {
			seen_mags = true;
			for (char *save = NULL, *m = strtok_r(tok + 5, ",", &save); m != NULL;
			     m = strtok_r(NULL, ",", &save)) {
				if (e->n_mags == PMIP_PROFILE_MAX_MAGS) {
					cfg_add_error(errs, path, line, NULL, NULL,
						      "mags: more than %u MAGs", PMIP_PROFILE_MAX_MAGS);
					return false;
				}
				if (inet_pton(AF_INET6, m, &e->mags[e->n_mags]) != 1 ||
				    !unicast_addr(&e->mags[e->n_mags])) {
					cfg_add_error(errs, path, line, NULL, NULL,
						      "mags: '%s' is not a unicast IPv6 address", m);
					return false;
				}
				e->n_mags++;
			}
			if (e->n_mags == 0) {
				cfg_add_error(errs, path, line, NULL, NULL, "mags: empty list");
				return false;
			}
		} else {
			cfg_add_error(errs, path, line, NULL, NULL,
				      "field %u: '%.40s' is not hoa=ADDRESS or mags=LIST (each at most once)",
				      i + 1, tok);
			return false;
		}
	}
	return true;
}

/* qsort has no context argument: the table being sorted. */
static const struct pmip_profile_entry *sort_base;

static int cmp_mac(const void *a, const void *b)
{
	return memcmp(sort_base[*(const uint32_t *)a].p.mac, sort_base[*(const uint32_t *)b].p.mac, 6);
}

static int cmp_nai(const void *a, const void *b)
{
	return strcmp(sort_base[*(const uint32_t *)a].p.mn_id, sort_base[*(const uint32_t *)b].p.mn_id);
}

static int cmp_hoa(const void *a, const void *b)
{
	return memcmp(&sort_base[*(const uint32_t *)a].p.hoa, &sort_base[*(const uint32_t *)b].p.hoa,
		      16);
}

/* Sort an index and report every pair of equal keys: two profiles for one
 * MAC (or NAI, or home address) make attachment ambiguous. */
static void index_unique(struct pmip_profiles *t, uint32_t *idx, int (*cmp)(const void *, const void *),
			 const char *what, bool skip_unspecified_hoa, struct pmip_config_errors *errs)
{
	for (unsigned i = 0; i < t->n; i++)
		idx[i] = i;
	sort_base = t->e;
	qsort(idx, t->n, sizeof(*idx), cmp);
	for (unsigned i = 1; i < t->n; i++) {
		if (cmp(&idx[i - 1], &idx[i]) != 0)
			continue;
		if (skip_unspecified_hoa && IN6_IS_ADDR_UNSPECIFIED(&t->e[idx[i]].p.hoa))
			continue;
		unsigned first = idx[i - 1] < idx[i] ? idx[i - 1] : idx[i];
		unsigned second = idx[i - 1] < idx[i] ? idx[i] : idx[i - 1];
		cfg_add_error(errs, t->path, t->e[second].line, NULL, NULL,
			      "%s: same as the profile at line %d", what, t->e[first].line);
	}
}

void pmip_profiles_free(struct pmip_profiles *t)
{
	free(t->e);
	free(t->by_mac);
	free(t->by_nai);
	t->e = NULL;
	t->by_mac = t->by_nai = NULL;
	t->n = 0;
}

int pmip_profiles_parse(const char *text, size_t len, const char *path,
			struct pmip_profiles *out, struct pmip_config_errors *errs)
{
	unsigned errs_before = errs->n, cap = 0;
	memset(out, 0, sizeof(*out));
	snprintf(out->path, sizeof(out->path), "%s", path);
	size_t pos = 0;
	int line = 0;
	while (pos < len) {
		size_t end = pos;
		while (end < len && text[end] != '\n')
			end++;
		line++;
		struct field f[MAX_FIELDS];
		unsigned nf = 0;
		bool too_many = false, nul = false;
		for (size_t i = pos; i < end;) {
			if (text[i] == '#')
				break;
			if (text[i] == 0)
				nul = true;
			if (text[i] == ' ' || text[i] == '\t' || text[i] == '\r') {
				i++;
				continue;
			}
			size_t s = i;
			while (i < end && text[i] != ' ' && text[i] != '\t' && text[i] != '\r' &&
			       text[i] != '#') {
				nul |= text[i] == 0;
				i++;
			}
			if (nf == MAX_FIELDS) {
				too_many = true;
				break;
			}
			f[nf].s = text + s;
			f[nf].len = i - s;
			nf++;
		}
		pos = end + 1;
		if (nul) {
			cfg_add_error(errs, path, line, NULL, NULL, "a NUL octet in the line");
			continue;
		}
		if (too_many) {
			cfg_add_error(errs, path, line, NULL, NULL, "more than %u fields", MAX_FIELDS);
			continue;
		}
		if (nf == 0)
			continue;
		if (out->n == cap) {
			if (cap >= PMIP_PROFILES_MAX) {
				cfg_add_error(errs, path, line, NULL, NULL, "more than %u profiles",
					      PMIP_PROFILES_MAX);
				break;
			}
			unsigned ncap = cap == 0 ? 64 : cap * 2;
			if (ncap > PMIP_PROFILES_MAX)
				ncap = PMIP_PROFILES_MAX;
			void *ne = realloc(out->e, (size_t)ncap * sizeof(*out->e));
			if (ne == NULL) {
				cfg_add_error(errs, path, line, NULL, NULL, "out of memory");
				break;
			}
			out->e = ne;
			cap = ncap;
		}
		if (parse_line(f, nf, line, path, &out->e[out->n], errs))
			out->n++;
	}
	if (errs->n == errs_before && out->n > 0) {
		out->by_mac = calloc(out->n, sizeof(uint32_t));
		out->by_nai = calloc(out->n, sizeof(uint32_t));
		uint32_t *by_hoa = calloc(out->n, sizeof(uint32_t));
		if (out->by_mac == NULL || out->by_nai == NULL || by_hoa == NULL) {
			cfg_add_error(errs, path, 0, NULL, NULL, "out of memory");
		} else {
			index_unique(out, out->by_mac, cmp_mac, "MAC", false, errs);
			index_unique(out, out->by_nai, cmp_nai, "NAI", false, errs);
			/* Two MNs with one home address: the LMA would refuse the
			 * second with status 134 every time (seed 4.4.3). */
			index_unique(out, by_hoa, cmp_hoa, "hoa", true, errs);
		}
		free(by_hoa);
	}
	if (errs->n != errs_before) {
		pmip_profiles_free(out);
		return -1;
	}
	return 0;
}

int pmip_profiles_load(const char *path, const char *cfg_path, struct pmip_profiles *out,
		       struct pmip_config_errors *errs)
{
	char full[PATH_MAX];
	const char *slash = cfg_path != NULL ? strrchr(cfg_path, '/') : NULL;
	if (path[0] != '/' && slash != NULL)
		snprintf(full, sizeof(full), "%.*s/%s", (int)(slash - cfg_path), cfg_path, path);
	else
		snprintf(full, sizeof(full), "%s", path);
	memset(out, 0, sizeof(*out));
	FILE *fp = fopen(full, "rb");
	if (fp == NULL) {
		cfg_add_error(errs, full, 0, NULL, NULL, "cannot open: %s", strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > FILE_MAX) {
		cfg_add_error(errs, full, 0, NULL, NULL, "not a regular file of at most %u MiB",
			      FILE_MAX >> 20);
		fclose(fp);
		return -1;
	}
	char *text = malloc((size_t)st.st_size + 1);
	size_t got = text != NULL ? fread(text, 1, (size_t)st.st_size, fp) : 0;
	fclose(fp);
	if (text == NULL || got != (size_t)st.st_size) {
		cfg_add_error(errs, full, 0, NULL, NULL, "cannot read");
		free(text);
		return -1;
	}
	int rc = pmip_profiles_parse(text, got, full, out, errs);
	free(text);
	return rc;
}

const struct pmip_profile_entry *pmip_profiles_by_mac(const struct pmip_profiles *t,
						       const uint8_t mac[6])
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = memcmp(t->e[t->by_mac[mid]].p.mac, mac, 6);
		if (c == 0)
			return &t->e[t->by_mac[mid]];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct pmip_profile_entry *pmip_profiles_by_nai(const struct pmip_profiles *t,
						       const char *nai)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(t->e[t->by_nai[mid]].p.mn_id, nai);
		if (c == 0)
			return &t->e[t->by_nai[mid]];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool pmip_profiles_mag_allowed(const struct pmip_profile_entry *e, const struct in6_addr *mag)
{
	if (e->n_mags == 0)
		return true;
	for (unsigned i = 0; i < e->n_mags; i++)
		if (memcmp(&e->mags[i], mag, sizeof(*mag)) == 0)
			return true;
	return false;
}
