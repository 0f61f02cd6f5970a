/*
 * test_xmlscan.c — the xml_find path language, text and attribute values,
 * and the attacks a hostile report may try: external entities, entity
 * bombs, compressed input, excessive depth.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

#include "xmlscan.h"

/* Expect path in doc to give want (NULL: not found, with an empty error). */
static void
expect(const char *doc, const char *path, const char *want)
{
	char out[256], err[256];
	int fd = temp_str(doc), r;

	r = xmlscan_find(fd, path, out, sizeof(out), err, sizeof(err));
	if (want == NULL) {
		if (r != -1 || err[0] != '\0')
			print_error("%s gave \"%s\" err \"%s\"\n", path, out, err);
		assert_int_equal(r, -1);
		assert_string_equal(out, "");
		assert_string_equal(err, "");
	} else {
		if (r != 0)
			print_error("%s: %s\n", path, err);
		assert_int_equal(r, 0);
		assert_string_equal(out, want);
	}
	close(fd);
}

static void
expect_error(const char *doc, const char *path, const char *prefix)
{
	char out[256], err[256];
	int fd = temp_str(doc);

	assert_int_equal(xmlscan_find(fd, path, out, sizeof(out), err, sizeof(err)), -1);
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		print_error("error \"%s\", want \"%s...\"\n", err, prefix);
	assert_true(strncmp(err, prefix, strlen(prefix)) == 0);
	assert_string_equal(out, "");
	close(fd);
}

static const char report[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!-- a comment -->\n"
    "<r:report xmlns:r=\"urn:r\" xmlns=\"urn:default\" start=\" 1396104416 \" r:kind=\"x\">\n"
    "  <policy><tag name=\"HOST_END\">not here</tag></policy>\n"
    "  <host id=\"1\">\n"
    "    <props>\n"
    "      <tag name=\"HOST_START\">Wed Mar 23 15:00:00 2022</tag>\n"
    "      <tag name=\"HOST_END\" kind=\"b\">  Wed Mar 23 15:07:52 2022\n  </tag>\n"
    "      <tag name='quoted \"it\"'>q</tag>\n"
    "    </props>\n"
    "    <date>2022-<![CDATA[01-15]]><b>ignored</b>T10:00<!-- no -->:00Z</date>\n"
    "    <empty/>\n"
    "    <blank>   </blank>\n"
    "    <amp>a &amp; b &lt;c&gt; &#233;</amp>\n"
    "  </host>\n"
    "  <host id=\"2\"><date>second</date></host>\n"
    "</r:report>\n";

static void
test_path_forms(void **state)
{
	(void)state;
	/* Attributes of the root, namespaces ignored, value trimmed. */
	expect(report, "report/@start", "1396104416");
	expect(report, "report/@kind", "x");
	expect(report, "report/@missing", NULL);
	expect(report, "other/@start", NULL);
	/* Element text: own text and CDATA, not the children's, trimmed. */
	expect(report, "report/host/date", "2022-01-15T10:00:00Z");
	expect(report, "report/host/empty", "");
	expect(report, "report/host/blank", "");
	expect(report, "report/host/amp", "a & b <c> \xc3\xa9");
	expect(report, "report/host/@id", "1");
	expect(report, "report/date", NULL);
	/* Predicates, both quotes, several at once. */
	expect(report, "report/host/props/tag[@name='HOST_END']", "Wed Mar 23 15:07:52 2022");
	expect(report, "report/host/props/tag[@name=\"HOST_START\"]", "Wed Mar 23 15:00:00 2022");
	expect(report, "report/host/props/tag[@name='HOST_END'][@kind='b']", "Wed Mar 23 15:07:52 2022");
	expect(report, "report/host/props/tag[@name='HOST_END'][@kind='c']", NULL);
	expect(report, "report/host/props/tag[@name='quoted \"it\"']", "q");
	expect(report, "report/host[@id='2']/date", "second");
	expect(report, "report/host/props/tag[@name='HOST_END']/@kind", "b");
	/* "*" is one element, "**" any number of levels including none. */
	expect(report, "report/*/tag[@name='HOST_END']", "not here");
	expect(report, "report/*/*/tag[@name='HOST_END']", "Wed Mar 23 15:07:52 2022");
	expect(report, "**/tag[@name='HOST_END']", "not here");
	expect(report, "report/host/**/tag[@name='HOST_END']", "Wed Mar 23 15:07:52 2022");
	expect(report, "report/**/props/**/tag", "Wed Mar 23 15:00:00 2022");
	expect(report, "**/date", "2022-01-15T10:00:00Z");
	expect(report, "**/**/date", "2022-01-15T10:00:00Z");
	expect(report, "**/@id", "1");
	expect(report, "**", "");
	expect(report, "*", "");
	expect(report, "*/@start", "1396104416");
	expect(report, "**/report/@kind", "x");
	expect(report, "report/**/@kind", "x");
	expect(report, "**/nothing", NULL);
	/* A leading '/' is allowed. */
	expect(report, "/report/host/@id", "1");
}

static void
test_bad_paths(void **state)
{
	static const char *const bad[] = {
		"", "/", "a//b", "a/", "a/@b/c", "a/@", "a/b[", "a/b[@x]", "a/b[@x='y'",
		"a/b[@x=y]", "a/b[x='y']", "a/**[@x='y']", "a*", "a/b[@='y']",
		"a[@a='1'][@b='2'][@c='3'][@d='4'][@e='5']",
		"@a",
	};
	char out[16], err[64];
	size_t i;
	int fd = temp_str("<a/>");

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = xmlscan_find(fd, bad[i], out, sizeof(out), err, sizeof(err));

		if (r != -1)
			print_error("path \"%s\" accepted\n", bad[i]);
		assert_int_equal(r, -1);
		assert_string_equal(err, "bad path");
	}
	assert_int_equal(xmlscan_find(fd, NULL, out, sizeof(out), err, sizeof(err)), -1);
	assert_int_equal(xmlscan_find(fd, "a", out, 0, err, sizeof(err)), -1);
	/* err may be omitted. */
	assert_int_equal(xmlscan_find(fd, "a", out, sizeof(out), NULL, 0), 0);
	close(fd);
}

