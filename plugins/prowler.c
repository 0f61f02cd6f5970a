/*
 * prowler.c — Prowler's reports, read by three DefectDojo scan types:
 *   "AWS Prowler Scan" (Prowler v2): CSV with PROFILE, ACCOUNT_NUM, REGION,
 *     TITLE_ID, CHECK_RESULT, ...; or JSON lines of {Profile, Account
 *     Number, Control, Control ID, Message, Status, Timestamp, ...};
 *   "AWS Prowler V3": the v3 JSON array of {AssessmentStartTime,
 *     FindingUniqueId, Provider, CheckID, ...};
 *   "Prowler Scan" (v4, v5): the ';'-separated CSV (AUTH_METHOD; TIMESTAMP;
 *     ACCOUNT_UID; ...; FINDING_UID; PROVIDER; CHECK_ID; ...) and the OCSF
 *     JSON array of Detection Findings {metadata{product{name:"Prowler"}},
 *     finding_info, severity_id, status_code, class_uid, ...}.
 *
 * The trap: the v4 OCSF array is read by both "Prowler Scan" and "AWS
 * Prowler V3" (the latter only under a name ending ".ocsf.json").  "Prowler
 * Scan" is given as the mainstream reading: it is the parser DefectDojo
 * added for Prowler v4 and later, it takes every provider (AWS, Azure, GCP,
 * Kubernetes) where the older one is AWS-only, and it also takes v4's CSV.
 * OCSF is a generic schema, so the product name "Prowler" must show in the
 * head.  Every parser here picks its sub-format from the uploaded name
 * (.csv, .json, .ocsf.json), so the extension always follows the content.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

#define V2	"AWS Prowler Scan"
#define V3	"AWS Prowler V3"
#define V4	"Prowler Scan"

enum format { NONE, V2_CSV, V2_JSON, V3_JSON, V4_CSV, V4_OCSF };

static const char *const ocsf_alternatives[] = { V3, NULL };

/* Column index of name in the header, whatever its case, or -1. */
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
has_all(const char *const *list, const char *const *names)
{
	for (; *names != NULL; names++)
		if (!dojobridge_has(list, *names))
			return 0;
	return 1;
}

static enum format
format(const struct dojobridge_facts *facts)
{
	static const char *const v2_json[] = {
		"Account Number", "Control", "Control ID", "Status", NULL
	};
	static const char *const v3_json[] = {
		"AssessmentStartTime", "FindingUniqueId", "Provider", "CheckID", NULL
	};
	static const char *const ocsf[] = {
		"metadata", "finding_info", "severity_id", "status_code",
		"class_uid", NULL
	};
	const char *const *h = facts->csv_header;

	switch (facts->kind) {
	case DOJOBRIDGE_KIND_CSV:
		if (column(h, "PROFILE") >= 0 && column(h, "ACCOUNT_NUM") >= 0 &&
		    column(h, "TITLE_ID") >= 0 && column(h, "CHECK_RESULT") >= 0)
			return V2_CSV;
		if (column(h, "AUTH_METHOD") >= 0 && column(h, "TIMESTAMP") >= 0 &&
		    column(h, "ACCOUNT_UID") >= 0 && column(h, "FINDING_UID") >= 0 &&
		    column(h, "CHECK_ID") >= 0)
			return V4_CSV;
		return NONE;
	case DOJOBRIDGE_KIND_JSON:
	case DOJOBRIDGE_KIND_JSONL:
		if (facts->json_top == '{')
			return has_all(facts->json_keys, v2_json) ? V2_JSON : NONE;
		if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '[')
			return NONE;
		if (has_all(facts->json_elem_keys, v3_json))
			return V3_JSON;
		if (has_all(facts->json_elem_keys, ocsf) &&
		    find(facts->head, facts->head_len, "\"Prowler\"") != NULL)
			return V4_OCSF;
		return NONE;
	default:
		return NONE;
	}
}

static int
prowler_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	switch (format(facts)) {
	case V2_CSV:
		out->scan_type = V2;
		out->upload_ext = ".csv";
		break;
	case V2_JSON:
		out->scan_type = V2;
		out->upload_ext = ".json";
		break;
	case V3_JSON:
		out->scan_type = V3;
		out->upload_ext = ".json";
		break;
	case V4_CSV:
		out->scan_type = V4;
		out->upload_ext = ".csv";
		break;
	case V4_OCSF:
		out->scan_type = V4;
		out->upload_ext = ".json";
		out->alternatives = ocsf_alternatives;
		out->mainstream = 1;
		break;
	case NONE:
		return 0;
	}
	out->score = 95;
	return 0;
}

/* Offset of the first byte after the header record, or len. */
static size_t
after_header(const unsigned char *p, size_t len)
{
	size_t i;
	int quoted = 0;

	for (i = 0; i < len; i++) {
		if (p[i] == '"')
			quoted = !quoted;
		else if (p[i] == '\n' && !quoted)
			return i + 1;
	}
	return len;
}

/*
 * Copy field `col` of the record starting at p[i] (quotes removed, "" read
 * as "), truncated to outlen - 1.  Returns -1 when the record ends first or
 * the field is empty.
 */
