/*
 * facts.c — read a file's head and tail once and say what kind of report it
 * looks like, with the few structural facts probes decide on.  The deeper
 * reading (a date megabytes in) is left to xml_find and json_find, which a
 * plugin calls only when it needs them.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facts.h"
#include "jsonscan.h"
#include "xmlscan.h"
#include "zipscan.h"

/* String storage: strings are never moved once handed out. */
struct facts_chunk {
	struct facts_chunk *next;
	size_t used, cap;
	char data[];
};

#define CHUNK 16384

static const char *const empty_list[1] = { NULL };

static char *
store(struct facts *f, const char *s, size_t len)
{
	struct facts_chunk *c = f->chunks;
	char *p;

	if (c == NULL || c->cap - c->used < len + 1) {
		size_t cap = len + 1 > CHUNK ? len + 1 : CHUNK;

		c = malloc(sizeof(*c) + cap);
		if (c == NULL) {
			f->oom = 1;
			return NULL;
		}
		c->used = 0;
		c->cap = cap;
		c->next = f->chunks;
		f->chunks = c;
	}
	p = c->data + c->used;
	memcpy(p, s, len);
	p[len] = '\0';
	c->used += len + 1;
	return p;
}

/* Length of s cut to at most max bytes, never inside a UTF-8 sequence. */
static size_t
utf8_cut(const char *s, size_t max)
{
	size_t len = strlen(s);

	if (len <= max)
		return len;
	len = max;
	while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
		len--;
	return len;
}

/* A copy that is "" when memory ran out (f->oom says so). */
static const char *
store_str(struct facts *f, const char *s, size_t len)
{
	const char *p = store(f, s, len);

	return p != NULL ? p : "";
}

static int
list_add(struct facts *f, struct facts_list *l, const char *s, size_t len)
{
	char *copy;

	if (l->n >= l->max)
		return -1;
	if (l->v == NULL) {
		l->v = calloc(l->max + 1, sizeof(*l->v));
		if (l->v == NULL) {
			f->oom = 1;
			return -1;
		}
	}
	if ((copy = store(f, s, len)) == NULL)
		return -1;
	l->v[l->n++] = copy;
	l->v[l->n] = NULL;
	return 0;
}

