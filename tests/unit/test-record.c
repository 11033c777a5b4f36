/*
 * test-record.c: CSV and NDJSON records in and out.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/reader.h"
#include "core/writer.h"
#include "tap.h"

static struct brul_reader *
mem(const char *s, enum brul_format fmt, struct brul_err *err)
{
	return brul_reader_open_mem(s, strlen(s), fmt, err);
}

/* Field col of the current record as a C string ("<missing>" if so). */
static const char *
fs(struct brul_reader *r, int col, char *buf, size_t n)
{
	struct brul_field f = brul_reader_field(r, col);

	if (f.s == NULL)
		return "<missing>";
	snprintf(buf, n, "%.*s", (int)f.n, f.s);
	return buf;
}

static const char *
errstr(const struct brul_err *e, char *buf, size_t n)
{
	return brul_err_str(e, buf, n);
}

static void
test_csv_basic(struct tap *t)
{
	const char *in = "\xef\xbb\xbf" "ts,name,v\r\n"
	    "2026-01-01T00:00:00Z,\"a,b\",1.5\r\n"
	    "\r\n"
	    "2026-01-01T00:00:01Z,\"two\nlines\",\r\n"
	    "2026-01-01T00:00:02Z,\"q\"\"q\",\"\"\r\n"
	    "2026-01-01T00:00:03Z,\" sp \",  7  \n"
	    "2026-01-01T00:00:04Z,last,8";
	struct brul_err err;
	struct brul_reader *r = mem(in, BRUL_FMT_AUTO, &err);
	char b[256];
	double v = -1;
	int64_t ts = 0;

	if (!tap_ok(t, r != NULL, "csv: open"))
		return;
	tap_ok(t, brul_reader_format(r) == BRUL_FMT_CSV, "csv: detected");
	tap_ok(t, brul_reader_ncols(r) == 3, "csv: 3 columns");
	tap_streq(t, brul_reader_colname(r, 0), "ts",
	    "csv: the BOM is not part of the first name");
	tap_ok(t, brul_reader_col(r, "v") == 2 &&
	    brul_reader_col(r, "nope") == -1, "csv: columns by name");

	tap_ok(t, brul_reader_next(r, &err) == 1, "csv: record 1");
	tap_ok(t, brul_reader_line(r) == 2, "csv: record 1 is on line 2");
	tap_streq(t, fs(r, 1, b, sizeof(b)), "a,b", "csv: quoted comma");
	tap_ok(t, brul_reader_double(r, 2, &v, &err) == 1 && v == 1.5,
	    "csv: double");
	tap_ok(t, brul_reader_time(r, 0, &ts, &err) == 1 &&
	    ts == 1767225600, "csv: time");

	tap_ok(t, brul_reader_next(r, &err) == 1, "csv: record 2");
	tap_ok(t, brul_reader_line(r) == 4,
	    "csv: a blank CRLF line counts as a line");
	tap_streq(t, fs(r, 1, b, sizeof(b)), "two\nlines",
	    "csv: quoted newline");
	v = -1;
	tap_ok(t, brul_reader_double(r, 2, &v, &err) == 0 && v == -1,
	    "csv: an empty field is missing, the value untouched");

	tap_ok(t, brul_reader_next(r, &err) == 1 && brul_reader_line(r) == 6,
	    "csv: record 3 on line 6, after the quoted newline");
	tap_streq(t, fs(r, 1, b, sizeof(b)), "q\"q", "csv: doubled quote");
	tap_streq(t, fs(r, 2, b, sizeof(b)), "<missing>",
	    "csv: a quoted empty field is missing");

	tap_ok(t, brul_reader_next(r, &err) == 1 && brul_reader_line(r) == 7,
	    "csv: record 4");
	tap_streq(t, fs(r, 1, b, sizeof(b)), " sp ",
	    "csv: quoted spaces are kept");
	tap_streq(t, fs(r, 2, b, sizeof(b)), "7",
	    "csv: unquoted spaces are trimmed");

	tap_ok(t, brul_reader_next(r, &err) == 1 && brul_reader_line(r) == 8,
	    "csv: a last line without a newline");
	tap_streq(t, fs(r, 2, b, sizeof(b)), "8", "csv: its last field");
	tap_ok(t, brul_reader_next(r, &err) == 0, "csv: end");
	tap_ok(t, brul_reader_next(r, &err) == 0, "csv: end again");
	tap_streq(t, fs(r, 0, b, sizeof(b)), "<missing>",
	    "csv: no fields after the end");
	brul_reader_close(r);
}

