/*
 * Reading the spec of `dojobridge report apply`, in INI or JSON, into one
 * model, and every check that needs no server.  Errors are reported all at
 * once, each with the file and the line (or JSON path) it is about.
 */
#include "reportspec.h"
#include "conf.h"
#include "log.h"
#include "strbuf.h"
#include "xmem.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* A spec is a page of text; a bigger file is not one. */
#define SPEC_MAX (4 * 1024 * 1024)
#define NAME_MAX_LEN 255

enum kind { K_NONE = -1, K_THEME, K_BLOCK, K_TEMPLATE };

static const char *const color_keys[RS_NCOLORS] = {
	"primary_color", "secondary_color", "accent_color", "text_color", "background_color"
};
static const char *const block_types[] = { "stock", "tabular", "detail", NULL };
static const char *const stock_types[] = { "cover_page", "table_of_contents", "page_break", "image",
	"text_block", NULL };
/* The model_choice enum; the last four exist only where Locations are enabled. */
static const char *const models[] = { "organization", "asset", "engagement", "test", "finding",
	"test_type", "risk_acceptance", "location", "url", "dependency", "location_asset", NULL };

/*
 * Filter names that DefectDojo drops without a word, with what to use
 * instead.  They come from older documentation and the web UI.
 */
static const struct {
	const char *name, *instead;
} legacy[] = {
	{ "status_any", "use the real query parameters, one filter each: active, verified, "
	    "is_mitigated, false_p, out_of_scope, risk_accepted" },
	{ "priority_greater_than", "use priority_min and priority_max where the server has them" },
	{ "severity__in", "severity takes one value: make one block per severity" },
	{ "mitigated_within_sla", "it is no query parameter of the findings endpoint; see its "
	    "parameters (outside_of_sla, mitigated_before, mitigated_after)" },
	{ NULL, NULL }
};

const char *
reportspec_color_key(int i)
{
	return i >= 0 && i < RS_NCOLORS ? color_keys[i] : "?";
}

const char *
reportspec_config_key(const char *block_type)
{
	if (block_type && strcmp(block_type, "tabular") == 0)
		return "tabular_configuration";
	if (block_type && strcmp(block_type, "detail") == 0)
		return "detail_configuration";
	return "stock_configuration";
}

