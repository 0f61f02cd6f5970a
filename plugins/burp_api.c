/*
 * burp_api.c — "Burp REST API": the answer of Burp Suite Professional's
 * REST API for one scan (GET /v0.1/scan/{task_id}), {task_id, scan_status,
 * scan_metrics{...}, message, issue_events[{id, type, issue}]}.
 *
 * Signal: task_id, scan_status and issue_events together, found in no
 * other report.  The answer has no date; the first issue's origin names
 * the site.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
burp_api_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "task_id") || !dojobridge_has(k, "scan_status") ||
	    !dojobridge_has(k, "issue_events"))
		return 0;
	out->score = dojobridge_has(k, "scan_metrics") ? 95 : 85;
	out->scan_type = "Burp REST API";
	return 0;
}

static int
burp_api_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[512];

	(void)facts;
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Burp Suite");
	if (host->json_find(call, "issue_events[0].issue.origin", 0, buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	return 0;
}

static const struct dojobridge_scan_type burp_api_scan_types[] = {
	{ "Burp REST API", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin burp_api_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "burp_api",
	.version = "1.0",
	.description = "Burp Suite REST API scan answer (JSON)",
	.scan_types = burp_api_scan_types,
	.probe = burp_api_probe,
	.extract = burp_api_extract,
};

DOJOBRIDGE_PLUGIN(burp_api_plugin)
