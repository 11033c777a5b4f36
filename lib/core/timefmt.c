/*
 * timefmt.c: ISO 8601 UTC times and dates, by arithmetic alone.
 *
 * The day conversions are Howard Hinnant's days_from_civil and
 * civil_from_days (http://howardhinnant.github.io/date_algorithms.html):
 * 400-year eras of 146097 days, years starting on 1 March so that the leap
 * day comes last.  No gmtime, no strftime, no time zone.
 */
#include <string.h>

#include "core/num.h"
#include "core/timefmt.h"

/* Days 0000-01-01 and 9999-12-31 relative to 1970-01-01. */
#define DAY_MIN (-719528)
#define DAY_MAX 2932896

int64_t
brul_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;				/* [0, 399] */
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;	/* [0, 365] */
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;	/* [0, 146096] */
	return era * 146097 + doe - 719468;
}

void
brul_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;				/* [0, 146096] */
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);	/* [0, 365] */
	mp = (5 * doy + 2) / 153;			/* [0, 11] */
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int
days_in_month(int64_t y, int m)
{
	static const unsigned char len[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return len[m - 1];
}

/* n digits at s as a number, or -1 if any is not a digit. */
static int
num(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		unsigned c = (unsigned)(unsigned char)s[i] - '0';

		if (c > 9)
			return -1;
		v = v * 10 + (int)c;
	}
	return v;
}

/* "YYYY-MM-DD" at s (10 bytes present), checked. */
static int
date10(const char *s, int64_t *day)
{
	int y, m, d;

	if (s[4] != '-' || s[7] != '-')
		return -1;
	y = num(s, 4);
	m = num(s + 5, 2);
	d = num(s + 8, 2);
	if (y < 0 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -1;
	*day = brul_days_from_civil(y, m, d);
	return 0;
}

int
brul_date_parse(const char *s, size_t n, int64_t *day)
{
	if (n != BRUL_DATE_LEN)
		return -1;
	return date10(s, day);
}

int
brul_time_parse(const char *s, size_t n, int64_t *t)
{
	int64_t day;
	size_t i;
	int hh, mm, ss;

	if (n < BRUL_TIME_LEN)
		return -1;
	if (date10(s, &day) == -1)
		return -1;
	if ((s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
		return -1;
	hh = num(s + 11, 2);
	mm = num(s + 14, 2);
	ss = num(s + 17, 2);
	if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59)
		return -1;
	i = 19;
	if (s[i] == '.') {
		/* Fractional seconds: at least one digit, then dropped. */
		if (++i >= n || (unsigned)(unsigned char)s[i] - '0' > 9)
			return -1;
		while (i < n && (unsigned)(unsigned char)s[i] - '0' <= 9)
			i++;
	}
	if (n - i == 1 && s[i] == 'Z')
		;
	else if (n - i == 6 && memcmp(s + i, "+00:00", 6) == 0)
		;
	else
		return -1;
	*t = day * BRUL_DAY + hh * 3600 + mm * 60 + ss;
	return 0;
}

static void
put2(char *p, int v)
{
	memcpy(p, brul_digits2 + 2 * v, 2);
}

/* Writes "YYYY-MM-DD" for a day in [DAY_MIN, DAY_MAX]. */
static void
date_put(char *buf, int64_t day)
{
	int64_t y;
	int m, d;

	brul_civil_from_days(day, &y, &m, &d);
	put2(buf, (int)(y / 100));
	put2(buf + 2, (int)(y % 100));
	buf[4] = '-';
	put2(buf + 5, m);
	buf[7] = '-';
	put2(buf + 8, d);
}

size_t
brul_time_format(char *buf, int64_t t)
{
	int64_t day, sec;

	/* Outside years 0000-9999 there is no such text: clamp. */
	if (t < (int64_t)DAY_MIN * BRUL_DAY)
		t = (int64_t)DAY_MIN * BRUL_DAY;
	else if (t > (int64_t)DAY_MAX * BRUL_DAY + BRUL_DAY - 1)
		t = (int64_t)DAY_MAX * BRUL_DAY + BRUL_DAY - 1;
	day = t / BRUL_DAY;
	sec = t % BRUL_DAY;
	if (sec < 0) {
		sec += BRUL_DAY;
		day--;
	}
	date_put(buf, day);
	buf[10] = 'T';
	put2(buf + 11, (int)(sec / 3600));
	buf[13] = ':';
	put2(buf + 14, (int)(sec / 60 % 60));
	buf[16] = ':';
	put2(buf + 17, (int)(sec % 60));
	buf[19] = 'Z';
	return BRUL_TIME_LEN;
}

size_t
brul_date_format(char *buf, int64_t day)
{
	if (day < DAY_MIN)
		day = DAY_MIN;
	else if (day > DAY_MAX)
		day = DAY_MAX;
	date_put(buf, day);
	return BRUL_DATE_LEN;
}

int
brul_day_of_year(int64_t day)
{
	int64_t y;
	int m, d;

	brul_civil_from_days(day, &y, &m, &d);
	return (int)(day - brul_days_from_civil(y, 1, 1));
}

int
brul_duration_parse(const char *s, int64_t *seconds)
{
	int64_t v = 0, mul = 1;
	const char *p = s;

	if (s == NULL)
		return -1;
	for (; (unsigned)(unsigned char)*p - '0' <= 9; p++) {
		int c = *p - '0';

		if (v > (INT64_MAX - c) / 10)
			return -1;
		v = v * 10 + c;
	}
	if (p == s)
		return -1;
	switch (*p) {
	case '\0':
		break;
	case 's':
		break;
	case 'm':
		mul = 60;
		break;
	case 'h':
		mul = 3600;
		break;
	case 'd':
		mul = BRUL_DAY;
		break;
	case 'w':
		mul = 7 * BRUL_DAY;
		break;
	default:
		return -1;
	}
	if (*p != '\0' && p[1] != '\0')
		return -1;
	if (v > INT64_MAX / mul)
		return -1;
	*seconds = v * mul;
	return 0;
}
