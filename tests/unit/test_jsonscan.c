/*
 * test_jsonscan.c — the json_find path language, string decoding, JSON
 * lines, hostile input (deep nesting, bad UTF-8, truncation, huge files in
 * constant memory), and the head and tail outlines facts is built on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

#include "dojobridge-plugin.h"
#include "jsonscan.h"

static int
find(int fd, const char *path, unsigned flags, char *out, size_t outlen, char *err)
{
	return jsonscan_find(fd, path, flags, out, outlen, err, 128);
}

/* Expect path to give want (NULL: not found, with an empty error). */
static void
expect(const char *doc, const char *path, unsigned flags, const char *want)
{
	char out[256], err[128];
	int fd = temp_str(doc), r;

	r = find(fd, path, flags, out, sizeof(out), err);
	if (want == NULL) {
		if (r != -1)
			print_error("%s in %s gave \"%s\"\n", path, doc, out);
		assert_int_equal(r, -1);
		assert_string_equal(out, "");
		assert_string_equal(err, "");
	} else {
		if (r != 0)
			print_error("%s in %s: %s\n", path, doc, err);
		assert_int_equal(r, 0);
		assert_string_equal(out, want);
	}
	close(fd);
}

/* Expect an error whose message starts with prefix. */
static void
expect_error(const void *doc, size_t len, const char *path, unsigned flags, const char *prefix)
{
	char out[64], err[128];
	int fd = temp_fd(doc, len);

	assert_int_equal(find(fd, path, flags, out, sizeof(out), err), -1);
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		print_error("error \"%s\", want \"%s...\"\n", err, prefix);
	assert_true(strncmp(err, prefix, strlen(prefix)) == 0);
	assert_string_equal(out, "");
	close(fd);
}

static void
test_path_forms(void **state)
{
	static const char doc[] =
	    "{\"descriptor\": {\"name\": \"grype\", \"timestamp\": \"2022-01-01T00:00:00Z\"},"
	    " \"runs\": [ {\"tool\": {\"driver\": {\"name\": \"CodeQL\"}},"
	    "   \"invocations\": [{\"endTimeUtc\": \"t1\"}, {\"endTimeUtc\": \"t2\"}]},"
	    "  {\"tool\": {\"driver\": {\"name\": \"Semgrep\"}},"
	    "   \"invocations\": [{\"x\": 1}, {\"endTimeUtc\": \"t3\"}]} ],"
	    " \"n\": -12.5e+3, \"t\": true, \"f\": false, \"z\": null, \"o\": {}, \"a\": [],"
	    " \"deep\": {\"a\": {\"b\": {\"c\": 0}}}}";

	(void)state;
	expect(doc, "descriptor.timestamp", 0, "2022-01-01T00:00:00Z");
	expect(doc, "descriptor.name", 0, "grype");
	expect(doc, "runs[0].tool.driver.name", 0, "CodeQL");
	expect(doc, "runs[1].tool.driver.name", 0, "Semgrep");
	expect(doc, "runs[2].tool.driver.name", 0, NULL);
	expect(doc, "runs[*].tool.driver.name", 0, "CodeQL");
	expect(doc, "runs[*].tool.driver.name", DOJOBRIDGE_FIND_LAST, "Semgrep");
	expect(doc, "runs[*].invocations[*].endTimeUtc", 0, "t1");
	expect(doc, "runs[*].invocations[*].endTimeUtc", DOJOBRIDGE_FIND_LAST, "t3");
	expect(doc, "runs[1].invocations[0].endTimeUtc", 0, NULL);
	expect(doc, "runs[0].invocations[1].endTimeUtc", 0, "t2");
	/* Numbers and booleans as written; null, objects and arrays are not values. */
	expect(doc, "n", 0, "-12.5e+3");
	expect(doc, "t", 0, "true");
	expect(doc, "f", 0, "false");
	expect(doc, "z", 0, NULL);
	expect(doc, "o", 0, NULL);
	expect(doc, "a", 0, NULL);
	expect(doc, "descriptor", 0, NULL);
	expect(doc, "deep.a.b.c", 0, "0");
	expect(doc, "deep.a.b.c.d", 0, NULL);
	expect(doc, "deep.a.x", 0, NULL);
	/* A key step on an array, or an index on an object, does not match. */
	expect(doc, "runs.tool", 0, NULL);
	expect(doc, "descriptor[0]", 0, NULL);
	expect(doc, "missing", 0, NULL);
	/* A path into a top-level array. */
	expect("[{\"id\": \"a\"}, {\"id\": \"b\"}]", "[*].id", 0, "a");
	expect("[{\"id\": \"a\"}, {\"id\": \"b\"}]", "[*].id", DOJOBRIDGE_FIND_LAST, "b");
	expect("[{\"id\": \"a\"}, {\"id\": \"b\"}]", "[0].id", DOJOBRIDGE_FIND_LAST, "a");
	expect("[[1, 2], [3, 4]]", "[1][0]", 0, "3");
	expect("[[1, 2], [3, 4]]", "[*][*]", DOJOBRIDGE_FIND_LAST, "4");
	/* An empty path is the top-level value itself. */
	expect("\"just a string\"", "", 0, "just a string");
}

