/*
 * gosec.c — "Gosec Scanner": gosec's JSON report (gosec -fmt=json), an
 * object {Issues[], Stats{files, lines, nosec, found}, GosecVersion?,
 * "Golang errors"?}.
 *
 * Burp's GraphQL export is also an object keyed "Issues", so Issues alone
 * proves nothing: the probe wants Stats beside it and gosec's own words
 * too: GosecVersion, or a first issue's rule_id and confidence, or
 * Stats' nosec counter (all an empty report shows).
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
gosec_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "Issues") || !dojobridge_has(k, "Stats"))
		return 0;
	if (dojobridge_has(k, "GosecVersion"))
		out->score = 100;
	else if (contains(facts->head, facts->head_len, "\"rule_id\"") &&
	    contains(facts->head, facts->head_len, "\"confidence\""))
		out->score = 90;
	else if (contains(facts->head, facts->head_len, "\"nosec\"") ||
	    contains(facts->tail, facts->tail_len, "\"nosec\""))
		out->score = 80;	/* Stats{files, lines, nosec, found} */
	else
		return 0;
	out->scan_type = "Gosec Scanner";
	return 0;
}

static int
gosec_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[256];

	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "gosec");
	if (host->json_find(call, "GosecVersion", 0, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	if (top_empty(facts->head, facts->head_len, "Issues"))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type gosec_scan_types[] = {
	{ "Gosec Scanner", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin gosec_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "gosec",
	.version = "1.0",
	.description = "gosec JSON report (Issues, Stats, GosecVersion)",
	.scan_types = gosec_scan_types,
	.probe = gosec_probe,
	.extract = gosec_extract,
};

DOJOBRIDGE_PLUGIN(gosec_plugin)
