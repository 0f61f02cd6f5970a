/*
 * nsp.c — "Node Security Platform Scan": `nsp check --reporter json`, a
 * bare array of advisories {id, updated_at, created_at, publish_date,
 * overview, recommendation, cvss_vector, cvss_score, module, version,
 * vulnerable_versions, patched_versions, title, path[], advisory}.
 *
 * Bare arrays are common, so the probe wants the first element's
 * NSP-specific keys together (module, vulnerable_versions,
 * patched_versions, cvss_score, advisory).  NSP has been dead since 2018.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
nsp_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *e = facts->json_elem_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '[' ||
	    !dojobridge_has(e, "module") || !dojobridge_has(e, "vulnerable_versions") ||
	    !dojobridge_has(e, "patched_versions") || !dojobridge_has(e, "advisory") ||
	    !dojobridge_has(e, "cvss_score") || !dojobridge_has(e, "overview"))
		return 0;
	out->score = 90;
	out->scan_type = "Node Security Platform Scan";
	return 0;
}

static int
nsp_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)facts;
	(void)scan_type;
	/* Its dates are the advisories', not the check's. */
	host->set(call, DOJOBRIDGE_TOOL, "nsp");
	return 0;
}

static const struct dojobridge_scan_type nsp_scan_types[] = {
	{ "Node Security Platform Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin nsp_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "nsp",
	.version = "1.0",
	.description = "Node Security Platform (nsp check) JSON advisories",
	.scan_types = nsp_scan_types,
	.probe = nsp_probe,
	.extract = nsp_extract,
};

DOJOBRIDGE_PLUGIN(nsp_plugin)
