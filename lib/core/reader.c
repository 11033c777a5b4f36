/*
 * reader.c: records with named columns, one at a time (see reader.h):
 * opening an input, detecting its format, the columns, handing out records
 * (csvread.c and ndjsonread.c parse them), fields and their typed
 * accessors, and the reader's errors.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <jansson.h>

#include "core/grow.h"
#include "core/id.h"
#include "core/num.h"
#include "core/readerint.h"
#include "core/streams.h"
#include "core/timefmt.h"

#define BAD_TEXT_MAX	40	/* bytes of a bad value quoted in a message */

int
brul_reader_fail(struct brul_reader *r, struct brul_err *err, long line,
    const char *fmt, ...)
{
	char msg[sizeof(r->err.msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->failed = 1;
	r->have_rec = 0;
	brul_err_set(&r->err, brul_in_name(r->in), line, 0, "%s", msg);
	if (err != NULL)
		*err = r->err;
	return -1;
}

int
brul_reader_report(const struct brul_reader *r, struct brul_err *err)
{
	if (err != NULL)
		*err = r->err;
	return -1;
}

/* Reads the next chunk: 1, 0 at end of input, -1 on error. */
int
brul_reader_read_chunk(struct brul_reader *r, struct brul_err *err)
{
	ssize_t n;

	r->chunk_pos = r->chunk_len = 0;
	if (r->eof)
		return 0;
	if ((n = brul_in_read(r->in, r->chunk, CHUNK, &r->err)) == -1) {
		r->failed = 1;
		return brul_reader_report(r, err);
	}
	if (n == 0)
		r->eof = 1;
	r->chunk_len = (size_t)n;
	r->chunk[r->chunk_len] = '\n';
	return n > 0;
}

int
brul_reader_add_col(struct brul_reader *r, const char *name, size_t n)
{
	char *s;
	size_t cap = (size_t)r->cols_cap, max;

	if (r->ncols == INT32_MAX)
		return -1;
	if (brul_grow(&r->cols, &cap, (size_t)r->ncols + 1, sizeof(*r->cols)) ==
	    -1)
		return -1;
	r->cols_cap = (int)(cap > INT32_MAX ? INT32_MAX : cap);
	if ((s = malloc(n + 1)) == NULL)
		return -1;
	memcpy(s, name, n);
	s[n] = '\0';
	/* A column of ids is checked in every record (brul_reader_next). */
	if ((max = brul_id_column(s)) > 0) {
		if (brul_grow(&r->ids, &r->ids_cap, r->nids + 1,
		    sizeof(*r->ids)) == -1) {
			free(s);
			return -1;
		}
		r->ids[r->nids].col = r->ncols;
		r->ids[r->nids++].max = max;
	}
	r->cols[r->ncols++] = s;
	return 0;
}

int
brul_reader_find_col(const struct brul_reader *r, const char *name, size_t n)
{
	int i;

	for (i = 0; i < r->ncols; i++)
		if (strlen(r->cols[i]) == n && memcmp(r->cols[i], name, n) == 0)
			return i;
	return -1;
}

/* Skips a BOM and leading white space, counting lines, and returns the first
 * byte that follows: -1 at the end of the input, -2 on a read error. */
static int
r_start(struct brul_reader *r, struct brul_err *err)
{
	int k;
	unsigned char c;

	r->next_line = 1;
	/* A BOM needs three bytes, which a pipe may give one at a time. */
	while (r->chunk_len < 3 && !r->eof) {
		ssize_t n = brul_in_read(r->in, r->chunk + r->chunk_len,
		    CHUNK - r->chunk_len, &r->err);
		if (n == -1) {
			r->failed = 1;
			brul_reader_report(r, err);
			return -2;
		}
		if (n == 0)
			r->eof = 1;
		r->chunk_len += (size_t)n;
	}
	r->chunk[r->chunk_len] = '\n';
	if (r->chunk_len >= 3 && memcmp(r->chunk, "\xef\xbb\xbf", 3) == 0)
		r->chunk_pos = 3;
	for (;;) {
		while (r->chunk_pos < r->chunk_len) {
			c = r->chunk[r->chunk_pos];
			if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
				return c;
			if (c == '\n')
				r->next_line++;
			r->chunk_pos++;
		}
		if ((k = brul_reader_read_chunk(r, err)) <= 0)
			return k == 0 ? -1 : -2;
	}
}

static struct brul_reader *
reader_open(struct brul_in *in, enum brul_format fmt, struct brul_err *err)
{
	struct brul_reader *r;
	int c, k;

	/* data and f are never NULL, so that offsets from them are defined
	 * even before the first field. */
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->chunk = calloc(1, CHUNK + 1 + CHUNK_SLACK)) == NULL ||
	    brul_grow(&r->data, &r->data_cap, 4096, 1) == -1 ||
	    brul_grow(&r->f, &r->f_cap, 64, sizeof(*r->f)) == -1) {
		if (r != NULL) {
			free(r->chunk);
			free(r->data);
			free(r->f);
		}
		free(r);
		brul_err_set(err, brul_in_name(in), 0, 0, "out of memory");
		brul_in_close(in);
		return NULL;
	}
	r->in = in;
	if ((c = r_start(r, err)) == -2)
		goto fail;
	if (fmt == BRUL_FMT_AUTO)
		fmt = c == '{' ? BRUL_FMT_NDJSON : BRUL_FMT_CSV;
	r->fmt = fmt;
	if (fmt == BRUL_FMT_NDJSON) {
		/* Lines skipped before the first object. */
		r->phys_line = r->next_line - 1;
		k = brul_ndjsonread_first(r, err);
	} else
		k = brul_csvread_header(r, err);
	if (k == -1)
		goto fail;
	return r;
fail:
	brul_reader_close(r);
	return NULL;
}

