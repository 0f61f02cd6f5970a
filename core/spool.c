/*
 * The on-disk spool: claims by rename, durable job records, and the moves
 * to done/ and failed/ (layout and invariants in spool.h).  Every write
 * that must survive a crash is temp file, fsync, rename, fsync(dir).
 */
#include "spool.h"
#include "safeopen.h"
#include "jsonnum.h"
#include "log.h"
#include "sha256.h"
#include "strbuf.h"
#include "xmem.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static int
open_subdir(int dirfd, const char *name, const char *spool)
{
	int fd;

	if (mkdirat(dirfd, name, 0700) < 0 && errno != EEXIST) {
		log_error("spool: %s/%s: mkdir", spool, name);
		return -1;
	}
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		log_error("spool: %s/%s", spool, name);
	return fd;
}

static int
mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof buf)
		return -1;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

int
spool_open(struct spool *s, const char *path, const char *host)
{
	memset(s, 0, sizeof *s);
	s->dirfd = s->tmpfd = s->queuefd = s->activefd = s->ownfd = s->donefd = s->failedfd = -1;
	s->orderfd = s->hostsfd = s->lockfd = s->ledgerfd = s->runsfd = -1;
	s->path = xstrdup(path);
	/* The host name goes into file names: keep it to safe characters. */
	snprintf(s->host, sizeof s->host, "%s", host && *host ? host : "localhost");
	for (char *p = s->host; *p; p++)
		if (*p == '/' || *p == '.' || (unsigned char)*p < 0x20)
			*p = '_';
	if (mkdir_p(path) < 0) {
		log_error("spool: %s: mkdir", path);
		goto fail;
	}
	s->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0) {
		log_error("spool: %s", path);
		goto fail;
	}
	if ((s->tmpfd = open_subdir(s->dirfd, "tmp", path)) < 0 ||
	    (s->queuefd = open_subdir(s->dirfd, "queue", path)) < 0 ||
	    (s->activefd = open_subdir(s->dirfd, "active", path)) < 0 ||
	    (s->ownfd = open_subdir(s->activefd, s->host, path)) < 0 ||
	    (s->donefd = open_subdir(s->dirfd, "done", path)) < 0 ||
	    (s->failedfd = open_subdir(s->dirfd, "failed", path)) < 0 ||
	    (s->orderfd = open_subdir(s->dirfd, "order", path)) < 0 ||
	    (s->hostsfd = open_subdir(s->dirfd, "hosts", path)) < 0 ||
	    (s->ledgerfd = open_subdir(s->dirfd, "ledger", path)) < 0 ||
	    (s->runsfd = open_subdir(s->dirfd, "runs", path)) < 0)
		goto fail;
	return 0;
fail:
	spool_release(s);
	return -1;
}

int
spool_attach(struct spool *s, const char *path)
{
	const struct {
		const char *name;
		int *fd;
	} subdirs[] = {
		{ "tmp", &s->tmpfd }, { "queue", &s->queuefd }, { "active", &s->activefd },
		{ "done", &s->donefd }, { "failed", &s->failedfd }, { "order", &s->orderfd },
		{ "hosts", &s->hostsfd }, { "ledger", &s->ledgerfd }, { "runs", &s->runsfd },
	};

	memset(s, 0, sizeof *s);
	s->dirfd = s->tmpfd = s->queuefd = s->activefd = s->ownfd = s->donefd = s->failedfd = -1;
	s->orderfd = s->hostsfd = s->lockfd = s->ledgerfd = s->runsfd = -1;
	s->path = xstrdup(path);
	snprintf(s->host, sizeof s->host, "-");
	s->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0) {
		log_error("spool: %s", path);
		spool_release(s);
		return -1;
	}
	/* A part that does not exist yet is empty; nothing is created. */
	for (size_t i = 0; i < sizeof subdirs / sizeof subdirs[0]; i++)
		*subdirs[i].fd = openat(s->dirfd, subdirs[i].name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	return 0;
}

void
spool_release(struct spool *s)
{
	int *fds[] = { &s->dirfd, &s->tmpfd, &s->queuefd, &s->activefd, &s->ownfd, &s->donefd,
		&s->failedfd, &s->orderfd, &s->hostsfd, &s->lockfd, &s->ledgerfd, &s->runsfd };

	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
	free(s->path);
	s->path = NULL;
}

int
spool_lock(struct spool *s, long *holder)
{
	char pid[32];
	int fd, n;

	*holder = 0;
	fd = openat(s->ownfd, ".lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return log_error("spool: %s/active/%s/.lock", s->path, s->host);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK) {
			n = (int)pread(fd, pid, sizeof pid - 1, 0);
			pid[n > 0 ? n : 0] = '\0';
			*holder = strtol(pid, NULL, 10);
			close(fd);
			return 1;
		}
		close(fd);
		return log_error("spool: %s/active/%s/.lock: flock", s->path, s->host);
	}
	n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n)
		log_warn("spool: %s/active/%s/.lock: cannot record our pid", s->path, s->host);
	s->lockfd = fd;
	return 0;
}

