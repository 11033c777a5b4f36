/*
 * pgjson.h: query results as JSON, written in C.
 *
 * PostgreSQL can build JSON itself (json_agg, json_build_object), and the
 * API lets it for small answers; for the large ones (a day of telemetry is
 * 1,440 rows) building JSON in the server costs ten times the query, so
 * the rows come back as text, or in binary (brul_pool_exec_binary: then
 * PostgreSQL formats nothing; float8, int2, int4, int8, bool and
 * timestamptz columns only, any other comes out null), and are written
 * here.  Values follow their
 * column's type: numbers as PostgreSQL prints them (shortest round-trip
 * form; NaN and infinities as null), booleans, times as the streams write
 * them (brul-formats(5): "2026-03-01T00:00:00Z", fractions of a second
 * only where the value has them; the session's time zone is UTC), dates,
 * json and jsonb as they are, anything else as a JSON string; NULL as
 * null.
 *
 * PostgreSQL's own JSON (json_build_object, to_jsonb ...) writes a time
 * as "2026-03-01T00:00:00+00:00" instead, and no setting changes that:
 * brul_pgjson_utc rewrites its text to the form above.
 *
 * Ownership: output is appended to the caller's buffer;
 * brul_pgjson_utc rewrites the caller's text in place.
 */
#ifndef BRUL_PGJSON_H
#define BRUL_PGJSON_H

#include <libpq-fe.h>
#include "core/sbuf.h"

/* Row `row`, columns [from, PQnfields) as an object with the columns'
 * names as keys. */
void brul_pgjson_object(struct brul_sbuf *b, const PGresult *res, int row,
			int from);
/* Every row so, as an array. */
void brul_pgjson_rows(struct brul_sbuf *b, const PGresult *res, int from);
/* One value. */
void brul_pgjson_value(struct brul_sbuf *b, const PGresult *res, int row,
		       int col);
/* A JSON string of s. */
void brul_pgjson_string(struct brul_sbuf *b, const char *s, size_t n);
/* JSON text s[0, n) (PostgreSQL's) with each string that is exactly a
 * time in UTC as PostgreSQL writes it, "YYYY-MM-DDTHH:MM:SS" with or
 * without fractions then "+00:00", ending in "Z" instead: in place, the
 * new length returned (n less 5 a time).  Only whole strings, keys as
 * well as values: text that holds a time among other words is left as it
 * is.  s must be JSON: text that is not may be rewritten where it looks
 * like a time in quotes. */
size_t brul_pgjson_utc(char *s, size_t n);

#endif
