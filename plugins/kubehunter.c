/*
 * kubehunter.c — "KubeHunter Scan": kube-hunter --report json, an object
 * {nodes[], services[], vulnerabilities[{location, vid, category,
 * severity, vulnerability, description, evidence, avd_reference,
 * hunter}]}.
 *
 * {vulnerabilities: [...]} alone is shared by Mend, npm, Snyk, GitLab and
 * Clair; nodes and services beside it are kube-hunter's, and a first
 * vulnerability's vid and hunter make it certain.  The report has no date;
 * the first node found is the cluster scanned.
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

static int
kubehunter_probe(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "nodes") || !dojobridge_has(k, "services") ||
	    !dojobridge_has(k, "vulnerabilities"))
		return 0;
	out->score = contains(facts->head, facts->head_len, "\"vid\"") &&
	    contains(facts->head, facts->head_len, "\"hunter\"") ? 100 : 85;
	out->scan_type = "KubeHunter Scan";
	return 0;
}

static int
kubehunter_extract(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    const char *scan_type)
{
	char buf[512];

	(void)scan_type;
	if (host->json_find(call, "nodes[0].location", 0, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "kube-hunter");
	if (facts->size <= facts->head_len &&
	    top_empty(facts->head, facts->head_len, "vulnerabilities"))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type kubehunter_scan_types[] = {
	{ "KubeHunter Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin kubehunter_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "kubehunter",
	.version = "1.0",
	.description = "kube-hunter JSON report (nodes, services, vulnerabilities)",
	.scan_types = kubehunter_scan_types,
	.probe = kubehunter_probe,
	.extract = kubehunter_extract,
};

DOJOBRIDGE_PLUGIN(kubehunter_plugin)