struct brul_reader *
brul_reader_open(const char *path, enum brul_format fmt, struct brul_err *err)
{
	struct brul_in *in;

	if ((in = brul_in_open(path, err)) == NULL)
		return NULL;
	return reader_open(in, fmt, err);
}

struct brul_reader *
brul_reader_open_mem(const void *buf, size_t n, enum brul_format fmt,
    struct brul_err *err)
{
	struct brul_in *in;

	if ((in = brul_in_open_mem(buf, n, err)) == NULL)
		return NULL;
	return reader_open(in, fmt, err);
}

void
brul_reader_close(struct brul_reader *r)
{
	int i;

	if (r == NULL)
		return;
	if (r->csv_live)
		csv_free(&r->csv);
	if (r->obj != NULL)
		json_decref(r->obj);
	for (i = 0; i < r->ncols; i++)
		free(r->cols[i]);
	free(r->cols);
	free(r->ids);
	free(r->chunk);
	free(r->data);
	free(r->f);
	free(r->recs);
	free(r->vals);
	free(r->text);
	free(r->lbuf);
	brul_in_close(r->in);
	free(r);
}

enum brul_format
brul_reader_format(const struct brul_reader *r)
{
	return r->fmt;
}

const char *
brul_reader_name(const struct brul_reader *r)
{
	return brul_in_name(r->in);
}

long
brul_reader_line(const struct brul_reader *r)
{
	return r->line;
}

int
brul_reader_col(struct brul_reader *r, const char *name)
{
	int c;

	if ((c = brul_reader_find_col(r, name, strlen(name))) != -1)
		return c;
	if (r->fmt != BRUL_FMT_NDJSON)
		return -1;
	/* NDJSON objects need not all have the same keys: a name asked for
	 * becomes a column, missing where absent. */
	if (brul_reader_add_col(r, name, strlen(name)) == -1 ||
	    brul_ndjsonread_fit(r) == -1) {
		brul_reader_fail(r, NULL, 0, "out of memory");
		return -1;
	}
	c = r->ncols - 1;
	if (r->vals != NULL)
		memset(&r->vals[c], 0, sizeof(r->vals[c]));
	if (r->obj != NULL && brul_ndjsonread_value(r, c) == -1) {
		brul_reader_fail(r, NULL, 0, "out of memory");
		return -1;
	}
	return c;
}

int
brul_reader_has_col(struct brul_reader *r, const char *name)
{
	int c = brul_reader_find_col(r, name, strlen(name));

	/* a name only asked for is not a key of the stream */
	if (r->fmt == BRUL_FMT_NDJSON && c >= r->nfirst)
		return -1;
	return c;
}

/* The stream r's header says it is (streams.h), or NULL. */
static const char *
kind(const struct brul_reader *r)
{
	return brul_stream_kind((const char *const *)r->cols,
	    r->fmt == BRUL_FMT_NDJSON ? r->nfirst : r->ncols);
}

/* What precedes it, then what the stream was given for and what it is
 * when its header says so: a file given in the wrong place. */
static int
refuse(struct brul_reader *r, const char *what, struct brul_err *err)
{
	const char *is = kind(r);
	char want[160] = "", seen[80] = "";

	if (r->stream && r->opt)
		snprintf(want, sizeof want, ": %s takes a %s stream", r->opt,
		    r->stream);
	else if (r->stream)
		snprintf(want, sizeof want, ": expected a %s stream",
		    r->stream);
	if (is && r->stream && strcmp(is, r->stream) != 0)
		snprintf(seen, sizeof seen, "%s this is a %s stream",
		    want[0] ? ", and" : ":", is);
	return brul_err_set(err, brul_in_name(r->in), 0, 0, "%s%s%s", what,
	    what[0] ? want : want + (want[0] ? 2 : 0), seen);
}

