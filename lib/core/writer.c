/*
 * writer.c: records with named columns, written as CSV or NDJSON (see
 * writer.h).  What goes before each field ("," or the NDJSON key) is made
 * once, at creation; a field reserves room in the output stream for that
 * and its value, formats them in place and commits.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/num.h"
#include "core/timefmt.h"
#include "core/writer.h"

#define INLINE_STR	4096	/* strings up to this are escaped in one go */

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

/* Whether s[0..n) is letters, digits and "-_.:+" only: bytes neither
 * format quotes or escapes. */
static int
plain_token(const char *s, size_t n)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || c == '-' || c == '_' ||
		    c == '.' || c == ':' || c == '+'))
			return 0;
	}
	return 1;
}

int
brul_writer_token(struct brul_writer *w, const char *s, size_t n)
{
	int csv = w->fmt == BRUL_FMT_CSV;
	char *p;

	/* An id is read from a stream: quote it when it needs it rather
	 * than trust it (a '"' would close the field and forge the next). */
	if (s == NULL || n == 0 || n > INLINE_STR || !plain_token(s, n))
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
