/*
 * clair.c — "Clair Scan": clair-scanner's JSON {image, unapproved,
 * vulnerabilities[]} and klar's {LayerCount, Vulnerabilities{<severity>:
 * [...]}} (the former "Clair Klar Scan", merged into this type).
 *
 * Signals: image with unapproved (no other {vulnerabilities} format has
 * unapproved; Snyk, NPM, GitLab and Mend all have other siblings), or
 * klar's capitalised LayerCount with Vulnerabilities.  Neither carries a
 * date; clair-scanner names the image.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
clair_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{')
		return 0;
	if (dojobridge_has(k, "image") && dojobridge_has(k, "unapproved") &&
	    dojobridge_has(k, "vulnerabilities"))
		out->score = 95;
	else if (dojobridge_has(k, "LayerCount") &&
	    dojobridge_has(k, "Vulnerabilities"))
		out->score = 90;
	else
		return 0;
	out->scan_type = "Clair Scan";
	return 0;
}

static int
clair_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;

	(void)scan_type;
	if ((v = dojobridge_pair(facts->json_scalars, "image")) != NULL &&
	    *v != '\0') {
		host->set(call, DOJOBRIDGE_TARGET, v);
		host->set(call, DOJOBRIDGE_TOOL, "clair-scanner");
	} else
		host->set(call, DOJOBRIDGE_TOOL, dojobridge_has(facts->json_keys,
		    "LayerCount") ? "klar" : "clair-scanner");
	return 0;
}

static const struct dojobridge_scan_type clair_scan_types[] = {
	{ "Clair Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin clair_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "clair",
	.version = "1.0",
	.description = "clair-scanner and klar JSON reports",
	.scan_types = clair_scan_types,
	.probe = clair_probe,
	.extract = clair_extract,
};

DOJOBRIDGE_PLUGIN(clair_plugin)
