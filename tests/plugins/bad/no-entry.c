/*
 * no-entry.c — a shared object with no dojobridge_plugin_v1 symbol: what a
 * plugin built without DOJOBRIDGE_PLUGIN(), or a stray library, looks like.
 * The loader must refuse it.
 * Test fixture of tests/test-plugin-abi.sh; never install it.
 */
#include "dojobridge-plugin.h"

DOJOBRIDGE_EXPORT int dojobridge_plugin_v0(void);

int
dojobridge_plugin_v0(void)
{
	return 0;
}
