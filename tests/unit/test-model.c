/* test-model.c: the numerical kernels of the RUL model against values
 * worked out by hand: the physics baseline, conformal calibration
 * (percentiles, intervals, failure probabilities), the evaluation figures
 * (MAE, RMSE, coverage, AUC with ties), the operator's censoring of a
 * label, the folds grouped by battery, a model trained through XGBoost
 * that must not see a battery on both sides of a fold, and the sample of
 * out-of-fold rows a model file carries. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xgboost/c_api.h>

#include "ml/baseline.h"
#include "ml/calib.h"
#include "ml/cv.h"
#include "ml/evaluate.h"
#include "ml/labels.h"
#include "ml/model.h"
#include "ml/risk.h"
#include "tap.h"

static void
test_baseline(struct tap *t)
{
	/* life 730 * 100 / 50 = 1460 d, 730 d left at 2^(10/10) = 2 per day:
	 * 365 d; resistance 4.8 of 4.0, +0.01/day to 6.0: 120 d */
	struct brul_baseline_in in = {
		.life_used_pct = 50, .eq_age_days = 730, .t_mean_c = 35,
		.r_ratio = 1.2, .r_latest_mohm = 4.8,
		.r_slope_mohm_per_day = 0.01,
	};
	float row[6] = { 50, 730, 35, 1.2f, 4.8f, 0.01f };
	int idx[6];

	tap_near(t, brul_baseline_rul(&in), 120, 1e-9,
	    "baseline: the sooner of Arrhenius and resistance");
	in.r_slope_mohm_per_day = 0;
	tap_near(t, brul_baseline_rul(&in), 365, 1e-9,
	    "baseline: a flat resistance leaves Arrhenius");
	in.r_ratio = 1.6;
	tap_near(t, brul_baseline_rul(&in), 0, 0,
	    "baseline: resistance past +50 % is end of life");
	in.r_ratio = NAN;
	in.t_mean_c = NAN;
	tap_near(t, brul_baseline_rul(&in), 730, 1e-9,
	    "baseline: no temperature: 25 degC");
	in.life_used_pct = 120;
	tap_near(t, brul_baseline_rul(&in), 0, 0,
	    "baseline: life used up: 0, never negative");
	in.life_used_pct = NAN;
	tap_ok(t, isnan(brul_baseline_rul(&in)), "baseline: nothing to go by");

	brul_baseline_index(idx, brul_baseline_columns, 6);
	tap_near(t, brul_baseline_row(idx, row), 120, 1e-3,
	    "baseline of a feature row");
}

