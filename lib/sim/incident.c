/* incident.c: see incident.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "core/timefmt.h"
#include "sim/incident.h"
#include "sim/rngkey.h"

#define HVAC_MEDIAN_H 6.0

static int64_t
minute(double t)
{
	return 60 * (int64_t)floor(t / 60.0);
}

/* Arrivals of a Poisson process of `per_year` in one day, with durations
 * log-normal around median_s; appends to out. */
static int
arrivals(uint64_t key, int64_t day, double per_year, double median_s,
	 double min_s, double max_s, struct brul_incident proto,
	 struct brul_incident *out, int n, int max)
{
	struct brul_rng g;
	double rate = per_year / 365.25;	/* per day */
	double at = 0;

	brul_rng_init(&g, key, (uint64_t)day << 8);
	for (;;) {
		double d;

		at += brul_rng_exp(&g) / rate;
		if (at >= 1.0 || n >= max)
			return n;
		d = median_s * exp(0.9 * brul_rng_normal(&g));
		d = d < min_s ? min_s : d > max_s ? max_s : d;
		out[n] = proto;
		out[n].start = minute((double)(day * BRUL_DAY) + at * BRUL_DAY);
		out[n].end = out[n].start + 60 * (int64_t)ceil(d / 60.0);
		out[n].strength = 0.6 + 0.35 * brul_rng_uniform(&g);
		n++;
	}
}

static int
by_start(const void *a, const void *b)
{
	const struct brul_incident *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (int)x->kind - (int)y->kind;
}

int
brul_incidents_day(const struct brul_world *w, int site, int64_t day,
		   struct brul_incident *out, int max)
{
	const struct brul_fleet *f = w->fleet;
	const struct brul_region *g = &f->regions[f->sites[site].region];
	struct brul_incident proto = { .site = site, .slot = -1 };
	int n = 0;

	proto.kind = BRUL_INC_OUTAGE;
	n = arrivals(brul_rng_key(f->seed, BRUL_KEY_OUTAGE, (uint64_t)site, 0),
	    day, g->outages_per_year, 60 * g->outage_median_min, 120,
	    12 * 3600, proto, out, n, max);
	proto.kind = BRUL_INC_HVAC_FAULT;
	n = arrivals(brul_rng_key(f->seed, BRUL_KEY_HVAC, (uint64_t)site, 0),
	    day, g->hvac_faults_per_year, 3600 * HVAC_MEDIAN_H, 1800,
	    72 * 3600, proto, out, n, max);
	for (int i = 0; i < w->nscenarios && n < max; i++) {
		const struct brul_incident *s = &w->scenarios[i];

		if (s->site == site && s->slot < 0 &&
		    s->start >= day * BRUL_DAY &&
		    s->start < (day + 1) * BRUL_DAY)
			out[n++] = *s;
	}
	qsort(out, (size_t)n, sizeof *out, by_start);
	return n;
}
