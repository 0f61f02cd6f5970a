/*
 * JSON over HTTP to DefectDojo's REST API, for the Report Builder commands.
 * One curl easy handle, reset before each request so that connections are
 * kept alive; the upload client's rules (dojo.h) on TLS, redirects, the
 * token and the server's error bodies hold here too.
 */
#include "http.h"
#include "dojo.h"
#include "log.h"
#include "strbuf.h"
#include "xmem.h"

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

/* What an error answer may cost us in memory; longer pages are cut. */
#define ERROR_KEEP (64 * 1024)
/* Backoff between retries of a safe request: 1 s, doubling, at most this. */
#define RETRY_MAX_S 30

struct http {
	CURL *easy;
	char *base;			/* url without trailing slash */
	char *ca_file, *client_cert, *client_key, *proxy, *pinned_pubkey;
	const char *protocols;
	long connect_ms, idle_ms;
	int retries;
	struct curl_slist *hdr_get;	/* Authorization, Accept: JSON */
	struct curl_slist *hdr_body;	/* the same and Content-Type: JSON */
	struct curl_slist *hdr_file;	/* Authorization alone: a download takes any type */
};

/* Where the answer goes while curl reads it. */
struct sink {
	CURL *easy;
	struct strbuf body;
	size_t max;
	int overflow;
	int fd;				/* a download's file, or -1 */
	unsigned long long fmax, written;
	int write_error;
	char content_type[128];
	/* When a byte last moved, for the idle timeout. */
	struct timespec last;
	curl_off_t ul, dl;
	long idle_ms;
	int expired;
};

