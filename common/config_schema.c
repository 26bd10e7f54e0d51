/* Configuration schema: every key of every section (one table), the
 * repeated sections, and the rules that span keys. docs/CONFIG.md is the
 * operator's view of this file. */
#include "config_internal.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

const char *const cfg_role_names[] = { "", "mag", "lma", NULL };
const char *const cfg_kind_names[] = { "", "access", "core", "network", NULL };
static const char *const level_names[] = { "err", "warning", "notice", "info", "debug", NULL };
static const char *const auth_names[] = { "", "psk", "cert", NULL };
static const char *const initiate_names[] = { "auto", "yes", "no", NULL };
static const char *const mode_names[] = { "", "transport", "tunnel-udp", NULL };
static const char *const ts_protocol_names[] = { "auto", "mh", "any", NULL };

#define CFG(f) offsetof(struct pmip_config, f), sizeof(((struct pmip_config *)0)->f)
#define PORT(f) offsetof(struct pmip_config_port, f), sizeof(((struct pmip_config_port *)0)->f)
#define PEER(f) offsetof(struct pmip_config_peer, f), sizeof(((struct pmip_config_peer *)0)->f)

const struct key_spec cfg_key_specs[] = {
	{ SEC_GATEWAY, "role", KT_ENUM, CFG(role), 0, 0, cfg_role_names, true, NULL, "mag or lma", 0 },
	{ SEC_GATEWAY, "name", KT_NAME, CFG(name), 1, 0, NULL, true, NULL,
	  "a letter, then letters, digits, '-' or '_' (at most 31)", 0 },
	{ SEC_GATEWAY, "shm_name", KT_SHM_NAME, CFG(shm_name), 0, 0, NULL, false, NULL,
	  "/NAME with no other '/' (at most 63 characters)", 0 },
	{ SEC_DP, "lcores", KT_LCORES, CFG(dp.lcores), 0, 0, NULL, false, "0,1",
	  "an EAL core list such as 0,1 or 0-3: the first is the main lcore, at least one worker", 0 },
	{ SEC_DP, "cpus", KT_CPUS, CFG(dp.cpus), 0, 0, NULL, false, NULL,
	  "a CPU list such as 0-1: the lcores run as one group on these CPUs (EAL --lcores "
	  "'(LCORES)@(CPUS)'), so there may be more lcores than CPUs",
	  0 },
	{ SEC_DP, "memory_mb", KT_UINT, CFG(dp.memory_mb), 64, 1048576, NULL, false, "256", NULL, 0 },
	{ SEC_DP, "hugepages", KT_BOOL, CFG(dp.hugepages), 0, 0, NULL, false, "no", NULL, 0 },
	{ SEC_DP, "huge_dir", KT_STRING, CFG(dp.huge_dir), 1, 0, NULL, false, NULL,
	  "an absolute path", 0 },
	{ SEC_DP, "idle_sleep_us", KT_UINT, CFG(dp.idle_sleep_us), 0, 100000, NULL, false, "0",
	  NULL, 0 },
	{ SEC_DP, "burst", KT_UINT, CFG(dp.burst), 1, 256, NULL, false, "32", NULL, 0 },
	{ SEC_DP, "mbufs", KT_UINT, CFG(dp.mbufs), 1024, 16777216, NULL, false, "16383", NULL, 0 },
	{ SEC_DP, "ring_size", KT_POW2, CFG(dp.ring_size), 64, 65536, NULL, false, "1024", NULL, 0 },
	{ SEC_DP, "max_bindings", KT_UINT, CFG(dp.max_bindings), 16, 16777216, NULL, false,
	  "65536", NULL, 0 },
	{ SEC_DP, "max_tunnels", KT_UINT, CFG(dp.max_tunnels), 1, 16777216, NULL, false, "1024",
	  NULL, 0 },
	{ SEC_DP, "max_neighbours", KT_UINT, CFG(dp.max_neighbours), 16, 16777216, NULL, false,
	  "4096", NULL, 0 },
	{ SEC_DP, "icmp_rate", KT_UINT, CFG(dp.icmp_rate), 1, 1000000, NULL, false, "100", NULL, 0 },
	{ SEC_DP, "max_sas", KT_UINT, CFG(dp.max_sas), 4, 1048576, NULL, false, "256", NULL, 0 },
	{ SEC_CP, "admin_socket", KT_STRING, CFG(cp.admin_socket), 2, 0, NULL, false, NULL,
	  "an absolute path for the control socket", 0 },
	{ SEC_LOG, "level", KT_ENUM, CFG(log.level), 0, 0, level_names, false, "info",
	  "err, warning, notice, info or debug", 0 },
	{ SEC_LOG, "target", KT_LOG_TARGET, CFG(log.target), 0, 0, NULL, false, "stderr",
	  "stderr, syslog or file:/absolute/path", 0 },
	{ SEC_LOG, "keylog", KT_STRING, CFG(log.keylog), 2, 0, NULL, false, NULL,
	  "an absolute path prefix for the ESP and IKE key logs", 0 },
	{ SEC_IKE, "local_id", KT_STRING, CFG(ike.local_id), 1, 0, NULL, false, NULL,
	  "an FQDN, user@FQDN or IPv6 address", 0 },
	{ SEC_IKE, "proposals", KT_STRING, CFG(ike.proposals), 1, 0, NULL, false,
	  "aes128gcm16-prfsha256-ecp256,aes256gcm16-prfsha384-curve25519,aes128-sha256-prfsha256-modp2048",
	  "ENCR[-INTEG]-PRF-DH, ... e.g. aes128gcm16-prfsha256-ecp256", 0 },
	{ SEC_IKE, "esp_proposals", KT_STRING, CFG(ike.esp_proposals), 1, 0, NULL, false,
	  "aes128gcm16,aes256gcm16,aes128-sha256",
	  "ENCR[-INTEG], ... e.g. aes128gcm16,aes128-sha256", 0 },
	{ SEC_IKE, "retransmit_ms", KT_UINT, CFG(ike.retransmit_ms), 100, 60000, NULL, false,
	  "1000", NULL, 0 },
	{ SEC_IKE, "retransmit_tries", KT_UINT, CFG(ike.retransmit_tries), 1, 20, NULL, false, "5",
	  NULL, 0 },
	{ SEC_IKE, "half_open_max", KT_UINT, CFG(ike.half_open_max), 1, 1000000, NULL, false,
	  "1024", NULL, 0 },
	{ SEC_IKE, "cookie_threshold", KT_UINT, CFG(ike.cookie_threshold), 0, 1000000, NULL, false,
	  "64", NULL, 0 },
	{ SEC_IKE, "sas_per_peer_max", KT_UINT, CFG(ike.sas_per_peer_max), 1, 64, NULL, false, "2",
	  NULL, 0 },
	{ SEC_IKE, "ike_lifetime_s", KT_UINT, CFG(ike.ike_lifetime_s), 60, 604800, NULL, false,
	  "14400", NULL, 0 },
	{ SEC_IKE, "child_lifetime_s", KT_UINT, CFG(ike.child_lifetime_s), 60, 604800, NULL, false,
	  "3600", NULL, 0 },
	{ SEC_IKE, "nat_keepalive_s", KT_UINT, CFG(ike.nat_keepalive_s), 0, 3600, NULL, false, "20",
	  NULL, 0 },
	{ SEC_IKE, "dpd_s", KT_UINT, CFG(ike.dpd_s), 0, 3600, NULL, false, "30", NULL, 0 },
	{ SEC_IKE, "pool", KT_PREFIX1, CFG(ike.pool), 0, 0, NULL, false, NULL,
	  "an IPv6 prefix home addresses are assigned from, e.g. 2001:db8:1000::/48",
	  offsetof(struct pmip_config, ike.has_pool) },
	{ SEC_PMIP, "profiles", KT_STRING, CFG(pmip.profiles), 1, 0, NULL, false, NULL,
	  "a profile table file (docs/CONFIG.md), relative to this file or absolute", 0 },
	{ SEC_PMIP, "lifetime_s", KT_UINT, CFG(pmip.lifetime_s), 8, 262140, NULL, false, "3600",
	  NULL, 0 },
	{ SEC_PMIP, "refresh_percent", KT_UINT, CFG(pmip.refresh_percent), 10, 95, NULL, false,
	  "75", NULL, 0 },
	{ SEC_PMIP, "pbu_initial_ms", KT_UINT, CFG(pmip.pbu_initial_ms), 50, 60000, NULL, false,
	  "1000", NULL, 0 },
	{ SEC_PMIP, "pbu_max_ms", KT_UINT, CFG(pmip.pbu_max_ms), 100, 600000, NULL, false, "32000",
	  NULL, 0 },
	{ SEC_PMIP, "timestamp_window_ms", KT_UINT, CFG(pmip.timestamp_window_ms), 1, 600000, NULL,
	  false, "300", NULL, 0 },
	{ SEC_PMIP, "bce_delete_delay_ms", KT_UINT, CFG(pmip.bce_delete_delay_ms), 0, 600000, NULL,
	  false, "10000", NULL, 0 },
	{ SEC_PMIP, "heartbeat_s", KT_UINT, CFG(pmip.heartbeat_s), 0, 3600, NULL, false, "60", NULL,
	  0 },
	{ SEC_PMIP, "heartbeat_misses", KT_UINT, CFG(pmip.heartbeat_misses), 1, 100, NULL, false,
	  "3", NULL, 0 },
	{ SEC_PMIP, "restart_counter_file", KT_STRING, CFG(pmip.restart_counter_file), 2, 0, NULL,
	  false, NULL, "an absolute path where the Heartbeat Restart Counter is kept", 0 },
	{ SEC_PMIP, "mn_probe_s", KT_UINT, CFG(pmip.mn_probe_s), 0, 3600, NULL, false, "10", NULL,
	  0 },
	{ SEC_PMIP, "max_bindings", KT_UINT, CFG(pmip.max_bindings), 1, 16777216, NULL, false,
	  "65536", NULL, 0 },
	{ SEC_PORT, "device", KT_STRING, PORT(device), 1, 0, NULL, true, NULL,
	  "a PCI address (0000:01:00.0) or a vdev (net_af_packet0,iface=eth1)", 0 },
	{ SEC_PORT, "kind", KT_ENUM, PORT(kind), 0, 0, cfg_kind_names, true, NULL,
	  "access, core or network", 0 },
	{ SEC_PORT, "address", KT_PREFIX, PORT(addrs), 0, PMIP_CFG_MAX_ADDRS, NULL, false, NULL,
	  "a global unicast IPv6 address with its prefix length, e.g. 2001:db8::1/64",
	  offsetof(struct pmip_config_port, n_addrs) },
	{ SEC_PORT, "route", KT_ROUTE, PORT(routes), 0, PMIP_CFG_MAX_ROUTES, NULL, false, NULL,
	  "PREFIX/LEN via ADDRESS, e.g. ::/0 via fe80::1",
	  offsetof(struct pmip_config_port, n_routes) },
	{ SEC_PORT, "mtu", KT_UINT, PORT(mtu), 1280, 9000, NULL, false, "1500", NULL, 0 },
	{ SEC_PEER, "address", KT_ADDR, PEER(address), 0, 0, NULL, true, NULL,
	  "the peer gateway's IPv6 address", 0 },
	{ SEC_PEER, "id", KT_STRING, PEER(id), 1, 0, NULL, false, NULL,
	  "an FQDN, user@FQDN or IPv6 address", 0 },
	{ SEC_PEER, "auth", KT_ENUM, PEER(auth), 0, 0, auth_names, false, "psk", "psk or cert", 0 },
	{ SEC_PEER, "psk", KT_STRING, PEER(psk), 16, 0, NULL, false, NULL,
	  "at least 16 characters, or 0x and hex digits", 0 },
	{ SEC_PEER, "cert", KT_STRING, PEER(cert), 2, 0, NULL, false, NULL, "a PEM file", 0 },
	{ SEC_PEER, "key", KT_STRING, PEER(key), 2, 0, NULL, false, NULL, "a PEM file", 0 },
	{ SEC_PEER, "ca", KT_STRING, PEER(ca), 2, 0, NULL, false, NULL, "a PEM file", 0 },
	{ SEC_PEER, "initiate", KT_ENUM, PEER(initiate), 0, 0, initiate_names, false, "auto",
	  "auto, yes or no", 0 },
	{ SEC_PEER, "mode", KT_ENUM, PEER(mode), 0, 0, mode_names, false, "transport",
	  "transport or tunnel-udp", 0 },
	{ SEC_PEER, "ts_protocol", KT_ENUM, PEER(ts_protocol), 0, 0, ts_protocol_names, false, "auto",
	  "auto, mh or any", 0 },
	{ SEC_PEER, "pool", KT_PREFIX1, PEER(pool), 0, 0, NULL, false, NULL,
	  "an IPv6 prefix home addresses are assigned from",
	  offsetof(struct pmip_config_peer, has_pool) },
};
const size_t cfg_n_key_specs = sizeof(cfg_key_specs) / sizeof(cfg_key_specs[0]);
_Static_assert(sizeof(cfg_key_specs) / sizeof(cfg_key_specs[0]) <= 96, "struct seen holds 96 keys");

