/*
 * log.h — how dojobridge says what happens.
 *
 * OpenBSD style: log_warn appends strerror(errno), the x variants do not.
 * Messages start with the subsystem ("spool: %s: fsync").  Output goes to
 * stderr, or to syslog when log_init asked for it.  File and folder names
 * from a drop tree are untrusted: escape them (strbuf_add_escaped) before
 * they reach a log line.  fatal() is for start-up and broken invariants
 * only; a bad report never ends the process.
 */
#ifndef DOJOBRIDGE_LOG_H
#define DOJOBRIDGE_LOG_H

#define LOG_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* LOG_LEVEL_SILENT says nothing at all (a detection worker repeating what its parent said). */
enum log_level { LOG_LEVEL_SILENT = -1, LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* Send messages up to `verbosity` to stderr (or syslog with use_syslog). */
void log_init(const char *progname, int use_syslog, enum log_level verbosity);
void log_set_verbosity(enum log_level verbosity);
enum log_level log_get_verbosity(void);

void log_warn(const char *fmt, ...) LOG_PRINTF(1, 2);
void log_warnx(const char *fmt, ...) LOG_PRINTF(1, 2);
void log_info(const char *fmt, ...) LOG_PRINTF(1, 2);
void log_debug(const char *fmt, ...) LOG_PRINTF(1, 2);
/* Like log_warnx at error level; returns -1 so that `return log_errorx(...)` is one line. */
int log_errorx(const char *fmt, ...) LOG_PRINTF(1, 2);
int log_error(const char *fmt, ...) LOG_PRINTF(1, 2);

_Noreturn void fatal(const char *fmt, ...) LOG_PRINTF(1, 2);
_Noreturn void fatalx(const char *fmt, ...) LOG_PRINTF(1, 2);

#endif
