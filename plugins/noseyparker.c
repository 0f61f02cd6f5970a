/*
 * noseyparker.c — "Nosey Parker Scan": `noseyparker report -f jsonl`, one
 * finding per line: v0.16 {type:"finding", rule_name, match_content,
 * num_matches, matches[]}, v0.17+ {finding_id, rule_name, rule_text_id,
 * rule_structural_id, groups, num_matches, num_redundant_matches,
 * statuses, comment, mean_score, matches[]}.
 *
 * A one-finding report is a single line, which the host sees as plain
 * JSON, so both kinds are taken.  The yarn-audit error lines that sit in
 * DefectDojo's noseyparker samples ({type:"warning", data}) are not.
 * DefectDojo refuses any name not ending in .jsonl.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
noseyparker_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;
	const char *type;

	(void)host;
	(void)call;
	if ((facts->kind != DOJOBRIDGE_KIND_JSONL &&
	    facts->kind != DOJOBRIDGE_KIND_JSON) || facts->json_top != '{' ||
	    !dojobridge_has(k, "rule_name") || !dojobridge_has(k, "num_matches") ||
	    !dojobridge_has(k, "matches"))
		return 0;
	if (dojobridge_has(k, "finding_id") && dojobridge_has(k, "rule_structural_id"))
		out->score = 100;
	else if ((type = dojobridge_pair(facts->json_scalars, "type")) != NULL &&
	    strcmp(type, "finding") == 0 && dojobridge_has(k, "match_content"))
		out->score = 95;
	else
		return 0;
	out->scan_type = "Nosey Parker Scan";
	return 0;
}

static int
noseyparker_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)facts;
	(void)scan_type;
	/*
	 * No date in the report, and the only path to the scanned repository
	 * is relative to where it ran ("./.git"): no target either.
	 */
	host->set(call, DOJOBRIDGE_TOOL, "Nosey Parker");
	return 0;
}

static const struct dojobridge_scan_type noseyparker_scan_types[] = {
	{ "Nosey Parker Scan", ".jsonl", 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin noseyparker_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "noseyparker",
	.version = "1.0",
	.description = "Nosey Parker JSON-lines findings report",
	.scan_types = noseyparker_scan_types,
	.probe = noseyparker_probe,
	.extract = noseyparker_extract,
};

DOJOBRIDGE_PLUGIN(noseyparker_plugin)
