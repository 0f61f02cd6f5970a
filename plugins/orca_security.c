/*
 * orca_security.c — "Orca Security Alerts": Orca's alert export, as CSV
 * (header OrcaScore,Title,Category,Inventory,Inventory.Name,CloudAccount,
 * CloudAccount.Name,Source,Status,CreatedAt,LastSeen,Labels) or as a JSON
 * array of {Title, Labels, CreatedAt, Status, Category, OrcaScore, Source,
 * LastSeen, CloudAccount, Inventory}.
 *
 * OrcaScore is the tool's own column name; with CloudAccount and
 * Inventory it is unmistakable.  The parser tells JSON from CSV by the
 * first character, so the extension does not matter.  Each alert has its
 * own CreatedAt, which the parser takes as the finding date.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
orca_keys(const char *const *k)
{
	return dojobridge_has(k, "OrcaScore") && dojobridge_has(k, "Title") &&
	    dojobridge_has(k, "CloudAccount") && dojobridge_has(k, "Inventory") &&
	    dojobridge_has(k, "CreatedAt");
}

static int
orca_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if ((facts->kind == DOJOBRIDGE_KIND_CSV && orca_keys(facts->csv_header)) ||
	    (facts->kind == DOJOBRIDGE_KIND_JSON && facts->json_top == '[' &&
	    orca_keys(facts->json_elem_keys))) {
		out->score = 95;
		out->scan_type = "Orca Security Alerts";
	}
	return 0;
}

/* Is the whole file one header line, with at most blank lines after it? */
static int
header_only(const struct dojobridge_facts *facts)
{
	size_t i = 0;

	if (facts->size != facts->head_len)
		return 0;
	while (i < facts->head_len && facts->head[i] != '\n')
		i++;
	for (; i < facts->head_len; i++)
		if (facts->head[i] != '\n' && facts->head[i] != '\r' &&
		    facts->head[i] != ' ' && facts->head[i] != '\t')
			return 0;
	return 1;
}

static int
orca_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Orca Security");
	if (facts->kind == DOJOBRIDGE_KIND_CSV && header_only(facts))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type orca_scan_types[] = {
	{ "Orca Security Alerts", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin orca_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "orca_security",
	.version = "1.0",
	.description = "Orca Security alert exports (CSV and JSON)",
	.scan_types = orca_scan_types,
	.probe = orca_probe,
	.extract = orca_extract,
};

DOJOBRIDGE_PLUGIN(orca_plugin)
