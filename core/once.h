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
	/* once --from: copy intake from a (read-only) tree. */
	const char *from;	/* the tree, laid out like a drop root */
	const char *drop;	/* the drop whose spool and settings the run uses */
	const char *layout;	/* instead of the drop's layout */
	const char *label;	/* names the media in the run record */
	int force;		/* import reports whose bytes the target already has */
	int allow_unlisted;	/* reports missing from SHA256SUMS do not stop the batch */
	int dry_run;		/* check and plan, change nothing, contact nobody */
};

/*
 * Run `once` over every drop of c, or (o->from) over one tree copied into
 * one drop's spool; token is the API token (NULL for a dry run).  Returns
 * an enum once_exit.
 *
 * A --from run: walk the tree, copy every report (and sidecar) into
 * tmp/ of the drop's spool hashing it, check the copies against the
 * tree's SHA256SUMS (and its signature), and only when the whole batch
 * passes make them claims; then upload as usual, skipping a report whose
 * bytes the ledger says its target already has.  The tree is only read.
 * The run is recorded in runs/<time>.json and .txt.
 */
int once_run(const struct conf *c, struct detect *d, const char *token, const struct once_opts *o);

/* The drop a --from run or `runs` uses: by name, or the only one.  NULL logged. */
const struct conf_drop *once_pick_drop(const struct conf *c, const char *name);

/* `dojobridge runs`: list the recorded --from runs, or show one (name). */
int runs_run(const struct conf *c, const char *drop, const char *name, int json);

/*
 * Print the exact request each file (or each report under each directory)
 * in paths would be sent with; paths must lie inside a drop root.  Returns
 * 0 when every file could be planned, 1 otherwise.
 */
int plan_run(const struct conf *c, struct detect *d, char **paths, int npaths, int json);

#endif
