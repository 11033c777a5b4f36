/*
 * twinset.c: see twinset.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "battery/batteries.h"
#include "core/grow.h"
#include "core/idtab.h"
#include "twin/twinset.h"

struct brul_twinset {
	struct brul_ecm *ecm;
	int necm;
	struct brul_idtab *ids;
	struct brul_twin *tw;
	size_t cap;
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

int
brul_twinset_load_fleet(struct brul_twinset *s, struct brul_reader *r,
			struct brul_err *err)
{
	unsigned need = BRUL_BAT_MODEL | BRUL_BAT_CAPACITY | BRUL_BAT_BASELINE;
	struct brul_batteries *t = brul_batteries_read(r, need, need, err);
	int rc = t ? 0 : -1;

	for (int i = 0; rc == 0 && i < brul_batteries_count(t); i++) {
		const struct brul_battery *b = brul_batteries_get(t, i);
		const char *model = brul_batteries_model(t, b->model);
		const struct brul_ecm *m = brul_ecm_find(s->ecm, s->necm, b->id,
		    model);
		int k;

		if (m == NULL)
			rc = brul_batteries_fail(t, b, err, "model: no circuit "
			    "for %s in ecm.csv", model);
		else if ((k = brul_idtab_intern(s->ids, b->id, b->idn)) < 0 ||
		    brul_grow(&s->tw, &s->cap, (size_t)k + 1,
		    sizeof *s->tw) < 0)
			rc = brul_err_set(err, NULL, 0, 0, "out of memory");
		else
			brul_twin_init(&s->tw[k], m, b->capacity_ah,
			    b->baseline_mohm);
	}
	brul_batteries_free(t);
	return rc;
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
