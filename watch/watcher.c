/*
 * The watcher (contract in watch.h): inotify over every directory of every
 * root, a full listing after each new watch, candidates debounced until
 * their (size, mtime, ctime, inode) stayed the same for settle, and
 * rescans and polls that make up for every event the kernel drops.
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
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

/* Debian 12's <linux/magic.h> lacks these two (reference §1.4). */
#ifndef CIFS_SUPER_MAGIC
#define CIFS_SUPER_MAGIC 0xFF534D42
#endif
#ifndef SMB2_SUPER_MAGIC
#define SMB2_SUPER_MAGIC 0xFE534D42
#endif
#ifndef FUSE_SUPER_MAGIC
#define FUSE_SUPER_MAGIC 0x65735546
#endif

#define AUTO_POLL_MS 10000		/* poll = auto on a network or FUSE root */
#define DOWN_RETRY_MS 5000		/* how often a root that is down is looked for */
#define DIR_BUCKETS 4096
#define CAND_BUCKETS 65536
#define EVENT_BUF (64 * 1024)

#define DIR_MASK (IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK | IN_CLOSE_WRITE | IN_MOVED_TO | \
	IN_CREATE | IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF)

struct wdir {
	int root;
	int wd;
	int depth;
	char *rel;			/* "" for the root itself */
	struct wdir *hnext;
};

enum cand_state { CAND_SETTLING, CAND_READY };

struct cand {
	int root;
	char *rel;
	enum cand_state state;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
	long long deadline;
	struct cand *hnext;
	struct cand *prev, *next;	/* the root's settle FIFO, or the ready list */
};

struct list {
	struct cand *head, *tail;
};

struct root {
	char *name, *path, *skip_path;
	char **ignore;
	struct watch_root_conf rc;	/* points at the copies above */
	long settle_ms;
	long conf_poll_ms;
	long poll_ms;			/* effective: 0 none */
	enum watch_mode mode;
	char fstype[64];
	char why[256];
	int armed;			/* inotify watches set (or polled without them) */
	int inotify_ok;			/* watches could be added */
	dev_t dev;
	ino_t ino;
	long long next_poll, next_retry;
	int needs_rescan;
	int logged_down;
	size_t ndirs, npending;
	struct list settling;
};

