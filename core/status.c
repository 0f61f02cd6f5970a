/*
 * `status` reads the spool tree and the hosts/<host>.json files the daemons
 * keep current; `retry` renames failed jobs back into queue/.
 */
#include "status.h"
#include "log.h"
#include "spool.h"
#include "strbuf.h"
#include "xmem.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define STATUS_FILE_MAX (64 * 1024)

static void
human_age(long long s, char *out, size_t outlen)
{
	if (s < 120)
		snprintf(out, outlen, "%lld s", s);
	else if (s < 7200)
		snprintf(out, outlen, "%lld min", s / 60);
	else if (s < 172800)
		snprintf(out, outlen, "%lld h", s / 3600);
	else
		snprintf(out, outlen, "%lld days", s / 86400);
}

/* The status documents in spool/hosts/, each with "seen_s" (its age) added. */
static cJSON *
read_hosts(const char *spool)
{
	char *dir = xasprintf("%s/hosts", spool);
	DIR *d = opendir(dir);
	struct dirent *e;
	cJSON *arr = cJSON_CreateArray();

	free(dir);
	if (d == NULL)
		return arr;
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		char buf[STATUS_FILE_MAX];
		struct stat st;
		ssize_t len;
		cJSON *doc;
		int fd;

		if (e->d_name[0] == '.' || n < 6 || strcmp(e->d_name + n - 5, ".json") != 0)
			continue;
		fd = openat(dirfd(d), e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		len = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, buf, sizeof buf) : -1;
		close(fd);
		if (len <= 0 || (doc = cJSON_ParseWithLength(buf, (size_t)len)) == NULL)
			continue;
		cJSON_AddNumberToObject(doc, "seen_s", (double)(time(NULL) - st.st_mtime));
		cJSON_AddItemToArray(arr, doc);
	}
	closedir(d);
	return arr;
}

static const char *
str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double
num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

int
status_run(const struct conf *c, int json)
{
	cJSON *out = cJSON_CreateObject(), *drops = cJSON_AddArrayToObject(out, "drops");
	int bad = 0, paused_any = 0;

	for (size_t i = 0; i < c->ndrops; i++) {
		const struct conf_drop *dr = &c->drops[i];
		cJSON *o = cJSON_CreateObject(), *hosts;
		struct spool_counts sc = { 0 };
		struct spool s;
		struct stat st;
		long long oldest = -1;
		cJSON *h;

		cJSON_AddItemToArray(drops, o);
		cJSON_AddStringToObject(o, "name", dr->name);
		cJSON_AddStringToObject(o, "path", dr->path);
		cJSON_AddStringToObject(o, "spool", dr->spool);
		if (stat(dr->spool, &st) < 0) {
			cJSON_AddStringToObject(o, "error", errno == ENOENT ? "no spool yet: nothing was ever "
			    "claimed from this drop" : strerror(errno));
			if (errno != ENOENT)
				bad = 1;
			continue;
		}
		if (spool_attach(&s, dr->spool) < 0) {
			cJSON_AddStringToObject(o, "error", "cannot read the spool (see the log)");
			bad = 1;
			continue;
		}
		if (spool_count(&s, &sc) < 0) {
			cJSON_AddStringToObject(o, "error", "cannot read the spool's active/ (see the log)");
			bad = 1;
			spool_release(&s);
			continue;
		}
		spool_release(&s);
		if (sc.oldest_queued > 0)
			oldest = (long long)(time(NULL) - sc.oldest_queued);
		cJSON_AddNumberToObject(o, "queued", (double)sc.queue);
		cJSON_AddNumberToObject(o, "active", (double)sc.active);
		cJSON_AddNumberToObject(o, "claiming", (double)sc.tmp);
		cJSON_AddNumberToObject(o, "failed", (double)sc.failed);
		cJSON_AddNumberToObject(o, "done", (double)sc.done);
		if (oldest >= 0)
			cJSON_AddNumberToObject(o, "oldest_queued_age_s", (double)oldest);
		else
			cJSON_AddNullToObject(o, "oldest_queued_age_s");
		hosts = read_hosts(dr->spool);
		cJSON_ArrayForEach(h, hosts) {
			/* A daemon that stopped renewing its file for claim_timeout is gone. */
			int alive = num(h, "seen_s") * 1000 <= (double)c->watch.claim_timeout_ms &&
			    (str(h, "state") == NULL || strcmp(str(h, "state"), "stopping") != 0);

			cJSON_AddBoolToObject(h, "alive", alive);
			if (alive && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(h, "paused")))
				paused_any = 1;
		}
		cJSON_AddItemToObject(o, "daemons", hosts);
	}
	cJSON_AddBoolToObject(out, "paused", paused_any);

	if (json) {
		char *text = cJSON_PrintUnformatted(out);

		printf("%s\n", text);
		free(text);
	} else {
		const cJSON *o, *h;

		cJSON_ArrayForEach(o, drops) {
			char age[32];
			const char *err = str(o, "error");

			printf("drop %s (%s), spool %s\n", str(o, "name"), str(o, "path"), str(o, "spool"));
			if (err != NULL) {
				printf("  %s\n", err);
				continue;
			}
			printf("  queued %.0f, in hand %.0f, failed %.0f, done %.0f", num(o, "queued"),
			    num(o, "active"), num(o, "failed"), num(o, "done"));
			if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, "oldest_queued_age_s"))) {
				human_age((long long)num(o, "oldest_queued_age_s"), age, sizeof age);
				printf("; oldest waiting %s", age);
			}
			printf("\n");
			cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(o, "daemons")) {
				const cJSON *w = cJSON_GetObjectItemCaseSensitive(h, "watch");
				int alive = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(h, "alive"));

				human_age((long long)num(h, "seen_s"), age, sizeof age);
				if (!alive) {
					printf("  daemon %s (pid %.0f): not running (last seen %s ago)\n",
					    str(h, "host"), num(h, "pid"), age);
					continue;
				}
				printf("  daemon %s (pid %.0f, seen %s ago): %s", str(h, "host"), num(h, "pid"),
				    age, str(h, "state") ? str(h, "state") : "?");
				if (str(h, "pause_reason"))
					printf(": %s", str(h, "pause_reason"));
				printf("; %.0f waiting, %.0f uploading, %.0f not finished; since start %.0f "
				    "imported, %.0f failed\n", num(h, "waiting"), num(h, "uploading"),
				    num(h, "unfinished"), num(h, "imported"), num(h, "failed"));
				if (w != NULL)
					printf("    watching with %s (%s, %.0f directories)%s%s\n",
					    str(w, "mode") ? str(w, "mode") : "?",
					    str(w, "fstype") ? str(w, "fstype") : "?", num(w, "dirs"),
					    str(w, "why") ? ": " : "", str(w, "why") ? str(w, "why") : "");
				if (str(h, "last_error"))
					printf("    last error (%s): %s\n", str(h, "last_error_time"),
					    str(h, "last_error"));
			}
		}
		if (paused_any)
			printf("UPLOADS PAUSED: DefectDojo refused the token; fix it, then "
			    "systemctl reload dojobridge (SIGHUP)\n");
	}
	cJSON_Delete(out);
	return bad || paused_any ? 1 : 0;
}

