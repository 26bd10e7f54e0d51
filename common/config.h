/* Gateway configuration: one ini file per gateway, read by both pmip-dp and
 * pmip-cp (each uses its part).
 *
 * Read in three steps (STYLE.md, "Config in three steps"):
 *   1. parse     pmip_config_parse(): the file into plain (section, key,
 *                value, line) entries; only ini syntax is checked here;
 *   2. validate  pmip_config_validate(): entries into struct pmip_config,
 *                every value and every cross-key rule checked, each broken
 *                rule reported as "FILE:LINE: section.key: what is wrong";
 *   3. build     done by each program from the validated struct (dp builds
 *                its EAL arguments and ports, cp its state).
 * docs/CONFIG.md documents every key.
 */
#ifndef PMIP_COMMON_CONFIG_H
#define PMIP_COMMON_CONFIG_H

#include <limits.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>

#include "log.h"

#define PMIP_CFG_MAX_PORTS 16
#define PMIP_CFG_MAX_ADDRS 4
#define PMIP_CFG_MAX_ROUTES 8
#define PMIP_CFG_MAX_PEERS 64
#define PMIP_CFG_MAX_PROPOSALS 8
#define PMIP_CFG_MAX_LCORES 128
#define PMIP_CFG_MAX_ERRORS 32
#define PMIP_CFG_NAME_MAX 32
#define PMIP_CFG_DEVICE_MAX 192

enum pmip_role {
	PMIP_ROLE_NONE = 0,
	PMIP_ROLE_MAG = 1,
	PMIP_ROLE_LMA = 2,
};

/* What a data-plane port faces. A MAG has access ports (mobile nodes) and
 * core ports (towards LMAs); an LMA has core ports (towards MAGs) and
 * network ports (correspondent nodes, the Internet). */
enum pmip_port_kind {
	PMIP_PORT_NONE = 0,
	PMIP_PORT_ACCESS = 1,
	PMIP_PORT_CORE = 2,
	PMIP_PORT_NETWORK = 3,
};

struct pmip_prefix {
	struct in6_addr addr;
	uint8_t len;
};

/* A static route reached through this port: dst via a neighbour on it. */
struct pmip_config_route {
	struct pmip_prefix dst;
	struct in6_addr via;
};

struct pmip_config_port {
	char name[PMIP_CFG_NAME_MAX];      /* NAME of [port.NAME] */
	char device[PMIP_CFG_DEVICE_MAX];  /* DPDK device: PCI address or vdev args */
	enum pmip_port_kind kind;
	struct pmip_prefix addrs[PMIP_CFG_MAX_ADDRS]; /* our global addresses on the link */
	unsigned n_addrs;
	struct pmip_config_route routes[PMIP_CFG_MAX_ROUTES];
	unsigned n_routes;
	unsigned mtu;                      /* IPv6 link MTU */
	int line;                          /* first line of the section */
};

struct pmip_config_dp {
	char lcores[128];          /* EAL -l list; the first is the main lcore */
	unsigned lcore_ids[PMIP_CFG_MAX_LCORES];
	unsigned n_lcores;         /* main + workers */
	char cpus[128];            /* "" or a CPU list the lcores share (EAL --lcores) */
	unsigned n_cpus;
	unsigned memory_mb;        /* EAL -m */
	bool hugepages;            /* false: --no-huge (enough for af_packet) */
	char huge_dir[PATH_MAX];   /* hugetlbfs mount, "" for EAL's default */
	unsigned idle_sleep_us;    /* 0: busy poll; else longest sleep when idle */
	unsigned burst;            /* packets per rx/tx burst */
	unsigned mbufs;            /* mbufs in the packet pool */
	unsigned ring_size;        /* slots in each shared-memory ring */
	unsigned max_bindings;     /* binding table size (mobile nodes) */
	unsigned max_tunnels;      /* peer gateways */
	unsigned max_neighbours;   /* resolved next hops */
	unsigned icmp_rate;        /* ICMPv6 errors per second per worker */
	unsigned max_sas;          /* ESP security associations */
};

struct pmip_config_log {
	enum pmip_log_level level;
	char target[PATH_MAX + 8]; /* stderr | syslog | file:/path */
	char keylog[PATH_MAX];     /* "" (off) or a path prefix: cp writes
				    * PREFIX.esp_sa and PREFIX.ikev2_decryption_table */
};

struct pmip_config_cp {
	char admin_socket[108];    /* unix socket pmipctl talks to */
};

