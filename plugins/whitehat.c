/*
 * whitehat.c — "WhiteHat Sentinel": the Sentinel API's vulnerability
 * query (api/vuln/query_site), {collection[{id, class, status, found,
 * severity, threat, risk, site_name, url, description{...},
 * solution{...}, attack_vectors[], ...}]}.
 *
 * {collection: [...]} alone is generic, so the first vulnerability must
 * show Sentinel's names (site_name, threat, risk, found, and an href into
 * /api/vuln/ or retest_state).  DefectDojo's parser raises on an empty
 * collection, so `{"collection": []}` is not claimed.  Findings date
 * themselves (found); the first one's site is the target.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static int
whitehat_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(facts->json_keys, "collection"))
		return 0;
	if (find(h, n, "\"site_name\"") == NULL || find(h, n, "\"threat\"") == NULL ||
	    find(h, n, "\"risk\"") == NULL || find(h, n, "\"found\"") == NULL ||
	    find(h, n, "\"class\"") == NULL)
		return 0;
	out->score = find(h, n, "\"/api/vuln/") != NULL ||
	    find(h, n, "\"retest_state\"") != NULL ? 95 : 80;
	out->scan_type = "WhiteHat Sentinel";
	return 0;
}

static int
whitehat_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[512];

	(void)facts;
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "WhiteHat Sentinel");
	if (host->json_find(call, "collection[0].site_name", 0, buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	return 0;
}

static const struct dojobridge_scan_type whitehat_scan_types[] = {
	{ "WhiteHat Sentinel", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin whitehat_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "whitehat",
	.version = "1.0",
	.description = "WhiteHat Sentinel API vulnerabilities (collection)",
	.scan_types = whitehat_scan_types,
	.probe = whitehat_probe,
	.extract = whitehat_extract,
};

DOJOBRIDGE_PLUGIN(whitehat_plugin)
