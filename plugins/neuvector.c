/*
 * neuvector.c — NeuVector's REST exports: "NeuVector (REST)", a scan
 * report {report{vulnerabilities[], modules, checks, secrets, ...}} from
 * /v1/scan/..., and "NeuVector (compliance)", {run_timestamp, run_at,
 * kubernetes_cis_version, docker_cis_version, items[]} from
 * /v1/host/{id}/compliance and the like.
 *
 * A one-key {report:{...}} object is generic (Trivy Operator's CRs have
 * apiVersion/kind beside theirs), so the probe wants report to be the
 * only key and NeuVector's own member names inside it.  A workload scan
 * report carries checks[] as well, which the compliance parser reads too:
 * it is then named as an alternative, the REST reading being mainstream
 * since the vulnerabilities are what such a report is fetched for.  Both
 * parsers refuse a name not ending in .json.
 */
#include <stdio.h>
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static const char *const rest_alts[] = { "NeuVector (compliance)", NULL };

static int
ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The first `"key": []` (or `{}`) in p: the list or map holds nothing. */
static int
empty_member(const unsigned char *p, size_t len, const char *key)
{
	const unsigned char *v = find(p, len, key);
	size_t i;
	unsigned char close;

	if (v == NULL)
		return 0;
	for (i = (size_t)(v - p) + strlen(key); i < len && (ws(p[i]) || p[i] == ':'); i++)
		;
	if (i >= len || (p[i] != '[' && p[i] != '{'))
		return 0;
	close = p[i] == '[' ? ']' : '}';
	for (i++; i < len && ws(p[i]); i++)
		;
	return i < len && p[i] == close;
}

static int
neuvector_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{')
		return 0;
	if (dojobridge_has(k, "items") && (dojobridge_has(k, "run_at") ||
	    dojobridge_has(k, "run_timestamp")) &&
	    (dojobridge_has(k, "kubernetes_cis_version") ||
	    dojobridge_has(k, "docker_cis_version"))) {
		out->score = 95;
		out->scan_type = "NeuVector (compliance)";
		return 0;
	}
	if (k[0] == NULL || strcmp(k[0], "report") != 0 || k[1] != NULL)
		return 0;
	if (find(h, n, "\"vulnerabilities\"") != NULL &&
	    (find(h, n, "\"modules\"") != NULL || find(h, n, "\"base_os\"") != NULL ||
	    find(h, n, "\"setid_perms\"") != NULL)) {
		out->score = 90;
		out->scan_type = "NeuVector (REST)";
		if (find(h, n, "\"checks\"") != NULL) {
			out->alternatives = rest_alts;
			out->mainstream = 1;
		}
	} else if (find(h, n, "\"checks\"") != NULL &&
	    find(h, n, "\"test_number\"") != NULL &&
	    find(h, n, "\"catalog\"") != NULL) {
		out->score = 85;
		out->scan_type = "NeuVector (compliance)";
	}
	return 0;
}

static int
neuvector_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;
	char repo[512], tag[128], target[700], date[11];
	int whole = facts->size == facts->head_len;

	host->set(call, DOJOBRIDGE_TOOL, "NeuVector");
	if (strcmp(scan_type, "NeuVector (compliance)") == 0 &&
	    dojobridge_has(facts->json_keys, "items")) {
		/* run_at is RFC 3339; run_timestamp the same moment in epoch seconds. */
		if (((v = dojobridge_pair(facts->json_scalars, "run_at")) != NULL &&
		    host->date(v, 0, date) == 0) ||
		    ((v = dojobridge_pair(facts->json_scalars, "run_timestamp")) != NULL &&
		    host->date(v, DOJOBRIDGE_DATE_EPOCH, date) == 0))
			host->set(call, DOJOBRIDGE_SCAN_DATE, date);
		if (whole && empty_member(facts->head, facts->head_len, "\"items\""))
			host->set(call, DOJOBRIDGE_FINDINGS, "0");
		return 0;
	}

	/* An image's scan names its registry repository and tag. */
	if (host->json_find(call, "report.repository", 0, repo, sizeof(repo)) == 0 &&
	    repo[0] != '\0') {
		if (host->json_find(call, "report.tag", 0, tag, sizeof(tag)) == 0 &&
		    tag[0] != '\0')
			snprintf(target, sizeof(target), "%s:%s", repo, tag);
		else
			snprintf(target, sizeof(target), "%s", repo);
		host->set(call, DOJOBRIDGE_TARGET, target);
	}
	if (whole && strcmp(scan_type, "NeuVector (REST)") == 0 &&
	    empty_member(facts->head, facts->head_len, "\"vulnerabilities\""))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type neuvector_scan_types[] = {
	{ "NeuVector (REST)", ".json", 0 },
	{ "NeuVector (compliance)", ".json", 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin neuvector_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "neuvector",
	.version = "1.0",
	.description = "NeuVector REST scan reports and compliance exports",
	.scan_types = neuvector_scan_types,
	.probe = neuvector_probe,
	.extract = neuvector_extract,
};

DOJOBRIDGE_PLUGIN(neuvector_plugin)
