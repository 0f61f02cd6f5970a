/*
 * testssl.c — "Testssl Scan": testssl.sh's --csvfile output, header
 * "id","fqdn/ip","port","severity","finding","cve","cwe".
 *
 * The header with its "fqdn/ip" column is testssl.sh's alone.  The file
 * holds no date; the host scanned (fqdn/ip's name before the slash, from
 * the first row) is the target.
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
static const char *const testssl_columns[] = {
	"id", "fqdn/ip", "port", "severity", "finding", NULL
};

static int
testssl_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_CSV ||
	    !has_columns(facts->csv_header, testssl_columns))
		return 0;
	out->score = column(facts->csv_header, "cve") >= 0 ? 95 : 85;
	out->scan_type = "Testssl Scan";
	return 0;
}

static int
testssl_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[512], *slash;

	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "testssl.sh");
	if (header_only(facts)) {
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
		return 0;
	}
	if (first_row_field(facts, column(facts->csv_header, "fqdn/ip"), buf,
	    sizeof(buf)) == 0) {
		/* "host/ip": the name is what tells one target from another */
		if ((slash = strchr(buf, '/')) != NULL && slash != buf)
			*slash = '\0';
		host->set(call, DOJOBRIDGE_TARGET, buf);
	}
	return 0;
}

static const struct dojobridge_scan_type testssl_scan_types[] = {
	{ "Testssl Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin testssl_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "testssl",
	.version = "1.0",
	.description = "testssl.sh CSV (id, fqdn/ip, port, severity, finding)",
	.scan_types = testssl_scan_types,
	.probe = testssl_probe,
	.extract = testssl_extract,
};

DOJOBRIDGE_PLUGIN(testssl_plugin)