/* A directory stream over dirfd from its start; dirfd itself stays open. */
static DIR *
dir_stream(int dirfd)
{
	int fd = dup(dirfd);
	DIR *d;

	if (fd < 0)
		return NULL;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return NULL;
	}
	rewinddir(d);
	return d;
}

static int
fsync_dir(int dirfd)
{
	/* A directory fsync makes renames and creations in it durable. */
	return fsync(dirfd);
}

/* Write data as dirfd/name durably: temp name, fsync, rename, fsync(dir). */
static int
write_durable(int dirfd, const char *name, const char *data, size_t len)
{
	char tmp[NAME_MAX + 1];
	ssize_t n;
	size_t off = 0;
	int fd;

	snprintf(tmp, sizeof tmp, ".%s.tmp", name);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (geteuid() == 0) {
		struct stat dst;

		/* root (retry, by hand) writes for the daemon's user, who owns the spool. */
		if (fstat(dirfd, &dst) < 0 || fchown(fd, dst.st_uid, dst.st_gid) < 0)
			goto fail;
	}
	while (off < len) {
		n = write(fd, data + off, len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)n;
	}
	/* A failed fsync means this copy is bad; the caller keeps the original. */
	if (fsync(fd) < 0)
		goto fail;
	close(fd);
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		unlinkat(dirfd, tmp, 0);
		return -1;
	}
	return fsync_dir(dirfd);
fail:
	close(fd);
	unlinkat(dirfd, tmp, 0);
	return -1;
}

static char *
job_json(const struct job *j)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "{\"id\":");
	strbuf_add_json(&sb, j->id);
	strbuf_addstr(&sb, ",\"drop\":");
	strbuf_add_json(&sb, j->drop);
	strbuf_addstr(&sb, ",\"origin\":");
	strbuf_add_json(&sb, j->origin);
	strbuf_addstr(&sb, ",\"name\":");
	strbuf_add_json(&sb, j->name);
	strbuf_addf(&sb, ",\"size\":%lld,\"mtime\":%lld,\"claimed\":%lld,\"attempts\":%d,"
	    "\"sidecar\":%s,\"not_before\":%lld", j->size, (long long)j->mtime,
	    (long long)j->claimed, j->attempts, j->has_sidecar ? "true" : "false",
	    (long long)j->not_before);
	if (j->media != NULL) {
		strbuf_addstr(&sb, ",\"media\":");
		strbuf_add_json(&sb, j->media);
		strbuf_addstr(&sb, ",\"layout\":");
		strbuf_add_json(&sb, j->layout);
		strbuf_addf(&sb, ",\"sha256\":\"%s\"", j->sha256);
	}
	strbuf_addstr(&sb, "}\n");
	return strbuf_detach(&sb);
}

static int
job_load(int jobdirfd, struct job *j)
{
	char buf[16384];
	ssize_t n;
	int fd;
	cJSON *root;
	const cJSON *v;

	fd = openat(jobdirfd, "job.json", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof buf);
	close(fd);
	if (n <= 0 || (size_t)n == sizeof buf)
		return -1;
	root = cJSON_ParseWithLength(buf, (size_t)n);
	if (root == NULL)
		return -1;
#define STR(key, slot) do { v = cJSON_GetObjectItemCaseSensitive(root, key); \
	slot = xstrdup(cJSON_IsString(v) ? v->valuestring : "?"); } while (0)
#define NUM(key) json_llong(v = cJSON_GetObjectItemCaseSensitive(root, key), 0)
	STR("drop", j->drop);
	STR("origin", j->origin);
	STR("name", j->name);
	j->size = (long long)NUM("size");
	j->mtime = (time_t)NUM("mtime");
	j->claimed = (time_t)NUM("claimed");
	j->attempts = (int)NUM("attempts");
	j->not_before = (time_t)NUM("not_before");
	j->has_sidecar = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "sidecar"));
	if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(root, "media"))) {
		j->media = xstrdup(v->valuestring);
		v = cJSON_GetObjectItemCaseSensitive(root, "layout");
		j->layout = cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
		v = cJSON_GetObjectItemCaseSensitive(root, "sha256");
		if (cJSON_IsString(v) && strlen(v->valuestring) == 64)
			memcpy(j->sha256, v->valuestring, 65);
	}
#undef STR
#undef NUM
	cJSON_Delete(root);
	return 0;
}

