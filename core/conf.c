/*
 * Configuration loading: conf.d through inih, .dojobridge.conf files and
 * JSON sidecars, all validated against one table of import keys so that a
 * key means the same thing wherever it is written.
 */
#include "conf.h"
#include "jsonnum.h"
#include "datefmt.h"
#include "log.h"
#include "sandbox.h"
#include "scantypes.h"
#include "strbuf.h"
#include "xmem.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdarg.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

enum value_type { VT_TEXT, VT_NAME, VT_BOOL, VT_DATE, VT_INT, VT_CHOICE, VT_TAGS, VT_URI,
	VT_SCAN_TYPE, VT_SCAN_TYPE_LIST, VT_TEMPLATE, VT_SCAN_DATE_POLICY };

static const char *const severities[] = { "Info", "Low", "Medium", "High", "Critical", NULL };
static const char *const group_bys[] = { "component_name", "component_name+component_version",
	"file_path", "finding_title", "vuln_id_from_tool", NULL };
static const char *const empty_policies[] = { "fail", "skip", "upload", NULL };

static const struct import_key_def {
	const char *name;
	enum value_type type;
	const char *const *choices;
} import_keys[IK_COUNT] = {
	[IK_SCAN_TYPE] = { "scan_type", VT_SCAN_TYPE, NULL },
	[IK_PRODUCT_TYPE_NAME] = { "product_type_name", VT_NAME, NULL },
	[IK_PRODUCT_NAME] = { "product_name", VT_NAME, NULL },
	[IK_ENGAGEMENT_NAME] = { "engagement_name", VT_NAME, NULL },
	[IK_MINIMUM_SEVERITY] = { "minimum_severity", VT_CHOICE, severities },
	[IK_ACTIVE] = { "active", VT_BOOL, NULL },
	[IK_VERIFIED] = { "verified", VT_BOOL, NULL },
	[IK_ENDPOINT_TO_ADD] = { "endpoint_to_add", VT_INT, NULL },
	[IK_ENGAGEMENT_END_DATE] = { "engagement_end_date", VT_DATE, NULL },
	[IK_SOURCE_CODE_MANAGEMENT_URI] = { "source_code_management_uri", VT_URI, NULL },
	[IK_DEDUPLICATION_ON_ENGAGEMENT] = { "deduplication_on_engagement", VT_BOOL, NULL },
	[IK_LEAD] = { "lead", VT_INT, NULL },
	[IK_PUSH_TO_JIRA] = { "push_to_jira", VT_BOOL, NULL },
	[IK_ENVIRONMENT] = { "environment", VT_NAME, NULL },
	[IK_VERSION] = { "version", VT_TEXT, NULL },
	[IK_BUILD_ID] = { "build_id", VT_TEXT, NULL },
	[IK_BRANCH_TAG] = { "branch_tag", VT_TEXT, NULL },
	[IK_COMMIT_HASH] = { "commit_hash", VT_TEXT, NULL },
	[IK_API_SCAN_CONFIGURATION] = { "api_scan_configuration", VT_INT, NULL },
	[IK_SERVICE] = { "service", VT_TEXT, NULL },
	[IK_GROUP_BY] = { "group_by", VT_CHOICE, group_bys },
	[IK_CREATE_FINDING_GROUPS_FOR_ALL_FINDINGS] = { "create_finding_groups_for_all_findings", VT_BOOL, NULL },
	[IK_APPLY_TAGS_TO_FINDINGS] = { "apply_tags_to_findings", VT_BOOL, NULL },
	[IK_APPLY_TAGS_TO_ENDPOINTS] = { "apply_tags_to_endpoints", VT_BOOL, NULL },
	[IK_CLOSE_OLD_FINDINGS] = { "close_old_findings", VT_BOOL, NULL },
	[IK_CLOSE_OLD_FINDINGS_PRODUCT_SCOPE] = { "close_old_findings_product_scope", VT_BOOL, NULL },
	[IK_DO_NOT_REACTIVATE] = { "do_not_reactivate", VT_BOOL, NULL },
	[IK_TAGS] = { "tags", VT_TAGS, NULL },
	[IK_TEST] = { "test", VT_INT, NULL },
	[IK_TEST_TITLE] = { "test_title", VT_TEMPLATE, NULL },
	[IK_SCAN_DATE] = { "scan_date", VT_SCAN_DATE_POLICY, NULL },
	[IK_EMPTY] = { "empty", VT_CHOICE, empty_policies },
	[IK_PREFER] = { "prefer", VT_SCAN_TYPE_LIST, NULL },
};

const char *
conf_import_key_name(enum import_key k)
{
	return import_keys[k].name;
}

int
conf_import_key_is_field(enum import_key k)
{
	return k < IK_TEST_TITLE;
}

int
conf_import_key_find(const char *name)
{
	int k;

	for (k = 0; k < IK_COUNT; k++)
		if (strcmp(import_keys[k].name, name) == 0)
			return k;
	return -1;
}

int
conf_parse_bool(const char *s, int *b)
{
	if (strcasecmp(s, "yes") == 0 || strcasecmp(s, "true") == 0)
		*b = 1;
	else if (strcasecmp(s, "no") == 0 || strcasecmp(s, "false") == 0)
		*b = 0;
	else
		return -1;
	return 0;
}

/* Parse a non-negative decimal with an optional unit from units[]. */
static int
parse_with_unit(const char *s, const char *const *units, const long long *factors,
    long long *out)
{
	char *end;
	long long n, f = 0;
	size_t i;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0)
		return -1;
	while (*end == ' ')
		end++;
	for (i = 0; units[i] != NULL; i++)
		if (strcasecmp(end, units[i]) == 0) {
			f = factors[i];
			break;
		}
	if (units[i] == NULL)
		return -1;
	if (n > LLONG_MAX / f)
		return -1;
	*out = n * f;
	return 0;
}

int
conf_parse_duration(const char *s, long *ms)
{
	static const char *const units[] = { "", "ms", "s", "m", "h", "d", NULL };
	static const long long f[] = { 1000, 1, 1000, 60000, 3600000, 86400000 };
	long long v;

	if (parse_with_unit(s, units, f, &v) < 0 || v > LONG_MAX)
		return -1;
	*ms = (long)v;
	return 0;
}

int
conf_parse_size(const char *s, long long *bytes)
{
	static const char *const units[] = { "", "B", "k", "KB", "KiB", "M", "MB", "MiB", "G", "GB", "GiB", NULL };
	static const long long f[] = { 1, 1, 1000, 1000, 1024, 1000000, 1000000, 1048576,
		1000000000, 1000000000, 1073741824 };

	return parse_with_unit(s, units, f, bytes);
}

