/*
 * The daemon's loop: watcher events become claims, claims become prepared
 * jobs under their target key, keys feed the uploads, and every answer ends
 * a job or schedules its next attempt.  Everything runs on one thread; the
 * only blocking calls are file system calls on the spool and drop trees.
 */
#include "daemon.h"
#include "conf.h"
#include "dojo.h"
#include "intake.h"
#include "outbox.h"
#include "log.h"
#include "sha256.h"
#include "spool.h"
#include "strbuf.h"
#include "watch.h"
#include "xmem.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define KEY_BUCKETS 4096
#define CLAIMS_PER_TURN 64		/* ready files handled before the loop looks at sockets again */
#define BACKOFF_MAX_MS (5 * 60 * 1000L)
#define FLUSH_EVERY_MS 1000		/* status and metrics files, at most this often */
#define PRUNE_EVERY_MS (3600 * 1000L)

enum jstate { JS_UNFINISHED, JS_WAITING, JS_SENDING };

struct dropst;
struct keyq;

struct djob {
	struct job job;
	struct dropst *ds;
	struct prepared p;
	enum jstate state;
	struct keyq *kq;
	long long recheck_ms;		/* JS_UNFINISHED: when to look again */
	int server_errors;		/* 500 answers so far */
	struct dojo_upload *up;
	int fd;
	struct djob *next;		/* in the unfinished list */
};

/* The jobs of one target key, oldest report first; only the head is ever sent. */
struct keyq {
	char *key;
	struct djob **v;
	size_t n, cap;
	int busy;			/* the head is being sent */
	long long wake_ms;		/* the head waits until then (500 backoff) */
	int listed;			/* on the runnable or sleeping list */
	struct keyq *hnext;		/* hash chain */
	struct keyq *lnext;		/* runnable / sleeping list */
};

struct dropst {
	struct conf_drop *dr;
	struct spool s;
	int ok;				/* spool open and locked */
	int watch_root;
	int queue_wd;
	int queue_dirty;
	int awaiting_root;		/* the root did not exist: the spool is not opened yet */
	struct policy_cache policies;
	size_t waiting, sending, unfinished;
	struct tally {			/* kept across reloads, by drop name */
		unsigned long imported, failed, skipped;
		char last_error[768];
		char last_error_time[32];
	} t;
};

struct histogram {
	unsigned long count, buckets[10];
	double sum;
};

static const double duration_bounds[10] = { 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300 };

struct daemon {
	const char *confdir;
	struct conf conf;
	struct detect *det;
	struct dojo *dojo;
	CURLM *multi;
	int epfd, sigfd, qfd;
	struct watch *watch;
	struct dropst *drops;
	size_t ndrops;

	struct keyq *keys[KEY_BUCKETS];
	struct keyq *runnable, *runnable_tail, *sleeping;
	struct djob *unfinished;
	struct djob *flying[64];		/* the jobs being sent (max_inflight <= 64) */
	size_t inflight;
	int more_ready;			/* the last turn left ready files: do not sleep */

	long long curl_deadline_ms;	/* -1: curl wants no timeout */
	long long server_wait_ms;	/* no upload before this (transient failure backoff) */
	int consecutive_transient;
	int paused;			/* the token was refused */
	long long pause_retry_ms;
	char pause_reason[1024];

	long long next_tick_ms, next_prune_ms, next_flush_ms, next_idle_check_ms;
	int dirty;			/* status or metrics changed since the last flush */
	int stopping, reload_pending;
	long long stop_deadline_ms;
	int verbosity;

	struct outbox *outbox;		/* [report] sections the daemon delivers, or NULL */
	char exe[PATH_MAX];		/* this program, for report children */

	/* Metrics. */
	unsigned long attempts_by_outcome[5];
	struct histogram durations;
	time_t last_success;
};

static const char *const outcome_names[5] = { "imported", "retry", "retry_then_fail", "failed", "refused" };

static long long
now_ms(void)
{
	return watch_now_ms();
}

/* --- sd_notify, spoken directly ------------------------------------------ */

static void
notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n;
	int fd;

	if (path == NULL || (path[0] != '/' && path[0] != '@') || (n = strlen(path)) >= sizeof sa.sun_path)
		return;
	memcpy(sa.sun_path, path, n);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';	/* an abstract socket */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)) < 0)
		log_debug("sd_notify: %s", strerror(errno));
	close(fd);
}

/* --- keys ---------------------------------------------------------------- */

static unsigned
key_hash(const char *key)
{
	unsigned h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h % KEY_BUCKETS;
}

static struct keyq *
key_get(struct daemon *dm, const char *key)
{
	unsigned h = key_hash(key);
	struct keyq *kq;

	for (kq = dm->keys[h]; kq != NULL; kq = kq->hnext)
		if (strcmp(kq->key, key) == 0)
			return kq;
	kq = xcalloc(1, sizeof *kq);
	kq->key = xstrdup(key);
	kq->hnext = dm->keys[h];
	dm->keys[h] = kq;
	return kq;
}

static void
key_free_if_empty(struct daemon *dm, struct keyq *kq)
{
	struct keyq **pp;

	if (kq->n > 0 || kq->busy || kq->listed)
		return;
	for (pp = &dm->keys[key_hash(kq->key)]; *pp != NULL; pp = &(*pp)->hnext)
		if (*pp == kq) {
			*pp = kq->hnext;
			break;
		}
	free(kq->v);
	free(kq->key);
	free(kq);
}

static int
job_order(const struct djob *a, const struct djob *b)
{
	int c = strcmp(a->p.report_date, b->p.report_date);

	if (c != 0)
		return c;
	if (a->job.mtime != b->job.mtime)
		return a->job.mtime < b->job.mtime ? -1 : 1;
	return strcmp(a->job.id, b->job.id);
}

/* Put kq on the runnable list (or the sleeping one) when it has work to start. */
static void
key_kick(struct daemon *dm, struct keyq *kq)
{
	if (kq->listed || kq->busy || kq->n == 0) {
		key_free_if_empty(dm, kq);
		return;
	}
	kq->listed = 1;
	kq->lnext = NULL;
	if (kq->wake_ms > now_ms()) {
		kq->lnext = dm->sleeping;
		dm->sleeping = kq;
	} else if (dm->runnable_tail != NULL) {
		dm->runnable_tail->lnext = kq;
		dm->runnable_tail = kq;
	} else {
		dm->runnable = dm->runnable_tail = kq;
	}
}

static void
key_add(struct daemon *dm, struct djob *j)
{
	struct keyq *kq = key_get(dm, j->p.key);
	size_t lo = kq->busy ? 1 : 0, hi = kq->n;

	/* Binary search for the place; never in front of a head being sent. */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (job_order(kq->v[mid], j) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (kq->n == kq->cap) {
		kq->cap = kq->cap ? kq->cap * 2 : 4;
		/* NOLINTNEXTLINE(bugprone-sizeof-expression): kq->v is an array of pointers */
		kq->v = xrealloc(kq->v, kq->cap * sizeof *kq->v);
	}
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): kq->v is an array of pointers */
	memmove(&kq->v[lo + 1], &kq->v[lo], (kq->n - lo) * sizeof *kq->v);
	kq->v[lo] = j;
	kq->n++;
	if (lo == 0)
		kq->wake_ms = 0;
	j->kq = kq;
	j->state = JS_WAITING;
	j->ds->waiting++;
	key_kick(dm, kq);
}

