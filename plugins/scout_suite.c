/*
 * scout_suite.c — "Scout Suite Scan": scoutsuite-results/
 * scoutsuite_results_<account>.js, a JavaScript assignment
 * `scoutsuite_results = {...}` which DefectDojo's parser strips before
 * reading the JSON.
 *
 * Not JSON, so the host calls it text; the literal `scoutsuite_results =`
 * at the start is an unmistakable signature.  Since json_find cannot read
 * the file, the date (last_run.time, "2021-01-08 17:28:00+0100"), the
 * version (last_run.version), the account and the provider are read from
 * the raw head, where Scout Suite writes them (last_run comes first; its
 * summary holds no "time" of its own).  The upload keeps the file's name:
 * .js is what DefectDojo expects and accepts.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static const char signature[] = "scoutsuite_results";

static int
ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Offset just past the first `"key"` at or after from; len when none. */
static size_t
after_key(const unsigned char *p, size_t len, size_t from, const char *key)
{
	size_t i, n = strlen(key);

	for (i = from; i + n + 2 <= len; i++)
		if (p[i] == '"' && memcmp(p + i + 1, key, n) == 0 &&
		    p[i + n + 1] == '"')
			return i + n + 2;
	return len;
}

/* The string value at p[i] (after a key): `: "..."`, copied raw. */
static int
string_at(const unsigned char *p, size_t len, size_t i, char *out,
    size_t outlen)
{
	size_t n = 0;

	for (; i < len && ws(p[i]); i++)
		;
	if (i >= len || p[i++] != ':')
		return -1;
	for (; i < len && ws(p[i]); i++)
		;
	if (i >= len || p[i++] != '"')
		return -1;
	for (; i < len && p[i] != '"' && n + 1 < outlen; i++) {
		if (p[i] == '\\')
			return -1;	/* no escapes in the values we want */
		out[n++] = (char)p[i];
	}
	out[n] = '\0';
	return i < len && p[i] == '"' ? 0 : -1;
}

static int
is_scout(const struct dojobridge_facts *facts)
{
	const unsigned char *p = facts->head;
	size_t i = 0, len = facts->head_len, n = sizeof(signature) - 1;

	if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;
	for (; i < len && ws(p[i]); i++)
		;
	if (i + n > len || memcmp(p + i, signature, n) != 0)
		return 0;
	for (i += n; i < len && ws(p[i]); i++)
		;
	return i < len && p[i] == '=';
}

static int
scout_suite_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if ((facts->kind == DOJOBRIDGE_KIND_TEXT ||
	    facts->kind == DOJOBRIDGE_KIND_CSV) && is_scout(facts)) {
		out->score = 100;
		out->scan_type = "Scout Suite Scan";
	}
	return 0;
}

static int
scout_suite_extract(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    const char *scan_type)
{
	const unsigned char *p = facts->head;
	size_t len = facts->head_len, run;
	char buf[256], target[512], date[11];

	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Scout Suite");
	run = after_key(p, len, 0, "last_run");
	if (string_at(p, len, after_key(p, len, run, "time"), buf,
	    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (string_at(p, len, after_key(p, len, run, "version"), buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	if (string_at(p, len, after_key(p, len, 0, "account_id"), target,
	    sizeof(target)) == 0 && target[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, target);
	if (string_at(p, len, after_key(p, len, 0, "provider_name"), buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TEST_TITLE, buf);
	return 0;
}

static const struct dojobridge_scan_type scout_suite_scan_types[] = {
	{ "Scout Suite Scan", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin scout_suite_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "scout_suite",
	.version = "1.0",
	.description = "Scout Suite results (scoutsuite_results = {...} .js)",
	.scan_types = scout_suite_scan_types,
	.probe = scout_suite_probe,
	.extract = scout_suite_extract,
};

DOJOBRIDGE_PLUGIN(scout_suite_plugin)
