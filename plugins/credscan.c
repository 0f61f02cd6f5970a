/*
 * credscan.c — "CredScan Scan": Microsoft CredScan's CSV output.
 *
 * Signal: the header (TimeofDiscovery, Source, Searcher, Description,
 * Line, IsSuppressed, HashKey, MatchingScore), shared with no other
 * export.  Every row carries the time of the scan that found it; the first
 * row's is the scan date.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static const char *const required[] = {
	"TimeofDiscovery", "Source", "Searcher", "Description", "Line",
	"IsSuppressed", "HashKey", "MatchingScore", NULL
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
credscan_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_CSV ||
	    !has_columns(facts->csv_header, required))
		return 0;
	out->score = 95;
	out->scan_type = "CredScan Scan";
	return 0;
}

static int
credscan_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[128], date[11];
	long col;

	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "CredScan");
	if ((col = column(facts->csv_header, "TimeofDiscovery")) >= 0 &&
	    csv_row_field(facts->head, facts->head_len,
	    facts->size == facts->head_len, facts->csv_delim, col, buf,
	    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (csv_no_rows(facts))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type credscan_scan_types[] = {
	{ "CredScan Scan", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin credscan_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "credscan",
	.version = "1.0",
	.description = "Microsoft CredScan CSV output",
	.scan_types = credscan_scan_types,
	.probe = credscan_probe,
	.extract = credscan_extract,
};

DOJOBRIDGE_PLUGIN(credscan_plugin)