/* Remove the head of its key (it ended). */
static void
key_pop(struct daemon *dm, struct djob *j)
{
	struct keyq *kq = j->kq;

	/* NOLINTNEXTLINE(bugprone-sizeof-expression): kq->v is an array of pointers */
	memmove(&kq->v[0], &kq->v[1], (kq->n - 1) * sizeof *kq->v);
	kq->n--;
	kq->wake_ms = 0;
	j->kq = NULL;
	key_kick(dm, kq);
}

/* --- ending jobs --------------------------------------------------------- */

static void
job_free(struct djob *j)
{
	prepared_release(&j->p);
	spool_job_release(&j->job);
	free(j);
}

static void
note_error(struct daemon *dm, struct dropst *ds, const struct job *jb, const char *error)
{
	char safe[300];

	snprintf(ds->t.last_error, sizeof ds->t.last_error, "%s: %s", jb ? escape_name(jb->origin, safe,
	    sizeof safe) : "-", error);
	intake_utc_now(ds->t.last_error_time);
	dm->dirty = 1;
}

/* Move j to failed/ with why; on a spool error it stays in active/ (recovered at the next start). */
static void
fail_job(struct daemon *dm, struct djob *j, const struct dojo_result *res, const char *stage,
    const char *error, const char *hint)
{
	struct dropst *ds = j->ds;
	char *ej = intake_error_json(&j->job, j->p.stage || j->p.have_det ? &j->p : NULL, res, stage,
	    error, hint);
	char safe[300];

	if (spool_finish(&ds->s, &j->job, SPOOL_FAILED, ej) == 0)
		log_warnx("%s: %s: failed (%s): %s", ds->dr->name, escape_name(j->job.origin, safe,
		    sizeof safe), stage, error);
	ds->t.failed++;
	note_error(dm, ds, &j->job, error);
	free(ej);
}

/* --- preparing ----------------------------------------------------------- */

static void schedule(struct daemon *dm, struct djob *j);

/* Is the report still young enough that a failure to parse means "not finished yet"? */
static int
still_young(const struct djob *j, const struct stat *st)
{
	return (long long)(time(NULL) - st->st_mtime) * 1000 < j->ds->dr->max_settle_ms;
}

