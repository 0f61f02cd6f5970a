/*
 * Report Builder reports delivered into outboxes, when they fall due.
 */
#include "outbox.h"
#include "log.h"
#include "report.h"
#include "xmem.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct section {
	const struct conf_report *r;	/* in the daemon's configuration */
	long long due_ms;		/* settle: when the quiet time ends; -1 not due */
	time_t next_daily;		/* daily: the next time */
	int pending;			/* fell due while a child was running */
	pid_t child;			/* 0: none running */
};

struct outbox {
	struct section *v;
	size_t n;
	pid_t *orphans;			/* children of sections a reload removed */
	size_t norphans;
	char *exe, *confdir;
};

static void
add_orphan(struct outbox *ob, pid_t pid)
{
	ob->orphans = xrealloc(ob->orphans, (ob->norphans + 1) * sizeof *ob->orphans);
	ob->orphans[ob->norphans++] = pid;
}

time_t
outbox_next_daily(time_t now, int minute)
{
	struct tm tm;
	time_t t;

	localtime_r(&now, &tm);
	tm.tm_hour = minute / 60;
	tm.tm_min = minute % 60;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;	/* mktime decides, so a DST change keeps the wall-clock time */
	t = mktime(&tm);
	if (t <= now) {
		localtime_r(&now, &tm);
		tm.tm_mday++;
		tm.tm_hour = minute / 60;
		tm.tm_min = minute % 60;
		tm.tm_sec = 0;
		tm.tm_isdst = -1;
		t = mktime(&tm);
	}
	return t;
}

struct outbox *
outbox_new(const struct conf *c, const char *exe, const char *confdir, time_t now,
    const struct outbox *old)
{
	struct outbox *ob;

	ob = xcalloc(1, sizeof *ob);
	ob->exe = xstrdup(exe);
	ob->confdir = xstrdup(confdir);
	for (size_t i = 0; i < c->nreports; i++) {
		const struct conf_report *r = &c->reports[i];
		struct section *s;

		if (r->when == REPORT_AFTER_BATCH)
			continue;	/* once's */
		ob->v = xrealloc(ob->v, (ob->n + 1) * sizeof *ob->v);
		s = &ob->v[ob->n++];
		memset(s, 0, sizeof *s);
		s->r = r;
		s->due_ms = -1;
		if (r->when == REPORT_DAILY)
			s->next_daily = outbox_next_daily(now, r->daily_minute);
		for (size_t k = 0; old != NULL && k < old->n; k++) {
			const struct section *o = &old->v[k];

			if (strcmp(o->r->name, r->name) != 0)
				continue;
			s->child = o->child;
			s->pending = o->pending;
			if (r->when == REPORT_AFTER_SETTLE && o->r->when == REPORT_AFTER_SETTLE &&
			    o->due_ms >= 0)
				s->due_ms = o->due_ms;
		}
	}
	for (size_t k = 0; old != NULL && k < old->norphans; k++)
		add_orphan(ob, old->orphans[k]);
	for (size_t k = 0; old != NULL && k < old->n; k++) {
		int kept = 0;

		for (size_t i = 0; i < ob->n; i++)
			kept |= ob->v[i].child == old->v[k].child;
		if (old->v[k].child > 0 && !kept)
			add_orphan(ob, old->v[k].child);
	}
	return ob;
}

void
outbox_free(struct outbox *ob)
{
	if (ob == NULL)
		return;
	free(ob->v);
	free(ob->orphans);
	free(ob->exe);
	free(ob->confdir);
	free(ob);
}

void
outbox_imported(struct outbox *ob, const char *product, long long now_ms)
{
	for (size_t i = 0; ob != NULL && i < ob->n; i++) {
		struct section *s = &ob->v[i];

		if (s->r->when == REPORT_AFTER_SETTLE &&
		    (s->r->product == NULL || (product != NULL && strcmp(s->r->product, product) == 0)))
			s->due_ms = now_ms + s->r->settle_ms;	/* every import restarts the quiet time */
	}
}

