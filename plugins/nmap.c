/*
 * nmap.c — Nmap's XML output (-oX), root <nmaprun>.
 *
 * The root start tag carries the scanner, its version, the command line and
 * the start time in epoch seconds; DefectDojo's parser takes every
 * finding's date from that start time.
 */
#include <string.h>

#include "dojobridge-plugin.h"

static int
nmap_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_XML ||
	    strcmp(facts->xml_root, "nmaprun") != 0)
		return 0;
	out->score = 100;
	out->scan_type = "Nmap Scan";
	return 0;
}

/*
 * The target when no host answered: the last word of the command line,
 * which is where nmap's target specification usually goes.
 */
static void
args_target(const char *args, char *out, size_t outlen)
{
	const char *end = args + strlen(args), *start;
	size_t n;

	while (end > args && end[-1] == ' ')
		end--;
	for (start = end; start > args && start[-1] != ' '; start--)
		;
	n = (size_t)(end - start);
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, start, n);
	out[n] = '\0';
}

static int
nmap_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	const char *v;
	char date[11], target[256];

	(void)scan_type;

	v = dojobridge_pair(facts->xml_root_attrs, "start");
	if (v != NULL && host->date(v, DOJOBRIDGE_DATE_EPOCH, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);
	else if ((v = dojobridge_pair(facts->xml_root_attrs, "startstr")) != NULL &&
	    host->date(v, 0, date) == 0)
		host->set(call, DOJOBRIDGE_SCAN_DATE, date);

	if (host->xml_find(call, "nmaprun/host/address/@addr", target,
	    sizeof(target)) != 0) {
		target[0] = '\0';
		if ((v = dojobridge_pair(facts->xml_root_attrs, "args")) != NULL)
			args_target(v, target, sizeof(target));
	}
	if (target[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, target);

	v = dojobridge_pair(facts->xml_root_attrs, "scanner");
	host->set(call, DOJOBRIDGE_TOOL, v != NULL && *v != '\0' ? v : "nmap");
	v = dojobridge_pair(facts->xml_root_attrs, "version");
	if (v != NULL && *v != '\0')
		host->set(call, DOJOBRIDGE_TOOL_VERSION, v);
	return 0;
}

static const struct dojobridge_scan_type nmap_scan_types[] = {
	{ "Nmap Scan", ".xml", 1 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin nmap_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "nmap",
	.version = "1.0",
	.description = "Nmap XML output (nmaprun)",
	.scan_types = nmap_scan_types,
	.probe = nmap_probe,
	.extract = nmap_extract,
};

DOJOBRIDGE_PLUGIN(nmap_plugin)
