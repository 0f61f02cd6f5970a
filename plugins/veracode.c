/*
 * veracode.c — "Veracode Scan": the detailed report XML (root
 * <detailedreport>, namespace https://www.veracode.com/schema/reports/
 * export/1.0) and the Findings REST API JSON ({_embedded{findings[]},
 * _links, page} or {findings[]}); "Veracode SourceClear Scan": the SCA
 * API JSON ({_embedded{issues[]}}) and its CSV export ("Issue ID","Issue
 * type","Ignored","Status",...).
 *
 * Veracode entity-escapes its namespace ("https&#x3a;&#x2f;&#x2f;...") so
 * the root name with Veracode's attributes counts as much as the
 * namespace.  The HAL envelope is shared by both scan types: the
 * _embedded child's name (findings vs issues) and the item's names
 * (finding_details/finding_status vs issue_type/library) decide.  Both
 * parsers pick their reader from the uploaded name, so the extension
 * follows the content.  The XML's date is the
 * analysis' last_update_time, else the report's generation_date.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

/* Index of column `name` (case-insensitive) in header, or -1. */
static int
column(const char *const *header, const char *name)
{
	const char *a, *b;
	int i;

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

static const char *const sca_columns[] = {
	"Issue ID", "Issue type", "Library", "Version in use",
	"Package manager", NULL
};

static int
veracode_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const unsigned char *h = facts->head;
	const char *const *k = facts->json_keys;
	size_t n = facts->head_len;

	(void)host;
	(void)call;
	if (facts->kind == DOJOBRIDGE_KIND_XML) {
		if (strcmp(facts->xml_root, "detailedreport") != 0)
			return 0;
		if (strstr(facts->xml_ns, "veracode") != NULL)
			out->score = 100;
		else if (dojobridge_pair(facts->xml_root_attrs, "app_id") != NULL &&
		    dojobridge_pair(facts->xml_root_attrs, "analysis_id") != NULL)
			out->score = 90;
		else
			return 0;
		out->scan_type = "Veracode Scan";
		out->upload_ext = ".xml";
		return 0;
	}
	if (facts->kind == DOJOBRIDGE_KIND_CSV) {
		if (!has_columns(facts->csv_header, sca_columns))
			return 0;
		out->score = 90;
		out->scan_type = "Veracode SourceClear Scan";
		out->upload_ext = ".csv";
		return 0;
	}
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{')
		return 0;
	if (dojobridge_has(k, "_embedded") && find(h, n, "\"issues\"") != NULL &&
	    find(h, n, "\"issue_type\"") != NULL &&
	    find(h, n, "\"library\"") != NULL) {
		out->score = 90;
		out->scan_type = "Veracode SourceClear Scan";
	} else if ((dojobridge_has(k, "_embedded") ||
	    dojobridge_has(k, "findings")) &&
	    find(h, n, "\"findings\"") != NULL &&
	    find(h, n, "\"finding_details\"") != NULL &&
	    find(h, n, "\"finding_status\"") != NULL &&
	    find(h, n, "\"context_type\"") != NULL) {
		out->score = 90;
		out->scan_type = "Veracode Scan";
	} else
		return 0;
	out->upload_ext = ".json";
	return 0;
}

static int
veracode_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;
	char date[11];

	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Veracode");
	if (facts->kind != DOJOBRIDGE_KIND_XML)
		return 0;	/* JSON and CSV date each finding, not the scan */
	/* The host hands attributes decoded ("2020-06-01 10:02:01 UTC"). */
	if (((v = dojobridge_pair(facts->xml_root_attrs, "last_update_time")) != NULL &&
	    host->date(v, 0, date) == 0) ||
	    ((v = dojobridge_pair(facts->xml_root_attrs, "generation_date")) != NULL &&
	    host->date(v, 0, date) == 0))
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if ((v = dojobridge_pair(facts->xml_root_attrs, "app_name")) != NULL &&
	    v[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, v);
	return 0;
}

static const struct dojobridge_scan_type veracode_scan_types[] = {
	{ "Veracode Scan", NULL, 1 },
	{ "Veracode SourceClear Scan", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin veracode_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "veracode",
	.version = "1.0",
	.description = "Veracode detailed report XML, Findings API JSON, SCA JSON/CSV",
	.scan_types = veracode_scan_types,
	.probe = veracode_probe,
	.extract = veracode_extract,
};

DOJOBRIDGE_PLUGIN(veracode_plugin)
