/*
 * baseline.h: the physics-only RUL estimate a model must beat.
 *
 * What an engineer does without a model, from one row of features:
 *  - Arrhenius: the block has used life_used_pct of its rated float life
 *    at 25 degC; the rest is spent at 2^((T - 25) / 10) days per day at
 *    the window's mean temperature T;
 *  - resistance: when it is rising, the days until it reaches 1.5 times
 *    the block's baseline (the usual replacement criterion: +50 %),
 *    extrapolating the trailing 30-day slope.
 * The estimate is the sooner of the two, never below 0, and NAN when
 * neither can be computed.
 */
#ifndef BRUL_BASELINE_H
#define BRUL_BASELINE_H

#include "battery/vrla.h"

#define BRUL_BASELINE_R_END	BRUL_VRLA_EOL_R_RATIO	/* r_ratio at end of life */

/* The features it uses; missing ones are NAN. */
struct brul_baseline_in {
	double life_used_pct, eq_age_days, t_mean_c;
	double r_ratio, r_latest_mohm, r_slope_mohm_per_day;
};

/* Their names as feature columns, in the order of the struct. */
extern const char *const brul_baseline_columns[6];

double brul_baseline_rul(const struct brul_baseline_in *in);

/* Where those columns sit among names[0..n) (-1: absent), and the
 * estimate for one row of features laid out so. */
void brul_baseline_index(int idx[6], const char *const *names, int n);
double brul_baseline_row(const int idx[6], const float *row);

#endif
