/*
 * ort.c — "ORT evaluated model Importer": the OSS Review Toolkit's
 * evaluated-model JSON, an object with path_excludes, scope_excludes,
 * copyrights, licenses, scopes, issue_resolutions, issues, scan_results,
 * packages, paths, dependency_trees, rule_violations, repository, ...
 *
 * Each key alone is a common word; dependency_trees, rule_violations and
 * scan_results together with packages and repository are ORT's model.
 * Its dates are 1970-01-01 placeholders in test output, which the host's
 * date reader already refuses.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
ort_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "rule_violations") || !dojobridge_has(k, "dependency_trees") ||
	    !dojobridge_has(k, "scan_results") || !dojobridge_has(k, "packages") ||
	    !dojobridge_has(k, "repository"))
		return 0;
	out->score = 90;
	out->scan_type = "ORT evaluated model Importer";
	return 0;
}

static int
ort_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[1024], date[11];

	(void)facts;
	(void)scan_type;
	if (host->json_find(call, "scan_results[0].scanner.end_time", 0, buf,
	    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	/* vcs is the configured one and often blank; vcs_processed is normalised. */
	if ((host->json_find(call, "repository.vcs_processed.url", 0, buf,
	    sizeof(buf)) == 0 && buf[0] != '\0') ||
	    (host->json_find(call, "repository.vcs.url", 0, buf,
	    sizeof(buf)) == 0 && buf[0] != '\0'))
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "ORT");
	return 0;
}

static const struct dojobridge_scan_type ort_scan_types[] = {
	{ "ORT evaluated model Importer", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin ort_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "ort",
	.version = "1.0",
	.description = "OSS Review Toolkit evaluated model JSON",
	.scan_types = ort_scan_types,
	.probe = ort_probe,
	.extract = ort_extract,
};

DOJOBRIDGE_PLUGIN(ort_plugin)
