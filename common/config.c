/* Configuration, step 1 (parse the ini with inih into entries) and the
 * public helpers. Validation: config_validate.c; keys: config_schema.c. */
#include "config_internal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <getopt.h>
#include <ini.h>

/* ------------------------------------------------------------- errors -- */

void cfg_add_error(struct pmip_config_errors *errs, const char *path, int line,
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
		cfg_add_error(c->errs, c->raw->path, c->line, NULL, NULL,
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
		cfg_add_error(c->errs, c->raw->path, 0, NULL, NULL, "out of memory");
		return -1;
	}
	if (rc > 0)
		cfg_add_error(c->errs, c->raw->path, rc, NULL, NULL,
			  "syntax error (want [section], key = value, or a ;/# comment)");
	else if (rc < 0)
		cfg_add_error(c->errs, c->raw->path, 0, NULL, NULL, "cannot read the file");
	return c->errs->n ? -1 : 0;
}

int pmip_config_parse(const char *path, struct pmip_config_raw *raw,
		      struct pmip_config_errors *errs)
{
	memset(raw, 0, sizeof(*raw));
	snprintf(raw->path, sizeof(raw->path), "%s", path);
	FILE *f = fopen(path, "re");
	if (f == NULL) {
		cfg_add_error(errs, path, 0, NULL, NULL, "cannot open: %s", strerror(errno));
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
	return (unsigned)role < 3 && role != PMIP_ROLE_NONE ? cfg_role_names[role] : "none";
}

const char *pmip_port_kind_name(enum pmip_port_kind kind)
{
	return (unsigned)kind < 4 && kind != PMIP_PORT_NONE ? cfg_kind_names[kind] : "none";
}

int pmip_config_port_index(const struct pmip_config *cfg, const char *name)
{
	for (unsigned i = 0; i < cfg->n_ports; i++)
		if (strcmp(cfg->ports[i].name, name) == 0)
			return (int)i;
	return -1;
}

const struct pmip_config_peer *pmip_config_peer_by_addr(const struct pmip_config *cfg,
							 const struct in6_addr *addr)
{
	for (unsigned i = 0; i < cfg->ike.n_peers; i++)
		if (memcmp(&cfg->ike.peers[i].address, addr, sizeof(*addr)) == 0)
			return &cfg->ike.peers[i];
	return NULL;
}

int pmip_config_from_args(int argc, char **argv, const char *prog, void (*usage)(FILE *out),
			  struct pmip_config *cfg, const char **path, bool *check_only)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pmip_config_errors errs;
	int o;

	*path = NULL;
	*check_only = false;
	while ((o = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			*path = optarg;
			break;
		case 'C':
			*path = optarg;
			*check_only = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (*path == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (pmip_config_load(*path, cfg, &errs) != 0) {
		pmip_config_errors_print(&errs);
		fprintf(stderr, "%s: %s: configuration rejected, nothing started\n", prog, *path);
		return 1;
	}
	return -1;
}
