/*
 * rubocop.c — "Rubocop Scan": `rubocop --format json`, an object
 * {metadata{rubocop_version, ruby_engine, ...}, files[{path, offenses}],
 * summary{offense_count, ...}}.
 *
 * metadata/files/summary alone is a common trio, so the probe also wants
 * metadata's rubocop_version, which opens the file.  The report has no
 * date.  summary.offense_count 0 means no offence at all, so certainly no
 * finding (the parser keeps only Security cops, which a non-zero count
 * does not tell cheaply).
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
contains(const unsigned char *p, size_t len, const char *needle)
{
	size_t i, n = strlen(needle);

	for (i = 0; i + n <= len; i++)
		if (memcmp(p + i, needle, n) == 0)
			return 1;
	return 0;
}

static int
rubocop_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{')
		return 0;
	if (dojobridge_has(k, "metadata") && dojobridge_has(k, "files") &&
	    contains(facts->head, facts->head_len, "\"rubocop_version\"")) {
		out->score = 100;
		out->scan_type = "Rubocop Scan";
	}
	return 0;
}

static int
rubocop_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[256];

	(void)facts;
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "RuboCop");
	if (host->json_find(call, "metadata.rubocop_version", 0, buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	if (host->json_find(call, "summary.offense_count", DOJOBRIDGE_FIND_LAST,
	    buf, sizeof(buf)) == 0 && strcmp(buf, "0") == 0)
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type rubocop_scan_types[] = {
	{ "Rubocop Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin rubocop_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "rubocop",
	.version = "1.0",
	.description = "RuboCop JSON formatter output",
	.scan_types = rubocop_scan_types,
	.probe = rubocop_probe,
	.extract = rubocop_extract,
};

DOJOBRIDGE_PLUGIN(rubocop_plugin)
