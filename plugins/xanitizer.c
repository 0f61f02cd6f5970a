/*
 * xanitizer.c — "Xanitizer Scan": Xanitizer's findings XML, root
 * <XanitizerFindingsList timeStamp="2019-11-21 13:31:08"
 * timeStampLong="1574339468791" xanitizerVersionShort=... allFindings=...>
 * of <finding> elements.
 *
 * The root name is Xanitizer's alone (DefectDojo's parser raises on any
 * other).  The root's timeStamp is the report's date; allFindings="0"
 * says the report is empty.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
xanitizer_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_XML ||
	    strcmp(facts->xml_root, "XanitizerFindingsList") != 0)
		return 0;
	out->score = 100;
	out->scan_type = "Xanitizer Scan";
	return 0;
}

static int
xanitizer_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *const *a = facts->xml_root_attrs;
	const char *v;
	char date[11];

	(void)scan_type;
	if (((v = dojobridge_pair(a, "timeStampLong")) != NULL &&
	    host->date(v, DOJOBRIDGE_DATE_EPOCH_MS, date) == 0) ||
	    ((v = dojobridge_pair(a, "timeStamp")) != NULL &&
	    host->date(v, 0, date) == 0))
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	host->set(call, DOJOBRIDGE_TOOL, "Xanitizer");
	if ((v = dojobridge_pair(a, "xanitizerVersionShort")) != NULL &&
	    v[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, v);
	if ((v = dojobridge_pair(a, "allFindings")) != NULL && strcmp(v, "0") == 0)
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type xanitizer_scan_types[] = {
	{ "Xanitizer Scan", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin xanitizer_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "xanitizer",
	.version = "1.0",
	.description = "Xanitizer findings XML (XanitizerFindingsList)",
	.scan_types = xanitizer_scan_types,
	.probe = xanitizer_probe,
	.extract = xanitizer_extract,
};

DOJOBRIDGE_PLUGIN(xanitizer_plugin)
