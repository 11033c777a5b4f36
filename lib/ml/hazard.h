/*
 * hazard.h: the rate of sudden failures, the competing risk no trend
 * foretells.
 *
 * An open or shorted cell or a thermal runaway ends a block within hours
 * of its first sign, so no feature of last week predicts the day; what is
 * measured predicts how often.  The log of the rate per day is linear in
 * three covariates:
 *   temperature  (t_mean_c - 25) / 10: grid corrosion and dry-out double
 *                per 10 degC (Arrhenius), and runaway needs heat;
 *   age          (life_used_pct / 100)^3: cells fail as the plates and
 *                the separators wear, slowly at first;
 *   jump         r_ratio - r_ratio_7d when positive, at most
 *                BRUL_HAZARD_JUMP_MAX: a resistance that rose over the
 *                past week (a failing intercell weld, a drying cell).
 * A missing covariate counts as 0 (its typical value).  The rate is held
 * constant over the horizon, so P(sudden failure within h days) is
 * 1 - exp(-rate h).
 *
 * The slopes are the physics' (the rate doubles per 10 degC, is four
 * times as high at the end of the rated life as new, doubles with a week's
 * jump of 0.1), not fitted: a fleet of thousands sees a dozen sudden
 * failures a year, each counted on every day that foresaw it, and slopes
 * fitted to them follow a few blocks (on the simulated fleet they came
 * out with failures falling with heat and age).  brul_hazard_fit fits the
 * scale by maximum likelihood: each row is followed for up to
 * BRUL_HAZARD_SPAN days, until its label's end of life, an event when
 * that end is a sudden failure; with no event at all the rate is 0.
 *
 * Plain storage; the JSON text from brul_hazard_json is the caller's to
 * free().
 */
#ifndef BRUL_HAZARD_H
#define BRUL_HAZARD_H

#include <stddef.h>

#include "core/err.h"
#include "ml/dataset.h"
#include "ml/labels.h"

#define BRUL_HAZARD_NZ		4	/* intercept and three covariates */
#define BRUL_HAZARD_SPAN	365	/* days a row is followed */
#define BRUL_HAZARD_JUMP_MAX	0.5	/* a jump counts up to this much */

struct brul_hazard {
	double coef[BRUL_HAZARD_NZ];	/* log rate per day */
	long events;			/* sudden failures the fit saw */
	double exposure_days;		/* and the days at risk */
};

/* The covariates' names, in coef's order after the intercept. */
extern const char *const brul_hazard_covariates[BRUL_HAZARD_NZ - 1];

/* Where the features it reads sit among names[0..n) (-1: absent):
 * t_mean_c, life_used_pct, r_ratio, r_ratio_7d. */
void brul_hazard_index(int idx[4], const char *const *names, int n);

/* Sudden failures per day for one row of features laid out so. */
double brul_hazard_rate(const struct brul_hazard *h, const int idx[4],
			const float *row);

/* Fits h on d's rows with labels (one per row), leaving out those whose
 * battery is in fold skip (skip < 0: none left out).  0, or -1 out of
 * memory. */
int brul_hazard_fit(struct brul_hazard *h, const struct brul_dataset *d,
		    const struct brul_label *labels, const int *fold,
		    int skip, struct brul_err *err);

/* {"covariates":[...],"coef":[...],"events":N,"exposure_days":X} */
char *brul_hazard_json(const struct brul_hazard *h);
int brul_hazard_parse(struct brul_hazard *h, const char *json,
		      struct brul_err *err);

#endif
