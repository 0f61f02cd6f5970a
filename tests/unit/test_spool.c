/*
 * Unit tests for the spool: claims, takes, giving jobs back, crash
 * recovery, another host's takeover, requeuing failed jobs, the per-key
 * order record and the counts `status` shows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "spool.h"
#include "testutil.h"

struct fixture {
	char root[256];		/* a drop root */
	char spool[300];	/* its spool */
	int rootfd;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	const char *tmp = getenv("TMPDIR");

	snprintf(f->root, sizeof f->root, "%s/dojobridge-spool.XXXXXX", tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->root));
	snprintf(f->spool, sizeof f->spool, "%s/.dojobridge", f->root);
	f->rootfd = open(f->root, O_RDONLY | O_DIRECTORY);
	assert_true(f->rootfd >= 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	close(f->rootfd);
	rm_rf(f->root);
	free(f);
	return 0;
}

/* Write a report named name (and optionally its sidecar) into the drop root. */
static void
drop_file(struct fixture *f, const char *name, const char *content, int sidecar)
{
	char path[600];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", f->root, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(content, fp);
	fclose(fp);
	if (sidecar) {
		snprintf(path, sizeof path, "%s/%s.dojo.json", f->root, name);
		fp = fopen(path, "w");
		assert_non_null(fp);
		fputs("{\"version\":\"1.2\"}", fp);
		fclose(fp);
	}
}

static int
exists(struct fixture *f, const char *rel)
{
	char path[700];
	struct stat st;

	snprintf(path, sizeof path, "%s/%s", f->spool, rel);
	return lstat(path, &st) == 0;
}

/* A claim a crash interrupted: tmp/<id>/ with job.json, and the report when with_report. */
static void
make_claim_dir(struct fixture *f, const char *id, int with_report)
{
	char path[700];
	FILE *fp;

	snprintf(path, sizeof path, "%s/tmp/%s", f->spool, id);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/tmp/%s/job.json", f->spool, id);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "{\"id\":\"%s\",\"drop\":\"lab\",\"origin\":\"o.json\",\"name\":\"o.json\","
	    "\"size\":3,\"mtime\":1,\"claimed\":1,\"attempts\":0,\"sidecar\":false}\n", id);
	fclose(fp);
	if (with_report) {
		snprintf(path, sizeof path, "%s/tmp/%s/report", f->spool, id);
		fp = fopen(path, "w");
		assert_non_null(fp);
		fputs("[1]", fp);
		fclose(fp);
	}
}

