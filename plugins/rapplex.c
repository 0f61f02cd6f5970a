/*
 * rapplex.c — "Rapplex Scan": Rapplex's JSON scan export, an object
 * {ScanId, Target, CreatedDate, StartedDate, ScanTime, ScanPolicy,
 * Fingerprinting, Severities}.
 *
 * The PascalCase key set (ScanId, ScanTimeAsStr, ScanPolicy, Severities)
 * is Rapplex's alone.  StartedDate is written day first
 * ("05/03/2024 15:42:43" is 5 March, the parser reads it as %d/%m/%Y), so it
 * goes to date() with DAYFIRST.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
rapplex_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{')
		return 0;
	if (dojobridge_has(k, "ScanId") && dojobridge_has(k, "Target") &&
	    dojobridge_has(k, "Severities") && (dojobridge_has(k, "ScanPolicy") ||
	    dojobridge_has(k, "ScanTimeAsStr") || dojobridge_has(k, "StartedDate"))) {
		out->score = 95;
		out->scan_type = "Rapplex Scan";
	}
	return 0;
}

static int
rapplex_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[1024], date[11];

	(void)facts;
	(void)scan_type;
	if ((host->json_find(call, "StartedDate", 0, buf, sizeof(buf)) == 0 &&
	    host->date(buf, DOJOBRIDGE_DATE_DAYFIRST, date) == 0) ||
	    (host->json_find(call, "CreatedDate", 0, buf, sizeof(buf)) == 0 &&
	    host->date(buf, DOJOBRIDGE_DATE_DAYFIRST, date) == 0))
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (host->json_find(call, "Target", 0, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "Rapplex");
	return 0;
}

static const struct dojobridge_scan_type rapplex_scan_types[] = {
	{ "Rapplex Scan", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin rapplex_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "rapplex",
	.version = "1.0",
	.description = "Rapplex JSON scan export",
	.scan_types = rapplex_scan_types,
	.probe = rapplex_probe,
	.extract = rapplex_extract,
};

DOJOBRIDGE_PLUGIN(rapplex_plugin)
