/*
 * jsonscan.c — a pull tokenizer for JSON over a file or a buffer, and the
 * path search and head/tail outlines built on it.  It never recurses and
 * never allocates: a stack of container types and one input block are all
 * the state it keeps.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dojobridge-plugin.h"
#include "jsonscan.h"

/* Bytes read from the file at a time. */
#define BLOCK 16384
#define MAXSTEPS 32

enum jtype {
	J_ERR = -1, J_EOF = 0,
	J_OBJ, J_ENDOBJ, J_ARR, J_ENDARR, J_KEY,
	J_STR, J_NUM, J_TRUE, J_FALSE, J_NULL
};

/* What the tokenizer expects next. */
enum expect {
	E_TOP,			/* a top-level value, or the end */
	E_VALUE,		/* a value after ':' or ',' in an array */
	E_VALUE_OR_END,		/* a value or ']' just after '[' */
	E_KEY,			/* a key after ',' in an object */
	E_KEY_OR_END,		/* a key or '}' just after '{' */
	E_COLON,
	E_COMMA_OR_END
};

struct jtok {
	/* Input: a file read in blocks, or one buffer. */
	int fd;				/* -1 when reading a buffer */
	unsigned char *block;
	const unsigned char *p;
	size_t len, pos;
	uint64_t base;			/* input offset of p[0] */
	int eof;

	unsigned char stack[JSONSCAN_MAXDEPTH];
	int depth;
	enum expect expect;

	/* Text of the last key, and of the last scalar value when vbuf is set. */
	char key[JSONSCAN_KEYMAX + 1];
	size_t keylen;
	int keylong;
	char *vbuf;			/* NULL: drop values' text */
	size_t vcap;			/* bytes of text vbuf may hold, NUL aside */
	size_t vlen;
	int vlong;

	uint64_t erroff;
	const char *errmsg;
	int truncated;			/* the error is the end of the input */
};

static void
jtok_init(struct jtok *t, int fd, unsigned char *block, const unsigned char *buf, size_t len)
{
	memset(t, 0, sizeof(*t));
	t->fd = fd;
	t->block = block;
	t->p = buf;
	t->len = len;
	t->expect = E_TOP;
}

/*
 * Make at least n (at most a few) bytes available, keeping the unread ones;
 * return -1 when the input ends first.
 */
static int
ensure(struct jtok *t, size_t n)
{
	ssize_t got;
	size_t rem;

	while (t->len - t->pos < n) {
		if (t->fd < 0 || t->eof)
			return -1;
		rem = t->len - t->pos;
		if (rem > 0)
			memmove(t->block, t->p + t->pos, rem);
		t->base += t->pos;
		t->p = t->block;
		t->len = rem;
		t->pos = 0;
		for (;;) {
			got = pread(t->fd, t->block + rem, BLOCK - rem, (off_t)(t->base + rem));
			if (got >= 0 || errno != EINTR)
				break;
		}
		if (got < 0) {
			t->eof = 1;
			t->erroff = t->base + rem;
			t->errmsg = "read error";
			return -1;
		}
		if (got == 0) {
			t->eof = 1;
			return -1;
		}
		t->len += (size_t)got;
	}
	return 0;
}

static int
peek(struct jtok *t)
{
	if (t->pos >= t->len && ensure(t, 1) == -1)
		return -1;
	return t->p[t->pos];
}

static int
get(struct jtok *t)
{
	if (t->pos >= t->len && ensure(t, 1) == -1)
		return -1;
	return t->p[t->pos++];
}

static uint64_t
offset(const struct jtok *t)
{
	return t->base + t->pos;
}

static enum jtype
fail(struct jtok *t, uint64_t at, const char *why)
{
	/* A read error already said what went wrong. */
	if (t->errmsg == NULL) {
		t->erroff = at;
		t->errmsg = why;
	}
	return J_ERR;
}

static enum jtype
fail_eof(struct jtok *t)
{
	if (t->errmsg == NULL)
		t->truncated = 1;
	return fail(t, offset(t), "unexpected end of input");
}

static int
is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Append an encoded character to the text being collected, whole or not at all. */
static void
put(char *buf, size_t cap, size_t *len, int *toolong, const unsigned char *s, size_t n)
{
	if (*toolong || buf == NULL)
		return;
	if (*len + n > cap) {
		*toolong = 1;
		return;
	}
	memcpy(buf + *len, s, n);
	*len += n;
}

