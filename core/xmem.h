/*
 * xmem.h — allocation for the daemon's own small, bounded objects.
 *
 * These abort the process when memory runs out: they are for allocations
 * whose size dojobridge itself controls (config, names, job records).
 * Buffers filled from untrusted input have their own hard limits and check
 * them before allocating.
 */
#ifndef DOJOBRIDGE_XMEM_H
#define DOJOBRIDGE_XMEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);			/* NULL in, NULL out */
char *xstrndup(const char *s, size_t n);
/* A newly allocated formatted string; caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
