/*
 * The plugin host: loads plugins only after checking who may have written
 * them, gives every probe the same precomputed facts, and runs the winner's
 * extract with bounded XML/JSON readers behind the host function table.
 */
#include "detect.h"
#include "datefmt.h"
#include "facts.h"
#include "jsonscan.h"
#include "log.h"
#include "scantypes.h"
#include "xmem.h"
#include "xmlscan.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct loaded {
	struct dojobridge_plugin p;	/* our copy, zero-filled past the plugin's struct_size */
	char *file;
	void *handle;
};

struct detect {
	struct loaded *v;
	size_t n;
};

/* What the host functions need to know about the call in progress. */
struct dojobridge_call {
	struct detect_result *r;
	int fd;
	const char *plugin;
	const char *file;
	int extracting;
	char last_warning[512];
};

static const char *
plugin_name_of(const struct dojobridge_call *c)
{
	return c->plugin ? c->plugin : "?";
}

static void
host_log(struct dojobridge_call *call, int level, const char *fmt, ...)
{
	char msg[1024], safe[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* Kept: if extract then refuses the report, its last warning says why. */
	if (level >= 2 && call->extracting)
		snprintf(call->last_warning, sizeof call->last_warning, "plugin %s: %s",
		    plugin_name_of(call), msg);
	escape_name(call->file, safe, sizeof safe);
	if (level >= 2)
		log_warnx("plugin %s: %s: %s", plugin_name_of(call), safe, msg);
	else if (level == 1)
		log_info("plugin %s: %s: %s", plugin_name_of(call), safe, msg);
	else
		log_debug("plugin %s: %s: %s", plugin_name_of(call), safe, msg);
}

static int
host_set(struct dojobridge_call *call, enum dojobridge_key key, const char *value)
{
	struct detect_result *r = call->r;
	char **slot;

	if (!call->extracting || value == NULL)
		return -1;
	switch (key) {
	case DOJOBRIDGE_SCAN_DATE: {
		char norm[11];

		/* Accept only a real date; plugins may hand over what the report says. */
		if (datefmt_parse(value, 0, norm) < 0)
			return -1;
		free(r->scan_date);
		r->scan_date = xstrdup(norm);
		return 0;
	}
	case DOJOBRIDGE_TARGET: slot = &r->target; break;
	case DOJOBRIDGE_TOOL: slot = &r->tool; break;
	case DOJOBRIDGE_TOOL_VERSION: slot = &r->tool_version; break;
	case DOJOBRIDGE_TEST_TITLE: slot = &r->test_title; break;
	case DOJOBRIDGE_FINDINGS: slot = &r->findings; break;
	default: return -1;
	}
	free(*slot);
	/* Bounded: a title or target is a line, not a payload. */
	*slot = xstrndup(value, strnlen(value, 512));
	return 0;
}

static int
host_xml_find(struct dojobridge_call *call, const char *path, char *out, size_t outlen)
{
	char err[256];

	return xmlscan_find(call->fd, path, out, outlen, err, sizeof err);
}

static int
host_json_find(struct dojobridge_call *call, const char *path, unsigned flags, char *out,
    size_t outlen)
{
	char err[256];

	return jsonscan_find(call->fd, path, flags, out, outlen, err, sizeof err);
}

static int
host_date(const char *text, unsigned flags, char out[11])
{
	return datefmt_parse(text, flags, out);
}

static long
host_read(struct dojobridge_call *call, void *buf, size_t n, uint64_t off)
{
	ssize_t got = pread(call->fd, buf, n, (off_t)off);

	return got < 0 ? -1 : (long)got;
}

static const struct dojobridge_host host_table = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_host),
	.log = host_log,
	.set = host_set,
	.xml_find = host_xml_find,
	.json_find = host_json_find,
	.date = host_date,
	.read = host_read,
};

/* Plugins run with our privileges: refuse any that someone else could have written. */
static int
trusted(const struct stat *st, const char *what, const char *path)
{
	if (geteuid() != 0)
		return 1;
	if (st->st_uid != 0) {
		log_errorx("plugins: %s: refused: %s is not owned by root", path, what);
		return 0;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		log_errorx("plugins: %s: refused: %s is writable by group or others", path, what);
		return 0;
	}
	return 1;
}

