/*
 * test_outbox.c — when [report] sections fall due in the daemon: daily
 * times across a daylight-saving change, the quiet time after imports into
 * one product (other products do not count), a report due while its last
 * one still runs (run again once it ends), and a reload keeping a running
 * child.  The children are a real program (/bin/sh), reaped as the daemon
 * does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "outbox.h"

static time_t
local(int y, int mo, int d, int h, int mi)
{
	struct tm tm = { 0 };

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static void
assert_local(time_t t, int d, int h, int mi)
{
	struct tm tm;

	localtime_r(&t, &tm);
	assert_int_equal(tm.tm_mday, d);
	assert_int_equal(tm.tm_hour, h);
	assert_int_equal(tm.tm_min, mi);
}

static void
test_daily(void **state)
{
	(void)state;
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	/* Later today, then tomorrow once the time has come. */
	assert_local(outbox_next_daily(local(2026, 6, 10, 5, 0), 6 * 60), 10, 6, 0);
	assert_local(outbox_next_daily(local(2026, 6, 10, 6, 0), 6 * 60), 11, 6, 0);
	assert_local(outbox_next_daily(local(2026, 6, 10, 23, 59), 0), 11, 0, 0);
	/* Clocks go forward on 29 March 2026: still 06:00 on the wall, 23 hours later. */
	assert_local(outbox_next_daily(local(2026, 3, 28, 12, 0), 6 * 60), 29, 6, 0);
	assert_int_equal(outbox_next_daily(local(2026, 3, 28, 6, 0), 6 * 60) -
	    local(2026, 3, 28, 6, 0), 23 * 3600);
	unsetenv("TZ");
	tzset();
}

/* A script standing in for dojobridge: it runs a while, then succeeds. */
static const char *
fake_exe(void)
{
	static char path[] = "/tmp/dojobridge-outbox-exe.XXXXXX";
	static int made;
	FILE *f;
	int fd;

	if (made)
		return path;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("#!/bin/sh\nsleep 0.2\nexit 0\n", f);
	fclose(f);
	chmod(path, 0755);
	made = 1;
	return path;
}

static void
wait_children(struct outbox *ob)
{
	for (int i = 0; i < 200 && outbox_running(ob) > 0; i++) {
		usleep(20000);
		outbox_reap(ob);
	}
	assert_int_equal(outbox_running(ob), 0);
}

static void
test_settle(void **state)
{
	struct conf_report rep[2] = { { 0 } };
	struct conf c;
	struct outbox *ob, *ob2;
	time_t now = time(NULL);

	(void)state;
	memset(&c, 0, sizeof c);
	rep[0].name = "web";
	rep[0].template = "T";
	rep[0].format = "pdf";
	rep[0].outbox = "/nonexistent";
	rep[0].product = "web";
	rep[0].when = REPORT_AFTER_SETTLE;
	rep[0].settle_ms = 1000;
	rep[1] = rep[0];
	rep[1].name = "batch";
	rep[1].product = NULL;
	rep[1].when = REPORT_AFTER_BATCH;	/* once's: the daemon ignores it */
	c.reports = rep;
	c.nreports = 2;

	ob = outbox_new(&c, fake_exe(), "/etc", now, NULL);
	assert_non_null(ob);
	assert_int_equal(outbox_next_deadline(ob, 0, now), -1);
	outbox_imported(ob, "api", 0);			/* another product */
	assert_int_equal(outbox_next_deadline(ob, 0, now), -1);
	outbox_imported(ob, "web", 100);
	outbox_imported(ob, "web", 500);		/* restarts the quiet time */
	assert_int_equal(outbox_next_deadline(ob, 600, now), 1500);
	outbox_run_due(ob, 1499, now);
	assert_int_equal(outbox_running(ob), 0);
	outbox_run_due(ob, 1500, now);
	assert_int_equal(outbox_running(ob), 1);
	assert_int_equal(outbox_next_deadline(ob, 1500, now), -1);

	/* Due again while it runs: after it ends, at once. */
	outbox_imported(ob, "web", 1600);
	outbox_run_due(ob, 2600, now);
	assert_int_equal(outbox_running(ob), 1);
	/* A reload keeps the running child with its section. */
	ob2 = outbox_new(&c, fake_exe(), "/etc", now, ob);
	outbox_free(ob);
	ob = ob2;
	assert_int_equal(outbox_running(ob), 1);
	wait_children(ob);
	assert_int_equal(outbox_next_deadline(ob, 3000, now), 3000);
	outbox_run_due(ob, 3000, now);
	assert_int_equal(outbox_running(ob), 1);
	wait_children(ob);
	assert_int_equal(outbox_next_deadline(ob, 4000, now), -1);
	outbox_free(ob);
	unlink(fake_exe());
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_daily),
		cmocka_unit_test(test_settle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
