/*
 * test_jsonnum.c — numbers from JSON become C integers only when they fit:
 * 1e99, -1e99, 2^63 and non-numbers give the fallback (a C cast of them
 * would be undefined behaviour), and integral values are told from others.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <limits.h>

#include "jsonnum.h"

static cJSON *
parse(const char *text)
{
	cJSON *v = cJSON_Parse(text);

	assert_non_null(v);
	return v;
}

static void
test_ranges(void **state)
{
	static const struct {
		const char *json;
		long long want;		/* -7: the fallback */
		int integer;
	} ex[] = {
		{ "0", 0, 1 }, { "42", 42, 1 }, { "-42", -42, 1 }, { "2.5", 2, 0 },
		{ "1e99", -7, 0 }, { "-1e99", -7, 0 }, { "9223372036854775808", -7, 0 },
		{ "9223372036854774784", 9223372036854774784LL, 1 }, { "-9223372036854775808", LLONG_MIN, 1 },
		{ "\"12\"", -7, 0 }, { "true", -7, 0 }, { "null", -7, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
		cJSON *v = parse(ex[i].json);

		if (json_llong(v, -7) != ex[i].want || json_is_integer(v) != ex[i].integer)
			print_error("%s gave %lld, integer %d\n", ex[i].json, json_llong(v, -7), json_is_integer(v));
		assert_true(json_llong(v, -7) == ex[i].want);
		assert_int_equal(json_is_integer(v), ex[i].integer);
		cJSON_Delete(v);
	}
	{
		cJSON *v = parse("1e30");

		assert_int_equal(json_long(v, -1), -1);
		cJSON_Delete(v);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
