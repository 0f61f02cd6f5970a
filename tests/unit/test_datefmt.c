/*
 * test_datefmt.c — every date form reports were seen to write, the
 * placeholders that mean "no date", and the ambiguous texts that must fail
 * rather than be guessed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "datefmt.h"
#include "dojobridge-plugin.h"

struct example {
	const char *text;
	unsigned flags;
	const char *want;	/* NULL: must fail */
};

static void
check(const struct example *ex, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char out[11];
		int r;

		memset(out, 'x', sizeof(out));
		r = datefmt_parse(ex[i].text, ex[i].flags, out);
		if (ex[i].want == NULL) {
			if (r != -1)
				print_error("\"%s\" gave %s\n", ex[i].text, out);
			assert_int_equal(r, -1);
			assert_string_equal(out, "");
		} else {
			if (r != 0 || strcmp(out, ex[i].want) != 0)
				print_error("\"%s\": want %s\n", ex[i].text, ex[i].want);
			assert_int_equal(r, 0);
			assert_string_equal(out, ex[i].want);
		}
	}
}

#define CHECK(table) check(table, sizeof(table) / sizeof((table)[0]))

static void
test_iso8601(void **state)
{
	static const struct example ex[] = {
		{ "2021-05-19", 0, "2021-05-19" },
		{ "2021-05-19T13:13:06", 0, "2021-05-19" },
		{ "2021-05-19T13:13:06Z", 0, "2021-05-19" },
		{ "2021-05-19t13:13:06z", 0, "2021-05-19" },
		{ "2022-01-15T14:31:13.042600508Z", 0, "2022-01-15" },
		{ "2016-11-05T14:52:15.748-0400", 0, "2016-11-05" },
		{ "2016-11-05T22:52:15.748-0400", 0, "2016-11-06" },
		{ "2021-12-31T23:30:00-02:00", 0, "2022-01-01" },
		{ "2021-01-01T01:00:00+05:30", 0, "2020-12-31" },
		{ "2021-03-01T00:30:00+01", 0, "2021-02-28" },
		{ "2020-03-01T00:30:00+01:00", 0, "2020-02-29" },
		{ "2021-05-19 13:13:06.083208 +0000 UTC", 0, "2021-05-19" },
		{ "2025-04-03 20:20:00.43042 +0000 UTC", 0, "2025-04-03" },
		{ "2021-05-19 23:13:06 -0700 MST", 0, "2021-05-20" },
		{ "2021/05/19 10:00", 0, "2021-05-19" },
		{ "  2021-05-19T10:00:00Z\n", 0, "2021-05-19" },
		{ "2021-5-9", 0, "2021-05-09" },
		{ "2021-05-19T13:13:06,5Z", 0, "2021-05-19" },
	};

	(void)state;
	CHECK(ex);
}

static void
test_rfc2822_and_ctime(void **state)
{
	static const struct example ex[] = {
		{ "Thu, 17 Aug 2023 10:00:00 +0000", 0, "2023-08-17" },
		{ "Thu, 17 Aug 2023 22:00:00 -0500", 0, "2023-08-18" },
		{ "Thu, 17 Aug 2023 22:00:00 EST", 0, "2023-08-18" },
		{ "Thu, 17 Aug 2023 00:30:00 GMT", 0, "2023-08-17" },
		{ "Mon, 28 Sep 2020 14:42:10", 0, "2020-09-28" },
		{ "Tue, 12 May 2020 20:57:30", 0, "2020-05-12" },
		{ "Thu Mar 14 09:37:49 2019", 0, "2019-03-14" },
		{ "Wed Mar 23 15:07:52 2022", 0, "2022-03-23" },
		{ "Fri Apr 30 11:45:49 IST 2021", 0, "2021-04-30" },
		{ "Fri Apr 30 23:45:49 IST 2021", 0, "2021-04-30" },
		{ "Sat Sep 13 22:35:04 CEST 2014", 0, "2014-09-13" },
		{ "Wed Jan 27 22:43:35 WIB 2021", 0, "2021-01-27" },
		{ "01 Apr 2020 01:15PM GMT-0400", 0, "2020-04-01" },
		{ "01 Apr 2020 11:15PM GMT-0400", 0, "2020-04-02" },
		{ "Monday, February 7, 2022 10:25:32 AM", 0, "2022-02-07" },
		{ "Monday, February 7, 2022 12:25:32 AM", 0, "2022-02-07" },
		{ "February 7th, 2022", 0, "2022-02-07" },
		{ "7 February 2022", 0, "2022-02-07" },
	};

	(void)state;
	CHECK(ex);
}

