/*
 * Unit tests for watch/: real inotify on temporary directories.  Every way a
 * file can arrive is reported once it settled, once; temp names, ignored
 * names, links, FIFOs, the skip directory and whatever left the tree never
 * are; lost events are made up for by polls, rescans and overflow handling.
 * Nothing here asserts on timing: pump() runs the watcher's loop until what
 * is expected was reported or a generous limit passed, and then the test
 * checks what was reported.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "watch.h"
#include "testutil.h"

#define LIMIT_MS 10000		/* how long to wait for what must come */
#define QUIET_MS 400		/* how long to look for what must not come */

struct fixture {
	char base[256];
	char root[300];
	char outside[300];
	struct watch *w;
	char **seen;		/* rel paths reported ready, in order */
	struct stat *sts;
	size_t nseen;
};

static char *const ignore[] = { ".*", "*.tmp", "*.part", "~*", NULL };

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	const char *tmp = getenv("TMPDIR");

	snprintf(f->base, sizeof f->base, "%s/dojobridge-watch.XXXXXX", tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->base));
	snprintf(f->root, sizeof f->root, "%s/drop", f->base);
	snprintf(f->outside, sizeof f->outside, "%s/outside", f->base);
	assert_int_equal(mkdir(f->root, 0700), 0);
	assert_int_equal(mkdir(f->outside, 0700), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	watch_free(f->w);
	for (size_t i = 0; i < f->nseen; i++)
		free(f->seen[i]);
	free(f->seen);
	free(f->sts);
	rm_rf(f->base);
	free(f);
	return 0;
}

static void
start_with(struct fixture *f, long rescan_ms, long settle_ms, long poll_ms, const char *skip)
{
	struct watch_root_conf rc = { "t", f->root, skip, settle_ms, poll_ms, ignore };

	f->w = watch_new(rescan_ms);
	assert_non_null(f->w);
	assert_int_equal(watch_add_root(f->w, &rc), 0);
}

static void
start(struct fixture *f, long settle_ms, long poll_ms, const char *skip)
{
	start_with(f, 60000, settle_ms, poll_ms, skip);
}

