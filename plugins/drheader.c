/*
 * drheader.c — "DrHeader JSON Importer": drHEADer's JSON, an array of
 * {rule, severity, message[, expected, delimiter, value, anomaly]}, or in
 * bulk mode an array of {url, report[...those...]}.
 *
 * rule/severity/message is a very generic shape, so the first element
 * must have nothing but drHEADer's keys, and for bulk mode the first
 * report entry must have rule, severity and message.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static int
only_keys(const char *const *keys, const char *const *allowed)
{
	const char *const *a;

	for (; *keys != NULL; keys++) {
		for (a = allowed; *a != NULL && strcmp(*a, *keys) != 0; a++)
			;
		if (*a == NULL)
			return 0;
	}
	return 1;
}

static int
drheader_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	static const char *const item[] = {
		"rule", "severity", "message", "expected", "delimiter", "value",
		"anomaly", NULL
	};
	static const char *const bulk[] = { "url", "report", NULL };
	const char *const *e = facts->json_elem_keys;
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;
	char v[8];

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '[')
		return 0;
	if (dojobridge_has(e, "rule") && dojobridge_has(e, "severity") &&
	    dojobridge_has(e, "message") && only_keys(e, item))
		out->score = 80;
	else if (dojobridge_has(e, "url") && dojobridge_has(e, "report") &&
	    only_keys(e, bulk) &&
	    member(h, n, "\"report\"", "rule", v, sizeof(v)) == 0 &&
	    member(h, n, "\"report\"", "severity", v, sizeof(v)) == 0 &&
	    member(h, n, "\"report\"", "message", v, sizeof(v)) == 0)
		out->score = 80;
	else
		return 0;
	out->scan_type = "DrHeader JSON Importer";
	return 0;
}

static int
drheader_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[1024];

	(void)scan_type;
	/* Single-URL reports do not say which site they checked. */
	if (dojobridge_has(facts->json_elem_keys, "url") &&
	    host->json_find(call, "[0].url", 0, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "drHEADer");
	return 0;
}

static const struct dojobridge_scan_type drheader_scan_types[] = {
	{ "DrHeader JSON Importer", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin drheader_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "drheader",
	.version = "1.0",
	.description = "drHEADer JSON reports (single and bulk)",
	.scan_types = drheader_scan_types,
	.probe = drheader_probe,
	.extract = drheader_extract,
};

DOJOBRIDGE_PLUGIN(drheader_plugin)
