/*
 * `once` and `plan`: walk the drop trees, and for each report decide the
 * exact request (folder policies, sidecar, route, detection) and, for once,
 * claim, upload and settle it in the spool.  The daemon reuses the same
 * steps; only the scheduling differs.
 */
#include "once.h"
#include "safeopen.h"
#include "dojo.h"
#include "intake.h"
#include "jsonnum.h"
#include "manifest.h"
#include "outbox.h"
#include "log.h"
#include "route.h"
#include "scantypes.h"
#include "sha256.h"
#include "spool.h"
#include "strbuf.h"
#include "watch.h"
#include "xmem.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>


/* --- once ---------------------------------------------------------------- */

struct row {
	char *file;		/* drop/origin, escaped for display */
	char *scan_type;
	char *where;		/* product type / product / engagement / test */
	char *outcome;		/* "imported", "failed", "queued", "skipped" */
	char *detail;		/* created/closed or the error */
	char *date;		/* the scan_date sent and where it came from, or "-" */
	char *json;		/* the row as a JSON object */
};

struct run {
	const struct conf *c;
	struct detect *d;
	struct dojo *dojo;
	const struct once_opts *o;
	struct row *rows;
	size_t nrows;
	size_t imported, failed, queued, skipped, young;
	int server_down;	/* unreachable or refusing: stop uploading, fail nothing */
	char server_problem[1024];
	size_t total, done;
	struct policy_cache policies;	/* of the drop being drained */
	int force;		/* --from --force: ignore the ledger */
};

/* One line of the summary: p (may be NULL) says where it went, res (may be NULL) what came back. */
static void
add_row(struct run *r, const struct job *j, const struct prepared *p, const char *outcome,
    const char *detail, const struct dojo_result *res)
{
	const char *scan_type = p && p->have_det ? p->det.scan_type : NULL;
	int routed = p && p->route.product && p->test_title;
	struct row *row;
	struct strbuf file = STRBUF_INIT, json = STRBUF_INIT, where = STRBUF_INIT;

	r->rows = xrealloc(r->rows, (r->nrows + 1) * sizeof *r->rows);
	row = &r->rows[r->nrows++];
	strbuf_addf(&file, "%s:", j->drop);
	strbuf_add_escaped(&file, j->origin);
	if (routed)
		strbuf_addf(&where, "%s / %s / %s / %s", p->route.product_type ? p->route.product_type : "-",
		    p->route.product, p->route.engagement, p->test_title);
	else
		strbuf_addstr(&where, "-");
	row->file = strbuf_detach(&file);
	row->scan_type = xstrdup(scan_type ? scan_type : "-");
	row->where = strbuf_detach(&where);
	row->outcome = xstrdup(outcome);
	row->detail = xstrdup(detail ? detail : "");
	row->date = p && p->date_source ? xasprintf("%s (%s)", p->scan_date[0] ? p->scan_date : "none",
	    p->date_source) : xstrdup("-");

	strbuf_addstr(&json, "{\"drop\":");
	strbuf_add_json(&json, j->drop);
	strbuf_addstr(&json, ",\"file\":");
	strbuf_add_json(&json, j->origin);
	strbuf_addstr(&json, ",\"job\":");
	strbuf_add_json(&json, j->id);
	strbuf_addstr(&json, ",\"outcome\":");
	strbuf_add_json(&json, outcome);
	strbuf_addstr(&json, ",\"scan_type\":");
	strbuf_add_json(&json, scan_type);
	intake_names_json(&json, routed ? p : NULL);
	strbuf_addstr(&json, ",\"target\":");
	strbuf_add_json(&json, p && p->have_det ? p->det.target : NULL);
	strbuf_addstr(&json, ",\"scan_date\":");
	strbuf_add_json(&json, p && p->date_source && p->scan_date[0] ? p->scan_date : NULL);
	strbuf_addstr(&json, ",\"scan_date_source\":");
	strbuf_add_json(&json, p ? p->date_source : NULL);
	strbuf_addstr(&json, ",\"sha256\":");
	strbuf_add_json(&json, res != NULL && res->outcome == DOJO_IMPORTED && res->sha256[0] ?
	    res->sha256 : j->sha256[0] ? j->sha256 : NULL);
	if (res != NULL && res->outcome == DOJO_IMPORTED)
		strbuf_addf(&json, ",\"test_id\":%ld,\"created\":%ld,\"closed\":%ld,\"reactivated\":%ld,"
		    "\"untouched\":%ld", res->test_id, res->created, res->closed, res->reactivated,
		    res->untouched);
	if (res != NULL && res->status > 0)
		strbuf_addf(&json, ",\"http_status\":%ld", res->status);
	strbuf_addstr(&json, ",\"detail\":");
	strbuf_add_json(&json, detail);
	strbuf_addch(&json, '}');
	row->json = strbuf_detach(&json);
}

static void
progress(struct run *r, const struct job *j)
{
	char safe[120];

	if (!r->o->progress)
		return;
	fprintf(stderr, "\r\033[K[%zu/%zu] %s", ++r->done, r->total,
	    escape_name(j->origin, safe, sizeof safe));
	fflush(stderr);
}

static void
fail_job(struct run *r, struct spool *s, const struct job *j, const struct prepared *p,
    const struct dojo_result *res, const char *stage, const char *error, const char *hint)
{
	char *ej = intake_error_json(j, p, res, stage, error, hint);
	char safe[300];

	if (spool_finish(s, j, SPOOL_FAILED, ej) == 0) {
		log_warnx("%s: %s: failed: %s", j->drop, escape_name(j->origin, safe, sizeof safe), error);
		add_row(r, j, p, "failed", error, res);
		r->failed++;
	} else {
		add_row(r, j, p, "queued", "could not move to failed/ (see log)", res);
		r->queued++;
	}
	free(ej);
}

static void
backoff(int attempt, long retry_after)
{
	/* 1 s doubling, at most 30 s in a batch run; the server's Retry-After wins if longer. */
	unsigned int wait = attempt >= 5 ? 30u : 1u << attempt;

	if (retry_after > wait)
		wait = retry_after > 30 ? 30u : (unsigned int)retry_after;
	sleep(wait);
}

/* Upload one prepared job; returns the final result (attempts included). */
static void
upload_job(struct run *r, const struct conf_drop *dr, struct spool *s, struct job *j,
    struct prepared *p, int fd, uint64_t size)
{
	struct dojo_result res = { 0 };
	char safe[300], detail[256];

