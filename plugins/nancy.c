/*
 * nancy.c — "Nancy Scan": `nancy sleuth -o json`, an object {audited[],
 * exclusions[], invalid[], num_audited, num_vulnerable, version,
 * vulnerable[]}.
 *
 * The num_audited/num_vulnerable pair next to the audited and vulnerable
 * lists is Nancy's alone.  DefectDojo's parser raises without vulnerable.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
nancy_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "vulnerable") || !dojobridge_has(k, "audited") ||
	    !dojobridge_has(k, "num_audited") || !dojobridge_has(k, "num_vulnerable"))
		return 0;
	out->score = 95;
	out->scan_type = "Nancy Scan";
	return 0;
}

static int
nancy_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;

	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "nancy");
	v = dojobridge_pair(facts->json_scalars, "version");
	if (v != NULL && *v != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, v);
	/* Vulnerable packages, not findings: only its zero is a finding count. */
	v = dojobridge_pair(facts->json_scalars, "num_vulnerable");
	if (v != NULL && strcmp(v, "0") == 0)
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type nancy_scan_types[] = {
	{ "Nancy Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin nancy_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "nancy",
	.version = "1.0",
	.description = "Nancy (sonatype-nexus-community) sleuth JSON",
	.scan_types = nancy_scan_types,
	.probe = nancy_probe,
	.extract = nancy_extract,
};

DOJOBRIDGE_PLUGIN(nancy_plugin)
