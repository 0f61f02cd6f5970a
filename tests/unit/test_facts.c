/*
 * test_facts.c — the kind every sort of file gets, the structural facts for
 * each kind, the bounds on what is read and kept, and real reports.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

#include "facts.h"
#include "xmlscan.h"

/* Every list is non-NULL and NULL-terminated, whatever the kind. */
static void
check_lists(const struct dojobridge_facts *p)
{
	assert_int_equal(p->struct_size, sizeof(struct dojobridge_facts));
	assert_non_null(p->name);
	assert_non_null(p->xml_root);
	assert_non_null(p->xml_ns);
	assert_non_null(p->xml_root_attrs);
	assert_non_null(p->xml_children);
	assert_non_null(p->json_keys);
	assert_non_null(p->json_elem_keys);
	assert_non_null(p->json_scalars);
	assert_non_null(p->csv_header);
	assert_true(p->head_len <= FACTS_WINDOW);
	assert_true(p->tail_len <= FACTS_WINDOW);
}

/* Read facts of data under name; the caller releases f. */
static void
read_data(struct facts *f, const void *data, size_t len, const char *name)
{
	char err[256];
	int fd = temp_fd(data, len), r;

	r = facts_read(f, fd, name, err, sizeof(err));
	if (r != 0)
		print_error("facts_read: %s\n", err);
	assert_int_equal(r, 0);
	close(fd);
	check_lists(&f->pub);
	assert_string_equal(f->pub.name, name);
	assert_int_equal(f->pub.size, len);
}

/* For a string literal, whose length the compiler knows. */
#define READ_LITERAL(f, lit, name) read_data(f, lit, sizeof(lit) - 1, name)

static enum dojobridge_kind
kind_of(const char *s)
{
	struct facts f;
	enum dojobridge_kind k;

	read_data(&f, s, strlen(s), "x");
	k = f.pub.kind;
	facts_release(&f);
	return k;
}

/* Join a list with '|' for comparison. */
static const char *
join(const char *const *l)
{
	static char buf[8192];
	size_t len = 0;

	buf[0] = '\0';
	for (; *l != NULL; l++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
		    len > 0 ? "|" : "", *l);
	return buf;
}

static size_t
count(const char *const *l)
{
	size_t n = 0;

	while (l[n] != NULL)
		n++;
	return n;
}

static void
test_empty(void **state)
{
	static const char *const empties[] = {
		"", " ", "\n\n\t \r\n", "\xef\xbb\xbf", "\xef\xbb\xbf \n", "[]", "{}", "null",
		" [ ] \n", "{\n}\n", "\xef\xbb\xbf[]", "\nnull\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(empties) / sizeof(empties[0]); i++) {
		if (kind_of(empties[i]) != DOJOBRIDGE_KIND_EMPTY)
			print_error("\"%s\" is not EMPTY\n", empties[i]);
		assert_int_equal(kind_of(empties[i]), DOJOBRIDGE_KIND_EMPTY);
	}
	/* Close, but content. */
	assert_int_equal(kind_of("[0]"), DOJOBRIDGE_KIND_JSON);
	assert_int_equal(kind_of("{\"a\":1}"), DOJOBRIDGE_KIND_JSON);
	assert_int_equal(kind_of("nul"), DOJOBRIDGE_KIND_TEXT);
	assert_int_equal(kind_of("[][]"), DOJOBRIDGE_KIND_JSONL);
}

