/*
 * dockle.c — "Dockle Scan": Dockle's JSON, {summary{fatal, warn, info,
 * skip, pass}, details[{code, title, level, alerts}]}.  summary and
 * details are common words, so the summary's own counters must be seen
 * too.  Dockle's report has no date and does not name the image.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

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
