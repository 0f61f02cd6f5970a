/*
 * test_manifest.c — SHA256SUMS as sha256sum and BSD tools write it
 * (text and binary mode, escaped names, "./" prefixes, CRLF), and the lines
 * that must be refused with their line number: absolute paths, "..",
 * short or non-hex digests, a file listed twice, NUL bytes, links.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/stat.h>

#include "manifest.h"
#include "testutil.h"

#define A64 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define B64 "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"

/* A media root holding SHA256SUMS with the given bytes (and a signature when sig != NULL). */
static int
media_with(char root[64], const char *sums, size_t len, const char *sig)
{
	int fd, dirfd;

	snprintf(root, 64, "/tmp/dojobridge-manifest.XXXXXX");
	assert_non_null(mkdtemp(root));
	dirfd = open(root, O_RDONLY | O_DIRECTORY);
	assert_true(dirfd >= 0);
	fd = openat(dirfd, "SHA256SUMS", O_WRONLY | O_CREAT, 0644);
	assert_int_equal(write(fd, sums, len), (ssize_t)len);
	close(fd);
	if (sig != NULL) {
		fd = openat(dirfd, "SHA256SUMS.asc", O_WRONLY | O_CREAT, 0644);
		assert_int_equal(write(fd, sig, strlen(sig)), (ssize_t)strlen(sig));
		close(fd);
	}
	return dirfd;
}

static void
test_formats(void **state)
{
	const char sums[] =
	    A64 "  reports/zap.xml\n"
	    B64 " *./Team A/trivy.json\r\n"
	    "\n"
	    "\\" A64 "  odd\\nname\\\\x.xml\n"
	    "SHA256 (bsd/nmap.xml) = " A64 "\n";
	struct manifest m;
	struct manifest_entry *e;
	char root[64], err[256];
	int dirfd = media_with(root, sums, sizeof sums - 1, "-----BEGIN PGP SIGNATURE-----\n");

	(void)state;
	assert_int_equal(manifest_read(dirfd, &m, err, sizeof err), 0);
	assert_int_equal(m.n, 4);
	assert_non_null(manifest_find(&m, "reports/zap.xml"));
	e = manifest_find(&m, "Team A/trivy.json");
	assert_non_null(e);
	/* Upper-case digests compare as lower case. */
	assert_string_equal(e->sha256, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	assert_non_null(manifest_find(&m, "odd\nname\\x.xml"));
	assert_non_null(manifest_find(&m, "bsd/nmap.xml"));
	assert_null(manifest_find(&m, "zap.xml"));
	assert_string_equal(m.sig_name, "SHA256SUMS.asc");
	assert_int_equal(m.len, sizeof sums - 1);
	assert_true(manifest_is_own_file("SHA256SUMS"));
	assert_true(manifest_is_own_file("SHA256SUMS.sig"));
	assert_false(manifest_is_own_file("SHA256SUMS.txt"));
	manifest_release(&m);
	close(dirfd);
	rm_rf(root);
}

static void
test_refused(void **state)
{
	static const struct {
		const char *text;
		const char *want;	/* in the error */
	} bad[] = {
		{ A64 "  /etc/passwd\n", "SHA256SUMS:1:" },
		{ A64 "  ok.xml\n" A64 "  ../up.xml\n", "SHA256SUMS:2:" },
		{ A64 "  a/./b.xml\n", "SHA256SUMS:1:" },
		{ A64 "  a//b.xml\n", "SHA256SUMS:1:" },
		{ A64 "  dir/\n", "SHA256SUMS:1:" },	/* a directory is never a report */
		{ "abc  short.xml\n", "SHA256SUMS:1:" },
		{ "zz" A64 "  nothex.xml\n", "SHA256SUMS:1:" },
		{ A64 " x.xml\n", "SHA256SUMS:1:" },
		{ A64 "  x.xml\n" B64 "  ./x.xml\n", "a second time" },
		{ "\\" A64 "  bad\\qescape\n", "SHA256SUMS:1:" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct manifest m;
		char root[64], err[256] = "";
		int dirfd = media_with(root, bad[i].text, strlen(bad[i].text), NULL);
		int rc = manifest_read(dirfd, &m, err, sizeof err);

		if (rc != -1 || strstr(err, bad[i].want) == NULL)
			print_error("case %zu: \"%s\" gave \"%s\"\n", i, bad[i].text, err);
		assert_int_equal(rc, -1);
		assert_non_null(strstr(err, bad[i].want));
		manifest_release(&m);
		close(dirfd);
		rm_rf(root);
	}
}

static void
test_absent_nul_and_links(void **state)
{
	struct manifest m;
	char root[64], err[256], path[128];
	int dirfd;

	(void)state;
	snprintf(root, sizeof root, "/tmp/dojobridge-manifest.XXXXXX");
	assert_non_null(mkdtemp(root));
	dirfd = open(root, O_RDONLY | O_DIRECTORY);
	assert_int_equal(manifest_read(dirfd, &m, err, sizeof err), 1);
	/* A link is never followed, even to a good manifest. */
	assert_int_equal(symlinkat("/etc/hostname", dirfd, "SHA256SUMS"), 0);
	assert_int_equal(manifest_read(dirfd, &m, err, sizeof err), -1);
	assert_non_null(strstr(err, "symbolic link"));
	manifest_release(&m);
	close(dirfd);
	rm_rf(root);

	dirfd = media_with(root, A64 "  a.xml\n\0junk", sizeof(A64 "  a.xml\n\0junk") - 1, NULL);
	assert_int_equal(manifest_read(dirfd, &m, err, sizeof err), -1);
	assert_non_null(strstr(err, "NUL"));
	manifest_release(&m);
	close(dirfd);
	snprintf(path, sizeof path, "%s", root);
	rm_rf(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_absent_nul_and_links),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
