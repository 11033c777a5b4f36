/*
 * record.c: see reader.h and writer.h.
 *
 * CSV: a chunk of input at a time becomes a queue of complete records that
 * next() hands out one by one; memory is one chunk's records plus the record
 * that straddles the chunk's end.  Lines without a quote or a lone CR (nearly
 * all of them) are split here, with libcsv's rules (fields trimmed of spaces
 * and tabs, blank lines skipped), their fields pointing into the chunk:
 * libcsv's byte-at-a-time state machine would cost three times the gzip
 * decompression.  Every other line goes through libcsv, whose callbacks
 * copy field bytes into one buffer and note offsets.  libcsv reports every
 * line end (CSV_REPALL_NL) so that blank lines still count; a record's line
 * is 1 + the newlines before it, those inside quoted fields included.
 *
 * NDJSON: the lines nearly every stream is made of (flat objects of plain
 * ASCII strings, numbers, true, false and null) are scanned here; any
 * other line goes to json_loadb(), which allocates a tree per line and
 * would cost thirty times the decompression.  Field text is made for the
 * columns only (numbers are formatted back, so a typed accessor parses
 * text in both formats alike, and both paths give the same text).
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <jansson.h>

#include "core/grow.h"
#include "core/num.h"
#include "core/reader.h"
#include "core/timefmt.h"
#include "core/writer.h"

#define CHUNK		(256 * 1024)
#define BAD_TEXT_MAX	40	/* bytes of a bad value quoted in a message */
#define INLINE_STR	4096	/* strings up to this are escaped in one go */

struct fref {
	size_t off, len;	/* in data[], or in chunk[] with FREF_CHUNK */
};

#define FREF_CHUNK	((size_t)1 << (sizeof(size_t) * 8 - 1))

/* The bytes that end a run of plain field text on the fast path. */
static const unsigned char csv_stop[256] = {
	[','] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1
};

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