struct watch {
	int fd;
	struct root *roots;
	size_t nroots;
	struct wdir *dirs[DIR_BUCKETS];
	struct cand *cands[CAND_BUCKETS];
	struct list ready;
	long rescan_ms;
	long long next_rescan;
	char *out_rel;			/* what watch_next_ready last returned */
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

static char *
full_path(const struct root *r, const char *rel)
{
	return *rel ? xasprintf("%s/%s", r->path, rel) : xstrdup(r->path);
}

static int
depth_of(const char *rel)
{
	int d = *rel ? 1 : 0;

	for (; *rel; rel++)
		d += *rel == '/';
	return d;
}

/* --- candidates ---------------------------------------------------------- */

static unsigned
cand_hash(int root, const char *rel)
{
	unsigned h = 2166136261u ^ (unsigned)root;

	for (const unsigned char *p = (const unsigned char *)rel; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h % CAND_BUCKETS;
}

static struct cand *
cand_find(struct watch *w, int root, const char *rel)
{
	for (struct cand *c = w->cands[cand_hash(root, rel)]; c != NULL; c = c->hnext)
		if (c->root == root && strcmp(c->rel, rel) == 0)
			return c;
	return NULL;
}

static void
list_append(struct list *l, struct cand *c)
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
list_unlink(struct list *l, struct cand *c)
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

static struct list *
cand_list(struct watch *w, struct cand *c)
{
	return c->state == CAND_READY ? &w->ready : &w->roots[c->root].settling;
}

static void
cand_remove(struct watch *w, struct cand *c)
{
	struct cand **pp = &w->cands[cand_hash(c->root, c->rel)];

	list_unlink(cand_list(w, c), c);
	if (c->state == CAND_SETTLING)
		w->roots[c->root].npending--;
	while (*pp != c)
		pp = &(*pp)->hnext;
	*pp = c->hnext;
	free(c->rel);
	free(c);
}

static void
cand_set_stat(struct cand *c, const struct stat *st)
{
	c->dev = st->st_dev;
	c->ino = st->st_ino;
	c->size = st->st_size;
	c->mtime = st->st_mtim;
	c->ctime = st->st_ctim;
}

static int
cand_same(const struct cand *c, const struct stat *st)
{
	return c->dev == st->st_dev && c->ino == st->st_ino && c->size == st->st_size &&
	    c->mtime.tv_sec == st->st_mtim.tv_sec && c->mtime.tv_nsec == st->st_mtim.tv_nsec &&
	    c->ctime.tv_sec == st->st_ctim.tv_sec && c->ctime.tv_nsec == st->st_ctim.tv_nsec;
}

/* (Re)start c's settle wait from now. */
static void
cand_arm(struct watch *w, struct cand *c)
{
	struct root *r = &w->roots[c->root];

	list_unlink(cand_list(w, c), c);
	if (c->state == CAND_READY)
		r->npending++;
	c->state = CAND_SETTLING;
	c->deadline = watch_now_ms() + r->settle_ms;
	list_append(&r->settling, c);
}

/*
 * A regular file seen at rel (by an event when from_event, else by a scan or
 * poll): make it a candidate, or restart its wait when it changed (or when
 * an event says somebody touched it).
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
		unsigned h = cand_hash(root, rel);

		c = xcalloc(1, sizeof *c);
		c->root = root;
		c->rel = xstrdup(rel);
		c->hnext = w->cands[h];
		w->cands[h] = c;
		c->state = CAND_SETTLING;
		r->npending++;
		cand_set_stat(c, st);
		c->deadline = watch_now_ms() + r->settle_ms;
		list_append(&r->settling, c);
		return;
	}
	if (!cand_same(c, st) || from_event) {
		cand_set_stat(c, st);
		cand_arm(w, c);
	}
}

/* Forget every candidate of root at rel or under it (a directory that left). */
static void
forget_under(struct watch *w, int root, const char *rel)
{
	size_t n = strlen(rel);

	for (size_t b = 0; b < CAND_BUCKETS; b++)
		for (struct cand *c = w->cands[b], *next; c != NULL; c = next) {
			next = c->hnext;
			if (c->root == root && strncmp(c->rel, rel, n) == 0 &&
			    (c->rel[n] == '\0' || c->rel[n] == '/'))
				cand_remove(w, c);
		}
}

/* --- watched directories ------------------------------------------------- */

static struct wdir *
dir_by_wd(struct watch *w, int wd)
{
	for (struct wdir *d = w->dirs[(unsigned)wd % DIR_BUCKETS]; d != NULL; d = d->hnext)
		if (d->wd == wd)
			return d;
	return NULL;
}

static void
dir_forget(struct watch *w, struct wdir *d, int rm_watch)
{
	struct wdir **pp = &w->dirs[(unsigned)d->wd % DIR_BUCKETS];

	while (*pp != d)
		pp = &(*pp)->hnext;
	*pp = d->hnext;
	if (rm_watch)
		inotify_rm_watch(w->fd, d->wd);
	w->roots[d->root].ndirs--;
	free(d->rel);
	free(d);
}

/* Drop the watches of root at rel and under it ("" for the whole root). */
static void
dirs_forget_under(struct watch *w, int root, const char *rel, int rm_watch)
{
	size_t n = strlen(rel);

	for (size_t b = 0; b < DIR_BUCKETS; b++)
		for (struct wdir *d = w->dirs[b], *next; d != NULL; d = next) {
			next = d->hnext;
			if (d->root == root && (n == 0 || (strncmp(d->rel, rel, n) == 0 &&
			    (d->rel[n] == '\0' || d->rel[n] == '/'))))
				dir_forget(w, d, rm_watch);
		}
}

static void
fall_back_to_polling(struct watch *w, struct root *r, const char *why)
{
	(void)w;
	if (r->poll_ms == 0)
		r->poll_ms = r->conf_poll_ms > 0 ? r->conf_poll_ms : AUTO_POLL_MS;
	if (r->mode != WATCH_POLL || strcmp(r->why, why) != 0) {
		log_warnx("drop %s: %s: polling %s every %ld s from now on", r->name, why, r->path,
		    r->poll_ms / 1000);
		snprintf(r->why, sizeof r->why, "%s", why);
	}
	r->mode = WATCH_POLL;
}

/* Watch the directory rel of root; its wd, or -1. */
static int
add_watch(struct watch *w, int root, const char *rel)
{
	struct root *r = &w->roots[root];
	char *path;
	int wd;
	struct wdir *d;

	if (!r->inotify_ok)
		return -1;
	path = full_path(r, rel);
	wd = inotify_add_watch(w->fd, path, DIR_MASK);
	free(path);
	if (wd < 0) {
		if (errno == ENOSPC || errno == ENOMEM) {
			r->inotify_ok = 0;
			fall_back_to_polling(w, r, "inotify watch limit reached (raise "
			    "fs.inotify.max_user_watches)");
		}
		return -1;
	}
	if ((d = dir_by_wd(w, wd)) != NULL) {
		/* Already watched (a rescan, or the directory moved): keep its path current. */
		if (strcmp(d->rel, rel) != 0 && d->root == root) {
			free(d->rel);
			d->rel = xstrdup(rel);
			d->depth = depth_of(rel);
		}
		return wd;
	}
	d = xcalloc(1, sizeof *d);
	d->root = root;
	d->wd = wd;
	d->rel = xstrdup(rel);
	d->depth = depth_of(rel);
	d->hnext = w->dirs[(unsigned)wd % DIR_BUCKETS];
	w->dirs[(unsigned)wd % DIR_BUCKETS] = d;
	r->ndirs++;
	return wd;
}

/*
 * Watch the directory rel (open on dirfd), then list it: every file becomes
 * a candidate, every subdirectory is handled the same way.  Watch first,
 * list second: a file created in between is then seen either way.
 */
static void
scan_dir(struct watch *w, int root, int dirfd, const char *rel, int depth, dev_t skip_dev,
    ino_t skip_ino)
{
	struct root *r = &w->roots[root];
	int fd;
	DIR *d;
	struct dirent *e;

	add_watch(w, root, rel);
	if ((fd = dup(dirfd)) < 0)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		char *child;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    watch_ignored(&r->rc, e->d_name))
			continue;
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		child = join(rel, e->d_name);
		if (S_ISDIR(st.st_mode)) {
			int sub;

			if (!(st.st_dev == skip_dev && st.st_ino == skip_ino) && depth < WATCH_MAX_DEPTH &&
			    (sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			    O_CLOEXEC)) >= 0) {
				scan_dir(w, root, sub, child, depth + 1, skip_dev, skip_ino);
				close(sub);
			}
		} else {
			consider(w, root, child, &st, 0);
		}
		free(child);
	}
	closedir(d);
}

