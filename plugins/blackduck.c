/*
 * blackduck.c — Black Duck exports: "Blackduck Hub Scan" (a project-version
 * report zip, or its bare security CSV), "Blackduck Component Risk" (the
 * same zip family) and "Blackduck Binary Analysis" (the BDBA CSV).
 *
 * Signals: zip member names and CSV headers.  The Hub parser joins the
 * zip's security*.csv with its source*.csv (or older files*.csv) and finds
 * nothing without one of those; the Component Risk parser needs
 * component*.csv plus security*.csv.  A real export carries all of them
 * (components, security, source, version, ...), and then both parsers read
 * the same bytes, differently: that zip is answered with both types and no
 * default, since neither reading is the one nearly everyone means
 * (detection.md: "the Blackduck zips ... needs a policy").  A bare security
 * CSV is Hub only: the old header starts "Project id,Version id,Channel
 * version id", the newer one "Used by,Component id,...".  Binary Analysis
 * has its own quoted header ("Component","Version","Latest version","CVE",
 * "Matching type",...,"Object SHA1").
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static const char *const zip_types[] = { "Blackduck Component Risk", NULL };

/* Column names, compared as exports spell them but ignoring case. */
static long
column(const char *const *header, const char *name)
{
	const char *a, *b;
	long i;

	for (i = 0; header[i] != NULL; i++) {
		for (a = header[i], b = name; *a && lower(*a) == lower(*b); a++, b++)
			;
		if (*a == '\0' && *b == '\0')
			return i;
	}
	return -1;
}

static int
is_hub_csv(const char *const *h)
{
	if (column(h, "Vulnerability id") < 0 || column(h, "Security Risk") < 0 ||
	    column(h, "Published on") < 0)
		return 0;
	return (column(h, "Project id") >= 0 && column(h, "Channel version id") >= 0) ||
	    (column(h, "Component id") >= 0 && column(h, "Component origin id") >= 0);
}

static int
is_binary_csv(const char *const *h)
{
	return column(h, "Component") >= 0 && column(h, "Latest version") >= 0 &&
	    column(h, "CVE") >= 0 && column(h, "Matching type") >= 0 &&
	    column(h, "Object SHA1") >= 0;
}

static const char *
base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

static int
ends_csv(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && lower(name[n - 4]) == '.' && lower(name[n - 3]) == 'c' &&
	    lower(name[n - 2]) == 's' && lower(name[n - 1]) == 'v';
}

/* What the zip holds, matched by substring of the member's base name as both
 * parsers do. */
struct members {
	const char *security;
	int component, source;
};

static void
scan_members(const char *const *m, struct members *out)
{
	const char *b;

	memset(out, 0, sizeof(*out));
	for (; *m != NULL; m++) {
		b = base(*m);
		if (!ends_csv(b))
			continue;
		if (strstr(b, "component") != NULL)
			out->component = 1;
		else if (strstr(b, "security") != NULL) {
			if (out->security == NULL)
				out->security = *m;
		} else if (strstr(b, "source") != NULL || strstr(b, "files") != NULL)
			out->source = 1;
	}
}

static int
blackduck_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	struct members m;

	(void)host;
	(void)call;
	if (facts->kind == DOJOBRIDGE_KIND_CSV) {
		if (is_binary_csv(facts->csv_header)) {
			out->score = 95;
			out->scan_type = "Blackduck Binary Analysis";
		} else if (is_hub_csv(facts->csv_header)) {
			out->score = 90;
			out->scan_type = "Blackduck Hub Scan";
		}
		return 0;
	}
	if (facts->kind != DOJOBRIDGE_KIND_ZIP)
		return 0;
	scan_members(facts->zip_members, &m);
	if (m.security == NULL || (!m.component && !m.source))
		return 0;
	out->score = 85;	/* member names only, however telling */
	if (m.component && m.source) {
		out->scan_type = "Blackduck Hub Scan";
		out->alternatives = zip_types;
	} else if (m.component)
		out->scan_type = "Blackduck Component Risk";
	else
		out->scan_type = "Blackduck Hub Scan";
	return 0;
}

/* 1 when nothing but blank space follows the header line. */
static int
header_only(const unsigned char *p, size_t len)
{
	size_t i = 0;

	while (i < len && p[i] != '\n')
		i++;
	for (; i < len; i++)
		if (p[i] != '\n' && p[i] != '\r' && p[i] != ' ' && p[i] != '\t')
			return 0;
	return 1;
}

/* Zip members are often named security_2019-11-25_223942.csv. */
static int
date_in_name(const struct dojobridge_host *host, const char *name, char date[11])
{
	const char *s;
	char buf[11];

	for (s = base(name); *s != '\0'; s++) {
		if (strlen(s) < 10 || s[4] != '-' || s[7] != '-')
			continue;
		memcpy(buf, s, 10);
		buf[10] = '\0';
		if (strspn(buf, "0123456789-") == 10 && host->date(buf, 0, date) == 0)
			return 0;
	}
	return -1;
}

static int
blackduck_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	struct members m;
	char date[11];

	(void)scan_type;
	if (facts->kind == DOJOBRIDGE_KIND_CSV) {
		/* No report date and no target: the old "Project name"
		 * column holds the component's name. */
		host->set(call, DOJOBRIDGE_TOOL, is_binary_csv(facts->csv_header) ?
		    "Black Duck Binary Analysis" : "Black Duck");
		if (facts->size == facts->head_len &&
		    header_only(facts->head, facts->head_len))
			host->set(call, DOJOBRIDGE_FINDINGS, "0");
		return 0;
	}

	host->set(call, DOJOBRIDGE_TOOL, "Black Duck");
	scan_members(facts->zip_members, &m);
	if (m.security != NULL && date_in_name(host, m.security, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	return 0;
}

static const struct dojobridge_scan_type blackduck_scan_types[] = {
	{ "Blackduck Hub Scan", NULL, 0 },
	{ "Blackduck Component Risk", NULL, 0 },
	{ "Blackduck Binary Analysis", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin blackduck_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "blackduck",
	.version = "1.0",
	.description = "Black Duck project-version zips and security CSV, BDBA CSV",
	.scan_types = blackduck_scan_types,
	.probe = blackduck_probe,
	.extract = blackduck_extract,
};

DOJOBRIDGE_PLUGIN(blackduck_plugin)
