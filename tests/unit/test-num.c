/*
 * test-num.c: brul_num_parse against strtod, brul_num_fixed against
 * printf, brul_num_shortest round trips, integers.
 */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/num.h"
#include "tap.h"

static uint64_t
next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static int
same(double a, double b)
{
	return memcmp(&a, &b, sizeof(a)) == 0;
}

static int
parse(const char *s, double *v)
{
	return brul_num_parse(s, strlen(s), v);
}

static void
test_parse_syntax(struct tap *t)
{
	static const char *const bad[] = {
		"", "-", "+", ".", "-.", "1e", "1e+", "e5", "nan", "NaN",
		"inf", "-inf", "infinity", "0x10", " 1", "1 ", "1x", "1..2",
		"1.2.3", "--1", "+-1", "1e5.5", "1,5", "\t1", "1e999",
		"-1e309", "1.8e308", "1_000"
	};
	static const struct { const char *s; double v; } good[] = {
		{ "0", 0 }, { "-0", -0.0 }, { ".5", 0.5 }, { "5.", 5 },
		{ "1E5", 1e5 }, { "1e-5", 1e-5 }, { "+3", 3 },
		{ "-12.34", -12.34 }, { "13.512", 13.512 }, { "25.3", 25.3 },
		{ "007", 7 }, { "0.000", 0 }, { "1e0000000000000000000003", 1e3 },
		{ "12e25", 12e25 }, { "1e-400", 0 }, { "-1e-400", -0.0 },
		{ "0e999999999999", 0 },
		{ "1.7976931348623157e308", DBL_MAX },
		{ "4.9406564584124654e-324", 4.9406564584124654e-324 },
		{ "2.2250738585072011e-308", 2.2250738585072011e-308 },
		{ "9007199254740993", 9007199254740992.0 },	/* tie: even */
		{ "9007199254740995", 9007199254740996.0 },
		{ "123456789012345678901234567890", 1.2345678901234568e29 },
		{ "0.30000000000000004", 0.30000000000000004 },
	};
	char name[128];
	double v;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(name, sizeof(name), "parse rejects \"%s\"", bad[i]);
		tap_ok(t, parse(bad[i], &v) == -1, name);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int ok;

		v = 42;
		ok = parse(good[i].s, &v) == 0 && same(v, good[i].v);
		snprintf(name, sizeof(name), "parse \"%s\"", good[i].s);
		if (!tap_ok(t, ok, name))
			printf("#   got %.17g\n", v);
	}
	/* Length is honoured: the text need not end in NUL. */
	tap_ok(t, brul_num_parse("12.5xyz", 4, &v) == 0 && v == 12.5,
	    "parse stops at n");
	tap_ok(t, brul_num_parse("1.5", 0, &v) == -1, "parse n = 0");
}

/* Halfway cases that need every digit. */
static void
test_parse_long(struct tap *t)
{
	char buf[2100];
	double v;
	size_t n;

	/* 2^53 + 1 followed by 1000 zeros and a 1: just above the tie. */
	n = (size_t)snprintf(buf, sizeof(buf), "9007199254740993.");
	memset(buf + n, '0', 1000);
	n += 1000;
	buf[n++] = '1';
	tap_ok(t, brul_num_parse(buf, n, &v) == 0 &&
	    v == 9007199254740994.0, "sticky digit 1000 places down");
	buf[n - 1] = '0';
	tap_ok(t, brul_num_parse(buf, n, &v) == 0 &&
	    v == 9007199254740992.0, "exact tie with 1000 zeros");
	/* 0.000...0001 with 340 zeros: below the smallest denormal. */
	n = (size_t)snprintf(buf, sizeof(buf), "0.");
	memset(buf + n, '0', 340);
	n += 340;
	buf[n++] = '1';
	tap_ok(t, brul_num_parse(buf, n, &v) == 0 && v == 0,
	    "far below the denormals is 0");
	/* 2000 nines is 1e2000: overflow. */
	memset(buf, '9', 2000);
	tap_ok(t, brul_num_parse(buf, 2000, &v) == -1, "2000 nines overflow");
	/* Halfway between 0 and the smallest denormal: 2^-1075, 751
	 * significant digits; a tie, so even (0); a little more is 2^-1074. */
	n = (size_t)snprintf(buf, sizeof(buf), "%.770Le", ldexpl(1, -1075));
	tap_ok(t, brul_num_parse(buf, n, &v) == 0 && same(v, 0.0),
	    "2^-1075 exactly rounds to 0");
	memmove(buf + 771, buf + 770, n - 770);
	buf[770] = '1';
	tap_ok(t, brul_num_parse(buf, n + 1, &v) == 0 &&
	    same(v, ldexp(1, -1074)), "2^-1075 and a bit rounds up");
	/* 3 * 2^-1075, between 2^-1074 and 2^-1073: even is 2^-1073. */
	n = (size_t)snprintf(buf, sizeof(buf), "%.770Le", 3 * ldexpl(1, -1075));
	tap_ok(t, brul_num_parse(buf, n, &v) == 0 &&
	    same(v, ldexp(1, -1073)), "3 * 2^-1075 rounds to even");
}

