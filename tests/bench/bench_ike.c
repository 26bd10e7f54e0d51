/* Benchmark: IKE_SA + CHILD_SA establishments per second over real UDP.
 *
 * Runs our IKEv2 engine (cp/ike/ikev2*.c) as a plain process: no DPDK, no
 * data plane, no pmip-cp. The engine's environment (struct ikev2_env) is a
 * pair of UDP sockets bound to [ADDR]:500 and [ADDR]:4500 (NAT-T, with the
 * non-ESP marker of RFC 3948 2.2); CHILD_SAs are counted, not installed.
 * Timers and sockets run on the control plane's event loop (cp/evloop.h).
 *
 *   bench_ike responder --addr A --config INI [options]
 *       answers every initiator named by an [ike.peer.*] of INI until
 *       SIGTERM/SIGINT, then prints its counters. Prints "ready" once its
 *       sockets are bound.
 *   bench_ike initiator --addr A --peer P --config INI
 *                       [--window K] [--seconds S] [--warmup W] [--count N]
 *       keeps K IKE SAs in set-up towards [P]:500, each a full IKE_SA_INIT
 *       + IKE_AUTH with its CHILD_SA. An SA counts when it reaches
 *       ESTABLISHED with its CHILD_SA; it is then deleted properly
 *       (INFORMATIONAL Delete, so the responder's table does not fill) and
 *       the next one starts. Counts the establishments between W and W+S
 *       seconds (or until N of them), then stops starting new SAs, lets
 *       the deletes finish and prints "result NAME VALUE" lines:
 *       ike_setups, ike_setups_per_s, ike_failed, ike_setup_ms_avg, ...
 *
 * INI holds [ike] and [ike.peer.NAME] sections only; the [gateway] and
 * [port.*] sections configuration validation needs are added here (the
 * core port's address is --addr). After validation the bench raises the
 * limits the ini caps for a gateway (sas_per_peer_max, half_open_max,
 * cookie_threshold) and sets: no DPD, no keepalives, no rekeying,
 * --rtx-ms / --rtx-tries for retransmissions (which also bound how long a
 * responder keeps a deleted SA's last answer: rtx_ms << (tries + 1)).
 *
 * The initiator makes each SA with the engine's internal API
 * (ikev2_sa_new + ikev2_init_start): ikev2_connect() reuses the one SA per
 * peer (seed 4.3), which is right for a gateway and useless here.
 */
#define LOG_MODULE "bench"
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "evloop.h"
#include "ikev2.h"
#include "log.h"

#define RCVBUF (8 << 20)
#define RX_BATCH 64

enum slot_phase { SLOT_FREE = 0, SLOT_SETUP, SLOT_EST_PENDING, SLOT_DELETING };

struct bench {
	bool initiator;
	struct in6_addr addr, peer_addr;
	struct pmip_config cfg;
	struct evloop *loop;
	struct ikev2 e;
	int fd500, fd4500;
	bool stop;
	/* Initiator. */
	const struct pmip_config_peer *peer;
	unsigned window;
	double seconds, warmup;
	unsigned long count_max;
	bool starting;               /* still starting new SAs */
	uint64_t t_count_start_ns, t_count_end_ns;
	enum slot_phase *phase;      /* by SA index */
	uint64_t *started_ns;        /* by SA index */
	uint32_t *todo;              /* established SAs to count and delete */
	unsigned n_todo;
	unsigned in_setup, deleting;
	unsigned long started, setups_all, setups, failed, child_failed, start_failed;
	double setup_ms_sum;
	/* Both. */
	unsigned long tx_errors, rx_non_ike, children_up, children_down;
};

static struct bench B;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static double cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

/* ------------------------------------------------------------- the env -- */

static int env_send(void *ctx, const struct in6_addr *local, uint16_t sport,
		    const struct in6_addr *remote, uint16_t dport, const uint8_t *msg, size_t len)
{
	(void)local;
	struct bench *b = ctx;
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_port = htons(dport),
				   .sin6_addr = *remote };
	uint8_t buf[IKEV2_MSG_MAX + 4];
	const uint8_t *out = msg;
	int fd = b->fd500;
	if (sport == IKEV2_NATT_PORT) {
		/* RFC 3948 2.2: the non-ESP marker. */
		if (len > IKEV2_MSG_MAX)
			return -1;
		memset(buf, 0, 4);
		memcpy(buf + 4, msg, len);
		out = buf;
		len += 4;
		fd = b->fd4500;
	}
	if (sendto(fd, out, len, 0, (const struct sockaddr *)&to, sizeof(to)) != (ssize_t)len) {
		b->tx_errors++;
		return -1;
	}
	return 0;
}

