/*
 * outpost24.c — "Outpost24 Scan": Outpost24 OUTSCAN's XML report, root
 * <main> (with a DOCTYPE) holding report, reportinfo{reportdate, ...},
 * hostlist, portlist and detaillist.
 *
 * <main> is as generic a root as there is, so the probe wants reportinfo
 * and detaillist among its children as well.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
outpost24_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *c = facts->xml_children;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_XML || strcmp(facts->xml_root, "main") != 0 ||
	    facts->xml_ns[0] != '\0' || !dojobridge_has(c, "reportinfo") ||
	    !dojobridge_has(c, "detaillist"))
		return 0;
	out->score = dojobridge_has(c, "hostlist") ? 90 : 80;
	out->scan_type = "Outpost24 Scan";
	return 0;
}

static int
outpost24_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[512], date[11];

	(void)facts;
	(void)scan_type;
	/* "2019-10-04 19:00", in the zone reportinfo/timezone names. */
	if (host->xml_find(call, "main/reportinfo/reportdate", buf, sizeof(buf)) == 0 &&
	    host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (host->xml_find(call, "main/hostlist/host/ip", buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	if (host->xml_find(call, "main/report", buf, sizeof(buf)) == 0 &&
	    strstr(buf, "OUTSCAN") != NULL)
		host->set(call, DOJOBRIDGE_TOOL, "Outpost24 OUTSCAN");
	else
		host->set(call, DOJOBRIDGE_TOOL, "Outpost24");
	return 0;
}

static const struct dojobridge_scan_type outpost24_scan_types[] = {
	{ "Outpost24 Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin outpost24_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "outpost24",
	.version = "1.0",
	.description = "Outpost24 OUTSCAN XML report",
	.scan_types = outpost24_scan_types,
	.probe = outpost24_probe,
	.extract = outpost24_extract,
};

DOJOBRIDGE_PLUGIN(outpost24_plugin)
