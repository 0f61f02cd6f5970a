/*
 * terrascan.c — "Terrascan Scan": `terrascan scan -o json`, an object
 * {results{scan_errors, violations, skipped_violations, scan_summary{
 * file/folder, iac_type, scanned_at, policies_validated, ...}}}.
 *
 * {results: ...} is shared with many tools (Semgrep, TFSec, Talisman,
 * Twistlock, OSV ...); only Terrascan nests scan_summary with
 * policies_validated under it, so the probe looks for those in the head.
 * scanned_at reads "2021-05-19 13:13:06.083208 +0000 UTC".
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static int
terrascan_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(facts->json_keys, "results"))
		return 0;
	if (find(h, n, "\"violations\"") == NULL)
		return 0;
	if (find(h, n, "\"scan_summary\"") != NULL &&
	    find(h, n, "\"policies_validated\"") != NULL)
		out->score = 95;
	else if (find(h, n, "\"skipped_violations\"") != NULL &&
	    find(h, n, "\"scan_errors\"") != NULL)
		out->score = 80;	/* a long violation list pushed the summary out */
	else
		return 0;
	out->scan_type = "Terrascan Scan";
	return 0;
}

static int
terrascan_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[1024], date[11];

	(void)facts;
	(void)scan_type;
	if (host->json_find(call, "results.scan_summary.scanned_at", 0, buf,
	    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (host->json_find(call, "results.scan_summary.file/folder", 0, buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "Terrascan");
	/* The summary counts what the parser turns into findings. */
	if (host->json_find(call, "results.scan_summary.violated_policies", 0,
	    buf, sizeof(buf)) == 0 && strcmp(buf, "0") == 0)
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type terrascan_scan_types[] = {
	{ "Terrascan Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin terrascan_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "terrascan",
	.version = "1.0",
	.description = "Terrascan JSON (results.violations, results.scan_summary)",
	.scan_types = terrascan_scan_types,
	.probe = terrascan_probe,
	.extract = terrascan_extract,
};

DOJOBRIDGE_PLUGIN(terrascan_plugin)
