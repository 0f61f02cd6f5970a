/*
 * `once` and `plan`: walk the drop trees, and for each report decide the
 * exact request (folder policies, sidecar, route, detection) and, for once,
 * claim, upload and settle it in the spool.  The daemon reuses the same
 * steps; only the scheduling differs.
 */
#include "once.h"
#include "dojo.h"
#include "log.h"
#include "route.h"
#include "scantypes.h"
#include "sha256.h"
#include "spool.h"
#include "strbuf.h"
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

#define WALK_MAX_DEPTH 32

/* Everything decided about one report before it is sent. */
struct prepared {
	struct import_opts opts;
	struct route route;
	struct detect_result det;
	int have_det;
	char *test_title;
	char scan_date[11];
	const char *date_source;
	struct form form;
	const char *stage;		/* where it went wrong: policy, sidecar, route, detect, size */
	char error[1024];
	char hint[256];
	int skip_empty;			/* the empty policy says: drop it without upload */
};

static void
prepared_release(struct prepared *p)
{
	import_opts_release(&p->opts);
	route_release(&p->route);
	if (p->have_det)
		detect_result_release(&p->det);
	free(p->test_title);
	form_release(&p->form);
	memset(p, 0, sizeof *p);
}

/* Layer the .dojobridge.conf files from the drop root down to folder over o. */
static int
read_folder_policies(int rootfd, const char *root, const char *folder, struct import_opts *o,
    char *err, size_t errlen)
{
	char display[PATH_MAX];
	const char *p = folder;
	int dirfd = dup(rootfd), rc = 0;

	if (dirfd < 0)
		return -1;
	for (;;) {
		size_t n;
		int next;

		snprintf(display, sizeof display, "%s/%.*s%s.dojobridge.conf", root, (int)(p - folder),
		    folder, p > folder && p[-1] != '/' ? "/" : "");
		if (conf_read_dir_policy(dirfd, ".dojobridge.conf", display, o) < 0) {
			snprintf(err, errlen, "the folder policy %s has errors (listed in the log above)", display);
			rc = -1;
			break;
		}
		if (*p == '\0')
			break;
		n = strcspn(p, "/");
		{
			char *comp = xstrndup(p, n);

			next = openat(dirfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			free(comp);
		}
		close(dirfd);
		dirfd = next;
		if (dirfd < 0)
			return 0;	/* the folder went away since the claim: no deeper policies */
		p += n;
		if (*p == '/')
			p++;
	}
	close(dirfd);
	return rc;
}

/*
 * The folder policies of one drop, read once per folder and run: a batch
 * may hold thousands of reports in one folder.  Each entry holds what the
 * .dojobridge.conf files from the root down to that folder set, or why
 * they could not be read.
 */
struct policy_cache {
	struct cached_policy {
		char *folder;
		struct import_opts opts;
		char *error;
	} *v;
	size_t n;
};

static const struct cached_policy *
folder_policies(struct policy_cache *pc, int rootfd, const char *root, const char *folder)
{
	struct cached_policy *e;
	char err[1024];

	for (size_t i = 0; i < pc->n; i++)
		if (strcmp(pc->v[i].folder, folder) == 0)
			return &pc->v[i];
	pc->v = xrealloc(pc->v, (pc->n + 1) * sizeof *pc->v);
	e = &pc->v[pc->n++];
	memset(e, 0, sizeof *e);
	e->folder = xstrdup(folder);
	if (read_folder_policies(rootfd, root, folder, &e->opts, err, sizeof err) < 0)
		e->error = xstrdup(err);
	return e;
}

static void
policy_cache_release(struct policy_cache *pc)
{
	for (size_t i = 0; i < pc->n; i++) {
		free(pc->v[i].folder);
		import_opts_release(&pc->v[i].opts);
		free(pc->v[i].error);
	}
	free(pc->v);
	memset(pc, 0, sizeof *pc);
}

static int
fail_prep(struct prepared *p, const char *stage, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
fail_prep(struct prepared *p, const char *stage, const char *hint, const char *fmt, ...)
{
	va_list ap;

	p->stage = stage;
	va_start(ap, fmt);
	vsnprintf(p->error, sizeof p->error, fmt, ap);
	va_end(ap);
	snprintf(p->hint, sizeof p->hint, "%s", hint ? hint : "");
	return -1;
}

/*
 * Decide everything about the report open on fd: origin is its path under
 * the drop root, name the dropped basename, sidecar_fd its sidecar or -1.
 */
static int
prepare(const struct conf *c, const struct conf_drop *dr, struct detect *d, int rootfd,
    struct policy_cache *policies, const char *origin, const char *name, int fd,
    const struct stat *st, int sidecar_fd, struct prepared *p)
{
	struct route_report rep;
	char err[1024], safe[300];
	const char *slash = strrchr(origin, '/');
	char *folder = slash ? xstrndup(origin, (size_t)(slash - origin)) : xstrdup("");
	const struct cached_policy *pol = folder_policies(policies, rootfd, dr->path, folder);

	free(folder);
	memset(p, 0, sizeof *p);
	if (pol->error != NULL)
		return fail_prep(p, "policy", "fix the folder policy file, then drop the report again "
		    "(a copy is kept in failed/)", "%s", pol->error);
	import_opts_overlay(&p->opts, &dr->import);
	import_opts_overlay(&p->opts, &pol->opts);
	if (sidecar_fd >= 0 && conf_read_sidecar(sidecar_fd, &p->opts, err, sizeof err) < 0)
		return fail_prep(p, "sidecar", "fix the sidecar and drop both files again",
		    "the sidecar %s.dojo.json: %s", escape_name(name, safe, sizeof safe), err);
	if (route_names(dr->layout, origin, &p->opts, &p->route, err, sizeof err) < 0)
		return fail_prep(p, "route", "move the report to the right folder and drop it again", "%s", err);
	if ((long long)st->st_size > c->dojo.max_file_size)
		return fail_prep(p, "size", "split the scan, or raise max_file_size together with the "
		    "server's DD_SCAN_FILE_MAX_SIZE", "the report is %lld bytes, over max_file_size "
		    "(%lld bytes, DefectDojo's default limit is 100 MB)", (long long)st->st_size,
		    c->dojo.max_file_size);

	detect_file(d, fd, name, p->opts.v[IK_SCAN_TYPE], &p->det);
	p->have_det = 1;
	if (p->det.kind == DOJOBRIDGE_KIND_EMPTY && p->det.status != DETECT_ERROR) {
		const char *policy = p->opts.v[IK_EMPTY] ? p->opts.v[IK_EMPTY] : "fail";

		if (strcmp(policy, "skip") == 0) {
			p->skip_empty = 1;
			return fail_prep(p, "detect", NULL, "the report is empty; skipped (empty = skip)");
		}
		if (strcmp(policy, "upload") != 0 || p->opts.v[IK_SCAN_TYPE] == NULL)
			return fail_prep(p, "detect", "if an empty report really means \"no findings\" here, "
			    "set empty = upload and scan_type for this folder", "the report is empty (no bytes, "
			    "[], {} or null): uploading it would close every open finding of its test%s",
			    strcmp(policy, "upload") == 0 ? "; empty = upload needs scan_type set too" : "");
	}
	switch (p->det.status) {
	case DETECT_DETECTED:
		break;
	case DETECT_EMPTY:
	case DETECT_UNKNOWN:
	case DETECT_AMBIGUOUS:
		return fail_prep(p, "detect", "set scan_type for this folder (.dojobridge.conf) or in a "
		    "sidecar <report>.dojo.json; dojobridge detect --explain shows every plugin's score",
		    "%s", p->det.error);
	case DETECT_ERROR:
		return fail_prep(p, "detect", "check the report opens in its own tool; dojobridge detect "
		    "--explain shows what was recognised", "%s", p->det.error);
	}
	detect_route_report(&p->det, name, &rep);
	p->test_title = route_test_title(&p->opts, &p->route, &rep);
	route_scan_date(&p->opts, &rep, st->st_mtime, time(NULL), p->scan_date, &p->date_source);
	route_build_form(&p->form, &p->opts, &p->route, &rep, p->test_title, p->scan_date);
	p->form.upload_name = route_upload_name(&rep);
	return 0;
}

/* --- walking a drop tree ------------------------------------------------- */

struct walk {
	const struct conf_drop *dr;
	dev_t spool_dev;
	ino_t spool_ino;
	time_t now;
	void (*found)(struct walk *w, int dirfd, const char *rel, const char *name, const struct stat *st);
	void *ctx;
	int all;			/* plan: every file, settled or not */
	size_t young;			/* files skipped because they are still settling */
};

static int
ignored(const struct conf_drop *dr, const char *name)
{
	size_t n = strlen(name);

	if (n > 10 && strcmp(name + n - 10, ".dojo.json") == 0)
		return 1;	/* a sidecar travels with its report */
	if (strncmp(name, ".dojobridge", 11) == 0)
		return 1;	/* our spool and folder policies, whatever `ignore` says */
	for (size_t i = 0; dr->ignore[i] != NULL; i++)
		if (fnmatch(dr->ignore[i], name, FNM_PERIOD) == 0)
			return 1;
	return 0;
}

static void
walk_dir(struct walk *w, int dirfd, const char *rel, int depth)
{
	struct dirent **names;
	int n, fd = dup(dirfd);
	DIR *d;

	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	/* Sorted, so runs are repeatable; read via the fd, never by path. */
	n = 0;
	names = NULL;
	{
		struct dirent *e;
		size_t cap = 0;

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
	}
	if (n > 1)
		qsort(names, (size_t)n, sizeof *names, (int (*)(const void *, const void *))alphasort);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		struct stat st;
		char *childrel;

		if (ignored(w->dr, name) || fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		childrel = *rel ? xasprintf("%s/%s", rel, name) : xstrdup(name);
		if (S_ISDIR(st.st_mode)) {
			int sub;

			if ((st.st_dev == w->spool_dev && st.st_ino == w->spool_ino) || depth >= WALK_MAX_DEPTH)
				goto next;
			sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0) {
				walk_dir(w, sub, childrel, depth + 1);
				close(sub);
			}
		} else if (!w->all && w->dr->settle_ms > 0 &&
		    (long long)(w->now - st.st_mtime) * 1000 < w->dr->settle_ms) {
			w->young++;	/* still being written, perhaps: next run */
		} else {
			w->found(w, dirfd, childrel, name, &st);
		}
next:
		free(childrel);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
}

/* Walk the tree under dirfd (rel: its path under the drop root), passing over the spool. */
static void
walk_tree(struct walk *w, int dirfd, const char *rel, const char *spool_path)
{
	struct stat st;

	w->spool_dev = 0;
	w->spool_ino = 0;
	if (stat(spool_path, &st) == 0) {
		w->spool_dev = st.st_dev;
		w->spool_ino = st.st_ino;
	}
	w->now = time(NULL);
	walk_dir(w, dirfd, rel, 0);
}

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

/* ,"product_type":...,"product":...,"engagement":...,"test_title":... (nulls without p). */
static void
add_names_json(struct strbuf *sb, const struct prepared *p)
{
	strbuf_addstr(sb, ",\"product_type\":");
	strbuf_add_json(sb, p ? p->route.product_type : NULL);
	strbuf_addstr(sb, ",\"product\":");
	strbuf_add_json(sb, p ? p->route.product : NULL);
	strbuf_addstr(sb, ",\"engagement\":");
	strbuf_add_json(sb, p ? p->route.engagement : NULL);
	strbuf_addstr(sb, ",\"test_title\":");
	strbuf_add_json(sb, p ? p->test_title : NULL);
}

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
	add_names_json(&json, routed ? p : NULL);
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

/* The current time as ISO 8601 UTC, for error.json and receipts. */
static void
utc_now(char when[32])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(when, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static char *
error_json(const struct job *j, const struct prepared *p, const struct dojo_result *res,
    const char *stage, const char *error, const char *hint)
{
	struct strbuf sb = STRBUF_INIT;
	char when[32];

	utc_now(when);
	strbuf_addstr(&sb, "{\n  \"file\": ");
	strbuf_add_json(&sb, j->origin);
	strbuf_addstr(&sb, ",\n  \"name\": ");
	strbuf_add_json(&sb, j->name);
	strbuf_addstr(&sb, ",\n  \"drop\": ");
	strbuf_add_json(&sb, j->drop);
	strbuf_addstr(&sb, ",\n  \"job\": ");
	strbuf_add_json(&sb, j->id);
	strbuf_addf(&sb, ",\n  \"time\": \"%s\",\n  \"stage\": ", when);
	strbuf_add_json(&sb, stage);
	strbuf_addstr(&sb, ",\n  \"error\": ");
	strbuf_add_json(&sb, error);
	strbuf_addstr(&sb, ",\n  \"what_to_do\": ");
	strbuf_add_json(&sb, hint && *hint ? hint : NULL);
	strbuf_addstr(&sb, ",\n  \"scan_type\": ");
	strbuf_add_json(&sb, p && p->have_det ? p->det.scan_type : NULL);
	strbuf_addf(&sb, ",\n  \"attempts\": %d", j->attempts);
	if (res != NULL) {
		strbuf_addf(&sb, ",\n  \"http_status\": %ld,\n  \"server_answer\": ", res->status);
		strbuf_add_json(&sb, res->body);
	}
	strbuf_addstr(&sb, "\n}\n");
	return strbuf_detach(&sb);
}

static void
fail_job(struct run *r, struct spool *s, const struct job *j, const struct prepared *p,
    const struct dojo_result *res, const char *stage, const char *error, const char *hint)
{
	char *ej = error_json(j, p, res, stage, error, hint);
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

static char *
receipt_line(const struct job *j, const struct prepared *p, const struct dojo_result *res,
    const char *sha)
{
	struct strbuf sb = STRBUF_INIT;
	char when[32];

	utc_now(when);
	strbuf_addf(&sb, "{\"time\":\"%s\",\"job\":", when);
	strbuf_add_json(&sb, j->id);
	strbuf_addstr(&sb, ",\"drop\":");
	strbuf_add_json(&sb, j->drop);
	strbuf_addstr(&sb, ",\"file\":");
	strbuf_add_json(&sb, j->origin);
	strbuf_addf(&sb, ",\"sha256\":\"%s\",\"size\":%lld,\"scan_type\":", sha, j->size);
	strbuf_add_json(&sb, p ? p->det.scan_type : NULL);
	add_names_json(&sb, p);
	strbuf_addstr(&sb, ",\"scan_date\":");
	strbuf_add_json(&sb, p && p->scan_date[0] ? p->scan_date : NULL);
	strbuf_addstr(&sb, ",\"scan_date_source\":");
	strbuf_add_json(&sb, p ? p->date_source : NULL);
	if (res != NULL)
		strbuf_addf(&sb, ",\"outcome\":\"imported\",\"test_id\":%ld,\"engagement_id\":%ld,"
		    "\"product_id\":%ld,\"created\":%ld,\"closed\":%ld,\"reactivated\":%ld,"
		    "\"untouched\":%ld,\"seconds\":%.3f}", res->test_id, res->engagement_id,
		    res->product_id, res->created, res->closed, res->reactivated, res->untouched,
		    res->seconds);
	else
		strbuf_addstr(&sb, ",\"outcome\":\"skipped-empty\"}");
	return strbuf_detach(&sb);
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
			line = receipt_line(j, p, &res, res.sha256);

			spool_receipt(s, line);
			free(line);
			if (spool_finish(s, j, dr->on_success == ON_SUCCESS_DELETE ? SPOOL_DELETE :
			    SPOOL_DONE, NULL) < 0)
				log_warnx("%s: %s: imported, but still in queue/ (see above)", j->drop,
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
			}
			break;
		}
		log_warnx("%s: %s: attempt %d: %s; trying again", j->drop,
		    escape_name(j->origin, safe, sizeof safe), attempt + 1, res.message);
		backoff(attempt, res.retry_after);
	}
	dojo_result_release(&res);
}

static void
process_job(struct run *r, const struct conf_drop *dr, int rootfd, struct spool *s, struct job *j)
{
	struct prepared p;
	struct stat st;
	char err[512];
	int fd, sfd;

	progress(r, j);
	if (r->server_down) {
		add_row(r, j, NULL, "queued", "not sent: the server is unreachable or refusing", NULL);
		r->queued++;
		return;
	}
	fd = spool_open_report(s, j, &st, err, sizeof err);
	if (fd < 0) {
		fail_job(r, s, j, NULL, NULL, "open", err, "drop the report itself, as a regular file");
		return;
	}
	sfd = spool_open_sidecar(s, j);
	if (prepare(r->c, dr, r->d, rootfd, &r->policies, j->origin, j->name, fd, &st, sfd, &p) < 0) {
		if (p.skip_empty) {
			char *line = receipt_line(j, &p, NULL, "");

			spool_receipt(s, line);
			free(line);
			spool_finish(s, j, SPOOL_DELETE, NULL);
			add_row(r, j, &p, "skipped", p.error, NULL);
			r->skipped++;
		} else {
			fail_job(r, s, j, &p, NULL, p.stage, p.error, p.hint);
		}
	} else {
		upload_job(r, dr, s, j, &p, fd, (uint64_t)st.st_size);
	}
	if (sfd >= 0)
		close(sfd);
	close(fd);
	prepared_release(&p);
}

struct claim_ctx {
	struct run *r;
	struct spool *s;
	const struct conf_drop *dr;
};

static void
claim_found(struct walk *w, int dirfd, const char *rel, const char *name, const struct stat *st)
{
	struct claim_ctx *cc = w->ctx;
	struct job j;

	if (spool_claim(cc->s, cc->dr->name, dirfd, name, rel, st, &j) == 0)
		spool_job_release(&j);
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
		struct walk w = { 0 };
		struct spool s;
		struct job *jobs;
		size_t njobs;
		int rootfd;

		rootfd = open(dr->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0) {
			log_error("drop %s: %s", dr->name, dr->path);
			r.failed++;
			continue;
		}
		if (spool_open(&s, dr->spool) < 0) {
			close(rootfd);
			r.failed++;
			continue;
		}
		spool_recover(&s);
		spool_prune(&s, dr->archive_days, time(NULL));
		cc.r = &r;
		cc.s = &s;
		cc.dr = dr;
		w.dr = dr;
		w.found = claim_found;
		w.ctx = &cc;
		walk_tree(&w, rootfd, "", dr->spool);
		r.young += w.young;
		if (spool_queue(&s, &jobs, &njobs) == 0) {
			r.total += njobs;
			for (size_t k = 0; k < njobs; k++)
				process_job(&r, dr, rootfd, &s, &jobs[k]);
			spool_jobs_free(jobs, njobs);
		}
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
		fail_prep(&p, "open", NULL, "%s", fd < 0 && errno == ELOOP ?
		    "it is a symbolic link, which dojobridge never follows" : "not a regular file");
		goto print;
	}
	snprintf(sidecar, sizeof sidecar, "%s.dojo.json", name);
	if (strlen(name) + 10 <= NAME_MAX)
		sfd = openat(dirfd, sidecar, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	prepare(pc->c, pc->dr, pc->d, pc->rootfd, &pc->policies, rel, name, fd, &st, sfd, &p);
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
plan_found(struct walk *w, int dirfd, const char *rel, const char *name, const struct stat *st)
{
	(void)st;
	plan_one(w->ctx, dirfd, rel, name);
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
			struct walk w = { 0 };
			int fd = open(real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

			w.dr = dr;
			w.found = plan_found;
			w.ctx = &pc;
			w.all = 1;
			if (fd >= 0) {
				walk_tree(&w, fd, rel, dr->spool);
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
