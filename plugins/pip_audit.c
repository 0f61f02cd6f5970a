/*
 * pip_audit.c — "pip-audit Scan": `pip-audit -f json`, today
 * {dependencies[{name, version, vulns[{id, fix_versions, aliases,
 * description}]} or {name, skip_reason}], fixes[]?}, formerly a bare array
 * of {name, version, vulns[]}.
 *
 * Both shapes are generic words, so the probe wants dependencies as the
 * only key (besides fixes) with pip-audit's vulns or skip_reason in the
 * head, or first array elements of exactly name, version and vulns.
 * {"dependencies": []} is pip-audit with nothing installed: it is claimed
 * weakly and reported as listing no findings.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static int
ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The first `"key": []` in p. */
static int
empty_list(const unsigned char *p, size_t len, const char *key)
{
	const unsigned char *v = find(p, len, key);
	size_t i;

	if (v == NULL)
		return 0;
	for (i = (size_t)(v - p) + strlen(key); i < len && (ws(p[i]) || p[i] == ':'); i++)
		;
	if (i >= len || p[i] != '[')
		return 0;
	for (i++; i < len && ws(p[i]); i++)
		;
	return i < len && p[i] == ']';
}

static int
only_dependencies(const char *const *k)
{
	if (!dojobridge_has(k, "dependencies"))
		return 0;
	for (; *k != NULL; k++)
		if (strcmp(*k, "dependencies") != 0 && strcmp(*k, "fixes") != 0)
			return 0;
	return 1;
}

static int
legacy_element(const char *const *e)
{
	int n = 0;

	for (; *e != NULL; e++, n++)
		if (strcmp(*e, "name") != 0 && strcmp(*e, "version") != 0 &&
		    strcmp(*e, "vulns") != 0)
			return 0;
	return n == 3;
}

static int
pip_audit_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON)
		return 0;
	if (facts->json_top == '{' && only_dependencies(facts->json_keys)) {
		if (find(h, n, "\"vulns\"") != NULL || find(h, n, "\"skip_reason\"") != NULL)
			out->score = 90;
		else if (facts->size == n && empty_list(h, n, "\"dependencies\""))
			out->score = 50;
		else
			return 0;
	} else if (facts->json_top == '[' && legacy_element(facts->json_elem_keys))
		out->score = 80;
	else
		return 0;
	out->scan_type = "pip-audit Scan";
	return 0;
}

static int
pip_audit_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)scan_type;
	/* No date, no project name: only the audited packages. */
	host->set(call, DOJOBRIDGE_TOOL, "pip-audit");
	if (facts->json_top == '{' && facts->size == facts->head_len &&
	    empty_list(facts->head, facts->head_len, "\"dependencies\""))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type pip_audit_scan_types[] = {
	{ "pip-audit Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin pip_audit_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "pip_audit",
	.version = "1.0",
	.description = "pip-audit JSON (dependencies object and legacy array)",
	.scan_types = pip_audit_scan_types,
	.probe = pip_audit_probe,
	.extract = pip_audit_extract,
};

DOJOBRIDGE_PLUGIN(pip_audit_plugin)
