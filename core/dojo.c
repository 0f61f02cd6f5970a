/*
 * The DefectDojo client.  It knows the server's habits (reference/dojo-api.md):
 * multipart only, trailing slashes, 403 for a bad token, four error body
 * shapes, 500 for some unparsable reports; and turns each answer into an
 * outcome the queue can act on and a sentence a person can read.
 */
#include "dojo.h"
#include "jsonnum.h"
#include "log.h"
#include "sha256.h"
#include "strbuf.h"
#include "xmem.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#ifndef DOJOBRIDGE_VERSION
#define DOJOBRIDGE_VERSION "0.1.0"
#endif

/* Answers beyond this are not DefectDojo talking: refuse to buffer them. */
#define ANSWER_MAX (1024 * 1024)
/* How much of an answer a result keeps for error.json. */
#define BODY_KEEP (64 * 1024)

struct dojo {
	CURL *easy;
	char *base;			/* url without trailing slash */
	struct curl_slist *headers;	/* holds the Authorization header */
	long idle_ms;
};

/* Tracks when a byte last moved, for the idle timeout. */
#define PROGRESS_BYTES	1024

struct activity {
	struct timespec last;
	curl_off_t ul, dl;
	long idle_ms;
	int expired;
};

struct answer {
	struct strbuf body;
	size_t max;
	int overflow;
};

struct upload_src {
	int fd;
	uint64_t off;
	uint64_t size;
	int shrank;
	struct sha256 hash;	/* of bytes [0, hashed) as they were sent */
	uint64_t hashed;
};

int
dojo_host_is_loopback(const char *host)
{
	struct in_addr a;

	/* A numeric 127.0.0.0/8 address only: "127.example.com" is somebody else's host. */
	if (inet_pton(AF_INET, host, &a) == 1)
		return (ntohl(a.s_addr) >> 24) == 127;
	return strcmp(host, "localhost") == 0 || strcmp(host, "::1") == 0 || strcmp(host, "[::1]") == 0;
}

static int
check_url(const struct conf_dojo *cfg)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	int rc = -1;

	if (u == NULL)
		return log_errorx("dojo: out of memory");
	if (curl_url_set(u, CURLUPART_URL, cfg->url, 0) != CURLUE_OK) {
		log_errorx("config: [dojo] url %s is not a valid URL", cfg->url);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		log_errorx("config: [dojo] url %s has no host", cfg->url);
		goto out;
	}
	if (strcmp(scheme, "https") != 0 && !dojo_host_is_loopback(host) && !cfg->allow_insecure_http) {
		log_errorx("config: [dojo] url %s is plain http to a host that is not loopback: the token "
		    "would cross the network in clear. Use https, or set allow_insecure_http = yes", cfg->url);
		goto out;
	}
	rc = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

