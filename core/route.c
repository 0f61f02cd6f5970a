/*
 * The pure decisions behind every upload: names from the layout, the test
 * title, the scan date, the upload name and the form.  No I/O here, so the
 * same code serves `plan`, `once` and the unit tests.
 */
#include "route.h"
#include "scantypes.h"
#include "strbuf.h"
#include "xmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum level { L_LITERAL, L_PRODUCT_TYPE, L_PRODUCT, L_ENGAGEMENT, L_TEST_TITLE, L_ANY };

static const struct {
	const char *text;
	enum level level;
} placeholders[] = {
	{ "{product_type}", L_PRODUCT_TYPE },
	{ "{product}", L_PRODUCT },
	{ "{engagement}", L_ENGAGEMENT },
	{ "{test_title}", L_TEST_TITLE },
	{ "{*}", L_ANY },
};

static enum level
level_of(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof placeholders / sizeof placeholders[0]; i++)
		if (strlen(placeholders[i].text) == n && strncmp(s, placeholders[i].text, n) == 0)
			return placeholders[i].level;
	return L_LITERAL;
}

int
route_check_layout(const char *layout, char *err, size_t errlen)
{
	int seen[L_ANY + 1] = { 0 };
	const char *p = layout;

	if (*layout == '\0' || *layout == '/') {
		snprintf(err, errlen, "layout must be relative levels such as {product_type}/{product}/{engagement}");
		return -1;
	}
	while (*p) {
		size_t n = strcspn(p, "/");
		enum level l = level_of(p, n);

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && strncmp(p, "..", 2) == 0)) {
			snprintf(err, errlen, "layout has an empty, . or .. level");
			return -1;
		}
		if (l == L_LITERAL && memchr(p, '{', n) != NULL) {
			snprintf(err, errlen, "layout level \"%.*s\" is not one of {product_type} {product} "
			    "{engagement} {test_title} {*}", (int)n, p);
			return -1;
		}
		if (l != L_LITERAL && l != L_ANY && seen[l]++) {
			snprintf(err, errlen, "layout uses %.*s twice", (int)n, p);
			return -1;
		}
		p += n;
		if (*p == '/')
			p++;
	}
	return 0;
}

/* Trim and check one DefectDojo name; returns a copy or NULL with why. */
static char *
clean_name(const char *s, size_t n, const char *what, char *err, size_t errlen)
{
	char shown[128];

	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0) {
		snprintf(err, errlen, "the %s name is empty", what);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			char *copy = xstrndup(s, n);

			snprintf(err, errlen, "the %s name \"%s\" contains a control character, "
			    "which DefectDojo names cannot hold", what, escape_name(copy, shown, sizeof shown));
			free(copy);
			return NULL;
		}
	if (n > 255) {
		snprintf(err, errlen, "the %s name is %zu bytes long; DefectDojo takes at most 255", what, n);
		return NULL;
	}
	return xstrndup(s, n);
}

int
route_names(const char *layout, const char *relpath, const struct import_opts *opts,
    struct route *out, char *err, size_t errlen)
{
	size_t want = 0, have = 0;
	const char *lp, *rp, *slash;

	memset(out, 0, sizeof *out);
	for (lp = layout; *lp; lp++)
		want += (*lp == '/');
	want++;
	for (rp = relpath; *rp; rp++)
		have += (*rp == '/');
	slash = strrchr(relpath, '/');
	out->folder = slash ? xstrndup(relpath, (size_t)(slash - relpath)) : xstrdup("");

