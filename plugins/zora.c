/*
 * zora.c — "Zora Parser": Undistro Zora's CSV exports, misconfigurations
 * (source,checkID,title,severity,status,remediation) and vulnerabilities
 * ("source","image","id","title","severity","status","description",
 * "fixVersion").
 *
 * Each header is matched as a whole set of columns: "source" with
 * checkID/remediation or with image/fixVersion is Zora's.  The exports
 * hold no date.
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

static const char *const zora_misconfig[] = {
	"source", "checkID", "title", "severity", "status", "remediation", NULL
};
static const char *const zora_vulns[] = {
	"source", "image", "id", "title", "severity", "status", "description",
	"fixVersion", NULL
};

static int
zora_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_CSV)
		return 0;
	if (has_columns(facts->csv_header, zora_misconfig))
		out->score = 90;
	else if (has_columns(facts->csv_header, zora_vulns))
		out->score = 85;
	else
		return 0;
	out->scan_type = "Zora Parser";
	return 0;
}

static int
zora_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Zora");
	if (header_only(facts))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type zora_scan_types[] = {
	{ "Zora Parser", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin zora_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "zora",
	.version = "1.0",
	.description = "Undistro Zora CSV (misconfigurations, vulnerabilities)",
	.scan_types = zora_scan_types,
	.probe = zora_probe,
	.extract = zora_extract,
};

DOJOBRIDGE_PLUGIN(zora_plugin)
