/*
 * mozilla_observatory.c — "Mozilla Observatory Scan": the observatory
 * CLI's JSON, either {scan{..., end_time}, tests{<test>{expectation, pass,
 * result, score_modifier}}} or the bare tests map whose keys are only the
 * Observatory's test names (content-security-policy, cookies, ...).
 *
 * Both shapes are generic objects, so the probe also wants the per-test
 * keys "expectation" and "score_modifier" in the head, and for the bare
 * map every top-level key must be one of the Observatory's test names.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static const char *const test_names[] = {
	"content-security-policy", "contribute", "cookies",
	"cross-origin-resource-sharing", "cross-origin-resource-policy",
	"public-key-pinning", "redirection", "referrer-policy",
	"strict-transport-security", "subresource-integrity",
	"x-content-type-options", "x-frame-options", "x-xss-protection",
	NULL
};

static int
only_test_names(const char *const *k)
{
	int n = 0;

	for (; *k != NULL; k++, n++)
		if (!dojobridge_has(test_names, *k))
			return 0;
	return n >= 2;
}

static int
observatory_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    find(facts->head, facts->head_len, "\"score_modifier\"") == NULL ||
	    find(facts->head, facts->head_len, "\"expectation\"") == NULL)
		return 0;
	if (dojobridge_has(k, "scan") && dojobridge_has(k, "tests"))
		out->score = 95;
	else if (only_test_names(k))
		out->score = 85;
	else
		return 0;
	out->scan_type = "Mozilla Observatory Scan";
	return 0;
}

static int
observatory_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[256], date[11];

	(void)facts;
	(void)scan_type;
	/*
	 * RFC 2822 with GMT: "Wed, 05 May 2021 07:57:28 GMT".  The 2022 CLI
	 * dropped the times; the site's own Date header is then the moment
	 * it was scanned.
	 */
	if ((host->json_find(call, "scan.end_time", 0, buf, sizeof(buf)) == 0 ||
	    host->json_find(call, "scan.start_time", 0, buf, sizeof(buf)) == 0 ||
	    host->json_find(call, "scan.response_headers.Date", 0, buf,
	    sizeof(buf)) == 0) && host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	host->set(call, DOJOBRIDGE_TOOL, "Mozilla Observatory");
	return 0;
}

static const struct dojobridge_scan_type observatory_scan_types[] = {
	{ "Mozilla Observatory Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin observatory_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "mozilla_observatory",
	.version = "1.0",
	.description = "Mozilla Observatory CLI JSON (scan + tests, or the tests map)",
	.scan_types = observatory_scan_types,
	.probe = observatory_probe,
	.extract = observatory_extract,
};

DOJOBRIDGE_PLUGIN(observatory_plugin)
