/*
 * ms_defender.c — "MSDefender Parser": Microsoft Defender for Endpoint's
 * vulnerability API answer ({@odata.context, value[{id, cveId, machineId,
 * productName, ...}], @odata.nextLink?}) as .json, or a .zip holding
 * vulnerabilities/ and machines/ members (JSON files).
 *
 * @odata.context alone is any Microsoft Graph/OData answer, so the probe
 * also wants the Defender API host in it (securitycenter / security
 * .microsoft.com) and, for a full score, the vulnerability keys cveId and
 * machineId in the head.  DefectDojo dispatches on the name, case
 * sensitively: the upload extension follows the content.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static int
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int
zip_shape(const char *const *m)
{
	int vulns = 0, machines = 0;

	for (; *m != NULL; m++) {
		if (starts_with(*m, "vulnerabilities/") && ends_with(*m, ".json"))
			vulns = 1;
		else if (starts_with(*m, "machines/"))
			machines = 1;
	}
	return vulns && machines;
}

/* `"value": []`: the whole answer is in the head and lists nothing. */
static int
empty_value(const unsigned char *p, size_t len)
{
	const unsigned char *v = find(p, len, "\"value\"");
	size_t i;

	if (v == NULL)
		return 0;
	i = (size_t)(v - p) + 7;
	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
	    p[i] == '\n' || p[i] == ':'))
		i++;
	if (i >= len || p[i] != '[')
		return 0;
	for (i++; i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
	    p[i] == '\n'); i++)
		;
	return i < len && p[i] == ']';
}

static int
defender_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *ctx;

	(void)host;
	(void)call;
	if (facts->kind == DOJOBRIDGE_KIND_ZIP && zip_shape(facts->zip_members)) {
		out->score = 90;
		out->upload_ext = ".zip";
	} else if (facts->kind == DOJOBRIDGE_KIND_JSON && facts->json_top == '{' &&
	    dojobridge_has(facts->json_keys, "value") &&
	    (ctx = dojobridge_pair(facts->json_scalars, "@odata.context")) != NULL &&
	    (strstr(ctx, "securitycenter") != NULL ||
	    strstr(ctx, "security.microsoft.com") != NULL)) {
		if (find(facts->head, facts->head_len, "\"cveId\"") != NULL &&
		    find(facts->head, facts->head_len, "\"machineId\"") != NULL)
			out->score = 100;
		else if (empty_value(facts->head, facts->head_len))
			out->score = 80;
		else
			return 0;
		out->upload_ext = ".json";
	} else
		return 0;
	out->scan_type = "MSDefender Parser";
	return 0;
}

static int
defender_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)scan_type;
	/* The API answer carries no date, and no one machine is its target. */
	host->set(call, DOJOBRIDGE_TOOL, "Microsoft Defender for Endpoint");
	if (facts->kind == DOJOBRIDGE_KIND_JSON &&
	    facts->size == facts->head_len &&
	    empty_value(facts->head, facts->head_len))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type defender_scan_types[] = {
	{ "MSDefender Parser", ".json", 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin defender_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "ms_defender",
	.version = "1.0",
	.description = "Microsoft Defender for Endpoint vulnerability JSON and zip",
	.scan_types = defender_scan_types,
	.probe = defender_probe,
	.extract = defender_extract,
};

DOJOBRIDGE_PLUGIN(defender_plugin)
