/*
 * gitlab.c — GitLab security reports, one JSON schema for six scan types:
 * "GitLab SAST Report", "GitLab Dependency Scanning Report", "GitLab
 * Container Scan", "GitLab DAST Report", "GitLab Secret Detection Report"
 * and "GitLab API Fuzzing Report Scan".
 *
 * The shape is {version, vulnerabilities[], remediations[], scan{type,
 * scanner, start_time, end_time}}.  DefectDojo's parsers do not check which
 * kind of report they are given, so detection must: scan.type first (the
 * scan object is usually serialised last, hence the tail), then the first
 * vulnerability's category (schema 14 and older), then the keys of its
 * location (schema 15 has neither): image or operating_system for
 * container, hostname for DAST (SAST locations may have a "method" too),
 * commit for secrets, start_line for SAST, dependency for dependency
 * scanning.  Top-level dependency_files, @generated or __comment__ (the
 * ZAP-based DAST reports) are the last hints.  Both fuzzing scan types
 * (api_fuzzing, coverage_fuzzing) map to the API fuzzing parser.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

#define SAST		"GitLab SAST Report"
#define DEPS		"GitLab Dependency Scanning Report"
#define CONTAINER	"GitLab Container Scan"
#define DAST		"GitLab DAST Report"
#define SECRETS		"GitLab Secret Detection Report"
#define FUZZING		"GitLab API Fuzzing Report Scan"

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

static const char *
type_for(const char *type)
{
	static const struct {
		const char *type, *scan_type;
	} map[] = {
		{ "sast", SAST }, { "dependency_scanning", DEPS },
		{ "container_scanning", CONTAINER }, { "dast", DAST },
		{ "secret_detection", SECRETS }, { "api_fuzzing", FUZZING },
		{ "coverage_fuzzing", FUZZING },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(type, map[i].type) == 0)
			return map[i].scan_type;
	return NULL;
}

/* The first vulnerability's location, by the keys only one kind has. */
static const char *
type_by_location(const unsigned char *p, size_t len)
{
	char v[8];

	if (member(p, len, "\"location\"", "image", v, sizeof(v)) == 0 ||
	    member(p, len, "\"location\"", "operating_system", v, sizeof(v)) == 0)
		return CONTAINER;
	if (member(p, len, "\"location\"", "hostname", v, sizeof(v)) == 0)
		return DAST;
	if (member(p, len, "\"location\"", "commit", v, sizeof(v)) == 0)
		return SECRETS;
	if (member(p, len, "\"location\"", "start_line", v, sizeof(v)) == 0)
		return SAST;
	if (member(p, len, "\"location\"", "dependency", v, sizeof(v)) == 0)
		return DEPS;
	return NULL;
}

static int
gitlab_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;
	const char *type = NULL;
	char v[64];
	int score = 0;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{')
		return 0;
	/* Mend, Snyk, NPM and others also have vulnerabilities[]; only
	 * GitLab's schema has remediations[] or the scan object beside it. */
	if (!dojobridge_has(k, "vulnerabilities") ||
	    (!dojobridge_has(k, "remediations") && !dojobridge_has(k, "scan") &&
	    !dojobridge_has(k, "__comment__")))
		return 0;

	/* Checkmarx One writes this schema too, as its own scan type. */
	if ((member(facts->head, facts->head_len, "\"vendor\"", "name", v,
	    sizeof(v)) == 0 && strcmp(v, "Checkmarx") == 0) ||
	    (member(facts->tail, facts->tail_len, "\"vendor\"", "name", v,
	    sizeof(v)) == 0 && strcmp(v, "Checkmarx") == 0))
		return 0;

	if ((member(facts->tail, facts->tail_len, "\"scan\"", "type", v,
	    sizeof(v)) == 0 || member(facts->head, facts->head_len, "\"scan\"",
	    "type", v, sizeof(v)) == 0) && (type = type_for(v)) != NULL)
		score = 95;
	else if (member(facts->head, facts->head_len, "\"vulnerabilities\"",
	    "category", v, sizeof(v)) == 0 && (type = type_for(v)) != NULL)
		score = 85;
	else if ((type = type_by_location(facts->head, facts->head_len)) != NULL)
		score = 75;
	else if (dojobridge_has(k, "dependency_files")) {
		type = DEPS;
		score = 70;
	} else if (dojobridge_has(k, "@generated") ||
	    dojobridge_has(k, "__comment__")) {
		type = DAST;
		score = 50;
	} else
		return 0;
	out->score = score;
	out->scan_type = type;
	return 0;
}

static int
gitlab_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[1024], date[11];

	/* scan.end_time has no zone; DAST's older @generated is RFC 2822-ish. */
	if ((host->json_find(call, "scan.end_time", DOJOBRIDGE_FIND_LAST, buf,
	    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0) ||
	    (host->json_find(call, "@generated", 0, buf, sizeof(buf)) == 0 &&
	    host->date(buf, 0, date) == 0))
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);

	if ((host->json_find(call, "scan.scanner.name", DOJOBRIDGE_FIND_LAST,
	    buf, sizeof(buf)) == 0 || host->json_find(call,
	    "vulnerabilities[0].scanner.name", 0, buf, sizeof(buf)) == 0) &&
	    buf[0] != '\0') {
		host->set(call, DOJOBRIDGE_TOOL, buf);
		/* The SAST parser names the test type after the analyzer and
		 * refuses to reimport another analyzer's report into it. */
		if (strcmp(scan_type, SAST) == 0)
			host->set(call, DOJOBRIDGE_TEST_TITLE, buf);
	}
	if (host->json_find(call, "scan.scanner.version", DOJOBRIDGE_FIND_LAST,
	    buf, sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);

	if (strcmp(scan_type, CONTAINER) == 0 && host->json_find(call,
	    "vulnerabilities[0].location.image", 0, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	if (strcmp(scan_type, DAST) == 0 && (host->json_find(call,
	    "vulnerabilities[0].location.hostname", 0, buf, sizeof(buf)) == 0 ||
	    host->json_find(call, "scan.scanned_resources[0].url", 0, buf,
	    sizeof(buf)) == 0) && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);

	if (whole(facts) && empty_value(facts->head, facts->head_len,
	    "\"vulnerabilities\""))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type gitlab_scan_types[] = {
	{ SAST, NULL, 0 },
	{ DEPS, NULL, 0 },
	{ CONTAINER, NULL, 1 },
	{ DAST, NULL, 1 },
	{ SECRETS, NULL, 1 },
	{ FUZZING, NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin gitlab_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "gitlab",
	.version = "1.0",
	.description = "GitLab security reports (SAST, dependency, container, "
	    "DAST, secrets, API fuzzing)",
	.scan_types = gitlab_scan_types,
	.probe = gitlab_probe,
	.extract = gitlab_extract,
};

DOJOBRIDGE_PLUGIN(gitlab_plugin)
