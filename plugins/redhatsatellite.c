/*
 * redhatsatellite.c — "Red Hat Satellite": the errata list of the
 * Satellite (Katello) API, GET /katello/api/errata, saved as JSON.
 *
 * The envelope {total, subtotal, page, per_page, search, sort, results} is
 * any Foreman/Katello list answer (hosts, content views...), and `results`
 * is also TFSec's, Semgrep's, Twistlock's...  So the probe wants the whole
 * envelope and then an erratum's own errata_id in the head.  An envelope
 * whose results is `[]` (the whole file in the head) cannot say what it
 * listed; it is claimed weakly and as empty, so that it is never uploaded
 * (an empty list would close every open finding).  The errata's issued
 * dates are advisory dates, not a scan date.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
contains(const unsigned char *p, size_t len, const char *needle)
{
	size_t i, n = strlen(needle);

	for (i = 0; i + n <= len; i++)
		if (memcmp(p + i, needle, n) == 0)
			return 1;
	return 0;
}

/* 1 if the first "key" in p is followed by an empty array. */
static int
empty_array(const unsigned char *p, size_t len, const char *key)
{
	size_t i, n = strlen(key);

	for (i = 0; i + n + 2 <= len; i++)
		if (p[i] == '"' && memcmp(p + i + 1, key, n) == 0 &&
		    p[i + n + 1] == '"')
			break;
	if (i + n + 2 > len)
		return 0;
	for (i += n + 2; i < len && ws(p[i]); i++)
		;
	if (i >= len || p[i++] != ':')
		return 0;
	for (; i < len && ws(p[i]); i++)
		;
	if (i >= len || p[i++] != '[')
		return 0;
	for (; i < len && ws(p[i]); i++)
		;
	return i < len && p[i] == ']';
}

static int
empty_list(const struct dojobridge_facts *facts)
{
	return facts->head_len == facts->size &&
	    empty_array(facts->head, facts->head_len, "results");
}

static int
redhatsatellite_probe(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{')
		return 0;
	if (!dojobridge_has(k, "results") || !dojobridge_has(k, "total") ||
	    !dojobridge_has(k, "subtotal") || !dojobridge_has(k, "page") ||
	    !dojobridge_has(k, "per_page") || !dojobridge_has(k, "sort"))
		return 0;
	if (contains(facts->head, facts->head_len, "\"errata_id\""))
		out->score = 90;
	else if (empty_list(facts))
		out->score = 40;
	else
		return 0;
	out->scan_type = "Red Hat Satellite";
	return 0;
}

static int
redhatsatellite_extract(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    const char *scan_type)
{
	(void)scan_type;
	host->set(call, DOJOBRIDGE_TOOL, "Red Hat Satellite");
	if (empty_list(facts))
		host->set(call, DOJOBRIDGE_FINDINGS, "0");
	return 0;
}

static const struct dojobridge_scan_type redhatsatellite_scan_types[] = {
	{ "Red Hat Satellite", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin redhatsatellite_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "redhatsatellite",
	.version = "1.0",
	.description = "Red Hat Satellite errata API list (JSON)",
	.scan_types = redhatsatellite_scan_types,
	.probe = redhatsatellite_probe,
	.extract = redhatsatellite_extract,
};

DOJOBRIDGE_PLUGIN(redhatsatellite_plugin)
