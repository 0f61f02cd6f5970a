/*
 * The plugin host: loads plugins only after checking who may have written
 * them, gives every probe the same precomputed facts, and runs the winner's
 * extract with bounded XML/JSON readers behind the host function table.
 */
#include "detect.h"
#include "datefmt.h"
#include "facts.h"
#include "jsonnum.h"
#include "jsonscan.h"
#include "log.h"
#include "sandbox.h"
#include "scantypes.h"
#include "xmem.h"
#include "xmlscan.h"
#include "zipscan.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <dlfcn.h>
#include <fnmatch.h>
#include <strings.h>
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

/* A [signature] section, copied, with the name it answers under. */
struct sig {
	struct conf_signature def;
	char *label;			/* "signature NAME" */
};

struct detect {
	struct loaded *v;
	size_t n;
	struct sig *sigs;
	size_t nsigs;
	char *path;			/* where the plugins came from, for the workers */
	struct sandbox *sandbox;	/* NULL: plugins run in this process */
	char *progress;			/* shared with the parent when this is a worker */
	size_t progress_len;
};

/* Tell a watching parent which code is about to run on the report. */
static void
progress(const struct detect *d, const char *phase, const char *plugin)
{
	if (d->progress != NULL)
		snprintf(d->progress, d->progress_len, "%s%s%s", phase, plugin ? " " : "",
		    plugin ? plugin : "");
}

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

static long
host_zip_read(struct dojobridge_call *call, const char *member, void *buf, size_t n)
{
	char err[256];

	if (member == NULL || buf == NULL)
		return -1;
	return zipscan_read(call->fd, member, buf, n, err, sizeof err);
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
	.zip_read = host_zip_read,
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
	d->path = xstrdup(path);
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
	detect_set_signatures(d, NULL, 0);
	sandbox_free(d->sandbox);
	free(d->v);
	free(d->path);
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
	if (x->alternative != y->alternative)
		return x->alternative - y->alternative;
	return strcmp(x->plugin, y->plugin);
}

static void
add_candidate(struct detect_result *r, const char *scan_type, const char *plugin, int score,
    const char *upload_ext, int alternative, int mainstream)
{
	struct detect_candidate *c = &r->cands[r->ncands++];

	c->scan_type = scan_type;
	c->plugin = plugin;
	c->score = score;
	c->upload_ext = upload_ext;
	c->alternative = alternative;
	c->mainstream = mainstream;
}

/*
 * Settle the top-scoring group cands[0..top): prefer's first name among
 * them wins; else one scan type alone wins; else a verdict that says it is
 * the mainstream reading of its own alternatives wins; else ambiguous.
 * Returns the winning candidate, or NULL (ambiguous).
 */
static const struct detect_candidate *
settle(const struct detect_result *r, size_t top, const char *prefer)
{
	const struct detect_candidate *primary = NULL, *mainstream = NULL;
	size_t distinct = 0, primaries = 0;

	for (const char *p = prefer; p != NULL && *p != '\0'; ) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		for (size_t i = 0; i < top; i++)
			if (strlen(r->cands[i].scan_type) == n && memcmp(r->cands[i].scan_type, p, n) == 0)
				return &r->cands[i];
		p = end ? end + 1 : NULL;
	}
	for (size_t i = 0; i < top; i++) {
		size_t j;

		for (j = 0; j < i && strcmp(r->cands[j].scan_type, r->cands[i].scan_type) != 0; j++)
			;
		distinct += j == i;
		if (r->cands[i].alternative)
			continue;
		/* Primaries that agree on one scan type count once. */
		if (primary == NULL || strcmp(primary->scan_type, r->cands[i].scan_type) != 0)
			primaries++;
		if (primary == NULL)
			primary = &r->cands[i];
		if (r->cands[i].mainstream && mainstream == NULL)
			mainstream = &r->cands[i];
	}
	if (distinct == 1)
		return &r->cands[0];
	if (primaries == 1 && mainstream != NULL)
		return mainstream;
	return NULL;
}

