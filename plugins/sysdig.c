/*
 * sysdig.c — Sysdig Secure's vulnerability exports:
 *   "Sysdig CLI Report": sysdig-cli-scanner's --json output, an object
 *     {info{scanTime}, scanner{name, version}, result{metadata, packages,
 *     ...}}, and its CSV (CVE ID,CVE Severity,CVSS Score,...,Package Name,
 *     Package Version,...);
 *   "Sysdig Vulnerability Report": the UI's vulnerability report CSV
 *     (Vulnerability ID,Severity,Package name,...,Image,... or the 2025
 *     Vulnerability Name,Vulnerability Severity,...,Image Name,...) and the
 *     API's JSON {data[{vulnName, vulnSeverity, imagePullString, ...}]}.
 *
 * Both parsers pick CSV or JSON from the uploaded name, so the extension
 * follows the content.  The CLI JSON names its scanner
 * ("sysdig-cli-scanner"); `{data: [...]}` is many APIs' answer, so the
 * report JSON also needs Sysdig's vulnName and vulnSeverity in the head.
 * CSV headers are matched as column sets, case-insensitively.  Both
 * parsers refuse rows whose first column is not a CVE id; the header alone
 * is used here (DefectDojo's own samples include such rows under a good
 * header).  Only the CLI JSON has a scan date (info.scanTime) and one
 * image (result.metadata.pullString).
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

#define CLI	"Sysdig CLI Report"
#define REPORT	"Sysdig Vulnerability Report"

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

static int
contains(const unsigned char *p, size_t len, const char *needle)
{
	size_t i, n = strlen(needle);

	for (i = 0; i + n <= len; i++)
		if (memcmp(p + i, needle, n) == 0)
			return 1;
	return 0;
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
sysdig_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *h = facts->csv_header, *const *k = facts->json_keys;
	const unsigned char *p = facts->head;
	size_t n = facts->head_len;

	(void)host;
	(void)call;
	if (facts->kind == DOJOBRIDGE_KIND_CSV) {
		out->upload_ext = ".csv";
		if (has_column(h, "CVE ID") && has_column(h, "CVE Severity") &&
		    has_column(h, "Package Name") && has_column(h, "Package Version")) {
			out->score = 90;
			out->scan_type = CLI;
		} else if (((has_column(h, "Vulnerability ID") &&
		    has_column(h, "Severity") && has_column(h, "Image")) ||
		    (has_column(h, "Vulnerability Name") &&
		    has_column(h, "Vulnerability Severity") &&
		    has_column(h, "Image Name"))) &&
		    has_column(h, "Package name") && has_column(h, "Package version")) {
			out->score = 90;
			out->scan_type = REPORT;
		}
	} else if (facts->kind == DOJOBRIDGE_KIND_JSON && facts->json_top == '{') {
		out->upload_ext = ".json";
		if (dojobridge_has(k, "info") && dojobridge_has(k, "scanner") &&
		    dojobridge_has(k, "result")) {
			if (contains(p, n, "\"sysdig-cli-scanner\""))
				out->score = 100;
			else if (contains(p, n, "\"vulnTotalBySeverity\""))
				out->score = 80;
			out->scan_type = CLI;
		} else if (dojobridge_has(k, "data") &&
		    contains(p, n, "\"vulnName\"") &&
		    contains(p, n, "\"vulnSeverity\"")) {
			out->score = 90;
			out->scan_type = REPORT;
		}
	}
	if (out->score == 0) {
		out->upload_ext = NULL;
		out->scan_type = NULL;
	}
	return 0;
}

static int
sysdig_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[1024], date[11];

	if (facts->kind == DOJOBRIDGE_KIND_CSV) {
		host->set(call, DOJOBRIDGE_TOOL, "Sysdig");
		if (header_only(facts))
			host->set(call, DOJOBRIDGE_FINDINGS, "0");
		return 0;
	}
	if (strcmp(scan_type, CLI) != 0) {
		host->set(call, DOJOBRIDGE_TOOL, "Sysdig");
		return 0;
	}
	if (host->json_find(call, "info.scanTime", 0, buf, sizeof(buf)) == 0 &&
	    host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (host->json_find(call, "result.metadata.pullString", 0, buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	if (host->json_find(call, "scanner.name", 0, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL, buf);
	else
		host->set(call, DOJOBRIDGE_TOOL, "sysdig-cli-scanner");
	if (host->json_find(call, "scanner.version", 0, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	return 0;
}

static const struct dojobridge_scan_type sysdig_scan_types[] = {
	{ CLI, NULL, 0 },
	{ REPORT, NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin sysdig_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "sysdig",
	.version = "1.0",
	.description = "Sysdig CLI scanner JSON/CSV and Sysdig vulnerability report CSV/JSON",
	.scan_types = sysdig_scan_types,
	.probe = sysdig_probe,
	.extract = sysdig_extract,
};

DOJOBRIDGE_PLUGIN(sysdig_plugin)
