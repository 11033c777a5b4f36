/*
 * brul-twin: telemetry in, each block's estimated state out, from its
 * equivalent circuit tracked by an extended Kalman filter.  See
 * brul-twin(1).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/progress.h"
#include "core/reader.h"
#include "core/stream.h"
#include "core/timefmt.h"
#include "core/writer.h"
#include "twin/ecm.h"
#include "twin/ecmfit.h"
#include "twin/runtime.h"
#include "twin/fusion.h"
#include "twin/twinset.h"

static const char synopsis[] =
    "usage: brul-twin --fleet FILE [--shard I/N] [--every DURATION]\n"
    "                 [--cutoff VOLTS] [--load AMPS] [--ecm FILE]\n"
    "                 [--predictions FILE] [--format csv|ndjson] [-z] [-o FILE]\n"
    "                 [--progress | --quiet] [FILE ...]\n"
    "       brul-twin --fit [--fit-models] --fleet FILE [--shard I/N]\n"
    "                 [--ecm FILE] [-o FILE] [FILE ...]\n";

#define INPUT	"brul-twin's input"	/* the operands, in messages */

struct options {
	const char *fleet, *ecm, *predictions;
	double cutoff_v, load_a;	/* load_a: 0 when none */
	int64_t every;
	int fit, fit_models;
	int shard, nshards;
	struct brul_cli_stream out;
};

static const char *const columns[] = {
	"ts", "battery_id", "soc_pct", "soc_sd_pct", "soh_pct", "soh_sd_pct",
	"r0_mohm", "v_pred_v", "residual_v", "innovation_z",
	"runtime_min", "runtime_lo_min", "runtime_hi_min",
	/* with --predictions */
	"rul_twin_days", "rul_twin_sd_days", "rul_days", "rul_sd_days"
};
#define NCOLS_BASE 13

/* Each battery's latest prediction (--predictions). */
struct pred {
	int64_t day;		/* INT64_MIN: none */
	double rul, sd;
};

static const char help[] =
"Reads telemetry (CSV or NDJSON, plain or gzip; files in order, or stdin;\n"
"per battery in ascending time) and writes each block's estimated state:\n"
"state of charge and of health with their standard deviations, R0, the\n"
"predicted voltage, the residual and the normalised innovation, and while\n"
"it discharges the minutes left to the cut-off at the present load (with\n"
"--load, between discharges, at that load).\n"
"\n"
"  --fleet FILE        the batteries stream: models, capacities, baselines\n"
"  --shard I/N         only the I-th of N shares of the fleet's sites (0-based),\n"
"                      as brul-gen --shard writes them\n"
"  --every DURATION    one row per battery per DURATION (60s, 15m, 1h, 1d)\n"
"                      instead of one per sample\n"
"  --cutoff VOLTS      the cut-off per 12 V block for runtime_min (default\n"
"                      10.5: 1.75 V a cell; 6 to 13)\n"
"  --load AMPS         between discharges, runtime_min is the minutes to the\n"
"                      cut-off at a constant AMPS from now (0.25 to 10000)\n"
"  --ecm FILE          the circuits' parameters (default: data/ecm.csv)\n"
"  --predictions FILE  brul-predict's predictions, fused with the twin's own\n"
"                      remaining useful life (more columns)\n"
"  --fit               identify each block's circuit from its discharges and\n"
"                      write it as rows for --ecm\n"
"  --fit-models        with --fit: each model's row the median of its\n"
"                      fitted blocks' circuits (three at least)\n"
"  --format FMT        output csv (default) or ndjson\n"
"  -z, --gzip          compress (also implied by -o NAME.gz)\n"
"  --force             write gzip to a terminal anyway\n"
"  -o, --output FILE   write to FILE instead of stdout\n"
"  --progress          show progress on stderr, even off a terminal\n"
"  -q, --quiet         show no progress, no notes (\"FILE: 0 rows\", --fit)\n"
"  --help, --version\n";

static const struct brul_cli cli = { "brul-twin",
    "--fleet FILE [options] [FILE ...]", synopsis, help };

enum {
	OPT_CUTOFF = 256, OPT_ECM, OPT_EVERY, OPT_FIT, OPT_FIT_MODELS, OPT_FLEET,
	OPT_LOAD, OPT_PREDICTIONS, OPT_SHARD
};

