/*
 * sandbox.h — detection in worker processes: the facts reader and every
 * plugin run there, never in the process that holds the token.
 *
 * Invariants:
 * - A worker is this program executed again (fexecve of the binary opened
 *   when the pool was made) as "dojobridge detect-worker", with an empty
 *   environment and no descriptor but its socket (3), its progress page (4)
 *   and stderr: it inherits no memory, so no token, and no connection.
 * - Before it reads any report a worker has loaded its plugins and locked
 *   itself: rlimits (CPU time, address space, file size 0, no new
 *   processes, no core file, few descriptors), no_new_privs, and a seccomp
 *   allow-list that kills it on any system call not listed; opening a file
 *   or a socket fails with EACCES.
 * - A report reaches a worker only as a read-only descriptor passed over
 *   the socket.  The answer is one bounded message, checked by the parent
 *   against its own plugin list before use: a worker is as untrusted as the
 *   report it read.
 * - A worker that crashes, answers nonsense or passes its deadline is killed
 *   and replaced; that one report gets status error naming the plugin and
 *   the reason.  Nothing else is lost.
 */
#ifndef DOJOBRIDGE_SANDBOX_H
#define DOJOBRIDGE_SANDBOX_H

#include <stddef.h>

struct detect;
struct detect_result;

struct sandbox_opts {
	int workers;		/* at most this many at once; 0: one per CPU */
	int timeout;		/* seconds one report may take (probe and extract) */
	long long memory;	/* address space limit of a worker, bytes */
};

#define SANDBOX_DEFAULT_TIMEOUT	10
#define SANDBOX_DEFAULT_MEMORY	(1024LL * 1024 * 1024)

/* One report to detect: the caller keeps fd open until the job is done. */
struct sandbox_job {
	int fd;
	const char *name;		/* basename as dropped */
	const char *forced_scan_type;	/* NULL: detect */
	const char *prefer;		/* NULL or scan types separated by commas */
	struct detect_result *r;	/* filled; release with detect_result_release */
};

struct sandbox;

/*
 * A pool whose workers load the plugins of plugin_path and the [signature]
 * sections in setup (detect_signatures_json()).  Workers start when first
 * needed.  NULL with err filled when the binary cannot be opened.
 */
struct sandbox *sandbox_new(const char *plugin_path, const char *setup,
    const struct sandbox_opts *o, char *err, size_t errlen);
void sandbox_free(struct sandbox *sb);

/*
 * Run the jobs, up to the pool's size at once, and fill every job's result.
 * d is the parent's own plugin list: answers are checked against it, and
 * the strings of a result point into it, as detect_file()'s do.
 */
void sandbox_run(struct sandbox *sb, const struct detect *d, struct sandbox_job *jobs, size_t n);

/* The worker's life: "dojobridge detect-worker PLUGIN_PATH TIMEOUT MEMORY VERBOSITY". */
int sandbox_worker_main(int argc, char **argv);

#endif /* DOJOBRIDGE_SANDBOX_H */