/* "missing column "ts"", and what refuse adds. */
static int
missing(struct brul_reader *r, const char *name, struct brul_err *err)
{
	char what[320];

	snprintf(what, sizeof what, "missing column \"%s\"", name);
	return refuse(r, what, err);
}

int
brul_reader_check_kind(struct brul_reader *r, struct brul_err *err)
{
	const char *is = kind(r);

	if (is == NULL || r->stream == NULL || strcmp(is, r->stream) == 0)
		return 0;
	return refuse(r, "", err);
}

void
brul_reader_expect(struct brul_reader *r, const char *opt,
    const char *stream)
{
	r->opt = opt;
	r->stream = stream;
}

long
brul_reader_records(const struct brul_reader *r)
{
	return r->records;
}

int
brul_reader_require(struct brul_reader *r, const char *name,
    struct brul_err *err)
{
	int c;

	if (r->failed)
		return brul_reader_report(r, err);
	if ((c = brul_reader_has_col(r, name)) != -1)
		return c;
	if (r->failed)
		return brul_reader_report(r, err);
	return missing(r, name, err);
}

int
brul_reader_ncols(const struct brul_reader *r)
{
	return r->ncols;
}

const char *
brul_reader_colname(const struct brul_reader *r, int col)
{
	if (col < 0 || col >= r->ncols)
		return NULL;
	return r->cols[col];
}

static int bad_value(const struct brul_reader *r, int col,
    struct brul_field f, const char *what, struct brul_err *err);

/* The current record's ids as brul-formats(5) defines them (id.h): a
 * field that is not one fails the reader before any tool sees it, since
 * tools print ids in messages and write them unquoted.  Every record of
 * every stream comes through here: the fields are taken as
 * brul_reader_field takes them, without its checks. */
static int
check_ids(struct brul_reader *r, struct brul_err *err)
{
	struct brul_field f;
	char why[160], what[200];
	size_t i;

	for (i = 0; i < r->nids; i++) {
		int c = r->ids[i].col;

		if (r->fmt == BRUL_FMT_CSV) {
			const struct fref *x = &r->f[r->cur_first + (size_t)c];

			f.s = x->len > 0 ? fref_ptr(r, x) : NULL;
			f.n = x->len;
		} else {
			const struct ndval *d = &r->vals[c];

			f.s = d->in_text ? r->text + d->off : d->s;
			f.n = d->n;
		}
		if (f.s == NULL || brul_id_ok(f.s, f.n, r->ids[i].max) ||
		    brul_id_check(f.s, f.n, r->ids[i].max, why,
		    sizeof why) == 0)
			continue;
		snprintf(what, sizeof what, "not an id (%s)", why);
		bad_value(r, c, f, what, &r->err);
		r->failed = 1;
		r->have_rec = 0;
		return brul_reader_report(r, err);
	}
	return 0;
}

int
brul_reader_next(struct brul_reader *r, struct brul_err *err)
{
	struct rec *rec;
	int k;

	if (r->failed)
		return brul_reader_report(r, err);
	r->have_rec = 0;
	if (r->fmt == BRUL_FMT_CSV) {
		if ((k = brul_csvread_next(r, err)) <= 0)
			return k;
		rec = &r->recs[r->rec_pos - 1];
		if (rec->nf != (size_t)r->ncols)
			return brul_reader_fail(r, err, r->line,
			    "expected %d fields, found %zu", r->ncols, rec->nf);
	} else {
		if (r->pending)
			r->pending = 0;
		else if ((k = brul_ndjsonread_next(r, err)) <= 0)
			return k;
		if (!r->fast && brul_ndjsonread_fill(r, err) == -1)
			return -1;
	}
	r->have_rec = 1;
	if (r->nids > 0 && check_ids(r, err) == -1)
		return -1;
	r->records++;
	return 1;
}

struct brul_field
brul_reader_field(const struct brul_reader *r, int col)
{
	struct brul_field f = { NULL, 0 };
	const struct fref *x;
	const struct ndval *d;

	if (col < 0 || col >= r->ncols || !r->have_rec)
		return f;
	if (r->fmt == BRUL_FMT_CSV) {
		x = &r->f[r->cur_first + (size_t)col];
		if (x->len > 0) {
			f.s = fref_ptr(r, x);
			f.n = x->len;
		}
	} else {
		d = &r->vals[col];
		f.s = d->in_text ? r->text + d->off : d->s;
		f.n = d->n;
	}
	return f;
}

