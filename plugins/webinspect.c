/*
 * webinspect.c — "Microfocus Webinspect Scan": WebInspect's XML export of
 * sessions, root <Sessions> of <Session requestId=...><URL/><Scheme/>
 * <Host/><Port/>...<Issues><Issue id=...>.
 *
 * <Sessions> is a plain name, so the probe wants Session children and
 * WebInspect's own marks in the head: the Host/Port pair and the X-WIPP or
 * X-Scan-Memo request headers it adds.  The export carries no scan date;
 * the requests name the engine's version (X-WIPP: AscVersion=...).
 */
#include <string.h>

#include "dojobridge-plugin.h"

/* Does needle occur in the len bytes at p? */
static int
contains(const unsigned char *p, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (; len >= n; p++, len--)
		if (memcmp(p, needle, n) == 0)
			return 1;
	return 0;
}

/* The value after the first `name` in the len bytes at p, to a space or ';'. */
static int
raw_after(const unsigned char *p, size_t len, const char *name, char *out,
    size_t outlen)
{
	size_t i, n = 0, m = strlen(name);

	if (outlen == 0)
		return -1;
	for (i = 0; i + m <= len; i++)
		if (memcmp(p + i, name, m) == 0)
			break;
	if (i + m > len)
		return -1;
	for (i += m; i < len && n + 1 < outlen && (p[i] == '.' ||
	    (p[i] >= '0' && p[i] <= '9')); i++)
		out[n++] = (char)p[i];
	out[n] = '\0';
	return n > 0 ? 0 : -1;
}

static int
webinspect_probe(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    struct dojobridge_verdict *out)
{
	const unsigned char *h = facts->head;
	size_t n = facts->head_len;

	(void)host;
	(void)call;
	if (facts->kind != DOJOBRIDGE_KIND_XML ||
	    strcmp(facts->xml_root, "Sessions") != 0 ||
	    !dojobridge_has(facts->xml_children, "Session"))
		return 0;
	if (contains(h, n, "X-WIPP") || contains(h, n, "X-Scan-Memo"))
		out->score = 100;
	else if (contains(h, n, "<Host>") && contains(h, n, "<Issues"))
		out->score = 80;
	else
		return 0;
	out->scan_type = "Microfocus Webinspect Scan";
	return 0;
}

static int
webinspect_extract(const struct dojobridge_host *host,
    struct dojobridge_call *call, const struct dojobridge_facts *facts,
    const char *scan_type)
{
	char buf[512];

	(void)scan_type;
	if (host->xml_find(call, "Sessions/Session/Host", buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		host->set(call, DOJOBRIDGE_TARGET, buf);
	host->set(call, DOJOBRIDGE_TOOL, "WebInspect");
	if (raw_after(facts->head, facts->head_len, "AscVersion=", buf,
	    sizeof(buf)) == 0)
		host->set(call, DOJOBRIDGE_TOOL_VERSION, buf);
	return 0;
}

static const struct dojobridge_scan_type webinspect_scan_types[] = {
	{ "Microfocus Webinspect Scan", NULL, 0 },
	{ NULL, NULL, 0 }
};

static const struct dojobridge_plugin webinspect_plugin = {
	.abi_major = DOJOBRIDGE_ABI_MAJOR,
	.abi_minor = DOJOBRIDGE_ABI_MINOR,
	.struct_size = sizeof(struct dojobridge_plugin),
	.name = "webinspect",
	.version = "1.0",
	.description = "Micro Focus WebInspect sessions XML",
	.scan_types = webinspect_scan_types,
	.probe = webinspect_probe,
	.extract = webinspect_extract,
};

DOJOBRIDGE_PLUGIN(webinspect_plugin)
