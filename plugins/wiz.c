/*
 * wiz.c — "Wiz Scan": the Wiz console's CSV exports, issues (Created At,
 * Title,Severity,Status,Description,Resource Type,Resource external ID,
 * ...,Control ID,...) and vulnerability findings (ID,WizURL,Name,
 * CVSSSeverity,HasExploit,...,FirstDetected,...); and wizcli's JSON
 * results, "Wizcli Dir Scan", "Wizcli IaC Scan" and "Wizcli Img Scan"
 * ({id, projects, createdAt, startedAt, createdBy, status, policies, ...,
 * scanOriginResource{__typename, name}, result{...}}).
 *
 * The three wizcli reports share one envelope, and Dir and Img results
 * are shaped alike: only scanOriginResource.__typename (CICDScanOrigin
 * Directory, IAC, ContainerImage) tells them apart; it sits in the first
 * few KB.  createdAt is the scan's date (startedAt is 0001-01-01).
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"
#include "rawjson.h"

/* Index of column `name` (case-insensitive) in header, or -1. */
static int
column(const char *const *header, const char *name)
{
	const char *a, *b;
	int i;

	for (i = 0; header[i] != NULL; i++) {
		for (a = header[i], b = name; *a && lower(*a) == lower(*b); a++, b++)
			;
		if (*a == '\0' && *b == '\0')
			return i;
	}
	return -1;
}

static int
has_columns(const char *const *header, const char *const *names)
{
	for (; *names != NULL; names++)
		if (column(header, *names) < 0)
			return 0;
	return 1;
}

/* Does the whole file sit in head with nothing but blanks after line one? */
static int
header_only(const struct dojobridge_facts *facts)
{
	size_t i = 0;

	if (facts->size > facts->head_len)
		return 0;
	while (i < facts->head_len && facts->head[i] != '\n')
		i++;
	for (; i < facts->head_len; i++)
		if (facts->head[i] != '\n' && facts->head[i] != '\r' &&
		    facts->head[i] != ' ' && facts->head[i] != '\t')
			return 0;
	return 1;
}

static const char *const wiz_issues[] = {
	"Created At", "Title", "Severity", "Status", "Resource Type",
	"Resource external ID", "Control ID", NULL
};
static const char *const wiz_vulns[] = {
	"ID", "WizURL", "Name", "CVSSSeverity", "FindingStatus",
	"VendorSeverity", "FirstDetected", NULL
};

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

static const char *
wizcli_type(const struct dojobridge_facts *facts)
{
	const unsigned char *p;
	char name[64];

	p = find(facts->head, facts->head_len, "\"scanOriginResource\"");
	if (p == NULL || raw_string(p, facts->head_len - (size_t)(p -
	    facts->head), "\"__typename\"", name, sizeof(name)) != 0)
		return NULL;
	if (strcmp(name, "CICDScanOriginDirectory") == 0)
		return "Wizcli Dir Scan";
	if (strcmp(name, "CICDScanOriginIAC") == 0)
		return "Wizcli IaC Scan";
	if (strcmp(name, "CICDScanOriginContainerImage") == 0)
		return "Wizcli Img Scan";
	return NULL;
}

static int
wiz_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;
	const char *type;

	(void)host;
	(void)call;
	if (facts->kind == DOJOBRIDGE_KIND_CSV) {
		if (has_columns(facts->csv_header, wiz_vulns))
			out->score = 95;
		else if (has_columns(facts->csv_header, wiz_issues))
			out->score = 90;
		else
			return 0;
		out->scan_type = "Wiz Scan";
		return 0;
	}
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "scanOriginResource") || !dojobridge_has(k, "result") ||
	    !dojobridge_has(k, "createdAt") || !dojobridge_has(k, "policies"))
		return 0;
	if ((type = wizcli_type(facts)) == NULL)
		return 0;
	out->score = 100;
	out->scan_type = type;
	return 0;
}

static int
wiz_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[1024], date[11];

	if (strcmp(scan_type, "Wiz Scan") == 0) {
		/* Rows date themselves; no one date is the export's. */
		host->set(call, DOJOBRIDGE_TOOL, "Wiz");
		if (header_only(facts))
			host->set(call, DOJOBRIDGE_FINDINGS, "0");
		return 0;
	}
	host->set(call, DOJOBRIDGE_TOOL, "wizcli");
	if ((host->json_find(call, "createdAt", 0, buf, sizeof(buf)) == 0 &&
	    host->date(buf, 0, date) == 0) ||
	    (host->json_find(call, "startedAt", 0, buf, sizeof(buf)) == 0 &&
	    host->date(buf, 0, date) == 0))
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	/* An IaC scan's default name is "IAC scan <time>": no target. */
	if (host->json_find(call, "scanOriginResource.name", 0, buf,
	    sizeof(buf)) == 0 && buf[0] != '\0' &&
	    strncmp(buf, "IAC scan ", 9) != 0)
		host->set(call, DOJOBRIDGE_TARGET, buf);
	return 0;
}

static const struct dojobridge_scan_type wiz_scan_types[] = {
	{ "Wiz Scan", NULL, 1 },
	{ "Wizcli Dir Scan", NULL, 0 },
	{ "Wizcli IaC Scan", NULL, 0 },
	{ "Wizcli Img Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin wiz_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "wiz",
	.version = "1.0",
	.description = "Wiz console CSV exports and wizcli dir/IaC/image JSON",
	.scan_types = wiz_scan_types,
	.probe = wiz_probe,
	.extract = wiz_extract,
};

DOJOBRIDGE_PLUGIN(wiz_plugin)
