/*
 * The Report Builder commands.  apply reads a spec, checks it against the
 * server's own vocabulary (OpenAPI query parameters, field_options) and
 * what the server holds, then sends the few writes that make the server
 * match, reading each block back; run starts a generated report, waits for
 * it and saves the file into a directory without ever leaving half of it.
 */
#include "report.h"
#include "jsonnum.h"
#include "http.h"
#include "log.h"
#include "reportspec.h"
#include "sha256.h"
#include "strbuf.h"
#include "xmem.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Caps on what the server may send: none of these answers is ever near them. */
#define OBJ_MAX		(1u << 20)
#define PAGE_MAX	(8u << 20)
#define SCHEMA_MAX	(64u << 20)
#define DOWNLOAD_MAX	(2ULL << 30)
#define PAGE_SIZE	100
/* A cached schema older than this is fetched again. */
#define SCHEMA_MAX_AGE_S (24 * 3600)

/* One run's connection to the server, and the error that ended it. */
struct ctx {
	struct http *h;
	const char *url;
	char *err;
	size_t errlen;
	int rc;
	long status;		/* of the last request, 0 if none came */
};

/* Where the filters of each block model come from: its list endpoint's GET parameters. */
static const struct {
	const char *model, *path, *older;
} model_paths[] = {
	{ "finding", "/api/v2/findings/", NULL },
	{ "test", "/api/v2/tests/", NULL },
	{ "engagement", "/api/v2/engagements/", NULL },
	/* Assets and organizations were products and product types before. */
	{ "asset", "/api/v2/assets/", "/api/v2/products/" },
	{ "organization", "/api/v2/organizations/", "/api/v2/product_types/" },
	{ "test_type", "/api/v2/test_types/", NULL },
	{ "risk_acceptance", "/api/v2/risk_acceptance/", NULL },
	{ NULL, NULL, NULL }
};

static int
fail(struct ctx *x, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
fail(struct ctx *x, int rc, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(x->err, x->errlen, "%s", msg);
	x->rc = rc;
	return -1;
}

/* Put what names the object in front of the error a request left. */
static int
fail_about(struct ctx *x, const char *what)
{
	char *old = xstrdup(x->err);

	snprintf(x->err, x->errlen, "%s: %s", what, old);
	free(old);
	return -1;
}

static const char *
jstr(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static long
jid(const cJSON *v)
{
	if (cJSON_IsNumber(v) && v->valuedouble >= 1 && v->valuedouble < 1e15)
		return (long)v->valuedouble;
	if (cJSON_IsObject(v))
		return jid(cJSON_GetObjectItemCaseSensitive(v, "id"));
	return 0;
}

static long
jnum(const cJSON *obj, const char *key)
{
	return jid(cJSON_GetObjectItemCaseSensitive(obj, key));
}

/* A scalar as the text DefectDojo compares: strings as they are, true/false, numbers. */
static char *
jtext(const cJSON *v)
{
	if (cJSON_IsString(v))
		return xstrdup(v->valuestring);
	if (cJSON_IsBool(v))
		return xstrdup(cJSON_IsTrue(v) ? "true" : "false");
	if (cJSON_IsNumber(v))
		return xasprintf("%.17g", v->valuedouble);
	return xstrdup("");
}

static const char *
safe(const char *s, char *buf, size_t n)
{
	return escape_name(s ? s : "", buf, n);
}

/*
 * One request; the parsed JSON answer (an empty object for an empty one),
 * or NULL with x->err and x->rc set.
 */
static cJSON *
api(struct ctx *x, const char *method, const char *path, const cJSON *body, size_t max)
{
	struct http_answer a;
	char *text = body ? cJSON_PrintUnformatted(body) : NULL;
	cJSON *root = NULL;
	int rc = http_request(x->h, method, path, text, max, &a);

	cJSON_free(text);
	x->status = a.status;
	if (rc < 0)
		fail(x, a.outcome == HTTP_FAILED ? REPORT_FAILED : REPORT_UNREACHABLE, "%s%s%s", a.message,
		    a.hint[0] ? "; " : "", a.hint);
	else if (a.len == 0)
		root = cJSON_CreateObject();
	else if ((root = cJSON_ParseWithLength(a.body, a.len)) == NULL)
		fail(x, REPORT_FAILED, "%s %s: HTTP %ld: the answer is not JSON; check that [dojo] url "
		    "points at DefectDojo", method, path, a.status);
	http_answer_release(&a);
	return root;
}

/* Every object of a paginated collection ({count, next, previous, results}), by limit and offset. */
static cJSON *
list_all(struct ctx *x, const char *path)
{
	cJSON *all = cJSON_CreateArray();
	long offset = 0;

	for (;;) {
		char *p = xasprintf("%s?limit=%d&offset=%ld", path, PAGE_SIZE, offset);
		cJSON *page = api(x, "GET", p, NULL, PAGE_MAX), *results, *it;
		long count;
		int n = 0, more;

		free(p);
		if (page == NULL) {
			if (x->status == 404) {
				char *old = xstrdup(x->err);

				snprintf(x->err, x->errlen, "%s; this server has no Report Builder API (a "
				    "DefectDojo Pro feature), or [dojo] url is not DefectDojo's base URL", old);
				free(old);
			}
			cJSON_Delete(all);
			return NULL;
		}
		results = cJSON_GetObjectItemCaseSensitive(page, "results");
		if (!cJSON_IsArray(results)) {
			cJSON_Delete(page);
			cJSON_Delete(all);
			fail(x, REPORT_FAILED, "GET %s: the answer is not a page of results", path);
			return NULL;
		}
		while ((it = cJSON_DetachItemFromArray(results, 0)) != NULL) {
			cJSON_AddItemToArray(all, it);
			n++;
		}
		more = cJSON_IsString(cJSON_GetObjectItemCaseSensitive(page, "next"));
		count = json_long(cJSON_GetObjectItemCaseSensitive(page, "count"), -1);
		cJSON_Delete(page);
		offset += n;
		/* Our own offsets, not the "next" URL: its host is whatever the server thinks it is. */
		if (n == 0 || !more || (count >= 0 && offset >= count))
			break;
	}
	return all;
}

/* The object of list called name, NULL if none; *count says how many have the name. */
static cJSON *
find_named(const cJSON *list, const char *name, int *count)
{
	cJSON *it, *found = NULL;

	*count = 0;
	cJSON_ArrayForEach(it, list) {
		const char *n = jstr(it, "name");

		if (n && strcmp(n, name) == 0) {
			if (found == NULL)
				found = it;
			(*count)++;
		}
	}
	return found;
}

static void
ids_of(const cJSON *list, const char *name, char *out, size_t outlen)
{
	const cJSON *it;
	size_t used = 0;

	out[0] = '\0';
	cJSON_ArrayForEach(it, list) {
		const char *n = jstr(it, "name");

		if (n && strcmp(n, name) == 0 && used < outlen)
			used += (size_t)snprintf(out + used, outlen - used, "%s%ld", used ? ", " : "",
			    jnum(it, "id"));
	}
}

/* --- the server's vocabulary ------------------------------------------------ */

/* $XDG_CACHE_HOME/dojobridge/schema-<url hash>.json, or NULL when there is no cache directory. */
static char *
schema_cache_path(const char *url)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	struct sha256 c;
	char hex[65];

	sha256_init(&c);
	sha256_update(&c, url, strlen(url));
	sha256_hex(&c, hex);
	hex[16] = '\0';
	/* The XDG rules: a relative path there is to be ignored. */
	if (xdg && xdg[0] == '/')
		return xasprintf("%s/dojobridge/schema-%s.json", xdg, hex);
	if (home && home[0] == '/')
		return xasprintf("%s/.cache/dojobridge/schema-%s.json", home, hex);
	return NULL;
}

/* mkdir -p of path's parent, private to the user. */
static int
make_parent(const char *path)
{
	char *dir = xstrdup(path), *p;
	int rc = 0;

	if ((p = strrchr(dir, '/')) != NULL)
		*p = '\0';
	for (p = dir + 1; rc == 0; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		{
			char keep = *p;

			*p = '\0';
			if (mkdir(dir, 0700) < 0 && errno != EEXIST)
				rc = -1;
			*p = keep;
		}
		if (*p == '\0')
			break;
	}
	free(dir);
	return rc;
}

static cJSON *
load_cache(const char *file, const char *url)
{
	struct stat st;
	char *text = NULL;
	cJSON *doc = NULL;
	FILE *fp;

	if (file == NULL || (fp = fopen(file, "re")) == NULL)
		return NULL;
	if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) && st.st_size < (off_t)SCHEMA_MAX &&
	    time(NULL) - st.st_mtime < SCHEMA_MAX_AGE_S) {
		text = xmalloc((size_t)st.st_size + 1);
		if (fread(text, 1, (size_t)st.st_size, fp) == (size_t)st.st_size) {
			text[st.st_size] = '\0';
			doc = cJSON_Parse(text);
		}
	}
	fclose(fp);
	free(text);
	if (doc && (!jstr(doc, "url") || strcmp(jstr(doc, "url"), url) != 0 ||
	    !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(doc, "params")))) {
		cJSON_Delete(doc);
		doc = NULL;
	}
	return doc;
}

