/* dist.c: see dist.h. */
#include <math.h>

#include "ml/dist.h"

const int brul_dist_horizons[3] = {
	BRUL_RISK_H30, BRUL_RISK_H90, BRUL_RISK_H180
};

double
brul_dist_cdf(const struct brul_dist *d, double t)
{
	double fw, survive;

	if (t < 0)
		return 0;
	fw = brul_calib_pfail(d->wear, d->pred, t);
	survive = exp(-d->rate * t);
	/* sure to have failed suddenly, whatever wear-out does */
	if (isnan(fw) && survive == 0)
		return 1;
	return 1 - (1 - fw) * survive;
}

/* P(T <= t) >= p, or unknown: unknown is a suffix of the days (past the
 * last percentile the censoring lets be known), so this is monotone in t
 * too, and bisecting on it finds the quantile or the start of the
 * unknown. */
static int
reached(const struct brul_dist *d, double t, double p)
{
	double f = brul_dist_cdf(d, t);

	return isnan(f) || f >= p;
}

double
brul_dist_quantile(const struct brul_dist *d, double p)
{
	double lo = 0, hi;

	if (isnan(d->pred))
		return NAN;
	if (reached(d, 0, p))
		return isnan(brul_dist_cdf(d, 0)) ? INFINITY : 0;
	/* a bracket: doubling until reached */
	hi = fmax(d->pred, 1);
	while (!reached(d, hi, p)) {
		if (hi > 1e7)
			return INFINITY;
		lo = hi;
		hi *= 2;
	}
	/* bisect to the last bit */
	for (int i = 0; i < 200; i++) {
		double mid = lo + (hi - lo) / 2;

		if (mid <= lo || mid >= hi)
			break;
		if (reached(d, mid, p))
			hi = mid;
		else
			lo = mid;
	}
	return isnan(brul_dist_cdf(d, hi)) ? INFINITY : hi;
}

/* Days as written: to 0.1. */
static double
tenth(double v)
{
	return isfinite(v) ? round(v * 10) / 10 : v;
}

/* P(T <= h), consistent with the median as both are written. */
static double
pfail(const struct brul_dist *d, double median, double h)
{
	double p = brul_dist_cdf(d, h);

	if (isnan(p) || isnan(median))
		return p;
	if (median <= h)
		return p < 0.5 ? 0.5 : p;
	return p >= 0.49995 ? 0.4999 : p;
}

/* The median where censoring hides it: the model's own RUL, but past
 * every day whose probability is known (all under one half there), to
 * 0.1 day up. */
static double
beyond(const struct brul_dist *d)
{
	double known = 0;

	for (int pct = BRUL_CALIB_Q; pct >= 1; pct--) {
		double q = brul_calib_quantile(d->wear, d->pred, pct);

		if (isfinite(q)) {
			known = q;
			break;
		}
	}
	return fmax(tenth(d->pred), ceil(known * 10) / 10);
}

void
brul_dist_read(const struct brul_dist *d, struct brul_rul *r)
{
	r->p_sudden_90d = isnan(d->pred) ? NAN :
	    -expm1(-d->rate * BRUL_RISK_H90);
	/* with no end of life seen at all (every label censored), the
	 * prediction is all there is */
	if (d->wear == NULL || isnan(d->pred) ||
	    isinf(brul_calib_quantile(d->wear, d->pred, 1))) {
		r->median = tenth(d->pred < 0 ? 0 : d->pred);
		r->p10 = r->p90 = NAN;
		for (int k = 0; k < 3; k++)
			r->p_fail[k] = NAN;
		return;
	}
	r->median = tenth(brul_dist_quantile(d, 0.5));
	r->p10 = tenth(brul_dist_quantile(d, 0.1));
	r->p90 = tenth(brul_dist_quantile(d, 0.9));
	if (isinf(r->median))
		r->median = beyond(d);
	for (int k = 0; k < 3; k++)
		r->p_fail[k] = pfail(d, r->median, brul_dist_horizons[k]);
}
