/*
 * cloudsploit.c — "Cloudsploit Scan": CloudSploit's JSON output, a bare
 * array of results {plugin, category, title, description, resource,
 * region, status, message}.
 *
 * Bare arrays are many formats' shape (detection.md 2.6), so the signal is
 * the first element's key set: plugin, category, resource, region, status
 * and message together are CloudSploit's alone.  No date in the file.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static const char *const required[] = {
	"plugin", "category", "title", "resource", "region", "status",
	"message", NULL
};

static int
cloudsploit_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *r;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '[')
		return 0;
	for (r = required; *r != NULL; r++)
		if (!dojobridge_has(facts->json_elem_keys, *r))
			return 0;
	out->score = 90;
	out->scan_type = "Cloudsploit Scan";
	return 0;
}

static int
cloudsploit_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)facts;
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "CloudSploit");
	return 0;
}

static const struct dojobridge_scan_type cloudsploit_scan_types[] = {
	{ "Cloudsploit Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin cloudsploit_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "cloudsploit",
	.version = "1.0",
	.description = "CloudSploit JSON results array",
	.scan_types = cloudsploit_scan_types,
	.probe = cloudsploit_probe,
	.extract = cloudsploit_extract,
};

DOJOBRIDGE_PLUGIN(cloudsploit_plugin)
