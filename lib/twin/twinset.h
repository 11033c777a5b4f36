/*
 * twinset.h: the twins of a fleet, one per battery of a batteries stream,
 * each with its circuit (its own row of data/ecm.csv or --ecm, else its
 * model's), its rated capacity and its commissioning resistance.
 *
 * Ownership: brul_twinset_new returns a set freed by brul_twinset_free;
 * twins returned by brul_twinset_get live as long as the set.
 */
#ifndef BRUL_TWINSET_H
#define BRUL_TWINSET_H

#include <stddef.h>

#include "core/reader.h"
#include "twin/ecm.h"
#include "twin/twin.h"

struct brul_twinset;

/* An empty set over the circuits e[0..n), a malloc'd array the set then
 * owns (and frees, even when this fails). */
struct brul_twinset *brul_twinset_new(struct brul_ecm *e, int n);
void brul_twinset_free(struct brul_twinset *s);
/* Keeps to the i-th of n shares of the fleet's sites (battery/share.h),
 * before brul_twinset_load_fleet.  0, or -1 when out of memory. */
int brul_twinset_share(struct brul_twinset *s, int i, int n);
/* Every row of a batteries stream, read by battery/batteries.h (model,
 * capacity_ah and baseline_mohm required in every row, and site_id with a
 * share): a twin each, but for other shares' batteries, which are noted.
 * 0, or -1 (a model without a circuit, a missing value: with the line). */
int brul_twinset_load_fleet(struct brul_twinset *s, struct brul_reader *r,
			    struct brul_err *err);
/* Whether battery id[0..n) is another share's (brul_twinset_share). */
int brul_twinset_other(const struct brul_twinset *s, const char *id,
		       size_t n);
/* The twin of battery id[0..n), or NULL when the fleet has no such
 * battery (or it is another share's). */
struct brul_twin *brul_twinset_get(struct brul_twinset *s, const char *id,
				   size_t n, int *index);
/* The circuits the set was made with, and their count. */
const struct brul_ecm *brul_twinset_ecm(const struct brul_twinset *s, int *n);
/* How many twins, numbered from 0. */
int brul_twinset_count(const struct brul_twinset *s);
/* The id of the twin numbered index. */
const char *brul_twinset_id(const struct brul_twinset *s, int index);

#endif
