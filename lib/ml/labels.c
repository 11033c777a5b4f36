/* labels.c: see labels.h.  Battery ids are interned; entries sit in an
 * open-addressing table keyed by (id number, day). */
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "core/idtab.h"
#include "ml/labels.h"

struct entry {
	int id;			/* -1: empty slot */
	int64_t day;
	struct brul_label l;
};

struct brul_labels {
	struct brul_idtab *ids;
	struct entry *slots;
	size_t nslots, n;	/* nslots a power of two, > 2 n */
};

static size_t
slot_of(int id, int64_t day, size_t mask)
{
	uint64_t h = ((uint64_t)(uint32_t)id << 32) ^ (uint64_t)day;

	h *= 0x9E3779B97F4A7C15ULL;
	return (size_t)(h >> 20) & mask;
}

static struct entry *
probe(struct entry *slots, size_t nslots, int id, int64_t day)
{
	size_t mask = nslots - 1, i = slot_of(id, day, mask);

	while (slots[i].id >= 0 && !(slots[i].id == id && slots[i].day == day))
		i = (i + 1) & mask;
	return &slots[i];
}

static int
rehash(struct brul_labels *l)
{
	size_t ns = l->nslots ? l->nslots * 2 : 1024;
	struct entry *s = malloc(ns * sizeof *s);

	if (s == NULL)
		return -1;
	for (size_t i = 0; i < ns; i++)
		s[i].id = -1;
	for (size_t i = 0; i < l->nslots; i++)
		if (l->slots[i].id >= 0)
			*probe(s, ns, l->slots[i].id, l->slots[i].day) =
			    l->slots[i];
	free(l->slots);
	l->slots = s;
	l->nslots = ns;
	return 0;
}

/* The failure modes that strike without wearing out first. */
static int
is_sudden(struct brul_field f)
{
	static const char *const modes[] = {
		"open_cell", "short_cell", "thermal_runaway"
	};

	for (size_t i = 0; f.s && i < sizeof modes / sizeof modes[0]; i++)
		if (f.n == strlen(modes[i]) && memcmp(f.s, modes[i], f.n) == 0)
			return 1;
	return 0;
}

void
brul_labels_free(struct brul_labels *l)
{
	if (l == NULL)
		return;
	brul_idtab_free(l->ids);
	free(l->slots);
	free(l);
}

static struct brul_labels *
fail(struct brul_labels *l)
{
	brul_labels_free(l);
	return NULL;
}

struct brul_labels *
brul_labels_load(struct brul_reader *r, struct brul_err *err)
{
	struct brul_labels *l = calloc(1, sizeof *l);
	int c_date, c_id, c_rul, c_cens, c_eol, c_mode, rc;

	if (l == NULL || (l->ids = brul_idtab_new()) == NULL) {
		brul_err_set(err, NULL, 0, 0, "out of memory");
		return fail(l);
	}
	if ((c_date = brul_reader_require(r, "date", err)) < 0 ||
	    (c_id = brul_reader_require(r, "battery_id", err)) < 0 ||
	    (c_rul = brul_reader_require(r, "rul_days", err)) < 0 ||
	    (c_cens = brul_reader_require(r, "censored", err)) < 0)
		return fail(l);
	c_eol = brul_reader_col(r, "eol_date");
	c_mode = brul_reader_col(r, "failure_mode");
	while ((rc = brul_reader_next(r, err)) == 1) {
		struct brul_field id;
		struct brul_label lab = { .eol_day = INT64_MIN };
		struct entry *e;
		int64_t day;
		int k;

		if (brul_reader_id(r, c_id, &id, err) < 0)
			return fail(l);
		if ((rc = brul_reader_date(r, c_date, &day, err)) < 0)
			return fail(l);
		if (rc == 0)
			return brul_err_set(err, brul_reader_name(r),
			    brul_reader_line(r), 0, "date: missing value"),
			    fail(l);
		if ((rc = brul_reader_double(r, c_rul, &lab.rul_days, err)) < 0 ||
		    (c_eol >= 0 && brul_reader_date(r, c_eol, &lab.eol_day,
		    err) < 0))
			return fail(l);
		if (rc == 0)
			continue;
		/* a blank flag must not make a censored label exact */
		if ((rc = brul_reader_bool(r, c_cens, &lab.censored, err)) <= 0)
			return (rc == 0 ? brul_err_set(err, brul_reader_name(r),
			    brul_reader_line(r), 0, "censored: missing value") :
			    -1), fail(l);
		lab.sudden = is_sudden(brul_reader_field(r, c_mode));
		if (!(lab.rul_days >= 0 && lab.rul_days <= BRUL_RUL_MAX))
			return brul_err_set(err, brul_reader_name(r),
			    brul_reader_line(r), 0, "rul_days: out of range "
			    "(0 to %d): %g", BRUL_RUL_MAX, lab.rul_days),
			    fail(l);
		if (lab.censored)
			lab.eol_day = INT64_MIN;
		else if (lab.eol_day == INT64_MIN)
			lab.eol_day = day + (int64_t)lab.rul_days;
		if ((k = brul_idtab_intern(l->ids, id.s, id.n)) < 0 ||
		    (2 * (l->n + 1) >= l->nslots && rehash(l) < 0)) {
			brul_err_set(err, NULL, 0, 0, "out of memory");
			return fail(l);
		}
		e = probe(l->slots, l->nslots, k, day);
		if (e->id >= 0)
			return brul_err_set(err, brul_reader_name(r),
			    brul_reader_line(r), 0, "battery %.*s given twice "
			    "on one date", (int)id.n, id.s), fail(l);
		e->id = k;
		e->day = day;
		e->l = lab;
		l->n++;
	}
	return rc < 0 ? fail(l) : l;
}

const struct brul_label *
brul_labels_find(const struct brul_labels *l, const char *id, size_t n,
    int64_t day)
{
	int k = brul_idtab_find(l->ids, id, n);
	struct entry *e;

	if (k < 0 || l->nslots == 0)
		return NULL;
	e = probe(l->slots, l->nslots, k, day);
	return e->id >= 0 ? &e->l : NULL;
}

struct brul_label
brul_label_observed(const struct brul_label *l, int64_t day, int64_t until)
{
	struct brul_label o = *l;

	if (l->censored || l->eol_day > until) {
		o.censored = 1;
		o.eol_day = INT64_MIN;
		o.rul_days = until > day ? (double)(until - day) : 0;
		if (l->censored && l->rul_days < o.rul_days)
			o.rul_days = l->rul_days;	/* all it knew */
	}
	return o;
}
