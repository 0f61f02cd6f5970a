/*
 * hostile.c — a plugin that misbehaves on purpose, for the sandbox tests.
 * It claims files that start with "HOSTILE " and then does what the next
 * word says, the way a plugin bug driven by a hostile report would:
 *   CRASH  dereference NULL in probe       EXTRACTCRASH  the same in extract
 *   LOOP   spin forever                    ALLOC  touch 4 GiB of memory
 *   OPEN   read /etc/hostname, report it   SPAWN  fork a process
 *   ENV    report the environment: DOJO_TOKEN's value if it sees one
 *   WRITE  create a file beside the report (no path is known: /tmp)
 *   LOGS   log a warning (the worker's stderr reaches ours, even a file)
 *   FINE   nothing: score 100 as "ZAP Scan"
 * Never install it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dojobridge-plugin.h"

extern char **environ;

static int
is(const struct dojobridge_facts *f, const char *word)
{
	size_t n = strlen(word);

	return f->head_len >= 8 + n && memcmp(f->head, "HOSTILE ", 8) == 0 &&
	    memcmp(f->head + 8, word, n) == 0;
}

static int
hostile_probe(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, struct dojobridge_verdict *out)
{
	if (facts->head_len < 8 || memcmp(facts->head, "HOSTILE ", 8) != 0)
		return 0;
	if (is(facts, "CRASH"))
		/* cppcheck-suppress nullPointer ; crashes on purpose (tests/test-sandbox.sh) */
		/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
		*(volatile int *)(facts->head_len - facts->head_len) = 1;
	if (is(facts, "LOOP"))
		for (volatile unsigned long i = 0;; i++)
			;
	if (is(facts, "ALLOC")) {
		size_t n = (size_t)4 << 30;
		char *p = malloc(n);

		for (size_t i = 0; p != NULL && i < n; i += 4096)
			p[i] = 1;
		free(p);
	}
	if (is(facts, "SPAWN") && fork() == 0)
		_exit(0);
	if (is(facts, "LOGS"))
		host->log(call, 2, "hostile says hello through stderr");
	out->score = 100;
	out->scan_type = "ZAP Scan";
	return 0;
}

static int
hostile_extract(const struct dojobridge_host *host, struct dojobridge_call *call,
    const struct dojobridge_facts *facts, const char *scan_type)
{
	char buf[512] = "";
	FILE *f;

	(void)scan_type;
	if (is(facts, "EXTRACTCRASH"))
		/* cppcheck-suppress nullPointer ; crashes on purpose (tests/test-sandbox.sh) */
		/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
		*(volatile int *)(facts->head_len - facts->head_len) = 1;
	if (is(facts, "OPEN")) {
		if ((f = fopen("/etc/hostname", "r")) != NULL) {
			if (fgets(buf, sizeof buf, f) == NULL)
				buf[0] = '\0';
			fclose(f);
			host->set(call, DOJOBRIDGE_TARGET, buf[0] ? buf : "opened");
		} else {
			host->set(call, DOJOBRIDGE_TARGET, "open refused");
		}
	}
	if (is(facts, "WRITE")) {
		f = fopen("/tmp/dojobridge-hostile-wrote", "w");
		host->set(call, DOJOBRIDGE_TARGET, f ? "written" : "write refused");
		if (f != NULL)
			fclose(f);
	}
	if (is(facts, "ENV")) {
		const char *token = getenv("DOJO_TOKEN");

		if (token != NULL)
			snprintf(buf, sizeof buf, "DOJO_TOKEN=%s", token);
		int others = 0;

		/* A sanitizer build's worker gets its sanitizer options, and nothing else. */
		for (char **e = environ; e != NULL && *e != NULL; e++)
			if (strstr(*e, "SAN_OPTIONS=") == NULL)
				others++;
		host->set(call, DOJOBRIDGE_TARGET, token ? buf : others ? "some environment" :
		    "no environment");
	}
	host->set(call, DOJOBRIDGE_TOOL, "hostile");
	return 0;
}

static const struct dojobridge_scan_type hostile_types[] = {
	{ "ZAP Scan", ".xml", 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin hostile_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "hostile",
	.version = "1.0",
	.description = "misbehaves on purpose (sandbox tests only)",
	.scan_types = hostile_types,
	.probe = hostile_probe,
	.extract = hostile_extract,
};

DOJOBRIDGE_PLUGIN(hostile_plugin)
