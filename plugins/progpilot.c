/*
 * progpilot.c — "Progpilot Scan": Progpilot's JSON, a bare array of
 * findings.
 *
 * A bare array of objects is the shape of some 45 scan types, so the probe
 * reads the first element's keys: a taint finding has source_name,
 * sink_name, vuln_name, vuln_cwe and vuln_id; a rule finding has vuln_rule,
 * vuln_name, vuln_cwe and vuln_id.  The vuln_* names are Progpilot's own.
 * An empty array is claimed by no one: nothing tells whose it is.  The
 * report carries no date and no target.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
progpilot_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_elem_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '[')
		return 0;
	if (!dojobridge_has(k, "vuln_name") || !dojobridge_has(k, "vuln_id") ||
	    !dojobridge_has(k, "vuln_cwe") || !dojobridge_has(k, "vuln_type"))
		return 0;
	if ((dojobridge_has(k, "source_name") && dojobridge_has(k, "sink_name")) ||
	    dojobridge_has(k, "vuln_rule")) {
		out->score = 95;
		out->scan_type = "Progpilot Scan";
	}
	return 0;
}

static int
progpilot_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)facts;
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Progpilot");
	return 0;
}

static const struct dojobridge_scan_type progpilot_scan_types[] = {
	{ "Progpilot Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin progpilot_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "progpilot",
	.version = "1.0",
	.description = "Progpilot JSON findings array",
	.scan_types = progpilot_scan_types,
	.probe = progpilot_probe,
	.extract = progpilot_extract,
};

DOJOBRIDGE_PLUGIN(progpilot_plugin)
