/*
 * fuzz_manifest.c — the SHA256SUMS parser of import media (core/manifest.h
 * manifest_read): the input is the SHA256SUMS file at the root of a scratch
 * directory standing for the media (without a signature file), then every
 * entry is looked up again with manifest_find().
 *
 * Checked promises: each entry's path is relative, not empty, without "."
 * or ".." components and with "./" removed, listed once; each digest is 64
 * lower-case hex digits; the bytes kept are exactly the file's.
 */
#include "fuzzutil.h"
#include "manifest.h"

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

static void
check_path(const char *p)
{
	FUZZ_CHECK(p[0] != '\0' && p[0] != '/');
	FUZZ_CHECK(strncmp(p, "./", 2) != 0);
	for (const char *s = p; *s; ) {
		size_t n = strcspn(s, "/");

		FUZZ_CHECK(n > 0);
		FUZZ_CHECK(!(n == 1 && s[0] == '.') && !(n == 2 && s[0] == '.' && s[1] == '.'));
		s += n;
		if (*s == '/') {
			s++;
			FUZZ_CHECK(*s != '\0');
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest m;
	char err[512];
	int rc;

	if (fuzz_put(dirfd_, MANIFEST_NAME, data, size) < 0)
		return 0;
	err[0] = '\0';
	rc = manifest_read(dirfd_, &m, err, sizeof err);
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc == 0) {
		FUZZ_CHECK(m.len == size && (size == 0 || memcmp(m.data, data, size) == 0));
		FUZZ_CHECK(m.sig_name == NULL);
		for (size_t i = 0; i < m.n; i++) {
			check_path(m.v[i].path);
			FUZZ_CHECK(strlen(m.v[i].sha256) == 64);
			FUZZ_CHECK(strspn(m.v[i].sha256, "0123456789abcdef") == 64);
			FUZZ_CHECK(manifest_find(&m, m.v[i].path) == &m.v[i]);
		}
	} else {
		FUZZ_CHECK(err[0] != '\0');
	}
	manifest_release(&m);
	return 0;
}
