/* EAL command line built from the ini. */
#include <criterion/criterion.h>
#include <string.h>

#include "config.h"
#include "eal_args.h"

static int load(const char *text, struct pmip_config *cfg)
{
	struct pmip_config_raw raw;
	struct pmip_config_errors errs = { 0 };
	int rc = pmip_config_parse_string(text, "t.ini", &raw, &errs);
	if (rc == 0)
		rc = pmip_config_validate(&raw, cfg, &errs);
	pmip_config_raw_free(&raw);
	return rc;
}

static char *joined(const struct dp_eal_args *a)
{
	static char buf[4096];
	buf[0] = '\0';
	for (int i = 0; i < a->argc; i++) {
		strcat(buf, a->argv[i]);
		strcat(buf, i + 1 < a->argc ? " " : "");
	}
	return buf;
}

Test(eal_args, vdev_no_huge)
{
	static struct pmip_config cfg;
	static struct dp_eal_args a;
	char err[128];
	cr_assert_eq(load("[gateway]\nrole = mag\nname = m1\n[dp]\nlcores = 0,1\nmemory_mb = 128\n"
			  "[port.a]\ndevice = net_af_packet0,iface=acc0\nkind = access\n"
			  "[port.c]\ndevice = net_af_packet1,iface=core0\nkind = core\naddress = 2001:db8::1/64\n",
			  &cfg), 0);
	cr_assert_eq(dp_eal_args_build(&cfg, "pmip-dp", &a, err, sizeof(err)), 0);
	cr_assert_str_eq(joined(&a),
			 "pmip-dp -l 0,1 --main-lcore 0 --file-prefix pmip-m1 -m 128 --no-huge --no-shconf "
			 "--vdev net_af_packet0,iface=acc0 --vdev net_af_packet1,iface=core0 --no-pci --log-level=6");
	cr_assert_str_eq(a.file_prefix, "pmip-m1");
	cr_assert_null(a.argv[a.argc]);
}

Test(eal_args, pci_hugepages)
{
	static struct pmip_config cfg;
	static struct dp_eal_args a;
	char err[128];
	cr_assert_eq(load("[gateway]\nrole = lma\nname = l\n[dp]\nlcores = 2-4\nhugepages = yes\nhuge_dir = /mnt/h\n"
			  "[log]\nlevel = debug\n"
			  "[port.c]\ndevice = 0000:3b:00.0\nkind = core\naddress = 2001:db8::1/64\n"
			  "[port.n]\ndevice = 3b:00.1,rxq_cqe_comp_en=0\nkind = network\naddress = 2001:db8:1::1/64\n",
			  &cfg), 0);
	cr_assert_eq(dp_eal_args_build(&cfg, "pmip-dp", &a, err, sizeof(err)), 0);
	cr_assert_str_eq(joined(&a),
			 "pmip-dp -l 2-4 --main-lcore 2 --file-prefix pmip-l -m 256 --in-memory --huge-dir /mnt/h "
			 "-a 0000:3b:00.0 -a 3b:00.1,rxq_cqe_comp_en=0 --log-level=7");
}

/* More lcores than CPUs (the lab's two workers on a 2-CPU machine): one
 * EAL lcore group over the CPU set instead of -l. */
Test(eal_args, lcores_share_cpus)
{
	static struct pmip_config cfg;
	static struct dp_eal_args a;
	char err[128];
	cr_assert_eq(load("[gateway]\nrole = mag\nname = m1\n[dp]\nlcores = 0-2\ncpus = 0-1\n"
			  "[port.a]\ndevice = net_af_packet0,iface=acc0,qpairs=2\nkind = access\n"
			  "[port.c]\ndevice = net_af_packet1,iface=core0,qpairs=2\nkind = core\naddress = 2001:db8::1/64\n",
			  &cfg), 0);
	cr_assert_eq(cfg.dp.n_cpus, 2);
	cr_assert_eq(dp_eal_args_build(&cfg, "pmip-dp", &a, err, sizeof(err)), 0);
	cr_assert_str_eq(joined(&a),
			 "pmip-dp --lcores (0-2)@(0-1) --main-lcore 0 --file-prefix pmip-m1 -m 256 --no-huge --no-shconf "
			 "--vdev net_af_packet0,iface=acc0,qpairs=2 --vdev net_af_packet1,iface=core0,qpairs=2 --no-pci --log-level=6");
}

Test(eal_args, device_kinds_and_names)
{
	char n[64];
	cr_assert(dp_device_is_pci("0000:3b:00.0"));
	cr_assert(dp_device_is_pci("3b:00.7"));
	cr_assert(dp_device_is_pci("0000:3b:00.1,arg=1"));
	cr_assert_not(dp_device_is_pci("3b:00.8"));
	cr_assert_not(dp_device_is_pci("net_af_packet0,iface=x"));
	cr_assert_not(dp_device_is_pci("net_null0"));
	cr_assert_not(dp_device_is_pci(""));
	dp_device_ethdev_name("net_af_packet0,iface=acc0", n, sizeof(n));
	cr_assert_str_eq(n, "net_af_packet0");
	dp_device_ethdev_name("3b:00.1,x=1", n, sizeof(n));
	cr_assert_str_eq(n, "0000:3b:00.1");
	dp_device_ethdev_name("0000:3b:00.1", n, sizeof(n));
	cr_assert_str_eq(n, "0000:3b:00.1");
}