/* Where the skip directory is now (it may be created or replaced at any time). */
static void
skip_id(const struct root *r, dev_t *dev, ino_t *ino)
{
	struct stat st;

	*dev = 0;
	*ino = 0;
	if (r->skip_path != NULL && stat(r->skip_path, &st) == 0) {
		*dev = st.st_dev;
		*ino = st.st_ino;
	}
}

/* Scan the subtree rel of root (a directory that appeared, or the whole root). */
static void
scan_path(struct watch *w, int root, const char *rel)
{
	struct root *r = &w->roots[root];
	int fd = open(r->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	const char *p = rel;
	dev_t sdev;
	ino_t sino;

	skip_id(r, &sdev, &sino);
	/* Walk down without following links: a component swapped for a link is not entered. */
	while (fd >= 0 && *p) {
		size_t n = strcspn(p, "/");
		char *comp = xstrndup(p, n);
		int next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		struct stat st;

		free(comp);
		close(fd);
		fd = next;
		if (fd >= 0 && fstat(fd, &st) == 0 && st.st_dev == sdev && st.st_ino == sino) {
			close(fd);
			return;
		}
		p += n;
		p += *p == '/';
	}
	if (fd < 0)
		return;
	if (depth_of(rel) <= WATCH_MAX_DEPTH)
		scan_dir(w, root, fd, rel, depth_of(rel), sdev, sino);
	close(fd);
}

/* --- roots ----------------------------------------------------------------- */

/* Octal escapes of /proc/self/mounts ("\040" for a space) decoded in place. */
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

static int
is_network_fstype(const char *t)
{
	static const char *const net[] = { "nfs", "nfs4", "cifs", "smb3", "smbfs", "smb", "9p", "ceph",
		"glusterfs", "afs", "lustre", "gpfs", "fuse", "ncpfs", "coda", "davfs", "sshfs", NULL };

	if (strncmp(t, "fuse.", 5) == 0 || strncmp(t, "fuse", 4) == 0)
		return 1;
	for (size_t i = 0; net[i] != NULL; i++)
		if (strcmp(t, net[i]) == 0)
			return 1;
	return 0;
}

/* The file system type of path: /proc/self/mounts (longest mount point), else statfs. */
static void
find_fstype(const char *path, char *out, size_t outlen)
{
	const char *test = getenv("DOJOBRIDGE_TEST_FSTYPE");
	char real[PATH_MAX], line[4096];
	size_t best = 0;
	FILE *f;
	struct statfs sf;

	/*
	 * Test hook: DOJOBRIDGE_TEST_FSTYPE="<path prefix>=<fstype>" makes roots
	 * under that prefix look like that file system (a test machine has no
	 * NFS to mount).
	 */
	if (test != NULL && strchr(test, '=') != NULL) {
		size_t n = (size_t)(strchr(test, '=') - test);

		if (strncmp(path, test, n) == 0 && (path[n] == '/' || path[n] == '\0')) {
			snprintf(out, outlen, "%s", strchr(test, '=') + 1);
			return;
		}
	}
	snprintf(out, outlen, "?");
	if (realpath(path, real) == NULL)
		return;
	if ((f = fopen("/proc/self/mounts", "re")) != NULL) {
		while (fgets(line, sizeof line, f) != NULL) {
			char dev[1024], mnt[2048], type[64];
			size_t n;

			if (sscanf(line, "%1023s %2047s %63s", dev, mnt, type) != 3)
				continue;
			unescape_mount(mnt);
			n = strlen(mnt);
			if ((strncmp(real, mnt, n) == 0 && (real[n] == '/' || real[n] == '\0' ||
			    strcmp(mnt, "/") == 0)) && n >= best) {
				best = n;
				snprintf(out, outlen, "%s", type);
			}
		}
		fclose(f);
		if (best > 0)
			return;
	}
	if (statfs(path, &sf) == 0) {
		switch ((unsigned long)sf.f_type) {
		case NFS_SUPER_MAGIC:
			snprintf(out, outlen, "nfs");
			break;
		case SMB_SUPER_MAGIC:
			snprintf(out, outlen, "smbfs");
			break;
		case CIFS_SUPER_MAGIC:
		case SMB2_SUPER_MAGIC:
			snprintf(out, outlen, "cifs");
			break;
		case FUSE_SUPER_MAGIC:
			snprintf(out, outlen, "fuse");
			break;
		default:
			snprintf(out, outlen, "0x%lx", (unsigned long)sf.f_type);
		}
	}
}

/* Set up a root (again): stat it, decide how to watch it, watch and scan it. */
static void
arm_root(struct watch *w, int root)
{
	struct root *r = &w->roots[root];
	struct stat st;
	int network;
	char safe[300];

	dirs_forget_under(w, root, "", 1);
	r->armed = 0;
	if (stat(r->path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		const char *why = access(r->path, F_OK) < 0 ? strerror(errno) : "not a directory";

		if (!r->logged_down)
			log_warnx("drop %s: %s: %s; looking for it every %d s", r->name,
			    escape_name(r->path, safe, sizeof safe), why, DOWN_RETRY_MS / 1000);
		snprintf(r->why, sizeof r->why, "the root is missing or not a directory");
		r->logged_down = 1;
		r->mode = WATCH_DOWN;
		r->next_retry = watch_now_ms() + DOWN_RETRY_MS;
		return;
	}
	if (r->logged_down)
		log_info("drop %s: %s is back", r->name, escape_name(r->path, safe, sizeof safe));
	r->logged_down = 0;
	r->dev = st.st_dev;
	r->ino = st.st_ino;
	find_fstype(r->path, r->fstype, sizeof r->fstype);
	network = is_network_fstype(r->fstype);
	r->poll_ms = r->conf_poll_ms > 0 ? r->conf_poll_ms : r->conf_poll_ms < 0 && network ? AUTO_POLL_MS : 0;
	r->inotify_ok = 1;
	r->mode = r->poll_ms > 0 ? WATCH_POLL : WATCH_INOTIFY;
	if (r->poll_ms > 0 && network)
		snprintf(r->why, sizeof r->why, "%s: inotify cannot see writes made by other hosts",
		    r->fstype);
	else if (r->poll_ms > 0)
		snprintf(r->why, sizeof r->why, "poll = %ld ms", r->poll_ms);
	else
		r->why[0] = '\0';
	r->armed = 1;
	scan_path(w, root, "");
	if (r->mode == WATCH_POLL)
		log_info("drop %s: %s (%s): polled every %.1f s, inotify kept as an accelerator: %s",
		    r->name, escape_name(r->path, safe, sizeof safe), r->fstype, (double)r->poll_ms / 1000,
		    r->why);
	else
		log_info("drop %s: %s (%s): watched with inotify, %zu directories", r->name,
		    escape_name(r->path, safe, sizeof safe), r->fstype, r->ndirs);
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
	w->rescan_ms = rescan_interval_ms > 0 ? rescan_interval_ms : 60000;
	w->next_rescan = watch_now_ms() + w->rescan_ms;
	return w;
}

void
watch_free(struct watch *w)
{
	if (w == NULL)
		return;
	for (size_t b = 0; b < DIR_BUCKETS; b++)
		while (w->dirs[b] != NULL)
			dir_forget(w, w->dirs[b], 0);
	for (size_t b = 0; b < CAND_BUCKETS; b++)
		while (w->cands[b] != NULL)
			cand_remove(w, w->cands[b]);
	for (size_t i = 0; i < w->nroots; i++) {
		struct root *r = &w->roots[i];

		free(r->name);
		free(r->path);
		free(r->skip_path);
		for (size_t k = 0; r->ignore != NULL && r->ignore[k] != NULL; k++)
			free(r->ignore[k]);
		free(r->ignore);
	}
	free(w->roots);
	free(w->out_rel);
	close(w->fd);
	free(w);
}

int
watch_add_root(struct watch *w, const struct watch_root_conf *rc)
{
	struct root *r;
	size_t n = 0;

	w->roots = xrealloc(w->roots, (w->nroots + 1) * sizeof *w->roots);
	r = &w->roots[w->nroots];
	memset(r, 0, sizeof *r);
	r->name = xstrdup(rc->name);
	r->path = xstrdup(rc->path);
	r->skip_path = rc->skip_path ? xstrdup(rc->skip_path) : NULL;
	while (rc->ignore != NULL && rc->ignore[n] != NULL)
		n++;
	r->ignore = xcalloc(n + 1, sizeof *r->ignore);
	for (size_t i = 0; i < n; i++)
		r->ignore[i] = xstrdup(rc->ignore[i]);
	r->rc.name = r->name;
	r->rc.path = r->path;
	r->rc.skip_path = r->skip_path;
	r->rc.settle_ms = rc->settle_ms;
	r->rc.poll_ms = rc->poll_ms;
	r->rc.ignore = r->ignore;
	r->settle_ms = rc->settle_ms;
	r->conf_poll_ms = rc->poll_ms;
	w->nroots++;
	arm_root(w, (int)(w->nroots - 1));
	return (int)(w->nroots - 1);
}

int
watch_fd(const struct watch *w)
{
	return w->fd;
}

/* --- events ---------------------------------------------------------------- */

static void
root_lost(struct watch *w, int root, const char *why)
{
	struct root *r = &w->roots[root];
	char safe[300];

	log_warnx("drop %s: %s %s: watching it again as soon as it is back", r->name,
	    escape_name(r->path, safe, sizeof safe), why);
	dirs_forget_under(w, root, "", 1);
	r->armed = 0;
	r->mode = WATCH_DOWN;
	snprintf(r->why, sizeof r->why, "%s", why);
	r->next_retry = watch_now_ms();	/* at the next turn: it may be back already */
}

static void
on_event(struct watch *w, const struct inotify_event *ev)
{
	struct wdir *d;
	struct root *r;
	char *rel, *path;
	struct stat st;

	if (ev->mask & IN_Q_OVERFLOW) {
		log_warnx("watch: the inotify queue overflowed (raise fs.inotify.max_queued_events): "
		    "rescanning every drop root");
		for (size_t i = 0; i < w->nroots; i++)
			w->roots[i].needs_rescan = 1;
		return;
	}
	if ((d = dir_by_wd(w, ev->wd)) == NULL)
		return;		/* a watch we dropped; its last events are still queued */
	r = &w->roots[d->root];
	if (ev->mask & (IN_IGNORED | IN_UNMOUNT | IN_DELETE_SELF | IN_MOVE_SELF)) {
		if (d->rel[0] == '\0') {
			int root = d->root;

			root_lost(w, root, ev->mask & IN_UNMOUNT ? "was unmounted" :
			    ev->mask & IN_MOVE_SELF ? "was moved away" : "was removed");
		} else if (ev->mask & IN_IGNORED) {
			dir_forget(w, d, 0);
		}
		return;
	}
	if (ev->len == 0 || watch_ignored(&r->rc, ev->name))
		return;
	rel = join(d->rel, ev->name);
	if (ev->mask & IN_ISDIR) {
		if (ev->mask & IN_MOVED_FROM) {
			/* Its watches would report stale paths: drop them; a move back is a new arrival. */
			dirs_forget_under(w, d->root, rel, 1);
			forget_under(w, d->root, rel);
		} else if ((ev->mask & (IN_CREATE | IN_MOVED_TO)) && d->depth < WATCH_MAX_DEPTH) {
			scan_path(w, d->root, rel);
		}
	} else if (ev->mask & IN_MOVED_FROM) {
		struct cand *c = cand_find(w, d->root, rel);

		if (c != NULL)
			cand_remove(w, c);
	} else {
		path = full_path(r, rel);
		if (fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			consider(w, d->root, rel, &st, 1);
		} else {
			struct cand *c = cand_find(w, d->root, rel);

			if (c != NULL)
				cand_remove(w, c);
		}
		free(path);
	}
	free(rel);
}

void
watch_handle(struct watch *w)
{
	char buf[EVENT_BUF] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while ((n = read(w->fd, buf, sizeof buf)) > 0) {
		for (char *p = buf; p < buf + n; ) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			on_event(w, ev);
			p += sizeof *ev + ev->len;
		}
	}
}

/* --- timers ----------------------------------------------------------------- */

/* A rescan: is the root still the one we watch?  Re-arm it if not, else list it all. */
static void
rescan_root(struct watch *w, int root)
{
	struct root *r = &w->roots[root];
	struct stat st;

	r->needs_rescan = 0;
	if (!r->armed || stat(r->path, &st) < 0 || st.st_dev != r->dev || st.st_ino != r->ino) {
		if (r->armed) {
			char safe[300];

			log_warnx("drop %s: %s was replaced or mounted over: watching it again", r->name,
			    escape_name(r->path, safe, sizeof safe));
		}
		arm_root(w, root);
		return;
	}
	scan_path(w, root, "");
}

void
watch_run_timers(struct watch *w)
{
	long long now = watch_now_ms();

	for (size_t i = 0; i < w->nroots; i++) {
		struct root *r = &w->roots[i];
		struct cand *c;

		if (r->mode == WATCH_DOWN && now >= r->next_retry)
			arm_root(w, (int)i);
		else if (r->needs_rescan)
			rescan_root(w, (int)i);
		if (r->armed && r->poll_ms > 0 && now >= r->next_poll) {
			scan_path(w, (int)i, "");
			r->next_poll = now + r->poll_ms;
		}
		/* Settled candidates: FIFO order is deadline order (one settle time per root). */
		while ((c = r->settling.head) != NULL && c->deadline <= now) {
			char *path = full_path(r, c->rel);
			struct stat st;

			if (fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode)) {
				cand_remove(w, c);
			} else if (!cand_same(c, &st)) {
				cand_set_stat(c, &st);
				cand_arm(w, c);
			} else {
				list_unlink(&r->settling, c);
				r->npending--;
				c->state = CAND_READY;
				list_append(&w->ready, c);
			}
			free(path);
		}
	}
	if (now >= w->next_rescan) {
		for (size_t i = 0; i < w->nroots; i++)
			rescan_root(w, (int)i);
		w->next_rescan = now + w->rescan_ms;
	}
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
		if (r->needs_rescan)
			when = earliest(when, 0);
		if (r->armed && r->poll_ms > 0)
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
	free(w->out_rel);
	w->out_rel = xstrdup(c->rel);
	memset(out, 0, sizeof *out);
	out->root = c->root;
	out->rel = w->out_rel;
	slash = strrchr(w->out_rel, '/');
	out->name = slash ? slash + 1 : w->out_rel;
	out->st.st_dev = c->dev;
	out->st.st_ino = c->ino;
	out->st.st_size = c->size;
	out->st.st_mtim = c->mtime;
	out->st.st_ctim = c->ctime;
	out->st.st_mode = S_IFREG;
	cand_remove(w, c);
	return 1;
}

