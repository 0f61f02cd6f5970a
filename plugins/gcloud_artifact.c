/*
 * gcloud_artifact.c — "Google Cloud Artifact Vulnerability Scan": the JSON
 * of `gcloud artifacts docker images describe --show-package-vulnerability
 * --format=json`, {discovery_summary{discovery[]}, image_summary{...},
 * package_vulnerability_summary{vulnerabilities{<SEVERITY>: [...]}}}.
 * Those key names are gcloud's own.  The scan date is the discovery
 * occurrence's last scan.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
gcloud_artifact_probe(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "package_vulnerability_summary"))
		return 0;
	out->score = dojobridge_has(k, "discovery_summary") ||
	    dojobridge_has(k, "image_summary") ? 95 : 70;
	out->scan_type = "Google Cloud Artifact Vulnerability Scan";
	return 0;
}

static int
gcloud_artifact_extract(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    const char *scan_type)
{
	char buf[1024], date[11];

	(void)facts;
	(void)scan_type;
	if ((host->json_find(call,
	    "discovery_summary.discovery[0].discovery.lastScanTime", 0, buf,
	    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0) ||
	    (host->json_find(call, "discovery_summary.discovery[0].updateTime",
	    0, buf, sizeof(buf)) == 0 && host->date(buf, 0, date) == 0) ||
	    (host->json_find(call, "discovery_summary.discovery[0].createTime",
	    0, buf, sizeof(buf)) == 0 && host->date(buf, 0, date) == 0))
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if ((host->json_find(call, "image_summary.fully_qualified_digest", 0,
	    buf, sizeof(buf)) == 0 || host->json_find(call,
	    "discovery_summary.discovery[0].resourceUri", 0, buf,
	    sizeof(buf)) == 0) && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "Google Artifact Analysis");
	return 0;
}

static const struct dojobridge_scan_type gcloud_artifact_scan_types[] = {
	{ "Google Cloud Artifact Vulnerability Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin gcloud_artifact_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "gcloud_artifact",
	.version = "1.0",
	.description = "Google Cloud Artifact Analysis image vulnerability JSON",
	.scan_types = gcloud_artifact_scan_types,
	.probe = gcloud_artifact_probe,
	.extract = gcloud_artifact_extract,
};

DOJOBRIDGE_PLUGIN(gcloud_artifact_plugin)
