/*
 * strbuf.h — a growable, always NUL-terminated byte string (git's strbuf).
 *
 * Invariants: buf is never NULL after strbuf_init (it points at a static
 * empty string until the first append), buf[len] == '\0', len < alloc once
 * allocated.  Growth goes through xmem and aborts only on exhaustion; code
 * that appends untrusted input checks its own limit first.
 */
#ifndef DOJOBRIDGE_STRBUF_H
#define DOJOBRIDGE_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

#define STRBUF_INIT { strbuf_empty, 0, 0 }
extern char strbuf_empty[];

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
/* Give up the buffer: caller frees the returned string. */
char *strbuf_detach(struct strbuf *sb);

void strbuf_add(struct strbuf *sb, const void *data, size_t n);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Append s as a JSON string literal, quotes included; NULL appends null.
 * Invalid UTF-8 bytes become U+FFFD so the output is always valid JSON.
 */
void strbuf_add_json(struct strbuf *sb, const char *s);

/*
 * Append s made safe for one log or terminal line: control characters,
 * backslash, DEL and invalid UTF-8 become \n, \t, \\, \xNN escapes.  Names
 * from drop folders go through this before they are printed.
 */
void strbuf_add_escaped(struct strbuf *sb, const char *s);

/* A static-buffer convenience for log lines: escapes s into buf (truncating). */
const char *escape_name(const char *s, char *buf, size_t bufsz);

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if invalid. */
size_t utf8_seq_len(const unsigned char *s, size_t avail);

#endif
