/* Configuration: parse (inih) -> validate -> struct pmip_config. See config.h. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

/* ------------------------------------------------------------- errors -- */

static void add_error(struct pmip_config_errors *errs, const char *path, int line,
		      const char *section, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static void add_error(struct pmip_config_errors *errs, const char *path, int line,
		      const char *section, const char *key, const char *fmt, ...)
{
	if (errs->n < PMIP_CFG_MAX_ERRORS) {
		char what[200];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(what, sizeof(what), fmt, ap);
		va_end(ap);
		char *out = errs->msg[errs->n];
		size_t cap = sizeof(errs->msg[0]);
		int n = line > 0 ? snprintf(out, cap, "%s:%d: ", path, line)
				 : snprintf(out, cap, "%s: ", path);
		if (n < 0 || (size_t)n >= cap)
			n = 0;
		if (section != NULL && key != NULL)
			snprintf(out + n, cap - (size_t)n, "%s.%s: %s", section, key, what);
		else if (section != NULL)
			snprintf(out + n, cap - (size_t)n, "[%s]: %s", section, what);
		else
			snprintf(out + n, cap - (size_t)n, "%s", what);
	}
	errs->n++;
}

void pmip_config_errors_print(const struct pmip_config_errors *errs)
{
	unsigned shown = errs->n < PMIP_CFG_MAX_ERRORS ? errs->n : PMIP_CFG_MAX_ERRORS;
	for (unsigned i = 0; i < shown; i++)
		fprintf(stderr, "%s\n", errs->msg[i]);
	if (errs->n > shown)
		fprintf(stderr, "(%u more errors not shown)\n", errs->n - shown);
}

/* -------------------------------------------------------- step 1: parse -- */

/* inih as packaged does not pass line numbers to the handler, so the reader
 * counts the lines it hands to inih: when the handler runs, the line it
 * parses is the last one read. It also catches lines longer than inih's
 * fixed buffer, which inih would otherwise split into two lines. */
struct parse_ctx {
	struct pmip_config_raw *raw;
	struct pmip_config_errors *errs;
	int line;
	bool nomem;
	/* source: a FILE or a string */
	FILE *file;
	const char *text;
	size_t text_pos;
};

static char *reader_next(char *buf, int size, struct parse_ctx *c)
{
	if (c->file != NULL)
		return fgets(buf, size, c->file);
	const char *s = c->text + c->text_pos;
	if (*s == '\0')
		return NULL;
	int n = 0;
	while (n < size - 1 && s[n] != '\0') {
		buf[n] = s[n];
		n++;
		if (s[n - 1] == '\n')
			break;
	}
	buf[n] = '\0';
	c->text_pos += (size_t)n;
	return buf;
}

static char *ini_reader_fn(char *buf, int size, void *stream)
{
	struct parse_ctx *c = stream;
	char *r = reader_next(buf, size, c);
	if (r == NULL)
		return NULL;
	c->line++;
	size_t len = strlen(buf);
	if (len == (size_t)size - 1 && buf[len - 1] != '\n') {
		/* Too long: report, drop the rest of the line, give inih a
		 * comment so it neither errors twice nor sees a fragment. */
		char rest[256];
		size_t total = len;
		while (reader_next(rest, sizeof(rest), c) != NULL) {
			total += strlen(rest);
			if (rest[strlen(rest) - 1] == '\n')
				break;
		}
		add_error(c->errs, c->raw->path, c->line, NULL, NULL,
			  "line too long (%zu > %d characters)", total, size - 2);
		snprintf(buf, (size_t)size, ";\n");
	}
	return buf;
}

static char *xstrdup(const char *s, struct parse_ctx *c)
{
	char *d = strdup(s);
	if (d == NULL)
		c->nomem = true;
	return d;
}

static int ini_handler_fn(void *user, const char *section, const char *name, const char *value)
{
	struct parse_ctx *c = user;
	struct pmip_config_raw *raw = c->raw;
	if (raw->n_entries == raw->cap) {
		unsigned cap = raw->cap ? raw->cap * 2 : 32;
		struct pmip_config_entry *e = realloc(raw->entries, cap * sizeof(*e));
		if (e == NULL) {
			c->nomem = true;
			return 0;
		}
		raw->entries = e;
		raw->cap = cap;
	}
	struct pmip_config_entry *e = &raw->entries[raw->n_entries];
	e->section = xstrdup(section, c);
	e->key = xstrdup(name, c);
	e->value = xstrdup(value, c);
	e->line = c->line;
	if (e->section == NULL || e->key == NULL || e->value == NULL) {
		free(e->section);
		free(e->key);
		free(e->value);
		return 0;
	}
	raw->n_entries++;
	return 1;
}

static int parse_common(struct parse_ctx *c)
{
	int rc = ini_parse_stream(ini_reader_fn, c, ini_handler_fn, c);
	if (c->nomem) {
		add_error(c->errs, c->raw->path, 0, NULL, NULL, "out of memory");
		return -1;
	}
	if (rc > 0)
		add_error(c->errs, c->raw->path, rc, NULL, NULL,
			  "syntax error (want [section], key = value, or a ;/# comment)");
	else if (rc < 0)
		add_error(c->errs, c->raw->path, 0, NULL, NULL, "cannot read the file");
	return c->errs->n ? -1 : 0;
}

int pmip_config_parse(const char *path, struct pmip_config_raw *raw,
		      struct pmip_config_errors *errs)
{
	memset(raw, 0, sizeof(*raw));
	snprintf(raw->path, sizeof(raw->path), "%s", path);
	FILE *f = fopen(path, "re");
	if (f == NULL) {
		add_error(errs, path, 0, NULL, NULL, "cannot open: %s", strerror(errno));
		return -1;
	}
	struct parse_ctx c = { .raw = raw, .errs = errs, .file = f };
	int rc = parse_common(&c);
	fclose(f);
	return rc;
}

int pmip_config_parse_string(const char *text, const char *path, struct pmip_config_raw *raw,
			     struct pmip_config_errors *errs)
{
	memset(raw, 0, sizeof(*raw));
	snprintf(raw->path, sizeof(raw->path), "%s", path);
	struct parse_ctx c = { .raw = raw, .errs = errs, .text = text };
	return parse_common(&c);
}

void pmip_config_raw_free(struct pmip_config_raw *raw)
{
	for (unsigned i = 0; i < raw->n_entries; i++) {
		free(raw->entries[i].section);
		free(raw->entries[i].key);
		free(raw->entries[i].value);
	}
	free(raw->entries);
	raw->entries = NULL;
	raw->n_entries = raw->cap = 0;
}

/* ----------------------------------------------------- step 2: validate -- */

enum key_type {
	KT_STRING,  /* bounded string, max = buffer size */
	KT_NAME,    /* [a-z][a-z0-9_-]*, max = buffer size */
	KT_UINT,    /* unsigned in [min, max] */
	KT_POW2,    /* power of two in [min, max] */
	KT_BOOL,    /* yes/no/true/false/on/off/1/0 */
	KT_ENUM,    /* one of names[], stored as the index */
	KT_PREFIX,  /* IPv6 address/len, repeatable up to max */
	KT_LCORES,  /* EAL lcore list */
	KT_LOG_TARGET,
	KT_SHM_NAME,
	KT_ROUTE,   /* "PREFIX/LEN via ADDR", repeatable up to max */
};

enum section_kind { SEC_GATEWAY, SEC_DP, SEC_CP, SEC_LOG, SEC_PORT, SEC_COUNT };

static const char *const role_names[] = { "", "mag", "lma", NULL };
static const char *const kind_names[] = { "", "access", "core", "network", NULL };
static const char *const level_names[] = { "err", "warning", "notice", "info", "debug", NULL };

struct key_spec {
	enum section_kind sec;
	const char *key;
	enum key_type type;
	size_t offset;     /* in struct pmip_config, or pmip_config_port for SEC_PORT */
	size_t size;       /* of the destination buffer (strings) */
	unsigned long min, max;
	const char *const *names;
	bool required;
	const char *dflt;  /* applied when absent; NULL: leave zero */
	const char *help;  /* what a valid value looks like, for messages */
};

#define CFG(f) offsetof(struct pmip_config, f), sizeof(((struct pmip_config *)0)->f)
#define PORT(f) offsetof(struct pmip_config_port, f), sizeof(((struct pmip_config_port *)0)->f)

static const struct key_spec key_specs[] = {
	{ SEC_GATEWAY, "role", KT_ENUM, CFG(role), 0, 0, role_names, true, NULL, "mag or lma" },
	{ SEC_GATEWAY, "name", KT_NAME, CFG(name), 1, 0, NULL, true, NULL,
	  "a letter, then letters, digits, '-' or '_' (at most 31)" },
	{ SEC_GATEWAY, "shm_name", KT_SHM_NAME, CFG(shm_name), 0, 0, NULL, false, NULL,
	  "/NAME with no other '/' (at most 63 characters)" },
	{ SEC_DP, "lcores", KT_LCORES, CFG(dp.lcores), 0, 0, NULL, false, "0,1",
	  "an EAL core list such as 0,1 or 0-3: the first is the main lcore, at least one worker" },
	{ SEC_DP, "memory_mb", KT_UINT, CFG(dp.memory_mb), 64, 1048576, NULL, false, "256", NULL },
	{ SEC_DP, "hugepages", KT_BOOL, CFG(dp.hugepages), 0, 0, NULL, false, "no", NULL },
	{ SEC_DP, "huge_dir", KT_STRING, CFG(dp.huge_dir), 1, 0, NULL, false, NULL,
	  "an absolute path" },
	{ SEC_DP, "idle_sleep_us", KT_UINT, CFG(dp.idle_sleep_us), 0, 100000, NULL, false, "0",
	  NULL },
	{ SEC_DP, "burst", KT_UINT, CFG(dp.burst), 1, 256, NULL, false, "32", NULL },
	{ SEC_DP, "mbufs", KT_UINT, CFG(dp.mbufs), 1024, 16777216, NULL, false, "16383", NULL },
	{ SEC_DP, "ring_size", KT_POW2, CFG(dp.ring_size), 64, 65536, NULL, false, "1024", NULL },
	{ SEC_DP, "max_bindings", KT_UINT, CFG(dp.max_bindings), 16, 16777216, NULL, false, "65536", NULL },
	{ SEC_DP, "max_tunnels", KT_UINT, CFG(dp.max_tunnels), 1, 16777216, NULL, false, "1024", NULL },
	{ SEC_DP, "max_neighbours", KT_UINT, CFG(dp.max_neighbours), 16, 16777216, NULL, false, "4096", NULL },
	{ SEC_DP, "icmp_rate", KT_UINT, CFG(dp.icmp_rate), 1, 1000000, NULL, false, "100", NULL },
	{ SEC_DP, "max_sas", KT_UINT, CFG(dp.max_sas), 4, 1048576, NULL, false, "256", NULL },
	{ SEC_CP, "admin_socket", KT_STRING, CFG(cp.admin_socket), 2, 0, NULL, false, NULL,
	  "an absolute path for the control socket" },
	{ SEC_LOG, "level", KT_ENUM, CFG(log.level), 0, 0, level_names, false, "info",
	  "err, warning, notice, info or debug" },
	{ SEC_LOG, "target", KT_LOG_TARGET, CFG(log.target), 0, 0, NULL, false, "stderr",
	  "stderr, syslog or file:/absolute/path" },
	{ SEC_LOG, "keylog", KT_STRING, CFG(log.keylog), 2, 0, NULL, false, NULL,
	  "an absolute path prefix for the ESP and IKE key logs" },
	{ SEC_PORT, "device", KT_STRING, PORT(device), 1, 0, NULL, true, NULL,
	  "a PCI address (0000:01:00.0) or a vdev (net_af_packet0,iface=eth1)" },
	{ SEC_PORT, "kind", KT_ENUM, PORT(kind), 0, 0, kind_names, true, NULL,
	  "access, core or network" },
	{ SEC_PORT, "address", KT_PREFIX, PORT(addrs), 0, PMIP_CFG_MAX_ADDRS, NULL, false, NULL,
	  "a global unicast IPv6 address with its prefix length, e.g. 2001:db8::1/64" },
	{ SEC_PORT, "route", KT_ROUTE, PORT(routes), 0, PMIP_CFG_MAX_ROUTES, NULL, false, NULL,
	  "PREFIX/LEN via ADDRESS, e.g. ::/0 via fe80::1" },
	{ SEC_PORT, "mtu", KT_UINT, PORT(mtu), 1280, 9000, NULL, false, "1500", NULL },
};
#define N_KEY_SPECS (sizeof(key_specs) / sizeof(key_specs[0]))

static const struct key_spec *find_key(enum section_kind sec, const char *key)
{
	for (size_t i = 0; i < N_KEY_SPECS; i++)
		if (key_specs[i].sec == sec && strcmp(key_specs[i].key, key) == 0)
			return &key_specs[i];
	return NULL;
}

/* Validation state: where each key of each section was first seen. */
struct seen {
	int line[N_KEY_SPECS];
};

struct vctx {
	const char *path;
	struct pmip_config *cfg;
	struct pmip_config_errors *errs;
	struct seen top;
	struct seen port[PMIP_CFG_MAX_PORTS];
	int addr_line[PMIP_CFG_MAX_PORTS][PMIP_CFG_MAX_ADDRS];
	int section_line[SEC_COUNT];
};

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

static bool valid_name(const char *s, size_t cap)
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

/* EAL core list: "N", "N-M", comma separated, no repeats. */
static const char *parse_lcores(const char *s, struct pmip_config_dp *dp)
{
	dp->n_lcores = 0;
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
			for (unsigned i = 0; i < dp->n_lcores; i++)
				if (dp->lcore_ids[i] == c)
					return "a core is listed twice";
			if (dp->n_lcores == PMIP_CFG_MAX_LCORES)
				return "too many cores";
			dp->lcore_ids[dp->n_lcores++] = (unsigned)c;
		}
		if (*p == ',')
			p++;
		else if (*p != '\0')
			return "unexpected character";
	}
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
 * refers to; port_addrs counts repeats of a KT_PREFIX key. Returns NULL or
 * what is wrong. */