static int
check_url(const struct conf_dojo *cfg, char *err, size_t errlen)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	int rc = -1;

	if (u == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (cfg->url == NULL || curl_url_set(u, CURLUPART_URL, cfg->url, 0) != CURLUE_OK) {
		snprintf(err, errlen, "[dojo] url %s is not a valid URL", cfg->url ? cfg->url : "(not set)");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		snprintf(err, errlen, "[dojo] url %s has no host", cfg->url);
		goto out;
	}
	if (strcmp(scheme, "https") != 0 && !dojo_host_is_loopback(host) && !cfg->allow_insecure_http) {
		snprintf(err, errlen, "[dojo] url %s is plain http to a host that is not loopback: the token "
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

struct http *
http_new(const struct conf_dojo *cfg, const char *token, char *err, size_t errlen)
{
	struct http *h;
	char *auth;
	size_t n;

	if (check_url(cfg, err, errlen) < 0)
		return NULL;
	h = xcalloc(1, sizeof *h);
	if ((h->easy = curl_easy_init()) == NULL) {
		free(h);
		snprintf(err, errlen, "cannot initialise libcurl");
		return NULL;
	}
	h->base = xstrdup(cfg->url);
	n = strlen(h->base);
	while (n > 0 && h->base[n - 1] == '/')
		h->base[--n] = '\0';
	h->ca_file = xstrdup(cfg->ca_file);
	h->pinned_pubkey = xstrdup(cfg->pinned_pubkey);
	h->client_cert = xstrdup(cfg->client_cert);
	h->client_key = xstrdup(cfg->client_key);
	h->proxy = xstrdup(cfg->proxy);
	h->protocols = cfg->allow_insecure_http || strncmp(cfg->url, "http://", 7) == 0 ?
	    "http,https" : "https";
	h->connect_ms = cfg->connect_timeout_ms;
	h->idle_ms = cfg->idle_timeout_ms > 0 ? cfg->idle_timeout_ms : 30 * 60000L;
	h->retries = cfg->retries;

	auth = xasprintf("Authorization: Token %s", token);
	h->hdr_get = curl_slist_append(NULL, auth);
	h->hdr_body = curl_slist_append(NULL, auth);
	h->hdr_file = curl_slist_append(NULL, auth);
	explicit_bzero(auth, strlen(auth));
	free(auth);
	h->hdr_get = curl_slist_append(h->hdr_get, "Accept: application/json");
	h->hdr_body = curl_slist_append(h->hdr_body, "Accept: application/json");
	h->hdr_body = curl_slist_append(h->hdr_body, "Content-Type: application/json");
	/* A small JSON body needs no 100-continue round trip. */
	h->hdr_body = curl_slist_append(h->hdr_body, "Expect:");
	return h;
}

static void
wipe_headers(struct curl_slist *list)
{
	for (struct curl_slist *l = list; l != NULL; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(list);
}

void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	wipe_headers(h->hdr_get);
	wipe_headers(h->hdr_body);
	wipe_headers(h->hdr_file);
	curl_easy_cleanup(h->easy);
	free(h->base);
	free(h->ca_file);
	free(h->pinned_pubkey);
	free(h->client_cert);
	free(h->client_key);
	free(h->proxy);
	free(h);
}

void
http_answer_release(struct http_answer *a)
{
	free(a->body);
	a->body = NULL;
	a->len = 0;
}

static size_t
on_data(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct sink *s = arg;
	size_t n = size * nmemb;
	long status = 0;

	curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
	if (s->fd >= 0 && status == 200) {
		size_t off = 0;

		if (s->written + n > s->fmax) {
			s->overflow = 1;
			return 0;	/* makes curl stop with CURLE_WRITE_ERROR */
		}
		while (off < n) {
			ssize_t w = write(s->fd, ptr + off, n - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				s->write_error = w < 0 ? errno : EIO;
				return 0;
			}
			off += (size_t)w;
		}
		s->written += n;
		return n;
	}
	if (s->body.len + n > s->max) {
		/* An error page is only read for its words: keep its start. */
		if (s->fd >= 0 && s->body.len < s->max) {
			strbuf_add(&s->body, ptr, s->max - s->body.len);
			return n;
		}
		if (s->fd >= 0)
			return n;
		s->overflow = 1;
		return 0;
	}
	strbuf_add(&s->body, ptr, n);
	return n;
}

static size_t
on_header(char *buf, size_t size, size_t nitems, void *arg)
{
	struct sink *s = arg;
	size_t n = size * nitems;

	/* Each status line starts another answer (after a 100 Continue, say). */
	if (n >= 5 && memcmp(buf, "HTTP/", 5) == 0)
		s->content_type[0] = '\0';
	else if (n > 13 && strncasecmp(buf, "Content-Type:", 13) == 0) {
		const char *v = buf + 13;
		size_t len = n - 13;

		while (len > 0 && (*v == ' ' || *v == '\t')) {
			v++;
			len--;
		}
		while (len > 0 && (v[len - 1] == '\r' || v[len - 1] == '\n' || v[len - 1] == ' '))
			len--;
		if (len >= sizeof s->content_type)
			len = sizeof s->content_type - 1;
		memcpy(s->content_type, v, len);
		s->content_type[len] = '\0';
	}
	return n;
}

static int
on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	struct sink *s = arg;
	struct timespec now;

	(void)dltotal;
	(void)ultotal;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (dlnow != s->dl || ulnow != s->ul) {
		s->dl = dlnow;
		s->ul = ulnow;
		s->last = now;
		return 0;
	}
	if ((now.tv_sec - s->last.tv_sec) * 1000 + (now.tv_nsec - s->last.tv_nsec) / 1000000 > s->idle_ms) {
		s->expired = 1;
		return 1;
	}
	return 0;
}

/* The [dojo] settings every request carries; curl_easy_reset cleared them. */
static void
setup(struct http *h, const char *url, struct curl_slist *headers, struct sink *s, char *errbuf)
{
	CURL *e = h->easy;

	curl_easy_reset(e);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "dojobridge/" DOJOBRIDGE_VERSION);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, h->protocols);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, h->connect_ms);
	if (h->ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, h->ca_file);
	if (h->client_cert)
		curl_easy_setopt(e, CURLOPT_SSLCERT, h->client_cert);
	if (h->client_key)
		curl_easy_setopt(e, CURLOPT_SSLKEY, h->client_key);
	if (h->pinned_pubkey)
		curl_easy_setopt(e, CURLOPT_PINNEDPUBLICKEY, h->pinned_pubkey);
	if (h->proxy)
		curl_easy_setopt(e, CURLOPT_PROXY, h->proxy);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, s);
	curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(e, CURLOPT_XFERINFODATA, s);
	s->easy = e;
	s->ul = s->dl = -1;
	s->idle_ms = h->idle_ms;
	clock_gettime(CLOCK_MONOTONIC, &s->last);
	errbuf[0] = '\0';
}