static const struct option longopts[] = {
	BRUL_CLI_OPTIONS,
	BRUL_CLI_STREAM_OPTIONS,
	BRUL_CLI_PROGRESS_OPTIONS,
	{ "cutoff", required_argument, NULL, OPT_CUTOFF },
	{ "ecm", required_argument, NULL, OPT_ECM },
	{ "every", required_argument, NULL, OPT_EVERY },
	{ "fit", no_argument, NULL, OPT_FIT },
	{ "fit-models", no_argument, NULL, OPT_FIT_MODELS },
	{ "fleet", required_argument, NULL, OPT_FLEET },
	{ "load", required_argument, NULL, OPT_LOAD },
	{ "predictions", required_argument, NULL, OPT_PREDICTIONS },
	{ "shard", required_argument, NULL, OPT_SHARD },
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
		case OPT_CUTOFF:
			o->cutoff_v = brul_cli_double(&cli, "--cutoff", optarg,
			    6, 13, "volts per 12 V block, from 6 to 13");
			break;
		case OPT_ECM:
			o->ecm = optarg;
			break;
		case OPT_EVERY:
			o->every = brul_cli_duration(&cli, "--every", optarg,
			    1, INT64_MAX, "a duration (60s, 15m, 1h, 1d)");
			break;
		case OPT_FIT:
			o->fit = 1;
			break;
		case OPT_FIT_MODELS:
			o->fit_models = 1;
			break;
		case OPT_FLEET:
			o->fleet = optarg;
			break;
		case OPT_LOAD:
			o->load_a = brul_cli_double(&cli, "--load", optarg,
			    0.25, 10000, "amperes, from 0.25 to 10000");
			break;
		case OPT_PREDICTIONS:
			o->predictions = optarg;
			break;
		case OPT_SHARD:
			brul_cli_share(&cli, "--shard", optarg, &o->shard,
			    &o->nshards);
			break;
		default:
			brul_cli_usage(&cli);
		}
	}
	if (o->fleet == NULL)
		brul_cli_misuse(&cli, "--fleet FILE is required (the "
		    "batteries stream: each block's model, capacity and "
		    "baseline)");
	if (o->fit_models && !o->fit)
		brul_cli_misuse(&cli, "--fit-models goes with --fit");
	if (o->fit_models && o->nshards > 1)
		brul_cli_misuse(&cli, "--fit-models takes the median over the "
		    "whole fleet: not with --shard");
	/* --fit writes circuits, not states: what shapes states is moot */
	if (o->fit && (o->every || o->predictions || o->load_a))
		brul_cli_misuse(&cli, "--fit writes one circuit per block: not "
		    "with %s", o->every ? "--every" : o->predictions ?
		    "--predictions" : "--load");
}

static struct brul_twinset *
load(const struct options *o, struct brul_err *e)
{
	struct brul_ecm *ecm;
	struct brul_twinset *s;
	struct brul_reader *r;
	int n, rc;

	if (o->ecm == NULL)
		n = brul_ecm_load(NULL, &ecm, e);
	else if ((r = brul_cli_open(o->ecm, "--ecm", "circuits", e)) == NULL)
		return NULL;
	else {
		if ((n = brul_ecm_read(r, &ecm, e)) >= 0)
			brul_cli_rows(&cli, r, o->out.quiet);
		brul_reader_close(r);
	}
	if (n < 0)
		return NULL;
	if ((s = brul_twinset_new(ecm, n)) == NULL) {
		brul_err_set(e, NULL, 0, 0, "out of memory");
		return NULL;
	}
	if (o->nshards > 1 &&
	    brul_twinset_share(s, o->shard, o->nshards) < 0) {
		brul_err_set(e, NULL, 0, 0, "out of memory");
		brul_twinset_free(s);
		return NULL;
	}
	if ((r = brul_cli_open(o->fleet, "--fleet", "batteries", e)) == NULL) {
		brul_twinset_free(s);
		return NULL;
	}
	if ((rc = brul_twinset_load_fleet(s, r, e)) == 0)
		brul_cli_rows(&cli, r, o->out.quiet);
	brul_reader_close(r);
	if (rc < 0) {
		brul_twinset_free(s);
		return NULL;
	}
	return s;
}

/* A reading, NaN when missing; -1 when malformed. */
static int
reading(struct brul_reader *r, int col, double *v, struct brul_err *e)
{
	int rc = col < 0 ? 0 : brul_reader_double(r, col, v, e);

	if (rc == 0)
		*v = NAN;
	return rc < 0 ? -1 : 0;
}