struct dojo *
dojo_new(const struct conf_dojo *cfg, const char *token)
{
	struct dojo *d;
	char *auth;

	if (check_url(cfg) < 0)
		return NULL;
	d = xcalloc(1, sizeof *d);
	d->base = xstrdup(cfg->url);
	if ((d->easy = curl_easy_init()) == NULL) {
		free(d->base);
		free(d);
		log_errorx("dojo: cannot initialise libcurl");
		return NULL;
	}
	auth = xasprintf("Authorization: Token %s", token);
	d->headers = curl_slist_append(NULL, auth);
	explicit_bzero(auth, strlen(auth));
	free(auth);
	d->headers = curl_slist_append(d->headers, "Accept: application/json");

	curl_easy_setopt(d->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(d->easy, CURLOPT_USERAGENT, "dojobridge/" DOJOBRIDGE_VERSION);
	curl_easy_setopt(d->easy, CURLOPT_PROTOCOLS_STR, cfg->allow_insecure_http ||
	    strncmp(cfg->url, "http://", 7) == 0 ? "http,https" : "https");
	curl_easy_setopt(d->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(d->easy, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(d->easy, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(d->easy, CURLOPT_CONNECTTIMEOUT_MS, cfg->connect_timeout_ms);
	/*
	 * No total timeout: a big import may take minutes.  Give up only when
	 * nothing moves for idle_timeout (curl's low-speed check averages over
	 * a window, so it cannot say "idle for exactly N s").
	 */
	d->idle_ms = cfg->idle_timeout_ms;
	if (cfg->ca_file)
		curl_easy_setopt(d->easy, CURLOPT_CAINFO, cfg->ca_file);
	if (cfg->client_cert)
		curl_easy_setopt(d->easy, CURLOPT_SSLCERT, cfg->client_cert);
	if (cfg->client_key)
		curl_easy_setopt(d->easy, CURLOPT_SSLKEY, cfg->client_key);
	if (cfg->pinned_pubkey)
		curl_easy_setopt(d->easy, CURLOPT_PINNEDPUBLICKEY, cfg->pinned_pubkey);
	if (cfg->proxy)
		curl_easy_setopt(d->easy, CURLOPT_PROXY, cfg->proxy);
	return d;
}

void
dojo_free(struct dojo *d)
{
	struct curl_slist *h;

	if (d == NULL)
		return;
	for (h = d->headers; h != NULL; h = h->next)
		explicit_bzero(h->data, strlen(h->data));
	curl_slist_free_all(d->headers);
	curl_easy_cleanup(d->easy);
	free(d->base);
	free(d);
}

void
dojo_result_release(struct dojo_result *r)
{
	free(r->body);
	r->body = NULL;
}

static size_t
answer_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct answer *a = userdata;
	size_t n = size * nmemb;

	if (a->body.len + n > a->max) {
		a->overflow = 1;
		return 0;	/* makes curl stop with CURLE_WRITE_ERROR */
	}
	strbuf_add(&a->body, ptr, n);
	return n;
}

static size_t
upload_read(char *buf, size_t size, size_t nitems, void *arg)
{
	struct upload_src *src = arg;
	size_t want = size * nitems;
	ssize_t n;

	if (src->off >= src->size)
		return 0;
	if (want > src->size - src->off)
		want = (size_t)(src->size - src->off);
	n = pread(src->fd, buf, want, (off_t)src->off);
	if (n <= 0) {
		src->shrank = 1;
		return CURL_READFUNC_ABORT;	/* the report shrank or vanished: never send half */
	}
	/* Hash in passing; a resend starts again at 0 (see upload_seek). */
	if (src->off == src->hashed) {
		sha256_update(&src->hash, buf, (size_t)n);
		src->hashed += (uint64_t)n;
	}
	src->off += (uint64_t)n;
	return (size_t)n;
}

static int
upload_seek(void *arg, curl_off_t offset, int origin)
{
	struct upload_src *src = arg;

	if (origin != SEEK_SET || offset < 0 || (uint64_t)offset > src->size)
		return CURL_SEEKFUNC_CANTSEEK;
	src->off = (uint64_t)offset;
	if (offset == 0) {
		sha256_init(&src->hash);
		src->hashed = 0;
	}
	return CURL_SEEKFUNC_OK;
}

static int
on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	struct activity *a = arg;
	struct timespec now;

	(void)dltotal;
	clock_gettime(CLOCK_MONOTONIC, &now);
	/*
	 * Progress is a kilobyte moved, or the answer's first bytes: a server
	 * that trickles a byte now and then must not hold the upload forever.
	 */
	if (ulnow - a->ul >= PROGRESS_BYTES || dlnow - a->dl >= PROGRESS_BYTES ||
	    (a->dl == 0 && dlnow > 0) || (ultotal > 0 && ulnow == ultotal && a->ul != ulnow)) {
		a->dl = dlnow;
		a->ul = ulnow;
		a->last = now;
		return 0;
	}
	if ((now.tv_sec - a->last.tv_sec) * 1000 + (now.tv_nsec - a->last.tv_nsec) / 1000000 > a->idle_ms) {
		a->expired = 1;
		return 1;
	}
	return 0;
}

/* Strip a Python list repr "['a', 'b']" down to its text "a; b". */
static void
unwrap_pylist(const char *s, struct strbuf *out)
{
	size_t n = strlen(s);

	if (n >= 4 && s[0] == '[' && (s[1] == '\'' || s[1] == '"') && s[n - 1] == ']' &&
	    s[n - 2] == s[1]) {
		for (size_t i = 2; i < n - 2; i++) {
			if ((s[i] == '\'' || s[i] == '"') && strncmp(s + i + 1, ", ", 2) == 0 &&
			    (s[i + 3] == '\'' || s[i + 3] == '"')) {
				strbuf_addstr(out, "; ");
				i += 3;
				continue;
			}
			strbuf_addch(out, s[i]);
		}
	} else {
		strbuf_addstr(out, s);
	}
}

static void
add_json_words(const cJSON *v, struct strbuf *out)
{
	const cJSON *it;

	if (cJSON_IsString(v)) {
		strbuf_addstr(out, v->valuestring);
	} else if (cJSON_IsArray(v)) {
		cJSON_ArrayForEach(it, v) {
			if (out->len && out->buf[out->len - 1] != ' ')
				strbuf_addstr(out, "; ");
			add_json_words(it, out);
		}
	} else if (cJSON_IsNumber(v)) {
		strbuf_addf(out, "%g", v->valuedouble);
	}
}

/* The <title> of an HTML error page (nginx, a proxy), if any. */
static void
html_title(const char *body, size_t len, struct strbuf *out)
{
	const char *t = memmem(body, len, "<title>", 7), *e;

	if (t == NULL)
		return;
	t += 7;
	e = memmem(t, len - (size_t)(t - body), "</title>", 8);
	if (e != NULL && e - t < 200)
		strbuf_add(out, t, (size_t)(e - t));
}

void
dojo_error_words(long status, const char *body, size_t len, char *out, size_t outlen)
{
	struct strbuf words = STRBUF_INIT;
	cJSON *root = body && len ? cJSON_ParseWithLength(body, len) : NULL;
	const cJSON *it;

	if (cJSON_IsArray(root)) {
		add_json_words(root, &words);
	} else if (cJSON_IsObject(root)) {
		const cJSON *detail = cJSON_GetObjectItemCaseSensitive(root, "detail");
		const cJSON *message = cJSON_GetObjectItemCaseSensitive(root, "message");
		int fields = 0;

		if (cJSON_IsString(detail))
			strbuf_addstr(&words, detail->valuestring);
		/* Field errors first: "message" then only repeats them as a Python repr. */
		cJSON_ArrayForEach(it, root) {
			if (strcmp(it->string, "message") == 0 || strcmp(it->string, "pro") == 0 ||
			    strcmp(it->string, "detail") == 0)
				continue;
			if (words.len)
				strbuf_addstr(&words, "; ");
			if (strcmp(it->string, "non_field_errors") != 0)
				strbuf_addf(&words, "%s: ", it->string);
			add_json_words(it, &words);
			fields++;
		}
		if (words.len == 0 && cJSON_IsString(message))
			unwrap_pylist(message->valuestring, &words);
	} else if (body && len) {
		html_title(body, len, &words);
	}
	if (words.len == 0) {
		const char *reason = status == 413 ? "Request Entity Too Large" :
		    status == 502 ? "Bad Gateway" : status == 503 ? "Service Unavailable" :
		    status == 504 ? "Gateway Timeout" : "no explanation";
		strbuf_addstr(&words, reason);
	}
	{
		char safe[900];

		snprintf(out, outlen, "HTTP %ld: %s", status, escape_name(words.buf, safe, sizeof safe));
	}
	strbuf_release(&words);
	cJSON_Delete(root);
}

static int
is_token_problem(const char *body, size_t len)
{
	static const char *const details[] = {
		"Invalid token.", "Authentication credentials were not provided.",
		"User inactive or deleted.", "Invalid token header.", "Invalid username/password.",
		NULL
	};
	cJSON *root = cJSON_ParseWithLength(body, len);
	const cJSON *detail = cJSON_GetObjectItemCaseSensitive(root, "detail");
	int yes = 0;

	if (cJSON_IsString(detail))
		for (size_t i = 0; details[i] != NULL; i++)
			if (strncmp(detail->valuestring, details[i], strlen(details[i])) == 0)
				yes = 1;
	cJSON_Delete(root);
	return yes;
}

enum dojo_outcome
dojo_classify(long status, const char *body, size_t len, char *hint, size_t hintlen)
{
	hint[0] = '\0';
	if (status >= 200 && status < 300)
		return DOJO_IMPORTED;
	if (status >= 300 && status < 400) {
		snprintf(hint, hintlen, "the server redirects: set [dojo] url to the address DefectDojo "
		    "really answers on (https, exact path)");
		return DOJO_REFUSED;
	}
	if (status == 403 && is_token_problem(body, len)) {
		snprintf(hint, hintlen, "DefectDojo refused the API token: put a valid token (from "
		    "/api/key-v2) in token_file, then retry; nothing was moved to failed/");
		return DOJO_REFUSED;
	}
	if (status == 403) {
		snprintf(hint, hintlen, "the token's user lacks permission for this product or engagement: "
		    "grant it (API_Importer or Writer on the product, Maintainer to create products), then retry");
		return DOJO_FAILED;
	}
	if (status == 404) {
		if (body && memmem(body, len, "A test could not be found", 25) != NULL) {
			snprintf(hint, hintlen, "the server did not auto-create the test: check auto_create_context");
			return DOJO_FAILED;
		}
		snprintf(hint, hintlen, "the API is not at this address: check [dojo] url (it must be "
		    "DefectDojo's base URL, without /api/v2)");
		return DOJO_REFUSED;
	}
	if (status == 408 || status == 429 || status == 502 || status == 503 || status == 504) {
		snprintf(hint, hintlen, "DefectDojo is busy or restarting; the report stays queued and is "
		    "sent again later");
		return DOJO_RETRY;
	}
	if (status == 500) {
		snprintf(hint, hintlen, "DefectDojo failed while parsing; this often means the report is "
		    "malformed (check it opens in its tool) or the scan type is wrong");
		return DOJO_RETRY_THEN_FAIL;
	}
	if (status == 413) {
		snprintf(hint, hintlen, "the report is larger than the server (or its proxy) accepts: "
		    "raise DD_SCAN_FILE_MAX_SIZE / client_max_body_size, or split the scan");
		return DOJO_FAILED;
	}
	if (status > 500) {
		snprintf(hint, hintlen, "the server failed; the report stays queued and is sent again later");
		return DOJO_RETRY;
	}
	if (status == 400 && body && (memmem(body, len, "scan_type", 9) != NULL))
		snprintf(hint, hintlen, "the scan type is not accepted: set scan_type for this folder or "
		    "in a sidecar, or check which plugin claimed it (dojobridge detect --explain)");
	else if (status == 400 && body && memmem(body, len, "product type name", 17) != NULL)
		snprintf(hint, hintlen, "this product already exists under another product type: move the "
		    "folder under that product type, or rename the product");
	else if (status == 400)
		snprintf(hint, hintlen, "DefectDojo refused this report or one of its fields; fix it and "
		    "drop the corrected report again (a copy is kept in failed/)");
	return DOJO_FAILED;
}

static void
set_body(struct dojo_result *res, const struct strbuf *body)
{
	size_t n = body->len < BODY_KEEP ? body->len : BODY_KEEP;

	free(res->body);
	res->body = xstrndup(body->buf, n);
}

/* One request on its own easy handle, for curl_easy_perform or a multi handle. */
struct request {
	struct dojo *d;
	CURL *easy;
	struct answer a;
	struct activity act;
	char errbuf[CURL_ERROR_SIZE];
	struct timespec t0;
	char *url;
};

static void
request_start(struct request *rq, struct dojo *d, CURL *easy, const char *url, size_t maxbytes)
{
	memset(rq, 0, sizeof *rq);
	rq->d = d;
	rq->easy = easy;
	strbuf_init(&rq->a.body);
	rq->a.max = maxbytes;
	rq->url = xstrdup(url);
	rq->act.ul = rq->act.dl = -1;
	rq->act.idle_ms = d->idle_ms;
	curl_easy_setopt(easy, CURLOPT_URL, rq->url);
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, d->headers);
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, rq->errbuf);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, answer_write);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, &rq->a);
	curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &rq->act);
	curl_easy_setopt(easy, CURLOPT_PRIVATE, rq);
	clock_gettime(CLOCK_MONOTONIC, &rq->t0);
	rq->act.last = rq->t0;
}

