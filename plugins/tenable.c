/*
 * tenable.c — "Tenable Scan": Nessus' .nessus XML (root
 * <NessusClientData_v2>, Nessus WAS included) and the CSV exports of
 * Nessus, Tenable.sc and Tenable.io.
 *
 * DefectDojo's parser picks XML or CSV from the uploaded name (.xml or
 * .nessus, .csv), so the upload extension follows the content.  The scan
 * date sits in the first host's HOST_END tag, far into the file.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

enum csv_kind { NOT_CSV, NESSUS_CSV, SC_CSV, IO_CSV };

/* Exports differ in case ("Plugin ID", "plugin id"), never in spelling. */
static int
has_column(const char *const *header, const char *name)
{
	const char *a, *b;

	for (; *header != NULL; header++) {
		for (a = *header, b = name; *a && lower(*a) == lower(*b); a++, b++)
			;
		if (*a == '\0' && *b == '\0')
			return 1;
	}
	return 0;
}

static enum csv_kind
csv_kind(const char *const *h)
{
	if (has_column(h, "Plugin ID") && has_column(h, "Name") &&
	    has_column(h, "Host") && has_column(h, "Risk"))
		return NESSUS_CSV;
	if (has_column(h, "Plugin") && has_column(h, "Plugin Name") &&
	    has_column(h, "Family") && has_column(h, "Severity"))
		return SC_CSV;
	if (has_column(h, "asset.name") && has_column(h, "definition.id"))
		return IO_CSV;
	return NOT_CSV;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int
tenable_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if (facts->kind == DOJOBRIDGE_KIND_XML &&
	    strcmp(facts->xml_root, "NessusClientData_v2") == 0) {
		out->score = 100;
		out->upload_ext = ends_with(facts->name, ".xml") ? ".xml" :
		    ".nessus";
	} else if (facts->kind == DOJOBRIDGE_KIND_CSV &&
	    csv_kind(facts->csv_header) != NOT_CSV) {
		out->score = 90;	/* a header, however telling, is weaker */
		out->upload_ext = ".csv";
	} else
		return 0;
	out->scan_type = "Tenable Scan";
	return 0;
}

static int
tenable_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	static const char *const tools[] = {
		[NESSUS_CSV] = "Nessus", [SC_CSV] = "Tenable.sc",
		[IO_CSV] = "Tenable.io"
	};
	enum csv_kind kind;
	char buf[1024], date[11];

	(void)scan_type;
	if (facts->kind == DOJOBRIDGE_KIND_CSV) {
		/* Rows carry their own dates; no one date is the scan's. */
		if ((kind = csv_kind(facts->csv_header)) != NOT_CSV)
			host->set(call, DOJOBRIDGE_TOOL, tools[kind]);
		return 0;
	}

	if (host->xml_find(call, "NessusClientData_v2/Report/ReportHost/"
	    "HostProperties/tag[@name='HOST_END']", buf, sizeof(buf)) == 0 &&
	    host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if ((host->xml_find(call, "NessusClientData_v2/Report/ReportHost/@name",
	    buf, sizeof(buf)) == 0 || host->xml_find(call,
	    "NessusClientData_v2/Report/@name", buf, sizeof(buf)) == 0) &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "Nessus");
	return 0;
}

static const struct dojobridge_scan_type tenable_scan_types[] = {
	{ "Tenable Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin tenable_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "tenable",
	.version = "1.0",
	.description = "Nessus .nessus XML and Nessus/Tenable.sc/Tenable.io CSV",
	.scan_types = tenable_scan_types,
	.probe = tenable_probe,
	.extract = tenable_extract,
};

DOJOBRIDGE_PLUGIN(tenable_plugin)
