/*
 * ssl_labs.c — "SSL Labs Scan": ssllabs-scan's JSON, a bare array of host
 * results {host, port, protocol, isPublic, status, startTime, testTime,
 * engineVersion, criteriaVersion, endpoints[]}.
 *
 * A bare array is many scanners' shape; engineVersion and criteriaVersion
 * beside host and endpoints are the SSL Labs API's.  startTime is epoch
 * milliseconds (testTime, the end, is the fallback); the target is the
 * first host.  An empty `[]` is claimed by no one.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
ssl_labs_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_elem_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '[')
		return 0;
	if (dojobridge_has(k, "host") && dojobridge_has(k, "endpoints") &&
	    dojobridge_has(k, "engineVersion") &&
	    dojobridge_has(k, "criteriaVersion")) {
		out->score = 95;
		out->scan_type = "SSL Labs Scan";
	}
	return 0;
}

static int
ssl_labs_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[512], date[11];

	(void)facts;
	(void)scan_type;
	if ((host->json_find(call, "[0].startTime", 0, buf, sizeof(buf)) == 0 &&
	    host->date(buf, DOJOBRIDGE_DATE_EPOCH_MS, date) == 0) ||
	    (host->json_find(call, "[0].testTime", 0, buf, sizeof(buf)) == 0 &&
	    host->date(buf, DOJOBRIDGE_DATE_EPOCH_MS, date) == 0))
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (host->json_find(call, "[0].host", 0, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "SSL Labs");
	if (host->json_find(call, "[0].engineVersion", 0, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	return 0;
}

static const struct dojobridge_scan_type ssl_labs_scan_types[] = {
	{ "SSL Labs Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin ssl_labs_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "ssl_labs",
	.version = "1.0",
	.description = "SSL Labs (ssllabs-scan) JSON host results",
	.scan_types = ssl_labs_scan_types,
	.probe = ssl_labs_probe,
	.extract = ssl_labs_extract,
};

DOJOBRIDGE_PLUGIN(ssl_labs_plugin)
