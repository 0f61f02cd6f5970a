/*
 * crashtest.c — Crashtest Security's reports: "Crashtest Security JSON
 * File" ({findings{<category>: [...]}, descriptions[]}, or the API's
 * wrapper {message, data{findings, descriptions}}) and "Crashtest Security
 * XML File" (JUnit-style testcase/failure).
 *
 * One parser class serves both and picks JSON or XML by the uploaded
 * name's extension, so the upload extension is set from the content.
 * JSON signal: findings beside descriptions, with a finding's
 * finding_description_slug in the head.  The XML form has no sample and no
 * signal of its own (any JUnit file looks the same), so it is claimed only
 * when the root names Crashtest; otherwise set it per folder.  Dates are
 * per finding (created_at) only.
 */
#include <ctype.h>
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

/* Does any root attribute value mention Crashtest, in any case? */
static int
names_crashtest(const char *const *attrs)
{
	static const char needle[] = "crashtest";
	const char *v;
	size_t i;

	for (; attrs[0] != NULL && attrs[1] != NULL; attrs += 2)
		for (v = attrs[1]; *v != '\0'; v++) {
			for (i = 0; needle[i] != '\0' &&
			    tolower((unsigned char)v[i]) == needle[i]; i++)
				;
			if (needle[i] == '\0')
				return 1;
		}
	return 0;
}

static int
crashtest_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;
	const char *v;
	int slug;

	(void)host;
	(void)call;
	if (facts->kind == DOJOBRIDGE_KIND_XML) {
		if ((strcmp(facts->xml_root, "testsuites") == 0 ||
		    strcmp(facts->xml_root, "testsuite") == 0) &&
		    names_crashtest(facts->xml_root_attrs)) {
			out->score = 80;
			out->scan_type = "Crashtest Security XML File";
			out->upload_ext = ".xml";
		}
		return 0;
	}
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{')
		return 0;
	slug = find(facts->head, facts->head_len,
	    "\"finding_description_slug\"") != NULL;
	if (dojobridge_has(k, "findings") && dojobridge_has(k, "descriptions"))
		out->score = slug ? 95 : 75;
	else if (dojobridge_has(k, "data") && dojobridge_has(k, "message") &&
	    find(facts->head, facts->head_len, "\"descriptions\"") != NULL &&
	    (slug || ((v = dojobridge_pair(facts->json_scalars, "message")) != NULL &&
	    strcmp(v, "scan_findings_retrieved") == 0)))
		out->score = 90;
	else
		return 0;
	out->scan_type = "Crashtest Security JSON File";
	out->upload_ext = ".json";
	return 0;
}

static int
crashtest_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)facts;
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Crashtest Security");
	return 0;
}

static const struct dojobridge_scan_type crashtest_scan_types[] = {
	{ "Crashtest Security JSON File", ".json", 0 },
	{ "Crashtest Security XML File", ".xml", 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin crashtest_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "crashtest",
	.version = "1.0",
	.description = "Crashtest Security JSON (and Crashtest-named JUnit XML)",
	.scan_types = crashtest_scan_types,
	.probe = crashtest_probe,
	.extract = crashtest_extract,
};

DOJOBRIDGE_PLUGIN(crashtest_plugin)