static int env_child_up(void *ctx, const struct ikev2_sa *sa, struct ikev2_child *c,
			const struct ike_child_keys *keys, bool initiator)
{
	(void)sa;
	(void)keys;
	(void)initiator;
	struct bench *b = ctx;
	/* Ids as a data plane would give them; nothing is installed. */
	b->children_up++;
	c->dp_in = (uint32_t)(2 * b->children_up);
	c->dp_out = (uint32_t)(2 * b->children_up + 1);
	return 0;
}

static void env_child_down(void *ctx, const struct ikev2_sa *sa, struct ikev2_child *c)
{
	(void)sa;
	(void)c;
	struct bench *b = ctx;
	b->children_down++;
}

static bool env_assign(void *ctx, const struct ikev2_sa *sa, const struct in6_addr *want,
		       struct in6_addr *out, uint8_t *prefix_len)
{
	/* The initiator asks for no home address; refuse if one ever does. */
	(void)ctx;
	(void)sa;
	(void)want;
	(void)out;
	(void)prefix_len;
	return false;
}

/* Only records what happened: the engine is in the middle of a message
 * (established() runs before the CHILD_SA is installed), so counting and
 * deleting wait until ikev2_input() has returned (run_todo). */
static void env_state(void *ctx, const struct ikev2_sa *sa)
{
	struct bench *b = ctx;
	if (!b->initiator)
		return;
	uint32_t i = sa->index;
	if (sa->state == IKEV2_ESTABLISHED && b->phase[i] == SLOT_SETUP) {
		b->phase[i] = SLOT_EST_PENDING;
		b->todo[b->n_todo++] = i;
	} else if (sa->state == IKEV2_DEAD) {
		switch (b->phase[i]) {
		case SLOT_SETUP:
			b->failed++;
			b->in_setup--;
			break;
		case SLOT_EST_PENDING:
			/* Gone within the message that established it. */
			b->failed++;
			b->in_setup--;
			break;
		case SLOT_DELETING:
			b->deleting--;
			break;
		case SLOT_FREE:
			break;
		}
		b->phase[i] = SLOT_FREE;
	}
}

/* ------------------------------------------------------------ initiator -- */

static void start_one(struct bench *b)
{
	struct ikev2_sa *sa = ikev2_sa_new(&b->e, true, b->peer, &b->peer->address, IKEV2_PORT);
	if (sa == NULL) {
		b->start_failed++;
		return;
	}
	b->phase[sa->index] = SLOT_SETUP;
	b->started_ns[sa->index] = now_ns();
	b->in_setup++;
	b->started++;
	if (ikev2_init_start(&b->e, sa) != 0) {
		/* sa_free reports DEAD through env_state: counted as failed. */
		ikev2_sa_free(&b->e, sa, "IKE_SA_INIT could not be built");
	}
}

static void fill_window(struct bench *b)
{
	unsigned long guard = b->start_failed;
	while (b->starting && b->in_setup < b->window && b->start_failed == guard)
		start_one(b);
}

static void run_todo(struct bench *b)
{
	uint64_t now = now_ns();
	for (unsigned k = 0; k < b->n_todo; k++) {
		uint32_t i = b->todo[k];
		if (b->phase[i] != SLOT_EST_PENDING)
			continue; /* gone meanwhile (counted as failed) */
		struct ikev2_sa *sa = &b->e.sas[i];
		b->in_setup--;
		if (sa->children[0].in_use) {
			b->setups_all++;
			if (now >= b->t_count_start_ns && now < b->t_count_end_ns) {
				b->setups++;
				b->setup_ms_sum += (double)(now - b->started_ns[i]) / 1e6;
			}
		} else {
			b->child_failed++;
		}
		b->phase[i] = SLOT_DELETING;
		b->deleting++;
		ikev2_delete(&b->e, sa); /* may report DEAD at once (send failed) */
	}
	b->n_todo = 0;
	fill_window(b);
}

/* -------------------------------------------------------------- sockets -- */