static void
save_cache(const char *file, const cJSON *doc)
{
	char *tmp, *text;
	int fd;
	size_t len;

	if (file == NULL)
		return;
	tmp = xasprintf("%s.XXXXXX", file);
	if (make_parent(file) < 0 || (fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		log_warn("report: cannot write the schema cache %s", file);
		free(tmp);
		return;
	}
	text = cJSON_PrintUnformatted(doc);
	len = strlen(text);
	/* Only a whole copy may take the cache's name. */
	if (write(fd, text, len) != (ssize_t)len || close(fd) < 0 || rename(tmp, file) < 0) {
		log_warn("report: cannot write the schema cache %s", file);
		unlink(tmp);
	} else {
		log_debug("report: schema cached in %s", file);
	}
	cJSON_free(text);
	free(tmp);
}

/* The query parameters of path's GET in the OpenAPI document: {name: {type, enum?}}. */
static cJSON *
params_of(const cJSON *paths, const char *path)
{
	const cJSON *get = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(paths, path),
	    "get");
	const cJSON *p;
	cJSON *out;

	if (get == NULL)
		return NULL;
	out = cJSON_CreateObject();
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(get, "parameters")) {
		const char *name = jstr(p, "name"), *in = jstr(p, "in");
		const cJSON *schema = cJSON_GetObjectItemCaseSensitive(p, "schema");
		const char *type = jstr(schema, "type");
		const cJSON *en = cJSON_GetObjectItemCaseSensitive(schema, "enum");
		cJSON *one;

		if (name == NULL || in == NULL || strcmp(in, "query") != 0)
			continue;
		if (en == NULL)
			en = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(schema, "items"),
			    "enum");
		one = cJSON_CreateObject();
		cJSON_AddStringToObject(one, "type", type ? type : "string");
		if (cJSON_IsArray(en))
			cJSON_AddItemToObject(one, "enum", cJSON_Duplicate(en, 1));
		cJSON_AddItemToObject(out, name, one);
	}
	return out;
}

/* Fetch the schema and keep what apply needs: the query parameters of the models' endpoints. */
static cJSON *
fetch_schema(struct ctx *x)
{
	cJSON *full = api(x, "GET", "/api/v2/oa3/schema/?format=json", NULL, SCHEMA_MAX);
	const cJSON *paths = cJSON_GetObjectItemCaseSensitive(full, "paths");
	const char *version = jstr(cJSON_GetObjectItemCaseSensitive(full, "info"), "version");
	cJSON *doc, *params;

	if (full == NULL)
		return NULL;
	if (!cJSON_IsObject(paths)) {
		cJSON_Delete(full);
		fail(x, REPORT_FAILED, "GET /api/v2/oa3/schema/: the answer is no OpenAPI document");
		return NULL;
	}
	doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "url", x->url);
	cJSON_AddStringToObject(doc, "version", version ? version : "unknown");
	params = cJSON_AddObjectToObject(doc, "params");
	for (size_t i = 0; model_paths[i].model; i++) {
		const char *both[2] = { model_paths[i].path, model_paths[i].older };

		for (int k = 0; k < 2; k++) {
			cJSON *p = both[k] ? params_of(paths, both[k]) : NULL;

			if (p)
				cJSON_AddItemToObject(params, both[k], p);
		}
	}
	log_info("report: read the query parameters of DefectDojo %s's endpoints from its schema",
	    version ? version : "(unknown version)");
	cJSON_Delete(full);
	return doc;
}

/*
 * The GET parameters of model's list endpoint, or NULL when the model has
 * none dojobridge knows (*path is then NULL too).
 */
static const cJSON *
model_params(const cJSON *schema, const char *model, const char **path)
{
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(schema, "params");

	*path = NULL;
	for (size_t i = 0; model_paths[i].model; i++) {
		const cJSON *p;

		if (strcmp(model_paths[i].model, model) != 0)
			continue;
		if ((p = cJSON_GetObjectItemCaseSensitive(params, model_paths[i].path)) != NULL) {
			*path = model_paths[i].path;
			return p;
		}
		if (model_paths[i].older &&
		    (p = cJSON_GetObjectItemCaseSensitive(params, model_paths[i].older)) != NULL) {
			*path = model_paths[i].older;
			return p;
		}
		*path = model_paths[i].path;
		return NULL;
	}
	return NULL;
}

/* Levenshtein distance of two short names, to suggest the parameter meant. */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[65];

	if (la > 64 || lb > 64)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

static const char *
closest(const cJSON *params, const char *name)
{
	const cJSON *it;
	const char *best = NULL;
	size_t bestd = 3;

	cJSON_ArrayForEach(it, params) {
		size_t d = distance(name, it->string);

		if (d < bestd && strcmp(it->string, "limit") != 0 && strcmp(it->string, "offset") != 0) {
			bestd = d;
			best = it->string;
		}
	}
	return best;
}

static int
in_enum(const cJSON *en, const char *v)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, en)
		if (cJSON_IsString(it) && strcmp(it->valuestring, v) == 0)
			return 1;
	return 0;
}

