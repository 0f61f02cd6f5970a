/*
 * arachni.c — Arachni's JSON report (arachni_reporter --reporter=json):
 * {version, seed, options, sitemap, start_datetime, finish_datetime,
 * delta_time, issues[], plugins}.
 *
 * version, seed, options and sitemap open the report; together they are
 * Arachni's and nobody else's.  The issues and both datetimes follow the
 * sitemap, which can be hundreds of KB, so in a large report only the host's
 * streaming reader finds them.  DefectDojo dates findings with
 * finish_datetime ("2017-11-14 02:57:29 +0000"), and so does this plugin.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
arachni_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;
	int n;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "version") || !dojobridge_has(k, "seed") ||
	    !dojobridge_has(k, "options"))
		return 0;
	n = dojobridge_has(k, "sitemap") + dojobridge_has(k, "issues") +
	    dojobridge_has(k, "plugins") + dojobridge_has(k, "delta_time") +
	    dojobridge_has(k, "finish_datetime");
	if (n < 2)
		return 0;
	out->score = 95;
	out->scan_type = "Arachni Scan";
	return 0;
}

static int
arachni_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;
	char buf[1024], date[11];

	(void)scan_type;
	if ((host->json_find(call, "finish_datetime", 0, buf, sizeof(buf)) == 0 &&
	    host->date(buf, 0, date) == 0) ||
	    (host->json_find(call, "start_datetime", 0, buf, sizeof(buf)) == 0 &&
	    host->date(buf, 0, date) == 0))
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (host->json_find(call, "options.url", 0, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "Arachni");
	v = dojobridge_pair(facts->json_scalars, "version");
	if (v != NULL && *v != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, v);
	return 0;
}

static const struct dojobridge_scan_type arachni_scan_types[] = {
	{ "Arachni Scan", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin arachni_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "arachni",
	.version = "1.0",
	.description = "Arachni JSON report (version, seed, options, sitemap, issues)",
	.scan_types = arachni_scan_types,
	.probe = arachni_probe,
	.extract = arachni_extract,
};

DOJOBRIDGE_PLUGIN(arachni_plugin)
