/*
 * Logging for the daemon and its commands: one line per message, to stderr
 * or syslog.  Kept tiny so every module can afford to call it.
 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

static const char *log_progname = "dojobridge";
static int log_to_syslog;
static enum log_level log_verbosity = LOG_LEVEL_INFO;

void
log_init(const char *progname, int use_syslog, enum log_level verbosity)
{
	log_progname = progname;
	log_to_syslog = use_syslog;
	log_verbosity = verbosity;
	if (use_syslog)
		openlog(progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_verbosity(enum log_level verbosity)
{
	log_verbosity = verbosity;
}

enum log_level
log_get_verbosity(void)
{
	return log_verbosity;
}

static void
emit(enum log_level level, const char *fmt, va_list ap, int with_errno, int saved_errno)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	static const char *const tag[] = { "error: ", "warning: ", "", "debug: " };
	char msg[4096];
	int n;

	if (level > log_verbosity)
		return;
	n = vsnprintf(msg, sizeof msg, fmt, ap);
	if (n < 0)
		return;
	if (with_errno && (size_t)n < sizeof msg)
		snprintf(msg + n, sizeof msg - (size_t)n, ": %s", strerror(saved_errno));
	if (log_to_syslog)
		syslog(prio[level], "%s", msg);
	else
		fprintf(stderr, "%s: %s%s\n", log_progname, tag[level], msg);
}

#define LOG_BODY(level, with_errno) do {		\
	int saved = errno;				\
	va_list ap;					\
	va_start(ap, fmt);				\
	emit(level, fmt, ap, with_errno, saved);	\
	va_end(ap);					\
	errno = saved;					\
} while (0)

void log_warn(const char *fmt, ...) { LOG_BODY(LOG_LEVEL_WARN, 1); }
void log_warnx(const char *fmt, ...) { LOG_BODY(LOG_LEVEL_WARN, 0); }
void log_info(const char *fmt, ...) { LOG_BODY(LOG_LEVEL_INFO, 0); }
void log_debug(const char *fmt, ...) { LOG_BODY(LOG_LEVEL_DEBUG, 0); }
int log_errorx(const char *fmt, ...) { LOG_BODY(LOG_LEVEL_ERROR, 0); return -1; }
int log_error(const char *fmt, ...) { LOG_BODY(LOG_LEVEL_ERROR, 1); return -1; }

void
fatal(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_ERROR, 1);
	exit(2);
}

void
fatalx(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_ERROR, 0);
	exit(2);
}
