/*
 * iriusrisk.c — "IriusRisk Threats Scan": IriusRisk's threat export CSV,
 * header "Component","Use case","Source","Threat","Risk Response",
 * "Inherent Risk","Current Risk","Countermeasure progress",...
 *
 * CSV formats are told apart by their header alone; these column names
 * are IriusRisk's.  The export carries no date.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static int
has_column(const char *const *header, const char *name)
{
	const char *a, *b;

	for (; *header != NULL; header++) {
		for (a = *header, b = name; *a && lower(*a) == lower(*b); a++, b++)
			;
		if (*a == '\0' && *b == '\0')
			return 1;
	}
	return 0;
}

static int
iriusrisk_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *h = facts->csv_header;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_CSV || !has_column(h, "Component") ||
	    !has_column(h, "Use case") || !has_column(h, "Threat") ||
	    !has_column(h, "Risk Response") || !has_column(h, "Current Risk"))
		return 0;
	out->score = has_column(h, "Countermeasure progress") &&
	    has_column(h, "Inherent Risk") ? 95 : 85;
	out->scan_type = "IriusRisk Threats Scan";
	return 0;
}

static int
iriusrisk_extract(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    const char *scan_type)
{
	(void)facts;
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "IriusRisk");
	return 0;
}

static const struct dojobridge_scan_type iriusrisk_scan_types[] = {
	{ "IriusRisk Threats Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin iriusrisk_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "iriusrisk",
	.version = "1.0",
	.description = "IriusRisk threats CSV export",
	.scan_types = iriusrisk_scan_types,
	.probe = iriusrisk_probe,
	.extract = iriusrisk_extract,
};

DOJOBRIDGE_PLUGIN(iriusrisk_plugin)
