/*
 * cv.h: cross-validation grouped by battery, and the intervals it
 * calibrates.
 *
 * Batteries, not rows, are shuffled with the seed and dealt to K folds, so
 * that a battery's rows are never on both sides: rows of one battery a day
 * apart are near copies, and splitting them would measure memory, not
 * prediction (the fault of the Python original).  Each fold's rows are
 * predicted by a model trained on the other folds' rows: out-of-fold
 * predictions, one per row.
 *
 * Distributions for judging coverage and probabilities are
 * cross-conformal: fold k's rows get a calibration and a sudden-failure
 * hazard fitted on the other folds' rows only, never on their own.
 *
 * Ownership: everything is caller storage.
 */
#ifndef BRUL_CV_H
#define BRUL_CV_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "ml/band.h"
#include "ml/calib.h"
#include "ml/dataset.h"
#include "ml/dist.h"
#include "ml/hazard.h"
#include "ml/labels.h"
#include "ml/model.h"

/* fold[b] in 0..k-1 for each of nb batteries: a seeded shuffle dealt
 * round-robin, so folds differ in size by one battery at most. */
void brul_folds_assign(int *fold, int nb, int k, uint64_t seed);

/* Out-of-fold predictions of d's rows into oof[0..d->n), training on
 * labels (d->label, or a censored view of them) with p.  0 or -1. */
int brul_cv_predict(const struct brul_dataset *d,
		    const struct brul_label *labels, const int *fold, int k,
		    const struct brul_train_params *p, double *oof,
		    struct brul_err *err);

/* Every row's distribution (dist.h), cross-fitted: fold k's rows from a
 * calibration and a hazard fitted on the other folds only.  0 or -1. */
int brul_cv_dists(const struct brul_dataset *d,
		  const struct brul_label *labels, const int *fold, int k,
		  const double *pred, struct brul_rul *out,
		  struct brul_err *err);

/* The calibration of all rows' residuals (wear-out ends exact, sudden
 * ones censored).  0 or -1. */
int brul_cv_calibrate(const struct brul_dataset *d,
		      const struct brul_label *labels, const double *pred,
		      struct brul_calib *c, struct brul_err *err);

/* A deterministic sample of at most cap of the rows whose errors and
 * coverage the evaluation counts (evaluate.h): an exact true RUL (d->label,
 * not a censored view of it) and a prediction, both finite.  It is
 * stratified by band of true RUL, because short RULs are rare and matter
 * most: each band gets an equal share of cap (a band with fewer rows is
 * taken whole, and what it leaves goes to the bigger ones) and takes its
 * share at an even stride in row order.  The sampled rows' indices go to
 * rows[0..returned), ascending; band_rows[b] counts the rows band b had to
 * sample from, so that whole-set figures weigh each of a band's sampled
 * rows by band_rows[b] over their number. */
size_t brul_cv_sample(const struct brul_dataset *d, const double *pred,
		      size_t cap, size_t *rows, size_t band_rows[BRUL_BANDS]);

#endif
