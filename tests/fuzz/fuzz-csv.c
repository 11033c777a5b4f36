/*
 * fuzz-csv.c: libFuzzer target for the CSV reader (and, through the first
 * two bytes, the gzip input).
 *
 * Three checks beyond "no crash, no leak": the records must be those libcsv
 * gives when it parses the whole input itself (the reader splits simple
 * lines on its own, and must agree); every field goes through every typed
 * accessor; and the records written back with the CSV writer must read
 * back the same.
 */
#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>

#include "core/id.h"
#include "core/reader.h"
#include "core/writer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_COLS 64

/* libcsv's own view: fields as (length, bytes), each record ended by a
 * length of SIZE_MAX. */
struct ref {
	unsigned char *p;
	size_t n, cap, pos;
	size_t nf;		/* fields in the record being built */
	int bad;
};

static void
ref_put(struct ref *f, const void *s, size_t n)
{
	if (f->cap - f->n < n) {
		f->cap = (f->n + n) * 2;
		if ((f->p = realloc(f->p, f->cap)) == NULL)
			abort();
	}
	memcpy(f->p + f->n, s, n);
	f->n += n;
}

static void
ref_field(void *s, size_t n, void *arg)
{
	struct ref *f = arg;

	ref_put(f, &n, sizeof(n));
	ref_put(f, s, n);
	f->nf++;
}

static void
ref_row(int c, void *arg)
{
	struct ref *f = arg;
	size_t end = SIZE_MAX;

	(void)c;
	if (f->nf > 0)
		ref_put(f, &end, sizeof(end));
	f->nf = 0;
}

static void
ref_parse(struct ref *f, const uint8_t *data, size_t size)
{
	struct csv_parser p;

	memset(f, 0, sizeof(*f));
	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
		f->bad = -1;	/* gzip: not compared */
		return;
	}
	if (size >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		size -= 3;
	}
	csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL);
	if (csv_parse(&p, data, size, ref_field, ref_row, f) < size ||
	    csv_fini(&p, ref_field, ref_row, f) != 0)
		f->bad = 1;
	csv_free(&p);
}

/* The next reference record: its field count, or -1 at the end. */
static long
ref_next(struct ref *f, size_t *at)
{
	size_t n, k = 0;

	*at = f->pos;
	for (;;) {
		if (f->pos >= f->n)
			return k == 0 ? -1 : -2;	/* -2: cut by an error */
		memcpy(&n, f->p + f->pos, sizeof(n));
		f->pos += sizeof(n);
		if (n == SIZE_MAX)
			return (long)k;
		f->pos += n;
		k++;
	}
}

static int
ref_same(const struct ref *f, size_t at, int i, struct brul_field x)
{
	size_t n;

	for (;;) {
		memcpy(&n, f->p + at, sizeof(n));
		at += sizeof(n);
		if (i-- == 0)
			break;
		at += n;
	}
	if (n == 0)
		return x.s == NULL;
	return x.s != NULL && x.n == n && memcmp(x.s, f->p + at, n) == 0;
}

/* Whether the reference record at at holds, in a column the reader
 * checks for ids, a field that is not one: the reader fails there. */
static int
ref_bad_id(const struct ref *f, size_t at, struct brul_reader *r, int ncols)
{
	size_t n, max;
	int c;

	for (c = 0; c < ncols; c++) {
		memcpy(&n, f->p + at, sizeof(n));
		at += sizeof(n);
		max = brul_id_column(brul_reader_colname(r, c));
		if (max > 0 && n > 0 &&
		    !brul_id_ok((const char *)f->p + at, n, max))
			return 1;
		at += n;
	}
	return 0;
}

