/*
 * Everything decided about one report before it is sent: the folder
 * policies, the sidecar, the route, detection, the form; and the records a
 * job leaves behind (error.json, the receipt line).  `once`, `plan` and the
 * daemon share these steps; only their scheduling differs.
 */
#include "intake.h"
#include "jsonnum.h"
#include "log.h"
#include "xmem.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void
prepared_release(struct prepared *p)
{
	import_opts_release(&p->opts);
	route_release(&p->route);
	if (p->have_det)
		detect_result_release(&p->det);
	free(p->test_title);
	free(p->key);
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
	int dirfd, rc = 0;

	if (rootfd < 0)
		return 0;	/* copied from media: folder policies are the host's, never the media's */
	if ((dirfd = dup(rootfd)) < 0) {
		snprintf(err, errlen, "%s: %s", root, strerror(errno));
		return -1;
	}
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

void
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

int
intake_fail(struct prepared *p, const char *stage, const char *hint, const char *fmt, ...)
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
/*
 * The target key (uploads for one key go one at a time, oldest report
 * first) and the date that orders reports within it: the report's own scan
 * date when it has one, else its mtime.
 */
static void
set_order(struct prepared *p, time_t mtime)
{
	struct strbuf key = STRBUF_INIT;
	struct tm tm;

	if (p->det.scan_date != NULL && strlen(p->det.scan_date) >= 10)
		snprintf(p->report_date, sizeof p->report_date, "%.10s", p->det.scan_date);
	else if (gmtime_r(&mtime, &tm) != NULL)
		strftime(p->report_date, sizeof p->report_date, "%Y-%m-%d", &tm);
	if (p->opts.v[IK_TEST] != NULL) {
		strbuf_addf(&key, "test=%s", p->opts.v[IK_TEST]);
	} else {
		/* Unit separators: no name can fake another key by holding a '/'. */
		strbuf_addf(&key, "%s\x1f%s\x1f%s\x1f%s\x1f%s", p->route.product_type ? p->route.product_type : "",
		    p->route.product ? p->route.product : "", p->route.engagement ? p->route.engagement : "",
		    p->det.scan_type ? p->det.scan_type : "", p->test_title ? p->test_title : "");
	}
	p->key = strbuf_detach(&key);
}

int
intake_prepare(const struct conf *c, const struct conf_drop *dr, struct detect *d, int rootfd,
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
		return intake_fail(p, "policy", "fix the folder policy file, then drop the report again "
		    "(a copy is kept in failed/)", "%s", pol->error);
	import_opts_overlay(&p->opts, &dr->import);
	import_opts_overlay(&p->opts, &pol->opts);
	if (sidecar_fd >= 0 && conf_read_sidecar(sidecar_fd, &p->opts, err, sizeof err) < 0)
		return intake_fail(p, "sidecar", "fix the sidecar and drop both files again",
		    "the sidecar %s.dojo.json: %s", escape_name(name, safe, sizeof safe), err);
	if (route_names(dr->layout, origin, &p->opts, &p->route, err, sizeof err) < 0)
		return intake_fail(p, "route", "move the report to the right folder and drop it again", "%s", err);
	if ((long long)st->st_size > c->dojo.max_file_size)
		return intake_fail(p, "size", "split the scan, or raise max_file_size together with the "
		    "server's DD_SCAN_FILE_MAX_SIZE", "the report is %lld bytes, over max_file_size "
		    "(%lld bytes, DefectDojo's default limit is 100 MB)", (long long)st->st_size,
		    c->dojo.max_file_size);

	detect_file(d, fd, name, p->opts.v[IK_SCAN_TYPE], p->opts.v[IK_PREFER], &p->det);
	p->have_det = 1;
	if (p->det.status == DETECT_EMPTY ||
	    (p->det.kind == DOJOBRIDGE_KIND_EMPTY && p->det.status != DETECT_ERROR)) {
		const char *policy = p->opts.v[IK_EMPTY] ? p->opts.v[IK_EMPTY] : "fail";

		if (strcmp(policy, "skip") == 0) {
			p->skip_empty = 1;
			return intake_fail(p, "detect", NULL, "the report is empty; skipped (empty = skip)");
		}
		if (strcmp(policy, "upload") != 0 || p->det.scan_type == NULL)
			return intake_fail(p, "detect", "if an empty report really means \"no findings\" here, "
			    "set empty = upload for this folder (and scan_type, for a file with no content)",
			    "%s%s", p->det.status == DETECT_EMPTY ? p->det.error : "the report is empty (no "
			    "bytes, [], {} or null): uploading it would close every open finding of its test",
			    strcmp(policy, "upload") == 0 ? "; empty = upload needs scan_type set too" : "");
		/* empty = upload: the user says an empty report means "no findings" here. */
		p->det.status = DETECT_DETECTED;
	}
	switch (p->det.status) {
	case DETECT_DETECTED:
		break;
	case DETECT_EMPTY:
	case DETECT_UNKNOWN:
	case DETECT_AMBIGUOUS:
		return intake_fail(p, "detect", "set scan_type for this folder (.dojobridge.conf) or in a "
		    "sidecar <report>.dojo.json; dojobridge detect --explain shows every plugin's score",
		    "%s", p->det.error);
	case DETECT_ERROR:
		return intake_fail(p, "detect", "check the report opens in its own tool; dojobridge detect "
		    "--explain shows what was recognised", "%s", p->det.error);
	}
	detect_route_report(&p->det, name, &rep);
	p->test_title = route_test_title(&p->opts, &p->route, &rep);
	route_scan_date(&p->opts, &rep, st->st_mtime, time(NULL), p->scan_date, &p->date_source);
	route_build_form(&p->form, &p->opts, &p->route, &rep, p->test_title, p->scan_date);
	p->form.upload_name = route_upload_name(&rep);
	set_order(p, st->st_mtime);
	return 0;
}


int
intake_use_sandbox(struct detect *d, const struct conf *c)
{
	struct sandbox_opts o = { c->detect.workers, (int)(c->detect.timeout_ms / 1000),
		c->detect.memory };
	char err[512];

	detect_set_signatures(d, c->signatures, c->nsignatures);
	if (!c->detect.sandbox)
		log_warnx("detect: sandbox = no: plugins run inside dojobridge itself; "
		    "use this only while developing a plugin");
	if (detect_use_sandbox(d, c->detect.sandbox ? &o : NULL, err, sizeof err) < 0)
		return log_errorx("detect: %s", err);
	return 0;
}


/* ,"product_type":...,"product":...,"engagement":...,"test_title":... (nulls without p). */
void
intake_names_json(struct strbuf *sb, const struct prepared *p)
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


/* The current time as ISO 8601 UTC, for error.json and receipts. */
void
intake_utc_now(char when[32])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(when, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

char *
intake_error_json(const struct job *j, const struct prepared *p, const struct dojo_result *res,
    const char *stage, const char *error, const char *hint)
{
	struct strbuf sb = STRBUF_INIT;
	char when[32];

	intake_utc_now(when);
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


char *
intake_receipt_line(const struct job *j, const struct prepared *p, const struct dojo_result *res,
    const char *sha)
{
	struct strbuf sb = STRBUF_INIT;
	char when[32];

	intake_utc_now(when);
	strbuf_addf(&sb, "{\"time\":\"%s\",\"job\":", when);
	strbuf_add_json(&sb, j->id);
	strbuf_addstr(&sb, ",\"drop\":");
	strbuf_add_json(&sb, j->drop);
	strbuf_addstr(&sb, ",\"file\":");
	strbuf_add_json(&sb, j->origin);
	if (j->media != NULL) {
		/* Copied by once --from: the file is a path on these media. */
		strbuf_addstr(&sb, ",\"media\":");
		strbuf_add_json(&sb, j->media);
	}
	strbuf_addf(&sb, ",\"sha256\":\"%s\",\"size\":%lld,\"scan_type\":", sha, j->size);
	strbuf_add_json(&sb, p ? p->det.scan_type : NULL);
	intake_names_json(&sb, p);
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


int
intake_load_conf(struct conf *c, const char *dir)
{
	char err[256];

	if (conf_load(c, dir) < 0)
		goto fail;
	for (size_t i = 0; i < c->ndrops; i++)
		if (route_check_layout(c->drops[i].layout, err, sizeof err) < 0) {
			log_errorx("config: [drop \"%s\"] layout %s: %s", c->drops[i].name,
			    c->drops[i].layout, err);
			goto fail;
		}
	return 0;
fail:
	conf_release(c);
	return -1;
}

/* The ledger entry of an import: which bytes now sit in which test, and since when. */
void
intake_record_import(struct spool *s, const struct job *j, const struct prepared *p,
    const struct dojo_result *res)
{
	struct strbuf sb = STRBUF_INIT;
	char when[32];

	/* Only copies are ever checked against it: a drop's imports keep their fsyncs. */
	if (j->media == NULL)
		return;
	intake_utc_now(when);
	strbuf_addstr(&sb, "{\"imported\":");
	strbuf_add_json(&sb, when);
	strbuf_addstr(&sb, ",\"job\":");
	strbuf_add_json(&sb, j->id);
	strbuf_addf(&sb, ",\"test_id\":%ld,\"file\":", res->test_id);
	strbuf_add_json(&sb, j->origin);
	strbuf_addstr(&sb, ",\"media\":");
	strbuf_add_json(&sb, j->media);
	strbuf_addstr(&sb, ",\"key\":");
	strbuf_add_json(&sb, p->key);
	strbuf_addch(&sb, '}');
	spool_ledger_add(s, res->sha256, p->key, sb.buf);
	strbuf_release(&sb);
}

/* "already imported on DATE into test N (job ID)" from a ledger entry. */
static void
ledger_sentence(const char *entry, char *out, size_t len)
{
	cJSON *e = cJSON_Parse(entry);
	const cJSON *when = cJSON_GetObjectItemCaseSensitive(e, "imported"),
	    *test = cJSON_GetObjectItemCaseSensitive(e, "test_id"),
	    *job = cJSON_GetObjectItemCaseSensitive(e, "job");

	snprintf(out, len, "its bytes were already imported into this test on %s "
	    "(test %ld, job %s); --force imports it again",
	    cJSON_IsString(when) ? when->valuestring : "an earlier run",
	    json_long(test, 0),
	    cJSON_IsString(job) ? job->valuestring : "?");
	cJSON_Delete(e);
}

int
intake_already_imported(struct spool *s, const struct job *j, const struct prepared *p, char *why,
    size_t whylen)
{
	char entry[1024];

	if (j->media == NULL || j->sha256[0] == '\0' || p->key == NULL ||
	    spool_ledger_get(s, j->sha256, p->key, entry, sizeof entry) != 1)
		return 0;
	ledger_sentence(entry, why, whylen);
	return 1;
}