static void
test_csv_errors(struct tap *t)
{
	struct brul_err err;
	struct brul_reader *r;
	char b[700];
	double v;
	int64_t i;
	int ok;

	r = mem("a,voltage_v\n1,2\n3,abc\n", BRUL_FMT_CSV, &err);
	tap_ok(t, brul_reader_require(r, "current_a", &err) == -1,
	    "require: a missing column is an error");
	tap_streq(t, errstr(&err, b, sizeof(b)),
	    "<memory>: missing column \"current_a\"",
	    "require: the message names it");
	tap_ok(t, brul_reader_require(r, "voltage_v", &err) == 1,
	    "require: a present column");
	brul_reader_next(r, &err);
	brul_reader_next(r, &err);
	tap_ok(t, brul_reader_double(r, 1, &v, &err) == -1,
	    "double: malformed");
	tap_streq(t, errstr(&err, b, sizeof(b)),
	    "<memory>:3: voltage_v: not a number: \"abc\"",
	    "double: the message");
	tap_ok(t, brul_reader_int(r, 1, &i, &err) == -1 &&
	    strcmp(err.msg, "voltage_v: not an integer: \"abc\"") == 0,
	    "int: the message");
	tap_ok(t, brul_reader_time(r, 1, &i, &err) == -1 &&
	    strcmp(err.msg, "voltage_v: not a timestamp: \"abc\"") == 0,
	    "time: the message");
	tap_ok(t, brul_reader_date(r, 1, &i, &err) == -1 &&
	    strcmp(err.msg, "voltage_v: not a date: \"abc\"") == 0,
	    "date: the message");
	brul_reader_close(r);

	r = mem("a\n\"x\ty\"\"\x01 0123456789012345678901234567890123456789\"\n",
	    BRUL_FMT_CSV, &err);
	brul_reader_next(r, &err);
	brul_reader_double(r, 0, &v, &err);
	tap_streq(t, err.msg, "a: not a number: "
	    "\"x\\ty\\\"\\x01 0123456789012345678901234567890123...\"",
	    "bad values are escaped and cut short");
	brul_reader_close(r);

	r = mem("a,b,c\n1,2,3\n4,5\n", BRUL_FMT_CSV, &err);
	ok = brul_reader_next(r, &err) == 1 && brul_reader_next(r, &err) == -1;
	tap_ok(t, ok, "csv: a short record is an error");
	tap_streq(t, errstr(&err, b, sizeof(b)),
	    "<memory>:3: expected 3 fields, found 2",
	    "csv: field count message");
	tap_ok(t, brul_reader_next(r, &err) == -1, "csv: errors stick");
	brul_reader_close(r);

	r = mem("a,b\n1,2\n\"x\nx\",\"y\"z\n", BRUL_FMT_CSV, &err);
	ok = brul_reader_next(r, &err) == 1 && brul_reader_next(r, &err) == -1;
	tap_ok(t, ok, "csv: malformed quoting is an error after the good rows");
	tap_streq(t, errstr(&err, b, sizeof(b)),
	    "<memory>:4: field 2: malformed quoting",
	    "csv: malformed quoting, with its line");
	brul_reader_close(r);

	r = mem("a,b\n1,\"2\n", BRUL_FMT_CSV, &err);
	ok = brul_reader_next(r, &err) == -1;
	tap_ok(t, ok && strcmp(err.msg, "unterminated quoted field") == 0 &&
	    err.line == 2, "csv: unterminated quote");
	brul_reader_close(r);

	r = mem("a,b,a\n1,2,3\n", BRUL_FMT_CSV, &err);
	tap_ok(t, r == NULL && strcmp(err.msg,
	    "duplicate column name \"a\"") == 0 && err.line == 1,
	    "csv: duplicate header names");

	r = brul_reader_open("/nonexistent/x.csv", BRUL_FMT_AUTO, &err);
	tap_ok(t, r == NULL && strcmp(err.msg,
	    "cannot open: No such file or directory") == 0 &&
	    strcmp(err.where, "/nonexistent/x.csv") == 0,
	    "open: a missing file");
}

