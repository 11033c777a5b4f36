/*
 * calib.h: prediction intervals and failure probabilities from residuals
 * (split conformal calibration).
 *
 * XGBoost 1.7 has no quantile objective, so a model predicts one RUL and
 * brul calibrates its uncertainty from out-of-fold residuals (true minus
 * predicted RUL, days).  Residuals are kept as percentiles (1st to 99th)
 * for each band of *predicted* RUL, because the error grows with the
 * horizon and the true RUL is unknown when predicting.  A band with too
 * few residuals borrows all of them.  A censored label gives a residual
 * known only from below; the percentiles are those of the Kaplan-Meier
 * estimate, so censoring neither drops rows nor biases the rest, and a
 * percentile that censoring leaves unknown is +inf (null in JSON).  The
 * predicted distribution of the true RUL is then pred + residual: p10/p90
 * are its 10th and 90th percentiles and P(RUL <= h) its CDF at h,
 * interpolated between percentiles, and unknown (NAN) past the last known.
 * A band with too few residuals, or none exact, borrows all of them.
 *
 * A struct brul_calib is plain storage; the JSON text from
 * brul_calib_json is the caller's to free().
 */
#ifndef BRUL_CALIB_H
#define BRUL_CALIB_H

#include <stddef.h>

#include "core/err.h"
#include "ml/band.h"

#define BRUL_CALIB_Q	99	/* percentiles 1..99 */
#define BRUL_CALIB_MIN	30	/* fewer residuals in a band: use all */

struct brul_calib {
	long n[BRUL_BANDS];			/* residuals behind each band */
	double q[BRUL_BANDS][BRUL_CALIB_Q];	/* ascending, days */
};

/* Fits c from n predictions and true RULs (a lower bound where exact is
 * 0); rows with a missing value are left out.  With no exact label at all,
 * every percentile is unknown (+inf).  0, or -1 out of memory. */
int brul_calib_fit(struct brul_calib *c, const double *pred,
		   const double *truth, const int *exact, size_t n,
		   struct brul_err *err);

/* The percentile pct (1..99) of the true RUL given prediction pred, never
 * below 0, +inf when unknown; NAN when pred is. */
double brul_calib_quantile(const struct brul_calib *c, double pred, int pct);

/* P(true RUL <= h days) given prediction pred, in [0, 1]; NAN when pred
 * is, or when h lies past what the censored labels let the calibration
 * see. */
double brul_calib_pfail(const struct brul_calib *c, double pred, double h);

/* {"bands":["0-90",...],"n":[...],"q":[[...99 numbers],...]} */
char *brul_calib_json(const struct brul_calib *c);
/* Parses that text back; -1 with a message when it is not one. */
int brul_calib_parse(struct brul_calib *c, const char *json,
		     struct brul_err *err);

#endif
