/*
 * fuzz_jsonscan.c — the bounded JSON scanner (core/jsonscan.h):
 * jsonscan_outline() and jsonscan_tail_keys() on the input as a buffer, and
 * jsonscan_find() on it as a file (memfd), for the paths the plugins ask
 * (first and last match, a roomy and a tiny output buffer).  An input whose
 * first line starts with '#' gives its own path instead: the rest of that
 * line, and the document is what follows the line.
 *
 * Checked promises: keys and scalars within JSONSCAN_KEYMAX and
 * JSONSCAN_VALUEMAX; at most 256 tail keys; a found value fits outlen, is
 * valid UTF-8 and was not cut inside a sequence; not found means out = "";
 * an error message reads "byte N: ..." (or "bad path").
 */
#include "dojobridge-plugin.h"
#include "fuzzutil.h"
#include "jsonscan.h"

#include <stdlib.h>
#include <string.h>

static const char *const paths[] = {
	"descriptor.timestamp", "descriptor.name", "source.target.userInput", "source.target",
	"runs[*].invocations[*].endTimeUtc", "runs[0].tool.driver.name", "[0].repoURL",
	"Results[0].Target", "[*].rule_id", "", "a.b[1].c", NULL
};

struct seen {
	size_t keys;
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void
on_key(void *arg, enum jsonscan_where where, const char *key, const char *scalar)
{
	struct seen *s = arg;

	FUZZ_CHECK(where == JSONSCAN_TOP_KEY || where == JSONSCAN_ELEM_KEY);
	FUZZ_CHECK(key != NULL && strlen(key) <= JSONSCAN_KEYMAX);
	FUZZ_CHECK(scalar == NULL || strlen(scalar) <= JSONSCAN_VALUEMAX);
	s->keys++;
}

static void
check_err(const char *err)
{
	if (err[0] != '\0' && strcmp(err, "bad path") != 0)
		FUZZ_CHECK(strncmp(err, "byte ", 5) == 0);
}

static void
find(int fd, const char *path, unsigned flags, size_t outlen)
{
	char out[1024], err[256];

	memset(out, 'x', sizeof out);
	if (jsonscan_find(fd, path, flags, out, outlen, err, sizeof err) == 0) {
		FUZZ_CHECK(strlen(out) < outlen);
		FUZZ_CHECK(fuzz_utf8_ok(out));
	} else {
		FUZZ_CHECK(out[0] == '\0');
		check_err(err);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jsonscan_outline o;
	struct seen s = { 0 };
	char err[256], *own = NULL;
	int fd, n;

	if (size > 0 && data[0] == '#') {
		const uint8_t *nl = memchr(data, '\n', size);
		size_t plen = nl ? (size_t)(nl - data) - 1 : size - 1;

		own = fuzz_strndup(data + 1, plen);
		data += plen + 1 + (nl != NULL);
		size -= plen + 1 + (nl != NULL);
	}

	if (jsonscan_outline(data, size, on_key, &s, &o, err, sizeof err) == 0) {
		FUZZ_CHECK(o.top == 0 || o.top == '{' || o.top == '[');
		if (o.complete)
			FUZZ_CHECK(o.end <= size);
	} else {
		check_err(err);
	}
	s.keys = 0;
	n = jsonscan_tail_keys(data, size, on_key, &s);
	FUZZ_CHECK(n >= 0 && (size_t)n == s.keys && n <= 256);

	fd = fuzz_memfd(data, size);
	if (own != NULL) {
		find(fd, own, 0, 1024);
		find(fd, own, DOJOBRIDGE_FIND_LAST, 7);
		free(own);
		return 0;
	}
	for (size_t i = 0; paths[i] != NULL; i++) {
		find(fd, paths[i], 0, i % 2 ? 5 : 1024);
		find(fd, paths[i], DOJOBRIDGE_FIND_LAST, i % 2 ? 1024 : 3);
	}
	return 0;
}