static int
load_one(struct detect *d, int dirfd, const char *dir, const char *name)
{
	char path[PATH_MAX], procpath[64];
	const struct dojobridge_plugin *(*entry)(void);
	const struct dojobridge_plugin *p;
	struct loaded l = { 0 };
	struct stat st;
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return log_error("plugins: %s: refused", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return log_errorx("plugins: %s: refused: not a regular file", path);
	}
	if (!trusted(&st, "the file", path)) {
		close(fd);
		return -1;
	}
	/*
	 * Load exactly the inode we checked, not whatever the name points at
	 * now.  The fd stays open for the life of the process: the dynamic
	 * loader knows the object by "/proc/self/fd/N", and would hand back an
	 * earlier plugin if a later one were opened under a reused N.
	 */
	snprintf(procpath, sizeof procpath, "/proc/self/fd/%d", fd);
	l.handle = dlopen(procpath, RTLD_NOW | RTLD_LOCAL);
	if (l.handle == NULL) {
		close(fd);
		return log_errorx("plugins: %s: refused: %s", path, dlerror());
	}
	*(void **)&entry = dlsym(l.handle, "dojobridge_plugin_v1");
	if (entry == NULL || (p = entry()) == NULL) {
		log_errorx("plugins: %s: refused: no dojobridge_plugin_v1 entry point", path);
		goto fail;
	}
	if (p->abi_major != DOJOBRIDGE_ABI_MAJOR) {
		log_errorx("plugins: %s: refused: built for plugin ABI %u, this dojobridge speaks %d",
		    path, p->abi_major, DOJOBRIDGE_ABI_MAJOR);
		goto fail;
	}
	if (p->struct_size < offsetof(struct dojobridge_plugin, extract)) {
		log_errorx("plugins: %s: refused: struct_size %u is too small for ABI 1", path, p->struct_size);
		goto fail;
	}
	/* The plugin may be older than us: copy only what it says it has. */
	memcpy(&l.p, p, p->struct_size < sizeof l.p ? p->struct_size : sizeof l.p);
	if (l.p.name == NULL || l.p.name[0] == '\0') {
		log_errorx("plugins: %s: refused: no name", path);
		goto fail;
	}
	if (l.p.probe == NULL) {
		log_errorx("plugins: %s: refused: required callback probe is missing", path);
		goto fail;
	}
	if (l.p.scan_types == NULL || l.p.scan_types[0].name == NULL) {
		log_errorx("plugins: %s: refused: declares no scan type", path);
		goto fail;
	}
	for (size_t i = 0; l.p.scan_types[i].name != NULL; i++)
		if (!scantypes_known(l.p.scan_types[i].name)) {
			log_errorx("plugins: %s: refused: scan type \"%s\" is not one of DefectDojo %s's",
			    path, l.p.scan_types[i].name, scantypes_dojo_version);
			goto fail;
		}
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->v[i].p.name, l.p.name) == 0) {
			log_errorx("plugins: %s: refused: a plugin named %s is already loaded from %s",
			    path, l.p.name, d->v[i].file);
			goto fail;
		}
	l.file = xstrdup(path);
	d->v = xrealloc(d->v, (d->n + 1) * sizeof *d->v);
	d->v[d->n++] = l;
	return 0;
fail:
	/* Never dlclose: constructors ran, and nothing may still point into it. */
	return -1;
}

static int
so_filter(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return e->d_name[0] != '.' && n > 3 && strcmp(e->d_name + n - 3, ".so") == 0;
}

static int
load_dir(struct detect *d, const char *dir, int *refused)
{
	struct dirent **names;
	struct stat st;
	int dirfd, n;

	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return log_error("plugins: %s", dir);
	if (fstat(dirfd, &st) < 0 || !trusted(&st, "its directory", dir)) {
		close(dirfd);
		(*refused)++;
		return -1;
	}
	n = scandir(dir, &names, so_filter, alphasort);
	for (int i = 0; i < n; i++) {
		if (load_one(d, dirfd, dir, names[i]->d_name) < 0)
			(*refused)++;
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	close(dirfd);
	return 0;
}

struct detect *
detect_load(const char *path, int *refused)
{
	struct detect *d = xcalloc(1, sizeof *d);
	char *copy = xstrdup(path), *save = NULL;

	*refused = 0;
	xmlscan_init();
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
		if (*dir)
			load_dir(d, dir, refused);
	free(copy);
	return d;
}

void
detect_free(struct detect *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].file);
	free(d->v);
	free(d);
}

const char *
detect_default_path(const char *argv0_dir)
{
	static char intree[PATH_MAX];
	const char *env = getenv("DOJOBRIDGE_PLUGIN_PATH");
	char probe[PATH_MAX + 64];

	if (env != NULL && *env != '\0')
		return env;
	/* Run from the build tree: use the plugins built beside the binary. */
	if (argv0_dir != NULL) {
		snprintf(probe, sizeof probe, "%s/plugins/dojobridge-plugin.h", argv0_dir);
		if (access(probe, F_OK) == 0) {
			snprintf(intree, sizeof intree, "%s/plugins", argv0_dir);
			return intree;
		}
	}
	return PLUGINDIR;
}

size_t
detect_nplugins(const struct detect *d)
{
	return d->n;
}

