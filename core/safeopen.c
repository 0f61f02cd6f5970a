/*
 * openat2(2) has no glibc wrapper: it is called through syscall(2).  The
 * fallback walk exists for older kernels and for sandboxes that hide the
 * call (they answer ENOSYS, or EPERM under some container profiles).
 */
#include "safeopen.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define OPEN_FLAGS	(O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)

static int
openat2_beneath(int dirfd, const char *path)
{
#ifdef SYS_openat2
	struct open_how how;

	memset(&how, 0, sizeof how);
	how.flags = OPEN_FLAGS;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
#else
	(void)dirfd;
	(void)path;
	errno = ENOSYS;
	return -1;
#endif
}

/* The same rules, one folder at a time. */
static int
walk_beneath(int dirfd, const char *path)
{
	struct stat top, st;
	const char *p = path;
	int fd, saved;

	if (fstat(dirfd, &top) < 0)
		return -1;
	if ((fd = dup(dirfd)) < 0)
		return -1;
	for (;;) {
		size_t n = strcspn(p, "/");
		char comp[NAME_MAX + 1];
		int next, last = p[n] == '\0';

		if (n == 0 || n > NAME_MAX || (n == 1 && p[0] == '.') || (n == 2 && memcmp(p, "..", 2) == 0)) {
			close(fd);
			errno = EXDEV;	/* as RESOLVE_BENEATH answers an escape */
			return -1;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		next = openat(fd, comp, last ? OPEN_FLAGS : O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		saved = errno;
		/* A link to a folder: O_DIRECTORY | O_NOFOLLOW says ENOTDIR. */
		if (next < 0 && !last && saved == ENOTDIR &&
		    fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
			saved = ELOOP;
		close(fd);
		if (next < 0) {
			errno = saved;
			return -1;
		}
		if (fstat(next, &st) < 0 || st.st_dev != top.st_dev) {
			close(next);
			errno = EXDEV;
			return -1;
		}
		if (last)
			return next;
		fd = next;
		p += n + 1;
	}
}

static const char *
kind_of(mode_t m)
{
	return S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket" : S_ISDIR(m) ? "a directory" :
	    S_ISCHR(m) || S_ISBLK(m) ? "a device" : "not a file";
}

int
safe_open_beneath(int dirfd, const char *path, struct stat *st, char *why, size_t whylen)
{
	int fd;

	if (path[0] == '/' || path[0] == '\0') {
		snprintf(why, whylen, "the name is not one beneath its drop root");
		return -1;
	}
	fd = openat2_beneath(dirfd, path);
	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		fd = walk_beneath(dirfd, path);
	if (fd < 0) {
		if (errno == ELOOP)
			snprintf(why, whylen, "it is a symbolic link (or a folder on its way is one), "
			    "which dojobridge never follows");
		else if (errno == ENXIO && fstatat(dirfd, path, st, AT_SYMLINK_NOFOLLOW) == 0)
			/* A socket (or a device without a driver) cannot be opened at all. */
			snprintf(why, whylen, "it is not a regular file (%s)", kind_of(st->st_mode));
		else if (errno == EXDEV)
			snprintf(why, whylen, "it is not beneath its drop root on the same file system "
			    "(\"..\", or a mount point on its way)");
		else
			snprintf(why, whylen, "cannot open it: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, st) < 0) {
		snprintf(why, whylen, "cannot read it: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		snprintf(why, whylen, "it is not a regular file (%s)", kind_of(st->st_mode));
		close(fd);
		return -1;
	}
	/* Read as a file from here: a regular file does not block anyway. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}
