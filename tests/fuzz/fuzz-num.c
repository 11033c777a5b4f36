/*
 * fuzz-num.c: the number, time and duration parsers on arbitrary bytes.
 *
 * Whatever parses must format and parse back to the same bits, agree with
 * the C library where the C library is the reference (strtod, strtoll in
 * the "C" locale, which a fuzzer never leaves), and never touch memory
 * outside s[0..n).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/num.h"
#include "core/timefmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same(double a, double b)
{
	return memcmp(&a, &b, sizeof(a)) == 0;
}

/* Whether |v| 10^d is exactly halfway between two integers. */
static int
tie(double v, int d)
{
	double p = pow(10, d), y = fabs(v) * p, h = floor(y) + 0.5;

	return fma(fabs(v), p, -h) == 0 || fma(fabs(v), p, -(h - 1)) == 0 ||
	    fma(fabs(v), p, -(h + 1)) == 0;
}

static void
check_double(double v, int d)
{
	char buf[BRUL_NUM_MAX], ref[64];
	size_t n;
	double w;

	n = brul_num_shortest(buf, v);
	if (n > BRUL_NUM_MAX)
		abort();
	if (!isfinite(v))
		return;
	if (brul_num_parse(buf, n, &w) != 0 || !same(v, w))
		abort();

	d = d < 0 ? -d % 10 : d % 10;
	n = brul_num_fixed(buf, v, d);
	if (n > BRUL_NUM_MAX || brul_num_parse(buf, n, &w) != 0)
		abort();
	if (fabs(v) < 1e15 / pow(10, d)) {
		/* Within half a unit of the last place, like printf. */
		if (fabs(w - v) > 0.5000001 * pow(10, -d) * (1 + 1e-15 *
		    fabs(v) * pow(10, d)))
			abort();
		/* printf's digits, but for "-0.00" and exact ties. */
		snprintf(ref, sizeof(ref), "%.*f", d, v);
		if ((strlen(ref) != n || memcmp(ref, buf, n) != 0) &&
		    !(ref[0] == '-' && w == 0) && !tie(v, d))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char *z, buf[BRUL_TIME_LEN];
	double v, w;
	int64_t i, j;

	/* A NUL-terminated copy for the C library and for the duration. */
	if ((z = malloc(size + 1)) == NULL)
		return 0;
	memcpy(z, data, size);
	z[size] = '\0';

	if (brul_num_parse(s, size, &v) == 0) {
		char *end;

		if (!isfinite(v) || memchr(s, '\0', size) != NULL)
			abort();
		w = strtod(z, &end);
		if (end != z + size || !same(v, w))
			abort();
		check_double(v, (int)size);
	}
	if (size == sizeof(double)) {
		memcpy(&v, data, sizeof(v));
		check_double(v, data[0]);
	}

	if (brul_int_parse(s, size, &i) == 0) {
		char out[BRUL_NUM_MAX], *end;
		size_t n = brul_int_format(out, i);

		if (brul_int_parse(out, n, &j) != 0 || i != j)
			abort();
		if (strtoll(z, &end, 10) != i || end != z + size)
			abort();
	}

	if (brul_time_parse(s, size, &i) == 0) {
		if (brul_time_format(buf, i) != BRUL_TIME_LEN ||
		    brul_time_parse(buf, BRUL_TIME_LEN, &j) != 0 || i != j)
			abort();
		/* The same instant: the text starts with what we print,
		 * up to the separator. */
		if (memcmp(buf, s, 10) != 0 || memcmp(buf + 11, s + 11, 8) != 0)
			abort();
	}
	if (brul_date_parse(s, size, &i) == 0) {
		if (brul_date_format(buf, i) != BRUL_DATE_LEN ||
		    memcmp(buf, s, BRUL_DATE_LEN) != 0 ||
		    brul_date_parse(buf, BRUL_DATE_LEN, &j) != 0 || i != j)
			abort();
		if (brul_day_of_year(i) < 0 || brul_day_of_year(i) > 365)
			abort();
	}
	if (brul_duration_parse(z, &i) == 0 && i < 0)
		abort();

	free(z);
	return 0;
}
