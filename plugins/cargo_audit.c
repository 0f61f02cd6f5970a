/*
 * cargo_audit.c — "CargoAudit Scan": cargo-audit's JSON report
 * (cargo audit --json), an object {database, lockfile, settings,
 * vulnerabilities{found, count, list}, warnings}.
 *
 * Signal: database, lockfile and vulnerabilities together, with the
 * advisory database's "advisory-count" in the head.  The report has no
 * scan time: database.last-updated is the advisory database's age, not
 * the scan's, so no date is reported.
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
cargo_audit_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "database") || !dojobridge_has(k, "lockfile") ||
	    !dojobridge_has(k, "vulnerabilities"))
		return 0;
	out->score = find(facts->head, facts->head_len, "\"advisory-count\"") !=
	    NULL ? 95 : 80;
	out->scan_type = "CargoAudit Scan";
	return 0;
}

static int
cargo_audit_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "cargo-audit");
	/* Warnings (unmaintained, yanked) become findings too. */
	if (empty_value(facts, "\"list\"") && empty_value(facts, "\"warnings\""))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type cargo_audit_scan_types[] = {
	{ "CargoAudit Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin cargo_audit_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "cargo_audit",
	.version = "1.0",
	.description = "cargo-audit JSON report",
	.scan_types = cargo_audit_scan_types,
	.probe = cargo_audit_probe,
	.extract = cargo_audit_extract,
};

DOJOBRIDGE_PLUGIN(cargo_audit_plugin)
