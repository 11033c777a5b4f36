/* batteries.c: see batteries.h. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "battery/batteries.h"
#include "core/grow.h"
#include "core/idtab.h"

/* Column k of the stream is names[k], bit 1 << k of the masks. */
static const char *const names[] = { "site_id", "system_id", "string_id",
	"position", "model", "capacity_ah", "install_date", "removed_date",
	"baseline_mohm" };
enum { C_SITE, C_SYSTEM, C_STRING, C_POSITION, C_MODEL, C_CAPACITY,
	C_INSTALL, C_REMOVED, C_BASELINE, NCOLS };

/* The interned names: sites, systems, strings, models. */
enum { N_SITE, N_SYSTEM, N_STRING, N_MODEL, NNAMES };

struct brul_batteries {
	char where[256];		/* the stream's name */
	int col[NCOLS], cid;		/* the stream's columns */
	unsigned values;		/* what every row must fill */
	struct brul_battery *v;
	size_t cap;
	struct brul_idtab *ids, *names[NNAMES];
	int *string_site;		/* per string */
	size_t capss;
};

static int
oom(struct brul_err *err)
{
	return brul_err_set(err, NULL, 0, 0, "out of memory");
}

static int
at(struct brul_reader *r, struct brul_err *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
at(struct brul_reader *r, struct brul_err *err, const char *fmt, ...)
{
	char msg[sizeof err->msg];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return brul_err_set(err, brul_reader_name(r), brul_reader_line(r), 0,
	    "%s", msg);
}

/* Column k's text interned in table nt: *num, or -1 when missing. */
static int
name(struct brul_batteries *t, struct brul_reader *r, int col, int k, int nt,
     int *num, struct brul_err *err)
{
	struct brul_field f;

	*num = -1;
	if (col < 0)
		return 0;
	f = brul_reader_field(r, col);
	if (f.s == NULL || f.n == 0)
		return 0;
	if (memchr(f.s, '\0', f.n) != NULL)
		return at(r, err, "%s: holds a NUL byte", names[k]);
	if ((*num = brul_idtab_intern(t->names[nt], f.s, f.n)) < 0)
		return oom(err);
	return 0;
}

/* A number above zero, or missing (NAN). */
static int
positive(struct brul_reader *r, int col, double *v, struct brul_err *err)
{
	*v = NAN;
	return col < 0 ? 0 : brul_reader_positive(r, col, v, err) < 0 ? -1 : 0;
}

static int
day(struct brul_reader *r, int col, int64_t *d, struct brul_err *err)
{
	*d = BRUL_NO_DAY;
	if (col < 0)
		return 0;
	return brul_reader_date(r, col, d, err) < 0 ? -1 : 0;
}

static int
position(struct brul_reader *r, int col, long *p, struct brul_err *err)
{
	int64_t v;
	int rc;

	*p = 0;
	if (col < 0)
		return 0;
	if ((rc = brul_reader_int(r, col, &v, err)) < 0)
		return -1;
	if (rc == 1 && (v < 1 || v > 1000000))
		return at(r, err, "position: expected a whole number from 1, "
		    "not %lld", (long long)v);
	*p = rc == 1 ? (long)v : 0;
	return 0;
}

/* Whether b has no value for column k. */
static int
missing(const struct brul_battery *b, int k)
{
	switch (k) {
	case C_SITE:
		return b->site < 0;
	case C_SYSTEM:
		return b->system < 0;
	case C_STRING:
		return b->string < 0;
	case C_POSITION:
		return b->position == 0;
	case C_MODEL:
		return b->model < 0;
	case C_CAPACITY:
		return isnan(b->capacity_ah);
	case C_INSTALL:
		return b->install_day == BRUL_NO_DAY;
	case C_REMOVED:
		return b->removed_day == BRUL_NO_DAY;
	default:
		return isnan(b->baseline_mohm);
	}
}

/* Reads the current row into b. */
static int
row(struct brul_batteries *t, struct brul_reader *r, const int *col,
    int cid, unsigned values, struct brul_battery *b, struct brul_err *err)
{
	struct brul_field id;
	int k;

	if (brul_reader_id(r, cid, &id, err) < 0)
		return -1;
	if (brul_idtab_find(t->ids, id.s, id.n) >= 0)
		return at(r, err, "battery %.*s given twice", (int)id.n, id.s);
	if ((k = brul_idtab_intern(t->ids, id.s, id.n)) < 0)
		return oom(err);
	b->id = brul_idtab_name(t->ids, k);
	b->idn = id.n;
	b->line = brul_reader_line(r);
	if (name(t, r, col[C_SITE], C_SITE, N_SITE, &b->site, err) < 0 ||
	    name(t, r, col[C_SYSTEM], C_SYSTEM, N_SYSTEM, &b->system,
	    err) < 0 ||
	    name(t, r, col[C_STRING], C_STRING, N_STRING, &b->string,
	    err) < 0 ||
	    name(t, r, col[C_MODEL], C_MODEL, N_MODEL, &b->model, err) < 0 ||
	    position(r, col[C_POSITION], &b->position, err) < 0 ||
	    positive(r, col[C_CAPACITY], &b->capacity_ah, err) < 0 ||
	    positive(r, col[C_BASELINE], &b->baseline_mohm, err) < 0 ||
	    day(r, col[C_INSTALL], &b->install_day, err) < 0 ||
	    day(r, col[C_REMOVED], &b->removed_day, err) < 0)
		return -1;
	for (k = 0; k < NCOLS; k++)
		if ((values & 1u << k) && missing(b, k))
			return at(r, err, "%s: missing value", names[k]);
	/* A string is at one site. */
	if (b->string >= 0 && b->site >= 0) {
		size_t need = (size_t)b->string + 1;

		if (need > t->capss) {
			size_t old = t->capss;

			if (brul_grow(&t->string_site, &t->capss, need,
			    sizeof *t->string_site) < 0)
				return oom(err);
			for (size_t i = old; i < t->capss; i++)
				t->string_site[i] = -1;
		}
		if (t->string_site[b->string] < 0)
			t->string_site[b->string] = b->site;
		else if (t->string_site[b->string] != b->site)
			return at(r, err, "string_id: %s is at two sites",
			    brul_batteries_string(t, b->string));
	}
	return 0;
}

struct brul_batteries *
brul_batteries_new(struct brul_reader *r, unsigned columns, unsigned values,
		   struct brul_err *err)
{
	struct brul_batteries *t = calloc(1, sizeof *t);

	if (t == NULL) {
		oom(err);
		return NULL;
	}
	snprintf(t->where, sizeof t->where, "%s", brul_reader_name(r));
	t->values = values;
	columns |= values;
	if ((t->ids = brul_idtab_new()) == NULL)
		goto nomem;
	for (int k = 0; k < NNAMES; k++)
		if ((t->names[k] = brul_idtab_new()) == NULL)
			goto nomem;
	if ((t->cid = brul_reader_require(r, "battery_id", err)) < 0)
		goto fail;
	for (int k = 0; k < NCOLS; k++)
		if ((t->col[k] = (columns & 1u << k) ? brul_reader_require(r,
		    names[k], err) : brul_reader_has_col(r, names[k])) < 0 &&
		    (columns & 1u << k))
			goto fail;
	return t;
nomem:
	oom(err);
fail:
	brul_batteries_free(t);
	return NULL;
}

int
brul_batteries_next(struct brul_batteries *t, struct brul_reader *r,
		    const struct brul_battery **b, struct brul_err *err)
{
	int n = brul_batteries_count(t), rc;

	if ((rc = brul_reader_next(r, err)) != 1)
		return rc;
	if (brul_grow(&t->v, &t->cap, (size_t)n + 1, sizeof *t->v) < 0)
		return oom(err);
	if (row(t, r, t->col, t->cid, t->values, &t->v[n], err) < 0)
		return -1;
	*b = &t->v[n];
	return 1;
}

struct brul_batteries *
brul_batteries_read(struct brul_reader *r, unsigned columns, unsigned values,
		    struct brul_err *err)
{
	struct brul_batteries *t = brul_batteries_new(r, columns, values, err);
	const struct brul_battery *b;
	int rc;

	if (t == NULL)
		return NULL;
	while ((rc = brul_batteries_next(t, r, &b, err)) == 1)
		;
	if (rc < 0) {
		brul_batteries_free(t);
		return NULL;
	}
	return t;
}

void
brul_batteries_free(struct brul_batteries *t)
{
	if (t == NULL)
		return;
	brul_idtab_free(t->ids);
	for (int k = 0; k < NNAMES; k++)
		brul_idtab_free(t->names[k]);
	free(t->v);
	free(t->string_site);
	free(t);
}

int
brul_batteries_count(const struct brul_batteries *t)
{
	return brul_idtab_count(t->ids);
}

const struct brul_battery *
brul_batteries_get(const struct brul_batteries *t, int i)
{
	return &t->v[i];
}

int
brul_batteries_find(const struct brul_batteries *t, const char *id, size_t n)
{
	return brul_idtab_find(t->ids, id, n);
}

static const char *
named(const struct brul_batteries *t, int nt, int i)
{
	return i < 0 ? NULL : brul_idtab_name(t->names[nt], i);
}

const char *
brul_batteries_site(const struct brul_batteries *t, int i)
{
	return named(t, N_SITE, i);
}

const char *
brul_batteries_system(const struct brul_batteries *t, int i)
{
	return named(t, N_SYSTEM, i);
}

const char *
brul_batteries_string(const struct brul_batteries *t, int i)
{
	return named(t, N_STRING, i);
}

const char *
brul_batteries_model(const struct brul_batteries *t, int i)
{
	return named(t, N_MODEL, i);
}

int
brul_batteries_nsites(const struct brul_batteries *t)
{
	return brul_idtab_count(t->names[N_SITE]);
}

int
brul_batteries_nstrings(const struct brul_batteries *t)
{
	return brul_idtab_count(t->names[N_STRING]);
}

int
brul_batteries_fail(const struct brul_batteries *t,
		    const struct brul_battery *b, struct brul_err *err,
		    const char *fmt, ...)
{
	char msg[sizeof err->msg];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return brul_err_set(err, t->where, b->line, 0, "%s", msg);
}
