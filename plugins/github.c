/*
 * github.c — what GitHub's APIs return, saved as JSON:
 * - "Github Vulnerability Scan": Dependabot alerts from the GraphQL API,
 *   {data:{repository:{vulnerabilityAlerts}}} or {data:{search:{nodes:
 *   [{vulnerabilityAlerts}]}}}.  {data:...} alone is common to many APIs
 *   (HackerOne, Cobalt, Sysdig, Wazuh, ...), so vulnerabilityAlerts under
 *   repository or search must be seen.
 * - "Github SAST Scan": the REST code-scanning alert list, an array of
 *   {number, rule, tool, most_recent_instance, ...}.  The Github
 *   Vulnerability parser reads that list too (corpus issue_9582.json), so
 *   it is named as the alternative; SAST is the mainstream reading because
 *   that parser is the one written for code-scanning alerts and maps their
 *   rule, tool and location fields.
 * - "Github Secrets Detection Report Scan": the REST secret-scanning alert
 *   list, an array of {number, secret_type, locations_url, ...}.
 * A bare `[]` is any of them (and of forty other types): not claimed.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

#define VULN	"Github Vulnerability Scan"
#define SAST	"Github SAST Scan"
#define SECRETS	"Github Secrets Detection Report Scan"

static const char *const sast_alternatives[] = { VULN, NULL };

static int
github_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *e = facts->json_elem_keys;
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;
	char v[8];

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON)
		return 0;
	if (facts->json_top == '{') {
		if (!dojobridge_has(facts->json_keys, "data") ||
		    find(h, n, "\"vulnerabilityAlerts\"") == NULL)
			return 0;
		if (member(h, n, "\"data\"", "repository", v, sizeof(v)) != 0 &&
		    member(h, n, "\"data\"", "search", v, sizeof(v)) != 0)
			return 0;
		out->score = 95;
		out->scan_type = VULN;
		return 0;
	}
	if (!dojobridge_has(e, "number") || !dojobridge_has(e, "html_url"))
		return 0;
	if (dojobridge_has(e, "secret_type") &&
	    dojobridge_has(e, "locations_url")) {
		out->score = 95;
		out->scan_type = SECRETS;
	} else if (dojobridge_has(e, "rule") && dojobridge_has(e, "tool") &&
	    dojobridge_has(e, "most_recent_instance")) {
		out->score = 90;
		out->scan_type = SAST;
		out->alternatives = sast_alternatives;
		out->mainstream = 1;
	}
	return 0;
}

/* "https://github.com/OWNER/REPO/security/..." -> "OWNER/REPO" */
static int
repo_of(const char *url, char *out, size_t outlen)
{
	const char *p, *end;
	size_t n;

	if ((p = strstr(url, "://")) == NULL || (p = strchr(p + 3, '/')) == NULL)
		return -1;
	p++;
	if ((end = strstr(p, "/security/")) == NULL &&
	    (end = strstr(p, "/code-scanning/")) == NULL &&
	    (end = strstr(p, "/secret-scanning/")) == NULL)
		return -1;
	if (strncmp(p, "repos/", 6) == 0)
		p += 6;
	if (end <= p || (n = (size_t)(end - p)) >= outlen)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

static int
github_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[1024], repo[256];

	(void)facts;
	/* Alerts carry their own dates; the reports have none of their own. */
	if (strcmp(scan_type, VULN) == 0 && facts->json_top == '{') {
		if ((host->json_find(call, "data.repository.nameWithOwner", 0,
		    buf, sizeof(buf)) == 0 || host->json_find(call,
		    "data.repository.name", 0, buf, sizeof(buf)) == 0 ||
		    host->json_find(call, "data.search.nodes[0].nameWithOwner", 0,
		    buf, sizeof(buf)) == 0 || host->json_find(call,
		    "data.search.nodes[0].name", 0, buf, sizeof(buf)) == 0) &&
		    buf[0] != '\0')
			host->set(call, DOJOBRIDGE_TARGET, buf);
		host->set(call, DOJOBRIDGE_TOOL, "Dependabot");
		return 0;
	}
	if (host->json_find(call, "[0].html_url", 0, buf, sizeof(buf)) == 0 &&
	    repo_of(buf, repo, sizeof(repo)) == 0)
		host->set(call, DOJOBRIDGE_TARGET, repo);
	if (strcmp(scan_type, SECRETS) == 0)
		host->set(call, DOJOBRIDGE_TOOL, "GitHub secret scanning");
	else {
		if (host->json_find(call, "[0].tool.name", 0, buf,
		    sizeof(buf)) == 0 && buf[0] != '\0')
			host->set(call, DOJOBRIDGE_TOOL, buf);
		if (host->json_find(call, "[0].tool.version", 0, buf,
		    sizeof(buf)) == 0 && buf[0] != '\0' &&
		    strcmp(buf, "None") != 0)
			host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	}
	return 0;
}

static const struct dojobridge_scan_type github_scan_types[] = {
	{ VULN, NULL, 1 },
	{ SAST, NULL, 0 },
	{ SECRETS, NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin github_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "github",
	.version = "1.0",
	.description = "GitHub Dependabot (GraphQL), code-scanning and "
	    "secret-scanning alert exports",
	.scan_types = github_scan_types,
	.probe = github_probe,
	.extract = github_extract,
};

DOJOBRIDGE_PLUGIN(github_plugin)
