/*
 * immuniweb.c — "Immuniweb Scan": ImmuniWeb's XML export, root
 * <Vulnerabilities> of <Vulnerability><ID/><Name/><Date/>..., and its JSON
 * export, an object of the asset sections {domains, webapps, mobileapps,
 * cloud, network, repositories, incidents}.
 *
 * DefectDojo's parser reads XML when the uploaded name ends in .xml and
 * JSON otherwise, so the upload extension follows the content.  A bare
 * <Vulnerabilities/> root is a weak sign; one holding ImmuniWeb's own
 * elements (CWE-ID, CVSSv3, Risk) is a strong one, and an empty root is
 * claimed only weakly, as an empty report.  The dates in either form are
 * per finding, not the scan's, so none is reported.
 */
#include <string.h>

#include "dojobridge-plugin.h"

/* Does needle occur in the len bytes at p? */
static int
contains(const unsigned char *p, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (; len >= n; p++, len--)
		if (memcmp(p, needle, n) == 0)
			return 1;
	return 0;
}

static int
json_sections(const char *const *k)
{
	static const char *const sections[] = {
		"domains", "webapps", "mobileapps", "cloud", "network",
		"repositories", "incidents", NULL
	};
	const char *const *s;
	int n = 0;

	for (s = sections; *s != NULL; s++)
		n += dojobridge_has(k, *s);
	return n;
}

static int
only_children(const char *const *children, const char *name)
{
	for (; *children != NULL; children++)
		if (strcmp(*children, name) != 0)
			return 0;
	return 1;
}

static int
immuniweb_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;

	(void)host;
	(void)call;
	if (facts->kind == DOJOBRIDGE_KIND_XML &&
	    strcmp(facts->xml_root, "Vulnerabilities") == 0 &&
	    facts->xml_ns[0] == '\0' &&
	    only_children(facts->xml_children, "Vulnerability")) {
		if (facts->xml_children[0] == NULL)
			out->score = 40;	/* empty: nothing to tell */
		else if (contains(h, n, "<CWE-ID>") && contains(h, n, "<Risk>"))
			out->score = 95;
		else if (contains(h, n, "<ID>") && contains(h, n, "<Name>"))
			out->score = 60;
		else
			return 0;
		out->upload_ext = ".xml";
	} else if (facts->kind == DOJOBRIDGE_KIND_JSON &&
	    facts->json_top == '{' && json_sections(facts->json_keys) >= 5) {
		out->score = json_sections(facts->json_keys) == 7 ? 90 : 75;
		out->upload_ext = ".json";
	} else
		return 0;
	out->scan_type = "Immuniweb Scan";
	return 0;
}

static int
immuniweb_extract(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    const char *scan_type)
{
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "ImmuniWeb");
	if (facts->kind == DOJOBRIDGE_KIND_XML && facts->xml_children[0] == NULL &&
	    facts->size <= facts->head_len)
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type immuniweb_scan_types[] = {
	{ "Immuniweb Scan", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin immuniweb_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "immuniweb",
	.version = "1.0",
	.description = "ImmuniWeb XML (<Vulnerabilities>) and JSON exports",
	.scan_types = immuniweb_scan_types,
	.probe = immuniweb_probe,
	.extract = immuniweb_extract,
};

DOJOBRIDGE_PLUGIN(immuniweb_plugin)
