/*
 * krakend.c — "KrakenD Audit Scan": krakend audit -f json, an object
 * {recommendations[{rule, severity, message}], stats{...}}.
 *
 * ssh-audit's JSON also has "recommendations", beside banner, kex and
 * target: the probe wants stats and at most a few other keys, and the
 * first recommendation's rule and message.  {recommendations: [],
 * stats: {}} is claimed only weakly, as an empty report.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawjson.h"

/* Does needle occur in the len bytes at p? */
static int
contains(const unsigned char *p, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (; len >= n; p++, len--)
		if (memcmp(p, needle, n) == 0)
			return 1;
	return 0;
}

/*
 * Is the value of top-level `key` (without quotes) an empty array or null,
 * as far as the raw text at p shows?  Walks the text tracking depth so that
 * a nested key of the same name does not count.
 */
static int
top_empty(const unsigned char *p, size_t len, const char *key)
{
	size_t i, start, m = strlen(key);
	int depth = 0, match = 0;

	for (i = 0; i < len; i++) {
		if (p[i] == '"') {
			start = ++i;
			for (; i < len && p[i] != '"'; i++)
				if (p[i] == '\\')
					i++;
			match = depth == 1 && i < len && i - start == m &&
			    memcmp(p + start, key, m) == 0;
		} else if (p[i] == ':' && match) {
			for (i++; i < len && space(p[i]); i++)
				;
			if (i + 4 <= len && memcmp(p + i, "null", 4) == 0)
				return 1;
			if (i >= len || p[i] != '[')
				return 0;
			for (i++; i < len && space(p[i]); i++)
				;
			return i < len && p[i] == ']';
		} else if (p[i] == '{' || p[i] == '[')
			depth++;
		else if (p[i] == '}' || p[i] == ']')
			depth--;
		else if (!space(p[i]) && p[i] != ':')
			match = 0;
	}
	return 0;
}

static int
krakend_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;
	const unsigned char *h = facts->head;
	size_t n = facts->head_len, nkeys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "recommendations") || !dojobridge_has(k, "stats"))
		return 0;
	for (nkeys = 0; k[nkeys] != NULL; nkeys++)
		;
	if (nkeys > 4)
		return 0;
	if (contains(h, n, "\"rule\"") && contains(h, n, "\"message\"") &&
	    contains(h, n, "\"severity\""))
		out->score = 90;
	else if (facts->size <= n && top_empty(h, n, "recommendations"))
		out->score = 40;
	else
		return 0;
	out->scan_type = "KrakenD Audit Scan";
	return 0;
}

static int
krakend_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "KrakenD");
	if (facts->size <= facts->head_len &&
	    top_empty(facts->head, facts->head_len, "recommendations"))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type krakend_scan_types[] = {
	{ "KrakenD Audit Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin krakend_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "krakend",
	.version = "1.0",
	.description = "KrakenD audit JSON (recommendations, stats)",
	.scan_types = krakend_scan_types,
	.probe = krakend_probe,
	.extract = krakend_extract,
};

DOJOBRIDGE_PLUGIN(krakend_plugin)
