/*
 * sonarqube.c — the files DefectDojo's SonarQube parser reads:
 *   the soprasteria sonar-report HTML (<title>SonarQube Vulnerability
 *     Report</title>) and its JSON ({date, projectName, sonarBaseURL,
 *     sonarComponent, rules, issues, hotspotKeys, ...});
 *   a SonarQube REST API answer saved as JSON ({paging, issues, components}
 *     from api/issues/search, {paging, hotspots, components} from
 *     api/hotspots/search), or a ZIP of such answers.
 *
 * "SonarQube Scan" and "SonarQube Scan detailed" are one parser in two
 * modes: every file fits both, and the mode is the user's choice.  Both are
 * always offered; the default follows DefectDojo's documentation, which
 * describes the detailed mode as "import all findings from the SonarQube
 * html report" and the plain one (findings aggregated) beside the API
 * import: sonar-report HTML and JSON default to "detailed", REST answers
 * and their ZIPs to "SonarQube Scan".  A `prefer` setting overrides this.
 *
 * The parser dispatches on the uploaded name (.json, .zip, anything else
 * HTML), so the extension follows the content.  A ZIP is only claimed
 * when its first JSON member reads like a REST answer; a ZIP holding no
 * file at all (only folders) is claimed weakly and as empty, since the
 * parser would import it as zero findings and close every open one.
 * sonar-report writes its date in words ("Tuesday, May 7, 2024"; the HTML
 * "Thu Aug 01 2019"); REST answers have only per-issue dates.
 */
#include <string.h>

#include "dojobridge-plugin.h"

#define PLAIN		"SonarQube Scan"
#define DETAILED	"SonarQube Scan detailed"

enum form { NONE, REPORT_HTML, REPORT_JSON, API_JSON, API_ZIP, EMPTY_ZIP };

static const char *const plain_first[] = { DETAILED, NULL };
static const char *const detailed_first[] = { PLAIN, NULL };

static int
ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static const unsigned char *
find(const unsigned char *p, size_t len, const char *needle)
{
	size_t i, n = strlen(needle);

	for (i = 0; i + n <= len; i++)
		if (memcmp(p + i, needle, n) == 0)
			return p + i;
	return NULL;
}

/* 1 if the first "key" in p is followed by an empty array. */
static int
empty_array(const unsigned char *p, size_t len, const char *key)
{
	size_t i, n = strlen(key);

	for (i = 0; i + n + 2 <= len; i++)
		if (p[i] == '"' && memcmp(p + i + 1, key, n) == 0 &&
		    p[i + n + 1] == '"')
			break;
	if (i + n + 2 > len)
		return 0;
	for (i += n + 2; i < len && ws(p[i]); i++)
		;
	if (i >= len || p[i++] != ':')
		return 0;
	for (; i < len && ws(p[i]); i++)
		;
	if (i >= len || p[i++] != '[')
		return 0;
	for (; i < len && ws(p[i]); i++)
		;
	return i < len && p[i] == ']';
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The first member that is a file, or NULL; *json_only when every file
 * member is a .json. */
static const char *
first_file(const char *const *members, int *json_only)
{
	const char *first = NULL;

	*json_only = 1;
	for (; *members != NULL; members++) {
		if (ends_with(*members, "/"))
			continue;
		if (!ends_with(*members, ".json"))
			*json_only = 0;
		if (first == NULL)
			first = *members;
	}
	return first;
}

/*
 * Which of the formats the file is.  Telling a ZIP of REST answers needs a
 * look at its first member (8 KiB of it, once, in the probe); extract
 * passes host NULL, which keeps that read from happening twice and only
 * loses the API_ZIP case, which has nothing to extract.
 */
static enum form
form_of(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts)
{
	const char *const *k = facts->json_keys;
	const char *member;
	unsigned char buf[8192];
	long n;
	int json_only;

	switch (facts->kind) {
	case DOJOBRIDGE_KIND_HTML:
		if (find(facts->head, facts->head_len,
		    "<title>SonarQube Vulnerability Report</title>") != NULL)
			return REPORT_HTML;
		return NONE;
	case DOJOBRIDGE_KIND_JSON:
		if (facts->json_top != '{' || (!dojobridge_has(k, "issues") &&
		    !dojobridge_has(k, "hotspots")))
			return NONE;
		if ((dojobridge_has(k, "sonarBaseURL") ||
		    dojobridge_has(k, "sonarComponent")) &&
		    dojobridge_has(k, "projectName"))
			return REPORT_JSON;
		if (dojobridge_has(k, "paging") && dojobridge_has(k, "components"))
			return API_JSON;
		return NONE;
	case DOJOBRIDGE_KIND_ZIP:
		if (facts->zip_members[0] == NULL)
			return NONE;
		if ((member = first_file(facts->zip_members, &json_only)) == NULL)
			return EMPTY_ZIP;
		if (!json_only || host == NULL ||
		    (n = host->zip_read(call, member, buf, sizeof(buf))) <= 0)
			return NONE;
		if (find(buf, (size_t)n, "\"paging\"") != NULL &&
		    (find(buf, (size_t)n, "\"issues\"") != NULL ||
		    find(buf, (size_t)n, "\"hotspots\"") != NULL))
			return API_ZIP;
		return NONE;
	default:
		return NONE;
	}
}

static int
sonarqube_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	enum form form = form_of(host, call, facts);

	switch (form) {
	case REPORT_HTML:
		out->score = 95;
		out->upload_ext = ".html";
		break;
	case REPORT_JSON:
		out->score = 95;
		out->upload_ext = ".json";
		break;
	case API_JSON:
		out->score = 85;
		out->upload_ext = ".json";
		break;
	case API_ZIP:
		out->score = 80;
		out->upload_ext = ".zip";
		break;
	case EMPTY_ZIP:
		out->score = 20;
		out->upload_ext = ".zip";
		break;
	case NONE:
		return 0;
	}
	if (form == REPORT_HTML || form == REPORT_JSON) {
		out->scan_type = DETAILED;
		out->alternatives = detailed_first;
	} else {
		out->scan_type = PLAIN;
		out->alternatives = plain_first;
	}
	out->mainstream = 1;
	return 0;
}

