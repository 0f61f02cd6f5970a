/*
 * datefmt.c — the many ways reports write a date, reduced to YYYY-MM-DD.
 * The text is cut into numbers, words and punctuation, each token is given a
 * role (date, time, zone, month or weekday name, day, year), and only a text
 * whose every token found a role is accepted.
 */
#include <stddef.h>
#include <string.h>

#include "datefmt.h"
#include "dojobridge-plugin.h"

/* A longer text is not a date but a sentence that mentions one. */
#define MAXTEXT 128
#define MAXTOK 48
#define MAXWORD 32

enum toktype { T_NUM, T_WORD, T_PUNCT };

struct tok {
	enum toktype type;
	const char *s;
	size_t len;
};

struct when {
	int y, m, d;
	int have_date;
	int hh, mi, ss;
	int have_time;
	int ampm;		/* 0 none, 1 AM, 2 PM */
	int have_off;
	int off;		/* minutes east of UTC */
	int off_numeric;	/* the offset came from digits, not a name */
	int day, year;		/* loose numbers around a month name */
	int month;		/* from a month name */
};

/*
 * Full names; any prefix of three bytes or more of one of them is the month.
 * Accented letters are in lower case: tokens are folded before comparing.
 */
static const struct {
	const char *name;
	int month;
} months[] = {
	{ "january", 1 }, { "february", 2 }, { "march", 3 }, { "april", 4 },
	{ "may", 5 }, { "june", 6 }, { "july", 7 }, { "august", 8 },
	{ "september", 9 }, { "october", 10 }, { "november", 11 }, { "december", 12 },
	/* German */
	{ "januar", 1 }, { "jänner", 1 }, { "februar", 2 }, { "märz", 3 },
	{ "mrz", 3 }, { "mai", 5 }, { "juni", 6 }, { "juli", 7 },
	{ "oktober", 10 }, { "dezember", 12 },
	/* French */
	{ "janvier", 1 }, { "février", 2 }, { "fevrier", 2 }, { "mars", 3 },
	{ "avril", 4 }, { "juin", 6 }, { "juillet", 7 }, { "août", 8 },
	{ "aout", 8 }, { "septembre", 9 }, { "octobre", 10 }, { "novembre", 11 },
	{ "décembre", 12 },
	/* Spanish */
	{ "enero", 1 }, { "febrero", 2 }, { "marzo", 3 }, { "abril", 4 },
	{ "mayo", 5 }, { "junio", 6 }, { "julio", 7 }, { "agosto", 8 },
	{ "septiembre", 9 }, { "setiembre", 9 }, { "octubre", 10 },
	{ "noviembre", 11 }, { "diciembre", 12 },
	/* Italian */
	{ "gennaio", 1 }, { "febbraio", 2 }, { "aprile", 4 }, { "maggio", 5 },
	{ "giugno", 6 }, { "luglio", 7 }, { "settembre", 9 }, { "ottobre", 10 },
	{ "dicembre", 12 },
	/* Portuguese */
	{ "janeiro", 1 }, { "fevereiro", 2 }, { "março", 3 }, { "maio", 5 },
	{ "junho", 6 }, { "julho", 7 }, { "setembro", 9 }, { "outubro", 10 },
	{ "novembro", 11 }, { "dezembro", 12 },
	/* Dutch */
	{ "januari", 1 }, { "februari", 2 }, { "maart", 3 }, { "mrt", 3 },
	{ "mei", 5 }, { "augustus", 8 },
};

/* Any prefix of two bytes or more of one of these is a weekday. */
static const char *const weekdays[] = {
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag",
	"sonnabend", "sonntag",
	"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
	"lunes", "martes", "miércoles", "miercoles", "jueves", "viernes",
	"sábado", "sabado", "domingo",
	"lunedì", "lunedi", "martedì", "martedi", "mercoledì", "mercoledi",
	"giovedì", "giovedi", "venerdì", "venerdi", "sabato", "domenica",
	"segunda", "terça", "terca", "quarta", "quinta", "sexta",
	"maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag",
	"zondag",
};

/* Words that carry no part of the date ("7 de febrero", "segunda-feira"). */
static const char *const fillers[] = {
	"at", "de", "del", "um", "à", "le", "el", "feira", "of",
};