/* Turn what curl and the server said into a. */
static void
classify(struct http *h, const char *method, const char *path, CURLcode rc, struct sink *s,
    const char *errbuf, struct http_answer *a)
{
	char hint[256];

	curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &a->status);
	snprintf(a->content_type, sizeof a->content_type, "%s", s->content_type);
	a->body = strbuf_detach(&s->body);
	a->len = strlen(a->body);
	a->written = s->written;
	/* Our own refusals first: they too end the transfer with a curl error. */
	if (s->write_error) {
		a->outcome = HTTP_FAILED;
		snprintf(a->message, sizeof a->message, "%s %s: cannot write the download: %s", method, path,
		    strerror(s->write_error));
		return;
	}
	if (s->overflow) {
		a->outcome = HTTP_FAILED;
		snprintf(a->message, sizeof a->message, "%s %s: HTTP %ld: the answer is longer than %llu "
		    "bytes, more than dojobridge accepts", method, path, a->status,
		    s->fd >= 0 ? s->fmax : (unsigned long long)s->max);
		snprintf(a->hint, sizeof a->hint, "check that [dojo] url points at DefectDojo itself");
		return;
	}
	if (rc != CURLE_OK) {
		a->outcome = HTTP_UNREACHABLE;
		if (s->expired)
			snprintf(a->message, sizeof a->message, "%s %s: no answer from DefectDojo at %s: "
			    "nothing moved for idle_timeout (%ld s)", method, path, h->base, h->idle_ms / 1000);
		else if (a->status > 0)
			snprintf(a->message, sizeof a->message, "%s %s: HTTP %ld: the answer broke off: %s",
			    method, path, a->status, errbuf[0] ? errbuf : curl_easy_strerror(rc));
		else
			snprintf(a->message, sizeof a->message, "%s %s: cannot reach DefectDojo at %s: %s",
			    method, path, h->base, errbuf[0] ? errbuf : curl_easy_strerror(rc));
		if (rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH)
			snprintf(a->hint, sizeof a->hint, "the server's public key is not the one [dojo] "
			    "pinned_pubkey names: a different server, or its key changed");
		else if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
		    rc == CURLE_SSL_CONNECT_ERROR)
			snprintf(a->hint, sizeof a->hint, "TLS verification failed: if the server uses a "
			    "private CA, set [dojo] ca_file to it");
		else if (a->status > 0)
			snprintf(a->hint, sizeof a->hint, "the connection dropped in the middle of the answer; "
			    "try again");
		else
			snprintf(a->hint, sizeof a->hint, "check [dojo] url and that DefectDojo is up");
		a->status = 0;
		return;
	}
	if (a->status >= 200 && a->status < 300) {
		a->outcome = HTTP_OK;
		return;
	}
	{
		char words[900];

		dojo_error_words(a->status, a->body, a->len, words, sizeof words);
		snprintf(a->message, sizeof a->message, "%s %s: %s", method, path, words);
	}
	if (a->status >= 300 && a->status < 400) {
		a->outcome = HTTP_REFUSED;
		snprintf(a->hint, sizeof a->hint, "the server redirects: set [dojo] url to the address "
		    "DefectDojo really answers on (https, exact path)");
	} else if (a->status == 403 && dojo_classify(403, a->body, a->len, hint, sizeof hint) == DOJO_REFUSED) {
		a->outcome = HTTP_REFUSED;
		snprintf(a->hint, sizeof a->hint, "DefectDojo refused the API token: put a valid token "
		    "(from /api/key-v2) in [dojo] token_file or the token_env variable");
	} else if (a->status == 408 || a->status == 429 || (a->status > 500 && a->status < 600)) {
		a->outcome = HTTP_UNREACHABLE;
		snprintf(a->hint, sizeof a->hint, "DefectDojo is busy or restarting; try again later");
	} else {
		a->outcome = HTTP_FAILED;
	}
}

