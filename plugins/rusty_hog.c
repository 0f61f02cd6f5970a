/*
 * rusty_hog.c — the Rusty Hog secret scanners' JSON: a bare array of
 * findings, each with stringsFound and reason, plus the keys of the hog
 * that wrote it.
 *
 * "Rusty Hog Scan" is the umbrella parser that reads any hog's output;
 * the four specific types read only their own hog's and raise otherwise.
 * The first finding's keys name the hog, as the parser's get_tests does:
 * parent_commit_hash/old_file_id/new_file_id -> Choctaw (git), linenum ->
 * Duroc (file system), issue_id -> Gottingen (JIRA), page_id -> Essex
 * (Confluence).  commit/commitHash alone are not enough: truffleHog 2's
 * findings (trufflehog3's legacy output) have them too, with a branch and
 * without file ids.  A finding with no hog's own key is not claimed.  The specific type is the mainstream answer: it is what
 * the hog's own output means and the parser accepts it; the umbrella
 * stays as the alternative.  An empty `[]` is the same for all five and
 * for many other scanners, and is claimed by no one.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static const char *const hog_alternatives[] = { "Rusty Hog Scan", NULL };

static const char *
which_hog(const char *const *k)
{
	/* truffleHog 2 (and trufflehog3's legacy output) has branch, commit,
	 * commitHash, reason and stringsFound too, but no file ids. */
	if (dojobridge_has(k, "branch"))
		return NULL;
	if (dojobridge_has(k, "parent_commit_hash") ||
	    dojobridge_has(k, "old_file_id") || dojobridge_has(k, "new_file_id"))
		return "Choctaw Hog Scan";
	if (dojobridge_has(k, "page_id"))
		return "Essex Hog Scan";
	if (dojobridge_has(k, "issue_id"))
		return "Gottingen Hog Scan";
	if (dojobridge_has(k, "linenum"))
		return "Duroc Hog Scan";
	return NULL;
}

static int
rusty_hog_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_elem_keys;
	const char *hog;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '[' ||
	    !dojobridge_has(k, "stringsFound") || !dojobridge_has(k, "reason"))
		return 0;
	if ((hog = which_hog(k)) != NULL) {
		out->score = 95;
		out->scan_type = hog;
		out->alternatives = hog_alternatives;
		out->mainstream = 1;
	}
	return 0;
}

static int
rusty_hog_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	static const struct { const char *type, *tool; } tools[] = {
		{ "Choctaw Hog Scan", "choctaw_hog" },
		{ "Duroc Hog Scan", "duroc_hog" },
		{ "Essex Hog Scan", "essex_hog" },
		{ "Gottingen Hog Scan", "gottingen_hog" },
	};
	const char *tool = "Rusty Hog", *hog;
	size_t i;

	if ((hog = which_hog(facts->json_elem_keys)) == NULL)
		hog = scan_type;
	for (i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		if (strcmp(hog, tools[i].type) == 0)
			tool = tools[i].tool;
	host->set(call, DOJOBRIDGE_TOOL, tool);
	return 0;
}

static const struct dojobridge_scan_type rusty_hog_scan_types[] = {
	{ "Choctaw Hog Scan", NULL, 0 },
	{ "Duroc Hog Scan", NULL, 0 },
	{ "Essex Hog Scan", NULL, 0 },
	{ "Gottingen Hog Scan", NULL, 0 },
	{ "Rusty Hog Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin rusty_hog_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "rusty_hog",
	.version = "1.0",
	.description = "Rusty Hog (Choctaw, Duroc, Essex, Gottingen) JSON findings",
	.scan_types = rusty_hog_scan_types,
	.probe = rusty_hog_probe,
	.extract = rusty_hog_extract,
};

DOJOBRIDGE_PLUGIN(rusty_hog_plugin)
