/*
 * rawtext.h — small readers of raw report text that many in-tree plugins
 * share: a byte search, JSON members read straight from the head or tail
 * bytes (which may start or end mid-document, so no parser can take them),
 * and CSV rows.  Static inline: each plugin that includes this still builds
 * from its own .c file alone, and pays only for what it calls.
 * Every reader is bounded by the length it is given.
 */
#ifndef DOJOBRIDGE_RAWTEXT_H
#define DOJOBRIDGE_RAWTEXT_H

#include <stddef.h>
#include <string.h>

#include "dojobridge-plugin.h"

static inline int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* The first occurrence of needle in p[0..len), or NULL. */
static inline const unsigned char *
find(const unsigned char *p, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (; len >= n; p++, len--)
		if (memcmp(p, needle, n) == 0)
			return p;
	return NULL;
}

static inline size_t
skip_ws(const unsigned char *p, size_t len, size_t i)
{
	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
	    p[i] == '\n'))
		i++;
	return i;
}

/*
 * Where the value of the first key `name` (quotes included) starts in raw
 * JSON text that may be cut anywhere: the index of its first byte, or len
 * when there is no such key.  A string equal to name but used as a value
 * is skipped.
 */
static inline size_t
value_of(const unsigned char *p, size_t len, const char *name)
{
	const unsigned char *hit;
	size_t i = 0, m = strlen(name);

	while ((hit = find(p + i, len - i, name)) != NULL) {
		i = skip_ws(p, len, (size_t)(hit - p) + m);
		if (i < len && p[i] == ':')
			return skip_ws(p, len, i + 1);
	}
	return len;
}

/*
 * Look for `key` among the own members of the object that is the value of
 * the first key `object` (quoted) in raw JSON text, or the first element
 * of it when it is an array.  Depth is tracked so that deeper members do
 * not count.  Returns 0 when found, with a string value copied into out
 * (escapes as written, truncated), or "" for any other value; -1 when the
 * text, which may be cut anywhere, does not show it.
 */
static inline int
member(const unsigned char *p, size_t len, const char *object, const char *key,
    char *out, size_t outlen)
{
	size_t i, j, start, n, k = strlen(key);
	int depth = 0;

	out[0] = '\0';
	i = value_of(p, len, object);
	if (i < len && p[i] == '[')
		i = skip_ws(p, len, i + 1);
	if (i >= len || p[i] != '{')
		return -1;
	for (; i < len; i++) {
		if (p[i] == '{' || p[i] == '[')
			depth++;
		else if (p[i] == '}' || p[i] == ']') {
			if (--depth == 0)
				return -1;
		} else if (p[i] == '"') {
			start = i + 1;
			for (i++; i < len && p[i] != '"'; i++)
				if (p[i] == '\\')
					i++;
			if (i >= len)
				return -1;
			j = skip_ws(p, len, i + 1);
			if (depth != 1 || j >= len || p[j] != ':' ||
			    i - start != k || memcmp(p + start, key, k) != 0)
				continue;
			j = skip_ws(p, len, j + 1);
			if (j < len && p[j] == '"')
				for (n = 0, j++; j < len && p[j] != '"' &&
				    n + 1 < outlen; j++) {
					if (p[j] == '\\' && j + 1 < len)
						out[n++] = (char)p[j++];
					if (n + 1 < outlen)
						out[n++] = (char)p[j];
					out[n] = '\0';
				}
			return 0;
		}
	}
	return -1;
}

/* Whether the head holds the whole file, so that raw searches are complete. */
static inline int
whole(const struct dojobridge_facts *facts)
{
	return facts->size == facts->head_len;
}

/*
 * Field `col` of the first record after the header in CSV text (the head),
 * quotes removed.  Fails when that record does not end inside the text,
 * unless the text is the whole file.
 */
static inline int
csv_row_field(const unsigned char *p, size_t len, int whole, char delim,
    long col, char *out, size_t outlen)
{
	size_t i = 0, n = 0;
	long field = 0;
	int quoted = 0, row = 0;

	if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;
	for (; i < len; i++) {
		unsigned char c = p[i];

		if (quoted) {
			if (c == '"' && i + 1 < len && p[i + 1] == '"')
				i++;
			else if (c == '"') {
				quoted = 0;
				continue;
			}
		} else if (c == '"') {
			quoted = 1;
			continue;
		} else if (c == (unsigned char)delim) {
			if (row == 1 && field == col)
				break;
			field++;
			continue;
		} else if (c == '\n' || c == '\r') {
			if (row == 1)
				break;
			if (c == '\r' && i + 1 < len && p[i + 1] == '\n')
				i++;
			row = 1;
			field = 0;
			continue;
		}
		if (row == 1 && field == col && n + 1 < outlen)
			out[n++] = (char)(c == '\n' || c == '\r' ? ' ' : c);
	}
	out[n] = '\0';
	if (row != 1 || field != col || (i >= len && !whole))
		return -1;
	return 0;
}

#endif /* DOJOBRIDGE_RAWTEXT_H */
