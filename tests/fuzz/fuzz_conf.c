/*
 * fuzz_conf.c — the conf.d INI reader (core/conf.h conf_load) as the
 * daemon and every command load it, through intake_load_conf() (conf_load,
 * then route_check_layout on each drop's layout): the input is the one
 * *.conf file of a scratch directory.  Covers the inih line reader and its
 * long-line handling, every section and key, durations, sizes, booleans,
 * the [import] value checks and the merge of [import] into each drop.
 *
 * Checked promises: on success there is a url without a trailing slash and
 * at least one drop; each drop has an absolute path without a trailing
 * slash, a layout, a spool, max_settle >= settle and an ignore list; every
 * import value is validated and normalised (it passes the checks again
 * unchanged).
 */
#include "conf.h"
#include "fuzzutil.h"
#include "intake.h"

#include <string.h>

static int dirfd_;
static const char *dir;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	dir = fuzz_tmpdir(&dirfd_);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf c;

	if (fuzz_put(dirfd_, "50-fuzz.conf", data, size) < 0)
		return 0;
	if (intake_load_conf(&c, dir) < 0)
		return 0;
	FUZZ_CHECK(c.dojo.url != NULL);
	FUZZ_CHECK(c.dojo.url[0] != '\0' && c.dojo.url[strlen(c.dojo.url) - 1] != '/');
	FUZZ_CHECK(c.ndrops > 0);
	FUZZ_CHECK(c.dojo.max_inflight >= 1 && c.dojo.max_inflight <= 64);
	FUZZ_CHECK(c.dojo.retries >= 0 && c.dojo.retries <= 20);
	fuzz_check_import_opts(&c.import);
	for (size_t i = 0; i < c.ndrops; i++) {
		const struct conf_drop *dr = &c.drops[i];
		size_t n;

		FUZZ_CHECK(dr->name != NULL && dr->path != NULL && dr->layout != NULL &&
		    dr->spool != NULL && dr->ignore != NULL);
		n = strlen(dr->path);
		FUZZ_CHECK(dr->path[0] == '/' && (n == 1 || dr->path[n - 1] != '/'));
		FUZZ_CHECK(dr->settle_ms >= 0 && dr->max_settle_ms >= dr->settle_ms);
		FUZZ_CHECK(dr->archive_days >= 0);
		FUZZ_CHECK(dr->out_of_order == OUT_OF_ORDER_FAIL || dr->out_of_order == OUT_OF_ORDER_IMPORT);
		fuzz_check_import_opts(&dr->import);
	}
	conf_release(&c);
	return 0;
}
