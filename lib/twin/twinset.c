/*
 * twinset.c: see twinset.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "battery/batteries.h"
#include "battery/share.h"
#include "core/grow.h"
#include "core/idtab.h"
#include "twin/twinset.h"

/* The spread of what --fit found, as a share of it (R0) and of the rated
 * capacity (the fit's grid is 2.5 % of rated; twice that for what the
 * grid does not see). */
#define FIT_R0_SD	0.1
#define FIT_CAP_SD	0.05

struct brul_twinset {
	struct brul_ecm *ecm;
	int necm;
	struct brul_idtab *ids;
	struct brul_twin *tw;
	size_t cap;
	struct brul_share *share;	/* NULL: every battery */
};

struct brul_twinset *
brul_twinset_new(struct brul_ecm *e, int n)
{
	struct brul_twinset *s = calloc(1, sizeof *s);

	if (s == NULL || (s->ids = brul_idtab_new()) == NULL) {
		free(s);
		free(e);
		return NULL;
	}
	s->ecm = e;
	s->necm = n;
	return s;
}

void
brul_twinset_free(struct brul_twinset *s)
{
	if (s == NULL)
		return;
	brul_idtab_free(s->ids);
	brul_share_free(s->share);
	free(s->tw);
	free(s->ecm);
	free(s);
}

const struct brul_ecm *
brul_twinset_ecm(const struct brul_twinset *s, int *n)
{
	*n = s->necm;
	return s->ecm;
}

int
brul_twinset_count(const struct brul_twinset *s)
{
	return brul_idtab_count(s->ids);
}

/*
 * A fresh twin for b.  A circuit --fit identified for this very battery
 * carries its R0 and usable capacity: the twin starts from them, not from
 * the baseline and the rated capacity, with the spread of the fit's grid
 * (capacities 2.5 % of rated apart) and of a fitted resistance.
 */
static void
seed(struct brul_twin *tw, const struct brul_ecm *m,
     const struct brul_battery *b)
{
	int own = m->battery[0] != '\0';
	double *x = tw->f.x, (*P)[BRUL_EKF_MAX] = tw->f.P;

	brul_twin_init(tw, m, b->capacity_ah, own && m->r0_mohm > 0 ?
	    m->r0_mohm : b->baseline_mohm);
	/* Health is the rise over the commissioning baseline, whatever
	 * R0 the twin starts from. */
	tw->r0_base = b->baseline_mohm;
	if (own && m->r0_mohm > 0)
		P[BRUL_TW_R0][BRUL_TW_R0] = FIT_R0_SD * FIT_R0_SD *
		    m->r0_mohm * m->r0_mohm;
	if (own && m->capacity_ah > 0) {
		x[BRUL_TW_Q] = m->capacity_ah;
		tw->cap_fitted = 1;
		P[BRUL_TW_Q][BRUL_TW_Q] = FIT_CAP_SD * FIT_CAP_SD *
		    b->capacity_ah * b->capacity_ah;
	}
}

int
brul_twinset_load_fleet(struct brul_twinset *s, struct brul_reader *r,
			struct brul_err *err)
{
	unsigned need = BRUL_BAT_MODEL | BRUL_BAT_CAPACITY | BRUL_BAT_BASELINE |
	    (s->share ? BRUL_BAT_SITE : 0);
	struct brul_batteries *t = brul_batteries_read(r, need, need, err);
	int rc = t ? 0 : -1;

	for (int i = 0; rc == 0 && i < brul_batteries_count(t); i++) {
		const struct brul_battery *b = brul_batteries_get(t, i);
		const char *model = brul_batteries_model(t, b->model);
		const struct brul_ecm *m = brul_ecm_find(s->ecm, s->necm, b->id,
		    model);
		int k = s->share ? brul_share_note(s->share, t, b, err) : 1;

		if (k <= 0)
			rc = k;
		else if (m == NULL)
			rc = brul_batteries_fail(t, b, err, "model: no circuit "
			    "for %s in ecm.csv", model);
		else if ((k = brul_idtab_intern(s->ids, b->id, b->idn)) < 0 ||
		    brul_grow(&s->tw, &s->cap, (size_t)k + 1,
		    sizeof *s->tw) < 0)
			rc = brul_err_set(err, NULL, 0, 0, "out of memory");
		else
			seed(&s->tw[k], m, b);
	}
	brul_batteries_free(t);
	return rc;
}

int
brul_twinset_share(struct brul_twinset *s, int i, int n)
{
	return (s->share = brul_share_new(i, n)) ? 0 : -1;
}

int
brul_twinset_other(const struct brul_twinset *s, const char *id, size_t n)
{
	return s->share && brul_share_other(s->share, id, n);
}

struct brul_twin *
brul_twinset_get(struct brul_twinset *s, const char *id, size_t n,
		 int *index)
{
	int k = brul_idtab_find(s->ids, id, n);

	if (index)
		*index = k;
	return k < 0 ? NULL : &s->tw[k];
}

const char *
brul_twinset_id(const struct brul_twinset *s, int index)
{
	return brul_idtab_name(s->ids, index);
}
