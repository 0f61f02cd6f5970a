/*
 * ZIP members through libarchive, read with pread() from the caller's fd.
 * The zip reader seeks to the central directory when it can, so listing a
 * large archive reads little of it.
 */
#include "zipscan.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct source {
	int fd;
	int64_t off, size;
	unsigned char buf[64 * 1024];
};

static la_ssize_t
source_read(struct archive *a, void *arg, const void **out)
{
	struct source *s = arg;
	ssize_t got = pread(s->fd, s->buf, sizeof s->buf, (off_t)s->off);

	if (got < 0) {
		archive_set_error(a, errno, "read: %s", strerror(errno));
		return -1;
	}
	s->off += got;
	*out = s->buf;
	return got;
}

static la_int64_t
source_seek(struct archive *a, void *arg, la_int64_t off, int whence)
{
	struct source *s = arg;
	int64_t to;

	(void)a;
	switch (whence) {
	case SEEK_SET: to = off; break;
	case SEEK_CUR: to = s->off + off; break;
	case SEEK_END: to = s->size + off; break;
	default: return ARCHIVE_FATAL;
	}
	if (to < 0)
		return ARCHIVE_FATAL;
	s->off = to;
	return to;
}

static la_int64_t
source_skip(struct archive *a, void *arg, la_int64_t n)
{
	struct source *s = arg;

	(void)a;
	if (n < 0 || s->off + n > s->size)
		n = s->size > s->off ? s->size - s->off : 0;
	s->off += n;
	return n;
}

static struct archive *
open_zip(int fd, struct source *s, char *err, size_t errlen)
{
	struct archive *a;
	struct stat st;

	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "fstat: %s", strerror(errno));
		return NULL;
	}
	s->fd = fd;
	s->off = 0;
	s->size = st.st_size;
	a = archive_read_new();
	if (a == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/* The seekable reader: it trusts the central directory, as unzip does. */
	archive_read_support_format_zip_seekable(a);
	archive_read_set_read_callback(a, source_read);
	archive_read_set_seek_callback(a, source_seek);
	archive_read_set_skip_callback(a, source_skip);
	archive_read_set_callback_data(a, s);
	if (archive_read_open1(a) != ARCHIVE_OK) {
		snprintf(err, errlen, "not a readable zip: %s", archive_error_string(a) ?
		    archive_error_string(a) : "unknown error");
		archive_read_free(a);
		return NULL;
	}
	return a;
}

int
zipscan_members(int fd, void (*fn)(void *arg, const char *name), void *arg, char *err,
    size_t errlen)
{
	struct source s;
	struct archive *a = open_zip(fd, &s, err, errlen);
	struct archive_entry *e;
	int n = 0;

	if (a == NULL)
		return -1;
	while (n < ZIPSCAN_MAX_MEMBERS && archive_read_next_header(a, &e) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);

		if (name != NULL) {
			fn(arg, name);
			n++;
		}
	}
	archive_read_free(a);
	return n;
}

long
zipscan_read(int fd, const char *member, void *buf, size_t n, char *err, size_t errlen)
{
	struct source s;
	struct archive *a;
	struct archive_entry *e;
	size_t got = 0;
	int seen = 0;

	if (n > ZIPSCAN_MAX_READ)
		n = ZIPSCAN_MAX_READ;
	if ((a = open_zip(fd, &s, err, errlen)) == NULL)
		return -1;
	while (seen < ZIPSCAN_MAX_MEMBERS && archive_read_next_header(a, &e) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);

		seen++;
		if (name == NULL || strcmp(name, member) != 0)
			continue;
		while (got < n) {
			la_ssize_t r = archive_read_data(a, (char *)buf + got, n - got);

			if (r < 0) {
				snprintf(err, errlen, "%s: %s", member, archive_error_string(a) ?
				    archive_error_string(a) : "cannot be read");
				archive_read_free(a);
				return -1;
			}
			if (r == 0)
				break;
			got += (size_t)r;
		}
		archive_read_free(a);
		return (long)got;
	}
	snprintf(err, errlen, "no member %s", member);
	archive_read_free(a);
	return -1;
}
