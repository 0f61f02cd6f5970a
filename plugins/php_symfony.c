/*
 * php_symfony.c — "PHP Symfony Security Check": `symfony
 * security:check --format=json` (and SensioLabs' security checker), an
 * object keyed by Composer package names, {"symfony/cache": {version,
 * advisories[{title, cve, link}]}, ...}.
 *
 * The only signal is the keys: every top-level key must be a
 * vendor/package name, and advisories must sit in the head.  An empty
 * answer is "{}", which the host already reports as empty.
 */
#include <string.h>

#include "dojobridge-plugin.h"
#include "rawtext.h"

static int
name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '_' || c == '.';
}

/* Composer's vendor/package: lower case, one slash, no empty part. */
static int
package_name(const char *s)
{
	const char *slash = strchr(s, '/');
	const char *p;

	if (slash == NULL || slash == s || slash[1] == '\0')
		return 0;
	for (p = s; *p != '\0'; p++)
		if (p != slash && !name_char(*p))
			return 0;
	return 1;
}

static int
symfony_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	const char *const *k = facts->json_keys;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_JSON || facts->json_top != '{' ||
	    k[0] == NULL || find(facts->head, facts->head_len, "\"advisories\"") == NULL ||
	    find(facts->head, facts->head_len, "\"version\"") == NULL)
		return 0;
	for (; *k != NULL; k++)
		if (!package_name(*k))
			return 0;
	out->score = 80;
	out->scan_type = "PHP Symfony Security Check";
	return 0;
}

static int
symfony_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	(void)facts;
	(void)scan_type;
	/* It names neither the project nor the day it ran. */
	host->set(call, DOJOBRIDGE_TOOL, "Symfony security checker");
	return 0;
}

static const struct dojobridge_scan_type symfony_scan_types[] = {
	{ "PHP Symfony Security Check", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin symfony_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "php_symfony",
	.version = "1.0",
	.description = "Symfony/SensioLabs security checker JSON",
	.scan_types = symfony_scan_types,
	.probe = symfony_probe,
	.extract = symfony_extract,
};

DOJOBRIDGE_PLUGIN(symfony_plugin)
