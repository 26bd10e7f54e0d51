/* Logging sink: stderr, syslog or an append-only file. See log.h. */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

enum log_sink { SINK_STDERR, SINK_SYSLOG, SINK_FILE };

static struct {
	enum log_sink sink;
	enum pmip_log_level level;
	FILE *file;
	char ident[32];
} log_state = { .sink = SINK_STDERR, .level = PMIP_LOG_INFO, .ident = "pmip" };

static const char *const level_names[] = {
	[PMIP_LOG_ERR] = "err",
	[PMIP_LOG_WARNING] = "warning",
	[PMIP_LOG_NOTICE] = "notice",
	[PMIP_LOG_INFO] = "info",
	[PMIP_LOG_DEBUG] = "debug",
};

static const int syslog_prio[] = {
	[PMIP_LOG_ERR] = LOG_ERR,
	[PMIP_LOG_WARNING] = LOG_WARNING,
	[PMIP_LOG_NOTICE] = LOG_NOTICE,
	[PMIP_LOG_INFO] = LOG_INFO,
	[PMIP_LOG_DEBUG] = LOG_DEBUG,
};

int pmip_log_level_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcmp(name, level_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *pmip_log_level_name(enum pmip_log_level level)
{
	if ((unsigned)level >= sizeof(level_names) / sizeof(level_names[0]))
		return "?";
	return level_names[level];
}

int pmip_log_open(const char *ident, enum pmip_log_level level, const char *target)
{
	pmip_log_close();
	snprintf(log_state.ident, sizeof(log_state.ident), "%s", ident);
	log_state.level = level;
	if (target == NULL || strcmp(target, "stderr") == 0) {
		log_state.sink = SINK_STDERR;
	} else if (strcmp(target, "syslog") == 0) {
		openlog(log_state.ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
		log_state.sink = SINK_SYSLOG;
	} else if (strncmp(target, "file:", 5) == 0) {
		FILE *f = fopen(target + 5, "ae");
		if (f == NULL) {
			int saved = errno;
			fprintf(stderr, "%s: log: cannot open %s: %s\n", log_state.ident,
				target + 5, strerror(saved));
			errno = saved;
			return -1;
		}
		setvbuf(f, NULL, _IOLBF, 0);
		log_state.file = f;
		log_state.sink = SINK_FILE;
	} else {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

void pmip_log_close(void)
{
	if (log_state.sink == SINK_FILE && log_state.file != NULL)
		fclose(log_state.file);
	else if (log_state.sink == SINK_SYSLOG)
		closelog();
	log_state.file = NULL;
	log_state.sink = SINK_STDERR;
}

void pmip_log_set_level(enum pmip_log_level level)
{
	log_state.level = level;
}

bool pmip_log_enabled(enum pmip_log_level level)
{
	return level <= log_state.level;
}

void pmip_vlog(enum pmip_log_level level, const char *module, const char *fmt, va_list ap)
{
	if (!pmip_log_enabled(level))
		return;
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);

	if (log_state.sink == SINK_SYSLOG) {
		syslog(syslog_prio[level], "%s: %s", module, msg);
		return;
	}
	struct timespec ts;
	struct tm tm;
	char when[32];
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	FILE *out = log_state.sink == SINK_FILE ? log_state.file : stderr;
	fprintf(out, "%s.%03ldZ %s[%d] %s %s: %s\n", when, ts.tv_nsec / 1000000,
		log_state.ident, (int)getpid(), level_names[level], module, msg);
}

void pmip_log(enum pmip_log_level level, const char *module, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	pmip_vlog(level, module, fmt, ap);
	va_end(ap);
}
