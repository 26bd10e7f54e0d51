/* Config: parse -> validate, good and bad files. Every broken rule must come
 * back as "FILE:LINE: section.key: what is wrong" naming the right line. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

#define GOOD_MAG                                 \
	"[gateway]\n"              /* 1 */       \
	"role = mag\n"             /* 2 */       \
	"name = mag1\n"            /* 3 */       \
	"[dp]\n"                   /* 4 */       \
	"lcores = 0,1\n"           /* 5 */       \
	"idle_sleep_us = 500\n"    /* 6 */       \
	"[port.acc0]\n"            /* 7 */       \
	"device = net_af_packet0,iface=acc0\n" /* 8 */ \
	"kind = access\n"          /* 9 */       \
	"address = 2001:db8:a1::1/64\n" /* 10 */ \
	"[port.core0]\n"           /* 11 */      \
	"device = 0000:3b:00.1\n"  /* 12 */      \
	"kind = core\n"            /* 13 */      \
	"address = 2001:db8:c::1/64\n" /* 14 */

static int load_string(const char *text, struct pmip_config *cfg, struct pmip_config_errors *errs)
{
	struct pmip_config_raw raw;
	memset(errs, 0, sizeof(*errs));
	int rc = pmip_config_parse_string(text, "t.ini", &raw, errs);
	if (rc == 0)
		rc = pmip_config_validate(&raw, cfg, errs);
	pmip_config_raw_free(&raw);
	return rc;
}

static bool has_error(const struct pmip_config_errors *errs, const char *want)
{
	for (unsigned i = 0; i < errs->n && i < PMIP_CFG_MAX_ERRORS; i++)
		if (strstr(errs->msg[i], want) != NULL)
			return true;
	return false;
}

static void dump(const struct pmip_config_errors *errs)
{
	for (unsigned i = 0; i < errs->n && i < PMIP_CFG_MAX_ERRORS; i++)
		cr_log_info("%s", errs->msg[i]);
}

Test(config, good_mag_values)
{
	static struct pmip_config cfg;
	struct pmip_config_errors errs;
	int rc = load_string(GOOD_MAG, &cfg, &errs);
	dump(&errs);
	cr_assert_eq(rc, 0);
	cr_assert_eq(cfg.role, PMIP_ROLE_MAG);
	cr_assert_str_eq(cfg.name, "mag1");
	cr_assert_str_eq(cfg.shm_name, "/pmip-mag1", "default shm name from the gateway name");
	cr_assert_eq(cfg.dp.n_lcores, 2);
	cr_assert_eq(cfg.dp.lcore_ids[0], 0);
	cr_assert_eq(cfg.dp.lcore_ids[1], 1);
	cr_assert_eq(cfg.dp.idle_sleep_us, 500);
	cr_assert_eq(cfg.dp.memory_mb, 256, "default");
	cr_assert_eq(cfg.dp.ring_size, 1024, "default");
	cr_assert_eq(cfg.dp.burst, 32, "default");
	cr_assert_eq(cfg.dp.hugepages, false);
	cr_assert_eq(cfg.log.level, PMIP_LOG_INFO);
	cr_assert_str_eq(cfg.log.target, "stderr");
	cr_assert_eq(cfg.n_ports, 2);
	cr_assert_str_eq(cfg.ports[0].name, "acc0");
	cr_assert_str_eq(cfg.ports[0].device, "net_af_packet0,iface=acc0");
	cr_assert_eq(cfg.ports[0].kind, PMIP_PORT_ACCESS);
	cr_assert_eq(cfg.ports[0].mtu, 1500);
	cr_assert_eq(cfg.ports[0].n_addrs, 1);
	struct in6_addr want;
	inet_pton(AF_INET6, "2001:db8:a1::1", &want);
	cr_assert_arr_eq(&cfg.ports[0].addrs[0].addr, &want, 16);
	cr_assert_eq(cfg.ports[0].addrs[0].len, 64);
	cr_assert_eq(cfg.ports[1].kind, PMIP_PORT_CORE);
	cr_assert_eq(pmip_config_port_index(&cfg, "core0"), 1);
	cr_assert_eq(pmip_config_port_index(&cfg, "nope"), -1);
}

