/*
 * example.c — a complete dojobridge plugin, written to be read: it
 * recognises DefectDojo's own "Generic Findings Import" JSON,
 *
 *     { "name": "Nightly audit", "type": "Acme Scanner", "version": "1.0",
 *       "findings": [ { "title": "...", "severity": "High", ... } ] }
 *
 * and is also what the test suite loads to exercise the plugin host.  Read
 * it from top to bottom: probe first, then extract, then the table that
 * ties them together.  With the header installed under $PREFIX, build it
 * anywhere with
 *
 *     cc -std=c11 -shared -fPIC -fvisibility=hidden -I$PREFIX/include \
 *         -o example.so example.c
 *
 * A plugin includes only the plugin header and the C library's string
 * functions: everything else (reading XML, JSON or a zip member, parsing
 * dates) is a service of the host, reached through struct dojobridge_host.
 * That is also all it can do: plugins run in sandboxed worker processes
 * that may not open a file or a socket, start a process or see the
 * environment, with limits on memory and time (dojobridge-plugin(3)).
 */
#include <string.h>

#include "dojobridge-plugin.h"

/*
 * Step 1: probe.  The host calls every plugin's probe for every file, with
 * facts it has already read once (the kind of file, the top-level JSON
 * keys, the XML root, the CSV header, the zip member names, the first and
 * last 64 KiB).  Decide from those facts alone, cheaply, and say how sure
 * you are:
 *
 *   100  an unmistakable signature, such as an XML root no one else uses;
 *   1-99 weaker evidence: the highest score wins, and a tie between two
 *        scan types is reported as ambiguous rather than guessed;
 *   0    not mine (the verdict arrives zeroed: just return).
 *
 * When DefectDojo reads the very same bytes as several scan types, say so
 * rather than pick one: name the others in out->alternatives (a static,
 * NULL-terminated list of types the table below declares), and the user's
 * `prefer` setting chooses; set out->mainstream to 1 only when scan_type
 * is the reading nearly everyone means.  plugins/acunetix.c and
 * plugins/generic.c show both.  This example claims only files that carry
 * Generic's own keys, so it answers with one scan type.
 *
 * {"findings": [...]} is a common shape (AWS Inspector2, Semgrep Pro,
 * HackerOne, Veracode...), so this plugin is a modest catch-all: it claims
 * only files whose every top-level key is Generic's own, and never scores
 * high enough to beat a plugin that knows its format.
 */
static const char *const generic_keys[] = {
	"findings", "name", "type", "version", "description", "dynamic_tool",
	"static_tool", "soc", "title", NULL
};

static int
example_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *key;
	char value[64];

	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(facts->json_keys, "findings"))
		return 0;
	for (key = facts->json_keys; *key != NULL; key++)
		if (!dojobridge_has(generic_keys, *key))
			return 0;

	/*
	 * The facts do not show inside the findings.  For a small file the
	 * probe may ask the host to stream it for one value; a large one is
	 * judged by its keys alone.  Every finding needs a title and a
	 * severity.
	 */
	if (facts->size <= 1024 * 1024 &&
	    (host->json_find(call, "findings[0].title", 0, value,
	    sizeof(value)) != 0 ||
	    host->json_find(call, "findings[0].severity", 0, value,
	    sizeof(value)) != 0))
		return 0;

	out->score = dojobridge_has(facts->json_keys, "type") ? 60 : 50;
	out->scan_type = "Generic Findings Import";
	return 0;
}

/*
 * Step 2: extract.  Only the winning plugin's extract runs, with the scan
 * type chosen (its probe's scan_type, or one of its alternatives when the
 * user preferred it).  It reports what it finds through host->set(), which
 * copies the string, so stack buffers are fine.  Missing metadata is not
 * an error: set what is there and return 0.  A plugin that can tell
 * cheaply that a report lists no findings sets DOJOBRIDGE_FINDINGS to "0":
 * uploading such a report would close every open finding of its test, so
 * the host holds it back as "empty" (the user's `empty` setting decides).
 * This example's probe already insists on a first finding.
 *
 * Generic reports carry a date per finding, which DefectDojo reads itself,
 * and no date for the report as a whole, so no DOJOBRIDGE_SCAN_DATE here.
 * "type" names the tool: DefectDojo makes it the test's type ("Acme Scanner
 * Scan (Generic Findings Import)") and refuses to reimport another tool's
 * report into that test, so the report's own name, else its type, is the
 * test title to suggest.
 */
static int
example_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *name, *type, *version;

	(void)scan_type;		/* this plugin has only one */

	name = dojobridge_pair(facts->json_scalars, "name");
	type = dojobridge_pair(facts->json_scalars, "type");
	version = dojobridge_pair(facts->json_scalars, "version");

	if (type != NULL && *type != '\0')
		host->set(call, DOJOBRIDGE_TOOL, type);
	if (version != NULL && *version != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, version);
	if (name != NULL && *name != '\0')
		host->set(call, DOJOBRIDGE_TEST_TITLE, name);
	else if (type != NULL && *type != '\0')
		host->set(call, DOJOBRIDGE_TEST_TITLE, type);
	return 0;
}

/*
 * Step 3: the tables.  Every scan type the plugin may answer with, spelt
 * exactly as DefectDojo 2.57.2 does (the host refuses a plugin that
 * declares an unknown one, and ignores a verdict naming a type that is not
 * in this table), the extension its parser needs (Generic picks its JSON or
 * CSV reader from the file name) and whether the parser takes finding
 * dates from the file.  The list ends with a NULL name.
 */
static const struct dojobridge_scan_type example_scan_types[] = {
	{ "Generic Findings Import", ".json", 1 },
	{ NULL, NULL, 0 }
};

/*
 * Everything here is static and const: calls come for many files, in any
 * order, in worker processes that are replaced from time to time, so a
 * plugin keeps no mutable state.  The ABI fields and struct_size let an
 * older or newer host read exactly as much of this struct as both sides
 * know.  The host keeps pointers to these strings as long as the plugin is
 * loaded, so they must be static too.
 */
static const struct dojobridge_plugin example_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "example",
	.version = "1.0",
	.description = "Generic Findings Import JSON (tutorial plugin)",
	.scan_types = example_scan_types,
	.probe = example_probe,
	.extract = example_extract,
};

/* The one exported symbol, dojobridge_plugin_v1(), returning the table. */
DOJOBRIDGE_PLUGIN(example_plugin)