	for (int attempt = 0; ; attempt++) {
		spool_count_attempt(s, j);
		dojo_result_release(&res);
		dojo_reimport(r->dojo, &p->form, fd, size, &res);
		if (res.outcome == DOJO_IMPORTED) {
			char *line;

			/* The server answered before taking every byte: hash the file itself. */
			if (res.sha256[0] == '\0' && sha256_fd(fd, size, res.sha256) < 0)
				snprintf(res.sha256, sizeof res.sha256, "unknown");
			line = intake_receipt_line(j, p, &res, res.sha256);

			spool_receipt(s, line);
			free(line);
			spool_order_set(s, p->key, p->report_date);
			intake_record_import(s, j, p, &res);
			if (spool_finish(s, j, dr->on_success == ON_SUCCESS_DELETE ? SPOOL_DELETE :
			    SPOOL_DONE, NULL) < 0)
				log_warnx("%s: %s: imported, but still in active/ (see above)", j->drop,
				    escape_name(j->origin, safe, sizeof safe));
			snprintf(detail, sizeof detail, "test %ld: %ld created, %ld closed", res.test_id,
			    res.created, res.closed);
			add_row(r, j, p, "imported", detail, &res);
			log_info("%s: %s: imported as %s into %s (%s)", j->drop, escape_name(j->origin, safe,
			    sizeof safe), p->det.scan_type, r->rows[r->nrows - 1].where, detail);
			r->imported++;
			break;
		}
		if (res.outcome == DOJO_FAILED) {
			fail_job(r, s, j, p, &res, "upload", res.message, res.hint);
			break;
		}
		if (res.outcome == DOJO_REFUSED) {
			r->server_down = 1;
			snprintf(r->server_problem, sizeof r->server_problem, "%s (%s)", res.message, res.hint);
			log_errorx("dojo: %s; stopping uploads, %s", res.message, res.hint);
			add_row(r, j, p, "queued", res.message, &res);
			r->queued++;
			spool_untake(s, j);
			break;
		}
		if (attempt >= r->c->dojo.retries) {
			if (res.outcome == DOJO_RETRY_THEN_FAIL) {
				fail_job(r, s, j, p, &res, "upload", res.message, res.hint);
			} else {
				r->server_down = 1;
				/* The hint says what to change when retrying cannot help (TLS, a pin). */
				snprintf(r->server_problem, sizeof r->server_problem, "%s%s%s%s", res.message,
				    res.hint[0] ? " (" : "", res.hint, res.hint[0] ? ")" : "");
				log_errorx("dojo: %s; leaving the queue for the next run", r->server_problem);
				add_row(r, j, p, "queued", res.message, &res);
				r->queued++;
				spool_untake(s, j);
			}
			break;
		}
		log_warnx("%s: %s: attempt %d: %s; trying again", j->drop,
		    escape_name(j->origin, safe, sizeof safe), attempt + 1, res.message);
		backoff(attempt, res.retry_after);
	}
	dojo_result_release(&res);
}

/* A claimed job and what was decided about it, between the two passes of a drop. */
struct staged {
	struct job *j;
	struct prepared p;
	int ready;		/* prepared, waiting to be sent */
};

/* First pass: decide everything about one job; end it at once when it cannot be sent. */
static void
stage_job(struct run *r, const struct conf_drop *dr, int rootfd, struct spool *s, struct staged *sj)
{
	struct job *j = sj->j;
	struct prepared *p = &sj->p;
	struct conf_drop copied;
	struct stat st;
	char err[512];
	int fd, sfd;

	memset(p, 0, sizeof *p);
	if (j->media != NULL) {
		/* Copied from media: named by the layout of its run, no folder policies from the media. */
		copied = *dr;
		if (j->layout != NULL)
			copied.layout = j->layout;
		dr = &copied;
		rootfd = -1;
	}
	fd = spool_open_report(s, j, &st, err, sizeof err);
	if (fd < 0) {
		progress(r, j);
		fail_job(r, s, j, NULL, NULL, "open", err, "drop the report itself, as a regular file");
		return;
	}
	sfd = spool_open_sidecar(s, j);
	if (intake_prepare(r->c, dr, r->d, rootfd, &r->policies, j->origin, j->name, fd, &st, sfd, p) == 0) {
		sj->ready = 1;
	} else if (p->skip_empty) {
		char *line = intake_receipt_line(j, p, NULL, "");

		progress(r, j);
		spool_receipt(s, line);
		free(line);
		spool_finish(s, j, SPOOL_DELETE, NULL);
		add_row(r, j, p, "skipped", p->error, NULL);
		r->skipped++;
	} else {
		progress(r, j);
		fail_job(r, s, j, p, NULL, p->stage, p->error, p->hint);
	}
	if (sfd >= 0)
		close(sfd);
	close(fd);
}

/* Oldest report first: the order DefectDojo must see reimports of one target in. */
static int
by_report_date(const void *a, const void *b)
{
	const struct staged *x = a, *y = b;
	int c = strcmp(x->p.report_date, y->p.report_date);

	if (c != 0)
		return c;
	if (x->j->mtime != y->j->mtime)
		return x->j->mtime < y->j->mtime ? -1 : 1;
	return strcmp(x->j->id, y->j->id);
}

/* Second pass: send one prepared job, unless the server is gone or it is out of order. */
static void
send_job(struct run *r, const struct conf_drop *dr, struct spool *s, struct staged *sj)
{
	struct job *j = sj->j;
	struct prepared *p = &sj->p;
	struct stat st;
	char err[512], last[11];
	int fd;

	progress(r, j);
	if (r->server_down) {
		add_row(r, j, p, "queued", "not sent: the server is unreachable or refusing", NULL);
		r->queued++;
		spool_untake(s, j);
		return;
	}
	if (dr->out_of_order == OUT_OF_ORDER_FAIL && spool_order_get(s, p->key, last) == 0 &&
	    strcmp(p->report_date, last) < 0) {
		char why[128];

		snprintf(why, sizeof why, "older than the report already imported on %s", last);
		fail_job(r, s, j, p, NULL, "order", why, "its reimport would close and reopen findings "
		    "wrongly; to import it anyway set out_of_order = import for this drop, then "
		    "run dojobridge retry on the job");
		return;
	}
	if (!r->force && intake_already_imported(s, j, p, err, sizeof err)) {
		char why[700];

		snprintf(why, sizeof why, "%s", err);
		spool_finish(s, j, SPOOL_DELETE, NULL);
		add_row(r, j, p, "skipped", why, NULL);
		r->skipped++;
		return;
	}
	fd = spool_open_report(s, j, &st, err, sizeof err);
	if (fd < 0) {
		fail_job(r, s, j, p, NULL, "open", err, "drop the report again");
		return;
	}
	upload_job(r, dr, s, j, p, fd, (uint64_t)st.st_size);
	close(fd);
}

