/*
 * pmd.c — "PMD Scan": `pmd -f csv`, header "Problem","Package","File",
 * "Priority","Line","Description","Rule set","Rule".
 *
 * Problem, Package, Priority and "Rule set" together are PMD's header.
 * A file of the header alone lists nothing.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
pmd_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *h = facts->csv_header;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_CSV || !dojobridge_has(h, "Problem") ||
	    !dojobridge_has(h, "Package") || !dojobridge_has(h, "File") ||
	    !dojobridge_has(h, "Priority") || !dojobridge_has(h, "Line") ||
	    !dojobridge_has(h, "Rule set") || !dojobridge_has(h, "Rule"))
		return 0;
	out->score = 95;
	out->scan_type = "PMD Scan";
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
pmd_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "PMD");
	if (header_only(facts))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type pmd_scan_types[] = {
	{ "PMD Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin pmd_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "pmd",
	.version = "1.0",
	.description = "PMD CSV report",
	.scan_types = pmd_scan_types,
	.probe = pmd_probe,
	.extract = pmd_extract,
};

DOJOBRIDGE_PLUGIN(pmd_plugin)
