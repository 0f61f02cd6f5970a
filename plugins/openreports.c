/*
 * openreports.c — "OpenReports": the Kubernetes OpenReports custom
 * resource, {apiVersion:"openreports.io/v1alpha1", kind:"Report" (or
 * "ClusterReport"), metadata, scope?, summary, results[]}, or a
 * {kind:"List", items[]} of them.
 *
 * The API group in apiVersion is the signature (wgpolicyk8s.io
 * PolicyReports look the same but are another group).  DefectDojo names
 * the test type after the results' source, so that is also the
 * suggested test title.
 */
#include <stdio.h>
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static int
openreports_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *api, *kind;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    (kind = dojobridge_pair(facts->json_scalars, "kind")) == NULL)
		return 0;
	api = dojobridge_pair(facts->json_scalars, "apiVersion");
	if (api != NULL && strncmp(api, "openreports.io/", 15) == 0 &&
	    (strcmp(kind, "Report") == 0 || strcmp(kind, "ClusterReport") == 0))
		out->score = 100;
	else if (strcmp(kind, "List") == 0 &&
	    dojobridge_has(facts->json_keys, "items") &&
	    find(facts->head, facts->head_len, "\"openreports.io/") != NULL)
		out->score = 90;
	else
		return 0;
	out->scan_type = "OpenReports";
	return 0;
}

static int
openreports_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *pfx = dojobridge_has(facts->json_keys, "items") ? "items[0]." : "";
	char path[64], ns[256], name[256], buf[512], date[11];

	(void)scan_type;
	snprintf(path, sizeof(path), "%smetadata.creationTimestamp", pfx);
	if (host->json_find(call, path, 0, buf, sizeof(buf)) == 0 &&
	    host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);

	/* The scoped workload, qualified by its namespace. */
	snprintf(path, sizeof(path), "%sscope.name", pfx);
	if (host->json_find(call, path, 0, name, sizeof(name)) != 0 || name[0] == '\0') {
		snprintf(path, sizeof(path), "%smetadata.name", pfx);
		if (host->json_find(call, path, 0, name, sizeof(name)) != 0)
			name[0] = '\0';
	}
	snprintf(path, sizeof(path), "%smetadata.namespace", pfx);
	if (host->json_find(call, path, 0, ns, sizeof(ns)) != 0)
		ns[0] = '\0';
	if (name[0] != '\0') {
		if (ns[0] != '\0')
			snprintf(buf, sizeof(buf), "%s/%s", ns, name);
		else
			snprintf(buf, sizeof(buf), "%s", name);
		host->set(call, DOJOBRIDGE_TARGET, buf);
	}

	snprintf(path, sizeof(path), "%sresults[0].source", pfx);
	if (host->json_find(call, path, 0, buf, sizeof(buf)) == 0 && buf[0] != '\0') {
		host->set(call, DOJOBRIDGE_TOOL, buf);
		host->set(call, DOJOBRIDGE_TEST_TITLE, buf);
	}
	/* A Report without results lists nothing. */
	if (pfx[0] == '\0' && !dojobridge_has(facts->json_keys, "results"))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type openreports_scan_types[] = {
	{ "OpenReports", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin openreports_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "openreports",
	.version = "1.0",
	.description = "Kubernetes OpenReports (openreports.io) Report and List",
	.scan_types = openreports_scan_types,
	.probe = openreports_probe,
	.extract = openreports_extract,
};

DOJOBRIDGE_PLUGIN(openreports_plugin)
