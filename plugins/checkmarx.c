/*
 * checkmarx.c — Checkmarx reports, five scan types:
 *
 * - "Checkmarx Scan" / "Checkmarx Scan detailed": CxSAST's XML report
 *   (root <CxXMLResults>, unmistakable) and the JSON report {reportId,
 *   reportHeader, executiveSummary, scanSummary, scanResults{sast, sca,
 *   kics}}.  The parser picks JSON or XML from the uploaded name, so the
 *   extension follows the content.  The two names differ only in the
 *   parser's mode (one finding per aggregate vs. per result), never in the
 *   file: both are answered, "Checkmarx Scan" as the mainstream reading,
 *   being the long-standing default and the one most existing tests use;
 *   prefer the other per folder to get detailed mode.
 * - "Checkmarx CxFlow SAST": CxFlow's JSON {projectId, team, project,
 *   additionalDetails, xissues, unFilteredIssues, ...}; the parser ignores
 *   any name not ending .json.
 * - "Checkmarx One Scan", three shapes: the results API answer {results[],
 *   totalCount[, scanID]} whose results carry similarityId and
 *   firstFoundAt; a GitLab-schema SAST report written by Checkmarx One
 *   ({scan, schema, version, vulnerabilities} whose scanner is
 *   "Checkmarx"/"CxOne-SAST": GitLab's own reports name their analyzer
 *   instead); and the "Vulnerability Type" report {reportType,
 *   scanInformation, scanResults{resultsList}, iacScanResults,
 *   scaScanResults, ...}, told from the CxSAST JSON by its missing
 *   executiveSummary/scanSummary.
 * - "Checkmarx OSA": a bare array of two arrays [vulnerabilities,
 *   libraries]; the first element is an array, so the host gives no item
 *   keys and the head is searched for OSA's cveName/libraryId (or the
 *   libraries' newestVersion) instead.
 *
 * Dates: XML ScanStart ("Sunday, February 25, 2018 11:35:52 AM"), JSON
 * scanSummary.scanCompletedDate, CxFlow additionalDetails.scanStartDate,
 * GitLab-schema scan.end_time.  The results API and OSA carry none.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"
#include "rawjson.h"

static const char *const detailed[] = { "Checkmarx Scan detailed", NULL };

static int
blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * 1 when the whole file sits in the head and the one value keyed qkey
 * (quotes included) is [] or {}: a report that certainly lists nothing.
 * A key seen twice (nested somewhere as well) proves nothing.
 */
static int
empty_value(const struct dojobridge_facts *f, const char *qkey)
{
	const unsigned char *p = f->head, *hit;
	size_t len = f->head_len, i;
	unsigned char close;

	if (f->size != f->head_len || (hit = find(p, len, qkey)) == NULL)
		return 0;
	i = (size_t)(hit - p) + strlen(qkey);
	if (find(p + i, len - i, qkey) != NULL)
		return 0;
	while (i < len && blank(p[i]))
		i++;
	if (i >= len || p[i] != ':')
		return 0;
	for (i++; i < len && blank(p[i]); i++)
		;
	if (i >= len || (p[i] != '[' && p[i] != '{'))
		return 0;
	close = p[i] == '[' ? ']' : '}';
	for (i++; i < len && blank(p[i]); i++)
		;
	return i < len && p[i] == close;
}

/* Does the text start, after blank space, with '[' then '[' ? */
static int
array_of_arrays(const unsigned char *p, size_t len, int *first_empty)
{
	size_t i = 0;

	while (i < len && space(p[i]))
		i++;
	if (i >= len || p[i++] != '[')
		return 0;
	while (i < len && space(p[i]))
		i++;
	if (i >= len || p[i++] != '[')
		return 0;
	while (i < len && space(p[i]))
		i++;
	*first_empty = i < len && p[i] == ']';
	return 1;
}

static int
gitlab_by_checkmarx(const struct dojobridge_facts *f)
{
	char name[64];

	if (find(f->head, f->head_len, "\"CxOne-") != NULL)
		return 1;
	/* The first "scanner" object: scan's when it leads, else a
	 * vulnerability's ("Checkmarx-sast"). */
	return (raw_name(f->head, f->head_len, "\"scanner\"", name,
	    sizeof(name)) == 0 || raw_name(f->tail, f->tail_len, "\"scanner\"",
	    name, sizeof(name)) == 0) && strncmp(name, "Checkmarx", 9) == 0;
}