/* The prediction's life on the day of ts (it counts down from its
 * date), fused with the twin's. */
static int
put_fused(struct brul_writer *w, int64_t ts, const struct pred *p,
	  const struct brul_twin_out *s)
{
	double pr = NAN, m, sd;
	int64_t day = ts >= 0 ? ts / BRUL_DAY : -((-ts + BRUL_DAY - 1) /
	    BRUL_DAY);
	int rc = 0;

	if (p->day != INT64_MIN && day >= p->day) {
		pr = p->rul - (double)(day - p->day);
		if (pr < 0)
			pr = 0;
	}
	brul_fuse(s->rul_days, s->rul_sd_days, pr, p->sd, &m, &sd);
	rc |= brul_writer_fixed(w, s->rul_days, 1);
	rc |= brul_writer_fixed(w, s->rul_sd_days, 1);
	rc |= brul_writer_fixed(w, m, 1);
	rc |= brul_writer_fixed(w, sd, 1);
	return rc;
}

static int
put(struct brul_writer *w, int64_t ts, const char *id,
    const struct brul_twin_out *s, const struct brul_runtime *rt,
    const struct pred *p, struct brul_err *e)
{
	int rc = 0;

	rc |= brul_writer_time(w, ts);
	rc |= brul_writer_token(w, id, strlen(id));
	rc |= brul_writer_fixed(w, s->soc_pct, 2);
	rc |= brul_writer_fixed(w, s->soc_sd_pct, 2);
	rc |= brul_writer_fixed(w, s->soh_pct, 2);
	rc |= brul_writer_fixed(w, s->soh_sd_pct, 2);
	rc |= brul_writer_fixed(w, s->r0_mohm, 3);
	rc |= brul_writer_fixed(w, s->v_pred_v, 3);
	rc |= brul_writer_fixed(w, s->residual_v, 4);
	rc |= brul_writer_fixed(w, s->score, 3);
	rc |= brul_writer_fixed(w, rt->min, 1);
	rc |= brul_writer_fixed(w, rt->lo_min, 1);
	rc |= brul_writer_fixed(w, rt->hi_min, 1);
	if (p)
		rc |= put_fused(w, ts, p, s);
	rc |= brul_writer_end(w);
	if (rc) {
		*e = *brul_writer_err(w);
		return -1;
	}
	return 0;
}

/* One telemetry stream through the twins (or the fits) into the writer;
 * the reader is the caller's. */
static int
run(struct brul_reader *r, struct brul_twinset *set, const struct options *o,
    struct brul_ecmfit *fits, const struct pred *preds, int64_t *last,
    struct brul_writer *w, struct brul_progress *prog, uint64_t *rows,
    struct brul_err *e)
{
	int cts, cid, ci, cv, ct, cr, rc;

	if ((cts = brul_reader_require(r, "ts", e)) < 0 ||
	    (cid = brul_reader_require(r, "battery_id", e)) < 0 ||
	    (ci = brul_reader_require(r, "current_a", e)) < 0 ||
	    (cv = brul_reader_require(r, "voltage_v", e)) < 0)
		return -1;
	ct = brul_reader_has_col(r, "temperature_c");
	cr = brul_reader_has_col(r, "resistance_mohm");
	while ((rc = brul_reader_next(r, e)) == 1) {
		struct brul_field id;
		struct brul_twin *tw;
		struct brul_twin_out s;
		struct brul_runtime rt;
		double i, v, t, ohm;
		int64_t ts, prev;
		int k;

		if ((rc = brul_reader_id(r, cid, &id, e)) < 0)
			break;
		if ((rc = brul_reader_time(r, cts, &ts, e)) <= 0) {
			if (rc == 0)
				rc = brul_err_set(e, brul_reader_name(r),
				    brul_reader_line(r), 0,
				    "ts: missing value");
			break;
		}
		if ((rc = reading(r, ci, &i, e)) < 0 ||
		    (rc = reading(r, cv, &v, e)) < 0 ||
		    (rc = reading(r, ct, &t, e)) < 0 ||
		    (rc = reading(r, cr, &ohm, e)) < 0)
			break;
		if ((tw = brul_twinset_get(set, id.s, id.n, &k)) == NULL) {
			if (brul_twinset_other(set, id.s, id.n))
				continue;
			rc = brul_err_set(e, brul_reader_name(r),
			    brul_reader_line(r), 0, "battery_id: %.*s is not "
			    "in the fleet (--fleet)", (int)id.n, id.s);
			break;
		}
		prev = fits ? fits[k].ts : tw->ts;
		if (prev != INT64_MIN && ts < prev) {
			rc = brul_err_set(e, brul_reader_name(r),
			    brul_reader_line(r), 0, "ts: goes back in time for "
			    "%.*s (telemetry must be in ascending time per "
			    "battery)", (int)id.n, id.s);
			break;
		}
		if (fits) {
			brul_ecmfit_add(&fits[k], ts, i, v, t, ohm);
			brul_progress_update(prog, ++*rows);
			continue;
		}
		if (brul_twin_step(tw, ts, i, v, t, ohm, &s) == 0)
			continue;
		if (o->every && last[k] != INT64_MIN &&
		    ts - last[k] < o->every)
			continue;
		last[k] = ts;
		/* Only for the rows written: it runs the circuit forward. */
		brul_twin_runtime(tw, o->cutoff_v, o->load_a, &rt);
		if ((rc = put(w, ts, brul_twinset_id(set, k), &s, &rt,
		    preds ? &preds[k] : NULL, e)) < 0)
			break;
		brul_progress_update(prog, ++*rows);
	}
	return rc < 0 ? -1 : 0;
}

