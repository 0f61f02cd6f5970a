/*
 * Numbers from JSON documents as C integers, in range or not at all.
 */
#include "jsonnum.h"

#include <limits.h>
#include <math.h>

/* 2^63: every double below it (and at or above -2^63) fits a long long. */
#define LLONG_BOUND 9223372036854775808.0

static int
fits(const cJSON *v)
{
	return cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble < LLONG_BOUND &&
	    v->valuedouble >= -LLONG_BOUND;
}

long long
json_llong(const cJSON *v, long long fallback)
{
	return fits(v) ? (long long)v->valuedouble : fallback;
}

long
json_long(const cJSON *v, long fallback)
{
	long long n;

	if (!fits(v))
		return fallback;
	n = (long long)v->valuedouble;
	return n > LONG_MAX || n < LONG_MIN ? fallback : (long)n;
}

int
json_is_integer(const cJSON *v)
{
	return fits(v) && (double)(long long)v->valuedouble == v->valuedouble;
}
