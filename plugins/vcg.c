/*
 * vcg.c — "VCG Scan": VisualCodeGrepper's XML export, root
 * <CodeIssueCollection> of <CodeIssue> (Priority, Severity, Title,
 * Description, FileName, Line, CodeLine, ...).
 *
 * The root name is VCG's alone.  VCG's CSV export has no header at all
 * (columns by position), so nothing in its content can be told from any
 * other headerless CSV: it is left to folder configuration.  DefectDojo's
 * parser picks XML or CSV from the uploaded name, hence ".xml".  The
 * report holds no date.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
vcg_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_XML ||
	    strcmp(facts->xml_root, "CodeIssueCollection") != 0)
		return 0;
	out->score = facts->xml_children[0] == NULL ||
	    dojobridge_has(facts->xml_children, "CodeIssue") ? 95 : 60;
	out->scan_type = "VCG Scan";
	out->upload_ext = ".xml";
	return 0;
}

static int
vcg_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "VisualCodeGrepper");
	if (facts->size <= facts->head_len && facts->xml_children[0] == NULL)
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type vcg_scan_types[] = {
	{ "VCG Scan", ".xml", 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin vcg_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "vcg",
	.version = "1.0",
	.description = "VisualCodeGrepper XML (CodeIssueCollection)",
	.scan_types = vcg_scan_types,
	.probe = vcg_probe,
	.extract = vcg_extract,
};

DOJOBRIDGE_PLUGIN(vcg_plugin)
