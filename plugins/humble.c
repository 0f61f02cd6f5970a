/*
 * humble.c — "Humble Json Importer": humble's JSON export, an object whose
 * keys are its bracketed report sections: "[0. Info]", "[HTTP Response
 * Headers]", "[1. Missing HTTP Security Headers]", ...  No other tool
 * writes such keys.
 *
 * The section names hold dots and brackets, which json_find paths cannot
 * name, so the Info section's Date and URL are read from the head's raw
 * text, where they come first.  The date is written "2023/11/13 -
 * 09:20:17".
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawjson.h"

/*
 * The string value of member `key` (quotes included) directly inside the
 * first object keyed `object` in raw JSON text: rawjson.h's raw_name for
 * any member name.
 */
static int
raw_member(const unsigned char *p, size_t len, const char *object,
    const char *key, char *out, size_t outlen)
{
	size_t i = 0, at = 0, keylen = 0, n = 0, m = strlen(object);
	size_t k = strlen(key);
	int depth = 0;

	if (outlen == 0)
		return -1;
	while (i + m <= len && memcmp(p + i, object, m) != 0)
		i++;
	if (i + m > len)
		return -1;
	for (i += m; i < len && p[i] != '{'; i++)
		if (p[i] != ':' && !space(p[i]))
			return -1;
	for (; i < len; i++) {
		if (p[i] == '"') {
			at = i;
			for (i++; i < len && p[i] != '"'; i++)
				if (p[i] == '\\')
					i++;
			keylen = i + 1 - at;
		} else if (p[i] == ':' && depth == 1 && keylen == k &&
		    memcmp(p + at, key, k) == 0)
			break;
		else if (p[i] == '{' || p[i] == '[')
			depth++;
		else if ((p[i] == '}' || p[i] == ']') && --depth == 0)
			return -1;
		else if (!space(p[i]))
			keylen = 0;
	}
	for (i++; i < len && space(p[i]); i++)
		;
	if (i >= len || p[i] != '"')
		return -1;
	for (i++; i < len && p[i] != '"' && n + 1 < outlen; i++)
		out[n++] = (char)p[i];
	out[n] = '\0';
	return i < len && p[i] == '"' ? 0 : -1;
}

static int
humble_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "[0. Info]"))
		return 0;
	if (dojobridge_has(k, "[1. Missing HTTP Security Headers]") ||
	    dojobridge_has(k, "[HTTP Response Headers]"))
		out->score = 100;
	else
		out->score = 80;
	out->scan_type = "Humble Json Importer";
	return 0;
}

static int
humble_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[1024], date[11];
	size_t i;

	(void)scan_type;
	if (raw_member(facts->head, facts->head_len, "\"[0. Info]\"",
	    "\"Date\"", buf, sizeof(buf)) == 0) {
		/* "2023/11/13 - 09:20:17": the day is all we need. */
		for (i = 0; i < 10 && buf[i] != '\0'; i++)
			if (buf[i] == '/')
				buf[i] = '-';
		if (i == 10) {
			buf[10] = '\0';
			if (host->date(buf, 0, date) == 0)
				host->set(call, DOJOBRIDGE_SCAN_DATE, date);
		}
	}
	if (raw_member(facts->head, facts->head_len, "\"[0. Info]\"",
	    "\"URL\"", buf, sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "humble");
	return 0;
}

static const struct dojobridge_scan_type humble_scan_types[] = {
	{ "Humble Json Importer", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin humble_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "humble",
	.version = "1.0",
	.description = "humble HTTP headers analyzer JSON export",
	.scan_types = humble_scan_types,
	.probe = humble_probe,
	.extract = humble_extract,
};

DOJOBRIDGE_PLUGIN(humble_plugin)
