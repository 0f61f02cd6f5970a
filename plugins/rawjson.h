/*
 * rawjson.h — for the in-tree plugins that look for one name in the raw
 * head or tail bytes of a JSON report (SARIF's tool driver, Grype's
 * descriptor), where the bytes may start or end mid-document so that no
 * parser can take them.  Static functions: each plugin that includes this
 * still builds from its own .c file alone.
 */
#ifndef DOJOBRIDGE_RAWJSON_H
#define DOJOBRIDGE_RAWJSON_H

#include <stddef.h>
#include <string.h>

static inline int
space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * The value of key "name" directly inside the first object keyed `object`
 * (quotes included) in raw JSON text, tracking depth so that names nested
 * deeper are skipped (a Grype descriptor's configuration has names of its
 * own).  Escapes inside the name are copied as written.
 */
static inline int
raw_name(const unsigned char *p, size_t len, const char *object, char *out,
    size_t outlen)
{
	size_t i = 0, key = 0, keylen = 0, n = 0, m = strlen(object);
	int depth = 0;

	while (i + m <= len && memcmp(p + i, object, m) != 0)
		i++;
	if (i + m > len)
		return -1;
	for (i += m; i < len && p[i] != '{'; i++)
		if (p[i] != ':' && !space(p[i]))
			return -1;
	for (; i < len; i++) {
		if (p[i] == '"') {
			key = i;
			for (i++; i < len && p[i] != '"'; i++)
				if (p[i] == '\\')
					i++;
			keylen = i + 1 - key;
		} else if (p[i] == ':' && depth == 1 && keylen == 6 &&
		    memcmp(p + key, "\"name\"", 6) == 0)
			break;
		else if (p[i] == '{' || p[i] == '[')
			depth++;
		else if ((p[i] == '}' || p[i] == ']') && --depth == 0)
			return -1;
		else if (!space(p[i]))
			keylen = 0;
	}
	for (i++; i < len && space(p[i]); i++)
		;
	if (i >= len || p[i] != '"')
		return -1;
	for (i++; i < len && p[i] != '"' && n + 1 < outlen; i++)
		out[n++] = (char)p[i];
	out[n] = '\0';
	return i < len && p[i] == '"' ? 0 : -1;
}
#endif /* DOJOBRIDGE_RAWJSON_H */
