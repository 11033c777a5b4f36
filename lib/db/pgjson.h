/*
 * pgjson.h: query results as JSON, written in C.
 *
 * PostgreSQL can build JSON itself (json_agg, json_build_object), and the
 * API lets it for small answers; for the large ones (a day of telemetry is
 * 1,440 rows) building JSON in the server costs ten times the query, so
 * the rows come back as text and are written here.  Values follow their
 * column's type: numbers as PostgreSQL prints them (shortest round-trip
 * form; NaN and infinities as null), booleans, times in RFC 3339 as
 * PostgreSQL's own JSON has them ("2026-03-01T00:00:00+00:00": the
 * session's time zone is UTC), dates, json
 * and jsonb as they are, anything else as a JSON string; NULL as null.
 *
 * Ownership: output is appended to the caller's buffer.
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

#endif
