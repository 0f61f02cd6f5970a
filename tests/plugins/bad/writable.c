/*
 * writable.c — a correct plugin, which the test makes writable by group (or
 * owned by someone other than root) before loading it as root: the loader
 * must refuse it for who could have written it, not for what it holds.
 * Test fixture of tests/test-plugin-abi.sh; never install it.
 */
#include "dojobridge-plugin.h"

static int
writable_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	(void)facts;
	(void)out;
	return 0;
}

static const struct dojobridge_scan_type writable_scan_types[] = {
	{ "Bandit Scan", ".json", 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin writable_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "writable",
	.version = "1.0",
	.description = "a correct plugin in a file someone else could write",
	.scan_types = writable_scan_types,
	.probe = writable_probe,
};

DOJOBRIDGE_PLUGIN(writable_plugin)
