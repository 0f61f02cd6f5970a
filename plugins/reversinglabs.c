/*
 * reversinglabs.c — "ReversingLabs Spectra Assure": the rl-secure
 * report.rl.json, an object {catalogue, duration, report{info, metadata},
 * schema, timestamp, version}.
 *
 * The top-level key set, catalogue and schema beside report and duration,
 * is Spectra Assure's alone.  The file is often megabytes long and its top
 * keys are serialised in sorted order, so timestamp and version come after
 * the whole report: they are in the facts' scalars (gathered from the
 * tail) or found with json_find's FIND_LAST.  The target is the name of the
 * analysed file, report.info.file.name.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
reversinglabs_probe(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{')
		return 0;
	if (dojobridge_has(k, "catalogue") && dojobridge_has(k, "report") &&
	    dojobridge_has(k, "schema") && (dojobridge_has(k, "duration") ||
	    dojobridge_has(k, "timestamp"))) {
		out->score = 95;
		out->scan_type = "ReversingLabs Spectra Assure";
	}
	return 0;
}

static int
reversinglabs_extract(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    const char *scan_type)
{
	const char *v;
	char buf[1024], date[11];

	(void)scan_type;
	if (((v = dojobridge_pair(facts->json_scalars, "timestamp")) != NULL &&
	    host->date(v, 0, date) == 0) || (host->json_find(call, "timestamp",
	    DOJOBRIDGE_FIND_LAST, buf, sizeof(buf)) == 0 &&
	    host->date(buf, 0, date) == 0))
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (host->json_find(call, "report.info.file.name", 0, buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "Spectra Assure");
	if ((v = dojobridge_pair(facts->json_scalars, "version")) != NULL &&
	    v[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, v);
	else if (host->json_find(call, "version", DOJOBRIDGE_FIND_LAST, buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	return 0;
}

static const struct dojobridge_scan_type reversinglabs_scan_types[] = {
	{ "ReversingLabs Spectra Assure", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin reversinglabs_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "reversinglabs",
	.version = "1.0",
	.description = "ReversingLabs Spectra Assure report.rl.json",
	.scan_types = reversinglabs_scan_types,
	.probe = reversinglabs_probe,
	.extract = reversinglabs_extract,
};

DOJOBRIDGE_PLUGIN(reversinglabs_plugin)