static void
request_release(struct request *rq)
{
	strbuf_release(&rq->a.body);
	free(rq->url);
	rq->url = NULL;
}

/* The request ended with rc: classify transport errors and HTTP answers. */
static void
request_finish(struct request *rq, CURLcode rc, const struct upload_src *src, struct dojo_result *res)
{
	struct dojo *d = rq->d;
	struct answer *a = &rq->a;
	struct timespec t1;
	curl_off_t retry_after = 0;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	res->seconds = (double)(t1.tv_sec - rq->t0.tv_sec) + (double)(t1.tv_nsec - rq->t0.tv_nsec) / 1e9;
	curl_easy_getinfo(rq->easy, CURLINFO_RESPONSE_CODE, &res->status);
	if (curl_easy_getinfo(rq->easy, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK && retry_after > 0)
		res->retry_after = retry_after > 3600 ? 3600 : (long)retry_after;

	if (a->overflow) {
		res->outcome = res->status >= 200 && res->status < 300 ? DOJO_FAILED : DOJO_RETRY;
		snprintf(res->message, sizeof res->message, "HTTP %ld: the server's answer was longer "
		    "than %zu bytes, which DefectDojo never sends", res->status, a->max);
		snprintf(res->hint, sizeof res->hint, "check that [dojo] url points at DefectDojo itself");
		return;
	}
	if (rc != CURLE_OK) {
		/* No usable answer: the network, TLS, or the server dropping us. */
		res->status = 0;
		res->outcome = DOJO_RETRY;
		if (rq->act.expired)
			snprintf(res->message, sizeof res->message, "no answer from DefectDojo at %s: nothing "
			    "moved for idle_timeout (%ld s)", d->base, d->idle_ms / 1000);
		else if (src != NULL && src->shrank)
			snprintf(res->message, sizeof res->message, "the report shrank while it was being sent");
		else
			snprintf(res->message, sizeof res->message, "cannot reach DefectDojo at %s: %s", d->base,
			    rq->errbuf[0] ? rq->errbuf : curl_easy_strerror(rc));
		if (rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH)
			snprintf(res->hint, sizeof res->hint, "the server's public key is not the one [dojo] "
			    "pinned_pubkey names: a different server, or its key changed");
		else if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
		    rc == CURLE_SSL_CONNECT_ERROR)
			snprintf(res->hint, sizeof res->hint, "TLS verification failed: if the server uses a "
			    "private CA, set [dojo] ca_file to it");
		else if (src != NULL && src->shrank)
			snprintf(res->hint, sizeof res->hint, "a report must not change once dropped: write it "
			    "under a temporary name and rename it into the folder");
		else
			snprintf(res->hint, sizeof res->hint, "the report stays queued and is sent when the "
			    "server can be reached");
		if (src != NULL && src->shrank)
			res->outcome = DOJO_FAILED;
		return;
	}
	set_body(res, &a->body);
	res->outcome = dojo_classify(res->status, a->body.buf, a->body.len, res->hint, sizeof res->hint);
	if (res->outcome != DOJO_IMPORTED)
		dojo_error_words(res->status, a->body.buf, a->body.len, res->message, sizeof res->message);
}

