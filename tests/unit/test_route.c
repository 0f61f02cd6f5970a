/* Unit tests for route: names from layouts, test titles, scan dates, upload names, the form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "route.h"

static void
names_from_default_layout(void **state)
{
	struct import_opts o = { { 0 } };
	struct route r;
	char err[512];

	(void)state;
	assert_int_equal(route_names("{product_type}/{product}/{engagement}", "Team A/ web /nightly/zap.xml",
	    &o, &r, err, sizeof err), 0);
	assert_string_equal(r.product_type, "Team A");
	assert_string_equal(r.product, "web");	/* trimmed */
	assert_string_equal(r.engagement, "nightly");
	assert_string_equal(r.folder, "Team A/ web /nightly");
	route_release(&r);
}

static void
wrong_depth_shows_layout(void **state)
{
	struct import_opts o = { { 0 } };
	struct route r;
	char err[512];

	(void)state;
	assert_int_equal(route_names("{product_type}/{product}/{engagement}", "a/b/zap.xml", &o, &r, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "2 folders deep"));
	assert_non_null(strstr(err, "{product_type}/{product}/{engagement}/<report>"));
}

static void
names_from_config_and_literals(void **state)
{
	struct import_opts o = { { 0 } };
	struct route r;
	char err[512];

	(void)state;
	assert_int_equal(conf_import_set(&o, IK_PRODUCT_TYPE_NAME, "Security", err, sizeof err), 0);
	assert_int_equal(conf_import_set(&o, IK_ENGAGEMENT_NAME, "CI", err, sizeof err), 0);
	assert_int_equal(route_names("scans/{product}/{*}", "scans/shop/2024-05/x.json", &o, &r, err,
	    sizeof err), 0);
	assert_string_equal(r.product_type, "Security");
	assert_string_equal(r.product, "shop");
	assert_string_equal(r.engagement, "CI");
	route_release(&r);
	assert_int_equal(route_names("scans/{product}/{*}", "other/shop/x/y.json", &o, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "should be \"scans\""));
	import_opts_release(&o);
}

static void
bad_names_refused(void **state)
{
	struct import_opts o = { { 0 } };
	struct route r;
	char err[512], longname[400];

	(void)state;
	assert_int_equal(route_names("{product}/{engagement}", "  /ci/x.xml", &o, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "product name is empty"));
	assert_int_equal(route_names("{product}/{engagement}", "a\033[31m/ci/x.xml", &o, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "control character"));
	memset(longname, 'p', 300);
	memcpy(longname + 300, "/ci/x.xml", 10);
	assert_int_equal(route_names("{product}/{engagement}", longname, &o, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "at most 255"));
}

static void
layouts_checked(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(route_check_layout("{product_type}/{product}/{engagement}", err, sizeof err), 0);
	assert_int_equal(route_check_layout("{product}/{product}", err, sizeof err), -1);
	assert_int_equal(route_check_layout("{produkt}/x", err, sizeof err), -1);
	assert_int_equal(route_check_layout("/abs/{product}", err, sizeof err), -1);
	assert_int_equal(route_check_layout("a/../{product}", err, sizeof err), -1);
}

static void
titles_tell_targets_apart(void **state)
{
	struct import_opts o = { { 0 } };
	struct route r = { 0 };
	struct route_report a = { .scan_type = "Trivy Scan", .target = "alpine:3.18" };
	struct route_report b = { .scan_type = "Trivy Scan", .target = "nginx:1.25" };
	struct route_report s = { .scan_type = "SARIF", .suggested_title = "CodeQL" };
	char *ta, *tb, *ts, err[128];

	(void)state;
	ta = route_test_title(&o, &r, &a);
	tb = route_test_title(&o, &r, &b);
	ts = route_test_title(&o, &r, &s);
	assert_string_equal(ta, "Trivy Scan (alpine:3.18)");
	assert_string_not_equal(ta, tb);
	assert_string_equal(ts, "CodeQL");
	free(ta);
	free(tb);
	free(ts);
	assert_int_equal(conf_import_set(&o, IK_TEST_TITLE, "{product} {target}", err, sizeof err), 0);
	r.product = (char *)(uintptr_t)"shop";
	ta = route_test_title(&o, &r, &a);
	assert_string_equal(ta, "shop alpine:3.18");
	free(ta);
	assert_int_equal(conf_import_set(&o, IK_TEST_TITLE, "{when}", err, sizeof err), -1);
	import_opts_release(&o);

	/* Titles are cut to 255 bytes at a UTF-8 boundary; bytes that are not UTF-8 never cut them to nothing. */
	{
		struct route_report big = { .scan_type = "Trivy Scan" };
		char target[400];

		memset(target, 'a', sizeof target);
		memcpy(target + 242, "\xc3\xa9\xc3\xa9\xc3\xa9", 6);
		target[sizeof target - 1] = '\0';
		big.target = target;
		ta = route_test_title(&o, &r, &big);
		assert_int_equal(strlen(ta), 254);	/* "Trivy Scan (" + 242 bytes, not half an e-acute */
		free(ta);
		memset(target, 0x8f, sizeof target - 1);
		ta = route_test_title(&o, &r, &big);
		assert_int_equal(strlen(ta), 255);
		free(ta);
	}
}