static const char *convert(const struct key_spec *ks, const char *value, void *base,
			   unsigned *n_addrs, char *why, size_t whylen)
{
	void *dst = (uint8_t *)base + ks->offset;
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
		if (!valid_name(value, ks->size))
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
		const char *e = parse_lcores(value, &cfg->dp);
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
	case KT_SHM_NAME:
		if (value[0] != '/' || strchr(value + 1, '/') != NULL || strlen(value) < 2 ||
		    strlen(value) >= ks->size)
			return "want /NAME with no other '/' (at most 63 characters)";
		snprintf(dst, ks->size, "%s", value);
		return NULL;
	}
	return "internal: unknown key type";
}

static int find_or_add_port(struct vctx *v, const char *name, int line, const char *section)
{
	struct pmip_config *cfg = v->cfg;
	for (unsigned i = 0; i < cfg->n_ports; i++)
		if (strcmp(cfg->ports[i].name, name) == 0)
			return (int)i;
	if (!valid_name(name, sizeof(cfg->ports[0].name))) {
		add_error(v->errs, v->path, line, section, NULL,
			  "port name '%s' must be a letter, then letters, digits, '-' or '_' (at most 31)",
			  name);
		return -1;
	}
	if (cfg->n_ports == PMIP_CFG_MAX_PORTS) {
		add_error(v->errs, v->path, line, section, NULL, "more than %d ports",
			  PMIP_CFG_MAX_PORTS);
		return -1;
	}
	struct pmip_config_port *p = &cfg->ports[cfg->n_ports];
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->line = line;
	return (int)cfg->n_ports++;
}