/* Why value does not fit the parameter's declared type, or NULL. */
static const char *
value_problem(const cJSON *param, const char *value)
{
	const char *type = jstr(param, "type");
	const cJSON *en = cJSON_GetObjectItemCaseSensitive(param, "enum");
	char *end;

	if (type == NULL)
		return NULL;
	if (strcmp(type, "boolean") == 0 && strcmp(value, "true") != 0 && strcmp(value, "false") != 0)
		return "takes a boolean: the string true or false";
	if (strcmp(type, "integer") == 0) {
		const char *p = value + (value[0] == '-');

		if (*p == '\0' || strspn(p, "0123456789") != strlen(p))
			return "takes a whole number (an id, say)";
	}
	if (strcmp(type, "number") == 0) {
		errno = 0;
		strtod(value, &end);
		if (*value == '\0' || *end != '\0' || errno)
			return "takes a number (as a string, e.g. \"1\")";
	}
	if (cJSON_IsArray(en) && strcmp(type, "array") == 0) {
		char *copy = xstrdup(value), *save = NULL;
		int bad = 0;

		for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save))
			bad |= !in_enum(en, item);
		free(copy);
		if (bad)
			return "takes values from the list the schema gives for it";
	} else if (cJSON_IsArray(en) && !in_enum(en, value)) {
		return "takes one of the values the schema lists for it";
	}
	return NULL;
}

/* The entries of a field_options list as paths: a string, or an object's "path" (or "field"). */
static const char *
option_path(const cJSON *e)
{
	if (cJSON_IsString(e))
		return e->valuestring;
	if (jstr(e, "path"))
		return jstr(e, "path");
	if (jstr(e, "field"))
		return jstr(e, "field");
	return jstr(e, "value");
}

static const cJSON *
find_option(const cJSON *list, const char *path)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, list) {
		const char *p = option_path(e);

		if (p && strcmp(p, path) == 0)
			return e;
	}
	return NULL;
}

/* 1 if a column may go in this block type (some are for detail blocks only). */
static int
column_fits(const cJSON *option, const char *block_type)
{
	const cJSON *types = cJSON_GetObjectItemCaseSensitive(option, "block_types");

	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(option, "detail_only")))
		return strcmp(block_type, "detail") == 0;
	if (cJSON_IsArray(types))
		return in_enum(types, block_type);
	return 1;
}

/*
 * Check every filter and column of s against the server's schema and
 * field_options.  With quiet, only count the filter fields the schema does
 * not know (to tell whether a cached schema is out of date).  Returns the
 * number of problems, each logged unless quiet.
 */
static int
check_vocab(const struct reportspec *s, const cJSON *schema, const cJSON *options, int quiet)
{
	const cJSON *columns = cJSON_GetObjectItemCaseSensitive(options, "fields");
	const cJSON *orderings = cJSON_GetObjectItemCaseSensitive(options, "ordering_fields");
	char b1[300], b2[300];
	int errors = 0;

	for (size_t i = 0; i < s->nblocks; i++) {
		const struct reportspec_block *b = &s->blocks[i];
		const cJSON *params, *cols;
		const char *path;

		/* A block the offline checks refused has been reported already. */
		if (b->block_type == NULL || b->model_choice == NULL ||
		    (strcmp(b->block_type, "tabular") != 0 && strcmp(b->block_type, "detail") != 0))
			continue;
		params = model_params(schema, b->model_choice, &path);
		if (b->nfilters && params == NULL) {
			errors++;
			if (!quiet)
				log_errorx("%s: block \"%s\": filters on model %s cannot be checked: %s",
				    b->filters[0].where, b->name, b->model_choice, path ?
				    "the server's schema has no list endpoint for it" :
				    "dojobridge does not know which endpoint's parameters filter it");
		}
		for (size_t k = 0; params && k < b->nfilters; k++) {
			const struct reportspec_filter *f = &b->filters[k];
			const cJSON *param = cJSON_GetObjectItemCaseSensitive(params, f->field);
			const char *why, *near;

			if (f->refused)
				continue;
			if (param == NULL) {
				errors++;
				if (quiet)
					continue;
				near = closest(params, f->field);
				log_errorx("%s: block \"%s\": filter %s: not a query parameter of GET %s in the "
				    "server's schema, so DefectDojo would drop it without a word%s%s%s", f->where,
				    b->name, f->field, path, near ? " (did you mean " : "", near ? near : "",
				    near ? "?)" : "");
			} else if (!quiet && (why = value_problem(param, f->value)) != NULL) {
				errors++;
				log_errorx("%s: block \"%s\": filter %s = \"%s\": %s", f->where, b->name, f->field,
				    safe(f->value, b1, sizeof b1), why);
			}
		}
		if (quiet)
			continue;
		cols = cJSON_GetObjectItemCaseSensitive(columns, b->model_choice);
		if (!cJSON_IsArray(cols)) {
			errors++;
			log_errorx("%s: block \"%s\": the server offers no columns for model %s "
			    "(GET /api/v2/report_blocks/field_options/)", b->where, b->name, b->model_choice);
			continue;
		}
		for (size_t k = 0; k < b->nfields; k++) {
			const cJSON *opt = find_option(cols, b->fields[k]);

			if (opt == NULL) {
				errors++;
				log_errorx("%s: block \"%s\": column %s is not a field path the server offers "
				    "for model %s (GET /api/v2/report_blocks/field_options/)", b->fields_where,
				    b->name, safe(b->fields[k], b1, sizeof b1), b->model_choice);
			} else if (!column_fits(opt, b->block_type)) {
				errors++;
				log_errorx("%s: block \"%s\": column %s is for detail blocks only (long text)",
				    b->fields_where, b->name, safe(b->fields[k], b1, sizeof b1));
			}
		}
		if (b->ordering && b->ordering[0]) {
			const cJSON *ord = cJSON_GetObjectItemCaseSensitive(orderings, b->model_choice);
			const char *o = b->ordering + (b->ordering[0] == '-');

			if (cJSON_IsArray(ord) && find_option(ord, o) == NULL && find_option(ord, b->ordering) == NULL) {
				errors++;
				log_errorx("%s: block \"%s\": ordering %s is none of the server's ordering fields "
				    "for model %s", b->where, b->name, safe(b->ordering, b2, sizeof b2),
				    b->model_choice);
			}
		}
	}
	return errors;
}

/*
 * The schema's parameters, from the cache when it is recent and knows
 * every filter of the spec, else from the server (and cached).
 */
static cJSON *
server_schema(struct ctx *x, const struct reportspec *s, const cJSON *options, int refresh)
{
	char *file = schema_cache_path(x->url);
	cJSON *doc = refresh ? NULL : load_cache(file, x->url);

	if (doc && check_vocab(s, doc, options, 1) > 0) {
		log_info("report: a filter is unknown to the cached schema; reading the server's again");
		cJSON_Delete(doc);
		doc = NULL;
	}
	if (doc == NULL && (doc = fetch_schema(x)) != NULL)
		save_cache(file, doc);
	free(file);
	return doc;
}

/* --- comparing the spec with the server -------------------------------------- */

