/*
 * explain.h: why the model predicts a row's RUL: the features that move it
 * most, as reasons people read (brul-predict --explain).
 *
 * XGBoost gives each feature's contribution phi_k to a row's margin
 * (TreeSHAP, exact for trees; brul_model_contrib): the margin is the bias
 * plus the sum of them, and it is log(1 + RUL) for either objective
 * (model.h).  A contribution thus scales 1 + RUL; in days, it is the
 * change in the model's RUL (brul_model_predict's, before any
 * calibration) were that contribution absent:
 *
 *     days_k = exp(margin) - exp(margin - phi_k)
 *
 * positive when the feature lengthens the life, negative when it
 * shortens it.  The days of several features do not add up to the RUL
 * (their factors multiply), and the model's RUL, never below 0, is
 * clamped where exp(margin) - 1 is not.
 *
 * A row's reasons are the BRUL_EXPLAIN_TOP features of largest |days_k|
 * (of two alike, the lower feature index; a contribution of exactly 0 is
 * none), each as a phrase for the feature and its value in the row, then
 * its days rounded to whole days, with their sign:
 *
 *     resistance +38 % over baseline: -210 days
 *     mean temperature 31.2 degC: -45 days
 *     age_days missing: +12 days
 *
 * A feature brul-features(1) does not write reads "name = value".
 * Numbers are formatted by core/num.h: the text does not depend on the
 * locale, and holds no comma.
 *
 * Ownership: struct brul_explain is caller storage; brul_explain_init
 * fills it and brul_explain_release frees what it holds.  It keeps a
 * pointer to the model, which must outlive it.  The reasons handed out
 * by brul_explain_row are its storage and live until the next call on
 * it.
 */
#ifndef BRUL_EXPLAIN_H
#define BRUL_EXPLAIN_H

#include <stddef.h>

#include "core/err.h"
#include "ml/model.h"

#define BRUL_EXPLAIN_TOP	3	/* reasons a row gets */
#define BRUL_EXPLAIN_TEXT	96	/* a reason's bytes, NUL included */

struct brul_explain {
	const struct brul_model *m;
	float *phi;		/* the last batch's contributions, nfeat + 1
				 * a row */
	size_t cap;		/* floats phi has room for */
	char text[BRUL_EXPLAIN_TOP][BRUL_EXPLAIN_TEXT];
};

void brul_explain_init(struct brul_explain *e, const struct brul_model *m);
void brul_explain_release(struct brul_explain *e);

/* The contributions of n rows of x (m->nfeat columns, NAN missing), kept
 * until the next batch.  0 or -1. */
int brul_explain_batch(struct brul_explain *e, const float *x, size_t n,
		       struct brul_err *err);
/* The reasons of row i of the last batch, whose features are x: how many
 * (0 to BRUL_EXPLAIN_TOP) into reason[], the others NULL. */
int brul_explain_row(struct brul_explain *e, size_t i, const float *x,
		     const char *reason[BRUL_EXPLAIN_TOP]);

/* The pure parts, for the tests. */

/* days_k above, for a row's margin and a feature's phi_k. */
double brul_explain_days(double margin, double phi);
/* The features (indexes) of a row's top reasons, phi[0..nfeat] its
 * contributions and bias, with their days, in order: how many. */
int brul_explain_top(const float *phi, int nfeat,
		     int top[BRUL_EXPLAIN_TOP],
		     double days[BRUL_EXPLAIN_TOP]);
/* The phrase for feature name with value v (NAN: missing), and the
 * whole reason, into buf[0..size) with a NUL, cut short if it must be:
 * the length. */
size_t brul_explain_phrase(char *buf, size_t size, const char *name,
			   double v);
size_t brul_explain_reason(char *buf, size_t size, const char *name,
			   double v, double days);

#endif
