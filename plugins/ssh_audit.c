/*
 * ssh_audit.c — "SSH Audit Importer": `ssh-audit -j`, an object {banner,
 * compression, cves, enc, fingerprints, kex, key, mac, recommendations,
 * target}.
 *
 * The algorithm lists kex/key/enc/mac beside banner and target are
 * ssh-audit's alone.  The JSON has no date; the target is "host:port".
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
ssh_audit_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{')
		return 0;
	if (dojobridge_has(k, "banner") && dojobridge_has(k, "kex") &&
	    dojobridge_has(k, "key") && dojobridge_has(k, "enc") &&
	    dojobridge_has(k, "mac") && dojobridge_has(k, "target")) {
		out->score = 95;
		out->scan_type = "SSH Audit Importer";
	}
	return 0;
}

static int
ssh_audit_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;
	char buf[512];

	(void)scan_type;
	if ((v = dojobridge_pair(facts->json_scalars, "target")) == NULL &&
	    host->json_find(call, "target", 0, buf, sizeof(buf)) == 0)
		v = buf;
	if (v != NULL && v[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, v);
	host->set(call, DOJOBRIDGE_TOOL, "ssh-audit");
	return 0;
}

static const struct dojobridge_scan_type ssh_audit_scan_types[] = {
	{ "SSH Audit Importer", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin ssh_audit_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "ssh_audit",
	.version = "1.0",
	.description = "ssh-audit JSON (-j)",
	.scan_types = ssh_audit_scan_types,
	.probe = ssh_audit_probe,
	.extract = ssh_audit_extract,
};

DOJOBRIDGE_PLUGIN(ssh_audit_plugin)