void
spool_job_release(struct job *j)
{
	free(j->drop);
	free(j->origin);
	free(j->name);
	free(j->media);
	free(j->layout);
	memset(j, 0, sizeof *j);
}

static void
new_id(struct spool *s, char *id, size_t idlen)
{
	struct timespec ts;
	struct tm tm;
	char when[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof when, "%Y%m%dT%H%M%S", &tm);
	snprintf(id, idlen, "%s.%06ldZ.%s.%ld.%u", when, ts.tv_nsec / 1000, s->host, (long)getpid(),
	    s->seq++);
}

static int
remove_tree_at(int parentfd, const char *name)
{
	int fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d;
	struct dirent *e;

	if (fd < 0)
		return unlinkat(parentfd, name, 0);
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (e->d_type == DT_DIR)
			remove_tree_at(dirfd(d), e->d_name);
		else
			unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
	return unlinkat(parentfd, name, AT_REMOVEDIR);
}

/* The host field of a job id <time>.<usec>Z.<host>.<pid>.<n>, into host. */
static int
id_host(const char *id, char *host, size_t hostlen)
{
	const char *p = strchr(id, '.'), *q;

	if (p == NULL || (p = strchr(p + 1, '.')) == NULL || (q = strchr(p + 1, '.')) == NULL ||
	    (size_t)(q - p - 1) >= hostlen)
		return -1;
	memcpy(host, p + 1, (size_t)(q - p - 1));
	host[q - p - 1] = '\0';
	return 0;
}

/* Move every job directory of fromfd into queue/.  Returns how many. */
static int
requeue_all(struct spool *s, int fromfd, const char *from)
{
	DIR *d = dir_stream(fromfd);
	int n = 0;
	struct dirent *e;

	if (d == NULL)
		return log_error("spool: %s/%s", s->path, from);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (renameat(fromfd, e->d_name, s->queuefd, e->d_name) == 0)
			n++;
		else if (errno != ENOENT)
			log_warn("spool: %s/%s/%s: cannot move to queue", s->path, from, e->d_name);
	}
	closedir(d);
	fsync_dir(fromfd);
	fsync_dir(s->queuefd);
	return n;
}

/* Finish or undo the claims of host left in tmp/ (a claim holding its report is finished). */
static int
recover_claims(struct spool *s, const char *host)
{
	DIR *d = dir_stream(s->tmpfd);
	int recovered = 0;
	struct dirent *e;

	if (d == NULL)
		return log_error("spool: %s/tmp", s->path);
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		char path[NAME_MAX + 16], owner[64];

		if (e->d_name[0] == '.' || id_host(e->d_name, owner, sizeof owner) < 0 ||
		    strcmp(owner, host) != 0)
			continue;
		snprintf(path, sizeof path, "%s/report", e->d_name);
		if (fstatat(s->tmpfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			/* The claim rename happened: finish it. */
			if (renameat(s->tmpfd, e->d_name, s->queuefd, e->d_name) == 0) {
				log_info("spool: %s: recovered interrupted claim %s", s->path, e->d_name);
				recovered++;
			} else {
				log_warn("spool: %s/tmp/%s: cannot move to queue", s->path, e->d_name);
			}
		} else {
			/* The claim never took the report: nothing but its own record to drop. */
			remove_tree_at(s->tmpfd, e->d_name);
		}
	}
	closedir(d);
	fsync_dir(s->tmpfd);
	fsync_dir(s->queuefd);
	return recovered;
}

int
spool_recover(struct spool *s)
{
	int claims = recover_claims(s, s->host), jobs;

	jobs = requeue_all(s, s->ownfd, "active");
	if (jobs > 0)
		log_info("spool: %s: %d job%s in flight when the last run ended, queued again", s->path,
		    jobs, jobs == 1 ? "" : "s");
	return (claims > 0 ? claims : 0) + (jobs > 0 ? jobs : 0);
}