const struct dojobridge_plugin *
detect_plugin(const struct detect *d, size_t i)
{
	return &d->v[i].p;
}

const char *
detect_plugin_file(const struct detect *d, size_t i)
{
	return d->v[i].file;
}

static const struct dojobridge_scan_type *
declared(const struct dojobridge_plugin *p, const char *scan_type)
{
	for (size_t i = 0; p->scan_types[i].name != NULL; i++)
		if (strcmp(p->scan_types[i].name, scan_type) == 0)
			return &p->scan_types[i];
	return NULL;
}

static int
by_score(const void *a, const void *b)
{
	const struct detect_candidate *x = a, *y = b;

	if (x->score != y->score)
		return y->score - x->score;
	return strcmp(x->plugin, y->plugin);
}

int
detect_file(struct detect *d, int fd, const char *name, const char *forced_scan_type,
    struct detect_result *r)
{
	struct facts f;
	struct dojobridge_call call = { r, fd, NULL, name, 0, "" };
	const struct loaded *winner = NULL;
	const struct dojobridge_scan_type *st = NULL;
	char err[256];

	memset(r, 0, sizeof *r);
	r->parser_reads_dates = -1;
	if (facts_read(&f, fd, name, err, sizeof err) < 0) {
		r->status = DETECT_ERROR;
		snprintf(r->error, sizeof r->error, "cannot read the report: %s", err);
		return -1;
	}
	r->kind = f.pub.kind;
	r->cands = xcalloc(d->n ? d->n : 1, sizeof *r->cands);
	for (size_t i = 0; i < d->n; i++) {
		struct dojobridge_verdict v = { 0, NULL, NULL };
		const struct loaded *l = &d->v[i];

		call.plugin = l->p.name;
		if (l->p.probe(&host_table, &call, &f.pub, &v) < 0 || v.score <= 0)
			continue;
		if (v.scan_type == NULL || declared(&l->p, v.scan_type) == NULL) {
			log_warnx("plugin %s: probe answered an undeclared scan type; ignored", l->p.name);
			continue;
		}
		if (v.score > 100)
			v.score = 100;
		r->cands[r->ncands].scan_type = v.scan_type;
		r->cands[r->ncands].plugin = l->p.name;
		r->cands[r->ncands].score = v.score;
		r->cands[r->ncands].upload_ext = v.upload_ext;
		r->ncands++;
	}
	qsort(r->cands, r->ncands, sizeof *r->cands, by_score);

	if (forced_scan_type != NULL) {
		r->status = DETECT_DETECTED;
		r->scan_type = NULL;
		for (size_t i = 0; i < d->n && winner == NULL; i++)
			if ((st = declared(&d->v[i].p, forced_scan_type)) != NULL) {
				winner = &d->v[i];
				r->scan_type = st->name;
			}
		if (winner == NULL) {
			/* No plugin knows it: still uploadable, without metadata. */
			for (size_t i = 0; scantypes_all[i] != NULL; i++)
				if (strcmp(scantypes_all[i], forced_scan_type) == 0)
					r->scan_type = scantypes_all[i];
		}
	} else if (f.pub.kind == DOJOBRIDGE_KIND_EMPTY) {
		r->status = DETECT_EMPTY;
		snprintf(r->error, sizeof r->error, "the report has no content (empty, [], {} or null); "
		    "uploading it would close every open finding of its test");
	} else if (r->ncands == 0) {
		r->status = DETECT_UNKNOWN;
		snprintf(r->error, sizeof r->error, "no plugin recognises this file (%zu plugins asked); "
		    "set scan_type for its folder or in a sidecar %s.dojo.json", d->n, "<report>");
	} else {
		size_t tied = 1;

		for (size_t i = 1; i < r->ncands && r->cands[i].score == r->cands[0].score; i++)
			if (strcmp(r->cands[i].scan_type, r->cands[0].scan_type) != 0)
				tied++;
		r->score = r->cands[0].score;
		if (tied > 1) {
			struct strbuf sb = STRBUF_INIT;

			r->status = DETECT_AMBIGUOUS;
			for (size_t i = 0; i < r->ncands && r->cands[i].score == r->score; i++)
				strbuf_addf(&sb, "%s\"%s\" (%s)", i ? ", " : "", r->cands[i].scan_type,
				    r->cands[i].plugin);
			snprintf(r->error, sizeof r->error, "ambiguous: %s score %d alike; set scan_type "
			    "for its folder or in a sidecar to choose", sb.buf, r->score);
			strbuf_release(&sb);
		} else {
			r->status = DETECT_DETECTED;
			for (size_t i = 0; i < d->n; i++)
				if (strcmp(d->v[i].p.name, r->cands[0].plugin) == 0)
					winner = &d->v[i];
			r->scan_type = r->cands[0].scan_type;
			st = declared(&winner->p, r->scan_type);
		}
	}

