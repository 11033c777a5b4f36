/*
 * brul-import: a monitor's or a test bench's CSV export in, brul's
 * telemetry out.  See brul-import(1).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "battery/import.h"
#include "core/progress.h"
#include "core/stream.h"
#include "core/writer.h"

static const char synopsis[] =
    "usage: brul-import [--preset NAME] [--column FIELD=NAME ...]\n"
    "                   [--unit FIELD=UNIT ...] [--discharge negative|positive]\n"
    "                   [--tz ZONE] [--start TIME] [--interval DURATION]\n"
    "                   [--battery-id ID] [--skip-lines N] [--cells N]\n"
    "                   [--capacity AH] [--drop-bad] [--keep-held]\n"
    "                   [--missing TEXT] [--where COLUMN=VALUE]\n"
    "                   [--format csv|ndjson] [-z] [-o FILE]\n"
    "                   [--progress | --quiet] [FILE ...]\n";

static const char help[] =
"Reads a battery monitor's or a test bench's CSV export (plain or gzip;\n"
"files in order, or stdin) and writes brul's telemetry stream.\n"
"\n"
"  --preset NAME       a known layout: digatron, digatron-eis, bboxx, tetra\n"
"  --column F=NAME     the export's column NAME holds field F (ts, elapsed,\n"
"                      battery_id, voltage_v, current_a, temperature_c,\n"
"                      resistance_mohm, reactance_mohm, frequency_hz);\n"
"                      NAME may list several as A|B\n"
"  --unit F=UNIT       the column's unit: V mV, A mA, degC K degF,\n"
"                      mOhm uOhm Ohm, Hz kHz; elapsed s ms min h\n"
"  --discharge SIGN    the export's discharge current is negative\n"
"                      (default) or positive\n"
"  --tz ZONE           local times are in ZONE (UTC)\n"
"  --start TIME        when elapsed time 0 (or the first row) is\n"
"  --interval DURATION time between rows, for an export without times\n"
"  --battery-id ID     the battery's id (default: from the file)\n"
"  --skip-lines N      the header is line N+1 (default: found by names)\n"
"  --cells N           cells the voltage spans (6: a 12 V block)\n"
"  --capacity AH       the block's capacity: currents above 10 C refused\n"
"                      (without it, above 1000 A)\n"
"  --drop-bad          leave out rows with a value no unit makes plausible\n"
"                      (a logger's glitch), noted on stderr\n"
"  --keep-held         keep a voltage that repeats, to the digit, one the\n"
"                      current stepped away from (default: written empty,\n"
"                      a logger's held reading; noted on stderr)\n"
"  --missing TEXT      a cell holding TEXT (or its number) has no value\n"
"  --where COL=VALUE   only the rows whose column COL holds VALUE\n"
"  --format FMT        output csv (default) or ndjson\n"
"  -z, --gzip          compress (also implied by -o NAME.gz)\n"
"  --force             write gzip to a terminal anyway\n"
"  -o, --output FILE   write to FILE instead of stdout\n"
"  --progress          show progress on stderr, even off a terminal\n"
"  -q, --quiet         show no progress, no notes (\"FILE: 0 rows\")\n"
"  --help, --version\n";

static const struct brul_cli cli = { "brul-import", "[options] [FILE ...]",
    synopsis, help };

#define MAX_MAPS 32

struct options {
	struct brul_import_opts im;
	struct brul_cli_stream out;
	const char *preset;
	const char *columns[MAX_MAPS], *units[MAX_MAPS];
	int ncolumns, nunits;
	int discharge;		/* -1 negative, 1 positive, 0 as the preset */
	const char *tz, *start, *interval, *capacity;
	const char *where, *missing;
	char where_col[256];
};

enum {
	OPT_BATTERY_ID = 256, OPT_CAPACITY, OPT_CELLS, OPT_COLUMN,
	OPT_DISCHARGE, OPT_DROP_BAD, OPT_INTERVAL, OPT_KEEP_HELD, OPT_MISSING,
	OPT_PRESET, OPT_SKIP_LINES, OPT_START, OPT_TZ, OPT_UNIT, OPT_WHERE
};

static const struct option longopts[] = {
	BRUL_CLI_OPTIONS,
	BRUL_CLI_STREAM_OPTIONS,
	BRUL_CLI_PROGRESS_OPTIONS,
	{ "battery-id", required_argument, NULL, OPT_BATTERY_ID },
	{ "capacity", required_argument, NULL, OPT_CAPACITY },
	{ "cells", required_argument, NULL, OPT_CELLS },
	{ "column", required_argument, NULL, OPT_COLUMN },
	{ "discharge", required_argument, NULL, OPT_DISCHARGE },
	{ "drop-bad", no_argument, NULL, OPT_DROP_BAD },
	{ "keep-held", no_argument, NULL, OPT_KEEP_HELD },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "missing", required_argument, NULL, OPT_MISSING },
	{ "preset", required_argument, NULL, OPT_PRESET },
	{ "skip-lines", required_argument, NULL, OPT_SKIP_LINES },
	{ "start", required_argument, NULL, OPT_START },
	{ "tz", required_argument, NULL, OPT_TZ },
	{ "unit", required_argument, NULL, OPT_UNIT },
	{ "where", required_argument, NULL, OPT_WHERE },
	{ NULL, 0, NULL, 0 }
};