int
spool_heartbeat(struct spool *s, long claim_timeout_ms)
{
	struct stat mine, theirs;
	int fd, taken = 0;
	DIR *d;
	struct dirent *e;

	fd = openat(s->ownfd, ".heartbeat", O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || futimens(fd, NULL) < 0 || fstat(fd, &mine) < 0) {
		if (fd >= 0)
			close(fd);
		return log_error("spool: %s/active/%s/.heartbeat", s->path, s->host);
	}
	close(fd);
	/* Both times come from the shared file system's clock: no skew between hosts. */
	d = dir_stream(s->activefd);
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		char hb[NAME_MAX + 16];
		long long age_ms;
		int hostfd, n;

		if (e->d_name[0] == '.' || strcmp(e->d_name, s->host) == 0)
			continue;
		snprintf(hb, sizeof hb, "%s/.heartbeat", e->d_name);
		if (fstatat(s->activefd, hb, &theirs, AT_SYMLINK_NOFOLLOW) < 0 &&
		    fstatat(s->activefd, e->d_name, &theirs, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		age_ms = ((long long)mine.st_mtim.tv_sec - theirs.st_mtim.tv_sec) * 1000 +
		    (mine.st_mtim.tv_nsec - theirs.st_mtim.tv_nsec) / 1000000;
		if (age_ms <= claim_timeout_ms)
			continue;
		hostfd = openat(s->activefd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (hostfd < 0)
			continue;
		n = requeue_all(s, hostfd, "active/<lost host>");
		n += recover_claims(s, e->d_name);
		close(hostfd);
		if (n > 0) {
			char safe[80];

			log_warnx("spool: %s: host %s has not renewed its heartbeat for %lld s (claim_timeout "
			    "%ld s): its %d job%s queued again", s->path, escape_name(e->d_name, safe,
			    sizeof safe), age_ms / 1000, claim_timeout_ms / 1000, n, n == 1 ? "" : "s");
			taken += n;
		}
	}
	closedir(d);
	return taken;
}

int
spool_claim(struct spool *s, const char *drop, int srcdirfd, const char *srcname,
    const char *origin, const struct stat *st, struct job *job)
{
	char sidecar[NAME_MAX + 16];
	char *json = NULL;
	int jobfd = -1, rc = -1;

	memset(job, 0, sizeof *job);
	new_id(s, job->id, sizeof job->id);
	job->drop = xstrdup(drop);
	job->origin = xstrdup(origin);
	job->name = xstrdup(srcname);
	job->size = (long long)st->st_size;
	job->mtime = st->st_mtime;
	job->claimed = time(NULL);
	snprintf(sidecar, sizeof sidecar, "%s.dojo.json", srcname);
	job->has_sidecar = strlen(srcname) + 10 <= NAME_MAX &&
	    faccessat(srcdirfd, sidecar, F_OK, AT_SYMLINK_NOFOLLOW) == 0;

	if (mkdirat(s->tmpfd, job->id, 0700) < 0) {
		log_error("spool: %s/tmp/%s: mkdir", s->path, job->id);
		goto out;
	}
	jobfd = openat(s->tmpfd, job->id, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	json = job_json(job);
	if (jobfd < 0 || write_durable(jobfd, "job.json", json, strlen(json)) < 0 ||
	    fsync_dir(s->tmpfd) < 0) {
		log_error("spool: %s/tmp/%s/job.json", s->path, job->id);
		goto undo;
	}
	/* The claim itself: exactly one renamer wins. */
	if (renameat(srcdirfd, srcname, jobfd, "report") < 0) {
		if (errno == ENOENT) {
			rc = 1;
			goto undo;
		}
		if (errno == EXDEV)
			s->crossed = 1;
		log_error("spool: claim %s", origin);
		goto undo;
	}
	if (job->has_sidecar && renameat(srcdirfd, sidecar, jobfd, "sidecar.json") < 0) {
		/* It went away meanwhile: job.json must not promise it. */
		job->has_sidecar = 0;
		free(json);
		json = job_json(job);
		write_durable(jobfd, "job.json", json, strlen(json));
	}
	fsync_dir(jobfd);
	fsync_dir(srcdirfd);
	if (renameat(s->tmpfd, job->id, s->ownfd, job->id) < 0) {
		/* spool_recover finishes this on the next start. */
		log_error("spool: %s/tmp/%s: move to active/%s", s->path, job->id, s->host);
		goto out;
	}
	fsync_dir(s->tmpfd);
	fsync_dir(s->ownfd);
	rc = 0;
	goto out;
undo:
	remove_tree_at(s->tmpfd, job->id);
out:
	if (jobfd >= 0)
		close(jobfd);
	free(json);
	if (rc != 0)
		spool_job_release(job);
	return rc;
}

/* Copy fd's bytes into dirfd/name (created, fsynced), hashing them into h when h is not NULL. */
static int
copy_durable(int fd, int dirfd, const char *name, const struct stat *st, struct sha256 *h)
{
	char buf[65536];
	ssize_t n;
	int out = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	long long total = 0;

	if (out < 0)
		return -1;
	for (;;) {
		n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (h != NULL)
			sha256_update(h, buf, (size_t)n);
		for (ssize_t off = 0; off < n; ) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				goto fail;
			off += w;
		}
		total += n;
	}
	/* A file that grew or shrank while read is not the file that was listed. */
	if (n < 0 || total != (long long)st->st_size)
		goto fail;
	{
		/* The copy keeps the report's time: scan_date = mtime means the scan's, not ours. */
		struct timespec times[2] = { st->st_atim, st->st_mtim };

		futimens(out, times);
	}
	if (fsync(out) < 0)
		goto fail;
	close(out);
	return 0;
fail:
	if (errno == 0)
		errno = EIO;
	close(out);
	unlinkat(dirfd, name, 0);
	return -1;
}

int
spool_copy_in(struct spool *s, const char *drop, int srcdirfd, const char *srcname,
    const char *origin, const char *media, const char *layout, struct job *job,
    char sidecar_sha256[65], char *err, size_t errlen)
{
	char sidecar[NAME_MAX + 16];
	char *json = NULL;
	struct stat st;
	struct sha256 h;
	int fd, sfd = -1, jobfd = -1, rc = -1;

	memset(job, 0, sizeof *job);
	fd = openat(srcdirfd, srcname, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s", fd < 0 && errno == ELOOP ?
		    "it is a symbolic link, which dojobridge never follows" :
		    fd < 0 ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	new_id(s, job->id, sizeof job->id);
	job->drop = xstrdup(drop);
	job->origin = xstrdup(origin);
	job->name = xstrdup(srcname);
	job->media = xstrdup(media);
	job->layout = layout ? xstrdup(layout) : NULL;
	job->size = (long long)st.st_size;
	job->mtime = st.st_mtime;
	job->claimed = time(NULL);
	snprintf(sidecar, sizeof sidecar, "%s.dojo.json", srcname);
	if (strlen(srcname) + 10 <= NAME_MAX)
		sfd = openat(srcdirfd, sidecar, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

	if (mkdirat(s->tmpfd, job->id, 0700) < 0 ||
	    (jobfd = openat(s->tmpfd, job->id, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "spool %s/tmp/%s: %s", s->path, job->id, strerror(errno));
		goto out;
	}
	sha256_init(&h);
	if (copy_durable(fd, jobfd, "report.unverified", &st, &h) < 0) {
		snprintf(err, errlen, "copying it into %s/tmp/%s: %s", s->path, job->id,
		    errno == EIO ? "it changed while being copied" : strerror(errno));
		goto undo;
	}
	sha256_hex(&h, job->sha256);
	sidecar_sha256[0] = '\0';
	if (sfd >= 0) {
		struct stat sst = { 0 };

		sha256_init(&h);
		if (fstat(sfd, &sst) < 0 || !S_ISREG(sst.st_mode) ||
		    copy_durable(sfd, jobfd, "sidecar.json", &sst, &h) < 0) {
			snprintf(err, errlen, "its sidecar %s could not be copied (%s)", sidecar,
			    S_ISREG(sst.st_mode) ? strerror(errno) : "not a regular file");
			goto undo;
		}
		sha256_hex(&h, sidecar_sha256);
		job->has_sidecar = 1;
	}
	json = job_json(job);
	if (write_durable(jobfd, "job.json", json, strlen(json)) < 0 || fsync_dir(jobfd) < 0 ||
	    fsync_dir(s->tmpfd) < 0) {
		snprintf(err, errlen, "spool %s/tmp/%s/job.json: %s", s->path, job->id, strerror(errno));
		goto undo;
	}
	rc = 0;
	goto out;
undo:
	remove_tree_at(s->tmpfd, job->id);
out:
	if (jobfd >= 0)
		close(jobfd);
	if (sfd >= 0)
		close(sfd);
	close(fd);
	free(json);
	if (rc != 0)
		spool_job_release(job);
	return rc;
}

int
spool_copy_commit(struct spool *s, const struct job *job)
{
	int jobfd = openat(s->tmpfd, job->id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (jobfd < 0 || renameat(jobfd, "report.unverified", jobfd, "report") < 0 ||
	    fsync_dir(jobfd) < 0) {
		if (jobfd >= 0)
			close(jobfd);
		return log_error("spool: %s/tmp/%s", s->path, job->id);
	}
	close(jobfd);
	if (renameat(s->tmpfd, job->id, s->ownfd, job->id) < 0)
		return log_error("spool: %s/tmp/%s: move to active/%s", s->path, job->id, s->host);
	fsync_dir(s->tmpfd);
	fsync_dir(s->ownfd);
	return 0;
}

void
spool_copy_abandon(struct spool *s, const struct job *job)
{
	remove_tree_at(s->tmpfd, job->id);
	fsync_dir(s->tmpfd);
}

static int
by_mtime(const void *a, const void *b)
{
	const struct job *x = a, *y = b;

	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? -1 : 1;
	return strcmp(x->id, y->id);
}

int
spool_list(struct spool *s, int mine, struct job **jobs, size_t *njobs)
{
	int dirfd = mine ? s->ownfd : s->queuefd;
	DIR *d = dir_stream(dirfd);
	struct dirent *e;
	size_t n = 0, cap = 0;
	struct job *v = NULL;

	if (d == NULL)
		return log_error("spool: %s/%s", s->path, mine ? "active" : "queue");
	while ((e = readdir(d)) != NULL) {
		int jfd;

		if (e->d_name[0] == '.' || strlen(e->d_name) >= sizeof v->id)
			continue;
		jfd = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (jfd < 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, cap * sizeof *v);
		}
		memset(&v[n], 0, sizeof v[n]);
		if (job_load(jfd, &v[n]) == 0) {
			snprintf(v[n].id, sizeof v[n].id, "%s", e->d_name);
			n++;
		} else {
			spool_job_release(&v[n]);
			/* A job another process just took, or a damaged one: leave it. */
			if (faccessat(jfd, "report", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
				log_warnx("spool: %s/%s/%s has no readable job.json; left alone", s->path,
				    mine ? "active" : "queue", e->d_name);
		}
		close(jfd);
	}
	closedir(d);
	if (n > 1)
		qsort(v, n, sizeof *v, by_mtime);
	*jobs = v;
	*njobs = n;
	return 0;
}

void
spool_jobs_free(struct job *jobs, size_t njobs)
{
	for (size_t i = 0; i < njobs; i++)
		spool_job_release(&jobs[i]);
	free(jobs);
}

static int
open_in_job(struct spool *s, const struct job *j, const char *name, int flags)
{
	char path[sizeof j->id + 32];

	snprintf(path, sizeof path, "%s/%s", j->id, name);
	return openat(s->ownfd, path, flags | O_NOFOLLOW | O_CLOEXEC);
}

static int
load_job_at(int parentfd, const char *id, struct job *j)
{
	int fd = openat(parentfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), rc;

	memset(j, 0, sizeof *j);
	if (fd < 0)
		return -1;
	rc = job_load(fd, j);
	close(fd);
	if (rc < 0)
		spool_job_release(j);
	else
		snprintf(j->id, sizeof j->id, "%s", id);
	return rc;
}

int
spool_take(struct spool *s, const char *id, struct job *job)
{
	memset(job, 0, sizeof *job);
	if (strchr(id, '/') != NULL || id[0] == '.' || strlen(id) >= sizeof job->id)
		return 1;
	if (renameat(s->queuefd, id, s->ownfd, id) < 0) {
		if (errno == ENOENT)
			return 1;	/* another process took it */
		return log_error("spool: %s/queue/%s: take", s->path, id);
	}
	fsync_dir(s->ownfd);
	fsync_dir(s->queuefd);
	if (load_job_at(s->ownfd, id, job) < 0) {
		log_warnx("spool: %s/queue/%s has no readable job.json; moved to failed/", s->path, id);
		renameat(s->ownfd, id, s->failedfd, id);
		return 1;
	}
	return 0;
}

int
spool_untake(struct spool *s, const struct job *j)
{
	if (renameat(s->ownfd, j->id, s->queuefd, j->id) < 0)
		return log_error("spool: %s/active/%s/%s: move to queue", s->path, s->host, j->id);
	fsync_dir(s->queuefd);
	fsync_dir(s->ownfd);
	return 0;
}

static int
requeue_one(struct spool *s, const char *id)
{
	struct job j;
	int fd;
	char *json;

	if (load_job_at(s->failedfd, id, &j) < 0)
		return -1;
	fd = openat(s->failedfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	j.attempts = 0;
	j.not_before = 0;
	j.claimed = time(NULL);		/* max_age counts from the requeue */
	json = job_json(&j);
	if (fd < 0 || write_durable(fd, "job.json", json, strlen(json)) < 0) {
		if (fd >= 0)
			close(fd);
		free(json);
		spool_job_release(&j);
		return log_error("spool: %s/failed/%s/job.json", s->path, id);
	}
	renameat(fd, "error.json", fd, "error.previous.json");
	fsync_dir(fd);
	close(fd);
	free(json);
	spool_job_release(&j);
	if (renameat(s->failedfd, id, s->queuefd, id) < 0)
		return log_error("spool: %s/failed/%s: move to queue", s->path, id);
	fsync_dir(s->queuefd);
	fsync_dir(s->failedfd);
	return 0;
}

int
spool_requeue_failed(struct spool *s, const char *id)
{
	int n = 0;
	DIR *d;
	struct dirent *e;

	if (s->failedfd < 0)
		return id != NULL ? -1 : 0;	/* nothing ever failed here */
	if (id != NULL) {
		if (strchr(id, '/') != NULL || id[0] == '.' || id[0] == '\0')
			return -1;
		return requeue_one(s, id) == 0 ? 1 : -1;
	}
	d = dir_stream(s->failedfd);
	if (d == NULL)
		return log_error("spool: %s/failed", s->path);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' && requeue_one(s, e->d_name) == 0)
			n++;
	closedir(d);
	return n;
}

int
spool_open_report(struct spool *s, const struct job *j, struct stat *st, char *err,
    size_t errlen)
{
	char path[sizeof j->id + 32];

	snprintf(path, sizeof path, "%s/report", j->id);
	return safe_open_beneath(s->ownfd, path, st, err, errlen);
}

int
spool_open_sidecar(struct spool *s, const struct job *j)
{
	if (!j->has_sidecar) {
		errno = ENOENT;
		return -1;
	}
	return open_in_job(s, j, "sidecar.json", O_RDONLY | O_NONBLOCK);
}

int
spool_save_job(struct spool *s, const struct job *j)
{
	int fd = openat(s->ownfd, j->id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	char *json;
	int rc;

	if (fd < 0)
		return log_error("spool: %s/active/%s/%s", s->path, s->host, j->id);
	json = job_json(j);
	rc = write_durable(fd, "job.json", json, strlen(json));
	if (rc < 0)
		log_error("spool: %s/active/%s/%s/job.json", s->path, s->host, j->id);
	free(json);
	close(fd);
	return rc;
}

int
spool_count_attempt(struct spool *s, struct job *j)
{
	j->attempts++;
	return spool_save_job(s, j);
}

int
spool_finish(struct spool *s, const struct job *j, enum spool_end end, const char *error_json)
{
	int destfd = end == SPOOL_FAILED ? s->failedfd : s->donefd;

	if (end == SPOOL_FAILED && error_json != NULL) {
		int fd = openat(s->ownfd, j->id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		if (fd < 0 || write_durable(fd, "error.json", error_json, strlen(error_json)) < 0) {
			if (fd >= 0)
				close(fd);
			return log_error("spool: %s/active/%s/%s/error.json", s->path, s->host, j->id);
		}
		close(fd);
	}
	if (end == SPOOL_DELETE) {
		if (remove_tree_at(s->ownfd, j->id) < 0)
			return log_error("spool: %s/active/%s/%s: remove", s->path, s->host, j->id);
		fsync_dir(s->ownfd);
		return 0;
	}
	if (renameat(s->ownfd, j->id, destfd, j->id) < 0)
		return log_error("spool: %s/active/%s/%s: move to %s", s->path, s->host, j->id,
		    end == SPOOL_FAILED ? "failed" : "done");
	fsync_dir(destfd);
	fsync_dir(s->ownfd);
	return 0;
}

int
spool_receipt(struct spool *s, const char *line)
{
	int fd = openat(s->dirfd, "receipts.jsonl", O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	struct strbuf sb = STRBUF_INIT;
	int rc = 0;

	if (fd < 0)
		return log_error("spool: %s/receipts.jsonl", s->path);
	strbuf_addstr(&sb, line);
	strbuf_addch(&sb, '\n');
	/* One write(2) per line: O_APPEND keeps concurrent writers' lines whole. */
	if (write(fd, sb.buf, sb.len) != (ssize_t)sb.len || fsync(fd) < 0)
		rc = log_error("spool: %s/receipts.jsonl", s->path);
	close(fd);
	strbuf_release(&sb);
	return rc;
}

int
spool_prune(struct spool *s, int days, time_t now)
{
	DIR *d = dir_stream(s->donefd);
	int pruned = 0;
	struct dirent *e;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		struct stat st;

		if (e->d_name[0] == '.' || fstatat(s->donefd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (st.st_mtime < now - (time_t)days * 86400 && remove_tree_at(s->donefd, e->d_name) == 0)
			pruned++;
	}
	closedir(d);
	return pruned;
}

/* order/<hex sha256 of key>: the file name stays short and safe whatever the names are. */
static void
order_name(const char *key, char name[65])
{
	struct sha256 h;

	sha256_init(&h);
	sha256_update(&h, key, strlen(key));
	sha256_hex(&h, name);
}

int
spool_order_get(struct spool *s, const char *key, char date[11])
{
	char name[65], buf[64];
	int fd;
	ssize_t n;

	date[0] = '\0';
	order_name(key, name);
	fd = openat(s->orderfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : log_error("spool: %s/order/%s", s->path, name);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n >= 10) {
		memcpy(date, buf, 10);
		date[10] = '\0';
	}
	return 0;
}

int
spool_order_set(struct spool *s, const char *key, const char *date)
{
	char name[65], old[11];
	struct strbuf sb = STRBUF_INIT;
	int rc;

	if (spool_order_get(s, key, old) < 0)
		return -1;
	if (old[0] && strcmp(old, date) >= 0)
		return 0;
	order_name(key, name);
	strbuf_addf(&sb, "%s\n", date);
	strbuf_add_escaped(&sb, key);
	strbuf_addch(&sb, '\n');
	rc = write_durable(s->orderfd, name, sb.buf, sb.len);
	if (rc < 0)
		log_error("spool: %s/order/%s", s->path, name);
	strbuf_release(&sb);
	return rc;
}

int
spool_write_status(struct spool *s, const char *json)
{
	char name[NAME_MAX + 1], tmp[NAME_MAX + 1];
	int fd;
	size_t len = strlen(json);

	/* Not fsynced: it is a report of the moment, rewritten often. */
	snprintf(name, sizeof name, "%s.json", s->host);
	snprintf(tmp, sizeof tmp, ".%s.json.tmp", s->host);
	fd = openat(s->hostsfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (write(fd, json, len) != (ssize_t)len) {
		close(fd);
		unlinkat(s->hostsfd, tmp, 0);
		return -1;
	}
	close(fd);
	return renameat(s->hostsfd, tmp, s->hostsfd, name);
}

/* Count the job directories under dirfd; oldest: the least claim time seen (0 if none). */
static size_t
count_jobs(int dirfd, time_t *oldest)
{
	DIR *d = dir_stream(dirfd);
	struct dirent *e;
	size_t n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		struct job j;

		if (e->d_name[0] == '.')
			continue;
		n++;
		if (oldest != NULL && load_job_at(dirfd, e->d_name, &j) == 0) {
			if (*oldest == 0 || j.claimed < *oldest)
				*oldest = j.claimed;
			spool_job_release(&j);
		}
	}
	closedir(d);
	return n;
}

int
spool_count(struct spool *s, struct spool_counts *c)
{
	DIR *d;
	struct dirent *e;

	memset(c, 0, sizeof *c);
	c->tmp = count_jobs(s->tmpfd, NULL);
	c->queue = count_jobs(s->queuefd, &c->oldest_queued);
	c->done = count_jobs(s->donefd, NULL);
	c->failed = count_jobs(s->failedfd, NULL);
	if (s->activefd < 0)
		return 0;
	if ((d = dir_stream(s->activefd)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		int hfd;

		if (e->d_name[0] == '.')
			continue;
		hfd = openat(s->activefd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (hfd >= 0) {
			c->active += count_jobs(hfd, &c->oldest_queued);
			close(hfd);
		}
	}
	closedir(d);
	return 0;
}

/* ledger/<sha256>.<first 16 hex of sha256(key)>: a fixed-size, safe name per (bytes, target). */
static int
ledger_name(const char *sha256, const char *key, char name[96])
{
	char kh[65];

	if (strlen(sha256) != 64 || strspn(sha256, "0123456789abcdef") != 64)
		return -1;
	order_name(key, kh);
	snprintf(name, 96, "%s.%.16s", sha256, kh);
	return 0;
}

int
spool_ledger_get(struct spool *s, const char *sha256, const char *key, char *entry, size_t entrylen)
{
	char name[96];
	ssize_t n;
	int fd;

	if (entrylen > 0)
		entry[0] = '\0';
	if (s->ledgerfd < 0 || ledger_name(sha256, key, name) < 0)
		return 0;
	fd = openat(s->ledgerfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : log_error("spool: %s/ledger/%s", s->path, name);
	if (entrylen > 0) {
		n = read(fd, entry, entrylen - 1);
		entry[n > 0 ? n : 0] = '\0';
		entry[strcspn(entry, "\n")] = '\0';
	}
	close(fd);
	return 1;
}

int
spool_ledger_add(struct spool *s, const char *sha256, const char *key, const char *entry)
{
	char name[96];
	struct strbuf sb = STRBUF_INIT;
	int rc;

	if (s->ledgerfd < 0 || ledger_name(sha256, key, name) < 0)
		return 0;	/* no ledger (an older spool seen by attach), or no hash: nothing to record */
	strbuf_addf(&sb, "%s\n", entry);
	rc = write_durable(s->ledgerfd, name, sb.buf, sb.len);
	if (rc < 0)
		log_error("spool: %s/ledger/%s", s->path, name);
	strbuf_release(&sb);
	return rc;
}

int
spool_write_run(struct spool *s, const char *name, const char *json, const char *text)
{
	char file[NAME_MAX + 1];

	snprintf(file, sizeof file, "%s.txt", name);
	if (s->runsfd < 0 || write_durable(s->runsfd, file, text, strlen(text)) < 0)
		return log_error("spool: %s/runs/%s", s->path, file);
	snprintf(file, sizeof file, "%s.json", name);
	if (write_durable(s->runsfd, file, json, strlen(json)) < 0)
		return log_error("spool: %s/runs/%s", s->path, file);
	return 0;
}
