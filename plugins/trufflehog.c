/*
 * trufflehog.c — "Trufflehog Scan" (trufflehog v2 and v3 JSON lines) and
 * "Trufflehog3 Scan" (trufflehog3's JSON array, legacy and current).
 *
 * Trufflehog v2 lines and trufflehog3's legacy array items have the very
 * same keys {branch, commit, commitHash, date, path, reason, stringsFound};
 * what tells them apart is the container: DefectDojo's Trufflehog parser
 * reads one object per line, Trufflehog3's one array.  v3 lines carry
 * SourceMetadata/DetectorName and a SourceName ("trufflehog - git").
 * trufflehog3's current items have a rule object with secret and context.
 * Dates in these reports are commit dates, not the scan's, so none is set.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
prefix(const char *s, const char *p)
{
	return s != NULL && strncmp(s, p, strlen(p)) == 0;
}

static int
trufflehog_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON && facts->kind != DOJOBRIDGE_KIND_JSONL)
		return 0;
	if (facts->json_top == '{') {
		k = facts->json_keys;
		if (dojobridge_has(k, "SourceMetadata") &&
		    dojobridge_has(k, "DetectorName") && dojobridge_has(k, "Raw"))
			out->score = prefix(dojobridge_pair(facts->json_scalars,
			    "SourceName"), "trufflehog") ? 100 : 90;
		else if (dojobridge_has(k, "stringsFound") &&
		    dojobridge_has(k, "reason") && dojobridge_has(k, "commitHash") &&
		    dojobridge_has(k, "branch"))
			out->score = dojobridge_has(k, "printDiff") ||
			    dojobridge_has(k, "diff") ? 95 : 85;
		else
			return 0;
		out->scan_type = "Trufflehog Scan";
		return 0;
	}
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '[')
		return 0;
	k = facts->json_elem_keys;
	/*
	 * Choctaw Hog's items have the same names but never a branch (and
	 * add old_file_id, parent_commit_hash): branch makes the item
	 * trufflehog's, so this outranks rusty_hog.c's 95 for commit keys.
	 */
	if (dojobridge_has(k, "stringsFound") && dojobridge_has(k, "reason") &&
	    dojobridge_has(k, "commitHash") && dojobridge_has(k, "branch") &&
	    !dojobridge_has(k, "parent_commit_hash") &&
	    !dojobridge_has(k, "old_file_id"))
		out->score = 97;
	else if (dojobridge_has(k, "rule") && dojobridge_has(k, "secret") &&
	    dojobridge_has(k, "context") && dojobridge_has(k, "path") &&
	    dojobridge_has(k, "line"))
		out->score = 85;
	else
		return 0;
	out->scan_type = "Trufflehog3 Scan";
	return 0;
}

static int
trufflehog_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	static const char *const repos[] = {
		"SourceMetadata.Data.Git.repository",
		"SourceMetadata.Data.Github.repository",
		"SourceMetadata.Data.Gitlab.repository",
		NULL
	};
	char buf[1024];
	size_t i;

	(void)facts;
	if (strcmp(scan_type, "Trufflehog3 Scan") == 0) {
		host->set(call, DOJOBRIDGE_TOOL, "trufflehog3");
		return 0;
	}
	host->set(call, DOJOBRIDGE_TOOL, "trufflehog");
	if (!dojobridge_has(facts->json_keys, "SourceMetadata"))
		return 0;
	for (i = 0; repos[i] != NULL; i++)
		if (host->json_find(call, repos[i], 0, buf, sizeof(buf)) == 0 &&
		    buf[0] != '\0') {
			host->set(call, DOJOBRIDGE_TARGET, buf);
			break;
		}
	return 0;
}

static const struct dojobridge_scan_type trufflehog_scan_types[] = {
	{ "Trufflehog Scan", NULL, 0 },
	{ "Trufflehog3 Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin trufflehog_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "trufflehog",
	.version = "1.0",
	.description = "trufflehog v2/v3 JSON lines and trufflehog3 JSON arrays",
	.scan_types = trufflehog_scan_types,
	.probe = trufflehog_probe,
	.extract = trufflehog_extract,
};

DOJOBRIDGE_PLUGIN(trufflehog_plugin)