static void
test_calib(struct tap *t)
{
	/* 101 rows predicted at 50 d (band 0-90), truths 0..100 at 1..101
	 * minus 1: residuals -50..50 */
	double pred[101], truth[101];
	int exact[101];
	struct brul_calib c, back;
	struct brul_err e;
	char *json;

	for (int i = 0; i < 101; i++) {
		pred[i] = 50;
		truth[i] = i;
		exact[i] = 1;
	}
	tap_ok(t, brul_calib_fit(&c, pred, truth, exact, 101, &e) == 0,
	    "calib: fits");
	tap_ok(t, c.n[0] == 101 && c.n[1] == 0, "calib: residuals by band of "
	    "the prediction");
	tap_near(t, c.q[0][9], -40, 1e-9, "calib: 10th percentile");
	tap_near(t, c.q[0][89], 40, 1e-9, "calib: 90th percentile");
	tap_near(t, c.q[3][49], 0, 1e-9, "calib: an empty band borrows all");
	tap_near(t, brul_calib_quantile(&c, 50, 10), 10, 1e-9, "p10 = pred + "
	    "q10");
	tap_near(t, brul_calib_quantile(&c, 20, 10), 0, 0, "p10 never below "
	    "0");
	tap_near(t, brul_calib_pfail(&c, 50, 50), 0.5, 1e-9,
	    "P(fail by the prediction) = 0.5 for centred residuals");
	tap_near(t, brul_calib_pfail(&c, 50, 55), 0.55, 1e-9,
	    "P(fail) interpolates between percentiles");
	tap_near(t, brul_calib_pfail(&c, 50, 1000), 1, 0, "P(fail) far "
	    "ahead: 1");
	tap_near(t, brul_calib_pfail(&c, 50, -100), 0, 0, "P(fail) in the "
	    "past: 0");
	tap_ok(t, isnan(brul_calib_pfail(&c, NAN, 30)) &&
	    isnan(brul_calib_quantile(&c, NAN, 10)), "calib: no prediction");

	json = brul_calib_json(&c);
	tap_ok(t, json && brul_calib_parse(&back, json, &e) == 0 &&
	    memcmp(&back, &c, sizeof c) == 0, "calib: JSON round trip exact");
	free(json);
	tap_ok(t, brul_calib_parse(&back, "{\"n\":[1],\"q\":[]}", &e) < 0,
	    "calib: malformed JSON refused");

	exact[0] = 0;
	for (int i = 1; i < 101; i++)
		exact[i] = 0;
	tap_ok(t, brul_calib_fit(&c, pred, truth, exact, 101, &e) == 0 &&
	    isinf(c.q[0][0]) && isinf(c.q[3][98]) &&
	    isinf(brul_calib_quantile(&c, 50, 10)) &&
	    isnan(brul_calib_pfail(&c, 50, 40)),
	    "calib: censored labels only: nothing known");
}

/* Kaplan-Meier percentiles with censored residuals, worked by hand. */
static void
test_calib_censored(struct tap *t)
{
	double pred[4] = { 0, 0, 0, 0 }, truth[4] = { 10, 20, 30, 40 };
	int exact[4] = { 1, 0, 1, 1 };
	struct brul_calib c, back;
	struct brul_err e;
	char *json;

	/* at 10: 4 at risk, S = 3/4; 20 censored; at 30: 2 at risk,
	 * S = 3/8; at 40: S = 0 */
	brul_calib_fit(&c, pred, truth, exact, 4, &e);
	tap_ok(t, c.q[0][24] == 10 && c.q[0][25] == 30 && c.q[0][61] == 30 &&
	    c.q[0][62] == 40 && c.q[0][98] == 40,
	    "KM: F = 0.25 at 10, 0.625 at 30, 1 at 40");
	exact[2] = exact[3] = 0;
	brul_calib_fit(&c, pred, truth, exact, 4, &e);
	tap_ok(t, c.q[0][24] == 10 && isinf(c.q[0][25]),
	    "KM: percentiles past the last event are unknown (+inf)");
	tap_ok(t, isinf(brul_calib_quantile(&c, 0, 90)),
	    "KM: an unknown p90 is +inf");
	tap_ok(t, isnan(brul_calib_pfail(&c, 0, 1000)),
	    "KM: P(fail) past the known part is unknown");
	tap_near(t, brul_calib_pfail(&c, 0, 5), 0, 0,
	    "KM: P(fail) before the first end of life seen: 0");
	json = brul_calib_json(&c);
	tap_ok(t, json && strstr(json, "null") && brul_calib_parse(&back, json,
	    &e) == 0 && isinf(back.q[0][98]) && back.q[0][24] == 10,
	    "KM: +inf is null in JSON and back");
	free(json);
}

static void
test_evaluate(struct tap *t)
{
#define ROW(tr, ce, su, pr, lo, hi, b, f30, f90, f180, ps) { \
	.truth = tr, .censored = ce, .sudden = su, .pred = pr, .p10 = lo, \
	.p90 = hi, .battery = b, .p_fail = { f30, f90, f180 }, .p_sudden = ps }
	struct brul_eval_row r[] = {
		/* error 10, covered */
		ROW(10, 0, 0, 20, 0, 30, 0, 0.9, 0.95, 0.99, 0.01),
		/* error 30, not covered */
		ROW(100, 0, 0, 70, 110, 120, 1, 0.1, 0.4, 0.8, 0.02),
		/* error 0, covered */
		ROW(200, 0, 1, 200, 150, 250, 1, 0, 0.1, 0.3, 0.05),
		/* censored */
		ROW(5000, 1, 0, 900, 800, 1000, 2, 0, 0.05, 0.1, 0.01),
		/* unpredicted */
		ROW(50, 0, 0, NAN, NAN, NAN, 3, NAN, NAN, NAN, NAN),
	};
