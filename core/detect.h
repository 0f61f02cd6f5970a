/*
 * detect.h — the plugin host: load plugins, and for one report compute the
 * facts once, ask every plugin's probe, pick the winner, run its extract.
 *
 * Invariants:
 * - Only plugins that passed every load check are ever called: the ABI
 *   major matches, probe is present, every declared scan type is one of
 *   DefectDojo's, the name is unique, and (when running as root) the file
 *   and its directory are root-owned and not writable by group or others.
 * - The highest score wins; equal top scores for different scan types make
 *   the result "ambiguous", never settled by load order: only the user's
 *   prefer list, or a plugin's mainstream default among its own
 *   alternatives, settles them.
 * - A verdict of "0 findings" from extract makes the result "empty".
 * - A result's strings are copies owned by the result.
 */
#ifndef DOJOBRIDGE_DETECT_H
#define DOJOBRIDGE_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "dojobridge-plugin.h"
#include "route.h"
#include "sandbox.h"
#include "strbuf.h"

struct detect;

enum detect_status { DETECT_DETECTED, DETECT_AMBIGUOUS, DETECT_UNKNOWN, DETECT_EMPTY, DETECT_ERROR };

struct detect_candidate {
	const char *scan_type;		/* owned by the plugin (static) */
	const char *plugin;
	int score;
	const char *upload_ext;		/* the verdict's own extension, or NULL */
	int alternative;		/* named in a verdict's alternatives, not its scan_type */
	int mainstream;			/* the verdict's scan_type is its documented default */
};

struct detect_result {
	enum detect_status status;
	const char *scan_type;		/* static strings from the plugin, or NULL */
	const char *plugin;
	int score;
	struct detect_candidate *cands;	/* score > 0, best first */
	size_t ncands;
	char *scan_date, *target, *tool, *tool_version, *test_title, *findings;
	const char *upload_ext;		/* what the scan type's parser needs, or NULL */
	int parser_reads_dates;		/* 1, 0, -1 unknown */
	enum dojobridge_kind kind;
	int plugin_failed;		/* a plugin crashed or ran out of time on it: final, not "unfinished" */
	char error[512];
};

/*
 * Load every *.so in the directories of path (':'-separated), in name
 * order.  A plugin that fails a check is logged (file and reason) and
 * skipped; *refused counts them.  Returns NULL only on a fatal error.
 */
struct detect *detect_load(const char *path, int *refused);
void detect_free(struct detect *d);

/* Where plugins come from: --plugin-dir, else $DOJOBRIDGE_PLUGIN_PATH, else
 * the build tree's plugins/ when run from it, else the installed directory. */
const char *detect_default_path(const char *argv0_dir);

size_t detect_nplugins(const struct detect *d);
const struct dojobridge_plugin *detect_plugin(const struct detect *d, size_t i);
const char *detect_plugin_file(const struct detect *d, size_t i);

/*
 * Detect the report open on fd (name: its basename as dropped).  With
 * forced_scan_type, that type is taken (status detected) and only a plugin
 * declaring it extracts metadata.  prefer (NULL, or scan types separated by
 * commas, in order) settles a format several scan types read alike.  Always
 * fills r; returns 0, or -1 when the file could not be read (status error).
 */
int detect_file(struct detect *d, int fd, const char *name, const char *forced_scan_type,
    const char *prefer, struct detect_result *r);
void detect_result_release(struct detect_result *r);

/*
 * From now on run detection in sandboxed worker processes (sandbox.h)
 * instead of in this one; o NULL runs it here again.  Returns 0, or -1 with
 * err filled and the previous arrangement kept.
 */
int detect_use_sandbox(struct detect *d, const struct sandbox_opts *o, char *err, size_t errlen);

/* Detect several reports, in parallel when sandboxed; each job's result is filled. */
void detect_files(struct detect *d, struct sandbox_job *jobs, size_t n);

/*
 * Match files against [signature] sections too (copied; n 0 clears them).
 * A match is a candidate like a plugin's verdict, named "signature NAME".
 */
void detect_set_signatures(struct detect *d, const struct conf_signature *v, size_t n);

/* The signatures as JSON, for a worker (malloc'd), and back: 0, or -1 on nonsense. */
char *detect_signatures_json(const struct detect *d);
int detect_signatures_from_json(struct detect *d, const char *json);

/* The name a result may carry as its source (a plugin's, or "signature NAME"), owned by d; NULL if none. */
const char *detect_source_name(const struct detect *d, const char *name);

/* In a worker: write which plugin is running into page, for the parent to read after a crash. */
void detect_set_progress(struct detect *d, char *page, size_t len);

const char *detect_status_name(enum detect_status s);

/* What r tells route about the report dropped as basename (pointers into r). */
void detect_route_report(const struct detect_result *r, const char *basename,
    struct route_report *rep);

/*
 * One JSON object (no newline) for `detect --json`: file, status,
 * scan_type, plugin, score, candidates, scan_date, target, tool,
 * tool_version, test_title, upload_name, parser_reads_dates, error.
 */
void detect_result_json(const struct detect_result *r, const char *file, const char *upload_name,
    struct strbuf *out);

#endif