const struct instance_kind cfg_instances[] = {
	{ SEC_PORT, "port.", "port", PMIP_CFG_MAX_PORTS, sizeof(struct pmip_config_port),
	  offsetof(struct pmip_config, ports), offsetof(struct pmip_config, n_ports),
	  offsetof(struct pmip_config_port, line) },
	{ SEC_PEER, "ike.peer.", "IKE peer", PMIP_CFG_MAX_PEERS, sizeof(struct pmip_config_peer),
	  offsetof(struct pmip_config, ike.peers), offsetof(struct pmip_config, ike.n_peers),
	  offsetof(struct pmip_config_peer, line) },
};
const size_t cfg_n_instances = sizeof(cfg_instances) / sizeof(cfg_instances[0]);

/* ------------------------------------------------------------ proposals -- */

static const struct {
	const char *name;
	enum { T_ENCR, T_INTEG, T_PRF, T_DH } type;
	uint16_t id;
	uint16_t bits;
} tokens[] = {
	{ "aes128gcm16", T_ENCR, 20, 128 }, { "aes256gcm16", T_ENCR, 20, 256 },
	{ "aes128", T_ENCR, 12, 128 },      { "aes256", T_ENCR, 12, 256 },
	{ "sha256", T_INTEG, 12, 0 },       { "sha384", T_INTEG, 13, 0 },
	{ "prfsha256", T_PRF, 5, 0 },       { "prfsha384", T_PRF, 6, 0 },
	{ "prfsha512", T_PRF, 7, 0 },       { "modp2048", T_DH, 14, 0 },
	{ "ecp256", T_DH, 19, 0 },          { "curve25519", T_DH, 31, 0 },
};

