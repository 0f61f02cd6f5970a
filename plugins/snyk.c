/*
 * snyk.c — Snyk's two file formats:
 *   "Snyk Scan": `snyk test --json` (and snyk container test), an object
 *     {vulnerabilities, ok, dependencyCount, org, policy, packageManager,
 *     ...}, or for --all-projects an array of such objects;
 *   "Snyk Issue API Scan": the REST API's /orgs/{org}/issues answer, a
 *     JSON:API document {jsonapi, links, data[{type: "issue", ...}]}.
 *
 * `vulnerabilities` is also Mend's, NPM's, GitLab's, Clair's...; ok and
 * dependencyCount beside it are Snyk's.  The top-level jsonapi member is
 * JSON:API's, which no other scanner export uses, but any JSON:API
 * service answers with it: an issue's "type": "issue" in the head is
 * required, or else an empty data list (then nothing says whose it is,
 * hence the low score).  An Issue API page with no issue is still a
 * report DefectDojo's samples import, so it is not called empty.  Snyk Code's SARIF, which the Snyk Scan parser also takes
 * by delegation, is left to the SARIF plugin.  No format carries a scan
 * date (the vulnerabilities' dates are advisories').
 */
#include <string.h>

#include "dojobridge-plugin.h"

#define SNYK		"Snyk Scan"
#define SNYK_ISSUES	"Snyk Issue API Scan"

static int
ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Index of the first non-blank byte at or after i. */
static size_t
skip(const unsigned char *p, size_t len, size_t i)
{
	while (i < len && ws(p[i]))
		i++;
	return i;
}

static int
is_snyk(const char *const *k)
{
	return dojobridge_has(k, "vulnerabilities") && dojobridge_has(k, "ok") &&
	    dojobridge_has(k, "dependencyCount") &&
	    (dojobridge_has(k, "org") || dojobridge_has(k, "packageManager"));
}

static int
contains(const unsigned char *p, size_t len, const char *needle)
{
	size_t i, n = strlen(needle);

	for (i = 0; i + n <= len; i++)
		if (memcmp(p + i, needle, n) == 0)
			return 1;
	return 0;
}

/*
 * A report whose vulnerabilities list outgrows the head shows only that key
 * there; the rest (uniqueCount, projectName, path...) comes from the tail.
 * Then the first vulnerability's Snyk-only upgradePath and isUpgradable in
 * the head, and the project's uniqueCount or dependencyCount in the tail,
 * tell it.
 */
static int
is_long_snyk(const struct dojobridge_facts *facts, const char *const *k)
{
	return dojobridge_has(k, "vulnerabilities") &&
	    contains(facts->head, facts->head_len, "\"upgradePath\"") &&
	    contains(facts->head, facts->head_len, "\"isUpgradable\"") &&
	    (contains(facts->tail, facts->tail_len, "\"uniqueCount\"") ||
	    contains(facts->tail, facts->tail_len, "\"dependencyCount\""));
}

/* 1 if the first "key" in p is followed by an empty array. */
static int
empty_array(const unsigned char *p, size_t len, const char *key)
{
	size_t i, n = strlen(key);

	for (i = 0; i + n + 2 <= len; i++)
		if (p[i] == '"' && memcmp(p + i + 1, key, n) == 0 &&
		    p[i + n + 1] == '"')
			break;
	if (i + n + 2 > len)
		return 0;
	i = skip(p, len, i + n + 2);
	if (i >= len || p[i] != ':')
		return 0;
	i = skip(p, len, i + 1);
	if (i >= len || p[i] != '[')
		return 0;
	i = skip(p, len, i + 1);
	return i < len && p[i] == ']';
}

/* "type" : "issue" somewhere in p. */
static int
has_issue(const unsigned char *p, size_t len)
{
	size_t i, j;

	for (i = 0; i + 6 <= len; i++) {
		if (memcmp(p + i, "\"type\"", 6) != 0)
			continue;
		j = skip(p, len, i + 6);
		if (j >= len || p[j] != ':')
			continue;
		j = skip(p, len, j + 1);
		if (j + 7 <= len && memcmp(p + j, "\"issue\"", 7) == 0)
			return 1;
	}
	return 0;
}

/*
 * The whole file is in the head, every project says "ok": true and every
 * vulnerabilities list is `[]`: certainly no finding.
 */
static int
all_ok(const struct dojobridge_facts *facts)
{
	const unsigned char *p = facts->head;
	size_t i, j, len = facts->head_len;
	int oks = 0;

	if (len != facts->size)
		return 0;
	for (i = 0; i < len; i++) {
		if (i + 4 <= len && memcmp(p + i, "\"ok\"", 4) == 0) {
			j = skip(p, len, i + 4);
			if (j >= len || p[j] != ':')
				continue;
			j = skip(p, len, j + 1);
			if (j + 4 > len || memcmp(p + j, "true", 4) != 0)
				return 0;
			oks++;
		} else if (i + 17 <= len &&
		    memcmp(p + i, "\"vulnerabilities\"", 17) == 0) {
			j = skip(p, len, i + 17);
			if (j >= len || p[j] != ':')
				continue;
			j = skip(p, len, j + 1);
			if (j >= len || p[j] != '[')
				return 0;
			j = skip(p, len, j + 1);
			if (j >= len || p[j] != ']')
				return 0;
		}
	}
	return oks > 0;
}

static int
snyk_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON)
		return 0;
	if ((facts->json_top == '{' && is_snyk(k)) ||
	    (facts->json_top == '[' && is_snyk(facts->json_elem_keys))) {
		out->score = 95;
		out->scan_type = SNYK;
	} else if (is_long_snyk(facts, facts->json_top == '{' ? k :
	    facts->json_elem_keys)) {
		out->score = 90;
		out->scan_type = SNYK;
	} else if (facts->json_top == '{' && dojobridge_has(k, "jsonapi") &&
	    dojobridge_has(k, "data")) {
		if (has_issue(facts->head, facts->head_len))
			out->score = 95;
		else if (facts->head_len == facts->size &&
		    empty_array(facts->head, facts->head_len, "data"))
			out->score = 50;
		else
			return 0;
		out->scan_type = SNYK_ISSUES;
	}
	return 0;
}

static int
snyk_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[1024];

	host->set(call, DOJOBRIDGE_TOOL, "Snyk");
	if (strcmp(scan_type, SNYK) != 0)
		return 0;
	/* One project: its name; all projects: the directory they share. */
	if (facts->json_top == '{') {
		if ((host->json_find(call, "projectName", 0, buf,
		    sizeof(buf)) == 0 || host->json_find(call, "path", 0, buf,
		    sizeof(buf)) == 0) && buf[0] != '\0')
			host->set(call, DOJOBRIDGE_TARGET, buf);
	} else if ((host->json_find(call, "[0].path", 0, buf,
	    sizeof(buf)) == 0 || host->json_find(call, "[0].projectName", 0,
	    buf, sizeof(buf)) == 0) && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	if (all_ok(facts))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type snyk_scan_types[] = {
	{ SNYK, NULL, 0 },
	{ SNYK_ISSUES, NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin snyk_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "snyk",
	.version = "1.0",
	.description = "Snyk CLI JSON (snyk test --json) and Snyk REST issues API JSON",
	.scan_types = snyk_scan_types,
	.probe = snyk_probe,
	.extract = snyk_extract,
};

DOJOBRIDGE_PLUGIN(snyk_plugin)