static bool known_section(const char *s)
{
	return strcmp(s, "gateway") == 0 || strcmp(s, "dp") == 0 || strcmp(s, "cp") == 0 ||
	       strcmp(s, "log") == 0 || strncmp(s, "port.", 5) == 0;
}

static void validate_entry(struct vctx *v, const struct pmip_config_entry *e)
{
	enum section_kind sec;
	int port = -1;
	if (strcmp(e->section, "gateway") == 0)
		sec = SEC_GATEWAY;
	else if (strcmp(e->section, "dp") == 0)
		sec = SEC_DP;
	else if (strcmp(e->section, "log") == 0)
		sec = SEC_LOG;
	else if (strcmp(e->section, "cp") == 0)
		sec = SEC_CP;
	else if (strncmp(e->section, "port.", 5) == 0) {
		sec = SEC_PORT;
		port = find_or_add_port(v, e->section + 5, e->line, e->section);
		if (port < 0)
			return;
	} else {
		add_error(v->errs, v->path, e->line, e->section, NULL,
			  "unknown section (known: [gateway], [dp], [cp], [log], [port.NAME])");
		return;
	}
	if (v->section_line[sec] == 0)
		v->section_line[sec] = e->line;

	const struct key_spec *ks = find_key(sec, e->key);
	if (ks == NULL) {
		add_error(v->errs, v->path, e->line, e->section, e->key, "unknown key");
		return;
	}
	struct seen *seen = sec == SEC_PORT ? &v->port[port] : &v->top;
	size_t idx = (size_t)(ks - key_specs);
	if (seen->line[idx] != 0 && ks->type != KT_PREFIX && ks->type != KT_ROUTE) {
		add_error(v->errs, v->path, e->line, e->section, e->key,
			  "repeated (first set at line %d)", seen->line[idx]);
		return;
	}
	if (seen->line[idx] == 0)
		seen->line[idx] = e->line;

	void *base = sec == SEC_PORT ? (void *)&v->cfg->ports[port] : (void *)v->cfg;
	unsigned *n_addrs = NULL;
	if (sec == SEC_PORT)
		n_addrs = ks->type == KT_ROUTE ? &v->cfg->ports[port].n_routes
					       : &v->cfg->ports[port].n_addrs;
	char why[160];
	const char *err = convert(ks, e->value, base, n_addrs, why, sizeof(why));
	if (err == NULL && ks->type == KT_PREFIX)
		v->addr_line[port][*n_addrs - 1] = e->line;
	if (err != NULL) {
		if (ks->help != NULL && err != why && ks->type != KT_ENUM)
			add_error(v->errs, v->path, e->line, e->section, e->key, "%s (want %s)",
				  err, ks->help);
		else
			add_error(v->errs, v->path, e->line, e->section, e->key, "%s", err);
	}
}

