/*
 * wazuh.c — "Wazuh": vulnerabilities as the Wazuh API ≤ 4.7 returns them
 * ({data{affected_items[{cve, name, version, detection_time, ...}],
 * total_affected_items}, error, message}) and as the ≥ 4.8 indexer
 * (OpenSearch) answers a search of wazuh-states-vulnerabilities-*
 * ({took, timed_out, _shards, hits{hits[{_source{agent, package,
 * vulnerability, ...}}]}}).
 *
 * Both envelopes are generic: every Wazuh API endpoint answers
 * data.affected_items, so the items must be vulnerabilities (cve with
 * detection_time or condition); any OpenSearch search answers hits.hits,
 * so the sources must hold vulnerability and agent.  Findings carry their
 * own detection dates; no one date is the scan's.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static int
wazuh_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{')
		return 0;
	if (dojobridge_has(k, "data") && find(h, n, "\"affected_items\"") != NULL &&
	    find(h, n, "\"cve\"") != NULL) {
		if (find(h, n, "\"detection_time\"") != NULL)
			out->score = 90;
		else if (find(h, n, "\"condition\"") != NULL)
			out->score = 75;
		else
			return 0;
	} else if (dojobridge_has(k, "hits") && dojobridge_has(k, "_shards") &&
	    find(h, n, "\"_source\"") != NULL &&
	    find(h, n, "\"vulnerability\"") != NULL &&
	    find(h, n, "\"agent\"") != NULL) {
		out->score = find(h, n, "\"wazuh-states-vulnerabilities") != NULL ?
		    95 : 80;
	} else
		return 0;
	out->scan_type = "Wazuh";
	return 0;
}

static int
wazuh_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)facts;
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Wazuh");
	return 0;
}

static const struct dojobridge_scan_type wazuh_scan_types[] = {
	{ "Wazuh", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin wazuh_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "wazuh",
	.version = "1.0",
	.description = "Wazuh vulnerabilities (API <= 4.7, indexer >= 4.8)",
	.scan_types = wazuh_scan_types,
	.probe = wazuh_probe,
	.extract = wazuh_extract,
};

DOJOBRIDGE_PLUGIN(wazuh_plugin)