/* RFC 2822 §4.3 zone names; any other name leaves the date as written. */
static const struct {
	const char *name;
	int off;
} zones[] = {
	{ "utc", 0 }, { "gmt", 0 }, { "ut", 0 }, { "z", 0 },
	{ "est", -300 }, { "edt", -240 }, { "cst", -360 }, { "cdt", -300 },
	{ "mst", -420 }, { "mdt", -360 }, { "pst", -480 }, { "pdt", -420 },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int
is_letter(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/*
 * Lower-case ASCII and the Latin-1 capitals encoded as C3 80..C3 9E, which
 * is enough for the accented month and weekday names in the tables.
 */
static int
fold(const struct tok *t, char *buf, size_t buflen)
{
	size_t i;

	if (t->len >= buflen)
		return -1;
	for (i = 0; i < t->len; i++) {
		unsigned char c = (unsigned char)t->s[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		else if (i > 0 && (unsigned char)t->s[i - 1] == 0xC3 &&
		    c >= 0x80 && c <= 0x9E && c != 0x97)
			c = (unsigned char)(c + 0x20);
		buf[i] = (char)c;
	}
	buf[i] = '\0';
	return 0;
}

static int
is_prefix(const char *word, size_t len, const char *name)
{
	return strlen(name) >= len && strncmp(word, name, len) == 0;
}

/* Return the month 1..12 a word names, 0 for none, -1 when two disagree. */
static int
month_of(const char *w)
{
	size_t i, len = strlen(w);
	int found = 0;

	if (len < 3)
		return 0;
	for (i = 0; i < NELEM(months); i++) {
		if (!is_prefix(w, len, months[i].name))
			continue;
		if (found != 0 && found != months[i].month)
			return -1;
		found = months[i].month;
	}
	return found;
}

static int
is_weekday(const char *w)
{
	size_t i, len = strlen(w);

	if (len < 2)
		return 0;
	for (i = 0; i < NELEM(weekdays); i++)
		if (is_prefix(w, len, weekdays[i]))
			return 1;
	return 0;
}

static int
is_filler(const char *w)
{
	size_t i;

	for (i = 0; i < NELEM(fillers); i++)
		if (strcmp(w, fillers[i]) == 0)
			return 1;
	return 0;
}

static int
zone_of(const char *w, int *off)
{
	size_t i;

	for (i = 0; i < NELEM(zones); i++)
		if (strcmp(w, zones[i].name) == 0) {
			*off = zones[i].off;
			return 0;
		}
	return -1;
}

/* A zone name we do not know: 2 to 5 capitals, such as IST or CEST. */
static int
looks_like_zone(const struct tok *t)
{
	size_t i;

	if (t->len < 2 || t->len > 5)
		return 0;
	for (i = 0; i < t->len; i++)
		if (t->s[i] < 'A' || t->s[i] > 'Z')
			return 0;
	return 1;
}

/* Value of a run of at most 9 digits, so that it fits an int. */
static int
num(const char *s, size_t len)
{
	int v = 0;
	size_t i;

	for (i = 0; i < len && i < 9; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static int
tokenize(const char *text, struct tok *toks, size_t *ntok)
{
	const char *p = text;
	size_t n = 0;

	while (*p != '\0') {
		const char *start = p;
		enum toktype type;

		if (is_space((unsigned char)*p)) {
			p++;
			continue;
		}
		if (n == MAXTOK)
			return -1;
		if (is_digit((unsigned char)*p)) {
			type = T_NUM;
			while (is_digit((unsigned char)*p))
				p++;
		} else if (is_letter((unsigned char)*p)) {
			type = T_WORD;
			while (is_letter((unsigned char)*p))
				p++;
		} else {
			type = T_PUNCT;
			p++;
		}
		toks[n].type = type;
		toks[n].s = start;
		toks[n].len = (size_t)(p - start);
		n++;
	}
	*ntok = n;
	return 0;
}

static int
is_punct(const struct tok *toks, size_t ntok, size_t i, char c)
{
	return i < ntok && toks[i].type == T_PUNCT && toks[i].s[0] == c;
}

static int
is_num(const struct tok *toks, size_t ntok, size_t i)
{
	return i < ntok && toks[i].type == T_NUM;
}

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's method). */
static long
days_from_civil(long y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(long z, long *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Read a day/month pair whose order the text does not say. */
static int
day_month(int a, int b, unsigned flags, int *d, int *m)
{
	if (a > 12 && b <= 12) {
		*d = a;
		*m = b;
	} else if (b > 12 && a <= 12) {
		*m = a;
		*d = b;
	} else if (a == b || (flags & DOJOBRIDGE_DATE_DAYFIRST)) {
		*d = a;
		*m = b;
	} else
		return -1;
	return 0;
}

/* hh:mm[:ss[.fraction]] starting at toks[*i]; *i ends after it. */
static int
parse_time(const struct tok *toks, size_t ntok, size_t *i, struct when *w)
{
	size_t k = *i;

	if (w->have_time || toks[k].len > 2 || !is_num(toks, ntok, k + 2) ||
	    toks[k + 2].len != 2)
		return -1;
	w->hh = num(toks[k].s, toks[k].len);
	w->mi = num(toks[k + 2].s, 2);
	k += 3;
	if (is_punct(toks, ntok, k, ':')) {
		if (!is_num(toks, ntok, k + 1) || toks[k + 1].len != 2)
			return -1;
		w->ss = num(toks[k + 1].s, 2);
		k += 2;
		if ((is_punct(toks, ntok, k, '.') || is_punct(toks, ntok, k, ',')) &&
		    is_num(toks, ntok, k + 1))
			k += 2;
	}
	w->have_time = 1;
	*i = k;
	return 0;
}

/* +hh, +hhmm or +hh:mm at toks[*i] (the sign). */
static int
parse_offset(const struct tok *toks, size_t ntok, size_t *i, struct when *w)
{
	size_t k = *i;
	int sign = toks[k].s[0] == '-' ? -1 : 1;
	int h, m = 0;

	k++;
	if (toks[k].len == 4) {
		h = num(toks[k].s, 2);
		m = num(toks[k].s + 2, 2);
		k++;
	} else if (toks[k].len <= 2) {
		h = num(toks[k].s, toks[k].len);
		k++;
		if (is_punct(toks, ntok, k, ':') && is_num(toks, ntok, k + 1) &&
		    toks[k + 1].len == 2) {
			m = num(toks[k + 1].s, 2);
			k += 2;
		}
	} else
		return -1;
	if (h > 14 || m > 59)
		return -1;
	w->off = sign * (h * 60 + m);
	w->have_off = 1;
	w->off_numeric = 1;
	*i = k;
	return 0;
}

/* Digits with nothing else, read as an epoch per flags. */
static int
parse_epoch(const char *s, unsigned flags, struct when *w)
{
	const char *p = s;
	size_t ndig = 0;
	long long v = 0;
	int ms;
	long days;
	long y;

	while (is_digit((unsigned char)*p)) {
		if (ndig < 16)
			v = v * 10 + (*p - '0');
		ndig++;
		p++;
	}
	if (*p == '.') {
		p++;
		while (is_digit((unsigned char)*p))
			p++;
	}
	if (*p != '\0' || ndig == 0 || ndig > 16)
		return -1;
	if ((flags & DOJOBRIDGE_DATE_EPOCH) && (flags & DOJOBRIDGE_DATE_EPOCH_MS))
		ms = ndig >= 12;
	else
		ms = (flags & DOJOBRIDGE_DATE_EPOCH_MS) != 0;
	if (ms)
		v /= 1000;
	days = (long)(v / 86400);
	civil_from_days(days, &y, &w->m, &w->d);
	w->y = y > 99999 ? 99999 : (int)y;
	return 0;
}

static int
only_digits(const char *s)
{
	if (!is_digit((unsigned char)*s))
		return 0;
	while (is_digit((unsigned char)*s) || *s == '.')
		s++;
	return *s == '\0';
}

static int
parse_tokens(const struct tok *toks, size_t ntok, unsigned flags, struct when *w)
{
	size_t i = 0;
	/* Words that may be a month or a weekday, resolved at the end. */
	int wmonth[MAXTOK], wweek[MAXTOK];
	size_t nwords = 0, k;
	int month_only = 0, both = 0, month = 0;

	w->day = w->year = -1;
	while (i < ntok) {
		const struct tok *t = &toks[i];
		char word[MAXWORD];
		int zoff;

		if (t->type == T_NUM) {
			char sep = is_punct(toks, ntok, i + 1, '-') ? '-' :
			    /* NOLINTNEXTLINE(bugprone-narrowing-conversions): char constants */
			    is_punct(toks, ntok, i + 1, '/') ? '/' :
			    is_punct(toks, ntok, i + 1, '.') ? '.' : 0;

			if (!w->have_date && sep != 0 && is_num(toks, ntok, i + 2) &&
			    is_punct(toks, ntok, i + 3, sep) && is_num(toks, ntok, i + 4)) {
				const struct tok *b = &toks[i + 2], *c = &toks[i + 4];

				if (t->len == 4 && b->len <= 2 && c->len <= 2) {
					w->y = num(t->s, 4);
					w->m = num(b->s, b->len);
					w->d = num(c->s, c->len);
				} else if (t->len <= 2 && b->len <= 2 && c->len == 4) {
					int a = num(t->s, t->len), bb = num(b->s, b->len);

					w->y = num(c->s, 4);
					if (sep == '.') {
						w->d = a;
						w->m = bb;
					} else if (day_month(a, bb, flags, &w->d, &w->m) == -1)
						return -1;
				} else
					return -1;
				w->have_date = 1;
				i += 5;
				continue;
			}
			if (is_punct(toks, ntok, i + 1, ':')) {
				if (parse_time(toks, ntok, &i, w) == -1)
					return -1;
				continue;
			}
			if (t->len == 8 && !w->have_date && w->day < 0 && w->year < 0) {
				/* Compact: 20210228, 20210228T225351463 */
				w->y = num(t->s, 4);
				w->m = num(t->s + 4, 2);
				w->d = num(t->s + 6, 2);
				w->have_date = 1;
				i++;
				if (i + 1 < ntok && toks[i].type == T_WORD && toks[i].len == 1 &&
				    (toks[i].s[0] == 'T' || toks[i].s[0] == 't') &&
				    is_num(toks, ntok, i + 1) && toks[i + 1].len >= 4) {
					const struct tok *tt = &toks[i + 1];

					w->hh = num(tt->s, 2);
					w->mi = num(tt->s + 2, 2);
					w->ss = tt->len >= 6 ? num(tt->s + 4, 2) : 0;
					w->have_time = 1;
					i += 2;
				}
				continue;
			}
			if (t->len == 4 && w->year < 0)
				w->year = num(t->s, 4);
			else if (t->len <= 2 && w->day < 0)
				w->day = num(t->s, t->len);
			else
				return -1;
			i++;
			continue;
		}

		if (t->type == T_PUNCT) {
			char c = t->s[0];

			if ((c == '+' || c == '-') && is_num(toks, ntok, i + 1) &&
			    (w->have_time || (i > 0 && toks[i - 1].type == T_WORD &&
			    fold(&toks[i - 1], word, sizeof(word)) == 0 &&
			    zone_of(word, &zoff) == 0))) {
				if (parse_offset(toks, ntok, &i, w) == -1)
					return -1;
				continue;
			}
			if (c == '-' && i > 0 && toks[i - 1].type == T_WORD &&
			    i + 1 < ntok && toks[i + 1].type == T_WORD) {
				i++;
				continue;
			}
			if (c == ',' || c == '.' || c == '(' || c == ')')  {
				i++;
				continue;
			}
			return -1;
		}

		/* A word. */
		if (fold(t, word, sizeof(word)) == -1)
			return -1;
		if (strcmp(word, "t") == 0 && w->have_date && is_num(toks, ntok, i + 1)) {
			i++;
			continue;
		}
		if (strcmp(word, "am") == 0 || strcmp(word, "pm") == 0 ||
		    ((strcmp(word, "a") == 0 || strcmp(word, "p") == 0) &&
		    is_punct(toks, ntok, i + 1, '.') && i + 2 < ntok &&
		    toks[i + 2].len == 1 && (toks[i + 2].s[0] == 'm' || toks[i + 2].s[0] == 'M'))) {
			if (!w->have_time || w->ampm)
				return -1;
			w->ampm = word[0] == 'a' ? 1 : 2;
			i += strlen(word) == 2 ? 1 : 3;
			continue;
		}
		if (zone_of(word, &zoff) == 0) {
			/* "+0000 UTC" names the zone the digits already gave. */
			if (!w->off_numeric) {
				w->off = zoff;
				w->have_off = 1;
			}
			i++;
			continue;
		}
		if (i > 0 && toks[i - 1].type == T_NUM && toks[i - 1].s + toks[i - 1].len == t->s &&
		    (strcmp(word, "st") == 0 || strcmp(word, "nd") == 0 ||
		    strcmp(word, "rd") == 0 || strcmp(word, "th") == 0)) {
			i++;
			continue;
		}
		if (is_filler(word)) {
			i++;
			continue;
		}
		if (nwords < MAXTOK) {
			int mo = month_of(word), wd = is_weekday(word);

			if (mo != 0 || wd) {
				wmonth[nwords] = mo;
				wweek[nwords] = wd;
				nwords++;
				i++;
				continue;
			}
		}
		if (looks_like_zone(t)) {
			i++;
			continue;
		}
		return -1;
	}

	/*
	 * "mar" is March in five languages and Tuesday in three: it is the
	 * month only when no other word is.
	 */
	for (k = 0; k < nwords; k++) {
		if (wmonth[k] < 0)
			return -1;
		if (wmonth[k] > 0 && !wweek[k])
			month_only++;
		else if (wmonth[k] > 0)
			both++;
	}
	if (w->have_date) {
		for (k = 0; k < nwords; k++)
			if (!wweek[k])
				return -1;
		if (w->day >= 0 || w->year >= 0)
			return -1;
		return 0;
	}
	if (month_only > 1 || (month_only == 0 && both != 1))
		return -1;
	for (k = 0; k < nwords; k++) {
		if (wmonth[k] > 0 && (month_only == 0 || !wweek[k])) {
			month = wmonth[k];
			continue;
		}
		if (!wweek[k])
			return -1;
	}
	if (w->day < 0 || w->year < 0)
		return -1;
	w->y = w->year;
	w->m = month;
	w->d = w->day;
	w->have_date = 1;
	return 0;
}

static void
put_digits(char *p, long v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

int
datefmt_parse(const char *text, unsigned flags, char out[11])
{
	struct tok toks[MAXTOK];
	struct when w;
	char buf[MAXTEXT + 1];
	size_t ntok, len;
	const char *s = text;
	long y;
	int m, d;

	out[0] = '\0';
	if (text == NULL)
		return -1;
	while (is_space((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && is_space((unsigned char)s[len - 1]))
		len--;
	if (len == 0 || len > MAXTEXT)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';

	memset(&w, 0, sizeof(w));
	if (only_digits(buf) && (flags & (DOJOBRIDGE_DATE_EPOCH | DOJOBRIDGE_DATE_EPOCH_MS))) {
		if (parse_epoch(buf, flags, &w) == -1)
			return -1;
	} else {
		if (tokenize(buf, toks, &ntok) == -1 || parse_tokens(toks, ntok, flags, &w) == -1)
			return -1;
		if (w.m < 1 || w.m > 12 || w.y < 1 || w.d < 1 || w.d > days_in_month(w.y, w.m))
			return -1;
		if (w.have_time) {
			if (w.ampm) {
				if (w.hh < 1 || w.hh > 12)
					return -1;
				w.hh = (w.hh % 12) + (w.ampm == 2 ? 12 : 0);
			}
			if (w.hh > 23 || w.mi > 59 || w.ss > 60)
				return -1;
		}
		if (w.have_time && w.have_off) {
			long mins = (long)w.hh * 60 + w.mi - w.off;
			long days = days_from_civil(w.y, w.m, w.d);

			if (mins < 0)
				days--;
			else if (mins >= 24 * 60)
				days++;
			civil_from_days(days, &y, &w.m, &w.d);
			w.y = (int)y;
		}
	}
	y = w.y;
	m = w.m;
	d = w.d;
	if (y < 1990 || y > 9999)
		return -1;
	put_digits(out, y, 4);
	out[4] = '-';
	put_digits(out + 5, m, 2);
	out[7] = '-';
	put_digits(out + 8, d, 2);
	out[10] = '\0';
	return 0;
}
