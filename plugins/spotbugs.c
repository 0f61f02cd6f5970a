/*
 * spotbugs.c — "SpotBugs Scan": `spotbugs -xml:withMessages`, root
 * <BugCollection version sequence timestamp analysisTimestamp release>.
 *
 * The root name is SpotBugs' (and FindBugs', its ancestor, whose XML the
 * same parser reads).  analysisTimestamp is when the analysis ran, in epoch
 * milliseconds; timestamp (the newest class file's) is the fallback.  The
 * target is the <Project projectName>.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
spotbugs_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_XML ||
	    strcmp(facts->xml_root, "BugCollection") != 0)
		return 0;
	out->score = 100;
	out->scan_type = "SpotBugs Scan";
	return 0;
}

static int
spotbugs_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;
	char buf[512], date[11];

	(void)scan_type;
	if (((v = dojobridge_pair(facts->xml_root_attrs,
	    "analysisTimestamp")) != NULL && host->date(v,
	    DOJOBRIDGE_DATE_EPOCH_MS, date) == 0) ||
	    ((v = dojobridge_pair(facts->xml_root_attrs, "timestamp")) != NULL &&
	    host->date(v, DOJOBRIDGE_DATE_EPOCH_MS, date) == 0))
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (host->xml_find(call, "BugCollection/Project/@projectName", buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "SpotBugs");
	if ((v = dojobridge_pair(facts->xml_root_attrs, "version")) != NULL &&
	    v[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, v);
	return 0;
}

static const struct dojobridge_scan_type spotbugs_scan_types[] = {
	{ "SpotBugs Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin spotbugs_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "spotbugs",
	.version = "1.0",
	.description = "SpotBugs/FindBugs XML (BugCollection)",
	.scan_types = spotbugs_scan_types,
	.probe = spotbugs_probe,
	.extract = spotbugs_extract,
};

DOJOBRIDGE_PLUGIN(spotbugs_plugin)
