/*
 * aqua.c — Aqua Security's image scan JSON, in the four shapes DefectDojo's
 * parser takes:
 *   the CI/CD scanner's {image, scan_started, digest, os, resources[],
 *     image_assurance_results, vulnerability_summary, ...};
 *   the API v1 {image_name, registry, cves_counts, cves[]};
 *   the API v2 page {count, page, pagesize, result[], query,
 *     more_data_all_pages, is_estimated_count};
 *   the Azure DevOps task's array [{image_name, results{...CI/CD...}}].
 *
 * The parser returns no findings, without an error, for a shape it does
 * not know, so each shape needs its own distinctive keys: a generic page
 * {count, page, pagesize, result} is only Aqua's with Aqua's paging flags;
 * [{image_name, results}] only with the scanner's fields in the head.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

enum shape { NONE, CICD, API_V1, API_V2, DEVOPS };

static enum shape
shape(const struct dojobridge_facts *facts)
{
	const char *const *k = facts->json_keys, *const *e = facts->json_elem_keys;

	if (facts->kind != DOJOBRIDGE_KIND_JSON)
		return NONE;
	if (facts->json_top == '[')
		return dojobridge_has(e, "image_name") && dojobridge_has(e, "results") &&
		    find(facts->head, facts->head_len, "\"scan_started\"") != NULL &&
		    find(facts->head, facts->head_len, "\"resources\"") != NULL ?
		    DEVOPS : NONE;
	if (dojobridge_has(k, "resources") && dojobridge_has(k, "image") &&
	    (dojobridge_has(k, "scan_started") ||
	    dojobridge_has(k, "vulnerability_summary") ||
	    dojobridge_has(k, "image_assurance_results")))
		return CICD;
	if (dojobridge_has(k, "image_name") && dojobridge_has(k, "cves") &&
	    (dojobridge_has(k, "cves_counts") || dojobridge_has(k, "registry")))
		return API_V1;
	if (dojobridge_has(k, "count") && dojobridge_has(k, "page") &&
	    dojobridge_has(k, "pagesize") && dojobridge_has(k, "result") &&
	    (dojobridge_has(k, "more_data_all_pages") ||
	    dojobridge_has(k, "is_estimated_count")))
		return API_V2;
	return NONE;
}

static int
aqua_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	static const int scores[] = {
		[NONE] = 0, [CICD] = 95, [API_V1] = 90, [API_V2] = 85, [DEVOPS] = 85
	};

	(void)host;
	(void)call;
	out->score = scores[shape(facts)];
	if (out->score > 0)
		out->scan_type = "Aqua Scan";
	return 0;
}

static void
set_target(const struct dojobridge_host *host, struct dojobridge_call *call,
    const char *v)
{
	if (v != NULL && *v != '\0')
		host->set(call, DOJOBRIDGE_TARGET, v);
}

static int
aqua_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *const *s = facts->json_scalars, *v;
	char buf[1024], date[11];

	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Aqua");
	switch (shape(facts)) {
	case CICD:
		/* scan_started is a protobuf timestamp {seconds, nanos}. */
		if (host->json_find(call, "scan_started.seconds", 0, buf,
		    sizeof(buf)) == 0 && host->date(buf, DOJOBRIDGE_DATE_EPOCH,
		    date) == 0)
			host->set(call, DOJOBRIDGE_SCAN_DATE, date);
		v = dojobridge_pair(s, "image");
		set_target(host, call, v != NULL && *v != '\0' ? v :
		    dojobridge_pair(s, "pull_name"));
		break;
	case API_V1:
		set_target(host, call, dojobridge_pair(s, "image_name"));
		break;
	case API_V2:
		if (host->json_find(call, "query.image_name", 0, buf,
		    sizeof(buf)) == 0)
			set_target(host, call, buf);
		v = dojobridge_pair(s, "count");
		/* count is the total over every page. */
		if (v != NULL && strcmp(v, "0") == 0)
			host->set(call, DOJOBRIDGE_FINDINGS, "0");
		break;
	case DEVOPS:
		if (host->json_find(call, "[0].results.scan_started.seconds", 0,
		    buf, sizeof(buf)) == 0 && host->date(buf,
		    DOJOBRIDGE_DATE_EPOCH, date) == 0)
			host->set(call, DOJOBRIDGE_SCAN_DATE, date);
		if (host->json_find(call, "[0].image_name", 0, buf,
		    sizeof(buf)) == 0)
			set_target(host, call, buf);
		break;
	case NONE:
		break;
	}
	return 0;
}

static const struct dojobridge_scan_type aqua_scan_types[] = {
	{ "Aqua Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin aqua_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "aqua",
	.version = "1.0",
	.description = "Aqua Security image scan JSON (CI/CD, API v1/v2, Azure DevOps)",
	.scan_types = aqua_scan_types,
	.probe = aqua_probe,
	.extract = aqua_extract,
};

DOJOBRIDGE_PLUGIN(aqua_plugin)
