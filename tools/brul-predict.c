/*
 * brul-predict: features in, RUL predictions out.  See brul-predict(1).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/progress.h"
#include "core/reader.h"
#include "core/stream.h"
#include "core/writer.h"
#include "ml/predict.h"

static const char synopsis[] =
    "usage: brul-predict (-m MODEL [--explain] | --baseline [-m MODEL])\n"
    "                    [--latest] [--critical P] [--high P] [--medium P]\n"
    "                    [--format csv|ndjson] [-z] [-o FILE]\n"
    "                    [--progress | --quiet] [FILE ...]\n";

#define INPUT	"brul-predict's input"	/* the operands, in messages */

struct options {
	struct brul_predict_opts p;
	struct brul_cli_stream out;
};

static const char help[] =
"Reads features (CSV or NDJSON, plain or gzip; files in order, or stdin)\n"
"and writes a prediction of remaining useful life for each row.\n"
"\n"
"  -m, --model MODEL   the model (brul-train -o)\n"
"  --baseline          the physics baseline instead of the model (with -m,\n"
"                      its intervals come from the model's calibration)\n"
"  --latest            one row per battery: its newest window\n"
"  --explain           each row's three main reasons, from the model's\n"
"                      feature contributions (columns reason_1..3)\n"
"  --critical P        risk critical when p_fail_30d >= P (0.5)\n"
"  --high P            risk high when p_fail_90d >= P (0.5)\n"
"  --medium P          risk medium when p_fail_180d >= P (0.5)\n"
"  --format FMT        output csv (default) or ndjson\n"
"  -z, --gzip          compress (also implied by -o NAME.gz)\n"
"  --force             write gzip to a terminal anyway\n"
"  -o, --output FILE   write to FILE instead of stdout\n"
"  --progress          show progress on stderr, even off a terminal\n"
"  -q, --quiet         show no progress, no notes (\"FILE: 0 rows\")\n"
"  --help, --version\n";

static const struct brul_cli cli = { "brul-predict",
    "-m MODEL [options] [FILE ...]", synopsis, help };

enum {
	OPT_BASELINE = 256, OPT_LATEST, OPT_CRITICAL, OPT_HIGH, OPT_MEDIUM,
	OPT_EXPLAIN
};

static const struct option longopts[] = {
	BRUL_CLI_OPTIONS,
	BRUL_CLI_STREAM_OPTIONS,
	BRUL_CLI_PROGRESS_OPTIONS,
	{ "model", required_argument, NULL, 'm' },
	{ "baseline", no_argument, NULL, OPT_BASELINE },
	{ "latest", no_argument, NULL, OPT_LATEST },
	{ "explain", no_argument, NULL, OPT_EXPLAIN },
	{ "critical", required_argument, NULL, OPT_CRITICAL },
	{ "high", required_argument, NULL, OPT_HIGH },
	{ "medium", required_argument, NULL, OPT_MEDIUM },
	{ NULL, 0, NULL, 0 }
};

static void
parse(int argc, char **argv, struct options *o)
{
	int ch;

	while ((ch = getopt_long(argc, argv, "m:o:qz", longopts, NULL)) != -1) {
		if (brul_cli_option(&cli, &o->out, ch, optarg))
			continue;
		switch (ch) {
		case 'm':
			o->p.model = optarg;
			break;
		case OPT_BASELINE:
			o->p.baseline = 1;
			break;
		case OPT_LATEST:
			o->p.latest = 1;
			break;
		case OPT_CRITICAL:
			o->p.risk.critical = brul_cli_double(&cli, "--critical",
			    optarg, 0, 1, "a probability from 0 to 1");
			break;
		case OPT_HIGH:
			o->p.risk.high = brul_cli_double(&cli, "--high",
			    optarg, 0, 1, "a probability from 0 to 1");
			break;
		case OPT_MEDIUM:
			o->p.risk.medium = brul_cli_double(&cli, "--medium",
			    optarg, 0, 1, "a probability from 0 to 1");
			break;
		case OPT_EXPLAIN:
			o->p.explain = 1;
			break;
		default:
			brul_cli_usage(&cli);
		}
	}
	if (o->p.model == NULL && !o->p.baseline)
		brul_cli_misuse(&cli, "a model (-m MODEL) or --baseline is "
		    "required");
	if (o->p.explain && o->p.baseline)
		brul_cli_misuse(&cli, "--explain: the baseline (--baseline) "
		    "has no trees to explain");
}

/* Hands every prediction ready to the writer. */
static int
drain(struct brul_predictor *pr, struct brul_writer *w, struct brul_err *e)
{
	const struct brul_prediction *row;
	int rc;

	while ((rc = brul_predictor_next(pr, &row, e)) == 1)
		if (brul_predictor_put(pr, w, row) < 0) {
			*e = *brul_writer_err(w);
			return -1;
		}
	return rc;
}

/* One features stream through the predictor into the writer; the
 * reader is the caller's. */
static int
run(struct brul_predictor *pr, struct brul_reader *r, struct brul_writer *w,
    struct brul_progress *prog, uint64_t *rows, struct brul_err *e)
{
	int rc;

	if (brul_predictor_bind(pr, r, e) < 0)
		return -1;
	while ((rc = brul_reader_next(r, e)) == 1) {
		if ((rc = brul_predictor_read(pr, r, e)) < 0)
			break;
		if (rc == 1)
			brul_progress_update(prog, ++*rows);
		if ((rc = drain(pr, w, e)) < 0)
			break;
	}
	return rc < 0 ? -1 : 0;
}

int
main(int argc, char **argv)
{
	struct options o = {
		.out.format = BRUL_FMT_CSV,
		.p.risk = { BRUL_RISK_DEFAULT, BRUL_RISK_DEFAULT,
		    BRUL_RISK_DEFAULT },
	};
	struct brul_predictor *pr = NULL;
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

	if ((pr = brul_predictor_new(&o.p, &e)) == NULL)
		goto fail;
	/* The first input before the output: a missing or empty one leaves
	 * nothing written. */
	if ((r = brul_cli_open(argc ? argv[0] : NULL, INPUT, "features",
	    &e)) == NULL)
		goto fail;
	brul_cli_out_opts(&o.out, &oo);
	cols = brul_predictor_columns(pr, &ncols);
	if ((out = brul_out_open(o.out.output, &oo, &e)) == NULL ||
	    (w = brul_writer_new(out, o.out.format, cols, ncols, &e)) == NULL)
		goto fail;
	brul_progress_init(&prog, stderr, o.out.progress, "brul-predict",
	    "rows", 0);
	for (i = 0; i == 0 || i < argc; i++) {
		if (r == NULL && (r = brul_cli_open(argv[i], INPUT,
		    "features", &e)) == NULL)
			goto fail;
		if (run(pr, r, w, &prog, &rows, &e) < 0)
			goto fail;
		brul_cli_rows(&cli, r, o.out.quiet);
		brul_reader_close(r);
		r = NULL;
	}
	brul_predictor_end(pr);
	if (drain(pr, w, &e) < 0)
		goto fail;
	brul_progress_end(&prog, rows);
	brul_writer_free(w);
	w = NULL;
	if (brul_out_close(out, &e) < 0) {
		out = NULL;
		goto fail;
	}
	brul_predictor_free(pr);
	return 0;
fail:
	brul_cli_error(&cli, &e);
	brul_reader_close(r);
	brul_writer_free(w);
	if (out)
		brul_out_abort(out);
	brul_predictor_free(pr);
	return 1;
}
