/*
 * conf.h — dojobridge's configuration: conf.d files, per-directory
 * .dojobridge.conf files and per-report sidecars.
 *
 * The *.conf files of conf.d are INI files (parsed with inih) read in lexical order; a
 * later file overrides the keys an earlier one set.  Sections: [dojo] (the
 * server), [import] (defaults for every upload), [watch] (the daemon),
 * [media] (checks of import media), [drop "name"] (one drop root; accepts
 * every [import] key too), [report "name"] (a Report Builder report
 * delivered into an outbox).  A directory inside a drop root may
 * hold .dojobridge.conf with an [import] section for its subtree; a report
 * may have a sidecar <report>.dojo.json with per-report import keys.
 *
 * Invariants:
 * - Every value stored in struct import_opts has been validated and
 *   normalised (booleans are "true"/"false", dates "YYYY-MM-DD", tags a
 *   comma-separated list without spaces), so the client sends it as is.
 * - Every error is logged with file, line, section, key, the line itself and
 *   why, and loading goes on to report every error before failing.
 * - The API token is never stored here: conf_read_token fetches it on demand.
 */
#ifndef DOJOBRIDGE_CONF_H
#define DOJOBRIDGE_CONF_H

#include <stddef.h>
#include <stdio.h>

/* The keys that shape one upload, in [import], [drop], .dojobridge.conf and sidecars. */
enum import_key {
	/* Fields of DefectDojo's reimport-scan request, sent under the same name. */
	IK_SCAN_TYPE,
	IK_PRODUCT_TYPE_NAME,
	IK_PRODUCT_NAME,
	IK_ENGAGEMENT_NAME,
	IK_MINIMUM_SEVERITY,
	IK_ACTIVE,
	IK_VERIFIED,
	IK_ENDPOINT_TO_ADD,
	IK_ENGAGEMENT_END_DATE,
	IK_SOURCE_CODE_MANAGEMENT_URI,
	IK_DEDUPLICATION_ON_ENGAGEMENT,
	IK_LEAD,
	IK_PUSH_TO_JIRA,
	IK_ENVIRONMENT,
	IK_VERSION,
	IK_BUILD_ID,
	IK_BRANCH_TAG,
	IK_COMMIT_HASH,
	IK_API_SCAN_CONFIGURATION,
	IK_SERVICE,
	IK_GROUP_BY,
	IK_CREATE_FINDING_GROUPS_FOR_ALL_FINDINGS,
	IK_APPLY_TAGS_TO_FINDINGS,
	IK_APPLY_TAGS_TO_ENDPOINTS,
	IK_CLOSE_OLD_FINDINGS,
	IK_CLOSE_OLD_FINDINGS_PRODUCT_SCOPE,
	IK_DO_NOT_REACTIVATE,
	IK_TAGS,
	IK_TEST,		/* reimport into this test id (names must then agree with it) */
	/* Policies: they decide a field's value rather than being one. */
	IK_TEST_TITLE,		/* "auto" or a template with {target} {tool} {scan_type} ... */
	IK_SCAN_DATE,		/* auto | report | mtime | none | YYYY-MM-DD */
	IK_EMPTY,		/* fail | skip | upload: what to do with a report without content */
	IK_PREFER,		/* scan types, comma-separated: which reading wins an ambiguous format */
	IK_COUNT
};

/* Validated values, NULL where not set.  Owned by the struct. */
struct import_opts {
	char *v[IK_COUNT];
};

/* The name of key k as written in configuration files and sent to DefectDojo. */
const char *conf_import_key_name(enum import_key k);
/* 1 if key k is sent as a reimport-scan form field (policies are not). */
int conf_import_key_is_field(enum import_key k);
/* Index of the key called name, or -1. */
int conf_import_key_find(const char *name);

/*
 * Validate value for key k and store its normalised form in o (replacing
 * any earlier value).  On error returns -1 and writes why into err.
 */
int conf_import_set(struct import_opts *o, enum import_key k, const char *value,
    char *err, size_t errlen);
/* Copy every value set in src over dst. */
void import_opts_overlay(struct import_opts *dst, const struct import_opts *src);
void import_opts_release(struct import_opts *o);

enum on_success { ON_SUCCESS_ARCHIVE, ON_SUCCESS_DELETE };

struct conf_dojo {
	char *url;			/* base URL, without trailing slash */
	char *token_file;
	char *token_env;		/* default DD_API_TOKEN */
	char *ca_file;
	char *client_cert;
	char *client_key;
	char *pinned_pubkey;		/* libcurl's form: sha256//BASE64[;sha256//...], or a PEM/DER file */
	char *proxy;			/* NULL: curl's usual environment variables */
	long connect_timeout_ms;
	long idle_timeout_ms;		/* abort when no byte moves for this long */
	int allow_insecure_http;
	int retries;			/* attempts after the first, within one run, for transient errors and 500 */
	long long max_file_size;	/* bytes; larger reports fail before upload */
	int max_inflight;		/* uploads at once in the daemon (1..64) */
};

enum out_of_order { OUT_OF_ORDER_FAIL, OUT_OF_ORDER_IMPORT };
enum log_target { LOG_TO_STDERR, LOG_TO_SYSLOG };

/* [watch]: the daemon's own settings. */
struct conf_watch {
	char host_id[33];		/* this daemon's name in a shared spool: [A-Za-z0-9_-] */
	long rescan_interval_ms;	/* full rescan of every root, and the heartbeat */
	long claim_timeout_ms;		/* another daemon's claims are taken over after this */
	long max_age_ms;		/* a report still not imported after this goes to failed/ */
	long auth_retry_ms;		/* how often a refused token is tried again */
	long shutdown_timeout_ms;	/* how long SIGTERM waits for uploads in flight */
	char *metrics_file;		/* Prometheus textfile, or NULL */
	enum log_target log;
	enum out_of_order out_of_order;	/* default for drops */
};

