/*
 * mobsf.c — MobSF's reports: the REST api/v1/report_json object (version,
 * title, file_name, app_name, app_type, md5, sha256, package_name or
 * bundle_id...), mobsfscan's CLI JSON ({errors, mobsfscan_version,
 * results}) and the legacy bare list of findings (category, severity,
 * name, line_number, file_object).
 *
 * "MobSF Scan" and "Mobsfscan Scan" are one DefectDojo parser under two
 * names with different dedupe fields, and "MobSF Scorecard Scan" reads the
 * same report_json through its appsec section (v3.6+; the key sits near the
 * end, so it is looked for in json_keys, which cover the tail too).  So
 * every answer names the others as alternatives:
 * - mobsfscan's CLI output is mainstream "Mobsfscan Scan": it is that
 *   tool's own name, and the Scorecard parser does not read it;
 * - report_json without appsec is mainstream "MobSF Scan" (the Scorecard
 *   has nothing to read in it);
 * - report_json with appsec is left to the user's preference: whether the
 *   scorecard or the findings are wanted is a policy, not a fact.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static const char *const cli_alts[] = { "MobSF Scan", NULL };
static const char *const json_alts[] = { "Mobsfscan Scan", NULL };
static const char *const appsec_alts[] = { "Mobsfscan Scan",
	"MobSF Scorecard Scan", NULL };

static int
is_report_json(const char *const *k)
{
	return dojobridge_has(k, "version") && dojobridge_has(k, "title") &&
	    dojobridge_has(k, "file_name") && dojobridge_has(k, "app_name") &&
	    dojobridge_has(k, "app_type") && dojobridge_has(k, "md5") &&
	    dojobridge_has(k, "sha256") && (dojobridge_has(k, "package_name") ||
	    dojobridge_has(k, "bundle_id") || dojobridge_has(k, "build"));
}

static int
is_legacy_list(const char *const *e)
{
	return dojobridge_has(e, "category") && dojobridge_has(e, "severity") &&
	    dojobridge_has(e, "name") && dojobridge_has(e, "line_number") &&
	    dojobridge_has(e, "file_object");
}

static int
mobsf_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON)
		return 0;
	if (facts->json_top == '{' && dojobridge_has(k, "mobsfscan_version") &&
	    dojobridge_has(k, "results")) {
		out->score = 100;
		out->scan_type = "Mobsfscan Scan";
		out->alternatives = cli_alts;
		out->mainstream = 1;
	} else if (facts->json_top == '{' && is_report_json(k)) {
		out->score = 95;
		out->scan_type = "MobSF Scan";
		if (dojobridge_has(k, "appsec"))
			out->alternatives = appsec_alts;
		else {
			out->alternatives = json_alts;
			out->mainstream = 1;
		}
	} else if (facts->json_top == '[' && is_legacy_list(facts->json_elem_keys)) {
		out->score = 80;
		out->scan_type = "MobSF Scan";
		out->alternatives = json_alts;
		out->mainstream = 1;
	}
	return 0;
}

static int
mobsf_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;
	char date[11];

	(void)scan_type;
	if (facts->json_top != '{')
		return 0;
	if ((v = dojobridge_pair(facts->json_scalars, "mobsfscan_version")) != NULL) {
		host->set(call, DOJOBRIDGE_TOOL, "mobsfscan");
		if (*v != '\0')
			host->set(call, DOJOBRIDGE_TOOL_VERSION, v);
		return 0;
	}

	v = dojobridge_pair(facts->json_scalars, "timestamp");
	if (v != NULL && host->date(v, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	/* The app, not the uploaded file's name, is what the reports are about. */
	if (((v = dojobridge_pair(facts->json_scalars, "package_name")) != NULL ||
	    (v = dojobridge_pair(facts->json_scalars, "bundle_id")) != NULL ||
	    (v = dojobridge_pair(facts->json_scalars, "file_name")) != NULL) &&
	    *v != '\0')
		host->set(call, DOJOBRIDGE_TARGET, v);
	host->set(call, DOJOBRIDGE_TOOL, "MobSF");
	v = dojobridge_pair(facts->json_scalars, "version");
	if (v != NULL && *v != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, v);
	return 0;
}

static const struct dojobridge_scan_type mobsf_scan_types[] = {
	{ "MobSF Scan", NULL, 0 },
	{ "Mobsfscan Scan", NULL, 0 },
	{ "MobSF Scorecard Scan", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin mobsf_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "mobsf",
	.version = "1.0",
	.description = "MobSF report_json, mobsfscan CLI JSON and MobSF legacy lists",
	.scan_types = mobsf_scan_types,
	.probe = mobsf_probe,
	.extract = mobsf_extract,
};

DOJOBRIDGE_PLUGIN(mobsf_plugin)