static size_t
encode_utf8(uint32_t cp, unsigned char *s)
{
	if (cp < 0x80) {
		s[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		s[0] = (unsigned char)(0xC0 | (cp >> 6));
		s[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		s[0] = (unsigned char)(0xE0 | (cp >> 12));
		s[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		s[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	s[0] = (unsigned char)(0xF0 | (cp >> 18));
	s[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	s[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	s[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

static int
hex4(struct jtok *t, uint32_t *v)
{
	int i, c;

	*v = 0;
	for (i = 0; i < 4; i++) {
		c = get(t);
		if (c >= '0' && c <= '9')
			*v = *v * 16 + (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v = *v * 16 + (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v = *v * 16 + (uint32_t)(c - 'A' + 10);
		else
			return c == -1 ? -1 : 1;
	}
	return 0;
}

/*
 * Read a string whose opening quote was consumed, decoding it into buf (up
 * to cap bytes; *toolong set beyond).  Return 0 or J_ERR.
 */
static int
read_string(struct jtok *t, char *buf, size_t cap, size_t *len, int *toolong)
{
	unsigned char enc[4];
	int c;

	*len = 0;
	*toolong = 0;
	for (;;) {
		uint64_t at = offset(t);

		c = get(t);
		if (c == -1)
			return fail_eof(t);
		if (c == '"')
			break;
		if (c < 0x20)
			return fail(t, at, "control character in string");
		if (c == '\\') {
			uint32_t cp, lo;
			int r;

			c = get(t);
			switch (c) {
			case '"': case '\\': case '/':
				cp = (uint32_t)c;
				break;
			case 'b': cp = '\b'; break;
			case 'f': cp = '\f'; break;
			case 'n': cp = '\n'; break;
			case 'r': cp = '\r'; break;
			case 't': cp = '\t'; break;
			case 'u':
				if ((r = hex4(t, &cp)) != 0)
					return r == -1 ? fail_eof(t) : fail(t, offset(t) - 1, "bad \\u escape");
				if (cp >= 0xD800 && cp <= 0xDBFF) {
					/* A high surrogate pairs only with an immediate \uDC00-\uDFFF. */
					if (ensure(t, 2) == 0 && t->p[t->pos] == '\\' &&
					    t->p[t->pos + 1] == 'u') {
						t->pos += 2;
						if ((r = hex4(t, &lo)) != 0)
							return r == -1 ? fail_eof(t) :
							    fail(t, offset(t) - 1, "bad \\u escape");
						if (lo >= 0xDC00 && lo <= 0xDFFF)
							cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
						else {
							size_t n = encode_utf8(0xFFFD, enc);

							put(buf, cap, len, toolong, enc, n);
							cp = (lo >= 0xD800 && lo <= 0xDFFF) ? 0xFFFD : lo;
						}
					} else
						cp = 0xFFFD;
				} else if (cp >= 0xDC00 && cp <= 0xDFFF)
					cp = 0xFFFD;
				break;
			case -1:
				return fail_eof(t);
			default:
				return fail(t, offset(t) - 1, "bad escape in string");
			}
			put(buf, cap, len, toolong, enc, encode_utf8(cp, enc));
			continue;
		}
		if (c < 0x80) {
			enc[0] = (unsigned char)c;
			put(buf, cap, len, toolong, enc, 1);
			continue;
		}
		/* A multi-byte sequence: RFC 3629, no overlongs, no surrogates. */
		{
			size_t n, i;
			unsigned lo = 0x80, hi = 0xBF;

			if (c >= 0xC2 && c <= 0xDF)
				n = 2;
			else if (c >= 0xE0 && c <= 0xEF) {
				n = 3;
				if (c == 0xE0)
					lo = 0xA0;
				else if (c == 0xED)
					hi = 0x9F;
			} else if (c >= 0xF0 && c <= 0xF4) {
				n = 4;
				if (c == 0xF0)
					lo = 0x90;
				else if (c == 0xF4)
					hi = 0x8F;
			} else
				return fail(t, at, "invalid UTF-8");
			enc[0] = (unsigned char)c;
			for (i = 1; i < n; i++) {
				c = get(t);
				if (c == -1)
					return fail_eof(t);
				if ((unsigned)c < lo || (unsigned)c > hi)
					return fail(t, offset(t) - 1, "invalid UTF-8");
				lo = 0x80;
				hi = 0xBF;
				enc[i] = (unsigned char)c;
			}
			put(buf, cap, len, toolong, enc, n);
		}
	}
	if (buf != NULL)
		buf[*len] = '\0';
	return 0;
}

static void
put_byte(struct jtok *t, int c)
{
	unsigned char b = (unsigned char)c;

	put(t->vbuf, t->vcap, &t->vlen, &t->vlong, &b, 1);
}

/* A number as RFC 8259 writes it; its first byte is c, already consumed. */
static enum jtype
read_number(struct jtok *t, int c, uint64_t at)
{
	int d;

	put_byte(t, c);
	if (c == '-') {
		c = get(t);
		if (c == -1)
			return fail_eof(t);
		if (c < '0' || c > '9')
			return fail(t, at, "bad number");
		put_byte(t, c);
	}
	if (c != '0')
		while ((d = peek(t)) >= '0' && d <= '9')
			put_byte(t, get(t));
	if (peek(t) == '.') {
		put_byte(t, get(t));
		if ((d = peek(t)) < '0' || d > '9')
			return d == -1 ? fail_eof(t) : fail(t, at, "bad number");
		while ((d = peek(t)) >= '0' && d <= '9')
			put_byte(t, get(t));
	}
	if ((d = peek(t)) == 'e' || d == 'E') {
		put_byte(t, get(t));
		if ((d = peek(t)) == '+' || d == '-')
			put_byte(t, get(t));
		if ((d = peek(t)) < '0' || d > '9')
			return d == -1 ? fail_eof(t) : fail(t, at, "bad number");
		while ((d = peek(t)) >= '0' && d <= '9')
			put_byte(t, get(t));
	}
	if (t->errmsg != NULL)
		return J_ERR;
	return J_NUM;
}

static enum jtype
read_literal(struct jtok *t, const char *word, enum jtype type, uint64_t at)
{
	size_t i;
	int c;

	/* null has no text: a match kept in vbuf must survive it. */
	if (type != J_NULL)
		put_byte(t, word[0]);
	for (i = 1; word[i] != '\0'; i++) {
		c = get(t);
		if (c == -1)
			return fail_eof(t);
		if (c != word[i])
			return fail(t, at, "unexpected character");
		if (type != J_NULL)
			put_byte(t, c);
	}
	return type;
}

static void
after_value(struct jtok *t)
{
	t->expect = t->depth == 0 ? E_TOP : E_COMMA_OR_END;
}

static enum jtype
push(struct jtok *t, unsigned char c, uint64_t at)
{
	if (t->depth >= JSONSCAN_MAXDEPTH)
		return fail(t, at, "nesting deeper than 512");
	t->stack[t->depth++] = c;
	t->expect = c == '{' ? E_KEY_OR_END : E_VALUE_OR_END;
	return c == '{' ? J_OBJ : J_ARR;
}

static enum jtype
pop(struct jtok *t)
{
	unsigned char c = t->stack[--t->depth];

	after_value(t);
	return c == '{' ? J_ENDOBJ : J_ENDARR;
}

/* The next token; J_EOF only between top-level values at the end of input. */
static enum jtype
jtok_next(struct jtok *t)
{
	enum jtype type;
	uint64_t at;
	int c;

	if (t->errmsg != NULL)
		return J_ERR;
	/* vbuf is left alone until a scalar is read: it may hold the last match. */
	t->vlen = 0;
	t->vlong = 0;
	for (;;) {
		while (is_ws(c = peek(t)))
			t->pos++;
		at = offset(t);
		if (c == -1) {
			if (t->errmsg != NULL)
				return J_ERR;
			if (t->expect == E_TOP)
				return J_EOF;
			return fail_eof(t);
		}
		t->pos++;
		switch (t->expect) {
		case E_COLON:
			if (c != ':')
				return fail(t, at, "expected ':'");
			t->expect = E_VALUE;
			continue;
		case E_COMMA_OR_END:
			if (c == ',') {
				t->expect = t->stack[t->depth - 1] == '{' ? E_KEY : E_VALUE;
				continue;
			}
			if ((c == '}' && t->stack[t->depth - 1] == '{') ||
			    (c == ']' && t->stack[t->depth - 1] == '['))
				return pop(t);
			return fail(t, at, t->stack[t->depth - 1] == '{' ?
			    "expected ',' or '}'" : "expected ',' or ']'");
		case E_KEY_OR_END:
			if (c == '}')
				return pop(t);
			/* FALLTHROUGH */
		case E_KEY:
			if (c != '"')
				return fail(t, at, "expected a key");
			if (read_string(t, t->key, JSONSCAN_KEYMAX, &t->keylen, &t->keylong) != 0)
				return J_ERR;
			t->expect = E_COLON;
			return J_KEY;
		case E_VALUE_OR_END:
			if (c == ']')
				return pop(t);
			/* FALLTHROUGH */
		case E_VALUE:
		case E_TOP:
			break;
		}
		switch (c) {
		case '{':
		case '[':
			return push(t, (unsigned char)c, at);
		case '"':
			if (read_string(t, t->vbuf, t->vcap, &t->vlen, &t->vlong) != 0)
				return J_ERR;
			type = J_STR;
			break;
		case 't':
			type = read_literal(t, "true", J_TRUE, at);
			break;
		case 'f':
			type = read_literal(t, "false", J_FALSE, at);
			break;
		case 'n':
			type = read_literal(t, "null", J_NULL, at);
			break;
		default:
			if (c == '-' || (c >= '0' && c <= '9')) {
				type = read_number(t, c, at);
				break;
			}
			return fail(t, at, "unexpected character");
		}
		if (type == J_ERR)
			return J_ERR;
		if (t->vbuf != NULL && type != J_NULL)
			t->vbuf[t->vlen] = '\0';
		after_value(t);
		return type;
	}
}

static void
skip_bom(struct jtok *t)
{
	if (ensure(t, 3) == 0 && t->p[t->pos] == 0xEF &&
	    t->p[t->pos + 1] == 0xBB && t->p[t->pos + 2] == 0xBF)
		t->pos += 3;
}

static void
set_err(char *err, size_t errlen, const struct jtok *t)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "byte %llu: %s", (unsigned long long)t->erroff, t->errmsg);
}

/* One step of a path: a key, an index, or any element. */
struct step {
	const char *key;	/* NULL for an array step */
	size_t keylen;
	long index;		/* -1: [*] */
};

static int
parse_path(const char *path, struct step *steps, size_t *nsteps)
{
	const char *p = path;
	size_t n = 0;

	while (*p != '\0') {
		if (n == MAXSTEPS)
			return -1;
		if (*p == '[') {
			p++;
			if (p[0] == '*' && p[1] == ']') {
				steps[n].index = -1;
				p += 2;
			} else {
				long v = 0;

				if (*p < '0' || *p > '9')
					return -1;
				while (*p >= '0' && *p <= '9') {
					if (v > 100000000)
						return -1;
					v = v * 10 + (*p++ - '0');
				}
				if (*p++ != ']')
					return -1;
				steps[n].index = v;
			}
			steps[n].key = NULL;
			n++;
			if (*p == '.' && p[1] != '\0' && p[1] != '.' && p[1] != '[')
				p++;
			else if (*p != '\0' && *p != '[')
				return -1;
			continue;
		}
		steps[n].key = p;
		while (*p != '\0' && *p != '.' && *p != '[')
			p++;
		steps[n].keylen = (size_t)(p - steps[n].key);
		if (steps[n].keylen == 0)
			return -1;
		n++;
		if (*p == '.') {
			p++;
			if (*p == '\0' || *p == '.' || *p == '[')
				return -1;
		}
	}
	*nsteps = n;
	return 0;
}

int
jsonscan_find(int fd, const char *path, unsigned flags, char *out, size_t outlen,
    char *err, size_t errlen)
{
	unsigned char block[BLOCK];
	struct step steps[MAXSTEPS];
	size_t nsteps;
	struct jtok t;
	/*
	 * onpath[d]: the container open at depth d lies on the path;
	 * keyok[d]: the current key of that object is the path's next step;
	 * idx[d]: index of the next element of that array.
	 */
	unsigned char onpath[JSONSCAN_MAXDEPTH + 1];
	unsigned char keyok[JSONSCAN_MAXDEPTH + 1];
	long idx[JSONSCAN_MAXDEPTH + 1];
	int found = 0;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (out == NULL || outlen == 0) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "no room for the value");
		return -1;
	}
	out[0] = '\0';
	if (path == NULL || parse_path(path, steps, &nsteps) == -1) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "bad path");
		return -1;
	}
	jtok_init(&t, fd, block, NULL, 0);
	skip_bom(&t);
	onpath[0] = 1;
	keyok[0] = 1;
	idx[0] = 0;

	for (;;) {
		size_t d = (size_t)t.depth;
		int on = 0;
		enum jtype type;

		/* Would a value read now, at depth d, be on the path? */
		if (d <= nsteps && onpath[d]) {
			if (d == 0)
				on = 1;
			else if (t.stack[d - 1] == '{')
				on = keyok[d];
			else
				on = steps[d - 1].key == NULL &&
				    (steps[d - 1].index < 0 || steps[d - 1].index == idx[d]);
		}
		/* Only a value at the end of the path is worth its text. */
		if (on && d == nsteps) {
			t.vbuf = out;
			t.vcap = outlen - 1;
		} else
			t.vbuf = NULL;

		type = jtok_next(&t);
		if (type == J_ERR) {
			set_err(err, errlen, &t);
			out[0] = '\0';
			return -1;
		}
		if (type == J_EOF)
			break;
		if (type == J_KEY) {
			const struct step *s = d <= nsteps ? &steps[d - 1] : NULL;

			/*
			 * A key comes only inside an object (d >= 1), and steps[0..nsteps)
			 * are all set: the analyser follows neither.
			 */
			/* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult) */
			keyok[d] = s != NULL && !t.keylong && s->key != NULL &&
			    s->keylen == t.keylen && memcmp(s->key, t.key, t.keylen) == 0;
			continue;
		}
		if (type == J_ENDOBJ || type == J_ENDARR)
			continue;
		/* A value starts at depth d. */
		if (d > 0 && t.stack[d - 1] == '[')
			idx[d]++;	/* NOLINT(clang-analyzer-core.uninitialized.Assign): set at the '[' */
		if (type == J_OBJ || type == J_ARR) {
			onpath[d + 1] = (unsigned char)(on && d < nsteps);
			keyok[d + 1] = 0;
			idx[d + 1] = 0;
			continue;
		}
		if (on && d == nsteps && type != J_NULL) {
			found = 1;
			if (!(flags & DOJOBRIDGE_FIND_LAST))
				break;
			/* Later values must not overwrite this one unless they match. */
		}
	}
	if (!found)
		out[0] = '\0';
	return found ? 0 : -1;
}

/*
 * Text of a key saved while its value is read (the tokenizer's key buffer
 * is reused by keys of nested objects).
 */
struct pending {
	char key[JSONSCAN_KEYMAX + 1];
	int set;
	enum jsonscan_where where;
};

static void
report(struct pending *pk, jsonscan_key_fn fn, void *arg, const char *scalar)
{
	if (pk->set && fn != NULL)
		fn(arg, pk->where, pk->key, scalar);
	pk->set = 0;
}

int
jsonscan_outline(const void *buf, size_t len, jsonscan_key_fn fn, void *arg,
    struct jsonscan_outline *out, char *err, size_t errlen)
{
	char value[JSONSCAN_VALUEMAX + 1];
	struct pending pk;
	struct jtok t;
	enum jtype type;
	long elem = 0;		/* index of the next element of a top-level array */
	int in_first = 0;	/* inside the first element of a top-level array */

	memset(out, 0, sizeof(*out));
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	pk.set = 0;
	jtok_init(&t, -1, NULL, buf, len);
	skip_bom(&t);
	t.vbuf = value;
	t.vcap = JSONSCAN_VALUEMAX;

	type = jtok_next(&t);
	if (type == J_ERR)
		goto err;
	if (type != J_OBJ && type != J_ARR)
		return 0;
	out->top = type == J_OBJ ? '{' : '[';

	while (t.depth > 0) {
		int d = t.depth;	/* depth before the token */
		int scalar;

		type = jtok_next(&t);
		if (type == J_ERR)
			goto err;
		if (type == J_KEY) {
			if ((d == 1 && out->top == '{') || (d == 2 && in_first)) {
				pk.set = !t.keylong;
				pk.where = d == 1 ? JSONSCAN_TOP_KEY : JSONSCAN_ELEM_KEY;
				memcpy(pk.key, t.key, t.keylen + 1);
			}
			continue;
		}
		if (type == J_ENDOBJ || type == J_ENDARR) {
			if (d == 2)
				in_first = 0;
			continue;
		}
		scalar = type == J_STR || type == J_NUM || type == J_TRUE || type == J_FALSE;
		if (d == 1 && out->top == '[') {
			in_first = elem == 0 && type == J_OBJ;
			elem++;
			continue;
		}
		if ((d == 1 && out->top == '{') || (d == 2 && in_first))
			report(&pk, fn, arg, scalar && !t.vlong ? value : NULL);
	}
	out->complete = 1;
	out->end = (size_t)offset(&t);
	/* Peek at what follows without reporting it. */
	t.vbuf = NULL;
	type = jtok_next(&t);
	out->more = type != J_EOF && type != J_ERR;
	return 0;

err:
	if (t.truncated) {
		/* The head ends inside the value: keep what was seen. */
		report(&pk, fn, arg, NULL);
		return 0;
	}
	set_err(err, errlen, &t);
	return -1;
}

/* Number of backslashes just before buf[i]. */
static size_t
backslashes(const unsigned char *buf, size_t i)
{
	size_t n = 0;

	while (i > 0 && buf[i - 1] == '\\') {
		n++;
		i--;
	}
	return n;
}

int
jsonscan_tail_keys(const void *vbuf, size_t len, jsonscan_key_fn fn, void *arg)
{
	const unsigned char *buf = vbuf;
	size_t keyat[256], colonat[256];
	size_t nkeys = 0, i = len, k;
	size_t colon = 0;
	int have_colon = 0, reported = 0;
	long depth;

	/* The document must end here, with its top-level object. */
	while (i > 0 && is_ws(buf[i - 1]))
		i--;
	if (i == 0 || buf[i - 1] != '}')
		return 0;
	i--;
	depth = 1;
	while (i > 0 && nkeys < 256) {
		unsigned char c = buf[--i];

		if (is_ws(c))
			continue;
		if (c == '"') {
			int opened = 0;

			while (i > 0) {
				i--;
				if (buf[i] == '"' && backslashes(buf, i) % 2 == 0) {
					opened = 1;
					break;
				}
			}
			if (!opened)
				break;
			if (depth == 1 && have_colon) {
				keyat[nkeys] = i;
				colonat[nkeys] = colon;
				nkeys++;
			}
			have_colon = 0;
			continue;
		}
		have_colon = 0;
		if (c == '}' || c == ']')
			depth++;
		else if (c == '{' || c == '[') {
			if (--depth == 0)
				break;
		} else if (c == ':' && depth == 1) {
			have_colon = 1;
			colon = i;
		}
	}

	/* Report in file order, decoding each key and its value forwards. */
	for (k = nkeys; k-- > 0;) {
		char key[JSONSCAN_KEYMAX + 1], value[JSONSCAN_VALUEMAX + 1];
		struct jtok t;
		enum jtype type;

		jtok_init(&t, -1, NULL, buf + keyat[k], len - keyat[k]);
		t.vbuf = key;
		t.vcap = JSONSCAN_KEYMAX;
		if (jtok_next(&t) != J_STR || t.vlong)
			continue;
		jtok_init(&t, -1, NULL, buf + colonat[k] + 1, len - colonat[k] - 1);
		t.vbuf = value;
		t.vcap = JSONSCAN_VALUEMAX;
		type = jtok_next(&t);
		if (fn != NULL)
			fn(arg, JSONSCAN_TOP_KEY, key,
			    (type == J_STR || type == J_NUM || type == J_TRUE ||
			    type == J_FALSE) && !t.vlong ? value : NULL);
		reported++;
	}
	/* Not nkeys: a key that does not decode (a raw control byte, say) is not reported. */
	return reported;
}
