/* The process-wide data-plane state and the counter names: shared by
 * pmip-dp, its tests and its benchmarks (dp_core library). */
#define LOG_MODULE "main"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dp.h"
#include "log.h"

struct dp_ctx dp;

const char *const dp_drop_names[DP_DROP_COUNT] = {
#define DP_DROP_NAME(code, name, help) [DP_DROP_##code] = name,
	DP_DROP_REASONS(DP_DROP_NAME)
#undef DP_DROP_NAME
};

const char *const dp_drop_help[DP_DROP_COUNT] = {
#define DP_DROP_HELP(code, name, help) [DP_DROP_##code] = help,
	DP_DROP_REASONS(DP_DROP_HELP)
#undef DP_DROP_HELP
};

uint64_t dp_stats_sum_at(size_t offset)
{
	uint64_t v = 0;
	for (unsigned w = 0; w < dp.n_workers; w++)
		v += __atomic_load_n((const uint64_t *)((const uint8_t *)&dp.workers[w].stats + offset),
				     __ATOMIC_RELAXED);
	v += __atomic_load_n((const uint64_t *)((const uint8_t *)&dp.main_stats + offset),
			     __ATOMIC_RELAXED);
	return v;
}

uint64_t dp_stats_sum_drop(enum dp_drop_reason r)
{
	return dp_stats_sum_at(offsetof(struct dp_lcore_stats, drop) + r * sizeof(uint64_t));
}

/* EAL leaves its runtime directory behind, and the telemetry socket in it
 * is only unlinked at exit. The directory is ours alone (our file prefix):
 * empty it and remove it, and its parent if nobody else uses it. */
void dp_remove_runtime_dir(const char *dir)
{
	if (dir[0] == '\0')
		return;
	DIR *d = opendir(dir);
	if (d != NULL) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			if (unlinkat(dirfd(d), e->d_name, 0) != 0)
				pmip_warn("cannot remove %s/%s: %s", dir, e->d_name, strerror(errno));
		}
		closedir(d);
	}
	if (rmdir(dir) != 0 && errno != ENOENT)
		pmip_warn("cannot remove runtime directory %s: %s", dir, strerror(errno));
	char parent[PATH_MAX];
	snprintf(parent, sizeof(parent), "%s", dir);
	char *slash = strrchr(parent, '/');
	if (slash != NULL) {
		*slash = '\0';
		rmdir(parent);
	}
}

void dp_conf_port_macs(struct dp_tables_conf *c)
{
	for (unsigned i = 0; i < dp.n_ports && i < PMIP_CFG_MAX_PORTS; i++)
		memcpy(c->port_macs[i], dp.ports[i].mac, 6);
}