/* Exactly YYYY-MM-DD and a real calendar date. */
static int
valid_date(const char *s)
{
	char norm[11];

	return strlen(s) == 10 && datefmt_parse(s, 0, norm) == 0 && strcmp(norm, s) == 0;
}

static int
has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* DefectDojo's tag rules: no spaces, commas or quotes; we accept a comma- or space-separated list. */
static int
normalise_tags(const char *value, struct strbuf *out, char *err, size_t errlen)
{
	const char *p = value;

	while (*p) {
		size_t n;

		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		n = strcspn(p, ", \t");
		if (n == 0)
			break;
		for (size_t i = 0; i < n; i++)
			if (p[i] == '"' || p[i] == '\'' || (unsigned char)p[i] < 0x20) {
				snprintf(err, errlen, "tag \"%.*s\" has a quote or control character, "
				    "which DefectDojo refuses", (int)(n > 64 ? 64 : n), p);
				return -1;
			}
		if (out->len)
			strbuf_addch(out, ',');
		strbuf_add(out, p, n);
		p += n;
	}
	return 0;
}

int
conf_import_set(struct import_opts *o, enum import_key k, const char *value,
    char *err, size_t errlen)
{
	const struct import_key_def *def = &import_keys[k];
	struct strbuf norm = STRBUF_INIT;
	int b;

	err[0] = '\0';
	if (has_control(value)) {
		snprintf(err, errlen, "contains a control character");
		return -1;
	}
	switch (def->type) {
	case VT_TEXT:
	case VT_NAME:
		/* DefectDojo trims names in the serializer but not in its permission check. */
		while (*value == ' ' || *value == '\t')
			value++;
		strbuf_addstr(&norm, value);
		while (norm.len && (norm.buf[norm.len - 1] == ' ' || norm.buf[norm.len - 1] == '\t'))
			norm.buf[--norm.len] = '\0';
		if (norm.len == 0) {
			snprintf(err, errlen, "must not be empty");
			goto fail;
		}
		if (def->type == VT_NAME && norm.len > 255) {
			snprintf(err, errlen, "is %zu bytes long; DefectDojo takes at most 255", norm.len);
			goto fail;
		}
		break;
	case VT_BOOL:
		if (conf_parse_bool(value, &b) < 0) {
			snprintf(err, errlen, "must be yes, no, true or false");
			goto fail;
		}
		strbuf_addstr(&norm, b ? "true" : "false");
		break;
	case VT_DATE:
		if (!valid_date(value)) {
			snprintf(err, errlen, "must be a date written YYYY-MM-DD");
			goto fail;
		}
		strbuf_addstr(&norm, value);
		break;
	case VT_INT: {
		char *end;
		long long n;

		errno = 0;
		n = strtoll(value, &end, 10);
		if (!isdigit((unsigned char)*value) || *end != '\0' || errno != 0 || n <= 0) {
			snprintf(err, errlen, "must be a positive whole number (a DefectDojo id)");
			goto fail;
		}
		strbuf_addf(&norm, "%lld", n);
		break;
	}
	case VT_CHOICE:
		for (size_t i = 0; def->choices[i] != NULL; i++)
			if (strcmp(def->choices[i], value) == 0) {
				strbuf_addstr(&norm, value);
				break;
			}
		if (norm.len == 0) {
			struct strbuf list = STRBUF_INIT;

			for (size_t i = 0; def->choices[i] != NULL; i++)
				strbuf_addf(&list, "%s%s", i ? ", " : "", def->choices[i]);
			snprintf(err, errlen, "must be one of %s", list.buf);
			strbuf_release(&list);
			goto fail;
		}
		break;
	case VT_TAGS:
		if (normalise_tags(value, &norm, err, errlen) < 0)
			goto fail;
		break;
	case VT_URI:
		if (strncmp(value, "http://", 7) != 0 && strncmp(value, "https://", 8) != 0) {
			snprintf(err, errlen, "must be an http:// or https:// URI");
			goto fail;
		}
		if (strlen(value) > 600) {
			snprintf(err, errlen, "is longer than DefectDojo's 600 characters");
			goto fail;
		}
		strbuf_addstr(&norm, value);
		break;
	case VT_SCAN_TYPE:
		if (!scantypes_known(value)) {
			snprintf(err, errlen, "\"%.80s\" is not a DefectDojo %s scan type (exact spelling and case; "
			    "see dojobridge plugins)", value, scantypes_dojo_version);
			goto fail;
		}
		strbuf_addstr(&norm, value);
		break;
	case VT_SCAN_TYPE_LIST: {
		/* Normalised to "A,B": no DefectDojo scan type has a comma in it. */
		const char *p = value;

		while (*p != '\0') {
			const char *end = strchr(p, ','), *last;

			if (end == NULL)
				end = p + strlen(p);
			while (p < end && *p == ' ')
				p++;
			for (last = end; last > p && last[-1] == ' '; last--)
				;
			if (last == p) {
				snprintf(err, errlen, "an empty name in the list (scan types separated by commas)");
				goto fail;
			}
			size_t len = (size_t)(last - p);
			char one[128] = "";

			if (len < sizeof one)
				memcpy(one, p, len);
			if (len >= sizeof one || !scantypes_known(one)) {
				snprintf(err, errlen, "\"%.*s\" is not a DefectDojo %s scan type (exact "
				    "spelling and case; see dojobridge plugins)", (int)(len > 80 ? 80 : len), p,
				    scantypes_dojo_version);
				goto fail;
			}
			strbuf_addf(&norm, "%s%s", norm.len ? "," : "", one);
			p = *end == ',' ? end + 1 : end;
		}
		if (norm.len == 0) {
			snprintf(err, errlen, "must name at least one scan type");
			goto fail;
		}
		break;
	}
	case VT_TEMPLATE:
		if (*value == '\0') {
			snprintf(err, errlen, "must not be empty (use auto for the default)");
			goto fail;
		}
		for (const char *p = value; (p = strchr(p, '{')) != NULL; p++) {
			static const char *const vars[] = { "{target}", "{tool}", "{scan_type}",
				"{product}", "{engagement}", "{product_type}", "{folder}", NULL };
			size_t i;

			for (i = 0; vars[i] != NULL; i++)
				if (strncmp(p, vars[i], strlen(vars[i])) == 0)
					break;
			if (vars[i] == NULL) {
				snprintf(err, errlen, "unknown placeholder at \"%.20s\"; known: {target} {tool} "
				    "{scan_type} {product_type} {product} {engagement} {folder}", p);
				goto fail;
			}
		}
		strbuf_addstr(&norm, value);
		break;
	case VT_SCAN_DATE_POLICY:
		if (strcmp(value, "auto") != 0 && strcmp(value, "report") != 0 &&
		    strcmp(value, "mtime") != 0 && strcmp(value, "none") != 0 && !valid_date(value)) {
			snprintf(err, errlen, "must be auto, report, mtime, none or a date YYYY-MM-DD");
			goto fail;
		}
		strbuf_addstr(&norm, value);
		break;
	}
	free(o->v[k]);
	o->v[k] = strbuf_detach(&norm);
	return 0;
fail:
	strbuf_release(&norm);
	return -1;
}