static void
test_head_and_tail(void **state)
{
	struct facts f;
	size_t len = 3 * FACTS_WINDOW + 17, i;
	unsigned char *data = malloc(len);

	(void)state;
	assert_non_null(data);
	for (i = 0; i < len; i++)
		data[i] = (unsigned char)('a' + i % 26);
	/* Small: one buffer. */
	read_data(&f, data, 100, "small.txt");
	assert_ptr_equal(f.pub.head, f.pub.tail);
	assert_int_equal(f.pub.head_len, 100);
	assert_int_equal(f.pub.tail_len, 100);
	assert_memory_equal(f.pub.head, data, 100);
	assert_int_equal(f.pub.kind, DOJOBRIDGE_KIND_TEXT);
	facts_release(&f);
	/* Big: two windows. */
	read_data(&f, data, len, "big.txt");
	assert_true(f.pub.head != f.pub.tail);
	assert_int_equal(f.pub.head_len, FACTS_WINDOW);
	assert_int_equal(f.pub.tail_len, FACTS_WINDOW);
	assert_memory_equal(f.pub.head, data, FACTS_WINDOW);
	assert_memory_equal(f.pub.tail, data + len - FACTS_WINDOW, FACTS_WINDOW);
	facts_release(&f);
	/* In between: the windows overlap. */
	read_data(&f, data, FACTS_WINDOW + 10, "mid.txt");
	assert_int_equal(f.pub.tail_len, FACTS_WINDOW);
	assert_memory_equal(f.pub.tail, data + 10, FACTS_WINDOW);
	facts_release(&f);
	free(data);
}

static void
test_zip_binary_text(void **state)
{
	/* gzip -c of "<r><a>secret</a></r>\n", named as if it were XML. */
	static const unsigned char gz[] = {
		0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xff, 0xb3, 0x29,
		0xb2, 0xb3, 0x49, 0xb4, 0x2b, 0x4e, 0x4d, 0x2e, 0x4a, 0x2d, 0xb1, 0xd1,
		0x4f, 0xb4, 0xb3, 0xd1, 0x2f, 0xb2, 0xe3, 0x02, 0x00, 0x99, 0x1a, 0x60,
		0x6f, 0x15, 0x00, 0x00, 0x00,
	};
	static const unsigned char zip[] = "PK\3\4\24\0\0\0\10\0rest of a zip";
	static const char latin1[] =
	    "Nom;Pr\xe9nom;Ville\nJos\xe9;Andr\xe9;Orl\xe9" "ans\nplain text with one \xe9 in it\n";
	unsigned char noise[4096];
	struct facts f;
	size_t i;

	(void)state;
	read_data(&f, gz, sizeof(gz), "report.xml");
	assert_int_equal(f.pub.kind, DOJOBRIDGE_KIND_BINARY);
	assert_string_equal(f.pub.xml_root, "");
	facts_release(&f);
	read_data(&f, zip, sizeof(zip) - 1, "report.xml");
	assert_int_equal(f.pub.kind, DOJOBRIDGE_KIND_ZIP);
	facts_release(&f);
	for (i = 0; i < sizeof(noise); i++)
		noise[i] = (unsigned char)((i * 2654435761u) >> 13);
	read_data(&f, noise, sizeof(noise), "noise");
	assert_int_equal(f.pub.kind, DOJOBRIDGE_KIND_BINARY);
	facts_release(&f);
	/* A few Latin-1 bytes do not make text binary. */
	read_data(&f, latin1, sizeof(latin1) - 1, "latin1.csv");
	assert_int_equal(f.pub.kind, DOJOBRIDGE_KIND_CSV);
	assert_string_equal(join(f.pub.csv_header), "Nom|Pr\xe9nom|Ville");
	facts_release(&f);
	assert_int_equal(kind_of("Name: actionpack\nVersion: 3.2.10\n"), DOJOBRIDGE_KIND_TEXT);
	assert_int_equal(kind_of("scoutsuite_results = {\"a\": 1}"), DOJOBRIDGE_KIND_TEXT);
	assert_int_equal(kind_of("[INFO] starting\n"), DOJOBRIDGE_KIND_TEXT);
	assert_int_equal(kind_of("{not json at all\n"), DOJOBRIDGE_KIND_TEXT);
}

static void
test_xml(void **state)
{
	static const char doc[] =
	    "\xef\xbb\xbf<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
	    "<p:report xmlns:p=\"urn:p\" version=\"2.9.0\" generated=\"Tue, 12 May 2020\""
	    " ns=\"https&#x3a;&#x2f;&#x2f;example.org\">\n"
	    "  <site name=\"a\"><alerts><alertitem/></alerts></site>\n"
	    "  <!-- comment -->\n"
	    "  <p:site/>\n"
	    "  text\n"
	    "  <statistics>&x;</statistics>\n"
	    "</p:report>\n";
	struct facts f;

	(void)state;
	read_data(&f, doc, sizeof(doc) - 1, "zap.xml");
	assert_int_equal(f.pub.kind, DOJOBRIDGE_KIND_XML);
	assert_string_equal(f.pub.xml_root, "report");
	assert_string_equal(f.pub.xml_ns, "urn:p");
	assert_string_equal(join(f.pub.xml_root_attrs),
	    "xmlns:p|urn:p|version|2.9.0|generated|Tue, 12 May 2020|ns|https://example.org");
	assert_string_equal(join(f.pub.xml_children), "site|site|statistics");
	assert_int_equal(f.pub.json_top, 0);
	assert_int_equal(count(f.pub.json_keys), 0);
	facts_release(&f);
}

