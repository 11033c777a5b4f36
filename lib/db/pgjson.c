/* pgjson.c: see pgjson.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/num.h"
#include "core/timefmt.h"
#include "db/pgjson.h"

/* Type OIDs, from PostgreSQL's pg_type.dat (stable across versions). */
enum {
	BOOLOID = 16, INT8OID = 20, INT2OID = 21, INT4OID = 23, JSONOID = 114,
	FLOAT4OID = 700, FLOAT8OID = 701, DATEOID = 1082,
	TIMESTAMPTZOID = 1184, NUMERICOID = 1700, JSONBOID = 3802
};

void
brul_pgjson_string(struct brul_sbuf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;

	brul_sbuf_add(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		brul_sbuf_add(b, s + run, i - run);
		run = i + 1;
		if (c == '"' || c == '\\') {
			esc[1] = (char)c;
			brul_sbuf_add(b, esc, 2);
		} else if (c == '\n')
			brul_sbuf_add(b, "\\n", 2);
		else
			brul_sbuf_add(b, esc, 6);
	}
	brul_sbuf_add(b, s + run, n - run);
	brul_sbuf_add(b, "\"", 1);
}

/* "2026-03-01 00:00:00+00" (or with fractions), PostgreSQL's text of a
 * time in UTC, as the streams write it: "2026-03-01T00:00:00Z". */
static void
timestamp(struct brul_sbuf *b, const char *s, size_t n)
{
	char t[48];

	if (n < 22 || n > sizeof t || s[10] != ' ' ||
	    strcmp(s + n - 3, "+00") != 0) {
		brul_pgjson_string(b, s, n);	/* not UTC: as it is */
		return;
	}
	t[0] = '"';
	memcpy(t + 1, s, n - 3);
	t[11] = 'T';
	memcpy(t + n - 2, "Z\"", 2);
	brul_sbuf_add(b, t, n);
}

/* Whether t[0, n) is a time as PostgreSQL's JSON writes it in UTC:
 * "YYYY-MM-DDTHH:MM:SS", optionally "." and digits, then "+00:00". */
static int
pg_utc(const char *t, size_t n)
{
	static const char form[] = "dddd-dd-ddTdd:dd:dd";
	size_t i;

	if (n < 25 || memcmp(t + n - 6, "+00:00", 6) != 0)
		return 0;
	for (i = 0; i < 19; i++)
		if (form[i] == 'd' ? t[i] < '0' || t[i] > '9' : t[i] != form[i])
			return 0;
	if (n == 25)
		return 1;
	if (t[19] != '.' || n == 26)
		return 0;
	for (i = 20; i < n - 6; i++)
		if (t[i] < '0' || t[i] > '9')
			return 0;
	return 1;
}

/* Whether the quote s[q] is JSON's, not a string's escaped one: an even
 * number of backslashes before it.  (Such a quote before a digit opens a
 * string: none ends so.) */
static int
opens(const char *s, size_t q)
{
	size_t k = q;

	while (k > 0 && s[k - 1] == '\\')
		k--;
	return (q - k) % 2 == 0;
}

size_t
brul_pgjson_utc(char *s, size_t n)
{
	size_t i = 0, keep = 0, w = 0;	/* s from keep on goes to s + w */
	const char *p;

	/* A time ends in "+00:00" and its string's quote, the one place
	 * PostgreSQL's JSON has a '+' but for a rare exponent: find those,
	 * then look back for the rest, rather than read every string. */
	while (n - i > 6 && (p = memchr(s + i, '+', n - i - 6)) != NULL) {
		size_t at = (size_t)(p - s), e = at + 6, a, k = at;

		i = at + 1;
		if (s[e] != '"' || memcmp(p, "+00:00", 6) != 0)
			continue;
		while (k > 0 && s[k - 1] >= '0' && s[k - 1] <= '9')
			k--;
		/* The string's first byte: 19 before the fraction or the
		 * offset. */
		a = k > 0 && s[k - 1] == '.' && k < at ? k - 1 : at;
		if (a < 20 || s[a - 20] != '"' || !opens(s, a - 20))
			continue;
		a -= 19;
		if (!pg_utc(s + a, e - a))
			continue;
		memmove(s + w, s + keep, at - keep);
		w += at - keep;
		s[w++] = 'Z';
		keep = e;
		i = e + 1;
	}
	memmove(s + w, s + keep, n - keep);
	return w + n - keep;
}

/* n bytes of network order at p. */
static uint64_t
be(const char *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | (unsigned char)p[i];
	return v;
}

/* Seconds from 1970 to PostgreSQL's epoch, 2000-01-01. */
#define PG_EPOCH	946684800

/* A value in binary (brul_pool_exec_binary), written as the text form
 * would be: a float8 in its shortest form (PostgreSQL's own since 12), a
 * time as the streams write it.  -1: a type not read here. */