	if (have != want) {
		snprintf(err, errlen, "the report sits %zu folder%s deep, but the layout %s needs it "
		    "exactly %zu deep: move it to %s/<report>", have, have == 1 ? "" : "s", layout,
		    want, layout);
		goto fail;
	}
	lp = layout;
	rp = relpath;
	while (*lp) {
		size_t ln = strcspn(lp, "/"), rn = strcspn(rp, "/");
		enum level l = level_of(lp, ln);
		char **slot = NULL;
		const char *what = NULL;

		switch (l) {
		case L_PRODUCT_TYPE: slot = &out->product_type; what = "product type"; break;
		case L_PRODUCT: slot = &out->product; what = "product"; break;
		case L_ENGAGEMENT: slot = &out->engagement; what = "engagement"; break;
		case L_TEST_TITLE: slot = &out->test_title; what = "test title"; break;
		case L_ANY: break;
		case L_LITERAL:
			if (ln != rn || strncmp(lp, rp, ln) != 0) {
				snprintf(err, errlen, "the folder \"%.*s\" should be \"%.*s\" as the layout %s says",
				    (int)(rn > 80 ? 80 : rn), rp, (int)ln, lp, layout);
				goto fail;
			}
			break;
		}
		if (slot != NULL && (*slot = clean_name(rp, rn, what, err, errlen)) == NULL)
			goto fail;
		lp += ln + (lp[ln] == '/');
		rp += rn + 1;
	}
	if (out->product_type == NULL && opts->v[IK_PRODUCT_TYPE_NAME])
		out->product_type = xstrdup(opts->v[IK_PRODUCT_TYPE_NAME]);
	if (out->product == NULL && opts->v[IK_PRODUCT_NAME])
		out->product = xstrdup(opts->v[IK_PRODUCT_NAME]);
	if (out->engagement == NULL && opts->v[IK_ENGAGEMENT_NAME])
		out->engagement = xstrdup(opts->v[IK_ENGAGEMENT_NAME]);
	if (out->product == NULL || out->engagement == NULL) {
		snprintf(err, errlen, "no %s name: the layout %s has no {%s} level and the configuration "
		    "sets no %s_name", out->product ? "engagement" : "product", layout,
		    out->product ? "engagement" : "product", out->product ? "engagement" : "product");
		goto fail;
	}
	return 0;
fail:
	route_release(out);
	return -1;
}

void
route_release(struct route *r)
{
	free(r->product_type);
	free(r->product);
	free(r->engagement);
	free(r->test_title);
	free(r->folder);
	memset(r, 0, sizeof *r);
}

/* DefectDojo's test title column holds 255 characters; cut at a UTF-8 boundary. */
static char *
cap_title(struct strbuf *sb)
{
	size_t n = sb->len;

	if (n > 255) {
		n = 255;
		/* A sequence is at most 4 bytes: more continuation bytes are not UTF-8, cut anywhere. */
		while (n > 252 && ((unsigned char)sb->buf[n] & 0xc0) == 0x80)
			n--;
		if (((unsigned char)sb->buf[n] & 0xc0) == 0x80)
			n = 255;
		sb->buf[n] = '\0';
		sb->len = n;
	}
	return strbuf_detach(sb);
}

char *
route_test_title(const struct import_opts *opts, const struct route *r,
    const struct route_report *rep)
{
	const char *tmpl = opts->v[IK_TEST_TITLE];
	const char *who = rep->suggested_title ? rep->suggested_title : rep->scan_type;
	struct strbuf sb = STRBUF_INIT;

	if (tmpl == NULL || strcmp(tmpl, "auto") == 0) {
		if (r->test_title != NULL)
			strbuf_addstr(&sb, r->test_title);
		else if (rep->target != NULL && *rep->target != '\0')
			strbuf_addf(&sb, "%s (%s)", who, rep->target);
		else
			strbuf_addstr(&sb, who);
		return cap_title(&sb);
	}
	for (const char *p = tmpl; *p; ) {
		static const char *const names[] = { "{target}", "{tool}", "{scan_type}", "{product_type}",
			"{product}", "{engagement}", "{folder}" };
		const char *vals[] = { rep->target, rep->tool ? rep->tool : who, rep->scan_type,
			r->product_type, r->product, r->engagement, r->folder };
		size_t i;

		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			if (strncmp(p, names[i], strlen(names[i])) == 0)
				break;
		if (i < sizeof names / sizeof names[0]) {
			strbuf_addstr(&sb, vals[i] ? vals[i] : "");
			p += strlen(names[i]);
		} else {
			strbuf_addch(&sb, *p++);
		}
	}
	/* A template whose placeholders were all empty must not yield an empty title. */
	while (sb.len > 0 && (sb.buf[sb.len - 1] == ' ' || sb.buf[sb.len - 1] == '-'))
		sb.buf[--sb.len] = '\0';
	if (sb.len == 0)
		strbuf_addstr(&sb, who);
	return cap_title(&sb);
}

static void
utc_date(time_t t, char out[11])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

void
route_scan_date(const struct import_opts *opts, const struct route_report *rep,
    time_t mtime, time_t now, char out[11], const char **source)
{
	const char *policy = opts->v[IK_SCAN_DATE] ? opts->v[IK_SCAN_DATE] : "auto";
	char today[11];

	out[0] = '\0';
	*source = "none";
	utc_date(now, today);
	if (strcmp(policy, "none") == 0)
		return;
	if (strcmp(policy, "mtime") == 0) {
		utc_date(mtime, out);
		*source = "file time";
	} else if (strcmp(policy, "report") == 0 ||
	    (strcmp(policy, "auto") == 0 && rep->parser_reads_dates == 0)) {
		/* auto: only where DefectDojo's parser would otherwise stamp "today". */
		if (rep->scan_date == NULL)
			return;
		snprintf(out, 11, "%s", rep->scan_date);
		*source = "report";
	} else if (strcmp(policy, "auto") == 0) {
		/* Nothing sent: DefectDojo's parser takes each finding's date from the file. */
		*source = "parser";
		return;
	} else {
		snprintf(out, 11, "%s", policy);
		*source = "config";
	}
	/* The server refuses dates after its own today. */
	if (strcmp(out, today) > 0)
		memcpy(out, today, 11);
}

