/*
 * xmlscan.h — read hostile XML reports safely, streaming, over an fd.
 *
 * Every XML report goes through the libxml2 reader opened here and nowhere
 * else, so the safety rules hold in one place:
 * - no network, no DTD loaded, no entity substituted: an entity reference
 *   stays a reference and its text is never seen (XXE and billion laughs
 *   find nothing to expand; libxml2 2.9's own loop and amplification checks
 *   turn the latter into an error);
 * - an external entity loader that refuses everything, in case some option
 *   combination ever asks for one;
 * - the bytes are read with pread() from offset 0 by our own callback, so
 *   libxml2's gzip and xz input handlers (a decompression bomb that would
 *   bypass any size cap) are never used, and the fd's offset neither
 *   matters nor moves;
 * - libxml2's limits stay on (no XML_PARSE_HUGE): depth 256, text node
 *   10 MB, names 50 KB;
 * - errors are captured per reader, never printed.
 * The reader runs in constant memory: nodes are freed as it moves on.
 */
#ifndef DOJOBRIDGE_XMLSCAN_H
#define DOJOBRIDGE_XMLSCAN_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/xmlreader.h>

/*
 * Call once per process before any other xmlscan function (and before
 * starting threads): initialises libxml2 and installs the refusing entity
 * loader.
 */
void xmlscan_init(void);

/*
 * A reader over the file open on fd, reading from offset 0.  name is used
 * only as the document's base name in libxml2's messages.  Return NULL when
 * out of memory.  The caller frees the reader with xmlFreeTextReader(),
 * which also frees what xmlscan attached to it; fd stays open and is the
 * caller's.
 */
xmlTextReaderPtr xmlscan_open(int fd, const char *name);

/*
 * The same, but the reader sees at most limit bytes of the file (0: no
 * limit) and then an early end of input, so that a caller that needs only
 * the start of a document bounds its parsing work.
 */
xmlTextReaderPtr xmlscan_open_limit(int fd, const char *name, uint64_t limit);

/*
 * Copy into err "line N: message" for the first error the reader met (a
 * fatal one in preference), and return 0; return -1 with err = "" when it
 * met none.
 */
int xmlscan_error(xmlTextReaderPtr reader, char *err, size_t errlen);

/*
 * Stream the XML file open on fd and copy into out the first match of path,
 * as the host's xml_find service of dojobridge-plugin.h promises.
 *
 * path is steps separated by '/', matched against element local names from
 * the root (namespaces ignored):
 *     name          an element of that local name
 *     *             any one element
 *     **            any number of levels, none included
 *     @name         an attribute (local name) of the element the steps
 *                   before it matched; last step only
 *     step[@a='v']  an element step whose attribute a equals v exactly;
 *                   several predicates must all hold; '"' quotes also work
 * For an element, the text is its own text and CDATA children concatenated
 * (not its descendants'), trimmed of XML whitespace at both ends; for an
 * attribute, its value, trimmed likewise.  The copy is truncated to
 * outlen-1 bytes, never inside a UTF-8 sequence.  Parsing stops at the first
 * match, and as soon as no element can match any more (a root of another
 * name: nothing past its start tag), and subtrees that cannot hold a match
 * are skipped without being looked at.  A path has at most 32 steps, 4
 * predicates a step, and 1023 bytes.
 *
 * libxml2's reader parses 512 bytes at a time and reports none of the nodes
 * of a chunk in which it finds an error, so a match less than 512 bytes
 * before a well-formedness error may be lost to that error.
 *
 * Return 0 when found (out may be "" for an empty element).  Return -1
 * otherwise: err = "" when the document simply has no match,
 * err = "line N: message" when it is not well-formed before a match was
 * made, or another message for a bad path or a read error.
 */
int xmlscan_find(int fd, const char *path, char *out, size_t outlen,
    char *err, size_t errlen);

#endif /* DOJOBRIDGE_XMLSCAN_H */
