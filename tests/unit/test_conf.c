/* Unit tests for configuration: value syntax, import keys, conf.d loading, sidecars, the token file. */
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
#include <unistd.h>

#include "conf.h"

static void
value_syntax(void **state)
{
	long ms;
	long long bytes;
	int b;

	(void)state;
	assert_int_equal(conf_parse_duration("0", &ms), 0);
	assert_int_equal(ms, 0);
	assert_int_equal(conf_parse_duration("30", &ms), 0);
	assert_int_equal(ms, 30000);
	assert_int_equal(conf_parse_duration("250ms", &ms), 0);
	assert_int_equal(ms, 250);
	assert_int_equal(conf_parse_duration("5m", &ms), 0);
	assert_int_equal(ms, 300000);
	assert_int_equal(conf_parse_duration("1d", &ms), 0);
	assert_int_equal(ms, 86400000);
	assert_int_equal(conf_parse_duration("soon", &ms), -1);
	assert_int_equal(conf_parse_duration("-5s", &ms), -1);
	assert_int_equal(conf_parse_duration("5 weeks", &ms), -1);
	assert_int_equal(conf_parse_size("100MB", &bytes), 0);
	assert_true(bytes == 100000000LL);
	assert_int_equal(conf_parse_size("1GiB", &bytes), 0);
	assert_true(bytes == 1073741824LL);
	assert_int_equal(conf_parse_size("99999999999999999999", &bytes), -1);
	assert_int_equal(conf_parse_bool("YES", &b), 0);
	assert_int_equal(b, 1);
	assert_int_equal(conf_parse_bool("false", &b), 0);
	assert_int_equal(b, 0);
	assert_int_equal(conf_parse_bool("1", &b), -1);
}

static void
import_values_normalised(void **state)
{
	struct import_opts o = { { 0 } };
	char err[512];

	(void)state;
	assert_int_equal(conf_import_set(&o, IK_ACTIVE, "Yes", err, sizeof err), 0);
	assert_string_equal(o.v[IK_ACTIVE], "true");
	assert_int_equal(conf_import_set(&o, IK_SCAN_TYPE, "ZAP Scan", err, sizeof err), 0);
	assert_int_equal(conf_import_set(&o, IK_SCAN_TYPE, "zap scan", err, sizeof err), -1);
	assert_non_null(strstr(err, "exact spelling"));
	assert_int_equal(conf_import_set(&o, IK_SCAN_TYPE, "Nessus Scan", err, sizeof err), -1);
	assert_int_equal(conf_import_set(&o, IK_ENGAGEMENT_END_DATE, "2024-02-30", err, sizeof err), -1);
	assert_int_equal(conf_import_set(&o, IK_ENGAGEMENT_END_DATE, "2024-02-29", err, sizeof err), 0);
	assert_int_equal(conf_import_set(&o, IK_TAGS, "a,\"b\"", err, sizeof err), -1);
	assert_int_equal(conf_import_set(&o, IK_LEAD, "0", err, sizeof err), -1);
	assert_int_equal(conf_import_set(&o, IK_GROUP_BY, "file_path", err, sizeof err), 0);
	assert_int_equal(conf_import_set(&o, IK_PRODUCT_NAME, "   ", err, sizeof err), -1);
	assert_int_equal(conf_import_set(&o, IK_SERVICE, "a\nb", err, sizeof err), -1);
	assert_int_equal(conf_import_key_find("close_old_findings"), IK_CLOSE_OLD_FINDINGS);
	assert_int_equal(conf_import_key_find("colour"), -1);
	import_opts_release(&o);
}

static char tmpdir[64];

static void
write_file(const char *name, const char *text, int mode)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, (mode_t)mode);
}

static void
unlink_in_tmpdir(const char *name)
{
	char path[256];

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	unlink(path);
}

