/*
 * ggshield.c — "Ggshield Scan": `ggshield secret scan ... --json`, {id,
 * type, scans[{id, type, extra_info{author, email, date},
 * entities_with_incidents[]}], total_incidents, total_occurrences}.
 * total_incidents beside scans is ggshield's own pair.  The only dates
 * are the commits' (extra_info.date), not the scan's.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
ggshield_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "scans") || !dojobridge_has(k, "total_incidents"))
		return 0;
	out->score = dojobridge_has(k, "total_occurrences") &&
	    dojobridge_has(k, "type") ? 90 : 70;
	out->scan_type = "Ggshield Scan";
	return 0;
}

static int
ggshield_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;

	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "ggshield");
	if ((v = dojobridge_pair(facts->json_scalars, "total_incidents")) != NULL &&
	    strcmp(v, "0") == 0)
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type ggshield_scan_types[] = {
	{ "Ggshield Scan", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin ggshield_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "ggshield",
	.version = "1.0",
	.description = "GitGuardian ggshield secret scan JSON",
	.scan_types = ggshield_scan_types,
	.probe = ggshield_probe,
	.extract = ggshield_extract,
};

DOJOBRIDGE_PLUGIN(ggshield_plugin)
