/*
 * intake.h — everything decided about one report before it is sent, and
 * the records a job leaves behind.
 *
 * intake_prepare layers the folder policies (.dojobridge.conf from the drop
 * root down), the sidecar, the route from the folder layout, detection and
 * the scan-date and test-title policies into the exact reimport form, the
 * target key and the date that orders reports within that key.
 *
 * Invariants:
 * - Preparing reads the report only through the fd it is given and changes
 *   nothing on disk.
 * - A prepared report either has a complete form (stage NULL) or says at
 *   which stage it failed, why, and what a person should do.
 * - Reports with the same key land in the same DefectDojo test: the key
 *   holds product type, product, engagement, scan type and test title, or
 *   the test id when the policy names one.
 */
#ifndef DOJOBRIDGE_INTAKE_H
#define DOJOBRIDGE_INTAKE_H

#include <sys/stat.h>

#include "conf.h"
#include "detect.h"
#include "dojo.h"
#include "route.h"
#include "spool.h"
#include "strbuf.h"

/* conf_load, then check every drop's layout; on failure c is released. */
int intake_load_conf(struct conf *c, const char *dir);

/* Run d's detection as c's [detect] section says (sandboxed unless sandbox = no), with c's [signature] sections. */
int intake_use_sandbox(struct detect *d, const struct conf *c);

struct prepared {
	struct import_opts opts;
	struct route route;
	struct detect_result det;
	int have_det;
	char *test_title;
	char scan_date[11];
	const char *date_source;
	struct form form;
	char *key;			/* the target key (see above) */
	char report_date[11];		/* YYYY-MM-DD that orders reports within the key */
	const char *stage;		/* where it went wrong: policy, sidecar, route, detect, size */
	char error[1024];
	char hint[256];
	int skip_empty;			/* the empty policy says: drop it without upload */
};

/*
 * The folder policies of one drop, read once per folder: a batch may hold
 * thousands of reports in one folder.  Each entry holds what the
 * .dojobridge.conf files from the root down to that folder set, or why
 * they could not be read.  Release it to see edited policy files.
 */
struct policy_cache {
	struct cached_policy {
		char *folder;
		struct import_opts opts;
		char *error;
	} *v;
	size_t n;
};
void policy_cache_release(struct policy_cache *pc);

/*
 * Decide everything about the report open on fd: origin is its path under
 * the drop root, name the dropped basename, st its fstat, sidecar_fd its
 * sidecar or -1.  0 when the form is complete; -1 with stage, error and
 * hint set (and skip_empty when the empty policy says skip).
 */
int intake_prepare(const struct conf *c, const struct conf_drop *dr, struct detect *d, int rootfd,
    struct policy_cache *policies, const char *origin, const char *name, int fd,
    const struct stat *st, int sidecar_fd, struct prepared *p);
void prepared_release(struct prepared *p);

/* Set p's stage, hint and error (printf-style); returns -1. */
int intake_fail(struct prepared *p, const char *stage, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ,"product_type":...,"product":...,"engagement":...,"test_title":... (nulls without p). */
void intake_names_json(struct strbuf *sb, const struct prepared *p);

/* The current time as ISO 8601 UTC. */
void intake_utc_now(char when[32]);

/* failed/<id>/error.json for job j; p and res may be NULL. Caller frees. */
char *intake_error_json(const struct job *j, const struct prepared *p, const struct dojo_result *res,
    const char *stage, const char *error, const char *hint);

/* One receipts.jsonl line (no newline); res NULL for a skipped empty report.  Caller frees. */
char *intake_receipt_line(const struct job *j, const struct prepared *p, const struct dojo_result *res,
    const char *sha);

/*
 * The ledger, for jobs copied from media (once --from): record that j's
 * bytes are now in the test res names; and 1 (with the sentence in why)
 * when its bytes were already imported into p's target, else 0.
 */
void intake_record_import(struct spool *s, const struct job *j, const struct prepared *p,
    const struct dojo_result *res);
int intake_already_imported(struct spool *s, const struct job *j, const struct prepared *p, char *why,
    size_t whylen);

#endif
