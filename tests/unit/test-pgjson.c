/*
 * test-pgjson.c: times in the JSON brul-serve answers, written as the
 * streams write them ("2026-03-01T00:00:00Z", brul-formats(5)): from
 * PostgreSQL's text of a column (a result made by hand, as libpq allows)
 * and from PostgreSQL's own JSON, whose "+00:00" is rewritten; and
 * everything that is not exactly such a time, left as it is.
 */
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sbuf.h"
#include "db/pgjson.h"
#include "tap.h"

enum { TIMESTAMPTZOID = 1184, TEXTOID = 25, FLOAT8OID = 701, INT4OID = 23,
	INT8OID = 20, BOOLOID = 16 };

/* v in network order, n bytes, at p. */
static void
put_be(char *p, unsigned long long v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (char)(v & 0xff);
}

/* A result of one binary column of type typid (n bytes at v; NULL: a
 * NULL), as brul_pool_exec_binary gets it, written by brul_pgjson_rows. */
static void
binary(struct tap *t, unsigned typid, const char *v, int n,
       const char *want, const char *name)
{
	PGresAttDesc a = { .name = "x", .format = 1, .typid = typid,
	    .typlen = n, .atttypmod = -1 };
	PGresult *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	struct brul_sbuf b = { 0 };

	if (res == NULL || !PQsetResultAttrs(res, 1, &a) ||
	    !PQsetvalue(res, 0, 0, (char *)v, v ? n : -1)) {
		printf("Bail out! cannot make a result\n");
		exit(1);
	}
	brul_pgjson_rows(&b, res, 0);
	tap_streq(t, b.oom ? "" : b.s, want, name);
	PQclear(res);
	free(b.s);
}

static void
binary_f8(struct tap *t, double d, const char *want, const char *name)
{
	unsigned long long u;
	char v[8];

	memcpy(&u, &d, 8);
	put_be(v, u, 8);
	binary(t, FLOAT8OID, v, 8, want, name);
}

/* A timestamptz: microseconds from 2000-01-01 UTC. */
static void
binary_ts(struct tap *t, long long us, const char *want, const char *name)
{
	char v[8];

	put_be(v, (unsigned long long)us, 8);
	binary(t, TIMESTAMPTZOID, v, 8, want, name);
}

/* brul_pgjson_utc on a copy of in, compared with want. */
static void
utc(struct tap *t, const char *in, const char *want, const char *name)
{
	size_t n = strlen(in);
	char *s = malloc(n + 1);

	memcpy(s, in, n + 1);
	n = brul_pgjson_utc(s, n);
	s[n] = '\0';
	tap_streq(t, s, want, name);
	free(s);
}

static void
same(struct tap *t, const char *in, const char *name)
{
	utc(t, in, in, name);
}

/* One row of two columns, a time and a text, as PostgreSQL sends them
 * (NULL: a NULL time). */
static PGresult *
row(const char *ts, const char *text)
{
	PGresAttDesc a[2] = {
		{ .name = "ts", .format = 0, .typid = TIMESTAMPTZOID,
		  .typlen = 8, .atttypmod = -1 },
		{ .name = "note", .format = 0, .typid = TEXTOID, .typlen = -1,
		  .atttypmod = -1 },
	};
	PGresult *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);

	if (res == NULL || !PQsetResultAttrs(res, 2, a) ||
	    !PQsetvalue(res, 0, 0, (char *)ts, ts ? (int)strlen(ts) : -1) ||
	    !PQsetvalue(res, 0, 1, (char *)text, (int)strlen(text))) {
		printf("Bail out! cannot make a result\n");
		exit(1);
	}
	return res;
}

/* The object brul_pgjson_rows writes for row(ts, text). */
static void
written(struct tap *t, const char *ts, const char *text, const char *want,
	const char *name)
{
	struct brul_sbuf b = { 0 };
	PGresult *res = row(ts, text);

	brul_pgjson_rows(&b, res, 0);
	tap_streq(t, b.oom ? "" : b.s, want, name);
	PQclear(res);
	free(b.s);
}

