/*
 * hydra.c — "Hydra Scan": THC Hydra's -b jsonv1 output, an object
 * {errormessages, generator{software: "Hydra", version, built, server,
 * service, jsonoutputversion, commandline}, quantityfound, results[],
 * success}.
 *
 * DefectDojo's parser refuses a file without generator and results, and
 * its sample oddly_familiar_json_that_isnt_us.json ({service, generator})
 * must not be claimed: the probe wants both, and generator.software
 * "Hydra" for the top score.  generator.built is the date the parser gives
 * every finding, so it is the scan date.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawjson.h"

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

static int
hydra_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;
	char software[32];

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "generator") || !dojobridge_has(k, "results"))
		return 0;
	if (raw_member(facts->head, facts->head_len, "\"generator\"",
	    "\"software\"", software, sizeof(software)) == 0 &&
	    strcmp(software, "Hydra") == 0)
		out->score = 100;
	else if (dojobridge_has(k, "quantityfound") &&
	    dojobridge_has(k, "errormessages"))
		out->score = 80;
	else
		return 0;
	out->scan_type = "Hydra Scan";
	return 0;
}

static int
hydra_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;
	const char *found;
	char buf[512], date[11];

	(void)scan_type;
	if (raw_member(h, n, "\"generator\"", "\"built\"", buf,
	    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (raw_member(h, n, "\"generator\"", "\"server\"", buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "Hydra");
	if (raw_member(h, n, "\"generator\"", "\"version\"", buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	found = dojobridge_pair(facts->json_scalars, "quantityfound");
	if (found != NULL && strcmp(found, "0") == 0 &&
	    facts->size <= facts->head_len && top_empty(h, n, "results"))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type hydra_scan_types[] = {
	{ "Hydra Scan", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin hydra_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "hydra",
	.version = "1.0",
	.description = "THC Hydra JSON output (generator, results)",
	.scan_types = hydra_scan_types,
	.probe = hydra_probe,
	.extract = hydra_extract,
};

DOJOBRIDGE_PLUGIN(hydra_plugin)