const char *pmip_ike_proposals_parse(const char *list, bool ike, struct pmip_ike_proposal *out,
				     unsigned max, unsigned *n)
{
	char buf[256];
	if (strlen(list) >= sizeof(buf))
		return "too long";
	snprintf(buf, sizeof(buf), "%s", list);
	*n = 0;
	char *save1;
	for (char *prop = strtok_r(buf, ", ", &save1); prop != NULL; prop = strtok_r(NULL, ", ", &save1)) {
		if (*n == max)
			return "too many proposals";
		struct pmip_ike_proposal p = { 0 };
		char *save2;
		for (char *t = strtok_r(prop, "-", &save2); t != NULL; t = strtok_r(NULL, "-", &save2)) {
			size_t k;
			for (k = 0; k < sizeof(tokens) / sizeof(tokens[0]); k++)
				if (strcmp(t, tokens[k].name) == 0)
					break;
			if (k == sizeof(tokens) / sizeof(tokens[0]))
				return "unknown algorithm (known: aes128gcm16 aes256gcm16 aes128 aes256 sha256 sha384 prfsha256 prfsha384 prfsha512 modp2048 ecp256 curve25519)";
			uint16_t *slot = tokens[k].type == T_ENCR ? &p.encr
					 : tokens[k].type == T_INTEG ? &p.integ
					 : tokens[k].type == T_PRF ? &p.prf : &p.dh;
			if (*slot != 0)
				return "two algorithms of one kind in a proposal";
			*slot = tokens[k].id;
			if (tokens[k].type == T_ENCR)
				p.key_bits = tokens[k].bits;
		}
		if (p.encr == 0)
			return "a proposal needs an encryption algorithm";
		if (p.encr == 20 && p.integ != 0)
			return "AES-GCM is combined-mode: no integrity algorithm (RFC 5282 8)";
		if (p.encr == 12 && p.integ == 0)
			return "AES-CBC needs an integrity algorithm (sha256 or sha384)";
		if (ike && (p.prf == 0 || p.dh == 0))
			return "an IKE proposal needs a PRF and a DH group";
		if (!ike && (p.prf != 0 || p.dh != 0))
			return "ESP proposals take no PRF or DH group (PFS is not offered)";
		if (!ike && p.integ != 0 && p.integ != 12)
			return "the data plane's ESP does HMAC-SHA-256-128 only (aes128-sha256, aes256-sha256)";
		out[(*n)++] = p;
	}
	return *n == 0 ? "empty" : NULL;
}

