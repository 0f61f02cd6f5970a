/*
 * anchore.c — Anchore's own reports (Grype has its plugin):
 *   "Anchore Engine Scan": anchore-cli image vuln, {imageDigest,
 *     vulnerabilities[], vulnerability_type}, or the newer {metadata,
 *     securityEvaluation[]};
 *   "AnchoreCTL Vuln Report": a bare array of camelCase vulnerabilities
 *     {feed, feedGroup, package, packageName, packageVersion, vuln, ...};
 *   "AnchoreCTL Policies Report": {evaluatedTag, policyId, imageDigest,
 *     evaluations[]}, or the legacy array of {detail, digest, finalAction,
 *     finalActionReason, lastEvaluation, policyId, status, tag};
 *   "Anchore Enterprise Policy Check": anchore-cli evaluate check --detail,
 *     an array of one object whose only key is the image digest "sha256:…".
 *
 * The traps: Engine's vulnerabilities have the same fields as AnchoreCTL's
 * but in snake_case and wrapped in an object, so the wrapper decides; the
 * Enterprise check has no fixed key at all, so the digest-shaped key plus a
 * policy "detail" in the head is required before it is claimed.
 */
#include <string.h>

#include "dojobridge-plugin.h"

#define ENGINE		"Anchore Engine Scan"
#define CTL_VULNS	"AnchoreCTL Vuln Report"
#define CTL_POLICIES	"AnchoreCTL Policies Report"
#define ENTERPRISE	"Anchore Enterprise Policy Check"

static int
space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Offset just past `"key"` and the colon after it, searching from `from`. */
static size_t
raw_key(const unsigned char *p, size_t len, size_t from, const char *key)
{
	size_t n = strlen(key), i, j;

	for (i = from; i + n + 2 <= len; i++) {
		if (p[i] != '"' || memcmp(p + i + 1, key, n) != 0 ||
		    p[i + 1 + n] != '"' || (i > 0 && p[i - 1] == '\\'))
			continue;
		for (j = i + n + 2; j < len && space(p[j]); j++)
			;
		if (j < len && p[j] == ':') {
			for (j++; j < len && space(p[j]); j++)
				;
			return j < len ? j : 0;
		}
	}
	return 0;
}

/* The plain string at offset i (escapes copied as written). */
static int
raw_string(const unsigned char *p, size_t len, size_t i, char *out, size_t outlen)
{
	size_t n = 0;

	if (i == 0 || i >= len || p[i] != '"')
		return -1;
	for (i++; i < len && p[i] != '"' && n + 1 < outlen; i++)
		out[n++] = (char)p[i];
	out[n] = '\0';
	return i < len && p[i] == '"' ? 0 : -1;
}

/*
 * Whether the whole report sits in the head and every `"key": [...]` in it
 * is an empty list (at least one such key).  Any doubt answers 0.
 */
static int
all_lists_empty(const struct dojobridge_facts *facts, const char *key)
{
	const unsigned char *p = facts->head;
	size_t len = facts->head_len, i = 0, seen = 0;

	if (facts->size > len)
		return 0;
	while ((i = raw_key(p, len, i, key)) != 0) {
		if (p[i] != '[')
			return 0;
		for (i++; i < len && space(p[i]); i++)
			;
		if (i >= len || p[i] != ']')
			return 0;
		seen++;
	}
	return seen > 0;
}

/* "sha256:" and 64 hex digits. */
static int
digest_key(const char *s)
{
	size_t i;

	if (strncmp(s, "sha256:", 7) != 0)
		return 0;
	for (i = 7; s[i] != '\0'; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == 7 + 64;
}

static int
has_all(const char *const *list, const char *const *names)
{
	for (; *names != NULL; names++)
		if (!dojobridge_has(list, *names))
			return 0;
	return 1;
}

static int
anchore_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	static const char *const engine[] = {
		"imageDigest", "vulnerabilities", "vulnerability_type", NULL
	};
	static const char *const policies[] = {
		"evaluatedTag", "policyId", "imageDigest", "evaluations", NULL
	};
	static const char *const legacy_policies[] = {
		"digest", "finalAction", "finalActionReason", "lastEvaluation",
		"policyId", "detail", NULL
	};
	static const char *const ctl_vulns[] = {
		"feed", "feedGroup", "packageName", "packageVersion", "vuln", NULL
	};
	const char *const *k = facts->json_keys, *const *e = facts->json_elem_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON)
		return 0;
	if (facts->json_top == '{') {
		if (has_all(k, engine)) {
			out->score = 95;
			out->scan_type = ENGINE;
		} else if (dojobridge_has(k, "securityEvaluation") &&
		    dojobridge_has(k, "metadata")) {
			out->score = 90;
			out->scan_type = ENGINE;
		} else if (has_all(k, policies)) {
			out->score = 95;
			out->scan_type = CTL_POLICIES;
		}
	} else if (facts->json_top == '[') {
		if (has_all(e, legacy_policies)) {
			out->score = 95;
			out->scan_type = CTL_POLICIES;
		} else if (has_all(e, ctl_vulns)) {
			out->score = 95;
			out->scan_type = CTL_VULNS;
		} else if (e[0] != NULL && e[1] == NULL && digest_key(e[0]) &&
		    raw_key(facts->head, facts->head_len, 0, "detail") != 0 &&
		    raw_key(facts->head, facts->head_len, 0, "policy") != 0) {
			out->score = 90;
			out->scan_type = ENTERPRISE;
		}
	}
	return 0;
}