static void
test_null_does_not_hide_a_later_match(void **state)
{
	static const char doc[] = "[{\"v\": \"one\"}, {\"v\": null}, {\"v\": {}}, {\"w\": 1}]";

	(void)state;
	expect(doc, "[*].v", DOJOBRIDGE_FIND_LAST, "one");
	expect("[{\"v\": null}, {\"v\": [1]}, {\"v\": 2}]", "[*].v", 0, "2");
}

static void
test_bad_paths(void **state)
{
	char out[16], err[128];
	int fd = temp_str("{\"a\": 1}");

	(void)state;
	assert_int_equal(find(fd, "a..b", 0, out, sizeof(out), err), -1);
	assert_string_equal(err, "bad path");
	assert_int_equal(find(fd, "a.", 0, out, sizeof(out), err), -1);
	assert_int_equal(find(fd, "a[", 0, out, sizeof(out), err), -1);
	assert_int_equal(find(fd, "a[x]", 0, out, sizeof(out), err), -1);
	assert_int_equal(find(fd, "a[0]b", 0, out, sizeof(out), err), -1);
	assert_int_equal(find(fd, NULL, 0, out, sizeof(out), err), -1);
	assert_int_equal(jsonscan_find(fd, "a", 0, out, 0, err, sizeof(err)), -1);
	/* err may be omitted. */
	assert_int_equal(jsonscan_find(fd, "a", 0, out, sizeof(out), NULL, 0), 0);
	assert_string_equal(out, "1");
	close(fd);
}