/* The latest prediction of each battery of the fleet; batteries the
 * fleet does not have are passed over.  The standard deviation is the
 * p10-p90 interval's over 2 x 1.2816 (a normal's), missing without it. */
static struct pred *
load_predictions(const struct options *o, struct brul_twinset *set,
		 struct brul_err *e)
{
	int n = brul_twinset_count(set), cid, cdate, crul, c10, c90, rc;
	struct pred *p = malloc(((size_t)n + 1) * sizeof *p);
	struct brul_reader *r;

	if (p == NULL) {
		brul_err_set(e, NULL, 0, 0, "out of memory");
		return NULL;
	}
	for (int k = 0; k <= n; k++)
		p[k].day = INT64_MIN;
	if ((r = brul_cli_open(o->predictions, "--predictions", "predictions",
	    e)) == NULL) {
		free(p);
		return NULL;
	}
	rc = -1;
	if ((cid = brul_reader_require(r, "battery_id", e)) < 0 ||
	    (cdate = brul_reader_require(r, "date", e)) < 0 ||
	    (crul = brul_reader_require(r, "rul_days", e)) < 0 ||
	    (c10 = brul_reader_require(r, "rul_p10_days", e)) < 0 ||
	    (c90 = brul_reader_require(r, "rul_p90_days", e)) < 0)
		goto out;
	while ((rc = brul_reader_next(r, e)) == 1) {
		struct brul_field id;
		double rul = NAN, p10 = NAN, p90 = NAN;
		int64_t day;
		int k;

		if ((rc = brul_reader_id(r, cid, &id, e)) < 0 ||
		    (rc = brul_reader_date(r, cdate, &day, e)) < 0)
			break;
		if (rc == 0) {
			rc = brul_err_set(e, brul_reader_name(r),
			    brul_reader_line(r), 0, "date: missing value");
			break;
		}
		if (
		    (rc = brul_reader_double(r, crul, &rul, e)) < 0 ||
		    (rc = brul_reader_double(r, c10, &p10, e)) < 0 ||
		    (rc = brul_reader_double(r, c90, &p90, e)) < 0)
			break;
		if (brul_twinset_get(set, id.s, id.n, &k) == NULL ||
		    isnan(rul) || (p[k].day != INT64_MIN && day < p[k].day))
			continue;
		p[k].day = day;
		p[k].rul = rul;
		p[k].sd = p90 > p10 ? (p90 - p10) / (2 * 1.2816) : NAN;
	}
	if (rc == 0)
		brul_cli_rows(&cli, r, o->out.quiet);
out:
	brul_reader_close(r);
	if (rc < 0) {
		free(p);
		return NULL;
	}
	return p;
}

static struct brul_ecmfit *
fit_init(struct brul_twinset *set, struct brul_err *e)
{
	int n = brul_twinset_count(set);
	struct brul_ecmfit *f = calloc((size_t)n + 1, sizeof *f);

	if (f == NULL) {
		brul_err_set(e, NULL, 0, 0, "out of memory");
		return NULL;
	}
	for (int k = 0; k < n; k++) {
		const char *id = brul_twinset_id(set, k);
		struct brul_twin *tw = brul_twinset_get(set, id, strlen(id),
							 NULL);

		brul_ecmfit_init(&f[k], tw->m, tw->cap_rated_ah,
				 tw->f.x[BRUL_TW_R0]);
	}
	return f;
}