static int
list_has(const struct facts_list *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

static const char *const *
list_pub(const struct facts_list *l)
{
	return l->v != NULL ? l->v : empty_list;
}

static long
read_at(int fd, unsigned char *buf, size_t n, uint64_t off)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = pread(fd, buf + got, n - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (long)got;
}

static int
is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Does needle (lower case) occur in buf[0..len), ignoring ASCII case? */
static int
has_nocase(const unsigned char *buf, size_t len, const char *needle)
{
	size_t n = strlen(needle), i, j;

	for (i = 0; i + n <= len; i++) {
		for (j = 0; j < n && lower(buf[i + j]) == needle[j]; j++)
			;
		if (j == n)
			return 1;
	}
	return 0;
}

/*
 * Text has no NUL and is mostly valid UTF-8 (Latin-1 text has a few bad
 * sequences, compressed or executable data has them everywhere).
 */
static int
looks_binary(const unsigned char *p, size_t len, int cut)
{
	size_t i = 0, bad = 0, nul = 0;

	while (i < len) {
		unsigned char c = p[i];
		size_t n, k;

		if (c == 0) {
			nul++;
			i++;
			continue;
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 :
		    c >= 0xF0 && c <= 0xF4 ? 4 : 0;
		if (n == 0) {
			bad++;
			i++;
			continue;
		}
		if (i + n > len) {
			/* A sequence cut by the end of the head is not bad. */
			if (!cut)
				bad++;
			break;
		}
		for (k = 1; k < n && (p[i + k] & 0xC0) == 0x80; k++)
			;
		if (k < n) {
			bad++;
			i++;
			continue;
		}
		i += n;
	}
	return nul * 100 > len || (nul + bad) * 8 > len;
}

/* "[]", "{}", "null", with any whitespace around and inside the brackets. */
static int
trivial(const unsigned char *p, size_t len)
{
	size_t i = 0, j = len;

	while (i < j && is_ws(p[i]))
		i++;
	while (j > i && is_ws(p[j - 1]))
		j--;
	if (j - i == 4 && memcmp(p + i, "null", 4) == 0)
		return 1;
	if (j - i < 2 || !((p[i] == '[' && p[j - 1] == ']') || (p[i] == '{' && p[j - 1] == '}')))
		return 0;
	for (i++; i < j - 1; i++)
		if (!is_ws(p[i]))
			return 0;
	return 1;
}

static void
add_attr(struct facts *f, const char *name, const char *value)
{
	size_t nlen = strlen(name);

	if (nlen > FACTS_MAX_NAME || f->attrs.n + 2 > f->attrs.max)
		return;
	if (list_add(f, &f->attrs, name, nlen) == 0 &&
	    list_add(f, &f->attrs, value, utf8_cut(value, FACTS_MAX_VALUE)) == -1)
		f->attrs.v[--f->attrs.n] = NULL;
}

/* The same facts as read_xml() from a partial tree, for a document broken early. */
static void
read_root_node(struct facts *f, xmlNodePtr root)
{
	char qname[FACTS_MAX_NAME + 1], value[FACTS_MAX_VALUE + 1];
	xmlNsPtr ns;
	xmlAttrPtr a;
	xmlNodePtr c;
	const char *s;

	s = (const char *)root->name;
	f->pub.xml_root = store_str(f, s != NULL ? s : "", s != NULL ? utf8_cut(s, FACTS_MAX_NAME) : 0);
	s = root->ns != NULL && root->ns->href != NULL ? (const char *)root->ns->href : "";
	f->pub.xml_ns = store_str(f, s, utf8_cut(s, FACTS_MAX_VALUE));
	for (ns = root->nsDef; ns != NULL; ns = ns->next) {
		if (ns->prefix != NULL)
			snprintf(qname, sizeof(qname), "xmlns:%s", (const char *)ns->prefix);
		else
			snprintf(qname, sizeof(qname), "xmlns");
		add_attr(f, qname, ns->href != NULL ? (const char *)ns->href : "");
	}
	for (a = root->properties; a != NULL; a = a->next) {
		size_t len = 0;

		if (a->ns != NULL && a->ns->prefix != NULL)
			snprintf(qname, sizeof(qname), "%s:%s", (const char *)a->ns->prefix,
			    (const char *)a->name);
		else
			snprintf(qname, sizeof(qname), "%s", (const char *)a->name);
		/* Text children only: an entity reference is never expanded. */
		value[0] = '\0';
		for (c = a->children; c != NULL; c = c->next) {
			size_t n;

			if (c->type != XML_TEXT_NODE || c->content == NULL)
				continue;
			n = utf8_cut((const char *)c->content, FACTS_MAX_VALUE - len);
			memcpy(value + len, c->content, n);
			len += n;
			value[len] = '\0';
		}
		add_attr(f, qname, value);
	}
	for (c = root->children; c != NULL && f->children.n < FACTS_MAX_CHILDREN; c = c->next)
		if (c->type == XML_ELEMENT_NODE && c->name != NULL &&
		    strlen((const char *)c->name) <= FACTS_MAX_NAME)
			list_add(f, &f->children, (const char *)c->name, strlen((const char *)c->name));
}

/*
 * Read the root element and the local names of its first children, within
 * FACTS_XML_LIMIT bytes.  Return 0 when a root element was read.
 */
static int
read_xml(struct facts *f, int fd, const char *name)
{
	xmlTextReaderPtr r;
	const char *s;
	char err[256];
	int ret, pending = 0, ok;

	r = xmlscan_open_limit(fd, name, FACTS_XML_LIMIT);
	if (r == NULL) {
		f->oom = 1;
		return -1;
	}
	while ((ret = xmlTextReaderRead(r)) == 1 &&
	    xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT)
		;
	if (ret != 1) {
		/*
		 * The reader parses 512 bytes at a time and reports nothing of
		 * a chunk that holds an error, even a root start tag before
		 * it; the partial tree still has that root.
		 */
		xmlDocPtr doc = xmlTextReaderCurrentDoc(r);
		xmlNodePtr root = doc != NULL ? xmlDocGetRootElement(doc) : NULL;

		if (root != NULL)
			read_root_node(f, root);
		xmlFreeTextReader(r);
		if (doc != NULL)
			xmlFreeDoc(doc);
		return root != NULL ? 0 : -1;
	}

	s = (const char *)xmlTextReaderConstLocalName(r);
	f->pub.xml_root = store_str(f, s != NULL ? s : "", s != NULL ? utf8_cut(s, FACTS_MAX_NAME) : 0);
	s = (const char *)xmlTextReaderConstNamespaceUri(r);
	f->pub.xml_ns = store_str(f, s != NULL ? s : "", s != NULL ? utf8_cut(s, FACTS_MAX_VALUE) : 0);
	for (ok = xmlTextReaderMoveToFirstAttribute(r); ok == 1;
	    ok = xmlTextReaderMoveToNextAttribute(r)) {
		const char *an = (const char *)xmlTextReaderConstName(r);
		const char *av = (const char *)xmlTextReaderConstValue(r);

		if (an != NULL)
			add_attr(f, an, av != NULL ? av : "");
	}
	xmlTextReaderMoveToElement(r);

	if (!xmlTextReaderIsEmptyElement(r)) {
		for (;;) {
			int depth;

			/* After a skip, the reader already stands on an unseen node. */
			if (!pending && xmlTextReaderRead(r) != 1)
				break;
			pending = 0;
			depth = xmlTextReaderDepth(r);
			if (depth == 0)
				break;	/* the root's end tag */
			if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT || depth != 1)
				continue;
			s = (const char *)xmlTextReaderConstLocalName(r);
			if (s != NULL && strlen(s) <= FACTS_MAX_NAME)
				list_add(f, &f->children, s, strlen(s));
			if (f->children.n >= FACTS_MAX_CHILDREN || f->oom)
				break;
			if (xmlTextReaderIsEmptyElement(r))
				continue;
			/* A child's subtree may be megabytes: step over it. */
			if (xmlTextReaderNext(r) != 1)
				break;
			pending = 1;
		}
	}
	/* libxml2 stops at 256 levels: no parser of DefectDojo's reads such a file sensibly. */
	if (xmlscan_error(r, err, sizeof err) == 0 && strstr(err, "Excessive depth") != NULL)
		f->too_deep = 1;
	xmlFreeTextReader(r);
	return 0;
}

static void
json_key(void *arg, enum jsonscan_where where, const char *key, const char *scalar)
{
	struct facts *f = arg;
	size_t klen = strlen(key);

	if (klen > FACTS_MAX_NAME)
		return;
	if (where == JSONSCAN_ELEM_KEY) {
		if (!list_has(&f->elem_keys, key))
			list_add(f, &f->elem_keys, key, klen);
		return;
	}
	if (!list_has(&f->keys, key))
		list_add(f, &f->keys, key, klen);
	if (scalar != NULL && strlen(scalar) <= FACTS_MAX_VALUE &&
	    f->scalars.n + 2 <= f->scalars.max) {
		size_t i;

		/* A key the tail also saw keeps the head's value. */
		for (i = 0; i < f->scalars.n; i += 2)
			if (strcmp(f->scalars.v[i], key) == 0)
				return;
		if (list_add(f, &f->scalars, key, klen) == 0 &&
		    list_add(f, &f->scalars, scalar, strlen(scalar)) == -1)
			f->scalars.v[--f->scalars.n] = NULL;
	}
}

/* Split one CSV line at delim; with out == NULL, only count the cells. */
static size_t
csv_split(struct facts *f, const unsigned char *p, size_t len, char delim,
    struct facts_list *out)
{
	char cell[FACTS_MAX_NAME + 1];
	size_t i = 0, ncells = 0;

	for (;;) {
		size_t n = 0;
		int toolong = 0, quoted = 0;

		while (i < len && p[i] == ' ')
			i++;
		if (i < len && p[i] == '"') {
			quoted = 1;
			i++;
			while (i < len) {
				if (p[i] == '"') {
					if (i + 1 < len && p[i + 1] == '"')
						i++;
					else {
						i++;
						break;
					}
				}
				if (n < FACTS_MAX_NAME)
					cell[n++] = (char)p[i];
				else
					toolong = 1;
				i++;
			}
		}
		while (i < len && p[i] != (unsigned char)delim && p[i] != '\n' && p[i] != '\r') {
			if (n < FACTS_MAX_NAME)
				cell[n++] = (char)p[i];
			else
				toolong = 1;
			i++;
		}
		if (!quoted)
			while (n > 0 && cell[n - 1] == ' ')
				n--;
		ncells++;
		if (out != NULL && !toolong && ncells <= FACTS_MAX_KEYS)
			list_add(f, out, cell, n);
		if (i < len && p[i] == (unsigned char)delim) {
			i++;
			continue;
		}
		break;
	}
	return ncells;
}

static int
read_csv(struct facts *f, const unsigned char *p, size_t len)
{
	static const char delims[] = { ',', ';', '\t' };
	size_t best = 0, n, i, end;
	char delim = 0;
	int inq = 0;

	/* The first line ends at a newline outside quotes. */
	for (end = 0; end < len; end++) {
		if (p[end] == '"')
			inq = !inq;
		else if (!inq && (p[end] == '\n' || p[end] == '\r'))
			break;
	}
	for (i = 0; i < sizeof(delims); i++) {
		n = csv_split(f, p, end, delims[i], NULL);
		if (n > best) {
			best = n;
			delim = delims[i];
		}
	}
	if (best < 2)
		return -1;
	f->pub.csv_delim = delim;
	csv_split(f, p, end, delim, &f->header);
	return 0;
}

/*
 * Does the JSON text on fd close every object, array and string it opens?
 * One pass over the whole file, a buffer at a time: linear time, constant
 * memory, whatever the size.  Only a file that ends at depth 0, outside a
 * string, is whole.
 */
static int
json_balanced(int fd, uint64_t size)
{
	unsigned char buf[64 * 1024];
	uint64_t off = 0;
	long depth = 0;
	int in_string = 0, escaped = 0;

	while (off < size) {
		long n = read_at(fd, buf, sizeof buf, off);

		if (n <= 0)
			return n == 0 ? depth == 0 && !in_string : 1;	/* an I/O error is not "cut short" */
		for (long i = 0; i < n; i++) {
			unsigned char c = buf[i];

			if (in_string) {
				if (escaped)
					escaped = 0;
				else if (c == '\\')
					escaped = 1;
				else if (c == '"')
					in_string = 0;
			} else if (c == '"') {
				in_string = 1;
			} else if (c == '{' || c == '[') {
				depth++;
			} else if ((c == '}' || c == ']') && --depth < 0) {
				return 0;
			}
		}
		off += (uint64_t)n;
	}
	return depth == 0 && !in_string;
}

/* The last byte of p[0..len) that is not white space, or -1. */
static int
last_byte(const unsigned char *p, size_t len)
{
	while (len > 0 && (is_ws(p[len - 1]) || p[len - 1] == '\0'))
		len--;
	return len > 0 ? p[len - 1] : -1;
}

/*
 * Does an XML report end with its root element's end tag?  The last "</"
 * of the tail must name the root (any prefix), and only white space may
 * follow it; a root that closes itself ("<root/>") has no end tag at all.
 */
static int
xml_closed(const struct facts *f)
{
	const unsigned char *p = f->pub.tail;
	size_t len = f->pub.tail_len, i, n, rl = strlen(f->pub.xml_root);
	const unsigned char *name;

	if (last_byte(p, len) != '>')
		return 0;
	for (i = len; i >= 2; i--)
		if (p[i - 2] == '<' && p[i - 1] == '/')
			break;
	if (i < 2)
		/* No end tag anywhere in view: only a whole file of one empty root. */
		return f->pub.size <= f->pub.head_len && len >= 2 && memcmp(p + len - 2, "/>", 2) == 0;
	name = p + i;
	for (n = 0; i + n < len && p[i + n] != '>' && !is_ws(p[i + n]); n++)
		;
	for (size_t k = n; k > 0; k--)
		if (name[k - 1] == ':') {
			name += k;
			n -= k;
			break;
		}
	return n == rl && memcmp(name, f->pub.xml_root, rl) == 0;
}

static void
zip_member(void *arg, const char *name)
{
	struct facts *f = arg;

	list_add(f, &f->members, name, strlen(name));
}

static void
classify(struct facts *f, int fd, const char *name)
{
	const unsigned char *p = f->head;
	size_t len = f->pub.head_len, start = 0, i;
	int whole = f->pub.size <= len;
	struct jsonscan_outline o;

	if (len == 0) {
		f->pub.kind = DOJOBRIDGE_KIND_EMPTY;
		return;
	}
	if (len >= 4 && memcmp(p, "PK\3\4", 4) == 0) {
		char err[256];

		f->pub.kind = DOJOBRIDGE_KIND_ZIP;
		/* A damaged archive is still a zip; its list stays empty. */
		(void)zipscan_members(fd, zip_member, f, err, sizeof err);
		return;
	}
	if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		start = 3;
	for (i = start; i < len && is_ws(p[i]); i++)
		;
	if (whole && (i == len || trivial(p + start, len - start))) {
		f->pub.kind = DOJOBRIDGE_KIND_EMPTY;
		return;
	}
	/* UTF-16 is text full of NULs: only XML is worth reading in it. */
	if (len >= 4 && ((p[0] == 0xFF && p[1] == 0xFE && p[2] == '<' && p[3] == 0) ||
	    (p[0] == 0xFE && p[1] == 0xFF && p[2] == 0 && p[3] == '<'))) {
		f->pub.kind = read_xml(f, fd, name) == 0 ? DOJOBRIDGE_KIND_XML :
		    DOJOBRIDGE_KIND_TEXT;
		return;
	}
	if (looks_binary(p + start, len - start, !whole)) {
		f->pub.kind = DOJOBRIDGE_KIND_BINARY;
		return;
	}
	if (i < len && p[i] == '<') {
		if (read_xml(f, fd, name) == 0) {
			f->pub.kind = DOJOBRIDGE_KIND_XML;
			if (strcasecmp(f->pub.xml_root, "html") == 0 ||
			    has_nocase(p + i, len - i > 1024 ? 1024 : len - i, "<!doctype html"))
				f->pub.kind = DOJOBRIDGE_KIND_HTML;
			else if (!xml_closed(f))
				f->cut_short = 1;
			return;
		}
		/* HTML is seldom well-formed XML. */
		if (has_nocase(p + i, len - i > 1024 ? 1024 : len - i, "<!doctype html") ||
		    has_nocase(p + i, len - i > 1024 ? 1024 : len - i, "<html")) {
			f->pub.kind = DOJOBRIDGE_KIND_HTML;
			return;
		}
		f->pub.kind = DOJOBRIDGE_KIND_TEXT;
		return;
	}
	if (i < len && (p[i] == '{' || p[i] == '[') &&
	    jsonscan_outline(p, len, json_key, f, &o, NULL, 0) == 0 && o.top != 0) {
		f->pub.kind = o.complete && o.more ? DOJOBRIDGE_KIND_JSONL : DOJOBRIDGE_KIND_JSON;
		f->pub.json_top = o.top;
		/* Every value (every line's) must close before the file ends. */
		if ((whole && !o.complete) || (last_byte(f->pub.tail, f->pub.tail_len) != '}' &&
		    last_byte(f->pub.tail, f->pub.tail_len) != ']') || !json_balanced(fd, f->pub.size))
			f->cut_short = 1;
		/* Keys past the head: Grype's "descriptor", GitLab's "scan". */
		if (f->pub.kind == DOJOBRIDGE_KIND_JSON && o.top == '{' && !o.complete &&
		    f->tail != NULL)
			jsonscan_tail_keys(f->tail, f->pub.tail_len, json_key, f);
		return;
	}
	if (read_csv(f, p + start, len - start) == 0) {
		f->pub.kind = DOJOBRIDGE_KIND_CSV;
		return;
	}
	f->pub.kind = DOJOBRIDGE_KIND_TEXT;
}

static void
set_err(char *err, size_t errlen, const char *what)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s: %s", what, strerror(errno));
}