/* Random decimal text of every shape against strtod. */
static void
test_parse_random(struct tap *t)
{
	uint64_t s = 1;
	long bad = 0, n = 0;
	char buf[64], first[64] = "";

	for (int i = 0; i < 1000000; i++) {
		uint64_t r = next(&s);
		int nd = 1 + (int)(r % 22), dot = (int)((r >> 8) % (nd + 1));
		int e = (int)((r >> 16) % 80) - 40, len = 0;
		double v, w;

		if (r >> 63)
			buf[len++] = '-';
		for (int k = 0; k < nd; k++) {
			if (k == dot && k > 0)
				buf[len++] = '.';
			buf[len++] = (char)('0' + next(&s) % 10);
		}
		if ((r >> 24) % 4 == 0)
			len += snprintf(buf + len, sizeof(buf) - (size_t)len,
			    "e%d", (r >> 26) % 8 == 0 ? e * 8 : e);
		buf[len] = '\0';
		w = strtod(buf, NULL);
		if (isinf(w))
			continue;
		n++;
		if (brul_num_parse(buf, (size_t)len, &v) != 0 || !same(v, w)) {
			if (bad++ == 0)
				snprintf(first, sizeof(first), "%s", buf);
		}
	}
	if (!tap_ok(t, bad == 0, "1e6 random decimal texts agree with strtod"))
		printf("#   %ld of %ld differ, first \"%s\"\n", bad, n, first);

	/* Every double written with 17 digits reads back exactly. */
	bad = 0;
	for (int i = 0; i < 1000000; i++) {
		uint64_t bits = next(&s);
		double v, w;
		int len;

		memcpy(&v, &bits, sizeof(v));
		if (!isfinite(v))
			continue;
		len = snprintf(buf, sizeof(buf), "%.17g", v);
		if (brul_num_parse(buf, (size_t)len, &w) != 0 || !same(v, w))
			if (bad++ == 0)
				snprintf(first, sizeof(first), "%s", buf);
	}
	if (!tap_ok(t, bad == 0, "1e6 random doubles round trip via %.17g"))
		printf("#   %ld differ, first \"%s\"\n", bad, first);
}

static void
check_fixed(struct tap *t, double v, int d, const char *want)
{
	char buf[BRUL_NUM_MAX + 1], name[96];
	size_t n = brul_num_fixed(buf, v, d);

	buf[n] = '\0';
	snprintf(name, sizeof(name), "fixed %.17g to %d places", v, d);
	tap_streq(t, buf, want, name);
}

/* Whether |v| 10^d is exactly halfway between two integers. */
static int
exact_tie(double v, int d)
{
	double p = pow(10, d), y = fabs(v) * p;
	double h = floor(y) + 0.5;

	return fma(fabs(v), p, -h) == 0 || fma(fabs(v), p, -(h - 1)) == 0 ||
	    fma(fabs(v), p, -(h + 1)) == 0;
}

