/*
 * ptart.c — "PTART Report": the JSON a PTART (pentest report tool) export
 * writes, one object per engagement.
 *
 * Signal: the top-level keys executive_summary, engagement_overview,
 * assessments and cvss_type together, which no other report has (a bare
 * name/client/start_date would match many REST answers).  The scan date is
 * end_date (the engagement's last day; start_date when it is missing), the
 * target is the scope.  An export whose assessments and retests are both
 * `[]` has no finding; that is only claimed "0" when the whole file is in
 * the head, so the test cannot be fooled by a truncated view.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* 1 if the quoted "key" occurs anywhere in p. */
static int
has_key(const unsigned char *p, size_t len, const char *key)
{
	size_t i, n = strlen(key);

	for (i = 0; i + n + 2 <= len; i++)
		if (p[i] == '"' && memcmp(p + i + 1, key, n) == 0 &&
		    p[i + n + 1] == '"')
			return 1;
	return 0;
}

/* 1 if "key" occurs in p and the first one is followed by an empty array. */
static int
empty_array(const unsigned char *p, size_t len, const char *key)
{
	size_t i, n = strlen(key);

	for (i = 0; i + n + 2 <= len; i++)
		if (p[i] == '"' && memcmp(p + i + 1, key, n) == 0 &&
		    p[i + n + 1] == '"')
			break;
	if (i + n + 2 > len)
		return 0;
	for (i += n + 2; i < len && ws(p[i]); i++)
		;
	if (i >= len || p[i++] != ':')
		return 0;
	for (; i < len && ws(p[i]); i++)
		;
	if (i >= len || p[i++] != '[')
		return 0;
	for (; i < len && ws(p[i]); i++)
		;
	return i < len && p[i] == ']';
}

static int
ptart_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{')
		return 0;
	if (dojobridge_has(k, "executive_summary") &&
	    dojobridge_has(k, "engagement_overview") &&
	    dojobridge_has(k, "assessments") && dojobridge_has(k, "cvss_type")) {
		out->score = 95;
		out->scan_type = "PTART Report";
	}
	return 0;
}

static int
ptart_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[512], date[11];

	(void)scan_type;
	if ((host->json_find(call, "end_date", 0, buf, sizeof(buf)) == 0 &&
	    host->date(buf, 0, date) == 0) ||
	    (host->json_find(call, "start_date", 0, buf, sizeof(buf)) == 0 &&
	    host->date(buf, 0, date) == 0))
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if ((host->json_find(call, "scope", 0, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0') || (host->json_find(call, "name", 0, buf,
	    sizeof(buf)) == 0 && buf[0] != '\0'))
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "PTART");
	if (facts->head_len == facts->size &&
	    empty_array(facts->head, facts->head_len, "assessments") &&
	    (empty_array(facts->head, facts->head_len, "retests") ||
	    !has_key(facts->head, facts->head_len, "retests")))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type ptart_scan_types[] = {
	{ "PTART Report", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin ptart_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "ptart",
	.version = "1.0",
	.description = "PTART pentest report JSON export",
	.scan_types = ptart_scan_types,
	.probe = ptart_probe,
	.extract = ptart_extract,
};

DOJOBRIDGE_PLUGIN(ptart_plugin)
