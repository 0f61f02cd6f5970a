/*
 * popeye.c — "Popeye Scan": Popeye's (Kubernetes cluster sanitizer) JSON
 * report, {popeye{score, grade, sanitizers[{sanitizer, gvr, tally,
 * issues{}}], ...}}.
 *
 * The single top-level key "popeye" is the tool's name; the probe also
 * wants the sanitizers list in the head.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static int
popeye_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(facts->json_keys, "popeye") ||
	    find(facts->head, facts->head_len, "\"sanitizers\"") == NULL)
		return 0;
	out->score = 100;
	out->scan_type = "Popeye Scan";
	return 0;
}

static int
popeye_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[512], date[11];

	(void)facts;
	(void)scan_type;
	/* Newer Popeye stamps its report and names the cluster context. */
	if (host->json_find(call, "popeye.report_time", 0, buf, sizeof(buf)) == 0 &&
	    host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if ((host->json_find(call, "popeye.context", 0, buf, sizeof(buf)) == 0 ||
	    host->json_find(call, "popeye.cluster", 0, buf, sizeof(buf)) == 0) &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "Popeye");
	return 0;
}

static const struct dojobridge_scan_type popeye_scan_types[] = {
	{ "Popeye Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin popeye_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "popeye",
	.version = "1.0",
	.description = "Popeye Kubernetes sanitizer JSON report",
	.scan_types = popeye_scan_types,
	.probe = popeye_probe,
	.extract = popeye_extract,
};

DOJOBRIDGE_PLUGIN(popeye_plugin)