/* A zone the system's database has (glibc would take any other name as
 * UTC without a word), made the process's: local times are read in it. */
static void
set_zone(const char *tz)
{
	const char *dir = getenv("TZDIR");
	char path[4096];
	struct stat st;

	if (dir == NULL || *dir == '\0')
		dir = "/usr/share/zoneinfo";
	if (strcmp(tz, "UTC") != 0 && (*tz == '\0' || *tz == '/' ||
	    strstr(tz, "..") != NULL || (size_t)snprintf(path, sizeof path,
	    "%s/%s", dir, tz) >= sizeof path || stat(path, &st) < 0 ||
	    !S_ISREG(st.st_mode)))
		brul_cli_refusef(&cli, "--tz", "unknown time zone \"%s\" "
		    "(none such in %s)", tz, dir);
	if (setenv("TZ", tz, 1) < 0)
		brul_cli_refuse(&cli, "--tz", "cannot set TZ");
	tzset();
}

static void
parse(int argc, char **argv, struct options *o)
{
	struct brul_err e;
	int64_t iv;
	int ch, i;

	while ((ch = getopt_long(argc, argv, "o:qz", longopts, NULL)) != -1) {
		if (brul_cli_option(&cli, &o->out, ch, optarg))
			continue;
		switch (ch) {
		case OPT_BATTERY_ID:
			o->im.battery_id = optarg;
			break;
		case OPT_CAPACITY:
			o->capacity = optarg;
			break;
		case OPT_CELLS:
			o->im.cells = (int)brul_cli_long(&cli, "--cells",
			    optarg, 1, 1000);
			break;
		case OPT_COLUMN:
			if (o->ncolumns == MAX_MAPS)
				brul_cli_misuse(&cli, "more than %d --column",
				    MAX_MAPS);
			o->columns[o->ncolumns++] = optarg;
			break;
		case OPT_DISCHARGE:
			if (strcmp(optarg, "negative") == 0)
				o->discharge = -1;
			else if (strcmp(optarg, "positive") == 0)
				o->discharge = 1;
			else
				brul_cli_bad(&cli, "--discharge", "negative or "
				    "positive", optarg);
			break;
		case OPT_DROP_BAD:
			o->im.drop_bad = 1;
			break;
		case OPT_KEEP_HELD:
			o->im.keep_held = 1;
			break;
		case OPT_INTERVAL:
			o->interval = optarg;
			break;
		case OPT_MISSING:
			o->missing = optarg;
			break;
		case OPT_PRESET:
			o->preset = optarg;
			break;
		case OPT_SKIP_LINES:
			o->im.skip_lines = brul_cli_long(&cli, "--skip-lines",
			    optarg, 0, 1000000);
			break;
		case OPT_START:
			o->start = optarg;
			break;
		case OPT_TZ:
			o->tz = optarg;
			break;
		case OPT_UNIT:
			if (o->nunits == MAX_MAPS)
				brul_cli_misuse(&cli, "more than %d --unit",
				    MAX_MAPS);
			o->units[o->nunits++] = optarg;
			break;
		case OPT_WHERE:
			o->where = optarg;
			break;
		default:
			brul_cli_usage(&cli);
		}
	}
	/* The preset first, then what the command line says of it. */
	if (o->preset && brul_import_preset(&o->im, o->preset, &e) < 0)
		brul_cli_refuse(&cli, "--preset", e.msg);
	for (i = 0; i < o->ncolumns; i++)
		if (brul_import_set_column(&o->im, o->columns[i], &e) < 0)
			brul_cli_refuse(&cli, "--column", e.msg);
	for (i = 0; i < o->nunits; i++)
		if (brul_import_set_unit(&o->im, o->units[i], &e) < 0)
			brul_cli_refuse(&cli, "--unit", e.msg);
	if (o->where) {
		const char *eq = strrchr(o->where, '=');

		if (eq == NULL || eq == o->where || (size_t)(eq - o->where) >=
		    sizeof o->where_col)
			brul_cli_bad(&cli, "--where", "COLUMN=VALUE", o->where);
		memcpy(o->where_col, o->where, (size_t)(eq - o->where));
		o->where_col[eq - o->where] = '\0';
		o->im.where_col = o->where_col;
		o->im.where_val = eq + 1;
	}
	if (o->missing)
		o->im.missing = o->missing;
	if (o->discharge)
		o->im.discharge_positive = o->discharge > 0;
	if (o->capacity)
		o->im.capacity_ah = brul_cli_double(&cli, "--capacity",
		    o->capacity, 0.1, 100000, "a capacity in Ah");
	if (o->interval) {
		iv = brul_cli_duration(&cli, "--interval", o->interval, 1,
		    366 * 86400, "a duration from 1s to 366d");
		o->im.interval = iv;
	}
	set_zone(o->tz ? o->tz : "UTC");
	if (o->start) {
		if (brul_import_time(o->start, strlen(o->start),
		    &o->im.start) < 0)
			brul_cli_bad(&cli, "--start", "a time (2024-03-04 "
			    "10:49:14, local in --tz, or with Z or +02:00)",
			    o->start);
		o->im.has_start = 1;
	}
}

