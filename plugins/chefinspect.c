/*
 * chefinspect.c — "Chef Inspect Log": a JSON-lines log of Chef InSpec
 * control results, one object per control {status, batch_runtime,
 * application_group, zone, office, dc, environment, id, title, impact,
 * platform, profile, results, ...}.
 *
 * Signal: the first line's keys; batch_runtime and application_group next
 * to InSpec's control keys (impact, profile, results) are found nowhere
 * else.  A one-line log is plain JSON to the host, so both kinds are taken.
 * batch_runtime is the run's date; platform.target_id names the host.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
chefinspect_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if ((facts->kind != DOJOBRIDGE_KIND_JSON &&
	    facts->kind != DOJOBRIDGE_KIND_JSONL) || facts->json_top != '{' ||
	    !dojobridge_has(k, "batch_runtime") ||
	    !dojobridge_has(k, "application_group") ||
	    !dojobridge_has(k, "impact") || !dojobridge_has(k, "status") ||
	    !dojobridge_has(k, "id") || !dojobridge_has(k, "title"))
		return 0;
	out->score = 90;
	out->scan_type = "Chef Inspect Log";
	return 0;
}

static int
chefinspect_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;
	char buf[512], date[11];

	(void)scan_type;
	if ((v = dojobridge_pair(facts->json_scalars, "batch_runtime")) != NULL &&
	    host->date(v, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	if (host->json_find(call, "platform.target_id", 0, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "Chef InSpec");
	return 0;
}

static const struct dojobridge_scan_type chefinspect_scan_types[] = {
	{ "Chef Inspect Log", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin chefinspect_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "chefinspect",
	.version = "1.0",
	.description = "Chef InSpec JSON-lines control log",
	.scan_types = chefinspect_scan_types,
	.probe = chefinspect_probe,
	.extract = chefinspect_extract,
};

DOJOBRIDGE_PLUGIN(chefinspect_plugin)
