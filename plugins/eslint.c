/*
 * eslint.c — "ESLint Scan": `eslint -f json`, an array with one object per
 * file: {filePath, messages[], errorCount, warningCount,
 * fixableErrorCount, fixableWarningCount[, source, usedDeprecatedRules]}.
 * filePath with the counters is ESLint's own shape (other linters that
 * copy it are read by the same parser).
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

/* Whether every "messages" in the (whole) text is an empty array. */
static int
all_messages_empty(const unsigned char *p, size_t len)
{
	const unsigned char *hit;
	size_t i = 0, j;

	while ((hit = find(p + i, len - i, "\"messages\"")) != NULL) {
		i = (size_t)(hit - p) + 10;
		j = skip_ws(p, len, i);
		if (j >= len || p[j] != ':')
			continue;
		j = skip_ws(p, len, j + 1);
		if (j >= len || p[j] != '[')
			return 0;
		j = skip_ws(p, len, j + 1);
		if (j >= len || p[j] != ']')
			return 0;
	}
	return 1;
}

static int
eslint_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *e = facts->json_elem_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '[' ||
	    !dojobridge_has(e, "filePath") || !dojobridge_has(e, "messages") ||
	    !dojobridge_has(e, "errorCount") ||
	    !dojobridge_has(e, "warningCount"))
		return 0;
	out->score = dojobridge_has(e, "fixableErrorCount") ? 95 : 85;
	out->scan_type = "ESLint Scan";
	return 0;
}

static int
eslint_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "ESLint");
	if (facts->size == facts->head_len &&
	    all_messages_empty(facts->head, facts->head_len))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type eslint_scan_types[] = {
	{ "ESLint Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin eslint_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "eslint",
	.version = "1.0",
	.description = "ESLint JSON output",
	.scan_types = eslint_scan_types,
	.probe = eslint_probe,
	.extract = eslint_extract,
};

DOJOBRIDGE_PLUGIN(eslint_plugin)