#undef ROW
	struct brul_eval ev;
	double score[] = { 0.9, 0.8, 0.8, 0.1 }, auc;
	int pos[] = { 1, 1, 0, 0 };

	tap_ok(t, brul_evaluate(&ev, r, 5) == 0, "evaluate: runs");
	tap_ok(t, ev.g[BRUL_EVAL_ALL].rows == 5 &&
	    ev.g[BRUL_EVAL_ALL].batteries == 4 &&
	    ev.g[BRUL_EVAL_ALL].unpredicted == 1, "evaluate: counts");
	tap_near(t, ev.g[BRUL_EVAL_ALL].mae, 40 / 3.0, 1e-9,
	    "evaluate: MAE leaves out censored and unpredicted rows");
	tap_near(t, ev.g[BRUL_EVAL_ALL].rmse, sqrt(1000 / 3.0), 1e-9,
	    "evaluate: RMSE");
	tap_near(t, ev.g[BRUL_EVAL_ALL].coverage_pct, 200 / 3.0, 1e-9,
	    "evaluate: coverage");
	/* AUC: positives truth < 90 (row 0), negatives rows 1, 2 and the
	 * censored one; scores -pred: -20 beats -70, -200, -900: 1 */
	tap_near(t, ev.g[BRUL_EVAL_ALL].auc_90d, 1, 1e-12,
	    "evaluate: AUC counts a censored row as a negative");
	tap_ok(t, ev.g[0].rows == 2 && ev.g[1].rows == 1 && ev.g[2].rows == 1
	    && ev.g[3].rows == 1, "evaluate: bands by true RUL");
	tap_ok(t, ev.g[BRUL_EVAL_LE365].rows == 4 &&
	    ev.g[BRUL_EVAL_LE365_WEAR].rows == 3,
	    "evaluate: <=365 and its wear-out part");
	tap_ok(t, isnan(ev.g[0].auc_90d), "evaluate: one class, no AUC");
	/* 30 d: bins 9 (0.9, failed), 1 (0.1, not), 0 (0 and 0, not) */
	tap_ok(t, ev.rel[0].rows == 4 && ev.rel[0].n[0] == 2 &&
	    ev.rel[0].n[1] == 1 && ev.rel[0].n[9] == 1 &&
	    ev.rel[0].failed[9] == 1, "evaluate: reliability bins at 30 d");
	tap_near(t, ev.rel[0].ece, 0.2 / 4, 1e-12, "evaluate: ECE at 30 d");
	tap_near(t, ev.rel[1].ece, 0.6 / 4, 1e-12, "evaluate: ECE at 90 d");
	tap_ok(t, ev.rel[2].horizon_days == 180 && ev.rel[2].rows == 4,
	    "evaluate: a censored label past the horizon is known");
	tap_ok(t, ev.sudden_rows == 4 && ev.sudden_observed == 0,
	    "evaluate: sudden failures seen within 90 days");
	tap_near(t, ev.sudden_expected, 0.09, 1e-12,
	    "evaluate: sudden failures expected");

	tap_ok(t, brul_auc(score, pos, 4, &auc) == 0, "auc: runs");
	/* pairs (pos, neg): (0.9,0.8) 1, (0.9,0.1) 1, (0.8,0.8) 0.5,
	 * (0.8,0.1) 1: 3.5 / 4 */
	tap_near(t, auc, 0.875, 1e-12, "auc: a tie counts half");
}

