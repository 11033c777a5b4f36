/*
 * dist.h: the predictive distribution of a block's time to end of life,
 * and the figures a prediction reads off it.
 *
 * Two risks compete and the first ends the block:
 *  - wear-out: the model's prediction of the day capacity falls to its
 *    end plus a residual drawn from the calibration (calib.h), fitted
 *    with sudden failures as censored wear-out times;
 *  - a sudden failure (hazard.h) at a constant rate per day.
 * So P(T <= t) = 1 - (1 - Fw(t)) exp(-rate t), with Fw the wear-out part's
 * CDF.  The median, the 10th and 90th percentiles and P(T <= 30, 90,
 * 180 days) all come from that one function: P(fail within h) >= 0.5
 * exactly when the median is at most h, also as written (rul_days to 0.1
 * day, probabilities to 4 decimals: a probability that would round across
 * one half the wrong way is held at 0.4999 or 0.5000; a percentile rounds
 * as the column does).  Where censoring leaves the wear-out part unknown,
 * a probability that needs it is unknown (NAN) and a percentile +inf,
 * and a median hidden so is the model's own RUL, but no sooner than the
 * last day whose probability is known (under one half, or the median
 * would be known): an estimate the probabilities do not contradict.
 *
 * Plain storage throughout.
 */
#ifndef BRUL_DIST_H
#define BRUL_DIST_H

#include "ml/calib.h"
#include "ml/risk.h"

/* One block's distribution on one day. */
struct brul_dist {
	const struct brul_calib *wear;	/* NULL: no calibration, nothing
					 * but the point is known */
	double pred;			/* the wear-out model's RUL, days */
	double rate;			/* sudden failures per day, >= 0 */
};

/* What a prediction reports, read off one distribution. */
struct brul_rul {
	double median, p10, p90;	/* days, to 0.1; +inf: past what
					 * censoring lets be known; NAN:
					 * no prediction */
	double p_fail[3];		/* within 30, 90, 180 days */
	double p_sudden_90d;		/* the sudden part of p_fail[1] */
};

/* The horizons of p_fail, in days. */
extern const int brul_dist_horizons[3];

/* P(T <= t days); NAN when unknown. */
double brul_dist_cdf(const struct brul_dist *d, double t);

/* The smallest t >= 0 with P(T <= t) >= p (0 < p < 1); +inf when
 * censoring leaves it unknown, NAN when pred is. */
double brul_dist_quantile(const struct brul_dist *d, double p);

/* The figures of d.  Without a calibration, or with one that saw no end
 * of life (every label censored), the median is the prediction itself and
 * the rest unknown, but for the sudden part. */
void brul_dist_read(const struct brul_dist *d, struct brul_rul *r);

#endif