void
watch_rescan_all(struct watch *w)
{
	for (size_t i = 0; i < w->nroots; i++)
		w->roots[i].needs_rescan = 1;
}

void
watch_root_info(const struct watch *w, int root, struct watch_root_info *info)
{
	const struct root *r;

	memset(info, 0, sizeof *info);
	if (root < 0 || (size_t)root >= w->nroots) {
		info->mode = WATCH_DOWN;
		info->fstype = "?";
		return;
	}
	r = &w->roots[root];
	info->mode = r->mode;
	info->fstype = r->fstype[0] ? r->fstype : "?";
	info->dirs = r->ndirs;
	info->pending = r->npending;
	info->why = r->why[0] ? r->why : NULL;
}

/* --- the one-shot walk of `once` and `plan` --------------------------------- */

static void
walk_dir(struct watch_walk *ww, int dirfd, const char *rel, int depth, dev_t sdev, ino_t sino)
{
	struct dirent **names = NULL, *e;
	int n = 0, fd = dup(dirfd);
	size_t cap = 0;
	DIR *d;

	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	/* Sorted, so runs are repeatable; read via the fd, never by path. */
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
		if (S_ISDIR(st.st_mode)) {
			int sub;

			if (!(st.st_dev == sdev && st.st_ino == sino) && depth < WATCH_MAX_DEPTH &&
			    (sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) >= 0) {
				walk_dir(ww, sub, child, depth + 1, sdev, sino);
				close(sub);
			}
		} else {
			ww->found(ww, dirfd, child, name, &st);
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
	struct stat st;
	dev_t sdev = 0;
	ino_t sino = 0;

	if (ww->rc->skip_path != NULL && stat(ww->rc->skip_path, &st) == 0) {
		sdev = st.st_dev;
		sino = st.st_ino;
	}
	walk_dir(ww, dirfd, rel, depth_of(rel), sdev, sino);
}
