/*
 * sarif.c — SARIF 2.1.0 logs, whatever tool wrote them: "SARIF", except
 * Mayhem's ("Mayhem SARIF Report") and Snyk Code's ("Snyk Code Scan"),
 * which DefectDojo parses with their own parsers.
 *
 * DefectDojo names a SARIF test's type after the first run's driver, and
 * refuses to reimport another tool's log into it, so the driver name is
 * also the suggested test title.  The parser accepts .sarif and .json.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawjson.h"

#define SMALL	(1024 * 1024)	/* files small enough to stream in probe */

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static const char *
scan_type_for(const char *driver)
{
	if (strcmp(driver, "mAPI") == 0 ||
	    strcmp(driver, "Mayhem Code Security") == 0)
		return "Mayhem SARIF Report";
	if (strcmp(driver, "SnykCode") == 0)
		return "Snyk Code Scan";
	return "SARIF";
}

static int
sarif_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *version, *schema;
	char driver[128] = "";

	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(facts->json_keys, "runs"))
		return 0;
	version = dojobridge_pair(facts->json_scalars, "version");
	schema = dojobridge_pair(facts->json_scalars, "$schema");
	if (version != NULL && strcmp(version, "2.1.0") == 0)
		out->score = 100;
	else if (schema != NULL && strstr(schema, "sarif") != NULL)
		out->score = 70;
	else
		return 0;

	/* The tool usually comes first; one sample has it 200 KB in. */
	if (raw_name(facts->head, facts->head_len, "\"driver\"", driver,
	    sizeof(driver)) != 0 &&
	    raw_name(facts->tail, facts->tail_len, "\"driver\"", driver,
	    sizeof(driver)) != 0 && facts->size <= SMALL)
		host->json_find(call, "runs[0].tool.driver.name", 0, driver,
		    sizeof(driver));
	out->scan_type = scan_type_for(driver);
	if (!ends_with(facts->name, ".sarif") && !ends_with(facts->name, ".json"))
		out->upload_ext = ".sarif";
	return 0;
}

static int
sarif_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[1024], date[11];

	(void)facts;
	(void)scan_type;

	/* DefectDojo dates findings with the last invocation's end. */
	if (host->json_find(call, "runs[*].invocations[*].endTimeUtc",
	    DOJOBRIDGE_FIND_LAST, buf, sizeof(buf)) == 0 &&
	    host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);

	if (host->json_find(call, "runs[0].tool.driver.name", 0, buf,
	    sizeof(buf)) == 0 && buf[0] != '\0') {
		host->set(call, DOJOBRIDGE_TOOL, buf);
		host->set(call, DOJOBRIDGE_TEST_TITLE, buf);
	}
	if ((host->json_find(call, "runs[0].tool.driver.version", 0, buf,
	    sizeof(buf)) == 0 || host->json_find(call,
	    "runs[0].tool.driver.semanticVersion", 0, buf, sizeof(buf)) == 0) &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	if (host->json_find(call,
	    "runs[0].versionControlProvenance[0].repositoryUri", 0, buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	return 0;
}

static const struct dojobridge_scan_type sarif_scan_types[] = {
	{ "SARIF", NULL, 1 },
	{ "Mayhem SARIF Report", NULL, 0 },
	{ "Snyk Code Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin sarif_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "sarif",
	.version = "1.0",
	.description = "SARIF 2.1.0 logs (generic, Mayhem, Snyk Code)",
	.scan_types = sarif_scan_types,
	.probe = sarif_probe,
	.extract = sarif_extract,
};

DOJOBRIDGE_PLUGIN(sarif_plugin)
