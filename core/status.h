/*
 * status.h — `dojobridge status` and `dojobridge retry`: what the spools
 * and the daemons working on them say, and requeuing failed jobs.
 *
 * Invariants:
 * - status only reads: it never creates a spool or any part of one, nor moves
 *   a job.
 * - retry moves a job only from failed/ to queue/ (with a rename), where a
 *   running daemon takes it at once and `once` takes it on its next run.
 */
#ifndef DOJOBRIDGE_STATUS_H
#define DOJOBRIDGE_STATUS_H

#include "conf.h"

/* Print every drop's state; 0, or 1 when uploads are paused or a spool cannot be read. */
int status_run(const struct conf *c, int json);

/*
 * Requeue the failed jobs named in ids (nids > 0), or every failed job
 * (all), of every drop or only of the drop named drop.  0 when everything
 * asked for was requeued, 1 otherwise.
 */
int retry_run(const struct conf *c, char **ids, int nids, int all, const char *drop);

#endif
