/*
 * legitify.c — "Legitify Scan": legitify analyze -o json in its default
 * flattened form, an object {type: "flattened", content{<policy>:
 * {policyInfo, violations[]}}}.
 *
 * {type, content} alone is too plain a shape; "flattened" and policyInfo
 * are legitify's.  The output carries no date.
 */
#include <string.h>

#include "dojobridge-plugin.h"

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

static int
legitify_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *type;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(facts->json_keys, "content"))
		return 0;
	type = dojobridge_pair(facts->json_scalars, "type");
	if (type == NULL || strcmp(type, "flattened") != 0 ||
	    !contains(facts->head, facts->head_len, "\"policyInfo\""))
		return 0;
	out->score = contains(facts->head, facts->head_len,
	    "\"fullyQualifiedPolicyName\"") ? 100 : 90;
	out->scan_type = "Legitify Scan";
	return 0;
}

static int
legitify_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)facts;
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "legitify");
	return 0;
}

static const struct dojobridge_scan_type legitify_scan_types[] = {
	{ "Legitify Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin legitify_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "legitify",
	.version = "1.0",
	.description = "legitify flattened JSON output",
	.scan_types = legitify_scan_types,
	.probe = legitify_probe,
	.extract = legitify_extract,
};

DOJOBRIDGE_PLUGIN(legitify_plugin)
