/*
 * test-timefmt.c: civil dates, timestamps and durations, against timegm
 * and gmtime_r over the whole 0000-9999 range.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/timefmt.h"
#include "tap.h"

static int
tparse(const char *s, int64_t *t)
{
	return brul_time_parse(s, strlen(s), t);
}

static void
test_days(struct tap *t)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int64_t y, day, py = -1;
	int m, d, ok = 1, pm = 12, pd = 31;

	tap_ok(t, brul_days_from_civil(1970, 1, 1) == 0, "1970-01-01 is day 0");
	tap_ok(t, brul_days_from_civil(2000, 3, 1) == 11017, "2000-03-01");
	tap_ok(t, brul_days_from_civil(1969, 12, 31) == -1, "1969-12-31");
	tap_ok(t, brul_days_from_civil(0, 1, 1) == -719528, "0000-01-01");
	tap_ok(t, brul_days_from_civil(9999, 12, 31) == 2932896, "9999-12-31");
	tap_ok(t, brul_days_from_civil(2026, 1, 1) == 20454, "2026-01-01");
	brul_civil_from_days(-719529, &y, &m, &d);
	tap_ok(t, y == -1 && m == 12 && d == 31, "day before 0000-01-01");

	/* Every day of 0000-9999 goes there and back, one after another. */
	for (day = -719528; day <= 2932896 && ok; day++) {
		int leap;

		brul_civil_from_days(day, &y, &m, &d);
		leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
		if (d == pd + 1 && m == pm && y == py)
			;
		else if (d == 1 && pd == mdays[pm - 1] + (pm == 2 && leap) &&
		    ((m == pm + 1 && y == py) || (m == 1 && pm == 12 &&
		    y == py + 1)))
			;
		else
			ok = 0;
		ok = ok && brul_days_from_civil(y, m, d) == day;
		if (!ok)
			printf("#   day %lld: %lld-%d-%d\n", (long long)day,
			    (long long)y, m, d);
		py = y;
		pm = m;
		pd = d;
	}
	tap_ok(t, ok, "every day of 0000-9999 follows the one before");
}

static void
test_time(struct tap *t)
{
	static const char *const bad[] = {
		"", "2026-01-01", "2026-01-01T00:00:00", "2026-01-01T00:00:00z",
		"2026-01-01t00:00:00Z", "2026-13-01T00:00:00Z",
		"2026-00-01T00:00:00Z", "2026-01-00T00:00:00Z",
		"2026-01-32T00:00:00Z", "2026-02-29T00:00:00Z",
		"1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
		"2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z",
		"2026-01-01T00:00:60Z", "2026-01-01T00:00:00.Z",
		"2026-01-01T00:00:00+07:00", "2026-01-01T00:00:00-00:00",
		"2026-01-01T00:00:00+00:0", "2026-01-01T00:00:00Zx",
		"2026-01-01T00:00:00 Z", "2026/01/01T00:00:00Z",
		"2026-1-01T00:00:00Z", "+026-01-01T00:00:00Z",
		"2026-01-01T0:00:00Z", " 2026-01-01T00:00:00Z",
		"2026-01-01T00:00:00.12a", "2026-01-01X00:00:00Z",
	};
	static const struct { const char *s; int64_t t; } good[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2026-01-01T00:00:00Z", 1767225600 },
		{ "2026-01-01 00:00:00Z", 1767225600 },
		{ "2026-01-01T00:00:00+00:00", 1767225600 },
		{ "2026-01-01T00:00:00.999Z", 1767225600 },
		{ "2026-01-01T00:00:59.5+00:00", 1767225659 },
		{ "2024-02-29T12:34:56Z", 1709210096 },
		{ "2000-02-29T23:59:59Z", 951868799 },
		{ "1969-12-31T23:59:59Z", -1 },
		{ "0000-01-01T00:00:00Z", -62167219200 },
		{ "9999-12-31T23:59:59Z", 253402300799 },
	};
	char name[96], buf[BRUL_TIME_LEN + 1];
	int64_t v;
	uint64_t s = 5;
	int ok = 1;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(name, sizeof(name), "time rejects \"%s\"", bad[i]);
		tap_ok(t, tparse(bad[i], &v) == -1, name);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(name, sizeof(name), "time \"%s\"", good[i].s);
		v = 42;
		if (!tap_ok(t, tparse(good[i].s, &v) == 0 && v == good[i].t,
		    name))
			printf("#   got %lld\n", (long long)v);
	}
	tap_ok(t, brul_time_parse("2026-01-01T00:00:00Zjunk", 20, &v) == 0 &&
	    v == 1767225600, "time honours n");

	buf[BRUL_TIME_LEN] = '\0';
	tap_ok(t, brul_time_format(buf, 1767225600) == BRUL_TIME_LEN, "length");
	tap_streq(t, buf, "2026-01-01T00:00:00Z", "format 2026");
	brul_time_format(buf, -1);
	tap_streq(t, buf, "1969-12-31T23:59:59Z", "format -1");
	brul_time_format(buf, INT64_MAX);
	tap_streq(t, buf, "9999-12-31T23:59:59Z", "format clamps high");
	brul_time_format(buf, INT64_MIN);
	tap_streq(t, buf, "0000-01-01T00:00:00Z", "format clamps low");

	/* Random times against gmtime_r and strftime, and back. */
	for (int i = 0; i < 1000000 && ok; i++) {
		char want[32];
		struct tm tm;
		time_t tt;

		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		tt = (time_t)((int64_t)(s >> 20) % 253402300800LL);
		if (i % 3 == 0)
			tt -= 62167219200LL;
		if (gmtime_r(&tt, &tm) == NULL)
			continue;
		strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (strlen(want) != BRUL_TIME_LEN)
			continue;	/* strftime's years below 1000 */
		brul_time_format(buf, tt);
		ok = strcmp(buf, want) == 0 &&
		    brul_time_parse(buf, BRUL_TIME_LEN, &v) == 0 && v == tt;
		if (!ok)
			printf("#   %lld: %s vs %s\n", (long long)tt, buf, want);
	}
	tap_ok(t, ok, "1e6 random times format like strftime and parse back");
}