static void
test_empty(struct tap *t)
{
	const char *cases[] = { "", "\xef\xbb\xbf", "\n\r\n  \n" };
	struct brul_err err;
	struct brul_reader *r;
	size_t i;

	/* What a failed command leaves in a pipe: not a stream. */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[512];

		brul_err_clear(&err);
		r = mem(cases[i], BRUL_FMT_AUTO, &err);
		tap_ok(t, r == NULL && strcmp(brul_err_str(&err, buf,
		    sizeof buf), "<memory>: empty: no header row (did the "
		    "command before it fail?)") == 0, "empty input: an error");
		brul_reader_close(r);
	}
	r = mem("a,b\n", BRUL_FMT_AUTO, &err);
	tap_ok(t, r != NULL && brul_reader_ncols(r) == 2 &&
	    brul_reader_next(r, &err) == 0 && brul_reader_records(r) == 0,
	    "header only: columns, no records");
	tap_ok(t, brul_reader_col(r, "c") == -1,
	    "header only: other columns do not exist");
	brul_reader_close(r);
}

static void
test_ndjson(struct tap *t)
{
	const char *in = "\n{\"ts\":\"2026-01-01T00:00:00Z\",\"v\":1,\"x\":null}\n"
	    "\n"
	    "{\"v\":2.5,\"ts\":\"2026-01-02T00:00:00Z\",\"extra\":\"e\","
	    "\"ok\":true}\r\n"
	    "{\"x\":{\"a\":[1,2]},\"v\":-3e-7,\"ok\":false}";
	struct brul_err err;
	struct brul_reader *r = mem(in, BRUL_FMT_AUTO, &err);
	char b[256];
	double v;
	int64_t iv;
	int x, ok, bv;

	if (!tap_ok(t, r != NULL, "ndjson: open"))
		return;
	tap_ok(t, brul_reader_format(r) == BRUL_FMT_NDJSON,
	    "ndjson: detected");
	tap_ok(t, brul_reader_ncols(r) == 3 &&
	    strcmp(brul_reader_colname(r, 2), "x") == 0,
	    "ndjson: columns are the first object's keys, in order");
	x = brul_reader_col(r, "x");
	ok = brul_reader_col(r, "ok");
	tap_ok(t, ok == 3, "ndjson: a column not in the first object");
	tap_ok(t, brul_reader_next(r, &err) == 1 && brul_reader_line(r) == 2,
	    "ndjson: record 1 on line 2");
	tap_ok(t, brul_reader_int(r, 1, &iv, &err) == 1 && iv == 1,
	    "ndjson: integer");
	tap_streq(t, fs(r, x, b, sizeof(b)), "<missing>",
	    "ndjson: null is missing");
	tap_streq(t, fs(r, ok, b, sizeof(b)), "<missing>",
	    "ndjson: an absent key is missing");
	tap_ok(t, brul_reader_next(r, &err) == 1 && brul_reader_line(r) == 4,
	    "ndjson: blank lines skipped and counted");
	tap_ok(t, brul_reader_double(r, 1, &v, &err) == 1 && v == 2.5,
	    "ndjson: real");
	tap_streq(t, fs(r, 0, b, sizeof(b)), "2026-01-02T00:00:00Z",
	    "ndjson: keys in another order");
	tap_streq(t, fs(r, ok, b, sizeof(b)), "true", "ndjson: true");
	tap_ok(t, brul_reader_bool(r, ok, &bv, &err) == 1 && bv == 1,
	    "ndjson: bool accessor");
	tap_ok(t, brul_reader_col(r, "extra") == 4 &&
	    strcmp(fs(r, 4, b, sizeof(b)), "e") == 0,
	    "ndjson: a column asked for mid-stream has its value at once");
	tap_ok(t, brul_reader_next(r, &err) == 1 && brul_reader_line(r) == 5,
	    "ndjson: last line without a newline");
	tap_streq(t, fs(r, x, b, sizeof(b)), "{\"a\":[1,2]}",
	    "ndjson: nested values as compact JSON");
	tap_streq(t, fs(r, 1, b, sizeof(b)), "-3e-07",
	    "ndjson: reals in shortest form");
	tap_streq(t, fs(r, ok, b, sizeof(b)), "false", "ndjson: false");
	tap_streq(t, fs(r, 0, b, sizeof(b)), "<missing>",
	    "ndjson: absent again");
	tap_ok(t, brul_reader_next(r, &err) == 0, "ndjson: end");
	brul_reader_close(r);

	r = mem("{\"a\":1}\n{\"a\":2,}\n", BRUL_FMT_AUTO, &err);
	tap_ok(t, brul_reader_next(r, &err) == 1 &&
	    brul_reader_next(r, &err) == -1, "ndjson: bad JSON is an error");
	errstr(&err, b, sizeof(b));
	tap_ok(t, strncmp(b, "<memory>:2: column ", 19) == 0,
	    "ndjson: error with line and column");
	printf("# %s\n", b);
	brul_reader_close(r);

	r = mem("{\"a\":1}\n[1]\n", BRUL_FMT_AUTO, &err);
	brul_reader_next(r, &err);
	tap_ok(t, brul_reader_next(r, &err) == -1 &&
	    strcmp(errstr(&err, b, sizeof(b)),
	    "<memory>:2: not a JSON object") == 0, "ndjson: not an object");
	brul_reader_close(r);

	r = mem("{\"a\":1,\"a\":2}\n", BRUL_FMT_AUTO, &err);
	tap_ok(t, r == NULL && err.line == 1, "ndjson: duplicate keys");

	/* lines after the first are scanned without jansson when simple:
	 * the same text as jansson's, the same refusals */
	r = mem("{\"a\":1,\"b\":\"x\"}\n"
	    "{\"b\":\"y\",\"a\":1.50}\n"
	    " { \"a\" : 1E2 , \"b\" : \"q\\\"r\" } \n"
	    "{\"a\":-0,\"b\":\"caf\xc3\xa9\"}\n"
	    "{\"a\":2,\"a\":3}\n", BRUL_FMT_AUTO, &err);
	brul_reader_next(r, &err);
	tap_ok(t, brul_reader_next(r, &err) == 1 &&
	    strcmp(fs(r, 0, b, sizeof(b)), "1.5") == 0 &&
	    strcmp(fs(r, 1, b, sizeof(b)), "y") == 0,
	    "ndjson: a simple line: reals in shortest form, keys in any order");
	tap_ok(t, brul_reader_next(r, &err) == 1 &&
	    strcmp(fs(r, 0, b, sizeof(b)), "100") == 0 &&
	    strcmp(fs(r, 1, b, sizeof(b)), "q\"r") == 0,
	    "ndjson: white space, an exponent, an escape");
	tap_ok(t, brul_reader_next(r, &err) == 1 &&
	    strcmp(fs(r, 0, b, sizeof(b)), "0") == 0 &&
	    strcmp(fs(r, 1, b, sizeof(b)), "caf\xc3\xa9") == 0,
	    "ndjson: -0 as jansson has it, UTF-8 text");
	tap_ok(t, brul_reader_next(r, &err) == -1 && err.line == 5,
	    "ndjson: a duplicate key on a later line is refused");
	brul_reader_close(r);
}