struct brul_reader {
	struct brul_in *in;
	enum brul_format fmt;
	long line;		/* of the current record */
	int have_rec;		/* a record is current */
	int empty;		/* no header: every column is "present" */
	int failed;
	struct brul_err err;	/* sticky */
	int pend;		/* a parse error after the queued records */
	struct brul_err pend_err;
	unsigned char *chunk;	/* CHUNK bytes and a sentinel '\n' */
	size_t chunk_len, chunk_pos;
	int eof;
	char **cols;
	int ncols, cols_cap;

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

int
brul_format_parse(const char *s)
{
	if (strcmp(s, "csv") == 0)
		return BRUL_FMT_CSV;
	if (strcmp(s, "ndjson") == 0)
		return BRUL_FMT_NDJSON;
	return -1;
}

static int
r_fail(struct brul_reader *r, struct brul_err *err, long line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
r_fail(struct brul_reader *r, struct brul_err *err, long line,
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

static int
r_report(const struct brul_reader *r, struct brul_err *err)
{
	if (err != NULL)
		*err = r->err;
	return -1;
}

/* Reads the next chunk: 1, 0 at end of input, -1 on error. */
static int
r_read(struct brul_reader *r, struct brul_err *err)
{
	ssize_t n;

	r->chunk_pos = r->chunk_len = 0;
	if (r->eof)
		return 0;
	if ((n = brul_in_read(r->in, r->chunk, CHUNK, &r->err)) == -1) {
		r->failed = 1;
		return r_report(r, err);
	}
	if (n == 0)
		r->eof = 1;
	r->chunk_len = (size_t)n;
	r->chunk[r->chunk_len] = '\n';
	return n > 0;
}

static int
add_col(struct brul_reader *r, const char *name, size_t n)
{
	char *s;
	size_t cap = (size_t)r->cols_cap;

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
	r->cols[r->ncols++] = s;
	return 0;
}

static int
find_col(const struct brul_reader *r, const char *name, size_t n)
{
	int i;

	for (i = 0; i < r->ncols; i++)
		if (strlen(r->cols[i]) == n && memcmp(r->cols[i], name, n) == 0)
			return i;
	return -1;
}

/*
 * CSV.
 */

static void
csv_on_field(void *s, size_t len, void *arg)
{
	struct brul_reader *r = arg;

	if ((r->nf == r->f_cap &&
	    brul_grow(&r->f, &r->f_cap, r->nf + 1, sizeof(*r->f)) == -1) ||
	    (r->data_cap - r->data_len < len &&
	    brul_grow(&r->data, &r->data_cap, r->data_len + len, 1) == -1)) {
		r->oom = 1;
		return;
	}
	if (len > 0)
		memcpy(r->data + r->data_len, s, len);
	r->f[r->nf].off = r->data_len;
	r->f[r->nf].len = len;
	r->nf++;
	r->data_len += len;
}

static long
count_nl(const char *p, size_t n)
{
	const char *q, *end = p + n;
	long k = 0;

	while (p < end && (q = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		k++;
		p = q + 1;
	}
	return k;
}

static void
csv_on_row(int c, void *arg)
{
	struct brul_reader *r = arg;
	struct rec *rec;
	size_t nf = r->nf - r->part_first, off;

	if (nf == 0) {
		/* A blank line (or the LF of a CRLF). */
		if (c == '\n')
			r->next_line++;
		return;
	}
	if (r->nrec == r->rec_cap &&
	    brul_grow(&r->recs, &r->rec_cap, r->nrec + 1, sizeof(*r->recs)) == -1) {
		r->oom = 1;
		return;
	}
	rec = &r->recs[r->nrec++];
	rec->first = r->part_first;
	rec->nf = nf;
	rec->line = r->next_line;
	off = r->f[r->part_first].off;
	r->next_line += count_nl(r->data + off, r->data_len - off) +
	    (c == '\n');
	r->part_first = r->nf;
}

/* Drops the handed-out records, keeping the fields of the record that is
 * still being parsed. */
static void
csv_compact(struct brul_reader *r)
{
	size_t i, base, keep = r->nf - r->part_first;

	if (keep == 0) {
		r->data_len = 0;
		r->nf = 0;
	} else if (r->part_first > 0) {
		base = r->f[r->part_first].off;
		memmove(r->data, r->data + base, r->data_len - base);
		r->data_len -= base;
		memmove(r->f, r->f + r->part_first, keep * sizeof(*r->f));
		for (i = 0; i < keep; i++)
			r->f[i].off -= base;
		r->nf = keep;
	}
	r->part_first = 0;
	r->nrec = r->rec_pos = 0;
}

/* The line a parse error is on: where the partial record starts, plus the
 * newlines in its fields so far. */
static long
csv_err_line(const struct brul_reader *r)
{
	size_t off = r->part_first < r->nf ? r->f[r->part_first].off :
	    r->data_len;

	return r->next_line + count_nl(r->data + off, r->data_len - off) +
	    count_nl((const char *)r->csv.entry_buf, r->csv.entry_pos);
}

static const char *
fref_ptr(const struct brul_reader *r, const struct fref *x)
{
	if (x->off & FREF_CHUNK)
		return (const char *)r->chunk + (x->off & ~FREF_CHUNK);
	return r->data + x->off;
}

/* libcsv is between records (not inside one, nor inside a field). */
static int
csv_at_boundary(const struct brul_reader *r)
{
	return r->nf == r->part_first && r->csv.entry_pos == 0 &&
	    !r->csv.quoted;
}

/* A field of the fast path: trimmed as libcsv trims unquoted fields. */
static int
fast_field(struct brul_reader *r, const unsigned char *s,
    const unsigned char *e)
{
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (r->nf == r->f_cap &&
	    brul_grow(&r->f, &r->f_cap, r->nf + 1, sizeof(*r->f)) == -1)
		return -1;
	r->f[r->nf].off = (size_t)(s - r->chunk) | FREF_CHUNK;
	r->f[r->nf].len = (size_t)(e - s);
	r->nf++;
	return 0;
}

/* Splits whole lines with no quote and no lone CR, from chunk_pos on, and
 * stops at the first other line (or the end of the chunk).  libcsv must be
 * between records. */
static int
csv_fast(struct brul_reader *r)
{
	const unsigned char *p = r->chunk + r->chunk_pos;
	const unsigned char *end = r->chunk + r->chunk_len, *line, *fs;
	struct rec *rec;
	size_t nf0;

	for (;;) {
		line = fs = p;
		nf0 = r->nf;
		for (;;) {
			while (!csv_stop[*p])
				p++;
			if (*p != ',')
				break;
			if (fast_field(r, fs, p) == -1)
				return -1;
			fs = ++p;
		}
		/* The sentinel, a quote or a lone CR: libcsv's business. */
		if (p == end || *p == '"' ||
		    (*p == '\r' && (p + 1 == end || p[1] != '\n')))
			break;
		if (fast_field(r, fs, p) == -1)
			return -1;
		p += *p == '\r' ? 2 : 1;
		r->chunk_pos = (size_t)(p - r->chunk);
		if (r->nf == nf0 + 1 && r->f[nf0].len == 0) {
			/* Only blanks: libcsv skips the line. */
			r->nf = nf0;
			r->next_line++;
			continue;
		}
		if (r->nrec == r->rec_cap && brul_grow(&r->recs, &r->rec_cap,
		    r->nrec + 1, sizeof(*r->recs)) == -1)
			return -1;
		rec = &r->recs[r->nrec++];
		rec->first = nf0;
		rec->nf = r->nf - nf0;
		rec->line = r->next_line++;
		r->part_first = r->nf;
	}
	r->nf = nf0;
	r->chunk_pos = (size_t)(line - r->chunk);
	return 0;
}

/* Parses the rest of the chunk: simple lines here, the others (up to the
 * next newline, while a record is open) through libcsv.  0 or -1; a parse
 * error is kept pending until the records before it are handed out. */
static int
csv_chunk(struct brul_reader *r)
{
	const unsigned char *s, *nl;
	size_t n, used;

	while (r->chunk_pos < r->chunk_len) {
		if (csv_at_boundary(r)) {
			if (csv_fast(r) == -1)
				return -1;
			if (r->chunk_pos == r->chunk_len)
				break;
		}
		s = r->chunk + r->chunk_pos;
		n = r->chunk_len - r->chunk_pos;
		if ((nl = memchr(s, '\n', n)) != NULL)
			n = (size_t)(nl - s) + 1;
		used = csv_parse(&r->csv, s, n, csv_on_field, csv_on_row, r);
		r->chunk_pos += n;
		if (r->oom)
			return -1;
		if (used < n) {
			if (csv_error(&r->csv) != CSV_EPARSE)
				return -1;
			r->pend = 1;
			brul_err_set(&r->pend_err, brul_in_name(r->in),
			    csv_err_line(r), 0, "field %zu: malformed quoting",
			    r->nf - r->part_first + 1);
			r->chunk_pos = r->chunk_len;
		}
	}
	return 0;
}

/* Parses one more chunk, or finishes at the end of the input: 0 or -1. */
static int
csv_more(struct brul_reader *r, struct brul_err *err)
{
	int k;

	csv_compact(r);
	if (r->chunk_pos == r->chunk_len && (k = r_read(r, err)) <= 0) {
		if (k == -1)
			return -1;
		r->csv_done = 1;
		if (csv_fini(&r->csv, csv_on_field, csv_on_row, r) != 0) {
			r->pend = 1;
			brul_err_set(&r->pend_err, brul_in_name(r->in),
			    r->next_line, 0, "unterminated quoted field");
		}
	} else if (csv_chunk(r) == -1)
		r->oom = 1;
	if (r->oom)
		return r_fail(r, err, 0, "out of memory");
	return 0;
}

/* The next record from the queue, parsing more as needed: 1, 0 at the end,
 * -1 on error. */
static int
csv_next(struct brul_reader *r, struct brul_err *err)
{
	struct rec *rec;

	while (r->rec_pos == r->nrec) {
		if (r->pend) {
			r->failed = 1;
			r->err = r->pend_err;
			return r_report(r, err);
		}
		if (r->csv_done)
			return 0;
		if (csv_more(r, err) == -1)
			return -1;
	}
	rec = &r->recs[r->rec_pos++];
	r->line = rec->line;
	r->cur_first = rec->first;
	return 1;
}

static int
csv_header(struct brul_reader *r, struct brul_err *err)
{
	const struct fref *f;
	const char *name;
	size_t i;
	int k;

	if (csv_init(&r->csv, CSV_STRICT | CSV_STRICT_FINI |
	    CSV_REPALL_NL) != 0)
		return r_fail(r, err, 0, "out of memory");
	r->csv_live = 1;
	/* libcsv grows its field buffer by this much at a time. */
	csv_set_blk_size(&r->csv, 65536);
	if ((k = csv_next(r, err)) <= 0) {
		if (k == 0)
			r->empty = 1;
		return k;
	}
	for (i = 0; i < r->recs[r->rec_pos - 1].nf; i++) {
		f = &r->f[r->cur_first + i];
		name = fref_ptr(r, f);
		/* Names are C strings in the API. */
		if (memchr(name, '\0', f->len) != NULL)
			return r_fail(r, err, r->line,
			    "column %zu: a NUL byte in the name", i + 1);
		if (find_col(r, name, f->len) != -1)
			return r_fail(r, err, r->line,
			    "duplicate column name \"%.*s\"",
			    (int)(f->len > 64 ? 64 : f->len), name);
		if (add_col(r, name, f->len) == -1)
			return r_fail(r, err, 0, "out of memory");
	}
	return 0;
}

/*
 * NDJSON.
 */

/* The next line (without its newline): 1, 0 at the end, -1 on error. */
static int
nd_line(struct brul_reader *r, const char **line, size_t *len,
    struct brul_err *err)
{
	const unsigned char *s, *nl;
	size_t avail;
	int k;

	r->lbuf_len = 0;
	for (;;) {
		if (r->chunk_pos == r->chunk_len) {
			if ((k = r_read(r, err)) == -1)
				return -1;
			if (k == 0) {
				if (r->lbuf_len == 0)
					return 0;
				break;
			}
		}
		s = r->chunk + r->chunk_pos;
		avail = r->chunk_len - r->chunk_pos;
		nl = memchr(s, '\n', avail);
		if (nl != NULL)
			avail = (size_t)(nl - s);
		if (nl != NULL && r->lbuf_len == 0) {
			/* The usual case: the line is whole in the chunk. */
			r->chunk_pos += avail + 1;
			*line = (const char *)s;
			*len = avail;
			r->phys_line++;
			return 1;
		}
		if (brul_grow(&r->lbuf, &r->lbuf_cap, r->lbuf_len + avail, 1) == -1)
			return r_fail(r, err, 0, "out of memory");
		memcpy(r->lbuf + r->lbuf_len, s, avail);
		r->lbuf_len += avail;
		r->chunk_pos += avail + (nl != NULL);
		if (nl != NULL)
			break;
	}
	*line = r->lbuf;
	*len = r->lbuf_len;
	r->phys_line++;
	return 1;
}

static int
is_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

static const char *
nd_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

/* A string without escapes, control or non-ASCII bytes, p at its opening
 * quote: its end (after the closing quote), or NULL. */
static const char *
nd_plain_string(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"')
			return p + 1;
		if (c == '\\' || c < 0x20 || c >= 0x80)
			return NULL;
	}
	return NULL;
}

/* A JSON number at p: its end, or NULL; *is_int when it has neither
 * fraction nor exponent. */
static const char *
nd_number(const char *p, const char *end, int *is_int)
{
	*is_int = 1;
	if (p < end && *p == '-')
		p++;
	if (p < end && *p == '0')
		p++;
	else if (p < end && *p >= '1' && *p <= '9')
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (p < end && *p == '.') {
		*is_int = 0;
		if (++p == end || *p < '0' || *p > '9')
			return NULL;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		*is_int = 0;
		if (++p < end && (*p == '+' || *p == '-'))
			p++;
		if (p == end || *p < '0' || *p > '9')
			return NULL;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	return p;
}

/* The column named key[0..n), looked for first where the last key's
 * successor would be; -1 when none. */
static int
nd_col(const struct brul_reader *r, const char *key, size_t n, int hint)
{
	for (int i = 0; i < r->ncols; i++) {
		int c = (hint + i) % r->ncols;

		if (strncmp(r->cols[c], key, n) == 0 && r->cols[c][n] == '\0')
			return c;
	}
	return -1;
}

/* The number text[0..n) into text[] as jansson's value would be formatted
 * back: 0, or -1 to leave the line to jansson (out of its range). */
static int
nd_put_number(struct brul_reader *r, struct ndval *d, const char *t,
    size_t n, int is_int)
{
	int64_t i;
	double v;

	if (brul_grow(&r->text, &r->text_cap, r->text_len + BRUL_NUM_MAX, 1) ==
	    -1)
		return -1;
	d->off = r->text_len;
	d->in_text = 1;
	if (is_int) {
		if (n > 18 || brul_int_parse(t, n, &i) == -1)
			return -1;
		d->n = brul_int_format(r->text + r->text_len, i);
	} else {
		if (brul_num_parse(t, n, &v) == -1 || !isfinite(v))
			return -1;
		d->n = brul_num_shortest(r->text + r->text_len, v);
	}
	r->text_len += d->n;
	return 0;
}

/* Fills r->vals from a line that is a flat object of the simple kind, as
 * nd_fill would from jansson's tree: 1; or 0 for any other line (escapes,
 * non-ASCII text, nesting, a key that is no column or comes twice, a
 * malformed line), which jansson then accepts or rejects. */
static int
nd_fast(struct brul_reader *r, const char *s, size_t n)
{
	const char *p = s, *end = s + n, *q;
	int col = 0;

	memset(r->vals, 0, (size_t)r->ncols * sizeof(*r->vals));
	r->text_len = 0;
	p = nd_ws(p, end);
	if (p == end || *p++ != '{')
		return 0;
	p = nd_ws(p, end);
	if (p < end && *p == '}') {
		p++;
		goto tail;
	}
	for (;;) {
		struct ndval *d;
		int is_int;

		if (p == end || *p != '"' || (q = nd_plain_string(p, end)) ==
		    NULL)
			return 0;
		if ((col = nd_col(r, p + 1, (size_t)(q - p - 2), col)) < 0)
			return 0;
		d = &r->vals[col];
		if (d->seen)
			return 0;	/* a duplicate: jansson's to refuse */
		d->seen = 1;
		p = nd_ws(q, end);
		if (p == end || *p++ != ':')
			return 0;
		p = nd_ws(p, end);
		if (p == end)
			return 0;
		if (*p == '"') {
			if ((q = nd_plain_string(p, end)) == NULL)
				return 0;
			d->s = p + 1;
			d->n = (size_t)(q - p - 2);
		} else if (*p == '-' || (*p >= '0' && *p <= '9')) {
			if ((q = nd_number(p, end, &is_int)) == NULL ||
			    nd_put_number(r, d, p, (size_t)(q - p), is_int) < 0)
				return 0;
		} else if (end - p >= 4 && memcmp(p, "true", 4) == 0) {
			d->s = "true";
			d->n = 4;
			q = p + 4;
		} else if (end - p >= 5 && memcmp(p, "false", 5) == 0) {
			d->s = "false";
			d->n = 5;
			q = p + 5;
		} else if (end - p >= 4 && memcmp(p, "null", 4) == 0)
			q = p + 4;
		else
			return 0;
		p = nd_ws(q, end);
		if (p < end && *p == ',') {
			p = nd_ws(p + 1, end);
			col = (col + 1) % r->ncols;
			continue;
		}
		if (p < end && *p == '}') {
			p++;
			break;
		}
		return 0;
	}
tail:
	return nd_ws(p, end) == end;
}

/* Reads the next object into r->obj: 1, 0 at the end, -1 on error. */
static int
nd_read(struct brul_reader *r, struct brul_err *err)
{
	json_error_t je;
	const char *s = NULL;
	size_t n = 0;
	json_t *v;
	int k;

	if (r->obj != NULL) {
		json_decref(r->obj);
		r->obj = NULL;
	}
	do {
		if ((k = nd_line(r, &s, &n, err)) <= 0)
			return k;
	} while (is_blank(s, n));
	r->line = r->phys_line;
	if ((r->fast = r->ncols > 0 && nd_fast(r, s, n)))
		return 1;
	v = json_loadb(s, n, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
	if (v == NULL)
		return r_fail(r, err, r->line, "column %d: %s", je.column,
		    je.text);
	if (!json_is_object(v)) {
		json_decref(v);
		return r_fail(r, err, r->line, "not a JSON object");
	}
	r->obj = v;
	return 1;
}

/* Text for column col of the current object. */
static int
nd_value(struct brul_reader *r, int col)
{
	struct ndval *d = &r->vals[col];
	json_t *v = json_object_get(r->obj, r->cols[col]);
	char *dump;
	size_t n;

	memset(d, 0, sizeof(*d));
	switch (json_typeof(v != NULL ? v : json_null())) {
	case JSON_NULL:
		return 0;
	case JSON_STRING:
		d->s = json_string_value(v);
		d->n = json_string_length(v);
		return 0;
	case JSON_TRUE:
		d->s = "true";
		d->n = 4;
		return 0;
	case JSON_FALSE:
		d->s = "false";
		d->n = 5;
		return 0;
	default:
		break;
	}
	if (json_is_integer(v) || json_is_real(v)) {
		if (brul_grow(&r->text, &r->text_cap, r->text_len + BRUL_NUM_MAX,
		    1) == -1)
			return -1;
		d->off = r->text_len;
		d->in_text = 1;
		d->n = json_is_integer(v) ?
		    brul_int_format(r->text + r->text_len,
		    json_integer_value(v)) :
		    brul_num_shortest(r->text + r->text_len, json_real_value(v));
		r->text_len += d->n;
		return 0;
	}
	/* An object or array: its compact JSON text. */
	if ((dump = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)) == NULL)
		return -1;
	n = strlen(dump);
	if (brul_grow(&r->text, &r->text_cap, r->text_len + n, 1) == -1) {
		free(dump);
		return -1;
	}
	memcpy(r->text + r->text_len, dump, n);
	free(dump);
	d->off = r->text_len;
	d->in_text = 1;
	d->n = n;
	r->text_len += n;
	return 0;
}

static int
nd_fill(struct brul_reader *r, struct brul_err *err)
{
	int i;

	r->text_len = 0;
	for (i = 0; i < r->ncols; i++)
		if (nd_value(r, i) == -1)
			return r_fail(r, err, 0, "out of memory");
	return 0;
}

static int
nd_vals_fit(struct brul_reader *r)
{
	size_t cap = 0;
	struct ndval *v;

	if (r->cols_cap <= 0)
		return 0;
	/* vals always has cols_cap entries. */
	cap = (size_t)r->cols_cap;
	if ((v = realloc(r->vals, cap * sizeof(*v))) == NULL)
		return -1;
	r->vals = v;
	return 0;
}

static int
nd_first(struct brul_reader *r, struct brul_err *err)
{
	const char *key;
	json_t *v;
	int k;

	if ((k = nd_read(r, err)) <= 0) {
		if (k == 0)
			r->empty = 1;
		return k;
	}
	json_object_foreach(r->obj, key, v) {
		(void)v;
		if (add_col(r, key, strlen(key)) == -1)
			return r_fail(r, err, 0, "out of memory");
	}
	r->nfirst = r->ncols;
	if (nd_vals_fit(r) == -1)
		return r_fail(r, err, 0, "out of memory");
	r->pending = 1;
	return 0;
}

/*
 * The reader.
 */

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
			r_report(r, err);
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
		if ((k = r_read(r, err)) <= 0)
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
	    (r->chunk = malloc(CHUNK + 1)) == NULL ||
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
		k = nd_first(r, err);
	} else
		k = csv_header(r, err);
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

	if ((c = find_col(r, name, strlen(name))) != -1)
		return c;
	if (r->fmt != BRUL_FMT_NDJSON && !r->empty)
		return -1;
	/* NDJSON objects need not all have the same keys, and an empty input
	 * has every column: a name asked for becomes a column, missing where
	 * absent. */
	if (add_col(r, name, strlen(name)) == -1 || nd_vals_fit(r) == -1) {
		r_fail(r, NULL, 0, "out of memory");
		return -1;
	}
	c = r->ncols - 1;
	if (r->vals != NULL)
		memset(&r->vals[c], 0, sizeof(r->vals[c]));
	if (r->obj != NULL && nd_value(r, c) == -1) {
		r_fail(r, NULL, 0, "out of memory");
		return -1;
	}
	return c;
}

int
brul_reader_has_col(struct brul_reader *r, const char *name)
{
	int c = find_col(r, name, strlen(name));

	if (c == -1 && r->empty)
		return brul_reader_col(r, name);
	/* a name only asked for is not a key of the stream */
	if (r->fmt == BRUL_FMT_NDJSON && c >= r->nfirst)
		return -1;
	return c;
}

int
brul_reader_require(struct brul_reader *r, const char *name,
    struct brul_err *err)
{
	int c;

	if (r->failed)
		return r_report(r, err);
	if ((c = brul_reader_has_col(r, name)) != -1)
		return c;
	if (r->failed)
		return r_report(r, err);
	return brul_err_set(err, brul_in_name(r->in), 0, 0,
	    "missing column \"%s\"", name);
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

int
brul_reader_next(struct brul_reader *r, struct brul_err *err)
{
	struct rec *rec;
	int k;

	if (r->failed)
		return r_report(r, err);
	r->have_rec = 0;
	if (r->empty)
		return 0;
	if (r->fmt == BRUL_FMT_CSV) {
		if ((k = csv_next(r, err)) <= 0)
			return k;
		rec = &r->recs[r->rec_pos - 1];
		if (rec->nf != (size_t)r->ncols)
			return r_fail(r, err, r->line,
			    "expected %d fields, found %zu", r->ncols, rec->nf);
	} else {
		if (r->pending)
			r->pending = 0;
		else if ((k = nd_read(r, err)) <= 0)
			return k;
		if (!r->fast && nd_fill(r, err) == -1)
			return -1;
	}
	r->have_rec = 1;
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
		return r_fail(r, err, r->line, "%s: missing value",
		    brul_reader_colname(r, col));
	if (memchr(f->s, '\0', f->n) != NULL)
		return r_fail(r, err, r->line, "%s: contains a NUL byte",
		    brul_reader_colname(r, col));
	return 0;
}

/*
 * The writer.
 */

struct brul_writer {
	struct brul_out *out;
	enum brul_format fmt;
	int ncols;
	int col;		/* fields written in this row */
	char **pre;		/* what goes before each field: "," or the */
	size_t *pre_len;	/* NDJSON key, "{\"ts\":" or ",\"v\":" */
	char *mark;		/* start of the current reservation */
	int failed;
	struct brul_err err;
};

static int
w_fail(struct brul_writer *w, const char *msg)
{
	if (!w->failed) {
		w->failed = 1;
		if (msg != NULL)
			brul_err_set(&w->err, brul_out_name(w->out), 0, 0,
			    "%s", msg);
	}
	return -1;
}

/* Starts field w->col: writes what goes before it and returns room for vmax
 * more bytes (vmax <= INLINE_STR * 6 + 2), or NULL. */
static char *
w_begin(struct brul_writer *w, size_t vmax)
{
	const char *pre;
	size_t n;
	char *p;

	if (w->failed)
		return NULL;
	if (w->col >= w->ncols) {
		w_fail(w, "internal error: more fields than columns");
		return NULL;
	}
	pre = w->pre[w->col];
	n = w->pre_len[w->col];
	if (n + vmax > BRUL_OUT_RESERVE_MAX) {
		/* A very long column name. */
		if (brul_out_write(w->out, pre, n, &w->err) == -1) {
			w_fail(w, NULL);
			return NULL;
		}
		n = 0;
	}
	if ((p = brul_out_reserve(w->out, n + vmax, &w->err)) == NULL) {
		w_fail(w, NULL);
		return NULL;
	}
	memcpy(p, pre, n);
	w->mark = p;
	w->col++;
	return p + n;
}

static int
w_end(struct brul_writer *w, const char *end)
{
	brul_out_commit(w->out, (size_t)(end - w->mark));
	return 0;
}

static int
csv_needs_quote(const char *s, size_t n)
{
	size_t i;

	/* libcsv trims unquoted spaces and tabs at either end.  At the start
	 * of a file, a BOM or gzip's magic number (1f 8b) would be taken for
	 * what they are: quote those and control characters. */
	if ((unsigned char)s[0] <= ' ' || (unsigned char)s[0] == 0xef ||
	    s[n - 1] == ' ' || s[n - 1] == '\t')
		return 1;
	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			return 1;
	return 0;
}

static char *
csv_escape(char *p, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			*p++ = '"';
		*p++ = s[i];
	}
	return p;
}

static char *
json_escape(char *p, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char c;
	size_t i;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\') {
			*p++ = (char)c;
			continue;
		}
		*p++ = '\\';
		switch (c) {
		case '"':
		case '\\':
			*p++ = (char)c;
			break;
		case '\n':
			*p++ = 'n';
			break;
		case '\r':
			*p++ = 'r';
			break;
		case '\t':
			*p++ = 't';
			break;
		case '\b':
			*p++ = 'b';
			break;
		case '\f':
			*p++ = 'f';
			break;
		default:
			*p++ = 'u';
			*p++ = '0';
			*p++ = '0';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	return p;
}

/* Writes n bytes of s escaped, a piece at a time, after the field has been
 * begun (for strings too long to reserve room for at once). */
static int
w_long(struct brul_writer *w, const char *s, size_t n, int quoted)
{
	size_t k, grow_by = w->fmt == BRUL_FMT_CSV ? 2 : 6;
	char *p;

	while (n > 0) {
		k = n < INLINE_STR ? n : INLINE_STR;
		if ((p = brul_out_reserve(w->out, k * grow_by, &w->err)) ==
		    NULL)
			return w_fail(w, NULL);
		w->mark = p;
		if (w->fmt == BRUL_FMT_CSV)
			p = quoted ? csv_escape(p, s, k) : (memcpy(p, s, k),
			    p + k);
		else
			p = json_escape(p, s, k);
		w_end(w, p);
		s += k;
		n -= k;
	}
	return 0;
}

int
brul_writer_str(struct brul_writer *w, const char *s, size_t n)
{
	int quoted = 0, csv = w->fmt == BRUL_FMT_CSV;
	char *p;

	if (s == NULL || (csv && n == 0))
		return brul_writer_null(w);
	if (csv)
		quoted = csv_needs_quote(s, n);
	if (n <= INLINE_STR) {
		if ((p = w_begin(w, n * (csv ? 2 : 6) + 2)) == NULL)
			return -1;
		if (csv && !quoted) {
			memcpy(p, s, n);
			return w_end(w, p + n);
		}
		*p++ = '"';
		p = csv ? csv_escape(p, s, n) : json_escape(p, s, n);
		*p++ = '"';
		return w_end(w, p);
	}
	if ((p = w_begin(w, 1)) == NULL)
		return -1;
	if (!csv || quoted)
		*p++ = '"';
	w_end(w, p);
	if (w_long(w, s, n, quoted) == -1)
		return -1;
	if (!csv || quoted) {
		if ((p = brul_out_reserve(w->out, 1, &w->err)) == NULL)
			return w_fail(w, NULL);
		*p = '"';
		brul_out_commit(w->out, 1);
	}
	return 0;
}

int
brul_writer_cstr(struct brul_writer *w, const char *s)
{
	return brul_writer_str(w, s, s == NULL ? 0 : strlen(s));
}

int
brul_writer_token(struct brul_writer *w, const char *s, size_t n)
{
	int csv = w->fmt == BRUL_FMT_CSV;
	char *p;

	if (n == 0 || n > INLINE_STR)
		return brul_writer_str(w, s, n);
	if ((p = w_begin(w, n + 2)) == NULL)
		return -1;
	if (!csv)
		*p++ = '"';
	memcpy(p, s, n);
	p += n;
	if (!csv)
		*p++ = '"';
	return w_end(w, p);
}

int
brul_writer_fixed(struct brul_writer *w, double v, int decimals)
{
	char *p;

	if (!isfinite(v))
		return brul_writer_null(w);
	if ((p = w_begin(w, BRUL_NUM_MAX)) == NULL)
		return -1;
	return w_end(w, p + brul_num_fixed(p, v, decimals));
}

int
brul_writer_double(struct brul_writer *w, double v)
{
	char *p;

	if (!isfinite(v))
		return brul_writer_null(w);
	if ((p = w_begin(w, BRUL_NUM_MAX)) == NULL)
		return -1;
	return w_end(w, p + brul_num_shortest(p, v));
}

int
brul_writer_int(struct brul_writer *w, int64_t v)
{
	char *p;

	if ((p = w_begin(w, BRUL_NUM_MAX)) == NULL)
		return -1;
	return w_end(w, p + brul_int_format(p, v));
}

int
brul_writer_bool(struct brul_writer *w, int v)
{
	const char *s;
	size_t n;
	char *p;

	if (w->fmt == BRUL_FMT_CSV) {
		s = v ? "1" : "0";
		n = 1;
	} else {
		s = v ? "true" : "false";
		n = v ? 4 : 5;
	}
	if ((p = w_begin(w, n)) == NULL)
		return -1;
	memcpy(p, s, n);
	return w_end(w, p + n);
}

int
brul_writer_time(struct brul_writer *w, int64_t t)
{
	char *p;
	int q = w->fmt == BRUL_FMT_NDJSON;

	if ((p = w_begin(w, BRUL_TIME_LEN + 2)) == NULL)
		return -1;
	if (q)
		*p++ = '"';
	p += brul_time_format(p, t);
	if (q)
		*p++ = '"';
	return w_end(w, p);
}

int
brul_writer_date(struct brul_writer *w, int64_t day)
{
	char *p;
	int q = w->fmt == BRUL_FMT_NDJSON;

	if ((p = w_begin(w, BRUL_DATE_LEN + 2)) == NULL)
		return -1;
	if (q)
		*p++ = '"';
	p += brul_date_format(p, day);
	if (q)
		*p++ = '"';
	return w_end(w, p);
}

int
brul_writer_null(struct brul_writer *w)
{
	char *p;

	if ((p = w_begin(w, 4)) == NULL)
		return -1;
	if (w->fmt == BRUL_FMT_NDJSON) {
		memcpy(p, "null", 4);
		p += 4;
	} else if (w->ncols == 1) {
		/* Else the row would be a blank line, which readers skip. */
		memcpy(p, "\"\"", 2);
		p += 2;
	}
	return w_end(w, p);
}

int
brul_writer_end(struct brul_writer *w)
{
	char *p;
	const char *end = w->fmt == BRUL_FMT_CSV ? "\n" :
	    w->ncols == 0 ? "{}\n" : "}\n";
	size_t n = strlen(end);

	if (w->failed)
		return -1;
	if (w->col != w->ncols) {
		char msg[80];

		snprintf(msg, sizeof(msg), "internal error: row has %d fields, "
		    "expected %d", w->col, w->ncols);
		return w_fail(w, msg);
	}
	if ((p = brul_out_reserve(w->out, n, &w->err)) == NULL)
		return w_fail(w, NULL);
	memcpy(p, end, n);
	brul_out_commit(w->out, n);
	w->col = 0;
	return 0;
}

const struct brul_err *
brul_writer_err(const struct brul_writer *w)
{
	return w->failed ? &w->err : NULL;
}

void
brul_writer_free(struct brul_writer *w)
{
	int i;

	if (w == NULL)
		return;
	for (i = 0; i < w->ncols; i++)
		free(w->pre[i]);
	free(w->pre);
	free(w->pre_len);
	free(w);
}

struct brul_writer *
brul_writer_new(struct brul_out *out, enum brul_format fmt,
    const char *const *cols, int ncols, struct brul_err *err)
{
	struct brul_writer *w;
	size_t n;
	char *p;
	int i;

	if (ncols < 0)
		ncols = 0;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		goto oom;
	w->out = out;
	w->fmt = fmt == BRUL_FMT_NDJSON ? BRUL_FMT_NDJSON : BRUL_FMT_CSV;
	if ((w->pre = calloc((size_t)ncols + 1, sizeof(*w->pre))) == NULL ||
	    (w->pre_len = calloc((size_t)ncols + 1,
	    sizeof(*w->pre_len))) == NULL)
		goto oom;
	for (i = 0; i < ncols; i++) {
		n = strlen(cols[i]);
		if ((p = w->pre[i] = malloc(n * 6 + 4)) == NULL)
			goto oom;
		w->ncols = i + 1;
		if (w->fmt == BRUL_FMT_CSV) {
			if (i > 0)
				*p++ = ',';
		} else {
			*p++ = i == 0 ? '{' : ',';
			*p++ = '"';
			p = json_escape(p, cols[i], n);
			*p++ = '"';
			*p++ = ':';
		}
		w->pre_len[i] = (size_t)(p - w->pre[i]);
	}
	if (w->fmt == BRUL_FMT_CSV) {
		for (i = 0; i < ncols; i++)
			brul_writer_cstr(w, cols[i]);
		if (brul_writer_end(w) == -1) {
			if (err != NULL)
				*err = w->err;
			brul_writer_free(w);
			return NULL;
		}
	}
	return w;
oom:
	brul_writer_free(w);
	brul_err_set(err, brul_out_name(out), 0, 0, "out of memory");
	return NULL;
}
