/*
 * no-probe.c — a plugin without its one required callback.  The loader must
 * refuse it and name the missing callback.
 * Test fixture of tests/test-plugin-abi.sh; never install it.
 */
#include "dojobridge-plugin.h"

static const struct dojobridge_scan_type noprobe_scan_types[] = {
	{ "ZAP Scan", ".xml", 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin noprobe_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "noprobe",
	.version = "1.0",
	.description = "no probe callback",
	.scan_types = noprobe_scan_types,
};

DOJOBRIDGE_PLUGIN(noprobe_plugin)