static int
same_text(const char *want, const cJSON *have)
{
	return strcmp(want, cJSON_IsString(have) ? have->valuestring : "") == 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Filter entries as sorted "field\x1fvalue" strings; caller frees with free_keys. */
static char **
filter_keys_server(const cJSON *list, size_t *n)
{
	char **keys = NULL;
	const cJSON *e;

	*n = 0;
	/* The macro tests cJSON_IsArray(list) twice; the analyser thinks the two may differ. */
	/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
	cJSON_ArrayForEach(e, (cJSON_IsArray(list) ? list : NULL)) {
		char *v = jtext(cJSON_GetObjectItemCaseSensitive(e, "value"));
		const char *f = jstr(e, "field");

		keys = xrealloc(keys, (*n + 1) * sizeof *keys);
		keys[(*n)++] = xasprintf("%s\x1f%s", f ? f : "", v);
		free(v);
	}
	if (*n)
		qsort(keys, *n, sizeof *keys, cmp_str);
	return keys;
}

static char **
filter_keys_spec(const struct reportspec_block *b)
{
	char **keys = xcalloc(b->nfilters + 1, sizeof *keys);

	for (size_t i = 0; i < b->nfilters; i++)
		keys[i] = xasprintf("%s\x1f%s", b->filters[i].field, b->filters[i].value);
	qsort(keys, b->nfilters, sizeof *keys, cmp_str);
	return keys;
}

static void
free_keys(char **keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}

/* The filter sets are equal, whatever their order (a set has no order in a query string). */
static int
same_filters(const struct reportspec_block *b, const cJSON *have)
{
	size_t n;
	char **theirs = filter_keys_server(have, &n), **ours = filter_keys_spec(b);
	int same = n == b->nfilters;

	for (size_t i = 0; same && i < n; i++)
		same = strcmp(theirs[i], ours[i]) == 0;
	free_keys(theirs, n);
	free_keys(ours, b->nfilters);
	return same;
}

/*
 * After a write, the block as the server holds it must carry exactly the
 * filters sent: log each difference (naming the block and the field) and
 * return how many there are.
 */
static int
compare_readback(const struct reportspec_block *b, const cJSON *have)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(have, "filter_entries");
	size_t n = (size_t)cJSON_GetArraySize(list);
	char *used = xcalloc(n + 1, 1), v1[300], v2[300];
	int errors = 0;

	for (size_t k = 0; k < b->nfilters; k++) {
		const struct reportspec_filter *f = &b->filters[k];
		size_t i, other = n;

		for (i = 0; i < n; i++) {
			const cJSON *e = cJSON_GetArrayItem(list, (int)i);
			const char *field = jstr(e, "field");
			char *value = jtext(cJSON_GetObjectItemCaseSensitive(e, "value"));
			int same_field = field && strcmp(field, f->field) == 0;
			int match = !used[i] && same_field && strcmp(value, f->value) == 0;

			if (!used[i] && same_field && other == n)
				other = i;
			free(value);
			if (match)
				break;
		}
		if (i < n) {
			used[i] = 1;
			continue;
		}
		errors++;
		if (other < n) {
			char *value = jtext(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(list, (int)other),
			    "value"));

			used[other] = 1;
			log_errorx("%s: block \"%s\": filter %s: the server stored \"%s\" where \"%s\" was sent",
			    f->where, b->name, f->field, safe(value, v1, sizeof v1), safe(f->value, v2, sizeof v2));
			free(value);
		} else {
			log_errorx("%s: block \"%s\": filter %s: the server dropped it (sent \"%s\"): it is no "
			    "filter the server knows for model %s", f->where, b->name, f->field,
			    safe(f->value, v1, sizeof v1), b->model_choice);
		}
	}
	for (size_t i = 0; i < n; i++) {
		const cJSON *e = cJSON_GetArrayItem(list, (int)i);
		char *value;

		if (used[i])
			continue;
		value = jtext(cJSON_GetObjectItemCaseSensitive(e, "value"));
		errors++;
		log_errorx("%s: block \"%s\": filter %s: the server holds \"%s\", which was not sent", b->where,
		    b->name, safe(jstr(e, "field"), v2, sizeof v2), safe(value, v1, sizeof v1));
		free(value);
	}
	free(used);
	return errors;
}

static cJSON *
block_config(const struct reportspec_block *b)
{
	cJSON *cfg = cJSON_CreateObject();

	if (strcmp(b->block_type, "stock") == 0) {
		cJSON_AddStringToObject(cfg, "stock_type", b->stock_type);
		if (b->title)
			cJSON_AddStringToObject(cfg, "title", b->title);
		if (b->subtitle)
			cJSON_AddStringToObject(cfg, "subtitle", b->subtitle);
	} else {
		cJSON *fields = cJSON_AddArrayToObject(cfg, "fields");

		cJSON_AddStringToObject(cfg, "model_choice", b->model_choice);
		for (size_t i = 0; i < b->nfields; i++)
			cJSON_AddItemToArray(fields, cJSON_CreateString(b->fields[i]));
		if (b->ordering)
			cJSON_AddStringToObject(cfg, "ordering", b->ordering);
	}
	return cfg;
}

static int
same_config(const struct reportspec_block *b, const cJSON *have)
{
	const cJSON *fields, *it;
	size_t i = 0;

	if (!cJSON_IsObject(have))
		return 0;
	if (strcmp(b->block_type, "stock") == 0)
		return same_text(b->stock_type, cJSON_GetObjectItemCaseSensitive(have, "stock_type")) &&
		    (!b->title || same_text(b->title, cJSON_GetObjectItemCaseSensitive(have, "title"))) &&
		    (!b->subtitle || same_text(b->subtitle, cJSON_GetObjectItemCaseSensitive(have, "subtitle")));
	if (!same_text(b->model_choice, cJSON_GetObjectItemCaseSensitive(have, "model_choice")) ||
	    (b->ordering && !same_text(b->ordering, cJSON_GetObjectItemCaseSensitive(have, "ordering"))))
		return 0;
	fields = cJSON_GetObjectItemCaseSensitive(have, "fields");
	if (cJSON_GetArraySize(fields) != (int)b->nfields)
		return 0;
	cJSON_ArrayForEach(it, fields) {
		const char *p = option_path(it);

		if (p == NULL || strcmp(p, b->fields[i++]) != 0)
			return 0;
	}
	return 1;
}

static cJSON *
filters_json(const struct reportspec_block *b)
{
	cJSON *list = cJSON_CreateArray();

	for (size_t i = 0; i < b->nfilters; i++) {
		cJSON *e = cJSON_CreateObject();

		cJSON_AddStringToObject(e, "field", b->filters[i].field);
		cJSON_AddStringToObject(e, "value", b->filters[i].value);
		cJSON_AddItemToArray(list, e);
	}
	return list;
}

/* What to send for theme t: everything for a new one (cur NULL), else what differs. */
static cJSON *
theme_changes(const struct reportspec_theme *t, const cJSON *cur)
{
	cJSON *body = cJSON_CreateObject();
	const cJSON *v;

	if (cur == NULL)
		cJSON_AddStringToObject(body, "name", t->name);
	for (int c = 0; c < RS_NCOLORS; c++) {
		const char *key = reportspec_color_key(c), *have = jstr(cur, key);

		/* #1E3A5F and #1e3a5f are one colour: no write for a change of case. */
		if (t->color[c] && (cur == NULL || have == NULL || strcasecmp(have, t->color[c]) != 0))
			cJSON_AddStringToObject(body, key, t->color[c]);
	}
	if (t->footer_text && (cur == NULL ||
	    !same_text(t->footer_text, cJSON_GetObjectItemCaseSensitive(cur, "footer_text"))))
		cJSON_AddStringToObject(body, "footer_text", t->footer_text);
	v = cJSON_GetObjectItemCaseSensitive(cur, "show_page_numbers");
	if (t->show_page_numbers >= 0 && (cur == NULL || !cJSON_IsBool(v) ||
	    cJSON_IsTrue(v) != t->show_page_numbers))
		cJSON_AddBoolToObject(body, "show_page_numbers", t->show_page_numbers);
	return body;
}