int
main(void)
{
	struct tap t = { 0 };

	/* Columns: PostgreSQL's text of a timestamptz in UTC. */
	written(&t, "2026-03-01 00:00:00+00", "x",
	    "[{\"ts\":\"2026-03-01T00:00:00Z\",\"note\":\"x\"}]",
	    "a time column: Z, no fractions where it has none");
	written(&t, "2026-03-01 23:59:59.25+00", "x",
	    "[{\"ts\":\"2026-03-01T23:59:59.25Z\",\"note\":\"x\"}]",
	    "a time column with fractions keeps them, then Z");
	written(&t, "2026-03-01 12:00:00.123456+00", "x",
	    "[{\"ts\":\"2026-03-01T12:00:00.123456Z\",\"note\":\"x\"}]",
	    "microseconds, PostgreSQL's finest");
	written(&t, NULL, "x", "[{\"ts\":null,\"note\":\"x\"}]",
	    "a NULL time is null");
	written(&t, "2026-03-01 07:00:00+07", "x",
	    "[{\"ts\":\"2026-03-01 07:00:00+07\",\"note\":\"x\"}]",
	    "a time not in UTC (never in brul's sessions) is left as it is");
	written(&t, "infinity", "x", "[{\"ts\":\"infinity\",\"note\":\"x\"}]",
	    "infinity is left as it is");
	written(&t, "2026-03-01 00:00:00+00", "2026-03-01 00:00:00+00",
	    "[{\"ts\":\"2026-03-01T00:00:00Z\","
	    "\"note\":\"2026-03-01 00:00:00+00\"}]",
	    "a text column that reads like a time is text");
	{
		struct brul_sbuf b = { 0 };
		PGresult *res = row("2026-01-08 00:00:00+00", "hot");

		brul_pgjson_object(&b, res, 0, 0);
		tap_streq(&t, b.oom ? "" : b.s,
		    "{\"ts\":\"2026-01-08T00:00:00Z\",\"note\":\"hot\"}",
		    "an object (the live stream's events): Z");
		PQclear(res);
		free(b.s);
	}

	/* Binary results, written as their text would be. */
	binary_f8(&t, 13.571, "[{\"x\":13.571}]",
	    "binary float8: its shortest form, as PostgreSQL prints it");
	binary_f8(&t, -0.15, "[{\"x\":-0.15}]", "binary float8: negative");
	binary_f8(&t, NAN, "[{\"x\":null}]", "binary NaN: null");
	binary(&t, FLOAT8OID, NULL, 8, "[{\"x\":null}]", "binary NULL: null");
	{
		char v[8];

		put_be(v, (unsigned long long)-42, 4);
		binary(&t, INT4OID, v, 4, "[{\"x\":-42}]",
		    "binary int4, negative");
		put_be(v, 44640, 8);
		binary(&t, INT8OID, v, 8, "[{\"x\":44640}]", "binary int8");
		v[0] = 1;
		binary(&t, BOOLOID, v, 1, "[{\"x\":true}]", "binary bool");
	}
	/* 2026-03-01T00:00:00Z is 825,638,400 s after 2000-01-01. */
	binary_ts(&t, 825638400LL * 1000000,
	    "[{\"x\":\"2026-03-01T00:00:00Z\"}]",
	    "binary time: as the streams write it");
	binary_ts(&t, 825638400LL * 1000000 + 250000,
	    "[{\"x\":\"2026-03-01T00:00:00.25Z\"}]",
	    "binary time with a fraction: no trailing zeros");
	binary_ts(&t, -1, "[{\"x\":\"1999-12-31T23:59:59.999999Z\"}]",
	    "binary time before 2000: the fraction counts forward");

	/* PostgreSQL's JSON: json_build_object's spacing, jsonb's. */
	utc(&t, "{\"ts\" : \"2026-03-01T00:00:00+00:00\", \"n\" : 1}",
	    "{\"ts\" : \"2026-03-01T00:00:00Z\", \"n\" : 1}",
	    "json_build_object's time: Z");
	utc(&t, "{\"a\": \"2026-03-01T00:00:00.5+00:00\", "
	    "\"b\": [\"2026-12-31T23:59:59.123456+00:00\", null]}",
	    "{\"a\": \"2026-03-01T00:00:00.5Z\", "
	    "\"b\": [\"2026-12-31T23:59:59.123456Z\", null]}",
	    "jsonb's times, with fractions, nested: Z, fractions kept");
	utc(&t, "[\"2026-03-01T00:00:00+00:00\",\"2026-03-01T00:01:00+00:00\","
	    "\"2026-03-01T00:02:00+00:00\"]",
	    "[\"2026-03-01T00:00:00Z\",\"2026-03-01T00:01:00Z\","
	    "\"2026-03-01T00:02:00Z\"]", "one after another");
	utc(&t, "{\"2026-03-01T00:00:00+00:00\": 1}",
	    "{\"2026-03-01T00:00:00Z\": 1}",
	    "a key that is a time: Z too (every time brul writes)");
	utc(&t, "{\"ts\": \"2026-03-01T00:00:00Z\"}",
	    "{\"ts\": \"2026-03-01T00:00:00Z\"}", "Z already: as it is");
	utc(&t, "", "", "nothing");

	/* Not exactly a time: left alone. */
	same(&t, "{\"note\": \"since 2026-03-01T00:00:00+00:00\"}",
	    "a time among words is text");
	same(&t, "{\"note\": \"2026-03-01T00:00:00+00:00 or so\"}",
	    "a time and words after it is text");
	same(&t, "[\"2026-03-01T07:00:00+07:00\", "
	    "\"2026-03-01T00:00:00-00:00\"]",
	    "another offset is left as it is");
	same(&t, "[\"2026-03-01 00:00:00+00:00\", "
	    "\"10000-03-01T00:00:00+00:00\", \"2026-03-01T00:00+00:00\", "
	    "\"2026-3-01T00:00:00+00:00\"]",
	    "forms PostgreSQL's JSON does not write are left as they are");
	same(&t, "[\"2026-03-01T00:00:00.+00:00\", "
	    "\"2026-03-01T00:00:00.5x+00:00\"]",
	    "a point without digits, or more than digits, is not a fraction");
	same(&t, "[\"\\\"2026-03-01T00:00:00+00:00\"]",
	    "an escaped quote is part of the string, not its start");
	utc(&t, "[\"a\\\\\", \"2026-03-01T00:00:00+00:00\"]",
	    "[\"a\\\\\", \"2026-03-01T00:00:00Z\"]",
	    "an escaped backslash ends no string early");
	utc(&t, "[\"2026-03-01T00:00:00+00:00\", \"2026-03-01T00:00:00+00:00",
	    "[\"2026-03-01T00:00:00Z\", \"2026-03-01T00:00:00+00:00",
	    "a time whose string is not closed is left as it is");
	same(&t, "{\"v\": 2026, \"w\": -0.5e-3, \"x\": true}",
	    "numbers and literals are untouched");
	return tap_done(&t);
}