static void
test_observed(struct tap *t)
{
	struct brul_label l = { .rul_days = 100, .censored = 0,
	    .eol_day = 1100 };
	struct brul_label o;

	o = brul_label_observed(&l, 1000, 1200);
	tap_ok(t, !o.censored && o.rul_days == 100, "observed: an end of "
	    "life seen stays exact");
	o = brul_label_observed(&l, 1000, 1030);
	tap_ok(t, o.censored && o.rul_days == 30 && o.eol_day == INT64_MIN,
	    "observed: an end of life after the records: censored at their "
	    "end");
	o = brul_label_observed(&l, 1050, 1030);
	tap_ok(t, o.censored && o.rul_days == 0, "observed: a day after the "
	    "records: bound 0");
	l.censored = 1;
	l.rul_days = 20;
	l.eol_day = INT64_MIN;
	o = brul_label_observed(&l, 1000, 1030);
	tap_ok(t, o.censored && o.rul_days == 20, "observed: a censored "
	    "label keeps its own bound");
}

static void
test_folds(struct tap *t)
{
	int fold[103], count[5] = { 0 }, other[103];
	int ok = 1, same = 1;

	brul_folds_assign(fold, 103, 5, 7);
	for (int b = 0; b < 103; b++) {
		ok &= fold[b] >= 0 && fold[b] < 5;
		count[fold[b] >= 0 && fold[b] < 5 ? fold[b] : 0]++;
	}
	for (int k = 0; k < 5; k++)
		ok &= count[k] == 20 || count[k] == 21;
	tap_ok(t, ok, "folds: every battery in one fold, sizes 20 or 21");
	brul_folds_assign(other, 103, 5, 7);
	tap_ok(t, memcmp(fold, other, sizeof fold) == 0, "folds: the seed "
	    "decides");
	brul_folds_assign(other, 103, 5, 8);
	for (int b = 0; b < 103; b++)
		same &= fold[b] == other[b];
	tap_ok(t, !same, "folds: another seed, another deal");
}

/* A battery on both sides of a fold would be remembered: each battery's
 * rows carry its own number as a feature and its own RUL.  Trained out of
 * fold, no prediction can hit a battery's RUL; in sample, deep trees do. */
static void
test_grouped_cv(struct tap *t)
{
	enum { NB = 40, PER = 100 };
	struct brul_dataset d;
	struct brul_train_params p = {
		.objective = BRUL_OBJ_REGRESSION, .rounds = 200, .depth = 8,
		.eta = 0.3, .threads = 1, .seed = 1,
	};
	struct brul_err e;
	struct brul_model m;
	double oof[NB * PER], in[NB * PER], err_oof = 0, err_in = 0;
	int fold[NB];
	char id[16];

	brul_dataset_init(&d, &e);
	d.nfeat = 1;
	d.names = calloc(2, sizeof *d.names);
	d.names[0] = strdup("who");
	d.n = d.cap = NB * PER;
	d.x = malloc(d.n * sizeof *d.x);
	d.battery = malloc(d.n * sizeof *d.battery);
	d.day = malloc(d.n * sizeof *d.day);
	d.label = calloc(d.n, sizeof *d.label);
	for (int b = 0; b < NB; b++) {
		snprintf(id, sizeof id, "B%d", b);
		brul_idtab_intern(d.ids, id, strlen(id));
		for (int k = 0; k < PER; k++) {
			size_t i = (size_t)(b * PER + k);

			d.x[i] = (float)b;
			d.battery[i] = b;
			d.day[i] = k;
			/* RULs 20 days apart, out of order with b */
			d.label[i].rul_days = 1000 + 20 * ((b * 17) % NB);
		}
	}
	brul_folds_assign(fold, NB, 4, 1);
	tap_ok(t, brul_cv_predict(&d, d.label, fold, 4, &p, oof, &e) == 0,
	    "grouped cv: runs");
	if (brul_model_train(&m, &p, d.x, d.n, 1,
	    (const char *const *)d.names, d.label, &e) == 0) {
		brul_model_predict(&m, d.x, d.n, in, &e);
		brul_model_release(&m);
	}
	for (size_t i = 0; i < d.n; i++) {
		err_oof += fabs(oof[i] - d.label[i].rul_days) / (double)d.n;
		err_in += fabs(in[i] - d.label[i].rul_days) / (double)d.n;
	}
	/* a guess knowing nothing is off by ~260 days on average */
	if (!tap_ok(t, err_in < 10, "in sample, the trees remember each "
	    "battery"))
		printf("# mean error %g days\n", err_in);
	if (!tap_ok(t, err_oof > 100, "out of fold, none is remembered: no "
	    "battery on both sides"))
		printf("# mean error %g days\n", err_oof);
	brul_dataset_release(&d);
}

