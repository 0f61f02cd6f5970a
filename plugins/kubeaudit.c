/*
 * kubeaudit.c — "Kubeaudit Scan": kubeaudit all -f json, logrus JSON
 * lines, one object per result {AuditResultName, ResourceKind,
 * ResourceName, ResourceNamespace?, Container?, level, msg, time, ...}.
 *
 * AuditResultName is kubeaudit's own key.  A report of one result is a
 * single JSON object rather than JSON lines; both are accepted.  Each line
 * carries the time kubeaudit ran; the first one's is the scan date.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
kubeaudit_probe(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if ((facts->kind != DOJOBRIDGE_KIND_JSONL &&
	    facts->kind != DOJOBRIDGE_KIND_JSON) || facts->json_top != '{' ||
	    !dojobridge_has(k, "AuditResultName"))
		return 0;
	if (dojobridge_has(k, "ResourceKind") && dojobridge_has(k, "msg") &&
	    dojobridge_has(k, "level"))
		out->score = 100;
	else if (dojobridge_has(k, "msg") || dojobridge_has(k, "level"))
		out->score = 80;
	else
		return 0;
	out->scan_type = "Kubeaudit Scan";
	return 0;
}

static int
kubeaudit_extract(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    const char *scan_type)
{
	const char *v;
	char date[11];

	(void)scan_type;
	if ((v = dojobridge_pair(facts->json_scalars, "time")) != NULL &&
	    host->date(v, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	host->set(call, DOJOBRIDGE_TOOL, "kubeaudit");
	return 0;
}

static const struct dojobridge_scan_type kubeaudit_scan_types[] = {
	{ "Kubeaudit Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin kubeaudit_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "kubeaudit",
	.version = "1.0",
	.description = "kubeaudit JSON lines (AuditResultName)",
	.scan_types = kubeaudit_scan_types,
	.probe = kubeaudit_probe,
	.extract = kubeaudit_extract,
};

DOJOBRIDGE_PLUGIN(kubeaudit_plugin)
