/*
 * cycognito.c — "Cycognito Scan": CyCognito's issue export, an array of
 * issue objects {affected_asset, package, confidence, cis_controls,
 * exploitation_availability, first_detected, last_detected, ...}.  A bare
 * array is shared by dozens of formats, so several of CyCognito's own key
 * names must be on the first issue.  Dates are per issue.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
cycognito_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	static const char *const own[] = {
		"affected_asset", "exploitation_availability", "cis_controls",
		"attacker_interest", "potential_threat", "first_detected",
		"last_detected", NULL
	};
	const char *const *e = facts->json_elem_keys;
	size_t i;
	int n = 0;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '[')
		return 0;
	for (i = 0; own[i] != NULL; i++)
		n += dojobridge_has(e, own[i]);
	if (!dojobridge_has(e, "affected_asset") || n < 4)
		return 0;
	out->score = n >= 6 ? 95 : 80;
	out->scan_type = "Cycognito Scan";
	return 0;
}

static int
cycognito_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)facts;
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "CyCognito");
	return 0;
}

static const struct dojobridge_scan_type cycognito_scan_types[] = {
	{ "Cycognito Scan", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin cycognito_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "cycognito",
	.version = "1.0",
	.description = "CyCognito issue exports (JSON)",
	.scan_types = cycognito_scan_types,
	.probe = cycognito_probe,
	.extract = cycognito_extract,
};

DOJOBRIDGE_PLUGIN(cycognito_plugin)
