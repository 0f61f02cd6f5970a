/*
 * appscan.c — the AppScan <xml-report name="AppScan Report"> family, read
 * by three DefectDojo parsers that each only check the root's name:
 * "HCLAppScan XML", "HCL AppScan on Cloud SAST XML" and "IBM AppScan
 * DAST".  Every such file parses under each of them, so each verdict names
 * the others as alternatives; which reading is the mainstream one follows
 * from what the file says of its origin:
 *
 * - An AsocXmlExportVersion attribute marks AppScan on Cloud.  Its items
 *   carry <technology>: SAST items (the tag may sit 40 KB in) are what the
 *   ASoC SAST parser was written for; DAST ones, or none, are HCL's.
 * - Without it, the export is AppScan Standard's, with a
 *   scan-information block naming the product: "IBM Security AppScan
 *   Standard" (up to 9.x, before HCL took AppScan over) is what the IBM
 *   parser was written for, "HCL AppScan Standard" (10.x) HCL's.  When the
 *   product is not named (censored), the file is reported ambiguous.
 *
 * Standard exports date the scan in scan-information/scan-date-and-time-
 * iso and name the site in scan-configuration/starting-url; ASoC exports
 * give the report date and application name in layout.
 */
#include <string.h>

#include "dojobridge-plugin.h"

#define HCL	"HCLAppScan XML"
#define ASOC	"HCL AppScan on Cloud SAST XML"
#define IBM	"IBM AppScan DAST"
#define SMALL	(8 * 1024 * 1024)	/* files small enough to stream in probe */

static const char *const hcl_alts[] = { IBM, ASOC, NULL };
static const char *const asoc_alts[] = { HCL, IBM, NULL };
static const char *const ibm_alts[] = { HCL, ASOC, NULL };

/* Does needle occur in the len bytes at p? */
static int
contains(const unsigned char *p, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (; len >= n; p++, len--)
		if (memcmp(p, needle, n) == 0)
			return 1;
	return 0;
}

/* The text of the first <tag> in the len bytes at p, up to the next '<'. */
static int
raw_text(const unsigned char *p, size_t len, const char *tag, char *out,
    size_t outlen)
{
	size_t i, n = 0, m = strlen(tag);

	if (outlen == 0)
		return -1;
	for (i = 0; i + m <= len; i++)
		if (memcmp(p + i, tag, m) == 0)
			break;
	if (i + m > len)
		return -1;
	for (i += m; i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
	    p[i] == '\n'); i++)
		;
	for (; i < len && p[i] != '<' && n + 1 < outlen; i++)
		out[n++] = (char)p[i];
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t' ||
	    out[n - 1] == '\r' || out[n - 1] == '\n'))
		n--;
	out[n] = '\0';
	return i < len && p[i] == '<' ? 0 : -1;
}

static int
appscan_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *name;
	char buf[128] = "";
	int sast;

	if (facts->kind != DOJOBRIDGE_KIND_XML ||
	    strcmp(facts->xml_root, "xml-report") != 0)
		return 0;
	name = dojobridge_pair(facts->xml_root_attrs, "name");
	if (name != NULL && strcmp(name, "AppScan Report") == 0)
		out->score = 100;
	else if (dojobridge_has(facts->xml_children, "issue-group") ||
	    dojobridge_has(facts->xml_children, "issue-type-group"))
		out->score = 80;
	else
		return 0;

	if (dojobridge_pair(facts->xml_root_attrs, "AsocXmlExportVersion") != NULL) {
		sast = contains(facts->head, facts->head_len,
		    "<technology>SAST") || (!contains(facts->head,
		    facts->head_len, "<technology>DAST") &&
		    facts->size <= SMALL && host->xml_find(call,
		    "xml-report/issue-group/item/technology", buf,
		    sizeof(buf)) == 0 && strcmp(buf, "SAST") == 0);
		if (sast) {
			out->scan_type = ASOC;
			out->alternatives = asoc_alts;
		} else {
			out->scan_type = HCL;
			out->alternatives = hcl_alts;
		}
		out->mainstream = 1;
		return 0;
	}

	if (raw_text(facts->head, facts->head_len, "<product-name>", buf,
	    sizeof(buf)) == 0 && strncmp(buf, "IBM", 3) == 0) {
		out->scan_type = IBM;
		out->alternatives = ibm_alts;
		out->mainstream = 1;
	} else {
		out->scan_type = HCL;
		out->alternatives = hcl_alts;
		out->mainstream = strncmp(buf, "HCL", 3) == 0;
	}
	return 0;
}

static int
appscan_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[1024], date[11];

	(void)facts;
	(void)scan_type;
	if ((host->xml_find(call,
	    "xml-report/scan-information/scan-date-and-time-iso", buf,
	    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0) ||
	    (host->xml_find(call, "xml-report/layout/report-date", buf,
	    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0))
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if ((host->xml_find(call, "xml-report/scan-configuration/starting-url",
	    buf, sizeof(buf)) == 0 && buf[0] != '\0') ||
	    (host->xml_find(call, "xml-report/layout/application-name", buf,
	    sizeof(buf)) == 0 && buf[0] != '\0'))
		host->set(call, DOJOBRIDGE_TARGET, buf);
	if (host->xml_find(call, "xml-report/scan-information/product-name",
	    buf, sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL, buf);
	else if (dojobridge_pair(facts->xml_root_attrs,
	    "AsocXmlExportVersion") != NULL)
		host->set(call, DOJOBRIDGE_TOOL, "HCL AppScan on Cloud");
	if (host->xml_find(call, "xml-report/scan-information/product-version",
	    buf, sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	return 0;
}

static const struct dojobridge_scan_type appscan_scan_types[] = {
	{ HCL, NULL, 0 },
	{ ASOC, NULL, 0 },
	{ IBM, NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin appscan_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "appscan",
	.version = "1.0",
	.description = "AppScan <xml-report> (HCL Standard, HCL on Cloud SAST, IBM DAST)",
	.scan_types = appscan_scan_types,
	.probe = appscan_probe,
	.extract = appscan_extract,
};

DOJOBRIDGE_PLUGIN(appscan_plugin)
