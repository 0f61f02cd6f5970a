/*
 * The watcher (contract in watch.h): inotify on every directory of every
 * root, a listing after each new watch, candidates debounced until their
 * (size, mtime, ctime, inode) held still for settle, and rescans and polls
 * that make up for whatever the kernel did not tell us.  Also the sorted
 * one-shot walk of `once` and `plan`, so that both modes see the same files.
 *
 * Layout of the state:
 *
 *   struct watch
 *     dtab   wd -> struct wdir      every watch we hold, plus "dead" ones we
 *                                   removed and whose IN_IGNORED is still
 *                                   queued (so that a wd we do not know at all
 *                                   means we lost track, and a rescan follows)
 *     ctab   (root, rel) -> cand    every candidate, settling or ready
 *     ready  FIFO of cands          waiting for watch_next_ready
 *     roots[i]
 *       dirs      list of the root's live wdirs (sweeps, subtree drops)
 *       settling  FIFO of cands in deadline order: the settle time is the
 *                 same for the whole root, so (re)arming is unlink + append
 *
 * Path safety: every stat and listing goes through a directory fd opened
 * beneath the root without following any symbolic link (openat2 with
 * RESOLVE_NO_SYMLINKS, or one O_NOFOLLOW openat per component), and watches
 * are added through /proc/self/fd/N of such an fd.  A directory swapped for
 * a link while we look leads nowhere, never outside the tree.  The root fd
 * is opened per call and closed before returning, so that the daemon never
 * holds a mount busy between events.
 */
#include "watch.h"
#include "log.h"
#include "strbuf.h"
#include "xmem.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* statfs(2) f_type values of file systems whose remote writes inotify cannot see (reference §1.4). */
#define MAGIC_NFS	0x6969
#define MAGIC_SMB	0x517B
#define MAGIC_CIFS	0xFF534D42	/* not in Debian 12's <linux/magic.h> */
#define MAGIC_SMB2	0xFE534D42	/* idem */
#define MAGIC_FUSE	0x65735546

#define AUTO_POLL_MS	10000		/* poll = auto on a network or FUSE root */
#define DOWN_RETRY_MS	5000		/* how often a root that is down is looked for */
#define DEFAULT_RESCAN_MS 60000
#define WARN_EVERY_MS	60000		/* overflow and lost-track warnings, at most this often */
#define EVENT_BUF	(64 * 1024)	/* per read: thousands of events, at least 240 with NAME_MAX names */
#define MAX_READS	256		/* per watch_handle: a writer faster than us cannot starve the loop */

/*
 * The mask of reference §1.6.  IN_ATTRIB and IN_MODIFY are left out on
 * purpose: growth is noticed by the settle re-stat, and a close, a rename
 * in, or a link in is what announces a file.  Through /proc/self/fd/N the
 * watch is added without IN_DONT_FOLLOW, because there the only link to
 * follow is the kernel's magic link to the directory we opened ourselves
 * without following anything.
 */
#define DIR_MASK (IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK | IN_CLOSE_WRITE | IN_MOVED_TO | \
	IN_CREATE | IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF)

struct wdir {
	int wd;
	int root;
	int depth;
	int dead;			/* inotify_rm_watch'ed: waiting for its IN_IGNORED */
	unsigned gen;			/* the root's full scan that last listed it */
	unsigned dead_since;		/* w->rescans when it died */
	char *rel;			/* "" for the root itself */
	struct wdir *hnext;		/* dtab chain */
	struct wdir *prev, *next;	/* the root's dirs, or w->dead */
};

struct cand {
	int root;
	int ready;			/* on w->ready, else on the root's settling FIFO */
	unsigned hash;
	char *rel;
	struct stat st;			/* as last seen */
	long long deadline;
	struct cand *hnext;
	struct cand *prev, *next;
};

struct candlist {
	struct cand *head, *tail;
};

struct root {
	struct watch_root_conf rc;	/* points at the copies below */
	char *name, *path, *skip_path;
	char **ignore;
	long settle_ms;
	long poll_ms;			/* in effect: 0 none */
	enum watch_mode mode;
	char fstype[64];
	char why[200];
	char logged[400];		/* the mode line last logged, so that it is said once */
	int armed;
	int network;
	int out_of_watches;		/* ENOSPC seen: no inotify_add_watch until the next rescan */
	int fell_back;			/* polled because the watches ran out */
	int logged_enospc;
	int logged_down;
	int scan_error;			/* the full scan in progress could not list everything */
	int needs_rescan;
	dev_t dev;
	ino_t ino;
	unsigned gen;
	long long next_poll, next_retry;
	int fd;				/* the root, open during one call only, or -1 */
	size_t ndirs, npending;
	struct wdir *dirs;
	struct candlist settling;
};

struct watch {
	int fd;
	int use_proc;			/* /proc/self/fd is there to add watches through */
	int have_openat2;
	struct root *roots;
	size_t nroots;
	struct wdir **dtab;
	size_t dcap, dn;
	struct wdir *dead;
	struct cand **ctab;
	size_t ccap, cn;
	struct candlist ready;
	long rescan_ms;
	long long next_rescan;
	unsigned rescans;
	long long overflow_warned, unknown_warned;
	char *evbuf;
	char *out_rel;			/* what watch_next_ready last returned */
};

struct skip {
	int set;
	dev_t dev;
	ino_t ino;
};

