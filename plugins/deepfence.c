/*
 * deepfence.c — "Deepfence Threatmapper Report": ThreatMapper's XLSX
 * exports (malware, secret, vulnerability and compliance reports, in the
 * old snake_case and the newer title-case column names).
 *
 * Nothing outside the workbook says it is ThreatMapper's: the parser
 * decides the sub-report by the header row, so the probe reads the
 * workbook's shared strings (and the start of sheet1, for inline strings)
 * and looks for the same column pairs the parser does.  The CSV files
 * beside the XLSX samples in DefectDojo's tests are NOT read by the
 * 2.57.2 parser (openpyxl only) and are not claimed: uploading one would
 * fail.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

#define WINDOW	(32 * 1024)

/* A cell whose whole text is name: ">name<" in sharedStrings or sheet XML. */
static int
cell(const unsigned char *p, size_t len, const char *name)
{
	char needle[64];
	size_t n = strlen(name);

	if (n + 3 > sizeof(needle))
		return 0;
	needle[0] = '>';
	memcpy(needle + 1, name, n);
	needle[n + 1] = '<';
	needle[n + 2] = '\0';
	return find(p, len, needle) != NULL;
}

static const char *
report_kind(const unsigned char *p, size_t len)
{
	if (cell(p, len, "Rule Name") && (cell(p, len, "Class") ||
	    cell(p, len, "Node Type")))
		return "malware";
	if (cell(p, len, "Filename") && cell(p, len, "Content"))
		return "secret";
	if ((cell(p, len, "cve_id") && cell(p, len, "cve_attack_vector")) ||
	    (cell(p, len, "CVE ID") && cell(p, len, "Attack Vector")))
		return "vulnerability";
	if ((cell(p, len, "compliance_check_type") &&
	    cell(p, len, "test_number")) ||
	    (cell(p, len, "Compliance Standard") && cell(p, len, "Control ID")))
		return "compliance";
	return NULL;
}

/* The first window of the shared strings, else of sheet1: where the
 * header row's texts are. */
static const char *
workbook_kind(const struct dojobridge_host *host, struct dojobridge_call *call,
    unsigned char *buf)
{
	const char *kind = NULL;
	long n;

	if ((n = host->zip_read(call, "xl/sharedStrings.xml", buf, WINDOW)) > 0)
		kind = report_kind(buf, (size_t)n);
	if (kind == NULL && (n = host->zip_read(call, "xl/worksheets/sheet1.xml",
	    buf, WINDOW)) > 0)
		kind = report_kind(buf, (size_t)n);
	return kind;
}

static int
deepfence_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	unsigned char buf[WINDOW];

	if (facts->kind != DOJOBRIDGE_KIND_ZIP ||
	    !dojobridge_has(facts->zip_members, "xl/workbook.xml") ||
	    !dojobridge_has(facts->zip_members, "xl/worksheets/sheet1.xml"))
		return 0;
	if (workbook_kind(host, call, buf) == NULL)
		return 0;
	out->score = 90;
	out->scan_type = "Deepfence Threatmapper Report";
	out->upload_ext = ".xlsx";
	return 0;
}

static int
deepfence_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)facts;
	(void)scan_type;
	/* Dates are per row (@timestamp) in some sub-reports only. */
	host->set(call, DOJOBRIDGE_TOOL, "Deepfence ThreatMapper");
	return 0;
}

static const struct dojobridge_scan_type deepfence_scan_types[] = {
	{ "Deepfence Threatmapper Report", ".xlsx", 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin deepfence_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "deepfence",
	.version = "1.0",
	.description = "Deepfence ThreatMapper XLSX reports",
	.scan_types = deepfence_scan_types,
	.probe = deepfence_probe,
	.extract = deepfence_extract,
};

DOJOBRIDGE_PLUGIN(deepfence_plugin)
