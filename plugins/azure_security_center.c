/*
 * azure_security_center.c — Microsoft Defender for Cloud (Azure Security
 * Center) recommendations exported as CSV: "exportedTimestamp",
 * "subscriptionId", "subscriptionName", "resourceGroup", ...,
 * "recommendationId", "recommendationName", ...
 *
 * The header's Azure column names are the signal (quoted or not, often
 * behind a UTF-8 BOM, which the host strips).  DefectDojo's parser raises
 * unless the name ends in ".csv".  The export time and the subscription
 * are read from the first data row.
 */
#include <string.h>

#include "dojobridge-plugin.h"

/* Column index of name in the header, or -1. */
static int
column(const char *const *header, const char *name)
{
	int i;

	for (i = 0; header[i] != NULL; i++)
		if (strcmp(header[i], name) == 0)
			return i;
	return -1;
}

/* Offset of the first byte after the header record, or len. */
static size_t
after_header(const unsigned char *p, size_t len)
{
	size_t i;
	int quoted = 0;

	for (i = 0; i < len; i++) {
		if (p[i] == '"')
			quoted = !quoted;
		else if (p[i] == '\n' && !quoted)
			return i + 1;
	}
	return len;
}

/*
 * Copy field `col` of the record starting at p[i] (quotes removed, "" read
 * as "), truncated to outlen - 1.  Returns -1 when the record ends first.
 */
static int
field(const unsigned char *p, size_t len, size_t i, char delim, int col,
    char *out, size_t outlen)
{
	size_t n = 0;
	int c = 0, quoted = 0;

	for (; i < len; i++) {
		if (quoted) {
			if (p[i] == '"' && i + 1 < len && p[i + 1] == '"')
				i++;
			else if (p[i] == '"') {
				quoted = 0;
				continue;
			}
		} else if (p[i] == '"') {
			quoted = 1;
			continue;
		} else if (p[i] == (unsigned char)delim || p[i] == '\n' || p[i] == '\r') {
			if (c == col) {
				out[n] = '\0';
				return 0;
			}
			if (p[i] != (unsigned char)delim)
				return -1;
			c++;
			continue;
		}
		if (c == col && n + 1 < outlen)
			out[n++] = (char)p[i];
	}
	out[n] = '\0';
	return c == col && n > 0 ? 0 : -1;
}

static int
azure_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *h = facts->csv_header;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_CSV ||
	    column(h, "exportedTimestamp") < 0 || column(h, "subscriptionId") < 0 ||
	    column(h, "recommendationId") < 0 || column(h, "recommendationName") < 0)
		return 0;
	out->score = 95;
	out->scan_type = "Azure Security Center Recommendations Scan";
	out->upload_ext = ".csv";
	return 0;
}

static int
azure_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const unsigned char *p = facts->head;
	size_t len = facts->head_len, row;
	char buf[1024], date[11];
	int c;

	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Azure Security Center");
	row = after_header(p, len);
	while (row < len && (p[row] == '\r' || p[row] == '\n'))
		row++;
	if (row >= len) {
		/* A header and nothing else: no recommendation at all. */
		if (facts->size <= len)
			host->set(call, DOJOBRIDGE_FINDINGS, "0");
		return 0;
	}
	if ((c = column(facts->csv_header, "exportedTimestamp")) >= 0 &&
	    field(p, len, row, facts->csv_delim, c, buf, sizeof(buf)) == 0 &&
	    host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (((c = column(facts->csv_header, "subscriptionName")) >= 0 &&
	    field(p, len, row, facts->csv_delim, c, buf, sizeof(buf)) == 0) ||
	    ((c = column(facts->csv_header, "subscriptionId")) >= 0 &&
	    field(p, len, row, facts->csv_delim, c, buf, sizeof(buf)) == 0))
		host->set(call, DOJOBRIDGE_TARGET, buf);
	return 0;
}

static const struct dojobridge_scan_type azure_scan_types[] = {
	{ "Azure Security Center Recommendations Scan", ".csv", 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin azure_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "azure_security_center",
	.version = "1.0",
	.description = "Azure Security Center / Defender for Cloud recommendations CSV",
	.scan_types = azure_scan_types,
	.probe = azure_probe,
	.extract = azure_extract,
};

DOJOBRIDGE_PLUGIN(azure_plugin)
