/*
 * acunetix.c — Acunetix's XML export (root <ScanGroup> holding <Scan>) and
 * the JSON report that Acunetix 360, Netsparker and Invicti all write:
 * {Generated, Target{ScanId, Url, Initiated, Duration}, Vulnerabilities[]}.
 *
 * The JSON is one vendor family's single format (Netsparker became Invicti;
 * Acunetix 360 is an Invicti product) and DefectDojo reads it, byte for byte,
 * as "Acunetix Scan", "Invicti Scan" or "Netsparker Scan": the corpus holds
 * the same file under all three.  Nothing in the content tells them apart,
 * and none of the three is the reading nearly everyone means, so the probe
 * names all three and leaves the choice to the user's `prefer`.
 *
 * Acunetix's parser looks for ".xml" or ".json" in the uploaded name and
 * returns nothing otherwise, so the upload extension always follows the
 * content.  "Acunetix Scan" is the primary candidate for the JSON because
 * its alternatives are uploaded under their table's extension (NULL: keep
 * the name), which the content-only Invicti and Netsparker parsers accept.
 * Every date in these reports is written day first ("25/06/2021 10:00 AM",
 * "24/09/2018, 18:09:55").
 */
#include <string.h>

#include "dojobridge-plugin.h"

static const char *const json_alternatives[] = {
	"Invicti Scan", "Netsparker Scan", NULL
};

static int
space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Whether the whole report sits in the head and every `"key": [...]` in it
 * is an empty list (at least one such key required).  Used only to say
 * "no findings", so any doubt answers 0.
 */
static int
all_lists_empty(const struct dojobridge_facts *facts, const char *key)
{
	const unsigned char *p = facts->head;
	size_t len = facts->head_len, n = strlen(key), i, j, seen = 0;

	if (facts->size > len)
		return 0;
	for (i = 0; i + n + 2 <= len; i++) {
		if (p[i] != '"' || memcmp(p + i + 1, key, n) != 0 ||
		    p[i + 1 + n] != '"' || (i > 0 && p[i - 1] == '\\'))
			continue;
		for (j = i + n + 2; j < len && space(p[j]); j++)
			;
		if (j >= len || p[j] != ':')
			continue;
		for (j++; j < len && space(p[j]); j++)
			;
		if (j >= len || p[j] != '[')
			return 0;
		for (j++; j < len && space(p[j]); j++)
			;
		if (j >= len || p[j] != ']')
			return 0;
		seen++;
	}
	return seen > 0;
}

static int
acunetix_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind == DOJOBRIDGE_KIND_XML &&
	    strcmp(facts->xml_root, "ScanGroup") == 0 &&
	    dojobridge_has(facts->xml_children, "Scan")) {
		out->score = 100;
		out->scan_type = "Acunetix Scan";
		out->upload_ext = ".xml";
		return 0;
	}
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    !dojobridge_has(k, "Generated") || !dojobridge_has(k, "Target") ||
	    !dojobridge_has(k, "Vulnerabilities"))
		return 0;
	/* Three capitalised keys together are distinctive, not a signature. */
	out->score = 95;
	out->scan_type = "Acunetix Scan";
	out->upload_ext = ".json";
	out->alternatives = json_alternatives;
	return 0;
}

static const char *
tool_for(const char *scan_type)
{
	if (strcmp(scan_type, "Invicti Scan") == 0)
		return "Invicti";
	if (strcmp(scan_type, "Netsparker Scan") == 0)
		return "Netsparker";
	return "Acunetix 360";
}

static int
acunetix_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;
	char buf[1024], date[11];

	if (facts->kind == DOJOBRIDGE_KIND_XML) {
		if (host->xml_find(call, "ScanGroup/Scan/StartTime", buf,
		    sizeof(buf)) == 0 && host->date(buf,
		    DOJOBRIDGE_DATE_DAYFIRST, date) == 0)
			host->set(call, DOJOBRIDGE_SCAN_DATE, date);
		else if ((v = dojobridge_pair(facts->xml_root_attrs,
		    "ExportedOn")) != NULL && host->date(v,
		    DOJOBRIDGE_DATE_DAYFIRST, date) == 0)
			host->set(call, DOJOBRIDGE_SCAN_DATE, date);
		if (host->xml_find(call, "ScanGroup/Scan/StartURL", buf,
		    sizeof(buf)) == 0 && buf[0] != '\0')
			host->set(call, DOJOBRIDGE_TARGET, buf);
		host->set(call, DOJOBRIDGE_TOOL, "Acunetix");
		return 0;
	}

	/* "03/02/2019 15:50:29 (UTC-06:00)": the host's reader takes the zone. */
	v = dojobridge_pair(facts->json_scalars, "Generated");
	if ((v != NULL && host->date(v, DOJOBRIDGE_DATE_DAYFIRST, date) == 0) ||
	    (host->json_find(call, "Generated", 0, buf, sizeof(buf)) == 0 &&
	    host->date(buf, DOJOBRIDGE_DATE_DAYFIRST, date) == 0))
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (host->json_find(call, "Target.Url", 0, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, tool_for(scan_type));
	if (all_lists_empty(facts, "Vulnerabilities"))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type acunetix_scan_types[] = {
	{ "Acunetix Scan", NULL, 1 },
	{ "Invicti Scan", NULL, 1 },
	{ "Netsparker Scan", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin acunetix_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "acunetix",
	.version = "1.0",
	.description = "Acunetix XML; Acunetix 360/Netsparker/Invicti JSON",
	.scan_types = acunetix_scan_types,
	.probe = acunetix_probe,
	.extract = acunetix_extract,
};

DOJOBRIDGE_PLUGIN(acunetix_plugin)