static void
test_xml_bounds(void **state)
{
	size_t cap = 3 * 1024 * 1024, len = 0;
	char *doc = malloc(cap);
	struct facts f;
	int i;

	(void)state;
	assert_non_null(doc);
	/* 40 children: the first 32 are kept. */
	len = (size_t)snprintf(doc, cap, "<r>");
	for (i = 0; i < 40; i++)
		len += (size_t)snprintf(doc + len, cap - len, "<c%d a=\"1\"><x>y</x></c%d>", i, i);
	len += (size_t)snprintf(doc + len, cap - len, "</r>");
	read_data(&f, doc, len, "many.xml");
	assert_int_equal(count(f.pub.xml_children), FACTS_MAX_CHILDREN);
	assert_string_equal(f.pub.xml_children[31], "c31");
	facts_release(&f);
	/* A first child of 2 MB: parsing stops at the limit, the root stays XML. */
	len = (size_t)snprintf(doc, cap, "<r a=\"1\"><big>");
	while (len < 2 * 1024 * 1024)
		len += (size_t)snprintf(doc + len, cap - len, "<i>some text</i>\n");
	len += (size_t)snprintf(doc + len, cap - len, "</big><late/></r>");
	read_data(&f, doc, len, "big.xml");
	assert_int_equal(f.pub.kind, DOJOBRIDGE_KIND_XML);
	assert_string_equal(f.pub.xml_root, "r");
	assert_string_equal(join(f.pub.xml_children), "big");
	facts_release(&f);
	/* Many and long root attributes are capped. */
	len = (size_t)snprintf(doc, cap, "<r long=\"");
	memset(doc + len, 'v', 5000);
	len += 5000;
	len += (size_t)snprintf(doc + len, cap - len, "\"");
	for (i = 0; i < 100; i++)
		len += (size_t)snprintf(doc + len, cap - len, " a%d=\"%d\"", i, i);
	len += (size_t)snprintf(doc + len, cap - len, "/>");
	read_data(&f, doc, len, "attrs.xml");
	assert_int_equal(count(f.pub.xml_root_attrs), 2 * FACTS_MAX_ATTRS);
	assert_int_equal(strlen(f.pub.xml_root_attrs[1]), FACTS_MAX_VALUE);
	facts_release(&f);
	free(doc);
}

static void
test_xml_broken(void **state)
{
	struct facts f;

	(void)state;
	/* Broken before the root element: text. */
	assert_int_equal(kind_of("<?xml version=\"1.0\"?><!-- -- --><r/>"), DOJOBRIDGE_KIND_TEXT);
	assert_int_equal(kind_of("<r a=\"1\" a=\"2\"/>"), DOJOBRIDGE_KIND_TEXT);
	assert_int_equal(kind_of("< not a tag"), DOJOBRIDGE_KIND_TEXT);
	assert_int_equal(kind_of("<r a=\"&undefined;\">"), DOJOBRIDGE_KIND_TEXT);
	/* Broken or cut after it: still XML, with what was read. */
	READ_LITERAL(&f, "<r xmlns=\"urn:x\" a=\"1\"><b>x</b><c/><d>", "cut.xml");
	assert_int_equal(f.pub.kind, DOJOBRIDGE_KIND_XML);
	assert_string_equal(f.pub.xml_root, "r");
	assert_string_equal(f.pub.xml_ns, "urn:x");
	assert_string_equal(join(f.pub.xml_root_attrs), "xmlns|urn:x|a|1");
	assert_string_equal(join(f.pub.xml_children), "b|c|d");
	facts_release(&f);
	READ_LITERAL(&f, "<r><a>x</b></r>", "mismatch.xml");
	assert_int_equal(f.pub.kind, DOJOBRIDGE_KIND_XML);
	assert_string_equal(join(f.pub.xml_children), "a");
	facts_release(&f);
}

