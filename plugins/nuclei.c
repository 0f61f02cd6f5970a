/*
 * nuclei.c — "Nuclei Scan": `nuclei -jsonl` (one result per line) or
 * `-json-export` (a JSON array of them); each result is {template-id (or
 * the older templateID), template-path?, info{name, severity, ...}, type,
 * host, matched-at (or matched), ip?, timestamp, ...}.
 *
 * The template id key together with info and matched-at/matched is
 * Nuclei's alone.  A one-result -jsonl file is a single line, which the
 * host sees as plain JSON.  DefectDojo dates each finding with its own
 * timestamp; the first one stands for the scan.
 */
#include <stdio.h>
#include <string.h>

#include "dojobridge-plugin.h"

static int
nuclei_keys(const char *const *k)
{
	return (dojobridge_has(k, "template-id") || dojobridge_has(k, "templateID")) &&
	    dojobridge_has(k, "info") && dojobridge_has(k, "type") &&
	    (dojobridge_has(k, "matched-at") || dojobridge_has(k, "matched"));
}

static int
nuclei_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if (facts->kind == DOJOBRIDGE_KIND_JSONL || facts->kind == DOJOBRIDGE_KIND_JSON) {
		if (facts->json_top == '{' && nuclei_keys(facts->json_keys))
			out->score = 95;
		else if (facts->kind == DOJOBRIDGE_KIND_JSON && facts->json_top == '[' &&
		    nuclei_keys(facts->json_elem_keys))
			out->score = 95;
	}
	if (out->score > 0)
		out->scan_type = "Nuclei Scan";
	return 0;
}

static int
nuclei_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *pfx = facts->json_top == '[' ? "[0]." : "";
	char path[32], buf[512], date[11];

	(void)scan_type;
	snprintf(path, sizeof(path), "%stimestamp", pfx);
	if (host->json_find(call, path, 0, buf, sizeof(buf)) == 0 &&
	    host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	/* Newer results may lack host; the address then tells the target. */
	snprintf(path, sizeof(path), "%shost", pfx);
	if (host->json_find(call, path, 0, buf, sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	else {
		snprintf(path, sizeof(path), "%sip", pfx);
		if (host->json_find(call, path, 0, buf, sizeof(buf)) == 0 &&
		    buf[0] != '\0')
			host->set(call, DOJOBRIDGE_TARGET, buf);
	}
	host->set(call, DOJOBRIDGE_TOOL, "Nuclei");
	return 0;
}

static const struct dojobridge_scan_type nuclei_scan_types[] = {
	{ "Nuclei Scan", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin nuclei_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "nuclei",
	.version = "1.0",
	.description = "Nuclei JSON lines and JSON export",
	.scan_types = nuclei_scan_types,
	.probe = nuclei_probe,
	.extract = nuclei_extract,
};

DOJOBRIDGE_PLUGIN(nuclei_plugin)
