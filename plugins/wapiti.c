/*
 * wapiti.c — "Wapiti Scan": Wapiti's XML report, root <report
 * type="security"> with report_infos/info[@name] (generatorName,
 * generatorVersion, dateOfScan, target), vulnerabilities, anomalies.
 *
 * OpenVAS' XML root is also named <report> (and DefectDojo's parsers only
 * test the tag): Wapiti's has type="security" and report_infos as first
 * child, OpenVAS' format_id/extension/content_type and a nested <report>.
 * dateOfScan reads "Sun, 28 Mar 2021 07:50:09 +0000".
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
wapiti_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *type;
	int infos;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_XML ||
	    strcmp(facts->xml_root, "report") != 0)
		return 0;
	type = dojobridge_pair(facts->xml_root_attrs, "type");
	infos = dojobridge_has(facts->xml_children, "report_infos");
	if (type != NULL && strcmp(type, "security") == 0 && infos)
		out->score = 100;
	else if (infos && dojobridge_has(facts->xml_children, "vulnerabilities"))
		out->score = 85;
	else
		return 0;
	out->scan_type = "Wapiti Scan";
	return 0;
}

static int
wapiti_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[1024], date[11];
	const char *v;

	(void)facts;
	(void)scan_type;
	if (host->xml_find(call, "report/report_infos/info[@name='dateOfScan']",
	    buf, sizeof(buf)) == 0 && host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (host->xml_find(call, "report/report_infos/info[@name='target']",
	    buf, sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "Wapiti");
	/* "Wapiti 3.0.4" */
	if (host->xml_find(call,
	    "report/report_infos/info[@name='generatorVersion']", buf,
	    sizeof(buf)) == 0 && buf[0] != '\0') {
		v = strncmp(buf, "Wapiti ", 7) == 0 ? buf + 7 : buf;
		if (*v != '\0')
			host->set(call, DOJOBRIDGE_TOOL_VERSION, v);
	}
	return 0;
}

static const struct dojobridge_scan_type wapiti_scan_types[] = {
	{ "Wapiti Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin wapiti_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "wapiti",
	.version = "1.0",
	.description = "Wapiti XML report (report type=security, report_infos)",
	.scan_types = wapiti_scan_types,
	.probe = wapiti_probe,
	.extract = wapiti_extract,
};

DOJOBRIDGE_PLUGIN(wapiti_plugin)
