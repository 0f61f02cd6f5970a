/*
 * wfuzz.c — "WFuzz JSON report": `wfuzz -f file,json`, a bare array of
 * results {chars, code, payload, lines, location, method, post_data,
 * server, url, words}.
 *
 * A bare array is shared with dozens of formats, so the first result must
 * carry wfuzz's own counters (chars, lines, words) with payload and url;
 * `code` is left out of the test because one sample lacks it.  `[]` says
 * nothing and is left alone.  The report holds no date.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
wfuzz_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_elem_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '[')
		return 0;
	if (!dojobridge_has(k, "chars") || !dojobridge_has(k, "lines") ||
	    !dojobridge_has(k, "words") || !dojobridge_has(k, "payload") ||
	    !dojobridge_has(k, "url"))
		return 0;
	out->score = dojobridge_has(k, "method") && dojobridge_has(k, "server") ?
	    95 : 80;
	out->scan_type = "WFuzz JSON report";
	return 0;
}

static int
wfuzz_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)facts;
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Wfuzz");
	return 0;
}

static const struct dojobridge_scan_type wfuzz_scan_types[] = {
	{ "WFuzz JSON report", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin wfuzz_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "wfuzz",
	.version = "1.0",
	.description = "wfuzz JSON results (array of chars/lines/words/payload)",
	.scan_types = wfuzz_scan_types,
	.probe = wfuzz_probe,
	.extract = wfuzz_extract,
};

DOJOBRIDGE_PLUGIN(wfuzz_plugin)