/* Prepare j and queue it under its key, or keep it as unfinished, or end it. */
static void
prepare_job(struct daemon *dm, struct djob *j)
{
	struct dropst *ds = j->ds;
	const struct conf_drop *dr = ds->dr;
	struct conf_drop copied;
	struct stat st;
	char err[512];
	int fd, sfd, rootfd, announced = 0;

	prepared_release(&j->p);
	if (j->state == JS_UNFINISHED) {
		ds->unfinished--;
		j->state = JS_WAITING;
		announced = 1;
	}
	fd = spool_open_report(&ds->s, &j->job, &st, err, sizeof err);
	if (fd < 0) {
		fail_job(dm, j, NULL, "open", err, "drop the report itself, as a regular file");
		job_free(j);
		return;
	}
	sfd = spool_open_sidecar(&ds->s, &j->job);
	if (j->job.media != NULL) {
		/* Copied from media by once --from: its run's layout, no folder policies. */
		copied = *dr;
		if (j->job.layout != NULL)
			copied.layout = j->job.layout;
		dr = &copied;
		rootfd = -1;
	} else {
		rootfd = open(dr->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (intake_prepare(&dm->conf, dr, dm->det, rootfd, &ds->policies, j->job.origin, j->job.name,
	    fd, &st, sfd, &j->p) == 0 && intake_already_imported(&ds->s, &j->job, &j->p, err, sizeof err)) {
		char safe[300];

		log_info("%s: %s: %s", ds->dr->name, escape_name(j->job.origin, safe, sizeof safe), err);
		spool_finish(&ds->s, &j->job, SPOOL_DELETE, NULL);
		ds->t.skipped++;
		dm->dirty = 1;
		job_free(j);
	} else if (j->p.stage == NULL) {
		schedule(dm, j);
	} else if (strcmp(j->p.stage, "detect") == 0 && !j->p.det.plugin_failed && still_young(j, &st)) {
		long long wait = ds->dr->settle_ms > 1000 ? ds->dr->settle_ms : 1000;
		char safe[300];

		/* A report still being written does not parse yet: look again later. */
		if (!announced)
			log_info("%s: %s: not finished yet (%s); looking again until it has not changed "
			    "for max_settle", ds->dr->name, escape_name(j->job.origin, safe, sizeof safe),
			    j->p.error);
		j->state = JS_UNFINISHED;
		ds->unfinished++;
		j->recheck_ms = now_ms() + wait;
		j->next = dm->unfinished;
		dm->unfinished = j;
	} else if (j->p.skip_empty) {
		char *line = intake_receipt_line(&j->job, &j->p, NULL, "");
		char safe[300];

		spool_receipt(&ds->s, line);
		free(line);
		spool_finish(&ds->s, &j->job, SPOOL_DELETE, NULL);
		log_info("%s: %s: skipped: %s", ds->dr->name, escape_name(j->job.origin, safe, sizeof safe),
		    j->p.error);
		ds->t.skipped++;
		dm->dirty = 1;
		job_free(j);
	} else {
		fail_job(dm, j, NULL, j->p.stage, j->p.error, j->p.hint);
		job_free(j);
	}
	if (rootfd >= 0)
		close(rootfd);
	if (sfd >= 0)
		close(sfd);
	close(fd);
}

static void
schedule(struct daemon *dm, struct djob *j)
{
	key_add(dm, j);
}

static struct djob *
new_djob(struct dropst *ds, struct job *jb)
{
	struct djob *j = xcalloc(1, sizeof *j);

	j->job = *jb;
	j->ds = ds;
	j->fd = -1;
	j->state = JS_WAITING;	/* not counted anywhere until prepared */
	return j;
}

/* Unfinished reports whose time to look again has come. */
static void
recheck_unfinished(struct daemon *dm)
{
	struct djob **pp = &dm->unfinished, *due = NULL;
	long long now = now_ms();

	while (*pp != NULL) {
		struct djob *j = *pp;

		if (j->recheck_ms <= now && !dm->stopping) {
			*pp = j->next;
			j->next = due;
			due = j;
		} else {
			pp = &j->next;
		}
	}
	while (due != NULL) {
		struct djob *j = due;

		due = j->next;
		j->next = NULL;
		/* prepare_job puts it back, schedules it, or ends it. */
		prepare_job(dm, j);
	}
}

/* --- claiming ------------------------------------------------------------ */

/* Open the directory holding rel under the drop root without following links. */
static int
open_parent(const char *root, const char *rel)
{
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	const char *p = rel, *slash;

	while (fd >= 0 && (slash = strchr(p, '/')) != NULL) {
		char *comp = xstrndup(p, (size_t)(slash - p));
		int next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		free(comp);
		close(fd);
		fd = next;
		p = slash + 1;
	}
	return fd;
}

static void
claim_ready(struct daemon *dm, const struct watch_ready *r)
{
	struct dropst *ds = NULL;
	struct job jb;
	int dirfd;

	for (size_t i = 0; i < dm->ndrops; i++)
		if (dm->drops[i].ok && dm->drops[i].watch_root == r->root)
			ds = &dm->drops[i];
	if (ds == NULL)
		return;
	dirfd = open_parent(ds->dr->path, r->rel);
	if (dirfd < 0)
		return;		/* gone meanwhile: a later rescan finds it if it came back */
	if (spool_claim(&ds->s, ds->dr->name, dirfd, r->name, r->rel, &r->st, &jb) == 0) {
		char safe[300];

		log_debug("%s: %s: claimed as %s", ds->dr->name, escape_name(r->rel, safe, sizeof safe), jb.id);
		prepare_job(dm, new_djob(ds, &jb));
	} else if (ds->s.crossed && !dm->reload_pending) {
		/* The root is another file system than the spool we hold: mounted over. */
		log_warnx("drop %s: %s and its spool are on different file systems now (mounted over?): "
		    "opening the drop again", ds->dr->name, ds->dr->path);
		dm->reload_pending = 1;
	}
	close(dirfd);
}

/* Take every job of a drop's queue/ (left by a stop, a retry, or a lost host). */
static void
take_queue(struct daemon *dm, struct dropst *ds)
{
	struct job *jobs, jb;
	size_t njobs;

	ds->queue_dirty = 0;
	if (!ds->ok || dm->stopping || spool_list(&ds->s, 0, &jobs, &njobs) < 0)
		return;
	for (size_t k = 0; k < njobs; k++)
		if (spool_take(&ds->s, jobs[k].id, &jb) == 0) {
			struct djob *j = new_djob(ds, &jb);

			prepare_job(dm, j);
		}
	spool_jobs_free(jobs, njobs);
}

/* --- uploads ------------------------------------------------------------- */

static long long
backoff_ms(int n, long retry_after_s)
{
	long long ms = 1000LL << (n > 9 ? 9 : n > 0 ? n - 1 : 0);

	if (ms > BACKOFF_MAX_MS)
		ms = BACKOFF_MAX_MS;
	/*
	 * Jitter: several daemons (or keys) must not come back in step.  rand()
	 * is enough (no secret rides on it), and ms / 2 may drop half a ms.
	 */
	/* NOLINTNEXTLINE(cert-msc30-c,cert-msc50-cpp,bugprone-integer-division) */
	ms = ms / 2 + (long long)(((double)rand() / RAND_MAX) * (double)(ms / 2));
	if (retry_after_s > 0 && retry_after_s * 1000LL > ms)
		ms = retry_after_s * 1000LL;
	return ms;
}

static size_t
upload_limit(const struct daemon *dm)
{
	/* After a failure one upload probes the server; the rest wait for its answer. */
	if (dm->paused || dm->consecutive_transient > 0)
		return 1;
	return (size_t)dm->conf.dojo.max_inflight;
}

static int
gate_open(const struct daemon *dm)
{
	long long now = now_ms();

	if (dm->stopping || dm->reload_pending)
		return 0;
	if (dm->paused)
		return now >= dm->pause_retry_ms;
	return now >= dm->server_wait_ms;
}

/* Start sending the head of kq; 0 when it went out, -1 when it ended or must wait. */
static int
start_upload(struct daemon *dm, struct keyq *kq)
{
	struct djob *j = kq->v[0];
	struct dropst *ds = j->ds;
	struct stat st;
	char err[512], last[11];

	if (ds->dr->out_of_order == OUT_OF_ORDER_FAIL && spool_order_get(&ds->s, j->p.key, last) == 0 &&
	    strcmp(j->p.report_date, last) < 0) {
		char why[128];

		snprintf(why, sizeof why, "older than the report already imported on %s", last);
		ds->waiting--;
		key_pop(dm, j);
		fail_job(dm, j, NULL, "order", why, "its reimport would close and reopen findings wrongly; "
		    "to import it anyway set out_of_order = import for this drop, then run dojobridge "
		    "retry on the job");
		job_free(j);
		return -1;
	}
	j->fd = spool_open_report(&ds->s, &j->job, &st, err, sizeof err);
	if (j->fd < 0) {
		ds->waiting--;
		key_pop(dm, j);
		fail_job(dm, j, NULL, "open", err, "drop the report again");
		job_free(j);
		return -1;
	}
	spool_count_attempt(&ds->s, &j->job);
	j->up = dojo_upload_new(dm->dojo, &j->p.form, j->fd, (uint64_t)st.st_size);
	if (j->up == NULL || curl_multi_add_handle(dm->multi, dojo_upload_easy(j->up)) != CURLM_OK) {
		if (j->up != NULL)
			dojo_upload_abort(j->up);
		j->up = NULL;
		close(j->fd);
		j->fd = -1;
		kq->wake_ms = now_ms() + 1000;
		key_kick(dm, kq);
		return -1;
	}
	kq->busy = 1;
	j->state = JS_SENDING;
	ds->waiting--;
	ds->sending++;
	dm->flying[dm->inflight++] = j;
	dm->dirty = 1;
	return 0;
}

static void
dispatch(struct daemon *dm)
{
	while (dm->runnable != NULL && gate_open(dm) && dm->inflight < upload_limit(dm)) {
		struct keyq *kq = dm->runnable;

		dm->runnable = kq->lnext;
		if (dm->runnable == NULL)
			dm->runnable_tail = NULL;
		kq->listed = 0;
		if (kq->busy || kq->n == 0) {
			key_free_if_empty(dm, kq);
			continue;
		}
		start_upload(dm, kq);	/* on failure it ended the head or put kq back itself */
	}
}

static void
wake_sleepers(struct daemon *dm)
{
	struct keyq **pp = &dm->sleeping, *due = NULL;
	long long now = now_ms();

	while (*pp != NULL) {
		struct keyq *kq = *pp;

		if (kq->wake_ms <= now) {
			*pp = kq->lnext;
			kq->lnext = due;
			due = kq;
		} else {
			pp = &kq->lnext;
		}
	}
	while (due != NULL) {
		struct keyq *kq = due;

		due = kq->lnext;
		kq->listed = 0;
		key_kick(dm, kq);
	}
}

static void
flying_remove(struct daemon *dm, struct djob *j)
{
	for (size_t i = 0; i < dm->inflight; i++)
		if (dm->flying[i] == j) {
			dm->flying[i] = dm->flying[--dm->inflight];
			return;
		}
}

static void
imported(struct daemon *dm, struct djob *j, struct dojo_result *res)
{
	struct dropst *ds = j->ds;
	char safe[300], *line;

	if (res->sha256[0] == '\0' && sha256_fd(j->fd, (uint64_t)j->job.size, res->sha256) < 0)
		snprintf(res->sha256, sizeof res->sha256, "unknown");
	line = intake_receipt_line(&j->job, &j->p, res, res->sha256);
	spool_receipt(&ds->s, line);
	free(line);
	spool_order_set(&ds->s, j->p.key, j->p.report_date);
	intake_record_import(&ds->s, &j->job, &j->p, res);
	outbox_imported(dm->outbox, j->p.route.product, now_ms());
	if (spool_finish(&ds->s, &j->job, ds->dr->on_success == ON_SUCCESS_DELETE ? SPOOL_DELETE :
	    SPOOL_DONE, NULL) < 0)
		log_warnx("%s: %s: imported, but still in active/ (see above)", ds->dr->name,
		    escape_name(j->job.origin, safe, sizeof safe));
	log_info("%s: %s: imported as %s into %s / %s / %s / %s (test %ld: %ld created, %ld closed, "
	    "%.1f s)", ds->dr->name, escape_name(j->job.origin, safe, sizeof safe), j->p.det.scan_type,
	    j->p.route.product_type ? j->p.route.product_type : "-", j->p.route.product,
	    j->p.route.engagement, j->p.test_title, res->test_id, res->created, res->closed, res->seconds);
	ds->t.imported++;
	dm->last_success = time(NULL);
	dm->durations.count++;
	dm->durations.sum += res->seconds;
	for (size_t i = 0; i < 10; i++)
		if (res->seconds <= duration_bounds[i])
			dm->durations.buckets[i]++;
}

/* An upload ended: act on the answer. */
static void
upload_finished(struct daemon *dm, struct djob *j, CURLcode rc)
{
	struct dropst *ds = j->ds;
	struct keyq *kq = j->kq;
	struct dojo_result res;
	char safe[300];
	long long wait;

	curl_multi_remove_handle(dm->multi, dojo_upload_easy(j->up));
	dojo_upload_done(j->up, rc, &res);
	j->up = NULL;
	kq->busy = 0;
	ds->sending--;
	flying_remove(dm, j);
	dm->dirty = 1;
	dm->attempts_by_outcome[res.outcome]++;
	j->state = JS_WAITING;
	ds->waiting++;

	switch (res.outcome) {
	case DOJO_IMPORTED:
		if (dm->paused) {
			log_info("dojo: the token is accepted again; uploads resume");
			notify("STATUS=running");
		}
		dm->paused = 0;
		dm->consecutive_transient = 0;
		dm->server_wait_ms = 0;
		imported(dm, j, &res);
		ds->waiting--;
		key_pop(dm, j);
		close(j->fd);
		job_free(j);
		break;
	case DOJO_FAILED:
		ds->waiting--;
		key_pop(dm, j);
		fail_job(dm, j, &res, "upload", res.message, res.hint);
		close(j->fd);
		job_free(j);
		break;
	case DOJO_REFUSED:
		/* Every upload would fail the same way: pause the queue, fail nothing. */
		dm->paused = 1;
		dm->pause_retry_ms = now_ms() + dm->conf.watch.auth_retry_ms;
		snprintf(dm->pause_reason, sizeof dm->pause_reason, "%s (%s)", res.message, res.hint);
		log_errorx("dojo: %s: UPLOADS PAUSED; %s. Trying again in %ld s, or at once on SIGHUP",
		    res.message, res.hint, dm->conf.watch.auth_retry_ms / 1000);
		note_error(dm, ds, NULL, res.message);
		notify("STATUS=paused: DefectDojo refused the token");
		close(j->fd);
		j->fd = -1;
		key_kick(dm, kq);
		break;
	case DOJO_RETRY:
		if (time(NULL) - j->job.claimed > dm->conf.watch.max_age_ms / 1000) {
			char why[1200];

			/* Only a failed attempt ages a report out: a paused queue fails nothing. */
			snprintf(why, sizeof why, "not imported within max_age (%ld s): %s",
			    dm->conf.watch.max_age_ms / 1000, res.message);
			ds->waiting--;
			key_pop(dm, j);
			fail_job(dm, j, &res, "upload", why, "once DefectDojo can be reached again, run "
			    "dojobridge retry on the job");
			close(j->fd);
			job_free(j);
			dm->consecutive_transient++;
			dm->server_wait_ms = now_ms() + backoff_ms(dm->consecutive_transient, res.retry_after);
			break;
		}
		dm->consecutive_transient++;
		wait = backoff_ms(dm->consecutive_transient, res.retry_after);
		dm->server_wait_ms = now_ms() + wait;
		log_warnx("%s: %s: %s; trying again in %.1f s", ds->dr->name,
		    escape_name(j->job.origin, safe, sizeof safe), res.message, (double)wait / 1000);
		note_error(dm, ds, &j->job, res.message);
		close(j->fd);
		j->fd = -1;
		key_kick(dm, kq);
		break;
	case DOJO_RETRY_THEN_FAIL:
		if (++j->server_errors > dm->conf.dojo.retries) {
			ds->waiting--;
			key_pop(dm, j);
			fail_job(dm, j, &res, "upload", res.message, res.hint);
			close(j->fd);
			job_free(j);
			break;
		}
		wait = backoff_ms(j->server_errors, res.retry_after);
		kq->wake_ms = now_ms() + wait;
		log_warnx("%s: %s: %s; trying again in %.1f s (%d of %d)", ds->dr->name,
		    escape_name(j->job.origin, safe, sizeof safe), res.message, (double)wait / 1000,
		    j->server_errors, dm->conf.dojo.retries);
		close(j->fd);
		j->fd = -1;
		key_kick(dm, kq);
		break;
	}
	dojo_result_release(&res);
}

/* Find the job whose upload uses easy. */
static struct djob *
job_of(struct daemon *dm, CURL *easy)
{
	for (size_t i = 0; i < dm->inflight; i++)
		if (dojo_upload_easy(dm->flying[i]->up) == easy)
			return dm->flying[i];
	return NULL;
}


static void
read_multi_info(struct daemon *dm)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(dm->multi, &left)) != NULL) {
		struct djob *j;

		if (msg->msg != CURLMSG_DONE)
			continue;
		j = job_of(dm, msg->easy_handle);
		if (j != NULL)
			upload_finished(dm, j, msg->data.result);
	}
}

