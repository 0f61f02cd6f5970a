/*
 * nexpose.c — "Nexpose Scan": Rapid7 Nexpose/InsightVM's XML export,
 * root <NexposeReport version="1.0|2.0"> with scans, nodes and
 * VulnerabilityDefinitions.  The root name is the signature.
 *
 * The scan's start is an attribute of the first scans/scan, in the
 * compact form "20210228T225351463" (milliseconds glued on).
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
nexpose_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_XML ||
	    strcmp(facts->xml_root, "NexposeReport") != 0)
		return 0;
	out->score = 100;
	out->scan_type = "Nexpose Scan";
	return 0;
}

static int
nexpose_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[256], date[11];

	(void)facts;
	(void)scan_type;
	if ((host->xml_find(call, "NexposeReport/scans/scan/@startTime", buf,
	    sizeof(buf)) == 0 || host->xml_find(call,
	    "NexposeReport/scans/scan/@endTime", buf, sizeof(buf)) == 0) &&
	    host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	/* The scan (site) name groups a target's reports; else the first node. */
	if ((host->xml_find(call, "NexposeReport/scans/scan/@name", buf,
	    sizeof(buf)) == 0 && buf[0] != '\0') ||
	    (host->xml_find(call, "NexposeReport/nodes/node/@address", buf,
	    sizeof(buf)) == 0 && buf[0] != '\0'))
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "Nexpose");
	return 0;
}

static const struct dojobridge_scan_type nexpose_scan_types[] = {
	{ "Nexpose Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin nexpose_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "nexpose",
	.version = "1.0",
	.description = "Rapid7 Nexpose XML export (NexposeReport)",
	.scan_types = nexpose_scan_types,
	.probe = nexpose_probe,
	.extract = nexpose_extract,
};

DOJOBRIDGE_PLUGIN(nexpose_plugin)