/* Run the watcher's loop for up to ms, collecting what becomes ready; stop early once want were seen. */
static void
pump(struct fixture *f, long ms, size_t want)
{
	long long end = watch_now_ms() + ms;
	struct watch_ready r;

	while (watch_now_ms() < end && (want == 0 || f->nseen < want)) {
		struct pollfd pfd = { watch_fd(f->w), POLLIN, 0 };
		long long next = watch_next_deadline(f->w), now = watch_now_ms();
		int timeout = (int)(end - now);

		if (timeout < 0)
			timeout = 0;
		if (next >= 0 && next - now < timeout)
			timeout = next > now ? (int)(next - now) : 0;
		if (poll(&pfd, 1, timeout) > 0)
			watch_handle(f->w);
		next = watch_next_deadline(f->w);
		if (next >= 0 && watch_now_ms() >= next)
			watch_run_timers(f->w);
		while (watch_next_ready(f->w, &r) == 1) {
			f->seen = realloc(f->seen, (f->nseen + 1) * sizeof *f->seen);
			f->sts = realloc(f->sts, (f->nseen + 1) * sizeof *f->sts);
			f->seen[f->nseen] = strdup(r.rel);
			f->sts[f->nseen] = r.st;
			f->nseen++;
			assert_int_equal(r.root, 0);
			assert_string_equal(r.name, strrchr(r.rel, '/') ? strrchr(r.rel, '/') + 1 : r.rel);
			assert_true(S_ISREG(r.st.st_mode));
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

static const struct stat *
stat_seen(const struct fixture *f, const char *rel)
{
	for (size_t i = 0; i < f->nseen; i++)
		if (strcmp(f->seen[i], rel) == 0)
			return &f->sts[i];
	fail_msg("%s was not reported", rel);
	return NULL;
}

static void
path_of(char *out, size_t n, const char *dir, const char *rel)
{
	assert_true((size_t)snprintf(out, n, "%s/%s", dir, rel) < n);
}

static void
write_file(const char *dir, const char *rel, const char *content)
{
	char path[1200];
	FILE *fp;

	path_of(path, sizeof path, dir, rel);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(content, fp);
	assert_int_equal(fclose(fp), 0);
}

/* mkdir -p dir/rel */
static void
mkdirs(const char *dir, const char *rel)
{
	char path[1200];

	path_of(path, sizeof path, dir, rel);
	for (char *p = path + strlen(dir) + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			assert_true(mkdir(path, 0700) == 0 || errno == EEXIST);
			*p = c;
			if (c == '\0')
				break;
		}
	}
}

static void
move(const char *from_dir, const char *from, const char *to_dir, const char *to)
{
	char a[1200], b[1200];

	path_of(a, sizeof a, from_dir, from);
	path_of(b, sizeof b, to_dir, to);
	assert_int_equal(rename(a, b), 0);
}

/* Read and throw away every queued inotify event: as if the kernel had dropped them. */
static void
lose_events(struct fixture *f)
{
	char buf[65536];

	while (read(watch_fd(f->w), buf, sizeof buf) > 0)
		;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every report seen exactly once: sort and look for equal neighbours. */
static void
assert_all_distinct(struct fixture *f)
{
	qsort(f->seen, f->nseen, sizeof *f->seen, by_name);
	for (size_t i = 1; i < f->nseen; i++)
		assert_true(strcmp(f->seen[i - 1], f->seen[i]) != 0);
}

/* --- tests -------------------------------------------------------------------- */

static void
ways_of_arriving(void **state)
{
	struct fixture *f = *state;
	char a[1200], b[1200];
	struct stat st;

	start(f, 100, 0, NULL);
	/* Written and closed. */
	write_file(f->root, "plain.json", "[1]");
	/* mkdir -p and a file at once: the new-directory race. */
	mkdirs(f->root, "a/b/c");
	write_file(f->root, "a/b/c/deep.json", "[2]");
	/* Atomic rename from a dotfile temp name. */
	write_file(f->root, ".renamed.json.tmp", "[3]");
	move(f->root, ".renamed.json.tmp", f->root, "renamed.json");
	/* A hard link: IN_CREATE only, no IN_CLOSE_WRITE in the drop. */
	write_file(f->outside, "linked.json", "[4]");
	path_of(a, sizeof a, f->outside, "linked.json");
	path_of(b, sizeof b, f->root, "linked.json");
	assert_int_equal(link(a, b), 0);

	pump(f, LIMIT_MS, 4);
	pump(f, QUIET_MS, 0);	/* anything wrongly reported would show up now */
	assert_int_equal(f->nseen, 4);
	assert_int_equal(times_seen(f, "plain.json"), 1);
	assert_int_equal(times_seen(f, "a/b/c/deep.json"), 1);
	assert_int_equal(times_seen(f, "renamed.json"), 1);
	assert_int_equal(times_seen(f, "linked.json"), 1);
	/* The whole lstat comes with the report. */
	path_of(a, sizeof a, f->root, "linked.json");
	assert_int_equal(lstat(a, &st), 0);
	assert_true(stat_seen(f, "linked.json")->st_ino == st.st_ino);
	assert_true(stat_seen(f, "linked.json")->st_mode == st.st_mode);
	assert_int_equal(stat_seen(f, "linked.json")->st_nlink, 2);
}

static void
never_reported(void **state)
{
	struct fixture *f = *state;
	char a[1200];

	start(f, 50, 0, NULL);
	/* Ignored names, a sidecar, our own names, a symlink, a FIFO, a link to a directory. */
	write_file(f->root, "x.part", "no");
	write_file(f->root, "y.tmp", "no");
	write_file(f->root, "~lock", "no");
	write_file(f->root, ".hidden.json", "no");
	write_file(f->root, "r.json.dojo.json", "{}");
	write_file(f->root, ".dojobridge-policy", "{}");
	path_of(a, sizeof a, f->root, "link.json");
	assert_int_equal(symlink("/etc/passwd", a), 0);
	path_of(a, sizeof a, f->root, "fifo.json");
	assert_int_equal(mkfifo(a, 0600), 0);
	write_file(f->outside, "beyond.json", "[1]");
	path_of(a, sizeof a, f->root, "linkdir");
	assert_int_equal(symlink(f->outside, a), 0);
	/* An ignored directory is not entered either. */
	mkdirs(f->root, ".cache");
	write_file(f->root, ".cache/inside.json", "no");
	/* The one file that is reported, so that we know the watcher went past the rest. */
	write_file(f->root, "yes.json", "[1]");
	pump(f, LIMIT_MS, 1);
	/* Written later, beyond the link: not watched, never reported. */
	write_file(f->outside, "later.json", "[2]");
	pump(f, QUIET_MS, 0);
	assert_int_equal(f->nseen, 1);
	assert_string_equal(f->seen[0], "yes.json");
	/* A full rescan does not find them either. */
	watch_rescan_all(f->w);
	pump(f, QUIET_MS, 0);
	assert_int_equal(f->nseen, 2);
	assert_string_equal(f->seen[1], "yes.json");
}

static void
writer_in_two_opens(void **state)
{
	struct fixture *f = *state;
	char path[1200];
	FILE *fp;

	start(f, 500, 0, NULL);
	path_of(path, sizeof path, f->root, "two.json");
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("[{\"half\":", fp);
	fclose(fp);
	pump(f, 100, 0);	/* shorter than settle */
	fp = fopen(path, "a");
	assert_non_null(fp);
	fputs("1}]", fp);
	fclose(fp);
	pump(f, LIMIT_MS, 1);
	pump(f, 700, 0);
	assert_int_equal(f->nseen, 1);
	assert_string_equal(f->seen[0], "two.json");
	assert_int_equal(f->sts[0].st_size, 12);	/* the whole file, after the second write */
}

static void
growing_file_waits(void **state)
{
	struct fixture *f = *state;
	char path[1200];
	int fd;

	start(f, 500, 0, NULL);
	path_of(path, sizeof path, f->root, "growing.xml");
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	/* Written through one open fd for much longer than settle, a little at a time. */
	for (int i = 0; i < 20; i++) {
		assert_int_equal(write(fd, "<x/>", 4), 4);
		pump(f, 60, 0);
		assert_int_equal(f->nseen, 0);
	}
	close(fd);
	pump(f, LIMIT_MS, 1);
	pump(f, 700, 0);
	assert_int_equal(f->nseen, 1);
	assert_int_equal(f->sts[0].st_size, 80);
}

static void
replaced_or_removed_while_settling(void **state)
{
	struct fixture *f = *state;
	char a[1200];

	start(f, 200, 0, NULL);
	/* Replaced by a rename while settling: reported once, the new content. */
	write_file(f->root, "swap.json", "[1]");
	write_file(f->root, ".swap.json.new", "[1, 2, 3]");
	move(f->root, ".swap.json.new", f->root, "swap.json");
	/* Removed before it settled: never reported. */
	write_file(f->root, "gone.json", "[1]");
	path_of(a, sizeof a, f->root, "gone.json");
	assert_int_equal(unlink(a), 0);
	/* Moved to an ignored name before it settled: never reported. */
	write_file(f->root, "hide.json", "[1]");
	move(f->root, "hide.json", f->root, "hide.json.part");
	pump(f, LIMIT_MS, 1);
	pump(f, QUIET_MS, 0);
	assert_int_equal(f->nseen, 1);
	assert_string_equal(f->seen[0], "swap.json");
	assert_int_equal(f->sts[0].st_size, 9);
}

static void
directory_moved_in(void **state)
{
	struct fixture *f = *state;

	start(f, 100, 0, NULL);
	mkdirs(f->outside, "tree/x/y");
	write_file(f->outside, "tree/a.json", "[1]");
	write_file(f->outside, "tree/x/y/b.json", "[2]");
	move(f->outside, "tree", f->root, "tree");
	pump(f, LIMIT_MS, 2);
	/* The moved tree is watched now: a file written in it later comes by event. */
	write_file(f->root, "tree/x/y/c.json", "[3]");
	pump(f, LIMIT_MS, 3);
	pump(f, QUIET_MS, 0);
	assert_int_equal(f->nseen, 3);
	assert_int_equal(times_seen(f, "tree/a.json"), 1);
	assert_int_equal(times_seen(f, "tree/x/y/b.json"), 1);
	assert_int_equal(times_seen(f, "tree/x/y/c.json"), 1);
}

static void
directory_moved_out(void **state)
{
	struct fixture *f = *state;
	struct watch_root_info info;

	start(f, 300, 0, NULL);
	mkdirs(f->root, "gone/deeper");
	write_file(f->root, "gone/deeper/r.json", "[1]");
	pump(f, 50, 0);
	watch_root_info(f->w, 0, &info);
	assert_int_equal(info.dirs, 3);
	move(f->root, "gone", f->outside, "gone");
	/* Files written in the moved tree later are outside the root: never reported. */
	write_file(f->outside, "gone/deeper/later.json", "[2]");
	write_file(f->root, "stay.json", "[3]");
	pump(f, LIMIT_MS, 1);
	pump(f, 700, 0);
	assert_int_equal(f->nseen, 1);
	assert_string_equal(f->seen[0], "stay.json");
	watch_root_info(f->w, 0, &info);
	assert_int_equal(info.dirs, 1);
	assert_int_equal(info.pending, 0);
}

static void
directory_moved_within(void **state)
{
	struct fixture *f = *state;

	start(f, 200, 0, NULL);
	mkdirs(f->root, "a/x");
	mkdirs(f->root, "b");
	pump(f, 50, 0);
	write_file(f->root, "a/x/f.json", "[1]");
	move(f->root, "a/x", f->root, "b/x");	/* before the watcher even looked */
	pump(f, LIMIT_MS, 1);
	write_file(f->root, "b/x/g.json", "[2]");
	pump(f, LIMIT_MS, 2);
	pump(f, QUIET_MS, 0);
	assert_int_equal(f->nseen, 2);
	assert_int_equal(times_seen(f, "b/x/f.json"), 1);
	assert_int_equal(times_seen(f, "b/x/g.json"), 1);
}

/* A directory swapped for a link to elsewhere while a file in it settles: nothing is read through the link. */
static void
directory_swapped_for_link(void **state)
{
	struct fixture *f = *state;
	char a[1200];

	start(f, 1000, 0, NULL);
	mkdirs(f->root, "sub");
	write_file(f->root, "sub/f.json", "[1]");
	pump(f, 50, 0);		/* a candidate now, far from settled */
	assert_int_equal(f->nseen, 0);
	write_file(f->outside, "f.json", "[\"secret\"]");
	move(f->root, "sub", f->outside, "sub");
	path_of(a, sizeof a, f->root, "sub");
	assert_int_equal(symlink(f->outside, a), 0);
	lose_events(f);		/* the watcher never hears of the swap */
	pump(f, 2500, 0);
	assert_int_equal(times_seen(f, "sub/f.json"), 0);
	assert_int_equal(f->nseen, 0);
}

static void
skip_directory(void **state)
{
	struct fixture *f = *state;
	char skip[1200];

	path_of(skip, sizeof skip, f->root, "spool");
	mkdirs(f->root, "spool/queue");
	write_file(f->root, "spool/queue/inside.json", "[1]");
	mkdirs(f->root, "b");
	write_file(f->root, "b/2.json", "[2]");
	write_file(f->root, "a.json", "[3]");

	start(f, 0, 0, skip);	/* settle 0: ready when seen */
	pump(f, LIMIT_MS, 2);
	pump(f, QUIET_MS, 0);
	assert_int_equal(f->nseen, 2);
	assert_int_equal(times_seen(f, "a.json"), 1);
	assert_int_equal(times_seen(f, "b/2.json"), 1);
	/* Written into the skip directory later: still never reported. */
	write_file(f->root, "spool/queue/later.json", "[6]");
	write_file(f->root, "c.json", "[4]");
	pump(f, LIMIT_MS, 3);
	pump(f, QUIET_MS, 0);
	assert_int_equal(f->nseen, 3);
	assert_int_equal(times_seen(f, "c.json"), 1);
}

/* The skip directory created after the watcher started (the spool made later) is not entered either. */
static void
skip_directory_made_later(void **state)
{
	struct fixture *f = *state;
	char skip[1200];

	path_of(skip, sizeof skip, f->root, "spool");
	start(f, 50, 0, skip);
	mkdirs(f->outside, "spool/queue");
	write_file(f->outside, "spool/queue/job.json", "[1]");
	move(f->outside, "spool", f->root, "spool");
	write_file(f->root, "spool/queue/later.json", "[2]");
	write_file(f->root, "r.json", "[3]");
	pump(f, LIMIT_MS, 1);
	pump(f, QUIET_MS, 0);
	assert_int_equal(f->nseen, 1);
	assert_string_equal(f->seen[0], "r.json");
}

static void
depth_limit(void **state)
{
	struct fixture *f = *state;
	char rel[1000] = "", file[1100];
	size_t len = 0;

	/* WATCH_MAX_DEPTH directories deep is entered, one more is not. */
	for (int i = 0; i <= WATCH_MAX_DEPTH; i++) {
		len += (size_t)snprintf(rel + len, sizeof rel - len, "%sd", i ? "/" : "");
		mkdirs(f->root, rel);
		snprintf(file, sizeof file, "%s/f%d.json", rel, i + 1);
		write_file(f->root, file, "[1]");
	}
	start(f, 0, 0, NULL);
	pump(f, LIMIT_MS, WATCH_MAX_DEPTH);
	pump(f, QUIET_MS, 0);
	assert_int_equal(f->nseen, WATCH_MAX_DEPTH);
	for (size_t i = 0; i < f->nseen; i++)
		assert_null(strstr(f->seen[i], "f33.json"));
}

/* What watch_walk passed to found, in order. */
struct walked {
	char rel[40][160];
	int n;
};

static void
record_walk(struct watch_walk *ww, int dirfd, const char *rel, const char *name, const struct stat *st)
{
	struct walked *wk = ww->ctx;
	struct stat again;

	/* dirfd is the directory holding name. */
	assert_int_equal(fstatat(dirfd, name, &again, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(again.st_ino == st->st_ino);
	assert_string_equal(name, strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel);
	assert_true(wk->n < 40);
	snprintf(wk->rel[wk->n++], sizeof wk->rel[0], "%s", rel);
}

static void
walk_order_and_skipping(void **state)
{
	struct fixture *f = *state;
	char skip[1200], path[1200], rel[1000] = "";
	struct watch_root_conf rc = { "t", f->root, skip, 0, 0, ignore };
	struct walked wk = { .n = 0 };
	struct watch_walk ww = { &rc, record_walk, &wk };
	size_t len = 0;
	int fd;

	path_of(skip, sizeof skip, f->root, "spool");
	mkdirs(f->root, "spool/queue");
	write_file(f->root, "spool/queue/job.json", "[0]");
	mkdirs(f->root, "b");
	write_file(f->root, "b/2.json", "[2]");
	write_file(f->root, "a.json", "[3]");
	write_file(f->root, "C.json", "[4]");
	write_file(f->root, "c.tmp", "[5]");
	write_file(f->root, "a.json.dojo.json", "{}");
	write_file(f->root, ".hidden", "[6]");
	path_of(path, sizeof path, f->root, "fifo");
	assert_int_equal(mkfifo(path, 0600), 0);
	path_of(path, sizeof path, f->root, "link");
	assert_int_equal(symlink("/etc/passwd", path), 0);
	path_of(path, sizeof path, f->root, "linkdir");
	assert_int_equal(symlink(f->outside, path), 0);
	write_file(f->outside, "beyond.json", "[7]");
	for (int i = 0; i <= WATCH_MAX_DEPTH; i++) {
		len += (size_t)snprintf(rel + len, sizeof rel - len, "%sz", i ? "/" : "");
		mkdirs(f->root, rel);
	}
	path_of(path, sizeof path, rel, "too-deep.json");
	write_file(f->root, path, "[8]");
	/* Two walks through the same fd see the same thing (no shared directory offset). */
	fd = open(f->root, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	for (int pass = 0; pass < 2; pass++) {
		wk.n = 0;
		watch_walk(&ww, fd, "");
		/* Every non-directory (a FIFO and a link too: once fails them with a reason), in order. */
		assert_int_equal(wk.n, 6);
		assert_string_equal(wk.rel[0], "C.json");
		assert_string_equal(wk.rel[1], "a.json");
		assert_string_equal(wk.rel[2], "b/2.json");
		assert_string_equal(wk.rel[3], "fifo");
		assert_string_equal(wk.rel[4], "link");
		assert_string_equal(wk.rel[5], "linkdir");
	}
	close(fd);
	/* A walk of one subdirectory: paths stay relative to the root. */
	path_of(path, sizeof path, f->root, "b");
	fd = open(path, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	wk.n = 0;
	watch_walk(&ww, fd, "b");
	close(fd);
	assert_int_equal(wk.n, 1);
	assert_string_equal(wk.rel[0], "b/2.json");
}

static void
ignored_names(void **state)
{
	struct watch_root_conf rc = { "t", "/x", NULL, 0, 0, ignore };
	struct watch_root_conf bare = { "t", "/x", NULL, 0, 0, NULL };

	(void)state;
	assert_int_equal(watch_ignored(&rc, "r.json"), 0);
	assert_int_equal(watch_ignored(&rc, ".r.json"), 1);
	assert_int_equal(watch_ignored(&rc, "r.tmp"), 1);
	assert_int_equal(watch_ignored(&rc, "~r"), 1);
	assert_int_equal(watch_ignored(&bare, ".r.json"), 0);
	assert_int_equal(watch_ignored(&bare, "r.json.dojo.json"), 1);
	assert_int_equal(watch_ignored(&bare, ".dojo.json"), 0);
	assert_int_equal(watch_ignored(&bare, ".dojobridge"), 1);
	assert_int_equal(watch_ignored(&bare, ".dojobridge-spool"), 1);
	assert_int_equal(watch_ignored(&bare, "dojobridge"), 0);
}

static void
polled_network_root(void **state)
{
	struct fixture *f = *state;
	struct watch_root_info info;
	char env[400];

	snprintf(env, sizeof env, "%s=nfs4", f->base);
	setenv("DOJOBRIDGE_TEST_FSTYPE", env, 1);
	start(f, 0, -1, NULL);
	watch_root_info(f->w, 0, &info);
	assert_int_equal(info.mode, WATCH_POLL);
	assert_string_equal(info.fstype, "nfs4");
	assert_non_null(info.why);
	assert_non_null(strstr(info.why, "nfs4"));
	/* poll = 0 on the same file system: inotify only. */
	watch_free(f->w);
	start(f, 0, 0, NULL);
	watch_root_info(f->w, 0, &info);
	assert_int_equal(info.mode, WATCH_INOTIFY);
	/* A local file system is not polled in auto mode. */
	snprintf(env, sizeof env, "%s=ext4", f->base);
	setenv("DOJOBRIDGE_TEST_FSTYPE", env, 1);
	watch_free(f->w);
	start(f, 0, -1, NULL);
	watch_root_info(f->w, 0, &info);
	assert_int_equal(info.mode, WATCH_INOTIFY);
	assert_string_equal(info.fstype, "ext4");
	unsetenv("DOJOBRIDGE_TEST_FSTYPE");
	/* Without the hook, the real type from /proc/self/mounts. */
	watch_free(f->w);
	start(f, 0, -1, NULL);
	watch_root_info(f->w, 0, &info);
	assert_true(strcmp(info.fstype, "?") != 0);
	/* The next test starts its own watcher. */
	watch_free(f->w);
	f->w = NULL;
}

/* On a "network" root writes by other hosts raise no event: the poll must find them. */
static void
polling_finds_what_events_missed(void **state)
{
	struct fixture *f = *state;
	struct watch_root_info info;
	char env[400];

	snprintf(env, sizeof env, "%s=cifs", f->base);
	setenv("DOJOBRIDGE_TEST_FSTYPE", env, 1);
	start(f, 0, 200, NULL);		/* poll = 200 ms (auto would be 10 s), rescan 60 s */
	unsetenv("DOJOBRIDGE_TEST_FSTYPE");
	watch_root_info(f->w, 0, &info);
	assert_int_equal(info.mode, WATCH_POLL);
	mkdirs(f->root, "sub");
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

	start_with(f, 1000, 0, 0, NULL);	/* rescan_interval = 1 s, no polling */
	mkdirs(f->root, "new/deeper");		/* a directory whose watch is never added... */
	write_file(f->root, "new/deeper/unseen.json", "[1]");
	lose_events(f);				/* ...because its event was lost */
	pump(f, LIMIT_MS, 1);
	assert_int_equal(f->nseen, 1);
	assert_string_equal(f->seen[0], "new/deeper/unseen.json");
	/* The rescan also watched the new directories: the next file comes by event. */
	write_file(f->root, "new/deeper/second.json", "[2]");
	pump(f, LIMIT_MS, 2);
	assert_int_equal(times_seen(f, "new/deeper/second.json"), 1);
}

/* An event for a watch the watcher does not know means it lost track: it rescans. */
static void
unknown_watch_rescans(void **state)
{
	struct fixture *f = *state;

	start(f, 0, 0, NULL);
	mkdirs(f->root, "sub");
	write_file(f->root, "sub/unseen.json", "[1]");
	lose_events(f);
	/* A watch added behind the watcher's back, then an event on it. */
	assert_true(inotify_add_watch(watch_fd(f->w), f->outside, IN_CREATE) >= 0);
	write_file(f->outside, "poke", "");
	pump(f, LIMIT_MS, 1);
	assert_int_equal(f->nseen, 1);
	assert_string_equal(f->seen[0], "sub/unseen.json");
}

/* More events than the kernel queues (16384 by default): IN_Q_OVERFLOW, then a rescan finds them all. */
static void
overflow_loses_nothing(void **state)
{
	struct fixture *f = *state;
	char rel[64];

	start(f, 50, 0, NULL);
	for (int d = 0; d < 5; d++) {
		snprintf(rel, sizeof rel, "d%d", d);
		mkdirs(f->root, rel);
	}
	pump(f, 50, 0);
	/* Two events each (IN_CREATE, IN_CLOSE_WRITE), none read meanwhile. */
	for (int i = 0; i < 10000; i++) {
		snprintf(rel, sizeof rel, "d%d/r%d.json", i % 5, i);
		write_file(f->root, rel, "[1]");
	}
	pump(f, 60000, 10000);
	pump(f, QUIET_MS, 0);
	assert_int_equal(f->nseen, 10000);
	assert_all_distinct(f);
}

/* Write s to a /proc file: 0, or -1. */
static int
proc_write(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok ? 0 : -1;
}

/* In a child: cmocka's asserts would unwind into the parent's test runner. */
#define CHILD_CHECK(cond) do { if (!(cond)) { fprintf(stderr, "child: %s:%d: %s\n", __FILE__, __LINE__, \
	#cond); _exit(1); } } while (0)

static void
out_of_watches_child(struct fixture *f)
{
	char map[64], rel[64];
	struct watch_root_info info;
	uid_t uid = getuid();
	gid_t gid = getgid();

	/* A user namespace of our own has its own inotify watch limit (user.max_inotify_watches). */
	if (unshare(CLONE_NEWUSER) < 0)
		_exit(77);
	snprintf(map, sizeof map, "0 %u 1", (unsigned)uid);
	if (proc_write("/proc/self/uid_map", map) < 0)
		_exit(77);
	proc_write("/proc/self/setgroups", "deny");
	snprintf(map, sizeof map, "0 %u 1", (unsigned)gid);
	if (proc_write("/proc/self/gid_map", map) < 0 ||
	    proc_write("/proc/sys/user/max_inotify_watches", "3") < 0)
		_exit(77);
	for (int d = 0; d < 10; d++) {
		snprintf(rel, sizeof rel, "d%d", d);
		mkdirs(f->root, rel);
	}
	start(f, 0, 0, NULL);		/* poll = 0: polled only because the watches ran out */
	watch_root_info(f->w, 0, &info);
	CHILD_CHECK(info.mode == WATCH_POLL);
	CHILD_CHECK(info.why != NULL && strstr(info.why, "max_user_watches") != NULL);
	CHILD_CHECK(info.dirs == 3);
	/* Polled every 10 s from now on (auto): no sooner, no later. */
	CHILD_CHECK(watch_next_deadline(f->w) <= watch_now_ms() + 10000);
	CHILD_CHECK(watch_next_deadline(f->w) > watch_now_ms() + 5000);
	/* Watches to be had again: the next rescan takes them and stops polling. */
	CHILD_CHECK(proc_write("/proc/sys/user/max_inotify_watches", "1000") == 0);
	watch_rescan_all(f->w);
	watch_root_info(f->w, 0, &info);
	CHILD_CHECK(info.mode == WATCH_INOTIFY);
	CHILD_CHECK(info.why == NULL);
	CHILD_CHECK(info.dirs == 11);
	for (int d = 0; d < 10; d++) {
		snprintf(rel, sizeof rel, "d%d/r.json", d);
		write_file(f->root, rel, "[1]");
	}
	pump(f, LIMIT_MS, 10);
	CHILD_CHECK(f->nseen == 10);
	_exit(0);
}

/* ENOSPC from inotify_add_watch: that root is polled, nothing stops, and it recovers. */
static void
out_of_watches(void **state)
{
	struct fixture *f = *state;
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0)
		out_of_watches_child(f);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();		/* no user namespaces here */
	assert_int_equal(WEXITSTATUS(status), 0);
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
	assert_non_null(info.why);
	/* Nothing to do until the retry: no busy loop. */
	assert_true(watch_next_deadline(f->w) > watch_now_ms() + 1000);
	assert_int_equal(mkdir(f->root, 0700), 0);
	mkdirs(f->root, "a/b");
	write_file(f->root, "a/b/early.json", "[1]");
	pump(f, LIMIT_MS, 1);	/* the root is looked for every 5 s */
	assert_int_equal(f->nseen, 1);
	assert_string_equal(f->seen[0], "a/b/early.json");
	watch_root_info(f->w, 0, &info);
	assert_int_equal(info.mode, WATCH_INOTIFY);
	write_file(f->root, "late.json", "[2]");
	pump(f, LIMIT_MS, 2);
	assert_int_equal(times_seen(f, "late.json"), 1);
}

/* The root removed, then made again: down, looked for, watched again. */
static void
root_removed_and_back(void **state)
{
	struct fixture *f = *state;
	struct watch_root_info info;

	start(f, 0, 0, NULL);
	mkdirs(f->root, "sub");
	pump(f, 50, 0);
	rm_rf(f->root);
	pump(f, 200, 0);
	assert_int_equal(mkdir(f->root, 0700), 0);
	mkdirs(f->root, "sub");
	write_file(f->root, "sub/back.json", "[1]");
	pump(f, LIMIT_MS, 1);
	assert_int_equal(f->nseen, 1);
	assert_string_equal(f->seen[0], "sub/back.json");
	watch_root_info(f->w, 0, &info);
	assert_int_equal(info.mode, WATCH_INOTIFY);
	assert_int_equal(info.dirs, 2);
}

/* The root moved away and a new directory put in its place: the new one is watched, the old one not. */
static void
root_replaced(void **state)
{
	struct fixture *f = *state;
	char old[1200];

	start(f, 0, 0, NULL);
	pump(f, 50, 0);
	path_of(old, sizeof old, f->base, "drop.old");
	assert_int_equal(rename(f->root, old), 0);
	assert_int_equal(mkdir(f->root, 0700), 0);
	write_file(old, "old.json", "[1]");
	write_file(f->root, "new.json", "[2]");
	pump(f, LIMIT_MS, 1);
	write_file(old, "older.json", "[3]");
	write_file(f->root, "newer.json", "[4]");
	pump(f, LIMIT_MS, 2);
	pump(f, QUIET_MS, 0);
	assert_int_equal(f->nseen, 2);
	assert_int_equal(times_seen(f, "new.json"), 1);
	assert_int_equal(times_seen(f, "newer.json"), 1);
}

/* With nothing going on, the only wake-up is the rescan. */
static void
idle_means_no_wakeups(void **state)
{
	struct fixture *f = *state;

	start(f, 100, 0, NULL);
	mkdirs(f->root, "a/b");
	pump(f, 100, 0);
	assert_true(watch_next_deadline(f->w) > watch_now_ms() + 50000);
	write_file(f->root, "a/b/r.json", "[1]");
	pump(f, LIMIT_MS, 1);
	assert_true(watch_next_deadline(f->w) > watch_now_ms() + 50000);
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
		if (i % 500 == 0)
			pump(f, 0, 0);	/* the watcher keeps up as a daemon would */
	}
	pump(f, 60000, 5000);
	pump(f, QUIET_MS, 0);
	assert_int_equal(f->nseen, 5000);
	assert_all_distinct(f);
}

/* Thousands of directories: all watched, all files found, a subtree moved out drops its watches. */
static void
thousands_of_directories(void **state)
{
	struct fixture *f = *state;
	struct watch_root_info info;
	char rel[64];

	for (int i = 0; i < 2000; i++) {
		snprintf(rel, sizeof rel, "t%d/s%d", i % 20, i);
		mkdirs(f->root, rel);
	}
	start(f, 0, 0, NULL);
	watch_root_info(f->w, 0, &info);
	assert_int_equal(info.dirs, 1 + 20 + 2000);
	for (int i = 0; i < 2000; i += 7) {
		snprintf(rel, sizeof rel, "t%d/s%d/r.json", i % 20, i);
		write_file(f->root, rel, "[1]");
	}
	pump(f, LIMIT_MS * 3, (2000 + 6) / 7);
	assert_int_equal(f->nseen, (2000 + 6) / 7);
	move(f->root, "t0", f->outside, "t0");
	pump(f, 100, 0);
	watch_root_info(f->w, 0, &info);
	assert_int_equal(info.dirs, 1 + 19 + 1900);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(ways_of_arriving, setup, teardown),
		cmocka_unit_test_setup_teardown(never_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(writer_in_two_opens, setup, teardown),
		cmocka_unit_test_setup_teardown(growing_file_waits, setup, teardown),
		cmocka_unit_test_setup_teardown(replaced_or_removed_while_settling, setup, teardown),
		cmocka_unit_test_setup_teardown(directory_moved_in, setup, teardown),
		cmocka_unit_test_setup_teardown(directory_moved_out, setup, teardown),
		cmocka_unit_test_setup_teardown(directory_moved_within, setup, teardown),
		cmocka_unit_test_setup_teardown(directory_swapped_for_link, setup, teardown),
		cmocka_unit_test_setup_teardown(skip_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(skip_directory_made_later, setup, teardown),
		cmocka_unit_test_setup_teardown(depth_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(walk_order_and_skipping, setup, teardown),
		cmocka_unit_test(ignored_names),
		cmocka_unit_test_setup_teardown(polled_network_root, setup, teardown),
		cmocka_unit_test_setup_teardown(polling_finds_what_events_missed, setup, teardown),
		cmocka_unit_test_setup_teardown(rescan_finds_what_events_missed, setup, teardown),
		cmocka_unit_test_setup_teardown(unknown_watch_rescans, setup, teardown),
		cmocka_unit_test_setup_teardown(overflow_loses_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(out_of_watches, setup, teardown),
		cmocka_unit_test_setup_teardown(root_appears_later, setup, teardown),
		cmocka_unit_test_setup_teardown(root_removed_and_back, setup, teardown),
		cmocka_unit_test_setup_teardown(root_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(idle_means_no_wakeups, setup, teardown),
		cmocka_unit_test_setup_teardown(many_files_once_each, setup, teardown),
		cmocka_unit_test_setup_teardown(thousands_of_directories, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