static int
in_list(const char *s, const char *const *list)
{
	for (size_t i = 0; s && list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

static void
free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
reportspec_release(struct reportspec *s)
{
	for (size_t i = 0; i < s->nthemes; i++) {
		struct reportspec_theme *t = &s->themes[i];

		free(t->name);
		free(t->where);
		for (int c = 0; c < RS_NCOLORS; c++)
			free(t->color[c]);
		free(t->footer_text);
	}
	for (size_t i = 0; i < s->nblocks; i++) {
		struct reportspec_block *b = &s->blocks[i];

		free(b->name);
		free(b->where);
		free(b->block_type);
		free(b->header);
		free(b->stock_type);
		free(b->title);
		free(b->subtitle);
		free(b->model_choice);
		free_strv(b->fields, b->nfields);
		free(b->fields_where);
		free(b->ordering);
		for (size_t k = 0; k < b->nfilters; k++) {
			free(b->filters[k].field);
			free(b->filters[k].value);
			free(b->filters[k].where);
		}
		free(b->filters);
	}
	for (size_t i = 0; i < s->ntemplates; i++) {
		struct reportspec_template *t = &s->templates[i];

		free(t->name);
		free(t->where);
		free(t->description);
		free(t->theme);
		free(t->theme_where);
		free_strv(t->blocks, t->nblocks);
		free_strv(t->blocks_where, t->nblocks);
	}
	free(s->themes);
	free(s->blocks);
	free(s->templates);
	free(s->path);
	memset(s, 0, sizeof *s);
}

static struct reportspec_theme *
add_theme(struct reportspec *s, const char *name, const char *where)
{
	struct reportspec_theme *t;

	s->themes = xrealloc(s->themes, (s->nthemes + 1) * sizeof *s->themes);
	t = memset(&s->themes[s->nthemes++], 0, sizeof *t);
	t->name = xstrdup(name);
	t->where = xstrdup(where);
	t->show_page_numbers = -1;
	return t;
}

static struct reportspec_block *
add_block(struct reportspec *s, const char *name, const char *where)
{
	struct reportspec_block *b;

	s->blocks = xrealloc(s->blocks, (s->nblocks + 1) * sizeof *s->blocks);
	b = memset(&s->blocks[s->nblocks++], 0, sizeof *b);
	b->name = xstrdup(name);
	b->where = xstrdup(where);
	return b;
}

static struct reportspec_template *
add_template(struct reportspec *s, const char *name, const char *where)
{
	struct reportspec_template *t;

	s->templates = xrealloc(s->templates, (s->ntemplates + 1) * sizeof *s->templates);
	t = memset(&s->templates[s->ntemplates++], 0, sizeof *t);
	t->name = xstrdup(name);
	t->where = xstrdup(where);
	return t;
}

static void
add_filter(struct reportspec_block *b, const char *field, const char *value, const char *where)
{
	struct reportspec_filter *f;

	b->filters = xrealloc(b->filters, (b->nfilters + 1) * sizeof *b->filters);
	f = &b->filters[b->nfilters++];
	f->field = xstrdup(field);
	f->value = xstrdup(value);
	f->where = xstrdup(where);
}

static void
add_template_block(struct reportspec_template *t, const char *name, const char *where)
{
	t->blocks = xrealloc(t->blocks, (t->nblocks + 1) * sizeof *t->blocks);
	t->blocks_where = xrealloc(t->blocks_where, (t->nblocks + 1) * sizeof *t->blocks_where);
	t->blocks[t->nblocks] = xstrdup(name);
	t->blocks_where[t->nblocks++] = xstrdup(where);
}

/* "a, b ,c" into a vector of trimmed, non-empty items. */
static size_t
split_list(const char *value, char ***out)
{
	size_t n = 0;
	const char *p = value;

	*out = NULL;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *a = p, *z = p + len;

		while (a < z && isspace((unsigned char)*a))
			a++;
		while (z > a && isspace((unsigned char)z[-1]))
			z--;
		if (z > a) {
			*out = xrealloc(*out, (n + 1) * sizeof **out);
			(*out)[n++] = xstrndup(a, (size_t)(z - a));
		}
		p = end ? end + 1 : p + len;
	}
	return n;
}

/* --- INI ------------------------------------------------------------------ */

/*
 * inih does not say which line it is on, so our reader counts lines (and
 * quotes them in errors), notes section headers itself (an empty section
 * must still count), and tells a continuation line — one that starts with
 * blanks, which inih hands over as the previous key again — from a key
 * that is simply repeated.
 */
struct ini_spec {
	FILE *fp;
	const char *path;
	int lineno;
	char line[512];
	int errors;
	int cont;		/* this line continues the previous key's value */
	int had_key;		/* a key was seen since the section began */
	struct reportspec *s;
	enum kind kind;		/* what the current section fills, K_NONE after a bad header */
	size_t idx;
};

static int
ini_err(struct ini_spec *f, const char *section, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
ini_err(struct ini_spec *f, const char *section, const char *key, const char *fmt, ...)
{
	char why[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	if (key)
		log_errorx("%s:%d: [%s] %s: %s\n    %s", f->path, f->lineno, section, key, why, f->line);
	else
		log_errorx("%s:%d: %s\n    %s", f->path, f->lineno, why, f->line);
	f->errors++;
	return 1;	/* go on: report every error at once */
}

static void
ini_section(struct ini_spec *f, const char *start)
{
	char kind[16], name[NAME_MAX_LEN + 2], where[4200];
	const char *end = strchr(start, ']');
	char head[NAME_MAX_LEN + 32];
	size_t hlen;
	int n = 0;

	f->kind = K_NONE;
	f->had_key = 0;
	if (end == NULL)
		return;		/* inih reports the line as invalid */
	hlen = (size_t)(end - start - 1);
	if (hlen >= sizeof head) {
		ini_err(f, NULL, NULL, "section name longer than %d bytes", NAME_MAX_LEN);
		return;
	}
	memcpy(head, start + 1, hlen);
	head[hlen] = '\0';
	if (sscanf(head, "%15[a-z] \"%256[^\"]\"%n", kind, name, &n) != 2 || head[n] != '\0') {
		ini_err(f, NULL, NULL, "unknown section [%s] (known: [theme \"NAME\"], [block \"NAME\"], "
		    "[template \"NAME\"])", head);
		return;
	}
	snprintf(where, sizeof where, "%s:%d", f->path, f->lineno);
	if (strlen(name) > NAME_MAX_LEN) {
		ini_err(f, NULL, NULL, "name longer than %d bytes", NAME_MAX_LEN);
		return;
	}
	if (strcmp(kind, "theme") == 0) {
		for (size_t i = 0; i < f->s->nthemes; i++)
			if (strcmp(f->s->themes[i].name, name) == 0) {
				ini_err(f, NULL, NULL, "theme \"%s\" is already defined at %s", name,
				    f->s->themes[i].where);
				return;
			}
		add_theme(f->s, name, where);
		f->kind = K_THEME;
		f->idx = f->s->nthemes - 1;
	} else if (strcmp(kind, "block") == 0) {
		for (size_t i = 0; i < f->s->nblocks; i++)
			if (strcmp(f->s->blocks[i].name, name) == 0) {
				ini_err(f, NULL, NULL, "block \"%s\" is already defined at %s", name,
				    f->s->blocks[i].where);
				return;
			}
		add_block(f->s, name, where);
		f->kind = K_BLOCK;
		f->idx = f->s->nblocks - 1;
	} else if (strcmp(kind, "template") == 0) {
		for (size_t i = 0; i < f->s->ntemplates; i++)
			if (strcmp(f->s->templates[i].name, name) == 0) {
				ini_err(f, NULL, NULL, "template \"%s\" is already defined at %s", name,
				    f->s->templates[i].where);
				return;
			}
		add_template(f->s, name, where);
		f->kind = K_TEMPLATE;
		f->idx = f->s->ntemplates - 1;
	} else {
		ini_err(f, NULL, NULL, "unknown section [%s] (known: [theme \"NAME\"], [block \"NAME\"], "
		    "[template \"NAME\"])", head);
	}
}

static char *
read_line(char *str, int num, void *stream)
{
	struct ini_spec *f = stream;
	const char *start;
	size_t n;
	long got;
	int whole, nul = 0;

	if ((got = conf_read_line(f->fp, f->line, sizeof f->line, &nul)) < 0)
		return NULL;
	f->lineno++;
	n = (size_t)got;
	whole = n > 0 && f->line[n - 1] == '\n';
	/* inih's fgets takes num-1 bytes, newline included: refuse what it would cut. */
	if (nul || n - (size_t)whole > (size_t)num - 2 || (!whole && n == sizeof f->line - 1)) {
		if (nul)
			ini_err(f, NULL, NULL, "the line holds a NUL byte: this is not a text file");
		else
			ini_err(f, NULL, NULL, "line longer than %d bytes: continue a long text on the "
			    "next lines, each starting with a blank", num - 2);
		while (!whole && (got = conf_read_line(f->fp, f->line, sizeof f->line, &nul)) >= 0)
			whole = got > 0 && f->line[got - 1] == '\n';
		f->cont = 0;
		str[0] = '\n';
		str[1] = '\0';
		return str;
	}
	snprintf(str, (size_t)num, "%s", f->line);
	while (n > 0 && (f->line[n - 1] == '\n' || f->line[n - 1] == '\r'))
		f->line[--n] = '\0';
	start = f->line;
	if (f->lineno == 1 && memcmp(start, "\xEF\xBB\xBF", 3) == 0)
		start += 3;
	while (*start == ' ' || *start == '\t')
		start++;
	/* The same order of tests as inih's: comment, continuation, section. */
	f->cont = 0;
	if (*start == '\0' || *start == ';' || *start == '#')
		return str;
	if (start > f->line && f->had_key)
		f->cont = 1;
	else if (*start == '[')
		ini_section(f, start);
	return str;
}

/* Keys whose value is prose, which may go on over continuation lines. */
static int
is_text_key(const char *key)
{
	static const char *const text[] = { "footer_text", "header", "title", "subtitle", "description",
		NULL };

	return in_list(key, text);
}

static int
set_text(struct ini_spec *f, const char *section, const char *key, char **slot, const char *value)
{
	if (f->cont) {
		char *joined;

		if (*slot == NULL)
			return 1;	/* the first line had an error, already reported */
		joined = xasprintf("%s\n%s", *slot, value);
		free(*slot);
		*slot = joined;
		return 1;
	}
	if (*slot != NULL)
		return ini_err(f, section, key, "given twice in this section");
	*slot = xstrdup(value);
	return 1;
}

static int
theme_key(struct ini_spec *f, struct reportspec_theme *t, const char *section, const char *key,
    const char *value)
{
	for (int c = 0; c < RS_NCOLORS; c++)
		if (strcmp(key, color_keys[c]) == 0)
			return set_text(f, section, key, &t->color[c], value);
	if (strcmp(key, "footer_text") == 0)
		return set_text(f, section, key, &t->footer_text, value);
	if (strcmp(key, "show_page_numbers") == 0) {
		if (t->show_page_numbers >= 0)
			return ini_err(f, section, key, "given twice in this section");
		if (strcasecmp(value, "yes") == 0 || strcasecmp(value, "true") == 0)
			t->show_page_numbers = 1;
		else if (strcasecmp(value, "no") == 0 || strcasecmp(value, "false") == 0)
			t->show_page_numbers = 0;
		else
			return ini_err(f, section, key, "must be yes or no");
		return 1;
	}
	return ini_err(f, section, key, "unknown key for a theme (known: primary_color, "
	    "secondary_color, accent_color, text_color, background_color, footer_text, "
	    "show_page_numbers)");
}

static int
block_key(struct ini_spec *f, struct reportspec_block *b, const char *section, const char *key,
    const char *value)
{
	char where[4200];

	snprintf(where, sizeof where, "%s:%d", f->path, f->lineno);
	if (strncmp(key, "filter.", 7) == 0) {
		if (key[7] == '\0')
			return ini_err(f, section, key, "name the field: filter.FIELD = VALUE");
		add_filter(b, key + 7, value, where);
		return 1;
	}
	if (strcmp(key, "fields") == 0) {
		if (b->fields_where != NULL)
			return ini_err(f, section, key, "given twice in this section");
		b->nfields = split_list(value, &b->fields);
		b->fields_where = xstrdup(where);
		return 1;
	}
	if (strcmp(key, "block_type") == 0)
		return set_text(f, section, key, &b->block_type, value);
	if (strcmp(key, "header") == 0)
		return set_text(f, section, key, &b->header, value);
	if (strcmp(key, "stock_type") == 0)
		return set_text(f, section, key, &b->stock_type, value);
	if (strcmp(key, "title") == 0)
		return set_text(f, section, key, &b->title, value);
	if (strcmp(key, "subtitle") == 0)
		return set_text(f, section, key, &b->subtitle, value);
	if (strcmp(key, "model_choice") == 0)
		return set_text(f, section, key, &b->model_choice, value);
	if (strcmp(key, "ordering") == 0)
		return set_text(f, section, key, &b->ordering, value);
	return ini_err(f, section, key, "unknown key for a block (known: block_type, header, "
	    "stock_type, title, subtitle, model_choice, fields, ordering, filter.FIELD)");
}

static int
template_key(struct ini_spec *f, struct reportspec_template *t, const char *section, const char *key,
    const char *value)
{
	char where[4200];

	snprintf(where, sizeof where, "%s:%d", f->path, f->lineno);
	if (strcmp(key, "block") == 0) {
		add_template_block(t, value, where);
		return 1;
	}
	if (strcmp(key, "description") == 0)
		return set_text(f, section, key, &t->description, value);
	if (strcmp(key, "theme") == 0) {
		if (t->theme != NULL)
			return ini_err(f, section, key, "given twice in this section");
		t->theme = xstrdup(value);
		t->theme_where = xstrdup(where);
		return 1;
	}
	return ini_err(f, section, key, "unknown key for a template (known: description, theme, "
	    "block)");
}

static int
on_key(void *user, const char *section, const char *key, const char *value)
{
	struct ini_spec *f = user;

	if (key == NULL)
		return 1;
	if (f->cont && !is_text_key(key))
		return ini_err(f, section, key, "a line that starts with a blank continues the "
		    "previous value, and only prose (footer_text, header, title, subtitle, description) "
		    "may go on over several lines");
	if (!f->cont)
		f->had_key = 1;
	switch (f->kind) {
	case K_THEME:
		return theme_key(f, &f->s->themes[f->idx], section, key, value);
	case K_BLOCK:
		return block_key(f, &f->s->blocks[f->idx], section, key, value);
	case K_TEMPLATE:
		return template_key(f, &f->s->templates[f->idx], section, key, value);
	default:
		if (*section == '\0')
			return ini_err(f, section, key, "a key before any section: start with "
			    "[theme \"NAME\"], [block \"NAME\"] or [template \"NAME\"]");
		return 1;	/* the bad section header was reported */
	}
}

static int
load_ini(struct reportspec *s, const char *path, FILE *fp)
{
	struct ini_spec f;
	int rc;

	memset(&f, 0, sizeof f);
	f.fp = fp;
	f.path = path;
	f.s = s;
	f.kind = K_NONE;
	rc = ini_parse_stream(read_line, &f, on_key, &f);
	if (rc > 0 && rc != f.lineno) {
		/* inih's number is the line of its first error, ours the last read. */
		log_errorx("%s:%d: not a valid line (expected [kind \"NAME\"] or key = value)", path, rc);
		f.errors++;
	} else if (rc > 0) {
		log_errorx("%s:%d: not a valid line (expected [kind \"NAME\"] or key = value)\n    %s",
		    path, rc, f.line);
		f.errors++;
	} else if (rc < 0) {
		log_errorx("%s: cannot read it", path);
		f.errors++;
	}
	return f.errors ? -1 : 0;
}

/* --- JSON ----------------------------------------------------------------- */

struct json_spec {
	const char *path;
	int errors;
	struct reportspec *s;
};

static void
json_err(struct json_spec *j, const char *where, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
json_err(struct json_spec *j, const char *where, const char *fmt, ...)
{
	char why[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	log_errorx("%s: %s", where, why);
	j->errors++;
}

/* A string member, or NULL (absent); wrong types are errors. */
static char *
json_str(struct json_spec *j, const cJSON *obj, const char *key, const char *where)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (v == NULL || cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsString(v)) {
		json_err(j, where, "%s must be a string", key);
		return NULL;
	}
	return xstrdup(v->valuestring);
}

/* Members of obj that are not in known: typos must not pass unnoticed. */
static void
json_unknown(struct json_spec *j, const cJSON *obj, const char *const *known, const char *where,
    const char *what)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, obj)
		if (!in_list(it->string, known))
			json_err(j, where, "unknown key \"%s\" for %s", it->string, what);
}

static char *
json_where(const char *path, const char *list, int i, const char *name, const char *tail)
{
	char safe[300];

	if (name)
		return xasprintf("%s: %s[%d] \"%s\"%s", path, list, i, escape_name(name, safe, sizeof safe),
		    tail ? tail : "");
	return xasprintf("%s: %s[%d]%s", path, list, i, tail ? tail : "");
}

/* The name of the i-th object, or NULL after an error. */
static char *
json_name(struct json_spec *j, const cJSON *obj, const char *list, int i)
{
	char *where = json_where(j->path, list, i, NULL, NULL);
	char *name;

	if (!cJSON_IsObject(obj)) {
		json_err(j, where, "must be an object");
		free(where);
		return NULL;
	}
	if ((name = json_str(j, obj, "name", where)) == NULL && cJSON_GetObjectItem(obj, "name") == NULL)
		json_err(j, where, "has no name");
	free(where);
	return name;
}

static void
json_theme(struct json_spec *j, const cJSON *obj, int i)
{
	static const char *const known[] = { "name", "primary_color", "secondary_color", "accent_color",
		"text_color", "background_color", "footer_text", "show_page_numbers", NULL };
	char *name = json_name(j, obj, "themes", i), *where;
	struct reportspec_theme *t;
	const cJSON *v;

	if (name == NULL)
		return;
	where = json_where(j->path, "themes", i, name, NULL);
	for (size_t k = 0; k < j->s->nthemes; k++)
		if (strcmp(j->s->themes[k].name, name) == 0)
			json_err(j, where, "a second theme of this name (first: %s)", j->s->themes[k].where);
	t = add_theme(j->s, name, where);
	json_unknown(j, obj, known, where, "a theme");
	for (int c = 0; c < RS_NCOLORS; c++)
		t->color[c] = json_str(j, obj, color_keys[c], where);
	t->footer_text = json_str(j, obj, "footer_text", where);
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "show_page_numbers")) != NULL) {
		if (cJSON_IsBool(v))
			t->show_page_numbers = cJSON_IsTrue(v);
		else
			json_err(j, where, "show_page_numbers must be true or false");
	}
	free(name);
	free(where);
}