Test(config, lcore_ranges_and_repeated_addresses)
{
	static struct pmip_config cfg;
	struct pmip_config_errors errs;
	const char *text = "[gateway]\nrole = lma\nname = l\n[dp]\nlcores = 2-4,7\n"
			   "[port.c]\ndevice = net_null0\nkind = core\n"
			   "address = 2001:db8::1/64\naddress = 2001:db8:1::1/48\n"
			   "[port.n]\ndevice = net_null1\nkind = network\naddress = 2001:db8:2::1/64\n";
	int rc = load_string(text, &cfg, &errs);
	dump(&errs);
	cr_assert_eq(rc, 0);
	cr_assert_eq(cfg.dp.n_lcores, 4);
	unsigned want[] = { 2, 3, 4, 7 };
	for (unsigned i = 0; i < 4; i++)
		cr_assert_eq(cfg.dp.lcore_ids[i], want[i]);
	cr_assert_str_empty(cfg.dp.cpus, "no cpus: each lcore on its own CPU");
	cr_assert_eq(cfg.ports[0].n_addrs, 2);
	cr_assert_eq(cfg.ports[0].addrs[1].len, 48);
}

Test(config, shipped_examples_are_valid)
{
	const char *files[] = { "config/mag.ini", "config/lma.ini", "config/lab/mag1.ini",
				"config/lab/lma1.ini" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		static struct pmip_config cfg;
		struct pmip_config_errors errs;
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", PMIP_SOURCE_ROOT, files[i]);
		int rc = pmip_config_load(path, &cfg, &errs);
		dump(&errs);
		cr_assert_eq(rc, 0, "%s must validate", files[i]);
	}
}

struct bad_case {
	const char *what;
	const char *text;
	const char *want; /* substring of one error */
};

