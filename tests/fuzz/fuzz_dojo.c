/*
 * fuzz_dojo.c — how the DefectDojo client (core/dojo.c) reads the server's
 * answers: dojo_classify() and dojo_error_words() on error bodies (a list
 * of strings, a field dict, {"message": "['...']"}, {"detail": ...}, HTML
 * pages, anything), and the answer to a successful reimport (test id,
 * statistics) that dojo_upload_done() reads.  The first input byte picks
 * the HTTP status from a table, the rest is the body.
 *
 * The success path lives in a static function of dojo.c, so this target
 * compiles dojo.c into itself (and links every other core object) and
 * follows request_finish() and dojo_upload_done() step by step.  The
 * public functions are also called on an exact-size copy of the body
 * without a terminating NUL, as their (body, len) arguments allow.
 *
 * Checked promises: an outcome of the enum, DOJO_IMPORTED only for 2xx; a
 * message and hint without control characters (the server's words are
 * escaped before they reach a log line or error.json); a failed answer's
 * message starts "HTTP <status>: "; an import confirmed only with a
 * positive test id.
 */
#include "dojo.c"	/* NOLINT(bugprone-suspicious-include): to reach its static reader */

#include "fuzzutil.h"

static const long statuses[] = {
	200, 201, 204, 301, 302, 400, 401, 403, 404, 405, 408, 413, 415, 422, 429, 500, 501, 502,
	503, 504, 520, 0, 100, 299, 399, 599, 999, -1,
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void
check_text(const char *s, size_t cap)
{
	FUZZ_CHECK(memchr(s, '\0', cap) != NULL);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		FUZZ_CHECK(*p >= 0x20 && *p != 0x7f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dojo_result res;
	struct strbuf body = STRBUF_INIT;
	char prefix[32], words[1024], hint[256], *exact;
	long status;

	if (size == 0)
		return -1;
	status = statuses[data[0] % (sizeof statuses / sizeof statuses[0])];
	data++;
	size--;

	/* As request_finish() and dojo_upload_done() do with a complete answer. */
	memset(&res, 0, sizeof res);
	res.status = status;
	strbuf_add(&body, data, size);
	set_body(&res, &body);
	res.outcome = dojo_classify(res.status, body.buf, body.len, res.hint, sizeof res.hint);
	if (res.outcome != DOJO_IMPORTED)
		dojo_error_words(res.status, body.buf, body.len, res.message, sizeof res.message);
	else
		read_import_answer(&res, &body);

	FUZZ_CHECK(res.outcome >= DOJO_IMPORTED && res.outcome <= DOJO_REFUSED);
	if (res.outcome == DOJO_IMPORTED) {
		FUZZ_CHECK(status >= 200 && status < 300);
		FUZZ_CHECK(res.test_id > 0);
	}
	check_text(res.message, sizeof res.message);
	check_text(res.hint, sizeof res.hint);
	FUZZ_CHECK(res.message[0] != '\0');
	if (!(status >= 200 && status < 300)) {
		snprintf(prefix, sizeof prefix, "HTTP %ld: ", status);
		FUZZ_CHECK(strncmp(res.message, prefix, strlen(prefix)) == 0);
	}
	FUZZ_CHECK(res.body != NULL && strlen(res.body) <= BODY_KEEP);
	dojo_result_release(&res);
	strbuf_release(&body);

	/* The public functions on a body that ends exactly at len. */
	exact = malloc(size ? size : 1);
	if (exact == NULL)
		abort();
	memcpy(exact, data, size);
	(void)dojo_classify(status, exact, size, hint, sizeof hint);
	check_text(hint, sizeof hint);
	dojo_error_words(status, exact, size, words, sizeof words);
	check_text(words, sizeof words);
	free(exact);
	return 0;
}