static int detect_here(struct detect *d, int fd, const char *name, const char *forced_scan_type,
    const char *prefer, struct detect_result *r);

static char **
copy_list(char *const *v)
{
	size_t n = 0;
	char **c;

	if (v == NULL)
		return NULL;
	while (v[n] != NULL)
		n++;
	c = xcalloc(n + 1, sizeof *c);
	for (size_t i = 0; i < n; i++)
		c[i] = xstrdup(v[i]);
	return c;
}

void
detect_set_signatures(struct detect *d, const struct conf_signature *v, size_t n)
{
	for (size_t i = 0; i < d->nsigs; i++) {
		conf_signature_release(&d->sigs[i].def);
		free(d->sigs[i].label);
	}
	free(d->sigs);
	d->sigs = NULL;
	d->nsigs = 0;
	if (n == 0)
		return;
	d->sigs = xcalloc(n, sizeof *d->sigs);
	for (size_t i = 0; i < n; i++) {
		struct conf_signature *g = &d->sigs[i].def;

		/* Only a known scan type may ever come out of detection. */
		if (v[i].scan_type == NULL || !scantypes_known(v[i].scan_type))
			continue;
		g->name = xstrdup(v[i].name);
		g->scan_type = xstrdup(v[i].scan_type);
		g->xml_root = xstrdup(v[i].xml_root);
		g->xml_ns = xstrdup(v[i].xml_ns);
		g->json_keys = copy_list(v[i].json_keys);
		g->csv_header = copy_list(v[i].csv_header);
		g->file_name = xstrdup(v[i].file_name);
		g->score = v[i].score < 1 ? 1 : v[i].score > 100 ? 100 : v[i].score;
		g->defined_at = xstrdup(v[i].defined_at);
		d->sigs[d->nsigs++].label = xasprintf("signature %s", v[i].name);
	}
}

static void
add_json_list(struct strbuf *sb, const char *key, char *const *v)
{
	strbuf_addf(sb, ",\"%s\":", key);
	if (v == NULL) {
		strbuf_addstr(sb, "null");
		return;
	}
	strbuf_addch(sb, '[');
	for (size_t i = 0; v[i] != NULL; i++) {
		if (i)
			strbuf_addch(sb, ',');
		strbuf_add_json(sb, v[i]);
	}
	strbuf_addch(sb, ']');
}

char *
detect_signatures_json(const struct detect *d)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addch(&sb, '[');
	for (size_t i = 0; i < d->nsigs; i++) {
		const struct conf_signature *g = &d->sigs[i].def;

		strbuf_addstr(&sb, i ? ",{\"name\":" : "{\"name\":");
		strbuf_add_json(&sb, g->name);
#define S(k, v) do { strbuf_addstr(&sb, ",\"" k "\":"); strbuf_add_json(&sb, v); } while (0)
		S("scan_type", g->scan_type);
		S("xml_root", g->xml_root);
		S("xml_ns", g->xml_ns);
		S("file_name", g->file_name);
		S("defined_at", g->defined_at);
#undef S
		add_json_list(&sb, "json_keys", g->json_keys);
		add_json_list(&sb, "csv_header", g->csv_header);
		strbuf_addf(&sb, ",\"score\":%d}", g->score);
	}
	strbuf_addch(&sb, ']');
	return strbuf_detach(&sb);
}

static char *
json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static char **
json_list(const cJSON *o, const char *key)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key);
	char **v;
	size_t n = 0;

	if (!cJSON_IsArray(a))
		return NULL;
	v = xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *v);
	for (const cJSON *e = a->child; e != NULL; e = e->next)
		if (cJSON_IsString(e))
			v[n++] = e->valuestring;
	return v;
}