/* The error of the first failing record of s, as brul_err_str says it,
 * and the records read before it. */
static const char *
first_error(const char *s, char *b, size_t n, int *ok)
{
	struct brul_err err;
	struct brul_reader *r = mem(s, BRUL_FMT_AUTO, &err);
	int k;

	*ok = 0;
	if (r == NULL)
		return errstr(&err, b, n);
	/* NDJSON: a column asked for that the first object lacks */
	brul_reader_col(r, "string_id");
	while ((k = brul_reader_next(r, &err)) == 1)
		(*ok)++;
	if (k == 0)
		snprintf(b, n, "end");
	else
		errstr(&err, b, n);
	brul_reader_close(r);
	return b;
}

/* Every id column, in CSV and NDJSON, is checked in every record: an id
 * that would forge a field is refused with its position (issue 15, item
 * 11); a missing one is not; columns that hold no id are not checked. */
static void
test_reader_ids(struct tap *t)
{
	char b[512], id64[65], id65[66], line[256];
	int ok;

	memset(id64, 'B', 64);
	id64[64] = '\0';
	memset(id65, 'B', 65);
	id65[65] = '\0';
	tap_streq(t, first_error("battery_id,string_id,note\n"
	    "B0001-1,CMI-REC1-S1,\"say \"\"hi\"\", ok\"\n"
	    "B0002-1,,\n", b, sizeof b, &ok), "end",
	    "ids: good ids, a missing one and free text pass");
	tap_streq(t, first_error("ts,battery_id,soc_pct\n"
	    "2026-01-01T00:00:00Z,B0001-1,50\n"
	    "2026-01-01T00:00:00Z,\"B0001-1\"\",\"\"soc_pct\"\":\"\"999\","
	    "50\n", b, sizeof b, &ok),
	    "<memory>:3: battery_id: not an id ('\"' at byte 8: an id holds "
	    "ASCII letters, digits, '-', '_' and '.'): "
	    "\"B0001-1\\\",\\\"soc_pct\\\":\\\"999\"",
	    "ids: csv: a quote in an id, with its line and column");
	tap_ok(t, ok == 1, "ids: csv: the record before it was read");
	tap_streq(t, first_error("{\"ts\":\"2026-01-01T00:00:00Z\","
	    "\"battery_id\":\"B0001-1\\\",\\\"soc_pct\\\":\\\"999\"}\n",
	    b, sizeof b, &ok),
	    "<memory>:1: battery_id: not an id ('\"' at byte 8: an id holds "
	    "ASCII letters, digits, '-', '_' and '.'): "
	    "\"B0001-1\\\",\\\"soc_pct\\\":\\\"999\"",
	    "ids: ndjson: the same");
	tap_streq(t, first_error("{\"battery_id\":\"B1\"}\n"
	    "{\"battery_id\":\"B2\",\"string_id\":\"S 1\"}\n",
	    b, sizeof b, &ok),
	    "<memory>:2: string_id: not an id (' ' at byte 2: an id holds "
	    "ASCII letters, digits, '-', '_' and '.'): \"S 1\"",
	    "ids: ndjson: a column asked for, absent from the first object");
	tap_streq(t, first_error("{\"battery_id\":\"B1\",\"site_id\":\"\"}\n",
	    b, sizeof b, &ok),
	    "<memory>:1: site_id: not an id (empty): \"\"",
	    "ids: ndjson: an empty string is not missing");
	tap_streq(t, first_error("{\"battery_id\":\"B1\",\"site_id\":null,"
	    "\"model_id\":42}\n", b, sizeof b, &ok), "end",
	    "ids: ndjson: null is missing, a number's text is an id");
	tap_streq(t, first_error("{\"battery_id\":{\"a\":1}}\n",
	    b, sizeof b, &ok),
	    "<memory>:1: battery_id: not an id ('{' at byte 1: an id holds "
	    "ASCII letters, digits, '-', '_' and '.'): \"{\\\"a\\\":1}\"",
	    "ids: ndjson: an object is not an id");
	snprintf(line, sizeof line, "system_id,model_id\nS1,%s\nS2,%s\n",
	    id64, id65);
	tap_streq(t, first_error(line, b, sizeof b, &ok),
	    "<memory>:3: model_id: not an id (65 bytes: an id has at most "
	    "64): \"BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB...\"",
	    "ids: 64 bytes pass, 65 do not");
	snprintf(line, sizeof line, "alert_id,scope\n%s%s,CMI\n"
	    "a,../etc\n", id64, id64);
	tap_streq(t, first_error(line, b, sizeof b, &ok),
	    "<memory>:3: scope: not an id ('.' first: an id begins with a "
	    "letter or a digit): \"../etc\"",
	    "ids: alert_id takes 128 bytes; an event's scope is an id");
}

