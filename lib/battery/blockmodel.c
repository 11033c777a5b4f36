/* blockmodel.c: see blockmodel.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "battery/blockmodel.h"
#include "core/datadir.h"
#include "core/grow.h"

static const char *const columns[] = { "capacity_ah", "design_life_years",
	"float_life_25c_years", "baseline_mohm", "fleet_share" };
#define NCOLS (int)(sizeof columns / sizeof columns[0])

/* Column k's value into *v: NAN when missing and not needed.  Every
 * one is above zero but the share, which may be zero. */
static int
value(struct brul_reader *r, int col, int k, unsigned need, double *v,
      struct brul_err *err)
{
	int rc;

	*v = NAN;
	if (col < 0)
		return 0;
	if ((rc = k == 4 ? brul_reader_double(r, col, v, err) :
	    brul_reader_positive(r, col, v, err)) < 0)
		return -1;
	if (rc == 0 && (need & 1u << k))
		return brul_err_set(err, brul_reader_name(r),
		    brul_reader_line(r), 0, "%s: missing value", columns[k]);
	if (rc == 1 && k == 4 && !(*v >= 0))
		return brul_err_set(err, brul_reader_name(r),
		    brul_reader_line(r), 0, "%s: below zero: %g", columns[k],
		    *v);
	return 0;
}

int
brul_blockmodels_read(struct brul_reader *r, unsigned need,
		      struct brul_blockmodel **out, struct brul_err *err)
{
	struct brul_blockmodel *v = NULL;
	size_t cap = 0;
	int cname, col[NCOLS], n = 0, rc;

	*out = NULL;
	if ((cname = brul_reader_require(r, "model", err)) < 0)
		return -1;
	for (int k = 0; k < NCOLS; k++)
		if ((col[k] = (need & 1u << k) ? brul_reader_require(r,
		    columns[k], err) : brul_reader_has_col(r, columns[k])) < 0 &&
		    (need & 1u << k))
			return -1;
	while ((rc = brul_reader_next(r, err)) == 1) {
		struct brul_field name = brul_reader_field(r, cname);
		struct brul_blockmodel *m;
		double x[NCOLS];

		if (name.s == NULL || name.n == 0) {
			brul_err_set(err, brul_reader_name(r),
			    brul_reader_line(r), 0, "model: missing value");
			goto fail;
		}
		if (name.n >= sizeof m->name) {
			brul_err_set(err, brul_reader_name(r),
			    brul_reader_line(r), 0, "model: longer than %zu "
			    "bytes", sizeof m->name - 1);
			goto fail;
		}
		for (int k = 0; k < NCOLS; k++)
			if (value(r, col[k], k, need, &x[k], err) < 0)
				goto fail;
		if (brul_grow(&v, &cap, (size_t)n + 1, sizeof *v) < 0) {
			brul_err_set(err, NULL, 0, 0, "out of memory");
			goto fail;
		}
		m = &v[n++];
		memcpy(m->name, name.s, name.n);
		m->name[name.n] = '\0';
		m->capacity_ah = x[0];
		m->design_life_years = x[1];
		m->float_life_years = x[2];
		m->baseline_mohm = x[3];
		m->share = x[4];
	}
	if (rc < 0)
		goto fail;
	*out = v;
	return n;
fail:
	free(v);
	return -1;
}

int
brul_blockmodels_load(const char *path, unsigned need,
		      struct brul_blockmodel **out, struct brul_err *err)
{
	char buf[4096];
	struct brul_reader *r;
	int n;

	*out = NULL;
	if (path == NULL) {
		if (brul_data_path("models.csv", buf, sizeof buf, err) < 0)
			return -1;
		path = buf;
	}
	if ((r = brul_reader_open(path, BRUL_FMT_AUTO, err)) == NULL)
		return -1;
	brul_reader_expect(r, NULL, "models");
	n = brul_blockmodels_read(r, need, out, err);
	brul_reader_close(r);
	return n;
}

const struct brul_blockmodel *
brul_blockmodel_find(const struct brul_blockmodel *m, int count,
		     const char *name, size_t n)
{
	for (int i = 0; i < count; i++)
		if (strlen(m[i].name) == n && memcmp(m[i].name, name, n) == 0)
			return &m[i];
	return NULL;
}
