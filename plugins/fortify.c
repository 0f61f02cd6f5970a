/*
 * fortify.c — "Fortify Scan": the FPR archive (a zip holding audit.fvdl,
 * root <FVDL xmlns="xmlns://www.fortifysoftware.com/schema/fvdl">) and the
 * XML report Fortify's report generator writes (root <ReportDefinition>
 * with TemplateName and ReportSection children).
 *
 * DefectDojo picks the reader by the uploaded name: .fpr or .xml, anything
 * else is refused.  A bare audit.fvdl is therefore not claimed: no
 * extension makes DefectDojo 2.57.2 read it (the .xml reader expects a
 * ReportDefinition).  The FPR's date is FVDL's CreatedTS; the XML report
 * only says it in prose ("On May 7, 2019, a source code review was
 * performed over the X code base."), which also names the project.
 */
#include <stdio.h>
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static int
fortify_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if (facts->kind == DOJOBRIDGE_KIND_ZIP &&
	    dojobridge_has(facts->zip_members, "audit.fvdl")) {
		out->score = 100;
		out->upload_ext = ".fpr";
	} else if (facts->kind == DOJOBRIDGE_KIND_XML &&
	    strcmp(facts->xml_root, "ReportDefinition") == 0 &&
	    dojobridge_has(facts->xml_children, "TemplateName") &&
	    dojobridge_has(facts->xml_children, "ReportSection")) {
		out->score = 95;
		out->upload_ext = ".xml";
	} else
		return 0;
	out->scan_type = "Fortify Scan";
	return 0;
}

/* Copy the text between `before` and `after` in p[0..len) into out. */
static int
between(const unsigned char *p, size_t len, const char *before,
    const char *after, char *out, size_t outlen)
{
	const unsigned char *a, *b;
	size_t n;

	if ((a = find(p, len, before)) == NULL)
		return -1;
	a += strlen(before);
	n = len - (size_t)(a - p);
	if (n > 512)
		n = 512;	/* the same sentence, not a later one */
	if ((b = find(a, n, after)) == NULL || (size_t)(b - a) >= outlen ||
	    b == a)
		return -1;
	memcpy(out, a, (size_t)(b - a));
	out[b - a] = '\0';
	return 0;
}

/* "2022-5-9" as the report writes it in some locales, padded. */
static int
loose_iso(const char *s, char out[11])
{
	unsigned y, m, d;
	char end;

	/* NOLINTNEXTLINE(cert-err34-c): widths bound each number, the range checks the rest */
	if (sscanf(s, "%4u-%2u-%2u%c", &y, &m, &d, &end) != 3 ||
	    y < 1990 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	snprintf(out, 11, "%04u-%02u-%02u", y, m, d);
	return 0;
}

static int
fortify_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	unsigned char fvdl[4096];
	char buf[256], date[11];
	long n;

	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Fortify SCA");
	if (facts->kind == DOJOBRIDGE_KIND_ZIP) {
		n = host->zip_read(call, "audit.fvdl", fvdl, sizeof(fvdl));
		if (n <= 0)
			return 0;
		if (between(fvdl, (size_t)n, "<CreatedTS date=\"", "\"", buf,
		    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0)
			host->set(call, DOJOBRIDGE_SCAN_DATE, date);
		if ((between(fvdl, (size_t)n, "<Project>", "<", buf,
		    sizeof(buf)) == 0 || between(fvdl, (size_t)n, "<BuildID>",
		    "<", buf, sizeof(buf)) == 0) && buf[0] != '\0')
			host->set(call, DOJOBRIDGE_TARGET, buf);
		if (between(fvdl, (size_t)n, "<EngineVersion>", "<", buf,
		    sizeof(buf)) == 0 && buf[0] != '\0')
			host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
		return 0;
	}

	/* Unfilled templates say "$SCAN_DATE$" and "$PROJECT_NAME$". */
	if (between(facts->head, facts->head_len, "<Text>On ",
	    ", a source code review", buf, sizeof(buf)) == 0 &&
	    buf[0] != '$' && (host->date(buf, 0, date) == 0 ||
	    loose_iso(buf, date) == 0))
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (between(facts->head, facts->head_len,
	    "a source code review was performed over the ", " code base", buf,
	    sizeof(buf)) == 0 && buf[0] != '$')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	return 0;
}

static const struct dojobridge_scan_type fortify_scan_types[] = {
	{ "Fortify Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin fortify_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "fortify",
	.version = "1.0",
	.description = "Fortify FPR archives and Fortify XML reports",
	.scan_types = fortify_scan_types,
	.probe = fortify_probe,
	.extract = fortify_extract,
};

DOJOBRIDGE_PLUGIN(fortify_plugin)
