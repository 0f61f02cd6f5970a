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

/*
 * The last line of defence for text from files, folders and servers that a
 * message forgot to escape: control bytes become \xNN and the Unicode
 * controls that reorder a line on a terminal (U+202A-U+202E, U+2066-U+2069)
 * become \u escapes, so one message cannot pass for several (only an
 * indented continuation line is kept).
 */
static void
defang(const char *in, char *out, size_t outlen)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0;

	for (; *p != '\0' && o + 8 < outlen; p++) {
		if (*p == '\n' && strncmp((const char *)p + 1, "    ", 4) == 0) {
			out[o++] = '\n';	/* an indented continuation, never a new message */
		} else if (*p < 0x20 || *p == 0x7f) {
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", *p);
		} else if (p[0] == 0xe2 && ((p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae) ||
		    (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9))) {
			o += (size_t)snprintf(out + o, outlen - o, "\\u%04x",
			    ((unsigned)(p[1] & 0x3f) << 6 | (p[2] & 0x3fu)) + 0x2000u);
			p += 2;
		} else {
			out[o++] = (char)*p;
		}
	}
	out[o] = '\0';
}

static void
emit(enum log_level level, const char *fmt, va_list ap, int with_errno, int saved_errno)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	static const char *const tag[] = { "error: ", "warning: ", "", "debug: " };
	char msg[4096], safe[4096 * 4];
	int n;

	if (level > log_verbosity)
		return;
	n = vsnprintf(msg, sizeof msg, fmt, ap);
	if (n < 0)
		return;
	if (with_errno && (size_t)n < sizeof msg)
		snprintf(msg + n, sizeof msg - (size_t)n, ": %s", strerror(saved_errno));
	defang(msg, safe, sizeof safe);
	if (log_to_syslog)
		syslog(prio[level], "%s", safe);
	else
		fprintf(stderr, "%s: %s%s\n", log_progname, tag[level], safe);
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
