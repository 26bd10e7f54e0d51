/* EAL arguments built from the ini file, so that an operator keeps one file
 * and never a command line in sync with it. Pure: no EAL needed, unit tested. */
#ifndef PMIP_DP_EAL_ARGS_H
#define PMIP_DP_EAL_ARGS_H

#include <stdbool.h>

#include "config.h"

#define DP_EAL_MAX_ARGS 64

struct dp_eal_args {
	int argc;
	char *argv[DP_EAL_MAX_ARGS + 1];
	char storage[8192];      /* the argument strings */
	size_t used;
	char file_prefix[64];    /* "pmip-NAME": runtime dir /var/run/dpdk/<prefix> */
};

/* Is this device string a PCI address (optionally with ",args")? */
bool dp_device_is_pci(const char *device);
/* The ethdev name DPDK gives the device: the vdev name before the first ','
 * or the PCI address in full domain:bus:dev.fn form. */
void dp_device_ethdev_name(const char *device, char *out, size_t outlen);

/* Returns 0, or -1 with err set. */
int dp_eal_args_build(const struct pmip_config *cfg, const char *prog, struct dp_eal_args *out,
		      char *err, size_t errlen);

#endif