static long
stat_total(const cJSON *stats, const char *section, const char *delta_key)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(stats, section);
	const cJSON *t;

	if (delta_key != NULL)
		s = cJSON_GetObjectItemCaseSensitive(s, delta_key);
	t = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(s, "total"), "total");
	return json_long(t, 0);
}

static long
num(const cJSON *root, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);

	return json_long(v, 0);
}

static void
read_import_answer(struct dojo_result *res, const struct strbuf *body)
{
	cJSON *root = cJSON_ParseWithLength(body->buf, body->len);
	const cJSON *stats;

	if (!cJSON_IsObject(root) || num(root, "test_id") <= 0) {
		res->outcome = DOJO_FAILED;
		snprintf(res->message, sizeof res->message, "HTTP %ld: the server accepted the upload but "
		    "its answer names no test, so the import cannot be confirmed", res->status);
		snprintf(res->hint, sizeof res->hint, "check in DefectDojo whether the test was updated; "
		    "drop the report again to send it once more (reimport is safe to repeat)");
		cJSON_Delete(root);
		return;
	}
	res->test_id = num(root, "test_id");
	res->engagement_id = num(root, "engagement_id");
	res->product_id = num(root, "product_id");
	res->product_type_id = num(root, "product_type_id");
	stats = cJSON_GetObjectItemCaseSensitive(root, "statistics");
	if (cJSON_GetObjectItemCaseSensitive(stats, "delta") != NULL) {
		res->created = stat_total(stats, "delta", "created");
		res->closed = stat_total(stats, "delta", "closed");
		res->reactivated = stat_total(stats, "delta", "reactivated");
		res->untouched = stat_total(stats, "delta", "untouched");
	} else {
		/* A first import: everything in the report is new. */
		res->created = stat_total(stats, "after", NULL);
	}
	snprintf(res->message, sizeof res->message, "imported into test %ld", res->test_id);
	cJSON_Delete(root);
}