static void
json_filters(struct json_spec *j, struct reportspec_block *b, const cJSON *list, int i)
{
	static const char *const known[] = { "field", "value", NULL };
	const cJSON *e;
	int k = 0;

	if (!cJSON_IsArray(list)) {
		json_err(j, b->where, "filter_entries must be a list of {\"field\", \"value\"}");
		return;
	}
	cJSON_ArrayForEach(e, list) {
		char tail[64], *where, *field, num[64];
		const cJSON *v;
		const char *value = NULL;

		snprintf(tail, sizeof tail, ".filter_entries[%d]", k++);
		where = json_where(j->path, "blocks", i, b->name, tail);
		if (!cJSON_IsObject(e)) {
			json_err(j, where, "must be an object {\"field\", \"value\"}");
			free(where);
			continue;
		}
		json_unknown(j, e, known, where, "a filter entry");
		field = json_str(j, e, "field", where);
		v = cJSON_GetObjectItemCaseSensitive(e, "value");
		if (field == NULL) {
			json_err(j, where, "has no field");
		} else if (cJSON_IsString(v)) {
			value = v->valuestring;
		} else if (cJSON_IsBool(v)) {
			/* DefectDojo wants booleans as the strings "true" and "false". */
			value = cJSON_IsTrue(v) ? "true" : "false";
		} else if (cJSON_IsNumber(v)) {
			snprintf(num, sizeof num, "%.17g", v->valuedouble);
			value = num;
		} else if (cJSON_IsArray(v)) {
			json_err(j, where, "block \"%s\": filter %s: the value must be one string, not a "
			    "list%s", b->name, field, strcmp(field, "severity") == 0 ?
			    " (severity takes one value: make one block per severity)" :
			    " (several tags go in one string, comma-separated)");
		} else {
			json_err(j, where, "block \"%s\": filter %s: has no value (a string)", b->name, field);
		}
		if (field != NULL && value != NULL)
			add_filter(b, field, value, where);
		free(field);
		free(where);
	}
}

