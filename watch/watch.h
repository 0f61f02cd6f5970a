/*
 * watch.h — noticing finished report files under the drop roots.
 *
 * The event stream is a hint, the directory listing is the truth: every
 * root is watched with inotify (recursively: add the watch, then list the
 * directory), fully rescanned at start, on IN_Q_OVERFLOW, on ENOSPC from
 * inotify_add_watch (that root then falls back to polling) and every
 * rescan_interval; roots on NFS, SMB/CIFS or FUSE are polled as well.  A
 * candidate is ready when its (size, mtime, inode) stayed the same for the
 * root's settle time, observed by us (debounced per path: every event or
 * change restarts the wait).
 *
 * Invariants:
 * - Every regular file that sits still under a root for settle (plus at
 *   most one rescan or poll interval when events are lost) is reported
 *   ready, once per appearance; a file reported ready and still there at a
 *   later rescan is reported again (the claim rename is the dedupe point).
 * - Ignored names (the root's fnmatch patterns, sidecars `*.dojo.json`,
 *   anything starting with `.dojobridge`) and the skip directory (the
 *   spool) are never reported nor entered; symbolic links are never
 *   followed; directories deeper than WATCH_MAX_DEPTH are not entered.
 * - The watcher never opens, reads or moves a file: it only lists and
 *   stats.  What to do with a ready file is the caller's business.
 * - No work happens without a reason: besides events, the only timers are
 *   settle deadlines, polls of polled roots, the rescan, and the retry of a
 *   root that is down.
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
	long settle_ms;			/* quiet time before a file is ready; 0: ready when seen */
	long poll_ms;			/* -1 auto (poll network/FUSE roots every 10 s), 0 never
					   poll, > 0 poll every poll_ms besides inotify */
	char *const *ignore;		/* fnmatch(3) patterns (FNM_PERIOD) on base names, NULL-terminated */
};

struct watch_ready {
	int root;			/* index returned by watch_add_root */
	const char *rel;		/* path under the root, '/'-separated; valid until the next call */
	const char *name;		/* its last component (points into rel) */
	struct stat st;			/* as last seen (lstat) */
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

/* Drain every pending inotify event.  Cheap: it only updates candidates. */
void watch_handle(struct watch *w);

/* Run whatever timers are due (settle, polls, rescan, re-arming roots). */
void watch_run_timers(struct watch *w);

/* CLOCK_MONOTONIC milliseconds at which watch_run_timers has work, or -1. */
long long watch_next_deadline(const struct watch *w);

/* Pop the next ready file: 1 with *out filled, 0 when none is ready. */
int watch_next_ready(struct watch *w, struct watch_ready *out);

/* Rescan every root now (after SIGHUP, or when the caller lost track). */
void watch_rescan_all(struct watch *w);

void watch_root_info(const struct watch *w, int root, struct watch_root_info *info);

/*
 * Walk one tree once, in name order, without inotify: every regular or
 * other non-directory entry that is not ignored is passed to found with
 * the fd of its directory.  Used by `once` and `plan`.
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