/* Decide about every job of this host in the drop, then send them oldest report first. */
static void
drain_drop(struct run *r, const struct conf_drop *dr, int rootfd, struct spool *s)
{
	struct job *jobs;
	struct staged *v;
	size_t njobs, n = 0;

	if (spool_list(s, 1, &jobs, &njobs) < 0)
		return;
	r->total += njobs;
	v = xcalloc(njobs ? njobs : 1, sizeof *v);
	for (size_t k = 0; k < njobs; k++) {
		v[n].j = &jobs[k];
		stage_job(r, dr, rootfd, s, &v[n]);
		if (v[n].ready)
			n++;
		else
			prepared_release(&v[n].p);
	}
	qsort(v, n, sizeof *v, by_report_date);
	for (size_t k = 0; k < n; k++) {
		send_job(r, dr, s, &v[k]);
		prepared_release(&v[k].p);
	}
	free(v);
	spool_jobs_free(jobs, njobs);
}

struct claim_ctx {
	struct run *r;
	struct spool *s;
	const struct conf_drop *dr;
	time_t now;
};

/* A file of the walk: claim it, unless it changed within settle (being written, perhaps). */
static void
claim_found(struct watch_walk *ww, int dirfd, const char *rel, const char *name, const struct stat *st)
{
	struct claim_ctx *cc = ww->ctx;
	struct job j;

	if (cc->dr->settle_ms > 0 && (long long)(cc->now - st->st_mtime) * 1000 < cc->dr->settle_ms) {
		cc->r->young++;
		return;
	}
	if (spool_claim(cc->s, cc->dr->name, dirfd, name, rel, st, &j) == 0)
		spool_job_release(&j);
}

/* The walk's view of a drop: its ignore patterns and its spool. */
static struct watch_root_conf
root_conf(const struct conf_drop *dr)
{
	struct watch_root_conf rc = { dr->name, dr->path, dr->spool, dr->settle_ms, dr->poll_ms,
		dr->ignore };

	return rc;
}

/* Take every job of queue/ (left by an earlier run, a retry, or a lost host). */
static void
take_queue(struct spool *s)
{
	struct job *jobs, j;
	size_t njobs;

	if (spool_list(s, 0, &jobs, &njobs) < 0)
		return;
	for (size_t k = 0; k < njobs; k++)
		if (spool_take(s, jobs[k].id, &j) == 0)
			spool_job_release(&j);
	spool_jobs_free(jobs, njobs);
}

static void
print_table(FILE *out, const struct run *r, int dates)
{
	size_t wf = 4, ws = 9, ww = 6, wd = 4;

	for (size_t i = 0; i < r->nrows; i++) {
		size_t a = strlen(r->rows[i].file), b = strlen(r->rows[i].scan_type),
		    c = strlen(r->rows[i].where), d = strlen(r->rows[i].date);

		wf = a > wf ? (a > 60 ? 60 : a) : wf;
		ws = b > ws ? b : ws;
		ww = c > ww ? (c > 70 ? 70 : c) : ww;
		wd = d > wd ? d : wd;
	}
	if (r->nrows > 0) {
		fprintf(out, "%-*s  %-*s  %-*s  ", (int)wf, "FILE", (int)ws, "SCAN TYPE", (int)ww,
		    "PRODUCT TYPE / PRODUCT / ENGAGEMENT / TEST");
		if (dates)
			fprintf(out, "%-*s  ", (int)wd, "SCAN DATE (FROM)");
		fprintf(out, "RESULT\n");
		for (size_t i = 0; i < r->nrows; i++) {
			const struct row *row = &r->rows[i];
			struct strbuf detail = STRBUF_INIT;

			strbuf_add_escaped(&detail, row->detail);
			fprintf(out, "%-*.*s  %-*s  %-*.*s  ", (int)wf, (int)wf, row->file, (int)ws,
			    row->scan_type, (int)ww, (int)ww, row->where);
			if (dates)
				fprintf(out, "%-*s  ", (int)wd, row->date);
			fprintf(out, "%s%s%s\n", row->outcome, detail.len ? ": " : "", detail.buf);
			strbuf_release(&detail);
		}
	}
	fprintf(out, "%zu imported, %zu failed, %zu left queued, %zu skipped", r->imported, r->failed,
	    r->queued, r->skipped);
	if (r->young)
		fprintf(out, ", %zu not ready yet (modified within settle)", r->young);
	fprintf(out, "\n");
	if (r->server_down)
		fprintf(out, "server: %s\n", r->server_problem);
}

static void
print_json(const struct run *r, int status)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "{\"jobs\":[");
	for (size_t i = 0; i < r->nrows; i++)
		strbuf_addf(&sb, "%s%s", i ? "," : "", r->rows[i].json);
	strbuf_addf(&sb, "],\"imported\":%zu,\"failed\":%zu,\"queued\":%zu,\"skipped\":%zu,"
	    "\"not_ready\":%zu,\"exit\":%d,\"server_problem\":", r->imported, r->failed, r->queued,
	    r->skipped, r->young, status);
	strbuf_add_json(&sb, r->server_down ? r->server_problem : NULL);
	strbuf_addstr(&sb, "}\n");
	fputs(sb.buf, stdout);
	strbuf_release(&sb);
}

static void
run_release(struct run *r)
{
	for (size_t i = 0; i < r->nrows; i++) {
		free(r->rows[i].file);
		free(r->rows[i].scan_type);
		free(r->rows[i].where);
		free(r->rows[i].outcome);
		free(r->rows[i].detail);
		free(r->rows[i].date);
		free(r->rows[i].json);
	}
	free(r->rows);
	dojo_free(r->dojo);
}

/* --- once --from: copy intake from media ------------------------------- */

const struct conf_drop *
once_pick_drop(const struct conf *c, const char *name)
{
	if (name == NULL && c->ndrops == 1)
		return &c->drops[0];
	for (size_t i = 0; name != NULL && i < c->ndrops; i++)
		if (strcmp(c->drops[i].name, name) == 0)
			return &c->drops[i];
	if (name == NULL)
		log_errorx("the configuration has %zu drops: name the one whose spool and settings to use "
		    "with --drop NAME", c->ndrops);
	else
		log_errorx("no [drop \"%s\"] in the configuration", name);
	return NULL;
}

