/*
 * bundler_audit.c — "Bundler-Audit Scan": the plain-text output of
 * `bundler-audit check`, blocks of "Name: / Version: / Advisory: (or CVE:
 * and GHSA:) / Criticality: / URL: / Title: / Solution:" lines separated
 * by blank lines, possibly after "Vulnerabilities found!".
 *
 * Signal: those line labels at line starts in the head; no other text
 * format has Criticality: beside Solution:.  "No vulnerabilities found"
 * alone is the tool's empty answer, reported empty.  bundler-audit's JSON
 * (--format json, {version, created_at, results}) is NOT claimed: the
 * parser reads only the text form and would find nothing in it, which on
 * reimport closes every open finding (detection.md 2.20).  The text has
 * no date.
 */
#include <string.h>

#include "dojobridge-plugin.h"

/* Does some line of the text start with label? */
static int
line_starts(const unsigned char *p, size_t len, const char *label)
{
	const unsigned char *s = p, *end = p + len;
	size_t n = strlen(label);

	while (s < end) {
		if ((size_t)(end - s) >= n && memcmp(s, label, n) == 0)
			return 1;
		if ((s = memchr(s, '\n', (size_t)(end - s))) == NULL)
			return 0;
		s++;
	}
	return 0;
}

static int
is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The whole file is "No vulnerabilities found", give or take blank space. */
static int
says_none(const struct dojobridge_facts *f)
{
	static const char none[] = "No vulnerabilities found";
	size_t i = 0, j = f->head_len;

	if (f->size != f->head_len)
		return 0;
	while (i < j && is_blank(f->head[i]))
		i++;
	while (j > i && is_blank(f->head[j - 1]))
		j--;
	return j - i == sizeof(none) - 1 && memcmp(f->head + i, none, j - i) == 0;
}

static int
bundler_audit_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_TEXT)
		return 0;
	if (line_starts(h, n, "Name: ") && line_starts(h, n, "Version: ") &&
	    line_starts(h, n, "Criticality: ") && line_starts(h, n, "Title: ") &&
	    line_starts(h, n, "Solution: ") && (line_starts(h, n, "Advisory: ") ||
	    line_starts(h, n, "CVE: ") || line_starts(h, n, "GHSA: ")))
		out->score = 90;
	else if (says_none(facts))
		out->score = 50;
	else
		return 0;
	out->scan_type = "Bundler-Audit Scan";
	return 0;
}

static int
bundler_audit_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "bundler-audit");
	if (says_none(facts))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type bundler_audit_scan_types[] = {
	{ "Bundler-Audit Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin bundler_audit_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "bundler_audit",
	.version = "1.0",
	.description = "bundler-audit check text output",
	.scan_types = bundler_audit_scan_types,
	.probe = bundler_audit_probe,
	.extract = bundler_audit_extract,
};

DOJOBRIDGE_PLUGIN(bundler_audit_plugin)
