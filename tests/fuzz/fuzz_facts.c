/*
 * fuzz_facts.c — facts_read() (core/facts.h), the shared facts every probe
 * gets: kind, head and tail, XML root, namespace, attributes and children,
 * JSON keys, element keys and scalars, CSV header.  The input is read as a
 * file through a memfd, under a name that depends on its size (so the name
 * varies too).  An input of 2 bytes or more is also read a second time
 * split in two around 64 KiB of spaces, so that head and tail differ and the
 * tail-key recovery of core/jsonscan.h is reached as it is on big reports.
 *
 * Checked promises (facts.h): reading a readable file never fails; every
 * list is NULL-terminated, never NULL, and within its bound; names and
 * values within their bound; the XML strings are "" for other kinds.
 */
#include "facts.h"
#include "fuzzutil.h"
#include "xmlscan.h"

#include <stdlib.h>
#include <string.h>

static const char *const names[] = {
	"report.xml", "report.json", "report.csv", "report.sarif", "report.nessus", "report",
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xmlscan_init();
	return 0;
}

static size_t
list_len(const char *const *l, size_t maxlen)
{
	size_t n;

	FUZZ_CHECK(l != NULL);
	for (n = 0; l[n] != NULL; n++)
		FUZZ_CHECK(strlen(l[n]) <= maxlen);
	return n;
}

static void
check(const struct facts *f, size_t size)
{
	const struct dojobridge_facts *p = &f->pub;
	size_t n;

	FUZZ_CHECK(p->struct_size == sizeof(struct dojobridge_facts));
	FUZZ_CHECK(p->size == size);
	FUZZ_CHECK(p->head_len <= FACTS_WINDOW && p->tail_len <= FACTS_WINDOW);
	FUZZ_CHECK(p->head_len == (size < FACTS_WINDOW ? size : FACTS_WINDOW));
	FUZZ_CHECK(p->tail_len == p->head_len);
	FUZZ_CHECK(p->head != NULL && p->tail != NULL && p->name != NULL);
	FUZZ_CHECK(p->kind >= DOJOBRIDGE_KIND_EMPTY && p->kind <= DOJOBRIDGE_KIND_BINARY);
	FUZZ_CHECK(p->xml_root != NULL && p->xml_ns != NULL);
	FUZZ_CHECK(strlen(p->xml_root) <= FACTS_MAX_NAME);
	FUZZ_CHECK(strlen(p->xml_ns) <= FACTS_MAX_VALUE);

	n = list_len(p->xml_root_attrs, FACTS_MAX_VALUE);
	FUZZ_CHECK(n % 2 == 0 && n <= 2 * FACTS_MAX_ATTRS);
	for (size_t i = 0; i < n; i += 2)
		FUZZ_CHECK(strlen(p->xml_root_attrs[i]) <= FACTS_MAX_NAME);
	FUZZ_CHECK(list_len(p->xml_children, FACTS_MAX_NAME) <= FACTS_MAX_CHILDREN);
	FUZZ_CHECK(list_len(p->json_keys, FACTS_MAX_NAME) <= FACTS_MAX_KEYS);
	FUZZ_CHECK(list_len(p->json_elem_keys, FACTS_MAX_NAME) <= FACTS_MAX_KEYS);
	n = list_len(p->json_scalars, FACTS_MAX_VALUE);
	FUZZ_CHECK(n % 2 == 0 && n <= 2 * FACTS_MAX_KEYS);
	FUZZ_CHECK(list_len(p->csv_header, FACTS_MAX_NAME) <= FACTS_MAX_KEYS);

	if (p->kind != DOJOBRIDGE_KIND_XML && p->kind != DOJOBRIDGE_KIND_HTML)
		FUZZ_CHECK(p->xml_root[0] == '\0' && p->xml_ns[0] == '\0');
	if (p->kind == DOJOBRIDGE_KIND_JSON || p->kind == DOJOBRIDGE_KIND_JSONL)
		FUZZ_CHECK(p->json_top == '{' || p->json_top == '[');
	if (p->kind == DOJOBRIDGE_KIND_CSV)
		FUZZ_CHECK(p->csv_delim == ',' || p->csv_delim == ';' || p->csv_delim == '\t');
	if (p->kind == DOJOBRIDGE_KIND_EMPTY)
		FUZZ_CHECK(size <= FACTS_WINDOW);
}

static void
read_one(const uint8_t *data, size_t size, const char *name)
{
	struct facts f;
	char err[256];
	int fd = fuzz_memfd(data, size);

	FUZZ_CHECK(facts_read(&f, fd, name, err, sizeof err) == 0);
	/* The whole-file equality of head and tail holds only within one window. */
	if (size <= FACTS_WINDOW)
		check(&f, size);
	else {
		FUZZ_CHECK(f.pub.size == size);
		FUZZ_CHECK(f.pub.head_len == FACTS_WINDOW && f.pub.tail_len == FACTS_WINDOW);
		FUZZ_CHECK(memcmp(f.pub.tail, data + size - FACTS_WINDOW, FACTS_WINDOW) == 0);
	}
	FUZZ_CHECK(memcmp(f.pub.head, data, f.pub.head_len) == 0);
	facts_release(&f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *name = names[size % (sizeof names / sizeof names[0])];

	read_one(data, size, name);
	if (size >= 2) {
		size_t half = size / 2, gap = FACTS_WINDOW, total = size + gap;
		uint8_t *big = malloc(total);

		if (big == NULL)
			abort();
		memcpy(big, data, half);
		memset(big + half, ' ', gap);
		memcpy(big + half + gap, data + half, size - half);
		read_one(big, total, name);
		free(big);
	}
	return 0;
}