/* "voltage_v: not a number: "abc"", the text cut short and escaped. */
static int
bad_value(const struct brul_reader *r, int col, struct brul_field f,
    const char *what, struct brul_err *err)
{
	char q[BAD_TEXT_MAX * 4 + 8], *p = q;
	size_t i, n = f.n;
	unsigned char c;

	if (n > BAD_TEXT_MAX) {
		n = BAD_TEXT_MAX;
		/* Do not cut a UTF-8 sequence in two. */
		while (n > 0 && ((unsigned char)f.s[n] & 0xc0) == 0x80)
			n--;
	}
	for (i = 0; i < n; i++) {
		c = (unsigned char)f.s[i];
		if (c == '"' || c == '\\') {
			*p++ = '\\';
			*p++ = (char)c;
		} else if (c == '\n') {
			*p++ = '\\';
			*p++ = 'n';
		} else if (c == '\r') {
			*p++ = '\\';
			*p++ = 'r';
		} else if (c == '\t') {
			*p++ = '\\';
			*p++ = 't';
		} else if (c < 0x20 || c == 0x7f) {
			p += snprintf(p, 5, "\\x%02x", c);
		} else
			*p++ = (char)c;
	}
	if (n < f.n) {
		memcpy(p, "...", 3);
		p += 3;
	}
	*p = '\0';
	return brul_err_set(err, brul_in_name(r->in), r->line, 0,
	    "%s: %s: \"%s\"", r->cols[col], what, q);
}

int
brul_reader_double(struct brul_reader *r, int col, double *v,
    struct brul_err *err)
{
	struct brul_field f = brul_reader_field(r, col);
	double x;

	if (f.s == NULL)
		return 0;
	if (brul_num_parse(f.s, f.n, &x) == -1)
		return bad_value(r, col, f, "not a number", err);
	*v = x;
	return 1;
}

int
brul_reader_positive(struct brul_reader *r, int col, double *v,
    struct brul_err *err)
{
	int rc = brul_reader_double(r, col, v, err);

	if (rc == 1 && !(*v > 0))
		return brul_err_set(err, brul_in_name(r->in), r->line, 0,
		    "%s: not above zero: %g", r->cols[col], *v);
	return rc;
}

int
brul_reader_int(struct brul_reader *r, int col, int64_t *v,
    struct brul_err *err)
{
	struct brul_field f = brul_reader_field(r, col);
	int64_t x;

	if (f.s == NULL)
		return 0;
	if (brul_int_parse(f.s, f.n, &x) == -1)
		return bad_value(r, col, f, "not an integer", err);
	*v = x;
	return 1;
}

int
brul_reader_time(struct brul_reader *r, int col, int64_t *t,
    struct brul_err *err)
{
	struct brul_field f = brul_reader_field(r, col);
	int64_t x;

	if (f.s == NULL)
		return 0;
	if (brul_time_parse(f.s, f.n, &x) == -1)
		return bad_value(r, col, f, "not a timestamp", err);
	*t = x;
	return 1;
}

int
brul_reader_date(struct brul_reader *r, int col, int64_t *day,
    struct brul_err *err)
{
	struct brul_field f = brul_reader_field(r, col);
	int64_t x;

	if (f.s == NULL)
		return 0;
	if (brul_date_parse(f.s, f.n, &x) == -1)
		return bad_value(r, col, f, "not a date", err);
	*day = x;
	return 1;
}

int
brul_reader_bool(struct brul_reader *r, int col, int *v,
    struct brul_err *err)
{
	struct brul_field f = brul_reader_field(r, col);

	if (f.s == NULL)
		return 0;
	if ((f.n == 1 && f.s[0] == '1') ||
	    (f.n == 4 && memcmp(f.s, "true", 4) == 0))
		*v = 1;
	else if ((f.n == 1 && f.s[0] == '0') ||
	    (f.n == 5 && memcmp(f.s, "false", 5) == 0))
		*v = 0;
	else
		return bad_value(r, col, f, "not a boolean", err);
	return 1;
}

int
brul_reader_id(struct brul_reader *r, int col, struct brul_field *f,
    struct brul_err *err)
{
	*f = brul_reader_field(r, col);
	if (f->s == NULL || f->n == 0)
		return brul_reader_fail(r, err, r->line, "%s: missing value",
		    brul_reader_colname(r, col));
	if (memchr(f->s, '\0', f->n) != NULL)
		return brul_reader_fail(r, err, r->line,
		    "%s: contains a NUL byte", brul_reader_colname(r, col));
	return 0;
}