/* The sample: only rows the evaluation judges, in row order, a band too
 * small for its share whole, the others sharing the rest. */
static void
test_cv_sample(struct tap *t)
{
	enum { N = 2000 };
	static struct brul_label l[N];
	static double pred[N];
	static size_t rows[N];
	struct brul_dataset d = { .n = N, .label = l };
	size_t band[BRUL_BANDS], want[BRUL_BANDS] = { 0 }, got[BRUL_BANDS] =
	    { 0 }, m, first = N, last = 0;
	int ok = 1;

	for (size_t i = 0; i < N; i++) {
		/* 1 row in 100 under 90 days, 1 in 10 at 120, the rest 500 */
		l[i].rul_days = i % 100 == 0 ? 30 : i % 10 == 5 ? 120 : 500;
		l[i].censored = i % 7 == 3;
		pred[i] = i % 11 == 4 ? NAN : 400;
		if (!l[i].censored && !isnan(pred[i]))
			want[brul_band(l[i].rul_days)]++;
	}
	m = brul_cv_sample(&d, pred, 100, rows, band);
	for (int b = 0; b < BRUL_BANDS; b++)
		ok &= band[b] == want[b];
	tap_ok(t, ok, "sample: the rows of each band, censored and "
	    "unpredicted ones left out");
	tap_ok(t, m == 100, "sample: as many rows as asked");
	for (size_t k = 0; k < m; k++) {
		ok &= (k == 0 || rows[k] > rows[k - 1]) &&
		    !l[rows[k]].censored && !isnan(pred[rows[k]]);
		got[brul_band(l[rows[k]].rul_days)]++;
	}
	tap_ok(t, ok, "sample: judged rows only, in row order");
	/* none in 180-365; 15 under 90 days, of 33 each; 42 and 43 */
	tap_ok(t, want[0] == 15 && got[0] == 15 && got[2] == 0 &&
	    got[1] == 42 && got[3] == 43, "sample: a small band whole, the "
	    "rest shared equally");
	/* evenly spread: 90-180's first and last near its ends */
	for (size_t k = m; k-- > 0; )
		if (brul_band(l[rows[k]].rul_days) == 1)
			first = rows[k];
	for (size_t k = 0; k < m; k++)
		if (brul_band(l[rows[k]].rul_days) == 1)
			last = rows[k];
	tap_ok(t, first < N / 20 && last > N - N / 20, "sample: a band's "
	    "rows spread through it");
	m = brul_cv_sample(&d, pred, N, rows, band);
	tap_ok(t, m == band[0] + band[1] + band[2] + band[3] && m < N,
	    "sample: all rows when they are fewer than asked");
	tap_ok(t, brul_cv_sample(&d, pred, 0, rows, band) == 0,
	    "sample: none asked, none given");
}

/* A trained model saved and loaded predicts the same, and keeps its
 * names, objective, calibration and id. */
