/*
 * burp_dastardly.c — "Burp Dastardly Scan": Dastardly's JUnit XML,
 * <testsuites name="Dastardly scan results - ..."> with one <testsuite>
 * per URL.
 *
 * JUnit is every test runner's format; the only signal is the root's name
 * attribute, which Dastardly always starts "Dastardly scan results".  No
 * date in the file; the first suite's URL, cut to its origin, is the
 * target.  The root's failures attribute counts the findings.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
burp_dastardly_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *v;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_XML ||
	    strcmp(facts->xml_root, "testsuites") != 0 ||
	    (v = dojobridge_pair(facts->xml_root_attrs, "name")) == NULL ||
	    strncmp(v, "Dastardly scan results", 22) != 0)
		return 0;
	out->score = 100;
	out->scan_type = "Burp Dastardly Scan";
	return 0;
}

static int
burp_dastardly_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;
	char buf[1024], *s;

	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Dastardly");
	/* Findings are the failed test cases; the root counts them. */
	if ((v = dojobridge_pair(facts->xml_root_attrs, "failures")) != NULL &&
	    strcmp(v, "0") == 0)
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	if (host->xml_find(call, "testsuites/testsuite/@name", buf,
	    sizeof(buf)) != 0 || buf[0] == '\0')
		return 0;
	/* https://host:443/path -> https://host:443 */
	if ((s = strstr(buf, "://")) != NULL && (s = strchr(s + 3, '/')) != NULL)
		*s = '\0';
	host->set(call, DOJOBRIDGE_TARGET, buf);
	return 0;
}

static const struct dojobridge_scan_type burp_dastardly_scan_types[] = {
	{ "Burp Dastardly Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin burp_dastardly_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "burp_dastardly",
	.version = "1.0",
	.description = "Dastardly (Burp) JUnit XML report",
	.scan_types = burp_dastardly_scan_types,
	.probe = burp_dastardly_probe,
	.extract = burp_dastardly_extract,
};

DOJOBRIDGE_PLUGIN(burp_dastardly_plugin)
