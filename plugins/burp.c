/*
 * burp.c — Burp Suite's "Report selected issues" XML export: root <issues>
 * with burpVersion and exportTime attributes and one <issue> per finding.
 *
 * exportTime is written with a zone abbreviation ("Fri Apr 30 11:45:49 IST
 * 2021"); the host's date reader decides what it can trust of it.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
burp_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_XML ||
	    strcmp(facts->xml_root, "issues") != 0)
		return 0;
	/*
	 * Burp always writes both attributes; <issues><issue> alone is too
	 * common a shape to claim.
	 */
	if (dojobridge_pair(facts->xml_root_attrs, "burpVersion") == NULL &&
	    dojobridge_pair(facts->xml_root_attrs, "exportTime") == NULL)
		return 0;
	out->score = 100;
	out->scan_type = "Burp Scan";
	return 0;
}

static int
burp_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;
	char date[11], target[1024];

	(void)scan_type;

	v = dojobridge_pair(facts->xml_root_attrs, "exportTime");
	if (v != NULL && host->date(v, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);

	/* The first issue's host is the site ("https://example.com"). */
	if (host->xml_find(call, "issues/issue/host", target,
	    sizeof(target)) == 0 && target[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, target);

	host->set(call, DOJOBRIDGE_TOOL, "Burp Suite");
	v = dojobridge_pair(facts->xml_root_attrs, "burpVersion");
	if (v != NULL && *v != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, v);
	return 0;
}

static const struct dojobridge_scan_type burp_scan_types[] = {
	{ "Burp Scan", ".xml", 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin burp_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "burp",
	.version = "1.0",
	.description = "Burp Suite issues XML export",
	.scan_types = burp_scan_types,
	.probe = burp_probe,
	.extract = burp_extract,
};

DOJOBRIDGE_PLUGIN(burp_plugin)