static void
test_strings(void **state)
{
	(void)state;
	expect("{\"s\": \"a\\\"b\\\\c\\/d\\n\\t\\r\\b\\f\"}", "s", 0, "a\"b\\c/d\n\t\r\b\f");
	expect("{\"s\": \"caf\\u00e9 \\u20ac\"}", "s", 0, "caf\xc3\xa9 \xe2\x82\xac");
	expect("{\"s\": \"\\ud83d\\ude00\"}", "s", 0, "\xf0\x9f\x98\x80");
	expect("{\"s\": \"x\\ud83dy\"}", "s", 0, "x\xef\xbf\xbdy");
	expect("{\"s\": \"\\ude00\"}", "s", 0, "\xef\xbf\xbd");
	expect("{\"s\": \"\\ud83d\\u0041\"}", "s", 0, "\xef\xbf\xbd" "A");
	expect("{\"s\": \"raw \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}", "s", 0,
	    "raw \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	/* Escaped keys are compared decoded. */
	expect("{\"k\\u0065y\": \"v\"}", "key", 0, "v");
	expect("{\"\": 1, \"a\": 2}", "a", 0, "2");
}

static void
test_truncation(void **state)
{
	char out[6], err[128];
	int fd;

	(void)state;
	fd = temp_str("{\"s\": \"abcdefghij\", \"u\": \"ab\xc3\xa9\xc3\xa9\", \"n\": 1234567890}");
	assert_int_equal(find(fd, "s", 0, out, sizeof(out), err), 0);
	assert_string_equal(out, "abcde");
	/* Never half a character. */
	assert_int_equal(find(fd, "u", 0, out, sizeof(out), err), 0);
	assert_string_equal(out, "ab\xc3\xa9");
	assert_int_equal(find(fd, "n", 0, out, sizeof(out), err), 0);
	assert_string_equal(out, "12345");
	assert_int_equal(find(fd, "s", 0, out, 1, err), 0);
	assert_string_equal(out, "");
	close(fd);
}

static void
test_json_lines(void **state)
{
	static const char doc[] =
	    "{\"type\": \"warning\", \"data\": \"one\"}\n"
	    "{\"type\": \"auditAdvisory\", \"data\": {\"advisory\": {\"id\": 7}}}\n"
	    "{\"type\": \"auditSummary\", \"data\": {\"advisory\": {\"id\": 9}}}\n";

	(void)state;
	expect(doc, "type", 0, "warning");
	expect(doc, "type", DOJOBRIDGE_FIND_LAST, "auditSummary");
	expect(doc, "data.advisory.id", 0, "7");
	expect(doc, "data.advisory.id", DOJOBRIDGE_FIND_LAST, "9");
	/* Concatenated pretty-printed documents read the same way. */
	expect("{\"config\": {\"v\": \"1\"}}{\"osv\": {\"id\": \"GO-1\"}}\n{\"osv\": {\"id\": \"GO-2\"}}",
	    "osv.id", DOJOBRIDGE_FIND_LAST, "GO-2");
	expect("1 2 \"three\"", "", DOJOBRIDGE_FIND_LAST, "three");
}

static void
test_bom_and_whitespace(void **state)
{
	(void)state;
	expect("\xef\xbb\xbf{\"a\": \"b\"}", "a", 0, "b");
	expect(" \r\n\t{ \"a\" :\n\"b\" } \n", "a", 0, "b");
	expect("", "a", 0, NULL);
	expect("  \n", "a", 0, NULL);
	/* A byte order mark is only one at the start. */
	expect_error(" \xef\xbb\xbf{}", 6, "a", 0, "byte 1: unexpected character");
}

static void
test_garbage(void **state)
{
	static const char bad_utf8[] = "{\"a\": \"x\xff\"}";
	static const char overlong[] = "{\"a\": \"\xc0\xaf\"}";
	static const char surrogate[] = "{\"a\": \"\xed\xa0\x80\"}";
	static const char cut_seq[] = "{\"a\": \"\xe2\x82\"}";
	static const char ctrl[] = "{\"a\": \"x\ty\"}";
	static const char nul[] = "{\"a\": \"x\0y\"}";

	(void)state;
	expect_error("<xml/>", 6, "a", 0, "byte 0: unexpected character");
	expect_error("{\"a\" 1}", 7, "a", 0, "byte 5: expected ':'");
	expect_error("{\"a\": 1 \"b\": 2}", 15, "b", 0, "byte 8: expected ',' or '}'");
	expect_error("[1 2]", 5, "[1]", 0, "byte 3: expected ',' or ']'");
	expect_error("{1: 2}", 6, "a", 0, "byte 1: expected a key");
	expect_error("{\"a\": tru}", 10, "a", 0, "byte 6: unexpected character");
	expect_error("{\"a\": 01}", 9, "b", 0, "byte 7: expected ',' or '}'");
	expect_error("{\"a\": -}", 8, "a", 0, "byte 6: bad number");
	expect_error("{\"a\": 1.}", 9, "a", 0, "byte 6: bad number");
	expect_error("{\"a\": 1e}", 9, "a", 0, "byte 6: bad number");
	expect_error("{\"a\": \"\\x\"}", 11, "a", 0, "byte 8: bad escape in string");
	expect_error("{\"a\": \"\\u12g4\"}", 15, "a", 0, "byte 11: bad \\u escape");
	expect_error(bad_utf8, sizeof(bad_utf8) - 1, "a", 0, "byte 8: invalid UTF-8");
	expect_error(overlong, sizeof(overlong) - 1, "a", 0, "byte 7: invalid UTF-8");
	expect_error(surrogate, sizeof(surrogate) - 1, "a", 0, "byte 8: invalid UTF-8");
	expect_error(cut_seq, sizeof(cut_seq) - 1, "a", 0, "byte 9: invalid UTF-8");
	expect_error(ctrl, sizeof(ctrl) - 1, "a", 0, "byte 8: control character in string");
	expect_error(nul, sizeof(nul) - 1, "a", 0, "byte 8: control character in string");
	expect_error("{\"a\": [1, 2}", 12, "a", 0, "byte 11: expected ',' or ']'");
	expect_error("{\"a\": 1}}", 9, "b", 0, "byte 8: unexpected character");
	/* Truncated input, wherever it is cut. */
	expect_error("{\"a\": {\"b\": 1}", 14, "c", 0, "byte 14: unexpected end of input");
	expect_error("{\"a\": \"abc", 10, "a", 0, "byte 10: unexpected end of input");
	expect_error("{\"a\": \"\\u00", 11, "a", 0, "byte 11: unexpected end of input");
	expect_error("{\"a\": tr", 8, "a", 0, "byte 8: unexpected end of input");
	expect_error("{\"a\"", 4, "a", 0, "byte 4: unexpected end of input");
	expect_error("[", 1, "a", 0, "byte 1: unexpected end of input");
}

static void
test_first_match_stops_early(void **state)
{
	static const char doc[] = "{\"a\": \"first\", \"b\": ### this is not JSON";

	(void)state;
	expect(doc, "a", 0, "first");
	/* The last match needs the whole file, which is broken. */
	expect_error(doc, sizeof(doc) - 1, "a", DOJOBRIDGE_FIND_LAST, "byte 20: unexpected character");
}

static void
test_deep_nesting(void **state)
{
	size_t n = 100000, i;
	char *doc = malloc(2 * n + 1);
	char out[16], err[128];
	int fd;

	(void)state;
	assert_non_null(doc);
	/* 512 levels are allowed, 513 are not. */
	for (i = 0; i < 512; i++)
		doc[i] = '[';
	for (i = 0; i < 512; i++)
		doc[512 + i] = ']';
	fd = temp_fd(doc, 1024);
	assert_int_equal(find(fd, "x", 0, out, sizeof(out), err), -1);
	assert_string_equal(err, "");
	close(fd);
	memset(doc, '[', n);
	memset(doc + n, ']', n);
	fd = temp_fd(doc, 2 * n);
	assert_int_equal(find(fd, "[0][0]", 0, out, sizeof(out), err), -1);
	assert_string_equal(err, "byte 512: nesting deeper than 512");
	close(fd);
	memset(doc, '{', 1);
	for (i = 0; i + 6 < n; i += 6)
		memcpy(doc + i, "{\"a\":[", 6);	/* NOLINT(bugprone-not-null-terminated-result): bytes, no string */
	fd = temp_fd(doc, i);
	assert_int_equal(find(fd, "a[0].a", 0, out, sizeof(out), err), -1);
	assert_true(strstr(err, "nesting deeper than 512") != NULL);
	close(fd);
	free(doc);
}

static void
test_long_strings_and_keys(void **state)
{
	size_t n = 2 * 1024 * 1024;
	char *doc = malloc(n + 512);
	char *path = malloc(400);
	char out[64], err[128];
	size_t len;
	int fd;

	(void)state;
	assert_non_null(doc);
	assert_non_null(path);
	/* A 2 MB value is read through, not stored, on the way to the match. */
	len = (size_t)snprintf(doc, 64, "{\"big\": \"");
	memset(doc + len, 'x', n);
	len += n;
	len += (size_t)snprintf(doc + len, 64, "\", \"after\": \"yes\"}");
	fd = temp_fd(doc, len);
	assert_int_equal(find(fd, "after", 0, out, sizeof(out), err), 0);
	assert_string_equal(out, "yes");
	assert_int_equal(find(fd, "big", 0, out, sizeof(out), err), 0);
	assert_int_equal(strlen(out), sizeof(out) - 1);
	close(fd);
	/* A key over the cap is skipped: it matches nothing, even itself. */
	memset(path, 'k', 300);
	path[300] = '\0';
	len = (size_t)snprintf(doc, 512, "{\"%s\": \"v\", \"k\": \"w\"}", path);
	fd = temp_fd(doc, len);
	assert_int_equal(find(fd, path, 0, out, sizeof(out), err), -1);
	assert_string_equal(err, "");
	assert_int_equal(find(fd, "k", 0, out, sizeof(out), err), 0);
	assert_string_equal(out, "w");
	close(fd);
	/* A key just at the cap still counts. */
	path[JSONSCAN_KEYMAX] = '\0';
	len = (size_t)snprintf(doc, 512, "{\"%s\": \"v\"}", path);
	fd = temp_fd(doc, len);
	assert_int_equal(find(fd, path, 0, out, sizeof(out), err), 0);
	assert_string_equal(out, "v");
	close(fd);
	free(path);
	free(doc);
}

static long
max_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void
test_20mb_constant_memory(void **state)
{
	char chunk[4096], out[64], err[128];
	size_t written = 0, len;
	long before, after;
	int fd, i = 0;
	const char *dir = getenv("TMPDIR");
	char path[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/test_jsonscan.XXXXXX", dir != NULL ? dir : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	len = (size_t)snprintf(chunk, sizeof(chunk), "{\"matches\": [");
	assert_int_equal(write(fd, chunk, len), (ssize_t)len);
	while (written < 20u * 1024 * 1024) {
		len = (size_t)snprintf(chunk, sizeof(chunk),
		    "%s{\"vulnerability\": {\"id\": \"CVE-2021-%05d\", \"severity\": \"High\","
		    " \"urls\": [\"https://example.org/a\", \"https://example.org/b\"],"
		    " \"cvss\": [{\"score\": 7.5, \"vector\": \"AV:N/AC:L/PR:N/UI:N\"}]}}\n",
		    i == 0 ? "" : ",", i);
		assert_int_equal(write(fd, chunk, len), (ssize_t)len);
		written += len;
		i++;
	}
	len = (size_t)snprintf(chunk, sizeof(chunk),
	    "], \"descriptor\": {\"name\": \"grype\", \"timestamp\": \"2023-04-05T06:07:08Z\"}}\n");
	assert_int_equal(write(fd, chunk, len), (ssize_t)len);

	before = max_rss_kb();
	assert_int_equal(find(fd, "descriptor.timestamp", 0, out, sizeof(out), err), 0);
	assert_string_equal(out, "2023-04-05T06:07:08Z");
	assert_int_equal(find(fd, "matches[*].vulnerability.id", DOJOBRIDGE_FIND_LAST,
	    out, sizeof(out), err), 0);
	snprintf(chunk, sizeof(chunk), "CVE-2021-%05d", i - 1);
	assert_string_equal(out, chunk);
	assert_int_equal(find(fd, "matches[*].vulnerability.cvss[0].score", 0,
	    out, sizeof(out), err), 0);
	assert_string_equal(out, "7.5");
	after = max_rss_kb();
	/* Nothing is allocated per byte read: the peak does not move by megabytes. */
	assert_true(after - before < 4096);
	close(fd);
}

static void
test_fd_offset_does_not_matter(void **state)
{
	char out[16], err[128];
	int fd = temp_str("{\"a\": \"b\"}");

	(void)state;
	/* temp_fd left the offset at the end; pread ignores it. */
	assert_int_equal(find(fd, "a", 0, out, sizeof(out), err), 0);
	assert_string_equal(out, "b");
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 10);
	close(fd);
	assert_int_equal(find(fd, "a", 0, out, sizeof(out), err), -1);
	assert_true(strstr(err, "read error") != NULL);
}

static void
test_real_reports(void **state)
{
	static const struct {
		const char *file, *path;
		unsigned flags;
		const char *want;
	} cases[] = {
		{ "tests/data/scans/sarif/flawfinder.sarif", "runs[0].tool.driver.name", 0, "Flawfinder" },
		{ "tests/data/scans/sarif/appendix_k2.sarif", "runs[0].tool.driver.name", 0, "CodeScanner" },
		{ "tests/data/scans/anchore_grype/check_all_fields.json", "descriptor.name", 0, "grype" },
		{ "tests/data/scans/anchore_grype/check_all_fields.json", "descriptor.version", 0, "0.28.0" },
		{ "tests/data/scans/trivy/scheme_2_many_vulns.json", "SchemaVersion", 0, "2" },
		{ "tests/data/scans/trivy/scheme_2_many_vulns.json", "ArtifactName", 0, "teamdojo:latest" },
		{ "tests/data/scans/gitleaks/gitleaks8_many.json", "[0].RuleID", 0, "aws-access-token" },
		{ "tests/data/scans/gitleaks/gitleaks8_many.json", "[*].RuleID", DOJOBRIDGE_FIND_LAST, "generic-api-key" },
	};
	char out[128], err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int fd = open(cases[i].file, O_RDONLY);

		if (fd < 0)
			print_error("%s: run from the repository root\n", cases[i].file);
		assert_true(fd >= 0);
		assert_int_equal(find(fd, cases[i].path, cases[i].flags, out, sizeof(out), err), 0);
		assert_string_equal(out, cases[i].want);
		close(fd);
	}
}

