/*
 * test_safeopen.c — opening beneath a drop root: a regular file opens; a
 * symbolic link (as the file or as a folder on its way), "..", an absolute
 * name, a FIFO, a socket and a directory are refused with their reason.
 * Both ways are tested: openat2(2), and the folder-by-folder walk used
 * where the kernel lacks it (this file compiles safeopen.c a second time
 * without SYS_openat2).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "safeopen.h"
#include "testutil.h"

/* The fallback walk, as a kernel without openat2 runs it. */
#include <sys/syscall.h>
#undef SYS_openat2
#define safe_open_beneath walk_open_beneath
int walk_open_beneath(int dirfd, const char *path, struct stat *st, char *why, size_t whylen);
#include "../../core/safeopen.c"
#undef safe_open_beneath

static char root[64];
static int rootfd = -1;

static void
put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int
setup(void **state)
{
	char path[256];
	struct sockaddr_un sa;
	int s;

	(void)state;
	snprintf(root, sizeof root, "/tmp/dojobridge-safeopen.XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof path, "%s/team", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof path, "%s/outside", root);
	assert_int_equal(mkdir(path, 0755), 0);
	put("team/zap.xml", "<OWASPZAPReport/>\n");
	put("outside/secret.txt", "secret\n");
	snprintf(path, sizeof path, "%s/team/link.xml", root);
	assert_int_equal(symlink("zap.xml", path), 0);
	snprintf(path, sizeof path, "%s/linkdir", root);
	assert_int_equal(symlink("team", path), 0);
	snprintf(path, sizeof path, "%s/team/fifo.xml", root);
	assert_int_equal(mkfifo(path, 0644), 0);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s/team/sock.xml", root);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(s >= 0);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
	close(s);
	snprintf(path, sizeof path, "%s/team", root);
	rootfd = open(path, O_RDONLY | O_DIRECTORY);
	assert_true(rootfd >= 0);
	return 0;
}

static int
teardown(void **state)
{
	static const char *const made[] = { "team/zap.xml", "team/link.xml", "team/fifo.xml",
		"team/sock.xml", "outside/secret.txt", "linkdir", "team", "outside", "" };
	char path[256];

	(void)state;
	close(rootfd);
	for (size_t i = 0; i < sizeof made / sizeof made[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", root, made[i]);
		if (unlink(path) < 0)
			rmdir(path);
	}
	return 0;
}

typedef int (*opener)(int, const char *, struct stat *, char *, size_t);

static void
refused(opener open_it, int dirfd, const char *path, const char *why_starts)
{
	struct stat st;
	char why[256] = "";
	int fd = open_it(dirfd, path, &st, why, sizeof why);

	if (fd >= 0)
		close(fd);
	assert_int_equal(fd, -1);
	if (strncmp(why, why_starts, strlen(why_starts)) != 0)
		fail_msg("%s: \"%s\" does not start with \"%s\"", path, why, why_starts);
}

static void
both(opener open_it)
{
	struct stat st;
	char why[256], buf[32];
	int fd, parent;

	fd = open_it(rootfd, "zap.xml", &st, why, sizeof why);
	assert_true(fd >= 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(read(fd, buf, 16), 16);
	assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);

	refused(open_it, rootfd, "link.xml", "it is a symbolic link");
	refused(open_it, rootfd, "fifo.xml", "it is not a regular file (a FIFO)");
	refused(open_it, rootfd, "sock.xml", "it is not a regular file (a socket)");
	refused(open_it, rootfd, "../outside/secret.txt", "it is not beneath its drop root");
	refused(open_it, rootfd, "/etc/hostname", "the name is not one beneath its drop root");
	refused(open_it, rootfd, "missing.xml", "cannot open it: No such file or directory");
	parent = open(root, O_RDONLY | O_DIRECTORY);
	assert_true(parent >= 0);
	refused(open_it, parent, "team", "it is not a regular file (a directory)");
	refused(open_it, parent, "linkdir/zap.xml", "it is a symbolic link");
	fd = open_it(parent, "team/zap.xml", &st, why, sizeof why);
	assert_true(fd >= 0);
	close(fd);
	close(parent);
}

static void
with_openat2(void **state)
{
	(void)state;
	both(safe_open_beneath);
}

static void
with_the_walk(void **state)
{
	(void)state;
	both(walk_open_beneath);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(with_openat2),
		cmocka_unit_test(with_the_walk),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
