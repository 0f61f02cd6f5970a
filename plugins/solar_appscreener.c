/*
 * solar_appscreener.c — "Solar Appscreener Scan": Solar appScreener's
 * Detailed_Results.csv, header Vulnerability,Language,Description,
 * Recommendations,Links,File,Line,Severity Level,Status,Trace,...
 *
 * Columns are matched as a set, case-insensitively (exports differ in
 * case, not spelling): Vulnerability, Language, Recommendations, File,
 * Line, Severity Level and Trace together are appScreener's alone.  The
 * export carries no date and no project name; a file that is only the
 * header line is an empty report.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

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
solar_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *h = facts->csv_header;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_CSV)
		return 0;
	if (has_column(h, "Vulnerability") && has_column(h, "Language") &&
	    has_column(h, "Recommendations") && has_column(h, "File") &&
	    has_column(h, "Line") && has_column(h, "Severity Level") &&
	    has_column(h, "Trace")) {
		out->score = 90;
		out->scan_type = "Solar Appscreener Scan";
		out->upload_ext = ".csv";
	}
	return 0;
}

static int
solar_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Solar appScreener");
	if (header_only(facts))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type solar_scan_types[] = {
	{ "Solar Appscreener Scan", ".csv", 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin solar_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "solar_appscreener",
	.version = "1.0",
	.description = "Solar appScreener Detailed_Results.csv",
	.scan_types = solar_scan_types,
	.probe = solar_probe,
	.extract = solar_extract,
};

DOJOBRIDGE_PLUGIN(solar_plugin)
