/* Build the EAL command line from the validated config. See eal_args.h. */
#include "eal_args.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int add(struct dp_eal_args *a, const char *s)
{
	size_t n = strlen(s) + 1;
	if (a->argc >= DP_EAL_MAX_ARGS || a->used + n > sizeof(a->storage))
		return -1;
	char *dst = a->storage + a->used;
	memcpy(dst, s, n);
	a->used += n;
	a->argv[a->argc++] = dst;
	a->argv[a->argc] = NULL;
	return 0;
}

static bool hexdigits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* dddd:bb:dd.f or bb:dd.f, then end or ','. */
bool dp_device_is_pci(const char *d)
{
	if (hexdigits(d, 4) && d[4] == ':')
		d += 5;
	return hexdigits(d, 2) && d[2] == ':' && hexdigits(d + 3, 2) && d[5] == '.' &&
	       d[6] >= '0' && d[6] <= '7' && (d[7] == '\0' || d[7] == ',');
}

void dp_device_ethdev_name(const char *device, char *out, size_t outlen)
{
	size_t n = strcspn(device, ",");
	if (dp_device_is_pci(device) && n == 7)
		snprintf(out, outlen, "0000:%.*s", (int)n, device);
	else
		snprintf(out, outlen, "%.*s", (int)n, device);
}

/* Our log level -> EAL's (RTE_LOG_ERR 4 ... RTE_LOG_DEBUG 8). EAL at INFO is
 * chatty, so info maps to NOTICE and debug to INFO. */
static int eal_log_level(enum pmip_log_level l)
{
	switch (l) {
	case PMIP_LOG_ERR:
		return 4;
	case PMIP_LOG_WARNING:
		return 5;
	case PMIP_LOG_NOTICE:
	case PMIP_LOG_INFO:
		return 6;
	case PMIP_LOG_DEBUG:
		return 7;
	}
	return 6;
}

int dp_eal_args_build(const struct pmip_config *cfg, const char *prog, struct dp_eal_args *a,
		      char *err, size_t errlen)
{
	memset(a, 0, sizeof(*a));
	char buf[320]; /* room for "(lcores)@(cpus)" */
	int rc = 0;

	snprintf(a->file_prefix, sizeof(a->file_prefix), "pmip-%s", cfg->name);
	rc |= add(a, prog);
	if (cfg->dp.cpus[0] != '\0') {
		/* One group: every lcore may run on any of the CPUs. */
		snprintf(buf, sizeof(buf), "(%s)@(%s)", cfg->dp.lcores, cfg->dp.cpus);
		rc |= add(a, "--lcores");
		rc |= add(a, buf);
	} else {
		rc |= add(a, "-l");
		rc |= add(a, cfg->dp.lcores);
	}
	snprintf(buf, sizeof(buf), "%u", cfg->dp.lcore_ids[0]);
	rc |= add(a, "--main-lcore");
	rc |= add(a, buf);
	rc |= add(a, "--file-prefix");
	rc |= add(a, a->file_prefix);
	snprintf(buf, sizeof(buf), "%u", cfg->dp.memory_mb);
	rc |= add(a, "-m");
	rc |= add(a, buf);
	if (cfg->dp.hugepages) {
		/* No hugepage files outlive us, and nothing on disk to clean:
		 * dp has no secondary processes (cp does not use the EAL). */
		rc |= add(a, "--in-memory");
		if (cfg->dp.huge_dir[0] != '\0') {
			rc |= add(a, "--huge-dir");
			rc |= add(a, cfg->dp.huge_dir);
		}
	} else {
		/* --no-huge implies legacy memory, which --in-memory refuses;
		 * --no-shconf keeps the runtime directory empty instead. */
		rc |= add(a, "--no-huge");
		rc |= add(a, "--no-shconf");
	}
	bool any_pci = false;
	for (unsigned i = 0; i < cfg->n_ports; i++) {
		const char *dev = cfg->ports[i].device;
		if (dp_device_is_pci(dev)) {
			any_pci = true;
			rc |= add(a, "-a");
		} else {
			rc |= add(a, "--vdev");
		}
		rc |= add(a, dev);
	}
	if (!any_pci)
		rc |= add(a, "--no-pci");
	snprintf(buf, sizeof(buf), "--log-level=%d", eal_log_level(cfg->log.level));
	rc |= add(a, buf);
	if (rc != 0) {
		snprintf(err, errlen, "EAL arguments exceed %d arguments or %zu bytes",
			 DP_EAL_MAX_ARGS, sizeof(a->storage));
		return -1;
	}
	return 0;
}