long long
watch_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
watch_ignored(const struct watch_root_conf *rc, const char *name)
{
	size_t n = strlen(name);

	if (n > 10 && strcmp(name + n - 10, ".dojo.json") == 0)
		return 1;	/* a sidecar travels with its report */
	if (strncmp(name, ".dojobridge", 11) == 0)
		return 1;	/* our spool and folder policies, whatever `ignore` says */
	for (size_t i = 0; rc->ignore != NULL && rc->ignore[i] != NULL; i++)
		if (fnmatch(rc->ignore[i], name, FNM_PERIOD) == 0)
			return 1;
	return 0;
}

static char *
join(const char *rel, const char *name)
{
	return *rel ? xasprintf("%s/%s", rel, name) : xstrdup(name);
}

static int
depth_of(const char *rel)
{
	int d = *rel ? 1 : 0;

	for (; *rel; rel++)
		d += *rel == '/';
	return d;
}

/* rel is base or under it ("" is the parent of everything). */
static int
under(const char *rel, const char *base, size_t n)
{
	return n == 0 || (strncmp(rel, base, n) == 0 && (rel[n] == '\0' || rel[n] == '/'));
}

/* --- paths beneath a root, never through a link -------------------------- */

/* The root's directory for the duration of this call (closed by close_root_fds). */
static int
root_fd(struct root *r)
{
	if (r->fd < 0)
		r->fd = open(r->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return r->fd;
}

static void
close_root_fds(struct watch *w)
{
	for (size_t i = 0; i < w->nroots; i++)
		if (w->roots[i].fd >= 0) {
			close(w->roots[i].fd);
			w->roots[i].fd = -1;
		}
}

/*
 * Open the directory rel (relative to rootfd, "" for rootfd itself) for
 * listing, following no symbolic link in any component.  -1 with errno.
 */
static int
open_beneath(struct watch *w, int rootfd, const char *rel)
{
	char *copy, *p, *slash;
	int fd;

	if (*rel == '\0')
		return fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
	if (w->have_openat2) {
		struct open_how how = {
			.flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
			.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
		};

		fd = (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof how);
		if (fd >= 0 || (errno != ENOSYS && errno != EPERM && errno != E2BIG && errno != EAGAIN))
			return fd;
		if (errno == ENOSYS)
			w->have_openat2 = 0;	/* before Linux 5.6, or a seccomp filter */
	}
	if ((fd = fcntl(rootfd, F_DUPFD_CLOEXEC, 0)) < 0)
		return -1;
	copy = xstrdup(rel);
	for (p = copy; fd >= 0 && p != NULL; p = slash) {
		int next;

		if ((slash = strchr(p, '/')) != NULL)
			*slash++ = '\0';
		next = openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = next;
	}
	free(copy);
	return fd;
}

/* lstat of root/rel through open_beneath: 0, or -1 when it is gone or unreachable. */
static int
stat_rel(struct watch *w, struct root *r, const char *rel, struct stat *st)
{
	const char *slash = strrchr(rel, '/');
	int rfd = root_fd(r), dfd, rc;
	char *dir;

	if (rfd < 0)
		return -1;
	if (slash == NULL)
		return fstatat(rfd, rel, st, AT_SYMLINK_NOFOLLOW);
	dir = xstrndup(rel, (size_t)(slash - rel));
	dfd = open_beneath(w, rfd, dir);
	free(dir);
	if (dfd < 0)
		return -1;
	rc = fstatat(dfd, slash + 1, st, AT_SYMLINK_NOFOLLOW);
	close(dfd);
	return rc;
}

/* --- watched directories ------------------------------------------------- */

static size_t
wd_slot(const struct watch *w, int wd)
{
	return ((unsigned)wd * 2654435761u) & (w->dcap - 1);
}

static struct wdir *
dir_find(const struct watch *w, int wd)
{
	if (w->dcap == 0)
		return NULL;
	for (struct wdir *d = w->dtab[wd_slot(w, wd)]; d != NULL; d = d->hnext)
		if (d->wd == wd)
			return d;
	return NULL;
}

static void
dtab_insert(struct watch *w, struct wdir *d)
{
	size_t b;

	if (w->dn + 1 > w->dcap) {
		size_t ocap = w->dcap;
		struct wdir **old = w->dtab;

		w->dcap = ocap ? ocap * 2 : 256;
		w->dtab = xcalloc(w->dcap, sizeof *w->dtab);
		for (size_t i = 0; i < ocap; i++)
			for (struct wdir *e = old[i], *next; e != NULL; e = next) {
				next = e->hnext;
				b = wd_slot(w, e->wd);
				e->hnext = w->dtab[b];
				w->dtab[b] = e;
			}
		free(old);
	}
	b = wd_slot(w, d->wd);
	d->hnext = w->dtab[b];
	w->dtab[b] = d;
	w->dn++;
}

static void
dlist_add(struct wdir **head, struct wdir *d)
{
	d->prev = NULL;
	d->next = *head;
	if (*head != NULL)
		(*head)->prev = d;
	*head = d;
}

static void
dlist_del(struct wdir **head, struct wdir *d)
{
	if (d->prev != NULL)
		d->prev->next = d->next;
	else
		*head = d->next;
	if (d->next != NULL)
		d->next->prev = d->prev;
	d->prev = d->next = NULL;
}

/* Forget d entirely (its IN_IGNORED came, or we are done). */
static void
dir_free(struct watch *w, struct wdir *d)
{
	struct wdir **pp = &w->dtab[wd_slot(w, d->wd)];

	while (*pp != d)
		pp = &(*pp)->hnext;
	*pp = d->hnext;
	w->dn--;
	if (d->dead)
		dlist_del(&w->dead, d);
	else {
		dlist_del(&w->roots[d->root].dirs, d);
		w->roots[d->root].ndirs--;
	}
	free(d->rel);
	free(d);
}

/*
 * Stop watching d.  The kernel still owes us its IN_IGNORED (and may have
 * events for it queued): until then d stays in the table, dead, so those
 * are recognised and dropped.
 */
static void
dir_kill(struct watch *w, struct wdir *d)
{
	inotify_rm_watch(w->fd, d->wd);
	dlist_del(&w->roots[d->root].dirs, d);
	w->roots[d->root].ndirs--;
	d->dead = 1;
	d->dead_since = w->rescans;
	dlist_add(&w->dead, d);
}

/* Drop the watches of root at rel and under it ("" for the whole root). */
static void
dirs_kill_under(struct watch *w, int root, const char *rel)
{
	size_t n = strlen(rel);

	for (struct wdir *d = w->roots[root].dirs, *next; d != NULL; d = next) {
		next = d->next;
		if (under(d->rel, rel, n))
			dir_kill(w, d);
	}
}

/*
 * Dead entries whose IN_IGNORED never came (lost in an overflow) are freed
 * two rescans later; a late IN_IGNORED then costs one extra rescan.
 */
static void
reap_dead(struct watch *w)
{
	for (struct wdir *d = w->dead, *next; d != NULL; d = next) {
		next = d->next;
		if (w->rescans - d->dead_since >= 2)
			dir_free(w, d);
	}
}

/* --- candidates ---------------------------------------------------------- */

static unsigned
cand_hash(int root, const char *rel)
{
	unsigned h = 2166136261u ^ (unsigned)root;

	for (const unsigned char *p = (const unsigned char *)rel; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

static struct cand *
cand_find(const struct watch *w, int root, const char *rel)
{
	unsigned h = cand_hash(root, rel);

	if (w->ccap == 0)
		return NULL;
	for (struct cand *c = w->ctab[h & (w->ccap - 1)]; c != NULL; c = c->hnext)
		if (c->hash == h && c->root == root && strcmp(c->rel, rel) == 0)
			return c;
	return NULL;
}

static void
ctab_insert(struct watch *w, struct cand *c)
{
	size_t b;

	if (w->cn + 1 > w->ccap) {
		size_t ocap = w->ccap;
		struct cand **old = w->ctab;

		w->ccap = ocap ? ocap * 2 : 1024;
		w->ctab = xcalloc(w->ccap, sizeof *w->ctab);
		for (size_t i = 0; i < ocap; i++)
			for (struct cand *e = old[i], *next; e != NULL; e = next) {
				next = e->hnext;
				b = e->hash & (w->ccap - 1);
				e->hnext = w->ctab[b];
				w->ctab[b] = e;
			}
		free(old);
	}
	b = c->hash & (w->ccap - 1);
	c->hnext = w->ctab[b];
	w->ctab[b] = c;
	w->cn++;
}

static void
clist_append(struct candlist *l, struct cand *c)
{
	c->next = NULL;
	c->prev = l->tail;
	if (l->tail != NULL)
		l->tail->next = c;
	else
		l->head = c;
	l->tail = c;
}

static void
clist_del(struct candlist *l, struct cand *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		l->head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	else
		l->tail = c->prev;
	c->prev = c->next = NULL;
}

static struct candlist *
cand_list(struct watch *w, struct cand *c)
{
	return c->ready ? &w->ready : &w->roots[c->root].settling;
}

/* Unlink c from everything; the caller frees it (and its rel, unless it keeps it). */
static void
cand_unlink(struct watch *w, struct cand *c)
{
	struct cand **pp = &w->ctab[c->hash & (w->ccap - 1)];

	clist_del(cand_list(w, c), c);
	if (!c->ready)
		w->roots[c->root].npending--;
	while (*pp != c)
		pp = &(*pp)->hnext;
	*pp = c->hnext;
	w->cn--;
}

static void
cand_remove(struct watch *w, struct cand *c)
{
	cand_unlink(w, c);
	free(c->rel);
	free(c);
}

static int
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* (Re)start c's settle wait from now: to the end of its root's FIFO. */
static void
cand_arm(struct watch *w, struct cand *c)
{
	struct root *r = &w->roots[c->root];

	clist_del(cand_list(w, c), c);
	if (c->ready)
		r->npending++;
	c->ready = 0;
	c->deadline = watch_now_ms() + r->settle_ms;
	clist_append(&r->settling, c);
}

/*
 * A directory entry at rel, as lstat just saw it (from an event when
 * from_event, else from a scan or poll).  Only regular files become
 * candidates; an event restarts the wait even when the stat looks the
 * same (a rewrite within one timestamp tick), a scan only on change.
 */
static void
consider(struct watch *w, int root, const char *rel, const struct stat *st, int from_event)
{
	struct cand *c = cand_find(w, root, rel);
	struct root *r = &w->roots[root];

	if (!S_ISREG(st->st_mode)) {
		if (c != NULL)
			cand_remove(w, c);
		return;
	}
	if (c == NULL) {
		c = xcalloc(1, sizeof *c);
		c->root = root;
		c->rel = xstrdup(rel);
		c->hash = cand_hash(root, rel);
		c->st = *st;
		c->deadline = watch_now_ms() + r->settle_ms;
		ctab_insert(w, c);
		clist_append(&r->settling, c);
		r->npending++;
		return;
	}
	if (from_event || !same_file(&c->st, st)) {
		c->st = *st;
		cand_arm(w, c);
	}
}

/* Forget the candidates of root at rel and under it (a directory that left). */
static void
cands_forget_under(struct watch *w, int root, const char *rel)
{
	size_t n = strlen(rel);
	struct candlist *lists[2] = { &w->roots[root].settling, &w->ready };

	for (int i = 0; i < 2; i++)
		for (struct cand *c = lists[i]->head, *next; c != NULL; c = next) {
			next = c->next;
			if (c->root == root && under(c->rel, rel, n))
				cand_remove(w, c);
		}
}

/* --- file system type ------------------------------------------------------ */

/*
 * File systems where inotify misses what other hosts (or a FUSE daemon)
 * write.  fuseblk is left out: a local disk through FUSE (ntfs-3g) is
 * written only through this kernel, which does report it.
 */
static int
network_fstype(const char *t)
{
	static const char *const net[] = { "nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "fuse",
		"ceph", "glusterfs", "afs", "lustre", "gpfs", "beegfs", "ocfs2", "gfs2", "virtiofs",
		"vboxsf", "ncpfs", "coda", "orangefs", "pvfs2", NULL };

	if (strncmp(t, "fuse.", 5) == 0)
		return 1;
	for (size_t i = 0; net[i] != NULL; i++)
		if (strcmp(t, net[i]) == 0)
			return 1;
	return 0;
}

/* Octal escapes of /proc/self/mounts ("\040" for a space), decoded in place. */
static void
unescape_mount(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* prefix is path or one of its parent directories. */
static int
path_under(const char *path, const char *prefix, size_t n)
{
	if (n == 1 && prefix[0] == '/')
		return path[0] == '/';
	return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/*
 * The file system type of path: the entry of /proc/self/mounts with the
 * longest mount point above its real path (the last one listed wins, as it
 * is mounted on top), else statfs(2)'s f_type, else "?".
 *
 * Test hook: DOJOBRIDGE_TEST_FSTYPE="<path prefix>=<fstype>" (one pair)
 * makes roots under that prefix look like that file system, since a test
 * machine has no NFS to mount.  Not documented for users.
 */
static void
find_fstype(const char *path, char *out, size_t outlen)
{
	const char *test = getenv("DOJOBRIDGE_TEST_FSTYPE"), *eq;
	char real[PATH_MAX], *line = NULL;
	size_t best = 0, cap = 0;
	FILE *f;
	struct statfs sf;

	if (test != NULL && (eq = strchr(test, '=')) != NULL && eq > test &&
	    path_under(path, test, (size_t)(eq - test))) {
		snprintf(out, outlen, "%s", eq + 1);
		return;
	}
	snprintf(out, outlen, "?");
	if (realpath(path, real) != NULL && (f = fopen("/proc/self/mounts", "re")) != NULL) {
		while (getline(&line, &cap, f) > 0) {
			char *save = NULL, *mnt, *type;
			size_t n;

			if (strtok_r(line, " \t\n", &save) == NULL ||
			    (mnt = strtok_r(NULL, " \t\n", &save)) == NULL ||
			    (type = strtok_r(NULL, " \t\n", &save)) == NULL)
				continue;
			unescape_mount(mnt);
			n = strlen(mnt);
			if (n >= best && path_under(real, mnt, n)) {
				best = n;
				snprintf(out, outlen, "%s", type);
			}
		}
		free(line);
		fclose(f);
		if (best > 0)
			return;
	}
	if (statfs(path, &sf) == 0) {
		switch ((unsigned long)sf.f_type) {
		case MAGIC_NFS:
			snprintf(out, outlen, "nfs");
			break;
		case MAGIC_SMB:
			snprintf(out, outlen, "smbfs");
			break;
		case MAGIC_CIFS:
		case MAGIC_SMB2:
			snprintf(out, outlen, "cifs");
			break;
		case MAGIC_FUSE:
			snprintf(out, outlen, "fuse");
			break;
		default:
			snprintf(out, outlen, "0x%lx", (unsigned long)sf.f_type);
		}
	}
}

/* --- watching and listing ---------------------------------------------------- */

static void
run_out_of_watches(struct root *r)
{
	char safe[300];

	r->out_of_watches = 1;
	if (r->poll_ms == 0)
		r->poll_ms = r->rc.poll_ms > 0 ? r->rc.poll_ms : AUTO_POLL_MS;
	if (!r->fell_back && r->mode != WATCH_POLL)
		r->next_poll = watch_now_ms() + r->poll_ms;
	r->fell_back = 1;
	r->mode = WATCH_POLL;
	snprintf(r->why, sizeof r->why, "out of inotify watches, raise fs.inotify.max_user_watches");
	if (!r->logged_enospc)
		log_warnx("drop %s: %s: out of inotify watches (raise the sysctl fs.inotify.max_user_watches): "
		    "polling it every %.1f s besides the watches it has", r->name,
		    escape_name(r->path, safe, sizeof safe), (double)r->poll_ms / 1000);
	r->logged_enospc = 1;
}

/* Watch the directory rel of root, open on dirfd, and mark it seen by this scan. */
static void
add_watch(struct watch *w, int root, int dirfd, const char *rel)
{
	struct root *r = &w->roots[root];
	struct wdir *d;
	int wd = -1;

	if (r->out_of_watches)
		return;
	if (w->use_proc) {
		char proc[64];

		snprintf(proc, sizeof proc, "/proc/self/fd/%d", dirfd);
		wd = inotify_add_watch(w->fd, proc, DIR_MASK & ~IN_DONT_FOLLOW);
		if (wd < 0 && errno == ENOENT)
			w->use_proc = 0;	/* no /proc (a chroot): by path, as a fallback */
	}
	if (!w->use_proc) {
		char *path = *rel ? xasprintf("%s/%s", r->path, rel) : xstrdup(r->path);

		wd = inotify_add_watch(w->fd, path, DIR_MASK);
		free(path);
	}
	if (wd < 0) {
		if (errno == ENOSPC || errno == ENOMEM)
			run_out_of_watches(r);
		return;
	}
	if ((d = dir_find(w, wd)) != NULL) {
		if (d->dead) {
			/* A wd number used again: what was queued for the old one is stale anyway. */
			dlist_del(&w->dead, d);
			d->dead = 0;
			d->root = root;
			dlist_add(&r->dirs, d);
			r->ndirs++;
		} else if (d->root != root) {
			return;		/* the same directory under two roots: the first keeps it */
		}
		if (strcmp(d->rel, rel) != 0) {
			/* Moved within the tree without our seeing it: keep its path current. */
			free(d->rel);
			d->rel = xstrdup(rel);
			d->depth = depth_of(rel);
		}
		d->gen = r->gen;
		return;
	}
	d = xcalloc(1, sizeof *d);
	d->wd = wd;
	d->root = root;
	d->rel = xstrdup(rel);
	d->depth = depth_of(rel);
	d->gen = r->gen;
	dtab_insert(w, d);
	dlist_add(&r->dirs, d);
	r->ndirs++;
}

static void
skip_of(const struct root *r, struct skip *sk)
{
	struct stat st;

	memset(sk, 0, sizeof *sk);
	if (r->skip_path != NULL && stat(r->skip_path, &st) == 0) {
		sk->set = 1;
		sk->dev = st.st_dev;
		sk->ino = st.st_ino;
	}
}

static int
is_skip(const struct skip *sk, const struct stat *st)
{
	return sk->set && st->st_dev == sk->dev && st->st_ino == sk->ino;
}

/* A directory could not be opened or read: vanished or swapped is normal, anything else is not. */
static void
note_error(struct root *r, int err)
{
	if (err != ENOENT && err != ENOTDIR && err != ELOOP && err != EACCES && err != EXDEV)
		r->scan_error = 1;
}

/*
 * Watch the directory rel (open on dirfd) and then list it: each regular
 * file is considered, each subdirectory handled the same way.  Watch first,
 * list second, so that a file created in between is seen one way or the
 * other (inotify(7): "scan the contents of the subdirectory immediately
 * after adding the watch").
 */
static void
scan_dir(struct watch *w, int root, int dirfd, const char *rel, int depth, const struct skip *sk)
{
	struct root *r = &w->roots[root];
	struct dirent *e;
	DIR *d;
	int fd;

	add_watch(w, root, dirfd, rel);
	if ((fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0)) < 0 || (d = fdopendir(fd)) == NULL) {
		note_error(r, errno);
		if (fd >= 0)
			close(fd);
		return;
	}
	rewinddir(d);	/* the dup shares its offset with dirfd, which may have been listed before */
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		char *child;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    watch_ignored(&r->rc, e->d_name))
			continue;
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		child = join(rel, e->d_name);
		if (!S_ISDIR(st.st_mode)) {
			consider(w, root, child, &st, 0);
		} else if (!is_skip(sk, &st) && depth < WATCH_MAX_DEPTH) {
			int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub >= 0) {
				scan_dir(w, root, sub, child, depth + 1, sk);
				close(sub);
			} else {
				note_error(r, errno);
			}
		}
		free(child);
	}
	closedir(d);
}

/* Watch and list the subtree rel of root: a directory that appeared, or "" for all of it. */
static void
scan_path(struct watch *w, int root, const char *rel)
{
	struct root *r = &w->roots[root];
	struct skip sk;
	struct stat st;
	int rfd = root_fd(r), fd;

	if (rfd < 0) {
		note_error(r, errno);
		return;
	}
	if ((fd = open_beneath(w, rfd, rel)) < 0) {
		note_error(r, errno);
		return;
	}
	skip_of(r, &sk);
	if (fstat(fd, &st) == 0 && !is_skip(&sk, &st) && depth_of(rel) <= WATCH_MAX_DEPTH)
		scan_dir(w, root, fd, rel, depth_of(rel), &sk);
	close(fd);
}

/*
 * List the whole root, then drop the watches this listing did not reach:
 * directories whose removal or move out we never heard of (events lost in
 * an overflow).  Only after a complete listing, and not while out of
 * watches (the directories we could not re-add are not gone).
 */
static void
full_scan(struct watch *w, int root)
{
	struct root *r = &w->roots[root];

	r->gen++;
	r->scan_error = 0;
	scan_path(w, root, "");
	if (r->scan_error || r->out_of_watches)
		return;
	for (struct wdir *d = r->dirs, *next; d != NULL; d = next) {
		next = d->next;
		if (d->gen != r->gen)
			dir_kill(w, d);
	}
}

/* --- roots ------------------------------------------------------------------- */

/* Say once how the root is watched (again when that changes). */
static void
log_mode(struct root *r, long rescan_ms)
{
	char safe[300], line[sizeof r->logged];

	escape_name(r->path, safe, sizeof safe);
	if (r->mode == WATCH_POLL)
		snprintf(line, sizeof line, "drop %s: %s (%s): polled every %.1f s (%s); inotify kept for "
		    "local writes", r->name, safe, r->fstype, (double)r->poll_ms / 1000, r->why);
	else if (r->network)
		snprintf(line, sizeof line, "drop %s: %s (%s): inotify only (poll = 0): files written by other "
		    "hosts are found by the rescan every %ld s", r->name, safe, r->fstype, rescan_ms / 1000);
	else
		snprintf(line, sizeof line, "drop %s: %s (%s): inotify, and a full rescan every %ld s",
		    r->name, safe, r->fstype, rescan_ms / 1000);
	if (strcmp(line, r->logged) == 0)
		return;
	snprintf(r->logged, sizeof r->logged, "%s", line);
	if (r->mode != WATCH_POLL && r->network)
		log_warnx("%s", line);
	else
		log_info("%s", line);
}

static void
root_down(struct root *r, const char *why, long long retry)
{
	r->armed = 0;
	r->mode = WATCH_DOWN;
	snprintf(r->why, sizeof r->why, "%s", why);
	r->next_retry = retry;
	r->logged[0] = '\0';	/* say how it is watched once it is back */
}

/* The mode the configuration and the file system ask for (poll: -1 auto, 0 never, > 0 ms). */
static void
configured_mode(struct root *r)
{
	r->poll_ms = r->rc.poll_ms > 0 ? r->rc.poll_ms : r->rc.poll_ms < 0 && r->network ? AUTO_POLL_MS : 0;
	r->mode = r->poll_ms > 0 ? WATCH_POLL : WATCH_INOTIFY;
	if (r->poll_ms > 0 && r->rc.poll_ms < 0)
		snprintf(r->why, sizeof r->why, "%s: inotify does not see writes made by other hosts",
		    r->fstype);
	else if (r->poll_ms > 0)
		snprintf(r->why, sizeof r->why, "poll = %ld ms", r->poll_ms);
	else
		r->why[0] = '\0';
	r->out_of_watches = 0;
	r->fell_back = 0;
	r->logged_enospc = 0;
}

/* Set up a root (again): find it, decide how to watch it, watch and list it all. */
static void
arm_root(struct watch *w, int root)
{
	struct root *r = &w->roots[root];
	struct stat st;
	char safe[300];

	if (r->fd >= 0) {
		close(r->fd);
		r->fd = -1;
	}
	dirs_kill_under(w, root, "");
	r->needs_rescan = 0;
	if (root_fd(r) < 0 || fstat(r->fd, &st) < 0) {
		int err = errno;

		if (!r->logged_down)
			log_warnx("drop %s: %s: %s; looking for it every %d s", r->name,
			    escape_name(r->path, safe, sizeof safe), strerror(err), DOWN_RETRY_MS / 1000);
		r->logged_down = 1;
		root_down(r, err == ENOTDIR ? "not a directory" : "missing or unreadable",
		    watch_now_ms() + DOWN_RETRY_MS);
		return;
	}
	if (r->logged_down)
		log_info("drop %s: %s is back", r->name, escape_name(r->path, safe, sizeof safe));
	r->logged_down = 0;
	r->dev = st.st_dev;
	r->ino = st.st_ino;
	find_fstype(r->path, r->fstype, sizeof r->fstype);
	r->network = network_fstype(r->fstype);
	configured_mode(r);
	r->armed = 1;
	full_scan(w, root);
	log_mode(r, w->rescan_ms);
	r->next_poll = watch_now_ms() + r->poll_ms;
}

/* The root's own watch says it is gone, moved or unmounted. */
static void
root_lost(struct watch *w, int root, const char *why)
{
	struct root *r = &w->roots[root];
	char safe[300];

	log_warnx("drop %s: %s %s: watching it again as soon as it is back", r->name,
	    escape_name(r->path, safe, sizeof safe), why);
	dirs_kill_under(w, root, "");
	root_down(r, why, watch_now_ms());	/* at the next turn: it may be back already */
}

/*
 * A rescan or a poll: is the root still the directory we watch (not
 * removed, replaced or mounted over)?  Re-arm it if not, else list it all.
 * A full rescan also tries again to add the watches that ran out.
 */
static void
rescan_root(struct watch *w, int root, int full)
{
	struct root *r = &w->roots[root];
	struct stat st;

	r->needs_rescan = 0;
	if (!r->armed) {
		arm_root(w, root);
		return;
	}
	if (root_fd(r) < 0 || fstat(r->fd, &st) < 0 || st.st_dev != r->dev || st.st_ino != r->ino) {
		char safe[300];

		if (r->fd >= 0)
			log_warnx("drop %s: %s was replaced or mounted over: watching it again", r->name,
			    escape_name(r->path, safe, sizeof safe));
		arm_root(w, root);
		return;
	}
	if (full && r->fell_back)
		r->out_of_watches = 0;
	full_scan(w, root);
	if (full && r->fell_back && !r->out_of_watches) {
		char safe[300];

		log_info("drop %s: %s: inotify watches are available again", r->name,
		    escape_name(r->path, safe, sizeof safe));
		configured_mode(r);
		log_mode(r, w->rescan_ms);
	}
	if (r->poll_ms > 0)
		r->next_poll = watch_now_ms() + r->poll_ms;
}

struct watch *
watch_new(long rescan_interval_ms)
{
	struct watch *w = xcalloc(1, sizeof *w);

	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0) {
		log_error("watch: inotify_init1 (raise fs.inotify.max_user_instances?)");
		free(w);
		return NULL;
	}
	w->use_proc = access("/proc/self/fd", X_OK) == 0;
	w->have_openat2 = 1;
	w->evbuf = xmalloc(EVENT_BUF);
	w->rescan_ms = rescan_interval_ms > 0 ? rescan_interval_ms : DEFAULT_RESCAN_MS;
	w->next_rescan = watch_now_ms() + w->rescan_ms;
	w->overflow_warned = w->unknown_warned = -WARN_EVERY_MS;
	return w;
}

