/*
 * spool.h — where a report is at every instant, kept on disk.
 *
 * The spool is a directory tree on the drop root's filesystem (default
 * <root>/.dojobridge/), and the tree is the journal:
 *
 *   spool/
 *     tmp/<id>/          a claim being made: job.json first, then the report
 *     queue/<id>/        claimed, waiting for upload
 *         report         the report's bytes (its dropped name is in job.json)
 *         sidecar.json   the report's <name>.dojo.json, when it had one
 *         job.json       origin path, name, size, mtime, attempts
 *     done/<id>/         imported (kept archive_days, or deleted at once)
 *     failed/<id>/       refused for good: the report, job.json, error.json
 *     receipts.jsonl     one line per import
 *
 * Invariants:
 * - A report is always in exactly one place: the drop tree, tmp/, queue/,
 *   done/ or failed/.  Every move is a rename(2) within one filesystem.
 * - job.json is durable (written to a temp name, fsynced, renamed, its
 *   directory fsynced) before the report leaves the drop tree.
 * - Claiming is the rename of the report out of the drop tree: of several
 *   processes (or hosts on a shared folder), exactly one wins.
 * - done/ only ever holds jobs DefectDojo acknowledged.
 * - Job ids sort by claim time: <UTC time>.<host>.<pid>.<n>.
 */
#ifndef DOJOBRIDGE_SPOOL_H
#define DOJOBRIDGE_SPOOL_H

#include <stddef.h>
#include <sys/stat.h>
#include <time.h>

struct spool {
	char *path;
	int dirfd, tmpfd, queuefd, donefd, failedfd;
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
};

enum spool_end { SPOOL_DONE, SPOOL_FAILED, SPOOL_DELETE };

/* Create (mode 0700) and open the spool at path.  0, or -1 logged. */
int spool_open(struct spool *s, const char *path);
void spool_release(struct spool *s);

/*
 * Finish or undo claims a crash interrupted: a tmp/<id> holding its report
 * moves on to queue/, one without is removed.  Returns the number of jobs
 * recovered, or -1.
 */
int spool_recover(struct spool *s);

/*
 * Claim the report srcname in the directory srcdirfd (and its
 * <srcname>.dojo.json sidecar, if any) into queue/.  origin is its path
 * relative to the drop root.  Returns 0 with *job filled, 1 when another
 * process claimed it first (or it vanished), -1 on error (logged).
 */
int spool_claim(struct spool *s, const char *drop, int srcdirfd, const char *srcname,
    const char *origin, const struct stat *st, struct job *job);

/* The queued jobs, oldest report first.  Caller frees with spool_jobs_free. */
int spool_queue(struct spool *s, struct job **jobs, size_t *njobs);
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

#endif
