/*
 * xmlscan.c — the one place where dojobridge opens XML: a libxml2 reader fed
 * by pread() with the dangerous features off, and a path search that walks
 * it as a stream.  Matching keeps, per depth, the set of path steps still
 * possible, so "**" costs nothing more than a bit per step.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#include "xmlscan.h"
#include "strbuf.h"

#define OPTIONS (XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR)

#define MAXPATH 1024
#define MAXSTEPS 32
#define MAXPREDS 4
/* libxml2 stops at depth 256 without XML_PARSE_HUGE; leave a margin. */
#define MAXDEPTH 300

/* What a reader reads from, and where its errors go; freed with the reader. */
struct source {
	int fd;
	uint64_t off;
	uint64_t limit;		/* 0: none */
	int have_err;
	int fatal;
	int line;
	char msg[256];
};

static xmlParserInputPtr
refuse_entity(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

void
xmlscan_init(void)
{
	xmlInitParser();
	xmlSetExternalEntityLoader(refuse_entity);
}

static int
source_read(void *ctx, char *buf, int len)
{
	struct source *src = ctx;
	size_t want = len > 0 ? (size_t)len : 0;
	ssize_t n;

	if (src->limit != 0) {
		if (src->off >= src->limit)
			return 0;
		if (want > src->limit - src->off)
			want = (size_t)(src->limit - src->off);
	}
	for (;;) {
		n = pread(src->fd, buf, want, (off_t)src->off);
		if (n >= 0 || errno != EINTR)
			break;
	}
	if (n < 0) {
		if (!src->have_err) {
			src->have_err = 1;
			src->fatal = 1;
			src->line = 0;
			snprintf(src->msg, sizeof(src->msg), "read error: %s", strerror(errno));
		}
		return -1;
	}
	src->off += (uint64_t)n;
	return (int)n;
}

static int
source_close(void *ctx)
{
	free(ctx);
	return 0;
}

/* Keep the first error, unless a fatal one comes after a lesser one. */
static void
capture(void *arg, xmlErrorPtr e)
{
	struct source *src = arg;
	size_t n;

	if (e == NULL || e->level < XML_ERR_ERROR)
		return;
	if (src->have_err && (src->fatal || e->level != XML_ERR_FATAL))
		return;
	src->have_err = 1;
	src->fatal = e->level == XML_ERR_FATAL;
	src->line = e->line;
	snprintf(src->msg, sizeof(src->msg), "%s", e->message != NULL ? e->message : "error");
	n = strlen(src->msg);
	while (n > 0 && (src->msg[n - 1] == '\n' || src->msg[n - 1] == ' '))
		src->msg[--n] = '\0';
}

xmlTextReaderPtr
xmlscan_open_limit(int fd, const char *name, uint64_t limit)
{
	struct source *src;
	xmlTextReaderPtr r;

	src = calloc(1, sizeof(*src));
	if (src == NULL)
		return NULL;
	src->fd = fd;
	src->limit = limit;
	/* From here on libxml2 owns src: it calls source_close even on failure. */
	r = xmlReaderForIO(source_read, source_close, src, name, NULL, OPTIONS);
	if (r == NULL)
		return NULL;
	xmlTextReaderSetStructuredErrorHandler(r, capture, src);
	return r;
}

xmlTextReaderPtr
xmlscan_open(int fd, const char *name)
{
	return xmlscan_open_limit(fd, name, 0);
}

int
xmlscan_error(xmlTextReaderPtr reader, char *err, size_t errlen)
{
	xmlTextReaderErrorFunc f;
	struct source *src;
	void *arg = NULL;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (reader == NULL)
		return -1;
	/* The structured handler's argument comes back as the handler argument. */
	xmlTextReaderGetErrorHandler(reader, &f, &arg);
	src = arg;
	if (src == NULL || !src->have_err)
		return -1;
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "line %d: %s", src->line, src->msg);
	return 0;
}

/* One parsed step of an xml_find path. */
enum kind { S_NAME, S_ANY, S_DEEP, S_ATTR };

struct step {
	enum kind kind;
	const char *name;	/* S_NAME, S_ATTR */
	int npreds;
	const char *pname[MAXPREDS];
	const char *pvalue[MAXPREDS];
};

struct path {
	char buf[MAXPATH];
	struct step steps[MAXSTEPS];
	int n;
};

