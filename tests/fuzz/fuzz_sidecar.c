/*
 * fuzz_sidecar.c — a report's sidecar <report>.dojo.json (core/conf.h
 * conf_read_sidecar): the input is the sidecar, read from a memfd over
 * import options that already hold values from the folder's policy.
 *
 * Checked promises: failure says why (err is not empty); every import
 * value after it, success or not, is validated and normalised.
 */
#include "conf.h"
#include "fuzzutil.h"

#include <string.h>

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_opts o = { { 0 } };
	char err[512];
	int fd = fuzz_memfd(data, size);

	FUZZ_CHECK(conf_import_set(&o, IK_PRODUCT_NAME, "Product", err, sizeof err) == 0);
	FUZZ_CHECK(conf_import_set(&o, IK_SCAN_DATE, "auto", err, sizeof err) == 0);
	err[0] = '\0';
	if (conf_read_sidecar(fd, &o, err, sizeof err) < 0)
		FUZZ_CHECK(err[0] != '\0');
	fuzz_check_import_opts(&o);
	import_opts_release(&o);
	return 0;
}
