/*
 * jsonscan.h — read what we need from JSON without building a tree.
 *
 * Reports can be hundreds of megabytes, and a tree costs tens of times the
 * text.  A small tokenizer of our own walks the bytes once instead, keeping
 * only a stack of container types, so memory is constant whatever the size:
 *
 * - jsonscan_find() streams a file for one value at a path (the host's
 *   json_find service of dojobridge-plugin.h);
 * - jsonscan_outline() and jsonscan_tail_keys() read the 64 KiB head and
 *   tail that facts keeps, for the facts every probe sees.
 *
 * Invariants:
 * - Nesting deeper than JSONSCAN_MAXDEPTH containers is an error, never a
 *   deep recursion: the tokenizer does not recurse at all.
 * - A key longer than JSONSCAN_KEYMAX bytes is skipped (it matches no path
 *   and is never reported), not stored.  A string value is stored only up to
 *   the room its caller gives; the rest is read and dropped.
 * - Input is strict RFC 8259 JSON in UTF-8, a UTF-8 byte order mark allowed
 *   at offset 0, and several top-level values in a row (JSON lines, or
 *   concatenated documents) are read one after the other.  Invalid UTF-8,
 *   raw control characters in strings, bad escapes and stray bytes are
 *   errors.  \u escapes are decoded, surrogate pairs joined; a lone
 *   surrogate becomes U+FFFD.
 * - Error messages read "byte N: why", N counting from 0 at the file's
 *   first byte (the byte order mark included).
 */
#ifndef DOJOBRIDGE_JSONSCAN_H
#define DOJOBRIDGE_JSONSCAN_H

#include <stddef.h>

#define JSONSCAN_MAXDEPTH	512
#define JSONSCAN_KEYMAX		256
/* The longest scalar jsonscan_outline() and jsonscan_tail_keys() report. */
#define JSONSCAN_VALUEMAX	1024

/*
 * Find the first value at path in the JSON file open on fd, or the last one
 * with DOJOBRIDGE_FIND_LAST in flags.  The file is read with pread() from
 * offset 0, so fd's offset is neither used nor moved.
 *
 * path is object keys separated by '.', and array steps "[N]" (the element
 * at index N; the ABI promises "[0]") or "[*]" (any element); a path may
 * start with an array step: "[*].rule_id".  An empty path is each top-level
 * value itself.  A key holding '.' or '[' cannot be named.  A path has at
 * most 32 steps.
 *
 * A string is copied decoded, a number, true or false as written; a null, an
 * object or an array at the path does not count, and the search goes on.
 * The copy is truncated to outlen-1 bytes, never inside a UTF-8 sequence.
 * Reading stops at the first match unless FIND_LAST is set.
 *
 * Return 0 when found.  Return -1 otherwise, with out = "" and err = ""
 * when the value is simply absent, or err = "byte N: why" when the file is
 * not JSON (or could not be read) before a match was made.
 */
int jsonscan_find(int fd, const char *path, unsigned flags, char *out, size_t outlen,
    char *err, size_t errlen);

/* Which part of a document a key reported to a jsonscan_key_fn belongs to. */
enum jsonscan_where {
	JSONSCAN_TOP_KEY,	/* a member of the top-level object */
	JSONSCAN_ELEM_KEY	/* a member of the first element of a top-level array */
};

/*
 * Called once for each key found.  scalar is the member's value when it is
 * a string (decoded), a number or true/false (as written) of at most
 * JSONSCAN_VALUEMAX bytes, NULL otherwise (null, object, array, too long,
 * or cut off by the end of the buffer).  Both strings are valid only during
 * the call.
 */
typedef void (*jsonscan_key_fn)(void *arg, enum jsonscan_where where,
    const char *key, const char *scalar);

/* What jsonscan_outline() saw. */
struct jsonscan_outline {
	char top;		/* '{' or '[' of the first value; 0 if it is neither */
	int complete;		/* the first value ends inside the buffer */
	int more;		/* and another value follows it (JSON lines) */
	size_t end;		/* offset just after the first value when complete */
};

/*
 * Walk the first value of buf[0..len), the head of a file which may be cut
 * anywhere, and report through fn the top-level keys of an object in order
 * (with scalars), or the keys of the first element of a top-level array.
 * A value cut short by the end of buf is not an error: the walk reports what
 * came before.
 *
 * Return 0 and fill *out when buf starts (after an optional byte order mark
 * and whitespace) with JSON that is valid as far as it goes.  Return -1,
 * with err = "byte N: why" (N from buf[0]), when it is not JSON before its
 * end.
 */
int jsonscan_outline(const void *buf, size_t len, jsonscan_key_fn fn, void *arg,
    struct jsonscan_outline *out, char *err, size_t errlen);

/*
 * Recover the last top-level keys of an object from buf[0..len), the tail of
 * a file whose first bytes are not in buf: Grype writes "descriptor" and
 * GitLab "scan" last, megabytes after the head.  Keys are reported in file
 * order, as JSONSCAN_TOP_KEY, with scalars as jsonscan_outline() gives them.
 *
 * This is a heuristic.  It scans backwards from the closing '}' of the
 * file, skipping strings (a '"' is a string's delimiter when an even number
 * of backslashes precede it) and counting brackets, and takes a string
 * followed by ':' at depth 1 as a key.  It is exact for a valid document
 * that ends in buf with its top-level '}' (trailing whitespace allowed); it
 * finds only keys that start inside buf, at most 256 of them, and gives up
 * (returning what it found so far) at the first string cut by buf's start.
 * It finds nothing when the document ends in ']' or anything but '}'.
 *
 * Return the number of keys reported (0 or more).
 */
int jsonscan_tail_keys(const void *buf, size_t len, jsonscan_key_fn fn, void *arg);

#endif /* DOJOBRIDGE_JSONSCAN_H */