static const char *
mime_type_for(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (dot == NULL)
		return "application/octet-stream";
	if (strcasecmp(dot, ".json") == 0 || strcasecmp(dot, ".sarif") == 0)
		return "application/json";
	if (strcasecmp(dot, ".xml") == 0 || strcasecmp(dot, ".nessus") == 0)
		return "application/xml";
	if (strcasecmp(dot, ".csv") == 0)
		return "text/csv";
	if (strcasecmp(dot, ".html") == 0)
		return "text/html";
	return "application/octet-stream";
}

struct dojo_upload {
	struct request rq;
	struct upload_src src;
	curl_mime *mime;
};

struct dojo_upload *
dojo_upload_new(struct dojo *d, const struct form *form, int fd, uint64_t size)
{
	struct dojo_upload *u;
	CURL *easy = curl_easy_duphandle(d->easy);
	curl_mimepart *part;
	char *url;

	if (easy == NULL)
		return NULL;
	u = xcalloc(1, sizeof *u);
	url = xasprintf("%s/api/v2/reimport-scan/", d->base);
	request_start(&u->rq, d, easy, url, ANSWER_MAX);
	free(url);
	u->src.fd = fd;
	u->src.size = size;
	sha256_init(&u->src.hash);
	u->mime = curl_mime_init(easy);
	for (size_t i = 0; i < form->n; i++) {
		part = curl_mime_addpart(u->mime);
		curl_mime_name(part, form->fields[i].name);
		curl_mime_data(part, form->fields[i].value, CURL_ZERO_TERMINATED);
	}
	part = curl_mime_addpart(u->mime);
	curl_mime_name(part, "file");
	curl_mime_filename(part, form->upload_name);
	curl_mime_type(part, mime_type_for(form->upload_name));
	curl_mime_data_cb(part, (curl_off_t)size, upload_read, upload_seek, NULL, &u->src);
	curl_easy_setopt(easy, CURLOPT_MIMEPOST, u->mime);
	return u;
}

