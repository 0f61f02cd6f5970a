/*
 * unknown-type.c — a plugin declaring a scan type DefectDojo 2.57.2 does not
 * know ("Nessus Scan v9").  The loader must refuse it and name the type.
 * Test fixture of tests/test-plugin-abi.sh; never install it.
 */
#include "dojobridge-plugin.h"

static int
unknown_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	(void)facts;
	(void)out;
	return 0;
}

static const struct dojobridge_scan_type unknown_scan_types[] = {
	{ "Tenable Scan", ".nessus", 0 },
	{ "Nessus Scan v9", ".nessus", 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin unknown_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "unknowntype",
	.version = "1.0",
	.description = "declares a scan type DefectDojo does not know",
	.scan_types = unknown_scan_types,
	.probe = unknown_probe,
};

DOJOBRIDGE_PLUGIN(unknown_plugin)