/* Uploads where nothing moved for idle_timeout end as timeouts. */
static void
check_idle_uploads(struct daemon *dm)
{
	for (size_t i = 0; i < dm->inflight; )
		if (dojo_upload_idle(dm->flying[i]->up))
			upload_finished(dm, dm->flying[i], CURLE_OPERATION_TIMEDOUT);
		else
			i++;
}

/* --- libcurl's sockets and timer in our epoll ---------------------------- */

static int
on_curl_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct daemon *dm = userp;
	struct epoll_event ev = { 0 };

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		epoll_ctl(dm->epfd, EPOLL_CTL_DEL, s, NULL);
		curl_multi_assign(dm->multi, s, NULL);
		return 0;
	}
	ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0) | (what & CURL_POLL_OUT ? EPOLLOUT : 0);
	ev.data.fd = s;
	if (socketp == NULL) {
		if (epoll_ctl(dm->epfd, EPOLL_CTL_ADD, s, &ev) < 0 && errno == EEXIST)
			epoll_ctl(dm->epfd, EPOLL_CTL_MOD, s, &ev);
		curl_multi_assign(dm->multi, s, dm);
	} else {
		epoll_ctl(dm->epfd, EPOLL_CTL_MOD, s, &ev);
	}
	return 0;
}

static int
on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
	struct daemon *dm = userp;

	(void)multi;
	dm->curl_deadline_ms = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	return 0;
}