/* ---------------------------------------------------------- cross checks -- */

static bool prefix_equal(const struct pmip_prefix *a, const struct pmip_prefix *b)
{
	return memcmp(&a->addr, &b->addr, sizeof(a->addr)) == 0;
}

static void check_ports(struct vctx *v)
{
	struct pmip_config *cfg = v->cfg;
	const char *path = v->path;
	unsigned n_kind[4] = { 0 };
	if (cfg->n_ports == 0)
		cfg_add_error(v->errs, path, 0, NULL, NULL,
			      "no [port.NAME] section: the data plane needs at least one port");
	const struct key_spec *addr_key = cfg_find_key(SEC_PORT, "address");
	for (unsigned i = 0; i < cfg->n_ports; i++) {
		struct pmip_config_port *p = &cfg->ports[i];
		const struct seen *seen = &v->inst[SEC_PORT][i];
		char section[40];
		snprintf(section, sizeof(section), "port.%s", p->name);
		int kind_line = cfg_key_line(seen, SEC_PORT, "kind");
		int dev_line = cfg_key_line(seen, SEC_PORT, "device");
		if (p->kind != PMIP_PORT_NONE)
			n_kind[p->kind]++;
		if (cfg->role == PMIP_ROLE_MAG && p->kind == PMIP_PORT_NETWORK)
			cfg_add_error(v->errs, path, kind_line, section, "kind",
				      "a MAG has access and core ports, not network ports");
		if (cfg->role == PMIP_ROLE_LMA && p->kind == PMIP_PORT_ACCESS)
			cfg_add_error(v->errs, path, kind_line, section, "kind",
				      "an LMA has core and network ports, not access ports");
		if (p->kind == PMIP_PORT_CORE && p->mtu < 1320) {
			int mtu_line = cfg_key_line(seen, SEC_PORT, "mtu");
			cfg_add_error(v->errs, path, mtu_line ? mtu_line : p->line, section, "mtu",
				      "%u is below 1320: a core link must carry a 1280-byte packet plus the 40-byte tunnel header (RFC 2473 7)",
				      p->mtu);
		}
		if ((p->kind == PMIP_PORT_CORE || p->kind == PMIP_PORT_NETWORK) && p->n_addrs == 0)
			cfg_add_error(v->errs, path, p->line, section, "address",
				      "a %s port needs at least one address", cfg_kind_names[p->kind]);
		for (unsigned j = 0; j < i; j++)
			if (p->device[0] != '\0' && strcmp(p->device, cfg->ports[j].device) == 0)
				cfg_add_error(v->errs, path, dev_line, section, "device",
					      "same device as [port.%s]", cfg->ports[j].name);
		for (unsigned a = 0; a < p->n_addrs; a++) {
			for (unsigned j = 0; j <= i; j++) {
				const struct pmip_config_port *q = &cfg->ports[j];
				unsigned limit = j == i ? a : q->n_addrs;
				for (unsigned b = 0; b < limit; b++) {
					if (!prefix_equal(&p->addrs[a], &q->addrs[b]))
						continue;
					char txt[INET6_ADDRSTRLEN];
					inet_ntop(AF_INET6, &p->addrs[a].addr, txt, sizeof(txt));
					cfg_add_error(v->errs, path,
						      seen->list_line[addr_key - cfg_key_specs][a],
						      section, "address",
						      "%s is also configured on [port.%s]", txt, q->name);
				}
			}
		}
	}
	if (cfg->role == PMIP_ROLE_MAG && (n_kind[PMIP_PORT_ACCESS] == 0 || n_kind[PMIP_PORT_CORE] == 0))
		cfg_add_error(v->errs, path, v->section_line[SEC_GATEWAY], "gateway", "role",
			      "a MAG needs at least one access port and one core port (has %u and %u)",
			      n_kind[PMIP_PORT_ACCESS], n_kind[PMIP_PORT_CORE]);
	if (cfg->role == PMIP_ROLE_LMA && (n_kind[PMIP_PORT_CORE] == 0 || n_kind[PMIP_PORT_NETWORK] == 0))
		cfg_add_error(v->errs, path, v->section_line[SEC_GATEWAY], "gateway", "role",
			      "an LMA needs at least one core port and one network port (has %u and %u)",
			      n_kind[PMIP_PORT_CORE], n_kind[PMIP_PORT_NETWORK]);
}

