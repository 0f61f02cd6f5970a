/*
 * openscap.c — "Openscap Vulnerability Scan": XCCDF results as `oscap
 * xccdf eval --results` writes them, root <Benchmark> in an XCCDF
 * namespace (http://checklists.nist.gov/xccdf/1.1 or /1.2, with or
 * without a cdf: prefix) holding a <TestResult> of rule-results.
 *
 * A Benchmark without a TestResult is SCAP content, not a report, so the
 * probe wants TestResult among the root's first children or rule-result
 * in the head or tail (a long benchmark pushes TestResult far from the
 * root's start; its rule-results fill the end of the file).
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static int
openscap_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_XML ||
	    strcmp(facts->xml_root, "Benchmark") != 0 ||
	    strncmp(facts->xml_ns, "http://checklists.nist.gov/xccdf/", 33) != 0)
		return 0;
	if (!dojobridge_has(facts->xml_children, "TestResult") &&
	    find(facts->tail, facts->tail_len, "rule-result") == NULL &&
	    find(facts->head, facts->head_len, "rule-result") == NULL)
		return 0;
	out->score = 100;
	out->scan_type = "Openscap Vulnerability Scan";
	return 0;
}

static int
openscap_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;
	char buf[512], date[11];

	(void)facts;
	(void)scan_type;
	if (((host->xml_find(call, "Benchmark/TestResult/@start-time", buf,
	    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0) ||
	    (host->xml_find(call, "Benchmark/TestResult/@end-time", buf,
	    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0)))
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (host->xml_find(call, "Benchmark/TestResult/target", buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "OpenSCAP");
	/* test-system is a CPE: cpe:/a:redhat:openscap:1.2.17. */
	if (host->xml_find(call, "Benchmark/TestResult/@test-system", buf,
	    sizeof(buf)) == 0 && strstr(buf, ":openscap:") != NULL &&
	    (v = strrchr(buf, ':')) != NULL && v[1] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, v + 1);
	return 0;
}

static const struct dojobridge_scan_type openscap_scan_types[] = {
	{ "Openscap Vulnerability Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin openscap_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "openscap",
	.version = "1.0",
	.description = "OpenSCAP XCCDF results (Benchmark with TestResult)",
	.scan_types = openscap_scan_types,
	.probe = openscap_probe,
	.extract = openscap_extract,
};

DOJOBRIDGE_PLUGIN(openscap_plugin)
