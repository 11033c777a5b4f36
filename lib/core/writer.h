/*
 * writer.h: records with named columns, written as CSV or NDJSON.
 *
 * A writer formats rows into a struct brul_out, column by column, in the
 * order given at creation: CSV with a header row, or NDJSON objects with
 * the same names.  Strings are quoted or escaped as each format needs: in
 * CSV only when they hold , " CR LF or begin or end with a space or tab
 * (RFC 4180, "" for "); in NDJSON always, with \" \\ and control
 * characters escaped (strings must be UTF-8; other bytes pass through).
 * Missing values are empty CSV fields (a lone column's is written "", lest
 * the row be a blank line) and JSON nulls; so are non-finite numbers.
 * Booleans are 1 and 0 in CSV, true and false in NDJSON.  Times and dates
 * are ISO 8601 (quoted in NDJSON); numbers are bare.
 *
 * Ownership: brul_writer_new returns a writer freed by brul_writer_free;
 * the brul_out stays the caller's.
 */
#ifndef BRUL_WRITER_H
#define BRUL_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"
#include "core/format.h"
#include "core/stream.h"

struct brul_writer;

/* A writer of ncols columns named cols[] (copied).  For CSV the header row
 * is written now. */
struct brul_writer *brul_writer_new(struct brul_out *out,
				    enum brul_format fmt,
				    const char *const *cols, int ncols,
				    struct brul_err *err);
void brul_writer_free(struct brul_writer *w);

/* One call per column, in order, then brul_writer_end.  Each returns 0 or -1
 * (a write error from the stream). */
int brul_writer_str(struct brul_writer *w, const char *s, size_t n);
int brul_writer_cstr(struct brul_writer *w, const char *s);
/* A string that should need no quoting or escaping in either format
 * (letters, digits and "-_.:+" only): ids and timestamps on hot paths,
 * copied as they are when they are such, and otherwise written as
 * brul_writer_str writes them, so that a field that is not what its caller
 * believed cannot end the field and forge others. */
int brul_writer_token(struct brul_writer *w, const char *s, size_t n);
int brul_writer_fixed(struct brul_writer *w, double v, int decimals);
int brul_writer_double(struct brul_writer *w, double v);	/* shortest */
int brul_writer_int(struct brul_writer *w, int64_t v);
int brul_writer_bool(struct brul_writer *w, int v);	/* 0/1 or false/true */
int brul_writer_time(struct brul_writer *w, int64_t t);
int brul_writer_date(struct brul_writer *w, int64_t day);
int brul_writer_null(struct brul_writer *w);		/* missing */
int brul_writer_end(struct brul_writer *w);
/* The error of the first failed write, if any. */
const struct brul_err *brul_writer_err(const struct brul_writer *w);

#endif
