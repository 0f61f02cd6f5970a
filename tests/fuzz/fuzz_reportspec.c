/*
 * fuzz_reportspec.c — the spec file of `dojobridge report apply`
 * (core/reportspec.h): reportspec_load() on the input as a file of a
 * scratch directory, named without .json so that the content decides (a
 * first non-blank '{' is JSON, anything else INI), then reportspec_check().
 *
 * Checked promises: a loaded spec gives every theme, block and template a
 * name unique among its kind and a `where`; a failed load leaves s empty.
 */
#include "fuzzutil.h"
#include "reportspec.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

static int dirfd_;
static char path[PATH_MAX];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(path, sizeof path, "%s/spec", fuzz_tmpdir(&dirfd_));
	return 0;
}

#define CHECK_NAMED(v, n) do {						\
	for (size_t i = 0; i < (n); i++) {				\
		FUZZ_CHECK((v)[i].name != NULL && (v)[i].where != NULL);\
		for (size_t j = 0; j < i; j++)				\
			FUZZ_CHECK(strcmp((v)[i].name, (v)[j].name) != 0);\
	}								\
} while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reportspec s;

	if (fuzz_put(dirfd_, "spec", data, size) < 0)
		return 0;
	if (reportspec_load(&s, path) < 0) {
		FUZZ_CHECK(s.nthemes == 0 && s.nblocks == 0 && s.ntemplates == 0);
		reportspec_release(&s);
		return 0;
	}
	CHECK_NAMED(s.themes, s.nthemes);
	CHECK_NAMED(s.blocks, s.nblocks);
	CHECK_NAMED(s.templates, s.ntemplates);
	(void)reportspec_check(&s);
	reportspec_release(&s);
	return 0;
}
