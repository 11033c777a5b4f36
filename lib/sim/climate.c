/* climate.c: see climate.h. */
#include <math.h>

#include "core/rng.h"
#include "core/timefmt.h"
#include "sim/climate.h"
#include "sim/rngkey.h"

/* Monthly normals are taken at mid-month (day of year 15, 45, ...) and
 * interpolated linearly around the year. */
static double
normal(const struct brul_region *g, double doy)
{
	double x = (doy - 15.2) / 30.44;
	double fl = floor(x);
	int m = (int)fl;
	double w = x - fl;
	int a = ((m % 12) + 12) % 12, b = (a + 1) % 12;

	return g->t_month[a] * (1 - w) + g->t_month[b] * w;
}

/* Weather anomaly of a region on one day: a 5-day moving average of
 * independent normals, so consecutive days are correlated without state. */
static double
anomaly(const struct brul_fleet *f, int region, int64_t day)
{
	uint64_t key = brul_rng_key(f->seed, BRUL_KEY_WEATHER,
	    (uint64_t)region, 0);
	double s = 0;

	for (int64_t d = day - 2; d <= day + 2; d++) {
		struct brul_rng g;

		brul_rng_init(&g, key, (uint64_t)d * 2);
		s += brul_rng_normal(&g);
	}
	return s * (1.3 / 2.2360679774997898);
}

double
brul_climate_day_mean(const struct brul_fleet *f, int region, int64_t day)
{
	const struct brul_region *g = &f->regions[region];

	return normal(g, brul_day_of_year(day) + 0.5) +
	    anomaly(f, region, day);
}

double
brul_climate_outdoor(const struct brul_fleet *f, int region, int64_t t)
{
	const struct brul_region *g = &f->regions[region];
	int64_t day = t >= 0 ? t / BRUL_DAY : -((-t + BRUL_DAY - 1) / BRUL_DAY);
	double frac = (double)(t - day * BRUL_DAY) / BRUL_DAY;
	/* The anomaly is interpolated between day centres. */
	double a0, a1, w;
	double local_h = fmod((double)(t + BRUL_UTC_OFFSET) / 3600.0, 24.0);

	if (frac < 0.5) {
		a0 = anomaly(f, region, day - 1);
		a1 = anomaly(f, region, day);
		w = frac + 0.5;
	} else {
		a0 = anomaly(f, region, day);
		a1 = anomaly(f, region, day + 1);
		w = frac - 0.5;
	}
	return normal(g, brul_day_of_year(day) + frac) + a0 * (1 - w) +
	    a1 * w + g->diurnal_c * cos(2 * M_PI * (local_h - 15.0) / 24.0);
}
