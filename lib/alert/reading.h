/*
 * reading.h: how a rule's reading becomes the number it compares: |x| if
 * asked, an exponential mean over the smoothing time (for irregular
 * samples: the weight of the past decays as exp(-dt / smooth)), then the
 * difference or percentage over the entity's baseline, which is either
 * given (the batteries stream's baseline_mohm) or learned as the mean of
 * the (smoothed) values over the entity's first baseline_s.
 *
 * Ownership: the state is plain storage of the caller's, one per rule (or
 * condition) and entity, zeroed by brul_reading_reset.
 */
#ifndef BRUL_READING_H
#define BRUL_READING_H

#include <stdint.h>
#include "alert/rules.h"

struct brul_reading {
	int64_t t;		/* last value's time; INT64_MIN before any */
	double ewma;
	int64_t dt;		/* the last step, and its weight: samples */
	double w;		/* mostly come at one interval */
	int64_t t0;		/* first value's time, for learning */
	double sum;
	long n;
	double base;		/* NAN until known */
};

void brul_reading_reset(struct brul_reading *s);

/* The value of reading x at time ts (ascending), or NAN while the baseline
 * is still being learned, or when x is NAN (then the state is unchanged).
 * fleet_base is the entity's given baseline (NAN: none). */
double brul_reading_step(const struct brul_metric *m,
			struct brul_reading *s, int64_t ts, double x,
			double fleet_base);

#endif
