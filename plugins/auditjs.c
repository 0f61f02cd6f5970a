/*
 * auditjs.c — AuditJS (Sonatype OSS Index) JSON: a bare array of
 * {coordinates: "pkg:npm/…", description, reference, vulnerabilities[]}.
 *
 * A bare array is the commonest shape there is, so the first element must
 * have coordinates, reference and vulnerabilities, and the head must show a
 * package URL.  AuditJS's text banner (a failed run) is not JSON and is left
 * alone.  The report carries no date and no project name.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

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
auditjs_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *e = facts->json_elem_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '[' ||
	    !dojobridge_has(e, "coordinates") || !dojobridge_has(e, "reference") ||
	    !dojobridge_has(e, "vulnerabilities") ||
	    find(facts->head, facts->head_len, "\"pkg:") == NULL)
		return 0;
	out->score = 90;
	out->scan_type = "AuditJS Scan";
	return 0;
}

static int
auditjs_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "AuditJS");
	if (all_lists_empty(facts, "vulnerabilities"))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type auditjs_scan_types[] = {
	{ "AuditJS Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin auditjs_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "auditjs",
	.version = "1.0",
	.description = "AuditJS (OSS Index) JSON: [{coordinates, reference, vulnerabilities}]",
	.scan_types = auditjs_scan_types,
	.probe = auditjs_probe,
	.extract = auditjs_extract,
};

DOJOBRIDGE_PLUGIN(auditjs_plugin)
