/* Configuration, step 2's engine: every value converted into its typed
 * field and checked, sections and their repeated instances ([port.NAME],
 * [ike.peer.NAME]), repeats, defaults and required keys. The keys
 * themselves and the rules across keys are in config_schema.c. */
#include "config_internal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool parse_ulong(const char *s, unsigned long *out)
{
	if (*s == '\0' || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;
	*out = v;
	return true;
}

static bool parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

bool cfg_valid_name(const char *s, size_t cap)
{
	size_t n = strlen(s);
	if (n == 0 || n >= cap || !islower((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) &&
		    s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

/* "2001:db8::1/64" -> prefix. Rejects what can't be our own interface
 * address: multicast, link-local (derived from the MAC), loopback,
 * unspecified, IPv4-mapped. */
static const char *parse_prefix(const char *s, struct pmip_prefix *p)
{
	char buf[INET6_ADDRSTRLEN + 8];
	if (strlen(s) >= sizeof(buf))
		return "too long";
	snprintf(buf, sizeof(buf), "%s", s);
	char *slash = strchr(buf, '/');
	if (slash == NULL)
		return "missing /prefix-length";
	*slash = '\0';
	unsigned long len;
	if (!parse_ulong(slash + 1, &len) || len < 1 || len > 128)
		return "prefix length must be 1..128";
	if (inet_pton(AF_INET6, buf, &p->addr) != 1)
		return "not an IPv6 address";
	const uint8_t *a = p->addr.s6_addr;
	if (a[0] == 0xff)
		return "is multicast";
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return "is link-local (dp derives the link-local address from the port's MAC)";
	if (IN6_IS_ADDR_UNSPECIFIED(&p->addr) || IN6_IS_ADDR_LOOPBACK(&p->addr) ||
	    IN6_IS_ADDR_V4MAPPED(&p->addr))
		return "is not a unicast interface address";
	p->len = (uint8_t)len;
	return NULL;
}

/* "PREFIX/LEN via ADDR". The gateway may be link-local (the usual default
 * route); it must be unicast. */
static const char *parse_route(const char *s, struct pmip_config_route *r)
{
	char buf[2 * INET6_ADDRSTRLEN + 16];
	if (strlen(s) >= sizeof(buf))
		return "too long";
	snprintf(buf, sizeof(buf), "%s", s);
	char *via = strstr(buf, " via ");
	if (via == NULL)
		return "want PREFIX/LEN via ADDRESS";
	*via = '\0';
	via += 5;
	while (*via == ' ')
		via++;
	char *slash = strchr(buf, '/');
	unsigned long len;
	if (slash == NULL || !parse_ulong(slash + 1, &len) || len > 128)
		return "destination needs a prefix length 0..128";
	*slash = '\0';
	if (inet_pton(AF_INET6, buf, &r->dst.addr) != 1)
		return "destination is not an IPv6 prefix";
	r->dst.len = (uint8_t)len;
	if (inet_pton(AF_INET6, via, &r->via) != 1)
		return "gateway is not an IPv6 address";
	if (r->via.s6_addr[0] == 0xff || IN6_IS_ADDR_UNSPECIFIED(&r->via))
		return "gateway must be a unicast address";
	return NULL;
}

/* EAL core list: "N", "N-M", comma separated, no repeats, into ids[*n]. */
static const char *parse_core_list(const char *s, unsigned *ids, unsigned *n, unsigned max)
{
	*n = 0;
	const char *p = s;
	while (*p != '\0') {
		unsigned long a, b;
		char *end;
		if (!isdigit((unsigned char)*p))
			return "expected a core number";
		a = strtoul(p, &end, 10);
		b = a;
		p = end;
		if (*p == '-') {
			p++;
			if (!isdigit((unsigned char)*p))
				return "expected a core number after '-'";
			b = strtoul(p, &end, 10);
			p = end;
		}
		if (a > 1023 || b > 1023 || b < a)
			return "core range must be increasing and below 1024";
		for (unsigned long c = a; c <= b; c++) {
			for (unsigned i = 0; i < *n; i++)
				if (ids[i] == c)
					return "a core is listed twice";
			if (*n == max)
				return "too many cores";
			ids[(*n)++] = (unsigned)c;
		}
		if (*p == ',')
			p++;
		else if (*p != '\0')
			return "unexpected character";
	}
	if (*n == 0)
		return "expected a core number";
	return NULL;
}

static const char *parse_lcores(const char *s, struct pmip_config_dp *dp)
{
	const char *e = parse_core_list(s, dp->lcore_ids, &dp->n_lcores, PMIP_CFG_MAX_LCORES);
	if (e != NULL)
		return e;
	if (dp->n_lcores < 2)
		return "need a main lcore and at least one worker lcore";
	return NULL;
}

static void store_uint(void *dst, size_t size, unsigned long v)
{
	if (size == sizeof(unsigned))
		*(unsigned *)dst = (unsigned)v;
	else if (size == sizeof(uint8_t))
		*(uint8_t *)dst = (uint8_t)v;
	else
		*(unsigned long *)dst = v;
}

/* Convert one value into its field. base is the struct the spec's offset
 * refers to; list keys count their items in the unsigned at count_off.
 * Returns NULL or what is wrong. */
static const char *convert(const struct key_spec *ks, const char *value, void *base, char *why,
			   size_t whylen)
{
	void *dst = (uint8_t *)base + ks->offset;
	unsigned *n_addrs = (unsigned *)((uint8_t *)base + ks->count_off);
	unsigned long v;
	switch (ks->type) {
	case KT_STRING:
		if (strlen(value) < ks->min || strlen(value) >= ks->size) {
			snprintf(why, whylen, "length %zu is outside [%lu, %zu]", strlen(value),
				 ks->min, ks->size - 1);
			return why;
		}
		snprintf(dst, ks->size, "%s", value);
		return NULL;
	case KT_NAME:
		if (!cfg_valid_name(value, ks->size))
			return "not a valid name";
		snprintf(dst, ks->size, "%s", value);
		return NULL;
	case KT_UINT:
	case KT_POW2:
		if (!parse_ulong(value, &v) || v < ks->min || v > ks->max ||
		    (ks->type == KT_POW2 && (v & (v - 1)) != 0)) {
			snprintf(why, whylen, "'%s' is not %s in [%lu, %lu]", value,
				 ks->type == KT_POW2 ? "a power of two" : "a whole number",
				 ks->min, ks->max);
			return why;
		}
		store_uint(dst, ks->size, v);
		return NULL;
	case KT_BOOL:
		if (!parse_bool(value, (bool *)dst)) {
			snprintf(why, whylen, "'%s' is not yes or no", value);
			return why;
		}
		return NULL;
	case KT_ENUM:
		for (unsigned i = 0; ks->names[i] != NULL; i++) {
			if (ks->names[i][0] != '\0' && strcmp(value, ks->names[i]) == 0) {
				*(int *)dst = (int)i;
				return NULL;
			}
		}
		snprintf(why, whylen, "'%s' is not one of: %s", value, ks->help);
		return why;
	case KT_PREFIX: {
		if (*n_addrs >= ks->max) {
			snprintf(why, whylen, "more than %lu addresses", ks->max);
			return why;
		}
		struct pmip_prefix *p = (struct pmip_prefix *)dst + *n_addrs;
		const char *e = parse_prefix(value, p);
		if (e != NULL) {
			snprintf(why, whylen, "'%s' %s", value, e);
			return why;
		}
		(*n_addrs)++;
		return NULL;
	}
	case KT_ROUTE: {
		if (*n_addrs >= ks->max) {
			snprintf(why, whylen, "more than %lu routes", ks->max);
			return why;
		}
		struct pmip_config_route *r = (struct pmip_config_route *)dst + *n_addrs;
		const char *e = parse_route(value, r);
		if (e != NULL) {
			snprintf(why, whylen, "'%s': %s", value, e);
			return why;
		}
		(*n_addrs)++;
		return NULL;
	}
	case KT_LCORES: {
		struct pmip_config *cfg = base;
		(void)n_addrs;
		const char *e = parse_lcores(value, &cfg->dp);
		if (e != NULL) {
			snprintf(why, whylen, "'%s': %s", value, e);
			return why;
		}
		snprintf(dst, ks->size, "%s", value);
		return NULL;
	}
	case KT_CPUS: {
		struct pmip_config *cfg = base;
		unsigned ids[PMIP_CFG_MAX_LCORES];
		(void)n_addrs;
		const char *e = parse_core_list(value, ids, &cfg->dp.n_cpus, PMIP_CFG_MAX_LCORES);
		if (e != NULL) {
			snprintf(why, whylen, "'%s': %s", value, e);
			return why;
		}
		snprintf(dst, ks->size, "%s", value);
		return NULL;
	}
	case KT_LOG_TARGET:
		if (strcmp(value, "stderr") != 0 && strcmp(value, "syslog") != 0 &&
		    !(strncmp(value, "file:/", 6) == 0 && strlen(value) < ks->size))
			return "want stderr, syslog or file:/absolute/path";
		snprintf(dst, ks->size, "%s", value);
		return NULL;
	case KT_ADDR: {
		struct in6_addr *a = dst;
		if (inet_pton(AF_INET6, value, a) != 1)
			return "not an IPv6 address";
		if (a->s6_addr[0] == 0xff || IN6_IS_ADDR_UNSPECIFIED(a))
			return "must be a unicast address";
		return NULL;
	}
	case KT_PREFIX1: {
		struct pmip_prefix *p = dst;
		char buf[INET6_ADDRSTRLEN + 8];
		if (strlen(value) >= sizeof(buf))
			return "too long";
		snprintf(buf, sizeof(buf), "%s", value);
		char *slash = strchr(buf, '/');
		unsigned long len;
		if (slash == NULL || !parse_ulong(slash + 1, &len) || len > 128)
			return "want PREFIX/LEN";
		*slash = '\0';
		if (inet_pton(AF_INET6, buf, &p->addr) != 1)
			return "not an IPv6 prefix";
		p->len = (uint8_t)len;
		*(bool *)((uint8_t *)base + ks->count_off) = true;
		return NULL;
	}
	case KT_SHM_NAME:
		if (value[0] != '/' || strchr(value + 1, '/') != NULL || strlen(value) < 2 ||
		    strlen(value) >= ks->size)
			return "want /NAME with no other '/' (at most 63 characters)";
		snprintf(dst, ks->size, "%s", value);
		return NULL;
	}
	return "internal: unknown key type";
}

const struct key_spec *cfg_find_key(enum section_kind sec, const char *key)
{
	for (size_t i = 0; i < cfg_n_key_specs; i++)
		if (cfg_key_specs[i].sec == sec && strcmp(cfg_key_specs[i].key, key) == 0)
			return &cfg_key_specs[i];
	return NULL;
}

int cfg_key_line(const struct seen *seen, enum section_kind sec, const char *key)
{
	const struct key_spec *ks = cfg_find_key(sec, key);
	return ks == NULL ? 0 : seen->line[ks - cfg_key_specs];
}

static const struct instance_kind *instance_of(const char *section)
{
	for (size_t i = 0; i < cfg_n_instances; i++) {
		size_t n = strlen(cfg_instances[i].prefix);
		if (strncmp(section, cfg_instances[i].prefix, n) == 0)
			return &cfg_instances[i];
	}
	return NULL;
}

static const struct {
	const char *name;
	enum section_kind sec;
} plain_sections[] = {
	{ "gateway", SEC_GATEWAY }, { "dp", SEC_DP }, { "cp", SEC_CP },
	{ "log", SEC_LOG },         { "ike", SEC_IKE },
	{ "pmip", SEC_PMIP },
};

static bool known_section(const char *s)
{
	for (size_t i = 0; i < sizeof(plain_sections) / sizeof(plain_sections[0]); i++)
		if (strcmp(s, plain_sections[i].name) == 0)
			return true;
	return instance_of(s) != NULL;
}

/* The instance of kind k called name (created on first use), or -1. */
static int find_or_add_instance(struct vctx *v, const struct instance_kind *k, const char *name,
				int line, const char *section)
{
	uint8_t *array = (uint8_t *)v->cfg + k->array_off;
	unsigned *count = (unsigned *)((uint8_t *)v->cfg + k->count_off);
	for (unsigned i = 0; i < *count; i++)
		if (strcmp((const char *)(array + i * k->elem_size), name) == 0)
			return (int)i;
	if (!cfg_valid_name(name, PMIP_CFG_NAME_MAX)) {
		cfg_add_error(v->errs, v->path, line, section, NULL,
			      "%s name '%s' must be a letter, then letters, digits, '-' or '_' (at most 31)",
			      k->what, name);
		return -1;
	}
	if (*count == k->max) {
		cfg_add_error(v->errs, v->path, line, section, NULL, "more than %u %ss", k->max,
			      k->what);
		return -1;
	}
	uint8_t *e = array + *count * k->elem_size;
	snprintf((char *)e, PMIP_CFG_NAME_MAX, "%s", name);
	*(int *)(e + k->line_off) = line;
	return (int)(*count)++;
}

static void validate_entry(struct vctx *v, const struct pmip_config_entry *e)
{
	enum section_kind sec = SEC_COUNT;
	int inst = -1;
	void *base = v->cfg;
	struct seen *seen = &v->top;
	for (size_t i = 0; i < sizeof(plain_sections) / sizeof(plain_sections[0]); i++)
		if (strcmp(e->section, plain_sections[i].name) == 0)
			sec = plain_sections[i].sec;
	const struct instance_kind *k = sec == SEC_COUNT ? instance_of(e->section) : NULL;
	if (k != NULL) {
		sec = k->sec;
		inst = find_or_add_instance(v, k, e->section + strlen(k->prefix), e->line, e->section);
		if (inst < 0)
			return;
		base = (uint8_t *)v->cfg + k->array_off + (size_t)inst * k->elem_size;
		seen = &v->inst[sec][inst];
	} else if (sec == SEC_COUNT) {
		cfg_add_error(v->errs, v->path, e->line, e->section, NULL,
			      "unknown section (known: [gateway], [dp], [cp], [log], [ike], [port.NAME], [ike.peer.NAME])");
		return;
	}
	if (v->section_line[sec] == 0)
		v->section_line[sec] = e->line;

	const struct key_spec *ks = cfg_find_key(sec, e->key);
	if (ks == NULL) {
		cfg_add_error(v->errs, v->path, e->line, e->section, e->key, "unknown key");
		return;
	}
	size_t idx = (size_t)(ks - cfg_key_specs);
	bool list = ks->type == KT_PREFIX || ks->type == KT_ROUTE;
	if (seen->line[idx] != 0 && !list) {
		cfg_add_error(v->errs, v->path, e->line, e->section, e->key,
			      "repeated (first set at line %d)", seen->line[idx]);
		return;
	}
	if (seen->line[idx] == 0)
		seen->line[idx] = e->line;
	char why[160];
	const char *err = convert(ks, e->value, base, why, sizeof(why));
	if (err == NULL && list) {
		unsigned n = *(unsigned *)((uint8_t *)base + ks->count_off);
		if (n >= 1 && n <= CFG_MAX_LIST)
			seen->list_line[idx][n - 1] = e->line;
	}
	if (err != NULL) {
		if (ks->help != NULL && err != why && ks->type != KT_ENUM)
			cfg_add_error(v->errs, v->path, e->line, e->section, e->key, "%s (want %s)",
				      err, ks->help);
		else
			cfg_add_error(v->errs, v->path, e->line, e->section, e->key, "%s", err);
	}
}

/* Defaults and required keys, per section instance. */
static void apply_defaults(struct vctx *v, enum section_kind sec, void *base, struct seen *seen,
			   const char *section, int section_line)
{
	for (size_t i = 0; i < cfg_n_key_specs; i++) {
		const struct key_spec *ks = &cfg_key_specs[i];
		if (ks->sec != sec || seen->line[i] != 0)
			continue;
		if (ks->required) {
			cfg_add_error(v->errs, v->path, section_line, section, ks->key,
				      "required key is missing (want %s)", ks->help);
			continue;
		}
		if (ks->dflt != NULL) {
			char why[160];
			const char *err = convert(ks, ks->dflt, base, why, sizeof(why));
			if (err != NULL)
				cfg_add_error(v->errs, v->path, 0, section, ks->key,
					      "internal: bad default: %s", err);
		}
	}
}

int pmip_config_validate(const struct pmip_config_raw *raw, struct pmip_config *cfg,
			 struct pmip_config_errors *errs)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->path, sizeof(cfg->path), "%s", raw->path);
	struct vctx *v = calloc(1, sizeof(*v));
	if (v == NULL) {
		cfg_add_error(errs, raw->path, 0, NULL, NULL, "out of memory");
		return -1;
	}
	v->path = raw->path;
	v->cfg = cfg;
	v->errs = errs;
	unsigned before = errs->n;

	for (unsigned i = 0; i < raw->n_entries; i++) {
		/* An unknown section is reported once, at its first key. */
		bool repeat_of_unknown = false;
		for (unsigned j = 0; j < i && !repeat_of_unknown; j++)
			repeat_of_unknown = strcmp(raw->entries[j].section, raw->entries[i].section) == 0 &&
					    !known_section(raw->entries[i].section);
		if (!repeat_of_unknown)
			validate_entry(v, &raw->entries[i]);
	}
	for (size_t i = 0; i < sizeof(plain_sections) / sizeof(plain_sections[0]); i++)
		apply_defaults(v, plain_sections[i].sec, cfg, &v->top, plain_sections[i].name,
			       v->section_line[plain_sections[i].sec]);
	for (size_t k = 0; k < cfg_n_instances; k++) {
		const struct instance_kind *ik = &cfg_instances[k];
		unsigned count = *(unsigned *)((uint8_t *)cfg + ik->count_off);
		for (unsigned i = 0; i < count; i++) {
			uint8_t *e = (uint8_t *)cfg + ik->array_off + i * ik->elem_size;
			char section[64];
			snprintf(section, sizeof(section), "%s%s", ik->prefix, (const char *)e);
			apply_defaults(v, ik->sec, e, &v->inst[ik->sec][i], section,
				       *(int *)(e + ik->line_off));
		}
	}
	cfg_cross_checks(v);
	free(v);
	return errs->n > before ? -1 : 0;
}
