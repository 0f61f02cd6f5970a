/*
 * spool.h — where a report is at every instant, kept on disk.
 *
 * The spool is a directory tree on the drop root's filesystem (default
 * <root>/.dojobridge/), and the tree is the journal:
 *
 *   spool/
 *     tmp/<id>/            a claim being made: job.json first, then the report
 *     queue/<id>/          claimed, owned by no process: waiting to be taken
 *     active/<host>/<id>/  taken by the process of host_id <host>: being
 *                          detected, waiting its turn, uploading, backing off
 *         report           the report's bytes (its dropped name is in job.json)
 *         sidecar.json     the report's <name>.dojo.json, when it had one
 *         job.json         origin path, name, size, mtime, attempts, not_before
 *     active/<host>/.lock  held (flock) by the one process working as <host>
 *     active/<host>/.heartbeat  touched every rescan by that process
 *     done/<id>/           imported (kept archive_days, or deleted at once)
 *     failed/<id>/         refused for good: the report, job.json, error.json
 *     order/<key hash>     the scan date last imported for one target key
 *     ledger/<sha256>.<key hash>  bytes imported into one target (copy intake
 *                          skips a report whose bytes its target already has)
 *     runs/<time>.json, .txt  the record of one `once --from` run
 *     hosts/<host>.json    what that process last said about itself (status)
 *     receipts.jsonl       one line per import
 *
 * Invariants:
 * - A report is always in exactly one place: the drop tree, tmp/, queue/,
 *   active/<host>/, done/ or failed/.  Every move is a rename(2) within one
 *   filesystem, so of several processes (or hosts on a shared folder)
 *   exactly one wins each claim and each take.
 * - job.json is durable (written to a temp name, fsynced, renamed, its
 *   directory fsynced) before the report leaves the drop tree.
 * - Only the process holding active/<host>/.lock touches active/<host>/
 *   and tmp/ claims of <host>, except a takeover: when <host>'s heartbeat is
 *   older than claim_timeout (both mtimes read from the shared file system,
 *   never compared with the local clock), any process may return <host>'s
 *   jobs to queue/.
 * - done/ only ever holds jobs DefectDojo acknowledged.
 * - Job ids sort by claim time: <UTC time>.<host>.<pid>.<n>.
 * - A copied report (copy intake) stays in tmp/<id>/ as report.unverified
 *   until its batch is checked; recovery finishes only claims holding
 *   "report", so an unchecked copy is never uploaded, even after a crash.
 */
#ifndef DOJOBRIDGE_SPOOL_H
#define DOJOBRIDGE_SPOOL_H

#include <stddef.h>
#include <sys/stat.h>
#include <time.h>

struct spool {
	char *path;
	int dirfd, tmpfd, queuefd, activefd, ownfd, donefd, failedfd, orderfd, hostsfd;
	int ledgerfd, runsfd;
	int lockfd;			/* active/<host>/.lock while held, else -1 */
	int crossed;			/* a claim met EXDEV: the drop is now another file system */
	char host[40];
	unsigned seq;
};

struct job {
	char id[128];
	char *drop;		/* the drop's name */
	char *origin;		/* path relative to the drop root, as dropped */
	char *name;		/* basename, as dropped */
	long long size;
	time_t mtime;		/* the report's mtime when claimed */
	time_t claimed;
	int attempts;
	int has_sidecar;
	time_t not_before;	/* do not send before this (backoff), 0: at once */
	/* Copy intake (`once --from`): NULL/empty for reports claimed from a drop. */
	char *media;		/* the tree it was copied from */
	char *layout;		/* the layout its names come from, when not the drop's */
	char sha256[65];	/* of the bytes copied */
};

enum spool_end { SPOOL_DONE, SPOOL_FAILED, SPOOL_DELETE };

/*
 * Create (mode 0700) and open the spool at path for the process named
 * host (a host_id).  0, or -1 logged.
 */
int spool_open(struct spool *s, const char *path, const char *host);
/*
 * Open an existing spool to read it or requeue failed jobs (status, retry),
 * creating nothing: parts that do not exist yet count as empty.  It holds
 * no active/<host>/ of its own.  0, or -1 logged.
 */
int spool_attach(struct spool *s, const char *path);
void spool_release(struct spool *s);

/*
 * Become the one process working as s->host on this spool: 0, 1 when
 * another process holds it (its pid in *holder when known), -1 on error.
 * The lock lasts until spool_release.
 */
int spool_lock(struct spool *s, long *holder);

/*
 * After a crash (call with the lock held): finish or undo this host's
 * claims that tmp/ still holds, and return every job of active/<host>/ to
 * queue/ (Postfix's active -> incoming).  Returns the number of jobs
 * returned, or -1.
 */
int spool_recover(struct spool *s);

/*
 * Renew this host's heartbeat and return to queue/ the jobs (and claims) of
 * every other host whose heartbeat is older than claim_timeout_ms.  Returns
 * the number of jobs taken over.
 */
