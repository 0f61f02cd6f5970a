/*
 * testutil.h — what several unit tests need: an unlinked temporary file
 * holding given bytes, and removing a temporary tree.  Include after <cmocka.h>.
 */
#ifndef DOJOBRIDGE_TESTUTIL_H
#define DOJOBRIDGE_TESTUTIL_H

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* An fd on an unlinked file in $TMPDIR (or /tmp) holding len bytes of data. */
static inline int
temp_fd(const void *data, size_t len)
{
	const char *dir = getenv("TMPDIR");
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/dojobridge-unit.XXXXXX", dir != NULL ? dir : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	return fd;
}

static inline int
temp_str(const char *s)
{
	return temp_fd(s, strlen(s));
}

static inline int
testutil_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

/* Remove a temporary tree (no shell: make lint bans system()). */
static inline void
rm_rf(const char *path)
{
	assert_int_equal(nftw(path, testutil_rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

#endif
