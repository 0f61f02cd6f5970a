/*
 * coverity.c — Coverity's two JSON forms: "Coverity API" (Coverity
 * Connect's /api/viewContents/issues answer, {viewContentsV1:{offset,
 * totalRows, columns, rows}}) and "Coverity Scan JSON Report" (cov-format-
 * errors --json-output-v*, {type: "Coverity issues", formatVersion,
 * issues, ...}).
 *
 * Signals: the viewContentsV1 key with totalRows and columns inside it;
 * the type scalar "Coverity issues", unmistakable.  Neither form carries a
 * report date (the API's firstDetected is per issue).
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
coverity_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *v;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{')
		return 0;
	if ((v = dojobridge_pair(facts->json_scalars, "type")) != NULL &&
	    strcmp(v, "Coverity issues") == 0) {
		out->score = 100;
		out->scan_type = "Coverity Scan JSON Report";
	} else if (dojobridge_has(facts->json_keys, "viewContentsV1") &&
	    find(facts->head, facts->head_len, "\"totalRows\"") != NULL &&
	    find(facts->head, facts->head_len, "\"columns\"") != NULL) {
		out->score = 95;
		out->scan_type = "Coverity API";
	}
	return 0;
}

static int
coverity_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	if (strcmp(scan_type, "Coverity API") == 0) {
		host->set(call, DOJOBRIDGE_TOOL, "Coverity Connect");
		if (empty_value(facts, "\"rows\""))
			host->set(call, DOJOBRIDGE_FINDINGS, "0");
		return 0;
	}
	host->set(call, DOJOBRIDGE_TOOL, "Coverity");
	if (empty_value(facts, "\"issues\""))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type coverity_scan_types[] = {
	{ "Coverity API", NULL, 1 },
	{ "Coverity Scan JSON Report", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin coverity_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "coverity",
	.version = "1.0",
	.description = "Coverity Connect API issues view and cov-format-errors JSON",
	.scan_types = coverity_scan_types,
	.probe = coverity_probe,
	.extract = coverity_extract,
};

DOJOBRIDGE_PLUGIN(coverity_plugin)
