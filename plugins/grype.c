/*
 * grype.c — Grype's JSON report ("Anchore Grype"): an object with matches,
 * source, distro and descriptor.
 *
 * Xeol writes the very same envelope; only descriptor.name ("grype" or
 * "xeol") tells them apart.  The descriptor is serialised last, so the probe
 * looks for it in the tail, then in the head (reports re-serialised with
 * sorted keys).  When neither shows it, the first match does: Grype's has
 * matchDetails, Xeol's a Cycle.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"
#include "rawjson.h"

static const char *const grype_alternatives[] = { "Anchore Grype detailed", NULL };

static int
grype_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;
	char name[32];
	int score = 0;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "matches"))
		return 0;

	if (raw_name(facts->tail, facts->tail_len, "\"descriptor\"", name,
	    sizeof(name)) == 0 || raw_name(facts->head, facts->head_len,
	    "\"descriptor\"", name, sizeof(name)) == 0)
		score = strcmp(name, "grype") == 0 ? 100 : 0;
	else if (find(facts->head, facts->head_len, "\"Cycle\"") != NULL)
		score = 0;
	else if (find(facts->head, facts->head_len, "\"matchDetails\"") != NULL)
		score = dojobridge_has(k, "source") || dojobridge_has(k, "distro") ? 90 : 70;
	else if (dojobridge_has(k, "source") && dojobridge_has(k, "distro"))
		score = 50;	/* no matches, no descriptor to tell */
	if (score > 0) {
		out->score = score;
		out->scan_type = "Anchore Grype";
		/*
		 * "Anchore Grype detailed" is the same parser in another mode (one
		 * finding per path): the plain one is what nearly everyone imports.
		 */
		out->alternatives = grype_alternatives;
		out->mainstream = 1;
	}
	return 0;
}

static int
grype_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[1024], date[11];

	(void)facts;
	(void)scan_type;

	/* Newer Grype only; it sits at the end, after every match. */
	if (host->json_find(call, "descriptor.timestamp", DOJOBRIDGE_FIND_LAST,
	    buf, sizeof(buf)) == 0 && host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);

	/* An image's target is an object; a directory's is a plain string. */
	if ((host->json_find(call, "source.target.userInput", 0, buf,
	    sizeof(buf)) == 0 || host->json_find(call, "source.target", 0, buf,
	    sizeof(buf)) == 0) && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);

	if (host->json_find(call, "descriptor.name", DOJOBRIDGE_FIND_LAST, buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL, buf);
	else
		host->set(call, DOJOBRIDGE_TOOL, "grype");
	if (host->json_find(call, "descriptor.version", DOJOBRIDGE_FIND_LAST,
	    buf, sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	return 0;
}

static const struct dojobridge_scan_type grype_scan_types[] = {
	{ "Anchore Grype", ".json", 0 },
	{ "Anchore Grype detailed", ".json", 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin grype_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "grype",
	.version = "1.0",
	.description = "Grype JSON report (matches, source, distro, descriptor)",
	.scan_types = grype_scan_types,
	.probe = grype_probe,
	.extract = grype_extract,
};

DOJOBRIDGE_PLUGIN(grype_plugin)