int
detect_signatures_from_json(struct detect *d, const char *json)
{
	cJSON *a = cJSON_Parse(json);
	struct conf_signature *v;
	size_t n = 0;

	if (!cJSON_IsArray(a)) {
		cJSON_Delete(a);
		return -1;
	}
	v = xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *v);
	for (const cJSON *o = a->child; o != NULL; o = o->next) {
		const cJSON *score = cJSON_GetObjectItemCaseSensitive(o, "score");

		v[n].name = json_str(o, "name");
		v[n].scan_type = json_str(o, "scan_type");
		v[n].xml_root = json_str(o, "xml_root");
		v[n].xml_ns = json_str(o, "xml_ns");
		v[n].file_name = json_str(o, "file_name");
		v[n].defined_at = json_str(o, "defined_at");
		v[n].json_keys = json_list(o, "json_keys");
		v[n].csv_header = json_list(o, "csv_header");
		v[n].score = json_is_integer(score) ? (int)json_llong(score, 90) : 90;
		if (v[n].name != NULL)
			n++;
	}
	detect_set_signatures(d, v, n);
	for (size_t i = 0; i < n; i++) {
		free(v[i].json_keys);
		free(v[i].csv_header);
	}
	free(v);
	cJSON_Delete(a);
	return 0;
}

const char *
detect_source_name(const struct detect *d, const char *name)
{
	for (size_t i = 0; name != NULL && i < d->n; i++)
		if (strcmp(d->v[i].p.name, name) == 0)
			return d->v[i].p.name;
	for (size_t i = 0; name != NULL && i < d->nsigs; i++)
		if (strcmp(d->sigs[i].label, name) == 0)
			return d->sigs[i].label;
	return NULL;
}

/* Does the file meet every condition of signature g? */
static int
signature_matches(const struct conf_signature *g, const struct dojobridge_facts *facts)
{
	if (g->xml_root != NULL && (facts->kind != DOJOBRIDGE_KIND_XML ||
	    strcmp(facts->xml_root, g->xml_root) != 0 ||
	    (g->xml_ns != NULL && strcmp(facts->xml_ns, g->xml_ns) != 0)))
		return 0;
	if (g->json_keys != NULL) {
		if (facts->kind != DOJOBRIDGE_KIND_JSON && facts->kind != DOJOBRIDGE_KIND_JSONL)
			return 0;
		for (size_t i = 0; g->json_keys[i] != NULL; i++)
			if (!dojobridge_has(facts->json_keys, g->json_keys[i]) &&
			    !dojobridge_has(facts->json_elem_keys, g->json_keys[i]))
				return 0;
	}
	if (g->csv_header != NULL) {
		if (facts->kind != DOJOBRIDGE_KIND_CSV)
			return 0;
		for (size_t i = 0; g->csv_header[i] != NULL; i++) {
			const char *const *h;

			for (h = facts->csv_header; *h != NULL; h++)
				if (strcasecmp(*h, g->csv_header[i]) == 0)
					break;
			if (*h == NULL)
				return 0;
		}
	}
	if (g->file_name != NULL && fnmatch(g->file_name, facts->name, 0) != 0)
		return 0;
	return 1;
}

int
detect_use_sandbox(struct detect *d, const struct sandbox_opts *o, char *err, size_t errlen)
{
	struct sandbox *fresh = NULL;

	/* A failure keeps what was there: never fall back to running plugins here. */
	if (o != NULL) {
		char *setup = detect_signatures_json(d);

		fresh = sandbox_new(d->path, setup, o, err, errlen);
		free(setup);
		if (fresh == NULL)
			return -1;
	}
	sandbox_free(d->sandbox);
	d->sandbox = fresh;
	return 0;
}

void
detect_set_progress(struct detect *d, char *page, size_t len)
{
	d->progress = page;
	d->progress_len = len;
}

