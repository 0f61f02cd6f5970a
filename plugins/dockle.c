/*
 * dockle.c — "Dockle Scan": Dockle's JSON, {summary{fatal, warn, info,
 * skip, pass}, details[{code, title, level, alerts}]}.  summary and
 * details are common words, so the summary's own counters must be seen
 * too.  Dockle's report has no date and does not name the image.
 */
#include <string.h>

#include "dojobridge-plugin.h"

/* The first occurrence of needle in p[0..len), or NULL. */
static const unsigned char *
find(const unsigned char *p, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (; len >= n; p++, len--)
		if (memcmp(p, needle, n) == 0)
			return p;
	return NULL;
}

static size_t
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
static size_t
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
static int
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

/* Whether the first key `name` (quoted) in raw JSON text holds [], {} or null. */
static int
empty_value(const unsigned char *p, size_t len, const char *name)
{
	size_t i = value_of(p, len, name);

	if (i + 4 <= len && memcmp(p + i, "null", 4) == 0)
		return 1;
	if (i >= len || (p[i] != '[' && p[i] != '{'))
		return 0;
	i = skip_ws(p, len, i + 1);
	return i < len && (p[i] == ']' || p[i] == '}');
}

/* Whether the head holds the whole file, so that raw searches are complete. */
static int
whole(const struct dojobridge_facts *facts)
{
	return facts->size == facts->head_len;
}

static int
dockle_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;
	char v[8];

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(facts->json_keys, "summary") ||
	    !dojobridge_has(facts->json_keys, "details"))
		return 0;
	if (member(h, n, "\"summary\"", "fatal", v, sizeof(v)) != 0 ||
	    member(h, n, "\"summary\"", "warn", v, sizeof(v)) != 0 ||
	    member(h, n, "\"summary\"", "pass", v, sizeof(v)) != 0)
		return 0;
	out->score = 90;
	out->scan_type = "Dockle Scan";
	return 0;
}

static int
dockle_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Dockle");
	if (whole(facts) && empty_value(facts->head, facts->head_len,
	    "\"details\""))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type dockle_scan_types[] = {
	{ "Dockle Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin dockle_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "dockle",
	.version = "1.0",
	.description = "Dockle JSON reports",
	.scan_types = dockle_scan_types,
	.probe = dockle_probe,
	.extract = dockle_extract,
};

DOJOBRIDGE_PLUGIN(dockle_plugin)
