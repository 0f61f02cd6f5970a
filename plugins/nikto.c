/*
 * nikto.c — "Nikto Scan": Nikto's XML (root <niktoscan>, with a DOCTYPE;
 * newer versions nest a second <niktoscan> per host inside the first) and
 * its JSON ({host, ip, port, banner, vulnerabilities[]}, or an array of
 * them).
 *
 * The XML root name is the signature.  The JSON keys are generic words,
 * so all five must be there.  DefectDojo's parser picks XML or JSON from
 * the name (.xml, .json, else ValueError): the upload extension follows
 * the content.  @scanend is epoch 0 in local time ("Wed Dec 31 19:00:00
 * 1969"): only @scanstart or scandetails' @starttime is a date.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static int
nikto_keys(const char *const *k)
{
	return dojobridge_has(k, "host") && dojobridge_has(k, "ip") &&
	    dojobridge_has(k, "port") && dojobridge_has(k, "banner") &&
	    dojobridge_has(k, "vulnerabilities");
}

static int
nikto_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if (facts->kind == DOJOBRIDGE_KIND_XML &&
	    strcmp(facts->xml_root, "niktoscan") == 0) {
		out->score = 100;
		out->upload_ext = ".xml";
	} else if (facts->kind == DOJOBRIDGE_KIND_JSON &&
	    ((facts->json_top == '{' && nikto_keys(facts->json_keys)) ||
	    (facts->json_top == '[' && nikto_keys(facts->json_elem_keys)))) {
		out->score = 85;
		out->upload_ext = ".json";
	} else
		return 0;
	out->scan_type = "Nikto Scan";
	return 0;
}

static int
nikto_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;
	char buf[512], date[11];

	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Nikto");
	if (facts->kind == DOJOBRIDGE_KIND_JSON) {
		/* The JSON carries no date. */
		if ((host->json_find(call, "host", 0, buf, sizeof(buf)) == 0 ||
		    host->json_find(call, "[0].host", 0, buf, sizeof(buf)) == 0) &&
		    buf[0] != '\0')
			host->set(call, DOJOBRIDGE_TARGET, buf);
		return 0;
	}

	if (((v = dojobridge_pair(facts->xml_root_attrs, "scanstart")) != NULL &&
	    host->date(v, 0, date) == 0) ||
	    (host->xml_find(call, "niktoscan/niktoscan/@scanstart", buf,
	    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0) ||
	    (host->xml_find(call, "niktoscan/**/scandetails/@starttime", buf,
	    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0))
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if ((host->xml_find(call, "niktoscan/**/scandetails/@sitename", buf,
	    sizeof(buf)) == 0 && buf[0] != '\0') ||
	    (host->xml_find(call, "niktoscan/**/scandetails/@targethostname",
	    buf, sizeof(buf)) == 0 && buf[0] != '\0'))
		host->set(call, DOJOBRIDGE_TARGET, buf);
	if (((v = dojobridge_pair(facts->xml_root_attrs, "version")) != NULL &&
	    *v != '\0') || (host->xml_find(call, "niktoscan/niktoscan/@version",
	    buf, sizeof(buf)) == 0 && *(v = buf) != '\0'))
		host->set(call, DOJOBRIDGE_TOOL_VERSION, v);
	/* A whole report without one <item> lists nothing. */
	if (facts->size == facts->head_len &&
	    find(facts->head, facts->head_len, "<item") == NULL &&
	    find(facts->head, facts->head_len, "</niktoscan>") != NULL)
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type nikto_scan_types[] = {
	{ "Nikto Scan", ".xml", 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin nikto_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "nikto",
	.version = "1.0",
	.description = "Nikto XML (niktoscan) and JSON reports",
	.scan_types = nikto_scan_types,
	.probe = nikto_probe,
	.extract = nikto_extract,
};

DOJOBRIDGE_PLUGIN(nikto_plugin)