static void on_rx(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	(void)loop;
	(void)events;
	struct bench *b = arg;
	static uint8_t buf[65536];
	uint16_t port = fd == b->fd4500 ? IKEV2_NATT_PORT : IKEV2_PORT;
	for (int n = 0; n < RX_BATCH; n++) {
		struct sockaddr_in6 from;
		socklen_t fl = sizeof(from);
		ssize_t len = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		if (len < 0)
			break;
		const uint8_t *msg = buf;
		size_t mlen = (size_t)len;
		if (port == IKEV2_NATT_PORT) {
			/* Keepalives (one 0xFF) and ESP (non-zero SPI) are not IKE. */
			if (mlen < 4 + 28 || memcmp(buf, "\0\0\0\0", 4) != 0) {
				b->rx_non_ike++;
				continue;
			}
			msg += 4;
			mlen -= 4;
		}
		ikev2_input(&b->e, &from.sin6_addr, ntohs(from.sin6_port), &b->addr, port, msg, mlen);
		if (b->initiator && b->n_todo > 0)
			run_todo(b);
	}
}

static int udp_open(const struct in6_addr *addr, uint16_t port)
{
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int on = 1, sz = RCVBUF;
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	/* charon may hold the wildcard address on the same port. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(port),
				   .sin6_addr = *addr };
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		char a[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, addr, a, sizeof(a));
		fprintf(stderr, "bench_ike: bind [%s]:%u: %s\n", a, port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* --------------------------------------------------------------- config -- */

static int load_config(struct bench *b, const char *path, const char *addr, unsigned rtx_ms,
		       unsigned rtx_tries)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "bench_ike: %s: %s\n", path, strerror(errno));
		return -1;
	}
	static char ini[65536];
	size_t n = fread(ini, 1, sizeof(ini) - 1, f);
	fclose(f);
	ini[n] = '\0';
	size_t cap = n + 1024;
	char *text = malloc(cap);
	if (text == NULL)
		return -1;
	snprintf(text, cap,
		 "[gateway]\nrole = %s\nname = bench-%s\n"
		 "[port.core0]\ndevice = net_null0\nkind = core\naddress = %s/64\n"
		 "[port.other0]\ndevice = net_null1\nkind = %s\naddress = 2001:db8:ff00::1/64\n"
		 "%s\n",
		 b->initiator ? "mag" : "lma", b->initiator ? "i" : "r", addr,
		 b->initiator ? "access" : "network", ini);
	struct pmip_config_raw raw;
	static struct pmip_config_errors errs;
	int rc = pmip_config_parse_string(text, path, &raw, &errs);
	if (rc == 0) {
		rc = pmip_config_validate(&raw, &b->cfg, &errs);
		pmip_config_raw_free(&raw);
	}
	free(text);
	if (rc != 0) {
		pmip_config_errors_print(&errs);
		return -1;
	}
	struct pmip_config_ike *ike = &b->cfg.ike;
	/* The ini caps these for a gateway; the bench needs no caps. */
	ike->sas_per_peer_max = 1u << 30;
	ike->half_open_max = 1u << 30;
	ike->cookie_threshold = 1u << 30;
	ike->retransmit_ms = rtx_ms;
	ike->retransmit_tries = rtx_tries;
	ike->dpd_s = 0;
	ike->nat_keepalive_s = 0;
	ike->ike_lifetime_s = 0;
	ike->child_lifetime_s = 0;
	return 0;
}

/* ----------------------------------------------------------------- main -- */

static void on_signal(struct evloop *loop, int signo, void *arg)
{
	(void)loop;
	(void)signo;
	struct bench *b = arg;
	b->stop = true;
}

static void print_stats(const struct bench *b)
{
	char buf[4096];
	size_t n = ikev2_stats_format(&b->e, buf, sizeof(buf));
	fprintf(stderr, "bench_ike %s engine counters (non-zero):\n",
		b->initiator ? "initiator" : "responder");
	for (char *line = strtok(buf, "\n"); line != NULL && (size_t)(line - buf) < n;
	     line = strtok(NULL, "\n")) {
		const char *v = strrchr(line, ' ');
		if (v != NULL && strcmp(v + 1, "0") != 0)
			fprintf(stderr, "  %s\n", line);
	}
}

static void usage(void)
{
	fprintf(stderr,
		"usage: bench_ike responder --addr A --config INI [--max-sas N] [--rtx-ms MS] "
		"[--rtx-tries N] [--log LEVEL]\n"
		"       bench_ike initiator --addr A --peer P --config INI [--window K] "
		"[--seconds S] [--warmup W] [--count N] [--max-sas N] [--rtx-ms MS] "
		"[--rtx-tries N] [--log LEVEL]\n");
}

