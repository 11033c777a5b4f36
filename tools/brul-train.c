/*
 * brul-train: features and labels in, a gradient-boosted RUL model and its
 * honest evaluation out.  See brul-train(1).
 */
#include <errno.h>
#include <float.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "core/hash.h"
#include "core/num.h"
#include "core/progress.h"
#include "core/publish.h"
#include "core/reader.h"
#include "core/timefmt.h"
#include "ml/baseline.h"
#include "ml/cv.h"
#include "ml/dataset.h"
#include "ml/evaluate.h"
#include "ml/labels.h"
#include "ml/model.h"

static const char synopsis[] =
    "usage: brul-train --labels FILE [-o MODEL] [--objective regression|survival]\n"
    "                  [--folds K] [--seed N] [--test FILE [--test-labels FILE]]\n"
    "                  [--observed-until DATE] [--rounds N] [--depth N] [--eta X]\n"
    "                  [--threads N] [--report FILE] [--progress | --quiet]\n"
    "                  [FILE ...]\n";

struct options {
	const char *labels, *output, *test, *test_labels, *report;
	struct brul_train_params p;
	int folds;
	int has_until;
	int64_t until;		/* --observed-until, days since epoch */
	enum brul_progress_mode progress;
};

/* What one objective's cross-validation gives. */
struct run {
	enum brul_objective objective;
	double *oof, *p10, *p90;
	struct brul_eval eval;
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
"  --observed-until DATE censor the labels as an operator whose records end\n"
"                        on DATE sees them, and compare both objectives\n"
"  --rounds N            boosting rounds (300)\n"
"  --depth N             tree depth (4)\n"
"  --eta X               learning rate (0.05)\n"
"  --threads N           training threads (default: all cores)\n"
"  --seed N              seed of the folds and the trees (1)\n"
"  --report FILE         the evaluation as JSON\n"
"  --progress, --quiet   show progress, or hide progress and the table\n"
"  --help, --version\n";

static const struct brul_cli cli = { "brul-train",
    "--labels FILE [options] [FILE ...]", synopsis, help };

enum {
	OPT_LABELS = 256, OPT_OBJECTIVE, OPT_FOLDS, OPT_TEST, OPT_TEST_LABELS,
	OPT_UNTIL, OPT_ROUNDS, OPT_DEPTH, OPT_ETA, OPT_THREADS, OPT_SEED,
	OPT_REPORT, OPT_PROGRESS, OPT_QUIET
};

static const struct option longopts[] = {
	BRUL_CLI_OPTIONS,
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
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ NULL, 0, NULL, 0 }
};