static void
test_localised(void **state)
{
	static const struct example ex[] = {
		{ "Fr., 30 Sep. 2022 08:40:35", 0, "2022-09-30" },
		{ "Mo., 3 Okt. 2022 08:40:35", 0, "2022-10-03" },
		{ "Di., 1 März 2022 08:40:35", 0, "2022-03-01" },
		{ "Mi., 1 Dez. 2021 08:40:35", 0, "2021-12-01" },
		{ "ven. 30 sept. 2022 08:40:35", 0, "2022-09-30" },
		{ "mar. 14 févr. 2023 10:00:00", 0, "2023-02-14" },
		{ "jeu. 17 août 2023 10:00:00", 0, "2023-08-17" },
		{ "sáb, 1 oct 2022 10:00:00", 0, "2022-10-01" },
		{ "30 de septiembre de 2022", 0, "2022-09-30" },
		{ "mié, 4 ene 2023 10:00", 0, "2023-01-04" },
		{ "gio 5 gen 2023 10:00:00", 0, "2023-01-05" },
		{ "ven 13 ott 2023", 0, "2023-10-13" },
		{ "qui, 5 out 2023 10:00", 0, "2023-10-05" },
		{ "segunda-feira, 6 de fevereiro de 2023", 0, "2023-02-06" },
		{ "do 2 mrt 2023 10:00", 0, "2023-03-02" },
		{ "vr 3 mei 2023", 0, "2023-05-03" },
		{ "DI 1 MÄRZ 2022", 0, "2022-03-01" },
	};

	(void)state;
	CHECK(ex);
}

static void
test_day_month_order(void **state)
{
	static const struct example ex[] = {
		{ "24/09/2018, 18:09:55", 0, "2018-09-24" },
		{ "24/09/2018, 18:09:55", DOJOBRIDGE_DATE_DAYFIRST, "2018-09-24" },
		{ "09/24/2018 18:09:55", 0, "2018-09-24" },
		{ "09/24/2018 18:09:55", DOJOBRIDGE_DATE_DAYFIRST, "2018-09-24" },
		{ "03/02/2019 15:50:29 (UTC-06:00)", 0, NULL },
		{ "03/02/2019 15:50:29 (UTC-06:00)", DOJOBRIDGE_DATE_DAYFIRST, "2019-02-03" },
		{ "03/02/2019 20:50:29 (UTC-06:00)", DOJOBRIDGE_DATE_DAYFIRST, "2019-02-04" },
		{ "05/03/2024 15:42:43", 0, NULL },
		{ "05/03/2024 15:42:43", DOJOBRIDGE_DATE_DAYFIRST, "2024-03-05" },
		{ "25/06/2021 10:00 AM", 0, "2021-06-25" },
		{ "25/06/2021 10:00 PM", DOJOBRIDGE_DATE_DAYFIRST, "2021-06-25" },
		{ "04/04/2021", 0, "2021-04-04" },
		{ "24.09.2018 18:09", 0, "2018-09-24" },
		{ "03.02.2019", 0, "2019-02-03" },
		{ "13/13/2019", DOJOBRIDGE_DATE_DAYFIRST, NULL },
	};

	(void)state;
	CHECK(ex);
}