/* One IKE or ESP proposal as written in the ini, e.g.
 * "aes128gcm16-prfsha256-ecp256" (IKE) or "aes128-sha256" (ESP), with the
 * IANA numbers of RFC 7296 3.3.2 (0 where a transform type is absent). */
struct pmip_ike_proposal {
	uint16_t encr;       /* ENCR_AES_CBC 12, ENCR_AES_GCM_16 20 */
	uint16_t key_bits;   /* 128 or 256 */
	uint16_t integ;      /* AUTH_HMAC_SHA2_256_128 12, _384_192 13; 0 for AEAD */
	uint16_t prf;        /* PRF_HMAC_SHA2_256 5, _384 6, _512 7 (IKE only) */
	uint16_t dh;         /* 14 MODP-2048, 19 ECP-256, 31 Curve25519 (IKE only) */
};

/* Parse a comma-separated proposal list. ike: PRF and DH are required
 * (IKE SA); else they are refused (ESP). Returns NULL or what is wrong. */
const char *pmip_ike_proposals_parse(const char *list, bool ike, struct pmip_ike_proposal *out,
				     unsigned max, unsigned *n);

enum pmip_ike_auth { PMIP_IKE_AUTH_PSK = 1, PMIP_IKE_AUTH_CERT = 2 };
enum pmip_ike_initiate { PMIP_IKE_INITIATE_AUTO = 0, PMIP_IKE_INITIATE_YES, PMIP_IKE_INITIATE_NO };
enum pmip_esp_mode { PMIP_ESP_MODE_TRANSPORT = 1, PMIP_ESP_MODE_TUNNEL_UDP = 2 };
/* Traffic selectors of the CHILD_SA: the Mobility Header only (protocol
 * 135, what RFC 5213 4 asks to protect), any protocol, or auto: MH in
 * transport mode, any in tunnel-udp (userspace peers such as strongSwan's
 * kernel-libipsec cannot match the Mobility Header). */
enum pmip_ts_protocol { PMIP_TS_PROTO_AUTO = 0, PMIP_TS_PROTO_MH, PMIP_TS_PROTO_ANY };

/* [ike.peer.NAME]: a gateway we run IKEv2 with (seed 4.3: one IKE SA per
 * MAG-LMA pair, shared by all mobile nodes). */
struct pmip_config_peer {
	char name[PMIP_CFG_NAME_MAX];
	struct in6_addr address;           /* its IKE and ESP address */
	char id[128];                      /* its IKE identity; "" = its address */
	enum pmip_ike_auth auth;
	char psk[256];                     /* text, or 0x-prefixed hex */
	char cert[PATH_MAX];               /* our certificate (PEM) */
	char key[PATH_MAX];                /* our private key (PEM) */
	char ca[PATH_MAX];                 /* CA that must have signed its certificate */
	enum pmip_ike_initiate initiate;   /* AUTO: yes on a MAG, no on an LMA */
	enum pmip_esp_mode mode;           /* CHILD_SA mode; NAT forces tunnel-udp */
	enum pmip_ts_protocol ts_protocol; /* CHILD_SA selectors' protocol */
	struct pmip_prefix pool;           /* LMA: home addresses for this peer's MNs */
	bool has_pool;
	int line;
};

struct pmip_config_ike {
	char local_id[128];                /* our identity; "" = our core address */
	char proposals[256];
	char esp_proposals[256];
	struct pmip_ike_proposal ike_props[PMIP_CFG_MAX_PROPOSALS];
	unsigned n_ike_props;
	struct pmip_ike_proposal esp_props[PMIP_CFG_MAX_PROPOSALS];
	unsigned n_esp_props;
	unsigned retransmit_ms;            /* first retransmission (RFC 7296 2.1) */
	unsigned retransmit_tries;
	unsigned half_open_max;            /* refuse new IKE_SA_INIT beyond this */
	unsigned cookie_threshold;         /* half-open SAs before cookies (2.6) */
	unsigned sas_per_peer_max;
	unsigned ike_lifetime_s;           /* rekey the IKE SA at this age */
	unsigned child_lifetime_s;         /* rekey CHILD_SAs at this age */
	unsigned nat_keepalive_s;          /* RFC 3948 4 */
	unsigned dpd_s;                    /* liveness check when idle (2.4) */
	struct pmip_prefix pool;           /* LMA: default home-address pool */
	bool has_pool;
	struct pmip_config_peer peers[PMIP_CFG_MAX_PEERS];
	unsigned n_peers;
};

