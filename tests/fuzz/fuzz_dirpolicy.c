/*
 * fuzz_dirpolicy.c — a folder's .dojobridge.conf (core/conf.h
 * conf_read_dir_policy): the input is that file in a scratch directory,
 * read over import options that already hold a few values, as the policy
 * of a parent folder would have left them.
 *
 * Checked promises: the file exists, so the answer is 0 or -1, never 1;
 * every import value after it is validated and normalised.
 */
#include "conf.h"
#include "fuzzutil.h"

#include <string.h>

static int dirfd_;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_tmpdir(&dirfd_);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_opts o = { { 0 } };
	char err[512];
	int rc;

	if (fuzz_put(dirfd_, ".dojobridge.conf", data, size) < 0)
		return 0;
	FUZZ_CHECK(conf_import_set(&o, IK_TAGS, "inherited,parent", err, sizeof err) == 0);
	FUZZ_CHECK(conf_import_set(&o, IK_ACTIVE, "yes", err, sizeof err) == 0);
	rc = conf_read_dir_policy(dirfd_, ".dojobridge.conf", "drop/team/.dojobridge.conf", &o);
	FUZZ_CHECK(rc == 0 || rc == -1);
	fuzz_check_import_opts(&o);
	import_opts_release(&o);
	return 0;
}
