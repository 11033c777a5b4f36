/* calib.c: see calib.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ml/calib.h"

struct res {
	double r;
	int event;		/* 1: exact; 0: censored, the residual is at least r */
};

/* Ascending; at a tie, events first (a censored residual outlived it). */
static int
cmp_res(const void *a, const void *b)
{
	const struct res *x = a, *y = b;

	if (x->r != y->r)
		return (x->r > y->r) - (x->r < y->r);
	return y->event - x->event;
}

/* Percentiles 1..99 of the Kaplan-Meier estimate of the residuals'
 * distribution: the smallest residual at which the estimated CDF reaches
 * the percentile, or +inf when censoring leaves it unknown.  With no
 * censoring, the plain empirical percentiles. */
static void
km_percentiles(struct res *v, size_t n, double *q)
{
	double surv = 1, at_risk = (double)n;
	size_t i = 0;
	int p = 1;

	qsort(v, n, sizeof *v, cmp_res);
	while (i < n && p <= BRUL_CALIB_Q) {
		size_t j = i;
		double d = 0;

		while (j < n && v[j].r == v[i].r)
			d += v[j++].event;
		if (d > 0)
			surv *= 1 - d / at_risk;
		/* 1e-12: 1 - surv carries rounding from the products */
		while (p <= BRUL_CALIB_Q && 1 - surv >= p / 100.0 - 1e-12)
			q[p++ - 1] = v[i].r;
		at_risk -= (double)(j - i);
		i = j;
	}
	while (p <= BRUL_CALIB_Q)
		q[p++ - 1] = INFINITY;
}

int
brul_calib_fit(struct brul_calib *c, const double *pred, const double *truth,
    const int *exact, size_t n, struct brul_err *err)
{
	struct res *all, *band[BRUL_BANDS];
	size_t nall = 0, nb[BRUL_BANDS] = { 0 }, ev[BRUL_BANDS] = { 0 };
	double pooled[BRUL_CALIB_Q];

	memset(c, 0, sizeof *c);
	if ((all = malloc((n ? n : 1) * sizeof *all * (BRUL_BANDS + 1))) ==
	    NULL)
		return brul_err_set(err, NULL, 0, 0, "out of memory");
	for (int b = 0; b < BRUL_BANDS; b++)
		band[b] = all + n * (size_t)(b + 1);
	for (size_t i = 0; i < n; i++) {
		struct res r = { truth[i] - pred[i], exact[i] != 0 };
		int b;

		if (isnan(r.r))
			continue;
		b = brul_band(pred[i]);
		all[nall++] = r;
		band[b][nb[b]++] = r;
		ev[b] += (size_t)r.event;
	}
	km_percentiles(all, nall, pooled);
	for (int b = 0; b < BRUL_BANDS; b++) {
		c->n[b] = (long)nb[b];
		if (nb[b] < BRUL_CALIB_MIN || ev[b] == 0)
			memcpy(c->q[b], pooled, sizeof pooled);
		else
			km_percentiles(band[b], nb[b], c->q[b]);
	}
	free(all);
	return 0;
}

double
brul_calib_quantile(const struct brul_calib *c, double pred, int pct)
{
	double v;

	if (isnan(pred))
		return NAN;
	pct = pct < 1 ? 1 : pct > BRUL_CALIB_Q ? BRUL_CALIB_Q : pct;
	v = pred + c->q[brul_band(pred)][pct - 1];	/* may be +inf */
	return v > 0 ? v : 0;
}

double
brul_calib_pfail(const struct brul_calib *c, double pred, double h)
{
	const double *q;
	double x;
	int lo, hi;

	if (isnan(pred))
		return NAN;
	q = c->q[brul_band(pred)];
	x = h - pred;		/* fails by h when the residual is <= x */
	if (isinf(q[0]))
		return NAN;	/* no end of life seen: nothing known */
	if (x < q[0])
		return 0;
	if (x >= q[BRUL_CALIB_Q - 1])
		return 1;
	/* the last percentile not above x, by bisection */
	lo = 0;
	hi = BRUL_CALIB_Q - 1;
	while (hi - lo > 1) {
		int mid = (lo + hi) / 2;

		if (q[mid] <= x)
			lo = mid;
		else
			hi = mid;
	}
	if (isinf(q[hi]))
		return NAN;	/* past what censoring let us see */
	if (q[hi] == q[lo])
		return (hi + 1) / 100.0;
	return (lo + 1 + (x - q[lo]) / (q[hi] - q[lo])) / 100.0;
}

char *
brul_calib_json(const struct brul_calib *c)
{
	json_t *o = json_object(), *names = json_array(), *n = json_array(),
	    *q = json_array();
	char *s;

	for (int b = 0; b < BRUL_BANDS; b++) {
		json_t *row = json_array();

		json_array_append_new(names, json_string(brul_band_name(b)));
		json_array_append_new(n, json_integer(c->n[b]));
		for (int p = 0; p < BRUL_CALIB_Q; p++)
			json_array_append_new(row, isinf(c->q[b][p]) ?
			    json_null() : json_real(c->q[b][p]));
		json_array_append_new(q, row);
	}
	json_object_set_new(o, "bands", names);
	json_object_set_new(o, "n", n);
	json_object_set_new(o, "q", q);
	s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(17));
	json_decref(o);
	return s;
}

int
brul_calib_parse(struct brul_calib *c, const char *text, struct brul_err *err)
{
	json_error_t je;
	json_t *o = json_loads(text, 0, &je), *n, *q;
	int rc = -1;

	memset(c, 0, sizeof *c);
	if (o == NULL)
		return brul_err_set(err, NULL, 0, 0, "calibration: %s",
		    je.text);
	n = json_object_get(o, "n");
	q = json_object_get(o, "q");
	if (json_array_size(n) != BRUL_BANDS ||
	    json_array_size(q) != BRUL_BANDS)
		goto bad;
	for (int b = 0; b < BRUL_BANDS; b++) {
		json_t *row = json_array_get(q, (size_t)b);

		c->n[b] = (long)json_integer_value(json_array_get(n,
		    (size_t)b));
		if (json_array_size(row) != BRUL_CALIB_Q)
			goto bad;
		for (int p = 0; p < BRUL_CALIB_Q; p++) {
			json_t *v = json_array_get(row, (size_t)p);

			if (json_is_null(v))	/* unknown: censored */
				c->q[b][p] = INFINITY;
			else if (json_is_number(v))
				c->q[b][p] = json_number_value(v);
			else
				goto bad;
			if (p > 0 && !(c->q[b][p] >= c->q[b][p - 1]))
				goto bad;
		}
	}
	rc = 0;
	goto out;
bad:
	brul_err_set(err, NULL, 0, 0, "calibration: not %d bands of %d "
	    "ascending percentiles", BRUL_BANDS, BRUL_CALIB_Q);
out:
	json_decref(o);
	return rc;
}
