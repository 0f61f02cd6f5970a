/*
 * huskyci.c — "HuskyCI Report": huskyCI's analysis JSON, an object {RID,
 * repositoryURL, repositoryBranch, commitAuthors, status, result,
 * errorFound, containers[], startedAt, finishedAt, huskyciresults{...}}.
 * huskyciresults is huskyCI's own key; with RID beside it the shape is
 * unmistakable.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
huskyci_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "huskyciresults"))
		return 0;
	out->score = dojobridge_has(k, "RID") ||
	    dojobridge_has(k, "repositoryURL") ? 100 : 80;
	out->scan_type = "HuskyCI Report";
	return 0;
}

static int
huskyci_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;
	char date[11];

	(void)scan_type;
	if (((v = dojobridge_pair(facts->json_scalars, "finishedAt")) != NULL &&
	    host->date(v, 0, date) == 0) ||
	    ((v = dojobridge_pair(facts->json_scalars, "startedAt")) != NULL &&
	    host->date(v, 0, date) == 0))
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if ((v = dojobridge_pair(facts->json_scalars, "repositoryURL")) != NULL &&
	    v[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, v);
	host->set(call, DOJOBRIDGE_TOOL, "huskyCI");
	return 0;
}

static const struct dojobridge_scan_type huskyci_scan_types[] = {
	{ "HuskyCI Report", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin huskyci_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "huskyci",
	.version = "1.0",
	.description = "huskyCI analysis JSON (RID, huskyciresults)",
	.scan_types = huskyci_scan_types,
	.probe = huskyci_probe,
	.extract = huskyci_extract,
};

DOJOBRIDGE_PLUGIN(huskyci_plugin)
