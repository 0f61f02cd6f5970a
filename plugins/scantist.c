/*
 * scantist.c — "Scantist Scan": Scantist's SCA JSON export, a bare array of
 * issues whose keys are English column titles with spaces ("Public ID",
 * "Library Version", "Issue Source", "Issue Type", "File Path").
 *
 * A bare array is the shape of some 45 scan types; keys with spaces are
 * rare, and this combination is Scantist's alone.  The export has no date,
 * no target; an empty `[]` is claimed by no one.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
scantist_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_elem_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '[')
		return 0;
	if (dojobridge_has(k, "Public ID") && dojobridge_has(k, "Library") &&
	    dojobridge_has(k, "Library Version") &&
	    dojobridge_has(k, "Issue Type") && (dojobridge_has(k, "Issue Source") ||
	    dojobridge_has(k, "File Path"))) {
		out->score = 95;
		out->scan_type = "Scantist Scan";
	}
	return 0;
}

static int
scantist_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)facts;
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Scantist");
	return 0;
}

static const struct dojobridge_scan_type scantist_scan_types[] = {
	{ "Scantist Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin scantist_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "scantist",
	.version = "1.0",
	.description = "Scantist SCA JSON export",
	.scan_types = scantist_scan_types,
	.probe = scantist_probe,
	.extract = scantist_extract,
};

DOJOBRIDGE_PLUGIN(scantist_plugin)