static void
parse(int argc, char **argv, struct options *o)
{
	int ch, obj;

	while ((ch = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		if (brul_cli_option(&cli, NULL, ch, optarg))
			continue;
		switch (ch) {
		case 'o':
			o->output = optarg;
			break;
		case OPT_LABELS:
			o->labels = optarg;
			break;
		case OPT_OBJECTIVE:
			if ((obj = brul_objective_parse(optarg)) < 0)
				brul_cli_bad(&cli, "--objective", "regression or "
				    "survival", optarg);
			o->p.objective = (enum brul_objective)obj;
			break;
		case OPT_FOLDS:
			o->folds = (int)brul_cli_long(&cli, "--folds", optarg, 2, 20);
			break;
		case OPT_TEST:
			o->test = optarg;
			break;
		case OPT_TEST_LABELS:
			o->test_labels = optarg;
			break;
		case OPT_UNTIL:
			o->until = brul_cli_date(&cli, "--observed-until",
			    optarg);
			o->has_until = 1;
			break;
		case OPT_ROUNDS:
			o->p.rounds = (int)brul_cli_long(&cli, "--rounds", optarg, 1, 100000);
			break;
		case OPT_DEPTH:
			o->p.depth = (int)brul_cli_long(&cli, "--depth", optarg, 1, 20);
			break;
		case OPT_ETA:
			o->p.eta = brul_cli_double(&cli, "--eta", optarg,
			    DBL_MIN, 1, "a number above 0, at most 1");
			break;
		case OPT_THREADS:
			o->p.threads = (int)brul_cli_long(&cli, "--threads", optarg, 1, 1024);
			break;
		case OPT_SEED:
			o->p.seed = (uint64_t)brul_cli_long(&cli, "--seed", optarg, 0,
			    2147483647);
			break;
		case OPT_REPORT:
			o->report = optarg;
			break;
		case OPT_PROGRESS:
			o->progress = BRUL_PROGRESS_FORCE;
			break;
		case OPT_QUIET:
			o->progress = BRUL_PROGRESS_QUIET;
			break;
		default:
			brul_cli_usage(&cli);
		}
	}
	if (o->labels == NULL) {
		fputs("brul-train: --labels FILE is required\n", stderr);
		brul_cli_usage(&cli);
	}
	if (o->test_labels && !o->test) {
		fputs("brul-train: --test-labels needs --test\n", stderr);
		brul_cli_usage(&cli);
	}
}

static struct brul_labels *
load_labels(const char *path, struct brul_err *e)
{
	struct brul_reader *r = brul_reader_open(path, BRUL_FMT_AUTO, e);
	struct brul_labels *l;

	if (r == NULL)
		return NULL;
	l = brul_labels_load(r, e);
	brul_reader_close(r);
	return l;
}

/* The rows of the features files (NULL: stdin) that have labels. */
static int
load_rows(struct brul_dataset *d, char **paths, int n,
    const struct brul_labels *l, struct brul_err *e)
{
	int i = 0;

	do {
		struct brul_reader *r = brul_reader_open(n ? paths[i] : NULL,
		    BRUL_FMT_AUTO, e);
		int rc;

		if (r == NULL)
			return -1;
		rc = brul_dataset_read(d, r, l, e);
		brul_reader_close(r);
		if (rc < 0)
			return -1;
	} while (++i < n);
	if (d->n == 0)
		return brul_err_set(e, n ? paths[0] : "<stdin>", 0, 0,
		    "no feature row has a label (%ld rows skipped)",
		    d->skipped);
	return 0;
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

/* The evaluation rows of a dataset against its true labels. */
static struct brul_eval_row *
eval_rows(const struct brul_dataset *d, const double *pred,
    const double *p10, const double *p90)
{
	struct brul_eval_row *v = malloc((d->n ? d->n : 1) * sizeof *v);

	for (size_t i = 0; v && i < d->n; i++) {
		v[i].truth = d->label[i].rul_days;
		v[i].censored = d->label[i].censored;
		v[i].sudden = d->label[i].sudden;
		v[i].pred = pred[i];
		v[i].p10 = p10 ? p10[i] : NAN;
		v[i].p90 = p90 ? p90[i] : NAN;
		v[i].battery = d->battery[i];
	}
	return v;
}

static int
judge(struct brul_eval *ev, const struct brul_dataset *d, const double *pred,
    const double *p10, const double *p90, struct brul_err *e)
{
	struct brul_eval_row *v = eval_rows(d, pred, p10, p90);
	int rc = v ? brul_evaluate(ev, v, d->n) : -1;

	free(v);
	if (rc < 0)
		return brul_err_set(e, NULL, 0, 0, "out of memory");
	return 0;
}

static double *
alloc_rows(size_t n)
{
	return malloc((n ? n : 1) * sizeof(double));
}

/* Cross-validates one objective: out-of-fold predictions, their
 * cross-conformal intervals, and the figures against the true labels. */
static int
cross_validate(struct run *run, const struct brul_dataset *d,
    const struct brul_label *train, const int *fold, int k,
    struct brul_train_params p, struct brul_err *e)
{
	p.objective = run->objective;
	if ((run->oof = alloc_rows(d->n)) == NULL ||
	    (run->p10 = alloc_rows(d->n)) == NULL ||
	    (run->p90 = alloc_rows(d->n)) == NULL)
		return brul_err_set(e, NULL, 0, 0, "out of memory");
	if (brul_cv_predict(d, train, fold, k, &p, run->oof, e) < 0 ||
	    brul_cv_intervals(d, train, fold, k, run->oof, run->p10,
	    run->p90, e) < 0)
		return -1;
	return judge(&run->eval, d, run->oof, run->p10, run->p90, e);
}

static void
run_free(struct run *run)
{
	free(run->oof);
	free(run->p10);
	free(run->p90);
}

/* The physics baseline of every row. */
static double *
baseline_rows(const struct brul_dataset *d)
{
	double *b = alloc_rows(d->n);
	int idx[6];

	brul_baseline_index(idx, (const char *const *)d->names, d->nfeat);
	for (size_t i = 0; b && i < d->n; i++)
		b[i] = brul_baseline_row(idx, d->x + i * (size_t)d->nfeat);
	return b;
}

/* The held-out set: same features, its own labels, judged by the final
 * model and the calibrations fitted on the training rows. */
static int
test_eval(const struct options *o, const struct brul_dataset *train,
    const struct brul_model *m, struct brul_eval *ev_model,
    struct brul_eval *ev_base, long *rows, long *batteries,
    struct brul_err *e)
{
	struct brul_labels *l;
	struct brul_dataset t;
	double *pred = NULL, *p10 = NULL, *p90 = NULL, *b = NULL,
	    *b10 = NULL, *b90 = NULL;
	char *paths[1] = { (char *)o->test };
	int rc = -1;

	if ((l = load_labels(o->test_labels ? o->test_labels : o->labels,
	    e)) == NULL)
		return -1;
	if (brul_dataset_init(&t, e) < 0)
		goto out;
	/* the training columns, in the training order, and window */
	t.nfeat = train->nfeat;
	t.window_s = train->window_s;
	if ((t.names = calloc((size_t)t.nfeat + 1, sizeof *t.names)) == NULL)
		goto oom;
	for (int j = 0; j < t.nfeat; j++)
		if ((t.names[j] = strdup(train->names[j])) == NULL)
			goto oom;
	if (load_rows(&t, paths, 1, l, e) < 0)
		goto out;
	if ((pred = alloc_rows(t.n)) == NULL || (p10 = alloc_rows(t.n)) ==
	    NULL || (p90 = alloc_rows(t.n)) == NULL ||
	    (b10 = alloc_rows(t.n)) == NULL || (b90 = alloc_rows(t.n)) == NULL ||
	    (b = baseline_rows(&t)) == NULL)
		goto oom;
	if (brul_model_predict(m, t.x, t.n, pred, e) < 0)
		goto out;
	for (size_t i = 0; i < t.n; i++) {
		p10[i] = brul_calib_quantile(&m->calib, pred[i], 10);
		p90[i] = brul_calib_quantile(&m->calib, pred[i], 90);
		b10[i] = brul_calib_quantile(&m->base_calib, b[i], 10);
		b90[i] = brul_calib_quantile(&m->base_calib, b[i], 90);
	}
	if (judge(ev_model, &t, pred, p10, p90, e) < 0 ||
	    judge(ev_base, &t, b, b10, b90, e) < 0)
		goto out;
	*rows = (long)t.n;
	*batteries = brul_idtab_count(t.ids);
	rc = 0;
	goto out;
oom:
	brul_err_set(e, NULL, 0, 0, "out of memory");
out:
	free(pred);
	free(p10);
	free(p90);
	free(b);
	free(b10);
	free(b90);
	brul_dataset_release(&t);
	brul_labels_free(l);
	return rc;
}

static json_t *
cv_json(const struct brul_eval *model, const struct brul_eval *base)
{
	return json_pack("{s:o,s:o}", "model", brul_eval_json(model),
	    "baseline", brul_eval_json(base));
}

/* The model's id: its data and everything that shapes its trees and its
 * calibration. */
static void
model_id(char *buf, size_t n, uint64_t fingerprint,
    const struct brul_train_params *p, int folds)
{
	uint64_t h = fingerprint;

	h = brul_fnv(h, &folds, sizeof folds);
	h = brul_fnv(h, &p->objective, sizeof p->objective);
	h = brul_fnv(h, &p->rounds, sizeof p->rounds);
	h = brul_fnv(h, &p->depth, sizeof p->depth);
	h = brul_fnv(h, &p->eta, sizeof p->eta);
	h = brul_fnv(h, &p->seed, sizeof p->seed);
	snprintf(buf, n, "%012llx", (unsigned long long)(h >> 16));
}

/* Fails now, not after an hour of training, when path cannot be
 * written. */
static int
writable(const char *path, struct brul_err *e)
{
	struct brul_publish pub;
	FILE *fp;

	if (brul_publish_begin(&pub, path, "", e) < 0)
		return -1;
	if (pub.in_place)
		return 0;	/* a device or a pipe: not opened twice */
	if ((fp = fopen(pub.tmp, "w")) == NULL)
		return brul_err_set(e, path, 0, 0, "cannot create: %s",
		    strerror(errno));
	fclose(fp);
	brul_publish_abort(&pub);
	return 0;
}

/* Everything one run of brul-train works on and produces. */
struct job {
	struct options o;
	struct brul_labels *labels;
	struct brul_dataset d;
	struct brul_label *train;	/* what training sees, per row */
	int *fold;			/* per battery */
	int nb, nruns;
	struct run runs[2];		/* [0]: the objective asked for */
	double *base, *b10, *b90;	/* the baseline, per row */
	struct brul_eval ev_base, ev_test, ev_test_base;
	long test_rows, test_batteries;
	struct brul_model m;
	char fingerprint[24];
	struct rounds prog;
};

/* The labelled rows, the labels training sees, and the folds. */
static int
job_load(struct job *j, char **paths, int n, struct brul_err *e)
{
	if ((j->labels = load_labels(j->o.labels, e)) == NULL ||
	    brul_dataset_init(&j->d, e) < 0 ||
	    load_rows(&j->d, paths, n, j->labels, e) < 0)
		return -1;
	j->nb = brul_idtab_count(j->d.ids);
	if (j->nb < j->o.folds)
		return brul_err_set(e, NULL, 0, 0, "%d batteries with labels: "
		    "too few for %d folds", j->nb, j->o.folds);
	if ((j->train = malloc(j->d.n * sizeof *j->train)) == NULL ||
	    (j->fold = malloc((size_t)j->nb * sizeof *j->fold)) == NULL)
		return brul_err_set(e, NULL, 0, 0, "out of memory");
	/* the labels, or an operator's view of them */
	for (size_t i = 0; i < j->d.n; i++)
		j->train[i] = j->o.has_until ?
		    brul_label_observed(&j->d.label[i], j->d.day[i],
		    j->o.until) : j->d.label[i];
	brul_folds_assign(j->fold, j->nb, j->o.folds, j->o.p.seed);
	snprintf(j->fingerprint, sizeof j->fingerprint, "%016llx",
	    (unsigned long long)brul_dataset_fingerprint(&j->d, j->train));
	return 0;
}

/* Out-of-fold figures: both objectives under censoring, else the one
 * asked for; and the baseline, which needs no training, with the same
 * cross-conformal intervals. */
static int
job_cross_validate(struct job *j, struct brul_err *e)
{
	const struct brul_dataset *d = &j->d;

	j->nruns = j->o.has_until ? 2 : 1;
	j->runs[0].objective = j->o.p.objective;
	j->runs[1].objective = j->o.p.objective == BRUL_OBJ_REGRESSION ?
	    BRUL_OBJ_SURVIVAL : BRUL_OBJ_REGRESSION;
	for (int r = 0; r < j->nruns; r++)
		if (cross_validate(&j->runs[r], d, j->train, j->fold,
		    j->o.folds, j->o.p, e) < 0)
			return -1;
	if ((j->base = baseline_rows(d)) == NULL ||
	    (j->b10 = alloc_rows(d->n)) == NULL ||
	    (j->b90 = alloc_rows(d->n)) == NULL)
		return brul_err_set(e, NULL, 0, 0, "out of memory");
	if (brul_cv_intervals(d, j->train, j->fold, j->o.folds, j->base,
	    j->b10, j->b90, e) < 0)
		return -1;
	return judge(&j->ev_base, d, j->base, j->b10, j->b90, e);
}

/* Days to 0.1, in JSON; null for an unknown (+inf) interval end. */
static json_t *
days(double v)
{
	return isfinite(v) ? json_real(round(v * 10) / 10) : json_null();
}

/* brul_oof: a sample of the first run's out-of-fold predictions and their
 * intervals, the rows and figures behind brul_cv's "model", for plots of
 * predicted against true RUL and of coverage by band (brul_cv_sample says
 * which rows).  NULL out of memory. */
static char *
oof_json(const struct job *j)
{
	enum { MAX_ROWS = 1000 };	/* about 30 kB of text */
	const struct run *run = &j->runs[0];
	size_t *rows = malloc(MAX_ROWS * sizeof *rows), band[BRUL_BANDS], n,
	    total = 0;
	json_t *o, *truth, *pred, *p10, *p90, *nb;
	char *text;

	if (rows == NULL)
		return NULL;
	n = brul_cv_sample(&j->d, run->oof, MAX_ROWS, rows, band);
	nb = json_array();
	for (int b = 0; b < BRUL_BANDS; b++) {
		json_array_append_new(nb, json_integer((json_int_t)band[b]));
		total += band[b];
	}
	truth = json_array();
	pred = json_array();
	p10 = json_array();
	p90 = json_array();
	for (size_t k = 0; k < n; k++) {
		size_t i = rows[k];

		json_array_append_new(truth, days(j->d.label[i].rul_days));
		json_array_append_new(pred, days(run->oof[i]));
		json_array_append_new(p10, days(run->p10[i]));
		json_array_append_new(p90, days(run->p90[i]));
	}
	free(rows);
	o = json_pack("{s:I,s:I,s:o,s:o,s:o,s:o,s:o}",
	    "rows", (json_int_t)total, "sampled", (json_int_t)n,
	    "band_rows", nb, "rul_true_days", truth, "rul_pred_days", pred,
	    "p10_days", p10, "p90_days", p90);
	text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(8) |
	    JSON_PRESERVE_ORDER);
	json_decref(o);
	return text;
}

/* The model of all rows, its calibrations and metadata; judged on the
 * test set and saved when asked. */
static int
job_final(struct job *j, struct brul_err *e)
{
	struct brul_model *m = &j->m;
	json_t *cv;
	char *text, seed[32], window[32];
	int rc;

	if (brul_model_train(m, &j->o.p, j->d.x, j->d.n, j->d.nfeat,
	    (const char *const *)j->d.names, j->train, e) < 0 ||
	    brul_cv_calibrate(&j->d, j->train, j->runs[0].oof, &m->calib,
	    e) < 0 ||
	    brul_cv_calibrate(&j->d, j->train, j->base, &m->base_calib, e) < 0)
		return -1;
	m->has_calib = m->has_base_calib = 1;
	model_id(m->id, sizeof m->id, strtoull(j->fingerprint, NULL, 16),
	    &j->o.p, j->o.folds);
	snprintf(seed, sizeof seed, "%llu", (unsigned long long)j->o.p.seed);
	snprintf(window, sizeof window, "%lld", (long long)j->d.window_s);
	cv = cv_json(&j->runs[0].eval, &j->ev_base);
	text = json_dumps(cv, JSON_COMPACT | JSON_REAL_PRECISION(6) |
	    JSON_PRESERVE_ORDER);
	json_decref(cv);
	if (text == NULL)
		return brul_err_set(e, NULL, 0, 0, "out of memory");
	rc = brul_model_set_attr(m, "brul_cv", text, e);
	free(text);
	if (rc < 0)
		return -1;
	if ((text = oof_json(j)) == NULL)
		return brul_err_set(e, NULL, 0, 0, "out of memory");
	rc = brul_model_set_attr(m, "brul_oof", text, e);
	free(text);
	if (rc < 0 ||
	    brul_model_set_attr(m, "brul_fingerprint", j->fingerprint, e) < 0 ||
	    brul_model_set_attr(m, "brul_seed", seed, e) < 0 ||
	    (j->d.window_s && brul_model_set_attr(m, "brul_window_s", window,
	    e) < 0))
		return -1;
	if (j->o.test && test_eval(&j->o, &j->d, m, &j->ev_test,
	    &j->ev_test_base, &j->test_rows, &j->test_batteries, e) < 0)
		return -1;
	if (j->o.output && brul_model_save(m, j->o.output, e) < 0)
		return -1;
	return 0;
}

static json_t *
job_report(const struct job *j)
{
	json_t *r, *names = json_array();

	r = json_pack("{s:s,s:s,s:i,s:I,s:I,s:I,s:I,s:s}",
	    "brul_version", BRUL_VERSION,
	    "objective", brul_objective_name(j->o.p.objective),
	    "folds", j->o.folds, "seed", (json_int_t)j->o.p.seed,
	    "rows", (json_int_t)j->d.n, "batteries", (json_int_t)j->nb,
	    "skipped", (json_int_t)j->d.skipped,
	    "fingerprint", j->fingerprint);
	for (int k = 0; k < j->d.nfeat; k++)
		json_array_append_new(names, json_string(j->d.names[k]));
	json_object_set_new(r, "features", names);
	if (j->m.booster)
		json_object_set_new(r, "model_id", json_string(j->m.id));
	json_object_set_new(r, "cv", cv_json(&j->runs[0].eval, &j->ev_base));
	if (j->o.test)
		json_object_set_new(r, "test", json_pack("{s:I,s:I,s:o,s:o}",
		    "rows", (json_int_t)j->test_rows,
		    "batteries", (json_int_t)j->test_batteries,
		    "model", brul_eval_json(&j->ev_test),
		    "baseline", brul_eval_json(&j->ev_test_base)));
	if (j->o.has_until) {
		int ir = j->runs[0].objective == BRUL_OBJ_REGRESSION ? 0 : 1;
		char date[16];

		date[brul_date_format(date, j->o.until)] = '\0';
		json_object_set_new(r, "censoring", json_pack("{s:s,s:o,s:o}",
		    "observed_until", date,
		    "regression", brul_eval_json(&j->runs[ir].eval),
		    "survival", brul_eval_json(&j->runs[1 - ir].eval)));
	}
	return r;
}

static int
write_report(const char *path, json_t *report, struct brul_err *e)
{
	struct brul_publish pub;

	if (brul_publish_begin(&pub, path, "", e) < 0)
		return -1;
	if (json_dump_file(report, pub.tmp, JSON_INDENT(2) |
	    JSON_REAL_PRECISION(6) | JSON_PRESERVE_ORDER) != 0) {
		int err = errno;

		brul_publish_abort(&pub);
		return brul_err_set(e, path, 0, 0, "cannot write the report: "
		    "%s", strerror(err));
	}
	return brul_publish_commit(&pub, e);
}

/* The report's tables, on stderr. */
static void
job_print(const struct job *j)
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
}