static void
test_date(struct tap *t)
{
	char buf[BRUL_DATE_LEN + 1];
	int64_t d;

	buf[BRUL_DATE_LEN] = '\0';
	tap_ok(t, brul_date_parse("2026-01-01", 10, &d) == 0 && d == 20454,
	    "date 2026-01-01");
	tap_ok(t, brul_date_parse("2024-02-29", 10, &d) == 0 && d == 19782,
	    "date 2024-02-29");
	tap_ok(t, brul_date_parse("2023-02-29", 10, &d) == -1,
	    "date rejects 2023-02-29");
	tap_ok(t, brul_date_parse("2026-01-01T", 11, &d) == -1,
	    "date rejects trailing text");
	tap_ok(t, brul_date_parse("2026-1-1", 8, &d) == -1, "date rejects 2026-1-1");
	tap_ok(t, brul_date_parse("2026-01-0a", 10, &d) == -1, "date rejects junk");
	tap_ok(t, brul_date_format(buf, 20454) == BRUL_DATE_LEN, "date length");
	tap_streq(t, buf, "2026-01-01", "date format");
	brul_date_format(buf, -719528);
	tap_streq(t, buf, "0000-01-01", "date format year 0");
	brul_date_format(buf, 1000000000);
	tap_streq(t, buf, "9999-12-31", "date format clamps");

	tap_ok(t, brul_day_of_year(20454) == 0, "day of year of 1 January");
	tap_ok(t, brul_day_of_year(20454 + 364) == 364, "31 December 2026");
	tap_ok(t, brul_day_of_year(brul_days_from_civil(2024, 12, 31)) == 365,
	    "31 December 2024 (leap)");
	tap_ok(t, brul_day_of_year(brul_days_from_civil(2024, 3, 1)) == 60,
	    "1 March 2024");
	tap_ok(t, brul_day_of_year(-1) == 364, "31 December 1969");
}

static void
test_duration(struct tap *t)
{
	static const char *const bad[] = {
		"", "-5", "+5", "5x", "5ss", "5 s", " 5", "d", "1.5h", "5S",
		"99999999999999999999", "9223372036854775807m",
		"1e3", "0x10"
	};
	static const struct { const char *s; int64_t v; } good[] = {
		{ "0", 0 }, { "90", 90 }, { "45s", 45 }, { "90m", 5400 },
		{ "12h", 43200 }, { "30d", 2592000 }, { "2w", 1209600 },
		{ "9223372036854775807", INT64_MAX },
		{ "9223372036854775807s", INT64_MAX },
	};
	char name[64];
	int64_t v;

	tap_ok(t, brul_duration_parse(NULL, &v) == -1, "duration NULL");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(name, sizeof(name), "duration rejects \"%s\"", bad[i]);
		tap_ok(t, brul_duration_parse(bad[i], &v) == -1, name);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(name, sizeof(name), "duration \"%s\"", good[i].s);
		tap_ok(t, brul_duration_parse(good[i].s, &v) == 0 &&
		    v == good[i].v, name);
	}
}

int
main(void)
{
	struct tap t = { 0, 0 };

	test_days(&t);
	test_time(&t);
	test_date(&t);
	test_duration(&t);
	return tap_done(&t);
}
