/*
 * Unit tests for the watcher, on real directories with real inotify: every
 * way a file can arrive is reported once it settled, once; temp names,
 * ignored names, links, FIFOs and the skip directory never are.  Nothing
 * here asserts on timing: the pump waits for what it expects, up to a
 * generous limit, and then checks what was reported.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "watch.h"

#define LIMIT_MS 10000

struct fixture {
	char root[256];
	char outside[256];
	struct watch *w;
	char **seen;		/* rel paths reported ready, in order */
	off_t *sizes;
	size_t nseen;
};

static char *const ignore[] = { ".*", "*.tmp", "*.part", "~*", NULL };

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	const char *tmp = getenv("TMPDIR");
	char base[200];

	snprintf(base, sizeof base, "%s/dojobridge-watch.XXXXXX", tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(base));
	snprintf(f->root, sizeof f->root, "%s/drop", base);
	snprintf(f->outside, sizeof f->outside, "%s/outside", base);
	assert_int_equal(mkdir(f->root, 0700), 0);
	assert_int_equal(mkdir(f->outside, 0700), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[600];

	watch_free(f->w);
	for (size_t i = 0; i < f->nseen; i++)
		free(f->seen[i]);
	free(f->seen);
	free(f->sizes);
	snprintf(cmd, sizeof cmd, "rm -rf '%.*s'", (int)(strrchr(f->root, '/') - f->root), f->root);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void
start(struct fixture *f, long settle_ms, long poll_ms, const char *skip)
{
	struct watch_root_conf rc = { "t", f->root, skip, settle_ms, poll_ms, ignore };

	f->w = watch_new(60000);
	assert_non_null(f->w);
	assert_int_equal(watch_add_root(f->w, &rc), 0);
}

/* Run the watcher's loop for up to ms, collecting what becomes ready; stop early once want are seen. */
static void
pump(struct fixture *f, long ms, size_t want)
{
	long long end = watch_now_ms() + ms;
	struct watch_ready r;

	while (watch_now_ms() < end && (want == 0 || f->nseen < want)) {
		struct pollfd pfd = { watch_fd(f->w), POLLIN, 0 };
		long long next = watch_next_deadline(f->w), now = watch_now_ms();
		int timeout = (int)(end - now);

		if (next >= 0 && next - now < timeout)
			timeout = next > now ? (int)(next - now) : 0;
		if (poll(&pfd, 1, timeout) > 0)
			watch_handle(f->w);
		watch_run_timers(f->w);
		while (watch_next_ready(f->w, &r) == 1) {
			f->seen = realloc(f->seen, (f->nseen + 1) * sizeof *f->seen);
			f->sizes = realloc(f->sizes, (f->nseen + 1) * sizeof *f->sizes);
			f->seen[f->nseen] = strdup(r.rel);
			f->sizes[f->nseen] = r.st.st_size;
			f->nseen++;
			assert_string_equal(r.name, strrchr(r.rel, '/') ? strrchr(r.rel, '/') + 1 : r.rel);
		}
	}
}

static size_t
times_seen(const struct fixture *f, const char *rel)
{
	size_t n = 0;

	for (size_t i = 0; i < f->nseen; i++)
		n += strcmp(f->seen[i], rel) == 0;
	return n;
}

static void
write_file(const char *dir, const char *rel, const char *content)
{
	char path[600];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", dir, rel);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(content, fp);
	fclose(fp);
}

static void
mkdirs(const char *dir, const char *rel)
{
	char cmd[700];

	snprintf(cmd, sizeof cmd, "mkdir -p '%s/%s'", dir, rel);
	assert_int_equal(system(cmd), 0);
}

static void
ways_of_arriving(void **state)
{
	struct fixture *f = *state;
	char a[600], b[600];

	start(f, 100, 0, NULL);
	/* Written and closed. */
	write_file(f->root, "plain.json", "[1]");
	/* mkdir -p and a file at once: the new-directory race. */
	mkdirs(f->root, "a/b/c");
	write_file(f->root, "a/b/c/deep.json", "[2]");
	/* Atomic rename from a dotfile. */
	write_file(f->root, ".renamed.json.tmp", "[3]");
	snprintf(a, sizeof a, "%s/.renamed.json.tmp", f->root);
	snprintf(b, sizeof b, "%s/renamed.json", f->root);
	assert_int_equal(rename(a, b), 0);
	/* A hard link: IN_CREATE only. */
	write_file(f->outside, "linked.json", "[4]");
	snprintf(a, sizeof a, "%s/linked.json", f->outside);
	snprintf(b, sizeof b, "%s/linked.json", f->root);
	assert_int_equal(link(a, b), 0);
	/* A tree moved in with a file already inside. */
	mkdirs(f->outside, "tree/x");
	write_file(f->outside, "tree/x/moved.json", "[5]");
	snprintf(a, sizeof a, "%s/tree", f->outside);
	snprintf(b, sizeof b, "%s/tree", f->root);
	assert_int_equal(rename(a, b), 0);
	/* Never reported: ignored names, a symbolic link, a FIFO, a sidecar. */
	write_file(f->root, "x.part", "no");
	write_file(f->root, "~lock", "no");
	write_file(f->root, "plain.json.dojo.json", "{}");
	snprintf(a, sizeof a, "%s/link.json", f->root);
	assert_int_equal(symlink("/etc/passwd", a), 0);
	snprintf(a, sizeof a, "%s/fifo.json", f->root);
	assert_int_equal(mkfifo(a, 0600), 0);

	pump(f, LIMIT_MS, 5);
	pump(f, 400, 0);	/* anything wrongly reported would show up now */
	assert_int_equal(f->nseen, 5);
	assert_int_equal(times_seen(f, "plain.json"), 1);
	assert_int_equal(times_seen(f, "a/b/c/deep.json"), 1);
	assert_int_equal(times_seen(f, "renamed.json"), 1);
	assert_int_equal(times_seen(f, "linked.json"), 1);
	assert_int_equal(times_seen(f, "tree/x/moved.json"), 1);
}

static void
writer_in_two_opens(void **state)
{
	struct fixture *f = *state;
	char path[600];
	FILE *fp;

	start(f, 300, 0, NULL);
	snprintf(path, sizeof path, "%s/two.json", f->root);
	fp = fopen(path, "w");
	fputs("[{\"half\":", fp);
	fclose(fp);
	pump(f, 100, 0);	/* shorter than settle */
	fp = fopen(path, "a");
	fputs("1}]", fp);
	fclose(fp);
	pump(f, LIMIT_MS, 1);
	pump(f, 500, 0);
	assert_int_equal(f->nseen, 1);
	assert_string_equal(f->seen[0], "two.json");
	assert_int_equal(f->sizes[0], 12);	/* the whole file, after the second write */
}

static void
growing_file_waits(void **state)
{
	struct fixture *f = *state;
	char path[600];
	int fd;

	start(f, 300, 0, NULL);
	snprintf(path, sizeof path, "%s/growing.xml", f->root);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	/* Written through one open fd for longer than settle, a little at a time. */
	for (int i = 0; i < 10; i++) {
		assert_int_equal(write(fd, "<x/>", 4), 4);
		pump(f, 100, 0);
		assert_int_equal(f->nseen, 0);
	}
	close(fd);
	pump(f, LIMIT_MS, 1);
	assert_int_equal(f->nseen, 1);
	assert_int_equal(f->sizes[0], 40);
}

static void
moved_out_before_settling(void **state)
{
	struct fixture *f = *state;
	char a[600], b[600];

	start(f, 300, 0, NULL);
	mkdirs(f->root, "gone/deeper");
	write_file(f->root, "gone/deeper/r.json", "[1]");
	pump(f, 50, 0);
	snprintf(a, sizeof a, "%s/gone", f->root);
	snprintf(b, sizeof b, "%s/gone", f->outside);
	assert_int_equal(rename(a, b), 0);
	/* Files written in the moved tree later are outside the root: never reported. */
	write_file(f->outside, "gone/deeper/later.json", "[2]");
	write_file(f->root, "stay.json", "[3]");
	pump(f, LIMIT_MS, 1);
	pump(f, 600, 0);
	assert_int_equal(f->nseen, 1);
	assert_string_equal(f->seen[0], "stay.json");
}

static void
skip_directory(void **state)
{
	struct fixture *f = *state;
	char skip[600];

	snprintf(skip, sizeof skip, "%s/spool", f->root);
	mkdirs(f->root, "spool/queue");
	write_file(f->root, "spool/queue/inside.json", "[1]");
	mkdirs(f->root, "b");
	write_file(f->root, "b/2.json", "[2]");
	write_file(f->root, "a.json", "[3]");
	write_file(f->root, ".hidden", "[4]");
	write_file(f->root, "c.tmp", "[5]");

	start(f, 0, 0, skip);
	pump(f, LIMIT_MS, 2);
	pump(f, 300, 0);
	assert_int_equal(f->nseen, 2);
	assert_int_equal(times_seen(f, "a.json"), 1);
	assert_int_equal(times_seen(f, "b/2.json"), 1);
	/* Written into the skip directory later: still never reported. */
	write_file(f->root, "spool/queue/later.json", "[6]");
	pump(f, 300, 0);
	assert_int_equal(f->nseen, 2);
}

/* What watch_walk passed to found, in order. */
static char walked[16][64];
static int nwalked;

static void
record_walk(struct watch_walk *ww, int dirfd, const char *rel, const char *name, const struct stat *st)
{
	(void)ww;
	(void)dirfd;
	(void)st;
	assert_non_null(strstr(rel, name));
	snprintf(walked[nwalked++], sizeof walked[0], "%s", rel);
}

static void
walk_order(void **state)
{
	struct fixture *f = *state;
	char skip[600], path[600];
	struct watch_root_conf rc = { "t", f->root, skip, 0, 0, ignore };
	struct watch_walk ww = { &rc, record_walk, NULL };
	int fd;

	snprintf(skip, sizeof skip, "%s/.dojobridge", f->root);
	mkdirs(f->root, ".dojobridge/queue");
	mkdirs(f->root, "b");
	write_file(f->root, "b/2.json", "[2]");
	write_file(f->root, "a.json", "[3]");
	write_file(f->root, "c.tmp", "[5]");
	snprintf(path, sizeof path, "%s/fifo", f->root);
	assert_int_equal(mkfifo(path, 0600), 0);
	nwalked = 0;
	fd = open(f->root, O_RDONLY | O_DIRECTORY);
	watch_walk(&ww, fd, "");
	close(fd);
	/* Every non-directory (a FIFO too: once fails it with a reason), in name order. */
	assert_int_equal(nwalked, 3);
	assert_string_equal(walked[0], "a.json");
	assert_string_equal(walked[1], "b/2.json");
	assert_string_equal(walked[2], "fifo");
}

static void
polled_root(void **state)
{
	struct fixture *f = *state;
	struct watch_root_info info;
	char env[400];

	snprintf(env, sizeof env, "%s=nfs4", f->root);
	setenv("DOJOBRIDGE_TEST_FSTYPE", env, 1);
	start(f, 0, -1, NULL);
	unsetenv("DOJOBRIDGE_TEST_FSTYPE");
	watch_root_info(f->w, 0, &info);
	assert_int_equal(info.mode, WATCH_POLL);
	assert_string_equal(info.fstype, "nfs4");
	assert_non_null(info.why);
	write_file(f->root, "r.json", "[1]");
	pump(f, LIMIT_MS, 1);
	assert_int_equal(f->nseen, 1);
}

/* Read and throw away every queued inotify event: as if the kernel had dropped them. */
static void
lose_events(struct fixture *f)
{
	char buf[65536];

	while (read(watch_fd(f->w), buf, sizeof buf) > 0)
		;
}

static void
polling_finds_what_events_missed(void **state)
{
	struct fixture *f = *state;

	start(f, 0, 200, NULL);		/* poll = 200ms */
	mkdirs(f->root, "sub");
	pump(f, 100, 0);
	write_file(f->root, "sub/unseen.json", "[1]");
	lose_events(f);
	pump(f, LIMIT_MS, 1);
	assert_int_equal(f->nseen, 1);
	assert_string_equal(f->seen[0], "sub/unseen.json");
}

static void
rescan_finds_what_events_missed(void **state)
{
	struct fixture *f = *state;
	struct watch_root_conf rc = { "t", f->root, NULL, 0, 0, ignore };

	f->w = watch_new(1000);		/* rescan_interval = 1s, no polling */
	assert_int_equal(watch_add_root(f->w, &rc), 0);
	mkdirs(f->root, "new/deeper");	/* a directory whose watch is never added... */
	write_file(f->root, "new/deeper/unseen.json", "[1]");
	lose_events(f);			/* ...because its event was lost */
	pump(f, LIMIT_MS, 1);
	assert_int_equal(f->nseen, 1);
	/* The rescan also watched the new directories: the next file comes by event. */
	write_file(f->root, "new/deeper/second.json", "[2]");
	pump(f, LIMIT_MS, 2);
	assert_int_equal(times_seen(f, "new/deeper/second.json"), 1);
}

static void
root_appears_later(void **state)
{
	struct fixture *f = *state;
	struct watch_root_info info;

	assert_int_equal(rmdir(f->root), 0);
	start(f, 0, 0, NULL);
	watch_root_info(f->w, 0, &info);
	assert_int_equal(info.mode, WATCH_DOWN);
	assert_int_equal(mkdir(f->root, 0700), 0);
	write_file(f->root, "early.json", "[1]");
	pump(f, LIMIT_MS, 1);	/* the root is looked for every few seconds */
	assert_int_equal(f->nseen, 1);
	watch_root_info(f->w, 0, &info);
	assert_int_equal(info.mode, WATCH_INOTIFY);
	write_file(f->root, "late.json", "[2]");
	pump(f, LIMIT_MS, 2);
	assert_int_equal(times_seen(f, "late.json"), 1);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
many_files_once_each(void **state)
{
	struct fixture *f = *state;
	char rel[64];

	start(f, 50, 0, NULL);
	for (int d = 0; d < 10; d++) {
		snprintf(rel, sizeof rel, "d%d", d);
		mkdirs(f->root, rel);
	}
	pump(f, 100, 0);
	for (int i = 0; i < 5000; i++) {
		snprintf(rel, sizeof rel, "d%d/r%d.json", i % 10, i);
		write_file(f->root, rel, "[1]");
	}
	pump(f, 30000, 5000);
	pump(f, 300, 0);
	assert_int_equal(f->nseen, 5000);
	/* Each exactly once: sort and look for neighbours that are equal. */
	qsort(f->seen, f->nseen, sizeof *f->seen, by_name);
	for (size_t i = 1; i < f->nseen; i++)
		assert_true(strcmp(f->seen[i - 1], f->seen[i]) != 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(ways_of_arriving, setup, teardown),
		cmocka_unit_test_setup_teardown(writer_in_two_opens, setup, teardown),
		cmocka_unit_test_setup_teardown(growing_file_waits, setup, teardown),
		cmocka_unit_test_setup_teardown(moved_out_before_settling, setup, teardown),
		cmocka_unit_test_setup_teardown(skip_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(walk_order, setup, teardown),
		cmocka_unit_test_setup_teardown(polled_root, setup, teardown),
		cmocka_unit_test_setup_teardown(polling_finds_what_events_missed, setup, teardown),
		cmocka_unit_test_setup_teardown(rescan_finds_what_events_missed, setup, teardown),
		cmocka_unit_test_setup_teardown(root_appears_later, setup, teardown),
		cmocka_unit_test_setup_teardown(many_files_once_each, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