/* [pmip]: Proxy Mobile IPv6 signalling (RFC 5213), both roles. */
struct pmip_config_pmip {
	char profiles[PATH_MAX];           /* MN profile table (seed 4.2.1); "" = none */
	unsigned lifetime_s;               /* MAG: asked for; LMA: most it grants */
	unsigned refresh_percent;          /* MAG: refresh at this share of the granted lifetime */
	unsigned pbu_initial_ms;           /* MAG: first PBU retransmission (RFC 5213 6.9.4:
					    * InitialBindackTimeoutFirstReg) */
	unsigned pbu_max_ms;               /* MAG: backoff ceiling; give up past it (RFC 6275
					    * MAX_BINDACK_TIMEOUT) */
	unsigned timestamp_window_ms;      /* LMA: TimestampValidityWindow (RFC 5213 5.5) */
	unsigned bce_delete_delay_ms;      /* LMA: MinDelayBeforeBCEDelete (RFC 5213 5.3.5) */
	unsigned heartbeat_s;              /* RFC 5847 HEARTBEAT_INTERVAL; 0 = off */
	unsigned heartbeat_misses;         /* RFC 5847 MISSING_HEARTBEATS_ALLOWED */
	char restart_counter_file[PATH_MAX]; /* RFC 5847 3.2 counter, kept across restarts */
	unsigned max_bindings;             /* binding cache / update list entries */
	unsigned mn_probe_s;               /* MAG: NUD of registered MNs (cp/mn_presence.c); 0 = off */
};

struct pmip_config {
	char path[PATH_MAX];
	enum pmip_role role;
	char name[PMIP_CFG_NAME_MAX]; /* instance name: EAL file prefix "pmip-NAME" */
	char shm_name[64];            /* POSIX shm name of the dp<->cp segment */
	struct pmip_config_dp dp;
	struct pmip_config_log log;
	struct pmip_config_cp cp;
	struct pmip_config_port ports[PMIP_CFG_MAX_PORTS];
	unsigned n_ports;
	struct pmip_config_ike ike;
	struct pmip_config_pmip pmip;
};

/* Step 1 output: the file as entries, in file order. */
struct pmip_config_entry {
	char *section;
	char *key;
	char *value;
	int line;
};

struct pmip_config_raw {
	char path[PATH_MAX];
	struct pmip_config_entry *entries;
	unsigned n_entries;
	unsigned cap;
};

/* Broken rules, each a complete "FILE:LINE: section.key: problem" line. */
struct pmip_config_errors {
	unsigned n;          /* errors found (may exceed what is stored) */
	char msg[PMIP_CFG_MAX_ERRORS][320];
};

int pmip_config_parse(const char *path, struct pmip_config_raw *raw,
		      struct pmip_config_errors *errs);
/* Same, from a string; path is only used in messages. */
int pmip_config_parse_string(const char *text, const char *path, struct pmip_config_raw *raw,
			     struct pmip_config_errors *errs);
void pmip_config_raw_free(struct pmip_config_raw *raw);

int pmip_config_validate(const struct pmip_config_raw *raw, struct pmip_config *cfg,
			 struct pmip_config_errors *errs);

/* parse + validate. Returns 0, or -1 with errs filled. */
int pmip_config_load(const char *path, struct pmip_config *cfg, struct pmip_config_errors *errs);
/* Add one "FILE:LINE: section.key: what is wrong" error (section and key
 * may be NULL; line 0: no line). Also for the files an ini names, such as
 * the profile table ([pmip] profiles). */
void cfg_add_error(struct pmip_config_errors *errs, const char *path, int line,
		   const char *section, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Print every error to stderr, one per line. */
void pmip_config_errors_print(const struct pmip_config_errors *errs);

/* The daemons' command line, "--config FILE" or "--check-config FILE"
 * (-c FILE, -h), then the file loaded into cfg (errors printed, with
 * "PROG: FILE: configuration rejected, nothing started"). Returns -1 to go
 * on, else the exit code: 0 after --help, 2 for a bad command line (usage
 * printed), 1 for a rejected file. */
int pmip_config_from_args(int argc, char **argv, const char *prog, void (*usage)(FILE *out),
			  struct pmip_config *cfg, const char **path, bool *check_only);

const char *pmip_role_name(enum pmip_role role);
const char *pmip_port_kind_name(enum pmip_port_kind kind);

/* The port with that name, or -1. */
int pmip_config_port_index(const struct pmip_config *cfg, const char *name);
/* The IKE peer with that address, or NULL. */
const struct pmip_config_peer *pmip_config_peer_by_addr(const struct pmip_config *cfg,
							 const struct in6_addr *addr);

#endif