int main(int argc, char **argv)
{
	struct bench *b = &B;
	if (argc < 2 || (strcmp(argv[1], "responder") != 0 && strcmp(argv[1], "initiator") != 0)) {
		usage();
		return 2;
	}
	b->initiator = strcmp(argv[1], "initiator") == 0;
	const char *addr = NULL, *peer = NULL, *config = NULL, *level = "warning";
	unsigned max_sas = 4096, rtx_ms = b->initiator ? 1000 : 100, rtx_tries = 3;
	b->window = 16;
	b->seconds = 5;
	b->warmup = 0.5;
	static const struct option opts[] = {
		{ "addr", required_argument, NULL, 'a' },    { "peer", required_argument, NULL, 'p' },
		{ "config", required_argument, NULL, 'c' },  { "window", required_argument, NULL, 'w' },
		{ "seconds", required_argument, NULL, 's' }, { "warmup", required_argument, NULL, 'W' },
		{ "count", required_argument, NULL, 'n' },   { "max-sas", required_argument, NULL, 'm' },
		{ "rtx-ms", required_argument, NULL, 'r' },  { "rtx-tries", required_argument, NULL, 't' },
		{ "log", required_argument, NULL, 'l' },     { NULL, 0, NULL, 0 },
	};
	int o;
	optind = 2;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'a': addr = optarg; break;
		case 'p': peer = optarg; break;
		case 'c': config = optarg; break;
		case 'w': b->window = (unsigned)strtoul(optarg, NULL, 10); break;
		case 's': b->seconds = strtod(optarg, NULL); break;
		case 'W': b->warmup = strtod(optarg, NULL); break;
		case 'n': b->count_max = strtoul(optarg, NULL, 10); break;
		case 'm': max_sas = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'r': rtx_ms = (unsigned)strtoul(optarg, NULL, 10); break;
		case 't': rtx_tries = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'l': level = optarg; break;
		default: usage(); return 2;
		}
	}
	if (addr == NULL || config == NULL || inet_pton(AF_INET6, addr, &b->addr) != 1 ||
	    (b->initiator && (peer == NULL || inet_pton(AF_INET6, peer, &b->peer_addr) != 1)) ||
	    b->window == 0 || max_sas < 2 || rtx_ms == 0 || pmip_log_level_parse(level) < 0) {
		usage();
		return 2;
	}
	pmip_log_open(b->initiator ? "bench_ike-i" : "bench_ike-r",
		      (enum pmip_log_level)pmip_log_level_parse(level), "stderr");
	if (load_config(b, config, addr, rtx_ms, rtx_tries) != 0)
		return 1;
	if (b->initiator) {
		b->peer = pmip_config_peer_by_addr(&b->cfg, &b->peer_addr);
		if (b->peer == NULL) {
			fprintf(stderr, "bench_ike: %s: no [ike.peer] with address %s\n", config, peer);
			return 1;
		}
		if (b->window >= max_sas) {
			fprintf(stderr, "bench_ike: --window must stay below --max-sas\n");
			return 2;
		}
		b->phase = calloc(max_sas, sizeof(*b->phase));
		b->started_ns = calloc(max_sas, sizeof(*b->started_ns));
		b->todo = calloc(max_sas, sizeof(*b->todo));
		if (b->phase == NULL || b->started_ns == NULL || b->todo == NULL)
			return 1;
	}
	b->loop = evloop_create();
	if (b->loop == NULL)
		return 1;
	b->fd500 = udp_open(&b->addr, IKEV2_PORT);
	b->fd4500 = udp_open(&b->addr, IKEV2_NATT_PORT);
	if (b->fd500 < 0 || b->fd4500 < 0)
		return 1;
	struct ikev2_env env = {
		.ctx = b,
		.send = env_send,
		.child_up = env_child_up,
		.child_down = env_child_down,
		.assign_address = env_assign,
		.release_address = NULL,
		.state_changed = env_state,
		.keylog = NULL,
		.keepalive = NULL,
	};
	if (ikev2_init(&b->e, &b->cfg, b->loop, &env, &b->addr, max_sas) != 0) {
		fprintf(stderr, "bench_ike: ikev2_init failed\n");
		return 1;
	}
	if (evloop_fd_add(b->loop, b->fd500, EPOLLIN, on_rx, b) != 0 ||
	    evloop_fd_add(b->loop, b->fd4500, EPOLLIN, on_rx, b) != 0 ||
	    evloop_signal_add(b->loop, SIGTERM, on_signal, b) != 0 ||
	    evloop_signal_add(b->loop, SIGINT, on_signal, b) != 0) {
		fprintf(stderr, "bench_ike: event loop set-up failed: %s\n", strerror(errno));
		return 1;
	}

	if (!b->initiator) {
		printf("ready\n");
		fflush(stdout);
		double cpu0 = cpu_s();
		while (!b->stop)
			if (evloop_run_once(b->loop, -1) < 0 && errno != EINTR)
				break;
		printf("result responder_established %lu\n", (unsigned long)b->e.stats.established);
		printf("result responder_children %lu\n", b->children_up);
		printf("result responder_deleted %lu\n", (unsigned long)b->e.stats.deleted);
		/* IKE_SA_INIT refused: table full (counted as half-open refusals)
		 * or a limit; the initiator then retransmits. */
		printf("result responder_refused %lu\n",
		       (unsigned long)(b->e.stats.half_open_refused + b->e.stats.sas_per_peer_refused +
				       b->e.stats.cookies_sent));
		printf("result responder_cpu_s %.3f\n", cpu_s() - cpu0);
		print_stats(b);
		ikev2_free(&b->e);
		evloop_destroy(b->loop);
		close(b->fd500);
		close(b->fd4500);
		return 0;
	}

	/* Initiator. */
	uint64_t t0 = now_ns();
	b->t_count_start_ns = t0 + (uint64_t)(b->warmup * 1e9);
	b->t_count_end_ns = b->t_count_start_ns + (uint64_t)(b->seconds * 1e9);
	b->starting = true;
	double cpu0 = cpu_s(), cpu_count0 = -1, cpu_count1 = -1;
	fill_window(b);
	uint64_t drain_until = 0;
	while (!b->stop) {
		evloop_run_once(b->loop, 5);
		if (b->n_todo > 0)
			run_todo(b);
		uint64_t now = now_ns();
		if (cpu_count0 < 0 && now >= b->t_count_start_ns)
			cpu_count0 = cpu_s();
		bool enough = b->count_max != 0 && b->setups >= b->count_max;
		if (b->starting && (now >= b->t_count_end_ns || enough)) {
			if (enough)
				b->t_count_end_ns = now; /* the window closes here */
			cpu_count1 = cpu_s();
			b->starting = false;
			drain_until = now + 5000000000ull;
		}
		if (!b->starting && b->in_setup == 0 && b->deleting == 0)
			break;
		if (!b->starting && now >= drain_until)
			break;
		if (b->in_setup == 0 && b->starting && b->start_failed > 0) {
			fprintf(stderr, "bench_ike: cannot start IKE SAs (table of %u full)\n", max_sas);
			b->starting = false;
			drain_until = now;
		}
	}
	if (cpu_count1 < 0)
		cpu_count1 = cpu_s();
	if (cpu_count0 < 0)
		cpu_count0 = cpu_count1;
	double secs = (double)(b->t_count_end_ns - b->t_count_start_ns) / 1e9;
	if (b->t_count_end_ns > now_ns())
		secs = (double)(now_ns() - b->t_count_start_ns) / 1e9; /* interrupted */
	if (secs <= 0)
		secs = 1e-9;
	printf("result ike_window %u\n", b->window);
	printf("result ike_seconds %.3f\n", secs);
	printf("result ike_setups %lu\n", b->setups);
	printf("result ike_setups_per_s %.1f\n", (double)b->setups / secs);
	printf("result ike_setup_ms_avg %.2f\n", b->setups ? b->setup_ms_sum / (double)b->setups : 0.0);
	printf("result ike_failed %lu\n", b->failed + b->child_failed);
	printf("result ike_child_failed %lu\n", b->child_failed);
	printf("result ike_setups_all %lu\n", b->setups_all);
	printf("result ike_started %lu\n", b->started);
	printf("result ike_unfinished %u\n", b->in_setup + b->deleting);
	printf("result ike_retransmits %lu\n", (unsigned long)b->e.stats.tx_retransmit);
	printf("result ike_timeouts %lu\n", (unsigned long)b->e.stats.timeouts);
	printf("result ike_tx_errors %lu\n", b->tx_errors);
	printf("result initiator_cpu_s %.3f\n", cpu_count1 - cpu_count0);
	printf("result initiator_cpu_total_s %.3f\n", cpu_s() - cpu0);
	print_stats(b);
	ikev2_free(&b->e);
	evloop_destroy(b->loop);
	close(b->fd500);
	close(b->fd4500);
	free(b->phase);
	free(b->started_ns);
	free(b->todo);
	return b->stop ? 1 : 0;
}