static void check_ike(struct vctx *v)
{
	struct pmip_config_ike *ike = &v->cfg->ike;
	const char *path = v->path, *e;
	e = pmip_ike_proposals_parse(ike->proposals, true, ike->ike_props, PMIP_CFG_MAX_PROPOSALS,
				     &ike->n_ike_props);
	if (e != NULL)
		cfg_add_error(v->errs, path, cfg_key_line(&v->top, SEC_IKE, "proposals"), "ike",
			      "proposals", "'%s': %s", ike->proposals, e);
	e = pmip_ike_proposals_parse(ike->esp_proposals, false, ike->esp_props,
				     PMIP_CFG_MAX_PROPOSALS, &ike->n_esp_props);
	if (e != NULL)
		cfg_add_error(v->errs, path, cfg_key_line(&v->top, SEC_IKE, "esp_proposals"), "ike",
			      "esp_proposals", "'%s': %s", ike->esp_proposals, e);
	for (unsigned i = 0; i < ike->n_peers; i++) {
		struct pmip_config_peer *p = &ike->peers[i];
		char section[48];
		snprintf(section, sizeof(section), "ike.peer.%s", p->name);
		if (p->auth == PMIP_IKE_AUTH_PSK && p->psk[0] == '\0')
			cfg_add_error(v->errs, path, p->line, section, "psk",
				      "auth = psk needs a pre-shared key");
		if (p->auth == PMIP_IKE_AUTH_CERT && (p->cert[0] == '\0' || p->key[0] == '\0' ||
						      p->ca[0] == '\0'))
			cfg_add_error(v->errs, path, p->line, section, "cert",
				      "auth = cert needs cert, key and ca");
		if (p->auth == PMIP_IKE_AUTH_PSK && strncmp(p->psk, "0x", 2) == 0) {
			size_t n = strlen(p->psk + 2);
			bool hex = n >= 32 && n % 2 == 0;
			for (size_t k = 2; hex && p->psk[k]; k++)
				hex = strchr("0123456789abcdefABCDEF", p->psk[k]) != NULL;
			if (!hex)
				cfg_add_error(v->errs, path, cfg_key_line(&v->inst[SEC_PEER][i], SEC_PEER, "psk"),
					      section, "psk", "0x-prefixed keys need an even number (>= 32) of hex digits");
		}
		for (unsigned j = 0; j < i; j++)
			if (memcmp(&p->address, &ike->peers[j].address, 16) == 0)
				cfg_add_error(v->errs, path, cfg_key_line(&v->inst[SEC_PEER][i], SEC_PEER, "address"),
					      section, "address", "same address as [ike.peer.%s]",
					      ike->peers[j].name);
	}
}

