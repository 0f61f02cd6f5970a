/*
 * datefmt.h — turn a date as a scanner report writes it into "YYYY-MM-DD".
 *
 * This is the host's date() service of dojobridge-plugin.h.  It reads, among
 * others:
 *     2021-05-19T13:13:06.083Z       2021-05-19 13:13:06.083208 +0000 UTC
 *     Thu, 17 Aug 2023 10:00:00 +0000        Fr., 30 Sep. 2022 08:40:35
 *     Wed Dec 31 19:00:00 1969       Fri Apr 30 11:45:49 IST 2021
 *     Monday, February 7, 2022 10:25:32 AM   01 Apr 2020 01:15PM GMT-0400
 *     24/09/2018, 18:09:55 (DAYFIRST)        20210228T225351463
 *     1396104416 (EPOCH)             1600000000000 (EPOCH_MS)
 *
 * Invariants:
 * - With a numeric zone, "Z", UTC/GMT/UT or one of the RFC 2822 North
 *   American abbreviations (EST, EDT, CST, CDT, MST, MDT, PST, PDT), and a
 *   time of day, the result is the UTC date.  Any other zone abbreviation
 *   (IST is three different zones) leaves the date as written.
 * - Month and weekday names are read in English, German, French, Spanish,
 *   Italian, Portuguese and Dutch, full or abbreviated, any case (accented
 *   letters as UTF-8, lower or upper case as written in the table).
 * - dd/mm against mm/dd: a first number of 13 or more is a day; a second one
 *   of 13 or more is a day; when both are 12 or less, DOJOBRIDGE_DATE_DAYFIRST
 *   decides, and without it the text fails rather than being guessed.  Dates
 *   written with dots (24.09.2018) are always day-first.
 * - Digits alone are an epoch only with DOJOBRIDGE_DATE_EPOCH (seconds) or
 *   DOJOBRIDGE_DATE_EPOCH_MS (milliseconds); with both, 12 digits or more are
 *   milliseconds.  Without a flag, 8 digits are read as YYYYMMDD and other
 *   digit strings fail.
 * - Placeholders fail: a resulting year before 1990 (so 0001-01-01, epoch 0
 *   in any zone) or after 9999.  The calendar is checked: no 30 February.
 * - Pure code: no locale, no timezone database, no static state;
 *   thread-safe.
 */
#ifndef DOJOBRIDGE_DATEFMT_H
#define DOJOBRIDGE_DATEFMT_H

/*
 * Parse text (NUL-terminated) with DOJOBRIDGE_DATE_* flags.  On success write
 * "YYYY-MM-DD" and its NUL into out and return 0.  Return -1, leaving out[0]
 * = '\0', when the text is not a date read above, is ambiguous, or is a
 * placeholder.
 */
int datefmt_parse(const char *text, unsigned flags, char out[11]);

#endif /* DOJOBRIDGE_DATEFMT_H */