static void
load_and_override(void **state)
{
	struct conf c;

	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/dojobridge-conf.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	write_file("10-a.conf", "[dojo]\nurl = https://dojo.example.com/\n[import]\nminimum_severity = Low\n"
	    "[drop \"x\"]\npath = /srv/drop/\nsettle = 0\n", 0644);
	write_file("20-b.conf", "[import]\nminimum_severity = High\nversion = 1\n"
	    "[drop \"x\"]\nversion = 2\n", 0644);
	write_file("README", "not a conf file: ignored\n", 0644);
	assert_int_equal(conf_load(&c, tmpdir), 0);
	assert_string_equal(c.dojo.url, "https://dojo.example.com");	/* trailing slash dropped */
	assert_int_equal(c.ndrops, 1);
	assert_string_equal(c.drops[0].path, "/srv/drop");
	assert_string_equal(c.drops[0].spool, "/srv/drop/.dojobridge");
	assert_string_equal(c.drops[0].layout, "{product_type}/{product}/{engagement}");
	assert_string_equal(c.drops[0].import.v[IK_MINIMUM_SEVERITY], "High");	/* later file wins */
	assert_string_equal(c.drops[0].import.v[IK_VERSION], "2");	/* the drop wins over [import] */
	assert_int_equal(c.drops[0].settle_ms, 0);
	assert_int_equal(c.dojo.max_file_size, 100LL * 1048576);
	conf_release(&c);

	{
		/* 198 bytes fit inih's buffer with their newline: accepted. */
		char line[300];

		memset(line, 'v', sizeof line);
		memcpy(line, "version = ", 10);
		line[198] = '\n';
		line[199] = '\0';
		write_file("25-max.conf", "[import]\n", 0644);
		{
			char path[256];
			FILE *f;

			snprintf(path, sizeof path, "%s/25-max.conf", tmpdir);
			f = fopen(path, "a");
			fputs(line, f);
			fclose(f);
		}
		assert_int_equal(conf_load(&c, tmpdir), 0);
		assert_int_equal(strlen(c.import.v[IK_VERSION]), 188);
		conf_release(&c);
	}
	write_file("30-c.conf", "[import]\nthis line is long enough to pass the inih limit of two hundred "
	    "bytes, which Debian's library would silently cut, and so the loader must refuse it rather "
	    "than read half a value, or worse, a different one = x\n", 0644);
	assert_int_equal(conf_load(&c, tmpdir), -1);
	conf_release(&c);
	unlink_in_tmpdir("30-c.conf");

	/* NUL bytes: at a line's start (read before the buffer once), or hiding the line's end. */
	{
		static const char *const nuls[] = { "\0", "[import]\nversion = 1\0 = 2\n", "[import]\n\0\n" };
		static const size_t lens[] = { 1, 26, 11 };

		for (size_t i = 0; i < 3; i++) {
			char path[256];
			FILE *f;

			snprintf(path, sizeof path, "%s/40-nul.conf", tmpdir);
			f = fopen(path, "w");
			assert_non_null(f);
			assert_int_equal(fwrite(nuls[i], 1, lens[i], f), lens[i]);
			fclose(f);
			assert_int_equal(conf_load(&c, tmpdir), -1);
			conf_release(&c);
		}
		unlink_in_tmpdir("40-nul.conf");
	}
}

static void
sidecars(void **state)
{
	struct import_opts o = { { 0 } };
	char err[512], path[256];
	int fd;

	(void)state;
	write_file("s.json", "{\"version\": 3, \"tags\": [\"a\", \"b\"], \"active\": true}", 0644);
	snprintf(path, sizeof path, "%s/s.json", tmpdir);
	fd = open(path, O_RDONLY);
	assert_int_equal(conf_read_sidecar(fd, &o, err, sizeof err), 0);
	close(fd);
	assert_string_equal(o.v[IK_VERSION], "3");
	assert_string_equal(o.v[IK_TAGS], "a,b");
	assert_string_equal(o.v[IK_ACTIVE], "true");
	write_file("s.json", "{\"minimum_severity\": \"Severe\"}", 0644);
	fd = open(path, O_RDONLY);
	assert_int_equal(conf_read_sidecar(fd, &o, err, sizeof err), -1);
	close(fd);
	assert_non_null(strstr(err, "minimum_severity"));
	write_file("s.json", "[1,2", 0644);
	fd = open(path, O_RDONLY);
	assert_int_equal(conf_read_sidecar(fd, &o, err, sizeof err), -1);
	close(fd);
	/* A number no integer type holds is refused, naming the field (a cast would be undefined). */
	write_file("s.json", "{\"test\": 7e77}", 0644);
	fd = open(path, O_RDONLY);
	assert_int_equal(conf_read_sidecar(fd, &o, err, sizeof err), -1);
	close(fd);
	assert_non_null(strstr(err, "test"));
	import_opts_release(&o);
}

static void
token_file_rules(void **state)
{
	struct conf_dojo d = { 0 };
	char path[256], *tok;

	(void)state;
	snprintf(path, sizeof path, "%s/token", tmpdir);
	d.token_file = path;
	write_file("token", "abc123\n", 0600);
	tok = conf_read_token(&d);
	assert_non_null(tok);
	assert_string_equal(tok, "abc123");
	free(tok);
	chmod(path, 0640);
	assert_null(conf_read_token(&d));
	chmod(path, 0600);
	write_file("token", "two words\n", 0600);
	assert_null(conf_read_token(&d));
	d.token_file = NULL;
	d.token_env = (char *)(uintptr_t)"DOJOBRIDGE_TEST_TOKEN";
	setenv("DOJOBRIDGE_TEST_TOKEN", "fromenv", 1);
	tok = conf_read_token(&d);
	assert_string_equal(tok, "fromenv");
	free(tok);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(value_syntax),
		cmocka_unit_test(import_values_normalised),
		cmocka_unit_test(load_and_override),
		cmocka_unit_test(sidecars),
		cmocka_unit_test(token_file_rules),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[128];

	snprintf(cmd, sizeof cmd, "%s", tmpdir);
	if (tmpdir[0]) {
		const char *names[] = { "10-a.conf", "20-b.conf", "25-max.conf", "30-c.conf", "README", "s.json", "token" };

		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
			snprintf(cmd, sizeof cmd, "%s/%s", tmpdir, names[i]);
			unlink(cmd);
		}
		rmdir(tmpdir);
	}
	return rc;
}
