/*
 * hadolint.c — "Hadolint Dockerfile check": hadolint -f json, a bare array
 * of {line, code, message, column, file, level}.
 *
 * A bare array is the commonest JSON shape there is (45+ scan types use
 * one), so only the full set of six keys of the first element counts, and
 * the first rule code (DL3xxx, SCxxxx) lifts the score.  An empty array
 * says nothing and is left alone.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
hadolint_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	static const char *const keys[] = {
		"line", "code", "message", "column", "file", "level", NULL
	};
	const char *const *k;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '[')
		return 0;
	for (k = keys; *k != NULL; k++)
		if (!dojobridge_has(facts->json_elem_keys, *k))
			return 0;
	out->score = 95;
	out->scan_type = "Hadolint Dockerfile check";
	return 0;
}

static int
hadolint_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[1024];

	(void)facts;
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "hadolint");
	/* The Dockerfile checked is what tells one report from another. */
	if (host->json_find(call, "[0].file", 0, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	return 0;
}

static const struct dojobridge_scan_type hadolint_scan_types[] = {
	{ "Hadolint Dockerfile check", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin hadolint_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "hadolint",
	.version = "1.0",
	.description = "hadolint JSON (array of line, code, message, file, level)",
	.scan_types = hadolint_scan_types,
	.probe = hadolint_probe,
	.extract = hadolint_extract,
};

DOJOBRIDGE_PLUGIN(hadolint_plugin)
