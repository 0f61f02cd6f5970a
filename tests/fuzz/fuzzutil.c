/*
 * Helpers shared by the fuzz targets: the input as a file descriptor or as a
 * file in a scratch directory, where the instrumented plugins are, and the
 * checks of promises the headers make about results.
 */
#include "fuzzutil.h"
#include "conf.h"
#include "strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int memfd = -1;
static int report_fd = 2;
static char tmpdir[PATH_MAX];
static int tmpdirfd = -1;

/*
 * The stderr we started with, kept before libFuzzer's -close_fd_mask=2
 * silences the target's own (the log lines of a bad configuration).
 */
__attribute__((constructor)) static void
keep_stderr(void)
{
	int fd = fcntl(2, F_DUPFD_CLOEXEC, 3);

	if (fd >= 0)
		report_fd = fd;
}

/* Halt on every undefined behaviour, as on a crash; suppressions still apply. */
/* NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp): UBSan's */
const char *__ubsan_default_options(void);

const char *
__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

/* Is "promise <base>: <what>" a line of $FUZZ_KNOWN_ISSUES? */
static int
known(const char *base, const char *what)
{
	const char *path = getenv("FUZZ_KNOWN_ISSUES");
	char line[1024], want[1024];
	FILE *fp;
	int yes = 0;

	if (path == NULL || *path == '\0' || (fp = fopen(path, "re")) == NULL)
		return 0;
	snprintf(want, sizeof want, "promise %s: %s", base, what);
	while (!yes && fgets(line, sizeof line, fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		yes = strcmp(line, want) == 0;
	}
	fclose(fp);
	return yes;
}

void
fuzz_fail(const char *file, int line, const char *what)
{
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;

	if (known(base, what))
		return;
	dprintf(report_fd, "%s:%d: broken promise: %s\n", base, line, what);
	abort();
}

/* Write all of data at offset 0 of fd, which is then exactly size bytes. */
static int
fill(int fd, const uint8_t *data, size_t size)
{
	size_t off = 0;

	if (ftruncate(fd, 0) < 0)
		return -1;
	while (off < size) {
		ssize_t n = pwrite(fd, data + off, size - off, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

int
fuzz_memfd(const uint8_t *data, size_t size)
{
	if (memfd < 0 && (memfd = memfd_create("fuzz-input", MFD_CLOEXEC)) < 0) {
		perror("fuzz: memfd_create");
		abort();
	}
	if (fill(memfd, data, size) < 0) {
		perror("fuzz: memfd write");
		abort();
	}
	return memfd;
}

static void
remove_tmpdir(void)
{
	DIR *d;
	struct dirent *e;

	if (tmpdirfd < 0)
		return;
	if ((d = fdopendir(dup(tmpdirfd))) != NULL) {
		while ((e = readdir(d)) != NULL)
			if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
				unlinkat(tmpdirfd, e->d_name, 0);
		closedir(d);
	}
	close(tmpdirfd);
	tmpdirfd = -1;
	rmdir(tmpdir);
}

const char *
fuzz_tmpdir(int *dirfd)
{
	if (tmpdirfd < 0) {
		const char *base = getenv("TMPDIR");
		struct stat st;

		if (base == NULL || *base == '\0')
			base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
			    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
		snprintf(tmpdir, sizeof tmpdir, "%s/dojobridge-fuzz.XXXXXX", base);
		if (mkdtemp(tmpdir) == NULL ||
		    (tmpdirfd = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
			perror("fuzz: scratch directory");
			abort();
		}
		atexit(remove_tmpdir);
	}
	if (dirfd != NULL)
		*dirfd = tmpdirfd;
	return tmpdir;
}

int
fuzz_put(int dirfd, const char *name, const uint8_t *data, size_t size)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	int rc;

	if (fd < 0)
		return -1;
	rc = fill(fd, data, size);
	close(fd);
	return rc;
}

void
fuzz_unlink(int dirfd, const char *name)
{
	unlinkat(dirfd, name, 0);
}

const char *
fuzz_plugin_root(void)
{
	static char root[PATH_MAX];
	const char *env = getenv("DOJOBRIDGE_FUZZ_PLUGINS");
	char self[PATH_MAX];
	ssize_t n;
	char *slash;

	if (env != NULL && *env != '\0')
		return env;
	if (root[0] != '\0')
		return root;
	/* Binaries live in tests/fuzz/bin, plugins in tests/fuzz/obj/plugins. */
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0) {
		perror("fuzz: /proc/self/exe");
		abort();
	}
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) != NULL)
		*slash = '\0';
	snprintf(root, sizeof root, "%s/../obj/plugins", self);
	return root;
}

char *
fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

int
fuzz_utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), n;

	while (left > 0) {
		if ((n = utf8_seq_len(p, left)) == 0)
			return 0;
		p += n;
		left -= n;
	}
	return 1;
}

int
fuzz_is_date(const char *s)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, leap;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1990 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

void
fuzz_check_import_opts(const struct import_opts *o)
{
	for (int k = 0; k < IK_COUNT; k++) {
		struct import_opts again = { { 0 } };
		char err[512];

		if (o->v[k] == NULL)
			continue;
		for (const unsigned char *p = (const unsigned char *)o->v[k]; *p; p++)
			FUZZ_CHECK(*p >= 0x20 && *p != 0x7f);
		FUZZ_CHECK(conf_import_set(&again, (enum import_key)k, o->v[k], err, sizeof err) == 0);
		FUZZ_CHECK(strcmp(again.v[k], o->v[k]) == 0);
		import_opts_release(&again);
	}
}
