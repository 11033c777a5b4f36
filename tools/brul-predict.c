/*
 * brul-predict: features in, RUL predictions out.  See brul-predict(1).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/idtab.h"
#include "core/num.h"
#include "core/progress.h"
#include "core/reader.h"
#include "core/stream.h"
#include "core/timefmt.h"
#include "core/writer.h"
#include "ml/baseline.h"
#include "ml/calib.h"
#include "ml/featmap.h"
#include "ml/model.h"
#include "ml/risk.h"

static const char synopsis[] =
    "usage: brul-predict (-m MODEL | --baseline [-m MODEL]) [--latest]\n"
    "                    [--critical P] [--high P] [--medium P]\n"
    "                    [--format csv|ndjson] [-z] [-o FILE]\n"
    "                    [--progress | --quiet] [FILE ...]\n";

#define BATCH	4096		/* rows predicted at once */

struct options {
	const char *model;
	int baseline, latest;
	struct brul_risk_opts risk;
	struct brul_cli_stream out;
};

/* Rows waiting for their prediction: with --latest, one per battery (the
 * newest window), else a batch in input order. */
struct pending {
	int nfeat;
	size_t n, cap;
	int *battery;		/* into ids */
	int64_t *day, *ts;
	float *x;		/* n * nfeat */
	double *pred;
	struct brul_idtab *ids;
};

/* What a prediction needs: the model or the baseline, and the
 * calibration that turns a RUL into an interval and probabilities. */
struct predictor {
	struct brul_model m;
	int baseline;
	int base_idx[6];	/* the baseline's columns among the features */
	const struct brul_calib *calib;	/* NULL: none */
	const char *id;
	const char *const *features;
	int nfeat;
};

static const char *const columns[] = {
	"battery_id", "date", "rul_days", "rul_p10_days", "rul_p90_days",
	"p_fail_30d", "p_fail_90d", "p_fail_180d", "risk", "model_id"
};

static const char help[] =
"Reads features (CSV or NDJSON, plain or gzip; files in order, or stdin)\n"
"and writes a prediction of remaining useful life for each row.\n"
"\n"
"  -m, --model MODEL   the model (brul-train -o)\n"
"  --baseline          the physics baseline instead of the model (with -m,\n"
"                      its intervals come from the model's calibration)\n"
"  --latest            one row per battery: its newest window\n"
"  --critical P        risk critical when p_fail_30d >= P (0.5)\n"
"  --high P            risk high when p_fail_90d >= P (0.5)\n"
"  --medium P          risk medium when p_fail_180d >= P (0.5)\n"
"  --format FMT        output csv (default) or ndjson\n"
"  -z, --gzip          compress (also implied by -o NAME.gz)\n"
"  -o, --output FILE   write to FILE instead of stdout\n"
"  --progress, --quiet show or hide progress on stderr\n"
"  --help, --version\n";

static const struct brul_cli cli = { "brul-predict",
    "-m MODEL [options] [FILE ...]", synopsis, help };

enum {
	OPT_BASELINE = 256, OPT_LATEST, OPT_CRITICAL, OPT_HIGH, OPT_MEDIUM
};

static const struct option longopts[] = {
	BRUL_CLI_OPTIONS,
	BRUL_CLI_STREAM_OPTIONS,
	BRUL_CLI_PROGRESS_OPTIONS,
	{ "model", required_argument, NULL, 'm' },
	{ "baseline", no_argument, NULL, OPT_BASELINE },
	{ "latest", no_argument, NULL, OPT_LATEST },
	{ "critical", required_argument, NULL, OPT_CRITICAL },
	{ "high", required_argument, NULL, OPT_HIGH },
	{ "medium", required_argument, NULL, OPT_MEDIUM },
	{ NULL, 0, NULL, 0 }
};

static void
parse(int argc, char **argv, struct options *o)
{
	int ch;

	while ((ch = getopt_long(argc, argv, "m:o:z", longopts, NULL)) != -1) {
		if (brul_cli_option(&cli, &o->out, ch, optarg))
			continue;
		switch (ch) {
		case 'm':
			o->model = optarg;
			break;
		case OPT_BASELINE:
			o->baseline = 1;
			break;
		case OPT_LATEST:
			o->latest = 1;
			break;
		case OPT_CRITICAL:
			o->risk.critical = brul_cli_double(&cli, "--critical", optarg, 0, 1,
			    "a probability from 0 to 1");
			break;
		case OPT_HIGH:
			o->risk.high = brul_cli_double(&cli, "--high", optarg, 0, 1,
			    "a probability from 0 to 1");
			break;
		case OPT_MEDIUM:
			o->risk.medium = brul_cli_double(&cli, "--medium", optarg, 0, 1,
			    "a probability from 0 to 1");
			break;
		default:
			brul_cli_usage(&cli);
		}
	}
	if (o->model == NULL && !o->baseline) {
		fputs("brul-predict: a model (-m MODEL) or --baseline is "
		    "required\n", stderr);
		brul_cli_usage(&cli);
	}
}

