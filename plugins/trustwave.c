/*
 * trustwave.c — "Trustwave Scan (CSV)": the Trustwave scan CSV export
 * ("Status","IP","Target Name","Domain","Vulnerability Name", ...), and
 * "Trustwave Fusion API Scan": the Fusion findings API answer {items[{id,
 * assetId, customerId, customerName, classification, createdOn, severity,
 * name, kb, trackingId, externalFindingId, externalJobId, location{...},
 * job{jobStartTime, jobEndTime}}], pageNumber?, pageSize?, totalCount?}.
 *
 * {items: [...]} is generic (NeuVector, OpenReports List, Kubernetes
 * lists, AppCheck), so an item must show Fusion's own names
 * (externalFindingId, customerName, trackingId).  A page with no item is
 * claimed only when the object has nothing but Fusion's paging keys, at a
 * low score and as empty.  The scan date is the first item's job end.
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

static const char *const trustwave_columns[] = {
	"Status", "IP", "Target Name", "Domain", "Vulnerability Name",
	"Severity", NULL
};

/* Only Fusion's paging keys, and items an empty array? */
static int
empty_page(const struct dojobridge_facts *facts)
{
	static const char *const paging[] = {
		"items", "pageNumber", "pageSize", "totalCount",
		"lastPageNumber", "sorting", NULL
	};
	const unsigned char *p = facts->head;
	size_t i, len = facts->head_len;
	const char *const *k;

	if (facts->size > facts->head_len)
		return 0;
	for (k = facts->json_keys; *k != NULL; k++)
		if (!dojobridge_has(paging, *k))
			return 0;
	if ((p = find(p, len, "\"items\"")) == NULL)
		return 0;
	len -= (size_t)(p - facts->head);
	for (i = 7; i < len && (p[i] == ' ' || p[i] == ':' || p[i] == '\t' ||
	    p[i] == '\n' || p[i] == '\r'); i++)
		;
	if (i >= len || p[i] != '[')
		return 0;
	for (i++; i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' ||
	    p[i] == '\r'); i++)
		;
	return i < len && p[i] == ']';
}

static int
trustwave_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;

	(void)host;
	(void)call;
	if (facts->kind == DOJOBRIDGE_KIND_CSV) {
		if (!has_columns(facts->csv_header, trustwave_columns))
			return 0;
		out->score = column(facts->csv_header, "Evidence") >= 0 ? 95 : 85;
		out->scan_type = "Trustwave Scan (CSV)";
		return 0;
	}
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(facts->json_keys, "items"))
		return 0;
	if (find(h, n, "\"externalFindingId\"") != NULL &&
	    find(h, n, "\"customerName\"") != NULL)
		out->score = find(h, n, "\"trackingId\"") != NULL ? 95 : 85;
	else if (empty_page(facts))
		out->score = 30;
	else
		return 0;
	out->scan_type = "Trustwave Fusion API Scan";
	return 0;
}

static int
trustwave_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[256], date[11];

	if (strcmp(scan_type, "Trustwave Scan (CSV)") == 0) {
		host->set(call, DOJOBRIDGE_TOOL, "Trustwave");
		return 0;
	}
	host->set(call, DOJOBRIDGE_TOOL, "Trustwave Fusion");
	if (empty_page(facts)) {
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
		return 0;
	}
	if (host->json_find(call, "items[0].job.jobEndTime", 0, buf,
	    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	return 0;
}

static const struct dojobridge_scan_type trustwave_scan_types[] = {
	{ "Trustwave Scan (CSV)", NULL, 0 },
	{ "Trustwave Fusion API Scan", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin trustwave_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "trustwave",
	.version = "1.0",
	.description = "Trustwave scan CSV and Trustwave Fusion API JSON",
	.scan_types = trustwave_scan_types,
	.probe = trustwave_probe,
	.extract = trustwave_extract,
};

DOJOBRIDGE_PLUGIN(trustwave_plugin)