/* Defaults and required keys, per section instance. */
static void apply_defaults(struct vctx *v, enum section_kind sec, void *base, struct seen *seen,
			   const char *section, int section_line)
{
	for (size_t i = 0; i < N_KEY_SPECS; i++) {
		const struct key_spec *ks = &key_specs[i];
		if (ks->sec != sec || seen->line[i] != 0)
			continue;
		if (ks->required) {
			add_error(v->errs, v->path, section_line, section, ks->key,
				  "required key is missing (want %s)", ks->help);
			continue;
		}
		if (ks->dflt != NULL) {
			char why[160];
			const char *err = convert(ks, ks->dflt, base, NULL, why, sizeof(why));
			if (err != NULL)
				add_error(v->errs, v->path, 0, section, ks->key,
					  "internal: bad default: %s", err);
		}
	}
}

static bool prefix_equal(const struct pmip_prefix *a, const struct pmip_prefix *b)
{
	return memcmp(&a->addr, &b->addr, sizeof(a->addr)) == 0;
}

static void cross_checks(struct vctx *v)
{
	struct pmip_config *cfg = v->cfg;
	const char *path = v->path;
	unsigned n_kind[4] = { 0 };

	if (cfg->shm_name[0] == '\0' && cfg->name[0] != '\0')
		snprintf(cfg->shm_name, sizeof(cfg->shm_name), "/pmip-%s", cfg->name);
	if (cfg->cp.admin_socket[0] == '\0' && cfg->name[0] != '\0')
		snprintf(cfg->cp.admin_socket, sizeof(cfg->cp.admin_socket), "/run/pmip-%s.sock",
			 cfg->name);
	if (cfg->log.keylog[0] != '\0' && cfg->log.keylog[0] != '/')
		add_error(v->errs, path, v->top.line[find_key(SEC_LOG, "keylog") - key_specs], "log",
			  "keylog", "'%s' is not an absolute path", cfg->log.keylog);
	if (cfg->cp.admin_socket[0] != '\0' && cfg->cp.admin_socket[0] != '/')
		add_error(v->errs, path, v->top.line[find_key(SEC_CP, "admin_socket") - key_specs],
			  "cp", "admin_socket", "'%s' is not an absolute path",
			  cfg->cp.admin_socket);

	if (cfg->dp.huge_dir[0] != '\0') {
		int line = v->top.line[find_key(SEC_DP, "huge_dir") - key_specs];
		if (!cfg->dp.hugepages)
			add_error(v->errs, path, line, "dp", "huge_dir",
				  "set, but hugepages = no (set hugepages = yes or remove it)");
		if (cfg->dp.huge_dir[0] != '/')
			add_error(v->errs, path, line, "dp", "huge_dir",
				  "'%s' is not an absolute path", cfg->dp.huge_dir);
	}

	if (cfg->n_ports == 0)
		add_error(v->errs, path, 0, NULL, NULL,
			  "no [port.NAME] section: the data plane needs at least one port");

	for (unsigned i = 0; i < cfg->n_ports; i++) {
		struct pmip_config_port *p = &cfg->ports[i];
		char section[40];
		snprintf(section, sizeof(section), "port.%s", p->name);
		int kind_line = v->port[i].line[find_key(SEC_PORT, "kind") - key_specs];
		int dev_line = v->port[i].line[find_key(SEC_PORT, "device") - key_specs];
		if (p->kind != PMIP_PORT_NONE)
			n_kind[p->kind]++;
		if (cfg->role == PMIP_ROLE_MAG && p->kind == PMIP_PORT_NETWORK)
			add_error(v->errs, path, kind_line, section, "kind",
				  "a MAG has access and core ports, not network ports");
		if (cfg->role == PMIP_ROLE_LMA && p->kind == PMIP_PORT_ACCESS)
			add_error(v->errs, path, kind_line, section, "kind",
				  "an LMA has core and network ports, not access ports");
		if (p->kind == PMIP_PORT_CORE && p->mtu < 1320) {
			int mtu_line = v->port[i].line[find_key(SEC_PORT, "mtu") - key_specs];
			add_error(v->errs, path, mtu_line ? mtu_line : p->line, section, "mtu",
				  "%u is below 1320: a core link must carry a 1280-byte packet plus the 40-byte tunnel header (RFC 2473 7)",
				  p->mtu);
		}
		if ((p->kind == PMIP_PORT_CORE || p->kind == PMIP_PORT_NETWORK) && p->n_addrs == 0)
			add_error(v->errs, path, p->line, section, "address",
				  "a %s port needs at least one address",
				  kind_names[p->kind]);
		for (unsigned j = 0; j < i; j++) {
			if (p->device[0] != '\0' && strcmp(p->device, cfg->ports[j].device) == 0)
				add_error(v->errs, path, dev_line, section, "device",
					  "same device as [port.%s]", cfg->ports[j].name);
		}
		for (unsigned a = 0; a < p->n_addrs; a++) {
			for (unsigned j = 0; j <= i; j++) {
				const struct pmip_config_port *q = &cfg->ports[j];
				unsigned limit = j == i ? a : q->n_addrs;
				for (unsigned b = 0; b < limit; b++) {
					if (prefix_equal(&p->addrs[a], &q->addrs[b])) {
						char txt[INET6_ADDRSTRLEN];
						inet_ntop(AF_INET6, &p->addrs[a].addr, txt,
							  sizeof(txt));
						add_error(v->errs, path, v->addr_line[i][a], section,
							  "address",
							  "%s is also configured on [port.%s]", txt,
							  q->name);
					}
				}
			}
		}
	}
	if (cfg->role == PMIP_ROLE_MAG && (n_kind[PMIP_PORT_ACCESS] == 0 || n_kind[PMIP_PORT_CORE] == 0))
		add_error(v->errs, path, v->section_line[SEC_GATEWAY], "gateway", "role",
			  "a MAG needs at least one access port and one core port (has %u and %u)",
			  n_kind[PMIP_PORT_ACCESS], n_kind[PMIP_PORT_CORE]);
	if (cfg->role == PMIP_ROLE_LMA && (n_kind[PMIP_PORT_CORE] == 0 || n_kind[PMIP_PORT_NETWORK] == 0))
		add_error(v->errs, path, v->section_line[SEC_GATEWAY], "gateway", "role",
			  "an LMA needs at least one core port and one network port (has %u and %u)",
			  n_kind[PMIP_PORT_CORE], n_kind[PMIP_PORT_NETWORK]);
}