static void
claim(struct fixture *f, struct spool *s, const char *name, struct job *j)
{
	struct stat st;

	assert_int_equal(fstatat(f->rootfd, name, &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(spool_claim(s, "lab", f->rootfd, name, name, &st, j), 0);
}

static void
claim_take_finish(void **state)
{
	struct fixture *f = *state;
	struct spool s;
	struct job j, k;
	struct stat st;
	char path[600], err[256];
	int fd;

	assert_int_equal(spool_open(&s, f->spool, "alpha"), 0);
	drop_file(f, "r.json", "[1]", 1);
	claim(f, &s, "r.json", &j);
	/* The report and its sidecar left the drop tree for active/alpha/<id>/. */
	snprintf(path, sizeof path, "%s/r.json", f->root);
	assert_int_not_equal(lstat(path, &st), 0);
	snprintf(path, sizeof path, "%s/r.json.dojo.json", f->root);
	assert_int_not_equal(lstat(path, &st), 0);
	snprintf(path, sizeof path, "active/alpha/%s/sidecar.json", j.id);
	assert_true(exists(f, path));
	assert_non_null(strstr(j.id, ".alpha."));
	fd = spool_open_report(&s, &j, &st, err, sizeof err);
	assert_true(fd >= 0);
	assert_int_equal(st.st_size, 3);
	close(fd);

	/* A second claim of the same name finds nothing: exactly one claimer wins. */
	assert_int_equal(spool_claim(&s, "lab", f->rootfd, "r.json", "r.json", &st, &k), 1);

	/* Given back, then taken again. */
	assert_int_equal(spool_untake(&s, &j), 0);
	snprintf(path, sizeof path, "queue/%s", j.id);
	assert_true(exists(f, path));
	assert_int_equal(spool_take(&s, j.id, &k), 0);
	assert_string_equal(k.origin, "r.json");
	assert_int_equal(k.has_sidecar, 1);
	{
		struct job again;

		assert_int_equal(spool_take(&s, j.id, &again), 1);	/* already taken */
	}

	assert_int_equal(spool_count_attempt(&s, &k), 0);
	assert_int_equal(spool_finish(&s, &k, SPOOL_FAILED, "{\"error\":\"x\"}\n"), 0);
	snprintf(path, sizeof path, "failed/%s/error.json", j.id);
	assert_true(exists(f, path));

	/* retry: back to queue/, attempts cleared, the old error kept aside.  Run
	 * as root, it writes job.json for the spool's owner, who must read it. */
	if (geteuid() == 0) {
		snprintf(path, sizeof path, "%s/failed/%s", f->spool, j.id);
		assert_int_equal(chown(path, 65534, 65534), 0);
	}
	assert_int_equal(spool_requeue_failed(&s, j.id), 1);
	if (geteuid() == 0) {
		snprintf(path, sizeof path, "%s/queue/%s/job.json", f->spool, j.id);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_uid, 65534);
	}
	snprintf(path, sizeof path, "queue/%s/error.previous.json", j.id);
	assert_true(exists(f, path));
	assert_int_equal(spool_requeue_failed(&s, j.id), -1);	/* not in failed/ any more */
	spool_job_release(&k);
	assert_int_equal(spool_take(&s, j.id, &k), 0);
	assert_int_equal(k.attempts, 0);
	assert_int_equal(spool_finish(&s, &k, SPOOL_DONE, NULL), 0);
	snprintf(path, sizeof path, "done/%s/report", j.id);
	assert_true(exists(f, path));
	spool_job_release(&k);
	spool_job_release(&j);
	spool_release(&s);
}

static void
recover_after_crash(void **state)
{
	struct fixture *f = *state;
	struct spool s, other;
	struct job j, *jobs;
	size_t n;

	assert_int_equal(spool_open(&s, f->spool, "alpha"), 0);
	drop_file(f, "a.xml", "<a/>", 0);
	claim(f, &s, "a.xml", &j);
	/* A crash with a claim half made (tmp/ holding its report), one that
	 * never took its report, and another host's claim in progress. */
	make_claim_dir(f, "20260101T000000.000001Z.alpha.1.0", 1);
	make_claim_dir(f, "20260101T000000.000002Z.alpha.1.1", 0);
	make_claim_dir(f, "20260101T000000.000003Z.beta.1.0", 1);
	spool_job_release(&j);
	spool_release(&s);

	/* Only one process works as alpha; another host_id may run beside it. */
	assert_int_equal(spool_open(&s, f->spool, "alpha"), 0);
	assert_int_equal(spool_open(&other, f->spool, "alpha"), 0);
	{
		long holder;

		assert_int_equal(spool_lock(&s, &holder), 0);
		assert_int_equal(spool_lock(&other, &holder), 1);
		assert_int_equal(holder, (long)getpid());
	}
	spool_release(&other);

	/* Recovery: the job in active/alpha/ and the half-made claim go to
	 * queue/; the empty claim goes; beta's claim stays. */
	assert_int_equal(spool_recover(&s), 2);
	assert_int_equal(spool_list(&s, 0, &jobs, &n), 0);
	assert_int_equal(n, 2);
	spool_jobs_free(jobs, n);
	assert_false(exists(f, "tmp/20260101T000000.000002Z.alpha.1.1"));
	assert_true(exists(f, "tmp/20260101T000000.000003Z.beta.1.0/report"));
	assert_int_equal(spool_list(&s, 1, &jobs, &n), 0);
	assert_int_equal(n, 0);
	spool_jobs_free(jobs, n);
	spool_release(&s);
}

static void
takeover_of_a_lost_host(void **state)
{
	struct fixture *f = *state;
	struct spool a, b;
	struct job j, k, *jobs;
	size_t n;
	char hb[700];
	struct timeval old[2] = { { 1000, 0 }, { 1000, 0 } };

	assert_int_equal(spool_open(&a, f->spool, "alpha"), 0);
	assert_int_equal(spool_open(&b, f->spool, "beta"), 0);
	drop_file(f, "x.json", "[1]", 0);
	assert_int_equal(spool_heartbeat(&a, 60000), 0);
	claim(f, &a, "x.json", &j);

	/* alpha's heartbeat is fresh: beta leaves its job alone. */
	assert_int_equal(spool_heartbeat(&b, 60000), 0);
	assert_int_equal(spool_list(&b, 0, &jobs, &n), 0);
	assert_int_equal(n, 0);
	spool_jobs_free(jobs, n);

	/* alpha stops renewing it: beta returns alpha's job to queue/ and takes it. */
	snprintf(hb, sizeof hb, "%s/active/alpha/.heartbeat", f->spool);
	assert_int_equal(utimes(hb, old), 0);
	assert_int_equal(spool_heartbeat(&b, 60000), 1);
	assert_int_equal(spool_list(&b, 0, &jobs, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(jobs[0].id, j.id);
	spool_jobs_free(jobs, n);
	assert_int_equal(spool_take(&b, j.id, &k), 0);
	assert_string_equal(k.origin, "x.json");
	spool_job_release(&k);
	spool_job_release(&j);
	spool_release(&a);
	spool_release(&b);
}

static void
order_and_counts(void **state)
{
	struct fixture *f = *state;
	struct spool s;
	struct spool_counts c;
	struct job j;
	char date[11];

	assert_int_equal(spool_open(&s, f->spool, "alpha"), 0);
	assert_int_equal(spool_order_get(&s, "T\x1fp\x1f" "e\x1fZAP Scan\x1f" "t", date), 0);
	assert_string_equal(date, "");
	assert_int_equal(spool_order_set(&s, "k", "2026-03-01"), 0);
	assert_int_equal(spool_order_set(&s, "k", "2026-02-01"), 0);	/* older: kept */
	assert_int_equal(spool_order_get(&s, "k", date), 0);
	assert_string_equal(date, "2026-03-01");
	assert_int_equal(spool_order_set(&s, "k", "2026-04-01"), 0);
	assert_int_equal(spool_order_get(&s, "k", date), 0);
	assert_string_equal(date, "2026-04-01");
	assert_int_equal(spool_order_get(&s, "other", date), 0);
	assert_string_equal(date, "");

	drop_file(f, "a.json", "[1]", 0);
	drop_file(f, "b.json", "[2]", 0);
	claim(f, &s, "a.json", &j);
	spool_job_release(&j);
	claim(f, &s, "b.json", &j);
	assert_int_equal(spool_untake(&s, &j), 0);
	assert_int_equal(spool_count(&s, &c), 0);
	assert_int_equal(c.active, 1);
	assert_int_equal(c.queue, 1);
	assert_int_equal(c.failed, 0);
	assert_true(c.oldest_queued > 0);
	spool_job_release(&j);
	spool_release(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(claim_take_finish, setup, teardown),
		cmocka_unit_test_setup_teardown(recover_after_crash, setup, teardown),
		cmocka_unit_test_setup_teardown(takeover_of_a_lost_host, setup, teardown),
		cmocka_unit_test_setup_teardown(order_and_counts, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
