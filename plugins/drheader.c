/*
 * drheader.c — "DrHeader JSON Importer": drHEADer's JSON, an array of
 * {rule, severity, message[, expected, delimiter, value, anomaly]}, or in
 * bulk mode an array of {url, report[...those...]}.
 *
 * rule/severity/message is a very generic shape, so the first element
 * must have nothing but drHEADer's keys, and for bulk mode the first
 * report entry must have rule, severity and message.
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

static int
only_keys(const char *const *keys, const char *const *allowed)
{
	const char *const *a;

	for (; *keys != NULL; keys++) {
		for (a = allowed; *a != NULL && strcmp(*a, *keys) != 0; a++)
			;
		if (*a == NULL)
			return 0;
	}
	return 1;
}

static int
drheader_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	static const char *const item[] = {
		"rule", "severity", "message", "expected", "delimiter", "value",
		"anomaly", NULL
	};
	static const char *const bulk[] = { "url", "report", NULL };
	const char *const *e = facts->json_elem_keys;
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;
	char v[8];

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '[')
		return 0;
	if (dojobridge_has(e, "rule") && dojobridge_has(e, "severity") &&
	    dojobridge_has(e, "message") && only_keys(e, item))
		out->score = 80;
	else if (dojobridge_has(e, "url") && dojobridge_has(e, "report") &&
	    only_keys(e, bulk) &&
	    member(h, n, "\"report\"", "rule", v, sizeof(v)) == 0 &&
	    member(h, n, "\"report\"", "severity", v, sizeof(v)) == 0 &&
	    member(h, n, "\"report\"", "message", v, sizeof(v)) == 0)
		out->score = 80;
	else
		return 0;
	out->scan_type = "DrHeader JSON Importer";
	return 0;
}

static int
drheader_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[1024];

	(void)scan_type;
	/* Single-URL reports do not say which site they checked. */
	if (dojobridge_has(facts->json_elem_keys, "url") &&
	    host->json_find(call, "[0].url", 0, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "drHEADer");
	return 0;
}

static const struct dojobridge_scan_type drheader_scan_types[] = {
	{ "DrHeader JSON Importer", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin drheader_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "drheader",
	.version = "1.0",
	.description = "drHEADer JSON reports (single and bulk)",
	.scan_types = drheader_scan_types,
	.probe = drheader_probe,
	.extract = drheader_extract,
};

DOJOBRIDGE_PLUGIN(drheader_plugin)
