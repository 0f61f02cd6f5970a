/*
 * trivy.c — Trivy's JSON report ("Trivy Scan") in its three shapes: the
 * current object (SchemaVersion, ArtifactName, Results), `trivy k8s`
 * (ClusterName with Vulnerabilities, Misconfigurations or Resources) and
 * the legacy (< 0.20) array of {Target, Type, Vulnerabilities}.
 *
 * Trivy's CycloneDX and SARIF outputs belong to those types, not to this
 * plugin, and Trivy Operator's Kubernetes resources are another scan type.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
trivy_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;
	const char *const *e = facts->json_elem_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON)
		return 0;
	if (facts->json_top == '{' && dojobridge_has(k, "SchemaVersion") &&
	    (dojobridge_has(k, "ArtifactName") || dojobridge_has(k, "ArtifactType") ||
	    dojobridge_has(k, "Results")))
		out->score = 100;
	else if (facts->json_top == '{' && dojobridge_has(k, "ClusterName") &&
	    (dojobridge_has(k, "Vulnerabilities") || dojobridge_has(k, "Misconfigurations") ||
	    dojobridge_has(k, "Resources")))
		out->score = 100;
	else if (facts->json_top == '[' && dojobridge_has(e, "Target") &&
	    dojobridge_has(e, "Vulnerabilities"))
		out->score = 80;	/* legacy: few keys, but no one else's */
	else
		return 0;
	out->scan_type = "Trivy Scan";
	return 0;
}

static int
trivy_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;
	char date[11], buf[1024];

	(void)scan_type;

	/* Only newer Trivy writes CreatedAt; the rest have no report date. */
	v = dojobridge_pair(facts->json_scalars, "CreatedAt");
	if (v != NULL && host->date(v, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);

	/*
	 * The target: the artifact (image, repository, path) or the cluster;
	 * an image scanned by ID has an empty ArtifactName, and legacy reports
	 * have none, so fall back to the first result's Target.
	 */
	if ((v = dojobridge_pair(facts->json_scalars, "ArtifactName")) != NULL && *v != '\0')
		host->set(call, DOJOBRIDGE_TARGET, v);
	else if ((v = dojobridge_pair(facts->json_scalars, "ClusterName")) != NULL &&
	    *v != '\0')
		host->set(call, DOJOBRIDGE_TARGET, v);
	else if (host->json_find(call, facts->json_top == '[' ? "[0].Target" :
	    "Results[0].Target", 0, buf, sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);

	host->set(call, DOJOBRIDGE_TOOL, "Trivy");
	if (dojobridge_has(facts->json_keys, "Trivy") && host->json_find(call,
	    "Trivy.Version", 0, buf, sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	return 0;
}

static const struct dojobridge_scan_type trivy_scan_types[] = {
	{ "Trivy Scan", ".json", 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin trivy_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "trivy",
	.version = "1.0",
	.description = "Trivy JSON report (image, filesystem, repository, k8s, legacy)",
	.scan_types = trivy_scan_types,
	.probe = trivy_probe,
	.extract = trivy_extract,
};

DOJOBRIDGE_PLUGIN(trivy_plugin)
