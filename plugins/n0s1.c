/*
 * n0s1.c — "n0s1 Scanner": n0s1's JSON report, {tool{name:"n0s1",
 * version, scan_arguments}, scan_date{timestamp, date_utc}, regex_config,
 * findings{<id>:{...}}}.
 *
 * tool.name is the tool's own name, an unmistakable signature; without it
 * the four keys together are still a distinctive combination.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawjson.h"

static int
n0s1_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;
	char name[32];

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "tool") || !dojobridge_has(k, "findings"))
		return 0;
	if (raw_name(facts->head, facts->head_len, "\"tool\"", name,
	    sizeof(name)) == 0 && strcmp(name, "n0s1") == 0)
		out->score = 100;
	else if (dojobridge_has(k, "scan_date") && dojobridge_has(k, "regex_config"))
		out->score = 80;
	else
		return 0;
	out->scan_type = "n0s1 Scanner";
	return 0;
}

static int
n0s1_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[256], date[11];

	(void)facts;
	(void)scan_type;
	/* date_utc has no zone but is UTC by name; timestamp is epoch seconds. */
	if ((host->json_find(call, "scan_date.date_utc", 0, buf, sizeof(buf)) == 0 &&
	    host->date(buf, 0, date) == 0) ||
	    (host->json_find(call, "scan_date.timestamp", 0, buf, sizeof(buf)) == 0 &&
	    host->date(buf, DOJOBRIDGE_DATE_EPOCH, date) == 0))
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (host->json_find(call, "tool.scan_arguments.scan_target", 0, buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "n0s1");
	if (host->json_find(call, "tool.version", 0, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	return 0;
}

static const struct dojobridge_scan_type n0s1_scan_types[] = {
	{ "n0s1 Scanner", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin n0s1_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "n0s1",
	.version = "1.0",
	.description = "n0s1 secret scanner JSON report",
	.scan_types = n0s1_scan_types,
	.probe = n0s1_probe,
	.extract = n0s1_extract,
};

DOJOBRIDGE_PLUGIN(n0s1_plugin)
