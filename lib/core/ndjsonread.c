/*
 * ndjsonread.c: the NDJSON side of the reader (see reader.h): one object
 * per line, the keys of the first one the columns, through jansson or, for
 * plain lines, scanned here.
 *
 * The lines nearly every stream is made of (flat objects of plain
 * ASCII strings, numbers, true, false and null) are scanned here; any
 * other line goes to json_loadb(), which allocates a tree per line and
 * would cost thirty times the decompression.  Field text is made for the
 * columns only (numbers are formatted back, so a typed accessor parses
 * text in both formats alike, and both paths give the same text).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/grow.h"
#include "core/num.h"
#include "core/readerint.h"

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
			if ((k = brul_reader_read_chunk(r, err)) == -1)
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
			return brul_reader_fail(r, err, 0, "out of memory");
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
 * brul_ndjsonread_fill would from jansson's tree: 1; or 0 for any other
 * line (escapes, non-ASCII text, nesting, a key that is no column or comes
 * twice, a malformed line), which jansson then accepts or rejects. */
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
int
brul_ndjsonread_next(struct brul_reader *r, struct brul_err *err)
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
		return brul_reader_fail(r, err, r->line, "column %d: %s",
		    je.column, je.text);
	if (!json_is_object(v)) {
		json_decref(v);
		return brul_reader_fail(r, err, r->line, "not a JSON object");
	}
	r->obj = v;
	return 1;
}

/* Text for column col of the current object. */
int
brul_ndjsonread_value(struct brul_reader *r, int col)
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

int
brul_ndjsonread_fill(struct brul_reader *r, struct brul_err *err)
{
	int i;

	r->text_len = 0;
	for (i = 0; i < r->ncols; i++)
		if (brul_ndjsonread_value(r, i) == -1)
			return brul_reader_fail(r, err, 0, "out of memory");
	return 0;
}

int
brul_ndjsonread_fit(struct brul_reader *r)
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

int
brul_ndjsonread_first(struct brul_reader *r, struct brul_err *err)
{
	const char *key;
	json_t *v;
	int k;

	if ((k = brul_ndjsonread_next(r, err)) <= 0)
		return k == 0 ? brul_reader_fail(r, err, 0, "empty: no object "
		    "(did the command before it fail?)") : k;
	json_object_foreach(r->obj, key, v) {
		(void)v;
		if (brul_reader_add_col(r, key, strlen(key)) == -1)
			return brul_reader_fail(r, err, 0, "out of memory");
	}
	r->nfirst = r->ncols;
	if (brul_ndjsonread_fit(r) == -1)
		return brul_reader_fail(r, err, 0, "out of memory");
	r->pending = 1;
	return 0;
}