/* [media]: how `once --from` checks import media. */
struct conf_media {
	char *keyring;			/* OpenPGP keyring (gpgv) for SHA256SUMS signatures, or NULL */
	int require_signature;		/* a manifest must be signed by the keyring (default: yes with a keyring) */
	int require_manifest;		/* media without SHA256SUMS are refused */
};

/* [detect]: where plugins run. */
struct conf_detect {
	int sandbox;			/* 1: in confined worker processes (the default); 0 only for plugin work */
	int workers;			/* 0: one per CPU */
	long timeout_ms;		/* one report's probe and extract, whole seconds */
	long long memory;		/* a worker's address space */
};

struct conf_drop {
	char *name;
	char *path;			/* absolute, no trailing slash */
	char *layout;			/* e.g. "{product_type}/{product}/{engagement}" */
	char *spool;			/* default <path>/.dojobridge */
	enum on_success on_success;
	long settle_ms;			/* a file modified more recently than this is not ready */
	long max_settle_ms;		/* a report that does not parse is "not finished" until it
					   stayed unchanged this long; then it is "bad" */
	long poll_ms;			/* -1 auto (network file systems), 0 off, > 0 interval */
	int out_of_order;		/* enum out_of_order, -1 until merged with [watch] */
	int archive_days;		/* done/ jobs older than this are pruned */
	char **ignore;			/* fnmatch patterns on the base name, NULL-terminated */
	struct import_opts import;	/* [import] with this drop's keys over it */
	char *defined_at;		/* "file:line" of the section, for messages */
};

/* [report "name"]: a Report Builder report delivered into an outbox folder. */
enum report_when {
	REPORT_AFTER_BATCH,		/* after each `once` run that imported something */
	REPORT_AFTER_SETTLE,		/* in the daemon: once imports (into product) stop for settle_ms */
	REPORT_DAILY			/* in the daemon: every day at daily_minute (local time) */
};

struct conf_report {
	char *name;
	char *template;			/* a template name, or an id */
	char *format;			/* "pdf" or "html" */
	char *outbox;			/* absolute: where finished reports land, atomically */
	char *product;			/* REPORT_AFTER_SETTLE: only imports into this product count */
	enum report_when when;
	long settle_ms;
	int daily_minute;		/* 0..1439 */
	long timeout_ms;		/* give up on a report not finished after this */
	char *defined_at;		/* "file:line" of the section */
	int when_set;
};

/*
 * [signature "name"]: a format taught without writing C.  Every condition
 * given must hold; at least one is given.
 */
struct conf_signature {
	char *name;
	char *scan_type;		/* a DefectDojo scan type */
	char *xml_root;			/* the root element's local name, or NULL */
	char *xml_ns;			/* its namespace URI, or NULL */
	char **json_keys;		/* all top-level keys (or the first element's), or NULL */
	char **csv_header;		/* all among the header's cells (any case), or NULL */
	char *file_name;		/* fnmatch(3) pattern on the file's name, or NULL */
	int score;			/* 1..100, default 90 */
	char *defined_at;		/* "file:line" of the section */
};

/* Free what a signature holds (conf_release does it for the configuration's own). */
void conf_signature_release(struct conf_signature *g);

struct conf {
	char *dir;
	struct conf_dojo dojo;
	struct conf_watch watch;
	struct conf_media media;
	struct conf_detect detect;
	struct import_opts import;	/* the [import] section alone */
	struct conf_drop *drops;
	size_t ndrops;
	struct conf_report *reports;
	size_t nreports;
	struct conf_signature *signatures;
	size_t nsignatures;
};

/*
 * Read dir/ *.conf in lexical order.  Returns 0, or -1 after logging every
 * error found.  On success every drop has a path and a layout, and the
 * [import] defaults are already merged into each drop's import options.
 */
int conf_load(struct conf *c, const char *dir);
void conf_release(struct conf *c);

/*
 * Read a .dojobridge.conf (only an [import] section is allowed) over o.
 * dirfd/name: the file, opened without following links.  Returns 0, 1 if
 * the file does not exist, -1 on error (logged, naming file and line).
 */
int conf_read_dir_policy(int dirfd, const char *name, const char *display_path,
    struct import_opts *o);

/*
 * Read a sidecar <report>.dojo.json (a JSON object of import keys) from fd
 * over o.  Returns 0 or -1 with the reason in err, naming the field.
 */
int conf_read_sidecar(int fd, struct import_opts *o, char *err, size_t errlen);

/*
 * Fetch the API token from token_file (refused when group- or
 * world-readable, or not owned by us or root) or the environment variable.
 * Returns a newly allocated string (caller wipes and frees) or NULL after
 * logging why.
 */
char *conf_read_token(const struct conf_dojo *d);

/*
 * fgets for INI readers: the number of bytes stored in buf (strlen stops at
 * a NUL byte, and reads before buf for one at its start), *nul set when they
 * hold one; -1 at the end of the file, buf then keeping the last line.
 */
long conf_read_line(FILE *fp, char *buf, size_t size, int *nul);

/* "30s", "5m", "250ms", "2h", "1d" or bare seconds into milliseconds. */
int conf_parse_duration(const char *s, long *ms);
/* yes/no/true/false (any case) into 1/0. */
int conf_parse_bool(const char *s, int *b);
/* "100MB", "1GiB", "512k" or bare bytes. */
int conf_parse_size(const char *s, long long *bytes);

#endif
