/*
 * whispers.c — "Whispers Scan": Whispers' JSON output, a bare array of
 * secrets {key, value, file, line, rule_id, message, severity}.
 *
 * A bare array is shared with dozens of formats; the seven keys together
 * are Whispers' (Gitleaks uses Capitalised or other names, Trufflehog3 has
 * rule objects and secret/context).  `[]` says nothing and is left alone.
 * The report holds no date.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
whispers_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_elem_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '[')
		return 0;
	if (!dojobridge_has(k, "key") || !dojobridge_has(k, "value") ||
	    !dojobridge_has(k, "file") || !dojobridge_has(k, "line") ||
	    !dojobridge_has(k, "rule_id") || !dojobridge_has(k, "severity") ||
	    !dojobridge_has(k, "message"))
		return 0;
	out->score = 85;
	out->scan_type = "Whispers Scan";
	return 0;
}

static int
whispers_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)facts;
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Whispers");
	return 0;
}

static const struct dojobridge_scan_type whispers_scan_types[] = {
	{ "Whispers Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin whispers_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "whispers",
	.version = "1.0",
	.description = "Whispers JSON secrets (array of key/value/file/rule_id)",
	.scan_types = whispers_scan_types,
	.probe = whispers_probe,
	.extract = whispers_extract,
};

DOJOBRIDGE_PLUGIN(whispers_plugin)
