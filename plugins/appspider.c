/*
 * appspider.c — Rapid7 AppSpider's VulnerabilitiesSummary.xml (the file
 * inside AppSpider's report zip), root <VulnSummary>.
 *
 * The root name is the signature; DefectDojo's parser raises on any other.
 * The scan's start, the product version and the scan name sit right under
 * the root; the site is each <Vuln>'s <WebSite>.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
appspider_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_XML ||
	    strcmp(facts->xml_root, "VulnSummary") != 0)
		return 0;
	out->score = 100;
	out->scan_type = "AppSpider Scan";
	return 0;
}

static int
appspider_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[1024], date[11];

	(void)facts;
	(void)scan_type;
	/* Local time; <UTCOffset> says which zone, the day is what matters. */
	if ((host->xml_find(call, "VulnSummary/ScanStarted", buf,
	    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0) ||
	    (host->xml_find(call, "VulnSummary/ScanEnded", buf,
	    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0))
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if ((host->xml_find(call, "VulnSummary/VulnList/Vuln/WebSite", buf,
	    sizeof(buf)) == 0 && buf[0] != '\0') ||
	    (host->xml_find(call, "VulnSummary/ScanName", buf,
	    sizeof(buf)) == 0 && buf[0] != '\0'))
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "AppSpider");
	if (host->xml_find(call, "VulnSummary/AppVersion", buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	return 0;
}

static const struct dojobridge_scan_type appspider_scan_types[] = {
	{ "AppSpider Scan", ".xml", 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin appspider_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "appspider",
	.version = "1.0",
	.description = "Rapid7 AppSpider VulnerabilitiesSummary.xml (VulnSummary)",
	.scan_types = appspider_scan_types,
	.probe = appspider_probe,
	.extract = appspider_extract,
};

DOJOBRIDGE_PLUGIN(appspider_plugin)
