/*
 * pgcopy.h: rows in PostgreSQL's binary COPY format, built in memory for
 * COPY FROM STDIN, and read from what COPY TO STDOUT sends.
 *
 * The binary format spares the server from parsing and formatting text:
 * each field is its length and its value in network byte order
 * (timestamptz as microseconds since 2000-01-01, date as days since then,
 * float8 as IEEE 754 bits, text as its bytes), NULL a length of -1.  A
 * stream is a header, the rows, and a trailer.
 *
 * Ownership: struct brul_pgcopy is caller storage; its buffer is freed by
 * brul_pgcopy_release.  The add functions never fail: they grow the buffer
 * and set .oom instead, which the caller checks once per batch.  Fields
 * read point into the caller's buffer.
 */
#ifndef BRUL_PGCOPY_H
#define BRUL_PGCOPY_H

#include <stddef.h>
#include <stdint.h>

struct brul_pgcopy {
	unsigned char *buf;
	size_t n, cap;
	int oom;
};

/* The 19-byte header that opens a binary COPY stream. */
void brul_pgcopy_header(struct brul_pgcopy *c);
/* The trailer that ends it. */
void brul_pgcopy_trailer(struct brul_pgcopy *c);
/* Starts a row of nfields fields. */
void brul_pgcopy_row(struct brul_pgcopy *c, int nfields);
void brul_pgcopy_null(struct brul_pgcopy *c);
/* Unix seconds as a timestamptz. */
void brul_pgcopy_time(struct brul_pgcopy *c, int64_t t);
void brul_pgcopy_float8(struct brul_pgcopy *c, double v);
void brul_pgcopy_text(struct brul_pgcopy *c, const char *s, size_t n);
void brul_pgcopy_int4(struct brul_pgcopy *c, int32_t v);
void brul_pgcopy_int8(struct brul_pgcopy *c, int64_t v);
/* Empties the buffer, keeping its memory. */
void brul_pgcopy_clear(struct brul_pgcopy *c);
void brul_pgcopy_release(struct brul_pgcopy *c);

/* Reading: the server sends a row at a time (libpq's PQgetCopyData), the
 * header before the first and the trailer after the last. */
struct brul_pgcopy_in {
	int started;		/* the header was read */
	int done;		/* the trailer was read */
};

struct brul_pgcopy_field {
	const unsigned char *p;	/* the value's bytes */
	int32_t n;		/* their count, or -1 for NULL */
};

/* The next row of [*p, end), after the header when the stream starts
 * there: its field count (at least 1; f[0..count) filled), 0 when the
 * bytes are used up or the trailer is reached (in->done), or -1 when they
 * are not binary COPY data, a row is cut short or has more than max
 * fields.  *p moves past what was read. */
int brul_pgcopy_read(struct brul_pgcopy_in *in, const unsigned char **p,
		     const unsigned char *end, struct brul_pgcopy_field *f,
		     int max);
/* A field's value; the caller has checked its length (n): 2, 4 or 8 for
 * an integer, 8 for a float8 or a timestamptz, 4 for a date. */
int64_t brul_pgcopy_get_int(const struct brul_pgcopy_field *f);
double brul_pgcopy_get_float8(const struct brul_pgcopy_field *f);
/* A timestamptz as Unix seconds (rounded down). */
int64_t brul_pgcopy_get_time(const struct brul_pgcopy_field *f);
/* A date as days since 1970-01-01. */
int64_t brul_pgcopy_get_date(const struct brul_pgcopy_field *f);

#endif