static void
test_fixed(struct tap *t)
{
	uint64_t s = 7;
	long bad = 0, ties = 0, n = 0;
	char a[BRUL_NUM_MAX + 1], b[64], first[128] = "";

	check_fixed(t, 13.5125, 3, "13.512");	/* below the tie in binary */
	check_fixed(t, 13.512, 3, "13.512");
	check_fixed(t, -12.34, 2, "-12.34");
	check_fixed(t, 0.5, 0, "1");		/* exact tie: away from 0 */
	check_fixed(t, 2.5, 0, "3");
	check_fixed(t, -2.5, 0, "-3");
	check_fixed(t, 0.125, 2, "0.13");
	check_fixed(t, 1.0005, 3, "1.000");	/* 1.000499999... */
	check_fixed(t, -0.0001, 3, "0.000");
	check_fixed(t, -0.0, 3, "0.000");
	check_fixed(t, 0, 0, "0");
	check_fixed(t, 1e-300, 9, "0.000000000");
	check_fixed(t, 999.9996, 3, "1000.000");
	check_fixed(t, -999.9996, 3, "-1000.000");
	check_fixed(t, 999999.123456789, 9, "999999.123456789");
	check_fixed(t, 123456789.123456789, 9, "123456789.12345679");
	check_fixed(t, 999999999999999.0, 0, "999999999999999");
	check_fixed(t, 1e15, 0, "1e+15");	/* too large: shortest */
	check_fixed(t, 1e6, 9, "1000000");
	check_fixed(t, NAN, 2, "nan");
	check_fixed(t, -INFINITY, 2, "-inf");

	for (int i = 0; i < 3000000; i++) {
		uint64_t r = next(&s);
		int d = (int)(r % 10);
		double v;
		size_t len;

		switch ((r >> 4) % 4) {
		case 0:	/* sensor-like values */
			v = (double)((int64_t)(next(&s) % 2000000) - 1000000) /
			    pow(10, (double)((r >> 8) % 7));
			break;
		case 1:	/* dyadic: many exact ties */
			v = (double)((int64_t)(next(&s) % 2000000) - 1000000) /
			    (double)(1 << ((r >> 8) % 16));
			break;
		case 2:	/* any magnitude within range */
			v = ldexp((double)(next(&s) >> 11), (int)((r >> 8) % 70) - 110);
			if (r >> 63)
				v = -v;
			break;
		default:	/* near the upper limit */
			v = (double)(next(&s) >> 11) / 9007199254740992.0 *
			    1e15 / pow(10, d);
			break;
		}
		if (!(fabs(v) < 1e15 / pow(10, d)))
			continue;
		n++;
		len = brul_num_fixed(a, v, d);
		a[len] = '\0';
		snprintf(b, sizeof(b), "%.*f", d, v);
		if (b[0] == '-' && strspn(b + 1, "0.") == strlen(b + 1))
			memmove(b, b + 1, strlen(b));	/* "-0.00" */
		if (strcmp(a, b) == 0)
			continue;
		if (exact_tie(v, d)) {
			double got;

			/* A tie printf sends to even, we away from zero. */
			ties++;
			if (brul_num_parse(a, len, &got) == 0 &&
			    fabs(got) > fabs(v))
				continue;
		}
		if (bad++ == 0)
			snprintf(first, sizeof(first), "%.17g,%d: %s vs %s", v,
			    d, a, b);
	}
	if (!tap_ok(t, bad == 0, "3e6 random values: fixed equals printf"))
		printf("#   %ld of %ld differ, first %s\n", bad, n, first);
	printf("#   %ld exact ties rounded away from zero\n", ties);
	tap_ok(t, ties > 1000, "the random values include exact ties");
}

static void
check_shortest(struct tap *t, double v, const char *want)
{
	char buf[BRUL_NUM_MAX + 1], name[96];
	size_t n = brul_num_shortest(buf, v);

	buf[n] = '\0';
	snprintf(name, sizeof(name), "shortest %.17g", v);
	tap_streq(t, buf, want, name);
}

/* Significant digits in a %g-style text. */
static int
sigdigits(const char *s)
{
	int n = 0, lead = 1, zeros = 0;

	for (; *s && *s != 'e'; s++) {
		if (*s < '0' || *s > '9')
			continue;
		if (lead && *s == '0')
			continue;
		lead = 0;
		n++;
		zeros = *s == '0' ? zeros + 1 : 0;
	}
	return n - zeros;
}

