/*
 * contrast.c — "Contrast Scan": Contrast Assess's vulnerabilities CSV
 * export.
 *
 * Signal: the header (Vulnerability Name, Vulnerability ID, Category,
 * Rule Name, Severity, Status, Number of Events, First Seen, Application
 * Name...); Sysdig's exports also start "Vulnerability ..." but have no
 * Rule Name or Number of Events.  First Seen is per finding (epoch ms),
 * so no scan date is reported; the application's name is the target.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static const char *const required[] = {
	"Vulnerability Name", "Vulnerability ID", "Category", "Rule Name",
	"Severity", "Number of Events", "First Seen", "Application Name", NULL
};

/* The index of a column, compared ignoring case; -1 when absent. */
static long
column(const char *const *header, const char *name)
{
	const char *a, *b;
	long i;

	for (i = 0; header[i] != NULL; i++) {
		for (a = header[i], b = name; *a && lower(*a) == lower(*b); a++, b++)
			;
		if (*a == '\0' && *b == '\0')
			return i;
	}
	return -1;
}

static int
has_columns(const char *const *header, const char *const *names)
{
	for (; *names != NULL; names++)
		if (column(header, *names) < 0)
			return 0;
	return 1;
}

/* 1 when the whole file is in the head and nothing but blank space follows
 * the header line: an export with no rows. */
static int
csv_no_rows(const struct dojobridge_facts *f)
{
	size_t i = 0;

	if (f->size != f->head_len)
		return 0;
	while (i < f->head_len && f->head[i] != '\n')
		i++;
	for (; i < f->head_len; i++)
		if (f->head[i] != '\n' && f->head[i] != '\r' &&
		    f->head[i] != ' ' && f->head[i] != '\t')
			return 0;
	return 1;
}

static int
contrast_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_CSV ||
	    !has_columns(facts->csv_header, required))
		return 0;
	out->score = 95;
	out->scan_type = "Contrast Scan";
	return 0;
}

static int
contrast_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[256];
	long col;

	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Contrast");
	if ((col = column(facts->csv_header, "Application Name")) >= 0 &&
	    csv_row_field(facts->head, facts->head_len,
	    facts->size == facts->head_len, facts->csv_delim, col, buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	if (csv_no_rows(facts))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type contrast_scan_types[] = {
	{ "Contrast Scan", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin contrast_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "contrast",
	.version = "1.0",
	.description = "Contrast Assess vulnerabilities CSV export",
	.scan_types = contrast_scan_types,
	.probe = contrast_probe,
	.extract = contrast_extract,
};

DOJOBRIDGE_PLUGIN(contrast_plugin)