int
facts_read(struct facts *f, int fd, const char *name, char *err, size_t errlen)
{
	struct stat st;
	long n;
	size_t want;

	memset(f, 0, sizeof(*f));
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	f->attrs.max = 2 * FACTS_MAX_ATTRS;
	f->children.max = FACTS_MAX_CHILDREN;
	f->keys.max = FACTS_MAX_KEYS;
	f->elem_keys.max = FACTS_MAX_KEYS;
	f->scalars.max = 2 * FACTS_MAX_KEYS;
	f->header.max = FACTS_MAX_KEYS;
	f->members.max = ZIPSCAN_MAX_MEMBERS;

	if (fstat(fd, &st) == -1) {
		set_err(err, errlen, "fstat");
		return -1;
	}
	f->pub.struct_size = sizeof(struct dojobridge_facts);
	f->pub.size = st.st_size > 0 ? (uint64_t)st.st_size : 0;
	f->head = malloc(FACTS_WINDOW);
	if (f->head == NULL)
		goto oom;
	n = read_at(fd, f->head, FACTS_WINDOW, 0);
	if (n < 0) {
		set_err(err, errlen, "read");
		goto fail;
	}
	f->pub.head = f->head;
	f->pub.head_len = (size_t)n;
	/* A file still growing is taken as far as it was read. */
	if (f->pub.size < f->pub.head_len)
		f->pub.size = f->pub.head_len;
	if (f->pub.size > f->pub.head_len) {
		want = f->pub.size < FACTS_WINDOW ? (size_t)f->pub.size : FACTS_WINDOW;
		f->tail = malloc(want);
		if (f->tail == NULL)
			goto oom;
		n = read_at(fd, f->tail, want, f->pub.size - want);
		if (n < 0) {
			set_err(err, errlen, "read");
			goto fail;
		}
		f->pub.tail = f->tail;
		f->pub.tail_len = (size_t)n;
	} else {
		f->pub.tail = f->head;
		f->pub.tail_len = f->pub.head_len;
	}

	f->pub.name = store_str(f, name != NULL ? name : "", name != NULL ? strlen(name) : 0);
	f->pub.xml_root = f->pub.xml_ns = "";
	classify(f, fd, name);
	if (f->oom)
		goto oom;
	f->pub.xml_root_attrs = list_pub(&f->attrs);
	f->pub.xml_children = list_pub(&f->children);
	f->pub.json_keys = list_pub(&f->keys);
	f->pub.json_elem_keys = list_pub(&f->elem_keys);
	f->pub.json_scalars = list_pub(&f->scalars);
	f->pub.csv_header = list_pub(&f->header);
	f->pub.zip_members = list_pub(&f->members);
	return 0;

oom:
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "out of memory");
fail:
	facts_release(f);
	return -1;
}

void
facts_release(struct facts *f)
{
	struct facts_chunk *c, *next;

	for (c = f->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(f->attrs.v);
	free(f->children.v);
	free(f->keys.v);
	free(f->elem_keys.v);
	free(f->scalars.v);
	free(f->header.v);
	free(f->members.v);
	free(f->head);
	free(f->tail);
	memset(f, 0, sizeof(*f));
}
