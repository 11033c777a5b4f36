/*
 * csvread.c: the CSV side of the reader (see reader.h): the header row and
 * the records, through libcsv or, for plain lines, split here.
 *
 * A chunk of input at a time becomes a queue of complete records that
 * next() hands out one by one; memory is one chunk's records plus the record
 * that straddles the chunk's end.  Lines without a quote or a lone CR (nearly
 * all of them) are split here, with libcsv's rules (fields trimmed of spaces
 * and tabs, blank lines skipped), their fields pointing into the chunk:
 * libcsv's byte-at-a-time state machine would cost three times the gzip
 * decompression.  Every other line goes through libcsv, whose callbacks
 * copy field bytes into one buffer and note offsets.  libcsv reports every
 * line end (CSV_REPALL_NL) so that blank lines still count; a record's line
 * is 1 + the newlines before it, those inside quoted fields included.
 */
#include <stdint.h>
#include <string.h>

#include <csv.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "core/grow.h"
#include "core/readerint.h"


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

/* libcsv is between records (not inside one, nor inside a field). */
static int
csv_at_boundary(const struct brul_reader *r)
{
	return r->nf == r->part_first && r->csv.entry_pos == 0 &&
	    !r->csv.quoted;
}

/* The bytes among the 64 at p that end a run of plain field text, as
 * bits (bit k for p[k]). */
static inline uint64_t
stops64(const unsigned char *p)
{
#ifdef __SSE2__
	const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n');
	const __m128i cr = _mm_set1_epi8('\r'), quote = _mm_set1_epi8('"');
	uint64_t bits = 0;

	for (int k = 0; k < 4; k++) {
		__m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * k));
		__m128i m = _mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(x, comma),
		    _mm_cmpeq_epi8(x, lf)),
		    _mm_or_si128(_mm_cmpeq_epi8(x, cr),
		    _mm_cmpeq_epi8(x, quote)));

		bits |= (uint64_t)(unsigned)_mm_movemask_epi8(m) << (16 * k);
	}
	return bits;
#else
	uint64_t bits = 0;

	for (int k = 0; k < 64; k++)
		bits |= (uint64_t)(p[k] == ',' || p[k] == '\n' ||
		    p[k] == '\r' || p[k] == '"') << k;
	return bits;
#endif
}

/* The stop bytes from a point on, handed out in order.  It reads up to 63
 * bytes past the last one it hands out: the chunk's sentinel is a stop
 * byte and CHUNK_SLACK bytes follow it. */
struct scan {
	const unsigned char *at;	/* the 64 bytes bits covers */
	uint64_t bits;			/* stops at or after the last one */
};

static inline void
scan_init(struct scan *sc, const unsigned char *p)
{
	sc->at = p;
	sc->bits = stops64(p);
}

static inline const unsigned char *
scan_next(struct scan *sc)
{
	const unsigned char *q;

	while (sc->bits == 0) {
		sc->at += 64;
		sc->bits = stops64(sc->at);
	}
	q = sc->at + __builtin_ctzll(sc->bits);
	sc->bits &= sc->bits - 1;
	return q;
}

/* A field of the fast path: trimmed as libcsv trims unquoted fields. */
static inline int
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
	struct scan sc;
	size_t nf0;

	scan_init(&sc, p);
	for (;;) {
		line = fs = p;
		nf0 = r->nf;
		while (*(p = scan_next(&sc)) == ',') {
			if (fast_field(r, fs, p) == -1)
				return -1;
			fs = p + 1;
		}
		/* The sentinel, a quote or a lone CR: libcsv's business. */
		if (p == end || *p == '"' ||
		    (*p == '\r' && (p + 1 == end || p[1] != '\n')))
			break;
		if (fast_field(r, fs, p) == -1)
			return -1;
		if (*p == '\r')
			p = scan_next(&sc);	/* the CRLF's LF */
		p++;
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
	if (r->chunk_pos == r->chunk_len &&
	    (k = brul_reader_read_chunk(r, err)) <= 0) {
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
		return brul_reader_fail(r, err, 0, "out of memory");
	return 0;
}

/* The next record from the queue, parsing more as needed: 1, 0 at the end,
 * -1 on error. */
int
brul_csvread_next(struct brul_reader *r, struct brul_err *err)
{
	struct rec *rec;

	while (r->rec_pos == r->nrec) {
		if (r->pend) {
			r->failed = 1;
			r->err = r->pend_err;
			return brul_reader_report(r, err);
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

int
brul_csvread_header(struct brul_reader *r, struct brul_err *err)
{
	const struct fref *f;
	const char *name;
	size_t i;
	int k;

	if (csv_init(&r->csv, CSV_STRICT | CSV_STRICT_FINI |
	    CSV_REPALL_NL) != 0)
		return brul_reader_fail(r, err, 0, "out of memory");
	r->csv_live = 1;
	/* libcsv grows its field buffer by this much at a time. */
	csv_set_blk_size(&r->csv, 65536);
	if ((k = brul_csvread_next(r, err)) <= 0)
		return k == 0 ? brul_reader_fail(r, err, 0, "empty: no header "
		    "row (did the command before it fail?)") : k;
	for (i = 0; i < r->recs[r->rec_pos - 1].nf; i++) {
		f = &r->f[r->cur_first + i];
		name = fref_ptr(r, f);
		/* Names are C strings in the API. */
		if (memchr(name, '\0', f->len) != NULL)
			return brul_reader_fail(r, err, r->line,
			    "column %zu: a NUL byte in the name", i + 1);
		if (brul_reader_find_col(r, name, f->len) != -1)
			return brul_reader_fail(r, err, r->line,
			    "duplicate column name \"%.*s\"",
			    (int)(f->len > 64 ? 64 : f->len), name);
		if (brul_reader_add_col(r, name, f->len) == -1)
			return brul_reader_fail(r, err, 0, "out of memory");
	}
	return 0;
}