/* The bytes a writer makes for one known row, in a format. */
static char *
write_row(enum brul_format fmt, const char *path, int *werr)
{
	static const char *const cols[] = { "ts", "battery_id", "voltage_v",
	    "current_a", "note", "ok", "date", "n", "x\"y" };
	struct brul_out_opts o = { .threads = 1 };
	struct brul_err err;
	struct brul_out *out = brul_out_open(path, &o, &err);
	struct brul_writer *w = brul_writer_new(out, fmt, cols, 9, &err);
	char *buf = calloc(1, 4096);
	FILE *f;

	brul_writer_time(w, 1767225600);
	brul_writer_cstr(w, "B0001-1");
	brul_writer_fixed(w, 13.5124, 3);
	brul_writer_double(w, -0.1);
	brul_writer_cstr(w, "say \"hi\",\n\ttab\x01\\");
	brul_writer_bool(w, 1);
	brul_writer_date(w, 20454);
	brul_writer_int(w, -42);
	brul_writer_null(w);
	brul_writer_end(w);
	*werr = brul_writer_err(w) != NULL;
	brul_writer_free(w);
	if (brul_out_close(out, &err) == -1)
		*werr = 1;
	if ((f = fopen(path, "rb")) != NULL) {
		if (fread(buf, 1, 4095, f) == 0)
			buf[0] = '\0';
		fclose(f);
	}
	return buf;
}