static void
test_compact_and_epoch(void **state)
{
	static const struct example ex[] = {
		{ "20210228T225351463", 0, "2021-02-28" },
		{ "20210228T225351Z", 0, "2021-02-28" },
		{ "20210228", 0, "2021-02-28" },
		{ "1396104416", DOJOBRIDGE_DATE_EPOCH, "2014-03-29" },
		{ "1396104416.25", DOJOBRIDGE_DATE_EPOCH, "2014-03-29" },
		{ "1600000000000", DOJOBRIDGE_DATE_EPOCH_MS, "2020-09-13" },
		{ "1600000000000", DOJOBRIDGE_DATE_EPOCH | DOJOBRIDGE_DATE_EPOCH_MS, "2020-09-13" },
		{ "1600000000", DOJOBRIDGE_DATE_EPOCH | DOJOBRIDGE_DATE_EPOCH_MS, "2020-09-13" },
		/* Digits are an epoch only when the flags say so. */
		{ "1396104416", 0, NULL },
		{ "1600000000000", 0, NULL },
		{ "0", DOJOBRIDGE_DATE_EPOCH, NULL },
		{ "0", DOJOBRIDGE_DATE_EPOCH_MS, NULL },
		{ "-1", DOJOBRIDGE_DATE_EPOCH, NULL },
		{ "99999999999999999999", DOJOBRIDGE_DATE_EPOCH, NULL },
		/* With the flag, a date that is not digits is still a date. */
		{ "2021-05-19T13:13:06Z", DOJOBRIDGE_DATE_EPOCH, "2021-05-19" },
	};

	(void)state;
	CHECK(ex);
}

static void
test_placeholders_and_garbage(void **state)
{
	static const struct example ex[] = {
		{ "0001-01-01T00:00:00Z", 0, NULL },
		{ "0001-01-01", 0, NULL },
		{ "1970-01-01T00:00:00Z", 0, NULL },
		{ "Wed Dec 31 19:00:00 1969", 0, NULL },
		{ "Wed Dec 31 19:00:00 EST 1969", 0, NULL },
		{ "1989-12-31", 0, NULL },
		{ "1990-01-01T00:30:00+01:00", 0, NULL },
		{ "2021-02-30", 0, NULL },
		{ "2023-02-29", 0, NULL },
		{ "2024-02-29", 0, "2024-02-29" },
		{ "2100-02-29", 0, NULL },
		{ "2000-02-29", 0, "2000-02-29" },
		{ "2021-04-31", 0, NULL },
		{ "2021-13-01", 0, NULL },
		{ "2021-00-10", 0, NULL },
		{ "2021-05-19T25:00:00Z", 0, NULL },
		{ "2021-05-19T13:61:00", 0, NULL },
		{ "Monday, February 7, 2022 13:25:32 PM", 0, NULL },
		{ "", 0, NULL },
		{ "   ", 0, NULL },
		{ "now", 0, NULL },
		{ "N/A", 0, NULL },
		{ "12", 0, NULL },
		{ "12:00:00", 0, NULL },
		{ "Feb 2022", 0, NULL },
		{ "7 Foo 2022", 0, NULL },
		{ "Jan Feb 7 2022", 0, NULL },
		{ "2021-05-19 and some words after", 0, NULL },
		{ "2021-05-19T10:00:00+25:00", 0, NULL },
		{ "1.2.3.4", 0, NULL },
		{ "2022-02-07 2022-02-08", 0, NULL },
	};
	char out[11];
	char longtext[400];

	(void)state;
	CHECK(ex);
	assert_int_equal(datefmt_parse(NULL, 0, out), -1);
	memset(longtext, ' ', sizeof(longtext));
	memcpy(longtext + 300, "2021-05-19", 10);
	longtext[sizeof(longtext) - 1] = '\0';
	/* Surrounding blanks do not count towards the length limit... */
	assert_int_equal(datefmt_parse(longtext, 0, out), 0);
	/* ...but a sentence is not a date. */
	memset(longtext, 'a', 300);
	assert_int_equal(datefmt_parse(longtext, 0, out), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iso8601),
		cmocka_unit_test(test_rfc2822_and_ctime),
		cmocka_unit_test(test_localised),
		cmocka_unit_test(test_day_month_order),
		cmocka_unit_test(test_compact_and_epoch),
		cmocka_unit_test(test_placeholders_and_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
