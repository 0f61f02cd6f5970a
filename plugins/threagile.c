/*
 * threagile.c — "Threagile risks report": Threagile's risks.json, a bare
 * array of risks {category, risk_status, severity, synthetic_id,
 * most_relevant_data_asset, most_relevant_technical_asset, ...}.
 *
 * A bare array is what 45 other formats are too, so only the first risk's
 * Threagile-specific keys (risk_status, synthetic_id, most_relevant_*)
 * count; `[]` says nothing and is left alone.  The file holds no date.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
threagile_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_elem_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '[')
		return 0;
	if (!dojobridge_has(k, "risk_status") || !dojobridge_has(k, "synthetic_id") ||
	    !dojobridge_has(k, "category") || !dojobridge_has(k, "severity"))
		return 0;
	out->score = dojobridge_has(k, "most_relevant_technical_asset") ? 95 : 80;
	out->scan_type = "Threagile risks report";
	return 0;
}

static int
threagile_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)facts;
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Threagile");
	return 0;
}

static const struct dojobridge_scan_type threagile_scan_types[] = {
	{ "Threagile risks report", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin threagile_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "threagile",
	.version = "1.0",
	.description = "Threagile risks.json (array of risks)",
	.scan_types = threagile_scan_types,
	.probe = threagile_probe,
	.extract = threagile_extract,
};

DOJOBRIDGE_PLUGIN(threagile_plugin)
