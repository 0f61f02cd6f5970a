/*
 * once.h — drain every drop root and exit (`dojobridge once`), and show
 * offline what would be sent (`dojobridge plan`).
 *
 * A run: recover interrupted claims, prune old done/ jobs, walk each drop
 * tree (skipping ignored names, the spool, sidecars and files younger than
 * `settle`), claim every ready report into the spool, then take the queue
 * oldest report first: route, detect, upload, and end each job in done/
 * (with a receipt) or failed/ (with error.json).
 *
 * Invariants:
 * - Nothing is lost: every claimed report ends in done/, failed/ or stays in
 *   queue/ for the next run.
 * - A token refusal or an unreachable server stops the uploads at once and
 *   moves nothing to failed/.
 * - plan reads and sends nothing it would not also read in once, and
 *   changes nothing on disk.
 */
#ifndef DOJOBRIDGE_ONCE_H
#define DOJOBRIDGE_ONCE_H

#include "conf.h"
#include "detect.h"

/* Exit statuses of `once`, documented in dojobridge(8). */
enum once_exit {
	ONCE_ALL_IMPORTED = 0,
	ONCE_SOME_FAILED = 1,
	ONCE_USAGE = 2,
	ONCE_LEFT_QUEUED = 3
};

struct once_opts {
	int json;		/* one JSON document on stdout instead of the table */
	int progress;		/* a progress line on stderr (a terminal) */
};

/* Run `once` over every drop of c; token is the API token.  Returns an enum once_exit. */
int once_run(const struct conf *c, struct detect *d, const char *token, const struct once_opts *o);

/*
 * Print the exact request each file (or each report under each directory)
 * in paths would be sent with; paths must lie inside a drop root.  Returns
 * 0 when every file could be planned, 1 otherwise.
 */
int plan_run(const struct conf *c, struct detect *d, char **paths, int npaths, int json);

#endif
