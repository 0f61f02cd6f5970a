/*
 * qualys.c — Qualys VM, WAS and PCI exports:
 *   "Qualys Scan": the asset data report XML (root <ASSET_DATA_REPORT>) and
 *     the VM report CSV ("IP","Network","DNS","NetBIOS",...,"QID","Title");
 *   "Qualys Hacker Guardian Scan" and "Qualys Scan": the PCI / Hacker
 *     Guardian CSV (IP,HOSTNAME,LAST SCAN,QID,VULN TITLE,...);
 *   "Qualys Infrastructure Scan (WebGUI XML)": the scan results XML
 *     (root <SCAN value="scan/..."> with HEADER/KEY and IP children);
 *   "Qualys Webapp Scan": the WAS report XML (root <WAS_SCAN_REPORT> or
 *     <WAS_WEBAPP_REPORT>).
 *
 * The XML roots are Qualys' own; <SCAN> alone is a common word, so the
 * WebGUI type also wants its value attribute or the HEADER+IP children.
 * The PCI CSV is read byte for byte by both the Qualys Scan parser's CSV
 * branch (rows with VULN TITLE) and the Hacker Guardian parser: the file
 * is reported with both, and neither is the mainstream one (Hacker
 * Guardian reads LAST SCAN as the finding date, Qualys Scan does not), so
 * the user's preference decides.  The Qualys Scan parser picks CSV or XML
 * from the uploaded name, so the extension follows the content.  CSV rows
 * carry their own dates; no single scan date is set for them.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

#define QUALYS		"Qualys Scan"
#define HACKER_GUARDIAN	"Qualys Hacker Guardian Scan"
#define INFRASCAN	"Qualys Infrastructure Scan (WebGUI XML)"
#define WEBAPP		"Qualys Webapp Scan"

enum form { NONE, ASSET_XML, VM_CSV, PCI_CSV, WEBGUI_XML, WAS_XML };

static const char *const pci_alternatives[] = { QUALYS, NULL };

static int
has_column(const char *const *header, const char *name)
{
	const char *a, *b;

	for (; *header != NULL; header++) {
		for (a = *header, b = name; *a && lower(*a) == lower(*b); a++, b++)
			;
		if (*a == '\0' && *b == '\0')
			return 1;
	}
	return 0;
}

static enum form
form_of(const struct dojobridge_facts *facts)
{
	const char *const *h = facts->csv_header;

	if (facts->kind == DOJOBRIDGE_KIND_XML) {
		if (strcmp(facts->xml_root, "ASSET_DATA_REPORT") == 0)
			return ASSET_XML;
		if (strcmp(facts->xml_root, "WAS_SCAN_REPORT") == 0 ||
		    strcmp(facts->xml_root, "WAS_WEBAPP_REPORT") == 0)
			return WAS_XML;
		if (strcmp(facts->xml_root, "SCAN") == 0 &&
		    dojobridge_has(facts->xml_children, "HEADER") &&
		    (dojobridge_pair(facts->xml_root_attrs, "value") != NULL ||
		    dojobridge_has(facts->xml_children, "IP")))
			return WEBGUI_XML;
		return NONE;
	}
	if (facts->kind != DOJOBRIDGE_KIND_CSV || !has_column(h, "IP") ||
	    !has_column(h, "QID"))
		return NONE;
	if (has_column(h, "HOSTNAME") && has_column(h, "LAST SCAN") &&
	    has_column(h, "VULN TITLE"))
		return PCI_CSV;
	if (has_column(h, "Network") && has_column(h, "DNS") &&
	    has_column(h, "NetBIOS") && has_column(h, "Title"))
		return VM_CSV;
	return NONE;
}

/* The whole file is in the head and holds nothing after the header line. */
static int
header_only(const struct dojobridge_facts *facts)
{
	const unsigned char *p = facts->head;
	size_t i, len = facts->head_len;

	if (len != facts->size)
		return 0;
	for (i = 0; i < len && p[i] != '\n'; i++)
		;
	for (; i < len; i++)
		if (p[i] != '\n' && p[i] != '\r' && p[i] != ' ' && p[i] != '\t')
			return 0;
	return 1;
}

