/*
 * featmap.h: a model's feature columns found in a features stream, and
 * one row of them read as the float vector XGBoost takes.
 *
 * The features of a stream are its columns but the keys (battery_id,
 * string_id, date, ts, window_s), in the stream's order.  A model keeps
 * their names; a stream it is applied to must have every one of them, in
 * any order, and may have more.
 *
 * Ownership: brul_featmap_columns returns a NULL-terminated array of
 * copies, freed by brul_featmap_names_free.  A struct brul_featmap is
 * caller storage whose column array brul_featmap_release frees; it keeps
 * the reader's column numbers, not the names.
 */
#ifndef BRUL_FEATMAP_H
#define BRUL_FEATMAP_H

#include "core/err.h"
#include "core/reader.h"

struct brul_featmap {
	int n;
	int *col;
};

/* The feature columns of r, and how many (*n); NULL out of memory or with
 * no feature column. */
char **brul_featmap_columns(struct brul_reader *r, int *n,
			    struct brul_err *err);
void brul_featmap_names_free(char **names);

/* Finds names[0..n) among r's columns; the error lists every one missing
 * ("missing columns: r_ratio, eq_age_days").  0 or -1. */
int brul_featmap_bind(struct brul_featmap *m, const char *const *names,
		      int n, struct brul_reader *r, struct brul_err *err);
void brul_featmap_release(struct brul_featmap *m);

/* Where each of want[0..nwant) sits among a model's feature names[0..n),
 * into idx (-1: absent): the columns a rule of its own reads from a row
 * (the baseline, the sudden hazard). */
void brul_featmap_index(int *idx, const char *const *want, int nwant,
			const char *const *names, int n);

/* The current record's features into out[0..n): a missing value is NAN, a
 * malformed one or one beyond a float's range an error with its position.
 * 0 or -1. */
int brul_featmap_read(const struct brul_featmap *m, struct brul_reader *r,
		      float *out, struct brul_err *err);

#endif
