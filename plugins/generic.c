/*
 * generic.c — the formats built on a {findings:[...]} JSON object, and
 * their CSV forms: "Generic Findings Import" (DefectDojo's own format),
 * "HackerOne Cases" (bug-bounty export, and the API's {data:[{type:
 * "report"}], links}) and "Semgrep Pro JSON Report".
 *
 * The top level alone does not tell them apart, nor from AWS Inspector2,
 * Security Hub or Veracode's REST findings, so the first finding's keys
 * decide: syntactic_id, match_based_id or rule_name for Semgrep Pro;
 * reported_at or severity_rating for HackerOne; title and severity, and
 * none of the other tools' keys, for Generic.  Each parser reads any
 * {findings:[...]}, so a Generic file carrying nothing but findings is
 * also named with the other two as alternatives; Generic is the mainstream
 * reading (title, severity, description are its schema, not theirs).  An
 * empty {findings:[]} is claimed the same way: its findings count of 0
 * keeps it from being uploaded.  Generic and HackerOne pick their parser
 * from the uploaded name (.json or .csv), so the extension follows the
 * content.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

#define GENERIC	"Generic Findings Import"
#define H1	"HackerOne Cases"
#define SEMGREP	"Semgrep Pro JSON Report"

/* Whether the first key `name` (quoted) in raw JSON text holds [], {} or null. */
static int
empty_value(const unsigned char *p, size_t len, const char *name)
{
	size_t i = value_of(p, len, name);

	if (i + 4 <= len && memcmp(p + i, "null", 4) == 0)
		return 1;
	if (i >= len || (p[i] != '[' && p[i] != '{'))
		return 0;
	i = skip_ws(p, len, i + 1);
	return i < len && (p[i] == ']' || p[i] == '}');
}

static const char *const generic_alternatives[] = { H1, SEMGREP, NULL };

static int
finding_has(const struct dojobridge_facts *facts, const char *key)
{
	char v[8];

	return member(facts->head, facts->head_len, "\"findings\"", key, v,
	    sizeof(v)) == 0;
}

/* Top-level keys of the Generic format besides findings. */
static int
generic_meta(const char *const *k)
{
	static const char *const meta[] = {
		"name", "type", "version", "description", "title",
		"dynamic_tool", "static_tool", "soc", NULL
	};
	size_t i;

	for (i = 0; meta[i] != NULL; i++)
		if (dojobridge_has(k, meta[i]))
			return 1;
	return 0;
}

/* Columns as the parser names them; some exports pad them with spaces. */
static int
has_column(const char *const *header, const char *name)
{
	const char *h;
	size_t n = strlen(name);

	for (; *header != NULL; header++) {
		for (h = *header; *h == ' '; h++)
			;
		if (strncmp(h, name, n) != 0)
			continue;
		for (h += n; *h == ' '; h++)
			;
		if (*h == '\0')
			return 1;
	}
	return 0;
}

static int
probe_csv(const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *h = facts->csv_header;

	if (has_column(h, "id") && has_column(h, "title") &&
	    has_column(h, "severity_rating") && has_column(h, "reported_at")) {
		out->score = 95;
		out->scan_type = H1;
	} else if (has_column(h, "Title") && has_column(h, "Severity") &&
	    has_column(h, "Description") && (has_column(h, "Date") || has_column(h, "CweId") ||
	    has_column(h, "Url"))) {
		out->score = 80;
		out->scan_type = GENERIC;
	} else
		return 0;
	out->upload_ext = ".csv";
	return 0;
}

static int
generic_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;
	char v[16];

	(void)host;
	(void)call;
	if (facts->kind == DOJOBRIDGE_KIND_CSV)
		return probe_csv(facts, out);
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{')
		return 0;
	out->upload_ext = ".json";

	if (dojobridge_has(k, "data") && dojobridge_has(k, "links")) {
		if (member(facts->head, facts->head_len, "\"data\"", "type", v,
		    sizeof(v)) == 0 && strcmp(v, "report") == 0 &&
		    member(facts->head, facts->head_len, "\"data\"",
		    "attributes", v, sizeof(v)) == 0) {
			out->score = 90;
			out->scan_type = H1;
		}
		return 0;
	}
	if (!dojobridge_has(k, "findings"))
		return 0;
	if (finding_has(facts, "syntactic_id") ||
	    finding_has(facts, "match_based_id") ||
	    (finding_has(facts, "rule_name") && finding_has(facts, "rule"))) {
		out->score = 95;
		out->scan_type = SEMGREP;
	} else if (finding_has(facts, "reported_at") ||
	    finding_has(facts, "severity_rating")) {
		out->score = 90;
		out->scan_type = H1;
	} else if (finding_has(facts, "title") && finding_has(facts, "severity") &&
	    !finding_has(facts, "findingArn") &&
	    !finding_has(facts, "awsAccountId") &&
	    !finding_has(facts, "finding_details")) {
		out->scan_type = GENERIC;
		if (generic_meta(k))
			out->score = 90;
		else {
			out->score = 80;
			out->alternatives = generic_alternatives;
			out->mainstream = 1;
		}
	} else if (whole(facts) && k[0] != NULL && k[1] == NULL &&
	    empty_value(facts->head, facts->head_len, "\"findings\"")) {
		/* Zero findings whichever parser reads it: Generic as the
		 * mainstream keeps it reported as empty, not ambiguous. */
		out->score = 50;
		out->scan_type = GENERIC;
		out->alternatives = generic_alternatives;
		out->mainstream = 1;
	}
	return 0;
}

static int
generic_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *type, *version;
	char buf[1024];

	/* Every format here dates its findings one by one; none has a date
	 * of its own for the report. */
	if (strcmp(scan_type, H1) == 0)
		host->set(call, DOJOBRIDGE_TOOL, "HackerOne");
	else if (strcmp(scan_type, SEMGREP) == 0) {
		host->set(call, DOJOBRIDGE_TOOL, "Semgrep Pro");
		if (host->json_find(call, "findings[0].repository.name", 0, buf,
		    sizeof(buf)) == 0 && buf[0] != '\0')
			host->set(call, DOJOBRIDGE_TARGET, buf);
	} else if (facts->kind == DOJOBRIDGE_KIND_JSON) {
		/* The parser makes "type" the test type (§0.6 of the
		 * detection notes): reimports must keep it. */
		type = dojobridge_pair(facts->json_scalars, "type");
		version = dojobridge_pair(facts->json_scalars, "version");
		if (type != NULL && type[0] != '\0') {
			host->set(call, DOJOBRIDGE_TOOL, type);
			host->set(call, DOJOBRIDGE_TEST_TITLE, type);
		}
		if (version != NULL && version[0] != '\0')
			host->set(call, DOJOBRIDGE_TOOL_VERSION, version);
	}
	if (facts->kind == DOJOBRIDGE_KIND_JSON && whole(facts) &&
	    empty_value(facts->head, facts->head_len, "\"findings\""))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type generic_scan_types[] = {
	{ GENERIC, NULL, 1 },
	{ H1, NULL, 1 },
	{ SEMGREP, ".json", 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin generic_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "generic",
	.version = "1.0",
	.description = "DefectDojo Generic Findings (JSON, CSV), HackerOne "
	    "(JSON, CSV) and Semgrep Pro JSON",
	.scan_types = generic_scan_types,
	.probe = generic_probe,
	.extract = generic_extract,
};

DOJOBRIDGE_PLUGIN(generic_plugin)