static void
test_html(void **state)
{
	static const char doctype[] =
	    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Burp</title></head>"
	    "<body><br></body></html>";
	static const char lower[] = "\n<!doctype html>\n<html><body><p>SonarQube</body></html>";
	static const char xhtml[] =
	    "<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\"><head/><body/></html>";
	static const char nodoctype[] = "<html>\n<body><table><tr><td>x</td></tr></table></body></html>";
	struct facts f;

	(void)state;
	read_data(&f, doctype, sizeof(doctype) - 1, "a.html");
	assert_int_equal(f.pub.kind, DOJOBRIDGE_KIND_HTML);
	assert_string_equal(f.pub.xml_root, "html");
	facts_release(&f);
	assert_int_equal(kind_of(lower), DOJOBRIDGE_KIND_HTML);
	assert_int_equal(kind_of(xhtml), DOJOBRIDGE_KIND_HTML);
	assert_int_equal(kind_of(nodoctype), DOJOBRIDGE_KIND_HTML);
	assert_int_equal(kind_of("<HTML><BODY>unclosed <p> tags"), DOJOBRIDGE_KIND_HTML);
}

static void
test_json(void **state)
{
	static const char obj[] =
	    "\xef\xbb\xbf{\"version\": \"15.0.4\", \"schema\": \"https://x\", \"n\": 3, \"ok\": true,"
	    " \"nil\": null, \"vulnerabilities\": [], \"version\": \"dup\", \"scan\": {\"type\": \"sast\"}}";
	static const char arr[] =
	    "[{\"Target\": \"a\", \"Type\": \"npm\", \"Vulnerabilities\": null}, {\"Other\": 1}]";
	static const char lines[] = "{\"type\": \"warning\", \"data\": \"x\"}\n{\"type\": \"error\"}\n";
	struct facts f;

	(void)state;
	read_data(&f, obj, sizeof(obj) - 1, "gl.json");
	assert_int_equal(f.pub.kind, DOJOBRIDGE_KIND_JSON);
	assert_int_equal(f.pub.json_top, '{');
	assert_string_equal(join(f.pub.json_keys), "version|schema|n|ok|nil|vulnerabilities|scan");
	assert_string_equal(join(f.pub.json_scalars), "version|15.0.4|schema|https://x|n|3|ok|true");
	assert_int_equal(count(f.pub.json_elem_keys), 0);
	assert_string_equal(f.pub.xml_root, "");
	facts_release(&f);

	read_data(&f, arr, sizeof(arr) - 1, "trivy.json");
	assert_int_equal(f.pub.kind, DOJOBRIDGE_KIND_JSON);
	assert_int_equal(f.pub.json_top, '[');
	assert_string_equal(join(f.pub.json_elem_keys), "Target|Type|Vulnerabilities");
	assert_int_equal(count(f.pub.json_keys), 0);
	facts_release(&f);

	read_data(&f, lines, sizeof(lines) - 1, "yarn.json");
	assert_int_equal(f.pub.kind, DOJOBRIDGE_KIND_JSONL);
	assert_int_equal(f.pub.json_top, '{');
	assert_string_equal(join(f.pub.json_keys), "type|data");
	facts_release(&f);
}

static void
test_json_tail_keys(void **state)
{
	size_t cap = 400 * 1024, len;
	char *doc = malloc(cap);
	struct facts f;
	int i = 0;

	(void)state;
	assert_non_null(doc);
	/* A Grype report whose last keys lie far beyond the head. */
	len = (size_t)snprintf(doc, cap, "{\"matches\": [");
	while (len < 300 * 1024) {
		len += (size_t)snprintf(doc + len, cap - len,
		    "%s{\"vulnerability\": {\"id\": \"CVE-%d\", \"text\": \"a \\\"quoted\\\" } ]\"}}",
		    i == 0 ? "" : ", ", i);
		i++;
	}
	len += (size_t)snprintf(doc + len, cap - len,
	    "], \"source\": {\"type\": \"image\"}, \"matches\": 1, \"schema\": \"v1\","
	    " \"descriptor\": {\"name\": \"grype\", \"timestamp\": \"2023-01-01T00:00:00Z\"}}\n");
	read_data(&f, doc, len, "grype.json");
	assert_int_equal(f.pub.kind, DOJOBRIDGE_KIND_JSON);
	/* Head and tail, deduplicated. */
	assert_string_equal(join(f.pub.json_keys), "matches|source|schema|descriptor");
	assert_string_equal(join(f.pub.json_scalars), "matches|1|schema|v1");
	facts_release(&f);
	free(doc);
}

