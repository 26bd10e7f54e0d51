/* Internals of the configuration module, shared by its three files:
 *   config.c           step 1 (parse) and the public helpers
 *   config_validate.c  step 2's engine: typed keys, sections, defaults
 *   config_schema.c    the keys of every section and the cross-key rules
 */
#ifndef PMIP_COMMON_CONFIG_INTERNAL_H
#define PMIP_COMMON_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

enum key_type {
	KT_STRING,  /* bounded string, min = minimum length */
	KT_NAME,    /* [a-z][a-z0-9_-]*, max = buffer size */
	KT_UINT,    /* unsigned in [min, max] */
	KT_POW2,    /* power of two in [min, max] */
	KT_BOOL,    /* yes/no/true/false/on/off/1/0 */
	KT_ENUM,    /* one of names[], stored as the index */
	KT_PREFIX,  /* IPv6 address/len, repeatable up to max (count at count_off) */
	KT_LCORES,  /* EAL lcore list */
	KT_CPUS,    /* CPU list (same syntax as lcores, at least one) */
	KT_LOG_TARGET,
	KT_SHM_NAME,
	KT_ROUTE,   /* "PREFIX/LEN via ADDR", repeatable up to max (count at count_off) */
	KT_ADDR,    /* one unicast IPv6 address */
	KT_PREFIX1, /* one IPv6 prefix (e.g. an address pool), sets the bool at count_off */
};

/* Plain sections ([gateway]...) and repeated ones ([port.NAME]...). */
enum section_kind { SEC_GATEWAY, SEC_DP, SEC_CP, SEC_LOG, SEC_IKE, SEC_PMIP, SEC_PORT, SEC_PEER, SEC_COUNT };

struct key_spec {
	enum section_kind sec;
	const char *key;
	enum key_type type;
	size_t offset;     /* in struct pmip_config, or in the instance struct */
	size_t size;       /* of the destination field */
	unsigned long min, max;
	const char *const *names;
	bool required;
	const char *dflt;  /* applied when absent; NULL: leave zero */
	const char *help;  /* what a valid value looks like, for messages */
	size_t count_off;  /* list keys: the counter in the instance struct */
};

/* A section repeated per NAME: its prefix and where its array lives. */
struct instance_kind {
	enum section_kind sec;
	const char *prefix;  /* "port." */
	const char *what;    /* "port": for messages */
	unsigned max;
	size_t elem_size;
	size_t array_off;    /* in struct pmip_config */
	size_t count_off;    /* unsigned, in struct pmip_config */
	size_t line_off;     /* int, in the element; the name is the first field */
};

#define CFG_MAX_INSTANCES PMIP_CFG_MAX_PEERS
#define CFG_MAX_LIST 8

extern const struct key_spec cfg_key_specs[];
extern const size_t cfg_n_key_specs;
extern const struct instance_kind cfg_instances[];
extern const size_t cfg_n_instances;
extern const char *const cfg_role_names[];
extern const char *const cfg_kind_names[];

/* Validation state. */
struct seen {
	int line[96];          /* per key spec: first line it was set at */
	int list_line[96][CFG_MAX_LIST]; /* list keys: the line of each item */
};

struct vctx {
	const char *path;
	struct pmip_config *cfg;
	struct pmip_config_errors *errs;
	struct seen top;
	struct seen inst[SEC_COUNT][CFG_MAX_INSTANCES];
	int section_line[SEC_COUNT];
};

const struct key_spec *cfg_find_key(enum section_kind sec, const char *key);
/* Line a key was set at in a plain section (top) or instance, 0 if unset. */
int cfg_key_line(const struct seen *seen, enum section_kind sec, const char *key);
/* Step 2's cross-key rules (config_schema.c). */
void cfg_cross_checks(struct vctx *v);
bool cfg_valid_name(const char *s, size_t cap);

#endif