static int
put(struct brul_writer *w, const struct brul_import_row *row,
    const int *fields, int ncols)
{
	double v;
	int k, f;

	for (k = 0; k < ncols; k++) {
		f = fields[k];
		if (f == BRUL_IMP_TS) {
			brul_writer_time(w, row->ts);
			continue;
		}
		if (f == BRUL_IMP_BATTERY) {
			brul_writer_token(w, row->battery_id,
			    strlen(row->battery_id));
			continue;
		}
		v = row->v[f];
		if (isnan(v))
			brul_writer_null(w);
		else
			brul_writer_fixed(w, v, f == BRUL_IMP_TEMP ? 1 :
			    f == BRUL_IMP_FREQ ? 2 : 3);
	}
	return brul_writer_end(w);
}

/* What a file gave: nothing, or rows left out. */
static void
note(const struct options *o, const struct brul_import *im, const char *name)
{
	uint64_t n;
	long first;

	if (o->out.quiet)
		return;
	if (brul_import_rows(im) == 0)
		fprintf(stderr, "brul-import: %s: 0 rows\n", name);
	if ((n = brul_import_dropped(im, &first)) > 0)
		fprintf(stderr, "brul-import: %s: %llu rows left out "
		    "(--drop-bad), the first at line %ld\n", name,
		    (unsigned long long)n, first);
	if ((n = brul_import_held(im, &first)) > 0)
		fprintf(stderr, "brul-import: %s: %llu rows repeat a voltage "
		    "the current stepped away from (a logger's held reading), "
		    "the first at line %ld: %s\n", name,
		    (unsigned long long)n, first, o->im.keep_held ?
		    "kept (--keep-held)" : "voltage written empty");
}

int
main(int argc, char **argv)
{
	struct options o = { .out.format = BRUL_FMT_CSV };
	struct brul_import *im = NULL;
	struct brul_import_row row;
	struct brul_out_opts oo;
	struct brul_out *out = NULL;
	struct brul_writer *w = NULL;
	struct brul_progress prog;
	struct brul_err e;
	const char *cols[BRUL_IMP_NFIELDS];
	int fields[BRUL_IMP_NFIELDS];
	uint64_t rows = 0;
	int ncols, i, rc;

	brul_err_clear(&e);
	brul_import_opts_init(&o.im);
	parse(argc, argv, &o);
	argc -= optind;
	argv += optind;

	/* The first input before the output: a missing file or a missing
	 * column leaves nothing written. */
	if ((im = brul_import_open(&o.im, argc ? argv[0] : NULL, &e)) == NULL)
		goto fail;
	brul_cli_out_opts(&o.out, &oo);
	ncols = brul_import_columns(&o.im, cols, fields);
	if ((out = brul_out_open(o.out.output, &oo, &e)) == NULL ||
	    (w = brul_writer_new(out, o.out.format, cols, ncols, &e)) == NULL)
		goto fail;
	brul_progress_init(&prog, stderr, o.out.progress, "brul-import",
	    "rows", 0);
	for (i = 0; i == 0 || i < argc; i++) {
		if (im == NULL && (im = brul_import_open(&o.im, argv[i],
		    &e)) == NULL)
			goto fail;
		while ((rc = brul_import_next(im, &row, &e)) == 1) {
			if (put(w, &row, fields, ncols) < 0) {
				e = *brul_writer_err(w);
				goto fail;
			}
			brul_progress_update(&prog, ++rows);
		}
		if (rc < 0)
			goto fail;
		note(&o, im, argc ? argv[i] : "<stdin>");
		brul_import_close(im);
		im = NULL;
	}
	brul_progress_end(&prog, rows);
	brul_writer_free(w);
	w = NULL;
	if (brul_out_close(out, &e) < 0) {
		out = NULL;
		goto fail;
	}
	return 0;
fail:
	brul_cli_error(&cli, &e);
	brul_import_close(im);
	brul_writer_free(w);
	if (out)
		brul_out_abort(out);
	return 1;
}