static int
pending_init(struct pending *p, int nfeat, struct brul_err *e)
{
	memset(p, 0, sizeof *p);
	p->nfeat = nfeat;
	if ((p->ids = brul_idtab_new()) == NULL)
		return brul_err_set(e, NULL, 0, 0, "out of memory");
	return 0;
}

static void
pending_free(struct pending *p)
{
	free(p->battery);
	free(p->day);
	free(p->ts);
	free(p->x);
	free(p->pred);
	brul_idtab_free(p->ids);
}

/* Room for row i in every array. */
static int
pending_reserve(struct pending *p, size_t i)
{
	size_t cap = p->cap ? p->cap : 256;
	void *q;

	if (i < p->cap)
		return 0;
	while (cap <= i)
		cap *= 2;
#define RESIZE(field, n) \
	if ((q = realloc(p->field, (n) * sizeof *p->field)) == NULL) \
		return -1; \
	p->field = q;
	RESIZE(battery, cap);
	RESIZE(day, cap);
	RESIZE(ts, cap);
	RESIZE(pred, cap);
	RESIZE(x, cap * (size_t)p->nfeat);
#undef RESIZE
	p->cap = cap;
	return 0;
}

static int
predict(const struct predictor *pr, struct pending *p, struct brul_err *e)
{
	if (!pr->baseline)
		return brul_model_predict(&pr->m, p->x, p->n, p->pred, e);
	for (size_t i = 0; i < p->n; i++)
		p->pred[i] = brul_baseline_row(pr->base_idx,
		    p->x + i * (size_t)p->nfeat);
	return 0;
}

static double
known(double v)
{
	return isfinite(v) ? v : NAN;
}

static int
put_prob(struct brul_writer *w, double v)
{
	return brul_writer_fixed(w, v, 4);
}

/* Predicts the pending rows and writes them, in order. */
static int
flush(const struct predictor *pr, const struct options *o,
    struct pending *p, struct brul_writer *w, struct brul_err *e)
{
	if (predict(pr, p, e) < 0)
		return -1;
	for (size_t i = 0; i < p->n; i++) {
		const char *id = brul_idtab_name(p->ids, p->battery[i]);
		double rul = p->pred[i], p10 = NAN, p90 = NAN, f30 = NAN,
		    f90 = NAN, f180 = NAN;
		const char *risk;
		int rc = 0;

		if (pr->calib) {
			/* an end censoring leaves unknown is missing */
			p10 = known(brul_calib_quantile(pr->calib, rul, 10));
			p90 = known(brul_calib_quantile(pr->calib, rul, 90));
			f30 = brul_calib_pfail(pr->calib, rul, BRUL_RISK_H30);
			f90 = brul_calib_pfail(pr->calib, rul, BRUL_RISK_H90);
			f180 = brul_calib_pfail(pr->calib, rul,
			    BRUL_RISK_H180);
		}
		risk = brul_risk_level(&o->risk, f30, f90, f180);
		rc |= brul_writer_token(w, id, strlen(id));
		rc |= brul_writer_date(w, p->day[i]);
		rc |= brul_writer_fixed(w, rul, 1);
		rc |= brul_writer_fixed(w, p10, 1);
		rc |= brul_writer_fixed(w, p90, 1);
		rc |= put_prob(w, f30);
		rc |= put_prob(w, f90);
		rc |= put_prob(w, f180);
		rc |= risk ? brul_writer_cstr(w, risk) : brul_writer_null(w);
		rc |= brul_writer_cstr(w, pr->id);
		rc |= brul_writer_end(w);
		if (rc) {
			*e = *brul_writer_err(w);
			return -1;
		}
	}
	p->n = 0;
	return 0;
}

/* A model knows its features only over the window it was trained on:
 * hours above 30 degC in an hour are not those in a day. */
static int
check_window(const struct predictor *pr, struct brul_reader *r, int col,
    struct brul_err *e)
{
	int64_t w;
	int rc = brul_reader_int(r, col, &w, e);

	if (rc < 0)
		return -1;
	if (rc == 1 && pr->m.window_s && w != pr->m.window_s)
		return brul_err_set(e, brul_reader_name(r), brul_reader_line(r),
		    0, "window_s: %lld, but the model was trained on windows "
		    "of %lld s (brul-features --window %lld)", (long long)w,
		    (long long)pr->m.window_s, (long long)pr->m.window_s);
	return 0;
}

/* Reads one features stream into the pending rows, flushing full
 * batches (not with --latest, which keeps a row per battery). */
