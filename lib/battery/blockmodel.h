/*
 * blockmodel.h: the block models of a fleet (data/models.csv): each one's
 * rated capacity, design life, float life to 80 % at 25 degC, typical new
 * resistance and share of the fleet's strings.
 *
 * One reader for every layer: the simulator draws its strings' models
 * from the table, brul-features gives each battery its model's float
 * life.  The model name is required in every row; the other columns are
 * read when the stream has them (NAN otherwise), must be numbers above
 * zero (a share may be zero), and are required, column and value, when
 * the caller says so.
 *
 * Ownership: brul_blockmodels_read returns a malloc'd array the caller
 * frees with free().
 */
#ifndef BRUL_BLOCKMODEL_H
#define BRUL_BLOCKMODEL_H

#include <stddef.h>
#include "core/err.h"
#include "core/reader.h"

struct brul_blockmodel {
	char name[24];
	double capacity_ah;		/* rated, C10 */
	double design_life_years;
	double float_life_years;	/* to 80 % in float service at 25 degC */
	double baseline_mohm;		/* typical new block at 25 degC */
	double share;			/* of the fleet's strings */
};

/* Columns a caller needs, as bits. */
enum {
	BRUL_BM_CAPACITY = 1 << 0,	/* capacity_ah */
	BRUL_BM_DESIGN_LIFE = 1 << 1,	/* design_life_years */
	BRUL_BM_FLOAT_LIFE = 1 << 2,	/* float_life_25c_years */
	BRUL_BM_BASELINE = 1 << 3,	/* baseline_mohm */
	BRUL_BM_SHARE = 1 << 4,		/* fleet_share */
	BRUL_BM_ALL = (1 << 5) - 1
};

/* Every row of r into *out (malloc'd); the count, or -1 with the reader's
 * position ("models.csv:3: float_life_25c_years: missing value"). */
int brul_blockmodels_read(struct brul_reader *r, unsigned need,
			  struct brul_blockmodel **out, struct brul_err *err);
/* The same from a file: path, or data/models.csv when NULL. */
int brul_blockmodels_load(const char *path, unsigned need,
			  struct brul_blockmodel **out, struct brul_err *err);
/* The model named name[0..n), or NULL. */
const struct brul_blockmodel *brul_blockmodel_find(
    const struct brul_blockmodel *m, int count, const char *name, size_t n);

#endif