/* What --fit found for one battery. */
struct fitted {
	struct brul_ecm c;
	double r0, cap, rmse;
	int got;		/* brul_ecmfit_solve's: 0, -1, -2 or -3 */
};

/* A model's row: with --fit-models and three fitted blocks of the model
 * at least, the median of their circuits; else the row as it was read.
 * 0, or -1 when out of memory. */
static int
model_row(const struct brul_ecm *model, const struct fitted *fit, int n,
	  const struct options *o, struct brul_ecm *row, int *pooled)
{
	struct brul_ecm *same;
	int m = 0, rc = 0;

	*row = *model;
	*pooled = 0;
	if (!o->fit_models)
		return 0;
	if ((same = malloc(((size_t)n + 1) * sizeof *same)) == NULL)
		return -1;
	for (int k = 0; k < n; k++)
		if (fit[k].got == 0 &&
		    strcmp(fit[k].c.model, model->model) == 0)
			same[m++] = fit[k].c;
	if (m >= 3) {
		rc = brul_ecm_median(same, m, row);
		*pooled = m;
	}
	free(same);
	return rc;
}

/* The models' rows, then a row per battery with enough discharge to fit
 * (in fleet order); the others are said on stderr. */
static int
fit_write(struct brul_twinset *set, const struct brul_ecmfit *f,
	  const struct options *o, struct brul_writer *w, struct brul_err *e)
{
	int n = brul_twinset_count(set), none = 0, odd = 0, big = 0, nm;
	int rc = 0, first_big = -1;
	const struct brul_ecm *models = brul_twinset_ecm(set, &nm);
	struct fitted *fit = calloc((size_t)n + 1, sizeof *fit);

	if (fit == NULL) {
		brul_err_set(e, NULL, 0, 0, "out of memory");
		return -1;
	}
	for (int k = 0; k < n; k++) {
		fit[k].got = brul_ecmfit_solve(&f[k], &fit[k].c, &fit[k].r0,
		    &fit[k].cap, &fit[k].rmse);
		none += fit[k].got == -1;
		odd += fit[k].got == -2;
		if (fit[k].got == -3 && big++ == 0)
			first_big = k;
	}
	/* The models' rows first, so that the file serves --ecm alone; of
	 * shares, the first writes them, so that the shares' files together
	 * are the whole's. */
	for (int k = 0; k < nm && rc == 0 && o->shard == 0; k++) {
		struct brul_ecm row;
		int pooled;

		if (models[k].battery[0])
			continue;
		if (model_row(&models[k], fit, n, o, &row, &pooled) < 0) {
			brul_err_set(e, NULL, 0, 0, "out of memory");
			rc = -1;
			break;
		}
		if (pooled && o->out.progress != BRUL_PROGRESS_QUIET)
			fprintf(stderr, "brul-twin: --fit-models: %s: the "
			    "median of %d blocks' circuits\n", row.model,
			    pooled);
		rc |= brul_ecm_put(w, &row);
		for (int c = 0; c < 4; c++)
			rc |= brul_writer_null(w);
		rc |= brul_writer_end(w);
		if (rc)
			*e = *brul_writer_err(w);
	}
	for (int k = 0; k < n && rc == 0; k++) {
		if (fit[k].got < 0)
			continue;
		snprintf(fit[k].c.battery, sizeof fit[k].c.battery, "%s",
			 brul_twinset_id(set, k));
		rc |= brul_ecm_put(w, &fit[k].c);
		rc |= brul_writer_fixed(w, fit[k].r0, 3);
		rc |= brul_writer_fixed(w, fit[k].cap, 1);
		rc |= brul_writer_fixed(w, fit[k].rmse, 4);
		rc |= brul_writer_int(w, f[k].n);
		rc |= brul_writer_end(w);
		if (rc)
			*e = *brul_writer_err(w);
	}
	free(fit);
	if (rc)
		return -1;
	if (none && o->out.progress != BRUL_PROGRESS_QUIET)
		fprintf(stderr, "brul-twin: --fit: %d of %d batteries had too "
		    "little discharge to fit (30 samples at least); they keep "
		    "their model's circuit\n", none, n);
	if (odd && o->out.progress != BRUL_PROGRESS_QUIET)
		fprintf(stderr, "brul-twin: --fit: %d of %d batteries gave no "
		    "physical circuit; they keep their model's\n", odd, n);
	if (big && o->out.progress != BRUL_PROGRESS_QUIET)
		fprintf(stderr, "brul-twin: --fit: %d of %d batteries gave "
		    "more than 110 %% of their capacity_ah in a discharge "
		    "(the first: %s); is it the rated capacity?  They keep "
		    "their model's circuit\n", big, n,
		    brul_twinset_id(set, first_big));
	return 0;
}

