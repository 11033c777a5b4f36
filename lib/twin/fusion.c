/*
 * fusion.c: see fusion.h.
 */
#include <math.h>

#include "battery/vrla.h"
#include "twin/fusion.h"

#define MIN_SPAN_DAYS 30

void
brul_trend_add(struct brul_trend *t, double day, double soh, double sd)
{
	double w;

	if (!(sd > 0) || isnan(soh))
		return;
	w = 1 / (sd * sd);
	t->w += w;
	t->wx += w * day;
	t->wy += w * soh;
	t->wxx += w * day * day;
	t->wxy += w * day * soh;
	if (t->n == 0)
		t->first = day;
	t->last = day;
	t->n++;
}

int
brul_trend_rul(const struct brul_trend *t, double soh, double sd,
	       double *rul, double *rul_sd)
{
	double d, slope, var_slope, left;

	if (t->n < 2 || t->last - t->first < MIN_SPAN_DAYS)
		return -1;
	d = t->w * t->wxx - t->wx * t->wx;
	if (!(d > 0))
		return -1;
	slope = (t->w * t->wxy - t->wx * t->wy) / d;	/* points per day */
	var_slope = t->w / d;
	if (!(slope < 0))
		return -1;
	left = soh - BRUL_VRLA_EOL_SOH_PCT;
	if (left < 0)
		left = 0;
	*rul = left / -slope;
	/* d rul / d soh = -1/slope; d rul / d slope = left / slope^2. */
	*rul_sd = sqrt(sd * sd / (slope * slope) +
		       left * left * var_slope / (slope * slope * slope * slope));
	return 0;
}

void
brul_fuse(double a, double sa, double b, double sb, double *m, double *s)
{
	int ha = !isnan(a) && sa > 0 && isfinite(sa);
	int hb = !isnan(b) && sb > 0 && isfinite(sb);
	double wa, wb;

	if (!ha && !hb) {
		*m = *s = NAN;
		return;
	}
	wa = ha ? 1 / (sa * sa) : 0;
	wb = hb ? 1 / (sb * sb) : 0;
	*m = ((ha ? wa * a : 0) + (hb ? wb * b : 0)) / (wa + wb);
	*s = 1 / sqrt(wa + wb);
}
