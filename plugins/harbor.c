/*
 * harbor.c — "Harbor Vulnerability Scan": Harbor's vulnerability report,
 * either keyed by its MIME type ("application/vnd.scanner.adapter.vuln.
 * report.harbor+json; version=1.0" or "application/vnd.security.
 * vulnerability.report; version=1.1"), which is unmistakable, or that
 * inner object itself, {generated_at, artifact, scanner, severity,
 * vulnerabilities[]}, as Harbor's API returns it.
 *
 * The MIME key holds dots, so json_find paths cannot name it: the values
 * are read from the head's raw text, where they come first.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawjson.h"

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
 * The string value of member `key` (quotes included) directly inside the
 * first object keyed `object` in raw JSON text: rawjson.h's raw_name for
 * any member name.
 */
static int
raw_member(const unsigned char *p, size_t len, const char *object,
    const char *key, char *out, size_t outlen)
{
	size_t i = 0, at = 0, keylen = 0, n = 0, m = strlen(object);
	size_t k = strlen(key);
	int depth = 0;

	if (outlen == 0)
		return -1;
	while (i + m <= len && memcmp(p + i, object, m) != 0)
		i++;
	if (i + m > len)
		return -1;
	for (i += m; i < len && p[i] != '{'; i++)
		if (p[i] != ':' && !space(p[i]))
			return -1;
	for (; i < len; i++) {
		if (p[i] == '"') {
			at = i;
			for (i++; i < len && p[i] != '"'; i++)
				if (p[i] == '\\')
					i++;
			keylen = i + 1 - at;
		} else if (p[i] == ':' && depth == 1 && keylen == k &&
		    memcmp(p + at, key, k) == 0)
			break;
		else if (p[i] == '{' || p[i] == '[')
			depth++;
		else if ((p[i] == '}' || p[i] == ']') && --depth == 0)
			return -1;
		else if (!space(p[i]))
			keylen = 0;
	}
	for (i++; i < len && space(p[i]); i++)
		;
	if (i >= len || p[i] != '"')
		return -1;
	for (i++; i < len && p[i] != '"' && n + 1 < outlen; i++)
		out[n++] = (char)p[i];
	out[n] = '\0';
	return i < len && p[i] == '"' ? 0 : -1;
}

static int
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int
mime_key(const char *const *k)
{
	for (; *k != NULL; k++)
		if (starts_with(*k,
		    "application/vnd.scanner.adapter.vuln.report.harbor") ||
		    starts_with(*k,
		    "application/vnd.security.vulnerability.report"))
			return 1;
	return 0;
}

static int
harbor_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{')
		return 0;
	if (mime_key(k))
		out->score = 100;
	else if (dojobridge_has(k, "generated_at") &&
	    dojobridge_has(k, "scanner") && dojobridge_has(k, "artifact") &&
	    dojobridge_has(k, "severity") && dojobridge_has(k, "vulnerabilities"))
		out->score = 90;
	else
		return 0;
	out->scan_type = "Harbor Vulnerability Scan";
	return 0;
}

static int
harbor_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;
	char buf[512], date[11];

	(void)scan_type;
	if (raw_value(h, n, "\"generated_at\"", buf, sizeof(buf)) == 0 &&
	    host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (raw_member(h, n, "\"artifact\"", "\"repository\"", buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	if (raw_member(h, n, "\"scanner\"", "\"name\"", buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL, buf);
	if (raw_member(h, n, "\"scanner\"", "\"version\"", buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	return 0;
}

static const struct dojobridge_scan_type harbor_scan_types[] = {
	{ "Harbor Vulnerability Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin harbor_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "harbor",
	.version = "1.0",
	.description = "Harbor vulnerability report JSON (MIME-keyed or plain)",
	.scan_types = harbor_scan_types,
	.probe = harbor_probe,
	.extract = harbor_extract,
};

DOJOBRIDGE_PLUGIN(harbor_plugin)
