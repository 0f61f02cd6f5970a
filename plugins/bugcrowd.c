/*
 * bugcrowd.c — "BugCrowd Scan": Bugcrowd's submissions CSV export.
 *
 * Signal: the header, whose names no other export shares
 * (reference_number, bounty_code, vrt_lineage, submitted_at, bug_url).
 * Dates are per submission (submitted_at), not a scan's, so none is
 * reported; the program's bounty code tells one program's exports from
 * another's.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static const char *const required[] = {
	"reference_number", "bounty_code", "vrt_lineage", "submitted_at",
	"bug_url", "title", "priority", NULL
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
bugcrowd_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_CSV ||
	    !has_columns(facts->csv_header, required))
		return 0;
	out->score = 95;
	out->scan_type = "BugCrowd Scan";
	return 0;
}

static int
bugcrowd_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[256];
	long col;

	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Bugcrowd");
	if ((col = column(facts->csv_header, "bounty_code")) >= 0 &&
	    csv_row_field(facts->head, facts->head_len,
	    facts->size == facts->head_len, facts->csv_delim, col, buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	if (csv_no_rows(facts))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type bugcrowd_scan_types[] = {
	{ "BugCrowd Scan", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin bugcrowd_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "bugcrowd",
	.version = "1.0",
	.description = "Bugcrowd submissions CSV export",
	.scan_types = bugcrowd_scan_types,
	.probe = bugcrowd_probe,
	.extract = bugcrowd_extract,
};

DOJOBRIDGE_PLUGIN(bugcrowd_plugin)
