/*
 * fuzz_datefmt.c — datefmt_parse() (core/datefmt.h), the host's date()
 * service, on any text, with every combination of the DAYFIRST, EPOCH and
 * EPOCH_MS flags.
 *
 * Checked promises: success writes a real calendar date "YYYY-MM-DD" of a
 * year from 1990 to 9999, failure leaves out = "", and a result parses
 * again to itself.
 */
#include "datefmt.h"
#include "dojobridge-plugin.h"
#include "fuzzutil.h"

#include <stdlib.h>
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
	char *text;

	/* Dates are short; a long text only slows the search down. */
	if (size > 512)
		return -1;
	text = fuzz_strndup(data, size);
	for (unsigned flags = 0; flags <= (DOJOBRIDGE_DATE_DAYFIRST | DOJOBRIDGE_DATE_EPOCH |
	    DOJOBRIDGE_DATE_EPOCH_MS); flags++) {
		char out[11], again[11];

		memset(out, 'x', sizeof out);
		if (datefmt_parse(text, flags, out) == 0) {
			FUZZ_CHECK(fuzz_is_date(out));
			FUZZ_CHECK(datefmt_parse(out, 0, again) == 0);
			FUZZ_CHECK(strcmp(out, again) == 0);
		} else {
			FUZZ_CHECK(out[0] == '\0');
		}
	}
	free(text);
	return 0;
}