static void
json_block(struct json_spec *j, const cJSON *obj, int i)
{
	static const char *const known[] = { "name", "block_type", "header", "stock_configuration",
		"tabular_configuration", "detail_configuration", "filter_entries", NULL };
	static const char *const stock_known[] = { "stock_type", "title", "subtitle", NULL };
	static const char *const data_known[] = { "model_choice", "fields", "ordering", NULL };
	char *name = json_name(j, obj, "blocks", i), *where;
	struct reportspec_block *b;
	const cJSON *cfg, *v;
	const char *cfg_key;

	if (name == NULL)
		return;
	where = json_where(j->path, "blocks", i, name, NULL);
	for (size_t k = 0; k < j->s->nblocks; k++)
		if (strcmp(j->s->blocks[k].name, name) == 0)
			json_err(j, where, "a second block of this name (first: %s)", j->s->blocks[k].where);
	b = add_block(j->s, name, where);
	json_unknown(j, obj, known, where, "a block");
	b->block_type = json_str(j, obj, "block_type", where);
	b->header = json_str(j, obj, "header", where);
	if ((cfg = cJSON_GetObjectItemCaseSensitive(obj, "stock_configuration")) != NULL) {
		if (!cJSON_IsObject(cfg)) {
			json_err(j, where, "stock_configuration must be an object");
		} else {
			json_unknown(j, cfg, stock_known, where, "stock_configuration");
			b->stock_type = json_str(j, cfg, "stock_type", where);
			b->title = json_str(j, cfg, "title", where);
			b->subtitle = json_str(j, cfg, "subtitle", where);
		}
	}
	for (int n = 0; n < 2; n++) {
		cfg_key = n ? "detail_configuration" : "tabular_configuration";
		if ((cfg = cJSON_GetObjectItemCaseSensitive(obj, cfg_key)) == NULL)
			continue;
		if (!cJSON_IsObject(cfg)) {
			json_err(j, where, "%s must be an object", cfg_key);
			continue;
		}
		if (b->fields_where || b->model_choice || b->ordering) {
			json_err(j, where, "give tabular_configuration or detail_configuration, not both");
			continue;
		}
		if (b->block_type && strcmp(reportspec_config_key(b->block_type), cfg_key) != 0) {
			json_err(j, where, "%s does not go with block_type %s", cfg_key, b->block_type);
			continue;
		}
		json_unknown(j, cfg, data_known, where, cfg_key);
		b->model_choice = json_str(j, cfg, "model_choice", where);
		b->ordering = json_str(j, cfg, "ordering", where);
		if ((v = cJSON_GetObjectItemCaseSensitive(cfg, "fields")) != NULL) {
			const cJSON *it;

			b->fields_where = xasprintf("%s.%s.fields", where, cfg_key);
			if (!cJSON_IsArray(v))
				json_err(j, where, "%s.fields must be a list of column paths", cfg_key);
			/* The macro tests cJSON_IsArray(v) twice; the analyser thinks the two may differ. */
			/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
			cJSON_ArrayForEach(it, (cJSON_IsArray(v) ? v : NULL)) {
				if (!cJSON_IsString(it)) {
					json_err(j, where, "%s.fields must hold strings", cfg_key);
					continue;
				}
				b->fields = xrealloc(b->fields, (b->nfields + 1) * sizeof *b->fields);
				b->fields[b->nfields++] = xstrdup(it->valuestring);
			}
		}
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "filter_entries")) != NULL)
		json_filters(j, b, v, i);
	free(name);
	free(where);
}