static void
compare(const uint8_t *data, size_t size)
{
	struct brul_err err;
	struct brul_reader *r;
	struct ref f;
	size_t at;
	long k;
	int c, n, got;

	ref_parse(&f, data, size);
	if (f.bad == -1 ||
	    (r = brul_reader_open_mem(data, size, BRUL_FMT_CSV, &err)) == NULL) {
		free(f.p);
		return;
	}
	n = brul_reader_ncols(r);
	k = ref_next(&f, &at);
	if (n == 0 ? k >= 0 : k != n)
		abort();
	for (c = 0; c < n; c++) {
		const char *name = brul_reader_colname(r, c);
		struct brul_field x = { name, strlen(name) };

		if (x.n == 0)
			x.s = NULL;
		if (!ref_same(&f, at, c, x))
			abort();
	}
	while ((got = brul_reader_next(r, &err)) == 1) {
		if (ref_next(&f, &at) != n)
			abort();
		for (c = 0; c < n; c++)
			if (!ref_same(&f, at, c, brul_reader_field(r, c)))
				abort();
	}
	k = ref_next(&f, &at);
	/* An end where libcsv ends; an error where libcsv fails, at a
	 * record of the wrong length, or at one with a bad id. */
	if (got == 0 && (k != -1 || f.bad))
		abort();
	if (got == -1 && !(k == n ? ref_bad_id(&f, at, r, n) :
	    k >= 0 || f.bad))
		abort();
	brul_reader_close(r);
	free(f.p);
}

static void
touch(struct brul_reader *r, int c)
{
	struct brul_err err;
	double d;
	int64_t i;
	int b;

	(void)brul_reader_double(r, c, &d, &err);
	(void)brul_reader_int(r, c, &i, &err);
	(void)brul_reader_time(r, c, &i, &err);
	(void)brul_reader_date(r, c, &i, &err);
	(void)brul_reader_bool(r, c, &b, &err);
}

static int
same_field(struct brul_field a, struct brul_field b)
{
	if (a.s == NULL || b.s == NULL)
		return a.s == b.s;
	return a.n == b.n && memcmp(a.s, b.s, a.n) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *names[MAX_COLS];
	struct brul_err err;
	struct brul_reader *r, *back = NULL;
	struct brul_out *out = NULL;
	struct brul_writer *w = NULL;
	char path[64];
	int c, n, fd, k;

	compare(data, size);
	if ((r = brul_reader_open_mem(data, size, BRUL_FMT_CSV, &err)) ==
	    NULL)
		return 0;
	n = brul_reader_ncols(r);
	(void)brul_reader_col(r, "ts");
	(void)brul_reader_require(r, "voltage_v", &err);
	fd = n > 0 && n <= MAX_COLS ? memfd_create("fuzz-csv", 0) : -1;
	if (fd != -1) {
		for (c = 0; c < n; c++)
			names[c] = brul_reader_colname(r, c);
		snprintf(path, sizeof(path), "/dev/fd/%d", fd);
		out = brul_out_open(path, NULL, &err);
		if (out != NULL)
			w = brul_writer_new(out, BRUL_FMT_CSV, names, n, &err);
	}
	while ((k = brul_reader_next(r, &err)) == 1) {
		for (c = -1; c <= n; c++)
			touch(r, c);
		if (w == NULL)
			continue;
		for (c = 0; c < n; c++) {
			struct brul_field f = brul_reader_field(r, c);

			brul_writer_str(w, f.s, f.n);
		}
		brul_writer_end(w);
	}
	if (w != NULL && brul_writer_err(w) != NULL)
		abort();
	brul_writer_free(w);
	if (out != NULL && brul_out_close(out, &err) == -1)
		abort();
	if (out == NULL || k == -1)
		goto done;
	brul_reader_close(r);
	/* Read both again, side by side. */
	r = brul_reader_open_mem(data, size, BRUL_FMT_CSV, &err);
	if ((back = brul_reader_open(path, BRUL_FMT_CSV, &err)) == NULL ||
	    brul_reader_ncols(back) != n)
		abort();
	while ((k = brul_reader_next(r, &err)) == 1) {
		if (brul_reader_next(back, &err) != 1)
			abort();
		for (c = 0; c < n; c++)
			if (!same_field(brul_reader_field(r, c),
			    brul_reader_field(back, c)))
				abort();
	}
	if (k != 0 || brul_reader_next(back, &err) != 0)
		abort();
done:
	brul_reader_close(back);
	brul_reader_close(r);
	if (fd != -1)
		close(fd);
	return 0;
}