enum shape {
	NONE, CX_XML, CX_JSON, CXFLOW, ONE_RESULTS, ONE_GITLAB, ONE_REPORT, OSA
};

static enum shape
shape(const struct dojobridge_facts *f, int *score)
{
	const char *const *k = f->json_keys;
	const unsigned char *h = f->head;
	size_t n = f->head_len;
	const char *v;
	int empty;

	if (f->kind == DOJOBRIDGE_KIND_XML)
		return strcmp(f->xml_root, "CxXMLResults") == 0 ?
		    (*score = 100, CX_XML) : NONE;
	if (f->kind != DOJOBRIDGE_KIND_JSON)
		return NONE;
	if (f->json_top == '[') {
		if (array_of_arrays(h, n, &empty) &&
		    ((find(h, n, "\"cveName\"") != NULL &&
		    find(h, n, "\"libraryId\"") != NULL) ||
		    (find(h, n, "\"newestVersion\"") != NULL &&
		    find(h, n, "\"highUniqueVulnerabilityCount\"") != NULL)))
			return *score = 90, OSA;
		return NONE;
	}
	if (dojobridge_has(k, "executiveSummary") && dojobridge_has(k, "scanSummary") &&
	    dojobridge_has(k, "scanResults"))
		return *score = dojobridge_has(k, "reportHeader") ? 95 : 85, CX_JSON;
	if (dojobridge_has(k, "xissues") && dojobridge_has(k, "additionalDetails") &&
	    (dojobridge_has(k, "unFilteredIssues") || dojobridge_has(k, "projectId")))
		return *score = 95, CXFLOW;
	if (dojobridge_has(k, "results") && dojobridge_has(k, "totalCount") &&
	    find(h, n, "\"similarityId\"") != NULL &&
	    (find(h, n, "\"firstFoundAt\"") != NULL ||
	    find(h, n, "\"foundAt\"") != NULL))
		return *score = 90, ONE_RESULTS;
	if (dojobridge_has(k, "vulnerabilities") && (dojobridge_has(k, "scan") ||
	    dojobridge_has(k, "schema")) && gitlab_by_checkmarx(f))
		return *score = 95, ONE_GITLAB;
	if ((dojobridge_has(k, "scanResults") || dojobridge_has(k, "iacScanResults") ||
	    dojobridge_has(k, "scaScanResults")) &&
	    !dojobridge_has(k, "executiveSummary")) {
		if ((v = dojobridge_pair(f->json_scalars, "reportType")) != NULL &&
		    strstr(v, "Vulnerability Type") != NULL)
			return *score = 90, ONE_REPORT;
		if (dojobridge_has(k, "scanInformation") ||
		    dojobridge_has(k, "reportType"))
			return *score = 80, ONE_REPORT;
	}
	return NONE;
}

static int
checkmarx_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	int score = 0;

	(void)host;
	(void)call;
	switch (shape(facts, &score)) {
	case NONE:
		return 0;
	case CX_XML:
	case CX_JSON:
		out->scan_type = "Checkmarx Scan";
		out->alternatives = detailed;
		out->mainstream = 1;
		out->upload_ext = facts->kind == DOJOBRIDGE_KIND_XML ? ".xml" : ".json";
		break;
	case CXFLOW:
		out->scan_type = "Checkmarx CxFlow SAST";
		break;
	case ONE_RESULTS:
	case ONE_GITLAB:
	case ONE_REPORT:
		out->scan_type = "Checkmarx One Scan";
		break;
	case OSA:
		out->scan_type = "Checkmarx OSA";
		break;
	}
	out->score = score;
	return 0;
}

/* The first path that gives a date; 0 when one was set. */
static int
json_date(const struct dojobridge_host *host, struct dojobridge_call *call,
    const char *const *paths)
{
	char buf[256], date[11];

	for (; *paths != NULL; paths++)
		if (host->json_find(call, *paths, 0, buf, sizeof(buf)) == 0 &&
		    host->date(buf, 0, date) == 0) {
			host->set(call, DOJOBRIDGE_SCAN_DATE, date);
			return 0;
		}
	return -1;
}