/* GOOD_MAG with one line replaced or appended. */
static const struct bad_case bad_cases[] = {
	{ "syntax", "[gateway\nrole = mag\n", "t.ini:1: syntax error" },
	{ "unknown section", GOOD_MAG "[bogus]\nx = 1\n", "t.ini:16: [bogus]: unknown section" },
	{ "unknown key", GOOD_MAG "[dp]\nfrobnicate = 1\n", "t.ini:16: dp.frobnicate: unknown key" },
	{ "repeated key", GOOD_MAG "[gateway]\nrole = lma\n",
	  "t.ini:16: gateway.role: repeated (first set at line 2)" },
	{ "bad role", "[gateway]\nrole = ha\nname = x\n", "t.ini:2: gateway.role: 'ha' is not one of: mag or lma" },
	{ "missing role", "[gateway]\nname = x\n", "gateway.role: required key is missing" },
	{ "bad name", "[gateway]\nrole = mag\nname = 9lives\n", "t.ini:3: gateway.name: not a valid name" },
	{ "number", GOOD_MAG "[dp]\nburst = 12x\n", "t.ini:16: dp.burst: '12x' is not a whole number in [1, 256]" },
	{ "range", GOOD_MAG "[dp]\nmemory_mb = 2000000\n", "t.ini:16: dp.memory_mb: '2000000' is not a whole number in [64, 1048576]" },
	{ "negative", GOOD_MAG "[dp]\nmemory_mb = -5\n", "dp.memory_mb: '-5' is not a whole number" },
	{ "pow2", GOOD_MAG "[dp]\nring_size = 1000\n", "t.ini:16: dp.ring_size: '1000' is not a power of two in [64, 65536]" },
	{ "bool", GOOD_MAG "[dp]\nhugepages = maybe\n", "dp.hugepages: 'maybe' is not yes or no" },
	{ "one lcore", "[gateway]\nrole = mag\nname = m\n[dp]\nlcores = 3\n", "t.ini:5: dp.lcores: '3': need a main lcore and at least one worker" },
	{ "lcore twice", "[dp]\nlcores = 1,1\n", "dp.lcores: '1,1': a core is listed twice" },
	{ "lcore range", "[dp]\nlcores = 4-2\n", "dp.lcores: '4-2': core range must be increasing" },
	{ "lcore junk", "[dp]\nlcores = 0;1\n", "dp.lcores" },
	{ "cpus empty", GOOD_MAG "[dp]\ncpus = ,\n", "dp.cpus: ',': expected a core number" },
	{ "cpus twice", GOOD_MAG "[dp]\ncpus = 0-1,1\n", "dp.cpus: '0-1,1': a core is listed twice" },
	{ "huge_dir without hugepages", GOOD_MAG "[dp]\nhuge_dir = /mnt/huge\n", "t.ini:16: dp.huge_dir: set, but hugepages = no" },
	{ "huge_dir relative", GOOD_MAG "[dp]\nhugepages = yes\nhuge_dir = mnt\n", "dp.huge_dir: 'mnt' is not an absolute path" },
	{ "log level", GOOD_MAG "[log]\nlevel = loud\n", "t.ini:16: log.level: 'loud' is not one of" },
	{ "log target", GOOD_MAG "[log]\ntarget = file:relative\n", "log.target: want stderr, syslog or file:/absolute/path" },
	{ "shm name", GOOD_MAG "[gateway]\nshm_name = no-slash\n", "t.ini:16: gateway.shm_name: want /NAME" },
	{ "address no len", GOOD_MAG "[port.acc0]\naddress = 2001:db8::5\n", "t.ini:16: port.acc0.address: '2001:db8::5' missing /prefix-length" },
	{ "address garbage", GOOD_MAG "[port.acc0]\naddress = 2001:zz::1/64\n", "'2001:zz::1/64' not an IPv6 address" },
	{ "address multicast", GOOD_MAG "[port.acc0]\naddress = ff02::1/64\n", "is multicast" },
	{ "address link-local", GOOD_MAG "[port.acc0]\naddress = fe80::1/64\n", "is link-local" },
	{ "address len", GOOD_MAG "[port.acc0]\naddress = 2001:db8::9/129\n", "prefix length must be 1..128" },
	{ "address twice", GOOD_MAG "[port.core0]\naddress = 2001:db8:a1::1/64\n", "t.ini:16: port.core0.address: 2001:db8:a1::1 is also configured on [port.acc0]" },
	{ "too many addresses", GOOD_MAG "[port.acc0]\naddress = 2001:db8:9::1/64\naddress = 2001:db8:9::2/64\naddress = 2001:db8:9::3/64\naddress = 2001:db8:9::4/64\n", "t.ini:19: port.acc0.address: more than 4 addresses" },
	{ "port without device", GOOD_MAG "[port.x]\nkind = access\n", "t.ini:16: port.x.device: required key is missing" },
	{ "port bad kind", GOOD_MAG "[port.acc0]\nkind = edge\n", "port.acc0.kind" },
	{ "port name", GOOD_MAG "[port.Bad!]\ndevice = net_null0\nkind = access\n", "[port.Bad!]: port name 'Bad!' must be a letter" },
	{ "same device", GOOD_MAG "[port.acc1]\ndevice = net_af_packet0,iface=acc0\nkind = access\n", "t.ini:16: port.acc1.device: same device as [port.acc0]" },
	{ "mag with network port", GOOD_MAG "[port.n]\ndevice = net_null5\nkind = network\naddress = 2001:db8:77::1/64\n", "t.ini:17: port.n.kind: a MAG has access and core ports, not network ports" },
	{ "lma with access port", "[gateway]\nrole = lma\nname = l\n[port.a]\ndevice = net_null0\nkind = access\n", "t.ini:6: port.a.kind: an LMA has core and network ports" },
	{ "mag without core", "[gateway]\nrole = mag\nname = m\n[port.a]\ndevice = net_null0\nkind = access\n", "t.ini:2: gateway.role: a MAG needs at least one access port and one core port (has 1 and 0)" },
	{ "core without address", "[gateway]\nrole = mag\nname = m\n[port.a]\ndevice = net_null0\nkind = access\n[port.c]\ndevice = net_null1\nkind = core\n", "t.ini:8: port.c.address: a core port needs at least one address" },
	{ "no ports", "[gateway]\nrole = mag\nname = m\n", "no [port.NAME] section" },
	{ "mtu", GOOD_MAG "[port.acc0]\nmtu = 100\n", "port.acc0.mtu: '100' is not a whole number in [1280, 9000]" },
	{ "long line", "[gateway]\nname = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\nrole = mag\n", "t.ini:2: line too long" },
};

