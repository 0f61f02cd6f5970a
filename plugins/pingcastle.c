/*
 * pingcastle.c — "PingCastle": PingCastle's health-check XML, root
 * <HealthcheckData> (only the xsd/xsi namespace declarations) with
 * EngineVersion, GenerationDate, DomainFQDN, ... and RiskRules of
 * HealthcheckRiskRule.
 *
 * The root name is PingCastle's own.  The parser dates findings with
 * GenerationDate; the domain audited is the target.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static int
pingcastle_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_XML ||
	    strcmp(facts->xml_root, "HealthcheckData") != 0)
		return 0;
	out->score = 100;
	out->scan_type = "PingCastle";
	return 0;
}

static int
pingcastle_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[512], date[11];

	(void)scan_type;
	if (host->xml_find(call, "HealthcheckData/GenerationDate", buf,
	    sizeof(buf)) == 0 && host->date(buf, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (host->xml_find(call, "HealthcheckData/DomainFQDN", buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "PingCastle");
	if (host->xml_find(call, "HealthcheckData/EngineVersion", buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	/* A whole report without one risk rule lists nothing. */
	if (facts->size == facts->head_len &&
	    find(facts->head, facts->head_len, "</HealthcheckData>") != NULL &&
	    find(facts->head, facts->head_len, "<HealthcheckRiskRule") == NULL)
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type pingcastle_scan_types[] = {
	{ "PingCastle", NULL, 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin pingcastle_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "pingcastle",
	.version = "1.0",
	.description = "PingCastle health-check XML (HealthcheckData)",
	.scan_types = pingcastle_scan_types,
	.probe = pingcastle_probe,
	.extract = pingcastle_extract,
};

DOJOBRIDGE_PLUGIN(pingcastle_plugin)