void
watch_free(struct watch *w)
{
	if (w == NULL)
		return;
	for (size_t b = 0; b < w->dcap; b++)
		while (w->dtab[b] != NULL)
			dir_free(w, w->dtab[b]);
	for (size_t b = 0; b < w->ccap; b++)
		while (w->ctab[b] != NULL)
			cand_remove(w, w->ctab[b]);
	for (size_t i = 0; i < w->nroots; i++) {
		struct root *r = &w->roots[i];

		if (r->fd >= 0)
			close(r->fd);
		free(r->name);
		free(r->path);
		free(r->skip_path);
		for (size_t k = 0; r->ignore[k] != NULL; k++)
			free(r->ignore[k]);
		free(r->ignore);
	}
	free(w->roots);
	free(w->dtab);
	free(w->ctab);
	free(w->evbuf);
	free(w->out_rel);
	close(w->fd);
	free(w);
}

int
watch_add_root(struct watch *w, const struct watch_root_conf *rc)
{
	struct root *r;
	size_t n = 0;
	int root = (int)w->nroots;

	w->roots = xrealloc(w->roots, (w->nroots + 1) * sizeof *w->roots);
	r = &w->roots[w->nroots++];
	memset(r, 0, sizeof *r);
	r->fd = -1;
	r->name = xstrdup(rc->name != NULL ? rc->name : "?");
	r->path = xstrdup(rc->path);
	r->skip_path = xstrdup(rc->skip_path);
	while (rc->ignore != NULL && rc->ignore[n] != NULL)
		n++;
	r->ignore = xcalloc(n + 1, sizeof *r->ignore);
	for (size_t i = 0; i < n; i++)
		r->ignore[i] = xstrdup(rc->ignore[i]);
	r->rc.name = r->name;
	r->rc.path = r->path;
	r->rc.skip_path = r->skip_path;
	r->rc.settle_ms = rc->settle_ms > 0 ? rc->settle_ms : 0;
	r->rc.poll_ms = rc->poll_ms;
	r->rc.ignore = r->ignore;
	r->settle_ms = r->rc.settle_ms;
	arm_root(w, root);
	close_root_fds(w);
	return root;
}