/* One file of the media, between the copy and its check. */
struct media_item {
	struct job j;			/* the copy in tmp/ (id "" when there is none) */
	char *rel;			/* its path under the media root */
	char sidecar_sha256[65];	/* "" without a sidecar */
	char problem[700];		/* why it is not imported, "" when fine */
	int stops;			/* the problem stops the whole batch */
	struct prepared p;		/* dry run: what would be sent */
	int planned;
};

struct media_run {
	struct run *r;
	struct spool *s;		/* NULL in a dry run */
	struct spool ledger;		/* dry run: the spool, read only, when it exists */
	int have_ledger;
	const struct conf_drop *dr;	/* the drop, with the run's layout */
	const char *media;
	struct media_item *v;
	size_t n;
};

/* Hash fd's size bytes; for a dry run, which copies nothing. */
static int
hash_file(int dirfd, const char *name, char hex[65], struct stat *st, int *fdp)
{
	char why[256];
	int fd = safe_open_beneath(dirfd, name, st, why, sizeof why);

	if (fd < 0 || sha256_fd(fd, (uint64_t)st->st_size, hex) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (fdp != NULL)
		*fdp = fd;
	else
		close(fd);
	return 0;
}

static void
media_found(struct watch_walk *ww, int dirfd, const char *rel, const char *name, const struct stat *st)
{
	struct media_run *mr = ww->ctx;
	struct media_item *it;
	char err[512];

	(void)st;
	if (strcmp(rel, name) == 0 && manifest_is_own_file(name))
		return;
	mr->v = xrealloc(mr->v, (mr->n + 1) * sizeof *mr->v);
	it = &mr->v[mr->n++];
	memset(it, 0, sizeof *it);
	it->rel = xstrdup(rel);
	if (mr->s != NULL) {
		if (spool_copy_in(mr->s, mr->dr->name, dirfd, name, rel, mr->media, mr->dr->layout, &it->j,
		    it->sidecar_sha256, err, sizeof err) < 0)
			snprintf(it->problem, sizeof it->problem, "not copied: %s", err);
		return;
	}
	/* A dry run: hash and prepare straight from the media. */
	{
		struct stat rst, sst;
		char sidecar[NAME_MAX + 16];
		int fd = -1, sfd = -1;

		it->j.drop = xstrdup(mr->dr->name);
		it->j.origin = xstrdup(rel);
		it->j.name = xstrdup(name);
		it->j.media = xstrdup(mr->media);
		if (hash_file(dirfd, name, it->j.sha256, &rst, &fd) < 0) {
			snprintf(it->problem, sizeof it->problem, "cannot be read: %s", errno == ELOOP ?
			    "a symbolic link, which dojobridge never follows" : strerror(errno));
			return;
		}
		snprintf(sidecar, sizeof sidecar, "%s.dojo.json", name);
		if (strlen(name) + 10 <= NAME_MAX && hash_file(dirfd, sidecar, it->sidecar_sha256, &sst,
		    NULL) == 0)
			sfd = openat(dirfd, sidecar, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		intake_prepare(mr->r->c, mr->dr, mr->r->d, -1, &mr->r->policies, rel, name, fd, &rst, sfd,
		    &it->p);
		it->planned = 1;
		if (sfd >= 0)
			close(sfd);
		close(fd);
	}
}

/* Check one hash against the manifest; 0 when it matches (or may be unlisted). */
static int
check_listed(struct manifest *m, const char *path, const char *sha, int allow_unlisted,
    struct media_item *it)
{
	struct manifest_entry *e = manifest_find(m, path);

	if (e == NULL) {
		if (allow_unlisted)
			return 0;
		snprintf(it->problem, sizeof it->problem, "%s is not listed in %s (--allow-unlisted "
		    "imports unlisted reports)", path, MANIFEST_NAME);
		it->stops = 1;
		return -1;
	}
	e->seen = 1;
	if (strcmp(e->sha256, sha) != 0) {
		snprintf(it->problem, sizeof it->problem, "%s has SHA-256 %s, but %s says %s: it changed "
		    "after the manifest was made", path, sha, MANIFEST_NAME, e->sha256);
		it->stops = 1;
		return -1;
	}
	return 0;
}

/* The media's file system label, from /dev/disk/by-label; "" when none. */
static void
media_label(int mediafd, char *label, size_t len)
{
	struct stat mst, dst;
	DIR *d;
	struct dirent *e;

	label[0] = '\0';
	if (fstat(mediafd, &mst) < 0 || (d = opendir("/dev/disk/by-label")) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || fstatat(dirfd(d), e->d_name, &dst, 0) < 0 ||
		    !S_ISBLK(dst.st_mode) || dst.st_rdev != mst.st_dev)
			continue;
		/* udev writes spaces and slashes as \x20 and \x2f. */
		{
			size_t w = 0;

			for (const char *p = e->d_name; *p && w + 1 < len; p++) {
				unsigned int ch;

				if (p[0] == '\\' && p[1] == 'x' && sscanf(p + 2, "%2x", &ch) == 1) {
					label[w++] = (char)ch;
					p += 3;
				} else {
					label[w++] = *p;
				}
			}
			label[w] = '\0';
		}
		break;
	}
	closedir(d);
}

/* The record of a run: runs/<name>.json and .txt, and what --json prints. */
static char *
run_record_json(const struct run *r, const struct media_run *mr, const char *name, const char *started,
    const char *label, const struct manifest *m, int have_manifest, const char *signature,
    const char *stopped, char **missing, size_t nmissing, int status)
{
	struct strbuf sb = STRBUF_INIT;
	char finished[32];

	intake_utc_now(finished);
	strbuf_addstr(&sb, "{\"run\":");
	strbuf_add_json(&sb, name);
	strbuf_addstr(&sb, ",\"started\":");
	strbuf_add_json(&sb, started);
	strbuf_addstr(&sb, ",\"finished\":");
	strbuf_add_json(&sb, finished);
	strbuf_addstr(&sb, ",\"media\":");
	strbuf_add_json(&sb, mr->media);
	strbuf_addstr(&sb, ",\"label\":");
	strbuf_add_json(&sb, label);
	strbuf_addstr(&sb, ",\"drop\":");
	strbuf_add_json(&sb, mr->dr->name);
	strbuf_addstr(&sb, ",\"layout\":");
	strbuf_add_json(&sb, mr->dr->layout);
	strbuf_addf(&sb, ",\"dry_run\":%s,\"manifest\":", mr->s == NULL ? "true" : "false");
	if (have_manifest) {
		strbuf_addf(&sb, "{\"file\":\"%s\",\"entries\":%zu,\"signature\":", MANIFEST_NAME, m->n);
		strbuf_add_json(&sb, signature);
		strbuf_addch(&sb, '}');
	} else {
		strbuf_addstr(&sb, "null");
	}
	strbuf_addstr(&sb, ",\"stopped\":");
	strbuf_add_json(&sb, stopped);
	strbuf_addstr(&sb, ",\"files\":[");
	for (size_t i = 0; i < r->nrows; i++)
		strbuf_addf(&sb, "%s%s", i ? "," : "", r->rows[i].json);
	strbuf_addstr(&sb, "],\"missing\":[");
	for (size_t i = 0; i < nmissing; i++) {
		strbuf_addstr(&sb, i ? "," : "");
		strbuf_add_json(&sb, missing[i]);
	}
	strbuf_addf(&sb, "],\"files_total\":%zu,\"imported\":%zu,\"failed\":%zu,\"queued\":%zu,"
	    "\"skipped\":%zu,\"missing_total\":%zu,\"exit\":%d,\"server_problem\":", r->nrows, r->imported,
	    r->failed, r->queued, r->skipped, nmissing, status);
	strbuf_add_json(&sb, r->server_down ? r->server_problem : NULL);
	strbuf_addstr(&sb, "}\n");
	return strbuf_detach(&sb);
}

static char *
run_record_text(const struct run *r, const struct media_run *mr, const char *name, const char *label,
    const struct manifest *m, int have_manifest, const char *signature, const char *stopped,
    char **missing, size_t nmissing, int status)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct strbuf media = STRBUF_INIT, lab = STRBUF_INIT;

	if (f == NULL)
		return xstrdup("");
	strbuf_add_escaped(&media, mr->media);
	strbuf_add_escaped(&lab, label);
	fprintf(f, "run %s%s\nmedia: %s (label %s)\ndrop: %s, layout %s\n", name,
	    mr->s == NULL ? " (dry run: nothing copied, nothing sent)" : "", media.buf,
	    lab.len ? lab.buf : "none", mr->dr->name, mr->dr->layout);
	if (have_manifest)
		fprintf(f, "manifest: %s, %zu entries, signature: %s\n", MANIFEST_NAME, m->n, signature);
	else
		fprintf(f, "manifest: none (the reports were not checked against one)\n");
	if (stopped != NULL)
		fprintf(f, "STOPPED before any upload: %s\n", stopped);
	fprintf(f, "\n");
	print_table(f, r, 1);
	for (size_t i = 0; i < nmissing; i++) {
		struct strbuf p = STRBUF_INIT;

		strbuf_add_escaped(&p, missing[i]);
		fprintf(f, "missing: %s is listed in %s but not on the media\n", p.buf, MANIFEST_NAME);
		strbuf_release(&p);
	}
	fprintf(f, "exit status %d\n", status);
	fclose(f);
	strbuf_release(&media);
	strbuf_release(&lab);
	return text;
}

