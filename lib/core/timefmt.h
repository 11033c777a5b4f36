/*
 * timefmt.h: ISO 8601 UTC timestamps and calendar dates.
 *
 * Times are int64 seconds since 1970-01-01T00:00:00Z; dates are int64 days
 * since 1970-01-01.  Proleptic Gregorian calendar, no time zone database:
 * every stream is UTC (the fleet's local time, Asia/Bangkok, is UTC+7 with no
 * daylight saving, which the simulator adds itself).
 *
 * Formatting writes exactly BRUL_TIME_LEN / BRUL_DATE_LEN bytes, no NUL.
 */
#ifndef BRUL_TIMEFMT_H
#define BRUL_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

#define BRUL_TIME_LEN 20	/* 2026-01-01T00:00:00Z */
#define BRUL_DATE_LEN 10	/* 2026-01-01 */
#define BRUL_DAY 86400

/* Valid for |y| and |days| below 10^12 (m in 1..12, d in 1..31). */
int64_t brul_days_from_civil(int64_t y, int m, int d);
void brul_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

/* "YYYY-MM-DDTHH:MM:SSZ"; also accepts a space for T, fractional seconds
 * (truncated), and "+00:00" for Z.  0 or -1 when malformed or out of range
 * (years 0000-9999, real calendar days, seconds 00-59: no leap second). */
int brul_time_parse(const char *s, size_t n, int64_t *t);

/* "YYYY-MM-DD".  0 or -1. */
int brul_date_parse(const char *s, size_t n, int64_t *day);

/* Times and days outside years 0000-9999 are clamped to that range. */
size_t brul_time_format(char *buf, int64_t t);
size_t brul_date_format(char *buf, int64_t day);

/* Day of year of a day, 0-based (1 January is 0, 31 December 364 or 365);
 * for the climate. */
int brul_day_of_year(int64_t day);

/* "2w", "30d", "12h", "90m", "45s", or plain seconds ("90"): digits and at
 * most one unit letter, nothing else.  0 and *seconds set, or -1. */
int brul_duration_parse(const char *s, int64_t *seconds);

#endif
