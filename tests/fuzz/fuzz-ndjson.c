/*
 * fuzz-ndjson.c: libFuzzer target for the NDJSON reader (and, through the
 * first two bytes, the gzip input).  Every record is drained through every
 * typed accessor; then the records are written back with the NDJSON writer
 * (as strings) and read again, and must come back the same.
 */
#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_COLS 64

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

	if ((r = brul_reader_open_mem(data, size, BRUL_FMT_NDJSON, &err)) ==
	    NULL)
		return 0;
	n = brul_reader_ncols(r);
	(void)brul_reader_col(r, "ts");
	(void)brul_reader_require(r, "voltage_v", &err);
	/* The same records, written back (only when names are plain C
	 * strings, as the writer takes them). */
	fd = n > 0 && n <= MAX_COLS ? memfd_create("fuzz-ndjson", 0) : -1;
	if (fd != -1) {
		for (c = 0; c < n; c++)
			names[c] = brul_reader_colname(r, c);
		snprintf(path, sizeof(path), "/dev/fd/%d", fd);
		out = brul_out_open(path, NULL, &err);
		if (out != NULL)
			w = brul_writer_new(out, BRUL_FMT_NDJSON, names, n, &err);
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
	r = brul_reader_open_mem(data, size, BRUL_FMT_NDJSON, &err);
	if ((back = brul_reader_open(path, BRUL_FMT_NDJSON, &err)) == NULL ||
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