static int
qualys_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	switch (form_of(facts)) {
	case ASSET_XML:
		out->score = 100;
		out->scan_type = QUALYS;
		out->upload_ext = ".xml";
		break;
	case VM_CSV:
		out->score = 90;
		out->scan_type = QUALYS;
		out->upload_ext = ".csv";
		break;
	case PCI_CSV:
		out->score = 90;
		out->scan_type = HACKER_GUARDIAN;
		out->alternatives = pci_alternatives;
		out->upload_ext = ".csv";
		break;
	case WEBGUI_XML:
		out->score = 95;
		out->scan_type = INFRASCAN;
		break;
	case WAS_XML:
		out->score = 100;
		out->scan_type = WEBAPP;
		break;
	case NONE:
		break;
	}
	return 0;
}

static int
qualys_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[1024], date[11];

	(void)scan_type;
	switch (form_of(facts)) {
	case ASSET_XML:
		if (host->xml_find(call, "ASSET_DATA_REPORT/HEADER/"
		    "GENERATION_DATETIME", buf, sizeof(buf)) == 0 &&
		    host->date(buf, 0, date) == 0)
			host->set(call, DOJOBRIDGE_SCAN_DATE, date);
		if (host->xml_find(call, "ASSET_DATA_REPORT/HOST_LIST/HOST/IP",
		    buf, sizeof(buf)) == 0 && buf[0] != '\0')
			host->set(call, DOJOBRIDGE_TARGET, buf);
		host->set(call, DOJOBRIDGE_TOOL, "Qualys VM");
		break;
	case WEBGUI_XML:
		if (host->xml_find(call, "SCAN/HEADER/KEY[@value='DATE']", buf,
		    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0)
			host->set(call, DOJOBRIDGE_SCAN_DATE, date);
		if (host->xml_find(call, "SCAN/HEADER/KEY[@value='TARGET']", buf,
		    sizeof(buf)) == 0 && buf[0] != '\0')
			host->set(call, DOJOBRIDGE_TARGET, buf);
		host->set(call, DOJOBRIDGE_TOOL, "Qualys VM");
		break;
	case WAS_XML:
		if (host->xml_find(call, "*/HEADER/GENERATION_DATETIME", buf,
		    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0)
			host->set(call, DOJOBRIDGE_SCAN_DATE, date);
		if ((host->xml_find(call, "*/APPENDIX/WEBAPP/URL", buf,
		    sizeof(buf)) == 0 || host->xml_find(call,
		    "*/APPENDIX/SCAN_LIST/SCAN/WEB_APPLICATION", buf,
		    sizeof(buf)) == 0) && buf[0] != '\0')
			host->set(call, DOJOBRIDGE_TARGET, buf);
		host->set(call, DOJOBRIDGE_TOOL, "Qualys WAS");
		break;
	case VM_CSV:
		host->set(call, DOJOBRIDGE_TOOL, "Qualys VM");
		if (header_only(facts))
			host->set(call, DOJOBRIDGE_FINDINGS, "0");
		break;
	case PCI_CSV:
		host->set(call, DOJOBRIDGE_TOOL, "Qualys PCI");
		if (header_only(facts))
			host->set(call, DOJOBRIDGE_FINDINGS, "0");
		break;
	case NONE:
		break;
	}
	return 0;
}

static const struct dojobridge_scan_type qualys_scan_types[] = {
	{ QUALYS, NULL, 1 },
	{ HACKER_GUARDIAN, NULL, 1 },
	{ INFRASCAN, NULL, 1 },
	{ WEBAPP, NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin qualys_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "qualys",
	.version = "1.0",
	.description = "Qualys VM (XML, CSV), PCI/Hacker Guardian CSV, WebGUI scan XML, WAS XML",
	.scan_types = qualys_scan_types,
	.probe = qualys_probe,
	.extract = qualys_extract,
};

DOJOBRIDGE_PLUGIN(qualys_plugin)