char *
route_upload_name(const struct route_report *rep)
{
	struct strbuf sb = STRBUF_INIT;
	const char *ext, *have;
	size_t n;

	/* A dotfile name would upload as a bare extension, or as nothing at all. */
	if (rep->basename[0] == '\0' || rep->basename[0] == '.')
		strbuf_addstr(&sb, "report");
	for (const unsigned char *p = (const unsigned char *)rep->basename; *p; p++)
		strbuf_addch(&sb, (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\' || *p == '/' ||
		    *p == ';') ? '_' : *p);

	ext = rep->upload_ext;
	if (ext == NULL) {
		/* Keep the file's own extension when the server allows it. */
		if (scantypes_allowed_ext(sb.buf) != NULL)
			goto done;
		ext = rep->kind_is_xml ? ".xml" : rep->kind_is_json ? ".json" : rep->kind_is_csv ? ".csv" : ".txt";
	}
	n = strlen(ext);
	have = strrchr(sb.buf, '.');
	if (sb.len > n && strcasecmp(sb.buf + sb.len - n, ext) == 0) {
		memcpy(sb.buf + sb.len - n, ext, n);	/* ZAP wants ".xml" lower case */
	} else if (have != NULL && strchr(ext + 1, '.') != NULL &&
	    strcasecmp(have, strrchr(ext, '.')) == 0) {
		/* "x.json" for ".ocsf.json": the two-part extension replaces the last one. */
		sb.len = (size_t)(have - sb.buf);
		sb.buf[sb.len] = '\0';
		strbuf_addstr(&sb, ext);
	} else {
		strbuf_addstr(&sb, ext);
	}
done:
	/* Long names gain nothing and some proxies choke on them. */
	n = sb.len;
	if (n > 200) {
		const char *dot = strrchr(sb.buf, '.');
		size_t extlen = dot ? strlen(dot) : 0;
		size_t keep = 200 - extlen;

		while (keep > 0 && ((unsigned char)sb.buf[keep] & 0xc0) == 0x80)
			keep--;
		memmove(sb.buf + keep, dot ? dot : "", extlen + 1);
		sb.len = keep + extlen;
	}
	return strbuf_detach(&sb);
}

static void
form_add(struct form *f, const char *name, const char *value)
{
	f->fields = xrealloc(f->fields, (f->n + 1) * sizeof *f->fields);
	f->fields[f->n].name = xstrdup(name);
	f->fields[f->n].value = xstrdup(value);
	f->n++;
}

void
route_build_form(struct form *f, const struct import_opts *opts, const struct route *r,
    const struct route_report *rep, const char *test_title, const char *scan_date)
{
	memset(f, 0, sizeof *f);
	form_add(f, "scan_type", rep->scan_type);
	if (r->product_type != NULL)
		form_add(f, "product_type_name", r->product_type);
	form_add(f, "product_name", r->product);
	form_add(f, "engagement_name", r->engagement);
	form_add(f, "test_title", test_title);
	/* Sent only as true: the server's pre-check treats any present value as true. */
	form_add(f, "auto_create_context", "true");
	if (scan_date != NULL && *scan_date != '\0')
		form_add(f, "scan_date", scan_date);
	for (int k = 0; k < IK_COUNT; k++) {
		if (!conf_import_key_is_field((enum import_key)k) || opts->v[k] == NULL)
			continue;
		if (k == IK_SCAN_TYPE || k == IK_PRODUCT_TYPE_NAME || k == IK_PRODUCT_NAME ||
		    k == IK_ENGAGEMENT_NAME)
			continue;	/* already decided above */
		form_add(f, conf_import_key_name((enum import_key)k), opts->v[k]);
	}
}

const char *
form_get(const struct form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->fields[i].name, name) == 0)
			return f->fields[i].value;
	return NULL;
}

void
form_release(struct form *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->fields[i].name);
		free(f->fields[i].value);
	}
	free(f->fields);
	free(f->upload_name);
	memset(f, 0, sizeof *f);
}
