/*
 * cobalt.c — "Cobalt.io Scan": Cobalt's findings CSV export.
 *
 * Signal: the header (Token, Tag, Title, Type, CreatedAt, BrowserUrl,
 * StepsToReproduce, SuggestedFix...), which no other export shares; the
 * API importer "Cobalt.io API Import" takes no file and is never meant.
 * CreatedAt is per finding, so no scan date is reported.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static const char *const required[] = {
	"Token", "Tag", "Title", "Type", "CreatedAt", "BrowserUrl",
	"StepsToReproduce", "SuggestedFix", NULL
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
cobalt_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_CSV ||
	    !has_columns(facts->csv_header, required))
		return 0;
	out->score = 95;
	out->scan_type = "Cobalt.io Scan";
	return 0;
}

static int
cobalt_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Cobalt.io");
	if (csv_no_rows(facts))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type cobalt_scan_types[] = {
	{ "Cobalt.io Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin cobalt_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "cobalt",
	.version = "1.0",
	.description = "Cobalt.io findings CSV export",
	.scan_types = cobalt_scan_types,
	.probe = cobalt_probe,
	.extract = cobalt_extract,
};

DOJOBRIDGE_PLUGIN(cobalt_plugin)
