/* pmipctl: look at and steer a running gateway.
 *
 *   pmipctl -c FILE info|ports|workers|drops|rings    pmip-dp counters (telemetry)
 *   pmipctl -c FILE binding ID                one binding's counters in dp
 *   pmipctl -c FILE sa ID                     one ESP SA's counters in dp
 *   pmipctl -c FILE raw /ethdev/stats,0       any DPDK telemetry command
 *   pmipctl -c FILE cp binding set id=N hnp=P/64 peer=A [port=P mac=M] ...
 *   pmipctl -c FILE cp binding del id=N
 *   pmipctl -c FILE cp binding list | neigh list | stats
 *   pmipctl -c FILE cp sa add|del|list|ping ...    ESP SAs by hand (docs/ESP.md)
 *   pmipctl -c FILE cp ike list|stats              IKEv2 SAs and counters
 *   pmipctl -c FILE cp ike initiate|rekey|delete peer=NAME [address=::] [what=ike]
 *
 * dp answers through its DPDK telemetry socket (RTE telemetry v2, a
 * SOCK_SEQPACKET unix socket in dp's runtime directory, found from the
 * ini's gateway name); cp through its control socket ([cp] admin_socket).
 * Answers are JSON on one line, so scripts can parse them. Exit status 1
 * if the gateway answered {"ok":false,...} or could not be reached.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"

#define REPLY_MAX (64 * 1024)

static int usage(void)
{
	fprintf(stderr, "usage: pmipctl -c FILE info|ports|workers|drops|rings|binding ID|sa ID\n"
			"       pmipctl -c FILE raw COMMAND\n"
			"       pmipctl -c FILE cp REQUEST...   (binding set|del|list, sa add|del|list|ping,\n"
			"                                        ike list|stats|initiate|rekey|delete, neigh list, stats)\n");
	return 2;
}

/* One request line to cp's control socket; print the reply line. */
static int cp_request(const char *sock_path, int argc, char **argv)
{
	char req[512];
	size_t n = 0;
	for (int i = 0; i < argc; i++) {
		int w = snprintf(req + n, sizeof(req) - n, "%s%s", i ? " " : "", argv[i]);
		if (w < 0 || (size_t)w >= sizeof(req) - n - 1) {
			fprintf(stderr, "pmipctl: request too long\n");
			return 2;
		}
		n += (size_t)w;
	}
	req[n++] = '\n';
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (fd < 0 || strlen(sock_path) >= sizeof(sun.sun_path)) {
		perror("pmipctl: socket");
		return 1;
	}
	memcpy(sun.sun_path, sock_path, strlen(sock_path) + 1);
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		fprintf(stderr, "pmipctl: cannot connect to %s: %s (is pmip-cp running?)\n",
			sock_path, strerror(errno));
		close(fd);
		return 1;
	}
	if (write(fd, req, n) != (ssize_t)n) {
		perror("pmipctl: write");
		close(fd);
		return 1;
	}
	static char buf[REPLY_MAX * 4];
	size_t got = 0;
	while (got < sizeof(buf) - 1) {
		ssize_t r = read(fd, buf + got, sizeof(buf) - 1 - got);
		if (r <= 0)
			break;
		got += (size_t)r;
		if (buf[got - 1] == '\n')
			break;
	}
	close(fd);
	buf[got] = '\0';
	if (got == 0) {
		fprintf(stderr, "pmipctl: no answer from pmip-cp\n");
		return 1;
	}
	fputs(buf, stdout);
	return strstr(buf, "\"ok\":false") != NULL ? 1 : 0;
}

static int query(const char *sock_path, const char *cmd)
{
	static char buf[REPLY_MAX];
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (fd < 0) {
		perror("pmipctl: socket");
		return 1;
	}
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(sock_path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "pmipctl: socket path too long: %s\n", sock_path);
		close(fd);
		return 1;
	}
	memcpy(sun.sun_path, sock_path, strlen(sock_path) + 1);
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		fprintf(stderr, "pmipctl: cannot connect to %s: %s (is pmip-dp running?)\n",
			sock_path, strerror(errno));
		close(fd);
		return 1;
	}
	/* The server greets with its version and limits first. */
	if (read(fd, buf, sizeof(buf) - 1) <= 0 || write(fd, cmd, strlen(cmd)) < 0) {
		fprintf(stderr, "pmipctl: telemetry exchange failed: %s\n", strerror(errno));
		close(fd);
		return 1;
	}
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0) {
		fprintf(stderr, "pmipctl: no answer to %s\n", cmd);
		return 1;
	}
	buf[n] = '\0';
	printf("%s\n", buf);
	return 0;
}

int main(int argc, char **argv)
{
	static struct pmip_config cfg;
	struct pmip_config_errors errs;
	if (argc < 4 || strcmp(argv[1], "-c") != 0)
		return usage();
	if (pmip_config_load(argv[2], &cfg, &errs) != 0) {
		pmip_config_errors_print(&errs);
		return 1;
	}
	char cmd[256];
	const char *verb = argv[3];
	if (strcmp(verb, "cp") == 0) {
		if (argc < 5)
			return usage();
		return cp_request(cfg.cp.admin_socket, argc - 4, argv + 4);
	}
	if (strcmp(verb, "binding") == 0 || strcmp(verb, "sa") == 0) {
		if (argc != 5)
			return usage();
		snprintf(cmd, sizeof(cmd), "/pmip/%s,%s", verb, argv[4]);
	} else if (strcmp(verb, "raw") == 0) {
		if (argc != 5)
			return usage();
		snprintf(cmd, sizeof(cmd), "%s", argv[4]);
	} else if (argc == 4 && (strcmp(verb, "info") == 0 || strcmp(verb, "ports") == 0 ||
				 strcmp(verb, "workers") == 0 || strcmp(verb, "drops") == 0 ||
				 strcmp(verb, "rings") == 0)) {
		snprintf(cmd, sizeof(cmd), "/pmip/%s", verb);
	} else {
		return usage();
	}
	/* Same place EAL puts it: /var/run/dpdk/<prefix> for root, else
	 * $XDG_RUNTIME_DIR/dpdk/<prefix>. */
	char path[PATH_MAX];
	const char *base = "/var/run";
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (getuid() != 0 && xdg != NULL)
		base = xdg;
	snprintf(path, sizeof(path), "%s/dpdk/pmip-%s/dpdk_telemetry.v2", base, cfg.name);
	return query(path, cmd);
}
