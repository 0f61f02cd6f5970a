/*
 * kubebench.c — "kube-bench Scan": kube-bench --json, either {Controls[],
 * Totals{total_pass, ...}} or (older, or one per node type) a bare array
 * of controls {id, version, text, node_type, tests[], total_pass, ...}.
 *
 * Controls with Totals is kube-bench's own pair.  A bare array is the
 * commonest JSON shape, so its first element must show node_type and tests
 * beside id, version and text.  The output carries no date.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
kubebench_probe(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys, *const *e = facts->json_elem_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON)
		return 0;
	if (facts->json_top == '{' && dojobridge_has(k, "Controls") &&
	    dojobridge_has(k, "Totals"))
		out->score = 95;
	else if (facts->json_top == '[' && dojobridge_has(e, "node_type") &&
	    dojobridge_has(e, "tests") && dojobridge_has(e, "id") &&
	    dojobridge_has(e, "text") && dojobridge_has(e, "version"))
		out->score = dojobridge_has(e, "total_pass") ? 95 : 85;
	else
		return 0;
	out->scan_type = "kube-bench Scan";
	return 0;
}

static int
kubebench_extract(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    const char *scan_type)
{
	(void)facts;
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "kube-bench");
	return 0;
}

static const struct dojobridge_scan_type kubebench_scan_types[] = {
	{ "kube-bench Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin kubebench_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "kubebench",
	.version = "1.0",
	.description = "kube-bench JSON (Controls and Totals, or array of controls)",
	.scan_types = kubebench_scan_types,
	.probe = kubebench_probe,
	.extract = kubebench_extract,
};

DOJOBRIDGE_PLUGIN(kubebench_plugin)