CURL *
dojo_upload_easy(struct dojo_upload *u)
{
	return u->rq.easy;
}

int
dojo_upload_idle(struct dojo_upload *u)
{
	struct timespec now;
	struct activity *a = &u->rq.act;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if ((now.tv_sec - a->last.tv_sec) * 1000 + (now.tv_nsec - a->last.tv_nsec) / 1000000 > a->idle_ms)
		a->expired = 1;
	return a->expired;
}

void
dojo_upload_done(struct dojo_upload *u, CURLcode rc, struct dojo_result *res)
{
	memset(res, 0, sizeof *res);
	if (u->rq.act.expired && rc == CURLE_OK)
		rc = CURLE_OPERATION_TIMEDOUT;
	request_finish(&u->rq, rc, &u->src, res);
	if (u->src.hashed == u->src.size)
		sha256_hex(&u->src.hash, res->sha256);
	if (res->outcome == DOJO_IMPORTED)
		read_import_answer(res, &u->rq.a.body);
	curl_easy_cleanup(u->rq.easy);
	curl_mime_free(u->mime);
	request_release(&u->rq);
	free(u);
}

void
dojo_upload_abort(struct dojo_upload *u)
{
	curl_easy_cleanup(u->rq.easy);
	curl_mime_free(u->mime);
	request_release(&u->rq);
	free(u);
}

int
dojo_reimport(struct dojo *d, const struct form *form, int fd, uint64_t size,
    struct dojo_result *res)
{
	struct dojo_upload *u = dojo_upload_new(d, form, fd, size);

	if (u == NULL) {
		memset(res, 0, sizeof *res);
		res->outcome = DOJO_RETRY;
		snprintf(res->message, sizeof res->message, "cannot set up the request (out of memory)");
		return -1;
	}
	dojo_upload_done(u, curl_easy_perform(u->rq.easy), res);
	return res->outcome == DOJO_IMPORTED ? 0 : -1;
}

char *
dojo_get(struct dojo *d, const char *path, size_t maxbytes, struct dojo_result *res)
{
	struct request rq;
	char *url = xasprintf("%s%s", d->base, path);
	char *out = NULL;

	memset(res, 0, sizeof *res);
	request_start(&rq, d, d->easy, url, maxbytes);
	curl_easy_setopt(d->easy, CURLOPT_HTTPGET, 1L);
	request_finish(&rq, curl_easy_perform(d->easy), NULL, res);
	if (res->outcome == DOJO_IMPORTED && res->status == 200) {
		out = strbuf_detach(&rq.a.body);
		snprintf(res->message, sizeof res->message, "HTTP 200");
	} else if (res->outcome == DOJO_IMPORTED) {
		res->outcome = DOJO_FAILED;
		snprintf(res->message, sizeof res->message, "HTTP %ld where 200 was expected", res->status);
	}
	/* The shared handle must not keep pointers into this frame. */
	curl_easy_setopt(d->easy, CURLOPT_ERRORBUFFER, NULL);
	curl_easy_setopt(d->easy, CURLOPT_WRITEDATA, NULL);
	curl_easy_setopt(d->easy, CURLOPT_XFERINFODATA, NULL);
	request_release(&rq);
	free(url);
	return out;
}
