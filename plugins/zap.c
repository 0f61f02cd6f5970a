/*
 * zap.c — ZAP's traditional XML report, root <OWASPZAPReport>.
 *
 * Everything this plugin needs sits on the root start tag (version, the
 * generation time, since 2.16 the program name) or on the first <site>.
 * DefectDojo's ZAP parser only accepts a name ending in ".xml", lower case.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
zap_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_XML ||
	    strcmp(facts->xml_root, "OWASPZAPReport") != 0)
		return 0;
	out->score = 100;
	out->scan_type = "ZAP Scan";
	return 0;
}

static int
zap_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;
	char date[11], site[1024];

	(void)scan_type;

	/*
	 * "generated" has no zone and may be localised ("Fr., 30 Sep. 2022
	 * 08:40:35"); the host's date reader knows those month names.
	 */
	v = dojobridge_pair(facts->xml_root_attrs, "generated");
	if (v != NULL && host->date(v, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);

	if (host->xml_find(call, "OWASPZAPReport/site/@name", site,
	    sizeof(site)) == 0 && site[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, site);

	v = dojobridge_pair(facts->xml_root_attrs, "programName");
	host->set(call, DOJOBRIDGE_TOOL, v != NULL && *v != '\0' ? v : "ZAP");
	v = dojobridge_pair(facts->xml_root_attrs, "version");
	if (v != NULL && *v != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, v);
	return 0;
}

static const struct dojobridge_scan_type zap_scan_types[] = {
	{ "ZAP Scan", ".xml", 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin zap_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "zap",
	.version = "1.0",
	.description = "ZAP XML report (OWASPZAPReport)",
	.scan_types = zap_scan_types,
	.probe = zap_probe,
	.extract = zap_extract,
};

DOJOBRIDGE_PLUGIN(zap_plugin)
