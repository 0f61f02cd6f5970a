/*
 * ossindex_devaudit.c — "OssIndex Devaudit SCA Scan Importer": DevAudit's
 * JSON, {"Packages Audited", "Vulnerabilities Found", Packages[{Package
 * {pm, name, version, ...}, Vulnerabilities[]}]}.
 *
 * Top-level keys with spaces in them are DevAudit's alone.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
devaudit_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "Packages Audited") ||
	    !dojobridge_has(k, "Vulnerabilities Found") || !dojobridge_has(k, "Packages"))
		return 0;
	out->score = 100;
	out->scan_type = "OssIndex Devaudit SCA Scan Importer";
	return 0;
}

static int
devaudit_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;

	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "DevAudit");
	v = dojobridge_pair(facts->json_scalars, "Vulnerabilities Found");
	if (v != NULL && strcmp(v, "0") == 0)
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type devaudit_scan_types[] = {
	{ "OssIndex Devaudit SCA Scan Importer", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin devaudit_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "ossindex_devaudit",
	.version = "1.0",
	.description = "DevAudit (OSS Index) JSON audit",
	.scan_types = devaudit_scan_types,
	.probe = devaudit_probe,
	.extract = devaudit_extract,
};

DOJOBRIDGE_PLUGIN(devaudit_plugin)
