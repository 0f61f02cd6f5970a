/*
 * horusec.c — "Horusec Scan": horusec start -o json, an object {version
 * ("v2.x"), id, repositoryID, repositoryName, workspaceID, workspaceName,
 * status, errors, createdAt, finishedAt, analysisVulnerabilities[]}.
 *
 * analysisVulnerabilities is Horusec's own word; with the workspace and
 * repository ids beside it the shape is unmistakable.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawjson.h"

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
horusec_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "analysisVulnerabilities"))
		return 0;
	if (dojobridge_has(k, "repositoryID") && dojobridge_has(k, "workspaceID"))
		out->score = 100;
	else if (dojobridge_has(k, "createdAt") && dojobridge_has(k, "version"))
		out->score = 80;
	else
		return 0;
	out->scan_type = "Horusec Scan";
	return 0;
}

static int
horusec_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;
	char date[11];

	(void)scan_type;
	/* The analysis started then; finishedAt can fall on the next day. */
	if (((v = dojobridge_pair(facts->json_scalars, "createdAt")) != NULL &&
	    host->date(v, 0, date) == 0) ||
	    ((v = dojobridge_pair(facts->json_scalars, "finishedAt")) != NULL &&
	    host->date(v, 0, date) == 0))
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if ((v = dojobridge_pair(facts->json_scalars, "repositoryName")) != NULL &&
	    v[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, v);
	host->set(call, DOJOBRIDGE_TOOL, "Horusec");
	if ((v = dojobridge_pair(facts->json_scalars, "version")) != NULL &&
	    v[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, v);
	if (facts->size <= facts->head_len &&
	    top_empty(facts->head, facts->head_len, "analysisVulnerabilities"))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type horusec_scan_types[] = {
	{ "Horusec Scan", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin horusec_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "horusec",
	.version = "1.0",
	.description = "Horusec JSON report (analysisVulnerabilities)",
	.scan_types = horusec_scan_types,
	.probe = horusec_probe,
	.extract = horusec_extract,
};

DOJOBRIDGE_PLUGIN(horusec_plugin)
