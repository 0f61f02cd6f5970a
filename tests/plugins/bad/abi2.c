/*
 * abi2.c — a plugin built for a plugin ABI major version this dojobridge
 * does not speak.  The loader must refuse it and name the version.
 * Test fixture of tests/test-plugin-abi.sh; never install it.
 */
#include "dojobridge-plugin.h"

static int
abi2_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	(void)facts;
	(void)out;
	return 0;
}

static const struct dojobridge_scan_type abi2_scan_types[] = {
	{ "ZAP Scan", ".xml", 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin abi2_plugin = {
	.abi_major = 2,
	.abi_minor = 0,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "abi2",
	.version = "1.0",
	.description = "built for plugin ABI 2",
	.scan_types = abi2_scan_types,
	.probe = abi2_probe,
};

DOJOBRIDGE_PLUGIN(abi2_plugin)
