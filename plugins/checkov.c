/*
 * checkov.c — "Checkov Scan": Checkov's JSON output (checkov -o json).
 *
 * Three shapes: one framework's report {check_type, results{passed_checks,
 * failed_checks, ...}, summary{..., checkov_version}}; an array of those
 * when several frameworks ran; and, when nothing at all was scanned, the
 * bare summary {passed, failed, skipped, parsing_errors, resource_count,
 * checkov_version}.  The parser returns no finding for the last, so it is
 * reported empty.  Signal: check_type with results (or the summary's
 * checkov_version scalar).  The report carries no date.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static int
blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * 1 when the whole file sits in the head and the one value keyed qkey
 * (quotes included) is [] or {}: a report that certainly lists nothing.
 * A key seen twice (nested somewhere as well) proves nothing.
 */
static int
empty_value(const struct dojobridge_facts *f, const char *qkey)
{
	const unsigned char *p = f->head, *hit;
	size_t len = f->head_len, i;
	unsigned char close;

	if (f->size != f->head_len || (hit = find(p, len, qkey)) == NULL)
		return 0;
	i = (size_t)(hit - p) + strlen(qkey);
	if (find(p + i, len - i, qkey) != NULL)
		return 0;
	while (i < len && blank(p[i]))
		i++;
	if (i >= len || p[i] != ':')
		return 0;
	for (i++; i < len && blank(p[i]); i++)
		;
	if (i >= len || (p[i] != '[' && p[i] != '{'))
		return 0;
	close = p[i] == '[' ? ']' : '}';
	for (i++; i < len && blank(p[i]); i++)
		;
	return i < len && p[i] == close;
}

static int
summary_only(const struct dojobridge_facts *facts)
{
	const char *const *k = facts->json_keys;

	return facts->json_top == '{' &&
	    dojobridge_pair(facts->json_scalars, "checkov_version") != NULL &&
	    dojobridge_has(k, "passed") && dojobridge_has(k, "failed") &&
	    !dojobridge_has(k, "results");
}

static int
checkov_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k;
	int version;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON)
		return 0;
	version = find(facts->head, facts->head_len, "\"checkov_version\"") != NULL ||
	    find(facts->tail, facts->tail_len, "\"checkov_version\"") != NULL;
	k = facts->json_top == '{' ? facts->json_keys : facts->json_elem_keys;
	if (dojobridge_has(k, "check_type") && dojobridge_has(k, "results"))
		out->score = version ? 95 : 80;
	else if (summary_only(facts))
		out->score = 90;
	else
		return 0;
	out->scan_type = "Checkov Scan";
	return 0;
}

static int
checkov_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;
	char buf[128];

	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Checkov");
	if ((v = dojobridge_pair(facts->json_scalars, "checkov_version")) != NULL) {
		host->set(call, DOJOBRIDGE_TOOL_VERSION, v);
		if (summary_only(facts))
			host->set(call, DOJOBRIDGE_FINDINGS, "0");
	} else if (host->json_find(call, facts->json_top == '{' ?
	    "summary.checkov_version" : "[0].summary.checkov_version", 0, buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	if (facts->json_top == '{' && empty_value(facts, "\"failed_checks\""))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type checkov_scan_types[] = {
	{ "Checkov Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin checkov_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "checkov",
	.version = "1.0",
	.description = "Checkov JSON output",
	.scan_types = checkov_scan_types,
	.probe = checkov_probe,
	.extract = checkov_extract,
};

DOJOBRIDGE_PLUGIN(checkov_plugin)
