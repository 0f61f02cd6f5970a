/*
 * bandit.c — Bandit's JSON report (bandit -f json): {errors,
 * generated_at, metrics, results[]}.
 *
 * generated_at and metrics together are Bandit's; results may sit past the
 * head in a large report, so it is not required.  generated_at carries a
 * zone ("2020-12-30T09:35:48Z") and is what DefectDojo dates findings with.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Whether the whole report sits in the head and every `"key": [...]` in it
 * is an empty list (at least one such key).  Any doubt answers 0.
 */
static int
all_lists_empty(const struct dojobridge_facts *facts, const char *key)
{
	const unsigned char *p = facts->head;
	size_t len = facts->head_len, n = strlen(key), i, j, seen = 0;

	if (facts->size > len)
		return 0;
	for (i = 0; i + n + 2 <= len; i++) {
		if (p[i] != '"' || memcmp(p + i + 1, key, n) != 0 ||
		    p[i + 1 + n] != '"' || (i > 0 && p[i - 1] == '\\'))
			continue;
		for (j = i + n + 2; j < len && space(p[j]); j++)
			;
		if (j >= len || p[j] != ':')
			continue;
		for (j++; j < len && space(p[j]); j++)
			;
		if (j >= len || p[j] != '[')
			return 0;
		for (j++; j < len && space(p[j]); j++)
			;
		if (j >= len || p[j] != ']')
			return 0;
		seen++;
	}
	return seen > 0;
}

static int
bandit_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "generated_at") || !dojobridge_has(k, "metrics") ||
	    (!dojobridge_has(k, "results") && !dojobridge_has(k, "errors")))
		return 0;
	out->score = 95;
	out->scan_type = "Bandit Scan";
	return 0;
}

static int
bandit_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;
	char date[11];

	(void)scan_type;
	v = dojobridge_pair(facts->json_scalars, "generated_at");
	if (v != NULL && host->date(v, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	host->set(call, DOJOBRIDGE_TOOL, "Bandit");
	if (all_lists_empty(facts, "results"))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type bandit_scan_types[] = {
	{ "Bandit Scan", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin bandit_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "bandit",
	.version = "1.0",
	.description = "Bandit JSON report (errors, generated_at, metrics, results)",
	.scan_types = bandit_scan_types,
	.probe = bandit_probe,
	.extract = bandit_extract,
};

DOJOBRIDGE_PLUGIN(bandit_plugin)
