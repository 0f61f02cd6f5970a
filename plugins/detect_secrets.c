/*
 * detect_secrets.c — "Detect-secrets Scan": Yelp detect-secrets' JSON
 * (the .secrets.baseline file), {version, plugins_used[], filters_used[],
 * results{<file>: [...]}, generated_at}.  plugins_used with results is the
 * tool's own pair of keys.
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
detect_secrets_probe(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "plugins_used") || !dojobridge_has(k, "results"))
		return 0;
	out->score = dojobridge_has(k, "generated_at") ||
	    dojobridge_has(k, "filters_used") ? 95 : 70;
	out->scan_type = "Detect-secrets Scan";
	return 0;
}

static int
detect_secrets_extract(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    const char *scan_type)
{
	char buf[128], date[11];
	const char *v;

	(void)scan_type;
	/* generated_at is written last. */
	if (host->json_find(call, "generated_at", DOJOBRIDGE_FIND_LAST, buf,
	    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	host->set(call, DOJOBRIDGE_TOOL, "detect-secrets");
	if ((v = dojobridge_pair(facts->json_scalars, "version")) != NULL &&
	    v[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, v);
	if (whole(facts) && empty_value(facts->head, facts->head_len,
	    "\"results\""))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type detect_secrets_scan_types[] = {
	{ "Detect-secrets Scan", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin detect_secrets_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "detect_secrets",
	.version = "1.0",
	.description = "Yelp detect-secrets JSON baselines",
	.scan_types = detect_secrets_scan_types,
	.probe = detect_secrets_probe,
	.extract = detect_secrets_extract,
};

DOJOBRIDGE_PLUGIN(detect_secrets_plugin)
