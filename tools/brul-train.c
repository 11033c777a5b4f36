/*
 * brul-train: features and labels in, a gradient-boosted RUL model and its
 * honest evaluation out.  See brul-train(1).
 */
#include <errno.h>
#include <float.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "core/progress.h"
#include "core/publish.h"
#include "ml/evaluate.h"
#include "ml/model.h"
#include "ml/train.h"

static const char synopsis[] =
    "usage: brul-train --labels FILE [-o MODEL] "
    "[--objective regression|survival]\n"
    "                  [--folds K] [--seed N] "
    "[--test FILE [--test-labels FILE]]\n"
    "                  [--peer PREDICTIONS] [--observed-until DATE]\n"
    "                  [--rounds N] [--depth N] [--eta X] [--short-weight X]\n"
    "                  [--threads N] [--report FILE] [--progress | --quiet]\n"
    "                  [FILE ...]\n";

struct options {
	const char *report;
	struct brul_train_opts t;
	struct brul_cli_stream out;	/* -o MODEL; --progress, --quiet */
};

static const char help[] =
"Reads features (CSV or NDJSON, plain or gzip; files in order, or stdin),\n"
"joins them with their labels by battery_id and date, cross-validates by\n"
"battery against a physics baseline and trains an XGBoost RUL model.\n"
"\n"
"  --labels FILE         the labels stream (brul-gen --emit labels)\n"
"  -o, --output MODEL    write the model (XGBoost JSON); without it, only\n"
"                        evaluate\n"
"  --objective OBJ       regression (default: median RUL) or survival\n"
"                        (AFT, learns from censored labels)\n"
"  --folds K             cross-validation folds, by battery (5)\n"
"  --test FILE           held-out features, judged by the final model\n"
"  --test-labels FILE    their labels (default: --labels)\n"
"  --peer PREDICTIONS    another model's predictions of the test rows,\n"
"                        judged beside brul's\n"
"  --observed-until DATE censor the labels as an operator whose records end\n"
"                        on DATE sees them, and compare both objectives\n"
"  --rounds N            boosting rounds (300)\n"
"  --depth N             tree depth (4)\n"
"  --eta X               learning rate (0.05)\n"
"  --short-weight X      weight of rows that end within a year (8)\n"
"  --threads N           training threads (default: all cores)\n"
"  --seed N              seed of the folds and the trees (1)\n"
"  --report FILE         the evaluation as JSON\n"
"  --progress            show progress on stderr, even off a terminal\n"
"  -q, --quiet           show no progress and no table\n"
"  --help, --version\n";

static const struct brul_cli cli = { "brul-train",
    "--labels FILE [options] [FILE ...]", synopsis, help };

enum {
	OPT_LABELS = 256, OPT_OBJECTIVE, OPT_FOLDS, OPT_TEST, OPT_TEST_LABELS,
	OPT_UNTIL, OPT_ROUNDS, OPT_DEPTH, OPT_ETA, OPT_THREADS, OPT_SEED,
	OPT_REPORT, OPT_PEER, OPT_SHORT_WEIGHT
};

static const struct option longopts[] = {
	BRUL_CLI_OPTIONS,
	BRUL_CLI_PROGRESS_OPTIONS,
	{ "labels", required_argument, NULL, OPT_LABELS },
	{ "output", required_argument, NULL, 'o' },
	{ "objective", required_argument, NULL, OPT_OBJECTIVE },
	{ "folds", required_argument, NULL, OPT_FOLDS },
	{ "test", required_argument, NULL, OPT_TEST },
	{ "test-labels", required_argument, NULL, OPT_TEST_LABELS },
	{ "observed-until", required_argument, NULL, OPT_UNTIL },
	{ "rounds", required_argument, NULL, OPT_ROUNDS },
	{ "depth", required_argument, NULL, OPT_DEPTH },
	{ "eta", required_argument, NULL, OPT_ETA },
	{ "short-weight", required_argument, NULL, OPT_SHORT_WEIGHT },
	{ "peer", required_argument, NULL, OPT_PEER },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ NULL, 0, NULL, 0 }
};

static void
parse(int argc, char **argv, struct options *o)
{
	int ch, obj;

	while ((ch = getopt_long(argc, argv, "o:q", longopts, NULL)) != -1) {
		if (brul_cli_option(&cli, &o->out, ch, optarg))
			continue;
		switch (ch) {
		case OPT_LABELS:
			o->t.labels = optarg;
			break;
		case OPT_OBJECTIVE:
			if ((obj = brul_objective_parse(optarg)) < 0)
				brul_cli_bad(&cli, "--objective",
				    "regression or survival", optarg);
			o->t.p.objective = (enum brul_objective)obj;
			break;
		case OPT_FOLDS:
			o->t.folds = (int)brul_cli_long(&cli, "--folds",
			    optarg, 2, 20);
			break;
		case OPT_TEST:
			o->t.test = optarg;
			break;
		case OPT_TEST_LABELS:
			o->t.test_labels = optarg;
			break;
		case OPT_UNTIL:
			o->t.until = brul_cli_date(&cli, "--observed-until",
			    optarg);
			o->t.has_until = 1;
			break;
		case OPT_ROUNDS:
			o->t.p.rounds = (int)brul_cli_long(&cli, "--rounds",
			    optarg, 1, 100000);
			break;
		case OPT_DEPTH:
			o->t.p.depth = (int)brul_cli_long(&cli, "--depth",
			    optarg, 1, 20);
			break;
		case OPT_ETA:
			o->t.p.eta = brul_cli_double(&cli, "--eta", optarg,
			    DBL_MIN, 1, "a number above 0, at most 1");
			break;
		case OPT_SHORT_WEIGHT:
			o->t.p.short_weight = brul_cli_double(&cli,
			    "--short-weight", optarg, 1, 1000,
			    "a number from 1 to 1000");
			break;
		case OPT_PEER:
			o->t.peer = optarg;
			break;
		case OPT_THREADS:
			o->t.p.threads = (int)brul_cli_long(&cli, "--threads",
			    optarg, 1, 1024);
			break;
		case OPT_SEED:
			o->t.p.seed = (uint64_t)brul_cli_long(&cli, "--seed",
			    optarg, 0, 2147483647);
			break;
		case OPT_REPORT:
			o->report = optarg;
			break;
		default:
			brul_cli_usage(&cli);
		}
	}
	if (o->t.labels == NULL)
		brul_cli_misuse(&cli, "--labels FILE is required");
	if (o->t.test_labels && !o->t.test)
		brul_cli_misuse(&cli, "--test-labels needs --test");
	if (o->t.peer && !o->t.test)
		brul_cli_misuse(&cli, "--peer needs --test");
}

