/*
 * cyclonedx.c — "CycloneDX Scan": CycloneDX BOMs, JSON ({bomFormat:
 * "CycloneDX", specVersion, ...}) or XML (root <bom> in a namespace
 * http://cyclonedx.org/schema/bom/1.x).
 *
 * DefectDojo hands a file named *.json to its JSON reader and anything
 * else to its XML reader, so a JSON BOM named .cdx or .bom fails: the
 * upload extension follows the content.  Trivy, Grype and Syft all write
 * CycloneDX; the producing tool, from metadata.tools, is only the TOOL.
 * A BOM without vulnerabilities is a plain SBOM and yields no findings.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static int
cyclonedx_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	static const char ns[] = "http://cyclonedx.org/schema/bom/";
	const char *format;

	(void)host;
	(void)call;
	if (facts->kind == DOJOBRIDGE_KIND_JSON && facts->json_top == '{') {
		format = dojobridge_pair(facts->json_scalars, "bomFormat");
		if (format == NULL || strcmp(format, "CycloneDX") != 0)
			return 0;
		out->upload_ext = ".json";
	} else if (facts->kind == DOJOBRIDGE_KIND_XML &&
	    strcmp(facts->xml_root, "bom") == 0 &&
	    strncmp(facts->xml_ns, ns, sizeof(ns) - 1) == 0)
		out->upload_ext = ".xml";
	else
		return 0;
	out->score = 100;
	out->scan_type = "CycloneDX Scan";
	return 0;
}

static void
set_found(const struct dojobridge_host *host, struct dojobridge_call *call,
    int json, enum dojobridge_key key, const char *const *paths)
{
	char buf[1024];
	int r;

	for (; *paths != NULL; paths++) {
		r = json ? host->json_find(call, *paths, 0, buf, sizeof(buf)) :
		    host->xml_find(call, *paths, buf, sizeof(buf));
		if (r == 0 && buf[0] != '\0') {
			host->set(call, key, buf);
			return;
		}
	}
}

static int
cyclonedx_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	/* Tools: a list up to 1.4, {components, services} from 1.5. */
	static const char *const json_tool[] = {
		"metadata.tools[0].name", "metadata.tools.components[0].name", NULL
	};
	static const char *const json_version[] = {
		"metadata.tools[0].version",
		"metadata.tools.components[0].version", NULL
	};
	static const char *const json_target[] = {
		"metadata.component.name", NULL
	};
	static const char *const xml_tool[] = {
		"bom/metadata/tools/tool/name",
		"bom/metadata/tools/components/component/name", NULL
	};
	static const char *const xml_version[] = {
		"bom/metadata/tools/tool/version",
		"bom/metadata/tools/components/component/version", NULL
	};
	static const char *const xml_target[] = {
		"bom/metadata/component/name", NULL
	};
	int json = facts->kind == DOJOBRIDGE_KIND_JSON;
	char buf[128], date[11];

	(void)scan_type;
	if ((json ? host->json_find(call, "metadata.timestamp", 0, buf,
	    sizeof(buf)) : host->xml_find(call, "bom/metadata/timestamp", buf,
	    sizeof(buf))) == 0 && host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	set_found(host, call, json, DOJOBRIDGE_TOOL, json ? json_tool : xml_tool);
	set_found(host, call, json, DOJOBRIDGE_TOOL_VERSION,
	    json ? json_version : xml_version);
	set_found(host, call, json, DOJOBRIDGE_TARGET,
	    json ? json_target : xml_target);

	/* Findings come only from vulnerabilities, top-level (1.4+) or the
	 * v: extension inside components (1.0-1.3). */
	if (whole(facts) && find(facts->head, facts->head_len,
	    "ulnerabilit") == NULL)
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type cyclonedx_scan_types[] = {
	{ "CycloneDX Scan", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin cyclonedx_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "cyclonedx",
	.version = "1.0",
	.description = "CycloneDX BOMs with vulnerabilities (JSON and XML)",
	.scan_types = cyclonedx_scan_types,
	.probe = cyclonedx_probe,
	.extract = cyclonedx_extract,
};

DOJOBRIDGE_PLUGIN(cyclonedx_plugin)
