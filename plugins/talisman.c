/*
 * talisman.c — "Talisman Scan": Talisman's JSON report {summary{types{
 * filecontent, filesize, filename, warnings, ignores}}, results[{filename,
 * failure_list, warning_list, ignore_list}]}.
 *
 * {results: ...} is shared with many tools (Semgrep, TFSec, Terrascan,
 * Twistlock, OSV ...), so the probe wants the summary sibling and
 * Talisman's own names (summary.types counters or a result's failure_list)
 * in the head.  The report holds no date and no target.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"
#include "rawjson.h"

/* Is the first `key` (quotes included) in p followed by an empty array? */
static int
empty_array(const unsigned char *p, size_t len, const char *key)
{
	const unsigned char *k = find(p, len, key);
	size_t i;

	if (k == NULL)
		return 0;
	for (i = (size_t)(k - p) + strlen(key); i < len &&
	    (space(p[i]) || p[i] == ':'); i++)
		;
	if (i >= len || p[i] != '[')
		return 0;
	for (i++; i < len && space(p[i]); i++)
		;
	return i < len && p[i] == ']';
}

static int
talisman_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;
	int types;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(facts->json_keys, "summary") ||
	    !dojobridge_has(facts->json_keys, "results"))
		return 0;
	types = find(h, n, "\"types\"") != NULL &&
	    find(h, n, "\"filecontent\"") != NULL &&
	    find(h, n, "\"filesize\"") != NULL;
	if (find(h, n, "\"failure_list\"") != NULL &&
	    find(h, n, "\"warning_list\"") != NULL)
		out->score = types ? 100 : 90;
	else if (types)
		out->score = 85;
	else
		return 0;
	out->scan_type = "Talisman Scan";
	return 0;
}

static int
talisman_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Talisman");
	if (facts->size <= facts->head_len &&
	    empty_array(facts->head, facts->head_len, "\"results\""))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type talisman_scan_types[] = {
	{ "Talisman Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin talisman_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "talisman",
	.version = "1.0",
	.description = "Talisman JSON report (summary.types, results)",
	.scan_types = talisman_scan_types,
	.probe = talisman_probe,
	.extract = talisman_extract,
};

DOJOBRIDGE_PLUGIN(talisman_plugin)
