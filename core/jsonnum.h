/*
 * jsonnum.h — numbers from JSON documents (a server's answers, sidecars,
 * the spool's own records) as C integers.
 *
 * Invariant: a double is converted only when it is finite and inside the
 * integer type's range; a C cast of anything else is undefined behaviour,
 * and JSON such as 1e99 is one byte away from any number.
 */
#ifndef DOJOBRIDGE_JSONNUM_H
#define DOJOBRIDGE_JSONNUM_H

#include <cjson/cJSON.h>

/* v's value when v is a number in long long's range, else fallback. */
long long json_llong(const cJSON *v, long long fallback);
/* The same for long. */
long json_long(const cJSON *v, long fallback);
/* 1 when v is a number with an integral value in long long's range. */
int json_is_integer(const cJSON *v);

#endif