static void
test_round_trip(struct tap *t)
{
	enum { N = 300 };
	struct brul_train_params p = {
		.objective = BRUL_OBJ_SURVIVAL, .rounds = 20, .depth = 3,
		.eta = 0.3, .threads = 1, .seed = 1,
	};
	const char *names[] = { "a", "b" };
	float x[N * 2];
	struct brul_label l[N];
	double before[N], after[N];
	struct brul_model m, back;
	struct brul_err e;
	char path[] = "/tmp/brul-test-model-XXXXXX.json";
	int fd = mkstemps(path, 5), same = 1;

	for (int i = 0; i < N; i++) {
		x[2 * i] = (float)i;
		x[2 * i + 1] = i % 3 ? NAN : (float)(i % 7);
		l[i].rul_days = 10 + i;
		l[i].censored = i % 5 == 0;
	}
	close(fd);
	tap_ok(t, brul_model_train(&m, &p, x, N, 2, names, l, &e) == 0,
	    "survival model trains with censored labels");
	brul_model_predict(&m, x, N, before, &e);
	memset(&m.calib, 0, sizeof m.calib);
	for (int k = 0; k < BRUL_CALIB_Q; k++)
		m.calib.q[2][k] = k - 12.5;
	m.has_calib = 1;
	snprintf(m.id, sizeof m.id, "abc123");
	tap_ok(t, brul_model_save(&m, path, NULL, &e) == 0, "model saves");
	if (!tap_ok(t, brul_model_load(&back, path, &e) == 0, "model loads"))
		printf("# %s\n", e.msg);
	brul_model_predict(&back, x, N, after, &e);
	for (int i = 0; i < N; i++)
		same &= before[i] == after[i];
	tap_ok(t, same, "the loaded model predicts the same");
	tap_ok(t, back.nfeat == 2 && strcmp(back.features[1], "b") == 0 &&
	    back.objective == BRUL_OBJ_SURVIVAL && back.has_calib &&
	    back.calib.q[2][9] == -3.5 && strcmp(back.id, "abc123") == 0,
	    "names, objective, calibration and id survive");
	tap_ok(t, before[N - 1] > before[0], "a longer life predicted longer");
	brul_model_release(&back);
	/* The id goes into predictions' model_id: one that is not an id,
	 * or too long to keep whole, is refused, not cut. */
	{
		static const char *const bad[] = {
			"abc 123", "0123456789abcdef0123456789abcdef" };
		static const char *const why[] = {
			"brul_model_id: not an id (' ' at byte 4: an id holds "
			"ASCII letters, digits, '-', '_' and '.')",
			"brul_model_id: not an id (32 bytes: an id has at most "
			"31)" };

		for (int k = 0; k < 2; k++) {
			brul_model_set_attr(&m, "brul_model_id", bad[k], &e);
			XGBoosterSaveModel(m.booster, path);
			tap_ok(t, brul_model_load(&back, path, &e) == -1,
			    "a model whose id is not one is refused");
			tap_streq(t, e.msg, why[k], "and the message says why");
		}
	}
	brul_model_release(&m);
	unlink(path);
}

static void
test_risk(struct tap *t)
{
	struct brul_risk_opts o = { 0.5, 0.5, 0.5 };

	tap_streq(t, brul_risk_level(&o, 0.6, 0.9, 1), "critical", "risk: "
	    "critical");
	tap_streq(t, brul_risk_level(&o, 0.4, 0.5, 1), "high", "risk: high");
	tap_streq(t, brul_risk_level(&o, 0.1, 0.2, 0.5), "medium",
	    "risk: medium");
	tap_streq(t, brul_risk_level(&o, 0.1, 0.2, 0.3), "low", "risk: low");
	tap_ok(t, brul_risk_level(&o, 0.1, 0.2, NAN) == NULL, "risk: not "
	    "low when a probability is unknown");
	tap_streq(t, brul_risk_level(&o, 0.6, NAN, NAN), "critical",
	    "risk: a known probability still raises it");
}

int
main(void)
{
	struct tap t = { 0, 0 };

	test_baseline(&t);
	test_calib(&t);
	test_calib_censored(&t);
	test_evaluate(&t);
	test_observed(&t);
	test_folds(&t);
	test_grouped_cv(&t);
	test_cv_sample(&t);
	test_round_trip(&t);
	test_risk(&t);
	return tap_done(&t);
}
