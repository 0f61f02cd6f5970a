/*
 * semgrep.c — `semgrep --json` output, and the Semgrep supply-chain API's
 * vulnerability list, both DefectDojo's "Semgrep JSON Report".
 *
 * A CLI report is an object with "results" and "errors"; newer versions add
 * "version" and "paths".  Bandit and mobsfscan also write results + errors,
 * so their own keys rule the file out.  Neither form carries a scan date.
 */
#include <string.h>

#include "dojobridge-plugin.h"

#define SMALL	(1024 * 1024)	/* files small enough to stream in probe */

static int
semgrep_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *keys = facts->json_keys;
	char id[256];

	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{')
		return 0;

	if (dojobridge_has(keys, "vulns") && dojobridge_has(keys, "hasMore"))
		out->score = 90;	/* the supply-chain API's page */
	else if (!dojobridge_has(keys, "results") || !dojobridge_has(keys, "errors") ||
	    dojobridge_has(keys, "generated_at") || dojobridge_has(keys, "metrics") ||
	    dojobridge_has(keys, "mobsfscan_version"))
		return 0;
	/* Only semgrep writes these beside results and errors. */
	else if (dojobridge_has(keys, "paths") || dojobridge_has(keys, "version") ||
	    dojobridge_has(keys, "skipped_rules") || dojobridge_has(keys, "interfile_languages_used"))
		out->score = 100;
	else if (facts->size <= SMALL && host->json_find(call,
	    "results[0].check_id", 0, id, sizeof(id)) == 0)
		out->score = 100;
	else
		out->score = 60;	/* an empty {"results":[],"errors":[]} */
	out->scan_type = "Semgrep JSON Report";
	return 0;
}

static int
semgrep_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;

	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Semgrep");
	v = dojobridge_pair(facts->json_scalars, "version");
	if (v != NULL && *v != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, v);
	return 0;
}

static const struct dojobridge_scan_type semgrep_scan_types[] = {
	{ "Semgrep JSON Report", ".json", 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin semgrep_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "semgrep",
	.version = "1.0",
	.description = "Semgrep CLI JSON and supply-chain API report",
	.scan_types = semgrep_scan_types,
	.probe = semgrep_probe,
	.extract = semgrep_extract,
};

DOJOBRIDGE_PLUGIN(semgrep_plugin)