static void
test_shortest(struct tap *t)
{
	uint64_t s = 11;
	long bad = 0, longer = 0;
	char buf[BRUL_NUM_MAX + 1], first[96] = "";

	check_shortest(t, 0.1, "0.1");
	check_shortest(t, 13.512, "13.512");
	check_shortest(t, -12.34, "-12.34");
	check_shortest(t, 123, "123");
	check_shortest(t, 1200, "1200");
	check_shortest(t, 1e-7, "1e-07");
	check_shortest(t, 0.0001, "0.0001");
	check_shortest(t, 1e21, "1e+21");
	check_shortest(t, 0.30000000000000004, "0.30000000000000004");
	check_shortest(t, 0, "0");
	check_shortest(t, -0.0, "-0");
	check_shortest(t, DBL_MAX, "1.7976931348623157e+308");
	check_shortest(t, 5e-324, "5e-324");
	check_shortest(t, 2.2250738585072014e-308, "2.2250738585072014e-308");
	check_shortest(t, NAN, "nan");
	check_shortest(t, INFINITY, "inf");
	check_shortest(t, -INFINITY, "-inf");

	for (int i = 0; i < 300000; i++) {
		uint64_t r = next(&s);
		double v, w;
		size_t n;
		int p;

		if (i % 2)
			memcpy(&v, &r, sizeof(v));
		else	/* decimal-looking values */
			v = (double)((int64_t)(r % 20000000) - 10000000) /
			    pow(10, (double)((r >> 32) % 12));
		if (!isfinite(v))
			continue;
		n = brul_num_shortest(buf, v);
		buf[n] = '\0';
		if (n > BRUL_NUM_MAX || brul_num_parse(buf, n, &w) != 0 ||
		    !same(v, w)) {
			if (bad++ == 0)
				snprintf(first, sizeof(first), "%.17g: %s", v,
				    buf);
			continue;
		}
		/* The fewest digits %g can round trip with. */
		for (p = 1; p < 17; p++) {
			char g[40];

			snprintf(g, sizeof(g), "%.*g", p, v);
			if (strtod(g, NULL) == v)
				break;
		}
		if (sigdigits(buf) > p && longer++ < 5)
			printf("#   %s longer than %.*g\n", buf, p, v);
	}
	if (!tap_ok(t, bad == 0, "3e5 values: shortest round trips"))
		printf("#   %ld fail, first %s\n", bad, first);
	printf("#   %ld of 3e5 longer than the shortest %%g\n", longer);
	tap_ok(t, longer < 100, "shortest is (nearly always) shortest");
}

static void
test_int(struct tap *t)
{
	static const char *const bad[] = {
		"", "-", "+", "1.0", "1e3", " 1", "1 ", "0x1",
		"9223372036854775808", "-9223372036854775809",
		"99999999999999999999999", "--1"
	};
	static const struct { const char *s; int64_t v; } good[] = {
		{ "0", 0 }, { "-0", 0 }, { "+17", 17 }, { "-42", -42 },
		{ "007", 7 }, { "9223372036854775807", INT64_MAX },
		{ "-9223372036854775808", INT64_MIN },
	};
	static const int64_t fmt[] = {
		0, 1, -1, 9, 10, 99, 100, -100, 12345, 1000000007,
		INT64_MAX, INT64_MIN, INT64_MIN + 1
	};
	char name[96], buf[BRUL_NUM_MAX + 1], want[32];
	int64_t v;
	uint64_t s = 3;
	int ok = 1;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(name, sizeof(name), "int rejects \"%s\"", bad[i]);
		tap_ok(t, brul_int_parse(bad[i], strlen(bad[i]), &v) == -1,
		    name);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(name, sizeof(name), "int \"%s\"", good[i].s);
		tap_ok(t, brul_int_parse(good[i].s, strlen(good[i].s), &v) ==
		    0 && v == good[i].v, name);
	}
	for (size_t i = 0; i < sizeof(fmt) / sizeof(fmt[0]); i++) {
		size_t n = brul_int_format(buf, fmt[i]);

		buf[n] = '\0';
		snprintf(want, sizeof(want), "%" PRId64, fmt[i]);
		snprintf(name, sizeof(name), "int format %s", want);
		tap_streq(t, buf, want, name);
	}
	for (int i = 0; i < 1000000 && ok; i++) {
		uint64_t r = next(&s);
		int64_t x = (int64_t)(r >> (r % 64));
		size_t n;

		if (r & 1)
			x = -x;
		n = brul_int_format(buf, x);
		buf[n] = '\0';
		snprintf(want, sizeof(want), "%" PRId64, x);
		ok = strcmp(buf, want) == 0 &&
		    brul_int_parse(buf, n, &v) == 0 && v == x;
		if (!ok)
			printf("#   %s vs %s\n", buf, want);
	}
	tap_ok(t, ok, "1e6 random integers format like printf and parse back");
}

int
main(void)
{
	struct tap t = { 0, 0 };

	test_parse_syntax(&t);
	test_parse_long(&t);
	test_parse_random(&t);
	test_fixed(&t);
	test_shortest(&t);
	test_int(&t);
	return tap_done(&t);
}