int
watch_fd(const struct watch *w)
{
	return w->fd;
}

/* --- events -------------------------------------------------------------------- */

static void
rescan_everything(struct watch *w)
{
	for (size_t i = 0; i < w->nroots; i++)
		w->roots[i].needs_rescan = 1;
}

static void
on_event(struct watch *w, const struct inotify_event *ev)
{
	struct wdir *d;
	struct root *r;
	int root;
	char *rel;

	if (ev->mask & IN_Q_OVERFLOW) {
		long long now = watch_now_ms();

		if (now - w->overflow_warned >= WARN_EVERY_MS) {
			log_warnx("watch: the inotify event queue overflowed (raise the sysctl "
			    "fs.inotify.max_queued_events): rescanning every drop root");
			w->overflow_warned = now;
		}
		rescan_everything(w);
		return;
	}
	if ((d = dir_find(w, ev->wd)) == NULL) {
		long long now = watch_now_ms();

		/* Not ours, not even one we removed: we lost track of something. */
		if (now - w->unknown_warned >= WARN_EVERY_MS) {
			log_warnx("watch: event for an unknown inotify watch %d: rescanning every drop root",
			    ev->wd);
			w->unknown_warned = now;
		}
		rescan_everything(w);
		return;
	}
	if (d->dead) {
		if (ev->mask & IN_IGNORED)
			dir_free(w, d);
		return;		/* queued before we removed it: stale */
	}
	root = d->root;
	r = &w->roots[root];
	if (ev->mask & (IN_IGNORED | IN_UNMOUNT | IN_DELETE_SELF | IN_MOVE_SELF)) {
		int is_root = d->rel[0] == '\0';

		if (ev->mask & IN_IGNORED)
			dir_free(w, d);
		if (is_root)
			root_lost(w, root, ev->mask & IN_UNMOUNT ? "was unmounted" :
			    ev->mask & IN_MOVE_SELF ? "was moved away" :
			    ev->mask & IN_DELETE_SELF ? "was removed" : "is no longer watched");
		else if (ev->mask & IN_UNMOUNT)
			r->needs_rescan = 1;	/* the directory under that mount is not watched yet */
		/*
		 * A subdirectory deleted or moved: its IN_IGNORED (just above) or
		 * its parent's IN_MOVED_FROM does the rest; its candidates fail
		 * their next stat.
		 */
		return;
	}
	if (ev->len == 0 || ev->name[0] == '\0' || watch_ignored(&r->rc, ev->name))
		return;
	rel = join(d->rel, ev->name);
	if (ev->mask & IN_ISDIR) {
		if (ev->mask & IN_MOVED_FROM) {
			/* Its watches would report stale paths: drop them; a move back is a new arrival. */
			dirs_kill_under(w, root, rel);
			cands_forget_under(w, root, rel);
		} else if ((ev->mask & (IN_CREATE | IN_MOVED_TO)) && d->depth < WATCH_MAX_DEPTH) {
			scan_path(w, root, rel);
		}
	} else if (ev->mask & IN_MOVED_FROM) {
		struct cand *c = cand_find(w, root, rel);

		if (c != NULL)
			cand_remove(w, c);
	} else if (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE)) {
		struct stat st;

		if (stat_rel(w, r, rel, &st) == 0) {
			consider(w, root, rel, &st, 1);
		} else {
			struct cand *c = cand_find(w, root, rel);

			if (c != NULL)
				cand_remove(w, c);
		}
	}
	free(rel);
}