void
import_opts_overlay(struct import_opts *dst, const struct import_opts *src)
{
	for (int k = 0; k < IK_COUNT; k++)
		if (src->v[k] != NULL) {
			free(dst->v[k]);
			dst->v[k] = xstrdup(src->v[k]);
		}
}

void
import_opts_release(struct import_opts *o)
{
	for (int k = 0; k < IK_COUNT; k++) {
		free(o->v[k]);
		o->v[k] = NULL;
	}
}

/*
 * inih calls our reader once per line, with num its line buffer's size (200
 * in Debian's build, which would silently cut longer lines: we refuse them), which is how we know line numbers
 * and can quote the offending line: the library itself does not say.
 */
struct ini_file {
	FILE *fp;
	const char *path;
	int lineno;
	char line[512];
	int errors;
	/* What the file may contain, and where values go. */
	struct conf *conf;
	struct import_opts *dir_policy;	/* non-NULL: a .dojobridge.conf */
};

long
conf_read_line(FILE *fp, char *buf, size_t size, int *nul)
{
	size_t end = size - 1;
	int c = getc(fp);

	/* At the end, the last line stays in buf: a syntax error quotes it. */
	if (c == EOF || ungetc(c, fp) == EOF)
		return -1;
	memset(buf, 1, size);
	if (fgets(buf, (int)size, fp) == NULL)
		return -1;
	/* fgets ends what it stored with the last NUL byte in the buffer. */
	while (end > 0 && buf[end] != '\0')
		end--;
	*nul |= strlen(buf) != end;
	return (long)end;
}

static char *
read_ini_line(char *str, int num, void *stream)
{
	struct ini_file *f = stream;
	int nul = 0, whole;
	long got = conf_read_line(f->fp, f->line, sizeof f->line, &nul);
	size_t n;

	if (got < 0)
		return NULL;
	f->lineno++;
	n = (size_t)got;
	whole = n > 0 && f->line[n - 1] == '\n';
	{
		size_t content = n - (size_t)whole;

		/* inih's fgets takes num-1 bytes, newline included. */
		if (!nul && content <= (size_t)num - 2 && (whole || n < sizeof f->line - 1))
			goto fits;

		if (nul)
			log_errorx("%s:%d: the line holds a NUL byte: this is not a text file", f->path,
			    f->lineno);
		else
			log_errorx("%s:%d: line longer than %d bytes: shorten it", f->path, f->lineno,
			    num - 2);
		f->errors++;
		/* Skip the rest of the line; hand inih an empty one. */
		while (!whole && (got = conf_read_line(f->fp, f->line, sizeof f->line, &nul)) >= 0)
			whole = got > 0 && f->line[got - 1] == '\n';
		str[0] = '\n';
		str[1] = '\0';
		return str;
	}
fits:
	snprintf(str, (size_t)num, "%s", f->line);
	while (n > 0 && (f->line[n - 1] == '\n' || f->line[n - 1] == '\r'))
		f->line[--n] = '\0';
	return str;
}

