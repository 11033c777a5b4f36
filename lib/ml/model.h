/*
 * model.h: brul's RUL model, an XGBoost booster with brul's metadata.
 *
 * Two objectives, both on the log of time because an error of 30 days
 * matters at a RUL of 60 and not at 2,000.  Regression
 * (reg:squarederror on log(1 + RUL), the rows that end within a year
 * weighed short_weight) predicts the typical RUL; it takes a censored
 * label's lower bound as the value.  Survival (survival:aft,
 * log-normal, sigma 0.5) learns from intervals: an exact label t gives
 * [t + 1, t + 1], a censored one [t + 1, inf); the day is added because a
 * RUL may be 0.  The booster's raw output is thus log(1 + RUL) for
 * regression and 1 + RUL for survival; brul_model_predict turns either
 * into RUL in days, never below 0.  Either way the margin (the trees'
 * sum and the bias) is log(1 + RUL): survival:aft's output is
 * exp(margin).
 *
 * The file is XGBoost's own JSON, so XGBoost's Python and R packages load
 * it unchanged; brul's metadata travel as booster attributes (strings):
 * brul_version, brul_features (JSON array), brul_objective,
 * brul_calibration, brul_baseline_calibration (calib.h), brul_hazard
 * (hazard.h; models of older brul have none), brul_model_id,
 * brul_window_s (the features' window length), brul_coverage (each
 * feature's share of the training rows that had a value, a JSON array in
 * the features' order) and whatever else the trainer sets: brul_cv, brul_fingerprint, brul_seed and brul_oof (a
 * sample of the out-of-fold predictions, brul-train(1)).  The feature
 * names are also XGBoost's feature names.
 *
 * Ownership: struct brul_model is caller storage; brul_model_train or
 * brul_model_load fill it and brul_model_release frees what it holds.
 * Only XGBoost's own calls print (to stderr, and not at verbosity 0).
 */
#ifndef BRUL_MODEL_H
#define BRUL_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/publish.h"
#include "ml/calib.h"
#include "ml/hazard.h"
#include "ml/labels.h"

enum brul_objective { BRUL_OBJ_REGRESSION, BRUL_OBJ_SURVIVAL };

#define BRUL_SHORT_DAYS		365	/* a "short" RUL, weighed more */
#define BRUL_SHORT_WEIGHT	8	/* brul-train's default weight */

/* "regression", "survival"; parse gives -1 for anything else. */
const char *brul_objective_name(enum brul_objective o);
int brul_objective_parse(const char *s);

struct brul_train_params {
	enum brul_objective objective;
	int rounds, depth;
	double eta;
	int threads;		/* 0: XGBoost's default (all cores) */
	uint64_t seed;
	double aft_sigma;	/* 0: 0.5 */
	double short_weight;	/* with regression, of a row whose end of
				 * life is known to come within
				 * BRUL_SHORT_DAYS; 0: 1 */
	void (*on_round)(void *arg);	/* called after each round */
	void *arg;
};

struct brul_model {
	void *booster;		/* BoosterHandle */
	char **features;	/* NULL-terminated */
	int nfeat;
	enum brul_objective objective;
	int has_calib, has_base_calib, has_hazard;
	struct brul_calib calib, base_calib;
	struct brul_hazard hazard;	/* sudden failures (hazard.h) */
	char id[32];
	int64_t window_s;	/* of the training features; 0: not known */
	double *coverage;	/* per feature, the share of training rows
				 * with a value (brul_coverage); NULL: not
				 * recorded */
};

/* Trains on n rows of x (row-major, nfeat columns, NAN missing) with the
 * labels; the names are copied.  0 or -1. */
int brul_model_train(struct brul_model *m, const struct brul_train_params *p,
		     const float *x, size_t n, int nfeat,
		     const char *const *names, const struct brul_label *labels,
		     struct brul_err *err);

/* RUL in days for n rows of x (m->nfeat columns) into out. 0 or -1. */
int brul_model_predict(const struct brul_model *m, const float *x, size_t n,
		       double *out, struct brul_err *err);

/* Each feature's contribution to the margin of n rows of x (TreeSHAP,
 * exact): out gets m->nfeat + 1 floats a row, the features' in their
 * order, then the bias; a row's sum is its margin, log(1 + RUL).
 * 0 or -1. */
int brul_model_contrib(const struct brul_model *m, const float *x, size_t n,
		       float *out, struct brul_err *err);

/* Sets a metadata attribute. 0 or -1. */
int brul_model_set_attr(struct brul_model *m, const char *key,
			const char *value, struct brul_err *err);
/* Its value (the booster's storage, valid until the next call on m), or
 * NULL when absent. */
const char *brul_model_attr(const struct brul_model *m, const char *key);

/* Stores the calibrations and id as attributes and writes the model to
 * path through a temporary and a rename (core/publish.h, note told its
 * name), so that a reader never sees half a model.  0 or -1. */
int brul_model_save(struct brul_model *m, const char *path,
		    brul_publish_note *note, struct brul_err *err);
/* Loads a model written by brul_model_save; a file without brul's
 * attributes is an error, which says what the file is when it is no
 * model at all (a features stream, gzip ...).  0 or -1. */
int brul_model_load(struct brul_model *m, const char *path,
		    struct brul_err *err);
void brul_model_release(struct brul_model *m);

#endif
