/*
 * `once` and `plan`: walk the drop trees, and for each report decide the
 * exact request (folder policies, sidecar, route, detection) and, for once,
 * claim, upload and settle it in the spool.  The daemon reuses the same
 * steps; only the scheduling differs.
 */
#include "once.h"
#include "dojo.h"
#include "intake.h"
#include "log.h"
#include "route.h"
#include "scantypes.h"
#include "sha256.h"
#include "spool.h"
#include "strbuf.h"
#include "watch.h"
#include "xmem.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
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
				snprintf(r->server_problem, sizeof r->server_problem, "%s", res.message);
				log_errorx("dojo: %s; leaving the queue for the next run", res.message);
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
	struct stat st;
	char err[512];
	int fd, sfd;

	memset(p, 0, sizeof *p);
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
print_table(const struct run *r)
{
	size_t wf = 4, ws = 9, ww = 6;

	for (size_t i = 0; i < r->nrows; i++) {
		size_t a = strlen(r->rows[i].file), b = strlen(r->rows[i].scan_type),
		    c = strlen(r->rows[i].where);

		wf = a > wf ? (a > 60 ? 60 : a) : wf;
		ws = b > ws ? b : ws;
		ww = c > ww ? (c > 70 ? 70 : c) : ww;
	}
	if (r->nrows > 0) {
		printf("%-*s  %-*s  %-*s  %s\n", (int)wf, "FILE", (int)ws, "SCAN TYPE", (int)ww,
		    "PRODUCT TYPE / PRODUCT / ENGAGEMENT / TEST", "RESULT");
		for (size_t i = 0; i < r->nrows; i++) {
			const struct row *row = &r->rows[i];
			struct strbuf detail = STRBUF_INIT;

			strbuf_add_escaped(&detail, row->detail);
			printf("%-*.*s  %-*s  %-*.*s  %s%s%s\n", (int)wf, (int)wf, row->file, (int)ws,
			    row->scan_type, (int)ww, (int)ww, row->where, row->outcome,
			    detail.len ? ": " : "", detail.buf);
			strbuf_release(&detail);
		}
	}
	printf("%zu imported, %zu failed, %zu left queued, %zu skipped", r->imported, r->failed,
	    r->queued, r->skipped);
	if (r->young)
		printf(", %zu not ready yet (modified within settle)", r->young);
	printf("\n");
	if (r->server_down)
		printf("server: %s\n", r->server_problem);
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

int
once_run(const struct conf *c, struct detect *d, const char *token, const struct once_opts *o)
{
	struct run r = { 0 };
	int status;

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
		print_table(&r);
	for (size_t i = 0; i < r.nrows; i++) {
		free(r.rows[i].file);
		free(r.rows[i].scan_type);
		free(r.rows[i].where);
		free(r.rows[i].outcome);
		free(r.rows[i].detail);
		free(r.rows[i].json);
	}
	free(r.rows);
	dojo_free(r.dojo);
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
	char sidecar[NAME_MAX + 16];
	int fd, sfd = -1;
	struct strbuf out = STRBUF_INIT;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		memset(&p, 0, sizeof p);
		intake_fail(&p, "open", NULL, "%s", fd < 0 && errno == ELOOP ?
		    "it is a symbolic link, which dojobridge never follows" : "not a regular file");
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