static int
binary_value(struct brul_sbuf *b, const char *s, int n, Oid type)
{
	char t[48];
	size_t k;
	uint64_t u;
	double d;
	int64_t us, sec, frac;

	switch (type) {
	case FLOAT8OID:
		if (n != 8)
			return -1;
		u = be(s, 8);
		memcpy(&d, &u, sizeof d);
		if (d != d || d - d != 0) {	/* JSON has no NaN or inf */
			brul_sbuf_add(b, "null", 4);
			return 0;
		}
		brul_sbuf_add(b, t, brul_num_shortest(t, d));
		return 0;
	case INT2OID:
	case INT4OID:
	case INT8OID:
		if (n != 2 && n != 4 && n != 8)
			return -1;
		u = be(s, n);
		/* Sign-extend from n bytes. */
		us = n == 8 ? (int64_t)u : (int64_t)(u << (64 - 8 * n)) >>
		    (64 - 8 * n);
		brul_sbuf_add(b, t, brul_int_format(t, us));
		return 0;
	case BOOLOID:
		brul_sbuf_str(b, n == 1 && s[0] ? "true" : "false");
		return 0;
	case TIMESTAMPTZOID:
		if (n != 8)
			return -1;
		us = (int64_t)be(s, 8);
		sec = us / 1000000 - (us % 1000000 < 0);
		frac = us - sec * 1000000;
		t[0] = '"';
		k = 1 + brul_time_format(t + 1, sec + PG_EPOCH);
		if (frac != 0) {
			/* PostgreSQL's fraction: up to six digits, no
			 * trailing zeros. */
			int w = 6;

			while (frac % 10 == 0) {
				frac /= 10;
				w--;
			}
			k--;	/* before the Z */
			k += (size_t)snprintf(t + k, sizeof t - k, ".%0*lldZ",
			    w, (long long)frac);
		}
		t[k++] = '"';
		brul_sbuf_add(b, t, k);
		return 0;
	default:
		return -1;
	}
}

void
brul_pgjson_value(struct brul_sbuf *b, const PGresult *res, int row, int col)
{
	const char *s;
	size_t n;

	if (PQgetisnull(res, row, col)) {
		brul_sbuf_add(b, "null", 4);
		return;
	}
	if (PQfformat(res, col) == 1) {
		s = PQgetvalue(res, row, col);
		if (binary_value(b, s, PQgetlength(res, row, col),
		    PQftype(res, col)) == -1)
			brul_sbuf_add(b, "null", 4);
		return;
	}
	s = PQgetvalue(res, row, col);
	n = (size_t)PQgetlength(res, row, col);
	switch (PQftype(res, col)) {
	case FLOAT4OID:
	case FLOAT8OID:
	case NUMERICOID:
		/* JSON has no NaN or infinities. */
		if (s[0] == 'N' || s[0] == 'I' || s[1] == 'I')
			brul_sbuf_add(b, "null", 4);
		else
			brul_sbuf_add(b, s, n);
		return;
	case INT2OID:
	case INT4OID:
	case INT8OID:
	case JSONOID:
	case JSONBOID:
		brul_sbuf_add(b, s, n);
		return;
	case BOOLOID:
		brul_sbuf_str(b, s[0] == 't' ? "true" : "false");
		return;
	case TIMESTAMPTZOID:
		timestamp(b, s, n);
		return;
	case DATEOID:
	default:
		brul_pgjson_string(b, s, n);
	}
}

void
brul_pgjson_object(struct brul_sbuf *b, const PGresult *res, int row,
		   int from)
{
	int nf = PQnfields(res);

	brul_sbuf_add(b, "{", 1);
	for (int c = from; c < nf; c++) {
		const char *name = PQfname(res, c);

		if (c > from)
			brul_sbuf_add(b, ",", 1);
		brul_pgjson_string(b, name, strlen(name));
		brul_sbuf_add(b, ":", 1);
		brul_pgjson_value(b, res, row, c);
	}
	brul_sbuf_add(b, "}", 1);
}

void
brul_pgjson_rows(struct brul_sbuf *b, const PGresult *res, int from)
{
	int n = PQntuples(res), nf = PQnfields(res);
	struct brul_sbuf keys = { 0 };
	size_t at[64 + 1];

	if (nf - from > 64) {		/* not the API's: the slow way */
		brul_sbuf_add(b, "[", 1);
		for (int i = 0; i < n; i++) {
			if (i > 0)
				brul_sbuf_add(b, ",", 1);
			brul_pgjson_object(b, res, i, from);
		}
		brul_sbuf_add(b, "]", 1);
		return;
	}
	/* Each key, quoted, with its colon and the comma before it, once. */
	for (int c = from; c < nf; c++) {
		const char *name = PQfname(res, c);

		at[c - from] = keys.n;
		brul_sbuf_add(&keys, c > from ? "," : "{", 1);
		brul_pgjson_string(&keys, name, strlen(name));
		brul_sbuf_add(&keys, ":", 1);
	}
	at[nf - from] = keys.n;
	brul_sbuf_add(b, "[", 1);
	for (int i = 0; i < n && !keys.oom; i++) {
		if (i > 0)
			brul_sbuf_add(b, ",", 1);
		for (int c = from; c < nf; c++) {
			brul_sbuf_add(b, keys.s + at[c - from],
			    at[c - from + 1] - at[c - from]);
			brul_pgjson_value(b, res, i, c);
		}
		brul_sbuf_add(b, nf > from ? "}" : "{}", nf > from ? 1 : 2);
	}
	brul_sbuf_add(b, "]", 1);
	b->oom |= keys.oom;
	free(keys.s);
}