void
watch_handle(struct watch *w)
{
	for (int reads = 0; reads < MAX_READS; reads++) {
		ssize_t n = read(w->fd, w->evbuf, EVENT_BUF);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;		/* EAGAIN: drained */
		/* The kernel pads each name so that the next event is aligned like the buffer. */
		for (const char *p = w->evbuf; p + sizeof(struct inotify_event) <= w->evbuf + n; ) {
			const struct inotify_event *ev = (const struct inotify_event *)(const void *)p;

			on_event(w, ev);
			p += sizeof *ev + ev->len;
		}
	}
	close_root_fds(w);
}

/* --- timers ------------------------------------------------------------------------ */

/* Candidates whose deadline came: unchanged ones are ready, changed ones wait again. */
static void
settle(struct watch *w, struct root *r, long long now)
{
	struct cand *c;

	while ((c = r->settling.head) != NULL && c->deadline <= now) {
		struct stat st;

		if (stat_rel(w, r, c->rel, &st) < 0 || !S_ISREG(st.st_mode)) {
			cand_remove(w, c);
		} else if (!same_file(&c->st, &st) && r->settle_ms > 0) {
			c->st = st;
			cand_arm(w, c);
		} else {
			c->st = st;
			clist_del(&r->settling, c);
			r->npending--;
			c->ready = 1;
			clist_append(&w->ready, c);
		}
	}
}

