/*
 * report.h — DefectDojo's Report Builder (a Pro feature), driven from files:
 * `dojobridge report apply SPEC` makes the server's themes, blocks and
 * templates what a spec says (reportspec.h), and `dojobridge report run`
 * generates a report from a template and saves the file.
 *
 * Invariants:
 * - apply sends no write before the whole spec has passed every check: the
 *   offline ones of reportspec.h, then each filter field against the query
 *   parameters of its model's list endpoint in the server's OpenAPI schema,
 *   each column and ordering against GET /api/v2/report_blocks/field_options/,
 *   and each name against what the server holds (one object per name).
 * - apply matches objects by name, sends only what differs (a whole
 *   filter_entries or template_blocks_write list, since a PATCH replaces
 *   it), never creates a second object of a name, and reads every block it
 *   wrote back: the server must hold exactly the filters sent.  A second
 *   apply of the same spec sends no write.
 * - run never leaves a partial file in DIR: the report is written under a
 *   temporary name in DIR, fsynced, renamed to its final name (never over
 *   an existing file), and DIR fsynced; on any failure the temporary file
 *   is removed.  The final name is built from the template's name,
 *   sanitised, never from what the server calls the file.
 * - The token is used only through http.h; it never reaches a message.
 *
 * The OpenAPI schema is large and changes only with the server's version,
 * so apply keeps the part it needs in $XDG_CACHE_HOME/dojobridge/ (else
 * ~/.cache/dojobridge/; no cache without either) for a day, and fetches it
 * again when a filter it does not know is found in an older copy.
 */
#ifndef DOJOBRIDGE_REPORT_H
#define DOJOBRIDGE_REPORT_H

#include <stddef.h>

#include "conf.h"

/* Exit statuses of `report`, as those of `once`; documented in dojobridge-report(8). */
enum report_exit {
	REPORT_OK = 0,
	REPORT_FAILED = 1,	/* the report failed, the spec is wrong, the server refused */
	REPORT_USAGE = 2,	/* bad arguments or configuration */
	REPORT_UNREACHABLE = 3	/* the server could not be reached, or refused the token */
};

/* Give up on a report that is not finished after this long, by default. */
#define REPORT_TIMEOUT_DEFAULT_S 600

struct report_apply_opts {
	int dry_run;		/* print the writes (method, path, JSON body) instead of sending them */
	int refresh_schema;	/* fetch the OpenAPI schema even when the cached copy is recent */
};

/*
 * Make the Report Builder objects on c's server what the spec file at spec
 * describes, printing one line per object (or per write it would send, with
 * dry_run) on stdout.  Errors in the spec are logged, each with its file and
 * line; the one that ended the run is also in err.  Returns an enum
 * report_exit.
 */
int report_apply(const struct conf *c, const char *token, const char *spec,
    const struct report_apply_opts *o, char *err, size_t errlen);

/*
 * Generate a report from template (a name, or an id) in format "pdf" or
 * "html", wait for it at most timeout_s seconds (polling with backoff), and
 * save it in outdir as <template>-YYYY-MM-DDTHHMMSSZ.<format>.  Blocks until
 * done.  On success the file's path is in path (if not NULL).  On failure
 * err says why: the server's error_message for a failed report.  Returns
 * an enum report_exit.
 */
int report_run(const struct conf *c, const char *token, const char *template, const char *format,
    const char *outdir, int timeout_s, char *path, size_t pathlen, char *err, size_t errlen);

#endif
