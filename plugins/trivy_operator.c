/*
 * trivy_operator.c — "Trivy Operator Scan": the Kubernetes custom resources
 * trivy-operator writes (VulnerabilityReport, ConfigAuditReport,
 * ExposedSecretReport, ClusterComplianceReport, ...), as `kubectl get -o
 * json` prints them: one resource {apiVersion: "aquasecurity.github.io/
 * v1alpha1", kind, metadata, report|spec/status}, an array of those, or an
 * object keyed by CRD plural ("vulnerabilityreports.aquasecurity.github.io").
 *
 * The API group aquasecurity.github.io is the signature; plain Trivy's JSON
 * (ArtifactName, Results) never carries it.  The date is the report's
 * updateTimestamp (about 31 KB in for big reports), else the resource's
 * creationTimestamp.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"
#include "rawjson.h"

#define GROUP	"aquasecurity.github.io"

/* The string value of the first `key` (quotes included) in raw JSON text. */
static int
raw_string(const unsigned char *p, size_t len, const char *key, char *out,
    size_t outlen)
{
	const unsigned char *k = find(p, len, key);
	size_t i, n = 0;

	if (k == NULL || outlen == 0)
		return -1;
	for (i = (size_t)(k - p) + strlen(key); i < len &&
	    (space(p[i]) || p[i] == ':'); i++)
		;
	if (i >= len || p[i] != '"')
		return -1;
	for (i++; i < len && p[i] != '"' && p[i] != '\\' && n + 1 < outlen; i++)
		out[n++] = (char)p[i];
	out[n] = '\0';
	return i < len && p[i] == '"' ? 0 : -1;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int
trivy_operator_probe(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    struct dojobridge_verdict *out)
{
	const char *const *k;
	const char *api;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON)
		return 0;
	if (facts->json_top == '{') {
		api = dojobridge_pair(facts->json_scalars, "apiVersion");
		if (api != NULL && strncmp(api, GROUP "/", strlen(GROUP) + 1) == 0 &&
		    dojobridge_has(facts->json_keys, "kind") &&
		    dojobridge_has(facts->json_keys, "metadata"))
			out->score = 100;
		else {
			for (k = facts->json_keys; *k != NULL; k++)
				if (ends_with(*k, "." GROUP))
					break;
			if (*k == NULL)
				return 0;
			out->score = 95;
		}
	} else {
		k = facts->json_elem_keys;
		if (!dojobridge_has(k, "apiVersion") || !dojobridge_has(k, "kind") ||
		    !dojobridge_has(k, "metadata") ||
		    find(facts->head, facts->head_len, "\"" GROUP "/") == NULL)
			return 0;
		out->score = 95;
	}
	out->scan_type = "Trivy Operator Scan";
	return 0;
}

static int
trivy_operator_extract(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    const char *scan_type)
{
	char buf[512], name[256], date[11];
	int single;

	(void)scan_type;
	single = facts->json_top == '{' &&
	    dojobridge_pair(facts->json_scalars, "apiVersion") != NULL;
	if ((raw_string(facts->head, facts->head_len, "\"updateTimestamp\"",
	    buf, sizeof(buf)) == 0 || (single && host->json_find(call,
	    "report.updateTimestamp", 0, buf, sizeof(buf)) == 0) ||
	    raw_string(facts->head, facts->head_len, "\"creationTimestamp\"",
	    buf, sizeof(buf)) == 0) && host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);

	/* The scanner the operator ran ("Trivy") is the resource's tool. */
	if (single && host->json_find(call, "report.scanner.name", 0, buf,
	    sizeof(buf)) == 0 && buf[0] != '\0') {
		host->set(call, DOJOBRIDGE_TOOL, buf);
		if (host->json_find(call, "report.scanner.version", 0, buf,
		    sizeof(buf)) == 0 && buf[0] != '\0')
			host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	} else
		host->set(call, DOJOBRIDGE_TOOL, "trivy-operator");
	if (!single)
		return 0;	/* many resources: no one target */
	if (host->json_find(call, "metadata.name", 0, name, sizeof(name)) == 0 &&
	    name[0] != '\0') {
		if (host->json_find(call, "metadata.namespace", 0, buf,
		    sizeof(buf)) == 0 && buf[0] != '\0' &&
		    strlen(buf) + 1 + strlen(name) < sizeof(buf)) {
			strncat(buf, "/", sizeof(buf) - strlen(buf) - 1);
			strncat(buf, name, sizeof(buf) - strlen(buf) - 1);
			host->set(call, DOJOBRIDGE_TARGET, buf);
		} else
			host->set(call, DOJOBRIDGE_TARGET, name);
	}
	return 0;
}

static const struct dojobridge_scan_type trivy_operator_scan_types[] = {
	{ "Trivy Operator Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin trivy_operator_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "trivy_operator",
	.version = "1.0",
	.description = "trivy-operator custom resources (aquasecurity.github.io)",
	.scan_types = trivy_operator_scan_types,
	.probe = trivy_operator_probe,
	.extract = trivy_operator_extract,
};

DOJOBRIDGE_PLUGIN(trivy_operator_plugin)
