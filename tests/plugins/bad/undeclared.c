/*
 * undeclared.c — a plugin that loads (it declares "Bandit Scan") but whose
 * probe answers with scan types it never declared, when a file starts with
 *   UNDECLARED-TYPE  scan_type "Trivy Scan": the verdict must be ignored
 *                    with a warning, so the file is unknown;
 *   UNDECLARED-ALT   scan_type "Bandit Scan", alternative "Trivy Scan": the
 *                    alternative must be ignored with a warning, and the
 *                    file detected as "Bandit Scan".
 * Test fixture of tests/test-plugin-abi.sh; never install it.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static const char *const undeclared_alternatives[] = { "Trivy Scan", NULL };

static int
starts(const struct dojobridge_facts *facts, const char *word)
{
	size_t n = strlen(word);

	return facts->head_len >= n && memcmp(facts->head, word, n) == 0;
}

static int
undeclared_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if (starts(facts, "UNDECLARED-TYPE")) {
		out->score = 100;
		out->scan_type = "Trivy Scan";
	} else if (starts(facts, "UNDECLARED-ALT")) {
		out->score = 100;
		out->scan_type = "Bandit Scan";
		out->alternatives = undeclared_alternatives;
	}
	return 0;
}

static const struct dojobridge_scan_type undeclared_scan_types[] = {
	{ "Bandit Scan", ".json", 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin undeclared_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "undeclared",
	.version = "1.0",
	.description = "answers with scan types it never declared",
	.scan_types = undeclared_scan_types,
	.probe = undeclared_probe,
};

DOJOBRIDGE_PLUGIN(undeclared_plugin)
