/*
 * depcheck.c — OWASP Dependency-Check's XML report: root <analysis> in the
 * https://jeremylong.github.io/DependencyCheck/ namespace.
 *
 * DefectDojo dates every finding with projectInfo/reportDate.  The JSON
 * report is not accepted by its parser and is not claimed here.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
depcheck_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_XML ||
	    strcmp(facts->xml_root, "analysis") != 0 ||
	    strstr(facts->xml_ns, "jeremylong.github.io/DependencyCheck") == NULL)
		return 0;
	out->score = 100;
	out->scan_type = "Dependency Check Scan";
	return 0;
}

static int
depcheck_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[1024], date[11];

	(void)facts;
	(void)scan_type;

	if (host->xml_find(call, "analysis/projectInfo/reportDate", buf,
	    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (host->xml_find(call, "analysis/projectInfo/name", buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);

	host->set(call, DOJOBRIDGE_TOOL, "Dependency-Check");
	/* Reports older than 2.0 leave scanInfo empty. */
	if (host->xml_find(call, "analysis/scanInfo/engineVersion", buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	return 0;
}

static const struct dojobridge_scan_type depcheck_scan_types[] = {
	{ "Dependency Check Scan", ".xml", 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin depcheck_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "depcheck",
	.version = "1.0",
	.description = "OWASP Dependency-Check XML report",
	.scan_types = depcheck_scan_types,
	.probe = depcheck_probe,
	.extract = depcheck_extract,
};

DOJOBRIDGE_PLUGIN(depcheck_plugin)
