/*
 * pgcopy.h: rows in PostgreSQL's binary COPY format, built in memory.
 *
 * The binary format spares the server from parsing text: each field is its
 * length and its value in network byte order (timestamptz as microseconds
 * since 2000-01-01, float8 as IEEE 754 bits, text as its bytes), NULL a
 * length of -1.  A stream is a header, the rows, and a trailer.
 *
 * Ownership: struct brul_pgcopy is caller storage; its buffer is freed by
 * brul_pgcopy_release.  The add functions never fail: they grow the buffer
 * and set .oom instead, which the caller checks once per batch.
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

#endif
