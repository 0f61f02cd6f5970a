/*
 * wpscan.c — "Wpscan": `wpscan -f json`, {banner{description, version,
 * ...}, start_time, start_memory, target_url, target_ip?, effective_url,
 * interesting_findings, version, main_theme, plugins, ..., stop_time,
 * elapsed}; an aborted scan is {banner, scan_aborted, target_url}.
 *
 * banner with target_url and start_time/effective_url (or scan_aborted)
 * is WPScan's shape.  start_time is epoch seconds; an aborted scan has no
 * findings.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
wpscan_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "banner") || !dojobridge_has(k, "target_url"))
		return 0;
	if (dojobridge_has(k, "start_time") && dojobridge_has(k, "effective_url"))
		out->score = dojobridge_has(k, "interesting_findings") ? 100 : 90;
	else if (dojobridge_has(k, "scan_aborted"))
		out->score = 90;
	else
		return 0;
	out->scan_type = "Wpscan";
	return 0;
}

static int
wpscan_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[1024], date[11];

	(void)scan_type;
	if (host->json_find(call, "start_time", 0, buf, sizeof(buf)) == 0 &&
	    host->date(buf, DOJOBRIDGE_DATE_EPOCH, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (host->json_find(call, "target_url", 0, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "WPScan");
	if (host->json_find(call, "banner.version", 0, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	if (dojobridge_has(facts->json_keys, "scan_aborted") &&
	    !dojobridge_has(facts->json_keys, "start_time"))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type wpscan_scan_types[] = {
	{ "Wpscan", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin wpscan_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "wpscan",
	.version = "1.0",
	.description = "WPScan JSON output (banner, target_url, start_time)",
	.scan_types = wpscan_scan_types,
	.probe = wpscan_probe,
	.extract = wpscan_extract,
};

DOJOBRIDGE_PLUGIN(wpscan_plugin)