void
watch_run_timers(struct watch *w)
{
	long long now = watch_now_ms();
	int full = now >= w->next_rescan;

	if (full) {
		w->next_rescan = now + w->rescan_ms;
		w->rescans++;
		reap_dead(w);
	}
	for (size_t i = 0; i < w->nroots; i++) {
		struct root *r = &w->roots[i];

		if (r->mode == WATCH_DOWN) {
			if (now >= r->next_retry || full)
				arm_root(w, (int)i);
		} else if (full || r->needs_rescan || (r->poll_ms > 0 && now >= r->next_poll)) {
			rescan_root(w, (int)i, full);
		}
		settle(w, r, watch_now_ms());
	}
	close_root_fds(w);
}

static long long
earliest(long long a, long long b)
{
	if (a < 0)
		return b;
	return b < a ? b : a;
}

long long
watch_next_deadline(const struct watch *w)
{
	long long when = w->next_rescan;

	for (size_t i = 0; i < w->nroots; i++) {
		const struct root *r = &w->roots[i];

		if (r->mode == WATCH_DOWN)
			when = earliest(when, r->next_retry);
		else if (r->needs_rescan)
			when = earliest(when, 0);
		else if (r->poll_ms > 0)
			when = earliest(when, r->next_poll);
		if (r->settling.head != NULL)
			when = earliest(when, r->settling.head->deadline);
	}
	if (w->ready.head != NULL)
		when = earliest(when, 0);
	return when;
}

