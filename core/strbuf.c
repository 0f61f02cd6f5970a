/*
 * Growable strings and the two escapings dojobridge needs everywhere: JSON
 * string literals and log-safe text for untrusted names.
 */
#include "strbuf.h"
#include "xmem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char strbuf_empty[1];

void
strbuf_init(struct strbuf *sb)
{
	sb->buf = strbuf_empty;
	sb->len = 0;
	sb->alloc = 0;
}

void
strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb);
}

void
strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->alloc)
		sb->buf[0] = '\0';
}

char *
strbuf_detach(struct strbuf *sb)
{
	char *p = sb->alloc ? sb->buf : xstrdup("");

	strbuf_init(sb);
	return p;
}

static void
grow(struct strbuf *sb, size_t extra)
{
	size_t want = sb->len + extra + 1;

	if (want <= sb->alloc)
		return;
	if (want < sb->alloc * 2)
		want = sb->alloc * 2;
	if (want < 64)
		want = 64;
	if (sb->alloc == 0) {
		sb->buf = xmalloc(want);
		sb->buf[0] = '\0';
	} else {
		sb->buf = xrealloc(sb->buf, want);
	}
	sb->alloc = want;
}

void
strbuf_add(struct strbuf *sb, const void *data, size_t n)
{
	grow(sb, n);
	memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void
strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void
strbuf_addch(struct strbuf *sb, int c)
{
	char ch = (char)c;

	strbuf_add(sb, &ch, 1);
}

void
strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	grow(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

size_t
utf8_seq_len(const unsigned char *s, size_t avail)
{
	size_t n, i;
	unsigned int cp;

	if (avail == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2; cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3; cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4; cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Reject overlong forms, surrogates and values past U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void
strbuf_add_json(struct strbuf *sb, const char *s)
{
	const unsigned char *p;
	size_t left, n;

	if (s == NULL) {
		strbuf_addstr(sb, "null");
		return;
	}
	strbuf_addch(sb, '"');
	p = (const unsigned char *)s;
	left = strlen(s);
	while (left > 0) {
		if (*p == '"' || *p == '\\') {
			strbuf_addch(sb, '\\');
			strbuf_addch(sb, *p);
			n = 1;
		} else if (*p < 0x20 || *p == 0x7f) {
			strbuf_addf(sb, "\\u%04x", *p);
			n = 1;
		} else if ((n = utf8_seq_len(p, left)) == 0) {
			strbuf_addstr(sb, "\xef\xbf\xbd");
			n = 1;
		} else {
			strbuf_add(sb, p, n);
		}
		p += n;
		left -= n;
	}
	strbuf_addch(sb, '"');
}

void
strbuf_add_escaped(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), n;

	while (left > 0) {
		if (*p == '\n')
			strbuf_addstr(sb, "\\n");
		else if (*p == '\t')
			strbuf_addstr(sb, "\\t");
		else if (*p == '\\')
			strbuf_addstr(sb, "\\\\");
		else if (*p < 0x20 || *p == 0x7f)
			strbuf_addf(sb, "\\x%02x", *p);
		else if ((n = utf8_seq_len(p, left)) == 0)
			strbuf_addf(sb, "\\x%02x", *p);
		else {
			strbuf_add(sb, p, n);
			p += n;
			left -= n;
			continue;
		}
		p++;
		left--;
	}
}

const char *
escape_name(const char *s, char *buf, size_t bufsz)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_add_escaped(&sb, s ? s : "(null)");
	snprintf(buf, bufsz, "%s", sb.buf);
	if (sb.len >= bufsz && bufsz > 4)
		memcpy(buf + bufsz - 4, "...", 4);
	strbuf_release(&sb);
	return buf;
}