static void
test_writer(struct tap *t, const char *dir)
{
	struct brul_out_opts o = { .threads = 1 };
	static const char *const one[] = { "v" };
	struct brul_err err;
	struct brul_out *out;
	struct brul_writer *w;
	char p[128], *s;
	int werr;

	snprintf(p, sizeof(p), "%s/row.csv", dir);
	s = write_row(BRUL_FMT_CSV, p, &werr);
	tap_ok(t, !werr, "writer csv: no error");
	tap_streq(t, s, "ts,battery_id,voltage_v,current_a,note,ok,date,n,"
	    "\"x\"\"y\"\n"
	    "2026-01-01T00:00:00Z,B0001-1,13.512,-0.1,"
	    "\"say \"\"hi\"\",\n\ttab\x01\\\",1,2026-01-01,-42,\n",
	    "writer csv: exact bytes");
	free(s);
	snprintf(p, sizeof(p), "%s/row.ndjson", dir);
	s = write_row(BRUL_FMT_NDJSON, p, &werr);
	tap_ok(t, !werr, "writer ndjson: no error");
	tap_streq(t, s, "{\"ts\":\"2026-01-01T00:00:00Z\","
	    "\"battery_id\":\"B0001-1\",\"voltage_v\":13.512,"
	    "\"current_a\":-0.1,"
	    "\"note\":\"say \\\"hi\\\",\\n\\ttab\\u0001\\\\\",\"ok\":true,"
	    "\"date\":\"2026-01-01\",\"n\":-42,\"x\\\"y\":null}\n",
	    "writer ndjson: exact bytes");
	free(s);

	snprintf(p, sizeof(p), "%s/bad.csv", dir);
	out = brul_out_open(p, &o, &err);
	w = brul_writer_new(out, BRUL_FMT_CSV, one, 1, &err);
	brul_writer_null(w);
	brul_writer_end(w);
	brul_writer_double(w, 0.0 / 0.0);
	brul_writer_end(w);
	tap_ok(t, brul_writer_err(w) == NULL, "writer: missing values");
	brul_writer_int(w, 1);
	brul_writer_int(w, 2);
	tap_ok(t, brul_writer_end(w) == -1 && brul_writer_err(w) != NULL,
	    "writer: too many fields is an error");
	brul_writer_free(w);
	brul_out_close(out, &err);
	{
		struct brul_reader *r = brul_reader_open(p, BRUL_FMT_AUTO,
		    &err);
		int n = 0;

		while (brul_reader_next(r, &err) == 1 &&
		    brul_reader_field(r, 0).s == NULL)
			n++;
		tap_ok(t, n == 2, "writer: a lone missing column reads back "
		    "as missing, not as a blank line");
		brul_reader_close(r);
	}
}

/* The bytes of rows of brul_writer_token(id) and brul_writer_str(note), in
 * a format. */
static char *
write_tokens(enum brul_format fmt, const char *path, const char *const *ids,
	     int n)
{
	static const char *const cols[] = { "battery_id", "soc_pct" };
	struct brul_out_opts o = { .threads = 1 };
	struct brul_err err;
	struct brul_out *out = brul_out_open(path, &o, &err);
	struct brul_writer *w = brul_writer_new(out, fmt, cols, 2, &err);
	char *buf = calloc(1, 4096);
	FILE *f;

	for (int i = 0; i < n; i++) {
		brul_writer_token(w, ids[i], strlen(ids[i]));
		brul_writer_fixed(w, 50, 2);
		brul_writer_end(w);
	}
	brul_writer_free(w);
	brul_out_close(out, &err);
	if ((f = fopen(path, "rb")) != NULL) {
		if (fread(buf, 1, 4095, f) == 0)
			buf[0] = '\0';
		fclose(f);
	}
	return buf;
}

