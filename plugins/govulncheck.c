/*
 * govulncheck.c — "Govulncheck Scanner": govulncheck's JSON in both shapes
 * DefectDojo reads.
 *
 * - Before v1: one object {Calls, Imports, Requires, Vulns, Modules}.
 * - v1 and later (-json): a stream of pretty-printed objects, {config},
 *   {progress}, {SBOM}, {osv}, {finding}, concatenated (the host sees JSON
 *   lines) or wrapped in an array.  The config object names the scanner
 *   ("scanner_name": "govulncheck"), which is unmistakable.
 *
 * Neither shape carries the date of the scan (config.db_last_modified is
 * the vulnerability database's), so no date is reported.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawjson.h"

/* Does needle occur in the len bytes at p? */
static int
contains(const unsigned char *p, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (; len >= n; p++, len--)
		if (memcmp(p, needle, n) == 0)
			return 1;
	return 0;
}

/*
 * The string value of the first `key` (quotes included) that is followed
 * by ':' in raw JSON text, at any depth.  Escapes are copied as written.
 */
static int
raw_value(const unsigned char *p, size_t len, const char *key, char *out,
    size_t outlen)
{
	size_t i, j, n = 0, m = strlen(key);

	if (outlen == 0)
		return -1;
	for (i = 0; i + m <= len; i++) {
		if (memcmp(p + i, key, m) != 0)
			continue;
		for (j = i + m; j < len && space(p[j]); j++)
			;
		if (j >= len || p[j] != ':')
			continue;
		for (j++; j < len && space(p[j]); j++)
			;
		if (j >= len || p[j] != '"')
			return -1;
		for (j++; j < len && p[j] != '"' && n + 1 < outlen; j++) {
			if (p[j] == '\\' && j + 1 < len && n + 2 < outlen)
				out[n++] = (char)p[j++];
			out[n++] = (char)p[j];
		}
		out[n] = '\0';
		return j < len && p[j] == '"' ? 0 : -1;
	}
	return -1;
}

/*
 * Is the value of top-level `key` (without quotes) an empty array or null,
 * as far as the raw text at p shows?  Walks the text tracking depth so that
 * a nested key of the same name does not count.
 */
static int
top_empty(const unsigned char *p, size_t len, const char *key)
{
	size_t i, start, m = strlen(key);
	int depth = 0, match = 0;

	for (i = 0; i < len; i++) {
		if (p[i] == '"') {
			start = ++i;
			for (; i < len && p[i] != '"'; i++)
				if (p[i] == '\\')
					i++;
			match = depth == 1 && i < len && i - start == m &&
			    memcmp(p + start, key, m) == 0;
		} else if (p[i] == ':' && match) {
			for (i++; i < len && space(p[i]); i++)
				;
			if (i + 4 <= len && memcmp(p + i, "null", 4) == 0)
				return 1;
			if (i >= len || p[i] != '[')
				return 0;
			for (i++; i < len && space(p[i]); i++)
				;
			return i < len && p[i] == ']';
		} else if (p[i] == '{' || p[i] == '[')
			depth++;
		else if (p[i] == '}' || p[i] == ']')
			depth--;
		else if (!space(p[i]) && p[i] != ':')
			match = 0;
	}
	return 0;
}

/* The v1 stream: its config object's scanner_name is govulncheck. */
static int
is_stream(const struct dojobridge_facts *facts)
{
	char name[64];

	if (facts->kind == DOJOBRIDGE_KIND_JSONL ||
	    (facts->kind == DOJOBRIDGE_KIND_JSON && facts->json_top == '{')) {
		if (!dojobridge_has(facts->json_keys, "config"))
			return 0;
	} else if (facts->kind != DOJOBRIDGE_KIND_JSON ||
	    !dojobridge_has(facts->json_elem_keys, "config"))
		return 0;
	return raw_value(facts->head, facts->head_len, "\"scanner_name\"",
	    name, sizeof(name)) == 0 && strcmp(name, "govulncheck") == 0;
}

static int
is_legacy(const struct dojobridge_facts *facts)
{
	const char *const *k = facts->json_keys;

	return facts->kind == DOJOBRIDGE_KIND_JSON && facts->json_top == '{' &&
	    dojobridge_has(k, "Vulns") && dojobridge_has(k, "Modules") &&
	    (dojobridge_has(k, "Calls") || dojobridge_has(k, "Requires")) &&
	    dojobridge_has(k, "Imports");
}

static int
govulncheck_probe(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if (is_stream(facts))
		out->score = 100;
	else if (is_legacy(facts))
		out->score = 90;
	else
		return 0;
	out->scan_type = "Govulncheck Scanner";
	return 0;
}

static int
govulncheck_extract(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    const char *scan_type)
{
	char buf[1024];
	int whole = facts->size <= facts->head_len;

	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "govulncheck");
	if (!is_stream(facts)) {
		if (whole && top_empty(facts->head, facts->head_len, "Vulns"))
			host->set(call, DOJOBRIDGE_FINDINGS, "0");
		return 0;
	}
	if (raw_value(facts->head, facts->head_len, "\"scanner_version\"", buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	/* Newer streams list the modules; the main module comes first. */
	if ((host->json_find(call, "SBOM.modules[0].path", 0, buf,
	    sizeof(buf)) == 0 || host->json_find(call,
	    "[*].SBOM.modules[0].path", 0, buf, sizeof(buf)) == 0) &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	/* Findings come from osv entries; none in the whole file: empty. */
	if (whole && !contains(facts->head, facts->head_len, "\"osv\"") &&
	    !contains(facts->head, facts->head_len, "\"finding\""))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type govulncheck_scan_types[] = {
	{ "Govulncheck Scanner", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin govulncheck_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "govulncheck",
	.version = "1.0",
	.description = "govulncheck JSON (legacy object and v1 -json stream)",
	.scan_types = govulncheck_scan_types,
	.probe = govulncheck_probe,
	.extract = govulncheck_extract,
};

DOJOBRIDGE_PLUGIN(govulncheck_plugin)