/* --- status and metrics files ------------------------------------------- */

static void
write_status(struct daemon *dm, struct dropst *ds)
{
	struct strbuf sb = STRBUF_INIT;
	struct watch_root_info wi;
	char when[32];

	intake_utc_now(when);
	strbuf_addf(&sb, "{\n  \"host\": \"%s\",\n  \"pid\": %ld,\n  \"time\": \"%s\",\n  \"drop\": ",
	    ds->s.host, (long)getpid(), when);
	strbuf_add_json(&sb, ds->dr->name);
	strbuf_addf(&sb, ",\n  \"state\": \"%s\",\n  \"paused\": %s,\n  \"pause_reason\": ",
	    dm->stopping ? "stopping" : dm->paused ? "paused" : now_ms() < dm->server_wait_ms ?
	    "backing-off" : "running", dm->paused ? "true" : "false");
	strbuf_add_json(&sb, dm->paused ? dm->pause_reason : NULL);
	strbuf_addf(&sb, ",\n  \"server_retry_in_s\": %lld,\n  \"waiting\": %zu,\n  \"uploading\": %zu,"
	    "\n  \"unfinished\": %zu,\n  \"imported\": %lu,\n  \"failed\": %lu,\n  \"skipped\": %lu,"
	    "\n  \"last_error\": ", dm->server_wait_ms > now_ms() ? (dm->server_wait_ms - now_ms()) / 1000 : 0,
	    ds->waiting, ds->sending, ds->unfinished, ds->t.imported, ds->t.failed, ds->t.skipped);
	strbuf_add_json(&sb, ds->t.last_error[0] ? ds->t.last_error : NULL);
	strbuf_addstr(&sb, ",\n  \"last_error_time\": ");
	strbuf_add_json(&sb, ds->t.last_error[0] ? ds->t.last_error_time : NULL);
	watch_root_info(dm->watch, ds->watch_root, &wi);
	strbuf_addf(&sb, ",\n  \"watch\": {\"mode\": \"%s\", \"fstype\": ", wi.mode == WATCH_INOTIFY ?
	    "inotify" : wi.mode == WATCH_POLL ? "poll" : "down");
	strbuf_add_json(&sb, wi.fstype);
	strbuf_addf(&sb, ", \"dirs\": %zu, \"pending\": %zu, \"why\": ", wi.dirs, wi.pending);
	strbuf_add_json(&sb, wi.why);
	strbuf_addstr(&sb, "}\n}\n");
	spool_write_status(&ds->s, sb.buf);
	strbuf_release(&sb);
}

/* A Prometheus label value: backslash, quote and newline escaped. */
static void
add_label(struct strbuf *sb, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			strbuf_addch(sb, '\\');
		if (*v == '\n')
			strbuf_addstr(sb, "\\n");
		else
			strbuf_addch(sb, *v);
	}
}

static void
write_metrics(struct daemon *dm)
{
	const char *path = dm->conf.watch.metrics_file;
	struct strbuf sb = STRBUF_INIT;
	char *tmp;
	int fd;
	unsigned long cum = 0;

	if (path == NULL)
		return;
	strbuf_addstr(&sb, "# HELP dojobridge_reports_total Reports that reached an end, by drop and outcome.\n"
	    "# TYPE dojobridge_reports_total counter\n");
	for (size_t i = 0; i < dm->ndrops; i++) {
		struct dropst *ds = &dm->drops[i];
		const char *outs[3] = { "imported", "failed", "skipped" };
		unsigned long vals[3] = { ds->t.imported, ds->t.failed, ds->t.skipped };

		for (int k = 0; k < 3; k++) {
			strbuf_addstr(&sb, "dojobridge_reports_total{drop=\"");
			add_label(&sb, ds->dr->name);
			strbuf_addf(&sb, "\",outcome=\"%s\"} %lu\n", outs[k], vals[k]);
		}
	}
	strbuf_addstr(&sb, "# HELP dojobridge_upload_attempts_total Upload attempts, by how they ended.\n"
	    "# TYPE dojobridge_upload_attempts_total counter\n");
	for (int k = 0; k < 5; k++)
		strbuf_addf(&sb, "dojobridge_upload_attempts_total{outcome=\"%s\"} %lu\n", outcome_names[k],
		    dm->attempts_by_outcome[k]);
	strbuf_addstr(&sb, "# HELP dojobridge_queue_depth Reports in the daemon's hands, by drop and state.\n"
	    "# TYPE dojobridge_queue_depth gauge\n");
	for (size_t i = 0; i < dm->ndrops; i++) {
		struct dropst *ds = &dm->drops[i];
		const char *st[3] = { "waiting", "uploading", "unfinished" };
		size_t vals[3] = { ds->waiting, ds->sending, ds->unfinished };

		for (int k = 0; k < 3; k++) {
			strbuf_addstr(&sb, "dojobridge_queue_depth{drop=\"");
			add_label(&sb, ds->dr->name);
			strbuf_addf(&sb, "\",state=\"%s\"} %zu\n", st[k], vals[k]);
		}
	}
	strbuf_addstr(&sb, "# HELP dojobridge_upload_duration_seconds Time from request start to answer "
	    "of imported reports.\n# TYPE dojobridge_upload_duration_seconds histogram\n");
	for (size_t i = 0; i < 10; i++) {
		cum = dm->durations.buckets[i];
		strbuf_addf(&sb, "dojobridge_upload_duration_seconds_bucket{le=\"%g\"} %lu\n",
		    duration_bounds[i], cum);
	}
	strbuf_addf(&sb, "dojobridge_upload_duration_seconds_bucket{le=\"+Inf\"} %lu\n"
	    "dojobridge_upload_duration_seconds_sum %.3f\ndojobridge_upload_duration_seconds_count %lu\n",
	    dm->durations.count, dm->durations.sum, dm->durations.count);
	strbuf_addf(&sb, "# HELP dojobridge_last_success_timestamp_seconds When the last import was "
	    "acknowledged.\n# TYPE dojobridge_last_success_timestamp_seconds gauge\n"
	    "dojobridge_last_success_timestamp_seconds %lld\n", (long long)dm->last_success);
	strbuf_addf(&sb, "# HELP dojobridge_paused 1 while uploads are paused because the token was "
	    "refused.\n# TYPE dojobridge_paused gauge\ndojobridge_paused %d\n", dm->paused);

	/* node_exporter's textfile rule: write elsewhere, rename into place. */
	tmp = xasprintf("%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, sb.buf, sb.len) != (ssize_t)sb.len || close(fd) < 0 ||
	    rename(tmp, path) < 0) {
		static int warned;

		if (!warned++)
			log_warn("metrics: %s", path);
		if (fd >= 0)
			unlink(tmp);
	}
	free(tmp);
	strbuf_release(&sb);
}

