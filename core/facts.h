/*
 * facts.h — what every probe learns about a file before it looks itself.
 *
 * facts_read() reads a file once, cheaply, and fills the public struct
 * dojobridge_facts of dojobridge-plugin.h: its kind (EMPTY, XML, JSON,
 * JSONL, CSV, HTML, ZIP, TEXT, BINARY), a 64 KiB head and tail, and per kind
 * the XML root element, the JSON top-level keys, or the CSV header.
 *
 * Invariants:
 * - Reading is bounded whatever the file: one head and one tail of
 *   FACTS_WINDOW bytes (the same buffer when the file fits in one), and for
 *   XML at most FACTS_XML_LIMIT bytes of parsing to find the root and its
 *   first FACTS_MAX_CHILDREN children.  JSON alone is read to its end, once,
 *   a buffer at a time in constant memory, to know it is whole.  Reads use
 *   pread(): fd's offset does not matter and does not move.
 * - cut_short: a JSON file whose brackets or last string do not close, or an
 *   XML file whose tail does not end with its root's end tag, is half a
 *   report (still being written, or damaged) and must not be taken for one.
 * - Memory is bounded: at most FACTS_MAX_KEYS keys, key or header cell or
 *   attribute name of at most FACTS_MAX_NAME bytes (longer ones are left
 *   out), values of at most FACTS_MAX_VALUE bytes (a longer JSON scalar is
 *   left out of json_scalars; a longer XML attribute value is cut, on a
 *   UTF-8 boundary), FACTS_MAX_ATTRS root attributes.
 * - Every string and list in pub is owned by struct facts and valid until
 *   facts_release(); every list is NULL-terminated and never NULL; strings
 *   that do not apply to the kind are "".
 * - The empty kind covers what DefectDojo would read as "no findings" and
 *   then close every open one: no bytes, only whitespace (and a byte order
 *   mark), "[]", "{}" or "null".
 * - Only an I/O failure (or running out of memory) is an error: a file
 *   that is not what it looks like gets a weaker kind, such as an XML
 *   document broken before its root element, which is TEXT.
 * - xmlscan_init() must have been called once in the process.
 */
#ifndef DOJOBRIDGE_FACTS_H
#define DOJOBRIDGE_FACTS_H

#include <stddef.h>

#include "dojobridge-plugin.h"

#define FACTS_WINDOW		(64 * 1024)
#define FACTS_XML_LIMIT		(1024 * 1024)
#define FACTS_MAX_CHILDREN	32
#define FACTS_MAX_KEYS		256
#define FACTS_MAX_ATTRS		64
#define FACTS_MAX_NAME		256
#define FACTS_MAX_VALUE		1024

/* A NULL-terminated list of strings, allocated when the first one comes. */
struct facts_list {
	const char **v;
	size_t n, max;
};

struct facts_chunk;

struct facts {
	struct dojobridge_facts pub;	/* what probes see; the rest is ours */
	unsigned char *head;
	unsigned char *tail;		/* NULL when pub.tail is the head */
	struct facts_chunk *chunks;	/* storage of every string */
	struct facts_list attrs, children, keys, elem_keys, scalars, header, members;
	int cut_short;			/* JSON or XML that ends before its value or root closes */
	int too_deep;			/* XML nested past libxml2's 256 levels in its first MiB */
	int oom;
};

/*
 * Read the file open on fd (name is its basename as dropped, copied) and
 * fill f, which needs no initialisation.  Return 0 on success.  Return -1
 * with a message in err when the file cannot be read (or memory runs out);
 * f then holds nothing to release.
 */
int facts_read(struct facts *f, int fd, const char *name, char *err, size_t errlen);

/* Free everything facts_read() allocated; f may be read again afterwards. */
void facts_release(struct facts *f);

#endif /* DOJOBRIDGE_FACTS_H */
