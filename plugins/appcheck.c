/*
 * appcheck.c — AppCheck NG's web application scanner JSON export:
 * {items[], hosts}, each item with first_detected_at, last_detected_at,
 * meta, results_set_id, mss_confirmed, ...
 *
 * {items:[...]} is also Trustwave Fusion's and NeuVector's and OpenReports'
 * top level, so both keys are required and the first item must show
 * AppCheck's own fields in the head.  Dates are per finding (DefectDojo reads
 * first_detected_at); the report itself has none, so none is given.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static int
appcheck_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(facts->json_keys, "items") ||
	    !dojobridge_has(facts->json_keys, "hosts") ||
	    find(h, n, "\"first_detected_at\"") == NULL ||
	    (find(h, n, "\"mss_confirmed\"") == NULL &&
	    find(h, n, "\"results_set_id\"") == NULL &&
	    find(h, n, "\"latest_detected_result\"") == NULL))
		return 0;
	out->score = 90;
	out->scan_type = "AppCheck Web Application Scanner";
	return 0;
}

static int
appcheck_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[1024];

	(void)facts;
	(void)scan_type;
	if (host->json_find(call, "items[0].host", 0, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "AppCheck");
	return 0;
}

static const struct dojobridge_scan_type appcheck_scan_types[] = {
	{ "AppCheck Web Application Scanner", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin appcheck_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "appcheck",
	.version = "1.0",
	.description = "AppCheck NG web application scanner JSON (items, hosts)",
	.scan_types = appcheck_scan_types,
	.probe = appcheck_probe,
	.extract = appcheck_extract,
};

DOJOBRIDGE_PLUGIN(appcheck_plugin)