int
watch_next_ready(struct watch *w, struct watch_ready *out)
{
	struct cand *c = w->ready.head;
	const char *slash;

	if (c == NULL)
		return 0;
	cand_unlink(w, c);
	free(w->out_rel);
	w->out_rel = c->rel;	/* kept until the next call */
	memset(out, 0, sizeof *out);
	out->root = c->root;
	out->rel = w->out_rel;
	slash = strrchr(w->out_rel, '/');
	out->name = slash ? slash + 1 : w->out_rel;
	out->st = c->st;
	free(c);
	return 1;
}

void
watch_rescan_all(struct watch *w)
{
	for (size_t i = 0; i < w->nroots; i++) {
		if (w->roots[i].mode == WATCH_DOWN)
			arm_root(w, (int)i);
		else
			rescan_root(w, (int)i, 1);
	}
	close_root_fds(w);
}

void
watch_root_info(const struct watch *w, int root, struct watch_root_info *info)
{
	const struct root *r;

	memset(info, 0, sizeof *info);
	if (root < 0 || (size_t)root >= w->nroots) {
		info->mode = WATCH_DOWN;
		info->fstype = "?";
		info->why = "no such root";
		return;
	}
	r = &w->roots[root];
	info->mode = r->mode;
	info->fstype = r->fstype[0] ? r->fstype : "?";
	info->dirs = r->ndirs;
	info->pending = r->npending;
	info->why = r->why[0] ? r->why : NULL;
}