static void
test_json_caps(void **state)
{
	size_t cap = 200 * 1024, len;
	char *doc = malloc(cap);
	struct facts f;
	int i;

	(void)state;
	assert_non_null(doc);
	len = (size_t)snprintf(doc, cap, "{\"");
	memset(doc + len, 'k', 300);
	len += 300;
	len += (size_t)snprintf(doc + len, cap - len, "\": 1, \"long\": \"");
	memset(doc + len, 'v', 2000);
	len += 2000;
	len += (size_t)snprintf(doc + len, cap - len, "\"");
	for (i = 0; i < 1000; i++)
		len += (size_t)snprintf(doc + len, cap - len, ", \"k%d\": %d", i, i);
	len += (size_t)snprintf(doc + len, cap - len, "}");
	read_data(&f, doc, len, "keys.json");
	assert_int_equal(f.pub.kind, DOJOBRIDGE_KIND_JSON);
	assert_int_equal(count(f.pub.json_keys), FACTS_MAX_KEYS);
	assert_string_equal(f.pub.json_keys[0], "long");
	assert_string_equal(f.pub.json_scalars[0], "k0");
	assert_int_equal(count(f.pub.json_scalars), 2 * FACTS_MAX_KEYS);
	facts_release(&f);
	free(doc);
}

static void
test_csv(void **state)
{
	struct facts f;

	(void)state;
	READ_LITERAL(&f, "\xef\xbb\xbfPlugin,Plugin Name,\"Severity, text\",\"say \"\"hi\"\"\", CVE \r\n"
	    "1,2,3,4,5\r\n", "n.csv");
	assert_int_equal(f.pub.kind, DOJOBRIDGE_KIND_CSV);
	assert_int_equal(f.pub.csv_delim, ',');
	assert_string_equal(join(f.pub.csv_header), "Plugin|Plugin Name|Severity, text|say \"hi\"|CVE");
	facts_release(&f);
	READ_LITERAL(&f, "a;b;c,d;e\n1;2;3;4\n", "semi.csv");
	assert_int_equal(f.pub.csv_delim, ';');
	assert_string_equal(join(f.pub.csv_header), "a|b|c,d|e");
	facts_release(&f);
	READ_LITERAL(&f, "a\tb\tc\n", "t.tsv");
	assert_int_equal(f.pub.csv_delim, '\t');
	assert_string_equal(join(f.pub.csv_header), "a|b|c");
	facts_release(&f);
	/* A quoted header cell may hold a newline. */
	READ_LITERAL(&f, "\"multi\nline\",b\n1,2\n", "q.csv");
	assert_string_equal(join(f.pub.csv_header), "multi\nline|b");
	facts_release(&f);
	/* An empty cell is a cell. */
	READ_LITERAL(&f, "a,,c\n", "e.csv");
	assert_int_equal(count(f.pub.csv_header), 3);
	facts_release(&f);
	assert_int_equal(kind_of("single column\n1\n2\n"), DOJOBRIDGE_KIND_TEXT);
}

