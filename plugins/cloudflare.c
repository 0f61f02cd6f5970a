/*
 * cloudflare.c — "Cloudflare Insights": Security Center insights, as the
 * dashboard's CSV export or the API's JSON array.
 *
 * Signals: the CSV header (severity, issue_class, subject, issue_type,
 * scan_performed_on, ...) or, for JSON, the first element's keys
 * (issue_class, issue_type, subject, severity plus payload/resolve_link/
 * dismissed).  The parser picks JSON or CSV from the first byte, not the
 * name.  Each insight carries the time of the scan that raised it; the
 * first one's is the scan date.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static const char *const required[] = {
	"severity", "issue_class", "subject", "issue_type",
	"scan_performed_on", NULL
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
cloudflare_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_elem_keys;

	(void)host;
	(void)call;
	if (facts->kind == DOJOBRIDGE_KIND_CSV &&
	    has_columns(facts->csv_header, required)) {
		out->score = 95;
		out->upload_ext = ".csv";
	} else if (facts->kind == DOJOBRIDGE_KIND_JSON && facts->json_top == '[' &&
	    dojobridge_has(k, "issue_class") && dojobridge_has(k, "issue_type") &&
	    dojobridge_has(k, "subject") && dojobridge_has(k, "severity") &&
	    (dojobridge_has(k, "resolve_link") || dojobridge_has(k, "payload") ||
	    dojobridge_has(k, "dismissed"))) {
		out->score = 90;
		out->upload_ext = ".json";
	} else
		return 0;
	out->scan_type = "Cloudflare Insights";
	return 0;
}

static int
cloudflare_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[128], date[11];
	long col;
	int found;

	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Cloudflare Security Center");
	if (facts->kind == DOJOBRIDGE_KIND_CSV) {
		found = (col = column(facts->csv_header, "scan_performed_on")) >= 0 &&
		    csv_row_field(facts->head, facts->head_len,
		    facts->size == facts->head_len, facts->csv_delim, col, buf,
		    sizeof(buf)) == 0;
		if (csv_no_rows(facts))
			host->set(call, DOJOBRIDGE_FINDINGS, "0");
	} else
		found = host->json_find(call, "[0].timestamp", 0, buf,
		    sizeof(buf)) == 0;
	if (found && host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	return 0;
}

static const struct dojobridge_scan_type cloudflare_scan_types[] = {
	{ "Cloudflare Insights", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin cloudflare_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "cloudflare",
	.version = "1.0",
	.description = "Cloudflare Security Center insights, CSV or JSON",
	.scan_types = cloudflare_scan_types,
	.probe = cloudflare_probe,
	.extract = cloudflare_extract,
};

DOJOBRIDGE_PLUGIN(cloudflare_plugin)