static void
job_free(struct job *j)
{
	brul_model_release(&j->m);
	free(j->base);
	free(j->b10);
	free(j->b90);
	free(j->fold);
	free(j->train);
	for (int r = 0; r < 2; r++)
		run_free(&j->runs[r]);
	brul_dataset_release(&j->d);
	brul_labels_free(j->labels);
}

int
main(int argc, char **argv)
{
	struct job j = {
		.o = {
			.folds = 5,
			.p = { .objective = BRUL_OBJ_REGRESSION,
			    .rounds = 300, .depth = 4, .eta = 0.05,
			    .seed = 1 },
		},
	};
	struct brul_err e;
	json_t *report = NULL;
	uint64_t total;
	int final, rc = 1;

	brul_err_clear(&e);
	parse(argc, argv, &j.o);
	argc -= optind;
	argv += optind;

	if ((j.o.output && writable(j.o.output, &e) < 0) ||
	    (j.o.report && writable(j.o.report, &e) < 0) ||
	    job_load(&j, argv, argc, &e) < 0)
		goto out;
	final = j.o.output || j.o.test;
	total = (uint64_t)j.o.p.rounds * (uint64_t)(j.o.folds *
	    (j.o.has_until ? 2 : 1) + final);
	brul_progress_init(&j.prog.p, stderr, j.o.progress, "brul-train",
	    "rounds", total);
	j.o.p.on_round = tick;
	j.o.p.arg = &j.prog;
	if (job_cross_validate(&j, &e) < 0 || (final && job_final(&j,
	    &e) < 0))
		goto out;
	brul_progress_end(&j.prog.p, total);
	report = job_report(&j);
	if (j.o.report && write_report(j.o.report, report, &e) < 0)
		goto out;
	if (j.o.progress != BRUL_PROGRESS_QUIET)
		job_print(&j);
	rc = 0;
out:
	if (rc)
		brul_cli_error(&cli, &e);
	json_decref(report);
	job_free(&j);
	return rc;
}
