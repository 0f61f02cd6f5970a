/*
 * osv_scanner.c — "OSV Scan": `osv-scanner --format json`, {results[
 * {source{path, type}, packages[{package{name, version, ecosystem},
 * vulnerabilities[], groups[]}]}], experimental_config?}.
 *
 * A top-level results key is shared by half a dozen formats (Semgrep,
 * TFSec, Twistlock, Talisman...), so the probe wants results as the only
 * key besides experimental_config, and OSV's source/packages/ecosystem
 * members in the head.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static int
osv_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "results"))
		return 0;
	for (; *k != NULL; k++)
		if (strcmp(*k, "results") != 0 && strcmp(*k, "experimental_config") != 0)
			return 0;
	if (find(h, n, "\"source\"") == NULL || find(h, n, "\"packages\"") == NULL ||
	    find(h, n, "\"ecosystem\"") == NULL)
		return 0;
	out->score = dojobridge_has(facts->json_keys, "experimental_config") ? 95 : 85;
	out->scan_type = "OSV Scan";
	return 0;
}

static int
osv_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[1024];

	(void)facts;
	(void)scan_type;
	/* No date; the first lockfile or directory scanned is the target. */
	if (host->json_find(call, "results[0].source.path", 0, buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "osv-scanner");
	return 0;
}

static const struct dojobridge_scan_type osv_scan_types[] = {
	{ "OSV Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin osv_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "osv_scanner",
	.version = "1.0",
	.description = "osv-scanner JSON output",
	.scan_types = osv_scan_types,
	.probe = osv_probe,
	.extract = osv_extract,
};

DOJOBRIDGE_PLUGIN(osv_plugin)
