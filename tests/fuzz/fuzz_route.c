/*
 * fuzz_route.c — the decisions of core/route.h that read names from the
 * drop folder (hostile: whoever can write there chooses them) and strings
 * from a report: route_check_layout(), route_names(), route_test_title(),
 * route_scan_date(), route_upload_name() and route_build_form().
 *
 * The input is up to six lines: the layout, the report's path relative to
 * the drop root, a test_title template ("" for auto), the report's target,
 * its tool, and its scan date (as a plugin would hand it to the host).  A layout that route_check_layout() refuses
 * stops there, as it stops the configuration from loading.
 *
 * Checked promises: names are trimmed, not empty, without control
 * characters and at most 255 bytes; the test title is not empty and at most
 * 255 bytes; the scan date is "" or a real YYYY-MM-DD not after today; the
 * upload name has no control character, quote, slash, backslash or ';' and
 * at most 200 bytes; the form has scan_type, product_name,
 * engagement_name, a non-empty test_title and auto_create_context=true.
 */
#include "conf.h"
#include "datefmt.h"
#include "fuzzutil.h"
#include "route.h"

#include <stdlib.h>
#include <string.h>

#define NOW	1760000000	/* 2025-10-09 */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void
check_name(const char *s)
{
	size_t n;

	if (s == NULL)
		return;
	n = strlen(s);
	FUZZ_CHECK(n > 0 && n <= 255);
	FUZZ_CHECK(s[0] != ' ' && s[0] != '\t' && s[n - 1] != ' ' && s[n - 1] != '\t');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		FUZZ_CHECK(*p >= 0x20 && *p != 0x7f);
}

static void
check_upload(const struct route_report *rep)
{
	char *upload = route_upload_name(rep);

	FUZZ_CHECK(upload[0] != '\0' && strlen(upload) <= 200);
	for (const unsigned char *p = (const unsigned char *)upload; *p; p++)
		FUZZ_CHECK(*p >= 0x20 && *p != 0x7f && *p != '"' && *p != '\\' && *p != '/' &&
		    *p != ';');
	free(upload);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const exts[] = { NULL, ".xml", ".json", ".csv", ".nessus", ".sarif" };
	static const char *const policies[] = { "auto", "report", "mtime", "none", "2024-02-29" };
	char *text = fuzz_strndup(data, size), *line[6] = { 0 }, *p = text, err[512], date[11];
	char reported[11];
	struct import_opts opts = { { 0 } };
	struct route_report rep;
	struct route r;
	struct form f;
	const char *base, *source, *v;
	char *title;

	for (int i = 0; i < 6; i++) {
		line[i] = p;
		if ((p = strchr(p, '\n')) == NULL)
			break;
		*p++ = '\0';
	}
	for (int i = 0; i < 6; i++)
		if (line[i] == NULL)
			line[i] = text + size;

	memset(&rep, 0, sizeof rep);
	base = strrchr(line[1], '/') ? strrchr(line[1], '/') + 1 : line[1];
	rep.scan_type = "ZAP Scan";
	rep.target = line[3][0] ? line[3] : NULL;
	rep.tool = line[4][0] ? line[4] : NULL;
	/* A plugin's date reaches route only through datefmt (detect.c host_set). */
	rep.scan_date = datefmt_parse(line[5], 0, reported) == 0 ? reported : NULL;
	rep.basename = base;
	rep.parser_reads_dates = size % 3 == 0 ? -1 : (int)(size % 3) - 1;
	for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		rep.upload_ext = exts[i];
		rep.kind_is_xml = i % 2;	/* NOLINT(bugprone-narrowing-conversions): 0 or 1 */
		rep.kind_is_json = i == 2;
		rep.kind_is_csv = i == 4;
		check_upload(&rep);
	}
	rep.upload_ext = NULL;

	if (route_check_layout(line[0], err, sizeof err) < 0)
		goto out;
	FUZZ_CHECK(conf_import_set(&opts, IK_PRODUCT_NAME, "Fallback product", err, sizeof err) == 0);
	FUZZ_CHECK(conf_import_set(&opts, IK_ENGAGEMENT_NAME, "Fallback engagement", err,
	    sizeof err) == 0);
	if (line[2][0] != '\0')
		(void)conf_import_set(&opts, IK_TEST_TITLE, line[2], err, sizeof err);
	if (route_names(line[0], line[1], &opts, &r, err, sizeof err) < 0)
		goto out;
	check_name(r.product_type);
	check_name(r.product);
	check_name(r.engagement);
	check_name(r.test_title);
	FUZZ_CHECK(r.product != NULL && r.engagement != NULL && r.folder != NULL);

	title = route_test_title(&opts, &r, &rep);
	FUZZ_CHECK(title[0] != '\0' && strlen(title) <= 255);
	for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++) {
		struct import_opts pol = { { 0 } };

		FUZZ_CHECK(conf_import_set(&pol, IK_SCAN_DATE, policies[i], err, sizeof err) == 0);
		route_scan_date(&pol, &rep, (time_t)(size * 86400 * 97), NOW, date, &source);
		FUZZ_CHECK(source != NULL);
		if (date[0] != '\0')
			FUZZ_CHECK(strlen(date) == 10 && strcmp(date, "2025-10-09") <= 0);
		if (date[0] != '\0' && strcmp(source, "file time") != 0)
			FUZZ_CHECK(fuzz_is_date(date));
		import_opts_release(&pol);
	}
	route_scan_date(&opts, &rep, NOW, NOW, date, &source);
	route_build_form(&f, &opts, &r, &rep, title, date);
	FUZZ_CHECK((v = form_get(&f, "scan_type")) != NULL && strcmp(v, "ZAP Scan") == 0);
	FUZZ_CHECK((v = form_get(&f, "product_name")) != NULL && strcmp(v, r.product) == 0);
	FUZZ_CHECK((v = form_get(&f, "engagement_name")) != NULL && strcmp(v, r.engagement) == 0);
	FUZZ_CHECK((v = form_get(&f, "test_title")) != NULL && v[0] != '\0');
	FUZZ_CHECK((v = form_get(&f, "auto_create_context")) != NULL && strcmp(v, "true") == 0);
	form_release(&f);
	free(title);
	route_release(&r);
out:
	import_opts_release(&opts);
	free(text);
	return 0;
}
