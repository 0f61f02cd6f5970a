/*
 * sonatype.c — "Sonatype Application Scan": the Nexus IQ raw report
 * (/api/v2/applications/.../reports/.../raw), an object {components[...],
 * matchSummary{totalComponentCount, knownComponentCount}}.
 *
 * `components` alone is CycloneDX's and many SBOMs'; matchSummary beside it
 * is Nexus IQ's, and the first component's componentIdentifier (in the
 * head) confirms it.  The raw report has no date and no application name.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
contains(const unsigned char *p, size_t len, const char *needle)
{
	size_t i, n = strlen(needle);

	for (i = 0; i + n <= len; i++)
		if (memcmp(p + i, needle, n) == 0)
			return 1;
	return 0;
}

static int
sonatype_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "components") || !dojobridge_has(k, "matchSummary"))
		return 0;
	out->score = contains(facts->head, facts->head_len,
	    "\"componentIdentifier\"") ? 95 : 75;
	out->scan_type = "Sonatype Application Scan";
	return 0;
}

static int
sonatype_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)facts;
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Nexus IQ");
	return 0;
}

static const struct dojobridge_scan_type sonatype_scan_types[] = {
	{ "Sonatype Application Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin sonatype_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "sonatype",
	.version = "1.0",
	.description = "Sonatype Nexus IQ raw application report (JSON)",
	.scan_types = sonatype_scan_types,
	.probe = sonatype_probe,
	.extract = sonatype_extract,
};

DOJOBRIDGE_PLUGIN(sonatype_plugin)