static void
flush(struct daemon *dm)
{
	for (size_t i = 0; i < dm->ndrops; i++)
		if (dm->drops[i].ok)
			write_status(dm, &dm->drops[i]);
	write_metrics(dm);
	dm->dirty = 0;
	dm->next_flush_ms = now_ms() + FLUSH_EVERY_MS;
}

/* --- start, reload, stop ------------------------------------------------- */

/* The periodic work: heartbeat and takeover, the queues, fresh folder policies. */
static void
tick(struct daemon *dm)
{
	long long now = now_ms();

	for (size_t i = 0; i < dm->ndrops; i++) {
		struct dropst *ds = &dm->drops[i];

		if (!ds->ok)
			continue;
		if (spool_heartbeat(&ds->s, dm->conf.watch.claim_timeout_ms) > 0)
			ds->queue_dirty = 1;
		policy_cache_release(&ds->policies);
		if (now >= dm->next_prune_ms)
			spool_prune(&ds->s, ds->dr->archive_days, time(NULL));
		take_queue(dm, ds);
	}
	if (now >= dm->next_prune_ms)
		dm->next_prune_ms = now + PRUNE_EVERY_MS;
	dm->next_tick_ms = now + dm->conf.watch.rescan_interval_ms;
	flush(dm);
}

/*
 * Open a drop's spool and take this host's place in it: 0, 1 while its
 * root does not exist yet (nothing is created where a mount is expected),
 * -1 on an error (logged).
 */
static int
open_spool(struct daemon *dm, struct dropst *ds)
{
	struct conf_drop *dr = ds->dr;
	struct stat st;
	long holder;
	int lock;
	char *qpath;

	if (stat(dr->path, &st) < 0 && errno == ENOENT) {
		ds->awaiting_root = 1;
		return 1;
	}
	ds->awaiting_root = 0;
	if (spool_open(&ds->s, dr->spool, dm->conf.watch.host_id) < 0)
		return -1;
	if ((lock = spool_lock(&ds->s, &holder)) != 0) {
		if (lock > 0)
			log_errorx("drop %s: another dojobridge process (pid %ld) already works on %s as "
			    "host_id %s: give each daemon sharing a drop root its own [watch] host_id",
			    dr->name, holder, dr->spool, dm->conf.watch.host_id);
		spool_release(&ds->s);
		return -1;
	}
	ds->ok = 1;
	spool_recover(&ds->s);
	spool_heartbeat(&ds->s, dm->conf.watch.claim_timeout_ms);
	qpath = xasprintf("%s/queue", dr->spool);
	ds->queue_wd = inotify_add_watch(dm->qfd, qpath, IN_MOVED_TO | IN_CREATE | IN_ONLYDIR |
	    IN_DONT_FOLLOW);
	if (ds->queue_wd < 0)
		log_warn("drop %s: %s: cannot watch (the queue is still read every rescan)", dr->name, qpath);
	free(qpath);
	ds->queue_dirty = 1;
	return 0;
}

static int
open_drops(struct daemon *dm)
{
	int errors = 0;

	dm->ndrops = dm->conf.ndrops;
	dm->drops = xcalloc(dm->ndrops ? dm->ndrops : 1, sizeof *dm->drops);
	for (size_t i = 0; i < dm->ndrops; i++) {
		struct dropst *ds = &dm->drops[i];
		struct conf_drop *dr = &dm->conf.drops[i];
		struct watch_root_conf rc = { dr->name, dr->path, dr->spool, dr->settle_ms, dr->poll_ms,
			dr->ignore };

		ds->dr = dr;
		ds->queue_wd = -1;
		ds->watch_root = -1;
		if (open_spool(dm, ds) < 0) {
			errors++;
			continue;
		}
		ds->watch_root = watch_add_root(dm->watch, &rc);
	}
	return errors ? -1 : 0;
}

/* Drops whose root did not exist: open their spool once it does, and look at the root again. */
static void
open_awaited(struct daemon *dm)
{
	for (size_t i = 0; i < dm->ndrops; i++) {
		struct dropst *ds = &dm->drops[i];
		struct watch_root_info wi;

		if (!ds->awaiting_root)
			continue;
		watch_root_info(dm->watch, ds->watch_root, &wi);
		if (wi.mode != WATCH_DOWN && open_spool(dm, ds) == 0) {
			log_info("drop %s: its root is there now: taking reports", ds->dr->name);
			watch_rescan_all(dm->watch);
		}
	}
}

static void
close_drops(struct daemon *dm)
{
	for (size_t i = 0; i < dm->ndrops; i++) {
		struct dropst *ds = &dm->drops[i];

		if (ds->queue_wd >= 0)
			inotify_rm_watch(dm->qfd, ds->queue_wd);
		policy_cache_release(&ds->policies);
		if (ds->ok)
			spool_release(&ds->s);
	}
	free(dm->drops);
	dm->drops = NULL;
	dm->ndrops = 0;
}

/* Give every job we hold back to queue/ and forget it (stop, reload). */
static void
release_jobs(struct daemon *dm)
{
	for (unsigned h = 0; h < KEY_BUCKETS; h++) {
		while (dm->keys[h] != NULL) {
			struct keyq *kq = dm->keys[h];

			dm->keys[h] = kq->hnext;
			for (size_t i = 0; i < kq->n; i++) {
				struct djob *j = kq->v[i];

				if (j->up != NULL) {
					curl_multi_remove_handle(dm->multi, dojo_upload_easy(j->up));
					dojo_upload_abort(j->up);
					flying_remove(dm, j);
				}
				if (j->fd >= 0)
					close(j->fd);
				spool_untake(&j->ds->s, &j->job);
				job_free(j);
			}
			free(kq->v);
			free(kq->key);
			free(kq);
		}
	}
	while (dm->unfinished != NULL) {
		struct djob *j = dm->unfinished;

		dm->unfinished = j->next;
		spool_untake(&j->ds->s, &j->job);
		job_free(j);
	}
	dm->runnable = dm->runnable_tail = dm->sleeping = NULL;
}