static int
is_xml_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Split path into steps, in place in a copy; names and values end in NUL. */
static int
parse_path(const char *text, struct path *p)
{
	char *s, *end;
	size_t len = strlen(text);

	if (len == 0 || len >= sizeof(p->buf))
		return -1;
	memcpy(p->buf, text, len + 1);
	s = p->buf;
	if (*s == '/')
		s++;
	p->n = 0;
	while (*s != '\0') {
		struct step *st;

		if (p->n == MAXSTEPS)
			return -1;
		st = &p->steps[p->n++];
		memset(st, 0, sizeof(*st));
		if (*s == '@') {
			st->kind = S_ATTR;
			st->name = ++s;
			while (*s != '\0' && *s != '/' && *s != '[')
				s++;
			if (*s != '\0' || s == st->name)
				return -1;	/* an attribute ends the path */
			break;
		}
		st->name = s;
		while (*s != '\0' && *s != '/' && *s != '[')
			s++;
		end = s;
		while (*s == '[') {
			char q;

			if (st->npreds == MAXPREDS || s[1] != '@')
				return -1;
			*s = '\0';
			s += 2;
			st->pname[st->npreds] = s;
			while (*s != '\0' && *s != '=' && *s != ']')
				s++;
			if (*s != '=' || s == st->pname[st->npreds])
				return -1;
			*s++ = '\0';
			q = *s;
			if (q != '\'' && q != '"')
				return -1;
			st->pvalue[st->npreds] = ++s;
			while (*s != '\0' && *s != q)
				s++;
			if (*s != q || s[1] != ']')
				return -1;
			*s = '\0';
			s += 2;
			st->npreds++;
		}
		if (*s == '/') {
			*s++ = '\0';
			if (*s == '\0')
				return -1;
		} else if (*s != '\0')
			return -1;
		*end = '\0';
		if (strcmp(st->name, "**") == 0) {
			if (st->npreds > 0)
				return -1;
			st->kind = S_DEEP;
		} else if (strcmp(st->name, "*") == 0)
			st->kind = S_ANY;
		else if (st->name[0] == '\0' || strchr(st->name, '*') != NULL)
			return -1;
		else
			st->kind = S_NAME;
	}
	/* An attribute belongs to an element: "@a" alone names nothing. */
	if (p->n == 0 || (p->n == 1 && p->steps[0].kind == S_ATTR))
		return -1;
	return 0;
}

/* Add the positions reachable through "**" matching no level. */
static uint64_t
closure(const struct path *p, uint64_t m)
{
	int i;

	for (i = 0; i < p->n; i++)
		if ((m & (UINT64_C(1) << i)) && p->steps[i].kind == S_DEEP)
			m |= UINT64_C(1) << (i + 1);
	return m;
}

/* The value of the current element's attribute of that local name, or NULL. */
static const xmlChar *
attribute(xmlTextReaderPtr r, const char *name)
{
	const xmlChar *v = NULL;
	int ok;

	for (ok = xmlTextReaderMoveToFirstAttribute(r); ok == 1;
	    ok = xmlTextReaderMoveToNextAttribute(r)) {
		const xmlChar *ln = xmlTextReaderConstLocalName(r);

		if (ln != NULL && strcmp((const char *)ln, name) == 0) {
			v = xmlTextReaderConstValue(r);
			break;
		}
	}
	/*
	 * The value lives in the attribute node, which stays until the reader
	 * moves on to the next node, so going back to the element keeps it.
	 */
	xmlTextReaderMoveToElement(r);
	return v;
}

static int
step_matches(xmlTextReaderPtr r, const struct step *st, const char *local)
{
	int i;

	if (st->kind == S_NAME && strcmp(st->name, local) != 0)
		return 0;
	for (i = 0; i < st->npreds; i++) {
		const xmlChar *v = attribute(r, st->pname[i]);

		if (v == NULL || strcmp((const char *)v, st->pvalue[i]) != 0)
			return 0;
	}
	return 1;
}

/* Text accumulated into out, trimmed at both ends, cut on a character boundary. */
struct text {
	char *out;
	size_t cap;		/* bytes of text, NUL aside */
	size_t len;
	size_t keep;		/* length without trailing whitespace */
	int full;
};

static void
text_add(struct text *t, const char *s)
{
	static const char replacement[] = "\xEF\xBF\xBD";	/* U+FFFD */

	while (*s != '\0' && !t->full) {
		unsigned char c = (unsigned char)*s;
		size_t n = utf8_seq_len((const unsigned char *)s, strnlen(s, 4));
		const char *from = s;
		size_t take = n;

		if (t->len == 0 && is_xml_space(c)) {
			s++;
			continue;
		}
		/* libxml2 passes some bad bytes through (CDATA): what plugins get is UTF-8. */
		if (n == 0) {
			from = replacement;
			take = 3;
			n = 1;
		}
		if (t->len + take > t->cap) {
			t->full = 1;
			break;
		}
		memcpy(t->out + t->len, from, take);
		t->len += take;
		if (!is_xml_space(c))
			t->keep = t->len;
		s += n;
	}
}