/* Collects what an outline reports, as "T:key=value" lines. */
struct seen {
	char text[8192];
	int n;
};

static void
collect(void *arg, enum jsonscan_where where, const char *key, const char *scalar)
{
	struct seen *s = arg;
	size_t len = strlen(s->text);

	snprintf(s->text + len, sizeof(s->text) - len, "%c:%s%s%s\n",
	    where == JSONSCAN_TOP_KEY ? 'T' : 'E', key, scalar != NULL ? "=" : "",
	    scalar != NULL ? scalar : "");
	s->n++;
}

static void
test_outline(void **state)
{
	struct jsonscan_outline o;
	struct seen s;
	char err[128];
	static const char obj[] =
	    "\xef\xbb\xbf{\"version\": \"15.0.4\", \"n\": 3, \"ok\": false, \"nil\": null,"
	    " \"vulnerabilities\": [{\"id\": \"x\"}], \"esc\\u0061ped\": \"\\u00e9\","
	    " \"scan\": {\"type\": \"sast\"}}  \n";
	static const char arr[] =
	    "[{\"Target\": \"a\", \"Type\": \"npm\", \"Vulnerabilities\": [{\"x\": 1}]},"
	    " {\"Other\": 1}]";

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(jsonscan_outline(obj, sizeof(obj) - 1, collect, &s, &o, err, sizeof(err)), 0);
	assert_int_equal(o.top, '{');
	assert_true(o.complete);
	assert_false(o.more);
	assert_int_equal(o.end, sizeof(obj) - 4);
	assert_string_equal(s.text,
	    "T:version=15.0.4\nT:n=3\nT:ok=false\nT:nil\nT:vulnerabilities\n"
	    "T:escaped=\xc3\xa9\nT:scan\n");

	memset(&s, 0, sizeof(s));
	assert_int_equal(jsonscan_outline(arr, sizeof(arr) - 1, collect, &s, &o, err, sizeof(err)), 0);
	assert_int_equal(o.top, '[');
	assert_string_equal(s.text, "E:Target=a\nE:Type=npm\nE:Vulnerabilities\n");

	/* A head cut anywhere reports what came before the cut. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(jsonscan_outline(obj, 80, collect, &s, &o, err, sizeof(err)), 0);
	assert_int_equal(o.top, '{');
	assert_false(o.complete);
	assert_string_equal(s.text, "T:version=15.0.4\nT:n=3\nT:ok=false\nT:nil\nT:vulnerabilities\n");
	memset(&s, 0, sizeof(s));
	assert_int_equal(jsonscan_outline(obj, 20, collect, &s, &o, err, sizeof(err)), 0);
	assert_string_equal(s.text, "T:version\n");

	/* JSON lines: the first value, and a note that more follow. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(jsonscan_outline("{\"a\": 1}\n{\"b\": 2}\n", 18, collect, &s, &o,
	    err, sizeof(err)), 0);
	assert_true(o.complete);
	assert_true(o.more);
	assert_int_equal(o.end, 8);
	assert_string_equal(s.text, "T:a=1\n");

	/* Not an object or array; garbage. */
	assert_int_equal(jsonscan_outline("\"str\"", 5, collect, &s, &o, err, sizeof(err)), 0);
	assert_int_equal(o.top, 0);
	assert_int_equal(jsonscan_outline("[INFO] hello", 12, collect, &s, &o, err, sizeof(err)), -1);
	assert_string_equal(err, "byte 1: unexpected character");
	assert_int_equal(jsonscan_outline("", 0, collect, &s, &o, err, sizeof(err)), 0);
	assert_int_equal(o.top, 0);
}

