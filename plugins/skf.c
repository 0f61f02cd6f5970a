/*
 * skf.c — "SKF Scan": the OWASP Security Knowledge Framework's sprint
 * export, a CSV with the header title,description,mitigation (and, from
 * some versions, a date column).
 *
 * Three generic column names are a weak signal, so the probe accepts the
 * header only when it is exactly these columns, in this order, with at
 * most a trailing date; anything with more columns is someone else's CSV.
 * The rows carry no scan date of their own worth taking (the optional date
 * is per row).
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
same(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		int x = *a >= 'A' && *a <= 'Z' ? *a - 'A' + 'a' : *a;

		if (x != *b)
			return 0;
	}
	return *a == '\0' && *b == '\0';
}

static int
skf_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *h = facts->csv_header;
	size_t n;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_CSV || facts->csv_delim != ',')
		return 0;
	for (n = 0; h[n] != NULL; n++)
		;
	if ((n != 3 && n != 4) || !same(h[0], "title") ||
	    !same(h[1], "description") || !same(h[2], "mitigation") ||
	    (n == 4 && !same(h[3], "date")))
		return 0;
	out->score = 75;
	out->scan_type = "SKF Scan";
	out->upload_ext = ".csv";
	return 0;
}

static int
skf_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)facts;
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "OWASP SKF");
	return 0;
}

static const struct dojobridge_scan_type skf_scan_types[] = {
	{ "SKF Scan", ".csv", 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin skf_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "skf",
	.version = "1.0",
	.description = "OWASP Security Knowledge Framework CSV export",
	.scan_types = skf_scan_types,
	.probe = skf_probe,
	.extract = skf_extract,
};

DOJOBRIDGE_PLUGIN(skf_plugin)
