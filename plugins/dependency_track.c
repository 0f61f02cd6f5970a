/*
 * dependency_track.c — "Dependency Track Finding Packaging Format (FPF)
 * Export": {version, meta{application: "Dependency-Track", version,
 * timestamp, baseUrl}, project{...}, findings[]}.
 *
 * The top-level keys are common words (version, meta, project, findings
 * also fit Generic-like JSON), so meta.application naming Dependency-Track
 * is the signature; meta and project together without it are weaker.
 * Findings may be missing, null or [] in an export with none.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

/* Whether the first key `name` (quoted) in raw JSON text holds [], {} or null. */
static int
empty_value(const unsigned char *p, size_t len, const char *name)
{
	size_t i = value_of(p, len, name);

	if (i + 4 <= len && memcmp(p + i, "null", 4) == 0)
		return 1;
	if (i >= len || (p[i] != '[' && p[i] != '{'))
		return 0;
	i = skip_ws(p, len, i + 1);
	return i < len && (p[i] == ']' || p[i] == '}');
}

static int
dependency_track_probe(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;
	char app[64];

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "meta") || !dojobridge_has(k, "project"))
		return 0;
	if (member(facts->head, facts->head_len, "\"meta\"", "application",
	    app, sizeof(app)) == 0 && strcmp(app, "Dependency-Track") == 0)
		out->score = 100;
	else if (dojobridge_has(k, "findings") && dojobridge_has(k, "version") &&
	    member(facts->head, facts->head_len, "\"meta\"", "baseUrl", app,
	    sizeof(app)) == 0)
		out->score = 60;
	else
		return 0;
	out->scan_type = "Dependency Track Finding Packaging Format (FPF) Export";
	return 0;
}

static int
dependency_track_extract(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    const char *scan_type)
{
	char buf[1024], version[256], date[11];
	size_t n;

	(void)scan_type;
	if (host->json_find(call, "meta.timestamp", 0, buf, sizeof(buf)) == 0 &&
	    host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	/* Projects are told apart by name and version. */
	if (host->json_find(call, "project.name", 0, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0') {
		if (host->json_find(call, "project.version", 0, version,
		    sizeof(version)) == 0 && version[0] != '\0' &&
		    (n = strlen(buf)) + 1 + strlen(version) < sizeof(buf)) {
			buf[n] = ' ';
			memcpy(buf + n + 1, version, strlen(version) + 1);
		}
		host->set(call, DOJOBRIDGE_TARGET, buf);
	}
	host->set(call, DOJOBRIDGE_TOOL, "Dependency-Track");
	if (host->json_find(call, "meta.version", 0, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	if (whole(facts) && (!dojobridge_has(facts->json_keys, "findings") ||
	    empty_value(facts->head, facts->head_len, "\"findings\"")))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type dependency_track_scan_types[] = {
	{ "Dependency Track Finding Packaging Format (FPF) Export", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin dependency_track_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "dependency_track",
	.version = "1.0",
	.description = "Dependency-Track Finding Packaging Format exports",
	.scan_types = dependency_track_scan_types,
	.probe = dependency_track_probe,
	.extract = dependency_track_extract,
};

DOJOBRIDGE_PLUGIN(dependency_track_plugin)