/* brul_writer_token given what is not a token quotes it: an id that holds
 * a quote or a comma cannot forge a field (issue 15, item 11). */
static void
test_writer_token_forges_nothing(struct tap *t, const char *dir)
{
	static const char *const ids[] = { "B0001-1",
	    "B0001-1\",\"soc_pct\":\"999", "B0001-1,999", " B1", "" };
	char p[128], *s;

	snprintf(p, sizeof(p), "%s/token.ndjson", dir);
	s = write_tokens(BRUL_FMT_NDJSON, p, ids, 5);
	tap_streq(t, s, "{\"battery_id\":\"B0001-1\",\"soc_pct\":50.00}\n"
	    "{\"battery_id\":\"B0001-1\\\",\\\"soc_pct\\\":\\\"999\","
	    "\"soc_pct\":50.00}\n"
	    "{\"battery_id\":\"B0001-1,999\",\"soc_pct\":50.00}\n"
	    "{\"battery_id\":\" B1\",\"soc_pct\":50.00}\n"
	    "{\"battery_id\":\"\",\"soc_pct\":50.00}\n",
	    "writer token ndjson: a quote is escaped, no field is forged");
	free(s);
	snprintf(p, sizeof(p), "%s/token.csv", dir);
	s = write_tokens(BRUL_FMT_CSV, p, ids, 5);
	tap_streq(t, s, "battery_id,soc_pct\n"
	    "B0001-1,50.00\n"
	    "\"B0001-1\"\",\"\"soc_pct\"\":\"\"999\",50.00\n"
	    "\"B0001-1,999\",50.00\n"
	    "\" B1\",50.00\n"
	    ",50.00\n",
	    "writer token csv: quoted when it must be, no column gained");
	free(s);
}

/* Writes rows with every kind of value, through gzip, and reads them back:
 * the values must be exact. */
static void
test_roundtrip(struct tap *t, const char *dir, enum brul_format fmt)
{
	static const char *const cols[] = { "ts", "id", "v", "f", "s", "d",
	    "b" };
	struct brul_out_opts o = { .threads = 2 };
	struct brul_err err;
	struct brul_out *out;
	struct brul_writer *w;
	struct brul_reader *r;
	char p[128], s[6000], name[64];
	int64_t ts, id, day;
	double v, f;
	int i, n = 60000, bad = 0, c[7], bv;
	long line = 2;
	struct brul_field fl;

	snprintf(p, sizeof(p), "%s/rt.%s.gz", dir,
	    fmt == BRUL_FMT_CSV ? "csv" : "ndjson");
	out = brul_out_open(p, &o, &err);
	w = brul_writer_new(out, fmt, cols, 7, &err);
	for (i = 0; i < n; i++) {
		brul_writer_time(w, 1767225600 + i * 60);
		brul_writer_int(w, i % 7 == 0 ? INT64_MIN + i : i);
		brul_writer_double(w, i * 0.1 + 1e-9);
		brul_writer_fixed(w, i / 3.0, 3);
		if (i % 1000 == 0) {
			/* A long string, escaped piece by piece. */
			memset(s, i % 2000 ? '"' : ',', sizeof(s) - 1);
			s[sizeof(s) - 1] = '\0';
			brul_writer_cstr(w, s);
		} else if (i % 5 == 0)
			brul_writer_cstr(w, "multi\nline, \"quoted\"");
		else
			brul_writer_null(w);
		brul_writer_date(w, 20000 + i);
		brul_writer_bool(w, i & 1);
		brul_writer_end(w);
	}
	tap_ok(t, brul_writer_err(w) == NULL, "round trip: writer ok");
	brul_writer_free(w);
	tap_ok(t, brul_out_close(out, &err) == 0, "round trip: close");

	r = brul_reader_open(p, BRUL_FMT_AUTO, &err);
	if (!tap_ok(t, r != NULL && brul_reader_format(r) == fmt,
	    "round trip: open, format detected"))
		return;
	for (i = 0; i < 7; i++)
		c[i] = brul_reader_require(r, cols[i], &err);
	for (i = 0; i < n; i++) {
		if (brul_reader_next(r, &err) != 1) {
			bad++;
			break;
		}
		if (brul_reader_time(r, c[0], &ts, &err) != 1 ||
		    ts != 1767225600 + i * 60 ||
		    brul_reader_int(r, c[1], &id, &err) != 1 ||
		    id != (i % 7 == 0 ? INT64_MIN + i : i) ||
		    brul_reader_double(r, c[2], &v, &err) != 1 ||
		    v != i * 0.1 + 1e-9 ||
		    brul_reader_double(r, c[3], &f, &err) != 1 ||
		    fabs(f - i / 3.0) > 0.0005 ||
		    brul_reader_date(r, c[5], &day, &err) != 1 ||
		    day != 20000 + i ||
		    brul_reader_bool(r, c[6], &bv, &err) != 1 ||
		    bv != (i & 1))
			bad++;
		fl = brul_reader_field(r, c[4]);
		if (i % 1000 == 0) {
			memset(s, i % 2000 ? '"' : ',', sizeof(s) - 1);
			if (fl.n != sizeof(s) - 1 || memcmp(fl.s, s, fl.n) != 0)
				bad++;
		} else if (i % 5 == 0) {
			if (fl.n != 20 || memcmp(fl.s,
			    "multi\nline, \"quoted\"", 20) != 0)
				bad++;
		} else if (fl.s != NULL)
			bad++;
		if (brul_reader_line(r) != (fmt == BRUL_FMT_CSV ? line : i + 1))
			bad++;
		line += i % 5 == 0 && i % 1000 != 0 ? 2 : 1;
	}
	snprintf(name, sizeof(name), "round trip %s via gzip: exact values",
	    fmt == BRUL_FMT_CSV ? "csv" : "ndjson");
	tap_ok(t, bad == 0, name);
	if (bad)
		printf("#   at row %d: %s\n", i, err.msg);
	tap_ok(t, brul_reader_next(r, &err) == 0, "round trip: the end");
	brul_reader_close(r);
}