static cJSON *
block_changes(const struct reportspec_block *b, const cJSON *cur)
{
	cJSON *body = cJSON_CreateObject();
	const char *cfg_key = reportspec_config_key(b->block_type);
	int stock = strcmp(b->block_type, "stock") == 0, retyped;

	if (cur == NULL) {
		cJSON_AddStringToObject(body, "name", b->name);
		cJSON_AddStringToObject(body, "block_type", b->block_type);
		if (b->header)
			cJSON_AddStringToObject(body, "header", b->header);
		cJSON_AddItemToObject(body, cfg_key, block_config(b));
		if (!stock)
			cJSON_AddItemToObject(body, "filter_entries", filters_json(b));
		return body;
	}
	retyped = !same_text(b->block_type, cJSON_GetObjectItemCaseSensitive(cur, "block_type"));
	if (retyped)
		cJSON_AddStringToObject(body, "block_type", b->block_type);
	if (b->header && !same_text(b->header, cJSON_GetObjectItemCaseSensitive(cur, "header")))
		cJSON_AddStringToObject(body, "header", b->header);
	if (retyped || !same_config(b, cJSON_GetObjectItemCaseSensitive(cur, cfg_key)))
		cJSON_AddItemToObject(body, cfg_key, block_config(b));
	/* A PATCH replaces the whole list: always the full set, never a delta. */
	if (!stock && !same_filters(b, cJSON_GetObjectItemCaseSensitive(cur, "filter_entries")))
		cJSON_AddItemToObject(body, "filter_entries", filters_json(b));
	return body;
}

/* A reference to an object by id, or, in a dry run, to one not created yet. */
struct ref {
	long id;
	const char *pending;	/* the name of an object a dry run would create */
};

static cJSON *
ref_json(const struct ref *r, const char *kind)
{
	char text[400], name[300];

	if (r->id > 0)
		return cJSON_CreateNumber((double)r->id);
	snprintf(text, sizeof text, "<id of the new %s \"%s\">", kind, safe(r->pending, name, sizeof name));
	return cJSON_CreateString(text);
}

/* The blocks of a template as the server lists them, ordered by "order". */
static size_t
template_block_ids(const cJSON *cur, long **ids)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(cur, "template_blocks"), *e;
	size_t n = 0;
	long *order;

	*ids = xcalloc((size_t)cJSON_GetArraySize(list) + 1, sizeof **ids);
	order = xcalloc((size_t)cJSON_GetArraySize(list) + 1, sizeof *order);
	/* The macro tests cJSON_IsArray(list) twice; the analyser thinks the two may differ. */
	/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
	cJSON_ArrayForEach(e, (cJSON_IsArray(list) ? list : NULL)) {
		const cJSON *o = cJSON_GetObjectItemCaseSensitive(e, "order");
		long id = jnum(e, "block_id"), ord = json_long(o, (long)n);
		size_t i = n;

		if (id == 0)
			id = jnum(e, "block");
		/* Insertion sort: a template has a handful of blocks. */
		while (i > 0 && order[i - 1] > ord) {
			order[i] = order[i - 1];
			(*ids)[i] = (*ids)[i - 1];
			i--;
		}
		order[i] = ord;
		(*ids)[i] = id;
		n++;
	}
	free(order);
	return n;
}

static long
template_theme_id(const cJSON *cur)
{
	long id = jnum(cur, "theme_id");

	return id ? id : jnum(cur, "theme");
}

static cJSON *
template_changes(const struct reportspec_template *t, const cJSON *cur, const struct ref *theme,
    const struct ref *blocks)
{
	cJSON *body = cJSON_CreateObject();
	int blocks_differ = cur == NULL;

	if (cur == NULL)
		cJSON_AddStringToObject(body, "name", t->name);
	if (t->description && (cur == NULL ||
	    !same_text(t->description, cJSON_GetObjectItemCaseSensitive(cur, "description"))))
		cJSON_AddStringToObject(body, "description", t->description);
	if (t->theme && (cur == NULL || theme->id == 0 || template_theme_id(cur) != theme->id))
		cJSON_AddItemToObject(body, "theme_id", ref_json(theme, "theme"));
	if (cur != NULL) {
		long *have;
		size_t n = template_block_ids(cur, &have);

		blocks_differ = n != t->nblocks;
		for (size_t i = 0; !blocks_differ && i < n; i++)
			blocks_differ = blocks[i].id == 0 || blocks[i].id != have[i];
		free(have);
	}
	if (blocks_differ) {
		/* template_blocks is what the server shows; template_blocks_write is what it takes. */
		cJSON *list = cJSON_AddArrayToObject(body, "template_blocks_write");

		for (size_t i = 0; i < t->nblocks; i++) {
			cJSON *e = cJSON_CreateObject();

			cJSON_AddNumberToObject(e, "order", (double)i);
			cJSON_AddItemToObject(e, "block_id", ref_json(&blocks[i], "block"));
			cJSON_AddItemToArray(list, e);
		}
	}
	return body;
}

/* --- apply --------------------------------------------------------------------- */

struct apply {
	struct ctx *x;
	const struct reportspec *s;
	const struct report_apply_opts *o;
	cJSON *themes, *blocks, *templates;	/* what the server holds */
	struct ref *theme_ref, *block_ref;	/* of the spec's themes and blocks, once applied */
	int created, updated, unchanged, writes;
};

/* The names the spec uses must each mean one object: in the spec, or once on the server. */
static int
check_names(struct apply *a)
{
	const struct reportspec *s = a->s;
	char ids[200];
	int errors = 0, n;

#define UNIQUE(list, kind, name, where) do { \
	if (find_named((list), (name), &n), n > 1) { \
		ids_of((list), (name), ids, sizeof ids); \
		log_errorx("%s: %s \"%s\": the server holds %d of that name (ids %s): delete or rename " \
		    "all but one, then apply again", (where), (kind), (name), n, ids); \
		errors++; \
	} } while (0)
	for (size_t i = 0; i < s->nthemes; i++)
		UNIQUE(a->themes, "theme", s->themes[i].name, s->themes[i].where);
	for (size_t i = 0; i < s->nblocks; i++)
		UNIQUE(a->blocks, "block", s->blocks[i].name, s->blocks[i].where);
	for (size_t i = 0; i < s->ntemplates; i++) {
		const struct reportspec_template *t = &s->templates[i];

		UNIQUE(a->templates, "template", t->name, t->where);
		if (t->theme) {
			int inspec = 0;

			for (size_t k = 0; k < s->nthemes; k++)
				inspec |= strcmp(s->themes[k].name, t->theme) == 0;
			if (!inspec) {
				find_named(a->themes, t->theme, &n);
				if (n == 0) {
					log_errorx("%s: template \"%s\": theme \"%s\" is neither in the spec nor on "
					    "the server", t->theme_where, t->name, t->theme);
					errors++;
				} else {
					UNIQUE(a->themes, "theme", t->theme, t->theme_where);
				}
			}
		}
		for (size_t b = 0; b < t->nblocks; b++) {
			int inspec = 0;

			for (size_t k = 0; k < s->nblocks; k++)
				inspec |= strcmp(s->blocks[k].name, t->blocks[b]) == 0;
			if (inspec)
				continue;
			find_named(a->blocks, t->blocks[b], &n);
			if (n == 0) {
				log_errorx("%s: template \"%s\": block \"%s\" is neither in the spec nor on the "
				    "server", t->blocks_where[b], t->name, t->blocks[b]);
				errors++;
			} else {
				UNIQUE(a->blocks, "block", t->blocks[b], t->blocks_where[b]);
			}
		}
	}
