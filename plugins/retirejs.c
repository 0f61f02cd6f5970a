/*
 * retirejs.c — "Retire.js Scan": `retire --outputformat json`, an object
 * {version, start, data[{file, results[{component, version,
 * vulnerabilities}]}], messages, errors, time}; older releases wrote the
 * bare data array.
 *
 * The object's key set (start, messages, errors, time beside data and
 * version) is Retire.js's own.  The bare array {file, results} is generic,
 * so it also needs Retire's "component" and "vulnerabilities" in the head.
 * `start` is when the scan began.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
contains(const unsigned char *p, size_t len, const char *needle)
{
	size_t i, n = strlen(needle);

	for (i = 0; i + n <= len; i++)
		if (memcmp(p + i, needle, n) == 0)
			return 1;
	return 0;
}

static int
retirejs_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON)
		return 0;
	if (facts->json_top == '{') {
		k = facts->json_keys;
		if (!dojobridge_has(k, "data") || !dojobridge_has(k, "start") ||
		    !dojobridge_has(k, "messages") || !dojobridge_has(k, "errors") ||
		    !dojobridge_has(k, "version"))
			return 0;
		out->score = 90;
	} else {
		k = facts->json_elem_keys;
		if (!dojobridge_has(k, "file") || !dojobridge_has(k, "results") ||
		    !contains(facts->head, facts->head_len, "\"component\"") ||
		    !contains(facts->head, facts->head_len, "\"vulnerabilities\""))
			return 0;
		out->score = 60;
	}
	out->scan_type = "Retire.js Scan";
	return 0;
}

static int
retirejs_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[256], date[11];

	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "retire.js");
	if (facts->json_top != '{')
		return 0;
	if (host->json_find(call, "start", 0, buf, sizeof(buf)) == 0 &&
	    host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (host->json_find(call, "version", 0, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	return 0;
}

static const struct dojobridge_scan_type retirejs_scan_types[] = {
	{ "Retire.js Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin retirejs_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "retirejs",
	.version = "1.0",
	.description = "Retire.js JSON output",
	.scan_types = retirejs_scan_types,
	.probe = retirejs_probe,
	.extract = retirejs_extract,
};

DOJOBRIDGE_PLUGIN(retirejs_plugin)
