/*
 * meterian.c — "Meterian Scan": the Meterian client's JSON report, an
 * object {url, timestamp, scores, reports{security{reports[]}, ...}}.
 *
 * url is the project's page on meterian.com, which with timestamp and
 * scores is unmistakable.  Older reports keep security at the top level
 * instead of under reports; DefectDojo's parser refuses them (its sample
 * report_invalid.json), so they are not claimed.  timestamp is the scan
 * date, and the parser gives it to every finding.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
meterian_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;
	const char *url;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "reports") || !dojobridge_has(k, "timestamp") ||
	    !dojobridge_has(k, "scores"))
		return 0;
	url = dojobridge_pair(facts->json_scalars, "url");
	if (url != NULL && strstr(url, "meterian") != NULL)
		out->score = 100;
	else if (url != NULL)
		out->score = 70;
	else
		return 0;
	out->scan_type = "Meterian Scan";
	return 0;
}

static int
meterian_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;
	char date[11];

	(void)scan_type;
	if ((v = dojobridge_pair(facts->json_scalars, "timestamp")) != NULL &&
	    host->date(v, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	/* The project page: pid and branch tell one project from another. */
	if ((v = dojobridge_pair(facts->json_scalars, "url")) != NULL &&
	    v[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, v);
	host->set(call, DOJOBRIDGE_TOOL, "Meterian");
	return 0;
}

static const struct dojobridge_scan_type meterian_scan_types[] = {
	{ "Meterian Scan", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin meterian_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "meterian",
	.version = "1.0",
	.description = "Meterian client JSON report",
	.scan_types = meterian_scan_types,
	.probe = meterian_probe,
	.extract = meterian_extract,
};

DOJOBRIDGE_PLUGIN(meterian_plugin)
