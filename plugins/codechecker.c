/*
 * codechecker.c — "Codechecker Report native": CodeChecker's
 * "parse -e json" output, an object {version, reports[]}.
 *
 * {version, reports} alone is a generic shape, so the probe wants a
 * report's own keys in the head (checker_name, analyzer_name, report_hash,
 * bug_path_events).  A file that is exactly {version, reports: []} cannot
 * be told from other tools' empty lists; it is claimed only weakly and
 * reported empty, so it is never uploaded by guess.  No date in the file.
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
only_keys(const char *const *k, const char *a, const char *b)
{
	return k[0] != NULL && k[1] != NULL && k[2] == NULL &&
	    dojobridge_has(k, a) && dojobridge_has(k, b);
}

static int
codechecker_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(facts->json_keys, "reports") ||
	    !dojobridge_has(facts->json_keys, "version"))
		return 0;
	if (find(h, n, "\"checker_name\"") != NULL &&
	    find(h, n, "\"analyzer_name\"") != NULL &&
	    find(h, n, "\"report_hash\"") != NULL)
		out->score = 95;
	else if (only_keys(facts->json_keys, "version", "reports") &&
	    empty_value(facts, "\"reports\""))
		out->score = 50;
	else
		return 0;
	out->scan_type = "Codechecker Report native";
	return 0;
}

static int
codechecker_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "CodeChecker");
	if (empty_value(facts, "\"reports\""))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type codechecker_scan_types[] = {
	{ "Codechecker Report native", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin codechecker_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "codechecker",
	.version = "1.0",
	.description = "CodeChecker parse -e json report",
	.scan_types = codechecker_scan_types,
	.probe = codechecker_probe,
	.extract = codechecker_extract,
};

DOJOBRIDGE_PLUGIN(codechecker_plugin)
