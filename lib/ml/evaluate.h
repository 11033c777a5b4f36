/*
 * evaluate.h: how good RUL predictions are, against true labels.
 *
 * Figures are given for every row and by band of *true* RUL (band.h), plus
 * the rows whose true RUL is at most 365 days (where a prediction matters
 * most), and those of them whose life ends by wearing out rather than by a
 * sudden failure (a hazard no trend foretells more than days ahead): rows and batteries counted, MAE and RMSE in days, coverage of the
 * p10-p90 interval in %, and the AUC of "fails within 90 days" with the
 * predicted RUL as the score (lower RUL, likelier failure).
 *
 * A censored true label (end of life beyond what was simulated) is only a
 * lower bound: such rows count in the AUC (a lower bound of 90 days or more
 * is a sure "no"), in no error.  A missing prediction counts nowhere; how
 * many there were is kept.
 *
 * All plain storage; json text from brul_eval_json is the caller's to free
 * with json_decref.
 */
#ifndef BRUL_EVALUATE_H
#define BRUL_EVALUATE_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "ml/band.h"

enum {
	BRUL_EVAL_ALL = BRUL_BANDS,	/* after the bands */
	BRUL_EVAL_LE365,
	BRUL_EVAL_LE365_WEAR,	/* <= 365 days, ending by wearing out */
	BRUL_EVAL_GROUPS
};

struct brul_metrics {
	long rows, batteries, unpredicted;
	double mae, rmse, coverage_pct, auc_90d;	/* NAN: no rows */
};

/* How well P(fail within h days) is calibrated, over every row whose
 * outcome at h is known (an exact label, or a censored one past h): in
 * BRUL_EVAL_BINS bins of the probability, the rows, their mean
 * probability and the share that failed; the expected calibration error
 * is the rows' weighted mean of |mean probability - share|. */
#define BRUL_EVAL_BINS	10
struct brul_reliability {
	int horizon_days;
	long rows;
	double ece;			/* NAN: no rows */
	long n[BRUL_EVAL_BINS];
	double p[BRUL_EVAL_BINS], failed[BRUL_EVAL_BINS];
};

struct brul_eval {
	struct brul_metrics g[BRUL_EVAL_GROUPS];
	struct brul_reliability rel[3];	/* 30, 90, 180 days */
	/* the sudden part: failures within 90 days the hazard expected
	 * (the sum of p_sudden) and those that came, over the rows whose
	 * 90 days are known */
	long sudden_rows;
	double sudden_expected;
	long sudden_observed;
};

/* One row to judge. */
struct brul_eval_row {
	double truth;		/* true RUL, days (a lower bound if censored) */
	int censored;
	int sudden;		/* the life ends in a sudden failure */
	double pred, p10, p90;	/* the median and the interval; NAN: none */
	double p_fail[3];	/* within 30, 90, 180 days; NAN: none */
	double p_sudden;	/* of a sudden failure within 90 days */
	int battery;		/* any id, >= 0, for counting batteries */
};

/* Evaluates n rows.  0, or -1 out of memory. */
int brul_evaluate(struct brul_eval *e, const struct brul_eval_row *rows,
		  size_t n);

/* The AUC of score for the positives (Mann-Whitney, ties counted half);
 * NAN without both classes.  Rows whose pos is < 0 are left out.  0, or -1
 * out of memory. */
int brul_auc(const double *score, const int *pos, size_t n, double *auc);

/* The group's name: "0-90" ... "365+", "all", "<=365", "<=365 wear-out". */
const char *brul_eval_group_name(int g);

/* {"all": {"rows":..,"batteries":..,"mae_days":..,...}, "0-90": ...} */
json_t *brul_eval_json(const struct brul_eval *e);

/* The table, one line per group, under a title line. */
void brul_eval_print(FILE *fp, const char *title, const struct brul_eval *e);

#endif
