/*
 * readerint.h: the reader's insides, shared by reader.c (opening, columns,
 * records, fields), csvread.c (the CSV side) and ndjsonread.c (the NDJSON
 * side).  Not for tools: reader.h is the API.
 */
#ifndef BRUL_READERINT_H
#define BRUL_READERINT_H

#include <stddef.h>

#include <csv.h>
#include <jansson.h>

#include "core/err.h"
#include "core/format.h"
#include "core/reader.h"
#include "core/stream.h"

#define CHUNK		(256 * 1024)
/* Readable bytes after a chunk's sentinel: csvread.c scans 64 at a time. */
#define CHUNK_SLACK	64

struct fref {
	size_t off, len;	/* in data[], or in chunk[] with FREF_CHUNK */
};

#define FREF_CHUNK	((size_t)1 << (sizeof(size_t) * 8 - 1))

struct rec {
	size_t first;		/* index into f[] */
	size_t nf;
	long line;
};

struct ndval {
	const char *s;		/* NULL: missing, or in text[] at off */
	size_t off, n;
	int in_text;
	int seen;		/* nd_fast: its key was met */
};

struct idcol {
	int col;
	size_t max;		/* its longest id */
};

struct brul_reader {
	struct brul_in *in;
	enum brul_format fmt;
	long line;		/* of the current record */
	int have_rec;		/* a record is current */
	long records;		/* handed out */
	const char *opt;	/* brul_reader_expect's, or NULL */
	const char *stream;
	int failed;
	struct brul_err err;	/* sticky */
	int pend;		/* a parse error after the queued records */
	struct brul_err pend_err;
	unsigned char *chunk;	/* CHUNK bytes and a sentinel '\n' */
	size_t chunk_len, chunk_pos;
	int eof;
	char **cols;
	int ncols, cols_cap;
	struct idcol *ids;	/* the columns that hold ids (id.h) */
	size_t nids, ids_cap;

	/* CSV */
	struct csv_parser csv;
	int csv_live;
	int csv_done;		/* csv_fini() was called */
	int oom;		/* a callback ran out of memory */
	char *data;		/* field bytes of the queued records */
	size_t data_len, data_cap;
	struct fref *f;
	size_t nf, f_cap;
	struct rec *recs;
	size_t nrec, rec_cap, rec_pos;
	size_t part_first;	/* first field of the record being parsed */
	long next_line;		/* where the record being parsed starts */
	size_t cur_first;	/* fields of the current record */

	/* NDJSON */
	json_t *obj;		/* the current record */
	int pending;		/* obj is read but not yet handed out */
	int fast;		/* the record came through nd_fast: no obj */
	int nfirst;		/* NDJSON: the keys of the first object */
	struct ndval *vals;	/* cols_cap entries */
	char *text;		/* numbers and nested values as text */
	size_t text_len, text_cap;
	char *lbuf;		/* a line that straddles chunks */
	size_t lbuf_len, lbuf_cap;
	long phys_line;		/* lines read so far */
};

static inline const char *
fref_ptr(const struct brul_reader *r, const struct fref *x)
{
	if (x->off & FREF_CHUNK)
		return (const char *)r->chunk + (x->off & ~FREF_CHUNK);
	return r->data + x->off;
}

/* reader.c */
/* Fails the reader (sticky): the message at line, copied to err; -1. */
int brul_reader_fail(struct brul_reader *r, struct brul_err *err, long line,
		     const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The sticky error again, copied to err; -1. */
int brul_reader_report(const struct brul_reader *r, struct brul_err *err);
/* Reads the next chunk: 1, 0 at end of input, -1 on error. */
int brul_reader_read_chunk(struct brul_reader *r, struct brul_err *err);
/* Appends the column named name[0..n): 0, or -1 when out of memory. */
int brul_reader_add_col(struct brul_reader *r, const char *name, size_t n);
/* The column named name[0..n), or -1. */
int brul_reader_find_col(const struct brul_reader *r, const char *name,
			 size_t n);

/* csvread.c */
/* Reads the header row into the columns: 0, or -1 (an empty stream is
 * an error). */
int brul_csvread_header(struct brul_reader *r, struct brul_err *err);
/* The next record from the queue, parsing more as needed: 1, 0 at the end,
 * -1 on error. */
int brul_csvread_next(struct brul_reader *r, struct brul_err *err);

/* ndjsonread.c */
/* Reads the first object, its keys the columns (an empty stream is an
 * error), and keeps
 * it for the first brul_reader_next: 0, or -1. */
int brul_ndjsonread_first(struct brul_reader *r, struct brul_err *err);
/* Reads the next object (into r->obj, or into r->vals when r->fast): 1, 0
 * at the end, -1 on error. */
int brul_ndjsonread_next(struct brul_reader *r, struct brul_err *err);
/* Text for every column from r->obj: 0, or -1. */
int brul_ndjsonread_fill(struct brul_reader *r, struct brul_err *err);
/* Text for column col of r->obj: 0, or -1 when out of memory. */
int brul_ndjsonread_value(struct brul_reader *r, int col);
/* r->vals made as long as r->cols_cap: 0, or -1 when out of memory. */
int brul_ndjsonread_fit(struct brul_reader *r);

#endif
