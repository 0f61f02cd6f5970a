/*
 * http.h — JSON requests to DefectDojo's REST API, and file downloads, for
 * the commands that talk to more of the API than reimport-scan (`report`).
 *
 * It keeps the conventions of the upload client (dojo.h), set up from the
 * same [dojo] section: the URL check, ca_file, client certificate, proxy,
 * connect and idle timeouts.
 *
 * Invariants:
 * - The token travels only in the Authorization header of requests to the
 *   configured server: never in a URL, a log line, a message or an answer.
 * - TLS verification is always on; plain http only to loopback or with
 *   allow_insecure_http; redirects are never followed (a 3xx is an error).
 * - An answer is read into memory up to the caller's cap; a longer one fails
 *   the request.  A download goes to the caller's fd, up to its own cap.
 * - Every answer that is not a 2xx comes back as one sentence with the
 *   server's own words (its four error body shapes, see dojo_error_words).
 */
#ifndef DOJOBRIDGE_HTTP_H
#define DOJOBRIDGE_HTTP_H

#include <stddef.h>

#include "conf.h"

struct http;

/* What a failed request means for the caller. */
enum http_outcome {
	HTTP_OK,		/* a 2xx */
	HTTP_UNREACHABLE,	/* no answer, or 408/429/502/503/504 and other 5xx but 500 */
	HTTP_REFUSED,		/* the token was refused, or a redirect: nothing will work */
	HTTP_FAILED		/* the server answered no: 4xx, 500 */
};

struct http_answer {
	enum http_outcome outcome;
	long status;			/* HTTP status, 0 when no answer came */
	char *body;			/* NUL-terminated answer (a download's only on error), or NULL */
	size_t len;
	unsigned long long written;	/* bytes a download wrote to its fd */
	char content_type[128];		/* of the answer, "" if none */
	char message[1024];		/* not OK: one sentence, the server's words escaped */
	char hint[256];			/* not OK: what a person should do, or "" */
};

void http_answer_release(struct http_answer *a);

/*
 * A client for cfg's server; token is copied into a header and wiped when
 * freed.  Returns NULL after writing why into err (a bad or plain-http URL,
 * a curl set-up failure); err never holds the token.
 */
struct http *http_new(const struct conf_dojo *cfg, const char *token, char *err, size_t errlen);
void http_free(struct http *h);

/*
 * method (GET, POST, PATCH, DELETE) {url}{path}, path starting with /api/v2/;
 * json_body, if not NULL, is sent as application/json.  The answer is
 * read up to maxbytes.  Transient failures of GET and PATCH (both safe to
 * repeat) are retried [dojo] retries times with backoff; a POST is sent
 * once.  Always fills a (release it); returns 0 for a 2xx, -1 otherwise.
 */
int http_request(struct http *h, const char *method, const char *path, const char *json_body,
    size_t maxbytes, struct http_answer *a);

/*
 * GET {url}{path} and write a 200's body to fd (from its current offset),
 * at most maxbytes; anything else is read into a->body as an error.
 * Returns 0 when a whole 200 answer was written, -1 otherwise (what was
 * written by then is the caller's to discard).  Not retried.
 */
int http_download(struct http *h, const char *path, int fd, unsigned long long maxbytes,
    struct http_answer *a);

#endif
