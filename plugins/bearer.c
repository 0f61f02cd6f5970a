/*
 * bearer.c — Bearer CLI's JSON report (bearer scan --format json): an
 * object keyed only by severity, {critical?, high?, medium?, low?,
 * warning?}, each an array of findings with id, fingerprint,
 * documentation_url, source and sink.
 *
 * Severity words as keys are a weak signal (plenty of summaries count by
 * severity), so every top-level key must be one of them and the head must
 * show a finding's fingerprint and its documentation_url or sink.  The
 * report carries no date, no target and no version.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static int
severity(const char *s)
{
	return strcmp(s, "critical") == 0 || strcmp(s, "high") == 0 ||
	    strcmp(s, "medium") == 0 || strcmp(s, "low") == 0 ||
	    strcmp(s, "warning") == 0;
}

static int
bearer_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    facts->json_keys[0] == NULL)
		return 0;
	for (k = facts->json_keys; *k != NULL; k++)
		if (!severity(*k))
			return 0;
	if (find(facts->head, facts->head_len, "\"fingerprint\"") == NULL ||
	    (find(facts->head, facts->head_len, "\"documentation_url\"") == NULL &&
	    find(facts->head, facts->head_len, "\"sink\"") == NULL))
		return 0;
	out->score = 85;
	out->scan_type = "Bearer CLI";
	return 0;
}

static int
bearer_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)facts;
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Bearer");
	return 0;
}

static const struct dojobridge_scan_type bearer_scan_types[] = {
	{ "Bearer CLI", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin bearer_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "bearer",
	.version = "1.0",
	.description = "Bearer CLI JSON report (findings keyed by severity)",
	.scan_types = bearer_scan_types,
	.probe = bearer_probe,
	.extract = bearer_extract,
};

DOJOBRIDGE_PLUGIN(bearer_plugin)