static int
field(const unsigned char *p, size_t len, size_t i, char delim, int col,
    char *out, size_t outlen)
{
	size_t n = 0;
	int c = 0, quoted = 0;

	if (col < 0)
		return -1;
	for (; i < len; i++) {
		if (quoted) {
			if (p[i] == '"' && i + 1 < len && p[i + 1] == '"')
				i++;
			else if (p[i] == '"') {
				quoted = 0;
				continue;
			}
		} else if (p[i] == '"') {
			quoted = 1;
			continue;
		} else if (p[i] == (unsigned char)delim || p[i] == '\n' || p[i] == '\r') {
			if (c == col)
				break;
			if (p[i] != (unsigned char)delim)
				return -1;
			c++;
			continue;
		}
		if (c == col && n + 1 < outlen)
			out[n++] = (char)p[i];
	}
	out[n] = '\0';
	return c == col && n > 0 ? 0 : -1;
}

/*
 * Prowler's published examples write "<account_uid>" (or "context:
 * <context>") for every value they hide.
 */
static int
real(const char *v)
{
	return *v != '\0' && strchr(v, '<') == NULL;
}

static void
set_date(const struct dojobridge_host *host, struct dojobridge_call *call,
    const char *v)
{
	char date[11];

	if (host->date(v, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
}

static void
set_real(const struct dojobridge_host *host, struct dojobridge_call *call,
    enum dojobridge_key key, const char *v)
{
	if (v != NULL && real(v))
		host->set(call, key, v);
}

static void
csv_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, enum format f)
{
	const char *const *h = facts->csv_header;
	const unsigned char *p = facts->head;
	size_t len = facts->head_len, row;
	char buf[1024];
	char d = facts->csv_delim;

	row = after_header(p, len);
	while (row < len && (p[row] == '\r' || p[row] == '\n'))
		row++;
	if (row >= len) {
		/* A header and nothing else: not one check ran. */
		if (facts->size <= len)
			host->set(call, DOJOBRIDGE_FINDINGS, "0");
		return;
	}
	if (f == V2_CSV) {
		if (field(p, len, row, d, column(h, "ACCOUNT_NUM"), buf,
		    sizeof(buf)) == 0)
			set_real(host, call, DOJOBRIDGE_TARGET, buf);
		return;
	}
	if (field(p, len, row, d, column(h, "TIMESTAMP"), buf, sizeof(buf)) == 0)
		set_date(host, call, buf);
	if (field(p, len, row, d, column(h, "ACCOUNT_UID"), buf,
	    sizeof(buf)) == 0 && real(buf))
		host->set(call, DOJOBRIDGE_TARGET, buf);
	else if (field(p, len, row, d, column(h, "ACCOUNT_NAME"), buf,
	    sizeof(buf)) == 0)
		set_real(host, call, DOJOBRIDGE_TARGET, buf);
	if (field(p, len, row, d, column(h, "PROWLER_VERSION"), buf,
	    sizeof(buf)) == 0)
		set_real(host, call, DOJOBRIDGE_TOOL_VERSION, buf);
}

static int
prowler_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	static const char *const ocsf_dates[] = {
		"[0].time_dt", "[0].event_time", "[0].finding_info.created_time_dt",
		"[0].finding_info.created_time", NULL
	};
	const char *const *s = facts->json_scalars;
	enum format f = format(facts);
	char buf[1024], date[11];
	size_t i;

	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Prowler");
	switch (f) {
	case V2_CSV:
	case V4_CSV:
		csv_extract(host, call, facts, f);
		break;
	case V2_JSON:
		if (dojobridge_pair(s, "Timestamp") != NULL)
			set_date(host, call, dojobridge_pair(s, "Timestamp"));
		set_real(host, call, DOJOBRIDGE_TARGET,
		    dojobridge_pair(s, "Account Number"));
		break;
	case V3_JSON:
		if (host->json_find(call, "[0].AssessmentStartTime", 0, buf,
		    sizeof(buf)) == 0)
			set_date(host, call, buf);
		if (host->json_find(call, "[0].AccountId", 0, buf,
		    sizeof(buf)) == 0)
			set_real(host, call, DOJOBRIDGE_TARGET, buf);
		break;
	case V4_OCSF:
		/* created_time is epoch seconds in v5, text in v4. */
		for (i = 0; ocsf_dates[i] != NULL; i++)
			if (host->json_find(call, ocsf_dates[i], 0, buf,
			    sizeof(buf)) == 0 && (host->date(buf, 0, date) == 0 ||
			    host->date(buf, DOJOBRIDGE_DATE_EPOCH, date) == 0)) {
				host->set(call, DOJOBRIDGE_SCAN_DATE, date);
				break;
			}
		if (host->json_find(call, "[0].cloud.account.uid", 0, buf,
		    sizeof(buf)) == 0)
			set_real(host, call, DOJOBRIDGE_TARGET, buf);
		if (host->json_find(call, "[0].metadata.product.version", 0, buf,
		    sizeof(buf)) == 0)
			set_real(host, call, DOJOBRIDGE_TOOL_VERSION, buf);
		break;
	case NONE:
		break;
	}
	return 0;
}

static const struct dojobridge_scan_type prowler_scan_types[] = {
	{ V2, NULL, 1 },
	{ V3, ".ocsf.json", 1 },	/* as an alternative it only reads OCSF */
	{ V4, NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin prowler_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "prowler",
	.version = "1.0",
	.description = "Prowler v2 CSV/JSON lines, v3 JSON, v4+ CSV and OCSF JSON",
	.scan_types = prowler_scan_types,
	.probe = prowler_probe,
	.extract = prowler_extract,
};

DOJOBRIDGE_PLUGIN(prowler_plugin)
