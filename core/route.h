/*
 * route.h — the decisions that turn a report's place and content into the
 * exact reimport-scan request: DefectDojo names from the folder layout, the
 * test title, the scan date, the upload file name, the form fields.
 *
 * Everything here is a pure function of its arguments (no I/O, no clock),
 * so `dojobridge plan` shows exactly what `once` would send, and the rules
 * are tested on their own.
 *
 * Invariants of a form built by route_build_form:
 * - it always carries scan_type, product_type_name (when known),
 *   product_name, engagement_name and a non-empty test_title, so the server
 *   never falls back to "the newest test of that scan type";
 * - auto_create_context is present, and only ever as "true";
 * - scan_date, when present, is YYYY-MM-DD and never after `today`.
 */
#ifndef DOJOBRIDGE_ROUTE_H
#define DOJOBRIDGE_ROUTE_H

#include <stddef.h>
#include <time.h>

#include "conf.h"

struct route {
	char *product_type;	/* NULL when neither layout nor config names one */
	char *product;
	char *engagement;
	char *test_title;	/* from a {test_title} level, else NULL */
	char *folder;		/* the report's folder relative to the drop root, "" at the root */
};

/*
 * Check a layout template: levels separated by '/', each exactly one of
 * {product_type} {product} {engagement} {test_title} {*} or a literal.
 * {product} and {engagement} may come from the config instead.  Returns 0
 * or -1 with why in err.
 */
int route_check_layout(const char *layout, char *err, size_t errlen);

/*
 * Names for the report at relpath (relative to the drop root, '/'-separated,
 * the last component the file name) under layout; product_type_name,
 * product_name and engagement_name set in opts fill levels the layout lacks
 * (a layout level wins).  Names are trimmed; empty names, names with control
 * characters and names over 255 bytes are errors.  Returns 0, or -1 with a
 * sentence in err that shows the layout the file should follow.
 */
int route_names(const char *layout, const char *relpath, const struct import_opts *opts,
    struct route *out, char *err, size_t errlen);
void route_release(struct route *r);

/* What detection learned, as far as the form is concerned. */
struct route_report {
	const char *scan_type;
	const char *target;
	const char *tool;
	const char *suggested_title;	/* a plugin's suggestion (SARIF: the tool) */
	const char *scan_date;		/* YYYY-MM-DD from the report, or NULL */
	int parser_reads_dates;		/* 1, 0, or -1 unknown */
	const char *basename;		/* the name as dropped */
	const char *upload_ext;		/* the extension the scan type needs, or NULL */
	int kind_is_xml, kind_is_json, kind_is_csv;	/* for names without an allowed extension */
};

/*
 * The test title: the template in opts (IK_TEST_TITLE) or, for "auto" and
 * unset, the layout's {test_title}, else "<tool or scan type> (<target>)" or
 * the tool or scan type alone.  No dates, no run numbers: the same target's
 * reports must land in the same test.  Caller frees.
 */
char *route_test_title(const struct import_opts *opts, const struct route *r,
    const struct route_report *rep);

/*
 * The scan date to send under policy IK_SCAN_DATE (auto, report, mtime,
 * none, or a literal date), clamped to today (UTC).  Writes "" for none.
 * source says where it came from: "report", "file time", "config",
 * "parser" (auto sends none: DefectDojo's parser reads the dates in the
 * file) or "none".
 */
void route_scan_date(const struct import_opts *opts, const struct route_report *rep,
    time_t mtime, time_t now, char out[11], const char **source);

/*
 * The file name to upload under: the dropped basename, sanitised (no
 * control characters, quotes, slashes or backslashes; at most 200 bytes),
 * with the extension the scan type's parser needs, or an allowed one.
 * Caller frees.
 */
char *route_upload_name(const struct route_report *rep);

/* One form field. */
struct form_field {
	char *name;
	char *value;
};

struct form {
	struct form_field *fields;
	size_t n;
	char *upload_name;	/* the file part's filename */
};

/*
 * Build the full reimport-scan form.  Fields set in opts are sent as they
 * are (tags as one comma-separated field); names, scan_type, test_title,
 * scan_date and auto_create_context come from the arguments.  Caller
 * releases with form_release.
 */
void route_build_form(struct form *f, const struct import_opts *opts, const struct route *r,
    const struct route_report *rep, const char *test_title, const char *scan_date);
const char *form_get(const struct form *f, const char *name);
void form_release(struct form *f);

#endif
