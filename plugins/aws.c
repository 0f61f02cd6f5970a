/*
 * aws.c — AWS's own finding exports:
 *   "AWS Security Finding Format (ASFF) Scan": a bare array of ASFF findings
 *     {SchemaVersion, Id, ProductArn, GeneratorId, AwsAccountId, Types,
 *     CreatedAt, UpdatedAt, Severity, ...} (prowler -M json-asff, or the
 *     findings alone);
 *   "AWS Security Hub Scan": the same findings wrapped as aws securityhub
 *     get-findings writes them, {Findings:[...]} (or {findings:[...]});
 *   "AWS Inspector2 Scan": aws inspector2 list-findings, {findings:[{
 *     awsAccountId, findingArn, type, packageVulnerabilityDetails, ...}]}.
 *
 * The traps: {findings:[...]} is also Generic Findings Import's, Semgrep
 * Pro's, HackerOne's and Veracode's top level, and Security Hub findings
 * that came from Inspector carry "arn:aws:inspector2:" ids.  So the first
 * finding's own keys decide, read in the head: ASFF's capitalised
 * SchemaVersion and ProductArn, or Inspector2's camelCase findingArn and
 * awsAccountId.  The wrapper (array or object) then tells ASFF from Security
 * Hub.  These reports have no report-level date, only per-finding ones that
 * DefectDojo reads itself, so no scan date is given (it would override them).
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

#define ASFF		"AWS Security Finding Format (ASFF) Scan"
#define SECURITYHUB	"AWS Security Hub Scan"
#define INSPECTOR2	"AWS Inspector2 Scan"

static int
aws_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys, *const *e = facts->json_elem_keys;
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON)
		return 0;
	if (facts->json_top == '[') {
		if (dojobridge_has(e, "SchemaVersion") &&
		    dojobridge_has(e, "ProductArn") &&
		    dojobridge_has(e, "AwsAccountId") &&
		    dojobridge_has(e, "GeneratorId")) {
			out->score = 95;
			out->scan_type = ASFF;
		}
		return 0;
	}
	if (facts->json_top != '{')
		return 0;
	if ((dojobridge_has(k, "Findings") || dojobridge_has(k, "findings")) &&
	    find(h, n, "\"SchemaVersion\"") != NULL &&
	    find(h, n, "\"ProductArn\"") != NULL) {
		out->score = 95;
		out->scan_type = SECURITYHUB;
	} else if (dojobridge_has(k, "findings") &&
	    find(h, n, "\"findingArn\"") != NULL &&
	    find(h, n, "\"awsAccountId\"") != NULL) {
		out->score = 95;
		out->scan_type = INSPECTOR2;
	}
	return 0;
}

static int
aws_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;
	char buf[1024], date[11];

	if (strcmp(scan_type, ASFF) == 0) {
		if (host->json_find(call, "[0].AwsAccountId", 0, buf,
		    sizeof(buf)) == 0 && buf[0] != '\0')
			host->set(call, DOJOBRIDGE_TARGET, buf);
		/*
		 * Which service or product raised them: ProductName, else the
		 * last part of ProductArn ("arn:aws:securityhub:…:product/aws/
		 * guardduty").
		 */
		if (host->json_find(call, "[0].ProductName", 0, buf,
		    sizeof(buf)) == 0 && buf[0] != '\0')
			host->set(call, DOJOBRIDGE_TOOL, buf);
		else if (host->json_find(call, "[0].ProductArn", 0, buf,
		    sizeof(buf)) == 0 && (v = strrchr(buf, '/')) != NULL &&
		    v[1] != '\0')
			host->set(call, DOJOBRIDGE_TOOL, v + 1);
		return 0;
	}
	if (strcmp(scan_type, SECURITYHUB) == 0) {
		/* get_tests dates the report with an optional top-level createdAt. */
		v = dojobridge_pair(facts->json_scalars, "createdAt");
		if (v != NULL && host->date(v, 0, date) == 0)
			host->set(call, DOJOBRIDGE_SCAN_DATE, date);
		if ((host->json_find(call, "Findings[0].AwsAccountId", 0, buf,
		    sizeof(buf)) == 0 || host->json_find(call,
		    "findings[0].AwsAccountId", 0, buf, sizeof(buf)) == 0) &&
		    buf[0] != '\0')
			host->set(call, DOJOBRIDGE_TARGET, buf);
		host->set(call, DOJOBRIDGE_TOOL, "AWS Security Hub");
		return 0;
	}
	if (host->json_find(call, "findings[0].awsAccountId", 0, buf,
	    sizeof(buf)) == 0 && buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "Amazon Inspector");
	return 0;
}

static const struct dojobridge_scan_type aws_scan_types[] = {
	{ ASFF, NULL, 1 },
	{ SECURITYHUB, NULL, 1 },
	{ INSPECTOR2, NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin aws_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "aws",
	.version = "1.0",
	.description = "AWS ASFF findings, Security Hub get-findings, Inspector2 list-findings",
	.scan_types = aws_scan_types,
	.probe = aws_probe,
	.extract = aws_extract,
};

DOJOBRIDGE_PLUGIN(aws_plugin)
