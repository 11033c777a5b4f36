/*
 * twinset.c: see twinset.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	int cid, cmodel, ccap, cbase, rc;

	if ((cid = brul_reader_require(r, "battery_id", err)) < 0 ||
	    (cmodel = brul_reader_require(r, "model", err)) < 0 ||
	    (ccap = brul_reader_require(r, "capacity_ah", err)) < 0 ||
	    (cbase = brul_reader_require(r, "baseline_mohm", err)) < 0)
		return -1;
	while ((rc = brul_reader_next(r, err)) == 1) {
		struct brul_field id, model;
		const struct brul_ecm *m;
		char name[32], bid[64];
		double cap, base;
		int k;

		if (brul_reader_id(r, cid, &id, err) < 0 ||
		    brul_reader_id(r, cmodel, &model, err) < 0)
			return -1;
		if (brul_reader_double(r, ccap, &cap, err) <= 0 ||
		    brul_reader_double(r, cbase, &base, err) <= 0 || cap <= 0 ||
		    base <= 0)
			return brul_err_set(err, brul_reader_name(r),
			    brul_reader_line(r), 0, "capacity_ah and "
			    "baseline_mohm: a positive number each");
		snprintf(name, sizeof name, "%.*s", (int)model.n, model.s);
		snprintf(bid, sizeof bid, "%.*s", (int)id.n, id.s);
		if ((m = brul_ecm_find(s->ecm, s->necm, bid, name)) == NULL)
			return brul_err_set(err, brul_reader_name(r),
			    brul_reader_line(r), 0, "model: no circuit for %s "
			    "in ecm.csv", name);
		if ((k = brul_idtab_intern(s->ids, id.s, id.n)) < 0 ||
		    brul_grow(&s->tw, &s->cap, (size_t)k + 1,
			      sizeof *s->tw) < 0)
			return brul_err_set(err, NULL, 0, 0, "out of memory");
		brul_twin_init(&s->tw[k], m, cap, base);
	}
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