/* Records that straddle the reader's chunks, quoted newlines included. */
static void
test_chunks(struct tap *t, const char *dir)
{
	struct brul_out_opts o = { .threads = 1 };
	struct brul_err err;
	struct brul_out *out;
	struct brul_reader *r;
	char p[128], line[200];
	int i, n = 40000, bad = 0, len;
	long want = 2;
	int64_t k;

	snprintf(p, sizeof(p), "%s/chunks.csv", dir);
	out = brul_out_open(p, &o, &err);
	brul_out_write(out, "k,text\n", 7, &err);
	for (i = 0; i < n; i++) {
		if (i % 3 == 0)
			len = snprintf(line, sizeof(line),
			    "%d,\"line %d\n\nmore \"\"%d\"\"\"\r\n", i, i, i);
		else
			len = snprintf(line, sizeof(line), "%d,t%d\n", i, i);
		brul_out_write(out, line, (size_t)len, &err);
	}
	brul_out_close(out, &err);
	r = brul_reader_open(p, BRUL_FMT_AUTO, &err);
	for (i = 0; i < n; i++) {
		if (brul_reader_next(r, &err) != 1 ||
		    brul_reader_int(r, 0, &k, &err) != 1 || k != i ||
		    brul_reader_line(r) != want) {
			bad++;
			break;
		}
		want += i % 3 == 0 ? 3 : 1;
	}
	tap_ok(t, bad == 0 && brul_reader_next(r, &err) == 0,
	    "csv: records across chunk boundaries, lines counted");
	if (bad)
		printf("#   row %d line %ld want %ld\n", i,
		    brul_reader_line(r), want);
	brul_reader_close(r);
}

int
main(void)
{
	struct tap t = { 0, 0 };
	char dir[64], cmd[100];

	snprintf(dir, sizeof(dir), "/tmp/test-record.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	test_csv_basic(&t);
	test_csv_errors(&t);
	test_empty(&t);
	test_ndjson(&t);
	test_reader_ids(&t);
	test_writer(&t, dir);
	test_writer_token_forges_nothing(&t, dir);
	test_roundtrip(&t, dir, BRUL_FMT_CSV);
	test_roundtrip(&t, dir, BRUL_FMT_NDJSON);
	test_chunks(&t, dir);
	tap_ok(&t, brul_format_parse("csv") == BRUL_FMT_CSV &&
	    brul_format_parse("ndjson") == BRUL_FMT_NDJSON &&
	    brul_format_parse("json") == -1, "format names");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return tap_done(&t);
}
