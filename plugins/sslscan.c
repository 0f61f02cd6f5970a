/*
 * sslscan.c — "Sslscan": sslscan's --xml output, root <document
 * title="SSLScan Results" version=... web=...> with one <ssltest host port>
 * per target.
 *
 * SSLyze v2's XML has the same root name, <document>, and DefectDojo's
 * parsers only test that name; the title attribute ("SSLScan Results") or
 * an <ssltest> child says sslscan, while SSLyze writes SSLyzeVersion and
 * <results>.  sslscan records no date; the target is the first ssltest's
 * host.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
sslscan_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *title;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_XML ||
	    strcmp(facts->xml_root, "document") != 0 ||
	    dojobridge_pair(facts->xml_root_attrs, "SSLyzeVersion") != NULL)
		return 0;
	title = dojobridge_pair(facts->xml_root_attrs, "title");
	if (title != NULL && strcmp(title, "SSLScan Results") == 0)
		out->score = 100;
	else if (dojobridge_has(facts->xml_children, "ssltest"))
		out->score = 85;
	else
		return 0;
	out->scan_type = "Sslscan";
	return 0;
}

static int
sslscan_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;
	char buf[512];

	(void)scan_type;
	if (host->xml_find(call, "document/ssltest/@host", buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "sslscan");
	if ((v = dojobridge_pair(facts->xml_root_attrs, "version")) != NULL &&
	    v[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, v);
	return 0;
}

static const struct dojobridge_scan_type sslscan_scan_types[] = {
	{ "Sslscan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin sslscan_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "sslscan",
	.version = "1.0",
	.description = "sslscan XML (<document title=\"SSLScan Results\">)",
	.scan_types = sslscan_scan_types,
	.probe = sslscan_probe,
	.extract = sslscan_extract,
};

DOJOBRIDGE_PLUGIN(sslscan_plugin)