Test(config, bad_inputs_name_the_broken_rule)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		static struct pmip_config cfg;
		struct pmip_config_errors errs;
		int rc = load_string(bad_cases[i].text, &cfg, &errs);
		if (!has_error(&errs, bad_cases[i].want))
			dump(&errs);
		cr_expect_eq(rc, -1, "%s: must be rejected", bad_cases[i].what);
		cr_expect(has_error(&errs, bad_cases[i].want), "%s: want an error containing \"%s\"",
			  bad_cases[i].what, bad_cases[i].want);
	}
}

Test(config, all_errors_reported_at_once)
{
	static struct pmip_config cfg;
	struct pmip_config_errors errs;
	int rc = load_string("[gateway]\nrole = x\nname = 1\n[dp]\nburst = 0\nmbufs = z\n", &cfg, &errs);
	cr_assert_eq(rc, -1);
	cr_assert_geq(errs.n, 5, "role, name, burst, mbufs and the missing ports: got %u", errs.n);
}

Test(config, missing_file)
{
	static struct pmip_config cfg;
	struct pmip_config_errors errs;
	cr_assert_eq(pmip_config_load("/nonexistent/pmip.ini", &cfg, &errs), -1);
	cr_assert(has_error(&errs, "/nonexistent/pmip.ini: cannot open: No such file"));
}

Test(config, error_list_overflow_is_counted)
{
	char text[8192] = "";
	for (int i = 0; i < 50; i++)
		strcat(text, "[dp]\nbogus = 1\n");
	static struct pmip_config cfg;
	struct pmip_config_errors errs;
	cr_assert_eq(load_string(text, &cfg, &errs), -1);
	cr_assert_gt(errs.n, PMIP_CFG_MAX_ERRORS, "overflow counted: %u", errs.n);
}

/* Truncation and bit flips of a good file: never crash, and every result is
 * either a valid config or at least one error. */
Test(config, truncation_and_bit_flips)
{
	const char *good = GOOD_MAG;
	size_t len = strlen(good);
	char buf[1024];
	static struct pmip_config cfg;
	struct pmip_config_errors errs;
	for (size_t cut = 0; cut <= len; cut++) {
		memcpy(buf, good, cut);
		buf[cut] = '\0';
		int rc = load_string(buf, &cfg, &errs);
		cr_assert(rc == 0 || errs.n > 0);
	}
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			memcpy(buf, good, len + 1);
			buf[i] ^= (char)(1 << bit);
			if (buf[i] == '\0')
				continue;
			int rc = load_string(buf, &cfg, &errs);
			cr_assert(rc == 0 || errs.n > 0);
		}
	}
}

#define IKE_MAG GOOD_MAG                                         \
	"[ike]\n"                                   /* 15 */     \
	"local_id = mag1.example.net\n"             /* 16 */     \
	"[ike.peer.lma1]\n"                         /* 17 */     \
	"address = 2001:db8:c::2\n"                 /* 18 */     \
	"psk = a-long-enough-secret-key\n"          /* 19 */

