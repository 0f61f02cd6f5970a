/*
 * sslyze.c — SSLyze: "Sslyze Scan" is SSLyze v1/v2's XML (root <document
 * SSLyzeVersion=... title="SSLyze Scan Results"> with results/target), and
 * "SSLyze Scan (JSON)" is SSLyze 3+'s --json_out, an object
 * {server_scan_results, sslyze_url, sslyze_version, date_scans_started?,
 * ...}.
 *
 * Both are one DefectDojo parser class that picks XML or JSON from the
 * uploaded name, so each type uploads under its own extension.  sslscan's
 * XML has the same root name <document>: SSLyzeVersion, the title or a
 * <results> child says SSLyze.  The JSON's sslyze_version/sslyze_url are
 * unmistakable.  SSLyze 5 writes date_scans_started (no zone: taken as
 * written); the XML has no date, only a duration.  The target is the first
 * server's hostname.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
sslyze_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;
	const char *title;

	(void)host;
	(void)call;
	if (facts->kind == DOJOBRIDGE_KIND_XML &&
	    strcmp(facts->xml_root, "document") == 0) {
		title = dojobridge_pair(facts->xml_root_attrs, "title");
		if (dojobridge_pair(facts->xml_root_attrs, "SSLyzeVersion") != NULL ||
		    (title != NULL && strcmp(title, "SSLyze Scan Results") == 0))
			out->score = 100;
		else if (dojobridge_has(facts->xml_children, "results") &&
		    !dojobridge_has(facts->xml_children, "ssltest"))
			out->score = 60;
		else
			return 0;
		out->scan_type = "Sslyze Scan";
		out->upload_ext = ".xml";
	} else if (facts->kind == DOJOBRIDGE_KIND_JSON && facts->json_top == '{' &&
	    dojobridge_has(k, "server_scan_results") &&
	    (dojobridge_has(k, "sslyze_version") || dojobridge_has(k, "sslyze_url"))) {
		out->score = 100;
		out->scan_type = "SSLyze Scan (JSON)";
		out->upload_ext = ".json";
	}
	return 0;
}

static int
sslyze_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;
	char buf[512], date[11];

	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "SSLyze");
	if (facts->kind == DOJOBRIDGE_KIND_XML) {
		if (host->xml_find(call, "document/results/target/@host", buf,
		    sizeof(buf)) == 0 && buf[0] != '\0')
			host->set(call, DOJOBRIDGE_TARGET, buf);
		if ((v = dojobridge_pair(facts->xml_root_attrs,
		    "SSLyzeVersion")) != NULL && v[0] != '\0')
			host->set(call, DOJOBRIDGE_TOOL_VERSION, v);
		return 0;
	}
	if ((host->json_find(call, "date_scans_started", 0, buf,
	    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0) ||
	    (host->json_find(call, "date_scans_completed", 0, buf,
	    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0))
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if ((host->json_find(call, "server_scan_results[0].server_location."
	    "hostname", 0, buf, sizeof(buf)) == 0 || host->json_find(call,
	    "server_scan_results[0].server_info.server_location.hostname", 0,
	    buf, sizeof(buf)) == 0) && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	if (host->json_find(call, "sslyze_version", 0, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	return 0;
}

static const struct dojobridge_scan_type sslyze_scan_types[] = {
	{ "Sslyze Scan", ".xml", 0 },
	{ "SSLyze Scan (JSON)", ".json", 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin sslyze_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "sslyze",
	.version = "1.0",
	.description = "SSLyze v2 XML and SSLyze 3+ JSON",
	.scan_types = sslyze_scan_types,
	.probe = sslyze_probe,
	.extract = sslyze_extract,
};

DOJOBRIDGE_PLUGIN(sslyze_plugin)
