/*
 * tfsec.c — "TFSec Scan": `tfsec --format json`, an object {results[{
 * rule_id, legacy_rule_id?, rule_description, rule_provider, impact,
 * resolution, links|link, severity, location{filename, start_line, ...}}]}.
 *
 * {results: [...]} is shared with many tools (Semgrep, Talisman,
 * Terrascan, Twistlock, OSV, Checkmarx One ...); rule_id with
 * rule_provider in the first result is tfsec's.  A report with no result
 * ({"results": null}) cannot be told from the others and is left alone.
 * The report holds no date.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static int
tfsec_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(facts->json_keys, "results"))
		return 0;
	if (find(h, n, "\"rule_id\"") == NULL ||
	    find(h, n, "\"rule_provider\"") == NULL)
		return 0;
	out->score = find(h, n, "\"resolution\"") != NULL &&
	    find(h, n, "\"impact\"") != NULL ? 95 : 80;
	out->scan_type = "TFSec Scan";
	return 0;
}

static int
tfsec_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)facts;
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "tfsec");
	return 0;
}

static const struct dojobridge_scan_type tfsec_scan_types[] = {
	{ "TFSec Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin tfsec_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "tfsec",
	.version = "1.0",
	.description = "tfsec JSON (results with rule_id and rule_provider)",
	.scan_types = tfsec_scan_types,
	.probe = tfsec_probe,
	.extract = tfsec_extract,
};

DOJOBRIDGE_PLUGIN(tfsec_plugin)