int pmip_config_validate(const struct pmip_config_raw *raw, struct pmip_config *cfg,
			 struct pmip_config_errors *errs)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->path, sizeof(cfg->path), "%s", raw->path);
	struct vctx *v = calloc(1, sizeof(*v));
	if (v == NULL) {
		add_error(errs, raw->path, 0, NULL, NULL, "out of memory");
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

	apply_defaults(v, SEC_GATEWAY, cfg, &v->top, "gateway", v->section_line[SEC_GATEWAY]);
	apply_defaults(v, SEC_DP, cfg, &v->top, "dp", v->section_line[SEC_DP]);
	apply_defaults(v, SEC_CP, cfg, &v->top, "cp", v->section_line[SEC_CP]);
	apply_defaults(v, SEC_LOG, cfg, &v->top, "log", v->section_line[SEC_LOG]);
	for (unsigned i = 0; i < cfg->n_ports; i++) {
		char section[40];
		snprintf(section, sizeof(section), "port.%s", cfg->ports[i].name);
		apply_defaults(v, SEC_PORT, &cfg->ports[i], &v->port[i], section,
			       cfg->ports[i].line);
	}
	cross_checks(v);
	free(v);
	return errs->n > before ? -1 : 0;
}

int pmip_config_load(const char *path, struct pmip_config *cfg, struct pmip_config_errors *errs)
{
	struct pmip_config_raw raw;
	memset(errs, 0, sizeof(*errs));
	int rc = pmip_config_parse(path, &raw, errs);
	if (rc == 0)
		rc = pmip_config_validate(&raw, cfg, errs);
	pmip_config_raw_free(&raw);
	return rc;
}

const char *pmip_role_name(enum pmip_role role)
{
	return (unsigned)role < 3 && role != PMIP_ROLE_NONE ? role_names[role] : "none";
}

const char *pmip_port_kind_name(enum pmip_port_kind kind)
{
	return (unsigned)kind < 4 && kind != PMIP_PORT_NONE ? kind_names[kind] : "none";
}

int pmip_config_port_index(const struct pmip_config *cfg, const char *name)
{
	for (unsigned i = 0; i < cfg->n_ports; i++)
		if (strcmp(cfg->ports[i].name, name) == 0)
			return (int)i;
	return -1;
}
