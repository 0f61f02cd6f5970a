/*
 * dup-name.c — a plugin that calls itself "zap", the name of a plugin the
 * host has already loaded.  The loader must refuse the later one and name
 * the file that holds the name already.
 * Test fixture of tests/test-plugin-abi.sh; never install it.
 */
#include "dojobridge-plugin.h"

static int
dup_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	(void)facts;
	(void)out;
	return 0;
}

static const struct dojobridge_scan_type dup_scan_types[] = {
	{ "ZAP Scan", ".xml", 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin dup_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "zap",
	.version = "9.9",
	.description = "takes the name of another plugin",
	.scan_types = dup_scan_types,
	.probe = dup_probe,
};

DOJOBRIDGE_PLUGIN(dup_plugin)