static void
set_date(const struct dojobridge_host *host, struct dojobridge_call *call,
    const char *text)
{
	char date[11];

	if (host->date(text, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
}

static void
engine_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts)
{
	const char *v;
	char buf[1024], repo[512], tag[256];
	size_t n;

	host->set(call, DOJOBRIDGE_TOOL, "Anchore Engine");
	if (dojobridge_has(facts->json_keys, "imageDigest")) {
		/* The legacy report names no image, only its digest. */
		v = dojobridge_pair(facts->json_scalars, "imageDigest");
		if (v != NULL && *v != '\0')
			host->set(call, DOJOBRIDGE_TARGET, v);
		if (all_lists_empty(facts, "vulnerabilities"))
			host->set(call, DOJOBRIDGE_FINDINGS, "0");
		return;
	}
	if (host->json_find(call, "metadata.timestamp", 0, buf, sizeof(buf)) == 0)
		set_date(host, call, buf);
	if (host->json_find(call, "metadata.repository", 0, repo,
	    sizeof(repo)) == 0 && repo[0] != '\0') {
		buf[0] = '\0';
		if (host->json_find(call, "metadata.registry", 0, buf,
		    sizeof(buf) - sizeof(repo) - sizeof(tag) - 2) != 0)
			buf[0] = '\0';
		n = strlen(buf);
		if (n > 0)
			buf[n++] = '/';
		memcpy(buf + n, repo, strlen(repo) + 1);
		if (host->json_find(call, "metadata.tag", 0, tag,
		    sizeof(tag)) == 0 && tag[0] != '\0') {
			n = strlen(buf);
			buf[n++] = ':';
			memcpy(buf + n, tag, strlen(tag) + 1);
		}
		host->set(call, DOJOBRIDGE_TARGET, buf);
	} else if (host->json_find(call, "metadata.imageDigest", 0, buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	if (all_lists_empty(facts, "securityEvaluation"))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
}

static void
policies_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts)
{
	char buf[1024];

	host->set(call, DOJOBRIDGE_TOOL, "AnchoreCTL");
	if (facts->json_top == '{') {
		if (host->json_find(call, "evaluations[0].evaluationTime", 0,
		    buf, sizeof(buf)) == 0)
			set_date(host, call, buf);
		if (host->json_find(call, "evaluatedTag", 0, buf,
		    sizeof(buf)) == 0 && buf[0] != '\0')
			host->set(call, DOJOBRIDGE_TARGET, buf);
		if (all_lists_empty(facts, "details"))
			host->set(call, DOJOBRIDGE_FINDINGS, "0");
		return;
	}
	if (host->json_find(call, "[0].lastEvaluation", 0, buf, sizeof(buf)) == 0)
		set_date(host, call, buf);
	if (host->json_find(call, "[0].tag", 0, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	if (all_lists_empty(facts, "detail"))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
}

/*
 * [{"sha256:…": {"<tag>": [{"detail": …, "last_evaluation": …}]}}]: the tag
 * is the first key after the digest; the evaluation time follows a large
 * "detail", so it is looked for in the tail, then the head.
 */
static void
enterprise_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts)
{
	const unsigned char *p = facts->head;
	size_t len = facts->head_len, i;
	char buf[512];

	host->set(call, DOJOBRIDGE_TOOL, "Anchore Enterprise");
	if ((i = raw_key(facts->tail, facts->tail_len, 0, "last_evaluation")) == 0 ||
	    raw_string(facts->tail, facts->tail_len, i, buf, sizeof(buf)) != 0) {
		i = raw_key(p, len, 0, "last_evaluation");
		if (raw_string(p, len, i, buf, sizeof(buf)) != 0)
			buf[0] = '\0';
	}
	if (buf[0] != '\0')
		set_date(host, call, buf);

	if (facts->json_elem_keys[0] == NULL ||
	    (i = raw_key(p, len, 0, facts->json_elem_keys[0])) == 0 ||
	    p[i] != '{')
		return;
	for (i++; i < len && space(p[i]); i++)
		;
	if (raw_string(p, len, i, buf, sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
}

static int
anchore_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	if (strcmp(scan_type, ENGINE) == 0)
		engine_extract(host, call, facts);
	else if (strcmp(scan_type, CTL_POLICIES) == 0)
		policies_extract(host, call, facts);
	else if (strcmp(scan_type, ENTERPRISE) == 0)
		enterprise_extract(host, call, facts);
	else
		host->set(call, DOJOBRIDGE_TOOL, "AnchoreCTL");
	return 0;
}

static const struct dojobridge_scan_type anchore_scan_types[] = {
	{ ENGINE, NULL, 0 },
	{ CTL_VULNS, NULL, 0 },
	{ CTL_POLICIES, NULL, 0 },
	{ ENTERPRISE, NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin anchore_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "anchore",
	.version = "1.0",
	.description = "Anchore Engine, AnchoreCTL (vulns, policies), Anchore Enterprise policy check",
	.scan_types = anchore_scan_types,
	.probe = anchore_probe,
	.extract = anchore_extract,
};

DOJOBRIDGE_PLUGIN(anchore_plugin)