int spool_heartbeat(struct spool *s, long claim_timeout_ms);

/*
 * Claim the report srcname in the directory srcdirfd (and its
 * <srcname>.dojo.json sidecar, if any) into active/<host>/.  origin is its
 * path relative to the drop root.  Returns 0 with *job filled, 1 when
 * another process claimed it first (or it vanished), -1 on error (logged).
 */
int spool_claim(struct spool *s, const char *drop, int srcdirfd, const char *srcname,
    const char *origin, const struct stat *st, struct job *job);

/*
 * Copy intake: copy the report srcname in srcdirfd (and its sidecar, if
 * any) into tmp/<id>/ as report.unverified, fsynced, its SHA-256 computed
 * on the way into job->sha256; the source is only read.  media and layout
 * (may be NULL) are recorded in job.json; the sidecar's SHA-256 goes into
 * sidecar_sha256 ("" without one).  0 with *job filled, or -1 with
 * why in err.  The copy waits for spool_copy_commit or spool_copy_abandon.
 */
int spool_copy_in(struct spool *s, const char *drop, int srcdirfd, const char *srcname,
    const char *origin, const char *media, const char *layout, struct job *job,
    char sidecar_sha256[65], char *err, size_t errlen);
/* The copy's batch was checked: make it a claim in active/<host>/.  0, or -1 logged. */
int spool_copy_commit(struct spool *s, const struct job *job);
/* Forget the copy (its batch was stopped). */
void spool_copy_abandon(struct spool *s, const struct job *job);

/* The jobs of queue/, or of active/<host>/ (mine = 1), oldest report first.
 * Caller frees with spool_jobs_free. */
int spool_list(struct spool *s, int mine, struct job **jobs, size_t *njobs);

/* Take queue/<id> into active/<host>/: 0 with *job loaded, 1 when another
 * process took it first, -1 on error. */
int spool_take(struct spool *s, const char *id, struct job *job);

/* Give an active job back to queue/ (shutdown, or `once` leaving it). */
int spool_untake(struct spool *s, const struct job *j);

/*
 * Return failed/<id> (every failed job when id is NULL) to queue/ with its
 * attempts cleared; error.json is kept as error.previous.json.  Returns how
 * many were requeued, or -1 when id is not in failed/.
 */
int spool_requeue_failed(struct spool *s, const char *id);
void spool_jobs_free(struct job *jobs, size_t njobs);
void spool_job_release(struct job *j);

/*
 * Open the queued report of j for reading without following links or
 * blocking on FIFOs; it must be a regular file.  Returns the fd, or -1 with
 * why in err.
 */
int spool_open_report(struct spool *s, const struct job *j, struct stat *st, char *err,
    size_t errlen);
/* Open j's sidecar; -1 with errno ENOENT when it has none. */
int spool_open_sidecar(struct spool *s, const struct job *j);

/* Record one more attempt in job.json (durably). */
int spool_count_attempt(struct spool *s, struct job *j);
/* Record j->not_before (the next attempt's time) in job.json. */
int spool_save_job(struct spool *s, const struct job *j);

/*
 * End a job: move queue/<id> to done/ or failed/ (writing error_json, a
 * complete JSON document, into failed/<id>/error.json first), or delete
 * it.  0, or -1 logged (the job then stays queued: nothing is lost).
 */
int spool_finish(struct spool *s, const struct job *j, enum spool_end end, const char *error_json);

/* Append one line (a JSON object, no newline) to receipts.jsonl, durably. */
int spool_receipt(struct spool *s, const char *line);

/* Remove done/ jobs claimed more than days ago.  Returns how many. */
int spool_prune(struct spool *s, int days, time_t now);

/*
 * The scan date (YYYY-MM-DD) last imported for a target key (any string),
 * "" when none; and record a newer one (an older date never replaces a
 * newer).  0, or -1 logged.
 */
int spool_order_get(struct spool *s, const char *key, char date[11]);
int spool_order_set(struct spool *s, const char *key, const char *date);

/*
 * The ledger: 1 with the entry's JSON (NUL-terminated, truncated to
 * entrylen) when the bytes sha256 were imported into the target key, 0
 * when not, -1 on error.  spool_ledger_add records an import (entry: one
 * JSON object) durably.
 */
int spool_ledger_get(struct spool *s, const char *sha256, const char *key, char *entry,
    size_t entrylen);
int spool_ledger_add(struct spool *s, const char *sha256, const char *key, const char *entry);

/* Write runs/<name>.json and runs/<name>.txt durably.  0, or -1 logged. */
int spool_write_run(struct spool *s, const char *name, const char *json, const char *text);

/* Replace hosts/<host>.json with json (a complete document). */
int spool_write_status(struct spool *s, const char *json);

struct spool_counts {
	size_t tmp, queue, active, done, failed;
	time_t oldest_queued;		/* claim time of the oldest queued or active job, 0 if none */
};
/* Count the jobs in each state.  0, or -1. */
int spool_count(struct spool *s, struct spool_counts *c);

#endif
