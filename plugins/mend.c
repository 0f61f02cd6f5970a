/*
 * mend.c — "Mend Scan" (formerly "Whitesource Scan"): the Mend/WhiteSource
 * JSON shapes DefectDojo's parser reads:
 *
 * - the legacy API answer {vulnerabilities[{name, type, severity, ...,
 *   project, product, library?, topFix?}]};
 * - the project report {projectVitals, libraries[], policyStatistics,
 *   vulnerabilityStatistics} (Unified Agent / CLI);
 * - the platform API 3.0 answer {additionalData, supportToken,
 *   response[{uuid, name, type, component, findingInfo, project, ...}]}.
 *
 * {vulnerabilities: [...]} is shared by npm 7+, Snyk, GitLab, KubeHunter
 * and Clair, which all have sibling keys; Mend's has none, so the probe
 * wants it alone and its first item to name Mend's project and product
 * (or library, topFix).  An empty {vulnerabilities: []} says nothing of
 * its origin: it is claimed only weakly, as an empty report.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawjson.h"

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

static size_t
count(const char *const *list)
{
	size_t n = 0;

	while (list[n] != NULL)
		n++;
	return n;
}

static int
mend_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{')
		return 0;
	if (dojobridge_has(k, "projectVitals") && dojobridge_has(k, "libraries"))
		out->score = 95;
	else if (dojobridge_has(k, "supportToken") &&
	    dojobridge_has(k, "response") && dojobridge_has(k, "additionalData"))
		out->score = contains(h, n, "\"findingInfo\"") ? 95 : 80;
	else if (dojobridge_has(k, "vulnerabilities") && count(k) == 1) {
		if (contains(h, n, "\"project\"") && (contains(h, n, "\"product\"") ||
		    contains(h, n, "\"library\"") || contains(h, n, "\"topFix\"")))
			out->score = contains(h, n, "\"cvss3_severity\"") ||
			    contains(h, n, "\"topFix\"") ? 90 : 75;
		else if (facts->size <= n && top_empty(h, n, "vulnerabilities"))
			out->score = 30;
		else
			return 0;
	} else
		return 0;
	out->scan_type = "Mend Scan";
	return 0;
}

static int
mend_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *const *k = facts->json_keys;
	char buf[1024], date[11];

	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Mend");
	if (dojobridge_has(k, "projectVitals")) {
		/* The project's last update is its last scan. */
		if (host->json_find(call, "projectVitals.lastUpdatedDate", 0, buf,
		    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0)
			host->set(call, DOJOBRIDGE_SCAN_DATE, date);
		if (host->json_find(call, "projectVitals.name", 0, buf,
		    sizeof(buf)) == 0 && buf[0] != '\0')
			host->set(call, DOJOBRIDGE_TARGET, buf);
	} else if (dojobridge_has(k, "response")) {
		if (host->json_find(call, "response[0].project.name", 0, buf,
		    sizeof(buf)) == 0 && buf[0] != '\0')
			host->set(call, DOJOBRIDGE_TARGET, buf);
	} else {
		if (host->json_find(call, "vulnerabilities[0].project", 0, buf,
		    sizeof(buf)) == 0 && buf[0] != '\0')
			host->set(call, DOJOBRIDGE_TARGET, buf);
		if (facts->size <= facts->head_len &&
		    top_empty(facts->head, facts->head_len, "vulnerabilities"))
			host->set(call, DOJOBRIDGE_FINDINGS, "0");
	}
	return 0;
}

static const struct dojobridge_scan_type mend_scan_types[] = {
	{ "Mend Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin mend_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "mend",
	.version = "1.0",
	.description = "Mend (WhiteSource) JSON: legacy API, project report, API 3.0",
	.scan_types = mend_scan_types,
	.probe = mend_probe,
	.extract = mend_extract,
};

DOJOBRIDGE_PLUGIN(mend_plugin)