/* A job-shaped name for rows about media files that never became jobs. */
static struct job
media_job(const struct media_run *mr, const struct media_item *it)
{
	struct job j;

	memset(&j, 0, sizeof j);
	j.drop = (char *)(uintptr_t)mr->dr->name;
	j.origin = it->rel;
	memcpy(j.sha256, it->j.sha256, sizeof j.sha256);
	return j;
}

/* The dry run's plan of one item. */
static void
plan_item(struct media_run *mr, struct media_item *it, const char *stopped)
{
	struct run *r = mr->r;
	struct job j = media_job(mr, it);
	char why[700];

	if (it->problem[0]) {
		add_row(r, &j, it->planned ? &it->p : NULL, it->stops ? "would stop the batch" : "would fail",
		    it->problem, NULL);
		r->failed++;
	} else if (stopped != NULL) {
		add_row(r, &j, &it->p, "not imported", "the batch would stop", NULL);
	} else if (it->p.stage != NULL) {
		add_row(r, &j, &it->p, it->p.skip_empty ? "would skip" : "would fail", it->p.error, NULL);
		if (it->p.skip_empty)
			r->skipped++;
		else
			r->failed++;
	} else if (!r->force && mr->have_ledger &&
	    intake_already_imported(&mr->ledger, &it->j, &it->p, why, sizeof why)) {
		add_row(r, &j, &it->p, "would skip", why, NULL);
		r->skipped++;
	} else {
		add_row(r, &j, &it->p, "would import", it->p.form.upload_name, NULL);
	}
}