static void
pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int
http_request(struct http *h, const char *method, const char *path, const char *json_body,
    size_t maxbytes, struct http_answer *a)
{
	int safe = strcmp(method, "GET") == 0 || strcmp(method, "PATCH") == 0;
	char *url = xasprintf("%s%s", h->base, path);
	char errbuf[CURL_ERROR_SIZE];
	long delay_ms = 1000;

	for (int attempt = 0;; attempt++) {
		struct sink s;
		CURLcode rc;
		curl_off_t retry_after = 0;

		memset(a, 0, sizeof *a);
		memset(&s, 0, sizeof s);
		strbuf_init(&s.body);
		s.max = maxbytes;
		s.fd = -1;
		setup(h, url, json_body ? h->hdr_body : h->hdr_get, &s, errbuf);
		if (strcmp(method, "GET") == 0) {
			curl_easy_setopt(h->easy, CURLOPT_HTTPGET, 1L);
		} else {
			curl_easy_setopt(h->easy, CURLOPT_CUSTOMREQUEST, method);
			/* A POST or PATCH always carries a body, if empty: a proxy wants its length. */
			if (json_body || strcmp(method, "DELETE") != 0) {
				curl_easy_setopt(h->easy, CURLOPT_POSTFIELDS, json_body ? json_body : "");
				curl_easy_setopt(h->easy, CURLOPT_POSTFIELDSIZE_LARGE,
				    (curl_off_t)(json_body ? strlen(json_body) : 0));
			}
		}
		rc = curl_easy_perform(h->easy);
		classify(h, method, path, rc, &s, errbuf, a);
		strbuf_release(&s.body);
		if (a->outcome != HTTP_UNREACHABLE || !safe || attempt >= h->retries)
			break;
		if (curl_easy_getinfo(h->easy, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK &&
		    retry_after > 0)
			delay_ms = retry_after > 60 ? 60000 : (long)retry_after * 1000;
		log_info("http: %s; again in %ld s", a->message, delay_ms / 1000);
		http_answer_release(a);
		pause_ms(delay_ms);
		delay_ms = delay_ms * 2 > RETRY_MAX_S * 1000L ? RETRY_MAX_S * 1000L : delay_ms * 2;
	}
	/* The handle must not keep pointers into this frame. */
	curl_easy_reset(h->easy);
	free(url);
	return a->outcome == HTTP_OK ? 0 : -1;
}

int
http_download(struct http *h, const char *path, int fd, unsigned long long maxbytes,
    struct http_answer *a)
{
	char *url = xasprintf("%s%s", h->base, path);
	char errbuf[CURL_ERROR_SIZE];
	struct sink s;
	CURLcode rc;

	memset(a, 0, sizeof *a);
	memset(&s, 0, sizeof s);
	strbuf_init(&s.body);
	s.max = ERROR_KEEP;
	s.fd = fd;
	s.fmax = maxbytes;
	setup(h, url, h->hdr_file, &s, errbuf);
	curl_easy_setopt(h->easy, CURLOPT_HTTPGET, 1L);
	rc = curl_easy_perform(h->easy);
	classify(h, "GET", path, rc, &s, errbuf, a);
	if (a->outcome == HTTP_OK && a->status != 200) {
		a->outcome = HTTP_FAILED;
		snprintf(a->message, sizeof a->message, "GET %s: HTTP %ld where 200 and a file were expected",
		    path, a->status);
	}
	strbuf_release(&s.body);
	curl_easy_reset(h->easy);
	free(url);
	return a->outcome == HTTP_OK ? 0 : -1;
}
