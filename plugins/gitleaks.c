/*
 * gitleaks.c — Gitleaks' JSON report: an array of leaks, keyed in
 * CamelCase since v8 (RuleID, StartLine, Secret) and in lower case before
 * (rule, offender, line).
 *
 * A leak's date is its commit's date, not the scan's, so no scan date is
 * reported.  Gitleaks' SARIF output goes to the SARIF plugin.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
gitleaks_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *e = facts->json_elem_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '[')
		return 0;
	if (dojobridge_has(e, "RuleID") &&
	    (dojobridge_has(e, "StartLine") || dojobridge_has(e, "Secret") || dojobridge_has(e, "Match")))
		out->score = 100;			/* v8 */
	else if (dojobridge_has(e, "offender") && dojobridge_has(e, "rule") &&
	    (dojobridge_has(e, "line") || dojobridge_has(e, "commit")))
		out->score = 100;			/* v7 and earlier */
	else
		return 0;
	out->scan_type = "Gitleaks Scan";
	return 0;
}

static int
gitleaks_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char url[1024];

	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Gitleaks");

	/* v7 can name the repository it scanned; v8 never does. */
	if (dojobridge_has(facts->json_elem_keys, "repoURL") &&
	    host->json_find(call, "[0].repoURL", 0, url, sizeof(url)) == 0 &&
	    url[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, url);
	return 0;
}

static const struct dojobridge_scan_type gitleaks_scan_types[] = {
	{ "Gitleaks Scan", ".json", 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin gitleaks_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "gitleaks",
	.version = "1.0",
	.description = "Gitleaks JSON report (v7 and v8)",
	.scan_types = gitleaks_scan_types,
	.probe = gitleaks_probe,
	.extract = gitleaks_extract,
};

DOJOBRIDGE_PLUGIN(gitleaks_plugin)
