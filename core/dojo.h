/*
 * dojo.h — the DefectDojo client: reimport-scan uploads and the few reads
 * `check` needs, with every answer classified into what the caller must do.
 *
 * Invariants (see reference/dojo-api.md, which this follows):
 * - The token travels only in the Authorization header of requests to the
 *   configured server: never in a URL, a log line, a message or a result.
 * - TLS verification is always on; plain http only to loopback or with
 *   allow_insecure_http; redirects are never followed.
 * - A report is streamed from the fd the caller opened and checked, with a
 *   seek callback for resends; it is never read into memory or reopened.
 * - A server answer is read into memory up to a cap; a longer one fails
 *   that request, it cannot exhaust the daemon.
 */
#ifndef DOJOBRIDGE_DOJO_H
#define DOJOBRIDGE_DOJO_H

#include <curl/curl.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "route.h"

struct dojo;

/* What the caller must do with a job after an attempt. */
enum dojo_outcome {
	DOJO_IMPORTED,		/* done: archive it */
	DOJO_RETRY,		/* transient (unreachable, 502/503/504, 429): try later, keep queued */
	DOJO_RETRY_THEN_FAIL,	/* 500: maybe a bad report, maybe the server: a few tries, then failed */
	DOJO_FAILED,		/* the server refused this report for good (400, 413, permission 403, ...) */
	DOJO_REFUSED		/* every upload will fail (token refused, wrong url): pause, fail nothing */
};

struct dojo_result {
	enum dojo_outcome outcome;
	long status;			/* HTTP status, 0 when no answer came */
	char message[1024];		/* one sentence: what happened, with the server's own words */
	char hint[256];			/* what a person should do about it, or "" */
	char *body;			/* the server's answer (at most 64 KiB kept), or NULL */
	long retry_after;		/* seconds the server asked us to wait, 0 if none */
	long test_id, engagement_id, product_id, product_type_id;
	long created, closed, reactivated, untouched;	/* finding counts from the statistics */
	double seconds;			/* time the request took */
	char sha256[65];		/* of the report as sent, when it went out whole and in
					   order (hashed while streaming: no second read); else "" */
};

void dojo_result_release(struct dojo_result *r);

/*
 * A client for cfg's server.  token is copied.  Returns NULL after logging
 * why (bad url, plain http to a non-loopback host, curl set-up failure).
 */
struct dojo *dojo_new(const struct conf_dojo *cfg, const char *token);
void dojo_free(struct dojo *d);

/*
 * POST {url}/api/v2/reimport-scan/ with form's fields and the report
 * streamed from fd (size bytes from offset 0) as the file part named
 * form->upload_name.  Always fills res; returns 0 when the answer was
 * DOJO_IMPORTED, -1 otherwise.
 */
int dojo_reimport(struct dojo *d, const struct form *form, int fd, uint64_t size,
    struct dojo_result *res);

/*
 * The same upload, run by the caller's curl multi handle: dojo_upload_new
 * prepares it on an easy handle of its own (NULL on failure), the caller
 * adds dojo_upload_easy(u) to its multi handle (CURLOPT_PRIVATE is ours),
 * and once curl reports it done, dojo_upload_done classifies the answer
 * into res and frees u (remove the easy handle from the multi first).
 * dojo_upload_idle says whether nothing moved for idle_timeout; the
 * caller then removes the handle and calls dojo_upload_done (a timeout).
 * dojo_upload_abort frees u without a result (shutdown).
 */
struct dojo_upload;
struct dojo_upload *dojo_upload_new(struct dojo *d, const struct form *form, int fd, uint64_t size);
CURL *dojo_upload_easy(struct dojo_upload *u);
int dojo_upload_idle(struct dojo_upload *u);
void dojo_upload_done(struct dojo_upload *u, CURLcode rc, struct dojo_result *res);
void dojo_upload_abort(struct dojo_upload *u);

/*
 * GET {url}{path} (path starts with /api/v2/) and return the answer body
 * (caller frees) when it is a 200 of at most maxbytes; NULL otherwise, with
 * res filled and classified like an upload.
 */
char *dojo_get(struct dojo *d, const char *path, size_t maxbytes, struct dojo_result *res);

/*
 * Turn an error answer into one sentence in out: the four body shapes
 * DefectDojo uses (a list of strings; a field dict with "message" and
 * "pro"; {"message": "['...']"}; {"detail": "..."}) and non-JSON pages.
 */
void dojo_error_words(long status, const char *body, size_t len, char *out, size_t outlen);

/* Classify an HTTP answer (status > 0) into an outcome and a hint. */
enum dojo_outcome dojo_classify(long status, const char *body, size_t len, char *hint,
    size_t hintlen);

/* 1 if host (as in a URL) is a loopback name or address. */
int dojo_host_is_loopback(const char *host);

#endif
