/*
 * twistlock.c — "Twistlock Image Scan": `twistcli images scan
 * --output-file` JSON {results[{id, name, distro, distroRelease, digest,
 * collections, packages, vulnerabilities, compliances, scanTime, ...}],
 * consoleURL?} and the Prisma Cloud console's CSV export (Registry,
 * Repository,Tag,Id,...,Distro,Hosts|Hostname,Layer,CVE ID,Compliance ID,
 * Type,Severity,Packages,...).
 *
 * {results: [...]} is shared with many tools (Semgrep, TFSec, Terrascan,
 * Talisman, OSV ...); a result with distro and Twistlock's
 * vulnerabilityDistribution/complianceDistribution is twistcli's (Trivy
 * capitalises its names).  DefectDojo's parser picks JSON or CSV from the
 * uploaded name and refuses any other, so the upload extension follows
 * the content.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

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

/*
 * Copy field `col` of the first data row (the line after the header, which
 * is taken to hold no quoted newline) from head, unquoted.
 */
static int
first_row_field(const struct dojobridge_facts *facts, int col, char *out,
    size_t outlen)
{
	const unsigned char *p = facts->head;
	size_t i = 0, len = facts->head_len, n = 0;
	int c = 0, q = 0;

	if (col < 0 || outlen == 0)
		return -1;
	while (i < len && p[i] != '\n')
		i++;
	for (i++; i < len; i++) {
		if (q) {
			if (p[i] == '"') {
				if (i + 1 < len && p[i + 1] == '"')
					i++;
				else {
					q = 0;
					continue;
				}
			}
		} else if (p[i] == '"') {
			q = 1;
			continue;
		} else if (p[i] == (unsigned char)facts->csv_delim) {
			if (c == col)
				break;
			c++;
			continue;
		} else if (p[i] == '\n' || p[i] == '\r')
			break;
		if (c == col && n + 1 < outlen)
			out[n++] = (char)p[i];
	}
	out[n] = '\0';
	return c == col && n > 0 ? 0 : -1;
}
static const char *const twistlock_columns[] = {
	"Registry", "Repository", "Tag", "Id", "Distro", "CVE ID",
	"Compliance ID", "Severity", "Packages", "Package Version", NULL
};

static int
twistlock_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;

	(void)host;
	(void)call;
	if (facts->kind == DOJOBRIDGE_KIND_CSV) {
		if (!has_columns(facts->csv_header, twistlock_columns))
			return 0;
		out->score = 90;
		out->upload_ext = ".csv";
	} else if (facts->kind == DOJOBRIDGE_KIND_JSON && facts->json_top == '{' &&
	    dojobridge_has(facts->json_keys, "results")) {
		if (find(h, n, "\"distro\"") == NULL)
			return 0;
		if (find(h, n, "\"vulnerabilityDistribution\"") != NULL ||
		    find(h, n, "\"complianceDistribution\"") != NULL)
			out->score = 95;
		else if (find(h, n, "\"compliances\"") != NULL &&
		    find(h, n, "\"vulnerabilities\"") != NULL)
			out->score = 80;
		else
			return 0;
		out->upload_ext = ".json";
	} else
		return 0;
	out->scan_type = "Twistlock Image Scan";
	return 0;
}

static int
twistlock_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[512], tag[128], date[11];
	size_t len;

	(void)scan_type;
	if (facts->kind == DOJOBRIDGE_KIND_CSV) {
		/* "Scan Time" holds a bare time of day; rows date themselves. */
		host->set(call, DOJOBRIDGE_TOOL, "Prisma Cloud");
		if (first_row_field(facts, column(facts->csv_header,
		    "Repository"), buf, sizeof(buf)) != 0)
			return 0;
		if (first_row_field(facts, column(facts->csv_header, "Tag"), tag,
		    sizeof(tag)) == 0 && (len = strlen(buf)) + 1 + strlen(tag) <
		    sizeof(buf)) {
			buf[len] = ':';
			memcpy(buf + len + 1, tag, strlen(tag) + 1);
		}
		host->set(call, DOJOBRIDGE_TARGET, buf);
		return 0;
	}
	host->set(call, DOJOBRIDGE_TOOL, "twistcli");
	if (host->json_find(call, "results[0].scanTime", 0, buf,
	    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (host->json_find(call, "results[0].name", 0, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	return 0;
}

static const struct dojobridge_scan_type twistlock_scan_types[] = {
	{ "Twistlock Image Scan", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin twistlock_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "twistlock",
	.version = "1.0",
	.description = "twistcli image scan JSON and Prisma Cloud CSV export",
	.scan_types = twistlock_scan_types,
	.probe = twistlock_probe,
	.extract = twistlock_extract,
};

DOJOBRIDGE_PLUGIN(twistlock_plugin)