Test(config, ike_sections)
{
	static struct pmip_config cfg;
	struct pmip_config_errors errs;
	int rc = load_string(IKE_MAG, &cfg, &errs);
	dump(&errs);
	cr_assert_eq(rc, 0);
	cr_assert_str_eq(cfg.ike.local_id, "mag1.example.net");
	cr_assert_eq(cfg.ike.n_peers, 1);
	const struct pmip_config_peer *p = &cfg.ike.peers[0];
	cr_assert_str_eq(p->name, "lma1");
	cr_assert_eq(p->auth, PMIP_IKE_AUTH_PSK, "default auth");
	cr_assert_eq(p->initiate, PMIP_IKE_INITIATE_AUTO);
	cr_assert_eq(p->mode, PMIP_ESP_MODE_TRANSPORT);
	struct in6_addr a;
	inet_pton(AF_INET6, "2001:db8:c::2", &a);
	cr_assert_eq(pmip_config_peer_by_addr(&cfg, &a), p);
	/* Default proposals parsed into numbers (RFC 7296 3.3.2). */
	cr_assert_geq(cfg.ike.n_ike_props, 3);
	cr_assert_eq(cfg.ike.ike_props[0].encr, 20);
	cr_assert_eq(cfg.ike.ike_props[0].key_bits, 128);
	cr_assert_eq(cfg.ike.ike_props[0].integ, 0);
	cr_assert_eq(cfg.ike.ike_props[0].prf, 5);
	cr_assert_eq(cfg.ike.ike_props[0].dh, 19);
	cr_assert_eq(cfg.ike.ike_props[2].encr, 12);
	cr_assert_eq(cfg.ike.ike_props[2].integ, 12);
	cr_assert_eq(cfg.ike.ike_props[2].dh, 14);
	cr_assert_eq(cfg.ike.n_esp_props, 3);
	cr_assert_eq(cfg.ike.retransmit_ms, 1000);
}

static const struct bad_case ike_bad[] = {
	{ "peer without address", GOOD_MAG "[ike.peer.x]\npsk = a-long-enough-secret-key\n",
	  "t.ini:16: ike.peer.x.address: required key is missing" },
	{ "psk missing", GOOD_MAG "[ike.peer.x]\naddress = 2001:db8:c::2\n",
	  "t.ini:16: ike.peer.x.psk: auth = psk needs a pre-shared key" },
	{ "psk short", IKE_MAG "[ike.peer.y]\naddress = 2001:db8:c::3\npsk = short\n",
	  "t.ini:22: ike.peer.y.psk: length 5 is outside [16," },
	{ "psk hex", IKE_MAG "[ike.peer.y]\naddress = 2001:db8:c::3\npsk = 0xnothexnothexnothexnothexnothexnothex\n",
	  "t.ini:22: ike.peer.y.psk: 0x-prefixed keys need" },
	{ "cert incomplete", GOOD_MAG "[ike.peer.x]\naddress = 2001:db8:c::2\nauth = cert\ncert = /c.pem\n",
	  "ike.peer.x.cert: auth = cert needs cert, key and ca" },
	{ "duplicate address", IKE_MAG "[ike.peer.y]\naddress = 2001:db8:c::2\npsk = another-long-secret-key\n",
	  "t.ini:21: ike.peer.y.address: same address as [ike.peer.lma1]" },
	{ "multicast address", GOOD_MAG "[ike.peer.x]\naddress = ff02::1\npsk = a-long-enough-secret-key\n",
	  "ike.peer.x.address: must be a unicast address" },
	{ "unknown algorithm", IKE_MAG "[ike]\nproposals = aes128gcm16-prfmd5-ecp256\n",
	  "t.ini:21: ike.proposals: 'aes128gcm16-prfmd5-ecp256': unknown algorithm" },
	{ "gcm with integrity", IKE_MAG "[ike]\nesp_proposals = aes128gcm16-sha256\n",
	  "ike.esp_proposals: 'aes128gcm16-sha256': AES-GCM is combined-mode" },
	{ "cbc without integrity", IKE_MAG "[ike]\nesp_proposals = aes128\n",
	  "AES-CBC needs an integrity algorithm" },
	{ "ike without dh", IKE_MAG "[ike]\nproposals = aes128gcm16-prfsha256\n",
	  "an IKE proposal needs a PRF and a DH group" },
	{ "esp with dh", IKE_MAG "[ike]\nesp_proposals = aes128gcm16-ecp256\n",
	  "ESP proposals take no PRF or DH group" },
	{ "esp integrity dp lacks", IKE_MAG "[ike]\nesp_proposals = aes128-sha384\n",
	  "the data plane's ESP does HMAC-SHA-256-128 only" },
	{ "bad mode", IKE_MAG "mode = tunnel\n", "t.ini:20: ike.peer.lma1.mode: 'tunnel' is not one of" },
	{ "unknown peer key", IKE_MAG "secret = x\n", "t.ini:20: ike.peer.lma1.secret: unknown key" },
	{ "bad pool", IKE_MAG "[ike]\npool = 2001:db8::\n", "ike.pool: want PREFIX/LEN" },
};

