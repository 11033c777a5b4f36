/*
 * predict.h: features rows to predictions of remaining useful life, as
 * brul-predict(1) writes them.
 *
 * A predictor takes the rows of one or more features streams
 * (brul_predictor_bind, then brul_predictor_read for each record) and
 * hands out their predictions (brul_predictor_next) in input order, a
 * batch of BRUL_PREDICT_BATCH rows at a time, so that memory does not grow
 * with rows.  With latest it keeps one row per battery instead, its
 * newest window (by ts, else by date; of two alike, the later read), and
 * hands them out at brul_predictor_end in order of the batteries' first
 * appearance: memory grows with batteries.
 *
 * A row's prediction is the model's or, with baseline, the physics
 * baseline's (baseline.h).  With the model's calibration (calib.h; with
 * baseline, the model's calibration of the baseline) and its hazard of
 * sudden failures (hazard.h) it becomes one distribution of the time to
 * end of life (dist.h): the RUL is its median, the p10-p90 interval and
 * the probabilities of failure (and their sudden part, p_sudden_90d, after
 * model_id) are read off it, and the risk level (risk.h) follows from
 * them.  Without a calibration (the baseline with no model) the RUL is the
 * prediction itself and the rest missing.  A model knows its features only over the window it was trained
 * on: a stream's window_s must be the model's.  And it needs what it
 * learned from: a feature it had in BRUL_PREDICT_NEEDED of its rows must
 * have a value in some row of the first batch (brul-features without
 * --fleet leaves a battery's age empty), else brul_predictor_next fails,
 * before handing out any row, naming what is missing.
 *
 * With explain, each row of the model's also gets its reasons: the three
 * features that move its RUL most, in words and days (explain.h), in the
 * columns reason_1 to reason_3 after the others.  The baseline has no
 * trees to explain: brul_predictor_new refuses explain with it.
 *
 * Ownership: brul_predictor_new returns an object freed by
 * brul_predictor_free; it keeps nothing of its options' strings.  A row
 * returned by brul_predictor_next, and the strings it points to, are the
 * object's and live until the next call on it.  The reader given to
 * brul_predictor_bind stays the caller's; the object keeps only its column
 * numbers, valid for that reader.
 */
#ifndef BRUL_PREDICT_H
#define BRUL_PREDICT_H

#include <stdint.h>

#include "core/err.h"
#include "core/reader.h"
#include "core/writer.h"
#include "ml/risk.h"

#define BRUL_PREDICT_BATCH	4096	/* rows predicted at once */
/* A feature present in this share of the model's training rows or more
 * must have a value in some row of the first batch: else the stream
 * lacks what the model needs, and nothing is predicted. */
#define BRUL_PREDICT_NEEDED	0.99

struct brul_predict_opts {
	const char *model;	/* the model file; NULL: none */
	int baseline;		/* the baseline's RUL, not the model's */
	int latest;		/* one row per battery, its newest */
	int explain;		/* each row's reasons (explain.h) */
	struct brul_risk_opts risk;
};

/* One prediction, a row of brul_predictor_columns. */
struct brul_prediction {
	const char *battery_id;
	int64_t day;			/* the features row's date */
	double rul_days;		/* NAN: not known */
	double p10_days, p90_days;	/* NAN: missing */
	double p_fail_30d, p_fail_90d, p_fail_180d;	/* NAN: missing */
	const char *risk;		/* NULL: missing */
	const char *model_id;		/* "baseline" for the baseline */
	double p_sudden_90d;		/* the sudden part of p_fail_90d;
					 * NAN: the model has none */
	const char *reason[3];		/* with explain; NULL: none */
};

struct brul_predictor;

/* Loads the model when one is given.  NULL, with err, when it cannot. */
struct brul_predictor *brul_predictor_new(const struct brul_predict_opts *o,
					  struct brul_err *err);
void brul_predictor_free(struct brul_predictor *p);

/* Finds the columns of r: battery_id, date and the model's features (or
 * the baseline's) are required, ts and window_s optional.  0 or -1. */
int brul_predictor_bind(struct brul_predictor *p, struct brul_reader *r,
			struct brul_err *err);
/* Takes the current record of the reader last bound.  Errors carry the
 * reader's position.  1 when the row is kept, 0 when latest drops it (an
 * older window of its battery), -1. */
int brul_predictor_read(struct brul_predictor *p, struct brul_reader *r,
			struct brul_err *err);
/* End of input: what is kept is handed out next.  No rows may follow. */
void brul_predictor_end(struct brul_predictor *p);
/* The next prediction into *row: 1, or 0 when none is ready (a batch not
 * yet full), or -1.  The rows of a batch are predicted when the first of
 * them is asked for. */
int brul_predictor_next(struct brul_predictor *p,
			const struct brul_prediction **row,
			struct brul_err *err);

/* The output columns of p, in order, and how many: the reasons' last,
 * with explain only.  The array is p's. */
const char *const *brul_predictor_columns(const struct brul_predictor *p,
					  int *n);
/* Writes a row in those columns.  0, or -1 on a write error (see
 * brul_writer_err). */
int brul_predictor_put(const struct brul_predictor *p, struct brul_writer *w,
		       const struct brul_prediction *row);

#endif
