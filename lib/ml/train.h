/*
 * train.h: one training job, as brul-train(1) runs it: the labelled rows,
 * cross-validation by battery against the physics baseline, the model of
 * all rows with its calibrations and metadata, a held-out test set judged
 * by it, and the report of it all.
 *
 * The steps, in order (each 0 or -1):
 *  - brul_train_load: the labels, the features rows that have one (every
 *    row at hand, as dataset.h says), the labels training sees (the
 *    operator's censored view of them with has_until), the folds and the
 *    data's fingerprint;
 *  - brul_train_validate: out-of-fold predictions of the objective asked
 *    for (runs[0]) and, with has_until, of the other one (runs[1]), with
 *    their cross-conformal intervals (cv.h), and the baseline's; each
 *    judged against the true labels (evaluate.h);
 *  - brul_train_fit: the model of all rows, its calibration and the
 *    baseline's from the out-of-fold predictions, its id (a hash of the
 *    fingerprint, the folds and the parameters) and its attributes
 *    brul_cv, brul_oof, brul_fingerprint, brul_seed and brul_window_s
 *    (model.h); saving it is brul_model_save's;
 *  - brul_train_test (with test set): the test stream's rows, labelled
 *    by test_labels (or labels), judged by that model and by the
 *    baseline, both with the calibrations of the training rows;
 *  - brul_train_report: the figures as JSON (brul-train(1) has its keys).
 * Every model trained calls p.on_round after each boosting round:
 * brul_train_rounds says how many rounds the job runs.
 *
 * Ownership: struct brul_train_job is caller storage; brul_train_init
 * fills it with its options and nothing else, and brul_train_release
 * frees what the steps made, whichever of them ran or failed.  The
 * options' strings stay the caller's and must live as long as the job.
 * The report is the caller's to json_decref.
 */
#ifndef BRUL_TRAIN_H
#define BRUL_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/err.h"
#include "ml/dataset.h"
#include "ml/dist.h"
#include "ml/evaluate.h"
#include "ml/labels.h"
#include "ml/model.h"

/* What a job is asked. */
struct brul_train_opts {
	const char *labels;	/* the labels stream */
	const char *test;	/* held-out features; NULL: none */
	const char *test_labels;	/* their labels; NULL: labels */
	const char *peer;	/* another model's predictions of the test
				 * rows, judged beside; NULL: none */
	struct brul_train_params p;	/* of every model trained */
	int folds;
	/* with has_until, the labels as an operator whose records end on
	 * day until (days since 1970-01-01) sees them, and both
	 * objectives compared */
	int has_until;
	int64_t until;
	/* what named each stream, for messages (reader.h's
	 * brul_reader_expect): the options of brul-train(1), "--labels"
	 * ...; NULL: nothing said */
	struct {
		const char *features, *labels, *test, *test_labels, *peer;
	} names;
};

/* One objective's cross-validation: the model's prediction and the
 * distribution (dist.h) per row, and their figures. */
struct brul_train_run {
	enum brul_objective objective;
	double *oof;
	struct brul_rul *dist;
	struct brul_eval eval;
};

struct brul_train_job {
	struct brul_train_opts o;
	struct brul_labels *labels;
	struct brul_dataset d;		/* the labelled rows */
	struct brul_label *train;	/* what training sees, per row */
	int *fold;			/* per battery */
	int nb;				/* batteries */
	int nruns;
	struct brul_train_run runs[2];	/* [0]: the objective asked for */
	double *base;			/* the baseline, per row */
	struct brul_rul *bdist;		/* and its distribution */
	struct brul_eval ev_base, ev_test, ev_test_base, ev_test_peer;
	long test_rows, test_batteries;
	struct brul_model m;		/* trained by brul_train_fit */
	char fingerprint[24];		/* of the data, 16 hex digits */
};

void brul_train_init(struct brul_train_job *j,
		     const struct brul_train_opts *o);
void brul_train_release(struct brul_train_job *j);

/* The boosting rounds the job's models run: the cross-validation's, and
 * with fit those of the model of all rows. */
uint64_t brul_train_rounds(const struct brul_train_opts *o, int fit);

/* The features streams paths[0..n) (n == 0: stdin), in order.  A stream
 * with no labelled row at all, and fewer batteries than folds, are
 * errors. */
int brul_train_load(struct brul_train_job *j, char **paths, int n,
		    struct brul_err *err);
int brul_train_validate(struct brul_train_job *j, struct brul_err *err);
int brul_train_fit(struct brul_train_job *j, struct brul_err *err);
int brul_train_test(struct brul_train_job *j, struct brul_err *err);

/* The report (NULL only out of memory). */
json_t *brul_train_report(const struct brul_train_job *j);

#endif