struct rounds {
	struct brul_progress p;
	uint64_t done;
};

/* After each boosting round: rounds are few and slow, so the clock is
 * looked at every time. */
static void
tick(void *arg)
{
	struct rounds *r = arg;

	r->p.tick = 4095;
	brul_progress_update(&r->p, ++r->done);
}

/* Fails now, not after an hour of training, when path cannot be
 * written. */
static int
writable(const char *path, struct brul_err *e)
{
	struct brul_publish pub;

	if (brul_publish_begin(&pub, path, brul_cli_temp, e) < 0)
		return -1;
	if (pub.in_place)
		return 0;	/* a device or a pipe: not opened twice */
	if (brul_publish_open(&pub, e) < 0)
		return -1;
	brul_publish_abort(&pub);
	return 0;
}

static int
write_report(const char *path, json_t *report, struct brul_err *e)
{
	struct brul_publish pub;

	if (brul_publish_begin(&pub, path, brul_cli_temp, e) < 0 ||
	    brul_publish_open(&pub, e) < 0)
		return -1;
	errno = 0;
	if (json_dumpfd(report, pub.fd, JSON_INDENT(2) |
	    JSON_REAL_PRECISION(6) | JSON_PRESERVE_ORDER) != 0) {
		int err = errno ? errno : EIO;

		brul_publish_abort(&pub);
		return brul_err_set(e, path, 0, 0, "cannot write the report: "
		    "%s", strerror(err));
	}
	return brul_publish_commit(&pub, e);
}

/* The report's tables, on stderr. */
static void
print_tables(const struct brul_train_job *j)
{
	char title[80];

	fprintf(stderr, "brul-train: %zu rows, %d batteries, %d features, %ld "
	    "rows without a label\n", j->d.n, j->nb, j->d.nfeat, j->d.skipped);
	for (int r = 0; r < j->nruns; r++) {
		snprintf(title, sizeof title, "cv %s (%d folds)",
		    brul_objective_name(j->runs[r].objective), j->o.folds);
		brul_eval_print(stderr, title, &j->runs[r].eval);
		if (r == 0)
			brul_eval_print(stderr, "cv baseline", &j->ev_base);
	}
	if (j->o.test) {
		brul_eval_print(stderr, "test model", &j->ev_test);
		brul_eval_print(stderr, "test baseline", &j->ev_test_base);
	}
	if (j->o.peer)
		brul_eval_print(stderr, "test peer", &j->ev_test_peer);
}

int
main(int argc, char **argv)
{
	struct options o = {
		.t = {
			.folds = 5,
			.p = { .objective = BRUL_OBJ_REGRESSION,
			    .rounds = 300, .depth = 4, .eta = 0.05,
			    .short_weight = BRUL_SHORT_WEIGHT, .seed = 1 },
		},
	};
	struct brul_train_job j;
	struct rounds prog = { .done = 0 };
	struct brul_err e;
	json_t *report = NULL;
	uint64_t total;
	int fit, rc = 1;

	brul_err_clear(&e);
	parse(argc, argv, &o);
	argc -= optind;
	argv += optind;

	o.t.names.features = "brul-train's input";
	o.t.names.labels = "--labels";
	o.t.names.test = "--test";
	o.t.names.test_labels = "--test-labels";
	o.t.names.peer = "--peer";
	o.t.p.on_round = tick;
	o.t.p.arg = &prog;
	brul_train_init(&j, &o.t);
	if ((o.out.output && writable(o.out.output, &e) < 0) ||
	    (o.report && writable(o.report, &e) < 0) ||
	    brul_train_load(&j, argv, argc, &e) < 0)
		goto out;
	fit = o.out.output || o.t.test;
	total = brul_train_rounds(&o.t, fit);
	brul_progress_init(&prog.p, stderr, o.out.progress, "brul-train",
	    "rounds", total);
	if (brul_train_validate(&j, &e) < 0 ||
	    (fit && brul_train_fit(&j, &e) < 0) ||
	    (o.t.test && brul_train_test(&j, &e) < 0) ||
	    (o.out.output && brul_model_save(&j.m, o.out.output,
	    brul_cli_temp, &e) < 0))
		goto out;
	brul_progress_end(&prog.p, total);
	report = brul_train_report(&j);
	if (o.report && write_report(o.report, report, &e) < 0)
		goto out;
	if (o.out.progress != BRUL_PROGRESS_QUIET)
		print_tables(&j);
	rc = 0;
out:
	if (rc)
		brul_cli_error(&cli, &e);
	json_decref(report);
	brul_train_release(&j);
	return rc;
}
