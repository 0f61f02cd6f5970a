/*
 * openvas.c — Greenbone/OpenVAS reports: "OpenVAS Parser" and "OpenVAS
 * Parser v2".  The XML is GMP's report export, root <report id=...
 * format_id=... extension="xml" content_type="text/xml"> around an inner
 * <report>; the CSV starts "IP,Hostname,Port,Port Protocol,CVSS,
 * Severity,[QoD,]Solution Type,NVT Name,...".
 *
 * Wapiti's root is <report> too (type="security", report_infos first), so
 * the XML needs GMP's attributes or its owner/task/report_format
 * children.  Both DefectDojo parsers read the same files byte for byte;
 * nothing in them tells v1 from v2.  v2 is named mainstream: it is
 * DefectDojo's current parser (hash-code dedupe on title, severity, tool
 * id and endpoints) and the one its notes advise settling on; a user with
 * v1 tests keeps them with prefer = OpenVAS Parser.  Both pick XML or CSV
 * from the name, case-sensitively, so the upload extension follows the
 * content.
 */
#include <string.h>

#include "dojobridge-plugin.h"

#define GMP_XML_FORMAT	"a994b278-1f62-11e1-96ac-406186ea4fc5"

static const char *const v2_alts[] = { "OpenVAS Parser", NULL };

static int
gmp_xml(const struct dojobridge_facts *facts)
{
	const char *const *c = facts->xml_children;
	const char *fmt;

	if (strcmp(facts->xml_root, "report") != 0 || facts->xml_ns[0] != '\0')
		return 0;
	fmt = dojobridge_pair(facts->xml_root_attrs, "format_id");
	if (fmt != NULL && strcmp(fmt, GMP_XML_FORMAT) == 0)
		return 100;
	if (dojobridge_has(c, "report") && (dojobridge_has(c, "task") ||
	    dojobridge_has(c, "report_format")) && dojobridge_has(c, "owner"))
		return 90;
	return 0;
}

static int
openvas_csv(const char *const *h)
{
	return dojobridge_has(h, "IP") && dojobridge_has(h, "Hostname") &&
	    dojobridge_has(h, "Port") && dojobridge_has(h, "Port Protocol") &&
	    dojobridge_has(h, "CVSS") && dojobridge_has(h, "Severity") &&
	    dojobridge_has(h, "NVT Name") && dojobridge_has(h, "NVT OID");
}

static int
openvas_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if (facts->kind == DOJOBRIDGE_KIND_XML && (out->score = gmp_xml(facts)) > 0)
		out->upload_ext = ".xml";
	else if (facts->kind == DOJOBRIDGE_KIND_CSV && openvas_csv(facts->csv_header)) {
		out->score = 95;
		out->upload_ext = ".csv";
	} else {
		out->score = 0;
		return 0;
	}
	out->scan_type = "OpenVAS Parser v2";
	out->alternatives = v2_alts;
	out->mainstream = 1;
	return 0;
}

static int
openvas_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[512], date[11];

	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "OpenVAS");
	/* CSV rows carry their own Timestamp, which the parsers read. */
	if (facts->kind != DOJOBRIDGE_KIND_XML)
		return 0;
	if ((host->xml_find(call, "report/report/scan_start", buf,
	    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0) ||
	    (host->xml_find(call, "report/creation_time", buf,
	    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0))
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	/* The task is what is scanned again and again. */
	if (host->xml_find(call, "report/task/name", buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	return 0;
}

static const struct dojobridge_scan_type openvas_scan_types[] = {
	{ "OpenVAS Parser v2", NULL, 1 },
	{ "OpenVAS Parser", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin openvas_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "openvas",
	.version = "1.0",
	.description = "Greenbone/OpenVAS GMP XML and CSV reports",
	.scan_types = openvas_scan_types,
	.probe = openvas_probe,
	.extract = openvas_extract,
};

DOJOBRIDGE_PLUGIN(openvas_plugin)
