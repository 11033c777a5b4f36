/*
 * brul-features: telemetry to one row of features per battery and window.
 * See brul-features(1).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/datadir.h"
#include "core/progress.h"
#include "core/reader.h"
#include "core/stream.h"
#include "core/timefmt.h"
#include "core/writer.h"
#include "ml/features.h"

static const char synopsis[] =
    "usage: brul-features [-z] [--window hour|day|SECONDS] [--fleet FILE]\n"
    "                     [--shard I/N] [--float-v V] [--format csv|ndjson]\n"
    "                     [--progress | --quiet] [-o FILE] [FILE ...]\n";

#define WINDOW_MAX	(366 * (int64_t)BRUL_DAY)
#define INPUT		"brul-features' input"	/* the operands, in messages */

struct options {
	int64_t window;
	double float_v;
	const char *fleet;
	int shard, nshards;
	struct brul_cli_stream out;
};

static const char help[] =
"Reads telemetry (CSV or NDJSON, plain or gzip; files in order, or stdin)\n"
"and writes one row of features per battery and window.\n"
"\n"
"  --window W          hour (default), day, or a length in seconds or with a\n"
"                      unit (900, 15m, 6h, 7d); windows are aligned to UTC\n"
"  --fleet FILE        the batteries stream: install dates, capacities and\n"
"                      baseline resistances\n"
"  --shard I/N         only the I-th of N shares of the fleet's sites (0-based),\n"
"                      as brul-gen --shard writes them; needs --fleet\n"
"  --float-v V         float set point at 25 degC, V per block (13.59)\n"
"  --format FMT        output csv (default) or ndjson\n"
"  -z, --gzip          compress (also implied by -o NAME.gz)\n"
"  --force             write gzip to a terminal anyway\n"
"  -o, --output FILE   write to FILE instead of stdout\n"
"  --progress          show progress on stderr, even off a terminal\n"
"  -q, --quiet         show no progress, no notes (\"FILE: 0 rows\")\n"
"  --help, --version\n";

static const struct brul_cli cli = { "brul-features",
    "[options] [-o FILE] [FILE ...]", synopsis, help };

static int64_t
window(const char *s)
{

	if (strcmp(s, "hour") == 0)
		return 3600;
	if (strcmp(s, "day") == 0)
		return BRUL_DAY;
	return brul_cli_duration(&cli, "--window", s, 1, WINDOW_MAX,
	    "hour, day or a length from 1 second to 366 days");
}

enum { OPT_FLEET = 256, OPT_FLOAT_V, OPT_SHARD, OPT_WINDOW };

static const struct option longopts[] = {
	BRUL_CLI_OPTIONS,
	BRUL_CLI_STREAM_OPTIONS,
	BRUL_CLI_PROGRESS_OPTIONS,
	{ "fleet", required_argument, NULL, OPT_FLEET },
	{ "float-v", required_argument, NULL, OPT_FLOAT_V },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "window", required_argument, NULL, OPT_WINDOW },
	{ NULL, 0, NULL, 0 }
};

static void
parse(int argc, char **argv, struct options *o)
{
	int ch;

	while ((ch = getopt_long(argc, argv, "o:qz", longopts, NULL)) != -1) {
		if (brul_cli_option(&cli, &o->out, ch, optarg))
			continue;
		switch (ch) {
		case OPT_FLEET:
			o->fleet = optarg;
			break;
		case OPT_FLOAT_V:
			o->float_v = brul_cli_double(&cli, "--float-v", optarg,
			    12, 15, "a voltage from 12 to 15");
			break;
		case OPT_SHARD:
			brul_cli_share(&cli, "--shard", optarg, &o->shard,
			    &o->nshards);
			break;
		case OPT_WINDOW:
			o->window = window(optarg);
			break;
		default:
			brul_cli_usage(&cli);
		}
	}
	if (o->nshards > 1 && o->fleet == NULL)
		brul_cli_misuse(&cli, "--shard needs --fleet (shares are of "
		    "sites, which the fleet names)");
}

/* The shipped block models (for each battery's rated life), then the
 * batteries themselves. */