static void
json_template(struct json_spec *j, const cJSON *obj, int i)
{
	static const char *const known[] = { "name", "description", "theme", "blocks", NULL };
	char *name = json_name(j, obj, "templates", i), *where;
	struct reportspec_template *t;
	const cJSON *v, *it;
	int k = 0;

	if (name == NULL)
		return;
	where = json_where(j->path, "templates", i, name, NULL);
	for (size_t n = 0; n < j->s->ntemplates; n++)
		if (strcmp(j->s->templates[n].name, name) == 0)
			json_err(j, where, "a second template of this name (first: %s)",
			    j->s->templates[n].where);
	t = add_template(j->s, name, where);
	json_unknown(j, obj, known, where, "a template");
	t->description = json_str(j, obj, "description", where);
	if ((t->theme = json_str(j, obj, "theme", where)) != NULL)
		t->theme_where = json_where(j->path, "templates", i, name, ".theme");
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "blocks")) != NULL && !cJSON_IsArray(v))
		json_err(j, where, "blocks must be a list of block names, in order");
	/* The macro tests cJSON_IsArray(v) twice; the analyser thinks the two may differ. */
	/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
	cJSON_ArrayForEach(it, (cJSON_IsArray(v) ? v : NULL)) {
		char tail[32], *w;

		snprintf(tail, sizeof tail, ".blocks[%d]", k++);
		w = json_where(j->path, "templates", i, name, tail);
		if (cJSON_IsString(it))
			add_template_block(t, it->valuestring, w);
		else
			json_err(j, w, "must be a block's name");
		free(w);
	}
	free(name);
	free(where);
}