#undef UNIQUE
	return errors;
}

/* Write or print one change; *id gets the object's id.  Returns the answer (caller deletes) or NULL. */
static cJSON *
send_change(struct apply *a, const char *kind, const char *name, const char *collection, const cJSON *cur,
    cJSON *body, long *id, int *wrote)
{
	char path[128], what[400], nm[300];
	cJSON *res;

	*wrote = 0;
	*id = cur ? jnum(cur, "id") : 0;
	snprintf(what, sizeof what, "%s \"%s\"", kind, safe(name, nm, sizeof nm));
	if (cur && cJSON_GetArraySize(body) == 0) {
		a->unchanged++;
		if (!a->o->dry_run)
			printf("unchanged %s (id %ld)\n", what, *id);
		return cJSON_CreateObject();
	}
	if (cur)
		snprintf(path, sizeof path, "%s%ld/", collection, *id);
	else
		snprintf(path, sizeof path, "%s", collection);
	a->writes++;
	if (a->o->dry_run) {
		char *text = cJSON_PrintUnformatted(body);

		printf("%s %s %s\n", cur ? "PATCH" : "POST", path, text);
		cJSON_free(text);
		cur ? a->updated++ : a->created++;
		return cJSON_CreateObject();
	}
	if ((res = api(a->x, cur ? "PATCH" : "POST", path, body, OBJ_MAX)) == NULL) {
		fail_about(a->x, what);
		return NULL;
	}
	*wrote = 1;
	if (cur == NULL && (*id = jnum(res, "id")) == 0) {
		cJSON_Delete(res);
		fail(a->x, REPORT_FAILED, "%s: POST %s: the answer names no id", what, path);
		return NULL;
	}
	if (cur) {
		struct strbuf keys = STRBUF_INIT;
		const cJSON *it;

		cJSON_ArrayForEach(it, body)
			strbuf_addf(&keys, "%s%s", keys.len ? ", " : "", it->string);
		printf("updated %s (id %ld): %s\n", what, *id, keys.buf);
		strbuf_release(&keys);
		a->updated++;
	} else {
		printf("created %s (id %ld)\n", what, *id);
		a->created++;
	}
	return res;
}

static int
apply_themes(struct apply *a)
{
	for (size_t i = 0; i < a->s->nthemes; i++) {
		const struct reportspec_theme *t = &a->s->themes[i];
		int n, wrote;
		const cJSON *cur = find_named(a->themes, t->name, &n);
		cJSON *body = theme_changes(t, cur), *res;

		res = send_change(a, "theme", t->name, "/api/v2/report_themes/", cur, body,
		    &a->theme_ref[i].id, &wrote);
		a->theme_ref[i].pending = t->name;
		cJSON_Delete(body);
		if (res == NULL)
			return -1;
		cJSON_Delete(res);
	}
	return 0;
}

static int
apply_blocks(struct apply *a)
{
	int mismatches = 0;

	for (size_t i = 0; i < a->s->nblocks; i++) {
		const struct reportspec_block *b = &a->s->blocks[i];
		int n, wrote;
		const cJSON *cur = find_named(a->blocks, b->name, &n);
		cJSON *body = block_changes(b, cur), *res, *back;
		char path[128], what[400], nm[300];

		res = send_change(a, "block", b->name, "/api/v2/report_blocks/", cur, body, &a->block_ref[i].id,
		    &wrote);
		a->block_ref[i].pending = b->name;
		cJSON_Delete(body);
		if (res == NULL)
			return -1;
		cJSON_Delete(res);
		if (!wrote || strcmp(b->block_type, "stock") == 0)
			continue;
		/* Unknown filter fields vanish without an error: only a read-back shows it. */
		snprintf(path, sizeof path, "/api/v2/report_blocks/%ld/", a->block_ref[i].id);
		snprintf(what, sizeof what, "block \"%s\"", safe(b->name, nm, sizeof nm));
		if ((back = api(a->x, "GET", path, NULL, OBJ_MAX)) == NULL)
			return fail_about(a->x, what);
		if (compare_readback(b, back) > 0)
			mismatches++;
		cJSON_Delete(back);
	}
	if (mismatches)
		return fail(a->x, REPORT_FAILED, "%d block%s on the server do%s not hold the filters sent "
		    "(see above); no template was written", mismatches, mismatches > 1 ? "s" : "",
		    mismatches > 1 ? "" : "es");
	return 0;
}

static struct ref
resolve(const struct apply *a, const char *kind, const char *name)
{
	struct ref r = { 0, NULL };
	int isblock = strcmp(kind, "block") == 0, n;
	size_t count = isblock ? a->s->nblocks : a->s->nthemes;

	for (size_t i = 0; i < count; i++) {
		const char *own = isblock ? a->s->blocks[i].name : a->s->themes[i].name;

		if (strcmp(own, name) == 0)
			return isblock ? a->block_ref[i] : a->theme_ref[i];
	}
	r.id = jnum(find_named(isblock ? a->blocks : a->themes, name, &n), "id");
	r.pending = name;
	return r;
}

static int
apply_templates(struct apply *a)
{
	for (size_t i = 0; i < a->s->ntemplates; i++) {
		const struct reportspec_template *t = &a->s->templates[i];
		struct ref theme = { 0, NULL }, *blocks = xcalloc(t->nblocks + 1, sizeof *blocks);
		int n, wrote;
		const cJSON *cur = find_named(a->templates, t->name, &n);
		cJSON *body, *res;
		long id;

		if (t->theme)
			theme = resolve(a, "theme", t->theme);
		for (size_t k = 0; k < t->nblocks; k++)
			blocks[k] = resolve(a, "block", t->blocks[k]);
		body = template_changes(t, cur, &theme, blocks);
		res = send_change(a, "template", t->name, "/api/v2/report_templates/", cur, body, &id, &wrote);
		cJSON_Delete(body);
		if (res != NULL && wrote && cJSON_GetObjectItemCaseSensitive(res, "template_blocks")) {
			long *have;
			size_t nh = template_block_ids(res, &have);
			int same = nh == t->nblocks;

			for (size_t k = 0; same && k < nh; k++)
				same = have[k] == blocks[k].id;
			free(have);
			if (!same) {
				char nm[300];

				cJSON_Delete(res);
				free(blocks);
				return fail(a->x, REPORT_FAILED, "%s: template \"%s\": the server does not list "
				    "the blocks sent, in that order (template_blocks)", t->where,
				    safe(t->name, nm, sizeof nm));
			}
		}
		free(blocks);
		if (res == NULL)
			return -1;
		cJSON_Delete(res);
	}
	return 0;
}