static void
text_end(struct text *t)
{
	t->out[t->keep] = '\0';
}

/* Read the text children of the element the reader is on. */
static int
element_text(xmlTextReaderPtr r, int depth, struct text *t)
{
	int type;

	if (xmlTextReaderIsEmptyElement(r))
		return 0;
	while (xmlTextReaderRead(r) == 1) {
		type = xmlTextReaderNodeType(r);
		if (type == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(r) == depth)
			return 0;
		if ((type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
		    type == XML_READER_TYPE_WHITESPACE ||
		    type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) &&
		    xmlTextReaderDepth(r) == depth + 1) {
			const xmlChar *v = xmlTextReaderConstValue(r);

			if (v != NULL)
				text_add(t, (const char *)v);
		}
	}
	return -1;
}

static void
set_msg(char *err, size_t errlen, const char *msg)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s", msg);
}

int
xmlscan_find(int fd, const char *pathtext, char *out, size_t outlen,
    char *err, size_t errlen)
{
	struct path p;
	uint64_t masks[MAXDEPTH + 1], attrbits = 0, done;
	xmlTextReaderPtr r;
	struct text t;
	int ret = 0, i, found = 0, pending = 0;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (out == NULL || outlen == 0) {
		set_msg(err, errlen, "no room for the value");
		return -1;
	}
	out[0] = '\0';
	if (pathtext == NULL || parse_path(pathtext, &p) == -1) {
		set_msg(err, errlen, "bad path");
		return -1;
	}
	for (i = 0; i < p.n; i++)
		if (p.steps[i].kind == S_ATTR)
			attrbits |= UINT64_C(1) << i;
	done = UINT64_C(1) << p.n;
	memset(&t, 0, sizeof(t));
	t.out = out;
	t.cap = outlen - 1;

	r = xmlscan_open(fd, NULL);
	if (r == NULL) {
		set_msg(err, errlen, "out of memory");
		return -1;
	}
	masks[0] = closure(&p, 1);
	for (;;) {
		const char *local;
		uint64_t parent, m = 0;
		int depth;

		/* After a skip, the reader already stands on an unseen node. */
		if (!pending && (ret = xmlTextReaderRead(r)) != 1)
			break;
		pending = 0;
		if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT)
			continue;
		depth = xmlTextReaderDepth(r);
		if (depth < 0 || depth >= MAXDEPTH) {
			set_msg(err, errlen, "document too deep");
			ret = -2;
			break;
		}
		local = (const char *)xmlTextReaderConstLocalName(r);
		if (local == NULL)
			continue;
		parent = masks[depth];
		for (i = 0; i < p.n; i++) {
			const struct step *st = &p.steps[i];

			if (!(parent & (UINT64_C(1) << i)))
				continue;
			if (st->kind == S_DEEP)
				m |= UINT64_C(1) << i;
			else if (st->kind != S_ATTR && step_matches(r, st, local))
				m |= UINT64_C(1) << (i + 1);
		}
		m = closure(&p, m);
		if (p.steps[p.n - 1].kind == S_ATTR && (m & (UINT64_C(1) << (p.n - 1)))) {
			const xmlChar *v = attribute(r, p.steps[p.n - 1].name);

			if (v != NULL) {
				text_add(&t, (const char *)v);
				found = 1;
				break;
			}
		}
		if (m & done) {
			if (element_text(r, depth, &t) == -1) {
				ret = -1;
				break;
			}
			found = 1;
			break;
		}
		masks[depth + 1] = m;
		if ((m & ~attrbits) != 0 || xmlTextReaderIsEmptyElement(r))
			continue;
		/* Nothing below can match: skip the subtree, or stop at the root. */
		if (depth == 0) {
			ret = 0;
			break;
		}
		if ((ret = xmlTextReaderNext(r)) != 1)
			break;
		pending = 1;
	}
	if (found) {
		text_end(&t);
		xmlFreeTextReader(r);
		return 0;
	}
	out[0] = '\0';
	if (ret == -1 && xmlscan_error(r, err, errlen) == -1)
		set_msg(err, errlen, "XML parse error");
	xmlFreeTextReader(r);
	return -1;
}
