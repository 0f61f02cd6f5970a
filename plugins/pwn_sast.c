/*
 * pwn_sast.c — "PWN SAST": the JSON report of PWN's SAST driver
 * (pwn_sast), an object {report_name, data[...]}.
 *
 * `{data: ...}` is shared by a dozen types (GitHub GraphQL, Sysdig, Snyk
 * Issue API, HackerOne...); report_name is PWN's own, and the report has
 * exactly these two keys.  When the first finding is in the head, its
 * security_references/sast_module confirms it.  Each finding carries its own
 * timestamp; the first is taken as the scan's date, and the repository root
 * URI as the target.  `"data": []` with the whole file in the head is an
 * empty report.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
contains(const unsigned char *p, size_t len, const char *needle)
{
	size_t i, n = strlen(needle);

	for (i = 0; i + n <= len; i++)
		if (memcmp(p + i, needle, n) == 0)
			return 1;
	return 0;
}

/* 1 if the first "key" in p is followed by an empty array. */
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
pwn_sast_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "report_name") || !dojobridge_has(k, "data"))
		return 0;
	out->score = contains(facts->head, facts->head_len, "\"sast_module\"") ?
	    95 : 85;
	out->scan_type = "PWN SAST";
	return 0;
}

static int
pwn_sast_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[512], date[11];

	(void)scan_type;
	if (host->json_find(call, "data[0].timestamp", 0, buf, sizeof(buf)) == 0 &&
	    host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (host->json_find(call, "data[0].filename.git_repo_root_uri", 0, buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "PWN SAST");
	if (facts->head_len == facts->size &&
	    empty_array(facts->head, facts->head_len, "data"))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type pwn_sast_scan_types[] = {
	{ "PWN SAST", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin pwn_sast_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "pwn_sast",
	.version = "1.0",
	.description = "PWN SAST JSON report (report_name, data)",
	.scan_types = pwn_sast_scan_types,
	.probe = pwn_sast_probe,
	.extract = pwn_sast_extract,
};

DOJOBRIDGE_PLUGIN(pwn_sast_plugin)
