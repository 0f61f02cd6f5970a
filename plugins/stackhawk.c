/*
 * stackhawk.c — "StackHawk HawkScan": the StackHawk scan-completed webhook
 * payload, {service: "StackHawk", scanCompleted{scan{id, hawkscanVersion,
 * env, application, startedTimestamp}, findings[]}}.
 *
 * The parser insists on service and scanCompleted; the probe also wants
 * service to say "StackHawk" (DefectDojo's own negative sample,
 * oddly_familiar_json_that_isnt_us.json, has both keys with another
 * service).  The date is scan.startedTimestamp, the target the
 * application and its environment.  An empty findings list is still sent:
 * StackHawk reports findings per application, and DefectDojo's samples use
 * such files as real imports.
 */
#include <stdio.h>
#include <string.h>

#include "dojobridge-plugin.h"

static int
stackhawk_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;
	const char *service;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "scanCompleted") || !dojobridge_has(k, "service"))
		return 0;
	service = dojobridge_pair(facts->json_scalars, "service");
	if (service == NULL || strcmp(service, "StackHawk") != 0)
		return 0;
	out->score = 100;
	out->scan_type = "StackHawk HawkScan";
	return 0;
}

static int
stackhawk_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char app[256], env[256], target[520], date[11];

	(void)facts;
	(void)scan_type;
	if (host->json_find(call, "scanCompleted.scan.startedTimestamp", 0, app,
	    sizeof(app)) == 0 && host->date(app, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (host->json_find(call, "scanCompleted.scan.application", 0, app,
	    sizeof(app)) == 0 && app[0] != '\0') {
		if (host->json_find(call, "scanCompleted.scan.env", 0, env,
		    sizeof(env)) == 0 && env[0] != '\0') {
			snprintf(target, sizeof(target), "%s (%s)", app, env);
			host->set(call, DOJOBRIDGE_TARGET, target);
		} else
			host->set(call, DOJOBRIDGE_TARGET, app);
	}
	host->set(call, DOJOBRIDGE_TOOL, "HawkScan");
	if (host->json_find(call, "scanCompleted.scan.hawkscanVersion", 0, app,
	    sizeof(app)) == 0 && app[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, app);
	return 0;
}

static const struct dojobridge_scan_type stackhawk_scan_types[] = {
	{ "StackHawk HawkScan", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin stackhawk_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "stackhawk",
	.version = "1.0",
	.description = "StackHawk HawkScan scan-completed webhook JSON",
	.scan_types = stackhawk_scan_types,
	.probe = stackhawk_probe,
	.extract = stackhawk_extract,
};

DOJOBRIDGE_PLUGIN(stackhawk_plugin)