void cfg_cross_checks(struct vctx *v)
{
	struct pmip_config *cfg = v->cfg;
	const char *path = v->path;
	if (cfg->shm_name[0] == '\0' && cfg->name[0] != '\0')
		snprintf(cfg->shm_name, sizeof(cfg->shm_name), "/pmip-%s", cfg->name);
	if (cfg->cp.admin_socket[0] == '\0' && cfg->name[0] != '\0')
		snprintf(cfg->cp.admin_socket, sizeof(cfg->cp.admin_socket), "/run/pmip-%s.sock",
			 cfg->name);
	if (cfg->log.keylog[0] != '\0' && cfg->log.keylog[0] != '/')
		cfg_add_error(v->errs, path, cfg_key_line(&v->top, SEC_LOG, "keylog"), "log", "keylog",
			      "'%s' is not an absolute path", cfg->log.keylog);
	if (cfg->pmip.restart_counter_file[0] != '\0' && cfg->pmip.restart_counter_file[0] != '/')
		cfg_add_error(v->errs, path, cfg_key_line(&v->top, SEC_PMIP, "restart_counter_file"),
			      "pmip", "restart_counter_file", "'%s' is not an absolute path",
			      cfg->pmip.restart_counter_file);
	if (cfg->cp.admin_socket[0] != '\0' && cfg->cp.admin_socket[0] != '/')
		cfg_add_error(v->errs, path, cfg_key_line(&v->top, SEC_CP, "admin_socket"), "cp",
			      "admin_socket", "'%s' is not an absolute path", cfg->cp.admin_socket);
	if (cfg->dp.huge_dir[0] != '\0') {
		int line = cfg_key_line(&v->top, SEC_DP, "huge_dir");
		if (!cfg->dp.hugepages)
			cfg_add_error(v->errs, path, line, "dp", "huge_dir",
				      "set, but hugepages = no (set hugepages = yes or remove it)");
		if (cfg->dp.huge_dir[0] != '/')
			cfg_add_error(v->errs, path, line, "dp", "huge_dir",
				      "'%s' is not an absolute path", cfg->dp.huge_dir);
	}
	check_ports(v);
	check_ike(v);
}