void
detect_files(struct detect *d, struct sandbox_job *jobs, size_t n)
{
	if (d->sandbox != NULL) {
		sandbox_run(d->sandbox, d, jobs, n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		detect_file(d, jobs[i].fd, jobs[i].name, jobs[i].forced_scan_type, jobs[i].prefer,
		    jobs[i].r);
}

int
detect_file(struct detect *d, int fd, const char *name, const char *forced_scan_type,
    const char *prefer, struct detect_result *r)
{
	if (d->sandbox != NULL) {
		struct sandbox_job job = { fd, name, forced_scan_type, prefer, r };

		sandbox_run(d->sandbox, d, &job, 1);
		return r->status == DETECT_ERROR ? -1 : 0;
	}
	return detect_here(d, fd, name, forced_scan_type, prefer, r);
}

/* Detection in this process: what a worker does, or everything with the sandbox off. */
static int
detect_here(struct detect *d, int fd, const char *name, const char *forced_scan_type,
    const char *prefer, struct detect_result *r)
{
	struct facts f;
	struct dojobridge_call call = { r, fd, NULL, name, 0, "" };
	const struct loaded *winner = NULL;
	const struct dojobridge_scan_type *st = NULL;
	size_t max = 1;
	char err[256];

	memset(r, 0, sizeof *r);
	r->parser_reads_dates = -1;
	progress(d, "facts", NULL);
	if (facts_read(&f, fd, name, err, sizeof err) < 0) {
		r->status = DETECT_ERROR;
		snprintf(r->error, sizeof r->error, "cannot read the report: %s", err);
		return -1;
	}
	r->kind = f.pub.kind;
	if (f.too_deep) {
		r->status = DETECT_ERROR;
		snprintf(r->error, sizeof r->error, "the XML report nests its elements more than 256 "
		    "levels deep, which no scanner writes: a hostile or broken file");
		facts_release(&f);
		return -1;
	}
	/* Half a report would reimport as "these findings are gone": never take one. */
	if (f.cut_short) {
		r->status = DETECT_ERROR;
		if (f.pub.kind == DOJOBRIDGE_KIND_XML)
			snprintf(r->error, sizeof r->error, "the report is cut short: it ends before its "
			    "root element <%.100s> closes (still being written, or damaged)", f.pub.xml_root);
		else
			snprintf(r->error, sizeof r->error, "the report is cut short: it ends before its "
			    "JSON %s closes (still being written, or damaged)",
			    f.pub.kind == DOJOBRIDGE_KIND_JSONL ? "lines" : "value");
		facts_release(&f);
		return -1;
	}
	for (size_t i = 0; i < d->n; i++)
		for (const struct dojobridge_scan_type *t = d->v[i].p.scan_types; t->name; t++)
			max++;
	max += d->nsigs;
	r->cands = xcalloc(max, sizeof *r->cands);
	for (size_t i = 0; i < d->n; i++) {
		struct dojobridge_verdict v;
		const struct loaded *l = &d->v[i];
		size_t first = r->ncands;

		memset(&v, 0, sizeof v);
		call.plugin = l->p.name;
		progress(d, "probe", l->p.name);
		if (l->p.probe(&host_table, &call, &f.pub, &v) < 0 || v.score <= 0)
			continue;
		if (v.scan_type == NULL || declared(&l->p, v.scan_type) == NULL) {
			log_warnx("plugin %s: probe answered an undeclared scan type; ignored", l->p.name);
			continue;
		}
		if (v.score > 100)
			v.score = 100;
		/* Only an extension DefectDojo accepts may name the upload. */
		if (v.upload_ext != NULL && (v.upload_ext[0] != '.' || strlen(v.upload_ext) > 16 ||
		    strchr(v.upload_ext, '/') != NULL || scantypes_allowed_ext(v.upload_ext) == NULL)) {
			log_warnx("plugin %s: probe answered upload extension \"%.16s\", which DefectDojo "
			    "does not accept; ignored", l->p.name, v.upload_ext);
			v.upload_ext = NULL;
		}
		add_candidate(r, v.scan_type, l->p.name, v.score, v.upload_ext, 0, v.mainstream);
		for (size_t a = 0; v.alternatives != NULL && v.alternatives[a] != NULL; a++) {
			const struct dojobridge_scan_type *alt = declared(&l->p, v.alternatives[a]);
			size_t k;

			for (k = first; k < r->ncands && alt && strcmp(r->cands[k].scan_type, alt->name); k++)
				;
			if (alt == NULL)
				log_warnx("plugin %s: probe named an undeclared alternative; ignored", l->p.name);
			else if (k == r->ncands && r->ncands < max)
				add_candidate(r, alt->name, l->p.name, v.score, NULL, 1, 0);
		}
	}
	for (size_t i = 0; i < d->nsigs; i++) {
		const struct conf_signature *g = &d->sigs[i].def;
		const char *type = NULL;

		for (size_t k = 0; scantypes_all[k] != NULL && type == NULL; k++)
			if (strcmp(scantypes_all[k], g->scan_type) == 0)
				type = scantypes_all[k];
		progress(d, "signature", NULL);
		if (type != NULL && signature_matches(g, &f.pub) && r->ncands < max)
			add_candidate(r, type, d->sigs[i].label, g->score, NULL, 0, 0);
	}
	qsort(r->cands, r->ncands, sizeof *r->cands, by_score);

	if (forced_scan_type != NULL) {
		r->status = DETECT_DETECTED;
		r->scan_type = NULL;
		/* The plugin that recognised the file as that type, else the first that declares it. */
		for (size_t k = 0; k < r->ncands && winner == NULL; k++)
			for (size_t i = 0; i < d->n && winner == NULL; i++)
				if (strcmp(r->cands[k].scan_type, forced_scan_type) == 0 &&
				    strcmp(r->cands[k].plugin, d->v[i].p.name) == 0 &&
				    (st = declared(&d->v[i].p, forced_scan_type)) != NULL) {
					winner = &d->v[i];
					r->scan_type = st->name;
				}
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
		snprintf(r->error, sizeof r->error, "no plugin recognises this file; set scan_type "
		    "for its folder or in a sidecar <report>.dojo.json");
	} else {
		size_t top = 1;
		const struct detect_candidate *won;

		while (top < r->ncands && r->cands[top].score == r->cands[0].score)
			top++;
		r->score = r->cands[0].score;
		if ((won = settle(r, top, prefer)) == NULL) {
			struct strbuf sb = STRBUF_INIT;

			r->status = DETECT_AMBIGUOUS;
			for (size_t i = 0; i < top; i++) {
				size_t j;

				for (j = 0; j < i && strcmp(r->cands[j].scan_type, r->cands[i].scan_type); j++)
					;
				if (j == i)
					strbuf_addf(&sb, "%s\"%s\"", sb.len ? ", " : "", r->cands[i].scan_type);
			}
			snprintf(r->error, sizeof r->error, "DefectDojo reads this format as any of %s; "
			    "set prefer = one of them (or scan_type) for its folder, or scan_type in a "
			    "sidecar", sb.buf);
			strbuf_release(&sb);
		} else {
			r->status = DETECT_DETECTED;
			for (size_t i = 0; i < d->n; i++)
				if (strcmp(d->v[i].p.name, won->plugin) == 0)
					winner = &d->v[i];
			r->scan_type = won->scan_type;
			if (winner != NULL) {
				st = declared(&winner->p, r->scan_type);
			} else {
				/* A [signature]: what a plugin says of the type, without reading more. */
				r->plugin = won->plugin;
				r->score = won->score;
				for (size_t i = 0; i < d->n && st == NULL; i++)
					st = declared(&d->v[i].p, r->scan_type);
				r->upload_ext = st ? st->upload_ext : NULL;
				r->parser_reads_dates = st ? (st->parser_reads_dates ? 1 : 0) : -1;
			}
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
			progress(d, "extract", winner->p.name);
			if (winner->p.extract(&host_table, &call, &f.pub, r->scan_type) < 0) {
				r->status = DETECT_ERROR;
				if (call.last_warning[0] != '\0')
					snprintf(r->error, sizeof r->error, "%s", call.last_warning);
				else
					snprintf(r->error, sizeof r->error, "plugin %s could not read this %s report",
					    winner->p.name, r->scan_type);
			} else if (forced_scan_type == NULL && r->findings != NULL &&
			    strcmp(r->findings, "0") == 0) {
				r->status = DETECT_EMPTY;
				snprintf(r->error, sizeof r->error, "the %s report lists no findings; "
				    "uploading it would close every open finding of its test", r->scan_type);
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
