/*
 * dataset.h: features joined with their labels, in memory, for training
 * and evaluation.
 *
 * Rows of one or more features streams are kept when the labels have their
 * battery and date (the date column of the row: the UTC day its window
 * starts); the others are counted in `skipped`.  Unlike the streaming
 * filters this holds every row: 4 bytes per feature plus about 40 per row.
 *
 * Ownership: the struct is the caller's (zero it, or brul_dataset_init);
 * brul_dataset_release frees what it points to.
 */
#ifndef BRUL_DATASET_H
#define BRUL_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/idtab.h"
#include "core/reader.h"
#include "ml/labels.h"

struct brul_dataset {
	char **names;		/* the feature columns, NULL-terminated */
	int nfeat;
	size_t n, cap;		/* rows */
	float *x;		/* n * nfeat, row-major; NAN: missing */
	int *battery;		/* index into ids */
	int64_t *day;
	struct brul_label *label;
	struct brul_idtab *ids;
	long skipped;		/* rows without a label */
	int64_t window_s;	/* the rows' window; 0: no window_s column */
};

/* 0, or -1 out of memory. */
int brul_dataset_init(struct brul_dataset *d, struct brul_err *err);
void brul_dataset_release(struct brul_dataset *d);

/* Adds the labelled rows of r.  The first stream read sets the feature
 * columns (brul_featmap_columns); later ones must have them all.  Errors
 * carry r's positions, as do rows of a window length other than the first
 * row's (features of hours and days do not mix).  0 or -1. */
int brul_dataset_read(struct brul_dataset *d, struct brul_reader *r,
		      const struct brul_labels *labels, struct brul_err *err);

/* Column j of the features, or -1 when the dataset has none so named. */
int brul_dataset_feature(const struct brul_dataset *d, const char *name);

/* A 64-bit FNV-1a fingerprint of the feature names, the matrix, the
 * batteries and the labels trained on (d->label, or a censored view of
 * them, one per row): equal data, equal fingerprint. */
uint64_t brul_dataset_fingerprint(const struct brul_dataset *d,
				  const struct brul_label *labels);

#endif