int
report_apply(const struct conf *c, const char *token, const char *spec, const struct report_apply_opts *o,
    char *err, size_t errlen)
{
	struct ctx x = { NULL, c->dojo.url, err, errlen, REPORT_OK, 0 };
	struct reportspec s;
	struct apply a;
	cJSON *options = NULL, *schema = NULL;
	int errors = 0, offline;

	err[0] = '\0';
	memset(&a, 0, sizeof a);
	if (reportspec_load(&s, spec) < 0) {
		snprintf(err, errlen, "%s: the spec has errors (above); nothing was sent", spec);
		return REPORT_FAILED;
	}
	/* Go on to the server's checks after these: every error of the spec in one run. */
	offline = reportspec_check(&s);
	if ((x.h = http_new(&c->dojo, token, err, errlen)) == NULL) {
		reportspec_release(&s);
		return REPORT_USAGE;
	}
	a.x = &x;
	a.s = &s;
	a.o = o;
	a.theme_ref = xcalloc(s.nthemes + 1, sizeof *a.theme_ref);
	a.block_ref = xcalloc(s.nblocks + 1, sizeof *a.block_ref);

	/* Reads only, until every check has passed. */
	if ((options = api(&x, "GET", "/api/v2/report_blocks/field_options/", NULL, PAGE_MAX)) == NULL) {
		if (x.status == 404)
			fail_about(&x, "the server has no Report Builder API (a DefectDojo Pro feature), or "
			    "[dojo] url is not DefectDojo's base URL");
		goto out;
	}
	if ((schema = server_schema(&x, &s, options, o->refresh_schema)) == NULL)
		goto out;
	if ((a.themes = list_all(&x, "/api/v2/report_themes/")) == NULL ||
	    (a.blocks = list_all(&x, "/api/v2/report_blocks/")) == NULL ||
	    (a.templates = list_all(&x, "/api/v2/report_templates/")) == NULL)
		goto out;
	errors = offline + check_vocab(&s, schema, options, 0) + check_names(&a);
	if (errors) {
		fail(&x, REPORT_FAILED, "%s: %d error%s (above); nothing was sent", spec, errors,
		    errors > 1 ? "s" : "");
		goto out;
	}

	if (apply_themes(&a) < 0 || apply_blocks(&a) < 0 || apply_templates(&a) < 0)
		goto out;
	if (o->dry_run)
		printf("dry run: %d write%s would be sent, none was\n", a.writes, a.writes == 1 ? "" : "s");
	else
		printf("%d created, %d updated, %d unchanged\n", a.created, a.updated, a.unchanged);
out:
	if (offline && x.rc != REPORT_OK && errors == 0) {
		/* The spec is wrong whatever the server says: that is the verdict. */
		log_warnx("report: could not check the spec against the server: %s", err);
		fail(&x, REPORT_FAILED, "%s: %d error%s (above); nothing was sent", spec, offline,
		    offline > 1 ? "s" : "");
	}
	fflush(stdout);
	cJSON_Delete(options);
	cJSON_Delete(schema);
	cJSON_Delete(a.themes);
	cJSON_Delete(a.blocks);
	cJSON_Delete(a.templates);
	free(a.theme_ref);
	free(a.block_ref);
	http_free(x.h);
	reportspec_release(&s);
	return x.rc;
}

/* --- run ------------------------------------------------------------------------ */

static void
pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The template's id and name (caller frees), by id or by name. */
static long
find_template(struct ctx *x, const char *want, char **name)
{
	char path[128], nm[300];
	cJSON *all, *it;
	long id = 0;
	int n;

	*name = NULL;
	if (want[0] != '\0' && strspn(want, "0123456789") == strlen(want) && strlen(want) < 16) {
		cJSON *t;

		snprintf(path, sizeof path, "/api/v2/report_templates/%s/", want);
		if ((t = api(x, "GET", path, NULL, OBJ_MAX)) != NULL) {
			id = jnum(t, "id");
			*name = xstrdup(jstr(t, "name") ? jstr(t, "name") : want);
			cJSON_Delete(t);
			return id;
		}
		if (x->status != 404)
			return 0;
		/* No such id: it may be a template called "42". */
		x->rc = REPORT_OK;
		x->err[0] = '\0';
	}
	if ((all = list_all(x, "/api/v2/report_templates/")) == NULL)
		return 0;
	it = find_named(all, want, &n);
	if (n == 1) {
		id = jnum(it, "id");
		*name = xstrdup(want);
	} else if (n > 1) {
		char ids[200];

		ids_of(all, want, ids, sizeof ids);
		fail(x, REPORT_FAILED, "the server holds %d templates named \"%s\" (ids %s): give the id", n,
		    safe(want, nm, sizeof nm), ids);
	} else {
		struct strbuf known = STRBUF_INIT;
		int shown = 0;

		cJSON_ArrayForEach(it, all) {
			if (shown++ == 10) {
				strbuf_addstr(&known, ", ...");
				break;
			}
			strbuf_addf(&known, "%s\"%s\"", known.len ? ", " : "", safe(jstr(it, "name"), nm, sizeof nm));
		}
		fail(x, REPORT_FAILED, "no report template %s\"%s\" on the server%s%s%s",
		    strspn(want, "0123456789") == strlen(want) ? "with that id or named " : "named ",
		    safe(want, path, sizeof path), known.len ? " (it has " : " (it has none)",
		    known.buf, known.len ? ")" : "");
		strbuf_release(&known);
	}
	cJSON_Delete(all);
	return id;
}

/*
 * A name from the server, made safe for a file name: letters, digits, '.',
 * '-' and '_'; anything else becomes one '_'; no leading dot; at most 100 bytes.
 */
static void
file_stem(const char *name, char *out, size_t outlen)
{
	size_t n = 0;

	for (const char *p = name; *p && n + 1 < outlen && n < 100; p++) {
		int ok = isalnum((unsigned char)*p) && (unsigned char)*p < 0x80;

		ok |= *p == '-' || *p == '_' || (*p == '.' && n > 0);
		if (ok)
			out[n++] = *p;
		else if (n > 0 && out[n - 1] != '_')
			out[n++] = '_';
	}
	while (n > 0 && (out[n - 1] == '_' || out[n - 1] == '.'))
		n--;
	out[n] = '\0';
	if (n == 0)
		snprintf(out, outlen, "report");
}

/* Take tmp's file to a new name in dir, never over an existing file. */
static int
settle_file(const char *dir, const char *tmp, const char *stem, const char *ext, char *final, size_t finallen)
{
	for (int i = 1; i < 1000; i++) {
		if (i == 1)
			snprintf(final, finallen, "%s/%s.%s", dir, stem, ext);
		else
			snprintf(final, finallen, "%s/%s-%d.%s", dir, stem, i, ext);
		if (renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_NOREPLACE) == 0)
			return 0;
		if (errno == EEXIST)
			continue;
		if (errno != EINVAL && errno != ENOSYS)
			return -1;
		/* A file system without RENAME_NOREPLACE: link(2) does not replace either. */
		if (link(tmp, final) == 0)
			return unlink(tmp);
		if (errno == EEXIST)
			continue;
		return -1;
	}
	errno = EEXIST;
	return -1;
}

static int
check_content(int fd, const char *format, char *why, size_t whylen)
{
	char head[8] = "", tail[1025];
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		return -1;
	}
	if (st.st_size == 0) {
		snprintf(why, whylen, "the server sent an empty file");
		return -1;
	}
	if (strcmp(format, "pdf") != 0)
		return 0;
	n = pread(fd, head, 5, 0);
	if (n != 5 || memcmp(head, "%PDF-", 5) != 0) {
		snprintf(why, whylen, "the server's file is not a PDF (it does not start with %%PDF-)");
		return -1;
	}
	n = pread(fd, tail, sizeof tail - 1, st.st_size > 1024 ? st.st_size - 1024 : 0);
	tail[n > 0 ? n : 0] = '\0';
	if (n <= 0 || memmem(tail, (size_t)n, "%%EOF", 5) == NULL) {
		snprintf(why, whylen, "the server's PDF is cut short (no %%%%EOF at its end)");
		return -1;
	}
	return 0;
}

