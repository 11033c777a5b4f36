/*
 * num.h: numbers in text, parsed and formatted without the C library's
 * locale, fast enough for the hot loops of every tool.
 *
 * Parsing: brul_num_parse() takes the whole field (no leading or trailing
 * space) and gives the double nearest to the decimal text (correctly rounded),
 * so formatting a value with brul_num_shortest() and parsing it back gives the
 * same bits.  Accepts [+-]digits[.digits][e[+-]digits]; rejects empty text,
 * "nan", "inf", hex and anything trailing.
 *
 * Formatting writes into a caller buffer of at least BRUL_NUM_MAX bytes, adds
 * no NUL, and returns the number of bytes written.
 */
#ifndef BRUL_NUM_H
#define BRUL_NUM_H

#include <stddef.h>
#include <stdint.h>

#define BRUL_NUM_MAX 32

/* 0 and *out set, or -1 when s[0..n) is not a number. */
int brul_num_parse(const char *s, size_t n, double *out);

/* 0 and *out set, or -1 when s[0..n) is not a decimal integer in range. */
int brul_int_parse(const char *s, size_t n, int64_t *out);

/* v rounded half away from zero to `decimals` places (0..9), e.g. "13.512".
 * "-0.000" prints as "0.000".  |v| must be below 1e15 / 10^decimals; larger
 * values (and non-finite ones) fall back to brul_num_shortest(). */
size_t brul_num_fixed(char *buf, double v, int decimals);

/* The shortest text that parses back to exactly v ("0.1", "1e-07", "123");
 * NaN and infinities, which have no place in a stream, print as "nan",
 * "inf", "-inf". */
size_t brul_num_shortest(char *buf, double v);

/* A decimal integer. */
size_t brul_int_format(char *buf, int64_t v);

/* "00" "01" ... "99": two digits at a time, for formatters of numbers,
 * times and dates. */
extern const char brul_digits2[201];

#endif
