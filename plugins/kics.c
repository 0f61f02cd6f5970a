/*
 * kics.c — "KICS Scan": KICS's results.json, an object {files_scanned,
 * files_parsed, files_failed_to_scan, queries_total,
 * queries_failed_to_execute, queries_failed_to_compute_similarity_id,
 * queries[], scan_id, severity_counters, total_counter}; newer KICS adds
 * kics_version, lines_scanned, start, end and paths.
 *
 * The queries_* counters are KICS's own words.  total_counter counts the
 * findings, so "0" there is an empty report.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
kics_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "queries") || !dojobridge_has(k, "queries_total") ||
	    !dojobridge_has(k, "files_scanned"))
		return 0;
	out->score = dojobridge_has(k, "severity_counters") &&
	    dojobridge_has(k, "total_counter") ? 100 : 85;
	out->scan_type = "KICS Scan";
	return 0;
}

static int
kics_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;
	char buf[256], date[11];

	(void)scan_type;
	if (((v = dojobridge_pair(facts->json_scalars, "start")) != NULL &&
	    host->date(v, 0, date) == 0) ||
	    (dojobridge_has(facts->json_keys, "start") &&
	    host->json_find(call, "start", 0, buf, sizeof(buf)) == 0 &&
	    host->date(buf, 0, date) == 0))
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	host->set(call, DOJOBRIDGE_TOOL, "KICS");
	if ((v = dojobridge_pair(facts->json_scalars, "kics_version")) != NULL &&
	    v[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, v);
	if ((v = dojobridge_pair(facts->json_scalars, "total_counter")) != NULL &&
	    strcmp(v, "0") == 0)
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type kics_scan_types[] = {
	{ "KICS Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin kics_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "kics",
	.version = "1.0",
	.description = "KICS results JSON",
	.scan_types = kics_scan_types,
	.probe = kics_probe,
	.extract = kics_extract,
};

DOJOBRIDGE_PLUGIN(kics_plugin)
