/*
 * ecm.c: see ecm.h.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include "core/datadir.h"
#include "core/grow.h"
#include "core/reader.h"
#include "core/writer.h"
#include "twin/ecm.h"

static double
clamp(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

const char *const brul_ecm_columns[BRUL_ECM_NCOLS] = {
	"model", "battery_id", "ocv_empty_v", "ocv_full_v",
	"ocv_temp_v_per_c", "r1_ratio", "tau1_s", "r2_ratio", "tau2_s",
	"eod_v", "eod_max_v", "r0_temp_per_c", "cap_temp_per_c", "charge_eff",
	"ocv_bow_v"
};

/* The numeric columns, from ocv_empty_v; the last may be missing. */
#define NUMS (BRUL_ECM_NCOLS - 2)

/* The numbers of a row, in column order from ocv_empty_v. */
static double *
field(struct brul_ecm *e, int k)
{
	double *v[NUMS] = {
		&e->ocv_empty_v, &e->ocv_full_v, &e->ocv_temp_v_per_c,
		&e->r1_ratio, &e->tau1_s, &e->r2_ratio, &e->tau2_s,
		&e->eod_v, &e->eod_max_v, &e->r0_temp_per_c,
		&e->cap_temp_per_c, &e->charge_eff, &e->ocv_bow_v
	};
	return v[k];
}

int
brul_ecm_load(const char *path, struct brul_ecm **out, struct brul_err *err)
{
	char found[4096];
	struct brul_reader *r;
	int n;

	*out = NULL;
	if (path == NULL) {
		if (brul_data_path("ecm.csv", found, sizeof found, err) < 0)
			return -1;
		path = found;
	}
	if ((r = brul_reader_open(path, BRUL_FMT_AUTO, err)) == NULL)
		return -1;
	brul_reader_expect(r, NULL, "circuits");
	n = brul_ecm_read(r, out, err);
	brul_reader_close(r);
	return n;
}

/* An optional fitted value of column col (< 0: no such column) into *v:
 * NaN when empty or absent, else above 0.  0 or -1. */
static int
fitted(struct brul_reader *r, int col, double *v, struct brul_err *err)
{
	*v = NAN;
	if (col >= 0 && brul_reader_positive(r, col, v, err) < 0)
		return -1;
	return 0;
}

int
brul_ecm_read(struct brul_reader *r, struct brul_ecm **out,
	      struct brul_err *err)
{
	const char *path = brul_reader_name(r);
	struct brul_ecm *e = NULL;
	size_t cap = 0;
	int c[NUMS], cm, cb, cr, cc, n = 0, rc;

	*out = NULL;
	rc = -1;
	if ((cm = brul_reader_require(r, "model", err)) < 0)
		goto out;
	cb = brul_reader_has_col(r, "battery_id");
	cr = brul_reader_has_col(r, "r0_mohm");
	cc = brul_reader_has_col(r, "capacity_ah");
	for (int k = 0; k < NUMS - 1; k++)
		if ((c[k] = brul_reader_require(r, brul_ecm_columns[k + 2],
		    err)) < 0)
			goto out;
	/* The bow came later: a file without it has straight curves. */
	c[NUMS - 1] = brul_reader_has_col(r, "ocv_bow_v");
	while ((rc = brul_reader_next(r, err)) == 1) {
		struct brul_field f;

		if (brul_grow(&e, &cap, (size_t)n + 1, sizeof *e) < 0) {
			rc = brul_err_set(err, NULL, 0, 0, "out of memory");
			break;
		}
		memset(&e[n], 0, sizeof e[n]);
		if ((rc = brul_reader_id(r, cm, &f, err)) < 0)
			break;
		/* Names are matched whole: a cut one would match another. */
		if (f.n >= sizeof e[n].model) {
			rc = brul_err_set(err, path, brul_reader_line(r), 0,
			    "model: longer than %zu bytes",
			    sizeof e[n].model - 1);
			break;
		}
		snprintf(e[n].model, sizeof e[n].model, "%.*s", (int)f.n, f.s);
		/* An id, at most BRUL_ID_MAX bytes (the reader checked). */
		f = brul_reader_field(r, cb);
		if (f.s)
			snprintf(e[n].battery, sizeof e[n].battery, "%.*s",
				 (int)f.n, f.s);
		for (int k = 0; k < NUMS && rc >= 0; k++) {
			if (c[k] < 0)
				continue;
			rc = brul_reader_double(r, c[k], field(&e[n], k), err);
			if (rc == 0)
				rc = brul_err_set(err, path,
				    brul_reader_line(r), 0, "%s: missing value",
				    brul_ecm_columns[k + 2]);
		}
		if (rc < 0 || (rc = fitted(r, cr, &e[n].r0_mohm, err)) < 0 ||
		    (rc = fitted(r, cc, &e[n].capacity_ah, err)) < 0)
			break;
		if (!(e[n].tau1_s > 0 && e[n].tau2_s > 0 &&
		    e[n].ocv_full_v > e[n].ocv_empty_v &&
		    e[n].r1_ratio >= 0 && e[n].r2_ratio >= 0 &&
		    e[n].eod_v >= 0 && e[n].eod_max_v > 0 &&
		    e[n].charge_eff > 0 && e[n].charge_eff <= 1 &&
		    4 * fabs(e[n].ocv_bow_v) <
		    e[n].ocv_full_v - e[n].ocv_empty_v)) {
			rc = brul_err_set(err, path, brul_reader_line(r), 0,
			    "time constants and eod_max_v must be above 0, "
			    "ratios and eod_v not below, charge_eff in (0, 1], "
			    "the full OCV above the empty one, and the bow "
			    "less than a quarter of the span between them");
			break;
		}
		n++;
	}
out:
	if (rc < 0) {
		free(e);
		return -1;
	}
	*out = e;
	return n;
}

