/*
 * fuzz-ndjson.c: libFuzzer target for the NDJSON reader (and, through the
 * first two bytes, the gzip input).  Every record must be what jansson
 * makes of its line (the reader scans simple lines itself and must agree,
 * accepting and refusing alike); every record is drained through every
 * typed accessor; then the records are written back with the NDJSON writer
 * (as strings) and read again, and must come back the same.
 */
#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "core/id.h"
#include "core/num.h"
#include "core/reader.h"
#include "core/writer.h"

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

/* Column name's text in jansson's object, as the reader makes it. */
static int
ref_same(json_t *obj, const char *name, struct brul_field f)
{
	json_t *v = json_object_get(obj, name);
	char buf[BRUL_NUM_MAX], *dump;
	size_t n;
	int same;

	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_NULL:
		return f.s == NULL;
	case JSON_STRING:
		return f.s != NULL && f.n == json_string_length(v) &&
		    memcmp(f.s, json_string_value(v), f.n) == 0;
	case JSON_TRUE:
		return f.n == 4 && memcmp(f.s, "true", 4) == 0;
	case JSON_FALSE:
		return f.n == 5 && memcmp(f.s, "false", 5) == 0;
	case JSON_INTEGER:
		n = brul_int_format(buf, json_integer_value(v));
		return f.n == n && memcmp(f.s, buf, n) == 0;
	case JSON_REAL:
		n = brul_num_shortest(buf, json_real_value(v));
		return f.n == n && memcmp(f.s, buf, n) == 0;
	default:
		dump = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		same = dump && f.n == strlen(dump) && memcmp(f.s, dump, f.n) == 0;
		free(dump);
		return same;
	}
}

/* Whether jansson's object holds, in a column the reader checks for ids,
 * a value whose text is not one: the reader refuses the record there. */
static int
ref_bad_id(json_t *obj, struct brul_reader *r, int ncols)
{
	char buf[BRUL_NUM_MAX];
	const char *s;
	size_t max, n;

	for (int c = 0; c < ncols; c++) {
		const char *name = brul_reader_colname(r, c);
		json_t *v = json_object_get(obj, name);

		if ((max = brul_id_column(name)) == 0 || v == NULL)
			continue;
		switch (json_typeof(v)) {
		case JSON_STRING:
			s = json_string_value(v);
			n = json_string_length(v);
			break;
		case JSON_INTEGER:
			n = brul_int_format(buf, json_integer_value(v));
			s = buf;
			break;
		case JSON_REAL:
			n = brul_num_shortest(buf, json_real_value(v));
			s = buf;
			break;
		case JSON_OBJECT:
		case JSON_ARRAY:
			return 1;
		default:
			continue;	/* null, true, false */
		}
		if (!brul_id_ok(s, n, max))
			return 1;
	}
	return 0;
}

static int
blank(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/* Plain input that starts with an object: each non-blank line against
 * jansson's reading of it. */
static void
compare(const uint8_t *data, size_t size)
{
	struct brul_err err;
	struct brul_reader *r;
	const uint8_t *p = data, *end = data + size;
	int n, k;

	if (size == 0 || data[0] != '{' ||
	    (r = brul_reader_open_mem(data, size, BRUL_FMT_NDJSON, &err)) ==
	    NULL)
		return;
	n = brul_reader_ncols(r);
	for (;;) {
		const uint8_t *nl;
		json_t *obj;
		size_t len;

		/* the next non-blank line */
		do {
			if (p >= end) {
				if (brul_reader_next(r, &err) != 0)
					abort();
				goto out;
			}
			nl = memchr(p, '\n', (size_t)(end - p));
			len = nl ? (size_t)(nl - p) : (size_t)(end - p);
			if (!blank(p, len))
				break;
			p += len + 1;
		} while (1);
		obj = json_loadb((const char *)p, len, JSON_DECODE_ANY |
		    JSON_REJECT_DUPLICATES, NULL);
		k = brul_reader_next(r, &err);
		if (!json_is_object(obj)) {
			if (k != -1)
				abort();	/* accepted what jansson refuses */
			json_decref(obj);
			goto out;
		}
		if (k == -1 && ref_bad_id(obj, r, n)) {
			json_decref(obj);	/* an id that is not one */
			goto out;
		}
		if (k != 1)
			abort();		/* refused what jansson takes */
		for (int c = 0; c < n; c++)
			if (!ref_same(obj, brul_reader_colname(r, c),
			    brul_reader_field(r, c)))
				abort();
		json_decref(obj);
		p += len + 1;
	}
out:
	brul_reader_close(r);
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