static void
json_set(const struct dojobridge_host *host, struct dojobridge_call *call,
    const char *path, enum dojobridge_key key)
{
	char buf[512];

	if (host->json_find(call, path, 0, buf, sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, key, buf);
}

static void
xml_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts)
{
	const char *const *a = facts->xml_root_attrs;
	const char *v;
	char date[11];

	if (((v = dojobridge_pair(a, "ScanStart")) != NULL &&
	    host->date(v, 0, date) == 0) ||
	    ((v = dojobridge_pair(a, "ReportCreationTime")) != NULL &&
	    host->date(v, 0, date) == 0))
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if ((v = dojobridge_pair(a, "ProjectName")) != NULL && *v != '\0')
		host->set(call, DOJOBRIDGE_TARGET, v);
	host->set(call, DOJOBRIDGE_TOOL, "Checkmarx");
	if ((v = dojobridge_pair(a, "CheckmarxVersion")) != NULL && *v != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, v);
	/* Findings are the <Query> children; none at all is an empty report. */
	if (facts->xml_children[0] == NULL && facts->size == facts->head_len)
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
}

static int
checkmarx_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	static const char *const cx_dates[] = {
		"scanSummary.scanCompletedDate", "reportHeader.createdDate", NULL
	};
	static const char *const flow_dates[] = {
		"additionalDetails.scanStartDate", "reportCreationTime", NULL
	};
	static const char *const gitlab_dates[] = {
		"scan.end_time", "scan.start_time", NULL
	};
	static const char *const report_dates[] = {
		"reportCreationDate", "scanInformation.scanCompletedDate", NULL
	};
	const char *v;
	int score, empty;

	(void)scan_type;
	switch (shape(facts, &score)) {
	case NONE:
		break;
	case CX_XML:
		xml_extract(host, call, facts);
		break;
	case CX_JSON:
		json_date(host, call, cx_dates);
		json_set(host, call, "reportHeader.projectName", DOJOBRIDGE_TARGET);
		host->set(call, DOJOBRIDGE_TOOL, "Checkmarx");
		break;
	case CXFLOW:
		json_date(host, call, flow_dates);
		if ((v = dojobridge_pair(facts->json_scalars, "project")) != NULL &&
		    *v != '\0')
			host->set(call, DOJOBRIDGE_TARGET, v);
		host->set(call, DOJOBRIDGE_TOOL, "Checkmarx");
		if ((v = dojobridge_pair(facts->json_scalars, "version")) != NULL &&
		    *v != '\0')
			host->set(call, DOJOBRIDGE_TOOL_VERSION, v);
		if (empty_value(facts, "\"xissues\""))
			host->set(call, DOJOBRIDGE_FINDINGS, "0");
		break;
	case ONE_RESULTS:
		host->set(call, DOJOBRIDGE_TOOL, "Checkmarx One");
		if (empty_value(facts, "\"results\""))
			host->set(call, DOJOBRIDGE_FINDINGS, "0");
		break;
	case ONE_GITLAB:
		json_date(host, call, gitlab_dates);
		host->set(call, DOJOBRIDGE_TOOL, "Checkmarx One");
		json_set(host, call, "scan.scanner.version", DOJOBRIDGE_TOOL_VERSION);
		break;
	case ONE_REPORT:
		json_date(host, call, report_dates);
		json_set(host, call, "reportHeader.projectName", DOJOBRIDGE_TARGET);
		host->set(call, DOJOBRIDGE_TOOL, "Checkmarx One");
		break;
	case OSA:
		host->set(call, DOJOBRIDGE_TOOL, "Checkmarx OSA");
		if (facts->size == facts->head_len &&
		    array_of_arrays(facts->head, facts->head_len, &empty) && empty)
			host->set(call, DOJOBRIDGE_FINDINGS, "0");
		break;
	}
	return 0;
}

static const struct dojobridge_scan_type checkmarx_scan_types[] = {
	{ "Checkmarx Scan", NULL, 1 },
	{ "Checkmarx Scan detailed", NULL, 1 },
	{ "Checkmarx CxFlow SAST", ".json", 1 },
	{ "Checkmarx One Scan", NULL, 1 },
	{ "Checkmarx OSA", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin checkmarx_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "checkmarx",
	.version = "1.0",
	.description = "Checkmarx CxSAST XML/JSON, CxFlow, Checkmarx One, OSA",
	.scan_types = checkmarx_scan_types,
	.probe = checkmarx_probe,
	.extract = checkmarx_extract,
};

DOJOBRIDGE_PLUGIN(checkmarx_plugin)