static void
test_truncation(void **state)
{
	char out[6], err[64];
	int fd = temp_str("<r a=\"abcdefgh\"><u>ab\xc3\xa9\xc3\xa9</u><s>  xy  </s></r>");

	(void)state;
	assert_int_equal(xmlscan_find(fd, "r/@a", out, sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, "abcde");
	/* Never half a character. */
	assert_int_equal(xmlscan_find(fd, "r/u", out, sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, "ab\xc3\xa9");
	assert_int_equal(xmlscan_find(fd, "r/s", out, sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, "xy");
	assert_int_equal(xmlscan_find(fd, "r/s", out, 1, err, sizeof(err)), 0);
	assert_string_equal(out, "");
	close(fd);
}

static void
test_first_match_stops_early(void **state)
{
	char doc[16384];
	size_t len;

	(void)state;
	/*
	 * The broken part comes after the match and is never read.  (libxml2's
	 * reader parses 512 bytes at a time and gives up on a whole chunk
	 * with an error in it, hence the filler.)
	 */
	len = (size_t)snprintf(doc, sizeof(doc), "<r><a>one</a><a>two</a>\n");
	while (len < 8192)
		len += (size_t)snprintf(doc + len, sizeof(doc) - len, "<f/>\n");
	snprintf(doc + len, sizeof(doc) - len, "<broken></r>");
	expect(doc, "r/a", "one");
	expect_error(doc, "r/b", "line 1636: Opening and ending tag mismatch: broken line 1636 and r");
	/* A root of another name ends the search at once, whatever follows. */
	len = (size_t)snprintf(doc, sizeof(doc), "<other>\n");
	while (len < 8192)
		len += (size_t)snprintf(doc + len, sizeof(doc) - len, "<f/>\n");
	snprintf(doc + len, sizeof(doc) - len, "<x></y></other>");
	expect(doc, "r/a", NULL);
}

static void
test_parse_errors(void **state)
{
	char err[256];
	xmlTextReaderPtr r;
	int fd;

	(void)state;
	expect_error("<r>\n<a>x</b>\n</r>", "r/c", "line 2: Opening and ending tag mismatch: a line 2 and b");
	expect_error("<r>\n<a>\xff</a></r>", "r/c", "line 2: ");
	expect_error("not xml", "r", "line 1: Document is empty");
	expect_error("<?xml version=\"1.0\"?>\nnot xml", "r", "line 2: Document is empty");
	expect_error("", "r", "line 1: ");
	expect_error("<r><a>x", "r/b", "line 1: ");
	/* The same error through the reader API. */
	fd = temp_str("<r>\n\n<a></r>");
	r = xmlscan_open(fd, "broken.xml");
	assert_non_null(r);
	assert_int_equal(xmlscan_error(r, err, sizeof(err)), -1);
	assert_string_equal(err, "");
	while (xmlTextReaderRead(r) == 1)
		;
	assert_int_equal(xmlscan_error(r, err, sizeof(err)), 0);
	assert_string_equal(err, "line 3: Opening and ending tag mismatch: a line 3 and r");
	xmlFreeTextReader(r);
	close(fd);
	assert_int_equal(xmlscan_error(NULL, err, sizeof(err)), -1);
}

static void
test_xxe_is_never_expanded(void **state)
{
	static const char *const docs[] = {
		"<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>",
		"<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r><a>&x;</a></r>",
		"<!DOCTYPE r [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]><r>x</r>",
		"<!DOCTYPE r SYSTEM \"file:///etc/passwd\"><r>x</r>",
		"<!DOCTYPE r [<!ENTITY x SYSTEM \"http://127.0.0.1:9/x\">]><r>&x;</r>",
		"<r xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"/etc/passwd\" parse=\"text\"/></r>",
	};
	static const char *const paths[] = { "r", "**/a", "**", "r/**" };
	char out[4096], err[256];
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		int fd = temp_str(docs[i]);

		for (j = 0; j < sizeof(paths) / sizeof(paths[0]); j++) {
			xmlscan_find(fd, paths[j], out, sizeof(out), err, sizeof(err));
			assert_null(strstr(out, "root:"));
			assert_null(strstr(out, "/bin/"));
			assert_null(strstr(err, "root:"));
		}
		close(fd);
	}
	/* Also through an attribute: libxml2 refuses it outright. */
	expect_error("<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r a=\"&x;\">t</r>",
	    "r/@a", "line 1: Attribute references external entity 'x'");
	/* An internal entity is not expanded either: its text is never seen. */
	expect("<!DOCTYPE r [<!ENTITY x \"secret\">]><r>a&x;b</r>", "r", "ab");
}

static void
test_billion_laughs(void **state)
{
	char doc[4096], out[64], err[256];
	size_t len;
	struct timespec t0, t1;
	int i, fd;

	(void)state;
	len = (size_t)snprintf(doc, sizeof(doc),
	    "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
	for (i = 1; i <= 9; i++) {
		int k;

		len += (size_t)snprintf(doc + len, sizeof(doc) - len, "<!ENTITY lol%d \"", i);
		for (k = 0; k < 10; k++)
			len += (size_t)snprintf(doc + len, sizeof(doc) - len,
			    i == 1 ? "&lol;" : "&lol%d;", i - 1);
		len += (size_t)snprintf(doc + len, sizeof(doc) - len, "\">\n");
	}
	len += (size_t)snprintf(doc + len, sizeof(doc) - len,
	    "]>\n<lolz><a>&lol9;</a><b>after</b></lolz>\n");
	assert_true(len < sizeof(doc) - 1);
	fd = temp_fd(doc, len);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(xmlscan_find(fd, "lolz/b", out, sizeof(out), err, sizeof(err)), -1);
	assert_int_equal(xmlscan_find(fd, "lolz/a", out, sizeof(out), err, sizeof(err)), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(strstr(err, "entity") != NULL);
	assert_true(t1.tv_sec - t0.tv_sec < 2);
	close(fd);
}

static void
test_compressed_input_is_not_inflated(void **state)
{
	/* gzip -c of "<r><a>secret</a></r>\n" */
	static const unsigned char gz[] = {
		0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xff, 0xb3, 0x29,
		0xb2, 0xb3, 0x49, 0xb4, 0x2b, 0x4e, 0x4d, 0x2e, 0x4a, 0x2d, 0xb1, 0xd1,
		0x4f, 0xb4, 0xb3, 0xd1, 0x2f, 0xb2, 0xe3, 0x02, 0x00, 0x99, 0x1a, 0x60,
		0x6f, 0x15, 0x00, 0x00, 0x00,
	};

	char out[64], err[256];
	int fd = temp_fd(gz, sizeof(gz));

	(void)state;
	assert_int_equal(xmlscan_find(fd, "r/a", out, sizeof(out), err, sizeof(err)), -1);
	assert_string_equal(out, "");
	assert_true(strncmp(err, "line 1: ", 8) == 0);
	close(fd);
}

static void
test_depth_limit(void **state)
{
	size_t n = 100000, i, len = 0;
	char *doc = malloc(3 * n + 16);
	char out[16], err[256];
	int fd;

	(void)state;
	assert_non_null(doc);
	for (i = 0; i < n; i++) {
		memcpy(doc + len, "<a>", 3);	/* NOLINT(bugprone-not-null-terminated-result): bytes, no string */
		len += 3;
	}
	fd = temp_fd(doc, len);
	assert_int_equal(xmlscan_find(fd, "**/b", out, sizeof(out), err, sizeof(err)), -1);
	assert_true(strstr(err, "Excessive depth") != NULL);
	close(fd);
	free(doc);
}

static void
test_bom_encoding_and_offset(void **state)
{
	char out[64], err[256];
	int fd;

	(void)state;
	expect("\xef\xbb\xbf<?xml version=\"1.0\"?><r a=\"1\"/>", "r/@a", "1");
	/* A declared encoding is converted to UTF-8. */
	expect("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r>caf\xe9</r>", "r", "caf\xc3\xa9");
	/* The fd's offset does not matter and does not move. */
	fd = temp_str("<r><a>x</a></r>");
	assert_int_equal(lseek(fd, 3, SEEK_SET), 3);
	assert_int_equal(xmlscan_find(fd, "r/a", out, sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, "x");
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 3);
	close(fd);
	/* A closed fd is a read error, not a crash. */
	assert_int_equal(xmlscan_find(fd, "r/a", out, sizeof(out), err, sizeof(err)), -1);
	assert_true(strstr(err, "read error") != NULL || strstr(err, "empty") != NULL);
}

static void
test_open_limit(void **state)
{
	char *doc = malloc(200000);
	size_t len = 0;
	xmlTextReaderPtr r;
	int fd, ret, elements = 0;

	(void)state;
	assert_non_null(doc);
	len += (size_t)snprintf(doc, 64, "<r>");
	while (len < 190000) {
		memcpy(doc + len, "<a>xxxxxxxxxx</a>", 17);	/* NOLINT(bugprone-not-null-terminated-result): bytes, no string */
		len += 17;
	}
	len += (size_t)snprintf(doc + len, 64, "</r>");
	fd = temp_fd(doc, len);
	r = xmlscan_open_limit(fd, "big.xml", 4096);
	assert_non_null(r);
	while ((ret = xmlTextReaderRead(r)) == 1)
		if (xmlTextReaderNodeType(r) == XML_READER_TYPE_ELEMENT)
			elements++;
	/* Parsing stopped near the limit, as at an early end of input. */
	assert_int_equal(ret, -1);
	assert_true(elements > 100 && elements < 4096 / 17 + 2);
	xmlFreeTextReader(r);
	r = xmlscan_open(fd, "big.xml");
	assert_non_null(r);
	elements = 0;
	while ((ret = xmlTextReaderRead(r)) == 1)
		if (xmlTextReaderNodeType(r) == XML_READER_TYPE_ELEMENT)
			elements++;
	assert_int_equal(ret, 0);
	assert_int_equal(elements, 1 + (190000 - 3 + 16) / 17);
	xmlFreeTextReader(r);
	close(fd);
	free(doc);
}

static void
test_real_reports(void **state)
{
	static const struct {
		const char *file, *path, *want;
	} cases[] = {
		{ "tests/data/scans/nmap/nmap_1port.xml", "nmaprun/@start", "1396104416" },
		{ "tests/data/scans/nmap/nmap_1port.xml", "nmaprun/host/address/@addr", "127.0.0.1" },
		{ "tests/data/scans/tenable/nessus/nessus_with_cwe-.nessus",
		    "NessusClientData_v2/Report/ReportHost/HostProperties/tag[@name='HOST_END']",
		    "Wed Mar 23 15:07:52 2022" },
		{ "tests/data/scans/tenable/nessus/nessus_with_cwe-.nessus",
		    "**/tag[@name='HOST_END']", "Wed Mar 23 15:07:52 2022" },
		{ "tests/data/scans/zap/5_zap_sample_one.xml", "OWASPZAPReport/@generated",
		    "Tue, 12 May 2020 20:57:30" },
		{ "tests/data/scans/dependency_check/single_vuln.xml", "analysis/projectInfo/reportDate",
		    "2016-11-05T14:52:15.748-0400" },
		{ "tests/data/scans/dependency_check/version-6.5.3.xml", "analysis/projectInfo/reportDate",
		    "2022-01-15T14:31:13.042600508Z" },
		{ "tests/data/scans/burp/seven_findings.xml", "issues/@exportTime",
		    "Sat Sep 13 22:35:04 CEST 2014" },
	};
	char out[128], err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int fd = open(cases[i].file, O_RDONLY), r;

		if (fd < 0)
			print_error("%s: run from the repository root\n", cases[i].file);
		assert_true(fd >= 0);
		r = xmlscan_find(fd, cases[i].path, out, sizeof(out), err, sizeof(err));
		if (r != 0)
			print_error("%s %s: %s\n", cases[i].file, cases[i].path, err);
		assert_int_equal(r, 0);
		assert_string_equal(out, cases[i].want);
		close(fd);
	}
}

static int
setup(void **state)
{
	(void)state;
	xmlscan_init();
	return 0;
}

/* Bytes libxml2 lets through in CDATA that are not UTF-8 reach plugins as U+FFFD. */
static void
test_cdata_invalid_utf8(void **state)
{
	(void)state;
	expect("<s><t><![CDATA[\xc1\xbb]]></t></s>", "/s/t", "\xEF\xBF\xBD\xEF\xBF\xBD");
	expect("<s><t><![CDATA[caf\xc3\xa9]]></t></s>", "/s/t", "caf\xc3\xa9");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_forms),
		cmocka_unit_test(test_bad_paths),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_first_match_stops_early),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_xxe_is_never_expanded),
		cmocka_unit_test(test_billion_laughs),
		cmocka_unit_test(test_compressed_input_is_not_inflated),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_bom_encoding_and_offset),
		cmocka_unit_test(test_open_limit),
		cmocka_unit_test(test_real_reports),
		cmocka_unit_test(test_cdata_invalid_utf8),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
