/*
 * kubescape.c — "Kubescape JSON Importer": kubescape scan --format json,
 * an object {generationTime, clusterAPIServerInfo, clusterCloudProvider,
 * customerGUID, clusterName, reportGUID, jobID, summaryDetails,
 * resources[], results[], metadata, ...}.
 *
 * customerGUID and reportGUID beside generationTime are Kubescape's own.
 * generationTime is the scan date; local scans write the placeholder
 * 0001-01-01, which means none.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
kubescape_probe(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "generationTime") ||
	    !(dojobridge_has(k, "resources") || dojobridge_has(k, "results")))
		return 0;
	if (dojobridge_has(k, "customerGUID") && dojobridge_has(k, "reportGUID"))
		out->score = 100;
	else if (dojobridge_has(k, "clusterName") ||
	    dojobridge_has(k, "summaryDetails"))
		out->score = 80;
	else
		return 0;
	out->scan_type = "Kubescape JSON Importer";
	return 0;
}

static int
kubescape_extract(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    const char *scan_type)
{
	const char *v;
	char buf[256], date[11];

	(void)scan_type;
	if ((v = dojobridge_pair(facts->json_scalars, "generationTime")) != NULL &&
	    host->date(v, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if ((v = dojobridge_pair(facts->json_scalars, "clusterName")) != NULL &&
	    v[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, v);
	host->set(call, DOJOBRIDGE_TOOL, "Kubescape");
	if (host->json_find(call, "metadata.scanMetadata.kubescapeVersion", 0,
	    buf, sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	return 0;
}

static const struct dojobridge_scan_type kubescape_scan_types[] = {
	{ "Kubescape JSON Importer", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin kubescape_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "kubescape",
	.version = "1.0",
	.description = "Kubescape JSON results",
	.scan_types = kubescape_scan_types,
	.probe = kubescape_probe,
	.extract = kubescape_extract,
};

DOJOBRIDGE_PLUGIN(kubescape_plugin)
