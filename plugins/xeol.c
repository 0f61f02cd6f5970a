/*
 * xeol.c — "Xeol Parser": Xeol's end-of-life JSON report, {matches[{Cycle{
 * ProductName, ReleaseCycle, Eol, ...}, Package?, artifact{...}}], source,
 * distro, descriptor{name: "xeol", version, ...}}.
 *
 * Grype writes the very same envelope (grype.c answers "Anchore Grype"):
 * descriptor.name ("xeol" vs "grype") decides.  The descriptor is
 * serialised last, so it is looked for in the tail, then in the head;
 * failing both, the first match's Cycle (Grype's has vulnerability and
 * matchDetails) does.  The report holds no scan date of its own.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"
#include "rawjson.h"

/* Is the first `key` (quotes included) in p followed by an empty array? */
static int
empty_array(const unsigned char *p, size_t len, const char *key)
{
	const unsigned char *k = find(p, len, key);
	size_t i;

	if (k == NULL)
		return 0;
	for (i = (size_t)(k - p) + strlen(key); i < len &&
	    (space(p[i]) || p[i] == ':'); i++)
		;
	if (i >= len || p[i] != '[')
		return 0;
	for (i++; i < len && space(p[i]); i++)
		;
	return i < len && p[i] == ']';
}

static int
xeol_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	char name[32];

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(facts->json_keys, "matches"))
		return 0;
	if (raw_name(facts->tail, facts->tail_len, "\"descriptor\"", name,
	    sizeof(name)) == 0 || raw_name(facts->head, facts->head_len,
	    "\"descriptor\"", name, sizeof(name)) == 0) {
		if (strcmp(name, "xeol") != 0)
			return 0;
		out->score = 100;
	} else if (find(facts->head, facts->head_len, "\"Cycle\"") != NULL &&
	    find(facts->head, facts->head_len, "\"matchDetails\"") == NULL)
		out->score = 90;
	else
		return 0;
	out->scan_type = "Xeol Parser";
	return 0;
}

static int
xeol_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[1024], date[11];

	(void)scan_type;
	/* Not written by the versions seen, but Grype's envelope has it. */
	if (host->json_find(call, "descriptor.timestamp", DOJOBRIDGE_FIND_LAST,
	    buf, sizeof(buf)) == 0 && host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	/* An image's target is an object; a directory's is a plain string. */
	if ((host->json_find(call, "source.target.userInput", 0, buf,
	    sizeof(buf)) == 0 || host->json_find(call, "source.target", 0, buf,
	    sizeof(buf)) == 0) && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "xeol");
	if (host->json_find(call, "descriptor.version", DOJOBRIDGE_FIND_LAST,
	    buf, sizeof(buf)) == 0 && buf[0] != '\0' &&
	    strcmp(buf, "[not provided]") != 0)
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	if (facts->size <= facts->head_len &&
	    empty_array(facts->head, facts->head_len, "\"matches\""))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type xeol_scan_types[] = {
	{ "Xeol Parser", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin xeol_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "xeol",
	.version = "1.0",
	.description = "Xeol end-of-life JSON report (descriptor.name xeol)",
	.scan_types = xeol_scan_types,
	.probe = xeol_probe,
	.extract = xeol_extract,
};

DOJOBRIDGE_PLUGIN(xeol_plugin)