int
retry_run(const struct conf *c, char **ids, int nids, int all, const char *drop)
{
	int bad = 0, total = 0, matched_drop = drop == NULL;
	int *found = xcalloc((size_t)(nids > 0 ? nids : 1), sizeof *found);

	for (size_t i = 0; i < c->ndrops; i++) {
		const struct conf_drop *dr = &c->drops[i];
		struct spool s;
		struct stat st;
		int n;

		if (drop != NULL && strcmp(drop, dr->name) != 0)
			continue;
		matched_drop = 1;
		if (stat(dr->spool, &st) < 0)
			continue;
		if (spool_attach(&s, dr->spool) < 0) {
			bad = 1;
			continue;
		}
		if (all) {
			n = spool_requeue_failed(&s, NULL);
			if (n < 0)
				bad = 1;
			else
				total += n;
			if (n > 0)
				printf("drop %s: %d failed job%s queued again\n", dr->name, n, n == 1 ? "" : "s");
		}
		for (int k = 0; k < nids; k++) {
			char *p = xasprintf("%s/failed/%s", dr->spool, ids[k]);

			if (!found[k] && strchr(ids[k], '/') == NULL && stat(p, &st) == 0) {
				if (spool_requeue_failed(&s, ids[k]) == 1) {
					printf("drop %s: %s queued again\n", dr->name, ids[k]);
					total++;
					found[k] = 1;
				} else {
					found[k] = -1;
				}
			}
			free(p);
		}
		spool_release(&s);
	}
	if (!matched_drop) {
		log_errorx("retry: no drop named %s in the configuration", drop);
		bad = 1;
	}
	for (int k = 0; k < nids; k++) {
		if (found[k] == 0) {
			char safe[200];

			log_errorx("retry: no failed job %s (dojobridge status lists the drops; failed jobs are "
			    "the directories of <spool>/failed/)", escape_name(ids[k], safe, sizeof safe));
			bad = 1;
		} else if (found[k] < 0) {
			bad = 1;
		}
	}
	if (total > 0)
		printf("%d job%s queued: a running dojobridge watch takes %s at once; otherwise the next "
		    "dojobridge once does\n", total, total == 1 ? "" : "s", total == 1 ? "it" : "them");
	else if (all && !bad)
		printf("no failed jobs\n");
	free(found);
	return bad;
}