Test(config, ike_bad_inputs_name_the_broken_rule)
{
	for (size_t i = 0; i < sizeof(ike_bad) / sizeof(ike_bad[0]); i++) {
		static struct pmip_config cfg;
		struct pmip_config_errors errs;
		int rc = load_string(ike_bad[i].text, &cfg, &errs);
		if (!has_error(&errs, ike_bad[i].want))
			dump(&errs);
		cr_expect_eq(rc, -1, "%s: must be rejected", ike_bad[i].what);
		cr_expect(has_error(&errs, ike_bad[i].want), "%s: want an error containing \"%s\"",
			  ike_bad[i].what, ike_bad[i].want);
	}
}

/* [pmip]: defaults, values, and each rule with the line it names. */
Test(config, pmip_section)
{
	static struct pmip_config cfg;
	struct pmip_config_errors errs;
	cr_assert_eq(load_string(GOOD_MAG, &cfg, &errs), 0);
	cr_assert_eq(cfg.pmip.lifetime_s, 3600);
	cr_assert_eq(cfg.pmip.refresh_percent, 75);
	cr_assert_eq(cfg.pmip.pbu_initial_ms, 1000);
	cr_assert_eq(cfg.pmip.pbu_max_ms, 32000);
	cr_assert_eq(cfg.pmip.timestamp_window_ms, 300);
	cr_assert_eq(cfg.pmip.heartbeat_s, 60);
	cr_assert_eq(cfg.pmip.heartbeat_misses, 3);
	cr_assert_eq(cfg.pmip.mn_probe_s, 10);
	cr_assert_str_eq(cfg.pmip.profiles, "");
	cr_assert_eq(load_string(GOOD_MAG "[pmip]\nprofiles = mns.tab\nlifetime_s = 40\n"
				 "heartbeat_s = 0\nrestart_counter_file = /var/lib/pmip/rc\n",
				 &cfg, &errs), 0);
	cr_assert_str_eq(cfg.pmip.profiles, "mns.tab");
	cr_assert_eq(cfg.pmip.lifetime_s, 40);
	cr_assert_eq(cfg.pmip.heartbeat_s, 0);
	cr_assert_str_eq(cfg.pmip.restart_counter_file, "/var/lib/pmip/rc");
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ GOOD_MAG "[pmip]\nlifetime_s = 300000\n", "pmip.lifetime_s: '300000' is not a whole number in [8, 262140]" },
		{ GOOD_MAG "[pmip]\nrefresh_percent = 99\n", "pmip.refresh_percent:" },
		{ GOOD_MAG "[pmip]\nrestart_counter_file = rc\n", "pmip.restart_counter_file: 'rc' is not an absolute path" },
		{ GOOD_MAG "[pmip]\nmn_probe = 3\n", "pmip.mn_probe: unknown key" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = load_string(bad[i].text, &cfg, &errs);
		if (!has_error(&errs, bad[i].want))
			dump(&errs);
		cr_expect_eq(rc, -1, "%s: must be rejected", bad[i].text);
		cr_expect(has_error(&errs, bad[i].want), "want an error containing \"%s\"", bad[i].want);
	}
}
