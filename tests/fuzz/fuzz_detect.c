/*
 * fuzz_detect.c — detection as `dojobridge detect` runs it (core/detect.h):
 * the instrumented plugins loaded through the real plugin host, then
 * detect_file() on the input as a file (memfd), so every probe sees the
 * shared facts and the winner's extract streams the file through the
 * host's xml_find, json_find, date and read services.  The result then
 * goes through detect_route_report(), route_upload_name(),
 * route_test_title() and detect_result_json(), as `detect --json` and
 * `plan` use it.  When the verdict is ambiguous, each tied scan type is
 * also forced, as a folder's or sidecar's scan_type would.
 *
 * Built as fuzz_detect with every plugin, and once per plugin as
 * fuzz_plugin_<name> with -DFUZZ_PLUGIN='"<name>"': only that plugin is
 * loaded, so its probe and extract get all the fuzzer's attention.  The
 * file name the host sees depends on the input's size, since probes and
 * upload extensions look at it.
 *
 * Checked promises: a status of the enum; candidates best first, scores
 * 1..100, at most one per plugin and scan type; a detected scan type is one
 * of DefectDojo's; the scan date is a real YYYY-MM-DD; metadata strings are
 * at most 512 bytes; the upload name has no control character, quote,
 * slash, backslash or ';' and at most 200 bytes; the test title is not
 * empty and at most 255 bytes; `detect --json` output is valid JSON.
 */
#include "detect.h"
#include "fuzzutil.h"
#include "route.h"
#include "scantypes.h"
#include "strbuf.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[] = {
	"report.xml", "report.json", "report.sarif", "report.nessus", "report.csv", "report",
	"Report.XML",
};

static struct detect *plugins;

#ifndef FUZZ_PLUGIN
static int
is_dir_entry(const struct dirent *e)
{
	return e->d_name[0] != '.';
}
#endif

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *root = fuzz_plugin_root();
	struct strbuf path = STRBUF_INIT;
	int refused;

	(void)argc;
	(void)argv;
#ifdef FUZZ_PLUGIN
	strbuf_addf(&path, "%s/%s", root, FUZZ_PLUGIN);
#else
	{
		struct dirent **ents;
		int n = scandir(root, &ents, is_dir_entry, alphasort);

		for (int i = 0; i < n; i++) {
			strbuf_addf(&path, "%s%s/%s", path.len ? ":" : "", root, ents[i]->d_name);
			free(ents[i]);
		}
		if (n >= 0)
			free(ents);
	}
#endif
	plugins = detect_load(path.buf, &refused);
	if (plugins == NULL || refused != 0 || detect_nplugins(plugins) == 0) {
		fprintf(stderr, "fuzz: no instrumented plugin loaded from %s (refused %d): "
		    "build them with make check-fuzz\n", path.buf[0] ? path.buf : root, refused);
		exit(1);
	}
	strbuf_release(&path);
	return 0;
}

static void
check_str(const char *s)
{
	if (s != NULL)
		FUZZ_CHECK(strlen(s) <= 512);
}

static void
check_result(const struct detect_result *r)
{
	size_t np = 0;

	/* A verdict's alternatives are candidates too: at most every declared type of every plugin. */
	for (size_t i = 0; i < detect_nplugins(plugins); i++)
		for (const struct dojobridge_scan_type *t = detect_plugin(plugins, i)->scan_types;
		    t->name != NULL; t++)
			np++;

	FUZZ_CHECK(r->status >= DETECT_DETECTED && r->status <= DETECT_ERROR);
	FUZZ_CHECK(r->ncands <= np);
	for (size_t i = 0; i < r->ncands; i++) {
		FUZZ_CHECK(r->cands[i].score >= 1 && r->cands[i].score <= 100);
		FUZZ_CHECK(r->cands[i].scan_type != NULL && scantypes_known(r->cands[i].scan_type));
		FUZZ_CHECK(r->cands[i].plugin != NULL);
		if (i > 0)
			FUZZ_CHECK(r->cands[i - 1].score >= r->cands[i].score);
	}
	if (r->status == DETECT_DETECTED) {
		FUZZ_CHECK(r->scan_type != NULL && scantypes_known(r->scan_type));
		FUZZ_CHECK(r->score >= 0 && r->score <= 100);
	}
	if (r->status == DETECT_AMBIGUOUS)
		FUZZ_CHECK(r->ncands >= 2);
	/* Empty: no content, or a report its plugin read as listing no findings. */
	if (r->status == DETECT_EMPTY)
		FUZZ_CHECK(r->kind == DOJOBRIDGE_KIND_EMPTY ||
		    (r->scan_type != NULL && r->findings != NULL && strcmp(r->findings, "0") == 0));
	if (r->scan_date != NULL)
		FUZZ_CHECK(fuzz_is_date(r->scan_date));
	check_str(r->target);
	check_str(r->tool);
	check_str(r->tool_version);
	check_str(r->test_title);
	check_str(r->findings);
	FUZZ_CHECK(memchr(r->error, '\0', sizeof r->error) != NULL);
}

/* What detect --json and plan do with a result. */
static void
use_result(const struct detect_result *r, const char *name)
{
	struct route_report rep;
	struct import_opts opts = { { 0 } };
	struct route route = { 0 };
	char product[] = "product", engagement[] = "engagement", folder[] = "";
	struct strbuf sb = STRBUF_INIT;
	char *upload = NULL, *title;
	cJSON *json;

	detect_route_report(r, name, &rep);
	if (r->status == DETECT_DETECTED) {
		upload = route_upload_name(&rep);
		FUZZ_CHECK(strlen(upload) <= 200 && upload[0] != '\0');
		for (const unsigned char *p = (const unsigned char *)upload; *p; p++)
			FUZZ_CHECK(*p >= 0x20 && *p != 0x7f && *p != '"' && *p != '\\' &&
			    *p != '/' && *p != ';');

		route.product = product;
		route.engagement = engagement;
		route.folder = folder;
		title = route_test_title(&opts, &route, &rep);
		FUZZ_CHECK(title[0] != '\0' && strlen(title) <= 255);
		free(title);
	}
	detect_result_json(r, name, upload, &sb);
	json = cJSON_Parse(sb.buf);
	FUZZ_CHECK(json != NULL);
	cJSON_Delete(json);
	strbuf_release(&sb);
	free(upload);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *name = names[size % (sizeof names / sizeof names[0])];
	struct detect_result r;
	int fd = fuzz_memfd(data, size);

	detect_file(plugins, fd, name, NULL, NULL, &r);
	check_result(&r);
	use_result(&r, name);
	if (r.status == DETECT_AMBIGUOUS) {
		for (size_t i = 0; i < r.ncands && r.cands[i].score == r.cands[0].score; i++) {
			struct detect_result forced;

			detect_file(plugins, fd, name, r.cands[i].scan_type, NULL, &forced);
			check_result(&forced);
			FUZZ_CHECK(forced.status == DETECT_DETECTED || forced.status == DETECT_ERROR);
			use_result(&forced, name);
			detect_result_release(&forced);
		}
	}
	detect_result_release(&r);
	return 0;
}
