/*
 * num.c: decimal text to double and back, without the C library's locale.
 *
 * Parsing follows Clinger: when the significant digits fit in 53 bits and
 * the power of ten is exact in a double, one correctly rounded multiply or
 * divide gives the correctly rounded result.  That is nearly every field a
 * sensor or a tool writes ("13.512", "-0.25").  The rest goes to strtod_l in
 * the "C" locale, on a canonical copy that holds no decimal point at all.
 *
 * Fixed formatting scales by 10^d and rounds the exact product (Dekker's
 * two-product), so the digits are those of the exact binary value, like
 * printf's, with exact ties going away from zero.
 */
#include <errno.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/num.h"

/* Clinger's method and the two-product need each operation rounded once, to
 * double: SSE2 or any modern FPU, not the x87's extended registers. */
#if FLT_EVAL_METHOD != 0
#error "num.c needs FLT_EVAL_METHOD 0"
#endif

#define TWO53	9007199254740992.0	/* 2^53 */
#define SLOW_DIGITS 780	/* more than the 767 a double can ever need */

/* Powers of ten exactly representable in a double. */
static const double pow10_exact[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

static const uint64_t pow10_u64[20] = {
	1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
	10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
	100000000000ULL, 1000000000000ULL, 10000000000000ULL,
	100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
	100000000000000000ULL, 1000000000000000000ULL,
	10000000000000000000ULL
};

const char brul_digits2[201] =
	"00010203040506070809"
	"10111213141516171819"
	"20212223242526272829"
	"30313233343536373839"
	"40414243444546474849"
	"50515253545556575859"
	"60616263646566676869"
	"70717273747576777879"
	"80818283848586878889"
	"90919293949596979899";

static int
isdig(char c)
{
	return (unsigned char)(c - '0') < 10;
}

/* Reads the exponent after 'e' at s[*i..n); caps its magnitude, which only
 * matters beyond where every double has overflowed or underflowed. */
static int
parse_exp(const char *s, size_t n, size_t *i, int64_t *ex)
{
	size_t j = *i;
	int neg = 0;
	int64_t v = 0;

	if (j < n && (s[j] == '+' || s[j] == '-'))
		neg = s[j++] == '-';
	if (j >= n || !isdig(s[j]))
		return -1;
	for (; j < n && isdig(s[j]); j++)
		if (v < 100000000)
			v = v * 10 + (s[j] - '0');
	*i = j;
	*ex = neg ? -v : v;
	return 0;
}

/*
 * The rare case: more than 19 digits, a mantissa above 2^53 or a power of
 * ten beyond the exact ones.  The text has been checked; rewrite
 * it as [-]DIGITSeEXP (at most SLOW_DIGITS digits, then a sticky 1 standing
 * for any nonzero digits cut off) and let strtod_l round it.
 */
static int
parse_slow(const char *s, size_t n, double *out)
{
	char buf[1 + SLOW_DIGITS + 1 + 24];
	size_t i = 0, k = 0;
	int infrac = 0, sticky = 0;
	int64_t dexp = 0, ex = 0;
	locale_t c;
	double v;
	char *end;

	if (s[0] == '+' || s[0] == '-') {
		if (s[0] == '-')
			buf[k++] = '-';
		i++;
	}
	size_t first = k;
	for (; i < n; i++) {
		char ch = s[i];

		if (ch == '.') {
			infrac = 1;
			continue;
		}
		if (!isdig(ch))
			break;
		if (k == first && ch == '0') {
			if (infrac)
				dexp--;
		} else if (k - first < SLOW_DIGITS) {
			buf[k++] = ch;
			if (infrac)
				dexp--;
		} else {
			if (!infrac)
				dexp++;
			if (ch != '0')
				sticky = 1;
		}
	}
	if (i < n) {
		i++;	/* 'e' or 'E' */
		if (parse_exp(s, n, &i, &ex) == -1)
			return -1;
	}
	if (k == first) {
		*out = first ? -0.0 : 0.0;
		return 0;
	}
	if (sticky) {
		buf[k++] = '1';
		dexp--;
	}
	dexp += ex;
	if (dexp > 999999999)
		dexp = 999999999;
	else if (dexp < -999999999)
		dexp = -999999999;
	buf[k++] = 'e';
	k += brul_int_format(buf + k, dexp);
	buf[k] = '\0';

	/* No decimal point is left, so any locale would do; the "C" one
	 * (a static object in glibc, cheap to get) makes it certain. */
	c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	errno = 0;
	if (c != (locale_t)0) {
		v = strtod_l(buf, &end, c);
		freelocale(c);
	} else
		v = strtod(buf, &end);
	if (*end != '\0' || isinf(v))
		return -1;
	*out = v;
	return 0;
}

int
brul_num_parse(const char *s, size_t n, double *out)
{
	const char *p = s, *end = s + n, *q;
	uint64_t m = 0;
	size_t nint, nfrac = 0;
	int neg = 0;
	int64_t e10, ex = 0;
	double v;

	if (n == 0)
		return -1;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	/* All digits go into m; more than 19 of them (it wraps, harmlessly)
	 * is the slow path's business. */
	for (q = p; p < end && isdig(*p); p++)
		m = m * 10 + (unsigned)(*p - '0');
	nint = (size_t)(p - q);
	if (p < end && *p == '.') {
		for (q = ++p; p < end && isdig(*p); p++)
			m = m * 10 + (unsigned)(*p - '0');
		nfrac = (size_t)(p - q);
	}
	if (nint + nfrac == 0)
		return -1;
	if (p < end && (*p == 'e' || *p == 'E')) {
		size_t i = (size_t)(p + 1 - s);

		if (parse_exp(s, n, &i, &ex) == -1)
			return -1;
		p = s + i;
	}
	if (p != end)
		return -1;
	if (nint + nfrac > 19)
		return parse_slow(s, n, out);

	if (m == 0) {
		*out = neg ? -0.0 : 0.0;
		return 0;
	}
	e10 = ex - (int64_t)nfrac;
	if (m <= (1ULL << 53)) {
		if (e10 >= 0 && e10 <= 22) {
			v = (double)m * pow10_exact[e10];
			*out = neg ? -v : v;
			return 0;
		}
		if (e10 < 0 && e10 >= -22) {
			v = (double)m / pow10_exact[-e10];
			*out = neg ? -v : v;
			return 0;
		}
		/* "12e25": move the excess into the mantissa while it stays
		 * exact. */
		if (e10 > 22 && e10 <= 22 + 15 &&
		    m <= (1ULL << 53) / pow10_u64[e10 - 22]) {
			v = (double)(m * pow10_u64[e10 - 22]) * 1e22;
			*out = neg ? -v : v;
			return 0;
		}
	}
	return parse_slow(s, n, out);
}

int
brul_int_parse(const char *s, size_t n, int64_t *out)
{
	size_t i = 0;
	uint64_t v = 0, lim;
	int neg = 0;

	if (n == 0)
		return -1;
	if (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-';
		i++;
	}
	if (i == n)
		return -1;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (d > 9)
			return -1;
		if (v > (lim - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (!neg)
		*out = (int64_t)v;
	else if (v == (uint64_t)INT64_MAX + 1)
		*out = INT64_MIN;
	else
		*out = -(int64_t)v;
	return 0;
}

/* Writes the decimal digits of v, returns their number. */
static size_t
write_u64(char *buf, uint64_t v)
{
	char tmp[20];
	size_t k = sizeof(tmp);

	while (v >= 100) {
		unsigned r = (unsigned)(v % 100);

		v /= 100;
		k -= 2;
		memcpy(tmp + k, brul_digits2 + 2 * r, 2);
	}
	if (v >= 10) {
		k -= 2;
		memcpy(tmp + k, brul_digits2 + 2 * v, 2);
	} else
		tmp[--k] = (char)('0' + v);
	memcpy(buf, tmp + k, sizeof(tmp) - k);
	return sizeof(tmp) - k;
}

/* Writes v as exactly w digits, zero-padded (w <= 19). */
static void
write_u64_w(char *buf, uint64_t v, int w)
{
	while (w >= 2) {
		unsigned r = (unsigned)(v % 100);

		v /= 100;
		w -= 2;
		memcpy(buf + w, brul_digits2 + 2 * r, 2);
	}
	if (w == 1)
		buf[0] = (char)('0' + v % 10);
}

size_t
brul_int_format(char *buf, int64_t v)
{
	if (v < 0) {
		buf[0] = '-';
		return 1 + write_u64(buf + 1, 0 - (uint64_t)v);
	}
	return write_u64(buf, (uint64_t)v);
}

/* sign, q / 10^d, '.', q % 10^d. */
static size_t
write_scaled(char *buf, int neg, uint64_t q, int d)
{
	size_t k = 0;

	if (neg && q != 0)
		buf[k++] = '-';
	if (d == 0)
		return k + write_u64(buf + k, q);
	k += write_u64(buf + k, q / pow10_u64[d]);
	buf[k++] = '.';
	write_u64_w(buf + k, q % pow10_u64[d], d);
	return k + (size_t)d;
}

size_t
brul_num_fixed(char *buf, double v, int decimals)
{
	/* |v| < 1e15 / 10^d keeps the scaled value below 2^50. */
	static const double limit[10] = {
		1e15, 1e14, 1e13, 1e12, 1e11, 1e10, 1e9, 1e8, 1e7, 1e6
	};
	double x, p, y, c, xh, xl, r, f;
	uint64_t q;

	if (decimals < 0)
		decimals = 0;
	if (decimals > 9)
		decimals = 9;
	x = fabs(v);
	if (!(x < limit[decimals]))	/* also NaN */
		return brul_num_shortest(buf, v);
	p = pow10_exact[decimals];
	y = x * p;
	if (y < 0.25)
		return write_scaled(buf, 0, 0, decimals);
	/*
	 * x * p = y + r exactly: split x into 32 high bits and 21 low bits
	 * (Veltkamp); p = 2^d 5^d has at most 21 significant bits, so both
	 * partial products are exact, and so is the sum giving r.
	 */
	c = x * 2097153.0;	/* 2^21 + 1 */
	xh = c - (c - x);
	xl = x - xh;
	r = (xh * p - y) + xl * p;
	q = (uint64_t)y;
	f = y - (double)q;	/* exact, in [0, 1) */
	/* Round up when f + r >= 1/2.  f - 0.5 is exact when f >= 1/4, and
	 * otherwise far below -|r| (|r| <= 1/8 as y < 2^50). */
	if (f - 0.5 >= -r)
		q++;
	return write_scaled(buf, v < 0, q, decimals);
}

/* Returns whether s[0..n) parses back to exactly v. */
static int
round_trips(const char *s, size_t n, double v)
{
	double w;

	return brul_num_parse(s, n, &w) == 0 && memcmp(&w, &v, sizeof(v)) == 0;
}

size_t
brul_num_shortest(char *buf, double v)
{
	char tmp[48];
	double x = fabs(v), p;
	int d, len, prec;

	if (isnan(v)) {
		memcpy(buf, "nan", 3);
		return 3;
	}
	if (isinf(v)) {
		if (v < 0) {
			memcpy(buf, "-inf", 4);
			return 4;
		}
		memcpy(buf, "inf", 3);
		return 3;
	}
	if (x == 0) {
		if (signbit(v)) {
			memcpy(buf, "-0", 2);
			return 2;
		}
		buf[0] = '0';
		return 1;
	}
	/*
	 * Where %g would print without an exponent, find the fewest decimals
	 * d such that round(v 10^d) / 10^d is v again: the parser's fast path
	 * reads exactly that division back.
	 */
	if (x >= 1e-4 && x < 1e15) {
		for (d = 0; d <= 22; d++) {
			double y = x * (p = pow10_exact[d]);
			uint64_t q;

			if (y >= TWO53)
				break;
			q = (uint64_t)(y + 0.5);
			if ((double)q / p == x)
				return write_scaled(buf, v < 0, q, d);
		}
	}
	/*
	 * When some text of 15 digits or fewer round trips, %.15g prints it
	 * (trailing zeros dropped): half a unit in the 15th digit is wider
	 * than half a binary ulp.  Otherwise 16 or 17 digits.  Denormals
	 * have fewer bits, so their search starts at 1.
	 */
	for (prec = x < DBL_MIN ? 1 : 15; prec <= 17; prec++) {
		len = snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		if (len <= 0 || len > BRUL_NUM_MAX)
			continue;	/* cannot happen for a finite double */
		for (int i = 0; i < len; i++)
			if (tmp[i] == ',')	/* a locale's decimal comma */
				tmp[i] = '.';
		if (prec == 17 || round_trips(tmp, (size_t)len, v)) {
			memcpy(buf, tmp, (size_t)len);
			return (size_t)len;
		}
	}
	memcpy(buf, "nan", 3);
	return 3;
}
