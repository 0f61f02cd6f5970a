/* Unit tests for the client's reading of DefectDojo's answers: the four error shapes, classification. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "dojo.h"

static const char *
words(long status, const char *body)
{
	static char out[1024];

	dojo_error_words(status, body, strlen(body), out, sizeof out);
	return out;
}

static void
four_body_shapes(void **state)
{
	(void)state;
	assert_string_equal(words(400, "[\"product_name parameter missing\"]"),
	    "HTTP 400: product_name parameter missing");
	assert_string_equal(words(400, "{\"scan_type\":[\"\\\"Foo\\\" is not a valid choice.\"],"
	    "\"message\":\"{'scan_type': [ErrorDetail(string='...', code='invalid_choice')]}\","
	    "\"pro\":[\"Pro comes with support.\"]}"),
	    "HTTP 400: scan_type: \"Foo\" is not a valid choice.");
	assert_string_equal(words(400, "{\"message\":\"['Expecting value: line 1 column 1 (char 0)']\","
	    "\"pro\":[\"x\"]}"), "HTTP 400: Expecting value: line 1 column 1 (char 0)");
	assert_string_equal(words(403, "{\"detail\":\"Invalid token.\"}"), "HTTP 403: Invalid token.");
	assert_string_equal(words(400, "{\"non_field_errors\":[\"Report file is too large. Maximum supported "
	    "size is 100 MB\"],\"message\":\"x\",\"pro\":[]}"),
	    "HTTP 400: Report file is too large. Maximum supported size is 100 MB");
	assert_string_equal(words(413, "<html><head><title>413 Request Entity Too Large</title></head></html>"),
	    "HTTP 413: 413 Request Entity Too Large");
	assert_string_equal(words(502, ""), "HTTP 502: Bad Gateway");
	/* Escapes, so a hostile answer cannot paint the terminal. */
	assert_string_equal(words(400, "[\"a\\u001b[31mb\"]"), "HTTP 400: a\\x1b[31mb");
}

static enum dojo_outcome
classify(long status, const char *body)
{
	char hint[256];

	return dojo_classify(status, body, strlen(body), hint, sizeof hint);
}

static void
outcomes(void **state)
{
	(void)state;
	assert_int_equal(classify(201, "{}"), DOJO_IMPORTED);
	assert_int_equal(classify(403, "{\"detail\":\"Invalid token.\"}"), DOJO_REFUSED);
	assert_int_equal(classify(403, "{\"detail\":\"Authentication credentials were not provided.\"}"),
	    DOJO_REFUSED);
	assert_int_equal(classify(403, "{\"detail\":\"You do not have permission to perform this action.\"}"),
	    DOJO_FAILED);
	assert_int_equal(classify(403, "{\"detail\":\"No permission to create products in product_type \\\"T\\\"\"}"),
	    DOJO_FAILED);
	assert_int_equal(classify(301, ""), DOJO_REFUSED);
	assert_int_equal(classify(404, "{\"detail\":\"A test could not be found!\"}"), DOJO_FAILED);
	assert_int_equal(classify(404, "{\"detail\":\"Not found.\"}"), DOJO_REFUSED);
	assert_int_equal(classify(400, "[\"x\"]"), DOJO_FAILED);
	assert_int_equal(classify(413, ""), DOJO_FAILED);
	assert_int_equal(classify(415, ""), DOJO_FAILED);
	assert_int_equal(classify(500, "{}"), DOJO_RETRY_THEN_FAIL);
	assert_int_equal(classify(502, ""), DOJO_RETRY);
	assert_int_equal(classify(503, ""), DOJO_RETRY);
	assert_int_equal(classify(504, ""), DOJO_RETRY);
	assert_int_equal(classify(429, ""), DOJO_RETRY);
}

static void
loopback_hosts(void **state)
{
	(void)state;
	assert_true(dojo_host_is_loopback("127.0.0.1"));
	assert_true(dojo_host_is_loopback("localhost"));
	assert_true(dojo_host_is_loopback("[::1]"));
	assert_false(dojo_host_is_loopback("dojo.example.com"));
	assert_false(dojo_host_is_loopback("127.example.com"));
	assert_false(dojo_host_is_loopback("127.0.0.1.nip.io"));
	assert_true(dojo_host_is_loopback("127.1.2.3"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(four_body_shapes),
		cmocka_unit_test(outcomes),
		cmocka_unit_test(loopback_hosts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