static int
load_fleet(struct brul_features *f, const struct options *o,
	   struct brul_err *e)
{
	struct brul_reader *r;
	char models[4096];
	int rc;

	if (brul_data_path("models.csv", models, sizeof models, e) < 0 ||
	    (r = brul_cli_open(models, NULL, "models", e)) == NULL)
		return -1;
	rc = brul_features_load_models(f, r, e);
	brul_reader_close(r);
	if (rc < 0 || (r = brul_cli_open(o->fleet, "--fleet", "batteries",
	    e)) == NULL)
		return -1;
	if ((rc = brul_features_load_fleet(f, r, e)) == 0)
		brul_cli_rows(&cli, r, o->out.quiet);
	brul_reader_close(r);
	return rc;
}

/* Hands every finished row to the writer. */
static int
drain(struct brul_features *f, struct brul_writer *w, struct brul_err *e)
{
	const struct brul_features_row *row;

	while ((row = brul_features_next(f)) != NULL)
		if (brul_features_put(w, row) < 0) {
			*e = *brul_writer_err(w);
			return -1;
		}
	return 0;
}

/* One input through the features into the writer; the reader is the
 * caller's. */
static int
run(struct brul_features *f, struct brul_reader *r, struct brul_writer *w,
    struct brul_progress *prog, uint64_t *rows, struct brul_err *e)
{
	int rc;

	if (brul_features_bind(f, r, e) < 0)
		return -1;
	while ((rc = brul_reader_next(r, e)) == 1) {
		if (brul_features_read(f, r, e) < 0 || drain(f, w, e) < 0)
			return -1;
		brul_progress_update(prog, ++*rows);
	}
	return rc;
}

int
main(int argc, char **argv)
{
	struct options o = { .window = 3600, .nshards = 1,
	    .out.format = BRUL_FMT_CSV };
	struct brul_features_opts fo;
	struct brul_features *f = NULL;
	struct brul_out_opts oo;
	struct brul_out *out = NULL;
	struct brul_writer *w = NULL;
	struct brul_reader *r = NULL;
	struct brul_progress prog;
	struct brul_err e;
	const char *const *cols;
	uint64_t rows = 0;
	int ncols, i;

	brul_err_clear(&e);
	parse(argc, argv, &o);
	argc -= optind;
	argv += optind;

	memset(&fo, 0, sizeof fo);
	fo.window = o.window;
	fo.float_v = o.float_v;
	fo.share = o.shard;
	fo.nshares = o.nshards;
	if ((f = brul_features_new(&fo, &e)) == NULL)
		goto fail;
	if (o.fleet && load_fleet(f, &o, &e) < 0)
		goto fail;
	/* The first input before the output: a missing or empty one leaves
	 * nothing written. */
	if ((r = brul_cli_open(argc ? argv[0] : NULL, INPUT, "telemetry",
	    &e)) == NULL)
		goto fail;

	brul_cli_out_opts(&o.out, &oo);
	if ((out = brul_out_open(o.out.output, &oo, &e)) == NULL)
		goto fail;
	cols = brul_features_columns(&ncols);
	if ((w = brul_writer_new(out, o.out.format, cols, ncols, &e)) == NULL)
		goto fail;

	brul_progress_init(&prog, stderr, o.out.progress, "brul-features",
	    "rows", 0);
	for (i = 0; i == 0 || i < argc; i++) {
		if (r == NULL && (r = brul_cli_open(argv[i], INPUT,
		    "telemetry", &e)) == NULL)
			goto fail;
		if (run(f, r, w, &prog, &rows, &e) < 0)
			goto fail;
		brul_cli_rows(&cli, r, o.out.quiet);
		brul_reader_close(r);
		r = NULL;
	}
	if (brul_features_end(f, &e) < 0 || drain(f, w, &e) < 0)
		goto fail;
	brul_progress_end(&prog, rows);

	brul_writer_free(w);
	w = NULL;
	if (brul_out_close(out, &e) < 0) {
		out = NULL;
		goto fail;
	}
	brul_features_free(f);
	return 0;
fail:
	brul_cli_error(&cli, &e);
	brul_reader_close(r);
	brul_writer_free(w);
	if (out)
		brul_out_abort(out);
	brul_features_free(f);
	return 1;
}