/* Download report id into outdir, atomically; path gets the final name. */
static int
save_report(struct ctx *x, long id, const char *name, const char *format, const char *outdir, char *path,
    size_t pathlen)
{
	char *tmp = xasprintf("%s/.dojobridge-report.XXXXXX", outdir), dl[128], stem[160], why[256];
	char final[PATH_MAX], nm[300];
	struct http_answer ans;
	int fd, dirfd = -1, rc = -1;
	mode_t mask;
	time_t now;
	struct tm tm;

	/* A dot name: a watcher of that directory (ours too) leaves it alone until it is renamed. */
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		fail(x, REPORT_FAILED, "%s: cannot create a file there: %s", outdir, strerror(errno));
		free(tmp);
		return -1;
	}
	mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	snprintf(dl, sizeof dl, "/api/v2/generated_reports/%ld/download/", id);
	for (int attempt = 0;; attempt++) {
		if (http_download(x->h, dl, fd, DOWNLOAD_MAX, &ans) == 0)
			break;
		/* 404 may outrun "completed" by a moment; a broken transfer is worth another try. */
		if (attempt < 3 && (ans.status == 404 || ans.outcome == HTTP_UNREACHABLE)) {
			log_info("report: %s; trying again", ans.message);
			http_answer_release(&ans);
			if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
				fail(x, REPORT_FAILED, "%s: %s", tmp, strerror(errno));
				goto out;
			}
			pause_ms(500L << attempt);
			continue;
		}
		fail(x, ans.outcome == HTTP_FAILED ? REPORT_FAILED : REPORT_UNREACHABLE, "report %ld of template "
		    "\"%s\": the download failed: %s%s%s", id, safe(name, nm, sizeof nm), ans.message,
		    ans.hint[0] ? "; " : "", ans.hint);
		http_answer_release(&ans);
		goto out;
	}
	http_answer_release(&ans);
	if (check_content(fd, format, why, sizeof why) < 0) {
		fail(x, REPORT_FAILED, "report %ld of template \"%s\": %s", id, safe(name, nm, sizeof nm), why);
		goto out;
	}
	if (fsync(fd) < 0) {
		fail(x, REPORT_FAILED, "%s: fsync: %s", tmp, strerror(errno));
		goto out;
	}
	now = time(NULL);
	gmtime_r(&now, &tm);
	file_stem(name, stem, sizeof stem - 20);
	strftime(stem + strlen(stem), 20, "-%Y-%m-%dT%H%M%SZ", &tm);
	if (settle_file(outdir, tmp, stem, format, final, sizeof final) < 0) {
		fail(x, REPORT_FAILED, "%s: cannot give the report its name: %s", outdir, strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	/* The rename is durable only once the directory is. */
	if ((dirfd = open(outdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || fsync(dirfd) < 0)
		log_warn("report: %s: fsync", outdir);
	if (path)
		snprintf(path, pathlen, "%s", final);
	rc = 0;
out:
	if (dirfd >= 0)
		close(dirfd);
	close(fd);
	if (tmp != NULL)
		unlink(tmp);
	free(tmp);
	return rc;
}

int
report_run(const struct conf *c, const char *token, const char *template, const char *format,
    const char *outdir, int timeout_s, char *path, size_t pathlen, char *err, size_t errlen)
{
	struct ctx x = { NULL, c->dojo.url, err, errlen, REPORT_OK, 0 };
	char *name = NULL, rpath[128], nm[300], last[32] = "";
	cJSON *body = NULL, *rep = NULL;
	long tid, rid, deadline, left, delay = 500;
	struct stat st;

	err[0] = '\0';
	if (path)
		path[0] = '\0';
	if (strcmp(format, "pdf") != 0 && strcmp(format, "html") != 0) {
		snprintf(err, errlen, "--format must be pdf or html");
		return REPORT_USAGE;
	}
	if (timeout_s <= 0) {
		snprintf(err, errlen, "--timeout must be at least one second");
		return REPORT_USAGE;
	}
	if (stat(outdir, &st) < 0 || !S_ISDIR(st.st_mode) || access(outdir, W_OK | X_OK) < 0) {
		snprintf(err, errlen, "%s: %s", outdir, stat(outdir, &st) < 0 ? strerror(errno) :
		    !S_ISDIR(st.st_mode) ? "not a directory" : "not writable by this user");
		return REPORT_USAGE;
	}
	if ((x.h = http_new(&c->dojo, token, err, errlen)) == NULL)
		return REPORT_USAGE;
	if ((tid = find_template(&x, template, &name)) == 0) {
		if (x.rc == REPORT_OK)
			fail(&x, REPORT_FAILED, "template %s: the server's answer names no id", template);
		goto out;
	}

	body = cJSON_CreateObject();
	cJSON_AddNumberToObject(body, "template_id", (double)tid);
	cJSON_AddStringToObject(body, "file_format", format);
	if ((rep = api(&x, "POST", "/api/v2/generated_reports/", body, OBJ_MAX)) == NULL) {
		fail_about(&x, "cannot start the report");
		goto out;
	}
	if ((rid = jnum(rep, "id")) == 0) {
		fail(&x, REPORT_FAILED, "POST /api/v2/generated_reports/: the answer names no report id");
		goto out;
	}
	log_info("report: generating report %ld of template \"%s\" (id %ld) as %s", rid,
	    safe(name, nm, sizeof nm), tid, format);
	snprintf(rpath, sizeof rpath, "/api/v2/generated_reports/%ld/", rid);
	deadline = now_ms() + (long)timeout_s * 1000;
	for (;;) {
		const char *status = jstr(rep, "status");

		if (status == NULL)
			status = "pending";
		if (strcmp(status, last) != 0) {
			log_info("report: report %ld: %s", rid, status);
			snprintf(last, sizeof last, "%s", status);
		}
		if (strcmp(status, "completed") == 0)
			break;
		if (strcmp(status, "failed") == 0) {
			const char *why = jstr(rep, "error_message");
			char w[700];

			fail(&x, REPORT_FAILED, "report %ld of template \"%s\" failed on the server: %s", rid,
			    safe(name, nm, sizeof nm), why && *why ? safe(why, w, sizeof w) :
			    "it gave no error_message");
			goto out;
		}
		if (now_ms() >= deadline) {
			fail(&x, REPORT_FAILED, "report %ld of template \"%s\" is still %s after %d s "
			    "(--timeout): gave up waiting; the server may still finish it (GET %s)", rid,
			    safe(name, nm, sizeof nm), status, timeout_s, rpath);
			goto out;
		}
		/* Back off: 0.5 s, 1 s, 2 s ... at most 10 s, never past the deadline. */
		left = deadline - now_ms();
		pause_ms(delay < left ? delay : left > 0 ? left : 0);
		delay = delay * 2 > 10000 ? 10000 : delay * 2;
		cJSON_Delete(rep);
		if ((rep = api(&x, "GET", rpath, NULL, OBJ_MAX)) == NULL) {
			fail_about(&x, "cannot follow the report");
			goto out;
		}
	}
	if (save_report(&x, rid, name, format, outdir, path, pathlen) == 0)
		log_info("report: report %ld saved in %s", rid, path ? path : outdir);
out:
	cJSON_Delete(body);
	cJSON_Delete(rep);
	free(name);
	http_free(x.h);
	return x.rc;
}