int
main(int argc, char **argv)
{
	struct options o = { .out.format = BRUL_FMT_CSV, .nshards = 1,
	    .cutoff_v = BRUL_RUNTIME_CUTOFF_V };
	struct brul_twinset *set = NULL;
	struct brul_out_opts oo;
	struct brul_out *out = NULL;
	struct brul_writer *w = NULL;
	struct brul_reader *r = NULL;
	struct brul_progress prog;
	struct brul_err e;
	struct brul_ecmfit *fits = NULL;
	struct pred *preds = NULL;
	const char *fit_columns[BRUL_ECM_NCOLS + 4];
	int64_t *last = NULL;	/* each battery's last row written */
	uint64_t rows = 0;
	int i;

	brul_err_clear(&e);
	parse(argc, argv, &o);
	argc -= optind;
	argv += optind;
	if ((set = load(&o, &e)) == NULL)
		goto fail;
	brul_cli_out_opts(&o.out, &oo);
	if ((last = malloc(((size_t)brul_twinset_count(set) + 1) *
	    sizeof *last)) == NULL) {
		brul_err_set(&e, NULL, 0, 0, "out of memory");
		goto fail;
	}
	for (int k = 0; k <= brul_twinset_count(set); k++)
		last[k] = INT64_MIN;
	if (o.fit && (fits = fit_init(set, &e)) == NULL)
		goto fail;
	if (o.predictions && !o.fit &&
	    (preds = load_predictions(&o, set, &e)) == NULL)
		goto fail;
	/* The first input before the output: a missing or empty one leaves
	 * nothing written. */
	if ((r = brul_cli_open(argc ? argv[0] : NULL, INPUT, "telemetry",
	    &e)) == NULL)
		goto fail;
	/* --fit: the circuit's columns, then what the fit found. */
	for (int k = 0; k < BRUL_ECM_NCOLS; k++)
		fit_columns[k] = brul_ecm_columns[k];
	fit_columns[BRUL_ECM_NCOLS] = "r0_mohm";
	fit_columns[BRUL_ECM_NCOLS + 1] = "capacity_ah";
	fit_columns[BRUL_ECM_NCOLS + 2] = "fit_rmse_v";
	fit_columns[BRUL_ECM_NCOLS + 3] = "samples";
	if ((out = brul_out_open(o.out.output, &oo, &e)) == NULL ||
	    (w = o.fit ? brul_writer_new(out, o.out.format, fit_columns,
	    (int)(sizeof fit_columns / sizeof fit_columns[0]), &e) :
	    brul_writer_new(out, o.out.format, columns, preds ?
	    (int)(sizeof columns / sizeof columns[0]) : NCOLS_BASE,
	    &e)) == NULL)
		goto fail;
	brul_progress_init(&prog, stderr, o.out.progress, "brul-twin", "rows",
	    0);
	for (i = 0; i == 0 || i < argc; i++) {
		if (r == NULL && (r = brul_cli_open(argv[i], INPUT,
		    "telemetry", &e)) == NULL)
			goto fail;
		if (run(r, set, &o, fits, preds, last, w, &prog, &rows,
		    &e) < 0)
			goto fail;
		brul_cli_rows(&cli, r, o.out.quiet);
		brul_reader_close(r);
		r = NULL;
	}
	brul_progress_end(&prog, rows);
	if (fits && fit_write(set, fits, &o, w, &e) < 0)
		goto fail;
	brul_writer_free(w);
	w = NULL;
	if (brul_out_close(out, &e) < 0) {
		out = NULL;
		goto fail;
	}
	free(last);
	free(fits);
	free(preds);
	brul_twinset_free(set);
	return 0;
fail:
	brul_cli_error(&cli, &e);
	brul_reader_close(r);
	brul_writer_free(w);
	if (out)
		brul_out_abort(out);
	free(last);
	free(fits);
	free(preds);
	brul_twinset_free(set);
	return 1;
}
