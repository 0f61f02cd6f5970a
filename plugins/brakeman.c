/*
 * brakeman.c — "Brakeman Scan": Brakeman's JSON report (brakeman -f json),
 * an object {scan_info, warnings, ignored_warnings, errors, obsolete}.
 *
 * Signal: scan_info next to warnings; brakeman_version inside scan_info
 * makes it certain.  No other format pairs those keys.  The scan's end
 * time ("2020-04-11 20:15:42 -0700") is in scan_info, at the head.
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
brakeman_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "scan_info") || !dojobridge_has(k, "warnings"))
		return 0;
	out->score = find(facts->head, facts->head_len,
	    "\"brakeman_version\"") != NULL ? 100 : 85;
	out->scan_type = "Brakeman Scan";
	return 0;
}

static int
brakeman_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[1024], date[11];

	(void)scan_type;
	if ((host->json_find(call, "scan_info.end_time", 0, buf, sizeof(buf)) == 0 &&
	    host->date(buf, 0, date) == 0) ||
	    (host->json_find(call, "scan_info.start_time", 0, buf, sizeof(buf)) == 0 &&
	    host->date(buf, 0, date) == 0))
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (host->json_find(call, "scan_info.app_path", 0, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "Brakeman");
	if (host->json_find(call, "scan_info.brakeman_version", 0, buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	if (empty_value(facts, "\"warnings\""))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type brakeman_scan_types[] = {
	{ "Brakeman Scan", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin brakeman_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "brakeman",
	.version = "1.0",
	.description = "Brakeman JSON report",
	.scan_types = brakeman_scan_types,
	.probe = brakeman_probe,
	.extract = brakeman_extract,
};

DOJOBRIDGE_PLUGIN(brakeman_plugin)
