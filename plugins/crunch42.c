/*
 * crunch42.c — "Crunch42 Scan": a 42Crunch API Security Audit result,
 * {end, report{..., security{issues}, summary{apiName, ...}}, start,
 * taskId}.
 *
 * Signal: end, start and taskId around report, with the audit's
 * assessmentVersion/openapiState in the head.  start and end are epoch
 * seconds as strings; end is the audit's date (a sample has a nonsense end
 * in 2037: the host clamps future dates).  The API's name is the target.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static int
crunch42_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "report") || !dojobridge_has(k, "taskId") ||
	    !dojobridge_has(k, "start") || !dojobridge_has(k, "end"))
		return 0;
	out->score = find(h, n, "\"assessmentVersion\"") != NULL ||
	    find(h, n, "\"openapiState\"") != NULL ? 95 : 80;
	out->scan_type = "Crunch42 Scan";
	return 0;
}

static int
crunch42_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;
	char buf[512], date[11];

	(void)scan_type;
	if (((v = dojobridge_pair(facts->json_scalars, "end")) != NULL &&
	    host->date(v, DOJOBRIDGE_DATE_EPOCH, date) == 0) ||
	    ((v = dojobridge_pair(facts->json_scalars, "start")) != NULL &&
	    host->date(v, DOJOBRIDGE_DATE_EPOCH, date) == 0))
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (host->json_find(call, "report.summary.apiName", 0, buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "42Crunch API Security Audit");
	if (host->json_find(call, "report.assessmentVersion", 0, buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	return 0;
}

static const struct dojobridge_scan_type crunch42_scan_types[] = {
	{ "Crunch42 Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin crunch42_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "crunch42",
	.version = "1.0",
	.description = "42Crunch API Security Audit JSON",
	.scan_types = crunch42_scan_types,
	.probe = crunch42_probe,
	.extract = crunch42_extract,
};

DOJOBRIDGE_PLUGIN(crunch42_plugin)
