/*
 * jfrog.c — JFrog Xray's four JSON exports, each its own DefectDojo type:
 *
 * - "JFrog Xray Scan": the old violations export {total_count, data[{id,
 *   severity, summary, issue_type, provider, component, source_comp_id,
 *   component_versions}]}.  {data: ...} is a shape many APIs share, so the
 *   first item's source_comp_id or component_versions must show.
 * - "JFrog Xray Unified Scan": {total_rows, rows[{cves, issue_id,
 *   vulnerable_component, impacted_artifact, artifact_scan_time, ...}]}.
 *   An empty {total_rows: 0, rows: []} is claimed only weakly, as empty.
 * - "JFrog Xray API Summary Artifact Scan": /api/v1/summary/artifact,
 *   {artifacts[{general{...}, issues[], licenses[]}]}.
 * - "JFrog Xray On Demand Binary Scan": jf scan --format=json, a bare
 *   array of {scan_id, vulnerabilities[], component_id?, package_type,
 *   status}.
 *
 * Only the unified export dates its rows (artifact_scan_time), and the
 * parser gives each finding its row's date; the first row's is the scan
 * date.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawjson.h"

#define XRAY		"JFrog Xray Scan"
#define UNIFIED		"JFrog Xray Unified Scan"
#define SUMMARY		"JFrog Xray API Summary Artifact Scan"
#define ON_DEMAND	"JFrog Xray On Demand Binary Scan"

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

/*
 * Is the value of top-level `key` (without quotes) an empty array or null,
 * as far as the raw text at p shows?  Walks the text tracking depth so that
 * a nested key of the same name does not count.
 */
static int
top_empty(const unsigned char *p, size_t len, const char *key)
{
	size_t i, start, m = strlen(key);
	int depth = 0, match = 0;

	for (i = 0; i < len; i++) {
		if (p[i] == '"') {
			start = ++i;
			for (; i < len && p[i] != '"'; i++)
				if (p[i] == '\\')
					i++;
			match = depth == 1 && i < len && i - start == m &&
			    memcmp(p + start, key, m) == 0;
		} else if (p[i] == ':' && match) {
			for (i++; i < len && space(p[i]); i++)
				;
			if (i + 4 <= len && memcmp(p + i, "null", 4) == 0)
				return 1;
			if (i >= len || p[i] != '[')
				return 0;
			for (i++; i < len && space(p[i]); i++)
				;
			return i < len && p[i] == ']';
		} else if (p[i] == '{' || p[i] == '[')
			depth++;
		else if (p[i] == '}' || p[i] == ']')
			depth--;
		else if (!space(p[i]) && p[i] != ':')
			match = 0;
	}
	return 0;
}

static int
jfrog_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys, *const *e = facts->json_elem_keys;
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON)
		return 0;
	if (facts->json_top == '[') {
		if (!dojobridge_has(e, "scan_id") ||
		    !dojobridge_has(e, "vulnerabilities") ||
		    !(dojobridge_has(e, "package_type") ||
		    dojobridge_has(e, "component_id")))
			return 0;
		out->score = contains(h, n, "\"impact_paths\"") ||
		    dojobridge_has(e, "status") ? 95 : 80;
		out->scan_type = ON_DEMAND;
		return 0;
	}
	if (dojobridge_has(k, "total_rows") && dojobridge_has(k, "rows")) {
		if (contains(h, n, "\"issue_id\"") &&
		    (contains(h, n, "\"vulnerable_component\"") ||
		    contains(h, n, "\"impacted_artifact\"")))
			out->score = 95;
		else if (facts->size <= n && top_empty(h, n, "rows"))
			out->score = 40;	/* nothing but the envelope */
		else
			return 0;
		out->scan_type = UNIFIED;
	} else if (dojobridge_has(k, "total_count") && dojobridge_has(k, "data")) {
		if (!contains(h, n, "\"source_comp_id\"") &&
		    !contains(h, n, "\"component_versions\""))
			return 0;
		out->score = contains(h, n, "\"issue_type\"") ? 95 : 85;
		out->scan_type = XRAY;
	} else if (dojobridge_has(k, "artifacts")) {
		if (!contains(h, n, "\"general\"") || !contains(h, n, "\"issues\""))
			return 0;
		out->score = contains(h, n, "\"pkg_type\"") ||
		    contains(h, n, "\"component_id\"") ? 90 : 75;
		out->scan_type = SUMMARY;
	}
	return 0;
}

static int
jfrog_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[1024], date[11];
	const char *v;

	host->set(call, DOJOBRIDGE_TOOL, "JFrog Xray");
	if (strcmp(scan_type, UNIFIED) == 0) {
		if (host->json_find(call, "rows[0].artifact_scan_time", 0, buf,
		    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0)
			host->set(call, DOJOBRIDGE_SCAN_DATE, date);
		v = dojobridge_pair(facts->json_scalars, "total_rows");
		if (v != NULL && strcmp(v, "0") == 0 &&
		    facts->size <= facts->head_len &&
		    top_empty(facts->head, facts->head_len, "rows"))
			host->set(call, DOJOBRIDGE_FINDINGS, "0");
	} else if (strcmp(scan_type, SUMMARY) == 0) {
		if (host->json_find(call, "artifacts[0].general.name", 0, buf,
		    sizeof(buf)) == 0 && buf[0] != '\0')
			host->set(call, DOJOBRIDGE_TARGET, buf);
	} else if (strcmp(scan_type, ON_DEMAND) == 0) {
		if (host->json_find(call, "[0].component_id", 0, buf,
		    sizeof(buf)) == 0 && buf[0] != '\0')
			host->set(call, DOJOBRIDGE_TARGET, buf);
	}
	return 0;
}

static const struct dojobridge_scan_type jfrog_scan_types[] = {
	{ XRAY, NULL, 0 },
	{ UNIFIED, NULL, 1 },
	{ SUMMARY, NULL, 0 },
	{ ON_DEMAND, NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin jfrog_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "jfrog",
	.version = "1.0",
	.description = "JFrog Xray JSON (violations, unified, summary artifact, on-demand scan)",
	.scan_types = jfrog_scan_types,
	.probe = jfrog_probe,
	.extract = jfrog_extract,
};

DOJOBRIDGE_PLUGIN(jfrog_plugin)
