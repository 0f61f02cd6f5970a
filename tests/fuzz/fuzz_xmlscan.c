/*
 * fuzz_xmlscan.c — the XML reader helpers (core/xmlscan.h): a full walk of
 * xmlscan_open()'s reader (names, namespaces, attributes, values) and of
 * xmlscan_open_limit()'s with half the input, xmlscan_error() after each,
 * and xmlscan_find() for the paths the plugins ask (a roomy and a tiny
 * output buffer).  An input whose first line starts with '#' gives its own
 * path instead: the rest of that line, and the document is what follows.
 *
 * Checked promises: a found value fits outlen, is trimmed of XML
 * whitespace and is valid UTF-8 not cut inside a sequence; not found means
 * out = ""; an error reported by xmlscan_error() reads "line N: ...".
 */
#include "fuzzutil.h"
#include "xmlscan.h"

#include <stdlib.h>
#include <string.h>

static const char *const paths[] = {
	"OWASPZAPReport/site/@name", "nmaprun/host/address/@addr", "nmaprun/@start",
	"analysis/projectInfo/reportDate", "analysis/scanInfo/engineVersion", "issues/issue/host",
	"NessusClientData_v2/Report/ReportHost/HostProperties/tag[@name='HOST_END']",
	"NessusClientData_v2/Report/ReportHost/@name", "**/b", "*/*/@c", "a/**/b[@x=\"1\"][@y='2']",
	NULL
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xmlscan_init();
	return 0;
}

static int
xml_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void
find(int fd, const char *path, size_t outlen)
{
	char out[1024], err[256];
	size_t n;

	memset(out, 'x', sizeof out);
	if (xmlscan_find(fd, path, out, outlen, err, sizeof err) == 0) {
		n = strlen(out);
		FUZZ_CHECK(n < outlen);
		FUZZ_CHECK(fuzz_utf8_ok(out));
		if (n > 0)
			FUZZ_CHECK(!xml_space((unsigned char)out[0]) &&
			    !xml_space((unsigned char)out[n - 1]));
	} else {
		FUZZ_CHECK(out[0] == '\0');
	}
}

/* Walk every node the way facts and plugins look at them. */
static void
walk(xmlTextReaderPtr r)
{
	char err[256];
	int nodes = 0;

	if (r == NULL)
		return;
	while (xmlTextReaderRead(r) == 1 && nodes++ < 100000) {
		const xmlChar *s;
		int ok;

		s = xmlTextReaderConstLocalName(r);
		if (s != NULL)
			FUZZ_CHECK(fuzz_utf8_ok((const char *)s));
		(void)xmlTextReaderConstNamespaceUri(r);
		(void)xmlTextReaderDepth(r);
		(void)xmlTextReaderIsEmptyElement(r);
		if (xmlTextReaderNodeType(r) == XML_READER_TYPE_TEXT ||
		    xmlTextReaderNodeType(r) == XML_READER_TYPE_CDATA)
			(void)xmlTextReaderConstValue(r);
		for (ok = xmlTextReaderMoveToFirstAttribute(r); ok == 1;
		    ok = xmlTextReaderMoveToNextAttribute(r)) {
			(void)xmlTextReaderConstName(r);
			(void)xmlTextReaderConstValue(r);
		}
		xmlTextReaderMoveToElement(r);
	}
	if (xmlscan_error(r, err, sizeof err) == 0)
		FUZZ_CHECK(strncmp(err, "line ", 5) == 0);
	else
		FUZZ_CHECK(err[0] == '\0');
	xmlFreeTextReader(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *own = NULL;
	int fd;

	if (size > 0 && data[0] == '#') {
		const uint8_t *nl = memchr(data, '\n', size);
		size_t plen = nl ? (size_t)(nl - data) - 1 : size - 1;

		own = fuzz_strndup(data + 1, plen);
		data += plen + 1 + (nl != NULL);
		size -= plen + 1 + (nl != NULL);
	}
	fd = fuzz_memfd(data, size);
	if (own != NULL) {
		find(fd, own, 1024);
		find(fd, own, 4);
		free(own);
		return 0;
	}
	walk(xmlscan_open(fd, "report.xml"));
	if (size > 1)
		walk(xmlscan_open_limit(fd, "report.xml", size / 2));
	for (size_t i = 0; paths[i] != NULL; i++)
		find(fd, paths[i], i % 3 == 2 ? 6 : 1024);
	return 0;
}