static int
run(const char *path, const struct predictor *pr, const struct options *o,
    struct pending *p, struct brul_writer *w, struct brul_progress *prog,
    uint64_t *rows, struct brul_err *e)
{
	struct brul_featmap fm = { 0 };
	struct brul_reader *r;
	int c_id, c_date, c_ts, c_win, rc;

	if ((r = brul_reader_open(path, BRUL_FMT_AUTO, e)) == NULL)
		return -1;
	rc = -1;
	if ((c_id = brul_reader_require(r, "battery_id", e)) < 0 ||
	    (c_date = brul_reader_require(r, "date", e)) < 0 ||
	    brul_featmap_bind(&fm, pr->features, pr->nfeat, r, e) < 0)
		goto out;
	c_ts = brul_reader_col(r, "ts");
	/* the baseline alone has no window; its calibration from a model
	 * has the model's */
	c_win = pr->m.booster ? brul_reader_col(r, "window_s") : -1;
	while ((rc = brul_reader_next(r, e)) == 1) {
		struct brul_field id;
		int64_t day, ts = INT64_MIN;
		size_t i;
		int k;

		if ((rc = brul_reader_id(r, c_id, &id, e)) < 0)
			break;
		if ((rc = brul_reader_date(r, c_date, &day, e)) <= 0 ||
		    (c_ts >= 0 && brul_reader_time(r, c_ts, &ts, e) < 0)) {
			if (rc == 0)
				brul_err_set(e, brul_reader_name(r),
				    brul_reader_line(r), 0, "date: missing "
				    "value");
			rc = -1;
			break;
		}
		if (ts == INT64_MIN)
			ts = day * BRUL_DAY;
		if (c_win >= 0 && (rc = check_window(pr, r, c_win, e)) < 0)
			break;
		if ((k = brul_idtab_intern(p->ids, id.s, id.n)) < 0) {
			rc = brul_err_set(e, NULL, 0, 0, "out of memory");
			break;
		}
		if (o->latest) {
			/* ids are numbered in order of first sight */
			i = (size_t)k;
			if (i < p->n && ts < p->ts[i])
				continue;	/* an older window */
		} else
			i = p->n;
		if (pending_reserve(p, i) < 0) {
			rc = brul_err_set(e, NULL, 0, 0, "out of memory");
			break;
		}
		if ((rc = brul_featmap_read(&fm, r, p->x + i *
		    (size_t)p->nfeat, e)) < 0)
			break;
		p->battery[i] = k;
		p->day[i] = day;
		p->ts[i] = ts;
		if (i == p->n)
			p->n++;
		brul_progress_update(prog, ++*rows);
		if (!o->latest && p->n == BATCH &&
		    (rc = flush(pr, o, p, w, e)) < 0)
			break;
	}
out:
	brul_featmap_release(&fm);
	brul_reader_close(r);
	return rc < 0 ? -1 : 0;
}

static int
predictor_init(struct predictor *pr, const struct options *o,
    struct brul_err *e)
{
	memset(pr, 0, sizeof *pr);
	pr->baseline = o->baseline;
	if (o->model && brul_model_load(&pr->m, o->model, e) < 0)
		return -1;
	if (o->baseline) {
		pr->features = brul_baseline_columns;
		pr->nfeat = 6;
		for (int k = 0; k < 6; k++)
			pr->base_idx[k] = k;
		pr->calib = pr->m.has_base_calib ? &pr->m.base_calib : NULL;
		pr->id = "baseline";
	} else {
		pr->features = (const char *const *)pr->m.features;
		pr->nfeat = pr->m.nfeat;
		pr->calib = pr->m.has_calib ? &pr->m.calib : NULL;
		pr->id = pr->m.id;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct options o = {
		.out.format = BRUL_FMT_CSV,
		.risk = { BRUL_RISK_DEFAULT, BRUL_RISK_DEFAULT,
		    BRUL_RISK_DEFAULT },
	};
	struct predictor pr;
	struct pending p;
	struct brul_out_opts oo;
	struct brul_out *out = NULL;
	struct brul_writer *w = NULL;
	struct brul_progress prog;
	struct brul_err e;
	uint64_t rows = 0;
	int i;

	brul_err_clear(&e);
	memset(&p, 0, sizeof p);
	parse(argc, argv, &o);
	argc -= optind;
	argv += optind;

	if (predictor_init(&pr, &o, &e) < 0 ||
	    pending_init(&p, pr.nfeat, &e) < 0)
		goto fail;
	memset(&oo, 0, sizeof oo);
	oo.gzip = o.out.gzip;
	if ((out = brul_out_open(o.out.output, &oo, &e)) == NULL ||
	    (w = brul_writer_new(out, o.out.format, columns,
	    (int)(sizeof columns / sizeof columns[0]), &e)) == NULL)
		goto fail;
	brul_progress_init(&prog, stderr, o.out.progress, "brul-predict", "rows",
	    0);
	i = 0;
	do {
		if (run(argc ? argv[i] : NULL, &pr, &o, &p, w, &prog, &rows,
		    &e) < 0)
			goto fail;
	} while (++i < argc);
	if (flush(&pr, &o, &p, w, &e) < 0)
		goto fail;
	brul_progress_end(&prog, rows);
	brul_writer_free(w);
	w = NULL;
	if (brul_out_close(out, &e) < 0) {
		out = NULL;
		goto fail;
	}
	pending_free(&p);
	brul_model_release(&pr.m);
	return 0;
fail:
	brul_cli_error(&cli, &e);
	brul_writer_free(w);
	if (out)
		brul_out_abort(out);
	pending_free(&p);
	brul_model_release(&pr.m);
	return 1;
}
