/* Logging shared by pmip-dp and pmip-cp.
 *
 * One process-wide sink chosen from the ini file ([log] target): stderr,
 * syslog, or a file. Lines carry a timestamp, the program ident, the level and
 * a module tag, so an operator can grep "ike:" or "config:". Not for the
 * packet path: workers never log, they count (see dp/counters.h).
 */
#ifndef PMIP_COMMON_LOG_H
#define PMIP_COMMON_LOG_H

#include <stdarg.h>
#include <stdbool.h>

enum pmip_log_level {
	PMIP_LOG_ERR = 0,
	PMIP_LOG_WARNING,
	PMIP_LOG_NOTICE,
	PMIP_LOG_INFO,
	PMIP_LOG_DEBUG,
};

/* Parse "err", "warning", "notice", "info" or "debug". Returns -1 if unknown. */
int pmip_log_level_parse(const char *name);
const char *pmip_log_level_name(enum pmip_log_level level);

/* Open the sink. target is "stderr", "syslog" or "file:/path". Until this is
 * called, messages go to stderr at level info. Returns 0, or -1 with errno set
 * when the file cannot be opened (the message is then written to stderr). */
int pmip_log_open(const char *ident, enum pmip_log_level level, const char *target);
void pmip_log_close(void);
void pmip_log_set_level(enum pmip_log_level level);
bool pmip_log_enabled(enum pmip_log_level level);

void pmip_log(enum pmip_log_level level, const char *module, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void pmip_vlog(enum pmip_log_level level, const char *module, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Each .c file defines LOG_MODULE before including this header's users'
 * macros, e.g. #define LOG_MODULE "shm". */
/* Below err, the arguments are evaluated only when the level is on: a
 * message's inet_ntop() costs nothing on a gateway logging at warning. */
#define PMIP_LOG_IF(level, ...)                                                \
	do {                                                                   \
		if (pmip_log_enabled(level))                                   \
			pmip_log(level, LOG_MODULE, __VA_ARGS__);              \
	} while (0)
#define pmip_err(...)    pmip_log(PMIP_LOG_ERR, LOG_MODULE, __VA_ARGS__)
#define pmip_warn(...)   PMIP_LOG_IF(PMIP_LOG_WARNING, __VA_ARGS__)
#define pmip_notice(...) PMIP_LOG_IF(PMIP_LOG_NOTICE, __VA_ARGS__)
#define pmip_info(...)   PMIP_LOG_IF(PMIP_LOG_INFO, __VA_ARGS__)
#define pmip_dbg(...)    PMIP_LOG_IF(PMIP_LOG_DEBUG, __VA_ARGS__)

#endif