static int
from_run(const struct conf *c, struct detect *d, const char *token, const struct once_opts *o)
{
	struct run r = { 0 };
	struct media_run mr = { 0 };
	struct conf_drop dr;
	const struct conf_drop *base;
	struct manifest m = { 0 };
	struct spool s;
	struct watch_root_conf rc;
	struct watch_walk ww;
	char media[PATH_MAX], err[1024], label[256], started[32], runname[64], signature[PATH_MAX + 32];
	char *stopped = NULL, **missing = NULL, *json, *text;
	size_t nmissing = 0;
	int mediafd, have_manifest = 0, status, locked = 0, rootfd = -1;
	long holder;

	r.c = c;
	r.d = d;
	r.o = o;
	r.force = o->force;
	if ((base = once_pick_drop(c, o->drop)) == NULL)
		return ONCE_USAGE;
	dr = *base;
	if (o->layout != NULL) {
		if (route_check_layout(o->layout, err, sizeof err) < 0) {
			log_errorx("--layout %s: %s", o->layout, err);
			return ONCE_USAGE;
		}
		dr.layout = (char *)(uintptr_t)o->layout;
	}
	if (realpath(o->from, media) == NULL ||
	    (mediafd = open(media, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		log_error("--from %s", o->from);
		return ONCE_USAGE;
	}
	{
		size_t n = strlen(dr.spool);

		if (strncmp(dr.spool, media, strlen(media)) == 0 || (strncmp(media, dr.spool, n) == 0 &&
		    (media[n] == '/' || media[n] == '\0'))) {
			log_errorx("--from %s and the spool %s of drop %s overlap: the media is only read, "
			    "the spool is written", media, dr.spool, dr.name);
			close(mediafd);
			return ONCE_USAGE;
		}
	}
	mr.r = &r;
	mr.dr = &dr;
	mr.media = media;
	intake_utc_now(started);
	if (o->label != NULL)
		snprintf(label, sizeof label, "%s", o->label);
	else
		media_label(mediafd, label, sizeof label);
	snprintf(signature, sizeof signature, "none");

	/* The manifest and its signature first: a bad one stops everything before a byte is copied. */
	switch (manifest_read(mediafd, &m, err, sizeof err)) {
	case 0:
		have_manifest = 1;
		if (m.sig_name != NULL && c->media.keyring == NULL) {
			stopped = xasprintf("%s is signed (%s), but no [media] keyring is configured to check "
			    "the signature", MANIFEST_NAME, m.sig_name);
		} else if (m.sig_name != NULL || c->media.require_signature) {
			if (manifest_verify_signature(&m, c->media.keyring, err, sizeof err) < 0)
				stopped = xstrdup(err);
			else
				snprintf(signature, sizeof signature, "%s verified with %s", m.sig_name,
				    c->media.keyring);
		}
		break;
	case 1:
		if (c->media.require_manifest || c->media.require_signature)
			stopped = xasprintf("the media has no %s, and [media] %s says it must", MANIFEST_NAME,
			    c->media.require_signature ? "require_signature" : "require_manifest");
		else
			log_warnx("%s has no %s: its reports are imported without a check", media,
			    MANIFEST_NAME);
		break;
	default:
		stopped = xstrdup(err);
		break;
	}

	if (o->dry_run) {
		/* Read only, and only a spool that exists: a dry run creates nothing. */
		mr.have_ledger = access(dr.spool, F_OK) == 0 && spool_attach(&mr.ledger, dr.spool) == 0;
	} else {
		char host[64];

		/* Its own name in the spool: a daemon working as host_id may hold the drop meanwhile. */
		snprintf(host, sizeof host, "%s-media", c->watch.host_id);
		if ((r.dojo = dojo_new(&c->dojo, token)) == NULL || spool_open(&s, dr.spool, host) < 0) {
			free(stopped);
			manifest_release(&m);
			close(mediafd);
			dojo_free(r.dojo);
			return ONCE_USAGE;
		}
		if (spool_lock(&s, &holder) != 0) {
			log_errorx("drop %s: another once --from (pid %ld) imports into %s; wait for it to "
			    "finish", dr.name, holder, dr.spool);
			spool_release(&s);
			free(stopped);
			manifest_release(&m);
			close(mediafd);
			dojo_free(r.dojo);
			return ONCE_LEFT_QUEUED;
		}
		locked = 1;
		mr.s = &s;
		spool_recover(&s);
		spool_heartbeat(&s, c->watch.claim_timeout_ms);
		spool_prune(&s, dr.archive_days, time(NULL));
	}

	if (stopped == NULL) {
		rc = root_conf(&dr);
		rc.path = media;
		rc.skip_path = NULL;
		ww.rc = &rc;
		ww.found = media_found;
		ww.ctx = &mr;
		watch_walk(&ww, mediafd, "");
	}

	/* Every copy against the manifest; then what it lists that the media lacks. */
	if (have_manifest && stopped == NULL) {
		size_t bad = 0;

		for (size_t i = 0; i < mr.n; i++) {
			struct media_item *it = &mr.v[i];

			if (it->problem[0])
				continue;
			if (check_listed(&m, it->rel, it->j.sha256, o->allow_unlisted, it) == 0 &&
			    it->sidecar_sha256[0]) {
				char *sc = xasprintf("%s.dojo.json", it->rel);

				check_listed(&m, sc, it->sidecar_sha256, o->allow_unlisted, it);
				free(sc);
			}
			bad += it->stops;
		}
		for (size_t i = 0; i < m.n; i++) {
			struct stat st;

			if (!m.v[i].seen && fstatat(mediafd, m.v[i].path, &st, AT_SYMLINK_NOFOLLOW) < 0 &&
			    errno == ENOENT) {
				missing = xrealloc(missing, (nmissing + 1) * sizeof *missing);
				missing[nmissing++] = m.v[i].path;
			}
		}
		if (bad > 0)
			stopped = xasprintf("%zu report%s do%s not match %s (listed below)", bad,
			    bad == 1 ? "" : "s", bad == 1 ? "es" : "", MANIFEST_NAME);
	}

	if (o->dry_run) {
		for (size_t i = 0; i < mr.n; i++)
			plan_item(&mr, &mr.v[i], stopped);
	} else {
		for (size_t i = 0; i < mr.n; i++) {
			struct media_item *it = &mr.v[i];
			struct job j = media_job(&mr, it);

			if (stopped != NULL || it->problem[0]) {
				if (it->j.id[0])
					spool_copy_abandon(&s, &it->j);
				add_row(&r, &j, NULL, it->problem[0] ? (it->stops ? "stopped" : "failed") :
				    "not imported", it->problem[0] ? it->problem : "the batch was stopped",
				    NULL);
				r.failed += it->problem[0] != 0;
			} else if (spool_copy_commit(&s, &it->j) < 0) {
				spool_copy_abandon(&s, &it->j);
				add_row(&r, &j, NULL, "failed", "could not be made a claim (see log)", NULL);
				r.failed++;
			}
		}
		if (stopped == NULL) {
			rootfd = open(base->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			take_queue(&s);
			r.total = mr.n;
			drain_drop(&r, &dr, rootfd, &s);
			if (rootfd >= 0)
				close(rootfd);
		}
	}
	if (o->progress && r.total)
		fprintf(stderr, "\r\033[K");
	/* A stopped batch, or a file the manifest promised and the media lacks, is a failure. */
	status = r.queued ? ONCE_LEFT_QUEUED : r.failed || stopped || nmissing ? ONCE_SOME_FAILED :
	    ONCE_ALL_IMPORTED;
	{
		time_t now = time(NULL);
		struct tm tm;

		gmtime_r(&now, &tm);
		strftime(runname, sizeof runname, "%Y%m%dT%H%M%SZ", &tm);
		snprintf(runname + strlen(runname), sizeof runname - strlen(runname), "-%ld",
		    (long)getpid());
	}
	json = run_record_json(&r, &mr, runname, started, label, &m, have_manifest, signature, stopped,
	    missing, nmissing, status);
	text = run_record_text(&r, &mr, runname, label, &m, have_manifest, signature, stopped, missing,
	    nmissing, status);
	if (!o->dry_run && spool_write_run(&s, runname, json, text) == 0)
		log_info("run recorded in %s/runs/%s.txt", dr.spool, runname);
	fputs(o->json ? json : text, stdout);
	fflush(stdout);
	if (stopped != NULL)
		log_errorx("%s: stopped before any upload: %s", media, stopped);
	else if (!o->dry_run)
		outbox_after_batch(c, token, r.imported);
	free(json);
	free(text);
	for (size_t i = 0; i < mr.n; i++) {
		free(mr.v[i].rel);
		spool_job_release(&mr.v[i].j);
		if (mr.v[i].planned)
			prepared_release(&mr.v[i].p);
	}
	free(mr.v);
	free(missing);
	free(stopped);
	manifest_release(&m);
	policy_cache_release(&r.policies);
	if (mr.have_ledger)
		spool_release(&mr.ledger);
	if (locked)
		spool_release(&s);
	close(mediafd);
	run_release(&r);
	return status;
}

/* --- runs ---------------------------------------------------------------- */

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
runs_run(const struct conf *c, const char *drop, const char *name, int json)
{
	const struct conf_drop *dr = once_pick_drop(c, drop);
	char path[PATH_MAX];
	DIR *dir;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;

	if (dr == NULL)
		return 2;
	if (name != NULL) {
		FILE *f;

		if (strchr(name, '/') != NULL || name[0] == '.' || strlen(name) > 100) {
			log_errorx("runs: %s is not the name of a run (see dojobridge runs)", name);
			return 2;
		}
		snprintf(path, sizeof path, "%s/runs/%s.%s", dr->spool, name, json ? "json" : "txt");
		if ((f = fopen(path, "re")) == NULL) {
			log_error("runs: %s", path);
			return 1;
		}
		while (!feof(f) && !ferror(f)) {
			char buf[8192];
			size_t k = fread(buf, 1, sizeof buf, f);

			fwrite(buf, 1, k, stdout);
		}
		fclose(f);
		return 0;
	}
	snprintf(path, sizeof path, "%s/runs", dr->spool);
	if ((dir = opendir(path)) == NULL) {
		if (errno != ENOENT) {
			log_error("runs: %s", path);
			return 1;
		}
	} else {
		while ((e = readdir(dir)) != NULL) {
			size_t k = strlen(e->d_name);

			if (e->d_name[0] != '.' && k > 5 && strcmp(e->d_name + k - 5, ".json") == 0) {
				names = xrealloc(names, (n + 1) * sizeof *names);
				names[n++] = xstrndup(e->d_name, k - 5);
			}
		}
		closedir(dir);
	}
	if (n > 0)
		qsort(names, n, sizeof *names, by_name);
	if (json)
		fputs("[", stdout);
	else if (n == 0)
		printf("no runs recorded in %s\n", path);
	else
		printf("%-26s  %-16s  %8s %6s %6s %7s %7s %4s  %s\n", "RUN", "LABEL", "IMPORTED", "FAILED",
		    "QUEUED", "SKIPPED", "MISSING", "EXIT", "MEDIA");
	for (size_t i = 0; i < n; i++) {
		char file[PATH_MAX];
		char *data = NULL;
		size_t len = 0;
		cJSON *rec = NULL;
		FILE *f;

		snprintf(file, sizeof file, "%s/%s.json", path, names[i]);
		if ((f = fopen(file, "re")) != NULL) {
			FILE *mem = open_memstream(&data, &len);
			char buf[8192];
			size_t k;

			while (mem != NULL && (k = fread(buf, 1, sizeof buf, f)) > 0)
				fwrite(buf, 1, k, mem);
			if (mem != NULL)
				fclose(mem);
			fclose(f);
			rec = data ? cJSON_ParseWithLength(data, len) : NULL;
		}
		if (json) {
			printf("%s%s", i ? "," : "", data && rec ? data : "null");
		} else {
#define NUMF(k) json_long(cJSON_GetObjectItemCaseSensitive(rec, k), -1)
#define STRF(k) (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(rec, k)) ? \
	cJSON_GetObjectItemCaseSensitive(rec, k)->valuestring : "-")
			struct strbuf lab = STRBUF_INIT, med = STRBUF_INIT;

			strbuf_add_escaped(&lab, STRF("label"));
			strbuf_add_escaped(&med, STRF("media"));
			if (rec == NULL)
				printf("%-26s  (unreadable record %s)\n", names[i], file);
			else
				printf("%-26s  %-16.16s  %8ld %6ld %6ld %7ld %7ld %4ld  %s%s\n", names[i],
				    lab.len ? lab.buf : "-", NUMF("imported"), NUMF("failed"), NUMF("queued"),
				    NUMF("skipped"), NUMF("missing_total"), NUMF("exit"), med.buf,
				    cJSON_IsString(cJSON_GetObjectItemCaseSensitive(rec, "stopped")) ?
				    " (stopped)" : cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(rec, "dry_run")) ?
				    " (dry run)" : "");
#undef NUMF
#undef STRF
			strbuf_release(&lab);
			strbuf_release(&med);
		}
		cJSON_Delete(rec);
		free(data);
	}
	if (json)
		fputs("]\n", stdout);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return 0;
}

int
once_run(const struct conf *c, struct detect *d, const char *token, const struct once_opts *o)
{
	struct run r = { 0 };
	int status;

	if (o->from != NULL)
		return from_run(c, d, token, o);
	r.c = c;
	r.d = d;
	r.o = o;
	if ((r.dojo = dojo_new(&c->dojo, token)) == NULL)
		return ONCE_USAGE;
	for (size_t i = 0; i < c->ndrops; i++) {
		const struct conf_drop *dr = &c->drops[i];
		struct claim_ctx cc;
		struct watch_root_conf rc = root_conf(dr);
		struct watch_walk ww = { &rc, claim_found, &cc };
		struct spool s;
		int rootfd, lock;
		long holder;

		rootfd = open(dr->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0) {
			log_error("drop %s: %s", dr->name, dr->path);
			r.failed++;
			continue;
		}
		if (spool_open(&s, dr->spool, c->watch.host_id) < 0) {
			close(rootfd);
			r.failed++;
			continue;
		}
		if ((lock = spool_lock(&s, &holder)) != 0) {
			if (lock > 0) {
				log_errorx("drop %s: another dojobridge process (pid %ld) works on %s as host_id "
				    "%s; it imports these reports itself. Stop it first, or give this run "
				    "another host_id", dr->name, holder, dr->spool, c->watch.host_id);
				r.queued++;
				snprintf(r.server_problem, sizeof r.server_problem, "drop %s is busy", dr->name);
			} else {
				r.failed++;
			}
			spool_release(&s);
			close(rootfd);
			continue;
		}
		spool_recover(&s);
		spool_heartbeat(&s, c->watch.claim_timeout_ms);
		spool_prune(&s, dr->archive_days, time(NULL));
		cc.r = &r;
		cc.s = &s;
		cc.dr = dr;
		cc.now = time(NULL);
		watch_walk(&ww, rootfd, "");
		take_queue(&s);
		drain_drop(&r, dr, rootfd, &s);
		policy_cache_release(&r.policies);
		spool_release(&s);
		close(rootfd);
	}
	if (o->progress && r.total)
		fprintf(stderr, "\r\033[K");
	status = r.queued ? ONCE_LEFT_QUEUED : r.failed ? ONCE_SOME_FAILED : ONCE_ALL_IMPORTED;
	if (o->json)
		print_json(&r, status);
	else
		print_table(stdout, &r, 0);
	fflush(stdout);
	outbox_after_batch(c, token, r.imported);
	run_release(&r);
	return status;
}

/* --- plan ---------------------------------------------------------------- */

struct plan_ctx {
	const struct conf *c;
	struct detect *d;
	const struct conf_drop *dr;
	int rootfd;
	int json;
	int bad;
	struct policy_cache policies;
};

static void
plan_one(struct plan_ctx *pc, int dirfd, const char *rel, const char *name)
{
	struct prepared p;
	struct stat st;
	char sidecar[NAME_MAX + 16], why[256];
	int fd, sfd = -1;
	struct strbuf out = STRBUF_INIT;

	fd = safe_open_beneath(dirfd, name, &st, why, sizeof why);
	if (fd < 0) {
		memset(&p, 0, sizeof p);
		intake_fail(&p, "open", NULL, "%s", why);
		goto print;
	}
	snprintf(sidecar, sizeof sidecar, "%s.dojo.json", name);
	if (strlen(name) + 10 <= NAME_MAX)
		sfd = openat(dirfd, sidecar, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	intake_prepare(pc->c, pc->dr, pc->d, pc->rootfd, &pc->policies, rel, name, fd, &st, sfd, &p);
print:
	if (pc->json) {
		strbuf_addstr(&out, "{\"drop\":");
		strbuf_add_json(&out, pc->dr->name);
		strbuf_addstr(&out, ",\"file\":");
		strbuf_add_json(&out, rel);
		if (p.stage != NULL) {
			strbuf_addstr(&out, ",\"status\":\"error\",\"stage\":");
			strbuf_add_json(&out, p.stage);
			strbuf_addstr(&out, ",\"error\":");
			strbuf_add_json(&out, p.error);
		} else {
			strbuf_addstr(&out, ",\"status\":\"ready\",\"method\":\"POST\",\"url\":");
			{
				char *url = xasprintf("%s/api/v2/reimport-scan/", pc->c->dojo.url);

				strbuf_add_json(&out, url);
				free(url);
			}
			strbuf_addstr(&out, ",\"fields\":{");
			for (size_t i = 0; i < p.form.n; i++) {
				strbuf_addstr(&out, i ? "," : "");
				strbuf_add_json(&out, p.form.fields[i].name);
				strbuf_addch(&out, ':');
				strbuf_add_json(&out, p.form.fields[i].value);
			}
			strbuf_addstr(&out, "},\"upload_name\":");
			strbuf_add_json(&out, p.form.upload_name);
			strbuf_addf(&out, ",\"size\":%lld,\"scan_date_source\":", (long long)st.st_size);
			strbuf_add_json(&out, p.date_source);
		}
		strbuf_addstr(&out, "}\n");
	} else {
		strbuf_addf(&out, "%s:", pc->dr->name);
		strbuf_add_escaped(&out, rel);
		strbuf_addch(&out, '\n');
		if (p.stage != NULL) {
			strbuf_addf(&out, "  would fail (%s): ", p.stage);
			strbuf_add_escaped(&out, p.error);
			strbuf_addch(&out, '\n');
		} else {
			strbuf_addf(&out, "  POST %s/api/v2/reimport-scan/\n", pc->c->dojo.url);
			for (size_t i = 0; i < p.form.n; i++) {
				strbuf_addf(&out, "  %s: ", p.form.fields[i].name);
				strbuf_add_escaped(&out, p.form.fields[i].value);
				strbuf_addch(&out, '\n');
			}
			strbuf_addstr(&out, "  file: ");
			strbuf_add_escaped(&out, p.form.upload_name);
			strbuf_addf(&out, " (%lld bytes)\n  scan_date from: %s\n", (long long)st.st_size,
			    p.date_source);
		}
	}
	fputs(out.buf, stdout);
	if (p.stage != NULL)
		pc->bad = 1;
	strbuf_release(&out);
	if (sfd >= 0)
		close(sfd);
	if (fd >= 0)
		close(fd);
	prepared_release(&p);
}

static void
plan_found(struct watch_walk *ww, int dirfd, const char *rel, const char *name, const struct stat *st)
{
	(void)st;
	plan_one(ww->ctx, dirfd, rel, name);
}

int
plan_run(const struct conf *c, struct detect *d, char **paths, int npaths, int json)
{
	int bad = 0;

	for (int i = 0; i < npaths; i++) {
		char real[PATH_MAX];
		const struct conf_drop *dr = NULL;
		const char *rel;
		struct plan_ctx pc = { c, d, NULL, -1, json, 0, { NULL, 0 } };
		struct stat st;

		if (realpath(paths[i], real) == NULL) {
			log_error("plan: %s", paths[i]);
			bad = 1;
			continue;
		}
		for (size_t k = 0; k < c->ndrops; k++) {
			size_t n = strlen(c->drops[k].path);

			if (strncmp(real, c->drops[k].path, n) == 0 && (real[n] == '/' || real[n] == '\0'))
				dr = &c->drops[k];
		}
		if (dr == NULL) {
			log_errorx("plan: %s is not inside any drop root of the configuration", paths[i]);
			bad = 1;
			continue;
		}
		rel = real + strlen(dr->path);
		rel += *rel == '/';
		pc.dr = dr;
		pc.rootfd = open(dr->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (pc.rootfd < 0 || lstat(real, &st) < 0) {
			log_error("plan: %s", paths[i]);
			bad = 1;
		} else if (S_ISDIR(st.st_mode)) {
			struct watch_root_conf rc = root_conf(dr);
			struct watch_walk ww = { &rc, plan_found, &pc };
			int fd = open(real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

			if (fd >= 0) {
				watch_walk(&ww, fd, rel);
				close(fd);
			}
		} else {
			char *dir = xstrdup(real), *slash = strrchr(dir, '/');
			int dfd;

			*slash = '\0';
			dfd = open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (dfd >= 0) {
				plan_one(&pc, dfd, rel, slash + 1);
				close(dfd);
			}
			free(dir);
		}
		if (pc.rootfd >= 0)
			close(pc.rootfd);
		policy_cache_release(&pc.policies);
		bad |= pc.bad;
	}
	return bad;
}
