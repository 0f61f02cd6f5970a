/*
 * threat_composer.c — "ThreatComposer Scan": AWS Threat Composer's JSON
 * export {schema, applicationInfo{name, description}, architecture,
 * dataflow, assumptions, mitigations, assumptionLinks, mitigationLinks,
 * threats[]}.
 *
 * The top-level names together are unmistakable.  DefectDojo's parser
 * raises unless `threats` is present, so an export without it is not
 * claimed.  The export holds no date; the application's name is the
 * target.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"
#include "rawjson.h"

/* Is the first `key` (quotes included) in p followed by an empty array? */
static int
empty_array(const unsigned char *p, size_t len, const char *key)
{
	const unsigned char *k = find(p, len, key);
	size_t i;

	if (k == NULL)
		return 0;
	for (i = (size_t)(k - p) + strlen(key); i < len &&
	    (space(p[i]) || p[i] == ':'); i++)
		;
	if (i >= len || p[i] != '[')
		return 0;
	for (i++; i < len && space(p[i]); i++)
		;
	return i < len && p[i] == ']';
}

static int
threat_composer_probe(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;
	int more;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "threats") || !dojobridge_has(k, "applicationInfo"))
		return 0;
	more = dojobridge_has(k, "schema") + dojobridge_has(k, "mitigations") +
	    dojobridge_has(k, "assumptions") + dojobridge_has(k, "architecture") +
	    dojobridge_has(k, "dataflow") + dojobridge_has(k, "mitigationLinks");
	if (more >= 3)
		out->score = 100;
	else if (more >= 1)
		out->score = 80;
	else
		return 0;
	out->scan_type = "ThreatComposer Scan";
	return 0;
}

static int
threat_composer_extract(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    const char *scan_type)
{
	char buf[1024];

	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Threat Composer");
	if (host->json_find(call, "applicationInfo.name", 0, buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	if (facts->size <= facts->head_len &&
	    empty_array(facts->head, facts->head_len, "\"threats\""))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type threat_composer_scan_types[] = {
	{ "ThreatComposer Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin threat_composer_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "threat_composer",
	.version = "1.0",
	.description = "AWS Threat Composer JSON export (threats)",
	.scan_types = threat_composer_scan_types,
	.probe = threat_composer_probe,
	.extract = threat_composer_extract,
};

DOJOBRIDGE_PLUGIN(threat_composer_plugin)
