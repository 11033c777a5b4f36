/*
 * reader.h: records with named columns, read from CSV or NDJSON.
 *
 * A reader pulls one record at a time (brul_reader_next), like jq's
 * iterator.  CSV goes through libcsv (RFC 4180 quoting, CRLF, a UTF-8
 * BOM); NDJSON through jansson, one object per line.  The format is
 * detected from the first byte unless given.  Columns are found by name: a
 * missing required column is an error that names it; unknown columns are
 * passed over.  An empty CSV field, a JSON null and an absent key are all
 * "missing".  Field views point into the reader's storage and are valid
 * until the next brul_reader_next().
 *
 * Field text: CSV fields as unquoted, with spaces and tabs at either end of
 * an unquoted field trimmed (libcsv's rule; quote them to keep them).  NDJSON
 * values: strings as they are (UTF-8), integers and reals as decimal text
 * (reals in their shortest form), true and false as "true" and "false", null
 * as missing, objects and arrays as their compact JSON text.  A quoted empty
 * CSV field ("") is missing too; an empty JSON string is not.  Memory is
 * bounded by the longest record, never by the number of records.
 *
 * Ownership: brul_reader_open returns a reader freed by brul_reader_close
 * (which also closes its input).
 */
#ifndef BRUL_READER_H
#define BRUL_READER_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"
#include "core/format.h"

struct brul_field {
	const char *s;		/* not NUL-terminated; NULL when missing */
	size_t n;
};

struct brul_reader;

/* Opens path ("-" or NULL: stdin) and reads the header (CSV) or looks at the
 * first object (NDJSON).  A UTF-8 BOM and leading blank lines are skipped;
 * the format, unless given, is NDJSON when the first byte is '{'.  An
 * empty input (no header: what a failed command leaves in a pipe) is an
 * error; a header and no records is a stream of no rows.  Duplicate CSV
 * header names are an error. */
struct brul_reader *brul_reader_open(const char *path, enum brul_format fmt,
				     struct brul_err *err);
/* The same over n bytes in memory (which must outlive the reader), named
 * "<memory>": for tests and fuzzing. */
struct brul_reader *brul_reader_open_mem(const void *buf, size_t n,
					 enum brul_format fmt,
					 struct brul_err *err);
void brul_reader_close(struct brul_reader *r);

enum brul_format brul_reader_format(const struct brul_reader *r);
const char *brul_reader_name(const struct brul_reader *r);
/* Line number of the current record (1 = CSV header). */
long brul_reader_line(const struct brul_reader *r);

/* Column index of name, or -1 when the stream has no such column.  For
 * NDJSON the columns are the keys of the first object, plus any name asked
 * for here. */
int brul_reader_col(struct brul_reader *r, const char *name);
/* Column index of name when the stream really has it: in the CSV header,
 * or a key of the first NDJSON object (writers put every key in every
 * object); -1 otherwise, never a column made up on demand. */
int brul_reader_has_col(struct brul_reader *r, const char *name);
/* Like brul_reader_has_col, but a missing column is an error naming it,
 * with what the stream was given for (brul_reader_expect) and what its
 * header says it is: "file: missing column "ts": --strings takes a
 * string_telemetry stream, and this is a strings stream". */
int brul_reader_require(struct brul_reader *r, const char *name,
			struct brul_err *err);
/* What the stream is given for, for messages: the option or operand that
 * named it ("--strings"; NULL: none) and the stream of brul-formats(5) it
 * should be ("string_telemetry"; NULL: any).  The strings must outlive
 * the reader. */
void brul_reader_expect(struct brul_reader *r, const char *opt,
			const char *stream);
/* 0, or -1 when the header says plainly (streams.h) that r is another
 * stream than the one brul_reader_expect gave: "file: --features takes
 * a features stream, and this is a labels stream", a file given in the
 * wrong place that may lack no column it is read for. */
int brul_reader_check_kind(struct brul_reader *r, struct brul_err *err);
/* The records brul_reader_next has handed out so far. */
long brul_reader_records(const struct brul_reader *r);
int brul_reader_ncols(const struct brul_reader *r);
const char *brul_reader_colname(const struct brul_reader *r, int col);

/* 1: a record is ready; 0: end of input; -1: error (err has the line):
 * malformed CSV quoting, a CSV record whose field count is not the header's
 * ("expected N fields, found M"), an NDJSON line that is not JSON ("column
 * C: ...") or not an object, a value of an id column (core/id.h: site_id,
 * system_id, string_id, battery_id, model_id, alert_id, scope) that is not
 * an id ("battery_id: not an id ('\"' at byte 8: ...): "B0001-1\",...""),
 * a missing one being allowed; blank lines are skipped.  After an error,
 * every call returns it again. */
int brul_reader_next(struct brul_reader *r, struct brul_err *err);

/* The current record's field; .s == NULL when missing or col < 0. */
struct brul_field brul_reader_field(const struct brul_reader *r, int col);

/* Typed access with messages that carry the position and the column name:
 * "file:LINE: voltage_v: not a number: "abc"".  Each returns 1 (value set),
 * 0 (missing; value untouched) or -1 (malformed; err set). */
int brul_reader_double(struct brul_reader *r, int col, double *v,
		       struct brul_err *err);
/* A number that must be above zero (a capacity, a resistance): as
 * brul_reader_double, and -1 with "file:LINE: capacity_ah: not above
 * zero: -5" for one that is not. */
int brul_reader_positive(struct brul_reader *r, int col, double *v,
			 struct brul_err *err);
int brul_reader_int(struct brul_reader *r, int col, int64_t *v,
		    struct brul_err *err);
int brul_reader_time(struct brul_reader *r, int col, int64_t *t,
		     struct brul_err *err);
int brul_reader_date(struct brul_reader *r, int col, int64_t *day,
		     struct brul_err *err);
/* 1/0 and true/false (what brul_writer_bool writes in either format). */
int brul_reader_bool(struct brul_reader *r, int col, int *v,
		     struct brul_err *err);
/* An identifier (battery_id, ...): present, not empty, no NUL byte (it is
 * kept as a C string).  0, or -1 with "file:LINE: battery_id: missing
 * value".  An id column's value has been checked by brul_reader_next
 * already; this adds that it is there. */
int brul_reader_id(struct brul_reader *r, int col, struct brul_field *f,
		   struct brul_err *err);

#endif