static void
scan_date_policies(void **state)
{
	struct import_opts o = { { 0 } };
	struct route_report reads = { .scan_date = "2024-01-05", .parser_reads_dates = 1 };
	struct route_report ignores = { .scan_date = "2024-01-05", .parser_reads_dates = 0 };
	struct route_report future = { .scan_date = "2099-01-01", .parser_reads_dates = 0 };
	time_t now = 1767225600;	/* 2026-01-01T00:00:00Z */
	char out[11], err[128];
	const char *src;

	(void)state;
	route_scan_date(&o, &reads, now, now, out, &src);
	assert_string_equal(out, "");	/* auto: the parser has its own dates */
	route_scan_date(&o, &ignores, now, now, out, &src);
	assert_string_equal(out, "2024-01-05");
	assert_string_equal(src, "report");
	route_scan_date(&o, &future, now, now, out, &src);
	assert_string_equal(out, "2026-01-01");	/* never after today */
	assert_int_equal(conf_import_set(&o, IK_SCAN_DATE, "mtime", err, sizeof err), 0);
	route_scan_date(&o, &reads, now - 86400 * 3, now, out, &src);
	assert_string_equal(out, "2025-12-29");
	assert_string_equal(src, "file time");
	assert_int_equal(conf_import_set(&o, IK_SCAN_DATE, "none", err, sizeof err), 0);
	route_scan_date(&o, &ignores, now, now, out, &src);
	assert_string_equal(out, "");
	assert_int_equal(conf_import_set(&o, IK_SCAN_DATE, "yesterday", err, sizeof err), -1);
	import_opts_release(&o);
}

static void
expect_upload_name(struct route_report rep, const char *want)
{
	char *n = route_upload_name(&rep);

	assert_string_equal(n, want);
	free(n);
}

static void
upload_names(void **state)
{
	(void)state;
	expect_upload_name((struct route_report){ .basename = "Nightly.XML", .upload_ext = ".xml" }, "Nightly.xml");
	expect_upload_name((struct route_report){ .basename = "gitleaks-report", .upload_ext = ".json" },
	    "gitleaks-report.json");
	expect_upload_name((struct route_report){ .basename = "codeql.sarif" }, "codeql.sarif");
	expect_upload_name((struct route_report){ .basename = "a\"b\nc", .kind_is_json = 1 }, "a_b_c.json");
	expect_upload_name((struct route_report){ .basename = ".json", .upload_ext = ".json" }, "report.json");
	/* A two-part extension (Prowler's OCSF parser wants ".ocsf.json"). */
	expect_upload_name((struct route_report){ .basename = "p.ocsf.json", .upload_ext = ".ocsf.json" },
	    "p.ocsf.json");
	expect_upload_name((struct route_report){ .basename = "P.OCSF.JSON", .upload_ext = ".ocsf.json" },
	    "P.ocsf.json");
	expect_upload_name((struct route_report){ .basename = "prowler.json", .upload_ext = ".ocsf.json" },
	    "prowler.ocsf.json");
	expect_upload_name((struct route_report){ .basename = "prowler", .upload_ext = ".ocsf.json" },
	    "prowler.ocsf.json");
}

static void
form_always_names_its_test(void **state)
{
	struct import_opts o = { { 0 } };
	struct route r = { .product_type = (char *)(uintptr_t)"T", .product = (char *)(uintptr_t)"P",
		.engagement = (char *)(uintptr_t)"E" };
	struct route_report rep = { .scan_type = "ZAP Scan" };
	struct form f;
	char err[128];

	(void)state;
	assert_int_equal(conf_import_set(&o, IK_TAGS, "a, b c", err, sizeof err), 0);
	assert_int_equal(conf_import_set(&o, IK_ACTIVE, "yes", err, sizeof err), 0);
	route_build_form(&f, &o, &r, &rep, "ZAP Scan (site)", "2024-01-05");
	assert_string_equal(form_get(&f, "auto_create_context"), "true");
	assert_string_equal(form_get(&f, "test_title"), "ZAP Scan (site)");
	assert_string_equal(form_get(&f, "scan_date"), "2024-01-05");
	assert_string_equal(form_get(&f, "tags"), "a,b,c");
	assert_string_equal(form_get(&f, "active"), "true");
	assert_null(form_get(&f, "close_old_findings"));
	form_release(&f);
	import_opts_release(&o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_from_default_layout),
		cmocka_unit_test(wrong_depth_shows_layout),
		cmocka_unit_test(names_from_config_and_literals),
		cmocka_unit_test(bad_names_refused),
		cmocka_unit_test(layouts_checked),
		cmocka_unit_test(titles_tell_targets_apart),
		cmocka_unit_test(scan_date_policies),
		cmocka_unit_test(upload_names),
		cmocka_unit_test(form_always_names_its_test),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
