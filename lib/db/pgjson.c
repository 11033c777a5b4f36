/* pgjson.c: see pgjson.h. */
#include <stdlib.h>
#include <string.h>

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

/* "2026-03-01 00:00:00+00" (or with fractions) as PostgreSQL's own JSON
 * writes it, RFC 3339: "2026-03-01T00:00:00+00:00". */
static void
timestamp(struct brul_sbuf *b, const char *s, size_t n)
{
	char t[48];

	if (n < 22 || n + 5 > sizeof t || s[10] != ' ' ||
	    strcmp(s + n - 3, "+00") != 0) {
		brul_pgjson_string(b, s, n);	/* not UTC: as it is */
		return;
	}
	t[0] = '"';
	memcpy(t + 1, s, n);
	t[11] = 'T';
	memcpy(t + 1 + n, ":00\"", 4);
	brul_sbuf_add(b, t, n + 5);
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
