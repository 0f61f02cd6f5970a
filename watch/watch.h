/*
 * watch.h — noticing finished report files under the drop roots.
 *
 * The event stream is a hint, the directory listing is the truth: every
 * root is watched with inotify (recursively: add the watch, then list the
 * directory), fully rescanned at start, on IN_Q_OVERFLOW, on an event for a
 * watch we do not know, and every rescan_interval; a root whose watches run
 * out (ENOSPC) is polled as well, and so are roots on NFS, SMB/CIFS, FUSE
 * and other network file systems (found in /proc/self/mounts, else by
 * statfs), where inotify cannot see what other hosts write.  A candidate is
 * ready when its (size, mtime, ctime, inode) stayed the same for the root's
 * settle time, observed by us (debounced per path: every event or change
 * restarts the wait).
 *
 * Invariants:
 * - Every regular file that sits still under a root for settle (plus at
 *   most one rescan or poll interval when events are lost) is reported
 *   ready, once per appearance; a file reported ready and still there at a
 *   later rescan is reported again (the claim rename is the dedupe point).
 * - The watcher reports regular files only (lstat): symbolic links, FIFOs,
 *   sockets and devices never become candidates.  watch_walk, on the
 *   contrary, passes every non-directory, so that `once` can fail a FIFO or
 *   a link with a reason the user sees.
 * - Ignored names (the root's fnmatch patterns, sidecars `*.dojo.json`,
 *   anything starting with `.dojobridge`) are never reported nor entered,
 *   nor is the skip directory (the spool, compared by device and inode);
 *   directories deeper than WATCH_MAX_DEPTH below the root are not entered.
 * - Symbolic links are never followed, in the last component or any other:
 *   listings and stats go through directory fds opened beneath the root
 *   without following links, so a directory swapped for a link while we
 *   look leads nowhere.  The root path itself is the configuration's and
 *   may be a link.
 * - The watcher never opens, reads or moves a file: it only lists and
 *   stats.  What to do with a ready file is the caller's business.
 * - No work happens without a reason: besides events, the only timers are
 *   settle deadlines, polls of polled roots, the rescan, and the retry of a
 *   root that is down (every 5 s).
 * - Nothing holds a root open between calls (an fd would keep an NFS mount
 *   busy); a root replaced or mounted over is noticed by its device and
 *   inode at the next rescan or poll and watched again.
 *
 * Test hook: the environment variable DOJOBRIDGE_TEST_FSTYPE, set to
 * "<path prefix>=<fstype>", makes roots under that prefix look like that
 * file system, so that tests can exercise polling without an NFS server.
 */
#ifndef DOJOBRIDGE_WATCH_H
#define DOJOBRIDGE_WATCH_H

#include <stddef.h>
#include <sys/stat.h>

#define WATCH_MAX_DEPTH 32

/* How a root is watched. */
enum watch_mode { WATCH_INOTIFY, WATCH_POLL, WATCH_DOWN };

struct watch_root_conf {
	const char *name;		/* the drop's name, for log lines */
	const char *path;		/* absolute, no trailing slash */
	const char *skip_path;		/* a directory never entered (the spool), or NULL */
	long settle_ms;			/* quiet time before a file is ready; 0: ready at the next
					   watch_run_timers after it is seen */
	long poll_ms;			/* -1 auto (poll network/FUSE roots every 10 s), 0 never
					   poll, > 0 poll every poll_ms besides inotify */
	char *const *ignore;		/* fnmatch(3) patterns (FNM_PERIOD) on base names, NULL-terminated */
};

struct watch_ready {
	int root;			/* index returned by watch_add_root */
	const char *rel;		/* path under the root, '/'-separated; valid until the next
					   watch_next_ready or watch_free */
	const char *name;		/* its last component (points into rel) */
	struct stat st;			/* the whole lstat of the last look (the one that found
					   it settled) */
};

struct watch_root_info {
	enum watch_mode mode;
	const char *fstype;		/* "ext4", "nfs4", ... as found in /proc/self/mounts, or "?" */
	size_t dirs;			/* directories watched */
	size_t pending;			/* candidates waiting to settle */
	const char *why;		/* why polled or down, or NULL */
};

struct watch;

/* A watcher with one inotify instance.  NULL after logging why. */
struct watch *watch_new(long rescan_interval_ms);
void watch_free(struct watch *w);

/*
 * Start watching a root (the conf's strings are copied).  A root that is
 * missing or unreadable is not an error: it is marked down, logged once,
 * and retried every few seconds.  Returns the root's index.
 */
int watch_add_root(struct watch *w, const struct watch_root_conf *rc);

/* The inotify fd, non-blocking: poll it for POLLIN and call watch_handle. */
int watch_fd(const struct watch *w);

/*
 * Drain every pending inotify event.  Cheap: it stats the names events
 * carry and updates candidates; only a directory that appeared is listed
 * here (at once, so that nothing lands in it unseen).
 */
void watch_handle(struct watch *w);

/* Run whatever timers are due (settle, polls, rescan, re-arming roots). */
void watch_run_timers(struct watch *w);

/*
 * CLOCK_MONOTONIC milliseconds at which watch_run_timers has work (never
 * later than the next rescan), or 0 when something is due already: a
 * rescan asked for by an overflow, or ready files watch_next_ready has not
 * handed out yet.
 */
long long watch_next_deadline(const struct watch *w);

/* Pop the next ready file, oldest first: 1 with *out filled, 0 when none is ready. */
int watch_next_ready(struct watch *w, struct watch_ready *out);

/*
 * Rescan every root now (after SIGHUP, or when the caller lost track):
 * roots that are down are looked for, others checked for a mount-over and
 * listed, and watches that ran out are tried again.
 */
void watch_rescan_all(struct watch *w);

void watch_root_info(const struct watch *w, int root, struct watch_root_info *info);

/*
 * Walk one tree once, in alphasort(3) order, without inotify: every
 * non-directory entry that is not ignored (regular files, but also links,
 * FIFOs, sockets, devices: the callback decides) is passed to found with
 * the fd of its directory, its path under the root and its lstat.  dirfd is
 * the directory rel of the root (rel "" for the root); depth is counted
 * from the root.  Ignored names, the skip directory and links to
 * directories are not entered.  Used by `once` and `plan`.
 */
struct watch_walk {
	const struct watch_root_conf *rc;
	void (*found)(struct watch_walk *ww, int dirfd, const char *rel, const char *name,
	    const struct stat *st);
	void *ctx;
};
void watch_walk(struct watch_walk *ww, int dirfd, const char *rel);

/* 1 if name is never a candidate under rc (ignore patterns, sidecars, .dojobridge*). */
int watch_ignored(const struct watch_root_conf *rc, const char *name);

/* CLOCK_MONOTONIC in milliseconds. */
long long watch_now_ms(void);

#endif