/* Build the client, the watcher and the drops from dm->conf. */
static int
start(struct daemon *dm)
{
	char *token = conf_read_token(&dm->conf.dojo);
	struct epoll_event ev = { .events = EPOLLIN };

	if (token == NULL)
		return -1;
	dm->dojo = dojo_new(&dm->conf.dojo, token);
	explicit_bzero(token, strlen(token));
	free(token);
	if (dm->dojo == NULL)
		return -1;
	curl_multi_setopt(dm->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)dm->conf.dojo.max_inflight);
	dm->watch = watch_new(dm->conf.watch.rescan_interval_ms);
	if (dm->watch == NULL)
		return -1;
	ev.data.fd = watch_fd(dm->watch);
	epoll_ctl(dm->epfd, EPOLL_CTL_ADD, ev.data.fd, &ev);
	if (open_drops(dm) < 0)
		return -1;
	if (dm->conf.watch.log == LOG_TO_SYSLOG)
		log_init("dojobridge", 1, dm->verbosity >= 0 ? (enum log_level)dm->verbosity : LOG_LEVEL_INFO);
	dm->paused = 0;
	dm->consecutive_transient = 0;
	dm->server_wait_ms = 0;
	dm->next_tick_ms = now_ms();
	return 0;
}

static void
stop_parts(struct daemon *dm)
{
	release_jobs(dm);
	if (dm->watch != NULL) {
		epoll_ctl(dm->epfd, EPOLL_CTL_DEL, watch_fd(dm->watch), NULL);
		watch_free(dm->watch);
		dm->watch = NULL;
	}
	close_drops(dm);
	dojo_free(dm->dojo);
	dm->dojo = NULL;
}

/* SIGHUP, once nothing is in flight: a new configuration, or the old one kept. */
static void
reload(struct daemon *dm)
{
	struct conf fresh;
	struct tally *saved;
	char **names;
	size_t nsaved;
	char *token;
	int rc;

	dm->reload_pending = 0;
	notify("RELOADING=1");
	log_info("config: reloading %s", dm->confdir);
	if (intake_load_conf(&fresh, dm->confdir) < 0) {
		log_errorx("config: the new configuration has errors (above); keeping the running one");
		notify("READY=1");
		return;
	}
	if ((token = conf_read_token(&fresh.dojo)) == NULL) {
		log_errorx("config: the new configuration gives no usable token; keeping the running one");
		conf_release(&fresh);
		notify("READY=1");
		return;
	}
	explicit_bzero(token, strlen(token));
	free(token);
	/* What each drop counted so far outlives the reload (status, metrics). */
	nsaved = dm->ndrops;
	saved = xcalloc(nsaved ? nsaved : 1, sizeof *saved);
	names = xcalloc(nsaved ? nsaved : 1, sizeof *names);
	for (size_t i = 0; i < nsaved; i++) {
		saved[i] = dm->drops[i].t;
		names[i] = xstrdup(dm->drops[i].dr->name);
	}
	{
		/* Built before the old configuration goes: a running report keeps its section. */
		struct outbox *ob = outbox_new(&fresh, dm->exe, dm->confdir, time(NULL), dm->outbox);

		outbox_free(dm->outbox);
		dm->outbox = ob;
	}
	stop_parts(dm);
	conf_release(&dm->conf);
	dm->conf = fresh;
	/* New workers for the new [detect] section; none is busy between files. */
	if (intake_use_sandbox(dm->det, &dm->conf) < 0)
		log_errorx("config: keeping the running detection workers");
	rc = start(dm);
	for (size_t i = 0; i < dm->ndrops; i++)
		for (size_t k = 0; k < nsaved; k++)
			if (strcmp(dm->drops[i].dr->name, names[k]) == 0)
				dm->drops[i].t = saved[k];
	for (size_t k = 0; k < nsaved; k++)
		free(names[k]);
	free(names);
	free(saved);
	if (rc < 0)
		log_errorx("config: the new configuration could not be started completely (above); "
		    "drops that could are running");
	else
		log_info("config: reloaded; watching %zu drop%s", dm->ndrops, dm->ndrops == 1 ? "" : "s");
	notify("READY=1\nSTATUS=running");
	dm->dirty = 1;
}

static void
on_signal(struct daemon *dm)
{
	struct signalfd_siginfo si;

	while (read(dm->sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
		if (si.ssi_signo == SIGCHLD) {
			outbox_reap(dm->outbox);
		} else if (si.ssi_signo == SIGHUP) {
			if (!dm->stopping) {
				dm->reload_pending = 1;
				if (dm->inflight > 0)
					log_info("config: SIGHUP: reloading once %zu upload%s in flight end",
					    dm->inflight, dm->inflight == 1 ? "" : "s");
			}
		} else if (!dm->stopping) {
			dm->stopping = 1;
			dm->stop_deadline_ms = now_ms() + dm->conf.watch.shutdown_timeout_ms;
			notify("STOPPING=1");
			log_info("stopping (%s): no new files; %zu upload%s in flight get up to %ld s",
			    strsignal((int)si.ssi_signo), dm->inflight, dm->inflight == 1 ? "" : "s",
			    dm->conf.watch.shutdown_timeout_ms / 1000);
		}
	}
}

/* Events on the queue/ directories: somebody requeued jobs (retry, a takeover). */
static void
on_queue_events(struct daemon *dm)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while ((n = read(dm->qfd, buf, sizeof buf)) > 0) {
		for (char *p = buf; p < buf + n; ) {
			struct inotify_event *ev = (struct inotify_event *)p;

			for (size_t i = 0; i < dm->ndrops; i++)
				if (dm->drops[i].queue_wd == ev->wd || (ev->mask & IN_Q_OVERFLOW))
					dm->drops[i].queue_dirty = 1;
			p += sizeof *ev + ev->len;
		}
	}
}

