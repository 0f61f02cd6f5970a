/*
 * dsop.c — "DSOP Scan": the XLSX workbook of the DoD Iron Bank / DSOP
 * container pipeline.
 *
 * The parser opens five sheets by name and fails without any of them, so
 * the probe reads xl/workbook.xml and wants all five names: "OpenSCAP -
 * DISA Compliance", "OpenSCAP - OVAL Results", "Twistlock Vulnerability
 * Results", "Anchore CVE Results", "Anchore Compliance Results".  Member
 * names alone cannot tell this workbook from any other XLSX.  Dates are
 * per row (scanned_date); the workbook has none of its own.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static int
dsop_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	static const char *const sheets[] = {
		"\"OpenSCAP - DISA Compliance\"", "\"OpenSCAP - OVAL Results\"",
		"\"Twistlock Vulnerability Results\"", "\"Anchore CVE Results\"",
		"\"Anchore Compliance Results\"", NULL
	};
	unsigned char buf[16 * 1024];
	size_t i;
	long n;

	if (facts->kind != DOJOBRIDGE_KIND_ZIP ||
	    !dojobridge_has(facts->zip_members, "xl/workbook.xml"))
		return 0;
	if ((n = host->zip_read(call, "xl/workbook.xml", buf, sizeof(buf))) <= 0)
		return 0;
	for (i = 0; sheets[i] != NULL; i++)
		if (find(buf, (size_t)n, sheets[i]) == NULL)
			return 0;
	out->score = 100;
	out->scan_type = "DSOP Scan";
	out->upload_ext = ".xlsx";
	return 0;
}

static int
dsop_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)facts;
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "DSOP");
	return 0;
}

static const struct dojobridge_scan_type dsop_scan_types[] = {
	{ "DSOP Scan", ".xlsx", 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin dsop_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "dsop",
	.version = "1.0",
	.description = "DSOP (Iron Bank) XLSX workbooks",
	.scan_types = dsop_scan_types,
	.probe = dsop_probe,
	.extract = dsop_extract,
};

DOJOBRIDGE_PLUGIN(dsop_plugin)
