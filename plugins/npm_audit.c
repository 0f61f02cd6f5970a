/*
 * npm_audit.c — the JavaScript package audits: npm ≤6's `npm audit
 * --json` ({actions, advisories, muted, metadata, runId?}), npm ≥7's
 * ({auditReportVersion:2, vulnerabilities, metadata}, or wrapped as
 * {audit:{...}}), and yarn's: v1 JSON lines {type, data} and berry lines
 * {value, children}.
 *
 * "NPM Audit Scan" raises on npm 7's shape, so auditReportVersion decides
 * between the two npm types.  Yarn's parser also reads the npm 6 envelope
 * (audit-ci and pnpm write it too); npm's own reading is the mainstream
 * one, since that is what writes it, and Yarn is named as the alternative.
 * Yarn v1 lines are taken only with an auditAdvisory or auditSummary line
 * in the head: a run that failed writes only info/warning/error lines,
 * and the same error lines sit in DefectDojo's Nosey Parker samples.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static const char *const npm6_alts[] = { "Yarn Audit Scan", NULL };

static int
ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The first `"key": {}` (or `[]`) in p. */
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

/* A yarn v1 line `"type":"<t>"`, allowing blanks around the colon. */
static int
has_type_line(const unsigned char *p, size_t len, const char *t)
{
	const unsigned char *q;
	size_t i, n = strlen(t);

	while ((q = find(p, len, "\"type\"")) != NULL) {
		i = (size_t)(q - p) + 6;
		while (i < len && (ws(p[i]) || p[i] == ':'))
			i++;
		if (i + n + 2 <= len && p[i] == '"' && memcmp(p + i + 1, t, n) == 0 &&
		    p[i + 1 + n] == '"')
			return 1;
		p += i;
		len -= i;
	}
	return 0;
}

static int
npm_audit_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;
	const char *type;

	(void)host;
	(void)call;
	if ((facts->kind != DOJOBRIDGE_KIND_JSON &&
	    facts->kind != DOJOBRIDGE_KIND_JSONL) || facts->json_top != '{')
		return 0;

	if (facts->kind == DOJOBRIDGE_KIND_JSON &&
	    dojobridge_has(k, "auditReportVersion") &&
	    dojobridge_has(k, "vulnerabilities") && dojobridge_has(k, "metadata")) {
		out->score = 100;
		out->scan_type = "NPM Audit v7+ Scan";
	} else if (facts->kind == DOJOBRIDGE_KIND_JSON && dojobridge_has(k, "audit") &&
	    find(h, n, "\"auditReportVersion\"") != NULL &&
	    find(h, n, "\"vulnerabilities\"") != NULL) {
		out->score = 85;
		out->scan_type = "NPM Audit v7+ Scan";
	} else if (facts->kind == DOJOBRIDGE_KIND_JSON &&
	    dojobridge_has(k, "advisories") && dojobridge_has(k, "actions") &&
	    dojobridge_has(k, "metadata") &&
	    !dojobridge_has(k, "auditReportVersion")) {
		out->score = 90;
		out->scan_type = "NPM Audit Scan";
		out->alternatives = npm6_alts;
		out->mainstream = 1;
	} else if (dojobridge_has(k, "type") && dojobridge_has(k, "data") &&
	    (type = dojobridge_pair(facts->json_scalars, "type")) != NULL) {
		if (strcmp(type, "auditAdvisory") == 0 ||
		    strcmp(type, "auditSummary") == 0)
			out->score = 100;
		else if ((strcmp(type, "info") == 0 || strcmp(type, "warning") == 0 ||
		    strcmp(type, "error") == 0) &&
		    (has_type_line(h, n, "auditAdvisory") ||
		    has_type_line(h, n, "auditSummary")))
			out->score = 90;
		else
			return 0;
		out->scan_type = "Yarn Audit Scan";
	} else if (dojobridge_has(k, "value") && dojobridge_has(k, "children") &&
	    find(h, n, "\"Vulnerable Versions\"") != NULL &&
	    find(h, n, "\"Severity\"") != NULL) {
		out->score = 90;
		out->scan_type = "Yarn Audit Scan";
	}
	return 0;
}

static int
npm_audit_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	int whole = facts->size == facts->head_len;

	/* None of these reports dates itself or names the project audited. */
	if (strcmp(scan_type, "Yarn Audit Scan") == 0 &&
	    !dojobridge_has(facts->json_keys, "advisories")) {
		host->set(call, DOJOBRIDGE_TOOL, "yarn");
		return 0;
	}
	host->set(call, DOJOBRIDGE_TOOL, "npm");
	if (strcmp(scan_type, "NPM Audit v7+ Scan") == 0 && whole &&
	    dojobridge_has(facts->json_keys, "vulnerabilities") &&
	    empty_member(facts->head, facts->head_len, "\"vulnerabilities\""))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type npm_audit_scan_types[] = {
	{ "NPM Audit Scan", NULL, 0 },
	{ "NPM Audit v7+ Scan", NULL, 0 },
	{ "Yarn Audit Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin npm_audit_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "npm_audit",
	.version = "1.0",
	.description = "npm audit (v6 and v7+) and yarn audit (v1 and berry) JSON",
	.scan_types = npm_audit_scan_types,
	.probe = npm_audit_probe,
	.extract = npm_audit_extract,
};

DOJOBRIDGE_PLUGIN(npm_audit_plugin)