long long
outbox_next_deadline(const struct outbox *ob, long long now_ms, time_t now)
{
	long long when = -1;

	for (size_t i = 0; ob != NULL && i < ob->n; i++) {
		const struct section *s = &ob->v[i];
		long long t = -1;

		if (s->child > 0)
			continue;	/* SIGCHLD wakes the loop */
		if (s->pending)
			t = now_ms;
		else if (s->r->when == REPORT_AFTER_SETTLE)
			t = s->due_ms;
		else if (s->r->when == REPORT_DAILY)
			t = now_ms + (s->next_daily > now ? (long long)(s->next_daily - now) * 1000 : 0);
		if (t >= 0 && (when < 0 || t < when))
			when = t;
	}
	return when;
}

static void
spawn(struct outbox *ob, struct section *s)
{
	char timeout[32];
	pid_t pid;

	snprintf(timeout, sizeof timeout, "%ld", (s->r->timeout_ms + 999) / 1000);
	pid = fork();
	if (pid == 0) {
		/* The token is read from the configuration by the child itself, as by any command. */
		char *const argv[] = { ob->exe, "-c", ob->confdir, "report", "run", "--format",
			s->r->format, "--out", s->r->outbox, "--timeout", timeout, "--", s->r->template,
			NULL };
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execv(ob->exe, argv);
		_exit(127);
	}
	if (pid < 0) {
		log_warn("report %s: cannot start", s->r->name);
		s->pending = 1;
		return;
	}
	log_info("report %s: generating %s from template %s (pid %ld)", s->r->name, s->r->format,
	    s->r->template, (long)pid);
	s->child = pid;
	s->pending = 0;
}

void
outbox_run_due(struct outbox *ob, long long now_ms, time_t now)
{
	for (size_t i = 0; ob != NULL && i < ob->n; i++) {
		struct section *s = &ob->v[i];
		int due = s->pending;

		if (s->r->when == REPORT_AFTER_SETTLE && s->due_ms >= 0 && now_ms >= s->due_ms) {
			s->due_ms = -1;
			due = 1;
		} else if (s->r->when == REPORT_DAILY && now >= s->next_daily) {
			s->next_daily = outbox_next_daily(now, s->r->daily_minute);
			due = 1;
		}
		if (!due)
			continue;
		if (s->child > 0)
			s->pending = 1;	/* once the running one ends */
		else
			spawn(ob, s);
	}
}

void
outbox_reap(struct outbox *ob)
{
	for (size_t k = 0; ob != NULL && k < ob->norphans; k++) {
		if (waitpid(ob->orphans[k], NULL, WNOHANG) != 0)
			ob->orphans[k--] = ob->orphans[--ob->norphans];
	}
	for (size_t i = 0; ob != NULL && i < ob->n; i++) {
		struct section *s = &ob->v[i];
		int status;
		pid_t p;

		if (s->child <= 0)
			continue;
		p = waitpid(s->child, &status, WNOHANG);
		if (p == 0 || (p < 0 && errno == EINTR))
			continue;
		s->child = 0;
		if (p < 0)
			continue;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			log_info("report %s: delivered into %s", s->r->name, s->r->outbox);
		else if (WIFEXITED(status))
			log_warnx("report %s: not delivered (dojobridge report run exited %d; its reason is "
			    "logged above)", s->r->name, WEXITSTATUS(status));
		else
			log_warnx("report %s: not delivered (dojobridge report run killed by signal %d)",
			    s->r->name, WTERMSIG(status));
	}
}

size_t
outbox_running(const struct outbox *ob)
{
	size_t n = 0;

	for (size_t i = 0; ob != NULL && i < ob->n; i++)
		n += ob->v[i].child > 0;
	return n;
}

int
outbox_after_batch(const struct conf *c, const char *token, size_t imported)
{
	int failed = 0;

	for (size_t i = 0; i < c->nreports; i++) {
		const struct conf_report *r = &c->reports[i];
		char path[4096], err[2048];
		int rc;

		if (r->when != REPORT_AFTER_BATCH)
			continue;
		if (imported == 0) {
			log_info("report %s: nothing was imported, no new report", r->name);
			continue;
		}
		rc = report_run(c, token, r->template, r->format, r->outbox,
		    (int)((r->timeout_ms + 999) / 1000), path, sizeof path, err, sizeof err);
		if (rc == REPORT_OK) {
			log_info("report %s: delivered: %s", r->name, path);
		} else {
			log_errorx("report %s: not delivered: %s", r->name, err);
			failed++;
		}
	}
	return failed;
}