static void
test_outline_limits(void **state)
{
	struct jsonscan_outline o;
	struct seen s;
	char *doc = malloc(8192);
	char err[128];
	size_t len;

	(void)state;
	assert_non_null(doc);
	/* A long key is skipped; a long scalar is reported as NULL. */
	len = (size_t)snprintf(doc, 8192, "{\"");
	memset(doc + len, 'k', 300);
	len += 300;
	len += (size_t)snprintf(doc + len, 64, "\": 1, \"v\": \"");
	memset(doc + len, 'v', 2000);
	len += 2000;
	len += (size_t)snprintf(doc + len, 64, "\", \"z\": 2}");
	memset(&s, 0, sizeof(s));
	assert_int_equal(jsonscan_outline(doc, len, collect, &s, &o, err, sizeof(err)), 0);
	assert_string_equal(s.text, "T:v\nT:z=2\n");
	free(doc);
}

static void
test_tail_keys(void **state)
{
	struct seen s;
	/* The tail of a Grype report: it starts inside the matches array. */
	static const char tail[] =
	    "ity\": \"High\"}}], \"source\": {\"type\": \"image\", \"target\": {\"x\": [1, {\"y\": \"}\"}]}},"
	    " \"distro\": {\"name\": \"debian\"}, \"weird\\\"key\": \"a \\\\\", \"n\": 12,"
	    " \"descriptor\": {\"name\": \"grype\", \"timestamp\": \"2023-01-01\"}}\n\n";
	static const char gitlab[] =
	    "  }\n  ],\n  \"scan\": {\n    \"type\": \"sast\",\n    \"end_time\": \"2021-01-01T00:00:00\"\n  }\n}";

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(jsonscan_tail_keys(tail, sizeof(tail) - 1, collect, &s), 5);
	assert_string_equal(s.text,
	    "T:source\nT:distro\nT:weird\"key=a \\\nT:n=12\nT:descriptor\n");
	memset(&s, 0, sizeof(s));
	assert_int_equal(jsonscan_tail_keys(gitlab, sizeof(gitlab) - 1, collect, &s), 1);
	assert_string_equal(s.text, "T:scan\n");
	/* The whole document: stops at the top-level '{'. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(jsonscan_tail_keys("{\"a\": {\"b\": 1}, \"c\": \"d\"}", 25, collect, &s), 2);
	assert_string_equal(s.text, "T:a\nT:c=d\n");
	/* A string cut by the start of the tail ends the scan. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(jsonscan_tail_keys("x y\", \"k\": 1}", 13, collect, &s), 1);
	assert_string_equal(s.text, "T:k=1\n");
	/* A key that does not decode (a raw control byte) is neither reported nor counted. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(jsonscan_tail_keys("{\"a\x01\":1, \"b\": 2}", 16, collect, &s), 1);
	assert_string_equal(s.text, "T:b=2\n");
	/* Not the end of an object. */
	assert_int_equal(jsonscan_tail_keys("{\"a\": 1}]", 9, collect, &s), 0);
	assert_int_equal(jsonscan_tail_keys("{\"a\": 1} garbage", 16, collect, &s), 0);
	assert_int_equal(jsonscan_tail_keys("", 0, collect, &s), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_forms),
		cmocka_unit_test(test_null_does_not_hide_a_later_match),
		cmocka_unit_test(test_bad_paths),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_json_lines),
		cmocka_unit_test(test_bom_and_whitespace),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_first_match_stops_early),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_long_strings_and_keys),
		cmocka_unit_test(test_20mb_constant_memory),
		cmocka_unit_test(test_fd_offset_does_not_matter),
		cmocka_unit_test(test_real_reports),
		cmocka_unit_test(test_outline),
		cmocka_unit_test(test_outline_limits),
		cmocka_unit_test(test_tail_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