static void
test_io_failure(void **state)
{
	struct facts f;
	char err[256];
	int fd;

	(void)state;
	assert_int_equal(facts_read(&f, -1, "x", err, sizeof(err)), -1);
	assert_true(strncmp(err, "fstat: ", 7) == 0);
	fd = open(".", O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(facts_read(&f, fd, "dir", err, sizeof(err)), -1);
	assert_true(strncmp(err, "read: ", 6) == 0);
	close(fd);
}

static void
test_real_reports(void **state)
{
	static const struct {
		const char *file;
		enum dojobridge_kind kind;
		const char *what;	/* root, first JSON key or element key, or first header cell */
	} cases[] = {
		{ "tests/data/scans/nmap/nmap_1port.xml", DOJOBRIDGE_KIND_XML, "nmaprun" },
		{ "tests/data/scans/zap/5_zap_sample_one.xml", DOJOBRIDGE_KIND_XML, "OWASPZAPReport" },
		{ "tests/data/scans/tenable/nessus/nessus_with_cwe-.nessus", DOJOBRIDGE_KIND_XML,
		    "NessusClientData_v2" },
		{ "tests/data/scans/dependency_check/single_vuln.xml", DOJOBRIDGE_KIND_XML, "analysis" },
		{ "tests/data/scans/burp/seven_findings.xml", DOJOBRIDGE_KIND_XML, "issues" },
		{ "tests/data/scans/gitleaks/gitleaks8_many.json", DOJOBRIDGE_KIND_JSON, "Description" },
		{ "tests/data/scans/gitleaks/no_findings.json", DOJOBRIDGE_KIND_EMPTY, NULL },
		{ "tests/data/scans/sarif/flawfinder.sarif", DOJOBRIDGE_KIND_JSON, "$schema" },
		{ "tests/data/scans/anchore_grype/check_all_fields.json", DOJOBRIDGE_KIND_JSON, "matches" },
		{ "tests/data/scans/trivy/scheme_2_many_vulns.json", DOJOBRIDGE_KIND_JSON, "SchemaVersion" },
		{ "tests/data/scans/tenable/nessus/nessus_many_vuln.csv", DOJOBRIDGE_KIND_CSV, "Plugin" },
	};
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct facts f;
		const char *what = NULL;
		int fd = open(cases[i].file, O_RDONLY);

		if (fd < 0)
			print_error("%s: run from the repository root\n", cases[i].file);
		assert_true(fd >= 0);
		assert_int_equal(facts_read(&f, fd, "report", err, sizeof(err)), 0);
		check_lists(&f.pub);
		if (f.pub.kind != cases[i].kind)
			print_error("%s: kind %d\n", cases[i].file, (int)f.pub.kind);
		assert_int_equal(f.pub.kind, cases[i].kind);
		switch (f.pub.kind) {
		case DOJOBRIDGE_KIND_XML:
			what = f.pub.xml_root;
			break;
		case DOJOBRIDGE_KIND_JSON:
			what = f.pub.json_top == '{' ? f.pub.json_keys[0] : f.pub.json_elem_keys[0];
			break;
		case DOJOBRIDGE_KIND_CSV:
			what = f.pub.csv_header[0];
			break;
		default:
			break;
		}
		if (cases[i].what != NULL)
			assert_string_equal(what, cases[i].what);
		facts_release(&f);
		close(fd);
	}
}

static void
test_real_details(void **state)
{
	struct facts f;
	char err[256];
	int fd;

	(void)state;
	fd = open("tests/data/scans/nmap/nmap_1port.xml", O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(facts_read(&f, fd, "nmap_1port.xml", err, sizeof(err)), 0);
	assert_string_equal(f.pub.xml_root_attrs[0], "scanner");
	assert_string_equal(f.pub.xml_root_attrs[1], "nmap");
	assert_string_equal(join(f.pub.xml_children), "scaninfo|verbose|debugging|host|runstats");
	facts_release(&f);
	close(fd);
	fd = open("tests/data/scans/anchore_grype/check_all_fields.json", O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(facts_read(&f, fd, "grype.json", err, sizeof(err)), 0);
	assert_string_equal(join(f.pub.json_keys), "matches|source|distro|descriptor");
	facts_release(&f);
	close(fd);
}

static int
setup(void **state)
{
	(void)state;
	xmlscan_init();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_head_and_tail),
		cmocka_unit_test(test_zip_binary_text),
		cmocka_unit_test(test_xml),
		cmocka_unit_test(test_xml_bounds),
		cmocka_unit_test(test_xml_broken),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_tail_keys),
		cmocka_unit_test(test_json_caps),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_io_failure),
		cmocka_unit_test(test_real_reports),
		cmocka_unit_test(test_real_details),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