/* --- the one-shot walk of `once` and `plan` ------------------------------------------ */

static void
walk_dir(struct watch_walk *ww, int dirfd, const char *rel, int depth, const struct skip *sk)
{
	struct dirent **names = NULL, *e;
	int n = 0, fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
	size_t cap = 0;
	DIR *d;

	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	rewinddir(d);	/* the dup shares its offset with the caller's fd */
	/* Sorted, so that runs are repeatable; read through the fd, never by path. */
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if ((size_t)n == cap) {
			cap = cap ? cap * 2 : 32;
			names = xrealloc(names, cap * sizeof *names);
		}
		names[n] = xmalloc(sizeof **names);
		memcpy(names[n], e, sizeof **names);
		n++;
	}
	if (n > 1)
		qsort(names, (size_t)n, sizeof *names, (int (*)(const void *, const void *))alphasort);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		struct stat st;
		char *child;

		if (watch_ignored(ww->rc, name) || fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		child = join(rel, name);
		if (!S_ISDIR(st.st_mode)) {
			ww->found(ww, dirfd, child, name, &st);
		} else if (!is_skip(sk, &st) && depth < WATCH_MAX_DEPTH) {
			int sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub >= 0) {
				walk_dir(ww, sub, child, depth + 1, sk);
				close(sub);
			}
		}
		free(child);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
}

void
watch_walk(struct watch_walk *ww, int dirfd, const char *rel)
{
	struct skip sk;
	struct stat st;

	memset(&sk, 0, sizeof sk);
	if (ww->rc->skip_path != NULL && stat(ww->rc->skip_path, &st) == 0) {
		sk.set = 1;
		sk.dev = st.st_dev;
		sk.ino = st.st_ino;
	}
	walk_dir(ww, dirfd, rel, depth_of(rel), &sk);
}
