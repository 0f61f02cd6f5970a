/*
 * daemon.h — `dojobridge watch`: the daemon that never loses a report.
 *
 * One thread, one epoll loop over the watcher's inotify fd, an inotify fd
 * on each spool's queue/, a signalfd, libcurl's sockets (multi interface)
 * and timers computed into the epoll timeout.  A ready file is claimed into
 * the spool, prepared (policies, sidecar, route, detection) and queued under
 * its target key; uploads run up to max_inflight at once, one at a time per
 * key, oldest report first within a key.
 *
 * Invariants:
 * - A report is claimed before anything else happens to it, and from then on
 *   it is in the spool: active/<host>/ while this daemon owns it, done/ only
 *   after DefectDojo acknowledged it, failed/ with error.json otherwise.  A
 *   kill -9 at any instant leaves it where the next start recovers it.
 * - Transient failures never fail a report before max_age; a refused token
 *   pauses the whole queue and fails nothing.
 * - A report whose scan date is older than the one last imported for its
 *   key is not sent (out_of_order = fail): its reimport would close and
 *   reopen findings wrongly.
 * - When nothing happens the daemon sleeps: the only timer without work is
 *   the rescan (which also renews the heartbeat).
 * - SIGTERM/SIGINT: take no more files, let uploads in flight finish within
 *   shutdown_timeout, return the rest to queue/, exit 0.  SIGHUP: reload the
 *   configuration once uploads in flight are done; a bad one is refused and
 *   the running one kept.
 */
#ifndef DOJOBRIDGE_DAEMON_H
#define DOJOBRIDGE_DAEMON_H

#include "detect.h"
#include "log.h"

/*
 * Run the daemon on the configuration in confdir until SIGTERM or SIGINT.
 * verbosity: the log level asked for on the command line, or -1 for the
 * default.  Returns the process exit status (0 after a clean stop, 2 when
 * it could not start).
 */
int daemon_run(const char *confdir, struct detect *d, int verbosity);

#endif
