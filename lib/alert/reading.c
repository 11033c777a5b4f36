/* reading.c: see reading.h. */
#include <math.h>

#include "alert/reading.h"

void
brul_reading_reset(struct brul_reading *s)
{
	s->t = s->t0 = INT64_MIN;
	s->ewma = s->sum = s->w = 0;
	s->dt = 0;
	s->n = 0;
	s->base = NAN;
}

double
brul_reading_step(const struct brul_metric *m, struct brul_reading *s,
		 int64_t ts, double x, double fleet_base)
{
	if (isnan(x))
		return NAN;
	if (m->abs)
		x = fabs(x);
	if (m->smooth_s > 0 && s->t != INT64_MIN && ts > s->t) {
		if (ts - s->t != s->dt) {
			s->dt = ts - s->t;
			s->w = -expm1(-(double)s->dt / (double)m->smooth_s);
		}
		s->ewma += s->w * (x - s->ewma);
	}
	else if (m->smooth_s == 0 || s->t == INT64_MIN)
		s->ewma = x;
	s->t = ts;
	x = s->ewma;
	if (m->relative == BRUL_REL_NONE)
		return x;
	if (m->baseline_fleet)
		s->base = fleet_base;
	else if (isnan(s->base)) {
		if (s->t0 == INT64_MIN)
			s->t0 = ts;
		if (ts - s->t0 < m->baseline_s) {
			s->sum += x;
			s->n++;
			return NAN;
		}
		/* The window has passed: the baseline is its mean. */
		s->base = s->n > 0 ? s->sum / (double)s->n : x;
	}
	if (isnan(s->base))
		return NAN;
	if (m->relative == BRUL_REL_DIFF)
		return x - s->base;
	return s->base > 0 ? 100 * (x / s->base - 1) : NAN;
}