const struct brul_ecm *
brul_ecm_find(const struct brul_ecm *e, int n, const char *battery,
	      const char *model)
{
	const struct brul_ecm *m = NULL;

	for (int i = 0; i < n; i++) {
		if (battery && e[i].battery[0] &&
		    strcmp(e[i].battery, battery) == 0)
			return &e[i];
		if (!m && !e[i].battery[0] && model &&
		    strcmp(e[i].model, model) == 0)
			m = &e[i];
	}
	return m;
}

int
brul_ecm_put(struct brul_writer *w, const struct brul_ecm *e)
{
	static const int dec[NUMS] = { 4, 4, 5, 4, 0, 4, 0, 4, 2, 4, 4, 3, 4 };
	int rc = brul_writer_cstr(w, e->model);

	rc |= e->battery[0] ? brul_writer_cstr(w, e->battery) :
	    brul_writer_null(w);
	for (int k = 0; k < NUMS; k++)
		rc |= brul_writer_fixed(w, *field((struct brul_ecm *)e, k),
					dec[k]);
	return rc ? -1 : 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
brul_ecm_median(const struct brul_ecm *e, int n, struct brul_ecm *out)
{
	double *v = malloc((size_t)n * sizeof *v);

	if (v == NULL)
		return -1;
	*out = e[0];
	out->battery[0] = '\0';
	out->r0_mohm = out->capacity_ah = NAN;
	for (int k = 0; k < NUMS; k++) {
		for (int j = 0; j < n; j++)
			v[j] = *field((struct brul_ecm *)&e[j], k);
		qsort(v, (size_t)n, sizeof *v, cmp_double);
		*field(out, k) = n % 2 ? v[n / 2] :
		    (v[n / 2 - 1] + v[n / 2]) / 2;
	}
	free(v);
	/* Medians taken one by one need not keep the curve rising. */
	if (4 * fabs(out->ocv_bow_v) >= out->ocv_full_v - out->ocv_empty_v)
		out->ocv_bow_v = copysign(0.24 * (out->ocv_full_v -
		    out->ocv_empty_v), out->ocv_bow_v);
	return 0;
}

double
brul_ecm_bow_shape(double soc)
{
	return soc <= 0 || soc >= 1 ? 0 : 4 * soc * (1 - soc);
}

/* The curve at 25 degC: a parabola within [0, 1], straight on along its
 * end slopes beyond. */
static double
curve(const struct brul_ecm *e, double soc)
{
	double span = e->ocv_full_v - e->ocv_empty_v, w = e->ocv_bow_v;

	if (soc < 0)
		return e->ocv_empty_v + (span + 4 * w) * soc;
	if (soc > 1)
		return e->ocv_full_v + (span - 4 * w) * (soc - 1);
	return e->ocv_empty_v + span * soc + w * brul_ecm_bow_shape(soc);
}

double
brul_ecm_ocv(const struct brul_ecm *e, double soc, double temp_c)
{
	return curve(e, soc) + e->ocv_temp_v_per_c * (temp_c - 25);
}

double
brul_ecm_ocv_slope(const struct brul_ecm *e, double soc)
{
	double s = clamp(soc, 0, 1);

	return e->ocv_full_v - e->ocv_empty_v + 4 * e->ocv_bow_v * (1 - 2 * s);
}

double
brul_ecm_soc_at(const struct brul_ecm *e, double v, double temp_c)
{
	double u = v - e->ocv_temp_v_per_c * (temp_c - 25);
	double span = e->ocv_full_v - e->ocv_empty_v, w = e->ocv_bow_v;
	double b, d;

	if (u <= e->ocv_empty_v)
		return (u - e->ocv_empty_v) / (span + 4 * w);
	if (u >= e->ocv_full_v)
		return 1 + (u - e->ocv_full_v) / (span - 4 * w);
	if (fabs(w) < 1e-9 * span)
		return (u - e->ocv_empty_v) / span;
	/* 4 w s^2 - (span + 4 w) s + (u - empty) = 0, the root in [0, 1]:
	 * written so that it does not cancel as w goes to 0. */
	b = span + 4 * w;
	d = sqrt(fmax(b * b - 16 * w * (u - e->ocv_empty_v), 0));
	return 2 * (u - e->ocv_empty_v) / (b + d);
}

double
brul_ecm_eod(const struct brul_ecm *e, double c, double soc, double *d_dsoc)
{
	double s = soc > 0.03 ? soc : 0.03, v = e->eod_v * c / (s * s);

	if (v >= e->eod_max_v || soc <= 0.03) {
		*d_dsoc = 0;
		return v < e->eod_max_v ? v : e->eod_max_v;
	}
	*d_dsoc = -2 * v / s;
	return v;
}

double
brul_ecm_r0_factor(const struct brul_ecm *e, double temp_c)
{
	return clamp(1 + e->r0_temp_per_c * (temp_c - 25), 0.7, 1.3);
}

double
brul_ecm_cap_factor(const struct brul_ecm *e, double temp_c)
{
	return clamp(1 + e->cap_temp_per_c * (temp_c - 25), 0.7, 1.1);
}
