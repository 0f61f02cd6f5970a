/*
 * dawnscanner.c — "DawnScanner Scan": dawnscanner's JSON report, an object
 * with dawn_version, scan_started, target, mvc and vulnerabilities[].
 * The dawn_version key is the tool's own and appears in no other format.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
dawnscanner_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "dawn_version"))
		return 0;
	out->score = dojobridge_has(k, "scan_started") ||
	    dojobridge_has(k, "vulnerabilities") ? 100 : 70;
	out->scan_type = "DawnScanner Scan";
	return 0;
}

static int
dawnscanner_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *const *s = facts->json_scalars;
	const char *v;
	char date[11];

	(void)scan_type;
	/* "2019-04-01 21:14:32 +0000" */
	if ((v = dojobridge_pair(s, "scan_started")) != NULL &&
	    host->date(v, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if ((v = dojobridge_pair(s, "target")) != NULL && v[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, v);
	host->set(call, DOJOBRIDGE_TOOL, "dawnscanner");
	if ((v = dojobridge_pair(s, "dawn_version")) != NULL && v[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, v);
	if ((v = dojobridge_pair(s, "vulnerabilities_count")) != NULL &&
	    strcmp(v, "0") == 0)
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type dawnscanner_scan_types[] = {
	{ "DawnScanner Scan", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin dawnscanner_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "dawnscanner",
	.version = "1.0",
	.description = "dawnscanner JSON reports",
	.scan_types = dawnscanner_scan_types,
	.probe = dawnscanner_probe,
	.extract = dawnscanner_extract,
};

DOJOBRIDGE_PLUGIN(dawnscanner_plugin)
