/*
 * kiuwan.c — Kiuwan's two exports, each its own DefectDojo type:
 *
 * - "Kiuwan Scan": the code analysis defects CSV, header "Rule code,Rule,
 *   Priority,CWE,Software characteristic,Vulnerability type,Language,...".
 * - "Kiuwan SCA Scan": the Insights REST answer, a bare array of {id, cve,
 *   cwe, muted, lastModified, exploitabilitySubscore, impactSubscore,
 *   cVSSv2BaseScore, cVSSv3BaseScore, securityRisk, components[], ...}.
 *   A bare array is the commonest JSON shape, so most of these keys must
 *   be on the first element; an empty array is left alone.
 *
 * Neither carries a date of the analysis.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

#define CODE	"Kiuwan Scan"
#define SCA	"Kiuwan SCA Scan"

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

static int
kiuwan_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	static const char *const sca_keys[] = {
		"cve", "cwe", "muted", "securityRisk", "components",
		"cVSSv3BaseScore", "exploitabilitySubscore", "impactSubscore", NULL
	};
	const char *const *h = facts->csv_header, *const *k;
	int n = 0;

	(void)host;
	(void)call;
	if (facts->kind == DOJOBRIDGE_KIND_CSV) {
		if (!has_column(h, "Rule code") || !has_column(h, "Rule") ||
		    !has_column(h, "Priority") ||
		    !has_column(h, "Software characteristic"))
			return 0;
		out->score = has_column(h, "Vulnerability type") &&
		    has_column(h, "Line number") ? 95 : 85;
		out->scan_type = CODE;
		return 0;
	}
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '[')
		return 0;
	for (k = sca_keys; *k != NULL; k++)
		n += dojobridge_has(facts->json_elem_keys, *k);
	if (n < 6 || !dojobridge_has(facts->json_elem_keys, "components"))
		return 0;
	out->score = n == 8 ? 95 : 80;
	out->scan_type = SCA;
	return 0;
}

static int
kiuwan_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)facts;
	host->set(call, DOJOBRIDGE_TOOL, strcmp(scan_type, SCA) == 0 ?
	    "Kiuwan Insights" : "Kiuwan");
	return 0;
}

static const struct dojobridge_scan_type kiuwan_scan_types[] = {
	{ CODE, NULL, 0 },
	{ SCA, NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin kiuwan_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "kiuwan",
	.version = "1.0",
	.description = "Kiuwan defects CSV and Kiuwan Insights (SCA) JSON",
	.scan_types = kiuwan_scan_types,
	.probe = kiuwan_probe,
	.extract = kiuwan_extract,
};

DOJOBRIDGE_PLUGIN(kiuwan_plugin)