	if (winner != NULL) {
		const struct detect_candidate *mine = NULL;

		r->plugin = winner->p.name;
		r->parser_reads_dates = st->parser_reads_dates ? 1 : 0;
		/* The winner's verdict for this scan type, if its probe recognised the file. */
		for (size_t i = 0; i < r->ncands && mine == NULL; i++)
			if (strcmp(r->cands[i].plugin, winner->p.name) == 0 &&
			    strcmp(r->cands[i].scan_type, r->scan_type) == 0)
				mine = &r->cands[i];
		r->score = mine ? mine->score : 0;
		/* A content-specific extension (Tenable: .nessus or .csv) wins over the type's default. */
		r->upload_ext = mine && mine->upload_ext ? mine->upload_ext : st->upload_ext;
		call.plugin = winner->p.name;
		/* A forced scan type on a file its plugin does not recognise: send it, read nothing from it. */
		if (winner->p.extract != NULL && mine != NULL) {
			call.extracting = 1;
			if (winner->p.extract(&host_table, &call, &f.pub, r->scan_type) < 0) {
				r->status = DETECT_ERROR;
				if (call.last_warning[0] != '\0')
					snprintf(r->error, sizeof r->error, "%s", call.last_warning);
				else
					snprintf(r->error, sizeof r->error, "plugin %s could not read this %s report",
					    winner->p.name, r->scan_type);
			}
		}
	}
	facts_release(&f);
	return r->status == DETECT_ERROR ? -1 : 0;
}

void
detect_result_release(struct detect_result *r)
{
	free(r->cands);
	free(r->scan_date);
	free(r->target);
	free(r->tool);
	free(r->tool_version);
	free(r->test_title);
	free(r->findings);
	memset(r, 0, sizeof *r);
}

const char *
detect_status_name(enum detect_status s)
{
	static const char *const names[] = { "detected", "ambiguous", "unknown", "empty", "error" };

	return names[s];
}

void
detect_route_report(const struct detect_result *r, const char *basename, struct route_report *rep)
{
	memset(rep, 0, sizeof *rep);
	rep->scan_type = r->scan_type;
	rep->target = r->target;
	rep->tool = r->tool;
	rep->suggested_title = r->test_title;
	rep->scan_date = r->scan_date;
	rep->parser_reads_dates = r->parser_reads_dates;
	rep->basename = basename;
	rep->upload_ext = r->upload_ext;
	rep->kind_is_xml = r->kind == DOJOBRIDGE_KIND_XML;
	rep->kind_is_json = r->kind == DOJOBRIDGE_KIND_JSON || r->kind == DOJOBRIDGE_KIND_JSONL;
	rep->kind_is_csv = r->kind == DOJOBRIDGE_KIND_CSV;
}

void
detect_result_json(const struct detect_result *r, const char *file, const char *upload_name,
    struct strbuf *out)
{
	strbuf_addstr(out, "{\"file\":");
	strbuf_add_json(out, file);
	strbuf_addf(out, ",\"status\":\"%s\",\"scan_type\":", detect_status_name(r->status));
	strbuf_add_json(out, r->scan_type);
	strbuf_addstr(out, ",\"plugin\":");
	strbuf_add_json(out, r->plugin);
	strbuf_addf(out, ",\"score\":%d,\"candidates\":[", r->score);
	for (size_t i = 0; i < r->ncands; i++) {
		strbuf_addstr(out, i ? ",{\"scan_type\":" : "{\"scan_type\":");
		strbuf_add_json(out, r->cands[i].scan_type);
		strbuf_addstr(out, ",\"plugin\":");
		strbuf_add_json(out, r->cands[i].plugin);
		strbuf_addf(out, ",\"score\":%d}", r->cands[i].score);
	}
	strbuf_addstr(out, "],\"scan_date\":");
	strbuf_add_json(out, r->scan_date);
	strbuf_addstr(out, ",\"target\":");
	strbuf_add_json(out, r->target);
	strbuf_addstr(out, ",\"tool\":");
	strbuf_add_json(out, r->tool);
	strbuf_addstr(out, ",\"tool_version\":");
	strbuf_add_json(out, r->tool_version);
	strbuf_addstr(out, ",\"test_title\":");
	strbuf_add_json(out, r->test_title);
	strbuf_addstr(out, ",\"upload_name\":");
	strbuf_add_json(out, upload_name);
	strbuf_addf(out, ",\"parser_reads_dates\":%s,\"error\":",
	    r->parser_reads_dates < 0 ? "null" : r->parser_reads_dates ? "true" : "false");
	strbuf_add_json(out, r->error[0] ? r->error : NULL);
	strbuf_addch(out, '}');
}
