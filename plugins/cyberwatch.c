/*
 * cyberwatch.c — "Cyberwatch scan (Galeax)": Cyberwatch's export as
 * converted by Galeax, an object {cves[], security_issues[]}.
 *
 * Two keys are a thin signal, so the probe also wants the items' own keys
 * in the head (cve_code / security_issue_id / cve_announcements).  The
 * file with both lists empty is claimed weakly and reported empty: it says
 * nothing worth uploading.  Dates are per server and finding only.
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
cyberwatch_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "cves") || !dojobridge_has(k, "security_issues"))
		return 0;
	if (find(h, n, "\"security_issue_id\"") != NULL ||
	    find(h, n, "\"cve_code\"") != NULL ||
	    find(h, n, "\"cve_announcements\"") != NULL)
		out->score = 90;
	else if (empty_value(facts, "\"cves\"") &&
	    empty_value(facts, "\"security_issues\""))
		out->score = 50;
	else
		return 0;
	out->scan_type = "Cyberwatch scan (Galeax)";
	return 0;
}

static int
cyberwatch_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Cyberwatch");
	if (empty_value(facts, "\"cves\"") &&
	    empty_value(facts, "\"security_issues\""))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type cyberwatch_scan_types[] = {
	{ "Cyberwatch scan (Galeax)", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin cyberwatch_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "cyberwatch",
	.version = "1.0",
	.description = "Cyberwatch (Galeax) JSON export",
	.scan_types = cyberwatch_scan_types,
	.probe = cyberwatch_probe,
	.extract = cyberwatch_extract,
};

DOJOBRIDGE_PLUGIN(cyberwatch_plugin)
