/*
 * labels.h: a labels stream (brul-formats(5)) in memory, looked up by
 * battery and day, and the censoring a real operator's records impose.
 *
 * Memory grows with the labels (one entry per battery and day): training
 * needs them all at hand to join with the features.
 *
 * Ownership: brul_labels_load returns a table freed by brul_labels_free.
 */
#ifndef BRUL_LABELS_H
#define BRUL_LABELS_H

#include <stdint.h>

#include "core/err.h"
#include "core/reader.h"

#define BRUL_RUL_MAX	100000	/* days: no battery lives 270 years */

struct brul_label {
	double rul_days;	/* a lower bound when censored */
	int censored;
	int64_t eol_day;	/* days since 1970-01-01; INT64_MIN: unknown */
	int sudden;		/* ends in a sudden failure (failure_mode) */
};

struct brul_labels;

/* Reads every row (date, battery_id, rul_days and censored required;
 * eol_date and failure_mode optional).  A row with a missing rul_days is
 * left out; a missing censored flag, a rul_days outside 0..BRUL_RUL_MAX
 * and a battery and date given twice are errors. */
struct brul_labels *brul_labels_load(struct brul_reader *r,
				     struct brul_err *err);
void brul_labels_free(struct brul_labels *l);

/* The label of battery id[0..n) on day, or NULL. */
const struct brul_label *brul_labels_find(const struct brul_labels *l,
					  const char *id, size_t n,
					  int64_t day);

/* The label as seen by an operator whose records end on day `until`: an
 * end of life after it is unknown, so the label becomes censored with the
 * lower bound max(0, until - day). */
struct brul_label brul_label_observed(const struct brul_label *l,
				      int64_t day, int64_t until);

#endif