/* Line and column of offset off in text, for a syntax error. */
static void
line_col(const char *text, size_t off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static int
load_json(struct reportspec *s, const char *path, const char *text, size_t len)
{
	static const char *const known[] = { "themes", "blocks", "templates", NULL };
	struct json_spec j = { path, 0, s };
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	const cJSON *list, *it;
	int i;

	if (root == NULL) {
		size_t off = end && end >= text && end <= text + len ? (size_t)(end - text) : 0;
		char near[40];
		int line, col;

		line_col(text, off, &line, &col);
		snprintf(near, sizeof near, "%.30s", text + off);
		for (char *p = near; *p; p++)
			if (*p == '\n' || *p == '\r' || *p == '\t')
				*p = ' ';
		log_errorx("%s:%d:%d: not valid JSON here: %s", path, line, col, near[0] ? near : "(end of file)");
		return -1;
	}
	{
		/* cJSON stops after the first value: anything else but blanks is an error. */
		const char *p = end;

		while (p && p < text + len && isspace((unsigned char)*p))
			p++;
		if (p && p < text + len) {
			int line, col;

			line_col(text, (size_t)(p - text), &line, &col);
			log_errorx("%s:%d:%d: not valid JSON here: text after the document", path, line, col);
			cJSON_Delete(root);
			return -1;
		}
	}
	if (!cJSON_IsObject(root)) {
		log_errorx("%s: the spec must be a JSON object {\"themes\": [...], \"blocks\": [...], "
		    "\"templates\": [...]}", path);
		cJSON_Delete(root);
		return -1;
	}
	json_unknown(&j, root, known, path, "a spec (known: themes, blocks, templates)");
	for (int k = 0; known[k]; k++) {
		list = cJSON_GetObjectItemCaseSensitive(root, known[k]);
		if (list != NULL && !cJSON_IsArray(list)) {
			json_err(&j, path, "%s must be a list", known[k]);
			continue;
		}
		i = 0;
		cJSON_ArrayForEach(it, list) {
			if (k == 0)
				json_theme(&j, it, i);
			else if (k == 1)
				json_block(&j, it, i);
			else
				json_template(&j, it, i);
			i++;
		}
	}
	cJSON_Delete(root);
	return j.errors ? -1 : 0;
}

/* --- checks without the server --------------------------------------------- */

/* Log one error of the checks; returns 1, to count it. */
static int
problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
problem(const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_errorx("%s", msg);
	return 1;
}

static int
bad_name(const char *name)
{
	if (*name == '\0' || strlen(name) > NAME_MAX_LEN)
		return 1;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 1;
	return 0;
}

static int
is_color(const char *s)
{
	if (strlen(s) != 7 || s[0] != '#')
		return 0;
	for (int i = 1; i < 7; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int
check_theme(const struct reportspec_theme *t)
{
	int errors = 0;
	char safe[300];

	if (bad_name(t->name))
		errors += problem("%s: theme \"%s\": a name must be 1 to %d printable bytes", t->where,
		    escape_name(t->name, safe, sizeof safe), NAME_MAX_LEN);
	for (int c = 0; c < RS_NCOLORS; c++)
		if (t->color[c] && !is_color(t->color[c]))
			errors += problem("%s: theme \"%s\": %s %s is not a colour of the form #1e3a5f",
			    t->where, t->name, color_keys[c], escape_name(t->color[c], safe, sizeof safe));
	return errors;
}

static int
check_filter(const struct reportspec_block *b, struct reportspec_filter *f, size_t k)
{
	char safe[300];
	int errors = 0;

	for (size_t i = 0; legacy[i].name; i++)
		if (strcmp(f->field, legacy[i].name) == 0)
			return problem("%s: block \"%s\": filter %s: a legacy name that DefectDojo drops "
			    "without a word; %s", f->where, b->name, f->field, legacy[i].instead);
	if (strspn(f->field, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") !=
	    strlen(f->field))
		return problem("%s: block \"%s\": filter %s: not a query parameter name (letters, "
		    "digits and _)", f->where, b->name, escape_name(f->field, safe, sizeof safe));
	if (strcmp(f->field, "limit") == 0 || strcmp(f->field, "offset") == 0)
		errors += problem("%s: block \"%s\": filter %s: a pagination parameter, not a filter",
		    f->where, b->name, f->field);
	if (strcmp(f->field, "severity") == 0 && strchr(f->value, ',') != NULL)
		errors += problem("%s: block \"%s\": filter severity: takes one value, not a list "
		    "(\"%s\"): DefectDojo would keep only the first; make one block per severity", f->where,
		    b->name, escape_name(f->value, safe, sizeof safe));
	if (f->value[0] == '\0')
		errors += problem("%s: block \"%s\": filter %s: has no value", f->where, b->name,
		    f->field);
	for (size_t i = 0; i < k; i++)
		if (strcmp(b->filters[i].field, f->field) == 0 && strcmp(b->filters[i].value, f->value) == 0)
			errors += problem("%s: block \"%s\": filter %s: the same value is already given "
			    "at %s", f->where, b->name, f->field, b->filters[i].where);
	return errors;
}

static int
check_block(struct reportspec_block *b)
{
	int errors = 0, stock;
	char safe[300];

	if (bad_name(b->name))
		errors += problem("%s: block \"%s\": a name must be 1 to %d printable bytes", b->where,
		    escape_name(b->name, safe, sizeof safe), NAME_MAX_LEN);
	if (b->block_type == NULL)
		return errors + (problem("%s: block \"%s\": has no block_type (stock, tabular or detail)",
		    b->where, b->name));
	if (strcmp(b->block_type, "chart") == 0)
		return errors + (problem("%s: block \"%s\": block_type chart exists in DefectDojo's "
		    "model but not in its API; use stock, tabular or detail", b->where, b->name));
	if (!in_list(b->block_type, block_types))
		return errors + (problem("%s: block \"%s\": block_type %s is none of stock, tabular, "
		    "detail", b->where, b->name, escape_name(b->block_type, safe, sizeof safe)));
	stock = strcmp(b->block_type, "stock") == 0;
	if (stock) {
		if (b->stock_type == NULL)
			errors += problem("%s: block \"%s\": a stock block needs a stock_type (cover_page, "
			    "table_of_contents, page_break, image or text_block)", b->where, b->name);
		else if (!in_list(b->stock_type, stock_types))
			errors += problem("%s: block \"%s\": stock_type %s is none of cover_page, "
			    "table_of_contents, page_break, image, text_block", b->where, b->name,
			    escape_name(b->stock_type, safe, sizeof safe));
		if (b->model_choice || b->fields_where || b->ordering || b->nfilters)
			errors += problem("%s: block \"%s\": a stock block has no model_choice, fields, "
			    "ordering or filters", b->where, b->name);
		return errors;
	}
	if (b->stock_type || b->title || b->subtitle)
		errors += problem("%s: block \"%s\": stock_type, title and subtitle are for stock "
		    "blocks, not %s ones", b->where, b->name, b->block_type);
	if (b->model_choice == NULL)
		errors += problem("%s: block \"%s\": a %s block needs a model_choice (%s)", b->where,
		    b->name, b->block_type, "organization, asset, engagement, test, finding, test_type or "
		    "risk_acceptance");
	else if (!in_list(b->model_choice, models))
		errors += problem("%s: block \"%s\": model_choice %s is none of organization, asset, "
		    "engagement, test, finding, test_type, risk_acceptance (or, with Locations, location, "
		    "url, dependency, location_asset)", b->where, b->name,
		    escape_name(b->model_choice, safe, sizeof safe));
	if (b->nfields == 0)
		errors += problem("%s: block \"%s\": a %s block needs fields (its columns, from "
		    "GET /api/v2/report_blocks/field_options/)", b->fields_where ? b->fields_where : b->where,
		    b->name, b->block_type);
	for (size_t i = 0; i < b->nfields; i++)
		for (size_t k = 0; k < i; k++)
			if (strcmp(b->fields[i], b->fields[k]) == 0)
				errors += problem("%s: block \"%s\": column %s is listed twice",
				    b->fields_where, b->name, escape_name(b->fields[i], safe, sizeof safe));
	for (size_t k = 0; k < b->nfilters; k++) {
		int bad = check_filter(b, &b->filters[k], k);

		b->filters[k].refused = bad > 0;
		errors += bad;
	}
	return errors;
}

static int
check_template(const struct reportspec_template *t)
{
	int errors = 0;
	char safe[300];

	if (bad_name(t->name))
		errors += problem("%s: template \"%s\": a name must be 1 to %d printable bytes", t->where,
		    escape_name(t->name, safe, sizeof safe), NAME_MAX_LEN);
	if (t->nblocks == 0)
		errors += problem("%s: template \"%s\": lists no block (block = NAME, once per block, "
		    "in order)", t->where, t->name);
	return errors;
}

static int
has_json_name(const char *path)
{
	size_t n = strlen(path);

	return n > 5 && strcasecmp(path + n - 5, ".json") == 0;
}

int
reportspec_check(struct reportspec *s)
{
	int errors = 0;

	for (size_t i = 0; i < s->nthemes; i++)
		errors += check_theme(&s->themes[i]);
	for (size_t i = 0; i < s->nblocks; i++)
		errors += check_block(&s->blocks[i]);
	for (size_t i = 0; i < s->ntemplates; i++)
		errors += check_template(&s->templates[i]);
	return errors;
}

int
reportspec_load(struct reportspec *s, const char *path)
{
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	int fd, rc = -1, errors = 0, json;
	ssize_t n;

	memset(s, 0, sizeof *s);
	s->path = xstrdup(path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0) {
		log_error("%s", path);
		goto out;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		problem("%s: not a regular file", path);
		goto out;
	}
	if (st.st_size > SPEC_MAX) {
		problem("%s: larger than %d bytes: not a spec", path, SPEC_MAX);
		goto out;
	}
	text = xmalloc((size_t)st.st_size + 1);
	while (len < (size_t)st.st_size && (n = read(fd, text + len, (size_t)st.st_size - len))) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			log_error("%s", path);
			goto out;
		}
		len += (size_t)n;
	}
	text[len] = '\0';
	json = has_json_name(path);
	if (!json) {
		const char *p = text;

		if (strncmp(p, "\xEF\xBB\xBF", 3) == 0)
			p += 3;
		while (isspace((unsigned char)*p))
			p++;
		json = *p == '{';
	}
	if (len == 0) {
		errors = 0;	/* said below: it describes nothing */
	} else if (json) {
		errors = load_json(s, path, text, len) < 0;
	} else {
		FILE *fp = fmemopen(text, len, "r");

		if (fp == NULL) {
			log_error("%s", path);
			goto out;
		}
		errors = load_ini(s, path, fp) < 0;
		fclose(fp);
	}
	if (!errors && s->nthemes + s->nblocks + s->ntemplates == 0) {
		problem("%s: describes no theme, block or template", path);
		errors++;
	}
	rc = errors ? -1 : 0;
out:
	if (fd >= 0)
		close(fd);
	free(text);
	if (rc < 0)
		reportspec_release(s);
	return rc;
}
