/*
 * intsights.c — "IntSights Report": IntSights' alert export as JSON
 * ({Alerts: [{_id, Details{Source{URL, Date}, ...}, FoundDate, ...}]}) or
 * CSV (header "Alert ID,Title,Description,Severity,Type,Source Date
 * (UTC),Report Date (UTC),...").
 *
 * DefectDojo's parser picks JSON or CSV from the uploaded name's .json or
 * .csv and refuses any other, so the upload extension follows the
 * content.  "Alerts" alone is too common a key: the first alert must show
 * IntSights' _id and Details.  Dates are per alert, none the report's.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

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
intsights_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *h = facts->csv_header;

	(void)host;
	(void)call;
	if (facts->kind == DOJOBRIDGE_KIND_CSV && has_column(h, "Alert ID") &&
	    has_column(h, "Title") && has_column(h, "Severity") &&
	    has_column(h, "Source Date (UTC)") &&
	    has_column(h, "Report Date (UTC)")) {
		out->score = has_column(h, "Alert Link") ? 95 : 85;
		out->upload_ext = ".csv";
	} else if (facts->kind == DOJOBRIDGE_KIND_JSON &&
	    facts->json_top == '{' && dojobridge_has(facts->json_keys, "Alerts") &&
	    contains(facts->head, facts->head_len, "\"_id\"") &&
	    contains(facts->head, facts->head_len, "\"Details\"")) {
		out->score = contains(facts->head, facts->head_len,
		    "\"FoundDate\"") ? 90 : 75;
		out->upload_ext = ".json";
	} else
		return 0;
	out->scan_type = "IntSights Report";
	return 0;
}

static int
intsights_extract(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    const char *scan_type)
{
	(void)facts;
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "IntSights");
	return 0;
}

static const struct dojobridge_scan_type intsights_scan_types[] = {
	{ "IntSights Report", ".json", 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin intsights_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "intsights",
	.version = "1.0",
	.description = "IntSights alert export (JSON Alerts, CSV)",
	.scan_types = intsights_scan_types,
	.probe = intsights_probe,
	.extract = intsights_extract,
};

DOJOBRIDGE_PLUGIN(intsights_plugin)