static int
ini_error(struct ini_file *f, const char *section, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
ini_error(struct ini_file *f, const char *section, const char *key, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	log_errorx("%s:%d: [%s] %s: %s\n    %s", f->path, f->lineno, section, key, why, f->line);
	f->errors++;
	return 1;	/* keep parsing: report every error at once */
}

static struct conf_drop *
drop_get(struct conf *c, const char *name, const char *where)
{
	for (size_t i = 0; i < c->ndrops; i++)
		if (strcmp(c->drops[i].name, name) == 0)
			return &c->drops[i];
	c->drops = xrealloc(c->drops, (c->ndrops + 1) * sizeof *c->drops);
	memset(&c->drops[c->ndrops], 0, sizeof c->drops[0]);
	c->drops[c->ndrops].name = xstrdup(name);
	c->drops[c->ndrops].settle_ms = -1;
	c->drops[c->ndrops].archive_days = -1;
	c->drops[c->ndrops].max_settle_ms = -1;
	c->drops[c->ndrops].poll_ms = -1;
	c->drops[c->ndrops].out_of_order = -1;
	c->drops[c->ndrops].on_success = ON_SUCCESS_ARCHIVE;
	c->drops[c->ndrops].defined_at = xstrdup(where);
	return &c->drops[c->ndrops++];
}

static void
set_str(char **slot, const char *value)
{
	free(*slot);
	*slot = xstrdup(value);
}

static struct conf_report *
report_get(struct conf *c, const char *name, const char *where)
{
	struct conf_report *r;

	for (size_t i = 0; i < c->nreports; i++)
		if (strcmp(c->reports[i].name, name) == 0)
			return &c->reports[i];
	c->reports = xrealloc(c->reports, (c->nreports + 1) * sizeof *c->reports);
	r = &c->reports[c->nreports++];
	memset(r, 0, sizeof *r);
	r->name = xstrdup(name);
	r->format = xstrdup("pdf");
	r->timeout_ms = 600000;
	r->defined_at = xstrdup(where);
	return r;
}

static struct conf_signature *
signature_get(struct conf *c, const char *name, const char *where)
{
	struct conf_signature *g;

	for (size_t i = 0; i < c->nsignatures; i++)
		if (strcmp(c->signatures[i].name, name) == 0)
			return &c->signatures[i];
	c->signatures = xrealloc(c->signatures, (c->nsignatures + 1) * sizeof *c->signatures);
	g = &c->signatures[c->nsignatures++];
	memset(g, 0, sizeof *g);
	g->name = xstrdup(name);
	g->score = 90;
	g->defined_at = xstrdup(where);
	return g;
}

static void
free_list(char **v)
{
	for (size_t i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* "a, b ,c" as a NULL-terminated list of trimmed, non-empty names; NULL if one is empty. */
static char **
split_list(const char *value)
{
	char **v = NULL;
	size_t n = 0;

	for (const char *p = value;;) {
		const char *end = strchr(p, ','), *last;

		if (end == NULL)
			end = p + strlen(p);
		while (p < end && isspace((unsigned char)*p))
			p++;
		for (last = end; last > p && isspace((unsigned char)last[-1]); last--)
			;
		if (last == p) {
			free_list(v);
			return NULL;
		}
		v = xrealloc(v, (n + 2) * sizeof *v);
		v[n++] = xstrndup(p, (size_t)(last - p));
		v[n] = NULL;
		if (*end == '\0')
			return v;
		p = end + 1;
	}
}

static int
signature_key(struct ini_file *f, struct conf_signature *g, const char *section, const char *key,
    const char *value)
{
	char **list;
	long long n;

	if (strcmp(key, "scan_type") == 0) {
		if (!scantypes_known(value))
			return ini_error(f, section, key, "not a DefectDojo scan type (exact spelling and "
			    "case; see dojobridge plugins)");
		set_str(&g->scan_type, value);
	} else if (strcmp(key, "xml_root") == 0 && value[0] != '\0') {
		set_str(&g->xml_root, value);
	} else if (strcmp(key, "xml_namespace") == 0 && value[0] != '\0') {
		set_str(&g->xml_ns, value);
	} else if (strcmp(key, "file_name") == 0 && value[0] != '\0') {
		set_str(&g->file_name, value);
	} else if (strcmp(key, "xml_root") == 0 || strcmp(key, "xml_namespace") == 0 ||
	    strcmp(key, "file_name") == 0) {
		return ini_error(f, section, key, "must not be empty");
	} else if (strcmp(key, "json_keys") == 0 || strcmp(key, "csv_header") == 0) {
		if ((list = split_list(value)) == NULL)
			return ini_error(f, section, key, "must list names separated by commas, none empty");
		if (key[0] == 'j') {
			free_list(g->json_keys);
			g->json_keys = list;
		} else {
			free_list(g->csv_header);
			g->csv_header = list;
		}
	} else if (strcmp(key, "score") == 0) {
		if (conf_parse_size(value, &n) < 0 || n < 1 || n > 100)
			return ini_error(f, section, key, "must be a number from 1 to 100");
		g->score = (int)n;
	} else {
		return ini_error(f, section, key, "unknown key (see dojobridge.conf(5))");
	}
	return 1;
}

static int
import_key(struct ini_file *f, struct import_opts *o, const char *section, const char *key,
    const char *value)
{
	char err[512];
	int k = conf_import_key_find(key);

	if (k < 0)
		return ini_error(f, section, key, "unknown key (see dojobridge.conf(5))");
	if (conf_import_set(o, (enum import_key)k, value, err, sizeof err) < 0)
		return ini_error(f, section, key, "%s", err);
	return 1;
}

/* The host name, cut at its first dot and kept to [A-Za-z0-9_-]. */
static void
default_host_id(char *out, size_t outlen)
{
	char host[256] = "";
	size_t n = 0;

	if (gethostname(host, sizeof host - 1) < 0)
		host[0] = '\0';
	for (const char *p = host; *p && *p != '.' && n + 1 < outlen; p++)
		out[n++] = (isalnum((unsigned char)*p) || *p == '-' || *p == '_') ? *p : '_';
	if (n == 0)
		n = (size_t)snprintf(out, outlen, "localhost");
	out[n] = '\0';
}

static int
dojo_key(struct ini_file *f, struct conf_dojo *d, const char *key, const char *value)
{
	const char *section = "dojo";
	long long size;
	int b;

	if (strcmp(key, "url") == 0) {
		size_t n = strlen(value);

		if (strncmp(value, "https://", 8) != 0 && strncmp(value, "http://", 7) != 0)
			return ini_error(f, section, key, "must start with https:// (or http:// for loopback)");
		while (n > 0 && value[n - 1] == '/')
			n--;
		free(d->url);
		d->url = xstrndup(value, n);
	} else if (strcmp(key, "token_file") == 0) {
		if (value[0] != '/')
			return ini_error(f, section, key, "must be an absolute path");
		set_str(&d->token_file, value);
	} else if (strcmp(key, "token_env") == 0) {
		set_str(&d->token_env, value);
	} else if (strcmp(key, "ca_file") == 0) {
		set_str(&d->ca_file, value);
	} else if (strcmp(key, "client_cert") == 0) {
		set_str(&d->client_cert, value);
	} else if (strcmp(key, "client_key") == 0) {
		set_str(&d->client_key, value);
	} else if (strcmp(key, "pinned_pubkey") == 0) {
		if (strncmp(value, "sha256//", 8) != 0 && value[0] != '/')
			return ini_error(f, section, key, "must be sha256//BASE64 (several joined by ;) or "
			    "the absolute path of the server's public key (PEM or DER)");
		set_str(&d->pinned_pubkey, value);
	} else if (strcmp(key, "proxy") == 0) {
		set_str(&d->proxy, value);
	} else if (strcmp(key, "connect_timeout") == 0) {
		if (conf_parse_duration(value, &d->connect_timeout_ms) < 0 || d->connect_timeout_ms < 1000)
			return ini_error(f, section, key, "must be a duration of at least 1s, e.g. 15s");
	} else if (strcmp(key, "idle_timeout") == 0) {
		if (conf_parse_duration(value, &d->idle_timeout_ms) < 0 || d->idle_timeout_ms < 1000)
			return ini_error(f, section, key, "must be a duration of at least 1s, e.g. 30m");
	} else if (strcmp(key, "allow_insecure_http") == 0) {
		if (conf_parse_bool(value, &b) < 0)
			return ini_error(f, section, key, "must be yes or no");
		d->allow_insecure_http = b;
	} else if (strcmp(key, "retries") == 0) {
		long ms;

		/* A count, not a duration: reuse the digit check, refuse units. */
		if (strspn(value, "0123456789") != strlen(value) || conf_parse_duration(value, &ms) < 0 ||
		    ms / 1000 > 20)
			return ini_error(f, section, key, "must be a whole number from 0 to 20");
		d->retries = (int)(ms / 1000);
	} else if (strcmp(key, "max_file_size") == 0) {
		if (conf_parse_size(value, &size) < 0 || size < 1)
			return ini_error(f, section, key, "must be a size such as 100MB or 512MiB");
		d->max_file_size = size;
	} else if (strcmp(key, "max_inflight") == 0) {
		long ms;

		if (strspn(value, "0123456789") != strlen(value) || conf_parse_duration(value, &ms) < 0 ||
		    ms / 1000 < 1 || ms / 1000 > 64)
			return ini_error(f, section, key, "must be a whole number from 1 to 64");
		d->max_inflight = (int)(ms / 1000);
	} else {
		return ini_error(f, section, key, "unknown key (see dojobridge.conf(5))");
	}
	return 1;
}

static int
out_of_order_value(const char *value)
{
	if (strcmp(value, "fail") == 0)
		return OUT_OF_ORDER_FAIL;
	if (strcmp(value, "import") == 0)
		return OUT_OF_ORDER_IMPORT;
	return -1;
}

/* A duration of at least min_ms into *ms; 0 on success. */
static int
duration_at_least(const char *value, long min_ms, long *ms)
{
	long v;

	if (conf_parse_duration(value, &v) < 0 || v < min_ms)
		return -1;
	*ms = v;
	return 0;
}

static int
watch_key(struct ini_file *f, struct conf_watch *w, const char *key, const char *value)
{
	const char *section = "watch";
	int v;

	if (strcmp(key, "host_id") == 0) {
		size_t n = strlen(value);

		if (n == 0 || n >= sizeof w->host_id ||
		    strspn(value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != n)
			return ini_error(f, section, key, "must be 1 to 32 letters, digits, '_' or '-'");
		memcpy(w->host_id, value, n + 1);
	} else if (strcmp(key, "rescan_interval") == 0) {
		if (duration_at_least(value, 1000, &w->rescan_interval_ms) < 0)
			return ini_error(f, section, key, "must be a duration of at least 1s, e.g. 60s");
	} else if (strcmp(key, "claim_timeout") == 0) {
		if (duration_at_least(value, 1000, &w->claim_timeout_ms) < 0)
			return ini_error(f, section, key, "must be a duration of at least 1s, e.g. 10m");
	} else if (strcmp(key, "max_age") == 0) {
		if (duration_at_least(value, 1000, &w->max_age_ms) < 0)
			return ini_error(f, section, key, "must be a duration of at least 1s, e.g. 7d");
	} else if (strcmp(key, "auth_retry") == 0) {
		if (duration_at_least(value, 1000, &w->auth_retry_ms) < 0)
			return ini_error(f, section, key, "must be a duration of at least 1s, e.g. 5m");
	} else if (strcmp(key, "shutdown_timeout") == 0) {
		if (duration_at_least(value, 0, &w->shutdown_timeout_ms) < 0)
			return ini_error(f, section, key, "must be a duration, e.g. 30s");
	} else if (strcmp(key, "metrics_file") == 0) {
		if (value[0] != '/')
			return ini_error(f, section, key, "must be an absolute path");
		set_str(&w->metrics_file, value);
	} else if (strcmp(key, "log") == 0) {
		if (strcmp(value, "stderr") == 0)
			w->log = LOG_TO_STDERR;
		else if (strcmp(value, "syslog") == 0)
			w->log = LOG_TO_SYSLOG;
		else
			return ini_error(f, section, key, "must be stderr or syslog");
	} else if (strcmp(key, "out_of_order") == 0) {
		if ((v = out_of_order_value(value)) < 0)
			return ini_error(f, section, key, "must be fail or import");
		w->out_of_order = (enum out_of_order)v;
	} else {
		return ini_error(f, section, key, "unknown key (see dojobridge.conf(5))");
	}
	return 1;
}

static int
media_key(struct ini_file *f, struct conf_media *m, const char *key, const char *value)
{
	const char *section = "media";
	int b;

	if (strcmp(key, "keyring") == 0) {
		if (value[0] != '/')
			return ini_error(f, section, key, "must be an absolute path (gpgv reads it)");
		set_str(&m->keyring, value);
	} else if (strcmp(key, "require_signature") == 0) {
		if (conf_parse_bool(value, &b) < 0)
			return ini_error(f, section, key, "must be yes or no");
		m->require_signature = b;
	} else if (strcmp(key, "require_manifest") == 0) {
		if (conf_parse_bool(value, &b) < 0)
			return ini_error(f, section, key, "must be yes or no");
		m->require_manifest = b;
	} else {
		return ini_error(f, section, key, "unknown key (see dojobridge.conf(5))");
	}
	return 1;
}

static int
detect_key(struct ini_file *f, struct conf_detect *d, const char *key, const char *value)
{
	const char *section = "detect";
	long long n;
	int b;

	if (strcmp(key, "sandbox") == 0) {
		if (conf_parse_bool(value, &b) < 0)
			return ini_error(f, section, key, "must be yes or no (no only while developing a plugin)");
		d->sandbox = b;
	} else if (strcmp(key, "workers") == 0) {
		if (strcmp(value, "auto") == 0)
			d->workers = 0;
		else if (conf_parse_size(value, &n) < 0 || n < 1 || n > 64)
			return ini_error(f, section, key, "must be auto or a number from 1 to 64");
		else
			d->workers = (int)n;
	} else if (strcmp(key, "timeout") == 0) {
		if (conf_parse_duration(value, &d->timeout_ms) < 0 || d->timeout_ms < 1000 ||
		    d->timeout_ms > 3600000)
			return ini_error(f, section, key, "must be a duration from 1s to 1h, such as 10s");
	} else if (strcmp(key, "memory") == 0) {
		if (conf_parse_size(value, &d->memory) < 0 || d->memory < 64LL * 1024 * 1024)
			return ini_error(f, section, key, "must be a size of at least 64M, such as 1G");
	} else {
		return ini_error(f, section, key, "unknown key (see dojobridge.conf(5))");
	}
	return 1;
}

static int
report_key(struct ini_file *f, struct conf_report *r, const char *section, const char *key,
    const char *value)
{
	if (strcmp(key, "template") == 0) {
		if (value[0] == '\0')
			return ini_error(f, section, key, "must name a template (its name or id)");
		set_str(&r->template, value);
	} else if (strcmp(key, "format") == 0) {
		if (strcmp(value, "pdf") != 0 && strcmp(value, "html") != 0)
			return ini_error(f, section, key, "must be pdf or html");
		set_str(&r->format, value);
	} else if (strcmp(key, "outbox") == 0) {
		if (value[0] != '/')
			return ini_error(f, section, key, "must be an absolute path");
		set_str(&r->outbox, value);
	} else if (strcmp(key, "product") == 0) {
		set_str(&r->product, value);
	} else if (strcmp(key, "timeout") == 0) {
		if (duration_at_least(value, 1000, &r->timeout_ms) < 0)
			return ini_error(f, section, key, "must be a duration of at least 1s, e.g. 10m");
	} else if (strcmp(key, "when") == 0) {
		unsigned int h, m;
		char tail;

		if (strcmp(value, "batch") == 0) {
			r->when = REPORT_AFTER_BATCH;
		} else if (strncmp(value, "settle ", 7) == 0) {
			if (duration_at_least(value + 7, 1000, &r->settle_ms) < 0)
				return ini_error(f, section, key, "settle needs a duration of at least 1s, "
				    "e.g. settle 30m");
			r->when = REPORT_AFTER_SETTLE;
		} else if (strncmp(value, "daily ", 6) == 0 &&
		    sscanf(value + 6, "%2u:%2u%c", &h, &m, &tail) == 2 && h < 24 && m < 60 &&
		    strlen(value + 6) == 5) {
			r->when = REPORT_DAILY;
			r->daily_minute = (int)(h * 60 + m);
		} else {
			return ini_error(f, section, key, "must be batch, settle DURATION or daily HH:MM");
		}
		r->when_set = 1;
	} else {
		return ini_error(f, section, key, "unknown key (see dojobridge.conf(5))");
	}
	return 1;
}

static int
drop_key(struct ini_file *f, struct conf_drop *dr, const char *section, const char *key,
    const char *value)
{
	if (strcmp(key, "path") == 0) {
		size_t n = strlen(value);

		if (value[0] != '/')
			return ini_error(f, section, key, "must be an absolute path");
		while (n > 1 && value[n - 1] == '/')
			n--;
		free(dr->path);
		dr->path = xstrndup(value, n);
	} else if (strcmp(key, "layout") == 0) {
		set_str(&dr->layout, value);	/* checked by route_check_layout at load end */
	} else if (strcmp(key, "spool") == 0) {
		if (value[0] != '/')
			return ini_error(f, section, key, "must be an absolute path");
		set_str(&dr->spool, value);
	} else if (strcmp(key, "intake") == 0) {
		if (strcmp(value, "move") != 0)
			return ini_error(f, section, key, "must be move (the only intake this version has)");
	} else if (strcmp(key, "on_success") == 0) {
		if (strcmp(value, "archive") == 0)
			dr->on_success = ON_SUCCESS_ARCHIVE;
		else if (strcmp(value, "delete") == 0)
			dr->on_success = ON_SUCCESS_DELETE;
		else
			return ini_error(f, section, key, "must be archive or delete");
	} else if (strcmp(key, "settle") == 0) {
		if (conf_parse_duration(value, &dr->settle_ms) < 0)
			return ini_error(f, section, key, "must be a duration, e.g. 10s or 0");
	} else if (strcmp(key, "max_settle") == 0) {
		if (conf_parse_duration(value, &dr->max_settle_ms) < 0)
			return ini_error(f, section, key, "must be a duration, e.g. 5m");
	} else if (strcmp(key, "poll") == 0) {
		if (strcmp(value, "auto") == 0)
			dr->poll_ms = -1;
		else if (strcmp(value, "off") == 0)
			dr->poll_ms = 0;
		else if (duration_at_least(value, 100, &dr->poll_ms) < 0)
			return ini_error(f, section, key, "must be auto, off or an interval such as 30s");
	} else if (strcmp(key, "out_of_order") == 0) {
		if ((dr->out_of_order = out_of_order_value(value)) < 0)
			return ini_error(f, section, key, "must be fail or import");
	} else if (strcmp(key, "archive_days") == 0) {
		long ms;

		if (strspn(value, "0123456789") != strlen(value) || conf_parse_duration(value, &ms) < 0 ||
		    ms / 1000 > 36500)
			return ini_error(f, section, key, "must be a number of days");
		dr->archive_days = (int)(ms / 1000);
	} else if (strcmp(key, "ignore") == 0) {
		size_t n = 0;
		const char *p = value;

		for (size_t i = 0; dr->ignore && dr->ignore[i]; i++)
			free(dr->ignore[i]);
		free(dr->ignore);
		dr->ignore = xcalloc(strlen(value) / 2 + 2, sizeof *dr->ignore);
		while (*p) {
			size_t len;

			p += strspn(p, " \t");
			len = strcspn(p, " \t");
			if (len == 0)
				break;
			dr->ignore[n++] = xstrndup(p, len);
			p += len;
		}
	} else {
		return import_key(f, &dr->import, section, key, value);
	}
	return 1;
}

static int
on_ini_key(void *user, const char *section, const char *key, const char *value)
{
	struct ini_file *f = user;
	struct conf *c = f->conf;
	char name[256];

	if (key == NULL)
		return 1;	/* a section header alone */
	if (f->dir_policy != NULL) {
		if (strcmp(section, "import") != 0)
			return ini_error(f, section, key, "a .dojobridge.conf may only have an [import] section");
		return import_key(f, f->dir_policy, section, key, value);
	}
	if (strcmp(section, "dojo") == 0)
		return dojo_key(f, &c->dojo, key, value);
	if (strcmp(section, "import") == 0)
		return import_key(f, &c->import, section, key, value);
	if (strcmp(section, "watch") == 0)
		return watch_key(f, &c->watch, key, value);
	if (strcmp(section, "media") == 0)
		return media_key(f, &c->media, key, value);
	if (strcmp(section, "detect") == 0)
		return detect_key(f, &c->detect, key, value);
	if (sscanf(section, "drop \"%255[^\"]\"", name) == 1 &&
	    strlen(section) == strlen(name) + 7) {
		char where[PATH_MAX + 32];

		snprintf(where, sizeof where, "%s:%d", f->path, f->lineno);
		return drop_key(f, drop_get(c, name, where), section, key, value);
	}
	if (sscanf(section, "report \"%255[^\"]\"", name) == 1 &&
	    strlen(section) == strlen(name) + 9) {
		char where[PATH_MAX + 32];

		snprintf(where, sizeof where, "%s:%d", f->path, f->lineno);
		return report_key(f, report_get(c, name, where), section, key, value);
	}
	if (sscanf(section, "signature \"%255[^\"]\"", name) == 1 &&
	    strlen(section) == strlen(name) + 12) {
		char where[PATH_MAX + 32];

		snprintf(where, sizeof where, "%s:%d", f->path, f->lineno);
		return signature_key(f, signature_get(c, name, where), section, key, value);
	}
	return ini_error(f, section, key, "unknown section (known: [dojo], [watch], [media], [detect], "
	    "[import], [drop \"NAME\"], [report \"NAME\"], [signature \"NAME\"])");
}

static int
parse_file(struct ini_file *f)
{
	int rc;

	rc = ini_parse_stream(read_ini_line, f, on_ini_key, f);
	if (rc > 0) {
		log_errorx("%s:%d: not a valid INI line (expected [section] or key = value)\n    %s",
		    f->path, rc, f->line);
		f->errors++;
	}
	return f->errors ? -1 : 0;
}

static int
conf_name_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".conf") == 0;
}

static int
check_drops(struct conf *c)
{
	int errors = 0;

	for (size_t i = 0; i < c->ndrops; i++) {
		struct conf_drop *dr = &c->drops[i];
		struct import_opts merged = { { 0 } };

		if (dr->path == NULL) {
			log_errorx("%s: [drop \"%s\"] has no path", dr->defined_at, dr->name);
			errors++;
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (c->drops[j].path && strcmp(c->drops[j].path, dr->path) == 0) {
				log_errorx("%s: [drop \"%s\"] has the same path as [drop \"%s\"]",
				    dr->defined_at, dr->name, c->drops[j].name);
				errors++;
			}
		if (dr->layout == NULL)
			dr->layout = xstrdup("{product_type}/{product}/{engagement}");
		if (dr->spool == NULL)
			dr->spool = xasprintf("%s/.dojobridge", dr->path);
		if (dr->settle_ms < 0)
			dr->settle_ms = 10000;
		if (dr->archive_days < 0)
			dr->archive_days = 30;
		if (dr->max_settle_ms < 0)
			dr->max_settle_ms = 5 * 60000;
		if (dr->max_settle_ms < dr->settle_ms)
			dr->max_settle_ms = dr->settle_ms;
		if (dr->out_of_order < 0)
			dr->out_of_order = (int)c->watch.out_of_order;
		if (dr->ignore == NULL) {
			static const char *const dflt[] = { ".*", "*.tmp", "*.part", "*.partial",
				"~*", "*.swp", "*~", NULL };
			size_t n = 0;

			dr->ignore = xcalloc(8, sizeof *dr->ignore);
			while (dflt[n] != NULL) {
				dr->ignore[n] = xstrdup(dflt[n]);
				n++;
			}
		}
		/* The drop's own keys win over [import]. */
		import_opts_overlay(&merged, &c->import);
		import_opts_overlay(&merged, &dr->import);
		import_opts_release(&dr->import);
		dr->import = merged;
	}
	return errors ? -1 : 0;
}

int
conf_load(struct conf *c, const char *dir)
{
	struct dirent **names = NULL;
	int n, errors = 0;

	memset(c, 0, sizeof *c);
	c->dir = xstrdup(dir);
	c->dojo.token_env = xstrdup("DD_API_TOKEN");
	c->dojo.connect_timeout_ms = 15000;
	c->dojo.idle_timeout_ms = 30 * 60000;
	c->dojo.retries = 3;
	c->dojo.max_file_size = 100LL * 1048576;
	c->dojo.max_inflight = 4;
	default_host_id(c->watch.host_id, sizeof c->watch.host_id);
	c->watch.rescan_interval_ms = 60000;
	c->media.require_signature = -1;
	c->detect.sandbox = 1;
	c->detect.timeout_ms = SANDBOX_DEFAULT_TIMEOUT * 1000L;
	c->detect.memory = SANDBOX_DEFAULT_MEMORY;
	c->watch.claim_timeout_ms = 10 * 60000;
	c->watch.max_age_ms = 7 * 86400000L;
	c->watch.auth_retry_ms = 5 * 60000;
	c->watch.shutdown_timeout_ms = 30000;

	n = scandir(dir, &names, conf_name_filter, alphasort);
	if (n < 0)
		return log_error("config: %s", dir);
	for (int i = 0; i < n; i++) {
		struct ini_file f = { 0 };
		char path[PATH_MAX];

		snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
		free(names[i]);
		f.path = path;
		f.conf = c;
		if ((f.fp = fopen(path, "re")) == NULL) {
			log_error("config: %s", path);
			errors++;
			continue;
		}
		if (parse_file(&f) < 0)
			errors++;
		fclose(f.fp);
	}
	free(names);
	if (n == 0) {
		log_errorx("config: %s has no *.conf file", dir);
		errors++;
	}
	if (errors == 0 && c->dojo.url == NULL) {
		log_errorx("config: %s: no [dojo] url set", dir);
		errors++;
	}
	if (errors == 0 && c->ndrops == 0) {
		log_errorx("config: %s: no [drop \"NAME\"] section: nothing to watch", dir);
		errors++;
	}
	if (check_drops(c) < 0)
		errors++;
	if (c->watch.claim_timeout_ms < 3 * c->watch.rescan_interval_ms) {
		log_errorx("config: %s: [watch] claim_timeout (%ld s) must be at least three times "
		    "rescan_interval (%ld s): the heartbeat is renewed once per rescan", dir,
		    c->watch.claim_timeout_ms / 1000, c->watch.rescan_interval_ms / 1000);
		errors++;
	}
	for (size_t i = 0; i < c->nsignatures; i++) {
		const struct conf_signature *g = &c->signatures[i];

		if (g->scan_type == NULL) {
			log_errorx("%s: [signature \"%s\"] has no scan_type", g->defined_at, g->name);
			errors++;
		} else if (g->xml_root == NULL && g->json_keys == NULL && g->csv_header == NULL &&
		    g->file_name == NULL) {
			log_errorx("%s: [signature \"%s\"] gives nothing to recognise: set xml_root, "
			    "json_keys, csv_header or file_name", g->defined_at, g->name);
			errors++;
		} else if (g->xml_ns != NULL && g->xml_root == NULL) {
			log_errorx("%s: [signature \"%s\"]: xml_namespace goes with xml_root",
			    g->defined_at, g->name);
			errors++;
		}
	}
	for (size_t i = 0; i < c->nreports; i++) {
		const struct conf_report *r = &c->reports[i];
		const char *missing = r->template == NULL ? "template" : r->outbox == NULL ? "outbox" :
		    !r->when_set ? "when" : NULL;

		if (missing != NULL) {
			log_errorx("%s: [report \"%s\"] has no %s", r->defined_at, r->name, missing);
			errors++;
		} else if (r->product != NULL && r->when != REPORT_AFTER_SETTLE) {
			log_errorx("%s: [report \"%s\"]: product only goes with when = settle DURATION",
			    r->defined_at, r->name);
			errors++;
		}
	}
	if (c->media.require_signature < 0)
		c->media.require_signature = c->media.keyring != NULL;
	if (c->media.require_signature && c->media.keyring == NULL) {
		log_errorx("config: %s: [media] require_signature = yes needs a keyring", dir);
		errors++;
	}
	return errors ? -1 : 0;
}

void
conf_release(struct conf *c)
{
	struct conf_dojo *d = &c->dojo;

	free(c->dir);
	free(d->url);
	free(d->token_file);
	free(d->token_env);
	free(d->ca_file);
	free(d->pinned_pubkey);
	free(d->client_cert);
	free(d->client_key);
	free(d->proxy);
	free(c->watch.metrics_file);
	free(c->media.keyring);
	import_opts_release(&c->import);
	for (size_t i = 0; i < c->ndrops; i++) {
		struct conf_drop *dr = &c->drops[i];

		free(dr->name);
		free(dr->path);
		free(dr->layout);
		free(dr->spool);
		free(dr->defined_at);
		for (size_t j = 0; dr->ignore && dr->ignore[j]; j++)
			free(dr->ignore[j]);
		free(dr->ignore);
		import_opts_release(&dr->import);
	}
	free(c->drops);
	for (size_t i = 0; i < c->nreports; i++) {
		struct conf_report *r = &c->reports[i];

		free(r->name);
		free(r->template);
		free(r->format);
		free(r->outbox);
		free(r->product);
		free(r->defined_at);
	}
	free(c->reports);
	for (size_t i = 0; i < c->nsignatures; i++)
		conf_signature_release(&c->signatures[i]);
	free(c->signatures);
	memset(c, 0, sizeof *c);
}

void
conf_signature_release(struct conf_signature *g)
{
	free(g->name);
	free(g->scan_type);
	free(g->xml_root);
	free(g->xml_ns);
	free_list(g->json_keys);
	free_list(g->csv_header);
	free(g->file_name);
	free(g->defined_at);
	memset(g, 0, sizeof *g);
}

int
conf_read_dir_policy(int dirfd, const char *name, const char *display_path,
    struct import_opts *o)
{
	struct ini_file f = { 0 };
	struct stat st;
	int fd, rc;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		return log_error("config: %s", display_path);
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > 65536) {
		close(fd);
		return log_errorx("config: %s: not a regular file of at most 64 KiB", display_path);
	}
	if ((f.fp = fdopen(fd, "r")) == NULL) {
		close(fd);
		return log_error("config: %s", display_path);
	}
	f.path = display_path;
	f.dir_policy = o;
	rc = parse_file(&f);
	fclose(f.fp);
	return rc;
}

#define SIDECAR_MAX (64 * 1024)

int
conf_read_sidecar(int fd, struct import_opts *o, char *err, size_t errlen)
{
	char buf[SIDECAR_MAX + 1];
	ssize_t n;
	size_t len = 0;
	cJSON *root, *item;
	int rc = -1;

	while ((n = pread(fd, buf + len, sizeof buf - len, (off_t)len)) > 0)
		len += (size_t)n;
	if (n < 0) {
		snprintf(err, errlen, "cannot read: %s", strerror(errno));
		return -1;
	}
	if (len > SIDECAR_MAX) {
		snprintf(err, errlen, "larger than 64 KiB");
		return -1;
	}
	root = cJSON_ParseWithLength(buf, len);
	if (root == NULL || !cJSON_IsObject(root)) {
		snprintf(err, errlen, "not a JSON object%s", root == NULL ? " (invalid JSON)" : "");
		goto out;
	}
	cJSON_ArrayForEach(item, root) {
		char why[512], text[64];
		const char *value;
		int k = conf_import_key_find(item->string);

		if (k < 0 || k == IK_EMPTY) {
			snprintf(err, errlen, "field \"%.64s\": not a per-report key (see dojobridge.conf(5))",
			    item->string);
			goto out;
		}
		if (cJSON_IsString(item)) {
			value = item->valuestring;
		} else if (cJSON_IsBool(item)) {
			value = cJSON_IsTrue(item) ? "true" : "false";
		} else if (json_is_integer(item)) {
			snprintf(text, sizeof text, "%lld", json_llong(item, 0));
			value = text;
		} else if (k == IK_TAGS && cJSON_IsArray(item)) {
			struct strbuf tags = STRBUF_INIT;
			cJSON *t;

			cJSON_ArrayForEach(t, item) {
				if (!cJSON_IsString(t)) {
					strbuf_release(&tags);
					snprintf(err, errlen, "field \"tags\": every tag must be a string");
					goto out;
				}
				strbuf_addf(&tags, "%s%s", tags.len ? "," : "", t->valuestring);
			}
			rc = conf_import_set(o, IK_TAGS, tags.buf, why, sizeof why);
			strbuf_release(&tags);
			if (rc < 0) {
				snprintf(err, errlen, "field \"tags\": %s", why);
				goto out;
			}
			rc = -1;
			continue;
		} else {
			snprintf(err, errlen, "field \"%s\": must be a string, number or boolean", item->string);
			goto out;
		}
		if (conf_import_set(o, (enum import_key)k, value, why, sizeof why) < 0) {
			snprintf(err, errlen, "field \"%s\": %s", item->string, why);
			goto out;
		}
	}
	rc = 0;
out:
	cJSON_Delete(root);
	return rc;
}

static int
in_credentials_dir(const char *path)
{
	const char *dir = getenv("CREDENTIALS_DIRECTORY");
	size_t n = dir ? strlen(dir) : 0;

	return n > 0 && strncmp(path, dir, n) == 0 && path[n] == '/' && strstr(path + n, "/..") == NULL;
}

char *
conf_read_token(const struct conf_dojo *d)
{
	char buf[1024];
	struct stat st;
	ssize_t n;
	size_t len;
	int fd;

	if (d->token_file == NULL) {
		const char *env = getenv(d->token_env);

		if (env == NULL || *env == '\0') {
			log_errorx("config: no token: set [dojo] token_file, or the %s environment variable",
			    d->token_env);
			return NULL;
		}
		return xstrdup(env);
	}
	fd = open(d->token_file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		log_error("config: token_file %s", d->token_file);
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		log_errorx("config: token_file %s: not a regular file", d->token_file);
		return NULL;
	}
	/*
	 * systemd's LoadCredential= files are private to the service but grant
	 * the service user read access with an ACL, which shows as group bits.
	 */
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) && !in_credentials_dir(d->token_file)) {
		close(fd);
		log_errorx("config: token_file %s is readable or writable by group or others (mode %04o): "
		    "run chmod 600 %s", d->token_file, (unsigned)(st.st_mode & 07777), d->token_file);
		return NULL;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		close(fd);
		log_errorx("config: token_file %s must be owned by root or by the user dojobridge runs as",
		    d->token_file);
		return NULL;
	}
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0) {
		log_error("config: token_file %s", d->token_file);
		return NULL;
	}
	len = (size_t)n;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' '))
		len--;
	buf[len] = '\0';
	if (len == 0 || strpbrk(buf, " \t\r\n") != NULL) {
		explicit_bzero(buf, sizeof buf);
		log_errorx("config: token_file %s must hold the token alone on one line", d->token_file);
		return NULL;
	}
	{
		char *tok = xstrdup(buf);

		explicit_bzero(buf, sizeof buf);
		return tok;
	}
}