/* The text of the <dd> after the <dt> whose text is label, in the head. */
static int
html_field(const struct dojobridge_facts *facts, const char *label, char *out,
    size_t outlen)
{
	const unsigned char *p = facts->head, *end = p + facts->head_len, *q;
	size_t n = 0;

	if ((q = find(p, facts->head_len, label)) == NULL)
		return -1;
	q += strlen(label);
	if ((q = find(q, (size_t)(end - q), "<dd>")) == NULL)
		return -1;
	for (q += 4; q < end && ws(*q); q++)
		;
	for (; q < end && *q != '<' && n + 1 < outlen; q++)
		out[n++] = (char)*q;
	while (n > 0 && ws((unsigned char)out[n - 1]))
		n--;
	out[n] = '\0';
	return n > 0 ? 0 : -1;
}

static int
sonarqube_extract(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    const char *scan_type)
{
	char buf[512], date[11];
	const char *v;

	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "SonarQube");
	switch (form_of(NULL, call, facts)) {
	case REPORT_HTML:
		if (html_field(facts, "Report Generated On</dt>", buf,
		    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0)
			host->set(call, DOJOBRIDGE_SCAN_DATE, date);
		if (html_field(facts, "Project Name</dt>", buf, sizeof(buf)) == 0)
			host->set(call, DOJOBRIDGE_TARGET, buf);
		break;
	case REPORT_JSON:
		if ((v = dojobridge_pair(facts->json_scalars, "date")) != NULL &&
		    host->date(v, 0, date) == 0)
			host->set(call, DOJOBRIDGE_SCAN_DATE, date);
		if (((v = dojobridge_pair(facts->json_scalars,
		    "projectName")) != NULL && v[0] != '\0') ||
		    ((v = dojobridge_pair(facts->json_scalars,
		    "sonarComponent")) != NULL && v[0] != '\0'))
			host->set(call, DOJOBRIDGE_TARGET, v);
		if (facts->head_len == facts->size &&
		    empty_array(facts->head, facts->head_len, "issues") &&
		    (empty_array(facts->head, facts->head_len, "hotspotKeys") ||
		    find(facts->head, facts->head_len, "\"hotspotKeys\"") == NULL))
			host->set(call, DOJOBRIDGE_FINDINGS, "0");
		break;
	case API_JSON:
		if ((host->json_find(call, "issues[0].project", 0, buf,
		    sizeof(buf)) == 0 || host->json_find(call,
		    "hotspots[0].project", 0, buf, sizeof(buf)) == 0) &&
		    buf[0] != '\0')
			host->set(call, DOJOBRIDGE_TARGET, buf);
		if (facts->head_len == facts->size &&
		    (empty_array(facts->head, facts->head_len, "issues") ||
		    empty_array(facts->head, facts->head_len, "hotspots")))
			host->set(call, DOJOBRIDGE_FINDINGS, "0");
		break;
	case EMPTY_ZIP:
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
		break;
	case API_ZIP:
	case NONE:
		break;
	}
	return 0;
}

static const struct dojobridge_scan_type sonarqube_scan_types[] = {
	{ PLAIN, NULL, 1 },
	{ DETAILED, NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin sonarqube_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "sonarqube",
	.version = "1.0",
	.description = "sonar-report HTML/JSON, SonarQube REST API JSON and ZIP",
	.scan_types = sonarqube_scan_types,
	.probe = sonarqube_probe,
	.extract = sonarqube_extract,
};

DOJOBRIDGE_PLUGIN(sonarqube_plugin)