static long long
earliest(long long a, long long b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

/* When the loop must wake up next, in ms from now (-1: only for events). */
static int
loop_timeout(struct daemon *dm)
{
	long long when = -1, now = now_ms();

	when = earliest(when, watch_next_deadline(dm->watch));
	when = earliest(when, dm->curl_deadline_ms);
	when = earliest(when, dm->next_tick_ms);
	if (dm->dirty)
		when = earliest(when, dm->next_flush_ms);
	if (dm->inflight > 0)
		when = earliest(when, dm->next_idle_check_ms);
	if (dm->runnable != NULL && !dm->stopping) {
		long long gate = dm->paused ? dm->pause_retry_ms : dm->server_wait_ms;

		/* A closed gate opens at its time; an open one waits for an upload to end. */
		if (gate > now)
			when = earliest(when, gate);
	}
	for (struct keyq *kq = dm->sleeping; kq != NULL; kq = kq->lnext)
		when = earliest(when, kq->wake_ms);
	for (struct djob *j = dm->unfinished; j != NULL; j = j->next)
		when = earliest(when, j->recheck_ms);
	if (dm->stopping)
		when = earliest(when, dm->stop_deadline_ms);
	else
		when = earliest(when, outbox_next_deadline(dm->outbox, now, time(NULL)));
	for (size_t i = 0; i < dm->ndrops; i++)
		if (dm->drops[i].queue_dirty)
			when = now;
	if (dm->more_ready && !dm->stopping)
		when = now;
	if (when < 0)
		return -1;
	if (when <= now)
		return 0;
	return when - now > 3600000 ? 3600000 : (int)(when - now);
}

static void
loop(struct daemon *dm)
{
	struct epoll_event evs[64];

	for (;;) {
		int n = epoll_wait(dm->epfd, evs, 64, loop_timeout(dm)), running;
		struct watch_ready r;
		long long now;
		int claims = 0;

		if (n < 0 && errno != EINTR)
			fatal("epoll_wait");
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == dm->sigfd)
				on_signal(dm);
			else if (dm->watch != NULL && fd == watch_fd(dm->watch))
				watch_handle(dm->watch);
			else if (fd == dm->qfd)
				on_queue_events(dm);
			else
				curl_multi_socket_action(dm->multi, fd,
				    (evs[i].events & EPOLLIN ? CURL_CSELECT_IN : 0) |
				    (evs[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
				    (evs[i].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0), &running);
		}
		now = now_ms();
		if (dm->curl_deadline_ms >= 0 && now >= dm->curl_deadline_ms) {
			dm->curl_deadline_ms = -1;
			curl_multi_socket_action(dm->multi, CURL_SOCKET_TIMEOUT, 0, &running);
		}
		read_multi_info(dm);
		if (dm->inflight > 0 && now >= dm->next_idle_check_ms) {
			check_idle_uploads(dm);
			dm->next_idle_check_ms = now + 1000;
		}

		if (!dm->stopping) {
			long long wd = watch_next_deadline(dm->watch);

			if (wd >= 0 && now >= wd)
				watch_run_timers(dm->watch);
			while (claims < CLAIMS_PER_TURN && watch_next_ready(dm->watch, &r) == 1) {
				claim_ready(dm, &r);
				claims++;
			}
			open_awaited(dm);
			for (size_t i = 0; i < dm->ndrops; i++)
				if (dm->drops[i].queue_dirty)
					take_queue(dm, &dm->drops[i]);
			recheck_unfinished(dm);
			if (now >= dm->next_tick_ms)
				tick(dm);
			outbox_run_due(dm->outbox, now, time(NULL));
		}
		wake_sleepers(dm);
		dispatch(dm);
		if (dm->dirty && now_ms() >= dm->next_flush_ms)
			flush(dm);

		if (dm->reload_pending && dm->inflight == 0)
			reload(dm);
		if (dm->stopping && (dm->inflight == 0 || now_ms() >= dm->stop_deadline_ms)) {
			if (dm->inflight > 0)
				log_warnx("stopping: %zu upload%s still in flight after shutdown_timeout: "
				    "abandoned, queued again for the next start", dm->inflight,
				    dm->inflight == 1 ? "" : "s");
			break;
		}
		/* More ready files than one turn takes: go round again without sleeping. */
		dm->more_ready = claims == CLAIMS_PER_TURN;
	}
}

static void
warn_protected_links(void)
{
	static const char *const knobs[] = { "protected_symlinks", "protected_hardlinks", NULL };

	for (size_t i = 0; knobs[i] != NULL; i++) {
		char path[64], v[8] = "";
		FILE *f;

		snprintf(path, sizeof path, "/proc/sys/fs/%s", knobs[i]);
		if ((f = fopen(path, "re")) == NULL)
			continue;
		if (fgets(v, sizeof v, f) != NULL && v[0] == '0')
			log_warnx("fs.%s is 0 on this host: set it to 1 (sysctl) so a link planted in a "
			    "shared drop folder cannot point the daemon at other files", knobs[i]);
		fclose(f);
	}
}

int
daemon_run(const char *confdir, struct detect *d, int verbosity)
{
	struct daemon dm;
	sigset_t mask;
	struct epoll_event ev = { .events = EPOLLIN };
	struct rlimit core = { 0, 0 };
	int rc = 0;

	memset(&dm, 0, sizeof dm);
	dm.confdir = confdir;
	dm.det = d;
	dm.verbosity = verbosity;
	dm.curl_deadline_ms = -1;
	dm.epfd = dm.sigfd = dm.qfd = -1;
	/* libcurl keeps the token in heap memory: no core dump may carry it away. */
	setrlimit(RLIMIT_CORE, &core);
	prctl(PR_SET_DUMPABLE, 0);
	srand((unsigned)(getpid() ^ time(NULL)));
	signal(SIGPIPE, SIG_IGN);

	if (intake_load_conf(&dm.conf, confdir) < 0)
		return 2;
	if (intake_use_sandbox(d, &dm.conf) < 0) {
		conf_release(&dm.conf);
		return 2;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);	/* a report child ended */
	sigprocmask(SIG_BLOCK, &mask, NULL);
	dm.sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	dm.epfd = epoll_create1(EPOLL_CLOEXEC);
	dm.qfd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	dm.multi = curl_multi_init();
	if (dm.sigfd < 0 || dm.epfd < 0 || dm.qfd < 0 || dm.multi == NULL)
		fatal("cannot set up the event loop");
	ev.data.fd = dm.sigfd;
	epoll_ctl(dm.epfd, EPOLL_CTL_ADD, dm.sigfd, &ev);
	ev.data.fd = dm.qfd;
	epoll_ctl(dm.epfd, EPOLL_CTL_ADD, dm.qfd, &ev);
	curl_multi_setopt(dm.multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
	curl_multi_setopt(dm.multi, CURLMOPT_SOCKETDATA, &dm);
	curl_multi_setopt(dm.multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
	curl_multi_setopt(dm.multi, CURLMOPT_TIMERDATA, &dm);

	if (start(&dm) < 0) {
		log_errorx("watch: cannot start (above)");
		rc = 2;
		goto out;
	}
	if (geteuid() == 0)
		log_warnx("running as root: run dojobridge as its own user (see dist/dojobridge.service)");
	warn_protected_links();
	log_info("watching %zu drop%s as host_id %s, up to %d uploads at once", dm.ndrops,
	    dm.ndrops == 1 ? "" : "s", dm.conf.watch.host_id, dm.conf.dojo.max_inflight);
	{
		ssize_t n = readlink("/proc/self/exe", dm.exe, sizeof dm.exe - 1);

		dm.exe[n > 0 ? n : 0] = '\0';
	}
	dm.outbox = outbox_new(&dm.conf, dm.exe, confdir, time(NULL), NULL);
	notify("READY=1\nSTATUS=running");
	dm.dirty = 1;
	loop(&dm);
	flush(&dm);
	if (outbox_running(dm.outbox) > 0)
		log_info("reports still being generated: %zu; they finish on their own",
		    outbox_running(dm.outbox));
	outbox_free(dm.outbox);
	log_info("stopped; unsent reports are queued for the next start");
out:
	stop_parts(&dm);
	curl_multi_cleanup(dm.multi);
	conf_release(&dm.conf);
	if (dm.qfd >= 0)
		close(dm.qfd);
	if (dm.sigfd >= 0)
		close(dm.sigfd);
	if (dm.epfd >= 0)
		close(dm.epfd);
	return rc;
}
