/*
 * dockerbench.c — "docker-bench-security Scan": docker-bench-security's
 * JSON log, {dockerbenchsecurity: "<version>", start, tests[], checks,
 * score, end}.  The dockerbenchsecurity key names the tool itself.  start
 * and end are epoch seconds; end sits in the tail.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
dockerbench_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(facts->json_keys, "dockerbenchsecurity"))
		return 0;
	out->score = dojobridge_has(facts->json_keys, "tests") ? 100 : 70;
	out->scan_type = "docker-bench-security Scan";
	return 0;
}

static int
dockerbench_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;
	char buf[64], date[11];

	(void)scan_type;
	if ((host->json_find(call, "end", DOJOBRIDGE_FIND_LAST, buf,
	    sizeof(buf)) == 0 && host->date(buf, DOJOBRIDGE_DATE_EPOCH,
	    date) == 0) || (host->json_find(call, "start", 0, buf,
	    sizeof(buf)) == 0 && host->date(buf, DOJOBRIDGE_DATE_EPOCH,
	    date) == 0))
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	host->set(call, DOJOBRIDGE_TOOL, "docker-bench-security");
	if ((v = dojobridge_pair(facts->json_scalars,
	    "dockerbenchsecurity")) != NULL && v[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, v);
	return 0;
}

static const struct dojobridge_scan_type dockerbench_scan_types[] = {
	{ "docker-bench-security Scan", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin dockerbench_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "dockerbench",
	.version = "1.0",
	.description = "docker-bench-security JSON logs",
	.scan_types = dockerbench_scan_types,
	.probe = dockerbench_probe,
	.extract = dockerbench_extract,
};

DOJOBRIDGE_PLUGIN(dockerbench_plugin)
