/*
 * php_security_audit.c — "PHP Security Audit v2": PHP_CodeSniffer's JSON
 * report (`phpcs --report=json`, run with the phpcs-security-audit v2
 * ruleset): {totals{errors, warnings, fixable}, files{<path>{errors,
 * warnings, messages[{message, source, severity, fixable, type, line,
 * column}]}}}.
 *
 * The shape is any phpcs JSON report's; nothing in it names the ruleset
 * (the sources do, per message), and DefectDojo has no other phpcs
 * parser, so the shape is enough: totals and files as the only keys, with
 * phpcs's counters and messages in the head.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static int
phpcs_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    k[0] == NULL || k[1] == NULL || k[2] != NULL ||
	    !dojobridge_has(k, "totals") || !dojobridge_has(k, "files") ||
	    find(h, n, "\"fixable\"") == NULL || find(h, n, "\"warnings\"") == NULL ||
	    find(h, n, "\"messages\"") == NULL)
		return 0;
	out->score = 80;
	out->scan_type = "PHP Security Audit v2";
	return 0;
}

static int
phpcs_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char errors[32], warnings[32];

	(void)facts;
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "PHP_CodeSniffer");
	/* The totals come first and count every message. */
	if (host->json_find(call, "totals.errors", 0, errors, sizeof(errors)) == 0 &&
	    host->json_find(call, "totals.warnings", 0, warnings, sizeof(warnings)) == 0 &&
	    strcmp(errors, "0") == 0 && strcmp(warnings, "0") == 0)
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type phpcs_scan_types[] = {
	{ "PHP Security Audit v2", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin phpcs_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "php_security_audit",
	.version = "1.0",
	.description = "phpcs JSON report (phpcs-security-audit v2)",
	.scan_types = phpcs_scan_types,
	.probe = phpcs_probe,
	.extract = phpcs_extract,
};

DOJOBRIDGE_PLUGIN(phpcs_plugin)
